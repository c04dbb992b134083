/* SPDX-License-Identifier: MIT */
/* test_app.c: the client's UI state machine with no window and no sockets:
 * synthetic session events (with their snapshots: session/session.h) and user input go in; the
 * screen, the scene and the outgoing requests are checked. Also the words
 * (close reasons, results, errors), the keypad map and the redraw timing,
 * and the traps a player met (test_trap_*, and the room code's error under
 * its field in test_join_by_code): Enter never resigns, leaves or forfeits
 * by surprise, a full server offers Retry, a list does not move under the
 * mouse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "app_words.h"
#include "text.h"
#include "scene.h"

#include "app_fixture.h"

/* ---- tests ---- */

static void test_keypad(void **state)
{
    (void)state;
    static const unsigned want[10] = {BOARD_NO_CELL, 6, 7, 8, 3, 4, 5, 0, 1, 2};
    for (unsigned d = 0; d <= 9; d++)
        assert_int_equal(app_digit_cell(d), want[d]);
    assert_int_equal(app_digit_cell(7), 0);
    assert_int_equal(app_digit_cell(5), 4);
    assert_int_equal(app_digit_cell(3), 8);
    assert_int_equal(app_digit_cell(10), BOARD_NO_CELL);
}

static void test_happy_path(void **state)
{
    (void)state;
    reset_fx();
    struct app_options o = {.addr = "127.0.0.1:7777", .name = "alice"};
    app_init(&F.a, &o, F.now);
    struct app_request r = req(APP_REQ_CONNECT);
    assert_string_equal(r.host, "127.0.0.1:7777");
    assert_string_equal(r.name, "alice");
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_CONNECT);
    assert_string_equal(scene()->status, "Connecting to 127.0.0.1:7777\u2026");
    assert_non_null(button(scene(), APP_BTN_CANCEL));

    F.e.phase = SESSION_LOBBY;
    net(SESSION_EV_WELCOME);
    r = req(APP_REQ_REMEMBER);
    assert_string_equal(r.host, "127.0.0.1:7777");
    assert_string_equal(r.name, "alice");
    sreq(SESSION_REQ_QUICK_MATCH);
    no_req();
    F.e.phase = SESSION_QUEUED;
    net(SESSION_EV_QUEUED);
    assert_int_equal(F.a.screen, APP_SCREEN_WAITING);
    assert_int_equal(F.a.wait_kind, APP_WAIT_QUEUED);
    assert_string_equal(scene()->status, "Looking for an opponent\u2026");

    game_start(PROTO_MARK_X, 1);
    assert_int_equal(F.a.screen, APP_SCREEN_PLAYING);
    struct scene *sc = scene();
    assert_string_equal(sc->players[0].name, "alice");
    assert_string_equal(sc->players[1].name, "bob");
    assert_true(sc->players[0].you);
    assert_false(sc->players[1].you);
    assert_true(sc->players[0].to_move);
    assert_string_equal(sc->status, "Your turn");
    assert_string_equal(sc->title, "Game #1"); /* the id --spectate takes */
    assert_true(sc->board.shown);
    assert_true(sc->board.clickable);
    assert_true(sc->clock.shown);
    assert_string_equal(sc->clock.text, "0:30");
    assert_int_equal(sc->clock.total_ms, 30000);
    /* The keys drive the board here: no button shows the focus, Tab does not move it. */
    assert_int_equal(focused(), APP_BTN_NONE);
    key(APP_KEY_TAB);
    assert_int_equal(focused(), APP_BTN_NONE);
    no_req();

    /* My move: requested, shown pending, not on the board yet. */
    app_click_cell(&F.a, 4, F.now);
    assert_int_equal(sreq(SESSION_REQ_MOVE).cell, 4);
    sc = scene();
    assert_int_equal(sc->board.pending, 4);
    assert_int_equal(sc->board.pending_mark, BOARD_X);
    assert_int_equal(sc->board.cells[4], BOARD_EMPTY);
    assert_false(sc->board.clickable);
    app_click_cell(&F.a, 5, F.now); /* a second click while pending: nothing */
    no_req();

    moved(4);
    sc = scene();
    assert_int_equal(sc->board.pending, BOARD_NO_CELL);
    assert_int_equal(sc->board.cells[4], BOARD_X);
    assert_int_equal(sc->board.last, 4);
    assert_string_equal(sc->status, "Waiting for bob");
    assert_true(sc->players[1].to_move);
    assert_false(sc->board.clickable);

    /* Not my turn: no request, a toast says why. */
    app_click_cell(&F.a, 0, F.now);
    no_req();
    assert_string_equal(scene()->toast, "Not your turn: waiting for bob");

    moved(0);
    app_click_cell(&F.a, 0, F.now); /* taken */
    no_req();
    assert_string_equal(scene()->toast, "That square is taken");
    app_click_cell(&F.a, 2, F.now);
    assert_int_equal(sreq(SESSION_REQ_MOVE).cell, 2);
    moved(2);
    moved(1);
    app_click_cell(&F.a, 6, F.now);
    assert_int_equal(sreq(SESSION_REQ_MOVE).cell, 6);
    moved(6);
    game_over(PROTO_MARK_X, PROTO_REASON_LINE, 2, 4, 6);
    assert_int_equal(F.a.screen, APP_SCREEN_GAME_OVER);
    sc = scene();
    assert_string_equal(sc->title, "Game over");
    assert_string_equal(sc->status, "You won");
    assert_string_equal(sc->detail, "three in a row");
    assert_int_equal(sc->status_tone, SCENE_TONE_GOOD);
    assert_int_equal(sc->board.line[0], 2);
    assert_int_equal(sc->board.line[1], 4);
    assert_int_equal(sc->board.line[2], 6);
    assert_false(sc->clock.shown);
    assert_non_null(button(sc, APP_BTN_REMATCH));
    assert_non_null(button(sc, APP_BTN_NEW_OPPONENT));
    assert_non_null(button(sc, APP_BTN_LOBBY));
    no_req();

    /* R offers a rematch, once. */
    key(APP_KEY_R);
    sreq(SESSION_REQ_REMATCH);
    key(APP_KEY_R);
    no_req();
    sc = scene();
    assert_string_equal(sc->notice, "Rematch offered: waiting for bob");
    assert_false(button(sc, APP_BTN_REMATCH)->enabled);

    /* The rematch starts: marks swapped, a new game. */
    game_start(PROTO_MARK_O, 2);
    assert_int_equal(F.a.screen, APP_SCREEN_PLAYING);
    assert_string_equal(scene()->status, "Waiting for alice");
    assert_false(scene()->board.clickable);
    no_req();
}

static void test_rematch_offer_shown(void **state)
{
    (void)state;
    in_game(PROTO_MARK_O, 5);
    x_wins_top_row();
    struct scene *sc = scene();
    assert_string_equal(sc->status, "You lost");
    assert_int_equal(sc->status_tone, SCENE_TONE_BAD);
    assert_string_equal(sc->notice, "");
    opponent(PROTO_OPP_REMATCH, 0);
    sc = scene();
    assert_string_equal(sc->notice, "alice wants a rematch: press R to accept");
    assert_string_equal(button(sc, APP_BTN_REMATCH)->label, "Accept rematch");
    /* Accept with the button. */
    app_button(&F.a, APP_BTN_REMATCH, F.now);
    sreq(SESSION_REQ_REMATCH);
    /* The opponent leaves instead: no rematch button any more. */
    opponent(PROTO_OPP_LEFT, 0);
    sc = scene();
    assert_null(button(sc, APP_BTN_REMATCH));
    assert_string_equal(sc->notice, "alice left: no rematch");
    app_button(&F.a, APP_BTN_REMATCH, F.now); /* not shown: ignored */
    key(APP_KEY_R);
    no_req();
    /* New opponent: leave the finished game, then quick match from the lobby. */
    app_button(&F.a, APP_BTN_NEW_OPPONENT, F.now);
    sreq(SESSION_REQ_LEAVE);
    sreq(SESSION_REQ_QUICK_MATCH);
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_WAITING);
}

