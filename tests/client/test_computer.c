/* SPDX-License-Identifier: MIT */
/* test_computer.c: the game against the computer. It queues the session's
 * events for the same game (GAME_START, MOVED for both sides, GAME_OVER, the
 * rematch offer), answers after COMPUTER_THINK_MS, refuses what the game
 * does not allow, swaps marks on rematch; the perfect computer never loses
 * (against every sequence of moves a player can make), the easy one plays
 * anywhere, the medium one plays the perfect move about half the time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "computer.h"

static struct session_event take(struct computer *c, uint8_t type)
{
    struct session_event ev;
    if (!computer_next_event(c, &ev))
        fail_msg("no event; expected type %u", (unsigned)type);
    if (ev.type != type)
        fail_msg("event type %u; expected %u", (unsigned)ev.type, (unsigned)type);
    return ev;
}

static void no_event(struct computer *c)
{
    struct session_event ev;
    if (computer_next_event(c, &ev))
        fail_msg("unexpected event type %u", (unsigned)ev.type);
}

/* Let the computer answer: returns its cell. */
static unsigned answer(struct computer *c, uint64_t *now)
{
    assert_int_equal(computer_next_deadline(c), *now + COMPUTER_THINK_MS);
    computer_tick(c, *now + COMPUTER_THINK_MS - 1);
    no_event(c);
    *now += COMPUTER_THINK_MS;
    computer_tick(c, *now);
    struct session_event ev = take(c, SESSION_EV_MOVED);
    assert_int_not_equal(ev.u.moved.mark, computer_game(c)->you);
    return ev.u.moved.cell;
}

static void test_levels(void **state)
{
    (void)state;
    enum computer_level l;
    assert_int_equal(computer_level_parse("easy", &l), 0);
    assert_int_equal(l, COMPUTER_EASY);
    assert_int_equal(computer_level_parse("medium", &l), 0);
    assert_int_equal(l, COMPUTER_MEDIUM);
    assert_int_equal(computer_level_parse("perfect", &l), 0);
    assert_int_equal(l, COMPUTER_PERFECT);
    assert_int_equal(computer_level_parse("hard", &l), -1);
    assert_int_equal(computer_level_parse("", &l), -1);
    assert_int_equal(computer_level_parse(NULL, &l), -1);
    assert_string_equal(computer_level_name(COMPUTER_MEDIUM), "medium");
}

/* The first game as a session would report it: the player is X, moves
 * come back as MOVED, the computer answers after thinking, no clock. */
static void test_first_moves(void **state)
{
    (void)state;
    struct computer c;
    uint64_t now = 1000;
    computer_start(&c, COMPUTER_PERFECT, "alice", 7, now);
    take(&c, SESSION_EV_GAME_START);
    no_event(&c);
    const struct session_game *g = computer_game(&c);
    assert_int_equal(g->game_id, 1);
    assert_int_equal(g->you, PROTO_MARK_X);
    assert_string_equal(g->x_name.s, "alice");
    assert_string_equal(g->o_name.s, "Perfect computer");
    assert_int_equal(g->to_move, PROTO_MARK_X);
    assert_int_equal(g->turn_deadline_ms, 0);
    assert_int_equal(g->last_cell, BOARD_NO_CELL);
    assert_int_equal(g->line[0], PROTO_NO_CELL);
    assert_int_equal(computer_phase(&c), SESSION_PLAYING);
    assert_true(computer_my_turn(&c));
    assert_int_equal(computer_next_deadline(&c), UINT64_MAX);

    assert_int_equal(computer_move(&c, 4, now), 0);
    struct session_event ev = take(&c, SESSION_EV_MOVED);
    assert_int_equal(ev.u.moved.ply, 0);
    assert_int_equal(ev.u.moved.cell, 4);
    assert_int_equal(ev.u.moved.mark, PROTO_MARK_X);
    assert_int_equal(ev.u.moved.ms_left, 0);
    assert_false(computer_my_turn(&c));
    assert_int_equal(g->last_cell, 4);
    /* Not the player's turn, a taken cell, out of range: refused, nothing queued. */
    assert_int_equal(computer_move(&c, 0, now), -1);
    no_event(&c);
    unsigned cell = answer(&c, &now);
    assert_true(cell != 4 && cell < BOARD_CELLS);
    assert_int_equal(g->board.cells[cell], BOARD_O);
    assert_int_equal(g->board.ply, 2);
    assert_true(computer_my_turn(&c));
    assert_int_equal(computer_move(&c, cell, now), -1);
    assert_int_equal(computer_move(&c, 4, now), -1);
    assert_int_equal(computer_move(&c, 9, now), -1);
    no_event(&c);
    /* The name falls back when it is not a valid one. */
    computer_start(&c, COMPUTER_EASY, " bad ", 7, now);
    assert_string_equal(computer_game(&c)->x_name.s, "You");
    assert_string_equal(computer_game(&c)->o_name.s, "Easy computer");
}

