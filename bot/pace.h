/* SPDX-License-Identifier: MIT */
/* pace.h: a client's own token bucket, so that it never sends faster than
 * the server allows (PROTOCOL.md, flow control: 50 frames a second after a
 * burst of 100, else ERROR SLOW_DOWN). A little stricter than the server's,
 * so that timing jitter between the two clocks cannot trip it. */
#ifndef TTT_BOT_PACE_H
#define TTT_BOT_PACE_H

#include <stdint.h>

#include "bucket.h"

#define PACE_PER_S 45u   /* frames a second, sustained */
#define PACE_BURST 90u   /* frames at once after a quiet spell */

struct pace {
    struct bucket bucket;
};

/* A full bucket at now_ms. */
void pace_init(struct pace *p, uint64_t now_ms);

/* Take `frames` tokens at now_ms: 0 when taken, else the milliseconds to
 * wait before they will be there (nothing is taken then; UINT64_MAX when
 * frames is over PACE_BURST: never). */
uint64_t pace_take(struct pace *p, unsigned frames, uint64_t now_ms);

#endif
