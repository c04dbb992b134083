/* SPDX-License-Identifier: MIT */
/* test_server_units.c: the server's parts without a socket: the command
 * line, the escaping of client-chosen names, the record line, and the log's
 * writer thread against a stderr nobody reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "text.h"
#include "options.h"
#include "record.h"

static int parse(struct options *o, char *err, ...)
{
    char *argv[32];
    int argc = 0;
    va_list ap;
    va_start(ap, err);
    argv[argc++] = (char *)"tttd";
    for (char *a; argc < 31 && (a = va_arg(ap, char *));)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    return options_parse(argc, argv, o, err, 200);
}

static void test_defaults(void **state)
{
    (void)state;
    struct options o;
    char err[200];
    assert_int_equal(parse(&o, err, NULL), OPTIONS_RUN);
    assert_null(o.bind);
    assert_int_equal(o.port, 7777);
    assert_int_equal(o.max_clients, 10000);
    assert_int_equal(o.turn_s, 30);
    assert_int_equal(o.grace_s, 20);
    assert_int_equal(o.hello_timeout_s, 5);
    assert_int_equal(o.idle_timeout_s, 30);
    assert_null(o.record);
    assert_int_equal(o.log_level, LOG_NORMAL);
    assert_int_equal(o.max_per_ip, 0);
    assert_int_equal(o.room_s, 600);
    assert_int_equal(o.public_rooms, 0);
    assert_int_equal(o.announce, 1);
    assert_int_equal(o.announce_port, 7778);
    /* The host name, cut to fit the name rules (or "ttt"). */
    char host[256] = "", fitted[DISC_NAME_MAX + 1];
    assert_int_equal(gethostname(host, sizeof host), 0);
    size_t n = text_name_fit(host, strlen(host), DISC_NAME_MAX, fitted);
    assert_string_equal(o.name.s, n ? fitted : "ttt");
    assert_int_equal(o.name.len, strlen(o.name.s));
}

static void test_every_option(void **state)
{
    (void)state;
    struct options o;
    char err[200];
    assert_int_equal(parse(&o, err, "--bind", "127.0.0.1", "--port", "0", "--max-clients", "3",
                           "--turn-time", "1", "--grace=2", "--hello-timeout", "4", "--idle-timeout",
                           "6", "--record", "/tmp/x", "--verbose", "--max-per-ip", "7", "--room-time", "9",
                           "--public-rooms", NULL),
                     OPTIONS_RUN);
    assert_string_equal(o.bind, "127.0.0.1");
    assert_int_equal(o.port, 0);
    assert_int_equal(o.max_clients, 3);
    assert_int_equal(o.turn_s, 1);
    assert_int_equal(o.grace_s, 2);
    assert_int_equal(o.hello_timeout_s, 4);
    assert_int_equal(o.idle_timeout_s, 6);
    assert_string_equal(o.record, "/tmp/x");
    assert_int_equal(o.log_level, LOG_VERBOSE);
    assert_int_equal(o.max_per_ip, 7);
    assert_int_equal(o.room_s, 9);
    assert_int_equal(o.public_rooms, 1);
    assert_int_equal(parse(&o, err, "--quiet", NULL), OPTIONS_RUN);
    assert_int_equal(o.log_level, LOG_QUIET);
    assert_int_equal(parse(&o, err, "--name", "Salle des f\xc3\xaates", "--announce-port", "0", NULL), OPTIONS_RUN);
    assert_string_equal(o.name.s, "Salle des f\xc3\xaates");
    assert_int_equal(o.name.len, 16);
    assert_int_equal(o.announce_port, 0);
    assert_int_equal(o.announce, 1);
    assert_int_equal(parse(&o, err, "--no-announce", "--name", "12345678901234567890123456789012", NULL),
                     OPTIONS_RUN);
    assert_int_equal(o.announce, 0);
    assert_int_equal(o.name.len, 32);
}

