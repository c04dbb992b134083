/* game.c: authoritative games. A game owns its board (rules/board.h), two
 * seats (connection, RESUME token, name, grace timer, rematch offer), the
 * turn clock, its spectators and its place in the live list and hashes.
 * Every move is checked here in the contract's order; every result is sent
 * to players and spectators, recorded, and logged. A game lives until both
 * of its players have left it after GAME_OVER. */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "record.h"
#include "text.h"

struct seat {
    struct game *game;
    struct conn *conn;          /* NULL while away, or once gone */
    uint8_t token[PROTO_TOKEN_LEN];
    struct proto_name name;
    uint8_t away;               /* lost mid-game, grace running */
    uint8_t gone;               /* left (or lost) the finished game */
    uint8_t rematch;            /* offered a rematch */
    struct loop_timer grace;
    struct seat *token_next;    /* token hash chain (live games only) */
};

struct game {
    struct server *srv;
    uint32_t id;
    uint8_t live;
    struct board board;
    uint8_t moves[BOARD_CELLS];
    struct seat seats[2];       /* [0] X, [1] O */
    struct loop_timer turn;
    uint64_t turn_deadline_ms;
    struct conn *spectators;    /* linked through conn->prev/next */
    time_t started;
    struct game *live_prev, *live_next;
    struct game *id_next;       /* id hash chain (live games only) */
};

static void turn_expired(struct loop *loop, void *ctx);
static void grace_expired(struct loop *loop, void *ctx);

int game_init(struct server *srv)
{
    uint32_t n = 64;
    while (n < srv->opt.max_clients && n < (1u << 20))
        n <<= 1;
    srv->games_by_id = calloc(n, sizeof *srv->games_by_id);
    srv->seats_by_token = calloc(n, sizeof *srv->seats_by_token);
    if (!srv->games_by_id || !srv->seats_by_token)
        return -1;
    srv->hash_mask = n - 1;
    srv->next_game_id = 1;
    return 0;
}

void game_free_all(struct server *srv)
{
    free(srv->games_by_id);
    free(srv->seats_by_token);
    srv->games_by_id = NULL;
    srv->seats_by_token = NULL;
}

/* ---- lookups ---- */

static uint32_t token_hash(const uint8_t *t)
{
    uint32_t h;
    memcpy(&h, t, sizeof h); /* tokens are uniformly random */
    return h;
}

static struct seat **token_slot(struct server *srv, const uint8_t *token)
{
    struct seat **p = &srv->seats_by_token[token_hash(token) & srv->hash_mask];
    while (*p && memcmp((*p)->token, token, PROTO_TOKEN_LEN) != 0)
        p = &(*p)->token_next;
    return p;
}

static struct game **id_slot(struct server *srv, uint32_t id)
{
    struct game **p = &srv->games_by_id[(id * 2654435761u) & srv->hash_mask];
    while (*p && (*p)->id != id)
        p = &(*p)->id_next;
    return p;
}

static void go_live(struct game *g)
{
    struct server *srv = g->srv;
    struct game **slot = id_slot(srv, g->id);
    g->id_next = NULL;
    *slot = g;
    for (int i = 0; i < 2; i++) {
        struct seat **ts = token_slot(srv, g->seats[i].token);
        g->seats[i].token_next = *ts; /* NULL unless two seats share a token */
        *ts = &g->seats[i];
    }
    g->live_prev = NULL;
    g->live_next = srv->live;
    if (srv->live)
        srv->live->live_prev = g;
    srv->live = g;
    srv->nlive++;
    g->live = 1;
}

