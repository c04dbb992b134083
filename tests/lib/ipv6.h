/* SPDX-License-Identifier: MIT */
/* ipv6.h: whether this machine can use IPv6, for tests that skip what needs
 * it. Header only, so that the unit tests (test_sock) and the integration
 * tests (tests/server) share it without sharing a library. */
#ifndef TTT_TEST_IPV6_H
#define TTT_TEST_IPV6_H

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* 1 when a socket can be bound to ::1, else 0. */
static inline int th_have_ipv6(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in6 sa;
    memset(&sa, 0, sizeof sa);
    sa.sin6_family = AF_INET6;
    sa.sin6_addr = in6addr_loopback;
    int ok = bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    return ok;
}

#endif
