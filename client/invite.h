/* SPDX-License-Identifier: MIT */
/* invite.h: the address a friend can reach the server at, for the room
 * screen's "Tell your friend: server ADDR, room CODE". A server reached on
 * a loopback address (localhost, 127.0.0.1, ::1) runs on this machine, and
 * "localhost" would send the friend to their own: the invite names an
 * address of this machine instead, one of an interface that is up, not
 * loopback nor link-local, IPv4 before IPv6 (an IPv4 address is what a
 * friend on the same network types most easily), in the interfaces'
 * order. A server reached any other way is named as typed.
 */
#ifndef TTT_INVITE_H
#define TTT_INVITE_H

#include "sock.h"

/* The entry of addrs[0..n) (sock_local_addrs' list) to tell a friend: the
 * first IPv4 one that is not loopback, else the first IPv6 one that is not,
 * else -1 (no such address: keep the one typed). */
int invite_pick(const struct sock_local_addr *addrs, int n);

/* The address to tell a friend for the server connected on socket fd: 1
 * with "HOST:PORT" (the server's port) in out when the server is on a
 * loopback address and this machine has an address to give instead; 0, out
 * untouched, when the typed address is the one to give (not loopback, no
 * other address, or the socket or the interfaces cannot be asked). One
 * getpeername and one getifaddrs: no waiting on the network. */
int invite_addr_for(int fd, char out[SOCK_ADDR_LEN]);

#endif
