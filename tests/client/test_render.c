/* SPDX-License-Identifier: MIT */
/* test_render.c: scenes drawn by SDL's software renderer into a surface, at
 * several window sizes, with pixels checked: marks where they are and
 * nowhere else, the winning line's colour along the line only, edged on both
 * sides over every kind of mark, drawing itself; a mark appearing; the hover
 * highlight on the hovered free cell only, the last move marked, text drawn,
 * the labels of a row of buttons at one size, the text cache not growing on
 * an unchanged frame; the reconnect screen's dimmed board under its banner;
 * a long name ending in an ellipsis, a Chinese name from the fallback font;
 * the window icon; the connect screen's server rows (a gone one greyed);
 * the series line; plus the font search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "app.h"
#include "canvas.h"
#include "font.h"
#include "font_fixture.h"
#include "layout.h"
#include "render.h"
#include "scene.h"

static const int sizes[][2] = { { 640, 480 }, { 600, 1000 }, { 1600, 1200 } };
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* A canvas with the scene renderer drawing on it, and the layout of the
 * last scene drawn. */
struct canvas {
    struct soft_canvas sw;
    struct render *rd;
    struct layout l;
};

static void canvas_open(struct canvas *c, int w, int h)
{
    assert_int_equal(soft_canvas_open(&c->sw, w, h), 0);
    char err[FONT_ERR_MAX];
    c->rd = render_new(c->sw.r, fixture_font, err);
    if (!c->rd)
        fail_msg("render_new: %s", err);
}

static void canvas_close(struct canvas *c)
{
    render_free(c->rd);
    soft_canvas_close(&c->sw);
}

static void draw(struct canvas *c, const struct scene *sc)
{
    layout_compute(&c->l, c->sw.s->w, c->sw.s->h, sc);
    assert_int_equal(render_frame(c->rd, sc, &c->l), 0);
    assert_int_equal(SDL_RenderFlush(c->sw.r), 0);
}

static uint32_t pixel(const struct canvas *c, int x, int y)
{
    return soft_canvas_pixel(&c->sw, x, y) & 0xFFFFFFu;
}

/* Pixels of exactly colour hex in r. */
static int count(const struct canvas *c, struct layout_rect r, uint32_t hex)
{
    int n = 0;
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            n += pixel(c, x, y) == hex;
    return n;
}

/* Pixels in r that are not the background: something is drawn there. */
static int inked(const struct canvas *c, struct layout_rect r)
{
    return r.w * r.h - count(c, r, RENDER_BG);
}

static struct layout_rect around(int cx, int cy, int half)
{
    struct layout_rect r = { cx - half, cy - half, 2 * half + 1, 2 * half + 1 };
    return r;
}

static struct layout_rect whole(const struct canvas *c)
{
    struct layout_rect r = { 0, 0, c->sw.s->w, c->sw.s->h };
    return r;
}

static void base_scene(struct scene *sc, const char *cells)
{
    scene_reset(sc);
    sc->screen = APP_SCREEN_PLAYING;
    snprintf(sc->status, sizeof sc->status, "Your turn");
    snprintf(sc->players[0].name, sizeof sc->players[0].name, "alice");
    sc->players[0].mark = BOARD_X;
    sc->players[0].you = 1;
    sc->players[0].to_move = 1;
    snprintf(sc->players[1].name, sizeof sc->players[1].name, "bob");
    sc->players[1].mark = BOARD_O;
    sc->clock.shown = 1;
    sc->clock.mark = BOARD_X;
    sc->clock.ms_left = 9000;
    sc->clock.total_ms = 30000;
    snprintf(sc->clock.text, sizeof sc->clock.text, "0:09");
    sc->board.shown = 1;
    for (int i = 0; i < BOARD_CELLS; i++)
        sc->board.cells[i] = cells[i] == 'X' ? BOARD_X : cells[i] == 'O' ? BOARD_O : BOARD_EMPTY;
    struct scene_button *b = &sc->buttons[sc->button_count++];
    b->id = APP_BTN_RESIGN;
    snprintf(b->label, sizeof b->label, "Resign");
    b->enabled = 1;
}

/* A w x h canvas, and a game scene with `cells` to draw on it. */
static void open_game(struct canvas *c, int w, int h, struct scene *sc, const char *cells)
{
    canvas_open(c, w, h);
    base_scene(sc, cells);
}

/* A won game: its cells, and the line that won it. */
struct won_game {
    const char *cells;
    uint8_t line[3];
};

/* The scene of game g, its line drawn, the clock gone. */
static void won_scene(struct scene *sc, const struct won_game *g)
{
    base_scene(sc, g->cells);
    sc->clock.shown = 0;
    memcpy(sc->board.line, g->line, 3);
}

/* Each cell holds its own mark's colour and nothing of the other mark's. */
static void check_marks(const struct canvas *c, const struct scene *sc)
{
    const struct layout *l = &c->l;
    for (int i = 0; i < BOARD_CELLS; i++) {
        struct layout_rect r = l->cells[i];
        int cx = r.x + r.w / 2, cy = r.y + r.h / 2;
        int nx = count(c, r, RENDER_X), no = count(c, r, RENDER_O);
        switch (sc->board.cells[i]) {
        case BOARD_X:
            /* Strokes through the centre and towards each corner. */
            assert_true(count(c, around(cx, cy, r.w / 20 + 1), RENDER_X) > 0);
            assert_true(count(c, around(r.x + r.w / 4 + 2, r.y + r.h / 4 + 2, r.w / 16 + 1), RENDER_X) > 0);
            assert_true(count(c, around(r.x + 3 * r.w / 4 - 2, r.y + r.h / 4 + 2, r.w / 16 + 1), RENDER_X) > 0);
            assert_int_equal(no, 0);
            break;
        case BOARD_O: {
            /* A ring: on the circle, nothing at the centre. */
            int rad = (int)lroundf((float)r.w * 0.29f);
            assert_true(count(c, around(cx + rad, cy, r.w / 20 + 1), RENDER_O) > 0);
            assert_true(count(c, around(cx, cy - rad, r.w / 20 + 1), RENDER_O) > 0);
            assert_true(count(c, around(cx - rad, cy, r.w / 20 + 1), RENDER_O) > 0);
            assert_int_equal(count(c, around(cx, cy, r.w / 8), RENDER_O), 0);
            assert_int_equal(nx, 0);
            break;
        }
        default:
            assert_int_equal(nx, 0);
            assert_int_equal(no, 0);
            break;
        }
    }
}

