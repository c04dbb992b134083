/* SPDX-License-Identifier: MIT */
/* heap.h: a binary min-heap of caller-owned nodes, each with a 64-bit key:
 * the event loop's timers (key: when they fire) and the server's sources
 * (key: fewer connections is larger, so the fullest is on top). Intrusive:
 * the node lives in the caller's struct (container_of finds it); the heap
 * holds pointers and never allocates after heap_init. Push, remove and
 * rekey are O(log n); the top is O(1). */
#ifndef TTT_HEAP_H
#define TTT_HEAP_H

#include <stddef.h>
#include <stdint.h>

struct heap_node {
    uint64_t key;
    uint32_t index;             /* 0 when in no heap; else position + 1 */
};

struct heap {
    struct heap_node **at;      /* at[i]->index == i + 1 */
    uint32_t len, cap;
};

/* Room for `cap` nodes. 0, or -1 when memory ran out (heap_free cleans up). */
int heap_init(struct heap *h, uint32_t cap);

/* Free the array (the nodes are the caller's). */
void heap_free(struct heap *h);

/* The node with the smallest key, NULL when the heap is empty. */
static inline struct heap_node *heap_top(const struct heap *h)
{
    return h->len ? h->at[0] : NULL;
}

/* Add n (in no heap) with key `key`. 0, or -1 when the heap is full. */
int heap_push(struct heap *h, struct heap_node *n, uint64_t key);

/* Take n (in h) out; its index becomes 0. */
void heap_remove(struct heap *h, struct heap_node *n);

/* Give n (in h) a new key and move it to its place. */
void heap_rekey(struct heap *h, struct heap_node *n, uint64_t key);

#endif
