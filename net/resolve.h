/* SPDX-License-Identifier: MIT */
/* resolve.h: looking a host name up without blocking the caller's event
 * loop. getaddrinfo blocks (for seconds when a DNS server does not answer),
 * so a name is looked up on a thread of its own, and the caller's loop
 * learns of the answer through a descriptor that becomes readable. A
 * numeric address (IPv4, IPv6) needs no lookup and no thread: its answer
 * comes at once.
 *
 * Bounded: one lookup per name in flight, shared by every query for that
 * name (a swarm of bots connecting to one server starts one thread), and at
 * most RESOLVE_LOOKUPS_MAX names in flight per process. A query may be freed
 * at any time, mid-lookup included: the thread finishes on its own and the
 * last of the thread and the queries frees the shared answer.
 *
 * Each query has its own descriptor (an eventfd), so that queries for one
 * name can sit in one epoll set. Thread-safe; the threads block every
 * signal, so that signals stay with the program's own threads.
 */
#ifndef TTT_RESOLVE_H
#define TTT_RESOLVE_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#define RESOLVE_ADDR_MAX 16     /* addresses kept of one answer, the first ones */
#define RESOLVE_LOOKUPS_MAX 8   /* names looked up at once per process */
#define RESOLVE_HOST_MAX 256    /* a host name, its NUL included */

/* One address of an answer: IPv4 or IPv6 (sa.sa_family says which). */
union resolve_sockaddr {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
};

/* What a name resolves to, in the resolver's order, each with the port. */
struct resolve_addrs {
    unsigned count;
    union resolve_sockaddr addr[RESOLVE_ADDR_MAX];
};

/* The length of an address of an answer, for connect(). */
socklen_t resolve_addr_len(const union resolve_sockaddr *a);

struct resolve_query;

/* Start resolving host (for TCP) with `port` in every address.
 * 1: host is a numeric address; *out holds it, *q is NULL (no lookup).
 * 0: a lookup is under way; *q is the query: wait for resolve_fd(*q) to
 *    become readable, then call resolve_result; free it with resolve_free.
 * -1: err (SOCK_ERR_LEN) says why and errno is SOCK_ENOHOST ("no such
 *    host: HOST"), SOCK_ELOOKUP ("cannot look up HOST: ...": among others
 *    when RESOLVE_LOOKUPS_MAX names are in flight already, or a thread
 *    cannot start), or another errno (no descriptor, no memory). */
int resolve_start(const char *host, uint16_t port, struct resolve_addrs *out, struct resolve_query **q,
                  char *err);

/* The descriptor to poll for reading: readable once the answer is in. */
int resolve_fd(const struct resolve_query *q);

/* The answer, once resolve_fd is readable: 1 with *out filled; -1 with err
 * and errno as for resolve_start ("no such host", "cannot look up HOST:
 * REASON", "HOST has no IPv4 or IPv6 address"); 0 while the lookup runs. */
int resolve_result(struct resolve_query *q, struct resolve_addrs *out, char *err);

/* Let a query go, finished or not: its descriptor is closed at once; a
 * lookup still under way ends on its own thread. NULL is allowed. */
void resolve_free(struct resolve_query *q);

/* Names being looked up now, by this process's threads (tests wait for 0
 * before they exit, so that no thread is left running). */
unsigned resolve_busy(void);

#endif