static void unlist(struct game *g)
{
    struct server *srv = g->srv;
    struct game **slot = id_slot(srv, g->id);
    if (*slot == g)
        *slot = g->id_next;
    for (int i = 0; i < 2; i++) {
        struct seat **p = &srv->seats_by_token[token_hash(g->seats[i].token) & srv->hash_mask];
        while (*p && *p != &g->seats[i])
            p = &(*p)->token_next;
        if (*p)
            *p = g->seats[i].token_next;
    }
    if (g->live_prev)
        g->live_prev->live_next = g->live_next;
    else
        srv->live = g->live_next;
    if (g->live_next)
        g->live_next->live_prev = g->live_prev;
    srv->nlive--;
    g->live = 0;
}

/* ---- messages ---- */

static uint32_t ms_left(const struct game *g)
{
    if (!g->live)
        return 0;
    uint64_t now = loop_now_ms(g->srv->loop);
    return g->turn_deadline_ms > now ? (uint32_t)(g->turn_deadline_ms - now) : 0;
}

static void send_start(struct conn *c, const struct game *g, uint8_t you)
{
    struct proto_msg m = { .type = PROTO_GAME_START };
    m.u.game_start.game_id = g->id;
    m.u.game_start.you = you;
    m.u.game_start.x_name = g->seats[0].name;
    m.u.game_start.o_name = g->seats[1].name;
    conn_send(c, &m);
    struct proto_msg s = { .type = PROTO_STATE };
    s.u.state.game_id = g->id;
    s.u.state.ply = g->board.ply;
    memcpy(s.u.state.cells, g->board.cells, BOARD_CELLS);
    s.u.state.to_move = g->live ? board_to_move(&g->board) : 0;
    s.u.state.ms_left = ms_left(g);
    conn_send(c, &s);
}

/* To both players who are present and to every spectator. */
static void broadcast(struct game *g, const struct proto_msg *m)
{
    for (int i = 0; i < 2; i++)
        if (g->seats[i].conn)
            conn_send(g->seats[i].conn, m);
    for (struct conn *s = g->spectators; s; s = s->next)
        conn_send(s, m);
}

static void send_opponent(struct conn *c, uint8_t event, uint16_t grace_s)
{
    if (!c || c->srv->shutting_down)
        return;
    struct proto_msg m = { .type = PROTO_OPPONENT };
    m.u.opponent.event = event;
    m.u.opponent.grace_s = grace_s;
    conn_send(c, &m);
}

static const char *escaped(const struct proto_name *n, char out[LOG_NAME_MAX])
{
    (void)text_json_escape(n->s, n->len, out, LOG_NAME_MAX);
    return out;
}

/* ---- life of a game ---- */

/* Start the mover's clock. The deadline only ever moves later, so a timer
 * still armed for an earlier one is left alone: it fires early and re-arms
 * itself for the rest (turn_expired). A move costs no timer-heap work. */
static void arm_turn(struct game *g)
{
    g->turn_deadline_ms = loop_now_ms(g->srv->loop) + (uint64_t)g->srv->opt.turn_s * 1000u;
    if (!loop_timer_armed(&g->turn))
        (void)loop_timer_at(g->srv->loop, &g->turn, g->turn_deadline_ms);
}

static void seat_conn(struct game *g, int i, struct conn *c)
{
    g->seats[i].conn = c;
    c->game = g;
    c->seat = (uint8_t)i;
    c->state = CONN_PLAYING;
}

