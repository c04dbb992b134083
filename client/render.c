/* SPDX-License-Identifier: MIT */
/* render.c: draws a scene with an SDL_Renderer (see render.h): the header
 * lines, the players bar and clock, the board and its marks (the one
 * appearing, growing in; the winning line drawing itself, edged to stand out
 * from the marks; dimmed under the banner), the fields, the buttons, the
 * toast and the dialog. Shapes come from the rasteriser (raster.h) and text
 * from the font cache's white textures, tinted per draw; text too wide for
 * its place shrinks down to LAYOUT_MIN_PX, then ends in an ellipsis (names
 * never shrink).
 */
#include "render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "raster.h"
#include "text.h"

#define LINE_WIDTH 0.09f        /* the winning line, in cells (a mark's stroke: 0.12) */
#define LINE_EDGE 0.035f        /* its edge on each side, in cells */
#define RENDER_DIM_ALPHA 185    /* the veil over a dimmed board */
#define MARK_STROKE 0.12f       /* a mark's stroke, in cells */
#define ICON_STROKE 0.26f       /* the icon's (packaging/icons/ttt.svg: 8 units in a cell of 30) */

struct render {
    SDL_Renderer *r;
    struct font_cache *fc;          /* NULL when drawing shapes only (the icon) */
    struct raster *ra;
    float stroke;                   /* a mark's stroke, in cells (MARK_STROKE; the icon's is bolder) */
    int failed;
    char shortened[SCENE_FIELD_TEXT_MAX]; /* the first text this frame cut with an ellipsis */
};

enum align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };

static void check(struct render *rd, int rc)
{
    if (rc < 0)
        rd->failed = 1;
}

/* ---- shapes ---- */

static SDL_FRect frect(struct layout_rect r)
{
    SDL_FRect f = { (float)r.x, (float)r.y, (float)r.w, (float)r.h };
    return f;
}

static void fill_rrect(struct render *rd, struct layout_rect r, float radius, uint32_t hex, uint8_t a)
{
    check(rd, raster_fill_rrect(rd->ra, frect(r), radius, hex, a));
}

static void frame_rrect(struct render *rd, struct layout_rect r, float radius, float width,
                        uint32_t hex, uint8_t a)
{
    check(rd, raster_frame_rrect(rd->ra, frect(r), radius, width, hex, a));
}

static void capsule(struct render *rd, float x0, float y0, float x1, float y1, float width,
                    uint32_t hex, uint8_t a)
{
    check(rd, raster_capsule(rd->ra, x0, y0, x1, y1, width, hex, a));
}

static void ring(struct render *rd, float cx, float cy, float radius, float width,
                 uint32_t hex, uint8_t a)
{
    check(rd, raster_ring(rd->ra, cx, cy, radius, width, hex, a));
}

static void fill_rect(struct render *rd, struct layout_rect r, uint32_t hex, uint8_t a)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    SDL_Rect s = { r.x, r.y, r.w, r.h };
    check(rd, SDL_SetRenderDrawColor(rd->r, (uint8_t)(hex >> 16), (uint8_t)(hex >> 8), (uint8_t)hex, a));
    check(rd, SDL_RenderFillRect(rd->r, &s));
}

/* ---- text ---- */

/* Draw a white text texture t of size w x h tinted hex in r (vertically
 * centred, aligned as asked). Returns the drawn width. */
static int blit_text(struct render *rd, SDL_Texture *t, int w, int h, uint32_t hex,
                     struct layout_rect r, enum align al)
{
    int x = al == ALIGN_LEFT ? r.x : al == ALIGN_RIGHT ? r.x + r.w - w : r.x + (r.w - w) / 2;
    SDL_Rect dst = { x, r.y + (r.h - h) / 2, w, h };
    check(rd, SDL_SetTextureColorMod(t, (uint8_t)(hex >> 16), (uint8_t)(hex >> 8), (uint8_t)hex));
    check(rd, SDL_RenderCopy(rd->r, t, NULL, &dst));
    return w;
}

