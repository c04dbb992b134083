/* conn.c: one client connection's life: accept (with the client limit),
 * reading bytes into the frame reader (bounded work per readiness event),
 * decoding, the rate limit, the hello/idle/heartbeat timer, the bounded
 * output queue, fatal errors with a half-close and linger, and closing.
 * What a message means is dispatch.c's business. */
#include "server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

#define ACCEPTS_PER_EVENT 64
/* Connections refused with SERVER_FULL may linger (to deliver the ERROR)
 * up to this many at once; beyond it they are closed straight away. */
#define LINGER_EXTRA_MAX 256u

static void conn_io(struct loop *loop, int fd, void *ctx, unsigned events);
static void conn_timer(struct loop *loop, void *ctx);

void conn_random(void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            /* getrandom only fails this way before the pool is seeded or on
             * a kernel without it: refuse to hand out guessable tokens. */
            log_error("getrandom: %s", strerror(errno));
            abort();
        }
        p += got;
        n -= (size_t)got;
    }
}

static uint64_t ms(uint32_t s) { return (uint64_t)s * 1000u; }

/* Arm the connection's one timer for its next deadline. */
static void arm_timer(struct conn *c)
{
    struct server *srv = c->srv;
    uint64_t when;
    if (c->doomed || c->state == CONN_CLOSING)
        return; /* a doomed conn has no timer; the linger timer is armed once, in conn_error */
    if (c->state == CONN_HELLO)
        when = c->last_frame_ms + ms(srv->opt.hello_timeout_s);
    else if (!c->ping_out)
        when = c->last_frame_ms + ms(srv->opt.idle_timeout_s) / 2;
    else
        when = c->last_frame_ms + ms(srv->opt.idle_timeout_s);
    (void)loop_timer_at(srv->loop, &c->timer, when);
}

static void watch(struct conn *c)
{
    unsigned mask = LOOP_READABLE;
    if (c->out_len > c->out_off)
        mask |= LOOP_WRITABLE;
    if (loop_mod_fd(c->srv->loop, c->fd, mask) < 0)
        conn_drop(c, "epoll_ctl failed");
}

static struct conn *conn_new(struct server *srv, int fd, const char *peer)
{
    struct conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->srv = srv;
    c->fd = fd;
    c->state = CONN_HELLO;
    c->serial = ++srv->next_serial;
    snprintf(c->peer, sizeof c->peer, "%s", peer);
    proto_reader_init(&c->reader, PROTO_C2S, c->inbuf, sizeof c->inbuf);
    c->last_frame_ms = c->rate_ms = loop_now_ms(srv->loop);
    c->rate_milli = CONN_RATE_BURST * 1000u;
    loop_timer_init(&c->timer, conn_timer, c);
    if (loop_add_fd(srv->loop, fd, LOOP_READABLE, conn_io, c) < 0) {
        free(c);
        return NULL;
    }
    c->all_next = srv->conns;
    if (srv->conns)
        srv->conns->all_prev = c;
    srv->conns = c;
    srv->nconns++;
    return c;
}

