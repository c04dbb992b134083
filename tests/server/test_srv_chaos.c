/* SPDX-License-Identifier: MIT */
/* test_srv_chaos.c: real games played to the end on a tttd that is being
 * abused at the same time. The main thread plays N real games (random legal
 * moves from a printed seed; TTT_CHAOS_SEED=N replays one) and checks every
 * MOVED and every GAME_OVER against its own reckoning of the board, while
 * chaos threads hammer the same server: random garbage, half-open
 * connections (silent, or half a frame), whole sessions sent a byte at a
 * time, players and spectators and queued clients that vanish (closed, or
 * reset) mid-game and mid-frame, junk RESUMEs, small floods, and clients
 * that reset the connection right after frames that need an answer. Afterwards
 * the server is alive, holds no socket but the listener and the real
 * players', answers a fresh HELLO, and its RSS has stayed bounded.
 * The chaos threads use only the harness's non-asserting calls (cmocka is
 * not thread-safe); they count what they did and note the first surprise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

enum { REAL_GAMES = 20, CHAOS_THREADS = 3, HELD_MAX = 12, ROUND_PAUSE_MS = 400 };

static uint32_t rnd(uint32_t *s)
{
    uint32_t x = *s; /* xorshift32 */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* ---- the chaos side (no cmocka calls here) ---- */

enum chaos_kind {
    K_GARBAGE,          /* random bytes, before or after HELLO */
    K_SILENT,           /* connect, never send (held open) */
    K_HALF_FRAME,       /* part of a frame, then nothing (held open) */
    K_BYTEWISE,         /* HELLO, LIST_GAMES, SPECTATE, LEAVE, PING a byte at a time */
    K_VANISH_PLAYER,    /* a room game between two chaos clients; one vanishes */
    K_VANISH_QUEUED,    /* QUICK_MATCH, then gone */
    K_VANISH_SPECTATOR, /* SPECTATE a real game, then gone without reading */
    K_JUNK_RESUME,      /* RESUME with random tokens, from 127.0.0.9: BAD_TOKEN, or
                         * SLOW_DOWN once that address has guessed wrong 10 times */
    K_SMALL_FLOOD,      /* 150 PINGs at once, then reset */
    K_HIT_AND_RUN,      /* frames that need an answer, reset before it comes */
    K_COUNT
};

static const char *const kind_names[K_COUNT] = { "garbage",        "silent",         "half-frame",
                                                 "byte-at-a-time", "vanish-player",  "vanish-queued",
                                                 "vanish-spectator", "junk-resume",  "small-flood",
                                                 "hit-and-run" };

struct chaos {
    uint16_t port;
    uint32_t seed;
    const uint32_t *game_ids;
    atomic_int *stop;
    int done[K_COUNT];
    char surprise[256];         /* the first thing the server got wrong, or "" */
    struct th_client *held[HELD_MAX];
};

static void note(struct chaos *ch, const char *what, const struct proto_msg *m, int r)
{
    if (ch->surprise[0])
        return;
    char got[200];
    if (r == 1)
        th_describe(m, got, sizeof got);
    else
        snprintf(got, sizeof got, "%s", r == 0 ? "nothing" : r == -1 ? "EOF" : "a receive error");
    snprintf(ch->surprise, sizeof ch->surprise, "%s: got %s", what, got);
}

/* Close, sometimes with a reset (SO_LINGER 0) instead of a FIN. */
static void vanish(struct chaos *ch, struct th_client *c)
{
    if (rnd(&ch->seed) % 3 == 0)
        th_reset(c);
    else
        th_close(c);
}

static struct th_client *new_client(void)
{
    struct th_client *c = calloc(1, sizeof *c);
    if (c)
        c->fd = -1;
    return c;
}

/* A new client connected to the server, nothing sent yet; NULL when it
 * cannot be made or the connect fails. */
static struct th_client *connected_client(struct chaos *ch)
{
    struct th_client *c = new_client();
    if (c && th_connect(c, ch->port) == 0)
        return c;
    free(c);
    return NULL;
}

