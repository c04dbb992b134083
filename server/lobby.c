/* SPDX-License-Identifier: MIT */
/* lobby.c: how players find each other: the quick-match queue (first come,
 * first paired; the longer waiter plays X) and private rooms (a random
 * 6-character code in a hash; one joiner, then the room is gone; nobody in
 * room_s, and it closes). */
#include "lobby.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "game.h"
#include "log.h"
#include "random.h"

/* An open room: its code and the player waiting in it. */
struct room {
    char code[PROTO_CODE_LEN + 1];
    struct lobby *lobby;
    struct player *creator;
    struct hash_node node;      /* on lobby.rooms */
    struct loop_timer expiry;   /* room_s after it opened */
};

int lobby_init(struct lobby *l, struct games *games, struct loop *loop, uint32_t max_clients, uint32_t room_s)
{
    l->games = games;
    l->loop = loop;
    l->room_s = room_s;
    list_init(&l->queue);
    return hash_init(&l->rooms, max_clients);
}

void lobby_free(struct lobby *l) { hash_free(&l->rooms); }

static int same_code(const struct hash_node *n, const void *code)
{
    return memcmp(container_of(n, struct room, node)->code, code, PROTO_CODE_LEN) == 0;
}

static struct room *room_by_code(struct lobby *l, const char *code)
{
    struct hash_node *n = hash_find(&l->rooms, hash_bytes(code, PROTO_CODE_LEN), same_code, code);
    return n ? container_of(n, struct room, node) : NULL;
}

/* Close `p`'s room: its code stops working. */
static void close_room(struct player *p)
{
    struct room *r = p->room;
    hash_remove(&r->node);
    loop_timer_cancel(r->lobby->loop, &r->expiry);
    r->lobby->nrooms--;
    free(r);
    p->room = NULL;
}

void lobby_leave(struct lobby *l, struct player *p)
{
    if (p->state == PLAYER_QUEUED) {
        list_remove(&p->queue_link);
        l->nqueued--;
    } else if (p->state == PLAYER_ROOM) {
        close_room(p);
    }
    p->state = PLAYER_LOBBY;
}

void lobby_quick_match(struct lobby *l, struct player *p)
{
    struct proto_msg m = { .type = PROTO_QUEUED };
    player_send(p, &m);
    if (!player_reachable(p))
        return;
    struct list *first = list_first(&l->queue);
    if (!first) {
        p->state = PLAYER_QUEUED;
        list_push_back(&l->queue, &p->queue_link);
        l->nqueued++;
        return;
    }
    struct player *x = container_of(first, struct player, queue_link);
    lobby_leave(l, x);
    (void)game_start(l->games, x, p, 0);
}

/* Nobody joined in time: the room closes, its creator is back in the
 * lobby and told so (not fatal). */
static void room_expired(struct loop *loop, void *ctx)
{
    struct room *r = ctx;
    struct player *p = r->creator;
    (void)loop;
    char text[96];
    snprintf(text, sizeof text, "room %s closed: nobody joined within %u s", r->code, (unsigned)r->lobby->room_s);
    log_info("#%llu room %s closed: nobody joined within %u s", player_id(p), r->code, (unsigned)r->lobby->room_s);
    lobby_leave(r->lobby, p);
    player_error(p, PROTO_ERR_NO_SUCH_ROOM, text);
}

void lobby_create_room(struct lobby *l, struct player *p)
{
    struct room *r = calloc(1, sizeof *r);
    if (!r) {
        log_error("out of memory for a new room");
        player_error(p, PROTO_ERR_SERVER_FULL, "server out of memory");
        return;
    }
    do {
        uint8_t rnd[PROTO_CODE_LEN];
        random_bytes(rnd, sizeof rnd);
        for (int i = 0; i < PROTO_CODE_LEN; i++)
            r->code[i] = PROTO_CODE_ALPHABET[rnd[i] % 32u];
    } while (room_by_code(l, r->code)); /* 32^6 codes: a clash is rare, just draw again */
    r->lobby = l;
    r->creator = p;
    hash_add(&l->rooms, &r->node, hash_bytes(r->code, PROTO_CODE_LEN));
    l->nrooms++;
    loop_timer_init(&r->expiry, room_expired, r);
    (void)loop_timer_at(l->loop, &r->expiry, loop_now_ms(l->loop) + (uint64_t)l->room_s * 1000u);
    p->room = r;
    p->state = PLAYER_ROOM;
    struct proto_msg m = { .type = PROTO_ROOM_CREATED };
    memcpy(m.u.room.code, r->code, sizeof r->code);
    player_send(p, &m);
    log_info("#%llu opened room %s", player_id(p), r->code);
}

int lobby_join_room(struct lobby *l, struct player *p, const char *code)
{
    struct room *r = room_by_code(l, code);
    if (!r) {
        char text[64];
        snprintf(text, sizeof text, "no open room with code %.6s", code);
        player_error(p, PROTO_ERR_NO_SUCH_ROOM, text);
        return -1;
    }
    struct player *x = r->creator;
    lobby_leave(l, x);
    (void)game_start(l->games, x, p, 1);
    return 0;
}
