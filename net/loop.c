/* SPDX-License-Identifier: MIT */
/* loop.c: the event loop behind loop.h: epoll for file descriptors and a
 * min-heap (heap.c) of caller-owned timers, one thread, no allocation after
 * loop_new.
 *
 * Each fd slot has a generation, bumped whenever the fd is added or
 * deleted, and carried in the epoll registration, so an event collected
 * before a callback deleted (and perhaps re-added) that fd in the same
 * iteration is recognised as stale and dropped.
 */
#include "loop.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define LOOP_MAX_EVENTS 256

struct fd_slot {
    loop_fd_fn *fn;
    void *ctx;
    unsigned mask;  /* LOOP_READABLE | LOOP_WRITABLE */
    uint32_t gen;   /* changes on every add and delete */
    uint8_t used;
};

struct loop {
    int epfd;
    int max_fds;
    struct fd_slot *fds;
    struct heap timers;       /* armed timers by when they fire */
    uint32_t capacity;        /* timers armed at once, heap and deferred together */
    /* Timers re-armed for "now" from their own callback wait here until the
     * current firing pass ends (their `deferred` is position + 1). */
    struct loop_timer **deferred;
    uint32_t deferred_len;
    struct loop_timer *firing; /* the timer whose callback is running */
    uint64_t now_ms;
    int stop;
    loop_hook_fn *before_sleep;
    void *before_sleep_ctx;
    struct epoll_event events[LOOP_MAX_EVENTS];
};

