/* options.c: tttd's command line: defaults, strict number parsing, --help
 * and --version. Nothing here opens sockets or files. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TTT_VERSION
#define TTT_VERSION "1.0.0"
#endif

const char options_usage[] =
    "usage: tttd [--bind ADDR] [--port N] [--max-clients N] [--max-per-ip N] [--turn-time S]\n"
    "            [--grace S] [--hello-timeout S] [--idle-timeout S] [--room-time S] [--public-rooms]\n"
    "            [--record FILE] [--quiet | --verbose] [--help] [--version]\n"
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
    "  --quiet              log errors only\n"
    "  --verbose            log every frame too\n"
    "  --help, --version    print this or the version and exit\n"
    "\n"
    "Signals: SIGINT, SIGTERM end every game and exit; SIGHUP reopens the --record file\n"
    "(after logrotate moved it); SIGUSR1 logs one line of statistics.\n";

static int fail(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
    return OPTIONS_BAD;
}

/* A whole decimal number in [lo, hi]; 0 on success. */
static int parse_num(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int options_parse(int argc, char **argv, struct options *o, char *err, size_t err_len)
{
    *o = (struct options){ .bind = NULL, .port = 7777, .max_clients = 10000, .turn_s = 30,
                           .grace_s = 20, .hello_timeout_s = 5, .idle_timeout_s = 30,
                           .record = NULL, .log_level = LOG_NORMAL, .max_per_ip = 0, .room_s = 600,
                           .public_rooms = 0 };
    enum { O_BIND = 256, O_PORT, O_MAX, O_TURN, O_GRACE, O_HELLO, O_IDLE, O_RECORD, O_QUIET,
           O_VERBOSE, O_HELP, O_VERSION, O_PER_IP, O_ROOM, O_PUBLIC };
    static const struct option longopts[] = {
        { "bind", required_argument, NULL, O_BIND },
        { "port", required_argument, NULL, O_PORT },
        { "max-clients", required_argument, NULL, O_MAX },
        { "turn-time", required_argument, NULL, O_TURN },
        { "grace", required_argument, NULL, O_GRACE },
        { "hello-timeout", required_argument, NULL, O_HELLO },
        { "idle-timeout", required_argument, NULL, O_IDLE },
        { "record", required_argument, NULL, O_RECORD },
        { "max-per-ip", required_argument, NULL, O_PER_IP },
        { "room-time", required_argument, NULL, O_ROOM },
        { "public-rooms", no_argument, NULL, O_PUBLIC },
        { "quiet", no_argument, NULL, O_QUIET },
        { "verbose", no_argument, NULL, O_VERBOSE },
        { "help", no_argument, NULL, O_HELP },
        { "version", no_argument, NULL, O_VERSION },
        { NULL, 0, NULL, 0 },
    };
    int quiet = 0, verbose = 0;
    opterr = 0;
    optind = 1;
    for (;;) {
        int prev = optind;
        int ch = getopt_long(argc, argv, ":", longopts, NULL);
        if (ch == -1)
            break;
        unsigned long v = 0;
        switch (ch) {
        case O_BIND:
            if (!*optarg)
                return fail(err, err_len, "--bind needs an address");
            o->bind = optarg;
            size_t len = strlen(optarg);
            if (optarg[0] == '[') { /* "[::1]", as the address is printed */
                if (len < 3 || optarg[len - 1] != ']' || len - 2 >= sizeof o->bind_buf)
                    return fail(err, err_len, "--bind: bad address '%s'", optarg);
                memcpy(o->bind_buf, optarg + 1, len - 2);
                o->bind_buf[len - 2] = '\0';
                o->bind = o->bind_buf;
            }
            break;
        case O_PORT:
            if (parse_num(optarg, 0, 65535, &v))
                return fail(err, err_len, "--port: '%s' is not a port number (0 to 65535)", optarg);
            o->port = (uint16_t)v;
            break;
        case O_MAX:
            if (parse_num(optarg, 1, 1000000, &v))
                return fail(err, err_len, "--max-clients: '%s' is not a number from 1 to 1000000", optarg);
            o->max_clients = (uint32_t)v;
            break;
        case O_TURN:
            if (parse_num(optarg, 1, 65535, &v))
                return fail(err, err_len, "--turn-time: '%s' is not a number of seconds from 1 to 65535", optarg);
            o->turn_s = (uint16_t)v;
            break;
        case O_GRACE:
            if (parse_num(optarg, 0, 65535, &v))
                return fail(err, err_len, "--grace: '%s' is not a number of seconds from 0 to 65535", optarg);
            o->grace_s = (uint16_t)v;
            break;
        case O_HELLO:
            if (parse_num(optarg, 1, 86400, &v))
                return fail(err, err_len, "--hello-timeout: '%s' is not a number of seconds from 1 to 86400", optarg);
            o->hello_timeout_s = (uint32_t)v;
            break;
        case O_IDLE:
            if (parse_num(optarg, 1, 86400, &v))
                return fail(err, err_len, "--idle-timeout: '%s' is not a number of seconds from 1 to 86400", optarg);
            o->idle_timeout_s = (uint32_t)v;
            break;
        case O_RECORD:
            if (!*optarg)
                return fail(err, err_len, "--record needs a file name");
            o->record = optarg;
            break;
        case O_PER_IP:
            if (parse_num(optarg, 0, 1000000, &v))
                return fail(err, err_len, "--max-per-ip: '%s' is not a number from 0 to 1000000", optarg);
            o->max_per_ip = (uint32_t)v;
            break;
        case O_ROOM:
            if (parse_num(optarg, 1, 86400, &v))
                return fail(err, err_len, "--room-time: '%s' is not a number of seconds from 1 to 86400", optarg);
            o->room_s = (uint32_t)v;
            break;
        case O_PUBLIC: o->public_rooms = 1; break;
        case O_QUIET: quiet = 1; break;
        case O_VERBOSE: verbose = 1; break;
        case O_HELP:
            fputs(options_usage, stdout);
            return OPTIONS_EXIT_OK;
        case O_VERSION:
            printf("tttd %s (protocol version 1)\n", TTT_VERSION);
            return OPTIONS_EXIT_OK;
        case ':':
            return fail(err, err_len, "%s needs a value (see tttd --help)", argv[prev]);
        default:
            return fail(err, err_len, "unknown option '%s' (see tttd --help)", argv[prev]);
        }
    }
    if (optind < argc)
        return fail(err, err_len, "unexpected argument '%s' (see tttd --help)", argv[optind]);
    if (quiet && verbose)
        return fail(err, err_len, "--quiet and --verbose cannot be used together");
    o->log_level = quiet ? LOG_QUIET : verbose ? LOG_VERBOSE : LOG_NORMAL;
    return OPTIONS_RUN;
}
