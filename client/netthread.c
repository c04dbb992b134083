/* SPDX-License-Identifier: MIT */
/* netthread.c: the ttt client's network thread: one session and its driver
 * run by poll(2) on the socket and a wake-up eventfd, session requests in,
 * session events with snapshots out (see netthread.h for the hand-over; with
 * a WELCOME, the address to tell a friend: invite.h), the
 * search for servers on the network while asked, and a clean goodbye at
 * exit (queued LEAVE written, half-close, wait for the server). */
#include "netthread.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "invite.h"

#define CONNECT_TIMEOUT_MS 5000u

/* A request for the thread: a new session, one for the session, or the
 * search for servers on or off. */
enum request_kind { REQ_SESSION = 0, REQ_CONNECT, REQ_DISCOVER };

struct request {
    uint8_t kind;               /* enum request_kind */
    uint8_t discover_on;        /* REQ_DISCOVER */
    uint16_t discover_port;
    struct session_request r;
    char hostport[NETTHREAD_ADDR_MAX];
    char name[PROTO_NAME_MAX + 2]; /* a name one byte too long stays too long */
};

/* An event for the main thread, with the session as it was right after it
 * (and with a WELCOME, the address to tell a friend when not the typed one). */
struct outgoing {
    struct session_event ev;
    struct session_snapshot snap;
    char invite_addr[SOCK_ADDR_LEN];
};

struct netthread {
    pthread_t thread;
    int efd;                    /* eventfd: requests or stop waiting */
    netthread_wake_fn *wake;
    void *wake_ctx;

    /* Shared, under mu. */
    pthread_mutex_t mu;
    pthread_cond_t room;        /* the outbox has room, or stop was asked */
    struct request req[NETTHREAD_REQ_QUEUE];
    size_t req_head, req_count;
    struct outgoing out[NETTHREAD_OUTBOX];
    size_t out_head, out_count;
    uint8_t wake_pending;       /* woken, and the outbox not drained since */
    uint8_t stop;
    uint32_t flush_ms;
    struct discover_server found[DISCOVER_SERVERS_MAX]; /* the servers' list as last changed */
    size_t nfound;
    uint8_t found_changed;      /* not taken since it changed */

    /* The network thread's own. */
    struct session *s;
    struct driver d;            /* s over its socket */
    struct discover disc;       /* the search for servers, while looking */
    uint8_t looking;
};

uint64_t netthread_now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0; /* CLOCK_MONOTONIC is always there on Linux */
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void poke(struct netthread *t)
{
    uint64_t one = 1;
    for (;;) {
        ssize_t n = write(t->efd, &one, sizeof one);
        if (n == (ssize_t)sizeof one || (n < 0 && errno == EAGAIN))
            return; /* EAGAIN: the counter is saturated, the thread is awake anyway */
        if (n < 0 && errno == EINTR)
            continue;
        fprintf(stderr, "ttt: cannot wake the network thread: %s\n",
                n < 0 ? strerror(errno) : "short write");
        return;
    }
}

/* ---- events out ---- */

/* Wake the main thread unless a wake-up is outstanding (mu held by the
 * caller, who calls the wake function after unlocking when this says so). */
static int need_wake(struct netthread *t)
{
    if (t->wake_pending || t->stop)
        return 0;
    t->wake_pending = 1;
    return 1;
}

static void call_wake(struct netthread *t)
{
    if (t->wake(t->wake_ctx) < 0) {
        pthread_mutex_lock(&t->mu);
        t->wake_pending = 0; /* try again with the next event */
        pthread_mutex_unlock(&t->mu);
    }
}

/* The servers' list has changed: hand it over. */
static void post_servers(struct netthread *t)
{
    pthread_mutex_lock(&t->mu);
    t->nfound = t->looking ? (size_t)t->disc.nservers : 0;
    if (t->nfound)
        memcpy(t->found, t->disc.servers, t->nfound * sizeof t->found[0]);
    t->found_changed = 1;
    int wake = need_wake(t);
    pthread_mutex_unlock(&t->mu);
    if (wake)
        call_wake(t);
}

