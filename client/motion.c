/* SPDX-License-Identifier: MIT */
/* motion.c: the board's motion worked out from successive scenes (see
 * motion.h): a move's mark appearing, the winning line drawing itself. */
#include "motion.h"

#include <string.h>

void motion_init(struct motion *m)
{
    memset(m, 0, sizeof *m);
    m->appear_cell = BOARD_NO_CELL;
    memset(m->line, BOARD_NO_CELL, sizeof m->line);
}

static int has_line(const uint8_t line[3])
{
    return line[0] < BOARD_CELLS;
}

/* Progress of a motion started at start_ms that lasts dur_ms, at now_ms,
 * eased: quick at first, settling at the end (1 - (1 - t)^3). */
static uint16_t eased(uint64_t start_ms, uint64_t now_ms, unsigned dur_ms)
{
    if (now_ms <= start_ms)
        return 0;
    if (now_ms - start_ms >= dur_ms)
        return SCENE_MOTION_DONE;
    float left = 1.0f - (float)(now_ms - start_ms) / (float)dur_ms;
    return (uint16_t)((1.0f - left * left * left) * (float)SCENE_MOTION_DONE);
}

/* Compare board b with the one seen last and start what a move changed. */
static void note_board(struct motion *m, const struct scene_board *b, uint64_t now_ms)
{
    int changed = 0;
    uint8_t added = BOARD_NO_CELL;
    for (unsigned c = 0; c < BOARD_CELLS; c++) {
        if (m->cells[c] == b->cells[c])
            continue;
        changed++;
        added = m->cells[c] == BOARD_EMPTY && b->cells[c] != BOARD_EMPTY ? (uint8_t)c : BOARD_NO_CELL;
    }
    int move = m->shown && changed == 1 && added != BOARD_NO_CELL;
    if (move) {
        m->appear_cell = added;
        m->appear_ms = now_ms;
    } else if (changed > 0 || !m->shown) {
        m->appear_cell = BOARD_NO_CELL; /* not a move: nothing to animate */
        m->line_on = 0;
    }
    if (!has_line(b->line)) {
        m->line_on = 0;
    } else if (memcmp(m->line, b->line, sizeof m->line) != 0 && m->shown && (move || changed == 0)) {
        m->line_on = 1; /* after the mark that made it has appeared */
        m->line_ms = m->appear_cell != BOARD_NO_CELL ? m->appear_ms + MOTION_APPEAR_MS : now_ms;
    }
    memcpy(m->cells, b->cells, sizeof m->cells);
    memcpy(m->line, b->line, sizeof m->line);
    m->shown = 1;
}

int motion_apply(struct motion *m, struct scene *sc, uint64_t now_ms)
{
    struct scene_board *b = &sc->board;
    if (!b->shown) {
        motion_init(m);
        return -1;
    }
    note_board(m, b, now_ms);
    int moving = 0;
    if (m->appear_cell != BOARD_NO_CELL) {
        b->appear_cell = m->appear_cell;
        b->appear = eased(m->appear_ms, now_ms, MOTION_APPEAR_MS);
        if (b->appear >= SCENE_MOTION_DONE)
            m->appear_cell = BOARD_NO_CELL;
        else
            moving = 1;
    }
    if (m->line_on) {
        b->line_drawn = eased(m->line_ms, now_ms, MOTION_LINE_MS);
        if (b->line_drawn >= SCENE_MOTION_DONE)
            m->line_on = 0;
        else
            moving = 1;
    }
    return moving ? MOTION_FRAME_MS : -1;
}
