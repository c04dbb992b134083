/* SPDX-License-Identifier: MIT */
/* test_srv_fairshare.c: one address cannot lock the others out of a real
 * tttd. Connections come from several loopback addresses (127.0.0.2,
 * 127.0.0.3, ...: Linux answers all of 127/8 without setup), each acting as
 * another client address. When the server is full, a newcomer from an
 * address with fewer connections takes the place of the fullest address's
 * newest connection before HELLO, else its newest (which gets ERROR
 * SERVER_FULL); a newcomer from the fullest address is refused. At most
 * half of --max-clients may wait for HELLO. --max-per-ip caps an address. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define MAX 10

/* Connect from `from` without HELLO. */
static void raw_from(struct th_client *c, const char *from)
{
    if (th_connect_from(c, th_srv.port, from) < 0)
        fail_msg("cannot connect from %s", from);
}

/* The server holds `n` client sockets (its listener aside), within 3 s. */
static void wait_clients(int n)
{
    assert_int_equal(th_server_wait_sockets(&th_srv, n + 1, 3000), 0);
}

/* `c` was refused or evicted: ERROR SERVER_FULL, then the end. */
static void expect_full(struct th_client *c)
{
    th_expect_error(c, PROTO_ERR_SERVER_FULL);
    th_expect_eof(c, 3000);
    th_close(c);
}

static void newcomer_takes_the_fullest_address_newest(void **state)
{
    (void)state;
    struct th_client hog[MAX], other, same, third;
    for (int i = 0; i < MAX; i++) {
        char name[16];
        snprintf(name, sizeof name, "hog%d", i);
        th_hello_from(&hog[i], th_srv.port, "127.0.0.2", name);
    }
    wait_clients(MAX);
    /* The address holding every connection cannot take one more. */
    raw_from(&same, "127.0.0.2");
    expect_full(&same);
    /* Another address can: the hog's newest connection gives way. */
    th_hello_from(&other, th_srv.port, "127.0.0.3", "other");
    expect_full(&hog[MAX - 1]);
    for (int i = 0; i < MAX - 1; i++)
        th_expect_silence(&hog[i], i ? 0 : 100);
    th_expect_lobby(&hog[0]);
    th_expect_lobby(&other);
    th_server_wait_log(&th_srv, "evicted: its address 127.0.0.2 holds the most connections");
    /* 9 against 1: a third address still finds a place, again the hog's. */
    th_hello_from(&third, th_srv.port, "127.0.0.4", "third");
    expect_full(&hog[MAX - 2]);
    for (int i = 0; i < MAX - 2; i++)
        th_close(&hog[i]);
    th_close(&other);
    th_close(&third);
}

static void before_hello_gives_way_first(void **state)
{
    (void)state;
    struct th_client welcomed[MAX - 2], waiting[2], other;
    for (int i = 0; i < MAX - 2; i++)
        th_hello_from(&welcomed[i], th_srv.port, "127.0.0.2", "w");
    raw_from(&waiting[0], "127.0.0.2");
    raw_from(&waiting[1], "127.0.0.2");
    wait_clients(MAX);
    th_hello_from(&other, th_srv.port, "127.0.0.3", "other");
    /* The newest of its connections still before HELLO, not its newest. */
    expect_full(&waiting[1]);
    th_expect_silence(&waiting[0], 100);
    th_expect_lobby(&welcomed[MAX - 3]);
    for (int i = 0; i < MAX - 2; i++)
        th_close(&welcomed[i]);
    th_close(&waiting[0]);
    th_close(&other);
}

/* A player evicted mid-game is a lost connection: its seat waits, and it
 * may come back from another address. */
static void evicted_player_may_resume(void **state)
{
    (void)state;
    struct th_client hog[MAX - 2], x, o, other, back;
    for (int i = 0; i < MAX - 2; i++)
        th_hello_from(&hog[i], th_srv.port, "127.0.0.2", "hog");
    th_hello_from(&x, th_srv.port, "127.0.0.2", "x"); /* its address's newest */
    th_hello_from(&o, th_srv.port, "127.0.0.3", "o");
    th_quick_match(&x);
    th_quick_match(&o);
    th_expect_start(&x, PROTO_MARK_X, "x", "o");
    th_expect_start(&o, PROTO_MARK_O, "x", "o");
    th_hello_from(&other, th_srv.port, "127.0.0.4", "other");
    expect_full(&x);
    th_expect_opponent(&o, PROTO_OPP_DISCONNECTED, o.grace_s);
    th_hello_from(&back, th_srv.port, "127.0.0.5", "back"); /* a hog gives way */
    expect_full(&hog[MAX - 3]);
    assert_int_equal(th_send_resume(&back, x.token), 0);
    th_expect_start(&back, PROTO_MARK_X, "x", "o");
    th_expect_opponent(&o, PROTO_OPP_RECONNECTED, 0);
    th_move(&back, &o, 0, 4);
    for (int i = 0; i < MAX - 3; i++)
        th_close(&hog[i]);
    th_close(&o);
    th_close(&other);
    th_close(&back);
}

static void handshakes_take_half_at_most(void **state)
{
    (void)state;
    struct th_client waiting[MAX / 2], more, other, ok[3];
    for (int i = 0; i < MAX / 2; i++)
        raw_from(&waiting[i], "127.0.0.2");
    wait_clients(MAX / 2);
    /* The server is half empty, but no more may wait for HELLO... */
    raw_from(&more, "127.0.0.2");
    expect_full(&more);
    th_server_wait_log(&th_srv, "too many connections waiting for HELLO");
    /* ...unless from an address with fewer: then the fullest gives one up. */
    raw_from(&other, "127.0.0.3");
    expect_full(&waiting[MAX / 2 - 1]);
    th_expect_silence(&other, 100);
    /* Connections that said HELLO do not count against it. */
    for (int i = 0; i < 3; i++)
        th_hello_from(&ok[i], th_srv.port, "127.0.0.4", "ok");
    for (int i = 0; i < MAX / 2 - 1; i++)
        th_close(&waiting[i]);
    th_close(&other);
    for (int i = 0; i < 3; i++)
        th_close(&ok[i]);
}

static void max_per_ip(void **state)
{
    (void)state;
    struct th_client mine[3], more, other;
    for (int i = 0; i < 3; i++)
        th_hello_from(&mine[i], th_srv.port, "127.0.0.2", "mine");
    raw_from(&more, "127.0.0.2");
    expect_full(&more);
    th_server_wait_log(&th_srv, "too many connections from your address");
    th_hello_from(&other, th_srv.port, "127.0.0.3", "other");
    /* One goes, and the address may come back. */
    th_close(&mine[0]);
    wait_clients(3);
    th_hello_from(&mine[0], th_srv.port, "127.0.0.2", "again");
    for (int i = 0; i < 3; i++)
        th_close(&mine[i]);
    th_close(&other);
}

static const char *const max_args[] = { "--max-clients", "10", NULL };
static const char *const per_ip_args[] = { "--max-per-ip", "3", NULL };

int main(void)
{
    th_ignore_sigpipe();
    const struct CMUnitTest tests[] = {
        TH_WITH(newcomer_takes_the_fullest_address_newest, max_args),
        TH_WITH(before_hello_gives_way_first, max_args),
        TH_WITH(evicted_player_may_resume, max_args),
        TH_WITH(handshakes_take_half_at_most, max_args),
        TH_WITH(max_per_ip, per_ip_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
