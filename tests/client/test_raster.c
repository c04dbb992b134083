/* SPDX-License-Identifier: MIT */
/* test_raster.c: the path rasteriser drawn by SDL's software renderer into a
 * white surface, in black, with pixels checked: each shape covers the area
 * geometry says (to 2%), solid inside, nothing past its edge but the
 * one-pixel feather, and that feather really grey; the holes of rings and
 * frames left empty; alpha blended; shapes with no area, or far larger than
 * the window, drawing nothing wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include <SDL.h>

#include "canvas.h"
#include "raster.h"

#define W 320
#define H 240
#define INK 0x000000u
#define PI_D 3.14159265358979

/* A canvas with the rasteriser drawing on it. */
struct canvas {
    struct soft_canvas sw;
    struct raster *ra;
};

static int setup(void **state)
{
    static struct canvas c;
    if (soft_canvas_open(&c.sw, W, H) < 0)
        return -1;
    c.ra = raster_new(c.sw.r);
    if (!c.ra) {
        soft_canvas_close(&c.sw);
        return -1;
    }
    *state = &c;
    return 0;
}

static int teardown(void **state)
{
    struct canvas *c = *state;
    raster_free(c->ra);
    soft_canvas_close(&c->sw);
    return 0;
}

/* A white canvas before each test. */
static void clear(struct canvas *c)
{
    assert_int_equal(SDL_SetRenderDrawBlendMode(c->sw.r, SDL_BLENDMODE_BLEND), 0);
    assert_int_equal(SDL_SetRenderDrawColor(c->sw.r, 255, 255, 255, 255), 0);
    assert_int_equal(SDL_RenderClear(c->sw.r), 0);
}

/* The red channel of pixel (x, y) after the drawing is flushed. */
static int red(struct canvas *c, int x, int y)
{
    SDL_RenderFlush(c->sw.r);
    return (int)((soft_canvas_pixel(&c->sw, x, y) >> 16) & 0xFF);
}

/* How much of the canvas is inked, in pixels (a grey pixel counts in part). */
static double coverage(struct canvas *c)
{
    double sum = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            sum += (255 - red(c, x, y)) / 255.0;
    return sum;
}

/* Pixels neither white nor black. */
static int greys(struct canvas *c)
{
    int n = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int v = red(c, x, y);
            n += v > 0 && v < 255;
        }
    return n;
}

/* Arcs are drawn as inscribed polygons of at least 24 points to a circle,
 * which lose up to 1.2% of a disc's area: 2% is the tolerance. */
static void assert_near(double got, double want)
{
    if (fabs(got - want) > want / 50)
        fail_msg("covered %.1f px, geometry says %.1f", got, want);
}

static SDL_FRect frect(float x, float y, float w, float h)
{
    SDL_FRect r = { x, y, w, h };
    return r;
}

static void test_fill_rrect(void **state)
{
    struct canvas *c = *state;
    clear(c);
    assert_int_equal(raster_fill_rrect(c->ra, frect(40, 50, 200, 100), 20, INK, 255), 0);
    /* A 200x100 rect less the four corners a radius of 20 rounds off. */
    assert_near(coverage(c), 200.0 * 100.0 - (4 - PI_D) * 20 * 20);
    assert_int_equal(red(c, 140, 100), 0);   /* solid inside */
    assert_int_equal(red(c, 41, 100), 0);    /* to the straight edges */
    assert_int_equal(red(c, 140, 148), 0);
    assert_int_equal(red(c, 41, 51), 255);   /* the corner is cut off */
    assert_int_equal(red(c, 38, 100), 255);  /* nothing past the feather */
    assert_int_equal(red(c, 242, 100), 255);
    assert_int_equal(red(c, 140, 152), 255);
    assert_true(greys(c) > 0);               /* the edges are smoothed */
    assert_true(greys(c) < 2 * (200 + 100) + 40);

    /* A radius larger than the rect allows makes a stadium, not a mess. */
    clear(c);
    assert_int_equal(raster_fill_rrect(c->ra, frect(40, 50, 200, 40), 500, INK, 255), 0);
    assert_near(coverage(c), 160.0 * 40.0 + PI_D * 20 * 20);
}

static void test_frame_rrect(void **state)
{
    struct canvas *c = *state;
    clear(c);
    assert_int_equal(raster_frame_rrect(c->ra, frect(40, 50, 200, 100), 10, 6, INK, 255), 0);
    /* A band 6 wide inside the rect's outline. */
    double outer = 200.0 * 100.0 - (4 - PI_D) * 10 * 10;
    double inner = 188.0 * 88.0 - (4 - PI_D) * 4 * 4;
    double want = outer - inner;
    double got = coverage(c);
    if (fabs(got - want) > want * 0.03)
        fail_msg("frame covered %.1f px, geometry says %.1f", got, want);
    assert_int_equal(red(c, 140, 100), 255); /* the inside is left alone */
    assert_int_equal(red(c, 43, 100), 0);    /* the band, inside the rect */
    assert_int_equal(red(c, 140, 53), 0);
    assert_int_equal(red(c, 38, 100), 255);  /* nothing outside it */
    assert_int_equal(red(c, 48, 100), 255);
}

