/* SPDX-License-Identifier: MIT */
/* finder.h: ttt-bot --discover -- the servers on the local network, each
 * printed once (session/discover.h does the looking). */
#ifndef TTT_BOT_FINDER_H
#define TTT_BOT_FINDER_H

#include "options.h"

/* Send queries to o->announce_port for o->wait_s seconds and print each
 * server that answers once, on stdout (flushed at once): a line
 * "ADDR:PORT NAME players=N games=M" (" full" after it when it is full),
 * or with o->json one JSON object a line (addr, port, name, version,
 * players, games, full). A server is printed once it has been known for
 * DISCOVER_RETRY_MS -- its answers from every address to one round are in
 * by then, so its best address is printed -- or at the end of the wait,
 * whichever comes first. Returns the exit status: 0 when a server
 * answered; 1 when none did (said on stderr) or the sockets cannot be
 * opened. */
int finder_run(const struct bot_options *o);

#endif
