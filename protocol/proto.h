/* SPDX-License-Identifier: MIT */
/* proto.h: the ttt wire protocol, version 1 -- frame reader, decoder, encoder.
 *
 * Pure code: no sockets, no allocation, no globals, never prints. The byte
 * layout of every message is documented in docs/PROTOCOL.md.
 *
 * Data flows: bytes -> proto_reader_feed() -> struct proto_frame
 *             -> proto_decode() -> struct proto_msg -> (state machine)
 *             -> proto_encode() -> bytes.
 */
#ifndef TTT_PROTO_H
#define TTT_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_VERSION 1
#define PROTO_MAGIC "TTTP"
#define PROTO_MAGIC_LEN 4
#define PROTO_HEADER_LEN 3
#define PROTO_NAME_MAX 16       /* bytes of UTF-8 in a player name */
#define PROTO_CODE_LEN 6        /* room code characters */
#define PROTO_TOKEN_LEN 16      /* RESUME token bytes */
#define PROTO_LIST_MAX 32       /* GAME_LIST entries */
#define PROTO_TEXT_MAX 255      /* ERROR message bytes */
#define PROTO_CELLS 9
#define PROTO_NO_CELL 0xFF      /* GAME_OVER line filler */
#define PROTO_CODE_ALPHABET "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

/* Largest payload of any client-to-server message (HELLO: 4+1+1+16). */
#define PROTO_C2S_PAYLOAD_MAX 22
/* Largest payload of any server-to-client message (GAME_LIST: 1 + 32*(4+1+17+17)). */
#define PROTO_S2C_PAYLOAD_MAX 1249
#define PROTO_C2S_FRAME_MAX (PROTO_HEADER_LEN + PROTO_C2S_PAYLOAD_MAX)
#define PROTO_S2C_FRAME_MAX (PROTO_HEADER_LEN + PROTO_S2C_PAYLOAD_MAX)
#define PROTO_FRAME_MAX PROTO_S2C_FRAME_MAX

/* Message types (the first header byte). */
enum proto_type {
    /* client to server */
    PROTO_HELLO = 0x01,
    PROTO_QUICK_MATCH = 0x02,
    PROTO_CREATE_ROOM = 0x03,
    PROTO_JOIN_ROOM = 0x04,
    PROTO_RESUME = 0x05,
    PROTO_SPECTATE = 0x06,
    PROTO_LIST_GAMES = 0x07,
    PROTO_MOVE = 0x10,
    PROTO_RESIGN = 0x11,
    PROTO_REMATCH = 0x12,
    PROTO_LEAVE = 0x13,
    /* both directions */
    PROTO_PING = 0x70,
    PROTO_PONG = 0x71,
    /* server to client */
    PROTO_WELCOME = 0x81,
    PROTO_QUEUED = 0x82,
    PROTO_ROOM_CREATED = 0x83,
    PROTO_GAME_START = 0x84,
    PROTO_STATE = 0x85,
    PROTO_GAME_LIST = 0x86,
    PROTO_MOVED = 0x90,
    PROTO_GAME_OVER = 0x91,
    PROTO_OPPONENT = 0x92,
    PROTO_ERROR = 0xE0
};

/* Which side sent the bytes being read: decides which types are legal. */
enum proto_dir { PROTO_C2S = 0, PROTO_S2C = 1 };

/* Marks, also used for GAME_START.you, STATE.to_move and GAME_OVER.winner. */
enum proto_mark { PROTO_MARK_NONE = 0, PROTO_MARK_X = 1, PROTO_MARK_O = 2, PROTO_SPECTATOR = 3 };

/* GAME_OVER reasons. */
enum proto_reason {
    PROTO_REASON_LINE = 1,
    PROTO_REASON_FULL = 2,
    PROTO_REASON_RESIGN = 3,
    PROTO_REASON_TIMEOUT = 4,
    PROTO_REASON_FORFEIT = 5,
    PROTO_REASON_ABORTED = 6
};

/* OPPONENT events. */
enum proto_event {
    PROTO_OPP_DISCONNECTED = 1,
    PROTO_OPP_RECONNECTED = 2,
    PROTO_OPP_LEFT = 3,
    PROTO_OPP_REMATCH = 4
};

