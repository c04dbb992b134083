/* SPDX-License-Identifier: MIT */
/* options.h: ttt-bot's command line -- what to connect to, how to play, how
 * many games and clients, what to print. Parsing only: nothing here opens a
 * socket or prints a summary. */
#ifndef TTT_BOT_OPTIONS_H
#define TTT_BOT_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "strategy.h"

#define BOT_DEFAULT_HOST "127.0.0.1:7777"
#define BOT_HOST_MAX 300
#define BOT_ERR_LEN 320

/* What the run does. */
enum bot_action {
    BOT_ACTION_PLAY = 0,    /* play games (the default) */
    BOT_ACTION_DISCOVER,    /* --discover: list the servers on the local network */
    BOT_ACTION_PROBE        /* --probe: is HOST[:PORT] a ttt server? */
};

/* How a client finds its games. */
enum bot_mode {
    BOT_MODE_QUICK = 0,     /* quick match (the default) */
    BOT_MODE_CREATE_ROOM,   /* --create-room: open a room, print its code */
    BOT_MODE_JOIN_ROOM      /* --room CODE */
};

struct bot_options {
    enum bot_action action;
    char host[BOT_HOST_MAX];  /* "HOST[:PORT]" */
    char name[17];            /* a valid player name */
    struct strategy strategy;
    uint32_t games;           /* per client (see README: a swarm shares them) */
    enum bot_mode mode;
    char room[7];             /* --room CODE, upper-cased */
    int rematch;              /* keep the opponent: REMATCH after each game */
    uint32_t clients;
    uint32_t think_ms;
    uint64_t seed;
    int seed_given;
    int quiet;
    int json;
    uint32_t wait_s;          /* --discover: seconds of queries */
    uint16_t announce_port;   /* --discover: the UDP port servers answer on */
};

enum bot_options_result {
    BOT_OPTIONS_RUN = 0,    /* play */
    BOT_OPTIONS_EXIT_OK,    /* --help or --version printed: exit 0 */
    BOT_OPTIONS_BAD         /* err holds one line: exit 2 */
};

/* Parse argv into *o (defaults first). --help and --version print to stdout.
 * Returns enum bot_options_result; on BOT_OPTIONS_BAD err says why. */
int bot_options_parse(int argc, char **argv, struct bot_options *o, char err[BOT_ERR_LEN]);

#endif
