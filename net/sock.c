/* SPDX-License-Identifier: MIT */
/* sock.c: the socket helpers behind sock.h: listening (on every address of
 * a name, dual-stack by default), accepting, connecting, address text both
 * ways, and the list of this machine's addresses for players to use. Errors
 * come back as one-line plain-English reasons in the caller's buffer;
 * nothing here prints. */
#include "sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void sock_set_err(char *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, SOCK_ERR_LEN, fmt, ap);
    va_end(ap);
}

/* Add to the text already in err (up to SOCK_ERR_LEN, cut if longer). */
static void append_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append_err(char *err, const char *fmt, ...)
{
    size_t used = strlen(err);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + used, SOCK_ERR_LEN - used, fmt, ap);
    va_end(ap);
}

/* A reason in plain words for the errno values users meet. */
static const char *plain(int e)
{
    switch (e) {
    case ECONNREFUSED: return "connection refused";
    case ETIMEDOUT: return "connection timed out";
    case ENETUNREACH: return "network unreachable";
    case EHOSTUNREACH: return "host unreachable";
    case ECONNRESET: return "connection reset";
    case EADDRNOTAVAIL: return "address not available on this machine";
    case EACCES: return "permission denied";
    case EMFILE: return "too many open files in this process";
    case ENFILE: return "too many open files in the system";
    default: return strerror(e);
    }
}

int sock_set_int_opt(int fd, int level, int name, int value)
{
    return setsockopt(fd, level, name, &value, sizeof value);
}

/* ---- listening ---- */

int sock_lookup_error(int rc, int sys_errno, const char *host, char *err)
{
    if (rc == EAI_NONAME || rc == EAI_NODATA) {
        sock_set_err(err, "no such host: %s", host);
        return SOCK_ENOHOST;
    }
    if (rc == EAI_SYSTEM)
        sock_set_err(err, "cannot look up %s: %s", host, strerror(sys_errno));
    else
        sock_set_err(err, "cannot look up %s: %s", host, gai_strerror(rc));
    return SOCK_ELOOKUP;
}

/* getaddrinfo for TCP on host:port (AF_UNSPEC; `flags` added to
 * AI_NUMERICSERV). The list to free with freeaddrinfo, or NULL with err and
 * errno as sock_lookup_error sets them. */
static struct addrinfo *resolve(const char *host, uint16_t port, int flags, char *err)
{
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | flags;
    int rc = getaddrinfo(host, service, &hints, &res);
    if (rc == 0)
        return res;
    errno = sock_lookup_error(rc, errno, host, err);
    return NULL;
}

/* Text of an address's host part, HOST_TEXT_LEN at most: IPv4, IPv6 with
 * its zone ("fe80::1%eth0", or the interface number if it has no name),
 * an IPv4-mapped IPv6 address as IPv4. */
#define HOST_TEXT_LEN (INET6_ADDRSTRLEN + IF_NAMESIZE + 1)
/* sock_format_addr's "[HOST]:65535" fits in SOCK_ADDR_LEN. */
_Static_assert(SOCK_ADDR_LEN >= HOST_TEXT_LEN - 1 + 8 + 1, "SOCK_ADDR_LEN too small for [v6%zone]:port");
static void host_text(const struct sockaddr *sa, char *out, size_t out_len)
{
    char host[INET6_ADDRSTRLEN] = "?";
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, host, sizeof host);
        snprintf(out, out_len, "%s", host);
        return;
    }
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
        inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], host, sizeof host);
        snprintf(out, out_len, "%s", host);
        return;
    }
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    char ifname[IF_NAMESIZE];
    if (in6->sin6_scope_id == 0)
        snprintf(out, out_len, "%s", host);
    else if (if_indextoname(in6->sin6_scope_id, ifname))
        snprintf(out, out_len, "%s%%%s", host, ifname);
    else
        snprintf(out, out_len, "%s%%%u", host, (unsigned)in6->sin6_scope_id);
}

