/* SPDX-License-Identifier: MIT */
/* test_args.c: the table-driven command-line walk (net/args.c) on a table
 * of every kind: flags, texts, numbers at and past their ends, operands in
 * order and after "--", --opt=value, a value that may be left out, every refusal (one line, naming the
 * option), take()'s own refusals, --help and --version on stdout, the
 * getopt state forgotten between walks, and the server-address operand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"

enum { K_VERBOSE, K_FILE, K_LABEL, K_PORT, K_SEED, K_LEVEL, K_COUNT };

static const struct args_option table[K_COUNT] = {
    [K_VERBOSE] = {"verbose", ARGS_FLAG, NULL, 0, 0},
    [K_FILE] = {"file", ARGS_TEXT, "a file name", 0, 0},
    [K_LABEL] = {"label", ARGS_TEXT, NULL, 0, 0},
    [K_PORT] = {"port", ARGS_NUMBER, "a port number", 1, 65535},
    [K_SEED] = {"seed", ARGS_NUMBER, "a number", 0, UINT64_MAX},
    [K_LEVEL] = {"level", ARGS_MAYBE, NULL, 0, 0},
};

/* What take() saw, in order. */
struct seen {
    int n;
    int keys[16];
    const char *values[16];
    unsigned long long numbers[16];
    const char *refuse; /* a value take() refuses */
};

static int take(const struct args_item *it, void *ctx)
{
    struct seen *s = ctx;

    if (s->refuse && it->value && strcmp(it->value, s->refuse) == 0)
        return args_fail(it, "take refuses '%s'", it->value);
    assert_true(s->n < 16);
    if (it->key == ARGS_OPERAND)
        assert_null(it->option);
    else
        assert_string_equal(it->option, table[it->key].name);
    s->keys[s->n] = it->key;
    s->values[s->n] = it->value;
    s->numbers[s->n] = it->number;
    s->n++;
    return 0;
}

static const struct args_spec spec = {
    .program = "prog", .version = "9.8.7", .protocol = 3, .usage = "usage: prog [--verbose]\n",
    .options = table, .count = K_COUNT, .take = take,
};

/* Walk a NULL-terminated list of arguments (after the program name). */
static enum args_result walk(struct seen *s, char *err, size_t err_len, ...)
{
    char *argv[32];
    int argc = 0;
    va_list ap;

    memset(s->keys, 0, sizeof s->keys);
    s->n = 0;
    argv[argc++] = (char *)"prog";
    va_start(ap, err_len);
    for (char *a; argc < 31 && (a = va_arg(ap, char *)) != NULL;)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    return args_parse(&spec, argc, argv, s, err, err_len);
}

/* A refusal: ARGS_BAD, one line holding `want`. */
static void expect_bad(enum args_result r, const char *err, const char *want)
{
    assert_int_equal(r, ARGS_BAD);
    if (!strstr(err, want))
        fail_msg("refusal \"%s\" does not hold \"%s\"", err, want);
    assert_null(strchr(err, '\n'));
}

static void numbers(void **state)
{
    unsigned long long v = 7;

    (void)state;
    assert_int_equal(args_number("0", 0, 10, &v), 0);
    assert_true(v == 0);
    assert_int_equal(args_number("10", 0, 10, &v), 0);
    assert_true(v == 10);
    assert_int_equal(args_number("18446744073709551615", 0, UINT64_MAX, &v), 0);
    assert_true(v == UINT64_MAX);
    static const char *const bad[] = {"", "-1", "+1", " 1", "1 ", "1x", "0x10", "1.5", "1e3", "11",
                                      "18446744073709551616", "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 7;
        if (args_number(bad[i], 0, 10, &v) != -1 || v != 7)
            fail_msg("\"%s\" taken as a number", bad[i]);
    }
    assert_int_equal(args_number(NULL, 0, 10, &v), -1);
    assert_int_equal(args_number("4", 5, 10, &v), -1);
}

