/* SPDX-License-Identifier: MIT */
/* record.h: the --record file: each finished game appended as one JSON line
 * with a single write() from the event loop, made durable by fdatasync() on
 * a writer thread within a second. A regular file only ever ends in a whole
 * line of ours: a write the disk cuts short is taken back (never below what
 * this process wrote, never past what another wrote after it) and retried.
 * A pipe or a device (FIFO, /dev/stdout) is written without blocking, whole
 * lines a write; what its reader does not take waits and is retried. */
#ifndef TTT_RECORD_H
#define TTT_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "proto.h"

struct record;

/* One finished game, as the server saw it. */
struct record_game {
    uint32_t game_id;
    const struct proto_name *x, *o;
    const uint8_t *moves;   /* cells in play order */
    uint8_t nmoves;
    uint8_t winner;         /* 0 draw/none, 1 X, 2 O */
    uint8_t reason;         /* enum proto_reason */
    time_t started, ended;
};

/* Open (create, append, non-blocking) `path` and start the writer thread.
 * A file that ends in part of someone else's line keeps it, and the first
 * line goes after a newline. NULL with a one-line reason in err if the file
 * cannot be opened (a FIFO with no reader cannot). The caller ignores
 * SIGPIPE (a FIFO's reader may go). */
struct record *record_open(const char *path, char *err, size_t err_len);

/* Format `g` as a JSON line (exported for tests). Returns its length
 * including the newline, or 0 if it does not fit in cap. */
size_t record_format(const struct record_game *g, char *out, size_t cap);

/* Append one game. Never blocks on the disk's flush nor on a pipe's reader;
 * on a failed or short write the file is cut back to this process's last
 * whole line and the line is kept (up to 256 KiB; beyond, lost and counted)
 * and retried on the next append or record_retry. No malloc. */
void record_append(struct record *r, const struct record_game *g);

/* Retry lines whose write failed (call about once a second). */
void record_retry(struct record *r);

/* 1 if lines are waiting for a retry. */
int record_pending(const struct record *r);

/* Open the file's path anew (after logrotate moved the file): the lines
 * from now on go to the new file (a partial last line in it is kept and
 * ended: only its last byte is read); the old descriptor is synced and
 * closed by the writer thread. Logs what it did. 0, or -1 (still writing to
 * the old file). */
int record_reopen(struct record *r);

/* Flush, fdatasync, stop the thread, close; logs how many finished games
 * could not be written and are lost, if any. */
void record_close(struct record *r);

#endif
