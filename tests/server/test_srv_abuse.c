/* SPDX-License-Identifier: MIT */
/* test_srv_abuse.c: clients that misbehave against a real tttd, and the
 * proof that they hurt no one else: floods (hundreds of frames in one write,
 * or a sustained rate over 50 a second) get SLOW_DOWN after the burst of 100
 * and EOF while a calm game on the same server keeps its latency; a client
 * paced under the limit is never cut off; a player cut off for flooding
 * keeps its seat for the grace period and RESUMEs it; slow readers (LIST_GAMES of 32
 * live games, never read, under the rate limit) are dropped without an ERROR
 * once their output queue passes 64 KiB, with the server's memory flat and
 * a game going on meanwhile; the kernel holds at most 2 x 16 KiB of unsent
 * bytes for each of them (SO_SNDBUF, read back from /proc/net/tcp), not the
 * megabytes its send buffer grows to by default; a header with an unknown
 * type or an impossible length gets BAD_FRAME as soon as its 3 bytes are
 * in, before any payload. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

/* What "normal latency" means on a loaded 2-core machine, sanitizers on. */
#define CALM_MAX_MS 1000

/* `count` copies of a frame of `type` with a `len`-byte payload of `fill`. */
static uint8_t *frames(uint8_t type, uint16_t len, uint8_t fill, size_t count, size_t *total)
{
    size_t one = PROTO_HEADER_LEN + len;
    uint8_t *b = malloc(one * count);
    assert_non_null(b);
    for (size_t i = 0; i < count; i++) {
        uint8_t *f = b + i * one;
        f[0] = type;
        f[1] = (uint8_t)(len >> 8);
        f[2] = (uint8_t)len;
        memset(f + PROTO_HEADER_LEN, fill, len);
    }
    *total = one * count;
    return b;
}

/* One timed move of the calm game; returns how long both MOVEDs took. */
static int64_t timed_move(struct th_client *x, struct th_client *o, uint8_t ply, uint8_t cell)
{
    int64_t t0 = th_now_ms();
    if (ply % 2 == 0)
        th_move(x, o, ply, cell);
    else
        th_move(o, x, ply, cell);
    return th_now_ms() - t0;
}

/* A flooder's answers: `reply` frames for the burst's tokens, then
 * SLOW_DOWN, then EOF. Returns how many replies came. */
static int expect_slowed(struct th_client *c, uint8_t reply)
{
    struct proto_msg m;
    int replies = 0, r;
    while ((r = th_recv(c, &m, TH_TIMEOUT_MS)) == 1 && m.type == reply)
        replies++;
    if (r != 1 || m.type != PROTO_ERROR || m.u.error.code != PROTO_ERR_SLOW_DOWN) {
        char what[300];
        fail_msg("flooder: after %d %s expected ERROR SLOW_DOWN, got %s", replies, proto_type_name(reply),
                 r == 1 ? th_describe(&m, what, sizeof what) : r == 0 ? "nothing" : "EOF or an error");
    }
    th_expect_eof(c, TH_TIMEOUT_MS);
    return replies;
}

/* ---- floods ---- */

static void test_flood_in_one_write(void **state)
{
    (void)state;
    uint16_t port = th_srv.port;
    struct th_client x, o;
    th_pair(&x, &o, port, "xcalm", "ocalm", NULL);

    enum { PER_MOVE = 4, MOVES = 5, FRAMES = 300 };
    struct th_client *fl = calloc(PER_MOVE * MOVES, sizeof *fl);
    assert_non_null(fl);
    for (int i = 0; i < PER_MOVE * MOVES; i++) {
        char name[16];
        snprintf(name, sizeof name, "flood%d", i);
        th_hello(&fl[i], port, name);
    }
    size_t nping, nlist;
    uint8_t *pings = frames(PROTO_PING, 4, 0x5a, FRAMES, &nping);
    uint8_t *lists = frames(PROTO_LIST_GAMES, 0, 0, FRAMES, &nlist);

    /* Before each move of the calm game, a fresh wave of floods. */
    static const uint8_t cells[MOVES] = { 0, 3, 1, 4, 2 };
    int64_t worst = 0;
    for (int mv = 0; mv < MOVES; mv++) {
        for (int k = 0; k < PER_MOVE; k++) {
            int i = mv * PER_MOVE + k;
            int sent = i % 2 ? th_send_raw(&fl[i], lists, nlist) : th_send_raw(&fl[i], pings, nping);
            assert_int_equal(sent, 0);
        }
        int64_t t = timed_move(&x, &o, (uint8_t)mv, cells[mv]);
        if (t > worst)
            worst = t;
    }
    static const uint8_t top[3] = { 0, 1, 2 };
    th_expect_game_over(&x, PROTO_MARK_X, PROTO_REASON_LINE, top);
    th_expect_game_over(&o, PROTO_MARK_X, PROTO_REASON_LINE, top);
    print_message("calm game: slowest move %lld ms during the floods\n", (long long)worst);
    assert_true(worst < CALM_MAX_MS);

    /* Each flooder had its burst of 100 (one spent on HELLO), then SLOW_DOWN. */
    for (int i = 0; i < PER_MOVE * MOVES; i++) {
        int replies = expect_slowed(&fl[i], i % 2 ? PROTO_GAME_LIST : PROTO_PONG);
        if (replies < 90 || replies > 110)
            fail_msg("flooder %d got %d replies before SLOW_DOWN (burst 100)", i, replies);
        th_close(&fl[i]);
    }
    free(pings);
    free(lists);
    free(fl);
    th_close(&x);
    th_close(&o);
}

