/* SPDX-License-Identifier: MIT */
/* text.h: text from the network -- UTF-8 decoding, the rules a player name
 * and an ERROR message follow (docs/PROTOCOL.md, "Names and text"), and the
 * two safe ways to show text: escaped as a JSON string, or made printable.
 * Pure: no allocation, no globals, never reads past the bytes given. */
#ifndef TTT_TEXT_H
#define TTT_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define TEXT_NAME_MAX 16 /* bytes of UTF-8 in a player name (PROTO_NAME_MAX) */

/* Decode one well-formed UTF-8 sequence at s[0..n) (n > 0): returns its
 * length (1..4) and sets *cp, or 0 when it is overlong, a surrogate, over
 * U+10FFFF, truncated, or not a lead byte (*cp then unspecified). */
size_t text_utf8_next(const uint8_t *s, size_t n, uint32_t *cp);

/* 1 if code point cp may not appear in a name or a message: C0 controls,
 * DEL, C1 controls, and the invisible and bidirectional formatting
 * characters (U+00AD, U+061C, U+180E, U+200B..U+200F, U+2028..U+202E,
 * U+2060..U+2064, U+2066..U+206F, U+FEFF, U+FFF9..U+FFFB). */
int text_cp_forbidden(uint32_t cp);

/* 1 if s[0..n) is well-formed UTF-8 with no forbidden code point: the rule
 * of an ERROR message (any length, empty included). */
int text_valid(const char *s, size_t n);

/* 1 if s[0..n) is a valid player name: 1..16 bytes, text_valid, and neither
 * beginning nor ending with a space (U+0020). */
int text_name_valid(const char *s, size_t n);

/* The same rules with a limit of `max` bytes instead of 16: for the other
 * names of the protocols, such as a server's name in discovery (32). */
int text_name_valid_max(const char *s, size_t n, size_t max);

/* The longest valid name of at most `max` bytes that can be made from
 * arbitrary text s[0..n) (a host name, a login): characters a name may not
 * hold and bytes that are not UTF-8 are dropped, spaces at either end are
 * trimmed, and the text is cut at a character boundary at `max` bytes.
 * Writes it NUL-terminated to out[0..max]; returns its length, 0 when
 * nothing of s could be kept. */
size_t text_name_fit(const char *s, size_t n, size_t max, char *out);

/* The name rules in words, for error messages. */
#define TEXT_NAME_RULES "1 to 16 bytes of UTF-8; no control, invisible or bidirectional " \
                        "characters; no space at either end"

/* A name as a person typed it (NUL-terminated: a command line, a form): 0
 * if it is valid, else -1 with one line in why[0..cap) saying so, the name
 * made printable (at most 63 bytes of it) and the rules. */
int text_name_check(const char *s, char *why, size_t cap);

/* Length of the character at s[0..n) when it may stand inside a name (a
 * space included), else 0. For editing a name one character at a time. */
size_t text_name_char(const char *s, size_t n);

/* s[0..n) as the inside of a JSON string, pure ASCII: '"' and '\\' are
 * backslashed, printable ASCII is kept, anything else is \uXXXX (a
 * surrogate pair above U+FFFF); bytes that are not UTF-8 are escaped one by
 * one as \u00XX. Writes a NUL-terminated string to out[0..cap). Returns its
 * length, or (size_t)-1 when it did not fit (out then holds what fitted,
 * NUL-terminated, when cap > 0). */
size_t text_json_escape(const char *s, size_t n, char *out, size_t cap);

/* Copy the NUL-terminated text s (NULL: "") into out, a buffer of cap
 * bytes: cut to fit at a character boundary, so UTF-8 stays whole, and
 * always NUL-terminated. Returns the length written; nothing is written when
 * out is NULL or cap is 0 (returns 0). */
size_t text_copy(char *out, size_t cap, const char *s);

/* s[0..n) made safe to print on a terminal or draw: well-formed characters
 * that are not forbidden are kept; each forbidden character, and each byte
 * that is not part of a well-formed sequence, becomes '?'. Writes a
 * NUL-terminated string to out[0..cap) (cap > 0), cut at a character
 * boundary when it does not fit; returns the length written. */
size_t text_printable(const char *s, size_t n, char *out, size_t cap);

#endif