/* Resign, the rematch offer, marks swapped, the computer opening. */
static void test_resign_and_rematch(void **state)
{
    (void)state;
    struct computer c;
    uint64_t now = 0;
    computer_start(&c, COMPUTER_MEDIUM, "bob", 3, now);
    take(&c, SESSION_EV_GAME_START);
    assert_int_equal(computer_rematch(&c, now), -1); /* a game is on */
    assert_int_equal(computer_resign(&c, now), 0);
    const struct session_game *g = computer_game(&c);
    take(&c, SESSION_EV_GAME_OVER);
    assert_true(g->over);
    assert_int_equal(g->winner, PROTO_MARK_O);
    assert_int_equal(g->reason, PROTO_REASON_RESIGN);
    assert_int_equal(g->line[0], PROTO_NO_CELL);
    struct session_event ev = take(&c, SESSION_EV_OPPONENT);
    assert_int_equal(ev.u.opponent.event, PROTO_OPP_REMATCH);
    assert_true(g->opponent_rematch);
    assert_int_equal(computer_phase(&c), SESSION_GAME_OVER);
    assert_int_equal(computer_resign(&c, now), -1);
    assert_int_equal(computer_move(&c, 0, now), -1);
    no_event(&c);

    now = 5000;
    assert_int_equal(computer_rematch(&c, now), 0);
    take(&c, SESSION_EV_GAME_START);
    assert_int_equal(g->game_id, 2);
    assert_int_equal(g->you, PROTO_MARK_O);
    assert_string_equal(g->x_name.s, "Medium computer");
    assert_string_equal(g->o_name.s, "bob");
    assert_false(g->over);
    assert_false(g->opponent_rematch);
    assert_false(computer_my_turn(&c));
    assert_int_equal(computer_move(&c, 0, now), -1); /* X (the computer) opens */
    answer(&c, &now);
    assert_true(computer_my_turn(&c));
    assert_int_equal(computer_resign(&c, now), 0);
    assert_int_equal(g->winner, PROTO_MARK_X);
    take(&c, SESSION_EV_GAME_OVER);
    take(&c, SESSION_EV_OPPONENT);
    assert_int_equal(computer_rematch(&c, now), 0);
    take(&c, SESSION_EV_GAME_START);
    assert_int_equal(g->game_id, 3);
    assert_int_equal(g->you, PROTO_MARK_X);
}

/* Play a whole game through the API with the player choosing by `player`
 * (a level, from rng): the result for the player: 1 won, 0 draw, -1 lost.
 * Checks every event on the way. */
