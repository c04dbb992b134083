/* SPDX-License-Identifier: MIT */
/* app_scene.c: app_fill_scene -- the UI state turned into a struct scene
 * (scene.h): the words, fields, buttons, board, players and clock of the
 * current screen. Reads the app, never changes it; see app.h. The questions
 * it asks of the state are in app_state.c, the result and turn words in
 * app_words.c.
 */
#include "app.h"

#include <stdio.h>
#include <string.h>

#include "app_state.h"
#include "app_words.h"
#include "computer.h"
#include "scene.h"
#include "text.h"

/* The buttons whose words never change (the others: screen_label). */
static const char *const fixed_labels[APP_BTN_GAME_BASE] = {
    [APP_BTN_CONNECT] = "Connect",
    [APP_BTN_QUIT] = "Quit",
    [APP_BTN_QUICK_MATCH] = "Quick match",
    [APP_BTN_CREATE_ROOM] = "Create a room",
    [APP_BTN_JOIN_ROOM] = "Join a room by code",
    [APP_BTN_JOIN_GO] = "Join",
    [APP_BTN_REFRESH] = "Refresh",
    [APP_BTN_CANCEL] = "Cancel",
    [APP_BTN_RESIGN] = "Resign",
    [APP_BTN_NEW_OPPONENT] = "New opponent",
    [APP_BTN_GIVE_UP] = "Give up",
    [APP_BTN_RECONNECT] = "Back to connect",
    [APP_BTN_RETRY] = "Retry",
    [APP_BTN_COMPUTER] = "Play the computer",
    [APP_BTN_LEVEL_EASY] = "Easy",
    [APP_BTN_LEVEL_MEDIUM] = "Medium",
    [APP_BTN_LEVEL_PERFECT] = "Perfect",
    [APP_BTN_CHANGE_LEVEL] = "Change level",
};

/* A live-list row's words: "#12  alice vs bob, 3 moves played" ("...: over"
 * for a game that ended while the mouse was over the list). */
static void game_label(const struct app *a, unsigned i, char *out, size_t cap)
{
    if (i >= a->list.count)
        return;
    const struct proto_game_entry *g = &a->list.games[i];
    if (a->game_rows.gone[i])
        snprintf(out, cap, "#%u  %s vs %s: over", (unsigned)g->game_id, g->x_name.s, g->o_name.s);
    else
        snprintf(out, cap, "#%u  %s vs %s, %u move%s played", (unsigned)g->game_id, g->x_name.s,
                 g->o_name.s, (unsigned)g->ply, g->ply == 1 ? "" : "s");
}

/* A server row's words: "Ann's box  192.168.1.20:7777, 3 players" (", full",
 * ", another version of ttt"; ": gone" once it stopped answering). */
static void server_label(const struct app *a, unsigned i, char *out, size_t cap)
{
    if (i >= a->server_rows.count)
        return;
    const struct app_server *v = &a->servers[i];
    if (a->server_rows.gone[i]) {
        snprintf(out, cap, "%s  %s: gone", v->name, v->addr);
        return;
    }
    snprintf(out, cap, "%s  %s, %u player%s%s%s", v->name, v->addr, (unsigned)v->players,
             v->players == 1 ? "" : "s", v->full ? ", full" : "",
             v->other_version ? ", another version of ttt" : "");
}

/* A row that is no longer there: shown greyed, not clickable. */
static int row_gone(const struct app *a, int id)
{
    if (id >= APP_BTN_SERVER_BASE)
        return (unsigned)(id - APP_BTN_SERVER_BASE) < a->server_rows.count &&
               a->server_rows.gone[id - APP_BTN_SERVER_BASE];
    if (id >= APP_BTN_GAME_BASE)
        return (unsigned)(id - APP_BTN_GAME_BASE) < a->list.count &&
               a->game_rows.gone[id - APP_BTN_GAME_BASE];
    return 0;
}

