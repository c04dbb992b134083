/* SPDX-License-Identifier: MIT */
/* harness.c: the tttd integration-test harness (see harness.h): spawning,
 * signalling, reaping and cleaning up real tttd processes, running tttd for
 * its command line alone, and protocol clients (on loopback, or on any
 * address tttd prints) with timed frame reads and cmocka assertions that
 * report what actually arrived. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#ifndef TTTD_PATH
#error "TTTD_PATH must name the tttd binary (tests/server/CMakeLists.txt defines it)"
#endif

#define START_LIMIT_MS 10000
#define START_LIMIT_WRAPPED_MS 60000

/* ------------------------------------------------------------ time */

int64_t th_now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0) {
        fprintf(stderr, "harness: clock_gettime: %s\n", strerror(errno));
        abort();
    }
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ms_until(int64_t deadline)
{
    int64_t left = deadline - th_now_ms();
    if (left < 0)
        return 0;
    return left > 1000000 ? 1000000 : (int)left;
}

void th_sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* ------------------------------------------------- live server registry */

/* Servers started and not yet reaped, killed at exit if a test failed
 * half-way (cmocka longjmps out of the test, past its th_server_stop). */
#define REG_MAX 64
static struct {
    pid_t pid;
    char dir[256];
} reg[REG_MAX];
static int reg_hooked;

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char path[600];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            (void)unlink(path);
        }
        closedir(d);
    }
    (void)rmdir(dir);
}

static void reg_cleanup(void)
{
    for (int i = 0; i < REG_MAX; i++) {
        if (reg[i].pid > 0) {
            (void)kill(reg[i].pid, SIGKILL);
            (void)waitpid(reg[i].pid, NULL, 0);
            reg[i].pid = 0;
        }
        if (reg[i].dir[0]) {
            remove_dir(reg[i].dir);
            reg[i].dir[0] = '\0';
        }
    }
}

static void reg_add(pid_t pid, const char *dir)
{
    if (!reg_hooked) {
        if (atexit(reg_cleanup) != 0)
            fprintf(stderr, "harness: atexit failed: servers of failed tests may outlive the test\n");
        reg_hooked = 1;
    }
    for (int i = 0; i < REG_MAX; i++) {
        if (reg[i].pid == 0 && !reg[i].dir[0]) {
            reg[i].pid = pid;
            snprintf(reg[i].dir, sizeof reg[i].dir, "%s", dir);
            return;
        }
    }
}

static void reg_reaped(pid_t pid)
{
    for (int i = 0; i < REG_MAX; i++)
        if (reg[i].pid == pid)
            reg[i].pid = 0;
}

static void reg_dir_gone(const char *dir)
{
    for (int i = 0; i < REG_MAX; i++)
        if (reg[i].pid == 0 && !strcmp(reg[i].dir, dir))
            reg[i].dir[0] = '\0';
}

/* ---------------------------------------------------------- processes */

static int exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

/* Wait for `pid` up to timeout_ms; its exit code, or -1 on timeout
 * (the process is then still running) or error. */
static int wait_pid(pid_t pid, int timeout_ms, int *reaped)
{
    int64_t deadline = th_now_ms() + timeout_ms;
    *reaped = 0;
    for (;;) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            *reaped = 1;
            return exit_code(status);
        }
        if (r < 0 && errno != EINTR) {
            *reaped = 1; /* not our child any more: nothing to reap */
            return -1;
        }
        if (th_now_ms() >= deadline)
            return -1;
        th_sleep_ms(5);
    }
}

/* In the child after fork: die with the parent, default signal state,
 * stdin from /dev/null, stdout and stderr to the given descriptors, then
 * become tttd with argv. Never returns. */
int (*th_server_child_setup)(void);

