/* SPDX-License-Identifier: MIT */
/* app.h: the ttt client's UI state machine -- which screen is shown, what
 * each input means, what goes to the server -- with no SDL and no sockets.
 *
 * Inputs: network events (a session event and a snapshot of the session
 * taken right after it: session/session.h), user actions (cells,
 * buttons, keys, typed text, window close) and the time. Outputs: the scene
 * to draw (app_fill_scene) and requests for the network thread or the main
 * loop (app_take_request). Times are monotonic milliseconds on the same clock
 * as the session's deadlines.
 *
 * Keys and text: the UI passes every key press to app_key and every piece of
 * typed text to app_text. While a text field has the keyboard (connect
 * screen, room code entry), keys that also type text (digits, R, Space) are
 * ignored by app_key: their text arrives through app_text.
 *
 * Requests are what the user asked for; the session decides whether the
 * phase allows them (a refused request sends nothing). Moves become final
 * only when the server's MOVED arrives: until then the cell is "pending".
 *
 * app.c is the state machine (screens, actions, network events, time);
 * app_input.c maps input onto it; app_buttons.c says which buttons each
 * screen shows and which has the focus; app_lists.c keeps the live lists'
 * rows in place; app_feel.c the series and the cues; app_state.c answers
 * questions about the state (app_state.h); app_words.c holds the wording
 * and app_scene.c builds the scene.
 */
#ifndef TTT_APP_H
#define TTT_APP_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "discover.h"
#include "proto.h"
#include "rows.h"
#include "session.h"
#include "sound.h"

struct scene;

enum app_screen {
    APP_SCREEN_CONNECT = 0,   /* address + name fields (also while connecting) */
    APP_SCREEN_LOBBY,         /* menu, room code entry, or live game list */
    APP_SCREEN_WAITING,       /* queued, room code shown, or joining */
    APP_SCREEN_PLAYING,
    APP_SCREEN_GAME_OVER,
    APP_SCREEN_RECONNECTING,
    APP_SCREEN_SPECTATING,
    APP_SCREEN_LEVEL,         /* "Play the computer": the level to play at */
    APP_SCREEN_COUNT
};

enum app_lobby_mode { APP_LOBBY_MENU = 0, APP_LOBBY_CODE, APP_LOBBY_LIST };
enum app_wait_kind { APP_WAIT_QUEUED = 0, APP_WAIT_ROOM, APP_WAIT_JOINING };
/* The confirm dialog open over the game (0: none). */
enum app_confirm { APP_CONFIRM_NONE = 0, APP_CONFIRM_LEAVE, APP_CONFIRM_RESIGN, APP_CONFIRM_GIVE_UP };

/* Buttons (and clickable text fields) the screens show. A live-list entry i
 * is APP_BTN_GAME_BASE + i; the connect screen's server i is
 * APP_BTN_SERVER_BASE + i. */
enum app_button {
    APP_BTN_NONE = 0,
    APP_BTN_FIELD_ADDR, APP_BTN_FIELD_NAME, APP_BTN_FIELD_CODE,
    APP_BTN_CONNECT, APP_BTN_QUIT,
    APP_BTN_QUICK_MATCH, APP_BTN_CREATE_ROOM, APP_BTN_JOIN_ROOM, APP_BTN_WATCH,
    APP_BTN_JOIN_GO, APP_BTN_BACK, APP_BTN_REFRESH,
    APP_BTN_CANCEL,           /* waiting: leave the queue / close the room */
    APP_BTN_LEAVE,            /* playing: ask to leave (confirmation follows) */
    APP_BTN_LEAVE_CONFIRM, APP_BTN_STAY,
    APP_BTN_RESIGN,
    APP_BTN_REMATCH, APP_BTN_NEW_OPPONENT, APP_BTN_LOBBY,
    APP_BTN_GIVE_UP,          /* reconnecting: stop trying (confirmation follows) */
    APP_BTN_RECONNECT,        /* after the connection closed: back to connect */
    APP_BTN_RETRY,            /* connect screen, after "server full": connect again */
    APP_BTN_COMPUTER,         /* connect screen, lobby: play the computer (the level next) */
    APP_BTN_LEVEL_EASY, APP_BTN_LEVEL_MEDIUM, APP_BTN_LEVEL_PERFECT,
    APP_BTN_CHANGE_LEVEL,     /* a game against the computer is over: choose another level */
    APP_BTN_GAME_BASE = 64,
    APP_BTN_SERVER_BASE = APP_BTN_GAME_BASE + PROTO_LIST_MAX,
    APP_BTN_COUNT = APP_BTN_SERVER_BASE + 16
};

