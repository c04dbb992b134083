/* SPDX-License-Identifier: MIT */
/* main.c: tttd's start and end: options, the file limit, signals (through a
 * signalfd, so they are just another event: SIGINT and SIGTERM shut down,
 * SIGHUP reopens the record file, SIGUSR1 logs the stats), the listening
 * sockets (one per address of --bind), the addresses players can use
 * (exactly those that accept connections), the record file, the loop, and
 * the graceful shutdown (abort live games, SHUTTING_DOWN to everyone, exit
 * 0). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dispatch.h"
#include "log.h"
#include "record.h"
#include "responder.h"
#include "server.h"

#define FD_RESERVE 64u          /* listener, signalfd, epoll, record, stdio, ... */
#define LINGER_RESERVE CONN_LINGER_EXTRA_MAX /* refused connections that linger (conn.h) */
#define SHUTDOWN_MAX_MS (CONN_LINGER_MS + 1000u) /* the linger, plus a margin */
#define MAX_ADDRS 64

/* Make room for max_clients descriptors; lowers max_clients (saying so)
 * when the system will not allow that many. Returns the descriptor limit. */
static uint32_t raise_nofile(struct options *o)
{
    struct rlimit rl;
    uint64_t need = (uint64_t)o->max_clients + FD_RESERVE + LINGER_RESERVE;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
        log_error("getrlimit: %s", strerror(errno));
        return 1024;
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
        struct rlimit want = rl;
        want.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max;
        if (want.rlim_max != RLIM_INFINITY && want.rlim_max < need) {
            struct rlimit both = { need, need }; /* root may raise the hard limit too */
            if (setrlimit(RLIMIT_NOFILE, &both) == 0)
                want = both;
        }
        if (setrlimit(RLIMIT_NOFILE, &want) == 0 || getrlimit(RLIMIT_NOFILE, &want) == 0)
            rl = want;
        if (rl.rlim_cur < need) {
            uint64_t fit = rl.rlim_cur > FD_RESERVE + LINGER_RESERVE + 1 ? rl.rlim_cur - FD_RESERVE - LINGER_RESERVE : 1;
            log_error("the system allows only %llu open files (ulimit -n; hard limit %llu): serving at most "
                      "%llu clients instead of %u; raise the limit (as root, or in limits.conf) for more",
                      (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max,
                      (unsigned long long)fit, (unsigned)o->max_clients);
            o->max_clients = (uint32_t)fit;
        }
    }
    uint64_t limit = rl.rlim_cur == RLIM_INFINITY ? need : rl.rlim_cur;
    if (limit > need)
        limit = need;
    return (uint32_t)limit;
}

/* Print where players can reach us, flushed at once: for a listener on
 * 0.0.0.0 or :: the addresses of this machine in its families (both for a
 * dual-stack one), for any other its own address. */
static void publish(const struct server *srv)
{
    uint16_t port = srv->port;
    printf("listening on port %u\n", (unsigned)port);
    struct sock_local_addr addrs[MAX_ADDRS];
    int n = 0, any = 0, unlisted = 0;
    for (int i = 0; i < srv->nlisteners && n < MAX_ADDRS; i++) {
        const struct sock_listener *l = &srv->listeners[i];
        if (!l->any) {
            sock_describe_addr((const struct sockaddr *)&l->addr, &addrs[n++]);
            continue;
        }
        any = 1;
        int family = l->dual_stack ? AF_UNSPEC : l->addr.ss_family;
        int k = sock_local_addrs(port, family, addrs + n, MAX_ADDRS - n);
        if (k < 0)
            unlisted = 1;
        else
            n += k;
    }
    /* Loopback (this machine only) last, whichever listener it came from. */
    int public = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < n; i++) {
            if ((addrs[i].is_loopback != 0) != pass)
                continue;
            printf("%s\n", addrs[i].text);
            if (!addrs[i].is_loopback && !addrs[i].is_private)
                public = 1;
        }
    if (unlisted)
        printf("(could not list this machine's addresses)\n");
    if (any && !public)
        printf("note: none of these addresses is public: players outside this network need port "
               "forwarding of TCP port %u to this machine\n",
               (unsigned)port);
    fflush(stdout);
}

/* Stop listening: close every listening socket (watched by the loop, if
 * there is one). A second call does nothing. */
static void close_listeners(struct server *srv)
{
    for (int i = 0; i < srv->nlisteners; i++) {
        struct sock_listener *l = &srv->listeners[i];
        if (l->fd < 0)
            continue;
        if (srv->loop)
            loop_del_fd(srv->loop, l->fd);
        close(l->fd);
        l->fd = -1;
    }
}

