/* SPDX-License-Identifier: MIT */
/* scene.h: the plain-data description of one frame of the ttt client.
 *
 * app_fill_scene() (app_scene.c) fills a struct scene from the UI state; layout.c
 * places it for a window size and render.c draws it. A scene holds no SDL
 * types and no pointers: only fixed-size arrays and small integers, so it can
 * be copied, compared and built by tests. Strings are UTF-8 and always
 * NUL-terminated; an empty string means "nothing to show".
 *
 * The drawing code does not know the screens: what appears is decided by the
 * content. The board appears when board.shown is set; buttons are placed by
 * their group; the large text appears when `big` is not empty; and so on.
 *
 * What moves (a mark appearing, the winning line drawing itself) is given as
 * progress from 0 to SCENE_MOTION_DONE; motion.c fills it in from the time,
 * and scene_animating() says whether another frame is needed soon.
 *
 * Cell numbers are 0..8 row by row from the top left, BOARD_NO_CELL (0xFF)
 * for "none"; marks are enum board_mark values (board.h). Button and field ids
 * are enum app_button values (app.h); 0 (APP_BTN_NONE) is "no button".
 */
#ifndef TTT_SCENE_H
#define TTT_SCENE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "board.h"

#define SCENE_TEXT_MAX 160        /* title, status and notice lines (= APP_TEXT_MAX) */
#define SCENE_LABEL_MAX 96        /* a button's label, a field's label, a list row */
#define SCENE_NAME_MAX 17         /* a player name (PROTO_NAME_MAX + 1) */
#define SCENE_FIELD_TEXT_MAX 256  /* a text field's content (CONFIG_ADDR_MAX + 1) */
#define SCENE_BIG_MAX 16          /* the large text: a room code or a countdown */
#define SCENE_CLOCK_MAX 16        /* the clock text, e.g. "0:07" */
#define SCENE_FIELDS_MAX 3        /* address, name, room code */
#define SCENE_BUTTONS_MAX 48      /* menu buttons + 32 live-list rows + dialog */
#define SCENE_MOTION_DONE 1000    /* progress of a finished motion (and of none) */

/* The colour a line of text is drawn in. */
enum scene_tone {
    SCENE_TONE_NORMAL = 0,
    SCENE_TONE_GOOD,              /* "You won" */
    SCENE_TONE_BAD,               /* "You lost", errors */
    SCENE_TONE_WARN               /* "Reconnecting...", opponent away */
};

/* Where a button is placed. */
enum scene_group {
    SCENE_GROUP_MAIN = 0,         /* the screen's buttons: a column on menus, a row under the board */
    SCENE_GROUP_LIST,             /* a live-list row (id APP_BTN_GAME_BASE + i) */
    SCENE_GROUP_DIALOG            /* inside the confirm dialog */
};

struct scene_button {
    int id;                       /* enum app_button */
    char label[SCENE_LABEL_MAX];
    uint8_t group;                /* enum scene_group */
    uint8_t enabled;              /* 0: drawn greyed, not clickable */
    uint8_t focused;              /* keyboard focus is on it */
    uint8_t primary;              /* the default action: drawn in the accent colour */
};

struct scene_field {
    int id;                       /* APP_BTN_FIELD_ADDR / _NAME / _CODE: clicking it focuses it */
    char label[SCENE_LABEL_MAX];  /* shown above the box, e.g. "Server address" */
    char text[SCENE_FIELD_TEXT_MAX];
    char placeholder[SCENE_LABEL_MAX]; /* shown greyed while text is empty */
    uint8_t focused;              /* has the keyboard: box highlighted, caret drawn */
    uint16_t caret;               /* byte offset of the caret in text (<= strlen) */
};

struct scene_player {
    char name[SCENE_NAME_MAX];    /* "" when the seat is not known */
    uint8_t mark;                 /* BOARD_X or BOARD_O */
    uint8_t you;                  /* this client plays this seat (drawn "(you)") */
    uint8_t to_move;              /* it is this player's turn */
    uint8_t away;                 /* disconnected, may come back */
};

struct scene_board {
    uint8_t shown;                /* draw the board at all */
    uint8_t clickable;            /* your turn: free cells react to the mouse */
    uint8_t cells[BOARD_CELLS];   /* enum board_mark, as confirmed by the server */
    uint8_t hover;                /* cell under the mouse; highlighted only if free and clickable */
    uint8_t cursor;               /* keyboard cursor cell (outlined), BOARD_NO_CELL when hidden */
    uint8_t last;                 /* last move, marked; BOARD_NO_CELL before the first */
    uint8_t pending;              /* move sent, not yet confirmed: drawn faint */
    uint8_t pending_mark;         /* the mark drawn faint in `pending` */
    uint8_t line[3];              /* winning line, ascending; all BOARD_NO_CELL when none */
    uint8_t dimmed;               /* drawn faded, under the banner (reconnecting) */
    uint8_t appear_cell;          /* the mark appearing now, BOARD_NO_CELL when none */
    uint16_t appear;              /* its progress, 0..SCENE_MOTION_DONE */
    uint16_t line_drawn;          /* how much of the winning line is drawn, 0..SCENE_MOTION_DONE */
};

