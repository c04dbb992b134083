/* options.c: the ttt client's command line: the table of options (net/args.c
 * walks argv by it) and what each sets: the server address, the player name
 * (the protocol's name rules), room / spectate choices, window and font
 * options. Nothing here opens a window or a socket. */
#include "options.h"

#include <stdio.h>
#include <string.h>

#include "args.h"
#include "text.h"

#ifndef TTT_VERSION
#define TTT_VERSION "1.0.0"
#endif

static const char usage[] =
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

/* The table's order is the keys' order. */
enum { O_NAME, O_ROOM, O_CREATE_ROOM, O_SPECTATE, O_FULLSCREEN, O_FONT, O_COUNT };

static const struct args_option option_table[O_COUNT] = {
    [O_NAME] = {"name", ARGS_TEXT, NULL, 0, 0},
    [O_ROOM] = {"room", ARGS_TEXT, NULL, 0, 0},
    [O_CREATE_ROOM] = {"create-room", ARGS_FLAG, NULL, 0, 0},
    [O_SPECTATE] = {"spectate", ARGS_NUMBER, "a game id", 1, UINT32_MAX},
    [O_FULLSCREEN] = {"fullscreen", ARGS_FLAG, NULL, 0, 0},
    [O_FONT] = {"font", ARGS_TEXT, "the path of a TrueType font file", 0, 0},
};

/* The one HOST[:PORT] operand: syntax checked here, resolved when connecting. */
static int take_addr(const struct args_item *it, struct client_options *o)
{
    if (o->addr)
        return args_fail(it, "unexpected argument '%s': one server address only (see ttt --help)",
                         it->value);
    if (args_server_address(it, 255) < 0)
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

/* args_spec.take: store one option or the operand. */
static int take(const struct args_item *it, void *ctx)
{
    struct client_options *o = ctx;

    switch (it->key) {
    case ARGS_OPERAND: return take_addr(it, o);
    case O_NAME: return take_name(it, o);
    case O_ROOM:
        if (proto_code_from_text(it->value, o->room) < 0)
            return args_fail(it, "--room: '%s' is not a room code (6 characters from %s)", it->value,
                             PROTO_CODE_ALPHABET);
        break;
    case O_CREATE_ROOM: o->create_room = 1; break;
    case O_SPECTATE: o->spectate = (uint32_t)it->number; break;
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
    enum args_result r;

    memset(o, 0, sizeof *o);
    r = args_parse(&spec, argc, argv, o, err, err_len);
    if (r != ARGS_RUN)
        return r == ARGS_EXIT ? OPTIONS_EXIT_OK : OPTIONS_BAD;
    if ((o->room[0] != '\0') + o->create_room + (o->spectate != 0) > 1) {
        snprintf(err, err_len, "--room, --create-room and --spectate cannot be used together");
        return OPTIONS_BAD;
    }
    return OPTIONS_RUN;
}