#define APP_SERVERS_MAX (APP_BTN_COUNT - APP_BTN_SERVER_BASE) /* servers listed at once */

enum app_key {
    APP_KEY_1 = 1, APP_KEY_2, APP_KEY_3, APP_KEY_4, APP_KEY_5, APP_KEY_6, APP_KEY_7,
    APP_KEY_8, APP_KEY_9, /* the digits, numeric-keypad layout: 7 8 9 is the top row */
    APP_KEY_UP, APP_KEY_DOWN, APP_KEY_LEFT, APP_KEY_RIGHT,
    APP_KEY_ENTER, APP_KEY_SPACE, APP_KEY_R, APP_KEY_ESC, APP_KEY_F11,
    APP_KEY_BACKSPACE, APP_KEY_TAB,
    APP_KEY_M,                /* sound on / off */
    APP_KEY_COPY              /* Ctrl+C: the room screen's words for the friend */
};

/* What the app asks for: of the network thread (a session request, or a
 * new session), or of the main loop. */
enum app_request_type {
    APP_REQ_SESSION = 1,      /* session: for the network thread's session */
    APP_REQ_CONNECT,          /* host, name: (re)start the session */
    APP_REQ_QUIT,             /* for the main loop: exit (after the requests before it) */
    APP_REQ_FULLSCREEN,       /* for the main loop: toggle fullscreen */
    APP_REQ_REMEMBER,         /* for the main loop: the server welcomed us: save host
                                 and name as the last used (config_save) */
    APP_REQ_COMPUTER,         /* level, name: start a series against the computer (no
                                 server); its session requests go to it until a LEAVE */
    APP_REQ_MUTE,             /* muted: sound off (1) or on (0), and remember it */
    APP_REQ_CLIPBOARD         /* text: put it on the clipboard */
};

#define APP_TEXT_MAX 160

struct app_request {
    uint8_t type;             /* enum app_request_type */
    struct session_request session;
    char host[CONFIG_ADDR_MAX + 1];
    char name[PROTO_NAME_MAX + 1];
    uint8_t level;            /* COMPUTER: enum computer_level */
    uint8_t muted;            /* MUTE */
    char text[APP_TEXT_MAX];  /* CLIPBOARD */
};

/* What the player should hear and see besides the frame: the sound cue due
 * (the latest wins: a cue replaces what plays), and a flash of the window
 * when it has become the player's turn (the main loop flashes only a window
 * without the keyboard focus). */
struct app_feedback {
    int sound;                /* enum sound_cue, or -1 for none */
    uint8_t flash;
};

/* What the app starts with (from the command line and the config file). */
struct app_options {
    const char *addr;         /* connect at once when set; else the connect screen
                                 (room, create_room and spectate still apply) */
    const char *last_addr;    /* without addr: the connect screen's address field
                                 pre-filled with this (config), may be NULL */
    const char *name;         /* player name; NULL or invalid: the login name */
    const char *room;         /* join this room code after connecting */
    uint8_t create_room;      /* create a room after connecting */
    uint32_t spectate;        /* watch this game after connecting (0: no) */
    uint8_t computer;         /* 1 + enum computer_level: play the computer at once */
    uint8_t muted;            /* the sound is off (config) */
};

#define APP_REQ_QUEUE 16
#define APP_TOAST_MS 2500
#define APP_LIST_REFRESH_MS 2000 /* the live game list asks again this often while shown */
#define APP_LOW_TIME_MS 5000  /* your clock under this: the low-time cue, once a turn */

/* A server on the network, as the connect screen lists it. */
struct app_server {
    uint32_t serial;          /* discover.h's: the row's key */
    char name[DISC_NAME_MAX + 1]; /* made printable (text_printable) */
    char addr[SOCK_ADDR_LEN]; /* "HOST:PORT": what a click connects to */
    uint32_t players, games;
    uint8_t full, other_version;
};

/* The score of a series of games of two players (rematches): played, or
 * watched. Its sides are the player and the opponent, or for a spectator
 * the two players by name (X and O of the first game watched). */
struct app_series {
    char names[2][PROTO_NAME_MAX + 1]; /* a player: [1] the opponent; "" when no series */
    uint16_t wins[2];         /* games won by each side */
    uint16_t played;          /* games finished */
    uint32_t counted;         /* the game whose result is counted last (its id) */
    uint8_t you;              /* our mark in the current game */
    uint8_t swapped;          /* it differs from the game before: "You play O this time" */
};

