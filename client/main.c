/* SPDX-License-Identifier: MIT */
/* main.c: ttt, the SDL2 client's main thread: command line, font, window
 * (with its icon) and renderer, sound, and an event loop that sleeps in
 * SDL_WaitEventTimeout until input, a network event (an SDL user event
 * pushed by the network thread) or the next timer arrives -- the app's, the
 * sound's, the computer's, or the next frame while something moves -- and
 * redraws only when something changed (after a network event or a timeout:
 * only when the scene did). It turns pixels into cells and buttons (layout),
 * SDL keys into app keys, and routes the app's requests: network ones to
 * the network thread, or to the computer while the player plays it; QUIT,
 * FULLSCREEN, REMEMBER, MUTE, CLIPBOARD here. It plays the app's cues,
 * flashes the window when it becomes the player's turn behind others, keeps
 * the window title on the game, and has the network thread look for
 * servers while the connect screen shows. */
#include <ctype.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "app.h"
#include "app_words.h"
#include "computer.h"
#include "config.h"
#include "font.h"
#include "layout.h"
#include "motion.h"
#include "netthread.h"
#include "options.h"
#include "render.h"
#include "scene.h"
#include "sound.h"

#define WINDOW_W 640
#define WINDOW_H 720
#define CLOSE_CAP_MS 1500u      /* after a window close, wait this long for the app's QUIT */
#define FLUSH_CAP_MS 1000u      /* the network thread's goodbye budget */
#define ICON_PX 64              /* the window icon's side */

struct ui {
    SDL_Window *win;
    SDL_Renderer *ren;
    struct render *render;
    struct netthread *net;
    int ttf;                    /* TTF_Init done */
    Uint32 net_event;           /* registered SDL event type: "network events waiting" */
    struct app app;
    struct scene scene;
    struct layout layout;       /* as last drawn: what the mouse is tested against */
    int laid_out;
    int dirty;                  /* draw the next frame even if its scene is the one shown */
    struct scene shown;         /* the scene on screen */
    unsigned hover;
    int closing;                /* the window was closed; waiting for the app's QUIT */
    uint64_t close_deadline_ms;
    int debug;                  /* TTT_DEBUG set: print the board's cells and network events */
    struct layout_rect printed_board;
    char printed_rows[512];     /* TTT_DEBUG: the list rows' line last printed */
    int quit;
    struct motion motion;       /* what moves on the board */
    int motion_ms;              /* the next frame while something moves; -1 when nothing does */
    struct sound *sound;
    struct computer computer;   /* the game against the computer, while computer_on */
    int computer_on;            /* its requests and events, not the network thread's */
    int pointer;                /* the button under the mouse, as told to the app */
    char title[SCENE_TEXT_MAX + 16]; /* the window's title as last set */
    int discovering;            /* the network thread looks for servers */
    uint16_t announce_port;     /* where they answer (0: DISC_PORT) */
};

/* The network thread's wake-up: a bare SDL user event (SDL_PushEvent is
 * thread-safe). The events themselves wait in the netthread's outbox. */
static int wake_main(void *ctx)
{
    const Uint32 *type = ctx;
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = *type;
    return SDL_PushEvent(&ev) == 1 ? 0 : -1;
}

/* ---- requests and network events ---- */

/* Change the config file: load it (what it says of other settings is
 * kept), let `set` change c, save it. Without a home directory there is
 * nothing to remember into. */
static void change_config(void (*set)(struct config *c, const void *arg), const void *arg)
{
    char path[CONFIG_PATH_MAX];
    struct config c;
    memset(&c, 0, sizeof c);
    if (config_path(path, sizeof path) < 0)
        return;
    if (config_load(&c, path) < 0)
        fprintf(stderr, "ttt: reading %s: %s (rewriting it)\n", path, strerror(errno));
    set(&c, arg);
    if (config_save(&c, path) < 0)
        fprintf(stderr, "ttt: cannot save %s: %s\n", path, strerror(errno));
}