static int play_game(struct computer *c, enum computer_level player, struct strategy_rng *rng, uint64_t *now)
{
    const struct session_game *g = computer_game(c);
    take(c, SESSION_EV_GAME_START);
    uint8_t ply = 0;
    while (!g->over) {
        if (computer_my_turn(c)) {
            unsigned cell = computer_choose(player, &g->board, rng);
            assert_int_equal(computer_move(c, cell, *now), 0);
            struct session_event ev = take(c, SESSION_EV_MOVED);
            assert_int_equal(ev.u.moved.ply, ply);
            assert_int_equal(ev.u.moved.mark, g->you);
        } else {
            answer(c, now);
        }
        ply++;
    }
    struct board_result r = board_result(&g->board);
    assert_true(r.over);
    struct session_event ev = take(c, SESSION_EV_GAME_OVER);
    (void)ev;
    assert_int_equal(g->winner, r.winner);
    assert_int_equal(g->reason, r.winner ? PROTO_REASON_LINE : PROTO_REASON_FULL);
    assert_memory_equal(g->line, r.line, 3);
    take(c, SESSION_EV_OPPONENT);
    no_event(c);
    return !g->winner ? 0 : g->winner == g->you ? 1 : -1;
}

/* Many games through the API, marks swapping: the perfect computer never
 * loses to a random or a perfect player; the easy one loses to a perfect
 * player now and then. */
static void test_series(void **state)
{
    (void)state;
    struct computer c;
    uint64_t now = 0;
    struct strategy_rng rng;
    strategy_rng_seed(&rng, 99, 0);
    computer_start(&c, COMPUTER_PERFECT, "alice", 12345, now);
    int wins = 0;
    for (int i = 0; i < 300; i++) {
        assert_int_equal(computer_game(&c)->you, i % 2 ? PROTO_MARK_O : PROTO_MARK_X);
        int r = play_game(&c, i % 3 ? COMPUTER_EASY : COMPUTER_PERFECT, &rng, &now);
        assert_true(r <= 0);
        assert_int_equal(computer_rematch(&c, now), 0);
    }
    computer_start(&c, COMPUTER_EASY, "alice", 777, now);
    for (int i = 0; i < 100; i++) {
        int r = play_game(&c, COMPUTER_PERFECT, &rng, &now);
        assert_true(r >= 0); /* the perfect player never loses either */
        wins += r > 0;
        assert_int_equal(computer_rematch(&c, now), 0);
    }
    assert_true(wins > 20);
}

/* Every game a player can play against the perfect computer, whatever it
 * picks among its best moves: it never loses. Returns the positions seen. */
static long never_loses(struct board b, uint8_t computer, struct strategy_rng *rng)
{
    struct board_result r = board_result(&b);
    if (r.over) {
        assert_true(r.winner != (computer == BOARD_X ? BOARD_O : BOARD_X));
        return 1;
    }
    long seen = 1;
    unsigned moves = board_free_mask(&b);
    if (board_to_move(&b) == computer) {
        moves = board_best_moves(&b);
        /* What computer_choose picks is among them. */
        for (int k = 0; k < 4; k++) {
            unsigned pick = computer_choose(COMPUTER_PERFECT, &b, rng);
            assert_true(pick < BOARD_CELLS && ((moves >> pick) & 1u));
        }
    }
    for (unsigned cell = 0; cell < BOARD_CELLS; cell++) {
        struct board next;
        if (((moves >> cell) & 1u) && board_apply(&b, cell, &next) == BOARD_OK)
            seen += never_loses(next, computer, rng);
    }
    return seen;
}

/* The session's requests as values, carried out as the main loop hands
 * them over; the snapshot that goes with each event. */
