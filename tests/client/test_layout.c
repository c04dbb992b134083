/* SPDX-License-Identifier: MIT */
/* test_layout.c: the client's window geometry with no window: pixel to cell
 * and back at many window sizes, gaps and outside, the board square and
 * centred (in a wide window: on the left, larger, the names and buttons in a
 * panel beside it), buttons clear of the board, list rows following the
 * focus, the dialog taking the clicks, the banner over the board, the error
 * line kept under the fields, text never under the minimum size, and every
 * rect inside the window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "layout.h"
#include "scene.h"

static const int sizes[][2] = {
    { 640, 480 }, { 480, 800 }, { 1920, 1080 }, { 3840, 2160 }, { 200, 150 },
    { 800, 600 }, { 1, 1 }, { 120, 900 }, { 900, 120 }, { 333, 777 },
};
#define NSIZES (sizeof sizes / sizeof sizes[0])

static void add_button(struct scene *sc, int id, const char *label, uint8_t group)
{
    struct scene_button *b = &sc->buttons[sc->button_count++];
    b->id = id;
    snprintf(b->label, sizeof b->label, "%s", label);
    b->group = group;
    b->enabled = 1;
}

/* A playing screen: header, clock, board, two buttons, a notice. */
static void playing_scene(struct scene *sc)
{
    scene_reset(sc);
    sc->screen = APP_SCREEN_PLAYING;
    snprintf(sc->status, sizeof sc->status, "Your turn");
    snprintf(sc->detail, sizeof sc->detail, "Click a cell or press 1-9");
    snprintf(sc->players[0].name, sizeof sc->players[0].name, "alice");
    sc->players[0].mark = BOARD_X;
    sc->players[0].you = 1;
    snprintf(sc->players[1].name, sizeof sc->players[1].name, "bob");
    sc->players[1].mark = BOARD_O;
    sc->clock.shown = 1;
    sc->clock.total_ms = 30000;
    sc->clock.ms_left = 12000;
    snprintf(sc->clock.text, sizeof sc->clock.text, "0:12");
    sc->board.shown = 1;
    sc->board.clickable = 1;
    add_button(sc, APP_BTN_RESIGN, "Resign", SCENE_GROUP_MAIN);
    add_button(sc, APP_BTN_LEAVE, "Leave", SCENE_GROUP_MAIN);
}

/* The leave confirmation over the scene. */
static void add_leave_dialog(struct scene *sc)
{
    sc->dialog_shown = 1;
    snprintf(sc->dialog_text, sizeof sc->dialog_text, "Leave the game? It counts as a loss.");
    add_button(sc, APP_BTN_LEAVE_CONFIRM, "Leave", SCENE_GROUP_DIALOG);
    add_button(sc, APP_BTN_STAY, "Stay", SCENE_GROUP_DIALOG);
}

static int overlap(struct layout_rect a, struct layout_rect b)
{
    return a.w > 0 && a.h > 0 && b.w > 0 && b.h > 0 && a.x < b.x + b.w && b.x < a.x + a.w &&
           a.y < b.y + b.h && b.y < a.y + a.h;
}

static void assert_inside(struct layout_rect r, int w, int h)
{
    if (r.w == 0 || r.h == 0)
        return;
    assert_true(r.x >= 0 && r.y >= 0);
    assert_true(r.x + r.w <= w && r.y + r.h <= h);
}

