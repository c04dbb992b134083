/* SPDX-License-Identifier: MIT */
/* driver.c: a session over a non-blocking TCP socket (driver.h): the name
 * looked up once per attempt, off the loop (resolve.h), within the connect
 * timeout; connect with fallback across that answer's addresses and a
 * timeout per address,
 * reads handed to session_feed, the session's output written, the socket
 * closed when the session lets go, and new connects, paced, while it wants
 * one. All protocol decisions are the session's.
 */
#include "driver.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock.h"

_Static_assert(SESSION_PEER_LEN >= SOCK_ADDR_LEN, "a peer's address text fits in EV_CLOSED");
_Static_assert(SESSION_HOST_LEN >= DRIVER_HOST_MAX, "the host as typed fits in EV_CLOSED");

#define READ_CHUNK 4096
#define READS_PER_CALL 16

void driver_init(struct driver *d, struct session *s)
{
    memset(d, 0, sizeof *d);
    d->s = s;
    d->fd = -1;
}

/* A lookup or a connect is under way (its deadline: connect_deadline_ms). */
static int attempting(const struct driver *d)
{
    return d->state == DRIVER_RESOLVING || d->state == DRIVER_CONNECTING;
}

static void close_socket(struct driver *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
    resolve_free(d->lookup); /* a lookup under way ends on its own thread */
    d->lookup = NULL;
    d->state = DRIVER_IDLE;
}

void driver_release(struct driver *d)
{
    close_socket(d);
}

/* How a connect failed, from the errno resolve_*, sock_connect_addr or
 * sock_connect_result left. */
static uint8_t failure_of(int e)
{
    switch (e) {
    case ECONNREFUSED: return SESSION_FAIL_REFUSED;
    case SOCK_ENOHOST: return SESSION_FAIL_NO_HOST;
    case SOCK_ELOOKUP: return SESSION_FAIL_LOOKUP;
    case ENETUNREACH:
    case EHOSTUNREACH: return SESSION_FAIL_UNREACHABLE;
    case ETIMEDOUT: return SESSION_FAIL_TIMED_OUT;
    default: return SESSION_FAIL_OTHER;
    }
}

/* The session hears that no address of the host could be reached: `why`,
 * `failure` (enum session_failure). */
static void report_failure(struct driver *d, uint64_t now_ms, uint8_t failure, const char *why)
{
    char msg[SESSION_ERR_LEN];
    snprintf(msg, sizeof msg, "cannot connect to %.120s port %u: %.100s", d->host,
             (unsigned)d->port, why);
    session_connect_failed(d->s, now_ms, failure, msg);
}

/* Start a connect to the answer's address number `first`, or the next one
 * that can be tried. 0, or -1 with err set and errno saying why ("no more
 * addresses" when none is left). */
static int open_socket(struct driver *d, unsigned first, uint64_t now_ms, char err[SOCK_ERR_LEN])
{
    snprintf(err, SOCK_ERR_LEN, "no more addresses");
    errno = ECONNREFUSED;
    for (unsigned i = first; i < d->addrs.count; i++) {
        const union resolve_sockaddr *a = &d->addrs.addr[i];
        int fd = sock_connect_addr(&a->sa, resolve_addr_len(a), err);
        if (fd < 0)
            continue;
        d->fd = fd;
        d->state = DRIVER_CONNECTING;
        d->sockets++;
        d->addr_next = i + 1;
        d->connect_deadline_ms = now_ms + session_connect_timeout_ms(d->s);
        return 0;
    }
    return -1;
}

/* The connect to one address failed (`why`, `failure`): on to the next
 * address of the same answer (an IPv6 and an IPv4 one, a server listening
 * on only one), else the session hears of it -- of this failure, the last
 * address's. */
static void connect_failed(struct driver *d, uint64_t now_ms, uint8_t failure, const char *why)
{
    close_socket(d);
    char err[SOCK_ERR_LEN];
    if (open_socket(d, d->addr_next, now_ms, err) == 0)
        return;
    report_failure(d, now_ms, failure, why);
}

/* The lookup is over: connect to the first address of its answer. */
static void lookup_done(struct driver *d, uint64_t now_ms)
{
    char err[SOCK_ERR_LEN];
    int rc = resolve_result(d->lookup, &d->addrs, err);
    if (rc == 0)
        return; /* not yet (a wakeup with nothing in it) */
    int e = errno;
    close_socket(d);
    if (rc > 0 && open_socket(d, 0, now_ms, err) == 0)
        return;
    report_failure(d, now_ms, failure_of(rc > 0 ? errno : e), err);
}

/* A new attempt: look the name up (a numeric address at once), then
 * connect from its first address; the next attempt no sooner than
 * DRIVER_RETRY_MS after this one. The lookup has the connect timeout. */
static void connect_first(struct driver *d, uint64_t now_ms)
{
    char err[SOCK_ERR_LEN];
    d->next_try_ms = now_ms + DRIVER_RETRY_MS;
    int rc = resolve_start(d->host, d->port, &d->addrs, &d->lookup, err);
    if (rc == 0) {
        d->state = DRIVER_RESOLVING;
        d->sockets++;
        d->connect_deadline_ms = now_ms + session_connect_timeout_ms(d->s);
        return;
    }
    if (rc > 0 && open_socket(d, 0, now_ms, err) == 0)
        return;
    report_failure(d, now_ms, failure_of(errno), err);
}