static void drop_client(struct chaos *ch, struct th_client *c)
{
    if (!c)
        return;
    vanish(ch, c);
    free(c);
}

/* Close with a reset and free. */
static void reset_client(struct th_client *c)
{
    th_reset(c);
    free(c);
}

/* Keep `c` open for a while; the oldest held one goes when the pool is full. */
static void hold(struct chaos *ch, struct th_client *c)
{
    int slot = (int)(rnd(&ch->seed) % HELD_MAX);
    drop_client(ch, ch->held[slot]);
    ch->held[slot] = c;
}

/* The next frame of `type` within 3 s, answering PINGs and skipping the
 * game news a spectator or player may get meanwhile. 1, or 0 (noted). */
static int wait_for(struct chaos *ch, struct th_client *c, uint8_t type, const char *what)
{
    struct proto_msg m;
    int64_t deadline = th_now_ms() + TH_TIMEOUT_MS;
    for (;;) {
        int64_t left = deadline - th_now_ms();
        int r = th_recv(c, &m, left > 0 ? (int)left : 0);
        if (r == 1 && m.type == type)
            return 1;
        if (r == 1 && m.type == PROTO_PING) {
            m.type = PROTO_PONG;
            (void)th_send(c, &m);
            continue;
        }
        if (r == 1 && (m.type == PROTO_MOVED || m.type == PROTO_GAME_OVER || m.type == PROTO_OPPONENT))
            continue;
        note(ch, what, &m, r);
        return 0;
    }
}

/* ERROR `code` must come next (game news skipped). */
static size_t encode(const struct proto_msg *m, uint8_t *buf)
{
    int n = proto_encode(m, buf, PROTO_FRAME_MAX);
    return n > 0 ? (size_t)n : 0;
}

static size_t encode_hello(uint8_t *buf, const char *name)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_HELLO;
    m.u.hello.version = PROTO_VERSION;
    (void)proto_name_set(&m.u.hello.name, name);
    return encode(&m, buf);
}

static int send_bytewise(struct th_client *c, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (th_send_raw(c, b + i, 1) < 0)
            return -1;
        th_sleep_ms(1);
    }
    return 0;
}

/* Connect and HELLO, reading the WELCOME. NULL (noted) on failure. */
/* A welcomed client, connected from `from` (NULL: 127.0.0.1). */
static struct th_client *chaos_hello_from(struct chaos *ch, const char *name, const char *from)
{
    struct th_client *c = new_client();
    if (!c)
        return NULL;
    uint8_t f[PROTO_FRAME_MAX];
    size_t n = encode_hello(f, name);
    if (th_connect_from(c, ch->port, from) < 0 || th_send_raw(c, f, n) < 0) {
        note(ch, "connect and HELLO", NULL, -2);
        free(c);
        return NULL;
    }
    struct proto_msg m;
    int r = th_recv(c, &m, TH_TIMEOUT_MS);
    if (r != 1 || m.type != PROTO_WELCOME) {
        note(ch, "HELLO", &m, r);
        drop_client(ch, c);
        return NULL;
    }
    memcpy(c->token, m.u.welcome.token, PROTO_TOKEN_LEN);
    return c;
}

static struct th_client *chaos_hello(struct chaos *ch, const char *name)
{
    return chaos_hello_from(ch, name, NULL);
}

static uint32_t some_real_game(struct chaos *ch)
{
    return ch->game_ids[rnd(&ch->seed) % REAL_GAMES];
}

/* A SPECTATE of one of the real games. */
static void spectate_msg(struct chaos *ch, struct proto_msg *m)
{
    memset(m, 0, sizeof *m);
    m->type = PROTO_SPECTATE;
    m->u.spectate.game_id = some_real_game(ch);
}

static void do_garbage(struct chaos *ch)
{
    struct th_client *c;
    if (rnd(&ch->seed) % 2) {
        c = chaos_hello(ch, "junk");
        if (!c)
            return;
    } else {
        c = connected_client(ch);
        if (!c)
            return;
    }
    uint8_t junk[200];
    size_t n = 1 + rnd(&ch->seed) % sizeof junk;
    for (size_t i = 0; i < n; i++)
        junk[i] = (uint8_t)rnd(&ch->seed);
    (void)th_send_raw(c, junk, n);
    /* Usually a BAD_FRAME and EOF; a lucky header just waits: keep it. */
    struct proto_msg m;
    int r;
    while ((r = th_recv(c, &m, 200)) == 1) {
    }
    if (r == 0)
        hold(ch, c);
    else
        drop_client(ch, c);
}

