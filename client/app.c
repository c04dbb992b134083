/* SPDX-License-Identifier: MIT */
/* app.c: the ttt client's UI state machine -- screens, what each key, click
 * and network event means, and the requests that follow; games against the
 * computer. No SDL, no sockets, no I/O: see app.h. Wording is in
 * app_words.c, the scene in app_scene.c, the buttons and their focus in
 * app_buttons.c, the lists that stay put in app_lists.c, the series and the
 * cues in app_feel.c.
 */
#include "app.h"
#include "app_state.h"
#include "computer.h"
#include "text.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>


/* ---- small helpers ---- */

void app_push_request(struct app *a, const struct app_request *r)
{
    if (a->req_count >= APP_REQ_QUEUE)
        return; /* the main loop drains every frame: a full queue means it stopped */
    a->req[(a->req_head + a->req_count) % APP_REQ_QUEUE] = *r;
    a->req_count++;
}

void app_push(struct app *a, uint8_t type)
{
    struct app_request r;
    memset(&r, 0, sizeof r);
    r.type = type;
    app_push_request(a, &r);
}

void app_push_session_request(struct app *a, const struct session_request *sr)
{
    struct app_request r;
    memset(&r, 0, sizeof r);
    r.type = APP_REQ_SESSION;
    r.session = *sr;
    app_push_request(a, &r);
}

void app_push_session(struct app *a, uint8_t type)
{
    struct session_request r;
    memset(&r, 0, sizeof r);
    r.type = type;
    app_push_session_request(a, &r);
}

/* A request for the main loop that carries the address and the name typed
 * (CONNECT: start the session; REMEMBER: save them). */
static void push_addr_name(struct app *a, uint8_t type)
{
    struct app_request r;
    memset(&r, 0, sizeof r);
    r.type = type;
    text_copy(r.host, sizeof r.host, a->addr);
    text_copy(r.name, sizeof r.name, a->name);
    app_push_request(a, &r);
}

int app_take_request(struct app *a, struct app_request *r)
{
    if (a->req_count == 0)
        return 0;
    *r = a->req[a->req_head];
    a->req_head = (uint8_t)((a->req_head + 1) % APP_REQ_QUEUE);
    a->req_count--;
    return 1;
}

/* Words start lower case; a line on screen starts with a capital. */
static void capitalise(char *s)
{
    if (s[0] >= 'a' && s[0] <= 'z')
        s[0] = (char)(s[0] - 'a' + 'A');
}

void app_toast(struct app *a, const char *text, int error)
{
    a->toast_error = (uint8_t)(error != 0);
    text_copy(a->toast, sizeof a->toast, text);
    a->toast_until_ms = a->now_ms + APP_TOAST_MS;
}

static void toast(struct app *a, const char *text)
{
    app_toast(a, text, 1);
}

static void tell(struct app *a, const char *text)
{
    app_toast(a, text, 0);
}

static void set_screen(struct app *a, uint8_t screen)
{
    a->screen = screen;
    a->focus = 0;
    a->confirm_leave = APP_CONFIRM_NONE;
}

/* A lobby mode; the code field's error goes with the mode it was for. */
static void set_lobby(struct app *a, uint8_t mode)
{
    set_screen(a, APP_SCREEN_LOBBY);
    a->lobby_mode = mode;
    a->error[0] = '\0';
}

static void set_waiting(struct app *a, uint8_t kind)
{
    set_screen(a, APP_SCREEN_WAITING);
    a->wait_kind = kind;
}

/* ---- focus ---- */

/* After the button list changed: keep the focus on the same button, else the first. */
static void keep_focus(struct app *a, int id)
{
    if (!app_focus_on(a, id))
        a->focus = 0;
}

/* ---- actions ---- */

/* Drop the spaces at both ends of s, which a name may not have. */
static void trim_spaces(char *s)
{
    size_t n = strlen(s), i = 0;
    while (n > 0 && s[n - 1] == ' ')
        n--;
    while (i < n && s[i] == ' ')
        i++;
    memmove(s, s + i, n - i);
    s[n - i] = '\0';
}

