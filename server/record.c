/* SPDX-License-Identifier: MIT */
/* record.c: appends finished games to the record file. The event loop does
 * the write() (a single one per game, O_APPEND, so a crash loses no finished
 * game and lines never interleave); a writer thread calls fdatasync() when
 * asked, so the loop never waits for the disk. A write that the disk cuts
 * short is taken back to the last whole line (the file never ends in part
 * of a line), and lines that did not go wait in a bounded buffer and are
 * retried. SIGHUP's reopen (record_reopen) hands the old descriptor to the
 * writer thread, which syncs and closes it. */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "text.h"

#define RECORD_LINE_MAX 1024
#define RECORD_PENDING_MAX (256u * 1024u)

struct record {
    int fd;         /* written by the loop only; swapped under lock */
    char *path;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int dirty;      /* written since the last fdatasync (under lock) */
    int retired;    /* a descriptor for the writer to sync and close, or -1 (under lock) */
    int stop;       /* under lock */
    int failing;    /* the last write failed (said once) */
    char *pending;  /* whole lines not yet written */
    size_t pending_len;
    size_t dropped; /* lines lost because pending was full */
};

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
        if (old >= 0 && fdatasync(old) < 0)
            log_error("record: fdatasync of the old %s: %s", r->path, strerror(errno));
        if (old >= 0 && close(old) < 0)
            log_error("record: closing the old %s: %s", r->path, strerror(errno));
        if (fd >= 0 && fdatasync(fd) < 0)
            log_error("record: fdatasync %s: %s", r->path, strerror(errno));
        pthread_mutex_lock(&r->lock);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/* Cut a partial line off the end of the file open at fd (a crash or a full
 * disk in an older run left it): the file then ends in a whole line. */
static void trim_partial(int fd, const char *path)
{
    struct stat st;
    char buf[4096];
    if (fstat(fd, &st) < 0 || st.st_size == 0)
        return;
    off_t end = st.st_size, at = end;
    while (at > 0) {
        size_t n = at < (off_t)sizeof buf ? (size_t)at : sizeof buf;
        ssize_t got = pread(fd, buf, n, at - (off_t)n);
        if (got != (ssize_t)n)
            return; /* cannot read it: leave it as it is */
        const char *nl = memrchr(buf, '\n', n);
        if (nl) {
            at = at - (off_t)n + (nl - buf) + 1;
            break;
        }
        at -= (off_t)n;
    }
    if (at == end)
        return;
    if (ftruncate(fd, at) < 0)
        log_error("record: %s ends in part of a line (%lld bytes) that cannot be removed: %s", path,
                  (long long)(end - at), strerror(errno));
    else
        log_error("record: %s ended in part of a line (%lld bytes, from a crash or a full disk): removed",
                  path, (long long)(end - at));
}

/* Open (create, append) the record file; its descriptor or -1 with errno. */
static int open_file(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0)
        trim_partial(fd, path);
    return fd;
}

struct record *record_open(const char *path, char *err, size_t err_len)
{
    struct record *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        snprintf(err, err_len, "out of memory");
        free(r);
        return NULL;
    }
    r->retired = -1;
    r->fd = open_file(path);
    if (r->fd < 0) {
        snprintf(err, err_len, "cannot open record file %s: %s", path, strerror(errno));
        free(r->path);
        free(r);
        return NULL;
    }
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    int e = pthread_create(&r->thread, NULL, writer_main, r);
    if (e) {
        snprintf(err, err_len, "cannot start the record writer thread: %s", strerror(e));
        close(r->fd);
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

static const char *reason_text(uint8_t reason)
{
    static const char *const names[] = { "?", "line", "full", "resign", "timeout", "forfeit", "aborted" };
    return reason < sizeof names / sizeof names[0] ? names[reason] : "?";
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
                     reason_text(g->reason), started, ended);
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

/* Take the last `partial` bytes of the file back (a line the disk cut). */
static void take_back(struct record *r, size_t partial)
{
    struct stat st;
    if (fstat(r->fd, &st) < 0 || st.st_size < (off_t)partial || ftruncate(r->fd, st.st_size - (off_t)partial) < 0)
        log_error("record: %s: cannot take back %zu bytes of a cut line: %s", r->path, partial, strerror(errno));
}

/* Write data[0..n), whole lines, at the end of the file. Returns how many
 * bytes of whole lines went; a line the disk cut short is taken back. */
static size_t write_lines(struct record *r, const char *data, size_t n)
{
    ssize_t w;
    do
        w = write(r->fd, data, n);
    while (w < 0 && errno == EINTR);
    size_t whole = w > 0 ? (size_t)w : 0;
    while (whole > 0 && data[whole - 1] != '\n')
        whole--;
    if (w > 0 && (size_t)w > whole)
        take_back(r, (size_t)w - whole);
    if (whole)
        mark_dirty(r);
    if (whole < n && !r->failing) {
        r->failing = 1;
        log_error("record: write %s: %s; lines are kept and retried every second", r->path,
                  w < 0 ? strerror(errno) : "no space for a whole line");
    } else if (whole == n && r->failing) {
        r->failing = 0;
        log_info("record: writing to %s again", r->path);
    }
    return whole;
}

/* Keep a line for a retry, within RECORD_PENDING_MAX; 0 or -1. */
static int keep_pending(struct record *r, const char *data, size_t n)
{
    if (!r->pending && !(r->pending = malloc(RECORD_PENDING_MAX)))
        return -1;
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
    if (!r->pending_len && write_lines(r, line, n) == n)
        return;
    if (keep_pending(r, line, n) < 0) {
        r->dropped++;
        log_error("record: retry buffer full or out of memory; game %u not recorded", (unsigned)g->game_id);
    }
}

void record_retry(struct record *r)
{
    if (r->pending_len) {
        size_t done = write_lines(r, r->pending, r->pending_len);
        memmove(r->pending, r->pending + done, r->pending_len - done);
        r->pending_len -= done;
    }
    if (r->pending && !r->pending_len) {
        free(r->pending);
        r->pending = NULL;
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
    int fd = open_file(r->path);
    if (fd < 0) {
        log_error("record: cannot reopen %s: %s; still writing to the file open before", r->path, strerror(errno));
        return -1;
    }
    pthread_mutex_lock(&r->lock);
    r->retired = r->fd;
    r->fd = fd;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    log_info("record: reopened %s", r->path);
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
    if (fdatasync(r->fd) < 0)
        log_error("record: fdatasync %s: %s", r->path, strerror(errno));
    close(r->fd);
    free(r->pending);
    free(r->path);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->wake);
    free(r);
}
