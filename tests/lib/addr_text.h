/* SPDX-License-Identifier: MIT */
/* addr_text.h: a socket address from its numeric text, for tests that
 * send datagrams. Header only, so that the unit tests (tests/session) and
 * the integration tests (tests/server) share it without sharing a
 * library. */
#ifndef TTT_TEST_ADDR_TEXT_H
#define TTT_TEST_ADDR_TEXT_H

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

/* "192.0.2.7" or "fe80::1" with `port` (a link-local IPv6 one on lo);
 * ss_family 0 when `text` is neither. */
static inline struct sockaddr_storage th_addr(const char *text, uint16_t port)
{
    struct sockaddr_storage ss;
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    memset(&ss, 0, sizeof ss);
    if (inet_pton(AF_INET, text, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
    } else if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr))
            in6->sin6_scope_id = if_nametoindex("lo");
    }
    return ss;
}

/* The length of the sockaddr in ss. */
static inline socklen_t th_addr_len(const struct sockaddr_storage *ss)
{
    return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

#endif
