/* SPDX-License-Identifier: MIT */
/* app_words.c: what the ttt client says in plain English -- why a
 * connection closed or a connect failed (with the address and what to do),
 * what a server error means, how a game ended, whose turn it is, the window
 * title, what to tell a friend, the score of a series. Pure functions over
 * the session's data; see app.h and app_words.h. The questions they ask of
 * the state are in app_state.c.
 */
#include "app.h"
#include "app_words.h"

#include <stdio.h>
#include <string.h>

#include "app_state.h"
#include "scene.h"
#include "text.h"

/* The words for one code in a table of them. */
struct code_words {
    uint8_t code;
    const char *say;
};

static const char *lookup(const struct code_words *t, size_t n, uint8_t code)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].code == code)
            return t[i].say;
    return NULL;
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

/* Errors that end the session. */
static const struct code_words fatal_table[] = {
    {PROTO_ERR_BAD_FRAME, "protocol error: the server rejected a message"},
    {PROTO_ERR_BAD_VERSION, "version mismatch"},
    {PROTO_ERR_BAD_NAME, "the server refused the name"},
    {PROTO_ERR_UNEXPECTED, "protocol error: the server did not expect a message"},
    {PROTO_ERR_SERVER_FULL, "server full"},
    {PROTO_ERR_TIMEOUT, "the server closed the connection (idle too long)"},
    {PROTO_ERR_SHUTTING_DOWN, "the server is shutting down"},
    {PROTO_ERR_SLOW_DOWN, "the server closed the connection (messages too fast)"},
    {PROTO_ERR_REPLACED, "the game was taken over from another window"},
};

/* Errors the session lives through. */
static const struct code_words error_table[] = {
    {PROTO_ERR_NOT_YOUR_TURN, "not your turn"},
    {PROTO_ERR_CELL_TAKEN, "that square is taken"},
    {PROTO_ERR_STALE_PLY, "the board changed: try again"},
    {PROTO_ERR_NO_SUCH_ROOM, "no room with that code"},
    {PROTO_ERR_NO_SUCH_GAME, "that game is over or does not exist"},
    {PROTO_ERR_BAD_TOKEN, "the game could not be resumed"},
    {PROTO_ERR_UNEXPECTED, "the server did not expect that just now"},
};

static const char *fatal_words(uint8_t code)
{
    return lookup(fatal_table, sizeof fatal_table / sizeof fatal_table[0], code);
}

/* The kind of a failed connect in EV_CLOSED (0: none, or one that needs the
 * server's address and has none): the session's kinds, and the fatal ERRORs
 * a server answers a connect with. */
static int failure_kind(const struct session_event *ev)
{
    static const uint8_t kinds[] = {
        [SESSION_FAIL_REFUSED] = APP_FAIL_REFUSED,
        [SESSION_FAIL_NO_HOST] = APP_FAIL_NO_HOST,
        [SESSION_FAIL_LOOKUP] = APP_FAIL_LOOKUP,
        [SESSION_FAIL_UNREACHABLE] = APP_FAIL_UNREACHABLE,
        [SESSION_FAIL_TIMED_OUT] = APP_FAIL_TIMED_OUT,
        [SESSION_FAIL_NOT_TTT] = APP_FAIL_NOT_TTT,
    };
    uint8_t f = ev->u.closed.failure;
    if (ev->u.closed.reason == SESSION_CLOSE_SERVER_ERROR && ev->u.closed.code == PROTO_ERR_SERVER_FULL)
        return APP_FAIL_SERVER_FULL; /* needs no address */
    if (!ev->u.closed.host[0])
        return 0;
    if (ev->u.closed.reason == SESSION_CLOSE_SERVER_ERROR && ev->u.closed.code == PROTO_ERR_BAD_VERSION)
        return APP_FAIL_BAD_VERSION;
    return f < sizeof kinds ? kinds[f] : 0;
}

