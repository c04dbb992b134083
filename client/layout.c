/* layout.c: the ttt client's window geometry (see layout.h): a vertical stack
 * of header lines, a middle area (large text, fields, list rows, the board)
 * and the buttons, all sized from one text unit that follows the window's
 * smaller side; plus the hit tests that map a pixel back to a cell or button.
 */
#include "layout.h"

#include <string.h>

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

/* The overlays (toast, dialog), the hit-test tables, and every rect
 * clipped to the window. */
static void finish(struct layout *l, const struct scene *sc, int w, int h)
{
    int pad = l->pad, text = l->text_px;
    int inner_w = maxi(w - 2 * pad, 1);
    int btn_h = text * 9 / 4;
    int nfields = l->field_count;
    /* The overlay: the dialog. */
    if (sc->dialog_shown) {
        int dw = mini(inner_w, text * 24);
        int dh = pad + 2 * line_h(text) + pad + btn_h + pad;
        dh = mini(dh, maxi(h - 2 * pad, 1));
        l->dialog = mkrect((w - dw) / 2, (h - dh) / 2, dw, dh);
        l->dialog_text = mkrect(l->dialog.x + pad, l->dialog.y + pad, dw - 2 * pad, 2 * line_h(text));
        place_row(l, sc, SCENE_GROUP_DIALOG, l->dialog.x + pad, dw - 2 * pad,
                  l->dialog.y + dh - pad - btn_h, btn_h, text * 9);
    }

    l->button_count = clampi(sc->button_count, 0, SCENE_BUTTONS_MAX);
    for (int i = 0; i < l->button_count; i++) {
        const struct scene_button *b = &sc->buttons[i];
        l->button_ids[i] = b->id;
        l->buttons[i] = clip(l->buttons[i], w, h);
        int in_dialog = b->group == SCENE_GROUP_DIALOG;
        l->button_live[i] = l->buttons[i].w > 0 && b->enabled &&
                            (sc->dialog_shown ? in_dialog : !in_dialog);
    }
    for (int i = 0; i < nfields; i++) {
        l->fields[i] = clip(l->fields[i], w, h);
        l->field_labels[i] = clip(l->field_labels[i], w, h);
    }
    struct layout_rect *texts[] = { &l->title, &l->status, &l->detail, &l->error, &l->players[0],
                                    &l->players[1], &l->clock, &l->clock_bar, &l->big,
                                    &l->big_caption, &l->countdown, &l->list_empty, &l->notice,
                                    &l->toast, &l->dialog, &l->dialog_text };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        *texts[i] = clip(*texts[i], w, h);
}

