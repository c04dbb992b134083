/* SPDX-License-Identifier: MIT */
/* test_srv_cmdline.c: tttd's command line, run as a real process: bad
 * options give exit status 2 and one line on stderr; --help and --version;
 * a port in use, an unusable bind address or record file give exit status 1
 * with one line that names the address and what is wrong with it (not an
 * address of this machine; a link-local one without its zone); --port 0
 * prints "listening on port N" and then the addresses players can use:
 * exactly "127.0.0.1:N" with --bind 127.0.0.1, "[::1]:N" with --bind ::1,
 * "[fe80::...%IF]:N" with a zoned link-local address, and without --bind
 * every address as HOST:N (IPv6 in brackets, no link-local ones, loopback
 * last, a port-forwarding note when none is public). Every address printed
 * takes a connection and answers HELLO, with the default bind, --bind ::,
 * --bind 0.0.0.0 (IPv4 addresses only) and --bind localhost (each of its
 * addresses: ::1 and 127.0.0.1 in a mount namespace whose /etc/hosts says
 * so, an address of the name not on this machine left out with a log
 * line). Log lines on stderr are timestamped and hold no raw client bytes,
 * --quiet keeps only errors, --verbose adds frames; with JOURNAL_STREAM
 * naming its stderr, as under systemd, each line starts with its priority
 * instead of a time stamp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "ipv6.h"
#include "own_hosts.h"

#define RUN_MS 5000

/* Run tttd with args; it must exit with `status`, print nothing on stdout
 * and exactly one non-empty line on stderr. Returns that line (malloc'd). */
