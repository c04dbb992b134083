/* SPDX-License-Identifier: MIT */
/* layout.c: the ttt client's window geometry (see layout.h), all sized from
 * one text unit that follows the window's smaller side. place() lays a scene
 * out region by region: the header from the top (title, players bar and
 * clock, score, status, detail), the buttons and the message line from the
 * bottom, then the middle between them (large text, fields with their error
 * line and the menu column; the live list; the board), the banner over the
 * board and the dialog over everything; layout_compute() shrinks the text
 * unit (not below LAYOUT_MIN_TEXT_PX) until the board gets a fair share of
 * the window. place_side() lays out a wide window: the board on the left,
 * the panel beside it. Plus the hit tests that map a pixel back to a cell or
 * button.
 */
#include "layout.h"

#include <string.h>

#define LAYOUT_MIN_BOARD 30     /* pixels: a board any smaller is not drawn */

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int mini(int a, int b)
{
    return a < b ? a : b;
}

static int maxi(int a, int b)
{
    return a > b ? a : b;
}

static struct layout_rect mkrect(int x, int y, int w, int h)
{
    struct layout_rect r = { x, y, maxi(w, 0), maxi(h, 0) };
    return r;
}

/* The height of one line of text of size px. */
static int line_h(int px)
{
    return px * 4 / 3 + 1;
}

