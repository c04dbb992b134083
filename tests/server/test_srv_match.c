/* SPDX-License-Identifier: MIT */
/* test_srv_match.c: how tttd brings players together, against a real
 * server: the quick-match queue (QUEUED first, the longer waiter is X, the
 * names in GAME_START, LEAVE and lost connections take a client out of the
 * queue) and private rooms (ROOM_CREATED with a valid code, JOIN_ROOM starts
 * the game with the creator as X, a room takes one joiner, unknown and
 * closed codes are NO_SUCH_ROOM and not fatal). Each test has its own tttd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "harness.h"

#define QUIET_MS 300 /* how long "nothing happens" is watched for */

static void longer_waiter_is_x(void **state)
{
    (void)state;
    struct th_client a, b, c, d;
    uint32_t id1;
    th_pair(&a, &b, th_srv.port, "alice", "bob", &id1);
    /* Now the other way round in arrival order: dave waits, carol comes. */
    th_hello(&c, th_srv.port, "carol");
    th_hello(&d, th_srv.port, "dave");
    th_quick_match(&d);
    th_expect_silence(&d, QUIET_MS); /* alone in the queue: nothing but QUEUED */
    th_quick_match(&c);
    uint32_t id2 = th_expect_start(&d, PROTO_MARK_X, "dave", "carol");
    assert_int_equal(th_expect_start(&c, PROTO_MARK_O, "dave", "carol"), id2);
    assert_int_not_equal(id1, id2);
    /* The first pair's players heard nothing of the second game. */
    th_expect_silence(&a, 100);
    th_expect_silence(&b, 100);
    th_close(&a);
    th_close(&b);
    th_close(&c);
    th_close(&d);
}

static void queue_pairs_in_arrival_order(void **state)
{
    (void)state;
    enum { N = 6 };
    struct th_client c[N];
    static const char *const names[N] = { "p0", "p1", "p2", "p3", "p4", "p5" };
    for (int i = 0; i < N; i++)
        th_hello(&c[i], th_srv.port, names[i]);
    for (int i = 0; i < N; i++)
        th_quick_match(&c[i]);
    for (int i = 0; i < N; i += 2) {
        uint32_t id = th_expect_start(&c[i], PROTO_MARK_X, names[i], names[i + 1]);
        assert_int_equal(th_expect_start(&c[i + 1], PROTO_MARK_O, names[i], names[i + 1]), id);
    }
    for (int i = 0; i < N; i++)
        th_close(&c[i]);
}

static void leave_takes_client_out_of_queue(void **state)
{
    (void)state;
    struct th_client a, b, c;
    th_hello(&a, th_srv.port, "leaver");
    th_quick_match(&a);
    assert_int_equal(th_send_type(&a, PROTO_LEAVE), 0);
    th_expect_silence(&a, QUIET_MS); /* LEAVE has no reply */
    th_hello(&b, th_srv.port, "bob");
    th_quick_match(&b);
    th_expect_silence(&b, QUIET_MS); /* not paired with the leaver */
    th_expect_silence(&a, 50);
    th_expect_lobby(&a);
    th_hello(&c, th_srv.port, "carol");
    th_quick_match(&c);
    th_expect_start(&b, PROTO_MARK_X, "bob", "carol");
    th_expect_start(&c, PROTO_MARK_O, "bob", "carol");
    /* The leaver can queue again and is paired with the next one. */
    struct th_client d;
    th_quick_match(&a);
    th_hello(&d, th_srv.port, "dave");
    th_quick_match(&d);
    th_expect_start(&a, PROTO_MARK_X, "leaver", "dave");
    th_expect_start(&d, PROTO_MARK_O, "leaver", "dave");
    th_close(&a);
    th_close(&b);
    th_close(&c);
    th_close(&d);
}

static void lost_connection_leaves_queue(void **state)
{
    (void)state;
    struct th_client a, b, c;
    th_hello(&a, th_srv.port, "ghost");
    th_quick_match(&a);
    th_close(&a);
    th_hello(&b, th_srv.port, "bob");
    /* The server may see the close after b's QUICK_MATCH only if it lost it:
     * b must never be paired with the ghost. */
    th_quick_match(&b);
    th_expect_silence(&b, QUIET_MS);
    th_hello(&c, th_srv.port, "carol");
    th_quick_match(&c);
    th_expect_start(&b, PROTO_MARK_X, "bob", "carol");
    th_expect_start(&c, PROTO_MARK_O, "bob", "carol");
    th_close(&b);
    th_close(&c);
}

