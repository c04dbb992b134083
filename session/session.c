/* session.c: one client's session with a ttt server. Owns the socket, the
 * connect/handshake/reconnect sequence, the bounded output buffer, the frame
 * reader, the check of every server frame against the connection's phase,
 * the game state built from those frames, and the event ring the caller
 * drains. The caller owns the loop and the clock (see session.h).
 *
 * Leaving a context (LEAVE, or a lobby request from a finished game) sends a
 * PING right after it: frames that arrive before its PONG were sent by the
 * server before it saw the LEAVE (a pairing that crossed it, the opponent's
 * rematch offer, ...) and are checked loosely and dropped without events.
 */
#include "session.h"
#include "text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock.h"

#define OUT_CAP 4096
#define READ_CHUNK 4096
#define READS_PER_CALL 16
#define RETRY_MS 500
#define DEFAULT_CONNECT_MS 5000
#define HOST_MAX 256

/* The socket's own progress, apart from the phase the caller sees (a
 * reconnect goes through all of these while the phase stays RECONNECTING). */
enum conn_state { CONN_NONE, CONN_CONNECTING, CONN_HANDSHAKE, CONN_UP };

/* What the session sent and still waits an answer to. */
enum pending {
    PEND_NONE,
    PEND_QUEUED,    /* QUICK_MATCH: QUEUED */
    PEND_ROOM,      /* CREATE_ROOM: ROOM_CREATED */
    PEND_JOIN,      /* JOIN_ROOM: GAME_START (you = O) */
    PEND_SPECTATE,  /* SPECTATE: GAME_START (you = spectator) */
    PEND_RESUME     /* RESUME: GAME_START (same game, same mark) */
};

struct session {
    struct proto_name name;
    uint32_t connect_timeout_ms;
    uint8_t auto_reconnect;
    uint8_t offline;

    enum session_phase phase;
    enum conn_state conn;
    int fd;
    char host[HOST_MAX];
    uint16_t port;
    uint64_t conn_deadline_ms;   /* connect or WELCOME must come by then */
    unsigned addr_next;          /* the host's next address, should this connect fail */

    uint8_t welcomed;            /* a first WELCOME came: token is the seat's */
    uint8_t token[PROTO_TOKEN_LEN];
    uint16_t turn_s, grace_s;

    enum pending pending;
    uint32_t spectate_id;
    uint8_t awaiting_state;      /* GAME_START came; STATE must follow */
    uint8_t start_is_resume;     /* that GAME_START answers a RESUME */
    uint8_t move_pending;        /* a MOVE is out for the current ply */
    unsigned list_pending;       /* LIST_GAMES sent, GAME_LIST not yet back */
    uint32_t ping_nonce;         /* last PING sent */
    uint8_t barrier;             /* waiting for the PONG of ping_nonce */
    uint8_t left_finished;       /* a lobby request left a finished game; no game since */
    uint8_t ghost_start;         /* a dropped GAME_START wants its STATE */

    uint64_t reconnect_deadline_ms;
    uint64_t next_try_ms;
    uint64_t now_ms;             /* the caller's clock at its last call */

    struct session_game game;
    struct proto_msg list;       /* the latest GAME_LIST */

    struct proto_reader reader;
    uint8_t rbuf[PROTO_S2C_FRAME_MAX];
    uint8_t out[OUT_CAP];
    size_t out_len;

    struct session_event events[SESSION_EVENT_QUEUE];
    unsigned ev_head, ev_count;

    char err[SESSION_ERR_LEN];
};

static const char *const phase_names[SESSION_PHASE_COUNT] = {
    "idle", "connecting", "handshake", "lobby", "queued", "room wait", "joining",
    "playing", "spectating", "game over", "reconnecting", "closed",
};

const char *session_phase_name(enum session_phase p)
{
    return (unsigned)p < SESSION_PHASE_COUNT ? phase_names[p] : "unknown";
}

/* ---- events and closing ---- */

