/* conn.c: the transport of conn.h: accept (with the client limit), reading
 * bytes into the frame reader (bounded work per readiness event), the rate
 * limit, the hello/idle/heartbeat timer, the staged sends and the bounded
 * output queue, fatal errors with a half-close and linger, and closing.
 * Frames go up to the owner's hooks; nothing here knows what they mean. */
#include "conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "random.h"

#define ACCEPTS_PER_EVENT 64

static void conn_io(struct loop *loop, int fd, void *ctx, unsigned events);
static void conn_timer(struct loop *loop, void *ctx);

static uint64_t ms(uint32_t s) { return (uint64_t)s * 1000u; }

void conn_pool_init(struct conn_pool *pool, struct loop *loop, const struct conn_limits *limits,
                    const struct conn_hooks *hooks, void *ctx, size_t conn_size)
{
    memset(pool, 0, sizeof *pool);
    pool->loop = loop;
    pool->limits = *limits;
    pool->hooks = hooks;
    pool->ctx = ctx;
    pool->conn_size = conn_size < sizeof(struct conn) ? sizeof(struct conn) : conn_size;
    list_init(&pool->all);
    list_init(&pool->pending);
}

/* Arm the connection's one timer for its next deadline. */
static void arm_timer(struct conn *c)
{
    struct conn_pool *pool = c->pool;
    uint64_t when;
    if (c->doomed || c->state == CONN_CLOSING)
        return; /* a doomed conn has no timer; the linger timer is armed once, in conn_error */
    if (c->state == CONN_HELLO)
        when = c->last_frame_ms + ms(pool->limits.hello_timeout_s);
    else if (!c->ping_out)
        when = c->last_frame_ms + ms(pool->limits.idle_timeout_s) / 2;
    else
        when = c->last_frame_ms + ms(pool->limits.idle_timeout_s);
    (void)loop_timer_at(pool->loop, &c->timer, when);
}

static void watch(struct conn *c)
{
    unsigned mask = LOOP_READABLE;
    if (c->out_len > c->out_off)
        mask |= LOOP_WRITABLE;
    if (loop_mod_fd(c->pool->loop, c->fd, mask) < 0)
        conn_drop(c, "epoll_ctl failed");
}

static struct conn *conn_new(struct conn_pool *pool, int fd, const char *peer)
{
    struct conn *c = calloc(1, pool->conn_size);
    if (!c)
        return NULL;
    c->pool = pool;
    c->fd = fd;
    c->state = CONN_HELLO;
    c->serial = ++pool->next_serial;
    snprintf(c->peer, sizeof c->peer, "%s", peer);
    proto_reader_init(&c->reader, PROTO_C2S, c->inbuf, sizeof c->inbuf);
    c->last_frame_ms = c->rate_ms = loop_now_ms(pool->loop);
    c->rate_milli = CONN_RATE_BURST * 1000u;
    loop_timer_init(&c->timer, conn_timer, c);
    if (loop_add_fd(pool->loop, fd, LOOP_READABLE, conn_io, c) < 0) {
        free(c);
        return NULL;
    }
    list_push_front(&pool->all, &c->all_link);
    pool->n++;
    pool->hooks->open(pool->ctx, c);
    return c;
}

/* Too many refusals at once: a best-effort ERROR SERVER_FULL, then close. */
static void refuse_now(int fd)
{
    uint8_t buf[64];
    struct proto_msg m = { .type = PROTO_ERROR };
    m.u.error.code = PROTO_ERR_SERVER_FULL;
    m.u.error.message.len = (uint8_t)snprintf(m.u.error.message.s, sizeof m.u.error.message.s, "server full");
    int n = proto_encode(&m, buf, sizeof buf);
    if (n > 0)
        (void)send(fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
    close(fd);
}

void conn_accept_ready(struct loop *loop, int fd, void *ctx, unsigned events)
{
    struct conn_pool *pool = ctx;
    (void)loop;
    (void)events;
    for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
        char peer[SOCK_ADDR_LEN], err[SOCK_ERR_LEN];
        int cfd = sock_accept(fd, peer, sizeof peer, err);
        if (cfd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                log_error("accept: %s", err);
            return;
        }
        int full = pool->n - pool->nlinger >= pool->limits.max_clients;
        if (full && pool->nlinger >= CONN_LINGER_EXTRA_MAX) {
            refuse_now(cfd);
            continue;
        }
        struct conn *c = conn_new(pool, cfd, peer);
        if (!c) {
            log_error("connection from %s refused: out of memory or descriptors", peer);
            close(cfd);
            continue;
        }
        if (full) {
            c->over_limit = 1;
            pool->nlinger++;
            log_info("#%llu %s refused: server full (%u clients)", (unsigned long long)c->serial, peer,
                     (unsigned)pool->limits.max_clients);
            conn_error(c, PROTO_ERR_SERVER_FULL, "server full: try again later");
            continue;
        }
        log_info("#%llu connect from %s", (unsigned long long)c->serial, peer);
        arm_timer(c);
    }
}

