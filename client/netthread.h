/* SPDX-License-Identifier: MIT */
/* netthread.h: the ttt client's network thread. It owns the one session
 * (session/session.h) and its socket (session/driver.h): it polls the
 * socket and a wake-up eventfd, runs driver_tick on the deadlines, carries
 * out the session requests the main thread queues (a mutex-guarded bounded
 * queue), and hands each session event, with a snapshot of the session
 * taken right after it, to the main thread. Session types both ways: the
 * thread knows nothing of the app.
 *
 * While asked to, it also looks for the servers on the network
 * (session/discover.h: its sockets polled with the rest, its rounds and
 * forgetting on its deadlines, no busy loop) and hands over the list each
 * time it changes.
 *
 * Hand-over: events wait in a bounded outbox inside the netthread; when the
 * outbox turns non-empty the thread calls the wake callback once (the SDL
 * client pushes a registered SDL user event from it: SDL_PushEvent is
 * thread-safe), and the main thread drains the outbox with
 * netthread_take_event. No heap memory crosses threads, and nothing is left
 * to free in SDL's queue at exit. No SDL in here.
 */
#ifndef TTT_NETTHREAD_H
#define TTT_NETTHREAD_H

#include <stddef.h>
#include <stdint.h>

#include "discover.h"
#include "session.h"
#include "sock.h"

#define NETTHREAD_REQ_QUEUE 32    /* requests waiting for the thread */
#define NETTHREAD_OUTBOX 64       /* events waiting for the main thread */
#define NETTHREAD_ADDR_MAX 300    /* bytes of "HOST[:PORT]" */

struct netthread;

/* Called from the network thread when events are ready and no wake-up is
 * outstanding. Returns 0 when the main thread will be woken, -1 if not (the
 * next event tries again). Must be thread-safe and must not block. */
typedef int netthread_wake_fn(void *ctx);

/* Start the thread (no session yet: netthread_connect makes one). NULL with
 * errno set when memory, the eventfd or the thread cannot be had. */
struct netthread *netthread_start(netthread_wake_fn *wake, void *wake_ctx);

/* Queue a new session for `name` connecting to "HOST[:PORT]" (the one
 * before it, if any, is closed without an event). A name the session
 * refuses, or an address that does not parse, comes back as EV_CLOSED. 0,
 * or -1 when the queue is full or hostport is longer than
 * NETTHREAD_ADDR_MAX - 1 bytes (nothing queued). */
int netthread_connect(struct netthread *t, const char *hostport, const char *name);

/* Queue a session request (session_request; ignored while there is no
 * session, and refused by the session when its phase no longer allows it:
 * the events tell the truth). 0, or -1 when the queue is full. */
int netthread_request(struct netthread *t, const struct session_request *r);

/* Look for the servers on the network (on: 1) on UDP `port` (0:
 * DISC_PORT), or stop (0: the sockets close, the list empties). 0, or -1
 * when the queue is full. */
int netthread_discover(struct netthread *t, int on, uint16_t port);

/* The servers found, when the list changed since the last call: 1 with
 * out[0..*n) filled (cap at most), 0 when it did not. Main thread only; take
 * it after the events (netthread_take_event returned 0), so that a change
 * made meanwhile wakes the main thread again. */
int netthread_take_servers(struct netthread *t, struct discover_server *out, size_t cap, size_t *n);

/* Take the oldest event and the session as it was right after it: 1 with
 * *ev and *snap filled, 0 when none is waiting. Main thread only. After a 0
 * the next event wakes the main thread again. invite_addr (NULL: not
 * wanted) gets, with a WELCOME, the address a friend reaches the server at
 * when it is not the one typed (invite.h: the server is on a loopback
 * address of this machine), else "". */
int netthread_take_event(struct netthread *t, struct session_event *ev,
                         struct session_snapshot *snap, char invite_addr[SOCK_ADDR_LEN]);

/* Stop: the thread carries out the requests already queued (a LEAVE among
 * them), writes what the session still has to send, half-closes the
 * connection and waits for the server to close its side, all within
 * flush_ms; then the thread exits and everything is freed. Events not taken
 * are dropped. t may be NULL. */
void netthread_stop(struct netthread *t, uint32_t flush_ms);

/* Monotonic milliseconds: the clock of the session's and the app's times. */
uint64_t netthread_now_ms(void);

#endif
