/* SPDX-License-Identifier: MIT */
/* args.c: the table-driven command-line walk behind args.h, on getopt_long:
 * the getopt option list made from the table, --help and --version, strict
 * numbers, the refusals worded once for the three programs, and the check of
 * a client's server-address operand. */
#include "args.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sock.h"

/* What getopt_long returns for table entry i (KEY_BASE + i), past every
 * character, and for the two options every program has. */
#define KEY_BASE 256
#define KEY_HELP (KEY_BASE + ARGS_OPTIONS_MAX)
#define KEY_VERSION (KEY_HELP + 1)

int args_fail(const struct args_item *item, const char *fmt, ...)
{
    va_list ap;

    if (item->err_len > 0) {
        va_start(ap, fmt);
        vsnprintf(item->err, item->err_len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int args_number(const char *text, unsigned long long lo, unsigned long long hi, unsigned long long *out)
{
    unsigned long long v;
    char *end;

    if (!text || *text < '0' || *text > '9')
        return -1; /* strtoull would take a sign or leading space */
    errno = 0;
    v = strtoull(text, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int args_server_address(const struct args_item *item, size_t max)
{
    char host[512], why[SOCK_ERR_LEN];
    uint16_t port;

    if (strlen(item->value) > max)
        return args_fail(item, "server address too long (%zu bytes at most)", max);
    if (sock_split_hostport(item->value, host, sizeof host, &port, why) < 0)
        return args_fail(item, "'%s' is not a server address (HOST[:PORT]): %s", item->value, why);
    return 0;
}

/* getopt_long's list: the table in order, then --help and --version. */
static void make_longopts(const struct args_spec *spec, struct option *lo)
{
    for (size_t i = 0; i < spec->count; i++) {
        const struct args_option *o = &spec->options[i];
        int has = o->type == ARGS_FLAG ? no_argument
                : o->type == ARGS_MAYBE ? optional_argument : required_argument;
        lo[i] = (struct option){o->name, has, NULL, KEY_BASE + (int)i};
    }
    lo[spec->count] = (struct option){"help", no_argument, NULL, KEY_HELP};
    lo[spec->count + 1] = (struct option){"version", no_argument, NULL, KEY_VERSION};
    lo[spec->count + 2] = (struct option){NULL, 0, NULL, 0};
}

/* Table entry `key` with its value (optarg) checked as the table says, then
 * handed to the program. */
static int take_option(const struct args_spec *spec, struct args_item *it, int key, void *ctx)
{
    const struct args_option *o = &spec->options[key];

    it->key = key;
    it->option = o->name;
    it->value = o->type == ARGS_FLAG ? NULL : optarg;
    it->number = 0;
    if (o->type == ARGS_TEXT && o->what && it->value[0] == '\0')
        return args_fail(it, "--%s needs %s", o->name, o->what);
    if (o->type == ARGS_NUMBER && args_number(it->value, o->lo, o->hi, &it->number) < 0)
        return args_fail(it, "--%s: '%s' is not %s from %llu to %llu", o->name, it->value, o->what, o->lo,
                         o->hi);
    return spec->take(it, ctx);
}

static int take_operand(const struct args_spec *spec, struct args_item *it, const char *text, void *ctx)
{
    it->key = ARGS_OPERAND;
    it->option = NULL;
    it->value = text;
    it->number = 0;
    return spec->take(it, ctx);
}

/* What getopt_long refused (ch ':' or '?'), `typed` being the argument it was
 * reading: a value missing, a value given to a flag, or an unknown option. */
static int refuse(const struct args_spec *spec, const struct args_item *it, int ch, const char *typed)
{
    const char *p = spec->program;

    if (ch == ':')
        return args_fail(it, "%s needs a value (see %s --help)", typed, p);
    if (optopt >= KEY_BASE && optopt < KEY_BASE + (int)spec->count)
        return args_fail(it, "--%s takes no value (see %s --help)", spec->options[optopt - KEY_BASE].name, p);
    if (optopt == KEY_HELP || optopt == KEY_VERSION)
        return args_fail(it, "--%s takes no value (see %s --help)", optopt == KEY_HELP ? "help" : "version", p);
    if (optopt > ' ' && optopt < 127)
        return args_fail(it, "unknown option '-%c' (see %s --help)", optopt, p);
    return args_fail(it, "unknown option '%s' (see %s --help)", typed, p);
}

enum args_result args_parse(const struct args_spec *spec, int argc, char **argv, void *ctx, char *err,
                            size_t err_len)
{
    struct option longopts[ARGS_OPTIONS_MAX + 3];
    struct args_item it = {.err = err, .err_len = err_len};

    if (err_len > 0)
        err[0] = '\0';
    if (spec->count > ARGS_OPTIONS_MAX) {
        args_fail(&it, "%s: %zu options, over ARGS_OPTIONS_MAX", spec->program, spec->count);
        return ARGS_BAD;
    }
    make_longopts(spec, longopts);
    opterr = 0;
    optind = 0; /* 0, not 1: glibc then also forgets a half-read "-xy" of an earlier walk */
    for (;;) {
        int at = optind > 0 ? optind : 1;
        /* "-" first: operands come back in order, as 1, so they may stand anywhere. */
        int ch = getopt_long(argc, argv, "-:", longopts, NULL), rc;

        if (ch == -1)
            break;
        if (ch == KEY_HELP) {
            fputs(spec->usage, stdout);
            return ARGS_EXIT;
        }
        if (ch == KEY_VERSION) {
            printf("%s %s (protocol version %d)\n", spec->program, spec->version, spec->protocol);
            return ARGS_EXIT;
        }
        if (ch == 1)
            rc = take_operand(spec, &it, optarg, ctx);
        else if (ch >= KEY_BASE && ch < KEY_BASE + (int)spec->count)
            rc = take_option(spec, &it, ch - KEY_BASE, ctx);
        else
            rc = refuse(spec, &it, ch, at < argc ? argv[at] : "?");
        if (rc < 0)
            return ARGS_BAD;
    }
    for (int i = optind; i < argc; i++) /* the operands after "--" */
        if (take_operand(spec, &it, argv[i], ctx) < 0)
            return ARGS_BAD;
    return ARGS_RUN;
}
