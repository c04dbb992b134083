/* SPDX-License-Identifier: MIT */
/* perfect.c: the perfect player, a lookup in the table that gen_perfect
 * computed at build time (perfect_table.c in the build directory). */
#include "board.h"

#include "perfect_table.h"

uint16_t board_best_moves(const struct board *b)
{
    unsigned idx = 0;
    for (unsigned c = BOARD_CELLS; c-- > 0;) {
        if (b->cells[c] > BOARD_O)
            return 0; /* not a position: no advice */
        idx = idx * 3 + b->cells[c];
    }
    return board_best_table[idx];
}
