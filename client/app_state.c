/* SPDX-License-Identifier: MIT */
/* app_state.c: the queries of app_state.h over the app's session snapshot. */
#include "app_state.h"

#include "app.h"

int app_is_player(const struct app *a)
{
    return a->game.you == PROTO_MARK_X || a->game.you == PROTO_MARK_O;
}

int app_game_live(const struct app *a)
{
    return !a->game.over &&
           (a->game.to_move == PROTO_MARK_X || a->game.to_move == PROTO_MARK_O);
}

const char *app_seat_name(const struct session_game *g, uint8_t mark)
{
    const struct proto_name *n = mark == PROTO_MARK_X ? &g->x_name : &g->o_name;
    if (n->s[0])
        return n->s;
    return mark == PROTO_MARK_X ? "X" : "O";
}

const char *app_opponent_name(const struct app *a)
{
    const struct proto_name *n = a->game.you == PROTO_MARK_X ? &a->game.o_name : &a->game.x_name;
    return n->s[0] ? n->s : "your opponent";
}

const char *app_invite_addr(const struct app *a)
{
    return a->invite_addr[0] ? a->invite_addr : a->addr;
}
