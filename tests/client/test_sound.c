/* SPDX-License-Identifier: MIT */
/* test_sound.c: the client's sounds. The cues as generated (short, loud
 * enough, no click at either end, at any sample rate); played through SDL's
 * "disk" audio driver, which writes what the device plays to a file: a cue
 * is heard (the file is not silent) and the device is paused once it has
 * played; muted, the file stays silent; with no audio driver at all, every
 * call still works and plays nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>

#include "sound.h"

static char wav_path[] = "/tmp/ttt-test-sound-XXXXXX";

static void test_synth(void **state)
{
    (void)state;
    static const int rates[] = { 22050, 44100, 48000 };
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++)
        for (int c = 0; c < SOUND_COUNT; c++) {
            int rate = rates[r];
            size_t n = sound_synth((enum sound_cue)c, rate, NULL, 0);
            assert_true(n >= (size_t)rate * 30 / 1000 && n <= (size_t)rate * SOUND_MAX_MS / 1000);
            int16_t *buf = calloc(n + 1, sizeof *buf);
            assert_non_null(buf);
            assert_int_equal(sound_synth((enum sound_cue)c, rate, buf, n - 1), n); /* too small */
            assert_int_equal(buf[n / 2], 0);
            assert_int_equal(sound_synth((enum sound_cue)c, rate, buf, n), n);
            int peak = 0;
            for (size_t i = 0; i < n; i++)
                peak = abs(buf[i]) > peak ? abs(buf[i]) : peak;
            assert_true(peak > 32767 / 8 && peak < 32767 * 95 / 100);
            /* Starts from silence and ends in it: no click. */
            assert_true(abs(buf[0]) < 200);
            for (size_t i = n - (size_t)rate / 1000; i < n; i++)
                assert_true(abs(buf[i]) < 400);
            free(buf);
        }
    /* The cues differ from one another. */
    int16_t a[48000], b[48000];
    size_t na = sound_synth(SOUND_WIN, 48000, a, 48000), nb = sound_synth(SOUND_LOSS, 48000, b, 48000);
    assert_true(na != nb || memcmp(a, b, na * sizeof a[0]) != 0);
    assert_int_equal(sound_synth(SOUND_COUNT, 48000, a, 48000), 0);
}

/* The loudest sample the disk driver wrote. */
static int file_peak(const char *path, size_t *samples)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    int peak = 0;
    int16_t buf[4096];
    size_t n;
    *samples = 0;
    while ((n = fread(buf, sizeof buf[0], 4096, f)) > 0) {
        *samples += n;
        for (size_t i = 0; i < n; i++)
            peak = abs(buf[i]) > peak ? abs(buf[i]) : peak;
    }
    fclose(f);
    return peak;
}

static void use_disk_driver(void)
{
    assert_int_equal(setenv("SDL_AUDIODRIVER", "disk", 1), 0);
    assert_int_equal(setenv("SDL_DISKAUDIOFILE", wav_path, 1), 0);
}

/* Tick as the main loop would until the device is idle (at most 3 s). */
static void play_out(struct sound *s)
{
    uint64_t start = SDL_GetTicks64();
    int wait;
    while ((wait = sound_next_ms(s, SDL_GetTicks64())) >= 0 && SDL_GetTicks64() - start < 3000) {
        SDL_Delay((Uint32)(wait > 0 ? wait : 1));
        sound_tick(s, SDL_GetTicks64());
    }
}

static void test_plays_then_pauses(void **state)
{
    (void)state;
    use_disk_driver();
    struct sound *s = sound_open();
    assert_non_null(s);
    assert_true(sound_available(s));
    assert_false(sound_playing(s));
    assert_int_equal(sound_next_ms(s, SDL_GetTicks64()), -1);
    uint64_t t0 = SDL_GetTicks64();
    sound_play(s, SOUND_WIN, t0);
    assert_true(sound_playing(s));
    int wait = sound_next_ms(s, t0);
    assert_true(wait > 300 && wait < SOUND_MAX_MS + 400);
    sound_tick(s, t0 + 10); /* early: still playing */
    assert_true(sound_playing(s));
    play_out(s);
    assert_false(sound_playing(s)); /* paused: the device idles */
    assert_true(SDL_GetTicks64() - t0 >= 600);
    assert_int_equal(sound_next_ms(s, SDL_GetTicks64()), -1);
    sound_close(s);
    size_t samples;
    int peak = file_peak(wav_path, &samples);
    assert_true(samples > 0);
    if (peak < 32767 / 8)
        fail_msg("the cue was not heard: the loudest of %zu samples is %d", samples, peak);
}

static void test_muted_is_silent(void **state)
{
    (void)state;
    use_disk_driver();
    struct sound *s = sound_open();
    assert_non_null(s);
    sound_set_muted(s, 1);
    assert_true(sound_muted(s));
    for (int c = 0; c < SOUND_COUNT; c++)
        sound_play(s, (enum sound_cue)c, SDL_GetTicks64());
    assert_false(sound_playing(s));
    assert_int_equal(sound_next_ms(s, SDL_GetTicks64()), -1);
    /* Unmuted, a cue plays; muting it again stops it at once. */
    sound_set_muted(s, 0);
    sound_play(s, SOUND_LOSS, SDL_GetTicks64());
    assert_true(sound_playing(s));
    sound_set_muted(s, 1);
    assert_false(sound_playing(s));
    SDL_Delay(300);
    sound_close(s);
    size_t samples;
    int peak = file_peak(wav_path, &samples);
    if (peak > 0)
        fail_msg("muted, yet %zu samples reach %d", samples, peak);
}

static void test_no_device(void **state)
{
    (void)state;
    assert_int_equal(setenv("SDL_AUDIODRIVER", "no-such-driver", 1), 0);
    struct sound *s = sound_open();
    assert_non_null(s);
    assert_false(sound_available(s));
    sound_play(s, SOUND_MOVE, 5);
    assert_false(sound_playing(s));
    assert_int_equal(sound_next_ms(s, 5), -1);
    sound_tick(s, 1000);
    sound_set_muted(s, 1);
    assert_true(sound_muted(s));
    sound_close(s);
    sound_close(NULL);
}

static int setup(void **state)
{
    (void)state;
    int fd = mkstemp(wav_path);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(wav_path);
    SDL_Quit();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synth),
        cmocka_unit_test(test_plays_then_pauses),
        cmocka_unit_test(test_muted_is_silent),
        cmocka_unit_test(test_no_device),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
