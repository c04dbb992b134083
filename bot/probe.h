/* SPDX-License-Identifier: MIT */
/* probe.h: ttt-bot --probe -- is HOST[:PORT] a ttt server that answers?
 * For scripts and monitoring. */
#ifndef TTT_BOT_PROBE_H
#define TTT_BOT_PROBE_H

#include "options.h"

/* Within PROBE_LIMIT_MS from the start, connect to o->host (each of its
 * addresses in turn), send HELLO and read the WELCOME (session/driver.h).
 * On stdout, unless o->quiet: "HOST:PORT: ttt server, protocol V, turn T s,
 * grace G s (WELCOME in X ms)", or with o->json one JSON object (ok,
 * server, version, turn_s, grace_s, ms, error), on failure too. Returns the
 * exit status: 0 when the WELCOME came; 1 when it did not (refused, no
 * answer, not the ttt protocol: one line on stderr says which). */
#define PROBE_LIMIT_MS 3000u
int probe_run(const struct bot_options *o);

#endif
