/* SPDX-License-Identifier: MIT */
/* app_buttons.c: the buttons each screen of the ttt client offers, in the
 * order the keyboard walks them, and which of them has the focus. Below the
 * state machine (app.c) and the lists (app_lists.c), which both move the
 * focus; it reads the state and changes nothing but the focus. See app.h.
 */
#include "app.h"
#include "app_state.h"

#include <string.h>

/* Each screen's buttons into b (room for APP_BUTTONS_MAX); the count. */
static size_t connect_buttons(const struct app *a, int *b)
{
    size_t n = 0;
    if (a->connecting) {
        b[n++] = APP_BTN_CANCEL;
    } else {
        b[n++] = APP_BTN_FIELD_ADDR;
        b[n++] = APP_BTN_FIELD_NAME;
        b[n++] = a->retry ? APP_BTN_RETRY : APP_BTN_CONNECT;
        for (unsigned i = 0; i < a->server_rows.count && i < APP_SERVERS_MAX; i++)
            b[n++] = APP_BTN_SERVER_BASE + (int)i;
        b[n++] = APP_BTN_COMPUTER;
    }
    b[n++] = APP_BTN_QUIT;
    return n;
}

static size_t lobby_buttons(const struct app *a, int *b)
{
    static const int code[] = {APP_BTN_FIELD_CODE, APP_BTN_JOIN_GO, APP_BTN_BACK};
    static const int menu[] = {APP_BTN_QUICK_MATCH, APP_BTN_CREATE_ROOM, APP_BTN_JOIN_ROOM, APP_BTN_WATCH,
                               APP_BTN_COMPUTER, APP_BTN_BACK /* "Change server" */, APP_BTN_QUIT};
    size_t n = 0;
    if (a->lobby_mode == APP_LOBBY_CODE) {
        memcpy(b, code, sizeof code);
        return sizeof code / sizeof code[0];
    }
    if (a->lobby_mode != APP_LOBBY_LIST) {
        memcpy(b, menu, sizeof menu);
        return sizeof menu / sizeof menu[0];
    }
    for (unsigned i = 0; i < a->list.count && i < PROTO_LIST_MAX; i++)
        b[n++] = APP_BTN_GAME_BASE + (int)i;
    b[n++] = APP_BTN_REFRESH;
    b[n++] = APP_BTN_BACK;
    return n;
}

static size_t game_over_buttons(const struct app *a, int *b)
{
    size_t n = 0;
    if (a->closed) {
        b[n++] = APP_BTN_RECONNECT;
        b[n++] = APP_BTN_QUIT;
    } else if (!app_is_player(a)) {
        b[n++] = APP_BTN_WATCH;
        b[n++] = APP_BTN_LOBBY;
    } else {
        /* Rematch stays (greyed once offered) and keeps the focus: a
         * second Enter must not press the button after it. */
        if (!a->game.opponent_left)
            b[n++] = APP_BTN_REMATCH;
        b[n++] = a->computer ? APP_BTN_CHANGE_LEVEL : APP_BTN_NEW_OPPONENT;
        b[n++] = APP_BTN_LOBBY;
    }
    return n;
}

/* Playing and reconnecting: the dialog's two buttons while it is open. */
static size_t game_buttons(const struct app *a, int *b)
{
    size_t n = 0;
    if (a->confirm_leave) {
        b[n++] = APP_BTN_LEAVE_CONFIRM;
        b[n++] = APP_BTN_STAY;
    } else if (a->screen == APP_SCREEN_RECONNECTING) {
        b[n++] = APP_BTN_GIVE_UP;
    } else {
        b[n++] = APP_BTN_RESIGN;
        b[n++] = APP_BTN_LEAVE;
    }
    return n;
}

size_t app_buttons(const struct app *a, int *ids, size_t cap)
{
    static const int levels[] = {APP_BTN_LEVEL_EASY, APP_BTN_LEVEL_MEDIUM, APP_BTN_LEVEL_PERFECT,
                                 APP_BTN_BACK};
    int b[APP_BUTTONS_MAX];
    size_t n = 0;
    switch (a->screen) {
    case APP_SCREEN_CONNECT: n = connect_buttons(a, b); break;
    case APP_SCREEN_LOBBY: n = lobby_buttons(a, b); break;
    case APP_SCREEN_LEVEL:
        memcpy(b, levels, sizeof levels);
        n = sizeof levels / sizeof levels[0];
        break;
    case APP_SCREEN_WAITING:
        if (a->wait_kind != APP_WAIT_JOINING)
            b[n++] = APP_BTN_CANCEL;
        break;
    case APP_SCREEN_PLAYING:
    case APP_SCREEN_RECONNECTING: n = game_buttons(a, b); break;
    case APP_SCREEN_GAME_OVER: n = game_over_buttons(a, b); break;
    case APP_SCREEN_SPECTATING: b[n++] = APP_BTN_LEAVE; break;
    default: break;
    }
    size_t k = n < cap ? n : cap;
    for (size_t i = 0; i < k; i++)
        ids[i] = b[i];
    return n;
}

int app_focused_button(const struct app *a)
{
    int ids[APP_BUTTONS_MAX];
    size_t n = app_buttons(a, ids, APP_BUTTONS_MAX);
    return a->focus < n ? ids[a->focus] : APP_BTN_NONE;
}

/* Put the focus on `id`; 0 when the screen does not show it. */
int app_focus_on(struct app *a, int id)
{
    int ids[APP_BUTTONS_MAX];
    size_t n = app_buttons(a, ids, APP_BUTTONS_MAX);
    for (size_t i = 0; i < n; i++) {
        if (ids[i] == id) {
            a->focus = (uint8_t)i;
            return 1;
        }
    }
    return 0;
}
