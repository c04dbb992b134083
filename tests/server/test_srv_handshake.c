/* SPDX-License-Identifier: MIT */
/* test_srv_handshake.c: tttd's pre-HELLO state against a real server: the
 * WELCOME fields, fresh tokens per connection, the name rules (BAD_NAME,
 * fatal), bad magic (BAD_FRAME), another version (BAD_VERSION), a first
 * frame that is not a HELLO (UNEXPECTED, fatal), and what a welcomed
 * connection may then do (PING, a second HELLO is UNEXPECTED but not fatal),
 * and the linger after a fatal ERROR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "harness.h"

static struct th_server srv;

static int start(void **state)
{
    (void)state;
    th_ignore_sigpipe();
    static const char *const args[] = { "--turn-time", "7", "--grace", "9", NULL };
    return th_server_start(&srv, args);
}

static int stop(void **state)
{
    (void)state;
    return th_server_stop(&srv) == 0 ? 0 : -1;
}

/* Raw name bytes (may hold NULs). */
struct bytes {
    const char *b;
    size_t n;
};

/* Build a HELLO frame with this magic, version and raw name into f[64];
 * returns its length. The length field says 6 + n, whatever the limits. */
static size_t hello_frame(uint8_t *f, const char *magic, uint8_t version, const void *name, size_t n)
{
    assert_true(n <= 40);
    f[0] = PROTO_HELLO;
    f[1] = 0;
    f[2] = (uint8_t)(6 + n);
    memcpy(f + 3, magic, 4);
    f[7] = version;
    f[8] = (uint8_t)n;
    memcpy(f + 9, name, n);
    return 9 + n;
}

static void send_hello_bytes(struct th_client *c, const char *magic, uint8_t version, const void *name, size_t n)
{
    uint8_t f[64];
    size_t len = hello_frame(f, magic, version, name, n);
    assert_int_equal(th_send_raw(c, f, len), 0);
}

/* A fresh connection sends `bytes`; it must get ERROR `code` and then EOF. */
static void expect_fatal(const void *bytes, size_t n, uint8_t code)
{
    struct th_client c;
    assert_int_equal(th_connect(&c, srv.port), 0);
    assert_int_equal(th_send_raw(&c, bytes, n), 0);
    th_expect_error(&c, code);
    th_expect_eof(&c, TH_TIMEOUT_MS);
    th_close(&c);
}

/* The server still welcomes a newcomer (nothing above broke it). */
static void server_still_welcomes(void)
{
    struct th_client c;
    th_hello(&c, srv.port, "after");
    th_close(&c);
    assert_true(th_server_alive(&srv));
}

static void welcome_fields(void **state)
{
    (void)state;
    struct th_client c;
    assert_int_equal(th_connect(&c, srv.port), 0);
    send_hello_bytes(&c, "TTTP", 1, "alice", 5);
    struct proto_msg m;
    th_expect(&c, PROTO_WELCOME, &m);
    assert_int_equal(m.u.welcome.version, 1);
    assert_int_equal(m.u.welcome.turn_s, 7);
    assert_int_equal(m.u.welcome.grace_s, 9);
    static const uint8_t zero[PROTO_TOKEN_LEN];
    assert_memory_not_equal(m.u.welcome.token, zero, PROTO_TOKEN_LEN);
    /* Nothing else follows a WELCOME. */
    th_expect_silence(&c, 200);
    th_close(&c);
}

static void tokens_differ_per_connection(void **state)
{
    (void)state;
    enum { N = 8 };
    struct th_client c[N];
    for (int i = 0; i < N; i++) {
        th_hello(&c[i], srv.port, "same");
        for (int j = 0; j < i; j++)
            assert_memory_not_equal(c[i].token, c[j].token, PROTO_TOKEN_LEN);
    }
    for (int i = 0; i < N; i++)
        th_close(&c[i]);
}

