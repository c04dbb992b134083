/* SPDX-License-Identifier: MIT */
/* font.h: the client's fonts, found through fontconfig with a fallback font
 * per character, and text drawn with SDL2_ttf through a bounded cache of
 * rendered strings.
 *
 * The primary font is the --font file, else the file fontconfig matches for
 * DejaVu Sans (Debian's fonts-dejavu-core; where that is missing, the font
 * fontconfig puts in its place). No path is compiled in. Bold text uses the
 * primary family's bold face when fontconfig knows one, else the regular face
 * emboldened by SDL2_ttf.
 *
 * A character the primary font has no glyph for (Chinese, Japanese, Korean,
 * emoji, ...) is drawn from a fallback: the first fallback already open that
 * has it, else the font fontconfig chooses for that character, opened then
 * (FONT_FALLBACKS of them at most). A string is cut into runs of characters
 * that one font draws; the runs are rendered one by one and set side by side
 * on a common baseline. A character no installed font has is drawn by the
 * primary font: its missing-glyph box.
 *
 * Rendered strings are kept as white textures keyed by (text, pixel size,
 * bold) and tinted at draw time, so a frame that shows the same text as the
 * last costs no glyph rendering. The cache holds at most FONT_CACHE_TEXTS
 * strings and FONT_CACHE_SIZES opened (font, size) pairs; the least recently
 * used go. Font files are read into memory once each.
 */
#ifndef TTT_FONT_H
#define TTT_FONT_H

#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#define FONT_FAMILY "DejaVu Sans"
#define FONT_FALLBACKS 6
#define FONT_CACHE_TEXTS 192
#define FONT_CACHE_SIZES 32
#define FONT_PATH_MAX 4096
#define FONT_ERR_MAX 512
#define FONT_ELLIPSIS "\u2026"

/* The primary font's file. override: the --font value, or NULL for
 * FONT_FAMILY through fontconfig (no path is compiled in, none is looked
 * for beside the executable). Returns 0 with the path in out, or -1 with a
 * sentence for the user in err. */
int font_find(const char *override, char out[FONT_PATH_MAX], char err[FONT_ERR_MAX]);

struct font_cache;

/* Open the cache for renderer r with the primary font at path (its bold face
 * and the fallbacks come from fontconfig). TTF_Init() must have been called.
 * NULL with err set if the file is not a usable font or memory runs out. */
struct font_cache *font_cache_new(SDL_Renderer *r, const char *path, char err[FONT_ERR_MAX]);

/* Free every texture and font of the cache (before the renderer goes). NULL is fine. */
void font_cache_free(struct font_cache *fc);

/* The white texture of utf8 at px pixels (bold or not) with its size in
 * *w, *h; owned by the cache and valid until the next font_text call. NULL
 * for an empty string or when rendering fails. */
SDL_Texture *font_text(struct font_cache *fc, const char *utf8, int px, int bold, int *w, int *h);

/* The size utf8 would have, without rendering it. 0 on success, -1 on error. */
int font_measure(struct font_cache *fc, const char *utf8, int px, int bold, int *w, int *h);

/* utf8 shortened to fit max_w pixels: copied whole into out (cap bytes) when
 * it fits, else the longest leading part, cut at a character boundary, that
 * fits followed by FONT_ELLIPSIS ("" when not even the ellipsis fits).
 * The ellipsis is at the logical end: after right-to-left text it is drawn
 * as part of that text, at its left end, where its reader finishes.
 * Returns 1 when it was shortened, 0 when not, -1 when measuring failed
 * (out then holds utf8, cut to cap). */
int font_ellipsize(struct font_cache *fc, const char *utf8, int px, int bold, int max_w,
                   char *out, size_t cap);

/* The file of the font that draws code point cp (the primary's for a
 * character no font has), opening a fallback if needed. For tests and
 * diagnostics: never NULL. */
const char *font_face_file(struct font_cache *fc, uint32_t cp);

/* How many strings are cached now (for tests). */
size_t font_cache_count(const struct font_cache *fc);

#endif
