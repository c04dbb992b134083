/* SPDX-License-Identifier: MIT */
/* stall.c: bench_stall, how often this machine takes the CPU away from a
 * process that wants it. It reads CLOCK_MONOTONIC in a tight loop for a
 * while; a gap between two reads means the thread did not run for that long
 * (the hypervisor ran something else on this virtual CPU, or the kernel
 * handled an interrupt or ran another task). No request in flight during
 * such a gap can be answered sooner, so the gaps are a floor under the
 * latency tail: when the stalls of 1 ms and more add up to more than about
 * 1% of the time on the two cores together, no server here can show a p99
 * under 1 ms. bench/run runs one copy pinned to each core, both at once.
 *
 * Usage: bench_stall [SECONDS]   (default 10; prints one line, and with
 * --json one JSON object after it)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define US 1000u
#define MS 1000000u

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    unsigned long seconds = 10;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if ((seconds = strtoul(argv[i], &end, 10)) == 0 || *end || seconds > 3600) {
            fprintf(stderr, "usage: bench_stall [SECONDS] [--json]   (1 to 3600 seconds)\n");
            return 2;
        }
    }
    /* Gaps of at least 100 us and of at least 1 ms: how many, how long in all. */
    uint64_t n100 = 0, n1ms = 0, ns100 = 0, ns1ms = 0, longest = 0;
    uint64_t start = now_ns(), end = start + (uint64_t)seconds * 1000000000u, prev = start;
    for (;;) {
        uint64_t t = now_ns(), gap = t - prev;
        prev = t;
        if (gap >= 100u * US) {
            n100++;
            ns100 += gap;
            if (gap >= MS) {
                n1ms++;
                ns1ms += gap;
            }
            if (gap > longest)
                longest = gap;
        }
        if (t >= end)
            break;
    }
    double total = (double)(prev - start);
    printf("%lu s: %llu stalls of 1 ms or more, %.1f ms in all (%.3f%% of the time), the longest "
           "%.2f ms; %llu of 100 us or more, %.1f ms in all (%.3f%%)\n", seconds,
           (unsigned long long)n1ms, (double)ns1ms / MS, 100.0 * (double)ns1ms / total,
           (double)longest / MS, (unsigned long long)n100, (double)ns100 / MS,
           100.0 * (double)ns100 / total);
    if (json)
        printf("{\"seconds\":%lu,\"stalls_1ms\":%llu,\"stalled_1ms_pct\":%.4f,\"longest_ms\":%.3f,"
               "\"stalls_100us\":%llu,\"stalled_100us_pct\":%.4f}\n", seconds,
               (unsigned long long)n1ms, 100.0 * (double)ns1ms / total, (double)longest / MS,
               (unsigned long long)n100, 100.0 * (double)ns100 / total);
    return fflush(stdout) == 0 ? 0 : 1;
}
