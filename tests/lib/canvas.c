/* SPDX-License-Identifier: MIT */
/* canvas.c: the software canvas of canvas.h. */
#include "canvas.h"

#include <stdio.h>
#include <string.h>

int soft_canvas_open(struct soft_canvas *c, int w, int h)
{
    c->r = NULL;
    c->s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (c->s)
        c->r = SDL_CreateSoftwareRenderer(c->s);
    if (c->r)
        return 0;
    fprintf(stderr, "a %dx%d software canvas: %s\n", w, h, SDL_GetError());
    SDL_FreeSurface(c->s);
    c->s = NULL;
    return -1;
}

void soft_canvas_close(struct soft_canvas *c)
{
    SDL_DestroyRenderer(c->r);
    SDL_FreeSurface(c->s);
}

uint32_t soft_canvas_pixel(const struct soft_canvas *c, int x, int y)
{
    const uint8_t *row = (const uint8_t *)c->s->pixels + (size_t)y * (size_t)c->s->pitch;
    uint32_t p;
    memcpy(&p, row + (size_t)x * 4, 4);
    return p;
}
