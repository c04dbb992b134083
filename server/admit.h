/* SPDX-License-Identifier: MIT */
/* admit.h: who may come in when connections are scarce: the client limit
 * shared fairly between source addresses, --max-per-ip, and the handshake
 * budget (at most half of the limit before HELLO). A decision over the
 * counts and the sources (source.h) only: the transport (conn.c) carries it
 * out. */
#ifndef TTT_ADMIT_H
#define TTT_ADMIT_H

#include <stdint.h>

#include "list.h"
#include "source.h"

/* The limits, and what the server holds now. */
struct admit_counts {
    uint32_t max_clients;       /* connections at most */
    uint32_t max_per_ip;        /* of one source at most; 0: no cap */
    uint32_t open;              /* connections that count (refused ones lingering do not) */
    uint32_t before_hello;      /* of them, waiting for HELLO */
};

enum admit_verdict {
    ADMIT = 0,                  /* in, nothing to give up */
    ADMIT_EVICTING,             /* in, once *victim has made room */
    REFUSE_FULL,                /* every connection is taken, fairly */
    REFUSE_HANDSHAKES,          /* too many wait for HELLO */
    REFUSE_PER_IP               /* its address holds --max-per-ip already */
};

/* The most connections that may wait for HELLO at once: half of
 * max_clients, at least one. */
uint32_t admit_hello_max(uint32_t max_clients);

/* May a new connection from `src` come in? When the server is full (or its
 * budget of handshakes is), a source holding fewer connections than the
 * fullest one may take the place of one of the fullest one's: its newest
 * connection before HELLO, else (if handshakes are not what is short) its
 * newest. Its link on the fullest source's list goes to *victim
 * (ADMIT_EVICTING). */
enum admit_verdict admit_decide(const struct admit_counts *counts, const struct sources *sources,
                                const struct source *src, struct list **victim);

/* What a refused client is told (the text of its ERROR SERVER_FULL). */
const char *admit_refusal(enum admit_verdict v);

#endif
