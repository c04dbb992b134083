/* SPDX-License-Identifier: MIT */
/* computer.h: a game against the computer, on this machine, with no server,
 * no sockets and no SDL -- built on the shared rules and perfect player
 * (board.h).
 *
 * It speaks the session's language (session.h), so the app drives it with
 * the screens of a networked game: it keeps a struct session_game and
 * queues the struct session_event a session would queue for the same game
 * -- GAME_START, MOVED for each move (yours too: like the server, it
 * decides), GAME_OVER, and the computer's rematch offer (an OPPONENT event
 * with PROTO_OPP_REMATCH, right after each game). Its phase is
 * SESSION_PLAYING or SESSION_GAME_OVER. There is no clock: turn deadlines
 * are 0.
 *
 * The player is X in the first game; each rematch swaps the marks, so the
 * computer opens every other game. The computer answers a move
 * COMPUTER_THINK_MS later (computer_tick, when computer_next_deadline says),
 * so the player sees a move, not an instant. Levels: easy plays at random,
 * medium plays the perfect move half the time and at random otherwise,
 * perfect never loses (and wins whenever the player's mistakes allow). The
 * random choices come from a generator seeded by the caller: a game is the
 * same for the same seed and moves.
 */
#ifndef TTT_COMPUTER_H
#define TTT_COMPUTER_H

#include <stddef.h>
#include <stdint.h>

#include "board.h"
#include "session.h"
#include "strategy.h"

#define COMPUTER_THINK_MS 450

enum computer_level { COMPUTER_EASY = 0, COMPUTER_MEDIUM, COMPUTER_PERFECT, COMPUTER_LEVELS };

struct computer {
    uint8_t level;            /* enum computer_level */
    struct strategy_rng rng;  /* the generator (seeded by computer_start) */
    struct session_game game; /* as a session would hold it */
    struct proto_name player; /* the player's name */
    uint64_t move_at_ms;      /* when the computer moves; 0 when it does not */
    struct session_events events; /* for computer_next_event; drained after each call, never full */
};

/* The level named by s ("easy", "medium", "perfect"): 0 with *out set, or
 * -1 for another word. */
int computer_level_parse(const char *s, enum computer_level *out);

/* "easy", "medium", "perfect". */
const char *computer_level_name(enum computer_level level);

/* Start a series: the first game, the player (named player_name, "You" when
 * it is not a valid name) as X. seed: any number (the same seed, the same
 * computer). Queues GAME_START. */
void computer_start(struct computer *c, enum computer_level level, const char *player_name,
                    uint64_t seed, uint64_t now_ms);

/* The player's move in cell 0..8: 0 when played (MOVED, maybe GAME_OVER
 * queued; the computer's answer is due COMPUTER_THINK_MS later), -1 when
 * the game does not allow it (over, not the player's turn, cell taken or
 * out of range): nothing changes. */
int computer_move(struct computer *c, unsigned cell, uint64_t now_ms);

/* The player resigns the game on: 0 (GAME_OVER queued, the computer wins),
 * or -1 when no game is on. */
int computer_resign(struct computer *c, uint64_t now_ms);

/* After a game: the next one, marks swapped (GAME_START queued; the
 * computer's first move is due COMPUTER_THINK_MS later when it is X). 0, or
 * -1 while a game is on. */
int computer_rematch(struct computer *c, uint64_t now_ms);

/* Make the computer's move when it is due. */
void computer_tick(struct computer *c, uint64_t now_ms);

/* When computer_tick must run next (UINT64_MAX when nothing is due). */
uint64_t computer_next_deadline(const struct computer *c);

/* Pop the next event: 1 with *ev filled, 0 when there are none. */
int computer_next_event(struct computer *c, struct session_event *ev);

/* The game as the app shows it, its phase (SESSION_PLAYING or
 * SESSION_GAME_OVER), and whether the player is to move. */
const struct session_game *computer_game(const struct computer *c);
enum session_phase computer_phase(const struct computer *c);
int computer_my_turn(const struct computer *c);

/* A session request (session.h) carried out as a game against the computer
 * does: MOVE, RESIGN and REMATCH as computer_move, _resign and _rematch
 * (refused ones change nothing, as a session refuses them); LEAVE and CLOSE
 * end the series: 1 then (the caller stops playing the computer), else 0.
 * Other requests (a server's) are ignored. */
int computer_request(struct computer *c, const struct session_request *r, uint64_t now_ms);

/* The snapshot a session would give with each event: phase, my turn, the
 * game; no clock, no grace, no game list. */
void computer_snapshot(const struct computer *c, struct session_snapshot *out);

/* The move the computer of `level` makes on b (a game not over), drawing
 * from the generator *rng. */
unsigned computer_choose(enum computer_level level, const struct board *b, struct strategy_rng *rng);

#endif
