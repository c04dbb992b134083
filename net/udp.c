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

/* Close fd keeping errno; -1 for the caller to return. */
static int close_keep_errno(int fd)
{
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

/* A datagram socket of `family` (IPv6 only for AF_INET6). The fd, or -1
 * with errno. */
static int dgram_socket(int family)
{
    int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (family == AF_INET6 && sock_set_int_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) < 0)
        return close_keep_errno(fd);
    return fd;
}

static int bind_any(int fd, int family, uint16_t port)
{
    struct sockaddr_storage ss;
    socklen_t len = sock_any_addr(family, port, &ss);
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

/* One responder socket of `family` on `port`: shared, bounded, telling
 * where each datagram arrived. */
static int responder(int family, uint16_t port)
{
    int fd = dgram_socket(family);
    if (fd < 0)
        return -1;
    int pktinfo = family == AF_INET ? sock_set_int_opt(fd, IPPROTO_IP, IP_PKTINFO, 1)
                                    : sock_set_int_opt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
    if (pktinfo < 0 || sock_set_int_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0 ||
        sock_set_int_opt(fd, SOL_SOCKET, SO_REUSEPORT, 1) < 0 ||
        sock_set_int_opt(fd, SOL_SOCKET, SO_RCVBUF, UDP_RCVBUF) < 0 ||
        bind_any(fd, family, port) < 0)
        return close_keep_errno(fd);
    return fd;
}

static int responder_error(int e, uint16_t port, char *err)
{
    if (e == EADDRINUSE)
        sock_set_err(err, "UDP port %u is used by a program that does not share it", (unsigned)port);
    else if (e == EACCES)
        sock_set_err(err, "UDP port %u needs more privileges (ports below 1024 need root or CAP_NET_BIND_SERVICE)",
                     (unsigned)port);
    else
        sock_set_err(err, "cannot open UDP port %u: %s", (unsigned)port, strerror(e));
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
    int ok = family == AF_INET ? sock_set_int_opt(fd, SOL_SOCKET, SO_BROADCAST, 1) == 0
                               : sock_set_int_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 1) == 0 &&
                                     sock_set_int_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 1) == 0;
    if (!ok || bind_any(fd, family, 0) < 0)
        return close_keep_errno(fd);
    return fd;
}

int udp_open_querier(struct udp_socks *s, char *err)
{
    s->fd6 = -1;
    s->fd4 = querier(AF_INET);
    if (s->fd4 < 0 && !family_missing(errno)) {
        sock_set_err(err, "cannot open a UDP socket to look for servers: %s", strerror(errno));
        return -1;
    }
    s->fd6 = querier(AF_INET6);
    if (s->fd6 < 0 && (!family_missing(errno) || s->fd4 < 0)) {
        int e = errno;
        udp_close(s);
        sock_set_err(err, "cannot open a UDP socket to look for servers: %s", strerror(e));
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

/* ---- this machine's addresses ---- */

/* The address bytes of an AF_INET or AF_INET6 sockaddr, and how many. */
static const uint8_t *addr_bytes(const struct sockaddr *sa, size_t *n)
{
    if (sa->sa_family == AF_INET) {
        *n = 4;
        return (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
    }
    *n = 16;
    return (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
}

/* 1 when the interface address `ifa` is `addr` (2), or its network holds
 * `addr` (1); else 0. */
static int holds(const struct ifaddrs *ifa, const struct sockaddr *addr)
{
    size_t n, m;
    const uint8_t *want = addr_bytes(addr, &n), *have;
    if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != addr->sa_family || !(ifa->ifa_flags & IFF_UP))
        return 0;
    have = addr_bytes(ifa->ifa_addr, &m);
    if (memcmp(have, want, n) == 0)
        return 2;
    if (!ifa->ifa_netmask || ifa->ifa_netmask->sa_family != addr->sa_family)
        return 0;
    const uint8_t *mask = addr_bytes(ifa->ifa_netmask, &m);
    for (size_t i = 0; i < n; i++)
        if ((have[i] ^ want[i]) & mask[i])
            return 0;
    return 1;
}

int udp_interface_of(const struct sockaddr *addr, unsigned *ifindex, struct sockaddr_storage *broadcast)
{
    if (broadcast)
        memset(broadcast, 0, sizeof *broadcast);
    if (addr->sa_family != AF_INET && addr->sa_family != AF_INET6) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
    if (addr->sa_family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr) && in6->sin6_scope_id) {
        *ifindex = in6->sin6_scope_id;
        return 0;
    }
    struct ifaddrs *list;
    if (getifaddrs(&list) < 0)
        return -1;
    const struct ifaddrs *best = NULL;
    int best_fit = 0;
    for (const struct ifaddrs *ifa = list; ifa && best_fit < 2; ifa = ifa->ifa_next) {
        int fit = holds(ifa, addr);
        if (fit > best_fit) {
            best = ifa;
            best_fit = fit;
        }
    }
    int rc = -1;
    if (!best)
        errno = ENOENT;
    else if ((*ifindex = if_nametoindex(best->ifa_name)) != 0)
        rc = 0;
    struct sockaddr_in b;
    if (rc == 0 && broadcast && addr->sa_family == AF_INET && broadcast_of(best, 0, &b))
        memcpy(broadcast, &b, sizeof b);
    freeifaddrs(list);
    return rc;
}

/* ---- datagrams ---- */

/* Room for one packet-info control message of either family. */
union pktinfo_control {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo))];
};

