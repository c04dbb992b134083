/* SPDX-License-Identifier: MIT */
/* test_scene.c: the scene's plain data (scene.h) and the questions asked of
 * the app's state (app_state.h): scene_reset leaves no cell reference at 0; who plays,
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
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_state_queries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