/* Every cell but `skip` holds its own mark's colour and nothing of the
 * other mark's. */
static void check_marks_outside(const struct canvas *c, const struct scene *sc, int skip)
{
    for (int i = 0; i < BOARD_CELLS; i++) {
        if (i == skip)
            continue;
        struct layout_rect cell = c->l.cells[i];
        int nx = count(c, cell, RENDER_X), no = count(c, cell, RENDER_O);
        assert_true(sc->board.cells[i] == BOARD_X ? nx > 0 && no == 0
                    : sc->board.cells[i] == BOARD_O ? no > 0 && nx == 0 : nx == 0 && no == 0);
    }
}

static float dist_to_segment(float px, float py, float x0, float y0, float x1, float y1)
{
    float dx = x1 - x0, dy = y1 - y0;
    float t = ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return hypotf(px - (x0 + t * dx), py - (y0 + t * dy));
}

static void check_win_line(const struct canvas *c, const uint8_t line[3])
{
    const struct layout *l = &c->l;
    struct layout_rect a = l->cells[line[0]], m = l->cells[line[1]], z = l->cells[line[2]];
    float x0 = (float)a.x + (float)a.w / 2, y0 = (float)a.y + (float)a.h / 2;
    float x1 = (float)z.x + (float)z.w / 2, y1 = (float)z.y + (float)z.h / 2;
    /* On each of the three centres, and between them across the gaps. */
    int half = a.w / 30 + 1;
    assert_true(count(c, around((int)x0, (int)y0, half), RENDER_WIN) > 0);
    assert_true(count(c, around(m.x + m.w / 2, m.y + m.h / 2, half), RENDER_WIN) > 0);
    assert_true(count(c, around((int)x1, (int)y1, half), RENDER_WIN) > 0);
    int mx = (a.x + a.w / 2 + m.x + m.w / 2) / 2, my = (a.y + a.h / 2 + m.y + m.h / 2) / 2;
    assert_true(count(c, around(mx, my, half), RENDER_WIN) > 0);
    /* Nowhere off the line: every such pixel is near the segment (which
     * runs a little past the end cells' centres). */
    int total = 0;
    float reach = (float)l->cell * 0.5f;
    for (int y = 0; y < c->sw.s->h; y++)
        for (int x = 0; x < c->sw.s->w; x++) {
            if (pixel(c, x, y) != RENDER_WIN)
                continue;
            total++;
            float d = dist_to_segment((float)x, (float)y, x0, y0, x1, y1);
            assert_true(d <= reach);
        }
    assert_true(total > l->cell);
    /* And not in the cells off the line. */
    for (unsigned i = 0; i < BOARD_CELLS; i++) {
        if (i == line[0] || i == line[1] || i == line[2])
            continue;
        /* A diagonal line crosses the corners of its neighbours' gaps but
         * stays out of the other cells' middles. */
        struct layout_rect r = l->cells[i];
        struct layout_rect mid = { r.x + r.w / 4, r.y + r.h / 4, r.w / 2, r.h / 2 };
        assert_int_equal(count(c, mid, RENDER_WIN), 0);
    }
}

static void test_marks_and_empty_cells(void **state)
{
    (void)state;
    for (size_t s = 0; s < NSIZES; s++) {
        struct canvas c;
        struct scene sc;
        open_game(&c, sizes[s][0], sizes[s][1], &sc, "XO.XO...."); /* cells 0 3 X, 1 4 O */
        draw(&c, &sc);
        check_marks(&c, &sc);
        /* No winning line colour anywhere while playing. */
        assert_int_equal(count(&c, whole(&c), RENDER_WIN), 0);
        /* Text is drawn: the status line is not all background. */
        struct layout_rect st = c.l.status;
        assert_true(st.w > 0);
        assert_true(count(&c, st, RENDER_BG) < st.w * st.h);
        /* Grid lines in the gaps between cells. */
        struct layout_rect g = { c.l.cells[0].x + c.l.cell, c.l.cells[0].y + c.l.cell / 2, c.l.gap, 1 };
        assert_true(count(&c, g, RENDER_GRID) > 0);

        base_scene(&sc, "OXXXOOOXX"); /* full board, a draw */
        draw(&c, &sc);
        check_marks(&c, &sc);
        canvas_close(&c);
    }
}

static void test_winning_lines(void **state)
{
    (void)state;
    static const struct won_game games[] = {
        { "XO.OX...X", { 0, 4, 8 } },   /* diagonal */
        { "O..XXXO..", { 3, 4, 5 } },   /* middle row */
        { "XXO.O.O.X", { 2, 4, 6 } },   /* anti-diagonal, O wins */
        { ".XO.XO..O", { 2, 5, 8 } },   /* right column */
    };
    for (size_t s = 0; s < NSIZES; s++) {
        struct canvas c;
        canvas_open(&c, sizes[s][0], sizes[s][1]);
        for (size_t g = 0; g < sizeof games / sizeof games[0]; g++) {
            struct scene sc;
            won_scene(&sc, &games[g]);
            sc.screen = APP_SCREEN_GAME_OVER;
            snprintf(sc.status, sizeof sc.status, "You won");
            sc.status_tone = SCENE_TONE_GOOD;
            snprintf(sc.detail, sizeof sc.detail, "three in a row");
            draw(&c, &sc);
            check_win_line(&c, games[g].line);
            /* Marks off the line are untouched. */
            for (int i = 0; i < BOARD_CELLS; i++) {
                if (i == games[g].line[0] || i == games[g].line[1] || i == games[g].line[2])
                    continue;
                struct layout_rect r = c.l.cells[i];
                if (sc.board.cells[i] == BOARD_EMPTY) {
                    assert_int_equal(count(&c, r, RENDER_X), 0);
                    assert_int_equal(count(&c, r, RENDER_O), 0);
                }
            }
        }
        canvas_close(&c);
    }
}