/* The control message that makes `src` the source of a datagram sent
 * through msg. */
static void set_source(struct msghdr *msg, union pktinfo_control *control, const struct sockaddr *src)
{
    struct cmsghdr *c = (struct cmsghdr *)control->buf;
    memset(control, 0, sizeof *control);
    msg->msg_control = control->buf;
    if (src->sa_family == AF_INET) {
        struct in_pktinfo pi;
        memset(&pi, 0, sizeof pi);
        pi.ipi_spec_dst = ((const struct sockaddr_in *)src)->sin_addr;
        c->cmsg_level = IPPROTO_IP;
        c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof pi);
        memcpy(CMSG_DATA(c), &pi, sizeof pi);
        msg->msg_controllen = CMSG_SPACE(sizeof pi);
        return;
    }
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)src;
    struct in6_pktinfo pi;
    memset(&pi, 0, sizeof pi);
    pi.ipi6_addr = in6->sin6_addr;
    if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr))
        pi.ipi6_ifindex = in6->sin6_scope_id;
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof pi);
    memcpy(CMSG_DATA(c), &pi, sizeof pi);
    msg->msg_controllen = CMSG_SPACE(sizeof pi);
}

int udp_send_from(int fd, const void *buf, size_t len, const struct sockaddr *to, socklen_t tolen,
                  const struct sockaddr *src)
{
    union pktinfo_control control;
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    struct msghdr msg = {.msg_name = (void *)to, .msg_namelen = tolen, .msg_iov = &iov, .msg_iovlen = 1};
    if (src)
        set_source(&msg, &control, src);
    ssize_t sent;
    do
        sent = sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    while (sent < 0 && errno == EINTR);
    if (sent < 0)
        return -1;
    if ((size_t)sent != len) {
        errno = EMSGSIZE; /* a datagram goes whole or not at all */
        return -1;
    }
    return 0;
}

int udp_send(int fd, const void *buf, size_t len, const struct sockaddr *to, socklen_t tolen)
{
    return udp_send_from(fd, buf, len, to, tolen, NULL);
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
            sock_set_err(err, "cannot send to %s (%s): %s", where, t[i].ifname,
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

/* The packet-info message of an IPv4 datagram into *at. */
static void arrival4(const struct in_pktinfo *pi, struct udp_arrival *at)
{
    struct sockaddr_in *dst = (struct sockaddr_in *)&at->dst, *local = (struct sockaddr_in *)&at->local;
    dst->sin_family = local->sin_family = AF_INET;
    dst->sin_addr = pi->ipi_addr;       /* the header's destination */
    local->sin_addr = pi->ipi_spec_dst; /* the address a reply goes out from */
    at->ifindex = (unsigned)pi->ipi_ifindex;
}

/* The packet-info message of an IPv6 datagram into *at. */
static void arrival6(const struct in6_pktinfo *pi, struct udp_arrival *at)
{
    struct sockaddr_in6 *dst = (struct sockaddr_in6 *)&at->dst;
    dst->sin6_family = AF_INET6;
    dst->sin6_addr = pi->ipi6_addr;
    at->ifindex = pi->ipi6_ifindex;
    if (IN6_IS_ADDR_LINKLOCAL(&pi->ipi6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&pi->ipi6_addr))
        dst->sin6_scope_id = pi->ipi6_ifindex;
    if (!IN6_IS_ADDR_MULTICAST(&pi->ipi6_addr))
        memcpy(&at->local, dst, sizeof *dst);
}

/* Where the datagram of msg arrived, from its packet-info message. */
static void read_arrival(struct msghdr *msg, struct udp_arrival *at)
{
    memset(at, 0, sizeof *at);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo pi;
            memcpy(&pi, CMSG_DATA(c), sizeof pi);
            arrival4(&pi, at);
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            struct in6_pktinfo pi;
            memcpy(&pi, CMSG_DATA(c), sizeof pi);
            arrival6(&pi, at);
        }
    }
}

ssize_t udp_recv_at(int fd, void *buf, size_t cap, struct sockaddr_storage *from, socklen_t *fromlen,
                    struct udp_arrival *at)
{
    union pktinfo_control control;
    struct iovec iov = {.iov_base = buf, .iov_len = cap};
    int skipped = 0;
    for (;;) {
        struct msghdr msg = {.msg_name = from, .msg_namelen = sizeof *from, .msg_iov = &iov, .msg_iovlen = 1,
                             .msg_control = at ? control.buf : NULL, .msg_controllen = at ? sizeof control.buf : 0};
        ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
        if (n >= 0) {
            *fromlen = msg.msg_namelen;
            if (at)
                read_arrival(&msg, at);
            return n;
        }
        if (errno == EINTR || (earlier_send_error(errno) && skipped++ < EARLIER_ERRORS_MAX))
            continue;
        return -1;
    }
}

ssize_t udp_recv(int fd, void *buf, size_t cap, struct sockaddr_storage *from, socklen_t *fromlen)
{
    return udp_recv_at(fd, buf, cap, from, fromlen, NULL);
}