static void test_cells_round_trip(void **state)
{
    (void)state;
    struct scene sc;
    playing_scene(&sc);
    for (size_t s = 0; s < NSIZES; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        struct layout l;
        layout_compute(&l, w, h, &sc);
        if (w < 50 || h < 50)
            continue; /* checked for sanity only, in test_every_rect_inside */
        if (l.board.w == 0) {
            /* Only far under the client's 320x400 minimum: readable text
             * leaves no room for a board there. */
            assert_true(w < 200 || h < 200);
            continue;
        }
        /* Square, centred horizontally, a fair share of the window (in a
         * window far lower than the client's 400 px minimum the header lines,
         * kept whether or not they have text, take more than half). */
        assert_int_equal(l.board.w, l.board.h);
        int m = w < h ? w : h;
        if (l.board.w * 100 < m * 50)
            fail_msg("%dx%d: board %d", w, h, l.board.w);
        int left = l.board.x, right = w - (l.board.x + l.board.w);
        if (l.side) /* the panel on the right */
            assert_true(right > left);
        else
            assert_true(left - right <= 1 && right - left <= 1);
        assert_true(l.gap >= 2);
        assert_int_equal(l.board.w, 3 * l.cell + 2 * l.gap);

        for (unsigned c = 0; c < BOARD_CELLS; c++) {
            struct layout_rect r = layout_cell_rect(&l, c);
            assert_int_equal(r.w, l.cell);
            assert_int_equal(r.h, l.cell);
            /* Centre and all four corners map to the cell. */
            assert_int_equal(layout_cell_at(&l, r.x + r.w / 2, r.y + r.h / 2), c);
            assert_int_equal(layout_cell_at(&l, r.x, r.y), c);
            assert_int_equal(layout_cell_at(&l, r.x + r.w - 1, r.y), c);
            assert_int_equal(layout_cell_at(&l, r.x, r.y + r.h - 1), c);
            assert_int_equal(layout_cell_at(&l, r.x + r.w - 1, r.y + r.h - 1), c);
            /* Just past the right and bottom edges: a gap or outside. */
            assert_int_equal(layout_cell_at(&l, r.x + r.w, r.y + r.h / 2), BOARD_NO_CELL);
            assert_int_equal(layout_cell_at(&l, r.x + r.w / 2, r.y + r.h), BOARD_NO_CELL);
            assert_int_equal(layout_cell_at(&l, r.x - 1, r.y + r.h / 2), BOARD_NO_CELL);
            assert_int_equal(layout_cell_at(&l, r.x + r.w / 2, r.y - 1), BOARD_NO_CELL);
            assert_inside(r, w, h);
        }
        /* Cells sit row by row, left to right. */
        assert_true(l.cells[1].x > l.cells[0].x && l.cells[3].y > l.cells[0].y);
        assert_int_equal(l.cells[4].x, l.cells[1].x);
        /* Every pixel of the gap between columns 0 and 1 maps to none. */
        for (int g = 0; g < l.gap; g++)
            assert_int_equal(layout_cell_at(&l, l.cells[0].x + l.cell + g, l.cells[0].y + 3), BOARD_NO_CELL);
        /* Outside the board. */
        assert_int_equal(layout_cell_at(&l, 0, 0), BOARD_NO_CELL);
        assert_int_equal(layout_cell_at(&l, w - 1, h - 1), BOARD_NO_CELL);
        assert_int_equal(layout_cell_at(&l, -5, l.board.y + 5), BOARD_NO_CELL);
        assert_int_equal(layout_cell_at(&l, l.board.x + 5, l.board.y + l.board.w), BOARD_NO_CELL);
        /* Every pixel of the board maps to a cell or to none, consistently. */
        unsigned counted[BOARD_CELLS] = { 0 };
        for (int y = l.board.y; y < l.board.y + l.board.h; y += 1 + l.board.h / 97)
            for (int x = l.board.x; x < l.board.x + l.board.w; x += 1 + l.board.w / 89) {
                unsigned c = layout_cell_at(&l, x, y);
                if (c == BOARD_NO_CELL)
                    continue;
                assert_true(c < BOARD_CELLS);
                assert_true(layout_rect_has(l.cells[c], x, y));
                counted[c]++;
            }
        for (unsigned c = 0; c < BOARD_CELLS; c++)
            assert_true(counted[c] > 0);
    }
}

static void test_board_between_header_and_buttons(void **state)
{
    (void)state;
    struct scene sc;
    playing_scene(&sc);
    snprintf(sc.notice, sizeof sc.notice, "bob wants a rematch");
    for (size_t s = 0; s < NSIZES; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        struct layout l;
        layout_compute(&l, w, h, &sc);
        if (w < 50 || h < 50 || l.board.w == 0)
            continue; /* no board only far under the client's minimum: test_cells_round_trip */
        int board_right = l.board.x + l.board.w;
        for (int i = 0; i < l.button_count; i++) {
            assert_true(l.buttons[i].w > 0);
            if (overlap(l.buttons[i], l.board))
                fail_msg("%dx%d: button %d over the board", w, h, i);
            if (l.side)
                assert_true(l.buttons[i].x >= board_right);
            else
                assert_true(l.buttons[i].y >= l.board.y + l.board.h);
            for (int j = 0; j < i; j++)
                assert_false(overlap(l.buttons[i], l.buttons[j]));
        }
        assert_false(overlap(l.status, l.board));
        assert_false(overlap(l.players[0], l.board));
        assert_false(overlap(l.players[1], l.board));
        assert_false(overlap(l.players[0], l.players[1]));
        assert_false(overlap(l.notice, l.board));
        if (l.side) {
            /* Beside the board: title, names, status, detail, notice, buttons. */
            struct layout_rect panel[] = { l.title, l.players[0], l.players[1], l.clock, l.status,
                                           l.detail, l.notice };
            for (size_t i = 0; i < sizeof panel / sizeof panel[0]; i++)
                assert_true(panel[i].w == 0 || panel[i].x >= board_right);
            assert_true(l.players[1].y >= l.players[0].y + l.players[0].h);
            assert_true(l.status.y >= l.players[1].y + l.players[1].h);
            assert_true(l.notice.y >= l.detail.y + l.detail.h);
            continue;
        }
        assert_true(l.status.y + l.status.h <= l.board.y);
        /* Vertically centred in the space it has: equal room above/below
         * within the line under it. */
        assert_true(l.board.y >= l.detail.y + l.detail.h);
        assert_true(l.board.y + l.board.h <= l.notice.y);
    }
}

static int same_rect(struct layout_rect a, struct layout_rect b)
{
    return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
}

/* The board keeps its place and size through a game: whatever header lines,
 * notice, error, toast or buttons a screen with the board shows -- your turn,
 * the opponent's, a move being sent, the opponent away, game over (with a
 * rematch offer, or the server gone), watching. */
