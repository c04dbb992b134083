/* test_srv_cmdline.c: tttd's command line, run as a real process: bad
 * options give exit status 2 and one line on stderr; --help and --version;
 * a port in use, an unusable bind address or record file give exit status 1
 * with one line; --port 0 prints "listening on port N" and then the
 * addresses players can use: exactly "127.0.0.1:N" with --bind 127.0.0.1,
 * "[::1]:N" with --bind ::1, and without --bind every address as HOST:N
 * (IPv6 in brackets, no link-local ones, loopback last, a port-forwarding
 * note when none is public); log lines on stderr are timestamped and hold
 * no raw client bytes, --quiet keeps only errors, --verbose adds frames. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness.h"

#define RUN_MS 5000

/* Lines in s (each ending with '\n'). */
static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Run tttd with args; it must exit with `status`, print nothing on stdout
 * and exactly one non-empty line on stderr. Returns that line (malloc'd). */
static char *run_one_line_error(const char *const *args, int status)
{
    char *out = NULL, *err = NULL;
    int rc = th_run_tttd(args, RUN_MS, &out, &err);
    if (rc != status || !out || !err || out[0] || count_lines(err) != 1 || err[0] == '\n' ||
        err[strlen(err) - 1] != '\n')
        fail_msg("tttd %s %s: exit %d (want %d), stdout \"%s\", stderr \"%s\" (want one line)", args[0],
                 args[1] ? args[1] : "", rc, status, out ? out : "?", err ? err : "?");
    free(out);
    return err;
}

static void bad_options_exit_2(void **state)
{
    (void)state;
    static const char *const cases[][5] = {
        { "--bogus", NULL },
        { "-x", NULL },
        { "--port", NULL },
        { "--port", "abc", NULL },
        { "--port", "70000", NULL },
        { "--port", "-1", NULL },
        { "--port", "12x", NULL },
        { "--port", "", NULL },
        { "--max-clients", "0", NULL },
        { "--max-clients", "many", NULL },
        { "--turn-time", "0", NULL },
        { "--turn-time", "65536", NULL },
        { "--grace", "-5", NULL },
        { "--hello-timeout", "0", NULL },
        { "--idle-timeout", "1.5", NULL },
        { "--bind", "", NULL },
        { "--bind", "[::1", NULL },
        { "--bind", "[]", NULL },
        { "--record", "", NULL },
        { "--quiet", "--verbose", NULL },
        { "stray-argument", NULL },
        { "--port", "0", "extra", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *err = run_one_line_error(cases[i], 2);
        assert_int_equal(strncmp(err, "tttd: ", 6), 0);
        free(err);
    }
}

static void help_and_version(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    static const char *const help[] = { "--help", NULL };
    assert_int_equal(th_run_tttd(help, RUN_MS, &out, &err), 0);
    assert_int_equal(strncmp(out, "usage: tttd", 11), 0);
    static const char *const opts[] = { "--bind", "--port", "--max-clients", "--turn-time", "--grace",
                                        "--hello-timeout", "--idle-timeout", "--record", "--quiet",
                                        "--verbose" };
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        assert_non_null(strstr(out, opts[i]));
    assert_string_equal(err, "");
    free(out);
    free(err);
    static const char *const version[] = { "--version", NULL };
    assert_int_equal(th_run_tttd(version, RUN_MS, &out, &err), 0);
    assert_int_equal(strncmp(out, "tttd ", 5), 0);
    assert_int_equal(count_lines(out), 1);
    free(out);
    free(err);
}

static void port_in_use_exit_1(void **state)
{
    (void)state;
    char port[8];
    snprintf(port, sizeof port, "%u", (unsigned)th_srv.port);
    const char *const args[] = { "--port", port, "--bind", "127.0.0.1", NULL };
    char *err = run_one_line_error(args, 1);
    assert_non_null(strstr(err, port));
    free(err);
    /* The running server is unharmed. */
    struct th_client c;
    th_hello(&c, th_srv.port, "still");
    th_close(&c);
}

static void unusable_bind_or_record_exit_1(void **state)
{
    (void)state;
    /* 198.51.100.77 (TEST-NET-2) is not an address of this machine. */
    static const char *const bind_args[] = { "--port", "0", "--bind", "198.51.100.77", NULL };
    free(run_one_line_error(bind_args, 1));
    static const char *const name_args[] = { "--port", "0", "--bind", "no-such-host.invalid", NULL };
    free(run_one_line_error(name_args, 1));
    static const char *const rec_args[] = { "--port", "0", "--bind", "127.0.0.1", "--record",
                                            "/nonexistent-dir-for-tttd-test/record.jsonl", NULL };
    char *err = run_one_line_error(rec_args, 1);
    assert_non_null(strstr(err, "/nonexistent-dir-for-tttd-test/record.jsonl"));
    free(err);
}

static void bind_loopback_prints_exact_address(void **state)
{
    (void)state;
    /* th_srv runs with --port 0 --bind 127.0.0.1; th_server_start read the
     * "listening on port N" line. Next comes exactly one address line. */
    char line[128], want[32];
    assert_int_equal(th_server_stdout_line(&th_srv, line, sizeof line, TH_TIMEOUT_MS) >= 0, 1);
    snprintf(want, sizeof want, "127.0.0.1:%u", (unsigned)th_srv.port);
    assert_string_equal(line, want);
    assert_int_equal(th_server_stdout_line(&th_srv, line, sizeof line, 300), -1);
    /* And that address works. */
    struct th_client c;
    th_hello(&c, th_srv.port, "addr");
    th_close(&c);
}

/* Private (RFC 1918, 100.64/10, fc00::/7) or loopback. */
static int not_public(const char *host, int *loopback)
{
    struct in_addr a4;
    struct in6_addr a6;
    *loopback = 0;
    if (inet_pton(AF_INET, host, &a4) == 1) {
        uint32_t a = ntohl(a4.s_addr);
        *loopback = (a >> 24) == 127;
        return *loopback || (a >> 24) == 10 || (a >> 20) == 0xac1 || (a >> 16) == 0xc0a8 ||
               (a >> 22) == (100u << 2 | 1u);
    }
    if (inet_pton(AF_INET6, host, &a6) == 1) {
        *loopback = IN6_IS_ADDR_LOOPBACK(&a6);
        return *loopback || (a6.s6_addr[0] & 0xfe) == 0xfc;
    }
    fail_msg("\"%s\" is neither an IPv4 nor an IPv6 address", host);
    return 0;
}

static void wildcard_lists_every_address(void **state)
{
    (void)state;
    static const char *const args[] = { "--port", "0", NULL };
    char *out = NULL, *err = NULL;
    /* Let it run 1.5 s, then SIGTERM: a clean exit. */
    int rc = th_run_tttd(args, 1500, &out, &err);
    assert_int_equal(rc, 0);
    unsigned port = 0;
    char *save = NULL;
    char *line = strtok_r(out, "\n", &save);
    assert_non_null(line);
    assert_int_equal(sscanf(line, "listening on port %u", &port), 1);
    assert_true(port > 0 && port <= 65535);
    char suffix[16];
    snprintf(suffix, sizeof suffix, ":%u", port);
    int addrs = 0, seen_loopback = 0, any_public = 0, note = 0, v4_loopback = 0;
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        if (!strncmp(line, "note:", 5)) {
            assert_int_equal(note, 0);
            note = 1;
            char portword[16];
            snprintf(portword, sizeof portword, "%u", port);
            assert_non_null(strstr(line, portword));
            continue;
        }
        assert_int_equal(note, 0); /* the note comes last */
        size_t len = strlen(line), sl = strlen(suffix);
        if (len <= sl || strcmp(line + len - sl, suffix) != 0)
            fail_msg("address line \"%s\" does not end with %s", line, suffix);
        char host[64];
        size_t hl = len - sl;
        assert_true(hl < sizeof host);
        if (line[0] == '[') {
            if (line[hl - 1] != ']')
                fail_msg("IPv6 address line \"%s\" without brackets", line);
            memcpy(host, line + 1, hl - 2);
            host[hl - 2] = '\0';
            assert_non_null(strchr(host, ':'));
            if (!strncasecmp(host, "fe80", 4))
                fail_msg("link-local address listed: %s", line);
        } else {
            memcpy(host, line, hl);
            host[hl] = '\0';
            assert_null(strchr(host, ':'));
            if (!strncmp(host, "169.254.", 8))
                fail_msg("link-local address listed: %s", line);
        }
        int loopback;
        int private_or_lo = not_public(host, &loopback);
        if (seen_loopback && !loopback)
            fail_msg("\"%s\" after a loopback address (loopback must come last)", line);
        seen_loopback |= loopback;
        v4_loopback |= !strcmp(host, "127.0.0.1");
        any_public |= !private_or_lo;
        addrs++;
    }
    assert_true(addrs >= 1);
    assert_true(v4_loopback);
    assert_int_equal(note, !any_public);
    free(out);
    free(err);
}

/* --bind ::1, or [::1] as tttd prints it: exactly "[::1]:N". */
static void bind_ipv6_as(const char *bind)
{
    const char *const args[] = { "--port", "0", "--bind", bind, NULL };
    char *out = NULL, *err = NULL;
    int rc = th_run_tttd(args, 1000, &out, &err);
    if (rc == 1 && !strstr(out, "listening")) {
        free(out);
        free(err);
        skip(); /* no IPv6 loopback on this machine */
    }
    assert_int_equal(rc, 0);
    unsigned port = 0;
    char addr[64];
    assert_int_equal(sscanf(out, "listening on port %u\n%63s", &port, addr), 2);
    char want[64];
    snprintf(want, sizeof want, "[::1]:%u", port);
    assert_string_equal(addr, want);
    assert_int_equal(count_lines(out), 2);
    free(out);
    free(err);
}

static void bind_ipv6_loopback(void **state)
{
    (void)state;
    bind_ipv6_as("::1");
    bind_ipv6_as("[::1]");
}

/* Some traffic: a game between oddly named players, resigned; a client
 * with a broken HELLO. Waits until the server has closed them all. Skips
 * the test under TTT_SERVER_WRAPPER, whose output shares tttd's stderr. */
static void some_traffic(void)
{
    if (th_server_wrapped()) {
        print_message("skipped: TTT_SERVER_WRAPPER writes to tttd's stderr too\n");
        skip();
    }
    struct th_client x, o, bad;
    th_pair(&x, &o, th_srv.port, "\xc3\xa9\xf0\x9f\x98\x80\"q\\", "plain", NULL);
    assert_int_equal(th_send_type(&x, PROTO_RESIGN), 0);
    th_expect_game_over(&x, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&o, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    assert_int_equal(th_connect(&bad, th_srv.port), 0);
    static const uint8_t junk[] = { 0x3f, 0x00, 0x00 };
    assert_int_equal(th_send_raw(&bad, junk, sizeof junk), 0);
    th_expect_error(&bad, PROTO_ERR_BAD_FRAME);
    th_expect_eof(&bad, TH_TIMEOUT_MS);
    th_close(&bad);
    th_close(&x);
    th_close(&o);
    assert_int_equal(th_server_wait_sockets(&th_srv, 1, TH_TIMEOUT_MS), 0);
}

/* Log lines: a UTC timestamp with milliseconds first, printable ASCII only
 * (client-chosen names escaped, never raw bytes). */
static void logs_timestamped_and_escaped(void **state)
{
    (void)state;
    some_traffic();
    char *log = th_server_stderr(&th_srv);
    assert_non_null(log);
    int lines = 0;
    for (char *line = log; *line;) {
        char *eol = strchr(line, '\n');
        assert_non_null(eol);
        int y, mo, d, h, mi, sec, ms, n = 0;
        if (sscanf(line, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ %n", &y, &mo, &d, &h, &mi, &sec, &ms, &n) != 7 || n != 25)
            fail_msg("log line without a timestamp: %.*s", (int)(eol - line), line);
        for (const char *p = line; p < eol; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
                fail_msg("raw byte 0x%02x in log line: %.*s", (unsigned)(unsigned char)*p, (int)(eol - line), line);
        lines++;
        line = eol + 1;
    }
    assert_true(lines >= 5); /* ready, connects, hellos, game, game over, drop */
    assert_non_null(strstr(log, "\\u00e9\\ud83d\\ude00\\\"q\\\\"));
    free(log);
}

static void quiet_logs_nothing_but_errors(void **state)
{
    (void)state;
    some_traffic();
    char *log = th_server_stderr(&th_srv);
    assert_non_null(log);
    assert_string_equal(log, "");
    free(log);
}

static void verbose_logs_frames(void **state)
{
    (void)state;
    some_traffic();
    char *log = th_server_stderr(&th_srv);
    assert_non_null(log);
    assert_non_null(strstr(log, "-> HELLO"));
    assert_non_null(strstr(log, "<- WELCOME"));
    assert_non_null(strstr(log, "-> RESIGN"));
    free(log);
}

static const char *const quiet_args[] = { "--quiet", NULL };
static const char *const verbose_args[] = { "--verbose", NULL };

#define T(f) cmocka_unit_test_setup_teardown(f, th_fixture_start, th_fixture_stop)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_options_exit_2),
        cmocka_unit_test(help_and_version),
        T(port_in_use_exit_1),
        cmocka_unit_test(unusable_bind_or_record_exit_1),
        T(bind_loopback_prints_exact_address),
        cmocka_unit_test(wildcard_lists_every_address),
        cmocka_unit_test(bind_ipv6_loopback),
        T(logs_timestamped_and_escaped),
        TH_WITH(quiet_logs_nothing_but_errors, quiet_args),
        TH_WITH(verbose_logs_frames, verbose_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