/* ERROR codes on the wire. proto_error_fatal() tells which close the connection. */
enum proto_error_code {
    PROTO_ERR_BAD_FRAME = 1,
    PROTO_ERR_BAD_VERSION = 2,
    PROTO_ERR_BAD_NAME = 3,
    PROTO_ERR_UNEXPECTED = 4,
    PROTO_ERR_NOT_YOUR_TURN = 5,
    PROTO_ERR_CELL_TAKEN = 6,
    PROTO_ERR_STALE_PLY = 7,
    PROTO_ERR_NO_SUCH_ROOM = 8,
    PROTO_ERR_NO_SUCH_GAME = 9,
    PROTO_ERR_BAD_TOKEN = 10,
    PROTO_ERR_SERVER_FULL = 11,
    PROTO_ERR_TIMEOUT = 12,
    PROTO_ERR_SHUTTING_DOWN = 13,
    PROTO_ERR_SLOW_DOWN = 14,
    PROTO_ERR_REPLACED = 15
};

/* Results of the library's functions. NEED_MORE and errors never share a value. */
enum proto_status {
    PROTO_FRAME = 1,            /* proto_reader_feed: a complete frame is ready */
    PROTO_OK = 0,               /* success (decode); also PROTO_NEED_MORE */
    PROTO_NEED_MORE = 0,        /* proto_reader_feed: all input taken, frame incomplete */
    PROTO_E_BAD_FRAME = -1,     /* header or payload does not parse: wire BAD_FRAME */
    PROTO_E_BAD_VERSION = -2,   /* HELLO with a version other than 1: wire BAD_VERSION */
    PROTO_E_BAD_NAME = -3,      /* HELLO name breaks the name rules: wire BAD_NAME */
    PROTO_E_NO_SPACE = -4,      /* proto_encode: output buffer too small */
    PROTO_E_INVALID = -5        /* proto_encode: a field cannot be represented */
};

/* A player name: len bytes of UTF-8, NUL-terminated for convenience. */
struct proto_name {
    uint8_t len;
    char s[PROTO_NAME_MAX + 1];
};

/* An ERROR message: len bytes of UTF-8, NUL-terminated for convenience. */
struct proto_text {
    uint8_t len;
    char s[PROTO_TEXT_MAX + 1];
};

/* One GAME_LIST entry. */
struct proto_game_entry {
    uint32_t game_id;
    uint8_t ply;
    struct proto_name x_name, o_name;
};

/* A decoded message. `type` selects the union member:
 *   HELLO: hello            JOIN_ROOM, ROOM_CREATED: room     RESUME: resume
 *   SPECTATE: spectate      MOVE: move                        PING, PONG: ping
 *   WELCOME: welcome        GAME_START: game_start            STATE: state
 *   GAME_LIST: game_list    MOVED: moved                      GAME_OVER: game_over
 *   OPPONENT: opponent      ERROR: error
 *   QUICK_MATCH, CREATE_ROOM, LIST_GAMES, RESIGN, REMATCH, LEAVE, QUEUED: no fields. */
struct proto_msg {
    uint8_t type; /* enum proto_type */
    union {
        struct { uint8_t version; struct proto_name name; } hello;
        struct { char code[PROTO_CODE_LEN + 1]; } room; /* NUL-terminated */
        struct { uint8_t token[PROTO_TOKEN_LEN]; } resume;
        struct { uint32_t game_id; } spectate;
        struct { uint8_t ply, cell; } move;
        struct { uint32_t nonce; } ping;
        struct { uint8_t version; uint8_t token[PROTO_TOKEN_LEN]; uint16_t turn_s, grace_s; } welcome;
        struct { uint32_t game_id; uint8_t you; struct proto_name x_name, o_name; } game_start;
        struct { uint32_t game_id; uint8_t ply; uint8_t cells[PROTO_CELLS]; uint8_t to_move; uint32_t ms_left; } state;
        struct { uint8_t count; struct proto_game_entry games[PROTO_LIST_MAX]; } game_list;
        struct { uint8_t ply, cell, mark; uint32_t ms_left; } moved;
        struct { uint8_t winner, reason; uint8_t line[3]; } game_over;
        struct { uint8_t event; uint16_t grace_s; } opponent;
        struct { uint8_t code; struct proto_text message; } error;
    } u;
};

/* A complete frame as the reader returns it. `payload` points either into the
 * reader's buffer or into the caller's input chunk; it stays valid until the
 * next proto_reader_feed() call or until the caller's chunk is reused. */
struct proto_frame {
    uint8_t type;
    uint16_t len;
    const uint8_t *payload;
};

