/* SPDX-License-Identifier: MIT */
/* player.h: a client as the lobby and the games see it: its name and RESUME
 * token, where it is in the protocol's state machine, its game or room, and
 * its outbox (player_send, player_error). How its bytes travel is the
 * transport's business (conn.h), reached only through the outbox. */
#ifndef TTT_PLAYER_H
#define TTT_PLAYER_H

#include <stdint.h>

#include "list.h"
#include "proto.h"

struct conn;
struct game;
struct room;

/* Where a player is in the protocol's state machine (docs/PROTOCOL.md,
 * "Connection states"). */
enum player_state {
    PLAYER_HELLO = 0,       /* accepted, waiting for HELLO */
    PLAYER_LOBBY,           /* welcomed, nothing joined */
    PLAYER_QUEUED,          /* in the quick-match queue */
    PLAYER_ROOM,            /* created a room, waiting for a joiner */
    PLAYER_PLAYING,         /* seated in a live game */
    PLAYER_SPECTATING,      /* watching a live game */
    PLAYER_FINISHED,        /* seated at a finished game (rematch possible) */
    PLAYER_STATES
};

struct player {
    struct conn *conn;          /* its transport: for the outbox only */
    uint8_t state;              /* enum player_state */
    uint8_t seat;               /* 0 X, 1 O (PLAYING, FINISHED) */
    struct proto_name name;
    uint8_t token[PROTO_TOKEN_LEN];
    struct game *game;          /* PLAYING, FINISHED, SPECTATING */
    struct room *room;          /* ROOM */
    struct list queue_link;     /* on the quick-match queue (QUEUED) */
    struct list watch_link;     /* on its game's spectators (SPECTATING) */
};

/* Send `m` to `p` (encoded and queued by the transport; a no-op once its
 * connection is failing or gone). */
void player_send(struct player *p, const struct proto_msg *m);

/* Send ERROR `code` with `text` to `p`. A fatal code (proto_error_fatal)
 * also ends its connection: the caller has taken `p` out of the queue, its
 * room and its game first (dispatch.c's departures do). */
void player_error(struct player *p, uint8_t code, const char *text);

/* 1 while `p` can be reached: its connection is neither failing nor gone
 * (a send may have found it broken). */
int player_reachable(const struct player *p);

/* Its connection's number, for logs ("#12"). */
unsigned long long player_id(const struct player *p);

#endif
