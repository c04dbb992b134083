/* options.c: the ttt client's command line: the server address, the player
 * name (the protocol's name rules), room / spectate choices, window and font
 * options, --help and --version. Nothing here opens a window or a socket. */
#include "options.h"
#include "text.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sock.h"

#ifndef TTT_VERSION
#define TTT_VERSION "1.0.0"
#endif

const char options_usage[] =
    "usage: ttt [HOST[:PORT]] [--name NAME] [--room CODE | --create-room]\n"
    "           [--spectate GAME_ID] [--fullscreen] [--font PATH] [--help] [--version]\n"
    "\n"
    "The ttt client: play tic-tac-toe against someone on a ttt server (tttd).\n"
    "With an address it connects at once and enters quick match (or the room,\n"
    "or watches a game, when asked); without one it opens on the connect screen.\n"
    "\n"
    "  HOST[:PORT]          the server (IPv6 in brackets: [::1]:7777; port 7777 by default)\n"
    "  --name NAME          your player name, 1 to 16 bytes of UTF-8 (default: the last\n"
    "                       name used, else your login name)\n"
    "  --room CODE          join the friend's room with this 6-character code\n"
    "  --create-room        create a private room and show its code\n"
    "  --spectate GAME_ID   watch a live game\n"
    "  --fullscreen         start in fullscreen (F11 toggles)\n"
    "  --font PATH          draw text with this TrueType font instead of DejaVu Sans\n"
    "  --help, --version    print this or the version and exit\n"
    "\n"
    "Keys: 1-9 (numeric keypad layout) or arrows + Enter/Space to play, R rematch,\n"
    "Esc back or quit, F11 fullscreen.\n";

static int fail(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
    return OPTIONS_BAD;
}

/* A game id: a whole decimal number from 1 to UINT32_MAX. */
static int parse_game_id(const char *s, uint32_t *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v == 0 || v > UINT32_MAX)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* The one HOST[:PORT] operand: syntax checked here, resolved when connecting. */
static int take_addr(struct client_options *o, const char *arg, char *err, size_t err_len)
{
    if (o->addr) {
        fail(err, err_len, "unexpected argument '%s': one server address only (see ttt --help)", arg);
        return -1;
    }
    char host[512];
    uint16_t port;
    char why[SOCK_ERR_LEN];
    if (strlen(arg) > 255) {
        fail(err, err_len, "server address too long (255 bytes at most)");
        return -1;
    }
    if (sock_split_hostport(arg, host, sizeof host, &port, why) < 0) {
        fail(err, err_len, "'%s' is not a server address HOST[:PORT]: %s", arg, why);
        return -1;
    }
    o->addr = arg;
    return 0;
}

int options_parse(int argc, char **argv, struct client_options *o, char *err, size_t err_len)
{
    memset(o, 0, sizeof *o);
    enum { O_NAME = 256, O_ROOM, O_CREATE, O_SPECTATE, O_FULLSCREEN, O_FONT, O_HELP, O_VERSION };
    static const struct option longopts[] = {
        { "name", required_argument, NULL, O_NAME },
        { "room", required_argument, NULL, O_ROOM },
        { "create-room", no_argument, NULL, O_CREATE },
        { "spectate", required_argument, NULL, O_SPECTATE },
        { "fullscreen", no_argument, NULL, O_FULLSCREEN },
        { "font", required_argument, NULL, O_FONT },
        { "help", no_argument, NULL, O_HELP },
        { "version", no_argument, NULL, O_VERSION },
        { NULL, 0, NULL, 0 },
    };
    opterr = 0;
    optind = 1;
    for (;;) {
        int prev = optind;
        /* "-" first: operands come back in order as 1, so HOST may sit anywhere. */
        int ch = getopt_long(argc, argv, "-:", longopts, NULL);
        if (ch == -1)
            break;
        switch (ch) {
        case 1:
            if (take_addr(o, optarg, err, err_len) < 0)
                return OPTIONS_BAD;
            break;
        case O_NAME:
            if (!text_name_valid(optarg, strlen(optarg))) {
                char shown[64];
                text_printable(optarg, strlen(optarg), shown, sizeof shown);
                return fail(err, err_len, "--name: '%s' is not a valid name (%s)", shown,
                            TEXT_NAME_RULES);
            }
            o->name = optarg;
            break;
        case O_ROOM:
            if (proto_code_from_text(optarg, o->room) < 0)
                return fail(err, err_len, "--room: '%s' is not a room code (6 characters from %s)", optarg,
                            PROTO_CODE_ALPHABET);
            break;
        case O_CREATE:
            o->create_room = 1;
            break;
        case O_SPECTATE:
            if (parse_game_id(optarg, &o->spectate) < 0)
                return fail(err, err_len, "--spectate: '%s' is not a game id (a number from 1 to %lu)", optarg,
                            (unsigned long)UINT32_MAX);
            break;
        case O_FULLSCREEN:
            o->fullscreen = 1;
            break;
        case O_FONT:
            if (!*optarg)
                return fail(err, err_len, "--font needs the path of a TrueType font file");
            o->font = optarg;
            break;
        case O_HELP:
            fputs(options_usage, stdout);
            return OPTIONS_EXIT_OK;
        case O_VERSION:
            printf("ttt %s (protocol version %d)\n", TTT_VERSION, PROTO_VERSION);
            return OPTIONS_EXIT_OK;
        case ':':
            return fail(err, err_len, "%s needs a value (see ttt --help)", argv[prev]);
        default:
            return fail(err, err_len, "unknown option '%s' (see ttt --help)", argv[prev]);
        }
    }
    for (int i = optind; i < argc; i++) /* operands after "--" */
        if (take_addr(o, argv[i], err, err_len) < 0)
            return OPTIONS_BAD;
    int choices = (o->room[0] != '\0') + o->create_room + (o->spectate != 0);
    if (choices > 1)
        return fail(err, err_len, "--room, --create-room and --spectate cannot be used together");
    return OPTIONS_RUN;
}
