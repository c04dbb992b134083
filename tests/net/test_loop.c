/* SPDX-License-Identifier: MIT */
/* test_loop.c: the event loop over socketpairs: readiness, mask changes,
 * deletion inside callbacks, errors, timers (order, cancel, re-arm, a heap
 * stress against a reference model), loop_stop and the before-sleep hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loop.h"

#define MAX_FDS 256

static void make_pair(int sv[2])
{
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
    assert_true(sv[0] < MAX_FDS && sv[1] < MAX_FDS);
}

static void put_byte(int fd)
{
    assert_int_equal(write(fd, "x", 1), 1);
}

/* Most tests get a fresh loop and one socketpair. */
struct fx {
    struct loop *loop;
    int sv[2]; /* set to -1 by a test that closes one itself */
};

static int fx_setup(void **state)
{
    static struct fx f;
    f.loop = loop_new(MAX_FDS);
    if (!f.loop || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, f.sv) < 0)
        return -1;
    *state = &f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;
    loop_free(f->loop);
    for (int i = 0; i < 2; i++)
        if (f->sv[i] >= 0)
            close(f->sv[i]);
    return 0;
}

/* What an fd callback saw. */
struct seen {
    int calls;
    int fd;
    unsigned events;
};

static void record_fd(struct loop *loop, int fd, void *ctx, unsigned events)
{
    (void)loop;
    struct seen *s = ctx;
    s->calls++;
    s->fd = fd;
    s->events = events;
}

static void test_readable(void **state)
{
    struct loop *loop = ((struct fx *)*state)->loop;
    assert_non_null(loop);
    int sv[2];
    make_pair(sv);
    struct seen s = {0};
    assert_int_equal(loop_add_fd(loop, sv[0], LOOP_READABLE, record_fd, &s), 0);
    assert_int_equal(loop_once(loop, 0), 0);
    assert_int_equal(s.calls, 0);
    put_byte(sv[1]);
    assert_int_equal(loop_once(loop, 1000), 1);
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.fd, sv[0]);
    assert_int_equal(s.events, LOOP_READABLE);
    /* Level-triggered: still readable until read. */
    assert_int_equal(loop_once(loop, 0), 1);
    char c;
    assert_int_equal(read(sv[0], &c, 1), 1);
    assert_int_equal(loop_once(loop, 0), 0);
    assert_int_equal(s.calls, 2);
}

static void test_writable_and_mod(void **state)
{
    struct fx *f = *state;
    struct loop *loop = f->loop;
    int *sv = f->sv;
    struct seen s = {0};
    assert_int_equal(loop_add_fd(loop, sv[0], LOOP_WRITABLE, record_fd, &s), 0);
    assert_int_equal(loop_once(loop, 1000), 1);
    assert_int_equal(s.events, LOOP_WRITABLE);
    put_byte(sv[1]);
    assert_int_equal(loop_mod_fd(loop, sv[0], LOOP_READABLE | LOOP_WRITABLE), 0);
    assert_int_equal(loop_once(loop, 1000), 1);
    assert_int_equal(s.events, LOOP_READABLE | LOOP_WRITABLE);
    assert_int_equal(loop_mod_fd(loop, sv[0], 0), 0);
    assert_int_equal(loop_once(loop, 0), 0);
    assert_int_equal(loop_mod_fd(loop, sv[0], LOOP_READABLE), 0);
    assert_int_equal(loop_once(loop, 0), 1);
    assert_int_equal(s.events, LOOP_READABLE);
    assert_int_equal(s.calls, 3);
    /* Deleted: nothing more, and mod is refused. */
    loop_del_fd(loop, sv[0]);
    assert_int_equal(loop_once(loop, 0), 0);
    errno = 0;
    assert_int_equal(loop_mod_fd(loop, sv[0], LOOP_READABLE), -1);
    assert_int_equal(errno, EINVAL);
    loop_del_fd(loop, sv[0]); /* a second delete is harmless */
}