/* Colour hex is in cell `only` (at least min pixels) and in no other cell. */
static void only_cell_has(const struct canvas *c, uint32_t hex, int only, int min)
{
    for (int i = 0; i < BOARD_CELLS; i++) {
        int n = count(c, c->l.cells[i], hex);
        if (i == only)
            assert_true(n >= min);
        else
            assert_int_equal(n, 0);
    }
}

static void test_hover_last_cursor(void **state)
{
    (void)state;
    for (size_t s = 0; s < 2; s++) {
        struct canvas c;
        struct scene sc;
        open_game(&c, sizes[s][0], sizes[s][1], &sc, "X...O....");
        sc.board.clickable = 1;
        sc.board.hover = 8;
        draw(&c, &sc);
        only_cell_has(&c, RENDER_HOVER, 8, c.l.cell * c.l.cell / 2);
        assert_int_equal(count(&c, whole(&c), RENDER_HOVER), count(&c, c.l.cells[8], RENDER_HOVER));
        /* Your mark previewed faintly there: not background, not full X. */
        struct layout_rect h8 = c.l.cells[8];
        struct layout_rect mid8 = around(h8.x + h8.w / 2, h8.y + h8.h / 2, h8.w / 20 + 1);
        assert_int_equal(count(&c, mid8, RENDER_HOVER), 0);
        assert_int_equal(count(&c, mid8, RENDER_X), 0);
        check_marks(&c, &sc);

        /* Hover on a taken cell, or when it is not your turn: none. */
        sc.board.hover = 4;
        draw(&c, &sc);
        assert_int_equal(count(&c, c.l.board, RENDER_HOVER), 0);
        sc.board.hover = 8;
        sc.board.clickable = 0;
        draw(&c, &sc);
        assert_int_equal(count(&c, c.l.board, RENDER_HOVER), 0);

        /* The last move's cell is marked, and only it. */
        sc.board.last = 4;
        draw(&c, &sc);
        only_cell_has(&c, RENDER_LAST, 4, 1);
        check_marks(&c, &sc);

        /* The keyboard cursor outlines its cell only. */
        sc.board.cursor = 6;
        draw(&c, &sc);
        only_cell_has(&c, RENDER_CURSOR, 6, 1);

        /* A pending move is faint: drawn, but not in the full mark colour. */
        sc.board.cursor = BOARD_NO_CELL;
        sc.board.pending = 2;
        sc.board.pending_mark = BOARD_X;
        draw(&c, &sc);
        struct layout_rect p = c.l.cells[2];
        assert_int_equal(count(&c, p, RENDER_X), 0);
        assert_true(count(&c, p, RENDER_BG) < p.w * p.h);
        canvas_close(&c);
    }
}

static void test_screens_draw(void **state)
{
    (void)state;
    struct canvas c;
    canvas_open(&c, 800, 600);
    struct scene sc;
    /* Connect screen with fields, error and a toast. */
    scene_reset(&sc);
    snprintf(sc.title, sizeof sc.title, "Tic-tac-toe");
    sc.field_count = 2;
    sc.fields[0].id = APP_BTN_FIELD_ADDR;
    snprintf(sc.fields[0].label, sizeof sc.fields[0].label, "Server address");
    snprintf(sc.fields[0].text, sizeof sc.fields[0].text, "a-very-long-host-name.example.org:7777");
    sc.fields[0].caret = (uint16_t)strlen(sc.fields[0].text);
    sc.fields[0].focused = 1;
    sc.fields[1].id = APP_BTN_FIELD_NAME;
    snprintf(sc.fields[1].label, sizeof sc.fields[1].label, "Your name");
    snprintf(sc.fields[1].placeholder, sizeof sc.fields[1].placeholder, "alice");
    snprintf(sc.error, sizeof sc.error, "connection refused");
    snprintf(sc.toast, sizeof sc.toast, "Not your turn");
    sc.toast_tone = SCENE_TONE_BAD;
    struct scene_button *b = &sc.buttons[sc.button_count++];
    b->id = APP_BTN_CONNECT;
    snprintf(b->label, sizeof b->label, "Connect");
    b->enabled = b->primary = b->focused = 1;
    draw(&c, &sc);
    assert_true(count(&c, c.l.fields[0], RENDER_PANEL) > 0);
    assert_true(count(&c, c.l.buttons[0], RENDER_PRIMARY) > 0);
    assert_true(count(&c, c.l.buttons[0], RENDER_CURSOR) > 0);
    assert_true(count(&c, c.l.toast, RENDER_BAD) > 0);
    assert_true(count(&c, c.l.error, RENDER_BG) < c.l.error.w * c.l.error.h);

    /* The same frame again adds nothing to the text cache. */
    size_t cached = font_cache_count(render_fonts(c.rd));
    draw(&c, &sc);
    assert_int_equal(font_cache_count(render_fonts(c.rd)), cached);

    /* Waiting screen: the room code large, and a dialog over a board. */
    scene_reset(&sc);
    snprintf(sc.big, sizeof sc.big, "K7QX2M");
    snprintf(sc.big_caption, sizeof sc.big_caption, "Room code: tell it to your friend");
    sc.countdown_ms = 5000;
    sc.countdown_total_ms = 20000;
    draw(&c, &sc);
    assert_true(count(&c, c.l.big, RENDER_BG) < c.l.big.w * c.l.big.h);
    assert_true(count(&c, c.l.countdown, RENDER_WARN) > 0);

    base_scene(&sc, "X...O....");
    sc.dialog_shown = 1;
    snprintf(sc.dialog_text, sizeof sc.dialog_text, "Leave the game? It counts as a loss.");
    b = &sc.buttons[sc.button_count++];
    b->id = APP_BTN_LEAVE_CONFIRM;
    snprintf(b->label, sizeof b->label, "Leave");
    b->group = SCENE_GROUP_DIALOG;
    b->enabled = 1;
    draw(&c, &sc);
    struct layout_rect d = c.l.dialog;
    assert_true(count(&c, around(d.x + d.w / 2, d.y + 2, 1), RENDER_PANEL) > 0);
    /* The board under the dimming is no longer in its own colours. */
    assert_int_equal(count(&c, c.l.board, RENDER_BG), 0);
    canvas_close(&c);
}