/* Incremental frame reader: fed any chunking of the byte stream, it yields
 * whole frames. The caller supplies the buffer (cap must be at least
 * PROTO_C2S_FRAME_MAX for PROTO_C2S, PROTO_S2C_FRAME_MAX for PROTO_S2C), so a
 * server connection holds no more than one maximal client frame. Treat the
 * fields as private; zero-initialisation is not enough, use proto_reader_init. */
struct proto_reader {
    uint8_t *buf;
    uint16_t cap;
    uint16_t have;   /* bytes of the current frame held in buf */
    uint8_t dir;     /* enum proto_dir */
    int8_t failed;   /* sticky error once the stream is broken */
};

/* Prepare `r` to read frames sent in direction `dir`, using buf[0..cap). */
void proto_reader_init(struct proto_reader *r, enum proto_dir dir, uint8_t *buf, size_t cap);

/* Feed up to n bytes of `data`. Sets *used to the bytes consumed and returns:
 *   PROTO_FRAME        *frame holds one whole frame (header already checked);
 *                      call again with data + *used for the rest of the chunk;
 *   PROTO_NEED_MORE    all n bytes were consumed and no frame is complete yet;
 *   PROTO_E_BAD_FRAME  the header announces an unknown type or a length the
 *                      type cannot have; reported as soon as the 3 header bytes
 *                      are in, before any payload. The error is sticky.
 * Payload fields are not checked here: pass the frame to proto_decode(). */
int proto_reader_feed(struct proto_reader *r, const uint8_t *data, size_t n, size_t *used,
                      struct proto_frame *frame);

/* Bytes of a partial frame held by the reader (0 between frames). */
size_t proto_reader_pending(const struct proto_reader *r);

/* Header check alone: PROTO_OK if `type` is legal in `dir` and `len` is a
 * payload length that type can have, else PROTO_E_BAD_FRAME. */
int proto_check_header(enum proto_dir dir, uint8_t type, uint16_t len);

/* Decode a frame's payload into *out, checking every field. Returns PROTO_OK,
 * PROTO_E_BAD_FRAME, PROTO_E_BAD_VERSION (HELLO, magic good, version != 1,
 * whatever follows) or PROTO_E_BAD_NAME (HELLO name rules). Checks run in the
 * contract's order: header, then magic, version, name. Never reads past
 * frame->payload + frame->len. *out is unspecified on error. */
int proto_decode(enum proto_dir dir, const struct proto_frame *frame, struct proto_msg *out);

/* Encode *m (header and payload) into buf[0..cap). Returns the frame length
 * (> 0), PROTO_E_NO_SPACE if it does not fit, or PROTO_E_INVALID if a field
 * cannot be represented (unknown type, name over 16 bytes, count over 32, a
 * payload length outside its type's bounds, such as a GAME_START name of 0
 * bytes). Encoding trusts the caller for values such as cell ranges; what it
 * writes, decoded by the peer, must give back *m. */
int proto_encode(const struct proto_msg *m, uint8_t *buf, size_t cap);

/* Set *name from a NUL-terminated string; PROTO_OK or PROTO_E_BAD_NAME. */
int proto_name_set(struct proto_name *name, const char *s);

/* 1 if `code` (exactly 6 bytes) uses only PROTO_CODE_ALPHABET. */
int proto_code_valid(const char *code);

/* A room code as a person typed it: exactly 6 characters of the alphabet,
 * either case. Writes the code (upper case, NUL-terminated) to out; 0, or -1
 * when `text` is not a code (out then undefined). */
int proto_code_from_text(const char *text, char out[PROTO_CODE_LEN + 1]);

/* Human-readable names, for logs and tests; never NULL. */
const char *proto_strerror(int status);          /* enum proto_status */
const char *proto_type_name(uint8_t type);       /* "HELLO", ..., "UNKNOWN" */
const char *proto_error_name(uint8_t code);      /* "BAD_FRAME", ..., "UNKNOWN" */
const char *proto_reason_name(uint8_t reason);   /* "line", "full", "resign", ... */

/* 1 if the server closes the connection after sending ERROR `code`. UNEXPECTED
 * counts as fatal only before HELLO; pass before_hello accordingly. */
int proto_error_fatal(uint8_t code, int before_hello);

/* The wire ERROR code for a decode failure (PROTO_E_BAD_FRAME -> BAD_FRAME, ...). */
uint8_t proto_status_to_error(int status);

#endif
