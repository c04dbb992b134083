/* test_server_units.c: the server's pure parts without a socket: the
 * command line, the escaping of client-chosen names, the record line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "log.h"
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
}

static void test_every_option(void **state)
{
    (void)state;
    struct options o;
    char err[200];
    assert_int_equal(parse(&o, err, "--bind", "127.0.0.1", "--port", "0", "--max-clients", "3",
                           "--turn-time", "1", "--grace=2", "--hello-timeout", "4", "--idle-timeout",
                           "6", "--record", "/tmp/x", "--verbose", NULL),
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
    assert_int_equal(parse(&o, err, "--quiet", NULL), OPTIONS_RUN);
    assert_int_equal(o.log_level, LOG_QUIET);
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

static void test_escape(void **state)
{
    (void)state;
    char out[LOG_NAME_MAX];
    assert_int_equal(log_escape("bob", 3, out, sizeof out), 3);
    assert_string_equal(out, "bob");
    log_escape("a\"b\\c", 5, out, sizeof out);
    assert_string_equal(out, "a\\\"b\\\\c");
    log_escape("\x01\x7f", 2, out, sizeof out);
    assert_string_equal(out, "\\u0001\\u007f");
    log_escape("\xc3\xa9", 2, out, sizeof out); /* é */
    assert_string_equal(out, "\\u00e9");
    log_escape("\xf0\x9f\x98\x80", 4, out, sizeof out); /* U+1F600 */
    assert_string_equal(out, "\\ud83d\\ude00");
    log_escape("\xff\xc0\xaf", 3, out, sizeof out); /* not UTF-8 */
    assert_string_equal(out, "\\u00ff\\u00c0\\u00af");
    char small[4];
    assert_int_equal(log_escape("abcdef", 6, small, sizeof small), (size_t)-1);
    assert_string_equal(small, "abc");
    /* The worst 16-byte name fits LOG_NAME_MAX. */
    assert_int_not_equal(log_escape("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 16,
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_option),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_record_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
