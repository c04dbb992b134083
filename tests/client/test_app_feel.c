/* SPDX-License-Identifier: MIT */
/* test_app_feel.c: the client's UI state machine beyond the screens of a
 * networked game: playing the computer (the level choice from the connect
 * screen and the lobby, a real struct computer driven as the main loop
 * drives it, its wording, rematch with R, change level, back to the server
 * left for it), the series score and "You play O this time", the cues for
 * sound and the window's flash, M and its toast, Ctrl+C on the room screen,
 * and the servers on the network on the connect screen (rows that stay put,
 * a click or Enter connects). */
#include "app_fixture.h"

#include "app_words.h"
#include "computer.h"

/* ---- the computer, as the main loop drives it ---- */

static struct computer C;
static int computer_on;

/* The computer's events to the app, with their snapshots. */
static void drain(void)
{
    struct session_event ev;
    struct session_snapshot snap;
    while (computer_on && computer_next_event(&C, &ev)) {
        computer_snapshot(&C, &snap);
        app_on_computer(&F.a, &ev, &snap, F.now);
    }
}

/* One request as the main loop routes it: the computer starts; while it
 * plays, it takes the session requests (a LEAVE ends it); its events go
 * back to the app. Others are the test's to check. */
static void route(const struct app_request *r)
{
    if (r->type == APP_REQ_COMPUTER) {
        computer_start(&C, (enum computer_level)r->level, r->name, 42, F.now);
        computer_on = 1;
    } else if (r->type == APP_REQ_SESSION && computer_on && computer_request(&C, &r->session, F.now)) {
        computer_on = 0;
    }
    drain();
}

/* Route every request waiting, and the computer's events. */
static void run_loop(void)
{
    struct app_request r;
    while (app_take_request(&F.a, &r))
        route(&r);
    drain();
}

/* Let the computer make its move. */
static void computer_moves(void)
{
    assert_true(computer_next_deadline(&C) != UINT64_MAX);
    F.now = computer_next_deadline(&C);
    computer_tick(&C, F.now);
    run_loop();
}

/* Play cell c with its keypad digit. */
static void play(unsigned c)
{
    static const enum app_key digit_of[9] = {APP_KEY_7, APP_KEY_8, APP_KEY_9, APP_KEY_4, APP_KEY_5,
                                             APP_KEY_6, APP_KEY_1, APP_KEY_2, APP_KEY_3};
    key(digit_of[c]);
    run_loop();
}

/* The first free cell. */
static unsigned first_free(void)
{
    for (unsigned c = 0; c < BOARD_CELLS; c++)
        if (F.a.game.board.cells[c] == BOARD_EMPTY)
            return c;
    return BOARD_NO_CELL;
}

/* Play first free cells until the game is over. */
static void play_out(void)
{
    while (!F.a.game.over) {
        if (F.a.game.to_move == F.a.game.you)
            play(first_free());
        else
            computer_moves();
    }
}

/* The level choice from the connect screen, a game and a rematch against
 * the perfect computer, its words, leaving it. */
