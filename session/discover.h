/* SPDX-License-Identifier: MIT */
/* discover.h: a client looking for the servers on its network -- a QUERY
 * to every broadcast and all-nodes address (net/udp.h) at once, again 300
 * ms later, then every second; the ANSWERs gathered into a list with one
 * entry per server, however many of its addresses answered; a server that
 * stops answering leaves the list. Used by ttt-bot --discover and by ttt's
 * connect screen. No threads, no SDL, no allocation.
 *
 * Like session.h, the caller owns the loop: it polls discover_fds() for
 * reading and calls discover_on_readable(), and calls discover_tick() no
 * later than discover_next_deadline(). Times are the caller's monotonic
 * milliseconds. For tests without a network, discover_take() hands in one
 * datagram as if it had arrived. */
#ifndef TTT_DISCOVER_H
#define TTT_DISCOVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "discovery.h"
#include "sock.h"
#include "udp.h"

#define DISCOVER_SERVERS_MAX 64      /* servers listed; more are left out (counted) */
#define DISCOVER_TARGETS_MAX 64      /* interfaces' addresses a round of queries goes to */
#define DISCOVER_RETRY_MS 300u       /* the second round, in case the first was lost */
#define DISCOVER_INTERVAL_MS 1000u   /* the rounds after it */
#define DISCOVER_FORGET_MS 3500u     /* a server not heard for this long leaves the list */

/* One server found. */
struct discover_server {
    struct disc_answer info;         /* what it said in its last ANSWER */
    struct sockaddr_storage sa;      /* where to connect: the best address it answered from, its TCP port */
    char addr[SOCK_ADDR_LEN];        /* the same as "HOST:PORT" ("[v6%zone]:PORT") */
    uint32_t serial;                 /* 1 for the first server found, 2 for the next...: never reused */
    uint64_t last_ms;                /* its last ANSWER */
};

/* What came in that is not in the list. */
struct discover_counts {
    uint64_t answers;                /* ANSWERs taken (a server's repeats included) */
    uint64_t dropped;                /* datagrams that are not an ANSWER to our queries */
    uint64_t left_out;               /* ANSWERs of new servers with the list full */
};

struct discover {
    struct udp_socks socks;          /* -1, -1 for a discover_init'ed one (tests) */
    uint16_t port;                   /* the discovery port queried */
    uint32_t query_id;
    uint64_t next_query_ms;
    unsigned rounds;                 /* rounds of queries sent */
    uint32_t next_serial;
    int nservers;
    struct discover_server servers[DISCOVER_SERVERS_MAX];
    struct discover_counts count;
    char err[SOCK_ERR_LEN];          /* why the last round missed a target; "" when none did */
};

/* Set up *d without sockets, for discover_take (tests): queries `port`
 * with `query_id`; the first round due at now_ms. */
void discover_init(struct discover *d, uint16_t port, uint32_t query_id, uint64_t now_ms);

/* discover_init, then open the querier sockets. `query_id` tells our
 * ANSWERs from others': pick it at random. 0, or -1 with err set
 * (SOCK_ERR_LEN). */
int discover_open(struct discover *d, uint16_t port, uint32_t query_id, uint64_t now_ms, char *err);

/* Close the sockets. The list stays readable. */
void discover_close(struct discover *d);

/* The fds to poll for reading into fds[0..2); returns how many (1 or 2). */
int discover_fds(const struct discover *d, int fds[2]);

/* Read the datagrams waiting on `fd` (one of discover_fds; at most 64 a
 * call, the rest at the next). Returns 1 when the list changed (a server
 * added, or one's facts or address), else 0. */
int discover_on_readable(struct discover *d, int fd, uint64_t now_ms);

/* One datagram d[0..n) from `from`, as discover_on_readable takes it: an
 * ANSWER with our query id adds its server or refreshes it; anything else
 * is counted and dropped. 1 when the list changed, else 0. */
int discover_take(struct discover *d, const uint8_t *data, size_t n, const struct sockaddr *from,
                  uint64_t now_ms);

/* Send a round of queries when one is due, and forget the servers not
 * heard for DISCOVER_FORGET_MS. 1 when the list changed (a server left),
 * else 0. A target that could not be reached is named in d->err. */
int discover_tick(struct discover *d, uint64_t now_ms);

/* When discover_tick must next run. */
uint64_t discover_next_deadline(const struct discover *d);

#endif
