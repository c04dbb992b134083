/* SPDX-License-Identifier: MIT */
/* test_srv_vectors.c: tttd against hostile and oddly chunked input, on a
 * real server: every INVALID client-to-server line of the shared vectors
 * file, sent before HELLO and after it, gets the exact ERROR code and a
 * fatal close (at once, from the header alone, where the header shows it),
 * while a game on the same server goes on untouched; server-to-client frames
 * sent by a client are BAD_FRAME; PARTIAL lines get no answer; frames split
 * byte by byte and frames coalesced into one write are handled in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "vectors.h"

#ifndef TTT_VECTORS_FILE
#error "TTT_VECTORS_FILE must name tests/data/protocol-v1-vectors.txt"
#endif

/* ------------------------------------------------------------ vectors */

static struct vec_file vectors;

static int load_vectors(void **state)
{
    (void)state;
    th_ignore_sigpipe();
    return vec_file_load(&vectors, TTT_VECTORS_FILE);
}

static int header_shows_error(const struct vec *v)
{
    return v->n >= PROTO_HEADER_LEN &&
           proto_check_header(PROTO_C2S, v->bytes[0], (uint16_t)(v->bytes[1] << 8 | v->bytes[2])) != PROTO_OK;
}

/* The wire ERROR a server owes an INVALID c2s line (docs/PROTOCOL.md,
 * Validation): BAD_NAME only for a HELLO whose header, magic, version and
 * name framing are right; BAD_VERSION for a good magic and version != 1;
 * BAD_FRAME for everything else. */
static uint8_t expected_error(const struct vec *v)
{
    const uint8_t *b = v->bytes;
    if (header_shows_error(v) || b[0] != PROTO_HELLO || v->n != (size_t)PROTO_HEADER_LEN + (size_t)(b[1] << 8 | b[2]) ||
        memcmp(b + 3, PROTO_MAGIC, PROTO_MAGIC_LEN) != 0)
        return PROTO_ERR_BAD_FRAME;
    if (b[7] != PROTO_VERSION)
        return PROTO_ERR_BAD_VERSION;
    if (v->n != (size_t)9 + b[8])
        return PROTO_ERR_BAD_FRAME;
    return PROTO_ERR_BAD_NAME;
}

/* ------------------------------------------------------------ helpers */

#define T(f) cmocka_unit_test_setup_teardown(f, th_fixture_start, th_fixture_stop)

/* A game on the same server that must not notice anything. */
struct bystanders {
    struct th_client x, o;
    uint32_t nonce;
};

static void bystanders_start(struct bystanders *b)
{
    th_pair(&b->x, &b->o, th_srv.port, "by-x", "by-o", NULL);
    th_move(&b->x, &b->o, 0, 4);
    b->nonce = 1;
}

/* Both bystanders still answer at once and heard nothing else. */
static void bystanders_fine(struct bystanders *b)
{
    struct th_client *cs[2] = { &b->x, &b->o };
    for (int i = 0; i < 2; i++) {
        struct proto_msg m;
        memset(&m, 0, sizeof m);
        m.type = PROTO_PING;
        m.u.ping.nonce = ++b->nonce;
        assert_int_equal(th_send(cs[i], &m), 0);
        th_expect(cs[i], PROTO_PONG, &m);
        assert_int_equal(m.u.ping.nonce, b->nonce);
    }
}

/* Finish the bystanders' game: O 0, X 2, O 1, X 6 (2-4-6). */
static void bystanders_finish(struct bystanders *b)
{
    static const uint8_t moves[4] = { 0, 2, 1, 6 };
    th_play(&b->x, &b->o, 1, moves, 4);
    static const uint8_t diag[3] = { 2, 4, 6 };
    th_expect_game_over(&b->x, PROTO_MARK_X, PROTO_REASON_LINE, diag);
    th_expect_game_over(&b->o, PROTO_MARK_X, PROTO_REASON_LINE, diag);
    th_close(&b->x);
    th_close(&b->o);
}