static void copy_text(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

static void drop_socket(struct session *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    s->conn = CONN_NONE;
    s->out_len = 0;
}

/* End the session for good: EV_CLOSED (it always has the ring's last slot). */
static void close_with(struct session *s, uint8_t reason, uint8_t code, const char *fmt, ...)
{
    if (s->phase == SESSION_CLOSED)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    drop_socket(s);
    s->phase = SESSION_CLOSED;
    if (s->ev_count < SESSION_EVENT_QUEUE) {
        struct session_event *ev =
            &s->events[(s->ev_head + s->ev_count++) % SESSION_EVENT_QUEUE];
        memset(ev, 0, sizeof *ev);
        ev->type = SESSION_EV_CLOSED;
        ev->u.closed.reason = reason;
        ev->u.closed.code = code;
        copy_text(ev->u.closed.message, sizeof ev->u.closed.message, s->err);
    }
}

#define protocol_error(s, ...) close_with((s), SESSION_CLOSE_PROTOCOL, 0, __VA_ARGS__)

/* A slot for a new event, or NULL when the session closed because the
 * caller let the ring fill (the last slot stays free for EV_CLOSED). */
static struct session_event *push_event(struct session *s, uint8_t type)
{
    if (s->phase == SESSION_CLOSED)
        return NULL;
    if (s->ev_count >= SESSION_EVENT_QUEUE - 1) {
        close_with(s, SESSION_CLOSE_LOST, 0,
                   "event queue full (%d events not taken with session_next_event)",
                   SESSION_EVENT_QUEUE - 1);
        return NULL;
    }
    struct session_event *ev = &s->events[(s->ev_head + s->ev_count++) % SESSION_EVENT_QUEUE];
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    return ev;
}

int session_next_event(struct session *s, struct session_event *ev)
{
    if (s->ev_count == 0)
        return 0;
    *ev = s->events[s->ev_head];
    s->ev_head = (s->ev_head + 1) % SESSION_EVENT_QUEUE;
    s->ev_count--;
    if (ev->type == SESSION_EV_GAME_LIST)
        ev->u.game_list = &s->list;
    return 1;
}

/* ---- output ---- */

/* Write what the kernel takes now. 0, or -1 when the connection broke
 * (the caller handles the loss). */
static int flush_out(struct session *s)
{
    size_t done = 0;
    while (done < s->out_len) {
        ssize_t n = send(s->fd, s->out + done, s->out_len - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        copy_text(s->err, sizeof s->err, n < 0 ? strerror(errno) : "send wrote nothing");
        return -1;
    }
    memmove(s->out, s->out + done, s->out_len - done);
    s->out_len -= done;
    return 0;
}

static void connection_lost(struct session *s, uint64_t now_ms, const char *why);

/* Queue one frame and try to send it at once. 0, or -1 when the session
 * closed or lost its connection meanwhile. */
static int send_msg(struct session *s, const struct proto_msg *m, uint64_t now_ms)
{
    if (s->out_len + PROTO_C2S_FRAME_MAX > OUT_CAP) {
        close_with(s, SESSION_CLOSE_LOST, 0,
                   "output buffer full (%d bytes the server has not read)", OUT_CAP);
        return -1;
    }
    int n = proto_encode(m, s->out + s->out_len, OUT_CAP - s->out_len);
    if (n <= 0) {
        close_with(s, SESSION_CLOSE_PROTOCOL, 0, "cannot encode %s: %s",
                   proto_type_name(m->type), proto_strerror(n));
        return -1;
    }
    s->out_len += (size_t)n;
    if (s->fd >= 0 && s->conn != CONN_CONNECTING && flush_out(s) < 0) {
        char why[SESSION_ERR_LEN];
        copy_text(why, sizeof why, s->err);
        connection_lost(s, now_ms, why);
        return -1;
    }
    return 0;
}

static int send_bare(struct session *s, uint8_t type, uint64_t now_ms)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = type;
    return send_msg(s, &m, now_ms);
}

/* PING whose PONG marks the point where the server has seen all we sent. */
static int send_barrier(struct session *s, uint64_t now_ms)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_PING;
    m.u.ping.nonce = ++s->ping_nonce;
    s->barrier = 1;
    return send_msg(s, &m, now_ms);
}

static int send_hello(struct session *s, uint64_t now_ms)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_HELLO;
    m.u.hello.version = PROTO_VERSION;
    m.u.hello.name = s->name;
    return send_msg(s, &m, now_ms);
}

/* ---- lifecycle ---- */

struct session *session_new(const struct session_config *cfg, char err[SESSION_ERR_LEN])
{
    struct proto_name name;
    if (!cfg || !cfg->name || proto_name_set(&name, cfg->name) != PROTO_OK) {
        if (err)
            copy_text(err, SESSION_ERR_LEN, "invalid player name (" TEXT_NAME_RULES ")");
        return NULL;
    }
    struct session *s = calloc(1, sizeof *s);
    if (!s) {
        if (err)
            copy_text(err, SESSION_ERR_LEN, "out of memory");
        return NULL;
    }
    s->name = name;
    s->connect_timeout_ms = cfg->connect_timeout_ms ? cfg->connect_timeout_ms : DEFAULT_CONNECT_MS;
    s->auto_reconnect = cfg->auto_reconnect;
    s->fd = -1;
    s->phase = SESSION_IDLE;
    s->game.last_cell = BOARD_NO_CELL;
    memset(s->game.line, PROTO_NO_CELL, sizeof s->game.line);
    s->game.board = board_new();
    proto_reader_init(&s->reader, PROTO_S2C, s->rbuf, sizeof s->rbuf);
    return s;
}

void session_free(struct session *s)
{
    if (!s)
        return;
    drop_socket(s);
    free(s);
}

/* A fresh connection is up (or simulated): reset the reader, send HELLO. */
static void begin_handshake(struct session *s, uint64_t now_ms)
{
    proto_reader_init(&s->reader, PROTO_S2C, s->rbuf, sizeof s->rbuf);
    s->conn = CONN_HANDSHAKE;
    s->conn_deadline_ms = now_ms + s->connect_timeout_ms;
    s->awaiting_state = 0;
    s->barrier = 0;
    s->ghost_start = 0;
    s->list_pending = 0;
    s->move_pending = 0;
    if (s->phase != SESSION_RECONNECTING)
        s->phase = SESSION_HANDSHAKE;
    send_hello(s, now_ms);
}

/* Start a TCP connect to the stored host's address number `first` or the
 * next one that can be tried. 0, or -1 with s->err set. */
