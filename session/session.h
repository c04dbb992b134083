/* SPDX-License-Identifier: MIT */
/* session.h: the client side of the ttt protocol as a pure state machine
 * ("sans-I/O", in the manner of h11 or quinn-proto): bytes and times go in,
 * events and bytes come out. It checks every server frame against what it
 * asked for and the game it has built, keeps that game, answers PING, and
 * decides when a connection is lost, when to ask for another and when to
 * give up. It owns no socket, reads no clock, starts no thread: the caller
 * (session/driver.h over a socket, or a test) supplies all three.
 *
 * The transport side: when session_link() says SESSION_LINK_WANTED, open a
 * connection and call session_connected(); pass every byte read to
 * session_feed(); write what session_output() holds and report it with
 * session_output_sent(); report a connection that broke (or a connect that
 * failed) with session_disconnected(); close the connection when
 * session_link() no longer says SESSION_LINK_UP. Call session_tick() no
 * later than session_next_deadline(). Times are monotonic milliseconds, the
 * caller's clock.
 *
 * The user's side: requests (session_quick_match(), session_move(), ...)
 * queue frames; events (session_next_event()) say what happened; the
 * accessors say where things stand.
 */
#ifndef TTT_SESSION_H
#define TTT_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "board.h"
#include "proto.h"

#define SESSION_ERR_LEN 256
#define SESSION_HOST_LEN 256       /* the server's host as the user gave it, NUL included */
#define SESSION_PEER_LEN 72        /* "[v6%zone]:PORT", NUL included (net/sock.h SOCK_ADDR_LEN) */
#define SESSION_EVENT_QUEUE 64
#define SESSION_SILENCE_MS 10000   /* default silence_ms */
#define SESSION_CONNECT_MS 5000    /* default connect_timeout_ms */

/* Where the session is. */
enum session_phase {
    SESSION_IDLE = 0,       /* not started */
    SESSION_CONNECTING,     /* the transport is opening the first connection */
    SESSION_HANDSHAKE,      /* HELLO sent, waiting for WELCOME */
    SESSION_LOBBY,          /* welcomed; nothing joined */
    SESSION_QUEUED,         /* in quick match */
    SESSION_ROOM_WAIT,      /* created a room, waiting for a joiner */
    SESSION_JOINING,        /* sent JOIN_ROOM / SPECTATE, waiting */
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
    SESSION_EV_GAME_LIST,       /* session_game_list() holds the new list */
    SESSION_EV_SERVER_ERROR,    /* u.error: a non-fatal ERROR (e.g. NOT_YOUR_TURN) */
    SESSION_EV_RECONNECTING,    /* connection lost mid-game; retrying until u.reconnect.deadline_ms */
    SESSION_EV_RESUMED,         /* seat taken back after a reconnect */
    SESSION_EV_CLOSED,          /* the session ended; u.closed says why */
    SESSION_EV_COUNT
};

/* Why a session closed. */
enum session_close_reason {
    SESSION_CLOSE_USER = 1,     /* session_close() */
    SESSION_CLOSE_CONNECT,      /* connect failed: refused, no such host, timeout, no WELCOME */
    SESSION_CLOSE_SERVER_ERROR, /* the server sent a fatal ERROR (u.closed.code) */
    SESSION_CLOSE_PROTOCOL,     /* the server broke the protocol */
    SESSION_CLOSE_LOST          /* connection lost or silent (and no game to resume, or grace ran out) */
};

/* How a connect failed, as far as words for the user need to know
 * (EV_CLOSED's u.closed.failure). A fatal ERROR before WELCOME (SERVER_FULL,
 * BAD_VERSION) is SESSION_CLOSE_SERVER_ERROR with its code instead. */
enum session_failure {
    SESSION_FAIL_NONE = 0,      /* no failed connect (welcomed before, or the user closed) */
    SESSION_FAIL_REFUSED,       /* nothing listens there (ECONNREFUSED) */
    SESSION_FAIL_NO_HOST,       /* the name does not exist (EAI_NONAME, EAI_NODATA) */
    SESSION_FAIL_LOOKUP,        /* the name could not be looked up (EAI_AGAIN, EAI_FAIL) */
    SESSION_FAIL_UNREACHABLE,   /* no route to it (ENETUNREACH, EHOSTUNREACH) */
    SESSION_FAIL_TIMED_OUT,     /* the connect got no answer in time */
    SESSION_FAIL_NOT_TTT,       /* a peer answered, but not as a ttt server: a bad frame,
                                   end of file or no WELCOME in time */
    SESSION_FAIL_OTHER          /* another reason (message says which) */
};

