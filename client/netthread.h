/* netthread.h: the ttt client's network thread. It owns the one struct
 * session: it polls the session's socket and a wake-up eventfd, runs
 * session_tick on the session's deadlines, carries out the app's requests
 * (taken from a mutex-guarded bounded queue), and hands each session event
 * with a snapshot of the session (struct app_net_event) to the main thread.
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

#include "app.h"

#define NETTHREAD_REQ_QUEUE 32    /* requests waiting for the thread */
#define NETTHREAD_OUTBOX 64       /* events waiting for the main thread */
#define NETTHREAD_ERR_LEN 256

struct netthread;

/* Called from the network thread when events are ready and no wake-up is
 * outstanding. Returns 0 when the main thread will be woken, -1 if not (the
 * next event tries again). Must be thread-safe and must not block. */
typedef int netthread_wake_fn(void *ctx);

/* Start the thread (no session yet: the first APP_REQ_CONNECT makes one).
 * NULL with err set when memory, the eventfd or the thread cannot be had. */
struct netthread *netthread_start(netthread_wake_fn *wake, void *wake_ctx, char err[NETTHREAD_ERR_LEN]);

/* Queue a request (APP_REQ_QUIT and APP_REQ_FULLSCREEN are the main loop's
 * and are ignored here). 0, or -1 when the queue is full (dropped). */
int netthread_request(struct netthread *t, const struct app_request *r);

/* Take the oldest event: 1 with *e filled, 0 when none is waiting. Main
 * thread only. After a 0 the next event wakes the main thread again. */
int netthread_take_event(struct netthread *t, struct app_net_event *e);

/* Stop: the thread carries out the requests already queued (a LEAVE among
 * them), writes what the session still has to send, half-closes the
 * connection and waits for the server to close its side, all within
 * flush_ms; then the thread exits and everything is freed. Events not taken
 * are dropped. t may be NULL. */
void netthread_stop(struct netthread *t, uint32_t flush_ms);

/* Monotonic milliseconds: the clock of the session's and the app's times. */
uint64_t netthread_now_ms(void);

#endif
