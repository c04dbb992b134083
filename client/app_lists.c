/* SPDX-License-Identifier: MIT */
/* app_lists.c: the live lists of the ttt client's UI -- the games to watch
 * (refreshed from the server) and the servers on the network (from
 * discovery) -- as rows that do not move under the mouse (rows.h), with the
 * keyboard focus kept on the same item across a refresh. See app.h.
 */
#include "app.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

static uint32_t game_key(const void *item)
{
    return ((const struct proto_game_entry *)item)->game_id;
}

static uint32_t server_key(const void *item)
{
    return ((const struct app_server *)item)->serial;
}

static int is_game_row(int id)
{
    return id >= APP_BTN_GAME_BASE && id < APP_BTN_SERVER_BASE;
}

static int is_server_row(int id)
{
    return id >= APP_BTN_SERVER_BASE && id < APP_BTN_COUNT;
}

/* The key of the item in row `id` (0: not a row of these lists). */
static uint32_t key_of_row(const struct app *a, int id)
{
    if (is_game_row(id) && (unsigned)(id - APP_BTN_GAME_BASE) < a->list.count)
        return a->list.games[id - APP_BTN_GAME_BASE].game_id;
    if (is_server_row(id) && (unsigned)(id - APP_BTN_SERVER_BASE) < a->server_rows.count)
        return a->servers[id - APP_BTN_SERVER_BASE].serial;
    return 0;
}

/* After the rows changed: the focus back on the row of `key` (the item
 * focused before), else on the button `before`, else the first. */
static void refocus(struct app *a, int before, uint32_t key)
{
    if (key && is_game_row(before)) {
        for (unsigned i = 0; i < a->list.count; i++)
            if (a->list.games[i].game_id == key)
                before = APP_BTN_GAME_BASE + (int)i;
    } else if (key && is_server_row(before)) {
        for (unsigned i = 0; i < a->server_rows.count; i++)
            if (a->servers[i].serial == key)
                before = APP_BTN_SERVER_BASE + (int)i;
    }
    if (!app_focus_on(a, before))
        a->focus = 0;
}

void app_on_game_list(struct app *a, const struct session_game_list *list, int before)
{
    int first = !a->list_loaded;
    uint32_t key = key_of_row(a, before);
    size_t n = list->count < PROTO_LIST_MAX ? list->count : PROTO_LIST_MAX;
    rows_merge(&a->game_rows, a->list.games, PROTO_LIST_MAX, list->games, n, sizeof list->games[0],
               game_key, is_game_row(a->pointer));
    a->list.count = a->game_rows.count;
    a->list_loaded = 1;
    if (first)
        a->focus = 0; /* the first game (or Refresh when there is none) */
    else
        refocus(a, before, key);
}

void app_on_servers(struct app *a, const struct discover_server *s, size_t n)
{
    struct app_server fresh[APP_SERVERS_MAX];
    size_t k = n < APP_SERVERS_MAX ? n : APP_SERVERS_MAX;
    memset(fresh, 0, sizeof fresh);
    for (size_t i = 0; i < k; i++) {
        fresh[i].serial = s[i].serial;
        text_printable(s[i].info.name.s, s[i].info.name.len, fresh[i].name, sizeof fresh[i].name);
        snprintf(fresh[i].addr, sizeof fresh[i].addr, "%s", s[i].addr);
        fresh[i].players = s[i].info.players;
        fresh[i].games = s[i].info.games;
        fresh[i].full = (s[i].info.flags & DISC_FLAG_FULL) != 0;
        fresh[i].other_version = s[i].info.proto_version != PROTO_VERSION;
    }
    int before = app_focused_button(a);
    uint32_t key = key_of_row(a, before);
    if (rows_merge(&a->server_rows, a->servers, APP_SERVERS_MAX, fresh, k, sizeof fresh[0], server_key,
                   is_server_row(a->pointer)))
        refocus(a, before, key);
}

void app_pointer(struct app *a, int id)
{
    int before = app_focused_button(a);
    uint32_t key = key_of_row(a, before);
    a->pointer = id;
    int changed = 0;
    if (!is_game_row(id))
        changed |= rows_drop_gone(&a->game_rows, a->list.games, sizeof a->list.games[0]);
    if (!is_server_row(id))
        changed |= rows_drop_gone(&a->server_rows, a->servers, sizeof a->servers[0]);
    a->list.count = a->game_rows.count;
    if (changed)
        refocus(a, before, key);
}

int app_wants_discovery(const struct app *a)
{
    return !a->quit && a->screen == APP_SCREEN_CONNECT && !a->connecting;
}
