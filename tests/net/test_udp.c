/* SPDX-License-Identifier: MIT */
/* test_udp.c: the datagram sockets of net/udp.c against the real kernel:
 * three responders share one port and each gets its own copy of every
 * query broadcast on loopback (and multicast to ff02::1 on this machine's
 * interfaces, where it has one with IPv6), while a unicast datagram goes to
 * one of them only; the answers come back to the querier; a port held by
 * a socket that does not share it is refused with a clear reason and
 * nothing left open; the query targets; receiving (nothing waiting, a
 * datagram cut to the buffer, an error left by an earlier send skipped);
 * where a datagram arrived (its destination, the local address, the
 * interface) and an answer from a chosen address; the interface of a local
 * address. tests/net/udp_lan.sh shows the same across a link between two network
 * namespaces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "addr_text.h"
#include "open_fds.h"
#include "sock.h"
#include "udp.h"

#define RESPONDERS 3
#define TARGETS_MAX 64

static void assert_nonblocking_cloexec(int fd)
{
    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

/* Wait up to 200 ms for fd to be readable: 1 when it is. */
static int readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 200) == 1;
}

/* Every datagram waiting on fd (waiting a little for the first ones): how
 * many; each sender's address goes to from[] (up to max). */
static int drain(int fd, struct sockaddr_storage *from, socklen_t *fromlen, int max)
{
    char buf[128];
    int n = 0;
    while (readable(fd)) {
        struct sockaddr_storage ss;
        socklen_t len;
        while (udp_recv(fd, buf, sizeof buf, &ss, &len) >= 0) {
            if (n < max) {
                from[n] = ss;
                fromlen[n] = len;
            }
            n++;
        }
        assert_int_equal(errno, EAGAIN);
    }
    return n;
}

/* Three responders on one port the kernel picks. */
static uint16_t open_three(struct udp_socks r[RESPONDERS])
{
    char err[SOCK_ERR_LEN] = "";
    int n = udp_open_responder(0, &r[0], err);
    if (n < 0)
        fail_msg("responder: %s", err);
    uint16_t port = udp_local_port(r[0].fd4 >= 0 ? r[0].fd4 : r[0].fd6);
    assert_int_not_equal(port, 0);
    for (int i = 1; i < RESPONDERS; i++) {
        if (udp_open_responder(port, &r[i], err) != n)
            fail_msg("responder %d on port %u: %s", i, (unsigned)port, err);
    }
    for (int i = 0; i < RESPONDERS; i++) {
        assert_true(r[i].fd4 >= 0);
        assert_nonblocking_cloexec(r[i].fd4);
        assert_int_equal(udp_local_port(r[i].fd4), port);
        if (r[i].fd6 >= 0) {
            assert_nonblocking_cloexec(r[i].fd6);
            assert_int_equal(udp_local_port(r[i].fd6), port);
        }
    }
    return port;
}

static int count_family(const struct udp_target *t, int n, int family)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += t[i].addr.ss_family == family;
    return k;
}

/* Each responder answers every query it got with its own number; the
 * querier's socket of `family` must then hold answers from all three. */
static void answers_from_each(const struct udp_socks r[RESPONDERS], int querier_fd, int family, int per_socket)
{
    int seen[RESPONDERS] = {0}, total = 0;
    for (int i = 0; i < RESPONDERS; i++) {
        int fd = family == AF_INET ? r[i].fd4 : r[i].fd6;
        struct sockaddr_storage from[16];
        socklen_t fromlen[16];
        int got = drain(fd, from, fromlen, 16);
        assert_int_equal(got, per_socket); /* one copy of every query, on every socket */
        for (int k = 0; k < got && k < 16; k++) {
            char answer = (char)('0' + i);
            assert_int_equal(udp_send(fd, &answer, 1, (struct sockaddr *)&from[k], fromlen[k]), 0);
        }
    }
    char buf[8];
    struct sockaddr_storage ss;
    socklen_t len;
    while (readable(querier_fd)) {
        ssize_t n;
        while ((n = udp_recv(querier_fd, buf, sizeof buf, &ss, &len)) == 1) {
            assert_true(buf[0] >= '0' && buf[0] < '0' + RESPONDERS);
            seen[buf[0] - '0']++;
            total++;
        }
        assert_int_equal(n, -1);
    }
    assert_int_equal(total, RESPONDERS * per_socket);
    for (int i = 0; i < RESPONDERS; i++)
        assert_int_equal(seen[i], per_socket);
}