static void set_last_used(struct config *c, const void *arg)
{
    const struct app_request *r = arg;
    snprintf(c->addr, sizeof c->addr, "%s", r->host);
    snprintf(c->name, sizeof c->name, "%s", r->name);
}

static void set_muted(struct config *c, const void *arg)
{
    c->muted = *(const uint8_t *)arg;
}

/* The server welcomed us: its address and our name are the last used. */
static void remember(const struct app_request *r)
{
    change_config(set_last_used, r);
}

/* M: the sound off or on, remembered. */
static void mute(struct ui *u, uint8_t muted)
{
    sound_set_muted(u->sound, muted);
    change_config(set_muted, &muted);
}

static void toggle_fullscreen(struct ui *u)
{
    Uint32 flags = SDL_GetWindowFlags(u->win);
    Uint32 to = (flags & SDL_WINDOW_FULLSCREEN_DESKTOP) ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP;
    if (SDL_SetWindowFullscreen(u->win, to) != 0)
        fprintf(stderr, "ttt: fullscreen: %s\n", SDL_GetError());
    u->dirty = 1;
}

/* TTT_DEBUG: one stderr line per network event, for scripts that play
 * through the window: event type, phase, our mark, whose turn, the board. */
static void print_state(const struct session_event *ev, const struct session_snapshot *snap)
{
    char cells[BOARD_CELLS + 1];
    const uint8_t *b = snap->game.board.cells;
    for (unsigned i = 0; i < BOARD_CELLS; i++)
        cells[i] = b[i] == BOARD_X ? 'X' : b[i] == BOARD_O ? 'O' : '.';
    cells[BOARD_CELLS] = '\0';
    char phase[32];
    snprintf(phase, sizeof phase, "%s", session_phase_name((enum session_phase)snap->phase));
    for (char *c = phase; *c; c++) /* "room wait" -> ROOM_WAIT: one word for scripts */
        *c = *c == ' ' ? '_' : (char)toupper((unsigned char)*c);
    uint8_t you = snap->game.you;
    fprintf(stderr, "ttt-state: event %u phase %s you %s my_turn %u board %s over %u\n",
            (unsigned)ev->type, phase, you == PROTO_MARK_X ? "X" : you == PROTO_MARK_O ? "O" : "-",
            (unsigned)snap->my_turn, cells, (unsigned)snap->game.over);
    fflush(stderr);
}

/* ---- the computer ---- */

/* A seed nobody can guess, so that no two series are the same. */
static uint64_t random_seed(void)
{
    uint64_t seed;
    if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed)
        seed = netthread_now_ms() ^ ((uint64_t)getpid() << 32); /* no entropy yet: good enough for a game */
    return seed;
}

static void start_computer(struct ui *u, const struct app_request *r)
{
    computer_start(&u->computer, (enum computer_level)r->level, r->name, random_seed(), netthread_now_ms());
    u->computer_on = 1;
}

/* Hand the computer's events to the app, as a session's. */
static void take_computer_events(struct ui *u)
{
    struct session_event ev;
    struct session_snapshot snap;
    while (u->computer_on && computer_next_event(&u->computer, &ev)) {
        computer_snapshot(&u->computer, &snap);
        if (u->debug)
            print_state(&ev, &snap);
        app_on_computer(&u->app, &ev, &snap, netthread_now_ms());
    }
}

/* Make the computer's move when it is due. */
static void tick_computer(struct ui *u, uint64_t now)
{
    if (u->computer_on && now >= computer_next_deadline(&u->computer)) {
        computer_tick(&u->computer, now);
        take_computer_events(u);
    }
}

/* ---- requests ---- */

/* A session request: to the computer while the player plays it (a LEAVE
 * ends that), else to the network thread. */
