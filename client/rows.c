/* SPDX-License-Identifier: MIT */
/* rows.c: merging a refreshed list into rows that stay put (see rows.h). */
#include "rows.h"

#include <string.h>

void rows_clear(struct rows *r)
{
    memset(r, 0, sizeof *r);
}

static unsigned char *item(void *base, size_t i, size_t size)
{
    return (unsigned char *)base + i * size;
}

static const unsigned char *citem(const void *base, size_t i, size_t size)
{
    return (const unsigned char *)base + i * size;
}

/* The index of the item with key `k` among items[0..n), or n. */
static size_t find(const void *items, size_t n, size_t size, rows_key_fn *key, uint32_t k)
{
    size_t i = 0;
    while (i < n && key(citem(items, i, size)) != k)
        i++;
    return i;
}

int rows_drop_gone(struct rows *r, void *shown, size_t size)
{
    size_t kept = 0;
    for (size_t i = 0; i < r->count; i++) {
        if (r->gone[i])
            continue;
        if (kept != i)
            memcpy(item(shown, kept, size), item(shown, i, size), size);
        r->gone[kept++] = 0;
    }
    int changed = kept != r->count;
    r->count = (uint8_t)kept;
    return changed;
}

int rows_merge(struct rows *r, void *shown, size_t cap, const void *fresh, size_t n, size_t size,
               rows_key_fn *key, int hold)
{
    int changed = 0;
    if (cap > ROWS_MAX)
        cap = ROWS_MAX;
    if (r->count > cap)
        r->count = (uint8_t)cap;
    /* The rows shown: updated in place, or gone. */
    for (size_t i = 0; i < r->count; i++) {
        size_t f = find(fresh, n, size, key, key(item(shown, i, size)));
        if (f == n) {
            changed |= !r->gone[i];
            r->gone[i] = 1;
        } else {
            changed |= r->gone[i] || memcmp(item(shown, i, size), citem(fresh, f, size), size) != 0;
            memcpy(item(shown, i, size), citem(fresh, f, size), size);
            r->gone[i] = 0;
        }
    }
    if (!hold)
        changed |= rows_drop_gone(r, shown, size);
    /* The new ones, at the end, in the order they came. */
    for (size_t f = 0; f < n && r->count < cap; f++) {
        const unsigned char *it = citem(fresh, f, size);
        if (find(shown, r->count, size, key, key(it)) < r->count)
            continue; /* shown already */
        memcpy(item(shown, r->count, size), it, size);
        r->gone[r->count++] = 0;
        changed = 1;
    }
    return changed;
}
