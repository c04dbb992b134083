/* SPDX-License-Identifier: MIT */
/* test_netthread.c: the ttt client's network thread against a scripted
 * server on a loopback socket, with no SDL: the wake callback, session
 * events with their snapshots (the game list copied out of the session),
 * session requests turned into frames, a refused connection, an invalid
 * name, an address too long to queue, and the goodbye at stop (a queued
 * LEAVE written, then the connection closed); the address to tell a friend
 * (a server on loopback named by an address of this machine that reaches
 * it, any other as typed); the search for servers on the
 * network (a responder on this machine found, forgotten, the search
 * stopped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "disc_answer.h"
#include "invite.h"
#include "netthread.h"
#include "sock.h"

/* ---- the wake callback: a byte down a pipe the test polls ---- */

struct waker {
    int fds[2];
};

static int wake(void *ctx)
{
    struct waker *w = ctx;
    char b = 1;
    return write(w->fds[1], &b, 1) == 1 ? 0 : -1;
}

static void waker_init(struct waker *w)
{
    assert_int_equal(pipe2(w->fds, O_NONBLOCK | O_CLOEXEC), 0);
}

static void waker_close(struct waker *w)
{
    close(w->fds[0]);
    close(w->fds[1]);
}

/* An event as the main thread takes it, with its snapshot. */
struct net_event {
    struct session_event ev;
    struct session_snapshot snap;
    char invite_addr[SOCK_ADDR_LEN];
};

static int take(struct netthread *t, struct net_event *e)
{
    return netthread_take_event(t, &e->ev, &e->snap, e->invite_addr);
}

/* The next event within 5 s (fails the test otherwise). Waits on the pipe
 * only when the outbox is empty, as the main loop does. */
static void next_event(struct netthread *t, struct waker *w, struct net_event *e)
{
    for (int i = 0; i < 50; i++) {
        if (take(t, e))
            return;
        struct pollfd p = { .fd = w->fds[0], .events = POLLIN };
        if (poll(&p, 1, 100) > 0) {
            char buf[64];
            while (read(w->fds[0], buf, sizeof buf) > 0)
                ;
        }
    }
    fail_msg("no event from the network thread within 5 s");
}

/* A network thread waking through a fresh waker. */
static struct netthread *start(struct waker *w)
{
    waker_init(w);
    struct netthread *t = netthread_start(wake, w);
    assert_non_null(t);
    return t;
}

static struct session_request req(uint8_t type)
{
    struct session_request r;
    memset(&r, 0, sizeof r);
    r.type = type;
    return r;
}

/* ---- the scripted server ---- */

struct server {
    int lfd, fd;
    uint16_t port;
    struct proto_reader rd;
    uint8_t rbuf[PROTO_C2S_FRAME_MAX];
    uint8_t in[512];
    size_t in_len, in_off;
};

static void server_listen_on(struct server *s, const char *bind_addr)
{
    memset(s, 0, sizeof *s);
    char err[SOCK_ERR_LEN];
    s->lfd = sock_listen(bind_addr, 0, 4, &s->port, err);
    assert_true(s->lfd >= 0);
    s->fd = -1;
    proto_reader_init(&s->rd, PROTO_C2S, s->rbuf, sizeof s->rbuf);
}

static void server_listen(struct server *s)
{
    server_listen_on(s, "127.0.0.1");
}

static void server_accept(struct server *s)
{
    struct pollfd p = { .fd = s->lfd, .events = POLLIN };
    assert_int_equal(poll(&p, 1, 5000), 1);
    s->fd = sock_accept(s->lfd, NULL, 0, NULL);
    assert_true(s->fd >= 0);
}