static void route_session(struct ui *u, const struct session_request *r)
{
    if (u->computer_on) {
        if (computer_request(&u->computer, r, netthread_now_ms()))
            u->computer_on = 0;
        take_computer_events(u);
    } else if (netthread_request(u->net, r) < 0) {
        fprintf(stderr, "ttt: too many requests waiting for the network; one dropped\n");
    }
}

static void route_requests(struct ui *u)
{
    struct app_request r;
    while (app_take_request(&u->app, &r)) {
        switch (r.type) {
        case APP_REQ_QUIT: u->quit = 1; break;
        case APP_REQ_FULLSCREEN: toggle_fullscreen(u); break;
        case APP_REQ_REMEMBER: remember(&r); break;
        case APP_REQ_MUTE: mute(u, r.muted); break;
        case APP_REQ_CLIPBOARD:
            if (SDL_SetClipboardText(r.text) != 0)
                fprintf(stderr, "ttt: clipboard: %s\n", SDL_GetError());
            break;
        case APP_REQ_COMPUTER:
            start_computer(u, &r);
            take_computer_events(u);
            break;
        case APP_REQ_CONNECT:
            if (netthread_connect(u->net, r.host, r.name) < 0)
                fprintf(stderr, "ttt: too many requests waiting for the network; one dropped\n");
            break;
        default: route_session(u, &r.session); break;
        }
    }
}

/* The network thread's events, then the servers' list when it changed. */
static void take_net_events(struct ui *u)
{
    static struct discover_server found[APP_SERVERS_MAX];
    struct session_event ev;
    struct session_snapshot snap;
    char invite[SOCK_ADDR_LEN];
    size_t n;
    while (netthread_take_event(u->net, &ev, &snap, invite)) {
        if (u->debug && !u->computer_on)
            print_state(&ev, &snap);
        if (ev.type == SESSION_EV_WELCOME) {
            app_set_invite_addr(&u->app, invite);
            if (u->debug)
                fprintf(stderr, "ttt-invite: %s\n", invite[0] ? invite : "as typed");
        }
        app_on_net(&u->app, &ev, &snap, netthread_now_ms());
    }
    if (netthread_take_servers(u->net, found, APP_SERVERS_MAX, &n)) {
        app_on_servers(&u->app, found, n);
        if (u->debug)
            fprintf(stderr, "ttt-servers: %zu%s%s\n", n, n ? " first " : "", n ? found[0].addr : "");
    }
}

/* Look for servers while the app shows them, and only then. */
static void sync_discovery(struct ui *u)
{
    int want = app_wants_discovery(&u->app);
    if (want != u->discovering && netthread_discover(u->net, want, u->announce_port) == 0)
        u->discovering = want;
}

/* The app's cues: a sound, and a flash of a window that is behind others
 * when it has become the player's turn. */
static void give_feedback(struct ui *u, uint64_t now)
{
    struct app_feedback f = app_take_feedback(&u->app);
    if (f.sound >= 0)
        sound_play(u->sound, (enum sound_cue)f.sound, now);
    if (f.flash && !(SDL_GetWindowFlags(u->win) & SDL_WINDOW_INPUT_FOCUS) &&
        SDL_FlashWindow(u->win, SDL_FLASH_UNTIL_FOCUSED) != 0 && u->debug)
        fprintf(stderr, "ttt: flash: %s\n", SDL_GetError());
}

/* ---- input ---- */

/* Window points to drawable pixels (they differ on high-DPI screens). */
static void to_pixels(const struct ui *u, int x, int y, int *px, int *py)
{
    int ww, wh, dw, dh;
    SDL_GetWindowSize(u->win, &ww, &wh);
    if (SDL_GetRendererOutputSize(u->ren, &dw, &dh) != 0 || ww <= 0 || wh <= 0) {
        *px = x;
        *py = y;
        return;
    }
    *px = (int)((long long)x * dw / ww);
    *py = (int)((long long)y * dh / wh);
}

/* The button under the mouse, told to the app (a list's rows stay put
 * under it). */
