/* SPDX-License-Identifier: MIT */
/* test_proto.c: unit tests of the wire protocol library (protocol/proto.c).
 *
 * The shared vectors file drives most of it: every line is parsed generically
 * (KIND DIR DESCRIPTION | BYTES), VALID lines are compared field by field with
 * the decoder's output and re-encoded, INVALID lines must fail with the right
 * error (at the 3rd byte where the header shows it), PARTIAL lines must ask for
 * more. The same frames go through random chunkings and against a PROT_NONE
 * page. Hand-made messages cover round trips at the edges, the encoder's
 * errors, the name and code rules, the header table and the error table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proto.h"
#include "text.h"
#include "expect.h"
#include "guard.h"
#include "vectors.h"

/* ------------------------------------------------------------ vectors */

static struct vec_file vectors;

/* Group setup: load every line of the project's vectors file. */
static int load_vectors(void **state)
{
    (void)state;
    return vec_file_load(&vectors, TTT_VECTORS_FILE);
}

/* ------------------------------------------------- messages as fields */

#define FIELDS_MAX (1 + 4 * PROTO_LIST_MAX)

static size_t add_name(struct vec_field *f, size_t i, const char *key, const struct proto_name *nm)
{
    return vec_add_bytes(f, i, key, VEC_TEXT, nm->s, nm->len);
}

/* The fields of *m in wire order, named as in the vectors file. */
static size_t fields_of(const struct proto_msg *m, struct vec_field *f)
{
    size_t i = 0;

    switch (m->type) {
    case PROTO_HELLO:
        i = vec_add_int(f, i, "version", m->u.hello.version);
        i = add_name(f, i, "name", &m->u.hello.name);
        break;
    case PROTO_JOIN_ROOM:
    case PROTO_ROOM_CREATED:
        i = vec_add_bytes(f, i, "code", VEC_TEXT, m->u.room.code, PROTO_CODE_LEN);
        break;
    case PROTO_RESUME:
        i = vec_add_bytes(f, i, "token", VEC_HEX, m->u.resume.token, PROTO_TOKEN_LEN);
        break;
    case PROTO_SPECTATE:
        i = vec_add_int(f, i, "game_id", m->u.spectate.game_id);
        break;
    case PROTO_MOVE:
        i = vec_add_int(f, i, "ply", m->u.move.ply);
        i = vec_add_int(f, i, "cell", m->u.move.cell);
        break;
    case PROTO_PING:
    case PROTO_PONG:
        i = vec_add_int(f, i, "nonce", m->u.ping.nonce);
        break;
    case PROTO_WELCOME:
        i = vec_add_int(f, i, "version", m->u.welcome.version);
        i = vec_add_bytes(f, i, "token", VEC_HEX, m->u.welcome.token, PROTO_TOKEN_LEN);
        i = vec_add_int(f, i, "turn_s", m->u.welcome.turn_s);
        i = vec_add_int(f, i, "grace_s", m->u.welcome.grace_s);
        break;
    case PROTO_GAME_START:
        i = vec_add_int(f, i, "game_id", m->u.game_start.game_id);
        i = vec_add_int(f, i, "you", m->u.game_start.you);
        i = add_name(f, i, "x_name", &m->u.game_start.x_name);
        i = add_name(f, i, "o_name", &m->u.game_start.o_name);
        break;
    case PROTO_STATE:
        i = vec_add_int(f, i, "game_id", m->u.state.game_id);
        i = vec_add_int(f, i, "ply", m->u.state.ply);
        i = vec_add_bytes(f, i, "cells", VEC_HEX, m->u.state.cells, PROTO_CELLS);
        i = vec_add_int(f, i, "to_move", m->u.state.to_move);
        i = vec_add_int(f, i, "ms_left", m->u.state.ms_left);
        break;
    case PROTO_GAME_LIST:
        i = vec_add_int(f, i, "count", m->u.game_list.count);
        for (size_t k = 0; k < m->u.game_list.count && k < PROTO_LIST_MAX; k++) {
            const struct proto_game_entry *e = &m->u.game_list.games[k];
            i = vec_add_int(f, i, "game_id", e->game_id);
            i = vec_add_int(f, i, "ply", e->ply);
            i = add_name(f, i, "x_name", &e->x_name);
            i = add_name(f, i, "o_name", &e->o_name);
        }
        break;
    case PROTO_MOVED:
        i = vec_add_int(f, i, "ply", m->u.moved.ply);
        i = vec_add_int(f, i, "cell", m->u.moved.cell);
        i = vec_add_int(f, i, "mark", m->u.moved.mark);
        i = vec_add_int(f, i, "ms_left", m->u.moved.ms_left);
        break;
    case PROTO_GAME_OVER:
        i = vec_add_int(f, i, "winner", m->u.game_over.winner);
        i = vec_add_int(f, i, "reason", m->u.game_over.reason);
        i = vec_add_bytes(f, i, "line", VEC_HEX, m->u.game_over.line, 3);
        break;
    case PROTO_OPPONENT:
        i = vec_add_int(f, i, "event", m->u.opponent.event);
        i = vec_add_int(f, i, "grace_s", m->u.opponent.grace_s);
        break;
    case PROTO_ERROR:
        i = vec_add_int(f, i, "code", m->u.error.code);
        i = vec_add_bytes(f, i, "message", VEC_TEXT, m->u.error.message.s, m->u.error.message.len);
        break;
    default:
        break;
    }
    return i;
}

/* 1 if a and b carry the same type and the same field values. */
static int msg_equal(const struct proto_msg *a, const struct proto_msg *b)
{
    struct vec_field fa[FIELDS_MAX], fb[FIELDS_MAX];
    size_t na, nb;

    if (a->type != b->type)
        return 0;
    na = fields_of(a, fa);
    nb = fields_of(b, fb);
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++) {
        if (strcmp(fa[i].key, fb[i].key) != 0 || fa[i].v != fb[i].v || fa[i].n != fb[i].n ||
            (fa[i].n > 0 && memcmp(fa[i].b, fb[i].b, fa[i].n) != 0))
            return 0;
    }
    return 1;
}

/* Compare a decoded message with a vector's description (TYPE key=value...),
 * every field present, in wire order. Returns NULL or what went wrong. */
static const char *match_description(const struct proto_msg *m, const char *desc)
{
    struct vec_field f[FIELDS_MAX];

    return vec_match_fields(desc, proto_type_name(m->type), f, fields_of(m, f));
}

/* ------------------------------------------------------------ helpers */

/* The header limits of the contract, written out independently of proto.c. */
struct limit {
    enum proto_dir dir;
    uint8_t type;
    uint16_t min, max;
};

static const struct limit limits[] = {
    {PROTO_C2S, 0x01, 6, 22},  {PROTO_C2S, 0x02, 0, 0},   {PROTO_C2S, 0x03, 0, 0},
    {PROTO_C2S, 0x04, 6, 6},   {PROTO_C2S, 0x05, 16, 16}, {PROTO_C2S, 0x06, 4, 4},
    {PROTO_C2S, 0x07, 0, 0},   {PROTO_C2S, 0x10, 2, 2},   {PROTO_C2S, 0x11, 0, 0},
    {PROTO_C2S, 0x12, 0, 0},   {PROTO_C2S, 0x13, 0, 0},   {PROTO_C2S, 0x70, 4, 4},
    {PROTO_C2S, 0x71, 4, 4},   {PROTO_S2C, 0x81, 21, 21}, {PROTO_S2C, 0x82, 0, 0},
    {PROTO_S2C, 0x83, 6, 6},   {PROTO_S2C, 0x84, 9, 39},  {PROTO_S2C, 0x85, 19, 19},
    {PROTO_S2C, 0x86, 1, 1249}, {PROTO_S2C, 0x90, 7, 7},  {PROTO_S2C, 0x91, 5, 5},
    {PROTO_S2C, 0x92, 3, 3},   {PROTO_S2C, 0xE0, 2, 257}, {PROTO_S2C, 0x70, 4, 4},
    {PROTO_S2C, 0x71, 4, 4},
};

