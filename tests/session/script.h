/* SPDX-License-Identifier: MIT */
/* script.h: what the session tests script a server with: its messages
 * built field by field, encoded, and byte strings written as hex. cmocka
 * asserts inside: include after <cmocka.h>. */
#ifndef TTT_TEST_SCRIPT_H
#define TTT_TEST_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* The token of the WELCOME in docs/PROTOCOL.md's annotated game. */
extern const uint8_t TOKEN_A[PROTO_TOKEN_LEN];

/* HELLO from "alice", and RESUME with TOKEN_A, as hex. */
#define HELLO_ALICE "01 00 0b 54 54 54 50 01 05 61 6c 69 63 65"
#define RESUME_A "05 00 10 3c 4d 5e 6f 80 91 a2 b3 c4 d5 e6 f7 08 19 2a 3b"

/* Encode a server message into buf: its length (asserted to fit). */
size_t enc(const struct proto_msg *m, uint8_t *buf, size_t cap);

/* "01 0a ff" (pairs, single spaces: tests/lib vec_hex) to bytes: how many
 * (asserted to be well-formed and to fit). */
size_t hex_bytes(const char *hex, uint8_t *buf, size_t cap);

/* bytes as lowercase hex with spaces, into a static buffer. */
const char *bytes_hex(const uint8_t *buf, size_t n);

struct proto_msg bare(uint8_t type);
struct proto_msg welcome_msg(void);             /* TOKEN_A, turn 30 s, grace 20 s */
struct proto_msg game_start_msg(uint32_t id, uint8_t you); /* alice (X) vs bob (O) */
/* cells: 9 of 'X', 'O', '.'; ply and mover from the counts. */
struct proto_msg state_msg(uint32_t id, const char *cells, uint32_t ms_left);
struct proto_msg moved_msg(uint8_t ply, uint8_t cell, uint8_t mark, uint32_t ms_left);
struct proto_msg game_over_msg(uint8_t winner, uint8_t reason, uint8_t a, uint8_t b, uint8_t c);
struct proto_msg error_msg(uint8_t code, const char *text);

#endif