/* Words of the buttons that depend on the screen. NULL for the fixed ones. */
static const char *screen_label(const struct app *a, int id)
{
    switch (id) {
    case APP_BTN_WATCH: return a->screen == APP_SCREEN_GAME_OVER ? "Watch another game" : "Watch a game";
    case APP_BTN_BACK:
        return a->screen == APP_SCREEN_LOBBY && a->lobby_mode == APP_LOBBY_MENU ? "Change server" : "Back";
    case APP_BTN_LEAVE: return a->screen == APP_SCREEN_SPECTATING ? "Back to the lobby" : "Leave";
    case APP_BTN_LEAVE_CONFIRM:
        return a->confirm_leave == APP_CONFIRM_RESIGN    ? "Resign"
             : a->confirm_leave == APP_CONFIRM_GIVE_UP ? "Give up"
                                                       : "Leave";
    case APP_BTN_STAY: return a->confirm_leave == APP_CONFIRM_GIVE_UP ? "Keep trying" : "Keep playing";
    case APP_BTN_REMATCH:
        if (a->computer)
            return "Play again";
        return a->rematch_sent ? "Rematch offered" : a->game.opponent_rematch ? "Accept rematch" : "Rematch";
    case APP_BTN_LOBBY: return a->computer && !a->resume_server ? "Back" : "Lobby";
    default: return NULL;
    }
}

/* A button's words on the current screen. */
static void button_label(const struct app *a, int id, char *out, size_t cap)
{
    if (id >= APP_BTN_SERVER_BASE) {
        server_label(a, (unsigned)(id - APP_BTN_SERVER_BASE), out, cap);
        return;
    }
    if (id >= APP_BTN_GAME_BASE) {
        game_label(a, (unsigned)(id - APP_BTN_GAME_BASE), out, cap);
        return;
    }
    const char *t = screen_label(a, id);
    if (!t)
        t = id > APP_BTN_NONE && fixed_labels[id] ? fixed_labels[id] : "";
    text_copy(out, cap, t);
}

static int primary_button(const struct app *a, int id)
{
    switch (id) {
    case APP_BTN_CONNECT:
    case APP_BTN_RETRY:
    case APP_BTN_QUICK_MATCH:
    case APP_BTN_JOIN_GO:
    case APP_BTN_STAY:
    case APP_BTN_RECONNECT:
    case APP_BTN_LEVEL_MEDIUM:
        return 1;
    case APP_BTN_REMATCH:
        return !a->rematch_sent;
    case APP_BTN_LOBBY:
        return !app_is_player(a);
    default:
        return 0;
    }
}

static void add_button(struct scene *sc, const struct app *a, int id, int focused, int enabled)
{
    if (sc->button_count >= SCENE_BUTTONS_MAX)
        return;
    struct scene_button *b = &sc->buttons[sc->button_count++];
    b->id = id;
    button_label(a, id, b->label, sizeof b->label);
    b->group = id >= APP_BTN_GAME_BASE ? SCENE_GROUP_LIST
             : (id == APP_BTN_LEAVE_CONFIRM || id == APP_BTN_STAY) ? SCENE_GROUP_DIALOG
                                                                    : SCENE_GROUP_MAIN;
    b->enabled = (uint8_t)enabled;
    b->focused = (uint8_t)focused;
    b->primary = (uint8_t)primary_button(a, id);
}

static void add_field(struct scene *sc, int id, const char *label, const char *text,
                      const char *placeholder, int focused)
{
    if (sc->field_count >= SCENE_FIELDS_MAX)
        return;
    struct scene_field *f = &sc->fields[sc->field_count++];
    f->id = id;
    text_copy(f->label, sizeof f->label, label);
    text_copy(f->text, sizeof f->text, text);
    text_copy(f->placeholder, sizeof f->placeholder, placeholder);
    f->focused = (uint8_t)focused;
    f->caret = (uint16_t)strlen(f->text);
}