/* c sends v's bytes (or only n of them) and must get `code`, then EOF. */
static void send_expect_fatal(struct th_client *c, const struct vec *v, size_t n, uint8_t code)
{
    assert_int_equal(th_send_raw(c, v->bytes, n), 0);
    struct proto_msg m;
    int r = th_recv(c, &m, TH_TIMEOUT_MS);
    if (r != 1 || m.type != PROTO_ERROR || m.u.error.code != code) {
        char what[300];
        fail_msg("line %d (%s), %zu of %zu bytes: expected ERROR %s, got %s", v->lineno, v->desc, n, v->n,
                 proto_error_name(code),
                 r == 1 ? th_describe(&m, what, sizeof what) : r == 0 ? "nothing" : "EOF or an error");
    }
    th_expect_eof(c, TH_TIMEOUT_MS);
    th_close(c);
}

/* ------------------------------------------------------------ tests */

/* A fresh connection, welcomed or not. */
static void open_client(struct th_client *c, int welcomed)
{
    if (welcomed)
        th_hello(c, th_srv.port, "victim");
    else
        assert_int_equal(th_connect(c, th_srv.port), 0);
}

/* Every INVALID c2s line on a fresh connection (welcomed or not): the
 * exact ERROR, then EOF; the header alone where it shows the error. */
static void every_invalid_line(int welcomed)
{
    struct bystanders by;
    bystanders_start(&by);
    int count = 0;
    for (size_t i = 0; i < vectors.n; i++) {
        const struct vec *v = &vectors.v[i];
        if (v->kind != VEC_INVALID || v->dir != PROTO_C2S)
            continue;
        struct th_client c;
        open_client(&c, welcomed);
        send_expect_fatal(&c, v, v->n, expected_error(v));
        if (header_shows_error(v)) {
            /* No waiting for a payload. */
            open_client(&c, welcomed);
            send_expect_fatal(&c, v, PROTO_HEADER_LEN, PROTO_ERR_BAD_FRAME);
        }
        count++;
        bystanders_fine(&by);
    }
    assert_true(count >= 20);
    bystanders_finish(&by);
}

static void every_invalid_line_before_hello(void **state)
{
    (void)state;
    every_invalid_line(0);
}

static void every_invalid_line_after_hello(void **state)
{
    (void)state;
    every_invalid_line(1);
}

/* A player who sends garbage mid-game is dropped like a lost connection:
 * the opponent gets OPPONENT disconnected with the grace period. */
static void invalid_line_from_a_player(void **state)
{
    (void)state;
    int count = 0;
    for (size_t i = 0; i < vectors.n; i++) {
        const struct vec *v = &vectors.v[i];
        if (v->kind != VEC_INVALID || v->dir != PROTO_C2S)
            continue;
        struct th_client x, o;
        th_pair(&x, &o, th_srv.port, "x", "o", NULL);
        struct th_client *bad = count % 2 ? &o : &x, *good = count % 2 ? &x : &o;
        send_expect_fatal(bad, v, v->n, expected_error(v));
        th_expect_opponent(good, PROTO_OPP_DISCONNECTED, good->grace_s);
        th_close(good);
        count++;
    }
    assert_true(count >= 20);
}

/* Frames only a server may send are unknown types coming from a client. */
static void server_frames_from_a_client(void **state)
{
    (void)state;
    int count = 0;
    for (size_t i = 0; i < vectors.n; i++) {
        const struct vec *v = &vectors.v[i];
        if (v->dir != PROTO_S2C || v->bytes[0] == PROTO_PING || v->bytes[0] == PROTO_PONG)
            continue;
        struct th_client c;
        open_client(&c, count % 2);
        send_expect_fatal(&c, v, v->n, PROTO_ERR_BAD_FRAME);
        count++;
    }
    assert_true(count >= 10);
}