static void test_board_stays_put(void **state)
{
    (void)state;
    struct scene sc[9];
    playing_scene(&sc[0]); /* your turn: the hint line, no title */
    snprintf(sc[0].title, sizeof sc[0].title, "Game #12");
    sc[1] = sc[0]; /* the opponent's turn: no hint, a toast */
    sc[1].detail[0] = '\0';
    sc[1].board.clickable = 0;
    snprintf(sc[1].toast, sizeof sc[1].toast, "Not your turn: waiting for bob");
    sc[2] = sc[1]; /* the opponent away, no title */
    sc[2].title[0] = '\0';
    snprintf(sc[2].notice, sizeof sc[2].notice, "bob lost the connection: 15 s to come back");
    sc[3] = sc[0]; /* game over: no clock, three buttons, a notice */
    snprintf(sc[3].title, sizeof sc[3].title, "Game over");
    snprintf(sc[3].status, sizeof sc[3].status, "You won");
    snprintf(sc[3].detail, sizeof sc[3].detail, "three in a row");
    memset(&sc[3].clock, 0, sizeof sc[3].clock);
    sc[3].board.clickable = 0;
    sc[3].board.line[0] = 0, sc[3].board.line[1] = 4, sc[3].board.line[2] = 8;
    sc[3].button_count = 0;
    add_button(&sc[3], APP_BTN_REMATCH, "Accept rematch", SCENE_GROUP_MAIN);
    add_button(&sc[3], APP_BTN_NEW_OPPONENT, "New opponent", SCENE_GROUP_MAIN);
    add_button(&sc[3], APP_BTN_LOBBY, "Lobby", SCENE_GROUP_MAIN);
    snprintf(sc[3].notice, sizeof sc[3].notice, "bob wants a rematch: press R to accept");
    sc[4] = sc[3]; /* game over, then the server went away: an error, no notice */
    sc[4].notice[0] = '\0';
    snprintf(sc[4].error, sizeof sc[4].error, "The server is shutting down");
    sc[5] = sc[0]; /* watching: a title, no "(you)", one button */
    snprintf(sc[5].title, sizeof sc[5].title, "Watching game #12");
    snprintf(sc[5].status, sizeof sc[5].status, "alice to move");
    snprintf(sc[5].detail, sizeof sc[5].detail, "Esc goes back to the lobby");
    sc[5].players[0].you = 0;
    sc[5].board.clickable = 0;
    sc[5].button_count = 0;
    add_button(&sc[5], APP_BTN_LEAVE, "Back to the lobby", SCENE_GROUP_MAIN);
    sc[6] = sc[5]; /* the watched game is over */
    snprintf(sc[6].title, sizeof sc[6].title, "Game over");
    snprintf(sc[6].status, sizeof sc[6].status, "alice won");
    snprintf(sc[6].detail, sizeof sc[6].detail, "bob ran out of time");
    memset(&sc[6].clock, 0, sizeof sc[6].clock);
    sc[6].button_count = 0;
    add_button(&sc[6], APP_BTN_WATCH, "Watch another game", SCENE_GROUP_MAIN);
    add_button(&sc[6], APP_BTN_LOBBY, "Lobby", SCENE_GROUP_MAIN);
    sc[7] = sc[0]; /* the leave dialog over your turn */
    add_leave_dialog(&sc[7]);
    sc[8] = sc[0]; /* the same as the app shows it: the dialog's buttons in place of the row */
    sc[8].button_count = 0;
    add_leave_dialog(&sc[8]);
    for (size_t s = 0; s < NSIZES; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        struct layout first;
        layout_compute(&first, w, h, &sc[0]);
        for (size_t k = 1; k < sizeof sc / sizeof sc[0]; k++) {
            struct layout l;
            layout_compute(&l, w, h, &sc[k]);
            if (k == 8 && first.board.w == 0)
                continue; /* too small for the board beside the row's buttons: only without them */
            if (!same_rect(l.board, first.board))
                fail_msg("%dx%d: scene %zu puts the board at %d,%d size %d; scene 0 at %d,%d size %d",
                         w, h, k, l.board.x, l.board.y, l.board.w, first.board.x, first.board.y,
                         first.board.w);
            assert_int_equal(l.cell, first.cell);
            /* The error and the toast sit above the buttons, clear of the board. */
            assert_false(overlap(l.error, l.board));
            assert_false(overlap(l.toast, l.board));
        }
    }
}

/* A toast is never drawn over a button or a field: under a board, under a
 * live list (the "Watch a game" screen's Refresh and Back), on the menus. */
