/* SPDX-License-Identifier: MIT */
/* sound.h: the client's sounds -- short cues for a move, your turn, low time,
 * a win, a loss and a draw -- generated at start (no files, no library but
 * SDL2's audio) and played through one SDL audio device.
 *
 * A cue is queued on the device (SDL_QueueAudio: no callback of ours) and
 * replaces what was still playing. The device runs only while a cue plays:
 * it is paused again once the cue has drained (sound_tick, when
 * sound_next_ms says), so a client that makes no sound costs no audio work.
 * No audio device (no sound card, no sound server, SDL_AUDIODRIVER naming
 * none) is not an error: every call still works and plays nothing. Muted,
 * nothing is queued.
 *
 * Not thread-safe: one thread (the main loop) calls everything.
 */
#ifndef TTT_SOUND_H
#define TTT_SOUND_H

#include <stddef.h>
#include <stdint.h>

enum sound_cue {
    SOUND_MOVE = 0,           /* a mark placed (either player's) */
    SOUND_YOUR_TURN,          /* it has become your turn */
    SOUND_LOW_TIME,           /* 5 s left on your clock */
    SOUND_WIN,
    SOUND_LOSS,
    SOUND_DRAW,
    SOUND_COUNT
};

#define SOUND_RATE 48000      /* samples a second asked of the device (it may choose another) */
#define SOUND_MAX_MS 700      /* no cue is longer */

struct sound;

/* Start SDL's audio and open the default output device, with every cue
 * generated for its sample rate. Without a device the result plays nothing
 * (sound_available says so). NULL only when memory runs out. */
struct sound *sound_open(void);

/* Close the device and stop SDL's audio. NULL is fine. */
void sound_close(struct sound *s);

/* 1 when a device is open (sounds can be heard), 0 when not. */
int sound_available(const struct sound *s);

/* Mute (1) or unmute (0); muting stops what plays. */
void sound_set_muted(struct sound *s, int muted);
int sound_muted(const struct sound *s);

/* Play cue now (now_ms: a monotonic clock in milliseconds), instead of what
 * was still playing. Nothing when muted or without a device. */
void sound_play(struct sound *s, enum sound_cue cue, uint64_t now_ms);

/* Pause the device when the cue has played out. Call it when sound_next_ms
 * says (calling it more often is harmless). */
void sound_tick(struct sound *s, uint64_t now_ms);

/* Milliseconds until sound_tick should run, or -1 when the device is idle
 * (paused, or none). */
int sound_next_ms(const struct sound *s, uint64_t now_ms);

/* 1 while the device runs (a cue plays or has not drained yet). */
int sound_playing(const struct sound *s);

/* Generate cue at `rate` samples a second into out (16-bit mono, at most
 * cap samples): returns the sample count (what it needs when cap is too
 * small, nothing then written). For sound_open and tests. */
size_t sound_synth(enum sound_cue cue, int rate, int16_t *out, size_t cap);

#endif