static void partial_lines_get_no_answer(void **state)
{
    (void)state;
    int count = 0;
    for (size_t i = 0; i < vectors.n; i++) {
        const struct vec *v = &vectors.v[i];
        if (v->kind != VEC_PARTIAL || v->dir != PROTO_C2S)
            continue;
        struct th_client c;
        assert_int_equal(th_connect(&c, th_srv.port), 0);
        assert_int_equal(th_send_raw(&c, v->bytes, v->n), 0);
        th_expect_silence(&c, 150);
        th_close(&c);
        count++;
    }
    assert_true(count >= 1);
    /* A welcomed client that sends half a MOVE header is not answered
     * either, and the rest of the frame then completes it. */
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    static const uint8_t move[5] = { PROTO_MOVE, 0x00, 0x02, 0x00, 0x04 };
    assert_int_equal(th_send_raw(&x, move, 2), 0);
    th_expect_silence(&x, 100);
    assert_int_equal(th_send_raw(&x, move + 2, 2), 0);
    th_expect_silence(&x, 100);
    assert_int_equal(th_send_raw(&x, move + 4, 1), 0);
    struct proto_msg m;
    th_expect(&x, PROTO_MOVED, &m);
    assert_int_equal(m.u.moved.cell, 4);
    th_expect(&o, PROTO_MOVED, NULL);
    th_close(&x);
    th_close(&o);
}

/* Encode m and send it one byte per write, with a short pause between. */
static void send_bytewise(struct th_client *c, const struct proto_msg *m)
{
    uint8_t buf[PROTO_FRAME_MAX];
    int n = proto_encode(m, buf, sizeof buf);
    assert_true(n > 0);
    for (int i = 0; i < n; i++) {
        assert_int_equal(th_send_raw(c, buf + i, 1), 0);
        th_sleep_ms(1);
    }
}

static void hello_msg(struct proto_msg *m, const char *name)
{
    memset(m, 0, sizeof *m);
    m->type = PROTO_HELLO;
    m->u.hello.version = PROTO_VERSION;
    assert_int_equal(proto_name_set(&m->u.hello.name, name), PROTO_OK);
}

static void byte_at_a_time_game(void **state)
{
    (void)state;
    struct th_client x, o;
    struct proto_msg m;
    assert_int_equal(th_connect(&x, th_srv.port), 0);
    assert_int_equal(th_connect(&o, th_srv.port), 0);
    hello_msg(&m, "slow-x");
    send_bytewise(&x, &m);
    th_expect(&x, PROTO_WELCOME, NULL);
    hello_msg(&m, "slow-o");
    send_bytewise(&o, &m);
    th_expect(&o, PROTO_WELCOME, NULL);
    memset(&m, 0, sizeof m);
    m.type = PROTO_QUICK_MATCH;
    send_bytewise(&x, &m);
    th_expect(&x, PROTO_QUEUED, NULL);
    send_bytewise(&o, &m);
    th_expect(&o, PROTO_QUEUED, NULL);
    th_expect_start(&x, PROTO_MARK_X, "slow-x", "slow-o");
    th_expect_start(&o, PROTO_MARK_O, "slow-x", "slow-o");
    static const uint8_t cells[5] = { 4, 0, 8, 2, 1 };
    for (uint8_t ply = 0; ply < 5; ply++) {
        struct th_client *mover = ply % 2 ? &o : &x;
        memset(&m, 0, sizeof m);
        m.type = PROTO_MOVE;
        m.u.move.ply = ply;
        m.u.move.cell = cells[ply];
        send_bytewise(mover, &m);
        for (int i = 0; i < 2; i++) {
            struct proto_msg got;
            th_expect(i ? &o : &x, PROTO_MOVED, &got);
            assert_int_equal(got.u.moved.ply, ply);
            assert_int_equal(got.u.moved.cell, cells[ply]);
        }
    }
    /* X: 4, 8, 1; O: 0, 2. Now O errs byte by byte, then resigns so. */
    memset(&m, 0, sizeof m);
    m.type = PROTO_MOVE;
    m.u.move.ply = 5;
    m.u.move.cell = 4;
    send_bytewise(&o, &m);
    th_expect_error(&o, PROTO_ERR_CELL_TAKEN);
    memset(&m, 0, sizeof m);
    m.type = PROTO_RESIGN;
    send_bytewise(&o, &m);
    th_expect_game_over(&x, PROTO_MARK_X, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&o, PROTO_MARK_X, PROTO_REASON_RESIGN, NULL);
    th_close(&x);
    th_close(&o);
}

