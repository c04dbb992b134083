/* SPDX-License-Identifier: MIT */
/* test_discovery.c: unit tests of the discovery datagrams
 * (protocol/discovery.c). The project's vectors file drives most of it:
 * VALID lines decode to exactly the fields listed and re-encode to their
 * bytes, INVALID lines are dropped with the right status, and every line
 * and every prefix of it is decoded flush against an unreadable page. Then
 * the size rule (no ANSWER larger than a QUERY), the encoder's refusals,
 * every one-byte change of every VALID line, random round trips, and the
 * server names made from host names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "discovery.h"
#include "text.h"
#include "expect.h"
#include "guard.h"
#include "vectors.h"

#ifndef TTT_DISCOVERY_VECTORS_FILE
#error "TTT_DISCOVERY_VECTORS_FILE must name tests/data/discovery-v1-vectors.txt"
#endif

static struct vec_file vectors;

static int load_vectors(void **state)
{
    (void)state;
    return vec_file_load(&vectors, TTT_DISCOVERY_VECTORS_FILE);
}

/* The fields of *m in wire order, named as in the vectors file. */
static size_t fields_of(const struct disc_msg *m, struct vec_field *f)
{
    const struct disc_answer *a = &m->answer;
    size_t i = vec_add_int(f, 0, "id", m->id);

    if (m->type != DISC_ANSWER)
        return i;
    i = vec_add_int(f, i, "server_id", a->server_id);
    i = vec_add_int(f, i, "tcp_port", a->tcp_port);
    i = vec_add_int(f, i, "proto_version", a->proto_version);
    i = vec_add_int(f, i, "flags", a->flags);
    i = vec_add_int(f, i, "players", a->players);
    i = vec_add_int(f, i, "games", a->games);
    return vec_add_bytes(f, i, "name", VEC_TEXT, a->name.s, a->name.len);
}

/* The status an INVALID line must get: another version when the magic is
 * ours and the version byte is not 1, malformed otherwise. */
static int expected_status(const struct vec *v)
{
    if (v->n >= 5 && memcmp(v->bytes, DISC_MAGIC, DISC_MAGIC_LEN) == 0 && v->bytes[4] != DISC_VERSION)
        return DISC_E_VERSION;
    return DISC_E_BAD;
}

/* ------------------------------------------------------------ vectors */

static void vectors_file_has_both_kinds_both_ways(void **state)
{
    size_t count[3][2] = {{0}};

    (void)state;
    for (size_t i = 0; i < vectors.n; i++)
        count[vectors.v[i].kind][vectors.v[i].dir]++;
    assert_true(count[VEC_VALID][PROTO_C2S] >= 3 && count[VEC_VALID][PROTO_S2C] >= 5);
    assert_true(count[VEC_INVALID][PROTO_C2S] >= 10 && count[VEC_INVALID][PROTO_S2C] >= 10);
    assert_int_equal(count[VEC_PARTIAL][PROTO_C2S] + count[VEC_PARTIAL][PROTO_S2C], 0);
}

/* Each VALID line decodes to exactly its fields (a QUERY sent to a server,
 * an ANSWER to a client) and encodes back to its bytes. */
static void vectors_valid_decode_to_fields_and_reencode(void **state)
{
    (void)state;
    for (size_t i = 0; i < vectors.n; i++) {
        const struct vec *v = &vectors.v[i];
        struct vec_field f[8];
        struct disc_msg m;
        uint8_t out[DISC_DATAGRAM_MAX];
        const char *why;
        int rc;

        if (v->kind != VEC_VALID)
            continue;
        rc = disc_decode(v->bytes, v->n, &m);
        EXPECT(rc == DISC_OK, "line %d: decode gives %s", v->lineno, disc_strerror(rc));
        EXPECT(m.type == (v->dir == PROTO_C2S ? DISC_QUERY : DISC_ANSWER), "line %d: %s sent the wrong way",
               v->lineno, disc_type_name(m.type));
        why = vec_match_fields(v->desc, disc_type_name(m.type), f, fields_of(&m, f));
        EXPECT(why == NULL, "line %d: %s", v->lineno, why);
        rc = disc_encode(&m, out, sizeof out);
        EXPECT(rc == (int)v->n && memcmp(out, v->bytes, v->n) == 0, "line %d: re-encoding differs (%d)",
               v->lineno, rc);
    }
}

static void vectors_invalid_dropped(void **state)
{
    (void)state;
    for (size_t i = 0; i < vectors.n; i++) {
        const struct vec *v = &vectors.v[i];
        struct disc_msg m;
        int rc, want = expected_status(v);

        if (v->kind != VEC_INVALID)
            continue;
        rc = disc_decode(v->bytes, v->n, &m);
        EXPECT(rc == want, "line %d: got %s, want %s", v->lineno, disc_strerror(rc), disc_strerror(want));
    }
}

/* ------------------------------------------------------ guard page */

/* Every line, and every prefix of it, ending flush against an unreadable
 * page: decoded without a read past it; no prefix of a VALID line (a
 * datagram cut short) is accepted. */
