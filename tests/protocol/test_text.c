/* SPDX-License-Identifier: MIT */
/* test_text.c: the text rules of protocol/text.c -- every forbidden range at
 * its edges, with the characters just outside accepted; the name's space
 * rule; UTF-8 decoding against its definition; names of another length and names made from any text; JSON
 * escaping; making hostile text printable; and the one-line refusal of a
 * typed name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text.h"

/* cp encoded as UTF-8 into out (4 bytes at most); returns the length. */
static size_t encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* 1 if "a" cp "b" is a valid name. */
static int name_with(uint32_t cp)
{
    char s[8] = "a";
    size_t n = 1 + encode(cp, s + 1);
    s[n++] = 'b';
    return text_name_valid(s, n);
}

static const uint32_t ranges[][2] = {
    {0x0000, 0x001F}, {0x007F, 0x009F}, {0x00AD, 0x00AD}, {0x061C, 0x061C},
    {0x180E, 0x180E}, {0x200B, 0x200F}, {0x2028, 0x202E}, {0x2060, 0x2064},
    {0x2066, 0x206F}, {0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB},
};

/* Every code point of every forbidden range is refused in a name and in a
 * message; the code points just outside each range are accepted. */
static void forbidden_ranges_and_their_edges(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        for (uint32_t cp = ranges[i][0]; cp <= ranges[i][1]; cp++) {
            char s[4];
            size_t n = encode(cp, s);
            assert_true(text_cp_forbidden(cp));
            assert_false(name_with(cp));
            assert_false(text_valid(s, n));
            assert_int_equal(text_name_char(s, n), 0);
        }
        if (ranges[i][0] > 0x20)
            assert_true(name_with(ranges[i][0] - 1));
        assert_true(name_with(ranges[i][1] + 1));
    }
    assert_true(name_with(0x10FFFF));
    assert_true(name_with(0x1F600));
}

/* A space may stand inside a name, not at either end; a message may hold one anywhere. */
static void spaces_in_names(void **state)
{
    (void)state;
    assert_true(text_name_valid("al ice", 6));
    assert_false(text_name_valid(" alice", 6));
    assert_false(text_name_valid("alice ", 6));
    assert_false(text_name_valid(" ", 1));
    assert_true(text_valid(" try again ", 11));
    assert_true(text_valid("", 0));
    assert_int_equal(text_name_char(" x", 2), 1);
    assert_int_equal(text_name_char("\xE2\x82\xAC", 3), 3);
    assert_int_equal(text_name_char("\xE2\x82", 2), 0);
    assert_int_equal(text_name_char("", 0), 0);
}

/* The name rules with another limit: the same characters, the same space
 * rule, up to `max` bytes. */
static void names_of_another_length(void **state)
{
    (void)state;
    const char *s32 = "abcdefghijklmnopqrstuvwxyz012345";
    assert_true(text_name_valid_max(s32, 32, 32));
    assert_false(text_name_valid_max(s32, 32, 31));
    assert_false(text_name_valid(s32, 17));
    assert_true(text_name_valid_max("x", 1, 32));
    assert_false(text_name_valid_max("", 0, 32));
    assert_false(text_name_valid_max(" box", 4, 32));
    assert_false(text_name_valid_max("box ", 4, 32));
    assert_false(text_name_valid_max("b\x1bx", 3, 32));
    assert_false(text_name_valid_max("b\xe2\x80\xaex", 5, 32));
}

/* Any text made into a name: what a name may not hold dropped, spaces at
 * the ends trimmed, cut at a character boundary; always a valid name. */