static void connect_now(struct app *a)
{
    if (!config_addr_valid(a->addr)) {
        text_copy(a->error, sizeof a->error, "Type the server's address (host or host:port)");
        a->field = 0;
        app_focus_on(a, APP_BTN_FIELD_ADDR);
        return;
    }
    trim_spaces(a->name);
    if (!text_name_valid(a->name, strlen(a->name))) {
        text_copy(a->error, sizeof a->error, "Type your name (1 to 16 bytes, no invisible characters)");
        a->field = 1;
        app_focus_on(a, APP_BTN_FIELD_NAME);
        return;
    }
    push_addr_name(a, APP_REQ_CONNECT);
    a->error[0] = '\0';
    a->connecting = 1;
    a->closed = 0;
    a->retry = 0;
    set_screen(a, APP_SCREEN_CONNECT);
}

static void quit(struct app *a)
{
    app_push(a, APP_REQ_QUIT);
    a->quit = 1;
}

static void quick_match(struct app *a)
{
    app_push_session(a, SESSION_REQ_QUICK_MATCH);
    set_waiting(a, APP_WAIT_QUEUED);
}

static void create_room(struct app *a)
{
    app_push_session(a, SESSION_REQ_CREATE_ROOM);
    a->room_code[0] = '\0';
    set_waiting(a, APP_WAIT_ROOM);
}

/* Join the typed room; a code that cannot be one is said under its field. */
static void join_code(struct app *a)
{
    if (strlen(a->code) != PROTO_CODE_LEN || !proto_code_valid(a->code)) {
        if (a->screen != APP_SCREEN_LOBBY || a->lobby_mode != APP_LOBBY_CODE)
            set_lobby(a, APP_LOBBY_CODE);
        text_copy(a->error, sizeof a->error, "A room code has 6 characters");
        return;
    }
    struct session_request r;
    memset(&r, 0, sizeof r);
    r.type = SESSION_REQ_JOIN_ROOM;
    memcpy(r.code, a->code, PROTO_CODE_LEN + 1);
    app_push_session_request(a, &r);
    a->watch_id = 0;
    set_waiting(a, APP_WAIT_JOINING);
}

static void watch(struct app *a, uint32_t game_id)
{
    struct session_request r;
    memset(&r, 0, sizeof r);
    r.type = SESSION_REQ_SPECTATE;
    r.game_id = game_id;
    app_push_session_request(a, &r);
    a->watch_id = game_id;
    set_waiting(a, APP_WAIT_JOINING);
}

static int list_shown(const struct app *a)
{
    return !a->quit && a->screen == APP_SCREEN_LOBBY && a->lobby_mode == APP_LOBBY_LIST;
}

/* Ask for the live game list; the next refresh comes APP_LIST_REFRESH_MS later. */
static void request_list(struct app *a)
{
    app_push_session(a, SESSION_REQ_LIST_GAMES);
    a->list_refresh_ms = a->now_ms + APP_LIST_REFRESH_MS;
}

static void open_list(struct app *a)
{
    request_list(a);
    a->list_loaded = 0;
    a->list.count = 0;
    rows_clear(&a->game_rows);
    set_lobby(a, APP_LOBBY_LIST);
}

/* A watched game that ended is still followed (its rematch would be shown):
 * going elsewhere stops that, so a rematch does not pull the player off the
 * lobby or the list. Outside that case the session refuses it, sending nothing. */
static void stop_following(struct app *a)
{
    if (a->screen == APP_SCREEN_GAME_OVER && !app_is_player(a) && !a->closed)
        app_push_session(a, SESSION_REQ_LEAVE);
}

static void to_lobby(struct app *a)
{
    set_lobby(a, APP_LOBBY_MENU);
    a->pending_cell = BOARD_NO_CELL;
}

/* ---- the computer ---- */

/* The level choice, coming back to `from` (APP_SCREEN_CONNECT, _LOBBY, or
 * 0 after a game against the computer). */
static void open_levels(struct app *a, uint8_t from)
{
    a->level_from = from;
    set_screen(a, APP_SCREEN_LEVEL);
    app_focus_on(a, APP_BTN_LEVEL_MEDIUM);
}

