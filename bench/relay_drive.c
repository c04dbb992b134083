/* SPDX-License-Identifier: MIT */
/* relay_drive.c: bench_relay_drive, the load generator for bench_relay,
 * driving it the way ttt-bot --clients drives tttd: N connections on one
 * net/loop.h loop in one process, opened 256 at a time (each pair starts as
 * soon as both ends are in, while later ones still connect), one 4-byte
 * message in flight per pair like a move (A sends, B receives, B sends, A
 * receives, ...), a think time before each send (the first one a random part
 * of it), and the latency of each message from its send until its arrival
 * (both ends are in this process, so one clock measures it).
 *
 * Every message is its sender's number. The first one each end sends is a
 * hello that tells its pair who it is (the relay pairs in arrival order,
 * which need not be ours); from then on each message must come from that
 * pair, and the end with the lower number moves first.
 *
 * Usage: bench_relay_drive HOST:PORT [--clients N] [--seconds S] [--think MS] [--json]
 * Runs S seconds after the last connection is in. Prints a summary; with
 * --json, one JSON object as the last line of standard output with ttt-bot's
 * keys: moves, seconds (from the first connect on, as ttt-bot counts),
 * moves_per_s, latency_us and latency_steady_us {p50, p90, p99, max, count};
 * a "move" here is one message forwarded, hellos not counted; the steady ones
 * were sent after the last connection was in. Exit 0, or 1 with a message when a
 * connection fails or the relay forwards wrongly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "sock.h"

#define CONNECT_BATCH 256u /* connections under way at once, as ttt-bot */
#define FD_RESERVE 64u

enum { CONNECTING = 0, WAITING, PLAYING };

struct client {
    int fd;
    int state;
    uint32_t index;
    uint32_t pair;          /* the other end's index, from its hello */
    uint8_t in[8];          /* arriving messages: a hello and a move at most */
    size_t in_len;
    uint64_t sent_ns;       /* when this client's message in flight was sent */
    uint8_t sent_steady;    /* ... after every connection was in */
    uint8_t paused;         /* has thought once (the first pause is shorter) */
    struct loop_timer think;
};

static struct client *clients;
static uint32_t nclients = 2, started, connected;
static const char *host;
static uint16_t port;
static uint64_t think_ms, run_ms = 5000, rng = 0x9E3779B97F4A7C15u;
/* Latencies in ns, one per move delivered. */
struct samples {
    uint32_t *ns;
    size_t n, cap;
};
static struct samples all;    /* every move */
static struct samples steady; /* moves sent after the last connection was in (ttt-bot's
                               * latency_steady_us: here no client ends before the run) */
static uint64_t start_ns, stop_ns;
static struct loop_timer stop_timer;

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench_relay_drive: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* xorshift64: a random part of the first think time. */
static uint64_t rng_below(uint64_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng % n;
}

/* Send this client's number: a hello, or a move. */
static void send_message(struct client *c)
{
    uint32_t msg = htonl(c->index);
    c->sent_ns = now_ns();
    c->sent_steady = connected == nclients;
    ssize_t n = send(c->fd, &msg, sizeof msg, MSG_NOSIGNAL);
    if (n != (ssize_t)sizeof msg)
        fail("send on connection %u: %s", (unsigned)c->index, n < 0 ? strerror(errno) : "short send");
}

static void think_done(struct loop *loop, void *ctx)
{
    (void)loop;
    send_message(ctx);
}

/* Move now, or after the think time. */
static void move(struct loop *loop, struct client *c)
{
    uint64_t ms = think_ms;
    if (ms && !c->paused) {
        c->paused = 1;
        ms = rng_below(ms);
    }
    if (ms == 0)
        send_message(c);
    else if (loop_timer_at(loop, &c->think, loop_now_ms(loop) + ms) < 0)
        fail("timer heap full");
}