/* Draw utf8 in r (vertically centred, aligned as asked). Too wide for r, it
 * is drawn smaller when `shrink` (never under LAYOUT_MIN_PX), and what still
 * does not fit is shortened with an ellipsis: text is never squeezed out of
 * shape or drawn unreadably small. Returns the drawn width. */
static int text_fit(struct render *rd, const char *utf8, int px, int bold, uint32_t hex,
                    struct layout_rect r, enum align al, int shrink)
{
    if (!utf8[0] || r.w <= 0 || r.h <= 0)
        return 0;
    int w, h;
    SDL_Texture *t = font_text(rd->fc, utf8, px, bold, &w, &h);
    if (t && w <= r.w)
        return blit_text(rd, t, w, h, hex, r, al);
    if (!t) {
        rd->failed = 1;
        return 0;
    }
    if (shrink && px > LAYOUT_MIN_PX)
        px = px * r.w / w > LAYOUT_MIN_PX ? px * r.w / w : LAYOUT_MIN_PX;
    char cut[SCENE_FIELD_TEXT_MAX];
    int shortened = font_ellipsize(rd->fc, utf8, px, bold, r.w, cut, sizeof cut);
    if (shortened < 0) {
        rd->failed = 1;
        return 0;
    }
    if (shortened && !rd->shortened[0])
        text_copy(rd->shortened, sizeof rd->shortened, utf8);
    if (!cut[0])
        return 0; /* not even the ellipsis fits */
    t = font_text(rd->fc, cut, px, bold, &w, &h);
    if (!t) {
        rd->failed = 1;
        return 0;
    }
    return blit_text(rd, t, w, h, hex, r, al);
}

/* text_fit that may shrink: headings, status lines, hints, labels. */
static int text(struct render *rd, const char *utf8, int px, int bold, uint32_t hex,
                struct layout_rect r, enum align al)
{
    return text_fit(rd, utf8, px, bold, hex, r, al, 1);
}

/* A thin border's width: 1.5 px at ordinary sizes, more on large (high-DPI) windows. */
static float hairline(const struct layout *l)
{
    return fmaxf(1.5f, (float)l->text_px / 12);
}

/* Like text(), but a line that would have to shrink is broken at the space
 * nearest its middle into two lines (r should be two lines high). */
static void text2(struct render *rd, const char *utf8, int px, uint32_t hex, struct layout_rect r,
                  enum align al)
{
    int w = 0, h = 0;
    if (font_measure(rd->fc, utf8, px, 0, &w, &h) < 0 || w <= r.w) {
        text(rd, utf8, px, 0, hex, r, al);
        return;
    }
    size_t n = strlen(utf8), best = 0;
    for (size_t i = 1; i + 1 < n; i++)
        if (utf8[i] == ' ' && (best == 0 || (i > n / 2 ? i - n / 2 : n / 2 - i) <
                                               (best > n / 2 ? best - n / 2 : n / 2 - best)))
            best = i;
    if (best == 0 || n >= SCENE_TEXT_MAX) {
        text(rd, utf8, px, 0, hex, r, al);
        return;
    }
    char first[SCENE_TEXT_MAX];
    memcpy(first, utf8, best);
    first[best] = '\0';
    struct layout_rect top = { r.x, r.y, r.w, r.h / 2 }, bottom = { r.x, r.y + r.h / 2, r.w, r.h - r.h / 2 };
    text(rd, first, px, 0, hex, top, al);
    text(rd, utf8 + best + 1, px, 0, hex, bottom, al);
}

static uint32_t tone_color(uint8_t tone)
{
    switch (tone) {
    case SCENE_TONE_GOOD: return RENDER_GOOD;
    case SCENE_TONE_BAD: return RENDER_BAD;
    case SCENE_TONE_WARN: return RENDER_WARN;
    default: return RENDER_TEXT;
    }
}

/* ---- the board ---- */

/* A mark in cell c at `alpha`, its size `scale` times the full one (a mark
 * appearing grows into place). */