/* The buttons and fields of the screen, in keyboard order. */
static void fill_controls(const struct app *a, struct scene *sc)
{
    int ids[APP_BUTTONS_MAX];
    size_t n = app_buttons(a, ids, APP_BUTTONS_MAX);
    if (n > APP_BUTTONS_MAX)
        n = APP_BUTTONS_MAX;
    for (size_t i = 0; i < n; i++) {
        /* Playing: the keys drive the board (Esc opens the dialog), so no
         * button shows the keyboard focus outside the dialog. */
        int focused = a->focus == i && (a->screen != APP_SCREEN_PLAYING || a->confirm_leave);
        switch (ids[i]) {
        case APP_BTN_FIELD_ADDR:
            add_field(sc, ids[i], "Server address", a->addr, "host or host:port",
                      a->field == 0);
            break;
        case APP_BTN_FIELD_NAME:
            add_field(sc, ids[i], "Your name", a->name, "1 to 16 characters",
                      a->field == 1);
            break;
        case APP_BTN_FIELD_CODE:
            add_field(sc, ids[i], "Room code", a->code, "6 letters and digits", 1);
            break;
        default:
            /* Greyed: a rematch already offered, a row whose item went away. */
            add_button(sc, a, ids[i], focused,
                       !(ids[i] == APP_BTN_REMATCH && a->rematch_sent) && !row_gone(a, ids[i]));
            break;
        }
    }
}

static void fill_players(const struct app *a, struct scene *sc)
{
    const struct session_game *g = &a->game;
    int live = app_game_live(a);
    for (int i = 0; i < 2; i++) {
        uint8_t mark = (uint8_t)(i + 1);
        struct scene_player *p = &sc->players[i];
        text_copy(p->name, sizeof p->name, mark == PROTO_MARK_X ? g->x_name.s : g->o_name.s);
        p->mark = mark;
        p->you = g->you == mark;
        p->to_move = live && g->to_move == mark;
        p->away = live && app_is_player(a) && g->you != mark && g->opponent_away;
    }
}

/* How many of `mark`'s marks the board holds. */
static unsigned marks_of(const struct session_game *g, uint8_t mark)
{
    unsigned n = 0;
    for (unsigned c = 0; c < BOARD_CELLS; c++)
        n += g->board.cells[c] == mark;
    return n;
}

/* 1 while the opponent is away on their own turn: then their grace
 * countdown is the one clock shown (in the notice), not the turn clock. */
static int away_on_their_turn(const struct app *a)
{
    const struct session_game *g = &a->game;
    return a->screen == APP_SCREEN_PLAYING && g->opponent_away && app_game_live(a) &&
           app_is_player(a) && g->to_move != g->you;
}

/* Milliseconds left until deadline_ms (0 once past), as a scene holds them. */
static uint32_t ms_left(uint64_t deadline_ms, uint64_t now_ms)
{
    uint64_t left = deadline_ms > now_ms ? deadline_ms - now_ms : 0;
    return left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
}

static void fill_clock(const struct app *a, struct scene *sc, uint64_t now_ms)
{
    const struct session_game *g = &a->game;
    if (!app_game_live(a) || g->turn_deadline_ms == 0 || away_on_their_turn(a))
        return;
    unsigned s = app_secs_left(g->turn_deadline_ms, now_ms);
    sc->clock.shown = 1;
    sc->clock.mark = g->to_move;
    sc->clock.ms_left = ms_left(g->turn_deadline_ms, now_ms);
    sc->clock.total_ms = (uint32_t)a->turn_s * 1000u;
    snprintf(sc->clock.text, sizeof sc->clock.text, "%u:%02u", (s / 60) % 100, s % 60);
}

static void fill_board(const struct app *a, struct scene *sc)
{
    const struct session_game *g = &a->game;
    struct scene_board *b = &sc->board;
    b->shown = 1;
    memcpy(b->cells, g->board.cells, BOARD_CELLS);
    int playing = a->screen == APP_SCREEN_PLAYING && app_is_player(a) && app_game_live(a);
    b->clickable = (uint8_t)(playing && g->to_move == g->you &&
                             a->pending_cell == BOARD_NO_CELL && !a->confirm_leave);
    b->hover = playing ? a->hover : BOARD_NO_CELL;
    b->cursor = playing && !a->confirm_leave ? a->cursor : BOARD_NO_CELL;
    b->last = g->last_cell < BOARD_CELLS ? g->last_cell : BOARD_NO_CELL;
    if (playing && a->pending_cell < BOARD_CELLS) {
        b->pending = a->pending_cell;
        b->pending_mark = g->you;
    }
    if (g->over)
        for (int i = 0; i < 3; i++)
            b->line[i] = g->line[i] < BOARD_CELLS ? g->line[i] : BOARD_NO_CELL;
}