void conn_accept_ready(struct loop *loop, int fd, void *ctx, unsigned events)
{
    struct server *srv = ctx;
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
        uint32_t active = srv->nconns - srv->nlinger;
        int full = active >= srv->opt.max_clients;
        if (full && srv->nlinger >= LINGER_EXTRA_MAX) {
            /* Too many refusals at once: best-effort ERROR, then close. */
            uint8_t buf[64];
            struct proto_msg m = { .type = PROTO_ERROR };
            m.u.error.code = PROTO_ERR_SERVER_FULL;
            m.u.error.message.len = (uint8_t)snprintf(m.u.error.message.s, sizeof m.u.error.message.s, "server full");
            int n = proto_encode(&m, buf, sizeof buf);
            if (n > 0)
                (void)send(cfd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
            close(cfd);
            continue;
        }
        struct conn *c = conn_new(srv, cfd, peer);
        if (!c) {
            log_error("connection from %s refused: out of memory or descriptors", peer);
            close(cfd);
            continue;
        }
        if (full) {
            c->over_limit = 1;
            srv->nlinger++;
            log_info("#%llu %s refused: server full (%u clients)", (unsigned long long)c->serial,
                     peer, (unsigned)srv->opt.max_clients);
            conn_error(c, PROTO_ERR_SERVER_FULL, "server full: try again later");
            continue;
        }
        log_info("#%llu connect from %s", (unsigned long long)c->serial, peer);
        arm_timer(c);
    }
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
        if (sent == n)
            return;
    }
    size_t rest = n - sent;
    size_t queued = c->out_len - c->out_off;
    if (queued + rest > CONN_OUT_MAX) {
        conn_drop(c, "not reading: output queue over 64 KiB");
        return;
    }
    if (c->out_off && c->out_len + rest > c->out_cap) {
        memmove(c->out, c->out + c->out_off, queued);
        c->out_len = (uint32_t)queued;
        c->out_off = 0;
    }
    if (c->out_len + rest > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 1024;
        while (cap < c->out_len + rest)
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
    memcpy(c->out + c->out_len, data + sent, rest);
    c->out_len += (uint32_t)rest;
    watch(c);
}

/* Off the pending list, staged bytes forgotten (a conn is on the list
 * exactly when it has staged bytes). */
static void pending_unlink(struct conn *c)
{
    if (!c->stage_len)
        return;
    if (c->pend_prev)
        c->pend_prev->pend_next = c->pend_next;
    else
        c->srv->pending = c->pend_next;
    if (c->pend_next)
        c->pend_next->pend_prev = c->pend_prev;
    c->pend_prev = c->pend_next = NULL;
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
        if (!c->stage_len) {
            c->pend_prev = NULL;
            c->pend_next = c->srv->pending;
            if (c->pend_next)
                c->pend_next->pend_prev = c;
            c->srv->pending = c;
        }
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
        log_error("#%llu cannot encode %s: %s", (unsigned long long)c->serial,
                  proto_type_name(m->type), proto_strerror(n));
        return;
    }
    if (log_enabled(LOG_VERBOSE))
        log_debug("#%llu <- %s (%d bytes)", (unsigned long long)c->serial, proto_type_name(m->type), n);
    stage_bytes(c, buf, (size_t)n);
}

void conn_detach(struct conn *c, int lost)
{
    switch (c->state) {
    case CONN_QUEUED:
    case CONN_ROOM:
        lobby_remove(c);
        break;
    case CONN_PLAYING:
    case CONN_FINISHED:
    case CONN_SPECTATING:
        game_leave(c, lost);
        break;
    default:
        break;
    }
    if (c->state != CONN_HELLO && c->state != CONN_CLOSING)
        c->state = CONN_LOBBY;
}

void conn_error(struct conn *c, uint8_t code, const char *text)
{
    if (c->doomed || c->state == CONN_CLOSING)
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
    conn_detach(c, 1);
    c->state = CONN_CLOSING;
    loop_timer_cancel(c->srv->loop, &c->timer);
    (void)loop_timer_at(c->srv->loop, &c->timer, loop_now_ms(c->srv->loop) + CONN_LINGER_MS);
    maybe_shut(c);
}

void conn_drop(struct conn *c, const char *why)
{
    if (c->doomed)
        return;
    c->doomed = 1;
    if (c->state != CONN_CLOSING && c->state != CONN_HELLO)
        log_info("#%llu disconnected: %s", (unsigned long long)c->serial, why);
    else
        log_debug("#%llu closed: %s", (unsigned long long)c->serial, why);
    loop_del_fd(c->srv->loop, c->fd);
    loop_timer_cancel(c->srv->loop, &c->timer);
    pending_unlink(c); /* staged bytes die with the connection */
    c->doomed_next = c->srv->doomed;
    c->srv->doomed = c;
}

