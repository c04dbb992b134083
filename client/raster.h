/* SPDX-License-Identifier: MIT */
/* raster.h: smooth shapes for an SDL_Renderer -- filled and outlined rounded
 * rects, rings, capsules (thick strokes with round ends) -- drawn as
 * triangles through SDL_RenderGeometry with a one-pixel feather whose alpha
 * falls to zero, so edges look smooth on any renderer, the software one
 * included. No fonts, no layout: coordinates are drawable pixels (floats),
 * colours 0xRRGGBB with a separate alpha.
 *
 * A shape with no area (a rect with w or h <= 0) draws nothing. Arcs get
 * more points as they grow, up to a fixed bound, so the work per shape is
 * bounded and no call allocates.
 */
#ifndef TTT_RASTER_H
#define TTT_RASTER_H

#include <stdint.h>

#include <SDL.h>

struct raster;

/* The drawing state (point and vertex buffers) for r; NULL when memory runs
 * out. Free it with raster_free before r is destroyed. */
struct raster *raster_new(SDL_Renderer *r);

/* Free it. NULL is fine. */
void raster_free(struct raster *ra);

/* Each draw below returns 0, or -1 when SDL_RenderGeometry failed. */

/* Fill rect with corners rounded at radius (at most half the shorter side). */
int raster_fill_rrect(struct raster *ra, SDL_FRect rect, float radius, uint32_t rgb,
                      uint8_t alpha);

/* Outline rect with corners rounded at radius, in a band `width` wide that
 * lies inside rect. */
int raster_frame_rrect(struct raster *ra, SDL_FRect rect, float radius, float width,
                       uint32_t rgb, uint8_t alpha);

/* A stroke `width` wide from (x0, y0) to (x1, y1) with round ends (they reach
 * width / 2 past the two points). */
int raster_capsule(struct raster *ra, float x0, float y0, float x1, float y1, float width,
                   uint32_t rgb, uint8_t alpha);

/* A ring around (cx, cy): a band `width` wide centred on the circle of radius
 * `radius`. */
int raster_ring(struct raster *ra, float cx, float cy, float radius, float width, uint32_t rgb,
                uint8_t alpha);

#endif
