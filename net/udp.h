/* SPDX-License-Identifier: MIT */
/* udp.h: datagram sockets for finding servers on the local network. A
 * server's responder sockets share the discovery port with every other
 * server on the machine; a client's querier sockets send one datagram to
 * the IPv4 broadcast address of every interface that is up and to the IPv6
 * all-nodes group (ff02::1) on every interface with IPv6, and take the
 * answers. Like sock.h: every fd is non-blocking and close-on-exec, every
 * call is checked, errors come back as a one-line reason in the caller's
 * err buffer (SOCK_ERR_LEN, may be NULL); nothing here prints or blocks.
 *
 * Why several servers on one machine all hear a query: each responder
 * socket sets SO_REUSEADDR and SO_REUSEPORT before binding the wildcard
 * address, so they may all bind the port; Linux hands a copy of every
 * broadcast and multicast datagram to each socket bound to its port
 * (a unicast datagram goes to one of them only). ff02::1 needs no join:
 * every interface with IPv6 is in that group, and a socket that joined no
 * group receives every group its host is in (IPV6_MULTICAST_ALL, on by
 * default). tests/net/udp_lan.sh shows both over a real link.
 *
 * A responder also learns where each query arrived (the address it was
 * sent to and the interface: IP_PKTINFO, IPV6_RECVPKTINFO) and can answer
 * from a chosen address of its own, so that a server listening on some
 * addresses only answers the queries that reached one of them, from that
 * address (server/responder.c). */
#ifndef TTT_UDP_H
#define TTT_UDP_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* The kernel queues at most this many bytes of datagrams on a responder
 * socket (SO_RCVBUF; the kernel doubles it for its bookkeeping): some
 * hundreds of queries. What comes faster than the server reads is dropped
 * by the kernel, never queued without bound. */
#define UDP_RCVBUF 65536

/* The sockets of one side: an IPv4 one and an IPv6-only one; -1 where the
 * machine has none (no IPv6). */
struct udp_socks {
    int fd4;
    int fd6;
};

/* Open a server's responder sockets on `port` (0: one the kernel picks,
 * the same for both), bound to 0.0.0.0 and :: (IPv6 only), shared with
 * other programs' responders on the same port, each reporting where its
 * datagrams arrived (udp_recv_at). The number opened (1 or 2;
 * the IPv6 one is left out on a machine without IPv6), or -1 with err set
 * ("UDP port N is used by a program that does not share it", "UDP port N
 * needs more privileges ..."), nothing open and both fds -1. */
int udp_open_responder(uint16_t port, struct udp_socks *s, char *err);

/* Where a datagram arrived (udp_recv_at): the address it was sent to --
 * one of this machine's, a broadcast address or a multicast group -- the
 * address of this machine the kernel would answer from (the destination
 * itself for a datagram sent to one address; for an IPv4 broadcast the
 * interface's address; none for an IPv6 multicast), and the interface it
 * came in on. Ports 0. */
struct udp_arrival {
    struct sockaddr_storage dst;    /* ss_family 0 when the kernel did not say */
    struct sockaddr_storage local;  /* ss_family 0 when none */
    unsigned ifindex;               /* 0 when the kernel did not say */
};

/* The interface that holds the local address `addr` (AF_INET or AF_INET6):
 * the one with that address, else the one whose network contains it
 * (127.0.0.2 is on lo); a link-local IPv6 address with its zone names its
 * interface itself. *ifindex gets it; for IPv4, *broadcast (may be NULL)
 * gets that network's broadcast address (family 0 when it has none, port
 * 0). 0, or -1 with errno: ENOENT when no interface that is up holds it,
 * or getifaddrs' error. */
int udp_interface_of(const struct sockaddr *addr, unsigned *ifindex, struct sockaddr_storage *broadcast);

/* Open a client's querier sockets on ports the kernel picks: IPv4 allowed
 * to broadcast, IPv6 sending to multicast groups one hop away, with its
 * own host's servers hearing it. The number opened (1 or 2), or -1 with
 * err set, nothing open and both fds -1. */
int udp_open_querier(struct udp_socks *s, char *err);

/* Close both sockets (those that are open) and set them to -1. */
void udp_close(struct udp_socks *s);

/* The port an open socket is bound to, in host order; 0 on failure. */
uint16_t udp_local_port(int fd);

/* Where a query goes: an IPv4 broadcast address, or ff02::1 on one
 * interface (its scope id set), with the port. */
struct udp_target {
    struct sockaddr_storage addr;
    socklen_t len;
    char ifname[IF_NAMESIZE];   /* the interface, for messages */
};

/* The query targets on `port`, from the interfaces as they are now
 * (getifaddrs): the broadcast address of each IPv4 address of every
 * interface that is up (loopback's too, 127.255.255.255, so that the
 * servers of this machine are found without a network), then ff02::1 on
 * every interface that is up, multicast-capable and has an IPv6 address.
 * Each target once. Returns the count written (<= max), or -1 with errno
 * when the interfaces cannot be listed. */
int udp_query_targets(uint16_t port, struct udp_target *out, int max);

/* Send buf[0..len) to every target through the querier socket of its
 * family. Returns how many went out. A target that cannot be reached
 * (EAGAIN, an interface going down, a firewall) is skipped: err (may be
 * NULL) then names the first one and why, else is "". */
int udp_send_queries(const struct udp_socks *s, const struct udp_target *t, int n, const void *buf,
                     size_t len, char *err);

/* Send one datagram to `to`. 0, or -1 with errno (EAGAIN when the socket's
 * send buffer is full: the datagram is dropped, as a network may drop it).
 * Retries EINTR. */
int udp_send(int fd, const void *buf, size_t len, const struct sockaddr *to, socklen_t tolen);

/* Receive one datagram into buf[0..cap): its length, cut to cap (a reader
 * that wants to see a datagram longer than it accepts passes a buffer one
 * byte longer); *from gets the sender (an IPv6 link-local one with its
 * scope id). -1 with errno EAGAIN when none is waiting, or another errno.
 * Retries EINTR, and skips the errors a datagram sent earlier may leave on
 * the socket (ECONNREFUSED, EHOSTUNREACH, ...). */
ssize_t udp_recv(int fd, void *buf, size_t cap, struct sockaddr_storage *from, socklen_t *fromlen);

/* udp_recv, and where the datagram arrived into *at (a responder socket
 * asks the kernel for it; on another socket at->dst stays family 0). */
ssize_t udp_recv_at(int fd, void *buf, size_t cap, struct sockaddr_storage *from, socklen_t *fromlen,
                    struct udp_arrival *at);

/* udp_send from this machine's address `src` (its port ignored; NULL: the
 * kernel picks the source, as udp_send does). The socket must be of src's
 * family. 0, or -1 with errno. */
int udp_send_from(int fd, const void *buf, size_t len, const struct sockaddr *to, socklen_t tolen,
                  const struct sockaddr *src);

#endif
