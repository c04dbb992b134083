/* SPDX-License-Identifier: MIT */
/* app_input.c: what the user's input means to the ttt client's UI state
 * machine -- keys (numeric-keypad digits, arrows, Enter, Esc, Tab, ...),
 * typed text into the focused field, clicks on cells and buttons, the mouse
 * over the board, closing the window. It maps input onto the actions of
 * app.c; see app.h.
 */
#include "app.h"
#include "app_state.h"
#include "app_words.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- focus ---- */

static void move_focus(struct app *a, int step)
{
    int ids[APP_BUTTONS_MAX];
    size_t n = app_buttons(a, ids, APP_BUTTONS_MAX);
    if (n == 0)
        return;
    size_t f = a->focus < n ? a->focus : 0;
    f = step > 0 ? (f + 1) % n : (f + n - 1) % n;
    a->focus = (uint8_t)f;
    if (ids[f] == APP_BTN_FIELD_ADDR)
        a->field = 0;
    else if (ids[f] == APP_BTN_FIELD_NAME)
        a->field = 1;
}

/* ---- text fields ---- */

static int text_screen(const struct app *a)
{
    return (a->screen == APP_SCREEN_CONNECT && !a->connecting) ||
           (a->screen == APP_SCREEN_LOBBY && a->lobby_mode == APP_LOBBY_CODE);
}

/* The focused field's buffer and capacity, or NULL. kind: 'a'ddress, 'n'ame, 'c'ode. */
static char *text_target(struct app *a, size_t *cap, char *kind)
{
    if (a->screen == APP_SCREEN_LOBBY && a->lobby_mode == APP_LOBBY_CODE) {
        *cap = sizeof a->code;
        *kind = 'c';
        return a->code;
    }
    if (a->screen != APP_SCREEN_CONNECT || a->connecting)
        return NULL;
    if (a->field == 1) {
        *cap = sizeof a->name;
        *kind = 'n';
        return a->name;
    }
    *cap = sizeof a->addr;
    *kind = 'a';
    return a->addr;
}

/* Why a field takes no more text. */
static const char *full_words(char kind)
{
    switch (kind) {
    case 'n': return "A name holds 16 bytes at most (an accented or Chinese letter takes 2 to 4)";
    case 'c': return "A room code has 6 characters";
    default: return "An address has 255 characters at most";
    }
}

/* Whether the character ch (k bytes) goes into a field of `kind`; a room
 * code's letters are upper-cased in ch. 1 yes, 0 dropped silently (the
 * spaces around a pasted code), -1 refused (said). */
static int field_takes(char kind, char *ch, size_t k)
{
    unsigned char c = (unsigned char)ch[0];
    if (kind == 'a')
        return k == 1 && c > 0x20 && c < 0x7F ? 1 : -1;
    if (kind == 'n')
        return text_name_char(ch, k) == k ? 1 : -1; /* one character a name may hold */
    if (k == 1 && (c == ' ' || c == '\t' || c == '\n' || c == '\r'))
        return 0;
    if (c >= 'a' && c <= 'z')
        ch[0] = (char)(c - 'a' + 'A');
    return k == 1 && ch[0] != '\0' && strchr(PROTO_CODE_ALPHABET, ch[0]) != NULL ? 1 : -1;
}

/* Say why a field took less than was typed: under the code field (where
 * its errors are), in a toast for the connect screen's fields. */
static void field_refused(struct app *a, char kind, int rejected)
{
    const char *why = rejected && kind == 'c' ? "Room codes use A to Z and 2 to 9, without I, O, 0 and 1"
                                              : full_words(kind);
    if (kind == 'c')
        snprintf(a->error, sizeof a->error, "%s", why);
    else
        app_toast(a, why, 1);
}

void app_text(struct app *a, const char *utf8)
{
    size_t cap;
    char kind;
    char *buf = text_target(a, &cap, &kind);
    if (a->quit || !buf || !utf8)
        return;
    int rejected = 0, full = 0;
    if (kind == 'c')
        a->error[0] = '\0'; /* typing again: the code's error has been read */
    for (const char *p = utf8; *p;) {
        uint32_t cp;
        size_t k = text_utf8_next((const uint8_t *)p, strlen(p), &cp);
        if (k == 0)
            k = 1; /* not a character: one byte, which no field takes */
        size_t len = strlen(buf);
        char ch[5] = {0};
        memcpy(ch, p, k);
        int ok = field_takes(kind, ch, k);
        if (ok > 0 && len + k < cap)
            memcpy(buf + len, ch, k + 1);
        else if (ok > 0)
            full = 1; /* said, not dropped silently */
        else if (ok < 0 && kind == 'c')
            rejected = 1;
        p += k;
    }
    if (rejected || full)
        field_refused(a, kind, rejected);
}

