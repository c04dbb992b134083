/* SPDX-License-Identifier: MIT */
/* test_announce.c: tttd's discovery answers (server/announce.c) on a
 * made-up clock: a QUERY gets an ANSWER with the server's facts and the
 * query's id, never longer than the query; every INVALID line of the
 * discovery vectors, an ANSWER sent to the server and a query from a
 * privileged port get nothing and are counted under their reason; the
 * per-source and total limits hold to their figures under floods of 10,000
 * queries a second from one source and from ever new ones; what counts as
 * one source (an IPv4 address, an IPv6 /64, a link-local address); and a
 * table of sources that stays bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/un.h>

#include "announce.h"
#include "discovery.h"
#include "vectors.h"

static struct announce A;

static int setup(void **state)
{
    struct disc_name name;
    (void)state;
    assert_int_equal(disc_name_set(&name, "gamebox", 7), DISC_OK);
    announce_init(&A, 0xC0FFEE, 7777, &name, 1000);
    return 0;
}

static struct sockaddr_in v4(const char *addr, uint16_t port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    assert_int_equal(inet_pton(AF_INET, addr, &sa.sin_addr), 1);
    return sa;
}

static struct sockaddr_in6 v6(const char *addr, uint16_t port, uint32_t scope)
{
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_scope_id = scope};
    assert_int_equal(inet_pton(AF_INET6, addr, &sa.sin6_addr), 1);
    return sa;
}

/* A QUERY with `id` from `from` at `now`: the ANSWER's length (0: none). */
static size_t ask(const void *from, uint32_t id, uint64_t now, struct disc_msg *answer)
{
    uint8_t q[DISC_QUERY_LEN], out[DISC_ANSWER_MAX];
    struct disc_msg m = {.type = DISC_QUERY, .id = id};
    assert_int_equal(disc_encode(&m, q, sizeof q), DISC_QUERY_LEN);
    size_t n = announce_datagram(&A, q, sizeof q, from, now, out, sizeof out);
    if (n > 0 && answer)
        assert_int_equal(disc_decode(out, n, answer), DISC_OK);
    return n;
}

static uint64_t dropped(void)
{
    const struct announce_counts *c = &A.count;
    return c->limited + c->malformed + c->other_version + c->not_query + c->bad_source;
}

/* The ANSWER carries the query's id and what the server says of itself,
 * and is shorter than the query. */
static void query_gets_answer(void **state)
{
    (void)state;
    struct sockaddr_in from = v4("192.0.2.7", 40000);
    struct disc_msg m;
    announce_set_load(&A, 5, 2, 0);
    size_t n = ask(&from, 0xDEADBEEF, 1000, &m);
    assert_true(n > 0 && n < DISC_QUERY_LEN);
    assert_int_equal(m.type, DISC_ANSWER);
    assert_int_equal(m.id, 0xDEADBEEF);
    assert_int_equal(m.answer.server_id, 0xC0FFEE);
    assert_int_equal(m.answer.tcp_port, 7777);
    assert_int_equal(m.answer.proto_version, 1);
    assert_int_equal(m.answer.players, 5);
    assert_int_equal(m.answer.games, 2);
    assert_int_equal(m.answer.flags, 0);
    assert_string_equal(m.answer.name.s, "gamebox");
    announce_set_load(&A, 64, 32, 1);
    assert_true(ask(&from, 1, 1000, &m) > 0);
    assert_int_equal(m.answer.flags, DISC_FLAG_FULL);
    assert_int_equal(m.answer.players, 64);
    assert_int_equal(A.count.answered, 2);
    assert_int_equal(dropped(), 0);
}

/* Every INVALID line of the vectors, and every VALID ANSWER, sent to the
 * server: nothing goes back, each counted once under its reason. */
