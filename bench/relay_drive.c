/* relay_drive.c: bench_relay_drive, the load generator for bench_relay,
 * driving it the way ttt-bot --clients drives tttd: N connections on one
 * net/loop.h loop in one process, paired as the relay pairs them (in
 * connection order), one 4-byte message in flight per pair like a move
 * (A sends, B receives, B sends, A receives, ...), an optional think time
 * before each send, and the latency of each message from its send until its
 * arrival (both ends are in this process, so one clock measures it).
 *
 * Usage: bench_relay_drive HOST:PORT [--clients N] [--seconds S] [--think MS] [--json]
 * Prints a summary; with --json, one JSON object as the last line of standard
 * output with ttt-bot's keys: moves, seconds, moves_per_s, latency_us {p50,
 * p90, p99, max} (a "move" here is one message forwarded). Exit 0, or 1 with a
 * message when a connection fails or the relay pairs or forwards wrongly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
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

#define CONNECT_TIMEOUT_MS 5000
#define FD_RESERVE 64u

struct client {
    int fd;
    uint32_t index;         /* connection order; the relay pairs 2k with 2k+1 */
    uint8_t in[8];          /* the message arriving (more than 4 is an error) */
    size_t in_len;
    uint64_t sent_ns;       /* when this client's message in flight was sent */
    struct loop_timer think;
};

static struct client *clients;
static uint32_t nclients = 2;
static uint64_t think_ms;
static uint32_t *samples_ns; /* one latency per message delivered */
static size_t nsamples, samples_cap;
static uint64_t start_ns, stop_ns;

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

/* Send this client's message: its own index, so the receiver can check that
 * the relay paired the two as expected. */
static void send_message(struct client *c)
{
    uint32_t msg = htonl(c->index);
    c->sent_ns = now_ns();
    ssize_t n = send(c->fd, &msg, sizeof msg, MSG_NOSIGNAL);
    if (n != (ssize_t)sizeof msg)
        fail("send on connection %u: %s", (unsigned)c->index, n < 0 ? strerror(errno) : "short send");
}

static void think_done(struct loop *loop, void *ctx)
{
    (void)loop;
    send_message(ctx);
}