/* Put one event in the outbox, waiting for room while the main thread is
 * behind (the session keeps further events queued meanwhile); dropped once
 * stopping, when nobody reads them any more. */
static void post(struct netthread *t, const struct outgoing *e)
{
    int wake = 0;
    pthread_mutex_lock(&t->mu);
    while (t->out_count == NETTHREAD_OUTBOX && !t->stop)
        pthread_cond_wait(&t->room, &t->mu);
    if (t->out_count < NETTHREAD_OUTBOX) {
        t->out[(t->out_head + t->out_count++) % NETTHREAD_OUTBOX] = *e;
        wake = need_wake(t);
    }
    pthread_mutex_unlock(&t->mu);
    if (wake)
        call_wake(t);
}

static void forward_events(struct netthread *t)
{
    if (!t->s)
        return;
    struct outgoing e;
    while (session_next_event(t->s, &e.ev)) {
        session_take_snapshot(t->s, &e.snap);
        e.invite_addr[0] = '\0'; /* stays "" when the typed address is the one to tell */
        if (e.ev.type == SESSION_EV_WELCOME)
            (void)invite_addr_for(driver_fd(&t->d), e.invite_addr);
        post(t, &e);
    }
}

/* An EV_CLOSED the session could not give (it could not be created). */
static void post_closed(struct netthread *t, const char *why)
{
    struct outgoing e;
    memset(&e, 0, sizeof e);
    e.ev.type = SESSION_EV_CLOSED;
    e.ev.u.closed.reason = SESSION_CLOSE_CONNECT;
    snprintf(e.ev.u.closed.message, sizeof e.ev.u.closed.message, "%s", why);
    e.snap.phase = SESSION_CLOSED;
    e.snap.game.last_cell = BOARD_NO_CELL;
    memset(e.snap.game.line, PROTO_NO_CELL, sizeof e.snap.game.line);
    post(t, &e);
}

/* ---- requests in ---- */

/* Drop the current session without a word to the app: it asked for a new one. */
static void drop_session(struct netthread *t)
{
    if (!t->s)
        return;
    session_close(t->s);
    driver_sync(&t->d, netthread_now_ms()); /* its last words, then the socket closes */
    driver_release(&t->d);
    struct session_event ev;
    while (session_next_event(t->s, &ev))
        ;
    session_free(t->s);
    t->s = NULL;
}

static void do_connect(struct netthread *t, const struct request *r, uint64_t now)
{
    drop_session(t);
    char err[SESSION_ERR_LEN];
    struct session_config cfg = { .name = r->name, .connect_timeout_ms = CONNECT_TIMEOUT_MS,
                                  .auto_reconnect = 1 };
    t->s = session_new(&cfg, err);
    if (!t->s) {
        post_closed(t, err);
        return;
    }
    driver_init(&t->d, t->s);
    (void)driver_start(&t->d, r->hostport, now); /* a failure queues EV_CLOSED saying why */
}

/* Start or stop looking for servers. A search that cannot start (no UDP
 * socket) is said once on stderr: the list stays empty. */
static void do_discover(struct netthread *t, const struct request *r, uint64_t now)
{
    if (r->discover_on && !t->looking) {
        uint32_t id = 0;
        char err[SOCK_ERR_LEN];
        if (getrandom(&id, sizeof id, GRND_NONBLOCK) != (ssize_t)sizeof id)
            id = (uint32_t)now ^ (uint32_t)getpid() << 16; /* no entropy yet: tells ours apart all the same */
        uint16_t port = r->discover_port ? r->discover_port : DISC_PORT;
        if (discover_open(&t->disc, port, id, now, err) < 0) {
            fprintf(stderr, "ttt: cannot look for servers on the network: %s\n", err);
            return;
        }
        t->looking = 1;
    } else if (!r->discover_on && t->looking) {
        discover_close(&t->disc);
        t->looking = 0;
    } else {
        return;
    }
    post_servers(t); /* a new search starts with an empty list */
}

