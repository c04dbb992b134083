/* SPDX-License-Identifier: MIT */
/* fuzz_session.c: libFuzzer target over the session's state machine
 * (session/session.h), which takes bytes and times and nothing else: the
 * input is a script for it. Its first byte sets auto_reconnect and whether
 * a good WELCOME comes first; then each step's first byte picks what
 * happens: server bytes fed in a chunk (most steps, so that the frame
 * reader, the decoder and every frame check see hostile streams), time
 * passing, a user request, the connection breaking or coming back, the
 * output written or left to pile up, the events drained or left to fill
 * the ring. abort() when an invariant breaks: the output within its bound,
 * a closed session wanting no connection, taking no bytes and having no
 * deadline, a deadline never in the past after a tick, the phase and the
 * events of known kinds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The script's reader: bytes run out as zeros. */
struct script {
    const uint8_t *p;
    size_t n;
};

static uint8_t next(struct script *sc)
{
    if (sc->n == 0)
        return 0;
    sc->n--;
    return *sc->p++;
}

static void check(int ok)
{
    if (!ok)
        abort();
}

static void drain(struct session *s)
{
    struct session_event ev;
    while (session_next_event(s, &ev))
        check(ev.type >= SESSION_EV_WELCOME && ev.type < SESSION_EV_COUNT);
}

static void request(struct session *s, struct script *sc)
{
    struct session_request r;
    memset(&r, 0, sizeof r);
    r.type = (uint8_t)(next(sc) % (SESSION_REQ_CLOSE + 2));
    r.cell = (uint8_t)(next(sc) % 10);
    r.game_id = next(sc);
    for (size_t i = 0; i < sizeof r.code; i++)
        r.code[i] = (char)next(sc);
    if (next(sc) & 1)
        r.code[PROTO_CODE_LEN] = '\0';
    (void)session_request(s, &r);
}

static void feed(struct session *s, struct script *sc, uint64_t now)
{
    size_t len = 1 + next(sc) % 64;
    if (len > sc->n)
        len = sc->n;
    /* A heap block of exactly len bytes: ASan sees any read past it. */
    uint8_t *chunk = malloc(len ? len : 1);
    if (!chunk)
        return;
    memcpy(chunk, sc->p, len);
    sc->p += len;
    sc->n -= len;
    int rc = session_feed(s, chunk, len, now);
    free(chunk);
    check(rc == 0 || rc == -1);
}

/* One step of the script. */
static void step(struct session *s, struct script *sc, uint64_t *now)
{
    uint8_t op = next(sc);
    switch (op % 16) {
    case 0: /* time passes: up to 25.5 s */
        *now += (uint64_t)next(sc) * 100u;
        session_tick(s, *now);
        check(session_next_deadline(s) > *now || session_phase(s) == SESSION_CLOSED);
        break;
    case 1:
        request(s, sc);
        break;
    case 2:
        session_disconnected(s, *now, "lost");
        break;
    case 3:
        (void)session_connected(s, *now);
        break;
    default:
        feed(s, sc, *now);
        break;
    }
    if (!(op & 0x40)) {
        size_t len;
        (void)session_output(s, &len);
        session_output_sent(s, len);
    }
    if (!(op & 0x80))
        drain(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct script sc = { data, size };
    uint8_t mode = next(&sc);
    struct session_config cfg = { .name = "fuzz", .auto_reconnect = (uint8_t)(mode & 1) };
    struct session *s = session_new(&cfg, NULL);
    if (!s)
        return 0;
    uint64_t now = 1000;
    check(session_connected(s, now) == 0);
    if (mode & 2) {
        static const uint8_t welcome[] = { 0x81, 0x00, 0x15, 0x01, 0x3c, 0x4d, 0x5e, 0x6f, 0x80,
                                           0x91, 0xa2, 0xb3, 0xc4, 0xd5, 0xe6, 0xf7, 0x08, 0x19,
                                           0x2a, 0x3b, 0x00, 0x1e, 0x00, 0x14 };
        check(session_feed(s, welcome, sizeof welcome, now) == 0);
    }
    while (sc.n > 0) {
        step(s, &sc, &now);
        size_t len;
        (void)session_output(s, &len);
        check(len <= 4096);
        check(session_phase(s) < SESSION_PHASE_COUNT);
        if (session_phase(s) == SESSION_CLOSED) {
            check(session_link(s) == SESSION_LINK_NONE);
            check(session_next_deadline(s) == UINT64_MAX);
            check(session_feed(s, data, 1, now) == -1);
        }
    }
    drain(s);
    session_free(s);
    return 0;
}