uint16_t sock_addr_port(const struct sockaddr *sa)
{
    return ntohs(sa->sa_family == AF_INET6 ? ((const struct sockaddr_in6 *)sa)->sin6_port
                                           : ((const struct sockaddr_in *)sa)->sin_port);
}

void sock_set_port(struct sockaddr *sa, uint16_t port)
{
    if (sa->sa_family == AF_INET6)
        ((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
    else
        ((struct sockaddr_in *)sa)->sin_port = htons(port);
}

socklen_t sock_any_addr(int family, uint16_t port, struct sockaddr_storage *ss)
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

/* 0.0.0.0 or ::. */
static int is_any(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET6)
        return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)sa)->sin6_addr);
    return ((const struct sockaddr_in *)sa)->sin_addr.s_addr == htonl(INADDR_ANY);
}

/* Socket, options, bind, listen on one address; an IPv6 socket takes IPv4
 * clients too unless v6only. The fd, or -1 with errno. */
static int listen_on(const struct sockaddr *sa, socklen_t len, int backlog, int v6only)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (sock_set_int_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0 ||
        (sa->sa_family == AF_INET6 && sock_set_int_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only) < 0) ||
        bind(fd, sa, len) < 0 || listen(fd, backlog) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* What to do about a link-local IPv6 address given without a zone: name
 * the interface that has it, if one does. */
