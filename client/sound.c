/* SPDX-License-Identifier: MIT */
/* sound.c: the cues' synthesis (notes of sine tones with a touch of their
 * octave, a quick attack and a decay that ends at silence) and their playing
 * through one queued SDL audio device, paused whenever it has nothing to
 * play (see sound.h). */
#include "sound.h"

#include <math.h>
#include <stdlib.h>

#include <SDL.h>

#define DEVICE_SAMPLES 1024   /* the device's buffer: about 21 ms at 48 kHz */
#define DRAIN_MS 150          /* after a cue's end, what the device and the system may still hold */
#define ATTACK_MS 4.0f
#define PI_F 3.14159265f

/* One note: from start_ms for dur_ms, its pitch gliding from f0 to f1 Hz,
 * at peak amplitude amp (1: full scale). */
struct note {
    uint16_t start_ms, dur_ms;
    float f0, f1, amp;
};

struct score {
    const struct note *notes;
    int count;
};

static const struct note move_notes[] = { { 0, 55, 760, 420, 0.42f } };
static const struct note turn_notes[] = { { 0, 120, 660, 660, 0.30f }, { 110, 190, 990, 990, 0.30f } };
static const struct note low_notes[] = { { 0, 45, 1250, 1250, 0.26f }, { 140, 45, 1250, 1250, 0.26f } };
static const struct note win_notes[] = { { 0, 120, 523, 523, 0.26f }, { 100, 120, 659, 659, 0.26f },
                                         { 200, 120, 784, 784, 0.26f }, { 300, 360, 1047, 1047, 0.28f } };
static const struct note loss_notes[] = { { 0, 170, 392, 392, 0.30f }, { 160, 170, 330, 330, 0.30f },
                                          { 320, 380, 262, 250, 0.32f } };
static const struct note draw_notes[] = { { 0, 160, 587, 587, 0.28f }, { 180, 240, 587, 587, 0.28f } };

#define SCORE(a) { a, (int)(sizeof a / sizeof a[0]) }
static const struct score scores[SOUND_COUNT] = {
    [SOUND_MOVE] = SCORE(move_notes), [SOUND_YOUR_TURN] = SCORE(turn_notes),
    [SOUND_LOW_TIME] = SCORE(low_notes), [SOUND_WIN] = SCORE(win_notes),
    [SOUND_LOSS] = SCORE(loss_notes), [SOUND_DRAW] = SCORE(draw_notes),
};

struct sound {
    int audio_started;        /* SDL_InitSubSystem(SDL_INIT_AUDIO) succeeded */
    SDL_AudioDeviceID dev;    /* 0: no device */
    int rate;
    int16_t *cue[SOUND_COUNT];
    size_t cue_len[SOUND_COUNT];   /* samples */
    int muted;
    int running;              /* the device is unpaused */
    uint64_t until_ms;        /* when the cue playing has drained */
};

/* A cue's length in milliseconds. */
static unsigned score_ms(const struct score *sc)
{
    unsigned end = 0;
    for (int i = 0; i < sc->count; i++) {
        unsigned e = (unsigned)sc->notes[i].start_ms + sc->notes[i].dur_ms;
        end = e > end ? e : end;
    }
    return end;
}

/* Note n's value at t seconds from its start (0 outside it). */
static float note_at(const struct note *n, float t)
{
    float d = (float)n->dur_ms / 1000.0f;
    if (t < 0 || t >= d)
        return 0;
    float u = t / d;
    /* The phase of a pitch gliding linearly from f0 to f1 over d. */
    float phase = 2 * PI_F * (n->f0 * t + (n->f1 - n->f0) * t * t / (2 * d));
    float attack = t * 1000.0f < ATTACK_MS ? t * 1000.0f / ATTACK_MS : 1.0f;
    float env = attack * expf(-3.0f * u) * (1.0f - u * u * u * u);
    return n->amp * env * (sinf(phase) + 0.3f * sinf(2 * phase)) / 1.3f;
}