static void test_add_errors(void **state)
{
    struct fx *f = *state;
    struct loop *loop = f->loop;
    int *sv = f->sv;
    struct seen s = {0};
    errno = 0;
    assert_int_equal(loop_add_fd(loop, MAX_FDS, LOOP_READABLE, record_fd, &s), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(loop_add_fd(loop, -1, LOOP_READABLE, record_fd, &s), -1);
    assert_int_equal(loop_add_fd(loop, sv[0], LOOP_READABLE, record_fd, &s), 0);
    errno = 0;
    assert_int_equal(loop_add_fd(loop, sv[0], LOOP_READABLE, record_fd, &s), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(loop_add_fd(loop, sv[1], 8u, record_fd, &s), -1);
    /* An fd the kernel refuses to watch (a closed one) is reported, not kept. */
    int dead = dup(sv[1]);
    assert_true(dead >= 0 && dead < MAX_FDS);
    close(dead);
    assert_int_equal(loop_add_fd(loop, dead, LOOP_READABLE, record_fd, &s), -1);
    assert_int_equal(errno, EBADF);
    errno = 0;
    assert_null(loop_new(0));
    assert_int_equal(errno, EINVAL);
}

static void test_hangup_reports_error(void **state)
{
    struct fx *f = *state;
    struct loop *loop = f->loop;
    int *sv = f->sv;
    struct seen s = {0};
    assert_int_equal(loop_add_fd(loop, sv[0], LOOP_READABLE, record_fd, &s), 0);
    close(sv[1]);
    sv[1] = -1;
    assert_int_equal(loop_once(loop, 1000), 1);
    assert_int_equal(s.events, LOOP_READABLE | LOOP_WRITABLE | LOOP_ERROR);
    /* Even with no interest at all, a hang-up is delivered. */
    assert_int_equal(loop_mod_fd(loop, sv[0], 0), 0);
    assert_int_equal(loop_once(loop, 1000), 1);
    assert_int_equal(s.events, LOOP_READABLE | LOOP_WRITABLE | LOOP_ERROR);
}

/* Two pairs made readable at once; whichever callback runs first deletes
 * (or silences) the other, whose collected event must then be dropped. */
struct victim_ctx {
    int fds[2];        /* the two watched fds */
    int calls[2];
    int action;        /* 0 delete, 1 mod to 0, 2 delete + close + reuse the number */
    int reused_fd;
    struct seen reused;
    int spare[2];
};

static void victim_cb(struct loop *loop, int fd, void *ctx, unsigned events)
{
    (void)events;
    struct victim_ctx *v = ctx;
    int me = fd == v->fds[0] ? 0 : 1;
    int other = v->fds[1 - me];
    v->calls[me]++;
    if (v->calls[0] + v->calls[1] > 1)
        return;
    if (v->action == 0) {
        loop_del_fd(loop, other);
    } else if (v->action == 1) {
        assert_int_equal(loop_mod_fd(loop, other, 0), 0);
    } else {
        loop_del_fd(loop, other);
        close(other);
        /* The lowest free number is the one just closed. */
        v->reused_fd = dup(v->spare[0]);
        assert_int_equal(v->reused_fd, other);
        assert_int_equal(loop_add_fd(loop, v->reused_fd, LOOP_READABLE | LOOP_WRITABLE, record_fd,
                                     &v->reused), 0);
    }
}

static void run_victim(int action)
{
    struct loop *loop = loop_new(MAX_FDS);
    int a[2], b[2];
    struct victim_ctx v;
    memset(&v, 0, sizeof v);
    v.action = action;
    make_pair(a);
    make_pair(b);
    make_pair(v.spare);
    v.fds[0] = a[0];
    v.fds[1] = b[0];
    assert_int_equal(loop_add_fd(loop, a[0], LOOP_READABLE, victim_cb, &v), 0);
    assert_int_equal(loop_add_fd(loop, b[0], LOOP_READABLE, victim_cb, &v), 0);
    put_byte(a[1]);
    put_byte(b[1]);
    assert_int_equal(loop_once(loop, 1000), 1);
    assert_int_equal(v.calls[0] + v.calls[1], 1);
    if (action == 2) {
        /* The old fd's event did not reach the new watcher in this iteration. */
        assert_int_equal(v.reused.calls, 0);
        assert_int_equal(loop_once(loop, 1000), 2); /* the survivor, the new one */
        assert_int_equal(v.reused.calls, 1);
        loop_del_fd(loop, v.reused_fd);
        close(v.reused_fd);
    }
    int survivor = v.calls[0] ? a[0] : b[0];
    loop_del_fd(loop, a[0]);
    loop_del_fd(loop, b[0]);
    loop_free(loop);
    close(survivor);
    if (action != 2)
        close(survivor == a[0] ? b[0] : a[0]);
    close(a[1]);
    close(b[1]);
    close(v.spare[0]);
    close(v.spare[1]);
}

static void test_delete_other_fd_suppresses_event(void **state)
{
    (void)state;
    run_victim(0);
}

static void test_mask_change_suppresses_event(void **state)
{
    (void)state;
    run_victim(1);
}

static void test_reused_fd_gets_no_stale_event(void **state)
{
    (void)state;
    run_victim(2);
}

/* A callback that deletes and closes its own fd. */
static void self_delete(struct loop *loop, int fd, void *ctx, unsigned events)
{
    (void)events;
    int *calls = ctx;
    (*calls)++;
    loop_del_fd(loop, fd);
}

static void test_delete_own_fd(void **state)
{
    struct fx *f = *state;
    struct loop *loop = f->loop;
    int *sv = f->sv;
    int calls = 0;
    assert_int_equal(loop_add_fd(loop, sv[0], LOOP_READABLE | LOOP_WRITABLE, self_delete, &calls), 0);
    put_byte(sv[1]);
    assert_int_equal(loop_once(loop, 1000), 1);
    assert_int_equal(loop_once(loop, 0), 0);
    assert_int_equal(calls, 1);
    /* The number can be watched again. */
    assert_int_equal(loop_add_fd(loop, sv[0], LOOP_READABLE, self_delete, &calls), 0);
    assert_int_equal(loop_once(loop, 1000), 1);
    assert_int_equal(calls, 2);
}

/* ---- timers ---- */

struct order {
    int ids[64];
    int n;
};

struct tctx {
    struct order *order;
    int id;
    struct loop_timer timer;
    int repeat;          /* re-arm this many more times, at now + period */
    uint64_t period;
    struct loop_timer *arm_other; /* arm this one for now when fired */
};

static void timer_cb(struct loop *loop, void *ctx)
{
    struct tctx *t = ctx;
    assert_false(loop_timer_armed(&t->timer)); /* disarmed before the call */
    assert_true(t->order->n < 64);
    t->order->ids[t->order->n++] = t->id;
    if (t->repeat > 0) {
        t->repeat--;
        assert_int_equal(loop_timer_at(loop, &t->timer, loop_now_ms(loop) + t->period), 0);
    }
    if (t->arm_other)
        assert_int_equal(loop_timer_at(loop, t->arm_other, loop_now_ms(loop)), 0);
}

static void run_until(struct loop *loop, const struct order *order, int n)
{
    for (int spins = 0; order->n < n && spins < 1000; spins++)
        assert_true(loop_once(loop, -1) >= 0);
    assert_int_equal(order->n, n);
}

static void test_timers_fire_in_order(void **state)
{
    struct loop *loop = ((struct fx *)*state)->loop;
    struct order order = {{0}, 0};
    static const uint64_t delays[] = {30, 10, 20, 0, 5, 25, 15};
    struct tctx t[7];
    uint64_t base = loop_now_ms(loop);
    for (int i = 0; i < 7; i++) {
        memset(&t[i], 0, sizeof t[i]);
        t[i].order = &order;
        t[i].id = (int)delays[i];
        loop_timer_init(&t[i].timer, timer_cb, &t[i]);
        assert_false(loop_timer_armed(&t[i].timer));
        assert_int_equal(loop_timer_when(&t[i].timer), 0);
        assert_int_equal(loop_timer_at(loop, &t[i].timer, base + delays[i]), 0);
        assert_true(loop_timer_armed(&t[i].timer));
        assert_int_equal(loop_timer_when(&t[i].timer), base + delays[i]);
    }
    run_until(loop, &order, 7);
    static const int expect[] = {0, 5, 10, 15, 20, 25, 30};
    assert_memory_equal(order.ids, expect, sizeof expect);
    /* No timer fires early. */
    assert_true(loop_now_ms(loop) >= base + 30);
}

static void test_timer_cancel_and_rearm(void **state)
{
    struct loop *loop = ((struct fx *)*state)->loop;
    struct order order = {{0}, 0};
    struct tctx a, b, c;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    memset(&c, 0, sizeof c);
    a.order = b.order = c.order = &order;
    a.id = 1;
    b.id = 2;
    c.id = 3;
    loop_timer_init(&a.timer, timer_cb, &a);
    loop_timer_init(&b.timer, timer_cb, &b);
    loop_timer_init(&c.timer, timer_cb, &c);
    loop_timer_cancel(loop, &a.timer); /* unarmed: harmless */
    uint64_t now = loop_now_ms(loop);
    assert_int_equal(loop_timer_at(loop, &a.timer, now + 5), 0);
    assert_int_equal(loop_timer_at(loop, &b.timer, now + 10), 0);
    assert_int_equal(loop_timer_at(loop, &c.timer, now + 100000), 0);
    loop_timer_cancel(loop, &a.timer);
    assert_false(loop_timer_armed(&a.timer));
    loop_timer_cancel(loop, &a.timer);
    /* Re-arm c earlier than b: it now fires first, once. */
    assert_int_equal(loop_timer_at(loop, &c.timer, now + 1), 0);
    run_until(loop, &order, 2);
    assert_int_equal(order.ids[0], 3);
    assert_int_equal(order.ids[1], 2);
    /* Nothing is left: a short wait fires nothing. */
    assert_int_equal(loop_once(loop, 20), 0);
    assert_int_equal(order.n, 2);
}

static void test_timer_repeats_from_its_callback(void **state)
{
    struct loop *loop = ((struct fx *)*state)->loop;
    struct order order = {{0}, 0};
    struct tctx t;
    memset(&t, 0, sizeof t);
    t.order = &order;
    t.id = 7;
    t.repeat = 3;
    t.period = 2;
    loop_timer_init(&t.timer, timer_cb, &t);
    assert_int_equal(loop_timer_at(loop, &t.timer, loop_now_ms(loop)), 0);
    run_until(loop, &order, 4);
    assert_false(loop_timer_armed(&t.timer));
}

static void test_timer_rearmed_for_now_waits_an_iteration(void **state)
{
    struct loop *loop = ((struct fx *)*state)->loop;
    struct order order = {{0}, 0};
    struct tctx t;
    memset(&t, 0, sizeof t);
    t.order = &order;
    t.repeat = 5;
    t.period = 0; /* re-armed for now */
    loop_timer_init(&t.timer, timer_cb, &t);
    assert_int_equal(loop_timer_at(loop, &t.timer, loop_now_ms(loop)), 0);
    for (int i = 1; i <= 6; i++) {
        assert_int_equal(loop_once(loop, 0), 1);
        assert_int_equal(order.n, i);
    }
    assert_false(loop_timer_armed(&t.timer));
    /* Cancelled while waiting for the next iteration, it stays quiet. */
    t.repeat = 1;
    assert_int_equal(loop_timer_at(loop, &t.timer, loop_now_ms(loop)), 0);
    assert_int_equal(loop_once(loop, 0), 1);
    assert_true(loop_timer_armed(&t.timer));
    loop_timer_cancel(loop, &t.timer);
    assert_int_equal(loop_once(loop, 0), 0);
}

static void test_timer_armed_for_now_by_another_fires_same_iteration(void **state)
{
    struct loop *loop = ((struct fx *)*state)->loop;
    struct order order = {{0}, 0};
    struct tctx a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.order = b.order = &order;
    a.id = 1;
    b.id = 2;
    loop_timer_init(&a.timer, timer_cb, &a);
    loop_timer_init(&b.timer, timer_cb, &b);
    a.arm_other = &b.timer;
    assert_int_equal(loop_timer_at(loop, &a.timer, loop_now_ms(loop)), 0);
    assert_int_equal(loop_once(loop, 0), 2);
    assert_int_equal(order.n, 2);
    assert_int_equal(order.ids[1], 2);
}

/* An fd callback arming a timer for now: it fires in the same iteration. */
static void arm_from_fd(struct loop *loop, int fd, void *ctx, unsigned events)
{
    (void)events;
    struct tctx *t = ctx;
    loop_del_fd(loop, fd);
    assert_int_equal(loop_timer_at(loop, &t->timer, loop_now_ms(loop)), 0);
}

static void test_fd_callback_arms_timer_for_now(void **state)
{
    struct fx *f = *state;
    struct loop *loop = f->loop;
    struct order order = {{0}, 0};
    struct tctx t;
    memset(&t, 0, sizeof t);
    t.order = &order;
    loop_timer_init(&t.timer, timer_cb, &t);
    assert_int_equal(loop_add_fd(loop, f->sv[0], LOOP_WRITABLE, arm_from_fd, &t), 0);
    assert_int_equal(loop_once(loop, 1000), 2);
    assert_int_equal(order.n, 1);
}

static void test_timer_heap_full(void **state)
{
    (void)state;
    struct loop *loop = loop_new(2); /* room for 8 timers */
    struct order order = {{0}, 0};
    struct tctx t[9];
    for (int i = 0; i < 9; i++) {
        memset(&t[i], 0, sizeof t[i]);
        t[i].order = &order;
        loop_timer_init(&t[i].timer, timer_cb, &t[i]);
    }
    uint64_t later = loop_now_ms(loop) + 100000;
    for (int i = 0; i < 8; i++)
        assert_int_equal(loop_timer_at(loop, &t[i].timer, later + (uint64_t)i), 0);
    errno = 0;
    assert_int_equal(loop_timer_at(loop, &t[8].timer, later), -1);
    assert_int_equal(errno, ENOSPC);
    assert_false(loop_timer_armed(&t[8].timer));
    /* Re-arming an armed timer needs no extra room. */
    assert_int_equal(loop_timer_at(loop, &t[3].timer, later - 1), 0);
    loop_timer_cancel(loop, &t[0].timer);
    assert_int_equal(loop_timer_at(loop, &t[8].timer, later), 0);
    loop_free(loop);
}

/* Heap stress: random arm, re-arm and cancel against a reference model;
 * then everything armed fires, in deadline order, exactly once. */
#define STRESS_TIMERS 1000

struct stress {
    struct loop_timer timer;
    uint64_t when;
    int armed;   /* model */
    int fired;
};

static uint64_t last_fired_when;
static int fired_total;

static void stress_cb(struct loop *loop, void *ctx)
{
    (void)loop;
    struct stress *s = ctx;
    assert_true(s->armed);
    assert_true(s->when >= last_fired_when);
    assert_int_equal(s->timer.node.key, s->when); /* the time it was armed for */
    last_fired_when = s->when;
    s->armed = 0;
    s->fired++;
    fired_total++;
}

static void test_timer_heap_stress(void **state)
{
    (void)state;
    struct loop *loop = loop_new(STRESS_TIMERS / 4);
    struct stress *st = calloc(STRESS_TIMERS, sizeof *st);
    assert_non_null(st);
    for (int i = 0; i < STRESS_TIMERS; i++)
        loop_timer_init(&st[i].timer, stress_cb, &st[i]);
    srand(12345);
    uint64_t now = loop_now_ms(loop);
    for (int round = 0; round < 20; round++) {
        for (int op = 0; op < 20000; op++) {
            struct stress *s = &st[rand() % STRESS_TIMERS];
            if (rand() % 3 == 0) {
                loop_timer_cancel(loop, &s->timer);
                s->armed = 0;
            } else {
                /* Deadlines in the past (all due) with many ties. */
                s->when = (uint64_t)rand() % (now < 5000 ? now + 1 : 5000);
                assert_int_equal(loop_timer_at(loop, &s->timer, s->when), 0);
                s->armed = 1;
            }
            assert_int_equal(loop_timer_armed(&s->timer), s->armed);
        }
        int expect = 0;
        for (int i = 0; i < STRESS_TIMERS; i++) {
            assert_int_equal(loop_timer_armed(&st[i].timer), st[i].armed);
            expect += st[i].armed;
        }
        last_fired_when = 0;
        fired_total = 0;
        assert_int_equal(loop_once(loop, 0), expect);
        assert_int_equal(fired_total, expect);
        for (int i = 0; i < STRESS_TIMERS; i++)
            assert_false(loop_timer_armed(&st[i].timer));
    }
    free(st);
    loop_free(loop);
}

/* ---- run, stop, hook ---- */

static void stop_after(struct loop *loop, void *ctx)
{
    struct tctx *t = ctx;
    t->order->ids[t->order->n++] = t->id;
    if (t->order->n == 3)
        loop_stop(loop);
    else
        assert_int_equal(loop_timer_at(loop, &t->timer, loop_now_ms(loop) + 1), 0);
}

static void count_hook(struct loop *loop, void *ctx)
{
    (void)loop;
    (*(int *)ctx)++;
}

static void test_run_stop_and_hook(void **state)
{
    struct loop *loop = ((struct fx *)*state)->loop;
    struct order order = {{0}, 0};
    struct tctx t;
    memset(&t, 0, sizeof t);
    t.order = &order;
    loop_timer_init(&t.timer, stop_after, &t);
    int hooks = 0;
    loop_set_before_sleep(loop, count_hook, &hooks);
    assert_int_equal(loop_timer_at(loop, &t.timer, loop_now_ms(loop) + 1), 0);
    assert_int_equal(loop_run(loop), 0);
    assert_int_equal(order.n, 3);
    assert_true(hooks >= 3);
    int before = hooks;
    assert_int_equal(loop_once(loop, 0), 0);
    assert_int_equal(hooks, before + 1);
    loop_set_before_sleep(loop, NULL, NULL);
    assert_int_equal(loop_once(loop, 0), 0);
    assert_int_equal(hooks, before + 1);
}

/* The hook runs before the sleep: a timer it arms bounds that sleep. */
static void arm_in_hook(struct loop *loop, void *ctx)
{
    struct tctx *t = ctx;
    if (!loop_timer_armed(&t->timer) && t->order->n == 0)
        assert_int_equal(loop_timer_at(loop, &t->timer, loop_now_ms(loop) + 5), 0);
}

static void test_hook_arms_timer_before_sleep(void **state)
{
    struct loop *loop = ((struct fx *)*state)->loop;
    struct order order = {{0}, 0};
    struct tctx t;
    memset(&t, 0, sizeof t);
    t.order = &order;
    loop_timer_init(&t.timer, timer_cb, &t);
    loop_set_before_sleep(loop, arm_in_hook, &t);
    /* With nothing else to wake it, loop_once(-1) would block forever if
     * the hook's timer were not taken into account. */
    run_until(loop, &order, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_readable, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_writable_and_mod, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_add_errors, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_hangup_reports_error, fx_setup, fx_teardown),
        cmocka_unit_test(test_delete_other_fd_suppresses_event),
        cmocka_unit_test(test_mask_change_suppresses_event),
        cmocka_unit_test(test_reused_fd_gets_no_stale_event),
        cmocka_unit_test_setup_teardown(test_delete_own_fd, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_timers_fire_in_order, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_timer_cancel_and_rearm, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_timer_repeats_from_its_callback, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_timer_rearmed_for_now_waits_an_iteration, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_timer_armed_for_now_by_another_fires_same_iteration, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_fd_callback_arms_timer_for_now, fx_setup, fx_teardown),
        cmocka_unit_test(test_timer_heap_full),
        cmocka_unit_test(test_timer_heap_stress),
        cmocka_unit_test_setup_teardown(test_run_stop_and_hook, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_hook_arms_timer_before_sleep, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
