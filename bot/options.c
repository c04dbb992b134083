/* options.c: ttt-bot's command line: defaults, strict number parsing, the
 * checks between options, --help and --version. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "text.h"
#include "sock.h"

#ifndef TTT_VERSION
#define TTT_VERSION "unknown"
#endif

#define MAX_CLIENTS 1000000ul
#define MAX_GAMES 1000000000ul
#define MAX_THINK_MS 3600000ul

static const char usage_text[] =
    "usage: ttt-bot [HOST[:PORT]] [--name NAME] [--strategy perfect|random|mixed:P]\n"
    "               [--games N] [--room CODE | --create-room] [--rematch] [--clients N]\n"
    "               [--think MS] [--seed N] [--quiet] [--json] [--help] [--version]\n"
    "\n"
    "Plays tic-tac-toe against a ttt server (tttd) and prints what happened and how fast.\n"
    "\n"
    "  HOST[:PORT]          the server (default " BOT_DEFAULT_HOST "; IPv6 as [ADDR]:PORT)\n"
    "  --name NAME          player name, 1 to 16 bytes of UTF-8 (default bot; with --clients\n"
    "                       each client adds -INDEX when it fits)\n"
    "  --strategy S         perfect (never loses), random (uniform over free cells) or\n"
    "                       mixed:P (perfect with probability P, 0..1); default perfect\n"
    "  --games N            games to play (default 1); with --clients, N per client on\n"
    "                       average: the swarm plays CLIENTS x N games in all\n"
    "  --room CODE          join the private room CODE (implies --rematch)\n"
    "  --create-room        open a private room, print \"room CODE\" on stdout, wait for an\n"
    "                       opponent (implies --rematch)\n"
    "  --rematch            keep the same opponent: REMATCH after each game\n"
    "  --clients N          run N clients at once in this process (default 1)\n"
    "  --think MS           wait MS milliseconds before each move (default 0)\n"
    "  --seed N             seed of the move choices (default: from the clock; printed)\n"
    "  --quiet              print only the summary (or only the JSON line with --json)\n"
    "  --json               end the output with the summary as one JSON object\n"
    "  --help, --version    print this or the version and exit\n"
    "\n"
    "Exit status: 0 when every game was played as the protocol says; 1 on a connection\n"
    "failure, a server error, a protocol violation or an illegal move; 2 on bad options.\n";

enum {
    O_NAME = 256, O_STRATEGY, O_GAMES, O_ROOM, O_CREATE_ROOM, O_REMATCH, O_CLIENTS,
    O_THINK, O_SEED, O_QUIET, O_JSON, O_HELP, O_VERSION
};

static int fail(char err[BOT_ERR_LEN], const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, BOT_ERR_LEN, fmt, ap);
    va_end(ap);
    return BOT_OPTIONS_BAD;
}

/* A whole decimal number in [lo, hi]; 0 on success. */
static int parse_num(const char *s, unsigned long long lo, unsigned long long hi,
                     unsigned long long *out)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* The option as the user typed it, for messages. */
static const char *typed(char **argv, int index)
{
    return index > 0 && argv[index] ? argv[index] : "?";
}

