/* SPDX-License-Identifier: MIT */
/* finder.c: ttt-bot --discover (finder.h): the rounds of queries and the
 * list of servers are session/discover.c's; this file waits on its
 * sockets until the time is up and prints each server once, when it has
 * settled. */
#include "finder.h"

#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "client.h"
#include "discover.h"
#include "text.h"

/* A server known for this long has answered from every address it has to
 * one round: the list then holds its best address. */
#define SETTLE_MS DISCOVER_RETRY_MS

/* Servers seen, printed or not: each is printed once, even when it leaves
 * the list and comes back. */
#define SEEN_MAX (4 * DISCOVER_SERVERS_MAX)

struct seen {
    uint32_t server_id;
    uint16_t tcp_port;
    uint8_t printed;
    uint64_t first_ms;
};

struct finder {
    const struct bot_options *o;
    struct discover d;
    struct seen seen[SEEN_MAX];
    int nseen;
    int printed;
};

/* The address of s alone, as getnameinfo writes it ("10.0.0.2",
 * "fe80::1%eth0"). */
static void host_of(const struct discover_server *s, char *out, size_t cap)
{
    socklen_t len = s->sa.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (getnameinfo((const struct sockaddr *)&s->sa, len, out, (socklen_t)cap, NULL, 0, NI_NUMERICHOST) != 0)
        snprintf(out, cap, "?");
}

static void print_server(const struct finder *f, const struct discover_server *s)
{
    const struct disc_answer *a = &s->info;
    char name[DISC_NAME_MAX * 6 + 1];
    if (f->o->json) {
        char host[NI_MAXHOST], host_json[NI_MAXHOST * 6 + 1];
        host_of(s, host, sizeof host);
        (void)text_json_escape(host, strlen(host), host_json, sizeof host_json);
        (void)text_json_escape(a->name.s, a->name.len, name, sizeof name);
        printf("{\"addr\":\"%s\",\"port\":%u,\"name\":\"%s\",\"version\":%u,\"players\":%lu,\"games\":%lu,"
               "\"full\":%s}\n",
               host_json, (unsigned)a->tcp_port, name, (unsigned)a->proto_version, (unsigned long)a->players,
               (unsigned long)a->games, a->flags & DISC_FLAG_FULL ? "true" : "false");
    } else {
        (void)text_printable(a->name.s, a->name.len, name, sizeof name);
        printf("%s %s players=%lu games=%lu%s\n", s->addr, name, (unsigned long)a->players,
               (unsigned long)a->games, a->flags & DISC_FLAG_FULL ? " full" : "");
    }
    fflush(stdout);
}

/* The entry of server s, added (first seen now) when new; NULL when the
 * table is full. */
static struct seen *seen_of(struct finder *f, const struct discover_server *s, uint64_t now)
{
    for (int i = 0; i < f->nseen; i++)
        if (f->seen[i].server_id == s->info.server_id && f->seen[i].tcp_port == s->info.tcp_port)
            return &f->seen[i];
    if (f->nseen == SEEN_MAX)
        return NULL;
    f->seen[f->nseen] = (struct seen){.server_id = s->info.server_id, .tcp_port = s->info.tcp_port,
                                      .first_ms = now};
    return &f->seen[f->nseen++];
}

/* Print the servers of the list that settled (all of them when `last`).
 * Returns when the next one settles (UINT64_MAX: none waits). */
static uint64_t print_settled(struct finder *f, uint64_t now, int last)
{
    uint64_t next = UINT64_MAX;
    for (int i = 0; i < f->d.nservers; i++) {
        struct seen *e = seen_of(f, &f->d.servers[i], now);
        if (!e || e->printed)
            continue;
        if (last || now - e->first_ms >= SETTLE_MS) {
            print_server(f, &f->d.servers[i]);
            e->printed = 1;
            f->printed++;
        } else if (e->first_ms + SETTLE_MS < next) {
            next = e->first_ms + SETTLE_MS;
        }
    }
    return next;
}

/* Wait for answers until `until` at the latest, and take them. */
static void take_answers(struct finder *f, uint64_t until)
{
    int fds[2];
    int n = discover_fds(&f->d, fds);
    struct pollfd p[2];
    for (int i = 0; i < n; i++)
        p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
    uint64_t now = bot_now_ms();
    int timeout = until > now ? (int)(until - now) : 0;
    if (poll(p, (nfds_t)n, timeout) <= 0)
        return;
    now = bot_now_ms();
    for (int i = 0; i < n; i++)
        if (p[i].revents)
            (void)discover_on_readable(&f->d, p[i].fd, now);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

int finder_run(const struct bot_options *o)
{
    static struct finder f; /* the list and the seen table: some 30 KiB */
    char err[SOCK_ERR_LEN];
    uint32_t id;
    uint64_t start = bot_now_ms(), end = start + (uint64_t)o->wait_s * 1000u;
    if (getrandom(&id, sizeof id, 0) != (ssize_t)sizeof id)
        id = (uint32_t)(bot_now_us() ^ (start << 20));
    memset(&f, 0, sizeof f);
    f.o = o;
    if (discover_open(&f.d, o->announce_port, id, start, err) < 0) {
        fprintf(stderr, "ttt-bot: %s\n", err);
        return 1;
    }
    for (;;) {
        uint64_t now = bot_now_ms();
        (void)discover_tick(&f.d, now);
        uint64_t settle = print_settled(&f, now, now >= end);
        if (now >= end)
            break;
        take_answers(&f, min_u64(min_u64(end, settle), discover_next_deadline(&f.d)));
    }
    discover_close(&f.d);
    if (f.printed == 0) {
        fprintf(stderr, "ttt-bot: no server answered on UDP port %u within %u s%s%s\n", (unsigned)o->announce_port,
                (unsigned)o->wait_s, f.d.err[0] ? "; " : "", f.d.err);
        return 1;
    }
    return 0;
}