/* The last word of text (a run of ASCII letters and digits) that is a room
 * code, upper-cased into out: 0, or -1 when there is none. */
static int code_in(const char *text, char out[PROTO_CODE_LEN + 1])
{
    int found = -1;
    for (const char *p = text; *p;) {
        size_t n = 0;
        while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
               (p[n] >= '0' && p[n] <= '9'))
            n++;
        char word[PROTO_CODE_LEN + 1], code[PROTO_CODE_LEN + 1];
        if (n == PROTO_CODE_LEN) {
            memcpy(word, p, n);
            word[n] = '\0';
            if (proto_code_from_text(word, code) == 0) {
                memcpy(out, code, sizeof code);
                found = 0;
            }
        }
        p += n ? n : 1;
    }
    return found;
}

/* The address in an invite ("... server ADDR, room CODE"), copied to out
 * (cap bytes): 0, or -1 when text is not one. */
static int invite_addr(const char *text, char *out, size_t cap)
{
    const char *at = strstr(text, "server ");
    if (!at || !strstr(at, "room "))
        return -1;
    at += strlen("server ");
    size_t n = strcspn(at, ", \t\r\n");
    if (n == 0 || n >= cap)
        return -1;
    memcpy(out, at, n);
    out[n] = '\0';
    return 0;
}

void app_paste(struct app *a, const char *utf8)
{
    size_t cap;
    char kind, code[PROTO_CODE_LEN + 1];
    char *buf = text_target(a, &cap, &kind);
    if (a->quit || !buf || !utf8)
        return;
    if (kind == 'c' && code_in(utf8, code) == 0) {
        memcpy(a->code, code, sizeof code);
        a->error[0] = '\0';
        return;
    }
    if (kind == 'a' && invite_addr(utf8, a->addr, sizeof a->addr) == 0) {
        if (code_in(utf8, code) == 0) { /* joined once connected, as with --room */
            a->start_action = SESSION_REQ_JOIN_ROOM;
            memcpy(a->start_code, code, sizeof code);
        }
        return;
    }
    app_text(a, utf8);
}

static void backspace(struct app *a)
{
    size_t cap;
    char kind;
    char *buf = text_target(a, &cap, &kind);
    if (!buf)
        return;
    size_t len = strlen(buf);
    if (kind == 'c')
        a->error[0] = '\0';
    while (len > 0 && ((unsigned char)buf[len - 1] & 0xC0) == 0x80)
        len--; /* continuation bytes */
    if (len > 0)
        len--;
    buf[len] = '\0';
}

/* ---- the board ---- */

unsigned app_digit_cell(unsigned digit)
{
    if (digit < 1 || digit > 9)
        return BOARD_NO_CELL;
    unsigned row = 2 - (digit - 1) / 3, col = (digit - 1) % 3;
    return row * 3 + col;
}

void app_click_cell(struct app *a, unsigned cell, uint64_t now_ms)
{
    a->now_ms = now_ms;
    if (a->quit || a->screen != APP_SCREEN_PLAYING || !app_is_player(a) || a->confirm_leave ||
        cell >= BOARD_CELLS || a->game.over || a->pending_cell != BOARD_NO_CELL)
        return;
    if (a->game.to_move != a->game.you) {
        char t[APP_TEXT_MAX];
        snprintf(t, sizeof t, "Not your turn: waiting for %s", app_opponent_name(a));
        app_toast(a, t, 1);
        return;
    }
    if (a->game.board.cells[cell] != BOARD_EMPTY) {
        app_toast(a, "That square is taken", 1);
        return;
    }
    struct session_request r;
    memset(&r, 0, sizeof r);
    r.type = SESSION_REQ_MOVE;
    r.cell = (uint8_t)cell;
    app_push_session_request(a, &r);
    a->pending_cell = (uint8_t)cell;
}

void app_hover_cell(struct app *a, unsigned cell)
{
    a->hover = cell < BOARD_CELLS ? (uint8_t)cell : BOARD_NO_CELL;
}

