/* SPDX-License-Identifier: MIT */
/* test_srv_discovery.c: the real tttd answering discovery, each on a UDP
 * port of its own (--announce-port 0: the kernel picks; the log says
 * which), queried from this process over loopback.
 *
 * - A QUERY gets one ANSWER, never larger than the QUERY, with the query's
 *   id, the server's TCP port, its --name and the live counts (players,
 *   games, full); a malformed datagram, another version, a QUERY of the
 *   wrong length or padding, an ANSWER, junk: nothing.
 * - With --bind naming an address, only the queries that reached it (sent
 *   to it, or broadcast on its network) are answered, from that address;
 *   an IPv4-only server answers no IPv6 query.
 * - A flood of 10,000 queries a second, from one source and from 256,
 *   gets no more answers than the limits allow (8 then 4 a second to one
 *   source, 200 then 200 a second in all), and the moves of games played
 *   meanwhile go on: their round trips with and without the flood are
 *   printed (measured, not asserted).
 * - At shutdown tttd stops answering, and a client's list of servers
 *   (session/discover.c) loses it within its forgetting time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr_text.h"
#include "announce.h"
#include "discover.h"
#include "discovery.h"
#include "harness.h"
#include "ipv6.h"

/* ---- helpers ---- */

/* The discovery port tttd says it answers on (its log line), or fail. */
static uint16_t announce_port_of(const struct th_server *s)
{
    static const char said[] = "answering discovery on UDP port ";
    char *log = th_server_log_with(s, said);
    unsigned port = 0;
    (void)sscanf(strstr(log, said) + sizeof said - 1, "%u", &port);
    free(log);
    if (port == 0 || port > 65535)
        fail_msg("tttd said it answers discovery on port %u", port);
    return (uint16_t)port;
}

/* Start tttd with args (which name an --announce-port); the discovery
 * port it answers on. */
static uint16_t start_answering(struct th_server *srv, const char *const *args)
{
    assert_int_equal(th_server_start(srv, args), 0);
    return announce_port_of(srv);
}

/* Stop tttd (it must exit 0) and return its whole log (caller frees, then
 * th_server_stop). */
static char *stop_and_log(struct th_server *srv)
{
    assert_int_equal(th_server_signal(srv, SIGTERM), 0);
    assert_int_equal(th_server_wait(srv, 5000), 0);
    char *log = th_server_stderr(srv);
    assert_non_null(log);
    return log;
}

static struct sockaddr_storage addr_of(const char *text, uint16_t port)
{
    struct sockaddr_storage ss = th_addr(text, port);
    assert_int_not_equal(ss.ss_family, 0);
    return ss;
}

/* A non-blocking datagram socket on `local` (port 0), allowed to broadcast. */
static int udp_on(const char *local)
{
    struct sockaddr_storage ss = addr_of(local, 0);
    int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), on = 1;
    assert_true(fd >= 0);
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on), 0);
    if (bind(fd, (struct sockaddr *)&ss, th_addr_len(&ss)) < 0)
        fail_msg("bind %s: %s", local, strerror(errno));
    return fd;
}

static size_t query_bytes(uint8_t q[DISC_QUERY_LEN], uint32_t id)
{
    struct disc_msg m = {.type = DISC_QUERY, .id = id};
    assert_int_equal(disc_encode(&m, q, DISC_QUERY_LEN), DISC_QUERY_LEN);
    return DISC_QUERY_LEN;
}

static void send_to(int fd, const char *dst, uint16_t port, const void *d, size_t n)
{
    struct sockaddr_storage to = addr_of(dst, port);
    if (sendto(fd, d, n, 0, (struct sockaddr *)&to, th_addr_len(&to)) != (ssize_t)n)
        fail_msg("sendto %s: %s", dst, strerror(errno));
}

/* The next datagram on fd within ms: its length (0: none came), its
 * sender in *from (may be NULL). */
static size_t recv_within(int fd, uint8_t *buf, size_t cap, struct sockaddr_storage *from, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (poll(&p, 1, ms) != 1)
        return 0;
    ssize_t n = recvfrom(fd, buf, cap, 0, (struct sockaddr *)&ss, &len);
    assert_true(n > 0);
    if (from)
        *from = ss;
    return (size_t)n;
}

/* Ask with a QUERY of id `id` sent to dst: 1 with the ANSWER decoded into
 * *m (and its sender in *from, may be NULL) when one came within 300 ms,
 * else 0. The ANSWER is never larger than the QUERY. */