static void exec_child(pid_t parent, const char *const *argv, int outfd, int errfd)
{
    sigset_t none;
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
    (void)signal(SIGPIPE, SIG_DFL);
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    int nullfd = open("/dev/null", O_RDONLY);
    if (nullfd < 0 || dup2(nullfd, 0) < 0 || dup2(outfd, 1) < 0 || dup2(errfd, 2) < 0)
        _exit(127);
    if (th_server_child_setup && th_server_child_setup() != 0)
        _exit(126);
    execvp(argv[0], (char *const *)argv);
    dprintf(2, "harness: exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

/* Split $TTT_SERVER_WRAPPER (copied into buf) into at most max words at
 * argv[0..); returns how many. */
static int wrapper_words(char *buf, size_t cap, const char **argv, int max)
{
    const char *w = getenv("TTT_SERVER_WRAPPER");
    int n = 0;
    if (!w || !*w)
        return 0;
    snprintf(buf, cap, "%s", w);
    char *save = NULL;
    for (char *word = strtok_r(buf, " \t", &save); word && n < max; word = strtok_r(NULL, " \t", &save))
        argv[n++] = word;
    return n;
}

int th_server_wrapped(void)
{
    const char *w = getenv("TTT_SERVER_WRAPPER");
    return w && *w;
}

/* How long th_server_stop waits: longer under a wrapper such as valgrind. */
static int stop_wait_ms(void)
{
    return th_server_wrapped() ? 30000 : 5000;
}

/* Fork and exec tttd with argv (argv[0] looked up in PATH), its stdout and stderr on outfd and errfd
 * (closed here, in the parent). Returns the child's pid or -1. */
static pid_t spawn(const char *const *argv, int outfd, int errfd)
{
    fflush(stdout);
    fflush(stderr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0)
        exec_child(parent, argv, outfd, errfd);
    close(outfd);
    close(errfd);
    return pid;
}

int th_server_start(struct th_server *s, const char *const *args)
{
    memset(s, 0, sizeof *s);
    s->pid = -1;
    s->out_fd = -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/tttd-test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(s->dir)) {
        fprintf(stderr, "harness: mkdtemp %s: %s\n", s->dir, strerror(errno));
        s->dir[0] = '\0';
        return -1;
    }
    snprintf(s->record_path, sizeof s->record_path, "%s/record.jsonl", s->dir);
    char errpath[300];
    snprintf(errpath, sizeof errpath, "%s/stderr.log", s->dir);

    const char *argv[64];
    char wrapper[512];
    int wrapped = wrapper_words(wrapper, sizeof wrapper, argv, 16);
    int argc = wrapped;
    argv[argc++] = TTTD_PATH;
    argv[argc++] = "--port";
    argv[argc++] = "0";
    int own_bind = 0, own_announce = 0, journal = 0;
    for (int i = 0; args && args[i]; i++) {
        journal |= !strcmp(args[i], TH_JOURNAL);
        own_bind |= !strcmp(args[i], "--bind") || !strcmp(args[i], TH_NO_BIND);
        own_announce |= !strcmp(args[i], "--announce-port") || !strcmp(args[i], "--no-announce");
    }
    if (!own_bind) {
        argv[argc++] = "--bind";
        argv[argc++] = "127.0.0.1";
    }
    if (!own_announce)
        argv[argc++] = "--no-announce";
    for (int i = 0; args && args[i] && argc < 63; i++)
        if (strcmp(args[i], TH_NO_BIND) != 0 && strcmp(args[i], TH_JOURNAL) != 0)
            argv[argc++] = strcmp(args[i], TH_RECORD) == 0 ? s->record_path : args[i];
    argv[argc] = NULL;

    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        fprintf(stderr, "harness: pipe2: %s\n", strerror(errno));
        remove_dir(s->dir);
        return -1;
    }
    int errfd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (errfd < 0) {
        fprintf(stderr, "harness: open %s: %s\n", errpath, strerror(errno));
        close(pipefd[0]);
        close(pipefd[1]);
        remove_dir(s->dir);
        return -1;
    }
    struct stat st;
    if (journal && fstat(errfd, &st) == 0) { /* as systemd says where the journal's stream is */
        char stream[64];
        snprintf(stream, sizeof stream, "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
        setenv("JOURNAL_STREAM", stream, 1);
    }
    pid_t pid = spawn(argv, pipefd[1], errfd);
    if (journal)
        unsetenv("JOURNAL_STREAM");
    if (pid < 0) {
        fprintf(stderr, "harness: fork: %s\n", strerror(errno));
        close(pipefd[0]);
        remove_dir(s->dir);
        return -1;
    }
    s->pid = pid;
    s->out_fd = pipefd[0];
    reg_add(pid, s->dir);

    /* th_server_stdout_line reads byte by byte: what follows stays in the pipe. */
    char line[128];
    int len = th_server_stdout_line(s, line, sizeof line, wrapped ? START_LIMIT_WRAPPED_MS : START_LIMIT_MS);
    unsigned port = 0;
    char extra;
    if (len >= 0 && sscanf(line, "listening on port %u%c", &port, &extra) == 1 && port > 0 && port <= 65535) {
        s->port = (uint16_t)port;
        return 0;
    }
    const char *why = len < 0 ? "no \"listening on port N\" line within 10 s, or its stdout closed"
                              : "its first line is not \"listening on port N\"";
    char *err = th_server_stderr(s);
    fprintf(stderr, "harness: tttd did not start: %s (stdout so far: \"%s\"); its stderr:\n%s\n", why,
            line, err ? err : "(unreadable)");
    free(err);
    (void)th_server_stop(s);
    return -1;
}

int th_server_signal(struct th_server *s, int sig)
{
    if (s->pid <= 0)
        return -1;
    return kill(s->pid, sig) < 0 ? -1 : 0;
}

int th_server_wait(struct th_server *s, int timeout_ms)
{
    if (s->pid <= 0)
        return -1;
    int reaped;
    int rc = wait_pid(s->pid, timeout_ms, &reaped);
    if (!reaped) {
        (void)kill(s->pid, SIGKILL);
        (void)wait_pid(s->pid, 10000, &reaped);
        rc = -1;
    }
    reg_reaped(s->pid);
    s->pid = -1;
    return rc;
}

int th_server_stop(struct th_server *s)
{
    int rc = -1;
    if (s->pid > 0) {
        (void)th_server_signal(s, SIGTERM);
        rc = th_server_wait(s, stop_wait_ms());
    }
    if (s->out_fd >= 0) {
        close(s->out_fd);
        s->out_fd = -1;
    }
    const char *show = getenv("TH_SERVER_LOG");
    if (s->dir[0] && show && *show) {
        char *log = th_server_stderr(s);
        fprintf(stderr, "---- tttd stderr (exit %d) ----\n%s---- end of tttd stderr ----\n", rc,
                log ? log : "(unreadable)\n");
        free(log);
    }
    if (s->dir[0]) {
        remove_dir(s->dir);
        reg_dir_gone(s->dir);
        s->dir[0] = '\0';
    }
    return rc;
}

int th_server_alive(const struct th_server *s)
{
    if (s->pid <= 0)
        return 0;
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid(P_PID, (id_t)s->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
        return 0;
    return si.si_pid == 0;
}

long th_server_rss_kib(const struct th_server *s)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/status", (long)s->pid);
    char *text = s->pid > 0 ? th_read_file(path) : NULL;
    if (!text)
        return -1;
    long kib = -1;
    const char *p = strstr(text, "\nVmRSS:");
    if (p && sscanf(p + 7, "%ld", &kib) != 1)
        kib = -1;
    free(text);
    return kib;
}

int th_server_sockets(const struct th_server *s)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd", (long)s->pid);
    DIR *d = s->pid > 0 ? opendir(path) : NULL;
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char fdpath[384], target[64];
        snprintf(fdpath, sizeof fdpath, "%s/%s", path, e->d_name);
        ssize_t len = readlink(fdpath, target, sizeof target - 1);
        if (len <= 0)
            continue;
        target[len] = '\0';
        if (!strncmp(target, "socket:", 7))
            n++;
    }
    closedir(d);
    return n;
}

