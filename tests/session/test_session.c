/* SPDX-License-Identifier: MIT */
/* test_session.c: the session's state machine (session/session.h) with no
 * socket and no clock: scripted server bytes and times go in
 * (session_connected, session_feed, session_tick, session_disconnected),
 * events and the bytes it would send come out. The handshake, every
 * phase's requests and answers, games to the end, rematch, spectating, the
 * game list, opponent events, server errors, protocol violations, the
 * silence rule, losing the connection and resuming, the bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "script.h"
#include "session.h"

/* ---- helpers ---- */

static struct session *new_session(const char *name, uint8_t auto_reconnect)
{
    struct session_config cfg = {.name = name, .connect_timeout_ms = 0,
                                 .auto_reconnect = auto_reconnect};
    char err[SESSION_ERR_LEN] = "";
    struct session *s = session_new(&cfg, err);
    assert_non_null(s);
    return s;
}

/* Feed one server message; the feed's result. */
static int feed_msg(struct session *s, const struct proto_msg *m, uint64_t now)
{
    uint8_t buf[PROTO_S2C_FRAME_MAX];
    size_t n = enc(m, buf, sizeof buf);
    return session_feed(s, buf, n, now);
}

static int feed_hex(struct session *s, const char *hex, uint64_t now)
{
    uint8_t buf[2048];
    size_t n = hex_bytes(hex, buf, sizeof buf);
    return session_feed(s, buf, n, now);
}

/* The bytes the session has queued, as lowercase hex with spaces; taken
 * as written. */
static const char *out_hex(struct session *s)
{
    size_t n;
    const uint8_t *out = session_output(s, &n);
    const char *text = bytes_hex(out, n);
    session_output_sent(s, n);
    return text;
}

static struct session_event next_ev(struct session *s)
{
    struct session_event ev;
    memset(&ev, 0, sizeof ev);
    assert_int_equal(session_next_event(s, &ev), 1);
    return ev;
}

static void expect_ev(struct session *s, uint8_t type)
{
    struct session_event ev = next_ev(s);
    assert_int_equal(ev.type, type);
}

static void expect_no_ev(struct session *s)
{
    struct session_event ev;
    assert_int_equal(session_next_event(s, &ev), 0);
}

/* The session closed for `reason`; its message contains `needle`. */
static void expect_closed(struct session *s, uint8_t reason, const char *needle)
{
    struct session_event ev;
    int found = 0;
    while (session_next_event(s, &ev)) {
        if (ev.type == SESSION_EV_CLOSED) {
            assert_int_equal(ev.u.closed.reason, reason);
            if (needle && !strstr(ev.u.closed.message, needle))
                fail_msg("close message \"%s\" lacks \"%s\"", ev.u.closed.message, needle);
            found = 1;
        }
    }
    assert_true(found);
    assert_int_equal(session_phase(s), SESSION_CLOSED);
    assert_int_equal(session_link(s), SESSION_LINK_NONE);
    assert_true(session_error(s)[0] != '\0');
    expect_no_ev(s);
}

/* A session in the lobby (connected at 1000, HELLO taken, WELCOME fed,
 * EV_WELCOME popped). */
static struct session *lobby_session_with(const char *name, uint8_t auto_reconnect)
{
    struct session *s = new_session(name, auto_reconnect);
    session_connected(s, 1000);
    (void)out_hex(s);
    struct proto_msg w = welcome_msg();
    assert_int_equal(feed_msg(s, &w, 1000), 0);
    expect_ev(s, SESSION_EV_WELCOME);
    assert_int_equal(session_phase(s), SESSION_LOBBY);
    return s;
}

static struct session *lobby_session(const char *name)
{
    return lobby_session_with(name, 0);
}

/* Game `id` starts with us as `you` (PROTO_SPECTATOR to watch it) at
 * `cells`, ms_left on the mover's clock: its GAME_START and STATE fed at
 * `now`, and their two events popped. */
static void start_game(struct session *s, uint32_t id, uint8_t you, const char *cells, uint32_t ms_left,
                       uint64_t now)
{
    struct proto_msg gs = game_start_msg(id, you), st = state_msg(id, cells, ms_left);
    assert_int_equal(feed_msg(s, &gs, now), 0);
    assert_int_equal(feed_msg(s, &st, now), 0);
    expect_ev(s, SESSION_EV_GAME_START);
    expect_ev(s, SESSION_EV_STATE);
}

/* A session playing game 1 as `you` at an empty board. */
static struct session *playing_session_with(uint8_t you, uint8_t auto_reconnect)
{
    struct session *s = lobby_session_with("alice", auto_reconnect);
    assert_int_equal(session_quick_match(s), 0);
    assert_string_equal(out_hex(s), "02 00 00");
    assert_int_equal(feed_hex(s, "82 00 00", 1000), 0);
    expect_ev(s, SESSION_EV_QUEUED);
    start_game(s, 1, you, ".........", 30000, 1000);
    assert_int_equal(session_phase(s), SESSION_PLAYING);
    return s;
}

static struct session *playing_session(uint8_t you)
{
    return playing_session_with(you, 0);
}

/* ---- handshake ---- */

static void test_handshake_bytes(void **state)
{
    (void)state;
    struct session *s = new_session("alice", 0);
    assert_int_equal(session_phase(s), SESSION_IDLE);
    assert_int_equal(session_server_version(s), 0);
    session_connected(s, 0);
    assert_int_equal(session_phase(s), SESSION_HANDSHAKE);
    assert_string_equal(out_hex(s), "01 00 0b 54 54 54 50 01 05 61 6c 69 63 65");
    assert_string_equal(out_hex(s), "");
    /* The WELCOME of the annotated game in docs/PROTOCOL.md. */
    assert_int_equal(feed_hex(s, "81 00 15 01 3c 4d 5e 6f 80 91 a2 b3 c4 d5 e6 f7 08 19 2a 3b "
                                 "00 1e 00 14", 5),
                     0);
    expect_ev(s, SESSION_EV_WELCOME);
    expect_no_ev(s);
    assert_int_equal(session_phase(s), SESSION_LOBBY);
    assert_int_equal(session_turn_s(s), 30);
    assert_int_equal(session_grace_s(s), 20);
    assert_int_equal(session_server_version(s), 1);
    assert_string_equal(session_error(s), "");
    session_free(s);
}

static void test_bad_names(void **state)
{
    (void)state;
    char err[SESSION_ERR_LEN] = "";
    struct session_config cfg = {.name = ""};
    assert_null(session_new(&cfg, err));
    assert_true(strstr(err, "name") != NULL);
    cfg.name = "seventeen-bytes-x";
    assert_null(session_new(&cfg, err));
    cfg.name = "tab\there";
    assert_null(session_new(&cfg, err));
    cfg.name = NULL;
    assert_null(session_new(&cfg, err));
    cfg.name = "sixteen-bytes-xx";
    struct session *s = session_new(&cfg, err);
    assert_non_null(s);
    session_free(s);
}

/* ---- lobby, queue, a whole game ---- */

static void test_quick_match_game_to_line(void **state)
{
    (void)state;
    struct session *s = playing_session(PROTO_MARK_X);
    const struct session_game *g = session_game(s);
    assert_int_equal(g->game_id, 1);
    assert_int_equal(g->you, PROTO_MARK_X);
    assert_string_equal(g->x_name.s, "alice");
    assert_string_equal(g->o_name.s, "bob");
    assert_int_equal(g->to_move, PROTO_MARK_X);
    assert_int_equal(g->turn_deadline_ms, 1000 + 30000);
    assert_int_equal(g->last_cell, BOARD_NO_CELL);
    assert_true(session_my_turn(s));

    /* X plays 0, 4, 8; O plays 1, 2 (the annotated game). */
    static const uint8_t cells[] = {0, 1, 4, 2, 8};
    for (uint8_t ply = 0; ply < 5; ply++) {
        uint8_t mark = ply % 2 ? PROTO_MARK_O : PROTO_MARK_X;
        if (mark == PROTO_MARK_X) {
            assert_true(session_my_turn(s));
            assert_int_equal(session_move(s, cells[ply]), 0);
            char want[32];
            snprintf(want, sizeof want, "10 00 02 %02x %02x", ply, cells[ply]);
            assert_string_equal(out_hex(s), want);
            /* not applied locally, and no second move while it is out */
            assert_int_equal(g->board.cells[cells[ply]], 0);
            assert_false(session_my_turn(s));
            assert_int_equal(session_move(s, (cells[ply] + 3u) % 9u), -1);
        } else {
            assert_false(session_my_turn(s));
            assert_int_equal(session_move(s, 3), -1);
        }
        assert_string_equal(out_hex(s), "");
        struct proto_msg mv = moved_msg(ply, cells[ply], mark, ply == 4 ? 0 : 25000);
        assert_int_equal(feed_msg(s, &mv, 2000 + ply), 0);
        struct session_event ev = next_ev(s);
        assert_int_equal(ev.type, SESSION_EV_MOVED);
        assert_int_equal(ev.u.moved.ply, ply);
        assert_int_equal(ev.u.moved.cell, cells[ply]);
        assert_int_equal(ev.u.moved.mark, mark);
        assert_int_equal(g->board.cells[cells[ply]], mark);
        assert_int_equal(g->last_cell, cells[ply]);
        assert_int_equal(g->board.ply, ply + 1);
    }
    assert_int_equal(g->turn_deadline_ms, 0);
    assert_int_equal(g->to_move, 0);
    assert_int_equal(session_move(s, 3), -1);
    assert_int_equal(feed_hex(s, "91 00 05 01 01 00 04 08", 3000), 0);
    expect_ev(s, SESSION_EV_GAME_OVER);
    expect_no_ev(s);
    assert_int_equal(session_phase(s), SESSION_GAME_OVER);
    assert_true(g->over);
    assert_int_equal(g->winner, PROTO_MARK_X);
    assert_int_equal(g->reason, PROTO_REASON_LINE);
    assert_memory_equal(g->line, ((uint8_t[]){0, 4, 8}), 3);
    session_free(s);
}

