/* SPDX-License-Identifier: MIT */
/* test_srv_spectate.c: watching games on a real tttd: SPECTATE answers
 * GAME_START (you = 3) and STATE with the position so far, then MOVED and
 * GAME_OVER are relayed; a spectator cannot move, may LEAVE, is back in the
 * lobby after GAME_OVER and follows a rematch of the game it watched
 * (GAME_START you = 3 and STATE of the new game), unless it has asked for
 * something else first; NO_SUCH_GAME for ids that are not live games.
 * LIST_GAMES: the live games, newest first, with ply and names, at most 32
 * (in a frame of the largest size). A private room's game is neither
 * listed nor watchable, unless tttd runs with --public-rooms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "harness.h"

#define T(f) cmocka_unit_test_setup_teardown(f, th_fixture_start, th_fixture_stop)

static void send_spectate(struct th_client *c, uint32_t id)
{
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_SPECTATE;
    m.u.spectate.game_id = id;
    assert_int_equal(th_send(c, &m), 0);
}

static void list_games(struct th_client *c, struct proto_msg *m)
{
    assert_int_equal(th_send_type(c, PROTO_LIST_GAMES), 0);
    th_expect(c, PROTO_GAME_LIST, m);
}

static void spectate_relays_moves_and_end(void **state)
{
    (void)state;
    struct th_client x, o, s, s2;
    uint32_t id;
    th_pair(&x, &o, th_srv.port, "xena", "otto", &id);
    th_move(&x, &o, 0, 4);
    th_move(&o, &x, 1, 0);

    th_hello(&s, th_srv.port, "watcher");
    send_spectate(&s, id);
    struct proto_msg m;
    th_expect(&s, PROTO_GAME_START, &m);
    assert_int_equal(m.u.game_start.game_id, id);
    assert_int_equal(m.u.game_start.you, PROTO_SPECTATOR);
    assert_string_equal(m.u.game_start.x_name.s, "xena");
    assert_string_equal(m.u.game_start.o_name.s, "otto");
    th_expect(&s, PROTO_STATE, &m);
    assert_int_equal(m.u.state.game_id, id);
    assert_int_equal(m.u.state.ply, 2);
    static const uint8_t cells[9] = { 2, 0, 0, 0, 1, 0, 0, 0, 0 };
    assert_memory_equal(m.u.state.cells, cells, 9);
    assert_int_equal(m.u.state.to_move, PROTO_MARK_X);
    assert_true(m.u.state.ms_left > 0 && m.u.state.ms_left <= 30000u);
    /* The players hear nothing of it. */
    th_expect_silence(&x, 100);
    th_expect_silence(&o, 10);

    /* A second spectator, then moves reach both. */
    th_hello(&s2, th_srv.port, "watcher2");
    send_spectate(&s2, id);
    th_expect(&s2, PROTO_GAME_START, NULL);
    th_expect(&s2, PROTO_STATE, NULL);
    th_move(&x, &o, 2, 8);
    th_expect(&s, PROTO_MOVED, &m);
    assert_int_equal(m.u.moved.ply, 2);
    assert_int_equal(m.u.moved.cell, 8);
    assert_int_equal(m.u.moved.mark, PROTO_MARK_X);
    th_expect(&s2, PROTO_MOVED, &m);
    assert_int_equal(m.u.moved.cell, 8);

    /* A spectator cannot move or resign (not fatal), the game goes on. */
    assert_int_equal(th_send_move(&s, 3, 2), 0);
    th_expect_error(&s, PROTO_ERR_UNEXPECTED);
    assert_int_equal(th_send_type(&s, PROTO_RESIGN), 0);
    th_expect_error(&s, PROTO_ERR_UNEXPECTED);
    assert_int_equal(th_send_type(&s, PROTO_LIST_GAMES), 0);
    th_expect_error(&s, PROTO_ERR_UNEXPECTED);
    th_expect_silence(&x, 50);
    th_expect_silence(&o, 10);

    /* s2 leaves: no reply, no more moves for it. */
    assert_int_equal(th_send_type(&s2, PROTO_LEAVE), 0);
    th_move(&o, &x, 3, 2);
    th_expect(&s, PROTO_MOVED, NULL);
    th_expect_silence(&s2, 150);
    th_expect_lobby(&s2);

    /* X holds 4, 8; O holds 0, 2. X 6, then O 1 makes O's row 0-1-2. */
    th_move(&x, &o, 4, 6);
    th_expect(&s, PROTO_MOVED, NULL);
    th_move(&o, &x, 5, 1);
    th_expect(&s, PROTO_MOVED, &m);
    assert_int_equal(m.u.moved.ms_left, 0);
    static const uint8_t row[3] = { 0, 1, 2 };
    th_expect_game_over(&x, PROTO_MARK_O, PROTO_REASON_LINE, row);
    th_expect_game_over(&o, PROTO_MARK_O, PROTO_REASON_LINE, row);
    th_expect_game_over(&s, PROTO_MARK_O, PROTO_REASON_LINE, row);

    /* The spectator is back in the lobby (LIST_GAMES answers), and follows
     * the rematch: the server moves it to the new game. s2, who left
     * before the end, does not. */
    th_expect_lobby(&s);
    uint32_t id2 = th_rematch(&x, &o, "xena", "otto");
    th_expect(&s, PROTO_GAME_START, &m);
    assert_int_equal(m.u.game_start.game_id, id2);
    assert_int_equal(m.u.game_start.you, PROTO_SPECTATOR);
    assert_string_equal(m.u.game_start.x_name.s, "otto");
    th_expect(&s, PROTO_STATE, &m);
    assert_int_equal(m.u.state.ply, 0);
    assert_int_equal(m.u.state.to_move, PROTO_MARK_X);
    th_move(&o, &x, 0, 4);
    th_expect(&s, PROTO_MOVED, &m);
    assert_int_equal(m.u.moved.cell, 4);
    th_expect_silence(&s2, 100);
    /* The finished game can no longer be watched. */
    th_hello(&s2, th_srv.port, "watcher3");
    send_spectate(&s2, id);
    th_expect_error(&s2, PROTO_ERR_NO_SUCH_GAME);
    th_close(&x);
    th_close(&o);
    th_close(&s);
    th_close(&s2);
}

