/* SPDX-License-Identifier: MIT */
/* test_srv_shutdown.c: the ends of tttd's capacity and life, on a real
 * server: SERVER_FULL with --max-clients 2 (a third connection gets ERROR 11
 * then EOF; welcomed or not, every open connection counts; a freed slot is
 * usable again), and graceful shutdown on SIGTERM and SIGINT (every live
 * game ends with GAME_OVER reason 6 to players and spectators, then every
 * client in every state gets ERROR SHUTTING_DOWN and EOF, and tttd exits
 * with status 0; a client that never closes does not keep it alive; a second
 * signal ends it at once). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <string.h>

#include "harness.h"

/* Teardown for tests that stop the server themselves. */
static int cleanup(void **state)
{
    (void)state;
    (void)th_server_stop(&th_srv);
    return 0;
}

static void expect_full(struct th_client *c)
{
    assert_int_equal(th_connect(c, th_srv.port), 0);
    th_expect_error(c, PROTO_ERR_SERVER_FULL);
    th_expect_eof(c, TH_TIMEOUT_MS);
    th_close(c);
}

static void server_full(void **state)
{
    (void)state;
    struct th_client a, b, c, d;
    th_hello(&b, th_srv.port, "bee");
    /* No HELLO: counts too (first, it would hold the one handshake that
     * half of --max-clients 2 allows, and b would be refused). */
    assert_int_equal(th_connect(&a, th_srv.port), 0);
    expect_full(&c);
    /* Even one that sends a good HELLO at once gets only the refusal. */
    assert_int_equal(th_connect(&c, th_srv.port), 0);
    static const uint8_t hello[] = { 0x01, 0x00, 0x09, 'T', 'T', 'T', 'P', 0x01, 0x03, 'c', 'a', 't' };
    (void)th_send_raw(&c, hello, sizeof hello); /* may fail once refused */
    th_expect_error(&c, PROTO_ERR_SERVER_FULL);
    th_expect_eof(&c, TH_TIMEOUT_MS);
    th_close(&c);
    /* The two admitted ones are not disturbed. */
    th_expect_silence(&b, 50);
    th_expect_lobby(&b);

    /* Free a slot: once the server has closed it, a newcomer gets in. */
    th_close(&a);
    assert_int_equal(th_server_wait_sockets(&th_srv, 2, TH_TIMEOUT_MS), 0); /* listener + b */
    th_hello(&d, th_srv.port, "dog");
    expect_full(&c);
    /* Two clients at the limit can play. */
    th_quick_match(&b);
    th_quick_match(&d);
    th_expect_start(&b, PROTO_MARK_X, "bee", "dog");
    th_expect_start(&d, PROTO_MARK_O, "bee", "dog");
    th_move(&b, &d, 0, 4);
    th_close(&b);
    th_close(&d);
}

/* After GAME_OVER reason 6 where it applies: ERROR SHUTTING_DOWN, then EOF. */
static void expect_shut(struct th_client *c, int in_game)
{
    if (in_game)
        th_expect_game_over(c, PROTO_MARK_NONE, PROTO_REASON_ABORTED, NULL);
    th_expect_error(c, PROTO_ERR_SHUTTING_DOWN);
    th_expect_eof(c, TH_TIMEOUT_MS);
    th_close(c);
}

static void shutdown_every_state(int sig)
{
    struct th_client x, o, s, lobby, queued, room, fresh, f1, f2;
    uint32_t id;
    th_pair(&x, &o, th_srv.port, "x", "o", &id);
    th_move(&x, &o, 0, 4);
    th_hello(&s, th_srv.port, "spectator");
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_SPECTATE;
    m.u.spectate.game_id = id;
    assert_int_equal(th_send(&s, &m), 0);
    th_expect(&s, PROTO_GAME_START, NULL);
    th_expect(&s, PROTO_STATE, NULL);
    th_pair(&f1, &f2, th_srv.port, "f1", "f2", NULL); /* a finished game */
    assert_int_equal(th_send_type(&f1, PROTO_RESIGN), 0);
    th_expect_game_over(&f1, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&f2, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_hello(&lobby, th_srv.port, "lobby");
    th_hello(&queued, th_srv.port, "queued");
    th_quick_match(&queued);
    th_hello(&room, th_srv.port, "room");
    char code[PROTO_CODE_LEN + 1];
    th_create_room(&room, code);
    assert_int_equal(th_connect(&fresh, th_srv.port), 0);
    th_expect_lobby(&lobby); /* a round trip: every connection is accepted */

    assert_int_equal(th_server_signal(&th_srv, sig), 0);
    expect_shut(&x, 1);
    expect_shut(&o, 1);
    expect_shut(&s, 1);
    expect_shut(&f1, 0);
    expect_shut(&f2, 0);
    expect_shut(&lobby, 0);
    expect_shut(&queued, 0);
    expect_shut(&room, 0);
    expect_shut(&fresh, 0);
    assert_int_equal(th_server_wait(&th_srv, 5000), 0);
    /* Nobody listens any more. */
    struct th_client late;
    assert_int_equal(th_connect(&late, th_srv.port), -1);
}

static void sigterm_ends_everything(void **state)
{
    (void)state;
    shutdown_every_state(SIGTERM);
}

static void sigint_ends_everything(void **state)
{
    (void)state;
    shutdown_every_state(SIGINT);
}

/* A client that neither reads nor closes cannot hold the server: it exits
 * (status 0) within the 2 s linger and its margin. */
static void stubborn_client_does_not_block_exit(void **state)
{
    (void)state;
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    th_close(&o); /* o goes; x stays open and silent */
    th_expect_opponent(&x, PROTO_OPP_DISCONNECTED, 20);
    int64_t t0 = th_now_ms();
    assert_int_equal(th_server_signal(&th_srv, SIGTERM), 0);
    assert_int_equal(th_server_wait(&th_srv, 6000), 0);
    assert_true(th_now_ms() - t0 >= 1500); /* it did wait for the client a while */
    /* What x was owed is in its socket. */
    expect_shut(&x, 1);
}

static void second_signal_exits_at_once(void **state)
{
    (void)state;
    struct th_client c;
    th_hello(&c, th_srv.port, "stays");
    assert_int_equal(th_server_signal(&th_srv, SIGTERM), 0);
    th_expect_error(&c, PROTO_ERR_SHUTTING_DOWN); /* the first signal was handled */
    int64_t t0 = th_now_ms();
    assert_int_equal(th_server_signal(&th_srv, SIGINT), 0);
    assert_int_equal(th_server_wait(&th_srv, 5000), 0);
    assert_true(th_now_ms() - t0 < 1500);
    th_close(&c);
}

static const char *const full_args[] = { "--max-clients", "2", NULL };

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_WITH(server_full, full_args),
        cmocka_unit_test_setup_teardown(sigterm_ends_everything, th_fixture_start, cleanup),
        cmocka_unit_test_setup_teardown(sigint_ends_everything, th_fixture_start, cleanup),
        cmocka_unit_test_setup_teardown(stubborn_client_does_not_block_exit, th_fixture_start, cleanup),
        cmocka_unit_test_setup_teardown(second_signal_exits_at_once, th_fixture_start, cleanup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