static void test_draw_and_o_side(void **state)
{
    (void)state;
    struct session *s = playing_session(PROTO_MARK_O);
    /* X O X / X O O / O X X: a draw; we are O */
    static const uint8_t cells[] = {0, 1, 2, 4, 3, 6, 7, 5, 8};
    for (uint8_t ply = 0; ply < 9; ply++) {
        uint8_t mark = ply % 2 ? PROTO_MARK_O : PROTO_MARK_X;
        assert_int_equal(session_my_turn(s), mark == PROTO_MARK_O);
        if (mark == PROTO_MARK_O) {
            assert_int_equal(session_move(s, cells[ply]), 0);
            (void)out_hex(s);
        }
        struct proto_msg mv = moved_msg(ply, cells[ply], mark, ply == 8 ? 0 : 30000);
        assert_int_equal(feed_msg(s, &mv, 2000), 0);
        expect_ev(s, SESSION_EV_MOVED);
    }
    /* a line GAME_OVER does not fit a drawn board */
    struct session *t = s;
    assert_int_equal(feed_hex(t, "91 00 05 00 02 ff ff ff", 3000), 0);
    expect_ev(s, SESSION_EV_GAME_OVER);
    assert_int_equal(session_game(s)->winner, 0);
    assert_int_equal(session_game(s)->reason, PROTO_REASON_FULL);
    session_free(s);
}

/* Every request in a phase that does not allow it: -1 and nothing sent. */
static void expect_refused_all(struct session *s, int but_leave)
{
    assert_int_equal(session_quick_match(s), -1);
    assert_int_equal(session_create_room(s), -1);
    assert_int_equal(session_join_room(s, "ABCDEF"), -1);
    assert_int_equal(session_spectate(s, 7), -1);
    assert_int_equal(session_list_games(s), -1);
    assert_int_equal(session_move(s, 0), -1);
    assert_int_equal(session_resign(s), -1);
    assert_int_equal(session_rematch(s), -1);
    if (!but_leave)
        assert_int_equal(session_leave(s), -1);
    assert_string_equal(out_hex(s), "");
}

static void test_requests_refused_by_phase(void **state)
{
    (void)state;
    /* idle */
    struct session *s = new_session("alice", 0);
    expect_refused_all(s, 0);
    /* handshake */
    session_connected(s, 0);
    (void)out_hex(s);
    expect_refused_all(s, 0);
    session_free(s);

    /* lobby: no game requests, no leave */
    s = lobby_session("alice");
    assert_int_equal(session_move(s, 0), -1);
    assert_int_equal(session_resign(s), -1);
    assert_int_equal(session_rematch(s), -1);
    assert_int_equal(session_leave(s), -1);
    assert_int_equal(session_join_room(s, "ABCDE"), -1);   /* too short */
    assert_int_equal(session_join_room(s, "ABCDE0"), -1);  /* 0 is not in the alphabet */
    assert_int_equal(session_join_room(s, NULL), -1);
    assert_int_equal(session_spectate(s, 0), -1);
    assert_string_equal(out_hex(s), "");

    /* queued: only leave */
    assert_int_equal(session_quick_match(s), 0);
    (void)out_hex(s);
    expect_refused_all(s, 1);
    session_free(s);

    /* room wait: only leave */
    s = lobby_session("alice");
    assert_int_equal(session_create_room(s), 0);
    assert_string_equal(out_hex(s), "03 00 00");
    expect_refused_all(s, 1);
    session_free(s);

    /* joining: nothing, not even leave */
    s = lobby_session("alice");
    assert_int_equal(session_join_room(s, "ABCDEF"), 0);
    assert_string_equal(out_hex(s), "04 00 06 41 42 43 44 45 46");
    assert_int_equal(session_phase(s), SESSION_JOINING);
    expect_refused_all(s, 0);
    session_free(s);

    /* playing: move (on turn), resign, leave; no lobby requests, no rematch */
    s = playing_session(PROTO_MARK_O);
    assert_int_equal(session_quick_match(s), -1);
    assert_int_equal(session_create_room(s), -1);
    assert_int_equal(session_join_room(s, "ABCDEF"), -1);
    assert_int_equal(session_spectate(s, 7), -1);
    assert_int_equal(session_list_games(s), -1);
    assert_int_equal(session_move(s, 0), -1); /* X to move */
    assert_int_equal(session_rematch(s), -1);
    assert_string_equal(out_hex(s), "");
    assert_int_equal(session_resign(s), 0);
    assert_string_equal(out_hex(s), "11 00 00");
    session_free(s);

    /* closed: nothing */
    s = lobby_session("alice");
    session_close(s);
    expect_closed(s, SESSION_CLOSE_USER, NULL);
    expect_refused_all(s, 0);
    assert_int_equal(session_link(s), SESSION_LINK_NONE);
    assert_int_equal(session_next_deadline(s), UINT64_MAX);
    session_free(s);
}

static void test_ping_answered(void **state)
{
    (void)state;
    struct session *s = lobby_session("alice");
    assert_int_equal(feed_hex(s, "70 00 04 de ad be ef", 2000), 0);
    assert_string_equal(out_hex(s), "71 00 04 de ad be ef");
    expect_no_ev(s);
    session_free(s);
    /* also mid-game, and between GAME_START and STATE */
    s = lobby_session("alice");
    assert_int_equal(session_quick_match(s), 0);
    assert_int_equal(feed_hex(s, "82 00 00", 1000), 0);
    (void)out_hex(s);
    struct proto_msg gs = game_start_msg(9, PROTO_MARK_X), st = state_msg(9, ".........", 1);
    assert_int_equal(feed_msg(s, &gs, 1000), 0);
    assert_int_equal(feed_hex(s, "70 00 04 00 00 00 01", 2000), 0);
    assert_string_equal(out_hex(s), "71 00 04 00 00 00 01");
    assert_int_equal(feed_msg(s, &st, 1000), 0);
    expect_ev(s, SESSION_EV_QUEUED);
    expect_ev(s, SESSION_EV_GAME_START);
    expect_ev(s, SESSION_EV_STATE);
    session_free(s);
}

/* ---- server errors ---- */

