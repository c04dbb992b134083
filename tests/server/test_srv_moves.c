/* SPDX-License-Identifier: MIT */
/* test_srv_moves.c: tttd's authoritative games against a real server:
 * every illegal move (NOT_YOUR_TURN, STALE_PLY, CELL_TAKEN in the contract's
 * order, UNEXPECTED outside a live game) with the game going on correctly
 * after each; wins on each of the 8 lines for X and for O, the line reported
 * when one move makes two, a full board with and without a line; RESIGN and
 * LEAVE (GAME_OVER reason 3, OPPONENT left); REMATCH with swapped marks and
 * when it is refused. Each test has its own tttd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "harness.h"

#define QUIET_MS 200

static const uint8_t lines[8][3] = { { 0, 1, 2 }, { 3, 4, 5 }, { 6, 7, 8 }, { 0, 3, 6 },
                                     { 1, 4, 7 }, { 2, 5, 8 }, { 0, 4, 8 }, { 2, 4, 6 } };

/* `c` sends MOVE ply/cell and gets ERROR `code`; nobody else hears of it. */
static void bad_move(struct th_client *c, struct th_client *other, uint8_t ply, uint8_t cell, uint8_t code)
{
    assert_int_equal(th_send_move(c, ply, cell), 0);
    th_expect_error(c, code);
    th_expect_silence(other, 20);
}

static void illegal_moves_then_game_goes_on(void **state)
{
    (void)state;
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "xavier", "olga", NULL);
    bad_move(&o, &x, 0, 4, PROTO_ERR_NOT_YOUR_TURN);     /* O before X's first move */
    bad_move(&x, &o, 1, 4, PROTO_ERR_STALE_PLY);         /* ply from the future */
    th_move(&x, &o, 0, 4);
    bad_move(&x, &o, 1, 0, PROTO_ERR_NOT_YOUR_TURN);     /* twice in a row, right ply */
    bad_move(&x, &o, 0, 0, PROTO_ERR_NOT_YOUR_TURN);     /* the turn is checked before the ply */
    bad_move(&o, &x, 1, 4, PROTO_ERR_CELL_TAKEN);        /* X's cell */
    bad_move(&o, &x, 0, 4, PROTO_ERR_STALE_PLY);         /* the ply is checked before the cell */
    bad_move(&o, &x, 0, 0, PROTO_ERR_STALE_PLY);         /* a resent old move */
    bad_move(&o, &x, 2, 0, PROTO_ERR_STALE_PLY);
    th_move(&o, &x, 1, 0);
    bad_move(&x, &o, 2, 0, PROTO_ERR_CELL_TAKEN);        /* O's cell */
    bad_move(&x, &o, 2, 4, PROTO_ERR_CELL_TAKEN);        /* its own cell */
    th_move(&x, &o, 2, 1);
    th_move(&o, &x, 3, 3);
    th_move(&x, &o, 4, 7);                               /* X: 1-4-7 */
    static const uint8_t col[3] = { 1, 4, 7 };
    th_expect_game_over(&x, PROTO_MARK_X, PROTO_REASON_LINE, col);
    th_expect_game_over(&o, PROTO_MARK_X, PROTO_REASON_LINE, col);
    /* The game is over: MOVE and RESIGN are UNEXPECTED (not fatal). */
    bad_move(&o, &x, 5, 8, PROTO_ERR_UNEXPECTED);
    bad_move(&x, &o, 5, 8, PROTO_ERR_UNEXPECTED);
    assert_int_equal(th_send_type(&o, PROTO_RESIGN), 0);
    th_expect_error(&o, PROTO_ERR_UNEXPECTED);
    th_expect_silence(&x, QUIET_MS);
    th_close(&x);
    th_close(&o);
}

/* Three cells outside `line` for the loser that hold no line themselves. */
static void loser_cells(const uint8_t line[3], uint8_t out[3])
{
    uint8_t free_cells[6];
    size_t n = 0;
    for (uint8_t c = 0; c < 9; c++)
        if (c != line[0] && c != line[1] && c != line[2])
            free_cells[n++] = c;
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++)
            for (size_t d = b + 1; d < n; d++) {
                int is_line = 0;
                for (int l = 0; l < 8; l++)
                    is_line |= lines[l][0] == free_cells[a] && lines[l][1] == free_cells[b] &&
                               lines[l][2] == free_cells[d];
                if (!is_line) {
                    out[0] = free_cells[a];
                    out[1] = free_cells[b];
                    out[2] = free_cells[d];
                    return;
                }
            }
    fail_msg("no loser cells for a line");
}

