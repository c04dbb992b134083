/* SPDX-License-Identifier: MIT */
/* bucket.h: a token bucket on a millisecond clock -- a rate limit that lets
 * `burst` things through at once and `per_s` a second after that. Pure: the
 * caller passes the time (loop_now_ms), so tests need no clock. Used for
 * the server's frame limit on each connection (server/conn.c), the
 * discovery answers' limits (server/announce.c) and ttt-bot's own pace
 * under that frame limit (bot/pace.c). */
#ifndef TTT_BUCKET_H
#define TTT_BUCKET_H

#include <stdint.h>

/* A limit: `per_s` tokens a second (>= 1), at most `burst` held (>= 1). */
struct bucket_rate {
    uint32_t per_s;
    uint32_t burst;
};

/* One bucket's level; the rate is the caller's, passed to each call. */
struct bucket {
    uint64_t milli;    /* tokens held, in thousandths */
    uint64_t last_ms;  /* when they were last topped up */
};

/* A full bucket at now_ms. */
void bucket_fill(struct bucket *b, const struct bucket_rate *r, uint64_t now_ms);

/* Take `n` tokens at now_ms: 0 when taken; else nothing is taken and the
 * result is the milliseconds until n tokens are there (UINT64_MAX when n is
 * more than the burst: never). A clock that goes back is taken as standing
 * still. */
uint64_t bucket_take(struct bucket *b, const struct bucket_rate *r, uint32_t n, uint64_t now_ms);

#endif