static void fill_connect(const struct app *a, struct scene *sc)
{
    text_copy(sc->title, sizeof sc->title, "Tic-tac-toe");
    if (a->connecting) {
        snprintf(sc->status, sizeof sc->status, "Connecting to %.120s\u2026", a->addr);
        text_copy(sc->detail, sizeof sc->detail, "Esc cancels");
    } else {
        /* What the command line asked for waits for this connect: say so. */
        if (a->start_action == SESSION_REQ_JOIN_ROOM)
            snprintf(sc->status, sizeof sc->status, "Connect to a server to join room %s",
                     a->start_code);
        else if (a->start_action == SESSION_REQ_CREATE_ROOM)
            text_copy(sc->status, sizeof sc->status, "Connect to a server to create a room");
        else if (a->start_action == SESSION_REQ_SPECTATE)
            snprintf(sc->status, sizeof sc->status, "Connect to a server to watch game #%u",
                     (unsigned)a->start_game_id);
        else
            text_copy(sc->status, sizeof sc->status, "Connect to a server");
        if (a->server_rows.count > 0)
            text_copy(sc->detail, sizeof sc->detail,
                "Servers on your network are listed below: click one, or type an address");
        else
            text_copy(sc->detail, sizeof sc->detail,
                "Type the address and your name, then press Enter (Tab moves between fields)");
        text_copy(sc->list_empty, sizeof sc->list_empty,
                  "Looking for servers on your network\u2026");
    }
    text_copy(sc->error, sizeof sc->error, a->error);
}

static void fill_lobby(const struct app *a, struct scene *sc)
{
    if (a->lobby_mode == APP_LOBBY_CODE) {
        text_copy(sc->title, sizeof sc->title, "Join a room");
        text_copy(sc->status, sizeof sc->status, "Type the room code your friend gave you");
        text_copy(sc->detail, sizeof sc->detail, "Enter joins, Ctrl+V pastes, Esc goes back");
        text_copy(sc->error, sizeof sc->error, a->error); /* under the field */
    } else if (a->lobby_mode == APP_LOBBY_LIST) {
        text_copy(sc->title, sizeof sc->title, "Watch a game");
        if (!a->list_loaded) {
            text_copy(sc->status, sizeof sc->status, "Loading the games being played\u2026");
        } else if (a->list.count == 0) {
            text_copy(sc->list_empty, sizeof sc->list_empty, "No games being played right now");
        } else {
            text_copy(sc->status, sizeof sc->status, "Choose a game to watch");
        }
    } else {
        text_copy(sc->title, sizeof sc->title, "Lobby");
        snprintf(sc->status, sizeof sc->status, "Hello, %s", a->name);
        snprintf(sc->detail, sizeof sc->detail,
                 "On %.100s: quick match pairs you with the next player who asks", a->addr);
    }
}

static void fill_waiting(const struct app *a, struct scene *sc)
{
    switch (a->wait_kind) {
    case APP_WAIT_ROOM:
        text_copy(sc->title, sizeof sc->title, "Private room");
        if (!a->room_code[0]) {
            text_copy(sc->status, sizeof sc->status, "Creating a room\u2026");
            break;
        }
        text_copy(sc->big, sizeof sc->big, a->room_code);
        app_invite_words(app_invite_addr(a), a->room_code, sc->big_caption, sizeof sc->big_caption);
        text_copy(sc->status, sizeof sc->status, "Waiting for your friend to join");
        text_copy(sc->detail, sizeof sc->detail,
                  "They choose \"Join a room by code\" and type it; Ctrl+C copies this");
        break;
    case APP_WAIT_JOINING:
        text_copy(sc->title, sizeof sc->title, "Joining");
        if (a->watch_id)
            snprintf(sc->status, sizeof sc->status, "Joining game %u\u2026", (unsigned)a->watch_id);
        else
            snprintf(sc->status, sizeof sc->status, "Joining room %s\u2026", a->code);
        break;
    default:
        text_copy(sc->title, sizeof sc->title, "Quick match");
        text_copy(sc->status, sizeof sc->status, "Looking for an opponent\u2026");
        text_copy(sc->detail, sizeof sc->detail,
            "The game starts as soon as another player asks for a match");
        break;
    }
}

