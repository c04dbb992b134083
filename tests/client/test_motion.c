/* SPDX-License-Identifier: MIT */
/* test_motion.c: the board's motion from successive scenes -- a move's mark
 * appears over MOTION_APPEAR_MS, the winning line draws itself after it,
 * frames are asked for only while something moves, and nothing but a move
 * is animated (a new game, a board replaced whole, a board shown anew). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "motion.h"
#include "scene.h"

static struct scene board_scene(const char *cells)
{
    struct scene sc;
    scene_reset(&sc);
    sc.board.shown = 1;
    for (int i = 0; i < BOARD_CELLS; i++)
        sc.board.cells[i] = cells[i] == 'X' ? BOARD_X : cells[i] == 'O' ? BOARD_O : BOARD_EMPTY;
    return sc;
}

/* Apply the scene for cells (and line, or NULL) at t; returns the wait. */
static int at(struct motion *m, struct scene *out, const char *cells, const uint8_t *line, uint64_t t)
{
    *out = board_scene(cells);
    if (line)
        memcpy(out->board.line, line, 3);
    int wait = motion_apply(m, out, t);
    assert_int_equal(wait >= 0, scene_animating(out)); /* the scene says so too */
    return wait;
}

static void test_move_appears(void **state)
{
    (void)state;
    struct motion m;
    motion_init(&m);
    struct scene sc;
    assert_int_equal(at(&m, &sc, "X...O....", NULL, 1000), -1); /* first sight: still */
    assert_int_equal(sc.board.appear_cell, BOARD_NO_CELL);
    assert_int_equal(at(&m, &sc, "X...O...X", NULL, 2000), MOTION_FRAME_MS);
    assert_int_equal(sc.board.appear_cell, 8);
    assert_int_equal(sc.board.appear, 0);
    assert_int_equal(at(&m, &sc, "X...O...X", NULL, 2000 + MOTION_APPEAR_MS / 2), MOTION_FRAME_MS);
    /* Eased: past half way at half time, not there yet. */
    assert_true(sc.board.appear > SCENE_MOTION_DONE / 2 && sc.board.appear < SCENE_MOTION_DONE);
    uint16_t before = sc.board.appear;
    at(&m, &sc, "X...O...X", NULL, 2000 + MOTION_APPEAR_MS * 3 / 4);
    assert_true(sc.board.appear > before);
    assert_int_equal(at(&m, &sc, "X...O...X", NULL, 2000 + MOTION_APPEAR_MS), -1);
    assert_int_equal(sc.board.appear, SCENE_MOTION_DONE);
    /* Done: the same board later starts nothing. */
    assert_int_equal(at(&m, &sc, "X...O...X", NULL, 9000), -1);
    assert_int_equal(sc.board.appear_cell, BOARD_NO_CELL);
}

static void test_only_moves_move(void **state)
{
    (void)state;
    struct motion m;
    motion_init(&m);
    struct scene sc;
    at(&m, &sc, "X...O....", NULL, 1000);
    assert_int_equal(at(&m, &sc, "X..XO..O.", NULL, 1100), -1); /* two marks at once: a STATE */
    assert_int_equal(at(&m, &sc, ".........", NULL, 1200), -1); /* a new game */
    assert_int_equal(at(&m, &sc, "O........", NULL, 1300), MOTION_FRAME_MS); /* its first move */
    assert_int_equal(at(&m, &sc, "X........", NULL, 1310), -1); /* a mark replaced: not a move */
    assert_int_equal(sc.board.appear_cell, BOARD_NO_CELL);
    /* A hidden board forgets; shown again, it is first sight. */
    struct scene hidden;
    scene_reset(&hidden);
    assert_int_equal(motion_apply(&m, &hidden, 1400), -1);
    assert_int_equal(at(&m, &sc, "XX.......", NULL, 1500), -1);
    uint8_t line[3] = { 0, 1, 2 };
    motion_init(&m);
    assert_int_equal(at(&m, &sc, "XXXOO....", line, 1600), -1); /* a finished game, first sight */
    assert_int_equal(sc.board.line_drawn, SCENE_MOTION_DONE);
}

/* The winning move: its mark appears, then the line draws itself. */
static void test_winning_line(void **state)
{
    (void)state;
    struct motion m;
    motion_init(&m);
    struct scene sc;
    uint8_t line[3] = { 0, 4, 8 };
    at(&m, &sc, "XO..XO...", NULL, 1000);
    uint64_t t = 5000;
    assert_int_equal(at(&m, &sc, "XO..XO..X", line, t), MOTION_FRAME_MS);
    assert_int_equal(sc.board.appear_cell, 8);
    assert_int_equal(sc.board.line_drawn, 0);
    at(&m, &sc, "XO..XO..X", line, t + MOTION_APPEAR_MS);
    assert_int_equal(sc.board.appear, SCENE_MOTION_DONE);
    assert_int_equal(sc.board.line_drawn, 0); /* it starts now */
    assert_int_equal(at(&m, &sc, "XO..XO..X", line, t + MOTION_APPEAR_MS + MOTION_LINE_MS / 2),
                     MOTION_FRAME_MS);
    assert_true(sc.board.line_drawn > 0 && sc.board.line_drawn < SCENE_MOTION_DONE);
    assert_int_equal(at(&m, &sc, "XO..XO..X", line, t + MOTION_APPEAR_MS + MOTION_LINE_MS), -1);
    assert_int_equal(sc.board.line_drawn, SCENE_MOTION_DONE);
    assert_int_equal(at(&m, &sc, "XO..XO..X", line, t + 10000), -1);

    /* A line that comes without a move (the same board): drawn from now. */
    motion_init(&m);
    at(&m, &sc, "XO..XO..X", NULL, 1000);
    assert_int_equal(at(&m, &sc, "XO..XO..X", line, 2000), MOTION_FRAME_MS);
    assert_int_equal(sc.board.line_drawn, 0);
    at(&m, &sc, "XO..XO..X", line, 2000 + MOTION_LINE_MS / 4);
    assert_true(sc.board.line_drawn > 0);
    /* The next game clears it. */
    assert_int_equal(at(&m, &sc, ".........", NULL, 2100), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_move_appears),
        cmocka_unit_test(test_only_moves_move),
        cmocka_unit_test(test_winning_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