int game_start(struct conn *x, struct conn *o)
{
    struct server *srv = x->srv;
    struct game *g = calloc(1, sizeof *g);
    if (!g) {
        log_error("out of memory for a new game");
        conn_error(x, PROTO_ERR_SERVER_FULL, "server out of memory");
        conn_error(o, PROTO_ERR_SERVER_FULL, "server out of memory");
        return -1;
    }
    g->srv = srv;
    g->id = srv->next_game_id++;
    if (srv->next_game_id == 0)
        srv->next_game_id = 1; /* ids are never 0 */
    g->board = board_new();
    g->started = time(NULL);
    loop_timer_init(&g->turn, turn_expired, g);
    struct conn *pair[2] = { x, o };
    for (int i = 0; i < 2; i++) {
        struct seat *s = &g->seats[i];
        s->game = g;
        memcpy(s->token, pair[i]->token, PROTO_TOKEN_LEN);
        s->name = pair[i]->name;
        loop_timer_init(&s->grace, grace_expired, s);
        seat_conn(g, i, pair[i]);
    }
    go_live(g);
    arm_turn(g);
    char xn[LOG_NAME_MAX], on[LOG_NAME_MAX];
    log_info("game %u: \"%s\" (X, #%llu) vs \"%s\" (O, #%llu)", (unsigned)g->id,
             escaped(&g->seats[0].name, xn), (unsigned long long)x->serial,
             escaped(&g->seats[1].name, on), (unsigned long long)o->serial);
    send_start(x, g, PROTO_MARK_X);
    send_start(o, g, PROTO_MARK_O);
    return 0;
}

/* Free `g` once neither player is at it any more. */
static void maybe_free(struct game *g)
{
    if (g->live || g->seats[0].conn || g->seats[1].conn)
        return;
    free(g);
}

static void game_end(struct game *g, uint8_t winner, uint8_t reason, const uint8_t line[3])
{
    struct server *srv = g->srv;
    unlist(g);
    loop_timer_cancel(srv->loop, &g->turn);
    for (int i = 0; i < 2; i++)
        loop_timer_cancel(srv->loop, &g->seats[i].grace);

    /* The record first: once a player can have seen the end, the game is
     * in the file (a crash from here on loses nothing anyone saw). */
    if (srv->record) {
        struct record_game r = { .game_id = g->id, .x = &g->seats[0].name, .o = &g->seats[1].name,
                                 .moves = g->moves, .nmoves = g->board.ply, .winner = winner,
                                 .reason = reason, .started = g->started, .ended = time(NULL) };
        record_append(srv->record, &r);
    }

    struct proto_msg m = { .type = PROTO_GAME_OVER };
    m.u.game_over.winner = winner;
    m.u.game_over.reason = reason;
    memset(m.u.game_over.line, PROTO_NO_CELL, 3);
    if (line)
        memcpy(m.u.game_over.line, line, 3);
    broadcast(g, &m);

    while (g->spectators) {
        struct conn *s = g->spectators;
        g->spectators = s->next;
        s->prev = s->next = NULL;
        s->game = NULL;
        s->state = CONN_LOBBY;
    }
    for (int i = 0; i < 2; i++) {
        struct seat *s = &g->seats[i];
        if (s->conn) {
            s->conn->state = CONN_FINISHED;
        } else {
            s->away = 0;
            s->gone = 1;
        }
    }
    for (int i = 0; i < 2; i++)
        if (g->seats[i].conn && g->seats[1 - i].gone)
            send_opponent(g->seats[i].conn, PROTO_OPP_LEFT, 0);

    char xn[LOG_NAME_MAX], on[LOG_NAME_MAX];
    log_info("game %u over: %s (%s) after %u moves; \"%s\" (X) vs \"%s\" (O)", (unsigned)g->id,
             winner == 1 ? "X wins" : winner == 2 ? "O wins" : reason == PROTO_REASON_ABORTED ? "no result" : "draw",
             proto_reason_name(reason), (unsigned)g->board.ply, escaped(&g->seats[0].name, xn),
             escaped(&g->seats[1].name, on));
    maybe_free(g);
}

