/* SPDX-License-Identifier: MIT */
/* test_strategy.c: the move choice of rules/strategy.c, shared by ttt-bot
 * and ttt's computer opponent: parsing and formatting a strategy, the
 * PRNG's range, spread and streams, picking a set bit, and every choice
 * legal, the perfect ones best moves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "strategy.h"

static void test_strategy_parse(void **state)
{
    (void)state;
    struct strategy st;
    char text[32];
    assert_int_equal(strategy_parse(&st, "perfect"), 0);
    assert_int_equal(st.kind, STRATEGY_PERFECT);
    assert_int_equal(strategy_parse(&st, "random"), 0);
    assert_int_equal(st.kind, STRATEGY_RANDOM);
    assert_int_equal(strategy_parse(&st, "mixed:0.25"), 0);
    assert_int_equal(st.kind, STRATEGY_MIXED);
    assert_true(st.p == 0.25);
    strategy_format(&st, text, sizeof text);
    assert_string_equal(text, "mixed:0.25");
    assert_int_equal(strategy_parse(&st, "mixed:1"), 0);
    assert_int_equal(strategy_parse(&st, "mixed:0"), 0);
    assert_int_equal(strategy_parse(&st, "mixed:.5"), 0);
    const char *bad[] = { "", "Perfect", "mixed", "mixed:", "mixed:1.01", "mixed:-0", "mixed:0.5x",
                          "mixed:nan", "mixed:inf", "mixed: 0.5", "randomly" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(strategy_parse(&st, bad[i]), -1);
}

static void test_rng_below(void **state)
{
    (void)state;
    struct strategy_rng r, r2;
    strategy_rng_seed(&r, 42, 0);
    strategy_rng_seed(&r2, 42, 0);
    unsigned counts[7] = { 0 };
    for (int i = 0; i < 70000; i++) {
        uint32_t v = strategy_rng_below(&r, 7);
        assert_true(v < 7);
        assert_int_equal(v, strategy_rng_below(&r2, 7)); /* same seed, same stream */
        counts[v]++;
    }
    for (int i = 0; i < 7; i++)
        assert_true(counts[i] > 9400 && counts[i] < 10600);
    strategy_rng_seed(&r2, 42, 1);
    strategy_rng_seed(&r, 42, 0);
    assert_true(strategy_rng_next(&r) != strategy_rng_next(&r2)); /* streams differ */
    for (int i = 0; i < 1000; i++) {
        double u = strategy_rng_unit(&r);
        assert_true(u >= 0.0 && u < 1.0);
        assert_int_equal(strategy_rng_below(&r, 1), 0);
    }
}

static void test_pick_bit(void **state)
{
    (void)state;
    struct strategy_rng r;
    strategy_rng_seed(&r, 7, 3);
    assert_int_equal(strategy_pick_bit(&r, 0), BOARD_NO_CELL);
    assert_int_equal(strategy_pick_bit(&r, 1u << 8), 8);
    unsigned seen = 0;
    for (int i = 0; i < 1000; i++) {
        unsigned c = strategy_pick_bit(&r, 0x111);
        assert_true(c == 0 || c == 4 || c == 8);
        seen |= 1u << c;
    }
    assert_int_equal(seen, 0x111);
}

/* Every cell a strategy chooses is legal; perfect ones are best moves. */
static void test_choose(void **state)
{
    (void)state;
    struct strategy perfect = { STRATEGY_PERFECT, 1.0 }, random = { STRATEGY_RANDOM, 0.0 },
                    never = { STRATEGY_MIXED, 0.0 }, always = { STRATEGY_MIXED, 1.0 };
    struct strategy_rng r;
    strategy_rng_seed(&r, 1, 1);
    int nonbest = 0;
    for (int game = 0; game < 300; game++) {
        struct board b = board_new();
        while (!board_result(&b).over) {
            uint16_t best = board_best_moves(&b), free_cells = board_free_mask(&b);
            unsigned c = strategy_choose(&perfect, &r, &b);
            assert_true(c < 9 && ((unsigned)best >> c) & 1u);
            c = strategy_choose(&always, &r, &b);
            assert_true(c < 9 && ((unsigned)best >> c) & 1u);
            c = strategy_choose(&never, &r, &b);
            assert_true(c < 9 && ((unsigned)free_cells >> c) & 1u);
            nonbest |= !(((unsigned)best >> c) & 1u);
            c = strategy_choose(&random, &r, &b);
            assert_true(c < 9 && ((unsigned)free_cells >> c) & 1u);
            assert_int_equal(board_apply(&b, c, &b), BOARD_OK);
        }
        assert_int_equal(strategy_choose(&perfect, &r, &b), BOARD_NO_CELL);
    }
    assert_true(nonbest); /* random does make mistakes */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strategy_parse),
        cmocka_unit_test(test_rng_below),
        cmocka_unit_test(test_pick_bit),
        cmocka_unit_test(test_choose),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
