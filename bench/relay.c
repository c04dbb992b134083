/* SPDX-License-Identifier: MIT */
/* relay.c: bench_relay, the machine's floor for bench/run. A bare epoll relay:
 * it accepts connections, pairs them in arrival order, and forwards whatever
 * one socket of a pair sends to the other, and does nothing else. It uses the
 * same listening socket, accept (non-blocking, TCP_NODELAY), read size,
 * epoll batch and send flags as tttd, so the two differ only in what tttd
 * does per message. bench_relay_drive is its load generator.
 *
 * Usage: bench_relay [--bind ADDR] [--port N]   (default 127.0.0.1, port 0)
 * Prints "listening on port N" (flushed), then runs until killed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock.h"

#define MAX_EVENTS 256  /* as net/loop.c */
#define READ_CHUNK 4096 /* as tttd's CONN_READ_CHUNK */

static int epfd = -1;
static int *peer;       /* peer[fd]: the paired fd, or -1 */
static size_t npeer;
static int waiting = -1; /* accepted, not yet paired (not watched) */

static void die(const char *what)
{
    fprintf(stderr, "bench_relay: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Close fd and its pair; their epoll registrations go with them. */
static void close_pair(int fd)
{
    int other = peer[fd];
    peer[fd] = -1;
    if (close(fd) < 0)
        die("close");
    if (other >= 0) {
        peer[other] = -1;
        if (close(other) < 0)
            die("close");
    }
}

static void watch(int fd)
{
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
        die("epoll_ctl");
}

/* Accept every waiting connection; each second one completes a pair, and
 * only then are both watched (so nothing is read before it can go on). */
static void accept_all(int lfd)
{
    char err[SOCK_ERR_LEN];
    for (;;) {
        int fd = sock_accept(lfd, NULL, 0, err);
        if (fd < 0) {
            if (errno != EAGAIN)
                fprintf(stderr, "bench_relay: %s\n", err);
            return;
        }
        if ((size_t)fd >= npeer) {
            fprintf(stderr, "bench_relay: descriptor %d over the limit\n", fd);
            if (close(fd) < 0)
                die("close");
            continue;
        }
        if (waiting < 0) {
            waiting = fd;
            continue;
        }
        peer[fd] = waiting;
        peer[waiting] = fd;
        watch(waiting);
        watch(fd);
        waiting = -1;
    }
}

/* One read, forwarded whole to the pair. One message is in flight per pair,
 * so the pair's send buffer always has room: a short send closes the pair. */
static void forward(int fd)
{
    if (peer[fd] < 0)
        return; /* a stale event for a pair closed earlier in this batch */
    char buf[READ_CHUNK];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0 || send(peer[fd], buf, (size_t)n, MSG_NOSIGNAL) != n)
        close_pair(fd);
}

int main(int argc, char **argv)
{
    const char *bind_addr = "127.0.0.1";
    unsigned long port = 0;
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        if (!strcmp(argv[i], "--bind") && i + 1 < argc)
            bind_addr = argv[++i];
        else if (!strcmp(argv[i], "--port") && i + 1 < argc &&
                 (port = strtoul(argv[++i], &end, 10)) <= 65535 && *end == '\0')
            continue;
        else {
            fprintf(stderr, "usage: bench_relay [--bind ADDR] [--port N]\n");
            return 2;
        }
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        die("getrlimit");
    npeer = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (1u << 24) ? 1u << 24 : (size_t)rl.rlim_cur;
    if (!(peer = malloc(npeer * sizeof *peer)))
        die("malloc");
    memset(peer, 0xff, npeer * sizeof *peer); /* every entry -1 */

    char err[SOCK_ERR_LEN];
    uint16_t bound = 0;
    int lfd = sock_listen(bind_addr, (uint16_t)port, SOMAXCONN, &bound, err);
    if (lfd < 0) {
        fprintf(stderr, "bench_relay: %s\n", err);
        return 1;
    }
    if ((epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
        die("epoll_create1");
    watch(lfd);
    printf("listening on port %u\n", (unsigned)bound);
    if (fflush(stdout) != 0)
        die("stdout");

    struct epoll_event ev[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(epfd, ev, MAX_EVENTS, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("epoll_wait");
        for (int i = 0; i < n; i++) {
            if (ev[i].data.fd == lfd)
                accept_all(lfd);
            else
                forward(ev[i].data.fd);
        }
    }
}