static int start_connect_at(struct session *s, uint64_t now_ms, unsigned first)
{
    char err[SOCK_ERR_LEN];
    unsigned used = 0;
    int fd = sock_connect_from(s->host, s->port, first, &used, err);
    if (fd < 0) {
        copy_text(s->err, sizeof s->err, err);
        return -1;
    }
    s->addr_next = used + 1;
    s->fd = fd;
    s->conn = CONN_CONNECTING;
    s->out_len = 0;
    s->conn_deadline_ms = now_ms + s->connect_timeout_ms;
    if (s->phase == SESSION_RECONNECTING && s->conn_deadline_ms > s->reconnect_deadline_ms)
        s->conn_deadline_ms = s->reconnect_deadline_ms;
    return 0;
}

static int start_connect(struct session *s, uint64_t now_ms)
{
    return start_connect_at(s, now_ms, 0);
}

/* The connect to one address failed: try the host's next one (an IPv6 and
 * an IPv4 address, a server listening on only one). 1 when under way. */
static int try_next_address(struct session *s, uint64_t now_ms)
{
    drop_socket(s);
    return start_connect_at(s, now_ms, s->addr_next) == 0;
}

int session_connect(struct session *s, const char *hostport, uint64_t now_ms)
{
    if (s->phase != SESSION_IDLE)
        return -1;
    char err[SOCK_ERR_LEN];
    if (sock_split_hostport(hostport ? hostport : "", s->host, sizeof s->host, &s->port, err) < 0) {
        close_with(s, SESSION_CLOSE_CONNECT, 0, "%s", err);
        return -1;
    }
    s->now_ms = now_ms;
    s->phase = SESSION_CONNECTING;
    if (start_connect(s, now_ms) < 0) {
        copy_text(err, sizeof err, s->err);
        close_with(s, SESSION_CLOSE_CONNECT, 0, "cannot connect to %s: %s", hostport, err);
        return -1;
    }
    return 0;
}

void session_start_offline(struct session *s, uint64_t now_ms)
{
    if (s->phase != SESSION_IDLE)
        return;
    s->offline = 1;
    s->now_ms = now_ms;
    begin_handshake(s, now_ms);
}

void session_close(struct session *s)
{
    if (s->phase == SESSION_CLOSED)
        return;
    if (s->fd >= 0 && s->conn != CONN_CONNECTING && s->out_len > 0)
        (void)flush_out(s);
    close_with(s, SESSION_CLOSE_USER, 0, "closed by the user");
}

/* The connection dropped (EOF, reset, a send error, a fatal ERROR we can
 * retry). Mid-game with auto_reconnect: start the grace-period retries;
 * otherwise the session is over. */
static void connection_lost(struct session *s, uint64_t now_ms, const char *why)
{
    if (s->phase == SESSION_CLOSED)
        return;
    drop_socket(s);
    if (s->phase == SESSION_RECONNECTING) {
        s->next_try_ms = now_ms + RETRY_MS;
        return;
    }
    if (s->phase == SESSION_PLAYING && s->auto_reconnect && !s->offline && !s->game.over &&
        s->welcomed) {
        s->phase = SESSION_RECONNECTING;
        s->reconnect_deadline_ms = now_ms + (uint64_t)s->grace_s * 1000u;
        s->next_try_ms = now_ms; /* first attempt at the next tick */
        s->pending = PEND_NONE;
        struct session_event *ev = push_event(s, SESSION_EV_RECONNECTING);
        if (ev)
            ev->u.reconnect.deadline_ms = s->reconnect_deadline_ms;
        copy_text(s->err, sizeof s->err, why);
        return;
    }
    close_with(s, SESSION_CLOSE_LOST, 0, "connection lost: %s", why);
}

/* ---- checking and applying the server's frames ---- */

static uint64_t deadline_from(uint64_t now_ms, uint32_t ms_left)
{
    return ms_left ? now_ms + ms_left : 0;
}

static void reset_game(struct session *s)
{
    memset(&s->game, 0, sizeof s->game);
    s->game.board = board_new();
    s->game.last_cell = BOARD_NO_CELL;
    memset(s->game.line, PROTO_NO_CELL, sizeof s->game.line);
}

static int on_welcome(struct session *s, const struct proto_msg *m, uint64_t now_ms)
{
    if (s->conn != CONN_HANDSHAKE) {
        protocol_error(s, "server sent WELCOME twice");
        return -1;
    }
    s->conn = CONN_UP;
    s->turn_s = m->u.welcome.turn_s;
    s->grace_s = m->u.welcome.grace_s;
    if (!s->welcomed) {
        /* The seat token: a RESUME keeps the old one, so later WELCOMEs'
         * tokens are dropped, as the server drops them. */
        memcpy(s->token, m->u.welcome.token, PROTO_TOKEN_LEN);
        s->welcomed = 1;
    }
    if (s->phase == SESSION_RECONNECTING) {
        struct proto_msg r;
        memset(&r, 0, sizeof r);
        r.type = PROTO_RESUME;
        memcpy(r.u.resume.token, s->token, PROTO_TOKEN_LEN);
        s->pending = PEND_RESUME;
        return send_msg(s, &r, now_ms);
    }
    s->phase = SESSION_LOBBY;
    return push_event(s, SESSION_EV_WELCOME) ? 0 : -1;
}