int layout_rect_has(struct layout_rect r, int x, int y)
{
    return r.w > 0 && r.h > 0 && x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

/* Squeeze r into the window (a rect computed for a tiny window may stick out). */
static struct layout_rect clip(struct layout_rect r, int w, int h)
{
    int x0 = clampi(r.x, 0, w), y0 = clampi(r.y, 0, h);
    int x1 = clampi(r.x + r.w, 0, w), y1 = clampi(r.y + r.h, 0, h);
    return mkrect(x0, y0, x1 - x0, y1 - y0);
}

/* The width a button of height bh needs for its label at text size px, with
 * the drawing's inset (bh / 3 a side). The layout has no font: a character
 * is taken as 0.68 em, as wide as DejaVu Sans Bold's widest words average. */
static int label_w(const struct scene_button *b, int px, int bh)
{
    int chars = (int)strnlen(b->label, sizeof b->label);
    return chars * px * 17 / 25 + 2 * (bh / 3) + 2;
}

/* The widths of a row's buttons: each as wide as its label needs (need) and
 * at least min wide; 0 when the row does not fit in room that way. */
static int row_widths(const struct scene *sc, uint8_t group, const int *need, int min, int room,
                      int *bw)
{
    int total = 0;
    for (int i = 0; i < sc->button_count; i++) {
        if (sc->buttons[i].group != group)
            continue;
        bw[i] = maxi(min, need[i]);
        total += bw[i];
    }
    return total <= room;
}

/* Place the buttons of the given group in one centred row at y: each as wide
 * as its label needs and, as far as the row has room, at least minw; all
 * narrowed in proportion when even the labels do not fit. */
static void place_row(struct layout *l, const struct scene *sc, uint8_t group,
                      int x, int width, int y, int bh, int minw)
{
    int n = 0, total = 0;
    int need[SCENE_BUTTONS_MAX] = { 0 }, bw[SCENE_BUTTONS_MAX] = { 0 };
    for (int i = 0; i < sc->button_count; i++) {
        if (sc->buttons[i].group != group)
            continue;
        need[i] = label_w(&sc->buttons[i], l->text_px, bh);
        total += need[i];
        n++;
    }
    if (n == 0)
        return;
    int gap = maxi(l->pad / 2, 1);
    int room = maxi(width - (n - 1) * gap, n);
    int min = minw;
    while (min > 0 && !row_widths(sc, group, need, min, room, bw))
        min--;
    int fitted = 0;
    for (int i = 0; i < sc->button_count; i++) {
        if (sc->buttons[i].group != group)
            continue;
        if (total > room)
            bw[i] = maxi((int)((long long)need[i] * room / total), 1);
        fitted += bw[i];
    }
    int bx = x + (width - fitted - (n - 1) * gap) / 2;
    for (int i = 0; i < sc->button_count; i++) {
        if (sc->buttons[i].group != group)
            continue;
        l->buttons[i] = mkrect(bx, y, bw[i], bh);
        bx += bw[i] + gap;
    }
}

/* What a scene's content asks of the layout, counted once. */
struct shape {
    int board;    /* the board is shown: the header lines keep their places */
    int list;     /* a live list (rows, or its empty line) is shown */
    int row_mode; /* the main buttons are a row at the bottom (under a board or a list) */
    int nmain;    /* how many main-group buttons */
};

static struct shape shape_of(const struct scene *sc)
{
    struct shape s = { sc->board.shown != 0, sc->list_empty[0] != 0, 0, 0 };
    for (int i = 0; i < sc->button_count; i++) {
        s.list |= sc->buttons[i].group == SCENE_GROUP_LIST;
        s.nmain += sc->buttons[i].group == SCENE_GROUP_MAIN;
    }
    s.row_mode = s.board || s.list;
    return s;
}

static int inner_width(const struct layout *l)
{
    return maxi(l->w - 2 * l->pad, 1);
}

static int button_h(const struct layout *l)
{
    return l->text_px * 9 / 4;
}

static int row_gap(const struct layout *l)
{
    return maxi(l->pad / 3, 1);
}

/* The margins and text sizes, all following the body size `text`. */
static void set_sizes(struct layout *l, int w, int h, int text)
{
    memset(l, 0, sizeof *l);
    l->w = w;
    l->h = h;
    l->text_px = text;
    l->pad = maxi(2, text * 2 / 3);
    l->title_px = text * 3 / 2;
    l->status_px = text * 6 / 5;
    l->small_px = maxi(LAYOUT_MIN_PX, text * 5 / 6);
    l->big_px = text * 4;
    l->detail_lines = 1;
}

/* One header line of height lh at y: placed when it has text, its space kept
 * when `keep` (the board is shown). Returns the y under it. */
static int header_line(struct layout_rect *r, const char *text, int keep, const struct layout *l,
                       int y, int lh)
{
    if (!text[0] && !keep)
        return y;
    if (text[0])
        *r = mkrect(l->pad, y, inner_width(l), lh);
    return y + lh;
}

/* The players bar at y: X's name left, O's right, the clock text between
 * them, the turn clock bar and the score line under them. Returns the y
 * under it. */
static int place_players(struct layout *l, const struct scene *sc, int board, int y)
{
    if (!sc->players[0].name[0] && !sc->players[1].name[0] && !board)
        return y;
    int pad = l->pad, text = l->text_px, inner_w = inner_width(l);
    int bar_h = line_h(text) + pad / 2;
    int clock_w = sc->clock.shown ? mini(text * 4, inner_w / 3) : 0;
    int name_w = (inner_w - clock_w) / 2;
    l->players[0] = mkrect(pad, y, name_w, bar_h);
    if (clock_w)
        l->clock = mkrect(pad + name_w, y, clock_w, bar_h);
    l->players[1] = mkrect(pad + name_w + clock_w, y, inner_w - name_w - clock_w, bar_h);
    y += bar_h;
    int timed = sc->clock.shown && sc->clock.total_ms;
    if (timed || board) {
        int bar = maxi(2, text / 4);
        if (timed)
            l->clock_bar = mkrect(pad, y + pad / 4, inner_w, bar);
        y += pad / 4 + bar;
    }
    y = header_line(&l->series, sc->series, board, l, y, line_h(l->small_px));
    return y + pad / 2;
}

/* The header, top down: title, players bar, status, detail, and (without a
 * board or fields) the error. With the board shown every line keeps its
 * place whether or not it has text, and an error goes to the message line
 * above the buttons: the board then has the same place and size all through
 * a game -- either player's turn, game over, watching. With fields the error
 * goes under them (place_column). Returns the y under it. */
static int place_header(struct layout *l, const struct scene *sc, int board)
{
    int y = header_line(&l->title, sc->title, board, l, l->pad, line_h(l->title_px));
    if (sc->title[0] || board)
        y += l->pad / 2;
    y = place_players(l, sc, board, y);
    y = header_line(&l->status, sc->status, board, l, y, line_h(l->status_px));
    /* Without a board, a hint too long for one line gets two (with one,
     * the board's place must not depend on the words: they are short). */
    if (!board && (int)strlen(sc->detail) * l->small_px * 3 / 5 > inner_width(l))
        l->detail_lines = 2;
    y = header_line(&l->detail, sc->detail, board, l, y, l->detail_lines * line_h(l->small_px));
    if (!board && sc->field_count == 0)
        y = header_line(&l->error, sc->error, 0, l, y, line_h(l->text_px));
    return y + l->pad / 2;
}

/* The message line of width w at x above `bottom`: the notice, the toast
 * over it, and (with `error`) the error -- there too when there is no
 * notice, else on a line of its own above it. Returns the y above them. */
static int message_lines(struct layout *l, const struct scene *sc, int x, int w, int bottom,
                         int error)
{
    int msg_h = line_h(l->text_px);
    l->notice = mkrect(x, bottom - msg_h, w, msg_h);
    bottom -= msg_h + l->pad / 2;
    if (sc->toast[0])
        l->toast = l->notice;
    if (!error || !sc->error[0])
        return bottom;
    if (!sc->notice[0]) {
        l->error = l->notice;
        return bottom;
    }
    l->error = mkrect(x, bottom - msg_h, w, msg_h);
    return bottom - (msg_h + l->pad / 2);
}

/* The bottom, bottom up: the main buttons as a row under the board or the
 * list, then the message line above them, reserved under a board or a list
 * so that a notice, error or toast appearing moves nothing; the toast is
 * drawn there, over the notice, never over a button. An error next to a
 * notice gets a line of its own above it. Other screens keep a band at the
 * bottom for the toast, under their centred column. Returns the y above. */
static int place_bottom(struct layout *l, const struct scene *sc, struct shape s)
{
    int pad = l->pad, inner_w = inner_width(l), btn_h = button_h(l);
    int bottom = l->h - pad;
    /* The row keeps its space while a dialog replaces its buttons, so the
     * board under the dialog does not move. */
    if (s.row_mode && (s.nmain > 0 || sc->dialog_shown)) {
        if (s.nmain > 0)
            place_row(l, sc, SCENE_GROUP_MAIN, pad, inner_w, bottom - btn_h, btn_h, l->text_px * 9);
        bottom -= btn_h + pad / 2;
    }
    int msg_h = line_h(l->text_px);
    if (!s.row_mode && !sc->notice[0]) {
        int tw = mini(inner_w, l->text_px * 26), th = msg_h + pad / 2;
        if (sc->toast[0])
            l->toast = mkrect((l->w - tw) / 2, bottom - th, tw, th);
        return bottom - (th + pad / 2);
    }
    return message_lines(l, sc, pad, inner_w, bottom, s.board);
}

/* The height of the large text, its caption and its countdown bar. */
static int big_h(const struct layout *l, const struct scene *sc)
{
    return sc->big[0] ? line_h(l->big_px) : 0;
}

static int caption_h(const struct layout *l, const struct scene *sc)
{
    return sc->big[0] && sc->big_caption[0] ? line_h(l->text_px) : 0;
}

static int countdown_h(const struct layout *l, const struct scene *sc)
{
    return sc->big[0] && sc->countdown_total_ms ? maxi(3, l->text_px / 3) + l->pad / 2 : 0;
}

static int field_h(const struct layout *l)
{
    return line_h(l->text_px) + l->text_px * 2;
}

/* The error line under the fields: two lines high, so that a message that
 * says what to do ("Nothing is listening on ADDR. Is tttd running on this
 * port?") is read in full at the body size. */
static int field_error_h(const struct layout *l)
{
    return 2 * line_h(l->text_px);
}

/* The height of the middle's fixed items: the large text, the fields and
 * (on menus) the button column. */
static int column_h(const struct layout *l, const struct scene *sc, struct shape s)
{
    int pad = l->pad, bh = big_h(l, sc);
    int fixed = bh + caption_h(l, sc) + countdown_h(l, sc) + (bh ? pad / 2 : 0);
    fixed += clampi(sc->field_count, 0, SCENE_FIELDS_MAX) * (field_h(l) + pad / 2);
    if (sc->field_count > 0)
        fixed += field_error_h(l) + pad / 2;
    if (!s.row_mode && s.nmain > 0)
        fixed += s.nmain * (button_h(l) + row_gap(l)) + pad / 2;
    return fixed;
}

/* The large text at y with its caption and countdown bar (col_x, col_w: the
 * centred column the bar spans). Returns the y under them. */
static int place_big(struct layout *l, const struct scene *sc, int y, int col_x, int col_w)
{
    int bh = big_h(l, sc), ch = caption_h(l, sc), cd = countdown_h(l, sc);
    if (!bh)
        return y;
    int pad = l->pad, inner_w = inner_width(l);
    l->big = mkrect(pad, y, inner_w, bh);
    y += bh;
    if (ch) {
        l->big_caption = mkrect(pad, y, inner_w, ch);
        y += ch;
    }
    if (cd) {
        l->countdown = mkrect(col_x, y + pad / 4, col_w, cd - pad / 2);
        y += cd;
    }
    return y + pad / 2;
}

/* The middle's fixed items from y down: the large text, the fields (a label
 * line above each box) and their error line (kept when empty: nothing moves
 * when an error appears) and, on menus, the main buttons as a centred
 * column. Without a board or a list to take the rest of the space, they are
 * centred as a block between y and bottom. Returns the y under them. */
static int place_column(struct layout *l, const struct scene *sc, struct shape s, int y,
                        int bottom)
{
    int pad = l->pad, text = l->text_px;
    int col_w = mini(inner_width(l), text * 16);
    int col_x = (l->w - col_w) / 2;
    int fixed = column_h(l, sc, s);
    int avail = maxi(bottom - y, 0);
    if (!s.row_mode && fixed < avail)
        y += (avail - fixed) / 2;
    y = place_big(l, sc, y, col_x, col_w);
    l->field_count = clampi(sc->field_count, 0, SCENE_FIELDS_MAX);
    for (int i = 0; i < l->field_count; i++) {
        l->field_ids[i] = sc->fields[i].id;
        l->field_labels[i] = mkrect(col_x, y, col_w, line_h(text));
        l->fields[i] = mkrect(col_x, y + line_h(text), col_w, text * 2);
        y += field_h(l) + pad / 2;
    }
    if (l->field_count > 0) {
        if (sc->error[0]) {
            l->error = mkrect(pad, y, inner_width(l), field_error_h(l));
            l->error_lines = 2;
        }
        y += field_error_h(l) + pad / 2;
    }
    if (s.row_mode || s.nmain == 0)
        return y;
    y += pad / 2;
    for (int i = 0; i < sc->button_count; i++) {
        if (sc->buttons[i].group != SCENE_GROUP_MAIN)
            continue;
        l->buttons[i] = mkrect(col_x, y, col_w, button_h(l));
        y += button_h(l) + row_gap(l);
    }
    return y;
}

/* The live list's rows from y down, as many as fit above bottom, scrolled so
 * that the focused row is among them; or the "no games" line. Returns the y
 * under the rows. */
static int place_list(struct layout *l, const struct scene *sc, int y, int bottom)
{
    int list_w = mini(inner_width(l), l->text_px * 28);
    int list_x = (l->w - list_w) / 2;
    int rh = l->text_px * 2, gap = row_gap(l);
    int fit = maxi((maxi(bottom - y, 0) + gap) / (rh + gap), 1);
    int nrows = 0, focus_row = 0;
    for (int i = 0; i < sc->button_count; i++) {
        if (sc->buttons[i].group != SCENE_GROUP_LIST)
            continue;
        if (sc->buttons[i].focused)
            focus_row = nrows;
        nrows++;
    }
    int first = focus_row >= fit ? focus_row - fit + 1 : 0;
    int row = 0;
    for (int i = 0; i < sc->button_count; i++) {
        if (sc->buttons[i].group != SCENE_GROUP_LIST)
            continue;
        if (row >= first && row < first + fit) {
            l->buttons[i] = mkrect(list_x, y, list_w, rh);
            y += rh + gap;
        }
        row++;
    }
    if (nrows == 0 && sc->list_empty[0])
        l->list_empty = mkrect(l->pad, y, inner_width(l), line_h(l->text_px));
    return y;
}

/* The gap between the cells of a board of about `side` pixels: about a 36th. */
static int board_gap(int side)
{
    return maxi(2, side / 36);
}

/* The side such a board is drawn at: three whole cells and two gaps. */
static int board_drawn(int side)
{
    int gap = board_gap(side);
    return 3 * maxi((side - 2 * gap) / 3, 1) + 2 * gap;
}

/* The board as a square of about `side` pixels at (bx, by); none when it
 * would stick out of the window. */
static void board_at(struct layout *l, int bx, int by, int side)
{
    int gap = board_gap(side);
    side = board_drawn(side);
    int cell = (side - 2 * gap) / 3;
    if (bx < 0 || by < 0 || bx + side > l->w || by + side > l->h)
        return;
    l->board = mkrect(bx, by, side, side);
    l->cell = cell;
    l->gap = gap;
    for (int c = 0; c < BOARD_CELLS; c++)
        l->cells[c] = mkrect(bx + (c % 3) * (cell + gap), by + (c / 3) * (cell + gap), cell, cell);
}

/* The board: the largest square that fits between y and bottom and in the
 * window's width, centred in that space. A window too small for a board of
 * LAYOUT_MIN_BOARD pixels shows none. */
static void place_board(struct layout *l, int y, int bottom)
{
    int space = bottom - y;
    int side = mini(inner_width(l), space);
    if (side < LAYOUT_MIN_BOARD)
        return;
    int drawn = board_drawn(side);
    board_at(l, (l->w - drawn) / 2, y + (space - drawn) / 2, side);
}

/* The banner: a panel across the middle of the board (or, with no board,
 * the middle of the window) holding a line of text and, when the scene has
 * one, the countdown bar under it. */
static void place_banner(struct layout *l, const struct scene *sc)
{
    if (!sc->banner[0])
        return;
    struct layout_rect over = l->board.w > 0 ? l->board : mkrect(0, 0, l->w, l->h);
    int pad = l->pad, lh = line_h(l->status_px);
    int bar = sc->countdown_total_ms ? maxi(3, l->text_px / 3) : 0;
    int bw = mini(over.w, maxi(over.w * 9 / 10, l->text_px * 16));
    int bh = pad + lh + (bar ? pad / 2 + bar : 0) + pad;
    l->banner = mkrect(over.x + (over.w - bw) / 2, over.y + (over.h - bh) / 2, bw, bh);
    if (bar)
        l->countdown = mkrect(l->banner.x + 2 * pad, l->banner.y + pad + lh + pad / 2,
                              bw - 4 * pad, bar);
}

/* The confirm dialog, centred over everything, its text and its row of
 * buttons. */
static void place_dialog(struct layout *l, const struct scene *sc)
{
    if (!sc->dialog_shown)
        return;
    int pad = l->pad, text = l->text_px, btn_h = button_h(l);
    int dw = mini(inner_width(l), text * 24);
    int dh = pad + 2 * line_h(text) + pad + btn_h + pad;
    dh = mini(dh, maxi(l->h - 2 * pad, 1));
    l->dialog = mkrect((l->w - dw) / 2, (l->h - dh) / 2, dw, dh);
    l->dialog_text = mkrect(l->dialog.x + pad, l->dialog.y + pad, dw - 2 * pad, 2 * line_h(text));
    place_row(l, sc, SCENE_GROUP_DIALOG, l->dialog.x + pad, dw - 2 * pad,
              l->dialog.y + dh - pad - btn_h, btn_h, text * 9);
}

static int overlaps(struct layout_rect a, struct layout_rect b)
{
    return a.w > 0 && a.h > 0 && b.w > 0 && b.h > 0 && a.x < b.x + b.w && b.x < a.x + a.w &&
           a.y < b.y + b.h && b.y < a.y + a.h;
}

static int same(struct layout_rect a, struct layout_rect b)
{
    return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
}

/* 1 for the lines that may share the message line. */
static int message_line(const struct layout *l, const struct layout_rect *r)
{
    return r == &l->notice || r == &l->error || r == &l->toast;
}

/* In a window too small for everything (smaller than the client's minimum:
 * without a window manager nothing enforces it), the regions placed from
 * the top, the bottom and the middle run into each other. Keep what matters
 * most and drop (zero) what overlaps it: the screen's buttons, the fields'
 * boxes, the board, the status and title, the message lines, the list rows,
 * the large text, the players bar, then the rest. The banner and the dialog
 * are drawn over the rest on purpose, and the lines that share the message
 * line (notice, error, toast) share it. */
static void drop_overlaps(struct layout *l, const struct scene *sc)
{
    struct layout_rect *r[24 + 2 * SCENE_FIELDS_MAX + SCENE_BUTTONS_MAX];
    int n = 0;
    for (int i = 0; i < l->button_count; i++)
        if (sc->buttons[i].group == SCENE_GROUP_MAIN)
            r[n++] = &l->buttons[i];
    for (int i = 0; i < l->field_count; i++)
        r[n++] = &l->fields[i];
    struct layout_rect *order[] = { &l->board, &l->status, &l->title, &l->notice, &l->error,
                                    &l->toast };
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        r[n++] = order[i];
    for (int i = 0; i < l->button_count; i++)
        if (sc->buttons[i].group == SCENE_GROUP_LIST)
            r[n++] = &l->buttons[i];
    struct layout_rect *rest[] = { &l->big, &l->big_caption, &l->countdown, &l->players[0],
                                   &l->players[1], &l->clock, &l->clock_bar, &l->series,
                                   &l->detail, &l->list_empty };
    for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++)
        if (rest[i] != &l->countdown || !sc->banner[0]) /* the banner's is inside it */
            r[n++] = rest[i];
    for (int i = 0; i < l->field_count; i++)
        r[n++] = &l->field_labels[i];
    for (int i = 1; i < n; i++)
        for (int k = 0; k < i && r[i]->w > 0; k++)
            if (overlaps(*r[i], *r[k]) && !(message_line(l, r[i]) && message_line(l, r[k]) &&
                                             same(*r[i], *r[k])))
                *r[i] = mkrect(0, 0, 0, 0);
    if (l->board.w == 0) {
        l->cell = l->gap = 0;
        memset(l->cells, 0, sizeof l->cells);
    }
}