static void test_create_room(void **state)
{
    (void)state;
    reset_fx();
    struct app_options o = {.addr = "h", .name = "alice", .create_room = 1};
    start_connected(&o);
    sreq(SESSION_REQ_CREATE_ROOM);
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_WAITING);
    assert_int_equal(F.a.wait_kind, APP_WAIT_ROOM);
    assert_string_equal(scene()->status, "Creating a room\u2026");
    assert_string_equal(scene()->big, "");
    F.e.phase = SESSION_ROOM_WAIT;
    strcpy(F.ev.u.room_code, "K7PX2Q");
    net(SESSION_EV_ROOM_CREATED);
    struct scene *sc = scene();
    assert_string_equal(sc->big, "K7PX2Q");
    assert_string_equal(sc->big_caption, "Tell your friend: server h, room K7PX2Q");
    assert_string_equal(sc->status, "Waiting for your friend to join");
    assert_non_null(button(sc, APP_BTN_CANCEL));
    /* Cancel closes the room. */
    key(APP_KEY_ESC);
    sreq(SESSION_REQ_LEAVE);
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_LOBBY);
    /* From the lobby menu, with the button. */
    app_button(&F.a, APP_BTN_CREATE_ROOM, F.now);
    sreq(SESSION_REQ_CREATE_ROOM);
    strcpy(F.ev.u.room_code, "ABCDEF");
    net(SESSION_EV_ROOM_CREATED);
    assert_string_equal(scene()->big, "ABCDEF");
    game_start(PROTO_MARK_X, 9);
    assert_int_equal(F.a.screen, APP_SCREEN_PLAYING);
    assert_string_equal(scene()->big, "");
}

/* What Ctrl+C copies on the room screen, pasted by the friend (Ctrl+V):
 * into the code field, the code; into the connect screen's address field,
 * the server, and the room is joined once connected. (Pasted as typed text
 * it was "TELLYU" and an error.) */
static void test_paste_invite(void **state)
{
    (void)state;
    char invite[128];
    app_invite_words("192.0.2.7:7777", "K7QX2M", invite, sizeof invite);
    reset_fx();
    start_lobby();
    key(APP_KEY_DOWN);
    key(APP_KEY_DOWN);
    key(APP_KEY_ENTER);
    assert_int_equal(F.a.lobby_mode, APP_LOBBY_CODE);
    app_text(&F.a, "AB");
    app_paste(&F.a, invite);
    assert_string_equal(F.a.code, "K7QX2M");
    assert_string_equal(scene()->error, "");
    app_paste(&F.a, "  abcdef\n"); /* a bare code, as before */
    assert_string_equal(F.a.code, "ABCDEF");
    key(APP_KEY_BACKSPACE);
    app_paste(&F.a, "g"); /* no code in it: typed */
    assert_string_equal(F.a.code, "ABCDEG");

    reset_fx();
    struct app_options o = {.last_addr = "old.example", .name = "bob"};
    app_init(&F.a, &o, F.now);
    assert_true(scene()->fields[0].focused);
    app_paste(&F.a, invite);
    assert_string_equal(F.a.addr, "192.0.2.7:7777");
    assert_string_equal(scene()->status, "Connect to a server to join room K7QX2M");
    key(APP_KEY_ENTER);
    struct app_request r = req(APP_REQ_CONNECT);
    assert_string_equal(r.host, "192.0.2.7:7777");
    F.e.phase = SESSION_LOBBY;
    net(SESSION_EV_WELCOME);
    req(APP_REQ_REMEMBER);
    struct session_request sr = sreq(SESSION_REQ_JOIN_ROOM);
    assert_string_equal(sr.code, "K7QX2M");
    /* An address alone is pasted as typed. */
    reset_fx();
    app_init(&F.a, &o, F.now);
    while (F.a.addr[0])
        key(APP_KEY_BACKSPACE);
    app_paste(&F.a, "[::1]:7777");
    assert_string_equal(F.a.addr, "[::1]:7777");
    assert_string_equal(scene()->status, "Connect to a server");
}

static void test_join_by_code(void **state)
{
    (void)state;
    reset_fx();
    start_lobby();
    /* Keyboard: Quick match, Create, Join (focus moves down twice). */
    assert_int_equal(focused(), APP_BTN_QUICK_MATCH);
    key(APP_KEY_DOWN);
    key(APP_KEY_DOWN);
    assert_int_equal(focused(), APP_BTN_JOIN_ROOM);
    key(APP_KEY_ENTER);
    no_req();
    assert_int_equal(F.a.lobby_mode, APP_LOBBY_CODE);
    struct scene *sc = scene();
    assert_int_equal(sc->field_count, 1);
    assert_int_equal(sc->fields[0].id, APP_BTN_FIELD_CODE);
    assert_true(sc->fields[0].focused);

    /* Lower case is upper-cased; 1, I and O are not in the alphabet: said
     * under the field, where the fix is typed, not in a toast far from it. */
    app_text(&F.a, "ab1cio");
    assert_string_equal(F.a.code, "ABC");
    assert_string_equal(scene()->error, "Room codes use A to Z and 2 to 9, without I, O, 0 and 1");
    assert_string_equal(scene()->toast, "");
    assert_string_equal(scene()->fields[0].text, "ABC");
    assert_int_equal(scene()->fields[0].caret, 3);
    key(APP_KEY_ENTER); /* too short */
    no_req();
    assert_string_equal(scene()->error, "A room code has 6 characters");
    app_text(&F.a, "d2z9x"); /* stops at 6, and says so */
    assert_string_equal(F.a.code, "ABCD2Z");
    assert_string_equal(scene()->error, "A room code has 6 characters");
    key(APP_KEY_BACKSPACE); /* typing again clears it */
    assert_string_equal(scene()->error, "");
    app_text(&F.a, " Z\n"); /* a pasted code's spaces and line end are dropped silently */
    assert_string_equal(F.a.code, "ABCD2Z");
    assert_string_equal(scene()->error, "");
    key(APP_KEY_5); /* digit keys type through app_text, not app_key */
    key(APP_KEY_R);
    key(APP_KEY_SPACE);
    no_req();
    assert_string_equal(F.a.code, "ABCD2Z");
    key(APP_KEY_BACKSPACE);
    assert_string_equal(F.a.code, "ABCD2");
    app_text(&F.a, "9");
    key(APP_KEY_ENTER);
    struct session_request r = sreq(SESSION_REQ_JOIN_ROOM);
    assert_string_equal(r.code, "ABCD29");
    assert_int_equal(F.a.screen, APP_SCREEN_WAITING);
    assert_int_equal(F.a.wait_kind, APP_WAIT_JOINING);
    assert_string_equal(scene()->status, "Joining room ABCD29\u2026");
    assert_int_equal(scene()->button_count, 0);
    key(APP_KEY_ESC); /* nothing to cancel while the server answers */
    no_req();

    /* No such room: back to the code, said under its field (not a toast at
     * the bottom), not fatal. */
    F.e.phase = SESSION_LOBBY;
    server_error(PROTO_ERR_NO_SUCH_ROOM);
    assert_int_equal(F.a.screen, APP_SCREEN_LOBBY);
    assert_int_equal(F.a.lobby_mode, APP_LOBBY_CODE);
    sc = scene();
    assert_string_equal(sc->error, "No room with the code ABCD29: check it with your friend");
    assert_string_equal(sc->toast, "");
    assert_int_equal(sc->field_count, 1); /* the layout puts the error under the field */
    app_button(&F.a, APP_BTN_JOIN_GO, F.now);
    assert_string_equal(sreq(SESSION_REQ_JOIN_ROOM).code, "ABCD29");
    game_start(PROTO_MARK_O, 3);
    assert_int_equal(F.a.screen, APP_SCREEN_PLAYING);
    assert_string_equal(scene()->status, "Waiting for alice");

    /* From the command line. */
    reset_fx();
    struct app_options o = {.addr = "h:1", .name = "bob", .room = "QWERTY"};
    start_connected(&o);
    assert_string_equal(sreq(SESSION_REQ_JOIN_ROOM).code, "QWERTY");
    /* A bad code from the command line: the code screen, to fix it. */
    reset_fx();
    struct app_options bad = {.addr = "h:1", .name = "bob", .room = "abc"};
    start_connected(&bad);
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_LOBBY);
    assert_int_equal(F.a.lobby_mode, APP_LOBBY_CODE);
    assert_string_equal(scene()->error, "A room code has 6 characters");
}

static void game_list(unsigned n)
{
    memset(&F.e.list, 0, sizeof F.e.list);
    F.e.list.count = (uint8_t)n;
    for (unsigned i = 0; i < n; i++) {
        F.e.list.games[i].game_id = 40 + i;
        F.e.list.games[i].ply = (uint8_t)i;
        proto_name_set(&F.e.list.games[i].x_name, i ? "carol" : "alice");
        proto_name_set(&F.e.list.games[i].o_name, i ? "dave" : "bob");
    }
    net(SESSION_EV_GAME_LIST);
}

