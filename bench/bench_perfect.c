/* SPDX-License-Identifier: MIT */
/* bench_perfect.c: how long the perfect player takes to answer. Calls
 * board_best_moves over every reachable position still in play, round after
 * round, about 1e8 calls in all, and prints the mean time per call.
 *
 * Usage: bench_perfect [CALLS]   (default 100000000)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "board.h"

#define NPOS 19683

static struct board positions[NPOS];
static unsigned npositions;
static uint8_t seen[NPOS];

static void collect(const struct board *b)
{
    uint16_t idx = board_index(b);
    if (seen[idx])
        return;
    seen[idx] = 1;
    if (board_result(b).over)
        return;
    positions[npositions++] = *b;
    for (unsigned c = 0; c < BOARD_CELLS; c++) {
        struct board next;
        if (board_apply(b, c, &next) == BOARD_OK)
            collect(&next);
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    unsigned long long calls = 100000000ull;
    if (argc > 2 || (argc == 2 && (calls = strtoull(argv[1], NULL, 10)) == 0)) {
        fprintf(stderr, "usage: bench_perfect [CALLS]\n");
        return 2;
    }
    struct board empty = board_new();
    collect(&empty);
    unsigned long long rounds = (calls + npositions - 1) / npositions;

    /* The sum keeps the compiler from dropping the calls. */
    unsigned long long sum = 0;
    double start = now_s();
    for (unsigned long long r = 0; r < rounds; r++)
        for (unsigned i = 0; i < npositions; i++)
            sum += board_best_moves(&positions[i]);
    double elapsed = now_s() - start;
    unsigned long long done = rounds * npositions;

    printf("positions in play: %u\n", npositions);
    printf("calls: %llu in %.3f s (checksum %llu)\n", done, elapsed, sum);
    printf("board_best_moves: %.2f ns per move\n", elapsed * 1e9 / (double)done);
    return 0;
}
