/* swarm.c: ttt-bot's clients on one epoll loop. Each client owns one
 * session (client/session.h) and drives it from the loop: its socket is
 * watched for the session's needs, a timer runs session_tick at the
 * session's deadline, another waits out --think before a move. The client
 * reacts to the session's events: it starts games, moves, offers rematches,
 * counts results and latencies, and stops the whole run at the first
 * failure. New connections start in batches of SWARM_CONNECT_BATCH.
 *
 * Game budget: with quick match and no --rematch the swarm shares
 * clients x games games: a client that finishes a game takes the next one
 * while any is left, so no client can be left alone in the queue at the
 * end. With --rematch (or a room) each client plays exactly --games games
 * against one opponent.
 */
#include "swarm.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "session.h"

#define PROGRESS_MS 1000u

enum client_state { CLIENT_IDLE = 0, CLIENT_ACTIVE, CLIENT_DONE, CLIENT_FAILED };

struct client {
    struct swarm *sw;
    uint32_t index;
    enum client_state state;
    struct session *s;
    int fd;                     /* the fd registered with the loop, or -1 */
    unsigned mask;
    struct loop_timer tick;     /* session_tick at session_next_deadline */
    struct loop_timer wait;     /* --think pause, or waiting for the rate */
    uint64_t tokens;            /* rate bucket, thousandths of a frame */
    uint64_t pace_ms;           /* when it was last filled */
    uint8_t want_next;          /* the next game is to be asked for */
    struct strategy_rng rng;
    uint64_t move_sent_us;      /* when the MOVE in flight was sent */
    uint8_t move_out;           /* a MOVE is in flight: time its MOVED */
    uint8_t welcomed;
    uint8_t in_game;            /* between GAME_START and GAME_OVER */
    uint32_t games_done;
};

struct swarm {
    const struct bot_options *opt;
    struct stats *st;
    struct loop *loop;
    struct client *clients;
    uint32_t started;           /* clients that began connecting */
    uint32_t connecting;        /* ... and are not welcomed yet */
    uint32_t welcomed;
    uint32_t ended;             /* clients done (or failed) */
    uint64_t games_target;      /* the shared budget (quick match, no rematch) */
    uint64_t games_reserved;
    int failed;
    char error[BOT_ERR_LEN];
    int signal_fd;
    int progress;               /* a progress line on stderr */
    int starting;               /* inside start_clients (no recursion) */
    uint64_t start_us, end_us;
    struct loop_timer progress_timer;
};

