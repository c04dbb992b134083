/* SPDX-License-Identifier: MIT */
/* sock.h: socket helpers in the spirit of Redis's anet.c. Each returns an fd
 * or -1 and writes a one-line reason into the caller's err buffer (which may
 * be NULL). Every fd returned is non-blocking and close-on-exec.
 */
#ifndef TTT_SOCK_H
#define TTT_SOCK_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define SOCK_ERR_LEN 256
#define SOCK_ADDR_LEN 72   /* "[v6%zone]:port" text, NUL-terminated */
#define SOCK_DEFAULT_PORT 7777

/* Write a one-line reason into err (SOCK_ERR_LEN bytes; NULL: nothing),
 * printf-style. */
void sock_set_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* setsockopt of one int `value`: 0, or -1 with errno. */
int sock_set_int_opt(int fd, int level, int name, int value);

/* One listening socket and the address it is bound to. */
struct sock_listener {
    int fd;                       /* non-blocking, close-on-exec */
    struct sockaddr_storage addr; /* as bound (getsockname): the port, an IPv6 zone */
    int any;                      /* 0.0.0.0 or ::, every address of its family */
    int dual_stack;               /* an IPv6 socket that takes IPv4 clients too */
};

/* Listen on every address `bind_addr` resolves to, each with its own
 * socket, all on one port: `port`, or with 0 a port the kernel picks (the
 * same for all). "localhost" with ::1 and 127.0.0.1 gives two listeners;
 * an address that comes twice is bound once. NULL is every address, IPv4
 * and IPv6: one dual-stack socket on ::, or an IPv4 one on 0.0.0.0 on a
 * machine without IPv6. "::" is dual-stack too, unless the name also has
 * 0.0.0.0 (which then takes the IPv4 clients); the other addresses of a
 * name with a wildcard are left to the wildcard's socket (:: dual-stack
 * takes the IPv4 ones too).
 * At most `max` listeners, the first ones, go to out[]. An address of the
 * name that cannot be used here (not on this machine: EADDRNOTAVAIL,
 * EAFNOSUPPORT) is left out when another one works; err then says why, and
 * says when the name had more addresses than `max` (else err is ""). Returns the count, >= 1; or -1 with err set, errno kept and nothing
 * left open: "port N is already in use[ on ADDR]", with port 0 "no port
 * is free on every address of NAME (...)", "port N needs more
 * privileges ...", "cannot listen on ADDR port N: REASON (WHAT TO DO)",
 * e.g. "(not an address of this machine)", or for a link-local IPv6
 * address without its zone "(a link-local IPv6 address needs a zone: ...)". */
int sock_listen_all(const char *bind_addr, uint16_t port, int backlog, struct sock_listener *out, int max,
                    char *err);

/* sock_listen_all with room for one listener: the first address of
 * `bind_addr` that can be used. Its fd, or -1 with err set (err may be
 * NULL); *bound_port (may be NULL) gets the port. */
int sock_listen(const char *bind_addr, uint16_t port, int backlog, uint16_t *bound_port, char *err);

/* Accept one connection: the fd, or -1 with errno EAGAIN when none is
 * waiting (err untouched), or -1 with err set. Retries EINTR. `peer` (may be
 * NULL) receives "HOST:PORT". */
int sock_accept(int listen_fd, char *peer, size_t peer_len, char *err);

/* sock_accept that also gives the peer's address in *from (may be NULL). */
int sock_accept_from(int listen_fd, struct sockaddr_storage *from, char *peer, size_t peer_len, char *err);

/* Split "HOST[:PORT]", "[v6]:PORT" or "v6" into host and port (default
 * SOCK_DEFAULT_PORT). 0, or -1 with err set. */
int sock_split_hostport(const char *text, char *host, size_t host_len, uint16_t *port, char *err);

/* errno after a lookup failed (sock_listen*, sock_connect_start,
 * resolve.h): the name does not exist (EAI_NONAME, EAI_NODATA), or it could
 * not be looked up (EAI_AGAIN, EAI_FAIL, ...: the resolver did not answer,
 * or failed). */
#define SOCK_ENOHOST ENXIO
#define SOCK_ELOOKUP EAGAIN

/* Say in err why getaddrinfo failed for host with `rc` (and errno
 * `sys_errno` for EAI_SYSTEM): "no such host: HOST", or "cannot look up
 * HOST: REASON". Returns the errno to leave: SOCK_ENOHOST or SOCK_ELOOKUP. */
int sock_lookup_error(int rc, int sys_errno, const char *host, char *err);

/* Start a non-blocking connect to one address. Returns the fd (connection
 * may still be in progress: wait for writability, then call
 * sock_connect_result), or -1 with err set ("connection refused", ...) and
 * errno the connect's own (ECONNREFUSED, ENETUNREACH, ...). */
int sock_connect_addr(const struct sockaddr *sa, socklen_t len, char *err);

/* Resolve host:port with getaddrinfo, which BLOCKS for a name (for seconds
 * when the DNS does not answer): for tools and tests, never in an event
 * loop (resolve.h looks names up off the loop). Then sock_connect_addr to
 * the first address that takes it. The fd, or -1 with err set and errno:
 * SOCK_ENOHOST or SOCK_ELOOKUP when the lookup failed, else the connect's. */
int sock_connect_start(const char *host, uint16_t port, char *err);

/* After a started connect became writable: 0 when connected, -1 with err
 * set (e.g. "connection refused") and errno the connect's error. */
int sock_connect_result(int fd, char *err);

/* The port of an AF_INET or AF_INET6 address, in host order. */
uint16_t sock_addr_port(const struct sockaddr *sa);

/* Set the port of an AF_INET or AF_INET6 address (`port` in host order). */
void sock_set_port(struct sockaddr *sa, uint16_t port);

/* The wildcard address of `family` (AF_INET6: ::, else 0.0.0.0) with
 * `port`, into *ss; returns its length. */
socklen_t sock_any_addr(int family, uint16_t port, struct sockaddr_storage *ss);

/* Format a socket address as "HOST:PORT" ("[v6]:PORT", "[fe80::1%eth0]:PORT"
 * with an IPv6 zone, an IPv4-mapped IPv6 address as IPv4). */
void sock_format_addr(const struct sockaddr *sa, char *out, size_t out_len);

/* One address players can use. */
struct sock_local_addr {
    char text[SOCK_ADDR_LEN]; /* "HOST:PORT" ready to copy */
    int is_loopback;
    int is_private;           /* RFC 1918, 100.64/10, fc00::/7 */
};

/* Describe the address `sa` (AF_INET or AF_INET6, its port included) as
 * one entry of sock_local_addrs. */
void sock_describe_addr(const struct sockaddr *sa, struct sock_local_addr *out);

/* Addresses of `family` (AF_INET, AF_INET6, or AF_UNSPEC for both) of every
 * interface that is up (getifaddrs), link-local left out, loopback last,
 * each with `port`. Returns the count written (<= max), or -1 with errno
 * when the interfaces cannot be listed. */
int sock_local_addrs(uint16_t port, int family, struct sock_local_addr *out, int max);

#endif
