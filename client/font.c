/* SPDX-License-Identifier: MIT */
/* font.c: the fonts (found through fontconfig), the choice of a font per
 * character, the direction of each run (Arabic and Hebrew shaped right to
 * left, Arabic letters joined), and the text cache (see font.h). Each font file is read into
 * memory once; each (font, size) is opened from that memory, and each (text,
 * size, bold) is rendered once into a white texture. */
#include "font.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL_ttf.h>
#include <fontconfig/fontconfig.h>

#include "text.h"

enum { FACE_REGULAR = 0, FACE_BOLD = 1, FACE_FALLBACK = 2, FACE_MAX = 2 + FONT_FALLBACKS };

#define CP_CACHE 256        /* remembered fallback choices (direct-mapped) */
#define RUNS_MAX 48         /* runs of one string; the rest joins the last */
#define PROBE_PX 12

/* One rendered string. */
struct font_text_entry {
    char *text;
    int px;
    int bold;
    int w, h;
    SDL_Texture *tex;
    uint64_t used;
};

/* One opened size of one face, emboldened or not. */
struct font_size_entry {
    TTF_Font *font;
    int face;
    int px;
    int embolden;
    uint64_t used;
};

struct font_face {
    void *data;                /* the whole file; NULL: slot unused */
    size_t len;
    long index;                /* the face's index in a collection (.ttc) */
    TTF_Font *probe;           /* opened at PROBE_PX: which glyphs the face has */
    char file[FONT_PATH_MAX];
};

/* A remembered choice: code point cp is drawn by face (FACE_REGULAR also
 * when no font has it). */
struct cp_choice {
    uint32_t cp;
    uint8_t face;
    uint8_t known;
};

/* The scripts shaped right to left; the rest is drawn left to right. */
enum { SCRIPT_LTR = 0, SCRIPT_ARABIC, SCRIPT_HEBREW };

/* A run of a string: bytes [start, start + len) drawn by one face, in one
 * direction (a right-to-left run is shaped as its script: Arabic letters
 * join). */
struct run {
    size_t start, len;
    int face;
    int embolden;
    int script;
};

struct font_cache {
    SDL_Renderer *r;
    FcConfig *fc_config;       /* NULL when fontconfig could not start: no fallbacks */
    struct font_face faces[FACE_MAX];
    int face_count;            /* FACE_FALLBACK + fallbacks opened */
    struct cp_choice cps[CP_CACHE];
    struct font_text_entry texts[FONT_CACHE_TEXTS];
    size_t text_count;
    struct font_size_entry sizes[FONT_CACHE_SIZES];
    size_t size_count;
    uint64_t clock;
};

/* ---- finding files with fontconfig ---- */

/* The file and face index fontconfig matches for pattern p (consumed);
 * 0, or -1 when there is none. With cp set, only a font that has cp. */
static int fc_match(FcConfig *cfg, FcPattern *p, uint32_t cp, char out[FONT_PATH_MAX], long *index)
{
    int rc = -1;
    if (!FcConfigSubstitute(cfg, p, FcMatchPattern)) {
        FcPatternDestroy(p);
        return -1;
    }
    FcDefaultSubstitute(p);
    FcResult res;
    FcPattern *m = FcFontMatch(cfg, p, &res);
    FcPatternDestroy(p);
    if (!m)
        return -1;
    FcChar8 *file = NULL;
    int idx = 0;
    FcCharSet *cs = NULL;
    int has = !cp || (FcPatternGetCharSet(m, FC_CHARSET, 0, &cs) == FcResultMatch &&
                      FcCharSetHasChar(cs, cp));
    if (has && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch &&
        strlen((const char *)file) < FONT_PATH_MAX) {
        if (FcPatternGetInteger(m, FC_INDEX, 0, &idx) != FcResultMatch)
            idx = 0;
        snprintf(out, FONT_PATH_MAX, "%s", (const char *)file);
        *index = idx;
        rc = 0;
    }
    FcPatternDestroy(m);
    return rc;
}

/* The file of `family` at `weight` (FC_WEIGHT_*). 0, or -1. */
static int fc_family_file(FcConfig *cfg, const char *family, int weight, char out[FONT_PATH_MAX],
                          long *index)
{
    FcPattern *p = FcPatternCreate();
    if (!p)
        return -1;
    FcPatternAddString(p, FC_FAMILY, (const FcChar8 *)family);
    FcPatternAddInteger(p, FC_WEIGHT, weight);
    FcPatternAddInteger(p, FC_SLANT, FC_SLANT_ROMAN);
    return fc_match(cfg, p, 0, out, index);
}

