/* SPDX-License-Identifier: MIT */
/* test_srv_record.c: tttd's --record file, on a real server: one exact JSON
 * line per finished game, in the order the games ended, for a win on a line,
 * a resignation, a LEAVE, a draw, a turn timeout, a forfeit and a game
 * aborted by shutdown; names JSON-escaped (quote, backslash, non-ASCII, an
 * emoji as a surrogate pair, a C1 control); times in UTC RFC 3339 to the
 * second, within the test's run; an existing file is appended to, and a
 * partial line at its end (someone else's) is kept and ended by a newline,
 * at the start and after SIGHUP's reopen, which reads only the last byte
 * (a 1 TiB sparse file with no newline does not stall it). On a full disk (a tiny tmpfs in a
 * mount namespace of the test's own; root only, skipped otherwise) a line
 * the disk cuts short is taken back, so the file always ends in a whole
 * line, and is written once there is room again; games still unwritten at
 * shutdown are counted in the log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static int cleanup(void **state)
{
    (void)state;
    (void)th_server_stop(&th_srv);
    return 0;
}

/* The UTC time in "YYYY-MM-DDTHH:MM:SSZ", or -1. */
static time_t parse_utc(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int n = 0;
    if (strlen(s) != 20 || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n != 20)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

/* Line `index` (0-based) of text must be exactly {"game_id":ID, then
 * `rest`, then ,"started":"T1","ended":"T2"} with t0 <= T1 <= T2 <= now. */
static void check_line(const char *text, int index, uint32_t id, const char *rest, time_t t0)
{
    char head[512];
    snprintf(head, sizeof head, "{\"game_id\":%u,%s", (unsigned)id, rest);
    const char *line = text;
    for (int i = 0; i < index; i++) {
        line = strchr(line, '\n');
        assert_non_null(line);
        line++;
    }
    const char *eol = strchr(line, '\n');
    assert_non_null(eol);
    size_t hl = strlen(head);
    if ((size_t)(eol - line) < hl || memcmp(line, head, hl) != 0)
        fail_msg("record line %d:\n  got  %.*s\n  want %s,\"started\":...", index, (int)(eol - line), line, head);
    char started[32], ended[32];
    int n = 0;
    if (sscanf(line + hl, ",\"started\":\"%31[^\"]\",\"ended\":\"%31[^\"]\"}%n", started, ended, &n) != 2 ||
        line + hl + n != eol)
        fail_msg("record line %d: bad times in %.*s", index, (int)(eol - line), line);
    time_t ts = parse_utc(started), te = parse_utc(ended), now = time(NULL);
    if (ts < t0 || te < ts || te > now)
        fail_msg("record line %d: started %s ended %s, outside the test's run", index, started, ended);
}

static void resign_game(struct th_client *x, struct th_client *o, struct th_client *resigner, uint8_t winner)
{
    assert_int_equal(th_send_type(resigner, PROTO_RESIGN), 0);
    th_expect_game_over(x, winner, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(o, winner, PROTO_REASON_RESIGN, NULL);
}

static void line_resign_leave_draw(void **state)
{
    (void)state;
    time_t t0 = time(NULL);
    struct th_client a, b, c, d;
    uint32_t ids[4];
    th_pair(&a, &b, th_srv.port, "alice", "bob", &ids[0]);
    static const uint8_t win[5] = { 0, 3, 1, 4, 2 };
    th_play(&a, &b, 0, win, 5);
    static const uint8_t row[3] = { 0, 1, 2 };
    th_expect_game_over(&a, PROTO_MARK_X, PROTO_REASON_LINE, row);
    th_expect_game_over(&b, PROTO_MARK_X, PROTO_REASON_LINE, row);
    char *text = th_wait_lines(th_srv.record_path, 1);
    check_line(text, 0, ids[0], "\"x\":\"alice\",\"o\":\"bob\",\"moves\":[0,3,1,4,2],\"winner\":\"X\",\"reason\":\"line\"", t0);
    free(text);

    th_pair(&c, &d, th_srv.port, "carol", "dave", &ids[1]);
    th_move(&c, &d, 0, 4);
    resign_game(&c, &d, &d, PROTO_MARK_X);

    /* Rematch of game 1 (bob is X now); alice LEAVEs: O wins by resign. */
    ids[2] = th_rematch(&a, &b, "alice", "bob");
    th_move(&b, &a, 0, 8);
    th_move(&a, &b, 1, 7);
    assert_int_equal(th_send_type(&b, PROTO_LEAVE), 0);
    th_expect_game_over(&a, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&b, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);

    /* Rematch of game 2: dave X; a draw. */
    ids[3] = th_rematch(&c, &d, "carol", "dave");
    static const uint8_t draw[9] = { 0, 1, 2, 4, 3, 5, 7, 6, 8 };
    th_play_to_draw(&d, &c, 0, draw, 9);

    text = th_wait_lines(th_srv.record_path, 4);
    check_line(text, 0, ids[0], "\"x\":\"alice\",\"o\":\"bob\",\"moves\":[0,3,1,4,2],\"winner\":\"X\",\"reason\":\"line\"", t0);
    check_line(text, 1, ids[1], "\"x\":\"carol\",\"o\":\"dave\",\"moves\":[4],\"winner\":\"X\",\"reason\":\"resign\"", t0);
    check_line(text, 2, ids[2], "\"x\":\"bob\",\"o\":\"alice\",\"moves\":[8,7],\"winner\":\"O\",\"reason\":\"resign\"", t0);
    check_line(text, 3, ids[3], "\"x\":\"dave\",\"o\":\"carol\",\"moves\":[0,1,2,4,3,5,7,6,8],\"winner\":\"draw\",\"reason\":\"full\"", t0);
    free(text);
    th_close(&a);
    th_close(&b);
    th_close(&c);
    th_close(&d);
}

static void names_are_json_escaped(void **state)
{
    (void)state;
    time_t t0 = time(NULL);
    struct th_client x, o;
    /* quote, backslash, e-acute, an emoji, U+00A0 (no-break space), 12 bytes */
    uint32_t ids[1];
    th_pair(&x, &o, th_srv.port, "a\"b\\\xc3\xa9\xf0\x9f\x98\x80\xc2\xa0", "b/o s", &ids[0]);
    resign_game(&x, &o, &x, PROTO_MARK_O);
    char *text = th_wait_lines(th_srv.record_path, 1);
    check_line(text, 0, ids[0],
               "\"x\":\"a\\\"b\\\\\\u00e9\\ud83d\\ude00\\u00a0\",\"o\":\"b/o s\",\"moves\":[],"
               "\"winner\":\"O\",\"reason\":\"resign\"",
               t0);
    free(text);
    th_close(&x);
    th_close(&o);

    /* The longest escapes: 16 bytes each of 4 emoji and of 16 quotes. */
    th_pair(&x, &o, th_srv.port, "\xf0\x9f\x98\x80\xf0\x9f\x98\x81\xf0\x9f\x98\x82\xf0\x9f\x98\x83",
            "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"", &ids[0]);
    resign_game(&x, &o, &o, PROTO_MARK_X);
    text = th_wait_lines(th_srv.record_path, 2);
    check_line(text, 1, ids[0],
               "\"x\":\"\\ud83d\\ude00\\ud83d\\ude01\\ud83d\\ude02\\ud83d\\ude03\",\"o\":\""
               "\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\",\"moves\":[],"
               "\"winner\":\"X\",\"reason\":\"resign\"",
               t0);
    free(text);
    th_close(&x);
    th_close(&o);
}

static void aborted_by_shutdown(void **state)
{
    (void)state;
    time_t t0 = time(NULL);
    struct th_client x, o, p, q;
    uint32_t ids[2];
    th_pair(&x, &o, th_srv.port, "x", "o", &ids[0]);
    th_move(&x, &o, 0, 4);
    th_move(&o, &x, 1, 0);
    th_pair(&p, &q, th_srv.port, "p", "q", &ids[1]);
    assert_int_equal(th_server_signal(&th_srv, SIGTERM), 0);
    struct th_client *all[4] = { &x, &o, &p, &q };
    for (int i = 0; i < 4; i++) {
        th_expect_game_over(all[i], PROTO_MARK_NONE, PROTO_REASON_ABORTED, NULL);
        th_expect_error(all[i], PROTO_ERR_SHUTTING_DOWN);
        th_expect_eof(all[i], TH_TIMEOUT_MS);
    }
    for (int i = 0; i < 4; i++)
        th_close(all[i]);
    assert_int_equal(th_server_wait(&th_srv, 5000), 0);
    char *text = th_wait_lines(th_srv.record_path, 2);
    /* The contract does not order games aborted together: either order,
     * each line exact. */
    char first[32];
    snprintf(first, sizeof first, "{\"game_id\":%u,", (unsigned)ids[0]);
    int one_first = strncmp(text, first, strlen(first)) == 0;
    check_line(text, one_first ? 0 : 1, ids[0],
               "\"x\":\"x\",\"o\":\"o\",\"moves\":[4,0],\"winner\":\"none\",\"reason\":\"aborted\"", t0);
    check_line(text, one_first ? 1 : 0, ids[1],
               "\"x\":\"p\",\"o\":\"q\",\"moves\":[],\"winner\":\"none\",\"reason\":\"aborted\"", t0);
    free(text);
}

static void timeout_and_forfeit(void **state)
{
    (void)state;
    time_t t0 = time(NULL);
    struct th_client x, o;
    /* --turn-time 3: O does not move and loses on time. */
    uint32_t ids[2];
    th_pair(&x, &o, th_srv.port, "slowpoke-x", "slowpoke-o", &ids[0]);
    th_move(&x, &o, 0, 4);
    /* GAME_OVER is due 3 s after the move; allow a loaded machine 6 s. */
    struct proto_msg m;
    int r = th_recv(&x, &m, 2 * TH_TIMEOUT_MS);
    assert_int_equal(r, 1);
    assert_int_equal(m.type, PROTO_GAME_OVER);
    assert_int_equal(m.u.game_over.winner, PROTO_MARK_X);
    assert_int_equal(m.u.game_over.reason, PROTO_REASON_TIMEOUT);
    th_close(&x);
    th_close(&o);
    /* --grace 1: O drops and does not come back: X wins by forfeit. */
    th_pair(&x, &o, th_srv.port, "stays", "drops", &ids[1]);
    th_move(&x, &o, 0, 4);
    th_close(&o);
    th_expect_opponent(&x, PROTO_OPP_DISCONNECTED, 1);
    th_expect_game_over(&x, PROTO_MARK_X, PROTO_REASON_FORFEIT, NULL);
    char *text = th_wait_lines(th_srv.record_path, 2);
    check_line(text, 0, ids[0], "\"x\":\"slowpoke-x\",\"o\":\"slowpoke-o\",\"moves\":[4],\"winner\":\"X\",\"reason\":\"timeout\"", t0);
    check_line(text, 1, ids[1], "\"x\":\"stays\",\"o\":\"drops\",\"moves\":[4],\"winner\":\"X\",\"reason\":\"forfeit\"", t0);
    free(text);
    th_close(&x);
}

/* An existing record file keeps its lines; new games are appended. */
static char existing_path[64];

static int start_with_existing(void **state)
{
    (void)state;
    snprintf(existing_path, sizeof existing_path, "/tmp/tttd-record-test.XXXXXX");
    int fd = mkstemp(existing_path);
    if (fd < 0)
        return -1;
    static const char old[] = "{\"an\":\"older line\"}\n";
    ssize_t w = write(fd, old, sizeof old - 1);
    close(fd);
    if (w != (ssize_t)(sizeof old - 1))
        return -1;
    static const char *args[] = { "--record", NULL, NULL };
    args[1] = existing_path;
    th_ignore_sigpipe();
    return th_server_start(&th_srv, args);
}

static int stop_with_existing(void **state)
{
    (void)unlink(existing_path);
    return th_fixture_stop(state);
}

static void appends_to_existing_file(void **state)
{
    (void)state;
    time_t t0 = time(NULL);
    struct th_client x, o;
    uint32_t ids[1];
    th_pair(&x, &o, th_srv.port, "x", "o", &ids[0]);
    resign_game(&x, &o, &o, PROTO_MARK_X);
    char *text = th_wait_lines(existing_path, 2);
    assert_int_equal(strncmp(text, "{\"an\":\"older line\"}\n", 20), 0);
    check_line(text, 1, ids[0], "\"x\":\"x\",\"o\":\"o\",\"moves\":[],\"winner\":\"X\",\"reason\":\"resign\"", t0);
    free(text);
    th_close(&x);
    th_close(&o);
}

/* Start tttd --record path and play one game (x resigns): its id. */
static uint32_t record_one_game(const char *path)
{
    const char *args[] = { "--record", path, NULL };
    assert_int_equal(th_server_start(&th_srv, args), 0);
    struct th_client x, o;
    uint32_t id;
    th_pair(&x, &o, th_srv.port, "x", "o", &id);
    resign_game(&x, &o, &o, PROTO_MARK_X);
    th_close(&x);
    th_close(&o);
    return id;
}

static off_t size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

/* A file that ends in part of a line (someone else's: tttd never leaves
 * one) keeps it, and the first new line goes after a newline, so the two
 * never join. */
static void partial_line_at_start_is_kept_and_ended(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/tttd-record-test.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char old[] = "{\"an\":\"older line\"}\n{\"game_id\":7,\"x\":\"cut sh";
    assert_int_equal(write(fd, old, sizeof old - 1), (ssize_t)(sizeof old - 1));
    close(fd);
    uint32_t id = record_one_game(path);
    char *text = th_wait_lines(path, 3);
    assert_int_equal(strncmp(text, old, sizeof old - 1), 0);
    assert_int_equal(text[sizeof old - 1], '\n');
    check_line(text, 2, id, "\"x\":\"x\",\"o\":\"o\",\"moves\":[],\"winner\":\"X\",\"reason\":\"resign\"", time(NULL) - 5);
    free(text);
    th_server_wait_log(&th_srv, "ends in part of a line that this tttd did not write: it is kept");
    assert_int_equal(th_server_stop(&th_srv), 0);
    unlink(path);
}

/* Move the record file aside (to path.1), put `len` bytes of `text` at
 * offset `at` of a new file at its path (sparse below `at`), send SIGHUP
 * and wait until the server says it reopened the file. */
static void rotate_onto(const char *text, size_t len, off_t at)
{
    char rotated[400];
    snprintf(rotated, sizeof rotated, "%s.1", th_srv.record_path);
    assert_int_equal(rename(th_srv.record_path, rotated), 0);
    int fd = open(th_srv.record_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, text, len, at), (ssize_t)len);
    close(fd);
    assert_int_equal(th_server_signal(&th_srv, SIGHUP), 0);
    th_server_wait_log(&th_srv, "record: reopened ");
    assert_int_equal(unlink(rotated), 0);
}

/* SIGHUP onto a file whose last line someone left partial: it stays, and
 * the next game's line starts on a line of its own. */
static void sighup_onto_a_partial_line(void **state)
{
    (void)state;
    time_t t0 = time(NULL);
    struct th_client x, o;
    uint32_t id;
    th_pair(&x, &o, th_srv.port, "x", "o", &id);
    resign_game(&x, &o, &o, PROTO_MARK_X);
    free(th_wait_lines(th_srv.record_path, 1));
    static const char theirs[] = "{\"someone\":\"else\",\"cut";
    rotate_onto(theirs, sizeof theirs - 1, 0);
    id = th_rematch(&x, &o, "x", "o");
    resign_game(&o, &x, &x, PROTO_MARK_X);
    char *text = th_wait_lines(th_srv.record_path, 2);
    assert_int_equal(strncmp(text, theirs, sizeof theirs - 1), 0);
    assert_int_equal(text[sizeof theirs - 1], '\n');
    check_line(text, 1, id, "\"x\":\"o\",\"o\":\"x\",\"moves\":[],\"winner\":\"X\",\"reason\":\"resign\"", t0);
    free(text);
    th_close(&x);
    th_close(&o);
}

/* SIGHUP onto a 1 TiB file (sparse) with no newline in it: the reopen
 * reads its last byte, not the file, so the server goes on at once, and
 * the next line follows the file's partial line after a newline. */
static void sighup_onto_a_huge_file_without_newline(void **state)
{
    (void)state;
    time_t t0 = time(NULL);
    const off_t tib = (off_t)1 << 40;
    static const char tail[] = "no newline in a TiB";
    rotate_onto(tail, sizeof tail - 1, tib);
    struct th_client x, o;
    uint32_t id;
    th_pair(&x, &o, th_srv.port, "x", "o", &id);
    resign_game(&x, &o, &o, PROTO_MARK_X);
    th_close(&x);
    th_close(&o);
    off_t size = 0;
    char text[400];
    for (int tries = 0; tries < 300 && (size = size_of(th_srv.record_path)) == tib + (off_t)sizeof tail - 1; tries++)
        th_sleep_ms(10);
    size_t n = (size_t)(size - tib);
    assert_true(n < sizeof text);
    int fd = open(th_srv.record_path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, text, n, tib), (ssize_t)n);
    close(fd);
    text[n] = '\0';
    assert_int_equal(strncmp(text, tail, sizeof tail - 1), 0);
    assert_int_equal(text[sizeof tail - 1], '\n');
    check_line(text + sizeof tail, 0, id, "\"x\":\"x\",\"o\":\"o\",\"moves\":[],\"winner\":\"X\",\"reason\":\"resign\"", t0);
    assert_int_equal(unlink(th_srv.record_path), 0);
}

/* A tmpfs of `kib` KiB at a new directory, in a mount namespace of this
 * test's own (so nothing is left mounted); the directory goes to dir. 0, or
 * -1 when this cannot be set up here (not root, no namespaces). */
static int tiny_disk(char dir[64], int kib)
{
    static int unshared;
    if (!unshared) {
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
            return -1;
        unshared = 1;
    }
    snprintf(dir, 64, "/tmp/tttd-full-disk.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char opts[32];
    snprintf(opts, sizeof opts, "size=%dk,mode=0700", kib);
    if (mount("tmpfs", dir, "tmpfs", 0, opts) < 0) {
        rmdir(dir);
        return -1;
    }
    return 0;
}

static void untiny_disk(const char *dir)
{
    (void)umount2(dir, MNT_DETACH);
    (void)rmdir(dir);
}

/* Write a file of `n` bytes: whole lines of x's. */
static void fill(const char *path, size_t n)
{
    static char buf[8192];
    assert_true(n <= sizeof buf);
    memset(buf, 'x', n);
    for (size_t i = 99; i < n; i += 100)
        buf[i] = '\n';
    buf[n - 1] = '\n';
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, buf, n), (ssize_t)n);
    close(fd);
}

