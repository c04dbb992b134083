/* SPDX-License-Identifier: MIT */
/* test_sock.c: the socket helpers against the real kernel on loopback:
 * listening (v4, v6, dual-stack, every address of a name, 0.0.0.0 and ::,
 * a link-local address with and without its zone), accepting, port in use,
 * the reasons given for an unusable address, host:port text (zones too),
 * connecting (success, refused, unknown host) and the local address list
 * (by family). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipv6.h"
#include "open_fds.h"
#include "own_hosts.h"
#include "sock.h"

static void assert_nonblocking_cloexec(int fd)
{
    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

/* Wait for fd to become writable (a connect finishing), up to 5 s. */
static void wait_writable(int fd)
{
    struct pollfd p = {fd, POLLOUT, 0};
    assert_int_equal(poll(&p, 1, 5000), 1);
}

/* Connect to host:port with the helpers and return the connected fd. */
static int connect_to(const char *host, uint16_t port)
{
    char err[SOCK_ERR_LEN] = "";
    int fd = sock_connect_start(host, port, err);
    if (fd < 0)
        fail_msg("connect to %s:%u: %s", host, (unsigned)port, err);
    assert_nonblocking_cloexec(fd);
    wait_writable(fd);
    assert_int_equal(sock_connect_result(fd, err), 0);
    int one = 0;
    socklen_t len = sizeof one;
    assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, &len), 0);
    assert_int_not_equal(one, 0);
    return fd;
}

/* Accept the connection waiting on lfd (polling up to 5 s); check its peer text. */
static void accept_one(int lfd, const char *peer_prefix)
{
    struct pollfd p = {lfd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, 5000), 1);
    char peer[SOCK_ADDR_LEN] = "";
    char err[SOCK_ERR_LEN] = "";
    int fd = sock_accept(lfd, peer, sizeof peer, err);
    if (fd < 0)
        fail_msg("accept: %s", err);
    assert_nonblocking_cloexec(fd);
    int one = 0;
    socklen_t len = sizeof one;
    assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, &len), 0);
    assert_int_not_equal(one, 0);
    if (strncmp(peer, peer_prefix, strlen(peer_prefix)) != 0)
        fail_msg("peer \"%s\" does not start with \"%s\"", peer, peer_prefix);
    close(fd);
}

static void test_listen_v4_loopback(void **state)
{
    (void)state;
    uint16_t port = 0;
    char err[SOCK_ERR_LEN] = "";
    int lfd = sock_listen("127.0.0.1", 0, 16, &port, err);
    if (lfd < 0)
        fail_msg("listen: %s", err);
    assert_int_not_equal(port, 0);
    assert_nonblocking_cloexec(lfd);
    int c = connect_to("127.0.0.1", port);
    accept_one(lfd, "127.0.0.1:");
    close(c);
    close(lfd);
}

static void test_listen_v6_loopback(void **state)
{
    (void)state;
    if (!th_have_ipv6())
        skip();
    uint16_t port = 0;
    char err[SOCK_ERR_LEN] = "";
    int lfd = sock_listen("::1", 0, 16, &port, err);
    if (lfd < 0)
        fail_msg("listen: %s", err);
    assert_int_not_equal(port, 0);
    int c = connect_to("::1", port);
    accept_one(lfd, "[::1]:");
    close(c);
    close(lfd);
}

static void test_listen_dual_stack(void **state)
{
    (void)state;
    uint16_t port = 0;
    char err[SOCK_ERR_LEN] = "";
    int lfd = sock_listen(NULL, 0, 16, &port, err);
    if (lfd < 0)
        fail_msg("listen: %s", err);
    assert_int_not_equal(port, 0);
    assert_nonblocking_cloexec(lfd);
    /* IPv4 reaches it, and is shown as plain IPv4, not ::ffff:127.0.0.1. */
    int c4 = connect_to("127.0.0.1", port);
    accept_one(lfd, "127.0.0.1:");
    close(c4);
    if (th_have_ipv6()) {
        int c6 = connect_to("::1", port);
        accept_one(lfd, "[::1]:");
        close(c6);
    }
    close(lfd);
}

