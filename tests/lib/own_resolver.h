/* SPDX-License-Identifier: MIT */
/* own_resolver.h: give this process a network and a name service of its
 * own, for tests of host lookups: a network namespace with only loopback,
 * an /etc/hosts with the test's lines, and an /etc/resolv.conf naming a DNS
 * stub on 127.0.0.1:53 that answers "no such name" (NXDOMAIN) to every
 * question, except those for names that begin with "silent", which it
 * never answers (a DNS server that is down: a lookup waits out the
 * resolver's timeout). Root only (CAP_SYS_ADMIN). Header only, beside
 * own_hosts.h. */
#ifndef TTT_TEST_OWN_RESOLVER_H
#define TTT_TEST_OWN_RESOLVER_H

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "own_hosts.h"

/* Bring the loopback interface of this network namespace up. 0 or -1. */
static inline int th_loopback_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags = (short)(ifr.ifr_flags | IFF_UP);
        rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
    return rc;
}

/* Answer one DNS question in q[0..n) with NXDOMAIN into a[]: its length,
 * or 0 to stay silent (a "silent..." name, or not a question). */
static inline size_t th_dns_answer(const unsigned char *q, size_t n, unsigned char *a)
{
    size_t at = 12;
    if (n < 12 + 5 || (q[2] & 0x80) || q[4] != 0 || q[5] != 1)
        return 0;
    if (q[12] >= 6 && 13 + 6 <= n && !memcmp(q + 13, "silent", 6))
        return 0;
    while (at < n && q[at] != 0)
        at += (size_t)q[at] + 1;
    at += 1 + 4; /* the root label, type and class */
    if (at > n)
        return 0;
    memcpy(a, q, at);
    a[2] = (unsigned char)(0x80 | (q[2] & 0x79)); /* a response, opcode and RD kept */
    a[3] = 0x80 | 3;                              /* RA, NXDOMAIN */
    memset(a + 6, 0, 6);                          /* no answer, authority, additional */
    return at;
}

/* The DNS stub, in a child process that dies with this one. */
static inline int th_dns_stub(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(53)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0) {
        close(s);
        return 0;
    }
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (;;) {
        unsigned char q[512], a[512];
        struct sockaddr_storage from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(s, q, sizeof q, 0, (struct sockaddr *)&from, &len);
        size_t out = n > 0 ? th_dns_answer(q, (size_t)n, a) : 0;
        if (out)
            (void)sendto(s, a, out, 0, (struct sockaddr *)&from, len);
    }
}

/* Write `text` to dir/name; the path into path[cap]. 0 or -1. */
static inline int th_write_file(const char *dir, const char *name, const char *text, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* This process (and the children it makes from now on) gets its own
 * network, hosts_text as /etc/hosts and the DNS stub with `timeout_s` per
 * question (one attempt), the files written in `dir` (which must outlive
 * their use). 0, or -1 with errno (EPERM without the privilege). */
static inline int th_own_resolver(const char *dir, const char *hosts_text, int timeout_s)
{
    char hosts[256], conf[256], text[128];
    snprintf(text, sizeof text, "nameserver 127.0.0.1\nsearch test\noptions timeout:%d attempts:1\n", timeout_s);
    if (th_write_file(dir, "hosts", hosts_text, hosts, sizeof hosts) < 0 ||
        th_write_file(dir, "resolv.conf", text, conf, sizeof conf) < 0)
        return -1;
    if (unshare(CLONE_NEWNET) < 0 || th_loopback_up() < 0 || th_own_etc_hosts(hosts) < 0 ||
        mount(conf, "/etc/resolv.conf", "none", MS_BIND, NULL) < 0)
        return -1;
    return th_dns_stub();
}

/* Remove the files th_own_resolver wrote, and `dir`. */
static inline void th_own_resolver_remove(const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s/hosts", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/resolv.conf", dir);
    unlink(path);
    rmdir(dir);
}

#endif
