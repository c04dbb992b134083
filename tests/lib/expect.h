/* SPDX-License-Identifier: MIT */
/* expect.h: EXPECT(cond, fmt, ...) fails the current cmocka test with a
 * formatted message when cond is false -- for loops over vectors, where
 * the line number matters more than the expression. Include after
 * <cmocka.h>. */
#ifndef TTT_TEST_EXPECT_H
#define TTT_TEST_EXPECT_H

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            print_error(__VA_ARGS__);                                                              \
            print_error("\n");                                                                     \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

#endif
