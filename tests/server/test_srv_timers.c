/* SPDX-License-Identifier: MIT */
/* test_srv_timers.c: every tttd timer against a real server run with
 * 1-second settings: the hello timeout (a silent or half-sent HELLO gets
 * ERROR TIMEOUT, then EOF), the heartbeat and idle timeout (PING after half
 * the idle time counted from the HELLO; PONGs keep a client alive; no
 * answer, or bytes that never complete a frame, get TIMEOUT; a player
 * dropped that way mid-game forfeits after the grace), the turn clock (the
 * mover loses with reason 4, ms_left within the turn time, the clock is per
 * turn) and the grace period (OPPONENT disconnected with grace_s, then a
 * forfeit won by the one who stayed; the turn clock keeps running
 * meanwhile). Each test starts its own server with the options it needs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "harness.h"

/* The next frame, PINGs included, within timeout_ms; fails on anything else. */
static void next_frame(struct th_client *c, struct proto_msg *m, int timeout_ms)
{
    int r = th_recv(c, m, timeout_ms);
    if (r != 1)
        fail_msg("expected a frame within %d ms, got %s", timeout_ms,
                 r == 0 ? "nothing" : r == -1 ? "EOF" : "a receive error");
}

static void expect_raw(struct th_client *c, uint8_t type, struct proto_msg *m, int timeout_ms)
{
    next_frame(c, m, timeout_ms);
    if (m->type != type) {
        char what[300];
        fail_msg("expected %s, got %s", proto_type_name(type), th_describe(m, what, sizeof what));
    }
}

static void send_pong(struct th_client *c, uint32_t nonce)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_PONG;
    m.u.ping.nonce = nonce;
    assert_int_equal(th_send(c, &m), 0);
}

/* ---- hello timeout ---- */

static void test_hello_timeout(void **state)
{
    (void)state;

    /* Silent: TIMEOUT after about a second, then EOF. */
    struct th_client a, b;
    int64_t t0 = th_now_ms();
    assert_int_equal(th_connect(&a, th_srv.port), 0);
    /* Half a HELLO (header and magic): not a complete frame, so no reprieve. */
    assert_int_equal(th_connect(&b, th_srv.port), 0);
    static const uint8_t half[] = { PROTO_HELLO, 0x00, 0x0a, 'T', 'T', 'T', 'P' };
    assert_int_equal(th_send_raw(&b, half, sizeof half), 0);

    th_expect_error(&a, PROTO_ERR_TIMEOUT);
    assert_true(th_now_ms() - t0 >= 900);
    th_expect_eof(&a, TH_TIMEOUT_MS);
    th_expect_error(&b, PROTO_ERR_TIMEOUT);
    th_expect_eof(&b, TH_TIMEOUT_MS);
    th_close(&a);
    th_close(&b);

    /* A HELLO in time is welcomed and stays (idle timeout is 30 s). */
    struct th_client c;
    th_hello(&c, th_srv.port, "punctual");
    th_sleep_ms(1300);
    assert_int_equal(th_send_type(&c, PROTO_LIST_GAMES), 0);
    th_expect(&c, PROTO_GAME_LIST, NULL);
    th_close(&c);
}

/* ---- heartbeat and idle timeout ---- */

static void test_idle_pongs_keep_alive(void **state)
{
    (void)state;
    struct th_client c;
    th_hello(&c, th_srv.port, "ponger");
    int64_t t0 = th_now_ms();
    struct proto_msg m;
    /* The first PING comes after half the idle time (1 s). */
    expect_raw(&c, PROTO_PING, &m, TH_TIMEOUT_MS);
    int64_t first = th_now_ms() - t0;
    assert_true(first >= 800);
    send_pong(&c, m.u.ping.nonce);
    /* Answering every PING for 5 s (2.5 idle timeouts) keeps it alive. */
    int pings = 1;
    while (th_now_ms() - t0 < 5000) {
        int r = th_recv(&c, &m, 300);
        if (r == 0)
            continue;
        if (r != 1 || m.type != PROTO_PING)
            fail_msg("a client answering PINGs got %s after %lld ms",
                     r == 1 ? proto_type_name(m.type) : "EOF or an error", (long long)(th_now_ms() - t0));
        send_pong(&c, m.u.ping.nonce);
        pings++;
    }
    assert_true(pings >= 3);
    assert_int_equal(th_send_type(&c, PROTO_LIST_GAMES), 0);
    th_expect(&c, PROTO_GAME_LIST, NULL);
    th_close(&c);
}

static void test_idle_timeout_no_answer(void **state)
{
    (void)state;
    struct th_client c;
    th_hello(&c, th_srv.port, "mute");
    int64_t t0 = th_now_ms();
    struct proto_msg m;
    expect_raw(&c, PROTO_PING, &m, TH_TIMEOUT_MS);
    /* Not answered: TIMEOUT once the whole idle time has passed, then EOF. */
    expect_raw(&c, PROTO_ERROR, &m, TH_TIMEOUT_MS);
    assert_int_equal(m.u.error.code, PROTO_ERR_TIMEOUT);
    assert_true(th_now_ms() - t0 >= 1800);
    th_expect_eof(&c, TH_TIMEOUT_MS);
    th_close(&c);
}