static void draw_mark(struct render *rd, uint8_t mark, struct layout_rect c, uint8_t alpha,
                      float scale)
{
    float s = (float)c.w;
    float w = fmaxf(2.0f, s * rd->stroke * scale);
    float cx = (float)c.x + s / 2, cy = (float)c.y + s / 2;
    if (mark == BOARD_X) {
        float m = s * 0.23f * scale;
        capsule(rd, cx - m, cy - m, cx + m, cy + m, w, RENDER_X, alpha);
        capsule(rd, cx + m, cy - m, cx - m, cy + m, w, RENDER_X, alpha);
    } else if (mark == BOARD_O) {
        ring(rd, cx, cy, s * 0.29f * scale, w, RENDER_O, alpha);
    }
}

static int cell_ok(uint8_t c)
{
    return c < BOARD_CELLS;
}

/* A motion's progress 0..SCENE_MOTION_DONE as 0..1. */
static float progress(uint16_t p)
{
    return p >= SCENE_MOTION_DONE ? 1.0f : (float)p / (float)SCENE_MOTION_DONE;
}

/* The winning line through the centres of its end cells, reaching past
 * them, drawn from its start as far as line_drawn says. It is wider than a
 * mark's stroke and edged on both sides in RENDER_WIN_EDGE, so it stands out
 * from an X whose stroke lies along it as from any other mark. */
static void draw_win_line(struct render *rd, const struct scene_board *b, const struct layout *l)
{
    if (!cell_ok(b->line[0]) || !cell_ok(b->line[2]))
        return;
    struct layout_rect a = l->cells[b->line[0]], z = l->cells[b->line[2]];
    float x0 = (float)a.x + (float)a.w / 2, y0 = (float)a.y + (float)a.h / 2;
    float x1 = (float)z.x + (float)z.w / 2, y1 = (float)z.y + (float)z.h / 2;
    float len = hypotf(x1 - x0, y1 - y0);
    if (len <= 0)
        return;
    float ext = (float)l->cell * 0.32f;
    float ux = (x1 - x0) / len, uy = (y1 - y0) / len;
    float sx = x0 - ux * ext, sy = y0 - uy * ext;
    float reach = (len + 2 * ext) * progress(b->line_drawn);
    if (reach <= 0)
        return;
    float ex = sx + ux * reach, ey = sy + uy * reach;
    float w = fmaxf(4.0f, (float)l->cell * LINE_WIDTH);
    float edge = fmaxf(2.0f, (float)l->cell * LINE_EDGE);
    capsule(rd, sx, sy, ex, ey, w + 2 * edge, RENDER_WIN_EDGE, 255);
    capsule(rd, sx, sy, ex, ey, w, RENDER_WIN, 255);
}

/* The hover highlight, the last move's cell and the grid. */
static void draw_grid(struct render *rd, const struct scene_board *b, const struct layout *l,
                      int hover)
{
    float radius = (float)l->cell * 0.08f;
    if (hover)
        fill_rrect(rd, l->cells[b->hover], radius, RENDER_HOVER, 255);
    if (cell_ok(b->last))
        fill_rrect(rd, l->cells[b->last], radius, RENDER_LAST, 255);
    /* Two vertical and two horizontal strokes in the gaps. */
    float g = (float)l->gap, side = (float)l->board.w;
    float bx = (float)l->board.x, by = (float)l->board.y;
    for (int i = 1; i <= 2; i++) {
        float at = (float)(i * (l->cell + l->gap)) - g / 2;
        capsule(rd, bx + at, by + g / 2, bx + at, by + side - g / 2, g, RENDER_GRID, 255);
        capsule(rd, bx + g / 2, by + at, bx + side - g / 2, by + at, g, RENDER_GRID, 255);
    }
}

/* The board; `mine` is the mark this client plays (BOARD_EMPTY when
 * watching), previewed faintly in the hovered cell. The mark appearing
 * grows and fades in; a dimmed board is veiled in the background colour. */
