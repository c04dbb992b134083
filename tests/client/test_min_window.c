/* SPDX-License-Identifier: MIT */
/* test_min_window.c: every screen of the UI state machine, driven there as
 * a player gets there, laid out and drawn (SDL's software renderer) at the
 * smallest window the client asks for (LAYOUT_MIN_W x LAYOUT_MIN_H) and at
 * the same width a little taller: no line, hint or button label is cut
 * with an ellipsis -- every word on screen is read whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "app_fixture.h"
#include "canvas.h"
#include "font_fixture.h"
#include "layout.h"
#include "render.h"

struct canvas {
    struct soft_canvas sw;
    struct render *rd;
};

static struct canvas C[2];
static const int heights[2] = { LAYOUT_MIN_H, LAYOUT_MIN_H + 120 };

static int canvases_open(void **state)
{
    if (font_fixture_setup(state) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        if (soft_canvas_open(&C[i].sw, LAYOUT_MIN_W, heights[i]) < 0)
            return -1;
        char err[FONT_ERR_MAX];
        C[i].rd = render_new(C[i].sw.r, fixture_font, err);
        if (!C[i].rd) {
            fprintf(stderr, "render_new: %s\n", err);
            return -1;
        }
    }
    return 0;
}

static int canvases_close(void **state)
{
    for (int i = 0; i < 2; i++) {
        render_free(C[i].rd);
        soft_canvas_close(&C[i].sw);
    }
    return font_fixture_teardown(state);
}

/* The app's screen now, drawn at the minimum size and a little taller:
 * nothing shortened. `what` names the screen in a failure. */
static void readable(const char *what)
{
    const struct scene *sc = scene();
    for (int i = 0; i < 2; i++) {
        struct layout l;
        layout_compute(&l, LAYOUT_MIN_W, heights[i], sc);
        assert_int_equal(render_frame(C[i].rd, sc, &l), 0);
        const char *cut = render_shortened(C[i].rd);
        if (cut)
            fail_msg("%s at %dx%d: \"%s\" is cut", what, LAYOUT_MIN_W, heights[i], cut);
    }
}

static void test_connect_screens(void **state)
{
    (void)state;
    reset_fx();
    struct app_options o = {.last_addr = "example.org:7777", .name = "alice"};
    app_init(&F.a, &o, F.now);
    readable("the connect screen");
    struct discover_server s;
    memset(&s, 0, sizeof s);
    s.serial = 1;
    s.info.name.len = 7;
    memcpy(s.info.name.s, "gamebox", 7);
    s.info.proto_version = PROTO_VERSION;
    s.info.players = 2;
    snprintf(s.addr, sizeof s.addr, "192.168.1.20:7777");
    app_on_servers(&F.a, &s, 1);
    readable("the connect screen with a server");
    key(APP_KEY_ENTER);
    readable("connecting");
    closed(SESSION_CLOSE_CONNECT, 0, "connection refused");
    readable("a connect that failed");
    app_button(&F.a, APP_BTN_COMPUTER, F.now);
    readable("the computer's levels");

    reset_fx();
    struct app_options room = {.name = "alice", .room = "K7PX2Q"};
    app_init(&F.a, &room, F.now);
    readable("the connect screen for a room");
}

static void test_lobby_screens(void **state)
{
    (void)state;
    reset_fx();
    start_lobby();
    readable("the lobby");
    app_button(&F.a, APP_BTN_JOIN_ROOM, F.now);
    readable("joining by code");
    key(APP_KEY_ESC);
    app_button(&F.a, APP_BTN_WATCH, F.now);
    readable("the games list, loading");
    net(SESSION_EV_GAME_LIST);
    readable("the games list, empty");
    key(APP_KEY_ESC);
    app_button(&F.a, APP_BTN_QUICK_MATCH, F.now);
    readable("quick match");
    key(APP_KEY_ESC);
    app_button(&F.a, APP_BTN_CREATE_ROOM, F.now);
    readable("creating a room");
    strcpy(F.ev.u.room_code, "K7PX2Q");
    net(SESSION_EV_ROOM_CREATED);
    readable("the room code");
}

static void test_game_screens(void **state)
{
    (void)state;
    reset_fx();
    start_lobby();
    game_start(PROTO_MARK_X, 12);
    readable("your turn");
    app_click_cell(&F.a, 4, F.now);
    readable("your move sent");
    moved(4);
    readable("their turn");
    opponent(PROTO_OPP_DISCONNECTED, 20);
    readable("the opponent away");
    opponent(PROTO_OPP_RECONNECTED, 0);
    F.ev.u.reconnect.deadline_ms = F.now + 20000;
    net(SESSION_EV_RECONNECTING);
    readable("reconnecting");
    net(SESSION_EV_RESUMED);
    readable("back in the game");
    key(APP_KEY_ESC);
    readable("leave the game?");
    key(APP_KEY_ESC);
    game_over(PROTO_MARK_O, PROTO_REASON_TIMEOUT, 0xFF, 0xFF, 0xFF);
    readable("lost on time");
    opponent(PROTO_OPP_REMATCH, 0);
    readable("a rematch offered");
    key(APP_KEY_R);
    readable("a rematch accepted");
    game_start_named(PROTO_MARK_O, 13, "bob", "alice");
    readable("you play O this time");
    game_over(PROTO_MARK_NONE, PROTO_REASON_FULL, 0xFF, 0xFF, 0xFF);
    opponent(PROTO_OPP_LEFT, 0);
    readable("the opponent left");

    reset_fx();
    start_lobby();
    game_start(PROTO_SPECTATOR, 41);
    readable("watching");
    game_over(PROTO_MARK_X, PROTO_REASON_RESIGN, 0xFF, 0xFF, 0xFF);
    readable("a watched game's result");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_screens),
        cmocka_unit_test(test_lobby_screens),
        cmocka_unit_test(test_game_screens),
    };
    return cmocka_run_group_tests(tests, canvases_open, canvases_close);
}
