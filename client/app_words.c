/* app_words.c: what the ttt client says in plain English -- why a
 * connection closed, what a server error means, how a game ended and whose
 * turn it is. Pure functions over the session's data; see app.h.
 */
#include "app.h"

#include <stdio.h>
#include <string.h>

static void put(char *out, size_t cap, const char *text)
{
    if (out && cap > 0)
        snprintf(out, cap, "%s", text);
}

/* The name on a seat, or "X" / "O" when the server sent none. */
static const char *seat_name(const struct session_game *g, uint8_t mark)
{
    const struct proto_name *n = mark == PROTO_MARK_X ? &g->x_name : &g->o_name;
    if (n->s[0])
        return n->s;
    return mark == PROTO_MARK_X ? "X" : "O";
}

/* Words for a failed connect, from the session's message. */
static const char *connect_words(const char *m)
{
    static const struct { const char *find, *say; } table[] = {
        {"no such host", "no such host"},
        {"connection refused", "connection refused"},
        {"network unreachable", "network unreachable"},
        {"host unreachable", "host unreachable"},
        {"timed out", "the server did not answer (timed out)"},
        {"no WELCOME", "the server did not answer the greeting (is it a ttt server?)"},
        {"bad port", "bad port: use a number from 1 to 65535"},
        {"missing host name", "type the server's address"},
        {"host name too long", "the host name is too long"},
        {"missing ']'", "bad address: an IPv6 address needs its closing ]"},
        {"after ']'", "bad address: only :PORT may follow ]"},
        {"cannot look up", "cannot look up that host name"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strstr(m, table[i].find))
            return table[i].say;
    return NULL;
}

static const char *fatal_words(uint8_t code)
{
    switch (code) {
    case PROTO_ERR_BAD_FRAME: return "protocol error: the server rejected a message";
    case PROTO_ERR_BAD_VERSION: return "version mismatch";
    case PROTO_ERR_BAD_NAME: return "the server refused the name";
    case PROTO_ERR_UNEXPECTED: return "protocol error: the server did not expect a message";
    case PROTO_ERR_SERVER_FULL: return "server full";
    case PROTO_ERR_TIMEOUT: return "the server closed the connection (idle too long)";
    case PROTO_ERR_SHUTTING_DOWN: return "the server is shutting down";
    case PROTO_ERR_SLOW_DOWN: return "the server closed the connection (messages too fast)";
    case PROTO_ERR_REPLACED: return "the game was taken over from another window";
    default: return NULL;
    }
}

void app_close_words(const struct session_event *ev, char *out, size_t cap)
{
    const char *m = ev->u.closed.message;
    const char *say = NULL;
    switch (ev->u.closed.reason) {
    case SESSION_CLOSE_USER:
        say = "disconnected";
        break;
    case SESSION_CLOSE_CONNECT:
        say = connect_words(m);
        if (!say) {
            put(out, cap, m[0] ? m : "cannot connect");
            return;
        }
        break;
    case SESSION_CLOSE_SERVER_ERROR:
        say = fatal_words(ev->u.closed.code);
        if (!say) {
            if (out && cap > 0)
                snprintf(out, cap, "the server closed the connection (%s)",
                         proto_error_name(ev->u.closed.code));
            return;
        }
        break;
    case SESSION_CLOSE_PROTOCOL:
        say = "the server broke the protocol";
        break;
    case SESSION_CLOSE_LOST:
        if (strstr(m, "grace period"))
            say = "connection lost: could not get back into the game in time";
        else if (strstr(m, "could not be resumed"))
            say = "connection lost: the game could not be resumed";
        else
            say = "connection lost";
        break;
    default:
        say = "disconnected";
        break;
    }
    put(out, cap, say);
}

void app_error_words(uint8_t code, char *out, size_t cap)
{
    const char *say;
    switch (code) {
    case PROTO_ERR_NOT_YOUR_TURN: say = "not your turn"; break;
    case PROTO_ERR_CELL_TAKEN: say = "that square is taken"; break;
    case PROTO_ERR_STALE_PLY: say = "the board changed: try again"; break;
    case PROTO_ERR_NO_SUCH_ROOM: say = "no room with that code"; break;
    case PROTO_ERR_NO_SUCH_GAME: say = "that game is over or does not exist"; break;
    case PROTO_ERR_BAD_TOKEN: say = "the game could not be resumed"; break;
    case PROTO_ERR_UNEXPECTED: say = "the server did not expect that just now"; break;
    default:
        say = fatal_words(code);
        if (!say) {
            if (out && cap > 0)
                snprintf(out, cap, "server error %s", proto_error_name(code));
            return;
        }
        break;
    }
    put(out, cap, say);
}

/* The headline kinds of a result. */
enum headline { H_WON, H_LOST, H_DRAW, H_OTHER_WON, H_ABORTED };

static enum headline result_parts(const struct session_game *g, char *reason, size_t cap)
{
    uint8_t w = g->winner, you = g->you;
    uint8_t loser = w == PROTO_MARK_X ? PROTO_MARK_O : PROTO_MARK_X;
    int player = you == PROTO_MARK_X || you == PROTO_MARK_O;
    int lost_me = player && loser == you;
    const char *who = seat_name(g, loser);
    char tmp[APP_TEXT_MAX];
    switch (g->reason) {
    case PROTO_REASON_ABORTED:
        put(reason, cap, "server shutting down");
        return H_ABORTED;
    case PROTO_REASON_FULL:
        put(reason, cap, "the board is full");
        return H_DRAW;
    case PROTO_REASON_LINE:
        put(reason, cap, "three in a row");
        break;
    case PROTO_REASON_RESIGN:
        if (lost_me)
            snprintf(tmp, sizeof tmp, "you resigned");
        else if (player && g->opponent_left)
            snprintf(tmp, sizeof tmp, "%s left", who);
        else
            snprintf(tmp, sizeof tmp, "%s resigned", who);
        put(reason, cap, tmp);
        break;
    case PROTO_REASON_TIMEOUT:
        snprintf(tmp, sizeof tmp, "%s ran out of time", lost_me ? "you" : who);
        put(reason, cap, tmp);
        break;
    case PROTO_REASON_FORFEIT:
        snprintf(tmp, sizeof tmp, "%s forfeited (stayed away too long)", lost_me ? "you" : who);
        put(reason, cap, tmp);
        break;
    default:
        put(reason, cap, "");
        break;
    }
    if (w != PROTO_MARK_X && w != PROTO_MARK_O)
        return H_DRAW;
    if (!player)
        return H_OTHER_WON;
    return w == you ? H_WON : H_LOST;
}

static void headline_text(const struct session_game *g, enum headline h, int lower,
                          char *out, size_t cap)
{
    static const char *const upper_words[] = {"You won", "You lost", "Draw", "", "Game aborted"};
    static const char *const lower_words[] = {"you won", "you lost", "draw", "", "game aborted"};
    if (!out || cap == 0)
        return;
    if (h == H_OTHER_WON)
        snprintf(out, cap, "%s won", seat_name(g, g->winner));
    else
        put(out, cap, lower ? lower_words[h] : upper_words[h]);
}

void app_result_words(const struct session_game *g, char *title, size_t title_cap,
                      char *reason, size_t reason_cap)
{
    enum headline h = result_parts(g, reason, reason_cap);
    headline_text(g, h, 0, title, title_cap);
}

void app_result_line(const struct session_game *g, char *out, size_t cap)
{
    char head[APP_TEXT_MAX], why[APP_TEXT_MAX];
    enum headline h = result_parts(g, why, sizeof why);
    headline_text(g, h, 1, head, sizeof head);
    if (h == H_DRAW || why[0] == '\0')
        put(out, cap, head);
    else if (out && cap > 0)
        snprintf(out, cap, "%s: %s", head, why);
}

int app_is_player(const struct app *a)
{
    return a->game.you == PROTO_MARK_X || a->game.you == PROTO_MARK_O;
}

const char *app_opponent_name(const struct app *a)
{
    const struct proto_name *n = a->game.you == PROTO_MARK_X ? &a->game.o_name : &a->game.x_name;
    return n->s[0] ? n->s : "your opponent";
}

void app_turn_words(const struct app *a, char *out, size_t cap)
{
    const struct session_game *g = &a->game;
    if (g->over || (g->to_move != PROTO_MARK_X && g->to_move != PROTO_MARK_O)) {
        put(out, cap, "");
        return;
    }
    if (!out || cap == 0)
        return;
    if (g->you != PROTO_MARK_X && g->you != PROTO_MARK_O)
        snprintf(out, cap, "%s to move", seat_name(g, g->to_move));
    else if (g->to_move == g->you)
        snprintf(out, cap, "Your turn");
    else
        snprintf(out, cap, "Waiting for %s", seat_name(g, g->to_move));
}
