/* log.c: timestamped lines on stderr, filtered by level, and the escaping
 * that keeps client-chosen bytes out of logs and JSON records. */
#include "log.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int level = LOG_NORMAL;

void log_set_level(int l) { level = l; }

int log_enabled(int l) { return l <= level; }

static void vlog(const char *tag, const char *fmt, va_list ap)
{
    struct timespec ts;
    struct tm tm;
    char when[32];
    (void)clock_gettime(CLOCK_REALTIME, &ts);
    if (!gmtime_r(&ts.tv_sec, &tm) || !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm))
        snprintf(when, sizeof when, "?");
    char line[1024];
    int n = snprintf(line, sizeof line, "%s.%03ldZ %s", when, ts.tv_nsec / 1000000L, tag);
    if (n < 0 || (size_t)n >= sizeof line)
        return;
    int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    if (m < 0)
        return;
    size_t len = (size_t)n + (size_t)m;
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    /* One write per line, so lines from a crash or a pipe never interleave. */
    (void)fwrite(line, 1, len, stderr);
}

void log_info(const char *fmt, ...)
{
    if (!log_enabled(LOG_NORMAL))
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog("", fmt, ap);
    va_end(ap);
}

void log_debug(const char *fmt, ...)
{
    if (!log_enabled(LOG_VERBOSE))
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog("", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("error: ", fmt, ap);
    va_end(ap);
}

/* Decode one UTF-8 sequence at s[0..n); returns its length and sets *cp, or
 * 0 when it is not well-formed (overlong, surrogate, truncated, > U+10FFFF). */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b = s[0];
    size_t len;
    uint32_t v, min;
    if (b < 0x80) {
        *cp = b;
        return 1;
    } else if ((b & 0xE0) == 0xC0) {
        len = 2; v = b & 0x1Fu; min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
        len = 3; v = b & 0x0Fu; min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
        len = 4; v = b & 0x07u; min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

size_t log_escape(const char *s, size_t n, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    if (cap == 0)
        return (size_t)-1;
    for (size_t i = 0; i < n;) {
        char tmp[16];
        size_t tl;
        uint32_t cp;
        size_t len = utf8_next(p + i, n - i, &cp);
        if (len == 0) {
            cp = p[i];
            len = 1;
        }
        if (cp == '"' || cp == '\\') {
            tmp[0] = '\\'; tmp[1] = (char)cp; tl = 2;
        } else if (cp >= 0x20 && cp < 0x7F) {
            tmp[0] = (char)cp; tl = 1;
        } else if (cp < 0x10000) {
            tl = (size_t)snprintf(tmp, sizeof tmp, "\\u%04x", (unsigned)cp);
        } else {
            uint32_t v = cp - 0x10000;
            tl = (size_t)snprintf(tmp, sizeof tmp, "\\u%04x\\u%04x", (unsigned)(0xD800 + (v >> 10)),
                                  (unsigned)(0xDC00 + (v & 0x3FF)));
        }
        if (o + tl >= cap) {
            out[o] = '\0';
            return (size_t)-1;
        }
        memcpy(out + o, tmp, tl);
        o += tl;
        i += len;
    }
    out[o] = '\0';
    return o;
}
