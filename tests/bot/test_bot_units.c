/* SPDX-License-Identifier: MIT */
/* test_bot_units.c: ttt-bot's pure parts (its move choice is tested
 * in tests/rules/test_strategy.c): the latency histogram's buckets and
 * percentiles, the result counts, and the command line's defaults,
 * values and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "options.h"
#include "pace.h"
#include "stats.h"
#include "strategy.h"

static void test_buckets(void **state)
{
    (void)state;
    uint64_t prev_high = 0;
    for (unsigned b = 0; b < 2000; b++) {
        uint64_t high = stats_bucket_high(b);
        if (b > 0)
            assert_true(high > prev_high);
        assert_int_equal(stats_bucket(high), b);
        assert_int_equal(stats_bucket(b == 0 ? 0 : prev_high + 1u), b);
        prev_high = high;
    }
    for (uint64_t v = 1; v < (1ull << 39); v = v * 3 + 1) {
        unsigned b = stats_bucket(v);
        assert_true(b < STATS_BUCKETS);
        assert_true(stats_bucket_high(b) >= v);
        assert_true((double)stats_bucket_high(b) <= (double)v * 1.01 + 1.0);
    }
    assert_true(stats_bucket(UINT64_MAX) < STATS_BUCKETS);
}

static void test_percentiles(void **state)
{
    (void)state;
    static struct stats st;
    stats_init(&st);
    assert_int_equal(stats_percentile(&st.lat, 0.5), 0);
    /* Every tenth sample is steady, so that histogram holds 100, 200, ... */
    for (uint64_t v = 1; v <= 1000; v++)
        stats_latency(&st, v * 10u, v % 10 == 0);
    assert_int_equal(st.lat.count, 1000);
    assert_int_equal(st.lat.max_us, 10000);
    uint64_t p50 = stats_percentile(&st.lat, 0.50), p90 = stats_percentile(&st.lat, 0.90),
             p99 = stats_percentile(&st.lat, 0.99);
    assert_true(p50 >= 5000 && p50 <= 5050);
    assert_true(p90 >= 9000 && p90 <= 9090);
    assert_true(p99 >= 9900 && p99 <= 10000);
    assert_int_equal(stats_percentile(&st.lat, 1.0), 10000);
    assert_int_equal(st.lat_steady.count, 100);
    assert_int_equal(st.lat_steady.max_us, 10000);
    assert_int_equal(stats_percentile(&st.lat_steady, 0.01), 100);
    p50 = stats_percentile(&st.lat_steady, 0.50);
    assert_true(p50 >= 5000 && p50 <= 5050);
    stats_init(&st);
    stats_latency(&st, 123456, 0);
    assert_int_equal(stats_percentile(&st.lat, 0.5), 123456); /* capped at the maximum */
    assert_int_equal(st.lat_steady.count, 0);
    assert_int_equal(stats_percentile(&st.lat_steady, 0.5), 0);
}

/* The text summary gives the all-in round trip, or says there was none. */
static void test_text_latency(void **state)
{
    (void)state;
    static struct stats st;
    char buf[4096];
    struct stats_run run = { .host = "h", .strategy = "perfect", .clients = 4, .seconds = 1.0 };
    stats_init(&st);
    stats_latency(&st, 200, 0);
    stats_latency(&st, 100, 1);
    FILE *f = fmemopen(buf, sizeof buf, "w");
    assert_non_null(f);
    stats_print_text(&st, &run, f);
    fclose(f);
    assert_non_null(strstr(buf, "move round trip: p50 100 us, p90 200 us, p99 200 us, max 200 us (2 moves)"));
    assert_non_null(strstr(buf, "with all 4 clients in: p50 100 us, p90 100 us, p99 100 us, max 100 us (1 move)"));
    stats_init(&st);
    stats_latency(&st, 200, 0);
    f = fmemopen(buf, sizeof buf, "w");
    assert_non_null(f);
    stats_print_text(&st, &run, f);
    fclose(f);
    assert_non_null(strstr(buf, "with all 4 clients in: no moves"));
}