static void zone_hint(const struct in6_addr *a, char *out, size_t out_len)
{
    char host[INET6_ADDRSTRLEN] = "?";
    inet_ntop(AF_INET6, a, host, sizeof host);
    struct ifaddrs *list = NULL;
    const char *ifname = NULL;
    if (getifaddrs(&list) == 0) {
        for (const struct ifaddrs *ifa = list; ifa && !ifname; ifa = ifa->ifa_next)
            if (ifa->ifa_addr && ifa->ifa_addr->sa_family == AF_INET6 &&
                !memcmp(&((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr, a, sizeof *a))
                ifname = ifa->ifa_name;
    }
    if (ifname)
        snprintf(out, out_len, " (a link-local IPv6 address needs a zone: %s%%%s)", host, ifname);
    else
        snprintf(out, out_len,
                 " (a link-local IPv6 address needs a zone, e.g. %s%%eth0; and no interface here has this one)",
                 host);
    if (list)
        freeifaddrs(list);
}

/* Say in err why listening on `sa` failed with errno e, and return -1 with
 * errno e. `name` is what the user asked for (a name, or the address as
 * typed); NULL for every address, and then no address is named. */
static int listen_error(int e, const struct sockaddr *sa, const char *name, uint16_t port, char *err)
{
    char host[HOST_TEXT_LEN] = "", where[192] = "", hint[160] = "";
    if (name) {
        host_text(sa, host, sizeof host);
        if (strcmp(name, host) != 0)
            snprintf(where, sizeof where, "%.100s (%s)", name, host);
        else
            snprintf(where, sizeof where, "%s", host);
    }
    if (e == EADDRNOTAVAIL)
        snprintf(hint, sizeof hint, " (not an address of this machine)");
    else if (e == EAFNOSUPPORT && sa->sa_family == AF_INET6)
        snprintf(hint, sizeof hint, " (no IPv6 on this machine)");
    else if (e == EINVAL && sa->sa_family == AF_INET6 &&
             IN6_IS_ADDR_LINKLOCAL(&((const struct sockaddr_in6 *)sa)->sin6_addr) &&
             ((const struct sockaddr_in6 *)sa)->sin6_scope_id == 0)
        zone_hint(&((const struct sockaddr_in6 *)sa)->sin6_addr, hint, sizeof hint);

    if (e == EADDRINUSE && name && !is_any(sa))
        sock_set_err(err, "port %u is already in use on %s", (unsigned)port, where);
    else if (e == EADDRINUSE)
        sock_set_err(err, "port %u is already in use", (unsigned)port);
    else if (e == EACCES)
        sock_set_err(err, "port %u needs more privileges (permission denied)", (unsigned)port);
    else if (port == 0)
        sock_set_err(err, "cannot listen on %s: %s%s", name ? where : "any port", strerror(e), hint);
    else
        sock_set_err(err, "cannot listen on %s%sport %u: %s%s", where, name ? " " : "", (unsigned)port, strerror(e),
                hint);
    errno = e;
    return -1;
}

/* 1 when no address before `ai` in `res` is the same as its. */
static int first_of_its_kind(const struct addrinfo *res, const struct addrinfo *ai)
{
    for (const struct addrinfo *p = res; p != ai; p = p->ai_next)
        if (p->ai_addrlen == ai->ai_addrlen && !memcmp(p->ai_addr, ai->ai_addr, ai->ai_addrlen))
            return 0;
    return 1;
}

/* 1 when `res` has the wildcard of this family (0.0.0.0 or ::). */
static int has_any(const struct addrinfo *res, int family)
{
    for (const struct addrinfo *p = res; p; p = p->ai_next)
        if (p->ai_family == family && is_any(p->ai_addr))
            return 1;
    return 0;
}

/* 1 when a wildcard of `res` takes ai's clients, so that ai gets no socket
 * of its own (which would clash with the wildcard's on the port): 0.0.0.0
 * takes every IPv4 address, :: every IPv6 one, and every IPv4 one too when
 * it is dual-stack (no 0.0.0.0 in `res`). */
static int covered(const struct addrinfo *res, const struct addrinfo *ai)
{
    if (is_any(ai->ai_addr))
        return 0;
    if (has_any(res, ai->ai_family))
        return 1;
    return ai->ai_family == AF_INET && has_any(res, AF_INET6);
}

/* An address of `res` that sock_listen_all binds (the first of its kind,
 * IPv4 or IPv6, not covered by a wildcard). */
static int usable(const struct addrinfo *res, const struct addrinfo *ai)
{
    return (ai->ai_family == AF_INET || ai->ai_family == AF_INET6) &&
           ai->ai_addrlen <= sizeof(struct sockaddr_storage) && first_of_its_kind(res, ai) &&
           !covered(res, ai);
}

static void close_listeners(struct sock_listener *l, int n)
{
    for (int i = 0; i < n; i++)
        close(l[i].fd);
}

/* With port 0, how many ports sock_listen_all tries for a name whose
 * later addresses find the first one's port taken. */
#define LISTEN_TRIES 16

/* One try of sock_listen_all over the addresses of `res` (see sock.h).
 * The count; -1 with err set, errno kept and nothing open; or 0 when
 * `port` is 0 and the port the kernel gave the first address is taken on
 * a later one: try again (never on the last try). */
static int listen_each(const struct addrinfo *res, const char *name, uint16_t port, int backlog,
                       struct sock_listener *out, int max, int last_try, char *err)
{
    /* "::" is dual-stack unless 0.0.0.0 comes with it (which always binds). */
    int any4 = has_any(res, AF_INET), k = 0, more = 0;
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if (!usable(res, ai))
            continue;
        if (k == max) {
            more = 1; /* more addresses than room: the first `max` are used */
            break;
        }
        k++;
    }
    struct sockaddr_storage left_out; /* the first address left out, and why */
    int left_e = 0, n = 0;
    uint16_t use = port;
    for (const struct addrinfo *ai = res; ai && n < max; ai = ai->ai_next) {
        if (!usable(res, ai))
            continue;
        struct sockaddr_storage ss;
        memset(&ss, 0, sizeof ss);
        memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
        sock_set_port((struct sockaddr *)&ss, use);
        const struct sockaddr *sa = (const struct sockaddr *)&ss;
        struct sock_listener *l = &out[n];
        int v6only = ai->ai_family == AF_INET6 && is_any(sa) && any4;
        socklen_t len = sizeof l->addr;
        l->fd = listen_on(sa, ai->ai_addrlen, backlog, v6only);
        if (l->fd >= 0 && getsockname(l->fd, (struct sockaddr *)&l->addr, &len) < 0) {
            int saved = errno;
            close(l->fd);
            l->fd = -1;
            errno = saved;
        }
        if (l->fd < 0) {
            int e = errno;
            if (e == EADDRNOTAVAIL || e == EAFNOSUPPORT) {
                if (!left_e) {
                    left_e = e;
                    left_out = ss;
                }
                continue;
            }
            close_listeners(out, n);
            if (e == EADDRINUSE && port == 0 && n > 0) {
                if (!last_try)
                    return 0;
                /* The user asked for any port: name the one tried last only
                 * as a detail. */
                char where[SOCK_ADDR_LEN];
                sock_format_addr(sa, where, sizeof where);
                sock_set_err(err, "no port is free on every address of %s (%d tries; the last, %s, was in use)",
                        name ? name : "(every address)", LISTEN_TRIES, where);
                errno = e;
                return -1;
            }
            return listen_error(e, sa, name, use, err);
        }
        l->any = is_any(sa);
        l->dual_stack = ai->ai_family == AF_INET6 && l->any && !v6only;
        if (n++ == 0)
            use = sock_addr_port((const struct sockaddr *)&l->addr);
    }
    if (left_e) {
        (void)listen_error(left_e, (const struct sockaddr *)&left_out, name, use, err);
        if (n > 0 && err)
            append_err(err, "; listening on the other addresses of %s", name ? name : "(every address)");
    }
    if (more && n > 0 && err)
        append_err(err, "%s%s has more than %d addresses: listening on the first %d", err[0] ? "; " : "",
                   name ? name : "(every address)", max, max);
    if (n == 0 && !left_e) {
        sock_set_err(err, "%s has no IPv4 or IPv6 address", name ? name : "(every address)");
        errno = EADDRNOTAVAIL;
    }
    return n > 0 ? n : -1;
}

static int listen_tries(const struct addrinfo *res, const char *name, uint16_t port, int backlog,
                        struct sock_listener *out, int max, char *err)
{
    int n = 0;
    for (int t = 1; n == 0; t++)
        n = listen_each(res, name, port, backlog, out, max, t == LISTEN_TRIES, err);
    return n;
}

int sock_listen_all(const char *bind_addr, uint16_t port, int backlog, struct sock_listener *out, int max,
                    char *err)
{
    if (err)
        err[0] = '\0';
    if (max < 1) {
        sock_set_err(err, "no room for a listening socket");
        errno = EINVAL;
        return -1;
    }
    if (bind_addr) {
        struct addrinfo *res = resolve(bind_addr, port, AI_PASSIVE, err);
        if (!res)
            return -1;
        int n = listen_tries(res, bind_addr, port, backlog, out, max, err);
        int saved = errno;
        freeaddrinfo(res);
        errno = saved;
        return n;
    }
    /* Every address: "::" dual-stack, or 0.0.0.0 on a machine without IPv6. */
    struct sockaddr_storage any6, any4;
    struct addrinfo ai6 = {.ai_family = AF_INET6, .ai_addrlen = sock_any_addr(AF_INET6, 0, &any6),
                           .ai_addr = (struct sockaddr *)&any6};
    struct addrinfo ai4 = {.ai_family = AF_INET, .ai_addrlen = sock_any_addr(AF_INET, 0, &any4),
                           .ai_addr = (struct sockaddr *)&any4};
    int n = listen_tries(&ai6, NULL, port, backlog, out, max, err);
    if (n < 0 && (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL)) {
        if (err)
            err[0] = '\0';
        n = listen_tries(&ai4, NULL, port, backlog, out, max, err);
    }
    return n;
}

int sock_listen(const char *bind_addr, uint16_t port, int backlog, uint16_t *bound_port, char *err)
{
    struct sock_listener l;
    if (sock_listen_all(bind_addr, port, backlog, &l, 1, err) < 0)
        return -1;
    if (bound_port)
        *bound_port = sock_addr_port((const struct sockaddr *)&l.addr);
    return l.fd;
}

int sock_accept(int listen_fd, char *peer, size_t peer_len, char *err)
{
    return sock_accept_from(listen_fd, NULL, peer, peer_len, err);
}

int sock_accept_from(int listen_fd, struct sockaddr_storage *from, char *peer, size_t peer_len, char *err)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int fd;
    do {
        len = sizeof ss;
        fd = accept4(listen_fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        /* A connection that died while queued is as good as none. */
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED) {
            errno = EAGAIN;
            return -1;
        }
        int saved = errno;
        sock_set_err(err, "accept: %s", plain(saved));
        errno = saved;
        return -1;
    }
    if (sock_set_int_opt(fd, IPPROTO_TCP, TCP_NODELAY, 1) < 0) {
        int saved = errno;
        sock_set_err(err, "TCP_NODELAY: %s", strerror(saved));
        close(fd);
        errno = saved;
        return -1;
    }
    if (peer && peer_len > 0)
        sock_format_addr((const struct sockaddr *)&ss, peer, peer_len);
    if (from)
        *from = ss;
    return fd;
}