/* Every rect clipped to the window, what overlaps dropped, and the
 * hit-test tables. */
static void finish(struct layout *l, const struct scene *sc)
{
    int w = l->w, h = l->h;
    l->button_count = clampi(sc->button_count, 0, SCENE_BUTTONS_MAX);
    for (int i = 0; i < l->button_count; i++)
        l->buttons[i] = clip(l->buttons[i], w, h);
    for (int i = 0; i < l->field_count; i++) {
        l->fields[i] = clip(l->fields[i], w, h);
        l->field_labels[i] = clip(l->field_labels[i], w, h);
    }
    struct layout_rect *texts[] = { &l->title, &l->status, &l->detail, &l->error, &l->players[0],
                                    &l->players[1], &l->clock, &l->clock_bar, &l->series,
                                    &l->big, &l->big_caption, &l->countdown, &l->banner,
                                    &l->list_empty, &l->notice, &l->toast, &l->dialog,
                                    &l->dialog_text };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        *texts[i] = clip(*texts[i], w, h);
    drop_overlaps(l, sc);
    for (int i = 0; i < l->button_count; i++) {
        const struct scene_button *b = &sc->buttons[i];
        l->button_ids[i] = b->id;
        int in_dialog = b->group == SCENE_GROUP_DIALOG;
        l->button_live[i] = l->buttons[i].w > 0 && b->enabled &&
                            (sc->dialog_shown ? in_dialog : !in_dialog);
    }
}