static void test_sustained_rate(void **state)
{
    (void)state;
    uint16_t port = th_srv.port;
    size_t n4;
    uint8_t *four = frames(PROTO_PING, 4, 1, 4, &n4);
    size_t n10;
    uint8_t *ten = frames(PROTO_PING, 4, 2, 10, &n10);
    struct proto_msg m;

    /* Paced at 40 frames a second for 3 s (120 frames, more than the burst):
     * every PING answered, never cut off. */
    struct th_client good;
    th_hello(&good, port, "polite");
    int pongs = 0;
    for (int tick = 0; tick < 30; tick++) {
        assert_int_equal(th_send_raw(&good, four, n4), 0);
        int64_t until = th_now_ms() + 100;
        int r;
        while ((r = th_recv(&good, &m, (int)(until - th_now_ms() > 0 ? until - th_now_ms() : 0))) == 1) {
            if (m.type != PROTO_PONG) {
                char what[300];
                fail_msg("a client at 40 frames/s got %s", th_describe(&m, what, sizeof what));
            }
            pongs++;
        }
        assert_int_equal(r, 0);
    }
    while (pongs < 120) {
        th_expect(&good, PROTO_PONG, NULL);
        pongs++;
    }
    th_expect_lobby(&good);
    th_close(&good);

    /* 200 frames a second, 10 at a time: the bucket empties after a bit
     * more than the burst, then SLOW_DOWN and EOF. */
    struct th_client bad;
    th_hello(&bad, port, "pushy");
    pongs = 0;
    int slowed = 0;
    int64_t t0 = th_now_ms();
    while (!slowed && th_now_ms() - t0 < 5000) {
        (void)th_send_raw(&bad, ten, n10); /* fails once the server gave up */
        int r;
        while ((r = th_recv(&bad, &m, 50)) == 1 && m.type == PROTO_PONG)
            pongs++;
        if (r == 1) {
            assert_int_equal(m.type, PROTO_ERROR);
            assert_int_equal(m.u.error.code, PROTO_ERR_SLOW_DOWN);
            slowed = 1;
        } else {
            assert_int_equal(r, 0);
        }
    }
    assert_true(slowed);
    assert_true(pongs >= 100);
    th_expect_eof(&bad, TH_TIMEOUT_MS);
    th_close(&bad);
    free(four);
    free(ten);
}

/* A player who floods mid-game loses the connection, not the game: the
 * seat waits the grace period like any lost connection, and RESUME from a
 * new connection takes it back. */
static void test_flooding_player(void **state)
{
    (void)state;
    uint16_t port = th_srv.port;
    struct th_client x, o, x2;
    uint32_t id;
    th_pair(&x, &o, port, "xflood", "opatient", &id);
    th_move(&x, &o, 0, 4);
    size_t n;
    uint8_t *pings = frames(PROTO_PING, 4, 7, 300, &n);
    assert_int_equal(th_send_raw(&x, pings, n), 0);
    free(pings);
    int replies = expect_slowed(&x, PROTO_PONG);
    assert_true(replies >= 90 && replies <= 110);
    th_close(&x);
    th_expect_opponent(&o, PROTO_OPP_DISCONNECTED, 30);

    th_hello(&x2, port, "xflood");
    assert_int_equal(th_send_resume(&x2, x.token), 0);
    struct proto_msg m;
    th_expect(&x2, PROTO_GAME_START, &m);
    assert_int_equal(m.u.game_start.game_id, id);
    assert_int_equal(m.u.game_start.you, PROTO_MARK_X);
    th_expect(&x2, PROTO_STATE, &m);
    assert_int_equal(m.u.state.ply, 1);
    assert_int_equal(m.u.state.cells[4], PROTO_MARK_X);
    th_expect_opponent(&o, PROTO_OPP_RECONNECTED, 0);
    static const uint8_t rest[] = { 0, 2, 6, 3, 5, 1, 7, 8 }; /* a draw */
    th_play_to_draw(&x2, &o, 1, rest, sizeof rest);
    th_close(&x2);
    th_close(&o);
}

