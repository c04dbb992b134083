/* SPDX-License-Identifier: MIT */
/* swarm.c: the bots of one run (client.h) on one epoll loop: it starts
 * their connections SWARM_CONNECT_BATCH at a time, counts who is connected
 * and who has ended, stops the run when all have played or at the first
 * failure (or SIGINT/SIGTERM, through a signalfd), and draws the progress
 * line. The game budget: with quick match and no --rematch the bots share
 * clients x games games (one more when that is odd) -- a bot that finishes a
 * game takes the next one while any is left, so no bot is left alone in the
 * queue at the end; with --rematch (or a room) each bot plays exactly
 * --games games.
 */
#include "swarm.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "client.h"
#include "loop.h"

#define PROGRESS_MS 1000u

struct swarm {
    const struct bot_options *opt;
    struct bot_shared shared;
    struct bot_client *clients;
    uint32_t started;           /* bots that began connecting */
    uint32_t connecting;        /* ... and have neither a WELCOME nor ended */
    uint32_t welcomed;
    uint32_t ended;             /* bots done or failed */
    int failed;
    int starting;               /* inside start_clients (no recursion) */
    char error[BOT_ERR_LEN];
    int signal_fd;
    int progress;               /* draw a progress line on stderr */
    struct loop_timer progress_timer;
    uint64_t start_us, end_us;
};

static void stop(struct swarm *sw)
{
    if (sw->end_us == 0)
        sw->end_us = bot_now_us();
    loop_stop(sw->shared.loop);
}

static void start_clients(struct swarm *sw)
{
    if (sw->starting)
        return;
    sw->starting = 1;
    while (!sw->failed && sw->started < sw->opt->clients && sw->connecting < SWARM_CONNECT_BATCH) {
        sw->connecting++;
        bot_client_start(&sw->clients[sw->started++]);
    }
    sw->starting = 0;
}

static void on_welcomed(void *ctx, struct bot_client *c)
{
    struct swarm *sw = ctx;
    (void)c;
    sw->connecting--;
    sw->welcomed++;
    sw->shared.all_in = sw->welcomed == sw->opt->clients && sw->ended == 0;
    start_clients(sw);
}

static void on_ended(void *ctx, struct bot_client *c, const char *failure)
{
    struct swarm *sw = ctx;
    sw->ended++;
    sw->shared.all_in = 0;
    if (!c->welcomed)
        sw->connecting--;
    if (failure && !sw->failed) {
        sw->failed = 1;
        if (sw->opt->clients > 1)
            snprintf(sw->error, sizeof sw->error, "client %u: %.*s", (unsigned)c->index + 1u,
                     (int)sizeof sw->error - 24, failure);
        else
            snprintf(sw->error, sizeof sw->error, "%s", failure);
    }
    if (sw->failed || sw->ended == sw->opt->clients)
        stop(sw);
    else
        start_clients(sw);
}

static void on_progress(struct loop *loop, void *ctx)
{
    struct swarm *sw = ctx;
    const struct stats *st = sw->shared.st;
    double s = (double)(bot_now_us() - sw->start_us) / 1e6;
    fprintf(stderr, "\r%llu/%llu games, %u/%u clients connected, %.0f moves/s, %.0f s   ",
            (unsigned long long)st->games, (unsigned long long)sw->shared.games_target,
            (unsigned)(sw->welcomed - (sw->ended < sw->welcomed ? sw->ended : sw->welcomed)),
            (unsigned)sw->opt->clients, s > 0 ? (double)st->moves / s : 0.0, s);
    fflush(stderr);
    (void)loop_timer_at(loop, &sw->progress_timer, loop_now_ms(loop) + PROGRESS_MS);
}