static void test_spectate(void **state)
{
    (void)state;
    reset_fx();
    start_lobby();
    app_button(&F.a, APP_BTN_WATCH, F.now);
    sreq(SESSION_REQ_LIST_GAMES);
    assert_int_equal(F.a.lobby_mode, APP_LOBBY_LIST);
    assert_string_equal(scene()->status, "Loading the games being played\u2026");
    game_list(0);
    assert_string_equal(scene()->list_empty, "No games being played right now");
    app_button(&F.a, APP_BTN_REFRESH, F.now);
    sreq(SESSION_REQ_LIST_GAMES);
    game_list(2);
    struct scene *sc = scene();
    assert_string_equal(sc->list_empty, "");
    const struct scene_button *b = button(sc, APP_BTN_GAME_BASE + 1);
    assert_non_null(b);
    assert_string_equal(b->label, "#41  carol vs dave, 1 move played");
    assert_int_equal(b->group, SCENE_GROUP_LIST);
    assert_string_equal(button(sc, APP_BTN_GAME_BASE)->label, "#40  alice vs bob, 0 moves played");
    assert_int_equal(focused(), APP_BTN_REFRESH); /* a refresh keeps the focus */
    key(APP_KEY_UP);
    assert_int_equal(focused(), APP_BTN_GAME_BASE + 1);
    key(APP_KEY_ENTER);
    assert_int_equal(sreq(SESSION_REQ_SPECTATE).game_id, 41);
    assert_string_equal(scene()->status, "Joining game 41\u2026");

    /* The game ended meanwhile: back to a fresh list. */
    server_error(PROTO_ERR_NO_SUCH_GAME);
    sreq(SESSION_REQ_LIST_GAMES);
    assert_int_equal(F.a.lobby_mode, APP_LOBBY_LIST);
    assert_string_equal(scene()->toast, "That game is over or does not exist");
    game_list(1);
    assert_int_equal(focused(), APP_BTN_GAME_BASE); /* a fresh list: the first game */
    app_button(&F.a, APP_BTN_GAME_BASE, F.now);
    assert_int_equal(sreq(SESSION_REQ_SPECTATE).game_id, 40);

    game_start(PROTO_SPECTATOR, 40);
    assert_int_equal(F.a.screen, APP_SCREEN_SPECTATING);
    sc = scene();
    assert_string_equal(sc->title, "Watching game #40"); /* the id --spectate takes */
    assert_string_equal(sc->status, "alice to move");
    assert_false(sc->board.clickable);
    assert_false(sc->players[0].you);
    assert_false(sc->players[1].you);
    app_click_cell(&F.a, 4, F.now);
    key(APP_KEY_5);
    no_req();
    moved(4);
    assert_string_equal(scene()->status, "bob to move");
    assert_int_equal(scene()->board.cells[4], BOARD_X);
    /* O's clock runs out. */
    game_over(PROTO_MARK_X, PROTO_REASON_TIMEOUT, 0xFF, 0xFF, 0xFF);
    assert_int_equal(F.a.screen, APP_SCREEN_GAME_OVER);
    sc = scene();
    assert_string_equal(sc->status, "alice won");
    assert_string_equal(sc->detail, "bob ran out of time");
    assert_int_equal(sc->status_tone, SCENE_TONE_NORMAL);
    assert_null(button(sc, APP_BTN_REMATCH));
    assert_non_null(button(sc, APP_BTN_WATCH));
    key(APP_KEY_R);
    no_req();
    /* Its players start a rematch: the server moves us to watch it. */
    game_start(PROTO_SPECTATOR, 42);
    assert_int_equal(F.a.screen, APP_SCREEN_SPECTATING);
    assert_string_equal(scene()->title, "Watching game #42");
    game_over(PROTO_MARK_O, PROTO_REASON_RESIGN, 0xFF, 0xFF, 0xFF);
    assert_int_equal(F.a.screen, APP_SCREEN_GAME_OVER);
    /* A spectator is back in the lobby but follows the game, whose rematch
     * the server would show it: going to the lobby stops that (LEAVE). */
    app_button(&F.a, APP_BTN_LOBBY, F.now);
    sreq(SESSION_REQ_LEAVE);
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_LOBBY);

    /* Spectating from the command line; Esc leaves. */
    reset_fx();
    struct app_options o = {.addr = "h", .name = "eve", .spectate = 77};
    start_connected(&o);
    assert_int_equal(sreq(SESSION_REQ_SPECTATE).game_id, 77);
    game_start(PROTO_SPECTATOR, 77);
    key(APP_KEY_ESC);
    sreq(SESSION_REQ_LEAVE);
    assert_int_equal(F.a.screen, APP_SCREEN_LOBBY);
}

/* The live list asks again every APP_LIST_REFRESH_MS while it is shown, and
 * only then; a refresh keeps the focus on the same game. */
static void test_list_refresh(void **state)
{
    (void)state;
    reset_fx();
    start_lobby();
    assert_int_equal(app_redraw_in(&F.a, F.now), -1);
    app_button(&F.a, APP_BTN_WATCH, F.now);
    sreq(SESSION_REQ_LIST_GAMES);
    assert_int_equal(app_redraw_in(&F.a, F.now), APP_LIST_REFRESH_MS);
    game_list(3); /* games 40, 41, 42 */
    key(APP_KEY_DOWN);
    assert_int_equal(focused(), APP_BTN_GAME_BASE + 1);
    F.now += APP_LIST_REFRESH_MS - 1;
    app_tick(&F.a, F.now);
    no_req();
    assert_int_equal(app_redraw_in(&F.a, F.now), 1);
    F.now += 1;
    app_tick(&F.a, F.now);
    sreq(SESSION_REQ_LIST_GAMES);
    no_req();
    assert_int_equal(app_redraw_in(&F.a, F.now), APP_LIST_REFRESH_MS);
    game_list(3); /* the same games: the same focus */
    assert_int_equal(focused(), APP_BTN_GAME_BASE + 1);
    /* Game 40 ended: 41 moved up a row and keeps the focus. */
    F.e.list.games[0] = F.e.list.games[1];
    F.e.list.games[1] = F.e.list.games[2];
    F.e.list.count = 2;
    net(SESSION_EV_GAME_LIST);
    assert_int_equal(focused(), APP_BTN_GAME_BASE);
    assert_string_equal(button(scene(), APP_BTN_GAME_BASE)->label, "#41  carol vs dave, 1 move played");
    /* Refresh by hand: the next one is a whole period later. */
    F.now += 500;
    app_button(&F.a, APP_BTN_REFRESH, F.now);
    sreq(SESSION_REQ_LIST_GAMES);
    assert_int_equal(app_redraw_in(&F.a, F.now), APP_LIST_REFRESH_MS);
    /* Away from the list: no more requests, nothing to wake up for. */
    key(APP_KEY_ESC);
    assert_int_equal(F.a.lobby_mode, APP_LOBBY_MENU);
    assert_int_equal(app_redraw_in(&F.a, F.now), -1);
    F.now += 10 * APP_LIST_REFRESH_MS;
    app_tick(&F.a, F.now);
    no_req();
}

/* --create-room, --room and --spectate without an address: the connect screen
 * says what follows, and the user's connect carries it out. */
static void test_start_action_without_address(void **state)
{
    (void)state;
    reset_fx();
    struct app_options c = {.last_addr = "h:1", .name = "alice", .create_room = 1};
    app_init(&F.a, &c, F.now);
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_CONNECT);
    assert_string_equal(scene()->status, "Connect to a server to create a room");
    connect_by_hand();
    sreq(SESSION_REQ_CREATE_ROOM);
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_WAITING);
    assert_int_equal(F.a.wait_kind, APP_WAIT_ROOM);
    /* Used once: after changing server, the lobby. */
    key(APP_KEY_ESC);
    sreq(SESSION_REQ_LEAVE);
    key(APP_KEY_ESC);
    sreq(SESSION_REQ_CLOSE);
    closed(SESSION_CLOSE_USER, 0, "closed by the user");
    assert_string_equal(scene()->status, "Connect to a server");
    connect_by_hand();
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_LOBBY);

    reset_fx();
    struct app_options r = {.last_addr = "h:1", .name = "bob", .room = "QWERTY"};
    app_init(&F.a, &r, F.now);
    assert_string_equal(scene()->status, "Connect to a server to join room QWERTY");
    connect_by_hand();
    assert_string_equal(sreq(SESSION_REQ_JOIN_ROOM).code, "QWERTY");
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_WAITING);
    assert_int_equal(F.a.wait_kind, APP_WAIT_JOINING);

    /* A failed connect and a cancelled one keep the game to watch for the next. */
    reset_fx();
    struct app_options w = {.name = "eve", .spectate = 77};
    app_init(&F.a, &w, F.now);
    assert_string_equal(scene()->status, "Connect to a server to watch game #77");
    app_text(&F.a, "nope:1");
    key(APP_KEY_ENTER);
    req(APP_REQ_CONNECT);
    closed(SESSION_CLOSE_CONNECT, 0, "cannot connect to nope port 1: connection refused");
    assert_string_equal(scene()->error, "Connection refused");
    assert_string_equal(scene()->status, "Connect to a server to watch game #77");
    key(APP_KEY_ENTER);
    req(APP_REQ_CONNECT);
    key(APP_KEY_ESC);
    sreq(SESSION_REQ_CLOSE);
    closed(SESSION_CLOSE_USER, 0, "closed by the user");
    connect_by_hand();
    assert_int_equal(sreq(SESSION_REQ_SPECTATE).game_id, 77);
    no_req();
    game_start(PROTO_SPECTATOR, 77);
    assert_int_equal(F.a.screen, APP_SCREEN_SPECTATING);
}

