/* netthread.c: the ttt client's network thread: one struct session driven by
 * poll(2) on its socket and a wake-up eventfd, the app's requests in, session
 * events with snapshots out (see netthread.h for the hand-over), and a clean
 * goodbye at exit (queued LEAVE written, half-close, wait for the server). */
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
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CONNECT_TIMEOUT_MS 5000u

struct netthread {
    pthread_t thread;
    int efd;                    /* eventfd: requests or stop waiting */
    netthread_wake_fn *wake;
    void *wake_ctx;

    /* Shared, under mu. */
    pthread_mutex_t mu;
    pthread_cond_t room;        /* the outbox has room, or stop was asked */
    struct app_request req[NETTHREAD_REQ_QUEUE];
    size_t req_head, req_count;
    struct app_net_event out[NETTHREAD_OUTBOX];
    size_t out_head, out_count;
    uint8_t wake_pending;       /* woken, and the outbox not drained since */
    uint8_t stop;
    uint32_t flush_ms;

    /* The network thread's own. */
    struct session *s;
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

/* Put one event in the outbox, waiting for room while the main thread is
 * behind (the session keeps further events queued meanwhile); dropped once
 * stopping, when nobody reads them any more. */
static void post(struct netthread *t, const struct app_net_event *e)
{
    int call_wake = 0;
    pthread_mutex_lock(&t->mu);
    while (t->out_count == NETTHREAD_OUTBOX && !t->stop)
        pthread_cond_wait(&t->room, &t->mu);
    if (t->out_count < NETTHREAD_OUTBOX) {
        t->out[(t->out_head + t->out_count++) % NETTHREAD_OUTBOX] = *e;
        if (!t->wake_pending && !t->stop) {
            t->wake_pending = 1;
            call_wake = 1;
        }
    }
    pthread_mutex_unlock(&t->mu);
    if (call_wake && t->wake(t->wake_ctx) < 0) {
        pthread_mutex_lock(&t->mu);
        t->wake_pending = 0; /* try again with the next event */
        pthread_mutex_unlock(&t->mu);
    }
}

/* The session as it is now, around one of its events. */
static void snapshot(const struct session *s, const struct session_event *ev, struct app_net_event *e)
{
    memset(e, 0, sizeof *e);
    e->ev = *ev;
    if (ev->type == SESSION_EV_GAME_LIST) {
        const struct proto_msg *m = ev->u.game_list;
        e->ev.u.game_list = NULL; /* points into the session: not for another thread */
        if (m && m->type == PROTO_GAME_LIST) {
            e->list.count = m->u.game_list.count <= PROTO_LIST_MAX ? m->u.game_list.count : PROTO_LIST_MAX;
            memcpy(e->list.games, m->u.game_list.games, e->list.count * sizeof e->list.games[0]);
        }
    }
    e->phase = (uint8_t)session_phase(s);
    e->my_turn = session_my_turn(s) ? 1 : 0;
    e->turn_s = session_turn_s(s);
    e->grace_s = session_grace_s(s);
    e->game = *session_game(s);
}

static void forward_events(struct netthread *t)
{
    if (!t->s)
        return;
    struct session_event ev;
    struct app_net_event e;
    while (session_next_event(t->s, &ev)) {
        snapshot(t->s, &ev, &e);
        post(t, &e);
    }
}

/* An EV_CLOSED the session could not give (it could not be created). */
static void post_closed(struct netthread *t, const char *why)
{
    struct app_net_event e;
    memset(&e, 0, sizeof e);
    e.ev.type = SESSION_EV_CLOSED;
    e.ev.u.closed.reason = SESSION_CLOSE_CONNECT;
    snprintf(e.ev.u.closed.message, sizeof e.ev.u.closed.message, "%s", why);
    e.phase = SESSION_CLOSED;
    e.game.last_cell = BOARD_NO_CELL;
    memset(e.game.line, PROTO_NO_CELL, sizeof e.game.line);
    post(t, &e);
}

/* ---- requests in ---- */

/* Drop the current session without a word to the app: it asked for a new one. */
static void drop_session(struct netthread *t)
{
    if (!t->s)
        return;
    session_close(t->s);
    struct session_event ev;
    while (session_next_event(t->s, &ev))
        ;
    session_free(t->s);
    t->s = NULL;
}

static void do_connect(struct netthread *t, const struct app_request *r, uint64_t now)
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
    (void)session_connect(t->s, r->host, now); /* a failure queues EV_CLOSED saying why */
}

/* Carry out one request. A request the session's phase no longer allows (the
 * server's event crossed the click) is dropped, as the server would refuse
 * it; the app learns the truth from the events. */