static void draw_board(struct render *rd, const struct scene_board *b, const struct layout *l,
                       uint8_t mine)
{
    int hover = b->clickable && cell_ok(b->hover) && b->cells[b->hover] == BOARD_EMPTY &&
                b->hover != b->pending;
    draw_grid(rd, b, l, hover);
    for (int c = 0; c < BOARD_CELLS; c++) {
        float p = c == b->appear_cell ? progress(b->appear) : 1.0f;
        draw_mark(rd, b->cells[c], l->cells[c], (uint8_t)(255.0f * p), 0.55f + 0.45f * p);
    }
    if (hover)
        draw_mark(rd, mine, l->cells[b->hover], 50, 1.0f);
    if (cell_ok(b->pending) && b->cells[b->pending] == BOARD_EMPTY)
        draw_mark(rd, b->pending_mark, l->cells[b->pending], 90, 1.0f);
    if (cell_ok(b->cursor)) {
        float t = fmaxf(2.0f, (float)l->cell / 28);
        frame_rrect(rd, l->cells[b->cursor], (float)l->cell * 0.08f, t, RENDER_CURSOR, 255);
    }
    draw_win_line(rd, b, l);
    if (b->dimmed)
        fill_rect(rd, l->board, RENDER_BG, RENDER_DIM_ALPHA);
}

/* The banner over the board: a panel with its line and the countdown bar. */
static void draw_banner(struct render *rd, const struct scene *sc, const struct layout *l)
{
    struct layout_rect b = l->banner;
    if (!sc->banner[0] || b.w <= 0 || b.h <= 0)
        return;
    float rad = (float)l->pad * 0.75f;
    uint32_t tone = tone_color(sc->banner_tone);
    fill_rrect(rd, b, rad, RENDER_PANEL, 255);
    frame_rrect(rd, b, rad, hairline(l) * 1.5f, tone, 255);
    struct layout_rect line = { b.x + l->pad, b.y + l->pad / 2, b.w - 2 * l->pad,
                                l->countdown.h > 0 ? l->countdown.y - b.y - l->pad / 2 : b.h - l->pad };
    text(rd, sc->banner, l->status_px, 1, tone, line, ALIGN_CENTER);
}

/* ---- the rest ---- */

/* A player's row: the mark, then the name and "(you)" / "(away)" -- the name
 * shortened with an ellipsis when the row is too narrow, never shrunk. On
 * the right (O in a tall window) it reads from the right edge. */
static void draw_player(struct render *rd, const struct scene_player *p, struct layout_rect r,
                        int right, int px)
{
    if (!p->name[0] || r.w <= 0)
        return;
    if (p->to_move)
        fill_rrect(rd, r, (float)r.h / 2, RENDER_TURN, 255);
    int icon = r.h * 3 / 5;
    int inset = r.h / 4;
    struct layout_rect ic = { right ? r.x + r.w - inset - icon : r.x + inset, r.y + (r.h - icon) / 2, icon, icon };
    if (icon >= 4)
        draw_mark(rd, p->mark, ic, 255, 1.0f);
    int bold = p->to_move || p->you;
    const char *suffix = p->you ? " (you)" : p->away ? " (away)" : "";
    int sw = 0, sh = 0;
    if (suffix[0] && font_measure(rd->fc, suffix, px, bold, &sw, &sh) < 0)
        rd->failed = 1;
    int tx = inset + icon + inset / 2 + 2;
    struct layout_rect tr = { right ? r.x + inset : r.x + tx, r.y, r.w - tx - inset, r.h };
    char name[SCENE_NAME_MAX + 8], label[SCENE_NAME_MAX + 32];
    if (font_ellipsize(rd->fc, p->name, px, bold, tr.w - sw, name, sizeof name) < 0)
        rd->failed = 1;
    snprintf(label, sizeof label, "%s%s", name, suffix);
    text_fit(rd, label, px, bold, p->away ? RENDER_TEXT_DIM : RENDER_TEXT, tr,
             right ? ALIGN_RIGHT : ALIGN_LEFT, 0);
}

static void draw_bar(struct render *rd, struct layout_rect r, uint32_t part, uint32_t total, uint32_t hex)
{
    if (r.w <= 0 || r.h <= 0 || total == 0)
        return;
    fill_rrect(rd, r, (float)r.h / 2, RENDER_BORDER, 255);
    uint32_t left = part > total ? total : part;
    struct layout_rect f = r;
    f.w = (int)((uint64_t)r.w * left / total);
    if (f.w >= f.h)
        fill_rrect(rd, f, (float)r.h / 2, hex, 255);
}

