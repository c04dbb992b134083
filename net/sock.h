/* sock.h: socket helpers in the spirit of Redis's anet.c. Each returns an fd
 * or -1 and writes a one-line reason into the caller's err buffer (which may
 * be NULL). Every fd returned is non-blocking and close-on-exec.
 */
#ifndef TTT_SOCK_H
#define TTT_SOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define SOCK_ERR_LEN 256
#define SOCK_ADDR_LEN 64   /* "[v6]:port" text, NUL-terminated */
#define SOCK_DEFAULT_PORT 7777

/* Listen on `bind_addr` (NULL = every address, IPv4 and IPv6: one dual-stack
 * socket) and `port` (0 = kernel's choice). *bound_port gets the port.
 * EADDRINUSE is reported as "port N is already in use". */
int sock_listen(const char *bind_addr, uint16_t port, int backlog, uint16_t *bound_port, char *err);

/* Accept one connection: the fd, or -1 with errno EAGAIN when none is
 * waiting (err untouched), or -1 with err set. Retries EINTR. `peer` (may be
 * NULL) receives "HOST:PORT". */
int sock_accept(int listen_fd, char *peer, size_t peer_len, char *err);

/* Split "HOST[:PORT]", "[v6]:PORT" or "v6" into host and port (default
 * SOCK_DEFAULT_PORT). 0, or -1 with err set. */
int sock_split_hostport(const char *text, char *host, size_t host_len, uint16_t *port, char *err);

/* Resolve host:port with getaddrinfo and start a non-blocking connect to the
 * first address. Returns the fd (connection may still be in progress: wait
 * for writability, then call sock_connect_result), or -1 with err set
 * ("no such host", "connection refused", ...). */
int sock_connect_start(const char *host, uint16_t port, char *err);

/* The same, starting from the address numbered `first` (0 is the first) of
 * what host resolves to, so that a caller whose connect failed can go on to
 * the next address (a name with an IPv6 and an IPv4 address, a server
 * listening on one of them). *used gets the number of the address tried.
 * -1 with err set when no address from `first` on can be tried; when
 * `first` is past the last, err is "no more addresses". */
int sock_connect_from(const char *host, uint16_t port, unsigned first, unsigned *used, char *err);

/* After a started connect became writable: 0 when connected, -1 with err
 * set (e.g. "connection refused"). */
int sock_connect_result(int fd, char *err);

/* Format a socket address as "HOST:PORT" ("[v6]:PORT"). */
void sock_format_addr(const struct sockaddr *sa, char *out, size_t out_len);

/* One address players can use. */
struct sock_local_addr {
    char text[SOCK_ADDR_LEN]; /* "HOST:PORT" ready to copy */
    int is_loopback;
    int is_private;           /* RFC 1918, 100.64/10, fc00::/7 */
};

/* Addresses of every interface that is up (getifaddrs), link-local left out,
 * loopback last, each with `port`. Returns the count written (<= max). */
int sock_local_addrs(uint16_t port, struct sock_local_addr *out, int max);

#endif