int th_server_wait_sockets(const struct th_server *s, int n, int timeout_ms)
{
    int64_t deadline = th_now_ms() + timeout_ms;
    for (;;) {
        int have = th_server_sockets(s);
        if (have < 0)
            return -1;
        if (have <= n)
            return 0;
        if (th_now_ms() >= deadline)
            return -1;
        th_sleep_ms(5);
    }
}

char *th_read_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            buf = NULL;
            break;
        }
        if (r == 0) {
            buf[n] = '\0';
            break;
        }
        n += (size_t)r;
    }
    close(fd);
    return buf;
}

int th_count_lines(const char *text)
{
    int n = 0;
    for (const char *p = text; p && *p; p++)
        n += *p == '\n';
    return n;
}

int th_file_lines(const char *path)
{
    char *text = th_read_file(path);
    int n = th_count_lines(text);
    free(text);
    return n;
}

char *th_wait_lines(const char *path, int n)
{
    char *text = NULL;
    for (int tries = 0; tries < 1000; tries++) {
        free(text);
        text = th_read_file(path);
        if (th_count_lines(text) >= n)
            return text;
        th_sleep_ms(10);
    }
    fail_msg("%s: expected %d lines, have:\n%s", path, n, text ? text : "(no file)");
    return NULL;
}

char *th_server_stderr(const struct th_server *s)
{
    char path[300];
    snprintf(path, sizeof path, "%s/stderr.log", s->dir);
    return th_read_file(path);
}

char *th_server_log_with(const struct th_server *s, const char *what)
{
    for (int tries = 0; tries < 1000; tries++) {
        char *log = th_server_stderr(s);
        if (log && strstr(log, what))
            return log;
        free(log);
        th_sleep_ms(10);
    }
    char *log = th_server_stderr(s);
    fail_msg("the log has no \"%s\":\n%s", what, log ? log : "(none)");
    return NULL;
}

void th_server_wait_log(const struct th_server *s, const char *what)
{
    free(th_server_log_with(s, what));
}

