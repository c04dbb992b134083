/* SPDX-License-Identifier: MIT */
/* rows.h: a live list shown as rows that do not move under the mouse -- the
 * games to watch, the servers on the network. Each refresh is merged into
 * the rows shown: an item still there is updated where it is, a new one is
 * added at the end, and one that went away stays in its row, marked gone,
 * while the pointer is over the list (the caller's `hold`): a click then
 * lands on the row it aimed at, never on a neighbour that moved up. Without
 * the pointer there, gone rows are dropped and the rows after them move up.
 *
 * The items are the caller's (any struct, `size` bytes, known by a 32-bit
 * key); rows.c only moves them. No allocation, no SDL.
 */
#ifndef TTT_ROWS_H
#define TTT_ROWS_H

#include <stddef.h>
#include <stdint.h>

#define ROWS_MAX 32

struct rows {
    uint8_t count;              /* rows shown, gone ones included */
    uint8_t gone[ROWS_MAX];     /* 1: the item of this row went away */
};

/* An item's key (a game id, a server's serial). */
typedef uint32_t rows_key_fn(const void *item);

/* Empty the rows. */
void rows_clear(struct rows *r);

/* Merge the n fresh items (`size` bytes each) into the `shown` items of r
 * (room for `cap` <= ROWS_MAX of them), as said above. A new item that
 * finds no room (held gone rows fill it) waits for a later merge. Returns 1
 * when the rows changed (an item added, gone or dropped, or its bytes
 * differ), else 0. */
int rows_merge(struct rows *r, void *shown, size_t cap, const void *fresh, size_t n, size_t size,
               rows_key_fn *key, int hold);

/* Drop the gone rows (the pointer left the list); 1 when there were any. */
int rows_drop_gone(struct rows *r, void *shown, size_t size);

#endif
