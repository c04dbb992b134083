/* SPDX-License-Identifier: MIT */
/* strategy.h: how a player the program plays picks its move -- perfect,
 * uniform random, or a mix -- with a small seeded PRNG so that a run can be
 * replayed: ttt-bot's clients and ttt's computer opponent. */
#ifndef TTT_STRATEGY_H
#define TTT_STRATEGY_H

#include <stdint.h>

#include "board.h"

enum strategy_kind { STRATEGY_PERFECT = 0, STRATEGY_RANDOM, STRATEGY_MIXED };

struct strategy {
    enum strategy_kind kind;
    double p;   /* STRATEGY_MIXED: probability of a perfect move, 0..1 */
};

/* xoshiro256** state. */
struct strategy_rng {
    uint64_t s[4];
};

/* Parse "perfect", "random" or "mixed:P" (P a decimal in [0, 1]).
 * 0, or -1 when the text is none of those. */
int strategy_parse(struct strategy *st, const char *text);

/* Write the canonical text of a strategy ("mixed:0.25"). */
void strategy_format(const struct strategy *st, char *out, unsigned cap);

/* Seed a generator from (seed, stream): distinct streams give independent
 * sequences from one seed. */
void strategy_rng_seed(struct strategy_rng *r, uint64_t seed, uint64_t stream);

/* The next 64 random bits. */
uint64_t strategy_rng_next(struct strategy_rng *r);

/* A uniform integer in [0, n), n >= 1 (no modulo bias). */
uint32_t strategy_rng_below(struct strategy_rng *r, uint32_t n);

/* A uniform double in [0, 1). */
double strategy_rng_unit(struct strategy_rng *r);

/* A uniformly chosen set bit of a non-zero 9-bit cell mask. */
unsigned strategy_pick_bit(struct strategy_rng *r, uint16_t mask);

/* The cell to play on board b (the side to move is the bot's), or
 * BOARD_NO_CELL when the game is over. perfect: uniform among
 * board_best_moves; random: uniform among the free cells; mixed: perfect
 * with probability p, else random. */
unsigned strategy_choose(const struct strategy *st, struct strategy_rng *r, const struct board *b);

#endif