static void do_silent(struct chaos *ch)
{
    struct th_client *c = connected_client(ch);
    if (c)
        hold(ch, c);
}

static void do_half_frame(struct chaos *ch)
{
    uint8_t f[PROTO_FRAME_MAX];
    struct th_client *c;
    size_t n;
    if (rnd(&ch->seed) % 2) {
        c = connected_client(ch);
        if (!c)
            return;
        n = encode_hello(f, "halfway");
    } else {
        c = chaos_hello(ch, "halfway");
        if (!c)
            return;
        struct proto_msg m;
        spectate_msg(ch, &m);
        n = encode(&m, f);
    }
    (void)th_send_raw(c, f, 1 + rnd(&ch->seed) % (n - 1));
    hold(ch, c);
}

static void do_bytewise(struct chaos *ch)
{
    struct th_client *c = connected_client(ch);
    if (!c)
        return;
    uint8_t f[PROTO_FRAME_MAX];
    size_t n = encode_hello(f, "bytewise");
    struct proto_msg m;
    if (send_bytewise(c, f, n) < 0 || !wait_for(ch, c, PROTO_WELCOME, "byte-wise HELLO"))
        goto out;
    memset(&m, 0, sizeof m);
    m.type = PROTO_LIST_GAMES;
    n = encode(&m, f);
    if (send_bytewise(c, f, n) < 0 || !wait_for(ch, c, PROTO_GAME_LIST, "byte-wise LIST_GAMES"))
        goto out;
    spectate_msg(ch, &m);
    n = encode(&m, f);
    if (send_bytewise(c, f, n) < 0)
        goto out;
    int r = th_recv(c, &m, TH_TIMEOUT_MS);
    if (r == 1 && m.type == PROTO_GAME_START) {
        if (!wait_for(ch, c, PROTO_STATE, "STATE after GAME_START"))
            goto out;
        memset(&m, 0, sizeof m);
        m.type = PROTO_LEAVE;
        n = encode(&m, f);
        if (send_bytewise(c, f, n) < 0)
            goto out;
    } else if (!(r == 1 && m.type == PROTO_ERROR && m.u.error.code == PROTO_ERR_NO_SUCH_GAME)) {
        note(ch, "byte-wise SPECTATE", &m, r);
        goto out;
    }
    memset(&m, 0, sizeof m);
    m.type = PROTO_PING;
    m.u.ping.nonce = rnd(&ch->seed);
    n = encode(&m, f);
    if (send_bytewise(c, f, n) == 0)
        (void)wait_for(ch, c, PROTO_PONG, "byte-wise PING");
out:
    drop_client(ch, c);
}

static void do_vanish_player(struct chaos *ch)
{
    struct th_client *a = chaos_hello(ch, "roomhost");
    struct th_client *b = a ? chaos_hello(ch, "roomguest") : NULL;
    struct proto_msg m;
    int r;
    if (!b)
        goto out;
    if (th_send_type(a, PROTO_CREATE_ROOM) < 0)
        goto out;
    r = th_recv(a, &m, TH_TIMEOUT_MS);
    if (r != 1 || m.type != PROTO_ROOM_CREATED) {
        note(ch, "CREATE_ROOM", &m, r);
        goto out;
    }
    if (th_send_join(b, m.u.room.code) < 0 || !wait_for(ch, a, PROTO_GAME_START, "room host's GAME_START") ||
        !wait_for(ch, a, PROTO_STATE, "room host's STATE") ||
        !wait_for(ch, b, PROTO_GAME_START, "room guest's GAME_START") ||
        !wait_for(ch, b, PROTO_STATE, "room guest's STATE"))
        goto out;
    if (th_send_move(a, 0, (uint8_t)(rnd(&ch->seed) % 9)) < 0 || !wait_for(ch, b, PROTO_MOVED, "room MOVED"))
        goto out;
    struct th_client *gone = rnd(&ch->seed) % 2 ? a : b, *stays = gone == a ? b : a;
    if (rnd(&ch->seed) % 2) {
        static const uint8_t half_move[] = { PROTO_MOVE, 0x00 };
        (void)th_send_raw(gone, half_move, sizeof half_move); /* mid-frame */
    }
    vanish(ch, gone);
    (void)wait_for(ch, stays, PROTO_OPPONENT, "OPPONENT after a vanished player");
    hold(ch, stays);
    if (stays == a)
        a = NULL;
    else
        b = NULL;
out:
    drop_client(ch, a);
    drop_client(ch, b);
}

