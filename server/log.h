/* SPDX-License-Identifier: MIT */
/* log.h: tttd's log on stderr: one line an event, UTC timestamp first.
 * Names from the network go through log_name() (escaped), never raw.
 *
 * When stderr is the systemd journal's stream (JOURNAL_STREAM names its
 * device and inode, as systemd sets it for a service), each line starts
 * instead with its priority as sd-daemon(3) reads it -- <3> an error, <4>
 * a warning, <6> an event, <7> per-frame detail -- and no time stamp (the
 * journal keeps its own), so that journalctl -p err shows the errors
 * alone. */
#ifndef TTT_LOG_H
#define TTT_LOG_H

#include <stddef.h>

#include "options.h"

/* Until log_start() lines are written to stderr by the caller; after it a
 * writer thread writes them, so that a stderr nobody reads (a paused pager,
 * a full pipe) never blocks the event loop: lines wait in a bounded buffer
 * (LOG_BUFFER bytes), and what does not fit is dropped and counted, the
 * count written as a line of its own once stderr takes lines again. */
#define LOG_BUFFER (256u * 1024u)

/* Start the writer thread (call with the signals it must not take blocked).
 * 0, or -1 with errno set (lines then keep going straight to stderr). */
int log_start(void);

/* Write what waits and stop the thread; lines go straight to stderr again.
 * If stderr takes nothing for 2 s, it returns anyway and leaves the thread
 * blocked (for the process's exit to end; what waits is then lost). */
void log_stop(void);

/* Set the level (enum log_level); the default is LOG_NORMAL. */
void log_set_level(int level);

/* 1 if messages of `level` are printed (LOG_VERBOSE for the chattiest). */
int log_enabled(int level);

/* A line at `level` (enum log_level), written when log_enabled(level); a
 * line at LOG_QUIET is an error, always written, tagged "error: ". */
void log_at(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An event (shown unless --quiet). */
#define log_info(...) log_at(LOG_NORMAL, __VA_ARGS__)
/* Per-frame detail (--verbose). */
#define log_debug(...) log_at(LOG_VERBOSE, __VA_ARGS__)
/* An error: always shown. */
#define log_error(...) log_at(LOG_QUIET, __VA_ARGS__)

/* A warning: always shown, tagged "warning: ": something does not work and
 * the server goes on without it (discovery on a port that cannot be had). */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Why tttd cannot start (or go on): "tttd: " and the message, whatever the
 * level and with no time stamp, as a command-line program says it (with
 * <3> first for the journal). */
void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 1 when lines go to the journal in its own format (see above). */
int log_to_journal(void);

/* Size that always suffices for text_json_escape of a player name (16 bytes). */
#define LOG_NAME_MAX (16 * 6 + 1)

struct proto_name;

/* A player's name as a log line shows it: JSON-escaped (text_json_escape)
 * into out, whole, and returned. */
const char *log_name(const struct proto_name *name, char out[LOG_NAME_MAX]);

#endif
