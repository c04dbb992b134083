/* SPDX-License-Identifier: MIT */
/* canvas.h: a canvas for the tests that check drawn pixels -- an ARGB8888
 * surface in memory with SDL's software renderer drawing into it, so that
 * the client's drawing runs without a window and every pixel can be read
 * back. */
#ifndef TTT_TEST_CANVAS_H
#define TTT_TEST_CANVAS_H

#include <stdint.h>

#include <SDL.h>

struct soft_canvas {
    SDL_Surface *s;  /* the pixels */
    SDL_Renderer *r; /* draws into s */
};

/* A w x h canvas (its pixels undefined until drawn). 0, or -1 with both
 * fields NULL, nothing left to free and SDL's reason on stderr. */
int soft_canvas_open(struct soft_canvas *c, int w, int h);

/* Free what soft_canvas_open made. */
void soft_canvas_close(struct soft_canvas *c);

/* Pixel (x, y), inside the canvas, as 0xAARRGGBB: what is drawn once the
 * renderer is flushed (SDL_RenderFlush). */
uint32_t soft_canvas_pixel(const struct soft_canvas *c, int x, int y);

#endif
