/* SPDX-License-Identifier: MIT */
/* dispatch.c: the connection state machine of docs/PROTOCOL.md ("Connection
 * states"), on the server's side. Each connection is a client: its transport
 * (conn.h) and its player (player.h). Frames come up from the transport
 * through the hooks; here they are decoded, checked against the table of
 * what each state allows (anything else is ERROR UNEXPECTED, fatal before
 * HELLO) and handed to the lobby or the game; JOIN_ROOM and RESUME spend
 * their source address's budget of wrong guesses (source.h). This is also
 * the one place that decides what a departure means: a LEAVE, a lobby
 * request at a finished game (or while following one), a fatal error, a
 * lost connection. */
#include "dispatch.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "random.h"

/* One connection: the transport first (conn.c allocates the whole). */
struct client {
    struct conn conn;
    struct player player;
};

static struct player *player_of(struct conn *c) { return &container_of(c, struct client, conn)->player; }

/* ---- departures ---- */

/* Out of the queue, room, game or spectating, as `lost` says (1: the
 * connection is gone, so a seat in a live game waits for RESUME; 0: the
 * player chose to go, so it resigns). The player is then in the lobby (or
 * still before HELLO). */
static void depart(struct server *srv, struct player *p, int lost)
{
    if (p->state == PLAYER_QUEUED || p->state == PLAYER_ROOM)
        lobby_leave(&srv->lobby, p);
    else if (p->game) /* playing, at a finished game, watching or following one */
        game_leave(p, lost);
}

/* A fatal ERROR: the player goes as a lost connection would, then its
 * connection ends. */
static void fail(struct server *srv, struct player *p, uint8_t code, const char *text)
{
    depart(srv, p, 1);
    player_error(p, code, text);
}

/* JOIN_ROOM and RESUME guess a secret. 1 if `p`'s address may try one now;
 * else it has spent its budget of wrong ones, and `p` gets SLOW_DOWN. */
static int may_guess(struct server *srv, struct player *p)
{
    struct source *src = conn_source(p->conn);
    if (!src || source_may_guess(src, loop_now_ms(srv->loop)))
        return 1;
    fail(srv, p, PROTO_ERR_SLOW_DOWN, "too many wrong room codes or tokens from your address: wait a minute");
    return 0;
}

/* A room code or token of `p` was wrong: its address pays for it. */
static void guessed_wrong(struct server *srv, struct player *p)
{
    struct source *src = conn_source(p->conn);
    if (src)
        source_guess_failed(src, loop_now_ms(srv->loop));
}

/* ---- handlers, one per message type ---- */

typedef void handler_fn(struct server *srv, struct player *p, const struct proto_msg *m);

static void on_hello(struct server *srv, struct player *p, const struct proto_msg *m)
{
    p->name = m->u.hello.name;
    random_bytes(p->token, sizeof p->token);
    p->state = PLAYER_LOBBY;
    conn_established(p->conn);
    struct proto_msg w = { .type = PROTO_WELCOME };
    w.u.welcome.version = PROTO_VERSION;
    memcpy(w.u.welcome.token, p->token, sizeof p->token);
    w.u.welcome.turn_s = srv->opt.turn_s;
    w.u.welcome.grace_s = srv->opt.grace_s;
    player_send(p, &w);
    char name[LOG_NAME_MAX];
    log_info("#%llu hello \"%s\"", player_id(p), log_name(&p->name, name));
}

static void on_quick_match(struct server *srv, struct player *p, const struct proto_msg *m)
{
    (void)m;
    lobby_quick_match(&srv->lobby, p);
}

static void on_create_room(struct server *srv, struct player *p, const struct proto_msg *m)
{
    (void)m;
    lobby_create_room(&srv->lobby, p);
}

static void on_join_room(struct server *srv, struct player *p, const struct proto_msg *m)
{
    if (may_guess(srv, p) && lobby_join_room(&srv->lobby, p, m->u.room.code) < 0)
        guessed_wrong(srv, p);
}

static void on_spectate(struct server *srv, struct player *p, const struct proto_msg *m)
{
    game_spectate(&srv->games, p, m->u.spectate.game_id);
}

static void on_resume(struct server *srv, struct player *p, const struct proto_msg *m)
{
    if (may_guess(srv, p) && game_resume(&srv->games, p, m->u.resume.token) < 0)
        guessed_wrong(srv, p);
}

static void on_list_games(struct server *srv, struct player *p, const struct proto_msg *m)
{
    (void)m;
    game_list(&srv->games, p);
}

static void on_move(struct server *srv, struct player *p, const struct proto_msg *m)
{
    (void)srv;
    game_move(p, m->u.move.ply, m->u.move.cell);
}

static void on_resign(struct server *srv, struct player *p, const struct proto_msg *m)
{
    (void)srv;
    (void)m;
    game_resign(p);
}

static void on_rematch(struct server *srv, struct player *p, const struct proto_msg *m)
{
    (void)srv;
    (void)m;
    game_rematch(p);
}

