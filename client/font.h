/* font.h: finding the client's font file and drawing text with SDL2_ttf
 * through a bounded cache of rendered strings.
 *
 * The font is looked for, in order: the --font path; next to the executable
 * ($exe_dir/../assets in a build tree, $exe_dir/../share/ttt/assets in an
 * install); the compile-time build tree's assets directory; the compile-time
 * install's $prefix/share/ttt/assets. Not finding it is an error string for
 * the caller to show, never a crash.
 *
 * Rendered strings are kept as white textures keyed by (text, pixel size,
 * bold) and tinted at draw time, so a frame that shows the same text as the
 * last costs no glyph rendering. The cache holds at most FONT_CACHE_TEXTS
 * strings and FONT_CACHE_SIZES opened sizes; the least recently used go.
 */
#ifndef TTT_FONT_H
#define TTT_FONT_H

#include <stddef.h>

#include <SDL.h>

#define FONT_FILE "DejaVuSans.ttf"
#define FONT_BOLD_FILE "DejaVuSans-Bold.ttf"
#define FONT_CACHE_TEXTS 192
#define FONT_CACHE_SIZES 24
#define FONT_PATH_MAX 4096
#define FONT_ERR_MAX 512

/* Find the regular font file. override: the --font value or NULL. base_dir:
 * the executable's directory (with or without a trailing '/'), or NULL to ask
 * SDL_GetBasePath(). Returns 0 with the path in out, or -1 with a sentence
 * for the user in err (naming the places looked at). */
int font_find(const char *override, const char *base_dir, char out[FONT_PATH_MAX],
              char err[FONT_ERR_MAX]);

struct font_cache;

/* Open the cache for renderer r with the regular font at path; the bold face
 * is FONT_BOLD_FILE in the same directory when present (else the regular one
 * is used for bold too). TTF_Init() must have been called. NULL with err set
 * if the file is not a usable font or memory runs out. */
struct font_cache *font_cache_new(SDL_Renderer *r, const char *path, char err[FONT_ERR_MAX]);

/* Free every texture and font of the cache (before the renderer goes). NULL is fine. */
void font_cache_free(struct font_cache *fc);

/* The white texture of utf8 at px pixels (bold or not) with its size in
 * *w, *h; owned by the cache and valid until the next font_text call. NULL
 * for an empty string or when rendering fails. */
SDL_Texture *font_text(struct font_cache *fc, const char *utf8, int px, int bold, int *w, int *h);

/* The size utf8 would have, without rendering it. 0 on success, -1 on error. */
int font_measure(struct font_cache *fc, const char *utf8, int px, int bold, int *w, int *h);

/* How many strings are cached now (for tests). */
size_t font_cache_count(const struct font_cache *fc);

#endif