/* ---- address text ---- */

/* Port text: digits only, 1..65535. */
static int parse_port(const char *s, uint16_t *port, char *err)
{
    unsigned long v = 0;
    const char *p = s;
    if (*p == '\0')
        goto bad;
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || v > 65535)
            goto bad;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    if (v < 1 || v > 65535)
        goto bad;
    *port = (uint16_t)v;
    return 0;
bad:
    sock_set_err(err, "bad port \"%.16s\": must be a number from 1 to 65535", s);
    return -1;
}

static int copy_host(const char *start, size_t len, char *host, size_t host_len, char *err)
{
    if (len == 0) {
        sock_set_err(err, "missing host name");
        return -1;
    }
    if (len >= host_len) {
        sock_set_err(err, "host name too long");
        return -1;
    }
    memcpy(host, start, len);
    host[len] = '\0';
    return 0;
}

int sock_split_hostport(const char *text, char *host, size_t host_len, uint16_t *port, char *err)
{
    uint16_t p = SOCK_DEFAULT_PORT;
    if (text[0] == '[') {
        const char *close_br = strchr(text, ']');
        if (!close_br) {
            sock_set_err(err, "missing ']' in \"%.64s\"", text);
            return -1;
        }
        if (close_br[1] != '\0' && close_br[1] != ':') {
            sock_set_err(err, "unexpected text after ']' in \"%.64s\"", text);
            return -1;
        }
        if (close_br[1] == ':' && parse_port(close_br + 2, &p, err) < 0)
            return -1;
        if (copy_host(text + 1, (size_t)(close_br - text - 1), host, host_len, err) < 0)
            return -1;
        *port = p;
        return 0;
    }
    const char *colon = strchr(text, ':');
    if (colon && strchr(colon + 1, ':'))
        colon = NULL; /* more than one colon and no brackets: a bare IPv6 address */
    size_t len = colon ? (size_t)(colon - text) : strlen(text);
    if (colon && parse_port(colon + 1, &p, err) < 0)
        return -1;
    if (copy_host(text, len, host, host_len, err) < 0)
        return -1;
    *port = p;
    return 0;
}