static void every_line_wins_for_x_and_o(void **state)
{
    (void)state;
    for (int winner = PROTO_MARK_X; winner <= PROTO_MARK_O; winner++) {
        for (int l = 0; l < 8; l++) {
            struct th_client x, o;
            th_pair(&x, &o, th_srv.port, "x", "o", NULL);
            uint8_t other[3] = { 0, 0, 0 }, moves[6];
            loser_cells(lines[l], other);
            size_t n;
            if (winner == PROTO_MARK_X) {
                /* X: line[0], line[1], line[2]; O: two of `other`. */
                const uint8_t m[5] = { lines[l][0], other[0], lines[l][1], other[1], lines[l][2] };
                memcpy(moves, m, sizeof m);
                n = 5;
            } else {
                const uint8_t m[6] = { other[0], lines[l][0], other[1], lines[l][1], other[2], lines[l][2] };
                memcpy(moves, m, sizeof m);
                n = 6;
            }
            th_play(&x, &o, 0, moves, n - 1);
            /* The winning move by hand: its MOVED has ms_left 0. */
            struct th_client *mover = n % 2 ? &x : &o;
            assert_int_equal(th_send_move(mover, (uint8_t)(n - 1), moves[n - 1]), 0);
            struct proto_msg m;
            for (int i = 0; i < 2; i++) {
                th_expect(i ? &o : &x, PROTO_MOVED, &m);
                assert_int_equal(m.u.moved.ply, n - 1);
                assert_int_equal(m.u.moved.cell, moves[n - 1]);
                assert_int_equal(m.u.moved.mark, winner);
                assert_int_equal(m.u.moved.ms_left, 0);
            }
            th_expect_game_over(&x, (uint8_t)winner, PROTO_REASON_LINE, lines[l]);
            th_expect_game_over(&o, (uint8_t)winner, PROTO_REASON_LINE, lines[l]);
            th_close(&x);
            th_close(&o);
        }
    }
}

static void moved_carries_next_movers_time(void **state)
{
    (void)state;
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    assert_int_equal(th_send_move(&x, 0, 4), 0);
    struct proto_msg m;
    th_expect(&x, PROTO_MOVED, &m);
    assert_true(m.u.moved.ms_left > 0 && m.u.moved.ms_left <= 30000u);
    assert_int_equal(m.u.moved.mark, PROTO_MARK_X);
    th_expect(&o, PROTO_MOVED, &m);
    assert_true(m.u.moved.ms_left > 0 && m.u.moved.ms_left <= 30000u);
    th_close(&x);
    th_close(&o);
}

static void two_lines_at_once_reports_the_first_row(void **state)
{
    (void)state;
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    /* X holds 1, 2, 3, 6; its last move, cell 0 on a full board, makes the
     * row 0-1-2 and the column 0-3-6: the row is reported, and a line on the
     * ninth move is a win, not a draw. */
    static const uint8_t moves[9] = { 1, 4, 2, 5, 3, 7, 6, 8, 0 };
    th_play(&x, &o, 0, moves, 9);
    static const uint8_t row[3] = { 0, 1, 2 };
    th_expect_game_over(&x, PROTO_MARK_X, PROTO_REASON_LINE, row);
    th_expect_game_over(&o, PROTO_MARK_X, PROTO_REASON_LINE, row);
    th_close(&x);
    th_close(&o);

    /* Column 2-5-8 and diagonal 2-4-6 at once: the column comes first. */
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    static const uint8_t moves2[9] = { 5, 0, 8, 1, 4, 3, 6, 7, 2 };
    th_play(&x, &o, 0, moves2, 9);
    static const uint8_t c258[3] = { 2, 5, 8 };
    th_expect_game_over(&x, PROTO_MARK_X, PROTO_REASON_LINE, c258);
    th_expect_game_over(&o, PROTO_MARK_X, PROTO_REASON_LINE, c258);
    th_close(&x);
    th_close(&o);
}

static void full_board_is_a_draw(void **state)
{
    (void)state;
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    static const uint8_t moves[9] = { 0, 1, 2, 4, 3, 5, 7, 6, 8 };
    th_play_to_draw(&x, &o, 0, moves, 9);
    bad_move(&x, &o, 0, 0, PROTO_ERR_UNEXPECTED);
    th_close(&x);
    th_close(&o);
}

