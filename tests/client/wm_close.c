/* SPDX-License-Identifier: MIT */
/* wm_close.c: ask an X11 window to close the way a window manager's close
 * button does -- a WM_PROTOCOLS / WM_DELETE_WINDOW client message -- for the
 * client end-to-end test, where Xvfb runs without a window manager.
 * usage: ttt_wm_close WINDOW_ID   (decimal or 0x hex; DISPLAY from the environment) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <X11/Xlib.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: ttt_wm_close WINDOW_ID\n");
        return 2;
    }
    char *end;
    unsigned long id = strtoul(argv[1], &end, 0);
    if (*argv[1] == '\0' || *end != '\0' || id == 0) {
        fprintf(stderr, "ttt_wm_close: '%s' is not a window id\n", argv[1]);
        return 2;
    }
    Display *d = XOpenDisplay(NULL);
    if (!d) {
        fprintf(stderr, "ttt_wm_close: cannot open the display\n");
        return 1;
    }
    XEvent ev;
    memset(&ev, 0, sizeof ev);
    ev.xclient.type = ClientMessage;
    ev.xclient.window = (Window)id;
    ev.xclient.message_type = XInternAtom(d, "WM_PROTOCOLS", False);
    ev.xclient.format = 32;
    ev.xclient.data.l[0] = (long)XInternAtom(d, "WM_DELETE_WINDOW", False);
    ev.xclient.data.l[1] = CurrentTime;
    int ok = XSendEvent(d, (Window)id, False, NoEventMask, &ev) != 0;
    XSync(d, False);
    XCloseDisplay(d);
    if (!ok) {
        fprintf(stderr, "ttt_wm_close: XSendEvent failed\n");
        return 1;
    }
    return 0;
}
