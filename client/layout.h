/* SPDX-License-Identifier: MIT */
/* layout.h: where everything of a scene goes in a window of a given size --
 * pure arithmetic, no SDL, no fonts -- and the reverse: which cell or button
 * is under a pixel.
 *
 * Sizes are drawable pixels (SDL_GetRendererOutputSize), not window points:
 * on a high-DPI screen the caller scales mouse coordinates by drawable size
 * over window size before asking layout_cell_at() / layout_button_at().
 *
 * Text follows the window's smaller side, and is never smaller than
 * LAYOUT_MIN_TEXT_PX (body) and LAYOUT_MIN_PX (the smallest lines): a window
 * too small for everything at that size loses the board's size first, then
 * drops what would overlap something more important (the buttons, fields,
 * board, status and title are kept longest): nothing is ever drawn over
 * anything else, except the banner and the dialog, which are meant to.
 *
 * The board is square; its cells are separated by gaps (where the grid lines
 * are drawn) that belong to no cell. In a tall window it is horizontally
 * centred, between the header text and the buttons; in a wide one (width at
 * least 6/5 of the height: `side`) it takes the window's height on the left,
 * with the header, names, clock, messages and a column of buttons in a panel
 * beside it. With the board shown, the header lines and the message line keep
 * their places whether or not they have text, so the board's rect depends on
 * the window size only: it does not move between turns, at game over, or for
 * a spectator.
 *
 * The toast never covers a button: under a board or a list it is drawn in
 * the message line above the buttons, elsewhere in a band at the bottom kept
 * free for it.
 */
#ifndef TTT_LAYOUT_H
#define TTT_LAYOUT_H

#include <stdint.h>

#include "scene.h"

#define LAYOUT_MIN_TEXT_PX 12     /* the body text is never smaller */
#define LAYOUT_MIN_PX 10          /* no text is drawn smaller (render.c shortens it instead) */
#define LAYOUT_MIN_W 320          /* the smallest window the client asks for: every */
#define LAYOUT_MIN_H 400          /* word of every screen is read whole at this size */

struct layout_rect {
    int x, y, w, h;           /* w == 0 or h == 0: not shown */
};

struct layout {
    int w, h;                 /* the drawable size laid out for */
    int pad;                  /* margin and spacing unit */
    int text_px;              /* body text size in pixels */
    int title_px, status_px, small_px, big_px; /* other text sizes */
    uint8_t side;             /* wide window: the board on the left, a panel beside it with
                                 the names one above the other */

    /* Header lines (zero rects when their text is empty, though with the
     * board shown their space is kept). */
    struct layout_rect title, status, detail;
    int detail_lines;               /* 2: the detail (a hint) is two lines high, broken at a
                                       space when it does not fit one (wide windows, and
                                       long hints without a board) */
    struct layout_rect players[2];  /* X's name (left), O's name (right) */
    struct layout_rect clock;       /* the clock text, between the names */
    struct layout_rect clock_bar;   /* the turn clock bar under the names */
    struct layout_rect series;      /* the score line under them */

    /* The board: its square, the 9 cells, the grid line width (= gap). */
    struct layout_rect board;
    struct layout_rect cells[BOARD_CELLS];
    int cell, gap;

    /* The large text, its caption, the countdown bar (under the large text,
     * or in the banner over the board). */
    struct layout_rect big, big_caption, countdown;
    struct layout_rect banner;      /* the banner's panel over the board; its text line
                                       is its top part, the countdown under it */

    /* Text fields: the label line above each box, and the box. */
    struct layout_rect field_labels[SCENE_FIELDS_MAX];
    struct layout_rect fields[SCENE_FIELDS_MAX];
    int field_ids[SCENE_FIELDS_MAX];
    int field_count;

    /* Buttons, indexed like scene.buttons. A list row that does not fit is
     * not shown (zero rect); the rows shown always include the focused one.
     * A row of buttons gives each the width its label needs at text_px
     * (estimated: no font here), narrowed when the window is too narrow. */
    struct layout_rect buttons[SCENE_BUTTONS_MAX];
    int button_ids[SCENE_BUTTONS_MAX];
    uint8_t button_live[SCENE_BUTTONS_MAX]; /* shown, enabled, and clickable now */
    int button_count;
    struct layout_rect list_empty;  /* the "no games" line */

    /* The notice is the message line above the buttons (there under a board
     * or a list even when empty); error is a header line, or with the board
     * shown the message line (a line above it next to a notice); the toast
     * is the message line, or a band at the bottom without one. */
    struct layout_rect notice, error, toast;
    int error_lines; /* 2: error is two lines high (under fields), broken at a space */
    struct layout_rect dialog, dialog_text; /* zero when no dialog */
};

/* Lay out scene `sc` for a w x h drawable (any size; sizes under 1 are taken
 * as 1). Every rect lies inside the window; no two overlap (but for the
 * banner and the dialog, drawn over the rest, and the lines that share the
 * message line); the text sizes are at least the minimums above. */
void layout_compute(struct layout *l, int w, int h, const struct scene *sc);

/* The cell (0..8) under pixel (x, y), or BOARD_NO_CELL outside the board, in
 * a gap between cells, or when the board is not shown. */
unsigned layout_cell_at(const struct layout *l, int x, int y);

/* The rect of cell 0..8 (a zero rect for other values). */
struct layout_rect layout_cell_rect(const struct layout *l, unsigned cell);

/* The id (enum app_button) of the button or text field under (x, y), or 0
 * (APP_BTN_NONE) if none. Disabled buttons and, while the dialog is shown,
 * everything outside the dialog count as none. */
int layout_button_at(const struct layout *l, int x, int y);

/* 1 when (x, y) is inside r. */
int layout_rect_has(struct layout_rect r, int x, int y);

#endif
