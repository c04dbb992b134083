/* test_session.c: the client session library against scripted server byte
 * streams (session_start_offline/session_feed/session_take_output): the
 * handshake, every phase's requests and answers, games to the end, rematch,
 * spectating, the game list, opponent events, server errors, protocol
 * violations; then against a scripted server on a real loopback socket:
 * connect, play, lose the connection and resume, connection refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "session.h"
#include "sock.h"

/* ---- helpers ---- */

static const uint8_t TOKEN_A[PROTO_TOKEN_LEN] = {0x3c, 0x4d, 0x5e, 0x6f, 0x80, 0x91, 0xa2, 0xb3,
                                                 0xc4, 0xd5, 0xe6, 0xf7, 0x08, 0x19, 0x2a, 0x3b};

static struct session *new_session(const char *name, uint8_t auto_reconnect)
{
    struct session_config cfg = {.name = name, .connect_timeout_ms = 0,
                                 .auto_reconnect = auto_reconnect};
    char err[SESSION_ERR_LEN] = "";
    struct session *s = session_new(&cfg, err);
    assert_non_null(s);
    return s;
}

/* Encode a server message. */
static size_t enc(const struct proto_msg *m, uint8_t *buf, size_t cap)
{
    int n = proto_encode(m, buf, cap);
    assert_true(n > 0);
    return (size_t)n;
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
    size_t n = 0;
    unsigned v;
    int used;
    while (sscanf(hex, " %2x%n", &v, &used) == 1) {
        buf[n++] = (uint8_t)v;
        hex += used;
    }
    return session_feed(s, buf, n, now);
}

/* The bytes the session has queued, as lowercase hex with spaces. */
static const char *out_hex(struct session *s)
{
    static char text[4096];
    uint8_t buf[1024];
    size_t n = session_take_output(s, buf, sizeof buf);
    text[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), i ? " %02x" : "%02x", buf[i]);
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
    assert_true(session_error(s)[0] != '\0');
    expect_no_ev(s);
}

static struct proto_msg welcome_msg(void)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_WELCOME;
    m.u.welcome.version = 1;
    memcpy(m.u.welcome.token, TOKEN_A, PROTO_TOKEN_LEN);
    m.u.welcome.turn_s = 30;
    m.u.welcome.grace_s = 20;
    return m;
}

static struct proto_msg bare(uint8_t type)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = type;
    return m;
}

static struct proto_msg game_start_msg(uint32_t id, uint8_t you)
{
    struct proto_msg m = bare(PROTO_GAME_START);
    m.u.game_start.game_id = id;
    m.u.game_start.you = you;
    assert_int_equal(proto_name_set(&m.u.game_start.x_name, "alice"), PROTO_OK);
    assert_int_equal(proto_name_set(&m.u.game_start.o_name, "bob"), PROTO_OK);
    return m;
}

static struct proto_msg state_msg(uint32_t id, const char *cells, uint32_t ms_left)
{
    struct proto_msg m = bare(PROTO_STATE);
    m.u.state.game_id = id;
    uint8_t x = 0, o = 0;
    for (int i = 0; i < 9; i++) {
        m.u.state.cells[i] = cells[i] == 'X' ? 1 : cells[i] == 'O' ? 2 : 0;
        x = (uint8_t)(x + (cells[i] == 'X'));
        o = (uint8_t)(o + (cells[i] == 'O'));
    }
    m.u.state.ply = (uint8_t)(x + o);
    m.u.state.to_move = x == o ? 1 : 2;
    m.u.state.ms_left = ms_left;
    return m;
}

static struct proto_msg moved_msg(uint8_t ply, uint8_t cell, uint8_t mark, uint32_t ms_left)
{
    struct proto_msg m = bare(PROTO_MOVED);
    m.u.moved.ply = ply;
    m.u.moved.cell = cell;
    m.u.moved.mark = mark;
    m.u.moved.ms_left = ms_left;
    return m;
}

static struct proto_msg game_over_msg(uint8_t winner, uint8_t reason, uint8_t a, uint8_t b,
                                      uint8_t c)
{
    struct proto_msg m = bare(PROTO_GAME_OVER);
    m.u.game_over.winner = winner;
    m.u.game_over.reason = reason;
    m.u.game_over.line[0] = a;
    m.u.game_over.line[1] = b;
    m.u.game_over.line[2] = c;
    return m;
}