size_t sound_synth(enum sound_cue cue, int rate, int16_t *out, size_t cap)
{
    if ((unsigned)cue >= SOUND_COUNT || rate <= 0)
        return 0;
    const struct score *sc = &scores[cue];
    size_t n = (size_t)score_ms(sc) * (size_t)rate / 1000;
    if (!out || cap < n)
        return n;
    for (size_t i = 0; i < n; i++) {
        float t = (float)i / (float)rate, v = 0;
        for (int k = 0; k < sc->count; k++)
            v += note_at(&sc->notes[k], t - (float)sc->notes[k].start_ms / 1000.0f);
        v = v > 1.0f ? 1.0f : v < -1.0f ? -1.0f : v;
        out[i] = (int16_t)lrintf(v * 32767.0f);
    }
    return n;
}

/* Generate every cue at s->rate: 0, or -1 when memory runs out. */
static int make_cues(struct sound *s)
{
    for (int c = 0; c < SOUND_COUNT; c++) {
        size_t n = sound_synth((enum sound_cue)c, s->rate, NULL, 0);
        s->cue[c] = malloc(n * sizeof *s->cue[c]);
        if (!s->cue[c])
            return -1;
        s->cue_len[c] = sound_synth((enum sound_cue)c, s->rate, s->cue[c], n);
    }
    return 0;
}

void sound_close(struct sound *s)
{
    if (!s)
        return;
    if (s->dev)
        SDL_CloseAudioDevice(s->dev);
    if (s->audio_started)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    for (int c = 0; c < SOUND_COUNT; c++)
        free(s->cue[c]);
    free(s);
}

struct sound *sound_open(void)
{
    struct sound *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0)
        return s; /* no audio driver: silent */
    s->audio_started = 1;
    SDL_AudioSpec want, have;
    SDL_zero(want);
    want.freq = SOUND_RATE;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = DEVICE_SAMPLES;
    s->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, SDL_AUDIO_ALLOW_FREQUENCY_CHANGE);
    if (!s->dev)
        return s; /* no device: silent */
    s->rate = have.freq;
    if (s->rate < 8000 || s->rate > 384000 || make_cues(s) < 0) {
        SDL_CloseAudioDevice(s->dev);
        s->dev = 0;
    }
    return s; /* opened paused */
}

int sound_available(const struct sound *s)
{
    return s && s->dev != 0;
}

static void stop(struct sound *s)
{
    if (!s->running)
        return;
    SDL_ClearQueuedAudio(s->dev);
    SDL_PauseAudioDevice(s->dev, 1);
    s->running = 0;
}

void sound_set_muted(struct sound *s, int muted)
{
    if (!s)
        return;
    s->muted = muted != 0;
    if (s->muted && s->dev)
        stop(s);
}

int sound_muted(const struct sound *s)
{
    return s && s->muted;
}

void sound_play(struct sound *s, enum sound_cue cue, uint64_t now_ms)
{
    if (!s || !s->dev || s->muted || (unsigned)cue >= SOUND_COUNT)
        return;
    SDL_ClearQueuedAudio(s->dev);
    size_t bytes = s->cue_len[cue] * sizeof *s->cue[cue];
    if (SDL_QueueAudio(s->dev, s->cue[cue], (Uint32)bytes) != 0)
        return; /* nothing queued: nothing to wait for */
    SDL_PauseAudioDevice(s->dev, 0);
    s->running = 1;
    s->until_ms = now_ms + (uint64_t)s->cue_len[cue] * 1000 / (uint64_t)s->rate + DRAIN_MS;
}

void sound_tick(struct sound *s, uint64_t now_ms)
{
    if (!s || !s->running || now_ms < s->until_ms)
        return;
    if (SDL_GetQueuedAudioSize(s->dev) > 0) {
        s->until_ms = now_ms + DRAIN_MS / 3; /* the device is late: look again soon */
        return;
    }
    SDL_PauseAudioDevice(s->dev, 1);
    s->running = 0;
}

int sound_next_ms(const struct sound *s, uint64_t now_ms)
{
    if (!s || !s->running)
        return -1;
    return s->until_ms > now_ms ? (int)(s->until_ms - now_ms) : 0;
}

int sound_playing(const struct sound *s)
{
    return s && s->running;
}