static void draw_field(struct render *rd, const struct scene_field *f, struct layout_rect label,
                       struct layout_rect box, const struct layout *l)
{
    text(rd, f->label, l->small_px, 0, RENDER_TEXT_DIM, label, ALIGN_LEFT);
    if (box.w <= 0 || box.h <= 0)
        return;
    float rad = (float)box.h * 0.2f;
    fill_rrect(rd, box, rad, RENDER_PANEL, 255);
    frame_rrect(rd, box, rad, hairline(l) * (f->focused ? 1.7f : 1.0f),
                f->focused ? RENDER_PRIMARY : RENDER_BORDER, 255);
    int pad = box.h / 4;
    struct layout_rect in = { box.x + pad, box.y, box.w - 2 * pad, box.h };
    if (in.w <= 0)
        return;
    if (!f->text[0]) {
        text(rd, f->placeholder, l->text_px, 0, RENDER_BORDER, in, ALIGN_LEFT);
        if (f->focused)
            fill_rect(rd, (struct layout_rect){ in.x, box.y + box.h / 5, 2, box.h * 3 / 5 }, RENDER_TEXT, 255);
        return;
    }
    /* Scroll so the caret stays visible: measure the text up to it. */
    char before[SCENE_FIELD_TEXT_MAX];
    size_t caret = f->caret;
    size_t len = strnlen(f->text, SCENE_FIELD_TEXT_MAX - 1);
    if (caret > len)
        caret = len;
    memcpy(before, f->text, caret);
    before[caret] = '\0';
    int cw = 0, ch = 0;
    if (font_measure(rd->fc, before, l->text_px, 0, &cw, &ch) < 0) {
        rd->failed = 1;
        return;
    }
    int shift = cw > in.w - 2 ? cw - (in.w - 2) : 0;
    SDL_Rect clip = { in.x, box.y, in.w, box.h };
    check(rd, SDL_RenderSetClipRect(rd->r, &clip));
    int w, h;
    SDL_Texture *t = font_text(rd->fc, f->text, l->text_px, 0, &w, &h);
    if (t)
        blit_text(rd, t, w, h, RENDER_TEXT, (struct layout_rect){ in.x - shift, box.y, w, box.h },
                  ALIGN_LEFT);
    else
        rd->failed = 1;
    if (f->focused)
        fill_rect(rd, (struct layout_rect){ in.x - shift + cw, box.y + box.h / 5, 2, box.h * 3 / 5 },
                  RENDER_TEXT, 255);
    check(rd, SDL_RenderSetClipRect(rd->r, NULL));
}

/* The label's box inside button rect r. */
static struct layout_rect label_box(struct layout_rect r)
{
    int pad = r.h / 3;
    struct layout_rect in = { r.x + pad, r.y, r.w - 2 * pad, r.h };
    return in;
}

/* The largest size up to px at which label fits in width w (LAYOUT_MIN_PX
 * at the least: a label that does not fit even then is shortened). */
static int fit_px(struct render *rd, const char *label, int px, int bold, int w)
{
    int tw = 0, th = 0;
    if (font_measure(rd->fc, label, px, bold, &tw, &th) < 0 || tw <= w || w <= 0 ||
        px <= LAYOUT_MIN_PX)
        return px;
    int fit = px * w / tw; /* glyph widths are not quite linear in the size: check */
    while (fit > LAYOUT_MIN_PX && font_measure(rd->fc, label, fit, bold, &tw, &th) == 0 && tw > w)
        fit--;
    return fit < LAYOUT_MIN_PX ? LAYOUT_MIN_PX : fit;
}

/* The text size of a group's labels: the body size, or what the longest
 * label needs to fit its button, so that neighbours never differ. */
static int group_px(struct render *rd, const struct scene *sc, const struct layout *l, uint8_t group)
{
    int px = l->text_px;
    for (int i = 0; i < sc->button_count && i < l->button_count; i++) {
        const struct scene_button *b = &sc->buttons[i];
        if (b->group == group && l->buttons[i].w > 0)
            px = fit_px(rd, b->label, px, b->primary, label_box(l->buttons[i]).w);
    }
    return px;
}