static void fill_playing(const struct app *a, struct scene *sc, uint64_t now_ms)
{
    const struct session_game *g = &a->game;
    app_turn_words(a, sc->status, sizeof sc->status);
    /* The game's id is what `ttt --spectate GAME_ID` takes. */
    if (a->computer)
        snprintf(sc->title, sizeof sc->title, "Against the %s computer",
                 computer_level_name((enum computer_level)(a->computer - 1)));
    else if (a->screen == APP_SCREEN_SPECTATING)
        snprintf(sc->title, sizeof sc->title, "Watching game #%u", (unsigned)g->game_id);
    else
        snprintf(sc->title, sizeof sc->title, "Game #%u", (unsigned)g->game_id);
    if (a->screen == APP_SCREEN_SPECTATING) {
        text_copy(sc->detail, sizeof sc->detail, "Esc goes back to the lobby");
    } else if (g->to_move == g->you) {
        sc->status_tone = SCENE_TONE_GOOD;
        text_copy(sc->detail, sizeof sc->detail,
            a->pending_cell < BOARD_CELLS ? "Sending your move\u2026"
                                          : "Click a square, or use 1-9 / the arrows and Enter");
    }
    /* One countdown at a time: on their turn, the time they have to come
     * back (and move: the sooner of their grace and their clock); on yours,
     * your clock. */
    if (away_on_their_turn(a)) {
        unsigned grace = app_secs_left(g->opponent_deadline_ms, now_ms);
        unsigned turn = app_secs_left(g->turn_deadline_ms, now_ms);
        snprintf(sc->notice, sizeof sc->notice, "%s lost the connection: %u s to come back",
                 app_opponent_name(a), g->turn_deadline_ms && turn < grace ? turn : grace);
        sc->notice_tone = SCENE_TONE_WARN;
    } else if (a->screen == APP_SCREEN_PLAYING && g->opponent_away) {
        snprintf(sc->notice, sizeof sc->notice, "%s lost the connection: waiting for them to come back",
                 app_opponent_name(a));
        sc->notice_tone = SCENE_TONE_WARN;
    } else if (a->screen == APP_SCREEN_PLAYING && a->series.swapped && !marks_of(g, g->you)) {
        app_swap_words(g->you, sc->notice, sizeof sc->notice); /* until your first move */
    }
    if (a->confirm_leave) {
        sc->dialog_shown = 1;
        text_copy(sc->dialog_text, sizeof sc->dialog_text,
            a->confirm_leave == APP_CONFIRM_RESIGN ? "Resign this game? It counts as a loss."
                                  : "Leave the game? It counts as a loss.");
    }
}

/* The score of the series under the names, once a game of it is over. */
static void fill_series(const struct app *a, struct scene *sc)
{
    const struct session_game *g = &a->game;
    if (a->series.played == 0)
        return;
    app_series_words(app_seat_name(g, PROTO_MARK_X), app_series_wins(a, PROTO_MARK_X),
                     app_series_wins(a, PROTO_MARK_O), app_seat_name(g, PROTO_MARK_O), sc->series,
                     sizeof sc->series);
}

