/* SPDX-License-Identifier: MIT */
/* discovery.h: the ttt discovery datagrams, version 1 -- how a client finds
 * the servers on its network (docs/PROTOCOL.md, "Discovery on the local
 * network"). A client sends a QUERY to the broadcast and all-nodes
 * addresses on UDP port 7778; each server answers with an ANSWER to the
 * address the QUERY came from.
 *
 * Pure code like proto.h: no sockets, no allocation, no globals, never
 * prints. One datagram is one message, decoded whole or not at all. */
#ifndef TTT_DISCOVERY_H
#define TTT_DISCOVERY_H

#include <stddef.h>
#include <stdint.h>

#define DISC_PORT 7778          /* UDP port servers answer on by default */
#define DISC_VERSION 1
#define DISC_MAGIC "TTTD"
#define DISC_MAGIC_LEN 4
#define DISC_HEADER_LEN 10      /* magic, version, type, id */
#define DISC_NAME_MAX 32        /* bytes of UTF-8 in a server name */

/* A QUERY is exactly this long: its header, then zeros. The padding is what
 * makes every ANSWER smaller than the QUERY that asked for it, so that a
 * forged source address cannot turn a server into an amplifier. */
#define DISC_QUERY_LEN 64
/* An ANSWER: the header, 17 bytes of fields (the name's length last), then
 * a name of 1..32 bytes: 28 to 59 bytes. */
#define DISC_ANSWER_FIELDS_LEN 17
#define DISC_ANSWER_MIN (DISC_HEADER_LEN + DISC_ANSWER_FIELDS_LEN + 1)
#define DISC_ANSWER_MAX (DISC_HEADER_LEN + DISC_ANSWER_FIELDS_LEN + DISC_NAME_MAX)
/* The longest datagram of version 1. A receiver reads into a buffer one
 * byte longer, so that a longer datagram shows as one (and is dropped). */
#define DISC_DATAGRAM_MAX DISC_QUERY_LEN

/* Message types (the byte after the version): below 0x80 from clients, from
 * 0x80 up from servers, as in the TCP protocol. */
enum disc_type { DISC_QUERY = 0x01, DISC_ANSWER = 0x81 };

/* ANSWER flags. The other bits are reserved: sent as 0, ignored. */
#define DISC_FLAG_FULL 0x01u    /* the server takes no more connections */

/* Results. Every error means: drop the datagram, answer nothing. */
enum disc_status {
    DISC_OK = 0,
    DISC_E_BAD = -1,            /* not a discovery datagram of ours, or a field that does not parse */
    DISC_E_VERSION = -2,        /* magic good, version other than 1: a newer (or older) peer */
    DISC_E_NO_SPACE = -3,       /* disc_encode: output buffer too small */
    DISC_E_INVALID = -4         /* disc_encode: a field cannot be represented */
};

/* A server name: len bytes of UTF-8, NUL-terminated for convenience. */
struct disc_name {
    uint8_t len;
    char s[DISC_NAME_MAX + 1];
};

/* What a server says about itself. */
struct disc_answer {
    uint32_t server_id;         /* random at the server's start: tells one server reached twice */
    uint16_t tcp_port;          /* where it takes players, never 0 */
    uint8_t proto_version;      /* the TCP protocol's version (PROTO_VERSION), never 0 */
    uint8_t flags;              /* DISC_FLAG_* */
    uint32_t players;           /* clients connected */
    uint32_t games;             /* games live */
    struct disc_name name;
};

/* A decoded datagram. `id` is the client's number for its query; the ANSWER
 * carries it back. `answer` is set for DISC_ANSWER only. */
struct disc_msg {
    uint8_t type;               /* enum disc_type */
    uint32_t id;
    struct disc_answer answer;
};

/* Decode the datagram d[0..n) into *out, checking every field: DISC_OK,
 * DISC_E_VERSION (the magic is right and the version is not 1, whatever
 * follows) or DISC_E_BAD. A QUERY must be exactly DISC_QUERY_LEN bytes with
 * zero padding; an ANSWER must end exactly after its name. Never reads past
 * d + n. *out is unspecified on error. */
int disc_decode(const uint8_t *d, size_t n, struct disc_msg *out);

/* Encode *m into buf[0..cap): the datagram's length (DISC_QUERY_LEN for a
 * QUERY, 28..59 for an ANSWER), DISC_E_NO_SPACE, or DISC_E_INVALID when a
 * field cannot be sent (an unknown type, a port or version of 0, a name that
 * breaks the name rules). What it writes decodes back to *m. */
int disc_encode(const struct disc_msg *m, uint8_t *buf, size_t cap);

/* Set *name from s[0..n): DISC_OK, or DISC_E_INVALID when s is not a valid
 * server name (the player-name rules, 1 to 32 bytes). */
int disc_name_set(struct disc_name *name, const char *s, size_t n);

/* A server name made from any text, such as the machine's host name: what
 * the name rules refuse is dropped and the rest is cut to 32 bytes on a
 * character boundary (text_name_fit). `fallback`, a valid name, when
 * nothing of the text is left. */
void disc_name_fit(struct disc_name *name, const char *text, const char *fallback);

/* Human-readable, for logs and tests; never NULL. */
const char *disc_strerror(int status);      /* enum disc_status */
const char *disc_type_name(uint8_t type);   /* "QUERY", "ANSWER", "UNKNOWN" */

#endif
