/* SPDX-License-Identifier: MIT */
/* conn.h: the transport: client connections as framed byte streams. It
 * accepts (within the client limit), reads with bounded work per readiness
 * event, cuts frames, keeps the rate limit and the hello/idle/heartbeat
 * clock, stages and queues what is sent (bounded), ends connections with a
 * fatal ERROR, a half-close and a linger, and closes them.
 *
 * What a frame means is its owner's business. The owner gives the pool its
 * hooks (struct conn_hooks) and the size of its per-connection struct, which
 * begins with the struct conn; the transport calls up only through the
 * hooks, and the owner calls down through the functions below. */
#ifndef TTT_CONN_H
#define TTT_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "list.h"
#include "loop.h"
#include "proto.h"
#include "sock.h"

/* Bounds of the flow control documented in docs/PROTOCOL.md. */
#define CONN_OUT_MAX (64u * 1024u)      /* unsent bytes queued per connection */
#define CONN_READ_CHUNK 4096u           /* bytes read per readiness event */
#define CONN_RATE_BURST 100u            /* frames */
#define CONN_RATE_PER_S 50u             /* frames refilled per second */
#define CONN_LINGER_MS 2000u            /* after a fatal ERROR */
#define CONN_STAGE 120u                 /* bytes of small frames gathered per loop iteration */
/* Connections refused with SERVER_FULL may linger (to deliver the ERROR) up
 * to this many at once; beyond it they are closed straight away. */
#define CONN_LINGER_EXTRA_MAX 256u

enum conn_state {
    CONN_HELLO = 0,     /* accepted; the owner has not called conn_established */
    CONN_OPEN,          /* past the handshake: idle timeout and heartbeat */
    CONN_CLOSING        /* fatal ERROR sent: draining, then closed */
};

struct conn_pool;

/* One client connection. The owner reads `serial` and `peer`; the rest is
 * the transport's. */
struct conn {
    struct conn_pool *pool;
    int fd;
    uint8_t state;              /* enum conn_state */
    uint8_t doomed;             /* close pending (conn_drop): ignore it */
    uint8_t told;               /* the gone hook has run */
    uint8_t shut_wr;            /* our sending side is shut down */
    uint8_t ping_out;           /* a heartbeat PING is unanswered */
    uint8_t over_limit;         /* refused with SERVER_FULL, lingering */
    uint8_t stage_len;          /* > 0 exactly while on the pool's pending list */
    uint64_t serial;            /* connection number, for logs */
    char peer[SOCK_ADDR_LEN];

    struct proto_reader reader;
    uint8_t inbuf[PROTO_C2S_FRAME_MAX];
    uint8_t *out;               /* unsent bytes, allocated only while any wait */
    uint32_t out_len, out_off, out_cap;
    /* Frames sent during one loop iteration gather here and leave in one
     * send() before the loop sleeps (a MOVED and the GAME_OVER after it). */
    uint8_t stage[CONN_STAGE];
    struct list pending_link;   /* on the pool's pending list */

    uint64_t last_frame_ms;     /* the last complete frame (idle timeout) */
    uint64_t rate_ms;           /* token bucket last refill */
    uint32_t rate_milli;        /* tokens x 1000 */
    struct loop_timer timer;    /* hello / idle / heartbeat / linger */

    struct list all_link;       /* on the pool's list of every connection */
    struct conn *doomed_next;
};

/* How the transport calls its owner. `ctx` is the pool's. */
struct conn_hooks {
    /* A connection was accepted (its owner's part of the struct zeroed). */
    void (*open)(void *ctx, struct conn *c);
    /* A complete frame arrived (within the rate limit). The owner decodes
     * and handles it; it may send, fail or drop `c`. */
    void (*frame)(void *ctx, struct conn *c, const struct proto_frame *f);
    /* `c` is done for: the peer closed or broke, it stopped reading, the
     * transport failed it (timeout, rate limit, bad header), or the owner
     * did. Called once per connection, at once when the transport fails it,
     * else before it is freed; the owner lets go of it. `c` may still be
     * sent to (a no-op once it is closing) but not freed. */
    void (*gone)(void *ctx, struct conn *c);
};

/* The limits a pool keeps (tttd's options). */
struct conn_limits {
    uint32_t max_clients;       /* open connections at most (more get SERVER_FULL) */
    uint32_t hello_timeout_s;   /* from accept to conn_established */
    uint32_t idle_timeout_s;    /* after it, without a complete frame */
};

/* Every connection, and what they share. */
struct conn_pool {
    struct loop *loop;
    const struct conn_hooks *hooks;
    void *ctx;
    size_t conn_size;           /* the owner's struct, which begins with a struct conn */
    struct conn_limits limits;

    struct list all;            /* every open connection */
    uint32_t n;                 /* open connections (limit: max_clients) */
    uint32_t nlinger;           /* refused connections lingering over the limit */
    uint64_t next_serial;
    struct conn *doomed;        /* closed in conn_pool_flush */
    struct list pending;        /* staged bytes to send in conn_pool_flush */
};

/* Set up an empty pool. Each accepted connection gets conn_size zeroed
 * bytes (at least a struct conn), the struct conn first; `hooks` are
 * called with `ctx`. */
void conn_pool_init(struct conn_pool *pool, struct loop *loop, const struct conn_limits *limits,
                    const struct conn_hooks *hooks, void *ctx, size_t conn_size);

/* Accept every waiting connection (bounded per call). A listener's callback
 * (ctx: the pool). One over max_clients gets ERROR SERVER_FULL. */
void conn_accept_ready(struct loop *loop, int fd, void *ctx, unsigned events);

/* The handshake is done: from now on the idle timeout and the heartbeat
 * apply instead of the hello timeout, and ERROR UNEXPECTED is not fatal. */
void conn_established(struct conn *c);

/* 1 while `c` can still be sent to and read from (not failed or dropped). */
int conn_alive(const struct conn *c);

/* Queue an encoded message for `c`. Small frames are staged and leave
 * together, in one send(), in conn_pool_flush; others are sent at once when
 * nothing is queued. What the socket does not take waits for writability.
 * Over CONN_OUT_MAX the connection is dropped (conn_drop). A no-op on a
 * doomed connection or one whose sending side is shut. */
void conn_send(struct conn *c, const struct proto_msg *m);

/* Send ERROR `code` with `text`. A fatal code (proto_error_fatal; UNEXPECTED
 * before conn_established) then stops reading and half-closes: `c` is
 * closed when the client closes or after CONN_LINGER_MS. The gone hook is
 * not called now (the owner knows), but before `c` is freed. */
void conn_error(struct conn *c, uint8_t code, const char *text);

/* Close `c` in the next conn_pool_flush (so that nothing up the call chain
 * holds a freed connection). `why` goes to the log. */
void conn_drop(struct conn *c, const char *why);

/* Call fn(c, arg) on each open connection; fn may fail or drop `c`. */
void conn_each(struct conn_pool *pool, void (*fn)(struct conn *c, void *arg), void *arg);

/* Before the loop sleeps: send every connection's staged frames and close
 * every doomed connection, until neither is left. */
void conn_pool_flush(struct conn_pool *pool);

/* Drop every connection and close them all now (the server is exiting). */
void conn_pool_close_all(struct conn_pool *pool, const char *why);

#endif
