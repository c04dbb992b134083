/* SPDX-License-Identifier: MIT */
/* discover.c: the list of servers on the network (see discover.h): rounds
 * of queries on a schedule, ANSWERs merged by server, servers forgotten
 * when they fall silent. A server is known by its id and TCP port; of the
 * addresses it answers from, the list keeps the one a player can best
 * connect to (rank_of). */
#include "discover.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* Datagrams read per discover_on_readable call: a flood at our port cannot
 * hold the caller's loop; the rest wait for the next call. */
#define READ_MAX 64

void discover_init(struct discover *d, uint16_t port, uint32_t query_id, uint64_t now_ms)
{
    memset(d, 0, sizeof *d);
    d->socks.fd4 = d->socks.fd6 = -1;
    d->port = port;
    d->query_id = query_id;
    d->next_query_ms = now_ms;
    d->next_serial = 1;
}

int discover_open(struct discover *d, uint16_t port, uint32_t query_id, uint64_t now_ms, char *err)
{
    discover_init(d, port, query_id, now_ms);
    return udp_open_querier(&d->socks, err) < 0 ? -1 : 0;
}

void discover_close(struct discover *d)
{
    udp_close(&d->socks);
}

int discover_fds(const struct discover *d, int fds[2])
{
    int n = 0;
    if (d->socks.fd4 >= 0)
        fds[n++] = d->socks.fd4;
    if (d->socks.fd6 >= 0)
        fds[n++] = d->socks.fd6;
    return n;
}

/* How good an address is to connect to, lower is better: an IPv4 one of a
 * network; an IPv6 one that is not link-local; a link-local one (it needs
 * its zone); loopback (the server is on this machine, and has answered on
 * a network address too unless there is none). */
static uint8_t rank_of(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127 ? 3 : 0;
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(a))
        return 3;
    return IN6_IS_ADDR_LINKLOCAL(a) ? 2 : 1;
}

/* Where to connect: `from` with the server's TCP port. */
static void set_address(struct discover_server *s, const struct sockaddr *from, uint16_t tcp_port)
{
    memset(&s->sa, 0, sizeof s->sa);
    memcpy(&s->sa, from, from->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
    sock_set_port((struct sockaddr *)&s->sa, tcp_port);
    sock_format_addr((const struct sockaddr *)&s->sa, s->addr, sizeof s->addr);
}

static struct discover_server *find(struct discover *d, const struct disc_answer *a)
{
    for (int i = 0; i < d->nservers; i++)
        if (d->servers[i].info.server_id == a->server_id && d->servers[i].info.tcp_port == a->tcp_port)
            return &d->servers[i];
    return NULL;
}

static int same_facts(const struct disc_answer *a, const struct disc_answer *b)
{
    return a->proto_version == b->proto_version && a->flags == b->flags && a->players == b->players &&
           a->games == b->games && a->name.len == b->name.len && memcmp(a->name.s, b->name.s, a->name.len) == 0;
}

int discover_take(struct discover *d, const uint8_t *data, size_t n, const struct sockaddr *from,
                  uint64_t now_ms)
{
    struct disc_msg m;
    if ((from->sa_family != AF_INET && from->sa_family != AF_INET6) || disc_decode(data, n, &m) != DISC_OK ||
        m.type != DISC_ANSWER || m.id != d->query_id) {
        d->count.dropped++;
        return 0;
    }
    d->count.answers++;
    struct discover_server *s = find(d, &m.answer);
    if (!s) {
        if (d->nservers == DISCOVER_SERVERS_MAX) {
            d->count.left_out++;
            return 0;
        }
        s = &d->servers[d->nservers++];
        s->info = m.answer;
        s->serial = d->next_serial++;
        s->last_ms = now_ms;
        set_address(s, from, m.answer.tcp_port);
        return 1;
    }
    int changed = !same_facts(&s->info, &m.answer);
    s->info = m.answer;
    s->last_ms = now_ms;
    if (rank_of(from) < rank_of((const struct sockaddr *)&s->sa)) {
        set_address(s, from, m.answer.tcp_port);
        changed = 1;
    }
    return changed;
}

int discover_on_readable(struct discover *d, int fd, uint64_t now_ms)
{
    uint8_t buf[DISC_DATAGRAM_MAX + 1]; /* one byte more: a longer datagram shows as one */
    struct sockaddr_storage from;
    socklen_t fromlen;
    ssize_t n;
    int changed = 0;
    for (int i = 0; i < READ_MAX && (n = udp_recv(fd, buf, sizeof buf, &from, &fromlen)) >= 0; i++)
        changed |= discover_take(d, buf, (size_t)n, (const struct sockaddr *)&from, now_ms);
    return changed;
}

/* Forget the servers not heard for DISCOVER_FORGET_MS; 1 if any was. */
static int forget_silent(struct discover *d, uint64_t now_ms)
{
    int kept = 0;
    for (int i = 0; i < d->nservers; i++)
        if (now_ms < d->servers[i].last_ms || now_ms - d->servers[i].last_ms < DISCOVER_FORGET_MS)
            d->servers[kept++] = d->servers[i];
    int changed = kept != d->nservers;
    d->nservers = kept;
    return changed;
}

/* One round: a QUERY to every target of the interfaces as they are now. */
static void send_round(struct discover *d)
{
    struct udp_target t[DISCOVER_TARGETS_MAX];
    uint8_t q[DISC_QUERY_LEN];
    struct disc_msg m = {.type = DISC_QUERY, .id = d->query_id};
    int n = udp_query_targets(d->port, t, DISCOVER_TARGETS_MAX);
    if (n < 0) {
        snprintf(d->err, sizeof d->err, "cannot list the network interfaces: %s", strerror(errno));
        return;
    }
    if (n == 0) {
        snprintf(d->err, sizeof d->err, "no network interface is up");
        return;
    }
    if (disc_encode(&m, q, sizeof q) == DISC_QUERY_LEN) /* always: a QUERY fits */
        (void)udp_send_queries(&d->socks, t, n, q, sizeof q, d->err);
}

int discover_tick(struct discover *d, uint64_t now_ms)
{
    if (now_ms >= d->next_query_ms) {
        if (d->socks.fd4 >= 0 || d->socks.fd6 >= 0)
            send_round(d);
        d->rounds++;
        d->next_query_ms = now_ms + (d->rounds == 1 ? DISCOVER_RETRY_MS : DISCOVER_INTERVAL_MS);
    }
    return forget_silent(d, now_ms);
}

uint64_t discover_next_deadline(const struct discover *d)
{
    uint64_t when = d->next_query_ms;
    for (int i = 0; i < d->nservers; i++)
        if (d->servers[i].last_ms + DISCOVER_FORGET_MS < when)
            when = d->servers[i].last_ms + DISCOVER_FORGET_MS;
    return when;
}