/* Lay out sc at body text size `text`: the header from the top, the buttons
 * and message line from the bottom, then the middle between them. */
static void place(struct layout *l, int w, int h, const struct scene *sc, int text)
{
    set_sizes(l, w, h, text);
    struct shape s = shape_of(sc);
    int y = place_header(l, sc, s.board);
    int bottom = place_bottom(l, sc, s);
    y = place_column(l, sc, s, y, bottom);
    if (s.list)
        y = place_list(l, sc, y, bottom);
    if (s.board)
        place_board(l, y, bottom);
    place_banner(l, sc);
    place_dialog(l, sc);
    finish(l, sc);
}

/* The side panel's messages and buttons, bottom up in rect p: the main
 * buttons as a column, the message lines above them. */
static void panel_bottom(struct layout *l, const struct scene *sc, struct layout_rect p)
{
    int bottom = p.y + p.h, bh = button_h(l);
    for (int i = sc->button_count - 1; i >= 0; i--) {
        if (sc->buttons[i].group != SCENE_GROUP_MAIN)
            continue;
        l->buttons[i] = mkrect(p.x, bottom - bh, p.w, bh);
        bottom -= bh + row_gap(l);
    }
    message_lines(l, sc, p.x, p.w, bottom - l->pad / 2, 1);
}