static void record(struct samples *s, uint64_t ns)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1u << 16;
        uint32_t *p = realloc(s->ns, cap * sizeof *p);
        if (!p)
            fail("out of memory for %zu latency samples", cap);
        s->ns = p;
        s->cap = cap;
    }
    s->ns[s->n++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

/* One whole message from the pair: its hello, or its move. */
static void on_message(struct loop *loop, struct client *c, uint32_t from, uint64_t at)
{
    if (from >= nclients || from == c->index)
        fail("connection %u got a message from %u: not a client", (unsigned)c->index, (unsigned)from);
    if (c->state == WAITING) {
        c->pair = from;
        c->state = PLAYING;
        if (c->index < from)
            move(loop, c);
        return;
    }
    if (from != c->pair)
        fail("connection %u, paired with %u, got %u's message", (unsigned)c->index, (unsigned)c->pair,
             (unsigned)from);
    record(&all, at - clients[from].sent_ns);
    if (clients[from].sent_steady)
        record(&steady, at - clients[from].sent_ns);
    move(loop, c);
}

static void start_connects(struct loop *loop);

static void on_event(struct loop *loop, int fd, void *ctx, unsigned events)
{
    struct client *c = ctx;
    char err[SOCK_ERR_LEN];
    (void)events;
    if (c->state == CONNECTING) {
        if (sock_connect_result(fd, err) < 0)
            fail("connection %u: %s", (unsigned)c->index, err);
        if (loop_mod_fd(loop, fd, LOOP_READABLE) < 0)
            fail("loop_mod_fd: %s", strerror(errno));
        c->state = WAITING;
        send_message(c);
        if (++connected == nclients &&
            loop_timer_at(loop, &stop_timer, loop_now_ms(loop) + run_ms) < 0)
            fail("timer heap full");
        start_connects(loop);
        return;
    }
    ssize_t n = recv(fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0)
        fail("connection %u: %s", (unsigned)c->index, n == 0 ? "closed by the relay" : strerror(errno));
    uint64_t at = now_ns();
    c->in_len += (size_t)n;
    size_t used = 0;
    for (; c->in_len - used >= 4; used += 4) {
        uint32_t from;
        memcpy(&from, c->in + used, sizeof from);
        on_message(loop, c, ntohl(from), at);
    }
    memmove(c->in, c->in + used, c->in_len - used);
    c->in_len -= used;
    if (c->in_len == sizeof c->in)
        fail("connection %u: more messages in flight than one", (unsigned)c->index);
}

/* Keep CONNECT_BATCH connections under way until all have started. */
static void start_connects(struct loop *loop)
{
    char err[SOCK_ERR_LEN];
    while (started < nclients && started - connected < CONNECT_BATCH) {
        struct client *c = &clients[started];
        c->index = started++;
        if ((c->fd = sock_connect_start(host, port, err)) < 0)
            fail("connection %u: %s", (unsigned)c->index, err);
        loop_timer_init(&c->think, think_done, c);
        if (loop_add_fd(loop, c->fd, LOOP_WRITABLE, on_event, c) < 0)
            fail("loop_add_fd: %s", strerror(errno));
    }
}

static void time_up(struct loop *loop, void *ctx)
{
    (void)ctx;
    stop_ns = now_ns();
    loop_stop(loop);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile in microseconds (samples sorted). */
static double pct_us(const struct samples *s, double p)
{
    if (s->n == 0)
        return 0.0;
    size_t rank = (size_t)(p * (double)s->n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > s->n)
        rank = s->n;
    return (double)s->ns[rank - 1] / 1000.0;
}

/* ,"KEY":{"p50":...,"count":N} */
static void json_latency(const char *key, const struct samples *s)
{
    printf(",\"%s\":{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"max\":%.1f,\"count\":%zu}", key,
           pct_us(s, 0.50), pct_us(s, 0.90), pct_us(s, 0.99), pct_us(s, 1.0), s->n);
}

static unsigned long number(const char *opt, const char *s, unsigned long lo, unsigned long hi)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = s && *s >= '0' && *s <= '9' ? strtoul(s, &end, 10) : 0;
    if (!end || *end || errno || v < lo || v > hi)
        fail("%s needs a whole number from %lu to %lu", opt, lo, hi);
    return v;
}

int main(int argc, char **argv)
{
    static const char usage[] =
        "usage: bench_relay_drive HOST:PORT [--clients N] [--seconds S] [--think MS] [--json]";
    const char *target = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--clients"))
            nclients = (uint32_t)number(a, v, 2, 1000000), i++;
        else if (!strcmp(a, "--seconds"))
            run_ms = number(a, v, 1, 86400) * 1000u, i++;
        else if (!strcmp(a, "--think"))
            think_ms = number(a, v, 0, 3600000), i++;
        else if (!strcmp(a, "--json"))
            json = 1;
        else if (a[0] != '-' && !target)
            target = a;
        else
            fail("%s", usage);
    }
    if (!target)
        fail("%s", usage);
    if (nclients % 2)
        fail("--clients must be even (the relay pairs them)");
    static char hostbuf[256];
    char err[SOCK_ERR_LEN];
    if (sock_split_hostport(target, hostbuf, sizeof hostbuf, &port, err) < 0)
        fail("%s", err);
    host = hostbuf;

    /* One descriptor per client, plus a few; root may raise the hard limit. */
    struct rlimit rl;
    rlim_t need = nclients + FD_RESERVE;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        fail("getrlimit: %s", strerror(errno));
    if (rl.rlim_cur < need) {
        rl.rlim_cur = need;
        if (rl.rlim_max < need)
            rl.rlim_max = need;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
            fail("cannot allow %llu open files (ulimit -n): %s", (unsigned long long)need, strerror(errno));
    }
    struct loop *loop = loop_new((int)need);
    if (!loop)
        fail("loop_new: %s", strerror(errno));
    if (!(clients = calloc(nclients, sizeof *clients)))
        fail("out of memory for %u clients", (unsigned)nclients);
    loop_timer_init(&stop_timer, time_up, NULL);

    start_ns = now_ns();
    start_connects(loop);
    if (loop_run(loop) < 0)
        fail("epoll: %s", strerror(errno));

    qsort(all.ns, all.n, sizeof *all.ns, cmp_u32);
    qsort(steady.ns, steady.n, sizeof *steady.ns, cmp_u32);
    double secs = (double)(stop_ns - start_ns) / 1e9;
    double rate = (double)all.n / secs;
    printf("%u clients, think %llu ms: %zu messages in %.3f s, %.0f messages/s\n", (unsigned)nclients,
           (unsigned long long)think_ms, all.n, secs, rate);
    printf("latency us: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", pct_us(&all, 0.50),
           pct_us(&all, 0.90), pct_us(&all, 0.99), pct_us(&all, 1.0));
    printf("  with all clients in: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f (%zu messages)\n",
           pct_us(&steady, 0.50), pct_us(&steady, 0.90), pct_us(&steady, 0.99), pct_us(&steady, 1.0),
           steady.n);
    if (json) {
        printf("{\"clients\":%u,\"think_ms\":%llu,\"moves\":%zu,\"seconds\":%.3f,\"moves_per_s\":%.1f",
               (unsigned)nclients, (unsigned long long)think_ms, all.n, secs, rate);
        json_latency("latency_us", &all);
        json_latency("latency_steady_us", &steady);
        printf("}\n");
    }
    for (uint32_t i = 0; i < nclients; i++)
        if (close(clients[i].fd) < 0)
            fail("close: %s", strerror(errno));
    free(clients);
    free(all.ns);
    free(steady.ns);
    loop_free(loop);
    return fflush(stdout) == 0 ? 0 : 1;
}
