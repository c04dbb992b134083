/* SPDX-License-Identifier: MIT */
/* source.c: the sources of source.h: a hash by address, a max-heap by
 * connection count, the idle sources oldest first, and the guess budget: a
 * token bucket kept as the time it is whole again (each failure pushes that
 * time one token's worth later; a guess may be tried while it lies less
 * than the burst's worth ahead), so no rounding wears it down. */
#include "source.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define GUESS_MS (60000u / SOURCE_GUESS_PER_MIN) /* one token comes back in this long */
#define REPORT_EVERY_MS 60000u

int sources_init(struct sources *s, uint32_t max_conns)
{
    memset(s, 0, sizeof *s);
    list_init(&s->idle);
    if (heap_init(&s->fullest, max_conns + 1) < 0 || hash_init(&s->table, max_conns) < 0)
        return -1;
    return 0;
}

/* `src` off the idle list, if it is on it. */
static void unidle(struct sources *s, struct source *src)
{
    if (list_linked(&src->idle_link)) {
        list_remove(&src->idle_link);
        s->nidle--;
    }
}

static void forget(struct sources *s, struct source *src)
{
    hash_remove(&src->node);
    unidle(s, src);
    free(src);
}

static void forget_node(struct hash_node *n, void *s)
{
    forget(s, container_of(n, struct source, node));
}

void sources_free(struct sources *s)
{
    hash_drain(&s->table, forget_node, s);
    heap_free(&s->fullest);
    hash_free(&s->table);
}

/* ---- the heap: the fullest source on top ---- */

/* The heap keeps the smallest key on top: more connections, smaller key. */
static uint64_t fullness_key(const struct source *src)
{
    return UINT32_MAX - (uint64_t)src->conns;
}

struct source *source_fullest(const struct sources *s)
{
    struct heap_node *top = heap_top(&s->fullest);
    return top ? container_of(top, struct source, by_conns) : NULL;
}

/* ---- the guess budget ---- */

static int budget_whole(const struct source *src, uint64_t now) { return src->guess_full_ms <= now; }

int source_may_guess(struct source *src, uint64_t now_ms)
{
    if (src->guess_full_ms <= now_ms + (uint64_t)(SOURCE_GUESS_BURST - 1) * GUESS_MS)
        return 1;
    src->refused++;
    if (!src->report_ms || now_ms - src->report_ms >= REPORT_EVERY_MS) {
        log_info("%s: %u failed room codes or RESUME tokens, %u more refused (SLOW_DOWN)", src->text,
                 (unsigned)src->failed, (unsigned)src->refused);
        src->report_ms = now_ms;
        src->failed = src->refused = 0;
    }
    return 0;
}

void source_guess_failed(struct source *src, uint64_t now_ms)
{
    src->guess_full_ms = (src->guess_full_ms > now_ms ? src->guess_full_ms : now_ms) + GUESS_MS;
    src->failed++;
}

/* ---- lookup and life ---- */

/* The key and text of an address; -1 for a family that is neither. */
static int key_of(const struct sockaddr *sa, struct source_key *key, char text[SOURCE_TEXT_LEN])
{
    static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    memset(key, 0, sizeof *key);
    const uint8_t *v4 = NULL;
    if (sa->sa_family == AF_INET) {
        v4 = (const uint8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
    } else if (sa->sa_family == AF_INET6) {
        const uint8_t *a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
        if (memcmp(a, mapped, sizeof mapped) == 0) {
            v4 = a + 12;
        } else {
            uint8_t prefix[16] = { 0 };
            memcpy(prefix, a, 8);
            key->family = 6;
            memcpy(key->addr, a, 8);
            char t[INET6_ADDRSTRLEN];
            snprintf(text, SOURCE_TEXT_LEN, "%s/64", inet_ntop(AF_INET6, prefix, t, sizeof t) ? t : "?");
            return 0;
        }
    } else {
        return -1;
    }
    key->family = 4;
    memcpy(key->addr, v4, 4);
    snprintf(text, SOURCE_TEXT_LEN, "%u.%u.%u.%u", v4[0], v4[1], v4[2], v4[3]);
    return 0;
}

static int same_key(const struct hash_node *n, const void *key)
{
    return memcmp(&container_of(n, struct source, node)->key, key, sizeof(struct source_key)) == 0;
}

/* Forget the oldest idle sources while there are too many, or while the
 * oldest has its whole budget back. */
static void sweep(struct sources *s, uint64_t now)
{
    struct list *n;
    while ((n = list_first(&s->idle))) {
        struct source *src = container_of(n, struct source, idle_link);
        if (s->nidle <= SOURCE_IDLE_MAX && !budget_whole(src, now))
            break;
        forget(s, src);
    }
}

struct source *source_get(struct sources *s, const struct sockaddr *sa, uint64_t now_ms)
{
    struct source_key key;
    char text[SOURCE_TEXT_LEN];
    if (key_of(sa, &key, text) < 0)
        return NULL;
    sweep(s, now_ms);
    uint32_t h = hash_bytes(&key, sizeof key);
    struct hash_node *n = hash_find(&s->table, h, same_key, &key);
    if (n) {
        /* Held now: off the idle list, so that no sweep frees it before the
         * caller counts or releases it. */
        struct source *src = container_of(n, struct source, node);
        unidle(s, src);
        return src;
    }
    struct source *src = calloc(1, sizeof *src);
    if (!src)
        return NULL;
    src->key = key;
    memcpy(src->text, text, sizeof text);
    list_init(&src->before_hello);
    list_init(&src->welcomed);
    hash_add(&s->table, &src->node, h);
    return src;
}

void source_release(struct sources *s, struct source *src, uint64_t now_ms)
{
    if (src->conns || list_linked(&src->idle_link))
        return;
    if (budget_whole(src, now_ms)) {
        forget(s, src);
        return;
    }
    list_push_back(&s->idle, &src->idle_link);
    s->nidle++;
    sweep(s, now_ms);
}

void source_add(struct sources *s, struct source *src)
{
    if (src->conns++ == 0) {
        unidle(s, src);
        (void)heap_push(&s->fullest, &src->by_conns, fullness_key(src)); /* room: max_conns */
        return;
    }
    heap_rekey(&s->fullest, &src->by_conns, fullness_key(src));
}

void source_sub(struct sources *s, struct source *src, uint64_t now_ms)
{
    if (--src->conns == 0) {
        heap_remove(&s->fullest, &src->by_conns);
        source_release(s, src, now_ms);
        return;
    }
    heap_rekey(&s->fullest, &src->by_conns, fullness_key(src));
}
