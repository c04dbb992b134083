/* SPDX-License-Identifier: MIT */
/* app_state.h: questions the ttt client asks about its UI state (app.h) --
 * does this client play a seat, is a game on, who is the opponent -- shared
 * by the state machine, the input mapping, the words and the scene. Pure
 * functions: they read the app, never change it.
 */
#ifndef TTT_APP_STATE_H
#define TTT_APP_STATE_H

#include <stdint.h>

struct app;
struct session_game;

/* 1 when this client plays a seat (X or O) of the current or last game, 0
 * when it watches or has had no game. */
int app_is_player(const struct app *a);

/* 1 while the current game is on: not over, and X or O to move. */
int app_game_live(const struct app *a);

/* The name on seat `mark` (PROTO_MARK_X or _O) of g, or "X" / "O" when the
 * server sent none. */
const char *app_seat_name(const struct session_game *g, uint8_t mark);

/* The other player's name ("your opponent" when unknown). */
const char *app_opponent_name(const struct app *a);

/* The server's address to tell a friend: the one found for them when the
 * server is on this machine's loopback (app_set_invite_addr), else the one
 * typed. */
const char *app_invite_addr(const struct app *a);

#endif