/* One event. Text from the server in it (u.error.message, and the server's
 * words quoted in u.closed.message) has passed the protocol's text rules
 * (protocol/text.h): well-formed UTF-8, no control, invisible or bidi
 * characters. */
struct session_event {
    uint8_t type; /* enum session_event_type */
    union {
        char room_code[PROTO_CODE_LEN + 1];
        struct { uint8_t ply, cell, mark; uint32_t ms_left; } moved;
        struct { uint8_t event; uint16_t grace_s; } opponent;
        struct { uint8_t code; char message[PROTO_TEXT_MAX + 1]; } error;
        struct { uint64_t deadline_ms; } reconnect;
        struct {
            uint8_t reason;                 /* enum session_close_reason */
            uint8_t code;                   /* SERVER_ERROR: the ERROR's code */
            uint8_t failure;                /* enum session_failure: how the connect failed */
            uint16_t port;                  /* the server as the user gave it */
            char host[SESSION_HOST_LEN];    /* (session_set_target); "" when not told */
            char peer[SESSION_PEER_LEN];    /* the numeric address that answered, "" if none */
            char message[SESSION_ERR_LEN];
        } closed;
    } u;
};

/* A queue of events, oldest first, that holds SESSION_EVENT_QUEUE of them
 * (session/events.c). The session keeps one; so does anything else that
 * speaks in session events, such as the client's computer opponent. */
struct session_events {
    struct session_event ev[SESSION_EVENT_QUEUE];
    unsigned head, count;
};

/* A zeroed event of `type` at the back of q, to fill in; NULL when q is full. */
struct session_event *session_events_push(struct session_events *q, uint8_t type);

/* Take the oldest event of q into *ev: 1, or 0 when q is empty. */
int session_events_take(struct session_events *q, struct session_event *ev);

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

/* The latest GAME_LIST. */
struct session_game_list {
    uint8_t count;
    struct proto_game_entry games[PROTO_LIST_MAX];
};

/* The session as it stands, by value: for a user on another thread. */
struct session_snapshot {
    uint8_t phase;              /* enum session_phase */
    uint8_t my_turn;            /* session_my_turn() */
    uint16_t turn_s, grace_s;
    struct session_game game;
    struct session_game_list list;
};

struct session_config {
    const char *name;           /* player name (validated by session_new) */
    uint32_t connect_timeout_ms; /* a connect, then the WELCOME, must each come within
                                    this; 0 = SESSION_CONNECT_MS */
    uint32_t silence_ms;        /* a server silent this long gets a PING; silent as long
                                    again, the connection is lost; 0 = SESSION_SILENCE_MS */
    uint8_t auto_reconnect;     /* lost mid-game: ask for a new connection and RESUME */
};

/* What the session wants of the transport. */
enum session_link {
    SESSION_LINK_NONE = 0,      /* no connection: close the one there is, open none */
    SESSION_LINK_WANTED,        /* open one (now, or at the transport's pace of retries) */
    SESSION_LINK_UP             /* keep the one session_connected() announced */
};

struct session;

/* Create a session (idle, no connection wanted). NULL with err set (when
 * err is not NULL) if the name is invalid or memory runs out. */
struct session *session_new(const struct session_config *cfg, char err[SESSION_ERR_LEN]);

/* Free s (NULL is fine). It owns no socket: the transport closes its own. */
void session_free(struct session *s);

/* ---- the transport's side ---- */

/* Idle to CONNECTING: a connection is wanted. 0, or -1 when not idle. */
int session_start(struct session *s);

/* A connection is up (from idle, connecting, or reconnecting): the frame
 * reader starts afresh, HELLO is queued and the WELCOME must come within
 * the connect timeout. 0, or -1 when no connection was wanted. */
int session_connected(struct session *s, uint64_t now_ms);

/* The connection broke, or a connect failed; `why` in words. Before the
 * first WELCOME that ends the session (SESSION_CLOSE_CONNECT, or _LOST once
 * connected, with `why` in the message; a connection that was up and broke
 * before WELCOME is SESSION_FAIL_NOT_TTT); mid-game with auto_reconnect it
 * starts RECONNECTING; while reconnecting it is one more failed try;
 * otherwise the session closes (SESSION_CLOSE_LOST). Output not yet sent is
 * dropped: it was for that connection. */
void session_disconnected(struct session *s, uint64_t now_ms, const char *why);

/* A connect failed (the transport's kind, enum session_failure): as
 * session_disconnected, and when that ends the session its EV_CLOSED says
 * `failure`. */
void session_connect_failed(struct session *s, uint64_t now_ms, uint8_t failure, const char *why);