void sock_format_addr(const struct sockaddr *sa, char *out, size_t out_len)
{
    if (out_len == 0)
        return;
    if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6) {
        snprintf(out, out_len, "(address family %d)", (int)sa->sa_family);
        return;
    }
    char host[HOST_TEXT_LEN];
    host_text(sa, host, sizeof host);
    int v6 = strchr(host, ':') != NULL; /* not an IPv4-mapped one, shown as IPv4 */
    snprintf(out, out_len, "%s%s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "", (unsigned)sock_addr_port(sa));
}

/* ---- connecting ---- */

int sock_connect_addr(const struct sockaddr *sa, socklen_t len, char *err)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0 && sock_set_int_opt(fd, IPPROTO_TCP, TCP_NODELAY, 1) == 0 &&
        (connect(fd, sa, len) == 0 || errno == EINPROGRESS || errno == EINTR))
        return fd; /* connected, or under way (an interrupted connect goes on) */
    int e = errno;
    if (fd >= 0)
        close(fd);
    sock_set_err(err, "%s", plain(e));
    errno = e;
    return -1;
}

int sock_connect_start(const char *host, uint16_t port, char *err)
{
    struct addrinfo *res = resolve(host, port, 0, err);
    if (!res)
        return -1;
    int fd = -1;
    for (const struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next)
        fd = sock_connect_addr(ai->ai_addr, ai->ai_addrlen, err);
    int saved = errno;
    freeaddrinfo(res);
    errno = saved;
    return fd;
}

