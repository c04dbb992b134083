/* SPDX-License-Identifier: MIT */
/* test_resolve.c: host names looked up off the loop (net/resolve.h):
 * numeric addresses at once and without a descriptor; a name from
 * /etc/hosts through the descriptor; and, in a network and name service of
 * the test's own (root only, else skipped): a name's addresses in order, a
 * name that does not exist, one lookup shared by the queries for one name,
 * queries freed mid-lookup (the thread ends on its own, nothing leaks), the
 * bound on names in flight and its error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "own_resolver.h"
#include "resolve.h"
#include "sock.h"

static void addr_text(const union resolve_sockaddr *a, char *out, size_t cap)
{
    sock_format_addr(&a->sa, out, cap);
}

/* Wait (10 s at most) for q's descriptor, then take the answer. */
static int await_result(struct resolve_query *q, struct resolve_addrs *out, char *err)
{
    struct pollfd p = {.fd = resolve_fd(q), .events = POLLIN};
    if (poll(&p, 1, 10000) != 1)
        return 0;
    return resolve_result(q, out, err);
}

/* Wait (30 s at most) until no lookup thread runs. 1 when none does. */
static int await_idle(void)
{
    for (int i = 0; i < 3000 && resolve_busy() > 0; i++) {
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    return resolve_busy() == 0;
}

static void test_numeric(void **state)
{
    (void)state;
    static const struct {
        const char *host, *text;
    } cases[] = {
        {"127.0.0.1", "127.0.0.1:7777"},
        {"::1", "[::1]:7777"},
        {"2001:db8::7", "[2001:db8::7]:7777"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct resolve_addrs out;
        struct resolve_query *q = (struct resolve_query *)&out;
        char err[SOCK_ERR_LEN] = "", text[SOCK_ADDR_LEN];
        assert_int_equal(resolve_start(cases[i].host, 7777, &out, &q, err), 1);
        assert_null(q); /* no lookup, no thread, no descriptor */
        assert_int_equal(out.count, 1);
        addr_text(&out.addr[0], text, sizeof text);
        assert_string_equal(text, cases[i].text);
        assert_int_equal(resolve_addr_len(&out.addr[0]),
                         cases[i].host[0] == '1' ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
    }
    assert_int_equal(resolve_busy(), 0);
    resolve_free(NULL);
}

/* localhost, from this machine's /etc/hosts, through the descriptor. */
static void test_localhost(void **state)
{
    (void)state;
    struct resolve_addrs out;
    struct resolve_query *q;
    char err[SOCK_ERR_LEN] = "", text[SOCK_ADDR_LEN];
    assert_int_equal(resolve_start("localhost", 80, &out, &q, err), 0);
    assert_non_null(q);
    int rc = await_result(q, &out, err);
    if (rc != 1)
        fail_msg("localhost: %d (%s)", rc, err);
    int v4 = 0;
    for (unsigned i = 0; i < out.count; i++) {
        addr_text(&out.addr[i], text, sizeof text);
        v4 |= !strcmp(text, "127.0.0.1:80");
    }
    assert_true(v4);
    resolve_free(q);
    assert_true(await_idle());
}

/* ---- in a name service of our own (a child process) ---- */

#define CHECK(n, cond)                                                                                             \
    do {                                                                                                           \
        if (!(cond)) {                                                                                             \
            fprintf(stderr, "check %d failed: %s\n", n, #cond);                                                    \
            return n;                                                                                              \
        }                                                                                                          \
    } while (0)

/* The addresses of a name from /etc/hosts, in the file's order; a name
 * that does not exist. 0, or the number of the check that failed. */
static int hosts_and_no_such_name(void)
{
    struct resolve_addrs out;
    struct resolve_query *q;
    char err[SOCK_ERR_LEN] = "", a[SOCK_ADDR_LEN], b[SOCK_ADDR_LEN];
    CHECK(1, resolve_start("ttt-two", 9, &out, &q, err) == 0);
    CHECK(2, await_result(q, &out, err) == 1);
    CHECK(3, out.count == 2);
    addr_text(&out.addr[0], a, sizeof a);
    addr_text(&out.addr[1], b, sizeof b);
    CHECK(4, !strcmp(a, "127.0.0.2:9") && !strcmp(b, "127.0.0.3:9"));
    resolve_free(q);

    CHECK(5, resolve_start("nx.test", 9, &out, &q, err) == 0);
    CHECK(6, await_result(q, &out, err) == -1);
    CHECK(7, errno == SOCK_ENOHOST);
    CHECK(8, !strcmp(err, "no such host: nx.test"));
    resolve_free(q);
    return 0;
}

/* Two queries for a name whose DNS never answers share one lookup; both
 * freed mid-lookup, the thread still ends (and frees what it holds). */
static int freed_mid_lookup(void)
{
    struct resolve_addrs out;
    struct resolve_query *q1, *q2;
    char err[SOCK_ERR_LEN] = "";
    CHECK(20, resolve_start("silent.test", 9, &out, &q1, err) == 0);
    CHECK(21, resolve_start("silent.test", 10, &out, &q2, err) == 0);
    CHECK(22, resolve_busy() == 1);
    CHECK(23, resolve_fd(q1) != resolve_fd(q2));
    CHECK(24, resolve_result(q1, &out, err) == 0);
    struct pollfd p = {.fd = resolve_fd(q1), .events = POLLIN};
    CHECK(25, poll(&p, 1, 0) == 0); /* not readable while the lookup runs */
    resolve_free(q1);
    resolve_free(q2);
    CHECK(26, resolve_busy() == 1);
    CHECK(27, await_idle());
    return 0;
}

/* At most RESOLVE_LOOKUPS_MAX names at once; the next one is told why;
 * a name already in flight still joins its lookup. */
static int bounded(void)
{
    struct resolve_query *q[RESOLVE_LOOKUPS_MAX], *more;
    struct resolve_addrs out;
    char err[SOCK_ERR_LEN] = "", name[32];
    for (int i = 0; i < RESOLVE_LOOKUPS_MAX; i++) {
        snprintf(name, sizeof name, "silent%d.test", i);
        CHECK(40, resolve_start(name, 9, &out, &q[i], err) == 0);
    }
    CHECK(41, resolve_busy() == RESOLVE_LOOKUPS_MAX);
    CHECK(42, resolve_start("silent-one-more.test", 9, &out, &more, err) == -1);
    CHECK(43, errno == SOCK_ELOOKUP && more == NULL);
    CHECK(44, strstr(err, "cannot look up silent-one-more.test: ") == err);
    CHECK(45, resolve_start("silent0.test", 9, &out, &more, err) == 0);
    resolve_free(more);
    /* A numeric address needs no lookup: never refused by the bound. */
    CHECK(46, resolve_start("127.0.0.1", 9, &out, &more, err) == 1);
    for (int i = 0; i < RESOLVE_LOOKUPS_MAX; i++)
        resolve_free(q[i]);
    CHECK(47, await_idle());
    return 0;
}

static int own_resolver_child(const char *dir)
{
    if (th_own_resolver(dir, "127.0.0.2 ttt-two\n127.0.0.3 ttt-two\n", 1) < 0)
        return errno == EPERM ? 77 : 99;
    int rc = hosts_and_no_such_name();
    if (rc == 0)
        rc = freed_mid_lookup();
    if (rc == 0)
        rc = bounded();
    return rc;
}

static void test_own_resolver(void **state)
{
    (void)state;
    char dir[] = "/tmp/ttt-resolve.XXXXXX";
    assert_non_null(mkdtemp(dir));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(own_resolver_child(dir));
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    th_own_resolver_remove(dir);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        print_message("skipped: no network namespace and name service of our own (needs root)\n");
        skip();
    }
    if (WEXITSTATUS(status) != 0)
        fail_msg("check %d in our own name service failed", WEXITSTATUS(status));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numeric),
        cmocka_unit_test(test_localhost),
        cmocka_unit_test(test_own_resolver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