static void test_accept_eagain(void **state)
{
    (void)state;
    int lfd = sock_listen("127.0.0.1", 0, 16, NULL, NULL);
    assert_true(lfd >= 0);
    char err[SOCK_ERR_LEN];
    memset(err, 'Z', sizeof err);
    errno = 0;
    assert_int_equal(sock_accept(lfd, NULL, 0, err), -1);
    assert_int_equal(errno, EAGAIN);
    for (size_t i = 0; i < sizeof err; i++)
        assert_int_equal(err[i], 'Z');
    /* A real error (not a socket) is reported in err. */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(sock_accept(fds[0], NULL, 0, err), -1);
    assert_int_equal(errno, ENOTSOCK);
    assert_non_null(strstr(err, "accept"));
    close(fds[0]);
    close(fds[1]);
    close(lfd);
}

static void test_port_in_use(void **state)
{
    (void)state;
    uint16_t port = 0;
    char err[SOCK_ERR_LEN] = "";
    int lfd = sock_listen("127.0.0.1", 0, 16, &port, err);
    assert_true(lfd >= 0);
    char expect[64];
    snprintf(expect, sizeof expect, "port %u is already in use on 127.0.0.1", (unsigned)port);
    errno = 0;
    assert_int_equal(sock_listen("127.0.0.1", port, 16, NULL, err), -1);
    assert_string_equal(err, expect);
    assert_int_equal(errno, EADDRINUSE);
    /* The dual-stack listener also covers 127.0.0.1: in use too. */
    snprintf(expect, sizeof expect, "port %u is already in use", (unsigned)port);
    assert_int_equal(sock_listen(NULL, port, 16, NULL, err), -1);
    assert_string_equal(err, expect);
    assert_int_equal(sock_listen("0.0.0.0", port, 16, NULL, err), -1);
    assert_string_equal(err, expect);
    close(lfd);
}

static void test_listen_bad_address(void **state)
{
    (void)state;
    char err[SOCK_ERR_LEN] = "";
    /* TEST-NET-2: not an address of this machine. The reason names the
     * address (not just the port) and says what is wrong with it. */
    errno = 0;
    assert_int_equal(sock_listen("198.51.100.77", 7777, 16, NULL, err), -1);
    assert_int_equal(errno, EADDRNOTAVAIL);
    assert_string_equal(err, "cannot listen on 198.51.100.77 port 7777: Cannot assign requested address "
                             "(not an address of this machine)");
    assert_int_equal(sock_listen("198.51.100.77", 0, 16, NULL, err), -1);
    assert_string_equal(err, "cannot listen on 198.51.100.77: Cannot assign requested address "
                             "(not an address of this machine)");
    assert_int_equal(sock_listen("no-such-host.invalid", 0, 16, NULL, err), -1);
    assert_non_null(strstr(err, "no-such-host.invalid"));
    struct sock_listener l;
    errno = 0;
    assert_int_equal(sock_listen_all("127.0.0.1", 0, 16, &l, 0, err), -1);
    assert_int_equal(errno, EINVAL);
    assert_true(err[0] != '\0');
}

/* A link-local IPv6 address of an interface that is up, as text, and the
 * interface's name; 0 when there is none. */