/* Button b in rect r with its label at px (a list row's shrinks alone to fit). */
static void draw_button(struct render *rd, const struct scene_button *b, struct layout_rect r,
                        const struct layout *l, int px)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    float rad = b->group == SCENE_GROUP_LIST ? (float)r.h * 0.2f : (float)r.h * 0.3f;
    uint32_t fill = RENDER_PANEL, ink = RENDER_TEXT;
    if (!b->enabled) {
        fill = RENDER_BG;
        ink = RENDER_TEXT_DIM;
    } else if (b->primary) {
        fill = RENDER_PRIMARY;
        ink = 0xFFFFFFu;
    }
    fill_rrect(rd, r, rad, fill, 255);
    if (!b->primary || !b->enabled)
        frame_rrect(rd, r, rad, hairline(l), RENDER_BORDER, 255);
    if (b->focused) {
        float t = fmaxf(2.0f, (float)l->text_px / 7);
        frame_rrect(rd, r, rad, t, RENDER_CURSOR, 255);
    }
    text(rd, b->label, px, b->primary, ink, label_box(r),
         b->group == SCENE_GROUP_LIST ? ALIGN_LEFT : ALIGN_CENTER);
}

static int same_rect(struct layout_rect a, struct layout_rect b)
{
    return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
}

/* 1 when the toast is shown in line r: it hides r's own text while it shows
 * (it is narrower than the line: the text would peek out both sides). */
static int under_toast(const struct scene *sc, const struct layout *l, struct layout_rect r)
{
    return sc->toast[0] && l->toast.w > 0 && same_rect(r, l->toast);
}

/* The header lines: title, players bar and clock, score, status, detail,
 * error (in a wide window: the panel's, left-aligned; the detail on two
 * lines there, and when long without a board). */
static void draw_header(struct render *rd, const struct scene *sc, const struct layout *l)
{
    text(rd, sc->title, l->title_px, 1, RENDER_TEXT, l->title, l->side ? ALIGN_LEFT : ALIGN_CENTER);
    draw_player(rd, &sc->players[0], l->players[0], 0, l->text_px);
    draw_player(rd, &sc->players[1], l->players[1], !l->side, l->text_px);
    if (sc->clock.shown) {
        int low = sc->clock.ms_left < 5000;
        uint32_t mark_hex = sc->clock.mark == BOARD_O ? RENDER_O : RENDER_X;
        text(rd, sc->clock.text, l->text_px, 1, low ? RENDER_BAD : RENDER_TEXT, l->clock, ALIGN_CENTER);
        draw_bar(rd, l->clock_bar, sc->clock.ms_left, sc->clock.total_ms, low ? RENDER_BAD : mark_hex);
    }
    text(rd, sc->series, l->small_px, 1, RENDER_TEXT_DIM, l->series, l->side ? ALIGN_LEFT : ALIGN_CENTER);
    text(rd, sc->status, l->status_px, 1, tone_color(sc->status_tone), l->status,
         l->side ? ALIGN_LEFT : ALIGN_CENTER);
    if (l->detail_lines == 2)
        text2(rd, sc->detail, l->small_px, RENDER_TEXT_DIM, l->detail, l->side ? ALIGN_LEFT : ALIGN_CENTER);
    else
        text(rd, sc->detail, l->small_px, 0, RENDER_TEXT_DIM, l->detail, ALIGN_CENTER);
    if (under_toast(sc, l, l->error))
        return;
    if (l->error_lines == 2)
        text2(rd, sc->error, l->text_px, RENDER_BAD, l->error, ALIGN_CENTER);
    else
        text(rd, sc->error, l->text_px, 0, RENDER_BAD, l->error, ALIGN_CENTER);
}

/* The middle: the large text with its caption, the fields, the board, the
 * banner over it, and the countdown bar (under the large text or in the
 * banner). */