/* The server as the user gave it -- the host as typed, the port -- and the
 * numeric address (sock_format_addr) of the peer of the connection now up
 * ("" when none): carried in EV_CLOSED for words that say what to do. */
void session_set_target(struct session *s, const char *host, uint16_t port);
void session_set_peer(struct session *s, const char *peer);

/* Bytes read from the connection, in any chunking. 0, or -1 once the
 * session stopped taking bytes from this connection (it closed, or let the
 * connection go: see session_link). */
int session_feed(struct session *s, const uint8_t *data, size_t n, uint64_t now_ms);

/* The bytes waiting to be written (*len of them; at most 4 KiB: a request
 * that finds no room closes the session), and how many were written. */
const uint8_t *session_output(const struct session *s, size_t *len);
void session_output_sent(struct session *s, size_t n);

/* Whether the session wants a connection, keeps the one it has, or none. */
enum session_link session_link(const struct session *s);

/* The config's connect timeout (0 made SESSION_CONNECT_MS): the transport's
 * bound on each connect. */
uint32_t session_connect_timeout_ms(const struct session *s);

/* ---- time ---- */

/* Run what is due at now_ms: the WELCOME timeout, the silence PING and the
 * silence that loses the connection, the end of the reconnect grace. */
void session_tick(struct session *s, uint64_t now_ms);

/* The next time session_tick must run (UINT64_MAX if none). */
uint64_t session_next_deadline(const struct session *s);

/* ---- the user's side ---- */

/* Pop the next event: 1 with *ev filled, 0 when there are none. The ring
 * holds SESSION_EVENT_QUEUE events; a caller that lets it fill closes the
 * session (the last slot stays for that EV_CLOSED). */
int session_next_event(struct session *s, struct session_event *ev);

/* Requests. Each queues its frame and returns 0, or -1 when the current
 * phase does not allow it (nothing is queued). Moves are not applied
 * locally: the board changes when the server's MOVED arrives.
 * A watched game that ends leaves the session in the lobby, following it:
 * if its players start a rematch, the server moves us to watch the new game
 * (GAME_START, STATE: phase SPECTATING). A lobby request, or session_leave
 * (allowed in the lobby just for this), stops the following. A room nobody
 * joined in the server's room time closes: ERROR NO_SUCH_ROOM, and the
 * phase goes from ROOM_WAIT back to LOBBY. */
int session_quick_match(struct session *s);
int session_create_room(struct session *s);
int session_join_room(struct session *s, const char *code);
int session_spectate(struct session *s, uint32_t game_id);
int session_list_games(struct session *s);
int session_move(struct session *s, unsigned cell);
int session_resign(struct session *s);
int session_rematch(struct session *s);
int session_leave(struct session *s);

/* End the session (SESSION_CLOSE_USER). What is queued stays for the
 * transport to write before it closes the connection. */
void session_close(struct session *s);

/* The requests as values, for a user that hands them to another thread. */
enum session_request_type {
    SESSION_REQ_QUICK_MATCH = 1,
    SESSION_REQ_CREATE_ROOM,
    SESSION_REQ_JOIN_ROOM,      /* code */
    SESSION_REQ_SPECTATE,       /* game_id */
    SESSION_REQ_LIST_GAMES,
    SESSION_REQ_MOVE,           /* cell */
    SESSION_REQ_RESIGN,
    SESSION_REQ_REMATCH,
    SESSION_REQ_LEAVE,
    SESSION_REQ_CLOSE           /* session_close */
};

struct session_request {
    uint8_t type;               /* enum session_request_type */
    uint8_t cell;
    uint32_t game_id;
    char code[PROTO_CODE_LEN + 1];
};

/* Carry out r as the function of its type would: 0, or -1 when refused. */
int session_request(struct session *s, const struct session_request *r);

/* ---- accessors ---- */

/* Where the session is; the game it is at (or was last); the latest game
 * list; 1 when a MOVE would be accepted now; the server's turn and grace
 * seconds and protocol version from WELCOME (0 before one); the last error
 * in words ("" if none); a phase's name ("room wait"). */
enum session_phase session_phase(const struct session *s);
const struct session_game *session_game(const struct session *s);
const struct session_game_list *session_game_list(const struct session *s);
int session_my_turn(const struct session *s);
uint16_t session_turn_s(const struct session *s);  /* from WELCOME */
uint16_t session_grace_s(const struct session *s);
uint8_t session_server_version(const struct session *s); /* from WELCOME */
const char *session_error(const struct session *s); /* last error text, "" if none */
const char *session_phase_name(enum session_phase p);

/* Copy what the accessors say into *out. */
void session_take_snapshot(const struct session *s, struct session_snapshot *out);

#endif
