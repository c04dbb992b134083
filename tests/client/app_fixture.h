/* SPDX-License-Identifier: MIT */
/* app_fixture.h: the UI state machine's test bench for test_app.c and
 * test_app_feel.c -- the app, the session as the test pretends it is (the
 * event to deliver and the snapshot that goes with it), the clock; helpers
 * that deliver events, press keys, read the scene and pop requests. */
#ifndef TTT_TEST_APP_FIXTURE_H
#define TTT_TEST_APP_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "scene.h"

#define T0 1000000u

/* The app, the session as the test pretends it is (the event to deliver
 * and the snapshot that goes with it), and the clock. */
struct fx {
    struct app a;
    struct session_event ev;
    struct session_snapshot e;
    uint64_t now;
    struct scene sc;
};

static struct fx F;

static inline void reset_fx(void)
{
    memset(&F, 0, sizeof F);
    F.now = T0;
    F.e.game.last_cell = BOARD_NO_CELL;
    memset(F.e.game.line, PROTO_NO_CELL, 3);
    F.e.turn_s = 30;
    F.e.grace_s = 20;
}

/* Deliver one event of `type` with the current snapshot. */
static inline void net(uint8_t type)
{
    F.ev.type = type;
    app_on_net(&F.a, &F.ev, &F.e, F.now);
    memset(&F.ev, 0, sizeof F.ev);
}

static inline struct scene *scene(void)
{
    app_fill_scene(&F.a, &F.sc, F.now);
    return &F.sc;
}

/* Pop the next request and check its type. */
static inline struct app_request req(uint8_t type)
{
    struct app_request r;
    memset(&r, 0, sizeof r);
    assert_int_equal(app_take_request(&F.a, &r), 1);
    assert_int_equal(r.type, type);
    return r;
}

/* Pop the next request, a session request, and check its type. */
static inline struct session_request sreq(uint8_t type)
{
    struct app_request r = req(APP_REQ_SESSION);
    assert_int_equal(r.session.type, type);
    return r.session;
}

static inline void no_req(void)
{
    struct app_request r;
    assert_int_equal(app_take_request(&F.a, &r), 0);
}

static inline void key(enum app_key k)
{
    app_key(&F.a, k, F.now);
}

static inline const struct scene_button *button(const struct scene *sc, int id)
{
    for (unsigned i = 0; i < sc->button_count; i++)
        if (sc->buttons[i].id == id)
            return &sc->buttons[i];
    return NULL;
}

static inline int focused(void)
{
    const struct scene *sc = scene();
    for (unsigned i = 0; i < sc->button_count; i++)
        if (sc->buttons[i].focused)
            return sc->buttons[i].id;
    return APP_BTN_NONE;
}

/* Start the app with an address (connect at once) and answer WELCOME. */
static inline void start_connected(const struct app_options *o)
{
    app_init(&F.a, o, F.now);
    req(APP_REQ_CONNECT);
    F.e.phase = SESSION_LOBBY;
    net(SESSION_EV_WELCOME);
    req(APP_REQ_REMEMBER);
}

/* Connect from the connect screen (Enter) and answer WELCOME. */
static inline void connect_by_hand(void)
{
    key(APP_KEY_ENTER);
    req(APP_REQ_CONNECT);
    F.e.phase = SESSION_LOBBY;
    net(SESSION_EV_WELCOME);
    req(APP_REQ_REMEMBER);
}

/* Start on the lobby menu (connected from the connect screen). */
static inline void start_lobby(void)
{
    struct app_options o = {.last_addr = "example.org:7777", .name = "alice"};
    app_init(&F.a, &o, F.now);
    connect_by_hand();
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_LOBBY);
    assert_int_equal(F.a.lobby_mode, APP_LOBBY_MENU);
    assert_non_null(strstr(scene()->detail, "example.org:7777")); /* where we are */
}

/* A game starts (GAME_START + STATE) with this client as `you`, x and o
 * on the seats. */
