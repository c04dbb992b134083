/* SPDX-License-Identifier: MIT */
/* test_driver.c: the session over real loopback sockets (session/driver.h)
 * against a scripted server: connect, play, lose the connection and resume
 * on a new socket; a RESUME refused; a fatal ERROR; a refused connect; an
 * address that does not parse; how a connect failed (refused, an HTTP
 * server, no answer, no such host); the fallback to a host's next address. And a
 * hostile server: silent after WELCOME (PING, then lost), silent mid-game
 * (reconnects to a server that never answers, until the grace runs out),
 * ERROR text with C1 and bidi characters (a protocol error that quotes no
 * raw byte). As root, in a network and name service of the test's own
 * (own_resolver.h): a name looked up once per attempt (its second address
 * used after the first refused, though the name changed meanwhile), a
 * lookup that outlives the connect timeout, a name that does not exist, a
 * session freed mid-lookup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "own_resolver.h"
#include "script.h"
#include "sock.h"

#define WAIT_MS 3000

/* The directory of our own /etc/hosts and resolv.conf, "" when this
 * process could not have them (not root). */
static char own_dir[32] = "";
#define OWN_HOSTS "127.0.0.1 localhost\n::1 localhost\n127.0.0.2 ttt-rr\n127.0.0.3 ttt-rr\n"

