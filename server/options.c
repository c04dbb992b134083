/* SPDX-License-Identifier: MIT */
/* options.c: tttd's command line: the defaults, the table of options (their
 * ranges and wording; net/args.c walks argv by it) and what each one sets.
 * Nothing here opens sockets or files. */
#include "options.h"

#include <string.h>
#include <unistd.h>

#include "args.h"
#include "proto.h"
#include "text.h"

#ifndef TTT_VERSION
#define TTT_VERSION "1.0.0"
#endif

static const char usage[] =
    "usage: tttd [--bind ADDR] [--port N] [--max-clients N] [--max-per-ip N] [--turn-time S]\n"
    "            [--grace S] [--hello-timeout S] [--idle-timeout S] [--room-time S] [--public-rooms]\n"
    "            [--record FILE] [--quiet | --verbose] [--name NAME]\n"
    "            [--announce-port N | --no-announce] [--help] [--version]\n"
    "\n"
    "The ttt server: pairs players (quick match or private room), runs every game,\n"
    "relays moves to players and spectators (protocol v1, docs/PROTOCOL.md).\n"
    "\n"
    "  --bind ADDR          listen on this address, or on each address of this name\n"
    "                       (default: every address, IPv4 and IPv6, as with ::; 0.0.0.0:\n"
    "                       IPv4 only; link-local IPv6 with its zone: fe80::1%eth0)\n"
    "  --port N             TCP port, 0 lets the kernel pick (default 7777)\n"
    "  --max-clients N      open connections at most (default 10000); when full, an address\n"
    "                       with fewer connections takes the place of one of the address\n"
    "                       with the most, and at most half wait for HELLO\n"
    "  --max-per-ip N       connections of one address (IPv4, or IPv6 /64) at most\n"
    "                       (default 0: no cap, as many players may share one address)\n"
    "  --turn-time S        seconds per turn; out of time loses (default 30)\n"
    "  --grace S            seconds a disconnected player has to come back (default 20)\n"
    "  --hello-timeout S    seconds from connect to HELLO (default 5)\n"
    "  --idle-timeout S     seconds without a frame before a client is dropped (default 30)\n"
    "  --room-time S        seconds a private room waits for its joiner (default 600)\n"
    "  --public-rooms       list the games of private rooms and let anyone watch them\n"
    "  --record FILE        append every finished game to FILE as one JSON line\n"
    "  --quiet              log errors and warnings only\n"
    "  --verbose            log every frame too\n"
    "  --name NAME          the name players see in their list of servers on the network,\n"
    "                       1 to 32 bytes of UTF-8 (default: this machine's host name)\n"
    "  --announce-port N    UDP port of discovery, where tttd answers the queries of\n"
    "                       players looking for servers on the network (default 7778)\n"
    "  --no-announce        do not answer them: players must type the address\n"
    "  --help, --version    print this or the version and exit\n"
    "\n"
    "Signals: SIGINT, SIGTERM end every game and exit; SIGHUP reopens the --record file\n"
    "(after logrotate moved it); SIGUSR1 logs one line of statistics.\n";

/* The table's order is the keys' order. */
enum { O_BIND, O_PORT, O_MAX_CLIENTS, O_MAX_PER_IP, O_TURN_TIME, O_GRACE, O_HELLO_TIMEOUT,
       O_IDLE_TIMEOUT, O_ROOM_TIME, O_PUBLIC_ROOMS, O_RECORD, O_QUIET, O_VERBOSE, O_NAME,
       O_ANNOUNCE_PORT, O_NO_ANNOUNCE, O_COUNT };

static const struct args_option option_table[O_COUNT] = {
    [O_BIND] = {"bind", ARGS_TEXT, "an address", 0, 0},
    [O_PORT] = {"port", ARGS_NUMBER, "a port number", 0, 65535},
    [O_MAX_CLIENTS] = {"max-clients", ARGS_NUMBER, "a number", 1, 1000000},
    [O_MAX_PER_IP] = {"max-per-ip", ARGS_NUMBER, "a number", 0, 1000000},
    [O_TURN_TIME] = {"turn-time", ARGS_NUMBER, "a number of seconds", 1, 65535},
    [O_GRACE] = {"grace", ARGS_NUMBER, "a number of seconds", 0, 65535},
    [O_HELLO_TIMEOUT] = {"hello-timeout", ARGS_NUMBER, "a number of seconds", 1, 86400},
    [O_IDLE_TIMEOUT] = {"idle-timeout", ARGS_NUMBER, "a number of seconds", 1, 86400},
    [O_ROOM_TIME] = {"room-time", ARGS_NUMBER, "a number of seconds", 1, 86400},
    [O_PUBLIC_ROOMS] = {"public-rooms", ARGS_FLAG, NULL, 0, 0},
    [O_RECORD] = {"record", ARGS_TEXT, "a file name", 0, 0},
    [O_QUIET] = {"quiet", ARGS_FLAG, NULL, 0, 0},
    [O_VERBOSE] = {"verbose", ARGS_FLAG, NULL, 0, 0},
    [O_NAME] = {"name", ARGS_TEXT, NULL, 0, 0},
    [O_ANNOUNCE_PORT] = {"announce-port", ARGS_NUMBER, "a port number", 0, 65535},
    [O_NO_ANNOUNCE] = {"no-announce", ARGS_FLAG, NULL, 0, 0},
};

