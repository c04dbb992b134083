/* SPDX-License-Identifier: MIT */
/* test_srv_resume.c: taking a seat back with RESUME against a real tttd:
 * after a dropped connection within the grace period (the STATE shows the
 * board as it is now, moves made meanwhile included; the opponent hears
 * OPPONENT reconnected; the game goes on to its end; the seat keeps its
 * first token), both players away and back, a takeover while the old
 * connection is still open (ERROR REPLACED and EOF for it, silence for the
 * opponent), and BAD_TOKEN (not fatal) for tokens that are not a seat in a
 * live game: unknown, a fresh WELCOME's, a finished game's, a forfeited
 * game's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "harness.h"

/* RESUME must give GAME_START (id, you, names) and this STATE. */
static void expect_seat(struct th_client *c, uint32_t id, uint8_t you, const char *xname, const char *oname,
                        uint8_t ply, const uint8_t cells[PROTO_CELLS], uint8_t to_move, uint32_t turn_ms)
{
    struct proto_msg m;
    th_expect(c, PROTO_GAME_START, &m);
    assert_int_equal(m.u.game_start.game_id, id);
    assert_int_equal(m.u.game_start.you, you);
    assert_string_equal(m.u.game_start.x_name.s, xname);
    assert_string_equal(m.u.game_start.o_name.s, oname);
    th_expect(c, PROTO_STATE, &m);
    assert_int_equal(m.u.state.game_id, id);
    assert_int_equal(m.u.state.ply, ply);
    assert_memory_equal(m.u.state.cells, cells, PROTO_CELLS);
    assert_int_equal(m.u.state.to_move, to_move);
    assert_true(m.u.state.ms_left > 0 && m.u.state.ms_left <= turn_ms);
}

static void test_resume_within_grace(void **state)
{
    (void)state;
    struct th_client x, o, x2, x3;
    uint32_t id;
    th_pair(&x, &o, th_srv.port, "xavier", "olga", &id);
    uint8_t seat_token[PROTO_TOKEN_LEN];
    memcpy(seat_token, x.token, sizeof seat_token);
    static const uint8_t first[] = { 0, 4, 1 };
    th_play(&x, &o, 0, first, sizeof first);

    /* X drops; O hears it and moves meanwhile (only O sees MOVED). */
    th_close(&x);
    th_expect_opponent(&o, PROTO_OPP_DISCONNECTED, 10);
    assert_int_equal(th_send_move(&o, 3, 2), 0);
    struct proto_msg m;
    th_expect(&o, PROTO_MOVED, &m);
    assert_int_equal(m.u.moved.cell, 2);

    /* X comes back from a new connection with the first WELCOME's token. */
    th_hello(&x2, th_srv.port, "xavier");
    assert_int_equal(th_send_resume(&x2, seat_token), 0);
    static const uint8_t cells4[PROTO_CELLS] = { 1, 1, 2, 0, 2, 0, 0, 0, 0 };
    expect_seat(&x2, id, PROTO_MARK_X, "xavier", "olga", 4, cells4, PROTO_MARK_X, 30000);
    th_expect_opponent(&o, PROTO_OPP_RECONNECTED, 0);

    /* Drop again: the new connection's own WELCOME token is no seat, the
     * first token still is. */
    th_close(&x2);
    th_expect_opponent(&o, PROTO_OPP_DISCONNECTED, 10);
    th_hello(&x3, th_srv.port, "xavier");
    assert_int_equal(th_send_resume(&x3, x2.token), 0);
    th_expect_error(&x3, PROTO_ERR_BAD_TOKEN);
    assert_int_equal(th_send_resume(&x3, seat_token), 0);
    expect_seat(&x3, id, PROTO_MARK_X, "xavier", "olga", 4, cells4, PROTO_MARK_X, 30000);
    th_expect_opponent(&o, PROTO_OPP_RECONNECTED, 0);

    /* The game goes on to its end: O completes 2-4-6. */
    static const uint8_t last[] = { 3, 6 };
    th_play(&x3, &o, 4, last, sizeof last);
    static const uint8_t line[3] = { 2, 4, 6 };
    th_expect_game_over(&x3, PROTO_MARK_O, PROTO_REASON_LINE, line);
    th_expect_game_over(&o, PROTO_MARK_O, PROTO_REASON_LINE, line);
    th_close(&x3);
    th_close(&o);
}