static void test_computer_from_connect_screen(void **state)
{
    (void)state;
    reset_fx();
    computer_on = 0;
    struct app_options o = {.name = "ann"};
    app_init(&F.a, &o, F.now);
    assert_non_null(button(scene(), APP_BTN_COMPUTER));
    app_button(&F.a, APP_BTN_COMPUTER, F.now);
    struct scene *sc = scene();
    assert_int_equal(F.a.screen, APP_SCREEN_LEVEL);
    assert_string_equal(sc->title, "Play the computer");
    assert_string_equal(button(sc, APP_BTN_LEVEL_EASY)->label, "Easy");
    assert_int_equal(focused(), APP_BTN_LEVEL_MEDIUM);
    key(APP_KEY_ESC); /* back to the connect screen */
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_CONNECT);
    app_button(&F.a, APP_BTN_COMPUTER, F.now);
    key(APP_KEY_DOWN);
    assert_int_equal(focused(), APP_BTN_LEVEL_PERFECT);
    key(APP_KEY_ENTER);
    struct app_request r = req(APP_REQ_COMPUTER);
    assert_int_equal(r.level, COMPUTER_PERFECT);
    assert_string_equal(r.name, "ann");
    no_req();
    route(&r);
    /* The player just asked for this game: no "your turn" cue, no flash. */
    struct app_feedback f = app_take_feedback(&F.a);
    assert_int_equal(f.sound, -1);
    assert_false(f.flash);

    /* The same screens as a game on a server, without a clock. */
    sc = scene();
    assert_int_equal(F.a.screen, APP_SCREEN_PLAYING);
    assert_string_equal(sc->title, "Against the perfect computer");
    assert_string_equal(sc->status, "Your turn");
    assert_string_equal(sc->players[0].name, "ann");
    assert_string_equal(sc->players[1].name, "Perfect computer");
    assert_false(sc->clock.shown);
    assert_string_equal(sc->series, "");
    assert_string_equal(sc->notice, "");
    play(4);
    assert_int_equal(scene()->board.cells[4], BOARD_X);
    assert_string_equal(scene()->status, "Waiting for Perfect computer");
    assert_int_equal(app_take_feedback(&F.a).sound, SOUND_MOVE);
    computer_moves();
    assert_string_equal(scene()->status, "Your turn");
    f = app_take_feedback(&F.a); /* its move made it your turn */
    assert_int_equal(f.sound, SOUND_YOUR_TURN);
    assert_true(f.flash);

    /* Resigning asks first, as on a server; then it is over. */
    app_button(&F.a, APP_BTN_RESIGN, F.now);
    key(APP_KEY_LEFT);
    key(APP_KEY_ENTER);
    run_loop();
    assert_int_equal(F.a.screen, APP_SCREEN_GAME_OVER);
    sc = scene();
    assert_string_equal(sc->status, "You lost");
    assert_string_equal(sc->notice, "Press R to play again"); /* not "... wants a rematch" */
    assert_string_equal(sc->series, "ann 0 - 1 Perfect computer");
    assert_string_equal(button(sc, APP_BTN_REMATCH)->label, "Play again");
    assert_string_equal(button(sc, APP_BTN_CHANGE_LEVEL)->label, "Change level");
    assert_null(button(sc, APP_BTN_NEW_OPPONENT));
    assert_string_equal(button(sc, APP_BTN_LOBBY)->label, "Back");

    /* R: the next game, marks swapped: the computer opens. */
    key(APP_KEY_R);
    run_loop();
    sc = scene();
    assert_int_equal(F.a.screen, APP_SCREEN_PLAYING);
    assert_int_equal(F.a.game.you, PROTO_MARK_O);
    assert_string_equal(sc->notice, "You play O this time");
    assert_string_equal(sc->series, "Perfect computer 1 - 0 ann"); /* X's name first */
    computer_moves();
    assert_string_equal(scene()->notice, "You play O this time"); /* until a move of yours */
    play(first_free());
    assert_string_equal(scene()->notice, "");
    play_out();
    assert_int_not_equal(F.a.game.winner, PROTO_MARK_O); /* perfect never loses */
    assert_int_equal(F.a.series.played, 2);

    /* Change level: the series ends, the levels again; Back: the connect screen. */
    app_button(&F.a, APP_BTN_CHANGE_LEVEL, F.now);
    run_loop();
    assert_false(computer_on);
    assert_int_equal(F.a.screen, APP_SCREEN_LEVEL);
    key(APP_KEY_ESC);
    assert_int_equal(F.a.screen, APP_SCREEN_CONNECT);
    assert_int_equal(F.a.computer, 0);
    no_req();
}

/* From a server's lobby: the server is left for the computer (its goodbye
 * dropped), and the lobby comes back by connecting again. */
