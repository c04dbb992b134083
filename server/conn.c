/* SPDX-License-Identifier: MIT */
/* conn.c: the transport of conn.h: accept (admit.c decides who may come
 * in), reading bytes into the frame reader (bounded work per readiness
 * event), the rate limit, the hello/idle/heartbeat timer, the staged sends
 * and the bounded output queue, fatal errors with a half-close and linger,
 * closing, and the counts of it all. Frames go up to the owner's hooks;
 * nothing here knows what they mean. */
#include "conn.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "admit.h"
#include "log.h"
#include "random.h"
#include "text.h"

#define ACCEPTS_PER_EVENT 64

/* The frames a client may send (ERROR SLOW_DOWN past it). */
static const struct bucket_rate frame_rate = {.per_s = CONN_RATE_PER_S, .burst = CONN_RATE_BURST};

static void conn_io(struct loop *loop, int fd, void *ctx, unsigned events);
static void conn_timer(struct loop *loop, void *ctx);
static void drop(struct conn *c, enum conn_end why, const char *text);
static void tell_gone(struct conn *c);
static void retire(struct conn *c);

static uint64_t ms(uint32_t s) { return (uint64_t)s * 1000u; }

int conn_pool_init(struct conn_pool *pool, struct loop *loop, const struct conn_limits *limits,
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
    return sources_init(&pool->sources, limits->max_clients);
}

void conn_pool_free(struct conn_pool *pool) { sources_free(&pool->sources); }

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
        drop(c, CONN_END_BROKEN, "epoll_ctl failed");
}

/* A connection for `fd`, counted at `src`, or (src NULL) refused and
 * lingering over the limit. */
static struct conn *conn_new(struct conn_pool *pool, int fd, const char *peer, struct source *src)
{
    struct conn *c = calloc(1, pool->conn_size);
    if (!c)
        return NULL;
    c->pool = pool;
    c->fd = fd;
    c->state = CONN_HELLO;
    c->serial = ++pool->next_serial;
    c->over_limit = !src;
    snprintf(c->peer, sizeof c->peer, "%s", peer);
    proto_reader_init(&c->reader, PROTO_C2S, c->inbuf, sizeof c->inbuf);
    c->last_frame_ms = loop_now_ms(pool->loop);
    bucket_fill(&c->rate, &frame_rate, c->last_frame_ms);
    loop_timer_init(&c->timer, conn_timer, c);
    if (loop_add_fd(pool->loop, fd, LOOP_READABLE, conn_io, c) < 0) {
        free(c);
        return NULL;
    }
    list_push_front(&pool->all, &c->all_link);
    pool->n++;
    pool->stats.accepted++;
    if (src) {
        c->src = src;
        source_add(&pool->sources, src);
        list_push_front(&src->before_hello, &c->src_link);
        pool->nhello++;
    } else {
        pool->nlinger++;
    }
    pool->hooks->open(pool->ctx, c);
    return c;
}

/* *m: ERROR `code` saying `text` (cut at a character boundary to fit). */
static void error_msg(struct proto_msg *m, uint8_t code, const char *text)
{
    *m = (struct proto_msg){ .type = PROTO_ERROR };
    m->u.error.code = code;
    m->u.error.message.len = (uint8_t)text_copy(m->u.error.message.s, sizeof m->u.error.message.s, text);
}

