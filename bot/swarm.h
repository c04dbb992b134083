/* SPDX-License-Identifier: MIT */
/* swarm.h: the bots of one ttt-bot run (bot/client.h, each with its own
 * session and socket, session/) on one net/loop.h epoll loop: starting
 * them, the games they share, the end of the run. */
#ifndef TTT_BOT_SWARM_H
#define TTT_BOT_SWARM_H

#include <stdint.h>

#include "options.h"
#include "stats.h"

/* Connections that may be in their connect + handshake at once, so that a
 * big swarm does not overrun the server's listen backlog. */
#define SWARM_CONNECT_BATCH 256

struct swarm;

/* A swarm of opt->clients clients that will count into *st. The move
 * choices come from `seed`. `max_fds` bounds the fd numbers the loop watches.
 * NULL with err set on failure. */
struct swarm *swarm_new(const struct bot_options *opt, uint64_t seed, struct stats *st,
                        int max_fds, char err[BOT_ERR_LEN]);

/* Play until every client has played its games (0) or the first failure:
 * a connection that fails or is lost for good, a protocol violation, a
 * server ERROR other than an illegal-move answer, SIGINT/SIGTERM (-1; see
 * swarm_error). Illegal-move answers are counted in the stats and do not
 * stop the run. */
int swarm_run(struct swarm *sw);

/* Why swarm_run failed ("" when it did not). */
const char *swarm_error(const struct swarm *sw);

/* Seconds swarm_run took. */
double swarm_seconds(const struct swarm *sw);

/* Close every connection and free everything. */
void swarm_free(struct swarm *sw);

#endif
