/* SPDX-License-Identifier: MIT */
/* check_record.c: checks a tttd --record file against the rules. Every
 * line's moves are replayed with ttt_rules: each move must be legal, and the
 * position they reach must give the recorded winner and reason (a line or a
 * full board ends the game on the last move; resign, timeout, forfeit and
 * aborted leave it unfinished). Game ids must be distinct.
 *
 * usage: check_record FILE LINES [--played-out]
 *   LINES         the number of lines the file must have
 *   --played-out  every game must end by a line or a full board
 * Exit 0 when all holds, 1 with one message per problem otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

#define LINE_MAX_LEN 2048

/* The value after "key": in line, or NULL. */
static const char *field(const char *line, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(line, pat);
    return p ? p + strlen(pat) : NULL;
}

/* A quoted string value into out; 0 or -1. */
static int string_field(const char *line, const char *key, char *out, size_t cap)
{
    const char *p = field(line, key);
    if (!p || *p != '"')
        return -1;
    p++;
    const char *end = strchr(p, '"');
    if (!end || (size_t)(end - p) >= cap)
        return -1;
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
    return 0;
}

/* Check one line; returns 0 or -1 after printing why. */
static int check_line(const char *line, unsigned lineno, int played_out, unsigned long *id_out)
{
    char winner[16], reason[16];
    const char *id = field(line, "game_id");
    const char *mv = field(line, "moves");
    if (!id || !mv || *mv != '[' || string_field(line, "winner", winner, sizeof winner) < 0 ||
        string_field(line, "reason", reason, sizeof reason) < 0) {
        fprintf(stderr, "line %u: not a game record: %s", lineno, line);
        return -1;
    }
    *id_out = strtoul(id, NULL, 10);
    struct board b = board_new();
    const char *p = mv + 1;
    while (*p != ']') {
        char *end;
        long cell = strtol(p, &end, 10);
        if (end == p || cell < 0 || cell > 8) {
            fprintf(stderr, "line %u: bad move list\n", lineno);
            return -1;
        }
        int rc = board_apply(&b, (unsigned)cell, &b);
        if (rc != BOARD_OK) {
            fprintf(stderr, "line %u: move %u (cell %ld) is illegal (%d)\n", lineno,
                    (unsigned)b.ply + 1u, cell, rc);
            return -1;
        }
        p = end;
        if (*p == ',')
            p++;
        else if (*p != ']') {
            fprintf(stderr, "line %u: bad move list\n", lineno);
            return -1;
        }
    }
    struct board_result r = board_result(&b);
    const char *want_winner = r.winner == BOARD_X ? "X" : r.winner == BOARD_O ? "O" : "draw";
    int ok;
    if (strcmp(reason, "line") == 0)
        ok = r.over && r.winner != BOARD_EMPTY && strcmp(winner, want_winner) == 0;
    else if (strcmp(reason, "full") == 0)
        ok = r.over && r.winner == BOARD_EMPTY && b.ply == 9 && strcmp(winner, "draw") == 0;
    else if (strcmp(reason, "aborted") == 0)
        ok = !r.over && strcmp(winner, "none") == 0;
    else if (strcmp(reason, "resign") == 0 || strcmp(reason, "timeout") == 0 ||
             strcmp(reason, "forfeit") == 0)
        ok = !r.over && (strcmp(winner, "X") == 0 || strcmp(winner, "O") == 0);
    else
        ok = 0;
    if (!ok) {
        fprintf(stderr, "line %u: the moves give %s%s, the record says winner %s by %s\n", lineno,
                !r.over ? "an unfinished game" : r.winner == BOARD_EMPTY ? "a draw" : "a win for ",
                r.over && r.winner != BOARD_EMPTY ? want_winner : "", winner, reason);
        return -1;
    }
    if (played_out && !r.over) {
        fprintf(stderr, "line %u: game ended by %s, not played out\n", lineno, reason);
        return -1;
    }
    return 0;
}

static int cmp_ulong(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "--played-out") != 0)) {
        fprintf(stderr, "usage: check_record FILE LINES [--played-out]\n");
        return 2;
    }
    unsigned long want = strtoul(argv[2], NULL, 10);
    int played_out = argc == 4;
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    unsigned long *ids = calloc(want + 1, sizeof *ids);
    if (!ids) {
        fclose(f);
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    char line[LINE_MAX_LEN];
    unsigned n = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long id = 0;
        n++;
        if (check_line(line, n, played_out, &id) < 0)
            bad++;
        if (n <= want)
            ids[n - 1] = id;
    }
    fclose(f);
    if (n != want) {
        fprintf(stderr, "%s: %u lines, expected %lu\n", argv[1], n, want);
        bad++;
    } else {
        qsort(ids, want, sizeof *ids, cmp_ulong);
        for (unsigned long i = 1; i < want; i++) {
            if (ids[i] == ids[i - 1]) {
                fprintf(stderr, "game id %lu recorded twice\n", ids[i]);
                bad++;
            }
        }
    }
    free(ids);
    if (bad) {
        fprintf(stderr, "check_record: %u problems\n", bad);
        return 1;
    }
    printf("check_record: %u games, each consistent with the rules\n", n);
    return 0;
}
