/* SPDX-License-Identifier: MIT */
/* harness.h: the integration-test harness for tttd. It owns starting a real
 * tttd process on a loopback port (in its own temporary directory, with its
 * stderr and an optional record file there), stopping and reaping it, and
 * protocol clients built on the ttt_protocol library: raw bytes, encoded
 * messages, frame reading with timeouts, and cmocka-asserting helpers that
 * say what arrived instead of what was expected.
 *
 * Include <setjmp.h>, <stdarg.h>, <stddef.h>, <stdint.h> and <cmocka.h>
 * before this header (cmocka's own rule). TTTD_PATH is defined by the build
 * (tests/server/CMakeLists.txt). Every server started is also remembered by the
 * harness, so a test that fails half-way (cmocka longjmps out of it) leaves
 * no tttd running: they are killed when the test program exits, and a
 * server whose test program dies is killed by the kernel (PR_SET_PDEATHSIG).
 */
#ifndef TTT_TEST_HARNESS_H
#define TTT_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto.h"

/* Default wait for one expected frame, in milliseconds (a loaded 2-core
 * machine running sanitizer builds still answers well within it). */
#define TH_TIMEOUT_MS 3000

/* An argument of th_server_start equal to this string is replaced by the
 * server's record_path: {"--record", TH_RECORD, NULL} records games there. */
#define TH_RECORD "@record"

/* An argument of th_server_start equal to this string is left out, and so
 * is the harness's "--bind 127.0.0.1": tttd listens on its default, every
 * address. */
#define TH_NO_BIND "@no-bind"

/* An argument of th_server_start equal to this string is left out, and
 * tttd's environment has JOURNAL_STREAM set to the device and inode of its
 * stderr.log, as systemd sets it for a service whose stderr is the
 * journal: tttd then logs in the journal's format. */
#define TH_JOURNAL "@journal"

/* A running tttd. Filled by th_server_start; do not copy while running. */
struct th_server {
    pid_t pid;              /* -1 once reaped */
    uint16_t port;
    int out_fd;             /* read end of tttd's stdout, after the "listening" line */
    char dir[256];          /* mkdtemp dir: stderr log "stderr.log", record file "record.jsonl" */
    char record_path[300];
};

/* Spawn TTTD_PATH --port 0 --bind 127.0.0.1 --no-announce args... (args
 * NULL-terminated, may be NULL; TH_RECORD is replaced by record_path; with
 * "--bind" or TH_NO_BIND among args there is no --bind 127.0.0.1; with
 * "--announce-port" or "--no-announce" no --no-announce: a test of
 * discovery names its own port, never the shared 7778), stderr to
 * dir/stderr.log, and read its stdout up to the line "listening on port N"
 * (10 s limit). Returns 0, or -1 (printing why, with tttd's stderr) with
 * nothing left running.
 * With the environment variable TTT_SERVER_WRAPPER set, its space-separated
 * words come first (the first looked up in PATH), e.g.
 *   TTT_SERVER_WRAPPER='valgrind --error-exitcode=99 --leak-check=full
 *                       --errors-for-leak-kinds=definite,indirect'
 * runs tttd under valgrind: its report goes to stderr.log, th_server_stop and
 * th_server_wait return valgrind's status (99 on an error), and the start
 * and stop limits grow to 60 s and 30 s. th_run_tttd is never wrapped. */
int th_server_start(struct th_server *s, const char *const *args);

/* When not NULL, the child that th_server_start forks calls this just
 * before it becomes tttd (to enter a namespace, say): only
 * async-signal-safe calls, no cmocka. When it returns non-zero, the child
 * exits with status 126 and th_server_start fails. Set it, start the
 * server, set it back to NULL. */
extern int (*th_server_child_setup)(void);

/* Send `sig` to the server; 0 or -1. */
int th_server_signal(struct th_server *s, int sig);

/* Wait up to timeout_ms for the server to exit and reap it. Returns its exit
 * status 0..255, 128+signal if a signal killed it, or -1 on timeout (it is
 * then killed with SIGKILL and reaped). Also -1 if it was already reaped. */
int th_server_wait(struct th_server *s, int timeout_ms);

/* 1 if servers run under TTT_SERVER_WRAPPER (their stderr.log then holds
 * the wrapper's output too), else 0. */
int th_server_wrapped(void);

/* SIGTERM, then th_server_wait(5000, or 30000 under TTT_SERVER_WRAPPER);
 * also closes out_fd and removes the
 * temporary directory with its files. Returns th_server_wait's result (or
 * -1 if the server was already reaped). Safe to call twice. With the
 * environment variable TH_SERVER_LOG set, tttd's stderr is printed first. */
