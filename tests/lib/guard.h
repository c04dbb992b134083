/* SPDX-License-Identifier: MIT */
/* guard.h: memory that ends at an unreadable page, for the tests that show
 * a decoder never reads past the bytes it is given: copy the bytes so that
 * they end at guard_end(), decode them there, and a read past them is a
 * SIGSEGV instead of a silent success. */
#ifndef TTT_TEST_GUARD_H
#define TTT_TEST_GUARD_H

#include <stddef.h>
#include <stdint.h>

/* The first byte of a PROT_NONE page, with at least `room` writable bytes
 * before it (the same mapping from call to call while it is big enough).
 * NULL when it cannot be mapped. */
uint8_t *guard_end(size_t room);

/* Unmap it (a later guard_end maps it again). */
void guard_release(void);

/* guard_release as a cmocka teardown (state unused); returns 0. */
int guard_teardown(void **state);

#endif