static void draw_middle(struct render *rd, const struct scene *sc, const struct layout *l)
{
    text(rd, sc->big, l->big_px, 1, RENDER_TEXT, l->big, ALIGN_CENTER);
    text(rd, sc->big_caption, l->text_px, 0, RENDER_TEXT_DIM, l->big_caption, ALIGN_CENTER);
    for (int i = 0; i < l->field_count && i < sc->field_count; i++)
        draw_field(rd, &sc->fields[i], l->field_labels[i], l->fields[i], l);
    if (sc->board.shown && l->cell > 0) {
        uint8_t mine = sc->players[0].you ? sc->players[0].mark
                       : sc->players[1].you ? sc->players[1].mark : BOARD_EMPTY;
        draw_board(rd, &sc->board, l, mine);
    }
    draw_banner(rd, sc, l);
    draw_bar(rd, l->countdown, sc->countdown_ms, sc->countdown_total_ms, RENDER_WARN);
}

/* The buttons and list rows outside the dialog, the "no games" line, the
 * notice. */
static void draw_controls(struct render *rd, const struct scene *sc, const struct layout *l)
{
    int main_px = group_px(rd, sc, l, SCENE_GROUP_MAIN);
    for (int i = 0; i < sc->button_count && i < l->button_count; i++)
        if (sc->buttons[i].group != SCENE_GROUP_DIALOG)
            draw_button(rd, &sc->buttons[i], l->buttons[i], l,
                        sc->buttons[i].group == SCENE_GROUP_MAIN ? main_px : l->text_px);
    text(rd, sc->list_empty, l->text_px, 0, RENDER_TEXT_DIM, l->list_empty, ALIGN_CENTER);
    if (!under_toast(sc, l, l->notice))
        text(rd, sc->notice, l->text_px, 1, tone_color(sc->notice_tone), l->notice, ALIGN_CENTER);
}

/* The toast: a pill as wide as its text, centred in its rect. */
static void draw_toast(struct render *rd, const struct scene *sc, const struct layout *l)
{
    if (!sc->toast[0] || l->toast.w <= 0)
        return;
    int w = 0, h = 0;
    if (font_measure(rd->fc, sc->toast, l->text_px, 0, &w, &h) < 0)
        rd->failed = 1;
    struct layout_rect t = l->toast;
    int tw = w + 2 * l->pad;
    if (tw < t.w) {
        t.x += (t.w - tw) / 2;
        t.w = tw;
    }
    uint32_t fill = sc->toast_tone == SCENE_TONE_BAD ? RENDER_BAD : RENDER_GRID;
    fill_rrect(rd, t, (float)t.h / 2, fill, 255);
    struct layout_rect in = { t.x + l->pad / 2, t.y, t.w - l->pad, t.h };
    text(rd, sc->toast, l->text_px, 0, 0xFFFFFFu, in, ALIGN_CENTER);
}

/* The dialog over a dimmed window: its panel, text and buttons. */
static void draw_dialog(struct render *rd, const struct scene *sc, const struct layout *l)
{
    if (!sc->dialog_shown || l->dialog.w <= 0)
        return;
    fill_rect(rd, (struct layout_rect){ 0, 0, l->w, l->h }, 0x000000u, 90);
    float rad = (float)l->pad;
    fill_rrect(rd, l->dialog, rad, RENDER_PANEL, 255);
    frame_rrect(rd, l->dialog, rad, hairline(l), RENDER_BORDER, 255);
    text2(rd, sc->dialog_text, l->text_px, RENDER_TEXT, l->dialog_text, ALIGN_CENTER);
    int dialog_px = group_px(rd, sc, l, SCENE_GROUP_DIALOG);
    for (int i = 0; i < sc->button_count && i < l->button_count; i++)
        if (sc->buttons[i].group == SCENE_GROUP_DIALOG)
            draw_button(rd, &sc->buttons[i], l->buttons[i], l, dialog_px);
}