int th_server_stdout_line(struct th_server *s, char *buf, size_t cap, int timeout_ms)
{
    if (s->out_fd < 0 || cap == 0)
        return -1;
    int64_t deadline = th_now_ms() + timeout_ms;
    size_t n = 0;
    for (;;) {
        struct pollfd p = { .fd = s->out_fd, .events = POLLIN };
        int pr = poll(&p, 1, ms_until(deadline));
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            break;
        char ch;
        ssize_t r = read(s->out_fd, &ch, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (ch == '\n') {
            buf[n] = '\0';
            return (int)n;
        }
        if (n + 1 < cap)
            buf[n++] = ch;
    }
    buf[n] = '\0';
    return -1;
}

/* Append what fd has to *buf (size *len); 0 on EOF, 1 if more may come. */
static int drain(int fd, char **buf, size_t *len)
{
    char chunk[4096];
    ssize_t r = read(fd, chunk, sizeof chunk);
    if (r < 0)
        return errno == EINTR || errno == EAGAIN ? 1 : 0;
    if (r == 0)
        return 0;
    char *nb = realloc(*buf, *len + (size_t)r + 1);
    if (!nb)
        return 0;
    memcpy(nb + *len, chunk, (size_t)r);
    *len += (size_t)r;
    nb[*len] = '\0';
    *buf = nb;
    return 1;
}

int th_run_tttd(const char *const *args, int timeout_ms, char **out, char **err)
{
    const char *argv[64];
    int argc = 0;
    argv[argc++] = TTTD_PATH;
    for (int i = 0; args && args[i] && argc < 63; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    int op[2], ep[2];
    if (pipe2(op, O_CLOEXEC) < 0)
        return -1;
    if (pipe2(ep, O_CLOEXEC) < 0) {
        close(op[0]);
        close(op[1]);
        return -1;
    }
    pid_t pid = spawn(argv, op[1], ep[1]);
    if (pid < 0) {
        close(op[0]);
        close(ep[0]);
        return -1;
    }
    char *obuf = calloc(1, 1), *ebuf = calloc(1, 1);
    size_t olen = 0, elen = 0;
    int oopen = 1, eopen = 1, termed = 0;
    int64_t deadline = th_now_ms() + timeout_ms;
    while (oopen || eopen) {
        struct pollfd p[2] = { { .fd = oopen ? op[0] : -1, .events = POLLIN },
                               { .fd = eopen ? ep[0] : -1, .events = POLLIN } };
        int pr = poll(p, 2, termed ? 100 : ms_until(deadline));
        if (pr < 0 && errno != EINTR)
            break;
        if (pr == 0) {
            if (termed >= 20) {
                (void)kill(pid, SIGKILL);
                break;
            }
            if (!termed)
                (void)kill(pid, SIGTERM);
            termed++;
            continue;
        }
        if (pr > 0 && oopen && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
            oopen = drain(op[0], &obuf, &olen);
        if (pr > 0 && eopen && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
            eopen = drain(ep[0], &ebuf, &elen);
    }
    close(op[0]);
    close(ep[0]);
    int reaped;
    int rc = wait_pid(pid, termed ? 100 : ms_until(deadline) + 100, &reaped);
    if (!reaped) {
        (void)kill(pid, SIGKILL);
        (void)wait_pid(pid, 10000, &reaped);
    }
    if (out)
        *out = obuf;
    else
        free(obuf);
    if (err)
        *err = ebuf;
    else
        free(ebuf);
    return rc;
}

struct th_server th_srv;

int th_fixture_start(void **state)
{
    th_ignore_sigpipe();
    return th_server_start(&th_srv, (const char *const *)*state);
}

int th_fixture_stop(void **state)
{
    (void)state;
    (void)th_server_wait_sockets(&th_srv, 1, 1000);
    int rc = th_server_stop(&th_srv);
    if (rc != 0)
        fprintf(stderr, "harness: tttd exited with status %d after SIGTERM (expected 0)\n", rc);
    return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------ clients */

/* Connect c, fresh, to sa, from the local address `from` (NULL: the
 * kernel's choice). 0, or -1 with errno (c->fd = -1). */
static int connect_sa(struct th_client *c, const struct sockaddr *sa, socklen_t len, const struct sockaddr *from,
                      socklen_t from_len)
{
    memset(c, 0, sizeof *c);
    proto_reader_init(&c->rd, PROTO_S2C, c->buf, sizeof c->buf);
    c->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return -1;
    int one = 1;
    (void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (from && bind(c->fd, from, from_len) < 0) {
        int saved = errno;
        close(c->fd);
        c->fd = -1;
        errno = saved;
        return -1;
    }
    for (;;) {
        if (connect(c->fd, sa, len) == 0)
            return 0;
        if (errno != EINTR)
            break;
    }
    int saved = errno;
    close(c->fd);
    c->fd = -1;
    errno = saved;
    return -1;
}

int th_connect(struct th_client *c, uint16_t port)
{
    return th_connect_from(c, port, NULL);
}

int th_connect_from(struct th_client *c, uint16_t port, const char *from)
{
    struct sockaddr_in a, f;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    memset(&f, 0, sizeof f);
    f.sin_family = AF_INET;
    if (from && inet_pton(AF_INET, from, &f.sin_addr) != 1) {
        c->fd = -1;
        errno = EINVAL;
        return -1;
    }
    return connect_sa(c, (const struct sockaddr *)&a, sizeof a, from ? (const struct sockaddr *)&f : NULL,
                      sizeof f);
}

int th_connect_addr(struct th_client *c, const char *addr)
{
    char host[128];
    const char *colon = strrchr(addr, ':');
    size_t len = colon ? (size_t)(colon - addr) : 0;
    if (len >= 2 && addr[0] == '[' && addr[len - 1] == ']') {
        addr++;
        len -= 2;
    }
    c->fd = -1;
    if (!colon || len == 0 || len >= sizeof host) {
        errno = EINVAL;
        return -1;
    }
    memcpy(host, addr, len);
    host[len] = '\0';
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    if (getaddrinfo(host, colon + 1, &hints, &res) != 0) {
        errno = EINVAL;
        return -1;
    }
    int rc = connect_sa(c, res->ai_addr, res->ai_addrlen, NULL, 0);
    int saved = errno;
    freeaddrinfo(res);
    errno = saved;
    return rc;
}

void th_close(struct th_client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

void th_reset(struct th_client *c)
{
    if (c->fd < 0)
        return;
    struct linger lg = { .l_onoff = 1, .l_linger = 0 };
    if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) < 0)
        fprintf(stderr, "harness: SO_LINGER: %s\n", strerror(errno));
    th_close(c);
}

int th_send_raw(struct th_client *c, const void *bytes, size_t n)
{
    const uint8_t *p = bytes;
    while (n) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int th_send(struct th_client *c, const struct proto_msg *m)
{
    uint8_t buf[PROTO_FRAME_MAX];
    int n = proto_encode(m, buf, sizeof buf);
    if (n <= 0)
        return -1;
    return th_send_raw(c, buf, (size_t)n);
}

int th_send_type(struct th_client *c, uint8_t type)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = type;
    return th_send(c, &m);
}

int th_send_move(struct th_client *c, uint8_t ply, uint8_t cell)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_MOVE;
    m.u.move.ply = ply;
    m.u.move.cell = cell;
    return th_send(c, &m);
}

int th_send_resume(struct th_client *c, const uint8_t token[PROTO_TOKEN_LEN])
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_RESUME;
    memcpy(m.u.resume.token, token, PROTO_TOKEN_LEN);
    return th_send(c, &m);
}

int th_recv(struct th_client *c, struct proto_msg *m, int timeout_ms)
{
    int64_t deadline = th_now_ms() + timeout_ms;
    for (;;) {
        while (c->pending_off < c->pending_len) {
            size_t used = 0;
            struct proto_frame f;
            int st = proto_reader_feed(&c->rd, c->pending + c->pending_off,
                                       c->pending_len - c->pending_off, &used, &f);
            c->pending_off += used;
            if (st == PROTO_NEED_MORE)
                break;
            if (st < 0 || proto_decode(PROTO_S2C, &f, m) != PROTO_OK) {
                errno = EPROTO;
                return -2;
            }
            return 1;
        }
        c->pending_off = c->pending_len = 0;
        if (c->fd < 0) {
            errno = EBADF;
            return -2;
        }
        struct pollfd p = { .fd = c->fd, .events = POLLIN };
        int pr = poll(&p, 1, ms_until(deadline));
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr < 0)
            return -2;
        if (pr == 0)
            return 0;
        ssize_t r = recv(c->fd, c->pending, sizeof c->pending, 0);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r < 0)
            return -2;
        if (r == 0)
            return -1;
        c->pending_len = (size_t)r;
    }
}

const char *th_describe(const struct proto_msg *m, char *buf, size_t cap)
{
    const char *name = proto_type_name(m->type);
    switch (m->type) {
    case PROTO_ERROR:
        snprintf(buf, cap, "ERROR %u %s: %.150s", (unsigned)m->u.error.code, proto_error_name(m->u.error.code),
                 m->u.error.message.s);
        break;
    case PROTO_MOVED:
        snprintf(buf, cap, "MOVED ply=%u cell=%u mark=%u ms_left=%u", (unsigned)m->u.moved.ply,
                 (unsigned)m->u.moved.cell, (unsigned)m->u.moved.mark, (unsigned)m->u.moved.ms_left);
        break;
    case PROTO_GAME_OVER:
        snprintf(buf, cap, "GAME_OVER winner=%u reason=%u (%s) line=%02x%02x%02x", (unsigned)m->u.game_over.winner,
                 (unsigned)m->u.game_over.reason, proto_reason_name(m->u.game_over.reason),
                 (unsigned)m->u.game_over.line[0], (unsigned)m->u.game_over.line[1],
                 (unsigned)m->u.game_over.line[2]);
        break;
    case PROTO_GAME_START:
        snprintf(buf, cap, "GAME_START game_id=%u you=%u x=\"%s\" o=\"%s\"", (unsigned)m->u.game_start.game_id,
                 (unsigned)m->u.game_start.you, m->u.game_start.x_name.s, m->u.game_start.o_name.s);
        break;
    case PROTO_STATE:
        snprintf(buf, cap, "STATE game_id=%u ply=%u to_move=%u", (unsigned)m->u.state.game_id,
                 (unsigned)m->u.state.ply, (unsigned)m->u.state.to_move);
        break;
    case PROTO_OPPONENT:
        snprintf(buf, cap, "OPPONENT event=%u grace_s=%u", (unsigned)m->u.opponent.event,
                 (unsigned)m->u.opponent.grace_s);
        break;
    case PROTO_GAME_LIST:
        snprintf(buf, cap, "GAME_LIST count=%u", (unsigned)m->u.game_list.count);
        break;
    case PROTO_ROOM_CREATED:
        snprintf(buf, cap, "ROOM_CREATED code=%s", m->u.room.code);
        break;
    default:
        snprintf(buf, cap, "%s", name);
        break;
    }
    return buf;
}

/* What th_recv's result r means, for failure messages. */
static const char *recv_what(int r, const struct proto_msg *m, char *buf, size_t cap)
{
    if (r == 1)
        return th_describe(m, buf, cap);
    if (r == 0)
        return "nothing (timeout)";
    if (r == -1)
        return "EOF (the server closed the connection)";
    snprintf(buf, cap, "a receive error (%s)", strerror(errno));
    return buf;
}

static void answer_ping(struct th_client *c, const struct proto_msg *ping)
{
    struct proto_msg pong;
    memset(&pong, 0, sizeof pong);
    pong.type = PROTO_PONG;
    pong.u.ping.nonce = ping->u.ping.nonce;
    (void)th_send(c, &pong);
}

/* Fail the running test, reported at the caller's file and line. */
static void fail_at(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail_at(const char *file, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_error("%s\n", msg);
    _fail(file, line);
}

void th_expect_at(const char *file, int line, struct th_client *c, uint8_t type, struct proto_msg *out)
{
    struct proto_msg m;
    int64_t deadline = th_now_ms() + TH_TIMEOUT_MS;
    int r;
    for (;;) {
        r = th_recv(c, &m, ms_until(deadline));
        if (r == 1 && m.type == PROTO_PING) {
            answer_ping(c, &m);
            continue;
        }
        break;
    }
    if (r == 1 && m.type == type) {
        if (out)
            *out = m;
        return;
    }
    char what[400];
    fail_at(file, line, "expected %s on fd %d, got %s", proto_type_name(type), c->fd,
            recv_what(r, &m, what, sizeof what));
}

void th_expect_error_at(const char *file, int line, struct th_client *c, uint8_t code)
{
    struct proto_msg m;
    th_expect_at(file, line, c, PROTO_ERROR, &m);
    if (m.u.error.code != code) {
        char what[400];
        fail_at(file, line, "expected ERROR %u %s, got %s", (unsigned)code, proto_error_name(code),
                th_describe(&m, what, sizeof what));
    }
}

void th_expect_eof_at(const char *file, int line, struct th_client *c, int timeout_ms)
{
    struct proto_msg m;
    int r = th_recv(c, &m, timeout_ms);
    if (r == -1 || (r == -2 && errno != EPROTO))
        return;
    char what[400];
    fail_at(file, line, "expected EOF within %d ms, got %s", timeout_ms, recv_what(r, &m, what, sizeof what));
}

void th_expect_silence_at(const char *file, int line, struct th_client *c, int ms)
{
    int64_t deadline = th_now_ms() + ms;
    for (;;) {
        struct proto_msg m;
        int r = th_recv(c, &m, ms_until(deadline));
        if (r == 0)
            return;
        if (r == 1 && m.type == PROTO_PING) {
            answer_ping(c, &m);
            continue;
        }
        char what[400];
        fail_at(file, line, "expected silence for %d ms, got %s", ms, recv_what(r, &m, what, sizeof what));
    }
}

void th_hello_at(const char *file, int line, struct th_client *c, uint16_t port, const char *name)
{
    char addr[32];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", (unsigned)port);
    th_hello_addr_at(file, line, c, addr, name);
}

/* Send HELLO with `name` on a connected c, expect WELCOME (version 1); the
 * token, turn_s and grace_s are saved in *c. */
static void hello_on_at(const char *file, int line, struct th_client *c, const char *name)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_HELLO;
    m.u.hello.version = PROTO_VERSION;
    if (proto_name_set(&m.u.hello.name, name) != PROTO_OK)
        fail_at(file, line, "th_hello: \"%s\" is not a valid name", name);
    if (th_send(c, &m) < 0)
        fail_at(file, line, "cannot send HELLO: %s", strerror(errno));
    th_expect_at(file, line, c, PROTO_WELCOME, &m);
    if (m.u.welcome.version != PROTO_VERSION)
        fail_at(file, line, "WELCOME with version %u", (unsigned)m.u.welcome.version);
    memcpy(c->token, m.u.welcome.token, PROTO_TOKEN_LEN);
    c->turn_s = m.u.welcome.turn_s;
    c->grace_s = m.u.welcome.grace_s;
}

void th_hello_addr_at(const char *file, int line, struct th_client *c, const char *addr, const char *name)
{
    if (th_connect_addr(c, addr) < 0)
        fail_at(file, line, "cannot connect to %s: %s", addr, strerror(errno));
    hello_on_at(file, line, c, name);
}

void th_hello_from_at(const char *file, int line, struct th_client *c, uint16_t port, const char *from,
                      const char *name)
{
    if (th_connect_from(c, port, from) < 0)
        fail_at(file, line, "cannot connect from %s: %s", from, strerror(errno));
    hello_on_at(file, line, c, name);
}

uint32_t th_expect_start_at(const char *file, int line, struct th_client *c, uint8_t you, const char *xname,
                            const char *oname)
{
    struct proto_msg m;
    char what[200];
    th_expect_at(file, line, c, PROTO_GAME_START, &m);
    uint32_t id = m.u.game_start.game_id;
    if (m.u.game_start.you != you || strcmp(m.u.game_start.x_name.s, xname) != 0 ||
        strcmp(m.u.game_start.o_name.s, oname) != 0 || id == 0)
        fail_at(file, line, "expected GAME_START you=%u x=\"%s\" o=\"%s\", got %s", (unsigned)you, xname, oname,
                th_describe(&m, what, sizeof what));
    th_expect_at(file, line, c, PROTO_STATE, &m);
    static const uint8_t empty[PROTO_CELLS];
    if (m.u.state.game_id != id || m.u.state.ply != 0 || memcmp(m.u.state.cells, empty, PROTO_CELLS) != 0 ||
        m.u.state.to_move != PROTO_MARK_X || m.u.state.ms_left == 0)
        fail_at(file, line, "expected the STATE of fresh game %u with time left, got %s (ms_left %u)", (unsigned)id,
                th_describe(&m, what, sizeof what), (unsigned)m.u.state.ms_left);
    return id;
}

uint32_t th_rematch_at(const char *file, int line, struct th_client *x, struct th_client *o, const char *xname,
                       const char *oname)
{
    if (th_send_type(x, PROTO_REMATCH) < 0)
        fail_at(file, line, "cannot send REMATCH: %s", strerror(errno));
    th_expect_opponent_at(file, line, o, PROTO_OPP_REMATCH, 0);
    if (th_send_type(o, PROTO_REMATCH) < 0)
        fail_at(file, line, "cannot send REMATCH: %s", strerror(errno));
    uint32_t id = th_expect_start_at(file, line, o, PROTO_MARK_X, oname, xname);
    th_expect_start_at(file, line, x, PROTO_MARK_O, oname, xname);
    return id;
}

void th_quick_match_at(const char *file, int line, struct th_client *c)
{
    if (th_send_type(c, PROTO_QUICK_MATCH) < 0)
        fail_at(file, line, "cannot send QUICK_MATCH: %s", strerror(errno));
    th_expect_at(file, line, c, PROTO_QUEUED, NULL);
}

void th_create_room_at(const char *file, int line, struct th_client *c, char code[PROTO_CODE_LEN + 1])
{
    struct proto_msg m;
    if (th_send_type(c, PROTO_CREATE_ROOM) < 0)
        fail_at(file, line, "cannot send CREATE_ROOM: %s", strerror(errno));
    th_expect_at(file, line, c, PROTO_ROOM_CREATED, &m);
    if (strlen(m.u.room.code) != PROTO_CODE_LEN || strspn(m.u.room.code, PROTO_CODE_ALPHABET) != PROTO_CODE_LEN)
        fail_at(file, line, "ROOM_CREATED with a bad code \"%s\"", m.u.room.code);
    memcpy(code, m.u.room.code, PROTO_CODE_LEN + 1);
}

int th_send_join(struct th_client *c, const char *code)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_JOIN_ROOM;
    memcpy(m.u.room.code, code, PROTO_CODE_LEN);
    return th_send(c, &m);
}

