/* SPDX-License-Identifier: MIT */
/* source.h: what the server keeps per source address, an IPv4 address or
 * an IPv6 /64 (an IPv4-mapped IPv6 address is its IPv4 address): how many
 * connections it holds, so that the fullest can be found at once (fair
 * share, --max-per-ip), and its budget of failed room codes and RESUME
 * tokens (guessing private rooms must not pay). A source outlives its last
 * connection while its budget refills, so that hanging up and calling again
 * does not reset it. */
#ifndef TTT_SOURCE_H
#define TTT_SOURCE_H

#include <stdint.h>
#include <sys/socket.h>

#include "hash.h"
#include "heap.h"
#include "list.h"

/* Failed JOIN_ROOM and RESUME per source: a bucket of SOURCE_GUESS_BURST,
 * refilled at SOURCE_GUESS_PER_MIN a minute. */
#define SOURCE_GUESS_BURST 10u
#define SOURCE_GUESS_PER_MIN 10u
/* Sources without connections kept at most (the oldest beyond it are
 * forgotten, budget and all). */
#define SOURCE_IDLE_MAX 4096u
/* "2001:db8:1:2::/64", "192.0.2.7" */
#define SOURCE_TEXT_LEN 52   /* INET6_ADDRSTRLEN (46) + "/64" */

struct source_key {
    uint8_t family;             /* 4 or 6 */
    uint8_t addr[8];            /* IPv4: 4 bytes; IPv6: the /64 prefix */
};

struct source {
    struct hash_node node;      /* on sources.table */
    struct source_key key;
    char text[SOURCE_TEXT_LEN];
    uint32_t conns;             /* connections counted (source_add) */
    struct heap_node by_conns;  /* on sources.fullest while conns > 0 */
    struct list before_hello;   /* the owner's: its connections before HELLO, newest first */
    struct list welcomed;       /* the owner's: the others still open, newest first */
    struct list idle_link;      /* on sources.idle while conns == 0 */
    uint64_t guess_full_ms;     /* when its guess budget is whole again (loop_now_ms scale) */
    uint64_t report_ms;         /* the last log line about its guessing (0: none yet) */
    uint32_t failed, refused;   /* guesses failed / refused since that line */
};

struct sources {
    struct hash table;
    struct heap fullest;        /* sources with connections, the most on top */
    struct list idle;           /* sources without connections, oldest first */
    uint32_t nidle;
};

/* Room for sources of up to `max_conns` counted connections. 0, or -1
 * when memory ran out (sources_free then cleans up). */
int sources_init(struct sources *s, uint32_t max_conns);
/* Free every source and the tables. */
void sources_free(struct sources *s);

/* The source of the address `sa` (AF_INET or AF_INET6), made if it is
 * new; NULL when memory ran out or the family is neither. Forgets idle
 * sources whose budget is full again. The source is held (no sweep forgets
 * it) until it is counted (source_add) or released: call source_release
 * when no connection of it is counted in the end. */
struct source *source_get(struct sources *s, const struct sockaddr *sa, uint64_t now_ms);

/* A source got by source_get that counted nothing: freed if it holds
 * nothing (no connection, a full budget), else kept idle. */
void source_release(struct sources *s, struct source *src, uint64_t now_ms);

/* One more connection of `src` counted. */
void source_add(struct sources *s, struct source *src);
/* One fewer; at none, the source is released (source_release). */
void source_sub(struct sources *s, struct source *src, uint64_t now_ms);

/* The source holding the most connections, or NULL when none holds any. */
struct source *source_fullest(const struct sources *s);

/* 1 if `src` may try a room code or a RESUME token now; 0 when its budget
 * is spent (the attempt is refused: counted, and logged at most once a
 * minute per source). */
int source_may_guess(struct source *src, uint64_t now_ms);
/* A room code or token of `src` failed: it costs one from the budget. */
void source_guess_failed(struct source *src, uint64_t now_ms);

#endif