/* ---- slow readers ---- */

/* A client whose socket buffers are kept small (a 4 KiB receive buffer, a
 * 536-byte segment size announced to the server), so that what the kernel
 * absorbs is small and the server's own queue fills within seconds. */
static void slow_connect(struct th_client *c, uint16_t port)
{
    memset(c, 0, sizeof *c);
    proto_reader_init(&c->rd, PROTO_S2C, c->buf, sizeof c->buf);
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(c->fd >= 0);
    int rcvbuf = 4096, mss = 536;
    assert_int_equal(setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf), 0);
    assert_int_equal(setsockopt(c->fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss), 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(c->fd, (const struct sockaddr *)&a, sizeof a), 0);
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_HELLO;
    m.u.hello.version = PROTO_VERSION;
    assert_int_equal(proto_name_set(&m.u.hello.name, "slowreader"), PROTO_OK);
    assert_int_equal(th_send(c, &m), 0);
}

/* After the drop: whatever had reached the client is WELCOME and GAME_LISTs
 * (never an ERROR), then EOF or a reset. */
static void expect_dropped_silently(struct th_client *c)
{
    struct proto_msg m;
    int r, n = 0;
    while ((r = th_recv(c, &m, TH_TIMEOUT_MS)) == 1) {
        if (m.type != (n ? PROTO_GAME_LIST : PROTO_WELCOME)) {
            char what[300];
            fail_msg("slow reader: frame %d is %s", n, th_describe(&m, what, sizeof what));
        }
        n++;
    }
    if (r == 0)
        fail_msg("slow reader: no EOF after %d frames", n);
    if (r == -2 && errno == EPROTO)
        fail_msg("slow reader: a broken frame after %d frames", n);
}

/* n live games with 16-byte names (with 32, each GAME_LIST is 1249
 * bytes): their 2n players, calloc'd. */
static struct th_client *filler_games(int n)
{
    struct th_client *fill = calloc(2 * (size_t)n, sizeof *fill);
    assert_non_null(fill);
    for (int i = 0; i < n; i++) {
        char xn[17], on[17];
        snprintf(xn, sizeof xn, "fillerX-%08u", (unsigned)i % 100000000u);
        snprintf(on, sizeof on, "fillerO-%08u", (unsigned)i % 100000000u);
        th_pair(&fill[2 * i], &fill[2 * i + 1], th_srv.port, xn, on, NULL);
    }
    return fill;
}