/* The keyboard cursor only ever rests on a free cell (a move that fills its
 * cell hides it: app.c). The first arrow, Enter or Space shows it: under the
 * mouse when that cell is free, else on the free cell nearest to where it
 * last was (the centre at first). An arrow then moves it to the nearest free
 * cell that way, over taken ones -- the straight line first, then the next
 * lines -- and leaves it where it is when there is none. */

static int free_cell(const struct app *a, unsigned c)
{
    return c < BOARD_CELLS && a->game.board.cells[c] == BOARD_EMPTY;
}

static unsigned distance(unsigned from, unsigned to)
{
    int dr = (int)(from / 3) - (int)(to / 3), dc = (int)(from % 3) - (int)(to % 3);
    return (unsigned)(dr * dr + dc * dc);
}

static void show_cursor(struct app *a)
{
    if (free_cell(a, a->hover)) {
        a->cursor = a->hover;
        return;
    }
    unsigned from = a->cursor_home < BOARD_CELLS ? a->cursor_home : 4, best = BOARD_NO_CELL;
    for (unsigned c = 0; c < BOARD_CELLS; c++)
        if (free_cell(a, c) && (best == BOARD_NO_CELL || distance(from, c) < distance(from, best)))
            best = c;
    a->cursor = (uint8_t)best;
}

static void move_cursor(struct app *a, enum app_key key)
{
    if (a->cursor >= BOARD_CELLS) {
        show_cursor(a);
        return;
    }
    int row = a->cursor / 3, col = a->cursor % 3;
    int vertical = key == APP_KEY_UP || key == APP_KEY_DOWN;
    int sign = key == APP_KEY_UP || key == APP_KEY_LEFT ? -1 : 1;
    unsigned best = BOARD_NO_CELL;
    int best_along = 0, best_across = 0;
    for (unsigned c = 0; c < BOARD_CELLS; c++) {
        int dr = (int)(c / 3) - row, dc = (int)(c % 3) - col;
        int along = sign * (vertical ? dr : dc), across = abs(vertical ? dc : dr);
        if (!free_cell(a, c) || along <= 0)
            continue;
        if (best == BOARD_NO_CELL || across < best_across ||
            (across == best_across && along < best_along)) {
            best = c;
            best_along = along;
            best_across = across;
        }
    }
    if (best != BOARD_NO_CELL) {
        a->cursor = (uint8_t)best;
        a->cursor_home = (uint8_t)best;
    }
}

/* ---- keys ---- */

/* The button Esc stands for on the current screen ("back", or quit on the
 * first screen), APP_BTN_NONE when there is none (joining: the server is
 * about to answer). */
static int escape_button(const struct app *a)
{
    switch (a->screen) {
    case APP_SCREEN_CONNECT: return a->connecting ? APP_BTN_CANCEL : APP_BTN_QUIT;
    case APP_SCREEN_LOBBY: return APP_BTN_BACK;
    case APP_SCREEN_WAITING: return a->wait_kind != APP_WAIT_JOINING ? APP_BTN_CANCEL : APP_BTN_NONE;
    case APP_SCREEN_PLAYING: return a->confirm_leave ? APP_BTN_STAY : APP_BTN_LEAVE;
    case APP_SCREEN_GAME_OVER: return a->closed ? APP_BTN_RECONNECT : APP_BTN_LOBBY;
    case APP_SCREEN_RECONNECTING: return a->confirm_leave ? APP_BTN_STAY : APP_BTN_GIVE_UP;
    case APP_SCREEN_SPECTATING: return APP_BTN_LEAVE;
    case APP_SCREEN_LEVEL: return APP_BTN_BACK;
    default: return APP_BTN_NONE;
    }
}

static int board_keys(const struct app *a)
{
    return a->screen == APP_SCREEN_PLAYING && !a->confirm_leave;
}

/* M: the sound off or on, said in a toast and remembered (the main loop
 * saves it). */
static void toggle_mute(struct app *a)
{
    struct app_request r;
    memset(&r, 0, sizeof r);
    a->muted = (uint8_t)!a->muted;
    r.type = APP_REQ_MUTE;
    r.muted = a->muted;
    app_push_request(a, &r);
    app_toast(a, a->muted ? "Sound off (M turns it on)" : "Sound on", 0);
}

