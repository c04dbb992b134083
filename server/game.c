/* SPDX-License-Identifier: MIT */
/* game.c: authoritative games. A game owns its board (rules/board.h), two
 * seats (player, RESUME token, name, grace timer, rematch offer), the turn
 * clock, its spectators and its place in the live list and hashes. Every
 * move is checked here in the contract's order; every result is sent to
 * players and spectators, recorded, and logged. A game lives until both of
 * its players have left it after GAME_OVER; its spectators follow it until
 * then, into a rematch. */
#include "game.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board.h"
#include "log.h"
#include "record.h"

struct seat {
    struct game *game;
    struct player *player;      /* NULL while away, or once gone */
    uint8_t token[PROTO_TOKEN_LEN];
    struct proto_name name;
    uint8_t away;               /* lost mid-game, grace running */
    uint8_t gone;               /* left (or lost) the finished game */
    uint8_t rematch;            /* offered a rematch */
    struct loop_timer grace;
    struct hash_node token_node; /* on games.by_token (live games only) */
};

struct game {
    struct games *games;
    uint32_t id;
    uint8_t from_room;          /* a private room's game (and its rematches) */
    struct board board;
    uint8_t moves[BOARD_CELLS];
    struct seat seats[2];       /* [0] X, [1] O */
    struct loop_timer turn;
    uint64_t turn_deadline_ms;
    struct list spectators;     /* players, through their watch_link: watching it while it is
                                 * live, following it (in the lobby) once it is over */
    time_t started;
    struct list live_link;      /* on games.listed or games.unlisted exactly while it is live */
    struct hash_node id_node;   /* on games.by_id (live games only) */
};

static void turn_expired(struct loop *loop, void *ctx);
static void grace_expired(struct loop *loop, void *ctx);

int games_init(struct games *gs, struct loop *loop, const struct options *o, struct record *record)
{
    memset(gs, 0, sizeof *gs);
    gs->loop = loop;
    gs->record = record;
    gs->turn_s = o->turn_s;
    gs->grace_s = o->grace_s;
    gs->public_rooms = o->public_rooms != 0;
    gs->next_id = 1;
    list_init(&gs->listed);
    list_init(&gs->unlisted);
    if (hash_init(&gs->by_id, o->max_clients) < 0 || hash_init(&gs->by_token, o->max_clients) < 0)
        return -1;
    return 0;
}

void games_free(struct games *gs)
{
    hash_free(&gs->by_id);
    hash_free(&gs->by_token);
}

/* ---- lookups ---- */

static int same_token(const struct hash_node *n, const void *token)
{
    return memcmp(container_of(n, struct seat, token_node)->token, token, PROTO_TOKEN_LEN) == 0;
}

static struct seat *seat_by_token(struct games *gs, const uint8_t *token)
{
    struct hash_node *n = hash_find(&gs->by_token, hash_bytes(token, PROTO_TOKEN_LEN), same_token, token);
    return n ? container_of(n, struct seat, token_node) : NULL;
}

static int same_id(const struct hash_node *n, const void *id)
{
    return container_of(n, struct game, id_node)->id == *(const uint32_t *)id;
}

static struct game *game_by_id(struct games *gs, uint32_t id)
{
    struct hash_node *n = hash_find(&gs->by_id, hash_bytes(&id, sizeof id), same_id, &id);
    return n ? container_of(n, struct game, id_node) : NULL;
}

/* 1 if anyone may see `g` in LIST_GAMES and watch it. */
static int watchable(const struct game *g) { return !g->from_room || g->games->public_rooms; }

/* 1 until the game is over. */
static int live(const struct game *g) { return list_linked(&g->live_link); }

static void go_live(struct game *g)
{
    struct games *gs = g->games;
    hash_add(&gs->by_id, &g->id_node, hash_bytes(&g->id, sizeof g->id));
    for (int i = 0; i < 2; i++)
        hash_add(&gs->by_token, &g->seats[i].token_node, hash_bytes(g->seats[i].token, PROTO_TOKEN_LEN));
    list_push_front(watchable(g) ? &gs->listed : &gs->unlisted, &g->live_link);
    gs->nlive++;
}

static void unlist(struct game *g)
{
    hash_remove(&g->id_node);
    for (int i = 0; i < 2; i++)
        hash_remove(&g->seats[i].token_node);
    list_remove(&g->live_link);
    g->games->nlive--;
}

/* ---- messages ---- */

static uint32_t ms_left(const struct game *g)
{
    if (!live(g))
        return 0;
    uint64_t now = loop_now_ms(g->games->loop);
    return g->turn_deadline_ms > now ? (uint32_t)(g->turn_deadline_ms - now) : 0;
}