static void test_games(void **state)
{
    (void)state;
    static struct stats st;
    stats_init(&st);
    stats_game(&st, 1, 1, 1);
    stats_game(&st, 2, 1, 1);
    stats_game(&st, 2, 2, 3);
    stats_game(&st, 1, 0, 2);
    stats_game(&st, 1, 0, 6);
    assert_int_equal(st.games, 5);
    assert_int_equal(st.wins, 2);
    assert_int_equal(st.losses, 1);
    assert_int_equal(st.draws, 1);
    assert_int_equal(st.aborted, 1);
    assert_int_equal(st.wins_by[1], 1);
    assert_int_equal(st.wins_by[3], 1);
    assert_int_equal(st.losses_by[1], 1);
    stats_playing(&st, 1);
    stats_playing(&st, 1);
    stats_playing(&st, 0);
    stats_playing(&st, 1);
    assert_int_equal(st.peak_playing, 2);

    char buf[4096];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    assert_non_null(f);
    struct stats_run run = { .host = "h\"x", .strategy = "random", .clients = 2,
                             .games_per_client = 3, .seed = 9, .seconds = 2.0, .failure = NULL };
    stats_print_json(&st, &run, f);
    fclose(f);
    assert_non_null(strstr(buf, "\"games\":5,\"wins\":2,\"losses\":1,\"draws\":1"));
    assert_non_null(strstr(buf, "\"server\":\"h\\\"x\""));
    assert_non_null(strstr(buf, "\"latency_us\":{\"p50\":0,"));
    assert_non_null(strstr(buf, "\"latency_steady_us\":{\"p50\":0,\"p90\":0,\"p99\":0,\"max\":0,\"count\":0}"));
    assert_non_null(strstr(buf, "\"error\":null}\n"));
}

/* The bucket gives PACE_BURST frames at once, then PACE_PER_S a second,
 * and says how long to wait. */
static void test_pace(void **state)
{
    (void)state;
    struct pace p;
    pace_init(&p, 1000);
    for (unsigned i = 0; i < PACE_BURST; i++)
        assert_int_equal(pace_take(&p, 1, 1000), 0);
    uint64_t wait = pace_take(&p, 1, 1000);
    assert_true(wait > 0 && wait <= 1000u / PACE_PER_S + 1u);
    assert_int_equal(pace_take(&p, 1, 1000 + wait - 1), wait == 1 ? 0 : 1);
    pace_init(&p, 0);
    assert_int_equal(pace_take(&p, PACE_BURST, 0), 0);
    /* Over ten seconds the rate holds: about PACE_PER_S frames a second. */
    unsigned sent = 0;
    for (uint64_t now = 0; now < 10000; now++) {
        while (pace_take(&p, 1, now) == 0)
            sent++;
    }
    assert_true(sent >= PACE_PER_S * 10 - 1 && sent <= PACE_PER_S * 10 + 1);
    /* A long quiet spell fills the bucket only up to the burst. */
    assert_int_equal(pace_take(&p, PACE_BURST, 1000000), 0);
    assert_true(pace_take(&p, 1, 1000000) > 0);
    assert_true(pace_take(&p, 3, 1000000) >= 3000u / PACE_PER_S);
}

static int parse(struct bot_options *o, char *err, const char *a1, const char *a2, const char *a3)
{
    char *argv[5] = { (char *)"ttt-bot", (char *)a1, (char *)a2, (char *)a3, NULL };
    int argc = 1 + (a1 != NULL) + (a2 != NULL) + (a3 != NULL);
    return bot_options_parse(argc, argv, o, err);
}