static void test_arrows_and_digits(void **state)
{
    (void)state;
    in_game(PROTO_MARK_X, 1);
    assert_int_equal(scene()->board.cursor, BOARD_NO_CELL);
    key(APP_KEY_RIGHT); /* the cursor appears in the centre */
    assert_int_equal(scene()->board.cursor, 4);
    no_req();
    key(APP_KEY_RIGHT);
    key(APP_KEY_UP);
    key(APP_KEY_UP); /* the edge stops it */
    key(APP_KEY_RIGHT);
    assert_int_equal(scene()->board.cursor, 2);
    key(APP_KEY_ENTER);
    assert_int_equal(sreq(SESSION_REQ_MOVE).cell, 2);
    moved(2);
    moved(4);
    key(APP_KEY_7); /* top left */
    assert_int_equal(sreq(SESSION_REQ_MOVE).cell, 0);
    moved(0);
    key(APP_KEY_3); /* O's turn: nothing */
    no_req();
    moved(8);
    key(APP_KEY_LEFT);
    key(APP_KEY_DOWN);
    key(APP_KEY_DOWN);
    key(APP_KEY_LEFT);
    assert_int_equal(scene()->board.cursor, 6);
    key(APP_KEY_SPACE);
    assert_int_equal(sreq(SESSION_REQ_MOVE).cell, 6);
    moved(6);
    moved(3);
    key(APP_KEY_3); /* bottom right: taken by O */
    no_req();
    key(APP_KEY_2); /* bottom middle */
    assert_int_equal(sreq(SESSION_REQ_MOVE).cell, 7);
    /* Hover follows the mouse; the cursor starts there next time. */
    app_hover_cell(&F.a, 5);
    assert_int_equal(scene()->board.hover, 5);
    app_hover_cell(&F.a, BOARD_NO_CELL);
    assert_int_equal(scene()->board.hover, BOARD_NO_CELL);
    /* F11 everywhere. */
    key(APP_KEY_F11);
    req(APP_REQ_FULLSCREEN);
}

/* The keyboard cursor never rests on a taken cell: arrows skip them, and a
 * move that fills the cursor's cell hides it until the next key. */
static void test_cursor_skips_taken(void **state)
{
    (void)state;
    in_game(PROTO_MARK_X, 1);
    key(APP_KEY_5);
    assert_int_equal(sreq(SESSION_REQ_MOVE).cell, 4);
    moved(4);
    moved(1); /* .O. / .X. / ... */
    key(APP_KEY_RIGHT); /* the centre is taken: the nearest free cell */
    assert_int_equal(scene()->board.cursor, 3);
    key(APP_KEY_RIGHT); /* over the X */
    assert_int_equal(scene()->board.cursor, 5);
    key(APP_KEY_UP);
    assert_int_equal(scene()->board.cursor, 2);
    key(APP_KEY_LEFT); /* over the O */
    assert_int_equal(scene()->board.cursor, 0);
    key(APP_KEY_UP); /* the edge: stays */
    assert_int_equal(scene()->board.cursor, 0);
    key(APP_KEY_DOWN);
    assert_int_equal(scene()->board.cursor, 3);
    key(APP_KEY_ENTER);
    assert_int_equal(sreq(SESSION_REQ_MOVE).cell, 3);
    assert_int_equal(scene()->board.cursor, 3); /* pending */
    moved(3);
    assert_int_equal(scene()->board.cursor, BOARD_NO_CELL); /* its cell is taken now */
    moved(0); /* OO. / XX. / ... */
    /* Enter with no cursor shows it, next to where it was, and plays nothing. */
    key(APP_KEY_ENTER);
    no_req();
    assert_int_equal(scene()->board.cursor, 6);
    key(APP_KEY_RIGHT);
    assert_int_equal(scene()->board.cursor, 7);
    key(APP_KEY_UP); /* the column is taken above: the nearest free cell up the next one */
    assert_int_equal(scene()->board.cursor, 5);
    key(APP_KEY_UP);
    assert_int_equal(scene()->board.cursor, 2);
    key(APP_KEY_SPACE);
    assert_int_equal(sreq(SESSION_REQ_MOVE).cell, 2);
    moved(2); /* OOX / XX. / ... */
    /* The opponent takes the cursor's cell: hidden, not left on their mark. */
    key(APP_KEY_LEFT);
    assert_int_equal(scene()->board.cursor, 5);
    moved(5); /* OOX / XXO / ... */
    assert_int_equal(scene()->board.cursor, BOARD_NO_CELL);
    key(APP_KEY_LEFT);
    assert_int_equal(scene()->board.cursor, 8);
    no_req();
}

static void test_escape(void **state)
{
    (void)state;
    /* Connect screen: quit; while connecting: cancel. */
    reset_fx();
    struct app_options o = {.name = "alice"};
    app_init(&F.a, &o, F.now);
    assert_int_equal(F.a.screen, APP_SCREEN_CONNECT);
    key(APP_KEY_ESC);
    req(APP_REQ_QUIT);
    assert_true(F.a.quit);
    reset_fx();
    struct app_options c = {.addr = "h", .name = "alice"};
    app_init(&F.a, &c, F.now);
    req(APP_REQ_CONNECT);
    key(APP_KEY_ESC);
    sreq(SESSION_REQ_CLOSE);
    assert_false(F.a.connecting);
    assert_false(F.a.quit);
    F.e.phase = SESSION_LOBBY; /* a WELCOME that crossed the cancel: ignored */
    net(SESSION_EV_WELCOME);
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_CONNECT);
    closed(SESSION_CLOSE_USER, 0, "closed by the user");
    assert_string_equal(scene()->error, "");

    /* Lobby: the code entry and list go back to the menu; the menu disconnects. */
    reset_fx();
    start_lobby();
    app_button(&F.a, APP_BTN_JOIN_ROOM, F.now);
    key(APP_KEY_ESC);
    no_req();
    assert_int_equal(F.a.lobby_mode, APP_LOBBY_MENU);
    app_button(&F.a, APP_BTN_WATCH, F.now);
    sreq(SESSION_REQ_LIST_GAMES);
    key(APP_KEY_ESC);
    assert_int_equal(F.a.lobby_mode, APP_LOBBY_MENU);
    key(APP_KEY_ESC);
    sreq(SESSION_REQ_CLOSE);
    assert_int_equal(F.a.screen, APP_SCREEN_CONNECT);
    no_req();
    /* The menu's "Change server" does the same. */
    start_lobby();
    assert_string_equal(button(scene(), APP_BTN_BACK)->label, "Change server");
    app_button(&F.a, APP_BTN_BACK, F.now);
    sreq(SESSION_REQ_CLOSE);
    assert_int_equal(F.a.screen, APP_SCREEN_CONNECT);

    /* Queued: leave the queue. */
    reset_fx();
    start_lobby();
    key(APP_KEY_ENTER); /* Quick match has the focus */
    sreq(SESSION_REQ_QUICK_MATCH);
    key(APP_KEY_ESC);
    sreq(SESSION_REQ_LEAVE);
    assert_int_equal(F.a.screen, APP_SCREEN_LOBBY);

    /* Playing: Esc asks first; Esc again or Stay keeps playing. */
    game_start(PROTO_MARK_X, 1);
    key(APP_KEY_ESC);
    no_req();
    struct scene *sc = scene();
    assert_true(sc->dialog_shown);
    assert_string_equal(sc->dialog_text, "Leave the game? It counts as a loss.");
    assert_int_equal(button(sc, APP_BTN_STAY)->group, SCENE_GROUP_DIALOG);
    assert_int_equal(focused(), APP_BTN_STAY);
    app_click_cell(&F.a, 4, F.now); /* the dialog is modal */
    key(APP_KEY_5);
    no_req();
    key(APP_KEY_ESC);
    assert_false(scene()->dialog_shown);
    key(APP_KEY_ESC);
    key(APP_KEY_ENTER); /* Stay */
    assert_false(scene()->dialog_shown);
    no_req();
    key(APP_KEY_ESC);
    key(APP_KEY_LEFT);
    assert_int_equal(focused(), APP_BTN_LEAVE_CONFIRM);
    key(APP_KEY_ENTER);
    sreq(SESSION_REQ_LEAVE);
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_LOBBY);

    /* Resign asks too, and stays on the board until GAME_OVER. */
    game_start(PROTO_MARK_O, 2);
    app_button(&F.a, APP_BTN_RESIGN, F.now);
    assert_string_equal(scene()->dialog_text, "Resign this game? It counts as a loss.");
    app_button(&F.a, APP_BTN_LEAVE_CONFIRM, F.now);
    sreq(SESSION_REQ_RESIGN);
    assert_int_equal(F.a.screen, APP_SCREEN_PLAYING);
    game_over(PROTO_MARK_X, PROTO_REASON_RESIGN, 0xFF, 0xFF, 0xFF);
    assert_string_equal(scene()->detail, "you resigned");
    /* Game over: back to the lobby, leaving the seat. */
    key(APP_KEY_ESC);
    sreq(SESSION_REQ_LEAVE);
    assert_int_equal(F.a.screen, APP_SCREEN_LOBBY);
    no_req();

    /* Reconnecting: Esc asks before giving up; Esc again keeps trying. */
    game_start(PROTO_MARK_X, 3);
    F.ev.u.reconnect.deadline_ms = F.now + 20000;
    F.e.phase = SESSION_RECONNECTING;
    net(SESSION_EV_RECONNECTING);
    key(APP_KEY_ESC);
    no_req();
    assert_true(scene()->dialog_shown);
    key(APP_KEY_ESC);
    assert_false(scene()->dialog_shown);
    key(APP_KEY_ESC);
    app_button(&F.a, APP_BTN_LEAVE_CONFIRM, F.now);
    sreq(SESSION_REQ_CLOSE);
    assert_int_equal(F.a.screen, APP_SCREEN_CONNECT);
    assert_string_equal(scene()->error, "Stopped reconnecting");
}