static void test_toast_clear_of_buttons(void **state)
{
    (void)state;
    struct scene sc[5];
    playing_scene(&sc[0]);
    scene_reset(&sc[1]); /* the live list after "That game is over or does not exist" */
    snprintf(sc[1].title, sizeof sc[1].title, "Watch a game");
    snprintf(sc[1].list_empty, sizeof sc[1].list_empty, "No games being played right now");
    add_button(&sc[1], APP_BTN_REFRESH, "Refresh", SCENE_GROUP_MAIN);
    add_button(&sc[1], APP_BTN_BACK, "Back", SCENE_GROUP_MAIN);
    sc[2] = sc[1]; /* the same with more rows than fit */
    sc[2].list_empty[0] = '\0';
    sc[2].button_count = 0;
    for (int i = 0; i < 32; i++)
        add_button(&sc[2], APP_BTN_GAME_BASE + i, "#12  alice vs bob, 3 moves played", SCENE_GROUP_LIST);
    add_button(&sc[2], APP_BTN_REFRESH, "Refresh", SCENE_GROUP_MAIN);
    add_button(&sc[2], APP_BTN_BACK, "Back", SCENE_GROUP_MAIN);
    scene_reset(&sc[3]); /* the lobby menu: a column of six */
    snprintf(sc[3].title, sizeof sc[3].title, "Lobby");
    snprintf(sc[3].status, sizeof sc[3].status, "Hello, alice");
    snprintf(sc[3].detail, sizeof sc[3].detail, "On example.org: quick match pairs you with the next player");
    static const char *menu[] = { "Quick match", "Create a room", "Join a room by code", "Watch a game",
                                  "Change server", "Quit" };
    for (int i = 0; i < 6; i++)
        add_button(&sc[3], APP_BTN_QUICK_MATCH + i, menu[i], SCENE_GROUP_MAIN);
    scene_reset(&sc[4]); /* the connect screen: two fields, two buttons, an error */
    snprintf(sc[4].title, sizeof sc[4].title, "Tic-tac-toe");
    snprintf(sc[4].status, sizeof sc[4].status, "Connect to a server");
    snprintf(sc[4].error, sizeof sc[4].error, "Connection refused");
    sc[4].field_count = 2;
    sc[4].fields[0].id = APP_BTN_FIELD_ADDR;
    sc[4].fields[1].id = APP_BTN_FIELD_NAME;
    add_button(&sc[4], APP_BTN_CONNECT, "Connect", SCENE_GROUP_MAIN);
    add_button(&sc[4], APP_BTN_QUIT, "Quit", SCENE_GROUP_MAIN);
    for (size_t k = 0; k < sizeof sc / sizeof sc[0]; k++) {
        snprintf(sc[k].toast, sizeof sc[k].toast, "That game is over or does not exist");
        for (size_t s = 0; s < NSIZES; s++) {
            int w = sizes[s][0], h = sizes[s][1];
            if (w < 320 || h < 400)
                continue; /* smaller than the client's window can be */
            struct layout l;
            layout_compute(&l, w, h, &sc[k]);
            assert_true(l.toast.w > 0 && l.toast.h > 0);
            for (int i = 0; i < l.button_count; i++)
                if (overlap(l.toast, l.buttons[i]))
                    fail_msg("%dx%d, scene %zu: the toast covers button %d (%s)", w, h, k, i,
                             sc[k].buttons[i].label);
            for (int i = 0; i < l.field_count; i++)
                assert_false(overlap(l.toast, l.fields[i]));
            assert_false(overlap(l.toast, l.board));
            assert_false(overlap(l.toast, l.list_empty));
        }
    }
}

static void test_every_rect_inside(void **state)
{
    (void)state;
    struct scene sc;
    playing_scene(&sc);
    snprintf(sc.title, sizeof sc.title, "Tic-tac-toe");
    snprintf(sc.toast, sizeof sc.toast, "Not your turn");
    snprintf(sc.error, sizeof sc.error, "connection refused");
    snprintf(sc.series, sizeof sc.series, "alice 2 - 1 bob");
    snprintf(sc.banner, sizeof sc.banner, "Reconnecting\u2026 16 s");
    sc.countdown_total_ms = 20000;
    add_leave_dialog(&sc);
    for (int w = 1; w < 1300; w += 97)
        for (int h = 1; h < 1300; h += 89) {
            struct layout l;
            layout_compute(&l, w, h, &sc);
            struct layout_rect all[] = { l.title, l.status, l.detail, l.error, l.players[0], l.players[1],
                                         l.clock, l.clock_bar, l.series, l.board, l.notice, l.toast,
                                         l.banner, l.countdown, l.dialog, l.dialog_text };
            for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
                assert_inside(all[i], w, h);
            for (int i = 0; i < l.button_count; i++)
                assert_inside(l.buttons[i], w, h);
            for (int c = 0; c < BOARD_CELLS; c++)
                assert_inside(l.cells[c], w, h);
            assert_true(l.text_px >= LAYOUT_MIN_TEXT_PX && l.text_px <= 72);
            assert_true(l.small_px >= LAYOUT_MIN_PX);
        }
    /* Nonsense sizes are taken as 1x1. */
    struct layout l;
    layout_compute(&l, -3, 0, &sc);
    assert_int_equal(l.w, 1);
    assert_int_equal(l.h, 1);
}

static void test_text_grows_with_window(void **state)
{
    (void)state;
    struct scene sc;
    playing_scene(&sc);
    struct layout small, big;
    layout_compute(&small, 640, 480, &sc);
    layout_compute(&big, 3840, 2160, &sc);
    assert_true(big.text_px > small.text_px);
    assert_true(big.board.w > 3 * small.board.w);
}

static void test_buttons_hit(void **state)
{
    (void)state;
    struct scene sc;
    playing_scene(&sc);
    sc.buttons[1].enabled = 0;
    struct layout l;
    layout_compute(&l, 800, 600, &sc);
    struct layout_rect r = l.buttons[0];
    assert_int_equal(layout_button_at(&l, r.x + r.w / 2, r.y + r.h / 2), APP_BTN_RESIGN);
    assert_int_equal(layout_button_at(&l, r.x, r.y), APP_BTN_RESIGN);
    assert_int_equal(layout_button_at(&l, r.x - 1, r.y + r.h / 2), 0);
    /* A disabled button is not a target. */
    r = l.buttons[1];
    assert_int_equal(layout_button_at(&l, r.x + r.w / 2, r.y + r.h / 2), 0);
    /* Nor is the board. */
    assert_int_equal(layout_button_at(&l, l.board.x + 5, l.board.y + 5), 0);

    /* With the dialog open only its buttons answer. */
    add_leave_dialog(&sc);
    layout_compute(&l, 800, 600, &sc);
    r = l.buttons[0];
    assert_int_equal(layout_button_at(&l, r.x + r.w / 2, r.y + r.h / 2), 0);
    for (int i = 2; i < 4; i++) {
        r = l.buttons[i];
        assert_true(layout_rect_has(l.dialog, r.x, r.y));
        assert_true(layout_rect_has(l.dialog, r.x + r.w - 1, r.y + r.h - 1));
        assert_int_equal(layout_button_at(&l, r.x + r.w / 2, r.y + r.h / 2), sc.buttons[i].id);
    }
    assert_false(overlap(l.buttons[2], l.buttons[3]));
}