/* --bind ADDR, also as "[::1]", the way tttd prints an IPv6 address. */
static int take_bind(const struct args_item *it, struct options *o)
{
    size_t len = strlen(it->value);

    o->bind = it->value;
    if (it->value[0] == '[') {
        if (len < 3 || it->value[len - 1] != ']' || len - 2 >= sizeof o->bind_buf)
            return args_fail(it, "--bind: bad address '%s'", it->value);
        memcpy(o->bind_buf, it->value + 1, len - 2);
        o->bind_buf[len - 2] = '\0';
        o->bind = o->bind_buf;
    }
    return 0;
}

/* --quiet or --verbose; the two exclude each other. */
static int take_log_level(const struct args_item *it, struct options *o, int level)
{
    if (o->log_level != LOG_NORMAL && o->log_level != level)
        return args_fail(it, "--quiet and --verbose cannot be used together");
    o->log_level = level;
    return 0;
}

/* --name NAME: the player-name rules, up to 32 bytes. */
static int take_name(const struct args_item *it, struct options *o)
{
    if (disc_name_set(&o->name, it->value, strlen(it->value)) == DISC_OK)
        return 0;
    char shown[64];
    (void)text_printable(it->value, strlen(it->value), shown, sizeof shown);
    return args_fail(it, "--name: '%s' is not a server name (1 to 32 bytes of UTF-8; no control, "
                         "invisible or bidirectional characters; no space at either end)",
                     shown);
}

/* The name answers carry without --name: the host name, cut to fit. */
static void default_name(struct disc_name *name)
{
    char host[256];
    if (gethostname(host, sizeof host) < 0)
        host[0] = '\0';
    host[sizeof host - 1] = '\0';
    disc_name_fit(name, host, "ttt");
}

/* args_spec.take: store one option; tttd takes no operand. */
static int take(const struct args_item *it, void *ctx)
{
    struct options *o = ctx;
    unsigned long long v = it->number; /* within the table's range */

    switch (it->key) {
    case O_BIND: return take_bind(it, o);
    case O_PORT: o->port = (uint16_t)v; break;
    case O_MAX_CLIENTS: o->max_clients = (uint32_t)v; break;
    case O_MAX_PER_IP: o->max_per_ip = (uint32_t)v; break;
    case O_TURN_TIME: o->turn_s = (uint16_t)v; break;
    case O_GRACE: o->grace_s = (uint16_t)v; break;
    case O_HELLO_TIMEOUT: o->hello_timeout_s = (uint32_t)v; break;
    case O_IDLE_TIMEOUT: o->idle_timeout_s = (uint32_t)v; break;
    case O_ROOM_TIME: o->room_s = (uint32_t)v; break;
    case O_PUBLIC_ROOMS: o->public_rooms = 1; break;
    case O_RECORD: o->record = it->value; break;
    case O_QUIET: return take_log_level(it, o, LOG_QUIET);
    case O_VERBOSE: return take_log_level(it, o, LOG_VERBOSE);
    case O_NAME: return take_name(it, o);
    case O_ANNOUNCE_PORT: o->announce_port = (uint16_t)v; break;
    case O_NO_ANNOUNCE: o->announce = 0; break;
    default: /* ARGS_OPERAND */
        return args_fail(it, "unexpected argument '%s' (see tttd --help)", it->value);
    }
    return 0;
}

static const struct args_spec spec = {
    .program = "tttd", .version = TTT_VERSION, .protocol = PROTO_VERSION, .usage = usage,
    .options = option_table, .count = O_COUNT, .take = take,
};

int options_parse(int argc, char **argv, struct options *o, char *err, size_t err_len)
{
    *o = (struct options){ .bind = NULL, .port = 7777, .max_clients = 10000, .turn_s = 30,
                           .grace_s = 20, .hello_timeout_s = 5, .idle_timeout_s = 30,
                           .record = NULL, .log_level = LOG_NORMAL, .max_per_ip = 0, .room_s = 600,
                           .public_rooms = 0, .announce = 1, .announce_port = DISC_PORT };
    default_name(&o->name);
    switch (args_parse(&spec, argc, argv, o, err, err_len)) {
    case ARGS_RUN: return OPTIONS_RUN;
    case ARGS_EXIT: return OPTIONS_EXIT_OK;
    default: return OPTIONS_BAD;
    }
}