/* Free the doomed connections except `keep` (which stays doomed, for the
 * next reap, if it is). Detaching may doom more connections (a write to the
 * opponent fails): keep going until none but `keep` are left. */
static void reap(struct server *srv, struct conn *keep)
{
    struct conn *kept = NULL;
    while (srv->doomed) {
        struct conn *c = srv->doomed;
        srv->doomed = c->doomed_next;
        if (c == keep) {
            kept = c;
            continue;
        }
        conn_detach(c, 1);
        close(c->fd);
        if (c->all_prev)
            c->all_prev->all_next = c->all_next;
        else
            srv->conns = c->all_next;
        if (c->all_next)
            c->all_next->all_prev = c->all_prev;
        srv->nconns--;
        if (c->over_limit)
            srv->nlinger--;
        free(c->out);
        free(c);
    }
    if (kept) {
        kept->doomed_next = NULL;
        srv->doomed = kept;
    }
}

void conn_before_sleep(struct loop *loop, void *ctx)
{
    struct server *srv = ctx;
    (void)loop;
    /* A send may doom its connection, and a doomed player's leaving sends
     * news to others: go round until both lists are empty. */
    while (srv->pending || srv->doomed) {
        while (srv->pending)
            flush_stage(srv->pending);
        reap(srv, NULL);
    }
    if (srv->shutting_down && !srv->conns)
        loop_stop(srv->loop);
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
    uint64_t now = loop_now_ms(c->srv->loop);
    c->last_frame_ms = now;
    c->ping_out = 0;
    if (rate_take(c, now) < 0) {
        conn_error(c, PROTO_ERR_SLOW_DOWN, "too many frames: at most 50 a second (bursts of 100)");
        return -1;
    }
    struct proto_msg m;
    int st = proto_decode(PROTO_C2S, f, &m);
    if (st != PROTO_OK) {
        char text[80];
        snprintf(text, sizeof text, "%s: %s", proto_type_name(f->type), proto_strerror(st));
        conn_error(c, proto_status_to_error(st), text);
        return -1;
    }
    if (log_enabled(LOG_VERBOSE))
        log_debug("#%llu -> %s", (unsigned long long)c->serial, proto_type_name(m.type));
    /* Connections found gone earlier in this batch leave their games first,
     * so this frame meets the world as it now is (no rematch with a player
     * who just hung up). Nothing up the stack holds another connection, and
     * this one is kept even if that dooms it. */
    if (c->srv->doomed) {
        reap(c->srv, c);
        if (c->doomed)
            return -1; /* its opponent's leaving found it gone too */
    }
    int was_hello = c->state == CONN_HELLO;
    dispatch_message(c, &m);
    /* Welcomed: the timer still holds the hello deadline, which may lie past
     * the first heartbeat; re-arm it for the idle rules. */
    if (was_hello && !c->doomed && c->state != CONN_HELLO && c->state != CONN_CLOSING)
        arm_timer(c);
    return c->doomed || c->state == CONN_CLOSING ? -1 : 0;
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
            conn_error(c, PROTO_ERR_BAD_FRAME, "bad frame header: unknown type or length");
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
    struct server *srv = c->srv;
    uint64_t now = loop_now_ms(loop);
    switch (c->state) {
    case CONN_CLOSING:
        conn_drop(c, "linger over");
        return;
    case CONN_HELLO:
        conn_error(c, PROTO_ERR_TIMEOUT, "no HELLO in time");
        return;
    default:
        break;
    }
    uint64_t idle = ms(srv->opt.idle_timeout_s);
    if (now >= c->last_frame_ms + idle) {
        conn_error(c, PROTO_ERR_TIMEOUT, "no frame received for the idle timeout");
        return;
    }
    if (!c->ping_out && now >= c->last_frame_ms + idle / 2) {
        struct proto_msg m = { .type = PROTO_PING };
        conn_random(&m.u.ping.nonce, sizeof m.u.ping.nonce);
        conn_send(c, &m);
        c->ping_out = 1;
    }
    if (!c->doomed)
        arm_timer(c);
}