static void test_slow_readers(void **state)
{
    (void)state;
    uint16_t port = th_srv.port;
    enum { FILLERS = 31, NSLOW = 8 };
    struct th_client *fill = filler_games(FILLERS);
    struct th_client x, o;
    th_pair(&x, &o, port, "calm-X-000000000", "calm-O-000000000", NULL);
    struct th_client probe;
    th_hello(&probe, port, "probe");
    struct proto_msg m;
    assert_int_equal(th_send_type(&probe, PROTO_LIST_GAMES), 0);
    th_expect(&probe, PROTO_GAME_LIST, &m);
    assert_int_equal(m.u.game_list.count, 32);
    long rss0 = th_server_rss_kib(&th_srv);
    assert_true(rss0 > 0);

    /* Burst of 90, then 4 every 100 ms (40 a second): under the rate limit,
     * so only the output queue bound can stop them. */
    struct th_client *slow = calloc(NSLOW, sizeof *slow);
    assert_non_null(slow);
    size_t nburst, nfour;
    uint8_t *burst = frames(PROTO_LIST_GAMES, 0, 0, 90, &nburst);
    uint8_t *four = frames(PROTO_LIST_GAMES, 0, 0, 4, &nfour);
    int dropped[NSLOW] = { 0 };
    for (int i = 0; i < NSLOW; i++) {
        slow_connect(&slow[i], port);
        assert_int_equal(th_send_raw(&slow[i], burst, nburst), 0);
    }
    /* Meanwhile the calm game moves every 300 ms, then its players ping. */
    static const uint8_t game[] = { 4, 0, 8, 1, 2, 6, 5 }; /* X wins 2-5-8 on the 7th move */
    size_t played = 0;
    int64_t worst = 0, t0 = th_now_ms();
    int ndropped = 0;
    for (int tick = 0; (ndropped < NSLOW || played < sizeof game) && th_now_ms() - t0 < 20000; tick++) {
        th_sleep_ms(100);
        for (int i = 0; i < NSLOW; i++) {
            if (!dropped[i] && th_send_raw(&slow[i], four, nfour) < 0) {
                dropped[i] = 1;
                ndropped++;
            }
        }
        if (tick % 3)
            continue;
        int64_t t;
        if (played < sizeof game) {
            t = timed_move(&x, &o, (uint8_t)played, game[played]);
            played++;
            if (played == sizeof game) {
                static const uint8_t line[3] = { 2, 5, 8 };
                th_expect_game_over(&x, PROTO_MARK_X, PROTO_REASON_LINE, line);
                th_expect_game_over(&o, PROTO_MARK_X, PROTO_REASON_LINE, line);
            }
        } else {
            int64_t s = th_now_ms();
            memset(&m, 0, sizeof m);
            m.type = PROTO_PING;
            m.u.ping.nonce = (uint32_t)tick;
            assert_int_equal(th_send(&x, &m), 0);
            th_expect(&x, PROTO_PONG, &m);
            assert_int_equal(m.u.ping.nonce, (uint32_t)tick);
            t = th_now_ms() - s;
        }
        if (t > worst)
            worst = t;
    }
    print_message("slow readers: %d of %d dropped after %lld ms; calm game %zu moves, slowest %lld ms\n",
                  ndropped, NSLOW, (long long)(th_now_ms() - t0), played, (long long)worst);
    assert_int_equal(ndropped, NSLOW);
    assert_true(worst < CALM_MAX_MS);
    for (int i = 0; i < NSLOW; i++) {
        expect_dropped_silently(&slow[i]);
        th_close(&slow[i]);
    }
    /* Memory stays flat: at most 64 KiB queued per slow reader, and freed. */
    long rss1 = th_server_rss_kib(&th_srv);
    print_message("server RSS %ld KiB before, %ld KiB after\n", rss0, rss1);
    assert_true(rss1 > 0 && rss1 - rss0 < 16 * 1024);

    /* Everyone else is fine. */
    th_expect_lobby(&probe);
    assert_int_equal(th_send_type(&probe, PROTO_LIST_GAMES), 0);
    th_expect(&probe, PROTO_GAME_LIST, &m);
    assert_int_equal(m.u.game_list.count, FILLERS);
    th_close(&probe);
    th_close(&x);
    th_close(&o);
    for (int i = 0; i < 2 * FILLERS; i++)
        th_close(&fill[i]);
    free(burst);
    free(four);
    free(slow);
    free(fill);
}

/* ---- the kernel's share ---- */

/* The bytes the kernel holds unsent or unacknowledged on the server's end
 * of the connection whose client end is `c` (tx_queue in /proc/net/tcp),
 * or -1 when there is no such line. */
static long server_tx_queue(const struct th_client *c)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(c->fd, (struct sockaddr *)&a, &len), 0);
    FILE *f = fopen("/proc/net/tcp", "r");
    assert_non_null(f);
    char line[512];
    long found = -1;
    while (found < 0 && fgets(line, sizeof line, f)) {
        unsigned lport, rport, st;
        unsigned long tx, rx;
        if (sscanf(line, " %*d: %*8x:%x %*8x:%x %x %lx:%lx", &lport, &rport, &st, &tx, &rx) == 5 &&
            lport == th_srv.port && rport == ntohs(a.sin_port))
            found = (long)tx;
    }
    fclose(f);
    return found;
}

static void test_kernel_memory_bounded(void **state)
{
    (void)state;
    uint16_t port = th_srv.port;
    enum { GAMES = 32, NSLOW = 16 };
    struct th_client *fill = filler_games(GAMES);
    /* 60 GAME_LISTs of 1252 bytes each: 75 KB that the clients never read.
     * The server's queue takes what the kernel refuses, under its 64 KiB. */
    struct th_client *slow = calloc(NSLOW, sizeof *slow);
    assert_non_null(slow);
    size_t n;
    uint8_t *lists = frames(PROTO_LIST_GAMES, 0, 0, 60, &n);
    for (int i = 0; i < NSLOW; i++) {
        slow_connect(&slow[i], port);
        assert_int_equal(th_send_raw(&slow[i], lists, n), 0);
    }
    th_sleep_ms(1000);
    long most = 0;
    for (int i = 0; i < NSLOW; i++) {
        long q = server_tx_queue(&slow[i]);
        if (q < 0)
            fail_msg("slow client %d: no line in /proc/net/tcp (dropped?)", i);
        if (q > most)
            most = q;
    }
    print_message("the kernel holds at most %ld bytes for a slow client\n", most);
    assert_true(most > 0 && most <= 32 * 1024);
    /* They are still connected: WELCOME, then the lists, whole. */
    struct proto_msg m;
    th_expect(&slow[0], PROTO_WELCOME, NULL);
    for (int k = 0; k < 60; k++) {
        th_expect(&slow[0], PROTO_GAME_LIST, &m);
        assert_int_equal(m.u.game_list.count, GAMES);
    }
    for (int i = 0; i < NSLOW; i++)
        th_close(&slow[i]);
    for (int i = 0; i < 2 * GAMES; i++)
        th_close(&fill[i]);
    free(lists);
    free(slow);
    free(fill);
}

