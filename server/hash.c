/* SPDX-License-Identifier: MIT */
/* hash.c: the chained hash table of hash.h. */
#include "hash.h"

#include <stdlib.h>

int hash_init(struct hash *h, uint32_t expected)
{
    uint32_t n = 64;
    while (n < expected && n < (1u << 20))
        n <<= 1;
    h->buckets = calloc(n, sizeof *h->buckets);
    h->mask = h->buckets ? n - 1 : 0;
    return h->buckets ? 0 : -1;
}

void hash_free(struct hash *h)
{
    free(h->buckets);
    h->buckets = NULL;
}

uint32_t hash_bytes(const void *key, size_t n)
{
    const uint8_t *p = key;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

void hash_add(struct hash *h, struct hash_node *n, uint32_t hash)
{
    struct hash_node **head = &h->buckets[hash & h->mask];
    n->hash = hash;
    n->next = *head;
    if (n->next)
        n->next->pprev = &n->next;
    n->pprev = head;
    *head = n;
}

void hash_remove(struct hash_node *n)
{
    if (!n->pprev)
        return;
    *n->pprev = n->next;
    if (n->next)
        n->next->pprev = n->pprev;
    n->next = NULL;
    n->pprev = NULL;
}

struct hash_node *hash_find(const struct hash *h, uint32_t hash,
                            int (*same)(const struct hash_node *n, const void *key), const void *key)
{
    for (struct hash_node *n = h->buckets[hash & h->mask]; n; n = n->next)
        if (n->hash == hash && same(n, key))
            return n;
    return NULL;
}

void hash_drain(struct hash *h, void (*fn)(struct hash_node *n, void *arg), void *arg)
{
    for (uint32_t i = 0; h->buckets && i <= h->mask; i++) {
        struct hash_node *n;
        while ((n = h->buckets[i])) {
            hash_remove(n);
            fn(n, arg);
        }
    }
}