static void point_at(struct ui *u, int id)
{
    if (id == u->pointer)
        return;
    u->pointer = id;
    app_pointer(&u->app, id);
    u->dirty = 1;
}

static void on_motion(struct ui *u, int x, int y)
{
    if (!u->laid_out)
        return;
    int px, py;
    to_pixels(u, x, y, &px, &py);
    unsigned cell = layout_cell_at(&u->layout, px, py);
    if (cell != u->hover) {
        u->hover = cell;
        app_hover_cell(&u->app, cell);
        u->dirty = 1;
    }
    point_at(u, layout_button_at(&u->layout, px, py));
}

static void on_click(struct ui *u, int x, int y)
{
    if (!u->laid_out)
        return;
    int px, py;
    to_pixels(u, x, y, &px, &py);
    uint64_t now = netthread_now_ms();
    int id = layout_button_at(&u->layout, px, py);
    if (id != APP_BTN_NONE) {
        app_button(&u->app, id, now);
    } else {
        unsigned cell = layout_cell_at(&u->layout, px, py);
        if (cell != BOARD_NO_CELL && !u->scene.dialog_shown)
            app_click_cell(&u->app, cell, now);
    }
    u->dirty = 1;
}

/* SDL key to app key; 0 for keys the app does not use. */
static int map_key(SDL_Keycode k)
{
    if (k >= SDLK_1 && k <= SDLK_9)
        return APP_KEY_1 + (int)(k - SDLK_1);
    switch (k) {
    case SDLK_KP_1: return APP_KEY_1;
    case SDLK_KP_2: return APP_KEY_2;
    case SDLK_KP_3: return APP_KEY_3;
    case SDLK_KP_4: return APP_KEY_4;
    case SDLK_KP_5: return APP_KEY_5;
    case SDLK_KP_6: return APP_KEY_6;
    case SDLK_KP_7: return APP_KEY_7;
    case SDLK_KP_8: return APP_KEY_8;
    case SDLK_KP_9: return APP_KEY_9;
    case SDLK_UP: return APP_KEY_UP;
    case SDLK_DOWN: return APP_KEY_DOWN;
    case SDLK_LEFT: return APP_KEY_LEFT;
    case SDLK_RIGHT: return APP_KEY_RIGHT;
    case SDLK_RETURN:
    case SDLK_KP_ENTER: return APP_KEY_ENTER;
    case SDLK_SPACE: return APP_KEY_SPACE;
    case SDLK_r: return APP_KEY_R;
    case SDLK_m: return APP_KEY_M;
    case SDLK_ESCAPE: return APP_KEY_ESC;
    case SDLK_F11: return APP_KEY_F11;
    case SDLK_BACKSPACE: return APP_KEY_BACKSPACE;
    case SDLK_TAB: return APP_KEY_TAB;
    default: return 0;
    }
}

/* Ctrl+V: the clipboard's text typed into the focused field. */
static void paste(struct ui *u)
{
    if (!SDL_HasClipboardText())
        return;
    char *text = SDL_GetClipboardText();
    if (text)
        app_paste(&u->app, text);
    SDL_free(text);
}

/* A key: Ctrl+C copies (the room screen's invite), Ctrl+V pastes; other
 * Ctrl combinations are not ttt's. */
static void on_key(struct ui *u, const SDL_Keysym *k)
{
    int ctrl = (k->mod & KMOD_CTRL) != 0;
    if (ctrl && k->sym == SDLK_c)
        app_key(&u->app, APP_KEY_COPY, netthread_now_ms());
    else if (ctrl && k->sym == SDLK_v)
        paste(u);
    else if (!ctrl && map_key(k->sym))
        app_key(&u->app, (enum app_key)map_key(k->sym), netthread_now_ms());
    else
        return;
    u->dirty = 1;
}

