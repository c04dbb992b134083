/* SPDX-License-Identifier: MIT */
/* frames.c: the server's bytes (session_feed: the frame reader and the
 * decoder) and its frames, each checked against the session's phase,
 * what it asked for and the game it has built, then applied: the game
 * state, the phase, and the events the user sees. A frame that does not fit
 * ends the session as a protocol error.
 *
 * Leaving a context (LEAVE, or a lobby request from a finished game) sends a
 * PING right after it (the barrier, requests.c): frames that arrive before
 * its PONG were sent by the server before it saw the LEAVE (a pairing that
 * crossed it, the opponent's rematch offer, ...) and are checked loosely and
 * dropped without events.
 */
#include "session_private.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

static uint64_t deadline_from(uint64_t now_ms, uint32_t ms_left)
{
    return ms_left ? now_ms + ms_left : 0;
}

/* A frame the phase does not allow. Always -1. */
static int unexpected(struct session *s, const struct proto_msg *m)
{
    session_protocol_error(s, "server sent %s in phase %s", proto_type_name(m->type),
                           session_phase_name(s->phase));
    return -1;
}

/* ---- frames any phase may see ---- */

static int on_welcome(struct session *s, const struct proto_msg *m)
{
    if (s->conn != SESSION_CONN_HANDSHAKE) {
        session_protocol_error(s, "server sent WELCOME twice");
        return -1;
    }
    s->conn = SESSION_CONN_UP;
    s->server_version = m->u.welcome.version;
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
        s->pending = SESSION_PEND_RESUME;
        return session_send(s, &r);
    }
    s->phase = SESSION_LOBBY;
    return session_push_event(s, SESSION_EV_WELCOME) ? 0 : -1;
}

static int on_ping(struct session *s, const struct proto_msg *m)
{
    struct proto_msg r;
    memset(&r, 0, sizeof r);
    r.type = PROTO_PONG;
    r.u.ping.nonce = m->u.ping.nonce;
    return session_send(s, &r);
}

/* The PONG of the latest PING lifts the barrier: the server has seen all
 * we sent. */
static int on_pong(struct session *s, const struct proto_msg *m)
{
    if (m->u.ping.nonce == 0 || m->u.ping.nonce > s->ping_nonce) {
        session_protocol_error(s, "server sent PONG %u for a PING never sent",
                               (unsigned)m->u.ping.nonce);
        return -1;
    }
    if (m->u.ping.nonce == s->ping_nonce) {
        if (s->ghost_start) {
            session_protocol_error(s, "server sent GAME_START without STATE after it");
            return -1;
        }
        s->barrier = 0;
    }
    return 0;
}

/* A fatal ERROR (or any ERROR before WELCOME) ends the session, except
 * SERVER_FULL on a reconnect, which is one more failed try. */
static int on_fatal_error(struct session *s, uint8_t code, const char *text, uint64_t now_ms)
{
    if (s->phase == SESSION_RECONNECTING && code == PROTO_ERR_SERVER_FULL) {
        char why[SESSION_ERR_LEN];
        snprintf(why, sizeof why, "server full%s%.200s", text[0] ? ": " : "", text);
        session_disconnected(s, now_ms, why);
        return -1;
    }
    session_end(s, SESSION_CLOSE_SERVER_ERROR, code, "server error %s%s%.200s",
                proto_error_name(code), text[0] ? ": " : "", text);
    return -1;
}

/* What a non-fatal ERROR undoes: the MOVE it refused, the join it refused. */
static void undo_refused(struct session *s, uint8_t code)
{
    switch (code) {
    case PROTO_ERR_NOT_YOUR_TURN:
    case PROTO_ERR_CELL_TAKEN:
    case PROTO_ERR_STALE_PLY:
        s->move_pending = 0;
        break;
    case PROTO_ERR_NO_SUCH_ROOM:
    case PROTO_ERR_NO_SUCH_GAME:
    case PROTO_ERR_BAD_TOKEN:
        if (code == PROTO_ERR_NO_SUCH_ROOM && s->phase == SESSION_ROOM_WAIT &&
            s->pending == SESSION_PEND_NONE)
            s->phase = SESSION_LOBBY; /* our room closed: nobody joined in time */
        if (s->phase == SESSION_JOINING) {
            s->phase = SESSION_LOBBY;
            s->pending = SESSION_PEND_NONE;
        }
        break;
    default:
        break;
    }
}

