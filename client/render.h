/* SPDX-License-Identifier: MIT */
/* render.h: drawing a scene (scene.h) placed by a layout (layout.h) with an
 * SDL_Renderer -- any renderer, the software one included (tests draw into
 * an SDL_Surface). Shapes go through the path rasteriser (raster.h: triangles
 * with feathered edges); text goes through the font cache (font.h).
 *
 * The palette is fixed and public so tests can look for its colours.
 *
 * The buttons of a row (or of the menu column, or of the dialog) draw their
 * labels at one size: the body size, or less when one label must shrink to
 * fit its button (a list row shrinks alone).
 */
#ifndef TTT_RENDER_H
#define TTT_RENDER_H

#include <stdint.h>

#include <SDL.h>

#include "font.h"
#include "layout.h"
#include "scene.h"

/* The palette (0xRRGGBB). RENDER_WIN, RENDER_WIN_EDGE, RENDER_HOVER and
 * RENDER_LAST appear only on the board; X and O also mark the names and tint
 * the clock bar. */
#define RENDER_BG          0xF4F1EAu  /* window background */
#define RENDER_BOARD_BG    0xFFFDF8u  /* a free cell */
#define RENDER_GRID        0x3B4048u  /* grid lines */
#define RENDER_X           0xE4572Eu  /* X strokes */
#define RENDER_O           0x2274A5u  /* O rings */
#define RENDER_WIN         0x17B890u  /* the winning line */
#define RENDER_WIN_EDGE    0xFBFFFDu  /* the winning line's edges */
#define RENDER_HOVER       0xE9E2D0u  /* the free cell under the mouse on your turn */
#define RENDER_LAST        0xFFF1BFu  /* the last move's cell */
#define RENDER_TURN        0xEAE3D3u  /* behind the name of the player to move */
#define RENDER_CURSOR      0xF2A541u  /* keyboard cursor outline, focused button ring */
#define RENDER_TEXT        0x22262Bu
#define RENDER_TEXT_DIM    0x6B7280u
#define RENDER_GOOD        0x1E8449u
#define RENDER_BAD         0xC0392Bu
#define RENDER_WARN        0xB9770Eu
#define RENDER_PANEL       0xFFFFFFu  /* buttons, fields, dialog */
#define RENDER_BORDER      0xC9C3B6u
#define RENDER_PRIMARY     0x33658Au  /* primary button fill */

struct render;

/* A renderer's drawing state on r with the font file at font_path (found by
 * font_find). TTF_Init() must have been called. NULL with err set when the
 * font cannot be used or memory runs out. */
struct render *render_new(SDL_Renderer *r, const char *font_path, char err[FONT_ERR_MAX]);

/* Free it (before the SDL_Renderer is destroyed). NULL is fine. */
void render_free(struct render *rd);

/* Draw the whole frame: clear, then everything in sc where l put it (l must
 * come from layout_compute for the renderer's output size and this scene).
 * Does not call SDL_RenderPresent. 0, or -1 if an SDL call failed (the frame
 * may be incomplete; drawing again later is fine). */
int render_frame(struct render *rd, const struct scene *sc, const struct layout *l);

/* The first line of text (a name's own shortening aside) that the last
 * render_frame had to cut with an ellipsis, or NULL when every one was drawn
 * whole. For tests: at the minimum window size every word is readable. */
const char *render_shortened(const struct render *rd);

/* The font cache (for tests and measuring). */
struct font_cache *render_fonts(struct render *rd);

/* ttt's window icon, as packaging/icons/ttt.svg draws it (the board in the
 * window's colours: a rounded tile, the grid, an X in two corners and an O
 * in the centre), drawn by the board's own code with SDL's software
 * renderer into a size x size RGBA surface, transparent around the tile
 * (SDL_image is no dependency). NULL with SDL_GetError() set when SDL
 * fails; free it with SDL_FreeSurface. */
SDL_Surface *render_icon(int size);

#endif