static void do_vanish_queued(struct chaos *ch)
{
    struct th_client *c = chaos_hello(ch, "queuer");
    if (!c)
        return;
    if (th_send_type(c, PROTO_QUICK_MATCH) == 0)
        (void)wait_for(ch, c, PROTO_QUEUED, "QUICK_MATCH");
    drop_client(ch, c);
}

static void do_vanish_spectator(struct chaos *ch)
{
    struct th_client *c = chaos_hello(ch, "peeker");
    if (!c)
        return;
    struct proto_msg m;
    spectate_msg(ch, &m);
    (void)th_send(c, &m);
    if (rnd(&ch->seed) % 2)
        th_sleep_ms(20); /* let the server take it, then leave unread news behind */
    drop_client(ch, c);
}

/* From an address of its own, so that the real players' address keeps its
 * budget of wrong guesses for their own RESUMEs. */
static void do_junk_resume(struct chaos *ch)
{
    struct th_client *c = chaos_hello_from(ch, "resumer", "127.0.0.9");
    if (!c)
        return;
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_RESUME;
    for (int i = 0; i < PROTO_TOKEN_LEN; i++)
        m.u.resume.token[i] = (uint8_t)rnd(&ch->seed);
    if (th_send(c, &m) == 0) {
        int r = th_recv(c, &m, TH_TIMEOUT_MS);
        if (r != 1 || m.type != PROTO_ERROR ||
            (m.u.error.code != PROTO_ERR_BAD_TOKEN && m.u.error.code != PROTO_ERR_SLOW_DOWN))
            note(ch, "RESUME with a random token", &m, r);
    }
    drop_client(ch, c);
}

static void do_small_flood(struct chaos *ch)
{
    struct th_client *c = chaos_hello(ch, "flooder");
    if (!c)
        return;
    uint8_t pings[150 * 7];
    memset(pings, 0, sizeof pings);
    for (size_t i = 0; i < sizeof pings; i += 7) {
        pings[i] = PROTO_PING;
        pings[i + 1] = 0;
        pings[i + 2] = 4;
    }
    (void)th_send_raw(c, pings, sizeof pings);
    th_sleep_ms(5);
    reset_client(c);
}

static void do_hit_and_run(struct chaos *ch)
{
    struct th_client *c = connected_client(ch);
    if (!c)
        return;
    uint8_t f[4 * PROTO_FRAME_MAX];
    size_t n = 0;
    struct proto_msg m;
    switch (rnd(&ch->seed) % 4) {
    case 0: /* a bad header: BAD_FRAME, to a peer already gone */
        f[n++] = 0x3f;
        f[n++] = 0;
        f[n++] = 0;
        break;
    case 1: /* the first frame is not a HELLO: UNEXPECTED, fatal */
        f[n++] = PROTO_LIST_GAMES;
        f[n++] = 0;
        f[n++] = 0;
        break;
    case 2: /* HELLO and a SPECTATE: WELCOME, GAME_START, STATE */
        n = encode_hello(f, "hitrun");
        spectate_msg(ch, &m);
        n += encode(&m, f + n);
        break;
    default: /* HELLO, QUICK_MATCH: maybe paired with another runner */
        n = encode_hello(f, "hitrun");
        memset(&m, 0, sizeof m);
        m.type = PROTO_QUICK_MATCH;
        n += encode(&m, f + n);
        break;
    }
    (void)th_send_raw(c, f, n);
    if (rnd(&ch->seed) % 2)
        th_sleep_ms(1);
    reset_client(c);
}