/* GAME_START: who may send it, and with which mark, depends on what we asked. */
static int on_game_start(struct session *s, const struct proto_msg *m)
{
    uint8_t you = m->u.game_start.you;
    uint32_t id = m->u.game_start.game_id;
    int ok = 0, resume = 0;
    if (s->phase == SESSION_QUEUED && s->pending == PEND_NONE)
        ok = you == PROTO_MARK_X || you == PROTO_MARK_O;
    else if (s->phase == SESSION_ROOM_WAIT && s->pending == PEND_NONE)
        ok = you == PROTO_MARK_X;
    else if (s->phase == SESSION_JOINING && s->pending == PEND_JOIN)
        ok = you == PROTO_MARK_O;
    else if (s->phase == SESSION_JOINING && s->pending == PEND_SPECTATE)
        ok = you == PROTO_SPECTATOR && id == s->spectate_id;
    else if (s->phase == SESSION_RECONNECTING && s->pending == PEND_RESUME)
        ok = resume = id == s->game.game_id && you == s->game.you;
    else if (s->phase == SESSION_GAME_OVER && s->game.rematch_offered)
        ok = id != s->game.game_id && (you == PROTO_MARK_X || you == PROTO_MARK_O) &&
             you != s->game.you;
    else {
        protocol_error(s, "server sent GAME_START in phase %s", session_phase_name(s->phase));
        return -1;
    }
    if (!ok) {
        protocol_error(s, "server sent GAME_START (game %u, you %u) that does not answer our "
                       "request in phase %s", (unsigned)id, (unsigned)you,
                       session_phase_name(s->phase));
        return -1;
    }
    if (!resume) {
        reset_game(s);
        s->game.game_id = id;
        s->game.you = you;
    }
    s->game.x_name = m->u.game_start.x_name;
    s->game.o_name = m->u.game_start.o_name;
    s->pending = PEND_NONE;
    s->left_finished = 0;
    s->awaiting_state = 1;
    s->start_is_resume = (uint8_t)resume;
    return 0;
}

/* STATE must describe a live game a real game could reach. */
static int on_state(struct session *s, const struct proto_msg *m, uint64_t now_ms)
{
    if (!s->awaiting_state) {
        protocol_error(s, "server sent STATE without a GAME_START before it");
        return -1;
    }
    struct board b;
    if (m->u.state.game_id != s->game.game_id) {
        protocol_error(s, "server sent STATE for game %u after GAME_START for game %u",
                       (unsigned)m->u.state.game_id, (unsigned)s->game.game_id);
        return -1;
    }
    if (board_from_cells(&b, m->u.state.cells) != BOARD_OK || b.ply != m->u.state.ply) {
        protocol_error(s, "server sent STATE with impossible cells (ply %u)",
                       (unsigned)m->u.state.ply);
        return -1;
    }
    uint8_t mover = board_to_move(&b);
    if (mover == BOARD_EMPTY || m->u.state.to_move != mover) {
        protocol_error(s, "server sent STATE with mover %u where the board says %u",
                       (unsigned)m->u.state.to_move, (unsigned)mover);
        return -1;
    }
    s->awaiting_state = 0;
    s->game.board = b;
    s->game.to_move = mover;
    s->game.turn_deadline_ms = deadline_from(now_ms, m->u.state.ms_left);
    s->game.over = 0;
    s->game.opponent_away = 0;
    s->game.opponent_deadline_ms = 0;
    s->move_pending = 0;
    if (s->start_is_resume) {
        s->phase = SESSION_PLAYING;
        s->err[0] = '\0';
        if (!push_event(s, SESSION_EV_RESUMED))
            return -1;
    } else {
        s->phase = s->game.you == PROTO_SPECTATOR ? SESSION_SPECTATING : SESSION_PLAYING;
        if (!push_event(s, SESSION_EV_GAME_START))
            return -1;
    }
    return push_event(s, SESSION_EV_STATE) ? 0 : -1;
}

static int in_live_game(const struct session *s)
{
    return (s->phase == SESSION_PLAYING || s->phase == SESSION_SPECTATING) && !s->game.over;
}

static int on_moved(struct session *s, const struct proto_msg *m, uint64_t now_ms)
{
    if (!in_live_game(s)) {
        protocol_error(s, "server sent MOVED in phase %s%s", session_phase_name(s->phase),
                       s->game.over ? " after GAME_OVER" : "");
        return -1;
    }
    const struct board *b = &s->game.board;
    uint8_t ply = m->u.moved.ply, cell = m->u.moved.cell, mark = m->u.moved.mark;
    struct board next;
    if (ply != b->ply || mark != board_to_move(b) || board_apply(b, cell, &next) != BOARD_OK) {
        protocol_error(s, "server sent MOVED (ply %u, cell %u, mark %u) that does not fit the "
                       "board (ply %u, %s to move%s)", (unsigned)ply, (unsigned)cell,
                       (unsigned)mark, (unsigned)b->ply,
                       board_to_move(b) == BOARD_X ? "X" : "O",
                       cell < BOARD_CELLS && b->cells[cell] ? ", cell taken" : "");
        return -1;
    }
    s->game.board = next;
    s->game.last_cell = cell;
    s->game.to_move = board_to_move(&next);
    s->game.turn_deadline_ms = s->game.to_move ? deadline_from(now_ms, m->u.moved.ms_left) : 0;
    if (mark == s->game.you)
        s->move_pending = 0;
    struct session_event *ev = push_event(s, SESSION_EV_MOVED);
    if (!ev)
        return -1;
    ev->u.moved.ply = ply;
    ev->u.moved.cell = cell;
    ev->u.moved.mark = mark;
    ev->u.moved.ms_left = m->u.moved.ms_left;
    return 0;
}

