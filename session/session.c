/* SPDX-License-Identifier: MIT */
/* session.c: the session's core (session.h): its life; its connection as
 * the transport reports it; bytes out (the bounded output buffer; bytes in
 * are frames.c's, which uses this file and is not used by it); time
 * (the WELCOME timeout, the silence PING, the silence that loses the
 * connection, the reconnect grace); the event ring; the accessors. No I/O
 * and no clock: the caller brings the bytes and the time.
 */
#include "session_private.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const phase_names[SESSION_PHASE_COUNT] = {
    "idle", "connecting", "handshake", "lobby", "queued", "room wait", "joining",
    "playing", "spectating", "game over", "reconnecting", "closed",
};

const char *session_phase_name(enum session_phase p)
{
    return (unsigned)p < SESSION_PHASE_COUNT ? phase_names[p] : "unknown";
}

/* ---- events and the end ---- */

/* How the connect failed, for a session ending for `reason` now: none once
 * welcomed (or closed by the user); the transport's kind when it gave one;
 * else, when a peer answered, not a ttt server (a bad frame, end of file or
 * no WELCOME: a fatal ERROR names itself). */
static uint8_t failure_of(const struct session *s, uint8_t reason)
{
    if (s->welcomed || reason == SESSION_CLOSE_USER || reason == SESSION_CLOSE_SERVER_ERROR)
        return SESSION_FAIL_NONE;
    if (s->failure != SESSION_FAIL_NONE)
        return s->failure;
    return s->answered ? SESSION_FAIL_NOT_TTT : SESSION_FAIL_NONE;
}

void session_end(struct session *s, uint8_t reason, uint8_t code, const char *fmt, ...)
{
    if (s->phase == SESSION_CLOSED)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    s->conn = SESSION_CONN_NONE;
    if (reason != SESSION_CLOSE_USER)
        s->out_len = 0; /* the user's close keeps its last words (a LEAVE) for the transport */
    s->phase = SESSION_CLOSED;
    struct session_event *ev = session_events_push(&s->events, SESSION_EV_CLOSED);
    if (ev) {
        ev->u.closed.reason = reason;
        ev->u.closed.code = code;
        ev->u.closed.failure = failure_of(s, reason);
        ev->u.closed.port = s->port;
        text_copy(ev->u.closed.host, sizeof ev->u.closed.host, s->host);
        text_copy(ev->u.closed.peer, sizeof ev->u.closed.peer, s->peer);
        text_copy(ev->u.closed.message, sizeof ev->u.closed.message, s->err);
    }
}

struct session_event *session_push_event(struct session *s, uint8_t type)
{
    if (s->phase == SESSION_CLOSED)
        return NULL;
    if (s->events.count >= SESSION_EVENT_QUEUE - 1) {
        session_end(s, SESSION_CLOSE_LOST, 0,
                    "event queue full (%d events not taken with session_next_event)",
                    SESSION_EVENT_QUEUE - 1);
        return NULL;
    }
    return session_events_push(&s->events, type);
}

int session_next_event(struct session *s, struct session_event *ev)
{
    return session_events_take(&s->events, ev);
}

/* ---- output ---- */

int session_send(struct session *s, const struct proto_msg *m)
{
    if (s->conn == SESSION_CONN_NONE)
        return -1;
    if (s->out_len + PROTO_C2S_FRAME_MAX > SESSION_OUT_CAP) {
        session_end(s, SESSION_CLOSE_LOST, 0,
                    "output buffer full (%d bytes the server has not read)", SESSION_OUT_CAP);
        return -1;
    }
    int n = proto_encode(m, s->out + s->out_len, SESSION_OUT_CAP - s->out_len);
    if (n <= 0) {
        session_end(s, SESSION_CLOSE_PROTOCOL, 0, "cannot encode %s: %s",
                    proto_type_name(m->type), proto_strerror(n));
        return -1;
    }
    s->out_len += (size_t)n;
    return 0;
}

int session_send_bare(struct session *s, uint8_t type)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = type;
    return session_send(s, &m);
}

/* A PING with a fresh nonce. */
static int send_ping(struct session *s)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_PING;
    m.u.ping.nonce = ++s->ping_nonce;
    return session_send(s, &m);
}

int session_send_barrier(struct session *s)
{
    s->barrier = 1;
    return send_ping(s);
}

const uint8_t *session_output(const struct session *s, size_t *len)
{
    *len = s->out_len;
    return s->out;
}

void session_output_sent(struct session *s, size_t n)
{
    if (n > s->out_len)
        n = s->out_len;
    memmove(s->out, s->out + n, s->out_len - n);
    s->out_len -= n;
}

