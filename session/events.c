/* SPDX-License-Identifier: MIT */
/* events.c: the bounded queue of session events (a ring of
 * SESSION_EVENT_QUEUE). What the queue is full means is its owner's
 * decision: the session closes, the computer opponent never fills it. */
#include "session.h"

#include <string.h>

struct session_event *session_events_push(struct session_events *q, uint8_t type)
{
    if (q->count >= SESSION_EVENT_QUEUE)
        return NULL;
    struct session_event *ev = &q->ev[(q->head + q->count++) % SESSION_EVENT_QUEUE];
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    return ev;
}

int session_events_take(struct session_events *q, struct session_event *ev)
{
    if (q->count == 0)
        return 0;
    *ev = q->ev[q->head];
    q->head = (q->head + 1) % SESSION_EVENT_QUEUE;
    q->count--;
    return 1;
}