static void test_computer_from_lobby(void **state)
{
    (void)state;
    reset_fx();
    computer_on = 0;
    start_lobby();
    app_button(&F.a, APP_BTN_COMPUTER, F.now);
    assert_int_equal(F.a.screen, APP_SCREEN_LEVEL);
    app_button(&F.a, APP_BTN_BACK, F.now); /* still connected: the lobby, nothing sent */
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_LOBBY);
    app_button(&F.a, APP_BTN_COMPUTER, F.now);
    app_button(&F.a, APP_BTN_LEVEL_EASY, F.now);
    sreq(SESSION_REQ_CLOSE);
    struct app_request r = req(APP_REQ_COMPUTER);
    assert_int_equal(r.level, COMPUTER_EASY);
    route(&r);
    assert_int_equal(F.a.screen, APP_SCREEN_PLAYING);
    closed(SESSION_CLOSE_USER, 0, "closed by the user"); /* the server's session, closing */
    assert_int_equal(F.a.screen, APP_SCREEN_PLAYING);
    play_out();
    assert_int_equal(F.a.screen, APP_SCREEN_GAME_OVER);
    assert_int_equal(F.a.series.played, 1);
    assert_string_equal(button(scene(), APP_BTN_LOBBY)->label, "Lobby");
    key(APP_KEY_ESC); /* Lobby: out of the computer's games, and connect again */
    sreq(SESSION_REQ_LEAVE);
    r = req(APP_REQ_CONNECT);
    assert_string_equal(r.host, "example.org:7777");
    no_req();
    assert_int_equal(F.a.screen, APP_SCREEN_CONNECT);
    F.e.phase = SESSION_LOBBY;
    net(SESSION_EV_WELCOME);
    req(APP_REQ_REMEMBER);
    assert_int_equal(F.a.screen, APP_SCREEN_LOBBY);

    /* --computer: straight into a game, the connect screen after it. */
    reset_fx();
    computer_on = 0;
    struct app_options o = {.name = "ann", .computer = 1 + COMPUTER_MEDIUM};
    app_init(&F.a, &o, F.now);
    r = req(APP_REQ_COMPUTER);
    assert_int_equal(r.level, COMPUTER_MEDIUM);
    no_req();
    route(&r);
    assert_string_equal(scene()->title, "Against the medium computer");
    app_close_window(&F.a, F.now); /* closing the window leaves it, and quits */
    sreq(SESSION_REQ_LEAVE);
    req(APP_REQ_QUIT);
}

/* A series with one opponent on a server: the score under the names once a
 * game is over, the swap said; a new opponent starts another series. */
static void test_series(void **state)
{
    (void)state;
    in_game(PROTO_MARK_X, 1);
    assert_string_equal(scene()->series, "");
    x_wins_top_row();
    assert_string_equal(scene()->series, "alice 1 - 0 bob");
    net(SESSION_EV_GAME_OVER); /* the same game told twice counts once */
    assert_string_equal(scene()->series, "alice 1 - 0 bob");
    key(APP_KEY_R);
    sreq(SESSION_REQ_REMATCH);
    /* Game 2: bob is X now. */
    game_start_named(PROTO_MARK_O, 2, "bob", "alice");
    struct scene *sc = scene();
    assert_string_equal(sc->series, "bob 0 - 1 alice");
    assert_string_equal(sc->notice, "You play O this time");
    game_over(PROTO_MARK_X, PROTO_REASON_TIMEOUT, 0xFF, 0xFF, 0xFF);
    assert_string_equal(scene()->series, "bob 1 - 1 alice");
    /* A draw counts as played, not as a win. */
    key(APP_KEY_R);
    sreq(SESSION_REQ_REMATCH);
    game_start(PROTO_MARK_X, 3);
    assert_string_equal(scene()->notice, "You play X this time");
    game_over(PROTO_MARK_NONE, PROTO_REASON_FULL, 0xFF, 0xFF, 0xFF);
    assert_string_equal(scene()->series, "alice 1 - 1 bob");
    assert_int_equal(F.a.series.played, 3);
    /* New opponent: through the queue, a new series. */
    app_button(&F.a, APP_BTN_NEW_OPPONENT, F.now);
    sreq(SESSION_REQ_LEAVE);
    sreq(SESSION_REQ_QUICK_MATCH);
    game_start(PROTO_MARK_X, 4);
    sc = scene();
    assert_string_equal(sc->series, "");
    assert_string_equal(sc->notice, "");
}

/* A spectator who follows the rematches of two players sees their series
 * too, each win counted for the player (by name) whatever mark they had;
 * watching another game starts a new series. */