int bot_options_parse(int argc, char **argv, struct bot_options *o, char err[BOT_ERR_LEN])
{
    memset(o, 0, sizeof *o);
    snprintf(o->host, sizeof o->host, "%s", BOT_DEFAULT_HOST);
    snprintf(o->name, sizeof o->name, "bot");
    o->strategy.kind = STRATEGY_PERFECT;
    o->strategy.p = 1.0;
    o->games = 1;
    o->clients = 1;
    err[0] = '\0';

    static const struct option longs[] = {
        { "name", required_argument, NULL, O_NAME },
        { "strategy", required_argument, NULL, O_STRATEGY },
        { "games", required_argument, NULL, O_GAMES },
        { "room", required_argument, NULL, O_ROOM },
        { "create-room", no_argument, NULL, O_CREATE_ROOM },
        { "rematch", no_argument, NULL, O_REMATCH },
        { "clients", required_argument, NULL, O_CLIENTS },
        { "think", required_argument, NULL, O_THINK },
        { "seed", required_argument, NULL, O_SEED },
        { "quiet", no_argument, NULL, O_QUIET },
        { "json", no_argument, NULL, O_JSON },
        { "help", no_argument, NULL, O_HELP },
        { "version", no_argument, NULL, O_VERSION },
        { NULL, 0, NULL, 0 },
    };
    int hosts = 0;
    opterr = 0;
    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, ":", longs, NULL);
        if (c == -1)
            break;
        unsigned long long v;
        switch (c) {
        case O_NAME:
            if (!text_name_valid(optarg, strlen(optarg))) {
                char shown[64];
                text_printable(optarg, strlen(optarg), shown, sizeof shown);
                return fail(err, "--name: '%s' is not a valid name (%s)", shown, TEXT_NAME_RULES);
            }
            snprintf(o->name, sizeof o->name, "%s", optarg);
            break;
        case O_STRATEGY:
            if (strategy_parse(&o->strategy, optarg) < 0)
                return fail(err, "--strategy: '%s' is not perfect, random or mixed:P with P "
                            "from 0 to 1", optarg);
            break;
        case O_GAMES:
            if (parse_num(optarg, 1, MAX_GAMES, &v) < 0)
                return fail(err, "--games: '%s' is not a number from 1 to %lu", optarg, MAX_GAMES);
            o->games = (uint32_t)v;
            break;
        case O_ROOM:
            if (proto_code_from_text(optarg, o->room) < 0)
                return fail(err, "--room: '%s' is not a room code (6 characters from %s)",
                            optarg, PROTO_CODE_ALPHABET);
            if (o->mode == BOT_MODE_CREATE_ROOM)
                return fail(err, "--room and --create-room exclude each other");
            o->mode = BOT_MODE_JOIN_ROOM;
            break;
        case O_CREATE_ROOM:
            if (o->mode == BOT_MODE_JOIN_ROOM)
                return fail(err, "--room and --create-room exclude each other");
            o->mode = BOT_MODE_CREATE_ROOM;
            break;
        case O_REMATCH:
            o->rematch = 1;
            break;
        case O_CLIENTS:
            if (parse_num(optarg, 1, MAX_CLIENTS, &v) < 0)
                return fail(err, "--clients: '%s' is not a number from 1 to %lu", optarg,
                            MAX_CLIENTS);
            o->clients = (uint32_t)v;
            break;
        case O_THINK:
            if (parse_num(optarg, 0, MAX_THINK_MS, &v) < 0)
                return fail(err, "--think: '%s' is not a number of milliseconds from 0 to %lu",
                            optarg, MAX_THINK_MS);
            o->think_ms = (uint32_t)v;
            break;
        case O_SEED:
            if (parse_num(optarg, 0, UINT64_MAX, &v) < 0)
                return fail(err, "--seed: '%s' is not a number from 0 to %llu", optarg,
                            (unsigned long long)UINT64_MAX);
            o->seed = v;
            o->seed_given = 1;
            break;
        case O_QUIET:
            o->quiet = 1;
            break;
        case O_JSON:
            o->json = 1;
            break;
        case O_HELP:
            fputs(usage_text, stdout);
            return BOT_OPTIONS_EXIT_OK;
        case O_VERSION:
            printf("ttt-bot %s (protocol version %d)\n", TTT_VERSION, PROTO_VERSION);
            return BOT_OPTIONS_EXIT_OK;
        case ':':
            return fail(err, "%s needs a value (see ttt-bot --help)", typed(argv, optind - 1));
        default:
            if (optopt > ' ' && optopt < 127)
                return fail(err, "unknown option '-%c' (see ttt-bot --help)", optopt);
            return fail(err, "unknown option '%s' (see ttt-bot --help)", typed(argv, optind - 1));
        }
    }
    for (int i = optind; i < argc; i++) {
        if (hosts++ > 0)
            return fail(err, "one server address only: '%s' is one too many", argv[i]);
        char host[sizeof o->host], why[SOCK_ERR_LEN];
        uint16_t port;
        if (argv[i][0] == '\0' || strlen(argv[i]) >= sizeof o->host)
            return fail(err, "'%s' is not a server address (HOST[:PORT])", argv[i]);
        if (sock_split_hostport(argv[i], host, sizeof host, &port, why) < 0)
            return fail(err, "'%s' is not a server address (HOST[:PORT]): %s", argv[i], why);
        snprintf(o->host, sizeof o->host, "%s", argv[i]);
    }
    if (o->mode != BOT_MODE_QUICK) {
        if (o->clients != 1)
            return fail(err, "--room and --create-room play one client: drop --clients");
        o->rematch = 1;
    }
    return BOT_OPTIONS_RUN;
}