/* GAME_OVER must agree with the board the session has built. */
static int on_game_over(struct session *s, const struct proto_msg *m)
{
    if (!in_live_game(s) || s->awaiting_state) {
        protocol_error(s, "server sent GAME_OVER in phase %s%s", session_phase_name(s->phase),
                       s->game.over ? " after GAME_OVER" : "");
        return -1;
    }
    uint8_t winner = m->u.game_over.winner, reason = m->u.game_over.reason;
    struct board_result r = board_result(&s->game.board);
    int ok;
    switch (reason) {
    case PROTO_REASON_LINE:
        ok = r.over && r.winner == winner && memcmp(r.line, m->u.game_over.line, 3) == 0;
        break;
    case PROTO_REASON_FULL:
        ok = r.over && r.winner == BOARD_EMPTY;
        break;
    case PROTO_REASON_TIMEOUT:
        ok = !r.over && winner != s->game.to_move;
        break;
    default: /* resign, forfeit, aborted: any unfinished board */
        ok = !r.over;
        break;
    }
    if (!ok) {
        protocol_error(s, "server sent GAME_OVER (winner %u, %s) that does not fit the board",
                       (unsigned)winner, proto_reason_name(reason));
        return -1;
    }
    s->game.over = 1;
    s->game.winner = winner;
    s->game.reason = reason;
    memcpy(s->game.line, m->u.game_over.line, 3);
    s->game.to_move = 0;
    s->game.turn_deadline_ms = 0;
    s->game.opponent_away = 0;
    s->game.opponent_rematch = 0;
    s->game.rematch_offered = 0;
    s->move_pending = 0;
    s->phase = s->phase == SESSION_SPECTATING ? SESSION_LOBBY : SESSION_GAME_OVER;
    return push_event(s, SESSION_EV_GAME_OVER) ? 0 : -1;
}

static int on_opponent(struct session *s, const struct proto_msg *m, uint64_t now_ms)
{
    uint8_t e = m->u.opponent.event;
    /* The barrier PING goes before a lobby request from a finished game, so
     * the opponent's news sent between the server's reading the two (a LEAVE,
     * a rematch offer) arrives after the PONG. Until the next game only that
     * old game can have an opponent: drop its news. */
    if (s->left_finished &&
        (s->phase == SESSION_QUEUED || s->phase == SESSION_ROOM_WAIT || s->phase == SESSION_JOINING))
        return 0;
    int playing = s->phase == SESSION_PLAYING && !s->awaiting_state;
    int over = s->phase == SESSION_GAME_OVER && !s->game.opponent_left;
    int ok = (e == PROTO_OPP_DISCONNECTED || e == PROTO_OPP_RECONNECTED) ? playing
           : e == PROTO_OPP_LEFT ? over
           : over && !s->game.opponent_rematch;
    if (!ok) {
        protocol_error(s, "server sent OPPONENT event %u in phase %s", (unsigned)e,
                       session_phase_name(s->phase));
        return -1;
    }
    switch (e) {
    case PROTO_OPP_DISCONNECTED:
        s->game.opponent_away = 1;
        s->game.opponent_deadline_ms = now_ms + (uint64_t)m->u.opponent.grace_s * 1000u;
        break;
    case PROTO_OPP_RECONNECTED:
        s->game.opponent_away = 0;
        s->game.opponent_deadline_ms = 0;
        break;
    case PROTO_OPP_LEFT:
        s->game.opponent_left = 1;
        s->game.opponent_rematch = 0;
        break;
    default:
        s->game.opponent_rematch = 1;
        break;
    }
    struct session_event *ev = push_event(s, SESSION_EV_OPPONENT);
    if (!ev)
        return -1;
    ev->u.opponent.event = e;
    ev->u.opponent.grace_s = m->u.opponent.grace_s;
    return 0;
}