void conn_established(struct conn *c)
{
    if (c->state != CONN_HELLO)
        return;
    c->state = CONN_OPEN;
    /* The timer still holds the hello deadline, which may lie past the
     * first heartbeat; re-arm it for the idle rules. */
    arm_timer(c);
}

int conn_alive(const struct conn *c) { return !c->doomed && c->state != CONN_CLOSING; }

/* Try to write the queued bytes; 0, or -1 if the connection broke. */
static int flush_out(struct conn *c)
{
    while (c->out_off < c->out_len) {
        ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return -1;
        }
        c->out_off += (uint32_t)w;
    }
    if (c->out_off == c->out_len) {
        /* Drained: give the memory back, so idle connections cost nothing. */
        free(c->out);
        c->out = NULL;
        c->out_len = c->out_off = c->out_cap = 0;
    }
    return 0;
}

/* Half-close once everything queued is out (after a fatal ERROR). */
static void maybe_shut(struct conn *c)
{
    if (c->state == CONN_CLOSING && !c->shut_wr && c->out_len == c->out_off) {
        c->shut_wr = 1;
        (void)shutdown(c->fd, SHUT_WR);
    }
}

/* Append data[0..n) to the output queue, within CONN_OUT_MAX (else the
 * connection is dropped), and watch for writability. */
static void queue_bytes(struct conn *c, const uint8_t *data, size_t n)
{
    size_t queued = c->out_len - c->out_off;
    if (queued + n > CONN_OUT_MAX) {
        conn_drop(c, "not reading: output queue over 64 KiB");
        return;
    }
    if (c->out_off && c->out_len + n > c->out_cap) {
        memmove(c->out, c->out + c->out_off, queued);
        c->out_len = (uint32_t)queued;
        c->out_off = 0;
    }
    if (c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 1024;
        while (cap < c->out_len + n)
            cap *= 2;
        if (cap > CONN_OUT_MAX)
            cap = CONN_OUT_MAX;
        uint8_t *p = realloc(c->out, cap);
        if (!p) {
            conn_drop(c, "out of memory for its output queue");
            return;
        }
        c->out = p;
        c->out_cap = (uint32_t)cap;
    }
    memcpy(c->out + c->out_len, data, n);
    c->out_len += (uint32_t)n;
    watch(c);
}

/* Send at once what the socket takes when nothing waits before it; queue
 * the rest. */
static void send_bytes(struct conn *c, const uint8_t *data, size_t n)
{
    if (c->doomed || c->shut_wr)
        return;
    size_t sent = 0;
    if (c->out_len == c->out_off) {
        while (sent < n) {
            ssize_t w = send(c->fd, data + sent, n - sent, MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    break;
                conn_drop(c, strerror(errno));
                return;
            }
            sent += (size_t)w;
        }
    }
    if (sent < n)
        queue_bytes(c, data + sent, n - sent);
}

/* Off the pending list, staged bytes forgotten (a conn is on the list
 * exactly when it has staged bytes). */
static void pending_unlink(struct conn *c)
{
    list_remove(&c->pending_link);
    c->stage_len = 0;
}

/* Send what `c` has staged (one send(); the rest is queued). */
static void flush_stage(struct conn *c)
{
    size_t n = c->stage_len;
    if (!n)
        return;
    pending_unlink(c);
    send_bytes(c, c->stage, n);
}

/* Stage a frame to go out with the others of this loop iteration; one that
 * does not fit (or finds bytes queued already) first sends what is staged,
 * keeping the order. */
static void stage_bytes(struct conn *c, const uint8_t *data, size_t n)
{
    if (c->doomed || c->shut_wr)
        return;
    if (c->out_len == c->out_off && c->stage_len + n <= sizeof c->stage) {
        if (!c->stage_len)
            list_push_front(&c->pool->pending, &c->pending_link);
        memcpy(c->stage + c->stage_len, data, n);
        c->stage_len = (uint8_t)(c->stage_len + n);
        return;
    }
    flush_stage(c);
    send_bytes(c, data, n);
}

