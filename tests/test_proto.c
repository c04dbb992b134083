/* test_proto.c: unit tests of the wire protocol library (first cut). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "proto.h"

static size_t hex_bytes(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    unsigned v;
    int k;
    while (n < cap && sscanf(s, " %2x%n", &v, &k) == 1) {
        out[n++] = (uint8_t)v;
        s += k;
    }
    return n;
}

/* Every VALID vector decodes and re-encodes to its bytes; every INVALID one is rejected. */
static void vectors_basic(void **state)
{
    (void)state;
    FILE *f = fopen(TTT_VECTORS_FILE, "r");
    char line[8192];
    int seen = 0;
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        char kind[16], dir[8];
        const char *bar = strstr(line, " | ");
        uint8_t bytes[2048], rbuf[PROTO_FRAME_MAX], out[PROTO_FRAME_MAX];
        if (line[0] == '#' || !bar || sscanf(line, "%15s %7s", kind, dir) != 2)
            continue;
        size_t n = hex_bytes(bar + 3, bytes, sizeof bytes), used;
        enum proto_dir d = strcmp(dir, "c2s") == 0 ? PROTO_C2S : PROTO_S2C;
        struct proto_reader r;
        struct proto_frame fr;
        struct proto_msg m;
        proto_reader_init(&r, d, rbuf, sizeof rbuf);
        int rc = proto_reader_feed(&r, bytes, n, &used, &fr);
        if (strcmp(kind, "VALID") == 0) {
            assert_int_equal(rc, PROTO_FRAME);
            assert_int_equal(proto_decode(d, &fr, &m), PROTO_OK);
            assert_int_equal(proto_encode(&m, out, sizeof out), (int)n);
            assert_memory_equal(out, bytes, n);
        } else if (strcmp(kind, "INVALID") == 0) {
            if (rc == PROTO_FRAME)
                rc = proto_decode(d, &fr, &m);
            assert_true(rc < 0);
        } else {
            assert_int_equal(rc, PROTO_NEED_MORE);
        }
        seen++;
    }
    fclose(f);
    assert_true(seen > 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vectors_basic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