/* Ctrl+C on the room screen: what to tell the friend, on the clipboard. */
static void copy_invite(struct app *a)
{
    struct app_request r;
    if (a->screen != APP_SCREEN_WAITING || a->wait_kind != APP_WAIT_ROOM || !a->room_code[0])
        return;
    memset(&r, 0, sizeof r);
    r.type = APP_REQ_CLIPBOARD;
    app_invite_words(app_invite_addr(a), a->room_code, r.text, sizeof r.text);
    app_push_request(a, &r);
    app_toast(a, "Copied: paste it to your friend", 0);
}

static void toggle_fullscreen(struct app *a)
{
    app_push(a, APP_REQ_FULLSCREEN);
}

/* Esc: the screen's way back, when it has one. */
static void press_escape(struct app *a)
{
    int id = escape_button(a);
    if (id != APP_BTN_NONE)
        app_activate(a, id);
}

void app_key(struct app *a, enum app_key key, uint64_t now_ms)
{
    a->now_ms = now_ms;
    if (a->quit)
        return;
    int digit = key >= APP_KEY_1 && key <= APP_KEY_9;
    if (text_screen(a) && (digit || key == APP_KEY_R || key == APP_KEY_SPACE || key == APP_KEY_M))
        return; /* typed text: it arrives through app_text */
    static const struct {
        enum app_key key;
        void (*act)(struct app *a);
    } anywhere[] = {
        {APP_KEY_F11, toggle_fullscreen}, {APP_KEY_M, toggle_mute}, {APP_KEY_COPY, copy_invite},
        {APP_KEY_ESC, press_escape},      {APP_KEY_BACKSPACE, backspace},
    };
    for (size_t i = 0; i < sizeof anywhere / sizeof anywhere[0]; i++) {
        if (key == anywhere[i].key) {
            anywhere[i].act(a);
            return;
        }
    }
    if (key == APP_KEY_TAB) {
        if (!board_keys(a)) /* on the board the keys play; buttons are for the mouse */
            move_focus(a, 1);
        return;
    }
    if (board_keys(a)) {
        if (digit)
            app_click_cell(a, app_digit_cell((unsigned)key), now_ms);
        else if (key == APP_KEY_UP || key == APP_KEY_DOWN || key == APP_KEY_LEFT ||
                 key == APP_KEY_RIGHT)
            move_cursor(a, key);
        else if (key == APP_KEY_ENTER || key == APP_KEY_SPACE) {
            if (a->cursor < BOARD_CELLS)
                app_click_cell(a, a->cursor, now_ms);
            else
                show_cursor(a); /* show where it would play first */
        }
        return;
    }
    switch (key) {
    case APP_KEY_UP:
    case APP_KEY_LEFT:
        move_focus(a, -1);
        break;
    case APP_KEY_DOWN:
    case APP_KEY_RIGHT:
        move_focus(a, 1);
        break;
    case APP_KEY_R:
        app_activate(a, APP_BTN_REMATCH); /* only at a finished game */
        break;
    case APP_KEY_ENTER:
    case APP_KEY_SPACE: {
        int id = app_focused_button(a);
        if (id == APP_BTN_FIELD_ADDR || id == APP_BTN_FIELD_NAME)
            id = APP_BTN_CONNECT;
        else if (id == APP_BTN_FIELD_CODE)
            id = APP_BTN_JOIN_GO;
        if (id != APP_BTN_NONE)
            app_activate(a, id);
        break;
    }
    default:
        break;
    }
}

void app_close_window(struct app *a, uint64_t now_ms)
{
    a->now_ms = now_ms;
    if (a->quit)
        return;
    int seated = (a->screen == APP_SCREEN_PLAYING && app_is_player(a)) ||
                 (a->screen == APP_SCREEN_GAME_OVER && app_is_player(a) && !a->closed) ||
                 (a->screen == APP_SCREEN_WAITING && a->wait_kind != APP_WAIT_JOINING) ||
                 a->screen == APP_SCREEN_SPECTATING;
    if (seated)
        app_push_session(a, SESSION_REQ_LEAVE);
    app_activate(a, APP_BTN_QUIT);
}

void app_button(struct app *a, int id, uint64_t now_ms)
{
    a->now_ms = now_ms;
    if (a->quit || !app_focus_on(a, id))
        return;
    app_activate(a, id);
}
