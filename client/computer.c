/* SPDX-License-Identifier: MIT */
/* computer.c: the local game against the computer (see computer.h): the
 * moves checked and applied with the shared rules, the computer's choice
 * (rules/strategy.c), and the session events they make. */
#include "computer.h"

#include <string.h>

static const char *const level_names[COMPUTER_LEVELS] = { "easy", "medium", "perfect" };
static const char *const computer_names[COMPUTER_LEVELS] = { "Easy computer", "Medium computer",
                                                             "Perfect computer" };

int computer_level_parse(const char *s, enum computer_level *out)
{
    for (int i = 0; s && i < COMPUTER_LEVELS; i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (enum computer_level)i;
            return 0;
        }
    }
    return -1;
}

const char *computer_level_name(enum computer_level level)
{
    return (unsigned)level < COMPUTER_LEVELS ? level_names[level] : "?";
}

/* What each level plays like: easy at random, medium the perfect player's
 * move half the time, perfect always (rules/strategy.c, as ttt-bot). */
static const struct strategy level_strategy[COMPUTER_LEVELS] = {
    {STRATEGY_RANDOM, 0.0}, {STRATEGY_MIXED, 0.5}, {STRATEGY_PERFECT, 1.0}};

unsigned computer_choose(enum computer_level level, const struct board *b, struct strategy_rng *rng)
{
    return strategy_choose(&level_strategy[level], rng, b);
}

static uint8_t computer_mark(const struct computer *c)
{
    return c->game.you == PROTO_MARK_X ? PROTO_MARK_O : PROTO_MARK_X;
}

/* A new game with the player on `you`: GAME_START, and the computer's first
 * move due when it is X. */
static void new_game(struct computer *c, uint8_t you, uint64_t now_ms)
{
    uint32_t id = c->game.game_id + 1;
    memset(&c->game, 0, sizeof c->game);
    c->game.game_id = id;
    c->game.you = you;
    c->game.board = board_new();
    c->game.to_move = PROTO_MARK_X;
    c->game.last_cell = BOARD_NO_CELL;
    memset(c->game.line, PROTO_NO_CELL, sizeof c->game.line);
    struct proto_name *mine = you == PROTO_MARK_X ? &c->game.x_name : &c->game.o_name;
    struct proto_name *theirs = you == PROTO_MARK_X ? &c->game.o_name : &c->game.x_name;
    *mine = c->player;
    proto_name_set(theirs, computer_names[c->level]);
    c->move_at_ms = you == PROTO_MARK_O ? now_ms + COMPUTER_THINK_MS : 0;
    session_events_push(&c->events, SESSION_EV_GAME_START);
}

/* The game ended (winner: a mark, or 0 for a draw): GAME_OVER, then the
 * computer's rematch offer. */
static void end_game(struct computer *c, uint8_t winner, uint8_t reason, const uint8_t line[3])
{
    c->game.over = 1;
    c->game.winner = winner;
    c->game.reason = reason;
    memcpy(c->game.line, line, 3);
    c->game.to_move = 0;
    c->move_at_ms = 0;
    session_events_push(&c->events, SESSION_EV_GAME_OVER);
    c->game.opponent_rematch = 1;
    struct session_event *ev = session_events_push(&c->events, SESSION_EV_OPPONENT);
    if (ev)
        ev->u.opponent.event = PROTO_OPP_REMATCH;
}

/* Apply the move of the side to move in cell (checked by the caller):
 * MOVED, and GAME_OVER when it ends the game. */
static void play(struct computer *c, unsigned cell)
{
    struct board next;
    uint8_t mark = board_to_move(&c->game.board);
    uint8_t ply = c->game.board.ply;
    if (board_apply(&c->game.board, cell, &next) != BOARD_OK)
        return;
    c->game.board = next;
    c->game.last_cell = (uint8_t)cell;
    c->game.to_move = board_to_move(&next);
    struct session_event *ev = session_events_push(&c->events, SESSION_EV_MOVED);
    if (ev) {
        ev->u.moved.ply = ply;
        ev->u.moved.cell = (uint8_t)cell;
        ev->u.moved.mark = mark;
    }
    struct board_result r = board_result(&next);
    if (r.over)
        end_game(c, r.winner, r.winner ? PROTO_REASON_LINE : PROTO_REASON_FULL, r.line);
}

void computer_start(struct computer *c, enum computer_level level, const char *player_name,
                    uint64_t seed, uint64_t now_ms)
{
    memset(c, 0, sizeof *c);
    c->level = (uint8_t)((unsigned)level < COMPUTER_LEVELS ? level : COMPUTER_PERFECT);
    strategy_rng_seed(&c->rng, seed, 0);
    if (!player_name || proto_name_set(&c->player, player_name) != PROTO_OK)
        proto_name_set(&c->player, "You");
    new_game(c, PROTO_MARK_X, now_ms);
}

int computer_move(struct computer *c, unsigned cell, uint64_t now_ms)
{
    const struct board *b = &c->game.board;
    if (c->game.over || c->game.to_move != c->game.you || cell >= BOARD_CELLS ||
        b->cells[cell] != BOARD_EMPTY)
        return -1;
    play(c, cell);
    if (!c->game.over)
        c->move_at_ms = now_ms + COMPUTER_THINK_MS;
    return 0;
}

int computer_resign(struct computer *c, uint64_t now_ms)
{
    (void)now_ms;
    if (c->game.over)
        return -1;
    static const uint8_t no_line[3] = { PROTO_NO_CELL, PROTO_NO_CELL, PROTO_NO_CELL };
    end_game(c, computer_mark(c), PROTO_REASON_RESIGN, no_line);
    return 0;
}

int computer_rematch(struct computer *c, uint64_t now_ms)
{
    if (!c->game.over)
        return -1;
    new_game(c, computer_mark(c), now_ms);
    return 0;
}

void computer_tick(struct computer *c, uint64_t now_ms)
{
    if (!c->move_at_ms || now_ms < c->move_at_ms || c->game.over ||
        c->game.to_move != computer_mark(c))
        return;
    c->move_at_ms = 0;
    unsigned cell = computer_choose((enum computer_level)c->level, &c->game.board, &c->rng);
    if (cell < BOARD_CELLS)
        play(c, cell);
}

uint64_t computer_next_deadline(const struct computer *c)
{
    return c->move_at_ms ? c->move_at_ms : UINT64_MAX;
}

int computer_next_event(struct computer *c, struct session_event *ev)
{
    return session_events_take(&c->events, ev);
}

const struct session_game *computer_game(const struct computer *c)
{
    return &c->game;
}

enum session_phase computer_phase(const struct computer *c)
{
    return c->game.over ? SESSION_GAME_OVER : SESSION_PLAYING;
}

int computer_my_turn(const struct computer *c)
{
    return !c->game.over && c->game.to_move == c->game.you;
}

int computer_request(struct computer *c, const struct session_request *r, uint64_t now_ms)
{
    switch (r->type) {
    case SESSION_REQ_MOVE: (void)computer_move(c, r->cell, now_ms); return 0;
    case SESSION_REQ_RESIGN: (void)computer_resign(c, now_ms); return 0;
    case SESSION_REQ_REMATCH: (void)computer_rematch(c, now_ms); return 0;
    case SESSION_REQ_LEAVE:
    case SESSION_REQ_CLOSE: return 1;
    default: return 0;
    }
}

void computer_snapshot(const struct computer *c, struct session_snapshot *out)
{
    memset(out, 0, sizeof *out);
    out->phase = (uint8_t)computer_phase(c);
    out->my_turn = (uint8_t)computer_my_turn(c);
    out->game = c->game;
}
