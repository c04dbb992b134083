/* SPDX-License-Identifier: MIT */
/* hash.h: the intrusive chained hash table behind every lookup of the server
 * (rooms by code, live games by id, seats by RESUME token). Nodes live inside
 * the tables' members, so adding allocates nothing, and a node unlinks itself
 * without its table (each holds the link that points at it). The bucket
 * array is allocated once, at start. */
#ifndef TTT_HASH_H
#define TTT_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "list.h"

struct hash_node {
    struct hash_node *next;
    struct hash_node **pprev;   /* the link that points at this node; NULL while on no table */
    uint32_t hash;
};

struct hash {
    struct hash_node **buckets;
    uint32_t mask;
};

/* Buckets for about `expected` members (a power of two from 64 to 2^20).
 * 0, or -1 when memory ran out. */
int hash_init(struct hash *h, uint32_t expected);

/* Free the buckets (not the members). Safe on a table that failed to init. */
void hash_free(struct hash *h);

/* FNV-1a of n bytes: the hash of a key. */
uint32_t hash_bytes(const void *key, size_t n);

/* Add `n` (on no table) under `hash`. */
void hash_add(struct hash *h, struct hash_node *n, uint32_t hash);

/* Take `n` off its table; a node on no table is left alone. */
void hash_remove(struct hash_node *n);

/* Take every node off the table, calling fn(node, arg) on each once it is
 * off (fn may free it). */
void hash_drain(struct hash *h, void (*fn)(struct hash_node *n, void *arg), void *arg);

/* The node under `hash` whose member `same` says holds `key`, or NULL. */
struct hash_node *hash_find(const struct hash *h, uint32_t hash,
                            int (*same)(const struct hash_node *n, const void *key), const void *key);

#endif