int font_find(const char *override, char out[FONT_PATH_MAX], char err[FONT_ERR_MAX])
{
    out[0] = '\0';
    err[0] = '\0';
    if (override) {
        const char *why = "empty path";
        if (override[0] && strlen(override) >= FONT_PATH_MAX)
            why = "path too long";
        else if (override[0] && access(override, R_OK) != 0)
            why = strerror(errno);
        else if (override[0]) {
            snprintf(out, FONT_PATH_MAX, "%s", override);
            return 0;
        }
        snprintf(err, FONT_ERR_MAX, "cannot read the font file given with --font: %s: %s",
                 override, why);
        return -1;
    }
    FcConfig *cfg = FcInitLoadConfigAndFonts();
    long index = 0;
    int rc = cfg ? fc_family_file(cfg, FONT_FAMILY, FC_WEIGHT_REGULAR, out, &index) : -1;
    if (cfg)
        FcConfigDestroy(cfg);
    if (rc == 0 && access(out, R_OK) == 0)
        return 0;
    out[0] = '\0';
    snprintf(err, FONT_ERR_MAX, "no font found: fontconfig knows no %s nor any font in its "
             "place (Debian: apt install fonts-dejavu-core); or give one with --font PATH",
             FONT_FAMILY);
    return -1;
}

/* ---- faces ---- */

/* Read face `index` of file `path` into face slot f and open its probe: 0,
 * or -1 with err set (err may be NULL). */
static int load_face(struct font_face *f, const char *path, long index, char *err)
{
    size_t len = 0;
    void *data = SDL_LoadFile(path, &len);
    if (!data || len == 0 || len > INT32_MAX) {
        if (err)
            snprintf(err, FONT_ERR_MAX, "cannot read the font %.300s: %.150s", path,
                     data ? "file too large" : SDL_GetError());
        SDL_free(data);
        return -1;
    }
    SDL_RWops *rw = SDL_RWFromConstMem(data, (int)len);
    TTF_Font *probe = rw ? TTF_OpenFontIndexRW(rw, 1, PROBE_PX, index) : NULL;
    if (!probe) {
        if (err)
            snprintf(err, FONT_ERR_MAX, "%.300s is not a usable font: %.150s", path, TTF_GetError());
        SDL_free(data);
        return -1;
    }
    f->data = data;
    f->len = len;
    f->index = index;
    f->probe = probe;
    snprintf(f->file, sizeof f->file, "%s", path);
    return 0;
}

static void unload_face(struct font_face *f)
{
    if (f->probe)
        TTF_CloseFont(f->probe);
    SDL_free(f->data);
    memset(f, 0, sizeof *f);
}

/* The bold face of the primary's family, when fontconfig has one that is
 * not the primary file itself. */
static void load_bold(struct font_cache *fc)
{
    const char *family = TTF_FontFaceFamilyName(fc->faces[FACE_REGULAR].probe);
    char file[FONT_PATH_MAX];
    long index = 0;
    if (!fc->fc_config || !family ||
        fc_family_file(fc->fc_config, family, FC_WEIGHT_BOLD, file, &index) < 0)
        return;
    if (strcmp(file, fc->faces[FACE_REGULAR].file) == 0 && index == fc->faces[FACE_REGULAR].index)
        return;
    if (load_face(&fc->faces[FACE_BOLD], file, index, NULL) < 0)
        return;
    const char *bold_family = TTF_FontFaceFamilyName(fc->faces[FACE_BOLD].probe);
    if (!bold_family || strcmp(bold_family, family) != 0 ||
        !(TTF_GetFontStyle(fc->faces[FACE_BOLD].probe) & TTF_STYLE_BOLD))
        unload_face(&fc->faces[FACE_BOLD]); /* another family's: embolden ours instead */
}

static int face_has(const struct font_cache *fc, int face, uint32_t cp)
{
    return fc->faces[face].probe && TTF_GlyphIsProvided32(fc->faces[face].probe, cp) != 0;
}

/* Open the font fontconfig chooses for cp as a new fallback: its slot, or
 * FACE_REGULAR when there is none, no room, or it is open already. */