static void hostile_datagrams_dropped_and_counted(void **state)
{
    (void)state;
    static struct vec vecs[VEC_MAX];
    int nv = vec_load(TTT_DISCOVERY_VECTORS_FILE, vecs, VEC_MAX);
    struct sockaddr_in from = v4("192.0.2.8", 40000);
    uint64_t want_version = 0, want_bad = 0, want_not_query = 0;
    assert_true(nv > 0);
    for (int i = 0; i < nv; i++) {
        const struct vec *v = &vecs[i];
        uint8_t out[DISC_ANSWER_MAX];
        if (v->kind == VEC_VALID && v->dir == PROTO_C2S)
            continue;
        if (v->kind == VEC_VALID)
            want_not_query++;
        else if (v->n >= 5 && !memcmp(v->bytes, DISC_MAGIC, 4) && v->bytes[4] != DISC_VERSION)
            want_version++;
        else
            want_bad++;
        assert_int_equal(announce_datagram(&A, v->bytes, v->n, (struct sockaddr *)&from, 1000, out, sizeof out), 0);
    }
    assert_int_equal(A.count.malformed, want_bad);
    assert_int_equal(A.count.other_version, want_version);
    assert_int_equal(A.count.not_query, want_not_query);
    assert_true(want_bad >= 10 && want_version >= 2 && want_not_query >= 5);
    assert_int_equal(A.count.answered + A.count.limited + A.count.bad_source, 0);
}

/* Queries from a privileged port, or from an address that is not IPv4 or
 * IPv6, get nothing; from port 1024 up they are answered. */
static void privileged_ports_get_nothing(void **state)
{
    (void)state;
    uint16_t ports[] = {0, 7, 19, 53, 123, 1023};
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        struct sockaddr_in from = v4("192.0.2.9", ports[i]);
        assert_int_equal(ask(&from, 1, 1000, NULL), 0);
    }
    struct sockaddr_in6 from6 = v6("2001:db8::9", 53, 0);
    assert_int_equal(ask(&from6, 1, 1000, NULL), 0);
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    assert_int_equal(ask(&un, 1, 1000, NULL), 0);
    assert_int_equal(A.count.bad_source, 8);
    struct sockaddr_in ok = v4("192.0.2.9", 1024);
    assert_true(ask(&ok, 1, 1000, NULL) > 0);
}

/* One source flooding 10,000 queries a second for 10 s gets its burst and
 * then 4 a second: 8 + 4 * 10 - at most one for the edge. */
static void one_source_flood(void **state)
{
    (void)state;
    struct sockaddr_in from = v4("198.51.100.1", 50000);
    uint64_t answered = 0;
    for (uint64_t t = 0; t < 100000; t++) /* one query every 0.1 ms: 10 a ms */
        answered += ask(&from, (uint32_t)t, 1000 + t / 10, NULL) > 0;
    print_message("one source, 10,000 queries/s for 10 s: %llu answers\n", (unsigned long long)answered);
    assert_true(answered >= ANNOUNCE_SOURCE_BURST + ANNOUNCE_SOURCE_PER_S * 10 - 1);
    assert_true(answered <= ANNOUNCE_SOURCE_BURST + ANNOUNCE_SOURCE_PER_S * 10);
    assert_int_equal(A.count.limited, 100000 - answered);
    /* Another source is not held back by the first one's flood. */
    struct sockaddr_in other = v4("198.51.100.2", 50000);
    assert_true(ask(&other, 1, 1000 + 10000, NULL) > 0);
}

/* 10,000 queries a second for 10 s, each from a new forged source: the
 * total limit holds, 200 + 200 a second. */
static void forged_sources_flood(void **state)
{
    (void)state;
    uint64_t answered = 0;
    for (uint32_t t = 0; t < 100000; t++) {
        struct sockaddr_in from = {.sin_family = AF_INET, .sin_port = htons(40000)};
        from.sin_addr.s_addr = htonl(0x0A000000u + t); /* 10.0.0.0 onwards */
        answered += ask(&from, t, 1000 + t / 10, NULL) > 0;
    }
    print_message("new sources, 10,000 queries/s for 10 s: %llu answers\n", (unsigned long long)answered);
    assert_true(answered >= ANNOUNCE_TOTAL_BURST + ANNOUNCE_TOTAL_PER_S * 10 - 1);
    assert_true(answered <= ANNOUNCE_TOTAL_BURST + ANNOUNCE_TOTAL_PER_S * 10);
    assert_int_equal(A.count.answered + A.count.limited, 100000);
}

