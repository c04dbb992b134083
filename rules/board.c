/* SPDX-License-Identifier: MIT */
/* board.c: the rules of tic-tac-toe (moves, results, positions) as pure
 * functions over struct board. The perfect player lives in perfect.c. */
#include "board.h"

#include <string.h>

/* The eight lines in the order the protocol names them when one move
 * completes two: rows top to bottom, columns left to right, 0-4-8, 2-4-6. */
static const uint8_t lines[8][3] = {
    {0, 1, 2}, {3, 4, 5}, {6, 7, 8},
    {0, 3, 6}, {1, 4, 7}, {2, 5, 8},
    {0, 4, 8}, {2, 4, 6},
};

struct board board_new(void)
{
    struct board b;
    memset(&b, 0, sizeof b);
    return b;
}

struct board_result board_result(const struct board *b)
{
    struct board_result r = {0, BOARD_EMPTY, {BOARD_NO_CELL, BOARD_NO_CELL, BOARD_NO_CELL}};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        uint8_t m = b->cells[lines[i][0]];
        if (m != BOARD_EMPTY && m == b->cells[lines[i][1]] && m == b->cells[lines[i][2]]) {
            r.over = 1;
            r.winner = m;
            memcpy(r.line, lines[i], sizeof r.line);
            return r;
        }
    }
    for (unsigned c = 0; c < BOARD_CELLS; c++)
        if (b->cells[c] == BOARD_EMPTY)
            return r;
    r.over = 1;
    return r;
}

uint8_t board_to_move(const struct board *b)
{
    if (board_result(b).over)
        return BOARD_EMPTY;
    return (b->ply % 2 == 0) ? BOARD_X : BOARD_O;
}

int board_apply(const struct board *in, unsigned cell, struct board *out)
{
    uint8_t mover = board_to_move(in);
    if (mover == BOARD_EMPTY)
        return BOARD_E_OVER;
    if (cell >= BOARD_CELLS)
        return BOARD_E_RANGE;
    if (in->cells[cell] != BOARD_EMPTY)
        return BOARD_E_TAKEN;
    struct board next = *in;
    next.cells[cell] = mover;
    next.ply++;
    *out = next;
    return BOARD_OK;
}

int board_from_cells(struct board *out, const uint8_t cells[BOARD_CELLS])
{
    unsigned x = 0, o = 0;
    for (unsigned c = 0; c < BOARD_CELLS; c++) {
        if (cells[c] == BOARD_X)
            x++;
        else if (cells[c] == BOARD_O)
            o++;
        else if (cells[c] != BOARD_EMPTY)
            return BOARD_E_RANGE;
    }
    if (x != o && x != o + 1)
        return BOARD_E_RANGE;
    memcpy(out->cells, cells, BOARD_CELLS);
    out->ply = (uint8_t)(x + o);
    return BOARD_OK;
}

uint16_t board_free_mask(const struct board *b)
{
    if (board_result(b).over)
        return 0;
    uint16_t mask = 0;
    for (unsigned c = 0; c < BOARD_CELLS; c++)
        if (b->cells[c] == BOARD_EMPTY)
            mask = (uint16_t)(mask | (1u << c));
    return mask;
}

uint16_t board_index(const struct board *b)
{
    unsigned idx = 0;
    for (unsigned c = BOARD_CELLS; c-- > 0;)
        idx = idx * 3 + b->cells[c];
    return (uint16_t)idx;
}