static int open_fallback(struct font_cache *fc, uint32_t cp)
{
    if (!fc->fc_config || fc->face_count >= FACE_MAX)
        return FACE_REGULAR;
    FcPattern *p = FcPatternCreate();
    FcCharSet *cs = FcCharSetCreate();
    if (!p || !cs || !FcCharSetAddChar(cs, cp) || !FcPatternAddCharSet(p, FC_CHARSET, cs)) {
        if (p)
            FcPatternDestroy(p);
        if (cs)
            FcCharSetDestroy(cs);
        return FACE_REGULAR;
    }
    FcCharSetDestroy(cs); /* the pattern holds its own reference */
    FcPatternAddString(p, FC_FAMILY, (const FcChar8 *)"sans-serif");
    char file[FONT_PATH_MAX];
    long index = 0;
    if (fc_match(fc->fc_config, p, cp, file, &index) < 0)
        return FACE_REGULAR;
    for (int i = 0; i < fc->face_count; i++)
        if (fc->faces[i].data && fc->faces[i].index == index && strcmp(fc->faces[i].file, file) == 0)
            return FACE_REGULAR; /* an open face that does not have it after all */
    int slot = fc->face_count;
    if (load_face(&fc->faces[slot], file, index, NULL) < 0)
        return FACE_REGULAR;
    if (!face_has(fc, slot, cp)) {
        unload_face(&fc->faces[slot]);
        return FACE_REGULAR;
    }
    fc->face_count++;
    return slot;
}

/* The face that draws cp when the primary has no glyph for it. */
static int fallback_for(struct font_cache *fc, uint32_t cp)
{
    struct cp_choice *c = &fc->cps[(cp * 2654435761u) % CP_CACHE];
    if (c->known && c->cp == cp)
        return c->face;
    int face = FACE_REGULAR;
    for (int i = FACE_FALLBACK; i < fc->face_count && face == FACE_REGULAR; i++)
        if (face_has(fc, i, cp))
            face = i;
    if (face == FACE_REGULAR)
        face = open_fallback(fc, cp);
    c->cp = cp;
    c->face = (uint8_t)face;
    c->known = 1;
    return face;
}

/* Characters that belong with the one before them: combining marks,
 * variation selectors, the zero-width joiner of emoji sequences. */