static struct proto_msg error_msg(uint8_t code, const char *text)
{
    struct proto_msg m = bare(PROTO_ERROR);
    m.u.error.code = code;
    m.u.error.message.len = (uint8_t)strlen(text);
    memcpy(m.u.error.message.s, text, strlen(text) + 1);
    return m;
}

/* A session in the lobby (HELLO taken, WELCOME fed, EV_WELCOME popped). */
static struct session *lobby_session(const char *name)
{
    struct session *s = new_session(name, 0);
    session_start_offline(s, 1000);
    (void)out_hex(s);
    struct proto_msg w = welcome_msg();
    assert_int_equal(feed_msg(s, &w, 1000), 0);
    expect_ev(s, SESSION_EV_WELCOME);
    assert_int_equal(session_phase(s), SESSION_LOBBY);
    return s;
}

/* A session playing game 1 as `you` at an empty board. */
static struct session *playing_session(uint8_t you)
{
    struct session *s = lobby_session("alice");
    assert_int_equal(session_quick_match(s), 0);
    assert_string_equal(out_hex(s), "02 00 00");
    assert_int_equal(feed_hex(s, "82 00 00", 1000), 0);
    expect_ev(s, SESSION_EV_QUEUED);
    struct proto_msg gs = game_start_msg(1, you), st = state_msg(1, ".........", 30000);
    assert_int_equal(feed_msg(s, &gs, 1000), 0);
    assert_int_equal(feed_msg(s, &st, 1000), 0);
    expect_ev(s, SESSION_EV_GAME_START);
    expect_ev(s, SESSION_EV_STATE);
    assert_int_equal(session_phase(s), SESSION_PLAYING);
    return s;
}

/* ---- handshake ---- */