/* Every responder gets its own copy of a broadcast query (one per IPv4
 * target: loopback's, and any other interface's, come back to this host)
 * and of a multicast one (one per ff02::1 target); every answer reaches
 * the querier. */
static void three_responders_each_hear_every_query(void **state)
{
    (void)state;
    struct udp_socks r[RESPONDERS], q;
    struct udp_target t[TARGETS_MAX];
    char err[SOCK_ERR_LEN] = "";
    uint16_t port = open_three(r);

    assert_true(udp_open_querier(&q, err) >= 1);
    int n = udp_query_targets(port, t, TARGETS_MAX);
    assert_true(n >= 1);
    int n4 = count_family(t, n, AF_INET), n6 = count_family(t, n, AF_INET6);
    if (q.fd6 < 0)
        n6 = 0;
    assert_int_equal(udp_send_queries(&q, t, n, "query", 5, err), n4 + n6);
    assert_string_equal(err, "");
    answers_from_each(r, q.fd4, AF_INET, n4);
    if (n6 > 0 && r[0].fd6 >= 0)
        answers_from_each(r, q.fd6, AF_INET6, n6);
    else
        print_message("no interface with IPv6 multicast here: the IPv6 half is shown by udp_lan.sh\n");
    for (int i = 0; i < RESPONDERS; i++)
        udp_close(&r[i]);
    udp_close(&q);
    assert_int_equal(q.fd4, -1);
    assert_int_equal(q.fd6, -1);
}

/* A unicast datagram to the shared port reaches exactly one responder: why
 * queries are broadcast, never sent to one address. */
static void unicast_reaches_one_responder(void **state)
{
    (void)state;
    struct udp_socks r[RESPONDERS], q;
    char err[SOCK_ERR_LEN];
    uint16_t port = open_three(r);
    assert_true(udp_open_querier(&q, err) >= 1);
    struct sockaddr_storage to = th_addr("127.0.0.1", port);
    assert_int_equal(udp_send(q.fd4, "query", 5, (struct sockaddr *)&to, th_addr_len(&to)), 0);
    int total = 0;
    for (int i = 0; i < RESPONDERS; i++) {
        struct sockaddr_storage from[4];
        socklen_t fromlen[4];
        total += drain(r[i].fd4, from, fromlen, 4);
    }
    assert_int_equal(total, 1);
    for (int i = 0; i < RESPONDERS; i++)
        udp_close(&r[i]);
    udp_close(&q);
}

/* A socket bound without sharing holds the port: the responder is refused,
 * says why, and leaves nothing open. */
