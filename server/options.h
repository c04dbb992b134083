/* SPDX-License-Identifier: MIT */
/* options.h: tttd's command line, parsed into a plain struct. */
#ifndef TTT_OPTIONS_H
#define TTT_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "discovery.h"

enum log_level { LOG_QUIET = 0, LOG_NORMAL = 1, LOG_VERBOSE = 2 };

struct options {
    const char *bind;           /* NULL: every address, IPv4 and IPv6; else an address or a
                                 * name (each of its addresses); never bracketed */
    char bind_buf[256];         /* --bind "[v6]" without its brackets */
    uint16_t port;              /* 0: the kernel picks */
    uint32_t max_clients;
    uint16_t turn_s;
    uint16_t grace_s;
    uint32_t hello_timeout_s;
    uint32_t idle_timeout_s;
    const char *record;         /* NULL: no record file */
    int log_level;              /* enum log_level */
    uint32_t max_per_ip;        /* connections of one source address at most; 0: no cap */
    uint32_t room_s;            /* a room closes after this long without a joiner */
    int public_rooms;           /* rooms' games are listed and may be watched */
    int announce;               /* answer discovery queries (--no-announce: 0) */
    uint16_t announce_port;     /* their UDP port; 0: the kernel picks */
    struct disc_name name;      /* what the answers call this server: --name, else the host name */
};

enum options_result { OPTIONS_RUN = 0, OPTIONS_EXIT_OK = 1, OPTIONS_BAD = 2 };

/* Parse argv into *o (defaults first). OPTIONS_RUN to go on; OPTIONS_EXIT_OK
 * after printing --help or --version on stdout; OPTIONS_BAD with a one-line
 * reason in err (the caller prints it and exits 2). */
int options_parse(int argc, char **argv, struct options *o, char *err, size_t err_len);

#endif