static void test_close_window(void **state)
{
    (void)state;
    in_game(PROTO_MARK_X, 1);
    app_close_window(&F.a, F.now);
    sreq(SESSION_REQ_LEAVE);
    req(APP_REQ_QUIT);
    no_req();
    assert_true(F.a.quit);
    /* Nothing more after QUIT. */
    app_click_cell(&F.a, 4, F.now);
    key(APP_KEY_ESC);
    app_close_window(&F.a, F.now);
    no_req();

    /* At a finished game: LEAVE too (the opponent hears "left"). */
    in_game(PROTO_MARK_O, 1);
    game_over(PROTO_MARK_NONE, PROTO_REASON_ABORTED, 0xFF, 0xFF, 0xFF);
    app_close_window(&F.a, F.now);
    sreq(SESSION_REQ_LEAVE);
    req(APP_REQ_QUIT);

    /* In the lobby: just QUIT. */
    reset_fx();
    start_lobby();
    app_close_window(&F.a, F.now);
    req(APP_REQ_QUIT);
    no_req();
}

static void test_reconnecting(void **state)
{
    (void)state;
    in_game(PROTO_MARK_X, 1);
    app_click_cell(&F.a, 4, F.now);
    sreq(SESSION_REQ_MOVE);
    F.e.phase = SESSION_RECONNECTING;
    F.ev.u.reconnect.deadline_ms = F.now + 20000;
    net(SESSION_EV_RECONNECTING);
    assert_int_equal(F.a.screen, APP_SCREEN_RECONNECTING);
    struct scene *sc = scene();
    /* The game stays in view: the board dimmed under the banner, no clock. */
    assert_string_equal(sc->title, "Game #1");
    assert_string_equal(sc->status, "Connection lost");
    assert_int_equal(sc->status_tone, SCENE_TONE_WARN);
    assert_true(sc->board.shown);
    assert_true(sc->board.dimmed);
    assert_false(sc->board.clickable);
    assert_string_equal(sc->players[0].name, F.e.game.x_name.s);
    assert_false(sc->clock.shown);
    assert_string_equal(sc->big, "");
    assert_string_equal(sc->banner, "Reconnecting\u2026 20 s");
    assert_int_equal(sc->banner_tone, SCENE_TONE_WARN);
    assert_int_equal(sc->countdown_ms, 20000);
    assert_int_equal(sc->countdown_total_ms, 20000);
    assert_non_null(button(sc, APP_BTN_GIVE_UP));
    assert_int_equal(app_redraw_in(&F.a, F.now), 1000);
    F.now += 300;
    assert_string_equal(scene()->banner, "Reconnecting\u2026 20 s");
    assert_int_equal(app_redraw_in(&F.a, F.now), 700);
    F.now += 700;
    assert_string_equal(scene()->banner, "Reconnecting\u2026 19 s");
    F.now += 18500;
    assert_string_equal(scene()->banner, "Reconnecting\u2026 1 s");

    /* Back: playing again, the pending move forgotten. */
    F.e.phase = SESSION_PLAYING;
    net(SESSION_EV_RESUMED);
    net(SESSION_EV_STATE);
    assert_int_equal(F.a.screen, APP_SCREEN_PLAYING);
    sc = scene();
    assert_string_equal(sc->toast, "Back in the game");
    assert_int_equal(sc->toast_tone, SCENE_TONE_NORMAL);
    assert_int_equal(sc->board.pending, BOARD_NO_CELL);
    app_click_cell(&F.a, 4, F.now);
    sreq(SESSION_REQ_MOVE);

    /* Lost for good: the grace period ran out. */
    net(SESSION_EV_RECONNECTING);
    closed(SESSION_CLOSE_LOST, 0, "connection lost and not resumed within the 20 s grace period (x)");
    assert_int_equal(F.a.screen, APP_SCREEN_CONNECT);
    assert_string_equal(scene()->error, "Connection lost: could not get back into the game in time");
    assert_false(F.a.connecting);
    /* Enter connects again with the same address and name. */
    key(APP_KEY_ENTER);
    struct app_request r = req(APP_REQ_CONNECT);
    assert_string_equal(r.host, "example.org:7777");
}

static void check_close(uint8_t reason, uint8_t code, const char *message, const char *want)
{
    struct session_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SESSION_EV_CLOSED;
    ev.u.closed.reason = reason;
    ev.u.closed.code = code;
    snprintf(ev.u.closed.message, sizeof ev.u.closed.message, "%s", message);
    char out[APP_TEXT_MAX];
    app_close_words(&ev, out, sizeof out);
    assert_string_equal(out, want);
}

static void test_close_words(void **state)
{
    (void)state;
    check_close(SESSION_CLOSE_CONNECT, 0, "cannot connect to 127.0.0.1 port 9: connection refused",
                "connection refused");
    check_close(SESSION_CLOSE_CONNECT, 0, "cannot connect to nope.invalid: no such host: nope.invalid",
                "no such host");
    check_close(SESSION_CLOSE_CONNECT, 0, "cannot connect to 10.1.1.1 port 7777: timed out after 5000 ms",
                "the server did not answer (timed out)");
    check_close(SESSION_CLOSE_CONNECT, 0, "no WELCOME from the server within 5000 ms",
                "the server did not answer the greeting (is it a ttt server?)");
    check_close(SESSION_CLOSE_CONNECT, 0, "bad port \"x\": must be a number from 1 to 65535",
                "bad port: use a number from 1 to 65535");
    check_close(SESSION_CLOSE_CONNECT, 0, "cannot connect to h: network unreachable",
                "network unreachable");
    check_close(SESSION_CLOSE_CONNECT, 0, "something new", "something new");
    check_close(SESSION_CLOSE_SERVER_ERROR, PROTO_ERR_SERVER_FULL, "server error SERVER_FULL",
                "Server full: try again in a minute");
    check_close(SESSION_CLOSE_SERVER_ERROR, PROTO_ERR_BAD_VERSION, "", "version mismatch");
    check_close(SESSION_CLOSE_SERVER_ERROR, PROTO_ERR_SHUTTING_DOWN, "",
                "the server is shutting down");
    check_close(SESSION_CLOSE_SERVER_ERROR, PROTO_ERR_BAD_NAME, "", "the server refused the name");
    check_close(SESSION_CLOSE_SERVER_ERROR, PROTO_ERR_TIMEOUT, "",
                "the server closed the connection (idle too long)");
    check_close(SESSION_CLOSE_SERVER_ERROR, PROTO_ERR_SLOW_DOWN, "",
                "the server closed the connection (messages too fast)");
    check_close(SESSION_CLOSE_SERVER_ERROR, PROTO_ERR_REPLACED, "",
                "the game was taken over from another window");
    check_close(SESSION_CLOSE_SERVER_ERROR, PROTO_ERR_BAD_FRAME, "",
                "protocol error: the server rejected a message");
    check_close(SESSION_CLOSE_SERVER_ERROR, 99, "", "the server closed the connection (UNKNOWN)");
    check_close(SESSION_CLOSE_PROTOCOL, 0, "server sent MOVED in phase LOBBY",
                "the server broke the protocol");
    check_close(SESSION_CLOSE_LOST, 0, "connection lost: the server closed the connection",
                "connection lost");
    check_close(SESSION_CLOSE_LOST, 0, "connection lost: the server sent nothing for 20 s, not "
                "even an answer to a PING", "connection lost");
    check_close(SESSION_CLOSE_LOST, PROTO_ERR_BAD_TOKEN,
                "connection lost and the game could not be resumed (BAD_TOKEN)",
                "connection lost: the game could not be resumed");
    check_close(SESSION_CLOSE_USER, 0, "closed by the user", "disconnected");

    /* The app shows them on the connect screen, capitalised. */
    reset_fx();
    struct app_options o = {.addr = "127.0.0.1:9", .name = "alice"};
    app_init(&F.a, &o, F.now);
    req(APP_REQ_CONNECT);
    closed(SESSION_CLOSE_CONNECT, 0, "cannot connect to 127.0.0.1 port 9: connection refused");
    assert_int_equal(F.a.screen, APP_SCREEN_CONNECT);
    struct scene *sc = scene();
    assert_string_equal(sc->error, "Connection refused");
    assert_string_equal(sc->fields[0].text, "127.0.0.1:9");
    assert_string_equal(sc->fields[1].text, "alice");
    /* The command line's quick match is not repeated by a manual retry. */
    connect_by_hand();
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_LOBBY);
    assert_string_equal(scene()->error, "");
    /* Server full from the lobby. */
    closed(SESSION_CLOSE_SERVER_ERROR, PROTO_ERR_SERVER_FULL, "server error SERVER_FULL");
    assert_int_equal(F.a.screen, APP_SCREEN_CONNECT);
    assert_string_equal(scene()->error, "Server full: try again in a minute");
}

