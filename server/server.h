/* server.h: tttd's internal types and the functions its files call on each
 * other. One server, one thread, one event loop. Ownership:
 *   struct server  owns the loop, the listener, every connection and game;
 *   struct conn    (conn.c) one client socket: bytes in, frames, bytes out;
 *   dispatch.c     routes each decoded frame by the connection's state;
 *   lobby.c        the quick-match queue and the private rooms;
 *   struct game    (game.c) one authoritative game: seats, clock, spectators.
 * Data flows one way: socket -> conn (frame reader, decoder) -> dispatch ->
 * lobby/game (state) -> conn_send (encoder, output queue) -> socket.
 */
#ifndef TTT_SERVER_H
#define TTT_SERVER_H

#include <stdint.h>
#include <time.h>

#include "board.h"
#include "loop.h"
#include "options.h"
#include "proto.h"
#include "sock.h"

struct record;
struct game;
struct seat;

/* Where a connection is in the protocol's state machine (docs/PROTOCOL.md). */
enum conn_state {
    CONN_HELLO = 0,     /* accepted, waiting for HELLO */
    CONN_LOBBY,         /* welcomed, nothing joined */
    CONN_QUEUED,        /* in the quick-match queue */
    CONN_ROOM,          /* created a room, waiting for a joiner */
    CONN_PLAYING,       /* seated in a live game */
    CONN_SPECTATING,    /* watching a live game */
    CONN_FINISHED,      /* seated at a finished game (rematch possible) */
    CONN_CLOSING        /* fatal ERROR sent: draining, then closed */
};

/* Bounds of the flow control documented in docs/PROTOCOL.md. */
#define CONN_OUT_MAX (64u * 1024u)      /* unsent bytes queued per connection */
#define CONN_READ_CHUNK 4096u           /* bytes read per readiness event */
#define CONN_RATE_BURST 100u            /* frames */
#define CONN_RATE_PER_S 50u             /* frames refilled per second */
#define CONN_LINGER_MS 2000u            /* after a fatal ERROR */
#define CONN_STAGE 120u                 /* bytes of small frames gathered per loop iteration */

struct conn {
    struct server *srv;
    int fd;
    uint8_t state;              /* enum conn_state */
    uint8_t doomed;             /* close pending (conn_drop): ignore it */
    uint8_t shut_wr;            /* our sending side is shut down */
    uint8_t ping_out;           /* a heartbeat PING is unanswered */
    uint8_t over_limit;         /* refused with SERVER_FULL, lingering */
    uint64_t serial;            /* connection number, for logs */
    char peer[SOCK_ADDR_LEN];
    struct proto_name name;
    uint8_t token[PROTO_TOKEN_LEN];

    struct proto_reader reader;
    uint8_t inbuf[PROTO_C2S_FRAME_MAX];
    uint8_t *out;               /* unsent bytes, allocated only while any wait */
    uint32_t out_len, out_off, out_cap;
    /* Frames sent during one loop iteration gather here and leave in one
     * send() before the loop sleeps (a MOVED and the GAME_OVER after it). */
    uint8_t stage[CONN_STAGE];
    uint8_t stage_len;          /* > 0 exactly while on the server's pending list */
    struct conn *pend_prev, *pend_next;

    uint64_t last_frame_ms;     /* the last complete frame (idle timeout) */
    uint64_t rate_ms;           /* token bucket last refill */
    uint32_t rate_milli;        /* tokens x 1000 */
    struct loop_timer timer;    /* hello / idle / heartbeat / linger */

    struct game *game;          /* PLAYING, FINISHED, SPECTATING */
    uint8_t seat;               /* 0 X, 1 O (players) */
    struct conn *prev, *next;   /* queue, or a game's spectators */
    char room[PROTO_CODE_LEN + 1];
    struct conn *room_next;     /* room hash chain */
    struct conn *all_prev, *all_next;
    struct conn *doomed_next;
};

struct server {
    struct options opt;
    struct loop *loop;
    int signal_fd;
    uint16_t port;
    uint8_t shutting_down;
    struct loop_timer shutdown_timer;

    struct conn *conns;         /* every open connection */
    uint32_t nconns;            /* open connections (limit: opt.max_clients) */
    uint32_t nlinger;           /* rejected connections lingering over the limit */
    uint64_t next_serial;
    struct conn *doomed;        /* closed in the before-sleep hook */
    struct conn *pending;       /* staged bytes to send in the before-sleep hook */