/* 1 when colour p differs from colour bg by more than `by` in one of its
 * channels (ink on bg, not its anti-aliased fringe). */
static int far_from(uint32_t p, uint32_t bg, int by)
{
    for (int k = 0; k < 24; k += 8) {
        int d = (int)((p >> k) & 0xFF) - (int)((bg >> k) & 0xFF);
        if (d > by || d < -by)
            return 1;
    }
    return 0;
}

/* The rows of ink (pixels off the fill colour) of a button's label: *top and
 * *bottom, the first and last. 0 when it has any. */
static int ink_rows(const struct canvas *c, struct layout_rect r, uint32_t fill, int *top, int *bottom)
{
    *top = -1;
    *bottom = -1;
    int inset = r.h / 3; /* clear of the rounded frame */
    for (int y = r.y + 4; y < r.y + r.h - 4; y++)
        for (int x = r.x + inset; x < r.x + r.w - inset; x++) {
            if (far_from(pixel(c, x, y), fill, 60)) {
                if (*top < 0)
                    *top = y;
                *bottom = y;
            }
        }
    return *top >= 0 ? 0 : -1;
}

/* Buttons 0 (plain) and 1 (primary) have labels with an ascender (h, b) and
 * a descender (g, y): drawn at one size, their ink spans the same rows of
 * their buttons (a row, or the column beside a board in a wide window). */
static void same_label_rows(const struct canvas *c, const char *what)
{
    int top[2], bottom[2];
    assert_int_equal(ink_rows(c, c->l.buttons[0], RENDER_PANEL, &top[0], &bottom[0]), 0);
    assert_int_equal(ink_rows(c, c->l.buttons[1], RENDER_PRIMARY, &top[1], &bottom[1]), 0);
    for (int i = 0; i < 2; i++) {
        top[i] -= c->l.buttons[i].y;
        bottom[i] -= c->l.buttons[i].y;
    }
    if (abs(top[0] - top[1]) > 1 || abs(bottom[0] - bottom[1]) > 1)
        fail_msg("%dx%d%s: labels drawn at rows %d-%d and %d-%d", c->sw.s->w, c->sw.s->h, what, top[0],
                 bottom[0], top[1], bottom[1]);
}

static void add_row_button(struct scene *sc, int id, const char *label, int primary)
{
    struct scene_button *b = &sc->buttons[sc->button_count++];
    b->id = id;
    snprintf(b->label, sizeof b->label, "%s", label);
    b->enabled = 1;
    b->primary = (uint8_t)primary;
}

/* The buttons of one row draw their labels at one size: at the default window
 * size none has to shrink, and where the window is too narrow they shrink
 * together ("Watch another game" next to "Lobby" on a spectator's game over). */
static void test_button_row_one_size(void **state)
{
    (void)state;
    static const int wins[][2] = { { 640, 720 }, { 330, 720 }, { 1600, 1200 } };
    for (size_t s = 0; s < sizeof wins / sizeof wins[0]; s++) {
        struct canvas c;
        struct scene sc;
        open_game(&c, wins[s][0], wins[s][1], &sc, "XOXOOXXXO");
        sc.clock.shown = 0;
        sc.button_count = 0;
        add_row_button(&sc, APP_BTN_WATCH, "Watch another game", 0);
        add_row_button(&sc, APP_BTN_LOBBY, "Lobby", 1);
        draw(&c, &sc);
        same_label_rows(&c, "");
        if (wins[s][0] < 640) {
            canvas_close(&c);
            continue;
        }
        /* A button too narrow for its label: its neighbour's shrinks with it. */
        c.l.buttons[0].w = c.l.buttons[0].h * 3;
        assert_int_equal(render_frame(c.rd, &sc, &c.l), 0);
        assert_int_equal(SDL_RenderFlush(c.sw.r), 0);
        same_label_rows(&c, ", a narrow button");
        /* Wide enough: every label of a game-over row fits at the body size. */
        static const char *rows[][3] = { { "Watch another game", "Lobby", NULL },
                                         { "Accept rematch", "New opponent", "Lobby" },
                                         { "Rematch offered", "New opponent", "Lobby" },
                                         { "Back to connect", "Quit", NULL } };
        for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
            sc.button_count = 0;
            for (int i = 0; i < 3 && rows[k][i]; i++)
                add_row_button(&sc, APP_BTN_REMATCH + i, rows[k][i], 1);
            layout_compute(&c.l, wins[s][0], wins[s][1], &sc);
            for (int i = 0; i < sc.button_count; i++) {
                int w, h;
                assert_int_equal(font_measure(render_fonts(c.rd), rows[k][i], c.l.text_px, 1, &w, &h), 0);
                struct layout_rect r = c.l.buttons[i];
                if (w > r.w - 2 * (r.h / 3))
                    fail_msg("%dx%d: \"%s\" needs %d px, its button has %d", wins[s][0], wins[s][1],
                             rows[k][i], w, r.w - 2 * (r.h / 3));
            }
        }
        canvas_close(&c);
    }
}

/* Many different strings and sizes: the caches stay bounded, and what was
 * evicted is drawn again correctly. */
static void test_cache_bounded(void **state)
{
    (void)state;
    struct canvas c;
    struct scene sc;
    open_game(&c, 320, 240, &sc, "X...O....");
    for (int i = 0; i < FONT_CACHE_TEXTS + 60; i++) {
        snprintf(sc.status, sizeof sc.status, "Waiting for player %d", i);
        draw(&c, &sc);
        assert_true(font_cache_count(render_fonts(c.rd)) <= FONT_CACHE_TEXTS);
    }
    assert_int_equal(font_cache_count(render_fonts(c.rd)), FONT_CACHE_TEXTS);
    canvas_close(&c);
    /* More window sizes than FONT_CACHE_SIZES opened fonts. */
    for (int k = 0; k < FONT_CACHE_SIZES + 8; k++) {
        canvas_open(&c, 300 + 37 * k, 200 + 29 * k);
        draw(&c, &sc);
        check_marks(&c, &sc);
        canvas_close(&c);
    }
    canvas_open(&c, 640, 480);
    struct font_cache *fc = render_fonts(c.rd);
    for (int px = 6; px < 6 + 2 * FONT_CACHE_SIZES; px++) {
        int w, h;
        assert_int_equal(font_measure(fc, "Tic-tac-toe", px, px & 1, &w, &h), 0);
        assert_true(w > 0 && h > 0);
    }
    int w1, h1, w2, h2;
    assert_int_equal(font_measure(fc, "Tic-tac-toe", 6, 0, &w1, &h1), 0);
    assert_int_equal(font_measure(fc, "Tic-tac-toe", 40, 0, &w2, &h2), 0);
    assert_true(w2 > w1 && h2 > h1);
    canvas_close(&c);
}