/* A line of height lh at y across the panel rect p: placed when it has
 * text, its space kept either way. Returns the y under it. */
static int panel_line(struct layout_rect *r, const char *text, struct layout_rect p, int y, int lh)
{
    if (text[0])
        *r = mkrect(p.x, y, p.w, lh);
    return y + lh;
}

/* The side panel, top down in rect p: title (unless dropped), X's name, O's
 * name, the clock (its text, the bar beside it), the score, status, detail
 * (two lines, unless dropped); then its bottom. Every line keeps its place,
 * empty or not. */
static void place_panel(struct layout *l, const struct scene *sc, struct layout_rect p,
                        int title, int detail)
{
    int pad = l->pad, text = l->text_px;
    int bar_h = line_h(text) + pad / 2;
    int y = p.y;
    if (title)
        y = panel_line(&l->title, sc->title, p, y, line_h(l->title_px)) + pad / 2;
    for (int i = 0; i < 2; i++, y += bar_h)
        l->players[i] = mkrect(p.x, y, p.w, bar_h);
    int clock_w = mini(text * 4, p.w / 3);
    if (sc->clock.shown)
        l->clock = mkrect(p.x, y, clock_w, bar_h);
    if (sc->clock.shown && sc->clock.total_ms) {
        int bar = maxi(2, text / 4);
        l->clock_bar = mkrect(p.x + clock_w + pad / 2, y + (bar_h - bar) / 2,
                              p.w - clock_w - pad / 2, bar);
    }
    y = panel_line(&l->series, sc->series, p, y + bar_h, line_h(l->small_px)) + pad / 2;
    y = panel_line(&l->status, sc->status, p, y, line_h(l->status_px));
    l->detail_lines = 2;
    if (detail)
        panel_line(&l->detail, sc->detail, p, y, 2 * line_h(l->small_px));
    panel_bottom(l, sc, p);
}

