/* session.h: one client's network session with a ttt server -- connect,
 * handshake, frame I/O, game state, automatic reconnect -- with no SDL and no
 * threads in it. Used by ttt-bot (many sessions on one loop) and by the SDL
 * client (one session driven by its network thread / main loop).
 *
 * The caller owns the loop: it polls session_fd() for readability (and for
 * writability when session_wants_write()), calls the on_* entry points, calls
 * session_tick() no later than session_next_deadline(), and drains events with
 * session_next_event(). Times are caller-supplied monotonic milliseconds.
 *
 * For tests without a network, session_feed() injects server bytes and
 * session_take_output() collects what the session would send.
 */
#ifndef TTT_SESSION_H
#define TTT_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "board.h"
#include "proto.h"

#define SESSION_ERR_LEN 256
#define SESSION_EVENT_QUEUE 64

/* Where the session is. */
enum session_phase {
    SESSION_IDLE = 0,       /* not started */
    SESSION_CONNECTING,     /* TCP connect in progress */
    SESSION_HANDSHAKE,      /* HELLO sent, waiting for WELCOME */
    SESSION_LOBBY,          /* welcomed; nothing joined */
    SESSION_QUEUED,         /* in quick match */
    SESSION_ROOM_WAIT,      /* created a room, waiting for a joiner */
    SESSION_JOINING,        /* sent JOIN_ROOM / SPECTATE / RESUME, waiting */
    SESSION_PLAYING,        /* seated in a live game */
    SESSION_SPECTATING,     /* watching a live game */
    SESSION_GAME_OVER,      /* seated at a finished game (rematch possible) */
    SESSION_RECONNECTING,   /* lost the connection mid-game; retrying */
    SESSION_CLOSED,         /* finished for good; see session_error() */
    SESSION_PHASE_COUNT
};

enum session_event_type {
    SESSION_EV_WELCOME = 1,     /* handshake done: now in the lobby */
    SESSION_EV_QUEUED,          /* quick match queue joined */
    SESSION_EV_ROOM_CREATED,    /* u.room_code */
    SESSION_EV_GAME_START,      /* session_game() holds ids, names, marks */
    SESSION_EV_STATE,           /* the board was replaced by a STATE */
    SESSION_EV_MOVED,           /* u.moved: a confirmed move */
    SESSION_EV_GAME_OVER,       /* session_game()->result/reason are set */
    SESSION_EV_OPPONENT,        /* u.opponent */
    SESSION_EV_GAME_LIST,       /* u.game_list points into the session; valid until the next call */
    SESSION_EV_SERVER_ERROR,    /* u.error: a non-fatal ERROR (e.g. NOT_YOUR_TURN) */
    SESSION_EV_RECONNECTING,    /* connection lost mid-game; retrying until u.reconnect.deadline_ms */
    SESSION_EV_RESUMED,         /* seat taken back after a reconnect */
    SESSION_EV_CLOSED,          /* the session ended; u.closed says why */
    SESSION_EV_COUNT
};

/* Why a session closed. */
enum session_close_reason {
    SESSION_CLOSE_USER = 1,     /* session_close() */
    SESSION_CLOSE_CONNECT,      /* connect failed: refused, no such host, timeout */
    SESSION_CLOSE_SERVER_ERROR, /* the server sent a fatal ERROR (u.closed.code) */
    SESSION_CLOSE_PROTOCOL,     /* the server broke the protocol */
    SESSION_CLOSE_LOST          /* connection lost (and no game to resume, or grace ran out) */
};

struct session_event {
    uint8_t type; /* enum session_event_type */
    union {
        char room_code[PROTO_CODE_LEN + 1];
        struct { uint8_t ply, cell, mark; uint32_t ms_left; } moved;
        struct { uint8_t event; uint16_t grace_s; } opponent;
        const struct proto_msg *game_list; /* type PROTO_GAME_LIST */
        struct { uint8_t code; char message[PROTO_TEXT_MAX + 1]; } error;
        struct { uint64_t deadline_ms; } reconnect;
        struct { uint8_t reason; uint8_t code; char message[SESSION_ERR_LEN]; } closed;
    } u;
};

