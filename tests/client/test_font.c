/* SPDX-License-Identifier: MIT */
/* test_font.c: the font module on SDL's software renderer -- the primary
 * font found through fontconfig, a fallback font per character (a Chinese
 * name drawn from the CJK font scripts/setup installs, never as the
 * missing-glyph box), runs of several fonts measured and drawn as one line,
 * bold, and names shortened with an ellipsis. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "canvas.h"
#include "font.h"
#include "font_fixture.h"

#define CJK_NAME "\u674e\u5c0f\u9f99"       /* Li Xiaolong: three CJK ideographs */
#define NO_GLYPH "\u0378\u0378\u0378"       /* unassigned: every font draws its box */

/* A canvas with the font cache drawing on it. */
struct canvas {
    struct soft_canvas sw;
    struct font_cache *fc;
};

static void canvas_open(struct canvas *c, int w, int h)
{
    assert_int_equal(soft_canvas_open(&c->sw, w, h), 0);
    char err[FONT_ERR_MAX];
    c->fc = font_cache_new(c->sw.r, fixture_font, err);
    if (!c->fc)
        fail_msg("font_cache_new: %s", err);
}

static void canvas_close(struct canvas *c)
{
    font_cache_free(c->fc);
    soft_canvas_close(&c->sw);
}

/* Draw utf8 black on white at (0, 0); 1 per pixel of ink (darker than mid
 * grey) in mask (w * h). Returns the ink count. */
static int ink(struct canvas *c, const char *utf8, int px, uint8_t *mask)
{
    assert_int_equal(SDL_SetRenderDrawColor(c->sw.r, 255, 255, 255, 255), 0);
    assert_int_equal(SDL_RenderClear(c->sw.r), 0);
    int w, h;
    SDL_Texture *t = font_text(c->fc, utf8, px, 0, &w, &h);
    assert_non_null(t);
    assert_int_equal(SDL_SetTextureColorMod(t, 0, 0, 0), 0);
    SDL_Rect dst = { 0, 0, w, h };
    assert_int_equal(SDL_RenderCopy(c->sw.r, t, NULL, &dst), 0);
    assert_int_equal(SDL_RenderFlush(c->sw.r), 0);
    int n = 0;
    for (int y = 0; y < c->sw.s->h; y++)
        for (int x = 0; x < c->sw.s->w; x++) {
            int dark = (soft_canvas_pixel(&c->sw, x, y) & 0xFF) < 128;
            mask[y * c->sw.s->w + x] = (uint8_t)dark;
            n += dark;
        }
    return n;
}

static int differ(const uint8_t *a, const uint8_t *b, size_t n)
{
    int d = 0;
    for (size_t i = 0; i < n; i++)
        d += a[i] != b[i];
    return d;
}

/* Without --font the primary font is DejaVu Sans, through fontconfig. */
static void test_primary_from_fontconfig(void **state)
{
    (void)state;
    const char *base = strrchr(fixture_font, '/');
    assert_non_null(base);
    assert_string_equal(base, "/DejaVuSans.ttf");
    struct canvas c;
    canvas_open(&c, 16, 16);
    assert_string_equal(font_face_file(c.fc, 'A'), fixture_font);
    assert_string_equal(font_face_file(c.fc, 0x0416), fixture_font); /* Cyrillic Zhe: DejaVu has it */
    canvas_close(&c);
}

/* A Chinese name comes from a fallback font (the CJK font scripts/setup
 * installs), and what is drawn is its glyphs, not the missing-glyph box. */
static void test_cjk_fallback(void **state)
{
    (void)state;
    struct canvas c;
    canvas_open(&c, 240, 80);
    const char *file = font_face_file(c.fc, 0x674E);
    if (strcmp(file, fixture_font) == 0)
        fail_msg("no font for U+674E: install a CJK font (scripts/setup installs fonts-wqy-microhei)");
    assert_string_equal(font_face_file(c.fc, 0x5C0F), file); /* the same font for the others */
    size_t n = (size_t)c.sw.s->w * (size_t)c.sw.s->h;
    uint8_t *cjk = calloc(n, 1), *box = calloc(n, 1);
    assert_non_null(cjk);
    assert_non_null(box);
    int ink_cjk = ink(&c, CJK_NAME, 48, cjk);
    int ink_box = ink(&c, NO_GLYPH, 48, box);
    assert_true(ink_cjk > 0 && ink_box > 0);
    /* Boxes and ideographs share little ink. */
    int d = differ(cjk, box, n);
    if (d < (ink_cjk + ink_box) / 2)
        fail_msg("the CJK name looks like missing-glyph boxes (%d of %d+%d pixels differ)", d,
                 ink_cjk, ink_box);
    free(cjk);
    free(box);
    canvas_close(&c);
}

/* A line of several fonts measures as the sum of its runs and is drawn as
 * one texture that size; bold is wider than regular. */