/* 1 if the contract allows a header (dir, type, len). */
static int header_ok(enum proto_dir dir, uint8_t type, uint16_t len)
{
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
        if (limits[i].dir == dir && limits[i].type == type)
            return len >= limits[i].min && len <= limits[i].max;
    return 0;
}

/* 1 if the first 3 bytes of a vector already show it is broken. */
static int header_shows_error(const struct vec *v)
{
    return v->n >= PROTO_HEADER_LEN &&
           !header_ok(v->dir, v->bytes[0], (uint16_t)(v->bytes[1] << 8 | v->bytes[2]));
}

/* The error an INVALID vector must get: BAD_NAME only for a HELLO whose
 * header, magic, version and name framing are fine (so the name itself is
 * what breaks the rules), BAD_VERSION for a good magic with version != 1,
 * BAD_FRAME for everything else. */
static int expected_error(const struct vec *v)
{
    const uint8_t *b = v->bytes;

    if (v->dir != PROTO_C2S || header_shows_error(v) || b[0] != PROTO_HELLO ||
        v->n != (size_t)PROTO_HEADER_LEN + (size_t)(b[1] << 8 | b[2]) ||
        memcmp(b + 3, PROTO_MAGIC, PROTO_MAGIC_LEN) != 0)
        return PROTO_E_BAD_FRAME;
    if (b[7] != PROTO_VERSION)
        return PROTO_E_BAD_VERSION;
    if (v->n != (size_t)9 + b[8])
        return PROTO_E_BAD_FRAME;
    return PROTO_E_BAD_NAME;
}

static uint8_t reader_buf[PROTO_FRAME_MAX];

static void reader_for(struct proto_reader *r, enum proto_dir dir)
{
    proto_reader_init(r, dir, reader_buf, dir == PROTO_C2S ? PROTO_C2S_FRAME_MAX : PROTO_S2C_FRAME_MAX);
}

/* Feed `n` bytes in one call to a fresh reader and decode: the final status
 * (FRAME decoded OK -> PROTO_OK, else the error or NEED_MORE). */
static int feed_and_decode(enum proto_dir dir, const uint8_t *b, size_t n, struct proto_msg *m, size_t *used)
{
    struct proto_reader r;
    struct proto_frame fr;
    int rc;

    reader_for(&r, dir);
    rc = proto_reader_feed(&r, b, n, used, &fr);
    if (rc != PROTO_FRAME)
        return rc == PROTO_NEED_MORE ? 1 : rc;
    return proto_decode(dir, &fr, m);
}

/* Decode one whole frame held in b[0..n) without the reader. */
static int decode_bytes(enum proto_dir dir, const uint8_t *b, size_t n, struct proto_msg *m)
{
    struct proto_frame fr = {b[0], (uint16_t)(n - PROTO_HEADER_LEN), b + PROTO_HEADER_LEN};

    return proto_decode(dir, &fr, m);
}

static uint64_t rng_state;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

/* ------------------------------------------------------- vector tests */

/* The project's vectors file is byte-identical to ../shared's when that exists. */
static void vectors_file_matches_shared_copy(void **state)
{
    size_t n_ours = 0, n_shared = 0;
    char *ours, *shared;

    (void)state;
    ours = vec_read_file(TTT_VECTORS_FILE, &n_ours);
    assert_non_null(ours);
    assert_true(n_ours > 0);
    shared = vec_read_file(TTT_SHARED_VECTORS_FILE, &n_shared);
    if (shared) {
        EXPECT(n_ours == n_shared && memcmp(ours, shared, n_ours) == 0,
               "%s differs from %s: copy the shared file into the project", TTT_VECTORS_FILE,
               TTT_SHARED_VECTORS_FILE);
        free(shared);
    }
    free(ours);
}

/* The vectors file parsed into lines of every kind, in both directions. */
static void vectors_file_has_every_kind(void **state)
{
    size_t count[3][2] = {{0}};

    (void)state;
    for (size_t i = 0; i < vectors.n; i++)
        count[vectors.v[i].kind][vectors.v[i].dir]++;
    assert_true(count[VEC_VALID][PROTO_C2S] >= 10 && count[VEC_VALID][PROTO_S2C] >= 10);
    assert_true(count[VEC_INVALID][PROTO_C2S] >= 10 && count[VEC_INVALID][PROTO_S2C] >= 5);
    assert_true(count[VEC_PARTIAL][PROTO_C2S] >= 1);
}

/* Each VALID line decodes to exactly the listed fields and re-encodes to its bytes. */
static void vectors_valid_decode_to_fields_and_reencode(void **state)
{
    size_t seen = 0;

    (void)state;
    for (size_t i = 0; i < vectors.n; i++) {
        const struct vec *v = &vectors.v[i];
        struct proto_msg m;
        uint8_t out[PROTO_FRAME_MAX];
        size_t used;
        const char *why;
        int rc;

        if (v->kind != VEC_VALID)
            continue;
        rc = feed_and_decode(v->dir, v->bytes, v->n, &m, &used);
        EXPECT(rc == PROTO_OK, "line %d: decode gives %s", v->lineno, proto_strerror(rc));
        EXPECT(used == v->n, "line %d: reader used %zu of %zu bytes", v->lineno, used, v->n);
        why = match_description(&m, v->desc);
        EXPECT(why == NULL, "line %d: %s", v->lineno, why);
        rc = proto_encode(&m, out, sizeof out);
        EXPECT(rc == (int)v->n && memcmp(out, v->bytes, v->n) == 0, "line %d: re-encoding differs (%d)",
               v->lineno, rc);
        seen++;
    }
    assert_true(seen > 0);
}

/* Each INVALID line is rejected with the right error, at the 3rd byte where the header shows it. */
static void vectors_invalid_rejected(void **state)
{
    (void)state;
    for (size_t i = 0; i < vectors.n; i++) {
        const struct vec *v = &vectors.v[i];
        int want = expected_error(v);
        struct proto_reader r;
        struct proto_frame fr;
        struct proto_msg m;
        size_t used, k;
        int rc = PROTO_NEED_MORE;

        if (v->kind != VEC_INVALID)
            continue;
        /* Whole. */
        rc = feed_and_decode(v->dir, v->bytes, v->n, &m, &used);
        EXPECT(rc == want, "line %d: got %s, want %s", v->lineno, proto_strerror(rc), proto_strerror(want));
        if (header_shows_error(v))
            EXPECT(used <= PROTO_HEADER_LEN, "line %d: reader took %zu bytes past a bad header", v->lineno,
                   used);
        /* Byte by byte: nothing before the header is in, the error at the 3rd
         * byte when the header shows it, else at the frame's last byte. */
        reader_for(&r, v->dir);
        for (k = 0; k < v->n; k++) {
            rc = proto_reader_feed(&r, v->bytes + k, 1, &used, &fr);
            if (rc != PROTO_NEED_MORE)
                break;
            EXPECT(used == 1, "line %d: byte %zu not taken", v->lineno, k + 1);
        }
        if (header_shows_error(v)) {
            EXPECT(rc == PROTO_E_BAD_FRAME && k + 1 == PROTO_HEADER_LEN,
                   "line %d: byte by byte gives %s at byte %zu", v->lineno, proto_strerror(rc), k + 1);
            /* Sticky: the stream stays broken. */
            rc = proto_reader_feed(&r, (const uint8_t *)"\x02\x00\x00", 3, &used, &fr);
            EXPECT(rc == PROTO_E_BAD_FRAME && used == 0, "line %d: error not sticky", v->lineno);
        } else {
            EXPECT(rc == PROTO_FRAME && k + 1 == v->n, "line %d: byte by byte gives %s at byte %zu",
                   v->lineno, proto_strerror(rc), k + 1);
            rc = proto_decode(v->dir, &fr, &m);
            EXPECT(rc == want, "line %d: byte by byte decode gives %s", v->lineno, proto_strerror(rc));
        }
    }
}