/* A series against the computer at `level`. From a server's lobby the
 * server is left (and connected to again afterwards). */
static void play_computer(struct app *a, uint8_t level)
{
    if (a->level_from == APP_SCREEN_LOBBY) {
        app_push_session(a, SESSION_REQ_CLOSE);
        a->resume_server = 1;
    }
    struct app_request r;
    memset(&r, 0, sizeof r);
    r.type = APP_REQ_COMPUTER;
    r.level = level;
    text_copy(r.name, sizeof r.name, a->name);
    app_push_request(a, &r);
    a->computer = (uint8_t)(1 + level);
    a->connecting = 0;
    a->closed = 0;
    a->error[0] = '\0';
    memset(&a->series, 0, sizeof a->series);
}

/* Done with the computer: back to the server left for it, or to the
 * connect screen. */
static void back_from_computer(struct app *a)
{
    a->computer = 0;
    a->level_from = 0;
    memset(&a->series, 0, sizeof a->series);
    if (a->resume_server) {
        a->resume_server = 0;
        connect_now(a);
        return;
    }
    set_screen(a, APP_SCREEN_CONNECT);
}

/* The game against the computer ends here: LEAVE ends it for the main loop. */
static void stop_computer(struct app *a)
{
    app_push_session(a, SESSION_REQ_LEAVE);
    a->computer = 0;
}

/* Back from the level choice: to the lobby (still connected), or as from a
 * game. */
static void levels_back(struct app *a)
{
    if (a->level_from == APP_SCREEN_LOBBY)
        to_lobby(a);
    else
        back_from_computer(a);
}

/* Leave the queue, room, game or spectating, back to the lobby (or, against
 * the computer, out of its games). */
static void leave(struct app *a)
{
    if (a->computer) {
        stop_computer(a);
        back_from_computer(a);
        return;
    }
    app_push_session(a, SESSION_REQ_LEAVE);
    to_lobby(a);
}

static void disconnect(struct app *a, const char *why)
{
    app_push_session(a, SESSION_REQ_CLOSE);
    a->connecting = 0;
    a->closed = 0;
    set_screen(a, APP_SCREEN_CONNECT);
    text_copy(a->error, sizeof a->error, why);
}

static void open_confirm(struct app *a, uint8_t what /* enum app_confirm */)
{
    a->confirm_leave = what;
    app_focus_on(a, APP_BTN_STAY);
}

static void rematch(struct app *a)
{
    if (a->screen != APP_SCREEN_GAME_OVER || a->closed || !app_is_player(a) ||
        a->game.opponent_left || a->rematch_sent)
        return;
    app_push_session(a, SESSION_REQ_REMATCH);
    a->rematch_sent = 1;
    keep_focus(a, APP_BTN_REMATCH); /* greyed now: Enter again does nothing */
}

/* What the dialog's confirm button does: resign, give up reconnecting, or leave. */
static void confirmed(struct app *a)
{
    uint8_t what = a->confirm_leave;
    a->confirm_leave = APP_CONFIRM_NONE;
    a->focus = 0;
    if (what == APP_CONFIRM_RESIGN)
        app_push_session(a, SESSION_REQ_RESIGN);
    else if (what == APP_CONFIRM_GIVE_UP)
        disconnect(a, "Stopped reconnecting");
    else
        leave(a);
}

/* The level buttons' levels. */
static int level_of(int id)
{
    return id == APP_BTN_LEVEL_EASY ? COMPUTER_EASY
         : id == APP_BTN_LEVEL_MEDIUM ? COMPUTER_MEDIUM : COMPUTER_PERFECT;
}

/* A list row: watch its game, or connect to its server (a gone one does nothing). */
static void activate_row(struct app *a, int id)
{
    if (id >= APP_BTN_SERVER_BASE) {
        unsigned i = (unsigned)(id - APP_BTN_SERVER_BASE);
        if (i < a->server_rows.count && !a->server_rows.gone[i] && a->screen == APP_SCREEN_CONNECT) {
            text_copy(a->addr, sizeof a->addr, a->servers[i].addr);
            connect_now(a);
        }
        return;
    }
    unsigned i = (unsigned)(id - APP_BTN_GAME_BASE);
    if (i < a->list.count && !a->game_rows.gone[i])
        watch(a, a->list.games[i].game_id);
}