static int on_error(struct session *s, const struct proto_msg *m, uint64_t now_ms)
{
    uint8_t code = m->u.error.code;
    const char *text = m->u.error.message.s;
    int handshake = s->conn == CONN_HANDSHAKE;
    if (handshake || proto_error_fatal(code, 0)) {
        if (s->phase == SESSION_RECONNECTING && code == PROTO_ERR_SERVER_FULL) {
            char why[SESSION_ERR_LEN];
            snprintf(why, sizeof why, "server full: %.200s", text);
            connection_lost(s, now_ms, why);
            return -1;
        }
        close_with(s, SESSION_CLOSE_SERVER_ERROR, code, "server error %s%s%s",
                   proto_error_name(code), text[0] ? ": " : "", text);
        return -1;
    }
    if (s->phase == SESSION_RECONNECTING && s->pending == PEND_RESUME) {
        close_with(s, SESSION_CLOSE_LOST, code,
                   "connection lost and the game could not be resumed (%s%s%s)",
                   proto_error_name(code), text[0] ? ": " : "", text);
        return -1;
    }
    switch (code) {
    case PROTO_ERR_NOT_YOUR_TURN:
    case PROTO_ERR_CELL_TAKEN:
    case PROTO_ERR_STALE_PLY:
        s->move_pending = 0;
        break;
    case PROTO_ERR_NO_SUCH_ROOM:
    case PROTO_ERR_NO_SUCH_GAME:
    case PROTO_ERR_BAD_TOKEN:
        if (s->phase == SESSION_JOINING) {
            s->phase = SESSION_LOBBY;
            s->pending = PEND_NONE;
        }
        break;
    default:
        break;
    }
    snprintf(s->err, sizeof s->err, "server error %s%s%.200s", proto_error_name(code),
             text[0] ? ": " : "", text);
    struct session_event *ev = push_event(s, SESSION_EV_SERVER_ERROR);
    if (!ev)
        return -1;
    ev->u.error.code = code;
    copy_text(ev->u.error.message, sizeof ev->u.error.message, text);
    return 0;
}

/* Before the barrier's PONG: frames the server sent before it saw what we
 * sent last. They belong to a context we left; check their kind, drop them. */
static int on_ghost(struct session *s, const struct proto_msg *m)
{
    switch (m->type) {
    case PROTO_GAME_START:
        s->ghost_start = 1;
        return 0;
    case PROTO_STATE:
        if (!s->ghost_start) {
            protocol_error(s, "server sent STATE without a GAME_START before it");
            return -1;
        }
        s->ghost_start = 0;
        return 0;
    case PROTO_QUEUED:
    case PROTO_ROOM_CREATED:
    case PROTO_MOVED:
    case PROTO_GAME_OVER:
    case PROTO_OPPONENT:
        return 0;
    default:
        protocol_error(s, "server sent %s in phase %s", proto_type_name(m->type),
                       session_phase_name(s->phase));
        return -1;
    }
}

/* One decoded server frame. 0, or -1 when the session closed or lost the
 * connection (stop reading). */
static int handle_msg(struct session *s, const struct proto_msg *m, uint64_t now_ms)
{
    if (s->conn == CONN_HANDSHAKE && m->type != PROTO_WELCOME && m->type != PROTO_ERROR) {
        protocol_error(s, "server sent %s before WELCOME", proto_type_name(m->type));
        return -1;
    }
    if (s->awaiting_state && m->type != PROTO_STATE && m->type != PROTO_PING &&
        m->type != PROTO_PONG) {
        protocol_error(s, "server sent %s where STATE must follow GAME_START",
                       proto_type_name(m->type));
        return -1;
    }
    switch (m->type) {
    case PROTO_WELCOME:
        return on_welcome(s, m, now_ms);
    case PROTO_PING: {
        struct proto_msg r;
        memset(&r, 0, sizeof r);
        r.type = PROTO_PONG;
        r.u.ping.nonce = m->u.ping.nonce;
        return send_msg(s, &r, now_ms);
    }
    case PROTO_PONG:
        if (m->u.ping.nonce == 0 || m->u.ping.nonce > s->ping_nonce) {
            protocol_error(s, "server sent PONG %u for a PING never sent", (unsigned)m->u.ping.nonce);
            return -1;
        }
        if (m->u.ping.nonce == s->ping_nonce) {
            if (s->ghost_start) {
                protocol_error(s, "server sent GAME_START without STATE after it");
                return -1;
            }
            s->barrier = 0;
        }
        return 0;
    case PROTO_ERROR:
        return on_error(s, m, now_ms);
    case PROTO_GAME_LIST:
        if (s->list_pending == 0) {
            protocol_error(s, "server sent GAME_LIST nobody asked for");
            return -1;
        }
        s->list_pending--;
        s->list = *m;
        return push_event(s, SESSION_EV_GAME_LIST) ? 0 : -1;
    default:
        break;
    }
    if (s->barrier)
        return on_ghost(s, m);
    switch (m->type) {
    case PROTO_QUEUED:
        if (s->phase != SESSION_QUEUED || s->pending != PEND_QUEUED)
            break;
        s->pending = PEND_NONE;
        return push_event(s, SESSION_EV_QUEUED) ? 0 : -1;
    case PROTO_ROOM_CREATED: {
        if (s->phase != SESSION_ROOM_WAIT || s->pending != PEND_ROOM)
            break;
        s->pending = PEND_NONE;
        struct session_event *ev = push_event(s, SESSION_EV_ROOM_CREATED);
        if (!ev)
            return -1;
        memcpy(ev->u.room_code, m->u.room.code, PROTO_CODE_LEN + 1);
        return 0;
    }
    case PROTO_GAME_START:
        return on_game_start(s, m);
    case PROTO_STATE:
        return on_state(s, m, now_ms);
    case PROTO_MOVED:
        return on_moved(s, m, now_ms);
    case PROTO_GAME_OVER:
        return on_game_over(s, m);
    case PROTO_OPPONENT:
        return on_opponent(s, m, now_ms);
    default:
        break;
    }
    protocol_error(s, "server sent %s in phase %s", proto_type_name(m->type),
                   session_phase_name(s->phase));
    return -1;
}