static void test_mixed_runs(void **state)
{
    (void)state;
    struct canvas c;
    canvas_open(&c, 64, 64);
    int wa, ha, wc, hc, wm, hm, tw, th;
    assert_int_equal(font_measure(c.fc, "alice ", 20, 0, &wa, &ha), 0);
    assert_int_equal(font_measure(c.fc, CJK_NAME, 20, 0, &wc, &hc), 0);
    assert_int_equal(font_measure(c.fc, "alice " CJK_NAME, 20, 0, &wm, &hm), 0);
    assert_int_equal(wm, wa + wc);
    assert_true(hm >= ha);
    assert_non_null(font_text(c.fc, "alice " CJK_NAME, 20, 0, &tw, &th));
    assert_int_equal(tw, wm);
    assert_int_equal(th, hm);
    int wb, hb;
    assert_int_equal(font_measure(c.fc, "alice " CJK_NAME, 20, 1, &wb, &hb), 0);
    assert_true(wb > wm);
    /* Text that is not UTF-8 still draws (the replacement glyph). */
    assert_non_null(font_text(c.fc, "a\xff" "b", 20, 0, &tw, &th));
    canvas_close(&c);
}

#define ARABIC_NAME "\u0628\u0634\u064a\u0631" /* Bashir: four letters that join */

/* An Arabic name is shaped: its letters join (the word is narrower than
 * its letters drawn apart, in their isolated forms), and the space and the
 * Latin text after it stay outside the right-to-left run. */
static void test_arabic_joined(void **state)
{
    (void)state;
    struct canvas c;
    canvas_open(&c, 16, 16);
    static const char *letters[] = { "\u0628", "\u0634", "\u064a", "\u0631" };
    int apart = 0, w, h, word, you;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(font_measure(c.fc, letters[i], 40, 0, &w, &h), 0);
        apart += w;
    }
    assert_int_equal(font_measure(c.fc, ARABIC_NAME, 40, 0, &word, &h), 0);
    if (word * 10 > apart * 9)
        fail_msg("the Arabic name is %d px wide, its letters apart %d: not joined", word, apart);
    assert_int_equal(font_measure(c.fc, " (you)", 40, 0, &you, &h), 0);
    assert_int_equal(font_measure(c.fc, ARABIC_NAME " (you)", 40, 0, &w, &h), 0);
    assert_int_equal(w, word + you);
    canvas_close(&c);
}

/* The columns [x0, x0 + w) of mask a (canvas width cw, height ch) against
 * columns [x1, x1 + w) of mask b: the pixels that differ. */
static int differ_cols(const uint8_t *a, int x0, const uint8_t *b, int x1, int w, int cw, int ch)
{
    int d = 0;
    for (int y = 0; y < ch; y++)
        for (int x = 0; x < w; x++)
            d += a[y * cw + x0 + x] != b[y * cw + x1 + x];
    return d;
}

/* Hebrew is drawn right to left: the first letter of a word is its
 * rightmost. */
static void test_hebrew_right_to_left(void **state)
{
    (void)state;
    struct canvas c;
    canvas_open(&c, 160, 80);
    size_t n = (size_t)c.sw.s->w * (size_t)c.sw.s->h;
    uint8_t *alef = calloc(n, 1), *word = calloc(n, 1);
    assert_non_null(alef);
    assert_non_null(word);
    int wa, ww, h;
    assert_int_equal(font_measure(c.fc, "\u05d0", 48, 0, &wa, &h), 0);
    assert_int_equal(font_measure(c.fc, "\u05d0\u05d1", 48, 0, &ww, &h), 0);
    assert_true(ink(&c, "\u05d0", 48, alef) > 0);
    assert_true(ink(&c, "\u05d0\u05d1", 48, word) > 0);
    int right = differ_cols(word, ww - wa, alef, 0, wa, c.sw.s->w, c.sw.s->h);
    int left = differ_cols(word, 0, alef, 0, wa, c.sw.s->w, c.sw.s->h);
    if (right >= left)
        fail_msg("alef is drawn on the left of alef-bet (%d pixels differ on the right, %d on the left)",
                 right, left);
    free(alef);
    free(word);
    canvas_close(&c);
}

/* Shortened with an ellipsis at a character boundary, to the longest that
 * fits; whole when it fits. */
