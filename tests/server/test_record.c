/* SPDX-License-Identifier: MIT */
/* test_record.c: record.c's take-back of a line the disk cut short, with
 * the cut and a rival writer put exactly between the write and the
 * take-back (write and writev are wrapped at link time: --wrap). A cut
 * line alone is taken back; bytes another writer appended after it, or
 * that logrotate's copytruncate left, are never cut, and the retried line
 * then starts on a line of its own. The real full disk is in
 * test_srv_record (root only). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "record.h"

ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __real_writev(int fd, const struct iovec *iov, int iovcnt);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
ssize_t __wrap_writev(int fd, const struct iovec *iov, int iovcnt);

static char path[64];
/* The next write to the record file takes cut_to bytes, then rival() runs. */
static size_t cut_to;
static void (*rival)(void);

static int is_record(int fd)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* A short write of the first cut_to bytes, as a full disk does. */
static ssize_t cut_write(int fd, const struct iovec *iov, int iovcnt)
{
    size_t left = cut_to;
    struct iovec part[4];
    int k = 0;
    for (int i = 0; i < iovcnt && i < 4 && left; i++, k++) {
        part[k] = iov[i];
        if (part[k].iov_len > left)
            part[k].iov_len = left;
        left -= part[k].iov_len;
    }
    ssize_t w = __real_writev(fd, part, k);
    void (*then)(void) = rival;
    rival = NULL;
    if (then)
        then();
    return w;
}

ssize_t __wrap_writev(int fd, const struct iovec *iov, int iovcnt)
{
    return rival && is_record(fd) ? cut_write(fd, iov, iovcnt) : __real_writev(fd, iov, iovcnt);
}

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
    struct iovec iov = { (void *)(uintptr_t)buf, n };
    return rival && is_record(fd) ? cut_write(fd, &iov, 1) : __real_write(fd, buf, n);
}

static void append_text(const char *text, int truncate_first)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | (truncate_first ? O_TRUNC : 0));
    assert_true(fd >= 0);
    assert_int_equal(__real_write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void nobody(void) {}
static void another_writer(void) { append_text("{\"theirs\":1}\n", 0); }
static void copytruncate_then_a_line(void) { append_text("{\"after\":\"rotation\"}\n", 1); }
static void copytruncate_then_a_part(void) { append_text("{\"part", 1); }

static const struct proto_name xn = { .len = 1, .s = "x" }, on = { .len = 1, .s = "o" };
static const struct record_game game = { .game_id = 9, .x = &xn, .o = &on, .winner = 1, .reason = 3 };

/* With "old\n" in the file, record a game whose write takes 10 bytes and
 * then lets `then` run; then retry with room again. The file must be
 * `before` (the cut line's bytes shown as @), then `before`, `between`
 * and the whole line after the retry. */
static void cut_and_retry(void (*then)(void), const char *before, const char *between)
{
    char line[1024], want[2048];
    size_t n = record_format(&game, line, sizeof line);
    assert_true(n > 10);
    snprintf(path, sizeof path, "/tmp/tttd-record-unit.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    append_text("old\n", 0);
    char err[256];
    struct record *r = record_open(path, err, sizeof err);
    assert_non_null(r);
    cut_to = 10;
    rival = then;
    record_append(r, &game);
    assert_null(rival);
    assert_true(record_pending(r));
    size_t k = 0;
    for (const char *p = before; *p; p++)
        if (*p == '@')
            k += (size_t)snprintf(want + k, sizeof want - k, "%.10s", line);
        else
            want[k++] = *p;
    want[k] = '\0';
    char *text = malloc(4096);
    assert_non_null(text);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t got = read(fd, text, 4095);
    assert_true(got >= 0);
    text[got] = '\0';
    assert_string_equal(text, want);
    record_retry(r);
    assert_false(record_pending(r));
    got = pread(fd, text, 4095, 0);
    assert_true(got >= 0);
    text[got] = '\0';
    snprintf(want + k, sizeof want - k, "%s%s", between, line);
    assert_string_equal(text, want);
    close(fd);
    free(text);
    record_close(r);
    unlink(path);
}

static void a_cut_line_is_taken_back(void **state)
{
    (void)state;
    cut_and_retry(nobody, "old\n", "");
}

static void a_line_written_after_the_cut_is_kept(void **state)
{
    (void)state;
    cut_and_retry(another_writer, "old\n@{\"theirs\":1}\n", "");
}

static void copytruncate_under_the_cut_keeps_the_new_file(void **state)
{
    (void)state;
    cut_and_retry(copytruncate_then_a_line, "{\"after\":\"rotation\"}\n", "");
}

static void copytruncate_and_a_partial_line_get_a_newline(void **state)
{
    (void)state;
    cut_and_retry(copytruncate_then_a_part, "{\"part", "\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_cut_line_is_taken_back),
        cmocka_unit_test(a_line_written_after_the_cut_is_kept),
        cmocka_unit_test(copytruncate_under_the_cut_keeps_the_new_file),
        cmocka_unit_test(copytruncate_and_a_partial_line_get_a_newline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
