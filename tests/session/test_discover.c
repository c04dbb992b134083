/* SPDX-License-Identifier: MIT */
/* test_discover.c: the client's list of servers (session/discover.c). On a
 * made-up clock with datagrams handed in: the rounds of queries and their
 * schedule; one entry per server however many of its addresses answer,
 * keeping the best address; what is dropped (another query's answer, a
 * QUERY, junk); a server forgotten after 3.5 s of silence; a full list.
 * Then on the real kernel: a responder on this machine answers the
 * queries, and the list holds it once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <string.h>
#include <time.h>

#include "addr_text.h"
#include "disc_answer.h"
#include "discover.h"
#include "discovery.h"
#include "udp.h"

#define QID 0x5EED1234u

static struct discover D;

static int setup(void **state)
{
    (void)state;
    discover_init(&D, 7778, QID, 1000);
    return 0;
}

static struct sockaddr_storage addr(const char *text, uint16_t port)
{
    struct sockaddr_storage ss = th_addr(text, port);
    assert_int_not_equal(ss.ss_family, 0);
    return ss;
}

/* Server `sid` answers from `from` at `now`: what discover_take says. */
static int heard(uint32_t sid, uint16_t tcp_port, uint32_t players, const char *from, uint64_t now)
{
    uint8_t d[DISC_DATAGRAM_MAX];
    size_t n = th_disc_answer(d, QID, sid, tcp_port, players, "box");
    struct sockaddr_storage ss = addr(from, 7778);
    return discover_take(&D, d, n, (struct sockaddr *)&ss, now);
}

/* A round at once, the next 300 ms later, then one a second. */
static void rounds_of_queries(void **state)
{
    (void)state;
    assert_int_equal(discover_next_deadline(&D), 1000);
    assert_int_equal(discover_tick(&D, 1000), 0);
    assert_int_equal(D.rounds, 1);
    assert_int_equal(discover_next_deadline(&D), 1300);
    discover_tick(&D, 1299);
    assert_int_equal(D.rounds, 1);
    discover_tick(&D, 1300);
    assert_int_equal(discover_next_deadline(&D), 2300);
    discover_tick(&D, 2300);
    assert_int_equal(D.rounds, 3);
    assert_int_equal(discover_next_deadline(&D), 3300);
}

/* A server answering from several addresses is listed once, at the best:
 * a network's IPv4 address over IPv6, IPv6 over link-local, all over
 * loopback; a worse one never replaces a better one. */
static void one_entry_per_server_best_address(void **state)
{
    (void)state;
    assert_int_equal(heard(7, 7777, 1, "127.0.0.1", 1000), 1);
    assert_int_equal(D.nservers, 1);
    assert_string_equal(D.servers[0].addr, "127.0.0.1:7777");
    assert_int_equal(D.servers[0].serial, 1);
    assert_int_equal(heard(7, 7777, 1, "fe80::1", 1000), 1);
    assert_string_equal(D.servers[0].addr, "[fe80::1%lo]:7777");
    assert_int_equal(heard(7, 7777, 1, "2001:db8::7", 1000), 1);
    assert_string_equal(D.servers[0].addr, "[2001:db8::7]:7777");
    assert_int_equal(heard(7, 7777, 1, "192.0.2.7", 1000), 1);
    assert_string_equal(D.servers[0].addr, "192.0.2.7:7777");
    assert_int_equal(heard(7, 7777, 1, "127.0.0.1", 1100), 0);
    assert_int_equal(heard(7, 7777, 1, "fe80::1", 1100), 0);
    assert_string_equal(D.servers[0].addr, "192.0.2.7:7777");
    assert_int_equal(D.servers[0].last_ms, 1100);
    /* Its facts change: the list changed. */
    assert_int_equal(heard(7, 7777, 2, "192.0.2.7", 1200), 1);
    assert_int_equal(D.servers[0].info.players, 2);
    /* The same id on another port is another server (two tttd started at
     * the same time cannot be told apart otherwise). */
    assert_int_equal(heard(7, 7800, 0, "192.0.2.7", 1200), 1);
    assert_int_equal(heard(8, 7777, 0, "192.0.2.7", 1200), 1);
    assert_int_equal(D.nservers, 3);
    assert_int_equal(D.servers[2].serial, 3);
    assert_int_equal(D.count.answers, 9);
    assert_int_equal(D.count.dropped, 0);
}

/* What is not an ANSWER to our queries is dropped and counted. */
static void other_datagrams_dropped(void **state)
{
    (void)state;
    uint8_t d[DISC_DATAGRAM_MAX + 1];
    struct sockaddr_storage from = addr("192.0.2.7", 7778);
    const struct sockaddr *sa = (const struct sockaddr *)&from;
    size_t n = th_disc_answer(d, QID + 1, 7, 7777, 0, "box");
    assert_int_equal(discover_take(&D, d, n, sa, 1000), 0);
    struct disc_msg q = {.type = DISC_QUERY, .id = QID};
    assert_int_equal(disc_encode(&q, d, sizeof d), DISC_QUERY_LEN);
    assert_int_equal(discover_take(&D, d, DISC_QUERY_LEN, sa, 1000), 0);
    memset(d, 'x', sizeof d);
    assert_int_equal(discover_take(&D, d, sizeof d, sa, 1000), 0);
    n = th_disc_answer(d, QID, 7, 7777, 0, "box");
    struct sockaddr other = {.sa_family = AF_UNIX};
    assert_int_equal(discover_take(&D, d, n, &other, 1000), 0);
    assert_int_equal(D.nservers, 0);
    assert_int_equal(D.count.dropped, 4);
}

