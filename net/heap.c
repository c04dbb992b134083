/* SPDX-License-Identifier: MIT */
/* heap.c: the binary min-heap of heap.h, in an array: the children of
 * position i are 2i + 1 and 2i + 2, and no child's key is below its
 * parent's. A node knows its position, so it can leave or move from
 * anywhere. */
#include "heap.h"

#include <stdlib.h>

int heap_init(struct heap *h, uint32_t cap)
{
    h->len = 0;
    h->cap = cap;
    h->at = calloc(cap ? cap : 1, sizeof *h->at);
    return h->at ? 0 : -1;
}

void heap_free(struct heap *h)
{
    free(h->at);
    h->at = NULL;
    h->len = h->cap = 0;
}

static void place(struct heap *h, uint32_t i, struct heap_node *n)
{
    h->at[i] = n;
    n->index = i + 1;
}

/* Move the node at i up past every parent with a larger key. */
static void sift_up(struct heap *h, uint32_t i)
{
    struct heap_node *n = h->at[i];
    while (i > 0 && h->at[(i - 1) / 2]->key > n->key) {
        place(h, i, h->at[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    place(h, i, n);
}

/* Move the node at i down past every child with a smaller key. */
static void sift_down(struct heap *h, uint32_t i)
{
    struct heap_node *n = h->at[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= h->len)
            break;
        if (c + 1 < h->len && h->at[c + 1]->key < h->at[c]->key)
            c++;
        if (n->key <= h->at[c]->key)
            break;
        place(h, i, h->at[c]);
        i = c;
    }
    place(h, i, n);
}

/* The node at i has a new key: up or down to where it belongs. */
static void settle(struct heap *h, uint32_t i)
{
    if (i > 0 && h->at[i]->key < h->at[(i - 1) / 2]->key)
        sift_up(h, i);
    else
        sift_down(h, i);
}

int heap_push(struct heap *h, struct heap_node *n, uint64_t key)
{
    if (h->len >= h->cap)
        return -1;
    n->key = key;
    place(h, h->len, n);
    sift_up(h, h->len++);
    return 0;
}

void heap_remove(struct heap *h, struct heap_node *n)
{
    uint32_t i = n->index - 1;
    struct heap_node *last = h->at[--h->len];
    n->index = 0;
    if (i == h->len)
        return;
    place(h, i, last);
    settle(h, i);
}

void heap_rekey(struct heap *h, struct heap_node *n, uint64_t key)
{
    n->key = key;
    settle(h, n->index - 1);
}
