/* main.c: ttt, the SDL2 client's main thread: command line, font, window
 * and renderer, and an event loop that sleeps in SDL_WaitEventTimeout until
 * input, a network event (an SDL user event pushed by the network thread) or
 * the app's next self-change or timer arrives, and redraws only when
 * something changed (after a network event or a timeout: only when the
 * scene did). It turns pixels into cells and buttons (layout), SDL keys into
 * app keys, and routes the app's requests: network ones to the network
 * thread, QUIT / FULLSCREEN / REMEMBER here. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "app.h"
#include "config.h"
#include "font.h"
#include "layout.h"
#include "netthread.h"
#include "options.h"
#include "render.h"
#include "scene.h"

#define WINDOW_W 640
#define WINDOW_H 720
#define WINDOW_MIN_W 320
#define WINDOW_MIN_H 400
#define CLOSE_CAP_MS 1500u      /* after a window close, wait this long for the app's QUIT */
#define FLUSH_CAP_MS 1000u      /* the network thread's goodbye budget */

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
    int quit;
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

static void remember(const struct app_request *r)
{
    char path[CONFIG_PATH_MAX];
    struct config c;
    memset(&c, 0, sizeof c);
    snprintf(c.addr, sizeof c.addr, "%s", r->host);
    snprintf(c.name, sizeof c.name, "%s", r->name);
    if (config_path(path, sizeof path) < 0)
        return; /* no home directory: nothing to remember into */
    if (config_save(&c, path) < 0)
        fprintf(stderr, "ttt: cannot save %s: %s\n", path, strerror(errno));
}

static void toggle_fullscreen(struct ui *u)
{
    Uint32 flags = SDL_GetWindowFlags(u->win);
    Uint32 to = (flags & SDL_WINDOW_FULLSCREEN_DESKTOP) ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP;
    if (SDL_SetWindowFullscreen(u->win, to) != 0)
        fprintf(stderr, "ttt: fullscreen: %s\n", SDL_GetError());
    u->dirty = 1;
}

static void route_requests(struct ui *u)
{
    struct app_request r;
    while (app_take_request(&u->app, &r)) {
        switch (r.type) {
        case APP_REQ_QUIT:
            u->quit = 1;
            break;
        case APP_REQ_FULLSCREEN:
            toggle_fullscreen(u);
            break;
        case APP_REQ_REMEMBER:
            remember(&r);
            break;
        case APP_REQ_CONNECT:
            if (netthread_connect(u->net, r.host, r.name) < 0)
                fprintf(stderr, "ttt: too many requests waiting for the network; one dropped\n");
            break;
        default:
            if (netthread_request(u->net, &r.session) < 0)
                fprintf(stderr, "ttt: too many requests waiting for the network; one dropped\n");
            break;
        }
    }
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

static void take_net_events(struct ui *u)
{
    struct session_event ev;
    struct session_snapshot snap;
    while (netthread_take_event(u->net, &ev, &snap)) {
        if (u->debug)
            print_state(&ev, &snap);
        app_on_net(&u->app, &ev, &snap, netthread_now_ms());
    }
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
    case SDLK_ESCAPE: return APP_KEY_ESC;
    case SDLK_F11: return APP_KEY_F11;
    case SDLK_BACKSPACE: return APP_KEY_BACKSPACE;
    case SDLK_TAB: return APP_KEY_TAB;
    default: return 0;
    }
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
    case SDL_KEYDOWN: {
        int k = map_key(ev->key.keysym.sym);
        if (k) {
            app_key(&u->app, (enum app_key)k, netthread_now_ms());
            u->dirty = 1;
        }
        break;
    }
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

/* TTT_DEBUG: one stderr line whenever the board moves, with each
 * cell's centre in window coordinates, for scripts that click cells. */
static void print_layout(struct ui *u)
{
    const struct layout_rect b = u->layout.board;
    if (b.w == 0 || (b.x == u->printed_board.x && b.y == u->printed_board.y &&
                     b.w == u->printed_board.w && b.h == u->printed_board.h))
        return;
    u->printed_board = b;
    int ww, wh;
    SDL_GetWindowSize(u->win, &ww, &wh);
    int dw = u->layout.w > 0 ? u->layout.w : 1, dh = u->layout.h > 0 ? u->layout.h : 1;
    fprintf(stderr, "ttt-layout: window %dx%d board %d %d %d %d cells", ww, wh, b.x, b.y, b.w, b.h);
    for (unsigned c = 0; c < BOARD_CELLS; c++) {
        struct layout_rect r = layout_cell_rect(&u->layout, c);
        long cx = (long)(r.x + r.w / 2) * ww / dw, cy = (long)(r.y + r.h / 2) * wh / dh;
        fprintf(stderr, " %ld,%ld", cx, cy);
    }
    fputc('\n', stderr);
    fflush(stderr);
}

/* Draw the frame; unless u->dirty, only when its scene differs from the one
 * on screen (a refreshed game list with the same games, a wake-up for the
 * app's timer that changed nothing: no frame). */
static void draw(struct ui *u)
{
    int w, h;
    if (SDL_GetRendererOutputSize(u->ren, &w, &h) != 0) {
        fprintf(stderr, "ttt: renderer output size: %s\n", SDL_GetError());
        SDL_GetWindowSize(u->win, &w, &h);
    }
    uint64_t now = netthread_now_ms();
    app_fill_scene(&u->app, &u->scene, now);
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

static int wait_timeout(const struct ui *u, uint64_t now)
{
    int t = app_redraw_in(&u->app, now);
    if (u->closing) {
        int left = u->close_deadline_ms > now ? (int)(u->close_deadline_ms - now) : 0;
        if (t < 0 || left < t)
            t = left;
    }
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
        route_requests(u);
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
    SDL_SetWindowMinimumSize(u->win, WINDOW_MIN_W, WINDOW_MIN_H);
    u->ren = make_renderer(u->win);
    if (!u->ren)
        return fail("cannot create a renderer", SDL_GetError());
    char ferr[FONT_ERR_MAX];
    u->render = render_new(u->ren, font_path, ferr);
    if (!u->render)
        return fail("cannot draw text", ferr);
    char nerr[NETTHREAD_ERR_LEN];
    u->net = netthread_start(wake_main, &u->net_event, nerr);
    if (!u->net)
        return fail("network", nerr);
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
    int rc = 1;
    if (open_ui(&u, &o, font_path) == 0) {
        start_app(&u, &o, &cfg);
        run(&u);
        rc = 0;
    }
    close_ui(&u);
    SDL_Quit();
    return rc;
}
