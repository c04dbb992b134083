/* SPDX-License-Identifier: MIT */
/* udp.c: the datagram sockets of udp.h -- a server's shared responder
 * sockets, a client's querier sockets, the broadcast and all-nodes targets
 * of this machine's interfaces, and sending and receiving one datagram
 * without ever waiting. */
#include "udp.h"
#include "sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define ERR(err, ...) ((err) ? (void)snprintf((err), SOCK_ERR_LEN, __VA_ARGS__) : (void)0)

static int set_int_opt(int fd, int level, int name, int value)
{
    return setsockopt(fd, level, name, &value, sizeof value);
}

/* Close fd keeping errno; -1 for the caller to return. */
static int close_keep_errno(int fd)
{
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

/* A wildcard address of `family` with `port`. */
static socklen_t any_addr(int family, uint16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (family == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_addr = in6addr_any;
        in6->sin6_port = htons(port);
        return sizeof *in6;
    }
    struct sockaddr_in *in = (struct sockaddr_in *)ss;
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_ANY);
    in->sin_port = htons(port);
    return sizeof *in;
}

/* A datagram socket of `family` (IPv6 only for AF_INET6). The fd, or -1
 * with errno. */
static int dgram_socket(int family)
{
    int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (family == AF_INET6 && set_int_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) < 0)
        return close_keep_errno(fd);
    return fd;
}

static int bind_any(int fd, int family, uint16_t port)
{
    struct sockaddr_storage ss;
    socklen_t len = any_addr(family, port, &ss);
    return bind(fd, (struct sockaddr *)&ss, len);
}

uint16_t udp_local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return 0;
    return sock_addr_port((struct sockaddr *)&ss);
}

void udp_close(struct udp_socks *s)
{
    if (s->fd4 >= 0)
        close(s->fd4);
    if (s->fd6 >= 0)
        close(s->fd6);
    s->fd4 = s->fd6 = -1;
}

/* 1 when `e` from socket() or bind() means this machine has no such
 * family: the socket is left out, not an error. */
static int family_missing(int e)
{
    return e == EAFNOSUPPORT || e == EADDRNOTAVAIL || e == EPROTONOSUPPORT;
}

/* ---- the server's side ---- */

/* One responder socket of `family` on `port`: shared, bounded. */
static int responder(int family, uint16_t port)
{
    int fd = dgram_socket(family);
    if (fd < 0)
        return -1;
    if (set_int_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0 || set_int_opt(fd, SOL_SOCKET, SO_REUSEPORT, 1) < 0 ||
        set_int_opt(fd, SOL_SOCKET, SO_RCVBUF, UDP_RCVBUF) < 0 || bind_any(fd, family, port) < 0)
        return close_keep_errno(fd);
    return fd;
}

static int responder_error(int e, uint16_t port, char *err)
{
    if (e == EADDRINUSE)
        ERR(err, "UDP port %u is used by a program that does not share it", (unsigned)port);
    else if (e == EACCES)
        ERR(err, "UDP port %u needs more privileges (ports below 1024 need root or CAP_NET_BIND_SERVICE)",
            (unsigned)port);
    else
        ERR(err, "cannot open UDP port %u: %s", (unsigned)port, strerror(e));
    errno = e;
    return -1;
}

int udp_open_responder(uint16_t port, struct udp_socks *s, char *err)
{
    s->fd6 = -1;
    s->fd4 = responder(AF_INET, port);
    if (s->fd4 < 0 && !family_missing(errno))
        return responder_error(errno, port, err);
    if (s->fd4 >= 0 && port == 0 && (port = udp_local_port(s->fd4)) == 0) {
        int e = errno;
        udp_close(s);
        return responder_error(e, 0, err);
    }
    s->fd6 = responder(AF_INET6, port);
    if (s->fd6 < 0 && (!family_missing(errno) || s->fd4 < 0)) {
        int e = errno;
        udp_close(s);
        return responder_error(e, port, err);
    }
    return (s->fd4 >= 0) + (s->fd6 >= 0);
}

/* ---- the client's side ---- */

/* One querier socket of `family`: broadcasts (IPv4), or multicasts one hop
 * with its own host hearing them (IPv6). */
static int querier(int family)
{
    int fd = dgram_socket(family);
    if (fd < 0)
        return -1;
    int ok = family == AF_INET ? set_int_opt(fd, SOL_SOCKET, SO_BROADCAST, 1) == 0
                               : set_int_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 1) == 0 &&
                                     set_int_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 1) == 0;
    if (!ok || bind_any(fd, family, 0) < 0)
        return close_keep_errno(fd);
    return fd;
}

int udp_open_querier(struct udp_socks *s, char *err)
{
    s->fd6 = -1;
    s->fd4 = querier(AF_INET);
    if (s->fd4 < 0 && !family_missing(errno)) {
        ERR(err, "cannot open a UDP socket to look for servers: %s", strerror(errno));
        return -1;
    }
    s->fd6 = querier(AF_INET6);
    if (s->fd6 < 0 && (!family_missing(errno) || s->fd4 < 0)) {
        int e = errno;
        udp_close(s);
        ERR(err, "cannot open a UDP socket to look for servers: %s", strerror(e));
        errno = e;
        return -1;
    }
    return (s->fd4 >= 0) + (s->fd6 >= 0);
}

/* ---- where queries go ---- */

/* 1 if out[0..n) already holds `addr` (the whole sockaddr compared). */
static int known_target(const struct udp_target *out, int n, const struct sockaddr_storage *addr, socklen_t len)
{
    for (int i = 0; i < n; i++)
        if (out[i].len == len && memcmp(&out[i].addr, addr, len) == 0)
            return 1;
    return 0;
}

