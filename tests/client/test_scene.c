/* SPDX-License-Identifier: MIT */
/* test_scene.c: the scene's plain data (scene.h) and the questions asked of
 * the app's state (app_state.h): scene_put cuts at a character boundary and
 * always terminates; scene_reset leaves no cell reference at 0; who plays,
 * whether a game is on, the seat and opponent names with their fallbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "app_state.h"
#include "scene.h"

static void test_put_fits(void **state)
{
    (void)state;
    char out[8];
    memset(out, 'z', sizeof out);
    scene_put(out, sizeof out, "abc");
    assert_string_equal(out, "abc");
    scene_put(out, sizeof out, "abcdefghij"); /* cut to 7 bytes and the NUL */
    assert_string_equal(out, "abcdefg");
    scene_put(out, sizeof out, NULL);
    assert_string_equal(out, "");
    scene_put(out, 1, "abc");
    assert_string_equal(out, "");
    scene_put(NULL, 8, "abc"); /* nothing to write to: nothing happens */
    out[0] = 'q';
    scene_put(out, 0, "abc");
    assert_int_equal(out[0], 'q');
}

static void test_put_keeps_utf8_whole(void **state)
{
    (void)state;
    char out[8];
    /* "ab" then three 2-byte characters (e-acute) then a 4-byte one (an emoji). */
    const char *s = "ab\xC3\xA9\xC3\xA9\xC3\xA9\xF0\x9F\x98\x80";
    scene_put(out, sizeof out, s); /* 7 bytes: "ab" + 2 + 2 + half of the third */
    assert_string_equal(out, "ab\xC3\xA9\xC3\xA9");
    char six[6];
    scene_put(six, sizeof six, s); /* 5 bytes: the second character whole */
    assert_string_equal(six, "ab\xC3\xA9");
    char eleven[11];
    scene_put(eleven, sizeof eleven, s); /* 10 bytes: the emoji would be cut */
    assert_string_equal(eleven, "ab\xC3\xA9\xC3\xA9\xC3\xA9");
    char two[2];
    scene_put(two, sizeof two, "\xC3\xA9"); /* not even one character fits */
    assert_string_equal(two, "");
}

static void test_reset(void **state)
{
    (void)state;
    struct scene sc;
    memset(&sc, 0x5A, sizeof sc);
    scene_reset(&sc);
    assert_int_equal(sc.board.shown, 0);
    assert_int_equal(sc.button_count, 0);
    assert_string_equal(sc.title, "");
    assert_int_equal(sc.board.hover, BOARD_NO_CELL);
    assert_int_equal(sc.board.cursor, BOARD_NO_CELL);
    assert_int_equal(sc.board.last, BOARD_NO_CELL);
    assert_int_equal(sc.board.pending, BOARD_NO_CELL);
    for (int i = 0; i < 3; i++)
        assert_int_equal(sc.board.line[i], BOARD_NO_CELL);
}

static void test_state_queries(void **state)
{
    (void)state;
    static struct app a;
    memset(&a, 0, sizeof a);
    assert_false(app_is_player(&a)); /* no game yet */
    assert_false(app_game_live(&a));
    assert_string_equal(app_opponent_name(&a), "your opponent");
    assert_string_equal(app_seat_name(&a.game, PROTO_MARK_X), "X");
    assert_string_equal(app_seat_name(&a.game, PROTO_MARK_O), "O");

    snprintf(a.game.x_name.s, sizeof a.game.x_name.s, "alice");
    snprintf(a.game.o_name.s, sizeof a.game.o_name.s, "bob");
    a.game.you = PROTO_MARK_X;
    a.game.to_move = PROTO_MARK_O;
    assert_true(app_is_player(&a));
    assert_true(app_game_live(&a));
    assert_string_equal(app_opponent_name(&a), "bob");
    assert_string_equal(app_seat_name(&a.game, PROTO_MARK_O), "bob");
    a.game.you = PROTO_MARK_O;
    assert_string_equal(app_opponent_name(&a), "alice");
    a.game.over = 1;
    assert_false(app_game_live(&a));
    assert_true(app_is_player(&a)); /* of the last game */
    a.game.you = 0;                 /* watching */
    assert_false(app_is_player(&a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_fits),
        cmocka_unit_test(test_put_keeps_utf8_whole),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_state_queries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