static void do_request(struct netthread *t, const struct app_request *r, uint64_t now)
{
    if (r->type == APP_REQ_CONNECT) {
        do_connect(t, r, now);
        return;
    }
    struct session *s = t->s;
    if (!s)
        return;
    session_tick(s, now); /* requests stamp frames with the session's idea of now */
    switch (r->type) {
    case APP_REQ_DISCONNECT: session_close(s); break;
    case APP_REQ_QUICK_MATCH: (void)session_quick_match(s); break;
    case APP_REQ_CREATE_ROOM: (void)session_create_room(s); break;
    case APP_REQ_JOIN: (void)session_join_room(s, r->code); break;
    case APP_REQ_SPECTATE: (void)session_spectate(s, r->game_id); break;
    case APP_REQ_LIST_GAMES: (void)session_list_games(s); break;
    case APP_REQ_MOVE: (void)session_move(s, r->cell); break;
    case APP_REQ_RESIGN: (void)session_resign(s); break;
    case APP_REQ_REMATCH: (void)session_rematch(s); break;
    case APP_REQ_LEAVE: (void)session_leave(s); break;
    default: break; /* QUIT, FULLSCREEN: the main loop's */
    }
}

/* Take every waiting request; returns the stop flag. */
static int take_requests(struct netthread *t, struct app_request *batch, size_t *n)
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

/* Sleep until the socket, a request or a deadline wants us; serve it. */
static void wait_and_serve(struct netthread *t)
{
    struct session *s = t->s;
    struct pollfd p[2] = { { .fd = t->efd, .events = POLLIN }, { .fd = -1 } };
    int fd = s ? session_fd(s) : -1;
    if (fd >= 0) {
        p[1].fd = fd;
        p[1].events = (short)(POLLIN | (session_wants_write(s) ? POLLOUT : 0));
    }
    uint64_t deadline = s ? session_next_deadline(s) : UINT64_MAX;
    int rc = poll(p, 2, poll_timeout(deadline, netthread_now_ms()));
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
    if (fd >= 0 && session_fd(s) == fd) {
        if (p[1].revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL))
            session_on_readable(s, now);
        if ((p[1].revents & POLLOUT) && session_fd(s) == fd)
            session_on_writable(s, now);
    }
    if (s && now >= session_next_deadline(s))
        session_tick(s, now);
    forward_events(t);
}

/* At exit: write what is queued (a LEAVE), half-close, and read until the
 * server closes its side, so the LEAVE is read before any reset; all within
 * the flush budget. */
static void goodbye(struct netthread *t, uint32_t flush_ms)
{
    struct session *s = t->s;
    if (!s)
        return;
    uint64_t end = netthread_now_ms() + flush_ms;
    enum session_phase ph = session_phase(s);
    if (ph != SESSION_CONNECTING && ph != SESSION_RECONNECTING && ph != SESSION_CLOSED) {
        while (session_fd(s) >= 0 && session_wants_write(s)) {
            uint64_t now = netthread_now_ms();
            if (now >= end)
                break;
            struct pollfd p = { .fd = session_fd(s), .events = POLLOUT };
            if (poll(&p, 1, poll_timeout(end, now)) < 0 && errno != EINTR)
                break;
            session_on_writable(s, netthread_now_ms());
        }
        int fd = session_fd(s);
        if (fd >= 0 && !session_wants_write(s) && shutdown(fd, SHUT_WR) == 0) {
            while (session_fd(s) == fd) {
                uint64_t now = netthread_now_ms();
                if (now >= end)
                    break;
                struct pollfd p = { .fd = fd, .events = POLLIN };
                int rc = poll(&p, 1, poll_timeout(end, now));
                if (rc < 0 && errno != EINTR)
                    break;
                if (rc > 0)
                    session_on_readable(s, netthread_now_ms()); /* EOF closes the session */
                struct session_event ev;
                while (session_next_event(s, &ev))
                    ;
            }
        }
    }
    drop_session(t);
}

static void *run(void *arg)
{
    struct netthread *t = arg;
    struct app_request batch[NETTHREAD_REQ_QUEUE];
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
    goodbye(t, flush_ms);
    return NULL;
}

/* ---- the main thread's side ---- */

struct netthread *netthread_start(netthread_wake_fn *wake, void *wake_ctx, char err[NETTHREAD_ERR_LEN])
{
    struct netthread *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, NETTHREAD_ERR_LEN, "out of memory");
        return NULL;
    }
    t->wake = wake;
    t->wake_ctx = wake_ctx;
    t->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (t->efd < 0) {
        snprintf(err, NETTHREAD_ERR_LEN, "eventfd: %s", strerror(errno));
        free(t);
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
    snprintf(err, NETTHREAD_ERR_LEN, "cannot start the network thread: %s", strerror(rc));
    close(t->efd);
    free(t);
    return NULL;
}

int netthread_request(struct netthread *t, const struct app_request *r)
{
    if (r->type == APP_REQ_QUIT || r->type == APP_REQ_FULLSCREEN)
        return 0;
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

int netthread_take_event(struct netthread *t, struct app_net_event *e)
{
    pthread_mutex_lock(&t->mu);
    int got = t->out_count > 0;
    if (got) {
        *e = t->out[t->out_head];
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
