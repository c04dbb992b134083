/* SPDX-License-Identifier: MIT */
/* discovery.c: the discovery datagrams of discovery.h -- QUERY and ANSWER,
 * decoded and encoded at fixed offsets (docs/PROTOCOL.md, "Discovery on the
 * local network"). Pure: no allocation, no globals written, never reads
 * past the bytes it is given; integers are big-endian (be.h). */
#include "discovery.h"
#include "be.h"
#include "text.h"

#include <string.h>

_Static_assert(DISC_ANSWER_MAX <= DISC_QUERY_LEN, "an ANSWER must never be larger than a QUERY");
_Static_assert(DISC_NAME_MAX <= UINT8_MAX, "a name's length is one byte");

/* Offsets in the datagram. */
enum {
    OFF_MAGIC = 0,
    OFF_VERSION = 4,
    OFF_TYPE = 5,
    OFF_ID = 6,
    /* ANSWER */
    OFF_SERVER_ID = DISC_HEADER_LEN,
    OFF_TCP_PORT = OFF_SERVER_ID + 4,
    OFF_PROTO_VERSION = OFF_TCP_PORT + 2,
    OFF_FLAGS = OFF_PROTO_VERSION + 1,
    OFF_PLAYERS = OFF_FLAGS + 1,
    OFF_GAMES = OFF_PLAYERS + 4,
    OFF_NAME_LEN = OFF_GAMES + 4,
    OFF_NAME = OFF_NAME_LEN + 1
};
_Static_assert(OFF_NAME == DISC_HEADER_LEN + DISC_ANSWER_FIELDS_LEN, "ANSWER layout");

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return 0;
    return 1;
}

/* ---------------------------------------------------------------- names */

int disc_name_set(struct disc_name *name, const char *s, size_t n)
{
    if (!text_name_valid_max(s, n, DISC_NAME_MAX))
        return DISC_E_INVALID;
    memcpy(name->s, s, n);
    name->s[n] = '\0';
    name->len = (uint8_t)n;
    return DISC_OK;
}

void disc_name_fit(struct disc_name *name, const char *text, const char *fallback)
{
    size_t n = text_name_fit(text, strlen(text), DISC_NAME_MAX, name->s);

    if (n == 0)
        n = text_name_fit(fallback, strlen(fallback), DISC_NAME_MAX, name->s);
    name->len = (uint8_t)n;
}

/* --------------------------------------------------------------- decode */

static int decode_answer(const uint8_t *d, size_t n, struct disc_answer *a)
{
    size_t name_len;

    if (n < DISC_ANSWER_MIN)
        return DISC_E_BAD;
    name_len = d[OFF_NAME_LEN];
    if (n != OFF_NAME + name_len)
        return DISC_E_BAD; /* the name runs past the datagram, or bytes follow it */
    a->server_id = get32(d + OFF_SERVER_ID);
    a->tcp_port = get16(d + OFF_TCP_PORT);
    a->proto_version = d[OFF_PROTO_VERSION];
    a->flags = d[OFF_FLAGS];
    a->players = get32(d + OFF_PLAYERS);
    a->games = get32(d + OFF_GAMES);
    if (a->tcp_port == 0 || a->proto_version == 0 ||
        disc_name_set(&a->name, (const char *)d + OFF_NAME, name_len) != DISC_OK)
        return DISC_E_BAD;
    return DISC_OK;
}

int disc_decode(const uint8_t *d, size_t n, struct disc_msg *out)
{
    if (n < DISC_HEADER_LEN || memcmp(d + OFF_MAGIC, DISC_MAGIC, DISC_MAGIC_LEN) != 0)
        return DISC_E_BAD;
    if (d[OFF_VERSION] != DISC_VERSION)
        return DISC_E_VERSION;
    out->type = d[OFF_TYPE];
    out->id = get32(d + OFF_ID);
    switch (out->type) {
    case DISC_QUERY:
        if (n != DISC_QUERY_LEN || !all_zero(d + DISC_HEADER_LEN, n - DISC_HEADER_LEN))
            return DISC_E_BAD;
        return DISC_OK;
    case DISC_ANSWER:
        return decode_answer(d, n, &out->answer);
    default:
        return DISC_E_BAD;
    }
}

/* --------------------------------------------------------------- encode */

static int encode_answer(const struct disc_answer *a, uint8_t *buf, size_t cap)
{
    size_t n = (size_t)OFF_NAME + a->name.len;

    if (a->tcp_port == 0 || a->proto_version == 0 ||
        !text_name_valid_max(a->name.s, a->name.len, DISC_NAME_MAX))
        return DISC_E_INVALID;
    if (cap < n)
        return DISC_E_NO_SPACE;
    put32(buf + OFF_SERVER_ID, a->server_id);
    put16(buf + OFF_TCP_PORT, a->tcp_port);
    buf[OFF_PROTO_VERSION] = a->proto_version;
    buf[OFF_FLAGS] = a->flags;
    put32(buf + OFF_PLAYERS, a->players);
    put32(buf + OFF_GAMES, a->games);
    buf[OFF_NAME_LEN] = a->name.len;
    memcpy(buf + OFF_NAME, a->name.s, a->name.len);
    return (int)n;
}

int disc_encode(const struct disc_msg *m, uint8_t *buf, size_t cap)
{
    int n;

    if (m->type == DISC_QUERY) {
        if (cap < DISC_QUERY_LEN)
            return DISC_E_NO_SPACE;
        memset(buf + DISC_HEADER_LEN, 0, DISC_QUERY_LEN - DISC_HEADER_LEN);
        n = DISC_QUERY_LEN;
    } else if (m->type == DISC_ANSWER) {
        n = encode_answer(&m->answer, buf, cap);
        if (n < 0)
            return n;
    } else {
        return DISC_E_INVALID;
    }
    memcpy(buf + OFF_MAGIC, DISC_MAGIC, DISC_MAGIC_LEN);
    buf[OFF_VERSION] = DISC_VERSION;
    buf[OFF_TYPE] = m->type;
    put32(buf + OFF_ID, m->id);
    return n;
}

/* -------------------------------------------------------- for people */

const char *disc_strerror(int status)
{
    switch (status) {
    case DISC_OK: return "ok";
    case DISC_E_BAD: return "not a discovery datagram, or a field that does not parse";
    case DISC_E_VERSION: return "another discovery version";
    case DISC_E_NO_SPACE: return "output buffer too small";
    case DISC_E_INVALID: return "a field that cannot be sent";
    default: return "unknown status";
    }
}

const char *disc_type_name(uint8_t type)
{
    switch (type) {
    case DISC_QUERY: return "QUERY";
    case DISC_ANSWER: return "ANSWER";
    default: return "UNKNOWN";
    }
}