int driver_start(struct driver *d, const char *hostport, uint64_t now_ms)
{
    if (session_start(d->s) < 0)
        return -1;
    char err[SOCK_ERR_LEN];
    if (sock_split_hostport(hostport ? hostport : "", d->host, sizeof d->host, &d->port, err) < 0) {
        session_disconnected(d->s, now_ms, err);
        return -1;
    }
    session_set_target(d->s, d->host, d->port);
    connect_first(d, now_ms);
    return attempting(d) ? 0 : -1;
}

int driver_fd(const struct driver *d)
{
    return d->lookup ? resolve_fd(d->lookup) : d->fd;
}

uint32_t driver_sockets(const struct driver *d)
{
    return d->sockets;
}

int driver_wants_write(const struct driver *d)
{
    size_t len = 0;
    if (d->state == DRIVER_OPEN)
        (void)session_output(d->s, &len);
    return d->state == DRIVER_CONNECTING || len > 0;
}

/* Write what the session has queued, as far as the kernel takes it now.
 * 0, or -1 with err set when the connection broke. */
static int write_out(struct driver *d, char err[SOCK_ERR_LEN])
{
    size_t len, done = 0;
    const uint8_t *out = session_output(d->s, &len);
    int rc = 0;
    while (done < len) {
        ssize_t n = send(d->fd, out + done, len - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        snprintf(err, SOCK_ERR_LEN, "%s", n < 0 ? strerror(errno) : "send wrote nothing");
        rc = -1;
        break;
    }
    session_output_sent(d->s, done);
    return rc;
}

void driver_sync(struct driver *d, uint64_t now_ms)
{
    char err[SOCK_ERR_LEN];
    if (d->state == DRIVER_OPEN && session_link(d->s) == SESSION_LINK_UP && write_out(d, err) < 0)
        session_disconnected(d->s, now_ms, err);
    enum session_link want = session_link(d->s);
    if (d->state == DRIVER_OPEN && want != SESSION_LINK_UP) {
        if (want == SESSION_LINK_NONE)
            (void)write_out(d, err); /* a closed session's last words (a LEAVE) */
        close_socket(d);
    } else if (attempting(d) && want == SESSION_LINK_NONE) {
        close_socket(d);
    }
}

/* A connect under way finished, well or badly. */
static void finish_connect(struct driver *d, uint64_t now_ms)
{
    char err[SOCK_ERR_LEN];
    if (sock_connect_result(d->fd, err) < 0) {
        connect_failed(d, now_ms, failure_of(errno), err);
        return;
    }
    d->state = DRIVER_OPEN;
    struct sockaddr_storage peer;
    socklen_t len = sizeof peer;
    char text[SOCK_ADDR_LEN] = "";
    if (getpeername(d->fd, (struct sockaddr *)&peer, &len) == 0)
        sock_format_addr((const struct sockaddr *)&peer, text, sizeof text);
    session_set_peer(d->s, text);
    (void)session_connected(d->s, now_ms); /* refused: the sync closes the socket */
}

/* Reads until EAGAIN, at most READS_PER_CALL chunks (a caller polling
 * level-triggered serves a busy socket again on its next round). */
void driver_on_readable(struct driver *d, uint64_t now_ms)
{
    if (d->state == DRIVER_RESOLVING)
        lookup_done(d, now_ms);
    else if (d->state == DRIVER_CONNECTING)
        finish_connect(d, now_ms);
    uint8_t buf[READ_CHUNK];
    for (int i = 0; i < READS_PER_CALL && d->state == DRIVER_OPEN; i++) {
        ssize_t n = recv(d->fd, buf, sizeof buf, 0);
        if (n > 0) {
            if (session_feed(d->s, buf, (size_t)n, now_ms) < 0)
                break;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            i--;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        session_disconnected(d->s, now_ms,
                             n == 0 ? "the server closed the connection" : strerror(errno));
        break;
    }
    driver_sync(d, now_ms);
}

void driver_on_writable(struct driver *d, uint64_t now_ms)
{
    if (d->state == DRIVER_CONNECTING)
        finish_connect(d, now_ms);
    driver_sync(d, now_ms);
}

/* The lookup or the connect under way ran out of time. */
static void attempt_timed_out(struct driver *d, uint64_t now_ms)
{
    char why[SOCK_ERR_LEN];
    if (d->state == DRIVER_RESOLVING) {
        close_socket(d);
        snprintf(why, sizeof why, "cannot look up %.200s: timed out", d->host);
        report_failure(d, now_ms, SESSION_FAIL_LOOKUP, why);
        return;
    }
    snprintf(why, sizeof why, "timed out after %u ms", (unsigned)session_connect_timeout_ms(d->s));
    connect_failed(d, now_ms, SESSION_FAIL_TIMED_OUT, why);
}

void driver_tick(struct driver *d, uint64_t now_ms)
{
    if (attempting(d) && now_ms >= d->connect_deadline_ms)
        attempt_timed_out(d, now_ms);
    session_tick(d->s, now_ms);
    driver_sync(d, now_ms);
    if (d->state == DRIVER_IDLE && session_link(d->s) == SESSION_LINK_WANTED &&
        now_ms >= d->next_try_ms)
        connect_first(d, now_ms);
}

uint64_t driver_next_deadline(const struct driver *d)
{
    uint64_t t = session_next_deadline(d->s);
    if (attempting(d) && d->connect_deadline_ms < t)
        t = d->connect_deadline_ms;
    if (d->state == DRIVER_IDLE && session_link(d->s) == SESSION_LINK_WANTED && d->next_try_ms < t)
        t = d->next_try_ms;
    return t;
}