static void test_server_errors(void **state)
{
    (void)state;
    /* non-fatal: an event, the session goes on */
    struct session *s = playing_session(PROTO_MARK_X);
    assert_int_equal(session_move(s, 4), 0);
    (void)out_hex(s);
    assert_false(session_my_turn(s));
    struct proto_msg e = error_msg(PROTO_ERR_STALE_PLY, "ply 0 is not the board's");
    assert_int_equal(feed_msg(s, &e, 2000), 0);
    struct session_event ev = next_ev(s);
    assert_int_equal(ev.type, SESSION_EV_SERVER_ERROR);
    assert_int_equal(ev.u.error.code, PROTO_ERR_STALE_PLY);
    assert_string_equal(ev.u.error.message, "ply 0 is not the board's");
    assert_true(strstr(session_error(s), "STALE_PLY") != NULL);
    assert_int_equal(session_phase(s), SESSION_PLAYING);
    assert_true(session_my_turn(s)); /* the refused move is no longer pending */
    session_free(s);

    /* fatal: EV_CLOSED with the code */
    s = playing_session(PROTO_MARK_X);
    e = error_msg(PROTO_ERR_SHUTTING_DOWN, "bye");
    assert_int_equal(feed_msg(s, &e, 2000), -1);
    ev = next_ev(s);
    assert_int_equal(ev.type, SESSION_EV_CLOSED);
    assert_int_equal(ev.u.closed.reason, SESSION_CLOSE_SERVER_ERROR);
    assert_int_equal(ev.u.closed.code, PROTO_ERR_SHUTTING_DOWN);
    assert_true(strstr(ev.u.closed.message, "SHUTTING_DOWN: bye") != NULL);
    expect_no_ev(s);
    assert_int_equal(session_feed(s, (const uint8_t *)"\x70", 1, 3000), -1);
    session_free(s);

    /* any ERROR during the handshake is the end (SERVER_FULL) */
    s = new_session("alice", 0);
    session_connected(s, 0);
    e = error_msg(PROTO_ERR_SERVER_FULL, "");
    assert_int_equal(feed_msg(s, &e, 1), -1);
    ev = next_ev(s);
    assert_int_equal(ev.type, SESSION_EV_CLOSED);
    assert_int_equal(ev.u.closed.code, PROTO_ERR_SERVER_FULL);
    session_free(s);

    /* NO_SUCH_ROOM while joining: back to the lobby */
    s = lobby_session("alice");
    assert_int_equal(session_join_room(s, "ABCDEF"), 0);
    e = error_msg(PROTO_ERR_NO_SUCH_ROOM, "no open room ABCDEF");
    assert_int_equal(feed_msg(s, &e, 2000), 0);
    expect_ev(s, SESSION_EV_SERVER_ERROR);
    assert_int_equal(session_phase(s), SESSION_LOBBY);
    assert_int_equal(session_create_room(s), 0);
    session_free(s);

    /* NO_SUCH_GAME while spectating */
    s = lobby_session("alice");
    assert_int_equal(session_spectate(s, 5), 0);
    assert_string_equal(out_hex(s), "06 00 04 00 00 00 05");
    e = error_msg(PROTO_ERR_NO_SUCH_GAME, "");
    assert_int_equal(feed_msg(s, &e, 2000), 0);
    expect_ev(s, SESSION_EV_SERVER_ERROR);
    assert_int_equal(session_phase(s), SESSION_LOBBY);
    session_free(s);
}

/* ---- protocol violations ---- */

/* A playing session (X, empty board) fed `hex` must close PROTOCOL. */
static void expect_violation_playing(uint8_t you, const char *hex, const char *needle)
{
    struct session *s = playing_session(you);
    assert_int_equal(feed_hex(s, hex, 5000), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, needle);
    assert_string_equal(out_hex(s), "");
    session_free(s);
}

/* In the lobby, `hex` from the server is a violation: closed with
 * `needle` in the message, nothing sent. */
static void expect_violation_lobby(const char *hex, const char *needle)
{
    struct session *s = lobby_session("alice");
    assert_int_equal(feed_hex(s, hex, 1), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, needle);
    assert_string_equal(out_hex(s), "");
    session_free(s);
}

static void test_protocol_violations(void **state)
{
    (void)state;
    /* bad frames: unknown type, a client type, a bad length, bad fields */
    expect_violation_playing(PROTO_MARK_X, "55 00 00", "bad frame");
    expect_violation_playing(PROTO_MARK_X, "10 00 02 00 00", "bad frame"); /* MOVE is c2s */
    expect_violation_playing(PROTO_MARK_X, "90 00 06 00 00 01 00 00 00", "bad frame");
    expect_violation_playing(PROTO_MARK_X, "90 00 07 00 09 01 00 00 00 00", "malformed MOVED");
    expect_violation_playing(PROTO_MARK_X, "91 00 05 01 01 00 01 03", "malformed GAME_OVER");
    /* MOVED out of turn, wrong ply, taken cell */
    expect_violation_playing(PROTO_MARK_X, "90 00 07 00 00 02 00 00 75 30", "MOVED");
    expect_violation_playing(PROTO_MARK_X, "90 00 07 01 00 01 00 00 75 30", "MOVED");
    expect_violation_playing(PROTO_MARK_X,
                             "90 00 07 00 04 01 00 00 75 30 90 00 07 01 04 02 00 00 75 30",
                             "cell taken");
    /* GAME_OVER that does not fit the board */
    expect_violation_playing(PROTO_MARK_X, "91 00 05 01 01 00 04 08", "GAME_OVER");
    expect_violation_playing(PROTO_MARK_X, "91 00 05 00 02 ff ff ff", "GAME_OVER");
    /* timeout: the mover (X) loses, so X cannot be the winner */
    expect_violation_playing(PROTO_MARK_X, "91 00 05 01 04 ff ff ff", "GAME_OVER");
    /* unexpected types in a game */
    expect_violation_playing(PROTO_MARK_X, "82 00 00", "QUEUED");
    expect_violation_playing(PROTO_MARK_X, "83 00 06 41 42 43 44 45 46", "ROOM_CREATED");
    expect_violation_playing(PROTO_MARK_X, "86 00 01 00", "GAME_LIST");
    expect_violation_playing(PROTO_MARK_X, "71 00 04 00 00 00 01", "PONG");
    expect_violation_playing(PROTO_MARK_X, "92 00 03 04 00 00", "OPPONENT");
    expect_violation_playing(PROTO_MARK_X, "92 00 03 03 00 00", "OPPONENT");
    expect_violation_playing(PROTO_MARK_X,
                             "81 00 15 01 3c 4d 5e 6f 80 91 a2 b3 c4 d5 e6 f7 08 19 2a 3b "
                             "00 1e 00 14", "WELCOME");
    expect_violation_playing(PROTO_MARK_X, "85 00 13 00 00 00 01 00 00 00 00 00 00 00 00 00 00 "
                                           "01 00 00 75 30", "STATE");

    /* before WELCOME: anything else */
    struct session *s = new_session("alice", 0);
    session_connected(s, 0);
    (void)out_hex(s);
    assert_int_equal(feed_hex(s, "70 00 04 00 00 00 01", 1), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "before WELCOME");
    assert_string_equal(out_hex(s), "");
    session_free(s);

    /* in the lobby: a GAME_START nobody asked for, a GAME_LIST nobody asked for */
    s = lobby_session("alice");
    struct proto_msg gs = game_start_msg(3, PROTO_MARK_X);
    assert_int_equal(feed_msg(s, &gs, 1), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "GAME_START");
    session_free(s);
    expect_violation_lobby("86 00 01 00", "GAME_LIST");

    /* queued: GAME_START before QUEUED; STATE with impossible cells or mover;
     * STATE for another game; no STATE after GAME_START */
    static const char *const bad_after_queued[] = {
        "85 00 13 00 00 00 01 00 01 00 00 00 00 00 00 00 00 01 00 00 75 30", /* ply 0, 1 mark */
        "85 00 13 00 00 00 01 02 01 01 00 00 00 00 00 00 00 02 00 00 75 30", /* XX, no O */
        "85 00 13 00 00 00 01 01 01 00 00 00 00 00 00 00 00 01 00 00 75 30", /* X again */
        "85 00 13 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00 00 75 30", /* mover 0 */
        "85 00 13 00 00 00 02 00 00 00 00 00 00 00 00 00 00 01 00 00 75 30", /* game 2 */
        "90 00 07 00 04 01 00 00 75 30",                                     /* MOVED */
    };
    for (size_t i = 0; i < sizeof bad_after_queued / sizeof *bad_after_queued; i++) {
        s = lobby_session("alice");
        assert_int_equal(session_quick_match(s), 0);
        assert_int_equal(feed_hex(s, "82 00 00", 1), 0);
        struct proto_msg g1 = game_start_msg(1, PROTO_MARK_X);
        assert_int_equal(feed_msg(s, &g1, 1), 0);
        assert_int_equal(feed_hex(s, bad_after_queued[i], 1), -1);
        expect_closed(s, SESSION_CLOSE_PROTOCOL, NULL);
        session_free(s);
    }
    s = lobby_session("alice");
    assert_int_equal(session_quick_match(s), 0);
    assert_int_equal(feed_msg(s, &gs, 1), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "GAME_START");
    session_free(s);

    /* room wait: the creator must be X */
    s = lobby_session("alice");
    assert_int_equal(session_create_room(s), 0);
    assert_int_equal(feed_hex(s, "83 00 06 41 42 43 44 45 46", 1), 0);
    gs = game_start_msg(3, PROTO_MARK_O);
    assert_int_equal(feed_msg(s, &gs, 1), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "GAME_START");
    session_free(s);
}