static void queued_client_other_requests_unexpected(void **state)
{
    (void)state;
    struct th_client a, b;
    th_hello(&a, th_srv.port, "alice");
    th_quick_match(&a);
    static const uint8_t types[] = { PROTO_QUICK_MATCH, PROTO_CREATE_ROOM, PROTO_LIST_GAMES,
                                     PROTO_RESIGN, PROTO_REMATCH };
    for (size_t i = 0; i < sizeof types; i++) {
        assert_int_equal(th_send_type(&a, types[i]), 0);
        th_expect_error(&a, PROTO_ERR_UNEXPECTED);
    }
    assert_int_equal(th_send_move(&a, 0, 0), 0);
    th_expect_error(&a, PROTO_ERR_UNEXPECTED);
    assert_int_equal(th_send_join(&a, "ABCDEF"), 0);
    th_expect_error(&a, PROTO_ERR_UNEXPECTED);
    /* Still queued, once: the next player is paired with alice. */
    th_hello(&b, th_srv.port, "bob");
    th_quick_match(&b);
    th_expect_start(&a, PROTO_MARK_X, "alice", "bob");
    th_expect_start(&b, PROTO_MARK_O, "alice", "bob");
    th_close(&a);
    th_close(&b);
}

static void room_create_and_join(void **state)
{
    (void)state;
    struct th_client a, b, c;
    char code[PROTO_CODE_LEN + 1];
    th_hello(&a, th_srv.port, "creator");
    th_hello(&b, th_srv.port, "joiner");
    th_hello(&c, th_srv.port, "late");
    th_create_room(&a, code);
    th_expect_silence(&a, 100);
    assert_int_equal(th_send_join(&b, code), 0);
    uint32_t id = th_expect_start(&a, PROTO_MARK_X, "creator", "joiner");
    assert_int_equal(th_expect_start(&b, PROTO_MARK_O, "creator", "joiner"), id);
    /* One joiner: the room is gone. Not fatal. */
    assert_int_equal(th_send_join(&c, code), 0);
    th_expect_error(&c, PROTO_ERR_NO_SUCH_ROOM);
    th_expect_lobby(&c);
    /* The room's game is a real game. */
    th_move(&a, &b, 0, 4);
    th_move(&b, &a, 1, 0);
    th_close(&a);
    th_close(&b);
    th_close(&c);
}

static void room_codes_differ(void **state)
{
    (void)state;
    enum { N = 8 };
    struct th_client c[N];
    char codes[N][PROTO_CODE_LEN + 1];
    for (int i = 0; i < N; i++) {
        th_hello(&c[i], th_srv.port, "host");
        th_create_room(&c[i], codes[i]);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(codes[i], codes[j]);
    }
    /* Joining one room starts only that room's game. */
    struct th_client j;
    th_hello(&j, th_srv.port, "guest");
    assert_int_equal(th_send_join(&j, codes[3]), 0);
    th_expect_start(&c[3], PROTO_MARK_X, "host", "guest");
    th_expect_start(&j, PROTO_MARK_O, "host", "guest");
    for (int i = 0; i < N; i++)
        if (i != 3)
            th_expect_silence(&c[i], 20);
    for (int i = 0; i < N; i++)
        th_close(&c[i]);
    th_close(&j);
}

static void unknown_room_not_fatal(void **state)
{
    (void)state;
    struct th_client a;
    th_hello(&a, th_srv.port, "lost");
    static const char *const codes[] = { "ABCDEF", "222222", "ZZZZZZ", "K7MX2Q" };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        assert_int_equal(th_send_join(&a, codes[i]), 0);
        th_expect_error(&a, PROTO_ERR_NO_SUCH_ROOM);
    }
    th_expect_lobby(&a);
    th_close(&a);
}