static void begin_shutdown(struct server *srv, const char *why)
{
    if (srv->shutting_down) {
        log_info("second signal: exiting now");
        loop_stop(srv->loop);
        return;
    }
    srv->shutting_down = 1;
    log_info("shutting down (%s): ending %u live games", why, (unsigned)srv->games.nlive);
    close_listeners(srv);
    responder_stop(srv);
    dispatch_shutdown(srv);
    (void)loop_timer_at(srv->loop, &srv->shutdown_timer, loop_now_ms(srv->loop) + SHUTDOWN_MAX_MS);
    if (!srv->conns.n)
        loop_stop(srv->loop);
}

/* SIGUSR1: one line of what the server holds and has done. */
static void log_stats(const struct server *srv)
{
    char conns[512];
    uint64_t up = (loop_now_ms(srv->loop) - srv->started_ms) / 1000u;
    log_info("stats: %s; %u games live, %llu finished; %u queued, %u rooms open; up %llud %02llu:%02llu:%02llu",
             conn_stats_text(&srv->conns, conns, sizeof conns), (unsigned)srv->games.nlive,
             (unsigned long long)srv->games.finished, (unsigned)srv->lobby.nqueued, (unsigned)srv->lobby.nrooms,
             (unsigned long long)(up / 86400u), (unsigned long long)(up / 3600u % 24u),
             (unsigned long long)(up / 60u % 60u), (unsigned long long)(up % 60u));
}

/* SIGHUP: the record file anew (logrotate moved it); never an exit. */
static void reopen_record(struct server *srv)
{
    if (srv->record)
        (void)record_reopen(srv->record);
    else
        log_info("SIGHUP: no --record file to reopen");
}

static void on_signal(struct loop *loop, int fd, void *ctx, unsigned events)
{
    struct server *srv = ctx;
    struct signalfd_siginfo si;
    (void)loop;
    (void)events;
    for (;;) {
        ssize_t n = read(fd, &si, sizeof si);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != (ssize_t)sizeof si)
            return;
        if (si.ssi_signo == SIGHUP)
            reopen_record(srv);
        else if (si.ssi_signo == SIGUSR1)
            log_stats(srv);
        else
            begin_shutdown(srv, si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
    }
}

static void shutdown_expired(struct loop *loop, void *ctx)
{
    (void)ctx;
    loop_stop(loop);
}

static void retry_record(struct loop *loop, void *ctx)
{
    struct server *srv = ctx;
    record_retry(srv->record);
    (void)loop_timer_at(loop, &srv->record_timer, loop_now_ms(loop) + 1000u);
}

/* The loop's before-sleep hook: what the connections staged leaves, the
 * closed ones are freed; once shutting down and none is left, stop. */
static void before_sleep(struct loop *loop, void *ctx)
{
    struct server *srv = ctx;
    conn_pool_flush(&srv->conns);
    if (srv->shutting_down && !srv->conns.n)
        loop_stop(loop);
}

/* Block the signals tttd handles and open the signalfd that delivers them;
 * before any thread starts, so that the threads inherit the mask and never
 * take them. 0, or -1 (said on stderr). */
