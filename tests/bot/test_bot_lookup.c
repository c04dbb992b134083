/* SPDX-License-Identifier: MIT */
/* test_bot_lookup.c: ttt-bot's one loop keeps playing while a bot's host
 * name is looked up from a DNS server that never answers. In a network and
 * name service of its own (tests/lib/own_resolver.h; root only, else exit
 * 77), with a real tttd on 127.0.0.1 (tests/server/harness.h): on one
 * loop, a bot (its own bot_shared, as a swarm's) connecting to silent.test
 * is started first, then a swarm of four that play eight games on
 * 127.0.0.1. The four must finish while the first bot's lookup is still
 * under way (a lookup that blocked the loop would have ended, failed,
 * before they began); then that bot fails as the connect timeout says:
 * "cannot look up silent.test: timed out". No timing is measured. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "client.h"
#include "harness.h"
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
static struct th_server tttd;
static char dir[] = "/tmp/ttt-bot-lookup.XXXXXX"; /* the own name service's files */

/* Fail: the name service's files go too (the harness stops tttd at exit). */
static void die(const char *what)
{
    fprintf(stderr, "FAIL: %s\n", what);
    th_own_resolver_remove(dir);
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
        die(err);
    stats_init(&g->st);
    uint64_t target = (uint64_t)g->opt.clients * g->opt.games;
    g->sh = (struct bot_shared){.opt = &g->opt, .st = &g->st, .loop = loop, .games_target = target + target % 2,
                                .ctx = g, .welcomed = on_welcomed, .ended = on_ended};
    for (uint32_t i = 0; i < g->opt.clients; i++)
        bot_client_init(&g->c[i], &g->sh, i, 42);
}

int main(void)
{
    if (!mkdtemp(dir))
        die("mkdtemp");
    /* A DNS that answers after 30 s at the soonest: the bot's 10 s connect timeout comes first. */
    if (th_own_resolver(dir, "127.0.0.1 localhost\n", 30) < 0) {
        int e = errno;
        if (e != EPERM)
            die(strerror(e));
        th_own_resolver_remove(dir);
        printf("SKIPPED: needs root (a network namespace and name service of its own)\n");
        return 77;
    }
    if (th_server_start(&tttd, NULL) < 0)
        die("cannot start tttd");
    unsigned port = tttd.port;
    char slow_host[64], play_host[64];
    snprintf(slow_host, sizeof slow_host, "silent.test:%u", port);
    snprintf(play_host, sizeof play_host, "127.0.0.1:%u", port);
    if (!(loop = loop_new(1024)))
        die("loop_new");
    group_init(&slow, slow_host, "1");
    group_init(&players, play_host, PLAYERS);
    bot_client_start(&slow.c[0]); /* first: a blocking lookup would stop everything here */
    for (uint32_t i = 0; i < players.opt.clients; i++)
        bot_client_start(&players.c[i]);
    if (players.ended < players.opt.clients || slow.ended < 1)
        (void)loop_run(loop);
    if (players.failure[0])
        die(players.failure);
    if (players.st.games < 2 * 4)
        die("the four did not play their eight games");
    if (slow_resolving_when_played != 1)
        die("the games did not finish while the lookup of silent.test was under way");
    if (!strstr(slow.failure, "cannot look up silent.test: timed out"))
        die(slow.failure[0] ? slow.failure : "the bot on silent.test did not fail");
    for (uint32_t i = 0; i < players.opt.clients; i++)
        bot_client_release(&players.c[i]);
    bot_client_release(&slow.c[0]);
    loop_free(loop);
    th_server_stop(&tttd);
    th_own_resolver_remove(dir);
    printf("ok: %llu games on one loop while silent.test was looked up; then: %s\n",
           (unsigned long long)players.st.games, slow.failure);
    return 0;
}