static void test_series_watched(void **state)
{
    (void)state;
    reset_fx();
    start_lobby();
    game_start(PROTO_SPECTATOR, 41);
    assert_string_equal(scene()->series, "");
    x_wins_top_row();
    assert_string_equal(scene()->series, "alice 1 - 0 bob");
    net(SESSION_EV_GAME_OVER); /* told twice, counted once */
    assert_string_equal(scene()->series, "alice 1 - 0 bob");
    /* The rematch: bob is X now, and wins. */
    game_start_named(PROTO_SPECTATOR, 42, "bob", "alice");
    assert_string_equal(scene()->series, "bob 0 - 1 alice");
    assert_string_equal(scene()->notice, ""); /* "You play ..." is a player's */
    game_over(PROTO_MARK_X, PROTO_REASON_RESIGN, 0xFF, 0xFF, 0xFF);
    assert_string_equal(scene()->series, "bob 1 - 1 alice");
    game_start_named(PROTO_SPECTATOR, 43, "alice", "bob");
    game_over(PROTO_MARK_NONE, PROTO_REASON_FULL, 0xFF, 0xFF, 0xFF);
    assert_string_equal(scene()->series, "alice 1 - 1 bob");
    assert_int_equal(F.a.series.played, 3);
    /* Another pair's game after the result: a new series. */
    game_start_named(PROTO_SPECTATOR, 50, "carol", "bob");
    assert_string_equal(scene()->series, "");
    game_over(PROTO_MARK_O, PROTO_REASON_RESIGN, 0xFF, 0xFF, 0xFF);
    assert_string_equal(scene()->series, "carol 0 - 1 bob");
    /* Two players of one name: whose win it was cannot be told, no score. */
    game_start_named(PROTO_SPECTATOR, 60, "sam", "sam");
    game_over(PROTO_MARK_O, PROTO_REASON_RESIGN, 0xFF, 0xFF, 0xFF);
    assert_string_equal(scene()->series, "");
    /* Left for the lobby: the next game watched starts afresh. */
    game_start_named(PROTO_SPECTATOR, 61, "carol", "bob");
    game_over(PROTO_MARK_O, PROTO_REASON_RESIGN, 0xFF, 0xFF, 0xFF);
    app_button(&F.a, APP_BTN_LOBBY, F.now);
    sreq(SESSION_REQ_LEAVE);
    app_button(&F.a, APP_BTN_WATCH, F.now);
    game_start_named(PROTO_SPECTATOR, 62, "carol", "bob");
    game_over(PROTO_MARK_O, PROTO_REASON_RESIGN, 0xFF, 0xFF, 0xFF);
    assert_string_equal(scene()->series, "carol 0 - 1 bob");
}

/* The cues: the sounds of moves, your turn, low time and a game's end; the
 * flash when it becomes your turn. */
static void test_cues(void **state)
{
    (void)state;
    reset_fx();
    start_lobby();
    struct app_feedback f = app_take_feedback(&F.a);
    assert_int_equal(f.sound, -1);
    assert_false(f.flash);
    game_start(PROTO_MARK_X, 1); /* X: your turn at once */
    f = app_take_feedback(&F.a);
    assert_int_equal(f.sound, SOUND_YOUR_TURN);
    assert_true(f.flash);
    assert_int_equal(app_take_feedback(&F.a).sound, -1); /* taken */
    app_click_cell(&F.a, 4, F.now);
    sreq(SESSION_REQ_MOVE);
    moved(4);
    f = app_take_feedback(&F.a);
    assert_int_equal(f.sound, SOUND_MOVE);
    assert_false(f.flash);
    moved(0); /* the opponent's move makes it your turn: one cue says both */
    f = app_take_feedback(&F.a);
    assert_int_equal(f.sound, SOUND_YOUR_TURN);
    assert_true(f.flash);

    /* Low time: once, when your clock passes 5 s (the loop wakes for it). */
    uint64_t deadline = F.e.game.turn_deadline_ms;
    assert_int_equal(app_redraw_in(&F.a, deadline - 5400), 400);
    F.now = deadline - 5001;
    app_tick(&F.a, F.now);
    assert_int_equal(app_take_feedback(&F.a).sound, -1);
    F.now = deadline - 5000;
    app_tick(&F.a, F.now);
    assert_int_equal(app_take_feedback(&F.a).sound, SOUND_LOW_TIME);
    F.now += 1000;
    app_tick(&F.a, F.now);
    assert_int_equal(app_take_feedback(&F.a).sound, -1);

    /* The end: win, loss, draw (players only). */
    game_over(PROTO_MARK_X, PROTO_REASON_TIMEOUT, 0xFF, 0xFF, 0xFF);
    assert_int_equal(app_take_feedback(&F.a).sound, SOUND_WIN);
    key(APP_KEY_R);
    game_start(PROTO_MARK_O, 2); /* O: not your turn yet: no cue */
    assert_int_equal(app_take_feedback(&F.a).sound, -1);
    game_over(PROTO_MARK_X, PROTO_REASON_RESIGN, 0xFF, 0xFF, 0xFF);
    assert_int_equal(app_take_feedback(&F.a).sound, SOUND_LOSS);
    key(APP_KEY_R);
    game_start(PROTO_MARK_X, 3);
    (void)app_take_feedback(&F.a);
    game_over(PROTO_MARK_NONE, PROTO_REASON_FULL, 0xFF, 0xFF, 0xFF);
    assert_int_equal(app_take_feedback(&F.a).sound, SOUND_DRAW);

    /* Watching: the moves, no turn, no result. */
    in_game(PROTO_SPECTATOR, 9);
    assert_int_equal(app_take_feedback(&F.a).sound, -1);
    moved(4);
    f = app_take_feedback(&F.a);
    assert_int_equal(f.sound, SOUND_MOVE);
    assert_false(f.flash);
    game_over(PROTO_MARK_O, PROTO_REASON_RESIGN, 0xFF, 0xFF, 0xFF);
    assert_int_equal(app_take_feedback(&F.a).sound, -1);
}