static void names_fitted_from_any_text(void **state)
{
    char out[33];
    (void)state;
    assert_int_equal(text_name_fit("gamebox.lan", 11, 32, out), 11);
    assert_string_equal(out, "gamebox.lan");
    assert_int_equal(text_name_fit("  the box  ", 11, 32, out), 7);
    assert_string_equal(out, "the box");
    assert_int_equal(text_name_fit("a\x1b[2J\xff" "b\xe2\x80\xae" "c", 11, 32, out), 6);
    assert_string_equal(out, "a[2Jbc");
    /* 31 ASCII bytes and a 2-byte character: the character does not fit. */
    assert_int_equal(text_name_fit("abcdefghijklmnopqrstuvwxyz01234\xc3\xa9", 33, 32, out), 31);
    assert_true(text_name_valid_max(out, 31, 32));
    /* A space left at the end by the cut is trimmed too. */
    assert_int_equal(text_name_fit("abcdefghijklmno pqrst", 21, 16, out), 15);
    assert_string_equal(out, "abcdefghijklmno");
    assert_int_equal(text_name_fit("\x01\x02 \xc0\xaf", 5, 32, out), 0);
    assert_string_equal(out, "");
    assert_int_equal(text_name_fit("", 0, 32, out), 0);
    /* Every byte value alone, and after a letter: the result is a name or empty. */
    for (unsigned b = 0; b < 256; b++) {
        char in[2] = {'a', (char)b};
        size_t n = text_name_fit(in, 2, 32, out);
        assert_true(n >= 1 && text_name_valid_max(out, n, 32));
        n = text_name_fit(in + 1, 1, 32, out);
        assert_true(n == 0 || text_name_valid_max(out, n, 32));
    }
}

static void json_escape(void **state)
{
    char out[64];
    (void)state;
    assert_int_equal(text_json_escape("bob", 3, out, sizeof out), 3);
    assert_string_equal(out, "bob");
    text_json_escape("a\"b\\c", 5, out, sizeof out);
    assert_string_equal(out, "a\\\"b\\\\c");
    text_json_escape("\x01\x7f", 2, out, sizeof out);
    assert_string_equal(out, "\\u0001\\u007f");
    text_json_escape("\xc3\xa9", 2, out, sizeof out);
    assert_string_equal(out, "\\u00e9");
    text_json_escape("\xe2\x80\xae", 3, out, sizeof out);
    assert_string_equal(out, "\\u202e");
    text_json_escape("\xf0\x9f\x98\x80", 4, out, sizeof out);
    assert_string_equal(out, "\\ud83d\\ude00");
    text_json_escape("\xff\xc0\xaf", 3, out, sizeof out); /* not UTF-8 */
    assert_string_equal(out, "\\u00ff\\u00c0\\u00af");
    assert_int_equal(text_json_escape("abcdef", 6, out, 4), (size_t)-1);
    assert_string_equal(out, "abc");
    assert_int_equal(text_json_escape("a", 1, out, 0), (size_t)-1);
}

/* Forbidden characters and broken bytes become '?'; the rest is kept whole. */
static void printable(void **state)
{
    char out[32];
    (void)state;
    assert_int_equal(text_printable("ok \xc3\xa9", 5, out, sizeof out), 5);
    assert_string_equal(out, "ok \xc3\xa9");
    text_printable("a\xe2\x80\xae" "b\xc2\x9b" "c\x1b[2J\xff", 13, out, sizeof out);
    assert_string_equal(out, "a?b?c?[2J?");
    text_printable("\xed\xa0\x80", 3, out, sizeof out); /* a surrogate: 3 bad bytes */
    assert_string_equal(out, "???");
    /* cut at a character boundary: the euro sign does not fit in 3 bytes + NUL */
    assert_int_equal(text_printable("ab\xe2\x82\xac", 5, out, 4), 2);
    assert_string_equal(out, "ab");
}

/* A typed name: valid ones pass untouched; a refusal is one line with the name made printable
 * (cut to 63 bytes) and the rules, cut to the buffer. */
static void name_check(void **state)
{
    char why[256], small[8], longname[201];
    (void)state;
    strcpy(why, "untouched");
    assert_int_equal(text_name_check("h\xc3\xa9lo\xc3\xafse", why, sizeof why), 0);
    assert_string_equal(why, "untouched");
    assert_int_equal(text_name_check("a\x1b[2Jb", why, sizeof why), -1);
    assert_string_equal(why, "'a?[2Jb' is not a valid name (" TEXT_NAME_RULES ")");
    assert_int_equal(text_name_check("", why, sizeof why), -1);
    assert_string_equal(why, "'' is not a valid name (" TEXT_NAME_RULES ")");
    assert_int_equal(text_name_check(" x", why, sizeof why), -1);
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(text_name_check(longname, why, sizeof why), -1);
    assert_int_equal(strspn(why + 1, "n"), 63);
    assert_null(strchr(why, '\n'));
    assert_int_equal(text_name_check("", small, sizeof small), -1);
    assert_string_equal(small, "'' is n");
    assert_int_equal(text_name_check("", NULL, 0), -1);
}