static void send_start(struct player *p, const struct game *g, uint8_t you)
{
    struct proto_msg m = { .type = PROTO_GAME_START };
    m.u.game_start.game_id = g->id;
    m.u.game_start.you = you;
    m.u.game_start.x_name = g->seats[0].name;
    m.u.game_start.o_name = g->seats[1].name;
    player_send(p, &m);
    struct proto_msg s = { .type = PROTO_STATE };
    s.u.state.game_id = g->id;
    s.u.state.ply = g->board.ply;
    memcpy(s.u.state.cells, g->board.cells, BOARD_CELLS);
    s.u.state.to_move = live(g) ? board_to_move(&g->board) : 0;
    s.u.state.ms_left = ms_left(g);
    player_send(p, &s);
}

static struct player *spectator(struct list *n) { return container_of(n, struct player, watch_link); }

/* To both players who are present and to every spectator. */
static void broadcast(struct game *g, const struct proto_msg *m)
{
    for (int i = 0; i < 2; i++)
        if (g->seats[i].player)
            player_send(g->seats[i].player, m);
    list_each(n, &g->spectators)
        player_send(spectator(n), m);
}

/* `p` (in the lobby, following nothing) watches the live game `g`. */
static void watch(struct game *g, struct player *p)
{
    list_push_front(&g->spectators, &p->watch_link);
    p->game = g;
    p->state = PLAYER_SPECTATING;
    send_start(p, g, PROTO_SPECTATOR);
}

static void send_opponent(const struct game *g, struct player *p, uint8_t event, uint16_t grace_s)
{
    if (!p || g->games->closing)
        return;
    struct proto_msg m = { .type = PROTO_OPPONENT };
    m.u.opponent.event = event;
    m.u.opponent.grace_s = grace_s;
    player_send(p, &m);
}

/* ---- life of a game ---- */

/* Start the mover's clock. The deadline only ever moves later, so a timer
 * still armed for an earlier one is left alone: it fires early and re-arms
 * itself for the rest (turn_expired). A move costs no timer-heap work. */
static void arm_turn(struct game *g)
{
    struct games *gs = g->games;
    g->turn_deadline_ms = loop_now_ms(gs->loop) + (uint64_t)gs->turn_s * 1000u;
    if (!loop_timer_armed(&g->turn))
        (void)loop_timer_at(gs->loop, &g->turn, g->turn_deadline_ms);
}

static void seat_player(struct game *g, int i, struct player *p)
{
    g->seats[i].player = p;
    p->game = g;
    p->seat = (uint8_t)i;
    p->state = PLAYER_PLAYING;
}

/* game_start's work; the new game, or NULL. */
static struct game *start(struct games *gs, struct player *x, struct player *o, int from_room)
{
    struct game *g = calloc(1, sizeof *g);
    if (!g) {
        log_error("out of memory for a new game");
        player_error(x, PROTO_ERR_SERVER_FULL, "server out of memory");
        player_error(o, PROTO_ERR_SERVER_FULL, "server out of memory");
        return NULL;
    }
    g->games = gs;
    g->from_room = from_room != 0;
    g->id = gs->next_id++;
    if (gs->next_id == 0)
        gs->next_id = 1; /* ids are never 0 */
    g->board = board_new();
    g->started = time(NULL);
    list_init(&g->spectators);
    loop_timer_init(&g->turn, turn_expired, g);
    struct player *pair[2] = { x, o };
    for (int i = 0; i < 2; i++) {
        struct seat *s = &g->seats[i];
        s->game = g;
        memcpy(s->token, pair[i]->token, PROTO_TOKEN_LEN);
        s->name = pair[i]->name;
        loop_timer_init(&s->grace, grace_expired, s);
        seat_player(g, i, pair[i]);
    }
    go_live(g);
    arm_turn(g);
    char xn[LOG_NAME_MAX], on[LOG_NAME_MAX];
    log_info("game %u: \"%s\" (X, #%llu) vs \"%s\" (O, #%llu)", (unsigned)g->id, log_name(&g->seats[0].name, xn),
             player_id(x), log_name(&g->seats[1].name, on), player_id(o));
    send_start(x, g, PROTO_MARK_X);
    send_start(o, g, PROTO_MARK_O);
    return g;
}

int game_start(struct games *gs, struct player *x, struct player *o, int from_room)
{
    return start(gs, x, o, from_room) ? 0 : -1;
}

/* Free `g` once neither player is at it any more; whoever still follows it
 * is let go. */
static void maybe_free(struct game *g)
{
    if (live(g) || g->seats[0].player || g->seats[1].player)
        return;
    struct list *n;
    while ((n = list_first(&g->spectators))) {
        list_remove(n);
        spectator(n)->game = NULL;
    }
    free(g);
}