static void test_split_one_byte_at_a_time(void **state)
{
    (void)state;
    struct session *s = new_session("bob", 0);
    session_connected(s, 0);
    assert_string_equal(out_hex(s), "01 00 09 54 54 54 50 01 03 62 6f 62");
    struct proto_msg msgs[6];
    msgs[0] = welcome_msg();
    msgs[1] = bare(PROTO_QUEUED);
    msgs[2] = game_start_msg(1, PROTO_MARK_O);
    msgs[3] = state_msg(1, ".........", 30000);
    msgs[4] = moved_msg(0, 0, PROTO_MARK_X, 30000);
    msgs[5] = bare(PROTO_PING);
    msgs[5].u.ping.nonce = 77;
    uint8_t stream[512];
    size_t n = 0;
    for (int i = 0; i < 6; i++)
        n += enc(&msgs[i], stream + n, sizeof stream - n);
    /* QUICK_MATCH goes out after WELCOME; feed WELCOME's bytes, then the rest */
    size_t welcome_len = enc(&msgs[0], (uint8_t[64]){0}, 64);
    for (size_t i = 0; i < n; i++) {
        if (i == welcome_len) {
            expect_ev(s, SESSION_EV_WELCOME);
            assert_int_equal(session_quick_match(s), 0);
            assert_string_equal(out_hex(s), "02 00 00");
        }
        assert_int_equal(session_feed(s, stream + i, 1, 10), 0);
    }
    expect_ev(s, SESSION_EV_QUEUED);
    expect_ev(s, SESSION_EV_GAME_START);
    expect_ev(s, SESSION_EV_STATE);
    expect_ev(s, SESSION_EV_MOVED);
    expect_no_ev(s);
    assert_string_equal(out_hex(s), "71 00 04 00 00 00 4d");
    assert_true(session_my_turn(s));
    assert_int_equal(session_game(s)->board.cells[0], PROTO_MARK_X);
    session_free(s);
}

/* ---- rematch, opponent events, leaving ---- */

/* Play X wins 0-4-8 from a playing session (X = `you` or not). */
static void play_to_line(struct session *s)
{
    static const uint8_t cells[] = {0, 1, 4, 2, 8};
    for (uint8_t ply = 0; ply < 5; ply++) {
        uint8_t mark = ply % 2 ? PROTO_MARK_O : PROTO_MARK_X;
        if (session_my_turn(s)) {
            assert_int_equal(session_move(s, cells[ply]), 0);
            (void)out_hex(s);
        }
        struct proto_msg mv = moved_msg(ply, cells[ply], mark, ply == 4 ? 0 : 1000);
        assert_int_equal(feed_msg(s, &mv, 1000), 0);
        expect_ev(s, SESSION_EV_MOVED);
    }
    assert_int_equal(feed_hex(s, "91 00 05 01 01 00 04 08", 1000), 0);
    expect_ev(s, SESSION_EV_GAME_OVER);
}

static void test_rematch_flow(void **state)
{
    (void)state;
    /* the opponent offers first, we accept */
    struct session *s = playing_session(PROTO_MARK_X);
    assert_int_equal(session_rematch(s), -1);
    play_to_line(s);
    assert_int_equal(feed_hex(s, "92 00 03 04 00 00", 1000), 0);
    struct session_event ev = next_ev(s);
    assert_int_equal(ev.type, SESSION_EV_OPPONENT);
    assert_int_equal(ev.u.opponent.event, PROTO_OPP_REMATCH);
    assert_true(session_game(s)->opponent_rematch);
    assert_int_equal(session_rematch(s), 0);
    assert_string_equal(out_hex(s), "12 00 00");
    assert_true(session_game(s)->rematch_offered);
    assert_int_equal(session_rematch(s), -1); /* once */
    /* game 2, marks swapped */
    start_game(s, 2, PROTO_MARK_O, ".........", 30000, 2000);
    const struct session_game *g = session_game(s);
    assert_int_equal(g->game_id, 2);
    assert_int_equal(g->you, PROTO_MARK_O);
    assert_false(g->over);
    assert_false(g->opponent_rematch);
    assert_false(g->rematch_offered);
    assert_int_equal(g->line[0], PROTO_NO_CELL);
    assert_int_equal(g->board.ply, 0);
    /* we offer first this time; the opponent's REMATCH starts game 3 directly */
    play_to_line(s);
    assert_int_equal(session_rematch(s), 0);
    (void)out_hex(s);
    start_game(s, 3, PROTO_MARK_X, ".........", 30000, 3000);
    /* the same mark again is a violation */
    play_to_line(s);
    assert_int_equal(session_rematch(s), 0);
    struct proto_msg gs = game_start_msg(4, PROTO_MARK_X);
    assert_int_equal(feed_msg(s, &gs, 4000), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "GAME_START");
    session_free(s);

    /* GAME_START at a finished game without our REMATCH: violation */
    s = playing_session(PROTO_MARK_X);
    play_to_line(s);
    gs = game_start_msg(2, PROTO_MARK_O);
    assert_int_equal(feed_msg(s, &gs, 2000), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "GAME_START");
    session_free(s);
}

static void test_opponent_events(void **state)
{
    (void)state;
    struct session *s = playing_session(PROTO_MARK_O);
    assert_int_equal(feed_hex(s, "92 00 03 01 00 14", 5000), 0);
    struct session_event ev = next_ev(s);
    assert_int_equal(ev.type, SESSION_EV_OPPONENT);
    assert_int_equal(ev.u.opponent.event, PROTO_OPP_DISCONNECTED);
    assert_int_equal(ev.u.opponent.grace_s, 20);
    assert_true(session_game(s)->opponent_away);
    assert_int_equal(session_game(s)->opponent_deadline_ms, 5000 + 20000);
    assert_int_equal(feed_hex(s, "92 00 03 02 00 00", 6000), 0);
    ev = next_ev(s);
    assert_int_equal(ev.u.opponent.event, PROTO_OPP_RECONNECTED);
    assert_false(session_game(s)->opponent_away);
    /* disconnected again, forfeit: we (O) win */
    assert_int_equal(feed_hex(s, "92 00 03 01 00 14 91 00 05 02 05 ff ff ff", 7000), 0);
    expect_ev(s, SESSION_EV_OPPONENT);
    expect_ev(s, SESSION_EV_GAME_OVER);
    assert_int_equal(session_game(s)->reason, PROTO_REASON_FORFEIT);
    assert_int_equal(session_game(s)->winner, PROTO_MARK_O);
    assert_false(session_game(s)->opponent_away);
    /* then the opponent is gone for good: no rematch */
    assert_int_equal(feed_hex(s, "92 00 03 03 00 00", 8000), 0);
    ev = next_ev(s);
    assert_int_equal(ev.u.opponent.event, PROTO_OPP_LEFT);
    assert_true(session_game(s)->opponent_left);
    assert_int_equal(session_rematch(s), -1);
    /* a rematch offer after that is a violation */
    assert_int_equal(feed_hex(s, "92 00 03 04 00 00", 8000), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "OPPONENT");
    session_free(s);
}