void app_close_words(const struct session_event *ev, char *out, size_t cap)
{
    const char *m = ev->u.closed.message;
    const char *say = NULL;
    int kind = failure_kind(ev);
    if (kind) {
        app_connect_failure_words((enum app_connect_failure)kind, ev->u.closed.host, ev->u.closed.port,
                                  ev->u.closed.peer, out, cap);
        return;
    }
    switch (ev->u.closed.reason) {
    case SESSION_CLOSE_USER:
        say = "disconnected";
        break;
    case SESSION_CLOSE_CONNECT:
        say = connect_words(m);
        if (!say) {
            text_copy(out, cap, m[0] ? m : "cannot connect");
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
    text_copy(out, cap, say);
}

void app_error_words(uint8_t code, char *out, size_t cap)
{
    const char *say = lookup(error_table, sizeof error_table / sizeof error_table[0], code);
    if (!say)
        say = fatal_words(code);
    if (say)
        text_copy(out, cap, say);
    else if (out && cap > 0)
        snprintf(out, cap, "server error %s", proto_error_name(code));
}

/* The headline kinds of a result. */
enum headline { H_WON, H_LOST, H_DRAW, H_OTHER_WON, H_ABORTED };

static enum headline result_parts(const struct session_game *g, char *reason, size_t cap)
{
    uint8_t w = g->winner, you = g->you;
    uint8_t loser = w == PROTO_MARK_X ? PROTO_MARK_O : PROTO_MARK_X;
    int player = you == PROTO_MARK_X || you == PROTO_MARK_O;
    int lost_me = player && loser == you;
    const char *who = app_seat_name(g, loser);
    char tmp[APP_TEXT_MAX];
    switch (g->reason) {
    case PROTO_REASON_ABORTED:
        text_copy(reason, cap, "server shutting down");
        return H_ABORTED;
    case PROTO_REASON_FULL:
        text_copy(reason, cap, "the board is full");
        return H_DRAW;
    case PROTO_REASON_LINE:
        text_copy(reason, cap, "three in a row");
        break;
    case PROTO_REASON_RESIGN:
        if (lost_me)
            snprintf(tmp, sizeof tmp, "you resigned");
        else if (player && g->opponent_left)
            snprintf(tmp, sizeof tmp, "%s left", who);
        else
            snprintf(tmp, sizeof tmp, "%s resigned", who);
        text_copy(reason, cap, tmp);
        break;
    case PROTO_REASON_TIMEOUT:
        snprintf(tmp, sizeof tmp, "%s ran out of time", lost_me ? "you" : who);
        text_copy(reason, cap, tmp);
        break;
    case PROTO_REASON_FORFEIT:
        snprintf(tmp, sizeof tmp, "%s forfeited (stayed away too long)", lost_me ? "you" : who);
        text_copy(reason, cap, tmp);
        break;
    default:
        text_copy(reason, cap, "");
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
        snprintf(out, cap, "%s won", app_seat_name(g, g->winner));
    else
        text_copy(out, cap, lower ? lower_words[h] : upper_words[h]);
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
        text_copy(out, cap, head);
    else if (out && cap > 0)
        snprintf(out, cap, "%s: %s", head, why);
}

void app_turn_words(const struct app *a, char *out, size_t cap)
{
    const struct session_game *g = &a->game;
    if (!app_game_live(a)) {
        text_copy(out, cap, "");
        return;
    }
    if (!out || cap == 0)
        return;
    if (!app_is_player(a))
        snprintf(out, cap, "%s to move", app_seat_name(g, g->to_move));
    else if (g->to_move == g->you)
        snprintf(out, cap, "Your turn");
    else
        snprintf(out, cap, "Waiting for %s", app_seat_name(g, g->to_move));
}

void app_hostport_words(const char *host, uint16_t port, char *out, size_t cap)
{
    if (!out || cap == 0)
        return;
    if (!host || !host[0])
        text_copy(out, cap, "");
    else if (strchr(host, ':'))
        snprintf(out, cap, "[%s]:%u", host, (unsigned)port);
    else
        snprintf(out, cap, "%s:%u", host, (unsigned)port);
}

/* The sentence for a failure; %s is the server (HOST:PORT, the bare host
 * for NO_HOST and LOOKUP, the peer for NOT_TTT). */
static const char *failure_format(enum app_connect_failure kind)
{
    switch (kind) {
    case APP_FAIL_REFUSED: return "Nothing is listening on %s. Is tttd running on this port?";
    case APP_FAIL_NO_HOST: return "No host called '%s'";
    case APP_FAIL_LOOKUP: return "Cannot look up '%s' now: is the network up?";
    case APP_FAIL_UNREACHABLE: return "No route to %s from this network";
    case APP_FAIL_TIMED_OUT: return "%s did not answer. Is the address right, and the port open?";
    case APP_FAIL_NOT_TTT: return "%s answered, but it is not a ttt server (wrong port?)";
    case APP_FAIL_SERVER_FULL: return "Server full: try again in a minute";
    case APP_FAIL_BAD_VERSION: return "%s runs another version of ttt: update ttt or the server";
    default: return "Cannot connect to %s";
    }
}

void app_connect_failure_words(enum app_connect_failure kind, const char *host, uint16_t port,
                               const char *peer, char *out, size_t cap)
{
    if (!out || cap == 0)
        return;
    char where[CONFIG_ADDR_MAX + 16];
    if (kind == APP_FAIL_NO_HOST || kind == APP_FAIL_LOOKUP)
        text_copy(where, sizeof where, host);
    else if (kind == APP_FAIL_NOT_TTT && peer && peer[0])
        text_copy(where, sizeof where, peer);
    else
        app_hostport_words(host, port, where, sizeof where);
    char line[APP_TEXT_MAX + CONFIG_ADDR_MAX];
    snprintf(line, sizeof line, failure_format(kind), where);
    text_copy(out, cap, line);
}

void app_invite_words(const char *addr, const char *code, char *out, size_t cap)
{
    char line[APP_TEXT_MAX + CONFIG_ADDR_MAX];
    snprintf(line, sizeof line, "Tell your friend: server %s, room %s", addr ? addr : "",
             code ? code : "");
    text_copy(out, cap, line);
}

void app_title_words(const struct app *a, const char *heading, char *out, size_t cap)
{
    char what[APP_TEXT_MAX] = "";
    int game = a->screen == APP_SCREEN_PLAYING || a->screen == APP_SCREEN_SPECTATING;
    if (game && app_game_live(a))
        app_turn_words(a, what, sizeof what);
    else if (a->screen == APP_SCREEN_GAME_OVER || (game && a->game.over))
        app_result_words(&a->game, what, sizeof what, NULL, 0);
    else if (a->screen == APP_SCREEN_RECONNECTING)
        text_copy(what, sizeof what, "Reconnecting\u2026");
    else
        text_copy(what, sizeof what, heading);
    char line[APP_TEXT_MAX + 16];
    if (what[0])
        snprintf(line, sizeof line, "%s \u2014 ttt", what);
    else
        snprintf(line, sizeof line, "ttt");
    text_copy(out, cap, line);
}

void app_series_words(const char *left, unsigned left_wins, unsigned right_wins,
                      const char *right, char *out, size_t cap)
{
    char line[APP_TEXT_MAX];
    snprintf(line, sizeof line, "%s %u - %u %s", left ? left : "", left_wins, right_wins,
             right ? right : "");
    text_copy(out, cap, line);
}

void app_swap_words(uint8_t mark, char *out, size_t cap)
{
    text_copy(out, cap, mark == PROTO_MARK_O ? "You play O this time" : "You play X this time");
}
