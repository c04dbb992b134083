/* SPDX-License-Identifier: MIT */
/* options.h: the ttt client's command line, parsed and validated into a plain
 * struct before any window opens. Nothing here touches SDL or the network. */
#ifndef TTT_CLIENT_OPTIONS_H
#define TTT_CLIENT_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "computer.h"
#include "proto.h"

#define OPTIONS_COMPUTER_DEFAULT COMPUTER_MEDIUM /* --computer without a level */

struct client_options {
    const char *addr;           /* "HOST[:PORT]", NULL: open on the connect screen */
    const char *name;           /* a valid player name (proto_name_valid), NULL: not given */
    char room[PROTO_CODE_LEN + 1]; /* upper-cased room code, "" when none */
    uint8_t create_room;
    uint32_t spectate;          /* game id to watch, 0: none */
    uint8_t fullscreen;
    const char *font;           /* a TTF file overriding font discovery, NULL: none */
    uint8_t computer;           /* --computer: 1 + enum computer_level; 0: not asked */
    uint16_t announce_port;     /* --announce-port: the discovery port; 0: DISC_PORT */
};

enum options_result { OPTIONS_RUN = 0, OPTIONS_EXIT_OK = 1, OPTIONS_BAD = 2 };

/* Parse argv into *o (cleared first). OPTIONS_RUN to go on; OPTIONS_EXIT_OK
 * after printing --help or --version on stdout; OPTIONS_BAD with a one-line
 * reason in err (the caller prints it on stderr and exits 2). The pointers
 * in *o point into argv. */
int options_parse(int argc, char **argv, struct client_options *o, char *err, size_t err_len);

#endif