static void test_leave_and_crossing_frames(void **state)
{
    (void)state;
    /* LEAVE from the queue crosses a pairing: the game that starts, and the
     * resignation the LEAVE causes, are dropped; the PONG ends it */
    struct session *s = lobby_session("alice");
    assert_int_equal(session_quick_match(s), 0);
    (void)out_hex(s);
    assert_int_equal(session_leave(s), 0);
    assert_string_equal(out_hex(s), "13 00 00 70 00 04 00 00 00 01");
    assert_int_equal(session_phase(s), SESSION_LOBBY);
    assert_int_equal(session_quick_match(s), 0); /* at once again */
    assert_string_equal(out_hex(s), "02 00 00");
    struct proto_msg gs = game_start_msg(1, PROTO_MARK_O), st = state_msg(1, ".........", 30000);
    struct proto_msg mv = moved_msg(0, 4, PROTO_MARK_X, 30000);
    struct proto_msg go = game_over_msg(PROTO_MARK_X, PROTO_REASON_RESIGN, 0xff, 0xff, 0xff);
    assert_int_equal(feed_hex(s, "82 00 00", 1), 0);
    assert_int_equal(feed_msg(s, &gs, 1), 0);
    assert_int_equal(feed_msg(s, &st, 1), 0);
    assert_int_equal(feed_msg(s, &mv, 1), 0);
    assert_int_equal(feed_msg(s, &go, 1), 0);
    expect_no_ev(s);
    assert_int_equal(feed_hex(s, "71 00 04 00 00 00 01", 1), 0);
    /* the new QUICK_MATCH's answers count */
    assert_int_equal(feed_hex(s, "82 00 00", 1), 0);
    expect_ev(s, SESSION_EV_QUEUED);
    start_game(s, 2, PROTO_MARK_X, ".........", 30000, 1);
    assert_int_equal(session_game(s)->game_id, 2);

    /* LEAVE mid-game: the GAME_OVER it causes is dropped */
    assert_int_equal(session_leave(s), 0);
    assert_string_equal(out_hex(s), "13 00 00 70 00 04 00 00 00 02");
    go = game_over_msg(PROTO_MARK_O, PROTO_REASON_RESIGN, 0xff, 0xff, 0xff);
    assert_int_equal(feed_msg(s, &go, 1), 0);
    assert_int_equal(feed_hex(s, "71 00 04 00 00 00 02", 1), 0);
    expect_no_ev(s);
    assert_int_equal(session_phase(s), SESSION_LOBBY);
    /* a QUEUED now is unexpected */
    assert_int_equal(feed_hex(s, "82 00 00", 1), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "QUEUED");
    session_free(s);

    /* quick match from a finished game: the opponent's late rematch offer is dropped */
    s = playing_session(PROTO_MARK_X);
    play_to_line(s);
    assert_int_equal(session_quick_match(s), 0);
    assert_string_equal(out_hex(s), "70 00 04 00 00 00 01 02 00 00");
    assert_int_equal(session_phase(s), SESSION_QUEUED);
    assert_int_equal(feed_hex(s, "92 00 03 04 00 00 92 00 03 03 00 00 71 00 04 00 00 00 01 "
                                 "82 00 00", 1), 0);
    expect_ev(s, SESSION_EV_QUEUED);
    expect_no_ev(s);
    session_free(s);

    /* ... and so is the opponent's LEAVE the server read between our barrier
     * PING and our QUICK_MATCH: it arrives after the PONG */
    s = playing_session(PROTO_MARK_O);
    play_to_line(s);
    assert_int_equal(session_quick_match(s), 0);
    (void)out_hex(s);
    assert_int_equal(feed_hex(s, "71 00 04 00 00 00 01 92 00 03 03 00 00 82 00 00", 1), 0);
    expect_ev(s, SESSION_EV_QUEUED);
    expect_no_ev(s);
    start_game(s, 7, PROTO_MARK_X, ".........", 30000, 1);
    session_free(s);

    /* in a queue joined from the lobby, an OPPONENT frame is a violation */
    s = lobby_session("alice");
    assert_int_equal(session_quick_match(s), 0);
    assert_int_equal(feed_hex(s, "82 00 00 92 00 03 03 00 00", 1), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "OPPONENT");
    session_free(s);

    /* a PONG for a PING never sent */
    expect_violation_lobby("71 00 04 00 00 00 05", "PONG");
}

/* ---- rooms, spectating, the game list ---- */

static void test_rooms(void **state)
{
    (void)state;
    struct session *s = lobby_session("alice");
    assert_int_equal(session_create_room(s), 0);
    assert_int_equal(session_phase(s), SESSION_ROOM_WAIT);
    assert_int_equal(feed_hex(s, "83 00 06 4b 37 50 32 5a 51", 1), 0);
    struct session_event ev = next_ev(s);
    assert_int_equal(ev.type, SESSION_EV_ROOM_CREATED);
    assert_string_equal(ev.u.room_code, "K7P2ZQ");
    /* a second ROOM_CREATED is unexpected, but first: the joiner arrives */
    start_game(s, 4, PROTO_MARK_X, ".........", 30000, 1);
    assert_int_equal(session_phase(s), SESSION_PLAYING);
    assert_true(session_my_turn(s));
    session_free(s);

    /* the joiner is O */
    s = lobby_session("bob");
    assert_int_equal(session_join_room(s, "K7P2ZQ"), 0);
    assert_string_equal(out_hex(s), "04 00 06 4b 37 50 32 5a 51");
    start_game(s, 4, PROTO_MARK_O, ".........", 30000, 1);
    assert_int_equal(session_game(s)->you, PROTO_MARK_O);
    assert_false(session_my_turn(s));
    session_free(s);

    /* leaving the room */
    s = lobby_session("alice");
    assert_int_equal(session_create_room(s), 0);
    (void)out_hex(s);
    assert_int_equal(feed_hex(s, "83 00 06 4b 37 50 32 5a 51", 1), 0);
    assert_int_equal(session_leave(s), 0);
    assert_string_equal(out_hex(s), "13 00 00 70 00 04 00 00 00 01");
    assert_int_equal(session_phase(s), SESSION_LOBBY);
    session_free(s);
}

static void test_spectate(void **state)
{
    (void)state;
    struct session *s = lobby_session("carol");
    assert_int_equal(session_spectate(s, 0x01020304), 0);
    assert_string_equal(out_hex(s), "06 00 04 01 02 03 04");
    assert_int_equal(session_phase(s), SESSION_JOINING);
    start_game(s, 0x01020304, PROTO_SPECTATOR, "XO.X.....", 12000, 100);
    assert_int_equal(session_phase(s), SESSION_SPECTATING);
    const struct session_game *g = session_game(s);
    assert_int_equal(g->you, PROTO_SPECTATOR);
    assert_int_equal(g->board.ply, 3);
    assert_int_equal(g->to_move, PROTO_MARK_O);
    assert_int_equal(g->turn_deadline_ms, 12100);
    assert_false(session_my_turn(s));
    assert_int_equal(session_move(s, 4), -1);
    assert_int_equal(session_resign(s), -1);
    /* O plays 4, X plays 6: X wins 0-3-6 */
    struct proto_msg m1 = moved_msg(3, 4, PROTO_MARK_O, 30000);
    struct proto_msg m2 = moved_msg(4, 6, PROTO_MARK_X, 0);
    assert_int_equal(feed_msg(s, &m1, 200), 0);
    assert_int_equal(feed_msg(s, &m2, 300), 0);
    assert_int_equal(feed_hex(s, "91 00 05 01 01 00 03 06", 300), 0);
    expect_ev(s, SESSION_EV_MOVED);
    expect_ev(s, SESSION_EV_MOVED);
    expect_ev(s, SESSION_EV_GAME_OVER);
    assert_int_equal(session_phase(s), SESSION_LOBBY); /* spectators go back */
    assert_int_equal(g->winner, PROTO_MARK_X);
    session_free(s);

    /* the wrong game, or a seat instead of a spectator: violation */
    static const struct {
        uint32_t id;
        uint8_t you;
    } not_game_5[] = {{6, PROTO_SPECTATOR}, {5, PROTO_MARK_X}};
    for (size_t i = 0; i < sizeof not_game_5 / sizeof not_game_5[0]; i++) {
        s = lobby_session("carol");
        assert_int_equal(session_spectate(s, 5), 0);
        struct proto_msg gs = game_start_msg(not_game_5[i].id, not_game_5[i].you);
        assert_int_equal(feed_msg(s, &gs, 100), -1);
        expect_closed(s, SESSION_CLOSE_PROTOCOL, "GAME_START");
        session_free(s);
    }
}

/* A watched game that ends leaves us in the lobby following it: its rematch
 * moves us to watch the new game; LEAVE or a lobby request stops that, and a
 * GAME_START that crosses the request is dropped behind the barrier. */
static void test_spectator_follows_rematch(void **state)
{
    (void)state;
    struct session *s = lobby_session("carol");
    assert_int_equal(session_spectate(s, 7), 0);
    (void)out_hex(s);
    struct proto_msg gs = game_start_msg(7, PROTO_SPECTATOR), st = state_msg(7, "XX.OO....", 9000);
    struct proto_msg win = moved_msg(4, 2, PROTO_MARK_X, 0);
    assert_int_equal(feed_msg(s, &gs, 1), 0);
    assert_int_equal(feed_msg(s, &st, 1), 0);
    assert_int_equal(feed_msg(s, &win, 2), 0);
    assert_int_equal(feed_hex(s, "91 00 05 01 01 00 01 02", 2), 0); /* X wins 0-1-2 */
    expect_ev(s, SESSION_EV_GAME_START);
    expect_ev(s, SESSION_EV_STATE);
    expect_ev(s, SESSION_EV_MOVED);
    expect_ev(s, SESSION_EV_GAME_OVER);
    assert_int_equal(session_phase(s), SESSION_LOBBY);
    /* the same game again is not a rematch */
    struct proto_msg same = game_start_msg(7, PROTO_SPECTATOR);
    struct session *t = lobby_session("dave");
    assert_int_equal(session_spectate(t, 7), 0);
    assert_int_equal(feed_msg(t, &gs, 1), 0);
    assert_int_equal(feed_msg(t, &st, 1), 0);
    assert_int_equal(feed_msg(t, &win, 2), 0);
    assert_int_equal(feed_hex(t, "91 00 05 01 01 00 01 02", 2), 0);
    assert_int_equal(feed_msg(t, &same, 3), -1);
    expect_closed(t, SESSION_CLOSE_PROTOCOL, "GAME_START");
    session_free(t);
    /* the rematch: game 8, we watch it */
    start_game(s, 8, PROTO_SPECTATOR, ".........", 30000, 3);
    assert_int_equal(session_phase(s), SESSION_SPECTATING);
    assert_int_equal(session_game(s)->game_id, 8);
    assert_int_equal(feed_hex(s, "91 00 05 02 03 ff ff ff", 4), 0); /* X resigned */
    expect_ev(s, SESSION_EV_GAME_OVER);
    /* LEAVE in the lobby stops following; a rematch start that crossed it is a ghost */
    assert_int_equal(session_leave(s), 0);
    assert_string_equal(out_hex(s), "13 00 00 70 00 04 00 00 00 01");
    struct proto_msg gs9 = game_start_msg(9, PROTO_SPECTATOR), st9 = state_msg(9, ".........", 30000);
    assert_int_equal(feed_msg(s, &gs9, 5), 0);
    assert_int_equal(feed_msg(s, &st9, 5), 0);
    expect_no_ev(s);
    assert_int_equal(feed_hex(s, "71 00 04 00 00 00 01", 5), 0); /* the barrier's PONG */
    assert_int_equal(session_phase(s), SESSION_LOBBY);
    assert_int_equal(session_leave(s), -1); /* following nothing now */
    assert_int_equal(feed_msg(s, &gs9, 6), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "GAME_START");
    session_free(s);
}