void conn_send(struct conn *c, const struct proto_msg *m)
{
    uint8_t buf[PROTO_S2C_FRAME_MAX];
    int n = proto_encode(m, buf, sizeof buf);
    if (n <= 0) {
        log_error("#%llu cannot encode %s: %s", (unsigned long long)c->serial, proto_type_name(m->type),
                  proto_strerror(n));
        return;
    }
    if (log_enabled(LOG_VERBOSE))
        log_debug("#%llu <- %s (%d bytes)", (unsigned long long)c->serial, proto_type_name(m->type), n);
    stage_bytes(c, buf, (size_t)n);
}

/* Tell the owner, once, that `c` is done for. */
static void tell_gone(struct conn *c)
{
    if (c->told)
        return;
    c->told = 1;
    c->pool->hooks->gone(c->pool->ctx, c);
}

void conn_error(struct conn *c, uint8_t code, const char *text)
{
    if (!conn_alive(c))
        return;
    struct proto_msg m = { .type = PROTO_ERROR };
    m.u.error.code = code;
    size_t len = strlen(text);
    if (len > PROTO_TEXT_MAX)
        len = PROTO_TEXT_MAX;
    m.u.error.message.len = (uint8_t)len;
    memcpy(m.u.error.message.s, text, len);
    m.u.error.message.s[len] = '\0';
    conn_send(c, &m);
    if (!proto_error_fatal(code, c->state == CONN_HELLO))
        return;
    flush_stage(c); /* a fatal ERROR leaves now: the half-close follows it */
    /* The send may have found the peer gone: then it is dropped already, and
     * its timer must stay disarmed (reaping frees it). */
    if (c->doomed)
        return;
    log_info("#%llu dropped: %s (%s)", (unsigned long long)c->serial, proto_error_name(code), text);
    c->state = CONN_CLOSING;
    loop_timer_cancel(c->pool->loop, &c->timer);
    (void)loop_timer_at(c->pool->loop, &c->timer, loop_now_ms(c->pool->loop) + CONN_LINGER_MS);
    maybe_shut(c);
}

/* The transport ends `c` with a fatal ERROR: the owner hears it first, so
 * that a player leaves its game before the connection closes. */
static void fail(struct conn *c, uint8_t code, const char *text)
{
    tell_gone(c);
    conn_error(c, code, text);
}

void conn_drop(struct conn *c, const char *why)
{
    if (c->doomed)
        return;
    c->doomed = 1;
    if (c->state == CONN_OPEN)
        log_info("#%llu disconnected: %s", (unsigned long long)c->serial, why);
    else
        log_debug("#%llu closed: %s", (unsigned long long)c->serial, why);
    loop_del_fd(c->pool->loop, c->fd);
    loop_timer_cancel(c->pool->loop, &c->timer);
    pending_unlink(c); /* staged bytes die with the connection */
    c->doomed_next = c->pool->doomed;
    c->pool->doomed = c;
}

/* Free the doomed connections except `keep` (which stays doomed, for the
 * next reap, if it is). The owner letting go of one may doom more (a write
 * to the opponent fails): keep going until none but `keep` are left. */
static void reap(struct conn_pool *pool, struct conn *keep)
{
    struct conn *kept = NULL;
    while (pool->doomed) {
        struct conn *c = pool->doomed;
        pool->doomed = c->doomed_next;
        if (c == keep) {
            kept = c;
            continue;
        }
        tell_gone(c);
        close(c->fd);
        list_remove(&c->all_link);
        pool->n--;
        if (c->over_limit)
            pool->nlinger--;
        free(c->out);
        free(c);
    }
    if (kept) {
        kept->doomed_next = NULL;
        pool->doomed = kept;
    }
}

void conn_pool_flush(struct conn_pool *pool)
{
    /* A send may doom its connection, and a doomed player's leaving sends
     * news to others: go round until both lists are empty. */
    while (!list_empty(&pool->pending) || pool->doomed) {
        struct list *n;
        while ((n = list_first(&pool->pending)))
            flush_stage(container_of(n, struct conn, pending_link));
        reap(pool, NULL);
    }
}

void conn_each(struct conn_pool *pool, void (*fn)(struct conn *c, void *arg), void *arg)
{
    /* A connection failed or dropped by fn stays on the list until reaped. */
    list_each(n, &pool->all)
        fn(container_of(n, struct conn, all_link), arg);
}

