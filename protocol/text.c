/* SPDX-License-Identifier: MIT */
/* text.c: UTF-8 decoding, the name and message rules, and escaping text for
 * output. The one place that knows what a character from the network may
 * be; the codec, the server's logs and record, the bot and the client all
 * ask here. */
#include "text.h"

#include <stdio.h>
#include <string.h>

/* The well-formed UTF-8 sequences by lead byte, as the Unicode Standard's
 * table 3-7 lists them: how long the sequence is, the lead's payload bits,
 * and the range the second byte must fall in (the narrow ones shut out
 * overlong forms, surrogates and code points past U+10FFFF). Lead bytes in
 * no row -- continuation bytes, C0, C1, F5..FF -- start nothing. */
static const struct utf8_lead {
    uint8_t first, last, len, bits, lo, hi;
} utf8_leads[] = {
    {0xC2, 0xDF, 2, 0x1F, 0x80, 0xBF},
    {0xE0, 0xE0, 3, 0x0F, 0xA0, 0xBF}, /* overlong below U+0800 */
    {0xE1, 0xEC, 3, 0x0F, 0x80, 0xBF},
    {0xED, 0xED, 3, 0x0F, 0x80, 0x9F}, /* surrogates U+D800..U+DFFF */
    {0xEE, 0xEF, 3, 0x0F, 0x80, 0xBF},
    {0xF0, 0xF0, 4, 0x07, 0x90, 0xBF}, /* overlong below U+10000 */
    {0xF1, 0xF3, 4, 0x07, 0x80, 0xBF},
    {0xF4, 0xF4, 4, 0x07, 0x80, 0x8F}, /* over U+10FFFF */
};

/* The row of lead byte b, NULL when b starts no sequence. */
static const struct utf8_lead *utf8_lead_of(uint8_t b)
{
    for (size_t i = 0; i < sizeof utf8_leads / sizeof utf8_leads[0]; i++)
        if (b >= utf8_leads[i].first && b <= utf8_leads[i].last)
            return &utf8_leads[i];
    return NULL;
}

size_t text_utf8_next(const uint8_t *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    const struct utf8_lead *lead = utf8_lead_of(s[0]);
    if (!lead || n < lead->len || s[1] < lead->lo || s[1] > lead->hi)
        return 0;
    uint32_t v = s[0] & lead->bits;
    for (size_t i = 1; i < lead->len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    *cp = v;
    return lead->len;
}

/* The invisible and bidirectional formatting characters, as closed ranges. */
static const uint32_t formatting[][2] = {
    {0x00AD, 0x00AD}, {0x061C, 0x061C}, {0x180E, 0x180E}, {0x200B, 0x200F},
    {0x2028, 0x202E}, {0x2060, 0x2064}, {0x2066, 0x206F}, {0xFEFF, 0xFEFF},
    {0xFFF9, 0xFFFB},
};

int text_cp_forbidden(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        return 1; /* C0, DEL, C1 */
    for (size_t i = 0; i < sizeof formatting / sizeof formatting[0]; i++)
        if (cp >= formatting[i][0] && cp <= formatting[i][1])
            return 1;
    return 0;
}

int text_valid(const char *s, size_t n)
{
    for (size_t i = 0, len; i < n; i += len)
        if ((len = text_name_char(s + i, n - i)) == 0)
            return 0;
    return 1;
}

int text_name_valid(const char *s, size_t n)
{
    return text_name_valid_max(s, n, TEXT_NAME_MAX);
}

int text_name_valid_max(const char *s, size_t n, size_t max)
{
    return n >= 1 && n <= max && s[0] != ' ' && s[n - 1] != ' ' && text_valid(s, n);
}

size_t text_name_fit(const char *s, size_t n, size_t max, char *out)
{
    size_t i = 0, o = 0;

    while (i < n) {
        size_t len = text_name_char(s + i, n - i);
        if (len == 0 || (o == 0 && s[i] == ' ')) {
            i += len ? len : 1; /* dropped, or a leading space */
            continue;
        }
        if (o + len > max)
            break;
        memcpy(out + o, s + i, len);
        o += len;
        i += len;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    return o;
}

size_t text_name_char(const char *s, size_t n)
{
    uint32_t cp;
    size_t len = n ? text_utf8_next((const uint8_t *)s, n, &cp) : 0;
    return len && !text_cp_forbidden(cp) ? len : 0;
}

size_t text_json_escape(const char *s, size_t n, char *out, size_t cap)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t o = 0;

    if (cap == 0)
        return (size_t)-1;
    for (size_t i = 0; i < n;) {
        char tmp[16];
        size_t tl;
        uint32_t cp;
        size_t len = text_utf8_next(p + i, n - i, &cp);
        if (len == 0) {
            cp = p[i];
            len = 1;
        }
        if (cp == '"' || cp == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)cp;
            tl = 2;
        } else if (cp >= 0x20 && cp < 0x7F) {
            tmp[0] = (char)cp;
            tl = 1;
        } else if (cp < 0x10000) {
            tl = (size_t)snprintf(tmp, sizeof tmp, "\\u%04x", (unsigned)cp);
        } else {
            uint32_t v = cp - 0x10000;
            tl = (size_t)snprintf(tmp, sizeof tmp, "\\u%04x\\u%04x", (unsigned)(0xD800 + (v >> 10)),
                                  (unsigned)(0xDC00 + (v & 0x3FF)));
        }
        if (o + tl >= cap) {
            out[o] = '\0';
            return (size_t)-1;
        }
        memcpy(out + o, tmp, tl);
        o += tl;
        i += len;
    }
    out[o] = '\0';
    return o;
}

size_t text_copy(char *out, size_t cap, const char *s)
{
    if (!out || cap == 0)
        return 0;
    size_t n = s ? strlen(s) : 0;
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* s[n] continues a character: cut before the character */
    }
    if (n > 0)
        memcpy(out, s, n);
    out[n] = '\0';
    return n;
}

size_t text_printable(const char *s, size_t n, char *out, size_t cap)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t o = 0;

    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = text_utf8_next(p + i, n - i, &cp);
        int keep = len > 0 && !text_cp_forbidden(cp);
        size_t w = keep ? len : 1;
        if (o + w >= cap)
            break;
        if (keep)
            memcpy(out + o, p + i, len);
        else
            out[o] = '?';
        o += w;
        i += len ? len : 1;
    }
    out[o] = '\0';
    return o;
}

int text_name_check(const char *s, char *why, size_t cap)
{
    size_t n = strlen(s);
    char shown[64];

    if (text_name_valid(s, n))
        return 0;
    text_printable(s, n, shown, sizeof shown);
    if (cap > 0)
        snprintf(why, cap, "'%s' is not a valid name (%s)", shown, TEXT_NAME_RULES);
    return -1;
}