static void test_resume_o_seat(void **state)
{
    (void)state;
    struct th_client x, o, o2;
    uint32_t id;
    th_pair(&x, &o, th_srv.port, "xena", "oscar", &id);
    th_move(&x, &o, 0, 8);
    /* O, to move, drops and comes back; its clock is still running. */
    th_close(&o);
    th_expect_opponent(&x, PROTO_OPP_DISCONNECTED, 10);
    th_hello(&o2, th_srv.port, "oscar2");
    assert_int_equal(th_send_resume(&o2, o.token), 0);
    static const uint8_t cells1[PROTO_CELLS] = { 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    expect_seat(&o2, id, PROTO_MARK_O, "xena", "oscar", 1, cells1, PROTO_MARK_O, 30000);
    th_expect_opponent(&x, PROTO_OPP_RECONNECTED, 0);
    th_move(&o2, &x, 1, 4);
    /* X resigns: O (the resumed seat) wins. */
    assert_int_equal(th_send_type(&x, PROTO_RESIGN), 0);
    th_expect_game_over(&x, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&o2, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_close(&x);
    th_close(&o2);
}

static void test_both_away(void **state)
{
    (void)state;
    struct th_client x, o, x2, o2;
    uint32_t id;
    th_pair(&x, &o, th_srv.port, "xboth", "oboth", &id);
    static const uint8_t first[] = { 0, 4 };
    th_play(&x, &o, 0, first, sizeof first);
    th_close(&x);
    th_expect_opponent(&o, PROTO_OPP_DISCONNECTED, 10);
    th_close(&o);

    /* X returns while O is still away, and moves. */
    th_hello(&x2, th_srv.port, "xboth");
    assert_int_equal(th_send_resume(&x2, x.token), 0);
    static const uint8_t cells2[PROTO_CELLS] = { 1, 0, 0, 0, 2, 0, 0, 0, 0 };
    expect_seat(&x2, id, PROTO_MARK_X, "xboth", "oboth", 2, cells2, PROTO_MARK_X, 30000);
    /* ... and is told O is away, with what is left of O's 10 s grace. */
    struct proto_msg m;
    th_expect(&x2, PROTO_OPPONENT, &m);
    assert_int_equal(m.u.opponent.event, PROTO_OPP_DISCONNECTED);
    assert_in_range(m.u.opponent.grace_s, 1, 10);
    assert_int_equal(th_send_move(&x2, 2, 1), 0);
    th_expect(&x2, PROTO_MOVED, &m);
    assert_int_equal(m.u.moved.cell, 1);

    /* O returns: X hears it; the game is played out to a draw. */
    th_hello(&o2, th_srv.port, "oboth");
    assert_int_equal(th_send_resume(&o2, o.token), 0);
    static const uint8_t cells3[PROTO_CELLS] = { 1, 1, 0, 0, 2, 0, 0, 0, 0 };
    expect_seat(&o2, id, PROTO_MARK_O, "xboth", "oboth", 3, cells3, PROTO_MARK_O, 30000);
    th_expect_opponent(&x2, PROTO_OPP_RECONNECTED, 0);
    static const uint8_t rest[] = { 2, 6, 3, 5, 7, 8 };
    th_play_to_draw(&x2, &o2, 3, rest, sizeof rest);
    th_close(&x2);
    th_close(&o2);
}

static void test_takeover(void **state)
{
    (void)state;
    struct th_client x, o, x2;
    uint32_t id;
    th_pair(&x, &o, th_srv.port, "xold", "ostay", &id);
    th_move(&x, &o, 0, 4);
    /* A player cannot RESUME from the seat it is in (not a lobby request). */
    assert_int_equal(th_send_resume(&x, x.token), 0);
    th_expect_error(&x, PROTO_ERR_UNEXPECTED);
    th_expect_silence(&o, 100);

    /* A second connection RESUMEs X's seat while X is still connected. */
    th_hello(&x2, th_srv.port, "xnew");
    assert_int_equal(th_send_resume(&x2, x.token), 0);
    static const uint8_t cells1[PROTO_CELLS] = { 0, 0, 0, 0, 1, 0, 0, 0, 0 };
    expect_seat(&x2, id, PROTO_MARK_X, "xold", "ostay", 1, cells1, PROTO_MARK_O, 30000);
    th_expect_error(&x, PROTO_ERR_REPLACED);
    th_expect_eof(&x, TH_TIMEOUT_MS);
    th_close(&x);
    /* The seat was never empty: the opponent hears nothing. */
    th_expect_silence(&o, 300);

    /* The new connection plays the seat. */
    static const uint8_t rest[] = { 0, 2, 6, 3, 5, 1, 7, 8 }; /* a draw */
    th_play_to_draw(&x2, &o, 1, rest, sizeof rest);
    th_close(&x2);
    th_close(&o);
}

static void test_bad_tokens(void **state)
{
    (void)state;

    /* Unknown token, and one's own fresh WELCOME token: BAD_TOKEN, not fatal. */
    struct th_client c;
    th_hello(&c, th_srv.port, "guesser");
    uint8_t unknown[PROTO_TOKEN_LEN];
    memset(unknown, 0xab, sizeof unknown);
    assert_int_equal(th_send_resume(&c, unknown), 0);
    th_expect_error(&c, PROTO_ERR_BAD_TOKEN);
    th_expect_lobby(&c);
    assert_int_equal(th_send_resume(&c, c.token), 0);
    th_expect_error(&c, PROTO_ERR_BAD_TOKEN);
    th_expect_lobby(&c);

    /* A finished game's seats (both players still at it): BAD_TOKEN, and
     * the players are left alone. */
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "xres", "owin", NULL);
    assert_int_equal(th_send_type(&x, PROTO_RESIGN), 0);
    th_expect_game_over(&x, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&o, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    assert_int_equal(th_send_resume(&c, x.token), 0);
    th_expect_error(&c, PROTO_ERR_BAD_TOKEN);
    assert_int_equal(th_send_resume(&c, o.token), 0);
    th_expect_error(&c, PROTO_ERR_BAD_TOKEN);
    th_expect_silence(&x, 200);
    th_expect_silence(&o, 200);
    th_expect_lobby(&c);

    /* A game won by a line, the loser gone: its token is dead too. */
    struct th_client x2, o2;
    th_pair(&x2, &o2, th_srv.port, "xline", "oline", NULL);
    static const uint8_t moves[] = { 0, 3, 1, 4, 2 };
    th_play(&x2, &o2, 0, moves, sizeof moves);
    static const uint8_t top[3] = { 0, 1, 2 };
    th_expect_game_over(&x2, PROTO_MARK_X, PROTO_REASON_LINE, top);
    th_expect_game_over(&o2, PROTO_MARK_X, PROTO_REASON_LINE, top);
    th_close(&o2);
    th_expect_opponent(&x2, PROTO_OPP_LEFT, 0);
    assert_int_equal(th_send_resume(&c, o2.token), 0);
    th_expect_error(&c, PROTO_ERR_BAD_TOKEN);
    th_expect_lobby(&c);
    th_close(&x);
    th_close(&o);
    th_close(&x2);
    th_close(&c);
}

static void test_forfeited_token(void **state)
{
    (void)state;
    struct th_client x, o, c;
    th_pair(&x, &o, th_srv.port, "xquit", "owait", NULL);
    th_close(&x);
    th_expect_opponent(&o, PROTO_OPP_DISCONNECTED, 1);
    struct proto_msg m;
    th_expect(&o, PROTO_GAME_OVER, &m);
    assert_int_equal(m.u.game_over.winner, PROTO_MARK_O);
    assert_int_equal(m.u.game_over.reason, PROTO_REASON_FORFEIT);
    /* Too late: the forfeited seat's token is no seat any more. */
    th_hello(&c, th_srv.port, "xquit");
    assert_int_equal(th_send_resume(&c, x.token), 0);
    th_expect_error(&c, PROTO_ERR_BAD_TOKEN);
    th_expect_lobby(&c);
    th_close(&c);
    th_close(&o);
}

static const char *const grace_10s[] = { "--grace", "10", "--turn-time", "30", NULL };
static const char *const grace_1s[] = { "--grace", "1", NULL };

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_WITH(test_resume_within_grace, grace_10s),
        TH_WITH(test_resume_o_seat, grace_10s),
        TH_WITH(test_both_away, grace_10s),
        TH_WITH(test_takeover, grace_10s),
        TH_WITH(test_bad_tokens, grace_10s),
        TH_WITH(test_forfeited_token, grace_1s),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