void th_pair_at(const char *file, int line, struct th_client *x, struct th_client *o, uint16_t port,
                const char *xname, const char *oname, uint32_t *game_id)
{
    th_hello_at(file, line, x, port, xname);
    th_hello_at(file, line, o, port, oname);
    th_quick_match_at(file, line, x);
    th_quick_match_at(file, line, o);
    uint32_t idx = th_expect_start_at(file, line, x, PROTO_MARK_X, xname, oname);
    uint32_t ido = th_expect_start_at(file, line, o, PROTO_MARK_O, xname, oname);
    if (idx != ido)
        fail_at(file, line, "X and O got different game ids: %u and %u", (unsigned)idx, (unsigned)ido);
    if (game_id)
        *game_id = idx;
}

/* MOVED with that ply, cell and mark must arrive at c. */
static void expect_moved(const char *file, int line, struct th_client *c, uint8_t ply, uint8_t cell)
{
    struct proto_msg m;
    th_expect_at(file, line, c, PROTO_MOVED, &m);
    uint8_t mark = ply % 2 == 0 ? PROTO_MARK_X : PROTO_MARK_O;
    if (m.u.moved.ply != ply || m.u.moved.cell != cell || m.u.moved.mark != mark) {
        char what[200];
        fail_at(file, line, "expected MOVED ply=%u cell=%u mark=%u, got %s", (unsigned)ply, (unsigned)cell,
                (unsigned)mark, th_describe(&m, what, sizeof what));
    }
}