static void check_result(uint8_t you, uint8_t winner, uint8_t reason, uint8_t left,
                         const char *title, const char *why, const char *line)
{
    struct session_game g;
    memset(&g, 0, sizeof g);
    g.you = you;
    proto_name_set(&g.x_name, "alice");
    proto_name_set(&g.o_name, "bob");
    g.over = 1;
    g.winner = winner;
    g.reason = reason;
    g.opponent_left = left;
    char t[APP_TEXT_MAX], r[APP_TEXT_MAX], l[APP_TEXT_MAX];
    app_result_words(&g, t, sizeof t, r, sizeof r);
    app_result_line(&g, l, sizeof l);
    assert_string_equal(t, title);
    assert_string_equal(r, why);
    assert_string_equal(l, line);
}

static void test_result_words(void **state)
{
    (void)state;
    const uint8_t X = PROTO_MARK_X, O = PROTO_MARK_O, S = PROTO_SPECTATOR;
    check_result(X, X, PROTO_REASON_LINE, 0, "You won", "three in a row", "you won: three in a row");
    check_result(O, X, PROTO_REASON_LINE, 0, "You lost", "three in a row", "you lost: three in a row");
    check_result(S, O, PROTO_REASON_LINE, 0, "bob won", "three in a row", "bob won: three in a row");
    check_result(X, 0, PROTO_REASON_FULL, 0, "Draw", "the board is full", "draw");
    check_result(X, X, PROTO_REASON_TIMEOUT, 0, "You won", "bob ran out of time",
                 "you won: bob ran out of time");
    check_result(O, X, PROTO_REASON_TIMEOUT, 0, "You lost", "you ran out of time",
                 "you lost: you ran out of time");
    check_result(O, O, PROTO_REASON_RESIGN, 0, "You won", "alice resigned",
                 "you won: alice resigned");
    check_result(O, O, PROTO_REASON_RESIGN, 1, "You won", "alice left", "you won: alice left");
    check_result(S, X, PROTO_REASON_RESIGN, 0, "alice won", "bob resigned", "alice won: bob resigned");
    check_result(X, X, PROTO_REASON_FORFEIT, 0, "You won", "bob forfeited (stayed away too long)",
                 "you won: bob forfeited (stayed away too long)");
    check_result(S, O, PROTO_REASON_FORFEIT, 0, "bob won", "alice forfeited (stayed away too long)",
                 "bob won: alice forfeited (stayed away too long)");
    check_result(X, 0, PROTO_REASON_ABORTED, 0, "Game aborted", "server shutting down",
                 "game aborted: server shutting down");

    char w[APP_TEXT_MAX];
    app_error_words(PROTO_ERR_NOT_YOUR_TURN, w, sizeof w);
    assert_string_equal(w, "not your turn");
    app_error_words(PROTO_ERR_STALE_PLY, w, sizeof w);
    assert_string_equal(w, "the board changed: try again");
    app_error_words(PROTO_ERR_NO_SUCH_ROOM, w, sizeof w);
    assert_string_equal(w, "no room with that code");
    app_error_words(200, w, sizeof w);
    assert_string_equal(w, "server error UNKNOWN");
}

static void test_server_error_and_toast(void **state)
{
    (void)state;
    in_game(PROTO_MARK_X, 1);
    app_click_cell(&F.a, 4, F.now);
    sreq(SESSION_REQ_MOVE);
    assert_int_equal(scene()->board.pending, 4);
    server_error(PROTO_ERR_CELL_TAKEN);
    assert_int_equal(F.a.screen, APP_SCREEN_PLAYING); /* never fatal */
    struct scene *sc = scene();
    assert_int_equal(sc->board.pending, BOARD_NO_CELL);
    assert_string_equal(sc->toast, "That square is taken");
    assert_true(sc->board.clickable);
    /* The toast goes after APP_TOAST_MS, and app_redraw_in says when. */
    uint64_t t = F.now;
    assert_int_equal(app_redraw_in(&F.a, t), 1000); /* the turn clock first */
    F.e.game.turn_deadline_ms = 0; /* (no clock: the toast decides) */
    net(SESSION_EV_STATE);
    assert_int_equal(app_redraw_in(&F.a, t), APP_TOAST_MS);
    app_tick(&F.a, t + APP_TOAST_MS - 1);
    assert_string_equal(F.a.toast, "That square is taken");
    assert_int_equal(app_redraw_in(&F.a, t + APP_TOAST_MS - 1), 1);
    app_tick(&F.a, t + APP_TOAST_MS);
    assert_string_equal(F.a.toast, "");
    F.now = t + APP_TOAST_MS;
    assert_string_equal(scene()->toast, "");
    assert_int_equal(app_redraw_in(&F.a, F.now), -1);
    /* Another error over a toast restarts it. */
    server_error(PROTO_ERR_UNEXPECTED);
    assert_string_equal(scene()->toast, "The server did not expect that just now");
}

static void test_redraw_in(void **state)
{
    (void)state;
    reset_fx();
    struct app_options o = {.name = "alice"};
    app_init(&F.a, &o, F.now);
    assert_int_equal(app_redraw_in(&F.a, F.now), -1); /* connect screen: idle */
    start_lobby();
    assert_int_equal(app_redraw_in(&F.a, F.now), -1);
    game_start(PROTO_MARK_X, 1); /* 30 s on the clock */
    assert_int_equal(app_redraw_in(&F.a, F.now), 1000);
    assert_int_equal(app_redraw_in(&F.a, F.now + 1), 999);
    assert_int_equal(app_redraw_in(&F.a, F.now + 250), 750);
    F.now += 22750; /* 7250 ms left: "0:08" until 7000 */
    assert_string_equal(scene()->clock.text, "0:08");
    assert_int_equal(scene()->clock.ms_left, 7250);
    assert_int_equal(app_redraw_in(&F.a, F.now), 250);
    F.now += 250;
    assert_string_equal(scene()->clock.text, "0:07");
    F.now += 7000; /* run out: nothing changes by itself any more */
    assert_string_equal(scene()->clock.text, "0:00");
    assert_int_equal(app_redraw_in(&F.a, F.now), -1);
    /* The opponent away on their turn: its grace countdown ticks, the one
     * countdown shown (no turn clock beside it). */
    moved(4);
    F.now += 400;
    opponent(PROTO_OPP_DISCONNECTED, 15);
    struct scene *sc = scene();
    assert_string_equal(sc->notice, "bob lost the connection: 15 s to come back");
    assert_int_equal(sc->notice_tone, SCENE_TONE_WARN);
    assert_true(sc->players[1].away);
    assert_false(sc->clock.shown);
    assert_int_equal(app_redraw_in(&F.a, F.now), 600); /* the turn clock's next second */
    F.e.game.turn_deadline_ms = 0;
    net(SESSION_EV_STATE);
    assert_int_equal(app_redraw_in(&F.a, F.now), 1000);
    F.now += 1;
    assert_string_equal(scene()->notice, "bob lost the connection: 15 s to come back");
    assert_int_equal(app_redraw_in(&F.a, F.now), 999);
    opponent(PROTO_OPP_RECONNECTED, 0);
    assert_string_equal(scene()->toast, "bob is back");
    assert_string_equal(scene()->notice, "");
    assert_int_equal(app_redraw_in(&F.a, F.now), APP_TOAST_MS);
    /* Game over: nothing ticks. */
    app_tick(&F.a, F.now + APP_TOAST_MS);
    game_over(0, PROTO_REASON_ABORTED, 0xFF, 0xFF, 0xFF);
    assert_int_equal(app_redraw_in(&F.a, F.now + APP_TOAST_MS), -1);
}