/* The next frame the client sent, decoded; 0, or -1 at EOF. */
static int server_read(struct server *s, struct proto_msg *m)
{
    for (;;) {
        if (s->in_off < s->in_len) {
            size_t used = 0;
            struct proto_frame f;
            int rc = proto_reader_feed(&s->rd, s->in + s->in_off, s->in_len - s->in_off, &used, &f);
            s->in_off += used;
            if (rc == PROTO_FRAME) {
                assert_int_equal(proto_decode(PROTO_C2S, &f, m), PROTO_OK);
                return 0;
            }
            assert_int_equal(rc, PROTO_NEED_MORE);
        }
        struct pollfd p = { .fd = s->fd, .events = POLLIN };
        assert_int_equal(poll(&p, 1, 5000), 1);
        ssize_t n = recv(s->fd, s->in, sizeof s->in, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        assert_true(n >= 0);
        if (n == 0)
            return -1;
        s->in_len = (size_t)n;
        s->in_off = 0;
    }
}

static uint8_t server_expect(struct server *s, uint8_t type)
{
    struct proto_msg m;
    assert_int_equal(server_read(s, &m), 0);
    assert_string_equal(proto_type_name(m.type), proto_type_name(type));
    return m.type;
}

static void server_send(struct server *s, const struct proto_msg *m)
{
    uint8_t buf[PROTO_S2C_FRAME_MAX];
    int n = proto_encode(m, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(send(s->fd, buf, (size_t)n, MSG_NOSIGNAL), n);
}

static void server_close(struct server *s)
{
    if (s->fd >= 0)
        close(s->fd);
    close(s->lfd);
}

/* ---- tests ---- */

/* A port with nothing listening: the connect fails, and the app hears why. */
static void test_refused(void **state)
{
    (void)state;
    struct server s;
    server_listen(&s);
    char host[64];
    snprintf(host, sizeof host, "127.0.0.1:%u", (unsigned)s.port);
    server_close(&s); /* nobody listens there any more */

    struct waker w;
    struct netthread *t = start(&w);
    assert_int_equal(netthread_connect(t, host, "alice"), 0);
    struct net_event e;
    next_event(t, &w, &e);
    assert_int_equal(e.ev.type, SESSION_EV_CLOSED);
    assert_int_equal(e.ev.u.closed.reason, SESSION_CLOSE_CONNECT);
    assert_int_equal(e.snap.phase, SESSION_CLOSED);
    assert_non_null(strstr(e.ev.u.closed.message, "refused"));
    netthread_stop(t, 500);
    waker_close(&w);
}

/* A name the protocol refuses: an EV_CLOSED made by the thread itself. */
static void test_bad_name(void **state)
{
    (void)state;
    struct waker w;
    struct netthread *t = start(&w);
    struct session_request move = req(SESSION_REQ_MOVE); /* no session yet: ignored */
    assert_int_equal(netthread_request(t, &move), 0);
    assert_int_equal(netthread_connect(t, "127.0.0.1:1", ""), 0);
    struct net_event e;
    next_event(t, &w, &e);
    assert_int_equal(e.ev.type, SESSION_EV_CLOSED);
    assert_int_equal(e.ev.u.closed.reason, SESSION_CLOSE_CONNECT);
    assert_non_null(strstr(e.ev.u.closed.message, "name"));
    assert_int_equal(take(t, &e), 0);
    /* An address longer than the queue holds is refused, not cut. */
    char host[NETTHREAD_ADDR_MAX + 8];
    memset(host, 'a', sizeof host - 1);
    host[sizeof host - 1] = '\0';
    assert_int_equal(netthread_connect(t, host, "alice"), -1);
    assert_int_equal(take(t, &e), 0);
    netthread_stop(t, 500);
    waker_close(&w);
}

/* Handshake, the game list, quick match, then a LEAVE and stop: the server
 * reads HELLO, LIST_GAMES, QUICK_MATCH, LEAVE and then the end of the stream. */
static void test_session_and_goodbye(void **state)
{
    (void)state;
    struct server s;
    server_listen(&s);
    char host[64];
    snprintf(host, sizeof host, "127.0.0.1:%u", (unsigned)s.port);
    struct waker w;
    struct netthread *t = start(&w);
    assert_int_equal(netthread_connect(t, host, "alice"), 0);

    server_accept(&s);
    struct proto_msg m;
    assert_int_equal(server_read(&s, &m), 0);
    assert_int_equal(m.type, PROTO_HELLO);
    assert_string_equal(m.u.hello.name.s, "alice");
    memset(&m, 0, sizeof m);
    m.type = PROTO_WELCOME;
    m.u.welcome.version = PROTO_VERSION;
    m.u.welcome.turn_s = 30;
    m.u.welcome.grace_s = 20;
    server_send(&s, &m);

    struct net_event e;
    next_event(t, &w, &e);
    assert_int_equal(e.ev.type, SESSION_EV_WELCOME);
    assert_int_equal(e.snap.phase, SESSION_LOBBY);
    assert_int_equal(e.snap.turn_s, 30);
    assert_int_equal(e.snap.grace_s, 20);

    /* The list arrives copied: the session's pointer is not handed over. */
    struct session_request list = req(SESSION_REQ_LIST_GAMES);
    assert_int_equal(netthread_request(t, &list), 0);
    server_expect(&s, PROTO_LIST_GAMES);
    memset(&m, 0, sizeof m);
    m.type = PROTO_GAME_LIST;
    m.u.game_list.count = 2;
    m.u.game_list.games[0].game_id = 7;
    m.u.game_list.games[0].ply = 3;
    proto_name_set(&m.u.game_list.games[0].x_name, "bob");
    proto_name_set(&m.u.game_list.games[0].o_name, "carol");
    m.u.game_list.games[1].game_id = 9;
    proto_name_set(&m.u.game_list.games[1].x_name, "dave");
    proto_name_set(&m.u.game_list.games[1].o_name, "erin");
    server_send(&s, &m);
    next_event(t, &w, &e);
    assert_int_equal(e.ev.type, SESSION_EV_GAME_LIST);
    assert_int_equal(e.snap.list.count, 2);
    assert_int_equal(e.snap.list.games[0].game_id, 7);
    assert_int_equal(e.snap.list.games[0].ply, 3);
    assert_string_equal(e.snap.list.games[0].o_name.s, "carol");
    assert_string_equal(e.snap.list.games[1].x_name.s, "dave");

    struct session_request qm = req(SESSION_REQ_QUICK_MATCH);
    assert_int_equal(netthread_request(t, &qm), 0);
    server_expect(&s, PROTO_QUICK_MATCH);
    memset(&m, 0, sizeof m);
    m.type = PROTO_QUEUED;
    server_send(&s, &m);
    next_event(t, &w, &e);
    assert_int_equal(e.ev.type, SESSION_EV_QUEUED);
    assert_int_equal(e.snap.phase, SESSION_QUEUED);

    /* LEAVE then stop: the LEAVE is on the wire before the connection ends. */
    struct session_request leave = req(SESSION_REQ_LEAVE);
    assert_int_equal(netthread_request(t, &leave), 0);
    netthread_stop(t, 300);
    server_expect(&s, PROTO_LEAVE);
    while (server_read(&s, &m) == 0) /* a barrier PING may follow the LEAVE */
        assert_int_equal(m.type, PROTO_PING);
    server_close(&s);
    waker_close(&w);
}

/* Stopping a thread that never had a session, and netthread_stop(NULL). */
static void test_stop_idle(void **state)
{
    (void)state;
    struct waker w;
    struct netthread *t = start(&w);
    netthread_stop(t, 100);
    netthread_stop(NULL, 100);
    waker_close(&w);
}

/* ---- the address to tell a friend ---- */

static struct sock_local_addr local(const char *text, int loopback)
{
    struct sock_local_addr a;
    memset(&a, 0, sizeof a);
    snprintf(a.text, sizeof a.text, "%s", text);
    a.is_loopback = loopback;
    return a;
}

/* The first IPv4 address that is not loopback, else the first IPv6 one,
 * else none. */
static void test_invite_pick(void **state)
{
    (void)state;
    struct sock_local_addr a[] = { local("[2001:db8::5]:7777", 0), local("[fd00::2]:7777", 0),
                                   local("192.168.1.20:7777", 0), local("10.0.0.3:7777", 0),
                                   local("127.0.0.1:7777", 1), local("[::1]:7777", 1) };
    assert_int_equal(invite_pick(a, 6), 2);
    assert_int_equal(invite_pick(a, 2), 0);
    assert_int_equal(invite_pick(a + 4, 2), -1);
    assert_int_equal(invite_pick(a, 0), -1);
}

/* Connect to a server listening on every address, at `host`, and take the
 * WELCOME's event. */
static void welcome_at(struct server *s, const char *host, struct net_event *e)
{
    char hostport[96];
    snprintf(hostport, sizeof hostport, "%s:%u", host, (unsigned)s->port);
    struct waker w;
    struct netthread *t = start(&w);
    assert_int_equal(netthread_connect(t, hostport, "alice"), 0);
    server_accept(s);
    server_expect(s, PROTO_HELLO);
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_WELCOME;
    m.u.welcome.version = PROTO_VERSION;
    m.u.welcome.turn_s = 30;
    m.u.welcome.grace_s = 20;
    server_send(s, &m);
    next_event(t, &w, e);
    assert_int_equal(e->ev.type, SESSION_EV_WELCOME);
    netthread_stop(t, 100);
    waker_close(&w);
    close(s->fd);
    s->fd = -1;
}

/* A server reached at 127.0.0.1, ::1 or localhost is on this machine: the
 * WELCOME comes with an address of this machine, not loopback, on the
 * server's port, which really reaches the server; reached at that address
 * (or on a machine with no other address), the typed one is kept. */
static void test_invite_addr_on_welcome(void **state)
{
    (void)state;
    struct server s;
    server_listen_on(&s, "::");
    struct sock_local_addr mine[64];
    int n = sock_local_addrs(s.port, AF_UNSPEC, mine, 64), others = 0, v4 = 0;
    assert_true(n >= 0);
    for (int i = 0; i < n; i++) {
        others += !mine[i].is_loopback;
        v4 += !mine[i].is_loopback && mine[i].text[0] != '[';
    }
    static const char *loopbacks[] = { "127.0.0.1", "[::1]", "localhost" };
    struct net_event e;
    for (size_t k = 0; k < 3; k++) {
        welcome_at(&s, loopbacks[k], &e);
        if (others == 0) {
            assert_string_equal(e.invite_addr, "");
            continue;
        }
        char port[16];
        snprintf(port, sizeof port, ":%u", (unsigned)s.port);
        size_t len = strlen(e.invite_addr);
        assert_true(len > strlen(port) && strcmp(e.invite_addr + len - strlen(port), port) == 0);
        int listed = 0;
        for (int i = 0; i < n; i++)
            listed |= !mine[i].is_loopback && strcmp(mine[i].text, e.invite_addr) == 0;
        assert_true(listed);
        assert_true(v4 == 0 || e.invite_addr[0] != '['); /* IPv4 first */
    }
    if (others > 0) {
        /* The friend's way in works, and it is told as typed. */
        char host[SOCK_ADDR_LEN];
        snprintf(host, sizeof host, "%.*s", (int)(strrchr(e.invite_addr, ':') - e.invite_addr),
                 e.invite_addr);
        welcome_at(&s, host, &e);
        assert_string_equal(e.invite_addr, "");
    }
    server_close(&s);
}

/* ---- the search for servers ---- */

#define FOUND_MAX 8

/* Run the responder (answering as "live box" while `answering`) until the
 * thread hands over a list, or ms pass: 1 with it in found[0..*n). */
static int servers_within(struct netthread *t, struct waker *w, const struct udp_socks *r, int answering,
                          int ms, struct discover_server *found, size_t *n)
{
    for (int waited = 0; waited < ms; waited += 20) {
        if (netthread_take_servers(t, found, FOUND_MAX, n))
            return 1;
        struct pollfd p[3] = {{.fd = w->fds[0], .events = POLLIN}, {.fd = r->fd4, .events = POLLIN},
                              {.fd = r->fd6, .events = POLLIN}};
        assert_true(poll(p, 3, 20) >= 0);
        char buf[64];
        while (read(w->fds[0], buf, sizeof buf) > 0)
            ;
        for (int i = 1; i < 3; i++) {
            if (p[i].fd < 0 || !(p[i].revents & POLLIN))
                continue;
            if (answering) {
                th_disc_answer_queries(p[i].fd, 42, 7777, 3, "live box");
            } else {
                uint8_t q[DISC_DATAGRAM_MAX + 1];
                struct sockaddr_storage from;
                socklen_t fromlen;
                while (udp_recv(p[i].fd, q, sizeof q, &from, &fromlen) >= 0) /* heard, not answered */
                    ;
            }
        }
    }
    return 0;
}

/* While asked, the thread looks for servers with its own timers and
 * sockets: a responder on this machine is listed (after the empty list a
 * search starts with), and forgotten when it falls silent; stopped, the
 * list empties and the queries stop. */
static void test_servers_on_the_network(void **state)
{
    (void)state;
    struct waker w;
    struct udp_socks r;
    char err[SOCK_ERR_LEN];
    assert_true(udp_open_responder(0, &r, err) >= 1);
    uint16_t port = udp_local_port(r.fd4 >= 0 ? r.fd4 : r.fd6);
    struct netthread *t = start(&w);
    struct discover_server found[FOUND_MAX];
    size_t n = 99;
    assert_int_equal(netthread_take_servers(t, found, FOUND_MAX, &n), 0); /* not looking */
    assert_int_equal(netthread_discover(t, 1, port), 0);
    assert_true(servers_within(t, &w, &r, 1, 3000, found, &n));
    if (n == 0) /* the empty list of a search starting; then the server */
        assert_true(servers_within(t, &w, &r, 1, 3000, found, &n));
    assert_int_equal(n, 1);
    assert_string_equal(found[0].info.name.s, "live box");
    assert_int_equal(found[0].info.players, 3);
    assert_int_equal(found[0].info.tcp_port, 7777);

    /* Silent: forgotten after DISCOVER_FORGET_MS (a list that still holds
     * it may come first: its address or facts refreshed by a late answer). */
    uint64_t silent_at = netthread_now_ms();
    do
        assert_true(servers_within(t, &w, &r, 0, (int)DISCOVER_FORGET_MS + 2500, found, &n));
    while (n != 0 && netthread_now_ms() < silent_at + DISCOVER_FORGET_MS + 2500);
    assert_int_equal(n, 0);

    /* Stopped: the list is empty, and no query comes any more (once those
     * already on their way are read). */
    assert_int_equal(netthread_discover(t, 0, port), 0);
    assert_true(servers_within(t, &w, &r, 0, 2000, found, &n));
    assert_int_equal(n, 0);
    (void)servers_within(t, &w, &r, 0, 200, found, &n);
    struct pollfd p[2] = {{.fd = r.fd4, .events = POLLIN}, {.fd = r.fd6, .events = POLLIN}};
    assert_int_equal(poll(p, 2, (int)DISCOVER_INTERVAL_MS + 500), 0);
    netthread_stop(t, 100);
    udp_close(&r);
    waker_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_bad_name),
        cmocka_unit_test(test_session_and_goodbye),
        cmocka_unit_test(test_stop_idle),
        cmocka_unit_test(test_invite_pick),
        cmocka_unit_test(test_invite_addr_on_welcome),
        cmocka_unit_test(test_servers_on_the_network),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