static void test_menu_column_and_fields(void **state)
{
    (void)state;
    struct scene sc;
    scene_reset(&sc);
    sc.screen = APP_SCREEN_CONNECT;
    snprintf(sc.title, sizeof sc.title, "Tic-tac-toe");
    sc.field_count = 2;
    sc.fields[0].id = APP_BTN_FIELD_ADDR;
    snprintf(sc.fields[0].label, sizeof sc.fields[0].label, "Server address");
    sc.fields[1].id = APP_BTN_FIELD_NAME;
    snprintf(sc.fields[1].label, sizeof sc.fields[1].label, "Your name");
    add_button(&sc, APP_BTN_CONNECT, "Connect", SCENE_GROUP_MAIN);
    add_button(&sc, APP_BTN_QUIT, "Quit", SCENE_GROUP_MAIN);
    for (size_t s = 0; s < NSIZES; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        if (w < 300 || h < 300)
            continue;
        struct layout l;
        layout_compute(&l, w, h, &sc);
        assert_int_equal(l.board.w, 0);
        assert_int_equal(layout_cell_at(&l, w / 2, h / 2), BOARD_NO_CELL);
        assert_int_equal(l.field_count, 2);
        /* Fields above one another, then the buttons in a column. */
        assert_true(l.fields[1].y >= l.fields[0].y + l.fields[0].h);
        assert_true(l.buttons[0].y >= l.fields[1].y + l.fields[1].h);
        assert_true(l.buttons[1].y >= l.buttons[0].y + l.buttons[0].h);
        assert_int_equal(l.buttons[0].x, l.buttons[1].x);
        struct layout_rect f = l.fields[1];
        assert_int_equal(layout_button_at(&l, f.x + 3, f.y + 3), APP_BTN_FIELD_NAME);
        f = l.fields[0];
        assert_int_equal(layout_button_at(&l, f.x + f.w - 1, f.y + f.h - 1), APP_BTN_FIELD_ADDR);
        struct layout_rect b = l.buttons[1];
        assert_int_equal(layout_button_at(&l, b.x + b.w / 2, b.y + b.h / 2), APP_BTN_QUIT);
        for (int i = 0; i < 2; i++)
            assert_inside(l.buttons[i], w, h);
    }
}

static void test_big_code(void **state)
{
    (void)state;
    struct scene sc;
    scene_reset(&sc);
    snprintf(sc.status, sizeof sc.status, "Waiting for a friend");
    snprintf(sc.big, sizeof sc.big, "K7QX2M");
    snprintf(sc.big_caption, sizeof sc.big_caption, "Room code: tell it to your friend");
    add_button(&sc, APP_BTN_CANCEL, "Cancel", SCENE_GROUP_MAIN);
    struct layout l;
    layout_compute(&l, 800, 600, &sc);
    assert_true(l.big.h > 3 * l.text_px);
    assert_true(l.big_px >= 3 * l.text_px);
    assert_true(l.big_caption.y >= l.big.y + l.big.h);
    assert_true(l.buttons[0].y >= l.big_caption.y + l.big_caption.h);
    assert_int_equal(l.countdown.w, 0);
    sc.countdown_total_ms = 30000;
    sc.countdown_ms = 10000;
    layout_compute(&l, 800, 600, &sc);
    assert_true(l.countdown.w > 0 && l.countdown.h > 0);
}

static void test_list_follows_focus(void **state)
{
    (void)state;
    struct scene sc;
    scene_reset(&sc);
    snprintf(sc.title, sizeof sc.title, "Live games");
    for (int i = 0; i < 32; i++) {
        char label[32];
        snprintf(label, sizeof label, "game %d", i);
        add_button(&sc, APP_BTN_GAME_BASE + i, label, SCENE_GROUP_LIST);
    }
    add_button(&sc, APP_BTN_BACK, "Back", SCENE_GROUP_MAIN);
    add_button(&sc, APP_BTN_REFRESH, "Refresh", SCENE_GROUP_MAIN);
    struct layout l;
    layout_compute(&l, 640, 480, &sc);
    assert_true(l.buttons[0].w > 0);
    assert_int_equal(l.buttons[31].w, 0); /* 32 rows do not fit in 480 px */
    int shown = 0;
    for (int i = 0; i < 32; i++)
        shown += l.buttons[i].w > 0;
    assert_true(shown >= 3);
    /* No row overlaps another or the buttons. */
    for (int i = 0; i < 34; i++)
        for (int j = 0; j < i; j++)
            assert_false(overlap(l.buttons[i], l.buttons[j]));
    /* Focus the last row: it is shown, the first is not. */
    sc.buttons[31].focused = 1;
    layout_compute(&l, 640, 480, &sc);
    assert_true(l.buttons[31].w > 0);
    assert_int_equal(l.buttons[0].w, 0);
    struct layout_rect r = l.buttons[31];
    assert_int_equal(layout_button_at(&l, r.x + 2, r.y + 2), APP_BTN_GAME_BASE + 31);
    assert_int_equal(layout_button_at(&l, l.buttons[32].x + 2, l.buttons[32].y + 2), APP_BTN_BACK);

    /* No rows: the empty line is placed. */
    scene_reset(&sc);
    snprintf(sc.list_empty, sizeof sc.list_empty, "No games being played");
    add_button(&sc, APP_BTN_BACK, "Back", SCENE_GROUP_MAIN);
    layout_compute(&l, 640, 480, &sc);
    assert_true(l.list_empty.w > 0);
    assert_false(overlap(l.list_empty, l.buttons[0]));
}