/* The height the side panel needs for sc with every line (place_panel and
 * panel_bottom). */
static int panel_h(const struct layout *l, const struct scene *sc)
{
    int pad = l->pad, bar_h = line_h(l->text_px) + pad / 2, msg_h = line_h(l->text_px);
    int h = line_h(l->title_px) + pad / 2 + 3 * bar_h + line_h(l->small_px) + pad / 2 +
            line_h(l->status_px) + 2 * line_h(l->small_px) + pad / 2 + msg_h + pad / 2;
    if (sc->error[0] && sc->notice[0])
        h += msg_h + pad / 2;
    for (int i = 0; i < sc->button_count; i++)
        if (sc->buttons[i].group == SCENE_GROUP_MAIN)
            h += button_h(l) + row_gap(l);
    return h;
}

/* A wide window: the board at the window's full height on the left, the
 * panel beside it at least 14 text units wide (the longest button label at
 * the body size; 2/5 of a small window), the
 * pair centred. The board's rect depends on the window size only. In a low
 * window the panel drops its title, then the detail; 0, or -1 when even
 * then it does not fit (nothing is placed). */
static int place_side(struct layout *l, const struct scene *sc, int w, int h, int text)
{
    set_sizes(l, w, h, text);
    int pad = l->pad, avail = h - 2 * pad, need = panel_h(l, sc);
    int title = need <= avail;
    if (!title)
        need -= line_h(l->title_px) + pad / 2;
    int detail = need <= avail;
    if (!detail)
        need -= 2 * line_h(l->small_px);
    if (need > avail)
        return -1;
    l->side = 1;
    int room = maxi(w - 3 * pad, 2);
    int panel_min = mini(text * 14, room * 2 / 5);
    int side = maxi(mini(avail, room - panel_min), 3);
    int drawn = board_drawn(side);
    int panel = clampi(room - drawn, panel_min, text * 24);
    int x0 = maxi((w - (drawn + pad + panel)) / 2, 0);
    board_at(l, x0, (h - drawn) / 2, side);
    place_panel(l, sc, mkrect(x0 + drawn + pad, pad, panel, avail), title, detail);
    place_banner(l, sc);
    place_dialog(l, sc);
    finish(l, sc);
    return 0;
}