static void vectors_no_overread_and_no_prefix_accepted(void **state)
{
    uint8_t *end = guard_end(sizeof vectors.v[0].bytes);

    (void)state;
    assert_non_null(end);
    for (size_t i = 0; i < vectors.n; i++) {
        const struct vec *v = &vectors.v[i];
        struct disc_msg m;

        for (size_t k = 0; k <= v->n; k++) {
            memcpy(end - k, v->bytes, k);
            int rc = disc_decode(end - k, k, &m);
            if (k == v->n)
                EXPECT((rc == DISC_OK) == (v->kind == VEC_VALID), "line %d: %s", v->lineno, disc_strerror(rc));
            else if (v->kind == VEC_VALID)
                EXPECT(rc != DISC_OK, "line %d: its first %zu bytes accepted", v->lineno, k);
        }
    }
}

/* ------------------------------------------------------- size rule */

static struct disc_msg answer_with_name(const char *name)
{
    struct disc_msg m;

    memset(&m, 0, sizeof m);
    m.type = DISC_ANSWER;
    m.id = 0xFFFFFFFFu;
    m.answer = (struct disc_answer){.server_id = 0xFFFFFFFFu, .tcp_port = 65535, .proto_version = 255,
                                    .flags = 0xFF, .players = 0xFFFFFFFFu, .games = 0xFFFFFFFFu};
    assert_int_equal(disc_name_set(&m.answer.name, name, strlen(name)), DISC_OK);
    return m;
}

/* No ANSWER is larger than a QUERY: the longest name of every length, in
 * characters of every UTF-8 width, gives 28 + len - 1 bytes, at most 59;
 * every QUERY is 64; so is every VALID line. */
