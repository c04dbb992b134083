/* SPDX-License-Identifier: MIT */
/* session_private.h: struct session and what the session's own files share
 * (session.c: the connection, time and events; frames.c: the server's
 * bytes and frames; requests.c: the user's requests; both use session.c,
 * which uses neither). Not for callers: they use session.h. */
#ifndef TTT_SESSION_PRIVATE_H
#define TTT_SESSION_PRIVATE_H

#include "session.h"

#define SESSION_OUT_CAP 4096

/* The connection as the session sees it, apart from the phase the caller
 * sees (a reconnect goes through all of these while the phase stays
 * RECONNECTING). */
enum session_conn { SESSION_CONN_NONE, SESSION_CONN_HANDSHAKE, SESSION_CONN_UP };

/* What the session sent and still waits an answer to. */
enum session_pending {
    SESSION_PEND_NONE,
    SESSION_PEND_QUEUED,    /* QUICK_MATCH: QUEUED */
    SESSION_PEND_ROOM,      /* CREATE_ROOM: ROOM_CREATED */
    SESSION_PEND_JOIN,      /* JOIN_ROOM: GAME_START (you = O) */
    SESSION_PEND_SPECTATE,  /* SPECTATE: GAME_START (you = spectator) */
    SESSION_PEND_RESUME     /* RESUME: GAME_START (same game, same mark) */
};

struct session {
    struct proto_name name;
    uint32_t connect_timeout_ms;
    uint32_t silence_ms;
    uint8_t auto_reconnect;

    enum session_phase phase;
    enum session_conn conn;
    uint64_t welcome_deadline_ms;  /* while SESSION_CONN_HANDSHAKE */

    uint8_t welcomed;            /* a first WELCOME came: token is the seat's */
    uint8_t token[PROTO_TOKEN_LEN];
    uint16_t turn_s, grace_s;
    uint8_t server_version;      /* from the last WELCOME; 0 before one */

    enum session_pending pending;
    uint32_t spectate_id;
    uint32_t follow_id;          /* a watched game ended: the server may move us to its rematch */
    uint8_t awaiting_state;      /* GAME_START came; STATE must follow */
    uint8_t start_is_resume;     /* that GAME_START answers a RESUME */
    uint8_t move_pending;        /* a MOVE is out for the current ply */
    unsigned list_pending;       /* LIST_GAMES sent, GAME_LIST not yet back */
    uint32_t ping_nonce;         /* last PING sent */
    uint8_t barrier;             /* waiting for the PONG of ping_nonce */
    uint8_t left_finished;       /* a lobby request left a finished game; no game since */
    uint8_t ghost_start;         /* a dropped GAME_START wants its STATE */

    uint64_t heard_ms;           /* the last byte from the server */
    uint64_t silence_check_ms;   /* when to look at the silence next (lazy: see tick) */
    uint8_t silence_pinged;      /* a PING went out for this silence */

    uint64_t reconnect_deadline_ms;

    /* For EV_CLOSED's words (session_set_target, session_set_peer). */
    char host[SESSION_HOST_LEN];
    uint16_t port;
    char peer[SESSION_PEER_LEN];
    uint8_t answered;            /* a connection came up (session_connected) */
    uint8_t failure;             /* the transport's kind of the last failed connect */

    struct session_game game;
    struct session_game_list list;

    struct proto_reader reader;
    uint8_t rbuf[PROTO_S2C_FRAME_MAX];
    uint8_t out[SESSION_OUT_CAP];
    size_t out_len;

    struct session_events events;

    char err[SESSION_ERR_LEN];
};

/* End the session for good: EV_CLOSED with reason, code and the message
 * (which also becomes session_error()). */
void session_end(struct session *s, uint8_t reason, uint8_t code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define session_protocol_error(s, ...) session_end((s), SESSION_CLOSE_PROTOCOL, 0, __VA_ARGS__)

/* A new event of `type` (zeroed), or NULL when the session is closed or
 * closed now because the caller let the ring fill. */
struct session_event *session_push_event(struct session *s, uint8_t type);

/* Queue one frame for the server. 0, or -1 when it found no room (the
 * session closed). */
int session_send(struct session *s, const struct proto_msg *m);
int session_send_bare(struct session *s, uint8_t type);

/* A PING whose PONG marks the point where the server has seen all we sent. */
int session_send_barrier(struct session *s);


/* Forget the game: an empty board, no line, no cell played. */
void session_reset_game(struct session *s);

#endif