static void fill_game_over(const struct app *a, struct scene *sc)
{
    const struct session_game *g = &a->game;
    text_copy(sc->title, sizeof sc->title, "Game over");
    app_result_words(g, sc->status, sizeof sc->status, sc->detail, sizeof sc->detail);
    int player = app_is_player(a);
    if (player && g->winner == g->you)
        sc->status_tone = SCENE_TONE_GOOD;
    else if (player && (g->winner == PROTO_MARK_X || g->winner == PROTO_MARK_O))
        sc->status_tone = SCENE_TONE_BAD;
    if (a->closed) {
        text_copy(sc->error, sizeof sc->error, a->error);
        return;
    }
    if (!player)
        return;
    if (a->computer) {
        text_copy(sc->notice, sizeof sc->notice, "Press R to play again");
    } else if (g->opponent_left) {
        snprintf(sc->notice, sizeof sc->notice, "%s left: no rematch", app_opponent_name(a));
    } else if (g->opponent_rematch && !a->rematch_sent) {
        snprintf(sc->notice, sizeof sc->notice, "%s wants a rematch: press R to accept",
                 app_opponent_name(a));
        sc->notice_tone = SCENE_TONE_GOOD;
    } else if (a->rematch_sent) {
        snprintf(sc->notice, sizeof sc->notice, "Rematch offered: waiting for %s",
                 app_opponent_name(a));
    }
}

/* Reconnecting: the game stays in view, its board dimmed under a banner
 * with the one countdown that matters now (no turn clock beside it). */
static void fill_reconnecting(const struct app *a, struct scene *sc, uint64_t now_ms)
{
    snprintf(sc->title, sizeof sc->title, "Game #%u", (unsigned)a->game.game_id);
    text_copy(sc->status, sizeof sc->status, "Connection lost");
    sc->status_tone = SCENE_TONE_WARN;
    text_copy(sc->detail, sizeof sc->detail, "Your seat is kept while the countdown runs");
    snprintf(sc->banner, sizeof sc->banner, "Reconnecting\u2026 %u s",
             app_secs_left(a->reconnect_deadline_ms, now_ms));
    sc->banner_tone = SCENE_TONE_WARN;
    sc->countdown_ms = ms_left(a->reconnect_deadline_ms, now_ms);
    sc->countdown_total_ms = (uint32_t)a->grace_s * 1000u;
    if (a->confirm_leave) {
        sc->dialog_shown = 1;
        text_copy(sc->dialog_text, sizeof sc->dialog_text,
                  "Stop reconnecting? If you are not back in time, the game is lost.");
    }
}

/* The computer's levels, to choose one. */
static void fill_level(struct scene *sc)
{
    text_copy(sc->title, sizeof sc->title, "Play the computer");
    text_copy(sc->status, sizeof sc->status, "How well should it play?");
    text_copy(sc->detail, sizeof sc->detail,
              "Easy plays at random, medium finds the best move half the time, perfect never loses");
}

void app_fill_scene(const struct app *a, struct scene *sc, uint64_t now_ms)
{
    scene_reset(sc);
    sc->screen = a->screen;
    switch (a->screen) {
    case APP_SCREEN_CONNECT: fill_connect(a, sc); break;
    case APP_SCREEN_LOBBY: fill_lobby(a, sc); break;
    case APP_SCREEN_WAITING: fill_waiting(a, sc); break;
    case APP_SCREEN_PLAYING:
    case APP_SCREEN_SPECTATING:
        fill_playing(a, sc, now_ms);
        fill_players(a, sc);
        fill_clock(a, sc, now_ms);
        fill_series(a, sc);
        fill_board(a, sc);
        break;
    case APP_SCREEN_GAME_OVER:
        fill_game_over(a, sc);
        fill_players(a, sc);
        fill_series(a, sc);
        fill_board(a, sc);
        break;
    case APP_SCREEN_RECONNECTING:
        fill_reconnecting(a, sc, now_ms);
        fill_players(a, sc);
        fill_series(a, sc);
        fill_board(a, sc);
        sc->board.dimmed = 1;
        break;
    case APP_SCREEN_LEVEL: fill_level(sc); break;
    default: break;
    }
    fill_controls(a, sc);
    if (a->toast[0] && now_ms < a->toast_until_ms) {
        text_copy(sc->toast, sizeof sc->toast, a->toast);
        sc->toast_tone = a->toast_error ? SCENE_TONE_BAD : SCENE_TONE_NORMAL;
    }
}