static void on_leave(struct server *srv, struct player *p, const struct proto_msg *m)
{
    (void)m;
    depart(srv, p, 0);
}

static void on_ping(struct server *srv, struct player *p, const struct proto_msg *m)
{
    (void)srv;
    struct proto_msg pong = { .type = PROTO_PONG };
    pong.u.ping.nonce = m->u.ping.nonce;
    player_send(p, &pong);
}

static void on_pong(struct server *srv, struct player *p, const struct proto_msg *m)
{
    (void)srv;
    (void)p;
    (void)m; /* its arrival as a frame already reset the idle clock */
}

/* ---- the table: which message each state allows ---- */

#define IN(state) (1u << PLAYER_##state)
#define WELCOMED (IN(LOBBY) | IN(QUEUED) | IN(ROOM) | IN(PLAYING) | IN(SPECTATING) | IN(FINISHED))

static const struct route {
    handler_fn *fn;
    uint8_t states;         /* IN(...) of each state that allows it */
    uint8_t lobby_request;  /* allowed at a finished game too; leaves the game (or the one
                             * it follows) first */
} routes[256] = {
    [PROTO_HELLO] = { on_hello, IN(HELLO), 0 },
    [PROTO_QUICK_MATCH] = { on_quick_match, IN(LOBBY), 1 },
    [PROTO_CREATE_ROOM] = { on_create_room, IN(LOBBY), 1 },
    [PROTO_JOIN_ROOM] = { on_join_room, IN(LOBBY), 1 },
    [PROTO_SPECTATE] = { on_spectate, IN(LOBBY), 1 },
    [PROTO_RESUME] = { on_resume, IN(LOBBY), 1 },
    [PROTO_LIST_GAMES] = { on_list_games, IN(LOBBY), 0 },
    [PROTO_MOVE] = { on_move, IN(PLAYING), 0 },
    [PROTO_RESIGN] = { on_resign, IN(PLAYING), 0 },
    [PROTO_REMATCH] = { on_rematch, IN(FINISHED), 0 },
    [PROTO_LEAVE] = { on_leave, WELCOMED, 0 },
    [PROTO_PING] = { on_ping, WELCOMED, 0 },
    [PROTO_PONG] = { on_pong, WELCOMED, 0 },
};

static const char *state_name(uint8_t state)
{
    static const char *const names[PLAYER_STATES] = { "before HELLO",      "in the lobby", "in the queue",
                                                      "waiting in a room", "playing",      "spectating",
                                                      "at a finished game" };
    return state < PLAYER_STATES ? names[state] : "?";
}

static void unexpected(struct player *p, uint8_t type)
{
    char text[96];
    snprintf(text, sizeof text, "%s is not allowed %s", proto_type_name(type), state_name(p->state));
    player_error(p, PROTO_ERR_UNEXPECTED, text); /* fatal before HELLO, where there is nothing to leave */
}

static void route(struct server *srv, struct player *p, const struct proto_msg *m)
{
    const struct route *r = &routes[m->type];
    int allowed = (r->states & (1u << p->state)) || (r->lobby_request && p->state == PLAYER_FINISHED);
    if (!r->fn || !allowed) {
        unexpected(p, m->type);
        return;
    }
    if (r->lobby_request && p->game)
        depart(srv, p, 0);
    r->fn(srv, p, m);
}

/* ---- the transport's hooks ---- */

static void on_open(void *ctx, struct conn *c)
{
    (void)ctx;
    player_of(c)->conn = c;
}

static void on_frame(void *ctx, struct conn *c, const struct proto_frame *f)
{
    struct player *p = player_of(c);
    struct proto_msg m;
    int st = proto_decode(PROTO_C2S, f, &m);
    if (st != PROTO_OK) {
        char text[80];
        snprintf(text, sizeof text, "%s: %s", proto_type_name(f->type), proto_strerror(st));
        fail(ctx, p, proto_status_to_error(st), text);
        return;
    }
    if (log_enabled(LOG_VERBOSE))
        log_debug("#%llu -> %s", player_id(p), proto_type_name(m.type));
    route(ctx, p, &m);
}

static void on_gone(void *ctx, struct conn *c)
{
    depart(ctx, player_of(c), 1);
}

static const struct conn_hooks hooks = { on_open, on_frame, on_gone };

int dispatch_init(struct server *srv)
{
    struct conn_limits limits = { .max_clients = srv->opt.max_clients,
                                  .max_per_ip = srv->opt.max_per_ip,
                                  .hello_timeout_s = srv->opt.hello_timeout_s,
                                  .idle_timeout_s = srv->opt.idle_timeout_s };
    return conn_pool_init(&srv->conns, srv->loop, &limits, &hooks, srv, sizeof(struct client));
}

static void shut_one(struct conn *c, void *arg)
{
    fail(arg, player_of(c), PROTO_ERR_SHUTTING_DOWN, "the server is shutting down");
}

void dispatch_shutdown(struct server *srv)
{
    game_abort_all(&srv->games);
    conn_each(&srv->conns, shut_one, srv);
}