/* Bytes from the server, in any chunking. 0, or -1 once the session stopped
 * taking bytes from this connection. */
static int take_bytes(struct session *s, const uint8_t *data, size_t n, uint64_t now_ms)
{
    while (n > 0) {
        size_t used = 0;
        struct proto_frame f;
        int rc = proto_reader_feed(&s->reader, data, n, &used, &f);
        data += used;
        n -= used;
        if (rc == PROTO_NEED_MORE)
            return 0;
        if (rc != PROTO_FRAME) {
            protocol_error(s, "server sent a bad frame header (%s)", proto_strerror(rc));
            return -1;
        }
        struct proto_msg m;
        rc = proto_decode(PROTO_S2C, &f, &m);
        if (rc != PROTO_OK) {
            protocol_error(s, "server sent a malformed %s frame (%u bytes): %s",
                           proto_type_name(f.type), (unsigned)f.len, proto_strerror(rc));
            return -1;
        }
        if (handle_msg(s, &m, now_ms) < 0)
            return -1;
    }
    return 0;
}

int session_feed(struct session *s, const uint8_t *data, size_t n, uint64_t now_ms)
{
    if (s->phase == SESSION_CLOSED || s->phase == SESSION_IDLE || s->conn == CONN_NONE ||
        s->conn == CONN_CONNECTING)
        return -1;
    s->now_ms = now_ms;
    take_bytes(s, data, n, now_ms);
    return s->phase == SESSION_CLOSED ? -1 : 0;
}

size_t session_take_output(struct session *s, uint8_t *buf, size_t cap)
{
    size_t n = s->out_len < cap ? s->out_len : cap;
    memcpy(buf, s->out, n);
    memmove(s->out, s->out + n, s->out_len - n);
    s->out_len -= n;
    return n;
}

/* ---- the loop's entry points ---- */

/* A started connect finished (writable or readable): on to the handshake,
 * or a failure. */
static void finish_connect(struct session *s, uint64_t now_ms)
{
    char err[SOCK_ERR_LEN];
    if (sock_connect_result(s->fd, err) == 0) {
        begin_handshake(s, now_ms);
        return;
    }
    if (s->phase == SESSION_RECONNECTING) {
        drop_socket(s);
        return; /* next_try_ms already set when this attempt started */
    }
    if (try_next_address(s, now_ms))
        return;
    close_with(s, SESSION_CLOSE_CONNECT, 0, "cannot connect to %s port %u: %s", s->host,
               (unsigned)s->port, err);
}

/* Common start of on_readable/on_writable: 1 when the call is used up (no
 * socket, or it finished a connect). */
static int connect_step(struct session *s, uint64_t now_ms)
{
    s->now_ms = now_ms;
    if (s->fd < 0)
        return 1;
    if (s->conn != CONN_CONNECTING)
        return 0;
    finish_connect(s, now_ms);
    return 1;
}

/* Reads until EAGAIN, at most READS_PER_CALL chunks (poll level-triggered:
 * a busy socket stays readable and is served again on the next round). */
