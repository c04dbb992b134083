/* SPDX-License-Identifier: MIT */
/* test_words.c: the words that say what to do (app_words.h): each connect
 * failure with its address and fix, IPv6 in brackets, the friend's line on
 * the room screen, the window title through a game and on other screens, the
 * score of a series, the swap; every output cut to its buffer at a
 * character boundary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "app.h"
#include "app_words.h"
#include "scene.h"

static void test_connect_failures(void **state)
{
    (void)state;
    char w[APP_TEXT_MAX];
    app_connect_failure_words(APP_FAIL_REFUSED, "localhost", 7777, NULL, w, sizeof w);
    assert_string_equal(w, "Nothing is listening on localhost:7777. Is tttd running on this port?");
    app_connect_failure_words(APP_FAIL_NO_HOST, "nosuchhost", 7777, NULL, w, sizeof w);
    assert_string_equal(w, "No host called 'nosuchhost'");
    app_connect_failure_words(APP_FAIL_NOT_TTT, "example.org", 80, "203.0.113.5:80", w, sizeof w);
    assert_string_equal(w, "203.0.113.5:80 answered, but it is not a ttt server (wrong port?)");
    app_connect_failure_words(APP_FAIL_NOT_TTT, "2001:db8::5", 80, "", w, sizeof w);
    assert_string_equal(w, "[2001:db8::5]:80 answered, but it is not a ttt server (wrong port?)");
    app_connect_failure_words(APP_FAIL_SERVER_FULL, "h", 7777, NULL, w, sizeof w);
    assert_string_equal(w, "Server full: try again in a minute");
    app_connect_failure_words(APP_FAIL_LOOKUP, "gamebox.lan", 7777, NULL, w, sizeof w);
    assert_string_equal(w, "Cannot look up 'gamebox.lan' now: is the network up?");
    app_connect_failure_words(APP_FAIL_UNREACHABLE, "10.1.2.3", 7777, NULL, w, sizeof w);
    assert_string_equal(w, "No route to 10.1.2.3:7777 from this network");
    app_connect_failure_words(APP_FAIL_TIMED_OUT, "::1", 9000, NULL, w, sizeof w);
    assert_string_equal(w, "[::1]:9000 did not answer. Is the address right, and the port open?");
    app_connect_failure_words(APP_FAIL_BAD_VERSION, "h", 7777, NULL, w, sizeof w);
    assert_string_equal(w, "h:7777 runs another version of ttt: update ttt or the server");
    /* A host name as long as an address may be: cut, never overrun. */
    char host[CONFIG_ADDR_MAX + 1];
    memset(host, 'a', CONFIG_ADDR_MAX);
    host[CONFIG_ADDR_MAX] = '\0';
    app_connect_failure_words(APP_FAIL_REFUSED, host, 7777, NULL, w, sizeof w);
    assert_int_equal(strlen(w), sizeof w - 1);
    char small[18]; /* room for "No host called '" and one byte of the next character */
    app_connect_failure_words(APP_FAIL_NO_HOST, "\u674e\u5c0f\u9f99", 7777, NULL, small, sizeof small);
    assert_string_equal(small, "No host called '"); /* not a torn character */
    app_connect_failure_words(APP_FAIL_REFUSED, "h", 1, NULL, NULL, 10); /* nowhere to write */
}

static void test_hostport(void **state)
{
    (void)state;
    char w[64];
    app_hostport_words("192.168.1.20", 7777, w, sizeof w);
    assert_string_equal(w, "192.168.1.20:7777");
    app_hostport_words("fe80::1%eth0", 7777, w, sizeof w);
    assert_string_equal(w, "[fe80::1%eth0]:7777");
    app_hostport_words("", 7777, w, sizeof w);
    assert_string_equal(w, "");
    app_hostport_words(NULL, 7777, w, sizeof w);
    assert_string_equal(w, "");
}