struct app {
    uint8_t screen, lobby_mode, wait_kind;
    uint64_t now_ms;

    /* connect screen */
    char addr[CONFIG_ADDR_MAX + 1];
    char invite_addr[SOCK_ADDR_LEN]; /* the server's address for a friend, when not addr
                                        (addr is on loopback); "" to tell addr */
    char name[PROTO_NAME_MAX + 1];
    uint8_t field;            /* 0 address, 1 name */
    uint8_t connecting;       /* CONNECT sent, no WELCOME or CLOSED yet */
    char error[APP_TEXT_MAX]; /* why the session closed (or a field is wrong): shown on
                                 the connect screen, or the game-over screen when closed */

    /* what to do once welcomed (command line): SESSION_REQ_QUICK_MATCH,
     * _CREATE_ROOM, _JOIN_ROOM (start_code) or _SPECTATE (start_game_id); 0: show
     * the lobby. Used by the first WELCOME; a connect that fails or is
     * cancelled drops the quick match (the lobby after a retry) but keeps
     * the others for the next connect. */
    uint8_t start_action;
    char start_code[PROTO_CODE_LEN + 1];
    uint32_t start_game_id;

    /* servers on the network (connect screen): rows that do not move */
    struct app_server servers[APP_SERVERS_MAX];
    struct rows server_rows;
    uint8_t retry;            /* the last connect met a full server: Retry */

    /* lobby */
    char code[PROTO_CODE_LEN + 1]; /* typed room code */
    struct session_game_list list; /* the games shown: rows that do not move (game_rows) */
    struct rows game_rows;
    uint8_t list_loaded;
    uint64_t list_refresh_ms; /* while the list is shown: LIST_GAMES again at this time */
    char room_code[PROTO_CODE_LEN + 1]; /* our room, while waiting */
    uint32_t watch_id;        /* the game SPECTATE asked for, while joining it */

    /* the session snapshot (what the screens show of it) */
    uint16_t turn_s, grace_s;
    struct session_game game;
    uint64_t reconnect_deadline_ms;

    /* playing */
    uint8_t hover;            /* cell under the mouse, BOARD_NO_CELL if none */
    uint8_t cursor;           /* keyboard cursor cell, always a free one; BOARD_NO_CELL
                                 until a key shows it, and after a move fills it */
    uint8_t cursor_home;      /* where the cursor was last (the centre at first): it
                                 shows again on the free cell nearest to it */
    uint8_t pending_cell;     /* MOVE sent, not confirmed (BOARD_NO_CELL if none) */
    uint8_t confirm_leave;    /* the confirm dialog open: enum app_confirm */
    uint8_t rematch_sent;
    uint8_t closed;           /* the session closed while on the game-over screen
                                 (error holds the words) */
    char toast[APP_TEXT_MAX];
    uint64_t toast_until_ms;
    uint8_t toast_error;      /* the toast reports an error (drawn as one) */

    uint8_t focus;            /* keyboard focus: index into app_buttons() */
    int pointer;              /* the button or row under the mouse (APP_BTN_NONE) */
    uint8_t quit;             /* QUIT requested */

    /* against the computer */
    uint8_t computer;         /* 1 + enum computer_level while playing it; 0: not */
    uint8_t level_from;       /* the level choice came from: APP_SCREEN_CONNECT, _LOBBY
                                 (still connected), or 0 (a computer game) */
    uint8_t resume_server;    /* the computer game left a server: connect to addr again after */

    /* feel */
    struct app_series series;
    uint8_t muted;
    struct app_feedback feedback; /* due, for app_take_feedback */
    uint32_t low_time_game;   /* the low-time cue was given in this game... */
    uint8_t low_time_ply;     /* ...at this ply */

    struct app_request req[APP_REQ_QUEUE];
    uint8_t req_head, req_count;
};

/* Start the app. With o->computer set it requests a game against the
 * computer at once (the connect screen after it). With o->addr set it
 * requests CONNECT at once and, once welcomed, quick match (or the room /
 * spectating o asks for); without, it opens on the connect screen --
 * pre-filled from o->last_addr and the name, with the servers on the network
 * listed as they answer -- and the room / spectating o asks for follows the
 * user's connect (no quick match: the lobby). */
void app_init(struct app *a, const struct app_options *o, uint64_t now_ms);

/* Feed one session event and the session as it was right after it. While
 * the app plays the computer, the server's events are dropped (the session
 * it left for the computer saying goodbye). */
void app_on_net(struct app *a, const struct session_event *ev,
                const struct session_snapshot *snap, uint64_t now_ms);