/* Each PARTIAL line asks for more at every prefix, with no error. */
static void vectors_partial_need_more(void **state)
{
    (void)state;
    for (size_t i = 0; i < vectors.n; i++) {
        const struct vec *v = &vectors.v[i];
        struct proto_reader r;
        struct proto_frame fr;
        size_t used;
        int rc;

        if (v->kind != VEC_PARTIAL)
            continue;
        for (size_t k = 1; k <= v->n; k++) {
            reader_for(&r, v->dir);
            rc = proto_reader_feed(&r, v->bytes, k, &used, &fr);
            EXPECT(rc == PROTO_NEED_MORE && used == k && proto_reader_pending(&r) == k,
                   "line %d: prefix %zu gives %s", v->lineno, k, proto_strerror(rc));
        }
        reader_for(&r, v->dir);
        for (size_t k = 0; k < v->n; k++) {
            rc = proto_reader_feed(&r, v->bytes + k, 1, &used, &fr);
            EXPECT(rc == PROTO_NEED_MORE, "line %d: byte %zu gives %s", v->lineno, k + 1, proto_strerror(rc));
        }
        EXPECT(proto_reader_pending(&r) == v->n, "line %d: pending %zu", v->lineno, proto_reader_pending(&r));
    }
}

/* Each VALID frame: every strict prefix needs more, then the rest (fed separately) completes it. */
static void vectors_valid_every_prefix_then_frame(void **state)
{
    (void)state;
    for (size_t i = 0; i < vectors.n; i++) {
        const struct vec *v = &vectors.v[i];
        struct proto_reader r;
        struct proto_frame fr;
        struct proto_msg m;
        uint8_t out[PROTO_FRAME_MAX];
        size_t used;
        int rc;

        if (v->kind != VEC_VALID)
            continue;
        for (size_t k = 0; k < v->n; k++) {
            reader_for(&r, v->dir);
            rc = proto_reader_feed(&r, v->bytes, k, &used, &fr);
            EXPECT(rc == PROTO_NEED_MORE && used == k, "line %d: prefix %zu gives %s", v->lineno, k,
                   proto_strerror(rc));
            rc = proto_reader_feed(&r, v->bytes + k, v->n - k, &used, &fr);
            EXPECT(rc == PROTO_FRAME && used == v->n - k, "line %d: rest after %zu gives %s", v->lineno, k,
                   proto_strerror(rc));
            EXPECT(proto_reader_pending(&r) == 0, "line %d: bytes held after a frame", v->lineno);
            rc = proto_decode(v->dir, &fr, &m);
            EXPECT(rc == PROTO_OK, "line %d: split at %zu decodes to %s", v->lineno, k, proto_strerror(rc));
            EXPECT(proto_encode(&m, out, sizeof out) == (int)v->n && memcmp(out, v->bytes, v->n) == 0,
                   "line %d: split at %zu re-encodes differently", v->lineno, k);
        }
    }
}

/* All VALID frames of a direction, concatenated and fed in 1000 random chunkings, come out in order. */
static void vectors_random_chunkings_same_frames(void **state)
{
    static uint8_t stream[64 * 1024];
    size_t starts[VEC_MAX];

    (void)state;
    rng_state = 0x9E3779B97F4A7C15u;
    for (int d = PROTO_C2S; d <= PROTO_S2C; d++) {
        size_t total = 0, nframes = 0;

        for (size_t i = 0; i < vectors.n; i++) {
            if (vectors.v[i].kind != VEC_VALID || vectors.v[i].dir != (enum proto_dir)d)
                continue;
            assert_true(total + vectors.v[i].n <= sizeof stream);
            memcpy(stream + total, vectors.v[i].bytes, vectors.v[i].n);
            starts[nframes++] = i;
            total += vectors.v[i].n;
        }
        assert_true(nframes > 1);
        for (int run = 0; run < 1000; run++) {
            struct proto_reader r;
            size_t pos = 0, next = 0;
            /* Chunk sizes: mostly small, sometimes large, sometimes empty. */
            uint32_t scale = run % 4 == 0 ? (uint32_t)total + 1 : run % 4 == 1 ? 3u : 40u;

            reader_for(&r, (enum proto_dir)d);
            while (pos < total) {
                size_t chunk = rng() % scale, off = 0;
                if (chunk > total - pos)
                    chunk = total - pos;
                for (;;) {
                    struct proto_frame fr;
                    size_t used;
                    int rc = proto_reader_feed(&r, stream + pos + off, chunk - off, &used, &fr);
                    off += used;
                    if (rc == PROTO_NEED_MORE) {
                        EXPECT(off == chunk, "run %d: NEED_MORE with bytes left", run);
                        break;
                    }
                    EXPECT(rc == PROTO_FRAME, "run %d: %s", run, proto_strerror(rc));
                    EXPECT(next < nframes, "run %d: more frames than sent", run);
                    const struct vec *v = &vectors.v[starts[next++]];
                    EXPECT(fr.type == v->bytes[0] && (size_t)fr.len + PROTO_HEADER_LEN == v->n &&
                               memcmp(fr.payload, v->bytes + PROTO_HEADER_LEN, fr.len) == 0,
                           "run %d: frame %zu differs from line %d", run, next, v->lineno);
                }
                pos += chunk;
            }
            EXPECT(next == nframes && proto_reader_pending(&r) == 0, "run %d: %zu of %zu frames", run, next,
                   nframes);
        }
    }
}

/* ------------------------------------------------------- guard page */

/* Every VALID and INVALID frame ending flush against a PROT_NONE page decodes without reading past it. */
static void vectors_no_overread_at_guard_page(void **state)
{
    uint8_t *end = guard_end(2 * PROTO_FRAME_MAX);

    (void)state;
    assert_non_null(end);
    for (size_t i = 0; i < vectors.n; i++) {
        const struct vec *v = &vectors.v[i];
        uint8_t *b = end - v->n;
        struct proto_reader r;
        struct proto_frame fr;
        struct proto_msg m;
        size_t used, k;
        int rc;

        memcpy(b, v->bytes, v->n);
        /* Whole chunk: the zero-copy path hands the decoder the guarded bytes. */
        rc = feed_and_decode(v->dir, b, v->n, &m, &used);
        if (v->kind == VEC_VALID)
            EXPECT(rc == PROTO_OK, "line %d: %s", v->lineno, proto_strerror(rc));
        else if (v->kind == VEC_INVALID)
            EXPECT(rc < 0, "line %d: accepted", v->lineno);
        /* The decoder alone, told the payload is everything after the header. */
        if (v->n >= PROTO_HEADER_LEN)
            (void)decode_bytes(v->dir, b, v->n, &m);
        /* Every tail of the frame: the reader never looks beyond its chunk. */
        for (k = 0; k < v->n; k++) {
            reader_for(&r, v->dir);
            (void)proto_reader_feed(&r, end - k, k, &used, &fr);
        }
    }
}

/* ------------------------------------------------ hand-made messages */

static struct proto_name name_of(const char *s)
{
    struct proto_name n;

    assert_int_equal(proto_name_set(&n, s), PROTO_OK);
    return n;
}

