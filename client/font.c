/* font.c: the font file search and the text cache (see font.h). The font
 * files are read into memory once; each size is opened from that memory, and
 * each (text, size, bold) is rendered once into a white texture. */
#include "font.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL_ttf.h>

/* One rendered string. */
struct font_text_entry {
    char *text;
    int px;
    int bold;
    int w, h;
    SDL_Texture *tex;
    uint64_t used;
};

/* One opened size of one face. */
struct font_size_entry {
    TTF_Font *font;
    int px;
    int bold;
    uint64_t used;
};

struct font_face {
    void *data;
    size_t len;
};

struct font_cache {
    SDL_Renderer *r;
    struct font_face faces[2]; /* regular, bold (bold.data NULL: use regular) */
    struct font_text_entry texts[FONT_CACHE_TEXTS];
    size_t text_count;
    struct font_size_entry sizes[FONT_CACHE_SIZES];
    size_t size_count;
    uint64_t clock;
};

static int readable(const char *path)
{
    return access(path, R_OK) == 0;
}

/* Join dir and file into out; 0, or -1 when it does not fit. */
static int join(char out[FONT_PATH_MAX], const char *dir, const char *file)
{
    size_t n = strlen(dir);
    const char *sep = n > 0 && dir[n - 1] == '/' ? "" : "/";
    int k = snprintf(out, FONT_PATH_MAX, "%s%s%s", dir, sep, file);
    return k < 0 || k >= FONT_PATH_MAX ? -1 : 0;
}

int font_find(const char *override, const char *base_dir, char out[FONT_PATH_MAX],
              char err[FONT_ERR_MAX])
{
    out[0] = '\0';
    err[0] = '\0';
    if (override) {
        const char *why = "empty path";
        if (override[0] && strlen(override) >= FONT_PATH_MAX)
            why = "path too long";
        else if (override[0] && !readable(override))
            why = strerror(errno);
        else if (override[0]) {
            snprintf(out, FONT_PATH_MAX, "%s", override);
            return 0;
        }
        snprintf(err, FONT_ERR_MAX, "cannot read the font file given with --font: %s: %s",
                 override, why);
        return -1;
    }

    char *sdl_base = NULL;
    if (!base_dir) {
        sdl_base = SDL_GetBasePath();
        base_dir = sdl_base;
    }
    char dirs[4][FONT_PATH_MAX];
    size_t ndirs = 0;
    if (base_dir && base_dir[0]) {
        if (join(dirs[ndirs], base_dir, "../assets") == 0)
            ndirs++;
        if (join(dirs[ndirs], base_dir, "../share/ttt/assets") == 0)
            ndirs++;
    }
#ifdef TTT_BUILD_ASSETS_DIR
    snprintf(dirs[ndirs++], FONT_PATH_MAX, "%s", TTT_BUILD_ASSETS_DIR);
#endif
#ifdef TTT_INSTALL_ASSETS_DIR
    snprintf(dirs[ndirs++], FONT_PATH_MAX, "%s", TTT_INSTALL_ASSETS_DIR);
#endif
    if (sdl_base)
        SDL_free(sdl_base);

    for (size_t i = 0; i < ndirs; i++) {
        if (join(out, dirs[i], FONT_FILE) == 0 && readable(out))
            return 0;
    }
    out[0] = '\0';
    size_t used = (size_t)snprintf(err, FONT_ERR_MAX, "no font found: %s is not in", FONT_FILE);
    for (size_t i = 0; i < ndirs && used < FONT_ERR_MAX; i++)
        used += (size_t)snprintf(err + used, FONT_ERR_MAX - used, "%s %s", i ? "," : "", dirs[i]);
    if (used < FONT_ERR_MAX)
        snprintf(err + used, FONT_ERR_MAX - used, "; give one with --font PATH");
    return -1;
}

/* Read a whole file into memory: 0, or -1 with err set. */
static int load_face(struct font_face *f, const char *path, char err[FONT_ERR_MAX])
{
    size_t len = 0;
    void *data = SDL_LoadFile(path, &len);
    if (!data || len == 0) {
        snprintf(err, FONT_ERR_MAX, "cannot read the font %.300s: %.150s", path, SDL_GetError());
        if (data)
            SDL_free(data);
        return -1;
    }
    f->data = data;
    f->len = len;
    return 0;
}

static TTF_Font *open_face(const struct font_face *f, int px)
{
    SDL_RWops *rw = SDL_RWFromConstMem(f->data, (int)f->len);
    if (!rw)
        return NULL;
    return TTF_OpenFontRW(rw, 1, px);
}

void font_cache_free(struct font_cache *fc)
{
    if (!fc)
        return;
    for (size_t i = 0; i < fc->text_count; i++) {
        SDL_DestroyTexture(fc->texts[i].tex);
        free(fc->texts[i].text);
    }
    for (size_t i = 0; i < fc->size_count; i++)
        TTF_CloseFont(fc->sizes[i].font);
    for (int i = 0; i < 2; i++)
        if (fc->faces[i].data)
            SDL_free(fc->faces[i].data);
    free(fc);
}