static int ask(int fd, const char *dst, uint16_t port, uint32_t id, struct disc_msg *m,
               struct sockaddr_storage *from)
{
    uint8_t q[DISC_QUERY_LEN], a[DISC_DATAGRAM_MAX + 1];
    send_to(fd, dst, port, q, query_bytes(q, id));
    size_t n = recv_within(fd, a, sizeof a, from, 300);
    if (n == 0)
        return 0;
    assert_true(n <= DISC_QUERY_LEN);
    assert_int_equal(disc_decode(a, n, m), DISC_OK);
    assert_int_equal(m->type, DISC_ANSWER);
    assert_int_equal(m->id, id);
    return 1;
}

static void expect_from(const struct sockaddr_storage *from, const char *want, uint16_t port)
{
    char text[SOCK_ADDR_LEN], expected[SOCK_ADDR_LEN];
    sock_format_addr((const struct sockaddr *)from, text, sizeof text);
    snprintf(expected, sizeof expected, strchr(want, ':') ? "[%s]:%u" : "%s:%u", want, (unsigned)port);
    assert_string_equal(text, expected);
}

/* ---- what an ANSWER says ---- */

static const char name32[] = "a server name of 32 bytes, exact";

/* The longest ANSWER (a 32-byte name) is shorter than the QUERY; it says
 * what the server is. */
static void answer_says_what_the_server_is(void **state)
{
    (void)state;
    static const char *const args[] = {"--announce-port", "0", "--name", name32, NULL};
    struct th_server srv;
    uint16_t port = start_answering(&srv, args);
    int fd = udp_on("127.0.0.1");
    uint8_t q[DISC_QUERY_LEN], a[DISC_DATAGRAM_MAX + 1];
    send_to(fd, "127.0.0.1", port, q, query_bytes(q, 0xABCD1234));
    size_t n = recv_within(fd, a, sizeof a, NULL, 1000);
    assert_int_equal(n, DISC_ANSWER_MAX);
    assert_true(n < DISC_QUERY_LEN);
    struct disc_msg m;
    assert_int_equal(disc_decode(a, n, &m), DISC_OK);
    assert_int_equal(m.id, 0xABCD1234);
    assert_int_equal(m.answer.tcp_port, srv.port);
    assert_int_equal(m.answer.proto_version, PROTO_VERSION);
    assert_int_equal(m.answer.name.len, 32);
    assert_memory_equal(m.answer.name.s, name32, 32);
    assert_int_equal(m.answer.players, 0);
    assert_int_equal(m.answer.games, 0);
    assert_int_equal(m.answer.flags, 0);
    close(fd);
    assert_int_equal(th_server_stop(&srv), 0);
}

/* Datagrams that are not a version-1 QUERY as it must be get nothing. */
static void malformed_get_nothing(void **state)
{
    (void)state;
    static const char *const args[] = {"--announce-port", "0", NULL};
    struct th_server srv;
    uint16_t port = start_answering(&srv, args);
    int fd = udp_on("127.0.0.1");
    uint8_t q[DISC_QUERY_LEN + 8], junk[1000], a[DISC_DATAGRAM_MAX + 1];
    memset(junk, 'T', sizeof junk);
    memset(q, 0, sizeof q);
    query_bytes(q, 7);
    send_to(fd, "127.0.0.1", port, q, DISC_QUERY_LEN - 1);  /* short */
    send_to(fd, "127.0.0.1", port, q, DISC_QUERY_LEN + 8);  /* long */
    send_to(fd, "127.0.0.1", port, junk, sizeof junk);
    send_to(fd, "127.0.0.1", port, q, 0);                  /* empty */
    q[40] = 1;
    send_to(fd, "127.0.0.1", port, q, DISC_QUERY_LEN);      /* padding not zero */
    q[40] = 0;
    q[4] = 2;
    send_to(fd, "127.0.0.1", port, q, DISC_QUERY_LEN);      /* version 2 */
    q[4] = 1;
    struct disc_msg answer = {.type = DISC_ANSWER, .id = 7};
    answer.answer = (struct disc_answer){.server_id = 1, .tcp_port = 1, .proto_version = 1};
    assert_int_equal(disc_name_set(&answer.answer.name, "x", 1), DISC_OK);
    int an = disc_encode(&answer, a, sizeof a);
    assert_true(an > 0);
    send_to(fd, "127.0.0.1", port, a, (size_t)an);          /* an ANSWER */
    assert_int_equal(recv_within(fd, a, sizeof a, NULL, 300), 0);
    struct disc_msg m; /* and a good one still gets its answer */
    assert_int_equal(ask(fd, "127.0.0.1", port, 8, &m, NULL), 1);
    close(fd);
    char *log = stop_and_log(&srv);
    assert_non_null(log);
    if (!strstr(log, "discovery: 1 queries answered; not answered: 0 over the rate limits, 5 malformed, "
                     "1 of another version, 1 not a query"))
        fail_msg("the counts at the end are not 1 answered, 5 malformed, 1 version, 1 answer:\n%s", log);
    free(log);
    (void)th_server_stop(&srv);
}