/* One countdown at a time while the opponent is away: on their turn the
 * sooner of their grace and their clock, in the notice, and no turn clock;
 * on yours, your clock, and the notice without a second countdown. */
static void test_one_countdown(void **state)
{
    (void)state;
    reset_fx();
    start_lobby();
    game_start(PROTO_MARK_O, 3); /* alice (X) to move */
    opponent(PROTO_OPP_DISCONNECTED, 20);
    struct scene *sc = scene();
    assert_false(sc->clock.shown);
    assert_string_equal(sc->notice, "alice lost the connection: 20 s to come back");
    F.now += 12000; /* 18 s left on her clock, 8 s of grace */
    assert_string_equal(scene()->notice, "alice lost the connection: 8 s to come back");
    F.e.game.opponent_deadline_ms = F.now + 25000; /* her clock is now the sooner */
    net(SESSION_EV_STATE);
    assert_string_equal(scene()->notice, "alice lost the connection: 18 s to come back");
    opponent(PROTO_OPP_RECONNECTED, 0);
    moved(0);
    opponent(PROTO_OPP_DISCONNECTED, 20); /* away on your turn */
    sc = scene();
    assert_true(sc->clock.shown);
    assert_string_equal(sc->clock.text, "0:30");
    assert_string_equal(sc->notice, "alice lost the connection: waiting for them to come back");
}

static void test_shutdown_at_game_over(void **state)
{
    (void)state;
    in_game(PROTO_MARK_X, 1);
    game_over(0, PROTO_REASON_ABORTED, 0xFF, 0xFF, 0xFF);
    closed(SESSION_CLOSE_SERVER_ERROR, PROTO_ERR_SHUTTING_DOWN, "server error SHUTTING_DOWN");
    assert_int_equal(F.a.screen, APP_SCREEN_GAME_OVER);
    struct scene *sc = scene();
    assert_string_equal(sc->status, "Game aborted");
    assert_string_equal(sc->detail, "server shutting down");
    assert_string_equal(sc->error, "The server is shutting down");
    assert_int_equal(sc->button_count, 2);
    assert_int_equal(sc->buttons[0].id, APP_BTN_RECONNECT);
    assert_int_equal(sc->buttons[1].id, APP_BTN_QUIT);
    key(APP_KEY_R);
    no_req();
    app_close_window(&F.a, F.now); /* nothing to leave */
    req(APP_REQ_QUIT);
    no_req();

    /* Back to connect, then in the middle of a game: the connect screen. */
    in_game(PROTO_MARK_X, 1);
    closed(SESSION_CLOSE_PROTOCOL, 0, "server sent junk");
    assert_int_equal(F.a.screen, APP_SCREEN_CONNECT);
    assert_string_equal(scene()->error, "The server broke the protocol");
}

static void test_connect_screen(void **state)
{
    (void)state;
    reset_fx();
    struct app_options o = {.last_addr = "old.example:7000", .name = "zo\xc3\xab"};
    app_init(&F.a, &o, F.now);
    no_req();
    struct scene *sc = scene();
    assert_string_equal(sc->title, "Tic-tac-toe");
    assert_int_equal(sc->field_count, 2);
    assert_int_equal(sc->fields[0].id, APP_BTN_FIELD_ADDR);
    assert_string_equal(sc->fields[0].text, "old.example:7000");
    assert_string_equal(sc->fields[1].text, "zo\xc3\xab");
    assert_true(sc->fields[0].focused);
    assert_false(sc->fields[1].focused);
    assert_non_null(button(sc, APP_BTN_CONNECT));
    assert_true(button(sc, APP_BTN_CONNECT)->primary);

    /* Address: printable ASCII only, no spaces; Backspace deletes. */
    for (int i = 0; i < 16; i++)
        key(APP_KEY_BACKSPACE);
    assert_string_equal(F.a.addr, "");
    key(APP_KEY_ENTER); /* empty address: an error, no request */
    no_req();
    assert_string_equal(scene()->error, "Type the server's address (host or host:port)");
    app_text(&F.a, "my host\t:\xc3\xa9" "7777");
    assert_string_equal(F.a.addr, "myhost:7777");

    /* Tab to the name: a UTF-8 name, cut at 16 bytes on a character boundary. */
    key(APP_KEY_TAB);
    assert_true(scene()->fields[1].focused);
    assert_false(scene()->fields[0].focused);
    key(APP_KEY_BACKSPACE); /* removes the two-byte \xc3\xab */
    assert_string_equal(F.a.name, "zo");
    key(APP_KEY_5); /* typed as text, not a key */
    app_text(&F.a, "\x01" "e 5");
    assert_string_equal(F.a.name, "zoe 5");
    app_text(&F.a, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"); /* 4 euro signs, 12 bytes */
    assert_int_equal(strlen(F.a.name), 14);
    /* The one that did not fit is not dropped silently. */
    assert_string_equal(scene()->toast,
                        "A name holds 16 bytes at most (an accented or Chinese letter takes 2 to 4)");
    app_text(&F.a, "\xff"); /* not UTF-8 */
    assert_int_equal(strlen(F.a.name), 14);
    key(APP_KEY_BACKSPACE);
    app_text(&F.a, "\xc3" "A"); /* a lead byte without its continuation: only the A is a character */
    assert_int_equal(strlen(F.a.name), 12);
    assert_int_equal(F.a.name[11], 'A');
    while (F.a.name[0])
        key(APP_KEY_BACKSPACE);
    key(APP_KEY_ENTER);
    no_req();
    assert_string_equal(scene()->error, "Type your name (1 to 16 bytes, no invisible characters)");
    app_text(&F.a, "\xe2\x80\xae"); /* a right-to-left override is not typed */
    app_text(&F.a, " carol ");        /* the spaces at the ends are dropped on connect */
    /* Tab walks the fields and buttons; Enter on Connect connects. */
    key(APP_KEY_TAB);
    assert_int_equal(focused(), APP_BTN_CONNECT);
    key(APP_KEY_ENTER);
    struct app_request r = req(APP_REQ_CONNECT);
    assert_string_equal(r.host, "myhost:7777");
    assert_string_equal(r.name, "carol");
    assert_string_equal(scene()->error, "");
    assert_int_equal(scene()->field_count, 0); /* locked while connecting */
    app_text(&F.a, "x");
    assert_string_equal(F.a.name, "carol");
    /* Clicking a field focuses it. */
    app_button(&F.a, APP_BTN_CANCEL, F.now);
    sreq(SESSION_REQ_CLOSE);
    app_button(&F.a, APP_BTN_FIELD_NAME, F.now);
    assert_true(scene()->fields[1].focused);
    app_button(&F.a, APP_BTN_FIELD_ADDR, F.now);
    assert_true(scene()->fields[0].focused);
    app_button(&F.a, APP_BTN_QUIT, F.now);
    req(APP_REQ_QUIT);

    /* Without a name: the login name (valid). */
    reset_fx();
    struct app_options none = {0};
    app_init(&F.a, &none, F.now);
    assert_true(text_name_valid(F.a.name, strlen(F.a.name)));
    assert_string_equal(F.a.addr, "");
}

/* ---- the traps: Enter never resigns, leaves or forfeits by surprise ---- */

/* A player's game 1 (X) lost to a line. */
static void lost_game_one(void)
{
    game_start(PROTO_MARK_X, 1);
    moved(0);
    moved(3);
    moved(1);
    moved(4);
    moved(8);
    moved(5);
    game_over(PROTO_MARK_O, PROTO_REASON_LINE, 3, 4, 5);
}

/* After Rematch the focus stays on it (greyed): a second Enter does
 * nothing, where it used to press New opponent and leave the match. */
static void test_trap_rematch_enter_twice(void **state)
{
    (void)state;
    reset_fx();
    start_lobby();
    lost_game_one();
    assert_int_equal(focused(), APP_BTN_REMATCH);
    key(APP_KEY_ENTER);
    sreq(SESSION_REQ_REMATCH);
    assert_int_equal(focused(), APP_BTN_REMATCH);
    assert_false(button(scene(), APP_BTN_REMATCH)->enabled);
    key(APP_KEY_ENTER);
    key(APP_KEY_SPACE);
    key(APP_KEY_ENTER);
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_GAME_OVER);
    /* The opponent's events do not move it either. */
    opponent(PROTO_OPP_REMATCH, 0);
    assert_int_equal(focused(), APP_BTN_REMATCH);
    key(APP_KEY_ENTER);
    no_req();
    /* The rematch starts: the marks swap. */
    game_start(PROTO_MARK_O, 2);
    assert_int_equal(F.a.screen, APP_SCREEN_PLAYING);
}