/* Only a spectator that waits follows: one that asked for something else
 * after GAME_OVER (LEAVE, QUICK_MATCH, another SPECTATE) does not, and
 * when a player leaves instead, the followers are let go without a word. */
static void following_ends_with_a_request(void **state)
{
    (void)state;
    struct th_client x, o, stay, leave, queue, a, b;
    uint32_t id;
    th_pair(&x, &o, th_srv.port, "x", "o", &id);
    struct th_client *watchers[3] = { &stay, &leave, &queue };
    for (int i = 0; i < 3; i++) {
        th_hello(watchers[i], th_srv.port, "w");
        send_spectate(watchers[i], id);
        th_expect(watchers[i], PROTO_GAME_START, NULL);
        th_expect(watchers[i], PROTO_STATE, NULL);
    }
    assert_int_equal(th_send_type(&x, PROTO_RESIGN), 0);
    for (int i = 0; i < 3; i++)
        th_expect_game_over(watchers[i], PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&x, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&o, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    assert_int_equal(th_send_type(&leave, PROTO_LEAVE), 0);
    th_quick_match(&queue);
    th_expect_lobby(&leave);
    uint32_t id2 = th_rematch(&x, &o, "x", "o");
    struct proto_msg m;
    th_expect(&stay, PROTO_GAME_START, &m);
    assert_int_equal(m.u.game_start.game_id, id2);
    th_expect(&stay, PROTO_STATE, NULL);
    th_expect_silence(&leave, 100);
    th_expect_silence(&queue, 0);
    assert_int_equal(th_send_type(&queue, PROTO_LEAVE), 0); /* out of the queue, for a and b below */

    /* The second game ends and o leaves: no rematch, stay is let go. */
    assert_int_equal(th_send_type(&o, PROTO_RESIGN), 0);
    th_expect_game_over(&stay, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    assert_int_equal(th_send_type(&o, PROTO_LEAVE), 0);
    th_expect_game_over(&x, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_opponent(&x, PROTO_OPP_LEFT, 0);
    th_close(&x);
    th_expect_silence(&stay, 100);
    th_expect_lobby(&stay);
    /* A follower that watches another game follows that one instead. */
    th_pair(&a, &b, th_srv.port, "a", "b", &id);
    send_spectate(&stay, id);
    th_expect(&stay, PROTO_GAME_START, NULL);
    th_expect(&stay, PROTO_STATE, NULL);
    th_close(&o);
    th_close(&a);
    th_close(&b);
    for (int i = 0; i < 3; i++)
        th_close(watchers[i]);
}

/* host opens a room, friend joins: their game's id. */
static uint32_t room_game(struct th_client *host, struct th_client *friend)
{
    char code[PROTO_CODE_LEN + 1];
    th_hello(host, th_srv.port, "host");
    th_create_room(host, code);
    th_hello(friend, th_srv.port, "friend");
    assert_int_equal(th_send_join(friend, code), 0);
    uint32_t id = th_expect_start(host, PROTO_MARK_X, "host", "friend");
    th_expect_start(friend, PROTO_MARK_O, "host", "friend");
    return id;
}

/* A room's game is private: not listed, and SPECTATE gets NO_SUCH_GAME. */
static void private_rooms_are_private(void **state)
{
    (void)state;
    struct th_client host, friend, x, o, nosy;
    uint32_t secret = room_game(&host, &friend);
    uint32_t open;
    th_pair(&x, &o, th_srv.port, "x", "o", &open);
    th_hello(&nosy, th_srv.port, "nosy");
    struct proto_msg m;
    list_games(&nosy, &m);
    assert_int_equal(m.u.game_list.count, 1);
    assert_int_equal(m.u.game_list.games[0].game_id, open);
    send_spectate(&nosy, secret);
    th_expect_error(&nosy, PROTO_ERR_NO_SUCH_GAME);
    /* Its rematch is private too. */
    assert_int_equal(th_send_type(&host, PROTO_RESIGN), 0);
    th_expect_game_over(&host, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&friend, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    uint32_t again = th_rematch(&host, &friend, "host", "friend");
    list_games(&nosy, &m);
    assert_int_equal(m.u.game_list.count, 1);
    send_spectate(&nosy, again);
    th_expect_error(&nosy, PROTO_ERR_NO_SUCH_GAME);
    th_close(&host);
    th_close(&friend);
    th_close(&x);
    th_close(&o);
    th_close(&nosy);
}

/* With --public-rooms, a room's game is listed and may be watched. */
static void public_rooms(void **state)
{
    (void)state;
    struct th_client host, friend, watcher;
    uint32_t id = room_game(&host, &friend);
    th_hello(&watcher, th_srv.port, "watcher");
    struct proto_msg m;
    list_games(&watcher, &m);
    assert_int_equal(m.u.game_list.count, 1);
    assert_int_equal(m.u.game_list.games[0].game_id, id);
    send_spectate(&watcher, id);
    th_expect(&watcher, PROTO_GAME_START, NULL);
    th_expect(&watcher, PROTO_STATE, NULL);
    th_move(&host, &friend, 0, 4);
    th_expect(&watcher, PROTO_MOVED, NULL);
    th_close(&host);
    th_close(&friend);
    th_close(&watcher);
}

static void no_such_game(void **state)
{
    (void)state;
    struct th_client c;
    th_hello(&c, th_srv.port, "nosy");
    static const uint32_t ids[] = { 0, 1, 2, 999999, 0xffffffffu };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        send_spectate(&c, ids[i]);
        th_expect_error(&c, PROTO_ERR_NO_SUCH_GAME);
    }
    th_expect_lobby(&c);
    th_close(&c);
}

/* A spectator whose game ends by a player leaving gets GAME_OVER, not the
 * OPPONENT event meant for the player who stays. */
static void spectator_sees_resign_by_leave(void **state)
{
    (void)state;
    struct th_client x, o, s;
    uint32_t id;
    th_pair(&x, &o, th_srv.port, "x", "o", &id);
    th_hello(&s, th_srv.port, "s");
    send_spectate(&s, id);
    th_expect(&s, PROTO_GAME_START, NULL);
    th_expect(&s, PROTO_STATE, NULL);
    assert_int_equal(th_send_type(&x, PROTO_LEAVE), 0);
    th_expect_game_over(&s, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&o, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_opponent(&o, PROTO_OPP_LEFT, 0);
    th_expect_silence(&s, 150);
    th_expect_lobby(&s);
    th_close(&x);
    th_close(&o);
    th_close(&s);
}

/* SPECTATE from a finished game leaves it first (the other player hears
 * OPPONENT left); from the queue or a room it is UNEXPECTED. */
static void spectate_from_other_states(void **state)
{
    (void)state;
    struct th_client x, o, a, b, q, r;
    uint32_t live;
    th_pair(&a, &b, th_srv.port, "a", "b", &live);
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    assert_int_equal(th_send_type(&o, PROTO_RESIGN), 0);
    th_expect_game_over(&x, PROTO_MARK_X, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&o, PROTO_MARK_X, PROTO_REASON_RESIGN, NULL);
    send_spectate(&x, live);
    struct proto_msg m;
    th_expect(&x, PROTO_GAME_START, &m);
    assert_int_equal(m.u.game_start.you, PROTO_SPECTATOR);
    th_expect(&x, PROTO_STATE, NULL);
    th_expect_opponent(&o, PROTO_OPP_LEFT, 0);
    th_move(&a, &b, 0, 4);
    th_expect(&x, PROTO_MOVED, NULL);

    th_hello(&q, th_srv.port, "q");
    th_quick_match(&q);
    send_spectate(&q, live);
    th_expect_error(&q, PROTO_ERR_UNEXPECTED);
    th_hello(&r, th_srv.port, "r");
    char code[PROTO_CODE_LEN + 1];
    th_create_room(&r, code);
    send_spectate(&r, live);
    th_expect_error(&r, PROTO_ERR_UNEXPECTED);
    th_close(&x);
    th_close(&o);
    th_close(&a);
    th_close(&b);
    th_close(&q);
    th_close(&r);
}

static void list_games_newest_first(void **state)
{
    (void)state;
    struct th_client c, p[6];
    struct proto_msg m;
    th_hello(&c, th_srv.port, "lister");
    list_games(&c, &m);
    assert_int_equal(m.u.game_list.count, 0);

    uint32_t ids[3];
    th_pair(&p[0], &p[1], th_srv.port, "a1", "b1", &ids[0]);
    th_pair(&p[2], &p[3], th_srv.port, "a2", "b2", &ids[1]);
    th_pair(&p[4], &p[5], th_srv.port, "a3", "b3", &ids[2]);
    th_move(&p[2], &p[3], 0, 4);
    th_move(&p[3], &p[2], 1, 0);
    th_move(&p[4], &p[5], 0, 4);
    list_games(&c, &m);
    assert_int_equal(m.u.game_list.count, 3);
    static const char *const xn[3] = { "a3", "a2", "a1" }, *const on[3] = { "b3", "b2", "b1" };
    static const uint8_t plies[3] = { 1, 2, 0 };
    for (int i = 0; i < 3; i++) {
        const struct proto_game_entry *e = &m.u.game_list.games[i];
        assert_int_equal(e->game_id, ids[2 - i]);
        assert_int_equal(e->ply, plies[i]);
        assert_string_equal(e->x_name.s, xn[i]);
        assert_string_equal(e->o_name.s, on[i]);
    }
    /* A finished game leaves the list. */
    assert_int_equal(th_send_type(&p[2], PROTO_RESIGN), 0);
    th_expect_game_over(&p[2], PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&p[3], PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    list_games(&c, &m);
    assert_int_equal(m.u.game_list.count, 2);
    assert_int_equal(m.u.game_list.games[0].game_id, ids[2]);
    assert_int_equal(m.u.game_list.games[1].game_id, ids[0]);
    /* A player who lost the connection keeps the game live (grace). */
    th_close(&p[0]);
    th_expect_opponent(&p[1], PROTO_OPP_DISCONNECTED, 20);
    list_games(&c, &m);
    assert_int_equal(m.u.game_list.count, 2);
    for (int i = 0; i < 6; i++)
        th_close(&p[i]);
    th_close(&c);
}

static void list_games_at_most_32(void **state)
{
    (void)state;
    enum { GAMES = 34 };
    static struct th_client p[2 * GAMES];
    uint32_t ids[GAMES];
    for (int g = 0; g < GAMES; g++) {
        char xn[17], on[17];
        /* 16-byte names: 32 entries make the largest GAME_LIST frame. */
        snprintf(xn, sizeof xn, "X-player-num-%03d", g);
        snprintf(on, sizeof on, "O-player-num-%03d", g);
        th_pair(&p[2 * g], &p[2 * g + 1], th_srv.port, xn, on, &ids[g]);
    }
    struct th_client c;
    struct proto_msg m;
    th_hello(&c, th_srv.port, "lister");
    list_games(&c, &m);
    assert_int_equal(m.u.game_list.count, PROTO_LIST_MAX);
    for (int i = 0; i < PROTO_LIST_MAX; i++) {
        const struct proto_game_entry *e = &m.u.game_list.games[i];
        int g = GAMES - 1 - i;
        char xn[17];
        snprintf(xn, sizeof xn, "X-player-num-%03d", g);
        assert_int_equal(e->game_id, ids[g]);
        assert_int_equal(e->ply, 0);
        assert_string_equal(e->x_name.s, xn);
        assert_int_equal(e->o_name.len, 16);
    }
    for (int i = 0; i < 2 * GAMES; i++)
        th_close(&p[i]);
    th_close(&c);
}

static const char *const public_args[] = { "--public-rooms", NULL };

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(spectate_relays_moves_and_end),
        T(no_such_game),
        T(spectator_sees_resign_by_leave),
        T(spectate_from_other_states),
        T(list_games_newest_first),
        T(list_games_at_most_32),
        T(following_ends_with_a_request),
        T(private_rooms_are_private),
        TH_WITH(public_rooms, public_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
