/* render.c: draws a scene with an SDL_Renderer (see render.h): the header
 * lines, the players bar and clock, the board and its marks, the fields, the
 * buttons, the toast and the dialog. Shapes come from the rasteriser
 * (raster.h) and text from the font cache's white textures, tinted per draw.
 */
#include "render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "raster.h"

struct render {
    SDL_Renderer *r;
    struct font_cache *fc;
    struct raster *ra;
    int failed;
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

/* Draw utf8 in r (vertically centred, aligned as asked), shrunk to fit r's
 * width. Returns the drawn width. */
static int text(struct render *rd, const char *utf8, int px, int bold, uint32_t hex,
                struct layout_rect r, enum align al)
{
    if (!utf8[0] || r.w <= 0 || r.h <= 0)
        return 0;
    int w, h;
    SDL_Texture *t = font_text(rd->fc, utf8, px, bold, &w, &h);
    if (t && w > r.w) {
        int px2 = px * r.w / w;
        if (px2 >= 4 && px2 < px)
            t = font_text(rd->fc, utf8, px2, bold, &w, &h);
    }
    if (!t) {
        rd->failed = 1;
        return 0;
    }
    float scale = w > r.w ? (float)r.w / (float)w : 1.0f;
    int dw = (int)((float)w * scale), dh = (int)((float)h * scale);
    int x = al == ALIGN_LEFT ? r.x : al == ALIGN_RIGHT ? r.x + r.w - dw : r.x + (r.w - dw) / 2;
    SDL_Rect dst = { x, r.y + (r.h - dh) / 2, dw, dh };
    check(rd, SDL_SetTextureColorMod(t, (uint8_t)(hex >> 16), (uint8_t)(hex >> 8), (uint8_t)hex));
    check(rd, SDL_RenderCopy(rd->r, t, NULL, &dst));
    return dw;
}

/* A thin border's width: 1.5 px at ordinary sizes, more on large (high-DPI) windows. */
static float hairline(const struct layout *l)
{
    return fmaxf(1.5f, (float)l->text_px / 12);
}

/* Like text(), but a line that would have to shrink is broken at the space
 * nearest its middle into two lines (r should be two lines high). */
static void text2(struct render *rd, const char *utf8, int px, uint32_t hex, struct layout_rect r)
{
    int w = 0, h = 0;
    if (font_measure(rd->fc, utf8, px, 0, &w, &h) < 0 || w <= r.w) {
        text(rd, utf8, px, 0, hex, r, ALIGN_CENTER);
        return;
    }
    size_t n = strlen(utf8), best = 0;
    for (size_t i = 1; i + 1 < n; i++)
        if (utf8[i] == ' ' && (best == 0 || (i > n / 2 ? i - n / 2 : n / 2 - i) <
                                               (best > n / 2 ? best - n / 2 : n / 2 - best)))
            best = i;
    if (best == 0 || n >= SCENE_TEXT_MAX) {
        text(rd, utf8, px, 0, hex, r, ALIGN_CENTER);
        return;
    }
    char first[SCENE_TEXT_MAX];
    memcpy(first, utf8, best);
    first[best] = '\0';
    struct layout_rect top = { r.x, r.y, r.w, r.h / 2 }, bottom = { r.x, r.y + r.h / 2, r.w, r.h - r.h / 2 };
    text(rd, first, px, 0, hex, top, ALIGN_CENTER);
    text(rd, utf8 + best + 1, px, 0, hex, bottom, ALIGN_CENTER);
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

static void draw_mark(struct render *rd, uint8_t mark, struct layout_rect c, uint8_t alpha)
{
    float s = (float)c.w;
    float w = fmaxf(2.0f, s * 0.12f);
    float cx = (float)c.x + s / 2, cy = (float)c.y + s / 2;
    if (mark == BOARD_X) {
        float m = s * 0.23f;
        capsule(rd, cx - m, cy - m, cx + m, cy + m, w, RENDER_X, alpha);
        capsule(rd, cx + m, cy - m, cx - m, cy + m, w, RENDER_X, alpha);
    } else if (mark == BOARD_O) {
        ring(rd, cx, cy, s * 0.29f, w, RENDER_O, alpha);
    }
}

static int cell_ok(uint8_t c)
{
    return c < BOARD_CELLS;
}

/* The winning line through the centres of its end cells, reaching past them. */
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
    /* Narrower than a mark's stroke (0.12 of a cell), so an X whose stroke
     * lies along a diagonal line still shows on both sides. */
    float w = fmaxf(3.0f, (float)l->cell * 0.05f);
    capsule(rd, x0 - ux * ext, y0 - uy * ext, x1 + ux * ext, y1 + uy * ext, w, RENDER_WIN, 255);
}

/* The board; `mine` is the mark this client plays (BOARD_EMPTY when
 * watching), previewed faintly in the hovered cell. */
static void draw_board(struct render *rd, const struct scene_board *b, const struct layout *l,
                       uint8_t mine)
{
    float radius = (float)l->cell * 0.08f;
    int hover = b->clickable && cell_ok(b->hover) && b->cells[b->hover] == BOARD_EMPTY &&
                b->hover != b->pending;
    if (hover)
        fill_rrect(rd, l->cells[b->hover], radius, RENDER_HOVER, 255);
    if (cell_ok(b->last))
        fill_rrect(rd, l->cells[b->last], radius, RENDER_LAST, 255);

    /* Grid: two vertical and two horizontal strokes in the gaps. */
    float g = (float)l->gap, side = (float)l->board.w;
    float bx = (float)l->board.x, by = (float)l->board.y;
    for (int i = 1; i <= 2; i++) {
        float at = (float)(i * (l->cell + l->gap)) - g / 2;
        capsule(rd, bx + at, by + g / 2, bx + at, by + side - g / 2, g, RENDER_GRID, 255);
        capsule(rd, bx + g / 2, by + at, bx + side - g / 2, by + at, g, RENDER_GRID, 255);
    }

    for (int c = 0; c < BOARD_CELLS; c++)
        draw_mark(rd, b->cells[c], l->cells[c], 255);
    if (hover)
        draw_mark(rd, mine, l->cells[b->hover], 50);
    if (cell_ok(b->pending) && b->cells[b->pending] == BOARD_EMPTY)
        draw_mark(rd, b->pending_mark, l->cells[b->pending], 90);
    if (cell_ok(b->cursor)) {
        struct layout_rect c = l->cells[b->cursor];
        float t = fmaxf(2.0f, (float)l->cell / 28);
        frame_rrect(rd, c, radius, t, RENDER_CURSOR, 255);
    }

    draw_win_line(rd, b, l);
}

/* ---- the rest ---- */

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
        draw_mark(rd, p->mark, ic, 255);
    char label[SCENE_NAME_MAX + 32];
    snprintf(label, sizeof label, "%s%s%s", p->name, p->you ? " (you)" : "", p->away ? " (away)" : "");
    int tx = inset + icon + inset / 2 + 2;
    struct layout_rect tr = { right ? r.x + inset : r.x + tx, r.y, r.w - tx - inset, r.h };
    text(rd, label, px, p->to_move || p->you, p->away ? RENDER_TEXT_DIM : RENDER_TEXT, tr,
         right ? ALIGN_RIGHT : ALIGN_LEFT);
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
    int tw = 0, th = 0, cw = 0, ch = 0;
    if (font_measure(rd->fc, f->text, l->text_px, 0, &tw, &th) < 0 ||
        font_measure(rd->fc, before, l->text_px, 0, &cw, &ch) < 0) {
        rd->failed = 1;
        return;
    }
    int shift = cw > in.w - 2 ? cw - (in.w - 2) : 0;
    SDL_Rect clip = { in.x, box.y, in.w, box.h };
    check(rd, SDL_RenderSetClipRect(rd->r, &clip));
    int w, h;
    SDL_Texture *t = font_text(rd->fc, f->text, l->text_px, 0, &w, &h);
    if (t) {
        SDL_Rect dst = { in.x - shift, box.y + (box.h - h) / 2, w, h };
        check(rd, SDL_SetTextureColorMod(t, (uint8_t)(RENDER_TEXT >> 16), (uint8_t)(RENDER_TEXT >> 8),
                                         (uint8_t)RENDER_TEXT));
        check(rd, SDL_RenderCopy(rd->r, t, NULL, &dst));
    } else {
        rd->failed = 1;
    }
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

/* The largest size up to px at which label fits in width w (4 at the least). */
static int fit_px(struct render *rd, const char *label, int px, int bold, int w)
{
    int tw = 0, th = 0;
    if (font_measure(rd->fc, label, px, bold, &tw, &th) < 0 || tw <= w || w <= 0)
        return px;
    int fit = px * w / tw; /* glyph widths are not quite linear in the size: check */
    while (fit > 4 && font_measure(rd->fc, label, fit, bold, &tw, &th) == 0 && tw > w)
        fit--;
    return fit < 4 ? 4 : fit;
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

/* The header lines: title, players bar and clock, status, detail, error. */
static void draw_header(struct render *rd, const struct scene *sc, const struct layout *l)
{
    text(rd, sc->title, l->title_px, 1, RENDER_TEXT, l->title, ALIGN_CENTER);
    draw_player(rd, &sc->players[0], l->players[0], 0, l->text_px);
    draw_player(rd, &sc->players[1], l->players[1], 1, l->text_px);
    if (sc->clock.shown) {
        int low = sc->clock.ms_left < 5000;
        uint32_t mark_hex = sc->clock.mark == BOARD_O ? RENDER_O : RENDER_X;
        text(rd, sc->clock.text, l->text_px, 1, low ? RENDER_BAD : RENDER_TEXT, l->clock, ALIGN_CENTER);
        draw_bar(rd, l->clock_bar, sc->clock.ms_left, sc->clock.total_ms, low ? RENDER_BAD : mark_hex);
    }
    text(rd, sc->status, l->status_px, 1, tone_color(sc->status_tone), l->status, ALIGN_CENTER);
    text(rd, sc->detail, l->small_px, 0, RENDER_TEXT_DIM, l->detail, ALIGN_CENTER);
    if (!under_toast(sc, l, l->error))
        text(rd, sc->error, l->text_px, 0, RENDER_BAD, l->error, ALIGN_CENTER);
}

/* The middle: the large text with its caption and countdown, the fields,
 * the board. */
static void draw_middle(struct render *rd, const struct scene *sc, const struct layout *l)
{
    text(rd, sc->big, l->big_px, 1, RENDER_TEXT, l->big, ALIGN_CENTER);
    text(rd, sc->big_caption, l->text_px, 0, RENDER_TEXT_DIM, l->big_caption, ALIGN_CENTER);
    draw_bar(rd, l->countdown, sc->countdown_ms, sc->countdown_total_ms, RENDER_WARN);
    for (int i = 0; i < l->field_count && i < sc->field_count; i++)
        draw_field(rd, &sc->fields[i], l->field_labels[i], l->fields[i], l);
    if (sc->board.shown && l->cell > 0) {
        uint8_t mine = sc->players[0].you ? sc->players[0].mark
                       : sc->players[1].you ? sc->players[1].mark : BOARD_EMPTY;
        draw_board(rd, &sc->board, l, mine);
    }
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
    text2(rd, sc->dialog_text, l->text_px, RENDER_TEXT, l->dialog_text);
    int dialog_px = group_px(rd, sc, l, SCENE_GROUP_DIALOG);
    for (int i = 0; i < sc->button_count && i < l->button_count; i++)
        if (sc->buttons[i].group == SCENE_GROUP_DIALOG)
            draw_button(rd, &sc->buttons[i], l->buttons[i], l, dialog_px);
}

int render_frame(struct render *rd, const struct scene *sc, const struct layout *l)
{
    rd->failed = 0;
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
    if (!rd) {
        snprintf(err, FONT_ERR_MAX, "out of memory");
        return NULL;
    }
    rd->r = r;
    rd->ra = raster_new(r);
    if (!rd->ra) {
        snprintf(err, FONT_ERR_MAX, "out of memory");
        free(rd);
        return NULL;
    }
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

struct font_cache *render_fonts(struct render *rd)
{
    return rd->fc;
}