/* A room nobody joined in the server's room time closes: NO_SUCH_ROOM, not
 * fatal, and the session is back in the lobby, free to ask again. */
static void test_room_closes_unjoined(void **state)
{
    (void)state;
    struct session *s = lobby_session("alice");
    assert_int_equal(session_create_room(s), 0);
    (void)out_hex(s);
    assert_int_equal(feed_hex(s, "83 00 06 4b 37 50 32 5a 51", 1), 0);
    expect_ev(s, SESSION_EV_ROOM_CREATED);
    assert_int_equal(feed_hex(s, "e0 00 02 08 00", 2), 0); /* ERROR NO_SUCH_ROOM */
    struct session_event ev = next_ev(s);
    assert_int_equal(ev.type, SESSION_EV_SERVER_ERROR);
    assert_int_equal(ev.u.error.code, PROTO_ERR_NO_SUCH_ROOM);
    assert_int_equal(session_phase(s), SESSION_LOBBY);
    assert_int_equal(session_create_room(s), 0);
    session_free(s);
}

static void test_game_list(void **state)
{
    (void)state;
    struct session *s = lobby_session("dave");
    assert_int_equal(session_list_games(s), 0);
    assert_string_equal(out_hex(s), "07 00 00");
    struct proto_msg l = bare(PROTO_GAME_LIST);
    l.u.game_list.count = 2;
    l.u.game_list.games[0].game_id = 9;
    l.u.game_list.games[0].ply = 3;
    assert_int_equal(proto_name_set(&l.u.game_list.games[0].x_name, "ann"), PROTO_OK);
    assert_int_equal(proto_name_set(&l.u.game_list.games[0].o_name, "ben"), PROTO_OK);
    l.u.game_list.games[1].game_id = 8;
    assert_int_equal(proto_name_set(&l.u.game_list.games[1].x_name, "cy"), PROTO_OK);
    assert_int_equal(proto_name_set(&l.u.game_list.games[1].o_name, "di"), PROTO_OK);
    assert_int_equal(feed_msg(s, &l, 1), 0);
    struct session_event ev = next_ev(s);
    assert_int_equal(ev.type, SESSION_EV_GAME_LIST);
    assert_int_equal(session_game_list(s)->count, 2);
    assert_int_equal(session_game_list(s)->games[0].game_id, 9);
    assert_string_equal(session_game_list(s)->games[1].o_name.s, "di");
    /* a second, unasked list is a violation */
    assert_int_equal(feed_msg(s, &l, 1), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "GAME_LIST");
    session_free(s);

    /* an empty list, which may arrive after we moved on to the queue */
    s = lobby_session("dave");
    assert_int_equal(session_list_games(s), 0);
    assert_int_equal(session_quick_match(s), 0);
    assert_int_equal(feed_hex(s, "86 00 01 00 82 00 00", 1), 0);
    ev = next_ev(s);
    assert_int_equal(ev.type, SESSION_EV_GAME_LIST);
    assert_int_equal(session_game_list(s)->count, 0);
    expect_ev(s, SESSION_EV_QUEUED);
    session_free(s);
}

static void test_event_queue_full(void **state)
{
    (void)state;
    struct session *s = lobby_session("eve");
    /* the caller never drains: a list per request until the ring is full */
    int rc = 0;
    for (int i = 0; i < SESSION_EVENT_QUEUE + 5 && rc == 0; i++) {
        assert_int_equal(session_list_games(s), 0);
        rc = feed_hex(s, "86 00 01 00", 1);
    }
    assert_int_equal(rc, -1);
    for (int i = 0; i < SESSION_EVENT_QUEUE - 1; i++)
        expect_ev(s, SESSION_EV_GAME_LIST);
    struct session_event ev = next_ev(s);
    assert_int_equal(ev.type, SESSION_EV_CLOSED);
    assert_true(strstr(ev.u.closed.message, "event queue full") != NULL);
    expect_no_ev(s);
    session_free(s);
}

static void test_handshake_timeout(void **state)
{
    (void)state;
    struct session *s = new_session("alice", 0);
    session_connected(s, 1000);
    assert_int_equal(session_next_deadline(s), 1000 + 5000);
    session_tick(s, 5999);
    expect_no_ev(s);
    session_tick(s, 6000);
    expect_closed(s, SESSION_CLOSE_CONNECT, "WELCOME");
    session_free(s);
}

static void test_output_buffer_bound(void **state)
{
    (void)state;
    /* offline nothing is written: requests pile up until the bound */
    struct session *s = lobby_session("fay");
    int n = 0;
    while (session_list_games(s) == 0)
        n++;
    assert_true(n > 1000 && n < 4096 / 3);
    expect_closed(s, SESSION_CLOSE_LOST, "output buffer full");
    session_free(s);
}

/* ---- the transport's reports ---- */

static void test_transport_reports(void **state)
{
    (void)state;
    /* a connect that fails before any connection: CONNECT, the words kept */
    struct session *s = new_session("alice", 1);
    assert_int_equal(session_link(s), SESSION_LINK_NONE);
    assert_int_equal(session_feed(s, (const uint8_t *)"\x81", 1, 0), -1); /* no connection */
    assert_int_equal(session_start(s), 0);
    assert_int_equal(session_start(s), -1);
    assert_int_equal(session_phase(s), SESSION_CONNECTING);
    assert_int_equal(session_link(s), SESSION_LINK_WANTED);
    session_disconnected(s, 5, "cannot connect to h port 1: connection refused");
    expect_closed(s, SESSION_CLOSE_CONNECT, "cannot connect to h port 1: connection refused");
    assert_int_equal(session_connected(s, 6), -1);
    session_free(s);

    /* lost before WELCOME, and lost in the lobby: LOST, not a reconnect */
    s = new_session("alice", 1);
    assert_int_equal(session_connected(s, 0), 0);
    assert_int_equal(session_link(s), SESSION_LINK_UP);
    assert_int_equal(session_connected(s, 0), -1); /* one at a time */
    session_disconnected(s, 1, "the server closed the connection");
    expect_closed(s, SESSION_CLOSE_LOST, "connection lost: the server closed the connection");
    session_free(s);
    s = lobby_session_with("alice", 1);
    assert_int_equal(session_list_games(s), 0);
    session_disconnected(s, 2000, "reset");
    size_t n;
    (void)session_output(s, &n);
    assert_int_equal(n, 0); /* what was for that connection is dropped */
    expect_closed(s, SESSION_CLOSE_LOST, "reset");
    session_free(s);

    /* the user's close keeps its last words for the transport to write */
    s = lobby_session("alice");
    assert_int_equal(session_quick_match(s), 0);
    assert_int_equal(session_leave(s), 0);
    session_close(s);
    expect_closed(s, SESSION_CLOSE_USER, "closed by the user");
    assert_string_equal(out_hex(s), "02 00 00 13 00 00 70 00 04 00 00 00 01");
    session_free(s);
}

/* The next event is EV_CLOSED for `reason` with connect failure `failure`. */
static struct session_event expect_failure(struct session *s, uint8_t reason, uint8_t failure)
{
    struct session_event ev = next_ev(s);
    assert_int_equal(ev.type, SESSION_EV_CLOSED);
    assert_int_equal(ev.u.closed.reason, reason);
    assert_int_equal(ev.u.closed.failure, failure);
    expect_no_ev(s);
    return ev;
}