/* The IPv4 broadcast address of one interface address, or 0 when it has
 * none (a point-to-point link). Loopback has no IFF_BROADCAST, yet the
 * kernel takes 127.255.255.255 as its broadcast address. */
static int broadcast_of(const struct ifaddrs *ifa, uint16_t port, struct sockaddr_in *out)
{
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    out->sin_port = htons(port);
    if ((ifa->ifa_flags & IFF_BROADCAST) && ifa->ifa_broadaddr && ifa->ifa_broadaddr->sa_family == AF_INET) {
        out->sin_addr = ((const struct sockaddr_in *)ifa->ifa_broadaddr)->sin_addr;
        return 1;
    }
    if ((ifa->ifa_flags & IFF_LOOPBACK) && ifa->ifa_netmask) {
        uint32_t a = ((const struct sockaddr_in *)ifa->ifa_addr)->sin_addr.s_addr;
        uint32_t m = ((const struct sockaddr_in *)ifa->ifa_netmask)->sin_addr.s_addr;
        out->sin_addr.s_addr = a | ~m;
        return 1;
    }
    return 0;
}

/* ff02::1 on the interface of `ifa`, or 0 when it cannot carry it. */
static int all_nodes_on(const struct ifaddrs *ifa, uint16_t port, struct sockaddr_in6 *out)
{
    unsigned index;
    if (!(ifa->ifa_flags & IFF_MULTICAST) || (ifa->ifa_flags & IFF_LOOPBACK) ||
        (index = if_nametoindex(ifa->ifa_name)) == 0)
        return 0;
    memset(out, 0, sizeof *out);
    out->sin6_family = AF_INET6;
    out->sin6_port = htons(port);
    out->sin6_scope_id = index;
    return inet_pton(AF_INET6, "ff02::1", &out->sin6_addr) == 1;
}

/* Add the targets of one family from `list` to out[n..max); the new n. */
static int add_targets(const struct ifaddrs *list, int family, uint16_t port, struct udp_target *out, int n,
                       int max)
{
    for (const struct ifaddrs *ifa = list; ifa && n < max; ifa = ifa->ifa_next) {
        struct udp_target t;
        memset(&t, 0, sizeof t);
        if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != family || !(ifa->ifa_flags & IFF_UP))
            continue;
        if (family == AF_INET ? !broadcast_of(ifa, port, (struct sockaddr_in *)&t.addr)
                              : !all_nodes_on(ifa, port, (struct sockaddr_in6 *)&t.addr))
            continue;
        t.len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
        if (known_target(out, n, &t.addr, t.len))
            continue;
        snprintf(t.ifname, sizeof t.ifname, "%s", ifa->ifa_name);
        out[n++] = t;
    }
    return n;
}

int udp_query_targets(uint16_t port, struct udp_target *out, int max)
{
    struct ifaddrs *list;
    if (getifaddrs(&list) < 0)
        return -1;
    int n = add_targets(list, AF_INET, port, out, 0, max);
    n = add_targets(list, AF_INET6, port, out, n, max);
    freeifaddrs(list);
    return n;
}

/* ---- datagrams ---- */

int udp_send(int fd, const void *buf, size_t len, const struct sockaddr *to, socklen_t tolen)
{
    ssize_t sent;
    do
        sent = sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL, to, tolen);
    while (sent < 0 && errno == EINTR);
    if (sent < 0)
        return -1;
    if ((size_t)sent != len) {
        errno = EMSGSIZE; /* a datagram goes whole or not at all */
        return -1;
    }
    return 0;
}

int udp_send_queries(const struct udp_socks *s, const struct udp_target *t, int n, const void *buf,
                     size_t len, char *err)
{
    int sent = 0, failed = 0;
    if (err)
        err[0] = '\0';
    for (int i = 0; i < n; i++) {
        int fd = t[i].addr.ss_family == AF_INET ? s->fd4 : s->fd6;
        if (fd >= 0 && udp_send(fd, buf, len, (const struct sockaddr *)&t[i].addr, t[i].len) == 0) {
            sent++;
            continue;
        }
        if (failed++ == 0) {
            char where[SOCK_ADDR_LEN];
            sock_format_addr((const struct sockaddr *)&t[i].addr, where, sizeof where);
            ERR(err, "cannot send to %s (%s): %s", where, t[i].ifname,
                fd < 0 ? "no socket of its family" : strerror(errno));
        }
    }
    return sent;
}

/* Errors a socket reports for a datagram it sent earlier (an ICMP message
 * came back): they say nothing about the next datagram waiting. */
static int earlier_send_error(int e)
{
    return e == ECONNREFUSED || e == EHOSTUNREACH || e == ENETUNREACH || e == EHOSTDOWN || e == ENETDOWN;
}

/* How many such errors udp_recv skips in one call: the kernel keeps one
 * per socket, so a second in a row is a new one; the bound keeps a flood of
 * them from holding the caller. */
#define EARLIER_ERRORS_MAX 8

ssize_t udp_recv(int fd, void *buf, size_t cap, struct sockaddr_storage *from, socklen_t *fromlen)
{
    int skipped = 0;
    for (;;) {
        *fromlen = sizeof *from;
        ssize_t n = recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)from, fromlen);
        if (n >= 0)
            return n;
        if (errno == EINTR || (earlier_send_error(errno) && skipped++ < EARLIER_ERRORS_MAX))
            continue;
        return -1;
    }
}