static void full_disk_takes_back_the_cut_line(void **state)
{
    (void)state;
    char dir[64], path[96], filler[96];
    if (tiny_disk(dir, 8) < 0)
        skip();
    snprintf(path, sizeof path, "%s/record.jsonl", dir);
    snprintf(filler, sizeof filler, "%s/filler", dir);
    fill(filler, 4096);     /* one of the two pages */
    fill(path, 4000);       /* 96 bytes left in the other */
    uint32_t id = record_one_game(path);
    th_server_wait_log(&th_srv, "no space for a whole line; lines are kept and retried every second");
    /* The disk took 96 bytes of the line; they were taken back. */
    assert_int_equal(size_of(path), 4000);
    /* Room again: the line goes in whole within a second or two. */
    assert_int_equal(unlink(filler), 0);
    char *text = th_wait_lines(path, 41);
    check_line(text, 40, id, "\"x\":\"x\",\"o\":\"o\",\"moves\":[],\"winner\":\"X\",\"reason\":\"resign\"", time(NULL) - 5);
    free(text);
    th_server_wait_log(&th_srv, "record: writing to ");
    assert_int_equal(th_server_stop(&th_srv), 0);
    untiny_disk(dir);
}

static void lost_games_are_counted_at_shutdown(void **state)
{
    (void)state;
    char dir[64], path[96];
    if (tiny_disk(dir, 4) < 0)
        skip();
    snprintf(path, sizeof path, "%s/record.jsonl", dir);
    fill(path, 4000);
    (void)record_one_game(path);
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    resign_game(&x, &o, &o, PROTO_MARK_X);
    th_close(&x);
    th_close(&o);
    th_pair(&x, &o, th_srv.port, "x", "o", NULL); /* aborted at shutdown: a third line */
    assert_int_equal(th_server_signal(&th_srv, SIGTERM), 0);
    assert_int_equal(th_server_wait(&th_srv, 5000), 0);
    char *log = th_server_stderr(&th_srv);
    assert_non_null(strstr(log, "record: 3 finished games could not be written to "));
    free(log);
    assert_int_equal(size_of(path), 4000);
    th_close(&x);
    th_close(&o);
    (void)th_server_stop(&th_srv);
    untiny_disk(dir);
}

static const char *const rec_args[] = { "--record", TH_RECORD, NULL };
static const char *const rec_timer_args[] = { "--record", TH_RECORD, "--turn-time", "3", "--grace", "1", NULL };

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_WITH(line_resign_leave_draw, rec_args),
        TH_WITH(names_are_json_escaped, rec_args),
        cmocka_unit_test_prestate_setup_teardown(aborted_by_shutdown, th_fixture_start, cleanup, (void *)rec_args),
        TH_WITH(timeout_and_forfeit, rec_timer_args),
        cmocka_unit_test_setup_teardown(appends_to_existing_file, start_with_existing, stop_with_existing),
        cmocka_unit_test_teardown(partial_line_at_start_is_kept_and_ended, cleanup),
        TH_WITH(sighup_onto_a_partial_line, rec_args),
        TH_WITH(sighup_onto_a_huge_file_without_newline, rec_args),
        cmocka_unit_test_teardown(full_disk_takes_back_the_cut_line, cleanup),
        cmocka_unit_test_teardown(lost_games_are_counted_at_shutdown, cleanup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
