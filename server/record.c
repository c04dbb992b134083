/* SPDX-License-Identifier: MIT */
/* record.c: appends finished games to the record file. The event loop does
 * the write() (one per game, O_APPEND, so a crash loses no finished game and
 * lines never interleave); a writer thread calls fdatasync() when asked, so
 * the loop never waits for the disk. A write that the disk cuts short is
 * taken back to the end of this process's last whole line (never below what
 * this process wrote, never past what someone else wrote after it), and
 * lines that did not go wait in a bounded buffer and are retried. A file
 * that ends in part of someone else's line gets a newline before our first
 * line; only its last byte is read. A pipe or a device (a FIFO, /dev/stdout)
 * is written without blocking, each write whole lines of at most PIPE_BUF
 * bytes, which a pipe takes whole or not at all. SIGHUP's reopen
 * (record_reopen) hands the old descriptor to the writer thread, which
 * syncs and closes it. */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "log.h"
#include "text.h"

#define RECORD_LINE_MAX 1024
#define RECORD_PENDING_MAX (256u * 1024u)

/* A line goes into a pipe in one write, which PIPE_BUF keeps whole. */
_Static_assert(RECORD_LINE_MAX <= PIPE_BUF, "a record line must fit in one atomic pipe write");

struct record {
    int fd;         /* written by the loop only; swapped under lock */
    int regular;    /* fd is a regular file (else a pipe or a device): loop only */
    int check_tail; /* before the next write, end someone's partial line: loop only */
    char *path;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int dirty;      /* written since the last fdatasync (under lock) */
    int retired;    /* a descriptor for the writer to sync and close, or -1 (under lock) */
    int stop;       /* under lock */
    int failing;    /* the last write failed (said once) */
    char *pending;  /* RECORD_PENDING_MAX bytes: lines, or a line's rest, not yet written */
    size_t pending_len;
    size_t dropped; /* lines lost because pending was full */
};

/* fdatasync, where there is a disk behind fd (a pipe has none: EINVAL). */
static int sync_fd(int fd)
{
    return fdatasync(fd) < 0 && errno != EINVAL ? -1 : 0;
}

static void *writer_main(void *arg)
{
    struct record *r = arg;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (!r->dirty && r->retired < 0 && !r->stop)
            pthread_cond_wait(&r->wake, &r->lock);
        if (!r->dirty && r->retired < 0)
            break; /* stopping, and nothing is left to sync */
        int fd = r->dirty ? r->fd : -1, old = r->retired;
        r->dirty = 0;
        r->retired = -1;
        pthread_mutex_unlock(&r->lock);
        /* Only this thread closes a retired descriptor, after any sync of
         * it that was under way: the loop never waits for the disk. */
        if (old >= 0 && sync_fd(old) < 0)
            log_error("record: fdatasync of the old %s: %s", r->path, strerror(errno));
        if (old >= 0 && close(old) < 0)
            log_error("record: closing the old %s: %s", r->path, strerror(errno));
        if (fd >= 0 && sync_fd(fd) < 0)
            log_error("record: fdatasync %s: %s", r->path, strerror(errno));
        pthread_mutex_lock(&r->lock);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/* 1 if the regular file at fd ends in part of a line (its last byte is not
 * a newline). Reads that one byte, however large the file. */
static int ends_mid_line(int fd)
{
    struct stat st;
    char last;
    return fstat(fd, &st) == 0 && st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n';
}

/* Open (create, append, never blocking) the record file; its descriptor, or
 * -1 with errno (ENXIO: a FIFO nobody reads). *regular: a regular file. */
static int open_file(const char *path, int *regular)
{
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0644);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        errno = e;
        return -1;
    }
    *regular = S_ISREG(st.st_mode);
    if (S_ISFIFO(st.st_mode)) {
        /* A read end of our own would keep the pipe from ever losing its
         * reader (no EPIPE): write only. */
        close(fd);
        fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    }
    return fd;
}

/* Make fd (just opened by open_file) the file written from now on, and say
 * once what kind of file it is when that matters. */
static void take_file(struct record *r, int fd, int regular)
{
    pthread_mutex_lock(&r->lock);
    if (r->fd >= 0)
        r->retired = r->fd;
    r->fd = fd;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    r->regular = regular;
    r->check_tail = regular && ends_mid_line(fd);
    if (r->check_tail)
        log_warn("record: %s ends in part of a line that this tttd did not write: it is kept, and the "
                 "next game's line starts on a line of its own",
                 r->path);
    if (!regular)
        log_info("record: %s is a pipe or a device, not a file: each line goes in whole without waiting "
                 "for the reader; lines it does not take wait (up to %u KiB) and are retried every "
                 "second, later ones are lost and counted; nothing is synced to disk",
                 r->path, RECORD_PENDING_MAX / 1024u);
}