/* Append the encoding of m to buf at *len. */
static void append(uint8_t *buf, size_t *len, size_t cap, const struct proto_msg *m)
{
    int n = proto_encode(m, buf + *len, cap - *len);
    assert_true(n > 0);
    *len += (size_t)n;
}

static void append_type(uint8_t *buf, size_t *len, size_t cap, uint8_t type)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = type;
    append(buf, len, cap, &m);
}

static void append_move(uint8_t *buf, size_t *len, size_t cap, uint8_t ply, uint8_t cell)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_MOVE;
    m.u.move.ply = ply;
    m.u.move.cell = cell;
    append(buf, len, cap, &m);
}

static void append_ping(uint8_t *buf, size_t *len, size_t cap, uint32_t nonce)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_PING;
    m.u.ping.nonce = nonce;
    append(buf, len, cap, &m);
}

static void expect_pong(struct th_client *c, uint32_t nonce)
{
    struct proto_msg m;
    th_expect(c, PROTO_PONG, &m);
    assert_int_equal(m.u.ping.nonce, nonce);
}

static void coalesced_frames(void **state)
{
    (void)state;
    struct th_client x, o;
    struct proto_msg m;
    uint8_t buf[512];
    size_t n = 0;
    /* HELLO and QUICK_MATCH in one write, for each of them. */
    assert_int_equal(th_connect(&x, th_srv.port), 0);
    hello_msg(&m, "bulk-x");
    append(buf, &n, sizeof buf, &m);
    append_type(buf, &n, sizeof buf, PROTO_QUICK_MATCH);
    assert_int_equal(th_send_raw(&x, buf, n), 0);
    th_expect(&x, PROTO_WELCOME, NULL);
    th_expect(&x, PROTO_QUEUED, NULL);
    assert_int_equal(th_connect(&o, th_srv.port), 0);
    n = 0;
    hello_msg(&m, "bulk-o");
    append(buf, &n, sizeof buf, &m);
    append_type(buf, &n, sizeof buf, PROTO_QUICK_MATCH);
    assert_int_equal(th_send_raw(&o, buf, n), 0);
    th_expect(&o, PROTO_WELCOME, NULL);
    th_expect(&o, PROTO_QUEUED, NULL);
    th_expect_start(&x, PROTO_MARK_X, "bulk-x", "bulk-o");
    th_expect_start(&o, PROTO_MARK_O, "bulk-x", "bulk-o");

    /* X: a move, a PING, a move out of turn: answered in order. */
    n = 0;
    append_move(buf, &n, sizeof buf, 0, 4);
    append_ping(buf, &n, sizeof buf, 77);
    append_move(buf, &n, sizeof buf, 1, 0);
    assert_int_equal(th_send_raw(&x, buf, n), 0);
    th_expect(&x, PROTO_MOVED, &m);
    assert_int_equal(m.u.moved.cell, 4);
    expect_pong(&x, 77);
    th_expect_error(&x, PROTO_ERR_NOT_YOUR_TURN);
    th_expect(&o, PROTO_MOVED, NULL);
    th_expect_silence(&o, 100);

    /* O: a move, the same move again (now X's turn: NOT_YOUR_TURN comes
     * before the stale ply), a lobby request (UNEXPECTED). */
    n = 0;
    append_move(buf, &n, sizeof buf, 1, 0);
    append_move(buf, &n, sizeof buf, 1, 0);
    append_type(buf, &n, sizeof buf, PROTO_LIST_GAMES);
    assert_int_equal(th_send_raw(&o, buf, n), 0);
    th_expect(&o, PROTO_MOVED, NULL);
    th_expect_error(&o, PROTO_ERR_NOT_YOUR_TURN);
    th_expect_error(&o, PROTO_ERR_UNEXPECTED);
    th_expect(&x, PROTO_MOVED, NULL);

    /* 40 PINGs in one write: 40 PONGs, in order. */
    n = 0;
    for (uint32_t i = 0; i < 40; i++)
        append_ping(buf, &n, sizeof buf, 1000 + i);
    assert_int_equal(th_send_raw(&x, buf, n), 0);
    for (uint32_t i = 0; i < 40; i++)
        expect_pong(&x, 1000 + i);

    /* A good frame, a broken one, a good one: the first is handled, the
     * second is fatal, the third is never looked at. */
    n = 0;
    append_ping(buf, &n, sizeof buf, 5);
    buf[n++] = 0x3f;
    buf[n++] = 0x00;
    buf[n++] = 0x00;
    append_ping(buf, &n, sizeof buf, 6);
    assert_int_equal(th_send_raw(&x, buf, n), 0);
    expect_pong(&x, 5);
    th_expect_error(&x, PROTO_ERR_BAD_FRAME);
    th_expect_eof(&x, TH_TIMEOUT_MS);
    th_expect_opponent(&o, PROTO_OPP_DISCONNECTED, 20); /* the default grace */
    th_close(&x);
    th_close(&o);
}