/* The window's close button (SDL_WINDOWEVENT_CLOSE, then SDL_QUIT for the
 * last window) or SIGINT/SIGTERM (SDL_QUIT): the app says goodbye (LEAVE when
 * seated) and asks to QUIT; CLOSE_CAP_MS bounds the wait for that. */
static void close_window(struct ui *u)
{
    uint64_t now = netthread_now_ms();
    if (u->closing)
        return; /* the same close, reported twice */
    u->closing = 1;
    u->close_deadline_ms = now + CLOSE_CAP_MS;
    app_close_window(&u->app, now);
    u->dirty = 1;
}

static void on_event(struct ui *u, const SDL_Event *ev)
{
    if (ev->type == u->net_event)
        return; /* the outbox is drained after every event */
    switch (ev->type) {
    case SDL_QUIT:
        close_window(u);
        break;
    case SDL_WINDOWEVENT:
        switch (ev->window.event) {
        case SDL_WINDOWEVENT_CLOSE:
            close_window(u);
            break;
        case SDL_WINDOWEVENT_LEAVE:
            if (u->hover != BOARD_NO_CELL) {
                u->hover = BOARD_NO_CELL;
                app_hover_cell(&u->app, BOARD_NO_CELL);
                u->dirty = 1;
            }
            point_at(u, APP_BTN_NONE);
            break;
        case SDL_WINDOWEVENT_EXPOSED:
        case SDL_WINDOWEVENT_SIZE_CHANGED:
        case SDL_WINDOWEVENT_RESIZED:
        case SDL_WINDOWEVENT_SHOWN:
        case SDL_WINDOWEVENT_RESTORED:
        case SDL_WINDOWEVENT_MAXIMIZED:
            u->dirty = 1;
            break;
        default:
            break;
        }
        break;
    case SDL_MOUSEMOTION:
        on_motion(u, ev->motion.x, ev->motion.y);
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (ev->button.button == SDL_BUTTON_LEFT)
            on_click(u, ev->button.x, ev->button.y);
        break;
    case SDL_KEYDOWN:
        on_key(u, &ev->key.keysym);
        break;
    case SDL_TEXTINPUT:
        app_text(&u->app, ev->text.text);
        u->dirty = 1;
        break;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        u->dirty = 1;
        break;
    default:
        break;
    }
}

/* ---- drawing ---- */

/* The centre of r in window coordinates "X,Y" (drawable pixels scaled). */
static void window_centre(const struct ui *u, struct layout_rect r, char *out, size_t cap)
{
    int ww, wh;
    SDL_GetWindowSize(u->win, &ww, &wh);
    int dw = u->layout.w > 0 ? u->layout.w : 1, dh = u->layout.h > 0 ? u->layout.h : 1;
    snprintf(out, cap, "%ld,%ld", (long)(r.x + r.w / 2) * ww / dw, (long)(r.y + r.h / 2) * wh / dh);
}

/* TTT_DEBUG: one stderr line whenever the list rows move or change, each
 * shown one as ID:X,Y (its centre in window coordinates), for scripts that
 * click a row. */
static void print_rows(struct ui *u)
{
    char line[sizeof u->printed_rows] = "", at[48];
    size_t n = 0;
    for (int i = 0; i < u->layout.button_count && n + 56 < sizeof line; i++) {
        if (u->layout.button_ids[i] < APP_BTN_GAME_BASE || u->layout.buttons[i].w == 0)
            continue;
        window_centre(u, u->layout.buttons[i], at, sizeof at);
        n += (size_t)snprintf(line + n, sizeof line - n, " %d:%.40s", u->layout.button_ids[i], at);
    }
    if (strcmp(line, u->printed_rows) == 0)
        return;
    memcpy(u->printed_rows, line, sizeof line);
    fprintf(stderr, "ttt-rows:%s\n", line);
    fflush(stderr);
}

/* TTT_DEBUG: one stderr line whenever the board moves, with each
 * cell's centre in window coordinates, for scripts that click cells. */