/* The buttons of the computer's games and of its level choice. */
static int activate_computer(struct app *a, int id)
{
    switch (id) {
    case APP_BTN_COMPUTER: open_levels(a, a->screen); return 1;
    case APP_BTN_LEVEL_EASY:
    case APP_BTN_LEVEL_MEDIUM:
    case APP_BTN_LEVEL_PERFECT: play_computer(a, (uint8_t)level_of(id)); return 1;
    case APP_BTN_CHANGE_LEVEL:
        stop_computer(a);
        open_levels(a, 0);
        return 1;
    default: return 0;
    }
}

void app_activate(struct app *a, int id)
{
    if (id >= APP_BTN_GAME_BASE) {
        activate_row(a, id);
        return;
    }
    if (activate_computer(a, id))
        return;
    switch (id) {
    case APP_BTN_FIELD_ADDR: a->field = 0; break;
    case APP_BTN_FIELD_NAME: a->field = 1; break;
    case APP_BTN_FIELD_CODE: break;
    case APP_BTN_CONNECT:
    case APP_BTN_RETRY: connect_now(a); break;
    case APP_BTN_QUIT: quit(a); break;
    case APP_BTN_QUICK_MATCH: quick_match(a); break;
    case APP_BTN_CREATE_ROOM: create_room(a); break;
    case APP_BTN_JOIN_ROOM: set_lobby(a, APP_LOBBY_CODE); break;
    case APP_BTN_WATCH:
        stop_following(a);
        open_list(a);
        break;
    case APP_BTN_JOIN_GO: join_code(a); break;
    case APP_BTN_BACK:
        if (a->screen == APP_SCREEN_LEVEL)
            levels_back(a);
        else if (a->screen == APP_SCREEN_LOBBY && a->lobby_mode == APP_LOBBY_MENU)
            disconnect(a, "");
        else
            set_lobby(a, APP_LOBBY_MENU);
        break;
    case APP_BTN_REFRESH: request_list(a); break;
    case APP_BTN_CANCEL:
        if (a->screen == APP_SCREEN_CONNECT)
            disconnect(a, "");
        else
            leave(a);
        break;
    case APP_BTN_LEAVE:
        if (a->screen == APP_SCREEN_SPECTATING)
            leave(a);
        else
            open_confirm(a, APP_CONFIRM_LEAVE);
        break;
    case APP_BTN_RESIGN: open_confirm(a, APP_CONFIRM_RESIGN); break;
    case APP_BTN_LEAVE_CONFIRM: confirmed(a); break;
    case APP_BTN_STAY:
        a->confirm_leave = APP_CONFIRM_NONE;
        a->focus = 0;
        break;
    case APP_BTN_REMATCH: rematch(a); break;
    case APP_BTN_NEW_OPPONENT:
        /* LEAVE first, then ask from the lobby: the session's barrier then
         * drops what the old game still sends (an OPPONENT left). */
        app_push_session(a, SESSION_REQ_LEAVE);
        quick_match(a);
        break;
    case APP_BTN_LOBBY:
        if (app_is_player(a)) {
            leave(a);
        } else {
            stop_following(a);
            to_lobby(a);
        }
        break;
    case APP_BTN_GIVE_UP: open_confirm(a, APP_CONFIRM_GIVE_UP); break;
    case APP_BTN_RECONNECT:
        a->closed = 0;
        set_screen(a, APP_SCREEN_CONNECT);
        break;
    default: break;
    }
}

/* ---- network events ---- */

/* The keyboard cursor rests on free cells only: a move that fills its cell
 * hides it (the next key shows it again nearby, app_input.c). */
static void hide_taken_cursor(struct app *a)
{
    if (a->cursor < BOARD_CELLS && a->game.board.cells[a->cursor] != BOARD_EMPTY) {
        a->cursor_home = a->cursor;
        a->cursor = BOARD_NO_CELL;
    }
}