/* Carry out one request. A request the session's phase no longer allows (the
 * server's event crossed the click) is refused by the session, as the server
 * would refuse it; the app learns the truth from the events. */
static void do_request(struct netthread *t, const struct request *r, uint64_t now)
{
    if (r->kind == REQ_CONNECT) {
        do_connect(t, r, now);
        return;
    }
    if (r->kind == REQ_DISCOVER) {
        do_discover(t, r, now);
        return;
    }
    if (!t->s)
        return;
    (void)session_request(t->s, &r->r);
    driver_sync(&t->d, now);
}

/* Take every waiting request; returns the stop flag. */
static int take_requests(struct netthread *t, struct request *batch, size_t *n)
{
    pthread_mutex_lock(&t->mu);
    *n = t->req_count;
    for (size_t i = 0; i < t->req_count; i++)
        batch[i] = t->req[(t->req_head + i) % NETTHREAD_REQ_QUEUE];
    t->req_head = 0;
    t->req_count = 0;
    int stop = t->stop;
    pthread_mutex_unlock(&t->mu);
    return stop;
}

/* ---- the loop ---- */

static void drain_eventfd(struct netthread *t)
{
    uint64_t v;
    for (;;) {
        ssize_t n = read(t->efd, &v, sizeof v);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN)
            fprintf(stderr, "ttt: network thread: reading its eventfd: %s\n", strerror(errno));
        return;
    }
}

static int poll_timeout(uint64_t deadline, uint64_t now)
{
    if (deadline == UINT64_MAX)
        return -1;
    if (deadline <= now)
        return 0;
    uint64_t d = deadline - now;
    return d > (uint64_t)INT_MAX ? INT_MAX : (int)d;
}

/* The earliest deadline of the session's driver and of the search. */
static uint64_t next_deadline(const struct netthread *t)
{
    uint64_t deadline = t->s ? driver_next_deadline(&t->d) : UINT64_MAX;
    if (t->looking && discover_next_deadline(&t->disc) < deadline)
        deadline = discover_next_deadline(&t->disc);
    return deadline;
}

/* The search for servers: its datagrams read (p: its pollfds), its round
 * and forgetting run when due, a changed list handed over. */
static void serve_discovery(struct netthread *t, const struct pollfd *p, int n, uint64_t now)
{
    int changed = 0;
    for (int i = 0; i < n && t->looking; i++)
        if (p[i].revents & (POLLIN | POLLERR))
            changed |= discover_on_readable(&t->disc, p[i].fd, now);
    if (t->looking && now >= discover_next_deadline(&t->disc))
        changed |= discover_tick(&t->disc, now);
    if (changed)
        post_servers(t);
}

/* Sleep until the socket, the search's sockets, a request or a deadline
 * wants us; serve it. */
static void wait_and_serve(struct netthread *t)
{
    struct driver *d = &t->d;
    struct pollfd p[4] = { { .fd = t->efd, .events = POLLIN }, { .fd = -1 }, { .fd = -1 }, { .fd = -1 } };
    int fd = t->s ? driver_fd(d) : -1;
    uint32_t sock = driver_sockets(d);
    if (fd >= 0) {
        p[1].fd = fd;
        p[1].events = (short)(POLLIN | (driver_wants_write(d) ? POLLOUT : 0));
    }
    int dfds[2], nd = t->looking ? discover_fds(&t->disc, dfds) : 0;
    for (int i = 0; i < nd; i++)
        p[2 + i] = (struct pollfd){ .fd = dfds[i], .events = POLLIN };
    int rc = poll(p, 2 + (nfds_t)nd, poll_timeout(next_deadline(t), netthread_now_ms()));
    if (rc < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "ttt: network thread: poll: %s\n", strerror(errno));
            struct timespec pause = { 0, 100 * 1000 * 1000 };
            (void)nanosleep(&pause, NULL); /* no spinning on a persistent failure */
        }
        return;
    }
    if (p[0].revents & POLLIN)
        drain_eventfd(t);
    uint64_t now = netthread_now_ms();
    if (fd >= 0 && (p[1].revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)))
        driver_on_readable(d, now);
    if (fd >= 0 && (p[1].revents & POLLOUT) && driver_fd(d) == fd && driver_sockets(d) == sock)
        driver_on_writable(d, now);
    if (t->s && now >= driver_next_deadline(d))
        driver_tick(d, now);
    serve_discovery(t, p + 2, nd, now);
    forward_events(t);
}