/* The counts in the ANSWER are live: a game in progress, the server full. */
static void answer_counts_are_live(void **state)
{
    (void)state;
    static const char *const args[] = {"--announce-port", "0", "--max-clients", "2", NULL};
    struct th_server srv;
    uint16_t port = start_answering(&srv, args);
    int fd = udp_on("127.0.0.1");
    struct disc_msg m;
    struct th_client x, o;
    th_hello(&x, srv.port, "alice");
    assert_int_equal(ask(fd, "127.0.0.1", port, 1, &m, NULL), 1);
    assert_int_equal(m.answer.players, 1);
    assert_int_equal(m.answer.games, 0);
    assert_int_equal(m.answer.flags, 0);
    th_close(&x);
    assert_int_equal(th_server_wait_sockets(&srv, 2, TH_TIMEOUT_MS), 0); /* the listener and UDP */
    th_pair(&x, &o, srv.port, "alice", "bob", NULL);
    assert_int_equal(ask(fd, "127.0.0.1", port, 2, &m, NULL), 1);
    assert_int_equal(m.answer.players, 2);
    assert_int_equal(m.answer.games, 1);
    assert_int_equal(m.answer.flags, DISC_FLAG_FULL);
    th_close(&x);
    th_close(&o);
    close(fd);
    assert_int_equal(th_server_stop(&srv), 0);
}

/* ---- which queries a server with --bind answers ---- */

/* Listening on 127.0.0.2 only: a query to 127.0.0.2 or broadcast on its
 * network is answered from 127.0.0.2; one to 127.0.0.1, none. */
static void bound_address_answers_its_own(void **state)
{
    (void)state;
    static const char *const args[] = {"--bind", "127.0.0.2", "--announce-port", "0", NULL};
    struct th_server srv;
    uint16_t port = start_answering(&srv, args);
    int fd = udp_on("127.0.0.1");
    struct disc_msg m;
    struct sockaddr_storage from;
    assert_int_equal(ask(fd, "127.0.0.2", port, 1, &m, &from), 1);
    expect_from(&from, "127.0.0.2", port);
    assert_int_equal(ask(fd, "127.255.255.255", port, 2, &m, &from), 1);
    expect_from(&from, "127.0.0.2", port);
    assert_int_equal(ask(fd, "127.0.0.1", port, 3, &m, NULL), 0);
    if (th_have_ipv6()) { /* an IPv4 server answers no IPv6 query */
        int fd6 = udp_on("::1");
        assert_int_equal(ask(fd6, "::1", port, 4, &m, NULL), 0);
        close(fd6);
    }
    close(fd);
    assert_int_equal(th_server_stop(&srv), 0);
}

/* Listening on ::1 only: IPv6 queries to it are answered from it, IPv4
 * ones not at all. */
static void bound_ipv6_answers_ipv6(void **state)
{
    (void)state;
    if (!th_have_ipv6())
        skip();
    static const char *const args[] = {"--bind", "::1", "--announce-port", "0", NULL};
    struct th_server srv;
    uint16_t port = start_answering(&srv, args);
    int fd = udp_on("::1"), fd4 = udp_on("127.0.0.1");
    struct disc_msg m;
    struct sockaddr_storage from;
    assert_int_equal(ask(fd, "::1", port, 1, &m, &from), 1);
    expect_from(&from, "::1", port);
    assert_int_equal(ask(fd4, "127.0.0.1", port, 2, &m, NULL), 0);
    assert_int_equal(ask(fd4, "127.255.255.255", port, 3, &m, NULL), 0);
    close(fd);
    close(fd4);
    assert_int_equal(th_server_stop(&srv), 0);
}

