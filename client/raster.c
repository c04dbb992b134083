/* SPDX-License-Identifier: MIT */
/* raster.c: the path rasteriser behind raster.h.
 *
 * Every shape is a path of (centre, direction) points: a circle has one
 * centre, a capsule two, a rounded rect four. Drawing the path at a radius
 * puts each point at centre + direction * radius. A path is filled (a
 * triangle fan from the centroid, with an outer feather strip) or stroked as
 * a band (a closed strip of three quads per point: feather, solid, feather).
 */
#include "raster.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI_F 3.14159265f
#define PATH_MAX_PTS 512
#define VERT_MAX (4 * PATH_MAX_PTS + 8)
#define IDX_MAX (18 * PATH_MAX_PTS + 8)
#define FEATHER 1.0f

struct path_pt {
    float cx, cy;     /* the centre this point turns around */
    float dx, dy;     /* unit direction from the centre (also the outward normal) */
};

struct raster {
    SDL_Renderer *r;
    struct path_pt path[PATH_MAX_PTS];
    SDL_Vertex v[VERT_MAX];
    int idx[IDX_MAX];
};

static SDL_Color rgba(uint32_t rgb, uint8_t a)
{
    SDL_Color c = { (uint8_t)(rgb >> 16), (uint8_t)(rgb >> 8), (uint8_t)rgb, a };
    return c;
}

/* ---- paths ---- */

static int segments_for(float radius, int lo, int hi)
{
    int n = (int)(radius * 0.8f);
    return n < lo ? lo : n > hi ? hi : n;
}

/* An arc of n+1 points around (cx, cy) from angle a0 to a1. */
static int path_arc(struct path_pt *p, int at, float cx, float cy, float a0, float a1, int n)
{
    for (int i = 0; i <= n && at < PATH_MAX_PTS; i++) {
        float a = a0 + (a1 - a0) * (float)i / (float)n;
        p[at].cx = cx;
        p[at].cy = cy;
        p[at].dx = cosf(a);
        p[at].dy = sinf(a);
        at++;
    }
    return at;
}

static int path_circle(struct path_pt *p, float cx, float cy, float radius)
{
    int n = segments_for(radius, 24, 160);
    /* n points: the arc's last point would repeat the first. */
    return path_arc(p, 0, cx, cy, 0.0f, 2.0f * PI_F * (float)(n - 1) / (float)n, n - 1);
}

static int path_capsule(struct path_pt *p, float x0, float y0, float x1, float y1, float radius)
{
    float a = atan2f(y1 - y0, x1 - x0);
    int n = segments_for(radius, 6, 40);
    int at = path_arc(p, 0, x1, y1, a - PI_F / 2, a + PI_F / 2, n);
    return path_arc(p, at, x0, y0, a + PI_F / 2, a + 3 * PI_F / 2, n);
}

/* A rounded rect's corners turn around centres inset by `radius`. */
static int path_rrect(struct path_pt *p, SDL_FRect r, float radius)
{
    int n = segments_for(radius, 2, 16);
    float l = r.x + radius, t = r.y + radius, rt = r.x + r.w - radius, b = r.y + r.h - radius;
    int at = path_arc(p, 0, rt, b, 0, PI_F / 2, n);
    at = path_arc(p, at, l, b, PI_F / 2, PI_F, n);
    at = path_arc(p, at, l, t, PI_F, 3 * PI_F / 2, n);
    return path_arc(p, at, rt, t, 3 * PI_F / 2, 2 * PI_F, n);
}

/* ---- triangles ---- */

static void vert(SDL_Vertex *v, const struct path_pt *p, float off, SDL_Color c)
{
    v->position.x = p->cx + p->dx * off;
    v->position.y = p->cy + p->dy * off;
    v->color = c;
    v->tex_coord.x = 0;
    v->tex_coord.y = 0;
}