void conn_pool_close_all(struct conn_pool *pool, const char *why)
{
    list_each(n, &pool->all)
        conn_drop(container_of(n, struct conn, all_link), why);
    conn_pool_flush(pool);
}

/* Take one token from the bucket; 0, or -1 when the client is over the limit. */
static int rate_take(struct conn *c, uint64_t now)
{
    uint64_t refill = (now - c->rate_ms) * CONN_RATE_PER_S; /* milli-tokens */
    uint64_t level = c->rate_milli + refill;
    if (level > CONN_RATE_BURST * 1000u)
        level = CONN_RATE_BURST * 1000u;
    c->rate_ms = now;
    if (level < 1000u) {
        c->rate_milli = (uint32_t)level;
        return -1;
    }
    c->rate_milli = (uint32_t)(level - 1000u);
    return 0;
}

/* One complete frame from the client. Returns 0 to go on reading, -1 when
 * the connection must not read any further. */
static int on_frame(struct conn *c, const struct proto_frame *f)
{
    struct conn_pool *pool = c->pool;
    uint64_t now = loop_now_ms(pool->loop);
    c->last_frame_ms = now;
    c->ping_out = 0;
    if (rate_take(c, now) < 0) {
        fail(c, PROTO_ERR_SLOW_DOWN, "too many frames: at most 50 a second (bursts of 100)");
        return -1;
    }
    /* Connections found gone earlier in this batch leave first, so this
     * frame meets the world as it now is (no rematch with a player who just
     * hung up). Nothing up the stack holds another connection, and this one
     * is kept even if that dooms it. */
    if (pool->doomed) {
        reap(pool, c);
        if (c->doomed)
            return -1; /* its opponent's leaving found it gone too */
    }
    pool->hooks->frame(pool->ctx, c, f);
    return conn_alive(c) ? 0 : -1;
}

/* Readable: one bounded read, then every complete frame in it. */
static void on_readable(struct conn *c)
{
    uint8_t chunk[CONN_READ_CHUNK];
    ssize_t n = recv(c->fd, chunk, sizeof chunk, 0);
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        conn_drop(c, strerror(errno));
        return;
    }
    if (n == 0) {
        conn_drop(c, c->state == CONN_CLOSING ? "closed after the error" : "connection closed by the client");
        return;
    }
    if (c->state == CONN_CLOSING)
        return; /* after a fatal ERROR input is read only to see the close */
    size_t off = 0;
    while (off < (size_t)n) {
        size_t used;
        struct proto_frame f;
        int st = proto_reader_feed(&c->reader, chunk + off, (size_t)n - off, &used, &f);
        off += used;
        if (st == PROTO_NEED_MORE)
            break;
        if (st < 0) {
            fail(c, PROTO_ERR_BAD_FRAME, "bad frame header: unknown type or length");
            return;
        }
        if (on_frame(c, &f) < 0)
            return;
    }
}

static void conn_io(struct loop *loop, int fd, void *ctx, unsigned events)
{
    struct conn *c = ctx;
    (void)loop;
    (void)fd;
    if (events & LOOP_WRITABLE) {
        if (flush_out(c) < 0) {
            conn_drop(c, strerror(errno));
            return;
        }
        maybe_shut(c);
        if (!c->doomed)
            watch(c);
    }
    if ((events & LOOP_READABLE) && !c->doomed)
        on_readable(c);
}

static void conn_timer(struct loop *loop, void *ctx)
{
    struct conn *c = ctx;
    uint64_t now = loop_now_ms(loop);
    switch (c->state) {
    case CONN_CLOSING:
        conn_drop(c, "linger over");
        return;
    case CONN_HELLO:
        fail(c, PROTO_ERR_TIMEOUT, "no HELLO in time");
        return;
    default:
        break;
    }
    uint64_t idle = ms(c->pool->limits.idle_timeout_s);
    if (now >= c->last_frame_ms + idle) {
        fail(c, PROTO_ERR_TIMEOUT, "no frame received for the idle timeout");
        return;
    }
    if (!c->ping_out && now >= c->last_frame_ms + idle / 2) {
        struct proto_msg m = { .type = PROTO_PING };
        random_bytes(&m.u.ping.nonce, sizeof m.u.ping.nonce);
        conn_send(c, &m);
        c->ping_out = 1;
    }
    if (!c->doomed)
        arm_timer(c);
}
