/* SPDX-License-Identifier: MIT */
/* driver.h: a session (session.h) over a TCP socket. The driver resolves
 * "HOST[:PORT]" (a name off the caller's loop: net/resolve.h) and connects,
 * going on to the host's next address when one fails or times out, from
 * the one answer of that attempt; reads and writes without blocking;
 * closes the socket when the session lets the connection go; and opens a
 * new one when the session wants it (a reconnect mid-game, which looks the
 * name up again: the session sends the HELLO and the RESUME itself), at
 * most one attempt per DRIVER_RETRY_MS. No threads of its own (a lookup's
 * is the resolver's), no clock reads: the caller owns the loop and the time.
 *
 * The caller polls driver_fd() for reading (and writing when
 * driver_wants_write()), calls driver_on_readable() / driver_on_writable()
 * when it is ready and driver_tick() at driver_next_deadline(), and after
 * its own calls into the session (requests, session_close) calls
 * driver_sync(), which writes what they queued. Events come from the
 * session (session_next_event). The fd changes over a session's life
 * (while a name is looked up it is the lookup's descriptor, readable when
 * the answer is in; then the socket): a caller that registers it somewhere
 * re-registers when driver_fd() or driver_sockets() changes (a new
 * descriptor can reuse an old one's number).
 */
#ifndef TTT_DRIVER_H
#define TTT_DRIVER_H

#include <stdint.h>

#include "resolve.h"
#include "session.h"

#define DRIVER_HOST_MAX 256
#define DRIVER_RETRY_MS 500     /* between the starts of two connects of a reconnect */

enum driver_state { DRIVER_IDLE = 0, DRIVER_RESOLVING, DRIVER_CONNECTING, DRIVER_OPEN };

/* One session's socket. The fields are the driver's: use the functions. */
struct driver {
    struct session *s;
    int fd;                     /* the socket, -1 when none */
    uint8_t state;              /* enum driver_state */
    uint32_t sockets;           /* descriptors watched so far: sockets and lookups */
    char host[DRIVER_HOST_MAX];
    uint16_t port;
    struct resolve_query *lookup; /* the name being looked up (DRIVER_RESOLVING), or NULL */
    struct resolve_addrs addrs; /* what host resolved to, for every address of this attempt */
    unsigned addr_next;         /* the next of them, should this connect fail */
    uint64_t connect_deadline_ms; /* the lookup or connect under way must end by then */
    uint64_t next_try_ms;       /* the session wants a connection: not before then */
};

/* Prepare d to drive s (no socket yet). */
void driver_init(struct driver *d, struct session *s);

/* Start the session (session_start) and connect to "HOST[:PORT]" (IPv6 in
 * brackets; default port 7777): at once to a numeric address, after the
 * lookup for a name. 0, or -1 when the address does not parse or no
 * address of it can be tried (the session then closed with
 * SESSION_CLOSE_CONNECT saying why), or the session was not idle. */
int driver_start(struct driver *d, const char *hostport, uint64_t now_ms);

/* The descriptor to poll (-1 when none): the socket, or while the name is
 * looked up the lookup's; and whether to poll it for writing. */
int driver_fd(const struct driver *d);
int driver_wants_write(const struct driver *d);

/* Descriptors opened so far (sockets and lookups): with driver_fd, tells a
 * new one from an old one. */
uint32_t driver_sockets(const struct driver *d);

/* Loop entry points: the descriptor is readable / writable; time has come. */
void driver_on_readable(struct driver *d, uint64_t now_ms);
void driver_on_writable(struct driver *d, uint64_t now_ms);
void driver_tick(struct driver *d, uint64_t now_ms);

/* The next time driver_tick must run (UINT64_MAX if none). */
uint64_t driver_next_deadline(const struct driver *d);

/* Bring the socket in line with the session: write what it has queued (as
 * far as the kernel takes it now; a failed write is a lost connection),
 * close the socket when the session let the connection go (writing a
 * closed session's last words first). */
void driver_sync(struct driver *d, uint64_t now_ms);

/* Close the socket and let a lookup under way go, whatever the session
 * says (it is not told). Call it before session_free. */
void driver_release(struct driver *d);

#endif
