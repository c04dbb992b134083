/* SPDX-License-Identifier: MIT */
/* stats.c: the run's counters, the log-linear latency histogram and its
 * percentiles, and the summary printed as text and as JSON. */
#include "stats.h"
#include "text.h"

#include <string.h>

#define SUB (1u << STATS_SUB_BITS)
#define VALUE_LIMIT (1ull << 40)

static const char *const reason_names[STATS_REASONS] = {
    "?", "line", "full", "resign", "timeout", "forfeit", "aborted"
};

void stats_init(struct stats *st)
{
    memset(st, 0, sizeof *st);
}

void stats_game(struct stats *st, uint8_t me, uint8_t winner, uint8_t reason)
{
    unsigned r = reason < STATS_REASONS ? reason : 0;
    st->games++;
    if (winner == 0) {
        if (reason == 6)
            st->aborted++;
        else
            st->draws++;
    } else if (winner == me) {
        st->wins++;
        st->wins_by[r]++;
    } else {
        st->losses++;
        st->losses_by[r]++;
    }
}

void stats_playing(struct stats *st, int start)
{
    if (start) {
        if (++st->playing > st->peak_playing)
            st->peak_playing = st->playing;
    } else if (st->playing > 0) {
        st->playing--;
    }
}

static unsigned floor_log2(uint64_t v)
{
    unsigned e = 0;
    while (v >>= 1)
        e++;
    return e;
}

unsigned stats_bucket(uint64_t us)
{
    if (us >= VALUE_LIMIT)
        us = VALUE_LIMIT - 1;
    if (us < 2u * SUB)
        return (unsigned)us;
    unsigned e = floor_log2(us);
    unsigned sub = (unsigned)(us >> (e - STATS_SUB_BITS)) - SUB;
    return 2u * SUB + (e - STATS_SUB_BITS - 1u) * SUB + sub;
}

uint64_t stats_bucket_high(unsigned bucket)
{
    if (bucket < 2u * SUB)
        return bucket;
    unsigned e = STATS_SUB_BITS + 1u + (bucket - 2u * SUB) / SUB;
    unsigned sub = (bucket - 2u * SUB) % SUB;
    uint64_t width = 1ull << (e - STATS_SUB_BITS);
    return (uint64_t)(SUB + sub) * width + width - 1u;
}

static void hist_add(struct stats_hist *h, uint64_t us)
{
    h->bucket[stats_bucket(us)]++;
    h->count++;
    h->sum_us += us;
    if (us > h->max_us)
        h->max_us = us;
}

void stats_latency(struct stats *st, uint64_t us, int steady)
{
    hist_add(&st->lat, us);
    if (steady)
        hist_add(&st->lat_steady, us);
}

uint64_t stats_percentile(const struct stats_hist *h, double q)
{
    if (h->count == 0)
        return 0;
    double want = q * (double)h->count;
    uint64_t rank = (uint64_t)want;
    if ((double)rank < want)
        rank++;
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (unsigned b = 0; b < STATS_BUCKETS; b++) {
        seen += h->bucket[b];
        if (seen >= rank) {
            uint64_t high = stats_bucket_high(b);
            return high < h->max_us ? high : h->max_us;
        }
    }
    return h->max_us;
}

static double per_second(uint64_t n, double seconds)
{
    return seconds > 0 ? (double)n / seconds : 0.0;
}

/* "line 3, resign 1" for the reasons with a count, or "-". */
static void by_reason_text(const uint64_t by[STATS_REASONS], char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (unsigned r = 1; r < STATS_REASONS && n < cap; r++) {
        if (by[r] == 0)
            continue;
        int w = snprintf(out + n, cap - n, "%s%s %llu", n ? ", " : "", reason_names[r],
                         (unsigned long long)by[r]);
        if (w < 0)
            break;
        n += (size_t)w;
    }
    if (n == 0)
        snprintf(out, cap, "-");
}

/* "LABEL p50 .. us, p90 .. us, p99 .. us, max .. us (N moves NOTE)" */
static void text_hist(FILE *out, const char *label, const struct stats_hist *h, const char *note)
{
    fprintf(out, "%s p50 %llu us, p90 %llu us, p99 %llu us, max %llu us (%llu move%s%s)\n", label,
            (unsigned long long)stats_percentile(h, 0.50),
            (unsigned long long)stats_percentile(h, 0.90),
            (unsigned long long)stats_percentile(h, 0.99), (unsigned long long)h->max_us,
            (unsigned long long)h->count, h->count == 1 ? "" : "s", note);
}