int th_server_stop(struct th_server *s);

/* 1 if the server process is still running (not exited), else 0. Does not reap. */
int th_server_alive(const struct th_server *s);

/* The server's resident set size in KiB (VmRSS of /proc/PID/status), -1 on error. */
long th_server_rss_kib(const struct th_server *s);

/* How many sockets the server process holds open (its listener included),
 * from /proc/PID/fd; -1 on error. */
int th_server_sockets(const struct th_server *s);

/* Wait up to timeout_ms until the server holds at most `n` sockets; 0 once
 * it does, -1 on timeout or error. */
int th_server_wait_sockets(const struct th_server *s, int n, int timeout_ms);

/* The server's stderr so far, malloc'd and NUL-terminated (caller frees), or NULL. */
char *th_server_stderr(const struct th_server *s);

/* Wait up to 10 s until the server's stderr holds `what` (its log writer
 * may lag): the log then, malloc'd (caller frees). Fails the test (cmocka),
 * showing the log, otherwise. */
char *th_server_log_with(const struct th_server *s, const char *what);

/* th_server_log_with, for a caller who needs only to know it is there. */
void th_server_wait_log(const struct th_server *s, const char *what);

/* Read the next line of the server's stdout (after "listening on port N")
 * into buf without its newline. Returns its length, or -1 on EOF, error or
 * timeout. */
int th_server_stdout_line(struct th_server *s, char *buf, size_t cap, int timeout_ms);

/* A whole file, malloc'd and NUL-terminated (caller frees), or NULL. */
char *th_read_file(const char *path);

/* How many lines `text` holds (its '\n's; 0 for NULL). */
int th_count_lines(const char *text);

/* How many lines the file at `path` holds (0 when it does not exist). */
int th_file_lines(const char *path);

/* Wait up to 10 s until the file at `path` holds at least n lines (tttd
 * writes a record line just after sending GAME_OVER): the file then,
 * malloc'd (caller frees). Fails the test (cmocka), showing the file,
 * otherwise. */
char *th_wait_lines(const char *path, int n);

/* Run TTTD_PATH with args (NULL-terminated; no options added), stdin from
 * /dev/null. If the process has not exited within timeout_ms it gets
 * SIGTERM (and SIGKILL 2 s later). *out and *err (either may be NULL) get
 * its whole stdout and stderr, malloc'd. Returns the exit status 0..255,
 * 128+signal, or -1 if it could not be run. */
int th_run_tttd(const char *const *args, int timeout_ms, char **out, char **err);

/* cmocka fixtures around th_srv, for
 *   cmocka_unit_test_prestate_setup_teardown(test, th_fixture_start, th_fixture_stop, args)
 * (args: a NULL-terminated `const char *const[]` for th_server_start, or
 * NULL), or as group setup/teardown. th_fixture_start fails the test if
 * tttd does not start; th_fixture_stop fails it unless tttd exits with
 * status 0 after SIGTERM (so a crash or a sanitizer report fails the test).
 * Before the SIGTERM it gives tttd up to 1 s to close the connections the
 * test closed (the listener alone left), so that shutdown is quick. */
extern struct th_server th_srv;
int th_fixture_start(void **state);
int th_fixture_stop(void **state);
/* A cmocka test with its own tttd started with `args` (an array as above). */
#define TH_WITH(test, args) \
    cmocka_unit_test_prestate_setup_teardown(test, th_fixture_start, th_fixture_stop, (void *)(args))

/* A protocol client. Do not copy it while connected (rd points into buf). */
struct th_client {
    int fd;
    struct proto_reader rd;
    uint8_t buf[PROTO_FRAME_MAX];
    uint8_t pending[4096];
    size_t pending_len, pending_off;
    uint8_t token[PROTO_TOKEN_LEN];   /* from WELCOME (th_hello) */
    uint16_t turn_s, grace_s;         /* from WELCOME (th_hello) */
};

/* TCP connection to 127.0.0.1:port (close-on-exec). 0, or -1 (c->fd = -1). */
int th_connect(struct th_client *c, uint16_t port);

/* The same from the local IPv4 address `from` (NULL: the kernel's choice):
 * a loopback address such as "127.0.0.2", which Linux answers without
 * setup, makes the connection come from another client address. 0, or -1
 * with errno (c->fd = -1). */