/* A wide window puts the board on the left at nearly the window's height,
 * with the names one above the other, the clock and the buttons beside it; a
 * tall one keeps the stacked layout. */
static void test_wide_window(void **state)
{
    (void)state;
    struct scene sc;
    playing_scene(&sc);
    snprintf(sc.series, sizeof sc.series, "alice 2 - 1 bob");
    static const int wide[][2] = { { 1280, 720 }, { 1920, 1080 }, { 640, 480 }, { 800, 600 },
                                   { 480, 400 } };
    for (size_t s = 0; s < sizeof wide / sizeof wide[0]; s++) {
        int w = wide[s][0], h = wide[s][1];
        struct layout l, tall;
        layout_compute(&l, w, h, &sc);
        layout_compute(&tall, w, w * 9 / 8, &sc); /* as wide, taller */
        assert_true(l.side);
        assert_false(tall.side);
        /* As high as the window, unless the panel's minimum width limits
         * it: then the board and the panel take the whole width. */
        int full_width = l.board.x <= l.pad + 2 && l.players[0].x + l.players[0].w >= w - l.pad - 2;
        if (l.board.h * 100 < (h - 2 * l.pad) * 95 && !full_width)
            fail_msg("%dx%d: board %d high, window %d", w, h, l.board.h, h);
        int right = l.board.x + l.board.w;
        assert_true(l.players[0].x >= right && l.players[1].x >= right && l.clock.x >= right);
        assert_true(l.players[1].y >= l.players[0].y + l.players[0].h);
        assert_true(l.clock.y >= l.players[1].y + l.players[1].h);
        assert_true(l.clock_bar.x >= l.clock.x + l.clock.w && l.clock_bar.w > 0);
        assert_true(l.series.y >= l.clock.y + l.clock.h);
        assert_true(l.status.y >= l.series.y + l.series.h);
        assert_true(l.buttons[1].y >= l.buttons[0].y + l.buttons[0].h); /* a column */
        assert_int_equal(l.buttons[0].x, l.buttons[1].x);
        assert_true(l.buttons[0].w * 10 >= l.players[0].w * 9);
        /* The panel and the board, centred together. */
        int panel_right = l.players[0].x + l.players[0].w;
        assert_true(abs(l.board.x - (w - panel_right)) <= 1);
    }
}

/* Text is never smaller than the minimum, however small the window: at
 * 320x240 the hint line is still LAYOUT_MIN_PX high. */
static void test_text_minimum(void **state)
{
    (void)state;
    static const int small[][2] = { { 320, 240 }, { 320, 400 }, { 240, 320 }, { 200, 150 } };
    struct scene sc[2];
    playing_scene(&sc[0]);
    scene_reset(&sc[1]);
    snprintf(sc[1].title, sizeof sc[1].title, "Lobby");
    snprintf(sc[1].detail, sizeof sc[1].detail, "On example.org: quick match pairs you");
    add_button(&sc[1], APP_BTN_QUICK_MATCH, "Quick match", SCENE_GROUP_MAIN);
    for (size_t s = 0; s < sizeof small / sizeof small[0]; s++)
        for (int k = 0; k < 2; k++) {
            struct layout l;
            layout_compute(&l, small[s][0], small[s][1], &sc[k]);
            assert_true(l.text_px >= LAYOUT_MIN_TEXT_PX);
            assert_true(l.small_px >= LAYOUT_MIN_PX);
            assert_true(l.title_px >= l.text_px && l.status_px >= l.text_px);
            if (k == 0 && small[s][1] >= 240)
                assert_true(l.board.w > 0);
        }
}

/* The connect screen: the error line under the fields keeps its place, so
 * nothing moves when an error appears. */
static void test_error_under_fields(void **state)
{
    (void)state;
    struct scene sc[2];
    scene_reset(&sc[0]);
    snprintf(sc[0].title, sizeof sc[0].title, "Tic-tac-toe");
    snprintf(sc[0].status, sizeof sc[0].status, "Connect to a server");
    sc[0].field_count = 2;
    sc[0].fields[0].id = APP_BTN_FIELD_ADDR;
    sc[0].fields[1].id = APP_BTN_FIELD_NAME;
    add_button(&sc[0], APP_BTN_CONNECT, "Connect", SCENE_GROUP_MAIN);
    add_button(&sc[0], APP_BTN_QUIT, "Quit", SCENE_GROUP_MAIN);
    sc[1] = sc[0];
    snprintf(sc[1].error, sizeof sc[1].error, "Nothing is listening on localhost:7777.");
    for (size_t s = 0; s < NSIZES; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        if (w < 320 || h < 400)
            continue;
        struct layout a, b;
        layout_compute(&a, w, h, &sc[0]);
        layout_compute(&b, w, h, &sc[1]);
        assert_int_equal(a.error.w, 0);
        for (int i = 0; i < 2; i++) {
            assert_true(same_rect(a.fields[i], b.fields[i]));
            assert_true(same_rect(a.buttons[i], b.buttons[i]));
        }
        assert_true(same_rect(a.status, b.status));
        assert_true(b.error.w > 0);
        assert_true(b.error.y >= b.fields[1].y + b.fields[1].h);
        assert_true(b.error.y + b.error.h <= b.buttons[0].y);
    }
}

