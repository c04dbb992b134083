/* SPDX-License-Identifier: MIT */
/* lobby.h: how players find each other: the quick-match queue and the
 * private rooms. A pair found here starts a game (game.h). */
#ifndef TTT_LOBBY_H
#define TTT_LOBBY_H

#include <stdint.h>

#include "hash.h"
#include "list.h"
#include "loop.h"
#include "player.h"

struct games;

struct lobby {
    struct games *games;        /* where pairs start their games */
    struct loop *loop;
    uint32_t room_s;            /* a room closes after this long without a joiner */
    struct list queue;          /* quick match, oldest first (players' queue_link) */
    uint32_t nqueued;
    struct hash rooms;          /* open rooms by code */
    uint32_t nrooms;
};

/* Set up for about max_clients players; rooms wait room_s for their
 * joiner. 0, or -1 when memory ran out (lobby_free then cleans up). */
int lobby_init(struct lobby *l, struct games *games, struct loop *loop, uint32_t max_clients, uint32_t room_s);
/* Free the room hash (after every player has left the lobby). */
void lobby_free(struct lobby *l);

/* QUICK_MATCH from the lobby: QUEUED, then pair with the longest waiter if
 * there is one. */
void lobby_quick_match(struct lobby *l, struct player *p);
/* CREATE_ROOM from the lobby: a fresh code, ROOM_CREATED. When nobody has
 * joined after room_s, the room closes: its creator gets ERROR
 * NO_SUCH_ROOM (not fatal) and is back in the lobby. */
void lobby_create_room(struct lobby *l, struct player *p);
/* JOIN_ROOM from the lobby: start the room's game (a private one). 0, or
 * -1 when no room has that code (`p` got ERROR NO_SUCH_ROOM). */
int lobby_join_room(struct lobby *l, struct player *p, const char *code);
/* Take `p` out of the queue or its room (no message); it is in the lobby. */
void lobby_leave(struct lobby *l, struct player *p);

#endif