/* A GAME_LIST of 32 entries with 16-byte names: the largest s2c payload. */
static void full_game_list(struct proto_msg *m)
{
    m->type = PROTO_GAME_LIST;
    m->u.game_list.count = PROTO_LIST_MAX;
    for (uint32_t i = 0; i < PROTO_LIST_MAX; i++) {
        struct proto_game_entry *e = &m->u.game_list.games[i];
        e->game_id = UINT32_MAX - i;
        e->ply = (uint8_t)(i % 10);
        e->x_name = name_of("\xF0\x9F\x98\x80xxxxxxxxxxxx");
        e->o_name = name_of("ABCDEFGHIJKLMNOP");
    }
}

/* Messages with edge values, one or more per type, with the direction each is sent in. */
static size_t edge_messages(struct proto_msg *ms, enum proto_dir *dirs, size_t cap)
{
    static const uint8_t lines[8][3] = {{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {0, 3, 6},
                                        {1, 4, 7}, {2, 5, 8}, {0, 4, 8}, {2, 4, 6}};
    static const uint8_t empty_c2s[] = {PROTO_QUICK_MATCH, PROTO_CREATE_ROOM, PROTO_LIST_GAMES,
                                        PROTO_RESIGN, PROTO_REMATCH, PROTO_LEAVE};
    size_t n = 0;
    struct proto_msg *m;

#define NEXT(t, d) (assert_true(n < cap), dirs[n] = (d), m = &ms[n++], memset(m, 0, sizeof *m), m->type = (t))
    NEXT(PROTO_HELLO, PROTO_C2S);
    m->u.hello.version = 1;
    m->u.hello.name = name_of("abcdefghijklmnop");
    NEXT(PROTO_HELLO, PROTO_C2S);
    m->u.hello.version = 1;
    m->u.hello.name = name_of("\xF4\x8F\xBF\xBF\xF0\x90\x80\x80\xEF\xBF\xBD\xC2\xA0~!");
    NEXT(PROTO_HELLO, PROTO_C2S);
    m->u.hello.version = 1;
    m->u.hello.name = name_of("x");
    for (size_t i = 0; i < sizeof empty_c2s; i++)
        NEXT(empty_c2s[i], PROTO_C2S);
    NEXT(PROTO_JOIN_ROOM, PROTO_C2S);
    memcpy(m->u.room.code, "Z9A2HJ", 7);
    NEXT(PROTO_RESUME, PROTO_C2S);
    memset(m->u.resume.token, 0xFF, PROTO_TOKEN_LEN);
    NEXT(PROTO_SPECTATE, PROTO_C2S);
    m->u.spectate.game_id = UINT32_MAX;
    NEXT(PROTO_SPECTATE, PROTO_C2S);
    m->u.spectate.game_id = 0;
    NEXT(PROTO_MOVE, PROTO_C2S);
    m->u.move.ply = 8;
    m->u.move.cell = 8;
    NEXT(PROTO_MOVE, PROTO_C2S);
    for (int d = PROTO_C2S; d <= PROTO_S2C; d++) {
        NEXT(PROTO_PING, (enum proto_dir)d);
        m->u.ping.nonce = UINT32_MAX;
        NEXT(PROTO_PONG, (enum proto_dir)d);
        m->u.ping.nonce = 0;
    }
    NEXT(PROTO_WELCOME, PROTO_S2C);
    m->u.welcome.version = 1;
    memset(m->u.welcome.token, 0xA5, PROTO_TOKEN_LEN);
    m->u.welcome.turn_s = UINT16_MAX;
    m->u.welcome.grace_s = UINT16_MAX;
    NEXT(PROTO_QUEUED, PROTO_S2C);
    NEXT(PROTO_ROOM_CREATED, PROTO_S2C);
    memcpy(m->u.room.code, "ABCXYZ", 7);
    NEXT(PROTO_GAME_START, PROTO_S2C);
    m->u.game_start.game_id = UINT32_MAX;
    m->u.game_start.you = PROTO_SPECTATOR;
    m->u.game_start.x_name = name_of("0123456789abcdef");
    m->u.game_start.o_name = name_of("\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC!");
    NEXT(PROTO_STATE, PROTO_S2C);
    m->u.state.game_id = UINT32_MAX;
    m->u.state.ply = 9;
    memcpy(m->u.state.cells, "\1\2\1\1\2\2\2\1\1", 9);
    m->u.state.ms_left = UINT32_MAX;
    NEXT(PROTO_STATE, PROTO_S2C);
    m->u.state.game_id = 1;
    m->u.state.to_move = 1;
    NEXT(PROTO_GAME_LIST, PROTO_S2C);
    NEXT(PROTO_GAME_LIST, PROTO_S2C);
    full_game_list(m);
    NEXT(PROTO_MOVED, PROTO_S2C);
    m->u.moved.ply = 8;
    m->u.moved.cell = 8;
    m->u.moved.mark = 2;
    m->u.moved.ms_left = UINT32_MAX;
    for (size_t i = 0; i < 8; i++) {
        NEXT(PROTO_GAME_OVER, PROTO_S2C);
        m->u.game_over.winner = (uint8_t)(1 + i % 2);
        m->u.game_over.reason = PROTO_REASON_LINE;
        memcpy(m->u.game_over.line, lines[i], 3);
    }
    for (uint8_t reason = PROTO_REASON_FULL; reason <= PROTO_REASON_ABORTED; reason++) {
        NEXT(PROTO_GAME_OVER, PROTO_S2C);
        m->u.game_over.winner = reason == PROTO_REASON_FULL || reason == PROTO_REASON_ABORTED ? 0 : 2;
        m->u.game_over.reason = reason;
        memset(m->u.game_over.line, PROTO_NO_CELL, 3);
    }
    for (uint8_t ev = PROTO_OPP_DISCONNECTED; ev <= PROTO_OPP_REMATCH; ev++) {
        NEXT(PROTO_OPPONENT, PROTO_S2C);
        m->u.opponent.event = ev;
        m->u.opponent.grace_s = ev == PROTO_OPP_DISCONNECTED ? UINT16_MAX : 0;
    }
    NEXT(PROTO_ERROR, PROTO_S2C);
    m->u.error.code = UINT8_MAX;
    m->u.error.message.len = PROTO_TEXT_MAX;
    for (size_t i = 0; i < PROTO_TEXT_MAX; i += 3)
        memcpy(m->u.error.message.s + i, "\xE2\x9C\x93", 3); /* 85 x U+2713 */
    NEXT(PROTO_ERROR, PROTO_S2C);
    m->u.error.code = PROTO_ERR_BAD_FRAME;
#undef NEXT
    return n;
}

/* Every message type round-trips at its edge values, encoded flush against a guard page and read back
 * whole and byte by byte. */
static void round_trip_every_type(void **state)
{
    static struct proto_msg ms[64];
    enum proto_dir dirs[64];
    size_t n = edge_messages(ms, dirs, 64);
    uint8_t *end = guard_end(2 * PROTO_FRAME_MAX);
    int types_seen[256] = {0}, distinct = 0;

    (void)state;
    assert_non_null(end);
    for (size_t i = 0; i < n; i++) {
        uint8_t first[PROTO_FRAME_MAX];
        struct proto_msg back;
        struct proto_reader r;
        struct proto_frame fr;
        size_t used;
        int len, rc;

        len = proto_encode(&ms[i], first, sizeof first);
        EXPECT(len >= PROTO_HEADER_LEN, "message %zu (%s): encode gives %d", i, proto_type_name(ms[i].type), len);
        /* The encoder writes exactly len bytes: a buffer of that size, ending at the guard page. */
        rc = proto_encode(&ms[i], end - len, (size_t)len);
        EXPECT(rc == len && memcmp(end - len, first, (size_t)len) == 0, "message %zu: guarded encode", i);
        rc = decode_bytes(dirs[i], end - len, (size_t)len, &back);
        EXPECT(rc == PROTO_OK && msg_equal(&back, &ms[i]), "message %zu (%s): decode gives %s", i,
               proto_type_name(ms[i].type), proto_strerror(rc));
        /* Byte by byte through the reader. */
        reader_for(&r, dirs[i]);
        for (int k = 0; k < len; k++) {
            rc = proto_reader_feed(&r, first + k, 1, &used, &fr);
            EXPECT(rc == (k + 1 == len ? PROTO_FRAME : PROTO_NEED_MORE), "message %zu: byte %d gives %s", i,
                   k + 1, proto_strerror(rc));
        }
        rc = proto_decode(dirs[i], &fr, &back);
        EXPECT(rc == PROTO_OK && msg_equal(&back, &ms[i]), "message %zu: byte-by-byte decode", i);
        if (!types_seen[ms[i].type]++)
            distinct++;
    }
    /* 11 client types, 2 both ways, 10 server types. */
    assert_int_equal(distinct, 23);
}

/* The 32-entry GAME_LIST with 16-byte names fills exactly the largest s2c payload. */
static void game_list_full_is_largest_frame(void **state)
{
    static struct proto_msg m;
    uint8_t out[PROTO_FRAME_MAX];

    (void)state;
    full_game_list(&m);
    assert_int_equal(proto_encode(&m, out, sizeof out), PROTO_S2C_FRAME_MAX);
    assert_int_equal(out[1] << 8 | out[2], PROTO_S2C_PAYLOAD_MAX);
}

/* An output buffer one byte short (or empty) gives NO_SPACE, for every message. */
static void encode_no_space(void **state)
{
    static struct proto_msg ms[64];
    enum proto_dir dirs[64];
    size_t n = edge_messages(ms, dirs, 64);
    uint8_t *end = guard_end(2 * PROTO_FRAME_MAX);

    (void)state;
    assert_non_null(end);
    for (size_t i = 0; i < n; i++) {
        uint8_t buf[PROTO_FRAME_MAX];
        int len = proto_encode(&ms[i], buf, sizeof buf);
        assert_true(len > 0);
        EXPECT(proto_encode(&ms[i], end - (len - 1), (size_t)len - 1) == PROTO_E_NO_SPACE,
               "message %zu: one byte short", i);
        EXPECT(proto_encode(&ms[i], end, 0) == PROTO_E_NO_SPACE, "message %zu: empty buffer", i);
    }
}

/* Fields the wire cannot carry give INVALID: unknown type, names over 16 bytes, a payload under its
 * type's minimum, over 32 list entries. */
static void encode_invalid_fields(void **state)
{
    static struct proto_msg m;
    uint8_t out[PROTO_FRAME_MAX];

    (void)state;
    memset(&m, 0, sizeof m);
    m.type = 0x3F;
    assert_int_equal(proto_encode(&m, out, sizeof out), PROTO_E_INVALID);
    m.type = 0xFF;
    assert_int_equal(proto_encode(&m, out, sizeof out), PROTO_E_INVALID);

    memset(&m, 0, sizeof m);
    m.type = PROTO_HELLO;
    m.u.hello.version = 1;
    m.u.hello.name.len = PROTO_NAME_MAX + 1;
    assert_int_equal(proto_encode(&m, out, sizeof out), PROTO_E_INVALID);

    memset(&m, 0, sizeof m);
    m.type = PROTO_GAME_START;
    m.u.game_start.game_id = 1;
    m.u.game_start.x_name = name_of("a");
    m.u.game_start.o_name.len = 200;
    assert_int_equal(proto_encode(&m, out, sizeof out), PROTO_E_INVALID);
    /* Two empty names: 7 bytes, under GAME_START's 9, which the peer's header check refuses. */
    m.u.game_start.x_name.len = 0;
    m.u.game_start.o_name.len = 0;
    assert_int_equal(proto_encode(&m, out, sizeof out), PROTO_E_INVALID);

    full_game_list(&m);
    m.u.game_list.count = PROTO_LIST_MAX + 1;
    assert_int_equal(proto_encode(&m, out, sizeof out), PROTO_E_INVALID);
    full_game_list(&m);
    m.u.game_list.games[31].x_name.len = PROTO_NAME_MAX + 1;
    assert_int_equal(proto_encode(&m, out, sizeof out), PROTO_E_INVALID);
}

/* ------------------------------------------------- decoder checks */

struct bad_case {
    enum proto_dir dir;
    int want;
    const char *what;
    size_t n;
    const uint8_t *b;
};

#define CASE(d, w, what, ...)                                                                      \
    {d, w, what, sizeof((const uint8_t[]){__VA_ARGS__}), (const uint8_t[]){__VA_ARGS__}}

/* Hand-made payloads that break one rule each get the contract's error. */
static void decoder_rejects_each_rule(void **state)
{
    const struct bad_case cases[] = {
        CASE(PROTO_C2S, PROTO_E_BAD_VERSION, "HELLO version 2",
             0x01, 0, 11, 'T', 'T', 'T', 'P', 2, 5, 'a', 'l', 'i', 'c', 'e'),
        CASE(PROTO_C2S, PROTO_E_BAD_VERSION, "HELLO version 0, broken name after it",
             0x01, 0, 9, 'T', 'T', 'T', 'P', 0, 9, 0xFF, 0x00, 0x01),
        CASE(PROTO_C2S, PROTO_E_BAD_FRAME, "HELLO bad magic and version 2",
             0x01, 0, 7, 'T', 'T', 'T', 'Q', 2, 1, 'a'),
        CASE(PROTO_C2S, PROTO_E_BAD_NAME, "HELLO name with a surrogate",
             0x01, 0, 9, 'T', 'T', 'T', 'P', 1, 3, 0xED, 0xA0, 0x80),
        CASE(PROTO_C2S, PROTO_E_BAD_NAME, "HELLO name over U+10FFFF",
             0x01, 0, 10, 'T', 'T', 'T', 'P', 1, 4, 0xF4, 0x90, 0x80, 0x80),
        CASE(PROTO_C2S, PROTO_E_BAD_NAME, "HELLO name with a truncated sequence",
             0x01, 0, 8, 'T', 'T', 'T', 'P', 1, 2, 'a', 0xE2),
        CASE(PROTO_C2S, PROTO_E_BAD_NAME, "HELLO name with NUL",
             0x01, 0, 8, 'T', 'T', 'T', 'P', 1, 2, 'a', 0x00),
        CASE(PROTO_C2S, PROTO_E_BAD_FRAME, "HELLO name length past the payload",
             0x01, 0, 8, 'T', 'T', 'T', 'P', 1, 16, 'a', 'b'),
        CASE(PROTO_C2S, PROTO_E_BAD_FRAME, "HELLO of 5 bytes", 0x01, 0, 5, 'T', 'T', 'T', 'P', 1),
        CASE(PROTO_C2S, PROTO_E_BAD_FRAME, "MOVE ply 9", 0x10, 0, 2, 9, 0),
        CASE(PROTO_C2S, PROTO_E_BAD_FRAME, "JOIN_ROOM code with I", 0x04, 0, 6, 'I', 'B', 'C', 'D', 'E', 'F'),
        CASE(PROTO_C2S, PROTO_E_BAD_FRAME, "JOIN_ROOM code with 1", 0x04, 0, 6, 'A', 'B', 'C', 'D', 'E', '1'),
        CASE(PROTO_C2S, PROTO_E_BAD_FRAME, "SPECTATE of 5 bytes", 0x06, 0, 5, 0, 0, 0, 1, 0),
        CASE(PROTO_C2S, PROTO_E_BAD_FRAME, "a server message from a client", 0x82, 0, 0),
        CASE(PROTO_C2S, PROTO_E_BAD_FRAME, "ERROR from a client", 0xE0, 0, 2, 1, 0),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "a client message from the server", 0x02, 0, 0),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "HELLO from the server",
             0x01, 0, 11, 'T', 'T', 'T', 'P', 1, 5, 'a', 'l', 'i', 'c', 'e'),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "WELCOME version 2",
             0x81, 0, 21, 2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 30, 0, 20),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "ROOM_CREATED lowercase", 0x83, 0, 6, 'a', 'B', 'C', 'D', 'E', 'F'),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "GAME_START you 0", 0x84, 0, 9, 0, 0, 0, 1, 0, 1, 'a', 1, 'b'),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "GAME_START you 4", 0x84, 0, 9, 0, 0, 0, 1, 4, 1, 'a', 1, 'b'),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "GAME_START empty o_name", 0x84, 0, 9, 0, 0, 0, 1, 1, 1, 'a', 0, 'b'),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "GAME_START trailing byte",
             0x84, 0, 10, 0, 0, 0, 1, 1, 1, 'a', 1, 'b', 0),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "GAME_START name with DEL", 0x84, 0, 9, 0, 0, 0, 1, 1, 1, 0x7F, 1, 'b'),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "STATE game_id 0",
             0x85, 0, 19, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "STATE ply 10",
             0x85, 0, 19, 0, 0, 0, 1, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "STATE to_move 3",
             0x85, 0, 19, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "GAME_LIST count 33", 0x86, 0, 1, 33),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "GAME_LIST count 1, no entry", 0x86, 0, 1, 1),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "GAME_LIST count 0, trailing byte", 0x86, 0, 2, 0, 0),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "GAME_LIST entry game_id 0",
             0x86, 0, 10, 1, 0, 0, 0, 0, 0, 1, 'a', 1, 'b'),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "GAME_LIST entry ply 10",
             0x86, 0, 10, 1, 0, 0, 0, 1, 10, 1, 'a', 1, 'b'),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "GAME_LIST entry name past the end",
             0x86, 0, 10, 1, 0, 0, 0, 1, 0, 1, 'a', 2, 'b'),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "GAME_LIST entry trailing byte",
             0x86, 0, 11, 1, 0, 0, 0, 1, 0, 1, 'a', 1, 'b', 0),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "MOVED ply 9", 0x90, 0, 7, 9, 0, 1, 0, 0, 0, 0),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "MOVED mark 0", 0x90, 0, 7, 0, 0, 0, 0, 0, 0, 0),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "OPPONENT event 0", 0x92, 0, 3, 0, 0, 0),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "OPPONENT event 5", 0x92, 0, 3, 5, 0, 0),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "ERROR code 0", 0xE0, 0, 2, 0, 0),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "ERROR message with a newline", 0xE0, 0, 4, 1, 2, 'a', '\n'),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "ERROR message not UTF-8", 0xE0, 0, 4, 1, 2, 'a', 0x80),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "ERROR trailing byte", 0xE0, 0, 4, 1, 1, 'a', 'b'),
        CASE(PROTO_S2C, PROTO_E_BAD_FRAME, "PING of 5 bytes", 0x70, 0, 5, 0, 0, 0, 0, 0),
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct bad_case *c = &cases[i];
        struct proto_msg m;
        size_t used;
        int rc = decode_bytes(c->dir, c->b, c->n, &m);

        EXPECT(rc == c->want, "%s: decode gives %s", c->what, proto_strerror(rc));
        rc = feed_and_decode(c->dir, c->b, c->n, &m, &used);
        EXPECT(rc == c->want, "%s: reader + decode gives %s", c->what, proto_strerror(rc));
    }
}