static void test_invite(void **state)
{
    (void)state;
    char w[APP_TEXT_MAX];
    app_invite_words("192.168.1.20:7777", "K7PX2Q", w, sizeof w);
    assert_string_equal(w, "Tell your friend: server 192.168.1.20:7777, room K7PX2Q");
}

static void set_game(struct app *a, uint8_t screen, uint8_t you, uint8_t to_move)
{
    a->screen = screen;
    a->game.game_id = 7;
    a->game.you = you;
    a->game.to_move = to_move;
    a->game.over = to_move == 0;
    strcpy(a->game.x_name.s, "alice");
    strcpy(a->game.o_name.s, "bob");
}

static void test_titles(void **state)
{
    (void)state;
    struct app a;
    app_init(&a, NULL, 0);
    char t[APP_TEXT_MAX];
    app_title_words(&a, "Tic-tac-toe", t, sizeof t);
    assert_string_equal(t, "Tic-tac-toe \u2014 ttt");
    app_title_words(&a, "", t, sizeof t);
    assert_string_equal(t, "ttt");
    a.screen = APP_SCREEN_LOBBY;
    app_title_words(&a, "Lobby", t, sizeof t);
    assert_string_equal(t, "Lobby \u2014 ttt");

    set_game(&a, APP_SCREEN_PLAYING, PROTO_MARK_X, PROTO_MARK_X);
    app_title_words(&a, "Game #7", t, sizeof t);
    assert_string_equal(t, "Your turn \u2014 ttt");
    a.game.to_move = PROTO_MARK_O;
    app_title_words(&a, "Game #7", t, sizeof t);
    assert_string_equal(t, "Waiting for bob \u2014 ttt");

    set_game(&a, APP_SCREEN_GAME_OVER, PROTO_MARK_X, 0);
    a.game.reason = PROTO_REASON_LINE;
    a.game.winner = PROTO_MARK_X;
    app_title_words(&a, "Game over", t, sizeof t);
    assert_string_equal(t, "You won \u2014 ttt");
    a.game.winner = PROTO_MARK_O;
    app_title_words(&a, "Game over", t, sizeof t);
    assert_string_equal(t, "You lost \u2014 ttt");
    a.game.winner = 0;
    a.game.reason = PROTO_REASON_FULL;
    app_title_words(&a, "Game over", t, sizeof t);
    assert_string_equal(t, "Draw \u2014 ttt");

    set_game(&a, APP_SCREEN_SPECTATING, PROTO_SPECTATOR, PROTO_MARK_X);
    app_title_words(&a, "Watching game #7", t, sizeof t);
    assert_string_equal(t, "alice to move \u2014 ttt");
    set_game(&a, APP_SCREEN_GAME_OVER, PROTO_SPECTATOR, 0);
    a.game.reason = PROTO_REASON_TIMEOUT;
    a.game.winner = PROTO_MARK_O;
    app_title_words(&a, "Game over", t, sizeof t);
    assert_string_equal(t, "bob won \u2014 ttt");

    set_game(&a, APP_SCREEN_RECONNECTING, PROTO_MARK_O, PROTO_MARK_X);
    app_title_words(&a, "Game #7", t, sizeof t);
    assert_string_equal(t, "Reconnecting\u2026 \u2014 ttt");
}

static void test_series(void **state)
{
    (void)state;
    char w[APP_TEXT_MAX];
    app_series_words("alice", 2, 1, "bob", w, sizeof w);
    assert_string_equal(w, "alice 2 - 1 bob");
    app_series_words("\u674e\u5c0f\u9f99", 0, 10, "bob", w, sizeof w);
    assert_string_equal(w, "\u674e\u5c0f\u9f99 0 - 10 bob");
    app_swap_words(PROTO_MARK_O, w, sizeof w);
    assert_string_equal(w, "You play O this time");
    app_swap_words(PROTO_MARK_X, w, sizeof w);
    assert_string_equal(w, "You play X this time");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_failures),
        cmocka_unit_test(test_hostport),
        cmocka_unit_test(test_invite),
        cmocka_unit_test(test_titles),
        cmocka_unit_test(test_series),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
