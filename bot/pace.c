/* SPDX-License-Identifier: MIT */
/* pace.c: the client-side token bucket of pace.h. */
#include "pace.h"

#define MILLI 1000u

void pace_init(struct pace *p, uint64_t now_ms)
{
    p->milli = (uint64_t)PACE_BURST * MILLI;
    p->last_ms = now_ms;
}

uint64_t pace_take(struct pace *p, unsigned frames, uint64_t now_ms)
{
    if (now_ms > p->last_ms) {
        /* PACE_PER_S frames a second = PACE_PER_S thousandths a ms. */
        uint64_t add = (now_ms - p->last_ms) * PACE_PER_S;
        uint64_t cap = (uint64_t)PACE_BURST * MILLI;
        p->milli = add >= cap || p->milli + add > cap ? cap : p->milli + add;
        p->last_ms = now_ms;
    }
    uint64_t need = (uint64_t)frames * MILLI;
    if (p->milli >= need) {
        p->milli -= need;
        return 0;
    }
    return (need - p->milli + PACE_PER_S - 1u) / PACE_PER_S;
}