void stats_print_text(const struct stats *st, const struct stats_run *run, FILE *out)
{
    char wins[160], losses[160];
    by_reason_text(st->wins_by, wins, sizeof wins);
    by_reason_text(st->losses_by, losses, sizeof losses);
    fprintf(out, "ttt-bot: %llu game%s against %s in %.3f s (%.1f games/s), %u client%s, "
            "strategy %s, seed %llu%s\n",
            (unsigned long long)st->games, st->games == 1 ? "" : "s", run->host, run->seconds,
            per_second(st->games, run->seconds), (unsigned)run->clients,
            run->clients == 1 ? "" : "s", run->strategy, (unsigned long long)run->seed,
            run->failure ? " (FAILED)" : "");
    fprintf(out, "  wins:    %llu (%s)\n", (unsigned long long)st->wins, wins);
    fprintf(out, "  losses:  %llu (%s)\n", (unsigned long long)st->losses, losses);
    fprintf(out, "  draws:   %llu\n", (unsigned long long)st->draws);
    if (st->aborted)
        fprintf(out, "  aborted: %llu (the server shut down)\n", (unsigned long long)st->aborted);
    if (st->rate_waits)
        fprintf(out, "  waited %llu times to stay under the server's rate limit (45 frames/s "
                "per client)\n", (unsigned long long)st->rate_waits);
    if (run->clients > 1)
        fprintf(out, "  clients in a live game at once: at most %llu\n",
                (unsigned long long)st->peak_playing);
    fprintf(out, "  moves:   %llu (%.1f moves/s), illegal moves sent: %llu, reconnects: %llu "
            "(resumed %llu)\n",
            (unsigned long long)st->moves, per_second(st->moves, run->seconds),
            (unsigned long long)st->illegal_moves, (unsigned long long)st->reconnects,
            (unsigned long long)st->resumed);
    if (st->lat.count)
        text_hist(out, "  move round trip:", &st->lat, run->think_ms ? ", after the think pause" : "");
    if (run->clients > 1 && st->lat.count) {
        char label[64];
        snprintf(label, sizeof label, "    with all %u clients in:", (unsigned)run->clients);
        if (st->lat_steady.count)
            text_hist(out, label, &st->lat_steady, "");
        else
            fprintf(out, "%s no moves (the first ended before the last connected)\n", label);
    }
    if (run->failure)
        fprintf(out, "  failed:  %s\n", run->failure);
}

/* A JSON string: the caller's text escaped (it is ours, but a server's
 * message may be in it). */
static void json_string(const char *s, FILE *out)
{
    char buf[1024];
    if (text_json_escape(s, strlen(s), buf, sizeof buf) == (size_t)-1)
        fprintf(out, "\"%s...\"", buf); /* cut: still valid JSON, escapes stay whole */
    else
        fprintf(out, "\"%s\"", buf);
}

static void json_reasons(const char *key, const uint64_t by[STATS_REASONS], FILE *out)
{
    fprintf(out, ",\"%s\":{", key);
    for (unsigned r = 1; r < STATS_REASONS; r++) {
        if (r == 2 || r == 6)
            continue; /* full and aborted have no winner */
        fprintf(out, "%s\"%s\":%llu", r == 1 ? "" : ",", reason_names[r],
                (unsigned long long)by[r]);
    }
    fputc('}', out);
}

static void json_hist(const char *key, const struct stats_hist *h, FILE *out)
{
    fprintf(out, ",\"%s\":{\"p50\":%llu,\"p90\":%llu,\"p99\":%llu,\"max\":%llu,\"count\":%llu}",
            key, (unsigned long long)stats_percentile(h, 0.50),
            (unsigned long long)stats_percentile(h, 0.90),
            (unsigned long long)stats_percentile(h, 0.99), (unsigned long long)h->max_us,
            (unsigned long long)h->count);
}

void stats_print_json(const struct stats *st, const struct stats_run *run, FILE *out)
{
    fprintf(out, "{\"ok\":%s,\"games\":%llu,\"wins\":%llu,\"losses\":%llu,\"draws\":%llu,"
            "\"aborted\":%llu",
            run->failure ? "false" : "true", (unsigned long long)st->games,
            (unsigned long long)st->wins, (unsigned long long)st->losses,
            (unsigned long long)st->draws, (unsigned long long)st->aborted);
    json_reasons("wins_by_reason", st->wins_by, out);
    json_reasons("losses_by_reason", st->losses_by, out);
    fprintf(out, ",\"illegal_moves\":%llu,\"moves\":%llu,\"reconnects\":%llu,\"resumed\":%llu,"
            "\"seconds\":%.6f,\"moves_per_s\":%.3f,\"games_per_s\":%.3f",
            (unsigned long long)st->illegal_moves, (unsigned long long)st->moves,
            (unsigned long long)st->reconnects, (unsigned long long)st->resumed, run->seconds,
            per_second(st->moves, run->seconds), per_second(st->games, run->seconds));
    json_hist("latency_us", &st->lat, out);
    json_hist("latency_steady_us", &st->lat_steady, out);
    fprintf(out, ",\"peak_playing\":%llu,\"rate_waits\":%llu", (unsigned long long)st->peak_playing,
            (unsigned long long)st->rate_waits);
    fprintf(out, ",\"clients\":%u,\"games_per_client\":%u,\"think_ms\":%u,\"strategy\":",
            (unsigned)run->clients, (unsigned)run->games_per_client, (unsigned)run->think_ms);
    json_string(run->strategy, out);
    fprintf(out, ",\"seed\":%llu,\"server\":", (unsigned long long)run->seed);
    json_string(run->host, out);
    fputs(",\"error\":", out);
    if (run->failure)
        json_string(run->failure, out);
    else
        fputs("null", out);
    fputs("}\n", out);
}