/* ---- bad headers ---- */

struct header {
    uint8_t b[3];
    const char *what;
};

static const struct header bad_headers[] = {
    { { 0x55, 0x00, 0x01 }, "unknown type 0x55" },
    { { 0x00, 0x00, 0x00 }, "type 0" },
    { { PROTO_WELCOME, 0x00, 0x15 }, "a server type (WELCOME) from a client" },
    { { PROTO_ERROR, 0x00, 0x02 }, "a server type (ERROR) from a client" },
    { { PROTO_HELLO, 0xff, 0xff }, "HELLO of 65535 bytes" },
    { { PROTO_HELLO, 0x00, 0x17 }, "HELLO of 23 bytes" },
    { { PROTO_HELLO, 0x00, 0x05 }, "HELLO of 5 bytes" },
    { { PROTO_MOVE, 0x00, 0x03 }, "MOVE of 3 bytes" },
    { { PROTO_QUICK_MATCH, 0x00, 0x01 }, "QUICK_MATCH with a payload" },
    { { PROTO_PING, 0x10, 0x00 }, "PING of 4096 bytes" },
    { { PROTO_RESUME, 0x00, 0x0f }, "RESUME of 15 bytes" },
};

/* Send just the 3 header bytes (one at a time when `split`): BAD_FRAME must
 * come without waiting for a payload, then EOF. */
static void bad_header_case(const struct header *h, int welcomed, int split)
{
    struct th_client c;
    if (welcomed)
        th_hello(&c, th_srv.port, "header");
    else
        assert_int_equal(th_connect(&c, th_srv.port), 0);
    print_message("%s, %s%s\n", h->what, welcomed ? "after HELLO" : "as the first frame",
                  split ? ", a byte at a time" : "");
    if (split) {
        for (int i = 0; i < 3; i++) {
            if (i)
                th_expect_silence(&c, 100);
            assert_int_equal(th_send_raw(&c, h->b + i, 1), 0);
        }
    } else {
        assert_int_equal(th_send_raw(&c, h->b, 3), 0);
    }
    th_expect_error(&c, PROTO_ERR_BAD_FRAME);
    th_expect_eof(&c, TH_TIMEOUT_MS);
    th_close(&c);
}

static void test_bad_header_at_once(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_headers / sizeof bad_headers[0]; i++) {
        bad_header_case(&bad_headers[i], 0, 0);
        bad_header_case(&bad_headers[i], 1, 0);
    }
    bad_header_case(&bad_headers[0], 0, 1);
    bad_header_case(&bad_headers[4], 1, 1);

    /* A good header whose payload is still on its way is not an error. */
    struct th_client c;
    assert_int_equal(th_connect(&c, th_srv.port), 0);
    static const uint8_t part[] = { PROTO_HELLO, 0x00, 0x0b, 'T', 'T' };
    assert_int_equal(th_send_raw(&c, part, sizeof part), 0);
    th_expect_silence(&c, 300);
    static const uint8_t rest[] = { 'T', 'P', 1, 5, 'l', 'a', 't', 'e', 'r' };
    assert_int_equal(th_send_raw(&c, rest, sizeof rest), 0);
    th_expect(&c, PROTO_WELCOME, NULL);
    th_close(&c);
}

static const char *const long_games[] = { "--turn-time", "120", "--idle-timeout", "120", NULL };
static const char *const grace_30s[] = { "--grace", "30", NULL };

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_WITH(test_flood_in_one_write, long_games),
        TH_WITH(test_sustained_rate, long_games),
        TH_WITH(test_flooding_player, grace_30s),
        TH_WITH(test_kernel_memory_bounded, long_games),
        TH_WITH(test_slow_readers, long_games),
        TH_WITH(test_bad_header_at_once, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
