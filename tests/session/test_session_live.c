/* SPDX-License-Identifier: MIT */
/* test_session_live.c: the client session library (session/session.h over
 * session/driver.h) against the real server: two sessions quick-match and play through tttd;
 * one loses its socket mid-game, reconnects and RESUMEs on its own and the
 * game goes on to a win on a line; a rematch with the marks swapped, ended
 * by a resignation; a private room joined by its code, listed and watched
 * by a third session, played to the end; a turn clock running out; and a
 * refused connection.
 *
 * usage: test_session_live HOST:PORT  (a tttd started with --turn-time 2
 * --grace 5; tests/session/session_live.sh does that). Exit 0 when all pass. */
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "driver.h"
#include "session.h"

#define PEERS 3
#define QUEUE 256
#define WAIT_MS 5000

struct peer {
    const char *name;
    struct session *s;
    struct driver d;
    struct session_event q[QUEUE];
    unsigned head, count;
};

static struct peer peers[PEERS];
static const char *server;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond))                                                                 \
            die("%s:%d: %s", __FILE__, __LINE__, #cond);                             \
    } while (0)

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Collect each live session's events into its queue. */
static void drain(void)
{
    for (int i = 0; i < PEERS; i++) {
        struct peer *p = &peers[i];
        struct session_event ev;
        while (p->s && session_next_event(p->s, &ev)) {
            if (p->count == QUEUE)
                die("%s: event queue overflow", p->name);
            p->q[(p->head + p->count++) % QUEUE] = ev;
        }
    }
}

/* One round of the loop: write what the requests queued, poll every
 * driver's fd, call its entry points and its tick. */
static void step(int timeout_ms)
{
    struct pollfd fds[PEERS];
    int idx[PEERS], n = 0;
    uint64_t now = now_ms();
    for (int i = 0; i < PEERS; i++) {
        struct driver *d = &peers[i].d;
        if (!peers[i].s)
            continue;
        driver_sync(d, now);
        uint64_t dl = driver_next_deadline(d);
        if (dl != UINT64_MAX) {
            int until = dl <= now ? 0 : (int)(dl - now);
            if (until < timeout_ms)
                timeout_ms = until;
        }
        if (driver_fd(d) < 0)
            continue;
        fds[n].fd = driver_fd(d);
        fds[n].events = (short)(POLLIN | (driver_wants_write(d) ? POLLOUT : 0));
        fds[n].revents = 0;
        idx[n++] = i;
    }
    if (poll(fds, (nfds_t)n, timeout_ms) < 0)
        die("poll failed");
    now = now_ms();
    for (int k = 0; k < n; k++) {
        struct driver *d = &peers[idx[k]].d;
        if (driver_fd(d) != fds[k].fd)
            continue;
        if (fds[k].revents & (POLLOUT | POLLERR | POLLHUP))
            driver_on_writable(d, now);
        if (driver_fd(d) == fds[k].fd && (fds[k].revents & (POLLIN | POLLERR | POLLHUP)))
            driver_on_readable(d, now);
    }
    for (int i = 0; i < PEERS; i++) {
        if (peers[i].s)
            driver_tick(&peers[i].d, now);
    }
    drain();
}

static const char *ev_name(uint8_t t)
{
    static const char *const names[] = { "?", "WELCOME", "QUEUED", "ROOM_CREATED", "GAME_START",
        "STATE", "MOVED", "GAME_OVER", "OPPONENT", "GAME_LIST", "SERVER_ERROR", "RECONNECTING",
        "RESUMED", "CLOSED" };
    return t < sizeof names / sizeof names[0] ? names[t] : "?";
}

/* The next event of peer p (waiting up to WAIT_MS). */
static struct session_event next_ev(struct peer *p)
{
    uint64_t end = now_ms() + WAIT_MS;
    while (p->count == 0) {
        if (now_ms() >= end)
            die("%s: no event within %d ms (phase %s, error '%s')", p->name, WAIT_MS,
                session_phase_name(session_phase(p->s)), session_error(p->s));
        step(50);
    }
    struct session_event ev = p->q[p->head];
    p->head = (p->head + 1) % QUEUE;
    p->count--;
    return ev;
}