static int find_link_local(char *addr, size_t addr_len, char *ifname, size_t ifname_len)
{
    struct ifaddrs *list;
    int found = 0;
    assert_int_equal(getifaddrs(&list), 0);
    for (const struct ifaddrs *ifa = list; ifa && !found; ifa = ifa->ifa_next) {
        if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET6 || !(ifa->ifa_flags & IFF_UP))
            continue;
        const struct in6_addr *a = &((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
        if (!IN6_IS_ADDR_LINKLOCAL(a))
            continue;
        assert_non_null(inet_ntop(AF_INET6, a, addr, (socklen_t)addr_len));
        snprintf(ifname, ifname_len, "%s", ifa->ifa_name);
        found = 1;
    }
    freeifaddrs(list);
    return found;
}

static void test_listen_link_local(void **state)
{
    (void)state;
    if (!th_have_ipv6())
        skip();
    /* Without a zone the kernel refuses a link-local address (EINVAL): the
     * reason names the address and asks for the zone. */
    char err[SOCK_ERR_LEN] = "";
    assert_int_equal(sock_listen("fe80::1", 7777, 16, NULL, err), -1);
    if (errno == EINVAL)
        assert_string_equal(err, "cannot listen on fe80::1 port 7777: Invalid argument (a link-local IPv6 "
                                 "address needs a zone, e.g. fe80::1%eth0; and no interface here has this one)");
    else
        assert_non_null(strstr(err, "cannot listen on fe80::1 port 7777: "));
    /* A zone that does not have the address. */
    assert_int_equal(sock_listen("fe80::1%lo", 0, 16, NULL, err), -1);
    assert_int_equal(errno, EADDRNOTAVAIL);
    assert_string_equal(err, "cannot listen on fe80::1%lo: Cannot assign requested address "
                             "(not an address of this machine)");

    char addr[INET6_ADDRSTRLEN], ifname[IF_NAMESIZE], want[128], zoned[128];
    if (!find_link_local(addr, sizeof addr, ifname, sizeof ifname)) {
        print_message("no interface with a link-local IPv6 address: the rest skipped\n");
        skip();
    }
    /* This machine's own link-local address, without its zone: the reason
     * says which zone. */
    assert_int_equal(sock_listen(addr, 0, 16, NULL, err), -1);
    assert_int_equal(errno, EINVAL);
    snprintf(want, sizeof want, "(a link-local IPv6 address needs a zone: %s%%%s)", addr, ifname);
    if (!strstr(err, want))
        fail_msg("\"%s\" does not end with \"%s\"", err, want);
    /* With its zone, by name and by number, it works. */
    for (int by_number = 0; by_number < 2; by_number++) {
        if (by_number)
            snprintf(zoned, sizeof zoned, "%s%%%u", addr, if_nametoindex(ifname));
        else
            snprintf(zoned, sizeof zoned, "%s%%%s", addr, ifname);
        struct sock_listener l;
        int n = sock_listen_all(zoned, 0, 16, &l, 1, err);
        if (n != 1)
            fail_msg("listen on %s: %s", zoned, err);
        assert_string_equal(err, "");
        assert_false(l.any);
        char text[SOCK_ADDR_LEN];
        sock_format_addr((const struct sockaddr *)&l.addr, text, sizeof text);
        uint16_t port = sock_addr_port((const struct sockaddr *)&l.addr);
        snprintf(want, sizeof want, "[%s%%%s]:%u", addr, ifname, (unsigned)port);
        assert_string_equal(text, want);
        snprintf(zoned, sizeof zoned, "%s%%%s", addr, ifname);
        int c = connect_to(zoned, port);
        snprintf(want, sizeof want, "[%s%%%s]:", addr, ifname);
        accept_one(l.fd, want);
        close(c);
        close(l.fd);
    }
}

/* Does `host` on this port accept a connection? 1 or 0. */
static int accepts(const char *host, uint16_t port)
{
    char err[SOCK_ERR_LEN];
    int fd = sock_connect_start(host, port, err);
    if (fd < 0)
        return 0;
    struct pollfd p = {fd, POLLOUT, 0};
    int ok = poll(&p, 1, 5000) == 1 && sock_connect_result(fd, err) == 0;
    close(fd);
    return ok;
}

/* 0.0.0.0 is IPv4 only, :: and the default take both families. */
static void test_listen_any(void **state)
{
    (void)state;
    static const struct {
        const char *bind;
        int family, dual_stack;
    } cases[] = {
        {"0.0.0.0", AF_INET, 0},
        {"::", AF_INET6, 1},
        {NULL, AF_INET6, 1},
    };
    int v6 = th_have_ipv6();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (!v6 && cases[i].family == AF_INET6 && cases[i].bind)
            continue;
        struct sock_listener l[4];
        char err[SOCK_ERR_LEN] = "x";
        int n = sock_listen_all(cases[i].bind, 0, 16, l, 4, err);
        if (n != 1)
            fail_msg("listen on %s: %d listeners, %s", cases[i].bind ? cases[i].bind : "(default)", n, err);
        assert_string_equal(err, "");
        assert_true(l[0].any);
        assert_nonblocking_cloexec(l[0].fd);
        uint16_t port = sock_addr_port((const struct sockaddr *)&l[0].addr);
        assert_int_not_equal(port, 0);
        if (!v6) { /* the default falls back to IPv4 */
            assert_int_equal(l[0].addr.ss_family, AF_INET);
            assert_false(l[0].dual_stack);
        } else {
            assert_int_equal(l[0].addr.ss_family, cases[i].family);
            assert_int_equal(l[0].dual_stack, cases[i].dual_stack);
            assert_int_equal(accepts("::1", port), cases[i].family == AF_INET6);
        }
        assert_true(accepts("127.0.0.1", port));
        close(l[0].fd);
    }
}

