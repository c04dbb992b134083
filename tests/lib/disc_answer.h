/* SPDX-License-Identifier: MIT */
/* disc_answer.h: a discovery responder for tests -- an ANSWER encoded, and
 * every QUERY waiting on a UDP socket answered -- for the client's list
 * (test_discover) and the network thread's search (test_netthread). Header
 * only; the caller includes cmocka first. */
#ifndef TTT_TEST_DISC_ANSWER_H
#define TTT_TEST_DISC_ANSWER_H

#include <string.h>

#include "discovery.h"
#include "udp.h"

/* An ANSWER to query `id` from server `sid` on `tcp_port`. */
static inline size_t th_disc_answer(uint8_t *out, uint32_t id, uint32_t sid, uint16_t tcp_port,
                                    uint32_t players, const char *name)
{
    struct disc_msg m = {.type = DISC_ANSWER, .id = id};
    m.answer = (struct disc_answer){.server_id = sid, .tcp_port = tcp_port, .proto_version = 1,
                                    .players = players};
    assert_int_equal(disc_name_set(&m.answer.name, name, strlen(name)), DISC_OK);
    int n = disc_encode(&m, out, DISC_DATAGRAM_MAX);
    assert_true(n > 0);
    return (size_t)n;
}

/* Answer every QUERY waiting on fd as server `sid` named `name`, taking
 * players on `tcp_port`; how many were answered. */
static inline int th_disc_answer_queries(int fd, uint32_t sid, uint16_t tcp_port, uint32_t players,
                                         const char *name)
{
    uint8_t q[DISC_DATAGRAM_MAX + 1], a[DISC_DATAGRAM_MAX];
    struct sockaddr_storage from;
    socklen_t fromlen;
    ssize_t n;
    int answered = 0;
    while ((n = udp_recv(fd, q, sizeof q, &from, &fromlen)) >= 0) {
        struct disc_msg m;
        assert_int_equal(disc_decode(q, (size_t)n, &m), DISC_OK);
        assert_int_equal(m.type, DISC_QUERY);
        size_t len = th_disc_answer(a, m.id, sid, tcp_port, players, name);
        assert_int_equal(udp_send(fd, a, len, (struct sockaddr *)&from, fromlen), 0);
        answered++;
    }
    return answered;
}

#endif
