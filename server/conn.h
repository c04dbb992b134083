/* SPDX-License-Identifier: MIT */
/* conn.h: the transport: client connections as framed byte streams. It
 * admits connections (the client limit, shared fairly between source
 * addresses, --max-per-ip, at most half of the limit before HELLO), bounds
 * each one's kernel buffers, reads with bounded work per readiness event,
 * cuts frames, keeps the rate limit and the hello/idle/heartbeat clock,
 * stages and queues what is sent (bounded), ends connections with a fatal
 * ERROR, a half-close and a linger, closes them, and counts it all.
 *
 * What a frame means is its owner's business. The owner gives the pool its
 * hooks (struct conn_hooks) and the size of its per-connection struct, which
 * begins with the struct conn; the transport calls up only through the
 * hooks, and the owner calls down through the functions below. */
#ifndef TTT_CONN_H
#define TTT_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "bucket.h"
#include "list.h"
#include "loop.h"
#include "proto.h"
#include "sock.h"
#include "source.h"

/* Bounds of the flow control documented in docs/PROTOCOL.md. */
#define CONN_OUT_MAX (64u * 1024u)      /* unsent bytes queued per connection */
#define CONN_READ_CHUNK 4096u           /* bytes read per readiness event */
#define CONN_RATE_BURST 100u            /* frames */
#define CONN_RATE_PER_S 50u             /* frames refilled per second */
#define CONN_LINGER_MS 2000u            /* after a fatal ERROR */
#define CONN_STAGE 120u                 /* bytes of small frames gathered per loop iteration */
/* The kernel's buffers per connection, as set with SO_SNDBUF and SO_RCVBUF
 * (Linux doubles both for its bookkeeping): with the output queue, a
 * connection costs at most 64 + 2 x (16 + 4) KiB, under 128 KiB. */
#define CONN_SNDBUF (16u * 1024u)
#define CONN_RCVBUF (4u * 1024u)
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
    uint8_t over_limit;         /* refused or evicted with SERVER_FULL, lingering */
    uint8_t stage_len;          /* > 0 exactly while on the pool's pending list */
    uint64_t serial;            /* connection number, for logs */
    char peer[SOCK_ADDR_LEN];
    struct source *src;         /* its source address, while counted there */
    struct list src_link;       /* on src's before_hello or welcomed list, while alive */

    struct proto_reader reader;
    uint8_t inbuf[PROTO_C2S_FRAME_MAX];
    uint8_t *out;               /* unsent bytes, allocated only while any wait */
    uint32_t out_len, out_off, out_cap;
    /* Frames sent during one loop iteration gather here and leave in one
     * send() before the loop sleeps (a MOVED and the GAME_OVER after it). */
    uint8_t stage[CONN_STAGE];
    struct list pending_link;   /* on the pool's pending list */

    uint64_t last_frame_ms;     /* the last complete frame (idle timeout) */
    struct bucket rate;         /* frames: CONN_RATE_PER_S a second, bursts of CONN_RATE_BURST */
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
    uint32_t max_per_ip;        /* of one source address at most; 0: no cap */
    uint32_t hello_timeout_s;   /* from accept to conn_established */
    uint32_t idle_timeout_s;    /* after it, without a complete frame */
};

/* Why connections ended, besides the fatal ERRORs. */
enum conn_end {
    CONN_END_CLIENT = 0,        /* the client closed it */
    CONN_END_BROKEN,            /* a socket error (reset, ...) */
    CONN_END_NOT_READING,       /* its output queue passed CONN_OUT_MAX */
    CONN_END_NO_MEMORY,         /* out of memory or descriptors */
    CONN_END_REASONS
};

/* What the transport counted since the start. */
struct conn_stats {
    uint64_t frames_in, frames_out;
    uint64_t accepted;
    uint64_t ended[CONN_END_REASONS];
    uint64_t fatal[256];        /* fatal ERRORs sent, by code */
    uint64_t evicted;           /* of them SERVER_FULL to make room (fair share) */
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
    uint32_t nlinger;           /* refused or evicted connections lingering over the limit */
    uint32_t nhello;            /* counted connections before HELLO (limit: half of max_clients) */
    struct sources sources;     /* per source address */
    uint64_t next_serial;
    struct conn *doomed;        /* closed in conn_pool_flush */
    struct list pending;        /* staged bytes to send in conn_pool_flush */
    struct conn_stats stats;
};

/* Set up an empty pool. Each accepted connection gets conn_size zeroed
 * bytes (at least a struct conn), the struct conn first; `hooks` are
 * called with `ctx`. 0, or -1 when memory ran out (conn_pool_free then
 * cleans up). */
int conn_pool_init(struct conn_pool *pool, struct loop *loop, const struct conn_limits *limits,
                   const struct conn_hooks *hooks, void *ctx, size_t conn_size);

/* Free what the pool holds besides connections (after conn_pool_close_all). */
void conn_pool_free(struct conn_pool *pool);

/* Accept every waiting connection (bounded per call). A listener's callback
 * (ctx: the pool). When the server is full, a connection from a source
 * address holding fewer connections than the fullest one takes the place
 * of one of that one's (its newest before HELLO, else its newest), which
 * gets ERROR SERVER_FULL; otherwise the new one gets it. So does one over
 * --max-per-ip, and one that would make more than half of max_clients (at
 * least one) wait for HELLO, unless it too can take a place before HELLO
 * from the fullest address. */
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

/* The source address of `c` (for its guess budget), or NULL once it is
 * not counted there (refused, evicted). */
struct source *conn_source(const struct conn *c);

/* Call fn(c, arg) on each open connection; fn may fail or drop `c`. */
void conn_each(struct conn_pool *pool, void (*fn)(struct conn *c, void *arg), void *arg);

/* Before the loop sleeps: send every connection's staged frames and close
 * every doomed connection, until neither is left. */
void conn_pool_flush(struct conn_pool *pool);

/* Drop every connection and close them all now (the server is exiting). */
void conn_pool_close_all(struct conn_pool *pool, const char *why);

/* The transport's part of the stats line: "N connections (M before
 * HELLO), frames A in, B out, closed: ...". Returns buf. */
const char *conn_stats_text(const struct conn_pool *pool, char *buf, size_t cap);

#endif