/* Poll fd for `events` until `end`: 1 when it is ready (or a signal
 * interrupted the wait: the caller's look finds nothing and asks again), 0
 * when the time ran out, -1 when poll failed. */
static int wait_for(int fd, short events, uint64_t end)
{
    uint64_t now = netthread_now_ms();
    if (now >= end)
        return 0;
    struct pollfd p = { .fd = fd, .events = events };
    int rc = poll(&p, 1, poll_timeout(end, now));
    if (rc < 0)
        return errno == EINTR ? 1 : -1;
    return rc > 0;
}

/* At exit: write what is queued (a LEAVE), half-close, and read until the
 * server closes its side, so the LEAVE is read before any reset; all within
 * the flush budget. */
static void goodbye(struct netthread *t, uint32_t flush_ms)
{
    struct driver *d = &t->d;
    if (!t->s)
        return;
    uint64_t end = netthread_now_ms() + flush_ms;
    if (session_link(t->s) == SESSION_LINK_UP) {
        while (driver_fd(d) >= 0 && driver_wants_write(d) &&
               wait_for(driver_fd(d), POLLOUT, end) > 0)
            driver_on_writable(d, netthread_now_ms());
        int fd = driver_fd(d);
        uint32_t sock = driver_sockets(d);
        if (fd >= 0 && !driver_wants_write(d) && shutdown(fd, SHUT_WR) == 0) {
            while (driver_fd(d) == fd && driver_sockets(d) == sock && wait_for(fd, POLLIN, end) > 0) {
                driver_on_readable(d, netthread_now_ms()); /* end-of-file lets the socket go */
                struct session_event ev;
                while (session_next_event(t->s, &ev))
                    ;
            }
        }
    }
    drop_session(t);
}

static void *run(void *arg)
{
    struct netthread *t = arg;
    struct request batch[NETTHREAD_REQ_QUEUE];
    for (;;) {
        size_t n;
        int stop = take_requests(t, batch, &n);
        for (size_t i = 0; i < n; i++)
            do_request(t, &batch[i], netthread_now_ms());
        forward_events(t);
        if (stop)
            break;
        wait_and_serve(t);
    }
    pthread_mutex_lock(&t->mu);
    uint32_t flush_ms = t->flush_ms;
    pthread_mutex_unlock(&t->mu);
    if (t->looking)
        discover_close(&t->disc);
    t->looking = 0;
    goodbye(t, flush_ms);
    return NULL;
}

/* ---- the main thread's side ---- */

struct netthread *netthread_start(netthread_wake_fn *wake, void *wake_ctx)
{
    struct netthread *t = calloc(1, sizeof *t);
    if (!t)
        return NULL; /* errno: ENOMEM */
    t->wake = wake;
    t->wake_ctx = wake_ctx;
    t->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (t->efd < 0) {
        int e = errno;
        free(t);
        errno = e;
        return NULL;
    }
    /* The thread starts with the process signals blocked, so SIGINT/SIGTERM
     * reach the main thread and interrupt its wait (SDL turns them into
     * SDL_QUIT only when the main thread wakes up). */
    sigset_t block, old;
    sigemptyset(&block);
    int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD, SIGWINCH, SIGALRM, SIGPIPE };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&block, sigs[i]);
    int rc = pthread_mutex_init(&t->mu, NULL);
    if (rc == 0) {
        rc = pthread_cond_init(&t->room, NULL);
        if (rc == 0) {
            rc = pthread_sigmask(SIG_BLOCK, &block, &old);
            if (rc == 0) {
                rc = pthread_create(&t->thread, NULL, run, t);
                int rc2 = pthread_sigmask(SIG_SETMASK, &old, NULL);
                if (rc == 0 && rc2 != 0)
                    fprintf(stderr, "ttt: restoring the signal mask: %s\n", strerror(rc2));
            }
            if (rc == 0)
                return t;
            pthread_cond_destroy(&t->room);
        }
        pthread_mutex_destroy(&t->mu);
    }
    close(t->efd);
    free(t);
    errno = rc;
    return NULL;
}

