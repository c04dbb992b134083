/* SPDX-License-Identifier: MIT */
/* args.h: command-line helpers shared by the three programs. A program
 * describes its long options in a table; args_parse walks argv with
 * getopt_long, answers --help and --version itself, checks numbers against
 * their ranges and refuses an empty value where the table says one is
 * needed, and hands every option and operand, in order, to the program's
 * take() function. Every refusal is one line in the caller's buffer; the
 * program prints it and exits 2. Nothing here opens a socket or a file. */
#ifndef TTT_ARGS_H
#define TTT_ARGS_H

#include <stddef.h>

/* The most options a table may hold (--help and --version come on top). */
#define ARGS_OPTIONS_MAX 32

/* What an option takes. */
enum args_type {
    ARGS_FLAG,      /* nothing: --quiet */
    ARGS_TEXT,      /* any text, checked by take(): --record FILE */
    ARGS_NUMBER,    /* a whole decimal number in [lo, hi]: --port N */
    ARGS_MAYBE      /* a text that may be left out, given as --opt=VALUE only (the
                       argument after a bare --opt stays an operand): value NULL
                       when left out; checked by take(): --computer[=LEVEL] */
};

/* One long option. The program's take() sees it by its index in the table. */
struct args_option {
    const char *name;               /* without the leading "--" */
    enum args_type type;
    const char *what;               /* ARGS_NUMBER: what the value is ("a number of seconds");
                                     * ARGS_TEXT: what an empty value lacks ("a file name"),
                                     * NULL when the empty text is for take() to judge */
    unsigned long long lo, hi;      /* ARGS_NUMBER: the range, both ends included */
};

/* The key of an operand (an argument that is no option). */
#define ARGS_OPERAND (-1)

/* One option or operand, as take() receives it. */
struct args_item {
    int key;                        /* index in the table, or ARGS_OPERAND */
    const char *option;             /* the option's name ("port"), NULL for an operand */
    const char *value;              /* the option's value or the operand; NULL for a flag
                                     * and for an ARGS_MAYBE left out */
    unsigned long long number;      /* ARGS_NUMBER: the value, within the range */
    char *err;                      /* where args_fail() writes */
    size_t err_len;
};

/* A program's command line. take() stores one item into ctx: 0, or -1 after
 * args_fail(). */
struct args_spec {
    const char *program;            /* "tttd": in refusals and the version line */
    const char *version;            /* the program's version */
    int protocol;                   /* the protocol version it speaks */
    const char *usage;              /* the --help text */
    const struct args_option *options;
    size_t count;                   /* options in the table, ARGS_OPTIONS_MAX at most */
    int (*take)(const struct args_item *item, void *ctx);
};

/* What args_parse() found; the same values as the programs' own results. */
enum args_result {
    ARGS_RUN = 0,       /* every item taken: go on */
    ARGS_EXIT = 1,      /* --help or --version printed on stdout: exit 0 */
    ARGS_BAD = 2        /* err holds one line: exit 2 */
};

/* Walk argv[1..argc) by spec, handing each option and operand to
 * spec->take(item, ctx) in the order given (operands after "--" too).
 * Refuses, with one line in err, an unknown option, a missing value, a value
 * for a flag, a number out of range or not a whole decimal number, and an
 * empty value where the table names what it lacks. Uses getopt_long (its
 * global state is reset on entry, so it may run any number of times). */
enum args_result args_parse(const struct args_spec *spec, int argc, char **argv, void *ctx, char *err,
                            size_t err_len);

/* Write a one-line refusal into item->err (printf format); returns -1, for
 * take() to return. */
int args_fail(const struct args_item *item, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A whole decimal number in [lo, hi]: digits only, no sign, no space; 0, or
 * -1 when `text` is not one. */
int args_number(const char *text, unsigned long long lo, unsigned long long hi, unsigned long long *out);

/* Check the operand HOST[:PORT] of a client (IPv6 in brackets; resolved
 * later, when connecting): at most `max` bytes and a syntax that
 * sock_split_hostport() accepts. 0, or -1 after args_fail(). */
int args_server_address(const struct args_item *item, size_t max);

#endif