/* The wildcard (the default): every query, answered from the address it
 * was sent to. */
static void wildcard_answers_all(void **state)
{
    (void)state;
    static const char *const args[] = {TH_NO_BIND, "--announce-port", "0", NULL};
    struct th_server srv;
    uint16_t port = start_answering(&srv, args);
    int fd = udp_on("127.0.0.1");
    struct disc_msg m;
    struct sockaddr_storage from;
    assert_int_equal(ask(fd, "127.0.0.3", port, 1, &m, &from), 1);
    expect_from(&from, "127.0.0.3", port);
    assert_int_equal(ask(fd, "127.255.255.255", port, 2, &m, &from), 1);
    if (th_have_ipv6()) {
        int fd6 = udp_on("::1");
        assert_int_equal(ask(fd6, "::1", port, 3, &m, &from), 1);
        expect_from(&from, "::1", port);
        close(fd6);
    }
    close(fd);
    assert_int_equal(th_server_stop(&srv), 0);
}

/* ---- a flood ---- */

#define FLOOD_PER_S 10000
#define FLOOD_SOURCES 256
#define GAMES 30
#define GAME_GAP_MS 70  /* the games spread over two seconds of flood */

struct flood {
    uint16_t port;
    int nsocks;
    int fds[FLOOD_SOURCES];
    atomic_int stop;
    int64_t started_ms, ended_ms, drained_ms; /* the first query sent, the last, the last answer taken */
    uint64_t sent, answers;
};

/* Take every answer waiting on the flood's sockets; each must be a
 * well-formed ANSWER no larger than a QUERY. */
static void drain_answers(struct flood *f)
{
    uint8_t a[DISC_DATAGRAM_MAX + 1];
    for (int i = 0; i < f->nsocks; i++) {
        ssize_t n;
        while ((n = recv(f->fds[i], a, sizeof a, MSG_DONTWAIT)) > 0) {
            struct disc_msg m;
            if (n > DISC_QUERY_LEN || disc_decode(a, (size_t)n, &m) != DISC_OK || m.type != DISC_ANSWER)
                f->answers += 1000000; /* fails the count below, loudly */
            f->answers++;
        }
    }
}

/* 10,000 queries a second, 100 every 10 ms, round-robin over the sockets,
 * until stopped; then the last answers. */
static void *flood_run(void *arg)
{
    struct flood *f = arg;
    uint8_t q[DISC_QUERY_LEN];
    struct sockaddr_storage to = addr_of("127.0.0.1", f->port);
    query_bytes(q, 0xF100D);
    f->started_ms = th_now_ms();
    for (int64_t tick = 0; !atomic_load(&f->stop); tick++) {
        for (int k = 0; k < FLOOD_PER_S / 100; k++, f->sent++)
            (void)sendto(f->fds[f->sent % (uint64_t)f->nsocks], q, sizeof q, MSG_DONTWAIT,
                         (struct sockaddr *)&to, th_addr_len(&to));
        drain_answers(f);
        int64_t next = f->started_ms + (tick + 1) * 10, now = th_now_ms();
        if (next > now)
            th_sleep_ms((int)(next - now));
    }
    f->ended_ms = th_now_ms();
    th_sleep_ms(200);
    drain_answers(f);
    f->drained_ms = th_now_ms();
    return NULL;
}

/* Sockets for the flood: one on 127.0.0.1, or FLOOD_SOURCES on
 * 127.1.0.1, 127.1.0.2, ...: as many sources. */
static void flood_open(struct flood *f, uint16_t port, int sources)
{
    memset(f, 0, sizeof *f);
    f->port = port;
    f->nsocks = sources;
    for (int i = 0; i < sources; i++) {
        char local[32];
        snprintf(local, sizeof local, sources == 1 ? "127.0.0.1" : "127.1.%d.%d", (i + 1) / 256, (i + 1) % 256);
        f->fds[i] = udp_on(local);
    }
}

static void flood_close(struct flood *f)
{
    for (int i = 0; i < f->nsocks; i++)
        close(f->fds[i]);
}

/* CPU time tttd has used, user and system, in milliseconds (from
 * /proc/PID/stat); -1 when unreadable. */