static void record_game(const struct game *g, uint8_t winner, uint8_t reason)
{
    if (!g->games->record)
        return;
    struct record_game r = { .game_id = g->id, .x = &g->seats[0].name, .o = &g->seats[1].name,
                             .moves = g->moves, .nmoves = g->board.ply, .winner = winner,
                             .reason = reason, .started = g->started, .ended = time(NULL) };
    record_append(g->games->record, &r);
}

static void log_end(const struct game *g, uint8_t winner, uint8_t reason)
{
    char xn[LOG_NAME_MAX], on[LOG_NAME_MAX];
    log_info("game %u over: %s (%s) after %u moves; \"%s\" (X) vs \"%s\" (O)", (unsigned)g->id,
             winner == 1 ? "X wins" : winner == 2 ? "O wins" : reason == PROTO_REASON_ABORTED ? "no result" : "draw",
             proto_reason_name(reason), (unsigned)g->board.ply, log_name(&g->seats[0].name, xn),
             log_name(&g->seats[1].name, on));
}

static void game_end(struct game *g, uint8_t winner, uint8_t reason, const uint8_t line[3])
{
    struct loop *loop = g->games->loop;
    unlist(g);
    loop_timer_cancel(loop, &g->turn);
    for (int i = 0; i < 2; i++)
        loop_timer_cancel(loop, &g->seats[i].grace);

    /* The record first: once a player can have seen the end, the game is
     * in the file (a crash from here on loses nothing anyone saw). */
    record_game(g, winner, reason);
    g->games->finished++;

    struct proto_msg m = { .type = PROTO_GAME_OVER };
    m.u.game_over.winner = winner;
    m.u.game_over.reason = reason;
    memset(m.u.game_over.line, PROTO_NO_CELL, 3);
    if (line)
        memcpy(m.u.game_over.line, line, 3);
    broadcast(g, &m);

    list_each(n, &g->spectators) /* back in the lobby, following the game */
        spectator(n)->state = PLAYER_LOBBY;
    for (int i = 0; i < 2; i++) {
        struct seat *s = &g->seats[i];
        if (s->player) {
            s->player->state = PLAYER_FINISHED;
        } else {
            s->away = 0;
            s->gone = 1;
        }
    }
    for (int i = 0; i < 2; i++)
        if (g->seats[1 - i].gone)
            send_opponent(g, g->seats[i].player, PROTO_OPP_LEFT, 0);
    log_end(g, winner, reason);
    maybe_free(g);
}

