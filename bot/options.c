/* SPDX-License-Identifier: MIT */
/* options.c: ttt-bot's command line: the defaults, the table of options
 * (net/args.c walks argv by it), what each one sets and the checks between
 * them. */
#include "options.h"

#include <stdio.h>
#include <string.h>

#include "args.h"
#include "discovery.h"
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
    "       ttt-bot --discover [--wait S] [--announce-port N] [--json]\n"
    "       ttt-bot --probe [HOST[:PORT]] [--quiet] [--json]\n"
    "\n"
    "Plays tic-tac-toe against a ttt server (tttd) and prints what happened and how fast;\n"
    "or lists the servers on the local network; or checks that a server answers.\n"
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
    "  --discover           list the servers on the local network, each once, a line each:\n"
    "                       ADDR:PORT NAME players=N games=M (with --json a JSON object)\n"
    "  --wait S             with --discover: look for S seconds (default 2)\n"
    "  --announce-port N    with --discover: the UDP port servers answer on (default 7778)\n"
    "  --probe              connect to HOST[:PORT], say HELLO and print what the WELCOME\n"
    "                       says (protocol version, turn and grace times); within 3 s\n"
    "  --help, --version    print this or the version and exit\n"
    "\n"
    "Exit status: 0 when every game was played as the protocol says; 1 on a connection\n"
    "failure, a server error, a protocol violation or an illegal move; 2 on bad options.\n"
    "--discover: 0 when a server answered, 1 when none did. --probe: 0 when the server\n"
    "answered as a ttt server, 1 when it did not within 3 s.\n";

/* The table's order is the keys' order. */
enum { O_NAME, O_STRATEGY, O_GAMES, O_ROOM, O_CREATE_ROOM, O_REMATCH, O_CLIENTS, O_THINK, O_SEED, O_QUIET,
       O_JSON, O_DISCOVER, O_WAIT, O_ANNOUNCE_PORT, O_PROBE, O_COUNT };

/* The options of playing (keys O_NAME .. O_SEED): neither --discover nor
 * --probe plays. */
#define GAME_OPTION(key) ((key) >= O_NAME && (key) <= O_SEED)

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
    [O_DISCOVER] = {"discover", ARGS_FLAG, NULL, 0, 0},
    [O_WAIT] = {"wait", ARGS_NUMBER, "a number of seconds", 1, 3600},
    [O_ANNOUNCE_PORT] = {"announce-port", ARGS_NUMBER, "a port number", 1, 65535},
    [O_PROBE] = {"probe", ARGS_FLAG, NULL, 0, 0},
};

/* What the command line holds beyond the options' values: for the checks
 * between them once it is all read. */
struct seen {
    struct bot_options *o;
    const char *game_option;    /* the first option of playing given, or NULL */
    const char *discover_option; /* the first of --wait and --announce-port given, or NULL */
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

/* --discover or --probe: one action. */
static int take_action(const struct args_item *it, struct bot_options *o, enum bot_action action)
{
    if (o->action != BOT_ACTION_PLAY && o->action != action)
        return args_fail(it, "--discover and --probe exclude each other");
    o->action = action;
    return 0;
}

/* Store one option or the operand. */
static int take_value(const struct args_item *it, struct bot_options *o)
{
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
    case O_DISCOVER: return take_action(it, o, BOT_ACTION_DISCOVER);
    case O_WAIT: o->wait_s = (uint32_t)it->number; break;
    case O_ANNOUNCE_PORT: o->announce_port = (uint16_t)it->number; break;
    case O_PROBE: return take_action(it, o, BOT_ACTION_PROBE);
    }
    return 0;
}

/* args_spec.take: note what was given, then store it. */
static int take(const struct args_item *it, void *ctx)
{
    struct seen *seen = ctx;
    if (GAME_OPTION(it->key) && !seen->game_option)
        seen->game_option = option_table[it->key].name;
    if ((it->key == O_WAIT || it->key == O_ANNOUNCE_PORT) && !seen->discover_option)
        seen->discover_option = option_table[it->key].name;
    return take_value(it, seen->o);
}

static const struct args_spec spec = {
    .program = "ttt-bot", .version = TTT_VERSION, .protocol = PROTO_VERSION, .usage = usage_text,
    .options = option_table, .count = O_COUNT, .take = take,
};

/* The checks between options, once all are read: 0, or -1 with err set. */
static int check_action(const struct seen *seen, char err[BOT_ERR_LEN])
{
    const struct bot_options *o = seen->o;
    const char *action = o->action == BOT_ACTION_DISCOVER ? "--discover" : "--probe";
    if (o->action != BOT_ACTION_PLAY && seen->game_option) {
        snprintf(err, BOT_ERR_LEN, "%s plays no game: --%s does not go with it", action, seen->game_option);
        return -1;
    }
    if (o->action != BOT_ACTION_DISCOVER && seen->discover_option) {
        snprintf(err, BOT_ERR_LEN, "--%s goes with --discover", seen->discover_option);
        return -1;
    }
    if (o->action == BOT_ACTION_DISCOVER && o->host[0] != '\0') { /* an operand was given */
        snprintf(err, BOT_ERR_LEN, "--discover looks for every server on the network: it takes no server address");
        return -1;
    }
    if (o->mode != BOT_MODE_QUICK && o->clients != 1) {
        snprintf(err, BOT_ERR_LEN, "--room and --create-room play one client: drop --clients");
        return -1;
    }
    return 0;
}

int bot_options_parse(int argc, char **argv, struct bot_options *o, char err[BOT_ERR_LEN])
{
    enum args_result r;
    struct seen seen = {.o = o};

    memset(o, 0, sizeof *o); /* host "" until an operand names one */
    snprintf(o->name, sizeof o->name, "bot");
    o->strategy.kind = STRATEGY_PERFECT;
    o->strategy.p = 1.0;
    o->games = 1;
    o->clients = 1;
    o->wait_s = 2;
    o->announce_port = DISC_PORT;
    r = args_parse(&spec, argc, argv, &seen, err, BOT_ERR_LEN);
    if (r != ARGS_RUN)
        return r == ARGS_EXIT ? BOT_OPTIONS_EXIT_OK : BOT_OPTIONS_BAD;
    if (check_action(&seen, err) < 0)
        return BOT_OPTIONS_BAD;
    if (o->host[0] == '\0')
        snprintf(o->host, sizeof o->host, "%s", BOT_DEFAULT_HOST);
    if (o->mode != BOT_MODE_QUICK)
        o->rematch = 1;
    return BOT_OPTIONS_RUN;
}