/* Too many refusals at once: a best-effort ERROR SERVER_FULL, then close. */
static void refuse_now(int fd)
{
    uint8_t buf[64];
    struct proto_msg m;
    error_msg(&m, PROTO_ERR_SERVER_FULL, "server full");
    int n = proto_encode(&m, buf, sizeof buf);
    if (n > 0)
        (void)send(fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
    close(fd);
}

/* Keep the kernel's share of a connection small (conn.h: CONN_SNDBUF). */
static void bound_buffers(int fd)
{
    if (sock_set_int_opt(fd, SOL_SOCKET, SO_SNDBUF, CONN_SNDBUF) < 0 ||
        sock_set_int_opt(fd, SOL_SOCKET, SO_RCVBUF, CONN_RCVBUF) < 0)
        log_error("SO_SNDBUF/SO_RCVBUF: %s", strerror(errno));
}

/* Refuse a connection with ERROR SERVER_FULL: it lingers (uncounted) to
 * deliver it, or, when too many do, is closed at once. */
static void refuse(struct conn_pool *pool, int fd, const char *peer, enum admit_verdict why)
{
    struct conn *c = pool->nlinger < CONN_LINGER_EXTRA_MAX ? conn_new(pool, fd, peer, NULL) : NULL;
    if (!c) {
        refuse_now(fd);
        return;
    }
    log_info("#%llu %s refused: %s", (unsigned long long)c->serial, peer, admit_refusal(why));
    conn_error(c, PROTO_ERR_SERVER_FULL, admit_refusal(why));
}

/* `victim` gives its place to a newcomer from another address: uncounted
 * at once, ERROR SERVER_FULL, and it lingers like a refused one (or is
 * closed at once when too many do). */
static void evict(struct conn *victim, const char *newcomer)
{
    struct conn_pool *pool = victim->pool;
    log_info("#%llu evicted: its address %s holds the most connections (%u), and %s needs a place",
             (unsigned long long)victim->serial, victim->src->text, (unsigned)victim->src->conns, newcomer);
    retire(victim);
    source_sub(&pool->sources, victim->src, loop_now_ms(pool->loop));
    victim->src = NULL;
    victim->over_limit = 1;
    pool->nlinger++;
    pool->stats.evicted++;
    tell_gone(victim);
    conn_error(victim, PROTO_ERR_SERVER_FULL, admit_refusal(ADMIT_EVICTING));
    if (pool->nlinger > CONN_LINGER_EXTRA_MAX)
        drop(victim, CONN_END_CLIENT, "evicted");
}

/* One accepted socket: admitted (perhaps in another's place) or refused. */
static void admit_one(struct conn_pool *pool, int fd, const struct sockaddr_storage *from, const char *peer)
{
    uint64_t now = loop_now_ms(pool->loop);
    struct source *src = source_get(&pool->sources, (const struct sockaddr *)from, now);
    if (!src) {
        log_error("connection from %s refused: out of memory", peer);
        pool->stats.ended[CONN_END_NO_MEMORY]++;
        close(fd);
        return;
    }
    struct admit_counts counts = { .max_clients = pool->limits.max_clients,
                                   .max_per_ip = pool->limits.max_per_ip,
                                   .open = pool->n - pool->nlinger,
                                   .before_hello = pool->nhello };
    struct list *victim;
    enum admit_verdict v = admit_decide(&counts, &pool->sources, src, &victim);
    if (v == ADMIT_EVICTING)
        evict(container_of(victim, struct conn, src_link), peer);
    else if (v != ADMIT) {
        refuse(pool, fd, peer, v);
        source_release(&pool->sources, src, now);
        return;
    }
    bound_buffers(fd);
    struct conn *c = conn_new(pool, fd, peer, src);
    if (!c) {
        log_error("connection from %s refused: out of memory or descriptors", peer);
        pool->stats.ended[CONN_END_NO_MEMORY]++;
        source_release(&pool->sources, src, now);
        close(fd);
        return;
    }
    log_info("#%llu connect from %s", (unsigned long long)c->serial, peer);
    arm_timer(c);
}

void conn_accept_ready(struct loop *loop, int fd, void *ctx, unsigned events)
{
    struct conn_pool *pool = ctx;
    (void)loop;
    (void)events;
    for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
        char peer[SOCK_ADDR_LEN], err[SOCK_ERR_LEN];
        struct sockaddr_storage from;
        int cfd = sock_accept_from(fd, &from, peer, sizeof peer, err);
        if (cfd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                log_error("accept: %s", err);
            return;
        }
        admit_one(pool, cfd, &from, peer);
    }
}

void conn_established(struct conn *c)
{
    if (c->state != CONN_HELLO)
        return;
    c->state = CONN_OPEN;
    if (c->src) {
        list_remove(&c->src_link);
        list_push_front(&c->src->welcomed, &c->src_link);
        c->pool->nhello--;
    }
    /* The timer still holds the hello deadline, which may lie past the
     * first heartbeat; re-arm it for the idle rules. */
    arm_timer(c);
}

int conn_alive(const struct conn *c) { return !c->doomed && c->state != CONN_CLOSING; }

struct source *conn_source(const struct conn *c) { return c->src; }

/* `c` stops being alive (failed or dropped): no longer a handshake in
 * progress, nor a candidate for eviction. It stays counted at its source
 * until it is freed. */
