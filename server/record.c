/* record.c: appends finished games to the record file. The event loop does
 * the write() (a single one per game, O_APPEND, so a crash loses no finished
 * game and lines never interleave); a writer thread calls fdatasync() when
 * asked, so the loop never waits for the disk. Lines whose write failed
 * wait in a bounded buffer and are retried. */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "text.h"

#define RECORD_LINE_MAX 1024
#define RECORD_PENDING_MAX (256u * 1024u)

struct record {
    int fd;
    char *path;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int dirty;      /* written since the last fdatasync (under lock) */
    int stop;       /* under lock */
    char *pending;  /* lines not yet written */
    size_t pending_len;
    size_t dropped; /* lines lost because pending was full */
};

static void *writer_main(void *arg)
{
    struct record *r = arg;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (!r->dirty && !r->stop)
            pthread_cond_wait(&r->wake, &r->lock);
        if (r->dirty) {
            r->dirty = 0;
            pthread_mutex_unlock(&r->lock);
            if (fdatasync(r->fd) < 0)
                log_error("record: fdatasync %s: %s", r->path, strerror(errno));
            pthread_mutex_lock(&r->lock);
            continue;
        }
        if (r->stop)
            break;
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

struct record *record_open(const char *path, char *err, size_t err_len)
{
    struct record *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        snprintf(err, err_len, "out of memory");
        free(r);
        return NULL;
    }
    r->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
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

/* Write the pending lines; keep what did not go. */
static void flush_pending(struct record *r)
{
    while (r->pending_len) {
        ssize_t w = write(r->fd, r->pending, r->pending_len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            log_error("record: write %s: %s (%zu bytes kept for retry)", r->path,
                      w < 0 ? strerror(errno) : "wrote nothing", r->pending_len);
            return;
        }
        memmove(r->pending, r->pending + w, r->pending_len - (size_t)w);
        r->pending_len -= (size_t)w;
        mark_dirty(r);
        log_info("record: %zd bytes written on retry", w);
    }
}

/* Keep bytes for a retry, within RECORD_PENDING_MAX; 0 or -1. */
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
    record_retry(r);
    size_t done = 0;
    if (!r->pending_len) {
        /* The common case: one write() of the whole line. */
        ssize_t w;
        do
            w = write(r->fd, line, n);
        while (w < 0 && errno == EINTR);
        if (w > 0) {
            done = (size_t)w;
            mark_dirty(r);
        } else {
            log_error("record: write %s: %s (kept for retry)", r->path,
                      w < 0 ? strerror(errno) : "wrote nothing");
        }
    }
    if (done < n && keep_pending(r, line + done, n - done) < 0) {
        r->dropped++;
        log_error("record: retry buffer full or out of memory; game %u not recorded",
                  (unsigned)g->game_id);
    }
}

void record_retry(struct record *r)
{
    if (r->pending_len)
        flush_pending(r);
    if (r->pending && !r->pending_len) {
        free(r->pending);
        r->pending = NULL;
    }
}

int record_pending(const struct record *r) { return r->pending_len != 0; }

void record_close(struct record *r)
{
    if (!r)
        return;
    record_retry(r);
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