static void test_requests_and_snapshot(void **state)
{
    (void)state;
    struct computer c;
    struct session_request r = {.type = SESSION_REQ_MOVE, .cell = 4};
    struct session_snapshot snap;
    computer_start(&c, COMPUTER_PERFECT, "ann", 9, 0);
    take(&c, SESSION_EV_GAME_START);
    computer_snapshot(&c, &snap);
    assert_int_equal(snap.phase, SESSION_PLAYING);
    assert_int_equal(snap.my_turn, 1);
    assert_int_equal(snap.turn_s, 0);
    assert_int_equal(snap.grace_s, 0);
    assert_int_equal(snap.list.count, 0);
    assert_string_equal(snap.game.x_name.s, "ann");
    assert_string_equal(snap.game.o_name.s, "Perfect computer");
    assert_int_equal(computer_request(&c, &r, 0), 0);
    take(&c, SESSION_EV_MOVED);
    computer_snapshot(&c, &snap);
    assert_int_equal(snap.my_turn, 0);
    assert_int_equal(snap.game.board.cells[4], BOARD_X);
    assert_int_equal(computer_request(&c, &r, 0), 0); /* not your turn: refused, nothing */
    no_event(&c);
    r.type = SESSION_REQ_QUICK_MATCH; /* a server's request: ignored */
    assert_int_equal(computer_request(&c, &r, 0), 0);
    r.type = SESSION_REQ_RESIGN;
    assert_int_equal(computer_request(&c, &r, 0), 0);
    take(&c, SESSION_EV_GAME_OVER);
    take(&c, SESSION_EV_OPPONENT);
    computer_snapshot(&c, &snap);
    assert_int_equal(snap.phase, SESSION_GAME_OVER);
    r.type = SESSION_REQ_REMATCH;
    assert_int_equal(computer_request(&c, &r, 10), 0);
    take(&c, SESSION_EV_GAME_START);
    r.type = SESSION_REQ_LEAVE;
    assert_int_equal(computer_request(&c, &r, 10), 1); /* the series ends */
    r.type = SESSION_REQ_CLOSE;
    assert_int_equal(computer_request(&c, &r, 10), 1);
}

static void test_perfect_never_loses(void **state)
{
    (void)state;
    struct strategy_rng rng;
    strategy_rng_seed(&rng, 1, 0);
    assert_true(never_loses(board_new(), BOARD_O, &rng) > 1000);
    assert_true(never_loses(board_new(), BOARD_X, &rng) > 100);
}

static void test_easy_and_medium(void **state)
{
    (void)state;
    /* Easy: every opening cell comes up. */
    struct board empty = board_new();
    unsigned seen = 0;
    struct strategy_rng rng;
    strategy_rng_seed(&rng, 5, 0);
    for (int i = 0; i < 500; i++)
        seen |= 1u << computer_choose(COMPUTER_EASY, &empty, &rng);
    assert_int_equal(seen, 0x1FF);
    /* X in a corner, O to move: only the centre does not lose. Medium plays
     * it half the time and at random otherwise (1/8 of those): 9/16; easy
     * 1/8; perfect always. */
    struct board b = board_new();
    assert_int_equal(board_apply(&b, 0, &b), BOARD_OK);
    assert_int_equal(board_best_moves(&b), 1u << 4);
    int centre[COMPUTER_LEVELS] = { 0 };
    const int n = 8000;
    for (int level = 0; level < COMPUTER_LEVELS; level++)
        for (int i = 0; i < n; i++)
            centre[level] += computer_choose((enum computer_level)level, &b, &rng) == 4;
    assert_true(centre[COMPUTER_EASY] > n / 8 - n / 40 && centre[COMPUTER_EASY] < n / 8 + n / 40);
    assert_true(centre[COMPUTER_MEDIUM] > n * 9 / 16 - n / 25 &&
                centre[COMPUTER_MEDIUM] < n * 9 / 16 + n / 25);
    assert_int_equal(centre[COMPUTER_PERFECT], n);
    /* The same seed, the same choices. */
    struct strategy_rng r1, r2;
    strategy_rng_seed(&r1, 42, 0);
    strategy_rng_seed(&r2, 42, 0);
    for (int i = 0; i < 50; i++)
        assert_int_equal(computer_choose(COMPUTER_MEDIUM, &b, &r1), computer_choose(COMPUTER_MEDIUM, &b, &r2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_first_moves),
        cmocka_unit_test(test_resign_and_rematch),
        cmocka_unit_test(test_series),
        cmocka_unit_test(test_requests_and_snapshot),
        cmocka_unit_test(test_perfect_never_loses),
        cmocka_unit_test(test_easy_and_medium),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
