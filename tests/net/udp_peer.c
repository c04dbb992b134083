/* SPDX-License-Identifier: MIT */
/* udp_peer.c: the two ends of net/udp.c as a program, for udp_lan.sh to
 * run in two network namespaces.
 *   udp_peer serve PORT N SECONDS  N responders sharing PORT; each answers
 *                                  every datagram with "answer K" (K its
 *                                  number, 0..N-1) for SECONDS; prints
 *                                  "ready" once all are open.
 *   udp_peer query PORT MS         sends "query" to every query target of
 *                                  PORT and prints each answer that comes
 *                                  within MS milliseconds: "ADDR answer K".
 * Exits 0, or 1 with a line on stderr. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sock.h"
#include "udp.h"

#define PEERS_MAX 8

static int die(const char *what, const char *why)
{
    fprintf(stderr, "udp_peer: %s: %s\n", what, why);
    return 1;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for the fds of p[0..n) until `deadline`; for each datagram call
 * on(fd's number, datagram, sender). */
static int run_until(struct pollfd *p, int n, long long deadline,
                     void (*on)(int k, int fd, const char *d, ssize_t len, struct sockaddr_storage *from,
                                socklen_t fromlen))
{
    for (long long left; (left = deadline - now_ms()) > 0;) {
        int r = poll(p, (nfds_t)n, (int)left);
        if (r < 0 && errno != EINTR)
            return die("poll", strerror(errno));
        for (int i = 0; r > 0 && i < n; i++) {
            char buf[64];
            struct sockaddr_storage from;
            socklen_t fromlen;
            ssize_t len;
            if (!(p[i].revents & POLLIN))
                continue;
            while ((len = udp_recv(p[i].fd, buf, sizeof buf - 1, &from, &fromlen)) >= 0)
                on(i, p[i].fd, buf, len, &from, fromlen);
        }
    }
    return 0;
}

static void answer(int k, int fd, const char *d, ssize_t len, struct sockaddr_storage *from, socklen_t fromlen)
{
    char text[16];
    (void)d;
    (void)len;
    int n = snprintf(text, sizeof text, "answer %d", k / 2);
    if (udp_send(fd, text, (size_t)n, (struct sockaddr *)from, fromlen) < 0)
        fprintf(stderr, "udp_peer: cannot answer: %s\n", strerror(errno));
}

static void print_answer(int k, int fd, const char *d, ssize_t len, struct sockaddr_storage *from,
                         socklen_t fromlen)
{
    char addr[SOCK_ADDR_LEN];
    (void)k;
    (void)fd;
    (void)fromlen;
    sock_format_addr((struct sockaddr *)from, addr, sizeof addr);
    printf("%s %.*s\n", addr, (int)len, d);
}

static int serve(uint16_t port, int n, int seconds)
{
    struct udp_socks s[PEERS_MAX];
    struct pollfd p[2 * PEERS_MAX];
    char err[SOCK_ERR_LEN];
    for (int i = 0; i < n; i++) {
        if (udp_open_responder(port, &s[i], err) < 0)
            return die("responder", err);
        /* p[2i] and p[2i+1] are responder i's: answer() says i = k / 2. */
        p[2 * i] = (struct pollfd){.fd = s[i].fd4, .events = POLLIN};
        p[2 * i + 1] = (struct pollfd){.fd = s[i].fd6, .events = POLLIN};
    }
    printf("ready\n");
    fflush(stdout);
    return run_until(p, 2 * n, now_ms() + 1000LL * seconds, answer);
}

static int query(uint16_t port, int ms)
{
    struct udp_socks q;
    struct udp_target t[64];
    char err[SOCK_ERR_LEN];
    if (udp_open_querier(&q, err) < 0)
        return die("querier", err);
    int n = udp_query_targets(port, t, 64);
    if (n < 0)
        return die("interfaces", strerror(errno));
    int sent = udp_send_queries(&q, t, n, "query", 5, err);
    if (err[0])
        fprintf(stderr, "udp_peer: %s\n", err);
    fprintf(stderr, "udp_peer: %d of %d queries sent\n", sent, n);
    struct pollfd p[2] = {{.fd = q.fd4, .events = POLLIN}, {.fd = q.fd6, .events = POLLIN}};
    int rc = run_until(p, 2, now_ms() + ms, print_answer);
    udp_close(&q);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "serve") && atoi(argv[3]) >= 1 && atoi(argv[3]) <= PEERS_MAX)
        return serve((uint16_t)atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    if (argc == 4 && !strcmp(argv[1], "query"))
        return query((uint16_t)atoi(argv[2]), atoi(argv[3]));
    fprintf(stderr, "usage: udp_peer serve PORT N SECONDS | udp_peer query PORT MS\n");
    return 2;
}