static void good_names_welcomed(void **state)
{
    (void)state;
    static const struct bytes names[] = {
        { "a", 1 },
        { "abcdefghijklmnop", 16 },                                       /* 16 ASCII bytes */
        { "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 16 }, /* 4 emoji */
        { "\xc2\xa0x", 3 },                                               /* U+00A0, just past C1 */
        { "\xd0\x90\xd0\xbd\xd0\xbd\xd0\xb0", 8 },                         /* Cyrillic */
        { "\xf4\x8f\xbf\xbf", 4 },                                        /* U+10FFFF */
        { "a b\"\\", 5 },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct th_client c;
        assert_int_equal(th_connect(&c, srv.port), 0);
        send_hello_bytes(&c, "TTTP", 1, names[i].b, names[i].n);
        th_expect(&c, PROTO_WELCOME, NULL);
        th_close(&c);
    }
}

static void bad_names_fatal(void **state)
{
    (void)state;
    static const struct bytes names[] = {
        { "", 0 },                                   /* empty */
        { "abcdefghijklmnopq", 17 },                 /* 17 bytes */
        { "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80!", 17 },
        { "al\x1bice", 6 },                          /* ESC */
        { "tab\there", 8 },
        { "nul\0x", 5 },
        { "al\x7fice", 6 },                          /* DEL */
        { "al\xffice", 6 },                          /* not UTF-8 */
        { "\xc0\xaf" "ab", 4 },                      /* overlong '/' */
        { "\xe0\x80\xaf", 3 },                       /* overlong, 3 bytes */
        { "\xed\xa0\x80", 3 },                       /* surrogate U+D800 */
        { "\xed\xbf\xbf", 3 },                       /* surrogate U+DFFF */
        { "\xf4\x90\x80\x80", 4 },                   /* above U+10FFFF */
        { "ab\xe2\x82", 4 },                         /* truncated sequence */
        { "\x80x", 2 },                              /* stray continuation byte */
        { "a\xc2\x9b" "b", 4 },                      /* C1 U+009B (CSI) */
        { "a\xc2\xad" "b", 4 },                      /* soft hyphen U+00AD */
        { "\xe2\x80\xae" "bob", 6 },                 /* right-to-left override */
        { "b\xe2\x80\x8b" "ob", 6 },                 /* zero-width space */
        { "bo\xe2\x81\xa6" "b", 6 },                 /* left-to-right isolate U+2066 */
        { "\xef\xbb\xbf" "bob", 6 },                 /* byte-order mark */
        { "bob\xef\xbf\xb9", 6 },                    /* U+FFF9 */
        { " bob", 4 },                               /* leading space */
        { "bob ", 4 },                               /* trailing space */
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        uint8_t f[64];
        size_t n = names[i].n, len = hello_frame(f, "TTTP", 1, names[i].b, n);
        /* 17-byte names make a 23-byte payload: over HELLO's limit, so the
         * header check answers BAD_FRAME before the name is looked at. */
        expect_fatal(f, len, 6 + n > PROTO_C2S_PAYLOAD_MAX ? PROTO_ERR_BAD_FRAME : PROTO_ERR_BAD_NAME);
    }
    server_still_welcomes();
}

static void bad_magic_is_bad_frame(void **state)
{
    (void)state;
    static const char *const magics[] = { "TTTX", "tttp", "\0\0\0\0", "PTTT" };
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
        struct th_client c;
        assert_int_equal(th_connect(&c, srv.port), 0);
        send_hello_bytes(&c, magics[i], 1, "alice", 5);
        th_expect_error(&c, PROTO_ERR_BAD_FRAME);
        th_expect_eof(&c, TH_TIMEOUT_MS);
        th_close(&c);
    }
    /* Bad magic wins over a bad version. */
    struct th_client c;
    assert_int_equal(th_connect(&c, srv.port), 0);
    send_hello_bytes(&c, "TTTX", 2, "alice", 5);
    th_expect_error(&c, PROTO_ERR_BAD_FRAME);
    th_expect_eof(&c, TH_TIMEOUT_MS);
    th_close(&c);
    server_still_welcomes();
}

static void other_version_is_bad_version(void **state)
{
    (void)state;
    static const uint8_t versions[] = { 0, 2, 255 };
    for (size_t i = 0; i < sizeof versions; i++) {
        struct th_client c;
        assert_int_equal(th_connect(&c, srv.port), 0);
        send_hello_bytes(&c, "TTTP", versions[i], "alice", 5);
        th_expect_error(&c, PROTO_ERR_BAD_VERSION);
        th_expect_eof(&c, TH_TIMEOUT_MS);
        th_close(&c);
    }
    /* "whatever follows": a version 2 HELLO whose name framing is v1-broken. */
    static const uint8_t v2_odd[] = { 0x01, 0x00, 0x08, 'T', 'T', 'T', 'P', 0x02, 0x09, 0xff, 0x00 };
    expect_fatal(v2_odd, sizeof v2_odd, PROTO_ERR_BAD_VERSION);
    /* ... and one with an empty name (a name-rule break in v1). */
    static const uint8_t v2_empty[] = { 0x01, 0x00, 0x06, 'T', 'T', 'T', 'P', 0x02, 0x00 };
    expect_fatal(v2_empty, sizeof v2_empty, PROTO_ERR_BAD_VERSION);
    server_still_welcomes();
}

static void first_frame_not_hello_unexpected(void **state)
{
    (void)state;
    static const uint8_t frames[][8] = {
        { 0x02, 0x00, 0x00 },                         /* QUICK_MATCH */
        { 0x03, 0x00, 0x00 },                         /* CREATE_ROOM */
        { 0x07, 0x00, 0x00 },                         /* LIST_GAMES */
        { 0x13, 0x00, 0x00 },                         /* LEAVE */
        { 0x10, 0x00, 0x02, 0x00, 0x04 },             /* MOVE */
        { 0x70, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01 }, /* PING: not even that */
        { 0x71, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01 }, /* PONG */
        { 0x06, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01 }, /* SPECTATE */
    };
    static const size_t lens[] = { 3, 3, 3, 3, 5, 7, 7, 7 };
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
        expect_fatal(frames[i], lens[i], PROTO_ERR_UNEXPECTED);
    server_still_welcomes();
}

