/* SPDX-License-Identifier: MIT */
/* pace.c: the client's own rate (pace.h), a token bucket of net/bucket.c. */
#include "pace.h"

static const struct bucket_rate rate = {PACE_PER_S, PACE_BURST};

void pace_init(struct pace *p, uint64_t now_ms)
{
    bucket_fill(&p->bucket, &rate, now_ms);
}

uint64_t pace_take(struct pace *p, unsigned frames, uint64_t now_ms)
{
    return bucket_take(&p->bucket, &rate, frames, now_ms);
}
