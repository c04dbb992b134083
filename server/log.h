/* log.h: tttd's log on stderr: one line an event, UTC timestamp first.
 * Names from the network go through log_name() (escaped), never raw. */
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

/* An event at LOG_NORMAL (shown unless --quiet). */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Per-frame detail at LOG_VERBOSE. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An error: always shown. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Size that always suffices for text_json_escape of a player name (16 bytes). */
#define LOG_NAME_MAX (16 * 6 + 1)

#endif