void game_move(struct player *p, uint8_t ply, uint8_t cell)
{
    struct game *g = p->game;
    uint8_t mark = (uint8_t)(p->seat + 1);
    if (board_to_move(&g->board) != mark) {
        player_error(p, PROTO_ERR_NOT_YOUR_TURN, "it is not your turn");
        return;
    }
    if (ply != g->board.ply) {
        char text[64];
        snprintf(text, sizeof text, "stale move: the board is at ply %u", (unsigned)g->board.ply);
        player_error(p, PROTO_ERR_STALE_PLY, text);
        return;
    }
    struct board next;
    if (board_apply(&g->board, cell, &next) != BOARD_OK) {
        player_error(p, PROTO_ERR_CELL_TAKEN, "that cell is taken");
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
    m.u.moved.ms_left = (uint32_t)g->games->turn_s * 1000u;
    broadcast(g, &m);
}

void game_resign(struct player *p)
{
    game_end(p->game, (uint8_t)(2 - p->seat), PROTO_REASON_RESIGN, NULL);
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

void game_rematch(struct player *p)
{
    struct game *g = p->game;
    struct seat *me = &g->seats[p->seat], *other = &g->seats[1 - p->seat];
    if (other->gone) {
        player_error(p, PROTO_ERR_UNEXPECTED, "your opponent has left: no rematch");
        return;
    }
    if (me->rematch)
        return; /* already offered */
    me->rematch = 1;
    if (!other->rematch) {
        send_opponent(g, other->player, PROTO_OPP_REMATCH, 0);
        return;
    }
    /* Both offered: a new game, marks swapped; who follows this one watches it. */
    struct player *new_x = g->seats[1].player, *new_o = g->seats[0].player;
    for (int i = 0; i < 2; i++) {
        g->seats[i].player->game = NULL;
        g->seats[i].player->state = PLAYER_LOBBY;
        g->seats[i].player = NULL;
    }
    struct game *next = start(g->games, new_x, new_o, g->from_room);
    struct list *n;
    while (next && (n = list_first(&g->spectators))) {
        list_remove(n);
        watch(next, spectator(n));
    }
    maybe_free(g);
}

void game_spectate(struct games *gs, struct player *p, uint32_t game_id)
{
    struct game *g = game_by_id(gs, game_id);
    if (!g || !watchable(g)) {
        char text[64];
        snprintf(text, sizeof text, "no live game %u", (unsigned)game_id);
        player_error(p, PROTO_ERR_NO_SUCH_GAME, text);
        return;
    }
    watch(g, p);
}

/* `p` takes seat i back from the player who holds it: that one gets ERROR
 * REPLACED, and the opponent hears nothing (the seat was never empty). */
static void take_over(struct game *g, int i, struct player *p)
{
    struct player *old = g->seats[i].player;
    old->game = NULL;
    old->state = PLAYER_LOBBY;
    player_error(old, PROTO_ERR_REPLACED, "this seat was resumed from another connection");
    log_info("game %u: seat %c taken over by #%llu from #%llu", (unsigned)g->id, i ? 'O' : 'X', player_id(p),
             player_id(old));
}

int game_resume(struct games *gs, struct player *p, const uint8_t token[PROTO_TOKEN_LEN])
{
    struct seat *s = seat_by_token(gs, token);
    if (!s) {
        player_error(p, PROTO_ERR_BAD_TOKEN, "no seat in a live game has this token");
        return -1;
    }
    struct game *g = s->game;
    int i = s == &g->seats[0] ? 0 : 1;
    if (s->player) {
        take_over(g, i, p);
    } else {
        loop_timer_cancel(gs->loop, &s->grace);
        s->away = 0;
        send_opponent(g, g->seats[1 - i].player, PROTO_OPP_RECONNECTED, 0);
        log_info("game %u: seat %c resumed by #%llu", (unsigned)g->id, i ? 'O' : 'X', player_id(p));
    }
    memcpy(p->token, s->token, PROTO_TOKEN_LEN); /* the seat keeps its token */
    seat_player(g, i, p);
    send_start(p, g, (uint8_t)(i + 1));
    /* Back at a game whose other seat is empty too: say so, with the time
     * that player has left to come back. */
    const struct seat *other = &g->seats[1 - i];
    if (other->away) {
        uint64_t now = loop_now_ms(gs->loop);
        uint64_t when = loop_timer_when(&other->grace);
        uint64_t left = when > now ? when - now : 0;
        send_opponent(g, p, PROTO_OPP_DISCONNECTED, (uint16_t)((left + 999u) / 1000u));
    }
    return 0;
}

void game_list(struct games *gs, struct player *p)
{
    struct proto_msg m = { .type = PROTO_GAME_LIST };
    uint8_t n = 0;
    for (struct list *l = list_first(&gs->listed); l && n < PROTO_LIST_MAX; l = list_next(&gs->listed, l)) {
        const struct game *g = container_of(l, struct game, live_link);
        struct proto_game_entry *e = &m.u.game_list.games[n++];
        e->game_id = g->id;
        e->ply = g->board.ply;
        e->x_name = g->seats[0].name;
        e->o_name = g->seats[1].name;
    }
    m.u.game_list.count = n;
    player_send(p, &m);
}

/* A player lost mid-game: the seat waits `grace_s` for a RESUME. */
static void leave_away(struct game *g, struct player *p)
{
    struct games *gs = g->games;
    struct seat *me = &g->seats[p->seat];
    me->player = NULL;
    me->away = 1;
    (void)loop_timer_at(gs->loop, &me->grace, loop_now_ms(gs->loop) + (uint64_t)gs->grace_s * 1000u);
    send_opponent(g, g->seats[1 - p->seat].player, PROTO_OPP_DISCONNECTED, gs->grace_s);
    log_info("game %u: %c disconnected (#%llu); %u s to come back", (unsigned)g->id, p->seat ? 'O' : 'X',
             player_id(p), (unsigned)gs->grace_s);
}

void game_leave(struct player *p, int lost)
{
    struct game *g = p->game;
    if (!g)
        return;
    if (p->state == PLAYER_SPECTATING || p->state == PLAYER_LOBBY) { /* watching, or following */
        list_remove(&p->watch_link);
    } else if (p->state == PLAYER_PLAYING && lost) {
        leave_away(g, p);
    } else {
        if (p->state == PLAYER_PLAYING)
            game_end(g, (uint8_t)(2 - p->seat), PROTO_REASON_RESIGN, NULL); /* LEAVE resigns */
        /* Now at a finished game: leave it. */
        g->seats[p->seat].player = NULL;
        g->seats[p->seat].gone = 1;
        send_opponent(g, g->seats[1 - p->seat].player, PROTO_OPP_LEFT, 0);
    }
    p->game = NULL;
    p->state = PLAYER_LOBBY;
    maybe_free(g);
}

void game_abort_all(struct games *gs)
{
    gs->closing = 1;
    struct list *n;
    while ((n = list_first(&gs->listed)) || (n = list_first(&gs->unlisted)))
        game_end(container_of(n, struct game, live_link), 0, PROTO_REASON_ABORTED, NULL);
}
