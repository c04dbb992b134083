/* SPDX-License-Identifier: MIT */
/* fuzz_discovery.c: libFuzzer target over the discovery datagram decoder
 * and encoder. The input is one datagram, copied to a heap block of exactly
 * its size so that ASan sees any read past it. A datagram that decodes must
 * encode back to its very bytes, be no longer than a QUERY, and an ANSWER
 * must encode to nothing in a buffer one byte short; any other status than
 * the documented ones aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "discovery.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_round_trip(const uint8_t *d, size_t n, const struct disc_msg *m)
{
    uint8_t out[DISC_DATAGRAM_MAX];
    int len = disc_encode(m, out, sizeof out);

    if (len < 0 || (size_t)len != n || memcmp(out, d, n) != 0 || n > DISC_QUERY_LEN)
        abort();
    if (m->type != DISC_QUERY && m->type != DISC_ANSWER)
        abort();
    if (m->type == DISC_ANSWER && n > DISC_ANSWER_MAX)
        abort();
    if (disc_encode(m, out, n - 1) != DISC_E_NO_SPACE)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct disc_msg m;
    uint8_t *copy = malloc(size ? size : 1);
    int rc;

    if (!copy)
        return 0;
    memcpy(copy, data, size);
    rc = disc_decode(copy, size, &m);
    if (rc == DISC_OK)
        check_round_trip(copy, size, &m);
    else if (rc != DISC_E_BAD && rc != DISC_E_VERSION)
        abort();
    else if (rc == DISC_E_VERSION && (size < 5 || memcmp(copy, DISC_MAGIC, DISC_MAGIC_LEN) != 0))
        abort(); /* only a datagram with our magic is another version's */
    free(copy);
    return 0;
}
