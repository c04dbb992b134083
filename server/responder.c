/* SPDX-License-Identifier: MIT */
/* responder.c: tttd's discovery responder (see responder.h): which
 * addresses its listeners cover, the sockets in the loop, the datagrams
 * read a bounded number at a time, the answers sent from the right
 * address, and the counts said at the end. What gets an answer and what it
 * says is announce.c's; this file does the I/O around it. */
#include "responder.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "announce.h"
#include "log.h"
#include "random.h"
#include "server.h"
#include "text.h"
#include "udp.h"

/* A listener on one address (not a wildcard): what reaches it. */
struct bound {
    struct sockaddr_storage addr;       /* as listened on (IPv4-mapped as IPv4), port 0 */
    struct sockaddr_storage broadcast;  /* IPv4: its network's broadcast address; family 0: none */
    unsigned ifindex;                   /* its interface; 0: unknown (queries to it alone reach it) */
};

struct responder {
    struct server *srv;
    struct udp_socks socks;
    uint16_t port;
    uint8_t any4, any6;                 /* a wildcard listener takes every query of the family */
    int nbound;
    struct bound bound[SERVER_MAX_LISTEN];
    uint64_t elsewhere;                 /* queries to an address or interface not listened on */
    uint64_t unsent;                    /* ANSWERs the socket did not take (buffer full, unreachable) */
    struct announce ann;
};

/* ---- what the listeners cover ---- */

/* `ss` with port 0, an IPv4-mapped IPv6 address as IPv4. */
static void plain_addr(const struct sockaddr_storage *ss, struct sockaddr_storage *out)
{
    memset(out, 0, sizeof *out);
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        if (!IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            memcpy(out, in6, sizeof *in6);
            ((struct sockaddr_in6 *)out)->sin6_port = 0;
            return;
        }
        struct sockaddr_in *in = (struct sockaddr_in *)out;
        in->sin_family = AF_INET;
        memcpy(&in->sin_addr, &in6->sin6_addr.s6_addr[12], 4);
        return;
    }
    memcpy(out, ss, sizeof(struct sockaddr_in));
    ((struct sockaddr_in *)out)->sin_port = 0;
}

/* The wildcard families and the bound addresses of srv's listeners. */
static void learn_listeners(struct responder *r)
{
    const struct server *srv = r->srv;
    for (int i = 0; i < srv->nlisteners; i++) {
        const struct sock_listener *l = &srv->listeners[i];
        if (l->any) {
            r->any4 |= (uint8_t)(l->addr.ss_family == AF_INET || l->dual_stack);
            r->any6 |= (uint8_t)(l->addr.ss_family == AF_INET6);
            continue;
        }
        struct bound *b = &r->bound[r->nbound++];
        plain_addr(&l->addr, &b->addr);
        if (udp_interface_of((const struct sockaddr *)&b->addr, &b->ifindex, &b->broadcast) < 0)
            b->ifindex = 0;
    }
}

/* 1 when queries of `family` can reach a listener. */
static int family_wanted(const struct responder *r, int family)
{
    if (family == AF_INET ? r->any4 : r->any6)
        return 1;
    for (int i = 0; i < r->nbound; i++)
        if (r->bound[i].addr.ss_family == family)
            return 1;
    return 0;
}

/* ---- which queries are ours ---- */

static int same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return 0;
    if (a->ss_family == AF_INET)
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
    return a->ss_family == AF_INET6 && memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                                              &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}

/* 1 when a datagram that arrived as `at` was broadcast or multicast to
 * the link of bound address b. */
static int to_link_of(const struct bound *b, const struct udp_arrival *at)
{
    if (at->ifindex == 0 || at->ifindex != b->ifindex)
        return 0;
    if (at->dst.ss_family == AF_INET6)
        return IN6_IS_ADDR_MULTICAST(&((const struct sockaddr_in6 *)&at->dst)->sin6_addr);
    in_addr_t dst = ((const struct sockaddr_in *)&at->dst)->sin_addr.s_addr;
    return dst == htonl(INADDR_BROADCAST) || same_addr(&at->dst, &b->broadcast);
}

/* Whether a datagram that arrived on the socket of `family` as `at`
 * reached an address tttd listens on: 1 with *src the address to answer
 * from (NULL: the kernel's choice), or 0. */
static int reached_us(const struct responder *r, int family, const struct udp_arrival *at,
                      const struct sockaddr **src)
{
    *src = NULL;
    if (family == AF_INET ? r->any4 : r->any6) {
        if (at->local.ss_family == family)
            *src = (const struct sockaddr *)&at->local;
        return 1;
    }
    if (at->dst.ss_family != family)
        return 0; /* the kernel did not say where: not provably ours */
    for (int i = 0; i < r->nbound; i++) {
        const struct bound *b = &r->bound[i];
        if (b->addr.ss_family == family && (same_addr(&at->dst, &b->addr) || to_link_of(b, at))) {
            *src = (const struct sockaddr *)&b->addr;
            return 1;
        }
    }
    return 0;
}

/* ---- the loop's callback ---- */

/* The live counts the next ANSWERs carry. */
static void refresh_load(struct responder *r)
{
    const struct server *srv = r->srv;
    uint32_t players = srv->conns.n - srv->conns.nlinger;
    announce_set_load(&r->ann, players, srv->games.nlive, players >= srv->opt.max_clients);
}