/* A listening TCP socket on 127.0.0.<host>:port (it keeps the port taken
 * there). */
static int take_port(unsigned host, uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
    sa.sin_addr.s_addr = htonl(0x7F000000u | host);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0)
        return -1;
    return fd;
}

/* The child of test_listen_port0_retry, in a network namespace and with an
 * /etc/hosts of its own: 0 when all went as it should, 77 when it cannot
 * have them (not root), else the number of the check that failed. */
static int port0_retry_child(const char *hosts)
{
    if (unshare(CLONE_NEWNET) < 0 || th_own_etc_hosts(hosts) < 0)
        return 77;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        return 77;
    ifr.ifr_flags = (short)(ifr.ifr_flags | IFF_UP);
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        return 77;
    close(s);
    /* Two ephemeral ports, 40000 and 40001. */
    int f = open("/proc/sys/net/ipv4/ip_local_port_range", O_WRONLY | O_CLOEXEC);
    if (f < 0 || write(f, "40000 40001", 11) != 11 || close(f) < 0)
        return 77;
    int before = th_open_fds();
    struct sock_listener l[4];
    char err[SOCK_ERR_LEN];
    if (sock_listen_all("two", 0, 16, l, 4, err) != 2)
        return 1;
    uint16_t port = sock_addr_port((struct sockaddr *)&l[0].addr);
    if ((port != 40000 && port != 40001) || sock_addr_port((struct sockaddr *)&l[1].addr) != port)
        return 2;
    close(l[0].fd);
    close(l[1].fd);
    /* Both taken on 127.0.0.2: whichever port 127.0.0.1 gets, 127.0.0.2
     * cannot have it; every try fails, and nothing is left open. */
    if (take_port(2, 40000) < 0 || take_port(2, 40001) < 0)
        return 3;
    errno = 0;
    if (sock_listen_all("two", 0, 16, l, 4, err) != -1 || errno != EADDRINUSE || !strstr(err, "no port is free on every address of two (16 tries; the last, 127.0.0.2:4000"))
        return 4;
    if (th_open_fds() != before + 2)
        return 5;
    return 0;
}

/* --port 0 on a name with two addresses: both get the port the kernel
 * gives the first. When that port is taken on the second, sock_listen_all
 * tries again (a different port, on a machine with more than two); when
 * every try fails, it says so and leaves nothing open. Root only
 * (a network namespace with two ephemeral ports, and an /etc/hosts with
 * "two": 127.0.0.1 and 127.0.0.2). */
static void test_listen_port0_retry(void **state)
{
    (void)state;
    char dir[] = "/tmp/ttt-sock-hosts.XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/hosts", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("127.0.0.1 two\n127.0.0.2 two\n", f);
    assert_int_equal(fclose(f), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(port0_retry_child(path));
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    unlink(path);
    rmdir(dir);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        print_message("skipped: no network namespace and /etc/hosts of our own (needs root)\n");
        skip();
    }
    if (WEXITSTATUS(status) != 0)
        fail_msg("check %d of the port 0 retry failed", WEXITSTATUS(status));
}