/* A connect failed or was cancelled before WELCOME: the quick match an address
 * alone implies is not repeated by a retry from the connect screen, but a room,
 * a room code or a game asked for by name still waits for the next WELCOME. */
static void drop_quick_match(struct app *a)
{
    if (a->start_action == SESSION_REQ_QUICK_MATCH)
        a->start_action = 0;
}

static void on_welcome(struct app *a)
{
    if (!a->connecting)
        return; /* the user cancelled meanwhile: a DISCONNECT is on its way */
    push_addr_name(a, APP_REQ_REMEMBER);
    a->connecting = 0;
    a->error[0] = '\0';
    uint8_t action = a->start_action;
    a->start_action = 0;
    switch (action) {
    case SESSION_REQ_QUICK_MATCH: quick_match(a); break;
    case SESSION_REQ_CREATE_ROOM: create_room(a); break;
    case SESSION_REQ_JOIN_ROOM:
        text_copy(a->code, sizeof a->code, a->start_code);
        join_code(a); /* not a valid code: the code entry, to fix it */
        break;
    case SESSION_REQ_SPECTATE: watch(a, a->start_game_id); break;
    default: set_lobby(a, APP_LOBBY_MENU); break;
    }
}

static void on_server_error(struct app *a, const struct session_event *ev)
{
    char words[APP_TEXT_MAX];
    app_error_words(ev->u.error.code, words, sizeof words);
    capitalise(words);
    a->pending_cell = BOARD_NO_CELL;
    int joining = a->screen == APP_SCREEN_WAITING && a->wait_kind == APP_WAIT_JOINING;
    if (joining && ev->u.error.code == PROTO_ERR_NO_SUCH_ROOM) {
        /* Said under the code field, where the fix is typed. */
        set_lobby(a, APP_LOBBY_CODE);
        snprintf(a->error, sizeof a->error, "No room with the code %s: check it with your friend",
                 a->code);
        return;
    }
    if (joining && ev->u.error.code == PROTO_ERR_NO_SUCH_GAME)
        open_list(a);
    toast(a, words);
}

static void on_closed(struct app *a, const struct session_event *ev)
{
    a->connecting = 0;
    drop_quick_match(a);
    a->pending_cell = BOARD_NO_CELL;
    if (ev->u.closed.reason == SESSION_CLOSE_USER) {
        if (a->screen != APP_SCREEN_CONNECT)
            set_screen(a, APP_SCREEN_CONNECT);
        return;
    }
    char words[APP_TEXT_MAX];
    app_close_words(ev, words, sizeof words);
    capitalise(words);
    text_copy(a->error, sizeof a->error, words);
    if (a->screen == APP_SCREEN_GAME_OVER) {
        a->closed = 1;
        a->focus = 0;
        return;
    }
    set_screen(a, APP_SCREEN_CONNECT);
    if (ev->u.closed.reason == SESSION_CLOSE_SERVER_ERROR && ev->u.closed.code == PROTO_ERR_SERVER_FULL) {
        a->retry = 1; /* "Server full: try again in a minute", and Retry ready for Enter */
        app_focus_on(a, APP_BTN_RETRY);
    }
}

static void on_game_start(struct app *a)
{
    app_series_start(a);
    if (!a->computer)
        app_cue_turn(a); /* a game the player did not just start by hand */
    set_screen(a, app_is_player(a) ? APP_SCREEN_PLAYING : APP_SCREEN_SPECTATING);
    a->pending_cell = BOARD_NO_CELL;
    a->cursor = BOARD_NO_CELL;
    a->cursor_home = 4;
    a->rematch_sent = 0;
    a->closed = 0;
    a->room_code[0] = '\0';
    a->watch_id = 0;
}

static void on_opponent(struct app *a, const struct session_event *ev, int before)
{
    if (ev->u.opponent.event == PROTO_OPP_RECONNECTED) {
        char t[APP_TEXT_MAX];
        snprintf(t, sizeof t, "%s is back", app_opponent_name(a));
        tell(a, t);
    }
    keep_focus(a, before);
}


