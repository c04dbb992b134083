/* lobby.c: how players find each other: the quick-match queue (first come,
 * first paired; the longer waiter plays X) and private rooms (a random
 * 6-character code in a hash; one joiner, then the room is gone). */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

int lobby_init(struct server *srv)
{
    uint32_t n = 64;
    while (n < srv->opt.max_clients && n < (1u << 20))
        n <<= 1;
    srv->rooms = calloc(n, sizeof *srv->rooms);
    if (!srv->rooms)
        return -1;
    srv->room_mask = n - 1;
    return 0;
}

void lobby_free(struct server *srv)
{
    free(srv->rooms);
    srv->rooms = NULL;
}

static uint32_t code_hash(const char *code)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (int i = 0; i < PROTO_CODE_LEN; i++)
        h = (h ^ (uint8_t)code[i]) * 16777619u;
    return h;
}

static struct conn **room_slot(struct server *srv, const char *code)
{
    struct conn **p = &srv->rooms[code_hash(code) & srv->room_mask];
    while (*p && memcmp((*p)->room, code, PROTO_CODE_LEN) != 0)
        p = &(*p)->room_next;
    return p;
}

void lobby_remove(struct conn *c)
{
    struct server *srv = c->srv;
    if (c->state == CONN_QUEUED) {
        if (c->prev)
            c->prev->next = c->next;
        else
            srv->queue_head = c->next;
        if (c->next)
            c->next->prev = c->prev;
        else
            srv->queue_tail = c->prev;
        c->prev = c->next = NULL;
    } else if (c->state == CONN_ROOM) {
        struct conn **p = room_slot(srv, c->room);
        if (*p == c)
            *p = c->room_next;
        c->room_next = NULL;
        c->room[0] = '\0';
    }
}

void lobby_quick_match(struct conn *c)
{
    struct server *srv = c->srv;
    struct proto_msg m = { .type = PROTO_QUEUED };
    conn_send(c, &m);
    if (c->doomed)
        return;
    struct conn *x = srv->queue_head;
    if (!x) {
        c->state = CONN_QUEUED;
        c->prev = srv->queue_tail;
        c->next = NULL;
        if (srv->queue_tail)
            srv->queue_tail->next = c;
        else
            srv->queue_head = c;
        srv->queue_tail = c;
        return;
    }
    lobby_remove(x);
    x->state = CONN_LOBBY;
    (void)game_start(x, c);
}

void lobby_create_room(struct conn *c)
{
    struct server *srv = c->srv;
    char code[PROTO_CODE_LEN + 1];
    struct conn **slot;
    do {
        uint8_t rnd[PROTO_CODE_LEN];
        conn_random(rnd, sizeof rnd);
        for (int i = 0; i < PROTO_CODE_LEN; i++)
            code[i] = PROTO_CODE_ALPHABET[rnd[i] % 32u];
        code[PROTO_CODE_LEN] = '\0';
        slot = room_slot(srv, code);
    } while (*slot); /* 32^6 codes: a clash is rare, just draw again */
    memcpy(c->room, code, sizeof code);
    c->room_next = NULL;
    *slot = c;
    c->state = CONN_ROOM;
    struct proto_msg m = { .type = PROTO_ROOM_CREATED };
    memcpy(m.u.room.code, code, sizeof code);
    conn_send(c, &m);
    log_info("#%llu opened room %s", (unsigned long long)c->serial, code);
}

void lobby_join_room(struct conn *c, const char *code)
{
    struct conn **slot = room_slot(c->srv, code);
    struct conn *x = *slot;
    if (!x) {
        char text[64];
        snprintf(text, sizeof text, "no open room with code %.6s", code);
        conn_error(c, PROTO_ERR_NO_SUCH_ROOM, text);
        return;
    }
    lobby_remove(x);
    x->state = CONN_LOBBY;
    (void)game_start(x, c);
}