/* A name with several addresses gets a listener on each, on one port. */
static void test_listen_every_address_of_a_name(void **state)
{
    (void)state;
    /* What localhost resolves to here (/etc/hosts): distinct addresses. */
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    assert_int_equal(getaddrinfo("localhost", "0", &hints, &res), 0);
    char want[8][SOCK_ADDR_LEN];
    int nwant = 0;
    for (const struct addrinfo *ai = res; ai && nwant < 8; ai = ai->ai_next) {
        if (ai->ai_family == AF_INET6 && !th_have_ipv6())
            continue; /* left out: not on this machine */
        char text[SOCK_ADDR_LEN];
        sock_format_addr(ai->ai_addr, text, sizeof text);
        int dup = 0;
        for (int i = 0; i < nwant; i++)
            dup |= !strcmp(want[i], text);
        if (!dup)
            snprintf(want[nwant++], sizeof want[0], "%s", text);
    }
    freeaddrinfo(res);
    assert_true(nwant >= 1);

    struct sock_listener l[8];
    char err[SOCK_ERR_LEN] = "";
    int n = sock_listen_all("localhost", 0, 16, l, 8, err);
    if (n < 0)
        fail_msg("listen on localhost: %s", err);
    assert_int_equal(n, nwant);
    uint16_t port = sock_addr_port((const struct sockaddr *)&l[0].addr);
    for (int i = 0; i < n; i++) {
        assert_false(l[i].any);
        assert_int_equal(sock_addr_port((const struct sockaddr *)&l[i].addr), port);
        /* Each listener is on its own address, in the order of the lookup. */
        char text[SOCK_ADDR_LEN], expect[SOCK_ADDR_LEN + 8];
        sock_format_addr((const struct sockaddr *)&l[i].addr, text, sizeof text);
        snprintf(expect, sizeof expect, "%.*s%u", (int)(strrchr(want[i], ':') + 1 - want[i]), want[i],
                 (unsigned)port);
        assert_string_equal(text, expect);
        char host[SOCK_ADDR_LEN];
        assert_int_equal(sock_split_hostport(text, host, sizeof host, &port, err), 0);
        int c = connect_to(host, port);
        accept_one(l[i].fd, text[0] == '[' ? "[" : host);
        close(c);
    }
    /* Room for one: the first address only (sock_listen). */
    for (int i = 0; i < n; i++)
        close(l[i].fd);
    assert_int_equal(sock_listen_all("localhost", 0, 16, l, 1, err), 1);
    char text[SOCK_ADDR_LEN];
    sock_format_addr((const struct sockaddr *)&l[0].addr, text, sizeof text);
    assert_int_equal(strncmp(text, want[0], (size_t)(strrchr(want[0], ':') - want[0])), 0);
    close(l[0].fd);
}

static void test_split_hostport(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int ok;
        const char *host;
        uint16_t port;
    } cases[] = {
        {"example.org", 1, "example.org", SOCK_DEFAULT_PORT},
        {"example.org:80", 1, "example.org", 80},
        {"10.0.0.7:65535", 1, "10.0.0.7", 65535},
        {"10.0.0.7:1", 1, "10.0.0.7", 1},
        {"10.0.0.7", 1, "10.0.0.7", SOCK_DEFAULT_PORT},
        {"[::1]:8080", 1, "::1", 8080},
        {"[fe80::1%eth0]:9", 1, "fe80::1%eth0", 9},
        {"[2001:db8::2]", 1, "2001:db8::2", SOCK_DEFAULT_PORT},
        {"::1", 1, "::1", SOCK_DEFAULT_PORT},
        {"2001:db8::2", 1, "2001:db8::2", SOCK_DEFAULT_PORT},
        {"host:0", 0, NULL, 0},
        {"host:65536", 0, NULL, 0},
        {"host:99999999999999999999", 0, NULL, 0},
        {"host:", 0, NULL, 0},
        {"host:-1", 0, NULL, 0},
        {"host:+80", 0, NULL, 0},
        {"host:80x", 0, NULL, 0},
        {"host: 80", 0, NULL, 0},
        {":80", 0, NULL, 0},
        {"", 0, NULL, 0},
        {"[::1", 0, NULL, 0},
        {"[::1]x", 0, NULL, 0},
        {"[::1]:", 0, NULL, 0},
        {"[::1]:0", 0, NULL, 0},
        {"[]:80", 0, NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char host[64];
        strcpy(host, "untouched");
        uint16_t port = 4242;
        char err[SOCK_ERR_LEN] = "";
        int rc = sock_split_hostport(cases[i].text, host, sizeof host, &port, err);
        if (cases[i].ok) {
            if (rc != 0)
                fail_msg("\"%s\" refused: %s", cases[i].text, err);
            assert_string_equal(host, cases[i].host);
            assert_int_equal(port, cases[i].port);
        } else {
            if (rc != -1)
                fail_msg("\"%s\" accepted", cases[i].text);
            assert_true(err[0] != '\0');
            assert_int_equal(port, 4242);
        }
    }
    /* A host that does not fit the buffer is an error, not a truncation. */
    char tiny[4];
    uint16_t port;
    char err[SOCK_ERR_LEN] = "";
    assert_int_equal(sock_split_hostport("abcd:80", tiny, sizeof tiny, &port, err), -1);
    assert_int_equal(sock_split_hostport("abc:80", tiny, sizeof tiny, &port, err), 0);
    assert_string_equal(tiny, "abc");
    /* The port error names the bad port. */
    assert_int_equal(sock_split_hostport("h:70000", tiny, sizeof tiny, &port, err), -1);
    assert_non_null(strstr(err, "70000"));
}

