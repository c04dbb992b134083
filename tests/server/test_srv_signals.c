/* SPDX-License-Identifier: MIT */
/* test_srv_signals.c: tttd takes signals like a daemon, on a real server.
 * SIGHUP reopens the --record file (logrotate moved it: the next games go
 * to a new file at the path, the old file keeps its lines), says so in the
 * log, and never ends the server, with or without --record, however often
 * it comes. SIGUSR1 logs one line of stats (connections, games live and
 * finished, queue, rooms, frames in and out, closes by reason, uptime). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* A quick game: x resigns at once. */
static void quick_game(const char *xname)
{
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, xname, "o", NULL);
    assert_int_equal(th_send_type(&x, PROTO_RESIGN), 0);
    th_expect_game_over(&x, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&o, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_close(&x);
    th_close(&o);
}

/* The record file holds n lines, within 10 s. */
static void wait_lines(const char *path, int n)
{
    free(th_wait_lines(path, n));
    assert_int_equal(th_file_lines(path), n);
}

static void sighup_reopens_the_record(void **state)
{
    (void)state;
    quick_game("first");
    wait_lines(th_srv.record_path, 1);
    char rotated[400];
    snprintf(rotated, sizeof rotated, "%s.1", th_srv.record_path);
    assert_int_equal(rename(th_srv.record_path, rotated), 0);
    assert_int_equal(th_server_signal(&th_srv, SIGHUP), 0);
    th_server_wait_log(&th_srv, "record: reopened ");
    quick_game("second");
    wait_lines(th_srv.record_path, 1);
    char *text = th_read_file(th_srv.record_path);
    assert_non_null(strstr(text, "\"x\":\"second\""));
    free(text);
    assert_int_equal(th_file_lines(rotated), 1);
    text = th_read_file(rotated);
    assert_non_null(strstr(text, "\"x\":\"first\""));
    free(text);
    /* Again and again: the server stays. */
    for (int i = 0; i < 20; i++)
        assert_int_equal(th_server_signal(&th_srv, SIGHUP), 0);
    quick_game("third");
    wait_lines(th_srv.record_path, 2);
    assert_true(th_server_alive(&th_srv));
    unlink(rotated);
}

static void sighup_without_record(void **state)
{
    (void)state;
    struct th_client c;
    th_hello(&c, th_srv.port, "stays");
    assert_int_equal(th_server_signal(&th_srv, SIGHUP), 0);
    th_server_wait_log(&th_srv, "SIGHUP: no --record file to reopen");
    th_expect_silence(&c, 50);
    th_expect_lobby(&c);
    assert_true(th_server_alive(&th_srv));
    th_close(&c);
}

static void sigusr1_logs_stats(void **state)
{
    (void)state;
    quick_game("done");
    struct th_client x, o, q, r;
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    th_move(&x, &o, 0, 4);
    th_hello(&q, th_srv.port, "queued");
    th_quick_match(&q);
    th_hello(&r, th_srv.port, "room");
    char code[PROTO_CODE_LEN + 1];
    th_create_room(&r, code);
    assert_int_equal(th_server_wait_sockets(&th_srv, 5, 10000), 0); /* the first game's players gone */
    assert_int_equal(th_server_signal(&th_srv, SIGUSR1), 0);
    char *log = th_server_log_with(&th_srv, "stats: ");
    const char *line = strstr(log, "stats: ");
    const char *end = strchr(line, '\n');
    char text[1024];
    snprintf(text, sizeof text, "%.*s", (int)(end - line), line);
    static const char *const parts[] = {
        "stats: 4 connections (0 before HELLO), 6 accepted; frames ",
        "closed: by the client 2, broken 0, not reading 0, out of memory 0",
        "1 games live, 1 finished; 1 queued, 1 rooms open; up 0d 00:00:",
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (!strstr(text, parts[i]))
            fail_msg("no \"%s\" in the stats line \"%s\"", parts[i], text);
    unsigned long long in = 0, out = 0;
    assert_int_equal(sscanf(strstr(text, "frames "), "frames %llu in, %llu out", &in, &out), 2);
    assert_true(in >= 12 && out >= 16);
    free(log);
    assert_true(th_server_alive(&th_srv));
    th_close(&x);
    th_close(&o);
    th_close(&q);
    th_close(&r);
}

static const char *const rec_args[] = { "--record", TH_RECORD, NULL };

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_WITH(sighup_reopens_the_record, rec_args),
        TH_WITH(sighup_without_record, NULL),
        TH_WITH(sigusr1_logs_stats, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