/* M: sound off and on, said and remembered; typed as text in a field. */
static void test_mute(void **state)
{
    (void)state;
    reset_fx();
    struct app_options o = {.name = "ann", .muted = 1};
    app_init(&F.a, &o, F.now);
    assert_true(F.a.muted);
    key(APP_KEY_M); /* the connect screen's fields take it as text */
    no_req();
    start_lobby();
    key(APP_KEY_M);
    struct app_request r = req(APP_REQ_MUTE);
    assert_int_equal(r.muted, 1);
    assert_string_equal(scene()->toast, "Sound off (M turns it on)");
    key(APP_KEY_M);
    assert_int_equal(req(APP_REQ_MUTE).muted, 0);
    assert_string_equal(scene()->toast, "Sound on");
    game_start(PROTO_MARK_X, 1); /* and while playing */
    key(APP_KEY_M);
    assert_int_equal(req(APP_REQ_MUTE).muted, 1);
}

/* Ctrl+C on the room screen: what to tell the friend, on the clipboard. */
static void test_copy_invite(void **state)
{
    (void)state;
    reset_fx();
    start_lobby();
    key(APP_KEY_COPY); /* nothing to copy in the lobby */
    no_req();
    app_button(&F.a, APP_BTN_CREATE_ROOM, F.now);
    sreq(SESSION_REQ_CREATE_ROOM);
    key(APP_KEY_COPY); /* no code yet */
    no_req();
    strcpy(F.ev.u.room_code, "K7PX2Q");
    net(SESSION_EV_ROOM_CREATED);
    struct scene *sc = scene();
    assert_string_equal(sc->big_caption, "Tell your friend: server example.org:7777, room K7PX2Q");
    key(APP_KEY_COPY);
    struct app_request r = req(APP_REQ_CLIPBOARD);
    assert_string_equal(r.text, "Tell your friend: server example.org:7777, room K7PX2Q");
    assert_string_equal(scene()->toast, "Copied: paste it to your friend");

    /* Connected to a server on this machine ("localhost"): the friend is
     * told an address of this machine they can reach (the network thread
     * finds it with the WELCOME), on screen and on the clipboard. */
    reset_fx();
    struct app_options o = {.last_addr = "localhost:7777", .name = "alice"};
    app_init(&F.a, &o, F.now);
    key(APP_KEY_ENTER);
    req(APP_REQ_CONNECT);
    F.e.phase = SESSION_LOBBY;
    app_set_invite_addr(&F.a, "192.168.1.20:7777");
    net(SESSION_EV_WELCOME);
    req(APP_REQ_REMEMBER);
    app_button(&F.a, APP_BTN_CREATE_ROOM, F.now);
    sreq(SESSION_REQ_CREATE_ROOM);
    strcpy(F.ev.u.room_code, "K7PX2Q");
    net(SESSION_EV_ROOM_CREATED);
    assert_string_equal(scene()->big_caption, "Tell your friend: server 192.168.1.20:7777, room K7PX2Q");
    key(APP_KEY_COPY);
    assert_string_equal(req(APP_REQ_CLIPBOARD).text, "Tell your friend: server 192.168.1.20:7777, room K7PX2Q");
}

/* A server on the network as discover.h lists it. */
static struct discover_server found(uint32_t serial, const char *name, const char *addr, uint32_t players)
{
    struct discover_server s;
    memset(&s, 0, sizeof s);
    s.serial = serial;
    s.info.name.len = (uint8_t)strlen(name);
    memcpy(s.info.name.s, name, s.info.name.len);
    s.info.proto_version = PROTO_VERSION;
    s.info.players = players;
    snprintf(s.addr, sizeof s.addr, "%s", addr);
    return s;
}

/* The connect screen lists the servers on the network, live: a click or
 * Enter connects; rows stay put under the mouse; the address field stays. */