/* Feed one event of the game against the computer (computer.h: it speaks
 * the session's language), with a snapshot made of it (phase, my turn, the
 * game; no clock, no grace). Dropped when the app has left the computer. */
void app_on_computer(struct app *a, const struct session_event *ev,
                     const struct session_snapshot *snap, uint64_t now_ms);

/* User actions. cell is 0..8 (row by row from the top left); hover with
 * BOARD_NO_CELL when the mouse leaves the board. A click on a free cell on
 * your turn requests MOVE and shows it pending; otherwise it sends nothing
 * (a toast may say why). app_button ignores ids the screen does not show.
 * app_text appends to the focused field what that field accepts (address:
 * printable ASCII without spaces; name: UTF-8 characters up to 16 bytes;
 * code: the code alphabet, upper-cased, spaces dropped, what it refuses
 * said under the field). A click on a server of the network's list, or
 * Enter on it, connects to it. Closing the window requests LEAVE (when
 * seated, queued or watching) and then QUIT. */
void app_click_cell(struct app *a, unsigned cell, uint64_t now_ms);
void app_hover_cell(struct app *a, unsigned cell);
void app_button(struct app *a, int id, uint64_t now_ms);
/* Keys: F11 requests FULLSCREEN anywhere. Esc is the screen's way back:
 * quit (connect screen), cancel the connect, disconnect (lobby menu), back
 * to the menu (code entry, list), back from the level choice, leave the
 * queue or room, open / close the leave dialog (playing), lobby (game over,
 * spectating), open / close the give-up dialog (reconnecting). While
 * playing, 1-9 (keypad layout) and the arrows + Enter or Space play on the
 * board (the arrows move a cursor over the free cells only, skipping taken
 * ones); elsewhere arrows and Tab move the focus among app_buttons() and
 * Enter or Space press the focused one (Enter in a field: Connect / Join).
 * Enter never resigns, leaves or forfeits without a dialog whose default is
 * to stay. R offers or accepts a rematch at a finished game (plays again,
 * against the computer). M turns the sound off or on (MUTE). Ctrl+C (COPY)
 * on the room screen puts what to tell the friend on the clipboard
 * (CLIPBOARD). Tab and Backspace work in text fields; M, R, Space and the
 * digits type there. */
void app_key(struct app *a, enum app_key key, uint64_t now_ms);
void app_text(struct app *a, const char *utf8);
/* Ctrl+V: utf8 pasted into the focused field. The words Ctrl+C copies on
 * the room screen ("Tell your friend: server ADDR, room CODE") give the
 * code field its code, and the address field its address (the room then
 * joined once connected, as with --room); anything else is app_text. */
void app_paste(struct app *a, const char *utf8);
void app_close_window(struct app *a, uint64_t now_ms);

/* The button or list row under the mouse (APP_BTN_NONE: none). While it is
 * a row, a refreshed list keeps the rows where they are (gone ones greyed);
 * when it leaves the rows, the gone ones go. */
void app_pointer(struct app *a, int id);

/* The address a friend reaches the session's server at, when it is not the
 * one typed ("" when it is): given with each WELCOME (invite.h), before
 * app_on_net; the room screen's invite and Ctrl+C name it. */
void app_set_invite_addr(struct app *a, const char *hostport);

/* The servers on the network as discover.h lists them now (n of them; more
 * than APP_SERVERS_MAX are left out), for the connect screen's rows. */
void app_on_servers(struct app *a, const struct discover_server *s, size_t n);

/* 1 while the screen shows the servers on the network: the network thread
 * should look for them. */
int app_wants_discovery(const struct app *a);

/* Take the feedback due since the last call (cleared): the sounds of moves,
 * your turn, low time and a game's end, and the flash on your turn. */
struct app_feedback app_take_feedback(struct app *a);

/* Advance the clock: a toast whose time is up goes away; the live game list,
 * while shown, requests LIST_GAMES every APP_LIST_REFRESH_MS; your clock
 * passing APP_LOW_TIME_MS gives the low-time cue. */
void app_tick(struct app *a, uint64_t now_ms);

/* Milliseconds until the screen changes by itself -- the next whole second
 * of a shown countdown (turn clock, opponent's grace, reconnect grace), or a
 * toast expiring -- or the shown game list is due for a refresh, or your
 * clock reaches APP_LOW_TIME_MS (call app_tick then); -1 when only input or
 * the network changes anything. */
int app_redraw_in(const struct app *a, uint64_t now_ms);

