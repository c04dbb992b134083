/* SPDX-License-Identifier: MIT */
/* log.c: timestamped lines on stderr (or lines with a priority for the
 * journal), filtered by level, handed to a writer thread through a bounded
 * ring so that a stalled stderr never blocks the event loop. */
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"
#include "text.h"

_Static_assert(LOG_NAME_MAX >= PROTO_NAME_MAX * 6 + 1, "LOG_NAME_MAX holds an escaped name");

static int level = LOG_NORMAL;

/* sd-daemon(3) priorities, as the journal reads them at a line's start. */
enum { PRIO_ERR = 3, PRIO_WARNING = 4, PRIO_INFO = 6, PRIO_DEBUG = 7 };

/* Whether stderr is the journal's stream: -1 until first asked. Set by the
 * loop's thread before the writer starts (log_start asks), read by both. */
static int journal = -1;

int log_to_journal(void)
{
    if (journal < 0) {
        /* systemd sets JOURNAL_STREAM to "DEVICE:INODE" of the stream it
         * connects; a stderr redirected elsewhere by the service keeps the
         * variable but is another file. */
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        char extra;
        struct stat st;
        journal = e && sscanf(e, "%llu:%llu%c", &dev, &ino, &extra) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
                  (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
    }
    return journal;
}

#define LOG_STOP_WAIT_S 2

/* The lines waiting for the writer thread: a ring of bytes. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    int running, stopping;
    size_t head, len;           /* the waiting bytes: buf[head..head+len) mod LOG_BUFFER */
    unsigned long dropped;      /* lines that did not fit since the last count was written */
    char buf[LOG_BUFFER];
} ring = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

/* Write all of p[0..n) to stderr, as far as it goes (errors end it). */
static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* stderr is gone or broken: nothing better to do with a log */
        p += w;
        n -= (size_t)w;
    }
}

static void *writer(void *arg)
{
    (void)arg;
    char chunk[16384];
    pthread_mutex_lock(&ring.mu);
    for (;;) {
        while (ring.len == 0 && ring.dropped == 0 && !ring.stopping)
            pthread_cond_wait(&ring.cv, &ring.mu);
        if (ring.len == 0 && ring.dropped == 0)
            break; /* stopping, and everything is out */
        size_t n = ring.len < sizeof chunk ? ring.len : sizeof chunk;
        for (size_t i = 0; i < n; i++)
            chunk[i] = ring.buf[(ring.head + i) % LOG_BUFFER];
        ring.head = (ring.head + n) % LOG_BUFFER;
        ring.len -= n;
        unsigned long dropped = ring.len == 0 ? ring.dropped : 0;
        if (dropped)
            ring.dropped = 0;
        pthread_mutex_unlock(&ring.mu);
        write_all(chunk, n);
        if (dropped) {
            char note[96];
            int m = snprintf(note, sizeof note, "%stttd: %lu log lines dropped: stderr did not keep up\n",
                             journal > 0 ? "<4>" : "", dropped);
            if (m > 0)
                write_all(note, (size_t)m < sizeof note ? (size_t)m : sizeof note - 1);
        }
        pthread_mutex_lock(&ring.mu);
    }
    pthread_mutex_unlock(&ring.mu);
    return NULL;
}

int log_start(void)
{
    (void)log_to_journal(); /* decided before the writer can ask */
    pthread_mutex_lock(&ring.mu);
    ring.stopping = 0;
    int e = ring.running ? 0 : pthread_create(&ring.thread, NULL, writer, NULL);
    if (e == 0)
        ring.running = 1;
    pthread_mutex_unlock(&ring.mu);
    if (e != 0) {
        errno = e;
        return -1;
    }
    return 0;
}

void log_stop(void)
{
    pthread_mutex_lock(&ring.mu);
    int was = ring.running;
    ring.stopping = 1;
    pthread_cond_signal(&ring.cv);
    pthread_mutex_unlock(&ring.mu);
    if (!was)
        return;
    /* A stderr nobody reads must not hold up the exit either: give the
     * writer LOG_STOP_WAIT_S seconds, then leave it to the process's end. */
    struct timespec until;
    (void)clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += LOG_STOP_WAIT_S;
    if (pthread_timedjoin_np(ring.thread, NULL, &until) != 0)
        return; /* still blocked in write(): lines in it are lost */
    pthread_mutex_lock(&ring.mu);
    ring.running = 0;
    pthread_mutex_unlock(&ring.mu);
}

/* Hand one line to the writer, or write it here before log_start. */
static void put_line(const char *line, size_t len)
{
    pthread_mutex_lock(&ring.mu);
    if (!ring.running) {
        pthread_mutex_unlock(&ring.mu);
        write_all(line, len); /* one write per line: lines never interleave */
        return;
    }
    if (LOG_BUFFER - ring.len < len) {
        ring.dropped++;
    } else {
        size_t tail = (ring.head + ring.len) % LOG_BUFFER;
        for (size_t i = 0; i < len; i++)
            ring.buf[(tail + i) % LOG_BUFFER] = line[i];
        ring.len += len;
    }
    pthread_cond_signal(&ring.cv);
    pthread_mutex_unlock(&ring.mu);
}

void log_set_level(int l) { level = l; }

int log_enabled(int l) { return l <= level; }

/* One line: "<PRIO>" for the journal, else the UTC time (unless
 * `stamp` is 0); then the tag and the message. */
static void vlog(int prio, int stamp, const char *tag, const char *fmt, va_list ap)
{
    char line[1024];
    int n;
    if (log_to_journal()) {
        n = snprintf(line, sizeof line, "<%d>%s", prio, tag);
    } else if (!stamp) {
        n = snprintf(line, sizeof line, "%s", tag);
    } else {
        struct timespec ts;
        struct tm tm;
        char when[32];
        (void)clock_gettime(CLOCK_REALTIME, &ts);
        if (!gmtime_r(&ts.tv_sec, &tm) || !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm))
            snprintf(when, sizeof when, "?");
        n = snprintf(line, sizeof line, "%s.%03ldZ %s", when, ts.tv_nsec / 1000000L, tag);
    }
    if (n < 0 || (size_t)n >= sizeof line)
        return;
    int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    if (m < 0)
        return;
    size_t len = (size_t)n + (size_t)m;
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    put_line(line, len);
}

void log_at(int lvl, const char *fmt, ...)
{
    if (!log_enabled(lvl))
        return;
    va_list ap;
    va_start(ap, fmt);
    if (lvl == LOG_QUIET)
        vlog(PRIO_ERR, 1, "error: ", fmt, ap);
    else
        vlog(lvl == LOG_NORMAL ? PRIO_INFO : PRIO_DEBUG, 1, "", fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(PRIO_WARNING, 1, "warning: ", fmt, ap);
    va_end(ap);
}

void log_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(PRIO_ERR, 0, "tttd: ", fmt, ap);
    va_end(ap);
}

const char *log_name(const struct proto_name *name, char out[LOG_NAME_MAX])
{
    (void)text_json_escape(name->s, name->len, out, LOG_NAME_MAX);
    return out;
}