static void print_layout(struct ui *u)
{
    const struct layout_rect b = u->layout.board;
    print_rows(u);
    if (b.w == 0 || (b.x == u->printed_board.x && b.y == u->printed_board.y &&
                     b.w == u->printed_board.w && b.h == u->printed_board.h))
        return;
    u->printed_board = b;
    int ww, wh;
    char at[48];
    SDL_GetWindowSize(u->win, &ww, &wh);
    fprintf(stderr, "ttt-layout: window %dx%d board %d %d %d %d cells", ww, wh, b.x, b.y, b.w, b.h);
    for (unsigned c = 0; c < BOARD_CELLS; c++) {
        window_centre(u, layout_cell_rect(&u->layout, c), at, sizeof at);
        fprintf(stderr, " %s", at);
    }
    fputc('\n', stderr);
    fflush(stderr);
}

/* A title for a locale that is not UTF-8 (X11 sets a window's title in the
 * locale's charset, and drops one it cannot convert): the dash and the
 * ellipsis spelled in ASCII, any other character as '?'. */
static void ascii_title(char *t)
{
    static const struct { const char *utf8, *ascii; } spell[] = {{"\u2014", "-"}, {"\u2026", "..."}};
    char out[SCENE_TEXT_MAX + 16];
    size_t n = 0;
    for (const char *p = t; *p && n + 4 < sizeof out;) {
        size_t i = 0;
        while (i < 2 && strncmp(p, spell[i].utf8, strlen(spell[i].utf8)) != 0)
            i++;
        if (i < 2) {
            n += (size_t)snprintf(out + n, sizeof out - n, "%s", spell[i].ascii);
            p += strlen(spell[i].utf8);
        } else if ((unsigned char)*p < 0x80) {
            out[n++] = *p++;
        } else {
            out[n++] = '?';
            do
                p++;
            while (((unsigned char)*p & 0xC0) == 0x80);
        }
    }
    out[n] = '\0';
    memcpy(t, out, n + 1);
}

/* The window's title follows the game ("Your turn — ttt"), set when it changes. */
static void update_title(struct ui *u)
{
    char title[sizeof u->title];
    app_title_words(&u->app, u->scene.title, title, sizeof title);
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        ascii_title(title);
    if (strcmp(title, u->title) == 0)
        return;
    SDL_SetWindowTitle(u->win, title);
    memcpy(u->title, title, sizeof title);
}

/* Draw the frame; unless u->dirty, only when its scene (with what moves in
 * it) differs from the one on screen (a refreshed game list with the same
 * games, a wake-up for the app's timer that changed nothing: no frame). */
static void draw(struct ui *u)
{
    int w, h;
    if (SDL_GetRendererOutputSize(u->ren, &w, &h) != 0) {
        fprintf(stderr, "ttt: renderer output size: %s\n", SDL_GetError());
        SDL_GetWindowSize(u->win, &w, &h);
    }
    uint64_t now = netthread_now_ms();
    app_fill_scene(&u->app, &u->scene, now);
    u->motion_ms = motion_apply(&u->motion, &u->scene, now);
    update_title(u);
    if (!u->dirty && u->laid_out && w == u->layout.w && h == u->layout.h &&
        memcmp(&u->scene, &u->shown, sizeof u->scene) == 0)
        return;
    memcpy(&u->shown, &u->scene, sizeof u->shown); /* both from scene_reset: same scene, same bytes */
    layout_compute(&u->layout, w, h, &u->scene);
    u->laid_out = 1;
    if (render_frame(u->render, &u->scene, &u->layout) < 0)
        fprintf(stderr, "ttt: drawing: %s\n", SDL_GetError());
    SDL_RenderPresent(u->ren);
    if (u->debug)
        print_layout(u);
}

/* ---- the loop ---- */