/* Pop the oldest request: 1 with *r filled, 0 when none. */
int app_take_request(struct app *a, struct app_request *r);

/* The buttons the current screen shows, in keyboard order; returns the count. */
size_t app_buttons(const struct app *a, int *ids, size_t cap);

/* Room enough for every button a screen shows (app_buttons). */
#define APP_BUTTONS_MAX (APP_BTN_COUNT - APP_BTN_GAME_BASE + 8)

/* Describe the current frame. */
void app_fill_scene(const struct app *a, struct scene *sc, uint64_t now_ms);

/* Map a numeric-keypad digit 1..9 to a cell (7 -> 0, 5 -> 4, 3 -> 8). */
unsigned app_digit_cell(unsigned digit);

/* The plain words for why a session closed, from ev->u.closed: a failed
 * connect in the words of app_connect_failure_words (app_words.h), naming
 * the server and what to do ("Nothing is listening on localhost:7777. Is
 * tttd running on this port?", "Server full: try again in a minute");
 * otherwise "the server is shutting down", "connection lost", ... */
void app_close_words(const struct session_event *ev, char *out, size_t cap);

/* The plain words for a non-fatal server ERROR ("not your turn", "that
 * square is taken", "no room with that code", ...). */
void app_error_words(uint8_t code, char *out, size_t cap);

/* A finished game in words, seen by g->you: a headline ("You won", "You
 * lost", "Draw", "alice won", "Game aborted") and its reason ("three in a
 * row", "bob ran out of time", "alice resigned", "bob left", "alice
 * forfeited (stayed away too long)", "the board is full", "server shutting
 * down"). Either output may be NULL. */
void app_result_words(const struct session_game *g, char *title, size_t title_cap,
                      char *reason, size_t reason_cap);

/* The same as one line: "you won: three in a row", "draw", "game aborted:
 * server shutting down", "alice won: bob ran out of time". */
void app_result_line(const struct session_game *g, char *out, size_t cap);

/* Whose turn in words: "Your turn", "Waiting for bob" (a player), "alice to
 * move" (a spectator); "" when the game is over. */
void app_turn_words(const struct app *a, char *out, size_t cap);

/* Whole seconds left until deadline_ms, rounded up (what a countdown shows);
 * 0 when the deadline is 0 or past. */
unsigned app_secs_left(uint64_t deadline_ms, uint64_t now_ms);

/* ---- Shared by the app*.c files of ttt_app (the UI does not need them) ---- */

/* Queue a request for the network thread or the main loop (dropped when
 * APP_REQ_QUEUE requests are already waiting: the main loop drains every
 * frame). app_push queues one without arguments. */
void app_push_request(struct app *a, const struct app_request *r);
void app_push(struct app *a, uint8_t type);

/* Queue a session request for the network thread; app_push_session queues
 * one without arguments. */
void app_push_session_request(struct app *a, const struct session_request *r);
void app_push_session(struct app *a, uint8_t type);

/* Show a short message for APP_TOAST_MS (error: drawn as an error). */
void app_toast(struct app *a, const char *text, int error);

/* Do what button `id` does, whether the screen shows it or not. */
void app_activate(struct app *a, int id);

/* The focused button's id (APP_BTN_NONE when none); move the focus to `id`,
 * 0 when the screen does not show it (app_buttons.c). */
int app_focused_button(const struct app *a);
int app_focus_on(struct app *a, int id);

/* A new game list (app_lists.c): merged into the rows shown, the focus kept
 * on the same game (`before`: the button focused before the event). */
void app_on_game_list(struct app *a, const struct session_game_list *list, int before);

/* The series and the cues (app_feel.c). A game starts: a rematch with the
 * same opponent (watching: of the same two players, from the result of
 * their last game) goes on with the series, anything else starts one. A
 * game is over: its result counted once. The wins of the player on seat
 * `mark` in the series (app_series_wins). It has become the player's turn (a game
 * started or resumed on it): the your-turn cue and the flash. A move came:
 * its cue (your turn, when it made it so). Your clock passed
 * APP_LOW_TIME_MS: the low-time cue, once a turn. When that happens next
 * (UINT64_MAX: not in this turn, or the clock ran out by now_ms). */
void app_series_start(struct app *a);
void app_series_over(struct app *a);
unsigned app_series_wins(const struct app *a, uint8_t mark);
void app_cue_turn(struct app *a);
void app_cue_moved(struct app *a);
void app_cue_low_time(struct app *a);
uint64_t app_low_time_at(const struct app *a, uint64_t now_ms);

#endif