/* A session started for "gamebox.lan" port 80, its connection up to the
 * peer 203.0.113.5:80 at time 1000 (HELLO taken). */
static struct session *answered_session(void)
{
    struct session *s = new_session("alice", 1);
    assert_int_equal(session_start(s), 0);
    session_set_target(s, "gamebox.lan", 80);
    session_set_peer(s, "203.0.113.5:80");
    assert_int_equal(session_connected(s, 1000), 0);
    (void)out_hex(s);
    return s;
}

/* How a connect failed reaches EV_CLOSED with the server as typed and the
 * peer that answered: the transport's kinds; a peer that answers with
 * something else than a ttt server's WELCOME (HTTP's answer, end of file,
 * silence) is NOT_TTT; a fatal ERROR names itself; none once welcomed. */
static void test_connect_failure_kinds(void **state)
{
    (void)state;
    static const uint8_t kinds[] = {SESSION_FAIL_REFUSED, SESSION_FAIL_NO_HOST, SESSION_FAIL_LOOKUP,
                                    SESSION_FAIL_UNREACHABLE, SESSION_FAIL_TIMED_OUT};
    for (size_t i = 0; i < sizeof kinds; i++) {
        struct session *s = new_session("alice", 1);
        assert_int_equal(session_start(s), 0);
        session_set_target(s, "localhost", 7777);
        session_connect_failed(s, 5, kinds[i], "cannot connect to localhost port 7777: why");
        struct session_event ev = expect_failure(s, SESSION_CLOSE_CONNECT, kinds[i]);
        assert_string_equal(ev.u.closed.host, "localhost");
        assert_int_equal(ev.u.closed.port, 7777);
        assert_string_equal(ev.u.closed.peer, "");
        assert_string_equal(ev.u.closed.message, "cannot connect to localhost port 7777: why");
        session_free(s);
    }

    /* an HTTP server's answer: a protocol error, from something that is not a ttt server */
    struct session *s = answered_session();
    assert_int_equal(session_feed(s, (const uint8_t *)"HTTP/1.1 400 Bad Request\r\n\r\n", 28, 1001), -1);
    struct session_event ev = expect_failure(s, SESSION_CLOSE_PROTOCOL, SESSION_FAIL_NOT_TTT);
    assert_string_equal(ev.u.closed.host, "gamebox.lan");
    assert_int_equal(ev.u.closed.port, 80);
    assert_string_equal(ev.u.closed.peer, "203.0.113.5:80");
    session_free(s);

    /* end of file before WELCOME; no WELCOME in time */
    s = answered_session();
    session_disconnected(s, 1001, "the server closed the connection");
    expect_failure(s, SESSION_CLOSE_LOST, SESSION_FAIL_NOT_TTT);
    session_free(s);
    s = answered_session();
    session_tick(s, 1000 + SESSION_CONNECT_MS);
    expect_failure(s, SESSION_CLOSE_CONNECT, SESSION_FAIL_NOT_TTT);
    session_free(s);

    /* a ttt server that is full says so: no guessing */
    s = answered_session();
    struct proto_msg full = error_msg(PROTO_ERR_SERVER_FULL, "");
    assert_int_equal(feed_msg(s, &full, 1001), -1);
    ev = expect_failure(s, SESSION_CLOSE_SERVER_ERROR, SESSION_FAIL_NONE);
    assert_int_equal(ev.u.closed.code, PROTO_ERR_SERVER_FULL);
    session_free(s);

    /* welcomed once: a later loss is no failed connect; nor is the user's close */
    s = lobby_session("alice");
    session_disconnected(s, 2000, "reset");
    expect_failure(s, SESSION_CLOSE_LOST, SESSION_FAIL_NONE);
    session_free(s);
    s = answered_session();
    session_close(s);
    expect_failure(s, SESSION_CLOSE_USER, SESSION_FAIL_NONE);
    session_free(s);
}

/* ---- losing the connection mid-game ---- */

static void test_lost_and_resumed(void **state)
{
    (void)state;
    struct session *s = playing_session_with(PROTO_MARK_X, 1);
    assert_int_equal(session_move(s, 4), 0);
    (void)out_hex(s);
    session_disconnected(s, 5000, "connection reset by peer");
    struct session_event ev = next_ev(s);
    assert_int_equal(ev.type, SESSION_EV_RECONNECTING);
    assert_int_equal(ev.u.reconnect.deadline_ms, 5000 + 20000);
    assert_int_equal(session_phase(s), SESSION_RECONNECTING);
    assert_int_equal(session_link(s), SESSION_LINK_WANTED);
    assert_int_equal(session_next_deadline(s), 25000);
    assert_string_equal(session_error(s), "connection reset by peer");
    assert_int_equal(session_move(s, 0), -1);

    /* tries that fail are the transport's business until the grace runs out */
    session_disconnected(s, 5500, "connection refused");
    expect_no_ev(s);
    assert_int_equal(session_link(s), SESSION_LINK_WANTED);

    /* a try that gets SERVER_FULL, one that gets no WELCOME: more tries */
    assert_int_equal(session_connected(s, 6000), 0);
    assert_string_equal(out_hex(s), HELLO_ALICE);
    struct proto_msg full = error_msg(PROTO_ERR_SERVER_FULL, "busy");
    assert_int_equal(feed_msg(s, &full, 6001), -1);
    expect_no_ev(s);
    assert_int_equal(session_link(s), SESSION_LINK_WANTED);
    assert_string_equal(session_error(s), "server full: busy");
    assert_int_equal(session_connected(s, 7000), 0);
    (void)out_hex(s);
    assert_int_equal(session_next_deadline(s), 7000 + 5000);
    session_tick(s, 12000);
    expect_no_ev(s);
    assert_int_equal(session_link(s), SESSION_LINK_WANTED);

    /* back: HELLO, WELCOME (its new token dropped), RESUME with the first */
    assert_int_equal(session_connected(s, 13000), 0);
    assert_string_equal(out_hex(s), HELLO_ALICE);
    struct proto_msg w = welcome_msg();
    w.u.welcome.token[0] = 0x99;
    assert_int_equal(feed_msg(s, &w, 13001), 0);
    assert_string_equal(out_hex(s), RESUME_A);
    expect_no_ev(s);
    struct proto_msg gs = game_start_msg(1, PROTO_MARK_X), st = state_msg(1, "....X....", 20000);
    assert_int_equal(feed_msg(s, &gs, 13002), 0);
    assert_int_equal(feed_msg(s, &st, 13002), 0);
    expect_ev(s, SESSION_EV_RESUMED);
    expect_ev(s, SESSION_EV_STATE);
    assert_int_equal(session_phase(s), SESSION_PLAYING);
    assert_string_equal(session_error(s), "");
    assert_int_equal(session_game(s)->board.cells[4], PROTO_MARK_X);

    /* lost again, and never back: closed when the grace runs out */
    session_disconnected(s, 30000, "the server closed the connection");
    expect_ev(s, SESSION_EV_RECONNECTING);
    session_tick(s, 49999);
    expect_no_ev(s);
    session_tick(s, 50000);
    expect_closed(s, SESSION_CLOSE_LOST, "grace period (the server closed the connection)");
    session_free(s);

    /* the game is gone by the time we are back: BAD_TOKEN ends it */
    s = playing_session_with(PROTO_MARK_O, 1);
    session_disconnected(s, 2000, "reset");
    expect_ev(s, SESSION_EV_RECONNECTING);
    assert_int_equal(session_connected(s, 2500), 0);
    assert_int_equal(feed_msg(s, &w, 2501), 0);
    assert_string_equal(out_hex(s), HELLO_ALICE " " RESUME_A);
    struct proto_msg bad = error_msg(PROTO_ERR_BAD_TOKEN, "");
    assert_int_equal(feed_msg(s, &bad, 2502), -1);
    expect_closed(s, SESSION_CLOSE_LOST, "could not be resumed");
    session_free(s);

    /* without auto_reconnect, lost mid-game is the end */
    s = playing_session(PROTO_MARK_X);
    session_disconnected(s, 2000, "reset");
    expect_closed(s, SESSION_CLOSE_LOST, "connection lost: reset");
    session_free(s);
}

/* ---- a silent server ---- */

