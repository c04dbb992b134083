/* SPDX-License-Identifier: MIT */
/* list.h: the intrusive doubly linked list the server's lists share (every
 * connection, the staged sends, the quick-match queue, a game's spectators,
 * the live games), in the manner of the Linux kernel's list_head. The links
 * live inside the listed struct, so linking allocates nothing, and a member
 * unlinks itself without knowing which list holds it.
 *
 * A list is a ring through its head: an empty head points at itself (call
 * list_init). A member's links are NULL while it is on no list, so a zeroed
 * struct starts unlinked. One struct list per list a struct can be on. */
#ifndef TTT_LIST_H
#define TTT_LIST_H

#include <stddef.h>

/* The struct of type `type` whose member `member` is at `ptr`. */
#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

struct list {
    struct list *prev, *next;
};

/* An empty list (a head). */
static inline void list_init(struct list *head) { head->prev = head->next = head; }

static inline int list_empty(const struct list *head) { return head->next == head; }

/* 1 if the member `n` is on a list. */
static inline int list_linked(const struct list *n) { return n->next != NULL; }

static inline void list_insert_between(struct list *n, struct list *prev, struct list *next)
{
    n->prev = prev;
    n->next = next;
    prev->next = n;
    next->prev = n;
}

/* Add `n` (on no list) at the front / the back of `head`. */
static inline void list_push_front(struct list *head, struct list *n) { list_insert_between(n, head, head->next); }
static inline void list_push_back(struct list *head, struct list *n) { list_insert_between(n, head->prev, head); }

/* Take `n` off its list; a member on no list is left alone. */
static inline void list_remove(struct list *n)
{
    if (!n->next)
        return;
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = NULL;
}

/* The first member of `head`, or NULL when it is empty. */
static inline struct list *list_first(const struct list *head)
{
    return head->next == head ? NULL : head->next;
}

/* The member after `n` on `head`, or NULL at the end. */
static inline struct list *list_next(const struct list *head, const struct list *n)
{
    return n->next == head ? NULL : n->next;
}

/* Each member `n` of `head`, front to back; `n` must stay on the list. */
#define list_each(n, head) for (struct list *n = (head)->next; n != (head); n = n->next)

#endif