static void options_and_operands_in_order(void **state)
{
    struct seen s = {0};
    char err[128];

    (void)state;
    assert_int_equal(walk(&s, err, sizeof err, "one", "--verbose", "--file", "f.txt", "two", "--port=80",
                          "--label", "", "--seed", "18446744073709551615", "--", "--port", "-x", NULL),
                     ARGS_RUN);
    assert_string_equal(err, "");
    assert_int_equal(s.n, 9);
    const int keys[] = {ARGS_OPERAND, K_VERBOSE, K_FILE, ARGS_OPERAND, K_PORT, K_LABEL, K_SEED, ARGS_OPERAND,
                        ARGS_OPERAND};
    for (int i = 0; i < 9; i++)
        assert_int_equal(s.keys[i], keys[i]);
    assert_string_equal(s.values[0], "one");
    assert_null(s.values[1]);
    assert_string_equal(s.values[2], "f.txt");
    assert_string_equal(s.values[3], "two");
    assert_true(s.numbers[4] == 80);
    assert_string_equal(s.values[5], ""); /* no `what`: the empty text is take()'s to judge */
    assert_true(s.numbers[6] == UINT64_MAX);
    assert_string_equal(s.values[7], "--port"); /* after "--", options are operands */
    assert_string_equal(s.values[8], "-x");

    assert_int_equal(walk(&s, err, sizeof err, NULL), ARGS_RUN);
    assert_int_equal(s.n, 0);
    assert_int_equal(walk(&s, err, sizeof err, "-", NULL), ARGS_RUN); /* "-" is an operand */
    assert_int_equal(s.keys[0], ARGS_OPERAND);
}

/* ARGS_MAYBE: --level alone has no value (the next argument stays an
 * operand); --level=VALUE has one, the empty one included. */
static void value_left_out(void **state)
{
    struct seen s = {0};
    char err[128];

    (void)state;
    assert_int_equal(walk(&s, err, sizeof err, "--level", "hard", "--level=easy", "--level=", NULL), ARGS_RUN);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.keys[0], K_LEVEL);
    assert_null(s.values[0]);
    assert_int_equal(s.keys[1], ARGS_OPERAND);
    assert_string_equal(s.values[1], "hard");
    assert_int_equal(s.keys[2], K_LEVEL);
    assert_string_equal(s.values[2], "easy");
    assert_string_equal(s.values[3], "");
    s.refuse = "bad";
    expect_bad(walk(&s, err, sizeof err, "--level=bad", NULL), err, "take refuses 'bad'");
    s.refuse = NULL;
}

static void refusals(void **state)
{
    struct seen s = {0};
    char err[128];

    (void)state;
    expect_bad(walk(&s, err, sizeof err, "--bogus", NULL), err, "unknown option '--bogus' (see prog --help)");
    expect_bad(walk(&s, err, sizeof err, "-x", NULL), err, "unknown option '-x'");
    expect_bad(walk(&s, err, sizeof err, "--verbose", "-qz", NULL), err, "unknown option '-q'");
    expect_bad(walk(&s, err, sizeof err, "--port", NULL), err, "--port needs a value (see prog --help)");
    expect_bad(walk(&s, err, sizeof err, "--verbose=1", NULL), err, "--verbose takes no value");
    expect_bad(walk(&s, err, sizeof err, "--help=1", NULL), err, "--help takes no value");
    expect_bad(walk(&s, err, sizeof err, "--file", "", NULL), err, "--file needs a file name");
    expect_bad(walk(&s, err, sizeof err, "--port", "0", NULL), err,
               "--port: '0' is not a port number from 1 to 65535");
    expect_bad(walk(&s, err, sizeof err, "--port", "65536", NULL), err, "--port: '65536'");
    expect_bad(walk(&s, err, sizeof err, "--port", "-1", NULL), err, "--port: '-1'");
    expect_bad(walk(&s, err, sizeof err, "--port", "", NULL), err, "--port: ''");
    expect_bad(walk(&s, err, sizeof err, "--seed", "18446744073709551616", NULL), err, "--seed");
    /* The first refusal stops the walk: nothing after it is taken. */
    expect_bad(walk(&s, err, sizeof err, "a", "--port", "x", "b", NULL), err, "--port");
    assert_int_equal(s.n, 1);
    /* take()'s own refusal, for an option and for an operand. */
    s.refuse = "no";
    expect_bad(walk(&s, err, sizeof err, "--label", "no", NULL), err, "take refuses 'no'");
    expect_bad(walk(&s, err, sizeof err, "--", "no", NULL), err, "take refuses 'no'");
    s.refuse = NULL;
    /* A refusal longer than the buffer is cut, still one line. */
    char small[12];
    expect_bad(walk(&s, small, sizeof small, "--bogus", NULL), small, "unknown");
    assert_int_equal(strlen(small), sizeof small - 1);
}