/* The heartbeat starts from the HELLO, whatever the hello timeout: with the
 * default 5 s hello timeout and a 2 s idle timeout, PING after 1 s, TIMEOUT
 * after 2 s (not the hello deadline). */
static void test_idle_heartbeat_after_hello(void **state)
{
    (void)state;
    struct th_client c;
    th_hello(&c, th_srv.port, "early");
    int64_t t0 = th_now_ms();
    struct proto_msg m;
    expect_raw(&c, PROTO_PING, &m, 1900);
    expect_raw(&c, PROTO_ERROR, &m, TH_TIMEOUT_MS);
    assert_int_equal(m.u.error.code, PROTO_ERR_TIMEOUT);
    int64_t t = th_now_ms() - t0;
    assert_true(t >= 1800 && t < 3500);
    th_expect_eof(&c, TH_TIMEOUT_MS);
    th_close(&c);
}

static void test_idle_trickle_is_not_activity(void **state)
{
    (void)state;
    struct th_client c;
    th_hello(&c, th_srv.port, "trickler");
    int64_t t0 = th_now_ms();
    /* Six of a PING's seven bytes, one every 400 ms: never a whole frame. */
    static const uint8_t ping[] = { PROTO_PING, 0x00, 0x04, 1, 2, 3 };
    size_t sent = 0;
    int got_error = 0;
    struct proto_msg m;
    while (!got_error && th_now_ms() - t0 < 5000) {
        if (sent < sizeof ping) {
            (void)th_send_raw(&c, ping + sent, 1); /* may fail once the server gave up */
            sent++;
        }
        int r = th_recv(&c, &m, 400);
        if (r == 0 || (r == 1 && m.type == PROTO_PING))
            continue;
        if (r != 1 || m.type != PROTO_ERROR)
            fail_msg("a trickling client got %s", r == 1 ? proto_type_name(m.type) : "EOF or an error");
        assert_int_equal(m.u.error.code, PROTO_ERR_TIMEOUT);
        got_error = 1;
    }
    assert_true(got_error);
    int64_t t = th_now_ms() - t0;
    assert_true(t >= 1800 && t < 4000);
    th_expect_eof(&c, TH_TIMEOUT_MS);
    th_close(&c);
}

/* ---- turn clock ---- */

static void test_turn_timeout(void **state)
{
    (void)state;

    /* X does nothing: O wins on time; a spectator sees the clock and the end. */
    struct th_client x, o, w;
    uint32_t id;
    th_pair(&x, &o, th_srv.port, "xslow", "ofast", &id);
    assert_int_equal(x.turn_s, 1);
    th_hello(&w, th_srv.port, "watcher");
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_SPECTATE;
    m.u.spectate.game_id = id;
    assert_int_equal(th_send(&w, &m), 0);
    th_expect(&w, PROTO_GAME_START, &m);
    assert_int_equal(m.u.game_start.you, PROTO_SPECTATOR);
    th_expect(&w, PROTO_STATE, &m);
    assert_int_equal(m.u.state.to_move, PROTO_MARK_X);
    assert_true(m.u.state.ms_left <= 1000);
    th_expect_game_over(&x, PROTO_MARK_O, PROTO_REASON_TIMEOUT, NULL);
    th_expect_game_over(&o, PROTO_MARK_O, PROTO_REASON_TIMEOUT, NULL);
    th_expect_game_over(&w, PROTO_MARK_O, PROTO_REASON_TIMEOUT, NULL);
    /* The game is over: a late move is refused. */
    assert_int_equal(th_send_move(&x, 0, 4), 0);
    th_expect_error(&x, PROTO_ERR_UNEXPECTED);
    th_close(&x);
    th_close(&o);
    th_close(&w);

    /* X moves, then O does nothing: X wins on time. */
    th_pair(&x, &o, th_srv.port, "xquick", "oslow", NULL);
    assert_int_equal(th_send_move(&x, 0, 4), 0);
    th_expect(&x, PROTO_MOVED, &m);
    assert_true(m.u.moved.ms_left > 0 && m.u.moved.ms_left <= 1000);
    th_expect(&o, PROTO_MOVED, &m);
    assert_true(m.u.moved.ms_left > 0 && m.u.moved.ms_left <= 1000);
    th_expect_game_over(&o, PROTO_MARK_X, PROTO_REASON_TIMEOUT, NULL);
    th_expect_game_over(&x, PROTO_MARK_X, PROTO_REASON_TIMEOUT, NULL);
    th_close(&x);
    th_close(&o);
}

