/* SPDX-License-Identifier: MIT */
/* bucket.c: the token bucket of bucket.h, kept in thousandths of a token so
 * that a rate of a few a second refills smoothly at millisecond steps. */
#include "bucket.h"

#define MILLI 1000u

void bucket_fill(struct bucket *b, const struct bucket_rate *r, uint64_t now_ms)
{
    b->milli = (uint64_t)r->burst * MILLI;
    b->last_ms = now_ms;
}

uint64_t bucket_take(struct bucket *b, const struct bucket_rate *r, uint32_t n, uint64_t now_ms)
{
    uint64_t cap = (uint64_t)r->burst * MILLI, need = (uint64_t)n * MILLI;

    if (b->milli > cap)
        b->milli = cap; /* the caller lowered the burst */
    if (now_ms > b->last_ms) {
        /* per_s tokens a second are per_s thousandths a millisecond; a gap
         * long enough to fill the bucket fills it, without overflow (and
         * without a division: this runs for every frame a client sends). */
        uint64_t add;
        if (__builtin_mul_overflow(now_ms - b->last_ms, (uint64_t)r->per_s, &add))
            add = cap;
        b->milli = add >= cap - b->milli ? cap : b->milli + add;
        b->last_ms = now_ms;
    }
    if (b->milli >= need) {
        b->milli -= need;
        return 0;
    }
    if (need > cap)
        return UINT64_MAX;
    return (need - b->milli + r->per_s - 1u) / r->per_s;
}