void session_on_readable(struct session *s, uint64_t now_ms)
{
    if (connect_step(s, now_ms))
        return;
    uint8_t buf[READ_CHUNK];
    for (int i = 0; i < READS_PER_CALL && s->fd >= 0; i++) {
        ssize_t n = recv(s->fd, buf, sizeof buf, 0);
        if (n > 0) {
            if (take_bytes(s, buf, (size_t)n, now_ms) < 0)
                return;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            i--;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        connection_lost(s, now_ms, n == 0 ? "the server closed the connection" : strerror(errno));
        return;
    }
}

void session_on_writable(struct session *s, uint64_t now_ms)
{
    if (connect_step(s, now_ms))
        return;
    if (s->out_len > 0 && flush_out(s) < 0) {
        char why[SESSION_ERR_LEN];
        copy_text(why, sizeof why, s->err);
        connection_lost(s, now_ms, why);
    }
}

void session_tick(struct session *s, uint64_t now_ms)
{
    s->now_ms = now_ms;
    if (s->phase == SESSION_RECONNECTING) {
        if (now_ms >= s->reconnect_deadline_ms) {
            char why[SESSION_ERR_LEN];
            copy_text(why, sizeof why, s->err);
            close_with(s, SESSION_CLOSE_LOST, 0,
                       "connection lost and not resumed within the %u s grace period (%s)",
                       (unsigned)s->grace_s, why);
            return;
        }
        if (s->conn == CONN_NONE && now_ms >= s->next_try_ms) {
            s->next_try_ms = now_ms + RETRY_MS;
            if (start_connect(s, now_ms) < 0)
                return; /* s->err says why; try again later */
        }
        if (s->conn != CONN_NONE && s->conn != CONN_UP && now_ms >= s->conn_deadline_ms)
            connection_lost(s, now_ms, s->conn == CONN_CONNECTING ? "connect timed out"
                                                                   : "no WELCOME in time");
        return;
    }
    if (s->conn == CONN_CONNECTING && now_ms >= s->conn_deadline_ms) {
        if (try_next_address(s, now_ms))
            return;
        close_with(s, SESSION_CLOSE_CONNECT, 0, "cannot connect to %s port %u: timed out after %u ms",
                   s->host, (unsigned)s->port, (unsigned)s->connect_timeout_ms);
        return;
    }
    if (s->conn == CONN_HANDSHAKE && now_ms >= s->conn_deadline_ms) {
        close_with(s, SESSION_CLOSE_CONNECT, 0, "no WELCOME from the server within %u ms",
                   (unsigned)s->connect_timeout_ms);
    }
}

uint64_t session_next_deadline(const struct session *s)
{
    uint64_t t = UINT64_MAX;
    if (s->phase == SESSION_CLOSED)
        return t;
    if (s->conn == CONN_CONNECTING || s->conn == CONN_HANDSHAKE)
        t = s->conn_deadline_ms;
    if (s->phase == SESSION_RECONNECTING) {
        if (s->reconnect_deadline_ms < t)
            t = s->reconnect_deadline_ms;
        if (s->conn == CONN_NONE && s->next_try_ms < t)
            t = s->next_try_ms;
    }
    return t;
}

int session_fd(const struct session *s)
{
    return s->fd;
}

int session_wants_write(const struct session *s)
{
    return s->fd >= 0 && (s->conn == CONN_CONNECTING || s->out_len > 0);
}

/* ---- requests ---- */

/* Lobby requests are allowed in the lobby and at a finished game (which the
 * server leaves first; the barrier drops what the old game still sends). */
static int lobby_request(struct session *s, const struct proto_msg *m, enum pending p,
                         enum session_phase to)
{
    if (s->phase != SESSION_LOBBY && s->phase != SESSION_GAME_OVER)
        return -1;
    int from_game = s->phase == SESSION_GAME_OVER && !s->game.opponent_left;
    if (from_game && send_barrier(s, s->now_ms) < 0)
        return -1;
    if (send_msg(s, m, s->now_ms) < 0)
        return -1;
    s->left_finished = (uint8_t)from_game;
    s->pending = p;
    s->phase = to;
    return 0;
}

int session_quick_match(struct session *s)
{
    struct proto_msg m = {.type = PROTO_QUICK_MATCH};
    return lobby_request(s, &m, PEND_QUEUED, SESSION_QUEUED);
}

int session_create_room(struct session *s)
{
    struct proto_msg m = {.type = PROTO_CREATE_ROOM};
    return lobby_request(s, &m, PEND_ROOM, SESSION_ROOM_WAIT);
}

int session_join_room(struct session *s, const char *code)
{
    if (!code || strlen(code) != PROTO_CODE_LEN || !proto_code_valid(code))
        return -1;
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_JOIN_ROOM;
    memcpy(m.u.room.code, code, PROTO_CODE_LEN + 1);
    return lobby_request(s, &m, PEND_JOIN, SESSION_JOINING);
}

int session_spectate(struct session *s, uint32_t game_id)
{
    if (game_id == 0)
        return -1;
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_SPECTATE;
    m.u.spectate.game_id = game_id;
    if (lobby_request(s, &m, PEND_SPECTATE, SESSION_JOINING) < 0)
        return -1;
    s->spectate_id = game_id;
    return 0;
}

int session_list_games(struct session *s)
{
    if (s->phase != SESSION_LOBBY || send_bare(s, PROTO_LIST_GAMES, s->now_ms) < 0)
        return -1;
    s->list_pending++;
    return 0;
}

int session_my_turn(const struct session *s)
{
    return s->phase == SESSION_PLAYING && !s->awaiting_state && !s->game.over &&
           !s->move_pending && s->game.to_move == s->game.you;
}

int session_move(struct session *s, unsigned cell)
{
    if (!session_my_turn(s) || cell >= BOARD_CELLS || s->game.board.cells[cell] != BOARD_EMPTY)
        return -1;
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_MOVE;
    m.u.move.ply = s->game.board.ply;
    m.u.move.cell = (uint8_t)cell;
    if (send_msg(s, &m, s->now_ms) < 0)
        return -1;
    s->move_pending = 1;
    return 0;
}

int session_resign(struct session *s)
{
    if (s->phase != SESSION_PLAYING || s->awaiting_state || s->game.over)
        return -1;
    return send_bare(s, PROTO_RESIGN, s->now_ms);
}

int session_rematch(struct session *s)
{
    if (s->phase != SESSION_GAME_OVER || s->game.opponent_left || s->game.rematch_offered)
        return -1;
    if (send_bare(s, PROTO_REMATCH, s->now_ms) < 0)
        return -1;
    s->game.rematch_offered = 1;
    return 0;
}

int session_leave(struct session *s)
{
    switch (s->phase) {
    case SESSION_QUEUED:
    case SESSION_ROOM_WAIT:
    case SESSION_PLAYING:
    case SESSION_SPECTATING:
    case SESSION_GAME_OVER:
        break;
    default:
        return -1;
    }
    if (s->awaiting_state || send_bare(s, PROTO_LEAVE, s->now_ms) < 0 || send_barrier(s, s->now_ms) < 0)
        return -1;
    s->pending = PEND_NONE;
    s->phase = SESSION_LOBBY;
    return 0;
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

uint16_t session_turn_s(const struct session *s)
{
    return s->turn_s;
}

uint16_t session_grace_s(const struct session *s)
{
    return s->grace_s;
}

const char *session_error(const struct session *s)
{
    return s->err;
}
