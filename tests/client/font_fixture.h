/* SPDX-License-Identifier: MIT */
/* font_fixture.h: the group setup and teardown of the tests that draw text:
 * the primary font found as ttt finds it (DejaVu Sans through fontconfig),
 * SDL_ttf started, and both stopped after the group. */
#ifndef TTT_TEST_FONT_FIXTURE_H
#define TTT_TEST_FONT_FIXTURE_H

#include <stdio.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "font.h"

/* The primary font's file, set by font_fixture_setup. */
static char fixture_font[FONT_PATH_MAX];

static int font_fixture_setup(void **state)
{
    (void)state;
    char err[FONT_ERR_MAX];
    if (font_find(NULL, fixture_font, err) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return TTF_Init() == 0 ? 0 : -1;
}

static int font_fixture_teardown(void **state)
{
    (void)state;
    TTF_Quit();
    SDL_Quit();
    return 0;
}

#endif