int th_connect_from(struct th_client *c, uint16_t port, const char *from);

/* TCP connection to a numeric address as tttd prints it: "HOST:PORT" or
 * "[IPv6]:PORT", with a zone ("[fe80::1%eth0]:PORT") or not. 0, or -1 with
 * errno (EINVAL: not such an address) and c->fd = -1. */
int th_connect_addr(struct th_client *c, const char *addr);

/* Close the connection (if open); c->fd becomes -1. */
void th_close(struct th_client *c);

/* Close with a TCP reset instead of a FIN (SO_LINGER 0); c->fd becomes -1. */
void th_reset(struct th_client *c);

/* Send all n bytes. 0, or -1 on any error (EPIPE, reset: never SIGPIPE). */
int th_send_raw(struct th_client *c, const void *bytes, size_t n);

/* Encode *m and send it. 0, or -1 (encoding or sending failed). */
int th_send(struct th_client *c, const struct proto_msg *m);

/* Send a message with no payload (QUICK_MATCH, LEAVE, ...) / a MOVE. 0 or -1. */
int th_send_type(struct th_client *c, uint8_t type);
int th_send_move(struct th_client *c, uint8_t ply, uint8_t cell);
/* Send JOIN_ROOM with the 6 characters at `code`. 0 or -1. */
int th_send_join(struct th_client *c, const char *code);
/* Send RESUME with this token. 0 or -1. */
int th_send_resume(struct th_client *c, const uint8_t token[PROTO_TOKEN_LEN]);

/* The next server-to-client frame, decoded, within timeout_ms. Returns 1 (got
 * *m), 0 (timeout), -1 (orderly EOF) or -2 (reset or another socket error:
 * errno says which; a frame that breaks the protocol: errno = EPROTO). */
int th_recv(struct th_client *c, struct proto_msg *m, int timeout_ms);

/* Describe *m in a few words ("ERROR NOT_YOUR_TURN: it is not your turn",
 * "MOVED ply=2 cell=4 mark=1", ...) into buf; returns buf. */
const char *th_describe(const struct proto_msg *m, char *buf, size_t cap);

/* cmocka-asserting helpers: each fails the running test with a message
 * saying what was expected and what arrived instead, reported at the line
 * of the test that called it (each is a macro over its _at function). */

/* Next frame within TH_TIMEOUT_MS, answering and skipping server PINGs,
 * must be of `type`; copied to *out when out is not NULL. */
void th_expect_at(const char *file, int line, struct th_client *c, uint8_t type, struct proto_msg *out);
#define th_expect(c, type, out) th_expect_at(__FILE__, __LINE__, c, type, out)
/* Next frame (PINGs skipped) must be ERROR `code`. */
void th_expect_error_at(const char *file, int line, struct th_client *c, uint8_t code);
#define th_expect_error(c, code) th_expect_error_at(__FILE__, __LINE__, c, code)
/* An orderly EOF (or a reset) within timeout_ms; any frame first fails. */
void th_expect_eof_at(const char *file, int line, struct th_client *c, int timeout_ms);
#define th_expect_eof(c, timeout_ms) th_expect_eof_at(__FILE__, __LINE__, c, timeout_ms)
/* No frame at all (PINGs answered and ignored) and no EOF for ms. */
void th_expect_silence_at(const char *file, int line, struct th_client *c, int ms);
#define th_expect_silence(c, ms) th_expect_silence_at(__FILE__, __LINE__, c, ms)
/* Connect, send HELLO with `name`, expect WELCOME (version 1); the token,
 * turn_s and grace_s are saved in *c. */
void th_hello_at(const char *file, int line, struct th_client *c, uint16_t port, const char *name);
#define th_hello(c, port, name) th_hello_at(__FILE__, __LINE__, c, port, name)
/* The same at an address as th_connect_addr takes. */
void th_hello_addr_at(const char *file, int line, struct th_client *c, const char *addr, const char *name);
#define th_hello_addr(c, addr, name) th_hello_addr_at(__FILE__, __LINE__, c, addr, name)
/* The same from the local address `from` (th_connect_from). */
void th_hello_from_at(const char *file, int line, struct th_client *c, uint16_t port, const char *from,
                      const char *name);
#define th_hello_from(c, port, from, name) th_hello_from_at(__FILE__, __LINE__, c, port, from, name)
/* Both th_hello, x sends QUICK_MATCH and gets QUEUED, then o; both get
 * GAME_START (x is X, o is O, same game id, the names) and STATE (empty
 * board, X to move). *game_id (may be NULL) gets the game's id. */
