/* SPDX-License-Identifier: MIT */
/* client.c: one bot (client.h). The loop calls it when its socket is ready
 * or one of its timers fires; it passes that on to the driver (which feeds
 * the session), then reacts to the session's events, lets the driver write
 * what the reactions queued, and tells the loop what to watch next.
 *
 * Game flow: after WELCOME, and after each GAME_OVER, the bot "wants its
 * next game": a room (--create-room/--room, the first time), a REMATCH
 * (--rematch, while the opponent stays), or a quick match; the request
 * waits for the rate limit's tokens like a move does. With quick match and
 * no --rematch the games come out of the run's shared budget.
 */
#include "client.h"
#include "text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

uint64_t bot_now_us(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t bot_now_ms(void)
{
    return bot_now_us() / 1000u;
}

/* ---- ending ---- */

static void client_fail(struct bot_client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* This bot failed: say why, once. The words may quote the server: they
 * are made printable here, on the one path every failure takes to the
 * terminal and the JSON summary. */
static void client_fail(struct bot_client *c, const char *fmt, ...)
{
    if (c->state != BOT_CLIENT_ACTIVE)
        return;
    c->state = BOT_CLIENT_FAILED;
    char raw[BOT_ERR_LEN], msg[BOT_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    text_printable(raw, strlen(raw), msg, sizeof msg);
    c->sh->ended(c->sh->ctx, c, msg);
}

/* This bot played all its games: close politely. */
static void client_finish(struct bot_client *c)
{
    if (c->state != BOT_CLIENT_ACTIVE)
        return;
    c->state = BOT_CLIENT_DONE;
    loop_timer_cancel(c->sh->loop, &c->wait);
    session_close(c->s);
    c->sh->ended(c->sh->ctx, c, NULL);
}

/* ---- playing ---- */

static void send_move(struct bot_client *c)
{
    const struct session_game *g = session_game(c->s);
    unsigned cell = strategy_choose(&c->sh->opt->strategy, &c->rng, &g->board);
    if (cell == BOARD_NO_CELL) {
        client_fail(c, "no move to make on a board the session says is live");
        return;
    }
    uint64_t t = bot_now_us();
    if (session_move(c->s, cell) == 0) {
        c->move_sent_us = t;
        c->move_out = 1;
        c->move_steady = (uint8_t)(c->sh->all_in != 0);
    }
    /* else the send failed: the session queued RECONNECTING or CLOSED */
}

/* Frames the next game's request costs. */
static unsigned next_game_frames(const struct bot_client *c)
{
    if (c->games_done == 0 || (c->sh->opt->rematch && !session_game(c->s)->opponent_left))
        return 1;
    return 3; /* LEAVE, its PING, QUICK_MATCH */
}

/* Ask for the next game, or finish. */
static void next_game(struct bot_client *c)
{
    struct bot_shared *sh = c->sh;
    const struct bot_options *o = sh->opt;
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
        if (o->rematch ? c->games_done >= o->games : sh->games_reserved >= sh->games_target) {
            client_finish(c);
            return;
        }
        if (o->rematch && o->mode != BOT_MODE_QUICK) {
            client_fail(c, "the opponent left after %u of %u games", (unsigned)c->games_done,
                        (unsigned)o->games);
            return;
        }
        if (!o->rematch)
            sh->games_reserved++;
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

static void arm_wait(struct bot_client *c, uint64_t ms)
{
    struct loop *loop = c->sh->loop;
    if (loop_timer_at(loop, &c->wait, loop_now_ms(loop) + ms) < 0)
        client_fail(c, "too many timers for the event loop");
}

/* Do what the bot waits to do (ask for its next game, or move) if the rate
 * allows, else come back when it will. */
static void act(struct bot_client *c)
{
    if (c->state != BOT_CLIENT_ACTIVE || loop_timer_armed(&c->wait))
        return;
    if (!c->want_next && !session_my_turn(c->s))
        return;
    uint64_t ms = pace_take(&c->pace, c->want_next ? next_game_frames(c) : 1u,
                            loop_now_ms(c->sh->loop));
    if (ms) {
        c->sh->st->rate_waits++;
        arm_wait(c, ms);
    } else if (c->want_next) {
        next_game(c);
    } else {
        send_move(c);
    }
}

/* The session may want a move: after --think (the very first pause a
 * random part of it), or now. */
static void maybe_move(struct bot_client *c)
{
    if (c->state != BOT_CLIENT_ACTIVE || c->want_next || !session_my_turn(c->s) ||
        loop_timer_armed(&c->wait))
        return;
    uint32_t think = c->sh->opt->think_ms;
    if (think && !c->paused) {
        /* The bot's first pause is a random part of one, so that a swarm's
         * moves spread over time rather than come in bursts. */
        c->paused = 1;
        think = strategy_rng_below(&c->rng, think);
    }
    if (think)
        arm_wait(c, think);
    else
        act(c);
}

/* After the handshake or a game: on to the next, at the allowed rate. */
static void want_next_game(struct bot_client *c)
{
    c->want_next = 1;
    act(c);
}

/* ---- events ---- */

static void print_game(const struct bot_client *c, const struct session_game *g)
{
    char x[PROTO_NAME_MAX + 1], o[PROTO_NAME_MAX + 1];
    text_printable(g->x_name.s, g->x_name.len, x, sizeof x);
    text_printable(g->o_name.s, g->o_name.len, o, sizeof o);
    const char *result = g->winner == 0 ? (g->reason == PROTO_REASON_ABORTED ? "aborted" : "draw")
                       : g->winner == g->you ? "won" : "lost";
    printf("game %u: %s (X) vs %s (O), playing %s: %s (%s)\n", (unsigned)c->games_done, x, o,
           g->you == PROTO_MARK_X ? "X" : "O", result, proto_reason_name(g->reason));
    fflush(stdout);
}

static void on_game_over(struct bot_client *c)
{
    struct bot_shared *sh = c->sh;
    const struct session_game *g = session_game(c->s);
    c->move_out = 0;
    loop_timer_cancel(sh->loop, &c->wait);
    if (c->in_game)
        stats_playing(sh->st, 0);
    c->in_game = 0;
    c->games_done++;
    stats_game(sh->st, g->you, g->winner, g->reason);
    if (sh->opt->clients == 1 && !sh->opt->quiet)
        print_game(c, g);
    if (g->reason == PROTO_REASON_ABORTED) {
        /* Only a server shutting down aborts a game: the run cannot go on,
         * even when this was its last game. */
        client_fail(c, "the server is shutting down: game %u was aborted", (unsigned)c->games_done);
        return;
    }
    want_next_game(c);
}

static void on_server_error(struct bot_client *c, const struct session_event *ev)
{
    uint8_t code = ev->u.error.code;
    const char *text = ev->u.error.message;
    if (code == PROTO_ERR_NOT_YOUR_TURN || code == PROTO_ERR_CELL_TAKEN ||
        code == PROTO_ERR_STALE_PLY) {
        c->sh->st->illegal_moves++;
        c->move_out = 0;
        act(c);
        return;
    }
    if (code == PROTO_ERR_NO_SUCH_ROOM && c->sh->opt->mode == BOT_MODE_CREATE_ROOM) {
        client_fail(c, "the room closed: nobody joined it within the server's room time");
        return;
    }
    if (code == PROTO_ERR_NO_SUCH_ROOM) {
        client_fail(c, "no open room has the code %s (server: %s)", c->sh->opt->room, text);
        return;
    }
    if (code == PROTO_ERR_SHUTTING_DOWN) {
        client_fail(c, "the server is shutting down%s%s", text[0] ? ": " : "", text);
        return;
    }
    client_fail(c, "unexpected server error %s%s%s", proto_error_name(code), text[0] ? ": " : "",
                text);
}

static void on_moved(struct bot_client *c, const struct session_event *ev)
{
    if (ev->u.moved.mark == session_game(c->s)->you) {
        c->sh->st->moves++;
        if (c->move_out) {
            uint64_t t = bot_now_us();
            stats_latency(c->sh->st, t > c->move_sent_us ? t - c->move_sent_us : 0, c->move_steady);
            c->move_out = 0;
        }
    }
    maybe_move(c);
}

static void handle_event(struct bot_client *c, const struct session_event *ev)
{
    struct bot_shared *sh = c->sh;
    if (c->state != BOT_CLIENT_ACTIVE)
        return; /* the EV_CLOSED of our own session_close, or after a failure */
    switch (ev->type) {
    case SESSION_EV_WELCOME:
        c->welcomed = 1;
        sh->welcomed(sh->ctx, c);
        if (c->index == 0 && !sh->opt->quiet &&
            sh->opt->think_ms >= (uint32_t)session_turn_s(c->s) * 1000u)
            fprintf(stderr, "ttt-bot: note: --think %u ms is not less than the server's %u s "
                    "per turn: the bots will lose on time\n", (unsigned)sh->opt->think_ms,
                    (unsigned)session_turn_s(c->s));
        want_next_game(c);
        break;
    case SESSION_EV_ROOM_CREATED:
        printf("room %s\n", ev->u.room_code);
        fflush(stdout);
        break;
    case SESSION_EV_GAME_START:
        c->move_out = 0;
        c->in_game = 1;
        stats_playing(sh->st, 1);
        break;
    case SESSION_EV_STATE:
        maybe_move(c);
        break;
    case SESSION_EV_MOVED:
        on_moved(c, ev);
        break;
    case SESSION_EV_GAME_OVER:
        on_game_over(c);
        break;
    case SESSION_EV_OPPONENT:
        if (ev->u.opponent.event == PROTO_OPP_LEFT && session_phase(c->s) == SESSION_GAME_OVER &&
            sh->opt->rematch && session_game(c->s)->rematch_offered)
            want_next_game(c); /* the opponent will not rematch */
        break;
    case SESSION_EV_SERVER_ERROR:
        on_server_error(c, ev);
        break;
    case SESSION_EV_RECONNECTING:
        sh->st->reconnects++;
        c->move_out = 0;
        loop_timer_cancel(sh->loop, &c->wait);
        if (sh->opt->clients == 1 && !sh->opt->quiet) {
            char why[SESSION_ERR_LEN];
            text_printable(session_error(c->s), strlen(session_error(c->s)), why, sizeof why);
            fprintf(stderr, "ttt-bot: connection lost mid-game (%s); reconnecting\n", why);
        }
        break;
    case SESSION_EV_RESUMED:
        sh->st->resumed++;
        break;
    case SESSION_EV_CLOSED:
        if (ev->u.closed.reason == SESSION_CLOSE_CONNECT && !strstr(ev->u.closed.message, "connect"))
            client_fail(c, "cannot connect to %s: %s", sh->opt->host, ev->u.closed.message);
        else
            client_fail(c, "%s", ev->u.closed.message);
        break;
    default:
        break; /* QUEUED, GAME_LIST: nothing to do */
    }
}

/* ---- the loop's side ---- */

static loop_fd_fn on_fd;

/* Make the loop watch what the driver needs now: its socket (which changes
 * when a connect moves on to the next address, and on a reconnect), read
 * or write, and its next deadline. */
static void sync_loop(struct bot_client *c)
{
    struct loop *loop = c->sh->loop;
    int fd = driver_fd(&c->d);
    unsigned mask = LOOP_READABLE;
    if (fd >= 0 && driver_wants_write(&c->d))
        mask |= LOOP_WRITABLE;
    /* A new socket may have the number of one closed meanwhile: register afresh. */
    if (fd != c->fd || driver_sockets(&c->d) != c->fd_socket) {
        if (c->fd >= 0)
            loop_del_fd(loop, c->fd);
        c->fd = -1;
        if (fd >= 0) {
            if (loop_add_fd(loop, fd, mask, on_fd, c) < 0) {
                client_fail(c, "cannot watch socket %d: %s", fd, strerror(errno));
                return;
            }
            c->fd = fd;
            c->fd_socket = driver_sockets(&c->d);
            c->mask = mask;
        }
    } else if (fd >= 0 && mask != c->mask) {
        if (loop_mod_fd(loop, fd, mask) < 0) {
            client_fail(c, "cannot watch socket %d: %s", fd, strerror(errno));
            return;
        }
        c->mask = mask;
    }
    uint64_t when = driver_next_deadline(&c->d);
    if (when == UINT64_MAX)
        loop_timer_cancel(loop, &c->tick);
    else if ((!loop_timer_armed(&c->tick) || loop_timer_when(&c->tick) != when) &&
             loop_timer_at(loop, &c->tick, when) < 0)
        client_fail(c, "too many timers for the event loop");
}

void bot_client_release(struct bot_client *c)
{
    struct loop *loop = c->sh->loop;
    if (c->fd >= 0)
        loop_del_fd(loop, c->fd);
    c->fd = -1;
    loop_timer_cancel(loop, &c->tick);
    loop_timer_cancel(loop, &c->wait);
    if (c->s) {
        session_close(c->s);
        driver_sync(&c->d, loop_now_ms(loop)); /* writes its last words, closes */
        driver_release(&c->d);
        session_free(c->s);
        c->s = NULL;
    }
}

/* After any call into the session or the driver: react to the session's
 * events, let the driver write what the reactions queued (which may bring
 * more events), then re-sync the loop. A bot that ended gives its session
 * back. */
static void pump(struct bot_client *c)
{
    struct session_event ev;
    for (;;) {
        while (c->s && session_next_event(c->s, &ev))
            handle_event(c, &ev);
        if (!c->s)
            break;
        driver_sync(&c->d, loop_now_ms(c->sh->loop));
        if (!session_next_event(c->s, &ev))
            break;
        handle_event(c, &ev);
    }
    if (c->state == BOT_CLIENT_ACTIVE) {
        sync_loop(c);
        if (c->state == BOT_CLIENT_ACTIVE)
            return;
    }
    bot_client_release(c);
}

static void on_fd(struct loop *loop, int fd, void *ctx, unsigned events)
{
    struct bot_client *c = ctx;
    if (!c->s)
        return;
    uint64_t now = loop_now_ms(loop);
    if (events & LOOP_WRITABLE)
        driver_on_writable(&c->d, now);
    if ((events & LOOP_READABLE) && driver_fd(&c->d) == fd && driver_sockets(&c->d) == c->fd_socket)
        driver_on_readable(&c->d, now);
    pump(c);
}

static void on_tick(struct loop *loop, void *ctx)
{
    struct bot_client *c = ctx;
    if (!c->s)
        return;
    driver_tick(&c->d, loop_now_ms(loop));
    pump(c);
}

static void on_wait(struct loop *loop, void *ctx)
{
    struct bot_client *c = ctx;
    (void)loop;
    if (!c->s)
        return;
    act(c);
    pump(c);
}

/* ---- starting ---- */

void bot_client_init(struct bot_client *c, struct bot_shared *sh, uint32_t index, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    c->sh = sh;
    c->index = index;
    c->fd = -1;
    driver_init(&c->d, NULL);
    loop_timer_init(&c->tick, on_tick, c);
    loop_timer_init(&c->wait, on_wait, c);
    strategy_rng_seed(&c->rng, seed, index);
}

/* NAME, or NAME-INDEX (1-based) in a swarm when that fits. */
static void client_name(const struct bot_client *c, char out[PROTO_NAME_MAX + 1])
{
    const char *base = c->sh->opt->name;
    if (c->sh->opt->clients > 1) {
        char buf[64];
        int n = snprintf(buf, sizeof buf, "%s-%u", base, (unsigned)c->index + 1u);
        if (n > 0 && n <= PROTO_NAME_MAX) {
            memcpy(out, buf, (size_t)n + 1);
            return;
        }
    }
    snprintf(out, PROTO_NAME_MAX + 1, "%s", base);
}

void bot_client_start(struct bot_client *c)
{
    char name[PROTO_NAME_MAX + 1], err[SESSION_ERR_LEN];
    client_name(c, name);
    struct session_config cfg = { .name = name, .connect_timeout_ms = 10000, .auto_reconnect = 1 };
    c->state = BOT_CLIENT_ACTIVE;
    pace_init(&c->pace, loop_now_ms(c->sh->loop));
    c->s = session_new(&cfg, err);
    if (!c->s) {
        client_fail(c, "%s", err);
        return;
    }
    driver_init(&c->d, c->s);
    (void)driver_start(&c->d, c->sh->opt->host, loop_now_ms(c->sh->loop));
    pump(c); /* a failure queued EV_CLOSED */
}