/* A toast in the message line hides the notice under it while it shows:
 * the pill is narrower than the line, and the notice's text would show on
 * both sides of it. */
static void test_toast_hides_notice(void **state)
{
    (void)state;
    struct canvas c;
    struct scene sc;
    open_game(&c, 640, 720, &sc, "X...O....");
    snprintf(sc.notice, sizeof sc.notice, "bob lost the connection: 19 s to come back to the game");
    sc.notice_tone = SCENE_TONE_WARN;
    draw(&c, &sc);
    assert_true(count(&c, c.l.notice, RENDER_WARN) > 0); /* the notice, alone */
    snprintf(sc.toast, sizeof sc.toast, "Not your turn");
    sc.toast_tone = SCENE_TONE_BAD;
    draw(&c, &sc);
    assert_true(count(&c, c.l.toast, RENDER_BAD) > 0);
    assert_int_equal(count(&c, c.l.notice, RENDER_WARN), 0);
    canvas_close(&c);
}

/* Tiny and odd windows draw without failing (marks still where the layout
 * put cells, when it put any). */
static void test_tiny_windows(void **state)
{
    (void)state;
    static const int tiny[][2] = { { 1, 1 }, { 7, 5 }, { 50, 40 }, { 200, 150 }, { 90, 700 }, { 700, 60 } };
    for (size_t s = 0; s < sizeof tiny / sizeof tiny[0]; s++) {
        struct canvas c;
        struct scene sc;
        open_game(&c, tiny[s][0], tiny[s][1], &sc, "X...O...X");
        snprintf(sc.toast, sizeof sc.toast, "Not your turn");
        snprintf(sc.detail, sizeof sc.detail, "Click a square, or use 1-9 / the arrows and Enter");
        draw(&c, &sc);
        if (c.l.cell >= 12)
            check_marks(&c, &sc);
        sc.dialog_shown = 1;
        snprintf(sc.dialog_text, sizeof sc.dialog_text, "Leave the game? It counts as a loss.");
        draw(&c, &sc);
        scene_reset(&sc);
        snprintf(sc.big, sizeof sc.big, "K7QX2M");
        sc.field_count = 1;
        snprintf(sc.fields[0].text, sizeof sc.fields[0].text, "host.example:7777");
        sc.fields[0].caret = 4;
        sc.fields[0].focused = 1;
        draw(&c, &sc);
        canvas_close(&c);
    }
}

/* The pixel at distance d from (x, y) along the unit vector (ux, uy). */
static uint32_t pixel_at(const struct canvas *c, float x, float y, float ux, float uy, float d)
{
    return pixel(c, (int)lroundf(x + ux * d), (int)lroundf(y + uy * d));
}

/* The winning line is edged on both sides: across it, at each of its cells,
 * edge colour, line colour, edge colour -- over the X strokes along a
 * diagonal as over any mark. */
static void test_outlined_win_line(void **state)
{
    (void)state;
    static const struct won_game games[] = {
        { "XO.OX.O.X", { 0, 4, 8 } }, { "OOXOX.X..", { 2, 4, 6 } }, { "XXX.OO...", { 0, 1, 2 } },
        { "X.OXO.X..", { 0, 3, 6 } }, { "OOOXX.X..", { 0, 1, 2 } }, { "XO.XO..O.", { 1, 4, 7 } },
    };
    for (size_t s = 0; s < NSIZES; s++) {
        struct canvas c;
        canvas_open(&c, sizes[s][0], sizes[s][1]);
        for (size_t g = 0; g < sizeof games / sizeof games[0]; g++) {
            struct scene sc;
            won_scene(&sc, &games[g]);
            draw(&c, &sc);
            struct layout_rect a = c.l.cells[games[g].line[0]], z = c.l.cells[games[g].line[2]];
            float dx = (float)(z.x - a.x), dy = (float)(z.y - a.y), len = hypotf(dx, dy);
            float nx = -dy / len, ny = dx / len; /* across the line */
            float w = fmaxf(4.0f, (float)c.l.cell * 0.09f), e = fmaxf(2.0f, (float)c.l.cell * 0.035f);
            for (int k = 0; k < 3; k++) {
                struct layout_rect r = c.l.cells[games[g].line[k]];
                /* Off the centre (the two strokes of an X cross there). */
                float cx = (float)r.x + (float)r.w / 2 + dx / len * (float)r.w / 5;
                float cy = (float)r.y + (float)r.h / 2 + dy / len * (float)r.w / 5;
                assert_int_equal(pixel_at(&c, cx, cy, nx, ny, 0), RENDER_WIN);
                for (int side = -1; side <= 1; side += 2) {
                    uint32_t p = pixel_at(&c, cx, cy, nx, ny, (float)side * (w / 2 + e / 2));
                    if (p != RENDER_WIN_EDGE)
                        fail_msg("%dx%d, line %u-%u-%u, cell %u: %06X beside the line, not its edge",
                                 sizes[s][0], sizes[s][1], games[g].line[0], games[g].line[1],
                                 games[g].line[2], games[g].line[k], (unsigned)p);
                }
            }
        }
        canvas_close(&c);
    }
}

/* The winning line draws itself from its start: half drawn, it reaches the
 * middle cell and not the last; not started, nothing; done, all of it. */