/* The reconnect screen keeps the board; Enter opens "Give up?" with Keep
 * trying focused: Enter twice still does not forfeit. Resumed: "Back in
 * the game". */
static void test_trap_reconnect_enter(void **state)
{
    (void)state;
    in_game(PROTO_MARK_X, 4);
    moved(4);
    F.ev.u.reconnect.deadline_ms = F.now + 20000;
    F.e.phase = SESSION_RECONNECTING;
    net(SESSION_EV_RECONNECTING);
    struct scene *sc = scene();
    assert_true(sc->board.shown);
    assert_true(sc->board.dimmed);
    assert_int_equal(sc->board.cells[4], BOARD_X);
    assert_string_equal(sc->banner, "Reconnecting\u2026 20 s");
    assert_int_equal(focused(), APP_BTN_GIVE_UP);
    key(APP_KEY_ENTER);
    no_req();
    sc = scene();
    assert_true(sc->dialog_shown);
    assert_string_equal(sc->dialog_text, "Stop reconnecting? If you are not back in time, the game is lost.");
    assert_string_equal(button(sc, APP_BTN_STAY)->label, "Keep trying");
    assert_string_equal(button(sc, APP_BTN_LEAVE_CONFIRM)->label, "Give up");
    assert_int_equal(focused(), APP_BTN_STAY);
    key(APP_KEY_ENTER); /* Keep trying */
    no_req();
    assert_false(scene()->dialog_shown);
    assert_int_equal(F.a.screen, APP_SCREEN_RECONNECTING);
    key(APP_KEY_ENTER);
    key(APP_KEY_ENTER);
    no_req();
    /* Resumed while the dialog is open: it closes, the game goes on. */
    key(APP_KEY_ENTER);
    F.e.phase = SESSION_PLAYING;
    net(SESSION_EV_RESUMED);
    sc = scene();
    assert_int_equal(F.a.screen, APP_SCREEN_PLAYING);
    assert_false(sc->dialog_shown);
    assert_false(sc->board.dimmed);
    assert_string_equal(sc->toast, "Back in the game");
    assert_string_equal(sc->banner, "");
}

/* A full server: its words, and Retry with the focus (Enter retries). */
static void test_trap_server_full_retry(void **state)
{
    (void)state;
    reset_fx();
    struct app_options o = {.addr = "gamebox:7777", .name = "alice"};
    app_init(&F.a, &o, F.now);
    req(APP_REQ_CONNECT);
    closed(SESSION_CLOSE_SERVER_ERROR, PROTO_ERR_SERVER_FULL, "server error SERVER_FULL: try later");
    assert_int_equal(F.a.screen, APP_SCREEN_CONNECT);
    struct scene *sc = scene();
    assert_string_equal(sc->error, "Server full: try again in a minute");
    assert_non_null(button(sc, APP_BTN_RETRY));
    assert_string_equal(button(sc, APP_BTN_RETRY)->label, "Retry");
    assert_true(button(sc, APP_BTN_RETRY)->primary);
    assert_null(button(sc, APP_BTN_CONNECT));
    assert_int_equal(focused(), APP_BTN_RETRY);
    key(APP_KEY_ENTER);
    assert_string_equal(req(APP_REQ_CONNECT).host, "gamebox:7777");
    assert_string_equal(scene()->error, "");
    /* Any other failure: Connect again, with the words that say what to do. */
    F.ev.u.closed.failure = SESSION_FAIL_REFUSED;
    snprintf(F.ev.u.closed.host, sizeof F.ev.u.closed.host, "gamebox");
    F.ev.u.closed.port = 7777;
    closed(SESSION_CLOSE_CONNECT, 0, "cannot connect to gamebox port 7777: connection refused");
    sc = scene();
    assert_string_equal(sc->error, "Nothing is listening on gamebox:7777. Is tttd running on this port?");
    assert_non_null(button(sc, APP_BTN_CONNECT));
    assert_null(button(sc, APP_BTN_RETRY));
}

/* The watch list refreshes under the mouse without moving its rows: a game
 * that ended stays in its row, greyed, while the pointer is over the list,
 * so a click lands on the game under it. */
static void test_trap_list_under_the_mouse(void **state)
{
    (void)state;
    reset_fx();
    start_lobby();
    app_button(&F.a, APP_BTN_WATCH, F.now);
    sreq(SESSION_REQ_LIST_GAMES);
    game_list(3); /* 40, 41, 42 */
    app_pointer(&F.a, APP_BTN_GAME_BASE + 2); /* the mouse over game 42 */
    /* 41 ends and 43 starts, the server lists them in its own order. */
    F.e.list.games[1] = F.e.list.games[2];
    F.e.list.games[2].game_id = 43;
    F.e.list.count = 3;
    net(SESSION_EV_GAME_LIST);
    struct scene *sc = scene();
    assert_string_equal(button(sc, APP_BTN_GAME_BASE + 1)->label, "#41  carol vs dave: over");
    assert_false(button(sc, APP_BTN_GAME_BASE + 1)->enabled);
    assert_string_equal(button(sc, APP_BTN_GAME_BASE + 2)->label, "#42  carol vs dave, 2 moves played");
    assert_string_equal(button(sc, APP_BTN_GAME_BASE + 3)->label, "#43  carol vs dave, 2 moves played");
    app_button(&F.a, APP_BTN_GAME_BASE + 1, F.now); /* the ended game: nothing */
    no_req();
    app_button(&F.a, APP_BTN_GAME_BASE + 2, F.now); /* the click lands on 42 */
    assert_int_equal(sreq(SESSION_REQ_SPECTATE).game_id, 42);

    /* Without the mouse over the list, an ended game's row goes at once. */
    reset_fx();
    start_lobby();
    app_button(&F.a, APP_BTN_WATCH, F.now);
    sreq(SESSION_REQ_LIST_GAMES);
    game_list(3);
    app_pointer(&F.a, APP_BTN_GAME_BASE + 1);
    F.e.list.games[0] = F.e.list.games[2];
    F.e.list.count = 2; /* 42, 41: 40 ended */
    net(SESSION_EV_GAME_LIST);
    assert_string_equal(button(scene(), APP_BTN_GAME_BASE)->label, "#40  alice vs bob: over");
    assert_int_equal(scene()->button_count, 5);
    app_pointer(&F.a, APP_BTN_NONE); /* the mouse leaves: the gone row goes, the others move up */
    sc = scene();
    assert_int_equal(sc->button_count, 4);
    assert_string_equal(button(sc, APP_BTN_GAME_BASE)->label, "#41  carol vs dave, 1 move played");
    assert_string_equal(button(sc, APP_BTN_GAME_BASE + 1)->label, "#42  carol vs dave, 2 moves played");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keypad),
        cmocka_unit_test(test_happy_path),
        cmocka_unit_test(test_rematch_offer_shown),
        cmocka_unit_test(test_create_room),
        cmocka_unit_test(test_join_by_code),
        cmocka_unit_test(test_paste_invite),
        cmocka_unit_test(test_spectate),
        cmocka_unit_test(test_list_refresh),
        cmocka_unit_test(test_start_action_without_address),
        cmocka_unit_test(test_arrows_and_digits),
        cmocka_unit_test(test_cursor_skips_taken),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_close_window),
        cmocka_unit_test(test_reconnecting),
        cmocka_unit_test(test_one_countdown),
        cmocka_unit_test(test_close_words),
        cmocka_unit_test(test_result_words),
        cmocka_unit_test(test_server_error_and_toast),
        cmocka_unit_test(test_redraw_in),
        cmocka_unit_test(test_shutdown_at_game_over),
        cmocka_unit_test(test_connect_screen),
        cmocka_unit_test(test_trap_rematch_enter_twice),
        cmocka_unit_test(test_trap_reconnect_enter),
        cmocka_unit_test(test_trap_server_full_retry),
        cmocka_unit_test(test_trap_list_under_the_mouse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