/* Skip to the next event of `type`; a CLOSED on the way is a failure, and
 * so is any event not in `allowed_skips` (a string of event types). */
static struct session_event expect(struct peer *p, uint8_t type, const char *allowed)
{
    for (;;) {
        struct session_event ev = next_ev(p);
        if (ev.type == type)
            return ev;
        if (ev.type == SESSION_EV_CLOSED || !allowed || !strchr(allowed, (char)ev.type))
            die("%s: expected %s, got %s (%s)", p->name, ev_name(type), ev_name(ev.type),
                ev.type == SESSION_EV_CLOSED ? ev.u.closed.message : session_error(p->s));
    }
}

static const char SKIP_OPP[] = { SESSION_EV_OPPONENT, 0 };
static const char SKIP_MOVES[] = { SESSION_EV_MOVED, SESSION_EV_OPPONENT, 0 };

static void open_peer(int i, const char *name)
{
    struct peer *p = &peers[i];
    char err[SESSION_ERR_LEN];
    struct session_config cfg = { .name = name, .connect_timeout_ms = 3000, .auto_reconnect = 1 };
    memset(p, 0, sizeof *p);
    p->name = name;
    p->s = session_new(&cfg, err);
    if (!p->s)
        die("session_new: %s", err);
    driver_init(&p->d, p->s);
    CHECK(driver_start(&p->d, server, now_ms()) == 0);
    expect(p, SESSION_EV_WELCOME, NULL);
    CHECK(session_phase(p->s) == SESSION_LOBBY);
    CHECK(session_turn_s(p->s) == 2);
    CHECK(session_grace_s(p->s) == 5);
}

/* `mover` plays `cell`; both players see the same MOVED. */
static void play(struct peer *mover, struct peer *other, unsigned cell)
{
    CHECK(session_my_turn(mover->s));
    CHECK(!session_my_turn(other->s));
    uint8_t ply = session_game(mover->s)->board.ply;
    CHECK(session_move(mover->s, cell) == 0);
    CHECK(session_move(mover->s, cell) == -1); /* one move in flight at most */
    struct session_event a = expect(mover, SESSION_EV_MOVED, SKIP_OPP);
    struct session_event b = expect(other, SESSION_EV_MOVED, SKIP_OPP);
    CHECK(a.u.moved.ply == ply && a.u.moved.cell == cell);
    CHECK(b.u.moved.ply == ply && b.u.moved.cell == cell);
    CHECK(a.u.moved.mark == session_game(mover->s)->you);
    CHECK(memcmp(&session_game(mover->s)->board, &session_game(other->s)->board,
                 sizeof(struct board)) == 0);
}

/* Both players get GAME_START + STATE; returns the X player's index. */
static int game_starts(struct peer *a, struct peer *b, const char *skip)
{
    expect(a, SESSION_EV_GAME_START, skip);
    expect(b, SESSION_EV_GAME_START, skip);
    expect(a, SESSION_EV_STATE, NULL);
    expect(b, SESSION_EV_STATE, NULL);
    const struct session_game *ga = session_game(a->s), *gb = session_game(b->s);
    CHECK(ga->game_id == gb->game_id && ga->game_id != 0);
    CHECK(ga->you + gb->you == PROTO_MARK_X + PROTO_MARK_O);
    CHECK(ga->board.ply == 0 && ga->to_move == PROTO_MARK_X);
    CHECK(session_phase(a->s) == SESSION_PLAYING && session_phase(b->s) == SESSION_PLAYING);
    return ga->you == PROTO_MARK_X ? 0 : 1;
}