static void room_closed_by_leave_or_disconnect(void **state)
{
    (void)state;
    struct th_client a, b, c;
    char code1[PROTO_CODE_LEN + 1], code2[PROTO_CODE_LEN + 1];
    th_hello(&a, th_srv.port, "host");
    th_hello(&b, th_srv.port, "guest");
    th_create_room(&a, code1);
    assert_int_equal(th_send_type(&a, PROTO_LEAVE), 0);
    th_expect_silence(&a, 100); /* no reply */
    assert_int_equal(th_send_join(&b, code1), 0);
    th_expect_error(&b, PROTO_ERR_NO_SUCH_ROOM);
    th_expect_silence(&a, 100);
    th_expect_lobby(&a);

    th_hello(&c, th_srv.port, "vanishing");
    th_create_room(&c, code2);
    th_close(&c);
    /* A round trip on b first, so that the server has seen the close. */
    th_expect_lobby(&b);
    assert_int_equal(th_send_join(&b, code2), 0);
    th_expect_error(&b, PROTO_ERR_NO_SUCH_ROOM);
    th_close(&a);
    th_close(&b);
}

static void room_wait_other_requests_unexpected(void **state)
{
    (void)state;
    struct th_client a, b, q;
    char code[PROTO_CODE_LEN + 1];
    th_hello(&a, th_srv.port, "host");
    th_create_room(&a, code);
    static const uint8_t types[] = { PROTO_QUICK_MATCH, PROTO_CREATE_ROOM, PROTO_LIST_GAMES, PROTO_RESIGN };
    for (size_t i = 0; i < sizeof types; i++) {
        assert_int_equal(th_send_type(&a, types[i]), 0);
        th_expect_error(&a, PROTO_ERR_UNEXPECTED);
    }
    th_send_join(&a, code); /* its own room: not from room wait */
    th_expect_error(&a, PROTO_ERR_UNEXPECTED);
    /* A room's host is not in the quick-match queue. */
    th_hello(&q, th_srv.port, "queuer");
    th_quick_match(&q);
    th_expect_silence(&q, QUIET_MS);
    th_expect_silence(&a, 50);
    /* The room still works. */
    th_hello(&b, th_srv.port, "guest");
    assert_int_equal(th_send_join(&b, code), 0);
    th_expect_start(&a, PROTO_MARK_X, "host", "guest");
    th_expect_start(&b, PROTO_MARK_O, "host", "guest");
    th_close(&a);
    th_close(&b);
    th_close(&q);
}

/* A peer that closed its connection before the other client's request was
 * even sent is out of the queue (or its room is gone): the request must
 * not start a game with it. Ten tries each, closing with FIN and with RST,
 * since the server sees the close and the request close together. */
static void closed_peer_never_paired(void **state)
{
    (void)state;
    struct th_client b;
    th_hello(&b, th_srv.port, "bob");
    for (int i = 0; i < 20; i++) {
        struct th_client a;
        th_hello(&a, th_srv.port, "ghost");
        if (i % 2 == 0) {
            th_quick_match(&a);
            if (i % 4 == 0)
                th_reset(&a);
            else
                th_close(&a);
            assert_int_equal(th_send_type(&b, PROTO_QUICK_MATCH), 0);
            th_expect(&b, PROTO_QUEUED, NULL);
            th_expect_silence(&b, 100);
            assert_int_equal(th_send_type(&b, PROTO_LEAVE), 0);
        } else {
            char code[PROTO_CODE_LEN + 1];
            th_create_room(&a, code);
            if (i % 4 == 1)
                th_reset(&a);
            else
                th_close(&a);
            assert_int_equal(th_send_join(&b, code), 0);
            th_expect_error(&b, PROTO_ERR_NO_SUCH_ROOM);
        }
    }
    th_expect_lobby(&b);
    th_close(&b);
}

#define T(f) cmocka_unit_test_setup_teardown(f, th_fixture_start, th_fixture_stop)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(longer_waiter_is_x),
        T(queue_pairs_in_arrival_order),
        T(leave_takes_client_out_of_queue),
        T(lost_connection_leaves_queue),
        T(queued_client_other_requests_unexpected),
        T(room_create_and_join),
        T(room_codes_differ),
        T(unknown_room_not_fatal),
        T(room_closed_by_leave_or_disconnect),
        T(room_wait_other_requests_unexpected),
        T(closed_peer_never_paired),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