void th_move_at(const char *file, int line, struct th_client *mover, struct th_client *other, uint8_t ply,
                uint8_t cell)
{
    if (th_send_move(mover, ply, cell) < 0)
        fail_at(file, line, "cannot send MOVE: %s", strerror(errno));
    expect_moved(file, line, mover, ply, cell);
    expect_moved(file, line, other, ply, cell);
}

void th_expect_lobby_at(const char *file, int line, struct th_client *c)
{
    if (th_send_type(c, PROTO_LIST_GAMES) < 0)
        fail_at(file, line, "cannot send LIST_GAMES: %s", strerror(errno));
    th_expect_at(file, line, c, PROTO_GAME_LIST, NULL);
}

void th_expect_game_over_at(const char *file, int line, struct th_client *c, uint8_t winner, uint8_t reason,
                            const uint8_t *cells)
{
    static const uint8_t none[3] = { PROTO_NO_CELL, PROTO_NO_CELL, PROTO_NO_CELL };
    const uint8_t *want = cells ? cells : none;
    struct proto_msg m;
    th_expect_at(file, line, c, PROTO_GAME_OVER, &m);
    if (m.u.game_over.winner != winner || m.u.game_over.reason != reason ||
        memcmp(m.u.game_over.line, want, 3) != 0) {
        char what[200];
        fail_at(file, line, "expected GAME_OVER winner=%u reason=%u (%s) line=%02x%02x%02x, got %s",
                (unsigned)winner, (unsigned)reason, proto_reason_name(reason), (unsigned)want[0],
                (unsigned)want[1], (unsigned)want[2], th_describe(&m, what, sizeof what));
    }
}

