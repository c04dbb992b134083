/* sock.c: the socket helpers behind sock.h: listening (dual-stack by
 * default), accepting, connecting, address text both ways, and the list of
 * this machine's addresses for players to use. Errors come back as one-line
 * plain-English reasons in the caller's buffer; nothing here prints. */
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

static void set_err(char *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, SOCK_ERR_LEN, fmt, ap);
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

static int set_int_opt(int fd, int level, int name, int value)
{
    return setsockopt(fd, level, name, &value, sizeof value);
}

/* ---- listening ---- */

/* getaddrinfo for TCP on host:port (AF_UNSPEC; `flags` added to
 * AI_NUMERICSERV). The list to free with freeaddrinfo, or NULL with err set
 * ("no such host: NAME") and errno EINVAL. */
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
    if (rc == EAI_NONAME || rc == EAI_NODATA || rc == EAI_FAIL)
        set_err(err, "no such host: %s", host);
    else if (rc == EAI_SYSTEM)
        set_err(err, "cannot look up %s: %s", host, strerror(errno));
    else
        set_err(err, "cannot look up %s: %s", host, gai_strerror(rc));
    errno = EINVAL;
    return NULL;
}

/* Socket, options, bind, listen on one address. The fd, or -1 with errno. */
static int listen_on(const struct sockaddr *sa, socklen_t len, int backlog)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (set_int_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0 ||
        (sa->sa_family == AF_INET6 && set_int_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0) < 0) ||
        bind(fd, sa, len) < 0 || listen(fd, backlog) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static int listen_error(int e, const char *bind_addr, uint16_t port, char *err)
{
    if (e == EADDRINUSE)
        set_err(err, "port %u is already in use", (unsigned)port);
    else if (e == EACCES)
        set_err(err, "port %u needs more privileges (permission denied)", (unsigned)port);
    else if (e == EADDRNOTAVAIL && bind_addr)
        set_err(err, "%s is not an address of this machine", bind_addr);
    else
        set_err(err, "cannot listen on port %u: %s", (unsigned)port, plain(e));
    errno = e;
    return -1;
}

static int bound_port_of(int fd, uint16_t *bound_port, char *err)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        int saved = errno;
        set_err(err, "getsockname: %s", strerror(saved));
        close(fd);
        errno = saved;
        return -1;
    }
    uint16_t port = ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                             : ((struct sockaddr_in *)&ss)->sin_port;
    if (bound_port)
        *bound_port = ntohs(port);
    return fd;
}

int sock_listen(const char *bind_addr, uint16_t port, int backlog, uint16_t *bound_port, char *err)
{
    int fd;
    if (!bind_addr) {
        struct sockaddr_in6 any6;
        memset(&any6, 0, sizeof any6);
        any6.sin6_family = AF_INET6;
        any6.sin6_addr = in6addr_any;
        any6.sin6_port = htons(port);
        fd = listen_on((const struct sockaddr *)&any6, sizeof any6, backlog);
        if (fd < 0 && (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL)) {
            /* No IPv6 on this machine: IPv4 only. */
            struct sockaddr_in any4;
            memset(&any4, 0, sizeof any4);
            any4.sin_family = AF_INET;
            any4.sin_addr.s_addr = htonl(INADDR_ANY);
            any4.sin_port = htons(port);
            fd = listen_on((const struct sockaddr *)&any4, sizeof any4, backlog);
        }
        if (fd < 0)
            return listen_error(errno, NULL, port, err);
        return bound_port_of(fd, bound_port, err);
    }

    struct addrinfo *res = resolve(bind_addr, port, AI_PASSIVE, err);
    if (!res)
        return -1;
    int e = EADDRNOTAVAIL;
    fd = -1;
    for (const struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = listen_on(ai->ai_addr, ai->ai_addrlen, backlog);
        if (fd < 0)
            e = errno;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return listen_error(e, bind_addr, port, err);
    return bound_port_of(fd, bound_port, err);
}

int sock_accept(int listen_fd, char *peer, size_t peer_len, char *err)
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
        set_err(err, "accept: %s", plain(saved));
        errno = saved;
        return -1;
    }
    if (set_int_opt(fd, IPPROTO_TCP, TCP_NODELAY, 1) < 0) {
        int saved = errno;
        set_err(err, "TCP_NODELAY: %s", strerror(saved));
        close(fd);
        errno = saved;
        return -1;
    }
    if (peer && peer_len > 0)
        sock_format_addr((const struct sockaddr *)&ss, peer, peer_len);
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
    set_err(err, "bad port \"%.16s\": must be a number from 1 to 65535", s);
    return -1;
}

