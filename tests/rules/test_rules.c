/* SPDX-License-Identifier: MIT */
/* test_rules.c: the game rules (lines, draws, illegal moves, positions) and
 * the perfect player, checked exhaustively against an independent solver. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "board.h"

#define NPOS 19683

static const uint8_t all_lines[8][3] = {
    {0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {0, 3, 6},
    {1, 4, 7}, {2, 5, 8}, {0, 4, 8}, {2, 4, 6},
};

/* "XO.X....." -> a board (asserting the cells are legal). */
static struct board parse(const char *text)
{
    uint8_t cells[BOARD_CELLS];
    assert_int_equal(strlen(text), BOARD_CELLS);
    for (unsigned c = 0; c < BOARD_CELLS; c++)
        cells[c] = text[c] == 'X' ? BOARD_X : text[c] == 'O' ? BOARD_O : BOARD_EMPTY;
    struct board b;
    assert_int_equal(board_from_cells(&b, cells), BOARD_OK);
    return b;
}

/* Play `n` moves from the empty board, each of which must be legal. */
static struct board play(const uint8_t *moves, size_t n)
{
    struct board b = board_new();
    for (size_t i = 0; i < n; i++)
        assert_int_equal(board_apply(&b, moves[i], &b), BOARD_OK);
    return b;
}

static int is_line(unsigned a, unsigned b, unsigned c)
{
    for (unsigned l = 0; l < 8; l++) {
        unsigned m = (1u << all_lines[l][0]) | (1u << all_lines[l][1]) | (1u << all_lines[l][2]);
        if (m == ((1u << a) | (1u << b) | (1u << c)))
            return 1;
    }
    return 0;
}

static void assert_won(const struct board *b, uint8_t winner, const uint8_t line[3])
{
    struct board_result r = board_result(b);
    assert_int_equal(r.over, 1);
    assert_int_equal(r.winner, winner);
    assert_memory_equal(r.line, line, 3);
    assert_int_equal(board_to_move(b), BOARD_EMPTY);
    assert_int_equal(board_free_mask(b), 0);
    assert_int_equal(board_best_moves(b), 0);
}

static void test_every_line_for_x(void **state)
{
    (void)state;
    for (unsigned l = 0; l < 8; l++) {
        const uint8_t *line = all_lines[l];
        /* O's two replies: the first free cells off the line. */
        uint8_t o[2];
        unsigned n = 0;
        for (unsigned c = 0; c < BOARD_CELLS && n < 2; c++)
            if (c != line[0] && c != line[1] && c != line[2])
                o[n++] = (uint8_t)c;
        uint8_t moves[5] = {line[2], o[0], line[0], o[1], line[1]};
        struct board b = play(moves, 4);
        assert_int_equal(board_result(&b).over, 0);
        assert_int_equal(board_apply(&b, moves[4], &b), BOARD_OK);
        assert_won(&b, BOARD_X, line);
    }
}

static void test_every_line_for_o(void **state)
{
    (void)state;
    for (unsigned l = 0; l < 8; l++) {
        const uint8_t *line = all_lines[l];
        uint8_t off[6];
        unsigned n = 0;
        for (unsigned c = 0; c < BOARD_CELLS; c++)
            if (c != line[0] && c != line[1] && c != line[2])
                off[n++] = (uint8_t)c;
        /* X's three moves: any three cells off the line that are no line. */
        int done = 0;
        for (unsigned i = 0; i < n && !done; i++)
            for (unsigned j = i + 1; j < n && !done; j++)
                for (unsigned k = j + 1; k < n && !done; k++) {
                    if (is_line(off[i], off[j], off[k]))
                        continue;
                    uint8_t moves[6] = {off[i], line[1], off[j], line[2], off[k], line[0]};
                    struct board b = play(moves, 6);
                    assert_won(&b, BOARD_O, line);
                    done = 1;
                }
        assert_true(done);
    }
}

static void test_double_line_tie_break(void **state)
{
    (void)state;
    static const struct {
        const char *cells;
        uint8_t line[3];
    } cases[] = {
        {"XXXXOOXOO", {0, 1, 2}}, /* row 0 and column 0: the row */
        {"OXOXXXOXO", {3, 4, 5}}, /* row 1 and column 1: the row */
        {"XXOOXOOXX", {1, 4, 7}}, /* column 1 and 0-4-8: the column */
        {"XOXOXOXOX", {0, 4, 8}}, /* 0-4-8 and 2-4-6: 0-4-8 */
        {"OOXOXXXOX", {2, 5, 8}}, /* column 2 and 2-4-6: the column */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct board b = parse(cases[i].cells);
        assert_won(&b, BOARD_X, cases[i].line);
    }
    /* The same through play: X's ninth-ply move 0 completes row 0 and column 0. */
    const uint8_t moves[] = {1, 4, 2, 5, 3, 7, 6, 8, 0};
    struct board b = play(moves, sizeof moves);
    const uint8_t row0[3] = {0, 1, 2};
    assert_won(&b, BOARD_X, row0);
}

