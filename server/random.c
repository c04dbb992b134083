/* SPDX-License-Identifier: MIT */
/* random.c: random_bytes() over getrandom(2). */
#include "random.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "log.h"

void random_bytes(void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            /* getrandom only fails this way before the pool is seeded or on
             * a kernel without it: refuse to hand out guessable tokens. */
            log_error("getrandom: %s", strerror(errno));
            abort();
        }
        p += got;
        n -= (size_t)got;
    }
}