/* text_copy: fits, cuts, NULL as "", never writes a byte it has no room for. */
static void copy_fits(void **state)
{
    (void)state;
    char out[8];
    memset(out, 'z', sizeof out);
    assert_int_equal(text_copy(out, sizeof out, "abc"), 3);
    assert_string_equal(out, "abc");
    text_copy(out, sizeof out, "abcdefghij"); /* cut to 7 bytes and the NUL */
    assert_string_equal(out, "abcdefg");
    text_copy(out, sizeof out, NULL);
    assert_string_equal(out, "");
    text_copy(out, 1, "abc");
    assert_string_equal(out, "");
    text_copy(NULL, 8, "abc"); /* nothing to write to: nothing happens */
    out[0] = 'q';
    text_copy(out, 0, "abc");
    assert_int_equal(out[0], 'q');
}

static void copy_keeps_utf8_whole(void **state)
{
    (void)state;
    char out[8];
    /* "ab" then three 2-byte characters (e-acute) then a 4-byte one (an emoji). */
    const char *s = "ab\xC3\xA9\xC3\xA9\xC3\xA9\xF0\x9F\x98\x80";
    assert_int_equal(text_copy(out, sizeof out, s), 6); /* 7 bytes: "ab" + 2 + 2 + half of the third */
    assert_string_equal(out, "ab\xC3\xA9\xC3\xA9");
    char six[6];
    text_copy(six, sizeof six, s); /* 5 bytes: the second character whole */
    assert_string_equal(six, "ab\xC3\xA9");
    char eleven[11];
    text_copy(eleven, sizeof eleven, s); /* 10 bytes: the emoji would be cut */
    assert_string_equal(eleven, "ab\xC3\xA9\xC3\xA9\xC3\xA9");
    char two[2];
    text_copy(two, sizeof two, "\xC3\xA9"); /* not even one character fits */
    assert_string_equal(two, "");
}

/* What a sequence of len bytes at s decodes to by arithmetic alone (the
 * payload bits, no table): the code point, or -1 when a byte after the lead
 * is not a continuation byte. */
static long naive_decode(const uint8_t *s, size_t len)
{
    static const uint8_t lead_bits[5] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    long v = s[0] & lead_bits[len];
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return -1;
        v = v << 6 | (s[i] & 0x3F);
    }
    return v;
}

/* Well-formed by the definition: the shortest form of a Unicode scalar value. */
static int well_formed(long cp, size_t len)
{
    static const long least[5] = {0, 0, 0x80, 0x800, 0x10000};
    return cp >= least[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

/* text_utf8_next against the definition, for every lead and second byte
 * with the other bytes at the edges of the continuation range and just
 * outside it, and for every length the input might be cut to. */
static void utf8_agrees_with_the_definition(void **state)
{
    (void)state;
    static const uint8_t tails[] = {0x7F, 0x80, 0xBF, 0xC0};
    for (unsigned lead = 0x80; lead <= 0xFF; lead++)
        for (unsigned second = 0; second <= 0xFF; second++)
            for (size_t t = 0; t < sizeof tails * sizeof tails; t++) {
                uint8_t s[4] = {(uint8_t)lead, (uint8_t)second, tails[t % 4], tails[t / 4]};
                size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
                long want = len && len <= 4 && lead < 0xF8 ? naive_decode(s, len) : -1;
                int good = want >= 0 && well_formed(want, len);
                for (size_t n = 1; n <= 4; n++) {
                    uint32_t cp = 0;
                    size_t got = text_utf8_next(s, n, &cp);
                    if (good && n >= len) {
                        assert_int_equal(got, len);
                        assert_int_equal(cp, (uint32_t)want);
                    } else {
                        assert_int_equal(got, 0);
                    }
                }
            }
    for (unsigned b = 0; b < 0x80; b++) {
        uint8_t s[1] = {(uint8_t)b};
        uint32_t cp = 0xFFFFFFFFu;
        assert_int_equal(text_utf8_next(s, 1, &cp), 1);
        assert_int_equal(cp, b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forbidden_ranges_and_their_edges),
        cmocka_unit_test(spaces_in_names),
        cmocka_unit_test(names_of_another_length),
        cmocka_unit_test(names_fitted_from_any_text),
        cmocka_unit_test(json_escape),
        cmocka_unit_test(printable),
        cmocka_unit_test(copy_fits),
        cmocka_unit_test(copy_keeps_utf8_whole),
        cmocka_unit_test(name_check),
        cmocka_unit_test(utf8_agrees_with_the_definition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