/* What the session knows of the current (or last) game. */
struct session_game {
    uint32_t game_id;           /* 0 when there has been no game */
    uint8_t you;                /* PROTO_MARK_X, PROTO_MARK_O, PROTO_SPECTATOR */
    struct proto_name x_name, o_name;
    struct board board;
    uint8_t to_move;            /* 1, 2, or 0 when over */
    uint64_t turn_deadline_ms;  /* local time the mover's clock runs out (0 if none) */
    uint8_t last_cell;          /* BOARD_NO_CELL before the first move */
    uint8_t over;               /* GAME_OVER received */
    uint8_t winner, reason;     /* from GAME_OVER */
    uint8_t line[3];            /* from GAME_OVER (0xFF when none) */
    uint8_t opponent_away;      /* OPPONENT disconnected and not back */
    uint64_t opponent_deadline_ms; /* when the opponent's grace runs out */
    uint8_t opponent_left;      /* OPPONENT left: rematch impossible */
    uint8_t opponent_rematch;   /* the opponent offered a rematch */
    uint8_t rematch_offered;    /* we offered a rematch */
};

struct session_config {
    const char *name;           /* player name (validated by session_new) */
    uint32_t connect_timeout_ms; /* 0 = 5000 */
    uint8_t auto_reconnect;     /* reconnect + RESUME when lost mid-game */
};

struct session;

/* Create a session (not connected). NULL with err set if the name is invalid
 * or memory runs out. */
struct session *session_new(const struct session_config *cfg, char err[SESSION_ERR_LEN]);
void session_free(struct session *s);

/* Start connecting to "HOST[:PORT]" (IPv6 in brackets; default port 7777).
 * 0, or -1 when the address cannot be parsed/resolved (an EV_CLOSED event is
 * also queued with the reason). */
int session_connect(struct session *s, const char *hostport, uint64_t now_ms);

/* The fd to poll (-1 when none), and whether to poll it for writing too. */
int session_fd(const struct session *s);
int session_wants_write(const struct session *s);

/* Loop entry points. Each may queue events. */
void session_on_readable(struct session *s, uint64_t now_ms);
void session_on_writable(struct session *s, uint64_t now_ms);
void session_tick(struct session *s, uint64_t now_ms);

/* The next time session_tick must run (UINT64_MAX if none). */
uint64_t session_next_deadline(const struct session *s);

/* Pop the next event: 1 with *ev filled, 0 when there are none. */
int session_next_event(struct session *s, struct session_event *ev);

/* Requests. Each returns 0 when sent, -1 when the current phase does not
 * allow it (nothing is sent). Moves are not applied locally: the board
 * changes when the server's MOVED arrives. */
int session_quick_match(struct session *s);
int session_create_room(struct session *s);
int session_join_room(struct session *s, const char *code);
int session_spectate(struct session *s, uint32_t game_id);
int session_list_games(struct session *s);
int session_move(struct session *s, unsigned cell);
int session_resign(struct session *s);
int session_rematch(struct session *s);
int session_leave(struct session *s);

/* Close the connection (after flushing what can be written without blocking). */
void session_close(struct session *s);

/* Accessors. */
enum session_phase session_phase(const struct session *s);
const struct session_game *session_game(const struct session *s);
int session_my_turn(const struct session *s);
uint16_t session_turn_s(const struct session *s);  /* from WELCOME */
uint16_t session_grace_s(const struct session *s);
const char *session_error(const struct session *s); /* last error text, "" if none */
const char *session_phase_name(enum session_phase p);

/* Testing seams (no socket): feed server bytes as if read from the socket, and
 * take the bytes the session has queued for the server. session_feed returns
 * 0, or -1 once the session closed (protocol violation, fatal ERROR). */
int session_feed(struct session *s, const uint8_t *data, size_t n, uint64_t now_ms);
size_t session_take_output(struct session *s, uint8_t *buf, size_t cap);
/* Put a fresh session into the handshake phase without a socket (queues HELLO). */
void session_start_offline(struct session *s, uint64_t now_ms);

#endif