static void test_connect_refused(void **state)
{
    (void)state;
    /* A bound socket that does not listen: its port refuses connections,
     * and nobody else can take it while we hold it. */
    int hold = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(hold >= 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(hold, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t len = sizeof sa;
    assert_int_equal(getsockname(hold, (struct sockaddr *)&sa, &len), 0);
    uint16_t port = ntohs(sa.sin_port);

    char err[SOCK_ERR_LEN] = "";
    int fd = sock_connect_start("127.0.0.1", port, err);
    if (fd >= 0) {
        wait_writable(fd);
        assert_int_equal(sock_connect_result(fd, err), -1);
        assert_int_equal(errno, ECONNREFUSED);
        close(fd);
    }
    assert_string_equal(err, "connection refused");

    /* One address given as such: the same refusal. */
    strcpy(err, "");
    fd = sock_connect_addr((const struct sockaddr *)&sa, sizeof sa, err);
    if (fd >= 0) {
        assert_nonblocking_cloexec(fd);
        wait_writable(fd);
        assert_int_equal(sock_connect_result(fd, err), -1);
        assert_int_equal(errno, ECONNREFUSED);
        close(fd);
    }
    assert_string_equal(err, "connection refused");
    close(hold);
}

static void test_connect_unknown_host(void **state)
{
    (void)state;
    char err[SOCK_ERR_LEN] = "";
    assert_int_equal(sock_connect_start("no-such-host.invalid", 7777, err), -1);
    /* Without a reachable resolver the lookup cannot be answered at all. */
    if (strncmp(err, "cannot look up no-such-host.invalid: ", 37) == 0) {
        print_message("no DNS resolver answers here (%s): skipped\n", err);
        skip();
    }
    assert_string_equal(err, "no such host: no-such-host.invalid");
    assert_int_equal(errno, SOCK_ENOHOST); /* a name that does not exist, told from a lookup that failed */
}

static void test_format_addr(void **state)
{
    (void)state;
    char out[SOCK_ADDR_LEN];
    struct sockaddr_in in;
    memset(&in, 0, sizeof in);
    in.sin_family = AF_INET;
    in.sin_port = htons(7777);
    assert_int_equal(inet_pton(AF_INET, "192.168.1.20", &in.sin_addr), 1);
    sock_format_addr((struct sockaddr *)&in, out, sizeof out);
    assert_string_equal(out, "192.168.1.20:7777");
    struct sockaddr_in6 in6;
    memset(&in6, 0, sizeof in6);
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(1);
    assert_int_equal(inet_pton(AF_INET6, "2001:db8::5", &in6.sin6_addr), 1);
    sock_format_addr((struct sockaddr *)&in6, out, sizeof out);
    assert_string_equal(out, "[2001:db8::5]:1");
    assert_int_equal(inet_pton(AF_INET6, "::ffff:10.1.2.3", &in6.sin6_addr), 1);
    sock_format_addr((struct sockaddr *)&in6, out, sizeof out);
    assert_string_equal(out, "10.1.2.3:1");
    /* The longest IPv6 text with a port fits SOCK_ADDR_LEN. */
    assert_int_equal(inet_pton(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", &in6.sin6_addr), 1);
    in6.sin6_port = htons(65535);
    sock_format_addr((struct sockaddr *)&in6, out, sizeof out);
    assert_string_equal(out, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe]:65535");
    /* A zone: the interface's name, or its number when it has none. */
    assert_int_equal(inet_pton(AF_INET6, "fe80::1", &in6.sin6_addr), 1);
    in6.sin6_port = htons(9);
    in6.sin6_scope_id = if_nametoindex("lo");
    assert_int_not_equal(in6.sin6_scope_id, 0);
    sock_format_addr((struct sockaddr *)&in6, out, sizeof out);
    assert_string_equal(out, "[fe80::1%lo]:9");
    in6.sin6_scope_id = 999999;
    sock_format_addr((struct sockaddr *)&in6, out, sizeof out);
    assert_string_equal(out, "[fe80::1%999999]:9");
    /* The longest link-local address with a zone fits too. */
    assert_int_equal(inet_pton(AF_INET6, "fe80::ffff:ffff:ffff:ffff", &in6.sin6_addr), 1);
    in6.sin6_port = htons(65535);
    in6.sin6_scope_id = 4294967295u;
    sock_format_addr((struct sockaddr *)&in6, out, sizeof out);
    assert_string_equal(out, "[fe80::ffff:ffff:ffff:ffff%4294967295]:65535");
    /* Not IPv4 or IPv6. */
    struct sockaddr other = { .sa_family = AF_UNIX };
    sock_format_addr(&other, out, sizeof out);
    assert_non_null(strstr(out, "address family"));
}

static void test_local_addrs(void **state)
{
    (void)state;
    struct sock_local_addr addrs[64];
    int n = sock_local_addrs(4321, AF_UNSPEC, addrs, 64);
    assert_true(n >= 1);
    assert_true(addrs[n - 1].is_loopback);
    int seen_loopback = 0, seen_127 = 0;
    for (int i = 0; i < n; i++) {
        const char *colon = strrchr(addrs[i].text, ':');
        assert_non_null(colon);
        assert_string_equal(colon, ":4321");
        if (addrs[i].is_loopback)
            seen_loopback = 1;
        else
            assert_false(seen_loopback); /* loopback ones come last */
        if (strcmp(addrs[i].text, "127.0.0.1:4321") == 0) {
            seen_127 = 1;
            assert_false(addrs[i].is_private);
        }
        if (addrs[i].text[0] == '[') {
            assert_non_null(strstr(addrs[i].text, "]:"));
            assert_null(strstr(addrs[i].text, "[fe80:")); /* link-local left out */
        }
        assert_null(strstr(addrs[i].text, "169.254."));
        if (strncmp(addrs[i].text, "10.", 3) == 0 || strncmp(addrs[i].text, "192.168.", 8) == 0)
            assert_true(addrs[i].is_private);
    }
    assert_true(seen_127);
    /* By family: the IPv4 ones and the IPv6 ones make the whole list. */
    struct sock_local_addr v4[64], v6[64];
    int n4 = sock_local_addrs(4321, AF_INET, v4, 64);
    int n6 = sock_local_addrs(4321, AF_INET6, v6, 64);
    assert_int_equal(n4 + n6, n);
    for (int i = 0; i < n4; i++)
        assert_true(v4[i].text[0] != '[');
    for (int i = 0; i < n6; i++)
        assert_true(v6[i].text[0] == '[');
    assert_true(n4 >= 1);
    /* max bounds the count. */
    assert_int_equal(sock_local_addrs(4321, AF_UNSPEC, addrs, 1), 1);
    assert_int_equal(sock_local_addrs(4321, AF_UNSPEC, addrs, 0), 0);
    /* One address described alone. */
    struct sockaddr_in in;
    memset(&in, 0, sizeof in);
    in.sin_family = AF_INET;
    in.sin_port = htons(5);
    assert_int_equal(inet_pton(AF_INET, "10.9.8.7", &in.sin_addr), 1);
    struct sock_local_addr one;
    sock_describe_addr((const struct sockaddr *)&in, &one);
    assert_string_equal(one.text, "10.9.8.7:5");
    assert_true(one.is_private);
    assert_false(one.is_loopback);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listen_v4_loopback),
        cmocka_unit_test(test_listen_v6_loopback),
        cmocka_unit_test(test_listen_dual_stack),
        cmocka_unit_test(test_accept_eagain),
        cmocka_unit_test(test_port_in_use),
        cmocka_unit_test(test_listen_bad_address),
        cmocka_unit_test(test_listen_link_local),
        cmocka_unit_test(test_listen_any),
        cmocka_unit_test(test_listen_every_address_of_a_name),
        cmocka_unit_test(test_listen_port0_retry),
        cmocka_unit_test(test_split_hostport),
        cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_connect_unknown_host),
        cmocka_unit_test(test_format_addr),
        cmocka_unit_test(test_local_addrs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
