/* SPDX-License-Identifier: MIT */
/* fuzz_proto.c: libFuzzer target over the frame reader, the decoder and the
 * encoder. The first input byte picks the direction and the chunking; the rest
 * is a byte stream fed to proto_reader_feed in chunks whose sizes come from the
 * data itself, each chunk copied to a heap block of exactly its size so that
 * ASan sees any read past it. Every frame is decoded (in both directions); a
 * successful decode must re-encode to the very bytes of the frame, and that
 * encoding must decode and re-encode to the same bytes again. abort() on any
 * mismatch. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A frame that decoded: check that encoding gives back its exact bytes. */
static void check_round_trip(const struct proto_frame *fr, enum proto_dir dir, const struct proto_msg *m)
{
    uint8_t out[PROTO_FRAME_MAX], again[PROTO_FRAME_MAX];
    struct proto_msg back;
    struct proto_frame fr2;
    int n, n2;

    n = proto_encode(m, out, sizeof out);
    if (n != PROTO_HEADER_LEN + fr->len || out[0] != fr->type || out[1] != (uint8_t)(fr->len >> 8) ||
        out[2] != (uint8_t)fr->len || memcmp(out + PROTO_HEADER_LEN, fr->payload, fr->len) != 0)
        abort();
    fr2.type = out[0];
    fr2.len = (uint16_t)(n - PROTO_HEADER_LEN);
    fr2.payload = out + PROTO_HEADER_LEN;
    if (proto_decode(dir, &fr2, &back) != PROTO_OK)
        abort();
    n2 = proto_encode(&back, again, sizeof again);
    if (n2 != n || memcmp(again, out, (size_t)n) != 0)
        abort();
    /* One byte short never fits. */
    if (proto_encode(m, out, (size_t)n - 1) != PROTO_E_NO_SPACE)
        abort();
}

static void check_frame(const struct proto_frame *fr, enum proto_dir dir)
{
    struct proto_msg m;
    int rc;

    if (proto_check_header(dir, fr->type, fr->len) != PROTO_OK)
        abort(); /* the reader let through a header it should have refused */
    rc = proto_decode(dir, fr, &m);
    if (rc == PROTO_OK)
        check_round_trip(fr, dir, &m);
    else if (rc != PROTO_E_BAD_FRAME && rc != PROTO_E_BAD_VERSION && rc != PROTO_E_BAD_NAME)
        abort();
    else if (rc != PROTO_E_BAD_FRAME && (dir != PROTO_C2S || fr->type != PROTO_HELLO))
        abort(); /* only HELLO has errors other than BAD_FRAME */
    /* The other direction's decoder must cope with the same bytes. */
    if (proto_decode(dir == PROTO_C2S ? PROTO_S2C : PROTO_C2S, fr, &m) == PROTO_OK)
        check_round_trip(fr, dir == PROTO_C2S ? PROTO_S2C : PROTO_C2S, &m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t cbuf[PROTO_C2S_FRAME_MAX], sbuf[PROTO_S2C_FRAME_MAX];
    struct proto_reader r;
    enum proto_dir dir;
    uint32_t seed;
    size_t pos = 1;

    if (size < 1)
        return 0;
    dir = (data[0] & 1) ? PROTO_S2C : PROTO_C2S;
    /* Exactly the minimum buffer for the direction: ASan catches overflows. */
    if (dir == PROTO_C2S)
        proto_reader_init(&r, dir, cbuf, sizeof cbuf);
    else
        proto_reader_init(&r, dir, sbuf, sizeof sbuf);
    seed = (uint32_t)data[0] >> 1;
    while (pos < size) {
        size_t chunk, off = 0;
        uint8_t *copy;

        /* Chunk sizes: 0 = the whole rest, else a pseudo-random size from a
         * generator seeded by the first byte and stirred by the data. */
        seed = seed * 1103515245u + 12345u + data[pos];
        chunk = (data[0] >> 1) == 0 ? size - pos : 1 + (seed >> 16) % ((data[0] >> 1) * 4u);
        if (chunk > size - pos)
            chunk = size - pos;
        copy = malloc(chunk);
        if (!copy)
            return 0;
        memcpy(copy, data + pos, chunk);
        for (;;) {
            struct proto_frame fr;
            size_t used = 0;
            size_t before = proto_reader_pending(&r);
            int rc = proto_reader_feed(&r, copy + off, chunk - off, &used, &fr);

            if (used > chunk - off)
                abort();
            off += used;
            if (rc == PROTO_FRAME) {
                check_frame(&fr, dir);
                if (proto_reader_pending(&r) != 0)
                    abort();
                continue;
            }
            if (rc == PROTO_NEED_MORE) {
                if (off != chunk || proto_reader_pending(&r) != before + used)
                    abort();
                break;
            }
            if (rc != PROTO_E_BAD_FRAME)
                abort();
            /* Sticky: nothing more is taken. */
            if (proto_reader_feed(&r, copy, chunk, &used, &fr) != PROTO_E_BAD_FRAME || used != 0)
                abort();
            free(copy);
            return 0;
        }
        free(copy);
        pos += chunk;
    }
    return 0;
}
