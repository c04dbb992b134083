/* SPDX-License-Identifier: MIT */
/* game.h: authoritative games: every live game, its seats, clock and
 * spectators, found by id (SPECTATE) and by seat token (RESUME). Players are
 * reached through their outbox (player.h) only. */
#ifndef TTT_GAME_H
#define TTT_GAME_H

#include <stdint.h>

#include "hash.h"
#include "list.h"
#include "loop.h"
#include "options.h"
#include "player.h"

struct record;

/* Every game, and what they share. */
struct games {
    struct loop *loop;
    struct record *record;      /* finished games go here; NULL: none */
    uint16_t turn_s, grace_s;
    uint8_t public_rooms;       /* rooms' games are listed and may be watched */
    uint8_t closing;            /* shutting down: no more OPPONENT news */
    struct list listed;         /* live games that LIST_GAMES shows, newest first */
    struct list unlisted;       /* the other live games (private rooms') */
    uint32_t nlive;
    uint64_t finished;          /* games ended since the start */
    uint32_t next_id;
    struct hash by_id;          /* live games */
    struct hash by_token;       /* live games' seats */
};

/* Set up for about o->max_clients players (the hashes' buckets), with the
 * clock, grace and --public-rooms of `o`. 0, or -1 when memory ran out
 * (games_free then cleans up). */
int games_init(struct games *gs, struct loop *loop, const struct options *o, struct record *record);
/* Free the hashes (after game_abort_all and every player's leaving). */
void games_free(struct games *gs);

/* Start a game between x and o (both in the lobby, out of queue and room):
 * GAME_START + STATE to both, clock running, both PLAYING. A game of a
 * private room (`from_room`) is not listed, nor may it be watched, unless
 * --public-rooms. Returns 0, or -1 when memory ran out (both then get a
 * fatal ERROR). */
int game_start(struct games *gs, struct player *x, struct player *o, int from_room);
/* MOVE from a player of a live game (checked in the contract's order). */
void game_move(struct player *p, uint8_t ply, uint8_t cell);
/* RESIGN from a player of a live game. */
void game_resign(struct player *p);
/* REMATCH from a player at a finished game. When both have offered, the
 * new game starts, and the old one's spectators who are still following
 * it (see game_leave) watch the new one. */
void game_rematch(struct player *p);
/* SPECTATE from the lobby: watch a live game, or NO_SUCH_GAME (also for a
 * private room's game without --public-rooms). */
void game_spectate(struct games *gs, struct player *p, uint32_t game_id);
/* RESUME from the lobby: take a seat back. 0, or -1 when no seat in a live
 * game has that token (`p` got ERROR BAD_TOKEN). */
int game_resume(struct games *gs, struct player *p, const uint8_t token[PROTO_TOKEN_LEN]);
/* LIST_GAMES: the newest live games (a private room's not, without
 * --public-rooms). */
void game_list(struct games *gs, struct player *p);
/* `p` leaves its game (playing: resigns first; finished: the other gets
 * OPPONENT left; spectating: just goes). With `lost` a live seat waits for
 * RESUME instead. A spectator is back in the lobby at GAME_OVER but still
 * follows the game (p->game stays set) until it leaves it here, or the game
 * is gone, or a rematch takes it along. `p` is then in the lobby, its game
 * NULL. */
void game_leave(struct player *p, int lost);
/* End every live game with reason "aborted" (shutdown); from now on no
 * OPPONENT news is sent. */
void game_abort_all(struct games *gs);

#endif