static int joins_previous(uint32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x200D ||
           (cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

/* The right-to-left script of cp, or SCRIPT_LTR. */
static int rtl_script(uint32_t cp)
{
    if ((cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) ||
        (cp >= 0x08A0 && cp <= 0x08FF) || (cp >= 0xFB50 && cp <= 0xFDFF) ||
        (cp >= 0xFE70 && cp <= 0xFEFF))
        return SCRIPT_ARABIC;
    if ((cp >= 0x0590 && cp <= 0x05FF) || (cp >= 0xFB1D && cp <= 0xFB4F))
        return SCRIPT_HEBREW;
    return SCRIPT_LTR;
}

/* The script of the character at utf8[i]: its own, or for a space or a
 * mark inside a right-to-left word or phrase (`prev`, the run's script, and
 * the next letter's the same) that script; a space before Latin text or at
 * the end stays left to right. The ellipsis after right-to-left text is
 * where that text was cut (font_ellipsize): it ends the run, at the run's
 * left, where its reader reaches the end. */
static int script_at(const char *utf8, size_t i, size_t n, uint32_t cp, int prev)
{
    int own = rtl_script(cp);
    if (own != SCRIPT_LTR || prev == SCRIPT_LTR)
        return own;
    if (joins_previous(cp) || cp == 0x2026)
        return prev;
    if (cp != ' ')
        return SCRIPT_LTR;
    for (size_t k; i < n; i += k) {
        uint32_t next = 0;
        k = text_utf8_next((const uint8_t *)utf8 + i, n - i, &next);
        if (k == 0)
            return SCRIPT_LTR;
        if (next != ' ')
            return rtl_script(next) == prev ? prev : SCRIPT_LTR;
    }
    return SCRIPT_LTR;
}

/* Set font f up to shape a run of `script` (SDL_ttf shapes with HarfBuzz:
 * by default left to right, letters unjoined). Returns f. */
static TTF_Font *shaped(TTF_Font *f, int script)
{
    TTF_SetFontDirection(f, script == SCRIPT_LTR ? TTF_DIRECTION_LTR : TTF_DIRECTION_RTL);
    TTF_SetFontScriptName(f, script == SCRIPT_ARABIC ? "Arab" : script == SCRIPT_HEBREW ? "Hebr" : "Zzzz");
    return f;
}

/* The face (and whether to embolden it) for cp in text of weight `bold`. */
static int face_for(struct font_cache *fc, uint32_t cp, int bold, int *embolden)
{
    int face;
    if (bold && fc->faces[FACE_BOLD].data && face_has(fc, FACE_BOLD, cp))
        face = FACE_BOLD;
    else if (cp < 0x80 || face_has(fc, FACE_REGULAR, cp))
        face = FACE_REGULAR;
    else
        face = fallback_for(fc, cp);
    *embolden = bold && face != FACE_BOLD;
    return face;
}

/* Cut utf8 into runs of one face each: their count (1 at least for a
 * non-empty string). */
static int split_runs(struct font_cache *fc, const char *utf8, int bold, struct run *runs)
{
    size_t n = strlen(utf8), i = 0;
    int count = 0;
    while (i < n) {
        uint32_t cp = 0xFFFD;
        size_t k = text_utf8_next((const uint8_t *)utf8 + i, n - i, &cp);
        if (k == 0) {
            k = 1; /* not UTF-8: the primary font's replacement */
            cp = 0xFFFD;
        }
        int embolden = 0;
        int face = count > 0 && joins_previous(cp) ? runs[count - 1].face
                                                   : face_for(fc, cp, bold, &embolden);
        if (count > 0 && joins_previous(cp))
            embolden = runs[count - 1].embolden;
        int script = script_at(utf8, i + k, n, cp, count > 0 ? runs[count - 1].script : SCRIPT_LTR);
        if (count > 0 && (count == RUNS_MAX ||
                          (runs[count - 1].face == face && runs[count - 1].embolden == embolden &&
                           runs[count - 1].script == script))) {
            runs[count - 1].len += k;
        } else {
            runs[count] = (struct run){ i, k, face, embolden, script };
            count++;
        }
        i += k;
    }
    return count;
}

/* ---- the cache ---- */

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
    for (int i = 0; i < FACE_MAX; i++)
        unload_face(&fc->faces[i]);
    if (fc->fc_config)
        FcConfigDestroy(fc->fc_config);
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
    fc->face_count = FACE_FALLBACK;
    if (load_face(&fc->faces[FACE_REGULAR], path, 0, err) < 0) {
        font_cache_free(fc);
        return NULL;
    }
    fc->fc_config = FcInitLoadConfigAndFonts(); /* NULL: no bold face, no fallbacks */
    load_bold(fc);
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

/* The opened font for (face, px, embolden), opening it (and closing the
 * least recently used size) when needed. NULL on failure. */
static TTF_Font *get_size(struct font_cache *fc, int face, int px, int embolden)
{
    for (size_t i = 0; i < fc->size_count; i++) {
        struct font_size_entry *e = &fc->sizes[i];
        if (e->face == face && e->px == px && e->embolden == embolden) {
            e->used = ++fc->clock;
            return e->font;
        }
    }
    const struct font_face *f = &fc->faces[face];
    SDL_RWops *rw = SDL_RWFromConstMem(f->data, (int)f->len);
    TTF_Font *font = rw ? TTF_OpenFontIndexRW(rw, 1, px, f->index) : NULL;
    if (!font)
        return NULL;
    TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
    if (embolden)
        TTF_SetFontStyle(font, TTF_STYLE_BOLD);
    size_t slot = lru_slot(fc->sizes, sizeof fc->sizes[0], offsetof(struct font_size_entry, used),
                           fc->size_count, FONT_CACHE_SIZES);
    if (slot < fc->size_count)
        TTF_CloseFont(fc->sizes[slot].font);
    else
        fc->size_count++;
    fc->sizes[slot] = (struct font_size_entry){ font, face, px, embolden, ++fc->clock };
    return font;
}

static int clamp_px(int px)
{
    return px < 4 ? 4 : px > 512 ? 512 : px;
}

/* Run `ru` of utf8 as its own string: utf8 itself when the run is the whole
 * string, else a copy in buf (cap bytes) or, when longer, on the heap
 * (*heap, for the caller to free). NULL when memory runs out. */
static const char *run_text(const char *utf8, const struct run *ru, int whole, char *buf,
                            size_t cap, char **heap)
{
    *heap = NULL;
    if (whole)
        return utf8;
    char *dst = buf;
    if (ru->len >= cap) {
        dst = *heap = malloc(ru->len + 1);
        if (!dst)
            return NULL;
    }
    memcpy(dst, utf8 + ru->start, ru->len);
    dst[ru->len] = '\0';
    return dst;
}

/* The font of each run, each run's width, and the line's ascent and
 * descent (what its runs' surfaces reach below the baseline, so that the
 * line is as high as its highest run's surface): 0, or -1 on failure. */
static int measure_runs(struct font_cache *fc, const char *utf8, const struct run *runs, int n,
                        int px, TTF_Font **fonts, int *widths, int *ascent, int *descent)
{
    *ascent = *descent = 0;
    for (int i = 0; i < n; i++) {
        fonts[i] = get_size(fc, runs[i].face, px, runs[i].embolden);
        if (!fonts[i])
            return -1;
        char buf[256], *heap;
        const char *t = run_text(utf8, &runs[i], n == 1, buf, sizeof buf, &heap);
        int h = 0;
        int rc = t ? TTF_SizeUTF8(shaped(fonts[i], runs[i].script), t, &widths[i], &h) : -1;
        free(heap);
        if (rc != 0)
            return -1;
        if (TTF_FontAscent(fonts[i]) > *ascent)
            *ascent = TTF_FontAscent(fonts[i]);
        int below = TTF_FontHeight(fonts[i]) - TTF_FontAscent(fonts[i]); /* a run's surface */
        if (below > *descent)
            *descent = below;
    }
    return 0;
}

int font_measure(struct font_cache *fc, const char *utf8, int px, int bold, int *w, int *h)
{
    *w = *h = 0;
    if (!utf8 || !utf8[0])
        return 0;
    struct run runs[RUNS_MAX];
    TTF_Font *fonts[RUNS_MAX];
    int widths[RUNS_MAX], ascent, descent;
    int n = split_runs(fc, utf8, bold != 0, runs);
    if (measure_runs(fc, utf8, runs, n, clamp_px(px), fonts, widths, &ascent, &descent) < 0)
        return -1;
    for (int i = 0; i < n; i++)
        *w += widths[i];
    *h = ascent + descent;
    return 0;
}

/* Render utf8 white: one surface, its runs side by side on one baseline.
 * NULL on failure. */
static SDL_Surface *render_runs(struct font_cache *fc, const char *utf8, int px, int bold)
{
    struct run runs[RUNS_MAX];
    TTF_Font *fonts[RUNS_MAX];
    int widths[RUNS_MAX], ascent, descent, total = 0;
    SDL_Color white = { 255, 255, 255, 255 };
    int n = split_runs(fc, utf8, bold, runs);
    if (measure_runs(fc, utf8, runs, n, px, fonts, widths, &ascent, &descent) < 0)
        return NULL;
    if (n == 1)
        return TTF_RenderUTF8_Blended(shaped(fonts[0], runs[0].script), utf8, white);
    for (int i = 0; i < n; i++)
        total += widths[i];
    SDL_Surface *line = SDL_CreateRGBSurfaceWithFormat(0, total > 0 ? total : 1,
                                                       ascent + descent > 0 ? ascent + descent : 1,
                                                       32, SDL_PIXELFORMAT_ARGB8888);
    for (int i = 0, x = 0; line && i < n; x += widths[i], i++) {
        char buf[256], *heap;
        const char *t = run_text(utf8, &runs[i], 0, buf, sizeof buf, &heap);
        SDL_Surface *s = t ? TTF_RenderUTF8_Blended(shaped(fonts[i], runs[i].script), t, white) : NULL;
        free(heap);
        SDL_Rect at = { x, ascent - TTF_FontAscent(fonts[i]), s ? s->w : 0, s ? s->h : 0 };
        int rc = s ? SDL_SetSurfaceBlendMode(s, SDL_BLENDMODE_NONE) : -1;
        if (rc == 0)
            rc = SDL_BlitSurface(s, NULL, line, &at);
        SDL_FreeSurface(s);
        if (rc != 0) {
            SDL_FreeSurface(line);
            line = NULL;
        }
    }
    return line;
}

/* A cached texture for (utf8, px, bold), or NULL. */
static struct font_text_entry *cached(struct font_cache *fc, const char *utf8, int px, int bold)
{
    for (size_t i = 0; i < fc->text_count; i++) {
        struct font_text_entry *e = &fc->texts[i];
        if (e->px == px && e->bold == bold && strcmp(e->text, utf8) == 0) {
            e->used = ++fc->clock;
            return e;
        }
    }
    return NULL;
}

SDL_Texture *font_text(struct font_cache *fc, const char *utf8, int px, int bold, int *w, int *h)
{
    *w = *h = 0;
    if (!utf8 || !utf8[0])
        return NULL;
    px = clamp_px(px);
    bold = bold ? 1 : 0;
    struct font_text_entry *e = cached(fc, utf8, px, bold);
    if (!e) {
        SDL_Surface *s = render_runs(fc, utf8, px, bold);
        SDL_Texture *t = s ? SDL_CreateTextureFromSurface(fc->r, s) : NULL;
        int sw = s ? s->w : 0, sh = s ? s->h : 0;
        SDL_FreeSurface(s);
        char *copy = t ? strdup(utf8) : NULL;
        if (!copy) {
            if (t)
                SDL_DestroyTexture(t);
            return NULL;
        }
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
        size_t slot = lru_slot(fc->texts, sizeof fc->texts[0],
                               offsetof(struct font_text_entry, used), fc->text_count,
                               FONT_CACHE_TEXTS);
        if (slot < fc->text_count) {
            SDL_DestroyTexture(fc->texts[slot].tex);
            free(fc->texts[slot].text);
        } else {
            fc->text_count++;
        }
        e = &fc->texts[slot];
        *e = (struct font_text_entry){ copy, px, bold, sw, sh, t, ++fc->clock };
    }
    *w = e->w;
    *h = e->h;
    return e->tex;
}

/* The byte offset of the character boundary at or before offset `at` in s. */
static size_t boundary_before(const char *s, size_t at)
{
    while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
        at--;
    return at;
}

/* The byte offset of the next character boundary after `at` (< n) in s. */
static size_t boundary_after(const char *s, size_t at, size_t n)
{
    at++;
    while (at < n && ((unsigned char)s[at] & 0xC0) == 0x80)
        at++;
    return at;
}

/* Write the first n bytes of utf8 and the ellipsis into out: 1 when that
 * fits max_w (and cap), 0 when not, -1 when measuring failed. */
static int prefix_fits(struct font_cache *fc, const char *utf8, size_t n, int px, int bold,
                       int max_w, char *out, size_t cap)
{
    size_t el = sizeof FONT_ELLIPSIS - 1;
    if (n + el >= cap)
        return 0;
    memcpy(out, utf8, n);
    memcpy(out + n, FONT_ELLIPSIS, el + 1);
    int w, h;
    if (font_measure(fc, out, px, bold, &w, &h) < 0)
        return -1;
    return w <= max_w;
}

int font_ellipsize(struct font_cache *fc, const char *utf8, int px, int bold, int max_w,
                   char *out, size_t cap)
{
    if (!out || cap == 0)
        return -1;
    int w = 0, h = 0;
    size_t n = utf8 ? strlen(utf8) : 0;
    if (n == 0) {
        out[0] = '\0';
        return 0;
    }
    int rc = font_measure(fc, utf8, px, bold, &w, &h);
    if (n < cap && (rc < 0 || w <= max_w)) {
        memcpy(out, utf8, n + 1);
        return rc < 0 ? -1 : 0;
    }
    /* The longest prefix, cut at a character boundary, that fits with the
     * ellipsis: widths grow with the prefix, so search by halves. Prefix
     * lo fits (or is empty); none longer than hi does. */
    size_t lo = 0, hi = boundary_before(utf8, n < cap ? n : cap - 1);
    while (lo < hi) {
        size_t mid = boundary_before(utf8, lo + (hi - lo + 1) / 2);
        if (mid <= lo)
            mid = boundary_after(utf8, lo, n);
        int fits = prefix_fits(fc, utf8, mid, px, bold, max_w, out, cap);
        if (fits < 0)
            return -1;
        if (fits)
            lo = mid;
        else
            hi = boundary_before(utf8, mid - 1);
    }
    int fits = prefix_fits(fc, utf8, lo, px, bold, max_w, out, cap);
    if (fits < 0)
        return -1;
    if (!fits)
        out[0] = '\0';
    return 1;
}

const char *font_face_file(struct font_cache *fc, uint32_t cp)
{
    int embolden;
    return fc->faces[face_for(fc, cp, 0, &embolden)].file;
}

size_t font_cache_count(const struct font_cache *fc)
{
    return fc->text_count;
}