static void test_draw(void **state)
{
    (void)state;
    const uint8_t moves[] = {0, 4, 8, 1, 7, 6, 2, 5, 3};
    struct board b = board_new();
    for (size_t i = 0; i < sizeof moves; i++) {
        assert_int_equal(board_result(&b).over, 0);
        assert_int_equal(board_apply(&b, moves[i], &b), BOARD_OK);
    }
    struct board_result r = board_result(&b);
    assert_int_equal(r.over, 1);
    assert_int_equal(r.winner, BOARD_EMPTY);
    const uint8_t none[3] = {BOARD_NO_CELL, BOARD_NO_CELL, BOARD_NO_CELL};
    assert_memory_equal(r.line, none, 3);
    assert_int_equal(b.ply, 9);
    assert_int_equal(board_to_move(&b), BOARD_EMPTY);
    assert_int_equal(board_free_mask(&b), 0);
    assert_int_equal(board_best_moves(&b), 0);
    /* A full board whose last move makes a line is a win, not a draw. */
    struct board w = parse("XOXOXOXOX");
    assert_int_equal(board_result(&w).winner, BOARD_X);
}

static void test_illegal_moves_leave_out_untouched(void **state)
{
    (void)state;
    struct board sentinel;
    memset(&sentinel, 0xAA, sizeof sentinel);
    struct board out = sentinel;

    struct board b = board_new();
    assert_int_equal(board_apply(&b, 9, &out), BOARD_E_RANGE);
    assert_int_equal(board_apply(&b, 255, &out), BOARD_E_RANGE);
    assert_int_equal(board_apply(&b, 100000u, &out), BOARD_E_RANGE);
    assert_memory_equal(&out, &sentinel, sizeof out);

    assert_int_equal(board_apply(&b, 4, &b), BOARD_OK); /* out aliases in */
    struct board before = b;
    assert_int_equal(board_apply(&b, 4, &out), BOARD_E_TAKEN);
    assert_memory_equal(&out, &sentinel, sizeof out);
    assert_int_equal(board_apply(&b, 4, &b), BOARD_E_TAKEN);
    assert_memory_equal(&b, &before, sizeof b);

    struct board won = parse("XXXOO....");
    assert_int_equal(board_apply(&won, 5, &out), BOARD_E_OVER);
    assert_int_equal(board_apply(&won, 9, &out), BOARD_E_OVER); /* over is checked first */
    struct board full = parse("XOXXOOOXX");
    assert_int_equal(board_apply(&full, 0, &out), BOARD_E_OVER);
    assert_memory_equal(&out, &sentinel, sizeof out);
}

static void test_to_move(void **state)
{
    (void)state;
    struct board b = board_new();
    assert_int_equal(board_to_move(&b), BOARD_X);
    assert_int_equal(b.ply, 0);
    assert_int_equal(board_apply(&b, 0, &b), BOARD_OK);
    assert_int_equal(board_to_move(&b), BOARD_O);
    assert_int_equal(b.cells[0], BOARD_X);
    assert_int_equal(board_apply(&b, 1, &b), BOARD_OK);
    assert_int_equal(board_to_move(&b), BOARD_X);
    assert_int_equal(b.cells[1], BOARD_O);
    assert_int_equal(b.ply, 2);
    struct board o_won = parse("OOOXX.X..");
    assert_int_equal(board_to_move(&o_won), BOARD_EMPTY);
}