static uint64_t clock_ms(void)
{
    struct timespec ts;
    /* CLOCK_MONOTONIC cannot fail with a valid pointer. */
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct loop *loop_new(int max_fds)
{
    if (max_fds <= 0 || (size_t)max_fds > UINT32_MAX / 8) {
        errno = EINVAL;
        return NULL;
    }
    struct loop *loop = calloc(1, sizeof *loop);
    if (!loop)
        return NULL;
    loop->max_fds = max_fds;
    loop->capacity = (uint32_t)max_fds * 4u;
    loop->fds = calloc((size_t)max_fds, sizeof *loop->fds);
    loop->deferred = calloc(loop->capacity, sizeof *loop->deferred);
    loop->epfd = -1;
    if (heap_init(&loop->timers, loop->capacity) < 0 || !loop->fds || !loop->deferred)
        goto fail;
    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (loop->epfd < 0)
        goto fail;
    loop->now_ms = clock_ms();
    return loop;
fail:;
    int saved = errno;
    loop_free(loop);
    errno = saved;
    return NULL;
}

void loop_free(struct loop *loop)
{
    if (!loop)
        return;
    if (loop->epfd >= 0)
        close(loop->epfd);
    free(loop->fds);
    heap_free(&loop->timers);
    free(loop->deferred);
    free(loop);
}

/* ---- file descriptors ---- */

static int ctl(struct loop *loop, int op, int fd)
{
    const struct fd_slot *s = &loop->fds[fd];
    struct epoll_event ev = {0};
    ev.events = ((s->mask & LOOP_READABLE) ? EPOLLIN : 0u) |
                ((s->mask & LOOP_WRITABLE) ? EPOLLOUT : 0u);
    ev.data.u64 = (uint64_t)(unsigned)fd | ((uint64_t)s->gen << 32);
    return epoll_ctl(loop->epfd, op, fd, &ev);
}

static int valid_mask(unsigned mask)
{
    return (mask & ~(LOOP_READABLE | LOOP_WRITABLE)) == 0;
}

int loop_add_fd(struct loop *loop, int fd, unsigned mask, loop_fd_fn *fn, void *ctx)
{
    if (fd < 0 || fd >= loop->max_fds || loop->fds[fd].used || !fn || !valid_mask(mask)) {
        errno = EINVAL;
        return -1;
    }
    struct fd_slot *s = &loop->fds[fd];
    s->gen++;
    s->mask = mask;
    if (ctl(loop, EPOLL_CTL_ADD, fd) < 0)
        return -1;
    s->fn = fn;
    s->ctx = ctx;
    s->used = 1;
    return 0;
}

int loop_mod_fd(struct loop *loop, int fd, unsigned mask)
{
    if (fd < 0 || fd >= loop->max_fds || !loop->fds[fd].used || !valid_mask(mask)) {
        errno = EINVAL;
        return -1;
    }
    struct fd_slot *s = &loop->fds[fd];
    if (s->mask == mask)
        return 0;
    unsigned old = s->mask;
    s->mask = mask;
    if (ctl(loop, EPOLL_CTL_MOD, fd) < 0) {
        s->mask = old;
        return -1;
    }
    return 0;
}

void loop_del_fd(struct loop *loop, int fd)
{
    if (fd < 0 || fd >= loop->max_fds || !loop->fds[fd].used)
        return;
    struct fd_slot *s = &loop->fds[fd];
    /* Fails only if the fd is already closed, which removed it anyway. */
    (void)epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
    s->gen++;
    s->used = 0;
    s->mask = 0;
    s->fn = NULL;
    s->ctx = NULL;
}

uint64_t loop_now_ms(struct loop *loop)
{
    return loop->now_ms;
}

/* ---- timers ---- */

static struct loop_timer *timer_of(struct heap_node *n)
{
    return (struct loop_timer *)(void *)((char *)n - offsetof(struct loop_timer, node));
}

void loop_timer_init(struct loop_timer *t, loop_timer_fn *fn, void *ctx)
{
    t->node.key = 0;
    t->node.index = 0;
    t->fn = fn;
    t->ctx = ctx;
    t->deferred = 0;
}

int loop_timer_armed(const struct loop_timer *t)
{
    return t->node.index != 0 || t->deferred != 0;
}

uint64_t loop_timer_when(const struct loop_timer *t)
{
    return loop_timer_armed(t) ? t->node.key : 0;
}

void loop_timer_cancel(struct loop *loop, struct loop_timer *t)
{
    if (t->node.index) {
        heap_remove(&loop->timers, &t->node);
    } else if (t->deferred) {
        struct loop_timer *last = loop->deferred[--loop->deferred_len];
        loop->deferred[t->deferred - 1] = last;
        last->deferred = t->deferred;
        t->deferred = 0;
    }
}

int loop_timer_at(struct loop *loop, struct loop_timer *t, uint64_t when_ms)
{
    loop_timer_cancel(loop, t);
    if (loop->timers.len + loop->deferred_len >= loop->capacity) {
        errno = ENOSPC;
        return -1;
    }
    if (t == loop->firing && when_ms <= loop->now_ms) {
        /* Re-armed for now from its own callback: next iteration, not again
         * in this pass (which would never end). */
        t->node.key = when_ms;
        loop->deferred[loop->deferred_len++] = t;
        t->deferred = loop->deferred_len;
        return 0;
    }
    return heap_push(&loop->timers, &t->node, when_ms);
}

/* Fire every timer due at the cached time, earliest first, including those
 * that callbacks of this pass arm for now. A pass fires at most `capacity`
 * timers, so timers that keep arming each other for now cannot hold the
 * loop forever: the rest fire next iteration. Returns the number fired. */
static int fire_timers(struct loop *loop)
{
    int fired = 0;
    struct heap_node *top;
    while ((top = heap_top(&loop->timers)) && top->key <= loop->now_ms &&
           (uint32_t)fired < loop->capacity) {
        struct loop_timer *t = timer_of(top);
        heap_remove(&loop->timers, top);
        loop->firing = t;
        t->fn(loop, t->ctx);
        fired++;
    }
    loop->firing = NULL;
    while (loop->deferred_len > 0) {
        struct loop_timer *t = loop->deferred[--loop->deferred_len];
        t->deferred = 0;
        (void)heap_push(&loop->timers, &t->node, t->node.key); /* room: counted when armed */
    }
    return fired;
}

/* ---- the loop ---- */

void loop_set_before_sleep(struct loop *loop, loop_hook_fn *fn, void *ctx)
{
    loop->before_sleep = fn;
    loop->before_sleep_ctx = ctx;
}

/* How long epoll may sleep: until the earliest timer, within `limit`. */
static int sleep_ms(const struct loop *loop, int limit)
{
    const struct heap_node *top = heap_top(&loop->timers);
    if (!top)
        return limit;
    uint64_t when = top->key;
    uint64_t wait = when > loop->now_ms ? when - loop->now_ms : 0;
    if (limit >= 0 && wait > (uint64_t)limit)
        return limit;
    return wait > INT_MAX ? INT_MAX : (int)wait;
}

static unsigned loop_events(uint32_t ev)
{
    if (ev & (EPOLLERR | EPOLLHUP))
        return LOOP_READABLE | LOOP_WRITABLE | LOOP_ERROR;
    return ((ev & EPOLLIN) ? LOOP_READABLE : 0u) | ((ev & EPOLLOUT) ? LOOP_WRITABLE : 0u);
}

int loop_once(struct loop *loop, int timeout_ms)
{
    loop->now_ms = clock_ms();
    if (loop->before_sleep)
        loop->before_sleep(loop, loop->before_sleep_ctx);

    /* The hook may have stopped the loop: look, do not sleep. */
    if (loop->stop)
        timeout_ms = 0;
    uint64_t start = loop->now_ms;
    int n;
    for (;;) {
        n = epoll_wait(loop->epfd, loop->events, LOOP_MAX_EVENTS, sleep_ms(loop, timeout_ms));
        loop->now_ms = clock_ms();
        if (n >= 0)
            break;
        if (errno != EINTR)
            return -1;
        if (timeout_ms > 0) {
            uint64_t spent = loop->now_ms - start;
            timeout_ms = spent >= (uint64_t)timeout_ms ? 0 : timeout_ms - (int)spent;
            start = loop->now_ms;
        }
    }

    int ran = 0;
    for (int i = 0; i < n; i++) {
        uint64_t data = loop->events[i].data.u64;
        int fd = (int)(uint32_t)data;
        const struct fd_slot *s = &loop->fds[fd];
        /* Deleted (or replaced) by an earlier callback of this iteration. */
        if (!s->used || s->gen != (uint32_t)(data >> 32))
            continue;
        unsigned ev = loop_events(loop->events[i].events);
        if (!(ev & LOOP_ERROR))
            ev &= s->mask; /* an earlier callback may have narrowed the mask */
        if (ev == 0)
            continue;
        s->fn(loop, fd, s->ctx, ev);
        ran++;
    }
    return ran + fire_timers(loop);
}

int loop_run(struct loop *loop)
{
    loop->stop = 0;
    while (!loop->stop)
        if (loop_once(loop, -1) < 0)
            return -1;
    return 0;
}

void loop_stop(struct loop *loop)
{
    loop->stop = 1;
}