/* ---- life ---- */

void session_reset_game(struct session *s)
{
    memset(&s->game, 0, sizeof s->game);
    s->game.board = board_new();
    s->game.last_cell = BOARD_NO_CELL;
    memset(s->game.line, PROTO_NO_CELL, sizeof s->game.line);
}

struct session *session_new(const struct session_config *cfg, char err[SESSION_ERR_LEN])
{
    struct proto_name name;
    if (!cfg || !cfg->name || proto_name_set(&name, cfg->name) != PROTO_OK) {
        if (err)
            text_copy(err, SESSION_ERR_LEN, "invalid player name (" TEXT_NAME_RULES ")");
        return NULL;
    }
    struct session *s = calloc(1, sizeof *s);
    if (!s) {
        if (err)
            text_copy(err, SESSION_ERR_LEN, "out of memory");
        return NULL;
    }
    s->name = name;
    s->connect_timeout_ms = cfg->connect_timeout_ms ? cfg->connect_timeout_ms : SESSION_CONNECT_MS;
    s->silence_ms = cfg->silence_ms ? cfg->silence_ms : SESSION_SILENCE_MS;
    s->auto_reconnect = cfg->auto_reconnect;
    s->phase = SESSION_IDLE;
    session_reset_game(s);
    proto_reader_init(&s->reader, PROTO_S2C, s->rbuf, sizeof s->rbuf);
    return s;
}

void session_free(struct session *s)
{
    free(s);
}

/* ---- the transport's side ---- */

enum session_link session_link(const struct session *s)
{
    if (s->conn != SESSION_CONN_NONE)
        return SESSION_LINK_UP;
    if (s->phase == SESSION_CONNECTING || s->phase == SESSION_RECONNECTING)
        return SESSION_LINK_WANTED;
    return SESSION_LINK_NONE;
}

uint32_t session_connect_timeout_ms(const struct session *s)
{
    return s->connect_timeout_ms;
}

int session_start(struct session *s)
{
    if (s->phase != SESSION_IDLE)
        return -1;
    s->phase = SESSION_CONNECTING;
    return 0;
}

int session_connected(struct session *s, uint64_t now_ms)
{
    if (s->phase == SESSION_IDLE)
        s->phase = SESSION_CONNECTING;
    if (session_link(s) != SESSION_LINK_WANTED)
        return -1;
    proto_reader_init(&s->reader, PROTO_S2C, s->rbuf, sizeof s->rbuf);
    s->conn = SESSION_CONN_HANDSHAKE;
    s->answered = 1;
    s->failure = SESSION_FAIL_NONE;
    s->welcome_deadline_ms = now_ms + s->connect_timeout_ms;
    s->heard_ms = now_ms;
    s->silence_check_ms = now_ms + s->silence_ms;
    s->silence_pinged = 0;
    s->out_len = 0;
    s->awaiting_state = 0;
    s->barrier = 0;
    s->ghost_start = 0;
    s->list_pending = 0;
    s->move_pending = 0;
    if (s->phase != SESSION_RECONNECTING)
        s->phase = SESSION_HANDSHAKE;
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_HELLO;
    m.u.hello.version = PROTO_VERSION;
    m.u.hello.name = s->name;
    return session_send(s, &m);
}

/* Lost mid-game: the seat waits grace_s on the server; so do we. */
static void start_reconnecting(struct session *s, uint64_t now_ms, const char *why)
{
    s->phase = SESSION_RECONNECTING;
    s->reconnect_deadline_ms = now_ms + (uint64_t)s->grace_s * 1000u;
    s->pending = SESSION_PEND_NONE;
    struct session_event *ev = session_push_event(s, SESSION_EV_RECONNECTING);
    if (ev)
        ev->u.reconnect.deadline_ms = s->reconnect_deadline_ms;
    text_copy(s->err, sizeof s->err, why);
}

void session_disconnected(struct session *s, uint64_t now_ms, const char *why)
{
    if (s->phase == SESSION_CLOSED)
        return;
    s->conn = SESSION_CONN_NONE;
    s->out_len = 0;
    switch (s->phase) {
    case SESSION_IDLE:
    case SESSION_CONNECTING:
        session_end(s, SESSION_CLOSE_CONNECT, 0, "%s", why);
        return;
    case SESSION_RECONNECTING:
        text_copy(s->err, sizeof s->err, why); /* one more try failed; the grace decides */
        return;
    case SESSION_PLAYING:
        if (s->auto_reconnect) {
            start_reconnecting(s, now_ms, why);
            return;
        }
        break;
    default:
        break;
    }
    session_end(s, SESSION_CLOSE_LOST, 0, "connection lost: %s", why);
}