static void test_bad_options(void **state)
{
    (void)state;
    struct options o;
    char err[200];
    const char *bad[][3] = {
        { "--port", "65536", "--port" }, { "--port", "-1", "--port" }, { "--port", "12x", "--port" },
        { "--port", "", "--port" },      { "--turn-time", "0", "--turn-time" },
        { "--max-clients", "0", "--max-clients" }, { "--idle-timeout", "1e3", "--idle-timeout" },
        { "--grace", "65536", "--grace" }, { "--nope", NULL, "--nope" },
        { "--room-time", "0", "--room-time" }, { "--max-per-ip", "-1", "--max-per-ip" },
        { "--public-rooms=1", NULL, "--public-rooms" },
        { "--announce-port", "65536", "--announce-port" }, { "--name", "", "not a server name" },
        { "--name", "123456789012345678901234567890123", "1 to 32 bytes" },
        { "--name", " box", "no space at either end" }, { "--name", "a\x1b[2Jb", "'a?[2Jb'" },
        { "--name", "bi\xe2\x80\xae" "di", "bidirectional" }, { "--name", "\xff", "'?'" },
        { "--no-announce=1", NULL, "--no-announce" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(parse(&o, err, bad[i][0], bad[i][1], NULL), OPTIONS_BAD);
        assert_non_null(strstr(err, bad[i][2]));
        assert_null(strchr(err, '\n')); /* one line */
    }
    assert_int_equal(parse(&o, err, "--port", NULL), OPTIONS_BAD);
    assert_non_null(strstr(err, "needs a value"));
    assert_int_equal(parse(&o, err, "--quiet", "--verbose", NULL), OPTIONS_BAD);
    assert_int_equal(parse(&o, err, "extra", NULL), OPTIONS_BAD);
}

/* The worst 16-byte name, escaped, fits LOG_NAME_MAX. */
static void test_escaped_name_fits(void **state)
{
    (void)state;
    char out[LOG_NAME_MAX];
    assert_int_not_equal(text_json_escape("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 16,
                                    out, sizeof out),
                         (size_t)-1);
}

static void test_record_line(void **state)
{
    (void)state;
    struct proto_name x, o;
    proto_name_set(&x, "alice");
    proto_name_set(&o, "bob");
    uint8_t moves[] = { 0, 3, 1, 4, 2 };
    struct record_game g = { .game_id = 7, .x = &x, .o = &o, .moves = moves, .nmoves = 5,
                             .winner = 1, .reason = 1, .started = 1795514400, .ended = 1795514409 };
    char line[512];
    size_t n = record_format(&g, line, sizeof line);
    assert_int_equal(n, strlen(line));
    assert_string_equal(line, "{\"game_id\":7,\"x\":\"alice\",\"o\":\"bob\",\"moves\":[0,3,1,4,2],"
                              "\"winner\":\"X\",\"reason\":\"line\",\"started\":\"2026-11-24T10:00:00Z\","
                              "\"ended\":\"2026-11-24T10:00:09Z\"}\n");
    proto_name_set(&x, "q\"\\");
    g.nmoves = 0;
    g.winner = 0;
    g.reason = 6;
    record_format(&g, line, sizeof line);
    assert_non_null(strstr(line, "\"x\":\"q\\\"\\\\\""));
    assert_non_null(strstr(line, "\"moves\":[]"));
    assert_non_null(strstr(line, "\"winner\":\"none\",\"reason\":\"aborted\""));
    g.reason = 2;
    record_format(&g, line, sizeof line);
    assert_non_null(strstr(line, "\"winner\":\"draw\",\"reason\":\"full\""));
    assert_int_equal(record_format(&g, line, 20), 0);
}

/* Reads a pipe to its end into a growing buffer. */
struct drain {
    int fd;
    char *buf;
    size_t len, cap;
};

static void *drain_pipe(void *arg)
{
    struct drain *d = arg;
    for (;;) {
        if (d->cap - d->len < 4096) {
            d->cap = d->cap ? d->cap * 2 : 65536;
            d->buf = realloc(d->buf, d->cap + 1);
            if (!d->buf)
                return NULL;
        }
        ssize_t n = read(d->fd, d->buf + d->len, d->cap - d->len);
        if (n <= 0)
            break;
        d->len += (size_t)n;
    }
    if (d->buf)
        d->buf[d->len] = '\0';
    return NULL;
}

/* With the writer thread on, logging never waits for stderr: 20,000 lines
 * (about 1 MB) into a pipe nobody reads yet all return (were it to block,
 * the test would hang and time out). What did not fit in the buffer is
 * dropped (the newest, as they come) and counted; once the pipe is read,
 * every line is either there, in order, or counted. */
static void test_log_never_blocks(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_int_equal(dup2(p[1], STDERR_FILENO), STDERR_FILENO);
    close(p[1]);
    assert_int_equal(log_start(), 0);
    enum { LINES = 20000 };
    for (int i = 0; i < LINES; i++)
        log_info("line %d of the flood, padded to be a little longer", i);

    struct drain d = { .fd = p[0] };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, drain_pipe, &d), 0);
    log_stop();
    assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO); /* the pipe's last writer goes */
    close(saved);
    pthread_join(t, NULL);
    close(p[0]);
    assert_non_null(d.buf);

    unsigned long got = 0, dropped = 0;
    int last = -1, in_order = 1;
    for (char *line = d.buf; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        const char *at = strstr(line, "line ");
        unsigned long n;
        if (at && sscanf(at, "line %d of", &last) == 1) {
            if ((int)got > last)
                in_order = 0;
            got++;
        } else if (sscanf(line, "tttd: %lu log lines dropped", &n) == 1) {
            dropped += n;
        }
        line = end ? end + 1 : NULL;
    }
    free(d.buf);
    assert_true(in_order);
    assert_true(last >= 0);
    assert_true(dropped > 0);      /* 1 MB does not fit in a 64 KiB pipe + LOG_BUFFER */
    assert_int_equal(got + dropped, LINES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_option),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_escaped_name_fits),
        cmocka_unit_test(test_record_line),
        cmocka_unit_test(test_log_never_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