/* Fill the convex shape the path's n points draw at `radius`. */
static int fill_path(struct raster *ra, int n, float radius, uint32_t rgb, uint8_t alpha)
{
    if (n < 3)
        return 0;
    SDL_Color c = rgba(rgb, alpha), clear = rgba(rgb, 0);
    float inner = fmaxf(radius - FEATHER / 2, 0), outer = radius + FEATHER / 2;
    float sx = 0, sy = 0;
    for (int i = 0; i < n; i++) {
        vert(&ra->v[1 + i], &ra->path[i], inner, c);
        vert(&ra->v[1 + n + i], &ra->path[i], outer, clear);
        sx += ra->v[1 + i].position.x;
        sy += ra->v[1 + i].position.y;
    }
    ra->v[0].position.x = sx / (float)n;
    ra->v[0].position.y = sy / (float)n;
    ra->v[0].color = c;
    ra->v[0].tex_coord.x = ra->v[0].tex_coord.y = 0;
    int k = 0;
    for (int i = 0; i < n; i++) {
        int a = 1 + i, b = 1 + (i + 1) % n;
        int fa = a + n, fb = b + n;
        int tri[9] = { 0, a, b, a, b, fb, a, fb, fa };
        memcpy(&ra->idx[k], tri, sizeof tri);
        k += 9;
    }
    return SDL_RenderGeometry(ra->r, NULL, ra->v, 1 + 2 * n, ra->idx, k) < 0 ? -1 : 0;
}

/* Stroke the closed path's n points at `radius` with a band `width` wide. */
static int band_path(struct raster *ra, int n, float radius, float width, uint32_t rgb,
                     uint8_t alpha)
{
    if (n < 3)
        return 0;
    SDL_Color c = rgba(rgb, alpha), clear = rgba(rgb, 0);
    float offs[4] = { radius + width / 2 + FEATHER / 2, radius + width / 2 - FEATHER / 2,
                      radius - width / 2 + FEATHER / 2, radius - width / 2 - FEATHER / 2 };
    for (int j = 0; j < 4; j++)
        offs[j] = fmaxf(offs[j], 0);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 4; j++)
            vert(&ra->v[4 * i + j], &ra->path[i], offs[j], (j == 1 || j == 2) ? c : clear);
    int k = 0;
    for (int i = 0; i < n; i++) {
        int a = 4 * i, b = 4 * ((i + 1) % n);
        for (int j = 0; j < 3; j++) {
            int q[6] = { a + j, b + j, b + j + 1, a + j, b + j + 1, a + j + 1 };
            memcpy(&ra->idx[k], q, sizeof q);
            k += 6;
        }
    }
    return SDL_RenderGeometry(ra->r, NULL, ra->v, 4 * n, ra->idx, k) < 0 ? -1 : 0;
}

/* ---- shapes ---- */

/* The corner radius a rect can have: at most half its shorter side. */
static float corner(SDL_FRect r, float radius)
{
    return fminf(radius, fminf(r.w, r.h) / 2);
}

int raster_fill_rrect(struct raster *ra, SDL_FRect rect, float radius, uint32_t rgb,
                      uint8_t alpha)
{
    if (rect.w <= 0 || rect.h <= 0)
        return 0;
    float rad = corner(rect, radius);
    /* The path turns at `rad` around inset centres: draw it at radius rad. */
    int n = path_rrect(ra->path, rect, rad);
    return fill_path(ra, n, rad, rgb, alpha);
}

int raster_frame_rrect(struct raster *ra, SDL_FRect rect, float radius, float width,
                       uint32_t rgb, uint8_t alpha)
{
    if (rect.w <= 0 || rect.h <= 0)
        return 0;
    float rad = corner(rect, radius);
    int n = path_rrect(ra->path, rect, rad);
    return band_path(ra, n, rad - width / 2, width, rgb, alpha);
}

int raster_capsule(struct raster *ra, float x0, float y0, float x1, float y1, float width,
                   uint32_t rgb, uint8_t alpha)
{
    int n = path_capsule(ra->path, x0, y0, x1, y1, width / 2);
    return fill_path(ra, n, width / 2, rgb, alpha);
}

int raster_ring(struct raster *ra, float cx, float cy, float radius, float width, uint32_t rgb,
                uint8_t alpha)
{
    int n = path_circle(ra->path, cx, cy, radius + width / 2);
    return band_path(ra, n, radius, width, rgb, alpha);
}

struct raster *raster_new(SDL_Renderer *r)
{
    struct raster *ra = calloc(1, sizeof *ra);
    if (ra)
        ra->r = r;
    return ra;
}

void raster_free(struct raster *ra)
{
    free(ra);
}