static void record(uint64_t ns)
{
    if (nsamples == samples_cap) {
        size_t cap = samples_cap ? samples_cap * 2 : 1u << 16;
        uint32_t *p = realloc(samples_ns, cap * sizeof *p);
        if (!p)
            fail("out of memory for %zu latency samples", cap);
        samples_ns = p;
        samples_cap = cap;
    }
    samples_ns[nsamples++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

static void on_readable(struct loop *loop, int fd, void *ctx, unsigned events)
{
    struct client *c = ctx;
    (void)events;
    ssize_t n = recv(fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0)
        fail("connection %u: %s", (unsigned)c->index, n == 0 ? "closed by the relay" : strerror(errno));
    c->in_len += (size_t)n;
    if (c->in_len < 4)
        return;
    if (c->in_len > 4)
        fail("connection %u: more than one message in flight", (unsigned)c->index);
    uint64_t now = now_ns();
    uint32_t from;
    memcpy(&from, c->in, sizeof from);
    from = ntohl(from);
    c->in_len = 0;
    if (from != (c->index ^ 1u))
        fail("connection %u got connection %u's message: the relay paired differently", (unsigned)c->index,
             (unsigned)from);
    record(now - clients[from].sent_ns);
    if (think_ms == 0)
        send_message(c);
    else if (loop_timer_at(loop, &c->think, loop_now_ms(loop) + think_ms) < 0)
        fail("timer heap full");
}

static void time_up(struct loop *loop, void *ctx)
{
    (void)ctx;
    stop_ns = now_ns();
    loop_stop(loop);
}

/* Connect one client, waiting for the handshake so that the relay sees the
 * connections in our order. */
static void connect_one(struct client *c, const char *host, uint16_t port)
{
    char err[SOCK_ERR_LEN];
    int fd = sock_connect_start(host, port, err);
    if (fd < 0)
        fail("connection %u: %s", (unsigned)c->index, err);
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    int r;
    while ((r = poll(&p, 1, CONNECT_TIMEOUT_MS)) < 0 && errno == EINTR)
        ;
    if (r < 0)
        fail("poll: %s", strerror(errno));
    if (r == 0)
        fail("connection %u: no answer within %d ms", (unsigned)c->index, CONNECT_TIMEOUT_MS);
    if (sock_connect_result(fd, err) < 0)
        fail("connection %u: %s", (unsigned)c->index, err);
    c->fd = fd;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile in microseconds (samples sorted). */
static double pct_us(double p)
{
    if (nsamples == 0)
        return 0.0;
    size_t rank = (size_t)(p * (double)nsamples + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > nsamples)
        rank = nsamples;
    return (double)samples_ns[rank - 1] / 1000.0;
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
    const char *target = NULL;
    unsigned long seconds = 5;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--clients"))
            nclients = (uint32_t)number(a, v, 2, 1000000), i++;
        else if (!strcmp(a, "--seconds"))
            seconds = number(a, v, 1, 86400), i++;
        else if (!strcmp(a, "--think"))
            think_ms = number(a, v, 0, 3600000), i++;
        else if (!strcmp(a, "--json"))
            json = 1;
        else if (a[0] != '-' && !target)
            target = a;
        else
            fail("usage: bench_relay_drive HOST:PORT [--clients N] [--seconds S] [--think MS] [--json]");
    }
    if (!target)
        fail("usage: bench_relay_drive HOST:PORT [--clients N] [--seconds S] [--think MS] [--json]");
    if (nclients % 2)
        fail("--clients must be even (the relay pairs them)");
    char host[256], err[SOCK_ERR_LEN];
    uint16_t port;
    if (sock_split_hostport(target, host, sizeof host, &port, err) < 0)
        fail("%s", err);

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
    rl.rlim_cur = need; /* the loop watches descriptors below this */
    if (!(clients = calloc(nclients, sizeof *clients)))
        fail("out of memory for %u clients", (unsigned)nclients);
    for (uint32_t i = 0; i < nclients; i++) {
        clients[i].index = i;
        connect_one(&clients[i], host, port);
    }
    /* Made after connecting, which can take seconds: the loop's clock
     * starts now. */
    struct loop *loop = loop_new((int)rl.rlim_cur);
    if (!loop)
        fail("loop_new: %s", strerror(errno));
    for (uint32_t i = 0; i < nclients; i++) {
        struct client *c = &clients[i];
        loop_timer_init(&c->think, think_done, c);
        if (loop_add_fd(loop, c->fd, LOOP_READABLE, on_readable, c) < 0)
            fail("loop_add_fd: %s", strerror(errno));
    }

    struct loop_timer stop;
    loop_timer_init(&stop, time_up, NULL);
    if (loop_timer_at(loop, &stop, loop_now_ms(loop) + seconds * 1000u) < 0)
        fail("timer heap full");
    /* The first message of each pair, spread evenly over one think time so
     * that the pairs do not move in lockstep (with no think time: at once). */
    start_ns = now_ns();
    uint32_t npairs = nclients / 2;
    for (uint32_t k = 0; k < npairs; k++) {
        uint64_t offset = think_ms * k / npairs;
        if (offset == 0)
            send_message(&clients[2 * k]);
        else if (loop_timer_at(loop, &clients[2 * k].think, loop_now_ms(loop) + offset) < 0)
            fail("timer heap full");
    }
    if (loop_run(loop) < 0)
        fail("epoll: %s", strerror(errno));

    qsort(samples_ns, nsamples, sizeof *samples_ns, cmp_u32);
    double secs = (double)(stop_ns - start_ns) / 1e9;
    double rate = (double)nsamples / secs;
    printf("%u clients, think %llu ms: %zu messages in %.3f s, %.0f messages/s\n", (unsigned)nclients,
           (unsigned long long)think_ms, nsamples, secs, rate);
    printf("latency us: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", pct_us(0.50), pct_us(0.90),
           pct_us(0.99), pct_us(1.0));
    if (json)
        printf("{\"clients\":%u,\"think_ms\":%llu,\"moves\":%zu,\"seconds\":%.3f,\"moves_per_s\":%.1f,"
               "\"latency_us\":{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"max\":%.1f}}\n",
               (unsigned)nclients, (unsigned long long)think_ms, nsamples, secs, rate, pct_us(0.50),
               pct_us(0.90), pct_us(0.99), pct_us(1.0));
    for (uint32_t i = 0; i < nclients; i++)
        if (close(clients[i].fd) < 0)
            fail("close: %s", strerror(errno));
    free(clients);
    free(samples_ns);
    loop_free(loop);
    return fflush(stdout) == 0 ? 0 : 1;
}
