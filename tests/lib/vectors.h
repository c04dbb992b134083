/* SPDX-License-Identifier: MIT */
/* vectors.h: the one reader of a protocol vectors file (tests/data/ and
 * ../shared/; the discovery datagrams' file has the same format), for every
 * test that walks its lines. A line is "KIND DIR DESCRIPTION | hex bytes",
 * KIND VALID, INVALID or PARTIAL, DIR c2s or s2c; '#' lines and blank lines
 * are skipped. A VALID line's description, "TYPE key=value ...", is checked
 * against a decoded message's fields with vec_match_fields. */
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

/* The vectors of one file, for a test binary that walks them. */
struct vec_file {
    size_t n;
    struct vec v[VEC_MAX];
};

/* vec_load(path) into *vf: 0, or -1 as vec_load fails (vf->n is then 0).
 * Made to be the body of a cmocka group setup. */
int vec_file_load(struct vec_file *vf, const char *path);

/* Hex pairs from s[0..len), separated by single spaces when `spaced`, into
 * out[0..cap); the byte count, or -1 on malformed input or overflow. */
long vec_hex(const char *s, size_t len, int spaced, uint8_t *out, size_t cap);

/* The whole file at `path` in a malloc'd buffer, its length in *len; NULL
 * when it cannot be read. */
char *vec_read_file(const char *path, size_t *len);

/* One field of a decoded message, as a VALID line's description names it:
 * an integer (decimal in the file), bytes (hex in the file) or text (plain,
 * or "hex:..." in the file). */
enum vec_field_kind { VEC_INT, VEC_HEX, VEC_TEXT };

struct vec_field {
    const char *key;
    enum vec_field_kind kind;
    uint32_t v;            /* VEC_INT */
    const uint8_t *b;      /* VEC_HEX, VEC_TEXT: n bytes */
    size_t n;
};

/* Set f[i] to an integer field, or to a field of n bytes at b; return i + 1. */
size_t vec_add_int(struct vec_field *f, size_t i, const char *key, uint32_t v);
size_t vec_add_bytes(struct vec_field *f, size_t i, const char *key, enum vec_field_kind kind, const void *b,
                     size_t n);

/* Compare a message of type `type_name` with fields f[0..nf) (in wire
 * order) with a VALID line's description: NULL when the description names
 * that type and exactly those fields with those values, in that order; else
 * what differs (in a static buffer). */
const char *vec_match_fields(const char *desc, const char *type_name, const struct vec_field *f, size_t nf);

#endif
