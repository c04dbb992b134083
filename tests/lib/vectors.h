/* SPDX-License-Identifier: MIT */
/* vectors.h: the one reader of a protocol vectors file (tests/data/ and
 * ../shared/), for every test that walks its lines. A line is
 * "KIND DIR DESCRIPTION | hex bytes", KIND VALID, INVALID or PARTIAL, DIR c2s
 * or s2c; '#' lines and blank lines are skipped. */
#ifndef TTT_TEST_VECTORS_H
#define TTT_TEST_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

enum vec_kind { VEC_VALID, VEC_INVALID, VEC_PARTIAL };

struct vec {
    int lineno;                          /* in the file, from 1 */
    enum vec_kind kind;
    enum proto_dir dir;
    char desc[1024];
    uint8_t bytes[2 * PROTO_FRAME_MAX];  /* room for a frame that is too long */
    size_t n;
};

#define VEC_MAX 256

/* Read every vector of `path` into out[0..cap); returns how many, or -1 when
 * the file cannot be opened, a line does not parse or there are more than
 * cap (a line naming the file, and the line number when there is one, goes
 * to stderr). */
int vec_load(const char *path, struct vec *out, size_t cap);

/* Parse one line (without its '#'/blank check) into *v; 0 or -1. */
int vec_parse_line(const char *line, int lineno, struct vec *v);

/* Hex pairs from s[0..len), separated by single spaces when `spaced`, into
 * out[0..cap); the byte count, or -1 on malformed input or overflow. */
long vec_hex(const char *s, size_t len, int spaced, uint8_t *out, size_t cap);

/* The whole file at `path` in a malloc'd buffer, its length in *len; NULL
 * when it cannot be read. */
char *vec_read_file(const char *path, size_t *len);

#endif