/* The banner sits across the middle of the board, its countdown bar inside
 * it; the board does not move for it. */
static void test_banner_over_board(void **state)
{
    (void)state;
    struct scene sc;
    playing_scene(&sc);
    struct layout before;
    for (size_t s = 0; s < NSIZES; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        if (w < 320 || h < 240)
            continue;
        sc.banner[0] = '\0';
        layout_compute(&before, w, h, &sc);
        snprintf(sc.banner, sizeof sc.banner, "Reconnecting\u2026 16 s");
        sc.countdown_total_ms = 20000;
        sc.countdown_ms = 16000;
        struct layout l;
        layout_compute(&l, w, h, &sc);
        assert_true(same_rect(l.board, before.board));
        struct layout_rect b = l.banner, bd = l.board;
        assert_true(b.w > 0 && b.h > 0);
        assert_true(b.x >= bd.x && b.x + b.w <= bd.x + bd.w && b.y >= bd.y && b.y + b.h <= bd.y + bd.h);
        assert_true(abs((b.y + b.h / 2) - (bd.y + bd.h / 2)) <= 1);
        struct layout_rect c = l.countdown;
        assert_true(c.w > 0 && c.x >= b.x && c.x + c.w <= b.x + b.w && c.y >= b.y && c.y + c.h <= b.y + b.h);
    }
}

/* The score line under the names keeps its place: the board does not move
 * when it appears. */
static void test_series_line(void **state)
{
    (void)state;
    struct scene sc;
    playing_scene(&sc);
    for (size_t s = 0; s < NSIZES; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        struct layout a, b;
        sc.series[0] = '\0';
        layout_compute(&a, w, h, &sc);
        snprintf(sc.series, sizeof sc.series, "alice 2 - 1 bob");
        layout_compute(&b, w, h, &sc);
        assert_true(same_rect(a.board, b.board));
        if (w < 320 || h < 240)
            continue;
        assert_true(b.series.w > 0);
        assert_true(b.series.y >= b.players[0].y + b.players[0].h);
        assert_true(b.series.y + b.series.h <= b.status.y);
        assert_false(overlap(b.series, b.board));
    }
}

/* The screens the no-overlap test lays out: the connect screen looking for
 * servers and listing some, a menu, the room code, a game and its result,
 * the live list. */
static void overlap_scenes(struct scene *sc, int *n)
{
    struct scene *c = &sc[0];
    scene_reset(c);
    snprintf(c->title, sizeof c->title, "Tic-tac-toe");
    snprintf(c->status, sizeof c->status, "Connect to a server");
    snprintf(c->detail, sizeof c->detail, "Type the address and your name, then press Enter");
    snprintf(c->error, sizeof c->error, "Nothing is listening on localhost:7777.");
    snprintf(c->list_empty, sizeof c->list_empty, "Looking for servers on your network\u2026");
    c->field_count = 2;
    c->fields[0].id = APP_BTN_FIELD_ADDR;
    c->fields[1].id = APP_BTN_FIELD_NAME;
    add_button(c, APP_BTN_CONNECT, "Connect", SCENE_GROUP_MAIN);
    add_button(c, APP_BTN_COMPUTER, "Play the computer", SCENE_GROUP_MAIN);
    add_button(c, APP_BTN_QUIT, "Quit", SCENE_GROUP_MAIN);
    sc[1] = *c;
    sc[1].list_empty[0] = '\0';
    for (int i = 0; i < 4; i++)
        add_button(&sc[1], APP_BTN_GAME_BASE + i, "gamebox  192.168.1.20:7777", SCENE_GROUP_LIST);
    scene_reset(&sc[2]);
    snprintf(sc[2].title, sizeof sc[2].title, "Lobby");
    snprintf(sc[2].status, sizeof sc[2].status, "Hello, alice");
    snprintf(sc[2].toast, sizeof sc[2].toast, "Copied");
    for (int i = 0; i < 5; i++)
        add_button(&sc[2], APP_BTN_QUICK_MATCH + i, "Quick match", SCENE_GROUP_MAIN);
    scene_reset(&sc[3]);
    snprintf(sc[3].title, sizeof sc[3].title, "Private room");
    snprintf(sc[3].big, sizeof sc[3].big, "K7PX2Q");
    snprintf(sc[3].big_caption, sizeof sc[3].big_caption, "Tell your friend: server 192.168.1.20:7777");
    snprintf(sc[3].status, sizeof sc[3].status, "Waiting for your friend to join");
    add_button(&sc[3], APP_BTN_CANCEL, "Cancel", SCENE_GROUP_MAIN);
    playing_scene(&sc[4]);
    snprintf(sc[4].title, sizeof sc[4].title, "Game #12");
    snprintf(sc[4].series, sizeof sc[4].series, "alice 2 - 1 bob");
    snprintf(sc[4].notice, sizeof sc[4].notice, "bob wants a rematch");
    snprintf(sc[4].error, sizeof sc[4].error, "The server closed the connection");
    scene_reset(&sc[5]);
    snprintf(sc[5].title, sizeof sc[5].title, "Watch a game");
    snprintf(sc[5].list_empty, sizeof sc[5].list_empty, "No games being played right now");
    add_button(&sc[5], APP_BTN_BACK, "Back", SCENE_GROUP_MAIN);
    *n = 6;
}