static long cpu_ms(const struct th_server *s)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)s->pid);
    char *text = th_read_file(path);
    const char *after = text ? strrchr(text, ')') : NULL; /* the name may hold spaces */
    unsigned long utime = 0, stime = 0;
    int ok = after && sscanf(after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) == 2;
    free(text);
    long hz = sysconf(_SC_CLK_TCK);
    return ok && hz > 0 ? (long)((utime + stime) * 1000ul / (unsigned long)hz) : -1;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Play `games` quick games (a draw each, 9 moves) on fresh pairs, one
 * every GAME_GAP_MS; every move's round trip, MOVE sent to MOVED at both
 * players, into us[]. */
static size_t play_games(uint16_t tcp_port, int games, uint64_t *us)
{
    static const uint8_t draw[9] = {0, 1, 2, 4, 3, 5, 7, 6, 8};
    size_t n = 0;
    for (int g = 0; g < games; g++) {
        struct th_client x, o;
        th_pair(&x, &o, tcp_port, "x", "o", NULL);
        for (uint8_t ply = 0; ply < 9; ply++) {
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            th_move(ply % 2 ? &o : &x, ply % 2 ? &x : &o, ply, draw[ply]);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            us[n++] = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000);
        }
        th_expect_game_over(&x, PROTO_MARK_NONE, PROTO_REASON_FULL, NULL);
        th_close(&x);
        th_close(&o);
        th_sleep_ms(GAME_GAP_MS);
    }
    return n;
}

static void print_round_trips(const char *what, uint64_t *us, size_t n)
{
    qsort(us, n, sizeof *us, cmp_u64);
    print_message("move round trip %s: p50 %llu us, p90 %llu us, p99 %llu us, max %llu us (%zu moves)\n", what,
                  (unsigned long long)us[n / 2], (unsigned long long)us[n * 9 / 10],
                  (unsigned long long)us[n * 99 / 100], (unsigned long long)us[n - 1], n);
}

/* Answers a flood may get in `ms` under a limit of burst + per_s a second
 * (one more for a refill between two clock reads). The time is from the
 * first query sent to the last answer taken: the server may answer queued
 * queries after the last was sent. */
static uint64_t allowed(unsigned burst, unsigned per_s, int64_t ms)
{
    return burst + (uint64_t)per_s * (uint64_t)ms / 1000u + 1u;
}

/* Print what a flood sent and got; returns the most answers it may get. */
static uint64_t flood_report(const struct flood *f, const char *what, unsigned burst, unsigned per_s)
{
    uint64_t most = allowed(burst, per_s, f->drained_ms - f->started_ms);
    print_message("%s: %llu queries in %lld ms; %llu answers, at most %llu allowed\n", what,
                  (unsigned long long)f->sent, (long long)(f->ended_ms - f->started_ms),
                  (unsigned long long)f->answers, (unsigned long long)most);
    return most;
}

static void flood_of_queries(void **state)
{
    (void)state;
    static const char *const args[] = {"--announce-port", "0", NULL};
    static uint64_t quiet_us[GAMES * 9], flooded_us[GAMES * 9];
    static struct flood f;
    pthread_t t;
    struct th_server srv;
    uint16_t port = start_answering(&srv, args);

    size_t nq = play_games(srv.port, GAMES, quiet_us);

    /* One source, one second. */
    flood_open(&f, port, 1);
    assert_int_equal(pthread_create(&t, NULL, flood_run, &f), 0);
    th_sleep_ms(1000);
    atomic_store(&f.stop, 1);
    assert_int_equal(pthread_join(t, NULL), 0);
    flood_close(&f);
    assert_true(f.answers >= 1);
    assert_true(f.answers <= flood_report(&f, "one source", ANNOUNCE_SOURCE_BURST, ANNOUNCE_SOURCE_PER_S));

    /* 256 sources, while games are played. */
    long cpu_before = cpu_ms(&srv);
    flood_open(&f, port, FLOOD_SOURCES);
    assert_int_equal(pthread_create(&t, NULL, flood_run, &f), 0);
    th_sleep_ms(200);
    size_t nf = play_games(srv.port, GAMES, flooded_us);
    th_sleep_ms(200);
    atomic_store(&f.stop, 1);
    assert_int_equal(pthread_join(t, NULL), 0);
    flood_close(&f);
    long cpu = cpu_ms(&srv) - cpu_before;
    print_message("tttd's CPU meanwhile: %ld ms in %lld ms (%.1f us a query, games included)\n", cpu,
                  (long long)(f.ended_ms - f.started_ms), cpu_before < 0 ? -1.0 : (double)cpu * 1000.0 / (double)f.sent);
    assert_true(f.answers >= ANNOUNCE_TOTAL_BURST / 2);
    assert_true(f.answers <= flood_report(&f, "256 sources", ANNOUNCE_TOTAL_BURST, ANNOUNCE_TOTAL_PER_S));

    print_round_trips("without a flood", quiet_us, nq);
    print_round_trips("under 10,000 queries a second", flooded_us, nf);
    char *log = stop_and_log(&srv);
    const char *counts = log ? strstr(log, "discovery: ") : NULL;
    assert_non_null(counts);
    print_message("tttd: %.*s\n", (int)strcspn(counts, "\n"), counts);
    free(log);
    (void)th_server_stop(&srv);
}