static void test_capsule(void **state)
{
    struct canvas *c = *state;
    clear(c);
    assert_int_equal(raster_capsule(c->ra, 80, 120, 200, 120, 30, INK, 255), 0);
    /* A 120x30 band and two half discs of radius 15. */
    assert_near(coverage(c), 120.0 * 30.0 + PI_D * 15 * 15);
    assert_int_equal(red(c, 140, 120), 0);
    assert_int_equal(red(c, 67, 120), 0);    /* the round end reaches past (80, 120) */
    assert_int_equal(red(c, 63, 120), 255);
    assert_int_equal(red(c, 213, 120), 0);
    assert_int_equal(red(c, 217, 120), 255);
    assert_int_equal(red(c, 140, 133), 0);
    assert_int_equal(red(c, 140, 137), 255);
    assert_int_equal(red(c, 68, 108), 255);  /* the ends are round, not square */

    /* A diagonal stroke covers the same area. */
    clear(c);
    assert_int_equal(raster_capsule(c->ra, 100, 60, 200, 160, 20, INK, 255), 0);
    assert_near(coverage(c), hypot(100, 100) * 20 + PI_D * 10 * 10);
    /* A stroke of no length is a disc. */
    clear(c);
    assert_int_equal(raster_capsule(c->ra, 160, 120, 160, 120, 40, INK, 255), 0);
    assert_near(coverage(c), PI_D * 20 * 20);
}

static void test_ring(void **state)
{
    struct canvas *c = *state;
    clear(c);
    assert_int_equal(raster_ring(c->ra, 160, 120, 80, 12, INK, 255), 0);
    assert_near(coverage(c), PI_D * (86.0 * 86.0 - 74.0 * 74.0));
    assert_int_equal(red(c, 160, 120), 255); /* the hole */
    assert_int_equal(red(c, 160 + 80, 120), 0);
    assert_int_equal(red(c, 160, 120 - 80), 0);
    assert_int_equal(red(c, 160 + 88, 120), 255);
    assert_int_equal(red(c, 160 + 72, 120), 255);
    /* A ring as wide as its radius leaves no hole. */
    clear(c);
    assert_int_equal(raster_ring(c->ra, 160, 120, 20, 40, INK, 255), 0);
    assert_near(coverage(c), PI_D * 40 * 40);
}

static void test_alpha_blends(void **state)
{
    struct canvas *c = *state;
    clear(c);
    assert_int_equal(raster_fill_rrect(c->ra, frect(10, 10, 100, 100), 0, INK, 128), 0);
    int v = red(c, 60, 60);
    assert_true(v >= 120 && v <= 135);
    /* Colour channels go where they belong. */
    clear(c);
    assert_int_equal(raster_fill_rrect(c->ra, frect(10, 10, 100, 100), 5, 0x00FF00u, 255), 0);
    assert_int_equal(red(c, 60, 60), 0);
    assert_int_equal(soft_canvas_pixel(&c->sw, 60, 60) & 0xFFFFFFu, 0x00FF00u);
}

static void test_degenerate_shapes(void **state)
{
    struct canvas *c = *state;
    clear(c);
    /* No area: nothing drawn, no error. */
    assert_int_equal(raster_fill_rrect(c->ra, frect(10, 10, 0, 50), 5, INK, 255), 0);
    assert_int_equal(raster_fill_rrect(c->ra, frect(10, 10, 50, -3), 5, INK, 255), 0);
    assert_int_equal(raster_frame_rrect(c->ra, frect(10, 10, 0, 0), 5, 2, INK, 255), 0);
    assert_true(coverage(c) == 0.0);
    /* Far larger than the window: the arcs' points are bounded, and what
     * lands inside is drawn. */
    assert_int_equal(raster_ring(c->ra, 160, 120, 100000, 10, INK, 255), 0);
    assert_int_equal(raster_fill_rrect(c->ra, frect(-50000, -50000, 100000, 100000), 40000, INK, 255), 0);
    assert_int_equal(red(c, 160, 120), 0);
    assert_int_equal(raster_capsule(c->ra, -1e6f, 0, 1e6f, 240, 5000, INK, 255), 0);
    raster_free(NULL);
}

int main(void)
{
    if (SDL_Init(0) != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_rrect),
        cmocka_unit_test(test_frame_rrect),
        cmocka_unit_test(test_capsule),
        cmocka_unit_test(test_ring),
        cmocka_unit_test(test_alpha_blends),
        cmocka_unit_test(test_degenerate_shapes),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    SDL_Quit();
    return rc;
}
