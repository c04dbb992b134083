/* SPDX-License-Identifier: MIT */
/* responder.h: tttd answering discovery (docs/PROTOCOL.md, "Discovery on
 * the local network"): its responder sockets (net/udp.h) watched by the
 * server's loop; each datagram that reached an address tttd listens on
 * handed to announce.c with the server's live counts; the ANSWER sent back
 * from that address, never waiting.
 *
 * Which queries are tttd's: with a listener on a wildcard address (the
 * default, or --bind 0.0.0.0 or ::), every query of that family. With
 * --bind naming addresses, a query sent to one of them, or broadcast or
 * multicast on the interface that holds one of them (an IPv4 broadcast to
 * that address's network); the ANSWER then comes from that address, the
 * one players can connect to. */
#ifndef TTT_RESPONDER_H
#define TTT_RESPONDER_H

struct server;

/* Datagrams read per socket per wake-up of the loop. What comes faster
 * waits in the kernel's bounded buffer (UDP_RCVBUF; beyond it the kernel
 * drops it) while the games' sockets get their turn. */
#define RESPONDER_READ_MAX 32

/* Start answering on srv->opt.announce_port as srv->opt.name, for the
 * families and addresses srv's listeners (open, their port known) listen
 * on, and say so on stderr. When it cannot (the port is held by a program
 * that does not share it, say), it warns why and leaves srv without
 * discovery: srv->responder stays NULL. Does nothing under --no-announce. */
void responder_start(struct server *srv);

/* Stop answering: stop watching and close the sockets, and log what was
 * answered and what dropped, by reason. A second call does nothing. */
void responder_stop(struct server *srv);

#endif