static char *run_one_line_error(const char *const *args, int status)
{
    char *out = NULL, *err = NULL;
    int rc = th_run_tttd(args, RUN_MS, &out, &err);
    if (rc != status || !out || !err || out[0] || th_count_lines(err) != 1 || err[0] == '\n' ||
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
    static const char *const opts[] = { "--bind", "--port", "--max-clients", "--max-per-ip", "--turn-time",
                                        "--grace", "--hello-timeout", "--idle-timeout", "--room-time",
                                        "--public-rooms", "--record", "--quiet", "--verbose", "SIGHUP",
                                        "SIGUSR1" };
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        assert_non_null(strstr(out, opts[i]));
    assert_string_equal(err, "");
    free(out);
    free(err);
    static const char *const version[] = { "--version", NULL };
    assert_int_equal(th_run_tttd(version, RUN_MS, &out, &err), 0);
    assert_int_equal(strncmp(out, "tttd ", 5), 0);
    assert_int_equal(th_count_lines(out), 1);
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
    static const char *const bind_args[] = { "--port", "7777", "--bind", "198.51.100.77", NULL };
    char *err = run_one_line_error(bind_args, 1);
    assert_string_equal(err, "tttd: cannot listen on 198.51.100.77 port 7777: Cannot assign requested address "
                             "(not an address of this machine)\n");
    free(err);
    /* A link-local address needs its zone; the line names the address, not
     * just the port. */
    if (th_have_ipv6()) {
        static const char *const ll_args[] = { "--port", "7777", "--bind", "[fe80::1]", NULL };
        err = run_one_line_error(ll_args, 1);
        if (!strstr(err, "tttd: cannot listen on fe80::1 port 7777: "))
            fail_msg("does not name the address: %s", err);
        if (strstr(err, "Invalid argument") && !strstr(err, "needs a zone"))
            fail_msg("does not ask for a zone: %s", err);
        free(err);
    }
    static const char *const name_args[] = { "--port", "0", "--bind", "no-such-host.invalid", NULL };
    free(run_one_line_error(name_args, 1));
    static const char *const rec_args[] = { "--port", "0", "--bind", "127.0.0.1", "--record",
                                            "/nonexistent-dir-for-tttd-test/record.jsonl", NULL };
    err = run_one_line_error(rec_args, 1);
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
    assert_int_equal(th_count_lines(out), 2);
    free(out);
    free(err);
}

static void bind_ipv6_loopback(void **state)
{
    (void)state;
    bind_ipv6_as("::1");
    bind_ipv6_as("[::1]");
}

#define MAX_PRINTED 64

/* Start tttd with args (see th_server_start) and read the addresses it
 * prints after "listening on port N" (the note left out) into addrs; every
 * one must take a connection and answer HELLO with WELCOME. tttd must then
 * exit 0 on SIGTERM. Returns the number of addresses and the port. */
static int every_printed_address_works(const char *const *args, char addrs[][80], uint16_t *port)
{
    struct th_server s;
    if (th_server_start(&s, args) < 0)
        fail_msg("tttd did not start (%s %s)", args[0], args[1] ? args[1] : "");
    *port = s.port;
    int n = 0;
    char line[128];
    /* publish() flushes every line at once: once the first is here, all are. */
    for (int timeout = TH_TIMEOUT_MS; th_server_stdout_line(&s, line, sizeof line, timeout) >= 0; timeout = 300) {
        if (!strncmp(line, "note:", 5))
            continue;
        size_t len = strlen(line);
        if (line[0] == '(' || n == MAX_PRINTED || len >= sizeof addrs[0])
            fail_msg("unexpected line \"%s\"", line);
        memcpy(addrs[n++], line, len + 1);
    }
    if (n == 0)
        fail_msg("tttd printed no address");
    for (int i = 0; i < n; i++) {
        struct th_client c;
        th_hello_addr(&c, addrs[i], "reach");
        th_close(&c);
    }
    assert_int_equal(th_server_stop(&s), 0);
    return n;
}

/* Is "HOST:port" (IPv4) or "[HOST]:port" among addrs[0..n)? */
static int printed(char addrs[][80], int n, const char *host, uint16_t port)
{
    char want[80];
    int v6 = strchr(host, ':') != NULL;
    snprintf(want, sizeof want, "%s%s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "", (unsigned)port);
    for (int i = 0; i < n; i++)
        if (!strcmp(addrs[i], want))
            return 1;
    return 0;
}

/* Whether a printed address is a loopback one (127.x.x.x or [::1]). */
static int is_loopback_text(const char *addr)
{
    return !strncmp(addr, "127.", 4) || !strncmp(addr, "[::1]:", 6);
}

/* --bind 0.0.0.0 listens on IPv4 only: it prints IPv4 addresses only. */
static void bind_any_ipv4_prints_ipv4_only(void **state)
{
    (void)state;
    static const char *const args[] = { "--bind", "0.0.0.0", NULL };
    char addrs[MAX_PRINTED][80];
    uint16_t port;
    int n = every_printed_address_works(args, addrs, &port);
    for (int i = 0; i < n; i++)
        if (addrs[i][0] == '[' || strchr(addrs[i], ':') != strrchr(addrs[i], ':'))
            fail_msg("--bind 0.0.0.0 printed the IPv6 address %s", addrs[i]);
    assert_true(printed(addrs, n, "127.0.0.1", port));
}

/* The default and --bind :: take both families: IPv4 and IPv6 addresses
 * are printed (with IPv6 here), and each works. */
static void bind_default_and_ipv6_any_print_what_works(void **state)
{
    (void)state;
    static const char *const def_args[] = { TH_NO_BIND, NULL };
    static const char *const any6_args[] = { "--bind", "::", NULL };
    static const char *const any6b_args[] = { "--bind", "[::]", NULL };
    const char *const *cases[] = { def_args, any6_args, any6b_args };
    int v6 = th_have_ipv6();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (i > 0 && !v6)
            break; /* no IPv6: --bind :: cannot work */
        char addrs[MAX_PRINTED][80];
        uint16_t port;
        int n = every_printed_address_works(cases[i], addrs, &port);
        assert_true(printed(addrs, n, "127.0.0.1", port));
        assert_int_equal(printed(addrs, n, "::1", port), v6);
    }
}

/* What `name` resolves to here, as tttd would print it with `port`:
 * distinct numeric addresses, IPv6 ones only with IPv6. */
static int resolved(const char *name, uint16_t port, char addrs[][80], int max)
{
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    assert_int_equal(getaddrinfo(name, NULL, &hints, &res), 0);
    int n = 0, v6 = th_have_ipv6();
    for (const struct addrinfo *ai = res; ai && n < max; ai = ai->ai_next) {
        char host[INET6_ADDRSTRLEN];
        const void *a = ai->ai_family == AF_INET6 ? (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
                                                  : (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;
        if ((ai->ai_family == AF_INET6 && !v6) || !inet_ntop(ai->ai_family, a, host, sizeof host) ||
            printed(addrs, n, host, port))
            continue;
        snprintf(addrs[n], sizeof addrs[0], ai->ai_family == AF_INET6 ? "[%s]:%u" : "%s:%u", host, (unsigned)port);
        n++;
    }
    freeaddrinfo(res);
    return n;
}

/* --bind localhost listens on every address localhost has here and prints
 * each, numeric (not "localhost:N"). */
static void bind_name_prints_each_address(void **state)
{
    (void)state;
    static const char *const args[] = { "--bind", "localhost", NULL };
    char addrs[MAX_PRINTED][80], want[MAX_PRINTED][80];
    uint16_t port;
    int n = every_printed_address_works(args, addrs, &port);
    int nwant = resolved("localhost", port, want, MAX_PRINTED);
    assert_int_equal(n, nwant);
    for (int i = 0; i < n; i++)
        assert_string_equal(addrs[i], want[i]);
}

/* A mount namespace whose /etc/hosts is hosts_path, for the tttd that
 * th_server_start forks (th_server_child_setup). */
static char hosts_path[300];

static int own_etc_hosts(void)
{
    return th_own_etc_hosts(hosts_path);
}

/* Can a child of ours have its own /etc/hosts (root, or CAP_SYS_ADMIN)? */
static int can_own_etc_hosts(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(own_etc_hosts() == 0 ? 0 : 1);
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The directory of hosts_path, removed (and tttd's setup reset) by
 * hosts_teardown even when the test fails half way. */
static char hosts_dir[] = "/tmp/tttd-hosts.XXXXXX";

static int hosts_teardown(void **state)
{
    (void)state;
    th_server_child_setup = NULL;
    if (hosts_path[0]) {
        unlink(hosts_path);
        rmdir(hosts_dir);
        hosts_path[0] = '\0';
    }
    return 0;
}

/* tttd --bind NAME --quiet: the addresses it printed, every one of which
 * must work (see every_printed_address_works). */
static int bind_name(const char *name, char addrs[][80], uint16_t *port)
{
    const char *const args[] = { "--bind", name, "--quiet", NULL };
    return every_printed_address_works(args, addrs, port);
}

/* tttd --bind NAME --quiet: the addresses it prints (after "listening on
 * port N"), and its stderr (to free). */
static char *bind_name_log(const char *name, char addrs[][80], int *n)
{
    struct th_server s;
    const char *const args[] = { "--bind", name, "--quiet", NULL };
    assert_int_equal(th_server_start(&s, args), 0);
    *n = 0;
    while (*n < MAX_PRINTED && th_server_stdout_line(&s, addrs[*n], 80, 300) >= 0)
        (*n)++;
    char *log = th_server_stderr(&s);
    assert_non_null(log);
    assert_int_equal(th_server_stop(&s), 0);
    return log;
}

/* Names in an /etc/hosts of our own (a mount namespace; root only):
 * - localhost as a demanding user has it, ::1 and 127.0.0.1: tttd listens
 *   on both and prints both, and both work;
 * - a name with an address that is not on this machine: that one is left
 *   out, with a log line that says so (an error line: --quiet shows it);
 * - a name with 0.0.0.0 and 127.0.0.1: the wildcard takes 127.0.0.1's
 *   clients (a socket of its own would clash with it on the port); one
 *   with :: and 127.0.0.1, or :: and an IPv4 address not on this machine:
 *   :: is dual-stack and takes both families; one with 0.0.0.0 and ::
 *   IPv4 on the one, IPv6 on the other;
 * - a name with 18 addresses: the first 16 are used, and a line says so. */
static void bind_name_with_both_families(void **state)
{
    (void)state;
    if (!th_have_ipv6()) {
        print_message("skipped: no IPv6 loopback here\n");
        skip();
    }
    assert_non_null(mkdtemp(hosts_dir));
    snprintf(hosts_path, sizeof hosts_path, "%s/hosts", hosts_dir);
    FILE *f = fopen(hosts_path, "w");
    assert_non_null(f);
    fprintf(f, "::1 localhost\n127.0.0.1 localhost\n198.51.100.77 twohomes\n127.0.0.1 twohomes\n"
               "0.0.0.0 anyandlo\n127.0.0.1 anyandlo\n:: dualname\n127.0.0.1 dualname\n"
               "0.0.0.0 bothany\n:: bothany\n:: dualfar\n198.51.100.77 dualfar\n");
    for (int i = 1; i <= 18; i++)
        fprintf(f, "127.0.0.%d many\n", i);
    assert_int_equal(fclose(f), 0);
    if (!can_own_etc_hosts()) {
        print_message("skipped: cannot give tttd an /etc/hosts of its own (needs root)\n");
        skip();
    }
    th_server_child_setup = own_etc_hosts;

    char addrs[MAX_PRINTED][80];
    uint16_t port;
    int n = bind_name("localhost", addrs, &port);
    assert_int_equal(n, 2);
    assert_true(printed(addrs, n, "::1", port));
    assert_true(printed(addrs, n, "127.0.0.1", port));

    n = bind_name("anyandlo", addrs, &port);
    assert_true(n >= 1);
    assert_true(printed(addrs, n, "127.0.0.1", port));
    for (int i = 0; i < n; i++)
        assert_null(strchr(addrs[i], '['));
    static const char *const wild[] = { "dualname", "dualfar", "bothany" };
    for (int i = 0; i < 3; i++) {
        n = bind_name(wild[i], addrs, &port);
        assert_true(printed(addrs, n, "127.0.0.1", port));
        assert_true(printed(addrs, n, "::1", port));
        /* loopback last, also with two wildcard listeners */
        for (int j = 1; j < n; j++)
            if (is_loopback_text(addrs[j - 1]) && !is_loopback_text(addrs[j]))
                fail_msg("%s: %s printed before %s", wild[i], addrs[j - 1], addrs[j]);
    }

    char *log = bind_name_log("twohomes", addrs, &n);
    assert_int_equal(n, 1);
    assert_non_null(strstr(addrs[0], "127.0.0.1:"));
    if (!strstr(log, "cannot listen on twohomes (198.51.100.77) port ") ||
        !strstr(log, "(not an address of this machine); listening on the other addresses of twohomes"))
        fail_msg("no log line about 198.51.100.77: %s", log);
    free(log);

    log = bind_name_log("many", addrs, &n);
    assert_int_equal(n, 16);
    if (!strstr(log, "many has more than 16 addresses: listening on the first 16"))
        fail_msg("no log line about the addresses left out: %s", log);
    free(log);
}

/* A link-local address with its zone: listened on and printed with it. */
static void bind_link_local_with_zone(void **state)
{
    (void)state;
    char addr[INET6_ADDRSTRLEN] = "", ifname[IF_NAMESIZE] = "";
    struct ifaddrs *list;
    assert_int_equal(getifaddrs(&list), 0);
    for (const struct ifaddrs *ifa = list; ifa && !addr[0]; ifa = ifa->ifa_next) {
        if (ifa->ifa_addr && ifa->ifa_addr->sa_family == AF_INET6 && (ifa->ifa_flags & IFF_UP) &&
            IN6_IS_ADDR_LINKLOCAL(&((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr)) {
            assert_non_null(inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr, addr,
                                      sizeof addr));
            snprintf(ifname, sizeof ifname, "%s", ifa->ifa_name);
        }
    }
    freeifaddrs(list);
    if (!addr[0]) {
        print_message("skipped: no link-local IPv6 address here\n");
        skip();
    }
    char bind[96], want[128];
    snprintf(bind, sizeof bind, "[%s%%%s]", addr, ifname);
    const char *const args[] = { "--bind", bind, NULL };
    char addrs[MAX_PRINTED][80];
    uint16_t port;
    assert_int_equal(every_printed_address_works(args, addrs, &port), 1);
    snprintf(want, sizeof want, "[%s%%%s]:%u", addr, ifname, (unsigned)port);
    assert_string_equal(addrs[0], want);
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
    char *log = th_server_log_with(&th_srv, "-> RESIGN"); /* the last frame logged; the log may lag */
    assert_non_null(strstr(log, "-> HELLO"));
    assert_non_null(strstr(log, "<- WELCOME"));
    free(log);
}

/* The priority each line of a journal-format log must carry. */
static void expect_priorities(const char *log)
{
    int seen[8] = {0};
    for (const char *line = log; *line;) {
        const char *eol = strchr(line, '\n');
        assert_non_null(eol);
        int prio = -1, n = 0;
        if (sscanf(line, "<%d>%n", &prio, &n) != 1 || n != 3 || prio < 0 || prio > 7)
            fail_msg("a line without its priority: %.*s", (int)(eol - line), line);
        seen[prio]++;
        const char *text = line + 3;
        if (!strncmp(text, "error: ", 7) != (prio == 3) || !strncmp(text, "warning: ", 9) != (prio == 4))
            fail_msg("priority %d does not fit the line: %.*s", prio, (int)(eol - line), line);
        if (memmem(text, (size_t)(eol - text), "-> HELLO", 8) && prio != 7)
            fail_msg("a frame's line is not <7>: %.*s", (int)(eol - line), line);
        int y, mo;
        if (sscanf(text, "%4d-%2d-", &y, &mo) == 2)
            fail_msg("a second time stamp: %.*s", (int)(eol - line), line);
        line = eol + 1;
    }
    assert_true(seen[3] >= 1); /* the record file that takes nothing */
    assert_true(seen[6] >= 3); /* ready, connects, the game */
    assert_true(seen[7] >= 2); /* the frames */
}

/* Under systemd (JOURNAL_STREAM names stderr's device and inode) every
 * line starts with its priority for the journal (sd-daemon(3)): errors <3>
 * (a record file on /dev/full), warnings <4> (a discovery port held by
 * another program), events <6>, frames <7>; no time stamp of its own. */
static void journal_lines_carry_priorities(void **state)
{
    (void)state;
    if (th_server_wrapped())
        skip(); /* the wrapper writes its own lines to stderr */
    /* A UDP port held by a socket that does not share it: no discovery, a warning. */
    int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET };
    socklen_t len = sizeof sin;
    assert_true(udp >= 0);
    assert_int_equal(bind(udp, (struct sockaddr *)&sin, sizeof sin), 0);
    assert_int_equal(getsockname(udp, (struct sockaddr *)&sin, &len), 0);
    char port[8], warning[128];
    snprintf(port, sizeof port, "%u", (unsigned)ntohs(sin.sin_port));
    snprintf(warning, sizeof warning, "<4>warning: not answering discovery: UDP port %s is used", port);
    const char *const args[] = { "--record", "/dev/full", "--verbose", "--announce-port", port, TH_JOURNAL, NULL };
    struct th_server srv;
    assert_int_equal(th_server_start(&srv, args), 0);
    close(udp);
    struct th_client x, o;
    th_pair(&x, &o, srv.port, "alice", "bob", NULL);
    assert_int_equal(th_send_type(&x, PROTO_RESIGN), 0);
    th_expect_game_over(&x, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_close(&x);
    th_close(&o);
    th_server_wait_log(&srv, "<3>error: record: write /dev/full");
    assert_int_equal(th_server_signal(&srv, SIGTERM), 0);
    assert_int_equal(th_server_wait(&srv, 5000), 0);
    char *log = th_server_stderr(&srv);
    assert_non_null(log);
    expect_priorities(log);
    if (!strstr(log, warning))
        fail_msg("no \"%s\" in:\n%s", warning, log);
    free(log);
    (void)th_server_stop(&srv);
}

/* A JOURNAL_STREAM that names another file (stderr redirected by the
 * service) keeps the usual lines. */
static void journal_stream_elsewhere_ignored(void **state)
{
    (void)state;
    struct th_server srv;
    setenv("JOURNAL_STREAM", "1:1", 1);
    int rc = th_server_start(&srv, NULL);
    unsetenv("JOURNAL_STREAM");
    assert_int_equal(rc, 0);
    struct th_client c;
    th_hello(&c, srv.port, "alice");
    th_close(&c);
    assert_int_equal(th_server_signal(&srv, SIGTERM), 0);
    assert_int_equal(th_server_wait(&srv, 5000), 0);
    char *log = th_server_stderr(&srv);
    assert_non_null(log);
    int y, mo, d;
    assert_int_equal(sscanf(log, "%4d-%2d-%2dT", &y, &mo, &d), 3);
    assert_null(strstr(log, "<6>"));
    free(log);
    (void)th_server_stop(&srv);
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
        cmocka_unit_test(bind_any_ipv4_prints_ipv4_only),
        cmocka_unit_test(bind_default_and_ipv6_any_print_what_works),
        cmocka_unit_test(bind_name_prints_each_address),
        cmocka_unit_test_teardown(bind_name_with_both_families, hosts_teardown),
        cmocka_unit_test(bind_link_local_with_zone),
        T(logs_timestamped_and_escaped),
        TH_WITH(quiet_logs_nothing_but_errors, quiet_args),
        TH_WITH(verbose_logs_frames, verbose_args),
        cmocka_unit_test(journal_lines_carry_priorities),
        cmocka_unit_test(journal_stream_elsewhere_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