void game_move(struct conn *c, uint8_t ply, uint8_t cell)
{
    struct game *g = c->game;
    uint8_t mark = (uint8_t)(c->seat + 1);
    if (board_to_move(&g->board) != mark) {
        conn_error(c, PROTO_ERR_NOT_YOUR_TURN, "it is not your turn");
        return;
    }
    if (ply != g->board.ply) {
        char text[64];
        snprintf(text, sizeof text, "stale move: the board is at ply %u", (unsigned)g->board.ply);
        conn_error(c, PROTO_ERR_STALE_PLY, text);
        return;
    }
    struct board next;
    if (board_apply(&g->board, cell, &next) != BOARD_OK) {
        conn_error(c, PROTO_ERR_CELL_TAKEN, "that cell is taken");
        return;
    }
    g->moves[g->board.ply] = cell;
    g->board = next;
    struct board_result r = board_result(&g->board);
    struct proto_msg m = { .type = PROTO_MOVED };
    m.u.moved.ply = ply;
    m.u.moved.cell = cell;
    m.u.moved.mark = mark;
    if (r.over) {
        m.u.moved.ms_left = 0;
        broadcast(g, &m);
        game_end(g, r.winner, r.winner ? PROTO_REASON_LINE : PROTO_REASON_FULL, r.winner ? r.line : NULL);
        return;
    }
    arm_turn(g);
    m.u.moved.ms_left = (uint32_t)g->srv->opt.turn_s * 1000u;
    broadcast(g, &m);
}

void game_resign(struct conn *c)
{
    game_end(c->game, (uint8_t)(2 - c->seat), PROTO_REASON_RESIGN, NULL);
}

static void turn_expired(struct loop *loop, void *ctx)
{
    struct game *g = ctx;
    if (loop_now_ms(loop) < g->turn_deadline_ms) { /* armed for an earlier move: on to this one's */
        (void)loop_timer_at(loop, &g->turn, g->turn_deadline_ms);
        return;
    }
    uint8_t mover = board_to_move(&g->board);
    game_end(g, mover == BOARD_X ? BOARD_O : BOARD_X, PROTO_REASON_TIMEOUT, NULL);
}

static void grace_expired(struct loop *loop, void *ctx)
{
    struct seat *s = ctx;
    struct game *g = s->game;
    (void)loop;
    uint8_t loser = (uint8_t)(s == &g->seats[0] ? BOARD_X : BOARD_O);
    game_end(g, loser == BOARD_X ? BOARD_O : BOARD_X, PROTO_REASON_FORFEIT, NULL);
}

void game_rematch(struct conn *c)
{
    struct game *g = c->game;
    struct seat *me = &g->seats[c->seat], *other = &g->seats[1 - c->seat];
    if (other->gone) {
        conn_error(c, PROTO_ERR_UNEXPECTED, "your opponent has left: no rematch");
        return;
    }
    if (me->rematch)
        return; /* already offered */
    me->rematch = 1;
    if (!other->rematch) {
        send_opponent(other->conn, PROTO_OPP_REMATCH, 0);
        return;
    }
    /* Both offered: a new game, marks swapped. */
    struct conn *new_x = g->seats[1].conn, *new_o = g->seats[0].conn;
    for (int i = 0; i < 2; i++) {
        g->seats[i].conn->game = NULL;
        g->seats[i].conn->state = CONN_LOBBY;
        g->seats[i].conn = NULL;
    }
    maybe_free(g);
    (void)game_start(new_x, new_o);
}

void game_spectate(struct conn *c, uint32_t game_id)
{
    struct game *g = *id_slot(c->srv, game_id);
    if (!g) {
        char text[64];
        snprintf(text, sizeof text, "no live game %u", (unsigned)game_id);
        conn_error(c, PROTO_ERR_NO_SUCH_GAME, text);
        return;
    }
    c->prev = NULL;
    c->next = g->spectators;
    if (g->spectators)
        g->spectators->prev = c;
    g->spectators = c;
    c->game = g;
    c->state = CONN_SPECTATING;
    send_start(c, g, PROTO_SPECTATOR);
}

