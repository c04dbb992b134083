/* options.c: ttt-bot's command line: the defaults, the table of options
 * (net/args.c walks argv by it), what each one sets and the checks between
 * them. */
#include "options.h"

#include <stdio.h>
#include <string.h>

#include "args.h"
#include "proto.h"
#include "text.h"

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

/* The table's order is the keys' order. */
enum { O_NAME, O_STRATEGY, O_GAMES, O_ROOM, O_CREATE_ROOM, O_REMATCH, O_CLIENTS, O_THINK, O_SEED, O_QUIET,
       O_JSON, O_COUNT };

static const struct args_option option_table[O_COUNT] = {
    [O_NAME] = {"name", ARGS_TEXT, NULL, 0, 0},
    [O_STRATEGY] = {"strategy", ARGS_TEXT, NULL, 0, 0},
    [O_GAMES] = {"games", ARGS_NUMBER, "a number", 1, MAX_GAMES},
    [O_ROOM] = {"room", ARGS_TEXT, NULL, 0, 0},
    [O_CREATE_ROOM] = {"create-room", ARGS_FLAG, NULL, 0, 0},
    [O_REMATCH] = {"rematch", ARGS_FLAG, NULL, 0, 0},
    [O_CLIENTS] = {"clients", ARGS_NUMBER, "a number", 1, MAX_CLIENTS},
    [O_THINK] = {"think", ARGS_NUMBER, "a number of milliseconds", 0, MAX_THINK_MS},
    [O_SEED] = {"seed", ARGS_NUMBER, "a number", 0, UINT64_MAX},
    [O_QUIET] = {"quiet", ARGS_FLAG, NULL, 0, 0},
    [O_JSON] = {"json", ARGS_FLAG, NULL, 0, 0},
};

/* --name NAME: the protocol's name rules. */
static int take_name(const struct args_item *it, struct bot_options *o)
{
    char why[200];

    if (text_name_check(it->value, why, sizeof why) < 0)
        return args_fail(it, "--name: %s", why);
    snprintf(o->name, sizeof o->name, "%s", it->value);
    return 0;
}

/* --room CODE and --create-room: one way to find a game. */
static int take_mode(const struct args_item *it, struct bot_options *o, enum bot_mode mode)
{
    if (mode == BOT_MODE_JOIN_ROOM && proto_code_from_text(it->value, o->room) < 0)
        return args_fail(it, "--room: '%s' is not a room code (6 characters from %s)", it->value,
                         PROTO_CODE_ALPHABET);
    if (o->mode != BOT_MODE_QUICK && o->mode != mode)
        return args_fail(it, "--room and --create-room exclude each other");
    o->mode = mode;
    return 0;
}

/* The operand HOST[:PORT]: one at most. */
static int take_host(const struct args_item *it, struct bot_options *o)
{
    if (o->host[0] != '\0')
        return args_fail(it, "one server address only: '%s' is one too many", it->value);
    if (args_server_address(it, sizeof o->host - 1) < 0)
        return -1;
    snprintf(o->host, sizeof o->host, "%s", it->value);
    return 0;
}

/* args_spec.take: store one option or the operand. */
static int take(const struct args_item *it, void *ctx)
{
    struct bot_options *o = ctx;

    switch (it->key) {
    case ARGS_OPERAND: return take_host(it, o);
    case O_NAME: return take_name(it, o);
    case O_STRATEGY:
        if (strategy_parse(&o->strategy, it->value) < 0)
            return args_fail(it, "--strategy: '%s' is not perfect, random or mixed:P with P from 0 to 1",
                             it->value);
        break;
    case O_GAMES: o->games = (uint32_t)it->number; break;
    case O_ROOM: return take_mode(it, o, BOT_MODE_JOIN_ROOM);
    case O_CREATE_ROOM: return take_mode(it, o, BOT_MODE_CREATE_ROOM);
    case O_REMATCH: o->rematch = 1; break;
    case O_CLIENTS: o->clients = (uint32_t)it->number; break;
    case O_THINK: o->think_ms = (uint32_t)it->number; break;
    case O_SEED:
        o->seed = it->number;
        o->seed_given = 1;
        break;
    case O_QUIET: o->quiet = 1; break;
    case O_JSON: o->json = 1; break;
    }
    return 0;
}

static const struct args_spec spec = {
    .program = "ttt-bot", .version = TTT_VERSION, .protocol = PROTO_VERSION, .usage = usage_text,
    .options = option_table, .count = O_COUNT, .take = take,
};

int bot_options_parse(int argc, char **argv, struct bot_options *o, char err[BOT_ERR_LEN])
{
    enum args_result r;

    memset(o, 0, sizeof *o); /* host "" until an operand names one */
    snprintf(o->name, sizeof o->name, "bot");
    o->strategy.kind = STRATEGY_PERFECT;
    o->strategy.p = 1.0;
    o->games = 1;
    o->clients = 1;
    r = args_parse(&spec, argc, argv, o, err, BOT_ERR_LEN);
    if (r != ARGS_RUN)
        return r == ARGS_EXIT ? BOT_OPTIONS_EXIT_OK : BOT_OPTIONS_BAD;
    if (o->host[0] == '\0')
        snprintf(o->host, sizeof o->host, "%s", BOT_DEFAULT_HOST);
    if (o->mode != BOT_MODE_QUICK) {
        if (o->clients != 1) {
            snprintf(err, BOT_ERR_LEN, "--room and --create-room play one client: drop --clients");
            return BOT_OPTIONS_BAD;
        }
        o->rematch = 1;
    }
    return BOT_OPTIONS_RUN;
}
