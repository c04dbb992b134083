/* SPDX-License-Identifier: MIT */
/* client.h: one bot -- its session (session/session.h) over its socket
 * (session/driver.h), the loop's watch on that socket and its timers, and
 * its game flow: ask for games, move by the strategy (after --think, within
 * the rate limit), offer rematches, count results and move round trips.
 * The bots of one run share a struct bot_shared, owned by the swarm
 * (swarm.h). */
#ifndef TTT_BOT_CLIENT_H
#define TTT_BOT_CLIENT_H

#include <stdint.h>

#include "driver.h"
#include "loop.h"
#include "options.h"
#include "pace.h"
#include "session.h"
#include "stats.h"
#include "strategy.h"

struct bot_client;

/* What the bots of one run share. */
struct bot_shared {
    const struct bot_options *opt;
    struct stats *st;
    struct loop *loop;
    uint64_t games_target;      /* quick match without --rematch: games for all ... */
    uint64_t games_reserved;    /* ... and those already asked for */
    int all_in;                 /* every client is connected and none has ended (the swarm's) */
    void *ctx;
    /* A bot got its WELCOME. */
    void (*welcomed)(void *ctx, struct bot_client *c);
    /* A bot ended, once: failure NULL when it played its games, else why it
     * failed. c->welcomed tells whether it got as far as a WELCOME. */
    void (*ended)(void *ctx, struct bot_client *c, const char *failure);
};

enum bot_client_state { BOT_CLIENT_IDLE = 0, BOT_CLIENT_ACTIVE, BOT_CLIENT_DONE, BOT_CLIENT_FAILED };

/* Fields are the client module's; the swarm reads index, state, welcomed. */
struct bot_client {
    struct bot_shared *sh;
    uint32_t index;             /* 0-based */
    enum bot_client_state state;
    struct session *s;          /* NULL before start and after the end */
    struct driver d;            /* s over its socket */
    int fd;                     /* the fd registered with the loop, or -1 */
    uint32_t fd_socket;         /* ... and which of the driver's sockets it is */
    unsigned mask;
    struct loop_timer tick;     /* driver_tick at driver_next_deadline */
    struct loop_timer wait;     /* --think pause, or waiting for the rate */
    struct pace pace;
    struct strategy_rng rng;
    uint64_t move_sent_us;      /* when the MOVE in flight was sent */
    uint8_t move_out;           /* a MOVE is in flight: time its MOVED */
    uint8_t move_steady;        /* ... sent while sh->all_in */
    uint8_t want_next;          /* the next game is to be asked for */
    uint8_t welcomed;
    uint8_t paused;             /* made its first --think pause */
    uint8_t in_game;            /* between GAME_START and GAME_OVER */
    uint32_t games_done;
};

/* Prepare bot `index` (not connected); its moves come from (seed, index). */
void bot_client_init(struct bot_client *c, struct bot_shared *sh, uint32_t index, uint64_t seed);

/* Start connecting. Everything after is reported through sh's callbacks
 * (ended may be called before this returns). */
void bot_client_start(struct bot_client *c);

/* Stop watching, close and free the session (the end of a run). */
void bot_client_release(struct bot_client *c);

/* Microseconds, and milliseconds, on CLOCK_MONOTONIC. */
uint64_t bot_now_us(void);
uint64_t bot_now_ms(void);

#endif