static void game_over(struct peer *p, uint8_t winner, uint8_t reason)
{
    expect(p, SESSION_EV_GAME_OVER, SKIP_MOVES);
    const struct session_game *g = session_game(p->s);
    if (g->winner != winner || g->reason != reason)
        die("%s: GAME_OVER winner %u reason %u, expected winner %u reason %u", p->name,
            (unsigned)g->winner, (unsigned)g->reason, (unsigned)winner, (unsigned)reason);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_session_live HOST:PORT\n");
        return 2;
    }
    server = argv[1];
    struct peer *a = &peers[0], *b = &peers[1], *c = &peers[2];
    open_peer(0, "alice");
    open_peer(1, "bob");

    /* 1. Quick match; O loses its socket mid-game and resumes by itself. */
    CHECK(session_quick_match(a->s) == 0);
    expect(a, SESSION_EV_QUEUED, NULL);
    CHECK(session_quick_match(b->s) == 0);
    struct peer *x = game_starts(a, b, (const char[]){ SESSION_EV_QUEUED, 0 }) == 0 ? a : b;
    struct peer *o = x == a ? b : a;
    play(x, o, 0);
    play(o, x, 3);
    play(x, o, 1);
    uint32_t game_id = session_game(o->s)->game_id;
    CHECK(shutdown(driver_fd(&o->d), SHUT_RDWR) == 0);
    expect(o, SESSION_EV_RECONNECTING, NULL);
    CHECK(session_phase(o->s) == SESSION_RECONNECTING);
    expect(o, SESSION_EV_RESUMED, NULL);
    expect(o, SESSION_EV_STATE, NULL);
    CHECK(session_phase(o->s) == SESSION_PLAYING);
    CHECK(session_game(o->s)->game_id == game_id);
    CHECK(session_game(o->s)->board.ply == 3);
    CHECK(session_game(o->s)->board.cells[0] == BOARD_X && session_game(o->s)->board.cells[1] == BOARD_X);
    CHECK(session_game(o->s)->board.cells[3] == BOARD_O);
    play(o, x, 4);
    play(x, o, 2); /* X: 0 1 2 */
    game_over(x, PROTO_MARK_X, PROTO_REASON_LINE);
    game_over(o, PROTO_MARK_X, PROTO_REASON_LINE);
    CHECK(memcmp(session_game(o->s)->line, (const uint8_t[]){ 0, 1, 2 }, 3) == 0);
    CHECK(session_phase(x->s) == SESSION_GAME_OVER);
    printf("ok: a game through tttd with a lost socket and an automatic RESUME\n");

    /* 2. Rematch: a new game, marks swapped; the new X resigns. */
    CHECK(session_rematch(x->s) == 0);
    struct session_event ev = expect(o, SESSION_EV_OPPONENT, NULL);
    while (ev.u.opponent.event != PROTO_OPP_REMATCH)
        ev = expect(o, SESSION_EV_OPPONENT, NULL); /* the RESUME's reconnected came first */
    CHECK(session_rematch(o->s) == 0);
    int xi = game_starts(x, o, SKIP_OPP);
    CHECK(session_game(x->s)->game_id != game_id);
    struct peer *nx = xi == 0 ? x : o, *no = xi == 0 ? o : x;
    CHECK(nx == o); /* swapped */
    play(nx, no, 4);
    CHECK(session_resign(no->s) == 0);
    game_over(no, PROTO_MARK_X, PROTO_REASON_RESIGN);
    game_over(nx, PROTO_MARK_X, PROTO_REASON_RESIGN);
    printf("ok: rematch with the marks swapped, ended by a resignation\n");

    /* 3. A private room, listed and watched by a third session. */
    CHECK(session_create_room(a->s) == 0);
    ev = expect(a, SESSION_EV_ROOM_CREATED, NULL);
    CHECK(strlen(ev.u.room_code) == PROTO_CODE_LEN && proto_code_valid(ev.u.room_code));
    CHECK(session_join_room(b->s, ev.u.room_code) == 0);
    CHECK(game_starts(a, b, SKIP_OPP) == 0); /* the room's creator is X */
    open_peer(2, "carol");
    CHECK(session_list_games(c->s) == 0);
    ev = expect(c, SESSION_EV_GAME_LIST, NULL);
    uint32_t room_game = session_game(a->s)->game_id;
    int listed = 0;
    const struct session_game_list *list = session_game_list(c->s);
    for (unsigned i = 0; i < list->count; i++)
        listed |= list->games[i].game_id == room_game;
    CHECK(listed);
    CHECK(session_spectate(c->s, room_game) == 0);
    expect(c, SESSION_EV_GAME_START, NULL);
    expect(c, SESSION_EV_STATE, NULL);
    CHECK(session_phase(c->s) == SESSION_SPECTATING);
    CHECK(session_game(c->s)->you == PROTO_SPECTATOR);
    static const unsigned draw[9] = { 0, 4, 8, 1, 7, 6, 2, 5, 3 };
    for (int i = 0; i < 9; i++)
        play(i % 2 == 0 ? a : b, i % 2 == 0 ? b : a, draw[i]);
    game_over(a, 0, PROTO_REASON_FULL);
    game_over(b, 0, PROTO_REASON_FULL);
    game_over(c, 0, PROTO_REASON_FULL);
    CHECK(memcmp(&session_game(c->s)->board, &session_game(a->s)->board, sizeof(struct board)) == 0);
    CHECK(session_phase(c->s) == SESSION_LOBBY);
    printf("ok: a room by its code, listed and watched to a draw\n");

    /* 4. The turn clock (2 s) runs out: X loses by timeout. */
    CHECK(session_rematch(a->s) == 0);
    CHECK(session_rematch(b->s) == 0);
    xi = game_starts(a, b, SKIP_OPP);
    struct peer *slow = xi == 0 ? a : b, *fast = xi == 0 ? b : a;
    CHECK(session_game(slow->s)->turn_deadline_ms > now_ms());
    game_over(slow, PROTO_MARK_O, PROTO_REASON_TIMEOUT);
    game_over(fast, PROTO_MARK_O, PROTO_REASON_TIMEOUT);
    printf("ok: the turn clock ran out\n");

    /* 5. Leaving: the opponent hears it; both back to the lobby. */
    CHECK(session_leave(slow->s) == 0);
    ev = expect(fast, SESSION_EV_OPPONENT, NULL);
    CHECK(ev.u.opponent.event == PROTO_OPP_LEFT);
    CHECK(session_rematch(fast->s) == -1);
    for (int i = 0; i < PEERS; i++) {
        session_close(peers[i].s);
        driver_sync(&peers[i].d, now_ms());
        CHECK(driver_fd(&peers[i].d) == -1);
        drain();
        session_free(peers[i].s);
        peers[i].s = NULL;
    }

    /* 6. Refused: nothing listens on port 1 of loopback. */
    char err[SESSION_ERR_LEN];
    struct session_config cfg = { .name = "dave", .connect_timeout_ms = 3000, .auto_reconnect = 1 };
    struct peer *d = &peers[0];
    memset(d, 0, sizeof *d);
    d->name = "dave";
    d->s = session_new(&cfg, err);
    CHECK(d->s != NULL);
    driver_init(&d->d, d->s);
    (void)driver_start(&d->d, "127.0.0.1:1", now_ms());
    ev = next_ev(d);
    if (ev.type != SESSION_EV_CLOSED || ev.u.closed.reason != SESSION_CLOSE_CONNECT)
        die("refused: got %s", ev_name(ev.type));
    CHECK(session_phase(d->s) == SESSION_CLOSED);
    CHECK(strstr(session_error(d->s), "refused") != NULL);
    CHECK(driver_fd(&d->d) == -1);
    session_free(d->s);
    d->s = NULL;
    printf("ok: connection refused closes the session with a reason\n");
    return 0;
}