static void test_ellipsize(void **state)
{
    (void)state;
    struct canvas c;
    canvas_open(&c, 16, 16);
    char out[64];
    int w, h, full;
    assert_int_equal(font_measure(c.fc, "bartholomew_1234", 20, 0, &full, &h), 0);
    assert_int_equal(font_ellipsize(c.fc, "bartholomew_1234", 20, 0, full, out, sizeof out), 0);
    assert_string_equal(out, "bartholomew_1234");
    for (int max = full - 1; max > 0; max -= 7) {
        int rc = font_ellipsize(c.fc, "bartholomew_1234", 20, 0, max, out, sizeof out);
        assert_int_equal(rc, 1);
        if (!out[0])
            continue; /* not even the ellipsis fits */
        size_t n = strlen(out);
        assert_true(n >= 3 && strcmp(out + n - 3, FONT_ELLIPSIS) == 0);
        assert_memory_equal(out, "bartholomew_1234", n - 3);
        assert_int_equal(font_measure(c.fc, out, 20, 0, &w, &h), 0);
        assert_true(w <= max);
        /* One character more would not fit. */
        char more[64];
        snprintf(more, sizeof more, "%.*s" FONT_ELLIPSIS, (int)(n - 2), "bartholomew_1234");
        assert_int_equal(font_measure(c.fc, more, 20, 0, &w, &h), 0);
        assert_true(w > max);
    }
    /* Multi-byte characters are never cut. */
    assert_int_equal(font_ellipsize(c.fc, CJK_NAME CJK_NAME, 20, 0, 50, out, sizeof out), 1);
    size_t n = strlen(out);
    assert_true(n % 3 == 0);
    assert_string_equal(out + n - 3, FONT_ELLIPSIS);
    assert_memory_equal(out, CJK_NAME CJK_NAME, n - 3);
    /* A small output buffer: cut to fit it, with the ellipsis. */
    assert_int_equal(font_ellipsize(c.fc, "bartholomew", 20, 0, 1000, out, 6), 1);
    assert_string_equal(out, "ba" FONT_ELLIPSIS);
    assert_int_equal(font_ellipsize(c.fc, "", 20, 0, 10, out, sizeof out), 0);
    assert_string_equal(out, "");
    canvas_close(&c);
}

#define HEBREW_NAME "\u05d0\u05d1\u05e8\u05d4\u05dd" /* Avraham */

/* How much the ellipsis drawn alone differs from the left end (*left) and
 * from the right end (*right) of utf8 shortened to max_w at 48 px. */
static void ellipsis_ends(struct canvas *c, const char *utf8, int max_w, int *left, int *right)
{
    size_t n = (size_t)c->sw.s->w * (size_t)c->sw.s->h;
    uint8_t *cut_mask = calloc(n, 1), *dots = calloc(n, 1);
    assert_non_null(cut_mask);
    assert_non_null(dots);
    char cut[128];
    assert_int_equal(font_ellipsize(c->fc, utf8, 48, 0, max_w, cut, sizeof cut), 1);
    size_t len = strlen(cut);
    assert_true(len > 3 && strcmp(cut + len - 3, FONT_ELLIPSIS) == 0); /* the logical end */
    int w, we, h;
    assert_int_equal(font_measure(c->fc, cut, 48, 0, &w, &h), 0);
    assert_int_equal(font_measure(c->fc, FONT_ELLIPSIS, 48, 0, &we, &h), 0);
    assert_true(w <= c->sw.s->w);
    assert_true(ink(c, cut, 48, cut_mask) > 0);
    assert_true(ink(c, FONT_ELLIPSIS, 48, dots) > 0);
    *left = differ_cols(cut_mask, 0, dots, 0, we, c->sw.s->w, c->sw.s->h);
    *right = differ_cols(cut_mask, w - we, dots, 0, we, c->sw.s->w, c->sw.s->h);
    free(cut_mask);
    free(dots);
}

/* A right-to-left name cut short ends, as its reader reads it, in the
 * ellipsis: at its visual left; a Latin one at its right; also with the
 * "(you)" that follows a name. */
static void test_ellipsis_rtl(void **state)
{
    (void)state;
    struct canvas c;
    canvas_open(&c, 400, 80);
    static const char *rtl[] = { HEBREW_NAME HEBREW_NAME HEBREW_NAME, ARABIC_NAME ARABIC_NAME ARABIC_NAME };
    int left, right;
    for (int i = 0; i < 2; i++) {
        ellipsis_ends(&c, rtl[i], 200, &left, &right);
        if (left >= right)
            fail_msg("name %d: the ellipsis is not at the left end (%d pixels differ there, %d at the right)",
                     i, left, right);
    }
    ellipsis_ends(&c, "bartholomew_bartholomew", 200, &left, &right);
    assert_true(right < left);
    /* The suffix stays after the name, the ellipsis inside the name's run. */
    int w1, w2, wy, h;
    assert_int_equal(font_measure(c.fc, HEBREW_NAME FONT_ELLIPSIS, 30, 0, &w1, &h), 0);
    assert_int_equal(font_measure(c.fc, " (you)", 30, 0, &wy, &h), 0);
    assert_int_equal(font_measure(c.fc, HEBREW_NAME FONT_ELLIPSIS " (you)", 30, 0, &w2, &h), 0);
    assert_int_equal(w2, w1 + wy);
    canvas_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_primary_from_fontconfig),
        cmocka_unit_test(test_cjk_fallback),
        cmocka_unit_test(test_mixed_runs),
        cmocka_unit_test(test_arabic_joined),
        cmocka_unit_test(test_hebrew_right_to_left),
        cmocka_unit_test(test_ellipsize),
        cmocka_unit_test(test_ellipsis_rtl),
    };
    return cmocka_run_group_tests(tests, font_fixture_setup, font_fixture_teardown);
}
