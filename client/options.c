/* SPDX-License-Identifier: MIT */
/* options.c: the ttt client's command line: the table of options (net/args.c
 * walks argv by it) and what each sets: the server address, the player name
 * (the protocol's name rules), room / spectate choices, a game against the
 * computer, the discovery port, window and font options. Nothing here opens
 * a window or a socket. */
#include "options.h"

#include <stdio.h>
#include <string.h>

#include "args.h"
#include "config.h"
#include "text.h"

#ifndef TTT_VERSION
#define TTT_VERSION "1.0.0"
#endif

static const char usage[] =
    "usage: ttt [HOST[:PORT]] [--name NAME] [--room CODE | --create-room]\n"
    "           [--spectate GAME_ID] [--announce-port N] [--fullscreen] [--font PATH]\n"
    "       ttt --computer [easy|medium|perfect] [--name NAME] [--fullscreen] [--font PATH]\n"
    "       ttt --help | --version\n"
    "\n"
    "The ttt client: play tic-tac-toe against someone on a ttt server (tttd).\n"
    "With an address it connects at once and enters quick match (or the room,\n"
    "or watches a game, when asked); without one it opens on the connect screen,\n"
    "which lists the servers on your network as they answer.\n"
    "With --computer it starts a game against the computer, no server needed.\n"
    "\n"
    "  HOST[:PORT]          the server (IPv6 in brackets: [::1]:7777; port 7777 by default)\n"
    "  --name NAME          your player name, 1 to 16 bytes of UTF-8 (default: the last\n"
    "                       name used, else your login name)\n"
    "  --room CODE          join the friend's room with this 6-character code\n"
    "  --create-room        create a private room and show its code\n"
    "  --spectate GAME_ID   watch a live game\n"
    "  --computer [LEVEL]   play the computer on this machine: easy (random moves),\n"
    "                       medium (the default: the best move half the time) or\n"
    "                       perfect (never loses); you are X first, marks swap on rematch\n"
    "  --announce-port N    the UDP port servers answer discovery on (default 7778)\n"
    "  --fullscreen         start in fullscreen (F11 toggles)\n"
    "  --font PATH          draw text with this TrueType font instead of DejaVu Sans\n"
    "  --help, --version    print this or the version and exit\n"
    "\n"
    "Keys: 1-9 (numeric keypad layout) or arrows + Enter/Space to play, R rematch,\n"
    "M sound on/off, Esc back or quit, F11 fullscreen; on the room screen Ctrl+C\n"
    "copies what to tell your friend, and Ctrl+V pastes a room code.\n";

/* The table's order is the keys' order. */
enum { O_NAME, O_ROOM, O_CREATE_ROOM, O_SPECTATE, O_COMPUTER, O_ANNOUNCE_PORT, O_FULLSCREEN, O_FONT,
       O_COUNT };

static const struct args_option option_table[O_COUNT] = {
    [O_NAME] = {"name", ARGS_TEXT, NULL, 0, 0},
    [O_ROOM] = {"room", ARGS_TEXT, NULL, 0, 0},
    [O_CREATE_ROOM] = {"create-room", ARGS_FLAG, NULL, 0, 0},
    [O_SPECTATE] = {"spectate", ARGS_NUMBER, "a game id", 1, UINT32_MAX},
    [O_COMPUTER] = {"computer", ARGS_MAYBE, NULL, 0, 0},
    [O_ANNOUNCE_PORT] = {"announce-port", ARGS_NUMBER, "a port", 1, 65535},
    [O_FULLSCREEN] = {"fullscreen", ARGS_FLAG, NULL, 0, 0},
    [O_FONT] = {"font", ARGS_TEXT, "the path of a TrueType font file", 0, 0},
};

/* What the walk over argv carries from one item to the next. */
struct walk {
    struct client_options *o;
    int after_computer;         /* the item before was a bare --computer: the next
                                   operand is its level ("--computer perfect") */
};

/* The one HOST[:PORT] operand: syntax checked here, resolved when connecting. */
static int take_addr(const struct args_item *it, struct client_options *o)
{
    if (o->addr)
        return args_fail(it, "unexpected argument '%s': one server address only (see ttt --help)",
                         it->value);
    if (args_server_address(it, CONFIG_ADDR_MAX) < 0) /* what the app keeps and remembers */
        return -1;
    o->addr = it->value;
    return 0;
}

/* --name NAME: the protocol's name rules. */
static int take_name(const struct args_item *it, struct client_options *o)
{
    char why[200];

    if (text_name_check(it->value, why, sizeof why) < 0)
        return args_fail(it, "--name: %s", why);
    o->name = it->value;
    return 0;
}

/* --computer's level, "easy", "medium" or "perfect", from --computer=LEVEL
 * or the operand after a bare --computer (a value NULL: the default). */
static int take_level(const struct args_item *it, struct client_options *o)
{
    enum computer_level l = OPTIONS_COMPUTER_DEFAULT;

    if (it->value && computer_level_parse(it->value, &l) < 0)
        return args_fail(it, "--computer: '%s' is not a level (easy, medium or perfect)", it->value);
    o->computer = (uint8_t)(1 + l);
    return 0;
}

/* args_spec.take: store one option or the operand. */
static int take(const struct args_item *it, void *ctx)
{
    struct walk *w = ctx;
    struct client_options *o = w->o;
    int after_computer = w->after_computer;

    w->after_computer = it->key == O_COMPUTER && !it->value;
    switch (it->key) {
    case ARGS_OPERAND:
        w->after_computer = 0;
        if (after_computer)
            return take_level(it, o);
        return take_addr(it, o);
    case O_NAME: return take_name(it, o);
    case O_ROOM:
        if (proto_code_from_text(it->value, o->room) < 0)
            return args_fail(it, "--room: '%s' is not a room code (6 characters from %s)", it->value,
                             PROTO_CODE_ALPHABET);
        break;
    case O_CREATE_ROOM: o->create_room = 1; break;
    case O_SPECTATE: o->spectate = (uint32_t)it->number; break;
    case O_COMPUTER: return take_level(it, o);
    case O_ANNOUNCE_PORT: o->announce_port = (uint16_t)it->number; break;
    case O_FULLSCREEN: o->fullscreen = 1; break;
    case O_FONT: o->font = it->value; break;
    }
    return 0;
}

static const struct args_spec spec = {
    .program = "ttt", .version = TTT_VERSION, .protocol = PROTO_VERSION, .usage = usage,
    .options = option_table, .count = O_COUNT, .take = take,
};

int options_parse(int argc, char **argv, struct client_options *o, char *err, size_t err_len)
{
    struct walk w = {o, 0};
    enum args_result r;
    int choices;

    memset(o, 0, sizeof *o);
    r = args_parse(&spec, argc, argv, &w, err, err_len);
    if (r != ARGS_RUN)
        return r == ARGS_EXIT ? OPTIONS_EXIT_OK : OPTIONS_BAD;
    choices = (o->room[0] != '\0') + o->create_room + (o->spectate != 0);
    if (choices > 1) {
        snprintf(err, err_len, "--room, --create-room and --spectate cannot be used together");
        return OPTIONS_BAD;
    }
    if (o->computer && (choices > 0 || o->addr)) {
        snprintf(err, err_len, "--computer plays on this machine: it takes no server address, "
                 "--room, --create-room or --spectate");
        return OPTIONS_BAD;
    }
    return OPTIONS_RUN;
}
