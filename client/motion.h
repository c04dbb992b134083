/* SPDX-License-Identifier: MIT */
/* motion.h: what moves on the board, worked out from the scenes themselves
 * -- no SDL, no app state. The main loop passes every scene it is about to
 * draw through motion_apply(), which compares the board with the last one it
 * saw:
 *
 * - one empty cell that now holds a mark (a move) makes that mark appear
 *   over MOTION_APPEAR_MS (board.appear_cell and board.appear);
 * - a winning line that was not there draws itself over MOTION_LINE_MS
 *   (board.line_drawn), starting when the mark that made it has appeared.
 *
 * Anything else -- a new game, a board replaced whole (a STATE after a
 * reconnect), the board hidden -- starts nothing and stops what ran: only
 * a move is animated. Progress is eased (fast, then settling) and written
 * into the scene as 0..SCENE_MOTION_DONE; motion_apply returns how soon the
 * next frame is due while something moves, so the loop asks for frames only
 * then and sleeps otherwise.
 */
#ifndef TTT_MOTION_H
#define TTT_MOTION_H

#include <stdint.h>

#include "board.h"
#include "scene.h"

#define MOTION_APPEAR_MS 120
#define MOTION_LINE_MS 320
#define MOTION_FRAME_MS 16      /* about 60 frames a second while something moves */

struct motion {
    uint8_t shown;              /* a board was in the last scene */
    uint8_t cells[BOARD_CELLS]; /* its cells */
    uint8_t line[3];            /* its winning line (BOARD_NO_CELL: none) */
    uint8_t appear_cell;        /* the mark appearing, BOARD_NO_CELL when none */
    uint64_t appear_ms;         /* when it started */
    uint8_t line_on;            /* the winning line is drawing itself */
    uint64_t line_ms;           /* when it starts */
};

/* Nothing seen, nothing moving. */
void motion_init(struct motion *m);

/* Note sc's board as of now_ms, start what it changed, and fill sc's board
 * progress (appear_cell, appear, line_drawn). Returns the milliseconds until
 * the next frame should be drawn while something moves (0..MOTION_FRAME_MS,
 * or the wait until the line starts), or -1 when nothing does. */
int motion_apply(struct motion *m, struct scene *sc, uint64_t now_ms);

#endif
