/* SPDX-License-Identifier: MIT */
/* server.h: tttd, one server: what it holds, and how its files stand on one
 * another. One thread, one event loop. Each file uses only those below it:
 *
 *   main.c       start and stop: options, signals, listeners, the record
 *                file, the loop, the graceful shutdown
 *   dispatch.c   the protocol's state machine: decodes each frame, routes it
 *                by the player's state, welcomes, and alone decides what a
 *                departure means for the queue, a room and a game
 *   lobby.c      the quick-match queue and the private rooms
 *   game.c       authoritative games: seats, clock, spectators
 *   player.c     a player as the lobby and games see it, and its outbox
 *   conn.c       the transport: accept, read, frames, output queue, close
 *   admit.c      who may come in when connections are scarce (fair share)
 *   source.c     per source address: connections, the budget of wrong guesses
 *   responder.c  discovery: answers the queries of players looking for
 *                servers on the network, with the live counts (what to
 *                answer is announce.c's); beside the rest, reading its
 *                counts only
 *   record.c, log.c, random.c, hash.c, list.h, options.c, announce.c: leaves
 *
 * Data flows one way: socket -> conn.c (frame reader) -> dispatch.c
 * (decoder, state machine) -> lobby.c / game.c -> player outbox -> conn.c
 * (encoder, output queue) -> socket. The transport calls up only through
 * the hooks dispatch.c gives it (struct conn_hooks: a connection opened, a
 * frame arrived, a connection is gone); nothing below calls a file above.
 */
#ifndef TTT_SERVER_H
#define TTT_SERVER_H

#include <stdint.h>

#include "conn.h"
#include "game.h"
#include "lobby.h"
#include "loop.h"
#include "options.h"
#include "sock.h"

#define SERVER_MAX_LISTEN 16    /* addresses of one --bind name */

struct record;
struct responder;

struct server {
    struct options opt;
    struct loop *loop;
    struct conn_pool conns;
    struct lobby lobby;
    struct games games;
    struct record *record;      /* NULL without --record */
    struct loop_timer record_timer; /* retries the record's failed writes */

    struct sock_listener listeners[SERVER_MAX_LISTEN]; /* fd -1 once closed */
    int nlisteners;
    uint16_t port;
    int signal_fd;
    uint8_t shutting_down;
    uint64_t started_ms;        /* loop_now_ms at the start (uptime) */
    struct loop_timer shutdown_timer;
    struct responder *responder;   /* answering discovery; NULL when not (responder.h) */
};

#endif
