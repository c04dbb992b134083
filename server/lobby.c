/* lobby.c: how players find each other: the quick-match queue (first come,
 * first paired; the longer waiter plays X) and private rooms (a random
 * 6-character code in a hash; one joiner, then the room is gone). */
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
    struct player *creator;
    struct hash_node node;      /* on lobby.rooms */
};

int lobby_init(struct lobby *l, struct games *games, uint32_t max_clients)
{
    l->games = games;
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

void lobby_leave(struct player *p)
{
    if (p->state == PLAYER_QUEUED) {
        list_remove(&p->queue_link);
    } else if (p->state == PLAYER_ROOM) {
        hash_remove(&p->room->node);
        free(p->room);
        p->room = NULL;
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
        return;
    }
    struct player *x = container_of(first, struct player, queue_link);
    lobby_leave(x);
    (void)game_start(l->games, x, p);
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
    r->creator = p;
    hash_add(&l->rooms, &r->node, hash_bytes(r->code, PROTO_CODE_LEN));
    p->room = r;
    p->state = PLAYER_ROOM;
    struct proto_msg m = { .type = PROTO_ROOM_CREATED };
    memcpy(m.u.room.code, r->code, sizeof r->code);
    player_send(p, &m);
    log_info("#%llu opened room %s", player_id(p), r->code);
}

void lobby_join_room(struct lobby *l, struct player *p, const char *code)
{
    struct room *r = room_by_code(l, code);
    if (!r) {
        char text[64];
        snprintf(text, sizeof text, "no open room with code %.6s", code);
        player_error(p, PROTO_ERR_NO_SUCH_ROOM, text);
        return;
    }
    struct player *x = r->creator;
    lobby_leave(x);
    (void)game_start(l->games, x, p);
}
