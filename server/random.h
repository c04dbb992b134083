/* SPDX-License-Identifier: MIT */
/* random.h: secrets from the kernel's CSPRNG (RESUME tokens, room codes,
 * PING nonces). */
#ifndef TTT_RANDOM_H
#define TTT_RANDOM_H

#include <stddef.h>

/* Fill buf[0..n) from getrandom(). Aborts the server if the kernel cannot
 * give random bytes, rather than hand out guessable tokens. */
void random_bytes(void *buf, size_t n);

#endif