int sock_connect_result(int fd, char *err)
{
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0) {
        int saved = errno;
        sock_set_err(err, "getsockopt: %s", strerror(saved));
        errno = saved;
        return -1;
    }
    if (soerr != 0) {
        sock_set_err(err, "%s", plain(soerr));
        errno = soerr;
        return -1;
    }
    return 0;
}

/* ---- this machine's addresses ---- */

static int is_link_local(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET6)
        return IN6_IS_ADDR_LINKLOCAL(&((const struct sockaddr_in6 *)sa)->sin6_addr);
    uint32_t a = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
    return (a & 0xFFFF0000u) == 0xA9FE0000u; /* 169.254/16 */
}

static int is_loopback_addr(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
    return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
}

static int is_private_addr(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET6)
        return (((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr[0] & 0xFE) == 0xFC;
    uint32_t a = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
    return (a >> 24) == 10 ||                       /* 10/8 */
           (a & 0xFFF00000u) == 0xAC100000u ||      /* 172.16/12 */
           (a & 0xFFFF0000u) == 0xC0A80000u ||      /* 192.168/16 */
           (a & 0xFFC00000u) == 0x64400000u;        /* 100.64/10 */
}

void sock_describe_addr(const struct sockaddr *sa, struct sock_local_addr *out)
{
    sock_format_addr(sa, out->text, sizeof out->text);
    out->is_loopback = is_loopback_addr(sa);
    out->is_private = !out->is_loopback && is_private_addr(sa);
}

int sock_local_addrs(uint16_t port, int family, struct sock_local_addr *out, int max)
{
    struct ifaddrs *list;
    if (getifaddrs(&list) < 0)
        return -1;
    int n = 0;
    /* Two passes: loopback addresses go last. */
    for (int want_loopback = 0; want_loopback < 2; want_loopback++) {
        for (const struct ifaddrs *ifa = list; ifa && n < max; ifa = ifa->ifa_next) {
            const struct sockaddr *sa = ifa->ifa_addr;
            if (!sa || !(ifa->ifa_flags & IFF_UP) || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6) ||
                (family != AF_UNSPEC && sa->sa_family != family) || is_link_local(sa))
                continue;
            int loopback = (ifa->ifa_flags & IFF_LOOPBACK) || is_loopback_addr(sa);
            if (loopback != want_loopback)
                continue;
            struct sockaddr_storage ss;
            memset(&ss, 0, sizeof ss);
            memcpy(&ss, sa, sa->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
            sock_set_port((struct sockaddr *)&ss, port);
            struct sock_local_addr *a = &out[n++];
            sock_describe_addr((const struct sockaddr *)&ss, a);
            if (loopback) {
                a->is_loopback = 1;
                a->is_private = 0;
            }
        }
    }
    freeifaddrs(list);
    return n;
}
