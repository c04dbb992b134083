/* SPDX-License-Identifier: MIT */
/* stats.h: what a run of ttt-bot counted -- games by result and reason,
 * moves, illegal moves, reconnects -- the move round-trip latency histograms
 * with their percentiles, and the summary as text and as one JSON line. */
#ifndef TTT_BOT_STATS_H
#define TTT_BOT_STATS_H

#include <stdint.h>
#include <stdio.h>

/* Log-linear buckets: values below 2^SUB_BITS+1 exactly, then 2^SUB_BITS
 * buckets per power of two (under 1% error) up to 2^40 us. */
#define STATS_SUB_BITS 7
#define STATS_BUCKETS ((40 - STATS_SUB_BITS) * (1u << STATS_SUB_BITS) + (2u << STATS_SUB_BITS))

#define STATS_REASONS 7   /* index = protocol reason 1..6 */

/* A latency histogram. */
struct stats_hist {
    uint64_t count;
    uint64_t max_us;
    uint64_t sum_us;
    uint64_t bucket[STATS_BUCKETS];
};

struct stats {
    uint64_t games;
    uint64_t wins, losses, draws, aborted;
    uint64_t wins_by[STATS_REASONS], losses_by[STATS_REASONS];
    uint64_t moves;             /* own moves the server confirmed */
    uint64_t illegal_moves;     /* NOT_YOUR_TURN, CELL_TAKEN, STALE_PLY answers */
    uint64_t reconnects;        /* connections lost mid-game and retried */
    uint64_t resumed;           /* ... and resumed */
    uint64_t rate_waits;        /* times a client waited to stay under the rate limit */
    uint64_t playing;           /* clients seated in a live game now */
    uint64_t peak_playing;      /* the most at once */
    struct stats_hist lat;      /* every move's round trip */
    /* ... of the moves sent while every client of the run was connected and
     * none had finished or failed: the run at its full load, without the
     * connecting at the start and the closing at the end. */
    struct stats_hist lat_steady;
};

/* What the summary says about the run besides the counts. */
struct stats_run {
    const char *host;
    const char *strategy;       /* "perfect", "mixed:0.5", ... */
    uint32_t clients;
    uint32_t games_per_client;
    uint32_t think_ms;
    uint64_t seed;
    double seconds;             /* wall time of the run */
    const char *failure;        /* NULL, or why the run failed */
};

void stats_init(struct stats *st);

/* Count one finished game from this client's side. me: its mark (1 X, 2 O);
 * winner 0/1/2; reason 1..6 (protocol values). */
void stats_game(struct stats *st, uint8_t me, uint8_t winner, uint8_t reason);

/* A client sat down at a live game (start) or its game ended (end). */
void stats_playing(struct stats *st, int start);

/* One move's round trip (MOVE sent until its MOVED arrived), in us; steady:
 * it was sent while every client was in (see lat_steady). */
void stats_latency(struct stats *st, uint64_t us, int steady);

/* The latency below which fraction q (0..1) of h's samples fall (the upper
 * edge of that sample's bucket, at most the maximum). 0 with no samples. */
uint64_t stats_percentile(const struct stats_hist *h, double q);

/* The histogram bucket of a value, and the largest value in a bucket
 * (exported for tests). */
unsigned stats_bucket(uint64_t us);
uint64_t stats_bucket_high(unsigned bucket);

/* The summary for people, several lines. */
void stats_print_text(const struct stats *st, const struct stats_run *run, FILE *out);

/* The summary as one JSON object on one line (with the newline). */
void stats_print_json(const struct stats *st, const struct stats_run *run, FILE *out);

#endif