static void resign(void **state)
{
    (void)state;
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    th_move(&x, &o, 0, 4);
    assert_int_equal(th_send_type(&x, PROTO_RESIGN), 0);
    th_expect_game_over(&x, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&o, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_silence(&o, QUIET_MS); /* no OPPONENT event: x is still there */
    assert_int_equal(th_send_type(&x, PROTO_RESIGN), 0);
    th_expect_error(&x, PROTO_ERR_UNEXPECTED);
    bad_move(&o, &x, 1, 0, PROTO_ERR_UNEXPECTED);
    th_close(&x);
    th_close(&o);

    /* O may resign while X is to move. */
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    assert_int_equal(th_send_type(&o, PROTO_RESIGN), 0);
    th_expect_game_over(&o, PROTO_MARK_X, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&x, PROTO_MARK_X, PROTO_REASON_RESIGN, NULL);
    th_close(&x);
    th_close(&o);
}

static void leave_during_game(void **state)
{
    (void)state;
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    th_move(&x, &o, 0, 4);
    assert_int_equal(th_send_type(&o, PROTO_LEAVE), 0);
    th_expect_game_over(&o, PROTO_MARK_X, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&x, PROTO_MARK_X, PROTO_REASON_RESIGN, NULL);
    th_expect_opponent(&x, PROTO_OPP_LEFT, 0);
    th_expect_silence(&o, QUIET_MS); /* the leaver hears no more of the game */
    /* The leaver is in the lobby; the one who stays cannot rematch. */
    th_expect_lobby(&o);
    assert_int_equal(th_send_type(&o, PROTO_REMATCH), 0);
    th_expect_error(&o, PROTO_ERR_UNEXPECTED);
    assert_int_equal(th_send_type(&x, PROTO_REMATCH), 0);
    th_expect_error(&x, PROTO_ERR_UNEXPECTED);
    /* X leaves the finished game: no reply, back in the lobby. */
    assert_int_equal(th_send_type(&x, PROTO_LEAVE), 0);
    th_expect_silence(&x, QUIET_MS);
    th_expect_lobby(&x);
    /* Both can play again, together. */
    th_quick_match(&x);
    th_quick_match(&o);
    th_expect_start(&x, PROTO_MARK_X, "x", "o");
    th_expect_start(&o, PROTO_MARK_O, "x", "o");
    th_close(&x);
    th_close(&o);
}

/* After GAME_OVER, LEAVE / a lost connection / a lobby request (QUICK_MATCH,
 * CREATE_ROOM, even a failing JOIN_ROOM) each make the other player hear
 * OPPONENT left, and its REMATCH is then refused. */
static void leaving_a_finished_game(void **state)
{
    (void)state;
    for (int how = 0; how < 5; how++) {
        struct th_client x, o;
        th_pair(&x, &o, th_srv.port, "x", "o", NULL);
        assert_int_equal(th_send_type(&x, PROTO_RESIGN), 0);
        th_expect_game_over(&x, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
        th_expect_game_over(&o, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
        char code[PROTO_CODE_LEN + 1];
        if (how == 0) {
            assert_int_equal(th_send_type(&x, PROTO_LEAVE), 0);
        } else if (how == 1) {
            th_close(&x);
        } else if (how == 2) {
            th_quick_match(&x); /* leaves the finished game first */
        } else if (how == 3) {
            th_create_room(&x, code);
        } else {
            assert_int_equal(th_send_join(&x, "ABCDEF"), 0);
            th_expect_error(&x, PROTO_ERR_NO_SUCH_ROOM);
        }
        th_expect_opponent(&o, PROTO_OPP_LEFT, 0);
        assert_int_equal(th_send_type(&o, PROTO_REMATCH), 0);
        th_expect_error(&o, PROTO_ERR_UNEXPECTED);
        th_close(&x);
        th_close(&o);
    }
}

static void rematch_swaps_marks(void **state)
{
    (void)state;
    struct th_client a, b;
    uint32_t id1;
    th_pair(&a, &b, th_srv.port, "alice", "bob", &id1);
    static const uint8_t win[5] = { 0, 3, 1, 4, 2 };
    th_play(&a, &b, 0, win, 5);
    static const uint8_t row[3] = { 0, 1, 2 };
    th_expect_game_over(&a, PROTO_MARK_X, PROTO_REASON_LINE, row);
    th_expect_game_over(&b, PROTO_MARK_X, PROTO_REASON_LINE, row);

    assert_int_equal(th_send_type(&a, PROTO_REMATCH), 0);
    th_expect_opponent(&b, PROTO_OPP_REMATCH, 0);
    th_expect_silence(&a, 100);
    assert_int_equal(th_send_type(&a, PROTO_REMATCH), 0); /* offered twice: nothing new */
    th_expect_silence(&b, QUIET_MS);
    th_expect_silence(&a, 10);
    assert_int_equal(th_send_type(&b, PROTO_REMATCH), 0);
    uint32_t id2 = th_expect_start(&b, PROTO_MARK_X, "bob", "alice");
    assert_int_equal(th_expect_start(&a, PROTO_MARK_O, "bob", "alice"), id2);
    assert_int_not_equal(id1, id2);
    /* bob moves first now, and alice may not. */
    bad_move(&a, &b, 0, 4, PROTO_ERR_NOT_YOUR_TURN);
    th_move(&b, &a, 0, 4);
    th_move(&a, &b, 1, 0);
    assert_int_equal(th_send_type(&b, PROTO_RESIGN), 0);
    th_expect_game_over(&b, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&a, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);

    /* A second rematch swaps back; this time the loser asks first. */
    assert_int_equal(th_send_type(&b, PROTO_REMATCH), 0);
    th_expect_opponent(&a, PROTO_OPP_REMATCH, 0);
    assert_int_equal(th_send_type(&a, PROTO_REMATCH), 0);
    uint32_t id3 = th_expect_start(&b, PROTO_MARK_O, "alice", "bob");
    assert_int_equal(th_expect_start(&a, PROTO_MARK_X, "alice", "bob"), id3);
    assert_int_not_equal(id3, id2);
    assert_int_not_equal(id3, id1);
    th_move(&a, &b, 0, 8);
    th_close(&a);
    th_close(&b);
}

static void rematch_offer_then_leave(void **state)
{
    (void)state;
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    assert_int_equal(th_send_type(&o, PROTO_RESIGN), 0);
    th_expect_game_over(&x, PROTO_MARK_X, PROTO_REASON_RESIGN, NULL);
    th_expect_game_over(&o, PROTO_MARK_X, PROTO_REASON_RESIGN, NULL);
    assert_int_equal(th_send_type(&x, PROTO_REMATCH), 0);
    th_expect_opponent(&o, PROTO_OPP_REMATCH, 0);
    assert_int_equal(th_send_type(&x, PROTO_LEAVE), 0);
    th_expect_opponent(&o, PROTO_OPP_LEFT, 0);
    assert_int_equal(th_send_type(&o, PROTO_REMATCH), 0);
    th_expect_error(&o, PROTO_ERR_UNEXPECTED);
    th_expect_silence(&x, QUIET_MS);
    th_close(&x);
    th_close(&o);
}

/* A player who offered a rematch and then closed the connection is gone:
 * the other's REMATCH, sent after that close, must not start a game with
 * it (OPPONENT left, then UNEXPECTED). Ten tries, FIN and RST, since the
 * server sees the close and the REMATCH close together. */
static void closed_peer_no_rematch(void **state)
{
    (void)state;
    for (int i = 0; i < 10; i++) {
        struct th_client x, o;
        th_pair(&x, &o, th_srv.port, "x", "o", NULL);
        assert_int_equal(th_send_type(&x, PROTO_RESIGN), 0);
        th_expect_game_over(&x, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
        th_expect_game_over(&o, PROTO_MARK_O, PROTO_REASON_RESIGN, NULL);
        assert_int_equal(th_send_type(&x, PROTO_REMATCH), 0);
        th_expect_opponent(&o, PROTO_OPP_REMATCH, 0);
        if (i % 2)
            th_reset(&x);
        else
            th_close(&x);
        assert_int_equal(th_send_type(&o, PROTO_REMATCH), 0);
        th_expect_opponent(&o, PROTO_OPP_LEFT, 0);
        th_expect_error(&o, PROTO_ERR_UNEXPECTED);
        th_close(&o);
    }
}

/* REMATCH during a live game is UNEXPECTED, and so are lobby requests. */
static void playing_state_rejects_others(void **state)
{
    (void)state;
    struct th_client x, o;
    th_pair(&x, &o, th_srv.port, "x", "o", NULL);
    static const uint8_t types[] = { PROTO_REMATCH, PROTO_QUICK_MATCH, PROTO_CREATE_ROOM, PROTO_LIST_GAMES };
    for (size_t i = 0; i < sizeof types; i++) {
        assert_int_equal(th_send_type(&x, types[i]), 0);
        th_expect_error(&x, PROTO_ERR_UNEXPECTED);
    }
    assert_int_equal(th_send_join(&o, "ABCDEF"), 0);
    th_expect_error(&o, PROTO_ERR_UNEXPECTED);
    struct proto_msg m;
    memset(&m, 0, sizeof m);
    m.type = PROTO_SPECTATE;
    m.u.spectate.game_id = 1;
    assert_int_equal(th_send(&o, &m), 0); /* its own game: still UNEXPECTED */
    th_expect_error(&o, PROTO_ERR_UNEXPECTED);
    assert_int_equal(th_send_resume(&o, x.token), 0);
    th_expect_error(&o, PROTO_ERR_UNEXPECTED);
    th_expect_silence(&x, 50);
    th_move(&x, &o, 0, 0);
    th_close(&x);
    th_close(&o);
}

#define T(f) cmocka_unit_test_setup_teardown(f, th_fixture_start, th_fixture_stop)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(illegal_moves_then_game_goes_on),
        T(every_line_wins_for_x_and_o),
        T(moved_carries_next_movers_time),
        T(two_lines_at_once_reports_the_first_row),
        T(full_board_is_a_draw),
        T(resign),
        T(leave_during_game),
        T(leaving_a_finished_game),
        T(rematch_swaps_marks),
        T(rematch_offer_then_leave),
        T(closed_peer_no_rematch),
        T(playing_state_rejects_others),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