void game_resume(struct conn *c, const uint8_t token[PROTO_TOKEN_LEN])
{
    struct seat *s = *token_slot(c->srv, token);
    if (!s) {
        conn_error(c, PROTO_ERR_BAD_TOKEN, "no seat in a live game has this token");
        return;
    }
    struct game *g = s->game;
    int i = s == &g->seats[0] ? 0 : 1;
    struct conn *old = s->conn;
    if (old) {
        /* Takeover: the seat was never empty, so the opponent hears nothing. */
        old->game = NULL;
        old->state = CONN_LOBBY;
        conn_error(old, PROTO_ERR_REPLACED, "this seat was resumed from another connection");
        log_info("game %u: seat %c taken over by #%llu from #%llu", (unsigned)g->id, i ? 'O' : 'X',
                 (unsigned long long)c->serial, (unsigned long long)old->serial);
    } else {
        loop_timer_cancel(c->srv->loop, &s->grace);
        s->away = 0;
        send_opponent(g->seats[1 - i].conn, PROTO_OPP_RECONNECTED, 0);
        log_info("game %u: seat %c resumed by #%llu", (unsigned)g->id, i ? 'O' : 'X',
                 (unsigned long long)c->serial);
    }
    memcpy(c->token, s->token, PROTO_TOKEN_LEN); /* the seat keeps its token */
    seat_conn(g, i, c);
    send_start(c, g, (uint8_t)(i + 1));
    /* Back at a game whose other seat is empty too: say so, with the time
     * that player has left to come back. */
    const struct seat *other = &g->seats[1 - i];
    if (other->away) {
        uint64_t now = loop_now_ms(c->srv->loop);
        uint64_t when = loop_timer_when(&other->grace);
        uint64_t left = when > now ? when - now : 0;
        send_opponent(c, PROTO_OPP_DISCONNECTED, (uint16_t)((left + 999u) / 1000u));
    }
}

void game_list(struct conn *c)
{
    struct proto_msg m = { .type = PROTO_GAME_LIST };
    uint8_t n = 0;
    for (struct game *g = c->srv->live; g && n < PROTO_LIST_MAX; g = g->live_next, n++) {
        struct proto_game_entry *e = &m.u.game_list.games[n];
        e->game_id = g->id;
        e->ply = g->board.ply;
        e->x_name = g->seats[0].name;
        e->o_name = g->seats[1].name;
    }
    m.u.game_list.count = n;
    conn_send(c, &m);
}

void game_leave(struct conn *c, int lost)
{
    struct game *g = c->game;
    if (!g)
        return;
    if (c->state == CONN_SPECTATING) {
        if (c->prev)
            c->prev->next = c->next;
        else
            g->spectators = c->next;
        if (c->next)
            c->next->prev = c->prev;
        c->prev = c->next = NULL;
        c->game = NULL;
        c->state = CONN_LOBBY;
        return;
    }
    struct seat *me = &g->seats[c->seat], *other = &g->seats[1 - c->seat];
    if (c->state == CONN_PLAYING && lost) {
        me->conn = NULL;
        me->away = 1;
        c->game = NULL;
        c->state = CONN_LOBBY;
        uint16_t grace = g->srv->opt.grace_s;
        (void)loop_timer_at(g->srv->loop, &me->grace, loop_now_ms(g->srv->loop) + (uint64_t)grace * 1000u);
        send_opponent(other->conn, PROTO_OPP_DISCONNECTED, grace);
        log_info("game %u: %c disconnected (#%llu); %u s to come back", (unsigned)g->id,
                 c->seat ? 'O' : 'X', (unsigned long long)c->serial, (unsigned)grace);
        return;
    }
    if (c->state == CONN_PLAYING)
        game_end(g, (uint8_t)(2 - c->seat), PROTO_REASON_RESIGN, NULL); /* LEAVE resigns */
    /* Now at a finished game: leave it. */
    me->conn = NULL;
    me->gone = 1;
    c->game = NULL;
    c->state = CONN_LOBBY;
    if (other->conn)
        send_opponent(other->conn, PROTO_OPP_LEFT, 0);
    maybe_free(g);
}

void game_abort_all(struct server *srv)
{
    while (srv->live)
        game_end(srv->live, 0, PROTO_REASON_ABORTED, NULL);
}