static void *chaos_main(void *arg)
{
    struct chaos *ch = arg;
    while (!atomic_load(ch->stop)) {
        enum chaos_kind k = (enum chaos_kind)(rnd(&ch->seed) % K_COUNT);
        switch (k) {
        case K_GARBAGE: do_garbage(ch); break;
        case K_SILENT: do_silent(ch); break;
        case K_HALF_FRAME: do_half_frame(ch); break;
        case K_BYTEWISE: do_bytewise(ch); break;
        case K_VANISH_PLAYER: do_vanish_player(ch); break;
        case K_VANISH_QUEUED: do_vanish_queued(ch); break;
        case K_VANISH_SPECTATOR: do_vanish_spectator(ch); break;
        case K_JUNK_RESUME: do_junk_resume(ch); break;
        case K_SMALL_FLOOD: do_small_flood(ch); break;
        default: do_hit_and_run(ch); break;
        }
        ch->done[k]++;
        th_sleep_ms(2);
    }
    for (int i = 0; i < HELD_MAX; i++) {
        drop_client(ch, ch->held[i]);
        ch->held[i] = NULL;
    }
    return NULL;
}

/* The server's peak resident set size (VmHWM) in KiB, or -1. */
static long peak_rss_kib(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

/* ---- the real games (main thread, cmocka) ---- */

struct real_game {
    struct th_client x, o;
    uint32_t id;
    uint8_t cells[9];
    uint8_t ply;
    uint8_t over;
};

static const uint8_t lines[8][3] = { { 0, 1, 2 }, { 3, 4, 5 }, { 6, 7, 8 }, { 0, 3, 6 },
                                     { 1, 4, 7 }, { 2, 5, 8 }, { 0, 4, 8 }, { 2, 4, 6 } };

/* One random legal move; when it ends the game, both players must get the
 * GAME_OVER this test reckons (the first line in the contract's order). */
static void real_move(struct real_game *g, uint32_t *seed)
{
    uint8_t free_cells[9], nfree = 0;
    for (uint8_t i = 0; i < 9; i++)
        if (!g->cells[i])
            free_cells[nfree++] = i;
    uint8_t cell = free_cells[rnd(seed) % nfree];
    uint8_t mark = g->ply % 2 ? PROTO_MARK_O : PROTO_MARK_X;
    if (mark == PROTO_MARK_X)
        th_move(&g->x, &g->o, g->ply, cell);
    else
        th_move(&g->o, &g->x, g->ply, cell);
    g->cells[cell] = mark;
    g->ply++;
    for (int l = 0; l < 8; l++) {
        if (g->cells[lines[l][0]] == mark && g->cells[lines[l][1]] == mark && g->cells[lines[l][2]] == mark) {
            th_expect_game_over(&g->x, mark, PROTO_REASON_LINE, lines[l]);
            th_expect_game_over(&g->o, mark, PROTO_REASON_LINE, lines[l]);
            g->over = 1;
            return;
        }
    }
    if (g->ply == 9) {
        th_expect_game_over(&g->x, 0, PROTO_REASON_FULL, NULL);
        th_expect_game_over(&g->o, 0, PROTO_REASON_FULL, NULL);
        g->over = 1;
    }
}

static void test_chaos(void **state)
{
    (void)state;
    uint16_t port = th_srv.port;
    const char *env = getenv("TTT_CHAOS_SEED");
    uint32_t seed = env ? (uint32_t)strtoul(env, NULL, 10) : (uint32_t)time(NULL) ^ (uint32_t)getpid();
    if (!seed)
        seed = 1;
    print_message("chaos seed %u (TTT_CHAOS_SEED=%u replays the real games' moves)\n", (unsigned)seed,
                  (unsigned)seed);

    struct real_game *games = calloc(REAL_GAMES, sizeof *games);
    assert_non_null(games);
    uint32_t ids[REAL_GAMES];
    for (int i = 0; i < REAL_GAMES; i++) {
        char xn[16], on[16];
        snprintf(xn, sizeof xn, "realX%02d", i);
        snprintf(on, sizeof on, "realO%02d", i);
        th_pair(&games[i].x, &games[i].o, port, xn, on, &games[i].id);
        ids[i] = games[i].id;
    }
    long rss0 = th_server_rss_kib(&th_srv);
    assert_true(rss0 > 0);

    atomic_int stop = 0;
    struct chaos *ch = calloc(CHAOS_THREADS, sizeof *ch);
    assert_non_null(ch);
    pthread_t tids[CHAOS_THREADS];
    for (int t = 0; t < CHAOS_THREADS; t++) {
        ch[t].port = port;
        ch[t].seed = seed * 2654435761u + (uint32_t)t + 1u;
        if (!ch[t].seed)
            ch[t].seed = 7;
        ch[t].game_ids = ids;
        ch[t].stop = &stop;
        assert_int_equal(pthread_create(&tids[t], NULL, chaos_main, &ch[t]), 0);
    }

    /* Rounds: one move in every unfinished game, then a pause. */
    int64_t t0 = th_now_ms();
    uint32_t move_seed = seed;
    for (int round = 0; round < 9; round++) {
        th_sleep_ms(ROUND_PAUSE_MS);
        for (int i = 0; i < REAL_GAMES; i++)
            if (!games[i].over)
                real_move(&games[i], &move_seed);
    }
    th_sleep_ms(ROUND_PAUSE_MS);
    atomic_store(&stop, 1);
    for (int t = 0; t < CHAOS_THREADS; t++)
        assert_int_equal(pthread_join(tids[t], NULL), 0);
    int64_t took = th_now_ms() - t0;

    int done[K_COUNT] = { 0 }, total = 0;
    for (int t = 0; t < CHAOS_THREADS; t++) {
        if (ch[t].surprise[0])
            fail_msg("chaos thread %d: %s", t, ch[t].surprise);
        for (int k = 0; k < K_COUNT; k++) {
            done[k] += ch[t].done[k];
            total += ch[t].done[k];
        }
    }
    char summary[512];
    size_t len = 0;
    for (int k = 0; k < K_COUNT; k++)
        len += (size_t)snprintf(summary + len, sizeof summary - len, " %s=%d", kind_names[k], done[k]);
    print_message("%d real games over in %lld ms; %d chaos clients:%s\n", REAL_GAMES, (long long)took, total, summary);
    for (int k = 0; k < K_COUNT; k++)
        assert_true(done[k] > 0);
    for (int i = 0; i < REAL_GAMES; i++)
        assert_true(games[i].over);

    /* The server is up, holds only the listener and the real players'
     * sockets once the chaos has closed, answers a newcomer, and its memory
     * stayed bounded. */
    assert_true(th_server_alive(&th_srv));
    if (th_server_wait_sockets(&th_srv, 1 + 2 * REAL_GAMES, 5000) < 0)
        fail_msg("tttd still holds %d sockets; expected %d", th_server_sockets(&th_srv), 1 + 2 * REAL_GAMES);
    struct th_client fresh;
    th_hello(&fresh, port, "afterwards");
    th_expect_lobby(&fresh);
    long rss1 = th_server_rss_kib(&th_srv), peak = peak_rss_kib(th_srv.pid);
    print_message("server RSS %ld KiB before the chaos, %ld KiB after, peak %ld KiB\n", rss0, rss1, peak);
    assert_true(rss1 > 0 && rss1 - rss0 < 48 * 1024);
    assert_true(peak > 0 && peak - rss0 < 48 * 1024);
    th_close(&fresh);
    for (int i = 0; i < REAL_GAMES; i++) {
        th_close(&games[i].x);
        th_close(&games[i].o);
    }
    free(ch);
    free(games);
}

static const char *const chaos_args[] = { "--grace", "1", "--hello-timeout", "2", "--idle-timeout", "60",
                                          "--turn-time", "30", NULL };

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_WITH(test_chaos, chaos_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