/* GAME_LIST: 32 well-formed entries are accepted, 33 are refused even when every entry parses. */
static void decoder_game_list_count_limit(void **state)
{
    uint8_t f[PROTO_HEADER_LEN + 1 + 33 * 9];

    (void)state;
    for (uint8_t count = 32; count <= 33; count++) {
        size_t n = PROTO_HEADER_LEN + 1;
        struct proto_msg m;

        for (uint8_t i = 0; i < count; i++) {
            const uint8_t e[9] = {0, 0, 1, (uint8_t)(i + 1), 0, 1, 'x', 1, 'o'};
            memcpy(f + n, e, sizeof e);
            n += sizeof e;
        }
        f[0] = PROTO_GAME_LIST;
        f[1] = (uint8_t)((n - PROTO_HEADER_LEN) >> 8);
        f[2] = (uint8_t)(n - PROTO_HEADER_LEN);
        f[3] = count;
        assert_int_equal(decode_bytes(PROTO_S2C, f, n, &m), count == 32 ? PROTO_OK : PROTO_E_BAD_FRAME);
        if (count == 32)
            assert_int_equal(m.u.game_list.games[31].game_id, 256 + 32);
    }
}

/* GAME_OVER: every winner x reason x line combination (cells 0..9 and FF) is accepted exactly when the
 * rules allow it. */