static int take_signals(struct server *srv)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);
    sigaddset(&mask, SIGUSR1);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ||
        (srv->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
        log_fatal("cannot set up signal handling: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Open the listeners and the record file. 0, or -1 (said on stderr). */
static int open_files(struct server *srv)
{
    char err[SOCK_ERR_LEN];
    srv->nlisteners = sock_listen_all(srv->opt.bind, srv->opt.port, SOMAXCONN, srv->listeners,
                                      SERVER_MAX_LISTEN, err);
    if (srv->nlisteners < 0) {
        srv->nlisteners = 0;
        log_fatal("%s", err);
        return -1;
    }
    if (err[0]) /* an address of the name left out: the operator must hear it, even --quiet */
        log_error("%s", err);
    srv->port = sock_addr_port((const struct sockaddr *)&srv->listeners[0].addr);
    if (srv->opt.record && !(srv->record = record_open(srv->opt.record, err, sizeof err))) {
        log_fatal("%s", err);
        return -1;
    }
    return 0;
}

/* The loop, the lobby and the games, and every descriptor watched. 0, or
 * -1 (said on stderr). */
static int start_loop(struct server *srv, uint32_t max_fds)
{
    const struct options *o = &srv->opt;
    if (!(srv->loop = loop_new((int)max_fds))) {
        log_fatal("cannot start the event loop: %s", strerror(errno));
        return -1;
    }
    if (dispatch_init(srv) < 0 || games_init(&srv->games, srv->loop, o, srv->record) < 0 ||
        lobby_init(&srv->lobby, &srv->games, srv->loop, o->max_clients, o->room_s) < 0) {
        log_fatal("out of memory for the games and rooms");
        return -1;
    }
    for (int i = 0; i < srv->nlisteners; i++) {
        if (loop_add_fd(srv->loop, srv->listeners[i].fd, LOOP_READABLE, conn_accept_ready, &srv->conns) < 0) {
            log_fatal("cannot watch the listening socket: %s", strerror(errno));
            return -1;
        }
    }
    if (loop_add_fd(srv->loop, srv->signal_fd, LOOP_READABLE, on_signal, srv) < 0) {
        log_fatal("cannot watch the signals: %s", strerror(errno));
        return -1;
    }
    loop_set_before_sleep(srv->loop, before_sleep, srv);
    loop_timer_init(&srv->shutdown_timer, shutdown_expired, srv);
    loop_timer_init(&srv->record_timer, retry_record, srv);
    if (srv->record)
        (void)loop_timer_at(srv->loop, &srv->record_timer, loop_now_ms(srv->loop) + 1000u);
    srv->started_ms = loop_now_ms(srv->loop);
    responder_start(srv); /* without discovery, when it cannot: it warns */
    return 0;
}

/* Serve until shut down. 0, or -1 when the loop failed. */
static int serve(struct server *srv)
{
    const struct options *o = &srv->opt;
    publish(srv);
    char per_ip[40] = "";
    if (o->max_per_ip)
        snprintf(per_ip, sizeof per_ip, " (%u per address)", (unsigned)o->max_per_ip);
    log_info("tttd ready: port %u, up to %u clients%s, turn %u s, grace %u s, hello %u s, idle %u s, rooms %u s%s%s%s",
             (unsigned)srv->port, (unsigned)o->max_clients, per_ip, (unsigned)o->turn_s, (unsigned)o->grace_s,
             (unsigned)o->hello_timeout_s, (unsigned)o->idle_timeout_s, (unsigned)o->room_s,
             o->public_rooms ? ", rooms' games public" : "", srv->record ? ", recording to " : "",
             srv->record ? o->record : "");
    if (loop_run(srv->loop) < 0) {
        log_error("event loop failed: %s", strerror(errno));
        return -1;
    }
    log_info("bye");
    return 0;
}

/* Close whatever is still open and free everything (after serve(), or
 * after a failed start). */
static void stop(struct server *srv)
{
    if (srv->loop) {
        /* Whatever still lingers is closed now. */
        game_abort_all(&srv->games);
        conn_pool_close_all(&srv->conns, "server exiting");
        loop_timer_cancel(srv->loop, &srv->record_timer);
        loop_timer_cancel(srv->loop, &srv->shutdown_timer);
    }
    games_free(&srv->games);
    lobby_free(&srv->lobby);
    conn_pool_free(&srv->conns);
    record_close(srv->record);
    close_listeners(srv);
    responder_stop(srv);
    if (srv->loop)
        loop_free(srv->loop);
    if (srv->signal_fd >= 0)
        close(srv->signal_fd);
    log_stop();
}

int main(int argc, char **argv)
{
    static struct server srv; /* large (the listeners); zeroed */
    srv.signal_fd = -1;
    char err[SOCK_ERR_LEN];
    int r = options_parse(argc, argv, &srv.opt, err, sizeof err);
    if (r == OPTIONS_EXIT_OK)
        return 0;
    if (r == OPTIONS_BAD) {
        log_fatal("%s", err);
        return 2;
    }
    log_set_level(srv.opt.log_level);
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
        log_fatal("cannot ignore SIGPIPE: %s", strerror(errno));
        return 1;
    }
    uint32_t max_fds = raise_nofile(&srv.opt);
    if (take_signals(&srv) < 0)
        return 1;
    /* Log lines leave through a writer thread, so that a stderr nobody reads
     * cannot stall the loop (it inherits the blocked signals too). */
    if (log_start() < 0)
        log_error("no log writer thread (%s): logging straight to stderr", strerror(errno));
    int status = 1;
    if (open_files(&srv) == 0 && start_loop(&srv, max_fds) == 0 && serve(&srv) == 0)
        status = 0;
    stop(&srv);
    return status;
}
