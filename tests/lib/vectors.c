/* SPDX-License-Identifier: MIT */
/* vectors.c: reading protocol vectors files (see vectors.h). */
#include "vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

long vec_hex(const char *s, size_t len, int spaced, uint8_t *out, size_t cap)
{
    size_t i = 0, n = 0;

    while (i < len) {
        if (n > 0 && spaced && s[i++] != ' ')
            return -1;
        if (i + 2 > len || n == cap || hex_digit(s[i]) < 0 || hex_digit(s[i + 1]) < 0)
            return -1;
        out[n++] = (uint8_t)(hex_digit(s[i]) << 4 | hex_digit(s[i + 1]));
        i += 2;
    }
    return (long)n;
}

int vec_parse_line(const char *line, int lineno, struct vec *v)
{
    char text[4096], kind[16], dir[8];
    int off = 0;
    size_t len = strlen(line);

    if (len >= sizeof text)
        return -1;
    memcpy(text, line, len + 1);
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        text[--len] = '\0';
    char *bar = strstr(text, " | ");
    if (!bar || sscanf(text, "%15s %7s %n", kind, dir, &off) != 2 || off == 0)
        return -1;
    *bar = '\0';
    v->lineno = lineno;
    if (!strcmp(kind, "VALID"))
        v->kind = VEC_VALID;
    else if (!strcmp(kind, "INVALID"))
        v->kind = VEC_INVALID;
    else if (!strcmp(kind, "PARTIAL"))
        v->kind = VEC_PARTIAL;
    else
        return -1;
    if (!strcmp(dir, "c2s"))
        v->dir = PROTO_C2S;
    else if (!strcmp(dir, "s2c"))
        v->dir = PROTO_S2C;
    else
        return -1;
    if (strlen(text + off) >= sizeof v->desc)
        return -1;
    strcpy(v->desc, text + off);
    long n = vec_hex(bar + 3, strlen(bar + 3), 1, v->bytes, sizeof v->bytes);
    if (n <= 0)
        return -1;
    v->n = (size_t)n;
    return 0;
}

int vec_load(const char *path, struct vec *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int lineno = 0;
    size_t n = 0;

    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (n == cap || vec_parse_line(line, lineno, &out[n]) != 0) {
            fprintf(stderr, "%s:%d: cannot parse this line\n", path, lineno);
            fclose(f);
            return -1;
        }
        n++;
    }
    fclose(f);
    return (int)n;
}

char *vec_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (!f)
        return NULL;
    do {
        if (n == cap) {
            char *nb = realloc(buf, cap = cap ? 2 * cap : 8192);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}