static int copy_host(const char *start, size_t len, char *host, size_t host_len, char *err)
{
    if (len == 0) {
        set_err(err, "missing host name");
        return -1;
    }
    if (len >= host_len) {
        set_err(err, "host name too long");
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
            set_err(err, "missing ']' in \"%.64s\"", text);
            return -1;
        }
        if (close_br[1] != '\0' && close_br[1] != ':') {
            set_err(err, "unexpected text after ']' in \"%.64s\"", text);
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
    char host[INET6_ADDRSTRLEN];
    if (out_len == 0)
        return;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        snprintf(out, out_len, "%s:%u", host, (unsigned)ntohs(in->sin_port));
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            /* An IPv4 peer on a dual-stack socket: show it as IPv4. */
            inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], host, sizeof host);
            snprintf(out, out_len, "%s:%u", host, (unsigned)ntohs(in6->sin6_port));
        } else {
            inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
            snprintf(out, out_len, "[%s]:%u", host, (unsigned)ntohs(in6->sin6_port));
        }
    } else {
        snprintf(out, out_len, "(address family %d)", (int)sa->sa_family);
    }
}

/* ---- connecting ---- */

int sock_connect_start(const char *host, uint16_t port, char *err)
{
    unsigned used;
    return sock_connect_from(host, port, 0, &used, err);
}

int sock_connect_from(const char *host, uint16_t port, unsigned first, unsigned *used, char *err)
{
    struct addrinfo *res = resolve(host, port, 0, err);
    if (!res)
        return -1;
    int fd = -1, e = 0;
    unsigned n = 0;
    const struct addrinfo *ai = res;
    for (; ai && n < first; ai = ai->ai_next)
        n++;
    if (!ai) {
        freeaddrinfo(res);
        set_err(err, "no more addresses");
        errno = ECONNREFUSED;
        return -1;
    }
    for (; ai; ai = ai->ai_next, n++) {
        *used = n;
        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            e = errno;
            continue;
        }
        if (set_int_opt(fd, IPPROTO_TCP, TCP_NODELAY, 1) == 0 &&
            (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS ||
             errno == EINTR))
            break; /* connected, or under way (an interrupted connect goes on) */
        e = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        set_err(err, "%s", plain(e));
        errno = e;
    }
    return fd;
}

int sock_connect_result(int fd, char *err)
{
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0) {
        int saved = errno;
        set_err(err, "getsockopt: %s", strerror(saved));
        errno = saved;
        return -1;
    }
    if (soerr != 0) {
        set_err(err, "%s", plain(soerr));
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

/* As sock.h says; and -1 with errno if the kernel will not list the
 * interfaces (getifaddrs failed), so that a caller can say so. */
int sock_local_addrs(uint16_t port, struct sock_local_addr *out, int max)
{
    struct ifaddrs *list;
    if (getifaddrs(&list) < 0)
        return -1;
    int n = 0;
    /* Two passes: loopback addresses go last. */
    for (int want_loopback = 0; want_loopback < 2; want_loopback++) {
        for (const struct ifaddrs *ifa = list; ifa && n < max; ifa = ifa->ifa_next) {
            const struct sockaddr *sa = ifa->ifa_addr;
            if (!sa || !(ifa->ifa_flags & IFF_UP) ||
                (sa->sa_family != AF_INET && sa->sa_family != AF_INET6) || is_link_local(sa))
                continue;
            int loopback = (ifa->ifa_flags & IFF_LOOPBACK) || is_loopback_addr(sa);
            if (loopback != want_loopback)
                continue;
            struct sockaddr_storage ss;
            memset(&ss, 0, sizeof ss);
            if (sa->sa_family == AF_INET) {
                memcpy(&ss, sa, sizeof(struct sockaddr_in));
                ((struct sockaddr_in *)&ss)->sin_port = htons(port);
            } else {
                memcpy(&ss, sa, sizeof(struct sockaddr_in6));
                ((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
            }
            struct sock_local_addr *a = &out[n++];
            sock_format_addr((const struct sockaddr *)&ss, a->text, sizeof a->text);
            a->is_loopback = loopback;
            a->is_private = !loopback && is_private_addr(sa);
        }
    }
    freeifaddrs(list);
    return n;
}
