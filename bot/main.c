/* SPDX-License-Identifier: MIT */
/* main.c: ttt-bot's entry point: options, SIGPIPE off, then --discover
 * (finder.c), --probe (probe.c), or the games: the open-file limit a swarm
 * needs, the run, the summary and the exit status. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "finder.h"
#include "options.h"
#include "probe.h"
#include "stats.h"
#include "swarm.h"

/* Descriptors besides the clients' sockets: stdio, epoll, signalfd, ... */
#define FD_RESERVE 16u

/* Make room for `need` descriptors (raising the hard limit too when allowed,
 * e.g. as root). 0, or -1 with err set. */
static int raise_fd_limit(rlim_t need, char err[BOT_ERR_LEN])
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
        snprintf(err, BOT_ERR_LEN, "getrlimit: %s", strerror(errno));
        return -1;
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= need)
        return 0;
    struct rlimit want = rl;
    want.rlim_cur = need;
    if (want.rlim_max != RLIM_INFINITY && want.rlim_max < need)
        want.rlim_max = need;
    if (setrlimit(RLIMIT_NOFILE, &want) == 0)
        return 0;
    snprintf(err, BOT_ERR_LEN, "%llu clients need %llu open files but the limit is %llu "
             "(hard %llu) and cannot be raised: %s",
             (unsigned long long)(need - FD_RESERVE), (unsigned long long)need,
             (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max, strerror(errno));
    return -1;
}

static uint64_t clock_seed(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^
           ((uint64_t)getpid() << 32);
}

int main(int argc, char **argv)
{
    struct bot_options opt;
    char err[BOT_ERR_LEN];
    int r = bot_options_parse(argc, argv, &opt, err);
    if (r == BOT_OPTIONS_EXIT_OK)
        return 0;
    if (r == BOT_OPTIONS_BAD) {
        fprintf(stderr, "ttt-bot: %s\n", err);
        return 2;
    }
    /* A write to a closed socket is an error to handle, not a signal. */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
        fprintf(stderr, "ttt-bot: cannot ignore SIGPIPE: %s\n", strerror(errno));
        return 1;
    }
    if (opt.action == BOT_ACTION_DISCOVER)
        return finder_run(&opt);
    if (opt.action == BOT_ACTION_PROBE)
        return probe_run(&opt);
    rlim_t need = (rlim_t)opt.clients + FD_RESERVE;
    if (raise_fd_limit(need, err) < 0) {
        fprintf(stderr, "ttt-bot: %s\n", err);
        return 1;
    }
    /* The bots of a swarm play each other. */
    if (opt.clients > 1 && opt.rematch && opt.clients % 2 != 0)
        fprintf(stderr, "ttt-bot: note: with %u clients and --rematch the bots play in pairs: "
                "one needs an opponent from another process\n", (unsigned)opt.clients);
    else if (opt.clients > 1 && !opt.rematch && !opt.quiet && (uint64_t)opt.clients * opt.games % 2)
        fprintf(stderr, "ttt-bot: note: %llu games in all is odd and each game seats two of the "
                "bots: one bot plays one game more\n",
                (unsigned long long)opt.clients * opt.games);
    uint64_t seed = opt.seed_given ? opt.seed : clock_seed();
    static struct stats st;
    stats_init(&st);
    struct swarm *sw = swarm_new(&opt, seed, &st, (int)need, err);
    if (!sw) {
        fprintf(stderr, "ttt-bot: %s\n", err);
        return 1;
    }
    int rc = swarm_run(sw);
    char failure[BOT_ERR_LEN];
    snprintf(failure, sizeof failure, "%s", swarm_error(sw));
    if (rc == 0 && st.illegal_moves > 0) {
        snprintf(failure, sizeof failure, "%llu illegal moves sent (the server answered "
                 "NOT_YOUR_TURN, CELL_TAKEN or STALE_PLY)", (unsigned long long)st.illegal_moves);
        rc = -1;
    }
    char strategy[32];
    strategy_format(&opt.strategy, strategy, sizeof strategy);
    struct stats_run run = {
        .host = opt.host, .strategy = strategy, .clients = opt.clients,
        .games_per_client = opt.games, .think_ms = opt.think_ms, .seed = seed,
        .seconds = swarm_seconds(sw), .failure = rc < 0 ? failure : NULL,
    };
    swarm_free(sw);
    if (rc < 0)
        fprintf(stderr, "ttt-bot: %s\n", failure);
    if (!opt.quiet || !opt.json)
        stats_print_text(&st, &run, stdout);
    if (opt.json)
        stats_print_json(&st, &run, stdout);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "ttt-bot: cannot write the summary: %s\n", strerror(errno));
        return 1;
    }
    return rc < 0 ? 1 : 0;
}
