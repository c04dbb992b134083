/* SPDX-License-Identifier: MIT */
/* test_bot_lookup.c: ttt-bot's one loop keeps playing while a bot's host
 * name is looked up from a DNS server that never answers. In a network and
 * name service of its own (tests/lib/own_resolver.h; root only, else exit
 * 77), with a real tttd ($TTTD) on 127.0.0.1: on one loop, a bot (its own
 * bot_shared, as a swarm's) connecting to silent.test is started first,
 * then a swarm of four that play eight games on 127.0.0.1. The four must
 * finish while the first bot's lookup is still under way (a lookup that
 * blocked the loop would have ended, failed, before they began); then that
 * bot fails as the connect timeout says: "cannot look up silent.test:
 * timed out". No timing is measured. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"
#include "loop.h"
#include "options.h"
#include "own_resolver.h"
#include "stats.h"

#define PLAYERS "4"
#define GAMES "2"

/* Bots that share options, stats and a tally of their ends. */
struct group {
    struct bot_options opt;
    struct stats st;
    struct bot_shared sh;
    struct bot_client c[4];
    uint32_t ended;
    char failure[BOT_ERR_LEN];
};

static struct group players, slow;
static struct loop *loop;
static int slow_resolving_when_played = -1; /* 1: the games ended while the lookup ran */
static pid_t tttd = -1;

static void stop_tttd(void)
{
    if (tttd > 0) {
        kill(tttd, SIGTERM);
        waitpid(tttd, NULL, 0);
        tttd = -1;
    }
}

static void fail(const char *what)
{
    fprintf(stderr, "FAIL: %s\n", what);
    exit(1);
}

static void on_welcomed(void *ctx, struct bot_client *c)
{
    (void)ctx;
    (void)c;
}

static void on_ended(void *ctx, struct bot_client *c, const char *failure)
{
    struct group *g = ctx;
    (void)c;
    g->ended++;
    if (failure && !g->failure[0])
        snprintf(g->failure, sizeof g->failure, "%s", failure);
    if (g == &players && g->ended == g->opt.clients)
        slow_resolving_when_played = slow.c[0].state == BOT_CLIENT_ACTIVE && slow.c[0].d.state == DRIVER_RESOLVING;
    if (players.ended == players.opt.clients && slow.ended == 1)
        loop_stop(loop);
}

/* Parse a ttt-bot command line into g and prepare its bots on the loop. */
static void group_init(struct group *g, const char *host, const char *clients)
{
    char *argv[] = {"ttt-bot", (char *)host, "--clients", (char *)clients, "--games", GAMES, "--quiet", NULL};
    char err[BOT_ERR_LEN];
    if (bot_options_parse(7, argv, &g->opt, err) != BOT_OPTIONS_RUN)
        fail(err);
    stats_init(&g->st);
    uint64_t target = (uint64_t)g->opt.clients * g->opt.games;
    g->sh = (struct bot_shared){.opt = &g->opt, .st = &g->st, .loop = loop, .games_target = target + target % 2,
                                .ctx = g, .welcomed = on_welcomed, .ended = on_ended};
    for (uint32_t i = 0; i < g->opt.clients; i++)
        bot_client_init(&g->c[i], &g->sh, i, 42);
}

/* Start $TTTD on 127.0.0.1, a port of its choosing (stopped at exit): that port. */
static unsigned start_tttd(void)
{
    atexit(stop_tttd);
    const char *path = getenv("TTTD");
    int p[2];
    if (!path || pipe(p) < 0 || (tttd = fork()) < 0)
        fail("cannot start tttd ($TTTD)");
    if (tttd == 0) {
        dup2(p[1], STDOUT_FILENO);
        execl(path, "tttd", "--port", "0", "--bind", "127.0.0.1", "--quiet", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    char line[256];
    size_t have = 0;
    unsigned port = 0;
    struct pollfd pf = {.fd = p[0], .events = POLLIN};
    while (!port && have < sizeof line - 1 && poll(&pf, 1, 10000) == 1) {
        ssize_t n = read(p[0], line + have, sizeof line - 1 - have);
        if (n <= 0)
            break;
        have += (size_t)n;
        line[have] = '\0';
        const char *at = strstr(line, "listening on port ");
        if (at && strchr(at, '\n'))
            port = (unsigned)strtoul(at + 18, NULL, 10);
    }
    if (!port)
        fail("tttd did not say its port");
    return port; /* p[0] stays open: tttd's later lines do not meet a closed pipe */
}

int main(void)
{
    char dir[] = "/tmp/ttt-bot-lookup.XXXXXX";
    if (!mkdtemp(dir))
        fail("mkdtemp");
    /* A DNS that answers after 30 s at the soonest: the bot's 10 s connect timeout comes first. */
    if (th_own_resolver(dir, "127.0.0.1 localhost\n", 30) < 0) {
        int e = errno;
        th_own_resolver_remove(dir);
        if (e == EPERM) {
            printf("SKIPPED: needs root (a network namespace and name service of its own)\n");
            return 77;
        }
        fail(strerror(e));
    }
    unsigned port = start_tttd();
    char slow_host[64], play_host[64];
    snprintf(slow_host, sizeof slow_host, "silent.test:%u", port);
    snprintf(play_host, sizeof play_host, "127.0.0.1:%u", port);
    if (!(loop = loop_new(1024)))
        fail("loop_new");
    group_init(&slow, slow_host, "1");
    group_init(&players, play_host, PLAYERS);
    bot_client_start(&slow.c[0]); /* first: a blocking lookup would stop everything here */
    for (uint32_t i = 0; i < players.opt.clients; i++)
        bot_client_start(&players.c[i]);
    if (players.ended < players.opt.clients || slow.ended < 1)
        (void)loop_run(loop);
    if (players.failure[0])
        fail(players.failure);
    if (players.st.games < 2 * 4)
        fail("the four did not play their eight games");
    if (slow_resolving_when_played != 1)
        fail("the games did not finish while the lookup of silent.test was under way");
    if (!strstr(slow.failure, "cannot look up silent.test: timed out"))
        fail(slow.failure[0] ? slow.failure : "the bot on silent.test did not fail");
    for (uint32_t i = 0; i < players.opt.clients; i++)
        bot_client_release(&players.c[i]);
    bot_client_release(&slow.c[0]);
    loop_free(loop);
    stop_tttd();
    th_own_resolver_remove(dir);
    printf("ok: %llu games on one loop while silent.test was looked up; then: %s\n",
           (unsigned long long)players.st.games, slow.failure);
    return 0;
}
