/* SPDX-License-Identifier: MIT */
/* perfect_table.h: the perfect player's table, generated at build time by
 * gen_perfect.c into perfect_table.c. Private to rules/. */
#ifndef TTT_PERFECT_TABLE_H
#define TTT_PERFECT_TABLE_H

#include <stdint.h>

#define BOARD_POSITIONS 19683 /* 3^9 */

/* For each position index (board_index), the bitmask of optimal moves for
 * the side to move; 0 for finished or impossible positions. */
extern const uint16_t board_best_table[BOARD_POSITIONS];

#endif
