/* SPDX-License-Identifier: MIT */
/* invite.c: the address a friend can reach the server at (see invite.h). */
#include "invite.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define INVITE_ADDRS_MAX 64 /* interfaces' addresses looked at */

int invite_pick(const struct sock_local_addr *addrs, int n)
{
    int v6 = -1;
    for (int i = 0; i < n; i++) {
        if (addrs[i].is_loopback)
            continue;
        if (addrs[i].text[0] != '[')
            return i; /* IPv4: "a.b.c.d:port" */
        if (v6 < 0)
            v6 = i;
    }
    return v6;
}

int invite_addr_for(int fd, char out[SOCK_ADDR_LEN])
{
    struct sockaddr_storage peer;
    socklen_t len = sizeof peer;
    memset(&peer, 0, sizeof peer);
    if (fd < 0 || getpeername(fd, (struct sockaddr *)&peer, &len) < 0 ||
        (peer.ss_family != AF_INET && peer.ss_family != AF_INET6))
        return 0;
    struct sock_local_addr self;
    sock_describe_addr((const struct sockaddr *)&peer, &self);
    if (!self.is_loopback)
        return 0;
    uint16_t port = ntohs(peer.ss_family == AF_INET ? ((const struct sockaddr_in *)&peer)->sin_port
                                                    : ((const struct sockaddr_in6 *)&peer)->sin6_port);
    struct sock_local_addr addrs[INVITE_ADDRS_MAX];
    int n = sock_local_addrs(port, AF_UNSPEC, addrs, INVITE_ADDRS_MAX);
    int pick = invite_pick(addrs, n);
    if (pick < 0)
        return 0;
    memcpy(out, addrs[pick].text, SOCK_ADDR_LEN);
    return 1;
}