static const char *open_error(int e)
{
    return e == ENXIO ? "a FIFO that nobody reads (start its reader first)" : strerror(e);
}

struct record *record_open(const char *path, char *err, size_t err_len)
{
    struct record *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path)) || !(r->pending = malloc(RECORD_PENDING_MAX))) {
        snprintf(err, err_len, "out of memory");
        if (r)
            free(r->path);
        free(r);
        return NULL;
    }
    r->retired = -1;
    r->fd = -1;
    int regular, fd = open_file(path, &regular);
    if (fd < 0) {
        snprintf(err, err_len, "cannot open record file %s: %s", path, open_error(errno));
        free(r->pending);
        free(r->path);
        free(r);
        return NULL;
    }
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    take_file(r, fd, regular);
    int e = pthread_create(&r->thread, NULL, writer_main, r);
    if (e) {
        snprintf(err, err_len, "cannot start the record writer thread: %s", strerror(e));
        close(r->fd);
        free(r->pending);
        free(r->path);
        free(r);
        return NULL;
    }
    return r;
}

static const char *winner_text(uint8_t winner, uint8_t reason)
{
    if (winner == 1)
        return "X";
    if (winner == 2)
        return "O";
    return reason == PROTO_REASON_ABORTED ? "none" : "draw";
}

static int utc_text(time_t t, char *out, size_t cap)
{
    struct tm tm;
    return gmtime_r(&t, &tm) && strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) ? 0 : -1;
}