/* Every line of sc with text has its place in l, and every main button. */
static void all_shown(const struct scene *sc, const struct layout *l, int k, int w, int h)
{
    const struct { const char *text; struct layout_rect r; const char *what; } lines[] = {
        { sc->title, l->title, "title" },       { sc->status, l->status, "status" },
        { sc->detail, l->detail, "detail" },    { sc->series, l->series, "series" },
        { sc->big, l->big, "big" },             { sc->big_caption, l->big_caption, "caption" },
        { sc->notice, l->notice, "notice" },    { sc->error, l->error, "error" },
        { sc->toast, l->toast, "toast" },       { sc->players[0].name, l->players[0], "X" },
        { sc->players[1].name, l->players[1], "O" },
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        if (lines[i].text[0] && (lines[i].r.w <= 0 || lines[i].r.h <= 0))
            fail_msg("scene %d at %dx%d: no room for the %s", k, w, h, lines[i].what);
    int rows = 0;
    for (int i = 0; i < sc->button_count; i++) {
        rows += sc->buttons[i].group == SCENE_GROUP_LIST;
        if (sc->buttons[i].group == SCENE_GROUP_MAIN && l->buttons[i].w <= 0)
            fail_msg("scene %d at %dx%d: button %d dropped", k, w, h, i);
    }
    if (sc->list_empty[0] && rows == 0 && l->list_empty.w <= 0)
        fail_msg("scene %d at %dx%d: no room for the empty list's line", k, w, h);
    for (int i = 0; i < sc->field_count; i++)
        if (l->fields[i].w <= 0 || l->field_labels[i].w <= 0)
            fail_msg("scene %d at %dx%d: field %d dropped", k, w, h, i);
    if (sc->board.shown && l->cell <= 0)
        fail_msg("scene %d at %dx%d: no board", k, w, h);
}

/* Nothing overlaps at any window size, above the minimum or below it (a
 * window manager may not enforce it): what does not fit is dropped or
 * clipped. The banner and the dialog are drawn over the rest on purpose;
 * the toast and an error share the message line with the notice. */
static void test_nothing_overlaps(void **state)
{
    (void)state;
    static struct scene sc[6];
    int n;
    overlap_scenes(sc, &n);
    for (int k = 0; k < n; k++)
        for (int w = 1; w < 900; w += 13)
            for (int h = 1; h < 900; h += 11) {
                struct layout l;
                layout_compute(&l, w, h, &sc[k]);
                struct layout_rect r[16 + SCENE_BUTTONS_MAX];
                const char *what[16 + SCENE_BUTTONS_MAX];
                int m = 0;
#define PUT(rect) (r[m] = (rect), what[m++] = #rect)
                PUT(l.title); PUT(l.status); PUT(l.detail); PUT(l.players[0]); PUT(l.players[1]);
                PUT(l.series); PUT(l.board); PUT(l.big); PUT(l.big_caption); PUT(l.list_empty);
                PUT(l.notice);
                if (!same_rect(l.error, l.notice))
                    PUT(l.error);
                if (!same_rect(l.toast, l.notice) && !same_rect(l.toast, l.error))
                    PUT(l.toast);
                for (int i = 0; i < l.field_count; i++) {
                    PUT(l.fields[i]);
                    PUT(l.field_labels[i]);
                }
                for (int i = 0; i < l.button_count; i++)
                    PUT(l.buttons[i]);
#undef PUT
                if (w >= 320 && h >= 400) /* the client's minimum window: everything shown */
                    all_shown(&sc[k], &l, k, w, h);
                for (int i = 0; i < m; i++)
                    for (int j = i + 1; j < m; j++)
                        if (overlap(r[i], r[j]))
                            fail_msg("scene %d at %dx%d: %s (%d,%d %dx%d) overlaps %s (%d,%d %dx%d)", k, w,
                                     h, what[i], r[i].x, r[i].y, r[i].w, r[i].h, what[j], r[j].x, r[j].y,
                                     r[j].w, r[j].h);
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_overlaps),
        cmocka_unit_test(test_cells_round_trip),
        cmocka_unit_test(test_board_between_header_and_buttons),
        cmocka_unit_test(test_board_stays_put),
        cmocka_unit_test(test_toast_clear_of_buttons),
        cmocka_unit_test(test_every_rect_inside),
        cmocka_unit_test(test_text_grows_with_window),
        cmocka_unit_test(test_buttons_hit),
        cmocka_unit_test(test_menu_column_and_fields),
        cmocka_unit_test(test_big_code),
        cmocka_unit_test(test_list_follows_focus),
        cmocka_unit_test(test_wide_window),
        cmocka_unit_test(test_text_minimum),
        cmocka_unit_test(test_error_under_fields),
        cmocka_unit_test(test_banner_over_board),
        cmocka_unit_test(test_series_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
