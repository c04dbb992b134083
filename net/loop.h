/* SPDX-License-Identifier: MIT */
/* loop.h: a small single-threaded event loop (epoll for file descriptors, a
 * binary heap of caller-owned timers), in the spirit of Redis's ae.h.
 *
 * Used by tttd and by ttt-bot's --clients swarm. Nothing here allocates per
 * event or per timer: timers are embedded in the caller's structs.
 * Callbacks may add, change or delete any fd or timer, including their own.
 */
#ifndef TTT_LOOP_H
#define TTT_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "heap.h"

#define LOOP_READABLE 1u
#define LOOP_WRITABLE 2u
/* Reported with READABLE|WRITABLE on EPOLLERR/EPOLLHUP, so the normal read
 * path sees the EOF or error. */
#define LOOP_ERROR 4u

struct loop;

/* Called when `fd` is ready; `events` is a mask of LOOP_* bits. */
typedef void loop_fd_fn(struct loop *loop, int fd, void *ctx, unsigned events);
/* Called once when a timer expires (re-arm it from inside to repeat). */
typedef void loop_timer_fn(struct loop *loop, void *ctx);
/* Called once per iteration before the loop sleeps. */
typedef void loop_hook_fn(struct loop *loop, void *ctx);

/* A timer, owned and embedded by the caller. Initialise with loop_timer_init;
 * fields are private to loop.c. */
struct loop_timer {
    struct heap_node node; /* on the loop's heap; key: when it fires */
    loop_timer_fn *fn;
    void *ctx;
    uint32_t deferred;     /* 0, or position + 1 in the loop's deferred list */
};

/* Create a loop that can watch fds 0..max_fds-1. NULL on failure (errno set). */
struct loop *loop_new(int max_fds);

/* Free the loop. Does not close any fd or touch armed timers' owners. */
void loop_free(struct loop *loop);

/* Watch `fd` for `mask` (LOOP_READABLE|LOOP_WRITABLE). 0, or -1 with errno
 * (EINVAL if fd >= max_fds or already added). */
int loop_add_fd(struct loop *loop, int fd, unsigned mask, loop_fd_fn *fn, void *ctx);

/* Change the mask of a watched fd. 0 or -1 with errno. */
int loop_mod_fd(struct loop *loop, int fd, unsigned mask);

/* Stop watching `fd` (call before closing it). Events already collected for
 * it in this iteration are not delivered. */
void loop_del_fd(struct loop *loop, int fd);

/* Milliseconds on CLOCK_MONOTONIC, cached once per iteration. */
uint64_t loop_now_ms(struct loop *loop);

/* Prepare a timer (not armed). */
void loop_timer_init(struct loop_timer *t, loop_timer_fn *fn, void *ctx);

/* Arm (or re-arm) `t` to fire at absolute time when_ms (loop_now_ms scale).
 * O(log n). Returns 0, or -1 if the heap is full (capacity = max_fds * 4). */
int loop_timer_at(struct loop *loop, struct loop_timer *t, uint64_t when_ms);

/* Disarm `t` if armed. O(log n). Safe to call on an unarmed timer. */
void loop_timer_cancel(struct loop *loop, struct loop_timer *t);

/* 1 if `t` is armed. */
int loop_timer_armed(const struct loop_timer *t);

/* When an armed timer fires (loop_now_ms scale); 0 when it is not armed. */
uint64_t loop_timer_when(const struct loop_timer *t);

/* Run `fn(loop, ctx)` before every sleep (one hook; NULL removes it). */
void loop_set_before_sleep(struct loop *loop, loop_hook_fn *fn, void *ctx);

/* Run until loop_stop(). Returns 0 after a stop, -1 on an epoll failure. */
int loop_run(struct loop *loop);

/* One iteration: wait up to timeout_ms (-1 = until an event or timer),
 * dispatch. Returns the number of callbacks run, or -1 on failure. */
int loop_once(struct loop *loop, int timeout_ms);

/* Make loop_run() return after the current iteration. */
void loop_stop(struct loop *loop);

#endif