static void test_from_cells(void **state)
{
    (void)state;
    struct board b;
    const uint8_t empty[9] = {0};
    assert_int_equal(board_from_cells(&b, empty), BOARD_OK);
    assert_int_equal(b.ply, 0);
    const uint8_t one_more_x[9] = {1, 2, 1, 0, 0, 0, 0, 0, 0};
    assert_int_equal(board_from_cells(&b, one_more_x), BOARD_OK);
    assert_int_equal(b.ply, 3);
    assert_int_equal(board_to_move(&b), BOARD_O);
    const uint8_t equal[9] = {1, 2, 1, 2, 0, 0, 0, 0, 0};
    assert_int_equal(board_from_cells(&b, equal), BOARD_OK);
    assert_int_equal(b.ply, 4);
    assert_int_equal(board_to_move(&b), BOARD_X);

    struct board sentinel;
    memset(&sentinel, 0x55, sizeof sentinel);
    static const uint8_t bad[][9] = {
        {3, 0, 0, 0, 0, 0, 0, 0, 0},      /* not a mark */
        {0, 0, 0, 0, 0, 0, 0, 0, 255},
        {2, 0, 0, 0, 0, 0, 0, 0, 0},      /* O first */
        {1, 1, 0, 0, 0, 0, 0, 0, 0},      /* X two ahead */
        {1, 1, 1, 1, 1, 1, 2, 2, 2},
        {2, 2, 2, 2, 2, 1, 1, 1, 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        b = sentinel;
        assert_int_equal(board_from_cells(&b, bad[i]), BOARD_E_RANGE);
        assert_memory_equal(&b, &sentinel, sizeof b);
    }
}

static void test_free_mask_and_index(void **state)
{
    (void)state;
    struct board b = board_new();
    assert_int_equal(board_free_mask(&b), 0x1FF);
    assert_int_equal(board_index(&b), 0);
    assert_int_equal(board_apply(&b, 0, &b), BOARD_OK);
    assert_int_equal(board_index(&b), 1);
    assert_int_equal(board_free_mask(&b), 0x1FE);
    assert_int_equal(board_apply(&b, 8, &b), BOARD_OK);
    assert_int_equal(board_index(&b), 1 + 2 * 6561);
    assert_int_equal(board_free_mask(&b), 0x0FE);
    struct board all_o;
    memset(all_o.cells, BOARD_O, sizeof all_o.cells);
    all_o.ply = 9;
    assert_int_equal(board_index(&all_o), NPOS - 1);
}

/* Positions reachable from the empty board, marked by index. */
static uint8_t reachable[NPOS];
static struct board reachable_board[NPOS];

static unsigned enumerate(const struct board *b)
{
    uint16_t idx = board_index(b);
    if (reachable[idx])
        return 0;
    reachable[idx] = 1;
    reachable_board[idx] = *b;
    unsigned n = 1;
    for (unsigned c = 0; c < BOARD_CELLS; c++) {
        struct board next;
        if (board_apply(b, c, &next) == BOARD_OK)
            n += enumerate(&next);
    }
    return n;
}

static int setup_reachable(void **state)
{
    (void)state;
    memset(reachable, 0, sizeof reachable);
    struct board b = board_new();
    return enumerate(&b) == 5478 ? 0 : -1;
}

static void test_reachable_positions(void **state)
{
    (void)state;
    unsigned n = 0, won[3] = {0, 0, 0}, drawn = 0;
    for (unsigned i = 0; i < NPOS; i++) {
        if (!reachable[i])
            continue;
        n++;
        const struct board *b = &reachable_board[i];
        struct board_result r = board_result(b);
        if (r.over && r.winner == BOARD_EMPTY)
            drawn++;
        else if (r.over)
            won[r.winner]++;
        /* ply agrees with the marks, and from_cells rebuilds the same board. */
        struct board again;
        assert_int_equal(board_from_cells(&again, b->cells), BOARD_OK);
        assert_memory_equal(&again, b, sizeof again);
    }
    assert_int_equal(n, 5478);
    /* The 958 finished positions: 626 won by X, 316 by O, 16 drawn. */
    assert_int_equal(won[BOARD_X], 626);
    assert_int_equal(won[BOARD_O], 316);
    assert_int_equal(drawn, 16);
}

/* Independent game value for the side to move, without any preference for
 * speed: 1 forced win, 0 draw, -1 forced loss. */
static int8_t value_memo[NPOS];
static uint8_t value_known[NPOS];

static int value(const struct board *b)
{
    uint16_t idx = board_index(b);
    if (value_known[idx])
        return value_memo[idx];
    struct board_result r = board_result(b);
    int v;
    if (r.over) {
        v = r.winner == BOARD_EMPTY ? 0 : -1;
    } else {
        v = -1;
        for (unsigned c = 0; c < BOARD_CELLS; c++) {
            struct board next;
            if (board_apply(b, c, &next) == BOARD_OK && -value(&next) > v)
                v = -value(&next);
        }
    }
    value_known[idx] = 1;
    value_memo[idx] = (int8_t)v;
    return v;
}

/* Worst outcome for `me` (1 win, 0 draw, -1 loss) when `me` plays every move
 * of its best mask and the opponent tries every legal move. Memoised per
 * position and side: the outcome depends on nothing else. */
static int8_t worst_memo[3][NPOS];
static uint8_t worst_known[3][NPOS];

static int worst(const struct board *b, uint8_t me)
{
    uint16_t idx = board_index(b);
    if (worst_known[me][idx])
        return worst_memo[me][idx];
    struct board_result r = board_result(b);
    int w;
    if (r.over) {
        w = r.winner == BOARD_EMPTY ? 0 : r.winner == me ? 1 : -1;
    } else {
        uint16_t moves = board_free_mask(b);
        if (board_to_move(b) == me) {
            uint16_t best = board_best_moves(b);
            assert_int_not_equal(best, 0);
            assert_int_equal(best & ~moves, 0); /* only free cells */
            moves = best;
        }
        w = 1;
        for (unsigned c = 0; c < BOARD_CELLS; c++) {
            struct board next;
            if (!(moves & (1u << c)))
                continue;
            assert_int_equal(board_apply(b, c, &next), BOARD_OK);
            int o = worst(&next, me);
            if (o < w)
                w = o;
        }
    }
    worst_known[me][idx] = 1;
    worst_memo[me][idx] = (int8_t)w;
    return w;
}

static void test_perfect_never_loses(void **state)
{
    (void)state;
    struct board b = board_new();
    assert_int_equal(worst(&b, BOARD_X), 0);
    assert_int_equal(worst(&b, BOARD_O), 0);
}

/* From every reachable position still in play, the perfect player to move
 * gets the game's value against every defence: it wins whenever a win is
 * forced and never loses a position that can be held. */
static void test_perfect_gets_the_value_everywhere(void **state)
{
    (void)state;
    unsigned wins = 0;
    for (unsigned i = 0; i < NPOS; i++) {
        if (!reachable[i] || board_result(&reachable_board[i]).over)
            continue;
        const struct board *b = &reachable_board[i];
        int v = value(b);
        assert_int_equal(worst(b, board_to_move(b)), v);
        wins += v == 1;
    }
    assert_true(wins > 0);
}

/* The quickest win and the longest defence: a winning move available now is
 * always taken, and a threat that can be blocked is blocked. */
static void test_perfect_takes_and_blocks_wins(void **state)
{
    (void)state;
    unsigned took = 0, blocked = 0;
    for (unsigned i = 0; i < NPOS; i++) {
        if (!reachable[i] || board_result(&reachable_board[i]).over)
            continue;
        const struct board *b = &reachable_board[i];
        uint16_t best = board_best_moves(b);
        uint16_t winning = 0, threats = 0;
        for (unsigned c = 0; c < BOARD_CELLS; c++) {
            if (b->cells[c] != BOARD_EMPTY)
                continue;
            struct board next = *b;
            assert_int_equal(board_apply(b, c, &next), BOARD_OK);
            if (board_result(&next).winner != BOARD_EMPTY)
                winning = (uint16_t)(winning | (1u << c));
            /* Would the opponent win by playing c? */
            struct board theirs = *b;
            theirs.ply++;
            assert_int_equal(board_apply(&theirs, c, &theirs), BOARD_OK);
            if (board_result(&theirs).winner != BOARD_EMPTY)
                threats = (uint16_t)(threats | (1u << c));
        }
        if (winning) {
            assert_int_equal(best, winning);
            took++;
        } else if (threats && (threats & (threats - 1)) == 0) {
            /* One threat: blocking it is the only way not to lose next move. */
            assert_int_equal(best, threats);
            blocked++;
        }
    }
    assert_true(took > 0 && blocked > 0);
}

/* Perfect against perfect, every choice of best move on both sides: a draw. */
static void perfect_vs_perfect(const struct board *b, unsigned *games)
{
    struct board_result r = board_result(b);
    if (r.over) {
        assert_int_equal(r.winner, BOARD_EMPTY);
        assert_int_equal(b->ply, 9);
        (*games)++;
        return;
    }
    uint16_t best = board_best_moves(b);
    assert_int_not_equal(best, 0);
    for (unsigned c = 0; c < BOARD_CELLS; c++) {
        struct board next;
        if ((best & (1u << c)) && board_apply(b, c, &next) == BOARD_OK)
            perfect_vs_perfect(&next, games);
    }
}

static void test_perfect_vs_perfect_draws(void **state)
{
    (void)state;
    unsigned games = 0;
    struct board b = board_new();
    perfect_vs_perfect(&b, &games);
    assert_true(games > 0);
}

static void test_best_moves_bad_cells(void **state)
{
    (void)state;
    struct board b = board_new();
    b.cells[3] = 7; /* not a mark: no advice rather than a wild read */
    assert_int_equal(board_best_moves(&b), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_line_for_x),
        cmocka_unit_test(test_every_line_for_o),
        cmocka_unit_test(test_double_line_tie_break),
        cmocka_unit_test(test_draw),
        cmocka_unit_test(test_illegal_moves_leave_out_untouched),
        cmocka_unit_test(test_to_move),
        cmocka_unit_test(test_from_cells),
        cmocka_unit_test(test_free_mask_and_index),
        cmocka_unit_test(test_reachable_positions),
        cmocka_unit_test(test_perfect_never_loses),
        cmocka_unit_test(test_perfect_gets_the_value_everywhere),
        cmocka_unit_test(test_perfect_takes_and_blocks_wins),
        cmocka_unit_test(test_perfect_vs_perfect_draws),
        cmocka_unit_test(test_best_moves_bad_cells),
    };
    return cmocka_run_group_tests(tests, setup_reachable, NULL);
}
