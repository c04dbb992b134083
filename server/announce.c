/* SPDX-License-Identifier: MIT */
/* announce.c: deciding which discovery datagram gets an ANSWER (see
 * announce.h): decode, check the sender, take a token from the sender's
 * bucket and from the total one, encode. Each dropped datagram is counted
 * under the first reason that drops it. */
#include "announce.h"
#include "proto.h"
#include "sock.h"

#include <netinet/in.h>
#include <string.h>

static const struct bucket_rate source_rate = {ANNOUNCE_SOURCE_PER_S, ANNOUNCE_SOURCE_BURST};
static const struct bucket_rate total_rate = {ANNOUNCE_TOTAL_PER_S, ANNOUNCE_TOTAL_BURST};

_Static_assert((ANNOUNCE_SETS & (ANNOUNCE_SETS - 1)) == 0, "ANNOUNCE_SETS must be a power of two");

void announce_init(struct announce *a, uint32_t server_id, uint16_t tcp_port, const struct disc_name *name,
                   uint64_t now_ms)
{
    memset(a, 0, sizeof *a);
    a->self.server_id = server_id;
    a->self.tcp_port = tcp_port;
    a->self.proto_version = PROTO_VERSION;
    a->self.name = *name;
    bucket_fill(&a->total, &total_rate, now_ms);
}

void announce_set_load(struct announce *a, uint32_t players, uint32_t games, int full)
{
    a->self.players = players;
    a->self.games = games;
    a->self.flags = full ? DISC_FLAG_FULL : 0;
}

int announce_key_of(const struct sockaddr *sa, struct announce_key *key)
{
    memset(key, 0, sizeof *key);
    if (sa->sa_family == AF_INET) {
        key->family = AF_INET;
        memcpy(key->addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return 0;
    }
    if (sa->sa_family != AF_INET6)
        return -1;
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
        key->family = AF_INET;
        memcpy(key->addr, &in6->sin6_addr.s6_addr[12], 4);
    } else if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr)) {
        /* Every host of a link shares fe80::/64: one address is one source. */
        key->family = AF_INET6;
        memcpy(key->addr, &in6->sin6_addr, 16);
        key->scope = in6->sin6_scope_id;
    } else {
        key->family = AF_INET6;
        memcpy(key->addr, &in6->sin6_addr, 8); /* the /64 */
    }
    return 0;
}

/* Which set a key falls in (FNV-1a over its bytes). */
static uint32_t set_of(const struct announce_key *key)
{
    uint32_t h = 2166136261u;
    const uint8_t *p = key->addr;
    for (size_t i = 0; i < sizeof key->addr; i++)
        h = (h ^ p[i]) * 16777619u;
    h = (h ^ key->family) * 16777619u;
    h = (h ^ key->scope) * 16777619u;
    return h & (ANNOUNCE_SETS - 1u);
}

static int same_key(const struct announce_key *a, const struct announce_key *b)
{
    return a->family == b->family && a->scope == b->scope && memcmp(a->addr, b->addr, sizeof a->addr) == 0;
}

/* The source of `key`: the one remembered, or a fresh one (full bucket) in
 * place of an empty way or of the least recently heard one of its set. */
static struct announce_source *source_for(struct announce *a, const struct announce_key *key, uint64_t now_ms)
{
    struct announce_source *set = a->sources[set_of(key)], *oldest = &set[0];
    for (size_t w = 0; w < ANNOUNCE_WAYS; w++) {
        if (set[w].key.family != 0 && same_key(&set[w].key, key))
            return &set[w];
        if (set[w].key.family == 0 || (oldest->key.family != 0 && set[w].last_ms < oldest->last_ms))
            oldest = &set[w];
    }
    oldest->key = *key;
    bucket_fill(&oldest->bucket, &source_rate, now_ms);
    return oldest;
}

/* 0 when the query may be answered; else counts why not and returns -1. */
static int admit(struct announce *a, const struct disc_msg *m, const struct sockaddr *from, uint64_t now_ms)
{
    struct announce_key key;
    if (m->type != DISC_QUERY) {
        a->count.not_query++;
        return -1;
    }
    if (announce_key_of(from, &key) < 0 || sock_addr_port(from) < 1024) {
        a->count.bad_source++;
        return -1;
    }
    struct announce_source *s = source_for(a, &key, now_ms);
    s->last_ms = now_ms;
    /* The source's token first: one flooding source must not spend the
     * total for everyone. */
    if (bucket_take(&s->bucket, &source_rate, 1, now_ms) != 0 ||
        bucket_take(&a->total, &total_rate, 1, now_ms) != 0) {
        a->count.limited++;
        return -1;
    }
    return 0;
}

size_t announce_datagram(struct announce *a, const uint8_t *d, size_t n, const struct sockaddr *from,
                         uint64_t now_ms, uint8_t *out, size_t cap)
{
    struct disc_msg m;
    int rc = disc_decode(d, n, &m);
    if (rc != DISC_OK) {
        if (rc == DISC_E_VERSION)
            a->count.other_version++;
        else
            a->count.malformed++;
        return 0;
    }
    if (admit(a, &m, from, now_ms) < 0)
        return 0;
    struct disc_msg answer = {.type = DISC_ANSWER, .id = m.id, .answer = a->self};
    int len = disc_encode(&answer, out, cap);
    if (len <= 0 || (size_t)len > n)
        return 0; /* a caller's error (a cap too small, an invalid name): nothing goes out */
    a->count.answered++;
    return (size_t)len;
}