struct font_cache *font_cache_new(SDL_Renderer *r, const char *path, char err[FONT_ERR_MAX])
{
    err[0] = '\0';
    if (strlen(path) >= FONT_PATH_MAX) {
        snprintf(err, FONT_ERR_MAX, "font path too long");
        return NULL;
    }
    struct font_cache *fc = calloc(1, sizeof *fc);
    if (!fc) {
        snprintf(err, FONT_ERR_MAX, "out of memory");
        return NULL;
    }
    fc->r = r;
    if (load_face(&fc->faces[0], path, err) < 0) {
        font_cache_free(fc);
        return NULL;
    }
    /* Check it is a font by opening one size. */
    TTF_Font *probe = open_face(&fc->faces[0], 12);
    if (!probe) {
        snprintf(err, FONT_ERR_MAX, "%s is not a usable font: %s", path, TTF_GetError());
        font_cache_free(fc);
        return NULL;
    }
    TTF_CloseFont(probe);

    /* The bold face next to it, if the regular one is the usual file. */
    char bold[FONT_PATH_MAX];
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    if (strcmp(path + dirlen, FONT_FILE) == 0 &&
        (size_t)snprintf(bold, sizeof bold, "%.*s%s", (int)dirlen, path, FONT_BOLD_FILE) < sizeof bold &&
        readable(bold)) {
        char bold_err[FONT_ERR_MAX];
        if (load_face(&fc->faces[1], bold, bold_err) == 0) {
            TTF_Font *bp = open_face(&fc->faces[1], 12);
            if (bp)
                TTF_CloseFont(bp);
            else {
                SDL_free(fc->faces[1].data);
                fc->faces[1].data = NULL;
            }
        }
    }
    return fc;
}

/* The slot for a new entry in a table of `count` entries out of `cap`:
 * count itself while there is room, else the least recently used one (its
 * `used` stamp is at used_off in entries of `stride` bytes from base). */
static size_t lru_slot(const void *base, size_t stride, size_t used_off, size_t count, size_t cap)
{
    if (count < cap)
        return count;
    size_t slot = 0;
    uint64_t best = UINT64_MAX;
    for (size_t i = 0; i < count; i++) {
        uint64_t used;
        memcpy(&used, (const char *)base + i * stride + used_off, sizeof used);
        if (used < best) {
            best = used;
            slot = i;
        }
    }
    return slot;
}

/* The opened font for (px, bold), opening it (and closing the least recently
 * used size) when needed. NULL on failure. */
static TTF_Font *get_size(struct font_cache *fc, int px, int bold)
{
    bold = bold && fc->faces[1].data;
    for (size_t i = 0; i < fc->size_count; i++) {
        if (fc->sizes[i].px == px && fc->sizes[i].bold == bold) {
            fc->sizes[i].used = ++fc->clock;
            return fc->sizes[i].font;
        }
    }
    TTF_Font *f = open_face(&fc->faces[bold ? 1 : 0], px);
    if (!f)
        return NULL;
    TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
    size_t slot = lru_slot(fc->sizes, sizeof fc->sizes[0], offsetof(struct font_size_entry, used),
                           fc->size_count, FONT_CACHE_SIZES);
    if (slot < fc->size_count)
        TTF_CloseFont(fc->sizes[slot].font);
    else
        fc->size_count++;
    fc->sizes[slot].font = f;
    fc->sizes[slot].px = px;
    fc->sizes[slot].bold = bold;
    fc->sizes[slot].used = ++fc->clock;
    return f;
}

static int clamp_px(int px)
{
    return px < 4 ? 4 : px > 512 ? 512 : px;
}

int font_measure(struct font_cache *fc, const char *utf8, int px, int bold, int *w, int *h)
{
    *w = *h = 0;
    if (!utf8 || !utf8[0])
        return 0;
    TTF_Font *f = get_size(fc, clamp_px(px), bold);
    if (!f)
        return -1;
    return TTF_SizeUTF8(f, utf8, w, h) == 0 ? 0 : -1;
}

SDL_Texture *font_text(struct font_cache *fc, const char *utf8, int px, int bold, int *w, int *h)
{
    *w = *h = 0;
    if (!utf8 || !utf8[0])
        return NULL;
    px = clamp_px(px);
    bold = bold ? 1 : 0;
    for (size_t i = 0; i < fc->text_count; i++) {
        struct font_text_entry *e = &fc->texts[i];
        if (e->px == px && e->bold == bold && strcmp(e->text, utf8) == 0) {
            e->used = ++fc->clock;
            *w = e->w;
            *h = e->h;
            return e->tex;
        }
    }
    TTF_Font *f = get_size(fc, px, bold);
    if (!f)
        return NULL;
    SDL_Color white = { 255, 255, 255, 255 };
    SDL_Surface *s = TTF_RenderUTF8_Blended(f, utf8, white);
    if (!s)
        return NULL;
    SDL_Texture *t = SDL_CreateTextureFromSurface(fc->r, s);
    int sw = s->w, sh = s->h;
    SDL_FreeSurface(s);
    if (!t)
        return NULL;
    char *copy = strdup(utf8);
    if (!copy) {
        SDL_DestroyTexture(t);
        return NULL;
    }
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    size_t slot = lru_slot(fc->texts, sizeof fc->texts[0], offsetof(struct font_text_entry, used),
                           fc->text_count, FONT_CACHE_TEXTS);
    if (slot < fc->text_count) {
        SDL_DestroyTexture(fc->texts[slot].tex);
        free(fc->texts[slot].text);
    } else {
        fc->text_count++;
    }
    struct font_text_entry *e = &fc->texts[slot];
    e->text = copy;
    e->px = px;
    e->bold = bold;
    e->w = sw;
    e->h = sh;
    e->tex = t;
    e->used = ++fc->clock;
    *w = sw;
    *h = sh;
    return t;
}

size_t font_cache_count(const struct font_cache *fc)
{
    return fc->text_count;
}