void th_expect_opponent_at(const char *file, int line, struct th_client *c, uint8_t event, uint16_t grace_s)
{
    struct proto_msg m;
    th_expect_at(file, line, c, PROTO_OPPONENT, &m);
    if (m.u.opponent.event != event || m.u.opponent.grace_s != grace_s) {
        char what[200];
        fail_at(file, line, "expected OPPONENT event=%u grace_s=%u, got %s", (unsigned)event, (unsigned)grace_s,
                th_describe(&m, what, sizeof what));
    }
}

void th_play_at(const char *file, int line, struct th_client *x, struct th_client *o, uint8_t first_ply,
                const uint8_t *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t ply = (uint8_t)(first_ply + i);
        if (ply % 2 == 0)
            th_move_at(file, line, x, o, ply, cells[i]);
        else
            th_move_at(file, line, o, x, ply, cells[i]);
    }
}

void th_play_to_draw_at(const char *file, int line, struct th_client *x, struct th_client *o, uint8_t first_ply,
                        const uint8_t *cells, size_t n)
{
    th_play_at(file, line, x, o, first_ply, cells, n);
    th_expect_game_over_at(file, line, x, PROTO_MARK_NONE, PROTO_REASON_FULL, NULL);
    th_expect_game_over_at(file, line, o, PROTO_MARK_NONE, PROTO_REASON_FULL, NULL);
}

void th_ignore_sigpipe(void)
{
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        fprintf(stderr, "harness: cannot ignore SIGPIPE: %s\n", strerror(errno));
}