static void test_line_draws_itself(void **state)
{
    (void)state;
    static const struct won_game diagonal = { "XO.OX...X", { 0, 4, 8 } };
    struct canvas c;
    canvas_open(&c, 640, 720);
    struct scene sc;
    won_scene(&sc, &diagonal);
    sc.board.line_drawn = 0;
    draw(&c, &sc);
    assert_int_equal(count(&c, whole(&c), RENDER_WIN), 0);
    assert_true(scene_animating(&sc));
    sc.board.line_drawn = SCENE_MOTION_DONE / 2;
    draw(&c, &sc);
    struct layout_rect first = c.l.cells[0], mid = c.l.cells[4], last = c.l.cells[8];
    assert_true(count(&c, around(first.x + first.w / 2, first.y + first.h / 2, 3), RENDER_WIN) > 0);
    assert_true(count(&c, around(mid.x + mid.w / 2, mid.y + mid.h / 2, 3), RENDER_WIN) > 0);
    assert_int_equal(count(&c, last, RENDER_WIN), 0);
    sc.board.line_drawn = SCENE_MOTION_DONE;
    draw(&c, &sc);
    assert_false(scene_animating(&sc));
    check_win_line(&c, diagonal.line);
    canvas_close(&c);
}

/* A mark appearing grows and fades in: nothing at the start, less than the
 * whole mark half way, the whole mark at the end. */
static void test_mark_appears(void **state)
{
    (void)state;
    struct canvas c;
    struct scene sc;
    open_game(&c, 640, 720, &sc, "X...O....");
    sc.board.appear_cell = 4;
    sc.board.appear = SCENE_MOTION_DONE;
    draw(&c, &sc);
    struct layout_rect r = c.l.cells[4];
    int full = inked(&c, r);
    assert_true(full > 0);
    sc.board.appear = 0;
    draw(&c, &sc);
    int none = inked(&c, r);
    sc.board.cells[4] = BOARD_EMPTY;
    draw(&c, &sc);
    assert_int_equal(none, inked(&c, r)); /* as the empty cell (the grid's edge) */
    sc.board.cells[4] = BOARD_O;
    assert_true(scene_animating(&sc));
    sc.board.appear = SCENE_MOTION_DONE / 2;
    draw(&c, &sc);
    int half = inked(&c, r);
    assert_true(half > none && half < full);
    assert_int_equal(count(&c, r, RENDER_O), 0); /* not yet in the full colour */
    check_marks_outside(&c, &sc, 4);
    canvas_close(&c);
}

/* The reconnect screen: the board is still there, dimmed (its marks faint,
 * never in their full colours), under a banner with its words and the
 * countdown bar. */
static void test_dimmed_reconnect_board(void **state)
{
    (void)state;
    for (size_t s = 0; s < NSIZES; s++) {
        struct canvas c;
        struct scene sc;
        open_game(&c, sizes[s][0], sizes[s][1], &sc, "XO.XO....");
        sc.clock.shown = 0;
        sc.board.dimmed = 1;
        snprintf(sc.banner, sizeof sc.banner, "Reconnecting\u2026 16 s");
        sc.banner_tone = SCENE_TONE_WARN;
        sc.countdown_ms = 16000;
        sc.countdown_total_ms = 20000;
        draw(&c, &sc);
        struct layout_rect b = c.l.banner;
        assert_true(b.w > 0);
        /* The marks outside the banner: faint, there, not in full colour. */
        for (int i = 0; i < 2; i++) {
            struct layout_rect cell = c.l.cells[i];
            assert_true(inked(&c, cell) > cell.w);
            assert_int_equal(count(&c, cell, RENDER_X), 0);
            assert_int_equal(count(&c, cell, RENDER_O), 0);
        }
        assert_int_equal(count(&c, c.l.board, RENDER_GRID), 0);
        /* The banner: its panel, its words and bar in the warning colour. */
        assert_true(count(&c, b, RENDER_PANEL) > b.w * b.h / 3);
        struct layout_rect words = { b.x + c.l.pad, b.y + 2, b.w - 2 * c.l.pad, c.l.countdown.y - b.y - 2 };
        assert_true(count(&c, words, RENDER_WARN) > 0);
        assert_true(count(&c, c.l.countdown, RENDER_WARN) > c.l.countdown.w / 2);
        canvas_close(&c);
    }
}

/* The ink of the rect: its columns and rows that hold pixels far from the
 * colour bg. Fills *top and *bottom (rows) and cols[] (1 per inked column,
 * r.w entries); returns the inked pixel count. */
static int ink_of(const struct canvas *c, struct layout_rect r, uint32_t bg, int *top, int *bottom,
                  uint8_t *cols)
{
    int n = 0;
    *top = *bottom = -1;
    for (int x = 0; x < r.w; x++)
        cols[x] = 0;
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++) {
            if (!far_from(pixel(c, x, y), bg, 90))
                continue;
            n++;
            cols[x - r.x] = 1;
            if (*top < 0)
                *top = y;
            *bottom = y;
        }
    return n;
}

/* A name too long for its place is shortened with an ellipsis, at the body
 * size: its letters as high as a short name's, and it ends in three dots. */
static void test_name_ellipsis(void **state)
{
    (void)state;
    struct canvas c;
    struct scene sc;
    open_game(&c, 330, 720, &sc, "X...O....");
    sc.clock.shown = 0;
    sc.players[0].to_move = 0;
    snprintf(sc.players[1].name, sizeof sc.players[1].name, "BW");
    draw(&c, &sc);
    struct layout_rect r = c.l.players[1];
    r.x += r.h / 4; /* the text's part of the row: left of O's icon */
    r.w -= r.h / 4 + r.h * 3 / 5 + r.h / 4 + 4;
    uint8_t cols[400];
    int top_short, bottom_short, top, bottom;
    assert_true(ink_of(&c, r, RENDER_BG, &top_short, &bottom_short, cols) > 0);
    snprintf(sc.players[1].name, sizeof sc.players[1].name, "BWWWWWWWWWWWWWWW");
    draw(&c, &sc);
    assert_true(ink_of(&c, r, RENDER_BG, &top, &bottom, cols) > 0);
    assert_int_equal(top, top_short); /* the capitals as high: not shrunk */
    /* The last three runs of inked columns are the dots: each a few pixels
     * high, at the baseline. */
    int runs = 0, x = r.w - 1;
    while (runs < 3 && x >= 0) {
        while (x >= 0 && !cols[x])
            x--;
        int end = x;
        while (x >= 0 && cols[x])
            x--;
        if (end < 0)
            break;
        struct layout_rect dot = { r.x + x + 1, r.y, end - x, r.h };
        uint8_t dcols[400];
        int dt, db;
        assert_true(ink_of(&c, dot, RENDER_BG, &dt, &db, dcols) > 0);
        if (db - dt + 1 > c.l.text_px / 4 + 1)
            fail_msg("run %d from the right is %d px high: not a dot", runs, db - dt + 1);
        runs++;
    }
    assert_int_equal(runs, 3);
    canvas_close(&c);
}