static int on_error(struct session *s, const struct proto_msg *m, uint64_t now_ms)
{
    uint8_t code = m->u.error.code;
    /* The decoder let through only text that follows the rules; made
     * printable all the same, as every server string is before it is shown. */
    char text[PROTO_TEXT_MAX + 1];
    text_printable(m->u.error.message.s, m->u.error.message.len, text, sizeof text);
    if (s->conn == SESSION_CONN_HANDSHAKE || proto_error_fatal(code, 0))
        return on_fatal_error(s, code, text, now_ms);
    if (s->phase == SESSION_RECONNECTING && s->pending == SESSION_PEND_RESUME) {
        session_end(s, SESSION_CLOSE_LOST, code,
                    "connection lost and the game could not be resumed (%s%s%.200s)",
                    proto_error_name(code), text[0] ? ": " : "", text);
        return -1;
    }
    undo_refused(s, code);
    snprintf(s->err, sizeof s->err, "server error %s%s%.200s", proto_error_name(code),
             text[0] ? ": " : "", text);
    struct session_event *ev = session_push_event(s, SESSION_EV_SERVER_ERROR);
    if (!ev)
        return -1;
    ev->u.error.code = code;
    memcpy(ev->u.error.message, text, sizeof ev->u.error.message);
    return 0;
}

static int on_game_list(struct session *s, const struct proto_msg *m)
{
    if (s->list_pending == 0) {
        session_protocol_error(s, "server sent GAME_LIST nobody asked for");
        return -1;
    }
    s->list_pending--;
    s->list.count = m->u.game_list.count;
    memcpy(s->list.games, m->u.game_list.games, sizeof s->list.games);
    return session_push_event(s, SESSION_EV_GAME_LIST) ? 0 : -1;
}

/* ---- frames of the context the session is in ---- */

static int on_queued(struct session *s, const struct proto_msg *m)
{
    if (s->phase != SESSION_QUEUED || s->pending != SESSION_PEND_QUEUED)
        return unexpected(s, m);
    s->pending = SESSION_PEND_NONE;
    return session_push_event(s, SESSION_EV_QUEUED) ? 0 : -1;
}

static int on_room_created(struct session *s, const struct proto_msg *m)
{
    if (s->phase != SESSION_ROOM_WAIT || s->pending != SESSION_PEND_ROOM)
        return unexpected(s, m);
    s->pending = SESSION_PEND_NONE;
    struct session_event *ev = session_push_event(s, SESSION_EV_ROOM_CREATED);
    if (!ev)
        return -1;
    memcpy(ev->u.room_code, m->u.room.code, PROTO_CODE_LEN + 1);
    return 0;
}

/* GAME_START: who may send it, and with which mark, depends on what we asked. */
static int on_game_start(struct session *s, const struct proto_msg *m)
{
    uint8_t you = m->u.game_start.you;
    uint32_t id = m->u.game_start.game_id;
    int ok = 0, resume = 0;
    if (s->phase == SESSION_QUEUED && s->pending == SESSION_PEND_NONE)
        ok = you == PROTO_MARK_X || you == PROTO_MARK_O;
    else if (s->phase == SESSION_ROOM_WAIT && s->pending == SESSION_PEND_NONE)
        ok = you == PROTO_MARK_X;
    else if (s->phase == SESSION_JOINING && s->pending == SESSION_PEND_JOIN)
        ok = you == PROTO_MARK_O;
    else if (s->phase == SESSION_JOINING && s->pending == SESSION_PEND_SPECTATE)
        ok = you == PROTO_SPECTATOR && id == s->spectate_id;
    else if (s->phase == SESSION_LOBBY && s->follow_id && s->pending == SESSION_PEND_NONE)
        ok = you == PROTO_SPECTATOR && id != s->follow_id; /* the rematch of a game we watched */
    else if (s->phase == SESSION_RECONNECTING && s->pending == SESSION_PEND_RESUME)
        ok = resume = id == s->game.game_id && you == s->game.you;
    else if (s->phase == SESSION_GAME_OVER && s->game.rematch_offered)
        ok = id != s->game.game_id && (you == PROTO_MARK_X || you == PROTO_MARK_O) &&
             you != s->game.you;
    else
        return unexpected(s, m);
    if (!ok) {
        session_protocol_error(s, "server sent GAME_START (game %u, you %u) that does not "
                               "answer our request in phase %s", (unsigned)id, (unsigned)you,
                               session_phase_name(s->phase));
        return -1;
    }
    if (!resume) {
        session_reset_game(s);
        s->game.game_id = id;
        s->game.you = you;
    }
    s->game.x_name = m->u.game_start.x_name;
    s->game.o_name = m->u.game_start.o_name;
    s->pending = SESSION_PEND_NONE;
    s->left_finished = 0;
    s->follow_id = 0;
    s->awaiting_state = 1;
    s->start_is_resume = (uint8_t)resume;
    return 0;
}