/* Run a walk with stdout going to a file; returns what it printed. */
static char *stdout_of(struct seen *s, enum args_result *r, const char *arg)
{
    static char text[256];
    char err[64];
    FILE *f = tmpfile();
    int saved;
    size_t n;

    assert_non_null(f);
    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(f), STDOUT_FILENO) >= 0);
    *r = walk(s, err, sizeof err, "--verbose", arg, "--bogus", NULL);
    fflush(stdout);
    assert_true(dup2(saved, STDOUT_FILENO) >= 0);
    close(saved);
    rewind(f);
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void help_and_version(void **state)
{
    struct seen s = {0};
    enum args_result r;

    (void)state;
    assert_string_equal(stdout_of(&s, &r, "--help"), "usage: prog [--verbose]\n");
    assert_int_equal(r, ARGS_EXIT); /* before the unknown option that follows */
    assert_string_equal(stdout_of(&s, &r, "--version"), "prog 9.8.7 (protocol version 3)\n");
    assert_int_equal(r, ARGS_EXIT);
    assert_string_equal(stdout_of(&s, &r, "--vers"), "prog 9.8.7 (protocol version 3)\n"); /* abbreviated */
    assert_int_equal(r, ARGS_EXIT);
}

/* A walk stopped inside "-ab" leaves getopt half way through it; the next
 * walk starts afresh all the same. */
static void walks_start_afresh(void **state)
{
    struct seen s = {0};
    char err[128];

    (void)state;
    expect_bad(walk(&s, err, sizeof err, "-ab", NULL), err, "'-a'");
    assert_int_equal(walk(&s, err, sizeof err, "x", "--port", "7", NULL), ARGS_RUN);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.keys[1], K_PORT);
    assert_true(s.numbers[1] == 7);
}

static void table_too_long(void **state)
{
    static struct args_option big[ARGS_OPTIONS_MAX + 1];
    struct args_spec too_long = spec;
    char *argv[] = {(char *)"prog", NULL};
    char err[128];

    (void)state;
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
        big[i] = (struct args_option){"x", ARGS_FLAG, NULL, 0, 0};
    too_long.options = big;
    too_long.count = sizeof big / sizeof big[0];
    expect_bad(args_parse(&too_long, 1, argv, NULL, err, sizeof err), err, "over ARGS_OPTIONS_MAX");
}

static int take_address(const struct args_item *it, void *ctx)
{
    return args_server_address(it, *(size_t *)ctx);
}

static void server_address(void **state)
{
    static const struct args_spec addr_spec = {
        .program = "prog", .version = "1", .protocol = 1, .usage = "", .options = table, .count = 0,
        .take = take_address,
    };
    static const char *const good[] = {"localhost", "127.0.0.1:7777", "[::1]:7777", "::1", "h:1"};
    static const char *const bad[] = {"", "[::1", "[::1]x", "host:99999", "host:", "host:1x", ":7777"};
    size_t max = 255;
    char err[160], *argv[3] = {(char *)"prog", NULL, NULL};

    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        argv[1] = (char *)good[i];
        if (args_parse(&addr_spec, 2, argv, &max, err, sizeof err) != ARGS_RUN)
            fail_msg("\"%s\" refused: %s", good[i], err);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        argv[1] = (char *)bad[i];
        expect_bad(args_parse(&addr_spec, 2, argv, &max, err, sizeof err), err, "is not a server address");
    }
    argv[1] = (char *)"abcdefghij";
    max = 9;
    expect_bad(args_parse(&addr_spec, 2, argv, &max, err, sizeof err), err,
               "server address too long (9 bytes at most)");
    max = 10;
    assert_int_equal(args_parse(&addr_spec, 2, argv, &max, err, sizeof err), ARGS_RUN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers),
        cmocka_unit_test(options_and_operands_in_order),
        cmocka_unit_test(value_left_out),
        cmocka_unit_test(refusals),
        cmocka_unit_test(help_and_version),
        cmocka_unit_test(walks_start_afresh),
        cmocka_unit_test(table_too_long),
        cmocka_unit_test(server_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