static void test_handshake_bytes(void **state)
{
    (void)state;
    struct session *s = new_session("alice", 0);
    assert_int_equal(session_phase(s), SESSION_IDLE);
    session_start_offline(s, 0);
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
    session_start_offline(s, 0);
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
    assert_int_equal(session_fd(s), -1);
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
    session_start_offline(s, 0);
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
    session_start_offline(s, 0);
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
    s = lobby_session("alice");
    assert_int_equal(feed_hex(s, "86 00 01 00", 1), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "GAME_LIST");
    session_free(s);

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
    session_start_offline(s, 0);
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
    struct proto_msg gs = game_start_msg(2, PROTO_MARK_O), st = state_msg(2, ".........", 30000);
    assert_int_equal(feed_msg(s, &gs, 2000), 0);
    assert_int_equal(feed_msg(s, &st, 2000), 0);
    expect_ev(s, SESSION_EV_GAME_START);
    expect_ev(s, SESSION_EV_STATE);
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
    gs = game_start_msg(3, PROTO_MARK_X);
    st = state_msg(3, ".........", 30000);
    assert_int_equal(feed_msg(s, &gs, 3000), 0);
    assert_int_equal(feed_msg(s, &st, 3000), 0);
    expect_ev(s, SESSION_EV_GAME_START);
    expect_ev(s, SESSION_EV_STATE);
    /* the same mark again is a violation */
    play_to_line(s);
    assert_int_equal(session_rematch(s), 0);
    gs = game_start_msg(4, PROTO_MARK_X);
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
    gs = game_start_msg(2, PROTO_MARK_X);
    st = state_msg(2, ".........", 30000);
    assert_int_equal(feed_msg(s, &gs, 1), 0);
    assert_int_equal(feed_msg(s, &st, 1), 0);
    expect_ev(s, SESSION_EV_GAME_START);
    expect_ev(s, SESSION_EV_STATE);
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
    gs = game_start_msg(7, PROTO_MARK_X);
    st = state_msg(7, ".........", 30000);
    assert_int_equal(feed_msg(s, &gs, 1), 0);
    assert_int_equal(feed_msg(s, &st, 1), 0);
    expect_ev(s, SESSION_EV_GAME_START);
    expect_ev(s, SESSION_EV_STATE);
    session_free(s);

    /* in a queue joined from the lobby, an OPPONENT frame is a violation */
    s = lobby_session("alice");
    assert_int_equal(session_quick_match(s), 0);
    assert_int_equal(feed_hex(s, "82 00 00 92 00 03 03 00 00", 1), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "OPPONENT");
    session_free(s);

    /* a PONG for a PING never sent */
    s = lobby_session("alice");
    assert_int_equal(feed_hex(s, "71 00 04 00 00 00 05", 1), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "PONG");
    session_free(s);
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
    struct proto_msg gs = game_start_msg(4, PROTO_MARK_X), st = state_msg(4, ".........", 30000);
    assert_int_equal(feed_msg(s, &gs, 1), 0);
    assert_int_equal(feed_msg(s, &st, 1), 0);
    expect_ev(s, SESSION_EV_GAME_START);
    expect_ev(s, SESSION_EV_STATE);
    assert_int_equal(session_phase(s), SESSION_PLAYING);
    assert_true(session_my_turn(s));
    session_free(s);

    /* the joiner is O */
    s = lobby_session("bob");
    assert_int_equal(session_join_room(s, "K7P2ZQ"), 0);
    assert_string_equal(out_hex(s), "04 00 06 4b 37 50 32 5a 51");
    gs = game_start_msg(4, PROTO_MARK_O);
    assert_int_equal(feed_msg(s, &gs, 1), 0);
    assert_int_equal(feed_msg(s, &st, 1), 0);
    expect_ev(s, SESSION_EV_GAME_START);
    expect_ev(s, SESSION_EV_STATE);
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
    struct proto_msg gs = game_start_msg(0x01020304, PROTO_SPECTATOR);
    struct proto_msg st = state_msg(0x01020304, "XO.X.....", 12000);
    assert_int_equal(feed_msg(s, &gs, 100), 0);
    assert_int_equal(feed_msg(s, &st, 100), 0);
    expect_ev(s, SESSION_EV_GAME_START);
    expect_ev(s, SESSION_EV_STATE);
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
    s = lobby_session("carol");
    assert_int_equal(session_spectate(s, 5), 0);
    gs = game_start_msg(6, PROTO_SPECTATOR);
    assert_int_equal(feed_msg(s, &gs, 100), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "GAME_START");
    session_free(s);
    s = lobby_session("carol");
    assert_int_equal(session_spectate(s, 5), 0);
    gs = game_start_msg(5, PROTO_MARK_X);
    assert_int_equal(feed_msg(s, &gs, 100), -1);
    expect_closed(s, SESSION_CLOSE_PROTOCOL, "GAME_START");
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
    assert_non_null(ev.u.game_list);
    assert_int_equal(ev.u.game_list->type, PROTO_GAME_LIST);
    assert_int_equal(ev.u.game_list->u.game_list.count, 2);
    assert_int_equal(ev.u.game_list->u.game_list.games[0].game_id, 9);
    assert_string_equal(ev.u.game_list->u.game_list.games[1].o_name.s, "di");
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
    assert_int_equal(ev.u.game_list->u.game_list.count, 0);
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
    session_start_offline(s, 1000);
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

/* ---- a scripted server on a loopback socket ---- */

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* One round of the caller's loop: poll the session's fd for up to `ms`. */
static void pump(struct session *s, int ms)
{
    uint64_t now = now_ms(), dl = session_next_deadline(s);
    if (dl <= now)
        ms = 0;
    else if (dl - now < (uint64_t)ms)
        ms = (int)(dl - now);
    int fd = session_fd(s);
    if (fd < 0) {
        poll(NULL, 0, ms);
    } else {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (session_wants_write(s))
            p.events |= POLLOUT;
        assert_true(poll(&p, 1, ms) >= 0);
        if (p.revents & (POLLIN | POLLERR | POLLHUP))
            session_on_readable(s, now_ms());
        if (session_fd(s) == fd && (p.revents & (POLLOUT | POLLERR | POLLHUP)))
            session_on_writable(s, now_ms());
    }
    if (session_next_deadline(s) <= now_ms())
        session_tick(s, now_ms());
}

/* Run the loop until an event comes (3 s at most). */
static struct session_event wait_ev(struct session *s)
{
    struct session_event ev;
    uint64_t end = now_ms() + 3000;
    while (!session_next_event(s, &ev)) {
        if (now_ms() > end)
            fail_msg("no event within 3 s (phase %s)", session_phase_name(session_phase(s)));
        pump(s, 10);
    }
    return ev;
}

static int srv_listen(uint16_t *port)
{
    char err[SOCK_ERR_LEN];
    int lfd = sock_listen("127.0.0.1", 0, 8, port, err);
    assert_true(lfd >= 0);
    return lfd;
}

/* Accept the session's connection, running its loop meanwhile. */
static int srv_accept(struct session *s, int lfd)
{
    char err[SOCK_ERR_LEN];
    uint64_t end = now_ms() + 3000;
    for (;;) {
        int fd = sock_accept(lfd, NULL, 0, err);
        if (fd >= 0)
            return fd;
        assert_int_equal(errno, EAGAIN);
        if (now_ms() > end)
            fail_msg("no connection within 3 s");
        pump(s, 10);
    }
}

/* Read exactly the bytes `hex` from the session, running its loop meanwhile. */
static void srv_expect(struct session *s, int fd, const char *hex)
{
    uint8_t want[256], got[256];
    size_t n = 0, have = 0;
    unsigned v;
    int used;
    while (sscanf(hex, " %2x%n", &v, &used) == 1) {
        want[n++] = (uint8_t)v;
        hex += used;
    }
    uint64_t end = now_ms() + 3000;
    while (have < n) {
        ssize_t r = recv(fd, got + have, n - have, MSG_DONTWAIT);
        if (r > 0) {
            have += (size_t)r;
            continue;
        }
        assert_true(r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
        if (now_ms() > end)
            fail_msg("server got %zu of %zu bytes within 3 s", have, n);
        pump(s, 10);
    }
    assert_memory_equal(got, want, n);
}

static void srv_send(int fd, const struct proto_msg *m)
{
    uint8_t buf[PROTO_S2C_FRAME_MAX];
    size_t n = enc(m, buf, sizeof buf);
    assert_int_equal(send(fd, buf, n, MSG_NOSIGNAL), (ssize_t)n);
}

static const char HELLO_ALICE[] = "01 00 0b 54 54 54 50 01 05 61 6c 69 63 65";
static const char RESUME_A[] =
    "05 00 10 3c 4d 5e 6f 80 91 a2 b3 c4 d5 e6 f7 08 19 2a 3b";

/* "alice" (auto_reconnect on) connected to the scripted server on `port`,
 * HELLO checked, WELCOME (with `grace_s`) sent and its event taken. */
static struct session *welcomed_alice(int lfd, uint16_t port, uint16_t grace_s, int *fd)
{
    struct session_config cfg = {.name = "alice", .auto_reconnect = 1};
    struct session *s = session_new(&cfg, NULL);
    assert_non_null(s);
    char addr[32];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", (unsigned)port);
    assert_int_equal(session_connect(s, addr, now_ms()), 0);
    assert_true(session_fd(s) >= 0);
    assert_int_equal(session_phase(s), SESSION_CONNECTING);
    *fd = srv_accept(s, lfd);
    srv_expect(s, *fd, HELLO_ALICE);
    assert_int_equal(session_phase(s), SESSION_HANDSHAKE);
    struct proto_msg w = welcome_msg();
    w.u.welcome.grace_s = grace_s;
    srv_send(*fd, &w);
    assert_int_equal(wait_ev(s).type, SESSION_EV_WELCOME);
    return s;
}

static void test_socket_game_reconnect_resume(void **state)
{
    (void)state;
    uint16_t port;
    int lfd = srv_listen(&port), fd;
    struct session *s = welcomed_alice(lfd, port, 1, &fd);
    struct proto_msg w = welcome_msg();
    w.u.welcome.grace_s = 1;

    assert_int_equal(session_quick_match(s), 0);
    srv_expect(s, fd, "02 00 00");
    struct proto_msg q = bare(PROTO_QUEUED), gs = game_start_msg(7, PROTO_MARK_X);
    struct proto_msg st = state_msg(7, ".........", 30000);
    srv_send(fd, &q);
    srv_send(fd, &gs);
    srv_send(fd, &st);
    assert_int_equal(wait_ev(s).type, SESSION_EV_QUEUED);
    assert_int_equal(wait_ev(s).type, SESSION_EV_GAME_START);
    assert_int_equal(wait_ev(s).type, SESSION_EV_STATE);
    assert_int_equal(session_move(s, 4), 0);
    srv_expect(s, fd, "10 00 02 00 04");
    struct proto_msg mv = moved_msg(0, 4, PROTO_MARK_X, 30000), ping = bare(PROTO_PING);
    ping.u.ping.nonce = 0x01020304;
    srv_send(fd, &mv);
    srv_send(fd, &ping);
    assert_int_equal(wait_ev(s).type, SESSION_EV_MOVED);
    srv_expect(s, fd, "71 00 04 01 02 03 04");

    /* the connection drops mid-game: reconnect, HELLO, RESUME with the first token */
    close(fd);
    uint64_t lost_at = now_ms();
    struct session_event ev = wait_ev(s);
    assert_int_equal(ev.type, SESSION_EV_RECONNECTING);
    assert_int_equal(session_phase(s), SESSION_RECONNECTING);
    assert_true(ev.u.reconnect.deadline_ms >= lost_at + 1000);
    assert_true(ev.u.reconnect.deadline_ms <= now_ms() + 1000);
    fd = srv_accept(s, lfd);
    srv_expect(s, fd, HELLO_ALICE);
    w.u.welcome.token[0] = 0x99; /* the new connection's own token is dropped */
    srv_send(fd, &w);
    srv_expect(s, fd, RESUME_A);
    gs = game_start_msg(7, PROTO_MARK_X);
    st = state_msg(7, "....X....", 20000);
    st.u.state.to_move = PROTO_MARK_O;
    srv_send(fd, &gs);
    srv_send(fd, &st);
    assert_int_equal(wait_ev(s).type, SESSION_EV_RESUMED);
    assert_int_equal(wait_ev(s).type, SESSION_EV_STATE);
    assert_int_equal(session_phase(s), SESSION_PLAYING);
    assert_int_equal(session_game(s)->board.cells[4], PROTO_MARK_X);

    /* lost again, and the server is gone for good: closed after the 1 s grace */
    close(fd);
    close(lfd);
    assert_int_equal(wait_ev(s).type, SESSION_EV_RECONNECTING);
    ev = wait_ev(s);
    assert_int_equal(ev.type, SESSION_EV_CLOSED);
    assert_int_equal(ev.u.closed.reason, SESSION_CLOSE_LOST);
    assert_true(strstr(ev.u.closed.message, "grace") != NULL);
    assert_true(now_ms() >= lost_at + 1000);
    assert_int_equal(session_fd(s), -1);
    session_free(s);
}

static void test_socket_bad_token_and_fatal_error(void **state)
{
    (void)state;
    uint16_t port;
    int lfd = srv_listen(&port), fd;
    struct session *s = welcomed_alice(lfd, port, 20, &fd);
    struct proto_msg w = welcome_msg();
    assert_int_equal(session_join_room(s, "ABCDEF"), 0);
    srv_expect(s, fd, "04 00 06 41 42 43 44 45 46");
    struct proto_msg gs = game_start_msg(3, PROTO_MARK_O), st = state_msg(3, ".........", 9000);
    srv_send(fd, &gs);
    srv_send(fd, &st);
    assert_int_equal(wait_ev(s).type, SESSION_EV_GAME_START);
    assert_int_equal(wait_ev(s).type, SESSION_EV_STATE);
    /* lost; the game is gone by the time we are back: BAD_TOKEN ends it */
    shutdown(fd, SHUT_RDWR);
    close(fd);
    assert_int_equal(wait_ev(s).type, SESSION_EV_RECONNECTING);
    fd = srv_accept(s, lfd);
    srv_expect(s, fd, HELLO_ALICE);
    srv_send(fd, &w);
    srv_expect(s, fd, RESUME_A);
    struct proto_msg e = error_msg(PROTO_ERR_BAD_TOKEN, "");
    srv_send(fd, &e);
    struct session_event ev = wait_ev(s);
    assert_int_equal(ev.type, SESSION_EV_CLOSED);
    assert_int_equal(ev.u.closed.reason, SESSION_CLOSE_LOST);
    assert_int_equal(ev.u.closed.code, PROTO_ERR_BAD_TOKEN);
    close(fd);
    session_free(s);

    /* a fatal ERROR then EOF: SERVER_ERROR, not a reconnect */
    struct session_config cfg = {.name = "alice", .auto_reconnect = 1};
    char addr[32];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", (unsigned)port);
    s = session_new(&cfg, NULL);
    assert_int_equal(session_connect(s, addr, now_ms()), 0);
    fd = srv_accept(s, lfd);
    srv_expect(s, fd, HELLO_ALICE);
    e = error_msg(PROTO_ERR_SERVER_FULL, "too many clients");
    srv_send(fd, &e);
    close(fd);
    ev = wait_ev(s);
    assert_int_equal(ev.type, SESSION_EV_CLOSED);
    assert_int_equal(ev.u.closed.reason, SESSION_CLOSE_SERVER_ERROR);
    assert_int_equal(ev.u.closed.code, PROTO_ERR_SERVER_FULL);
    assert_true(strstr(ev.u.closed.message, "too many clients") != NULL);
    session_free(s);

    /* lost in the lobby: closed LOST, no reconnect */
    s = welcomed_alice(lfd, port, 20, &fd);
    close(fd);
    ev = wait_ev(s);
    assert_int_equal(ev.type, SESSION_EV_CLOSED);
    assert_int_equal(ev.u.closed.reason, SESSION_CLOSE_LOST);
    session_free(s);
    close(lfd);
}

static void test_socket_refused_and_silent(void **state)
{
    (void)state;
    /* nothing listens on a port just freed */
    uint16_t port;
    int lfd = srv_listen(&port);
    close(lfd);
    char addr[32];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", (unsigned)port);
    struct session_config cfg = {.name = "alice", .connect_timeout_ms = 2000};
    struct session *s = session_new(&cfg, NULL);
    (void)session_connect(s, addr, now_ms()); /* may fail at once or later */
    struct session_event ev = wait_ev(s);
    assert_int_equal(ev.type, SESSION_EV_CLOSED);
    assert_int_equal(ev.u.closed.reason, SESSION_CLOSE_CONNECT);
    assert_true(strstr(ev.u.closed.message, "refused") != NULL);
    assert_int_equal(session_phase(s), SESSION_CLOSED);
    assert_int_equal(session_fd(s), -1);
    session_free(s);

    /* an address that does not parse */
    s = session_new(&cfg, NULL);
    assert_int_equal(session_connect(s, "[::1", now_ms()), -1);
    ev = wait_ev(s);
    assert_int_equal(ev.type, SESSION_EV_CLOSED);
    assert_int_equal(ev.u.closed.reason, SESSION_CLOSE_CONNECT);
    session_free(s);

    /* a server that accepts and never answers: no WELCOME within the timeout */
    lfd = srv_listen(&port);
    snprintf(addr, sizeof addr, "127.0.0.1:%u", (unsigned)port);
    cfg.connect_timeout_ms = 200;
    s = session_new(&cfg, NULL);
    uint64_t t0 = now_ms();
    assert_int_equal(session_connect(s, addr, t0), 0);
    int fd = srv_accept(s, lfd);
    ev = wait_ev(s);
    assert_int_equal(ev.type, SESSION_EV_CLOSED);
    assert_int_equal(ev.u.closed.reason, SESSION_CLOSE_CONNECT);
    assert_true(strstr(ev.u.closed.message, "WELCOME") != NULL);
    assert_true(now_ms() >= t0 + 200);
    session_free(s);
    close(fd);
    close(lfd);
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
        cmocka_unit_test(test_game_list),
        cmocka_unit_test(test_event_queue_full),
        cmocka_unit_test(test_handshake_timeout),
        cmocka_unit_test(test_output_buffer_bound),
        cmocka_unit_test(test_socket_game_reconnect_resume),
        cmocka_unit_test(test_socket_bad_token_and_fatal_error),
        cmocka_unit_test(test_socket_refused_and_silent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
