/* SPDX-License-Identifier: MIT */
/* test_rows.c: rows that do not move under the mouse (client/rows.h): items
 * updated in place, new ones at the end, gone ones held while the pointer
 * is over the list and dropped when it is not, the capacity, the change
 * flag. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "rows.h"

struct item {
    uint32_t key;
    int value;
};

static uint32_t key_of(const void *p)
{
    return ((const struct item *)p)->key;
}

static struct item shown[4];
static struct rows r;

/* Merge the keys of `keys` (values key * 10) with `hold`; the change flag. */
static int merge(const char *keys, int hold)
{
    struct item fresh[8];
    size_t n = strlen(keys);
    for (size_t i = 0; i < n; i++)
        fresh[i] = (struct item){(uint32_t)(keys[i] - '0'), (keys[i] - '0') * 10};
    return rows_merge(&r, shown, 4, fresh, n, sizeof fresh[0], key_of, hold);
}

/* The rows as text: a digit a row, '-' after a gone one. */
static const char *rows_text(void)
{
    static char t[16];
    size_t k = 0;
    for (size_t i = 0; i < r.count; i++) {
        t[k++] = (char)('0' + shown[i].key);
        if (r.gone[i])
            t[k++] = '-';
    }
    t[k] = '\0';
    return t;
}

static void test_merge(void **state)
{
    (void)state;
    rows_clear(&r);
    assert_int_equal(merge("123", 0), 1);
    assert_string_equal(rows_text(), "123");
    assert_int_equal(merge("312", 0), 0); /* the same items in another order: nothing moves */
    assert_string_equal(rows_text(), "123");
    /* 2 ends, 4 starts, under the mouse: 2 stays, greyed; 4 at the end. */
    assert_int_equal(merge("314", 1), 1);
    assert_string_equal(rows_text(), "12-34");
    assert_int_equal(merge("314", 1), 0);
    /* Full (4 rows): 5 waits. */
    assert_int_equal(merge("3145", 1), 0);
    assert_string_equal(rows_text(), "12-34");
    /* The mouse left: the gone row goes, the rest move up, 5 comes. */
    assert_int_equal(rows_drop_gone(&r, shown, sizeof shown[0]), 1);
    assert_string_equal(rows_text(), "134");
    assert_int_equal(rows_drop_gone(&r, shown, sizeof shown[0]), 0);
    assert_int_equal(merge("3145", 0), 1);
    assert_string_equal(rows_text(), "1345");
    /* An item that comes back after it went is a new row. */
    assert_int_equal(merge("45", 0), 1);
    assert_string_equal(rows_text(), "45");
    assert_int_equal(merge("451", 0), 1);
    assert_string_equal(rows_text(), "451");
    /* An item's data changes in place. */
    struct item fresh[1] = {{5, 99}};
    assert_int_equal(rows_merge(&r, shown, 4, fresh, 1, sizeof fresh[0], key_of, 1), 1);
    assert_string_equal(rows_text(), "4-51-");
    assert_int_equal(shown[1].value, 99);
    assert_int_equal(merge("", 0), 1);
    assert_int_equal(r.count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