    struct conn *queue_head, *queue_tail;   /* quick match, oldest first */
    struct conn **rooms;        /* hash of open room codes */
    uint32_t room_mask;

    struct game **games_by_id;  /* hash of live games */
    struct seat **seats_by_token; /* hash of live games' seats by token */
    uint32_t hash_mask;
    struct game *live;          /* live games, newest first */
    uint32_t nlive;
    uint32_t next_game_id;

    struct record *record;      /* NULL without --record */
};

/* ---- conn.c ---- */

/* Accept every waiting connection (bounded per call). Listener callback. */
void conn_accept_ready(struct loop *loop, int fd, void *ctx, unsigned events);

/* Queue an encoded message for `c`. Small frames are staged and leave
 * together, in one send(), before the loop sleeps (conn_before_sleep);
 * others are sent at once when nothing is queued. What the socket does not
 * take waits for writability. Over CONN_OUT_MAX the connection is dropped
 * (conn_drop). A no-op on a doomed or closing connection. */
void conn_send(struct conn *c, const struct proto_msg *m);

/* Send ERROR `code` with `text`. A fatal code (proto_error_fatal) then
 * detaches the connection from queue, room and game, stops reading and
 * half-closes; it is closed when the client closes or after 2 s. */
void conn_error(struct conn *c, uint8_t code, const char *text);

/* Close `c` as soon as the current callback returns (in the before-sleep
 * hook): it is detached as a lost connection. `why` goes to the log. */
void conn_drop(struct conn *c, const char *why);

/* The loop's before-sleep hook (ctx: the server): send every connection's
 * staged frames, close every doomed connection, until neither is left; stop
 * the loop when shutting down and no connection remains. */
void conn_before_sleep(struct loop *loop, void *ctx);

/* Leave whatever `c` is in (queue, room, game, spectating) as a lost
 * connection would; state becomes LOBBY. `lost`: 1 when the connection is
 * going away (a seat in a live game then waits for RESUME). */
void conn_detach(struct conn *c, int lost);

/* Fill `token` with 16 bytes from the OS's CSPRNG (getrandom). */
void conn_random(void *buf, size_t n);

/* ---- dispatch.c ---- */

/* Handle one decoded message from `c` (already rate-limited and counted
 * as activity). May send, change state, or close `c`. */
void dispatch_message(struct conn *c, const struct proto_msg *m);

/* ---- lobby.c ---- */

/* QUICK_MATCH: QUEUED, then pair with the longest waiter if there is one. */
void lobby_quick_match(struct conn *c);
/* CREATE_ROOM: a fresh code, ROOM_CREATED. */
void lobby_create_room(struct conn *c);
/* JOIN_ROOM: start the room's game, or NO_SUCH_ROOM. */
void lobby_join_room(struct conn *c, const char *code);
/* Take `c` out of the queue or its room (no message). */
void lobby_remove(struct conn *c);
/* Allocate the room hash; 0 or -1. */
int lobby_init(struct server *srv);
void lobby_free(struct server *srv);

/* ---- game.c ---- */

/* Start a game between x and o (both in the lobby, queue or room):
 * GAME_START + STATE to both, clock running. Returns 0, or -1 when memory
 * ran out (both then get an ERROR and stay in the lobby). */
int game_start(struct conn *x, struct conn *o);
/* MOVE from a player of `c->game` (checked in the contract's order). */
void game_move(struct conn *c, uint8_t ply, uint8_t cell);
/* RESIGN from a player in a live game. */
void game_resign(struct conn *c);
/* REMATCH from a player at a finished game. */
void game_rematch(struct conn *c);
/* SPECTATE: watch a live game, or NO_SUCH_GAME. */
void game_spectate(struct conn *c, uint32_t game_id);
/* RESUME: take a seat back, or BAD_TOKEN. */
void game_resume(struct conn *c, const uint8_t token[PROTO_TOKEN_LEN]);
/* LIST_GAMES: the newest live games. */
void game_list(struct conn *c);
/* `c` leaves its game (playing: resigns first; finished: the other gets
 * OPPONENT left; spectating: just goes). With `lost` a live seat waits for
 * RESUME instead. State becomes LOBBY. */
void game_leave(struct conn *c, int lost);
/* End every live game with reason "aborted" (shutdown). */
void game_abort_all(struct server *srv);
/* Allocate the game hashes; 0 or -1. */
int game_init(struct server *srv);
void game_free_all(struct server *srv);

#endif