/* Queue one request for the thread. 0, or -1 when the queue is full. */
static int enqueue(struct netthread *t, const struct request *r)
{
    pthread_mutex_lock(&t->mu);
    int ok = t->req_count < NETTHREAD_REQ_QUEUE && !t->stop;
    if (ok)
        t->req[(t->req_head + t->req_count++) % NETTHREAD_REQ_QUEUE] = *r;
    pthread_mutex_unlock(&t->mu);
    if (!ok)
        return -1;
    poke(t);
    return 0;
}

int netthread_connect(struct netthread *t, const char *hostport, const char *name)
{
    struct request r;
    memset(&r, 0, sizeof r);
    if (strlen(hostport) >= sizeof r.hostport)
        return -1;
    r.kind = REQ_CONNECT;
    memcpy(r.hostport, hostport, strlen(hostport) + 1);
    snprintf(r.name, sizeof r.name, "%s", name);
    return enqueue(t, &r);
}

int netthread_request(struct netthread *t, const struct session_request *sr)
{
    struct request r;
    memset(&r, 0, sizeof r);
    r.r = *sr;
    return enqueue(t, &r);
}

int netthread_discover(struct netthread *t, int on, uint16_t port)
{
    struct request r;
    memset(&r, 0, sizeof r);
    r.kind = REQ_DISCOVER;
    r.discover_on = (uint8_t)(on != 0);
    r.discover_port = port;
    return enqueue(t, &r);
}

int netthread_take_servers(struct netthread *t, struct discover_server *out, size_t cap, size_t *n)
{
    pthread_mutex_lock(&t->mu);
    int got = t->found_changed;
    if (got) {
        *n = t->nfound < cap ? t->nfound : cap;
        memcpy(out, t->found, *n * sizeof out[0]);
        t->found_changed = 0;
    }
    pthread_mutex_unlock(&t->mu);
    return got;
}

int netthread_take_event(struct netthread *t, struct session_event *ev,
                         struct session_snapshot *snap, char invite_addr[SOCK_ADDR_LEN])
{
    pthread_mutex_lock(&t->mu);
    int got = t->out_count > 0;
    if (got) {
        *ev = t->out[t->out_head].ev;
        *snap = t->out[t->out_head].snap;
        if (invite_addr)
            memcpy(invite_addr, t->out[t->out_head].invite_addr, SOCK_ADDR_LEN);
        t->out_head = (t->out_head + 1) % NETTHREAD_OUTBOX;
        t->out_count--;
        pthread_cond_signal(&t->room);
    } else {
        t->wake_pending = 0;
    }
    pthread_mutex_unlock(&t->mu);
    return got;
}

void netthread_stop(struct netthread *t, uint32_t flush_ms)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->mu);
    t->stop = 1;
    t->flush_ms = flush_ms;
    pthread_cond_broadcast(&t->room);
    pthread_mutex_unlock(&t->mu);
    poke(t);
    int rc = pthread_join(t->thread, NULL);
    if (rc != 0)
        fprintf(stderr, "ttt: cannot join the network thread: %s\n", strerror(rc));
    pthread_cond_destroy(&t->room);
    pthread_mutex_destroy(&t->mu);
    if (close(t->efd) != 0)
        fprintf(stderr, "ttt: closing the network thread's eventfd: %s\n", strerror(errno));
    free(t);
}