/* A Chinese name in the players bar is drawn from the fallback font: its
 * pixels are not those of missing-glyph boxes. */
static void test_cjk_name(void **state)
{
    (void)state;
    struct canvas c;
    struct scene sc;
    open_game(&c, 640, 720, &sc, "X...O....");
    sc.clock.shown = 0;
    snprintf(sc.players[1].name, sizeof sc.players[1].name, "\u0378\u0378\u0378");
    draw(&c, &sc);
    struct layout_rect r = c.l.players[1];
    uint32_t *boxes = calloc((size_t)(r.w * r.h), sizeof *boxes);
    assert_non_null(boxes);
    for (int y = 0; y < r.h; y++)
        for (int x = 0; x < r.w; x++)
            boxes[y * r.w + x] = pixel(&c, r.x + x, r.y + y);
    snprintf(sc.players[1].name, sizeof sc.players[1].name, "\u674e\u5c0f\u9f99");
    draw(&c, &sc);
    int differ = 0, ink = 0;
    for (int y = 0; y < r.h; y++)
        for (int x = 0; x < r.w; x++) {
            uint32_t p = pixel(&c, r.x + x, r.y + y);
            differ += p != boxes[y * r.w + x];
            ink += p != RENDER_BG;
        }
    free(boxes);
    if (differ < c.l.text_px * 6)
        fail_msg("the Chinese name is drawn like missing-glyph boxes (%d pixels differ)", differ);
    assert_true(ink > 0);
    canvas_close(&c);
}

static void test_font_search(void **state)
{
    (void)state;
    char path[FONT_PATH_MAX], err[FONT_ERR_MAX];
    assert_int_equal(font_find("/nonexistent/font.ttf", path, err), -1);
    assert_non_null(strstr(err, "/nonexistent/font.ttf"));
    assert_string_equal(path, "");
    assert_int_equal(font_find("", path, err), -1);
    assert_int_equal(font_find(fixture_font, path, err), 0);
    assert_string_equal(path, fixture_font);

    /* Without --font: DejaVu Sans, where Debian's fonts-dejavu-core puts it,
     * found through fontconfig (no path compiled in). */
    assert_int_equal(font_find(NULL, path, err), 0);
    assert_int_equal(access(path, R_OK), 0);
    const char *base = strrchr(path, '/');
    assert_non_null(base);
    assert_string_equal(base, "/DejaVuSans.ttf");

    /* A file that is not a font is an error, not a crash. */
    char junk[] = "/tmp/ttt-test-render-XXXXXX";
    int fd = mkstemp(junk);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "not a font at all", 17), 17);
    assert_int_equal(close(fd), 0);
    struct soft_canvas sw;
    assert_int_equal(soft_canvas_open(&sw, 64, 64), 0);
    struct render *rd = render_new(sw.r, junk, err);
    assert_null(rd);
    assert_true(strlen(err) > 0);
    rd = render_new(sw.r, "/nonexistent/font.ttf", err);
    assert_null(rd);
    assert_true(strlen(err) > 0);
    soft_canvas_close(&sw);
    assert_int_equal(unlink(junk), 0);
}

/* The window icon: the svg's tile, grid and marks at 64 x 64, transparent
 * around the tile, each mark where it belongs. */
static void test_window_icon(void **state)
{
    (void)state;
    SDL_Surface *s = render_icon(64);
    assert_non_null(s);
    assert_int_equal(s->w, 64);
    assert_int_equal(s->h, 64);
    assert_int_equal(s->format->format, SDL_PIXELFORMAT_RGBA32);
    int x_at[3][3] = {{0}}, o_at[3][3] = {{0}}, grid = 0, tile = 0;
    for (int y = 0; y < 64; y++)
        for (int x = 0; x < 64; x++) {
            const uint8_t *p = (const uint8_t *)s->pixels + y * s->pitch + x * 4;
            uint32_t rgb = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
            if (p[3] != 255)
                continue;
            x_at[y * 3 / 64][x * 3 / 64] += rgb == RENDER_X;
            o_at[y * 3 / 64][x * 3 / 64] += rgb == RENDER_O;
            grid += rgb == RENDER_GRID;
            tile += rgb == RENDER_BG;
        }
    const uint8_t *corner = (const uint8_t *)s->pixels;
    assert_int_equal(corner[3], 0); /* transparent outside the rounded tile */
    assert_true(x_at[0][0] > 20 && x_at[2][2] > 20);
    assert_true(o_at[1][1] > 20);
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++) {
            if (!(r == c && r != 1))
                assert_int_equal(x_at[r][c], 0);
            if (!(r == 1 && c == 1))
                assert_int_equal(o_at[r][c], 0);
        }
    assert_true(grid > 4 * 40);
    assert_true(tile > 64 * 64 / 3);
    SDL_FreeSurface(s);
}

/* The connect screen of the real app with servers found: their rows under
 * the fields, above the buttons, none overlapping; a server gone while the
 * mouse is over the list keeps its row, greyed. */
