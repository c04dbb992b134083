/* SPDX-License-Identifier: MIT */
/* app_feel.c: what the ttt client's UI gives besides the screens -- the
 * score of a series of rematches, played or watched, and the cues for the
 * main loop (a sound for a move, your turn, low time and a game's end; the
 * window's flash when it becomes your turn). See app.h.
 */
#include "app.h"

#include <stdio.h>
#include <string.h>

#include "app_state.h"

static void cue(struct app *a, enum sound_cue c)
{
    a->feedback.sound = (int)c;
}

struct app_feedback app_take_feedback(struct app *a)
{
    struct app_feedback f = a->feedback;
    a->feedback.sound = -1;
    a->feedback.flash = 0;
    return f;
}

/* 1 when it is the player's move in a live game. */
static int my_move(const struct app *a)
{
    return app_is_player(a) && app_game_live(a) && a->game.to_move == a->game.you;
}

void app_cue_turn(struct app *a)
{
    if (!my_move(a))
        return;
    cue(a, SOUND_YOUR_TURN);
    a->feedback.flash = 1;
}

void app_cue_moved(struct app *a)
{
    if (my_move(a))
        app_cue_turn(a); /* the opponent's move made it your turn: that says both */
    else
        cue(a, SOUND_MOVE);
}

uint64_t app_low_time_at(const struct app *a, uint64_t now_ms)
{
    const struct session_game *g = &a->game;
    if (a->screen != APP_SCREEN_PLAYING || !my_move(a) || g->turn_deadline_ms <= now_ms ||
        g->turn_deadline_ms < APP_LOW_TIME_MS ||
        (a->low_time_game == g->game_id && a->low_time_ply == g->board.ply))
        return UINT64_MAX;
    return g->turn_deadline_ms - APP_LOW_TIME_MS;
}

void app_cue_low_time(struct app *a)
{
    uint64_t at = app_low_time_at(a, a->now_ms);
    if (at == UINT64_MAX || a->now_ms < at)
        return;
    a->low_time_game = a->game.game_id;
    a->low_time_ply = a->game.board.ply;
    cue(a, SOUND_LOW_TIME);
}

/* Whether a game of x and o (a spectator's) goes on with series s. */
static int same_pair(const struct app_series *s, const char *x, const char *o)
{
    return (strcmp(s->names[0], x) == 0 && strcmp(s->names[1], o) == 0) ||
           (strcmp(s->names[0], o) == 0 && strcmp(s->names[1], x) == 0);
}

void app_series_start(struct app *a)
{
    struct app_series *s = &a->series;
    const struct session_game *g = &a->game;
    int player = app_is_player(a);
    const char *x = player ? "" : g->x_name.s, *o = player ? app_opponent_name(a) : g->o_name.s;
    int same = player ? s->you != 0 && strcmp(s->names[1], o) == 0
                      : s->you == 0 && same_pair(s, x, o);
    int rematch = a->screen == APP_SCREEN_GAME_OVER && s->names[1][0] && same;
    if (!rematch) {
        memset(s, 0, sizeof *s);
        if (player || (x[0] && o[0] && strcmp(x, o) != 0)) /* one name twice: no telling them apart */
            snprintf(s->names[1], sizeof s->names[1], "%s", o);
        snprintf(s->names[0], sizeof s->names[0], "%s", x);
    }
    s->swapped = player && rematch && s->you != g->you;
    s->you = player ? g->you : 0;
}

/* The side of series s that the seat `mark` of game g is on. */
static int side_of(const struct app_series *s, const struct session_game *g, uint8_t mark)
{
    if (s->you)
        return mark == s->you ? 0 : 1;
    return strcmp(app_seat_name(g, mark), s->names[0]) == 0 ? 0 : 1;
}

unsigned app_series_wins(const struct app *a, uint8_t mark)
{
    return a->series.wins[side_of(&a->series, &a->game, mark)];
}

void app_series_over(struct app *a)
{
    struct app_series *s = &a->series;
    const struct session_game *g = &a->game;
    if (!s->names[1][0] || !g->over || s->counted == g->game_id)
        return;
    s->counted = g->game_id;
    if (g->reason == PROTO_REASON_ABORTED)
        return; /* no result */
    s->played++;
    if (g->winner == PROTO_MARK_X || g->winner == PROTO_MARK_O)
        s->wins[side_of(s, g, g->winner)]++;
    if (!app_is_player(a))
        return;
    if (g->winner == g->you)
        cue(a, SOUND_WIN);
    else if (g->winner == PROTO_MARK_X || g->winner == PROTO_MARK_O)
        cue(a, SOUND_LOSS);
    else
        cue(a, SOUND_DRAW);
}
