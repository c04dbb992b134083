/* SPDX-License-Identifier: MIT */
/* dispatch.h: the server side of the protocol's state machine. */
#ifndef TTT_DISPATCH_H
#define TTT_DISPATCH_H

#include "server.h"

/* Set up srv->conns so that its connections speak the protocol: each is a
 * player whose frames dispatch.c decodes and routes (after srv->loop; the
 * lobby and the games may come later). 0, or -1 when memory ran out. */
int dispatch_init(struct server *srv);

/* Shutting down: end every live game (aborted), then ERROR SHUTTING_DOWN
 * (fatal) to every client. */
void dispatch_shutdown(struct server *srv);

#endif
