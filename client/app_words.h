/* SPDX-License-Identifier: MIT */
/* app_words.h: words of the ttt client that say what to do -- why a connect
 * failed, naming the address and the likely fix; what to tell a friend; the
 * window title that follows the game; the score of a series. Pure functions
 * over plain inputs (app_words.c, with the words of app.h). Every output is
 * a NUL-terminated string cut at a character boundary to fit its buffer;
 * nothing happens when out is NULL or cap is 0.
 */
#ifndef TTT_APP_WORDS_H
#define TTT_APP_WORDS_H

#include <stddef.h>
#include <stdint.h>

struct app;

/* Why a connect failed, as far as the words need to know. */
enum app_connect_failure {
    APP_FAIL_REFUSED = 1,     /* nothing listens there (ECONNREFUSED) */
    APP_FAIL_NO_HOST,         /* the name does not exist (EAI_NONAME, EAI_NODATA) */
    APP_FAIL_LOOKUP,          /* the name could not be looked up now (EAI_AGAIN, EAI_FAIL) */
    APP_FAIL_UNREACHABLE,     /* no route to it (ENETUNREACH, EHOSTUNREACH) */
    APP_FAIL_TIMED_OUT,       /* no answer to the connect within the time allowed */
    APP_FAIL_NOT_TTT,         /* it answered, but not as a ttt server (bad frames, no
                                 WELCOME, closed before it) */
    APP_FAIL_SERVER_FULL,     /* ERROR SERVER_FULL */
    APP_FAIL_BAD_VERSION      /* ERROR BAD_VERSION: another protocol version */
};

/* "HOST:PORT" as a user types it: an IPv6 address in brackets ("[::1]:7777").
 * host NULL or empty gives "". */
void app_hostport_words(const char *host, uint16_t port, char *out, size_t cap);

/* A failed connect in words, with what to do:
 *   REFUSED      "Nothing is listening on localhost:7777. Is tttd running on this port?"
 *   NO_HOST      "No host called 'nosuchhost'"
 *   LOOKUP       "Cannot look up 'gamebox.lan' now: is the network up?"
 *   UNREACHABLE  "No route to 10.1.2.3:7777 from this network"
 *   TIMED_OUT    "10.1.2.3:7777 did not answer. Is the address right, and the port open?"
 *   NOT_TTT      "203.0.113.5:80 answered, but it is not a ttt server (wrong port?)"
 *   SERVER_FULL  "Server full: try again in a minute"
 *   BAD_VERSION  "host:7777 runs another version of ttt: update ttt or the server"
 * host and port: the server as the user gave it (the port defaulted when not
 * given); peer: the numeric address and port that answered, "203.0.113.5:80"
 * (NOT_TTT; NULL or "": host and port are named instead). */
void app_connect_failure_words(enum app_connect_failure kind, const char *host, uint16_t port,
                               const char *peer, char *out, size_t cap);

/* The room screen's line for the friend: "Tell your friend: server
 * 192.168.1.20:7777, room K7PX2Q". addr is the server as this player typed
 * it. */
void app_invite_words(const char *addr, const char *code, char *out, size_t cap);

/* The window's title, which follows the game so that a window behind others
 * still says when it is your turn: "Your turn — ttt", "Waiting for bob —
 * ttt", "alice to move — ttt" (watching), "You won — ttt", "You lost — ttt",
 * "Draw — ttt", "alice won — ttt", "Reconnecting… — ttt"; on other screens
 * their heading ("Lobby — ttt"), or "ttt" when it is empty. */
void app_title_words(const struct app *a, const char *heading, char *out, size_t cap);

/* The score of a series under the names: "alice 2 - 1 bob" (left: X's
 * name and wins, right: O's). */
void app_series_words(const char *left, unsigned left_wins, unsigned right_wins,
                      const char *right, char *out, size_t cap);

/* When the marks swap for a rematch: "You play O this time" (mark:
 * PROTO_MARK_X or PROTO_MARK_O). */
void app_swap_words(uint8_t mark, char *out, size_t cap);

#endif
