/* SPDX-License-Identifier: MIT */
/* proto.c: the ttt wire protocol v1 -- the table of message types (who may
 * send each, its payload length bounds, its decoder and encoder), the frame
 * reader, and the name, code and error rules. Pure: no allocation, no globals
 * written, never reads past the bytes it is given. Integers are big-endian
 * (be.h). The contract it implements is docs/PROTOCOL.md. */
#include "proto.h"
#include "be.h"
#include "text.h"

#include <string.h>

_Static_assert(TEXT_NAME_MAX == PROTO_NAME_MAX, "text_name_valid checks the protocol's names");

/* ------------------------------------------------------- names and codes */

int proto_name_set(struct proto_name *name, const char *s)
{
    size_t n = 0;

    while (n <= PROTO_NAME_MAX && s[n] != '\0')
        n++;
    if (!text_name_valid(s, n))
        return PROTO_E_BAD_NAME;
    memcpy(name->s, s, n);
    name->s[n] = '\0';
    name->len = (uint8_t)n;
    return PROTO_OK;
}

static int code_char(uint8_t c)
{
    return (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O') || (c >= '2' && c <= '9');
}

int proto_code_valid(const char *code)
{
    for (size_t i = 0; i < PROTO_CODE_LEN; i++)
        if (!code_char((uint8_t)code[i]))
            return 0;
    return 1;
}

int proto_code_from_text(const char *text, char out[PROTO_CODE_LEN + 1])
{
    for (size_t i = 0; i < PROTO_CODE_LEN; i++) {
        char c = text[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (!code_char((uint8_t)c))
            return -1; /* also ends a short text at its NUL */
        out[i] = c;
    }
    out[PROTO_CODE_LEN] = '\0';
    return text[PROTO_CODE_LEN] == '\0' ? 0 : -1;
}

/* -------------------------------------------------------- payload fields */

/* A bounded cursor over one payload: every read checks what is left. */
struct cursor {
    const uint8_t *p;
    size_t left;
};

static int take_u8(struct cursor *c, uint8_t *v)
{
    if (c->left < 1)
        return 0;
    *v = c->p[0];
    c->p++;
    c->left--;
    return 1;
}

static int take_u32(struct cursor *c, uint32_t *v)
{
    if (c->left < 4)
        return 0;
    *v = get32(c->p);
    c->p += 4;
    c->left -= 4;
    return 1;
}

/* A str holding a valid player name; any failure is BAD_FRAME to the caller. */
static int take_name(struct cursor *c, struct proto_name *name)
{
    uint8_t n;

    if (!take_u8(c, &n) || n > c->left || !text_name_valid((const char *)c->p, n))
        return 0;
    memcpy(name->s, c->p, n);
    name->s[n] = '\0';
    name->len = n;
    c->p += n;
    c->left -= n;
    return 1;
}

/* 1 if the name can go on the wire (the encoder trusts its text). */
static int name_fits(const struct proto_name *n)
{
    return n->len <= PROTO_NAME_MAX;
}

static uint8_t *put_name(uint8_t *p, const struct proto_name *n)
{
    *p++ = n->len;
    memcpy(p, n->s, n->len);
    return p + n->len;
}

static const uint8_t win_lines[8][3] = {
    {0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {0, 3, 6}, {1, 4, 7}, {2, 5, 8}, {0, 4, 8}, {2, 4, 6},
};

/* 0 when the line is FF FF FF, 1 when it is one of the 8 lines, -1 otherwise. */
static int line_kind(const uint8_t *l)
{
    if (l[0] == PROTO_NO_CELL && l[1] == PROTO_NO_CELL && l[2] == PROTO_NO_CELL)
        return 0;
    for (size_t i = 0; i < 8; i++)
        if (l[0] == win_lines[i][0] && l[1] == win_lines[i][1] && l[2] == win_lines[i][2])
            return 1;
    return -1;
}

/* ----------------------------------------------------- message by message
 *
 * Each message with fields has a decoder, which checks every field, and an
 * encoder, which writes the payload; a variable-length one also has a size
 * function (payload bytes, or -1 if a field cannot be represented). A decoder
 * runs only after the header check, so a fixed-length payload has exactly its
 * length and a variable one at least its minimum: the fixed offsets below are
 * in bounds, and variable parts go through a bounded cursor. An encoder runs
 * only into room for the size its type gives. Messages without fields
 * (QUICK_MATCH, CREATE_ROOM, LIST_GAMES, RESIGN, REMATCH, LEAVE, QUEUED) need
 * none of these. */

/* HELLO: checks in the contract's order, magic, version, name. */
static int decode_hello(const uint8_t *p, uint16_t len, struct proto_msg *m)
{
    uint8_t n;

    if (memcmp(p, PROTO_MAGIC, PROTO_MAGIC_LEN) != 0)
        return PROTO_E_BAD_FRAME;
    if (p[4] != PROTO_VERSION)
        return PROTO_E_BAD_VERSION;
    n = p[5];
    if ((size_t)6 + n != len)
        return PROTO_E_BAD_FRAME;
    if (!text_name_valid((const char *)p + 6, n))
        return PROTO_E_BAD_NAME;
    m->u.hello.version = p[4];
    memcpy(m->u.hello.name.s, p + 6, n);
    m->u.hello.name.s[n] = '\0';
    m->u.hello.name.len = n;
    return PROTO_OK;
}

static int size_hello(const struct proto_msg *m)
{
    return name_fits(&m->u.hello.name) ? PROTO_MAGIC_LEN + 1 + 1 + m->u.hello.name.len : -1;
}

static void encode_hello(const struct proto_msg *m, uint8_t *p)
{
    memcpy(p, PROTO_MAGIC, PROTO_MAGIC_LEN);
    p[4] = m->u.hello.version;
    put_name(p + 5, &m->u.hello.name);
}

/* JOIN_ROOM and ROOM_CREATED. */
static int decode_room(const uint8_t *p, uint16_t len, struct proto_msg *m)
{
    (void)len;
    if (!proto_code_valid((const char *)p))
        return PROTO_E_BAD_FRAME;
    memcpy(m->u.room.code, p, PROTO_CODE_LEN);
    m->u.room.code[PROTO_CODE_LEN] = '\0';
    return PROTO_OK;
}

static void encode_room(const struct proto_msg *m, uint8_t *p)
{
    memcpy(p, m->u.room.code, PROTO_CODE_LEN);
}

static int decode_resume(const uint8_t *p, uint16_t len, struct proto_msg *m)
{
    (void)len;
    memcpy(m->u.resume.token, p, PROTO_TOKEN_LEN);
    return PROTO_OK;
}

static void encode_resume(const struct proto_msg *m, uint8_t *p)
{
    memcpy(p, m->u.resume.token, PROTO_TOKEN_LEN);
}

static int decode_spectate(const uint8_t *p, uint16_t len, struct proto_msg *m)
{
    (void)len;
    m->u.spectate.game_id = get32(p);
    return PROTO_OK;
}

static void encode_spectate(const struct proto_msg *m, uint8_t *p)
{
    put32(p, m->u.spectate.game_id);
}

static int decode_move(const uint8_t *p, uint16_t len, struct proto_msg *m)
{
    (void)len;
    if (p[0] >= PROTO_CELLS || p[1] >= PROTO_CELLS)
        return PROTO_E_BAD_FRAME;
    m->u.move.ply = p[0];
    m->u.move.cell = p[1];
    return PROTO_OK;
}

static void encode_move(const struct proto_msg *m, uint8_t *p)
{
    p[0] = m->u.move.ply;
    p[1] = m->u.move.cell;
}

/* PING and PONG. */
static int decode_ping(const uint8_t *p, uint16_t len, struct proto_msg *m)
{
    (void)len;
    m->u.ping.nonce = get32(p);
    return PROTO_OK;
}

static void encode_ping(const struct proto_msg *m, uint8_t *p)
{
    put32(p, m->u.ping.nonce);
}

static int decode_welcome(const uint8_t *p, uint16_t len, struct proto_msg *m)
{
    (void)len;
    if (p[0] != PROTO_VERSION)
        return PROTO_E_BAD_FRAME;
    m->u.welcome.version = p[0];
    memcpy(m->u.welcome.token, p + 1, PROTO_TOKEN_LEN);
    m->u.welcome.turn_s = get16(p + 1 + PROTO_TOKEN_LEN);
    m->u.welcome.grace_s = get16(p + 3 + PROTO_TOKEN_LEN);
    return PROTO_OK;
}

static void encode_welcome(const struct proto_msg *m, uint8_t *p)
{
    p[0] = m->u.welcome.version;
    memcpy(p + 1, m->u.welcome.token, PROTO_TOKEN_LEN);
    put16(put16(p + 1 + PROTO_TOKEN_LEN, m->u.welcome.turn_s), m->u.welcome.grace_s);
}

static int decode_game_start(const uint8_t *p, uint16_t len, struct proto_msg *m)
{
    struct cursor c = {p + 5, (size_t)len - 5};

    m->u.game_start.game_id = get32(p);
    m->u.game_start.you = p[4];
    if (m->u.game_start.game_id == 0 || p[4] < PROTO_MARK_X || p[4] > PROTO_SPECTATOR ||
        !take_name(&c, &m->u.game_start.x_name) || !take_name(&c, &m->u.game_start.o_name) || c.left != 0)
        return PROTO_E_BAD_FRAME;
    return PROTO_OK;
}

static int size_game_start(const struct proto_msg *m)
{
    const struct proto_name *x = &m->u.game_start.x_name, *o = &m->u.game_start.o_name;

    return name_fits(x) && name_fits(o) ? 4 + 1 + 1 + x->len + 1 + o->len : -1;
}

static void encode_game_start(const struct proto_msg *m, uint8_t *p)
{
    p = put32(p, m->u.game_start.game_id);
    *p++ = m->u.game_start.you;
    put_name(put_name(p, &m->u.game_start.x_name), &m->u.game_start.o_name);
}

/* STATE: ply is not checked against the number of marks on the board, because
 * the shared vectors hold a VALID STATE with ply 5 and six marks. */
static int decode_state(const uint8_t *p, uint16_t len, struct proto_msg *m)
{
    (void)len;
    m->u.state.game_id = get32(p);
    m->u.state.ply = p[4];
    for (size_t i = 0; i < PROTO_CELLS; i++) {
        uint8_t v = p[5 + i];
        if (v > PROTO_MARK_O)
            return PROTO_E_BAD_FRAME;
        m->u.state.cells[i] = v;
    }
    m->u.state.to_move = p[14];
    m->u.state.ms_left = get32(p + 15);
    if (m->u.state.game_id == 0 || m->u.state.ply > PROTO_CELLS || m->u.state.to_move > PROTO_MARK_O)
        return PROTO_E_BAD_FRAME;
    return PROTO_OK;
}

static void encode_state(const struct proto_msg *m, uint8_t *p)
{
    p = put32(p, m->u.state.game_id);
    *p++ = m->u.state.ply;
    memcpy(p, m->u.state.cells, PROTO_CELLS);
    p[PROTO_CELLS] = m->u.state.to_move;
    put32(p + PROTO_CELLS + 1, m->u.state.ms_left);
}

static int decode_game_list(const uint8_t *p, uint16_t len, struct proto_msg *m)
{
    struct cursor c = {p + 1, (size_t)len - 1};
    uint8_t count = p[0];

    if (count > PROTO_LIST_MAX)
        return PROTO_E_BAD_FRAME;
    m->u.game_list.count = count;
    for (size_t i = 0; i < count; i++) {
        struct proto_game_entry *e = &m->u.game_list.games[i];
        if (!take_u32(&c, &e->game_id) || e->game_id == 0 || !take_u8(&c, &e->ply) ||
            e->ply > PROTO_CELLS || !take_name(&c, &e->x_name) || !take_name(&c, &e->o_name))
            return PROTO_E_BAD_FRAME;
    }
    return c.left == 0 ? PROTO_OK : PROTO_E_BAD_FRAME;
}

static int size_game_list(const struct proto_msg *m)
{
    int n = 1;

    if (m->u.game_list.count > PROTO_LIST_MAX)
        return -1;
    for (size_t i = 0; i < m->u.game_list.count; i++) {
        const struct proto_game_entry *e = &m->u.game_list.games[i];
        if (!name_fits(&e->x_name) || !name_fits(&e->o_name))
            return -1;
        n += 4 + 1 + 1 + e->x_name.len + 1 + e->o_name.len;
    }
    return n;
}

static void encode_game_list(const struct proto_msg *m, uint8_t *p)
{
    *p++ = m->u.game_list.count;
    for (size_t i = 0; i < m->u.game_list.count; i++) {
        const struct proto_game_entry *e = &m->u.game_list.games[i];
        p = put32(p, e->game_id);
        *p++ = e->ply;
        p = put_name(put_name(p, &e->x_name), &e->o_name);
    }
}

static int decode_moved(const uint8_t *p, uint16_t len, struct proto_msg *m)
{
    (void)len;
    if (p[0] >= PROTO_CELLS || p[1] >= PROTO_CELLS || p[2] < PROTO_MARK_X || p[2] > PROTO_MARK_O)
        return PROTO_E_BAD_FRAME;
    m->u.moved.ply = p[0];
    m->u.moved.cell = p[1];
    m->u.moved.mark = p[2];
    m->u.moved.ms_left = get32(p + 3);
    return PROTO_OK;
}

static void encode_moved(const struct proto_msg *m, uint8_t *p)
{
    p[0] = m->u.moved.ply;
    p[1] = m->u.moved.cell;
    p[2] = m->u.moved.mark;
    put32(p + 3, m->u.moved.ms_left);
}

/* GAME_OVER: the winner and the line must agree with the reason. */
static int decode_game_over(const uint8_t *p, uint16_t len, struct proto_msg *m)
{
    uint8_t winner = p[0], reason = p[1];
    int line = line_kind(p + 2);

    (void)len;
    if (winner > PROTO_MARK_O || line < 0)
        return PROTO_E_BAD_FRAME;
    switch (reason) {
    case PROTO_REASON_LINE:
        if (winner == PROTO_MARK_NONE || line != 1)
            return PROTO_E_BAD_FRAME;
        break;
    case PROTO_REASON_FULL:
    case PROTO_REASON_ABORTED:
        if (winner != PROTO_MARK_NONE || line != 0)
            return PROTO_E_BAD_FRAME;
        break;
    case PROTO_REASON_RESIGN:
    case PROTO_REASON_TIMEOUT:
    case PROTO_REASON_FORFEIT:
        if (winner == PROTO_MARK_NONE || line != 0)
            return PROTO_E_BAD_FRAME;
        break;
    default:
        return PROTO_E_BAD_FRAME;
    }
    m->u.game_over.winner = winner;
    m->u.game_over.reason = reason;
    memcpy(m->u.game_over.line, p + 2, 3);
    return PROTO_OK;
}

static void encode_game_over(const struct proto_msg *m, uint8_t *p)
{
    p[0] = m->u.game_over.winner;
    p[1] = m->u.game_over.reason;
    memcpy(p + 2, m->u.game_over.line, 3);
}

static int decode_opponent(const uint8_t *p, uint16_t len, struct proto_msg *m)
{
    (void)len;
    if (p[0] < PROTO_OPP_DISCONNECTED || p[0] > PROTO_OPP_REMATCH)
        return PROTO_E_BAD_FRAME;
    m->u.opponent.event = p[0];
    m->u.opponent.grace_s = get16(p + 1);
    return PROTO_OK;
}

static void encode_opponent(const struct proto_msg *m, uint8_t *p)
{
    p[0] = m->u.opponent.event;
    put16(p + 1, m->u.opponent.grace_s);
}

static int decode_error(const uint8_t *p, uint16_t len, struct proto_msg *m)
{
    uint8_t n = p[1];

    if (p[0] == 0 || (size_t)2 + n != len || !text_valid((const char *)p + 2, n))
        return PROTO_E_BAD_FRAME;
    m->u.error.code = p[0];
    memcpy(m->u.error.message.s, p + 2, n);
    m->u.error.message.s[n] = '\0';
    m->u.error.message.len = n;
    return PROTO_OK;
}

static int size_error(const struct proto_msg *m)
{
    return 1 + 1 + m->u.error.message.len;
}

static void encode_error(const struct proto_msg *m, uint8_t *p)
{
    p[0] = m->u.error.code;
    p[1] = m->u.error.message.len;
    memcpy(p + 2, m->u.error.message.s, m->u.error.message.len);
}

/* ---------------------------------------------------- the table of types */

/* Which directions a type travels in (bit 1 << enum proto_dir). */
#define C2S (1u << PROTO_C2S)
#define S2C (1u << PROTO_S2C)

/* One message type. `name` NULL: no such type (in either direction). */
struct msg_type {
    const char *name;
    uint8_t dirs;           /* C2S, S2C or both */
    uint16_t min, max;      /* payload bytes the header may announce */
    int (*decode)(const uint8_t *p, uint16_t len, struct proto_msg *m); /* NULL: no fields */
    int (*size)(const struct proto_msg *m);                 /* NULL: always `min` bytes */
    void (*encode)(const struct proto_msg *m, uint8_t *p);  /* NULL: no fields */
};

/* Indexed by the type byte, so every byte value has an entry. The bounds are
 * those of docs/PROTOCOL.md; PROTO_C2S_PAYLOAD_MAX and PROTO_S2C_PAYLOAD_MAX
 * are the largest of each direction. */
static const struct msg_type types[256] = {
    /* client to server */
    [PROTO_HELLO] = {"HELLO", C2S, 6, PROTO_C2S_PAYLOAD_MAX, decode_hello, size_hello, encode_hello},
    [PROTO_QUICK_MATCH] = {"QUICK_MATCH", C2S, 0, 0, NULL, NULL, NULL},
    [PROTO_CREATE_ROOM] = {"CREATE_ROOM", C2S, 0, 0, NULL, NULL, NULL},
    [PROTO_JOIN_ROOM] = {"JOIN_ROOM", C2S, PROTO_CODE_LEN, PROTO_CODE_LEN, decode_room, NULL, encode_room},
    [PROTO_RESUME] = {"RESUME", C2S, PROTO_TOKEN_LEN, PROTO_TOKEN_LEN, decode_resume, NULL, encode_resume},
    [PROTO_SPECTATE] = {"SPECTATE", C2S, 4, 4, decode_spectate, NULL, encode_spectate},
    [PROTO_LIST_GAMES] = {"LIST_GAMES", C2S, 0, 0, NULL, NULL, NULL},
    [PROTO_MOVE] = {"MOVE", C2S, 2, 2, decode_move, NULL, encode_move},
    [PROTO_RESIGN] = {"RESIGN", C2S, 0, 0, NULL, NULL, NULL},
    [PROTO_REMATCH] = {"REMATCH", C2S, 0, 0, NULL, NULL, NULL},
    [PROTO_LEAVE] = {"LEAVE", C2S, 0, 0, NULL, NULL, NULL},
    /* both directions */
    [PROTO_PING] = {"PING", C2S | S2C, 4, 4, decode_ping, NULL, encode_ping},
    [PROTO_PONG] = {"PONG", C2S | S2C, 4, 4, decode_ping, NULL, encode_ping},
    /* server to client */
    [PROTO_WELCOME] = {"WELCOME", S2C, 1 + PROTO_TOKEN_LEN + 2 + 2, 1 + PROTO_TOKEN_LEN + 2 + 2,
                       decode_welcome, NULL, encode_welcome},
    [PROTO_QUEUED] = {"QUEUED", S2C, 0, 0, NULL, NULL, NULL},
    [PROTO_ROOM_CREATED] = {"ROOM_CREATED", S2C, PROTO_CODE_LEN, PROTO_CODE_LEN, decode_room, NULL,
                            encode_room},
    [PROTO_GAME_START] = {"GAME_START", S2C, 4 + 1 + 2 * (1 + 1), 4 + 1 + 2 * (1 + PROTO_NAME_MAX),
                          decode_game_start, size_game_start, encode_game_start},
    [PROTO_STATE] = {"STATE", S2C, 4 + 1 + PROTO_CELLS + 1 + 4, 4 + 1 + PROTO_CELLS + 1 + 4, decode_state,
                     NULL, encode_state},
    [PROTO_GAME_LIST] = {"GAME_LIST", S2C, 1, PROTO_S2C_PAYLOAD_MAX, decode_game_list, size_game_list,
                         encode_game_list},
    [PROTO_MOVED] = {"MOVED", S2C, 3 + 4, 3 + 4, decode_moved, NULL, encode_moved},
    [PROTO_GAME_OVER] = {"GAME_OVER", S2C, 2 + 3, 2 + 3, decode_game_over, NULL, encode_game_over},
    [PROTO_OPPONENT] = {"OPPONENT", S2C, 1 + 2, 1 + 2, decode_opponent, NULL, encode_opponent},
    [PROTO_ERROR] = {"ERROR", S2C, 2, 2 + PROTO_TEXT_MAX, decode_error, size_error, encode_error},
};

int proto_check_header(enum proto_dir dir, uint8_t type, uint16_t len)
{
    const struct msg_type *t = &types[type];
    unsigned dir_bit = dir == PROTO_C2S ? C2S : dir == PROTO_S2C ? S2C : 0;

    if (!(t->dirs & dir_bit) || len < t->min || len > t->max)
        return PROTO_E_BAD_FRAME;
    return PROTO_OK;
}

int proto_decode(enum proto_dir dir, const struct proto_frame *frame, struct proto_msg *out)
{
    const struct msg_type *t = &types[frame->type];

    if (proto_check_header(dir, frame->type, frame->len) != PROTO_OK)
        return PROTO_E_BAD_FRAME;
    out->type = frame->type;
    return t->decode ? t->decode(frame->payload, frame->len, out) : PROTO_OK;
}

/* A message whose payload would fall outside its type's bounds cannot be
 * represented: the peer's header check would refuse it. */
int proto_encode(const struct proto_msg *m, uint8_t *buf, size_t cap)
{
    const struct msg_type *t = &types[m->type];
    int len;

    if (!t->name)
        return PROTO_E_INVALID;
    len = t->size ? t->size(m) : t->min;
    if (len < t->min || len > t->max)
        return PROTO_E_INVALID;
    if (cap < (size_t)PROTO_HEADER_LEN + (size_t)len)
        return PROTO_E_NO_SPACE;
    buf[0] = m->type;
    put16(buf + 1, (uint16_t)len);
    if (t->encode)
        t->encode(m, buf + PROTO_HEADER_LEN);
    return PROTO_HEADER_LEN + len;
}

/* ---------------------------------------------------------------- reader */

void proto_reader_init(struct proto_reader *r, enum proto_dir dir, uint8_t *buf, size_t cap)
{
    r->buf = buf;
    r->cap = cap > UINT16_MAX ? UINT16_MAX : (uint16_t)cap;
    r->have = 0;
    r->dir = (uint8_t)dir;
    r->failed = 0;
}

/* The header check as the reader applies it: the contract's check, plus the
 * caller's buffer must hold the whole frame (a caller that honours the
 * documented minimum cap never sees that second failure). */
static int reader_header(struct proto_reader *r, uint8_t type, uint16_t len)
{
    if (proto_check_header((enum proto_dir)r->dir, type, len) != PROTO_OK ||
        (size_t)PROTO_HEADER_LEN + len > r->cap) {
        r->failed = PROTO_E_BAD_FRAME;
        return PROTO_E_BAD_FRAME;
    }
    return PROTO_OK;
}

int proto_reader_feed(struct proto_reader *r, const uint8_t *data, size_t n, size_t *used,
                      struct proto_frame *frame)
{
    size_t take, need, pos = 0;
    uint16_t len;

    *used = 0;
    if (r->failed)
        return r->failed;
    if (n == 0)
        return PROTO_NEED_MORE;

    /* Fast path: nothing held and a whole frame in the caller's chunk. */
    if (r->have == 0 && n >= PROTO_HEADER_LEN) {
        len = get16(data + 1);
        if (reader_header(r, data[0], len) != PROTO_OK) {
            *used = PROTO_HEADER_LEN;
            return PROTO_E_BAD_FRAME;
        }
        if (n - PROTO_HEADER_LEN >= len) {
            frame->type = data[0];
            frame->len = len;
            frame->payload = data + PROTO_HEADER_LEN;
            *used = PROTO_HEADER_LEN + (size_t)len;
            return PROTO_FRAME;
        }
    }

    /* Slow path: gather the header, check it, then gather the payload. */
    if (r->cap < PROTO_HEADER_LEN) {
        r->failed = PROTO_E_BAD_FRAME;
        return PROTO_E_BAD_FRAME;
    }
    if (r->have < PROTO_HEADER_LEN) {
        take = PROTO_HEADER_LEN - r->have;
        if (take > n)
            take = n;
        memcpy(r->buf + r->have, data, take);
        r->have = (uint16_t)(r->have + take);
        pos = take;
        if (r->have < PROTO_HEADER_LEN) {
            *used = pos;
            return PROTO_NEED_MORE;
        }
        if (reader_header(r, r->buf[0], get16(r->buf + 1)) != PROTO_OK) {
            *used = pos;
            return PROTO_E_BAD_FRAME;
        }
    }
    len = get16(r->buf + 1);
    need = PROTO_HEADER_LEN + (size_t)len - r->have;
    take = n - pos < need ? n - pos : need;
    if (take > 0)
        memcpy(r->buf + r->have, data + pos, take);
    r->have = (uint16_t)(r->have + take);
    *used = pos + take;
    if (take < need)
        return PROTO_NEED_MORE;
    frame->type = r->buf[0];
    frame->len = len;
    frame->payload = r->buf + PROTO_HEADER_LEN;
    r->have = 0;
    return PROTO_FRAME;
}

size_t proto_reader_pending(const struct proto_reader *r)
{
    return r->have;
}

/* ----------------------------------------------------------------- names */

const char *proto_strerror(int status)
{
    switch (status) {
    case PROTO_FRAME: return "frame complete";
    case PROTO_OK: return "ok";
    case PROTO_E_BAD_FRAME: return "malformed frame";
    case PROTO_E_BAD_VERSION: return "unsupported protocol version";
    case PROTO_E_BAD_NAME: return "invalid player name";
    case PROTO_E_NO_SPACE: return "output buffer too small";
    case PROTO_E_INVALID: return "field cannot be encoded";
    default: return "unknown status";
    }
}

const char *proto_type_name(uint8_t type)
{
    return types[type].name ? types[type].name : "UNKNOWN";
}

const char *proto_error_name(uint8_t code)
{
    static const char *const names[] = {
        NULL, "BAD_FRAME", "BAD_VERSION", "BAD_NAME", "UNEXPECTED", "NOT_YOUR_TURN",
        "CELL_TAKEN", "STALE_PLY", "NO_SUCH_ROOM", "NO_SUCH_GAME", "BAD_TOKEN",
        "SERVER_FULL", "TIMEOUT", "SHUTTING_DOWN", "SLOW_DOWN", "REPLACED",
    };

    if (code == 0 || code >= sizeof names / sizeof names[0])
        return "UNKNOWN";
    return names[code];
}

const char *proto_reason_name(uint8_t reason)
{
    switch (reason) {
    case PROTO_REASON_LINE: return "line";
    case PROTO_REASON_FULL: return "full";
    case PROTO_REASON_RESIGN: return "resign";
    case PROTO_REASON_TIMEOUT: return "timeout";
    case PROTO_REASON_FORFEIT: return "forfeit";
    case PROTO_REASON_ABORTED: return "aborted";
    default: return "unknown";
    }
}

int proto_error_fatal(uint8_t code, int before_hello)
{
    switch (code) {
    case PROTO_ERR_BAD_FRAME:
    case PROTO_ERR_BAD_VERSION:
    case PROTO_ERR_BAD_NAME:
    case PROTO_ERR_SERVER_FULL:
    case PROTO_ERR_TIMEOUT:
    case PROTO_ERR_SHUTTING_DOWN:
    case PROTO_ERR_SLOW_DOWN:
    case PROTO_ERR_REPLACED:
        return 1;
    case PROTO_ERR_UNEXPECTED:
        return before_hello != 0;
    default:
        return 0;
    }
}

/* Decode failures map to their wire codes; any other failure is a broken
 * stream as far as the peer is concerned (BAD_FRAME); success maps to 0. */
uint8_t proto_status_to_error(int status)
{
    switch (status) {
    case PROTO_E_BAD_VERSION: return PROTO_ERR_BAD_VERSION;
    case PROTO_E_BAD_NAME: return PROTO_ERR_BAD_NAME;
    default: return (uint8_t)(status < 0 ? PROTO_ERR_BAD_FRAME : 0);
    }
}
