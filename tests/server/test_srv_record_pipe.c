/* SPDX-License-Identifier: MIT */
/* test_srv_record_pipe.c: tttd --record onto a FIFO, on a real server. The
 * server says once that it is a pipe; a reader that does not read (its
 * pipe cut to 4 KiB) never stalls a game, the lines it could not take wait
 * and come later, whole and in order; a reader that goes (EPIPE) costs no
 * SIGPIPE death, and its lines go to the next reader; a FIFO nobody reads
 * at start is refused with a clear reason, exit status 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static char dir[64], fifo[96];

/* A FIFO in a new directory, and a reader on it that does not block. */
static int make_fifo(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tttd-record-pipe.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(fifo, sizeof fifo, "%s/games.fifo", dir);
    th_ignore_sigpipe();
    return mkfifo(fifo, 0600);
}

static int remove_fifo(void **state)
{
    (void)state;
    (void)th_server_stop(&th_srv);
    (void)unlink(fifo);
    (void)rmdir(dir);
    return 0;
}

static int open_reader(void)
{
    int fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    assert_true(fd >= 0);
    return fd;
}

static void start_recording(void)
{
    const char *args[] = { "--record", fifo, NULL };
    assert_int_equal(th_server_start(&th_srv, args), 0);
}

/* A game between two new players, X resigning; its id. */
static uint32_t one_game(void)
{
    struct th_client x, o;
    uint32_t id;
    th_pair(&x, &o, th_srv.port, "x", "o", &id);
    assert_int_equal(th_send_type(&x, PROTO_RESIGN), 0);
    th_expect_game_over(&x, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&o, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_close(&x);
    th_close(&o);
    return id;
}

/* Read from the reader until the lines of the games ids[0..n) came, within
 * 5 s: each line whole, in order. */
static void read_games(int rd, const uint32_t *ids, int n)
{
    static char text[64 * 1024];
    size_t len = 0;
    int lines = 0;
    for (int tries = 0; tries < 500 && lines < n; tries++) {
        struct pollfd p = { .fd = rd, .events = POLLIN };
        if (poll(&p, 1, 10) == 1) {
            ssize_t got = read(rd, text + len, sizeof text - 1 - len);
            assert_true(got > 0);
            len += (size_t)got;
        }
        lines = 0;
        for (size_t i = 0; i < len; i++)
            lines += text[i] == '\n';
    }
    text[len] = '\0';
    assert_int_equal(lines, n);
    const char *line = text;
    for (int i = 0; i < n; i++) {
        char head[48];
        int hl = snprintf(head, sizeof head, "{\"game_id\":%u,\"x\":\"x\",\"o\":\"o\",", (unsigned)ids[i]);
        const char *eol = strchr(line, '\n');
        if (strncmp(line, head, (size_t)hl) != 0 || eol[-1] != '}')
            fail_msg("line %d is not game %u's, whole:\n%.*s", i, (unsigned)ids[i], (int)(eol - line), line);
        line = eol + 1;
    }
}

#define GAMES 40

static void a_reader_that_does_not_read_stalls_nothing(void **state)
{
    (void)state;
    int rd = open_reader();
    assert_true(fcntl(rd, F_SETPIPE_SZ, 4096) >= 4096);
    start_recording();
    /* 40 lines of about 150 bytes: more than the pipe holds. Each game
     * ends while nobody reads (a blocked server would fail th_pair). */
    uint32_t ids[GAMES];
    for (int i = 0; i < GAMES; i++)
        ids[i] = one_game();
    th_server_wait_log(&th_srv, "is a pipe or a device, not a file: each line goes in whole without waiting for the reader");
    th_server_wait_log(&th_srv, "the reader does not keep up; lines are kept and retried every second");
    read_games(rd, ids, GAMES);
    th_server_wait_log(&th_srv, "record: writing to ");
    close(rd);
    assert_int_equal(th_server_stop(&th_srv), 0);
}

static void a_reader_that_goes_costs_no_game(void **state)
{
    (void)state;
    int rd = open_reader();
    start_recording();
    uint32_t ids[3];
    ids[0] = one_game();
    read_games(rd, ids, 1);
    close(rd);
    ids[1] = one_game();
    ids[2] = one_game();
    th_server_wait_log(&th_srv, "nobody reads it; lines are kept and retried every second");
    assert_true(th_server_alive(&th_srv));
    /* The next reader of the FIFO gets them, within the second. */
    rd = open_reader();
    read_games(rd, ids + 1, 2);
    th_server_wait_log(&th_srv, "record: writing to ");
    close(rd);
    assert_int_equal(th_server_stop(&th_srv), 0);
}

static void a_fifo_nobody_reads_is_refused(void **state)
{
    (void)state;
    const char *args[] = { "--port", "0", "--bind", "127.0.0.1", "--no-announce", "--record", fifo, NULL };
    char *err = NULL;
    assert_int_equal(th_run_tttd(args, 5000, NULL, &err), 1);
    assert_non_null(strstr(err, "a FIFO that nobody reads (start its reader first)"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_reader_that_does_not_read_stalls_nothing, make_fifo, remove_fifo),
        cmocka_unit_test_setup_teardown(a_reader_that_goes_costs_no_game, make_fifo, remove_fifo),
        cmocka_unit_test_setup_teardown(a_fifo_nobody_reads_is_refused, make_fifo, remove_fifo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