static void on_game_news(struct app *a, const struct session_event *ev)
{
    switch (ev->type) {
    case SESSION_EV_GAME_START:
        on_game_start(a);
        break;
    case SESSION_EV_STATE:
        a->pending_cell = BOARD_NO_CELL;
        hide_taken_cursor(a);
        break;
    case SESSION_EV_MOVED:
        a->pending_cell = BOARD_NO_CELL;
        hide_taken_cursor(a);
        app_cue_moved(a);
        break;
    case SESSION_EV_GAME_OVER:
        a->pending_cell = BOARD_NO_CELL;
        app_series_over(a);
        if (a->screen == APP_SCREEN_PLAYING || a->screen == APP_SCREEN_SPECTATING)
            set_screen(a, APP_SCREEN_GAME_OVER);
        break;
    case SESSION_EV_RECONNECTING:
        set_screen(a, APP_SCREEN_RECONNECTING);
        a->reconnect_deadline_ms = ev->u.reconnect.deadline_ms;
        a->pending_cell = BOARD_NO_CELL;
        break;
    case SESSION_EV_RESUMED:
        set_screen(a, APP_SCREEN_PLAYING);
        a->pending_cell = BOARD_NO_CELL;
        tell(a, "Back in the game");
        app_cue_turn(a);
        break;
    default:
        break;
    }
}

/* One event, from the server's session or from the computer. */
static void on_event(struct app *a, const struct session_event *ev,
                     const struct session_snapshot *snap, uint64_t now_ms)
{
    a->now_ms = now_ms;
    int before = app_focused_button(a);
    a->turn_s = snap->turn_s;
    a->grace_s = snap->grace_s;
    a->game = snap->game;
    if (a->quit)
        return;
    switch (ev->type) {
    case SESSION_EV_WELCOME:
        on_welcome(a);
        break;
    case SESSION_EV_QUEUED:
        if (a->screen != APP_SCREEN_WAITING || a->wait_kind != APP_WAIT_QUEUED)
            set_waiting(a, APP_WAIT_QUEUED);
        break;
    case SESSION_EV_ROOM_CREATED:
        if (a->screen != APP_SCREEN_WAITING || a->wait_kind != APP_WAIT_ROOM)
            set_waiting(a, APP_WAIT_ROOM);
        text_copy(a->room_code, sizeof a->room_code, ev->u.room_code);
        break;
    case SESSION_EV_OPPONENT:
        on_opponent(a, ev, before);
        break;
    case SESSION_EV_GAME_LIST:
        app_on_game_list(a, &snap->list, before);
        break;
    case SESSION_EV_SERVER_ERROR:
        on_server_error(a, ev);
        break;
    case SESSION_EV_CLOSED:
        on_closed(a, ev);
        break;
    default:
        on_game_news(a, ev);
        break;
    }
}

void app_set_invite_addr(struct app *a, const char *hostport)
{
    text_copy(a->invite_addr, sizeof a->invite_addr, hostport ? hostport : "");
}

void app_on_net(struct app *a, const struct session_event *ev,
                const struct session_snapshot *snap, uint64_t now_ms)
{
    if (a->computer)
        return; /* the server's session, left for the computer (its last words) */
    on_event(a, ev, snap, now_ms);
}

void app_on_computer(struct app *a, const struct session_event *ev,
                     const struct session_snapshot *snap, uint64_t now_ms)
{
    if (!a->computer)
        return; /* a game already left */
    on_event(a, ev, snap, now_ms);
}

/* ---- time ---- */

unsigned app_secs_left(uint64_t deadline_ms, uint64_t now_ms)
{
    if (deadline_ms == 0 || deadline_ms <= now_ms)
        return 0;
    uint64_t s = (deadline_ms - now_ms + 999) / 1000;
    return s > UINT_MAX ? UINT_MAX : (unsigned)s;
}