/* STATE must describe a live game a real game could reach. */
static int on_state(struct session *s, const struct proto_msg *m, uint64_t now_ms)
{
    if (!s->awaiting_state) {
        session_protocol_error(s, "server sent STATE without a GAME_START before it");
        return -1;
    }
    struct board b;
    if (m->u.state.game_id != s->game.game_id) {
        session_protocol_error(s, "server sent STATE for game %u after GAME_START for game %u",
                               (unsigned)m->u.state.game_id, (unsigned)s->game.game_id);
        return -1;
    }
    if (board_from_cells(&b, m->u.state.cells) != BOARD_OK || b.ply != m->u.state.ply) {
        session_protocol_error(s, "server sent STATE with impossible cells (ply %u)",
                               (unsigned)m->u.state.ply);
        return -1;
    }
    uint8_t mover = board_to_move(&b);
    if (mover == BOARD_EMPTY || m->u.state.to_move != mover) {
        session_protocol_error(s, "server sent STATE with mover %u where the board says %u",
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
    uint8_t first = SESSION_EV_GAME_START;
    if (s->start_is_resume) {
        s->phase = SESSION_PLAYING;
        s->err[0] = '\0';
        first = SESSION_EV_RESUMED;
    } else {
        s->phase = s->game.you == PROTO_SPECTATOR ? SESSION_SPECTATING : SESSION_PLAYING;
    }
    if (!session_push_event(s, first))
        return -1;
    return session_push_event(s, SESSION_EV_STATE) ? 0 : -1;
}

static int in_live_game(const struct session *s)
{
    return (s->phase == SESSION_PLAYING || s->phase == SESSION_SPECTATING) && !s->game.over;
}

static int on_moved(struct session *s, const struct proto_msg *m, uint64_t now_ms)
{
    if (!in_live_game(s)) {
        session_protocol_error(s, "server sent MOVED in phase %s%s", session_phase_name(s->phase),
                               s->game.over ? " after GAME_OVER" : "");
        return -1;
    }
    const struct board *b = &s->game.board;
    uint8_t ply = m->u.moved.ply, cell = m->u.moved.cell, mark = m->u.moved.mark;
    struct board next;
    if (ply != b->ply || mark != board_to_move(b) || board_apply(b, cell, &next) != BOARD_OK) {
        session_protocol_error(s, "server sent MOVED (ply %u, cell %u, mark %u) that does not "
                               "fit the board (ply %u, %s to move%s)", (unsigned)ply,
                               (unsigned)cell, (unsigned)mark, (unsigned)b->ply,
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
    struct session_event *ev = session_push_event(s, SESSION_EV_MOVED);
    if (!ev)
        return -1;
    ev->u.moved.ply = ply;
    ev->u.moved.cell = cell;
    ev->u.moved.mark = mark;
    ev->u.moved.ms_left = m->u.moved.ms_left;
    return 0;
}

/* 1 when a GAME_OVER (winner, reason, line) fits the board. */
static int result_fits(const struct session *s, const struct proto_msg *m)
{
    uint8_t winner = m->u.game_over.winner;
    struct board_result r = board_result(&s->game.board);
    switch (m->u.game_over.reason) {
    case PROTO_REASON_LINE:
        return r.over && r.winner == winner && memcmp(r.line, m->u.game_over.line, 3) == 0;
    case PROTO_REASON_FULL:
        return r.over && r.winner == BOARD_EMPTY;
    case PROTO_REASON_TIMEOUT:
        return !r.over && winner != s->game.to_move;
    default: /* resign, forfeit, aborted: any unfinished board */
        return !r.over;
    }
}

static int on_game_over(struct session *s, const struct proto_msg *m)
{
    if (!in_live_game(s) || s->awaiting_state) {
        session_protocol_error(s, "server sent GAME_OVER in phase %s%s",
                               session_phase_name(s->phase), s->game.over ? " after GAME_OVER" : "");
        return -1;
    }
    if (!result_fits(s, m)) {
        session_protocol_error(s, "server sent GAME_OVER (winner %u, %s) that does not fit the "
                               "board", (unsigned)m->u.game_over.winner,
                               proto_reason_name(m->u.game_over.reason));
        return -1;
    }
    s->game.over = 1;
    s->game.winner = m->u.game_over.winner;
    s->game.reason = m->u.game_over.reason;
    memcpy(s->game.line, m->u.game_over.line, 3);
    s->game.to_move = 0;
    s->game.turn_deadline_ms = 0;
    s->game.opponent_away = 0;
    s->game.opponent_rematch = 0;
    s->game.rematch_offered = 0;
    s->move_pending = 0;
    if (s->phase == SESSION_SPECTATING) {
        s->phase = SESSION_LOBBY; /* following the game: its rematch would bring us back */
        s->follow_id = s->game.game_id;
    } else {
        s->phase = SESSION_GAME_OVER;
    }
    return session_push_event(s, SESSION_EV_GAME_OVER) ? 0 : -1;
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
        session_protocol_error(s, "server sent OPPONENT event %u in phase %s", (unsigned)e,
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
    struct session_event *ev = session_push_event(s, SESSION_EV_OPPONENT);
    if (!ev)
        return -1;
    ev->u.opponent.event = e;
    ev->u.opponent.grace_s = m->u.opponent.grace_s;
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
            session_protocol_error(s, "server sent STATE without a GAME_START before it");
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
        return unexpected(s, m);
    }
}

static int on_context_frame(struct session *s, const struct proto_msg *m, uint64_t now_ms)
{
    if (s->barrier)
        return on_ghost(s, m);
    switch (m->type) {
    case PROTO_QUEUED: return on_queued(s, m);
    case PROTO_ROOM_CREATED: return on_room_created(s, m);
    case PROTO_GAME_START: return on_game_start(s, m);
    case PROTO_STATE: return on_state(s, m, now_ms);
    case PROTO_MOVED: return on_moved(s, m, now_ms);
    case PROTO_GAME_OVER: return on_game_over(s, m);
    case PROTO_OPPONENT: return on_opponent(s, m, now_ms);
    default: return unexpected(s, m);
    }
}

/* One decoded server frame. 0, or -1 when the session closed or let the
 * connection go (stop reading). */
static int on_frame(struct session *s, const struct proto_msg *m, uint64_t now_ms)
{
    if (s->conn == SESSION_CONN_HANDSHAKE && m->type != PROTO_WELCOME && m->type != PROTO_ERROR) {
        session_protocol_error(s, "server sent %s before WELCOME", proto_type_name(m->type));
        return -1;
    }
    if (s->awaiting_state && m->type != PROTO_STATE && m->type != PROTO_PING &&
        m->type != PROTO_PONG) {
        session_protocol_error(s, "server sent %s where STATE must follow GAME_START",
                               proto_type_name(m->type));
        return -1;
    }
    switch (m->type) {
    case PROTO_WELCOME: return on_welcome(s, m);
    case PROTO_PING: return on_ping(s, m);
    case PROTO_PONG: return on_pong(s, m);
    case PROTO_ERROR: return on_error(s, m, now_ms);
    case PROTO_GAME_LIST: return on_game_list(s, m);
    default: return on_context_frame(s, m, now_ms);
    }
}

int session_feed(struct session *s, const uint8_t *data, size_t n, uint64_t now_ms)
{
    if (s->conn == SESSION_CONN_NONE)
        return -1;
    if (n > 0) {
        s->heard_ms = now_ms;
        s->silence_pinged = 0;
    }
    while (n > 0) {
        size_t used = 0;
        struct proto_frame f;
        int rc = proto_reader_feed(&s->reader, data, n, &used, &f);
        data += used;
        n -= used;
        if (rc == PROTO_NEED_MORE)
            return 0;
        if (rc != PROTO_FRAME) {
            session_protocol_error(s, "server sent a bad frame header (%s)", proto_strerror(rc));
            return -1;
        }
        struct proto_msg m;
        rc = proto_decode(PROTO_S2C, &f, &m);
        if (rc != PROTO_OK) {
            session_protocol_error(s, "server sent a malformed %s frame (%u bytes): %s",
                                   proto_type_name(f.type), (unsigned)f.len, proto_strerror(rc));
            return -1;
        }
        if (on_frame(s, &m, now_ms) < 0)
            return -1;
    }
    return 0;
}