static void test_servers_on_connect_screen(void **state)
{
    (void)state;
    reset_fx();
    struct app_options o = {.name = "ann", .last_addr = "typed.example"};
    app_init(&F.a, &o, F.now);
    assert_true(app_wants_discovery(&F.a));
    struct scene *sc = scene();
    assert_string_equal(sc->list_empty, "Looking for servers on your network\u2026");
    assert_int_equal(sc->field_count, 2);
    struct discover_server s[3] = {found(1, "Ann's box", "192.168.1.20:7777", 3),
                                   found(2, "attic\x1b", "[fe80::1%eth0]:7777", 1),
                                   found(3, "lab", "10.0.0.9:7000", 0)};
    s[2].info.flags = DISC_FLAG_FULL;
    s[2].info.proto_version = PROTO_VERSION + 1;
    app_on_servers(&F.a, s, 3);
    sc = scene();
    assert_string_equal(button(sc, APP_BTN_SERVER_BASE)->label, "Ann's box  192.168.1.20:7777, 3 players");
    assert_string_equal(button(sc, APP_BTN_SERVER_BASE + 1)->label, "attic?  [fe80::1%eth0]:7777, 1 player");
    assert_string_equal(button(sc, APP_BTN_SERVER_BASE + 2)->label,
                        "lab  10.0.0.9:7000, 0 players, full, another version of ttt");
    assert_int_equal(button(sc, APP_BTN_SERVER_BASE)->group, SCENE_GROUP_LIST);
    assert_string_equal(sc->detail, "Servers on your network are listed below: click one, or type an address");
    assert_int_equal(sc->field_count, 2); /* typing an address still works */

    /* Rows do not move under the mouse: Ann's box stops answering. */
    app_pointer(&F.a, APP_BTN_SERVER_BASE + 1);
    app_on_servers(&F.a, s + 1, 2);
    sc = scene();
    assert_string_equal(button(sc, APP_BTN_SERVER_BASE)->label, "Ann's box  192.168.1.20:7777: gone");
    assert_false(button(sc, APP_BTN_SERVER_BASE)->enabled);
    app_button(&F.a, APP_BTN_SERVER_BASE, F.now); /* gone: nothing */
    no_req();
    app_pointer(&F.a, APP_BTN_NONE);
    assert_string_equal(button(scene(), APP_BTN_SERVER_BASE)->label, "attic?  [fe80::1%eth0]:7777, 1 player");

    /* The keyboard reaches the rows (after the fields and Connect); Enter
     * connects to the focused one. */
    app_button(&F.a, APP_BTN_FIELD_ADDR, F.now);
    key(APP_KEY_TAB);
    key(APP_KEY_TAB);
    key(APP_KEY_TAB);
    assert_int_equal(focused(), APP_BTN_SERVER_BASE);
    app_on_servers(&F.a, s + 2, 1); /* attic goes (the mouse is away): lab moves up */
    assert_int_equal(focused(), APP_BTN_SERVER_BASE);
    s[0].info.players = 4;
    app_on_servers(&F.a, s, 3); /* the others come back: at the end, in their order */
    sc = scene();
    assert_string_equal(button(sc, APP_BTN_SERVER_BASE)->label,
                        "lab  10.0.0.9:7000, 0 players, full, another version of ttt");
    assert_string_equal(button(sc, APP_BTN_SERVER_BASE + 1)->label, "Ann's box  192.168.1.20:7777, 4 players");
    assert_string_equal(button(sc, APP_BTN_SERVER_BASE + 2)->label, "attic?  [fe80::1%eth0]:7777, 1 player");
    assert_int_equal(focused(), APP_BTN_SERVER_BASE); /* still on lab */
    key(APP_KEY_DOWN);
    key(APP_KEY_ENTER); /* Enter on Ann's box */
    struct app_request r = req(APP_REQ_CONNECT);
    assert_string_equal(r.host, "192.168.1.20:7777");
    assert_string_equal(r.name, "ann");
    assert_false(app_wants_discovery(&F.a)); /* connecting: no more looking */
    F.e.phase = SESSION_LOBBY;
    net(SESSION_EV_WELCOME);
    assert_string_equal(req(APP_REQ_REMEMBER).host, "192.168.1.20:7777");
    assert_false(app_wants_discovery(&F.a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_computer_from_connect_screen),
        cmocka_unit_test(test_computer_from_lobby),
        cmocka_unit_test(test_series),
        cmocka_unit_test(test_series_watched),
        cmocka_unit_test(test_cues),
        cmocka_unit_test(test_mute),
        cmocka_unit_test(test_copy_invite),
        cmocka_unit_test(test_servers_on_connect_screen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
