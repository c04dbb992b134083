/* SPDX-License-Identifier: MIT */
/* vectors.c: reading vectors files and matching their descriptions (see
 * vectors.h). */
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

/* Parse one line (without its '#'/blank check) into *v; 0 or -1. */
static int vec_parse_line(const char *line, int lineno, struct vec *v)
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

int vec_file_load(struct vec_file *vf, const char *path)
{
    int n = vec_load(path, vf->v, VEC_MAX);
    vf->n = n < 0 ? 0 : (size_t)n;
    return n < 0 ? -1 : 0;
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

size_t vec_add_int(struct vec_field *f, size_t i, const char *key, uint32_t v)
{
    f[i] = (struct vec_field){key, VEC_INT, v, NULL, 0};
    return i + 1;
}

size_t vec_add_bytes(struct vec_field *f, size_t i, const char *key, enum vec_field_kind kind, const void *b,
                     size_t n)
{
    f[i] = (struct vec_field){key, kind, 0, b, n};
    return i + 1;
}

/* 1 if the text `val` of a description is the value of field *f. */
static int value_matches(const struct vec_field *f, const char *val)
{
    uint8_t want[512];
    long wn;

    if (f->kind == VEC_INT) {
        char *end;
        unsigned long v = strtoul(val, &end, 10);
        return *val != '\0' && *end == '\0' && v == f->v;
    }
    if (f->kind == VEC_HEX || strncmp(val, "hex:", 4) == 0) {
        const char *h = f->kind == VEC_HEX ? val : val + 4;
        wn = vec_hex(h, strlen(h), 0, want, sizeof want);
    } else {
        wn = (long)strlen(val);
        if ((size_t)wn > sizeof want)
            return 0;
        memcpy(want, val, (size_t)wn);
    }
    return wn >= 0 && (size_t)wn == f->n && memcmp(want, f->b, f->n) == 0;
}

const char *vec_match_fields(const char *desc, const char *type_name, const struct vec_field *f, size_t nf)
{
    static char why[256];
    char copy[1024], *save = NULL, *tok;
    size_t i = 0;

    snprintf(copy, sizeof copy, "%s", desc);
    tok = strtok_r(copy, " ", &save);
    if (!tok || strcmp(tok, type_name) != 0)
        return "type name differs";
    while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
        char *eq = strchr(tok, '=');
        if (!eq)
            return "a field without '='";
        *eq = '\0';
        if (i == nf) {
            snprintf(why, sizeof why, "field %s is not in the decoded message", tok);
            return why;
        }
        if (strcmp(tok, f[i].key) != 0) {
            snprintf(why, sizeof why, "field %s where %s was decoded", tok, f[i].key);
            return why;
        }
        if (!value_matches(&f[i], eq + 1)) {
            snprintf(why, sizeof why, "%s=%s differs from the decoded value", tok, eq + 1);
            return why;
        }
        i++;
    }
    if (i != nf) {
        snprintf(why, sizeof why, "decoded field %s is not in the description", f[i].key);
        return why;
    }
    return NULL;
}