/* A session and its driver, as a program holds them. */
struct client {
    struct session *s;
    struct driver d;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* A client of `name` on "127.0.0.1:port" (started: connecting). */
static void client_start(struct client *c, const struct session_config *cfg, uint16_t port)
{
    c->s = session_new(cfg, NULL);
    assert_non_null(c->s);
    driver_init(&c->d, c->s);
    char addr[32];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", (unsigned)port);
    assert_int_equal(driver_start(&c->d, addr, now_ms()), 0);
    assert_true(driver_fd(&c->d) >= 0);
    assert_int_equal(session_phase(c->s), SESSION_CONNECTING);
}

static void client_free(struct client *c)
{
    driver_release(&c->d);
    session_free(c->s);
}

/* One round of the caller's loop: poll the driver's fd for up to `ms`. */
static void pump(struct client *c, int ms)
{
    uint64_t now = now_ms(), dl = driver_next_deadline(&c->d);
    if (dl <= now)
        ms = 0;
    else if (dl - now < (uint64_t)ms)
        ms = (int)(dl - now);
    int fd = driver_fd(&c->d);
    if (fd < 0) {
        poll(NULL, 0, ms);
    } else {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (driver_wants_write(&c->d))
            p.events |= POLLOUT;
        assert_true(poll(&p, 1, ms) >= 0);
        if (p.revents & (POLLIN | POLLERR | POLLHUP))
            driver_on_readable(&c->d, now_ms());
        if (driver_fd(&c->d) == fd && (p.revents & (POLLOUT | POLLERR | POLLHUP)))
            driver_on_writable(&c->d, now_ms());
    }
    if (driver_next_deadline(&c->d) <= now_ms())
        driver_tick(&c->d, now_ms());
}

/* Run the loop until an event comes (WAIT_MS at most). */
static struct session_event wait_ev(struct client *c)
{
    struct session_event ev;
    uint64_t end = now_ms() + WAIT_MS;
    while (!session_next_event(c->s, &ev)) {
        if (now_ms() > end)
            fail_msg("no event within %d ms (phase %s)", WAIT_MS,
                     session_phase_name(session_phase(c->s)));
        pump(c, 10);
    }
    return ev;
}

/* The next event closes the session for `reason`, with `needle` in its
 * words; the driver has let the socket go. */
static struct session_event expect_closed(struct client *c, uint8_t reason, const char *needle)
{
    struct session_event ev = wait_ev(c);
    assert_int_equal(ev.type, SESSION_EV_CLOSED);
    assert_int_equal(ev.u.closed.reason, reason);
    if (!strstr(ev.u.closed.message, needle))
        fail_msg("close message \"%s\" lacks \"%s\"", ev.u.closed.message, needle);
    assert_int_equal(session_phase(c->s), SESSION_CLOSED);
    assert_int_equal(driver_fd(&c->d), -1);
    return ev;
}

/* After a request of the test's own: let the driver write it. */
static void sync_now(struct client *c)
{
    driver_sync(&c->d, now_ms());
}

static int srv_listen(uint16_t *port)
{
    char err[SOCK_ERR_LEN];
    int lfd = sock_listen("127.0.0.1", 0, 8, port, err);
    assert_true(lfd >= 0);
    return lfd;
}

/* Accept the client's connection, running its loop meanwhile. */
static int srv_accept(struct client *c, int lfd)
{
    char err[SOCK_ERR_LEN];
    uint64_t end = now_ms() + WAIT_MS;
    for (;;) {
        int fd = sock_accept(lfd, NULL, 0, err);
        if (fd >= 0)
            return fd;
        assert_int_equal(errno, EAGAIN);
        if (now_ms() > end)
            fail_msg("no connection within %d ms", WAIT_MS);
        pump(c, 10);
    }
}

/* Read exactly the bytes `hex` from the client, running its loop meanwhile. */
static void srv_expect(struct client *c, int fd, const char *hex)
{
    uint8_t want[256], got[256];
    size_t n = hex_bytes(hex, want, sizeof want), have = 0;
    uint64_t end = now_ms() + WAIT_MS;
    while (have < n) {
        ssize_t r = recv(fd, got + have, n - have, MSG_DONTWAIT);
        if (r > 0) {
            have += (size_t)r;
            continue;
        }
        if (r == 0)
            fail_msg("the client closed after %zu of %zu bytes", have, n);
        assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
        if (now_ms() > end)
            fail_msg("server got %zu of %zu bytes within %d ms", have, n, WAIT_MS);
        pump(c, 10);
    }
    assert_memory_equal(got, want, n);
}

/* The client closed its side: the server reads end-of-file (whatever was
 * still unread before it is skipped). */
static void srv_expect_eof(struct client *c, int fd)
{
    uint64_t end = now_ms() + WAIT_MS;
    for (;;) {
        uint8_t buf[256];
        ssize_t r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (r == 0)
            return;
        if (r < 0 && errno == ECONNRESET)
            return;
        assert_true(r > 0 || errno == EAGAIN || errno == EWOULDBLOCK);
        if (now_ms() > end)
            fail_msg("the client did not close within %d ms", WAIT_MS);
        pump(c, 10);
    }
}

static void srv_send(int fd, const struct proto_msg *m)
{
    uint8_t buf[PROTO_S2C_FRAME_MAX];
    size_t n = enc(m, buf, sizeof buf);
    assert_int_equal(send(fd, buf, n, MSG_NOSIGNAL), (ssize_t)n);
}

static void srv_send_hex(int fd, const char *hex)
{
    uint8_t buf[256];
    size_t n = hex_bytes(hex, buf, sizeof buf);
    assert_int_equal(send(fd, buf, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* "alice" connected to the scripted server on `port`, HELLO checked,
 * WELCOME (with `grace_s`) sent and its event taken. */
static void welcomed_alice(struct client *c, const struct session_config *cfg, int lfd,
                           uint16_t port, uint16_t grace_s, int *fd)
{
    client_start(c, cfg, port);
    *fd = srv_accept(c, lfd);
    srv_expect(c, *fd, HELLO_ALICE);
    assert_int_equal(session_phase(c->s), SESSION_HANDSHAKE);
    struct proto_msg w = welcome_msg();
    w.u.welcome.grace_s = grace_s;
    srv_send(*fd, &w);
    assert_int_equal(wait_ev(c).type, SESSION_EV_WELCOME);
}

/* Seat alice as `you` in game `id` by quick match. */
static void seat(struct client *c, int fd, uint32_t id, uint8_t you)
{
    assert_int_equal(session_quick_match(c->s), 0);
    sync_now(c);
    srv_expect(c, fd, "02 00 00");
    struct proto_msg q = bare(PROTO_QUEUED), gs = game_start_msg(id, you);
    struct proto_msg st = state_msg(id, ".........", 30000);
    srv_send(fd, &q);
    srv_send(fd, &gs);
    srv_send(fd, &st);
    assert_int_equal(wait_ev(c).type, SESSION_EV_QUEUED);
    assert_int_equal(wait_ev(c).type, SESSION_EV_GAME_START);
    assert_int_equal(wait_ev(c).type, SESSION_EV_STATE);
}

static const struct session_config ALICE_RECONNECTS = {.name = "alice", .auto_reconnect = 1};

/* A scripted server listening, and alice connected and welcomed on it. */
struct rig {
    uint16_t port;
    int lfd, fd;
    struct client c;
};

static void rig_open(struct rig *r, const struct session_config *cfg, uint16_t grace_s)
{
    r->lfd = srv_listen(&r->port);
    welcomed_alice(&r->c, cfg, r->lfd, r->port, grace_s, &r->fd);
}

/* The client has let its connection go: the server reads end-of-file; all closed. */
static void rig_close(struct rig *r)
{
    srv_expect_eof(&r->c, r->fd);
    close(r->fd);
    close(r->lfd);
    client_free(&r->c);
}

/* ---- a well-behaved server ---- */

static void test_game_reconnect_resume(void **state)
{
    (void)state;
    struct rig r;
    rig_open(&r, &ALICE_RECONNECTS, 1);
    seat(&r.c, r.fd, 7, PROTO_MARK_X);
    assert_int_equal(session_move(r.c.s, 4), 0);
    sync_now(&r.c);
    srv_expect(&r.c, r.fd, "10 00 02 00 04");
    struct proto_msg mv = moved_msg(0, 4, PROTO_MARK_X, 30000), ping = bare(PROTO_PING);
    ping.u.ping.nonce = 0x01020304;
    srv_send(r.fd, &mv);
    srv_send(r.fd, &ping);
    assert_int_equal(wait_ev(&r.c).type, SESSION_EV_MOVED);
    srv_expect(&r.c, r.fd, "71 00 04 01 02 03 04");

    /* the connection drops mid-game: a new socket, HELLO, RESUME with the first token */
    uint32_t sockets = driver_sockets(&r.c.d);
    close(r.fd);
    uint64_t lost_at = now_ms();
    struct session_event ev = wait_ev(&r.c);
    assert_int_equal(ev.type, SESSION_EV_RECONNECTING);
    assert_true(ev.u.reconnect.deadline_ms >= lost_at + 1000);
    assert_true(ev.u.reconnect.deadline_ms <= now_ms() + 1000);
    r.fd = srv_accept(&r.c, r.lfd);
    assert_int_equal(driver_sockets(&r.c.d), sockets + 1);
    srv_expect(&r.c, r.fd, HELLO_ALICE);
    struct proto_msg w = welcome_msg();
    w.u.welcome.grace_s = 1;
    w.u.welcome.token[0] = 0x99; /* the new connection's own token is dropped */
    srv_send(r.fd, &w);
    srv_expect(&r.c, r.fd, RESUME_A);
    struct proto_msg gs = game_start_msg(7, PROTO_MARK_X), st = state_msg(7, "....X....", 20000);
    srv_send(r.fd, &gs);
    srv_send(r.fd, &st);
    assert_int_equal(wait_ev(&r.c).type, SESSION_EV_RESUMED);
    assert_int_equal(wait_ev(&r.c).type, SESSION_EV_STATE);
    assert_int_equal(session_phase(r.c.s), SESSION_PLAYING);
    assert_int_equal(session_game(r.c.s)->board.cells[4], PROTO_MARK_X);

    /* lost again, and the server is gone for good: closed after the 1 s grace */
    close(r.fd);
    close(r.lfd);
    assert_int_equal(wait_ev(&r.c).type, SESSION_EV_RECONNECTING);
    expect_closed(&r.c, SESSION_CLOSE_LOST, "grace");
    assert_true(now_ms() >= lost_at + 1000);
    assert_int_equal(driver_next_deadline(&r.c.d), UINT64_MAX);
    client_free(&r.c);
}

static void test_bad_token_fatal_error_and_goodbye(void **state)
{
    (void)state;
    struct rig r;
    rig_open(&r, &ALICE_RECONNECTS, 20);
    seat(&r.c, r.fd, 3, PROTO_MARK_O);
    /* lost; the game is gone by the time we are back: BAD_TOKEN ends it */
    shutdown(r.fd, SHUT_RDWR);
    close(r.fd);
    assert_int_equal(wait_ev(&r.c).type, SESSION_EV_RECONNECTING);
    r.fd = srv_accept(&r.c, r.lfd);
    srv_expect(&r.c, r.fd, HELLO_ALICE);
    struct proto_msg w = welcome_msg();
    srv_send(r.fd, &w);
    srv_expect(&r.c, r.fd, RESUME_A);
    struct proto_msg e = error_msg(PROTO_ERR_BAD_TOKEN, "");
    srv_send(r.fd, &e);
    struct session_event ev = expect_closed(&r.c, SESSION_CLOSE_LOST, "could not be resumed");
    assert_int_equal(ev.u.closed.code, PROTO_ERR_BAD_TOKEN);
    srv_expect_eof(&r.c, r.fd);
    close(r.fd);
    client_free(&r.c);

    /* a fatal ERROR then EOF: SERVER_ERROR, not a reconnect */
    client_start(&r.c, &ALICE_RECONNECTS, r.port);
    r.fd = srv_accept(&r.c, r.lfd);
    srv_expect(&r.c, r.fd, HELLO_ALICE);
    e = error_msg(PROTO_ERR_SERVER_FULL, "too many clients");
    srv_send(r.fd, &e);
    close(r.fd);
    ev = expect_closed(&r.c, SESSION_CLOSE_SERVER_ERROR, "SERVER_FULL: too many clients");
    assert_int_equal(ev.u.closed.code, PROTO_ERR_SERVER_FULL);
    client_free(&r.c);

    /* lost in the lobby: closed LOST, no reconnect */
    welcomed_alice(&r.c, &ALICE_RECONNECTS, r.lfd, r.port, 20, &r.fd);
    close(r.fd);
    expect_closed(&r.c, SESSION_CLOSE_LOST, "the server closed the connection");
    client_free(&r.c);

    /* the user's close: its LEAVE reaches the server, then the end of the stream */
    welcomed_alice(&r.c, &ALICE_RECONNECTS, r.lfd, r.port, 20, &r.fd);
    assert_int_equal(session_create_room(r.c.s), 0);
    sync_now(&r.c);
    srv_expect(&r.c, r.fd, "03 00 00");
    assert_int_equal(session_leave(r.c.s), 0);
    session_close(r.c.s);
    sync_now(&r.c);
    assert_int_equal(driver_fd(&r.c.d), -1);
    srv_expect(&r.c, r.fd, "13 00 00 70 00 04 00 00 00 01");
    rig_close(&r);
}

static void test_refused_and_bad_address(void **state)
{
    (void)state;
    /* nothing listens on a port just freed */
    uint16_t port;
    close(srv_listen(&port));
    struct session_config cfg = {.name = "alice", .connect_timeout_ms = 2000};
    struct client c;
    c.s = session_new(&cfg, NULL);
    driver_init(&c.d, c.s);
    char addr[32];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", (unsigned)port);
    (void)driver_start(&c.d, addr, now_ms()); /* may fail at once or later */
    expect_closed(&c, SESSION_CLOSE_CONNECT, "refused");
    client_free(&c);

    /* an address that does not parse */
    c.s = session_new(&cfg, NULL);
    driver_init(&c.d, c.s);
    assert_int_equal(driver_start(&c.d, "[::1", now_ms()), -1);
    expect_closed(&c, SESSION_CLOSE_CONNECT, "[::1");
    assert_int_equal(driver_start(&c.d, "127.0.0.1:1", now_ms()), -1); /* not idle */
    client_free(&c);
}

/* A client of cfg started on `addr` (driver_start may fail at once). */
static void client_try(struct client *c, const struct session_config *cfg, const char *addr)
{
    c->s = session_new(cfg, NULL);
    assert_non_null(c->s);
    driver_init(&c->d, c->s);
    (void)driver_start(&c->d, addr, now_ms());
}

/* How the connect failed, in EV_CLOSED, with the server as given: nothing
 * listening (REFUSED); a peer that answers HTTP (NOT_TTT, with the numeric
 * address that answered); a connect that gets no answer (TIMED_OUT: the
 * listener's queue is full, so the kernel drops the SYN); a name that does
 * not exist (NO_HOST, when a resolver answers here). */
static void test_failure_kinds(void **state)
{
    (void)state;
    struct session_config cfg = {.name = "alice", .connect_timeout_ms = 300};
    struct client c;
    char addr[64], peer[64];
    uint16_t port;

    close(srv_listen(&port));
    snprintf(addr, sizeof addr, "127.0.0.1:%u", (unsigned)port);
    client_try(&c, &cfg, addr);
    struct session_event ev = expect_closed(&c, SESSION_CLOSE_CONNECT, "refused");
    assert_int_equal(ev.u.closed.failure, SESSION_FAIL_REFUSED);
    assert_string_equal(ev.u.closed.host, "127.0.0.1");
    assert_int_equal(ev.u.closed.port, port);
    assert_string_equal(ev.u.closed.peer, "");
    client_free(&c);

    int lfd = srv_listen(&port);
    snprintf(addr, sizeof addr, "localhost:%u", (unsigned)port);
    client_try(&c, &cfg, addr);
    int fd = srv_accept(&c, lfd);
    srv_expect(&c, fd, HELLO_ALICE);
    srv_send_hex(fd, "48 54 54 50 2f 31 2e 31 20 34 30 30 0d 0a 0d 0a"); /* "HTTP/1.1 400\r\n\r\n" */
    ev = expect_closed(&c, SESSION_CLOSE_PROTOCOL, "");
    assert_int_equal(ev.u.closed.failure, SESSION_FAIL_NOT_TTT);
    assert_string_equal(ev.u.closed.host, "localhost");
    snprintf(peer, sizeof peer, "127.0.0.1:%u", (unsigned)port);
    assert_string_equal(ev.u.closed.peer, peer);
    client_free(&c);
    close(fd);
    close(lfd);

    char err[SOCK_ERR_LEN];
    lfd = sock_listen("127.0.0.1", 0, 0, &port, err); /* a queue of one */
    assert_true(lfd >= 0);
    snprintf(addr, sizeof addr, "127.0.0.1:%u", (unsigned)port);
    struct client first;
    client_try(&first, &cfg, addr); /* fills the queue: connected, never accepted */
    pump(&first, 100);
    client_try(&c, &cfg, addr);
    ev = expect_closed(&c, SESSION_CLOSE_CONNECT, "timed out");
    assert_int_equal(ev.u.closed.failure, SESSION_FAIL_TIMED_OUT);
    client_free(&c);
    client_free(&first);
    close(lfd);

    client_try(&c, &cfg, "no-such-host.invalid:7777");
    ev = expect_closed(&c, SESSION_CLOSE_CONNECT, "no-such-host.invalid");
    if (ev.u.closed.failure == SESSION_FAIL_LOOKUP)
        print_message("no DNS resolver answers here: NO_HOST not checked\n");
    else
        assert_int_equal(ev.u.closed.failure, SESSION_FAIL_NO_HOST);
    assert_string_equal(ev.u.closed.host, "no-such-host.invalid");
    client_free(&c);
}

/* localhost has ::1 and 127.0.0.1 here; a server on only one of them is
 * still reached (whichever the resolver gives first). */
static void test_next_address(void **state)
{
    (void)state;
    uint16_t port;
    int lfd = srv_listen(&port);
    struct session_config cfg = {.name = "alice"};
    struct client c;
    c.s = session_new(&cfg, NULL);
    driver_init(&c.d, c.s);
    char addr[32];
    snprintf(addr, sizeof addr, "localhost:%u", (unsigned)port);
    assert_int_equal(driver_start(&c.d, addr, now_ms()), 0);
    int fd = srv_accept(&c, lfd);
    srv_expect(&c, fd, HELLO_ALICE);
    struct proto_msg w = welcome_msg();
    srv_send(fd, &w);
    assert_int_equal(wait_ev(&c).type, SESSION_EV_WELCOME);
    close(fd);
    close(lfd);
    client_free(&c);
}

/* ---- a hostile server ---- */

/* A server that goes silent after WELCOME: a PING after silence_ms, then the
 * connection is lost and the socket closed. */
static void test_silent_after_welcome(void **state)
{
    (void)state;
    struct session_config cfg = {.name = "alice", .silence_ms = 200, .auto_reconnect = 1};
    struct rig r;
    rig_open(&r, &cfg, 20);
    uint64_t t0 = now_ms();
    assert_int_equal(session_quick_match(r.c.s), 0);
    sync_now(&r.c);
    srv_expect(&r.c, r.fd, "02 00 00 70 00 04 00 00 00 01"); /* the PING after 200 ms */
    assert_true(now_ms() >= t0 + 150);
    expect_closed(&r.c, SESSION_CLOSE_LOST, "the server sent nothing for");
    assert_true(now_ms() >= t0 + 350);
    rig_close(&r);
}

/* A server that goes silent mid-game, then accepts the reconnects and never
 * says a word: each try ends without a WELCOME, until the grace is over. */
static void test_silent_mid_game(void **state)
{
    (void)state;
    struct session_config cfg = {.name = "alice", .silence_ms = 200, .connect_timeout_ms = 300,
                                 .auto_reconnect = 1};
    struct rig r;
    rig_open(&r, &cfg, 1);
    seat(&r.c, r.fd, 5, PROTO_MARK_X);
    uint64_t t0 = now_ms();
    assert_int_equal(wait_ev(&r.c).type, SESSION_EV_RECONNECTING);
    assert_true(now_ms() >= t0 + 350);
    srv_expect(&r.c, r.fd, "70 00 04 00 00 00 01");
    int tries[8], n = 0;
    while (session_phase(r.c.s) == SESSION_RECONNECTING) {
        char err[SOCK_ERR_LEN];
        int fd = sock_accept(r.lfd, NULL, 0, err);
        if (fd >= 0 && n < 8)
            tries[n++] = fd;
        else if (fd >= 0)
            close(fd);
        pump(&r.c, 10);
        assert_true(now_ms() < t0 + WAIT_MS);
    }
    expect_closed(&r.c, SESSION_CLOSE_LOST, "grace");
    assert_true(n >= 2); /* 1 s of grace, 300 ms for each WELCOME */
    for (int i = 0; i < n; i++) {
        srv_expect(&r.c, tries[i], HELLO_ALICE);
        srv_expect_eof(&r.c, tries[i]);
        close(tries[i]);
    }
    rig_close(&r);
}

/* ERROR text with a C1 control (U+009B, the terminal's CSI) and a bidi
 * override (U+202E): the codec refuses the frame, the session reports a
 * protocol error and quotes none of it. */
static void test_error_text_c1_and_bidi(void **state)
{
    (void)state;
    uint16_t port;
    int lfd = srv_listen(&port), fd;
    const char *frames[] = {
        "e0 00 0a 0d 08 62 79 65 c2 9b 33 31 6d",    /* "bye" CSI "31m" */
        "e0 00 09 0d 07 62 79 65 e2 80 ae 78",       /* "bye" RLO "x" */
    };
    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++) {
        struct client c;
        welcomed_alice(&c, &ALICE_RECONNECTS, lfd, port, 20, &fd);
        seat(&c, fd, 9, PROTO_MARK_X);
        srv_send_hex(fd, frames[i]);
        /* a protocol error, not a reconnect */
        struct session_event ev = expect_closed(&c, SESSION_CLOSE_PROTOCOL, "malformed ERROR");
        for (const char *ch = ev.u.closed.message; *ch; ch++)
            assert_true(*ch >= 0x20 && *ch < 0x7f);
        assert_null(strstr(session_error(c.s), "bye"));
        srv_expect_eof(&c, fd);
        close(fd);
        client_free(&c);
    }
    close(lfd);
}

static void need_own_resolver(void)
{
    if (!own_dir[0]) {
        print_message("skipped: no network namespace and name service of our own (needs root)\n");
        skip();
    }
}

static void write_own_hosts(const char *text)
{
    char path[64];
    assert_int_equal(th_write_file(own_dir, "hosts", text, path, sizeof path), 0);
}

/* ttt-rr has 127.0.0.2 (nothing listens: refused) and then 127.0.0.3 (the
 * server; glibc keeps that order: both are as far from 127.0.0.1). Once the answer is in, the name changes (as a round-robin DNS's
 * answers do) to an address with no server: the fallback still reaches
 * the server, from the attempt's one answer. */
static void test_fallback_from_one_answer(void **state)
{
    (void)state;
    need_own_resolver();
    uint16_t port;
    char err[SOCK_ERR_LEN];
    int lfd = sock_listen("127.0.0.3", 0, 8, &port, err);
    assert_true(lfd >= 0);
    struct session_config cfg = {.name = "alice"};
    struct client c;
    char addr[32];
    snprintf(addr, sizeof addr, "ttt-rr:%u", (unsigned)port);
    client_try(&c, &cfg, addr);
    struct pollfd p = {.fd = driver_fd(&c.d), .events = POLLIN};
    assert_true(p.fd >= 0);
    assert_false(driver_wants_write(&c.d));
    assert_int_equal(poll(&p, 1, WAIT_MS), 1); /* the answer is in */
    write_own_hosts("127.0.0.4 ttt-rr\n");
    int fd = srv_accept(&c, lfd);
    srv_expect(&c, fd, HELLO_ALICE);
    struct proto_msg w = welcome_msg();
    srv_send(fd, &w);
    assert_int_equal(wait_ev(&c).type, SESSION_EV_WELCOME);
    write_own_hosts(OWN_HOSTS);
    close(fd);
    close(lfd);
    client_free(&c);
}

/* Wait (30 s at most) until no lookup thread runs. */
static void await_no_lookup(void)
{
    for (int i = 0; i < 3000 && resolve_busy() > 0; i++)
        poll(NULL, 0, 10);
    assert_int_equal(resolve_busy(), 0);
}

/* A DNS that never answers: the connect timeout ends the lookup (LOOKUP);
 * a name that does not exist (NO_HOST); a session freed mid-lookup. */
static void test_lookup_failures(void **state)
{
    (void)state;
    need_own_resolver();
    struct session_config cfg = {.name = "alice", .connect_timeout_ms = 300};
    struct client c;
    client_try(&c, &cfg, "silent.test:7777");
    assert_true(driver_fd(&c.d) >= 0);
    struct session_event ev = expect_closed(&c, SESSION_CLOSE_CONNECT, "cannot look up silent.test: timed out");
    assert_int_equal(ev.u.closed.failure, SESSION_FAIL_LOOKUP);
    assert_string_equal(ev.u.closed.host, "silent.test");
    client_free(&c);

    client_try(&c, &cfg, "nx.test:7777");
    ev = expect_closed(&c, SESSION_CLOSE_CONNECT, "no such host: nx.test");
    assert_int_equal(ev.u.closed.failure, SESSION_FAIL_NO_HOST);
    client_free(&c);

    client_try(&c, &cfg, "silent.test:7777");
    assert_int_equal(session_phase(c.s), SESSION_CONNECTING);
    client_free(&c); /* mid-lookup: the thread ends on its own */
    await_no_lookup();
}

int main(void)
{
    char dir[] = "/tmp/ttt-driver.XXXXXX";
    if (mkdtemp(dir) && th_own_resolver(dir, OWN_HOSTS, 1) == 0)
        snprintf(own_dir, sizeof own_dir, "%s", dir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_game_reconnect_resume),
        cmocka_unit_test(test_bad_token_fatal_error_and_goodbye),
        cmocka_unit_test(test_refused_and_bad_address),
        cmocka_unit_test(test_next_address),
        cmocka_unit_test(test_silent_after_welcome),
        cmocka_unit_test(test_silent_mid_game),
        cmocka_unit_test(test_error_text_c1_and_bidi),
        cmocka_unit_test(test_failure_kinds),
        cmocka_unit_test(test_fallback_from_one_answer),
        cmocka_unit_test(test_lookup_failures),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    th_own_resolver_remove(dir);
    return failed;
}
