/* SPDX-License-Identifier: MIT */
/* test_bucket.c: the token bucket of net/bucket.c on a made-up clock: the
 * burst, the sustained rate over a long run, the wait it announces, a
 * clock that stands still or goes back, and gaps long enough to overflow a
 * careless refill. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bucket.h"

/* A full bucket gives its burst at once, then nothing until time passes. */
static void burst_then_empty(void **state)
{
    const struct bucket_rate r = {.per_s = 4, .burst = 8};
    struct bucket b;

    (void)state;
    bucket_fill(&b, &r, 1000);
    for (int i = 0; i < 8; i++)
        assert_int_equal(bucket_take(&b, &r, 1, 1000), 0);
    /* One token takes 250 ms at 4 a second. */
    assert_int_equal(bucket_take(&b, &r, 1, 1000), 250);
    assert_int_equal(bucket_take(&b, &r, 1, 1249), 1);
    assert_int_equal(bucket_take(&b, &r, 1, 1250), 0);
    assert_int_equal(bucket_take(&b, &r, 1, 1250), 250);
}

/* Asking every millisecond for 100 s lets through the burst plus the rate
 * times the time, not one more. */
static void sustained_rate(void **state)
{
    const struct bucket_rate r = {.per_s = 200, .burst = 200};
    struct bucket b;
    unsigned got = 0;

    (void)state;
    bucket_fill(&b, &r, 0);
    for (uint64_t t = 0; t < 100000; t++)
        for (int k = 0; k < 10; k++)
            got += bucket_take(&b, &r, 1, t) == 0;
    assert_int_equal(got, 200 + 200 * 100 - 1); /* the last token is due at 100000 ms */
}

/* More than the burst never comes; a clock going back is a clock standing
 * still; a very long gap fills the bucket without overflowing. */
static void edges(void **state)
{
    const struct bucket_rate r = {.per_s = UINT32_MAX, .burst = UINT32_MAX};
    const struct bucket_rate small = {.per_s = 1, .burst = 2};
    struct bucket b;

    (void)state;
    bucket_fill(&b, &small, 5000);
    assert_int_equal(bucket_take(&b, &small, 3, 5000), UINT64_MAX);
    assert_int_equal(bucket_take(&b, &small, 2, 5000), 0);
    assert_int_equal(bucket_take(&b, &small, 1, 4000), 1000);
    assert_int_equal(bucket_take(&b, &small, 1, 5999), 1);
    assert_int_equal(bucket_take(&b, &small, 1, 6000), 0);
    bucket_fill(&b, &r, 0);
    assert_int_equal(bucket_take(&b, &r, UINT32_MAX, 0), 0);
    assert_int_equal(bucket_take(&b, &r, UINT32_MAX, UINT64_MAX), 0);
    /* A bucket filled under a larger burst is held to the smaller one. */
    bucket_fill(&b, &r, 0);
    assert_int_equal(bucket_take(&b, &small, 2, 0), 0);
    assert_int_equal(bucket_take(&b, &small, 1, 0), 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(burst_then_empty),
        cmocka_unit_test(sustained_rate),
        cmocka_unit_test(edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