static void answer_never_larger_than_query(void **state)
{
    static const char *chars[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x8e\xb2"};
    uint8_t out[DISC_DATAGRAM_MAX];
    struct disc_msg q = {.type = DISC_QUERY, .id = 1};

    (void)state;
    assert_int_equal(disc_encode(&q, out, sizeof out), DISC_QUERY_LEN);
    for (size_t w = 0; w < 4; w++) {
        char name[DISC_NAME_MAX + 1] = "";
        size_t cl = strlen(chars[w]);
        while (strlen(name) + cl <= DISC_NAME_MAX) {
            strcat(name, chars[w]);
            struct disc_msg m = answer_with_name(name);
            int n = disc_encode(&m, out, sizeof out);
            assert_int_equal(n, DISC_ANSWER_MIN - 1 + (int)strlen(name));
            assert_true(n <= DISC_ANSWER_MAX && n < DISC_QUERY_LEN);
        }
    }
    for (size_t i = 0; i < vectors.n; i++)
        if (vectors.v[i].kind == VEC_VALID)
            EXPECT(vectors.v[i].dir == PROTO_C2S ? vectors.v[i].n == DISC_QUERY_LEN : vectors.v[i].n < DISC_QUERY_LEN,
                   "line %d: %zu bytes", vectors.v[i].lineno, vectors.v[i].n);
}

/* ---------------------------------------------------------- encoder */

/* What the wire cannot carry is refused; a buffer one byte short is too
 * small, and nothing is written past the buffer (it ends at the guard). */
static void encoder_refusals(void **state)
{
    uint8_t *end = guard_end(sizeof vectors.v[0].bytes);
    struct disc_msg m = answer_with_name("box"), bad;

    (void)state;
    assert_non_null(end);
    bad = m;
    bad.type = 0x02;
    assert_int_equal(disc_encode(&bad, end - 64, 64), DISC_E_INVALID);
    bad = m;
    bad.answer.tcp_port = 0;
    assert_int_equal(disc_encode(&bad, end - 64, 64), DISC_E_INVALID);
    bad = m;
    bad.answer.proto_version = 0;
    assert_int_equal(disc_encode(&bad, end - 64, 64), DISC_E_INVALID);
    static const char *names[] = {"", " box", "box ", "b\x1bx", "b\xe2\x80\xaex", "b\xffx",
                                  "abcdefghijklmnopqrstuvwxyz0123456"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        bad = m;
        bad.answer.name.len = (uint8_t)strlen(names[i]);
        memcpy(bad.answer.name.s, names[i], bad.answer.name.len); /* 33 bytes at most: no NUL */
        EXPECT(disc_encode(&bad, end - 64, 64) == DISC_E_INVALID, "name %zu accepted", i);
    }
    struct disc_msg q = {.type = DISC_QUERY, .id = 9};
    for (size_t cap = 0; cap < DISC_QUERY_LEN; cap++)
        assert_int_equal(disc_encode(&q, end - cap, cap), DISC_E_NO_SPACE);
    for (size_t cap = 0; cap < DISC_ANSWER_MIN + 2; cap++)
        assert_int_equal(disc_encode(&m, end - cap, cap), DISC_E_NO_SPACE);
    assert_int_equal(disc_encode(&m, end - (DISC_ANSWER_MIN + 2), DISC_ANSWER_MIN + 2), DISC_ANSWER_MIN + 2);
}

/* Every one-byte change of every VALID line is either dropped or decodes to
 * a message that encodes back to exactly the changed bytes. */
static void every_byte_changed(void **state)
{
    (void)state;
    for (size_t i = 0; i < vectors.n; i++) {
        const struct vec *v = &vectors.v[i];
        uint8_t d[DISC_DATAGRAM_MAX], out[DISC_DATAGRAM_MAX];

        if (v->kind != VEC_VALID)
            continue;
        for (size_t k = 0; k < v->n; k++) {
            for (unsigned b = 0; b < 256; b++) {
                struct disc_msg m;
                memcpy(d, v->bytes, v->n);
                d[k] = (uint8_t)b;
                if (disc_decode(d, v->n, &m) != DISC_OK)
                    continue;
                int n = disc_encode(&m, out, sizeof out);
                EXPECT(n == (int)v->n && memcmp(out, d, v->n) == 0,
                       "line %d, byte %zu = %02x: decoded but encodes differently", v->lineno, k, b);
            }
        }
    }
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

/* Random ANSWERs (printable ASCII names of random lengths) and QUERYs: the
 * decoded message is the one encoded. */
static void random_round_trips(void **state)
{
    (void)state;
    for (int t = 0; t < 10000; t++) {
        struct disc_msg m, back;
        uint8_t out[DISC_DATAGRAM_MAX];

        memset(&m, 0, sizeof m);
        m.type = t % 4 == 0 ? DISC_QUERY : DISC_ANSWER;
        m.id = rng();
        if (m.type == DISC_ANSWER) {
            struct disc_answer *a = &m.answer;
            a->server_id = rng();
            a->tcp_port = (uint16_t)(1 + rng() % 65535);
            a->proto_version = (uint8_t)(1 + rng() % 255);
            a->flags = (uint8_t)rng();
            a->players = rng();
            a->games = rng();
            a->name.len = (uint8_t)(1 + rng() % DISC_NAME_MAX);
            for (size_t k = 0; k < a->name.len; k++)
                a->name.s[k] = (char)('!' + rng() % 94);
        }
        int n = disc_encode(&m, out, sizeof out);
        assert_true(n > 0);
        assert_int_equal(disc_decode(out, (size_t)n, &back), DISC_OK);
        assert_int_equal(back.type, m.type);
        assert_int_equal(back.id, m.id);
        if (m.type == DISC_ANSWER)
            assert_memory_equal(&back.answer, &m.answer, offsetof(struct disc_answer, name) + 1u + m.answer.name.len);
    }
}

/* -------------------------------------------------------------- names */

/* A host name becomes a server name: kept when it fits, cut at 32 bytes on
 * a character boundary, stripped of what the rules refuse; the fallback
 * when nothing is left. */
static void server_names_from_host_names(void **state)
{
    struct disc_name n;

    (void)state;
    disc_name_fit(&n, "gamebox", "ttt server");
    assert_int_equal(n.len, 7);
    assert_string_equal(n.s, "gamebox");
    disc_name_fit(&n, "a-very-long-host-name-for-a-small-lan-party.example.org", "ttt server");
    assert_int_equal(n.len, 32);
    assert_string_equal(n.s, "a-very-long-host-name-for-a-smal");
    disc_name_fit(&n, "abcdefghijklmnopqrstuvwxyz01234\xc3\xa9", "ttt server");
    assert_int_equal(n.len, 31);
    disc_name_fit(&n, "\x1b\x1b", "ttt server");
    assert_string_equal(n.s, "ttt server");
    assert_int_equal(n.len, 10);
    assert_int_equal(disc_name_set(&n, "abcdefghijklmnopqrstuvwxyz012345", 32), DISC_OK);
    assert_int_equal(disc_name_set(&n, "abcdefghijklmnopqrstuvwxyz0123456", 33), DISC_E_INVALID);
    assert_int_equal(disc_name_set(&n, "", 0), DISC_E_INVALID);
}

static void names_for_people(void **state)
{
    (void)state;
    assert_string_equal(disc_type_name(DISC_QUERY), "QUERY");
    assert_string_equal(disc_type_name(DISC_ANSWER), "ANSWER");
    assert_string_equal(disc_type_name(0x7F), "UNKNOWN");
    for (int s = -6; s <= 1; s++)
        assert_non_null(disc_strerror(s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vectors_file_has_both_kinds_both_ways),
        cmocka_unit_test(vectors_valid_decode_to_fields_and_reencode),
        cmocka_unit_test(vectors_invalid_dropped),
        cmocka_unit_test_teardown(vectors_no_overread_and_no_prefix_accepted, guard_teardown),
        cmocka_unit_test(answer_never_larger_than_query),
        cmocka_unit_test_teardown(encoder_refusals, guard_teardown),
        cmocka_unit_test(every_byte_changed),
        cmocka_unit_test(random_round_trips),
        cmocka_unit_test(server_names_from_host_names),
        cmocka_unit_test(names_for_people),
    };
    return cmocka_run_group_tests(tests, load_vectors, NULL);
}