static void test_options(void **state)
{
    (void)state;
    struct bot_options o;
    char err[BOT_ERR_LEN];
    assert_int_equal(parse(&o, err, NULL, NULL, NULL), BOT_OPTIONS_RUN);
    assert_string_equal(o.host, BOT_DEFAULT_HOST);
    assert_string_equal(o.name, "bot");
    assert_int_equal(o.games, 1);
    assert_int_equal(o.clients, 1);
    assert_int_equal(o.mode, BOT_MODE_QUICK);
    assert_int_equal(o.strategy.kind, STRATEGY_PERFECT);
    assert_int_equal(parse(&o, err, "--clients", "20000", "[::1]:9"), BOT_OPTIONS_RUN);
    assert_int_equal(o.clients, 20000);
    assert_string_equal(o.host, "[::1]:9");
    assert_int_equal(parse(&o, err, "--room", "abcdef", NULL), BOT_OPTIONS_RUN);
    assert_string_equal(o.room, "ABCDEF");
    assert_int_equal(o.mode, BOT_MODE_JOIN_ROOM);
    assert_true(o.rematch);
    assert_int_equal(parse(&o, err, "--seed=18446744073709551615", "--think", "0"), BOT_OPTIONS_RUN);
    assert_true(o.seed == UINT64_MAX && o.seed_given);
    assert_int_equal(parse(&o, err, "--games", "0", NULL), BOT_OPTIONS_BAD);
    assert_non_null(strstr(err, "--games"));
    assert_int_equal(parse(&o, err, "--seed", "18446744073709551616", NULL), BOT_OPTIONS_BAD);
    assert_int_equal(parse(&o, err, "--room", "ABCDE1", NULL), BOT_OPTIONS_BAD);
    assert_int_equal(parse(&o, err, "--create-room", "--room", "ABCDEF"), BOT_OPTIONS_BAD);
    assert_int_equal(parse(&o, err, "--frob", NULL, NULL), BOT_OPTIONS_BAD);
    assert_non_null(strstr(err, "--frob"));
    assert_int_equal(parse(&o, err, "-x", NULL, NULL), BOT_OPTIONS_BAD);
    assert_non_null(strstr(err, "-x"));
    assert_int_equal(parse(&o, err, "--clients", NULL, NULL), BOT_OPTIONS_BAD);
    assert_non_null(strstr(err, "needs a value"));
    assert_int_equal(parse(&o, err, "a", "b", NULL), BOT_OPTIONS_BAD);
    assert_int_equal(parse(&o, err, "--name", "\x01", NULL), BOT_OPTIONS_BAD);
    assert_null(strchr(err, '\n'));
}

/* --discover and --probe: their own options, and none of playing. */
static void test_action_options(void **state)
{
    (void)state;
    struct bot_options o;
    char err[BOT_ERR_LEN];
    assert_int_equal(parse(&o, err, NULL, NULL, NULL), BOT_OPTIONS_RUN);
    assert_int_equal(o.action, BOT_ACTION_PLAY);
    assert_int_equal(parse(&o, err, "--discover", NULL, NULL), BOT_OPTIONS_RUN);
    assert_int_equal(o.action, BOT_ACTION_DISCOVER);
    assert_int_equal(o.wait_s, 2);
    assert_int_equal(o.announce_port, 7778);
    assert_int_equal(parse(&o, err, "--discover", "--wait=5", "--announce-port=9000"), BOT_OPTIONS_RUN);
    assert_int_equal(o.wait_s, 5);
    assert_int_equal(o.announce_port, 9000);
    assert_int_equal(parse(&o, err, "--probe", NULL, NULL), BOT_OPTIONS_RUN);
    assert_int_equal(o.action, BOT_ACTION_PROBE);
    assert_string_equal(o.host, BOT_DEFAULT_HOST);
    assert_int_equal(parse(&o, err, "[::1]:7000", "--probe", "--json"), BOT_OPTIONS_RUN);
    assert_string_equal(o.host, "[::1]:7000");
    assert_true(o.json);
    const char *bad[][4] = {
        { "--discover", "--probe", NULL, "exclude each other" },
        { "--discover", "--games", "3", "--discover plays no game: --games" },
        { "--probe", "--clients=2", NULL, "--probe plays no game: --clients" },
        { "--discover", "host:7777", NULL, "takes no server address" },
        { "--wait", "3", NULL, "--wait goes with --discover" },
        { "--probe", "--announce-port=9", NULL, "--announce-port goes with --discover" },
        { "--discover", "--wait=0", NULL, "--wait" },
        { "--discover", "--announce-port=0", NULL, "--announce-port" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(parse(&o, err, bad[i][0], bad[i][1], bad[i][2]), BOT_OPTIONS_BAD);
        if (!strstr(err, bad[i][3]))
            fail_msg("%s %s: \"%s\" does not say \"%s\"", bad[i][0], bad[i][1], err, bad[i][3]);
        assert_null(strchr(err, '\n'));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buckets),        cmocka_unit_test(test_percentiles),
        cmocka_unit_test(test_games),          cmocka_unit_test(test_text_latency),
        cmocka_unit_test(test_options),        cmocka_unit_test(test_action_options),
        cmocka_unit_test(test_pace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