/* A responder socket is readable: up to RESPONDER_READ_MAX datagrams,
 * each answered or dropped (and counted). */
static void on_datagrams(struct loop *loop, int fd, void *ctx, unsigned events)
{
    struct responder *r = ctx;
    int family = fd == r->socks.fd4 ? AF_INET : AF_INET6;
    uint64_t now = loop_now_ms(loop);
    (void)events;
    refresh_load(r);
    for (int i = 0; i < RESPONDER_READ_MAX; i++) {
        uint8_t in[DISC_DATAGRAM_MAX + 1], out[DISC_ANSWER_MAX]; /* one byte more: a longer one shows */
        struct sockaddr_storage from;
        socklen_t fromlen;
        struct udp_arrival at;
        const struct sockaddr *src;
        ssize_t n = udp_recv_at(fd, in, sizeof in, &from, &fromlen, &at);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                log_debug("discovery: receive: %s", strerror(errno));
            return;
        }
        if (!reached_us(r, family, &at, &src)) {
            r->elsewhere++;
            continue;
        }
        size_t len = announce_datagram(&r->ann, in, (size_t)n, (const struct sockaddr *)&from, now, out, sizeof out);
        if (len == 0)
            continue;
        if (udp_send_from(fd, out, len, (const struct sockaddr *)&from, fromlen, src) < 0) {
            r->unsent++;
        } else if (log_enabled(LOG_VERBOSE)) {
            char peer[SOCK_ADDR_LEN];
            sock_format_addr((const struct sockaddr *)&from, peer, sizeof peer);
            log_debug("discovery: answered %s", peer);
        }
    }
}

/* ---- start and stop ---- */

/* Stop watching the sockets and close them. */
static void close_sockets(struct responder *r)
{
    loop_del_fd(r->srv->loop, r->socks.fd4); /* a no-op for -1 or an fd not watched */
    loop_del_fd(r->srv->loop, r->socks.fd6);
    udp_close(&r->socks);
}

/* Open the sockets of the families listened on and watch them. 0, or -1
 * with err set and nothing left open. */
static int open_sockets(struct responder *r, char *err)
{
    struct udp_socks *s = &r->socks;
    if (udp_open_responder(r->srv->opt.announce_port, s, err) < 0)
        return -1;
    if (s->fd4 >= 0 && !family_wanted(r, AF_INET)) {
        close(s->fd4);
        s->fd4 = -1;
    }
    if (s->fd6 >= 0 && !family_wanted(r, AF_INET6)) {
        close(s->fd6);
        s->fd6 = -1;
    }
    if (s->fd4 < 0 && s->fd6 < 0) {
        snprintf(err, SOCK_ERR_LEN, "no UDP socket of the families listened on");
        return -1;
    }
    if ((s->fd4 >= 0 && loop_add_fd(r->srv->loop, s->fd4, LOOP_READABLE, on_datagrams, r) < 0) ||
        (s->fd6 >= 0 && loop_add_fd(r->srv->loop, s->fd6, LOOP_READABLE, on_datagrams, r) < 0)) {
        snprintf(err, SOCK_ERR_LEN, "cannot watch its UDP socket: %s", strerror(errno));
        close_sockets(r);
        return -1;
    }
    r->port = udp_local_port(s->fd4 >= 0 ? s->fd4 : s->fd6);
    return 0;
}

void responder_start(struct server *srv)
{
    const struct options *o = &srv->opt;
    char err[SOCK_ERR_LEN];
    if (!o->announce)
        return;
    struct responder *r = calloc(1, sizeof *r);
    if (!r) {
        log_warn("not answering discovery: out of memory");
        return;
    }
    r->srv = srv;
    learn_listeners(r);
    if (open_sockets(r, err) < 0) {
        log_warn("not answering discovery: %s; players must type this server's address", err);
        free(r);
        return;
    }
    uint32_t id;
    random_bytes(&id, sizeof id);
    announce_init(&r->ann, id, srv->port, &o->name, loop_now_ms(srv->loop));
    srv->responder = r;
    char name[DISC_NAME_MAX * 6 + 1];
    (void)text_json_escape(o->name.s, o->name.len, name, sizeof name);
    log_info("answering discovery on UDP port %u as \"%s\"%s", (unsigned)r->port, name,
             r->nbound ? ", for the addresses listened on" : "");
}

void responder_stop(struct server *srv)
{
    struct responder *r = srv->responder;
    if (!r)
        return;
    close_sockets(r);
    const struct announce_counts *c = &r->ann.count;
    log_info("discovery: %llu queries answered; not answered: %llu over the rate limits, %llu malformed, "
             "%llu of another version, %llu not a query, %llu from a port below 1024, %llu to an address "
             "not listened on; %llu answers not sent",
             (unsigned long long)c->answered, (unsigned long long)c->limited, (unsigned long long)c->malformed,
             (unsigned long long)c->other_version, (unsigned long long)c->not_query,
             (unsigned long long)c->bad_source, (unsigned long long)r->elsewhere, (unsigned long long)r->unsent);
    free(r);
    srv->responder = NULL;
}