static void test_silence_in_the_lobby(void **state)
{
    (void)state;
    /* connected and welcomed at 1000: a PING at 11000, lost at 21000 */
    struct session *s = lobby_session("alice");
    assert_int_equal(session_next_deadline(s), 1000 + SESSION_SILENCE_MS);
    session_tick(s, 10999);
    assert_string_equal(out_hex(s), "");
    session_tick(s, 11000);
    assert_string_equal(out_hex(s), "70 00 04 00 00 00 01");
    expect_no_ev(s);
    assert_int_equal(session_next_deadline(s), 21000);
    session_tick(s, 20999);
    expect_no_ev(s);
    session_tick(s, 21000);
    expect_closed(s, SESSION_CLOSE_LOST, "the server sent nothing for 20 s");
    assert_int_equal(session_next_deadline(s), UINT64_MAX);
    session_free(s);

    /* any byte is a sign of life; the check, due early, moves itself on */
    s = lobby_session("alice");
    assert_int_equal(feed_hex(s, "70 00 04 00 00 00 07", 8000), 0);
    assert_string_equal(out_hex(s), "71 00 04 00 00 00 07");
    assert_int_equal(session_next_deadline(s), 11000); /* lazy: not moved by the bytes */
    session_tick(s, 11000);
    assert_string_equal(out_hex(s), "");
    assert_int_equal(session_next_deadline(s), 18000);
    session_tick(s, 18000);
    assert_string_equal(out_hex(s), "70 00 04 00 00 00 01");
    assert_int_equal(feed_hex(s, "71 00 04 00 00 00 01", 18500), 0); /* its PONG */
    session_tick(s, 28000);
    assert_string_equal(out_hex(s), "");
    assert_int_equal(session_next_deadline(s), 28500);
    session_tick(s, 28500);
    assert_string_equal(out_hex(s), "70 00 04 00 00 00 02");
    session_tick(s, 38500);
    expect_closed(s, SESSION_CLOSE_LOST, "not even an answer to a PING");
    session_free(s);

    /* silence_ms from the config; the WELCOME timeout comes first */
    struct session_config cfg = {.name = "alice", .silence_ms = 300, .connect_timeout_ms = 200};
    s = session_new(&cfg, NULL);
    assert_int_equal(session_connected(s, 0), 0);
    assert_int_equal(session_next_deadline(s), 200);
    session_tick(s, 200);
    expect_closed(s, SESSION_CLOSE_CONNECT, "no WELCOME from the server within 200 ms");
    session_free(s);
}

static void test_silence_mid_game(void **state)
{
    (void)state;
    /* seated, the server goes quiet: RECONNECTING, as for a lost connection */
    struct session *s = playing_session_with(PROTO_MARK_O, 1);
    session_tick(s, 11000);
    assert_string_equal(out_hex(s), "70 00 04 00 00 00 01");
    session_tick(s, 21000);
    struct session_event ev = next_ev(s);
    assert_int_equal(ev.type, SESSION_EV_RECONNECTING);
    assert_int_equal(ev.u.reconnect.deadline_ms, 21000 + 20000);
    assert_int_equal(session_link(s), SESSION_LINK_WANTED);
    assert_true(strstr(session_error(s), "sent nothing for 20 s") != NULL);
    session_free(s);

    /* a keepalive PING during a barrier: only the later PONG lifts it */
    s = playing_session(PROTO_MARK_X);
    assert_int_equal(session_leave(s), 0);
    assert_string_equal(out_hex(s), "13 00 00 70 00 04 00 00 00 01");
    session_tick(s, 11000);
    assert_string_equal(out_hex(s), "70 00 04 00 00 00 02");
    struct proto_msg over = game_over_msg(PROTO_MARK_O, PROTO_REASON_RESIGN, 0xff, 0xff, 0xff);
    assert_int_equal(feed_msg(s, &over, 11100), 0); /* the game we left: dropped */
    assert_int_equal(feed_hex(s, "71 00 04 00 00 00 01", 11100), 0);
    struct proto_msg mv = moved_msg(1, 0, PROTO_MARK_O, 1000);
    assert_int_equal(feed_msg(s, &mv, 11100), 0); /* still behind the barrier: dropped */
    assert_int_equal(feed_hex(s, "71 00 04 00 00 00 02", 11100), 0);
    expect_no_ev(s);
    assert_int_equal(session_quick_match(s), 0);
    assert_int_equal(feed_hex(s, "82 00 00", 11200), 0);
    expect_ev(s, SESSION_EV_QUEUED); /* no barrier left: QUEUED is news */
    session_free(s);
}

/* ---- hostile text ---- */

static void test_error_text_with_control_characters(void **state)
{
    (void)state;
    /* ERROR "a<U+009B>b" (C1) and "a<U+202E>b" (bidi): the codec refuses the
     * frame; the session reports a protocol error without the raw text */
    const char *frames[] = {
        "e0 00 06 0d 04 61 c2 9b 62",
        "e0 00 07 0d 05 61 e2 80 ae 62",
        "e0 00 05 0d 03 61 1b 62", /* ESC: a terminal's control sequence */
    };
    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++) {
        struct session *s = playing_session(PROTO_MARK_X);
        assert_int_equal(feed_hex(s, frames[i], 2000), -1);
        struct session_event ev = next_ev(s);
        assert_int_equal(ev.type, SESSION_EV_CLOSED);
        assert_int_equal(ev.u.closed.reason, SESSION_CLOSE_PROTOCOL);
        assert_non_null(strstr(ev.u.closed.message, "malformed ERROR"));
        for (const char *c = ev.u.closed.message; *c; c++)
            assert_true(*c >= 0x20 && *c < 0x7f);
        session_free(s);
    }
}

/* ---- requests as values, and the snapshot ---- */

static void test_requests_as_values(void **state)
{
    (void)state;
    struct session *s = lobby_session("alice");
    struct session_request r = {.type = SESSION_REQ_LIST_GAMES};
    assert_int_equal(session_request(s, &r), 0);
    assert_string_equal(out_hex(s), "07 00 00");
    r.type = SESSION_REQ_JOIN_ROOM;
    memcpy(r.code, "ABCDEFG", sizeof r.code); /* no NUL: refused, not read past */
    assert_int_equal(session_request(s, &r), -1);
    memcpy(r.code, "ABCDEF", 7);
    assert_int_equal(session_request(s, &r), 0);
    assert_string_equal(out_hex(s), "04 00 06 41 42 43 44 45 46");
    r.type = 0;
    assert_int_equal(session_request(s, &r), -1);
    r.type = SESSION_REQ_CLOSE;
    assert_int_equal(session_request(s, &r), 0);
    assert_int_equal(session_request(s, &r), -1);
    expect_closed(s, SESSION_CLOSE_USER, NULL);
    session_free(s);

    s = playing_session(PROTO_MARK_X);
    struct session_request mv = {.type = SESSION_REQ_MOVE, .cell = 4};
    assert_int_equal(session_request(s, &mv), 0);
    assert_string_equal(out_hex(s), "10 00 02 00 04");
    struct session_snapshot snap;
    session_take_snapshot(s, &snap);
    assert_int_equal(snap.phase, SESSION_PLAYING);
    assert_int_equal(snap.my_turn, 0); /* the move is out */
    assert_int_equal(snap.turn_s, 30);
    assert_int_equal(snap.grace_s, 20);
    assert_int_equal(snap.game.game_id, 1);
    assert_int_equal(snap.game.you, PROTO_MARK_X);
    assert_string_equal(snap.game.o_name.s, "bob");
    struct session_request rs = {.type = SESSION_REQ_RESIGN};
    assert_int_equal(session_request(s, &rs), 0);
    assert_string_equal(out_hex(s), "11 00 00");
    session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake_bytes),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_quick_match_game_to_line),
        cmocka_unit_test(test_draw_and_o_side),
        cmocka_unit_test(test_requests_refused_by_phase),
        cmocka_unit_test(test_ping_answered),
        cmocka_unit_test(test_server_errors),
        cmocka_unit_test(test_protocol_violations),
        cmocka_unit_test(test_split_one_byte_at_a_time),
        cmocka_unit_test(test_rematch_flow),
        cmocka_unit_test(test_opponent_events),
        cmocka_unit_test(test_leave_and_crossing_frames),
        cmocka_unit_test(test_rooms),
        cmocka_unit_test(test_spectate),
        cmocka_unit_test(test_spectator_follows_rematch),
        cmocka_unit_test(test_room_closes_unjoined),
        cmocka_unit_test(test_game_list),
        cmocka_unit_test(test_event_queue_full),
        cmocka_unit_test(test_handshake_timeout),
        cmocka_unit_test(test_output_buffer_bound),
        cmocka_unit_test(test_transport_reports),
        cmocka_unit_test(test_lost_and_resumed),
        cmocka_unit_test(test_silence_in_the_lobby),
        cmocka_unit_test(test_silence_mid_game),
        cmocka_unit_test(test_error_text_with_control_characters),
        cmocka_unit_test(test_requests_as_values),
        cmocka_unit_test(test_connect_failure_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
