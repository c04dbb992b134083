/* dispatch.c: the connection state machine of docs/PROTOCOL.md ("Connection
 * states"): which message each state allows and who handles it. Handlers
 * live in lobby.c and game.c; anything a state does not allow is answered
 * with ERROR UNEXPECTED (fatal before HELLO). */
#include "server.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "text.h"

static const char *state_name(uint8_t state)
{
    static const char *const names[] = { "before HELLO", "in the lobby", "in the queue",
                                         "waiting in a room", "playing", "spectating",
                                         "at a finished game", "closing" };
    return state < sizeof names / sizeof names[0] ? names[state] : "?";
}

static void unexpected(struct conn *c, uint8_t type)
{
    char text[96];
    snprintf(text, sizeof text, "%s is not allowed %s", proto_type_name(type), state_name(c->state));
    conn_error(c, PROTO_ERR_UNEXPECTED, text);
}

static void welcome(struct conn *c, const struct proto_msg *hello)
{
    c->name = hello->u.hello.name;
    conn_random(c->token, sizeof c->token);
    c->state = CONN_LOBBY;
    struct proto_msg m = { .type = PROTO_WELCOME };
    m.u.welcome.version = PROTO_VERSION;
    memcpy(m.u.welcome.token, c->token, sizeof c->token);
    m.u.welcome.turn_s = c->srv->opt.turn_s;
    m.u.welcome.grace_s = c->srv->opt.grace_s;
    conn_send(c, &m);
    char name[LOG_NAME_MAX];
    (void)text_json_escape(c->name.s, c->name.len, name, sizeof name);
    log_info("#%llu hello \"%s\"", (unsigned long long)c->serial, name);
}

/* A lobby request (also allowed at a finished game, which it leaves first).
 * Returns 0 if handled, -1 if `m` is not a lobby request. */
static int lobby_request(struct conn *c, const struct proto_msg *m)
{
    switch (m->type) {
    case PROTO_QUICK_MATCH:
    case PROTO_CREATE_ROOM:
    case PROTO_JOIN_ROOM:
    case PROTO_SPECTATE:
    case PROTO_RESUME:
        break;
    default:
        return -1;
    }
    if (c->state == CONN_FINISHED)
        game_leave(c, 0);
    switch (m->type) {
    case PROTO_QUICK_MATCH: lobby_quick_match(c); break;
    case PROTO_CREATE_ROOM: lobby_create_room(c); break;
    case PROTO_JOIN_ROOM: lobby_join_room(c, m->u.room.code); break;
    case PROTO_SPECTATE: game_spectate(c, m->u.spectate.game_id); break;
    default: game_resume(c, m->u.resume.token); break;
    }
    return 0;
}

void dispatch_message(struct conn *c, const struct proto_msg *m)
{
    if (c->state == CONN_HELLO) {
        if (m->type == PROTO_HELLO)
            welcome(c, m);
        else
            unexpected(c, m->type);
        return;
    }
    if (m->type == PROTO_PING) {
        struct proto_msg pong = { .type = PROTO_PONG };
        pong.u.ping.nonce = m->u.ping.nonce;
        conn_send(c, &pong);
        return;
    }
    if (m->type == PROTO_PONG)
        return; /* its arrival as a frame already reset the idle clock */

    switch (c->state) {
    case CONN_LOBBY:
        if (lobby_request(c, m) == 0)
            return;
        if (m->type == PROTO_LIST_GAMES) {
            game_list(c);
            return;
        }
        if (m->type == PROTO_LEAVE)
            return; /* nothing to leave */
        break;
    case CONN_QUEUED:
    case CONN_ROOM:
        if (m->type == PROTO_LEAVE) {
            lobby_remove(c);
            c->state = CONN_LOBBY;
            return;
        }
        break;
    case CONN_PLAYING:
        if (m->type == PROTO_MOVE) {
            game_move(c, m->u.move.ply, m->u.move.cell);
            return;
        }
        if (m->type == PROTO_RESIGN) {
            game_resign(c);
            return;
        }
        if (m->type == PROTO_LEAVE) {
            game_leave(c, 0);
            return;
        }
        break;
    case CONN_SPECTATING:
        if (m->type == PROTO_LEAVE) {
            game_leave(c, 0);
            return;
        }
        break;
    case CONN_FINISHED:
        if (m->type == PROTO_REMATCH) {
            game_rematch(c);
            return;
        }
        if (m->type == PROTO_LEAVE) {
            game_leave(c, 0);
            return;
        }
        if (lobby_request(c, m) == 0)
            return;
        break;
    default:
        return;
    }
    unexpected(c, m->type);
}
