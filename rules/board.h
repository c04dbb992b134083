/* SPDX-License-Identifier: MIT */
/* board.h: the rules of tic-tac-toe as pure functions over a small value type.
 *
 * Shared by the server (the authority), the bot and the client. No I/O, no
 * allocation, no globals but a constant table. A struct board is copied by
 * value; every function that takes a `const struct board *` leaves it alone.
 */
#ifndef TTT_BOARD_H
#define TTT_BOARD_H

#include <stdint.h>

#define BOARD_CELLS 9
#define BOARD_NO_CELL 0xFF

/* Marks, numerically equal to the protocol's (0 empty, 1 X, 2 O). */
enum board_mark { BOARD_EMPTY = 0, BOARD_X = 1, BOARD_O = 2 };

/* A position. ply = number of marks on the board; X moves when ply is even. */
struct board {
    uint8_t cells[BOARD_CELLS]; /* row by row from the top left */
    uint8_t ply;
};

/* What a position means. When over, winner is BOARD_X/BOARD_O (line holds the
 * winning cells ascending) or BOARD_EMPTY for a draw (line all BOARD_NO_CELL). */
struct board_result {
    uint8_t over;     /* 1 when the game has ended (a line, or a full board) */
    uint8_t winner;   /* enum board_mark */
    uint8_t line[3];
};

/* Why board_apply() refused a move. */
enum board_status {
    BOARD_OK = 0,
    BOARD_E_OVER = -1,     /* the game has already ended */
    BOARD_E_RANGE = -2,    /* cell > 8 */
    BOARD_E_TAKEN = -3     /* the cell is not empty */
};

/* The empty board, X to move. */
struct board board_new(void);

/* Whose move it is: BOARD_X or BOARD_O, or BOARD_EMPTY once the game is over. */
uint8_t board_to_move(const struct board *b);

/* Put the mover's mark on `cell`. On BOARD_OK *out is the new position (out
 * may alias in); on an error *out is untouched. */
int board_apply(const struct board *in, unsigned cell, struct board *out);

/* Result of a position. Where one move completes two lines, `line` is the
 * first of: rows top to bottom, columns left to right, 0-4-8, 2-4-6. */
struct board_result board_result(const struct board *b);

/* Build a board from 9 cell values (e.g. from a STATE message). Returns
 * BOARD_OK if every value is 0..2 and the counts are possible (X count equals
 * O count or one more), else BOARD_E_RANGE. ply is set to the mark count. */
int board_from_cells(struct board *out, const uint8_t cells[BOARD_CELLS]);

/* Bit i set when cell i is free and the game is not over. */
uint16_t board_free_mask(const struct board *b);

/* The perfect player's choices: bit i set for every move that is optimal for
 * the side to move (never loses; wins whenever the opponent's mistakes allow;
 * among wins the quickest, among draws/losses the longest). 0 when the game is
 * over. Table lookup: constant time, well under a microsecond. */
uint16_t board_best_moves(const struct board *b);

/* Base-3 index of the position (cells[0] least significant), 0..19682. */
uint16_t board_index(const struct board *b);

#endif