size_t record_format(const struct record_game *g, char *out, size_t cap)
{
    char x[LOG_NAME_MAX], o[LOG_NAME_MAX], started[32], ended[32], moves[40];
    if (text_json_escape(g->x->s, g->x->len, x, sizeof x) == (size_t)-1 ||
        text_json_escape(g->o->s, g->o->len, o, sizeof o) == (size_t)-1 ||
        utc_text(g->started, started, sizeof started) || utc_text(g->ended, ended, sizeof ended))
        return 0;
    size_t m = 0;
    for (uint8_t i = 0; i < g->nmoves && i < 9; i++)
        m += (size_t)snprintf(moves + m, sizeof moves - m, "%s%u", i ? "," : "", g->moves[i]);
    moves[m] = '\0';
    int n = snprintf(out, cap,
                     "{\"game_id\":%u,\"x\":\"%s\",\"o\":\"%s\",\"moves\":[%s],\"winner\":\"%s\","
                     "\"reason\":\"%s\",\"started\":\"%s\",\"ended\":\"%s\"}\n",
                     (unsigned)g->game_id, x, o, moves, winner_text(g->winner, g->reason),
                     proto_reason_name(g->reason), started, ended);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* Tell the writer thread there is something to fdatasync. */
static void mark_dirty(struct record *r)
{
    pthread_mutex_lock(&r->lock);
    r->dirty = 1;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
}

/* Take back the last `partial` bytes the write just made (a line the disk
 * cut short), only while they are still the end of the file: the fd's
 * offset (O_APPEND) is just past them, so nothing below what this process
 * wrote is cut, and nothing is cut when someone wrote after them or cut the
 * file (logrotate's copytruncate); then the next line starts on a line of
 * its own instead. */
static void take_back(struct record *r, size_t partial)
{
    struct stat st;
    off_t end = lseek(r->fd, 0, SEEK_CUR);
    if (end >= (off_t)partial && fstat(r->fd, &st) == 0 && st.st_size == end) {
        if (ftruncate(r->fd, end - (off_t)partial) == 0)
            return;
        log_error("record: %s: cannot take back %zu bytes of a cut line: %s", r->path, partial, strerror(errno));
    } else {
        log_error("record: %s changed under a line the disk cut short (another writer, or a copytruncate): "
                  "its %zu bytes are not taken back, and the next line starts on a line of its own",
                  r->path, partial);
    }
    r->check_tail = 1;
}

/* Write data[0..n) at the end of a regular file, after a newline when
 * someone's partial line ends it. Returns how many bytes of whole lines
 * went; a line the disk cut short is taken back. *err: errno, or 0. */
static size_t write_file(struct record *r, const char *data, size_t n, int *err)
{
    static char newline[] = "\n";
    size_t sep = r->check_tail && ends_mid_line(r->fd) ? 1 : 0;
    struct iovec iov[2] = { { newline, 1 }, { (void *)data, n } };
    ssize_t w;
    do
        w = writev(r->fd, iov + 1 - sep, (int)(1 + sep));
    while (w < 0 && errno == EINTR);
    *err = w < 0 ? errno : 0;
    if (!sep || w > 0)
        r->check_tail = 0;
    size_t ours = w > (ssize_t)sep ? (size_t)w - sep : 0, whole = ours;
    while (whole > 0 && data[whole - 1] != '\n')
        whole--;
    if (ours > whole)
        take_back(r, ours - whole);
    if (whole)
        mark_dirty(r);
    return whole;
}

/* Write data[0..n) (lines, the first perhaps a line's rest) to a pipe or a
 * device without blocking, whole lines of at most PIPE_BUF bytes a write:
 * a pipe takes each whole or refuses it (EAGAIN; EPIPE when nobody reads).
 * Returns how many bytes went; *err: errno, or 0. */
static size_t write_stream(struct record *r, const char *data, size_t n, int *err)
{
    size_t done = 0;
    *err = 0;
    while (done < n) {
        size_t chunk = n - done;
        if (chunk > PIPE_BUF)
            for (chunk = PIPE_BUF; chunk > 1 && data[done + chunk - 1] != '\n'; chunk--)
                ;
        ssize_t w;
        do
            w = write(r->fd, data + done, chunk);
        while (w < 0 && errno == EINTR);
        if (w <= 0) {
            *err = w < 0 ? errno : EAGAIN;
            break;
        }
        done += (size_t)w;
        if ((size_t)w < chunk)
            break; /* a device took part of it: the rest goes first next time */
    }
    return done;
}

static const char *write_error(int e)
{
    if (e == 0)
        return "no space for a whole line";
    if (e == EAGAIN)
        return "the reader does not keep up";
    if (e == EPIPE)
        return "nobody reads it";
    return strerror(e);
}

/* Write data[0..n) and say when writing starts or stops failing. Returns
 * how many bytes of it are written (and no longer to keep). */
static size_t write_lines(struct record *r, const char *data, size_t n)
{
    int err;
    size_t done = r->regular ? write_file(r, data, n, &err) : write_stream(r, data, n, &err);
    if (done < n && !r->failing) {
        r->failing = 1;
        log_error("record: write %s: %s; lines are kept and retried every second", r->path, write_error(err));
    } else if (done == n && r->failing) {
        r->failing = 0;
        log_info("record: writing to %s again", r->path);
    }
    return done;
}

/* Keep bytes for a retry, within RECORD_PENDING_MAX; 0 or -1. */
static int keep_pending(struct record *r, const char *data, size_t n)
{
    if (r->pending_len + n > RECORD_PENDING_MAX)
        return -1;
    memcpy(r->pending + r->pending_len, data, n);
    r->pending_len += n;
    return 0;
}

void record_append(struct record *r, const struct record_game *g)
{
    char line[RECORD_LINE_MAX];
    size_t n = record_format(g, line, sizeof line);
    if (!n) {
        log_error("record: game %u could not be formatted", (unsigned)g->game_id);
        return;
    }
    record_retry(r); /* the older lines first */
    size_t done = r->pending_len ? 0 : write_lines(r, line, n);
    if (done < n && keep_pending(r, line + done, n - done) < 0) {
        r->dropped++;
        log_error("record: retry buffer full; game %u not recorded", (unsigned)g->game_id);
    }
}

void record_retry(struct record *r)
{
    if (r->pending_len) {
        size_t done = write_lines(r, r->pending, r->pending_len);
        memmove(r->pending, r->pending + done, r->pending_len - done);
        r->pending_len -= done;
    }
}

int record_pending(const struct record *r) { return r->pending_len != 0; }

int record_reopen(struct record *r)
{
    pthread_mutex_lock(&r->lock);
    int busy = r->retired >= 0;
    pthread_mutex_unlock(&r->lock);
    if (busy) {
        log_error("record: %s not reopened: the file before it is still being closed", r->path);
        return -1;
    }
    int regular, fd = open_file(r->path, &regular);
    if (fd < 0) {
        log_error("record: cannot reopen %s: %s; still writing to the file open before", r->path,
                  open_error(errno));
        return -1;
    }
    log_info("record: reopened %s", r->path);
    take_file(r, fd, regular);
    record_retry(r);
    return 0;
}

void record_close(struct record *r)
{
    if (!r)
        return;
    record_retry(r);
    size_t lost = r->dropped;
    for (size_t i = 0; i < r->pending_len; i++)
        lost += r->pending[i] == '\n';
    if (lost)
        log_error("record: %zu finished game%s could not be written to %s and %s lost", lost,
                  lost == 1 ? "" : "s", r->path, lost == 1 ? "is" : "are");
    pthread_mutex_lock(&r->lock);
    r->stop = 1;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    if (sync_fd(r->fd) < 0)
        log_error("record: fdatasync %s: %s", r->path, strerror(errno));
    close(r->fd);
    free(r->pending);
    free(r->path);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->wake);
    free(r);
}
