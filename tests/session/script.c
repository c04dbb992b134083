/* SPDX-License-Identifier: MIT */
/* script.c: server messages for the session tests (script.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "script.h"
#include "vectors.h"

const uint8_t TOKEN_A[PROTO_TOKEN_LEN] = {0x3c, 0x4d, 0x5e, 0x6f, 0x80, 0x91, 0xa2, 0xb3,
                                          0xc4, 0xd5, 0xe6, 0xf7, 0x08, 0x19, 0x2a, 0x3b};

size_t enc(const struct proto_msg *m, uint8_t *buf, size_t cap)
{
    int n = proto_encode(m, buf, cap);
    assert_true(n > 0);
    return (size_t)n;
}

size_t hex_bytes(const char *hex, uint8_t *buf, size_t cap)
{
    long n = vec_hex(hex, strlen(hex), 1, buf, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

const char *bytes_hex(const uint8_t *buf, size_t n)
{
    static char text[4096];
    text[0] = '\0';
    for (size_t i = 0; i < n && strlen(text) + 4 < sizeof text; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), i ? " %02x" : "%02x", buf[i]);
    return text;
}

struct proto_msg bare(uint8_t type)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = type;
    return m;
}

struct proto_msg welcome_msg(void)
{
    struct proto_msg m = bare(PROTO_WELCOME);
    m.u.welcome.version = 1;
    memcpy(m.u.welcome.token, TOKEN_A, PROTO_TOKEN_LEN);
    m.u.welcome.turn_s = 30;
    m.u.welcome.grace_s = 20;
    return m;
}

struct proto_msg game_start_msg(uint32_t id, uint8_t you)
{
    struct proto_msg m = bare(PROTO_GAME_START);
    m.u.game_start.game_id = id;
    m.u.game_start.you = you;
    assert_int_equal(proto_name_set(&m.u.game_start.x_name, "alice"), PROTO_OK);
    assert_int_equal(proto_name_set(&m.u.game_start.o_name, "bob"), PROTO_OK);
    return m;
}

struct proto_msg state_msg(uint32_t id, const char *cells, uint32_t ms_left)
{
    struct proto_msg m = bare(PROTO_STATE);
    m.u.state.game_id = id;
    uint8_t x = 0, o = 0;
    for (int i = 0; i < 9; i++) {
        m.u.state.cells[i] = cells[i] == 'X' ? 1 : cells[i] == 'O' ? 2 : 0;
        x = (uint8_t)(x + (cells[i] == 'X'));
        o = (uint8_t)(o + (cells[i] == 'O'));
    }
    m.u.state.ply = (uint8_t)(x + o);
    m.u.state.to_move = x == o ? 1 : 2;
    m.u.state.ms_left = ms_left;
    return m;
}

struct proto_msg moved_msg(uint8_t ply, uint8_t cell, uint8_t mark, uint32_t ms_left)
{
    struct proto_msg m = bare(PROTO_MOVED);
    m.u.moved.ply = ply;
    m.u.moved.cell = cell;
    m.u.moved.mark = mark;
    m.u.moved.ms_left = ms_left;
    return m;
}

struct proto_msg game_over_msg(uint8_t winner, uint8_t reason, uint8_t a, uint8_t b, uint8_t c)
{
    struct proto_msg m = bare(PROTO_GAME_OVER);
    m.u.game_over.winner = winner;
    m.u.game_over.reason = reason;
    m.u.game_over.line[0] = a;
    m.u.game_over.line[1] = b;
    m.u.game_over.line[2] = c;
    return m;
}

struct proto_msg error_msg(uint8_t code, const char *text)
{
    struct proto_msg m = bare(PROTO_ERROR);
    m.u.error.code = code;
    m.u.error.message.len = (uint8_t)strlen(text);
    memcpy(m.u.error.message.s, text, strlen(text) + 1);
    return m;
}