static void test_turn_clock_is_per_turn(void **state)
{
    (void)state;
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    /* Each move takes 1.1 s of a 2 s turn: 3.3 s in all, no timeout. */
    static const uint8_t cells[] = { 4, 0, 8 };
    for (uint8_t ply = 0; ply < 3; ply++) {
        th_sleep_ms(1100);
        struct th_client *mover = ply % 2 ? &o : &x, *other = ply % 2 ? &x : &o;
        th_move(mover, other, ply, cells[ply]);
    }
    /* Then O runs out: X wins on time. */
    th_expect_game_over(&x, PROTO_MARK_X, PROTO_REASON_TIMEOUT, NULL);
    th_expect_game_over(&o, PROTO_MARK_X, PROTO_REASON_TIMEOUT, NULL);
    th_close(&x);
    th_close(&o);
}

/* ---- grace period ---- */

/* `leaver` (X if leave_x) drops after X's first move; the other wins by forfeit. */
static void forfeit_case(uint16_t port, int leave_x)
{
    struct th_client x, o;
    th_pair(&x, &o, port, "xg", "og", NULL);
    th_move(&x, &o, 0, 4);
    struct th_client *leaver = leave_x ? &x : &o, *stayer = leave_x ? &o : &x;
    th_close(leaver);
    int64_t t0 = th_now_ms();
    th_expect_opponent(stayer, PROTO_OPP_DISCONNECTED, 1);
    uint8_t winner = leave_x ? PROTO_MARK_O : PROTO_MARK_X;
    th_expect_game_over(stayer, winner, PROTO_REASON_FORFEIT, NULL);
    assert_true(th_now_ms() - t0 >= 800);
    /* The one who left is gone for good: no rematch. */
    th_expect_opponent(stayer, PROTO_OPP_LEFT, 0);
    assert_int_equal(th_send_type(stayer, PROTO_REMATCH), 0);
    th_expect_error(stayer, PROTO_ERR_UNEXPECTED);
    th_close(stayer);
}

static void test_grace_forfeit(void **state)
{
    (void)state;
    forfeit_case(th_srv.port, 0); /* the player to move drops */
    forfeit_case(th_srv.port, 1); /* the player waiting drops */
}

/* A player who stops answering PINGs mid-game is dropped for idleness, and
 * that is a lost connection like any other: OPPONENT disconnected, grace,
 * forfeit. (The opponent's PINGs are answered by th_expect.) */
static void test_idle_player_forfeits(void **state)
{
    (void)state;
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "xasleep", "oawake", NULL);
    th_move(&x, &o, 0, 4);
    th_expect_opponent(&o, PROTO_OPP_DISCONNECTED, 1);
    th_expect_game_over(&o, PROTO_MARK_O, PROTO_REASON_FORFEIT, NULL);
    th_expect_opponent(&o, PROTO_OPP_LEFT, 0);
    /* What the sleeper finds when it wakes: a PING, TIMEOUT, EOF. */
    struct proto_msg m;
    expect_raw(&x, PROTO_PING, &m, TH_TIMEOUT_MS);
    expect_raw(&x, PROTO_ERROR, &m, TH_TIMEOUT_MS);
    assert_int_equal(m.u.error.code, PROTO_ERR_TIMEOUT);
    th_expect_eof(&x, TH_TIMEOUT_MS);
    th_close(&x);
    th_close(&o);
}

static void test_turn_clock_runs_during_grace(void **state)
{
    (void)state;
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "xgone", "ostays", NULL);
    th_close(&x); /* X, to move, drops: its clock runs out before the grace */
    th_expect_opponent(&o, PROTO_OPP_DISCONNECTED, 10);
    th_expect_game_over(&o, PROTO_MARK_O, PROTO_REASON_TIMEOUT, NULL);
    th_close(&o);
}

/* Server options per test: 1-second timers where the test waits for one. */
static const char *const hello_1s[] = { "--hello-timeout", "1", NULL };
static const char *const idle_2s[] = { "--hello-timeout", "1", "--idle-timeout", "2", NULL };
static const char *const idle_2s_hello_5s[] = { "--idle-timeout", "2", NULL };
static const char *const turn_1s[] = { "--turn-time", "1", NULL };
static const char *const turn_2s[] = { "--turn-time", "2", NULL };
static const char *const grace_1s[] = { "--grace", "1", "--turn-time", "20", NULL };
static const char *const idle_2s_grace_1s[] = { "--hello-timeout", "1", "--idle-timeout", "2", "--grace", "1", NULL };
static const char *const grace_10s_turn_1s[] = { "--grace", "10", "--turn-time", "1", NULL };

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_WITH(test_hello_timeout, hello_1s),
        TH_WITH(test_idle_pongs_keep_alive, idle_2s),
        TH_WITH(test_idle_timeout_no_answer, idle_2s),
        TH_WITH(test_idle_heartbeat_after_hello, idle_2s_hello_5s),
        TH_WITH(test_idle_trickle_is_not_activity, idle_2s),
        TH_WITH(test_turn_timeout, turn_1s),
        TH_WITH(test_turn_clock_is_per_turn, turn_2s),
        TH_WITH(test_grace_forfeit, grace_1s),
        TH_WITH(test_idle_player_forfeits, idle_2s_grace_1s),
        TH_WITH(test_turn_clock_runs_during_grace, grace_10s_turn_1s),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
