/* SPDX-License-Identifier: MIT */
/* requests.c: what the user may ask of the session (session.h), each
 * allowed in some phases only; an allowed request queues its frame and moves
 * the phase on, a refused one queues nothing. Also the same requests as
 * values (session_request), for a user on another thread.
 */
#include "session_private.h"

#include <string.h>

/* Lobby requests are allowed in the lobby and at a finished game (which the
 * server leaves first, as it stops following a game we watched; the barrier
 * drops what the old game still sends). */
static int lobby_request(struct session *s, const struct proto_msg *m,
                         enum session_pending p, enum session_phase to)
{
    if (s->phase != SESSION_LOBBY && s->phase != SESSION_GAME_OVER)
        return -1;
    int from_game = (s->phase == SESSION_GAME_OVER && !s->game.opponent_left) || s->follow_id;
    if (from_game && session_send_barrier(s) < 0)
        return -1;
    if (session_send(s, m) < 0)
        return -1;
    s->left_finished = (uint8_t)from_game;
    s->follow_id = 0;
    s->pending = p;
    s->phase = to;
    return 0;
}

int session_quick_match(struct session *s)
{
    struct proto_msg m = {.type = PROTO_QUICK_MATCH};
    return lobby_request(s, &m, SESSION_PEND_QUEUED, SESSION_QUEUED);
}

int session_create_room(struct session *s)
{
    struct proto_msg m = {.type = PROTO_CREATE_ROOM};
    return lobby_request(s, &m, SESSION_PEND_ROOM, SESSION_ROOM_WAIT);
}

int session_join_room(struct session *s, const char *code)
{
    if (!code || strlen(code) != PROTO_CODE_LEN || !proto_code_valid(code))
        return -1;
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_JOIN_ROOM;
    memcpy(m.u.room.code, code, PROTO_CODE_LEN + 1);
    return lobby_request(s, &m, SESSION_PEND_JOIN, SESSION_JOINING);
}

int session_spectate(struct session *s, uint32_t game_id)
{
    if (game_id == 0)
        return -1;
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_SPECTATE;
    m.u.spectate.game_id = game_id;
    if (lobby_request(s, &m, SESSION_PEND_SPECTATE, SESSION_JOINING) < 0)
        return -1;
    s->spectate_id = game_id;
    return 0;
}

int session_list_games(struct session *s)
{
    if (s->phase != SESSION_LOBBY || session_send_bare(s, PROTO_LIST_GAMES) < 0)
        return -1;
    s->list_pending++;
    return 0;
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
    if (session_send(s, &m) < 0)
        return -1;
    s->move_pending = 1;
    return 0;
}

int session_resign(struct session *s)
{
    if (s->phase != SESSION_PLAYING || s->awaiting_state || s->game.over)
        return -1;
    return session_send_bare(s, PROTO_RESIGN);
}

int session_rematch(struct session *s)
{
    if (s->phase != SESSION_GAME_OVER || s->game.opponent_left || s->game.rematch_offered)
        return -1;
    if (session_send_bare(s, PROTO_REMATCH) < 0)
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
    case SESSION_LOBBY:
        if (s->follow_id) /* stop following a game we watched */
            break;
        return -1;
    default:
        return -1;
    }
    if (s->awaiting_state || session_send_bare(s, PROTO_LEAVE) < 0 || session_send_barrier(s) < 0)
        return -1;
    s->follow_id = 0;
    s->pending = SESSION_PEND_NONE;
    s->phase = SESSION_LOBBY;
    return 0;
}

void session_close(struct session *s)
{
    session_end(s, SESSION_CLOSE_USER, 0, "closed by the user");
}

int session_request(struct session *s, const struct session_request *r)
{
    switch (r->type) {
    case SESSION_REQ_QUICK_MATCH: return session_quick_match(s);
    case SESSION_REQ_CREATE_ROOM: return session_create_room(s);
    case SESSION_REQ_JOIN_ROOM:
        return memchr(r->code, '\0', sizeof r->code) ? session_join_room(s, r->code) : -1;
    case SESSION_REQ_SPECTATE: return session_spectate(s, r->game_id);
    case SESSION_REQ_LIST_GAMES: return session_list_games(s);
    case SESSION_REQ_MOVE: return session_move(s, r->cell);
    case SESSION_REQ_RESIGN: return session_resign(s);
    case SESSION_REQ_REMATCH: return session_rematch(s);
    case SESSION_REQ_LEAVE: return session_leave(s);
    case SESSION_REQ_CLOSE:
        if (s->phase == SESSION_CLOSED)
            return -1;
        session_close(s);
        return 0;
    default: return -1;
    }
}