/* A server not heard for 3.5 s leaves; the deadline says when. */
static void silent_servers_forgotten(void **state)
{
    (void)state;
    discover_tick(&D, 1000);
    assert_int_equal(heard(1, 7777, 0, "192.0.2.1", 1000), 1);
    assert_int_equal(discover_next_deadline(&D), 1300);
    assert_int_equal(discover_tick(&D, 1300), 0);
    assert_int_equal(heard(2, 7777, 0, "192.0.2.2", 2000), 1);
    assert_int_equal(discover_next_deadline(&D), 2300);
    assert_int_equal(discover_tick(&D, 2300), 0);
    assert_int_equal(discover_tick(&D, 3300), 0);
    assert_int_equal(discover_next_deadline(&D), 4300);
    assert_int_equal(discover_tick(&D, 4300), 0);
    assert_int_equal(discover_next_deadline(&D), 4500);
    assert_int_equal(discover_tick(&D, 4499), 0);
    assert_int_equal(discover_tick(&D, 4500), 1);
    assert_int_equal(D.nservers, 1);
    assert_int_equal(D.servers[0].info.server_id, 2);
    assert_int_equal(discover_tick(&D, 5500), 1);
    assert_int_equal(D.nservers, 0);
    /* It comes back: a new entry, a new serial. A clock read before the
     * ANSWER was taken (another thread's) does not make it stale. */
    assert_int_equal(heard(1, 7777, 0, "192.0.2.1", 6000), 1);
    assert_int_equal(D.servers[0].serial, 3);
    assert_int_equal(discover_tick(&D, 5999), 0);
    assert_int_equal(D.nservers, 1);
}

static void full_list(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < DISCOVER_SERVERS_MAX; i++)
        assert_int_equal(heard(100 + i, 7777, 0, "192.0.2.1", 1000), 1);
    assert_int_equal(heard(99, 7777, 0, "192.0.2.1", 1000), 0);
    assert_int_equal(D.count.left_out, 1);
    assert_int_equal(heard(100, 7777, 5, "192.0.2.1", 1000), 1); /* those listed still refresh */
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The real thing on this machine: a responder on a port of its own hears
 * the rounds (on loopback, and on every other interface) and answers each;
 * the list holds it once, with its facts. */
static void finds_a_responder_on_this_machine(void **state)
{
    (void)state;
    struct udp_socks r;
    char err[SOCK_ERR_LEN];
    assert_true(udp_open_responder(0, &r, err) >= 1);
    uint16_t port = udp_local_port(r.fd4);
    assert_int_equal(discover_open(&D, port, QID, now_ms(), err), 0);
    int fds[2], nfds = discover_fds(&D, fds), answered = 0;
    assert_true(nfds >= 1);
    uint64_t end = now_ms() + 700;
    while (now_ms() < end) {
        struct pollfd p[4] = {{.fd = r.fd4, .events = POLLIN}, {.fd = r.fd6, .events = POLLIN}};
        for (int i = 0; i < nfds; i++)
            p[2 + i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
        discover_tick(&D, now_ms());
        uint64_t wake = discover_next_deadline(&D);
        int wait = wake > now_ms() ? (int)(wake - now_ms()) : 0;
        assert_true(poll(p, (nfds_t)(2 + nfds), wait < 50 ? wait : 50) >= 0);
        for (int i = 0; i < 2; i++)
            if (p[i].fd >= 0 && (p[i].revents & POLLIN))
                answered += th_disc_answer_queries(p[i].fd, 42, 7777, 3, "live box");
        for (int i = 0; i < nfds; i++)
            if (p[2 + i].revents & POLLIN)
                discover_on_readable(&D, fds[i], now_ms());
    }
    assert_int_equal(D.rounds, 2); /* at once, then 300 ms later */
    assert_true(answered >= 2);
    assert_int_equal(D.nservers, 1);
    assert_int_equal(D.servers[0].info.server_id, 42);
    assert_string_equal(D.servers[0].info.name.s, "live box");
    assert_int_equal(D.servers[0].info.players, 3);
    assert_int_equal(D.count.answers, (uint64_t)answered);
    print_message("%d answers from %s\n", answered, D.servers[0].addr);
    discover_close(&D);
    udp_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(rounds_of_queries, setup),
        cmocka_unit_test_setup(one_entry_per_server_best_address, setup),
        cmocka_unit_test_setup(other_datagrams_dropped, setup),
        cmocka_unit_test_setup(silent_servers_forgotten, setup),
        cmocka_unit_test_setup(full_list, setup),
        cmocka_unit_test(finds_a_responder_on_this_machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