static void on_signal(struct loop *loop, int fd, void *ctx, unsigned events)
{
    struct swarm *sw = ctx;
    struct signalfd_siginfo si;
    (void)loop;
    (void)events;
    if (read(fd, &si, sizeof si) != (ssize_t)sizeof si)
        return;
    if (!sw->failed) {
        sw->failed = 1;
        snprintf(sw->error, sizeof sw->error, "interrupted by %s",
                 si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
    }
    stop(sw);
}

/* The shared budget, in games counted per bot (each game counts twice, once
 * for each of its players): clients x games, plus one when the swarm plays
 * itself and that is odd, so that no bot is left alone in the queue. */
static uint64_t games_target(const struct bot_options *opt)
{
    uint64_t n = (uint64_t)opt->clients * opt->games;
    return opt->clients > 1 && !opt->rematch ? n + n % 2 : n;
}

struct swarm *swarm_new(const struct bot_options *opt, uint64_t seed, struct stats *st,
                        int max_fds, char err[BOT_ERR_LEN])
{
    struct swarm *sw = calloc(1, sizeof *sw);
    if (!sw || !(sw->clients = calloc(opt->clients, sizeof *sw->clients))) {
        snprintf(err, BOT_ERR_LEN, "out of memory for %u clients", (unsigned)opt->clients);
        free(sw);
        return NULL;
    }
    sw->opt = opt;
    sw->signal_fd = -1;
    sw->shared = (struct bot_shared){
        .opt = opt, .st = st, .games_target = games_target(opt),
        .ctx = sw, .welcomed = on_welcomed, .ended = on_ended,
    };
    sw->shared.loop = loop_new(max_fds);
    if (!sw->shared.loop) {
        snprintf(err, BOT_ERR_LEN, "cannot create the event loop: %s", strerror(errno));
        swarm_free(sw);
        return NULL;
    }
    for (uint32_t i = 0; i < opt->clients; i++)
        bot_client_init(&sw->clients[i], &sw->shared, i, seed);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ||
        (sw->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
        loop_add_fd(sw->shared.loop, sw->signal_fd, LOOP_READABLE, on_signal, sw) < 0) {
        snprintf(err, BOT_ERR_LEN, "cannot watch signals: %s", strerror(errno));
        swarm_free(sw);
        return NULL;
    }
    /* A single bot prints a line per game instead. */
    sw->progress = opt->clients > 1 && !opt->quiet && isatty(STDERR_FILENO);
    loop_timer_init(&sw->progress_timer, on_progress, sw);
    return sw;
}

int swarm_run(struct swarm *sw)
{
    struct loop *loop = sw->shared.loop;
    sw->start_us = bot_now_us();
    sw->end_us = 0;
    if (sw->progress)
        (void)loop_timer_at(loop, &sw->progress_timer, loop_now_ms(loop) + PROGRESS_MS);
    start_clients(sw);
    if (!sw->failed && sw->ended < sw->opt->clients && loop_run(loop) < 0 && !sw->failed) {
        sw->failed = 1;
        snprintf(sw->error, sizeof sw->error, "event loop failed: %s", strerror(errno));
    }
    if (sw->end_us == 0)
        sw->end_us = bot_now_us();
    if (sw->progress)
        fprintf(stderr, "\r%*s\r", 79, "");
    loop_timer_cancel(loop, &sw->progress_timer);
    return sw->failed ? -1 : 0;
}

const char *swarm_error(const struct swarm *sw)
{
    return sw->error;
}

double swarm_seconds(const struct swarm *sw)
{
    return sw->end_us > sw->start_us ? (double)(sw->end_us - sw->start_us) / 1e6 : 0.0;
}

void swarm_free(struct swarm *sw)
{
    if (!sw)
        return;
    if (sw->shared.loop) {
        for (uint32_t i = 0; sw->clients && i < sw->opt->clients; i++)
            bot_client_release(&sw->clients[i]);
        if (sw->signal_fd >= 0)
            loop_del_fd(sw->shared.loop, sw->signal_fd);
    }
    if (sw->signal_fd >= 0)
        close(sw->signal_fd);
    loop_free(sw->shared.loop);
    free(sw->clients);
    free(sw);
}