static void place(struct layout *l, int w, int h, const struct scene *sc, int text)
{
    memset(l, 0, sizeof *l);
    l->w = w;
    l->h = h;
    l->text_px = text;
    l->pad = maxi(2, text * 2 / 3);
    l->title_px = text * 3 / 2;
    l->status_px = text * 6 / 5;
    l->small_px = maxi(6, text * 5 / 6);
    l->big_px = text * 4;
    int pad = l->pad;
    int inner_w = maxi(w - 2 * pad, 1);
    int btn_h = text * 9 / 4;
    int row_gap = maxi(pad / 3, 1);
    int y = pad;
    /* With the board shown every header line keeps its place whether or not
     * it has text (title, players, clock bar, status, hint), and an error
     * goes to the message line above the buttons: the board then has the
     * same place and size all through a game -- either player's turn, game
     * over, watching. */
    int board = sc->board.shown;

    /* Header. */
    if (sc->title[0] || board) {
        if (sc->title[0])
            l->title = mkrect(pad, y, inner_w, line_h(l->title_px));
        y += line_h(l->title_px) + pad / 2;
    }
    if (sc->players[0].name[0] || sc->players[1].name[0] || board) {
        int bar_h = line_h(text) + pad / 2;
        int clock_w = sc->clock.shown ? mini(text * 4, inner_w / 3) : 0;
        int name_w = (inner_w - clock_w) / 2;
        l->players[0] = mkrect(pad, y, name_w, bar_h);
        if (clock_w)
            l->clock = mkrect(pad + name_w, y, clock_w, bar_h);
        l->players[1] = mkrect(pad + name_w + clock_w, y, inner_w - name_w - clock_w, bar_h);
        y += bar_h;
        if ((sc->clock.shown && sc->clock.total_ms) || board) {
            int bar = maxi(2, text / 4);
            if (sc->clock.shown && sc->clock.total_ms)
                l->clock_bar = mkrect(pad, y + pad / 4, inner_w, bar);
            y += pad / 4 + bar;
        }
        y += pad / 2;
    }
    if (sc->status[0] || board) {
        if (sc->status[0])
            l->status = mkrect(pad, y, inner_w, line_h(l->status_px));
        y += line_h(l->status_px);
    }
    if (sc->detail[0] || board) {
        if (sc->detail[0])
            l->detail = mkrect(pad, y, inner_w, line_h(l->small_px));
        y += line_h(l->small_px);
    }
    if (sc->error[0] && !board) {
        l->error = mkrect(pad, y, inner_w, line_h(text));
        y += l->error.h;
    }
    y += pad / 2;

    /* Bottom: the main buttons as a row under the board or the list. */
    int has_list = sc->list_empty[0] != 0;
    for (int i = 0; i < sc->button_count; i++)
        has_list |= sc->buttons[i].group == SCENE_GROUP_LIST;
    int row_mode = board || has_list;
    int bottom = h - pad;
    int nmain = 0;
    for (int i = 0; i < sc->button_count; i++)
        nmain += sc->buttons[i].group == SCENE_GROUP_MAIN;
    if (row_mode && nmain > 0) {
        place_row(l, sc, SCENE_GROUP_MAIN, pad, inner_w, bottom - btn_h, btn_h, text * 9);
        bottom -= btn_h + pad / 2;
    }
    /* The message line above the buttons, reserved under a board or a list
     * so that a notice, error or toast appearing moves nothing; the toast is
     * drawn there, over the notice, never over a button. An error next to
     * a notice gets a line of its own above it. Other screens keep a band at
     * the bottom for the toast, under their centred column. */
    int msg_h = line_h(text);
    if (row_mode || sc->notice[0]) {
        l->notice = mkrect(pad, bottom - msg_h, inner_w, msg_h);
        bottom -= msg_h + pad / 2;
        if (sc->toast[0])
            l->toast = l->notice;
        if (board && sc->error[0] && !sc->notice[0]) {
            l->error = l->notice;
        } else if (board && sc->error[0]) {
            l->error = mkrect(pad, bottom - msg_h, inner_w, msg_h);
            bottom -= msg_h + pad / 2;
        }
    } else {
        int tw = mini(inner_w, text * 26), th = msg_h + pad / 2;
        if (sc->toast[0])
            l->toast = mkrect((w - tw) / 2, bottom - th, tw, th);
        bottom -= th + pad / 2;
    }

    /* Middle: fixed-height items first, centred as a block when there is
     * no board or list to take the rest. */
    int col_w = mini(inner_w, text * 16);
    int col_x = (w - col_w) / 2;
    int fixed = 0;
    int big_h = sc->big[0] ? line_h(l->big_px) : 0;
    int cap_h = sc->big[0] && sc->big_caption[0] ? line_h(text) : 0;
    int cd_h = sc->big[0] && sc->countdown_total_ms ? maxi(3, text / 3) + pad / 2 : 0;
    fixed += big_h + cap_h + cd_h + (big_h ? pad / 2 : 0);
    int nfields = clampi(sc->field_count, 0, SCENE_FIELDS_MAX);
    int field_h = line_h(text) + text * 2;
    fixed += nfields * (field_h + pad / 2);
    if (!row_mode && nmain > 0)
        fixed += nmain * (btn_h + row_gap) + pad / 2;
    int avail = maxi(bottom - y, 0);
    if (!board && !has_list && fixed < avail)
        y += (avail - fixed) / 2;

    if (big_h) {
        l->big = mkrect(pad, y, inner_w, big_h);
        y += big_h;
        if (cap_h) {
            l->big_caption = mkrect(pad, y, inner_w, cap_h);
            y += cap_h;
        }
        if (cd_h) {
            l->countdown = mkrect(col_x, y + pad / 4, col_w, cd_h - pad / 2);
            y += cd_h;
        }
        y += pad / 2;
    }
    for (int i = 0; i < nfields; i++) {
        l->field_ids[i] = sc->fields[i].id;
        l->field_labels[i] = mkrect(col_x, y, col_w, line_h(text));
        l->fields[i] = mkrect(col_x, y + line_h(text), col_w, text * 2);
        y += field_h + pad / 2;
    }
    l->field_count = nfields;
    if (!row_mode && nmain > 0) {
        y += pad / 2;
        for (int i = 0; i < sc->button_count; i++) {
            if (sc->buttons[i].group != SCENE_GROUP_MAIN)
                continue;
            l->buttons[i] = mkrect(col_x, y, col_w, btn_h);
            y += btn_h + row_gap;
        }
    }

    if (has_list) {
        int list_w = mini(inner_w, text * 28);
        int list_x = (w - list_w) / 2;
        int rh = text * 2;
        int space = maxi(bottom - y, 0);
        int fit = maxi((space + row_gap) / (rh + row_gap), 1);
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
                y += rh + row_gap;
            }
            row++;
        }
        if (nrows == 0 && sc->list_empty[0])
            l->list_empty = mkrect(pad, y, inner_w, line_h(text));
    }

    if (board) {
        int space = maxi(bottom - y, 3);
        int side = maxi(mini(inner_w, space), 3);
        int gap = maxi(2, side / 36);
        int cell = maxi((side - 2 * gap) / 3, 1);
        side = 3 * cell + 2 * gap;
        int bx = (w - side) / 2;
        int by = y + (space - side) / 2;
        /* A window too small for even the smallest board shows none. */
        if (bx < 0 || by < 0 || bx + side > w || by + side > h) {
            finish(l, sc, w, h);
            return;
        }
        l->board = mkrect(bx, by, side, side);
        l->cell = cell;
        l->gap = gap;
        for (int c = 0; c < BOARD_CELLS; c++)
            l->cells[c] = mkrect(bx + (c % 3) * (cell + gap), by + (c / 3) * (cell + gap), cell, cell);
    }

    finish(l, sc, w, h);
}

void layout_compute(struct layout *l, int w, int h, const struct scene *sc)
{
    w = maxi(w, 1);
    h = maxi(h, 1);
    int m = mini(w, h);
    int text = clampi(m / 30, 9, 72);
    /* Shrink the text until the board gets a fair share of a small window. */
    for (;;) {
        place(l, w, h, sc, text);
        if (!sc->board.shown || l->board.w * 100 >= m * 55 || text <= 5)
            break;
        text = mini(text - 1, text * 9 / 10);
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