static void fatal_hello_ignores_what_follows(void **state)
{
    (void)state;
    struct th_client c;
    uint8_t buf[128];
    size_t n = 0;
    static const uint8_t bad_hello[] = { 0x01, 0x00, 0x0c, 'T', 'T', 'T', 'P', 0x01, 0x06, 'a', 'l', 0x1b, 'i', 'c', 'e' };
    memcpy(buf, bad_hello, sizeof bad_hello);
    n = sizeof bad_hello;
    struct proto_msg m;
    hello_msg(&m, "good");
    append(buf, &n, sizeof buf, &m);
    append_type(buf, &n, sizeof buf, PROTO_QUICK_MATCH);
    assert_int_equal(th_connect(&c, th_srv.port), 0);
    assert_int_equal(th_send_raw(&c, buf, n), 0);
    th_expect_error(&c, PROTO_ERR_BAD_NAME);
    th_expect_eof(&c, TH_TIMEOUT_MS);
    th_close(&c);
    /* Nobody was queued by the ignored QUICK_MATCH: two newcomers pair. */
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    th_close(&x);
    th_close(&o);
}

/* Clients that send a broken frame (or a HELLO that is fatal) and reset
 * the connection at once, so that the server's ERROR cannot be sent: the
 * server must go on serving, and exit cleanly at the end (the fixture
 * checks its exit status, which a sanitizer report makes non-zero). */
static void bad_frame_then_reset(void **state)
{
    (void)state;
    struct bystanders by;
    bystanders_start(&by);
    static const uint8_t garbage[] = { 0x3f, 0x00, 0x00 };
    static const uint8_t bad_name[] = { 0x01, 0x00, 0x07, 'T', 'T', 'T', 'P', 0x01, 0x01, 0x1b };
    for (int i = 0; i < 20; i++) {
        struct th_client c;
        if (i % 4 >= 2)
            th_hello(&c, th_srv.port, "resetter");
        else
            assert_int_equal(th_connect(&c, th_srv.port), 0);
        if (i % 2)
            assert_int_equal(th_send_raw(&c, garbage, sizeof garbage), 0);
        else
            assert_int_equal(th_send_raw(&c, bad_name, sizeof bad_name), 0);
        th_reset(&c);
        /* A newcomer is served, whatever happened to the one before. */
        struct th_client n;
        th_hello(&n, th_srv.port, "next");
        th_close(&n);
        bystanders_fine(&by);
    }
    assert_true(th_server_alive(&th_srv));
    bystanders_finish(&by);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(every_invalid_line_before_hello),
        T(every_invalid_line_after_hello),
        T(invalid_line_from_a_player),
        T(server_frames_from_a_client),
        T(partial_lines_get_no_answer),
        T(byte_at_a_time_game),
        T(coalesced_frames),
        T(fatal_hello_ignores_what_follows),
        T(bad_frame_then_reset),
    };
    return cmocka_run_group_tests(tests, load_vectors, NULL);
}