void th_pair_at(const char *file, int line, struct th_client *x, struct th_client *o, uint16_t port,
                const char *xname, const char *oname, uint32_t *game_id);
#define th_pair(x, o, port, xname, oname, game_id) th_pair_at(__FILE__, __LINE__, x, o, port, xname, oname, game_id)
/* GAME_START with `you` and these names, then STATE of a fresh game (ply 0,
 * empty board, X to move, time left); returns the game id. */
uint32_t th_expect_start_at(const char *file, int line, struct th_client *c, uint8_t you, const char *xname,
                            const char *oname);
#define th_expect_start(c, you, xname, oname) th_expect_start_at(__FILE__, __LINE__, c, you, xname, oname)
/* Send QUICK_MATCH and expect QUEUED. */
void th_quick_match_at(const char *file, int line, struct th_client *c);
#define th_quick_match(c) th_quick_match_at(__FILE__, __LINE__, c)
/* Send CREATE_ROOM, expect ROOM_CREATED with 6 characters of the code
 * alphabet; the code goes to code[7]. */
void th_create_room_at(const char *file, int line, struct th_client *c, char code[PROTO_CODE_LEN + 1]);
#define th_create_room(c, code) th_create_room_at(__FILE__, __LINE__, c, code)
/* `mover` sends MOVE ply/cell; both clients get MOVED with that ply and cell
 * and the mark of whoever moves at that ply (X on even plies). */
void th_move_at(const char *file, int line, struct th_client *mover, struct th_client *other, uint8_t ply,
                uint8_t cell);
#define th_move(mover, other, ply, cell) th_move_at(__FILE__, __LINE__, mover, other, ply, cell)

/* The client is in the lobby and its connection works: LIST_GAMES gets a
 * GAME_LIST (a round trip; other states answer UNEXPECTED). */
void th_expect_lobby_at(const char *file, int line, struct th_client *c);
#define th_expect_lobby(c) th_expect_lobby_at(__FILE__, __LINE__, c)
/* Next frame (PINGs skipped) must be GAME_OVER with this winner and reason
 * and line (`cells`: 3 cells; NULL means FF FF FF). */
void th_expect_game_over_at(const char *file, int line, struct th_client *c, uint8_t winner, uint8_t reason,
                            const uint8_t *cells);
#define th_expect_game_over(c, winner, reason, cells) \
    th_expect_game_over_at(__FILE__, __LINE__, c, winner, reason, cells)
/* Next frame (PINGs skipped) must be OPPONENT with this event and grace_s. */
void th_expect_opponent_at(const char *file, int line, struct th_client *c, uint8_t event, uint16_t grace_s);
#define th_expect_opponent(c, event, grace_s) th_expect_opponent_at(__FILE__, __LINE__, c, event, grace_s)
/* Play cells[0..n) from ply `first_ply` on, x moving on even plies and o on
 * odd ones (th_move for each). */
void th_play_at(const char *file, int line, struct th_client *x, struct th_client *o, uint8_t first_ply,
                const uint8_t *cells, size_t n);
#define th_play(x, o, first_ply, cells, n) th_play_at(__FILE__, __LINE__, x, o, first_ply, cells, n)
/* th_play, the last of the cells filling the board without a line: both
 * players must then get GAME_OVER, a draw (no winner, reason FULL). */
void th_play_to_draw_at(const char *file, int line, struct th_client *x, struct th_client *o, uint8_t first_ply,
                        const uint8_t *cells, size_t n);
#define th_play_to_draw(x, o, first_ply, cells, n) \
    th_play_to_draw_at(__FILE__, __LINE__, x, o, first_ply, cells, n)
/* At a finished game, x offers a rematch (o is told) and o accepts: both
 * get the new game's GAME_START and STATE (th_expect_start), marks swapped,
 * o playing X. xname and oname are x's and o's names. The new game's id. */
uint32_t th_rematch_at(const char *file, int line, struct th_client *x, struct th_client *o, const char *xname,
                       const char *oname);
#define th_rematch(x, o, xname, oname) th_rematch_at(__FILE__, __LINE__, x, o, xname, oname)

/* CLOCK_MONOTONIC in milliseconds (aborts if the clock fails). */
int64_t th_now_ms(void);
/* Sleep ms milliseconds (resumed after signals). */
void th_sleep_ms(int ms);

/* Ignore SIGPIPE in the test process (writes to closed sockets return EPIPE). */
void th_ignore_sigpipe(void);

#endif