int render_frame(struct render *rd, const struct scene *sc, const struct layout *l)
{
    rd->failed = 0;
    rd->shortened[0] = '\0';
    check(rd, SDL_RenderSetClipRect(rd->r, NULL));
    check(rd, SDL_SetRenderDrawBlendMode(rd->r, SDL_BLENDMODE_BLEND));
    check(rd, SDL_SetRenderDrawColor(rd->r, (uint8_t)(RENDER_BG >> 16), (uint8_t)(RENDER_BG >> 8),
                                     (uint8_t)RENDER_BG, 255));
    check(rd, SDL_RenderClear(rd->r));
    draw_header(rd, sc, l);
    draw_middle(rd, sc, l);
    draw_controls(rd, sc, l);
    draw_toast(rd, sc, l);
    draw_dialog(rd, sc, l);
    return rd->failed ? -1 : 0;
}

struct render *render_new(SDL_Renderer *r, const char *font_path, char err[FONT_ERR_MAX])
{
    struct render *rd = calloc(1, sizeof *rd);
    if (rd)
        rd->ra = raster_new(r);
    if (!rd || !rd->ra) {
        snprintf(err, FONT_ERR_MAX, "out of memory");
        free(rd);
        return NULL;
    }
    rd->r = r;
    rd->stroke = MARK_STROKE;
    rd->fc = font_cache_new(r, font_path, err);
    if (!rd->fc) {
        raster_free(rd->ra);
        free(rd);
        return NULL;
    }
    return rd;
}

void render_free(struct render *rd)
{
    if (!rd)
        return;
    font_cache_free(rd->fc);
    raster_free(rd->ra);
    free(rd);
}

const char *render_shortened(const struct render *rd)
{
    return rd->shortened[0] ? rd->shortened : NULL;
}

struct font_cache *render_fonts(struct render *rd)
{
    return rd->fc;
}

/* The icon's board in a size x size picture: as packaging/icons/ttt.svg
 * places it in its 128 units (the board 18..110, lines 7 wide), an X in two
 * corners and an O in the centre. */
static void icon_board(struct render *rd, int size)
{
    struct layout l;
    struct scene sc;
    float k = (float)size / 128.0f;
    memset(&l, 0, sizeof l);
    scene_reset(&sc);
    l.gap = (int)fmaxf(1.0f, 7.0f * k + 0.5f);
    l.cell = (int)((92.0f * k - 2.0f * (float)l.gap) / 3.0f);
    int side = 3 * l.cell + 2 * l.gap, at = (size - side) / 2;
    l.board = (struct layout_rect){at, at, side, side};
    for (int c = 0; c < BOARD_CELLS; c++)
        l.cells[c] = (struct layout_rect){at + (c % 3) * (l.cell + l.gap), at + (c / 3) * (l.cell + l.gap),
                                          l.cell, l.cell};
    sc.board.cells[0] = sc.board.cells[8] = BOARD_X;
    sc.board.cells[4] = BOARD_O;
    draw_board(rd, &sc.board, &l, BOARD_EMPTY);
}

SDL_Surface *render_icon(int size)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, size, size, 32, SDL_PIXELFORMAT_RGBA32);
    SDL_Renderer *r = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    struct render rd = {.r = r, .ra = r ? raster_new(r) : NULL, .stroke = ICON_STROKE};
    if (rd.ra) {
        float k = (float)size / 128.0f;
        struct layout_rect tile = {(int)(4 * k), (int)(4 * k), size - 2 * (int)(4 * k), size - 2 * (int)(4 * k)};
        check(&rd, SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE));
        check(&rd, SDL_SetRenderDrawColor(r, 0, 0, 0, 0));
        check(&rd, SDL_RenderClear(r)); /* transparent around the tile */
        check(&rd, SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND));
        fill_rrect(&rd, tile, 22 * k, RENDER_BG, 255);
        frame_rrect(&rd, tile, 22 * k, fmaxf(1.0f, 2 * k), RENDER_BORDER, 255);
        icon_board(&rd, size);
        check(&rd, SDL_RenderFlush(r));
    }
    int ok = rd.ra && !rd.failed;
    raster_free(rd.ra);
    if (r)
        SDL_DestroyRenderer(r);
    if (!ok && s) {
        SDL_FreeSurface(s);
        s = NULL;
    }
    return s;
}