static void retire(struct conn *c)
{
    if (!list_linked(&c->src_link))
        return; /* retired already, or never counted */
    if (c->state == CONN_HELLO)
        c->pool->nhello--;
    list_remove(&c->src_link);
}

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
        drop(c, CONN_END_NOT_READING, "not reading: output queue over 64 KiB");
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
            drop(c, CONN_END_NO_MEMORY, "out of memory for its output queue");
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
                drop(c, CONN_END_BROKEN, strerror(errno));
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
    c->pool->stats.frames_out++;
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
    struct proto_msg m;
    error_msg(&m, code, text);
    conn_send(c, &m);
    if (!proto_error_fatal(code, c->state == CONN_HELLO))
        return;
    flush_stage(c); /* a fatal ERROR leaves now: the half-close follows it */
    /* The send may have found the peer gone: then it is dropped already, and
     * its timer must stay disarmed (reaping frees it). */
    if (c->doomed)
        return;
    log_info("#%llu dropped: %s (%s)", (unsigned long long)c->serial, proto_error_name(code), text);
    c->pool->stats.fatal[code]++;
    retire(c);
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

/* Close `c` in the next conn_pool_flush (so that nothing up the call chain
 * holds a freed connection). `why` is counted (unless it closes after a
 * fatal ERROR, counted then), `text` goes to the log. */
static void drop(struct conn *c, enum conn_end why, const char *text)
{
    if (c->doomed)
        return;
    if (conn_alive(c)) {
        c->pool->stats.ended[why]++;
        retire(c);
    }
    c->doomed = 1;
    if (c->state == CONN_OPEN)
        log_info("#%llu disconnected: %s", (unsigned long long)c->serial, text);
    else
        log_debug("#%llu closed: %s", (unsigned long long)c->serial, text);
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
        if (c->src)
            source_sub(&pool->sources, c->src, loop_now_ms(pool->loop));
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
        drop(container_of(n, struct conn, all_link), CONN_END_CLIENT, why);
    conn_pool_flush(pool);
}

/* One complete frame from the client. Returns 0 to go on reading, -1 when
 * the connection must not read any further. */
static int on_frame(struct conn *c, const struct proto_frame *f)
{
    struct conn_pool *pool = c->pool;
    uint64_t now = loop_now_ms(pool->loop);
    c->last_frame_ms = now;
    c->ping_out = 0;
    pool->stats.frames_in++;
    if (bucket_take(&c->rate, &frame_rate, 1, now) != 0) {
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
        drop(c, CONN_END_BROKEN, strerror(errno));
        return;
    }
    if (n == 0) {
        drop(c, CONN_END_CLIENT, c->state == CONN_CLOSING ? "closed after the error" : "connection closed by the client");
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
            drop(c, CONN_END_BROKEN, strerror(errno));
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
        drop(c, CONN_END_CLIENT, "linger over");
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

/* printf at buf + *len, within cap (a cut line stays NUL-terminated). */
__attribute__((format(printf, 4, 5))) static void append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    if (*len >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len += (size_t)n;
}

const char *conn_stats_text(const struct conn_pool *pool, char *buf, size_t cap)
{
    static const char *const ends[CONN_END_REASONS] = { "by the client", "broken", "not reading",
                                                        "out of memory" };
    const struct conn_stats *st = &pool->stats;
    size_t len = 0;
    buf[0] = '\0';
    append(buf, cap, &len, "%u connections (%u before HELLO), %llu accepted; frames %llu in, %llu out; closed:",
           (unsigned)(pool->n - pool->nlinger), (unsigned)pool->nhello, (unsigned long long)st->accepted,
           (unsigned long long)st->frames_in, (unsigned long long)st->frames_out);
    for (int i = 0; i < CONN_END_REASONS; i++)
        append(buf, cap, &len, "%s %s %llu", i ? "," : "", ends[i], (unsigned long long)st->ended[i]);
    for (int code = 1; code < 256; code++)
        if (st->fatal[code])
            append(buf, cap, &len, ", %s %llu", proto_error_name((uint8_t)code), (unsigned long long)st->fatal[code]);
    append(buf, cap, &len, "; evicted for fair share %llu", (unsigned long long)st->evicted);
    return buf;
}