static void test_connect_screen_servers(void **state)
{
    (void)state;
    static struct app a;
    struct app_options o = {.name = "ann", .last_addr = "typed.example"};
    struct discover_server d[2];
    memset(d, 0, sizeof d);
    for (int i = 0; i < 2; i++) {
        d[i].serial = (uint32_t)i + 1;
        d[i].info.proto_version = PROTO_VERSION;
        d[i].info.name.len = 3;
        memcpy(d[i].info.name.s, i ? "lab" : "box", 3);
        snprintf(d[i].addr, sizeof d[i].addr, "192.168.1.%d:7777", 20 + i);
    }
    app_init(&a, &o, 0);
    app_on_servers(&a, d, 2);
    app_pointer(&a, APP_BTN_SERVER_BASE + 1);
    app_on_servers(&a, d + 1, 1); /* box went */
    static struct scene sc;
    app_fill_scene(&a, &sc, 0);
    static const int more[][2] = {{640, 480}, {600, 1000}, {1600, 1200}, {320, 400}, {1024, 400}};
    for (size_t k = 0; k < sizeof more / sizeof more[0]; k++) {
        struct canvas c;
        canvas_open(&c, more[k][0], more[k][1]);
        draw(&c, &sc);
        struct layout_rect rows[2] = {{0}}, name = c.l.fields[1];
        int bottom_buttons = c.sw.s->h;
        for (int i = 0; i < c.l.button_count; i++) {
            int id = c.l.button_ids[i];
            if (id >= APP_BTN_SERVER_BASE)
                rows[id - APP_BTN_SERVER_BASE] = c.l.buttons[i];
            else if (c.l.buttons[i].w > 0 && c.l.buttons[i].y < bottom_buttons)
                bottom_buttons = c.l.buttons[i].y;
        }
        for (int i = 0; i < 2; i++) {
            assert_true(rows[i].w > 0);
            assert_true(rows[i].y >= name.y + name.h);
            assert_true(rows[i].y + rows[i].h <= bottom_buttons);
            assert_true(inked(&c, rows[i]) > 0);
        }
        assert_true(rows[1].y >= rows[0].y + rows[0].h);
        /* The gone row is drawn greyed (the background inside), the live one as a panel. */
        struct layout_rect in0 = {rows[0].x + rows[0].h / 2, rows[0].y + 3, 3, 3};
        struct layout_rect in1 = {rows[1].x + rows[1].h / 2, rows[1].y + 3, 3, 3};
        assert_int_equal(count(&c, in0, RENDER_BG), 9);
        assert_int_equal(count(&c, in1, RENDER_PANEL), 9);
        assert_int_equal(layout_button_at(&c.l, rows[0].x + 5, rows[0].y + 5), APP_BTN_NONE);
        assert_int_equal(layout_button_at(&c.l, rows[1].x + 5, rows[1].y + 5), APP_BTN_SERVER_BASE + 1);
        canvas_close(&c);
    }
}

/* The inked bands of rows in r (runs of rows holding pixels far from
 * RENDER_BG, separated by blank rows): their count; the first band's height
 * in *first_h. */
static int ink_bands(const struct canvas *c, struct layout_rect r, int *first_h)
{
    uint8_t cols[1700];
    int bands = 0, in_band = 0, top, bottom;
    *first_h = 0;
    for (int y = r.y; y < r.y + r.h; y++) {
        struct layout_rect row = { r.x, y, r.w, 1 };
        int inked = ink_of(c, row, RENDER_BG, &top, &bottom, cols) > 0;
        if (inked && !in_band)
            bands++;
        if (inked && bands == 1)
            (*first_h)++;
        in_band = inked;
    }
    return bands;
}

/* The connect screen's error says what to do in full: a message too long
 * for one line goes on two, at the size of a short one, never shrunk to a
 * hint's size and cut ("... Is tttd running on this p..."). */
static void test_connect_error_two_lines(void **state)
{
    (void)state;
    static const int at[][2] = { { 640, 720 }, { 480, 700 }, { 800, 900 } }; /* too narrow for one line */
    struct scene sc;
    scene_reset(&sc);
    snprintf(sc.title, sizeof sc.title, "Tic-tac-toe");
    snprintf(sc.status, sizeof sc.status, "Connect to a server");
    sc.field_count = 2;
    sc.fields[0].id = APP_BTN_FIELD_ADDR;
    sc.fields[1].id = APP_BTN_FIELD_NAME;
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
        struct canvas c;
        canvas_open(&c, at[k][0], at[k][1]);
        int short_h, long_h;
        snprintf(sc.error, sizeof sc.error, "Nothing is listening"); /* the long one's ink extents */
        draw(&c, &sc);
        assert_int_equal(ink_bands(&c, c.l.error, &short_h), 1);
        snprintf(sc.error, sizeof sc.error,
                 "Nothing is listening on [2001:db8::20]:17799. Is tttd running on this port?");
        draw(&c, &sc);
        int bands = ink_bands(&c, c.l.error, &long_h);
        if (bands != 2 || long_h != short_h)
            fail_msg("%dx%d: the long error is %d line(s), its first %d px high (a short one: %d px)",
                     at[k][0], at[k][1], bands, long_h, short_h);
        canvas_close(&c);
    }
}

/* The series score is drawn under the names, tall and wide. */
static void test_series_line(void **state)
{
    (void)state;
    for (size_t k = 0; k < NSIZES; k++) {
        struct canvas c;
        struct scene sc;
        open_game(&c, sizes[k][0], sizes[k][1], &sc, "X...O....");
        draw(&c, &sc);
        assert_int_equal(c.l.series.w, 0);
        snprintf(sc.series, sizeof sc.series, "alice 2 - 1 bob");
        draw(&c, &sc);
        assert_true(c.l.series.w > 0);
        assert_true(count(&c, c.l.series, RENDER_TEXT_DIM) > 0);
        canvas_close(&c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_marks_and_empty_cells),
        cmocka_unit_test(test_winning_lines),
        cmocka_unit_test(test_hover_last_cursor),
        cmocka_unit_test(test_screens_draw),
        cmocka_unit_test(test_button_row_one_size),
        cmocka_unit_test(test_cache_bounded),
        cmocka_unit_test(test_toast_hides_notice),
        cmocka_unit_test(test_tiny_windows),
        cmocka_unit_test(test_font_search),
        cmocka_unit_test(test_outlined_win_line),
        cmocka_unit_test(test_line_draws_itself),
        cmocka_unit_test(test_mark_appears),
        cmocka_unit_test(test_dimmed_reconnect_board),
        cmocka_unit_test(test_name_ellipsis),
        cmocka_unit_test(test_cjk_name),
        cmocka_unit_test(test_window_icon),
        cmocka_unit_test(test_connect_screen_servers),
        cmocka_unit_test(test_series_line),
        cmocka_unit_test(test_connect_error_two_lines),
    };
    return cmocka_run_group_tests(tests, font_fixture_setup, font_fixture_teardown);
}