static inline void game_start_named(uint8_t you, uint32_t id, const char *x, const char *o)
{
    struct session_game *g = &F.e.game;
    memset(g, 0, sizeof *g);
    g->game_id = id;
    g->you = you;
    proto_name_set(&g->x_name, x);
    proto_name_set(&g->o_name, o);
    g->board = board_new();
    g->to_move = PROTO_MARK_X;
    g->turn_deadline_ms = F.now + 30000;
    g->last_cell = BOARD_NO_CELL;
    memset(g->line, PROTO_NO_CELL, 3);
    F.e.phase = you == PROTO_SPECTATOR ? SESSION_SPECTATING : SESSION_PLAYING;
    F.e.my_turn = you == PROTO_MARK_X;
    net(SESSION_EV_GAME_START);
    net(SESSION_EV_STATE);
}

/* The same with alice as X and bob as O. */
static inline void game_start(uint8_t you, uint32_t id)
{
    game_start_named(you, id, "alice", "bob");
}

/* A fresh bench, on the lobby menu, then in game `id` as `you`: where
 * most tests of a game begin. */
static inline void in_game(uint8_t you, uint32_t id)
{
    reset_fx();
    start_lobby();
    game_start(you, id);
}

/* The server confirms a move. */
static inline void moved(unsigned cell)
{
    struct session_game *g = &F.e.game;
    uint8_t mark = g->to_move;
    assert_int_equal(board_apply(&g->board, cell, &g->board), BOARD_OK);
    g->last_cell = (uint8_t)cell;
    g->to_move = board_to_move(&g->board);
    g->turn_deadline_ms = g->to_move ? F.now + 30000 : 0;
    F.e.my_turn = g->to_move == g->you;
    F.ev.u.moved.ply = (uint8_t)(g->board.ply - 1);
    F.ev.u.moved.cell = (uint8_t)cell;
    F.ev.u.moved.mark = mark;
    net(SESSION_EV_MOVED);
}

static inline void game_over(uint8_t winner, uint8_t reason, uint8_t l0, uint8_t l1, uint8_t l2)
{
    struct session_game *g = &F.e.game;
    g->over = 1;
    g->winner = winner;
    g->reason = reason;
    g->line[0] = l0;
    g->line[1] = l1;
    g->line[2] = l2;
    g->to_move = 0;
    g->turn_deadline_ms = 0;
    F.e.my_turn = 0;
    F.e.phase = g->you == PROTO_SPECTATOR ? SESSION_LOBBY : SESSION_GAME_OVER;
    net(SESSION_EV_GAME_OVER);
}

/* X takes the top row (0, 1, 2; O plays 3 and 4): game over. */
static inline void x_wins_top_row(void)
{
    moved(0);
    moved(3);
    moved(1);
    moved(4);
    moved(2);
    game_over(PROTO_MARK_X, PROTO_REASON_LINE, 0, 1, 2);
}

static inline void opponent(uint8_t event, uint16_t grace_s)
{
    struct session_game *g = &F.e.game;
    if (event == PROTO_OPP_DISCONNECTED) {
        g->opponent_away = 1;
        g->opponent_deadline_ms = F.now + (uint64_t)grace_s * 1000u;
    } else if (event == PROTO_OPP_RECONNECTED) {
        g->opponent_away = 0;
    } else if (event == PROTO_OPP_LEFT) {
        g->opponent_left = 1;
        g->opponent_rematch = 0;
    } else {
        g->opponent_rematch = 1;
    }
    F.ev.u.opponent.event = event;
    F.ev.u.opponent.grace_s = grace_s;
    net(SESSION_EV_OPPONENT);
}

static inline void closed(uint8_t reason, uint8_t code, const char *message)
{
    F.e.phase = SESSION_CLOSED;
    F.ev.u.closed.reason = reason;
    F.ev.u.closed.code = code;
    snprintf(F.ev.u.closed.message, sizeof F.ev.u.closed.message, "%s", message);
    net(SESSION_EV_CLOSED);
}

static inline void server_error(uint8_t code)
{
    F.ev.u.error.code = code;
    net(SESSION_EV_SERVER_ERROR);
}

#endif