void layout_compute(struct layout *l, int w, int h, const struct scene *sc)
{
    w = maxi(w, 1);
    h = maxi(h, 1);
    int m = mini(w, h);
    int text = clampi(m / 30, LAYOUT_MIN_TEXT_PX, 72);
    if (sc->board.shown && (long long)w * 5 >= (long long)h * 6 &&
        place_side(l, sc, w, h, text) == 0)
        return;
    /* Shrink the text until the board gets a fair share of a small window. */
    for (;;) {
        place(l, w, h, sc, text);
        if (!sc->board.shown || l->board.w * 100 >= m * 55 || text <= LAYOUT_MIN_TEXT_PX)
            break;
        text = maxi(LAYOUT_MIN_TEXT_PX, mini(text - 1, text * 9 / 10));
    }
}

unsigned layout_cell_at(const struct layout *l, int x, int y)
{
    if (l->cell <= 0 || !layout_rect_has(l->board, x, y))
        return BOARD_NO_CELL;
    int step = l->cell + l->gap;
    int dx = x - l->board.x, dy = y - l->board.y;
    int col = dx / step, row = dy / step;
    if (col > 2 || row > 2 || dx - col * step >= l->cell || dy - row * step >= l->cell)
        return BOARD_NO_CELL;
    return (unsigned)(row * 3 + col);
}

struct layout_rect layout_cell_rect(const struct layout *l, unsigned cell)
{
    if (cell >= BOARD_CELLS)
        return mkrect(0, 0, 0, 0);
    return l->cells[cell];
}

int layout_button_at(const struct layout *l, int x, int y)
{
    for (int i = 0; i < l->button_count; i++)
        if (l->button_live[i] && layout_rect_has(l->buttons[i], x, y))
            return l->button_ids[i];
    if (l->dialog.w > 0)
        return 0;
    for (int i = 0; i < l->field_count; i++)
        if (layout_rect_has(l->fields[i], x, y) || layout_rect_has(l->field_labels[i], x, y))
            return l->field_ids[i];
    return 0;
}