/* ---- the end ---- */

/* A client's list of servers (session/discover.c) holds a server while
 * it answers, and loses it within its forgetting time once it stops. */
static void stopped_server_leaves_the_list(void **state)
{
    (void)state;
    static const char *const args[] = {"--announce-port", "0", "--name", "leaving", NULL};
    struct th_server srv;
    uint16_t port = start_answering(&srv, args);
    static struct discover d;
    char err[SOCK_ERR_LEN];
    assert_int_equal(discover_open(&d, port, 0x1EAF, (uint64_t)th_now_ms(), err), 0);
    int64_t stop_at = 0, gone_at = 0, deadline = th_now_ms() + 15000;
    while (!gone_at && th_now_ms() < deadline) {
        uint64_t now = (uint64_t)th_now_ms();
        (void)discover_tick(&d, now);
        if (!stop_at && d.nservers == 1) {
            assert_string_equal(d.servers[0].info.name.s, "leaving");
            assert_int_equal(d.servers[0].info.tcp_port, srv.port);
            assert_int_equal(th_server_stop(&srv), 0);
            stop_at = th_now_ms();
        } else if (stop_at && d.nservers == 0) {
            gone_at = th_now_ms();
        }
        int fds[2], n = discover_fds(&d, fds);
        struct pollfd p[2];
        for (int i = 0; i < n; i++)
            p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
        uint64_t next = discover_next_deadline(&d);
        now = (uint64_t)th_now_ms();
        if (poll(p, (nfds_t)n, next > now ? (int)(next - now) : 0) > 0)
            for (int i = 0; i < n; i++)
                if (p[i].revents)
                    (void)discover_on_readable(&d, fds[i], (uint64_t)th_now_ms());
    }
    discover_close(&d);
    assert_true(stop_at > 0);
    assert_true(gone_at > 0);
    print_message("the server left the list %lld ms after it stopped\n", (long long)(gone_at - stop_at));
    assert_true(gone_at - stop_at <= DISCOVER_FORGET_MS + DISCOVER_INTERVAL_MS);
}

/* During shutdown (a client still connected keeps tttd there) no query is
 * answered. */
static void shutdown_stops_answering(void **state)
{
    (void)state;
    static const char *const args[] = {"--announce-port", "0", NULL};
    struct th_server srv;
    uint16_t port = start_answering(&srv, args);
    int fd = udp_on("127.0.0.1");
    struct disc_msg m;
    struct th_client c;
    th_hello(&c, srv.port, "stays");
    assert_int_equal(ask(fd, "127.0.0.1", port, 1, &m, NULL), 1);
    assert_int_equal(th_server_signal(&srv, SIGTERM), 0);
    th_expect_error(&c, PROTO_ERR_SHUTTING_DOWN);
    assert_true(th_server_alive(&srv)); /* c still connected: tttd lingers */
    assert_int_equal(ask(fd, "127.0.0.1", port, 2, &m, NULL), 0);
    th_close(&c);
    assert_int_equal(th_server_wait(&srv, 5000), 0);
    close(fd);
    (void)th_server_stop(&srv);
}

int main(void)
{
    th_ignore_sigpipe();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answer_says_what_the_server_is),
        cmocka_unit_test(malformed_get_nothing),
        cmocka_unit_test(answer_counts_are_live),
        cmocka_unit_test(bound_address_answers_its_own),
        cmocka_unit_test(bound_ipv6_answers_ipv6),
        cmocka_unit_test(wildcard_answers_all),
        cmocka_unit_test(flood_of_queries),
        cmocka_unit_test(shutdown_stops_answering),
        cmocka_unit_test(stopped_server_leaves_the_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
