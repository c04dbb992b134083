/* SPDX-License-Identifier: MIT */
/* strategy.c: the move choice of strategy.h (perfect / random / mixed:P)
 * and the xoshiro256** generator that drives it, seeded through splitmix64. */
#include "strategy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int strategy_parse(struct strategy *st, const char *text)
{
    if (strcmp(text, "perfect") == 0) {
        st->kind = STRATEGY_PERFECT;
        st->p = 1.0;
        return 0;
    }
    if (strcmp(text, "random") == 0) {
        st->kind = STRATEGY_RANDOM;
        st->p = 0.0;
        return 0;
    }
    if (strncmp(text, "mixed:", 6) != 0)
        return -1;
    const char *num = text + 6;
    if (!((*num >= '0' && *num <= '9') || *num == '.'))
        return -1;
    errno = 0;
    char *end;
    double p = strtod(num, &end);
    if (errno || *end || !(p >= 0.0 && p <= 1.0))
        return -1;
    st->kind = STRATEGY_MIXED;
    st->p = p;
    return 0;
}

void strategy_format(const struct strategy *st, char *out, unsigned cap)
{
    if (st->kind == STRATEGY_PERFECT)
        snprintf(out, cap, "perfect");
    else if (st->kind == STRATEGY_RANDOM)
        snprintf(out, cap, "random");
    else
        snprintf(out, cap, "mixed:%g", st->p);
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void strategy_rng_seed(struct strategy_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t strategy_rng_next(struct strategy_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint32_t strategy_rng_below(struct strategy_rng *r, uint32_t n)
{
    /* Lemire's multiply-shift with rejection of the biased low range. */
    uint64_t m = (strategy_rng_next(r) >> 32) * (uint64_t)n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t threshold = (uint32_t)(-n) % n;
        while (low < threshold) {
            m = (strategy_rng_next(r) >> 32) * (uint64_t)n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

double strategy_rng_unit(struct strategy_rng *r)
{
    return (double)(strategy_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

unsigned strategy_pick_bit(struct strategy_rng *r, uint16_t mask)
{
    unsigned count = 0;
    for (unsigned i = 0; i < BOARD_CELLS; i++)
        count += ((unsigned)mask >> i) & 1u;
    if (count == 0)
        return BOARD_NO_CELL;
    uint32_t k = strategy_rng_below(r, count);
    for (unsigned i = 0; i < BOARD_CELLS; i++) {
        if ((((unsigned)mask >> i) & 1u) && k-- == 0)
            return i;
    }
    return BOARD_NO_CELL;
}

unsigned strategy_choose(const struct strategy *st, struct strategy_rng *r, const struct board *b)
{
    int perfect = st->kind == STRATEGY_PERFECT ||
                  (st->kind == STRATEGY_MIXED && strategy_rng_unit(r) < st->p);
    return strategy_pick_bit(r, perfect ? board_best_moves(b) : board_free_mask(b));
}
