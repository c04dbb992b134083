/* SPDX-License-Identifier: MIT */
/* be.h: big-endian integers in a byte buffer, the byte order of every wire
 * format here -- private to protocol/ (proto.c, discovery.c), hence the
 * short static names. Explicit shifts, no alignment or host byte order
 * assumed. The caller checks the room; a put returns the byte after what it
 * wrote. */
#ifndef TTT_BE_H
#define TTT_BE_H

#include <stdint.h>

static inline uint16_t get16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint8_t *put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return p + 2;
}

static inline uint8_t *put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
    return p + 4;
}

#endif