static void port_held_by_a_socket_that_does_not_share(void **state)
{
    (void)state;
    int hold = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t len = sizeof sa;
    assert_true(hold >= 0);
    assert_int_equal(bind(hold, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(hold, (struct sockaddr *)&sa, &len), 0);
    uint16_t port = ntohs(sa.sin_port);
    int before = th_open_fds();
    struct udp_socks r = {.fd4 = 12345, .fd6 = 12345};
    char err[SOCK_ERR_LEN], want[SOCK_ERR_LEN];
    errno = 0;
    assert_int_equal(udp_open_responder(port, &r, err), -1);
    assert_int_equal(errno, EADDRINUSE);
    assert_int_equal(r.fd4, -1);
    assert_int_equal(r.fd6, -1);
    snprintf(want, sizeof want, "UDP port %u is used by a program that does not share it", (unsigned)port);
    assert_string_equal(err, want);
    assert_int_equal(th_open_fds(), before);
    close(hold);
    /* Once it is gone the port can be shared again. */
    assert_true(udp_open_responder(port, &r, err) >= 1);
    udp_close(&r);
}

/* Loopback's broadcast address is a target; IPv6 targets are ff02::1 with
 * an interface; nothing twice; max bounds the list. */
static void query_targets(void **state)
{
    (void)state;
    struct udp_target t[TARGETS_MAX];
    int n = udp_query_targets(7778, t, TARGETS_MAX);
    int loopback = 0, v6_seen = 0;
    assert_true(n >= 1);
    for (int i = 0; i < n; i++) {
        char text[SOCK_ADDR_LEN];
        sock_format_addr((struct sockaddr *)&t[i].addr, text, sizeof text);
        assert_int_equal(sock_addr_port((struct sockaddr *)&t[i].addr), 7778);
        assert_true(t[i].ifname[0] != '\0');
        if (t[i].addr.ss_family == AF_INET) {
            assert_false(v6_seen); /* IPv4 first */
            assert_int_equal(t[i].len, sizeof(struct sockaddr_in));
            loopback |= strcmp(text, "127.255.255.255:7778") == 0;
        } else {
            const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&t[i].addr;
            v6_seen = 1;
            assert_int_equal(t[i].len, sizeof(struct sockaddr_in6));
            assert_true(IN6_IS_ADDR_MC_LINKLOCAL(&in6->sin6_addr));
            assert_int_not_equal(in6->sin6_scope_id, 0);
            assert_non_null(strstr(text, "[ff02::1%"));
        }
        for (int k = 0; k < i; k++)
            assert_false(t[k].len == t[i].len && memcmp(&t[k].addr, &t[i].addr, t[i].len) == 0);
    }
    assert_true(loopback);
    assert_int_equal(udp_query_targets(7778, t, 1), 1);
    assert_int_equal(udp_query_targets(7778, t, 0), 0);
}

/* Targets whose family has no socket are skipped and named. */
static void send_without_a_socket_of_the_family(void **state)
{
    (void)state;
    struct udp_socks q = {.fd4 = -1, .fd6 = -1};
    struct udp_target t[1];
    char err[SOCK_ERR_LEN];
    memset(t, 0, sizeof t);
    struct sockaddr_in *in = (struct sockaddr_in *)&t[0].addr;
    in->sin_family = AF_INET;
    in->sin_port = htons(9);
    in->sin_addr.s_addr = htonl(0x7F0000FFu);
    t[0].len = sizeof *in;
    snprintf(t[0].ifname, sizeof t[0].ifname, "lo");
    assert_int_equal(udp_send_queries(&q, t, 1, "x", 1, err), 0);
    assert_string_equal(err, "cannot send to 127.0.0.255:9 (lo): no socket of its family");
}

/* Nothing waiting: EAGAIN at once. A datagram longer than the buffer is
 * cut to it. An error an earlier send left on the socket is skipped. */
static void receiving(void **state)
{
    (void)state;
    struct udp_socks a, b;
    char err[SOCK_ERR_LEN], buf[65], big[100];
    struct sockaddr_storage from;
    socklen_t fromlen;
    assert_true(udp_open_querier(&a, err) >= 1);
    assert_true(udp_open_querier(&b, err) >= 1);
    assert_int_equal(udp_recv(a.fd4, buf, sizeof buf, &from, &fromlen), -1);
    assert_int_equal(errno, EAGAIN);

    struct sockaddr_storage to = th_addr("127.0.0.1", udp_local_port(a.fd4));
    memset(big, 'x', sizeof big);
    assert_int_equal(udp_send(b.fd4, big, sizeof big, (struct sockaddr *)&to, th_addr_len(&to)), 0);
    assert_true(readable(a.fd4));
    assert_int_equal(udp_recv(a.fd4, buf, sizeof buf, &from, &fromlen), (ssize_t)sizeof buf);
    assert_int_equal(sock_addr_port((struct sockaddr *)&from), udp_local_port(b.fd4));

    /* b asks for ICMP errors, sends to a port nobody has: the kernel puts
     * ECONNREFUSED on b; a datagram then waiting is still received. */
    int on = 1;
    assert_int_equal(setsockopt(b.fd4, IPPROTO_IP, IP_RECVERR, &on, sizeof on), 0);
    udp_close(&a);
    assert_int_equal(udp_send(b.fd4, "x", 1, (struct sockaddr *)&to, th_addr_len(&to)), 0);
    usleep(50000);
    struct udp_socks c;
    assert_true(udp_open_querier(&c, err) >= 1);
    struct sockaddr_storage to_b = th_addr("127.0.0.1", udp_local_port(b.fd4));
    assert_int_equal(udp_send(c.fd4, "hi", 2, (struct sockaddr *)&to_b, th_addr_len(&to_b)), 0);
    assert_true(readable(b.fd4));
    assert_int_equal(udp_recv(b.fd4, buf, sizeof buf, &from, &fromlen), 2);
    assert_int_equal(udp_recv(b.fd4, buf, sizeof buf, &from, &fromlen), -1);
    assert_int_equal(errno, EAGAIN);
    udp_close(&b);
    udp_close(&c);
}

static void expect_text(const struct sockaddr_storage *ss, const char *want)
{
    char text[SOCK_ADDR_LEN];
    sock_format_addr((const struct sockaddr *)ss, text, sizeof text);
    assert_string_equal(text, want);
}

/* A responder learns where each datagram arrived: sent to 127.0.0.2, or
 * broadcast on loopback (answered from loopback's address); it answers
 * from the address it chooses. */
static void arrival_and_chosen_source(void **state)
{
    (void)state;
    struct udp_socks r, q;
    char err[SOCK_ERR_LEN], buf[16];
    struct sockaddr_storage from;
    socklen_t fromlen;
    struct udp_arrival at;
    assert_true(udp_open_responder(0, &r, err) >= 1);
    assert_true(udp_open_querier(&q, err) >= 1);
    uint16_t port = udp_local_port(r.fd4);
    unsigned lo = if_nametoindex("lo");

    struct sockaddr_storage to = th_addr("127.0.0.2", port);
    assert_int_equal(udp_send(q.fd4, "q", 1, (struct sockaddr *)&to, th_addr_len(&to)), 0);
    assert_true(readable(r.fd4));
    assert_int_equal(udp_recv_at(r.fd4, buf, sizeof buf, &from, &fromlen, &at), 1);
    expect_text(&at.dst, "127.0.0.2:0");
    expect_text(&at.local, "127.0.0.2:0");
    assert_int_equal(at.ifindex, lo);

    to = th_addr("127.255.255.255", port);
    assert_int_equal(udp_send(q.fd4, "q", 1, (struct sockaddr *)&to, th_addr_len(&to)), 0);
    assert_true(readable(r.fd4));
    assert_int_equal(udp_recv_at(r.fd4, buf, sizeof buf, &from, &fromlen, &at), 1);
    expect_text(&at.dst, "127.255.255.255:0");
    expect_text(&at.local, "127.0.0.1:0");
    assert_int_equal(at.ifindex, lo);

    /* The answer from 127.0.0.3, a local address nobody asked. */
    struct sockaddr_storage src = th_addr("127.0.0.3", 0);
    assert_int_equal(udp_send_from(r.fd4, "a", 1, (struct sockaddr *)&from, fromlen, (struct sockaddr *)&src), 0);
    assert_true(readable(q.fd4));
    assert_int_equal(udp_recv(q.fd4, buf, sizeof buf, &from, &fromlen), 1);
    char want[32];
    snprintf(want, sizeof want, "127.0.0.3:%u", (unsigned)port);
    expect_text(&from, want);
    /* A querier's socket does not say where: at.dst stays empty. */
    to = th_addr("127.0.0.1", udp_local_port(q.fd4));
    assert_int_equal(udp_send(r.fd4, "b", 1, (struct sockaddr *)&to, th_addr_len(&to)), 0);
    assert_true(readable(q.fd4));
    assert_int_equal(udp_recv_at(q.fd4, buf, sizeof buf, &from, &fromlen, &at), 1);
    assert_int_equal(at.dst.ss_family, 0);
    udp_close(&r);
    udp_close(&q);
}

/* The interface of a local address: its own, or the one whose network
 * holds it; a link-local one's zone; none for an address not here. */
static void interface_of_an_address(void **state)
{
    (void)state;
    unsigned lo = if_nametoindex("lo"), ifindex = 0;
    struct sockaddr_storage broadcast;
    struct sockaddr_storage a = th_addr("127.0.0.1", 7777);
    assert_int_equal(udp_interface_of((struct sockaddr *)&a, &ifindex, &broadcast), 0);
    assert_int_equal(ifindex, lo);
    expect_text(&broadcast, "127.255.255.255:0");
    a = th_addr("127.9.8.7", 0);
    ifindex = 0;
    assert_int_equal(udp_interface_of((struct sockaddr *)&a, &ifindex, NULL), 0);
    assert_int_equal(ifindex, lo);
    a = th_addr("198.51.100.77", 0); /* TEST-NET-2: on no machine */
    errno = 0;
    assert_int_equal(udp_interface_of((struct sockaddr *)&a, &ifindex, &broadcast), -1);
    assert_int_equal(errno, ENOENT);
    struct sockaddr_storage ll = th_addr("fe80::1", 0); /* zone: lo */
    assert_int_equal(udp_interface_of((struct sockaddr *)&ll, &ifindex, &broadcast), 0);
    assert_int_equal(ifindex, lo);
    assert_int_equal(broadcast.ss_family, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(three_responders_each_hear_every_query),
        cmocka_unit_test(unicast_reaches_one_responder),
        cmocka_unit_test(port_held_by_a_socket_that_does_not_share),
        cmocka_unit_test(query_targets),
        cmocka_unit_test(send_without_a_socket_of_the_family),
        cmocka_unit_test(receiving),
        cmocka_unit_test(arrival_and_chosen_source),
        cmocka_unit_test(interface_of_an_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