/* How many of 20 queries from `from` at `now` are answered. */
static size_t answers_now(const void *from, uint64_t now)
{
    size_t n = 0;
    for (int i = 0; i < 20; i++)
        n += ask(from, 1, now, NULL) > 0;
    return n;
}

/* One source is an IPv4 address (IPv4-mapped IPv6 too), an IPv6 /64, or
 * one link-local IPv6 address on one interface. */
static void what_one_source_is(void **state)
{
    (void)state;
    struct sockaddr_in a = v4("203.0.113.5", 40000), a_port = v4("203.0.113.5", 40001);
    struct sockaddr_in6 mapped = v6("::ffff:203.0.113.5", 40000, 0);
    assert_int_equal(answers_now(&a, 1000), ANNOUNCE_SOURCE_BURST);
    assert_int_equal(answers_now(&a_port, 1000), 0);
    assert_int_equal(answers_now(&mapped, 1000), 0);

    struct sockaddr_in6 g1 = v6("2001:db8:1:2::1", 40000, 0), g2 = v6("2001:db8:1:2:ffff::9", 40000, 0);
    struct sockaddr_in6 g3 = v6("2001:db8:1:3::1", 40000, 0);
    assert_int_equal(answers_now(&g1, 1000), ANNOUNCE_SOURCE_BURST);
    assert_int_equal(answers_now(&g2, 1000), 0);
    assert_int_equal(answers_now(&g3, 1000), ANNOUNCE_SOURCE_BURST);

    struct sockaddr_in6 l1 = v6("fe80::1", 40000, 2), l2 = v6("fe80::2", 40000, 2), l1_other = v6("fe80::1", 40000, 3);
    assert_int_equal(answers_now(&l1, 1000), ANNOUNCE_SOURCE_BURST);
    assert_int_equal(answers_now(&l2, 1000), ANNOUNCE_SOURCE_BURST);
    assert_int_equal(answers_now(&l1_other, 1000), ANNOUNCE_SOURCE_BURST);
    /* 250 ms later each has one more. */
    assert_int_equal(answers_now(&a, 1250), 1);
    assert_int_equal(answers_now(&l1, 1250), 1);
}

/* More sources than the table holds: it does not grow; the least recently
 * heard source is pushed out and comes back with a full bucket (which gains
 * a flood of forged sources nothing: the total limit holds them). */
static void table_of_sources_bounded(void **state)
{
    (void)state;
    struct sockaddr_in first = v4("192.0.2.1", 40000);
    struct announce_key key;
    assert_int_equal(announce_key_of((struct sockaddr *)&first, &key), 0);
    assert_int_equal(answers_now(&first, 1000), ANNOUNCE_SOURCE_BURST); /* its bucket is now empty */
    for (uint32_t i = 0; i < 4 * ANNOUNCE_SETS * ANNOUNCE_WAYS; i++) {
        struct sockaddr_in s = {.sin_family = AF_INET, .sin_port = htons(40000)};
        s.sin_addr.s_addr = htonl(0xC6120000u + i); /* 198.18.0.0 onwards */
        (void)ask(&s, i, 1001, NULL);
    }
    size_t used = 0, first_kept = 0;
    for (size_t k = 0; k < ANNOUNCE_SETS; k++) {
        for (size_t w = 0; w < ANNOUNCE_WAYS; w++) {
            used += A.sources[k][w].key.family != 0;
            first_kept += memcmp(&A.sources[k][w].key, &key, sizeof key) == 0;
        }
    }
    assert_int_equal(used, ANNOUNCE_SETS * ANNOUNCE_WAYS);
    assert_int_equal(first_kept, 0);
    /* 100 ms on, its old bucket would hold 0.4 of an answer; the total holds 20. */
    assert_int_equal(answers_now(&first, 1100), ANNOUNCE_SOURCE_BURST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(query_gets_answer, setup),
        cmocka_unit_test_setup(hostile_datagrams_dropped_and_counted, setup),
        cmocka_unit_test_setup(privileged_ports_get_nothing, setup),
        cmocka_unit_test_setup(one_source_flood, setup),
        cmocka_unit_test_setup(forged_sources_flood, setup),
        cmocka_unit_test_setup(what_one_source_is, setup),
        cmocka_unit_test_setup(table_of_sources_bounded, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
