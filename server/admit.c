/* SPDX-License-Identifier: MIT */
/* admit.c: the admission policy of admit.h. */
#include "admit.h"

uint32_t admit_hello_max(uint32_t max_clients) { return max_clients / 2 ? max_clients / 2 : 1; }

enum admit_verdict admit_decide(const struct admit_counts *counts, const struct sources *sources,
                                const struct source *src, struct list **victim)
{
    *victim = NULL;
    if (counts->max_per_ip && src->conns >= counts->max_per_ip)
        return REFUSE_PER_IP;
    int hello_full = counts->before_hello >= admit_hello_max(counts->max_clients);
    int full = counts->open >= counts->max_clients;
    if (!hello_full && !full)
        return ADMIT;
    const struct source *top = source_fullest(sources);
    if (top && top->conns > src->conns) {
        *victim = list_first(&top->before_hello);
        if (!*victim && !hello_full)
            *victim = list_first(&top->welcomed);
    }
    if (*victim)
        return ADMIT_EVICTING;
    return hello_full ? REFUSE_HANDSHAKES : REFUSE_FULL;
}

const char *admit_refusal(enum admit_verdict v)
{
    switch (v) {
    case REFUSE_HANDSHAKES:
        return "server busy: too many connections waiting for HELLO; try again later";
    case REFUSE_PER_IP:
        return "too many connections from your address";
    case ADMIT_EVICTING:
        return "server full: your place went to a client from another address";
    default:
        return "server full: try again later";
    }
}