static uint64_t now_us(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- ending ---- */

static void stop_all(struct swarm *sw)
{
    sw->end_us = now_us();
    loop_stop(sw->loop);
}

/* The run failed: keep the first reason, stop the loop. */
static void client_fail(struct client *c, const char *fmt, ...)
{
    struct swarm *sw = c->sw;
    if (c->state == CLIENT_ACTIVE || c->state == CLIENT_IDLE) {
        c->state = CLIENT_FAILED;
        sw->ended++;
    }
    if (sw->failed)
        return;
    sw->failed = 1;
    char msg[BOT_ERR_LEN - 32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (sw->opt->clients > 1)
        snprintf(sw->error, sizeof sw->error, "client %u: %s", (unsigned)c->index + 1u, msg);
    else
        snprintf(sw->error, sizeof sw->error, "%s", msg);
    stop_all(sw);
}

/* This client played all its games: close politely. */
static void client_finish(struct client *c)
{
    struct swarm *sw = c->sw;
    if (c->state != CLIENT_ACTIVE)
        return;
    c->state = CLIENT_DONE;
    loop_timer_cancel(sw->loop, &c->wait);
    session_close(c->s);
    sw->ended++;
    if (sw->ended == sw->opt->clients)
        stop_all(sw);
}

/* ---- pacing ---- */

/* The server drops a client that sends more than 50 frames a second beyond
 * a burst of 100 (PROTOCOL.md, flow control). Each client keeps its own
 * bucket, a little stricter, and waits on its timer when it runs dry. */
#define PACE_PER_S 45u
#define PACE_BURST 90u
#define MILLI 1000u

/* Take `frames` tokens: 0, or the milliseconds to wait before trying again. */
static uint64_t pace(struct client *c, unsigned frames)
{
    uint64_t now = loop_now_ms(c->sw->loop);
    if (now > c->pace_ms) {
        c->tokens += (now - c->pace_ms) * PACE_PER_S;
        if (c->tokens > (uint64_t)PACE_BURST * MILLI)
            c->tokens = (uint64_t)PACE_BURST * MILLI;
        c->pace_ms = now;
    }
    uint64_t need = (uint64_t)frames * MILLI;
    if (c->tokens >= need) {
        c->tokens -= need;
        return 0;
    }
    return (need - c->tokens + PACE_PER_S - 1u) / PACE_PER_S;
}

/* ---- playing ---- */

static void send_move(struct client *c)
{
    const struct session_game *g = session_game(c->s);
    unsigned cell = strategy_choose(&c->sw->opt->strategy, &c->rng, &g->board);
    if (cell == BOARD_NO_CELL) {
        client_fail(c, "no move to make on a board the session says is live");
        return;
    }
    uint64_t t = now_us();
    if (session_move(c->s, cell) == 0) {
        c->move_sent_us = t;
        c->move_out = 1;
    }
    /* else the send failed: the session queued RECONNECTING or CLOSED */
}

static void next_game(struct client *c);

/* Frames the next request costs. */
static unsigned next_game_frames(const struct client *c)
{
    const struct bot_options *o = c->sw->opt;
    if (c->games_done == 0 || (o->rematch && !session_game(c->s)->opponent_left))
        return 1;
    return 3; /* LEAVE, its PING, QUICK_MATCH */
}

static void arm_wait(struct client *c, uint64_t ms)
{
    struct loop *loop = c->sw->loop;
    if (loop_timer_at(loop, &c->wait, loop_now_ms(loop) + ms) < 0)
        client_fail(c, "too many timers for the event loop");
}

/* Do what the client waits to do (its next game, or its move) if the
 * rate allows, else come back when it will. */
static void act(struct client *c)
{
    if (c->state != CLIENT_ACTIVE || loop_timer_armed(&c->wait))
        return;
    if (c->want_next) {
        uint64_t ms = pace(c, next_game_frames(c));
        if (ms) {
            c->sw->st->rate_waits++;
            arm_wait(c, ms);
        } else {
            next_game(c);
        }
        return;
    }
    if (!session_my_turn(c->s))
        return;
    uint64_t ms = pace(c, 1);
    if (ms) {
        c->sw->st->rate_waits++;
        arm_wait(c, ms);
    } else {
        send_move(c);
    }
}

/* The session may want a move: after --think, or now. */
static void maybe_move(struct client *c)
{
    if (c->state != CLIENT_ACTIVE || c->want_next || !session_my_turn(c->s) ||
        loop_timer_armed(&c->wait))
        return;
    if (c->sw->opt->think_ms)
        arm_wait(c, c->sw->opt->think_ms);
    else
        act(c);
}

/* Ask for the next game, or finish. */
static void next_game(struct client *c)
{
    struct swarm *sw = c->sw;
    const struct bot_options *o = sw->opt;
    const struct session_game *g = session_game(c->s);
    int first = c->games_done == 0;
    int rc;
    c->want_next = 0;
    if (first && o->mode == BOT_MODE_CREATE_ROOM) {
        rc = session_create_room(c->s);
    } else if (first && o->mode == BOT_MODE_JOIN_ROOM) {
        rc = session_join_room(c->s, o->room);
    } else if (o->rematch && !first && !g->opponent_left) {
        if (c->games_done >= o->games) {
            client_finish(c);
            return;
        }
        if (g->rematch_offered)
            return;
        rc = session_rematch(c->s);
    } else {
        if (o->rematch ? c->games_done >= o->games : sw->games_reserved >= sw->games_target) {
            client_finish(c);
            return;
        }
        if (o->rematch && o->mode != BOT_MODE_QUICK) {
            client_fail(c, "the opponent left after %u of %u games", (unsigned)c->games_done,
                        (unsigned)o->games);
            return;
        }
        if (!o->rematch)
            sw->games_reserved++;
        /* From a finished game, LEAVE first, then ask from the lobby: the
         * session's barrier then covers every frame of the old game. */
        rc = 0;
        if (session_phase(c->s) == SESSION_GAME_OVER)
            rc = session_leave(c->s);
        if (rc == 0)
            rc = session_quick_match(c->s);
    }
    if (rc < 0 && session_phase(c->s) != SESSION_CLOSED)
        client_fail(c, "the session refused the next request in phase %s",
                    session_phase_name(session_phase(c->s)));
}

/* After a game (or the handshake): on to the next, at the allowed rate. */
static void want_next_game(struct client *c)
{
    c->want_next = 1;
    act(c);
}

/* Bytes of a name fit to print on a terminal: C1 controls (U+0080..U+009F,
 * which the name rules allow) become '?'. */
static void printable_name(const struct proto_name *n, char *out, size_t cap)
{
    size_t j = 0;
    for (size_t i = 0; i < n->len && j + 1 < cap; i++) {
        unsigned char b = (unsigned char)n->s[i];
        if (b == 0xC2 && i + 1 < n->len && (unsigned char)n->s[i + 1] >= 0x80 &&
            (unsigned char)n->s[i + 1] <= 0x9F) {
            out[j++] = '?';
            i++;
            continue;
        }
        out[j++] = (char)b;
    }
    out[j] = '\0';
}

static void print_game(struct client *c, const struct session_game *g)
{
    char x[PROTO_NAME_MAX + 1], o[PROTO_NAME_MAX + 1];
    printable_name(&g->x_name, x, sizeof x);
    printable_name(&g->o_name, o, sizeof o);
    const char *result = g->winner == 0 ? (g->reason == PROTO_REASON_ABORTED ? "aborted" : "draw")
                       : g->winner == g->you ? "won" : "lost";
    printf("game %u: %s (X) vs %s (O), playing %s: %s (%s)\n", (unsigned)c->games_done, x, o,
           g->you == PROTO_MARK_X ? "X" : "O", result, proto_reason_name(g->reason));
    fflush(stdout);
}

static void on_game_over(struct client *c)
{
    struct swarm *sw = c->sw;
    const struct session_game *g = session_game(c->s);
    c->move_out = 0;
    loop_timer_cancel(sw->loop, &c->wait);
    if (c->in_game)
        stats_playing(sw->st, 0);
    c->in_game = 0;
    c->games_done++;
    stats_game(sw->st, g->you, g->winner, g->reason);
    if (sw->opt->clients == 1 && !sw->opt->quiet)
        print_game(c, g);
    want_next_game(c);
}

static void on_server_error(struct client *c, const struct session_event *ev)
{
    uint8_t code = ev->u.error.code;
    const char *text = ev->u.error.message;
    if (code == PROTO_ERR_NOT_YOUR_TURN || code == PROTO_ERR_CELL_TAKEN ||
        code == PROTO_ERR_STALE_PLY) {
        c->sw->st->illegal_moves++;
        c->move_out = 0;
        act(c);
        return;
    }
    if (code == PROTO_ERR_NO_SUCH_ROOM) {
        client_fail(c, "no open room has the code %s (server: %s)", c->sw->opt->room, text);
        return;
    }
    client_fail(c, "unexpected server error %s%s%s", proto_error_name(code), text[0] ? ": " : "",
                text);
}

static void handle_event(struct client *c, const struct session_event *ev)
{
    struct swarm *sw = c->sw;
    if (c->state != CLIENT_ACTIVE)
        return; /* the EV_CLOSED of our own session_close, or after a failure */
    switch (ev->type) {
    case SESSION_EV_WELCOME:
        c->welcomed = 1;
        sw->connecting--;
        sw->welcomed++;
        want_next_game(c);
        break;
    case SESSION_EV_ROOM_CREATED:
        printf("room %s\n", ev->u.room_code);
        fflush(stdout);
        break;
    case SESSION_EV_GAME_START:
        c->move_out = 0;
        c->in_game = 1;
        stats_playing(sw->st, 1);
        break;
    case SESSION_EV_STATE:
        maybe_move(c);
        break;
    case SESSION_EV_MOVED:
        if (ev->u.moved.mark == session_game(c->s)->you) {
            sw->st->moves++;
            if (c->move_out) {
                uint64_t t = now_us();
                stats_latency(sw->st, t > c->move_sent_us ? t - c->move_sent_us : 0);
                c->move_out = 0;
            }
        }
        maybe_move(c);
        break;
    case SESSION_EV_GAME_OVER:
        on_game_over(c);
        break;
    case SESSION_EV_OPPONENT:
        if (ev->u.opponent.event == PROTO_OPP_LEFT && session_phase(c->s) == SESSION_GAME_OVER &&
            sw->opt->rematch && session_game(c->s)->rematch_offered)
            want_next_game(c); /* the opponent will not rematch */
        break;
    case SESSION_EV_SERVER_ERROR:
        on_server_error(c, ev);
        break;
    case SESSION_EV_RECONNECTING:
        sw->st->reconnects++;
        c->move_out = 0;
        loop_timer_cancel(sw->loop, &c->wait);
        if (sw->opt->clients == 1 && !sw->opt->quiet)
            fprintf(stderr, "ttt-bot: connection lost mid-game (%s); reconnecting\n",
                    session_error(c->s));
        break;
    case SESSION_EV_RESUMED:
        sw->st->resumed++;
        break;
    case SESSION_EV_CLOSED:
        if (ev->u.closed.reason == SESSION_CLOSE_CONNECT && !strstr(ev->u.closed.message, "connect"))
            client_fail(c, "cannot connect to %s: %s", sw->opt->host, ev->u.closed.message);
        else
            client_fail(c, "%s", ev->u.closed.message);
        break;
    default:
        break; /* QUEUED, GAME_LIST: nothing to do */
    }
}

static loop_fd_fn on_fd;

/* Make the loop watch what the session needs now: its fd (which changes on
 * a reconnect), read or write, and its next deadline. */
static void sync_client(struct client *c, int was_reconnecting)
{
    struct loop *loop = c->sw->loop;
    int fd = c->s ? session_fd(c->s) : -1;
    int reconnecting = c->s && session_phase(c->s) == SESSION_RECONNECTING;
    unsigned mask = LOOP_READABLE;
    if (fd >= 0 && session_wants_write(c->s))
        mask |= LOOP_WRITABLE;
    /* During a reconnect the session may close a socket and open another
     * that gets the same number within one call: register afresh. */
    if (fd != c->fd || was_reconnecting || reconnecting) {
        if (c->fd >= 0)
            loop_del_fd(loop, c->fd);
        c->fd = -1;
        if (fd >= 0) {
            if (loop_add_fd(loop, fd, mask, on_fd, c) < 0) {
                client_fail(c, "cannot watch socket %d: %s", fd, strerror(errno));
                return;
            }
            c->fd = fd;
            c->mask = mask;
        }
    } else if (fd >= 0 && mask != c->mask) {
        if (loop_mod_fd(loop, fd, mask) < 0) {
            client_fail(c, "cannot watch socket %d: %s", fd, strerror(errno));
            return;
        }
        c->mask = mask;
    }
    uint64_t when = c->s ? session_next_deadline(c->s) : UINT64_MAX;
    if (when == UINT64_MAX)
        loop_timer_cancel(loop, &c->tick);
    else if ((!loop_timer_armed(&c->tick) || c->tick.when_ms != when) &&
             loop_timer_at(loop, &c->tick, when) < 0)
        client_fail(c, "too many timers for the event loop");
}

static void start_clients(struct swarm *sw);

/* After any call into the session: react to its events, then re-sync. A
 * client that ended gives its session back. */
static void pump(struct client *c, int was_reconnecting)
{
    struct session_event ev;
    while (c->s && session_next_event(c->s, &ev))
        handle_event(c, &ev);
    if (c->state == CLIENT_DONE || c->state == CLIENT_FAILED) {
        if (c->fd >= 0)
            loop_del_fd(c->sw->loop, c->fd);
        c->fd = -1;
        loop_timer_cancel(c->sw->loop, &c->tick);
        loop_timer_cancel(c->sw->loop, &c->wait);
        if (!c->welcomed && c->s && c->sw->connecting > 0) {
            c->sw->connecting--;
            c->welcomed = 1;
        }
        session_free(c->s);
        c->s = NULL;
    } else {
        sync_client(c, was_reconnecting);
    }
    if (c->sw->connecting < SWARM_CONNECT_BATCH && !c->sw->failed)
        start_clients(c->sw);
}

static int reconnecting(const struct client *c)
{
    return c->s && session_phase(c->s) == SESSION_RECONNECTING;
}

static void on_fd(struct loop *loop, int fd, void *ctx, unsigned events)
{
    struct client *c = ctx;
    (void)fd;
    if (!c->s)
        return;
    int was = reconnecting(c);
    uint64_t now = loop_now_ms(loop);
    if (events & LOOP_WRITABLE)
        session_on_writable(c->s, now);
    if ((events & LOOP_READABLE) && session_fd(c->s) == fd)
        session_on_readable(c->s, now);
    pump(c, was);
}

static void on_tick(struct loop *loop, void *ctx)
{
    struct client *c = ctx;
    if (!c->s)
        return;
    int was = reconnecting(c);
    session_tick(c->s, loop_now_ms(loop));
    pump(c, was);
}

static void on_wait(struct loop *loop, void *ctx)
{
    struct client *c = ctx;
    (void)loop;
    if (!c->s || c->state != CLIENT_ACTIVE)
        return;
    int was = reconnecting(c);
    act(c);
    pump(c, was);
}

/* ---- starting ---- */

static void client_name(const struct swarm *sw, uint32_t index, char out[PROTO_NAME_MAX + 1])
{
    const char *base = sw->opt->name;
    if (sw->opt->clients > 1) {
        char buf[64];
        int n = snprintf(buf, sizeof buf, "%s-%u", base, (unsigned)index + 1u);
        if (n > 0 && n <= PROTO_NAME_MAX) {
            memcpy(out, buf, (size_t)n + 1);
            return;
        }
    }
    snprintf(out, PROTO_NAME_MAX + 1, "%s", base);
}

static void start_one(struct swarm *sw, struct client *c)
{
    char name[PROTO_NAME_MAX + 1], err[SESSION_ERR_LEN];
    client_name(sw, c->index, name);
    struct session_config cfg = { .name = name, .connect_timeout_ms = 10000, .auto_reconnect = 1 };
    c->state = CLIENT_ACTIVE;
    c->tokens = (uint64_t)PACE_BURST * MILLI;
    c->pace_ms = loop_now_ms(sw->loop);
    c->s = session_new(&cfg, err);
    if (!c->s) {
        client_fail(c, "%s", err);
        return;
    }
    sw->connecting++;
    (void)session_connect(c->s, sw->opt->host, loop_now_ms(sw->loop));
    pump(c, 0); /* a failure queued EV_CLOSED */
}

static void start_clients(struct swarm *sw)
{
    if (sw->starting)
        return;
    sw->starting = 1;
    while (!sw->failed && sw->started < sw->opt->clients && sw->connecting < SWARM_CONNECT_BATCH)
        start_one(sw, &sw->clients[sw->started++]);
    sw->starting = 0;
}

/* ---- progress and signals ---- */

static void on_progress(struct loop *loop, void *ctx)
{
    struct swarm *sw = ctx;
    double s = (double)(now_us() - sw->start_us) / 1e6;
    uint64_t total = (uint64_t)sw->opt->clients * sw->opt->games;
    fprintf(stderr, "\r%llu/%llu games, %u/%u clients connected, %.0f moves/s, %.0f s   ",
            (unsigned long long)sw->st->games, (unsigned long long)total,
            (unsigned)(sw->welcomed - (sw->ended < sw->welcomed ? sw->ended : sw->welcomed)),
            (unsigned)sw->opt->clients, s > 0 ? (double)sw->st->moves / s : 0.0, s);
    fflush(stderr);
    (void)loop_timer_at(loop, &sw->progress_timer, loop_now_ms(loop) + PROGRESS_MS);
}

static void on_signal(struct loop *loop, int fd, void *ctx, unsigned events)
{
    struct swarm *sw = ctx;
    struct signalfd_siginfo si;
    (void)loop;
    (void)events;
    ssize_t n = read(fd, &si, sizeof si);
    if (n != (ssize_t)sizeof si)
        return;
    if (!sw->failed) {
        sw->failed = 1;
        snprintf(sw->error, sizeof sw->error, "interrupted by %s",
                 si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
    }
    stop_all(sw);
}

/* ---- the swarm ---- */

struct swarm *swarm_new(const struct bot_options *opt, uint64_t seed, struct stats *st,
                        int max_fds, char err[BOT_ERR_LEN])
{
    struct swarm *sw = calloc(1, sizeof *sw);
    if (!sw || !(sw->clients = calloc(opt->clients, sizeof *sw->clients))) {
        snprintf(err, BOT_ERR_LEN, "out of memory for %u clients", (unsigned)opt->clients);
        free(sw);
        return NULL;
    }
    sw->opt = opt;
    sw->st = st;
    sw->signal_fd = -1;
    sw->games_target = (uint64_t)opt->clients * opt->games;
    sw->loop = loop_new(max_fds);
    if (!sw->loop) {
        snprintf(err, BOT_ERR_LEN, "cannot create the event loop: %s", strerror(errno));
        swarm_free(sw);
        return NULL;
    }
    for (uint32_t i = 0; i < opt->clients; i++) {
        struct client *c = &sw->clients[i];
        c->sw = sw;
        c->index = i;
        c->fd = -1;
        loop_timer_init(&c->tick, on_tick, c);
        loop_timer_init(&c->wait, on_wait, c);
        strategy_rng_seed(&c->rng, seed, i);
    }
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ||
        (sw->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
        loop_add_fd(sw->loop, sw->signal_fd, LOOP_READABLE, on_signal, sw) < 0) {
        snprintf(err, BOT_ERR_LEN, "cannot watch signals: %s", strerror(errno));
        swarm_free(sw);
        return NULL;
    }
    sw->progress = !opt->quiet && isatty(STDERR_FILENO);
    loop_timer_init(&sw->progress_timer, on_progress, sw);
    return sw;
}

int swarm_run(struct swarm *sw)
{
    sw->start_us = now_us();
    sw->end_us = 0;
    if (sw->progress)
        (void)loop_timer_at(sw->loop, &sw->progress_timer, loop_now_ms(sw->loop) + PROGRESS_MS);
    start_clients(sw);
    if (!sw->failed && sw->ended < sw->opt->clients && loop_run(sw->loop) < 0 && !sw->failed) {
        sw->failed = 1;
        snprintf(sw->error, sizeof sw->error, "event loop failed: %s", strerror(errno));
    }
    if (sw->end_us == 0)
        sw->end_us = now_us();
    if (sw->progress)
        fprintf(stderr, "\r%*s\r", 79, "");
    loop_timer_cancel(sw->loop, &sw->progress_timer);
    return sw->failed ? -1 : 0;
}

const char *swarm_error(const struct swarm *sw)
{
    return sw->error;
}

double swarm_seconds(const struct swarm *sw)
{
    return sw->end_us > sw->start_us ? (double)(sw->end_us - sw->start_us) / 1e6 : 0.0;
}

void swarm_free(struct swarm *sw)
{
    if (!sw)
        return;
    for (uint32_t i = 0; sw->clients && i < sw->opt->clients; i++) {
        struct client *c = &sw->clients[i];
        if (c->s) {
            if (c->fd >= 0 && sw->loop)
                loop_del_fd(sw->loop, c->fd);
            if (sw->loop) {
                loop_timer_cancel(sw->loop, &c->tick);
                loop_timer_cancel(sw->loop, &c->wait);
            }
            session_close(c->s);
            session_free(c->s);
        }
    }
    if (sw->signal_fd >= 0) {
        if (sw->loop)
            loop_del_fd(sw->loop, sw->signal_fd);
        close(sw->signal_fd);
    }
    loop_free(sw->loop);
    free(sw->clients);
    free(sw);
}