void session_connect_failed(struct session *s, uint64_t now_ms, uint8_t failure, const char *why)
{
    s->failure = failure;
    s->answered = 0; /* this connect reached nobody */
    session_disconnected(s, now_ms, why);
}

void session_set_target(struct session *s, const char *host, uint16_t port)
{
    text_copy(s->host, sizeof s->host, host ? host : "");
    s->port = port;
}

void session_set_peer(struct session *s, const char *peer)
{
    text_copy(s->peer, sizeof s->peer, peer ? peer : "");
}

/* ---- time ---- */

/* A silent server gets a PING after silence_ms; silent as long again, the
 * connection is lost. Looked at lazily: bytes only note when they came, and
 * the check, due at the earliest moment the rule could fire, moves itself
 * to the real one. */
static void check_silence(struct session *s, uint64_t now_ms)
{
    uint64_t quiet = now_ms > s->heard_ms ? now_ms - s->heard_ms : 0;
    if (quiet >= 2u * (uint64_t)s->silence_ms) {
        char why[SESSION_ERR_LEN];
        if (quiet >= 2000)
            snprintf(why, sizeof why, "the server sent nothing for %u s, not even an answer to "
                     "a PING", (unsigned)(quiet / 1000));
        else
            snprintf(why, sizeof why, "the server sent nothing for %u ms, not even an answer "
                     "to a PING", (unsigned)quiet);
        session_disconnected(s, now_ms, why);
        return;
    }
    if (quiet >= s->silence_ms && !s->silence_pinged) {
        s->silence_pinged = 1;
        if (send_ping(s) < 0)
            return;
    }
    s->silence_check_ms = s->heard_ms + (s->silence_pinged ? 2u : 1u) * (uint64_t)s->silence_ms;
}

void session_tick(struct session *s, uint64_t now_ms)
{
    if (s->phase == SESSION_RECONNECTING && now_ms >= s->reconnect_deadline_ms) {
        char why[SESSION_ERR_LEN];
        text_copy(why, sizeof why, s->err);
        session_end(s, SESSION_CLOSE_LOST, 0,
                    "connection lost and not resumed within the %u s grace period (%s)",
                    (unsigned)s->grace_s, why);
        return;
    }
    if (s->conn == SESSION_CONN_HANDSHAKE && now_ms >= s->welcome_deadline_ms) {
        if (s->phase == SESSION_RECONNECTING)
            session_disconnected(s, now_ms, "no WELCOME in time");
        else
            session_end(s, SESSION_CLOSE_CONNECT, 0, "no WELCOME from the server within %u ms",
                        (unsigned)s->connect_timeout_ms);
        return;
    }
    if (s->conn != SESSION_CONN_NONE && now_ms >= s->silence_check_ms)
        check_silence(s, now_ms);
}

uint64_t session_next_deadline(const struct session *s)
{
    uint64_t t = UINT64_MAX;
    if (s->conn == SESSION_CONN_HANDSHAKE)
        t = s->welcome_deadline_ms;
    if (s->conn != SESSION_CONN_NONE && s->silence_check_ms < t)
        t = s->silence_check_ms;
    if (s->phase == SESSION_RECONNECTING && s->reconnect_deadline_ms < t)
        t = s->reconnect_deadline_ms;
    return t;
}

/* ---- accessors ---- */

enum session_phase session_phase(const struct session *s)
{
    return s->phase;
}

const struct session_game *session_game(const struct session *s)
{
    return &s->game;
}

const struct session_game_list *session_game_list(const struct session *s)
{
    return &s->list;
}

uint8_t session_server_version(const struct session *s)
{
    return s->server_version;
}

uint16_t session_turn_s(const struct session *s)
{
    return s->turn_s;
}

uint16_t session_grace_s(const struct session *s)
{
    return s->grace_s;
}

int session_my_turn(const struct session *s)
{
    return s->phase == SESSION_PLAYING && !s->awaiting_state && !s->game.over &&
           !s->move_pending && s->game.to_move == s->game.you;
}

const char *session_error(const struct session *s)
{
    return s->err;
}

void session_take_snapshot(const struct session *s, struct session_snapshot *out)
{
    out->phase = (uint8_t)s->phase;
    out->my_turn = (uint8_t)(session_my_turn(s) != 0);
    out->turn_s = s->turn_s;
    out->grace_s = s->grace_s;
    out->game = s->game;
    out->list = s->list;
}