static void welcomed_connection_ping_and_second_hello(void **state)
{
    (void)state;
    struct th_client c;
    th_hello(&c, srv.port, "pinger");
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_PING;
    m.u.ping.nonce = 0xdeadbeefu;
    assert_int_equal(th_send(&c, &m), 0);
    th_expect(&c, PROTO_PONG, &m);
    assert_int_equal(m.u.ping.nonce, 0xdeadbeefu);
    /* A second HELLO: UNEXPECTED, not fatal. */
    send_hello_bytes(&c, "TTTP", 1, "again", 5);
    th_expect_error(&c, PROTO_ERR_UNEXPECTED);
    assert_int_equal(th_send_type(&c, PROTO_LIST_GAMES), 0);
    th_expect(&c, PROTO_GAME_LIST, NULL);
    /* A PONG nobody asked for is accepted silently; LEAVE in the lobby too. */
    m.type = PROTO_PONG;
    assert_int_equal(th_send(&c, &m), 0);
    assert_int_equal(th_send_type(&c, PROTO_LEAVE), 0);
    th_expect_silence(&c, 300);
    /* Lobby: RESIGN, REMATCH and MOVE are UNEXPECTED, not fatal. */
    assert_int_equal(th_send_type(&c, PROTO_RESIGN), 0);
    th_expect_error(&c, PROTO_ERR_UNEXPECTED);
    assert_int_equal(th_send_type(&c, PROTO_REMATCH), 0);
    th_expect_error(&c, PROTO_ERR_UNEXPECTED);
    assert_int_equal(th_send_move(&c, 0, 4), 0);
    th_expect_error(&c, PROTO_ERR_UNEXPECTED);
    assert_int_equal(th_send_type(&c, PROTO_LIST_GAMES), 0);
    th_expect(&c, PROTO_GAME_LIST, NULL);
    th_close(&c);
}

/* A HELLO split over several writes, then the server answers once it is whole. */
static void hello_in_pieces(void **state)
{
    (void)state;
    static const uint8_t hello[] = { 0x01, 0x00, 0x0b, 'T', 'T', 'T', 'P', 0x01, 0x05, 'a', 'l', 'i', 'c', 'e' };
    struct th_client c;
    assert_int_equal(th_connect(&c, srv.port), 0);
    assert_int_equal(th_send_raw(&c, hello, 2), 0);
    th_expect_silence(&c, 100);
    assert_int_equal(th_send_raw(&c, hello + 2, 5), 0);
    th_expect_silence(&c, 100);
    assert_int_equal(th_send_raw(&c, hello + 7, sizeof hello - 7), 0);
    th_expect(&c, PROTO_WELCOME, NULL);
    th_close(&c);
}

/* After a fatal ERROR the server half-closes at once, then closes its socket
 * when the client closes, or after the 2 s linger if the client does not. */
static void fatal_error_linger(void **state)
{
    (void)state;
    assert_int_equal(th_server_wait_sockets(&srv, 1, TH_TIMEOUT_MS), 0); /* the listener alone */
    static const uint8_t junk[] = { 0x3f, 0x00, 0x00 };
    struct th_client c;
    assert_int_equal(th_connect(&c, srv.port), 0);
    assert_int_equal(th_send_raw(&c, junk, sizeof junk), 0);
    int64_t t0 = th_now_ms();
    th_expect_error(&c, PROTO_ERR_BAD_FRAME);
    th_expect_eof(&c, TH_TIMEOUT_MS);
    /* The client stays: the server keeps its socket a while, then closes it. */
    assert_int_equal(th_server_sockets(&srv), 2);
    assert_int_equal(th_server_wait_sockets(&srv, 1, 5000), 0);
    int64_t held = th_now_ms() - t0;
    if (held < 1000 || held > 4500)
        fail_msg("the server held the socket %lld ms after the fatal ERROR (linger: 2 s)", (long long)held);
    th_close(&c);
    /* A client that closes at once is let go at once. */
    assert_int_equal(th_connect(&c, srv.port), 0);
    assert_int_equal(th_send_raw(&c, junk, sizeof junk), 0);
    th_expect_error(&c, PROTO_ERR_BAD_FRAME);
    th_close(&c);
    t0 = th_now_ms();
    assert_int_equal(th_server_wait_sockets(&srv, 1, TH_TIMEOUT_MS), 0);
    assert_true(th_now_ms() - t0 < 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(welcome_fields),
        cmocka_unit_test(tokens_differ_per_connection),
        cmocka_unit_test(good_names_welcomed),
        cmocka_unit_test(bad_names_fatal),
        cmocka_unit_test(bad_magic_is_bad_frame),
        cmocka_unit_test(other_version_is_bad_version),
        cmocka_unit_test(first_frame_not_hello_unexpected),
        cmocka_unit_test(welcomed_connection_ping_and_second_hello),
        cmocka_unit_test(hello_in_pieces),
        cmocka_unit_test(fatal_error_linger),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