static void decoder_game_over_rules(void **state)
{
    static const uint8_t lines[8][3] = {{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {0, 3, 6},
                                        {1, 4, 7}, {2, 5, 8}, {0, 4, 8}, {2, 4, 6}};
    static const uint8_t vals[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xFF};
    size_t accepted = 0;

    (void)state;
    for (uint8_t w = 0; w < 4; w++)
        for (uint8_t reason = 0; reason < 8; reason++)
            for (size_t a = 0; a < sizeof vals; a++)
                for (size_t b = 0; b < sizeof vals; b++)
                    for (size_t c = 0; c < sizeof vals; c++) {
                        uint8_t f[8] = {0x91, 0, 5, w, reason, vals[a], vals[b], vals[c]};
                        int none = vals[a] == 0xFF && vals[b] == 0xFF && vals[c] == 0xFF, line = 0, ok;
                        struct proto_msg m;

                        for (size_t k = 0; k < 8; k++)
                            line |= memcmp(lines[k], f + 5, 3) == 0;
                        if (w > 2 || reason < 1 || reason > 6)
                            ok = 0;
                        else if (reason == PROTO_REASON_LINE)
                            ok = w != 0 && line;
                        else if (reason == PROTO_REASON_FULL || reason == PROTO_REASON_ABORTED)
                            ok = w == 0 && none;
                        else
                            ok = w != 0 && none;
                        accepted += (size_t)ok;
                        EXPECT(decode_bytes(PROTO_S2C, f, sizeof f, &m) == (ok ? PROTO_OK : PROTO_E_BAD_FRAME),
                               "GAME_OVER %u %u %02x %02x %02x", w, reason, f[5], f[6], f[7]);
                    }
    /* 2 winners x 8 lines for reason 1, plus 2 + 2 + 2 + 1 + 1 for reasons 2..6. */
    assert_int_equal(accepted, 16 + 8);
}

/* STATE: each cell value 0..2 is accepted in every position, 3 and up rejected. */
static void decoder_state_cells(void **state)
{
    (void)state;
    for (size_t i = 0; i < PROTO_CELLS; i++)
        for (unsigned v = 0; v < 256; v++) {
            uint8_t f[22] = {0x85, 0, 19, 0, 0, 0, 7, 0};
            struct proto_msg m;
            f[8 + i] = (uint8_t)v;
            f[7] = v != 0 && v <= 2; /* ply = marks, though the decoder does not insist */
            EXPECT(decode_bytes(PROTO_S2C, f, sizeof f, &m) == (v <= 2 ? PROTO_OK : PROTO_E_BAD_FRAME),
                   "STATE cell %zu = %u", i, v);
        }
}

/* The header check agrees with the contract's table for every type and every length up to past the
 * largest payload (and a few beyond), both ways. */
static void header_limits_match_contract(void **state)
{
    static const uint32_t big[] = {1300, 4096, 32768, 65534, 65535};

    (void)state;
    for (int d = PROTO_C2S; d <= PROTO_S2C; d++)
        for (unsigned t = 0; t < 256; t++) {
            for (uint32_t len = 0; len < PROTO_S2C_PAYLOAD_MAX + 8 + sizeof big / sizeof big[0]; len++) {
                uint32_t l = len < PROTO_S2C_PAYLOAD_MAX + 8 ? len : big[len - PROTO_S2C_PAYLOAD_MAX - 8];
                int want = header_ok((enum proto_dir)d, (uint8_t)t, (uint16_t)l) ? PROTO_OK : PROTO_E_BAD_FRAME;
                if (proto_check_header((enum proto_dir)d, (uint8_t)t, (uint16_t)l) != want)
                    fail_msg("dir %d type 0x%02x len %u: got the wrong answer", d, t, (unsigned)l);
            }
        }
}

/* ------------------------------------------------- the frame reader */

/* A whole frame inside the caller's chunk with nothing held is returned in place, without a copy. */
static void reader_zero_copy_when_whole(void **state)
{
    static const uint8_t two[] = {0x10, 0, 2, 0, 4, 0x10, 0, 2, 1, 0};
    struct proto_reader r;
    struct proto_frame fr;
    size_t used;

    (void)state;
    reader_for(&r, PROTO_C2S);
    assert_int_equal(proto_reader_feed(&r, two, sizeof two, &used, &fr), PROTO_FRAME);
    assert_int_equal(used, 5);
    assert_ptr_equal(fr.payload, two + 3);
    assert_int_equal(proto_reader_feed(&r, two + 5, 5, &used, &fr), PROTO_FRAME);
    assert_int_equal(used, 5);
    assert_ptr_equal(fr.payload, two + 8);
    assert_int_equal(proto_reader_pending(&r), 0);
}

/* A split frame is copied into the caller's buffer, and held bytes are reported as pending. */
static void reader_copies_split_frame(void **state)
{
    static const uint8_t move[] = {0x10, 0, 2, 3, 7, 0x70};
    struct proto_reader r;
    struct proto_frame fr;
    struct proto_msg m;
    size_t used;

    (void)state;
    reader_for(&r, PROTO_C2S);
    assert_int_equal(proto_reader_feed(&r, move, 4, &used, &fr), PROTO_NEED_MORE);
    assert_int_equal(used, 4);
    assert_int_equal(proto_reader_pending(&r), 4);
    assert_int_equal(proto_reader_feed(&r, move + 4, 2, &used, &fr), PROTO_FRAME);
    assert_int_equal(used, 1);
    assert_ptr_equal(fr.payload, reader_buf + PROTO_HEADER_LEN);
    assert_int_equal(proto_decode(PROTO_C2S, &fr, &m), PROTO_OK);
    assert_int_equal(m.u.move.ply, 3);
    assert_int_equal(m.u.move.cell, 7);
    assert_int_equal(proto_reader_pending(&r), 0);
    assert_int_equal(proto_reader_feed(&r, move + 5, 1, &used, &fr), PROTO_NEED_MORE);
    assert_int_equal(proto_reader_pending(&r), 1);
    assert_int_equal(proto_reader_feed(&r, move, 0, &used, &fr), PROTO_NEED_MORE);
    assert_int_equal(used, 0);
}

/* A reader error is sticky: no later input is taken. */
static void reader_error_is_sticky(void **state)
{
    static const uint8_t bad[] = {0x3F, 0, 0, 0x02, 0, 0};
    struct proto_reader r;
    struct proto_frame fr;
    size_t used;

    (void)state;
    reader_for(&r, PROTO_C2S);
    assert_int_equal(proto_reader_feed(&r, bad, sizeof bad, &used, &fr), PROTO_E_BAD_FRAME);
    assert_int_equal(used, 3);
    assert_int_equal(proto_reader_feed(&r, bad + 3, 3, &used, &fr), PROTO_E_BAD_FRAME);
    assert_int_equal(used, 0);
}

/* A header whose frame would overflow the caller's buffer is refused, not written past the buffer. */
static void reader_refuses_frame_larger_than_buffer(void **state)
{
    static const uint8_t list[] = {0x86, 0x00, 0x20};
    uint8_t small[PROTO_C2S_FRAME_MAX];
    struct proto_reader r;
    struct proto_frame fr;
    size_t used;

    (void)state;
    proto_reader_init(&r, PROTO_S2C, small, sizeof small);
    assert_int_equal(proto_reader_feed(&r, list, sizeof list, &used, &fr), PROTO_E_BAD_FRAME);
}

/* A server stream is read with the server's type table, a client stream with the client's. */
static void reader_uses_direction(void **state)
{
    static const uint8_t queued[] = {0x82, 0, 0};
    struct proto_reader r;
    struct proto_frame fr;
    size_t used;

    (void)state;
    reader_for(&r, PROTO_S2C);
    assert_int_equal(proto_reader_feed(&r, queued, 3, &used, &fr), PROTO_FRAME);
    reader_for(&r, PROTO_C2S);
    assert_int_equal(proto_reader_feed(&r, queued, 3, &used, &fr), PROTO_E_BAD_FRAME);
}

/* ----------------------------------------------- names and codes */

/* text_name_valid on a copy of s[0..n) that ends flush against the guard page. */
static int name_ok(const char *s, size_t n)
{
    uint8_t *end = guard_end(2 * PROTO_FRAME_MAX);

    assert_non_null(end);
    memcpy(end - n, s, n);
    return text_name_valid((const char *)end - n, n);
}

/* Names of 1..16 bytes of printable UTF-8 (2-, 3- and 4-byte forms included) are valid. */
static void name_valid_multibyte(void **state)
{
    (void)state;
    assert_true(name_ok("a", 1));
    assert_true(name_ok("a ~", 3));                           /* a space inside */
    assert_true(name_ok("\xC3\xA9lodie", 7));                 /* U+00E9 */
    assert_true(name_ok("\xC2\xA0", 2));                      /* U+00A0, after C1 */
    assert_true(name_ok("\xC2\xAC", 2));                      /* U+00AC, before U+00AD */
    assert_true(name_ok("\xC2\xAE", 2));                      /* U+00AE, after it */
    assert_true(name_ok("\xE0\xA0\x80", 3));                  /* U+0800, smallest 3-byte */
    assert_true(name_ok("\xED\x9F\xBF", 3));                  /* U+D7FF, just below surrogates */
    assert_true(name_ok("\xEE\x80\x80", 3));                  /* U+E000, just above */
    assert_true(name_ok("\xF0\x9F\x98\x80", 4));              /* U+1F600 */
    assert_true(name_ok("\xF4\x8F\xBF\xBF", 4));              /* U+10FFFF */
    assert_true(name_ok("\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 16));
}

/* Empty, 17-byte, control, DEL, surrogate, overlong, out-of-range and truncated names are invalid. */
static void name_invalid_forms(void **state)
{
    struct proto_name n;

    (void)state;
    assert_false(name_ok("", 0));
    assert_false(name_ok("abcdefghijklmnopq", 17));
    assert_false(name_ok("a\x1f", 2));
    assert_false(name_ok("a\x7f", 2));
    assert_false(name_ok("a\0b", 3));
    assert_false(name_ok("\xED\xA0\x80", 3));                 /* U+D800 surrogate */
    assert_false(name_ok("\xED\xBF\xBF", 3));                 /* U+DFFF surrogate */
    assert_false(name_ok("\xC0\xAF", 2));                     /* overlong '/' */
    assert_false(name_ok("\xC1\xBF", 2));                     /* overlong */
    assert_false(name_ok("\xE0\x80\xAF", 3));                 /* overlong '/' */
    assert_false(name_ok("\xE0\x9F\xBF", 3));                 /* overlong U+07FF */
    assert_false(name_ok("\xF0\x8F\xBF\xBF", 4));             /* overlong U+FFFF */
    assert_false(name_ok("\xF4\x90\x80\x80", 4));             /* U+110000 */
    assert_false(name_ok("\xF5\x80\x80\x80", 4));
    assert_false(name_ok("\xFF", 1));
    assert_false(name_ok("\x80", 1));                         /* lone continuation */
    assert_false(name_ok("a\xE2\x82", 3));                    /* truncated 3-byte */
    assert_false(name_ok("\xF0\x9F\x98", 3));                 /* truncated 4-byte */
    assert_false(name_ok("\xE2\x28\xA1", 3));                 /* bad 2nd byte */
    assert_false(name_ok("\xE2\x82\x28", 3));                 /* bad 3rd byte */
    assert_false(name_ok("\xF0\x9F\x98\xC0", 4));             /* bad 4th byte */
    assert_false(name_ok("\xC3", 1));                         /* truncated 2-byte */
    assert_false(name_ok(" bob", 4));                         /* leading space */
    assert_false(name_ok("bob ", 4));                         /* trailing space */
    assert_false(name_ok(" ", 1));
    assert_int_equal(proto_name_set(&n, "abcdefghijklmnopq"), PROTO_E_BAD_NAME);
    assert_int_equal(proto_name_set(&n, ""), PROTO_E_BAD_NAME);
    assert_int_equal(proto_name_set(&n, "\xED\xA0\x80"), PROTO_E_BAD_NAME);
    assert_int_equal(proto_name_set(&n, "bob"), PROTO_OK);
    assert_int_equal(n.len, 3);
    assert_string_equal(n.s, "bob");
}

/* Room codes: each of the 32 alphabet characters is accepted in every position, every other byte refused. */
static void code_alphabet_only(void **state)
{
    (void)state;
    for (size_t pos = 0; pos < PROTO_CODE_LEN; pos++)
        for (unsigned c = 0; c < 256; c++) {
            char code[PROTO_CODE_LEN] = {'A', 'B', 'C', '2', '3', '4'};
            code[pos] = (char)c;
            int want = c != 0 && strchr(PROTO_CODE_ALPHABET, (int)c) != NULL;
            EXPECT(proto_code_valid(code) == want, "code byte 0x%02x at %zu", c, pos);
        }
    assert_int_equal(strlen(PROTO_CODE_ALPHABET), 32);
}

/* Room codes as typed: either case, exactly 6 characters, upper case out. */
static void code_from_text(void **state)
{
    (void)state;
    char out[PROTO_CODE_LEN + 1];
    assert_int_equal(proto_code_from_text("k7qx2m", out), 0);
    assert_string_equal(out, "K7QX2M");
    assert_int_equal(proto_code_from_text("ABCDEF", out), 0);
    assert_string_equal(out, "ABCDEF");
    static const char *const bad[] = { "", "ABCDE", "ABCDEFG", "ABCDE1", "abcdeo", "ABC EF", "ABCDE\xC3" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        EXPECT(proto_code_from_text(bad[i], out) == -1, "'%s'", bad[i]);
}

/* ------------------------------------------------- tables and names */

/* The fatal/non-fatal table of the contract, UNEXPECTED fatal only before HELLO. */
static void error_fatal_table(void **state)
{
    static const int fatal[16] = {0, 1, 1, 1, -1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1};

    (void)state;
    for (uint8_t code = 0; code < 16; code++) {
        int before = fatal[code] < 0 ? 1 : fatal[code], after = fatal[code] < 0 ? 0 : fatal[code];
        EXPECT(proto_error_fatal(code, 1) == before && proto_error_fatal(code, 0) == after,
               "ERROR code %u", code);
        EXPECT(code == 0 || strcmp(proto_error_name(code), "UNKNOWN") != 0, "code %u unnamed", code);
    }
    assert_false(proto_error_fatal(200, 0));
    assert_string_equal(proto_error_name(0), "UNKNOWN");
    assert_string_equal(proto_error_name(16), "UNKNOWN");
    assert_string_equal(proto_error_name(PROTO_ERR_SLOW_DOWN), "SLOW_DOWN");
}

/* Decode failures map to their wire error codes. */
static void status_to_wire_error(void **state)
{
    (void)state;
    assert_int_equal(proto_status_to_error(PROTO_E_BAD_FRAME), PROTO_ERR_BAD_FRAME);
    assert_int_equal(proto_status_to_error(PROTO_E_BAD_VERSION), PROTO_ERR_BAD_VERSION);
    assert_int_equal(proto_status_to_error(PROTO_E_BAD_NAME), PROTO_ERR_BAD_NAME);
    assert_int_equal(proto_status_to_error(PROTO_OK), 0);
}

/* Every name function answers for every input, never NULL. */
static void names_never_null(void **state)
{
    (void)state;
    for (int i = -10; i < 10; i++)
        assert_non_null(proto_strerror(i));
    for (unsigned t = 0; t < 256; t++) {
        int known = 0;
        for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
            known |= limits[i].type == t;
        EXPECT((strcmp(proto_type_name((uint8_t)t), "UNKNOWN") != 0) == known, "type 0x%02x name", t);
        assert_non_null(proto_reason_name((uint8_t)t));
        assert_non_null(proto_error_name((uint8_t)t));
    }
    assert_string_equal(proto_reason_name(PROTO_REASON_FORFEIT), "forfeit");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vectors_file_matches_shared_copy),
        cmocka_unit_test(vectors_file_has_every_kind),
        cmocka_unit_test(vectors_valid_decode_to_fields_and_reencode),
        cmocka_unit_test(vectors_invalid_rejected),
        cmocka_unit_test(vectors_partial_need_more),
        cmocka_unit_test(vectors_valid_every_prefix_then_frame),
        cmocka_unit_test(vectors_random_chunkings_same_frames),
        cmocka_unit_test(vectors_no_overread_at_guard_page),
        cmocka_unit_test(round_trip_every_type),
        cmocka_unit_test(game_list_full_is_largest_frame),
        cmocka_unit_test(encode_no_space),
        cmocka_unit_test(encode_invalid_fields),
        cmocka_unit_test(decoder_rejects_each_rule),
        cmocka_unit_test(decoder_game_list_count_limit),
        cmocka_unit_test(decoder_game_over_rules),
        cmocka_unit_test(decoder_state_cells),
        cmocka_unit_test(header_limits_match_contract),
        cmocka_unit_test(reader_zero_copy_when_whole),
        cmocka_unit_test(reader_copies_split_frame),
        cmocka_unit_test(reader_error_is_sticky),
        cmocka_unit_test(reader_refuses_frame_larger_than_buffer),
        cmocka_unit_test(reader_uses_direction),
        cmocka_unit_test(name_valid_multibyte),
        cmocka_unit_test(name_invalid_forms),
        cmocka_unit_test(code_alphabet_only),
        cmocka_unit_test(code_from_text),
        cmocka_unit_test(error_fatal_table),
        cmocka_unit_test(status_to_wire_error),
        cmocka_unit_test(names_never_null),
    };
    int rc = cmocka_run_group_tests(tests, load_vectors, guard_teardown);

    return rc;
}