/* The sooner of two waits in ms (-1: none). */
static int sooner(int a, int b)
{
    return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

/* Milliseconds until a deadline (UINT64_MAX: none, -1). */
static int until(uint64_t deadline, uint64_t now)
{
    if (deadline == UINT64_MAX)
        return -1;
    return deadline <= now ? 0 : deadline - now > INT32_MAX ? INT32_MAX : (int)(deadline - now);
}

/* How long to sleep: until the app's screen changes by itself, the sound's
 * device is to pause, the next frame of what moves, the computer's move,
 * or the end of the wait for a close (-1: until an event). */
static int wait_timeout(const struct ui *u, uint64_t now)
{
    int t = app_redraw_in(&u->app, now);
    t = sooner(t, sound_next_ms(u->sound, now));
    t = sooner(t, u->motion_ms);
    if (u->computer_on)
        t = sooner(t, until(computer_next_deadline(&u->computer), now));
    if (u->closing)
        t = sooner(t, until(u->close_deadline_ms, now));
    return t;
}

static void run(struct ui *u)
{
    while (!u->quit) {
        take_net_events(u);
        route_requests(u);
        if (u->quit)
            break;
        uint64_t now = netthread_now_ms();
        if (u->closing && now >= u->close_deadline_ms)
            break; /* the app never said QUIT: leave anyway */
        app_tick(&u->app, now);
        tick_computer(u, now);
        route_requests(u);
        give_feedback(u, now);
        sound_tick(u->sound, now);
        sync_discovery(u);
        /* Every wake-up may have changed the scene (an event, the app's
         * timer, a toast that expired while an unrelated event woke us):
         * draw() compares and makes a frame only when it did. */
        draw(u);
        u->dirty = 0;
        int timeout = wait_timeout(u, now);
        SDL_Event ev;
        int got = timeout < 0 ? SDL_WaitEvent(&ev) : SDL_WaitEventTimeout(&ev, timeout);
        if (!got) {
            if (timeout < 0) { /* waiting without a timeout: 0 is an error */
                fprintf(stderr, "ttt: waiting for events: %s\n", SDL_GetError());
                break;
            }
            continue; /* the timeout: the app's screen changes now, or its timer is due */
        }
        on_event(u, &ev);
        while (!u->quit && SDL_PollEvent(&ev)) /* take what else is queued before redrawing */
            on_event(u, &ev);
    }
}

/* ---- setup ---- */

static int fail(const char *what, const char *why)
{
    fprintf(stderr, "ttt: %s: %s\n", what, why);
    return -1;
}

static SDL_Renderer *make_renderer(SDL_Window *win)
{
    SDL_Renderer *r = SDL_CreateRenderer(win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    if (r)
        return r;
    fprintf(stderr, "ttt: no accelerated renderer (%s); drawing in software\n", SDL_GetError());
    return SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
}

/* SDL_ttf, the network wake-up's event type, the window, the renderer, the
 * text drawing and the network thread: 0, or -1 having said why (close_ui
 * frees what was made). */
static int open_ui(struct ui *u, const struct client_options *o, const char *font_path)
{
    if (TTF_Init() != 0)
        return fail("cannot start SDL_ttf", TTF_GetError());
    u->ttf = 1;
    u->net_event = SDL_RegisterEvents(1);
    if (u->net_event == (Uint32)-1)
        return fail("cannot register an SDL event type", SDL_GetError());
    Uint32 wflags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    if (o->fullscreen)
        wflags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    u->win = SDL_CreateWindow("ttt", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, WINDOW_W,
                              WINDOW_H, wflags);
    if (!u->win)
        return fail("cannot open a window", SDL_GetError());
    SDL_SetWindowMinimumSize(u->win, LAYOUT_MIN_W, LAYOUT_MIN_H);
    SDL_Surface *icon = render_icon(ICON_PX);
    if (icon) {
        SDL_SetWindowIcon(u->win, icon);
        SDL_FreeSurface(icon);
    } else {
        fprintf(stderr, "ttt: no window icon: %s\n", SDL_GetError());
    }
    u->ren = make_renderer(u->win);
    if (!u->ren)
        return fail("cannot create a renderer", SDL_GetError());
    char ferr[FONT_ERR_MAX];
    u->render = render_new(u->ren, font_path, ferr);
    if (!u->render)
        return fail("cannot draw text", ferr);
    u->net = netthread_start(wake_main, &u->net_event);
    if (!u->net)
        return fail("cannot start the network thread", strerror(errno));
    return 0;
}

/* Undo open_ui, as far as it went (the network thread says goodbye first). */
static void close_ui(struct ui *u)
{
    netthread_stop(u->net, FLUSH_CAP_MS);
    render_free(u->render);
    if (u->ren)
        SDL_DestroyRenderer(u->ren);
    if (u->win)
        SDL_DestroyWindow(u->win);
    if (u->ttf)
        TTF_Quit();
}

/* The app, from the command line and the remembered address and name. */
static void start_app(struct ui *u, const struct client_options *o, const struct config *cfg)
{
    struct app_options ao;
    memset(&ao, 0, sizeof ao);
    ao.addr = o->addr;
    ao.last_addr = cfg->addr[0] ? cfg->addr : NULL;
    ao.name = o->name ? o->name : (cfg->name[0] ? cfg->name : NULL);
    ao.room = o->room[0] ? o->room : NULL;
    ao.create_room = o->create_room;
    ao.spectate = o->spectate;
    ao.computer = o->computer;
    ao.muted = cfg->muted;
    app_init(&u->app, &ao, netthread_now_ms());
    u->dirty = 1;
}

/* Without X11 or Wayland SDL falls back to a driver with no screen: an
 * invisible window nobody can play in. 1 when that happened unasked. */
static int no_display(void)
{
    const char *video = SDL_GetCurrentVideoDriver();
    return video && (strcmp(video, "offscreen") == 0 || strcmp(video, "dummy") == 0) &&
           !getenv("SDL_VIDEODRIVER");
}

int main(int argc, char **argv)
{
    setlocale(LC_CTYPE, ""); /* the user's charset: X11 sets the window title in it */
    struct client_options o;
    char err[256];
    switch (options_parse(argc, argv, &o, err, sizeof err)) {
    case OPTIONS_EXIT_OK: return 0;
    case OPTIONS_BAD: fprintf(stderr, "ttt: %s\n", err); return 2;
    default: break;
    }

    /* Remembered address and name: a file we cannot read is no reason to stop. */
    struct config cfg;
    memset(&cfg, 0, sizeof cfg);
    char path[CONFIG_PATH_MAX];
    if (config_path(path, sizeof path) == 0 && config_load(&cfg, path) < 0)
        fprintf(stderr, "ttt: ignoring %s: %s\n", path, strerror(errno));

    char font_path[FONT_PATH_MAX];
    char ferr[FONT_ERR_MAX];
    if (font_find(o.font, font_path, ferr) < 0) {
        fprintf(stderr, "ttt: %s\n", ferr);
        return 1;
    }

    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fail("cannot start SDL video", SDL_GetError());
        return 1;
    }
    if (no_display()) {
        fprintf(stderr, "ttt: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not set)\n");
        SDL_Quit();
        return 1;
    }
    static struct ui u; /* large (scene, layout, outbox copies): not on the stack */
    memset(&u, 0, sizeof u);
    u.hover = BOARD_NO_CELL;
    u.debug = getenv("TTT_DEBUG") != NULL;
    u.announce_port = o.announce_port;
    motion_init(&u.motion);
    u.sound = sound_open(); /* no audio device: silent, not an error */
    sound_set_muted(u.sound, cfg.muted);
    int rc = 1;
    if (open_ui(&u, &o, font_path) == 0) {
        start_app(&u, &o, &cfg);
        run(&u);
        rc = 0;
    }
    close_ui(&u);
    sound_close(u.sound);
    SDL_Quit();
    return rc;
}