struct scene_clock {
    uint8_t shown;
    uint8_t mark;                 /* whose clock runs: BOARD_X or BOARD_O */
    uint32_t ms_left;             /* drawn in the warning colour under 5000 */
    uint32_t total_ms;            /* full turn length (the bar's scale); 0: no bar */
    char text[SCENE_CLOCK_MAX];   /* e.g. "0:07" */
};

struct scene {
    uint8_t screen;               /* enum app_screen (informative; drawing does not depend on it) */

    /* Header, top to bottom. */
    char title[SCENE_TEXT_MAX];   /* e.g. "Tic-tac-toe", "Lobby", "Game over" */
    char status[SCENE_TEXT_MAX];  /* the main line: "Your turn", "Waiting for bob", "You won" */
    uint8_t status_tone;          /* enum scene_tone */
    char detail[SCENE_TEXT_MAX];  /* second line: the reason in words ("bob ran out of time"), hints */

    /* The players bar (shown when players[0].name or players[1].name is set).
     * players[0] is X, players[1] is O. */
    struct scene_player players[2];
    struct scene_clock clock;
    char series[SCENE_TEXT_MAX];  /* under the names: "alice 2 - 1 bob", "You play O this time" */

    struct scene_board board;

    /* A banner over the board (which is then dimmed): "Reconnecting... 16 s",
     * with the countdown bar under it when countdown_total_ms is set. */
    char banner[SCENE_TEXT_MAX];
    uint8_t banner_tone;          /* enum scene_tone */

    /* Large centred text: the room code to read out, or the reconnect
     * countdown's seconds; with a caption under it. */
    char big[SCENE_BIG_MAX];
    char big_caption[SCENE_TEXT_MAX]; /* e.g. "Room code: tell it to your friend" */
    uint32_t countdown_ms;        /* time left: a bar under `big`, or in the banner */
    uint32_t countdown_total_ms;  /* the bar's scale; 0: no bar */

    /* Text fields (connect screen, room code entry). */
    struct scene_field fields[SCENE_FIELDS_MAX];
    uint8_t field_count;

    /* Buttons in keyboard order: menu/row buttons, live-list rows, dialog buttons. */
    struct scene_button buttons[SCENE_BUTTONS_MAX];
    uint8_t button_count;
    char list_empty[SCENE_TEXT_MAX]; /* shown where the list would be when it has no rows,
                                        e.g. "No games being played" ("" when no list) */

    /* A notice line above the buttons: "bob wants a rematch", "bob left". */
    char notice[SCENE_TEXT_MAX];
    uint8_t notice_tone;          /* enum scene_tone */

    /* An error line: under the fields on a screen with fields (its place is
     * kept, so nothing moves when it appears), else a header line, or the
     * message line under a board. */
    char error[SCENE_TEXT_MAX];

    /* A short-lived message at the bottom ("Not your turn"). */
    char toast[SCENE_TEXT_MAX];
    uint8_t toast_tone;           /* enum scene_tone */

    /* A modal confirm dialog over everything ("Leave the game? It counts as
     * a loss."); its buttons are the SCENE_GROUP_DIALOG ones. While it is
     * shown, only dialog buttons are clickable. */
    uint8_t dialog_shown;
    char dialog_text[SCENE_TEXT_MAX];
};

/* An empty scene: everything zero, every cell reference BOARD_NO_CELL. Start
 * each frame's fill from this. */
static inline void scene_reset(struct scene *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->board.hover = BOARD_NO_CELL;
    sc->board.cursor = BOARD_NO_CELL;
    sc->board.last = BOARD_NO_CELL;
    sc->board.pending = BOARD_NO_CELL;
    sc->board.appear_cell = BOARD_NO_CELL;
    sc->board.appear = SCENE_MOTION_DONE;
    sc->board.line_drawn = SCENE_MOTION_DONE;
    for (int i = 0; i < 3; i++)
        sc->board.line[i] = BOARD_NO_CELL;
}

/* 1 while something on the board moves (a mark appearing, the winning line
 * drawing itself): the frame after this one differs, draw it soon. */
static inline int scene_animating(const struct scene *sc)
{
    const struct scene_board *b = &sc->board;
    return b->shown && ((b->appear_cell < BOARD_CELLS && b->appear < SCENE_MOTION_DONE) ||
                        (b->line[0] < BOARD_CELLS && b->line_drawn < SCENE_MOTION_DONE));
}

#endif
