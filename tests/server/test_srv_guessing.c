/* SPDX-License-Identifier: MIT */
/* test_srv_guessing.c: guessing private rooms does not pay, on a real tttd.
 * Failed JOIN_ROOM and RESUME cost their source address (loopback
 * addresses 127.0.0.2, 127.0.0.3, ... act as several): 10 at once, then 10
 * a minute; past that the next JOIN_ROOM or RESUME from that address gets
 * ERROR SLOW_DOWN (fatal), even with the right code, also on a new
 * connection, while other addresses are not slowed; one log line names the
 * address and the count. A room nobody joins closes after --room-time: its
 * creator gets NO_SUCH_ROOM (not fatal) and is back in the lobby. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* A room code no room has: the open room's own, its first letter changed. */
static void wrong_code(const char *code, char out[PROTO_CODE_LEN + 1])
{
    memcpy(out, code, PROTO_CODE_LEN + 1);
    out[0] = out[0] == 'A' ? 'B' : 'A';
}

/* How many times the server's log holds `what`. */
static int log_count(const char *what)
{
    char *log = th_server_stderr(&th_srv);
    assert_non_null(log);
    int n = 0;
    for (const char *p = log; (p = strstr(p, what)); p++)
        n++;
    free(log);
    return n;
}

/* The log holds `what` exactly n times, once its writer thread has caught
 * up (within 3 s). */
static void expect_log_count(const char *what, int n)
{
    for (int tries = 0; tries < 300 && log_count(what) < n; tries++)
        th_sleep_ms(10);
    assert_int_equal(log_count(what), n);
}

static void wrong_guesses_cost_the_address(void **state)
{
    (void)state;
    struct th_client host, guesser, again, friend;
    char code[PROTO_CODE_LEN + 1], wrong[PROTO_CODE_LEN + 1];
    th_hello_from(&host, th_srv.port, "127.0.0.2", "host");
    th_create_room(&host, code);
    wrong_code(code, wrong);

    th_hello_from(&guesser, th_srv.port, "127.0.0.3", "guesser");
    uint8_t token[PROTO_TOKEN_LEN];
    memset(token, 0x5a, sizeof token);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(th_send_join(&guesser, wrong), 0);
        th_expect_error(&guesser, PROTO_ERR_NO_SUCH_ROOM);
        assert_int_equal(th_send_resume(&guesser, token), 0);
        th_expect_error(&guesser, PROTO_ERR_BAD_TOKEN);
    }
    /* The eleventh try is refused, right code or not, and it is fatal. */
    assert_int_equal(th_send_join(&guesser, code), 0);
    th_expect_error(&guesser, PROTO_ERR_SLOW_DOWN);
    th_expect_eof(&guesser, 3000);
    th_close(&guesser);
    /* A new connection from that address is no better off. */
    th_hello_from(&again, th_srv.port, "127.0.0.3", "again");
    th_expect_lobby(&again); /* other requests are still answered */
    assert_int_equal(th_send_resume(&again, token), 0);
    th_expect_error(&again, PROTO_ERR_SLOW_DOWN);
    th_close(&again);
    expect_log_count("127.0.0.3: 10 failed room codes or RESUME tokens, 1 more refused", 1);

    /* Another address is not slowed: the friend joins. */
    th_hello_from(&friend, th_srv.port, "127.0.0.4", "friend");
    assert_int_equal(th_send_join(&friend, code), 0);
    th_expect_start(&host, PROTO_MARK_X, "host", "friend");
    th_expect_start(&friend, PROTO_MARK_O, "host", "friend");
    th_close(&host);
    th_close(&friend);
}

/* One token comes back every 6 s; refusals are logged once a minute. */
static void budget_refills(void **state)
{
    (void)state;
    struct th_client c;
    char wrong[PROTO_CODE_LEN + 1] = "AAAAAA";
    th_hello_from(&c, th_srv.port, "127.0.0.5", "patient");
    for (int i = 0; i < 10; i++) {
        assert_int_equal(th_send_join(&c, wrong), 0);
        th_expect_error(&c, PROTO_ERR_NO_SUCH_ROOM);
    }
    th_close(&c);
    for (int i = 0; i < 3; i++) {
        th_hello_from(&c, th_srv.port, "127.0.0.5", "patient");
        assert_int_equal(th_send_join(&c, wrong), 0);
        th_expect_error(&c, PROTO_ERR_SLOW_DOWN);
        th_close(&c);
    }
    expect_log_count("127.0.0.5: 10 failed room codes", 1);
    th_sleep_ms(6200);
    th_hello_from(&c, th_srv.port, "127.0.0.5", "patient");
    assert_int_equal(th_send_join(&c, wrong), 0);
    th_expect_error(&c, PROTO_ERR_NO_SUCH_ROOM);
    assert_int_equal(th_send_join(&c, wrong), 0);
    th_expect_error(&c, PROTO_ERR_SLOW_DOWN);
    th_close(&c);
    expect_log_count("127.0.0.5: 10 failed room codes", 1);
}

/* Right codes and tokens cost nothing. */
static void right_guesses_are_free(void **state)
{
    (void)state;
    for (int i = 0; i < 15; i++) {
        struct th_client host, friend;
        char code[PROTO_CODE_LEN + 1];
        th_hello_from(&host, th_srv.port, "127.0.0.6", "host");
        th_create_room(&host, code);
        th_hello_from(&friend, th_srv.port, "127.0.0.6", "friend");
        assert_int_equal(th_send_join(&friend, code), 0);
        th_expect_start(&host, PROTO_MARK_X, "host", "friend");
        th_expect_start(&friend, PROTO_MARK_O, "host", "friend");
        th_close(&host);
        th_expect_opponent(&friend, PROTO_OPP_DISCONNECTED, friend.grace_s);
        struct th_client back;
        th_hello_from(&back, th_srv.port, "127.0.0.6", "back");
        assert_int_equal(th_send_resume(&back, host.token), 0);
        th_expect_start(&back, PROTO_MARK_X, "host", "friend");
        th_close(&back);
        th_close(&friend);
    }
}

static void room_closes_after_room_time(void **state)
{
    (void)state;
    struct th_client host, late;
    char code[PROTO_CODE_LEN + 1];
    th_hello(&host, th_srv.port, "host");
    int64_t t0 = th_now_ms();
    th_create_room(&host, code);
    th_expect_error(&host, PROTO_ERR_NO_SUCH_ROOM);
    int64_t waited = th_now_ms() - t0;
    assert_true(waited >= 900 && waited < 2900);
    /* Not fatal: the creator is back in the lobby and may play on. */
    th_expect_lobby(&host);
    th_hello(&late, th_srv.port, "late");
    assert_int_equal(th_send_join(&late, code), 0);
    th_expect_error(&late, PROTO_ERR_NO_SUCH_ROOM);
    th_quick_match(&host);
    th_quick_match(&late);
    th_expect_start(&host, PROTO_MARK_X, "host", "late");
    th_expect_start(&late, PROTO_MARK_O, "host", "late");
    th_close(&host);
    th_close(&late);
}

static const char *const room_args[] = { "--room-time", "1", NULL };

int main(void)
{
    th_ignore_sigpipe();
    const struct CMUnitTest tests[] = {
        TH_WITH(wrong_guesses_cost_the_address, NULL),
        TH_WITH(budget_refills, NULL),
        TH_WITH(right_guesses_are_free, NULL),
        TH_WITH(room_closes_after_room_time, room_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