void app_tick(struct app *a, uint64_t now_ms)
{
    a->now_ms = now_ms;
    if (a->toast[0] && now_ms >= a->toast_until_ms)
        a->toast[0] = '\0';
    if (list_shown(a) && now_ms >= a->list_refresh_ms)
        request_list(a);
    app_cue_low_time(a);
}

/* Shorten *best to the time until the countdown to deadline_ms shows its next whole second. */
static void next_second(uint64_t deadline_ms, uint64_t now_ms, uint64_t *best)
{
    if (deadline_ms == 0 || deadline_ms <= now_ms)
        return;
    uint64_t wait = (deadline_ms - now_ms - 1) % 1000 + 1;
    if (wait < *best)
        *best = wait;
}

/* Shorten *best to the time until at_ms (now when past; UINT64_MAX: never). */
static void sooner(uint64_t at_ms, uint64_t now_ms, uint64_t *best)
{
    if (at_ms == UINT64_MAX)
        return;
    uint64_t wait = at_ms > now_ms ? at_ms - now_ms : 0;
    if (wait < *best)
        *best = wait;
}

int app_redraw_in(const struct app *a, uint64_t now_ms)
{
    uint64_t best = UINT64_MAX;
    int live = app_game_live(a);
    if ((a->screen == APP_SCREEN_PLAYING || a->screen == APP_SCREEN_SPECTATING) && live)
        next_second(a->game.turn_deadline_ms, now_ms, &best);
    if (a->screen == APP_SCREEN_PLAYING && live && a->game.opponent_away)
        next_second(a->game.opponent_deadline_ms, now_ms, &best);
    if (a->screen == APP_SCREEN_RECONNECTING)
        next_second(a->reconnect_deadline_ms, now_ms, &best);
    if (a->toast[0])
        sooner(a->toast_until_ms, now_ms, &best);
    if (list_shown(a))
        sooner(a->list_refresh_ms, now_ms, &best);
    sooner(app_low_time_at(a, now_ms), now_ms, &best);
    if (best == UINT64_MAX)
        return -1;
    return best > INT_MAX ? INT_MAX : (int)best;
}

/* ---- start ---- */

void app_init(struct app *a, const struct app_options *o, uint64_t now_ms)
{
    memset(a, 0, sizeof *a);
    a->now_ms = now_ms;
    a->screen = APP_SCREEN_CONNECT;
    a->hover = BOARD_NO_CELL;
    a->cursor = BOARD_NO_CELL;
    a->cursor_home = 4;
    a->pending_cell = BOARD_NO_CELL;
    a->game.last_cell = BOARD_NO_CELL;
    memset(a->game.line, PROTO_NO_CELL, sizeof a->game.line);
    a->feedback.sound = -1;
    if (o && o->name && text_name_valid(o->name, strlen(o->name)))
        text_copy(a->name, sizeof a->name, o->name);
    else if (o && o->name)
        config_name_from(o->name, a->name);
    else
        config_default_name(a->name);
    if (!o)
        return;
    a->muted = o->muted;
    const char *addr = o->addr ? o->addr : o->last_addr;
    if (addr && strlen(addr) <= CONFIG_ADDR_MAX)
        text_copy(a->addr, sizeof a->addr, addr);
    /* The action asked for is kept with or without an address: without, it
     * waits for the user to connect from the connect screen. */
    if (o->room && o->room[0]) {
        a->start_action = SESSION_REQ_JOIN_ROOM;
        text_copy(a->start_code, sizeof a->start_code, o->room);
    } else if (o->spectate) {
        a->start_action = SESSION_REQ_SPECTATE;
        a->start_game_id = o->spectate;
    } else if (o->create_room) {
        a->start_action = SESSION_REQ_CREATE_ROOM;
    } else if (o->addr) {
        a->start_action = SESSION_REQ_QUICK_MATCH;
    }
    if (o->computer && o->computer <= COMPUTER_LEVELS) {
        a->level_from = APP_SCREEN_CONNECT;
        play_computer(a, (uint8_t)(o->computer - 1));
        return;
    }
    if (!o->addr)
        return;
    connect_now(a);
    if (!a->connecting)
        drop_quick_match(a); /* a bad address: the connect screen says why */
}
