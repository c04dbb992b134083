/* SPDX-License-Identifier: MIT */
/* announce.h: tttd's side of discovery (docs/PROTOCOL.md, "Discovery on
 * the local network") -- which datagram gets an ANSWER, what it says, and
 * the counts of what was dropped. Pure: the caller reads a datagram from
 * its responder socket (net/udp.h), hands it here with its sender and the
 * time, and sends what comes back to the sender; nothing here touches a
 * socket, a clock or the heap.
 *
 * Safe on the Internet as on a LAN: an ANSWER is never larger than the
 * QUERY that asked (discovery.h); the answers are rate-limited per source
 * and in total (below); malformed datagrams are dropped without a word and
 * counted; a query from a port below 1024 (where the services an attacker
 * would aim the answers at live: echo, chargen, DNS, NTP...) gets none. */
#ifndef TTT_ANNOUNCE_H
#define TTT_ANNOUNCE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "bucket.h"
#include "discovery.h"

/* The limits. A source is an IPv4 address, an IPv6 /64 (what one host
 * usually holds), or one link-local IPv6 address. A client asks about once
 * a second from each of its addresses; the burst covers a few windows or
 * bots on one machine starting at once. */
#define ANNOUNCE_SOURCE_PER_S 4u     /* answers a second to one source, sustained */
#define ANNOUNCE_SOURCE_BURST 8u     /* answers at once to one source */
#define ANNOUNCE_TOTAL_PER_S 200u    /* answers a second to everyone together */
#define ANNOUNCE_TOTAL_BURST 200u

/* The sources remembered: a set-associative table (a source's set from a
 * hash of it, the least recently heard of its ways replaced). A source
 * pushed out comes back with a full bucket, so a flood of forged sources
 * gains nothing over the total limit, which bounds every answer. */
#define ANNOUNCE_SETS 64u
#define ANNOUNCE_WAYS 4u

/* What happened to the datagrams, from announce_init on. */
struct announce_counts {
    uint64_t answered;          /* QUERYs answered */
    uint64_t limited;           /* QUERYs over their source's or the total rate: not answered */
    uint64_t malformed;         /* not a discovery datagram, or one that does not parse */
    uint64_t other_version;     /* a discovery datagram of another version */
    uint64_t not_query;         /* a well-formed datagram that is not a QUERY (an ANSWER) */
    uint64_t bad_source;        /* a QUERY from a port below 1024 or an address not IPv4/IPv6 */
};

/* A source's key: its family, then the address bits that make it one
 * source (4, 8 or 16 bytes; zeros after), then a link-local one's scope. */
struct announce_key {
    uint8_t family;
    uint8_t addr[16];
    uint32_t scope;
};

struct announce_source {
    struct announce_key key;    /* family 0: an empty way */
    struct bucket bucket;
    uint64_t last_ms;           /* last heard from */
};

/* The whole state; embed it (about 12 KiB) and set it up with
 * announce_init. Fields are private but for `self` (what the ANSWER says;
 * keep its players, games and flags current with announce_set_load) and
 * `count`. */
struct announce {
    struct disc_answer self;
    struct announce_counts count;
    struct bucket total;
    struct announce_source sources[ANNOUNCE_SETS][ANNOUNCE_WAYS];
};

/* Start answering as `server_id` (random, chosen once per start), taking
 * players on `tcp_port`, named `name` (a valid server name). Every count
 * 0, every bucket full. */
void announce_init(struct announce *a, uint32_t server_id, uint16_t tcp_port, const struct disc_name *name,
                   uint64_t now_ms);

/* What the next ANSWERs say about the server's load. */
void announce_set_load(struct announce *a, uint32_t players, uint32_t games, int full);

/* One datagram d[0..n) from `from` at now_ms. Writes the ANSWER to
 * out[0..cap) (cap >= DISC_ANSWER_MAX) and returns its length, to be sent
 * to `from`; or returns 0: nothing is to be sent, and a->count says why
 * (every datagram is counted once: answered or under one reason). The
 * ANSWER is never longer than n. */
size_t announce_datagram(struct announce *a, const uint8_t *d, size_t n, const struct sockaddr *from,
                         uint64_t now_ms, uint8_t *out, size_t cap);

/* The source key of an address (AF_INET or AF_INET6; an IPv4-mapped IPv6
 * address as its IPv4 one): 0, or -1 for another family. */
int announce_key_of(const struct sockaddr *sa, struct announce_key *key);

#endif
