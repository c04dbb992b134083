/* SPDX-License-Identifier: MIT */
/* resolve.c: host names looked up off the event loop (resolve.h). A name
 * in flight is one struct lookup, on the process's list, run by one
 * detached thread (getaddrinfo) and shared by every query that asked for
 * it; each query has an eventfd the thread writes to when the answer is
 * in. One mutex guards the list, the lookups and their waiters. The thread
 * and each query hold a reference to the lookup; the last one frees it.
 *
 * A thread per lookup rather than glibc's getaddrinfo_a: the bound and the
 * sharing are ours to keep either way, a freed query needs nothing from the
 * thread (getaddrinfo_a's request must outlive the lookup: gai_cancel cannot
 * stop one that has started), it is plain POSIX (musl has no getaddrinfo_a),
 * and ThreadSanitizer sees the synchronisation.
 */
#include "resolve.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sock.h"

/* One name in flight (or answered, while a query still holds it). */
struct lookup {
    char host[RESOLVE_HOST_MAX];
    int refs;                       /* the thread's, until it ends, and each query's */
    int done;                       /* the answer is in */
    int rc, sys_errno;              /* getaddrinfo's result (and errno for EAI_SYSTEM) */
    struct resolve_addrs answer;    /* port 0 */
    struct resolve_query *waiters;  /* the queries to wake */
    struct lookup *next;            /* on the in-flight list, while not done */
};

struct resolve_query {
    int efd;
    struct lookup *l;
    uint16_t port;
    struct resolve_query *next;     /* l's waiters */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct lookup *in_flight;    /* names being looked up now */
static unsigned busy;               /* their count */

socklen_t resolve_addr_len(const union resolve_sockaddr *a)
{
    return a->sa.sa_family == AF_INET6 ? (socklen_t)sizeof a->in6 : (socklen_t)sizeof a->in;
}

/* The IPv4 and IPv6 addresses of `res`, the first RESOLVE_ADDR_MAX, into *out. */
static void keep_addrs(const struct addrinfo *res, struct resolve_addrs *out)
{
    out->count = 0;
    for (const struct addrinfo *ai = res; ai && out->count < RESOLVE_ADDR_MAX; ai = ai->ai_next) {
        if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
            ai->ai_addrlen > sizeof(union resolve_sockaddr))
            continue;
        union resolve_sockaddr *a = &out->addr[out->count++];
        memset(a, 0, sizeof *a);
        memcpy(a, ai->ai_addr, ai->ai_addrlen);
    }
}

/* getaddrinfo for TCP, no service (the port is set per query). */
static int lookup_now(const char *host, int flags, struct resolve_addrs *out)
{
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc == 0) {
        keep_addrs(res, out);
        freeaddrinfo(res);
    }
    return rc;
}

/* The answer in `a` with `port`, into *out: 1; or -1 with err and errno
 * when getaddrinfo failed (rc) or gave no address we can use. */
static int give_answer(const char *host, int rc, int sys_errno, const struct resolve_addrs *a, uint16_t port,
                       struct resolve_addrs *out, char *err)
{
    if (rc != 0) {
        errno = sock_lookup_error(rc, sys_errno, host, err);
        return -1;
    }
    if (a->count == 0) {
        sock_set_err(err, "%s has no IPv4 or IPv6 address", host);
        errno = SOCK_ENOHOST;
        return -1;
    }
    *out = *a;
    for (unsigned i = 0; i < out->count; i++)
        sock_set_port(&out->addr[i].sa, port);
    return 1;
}

/* Drop one reference to l (mu held): 1 when it was the last (free l then). */
static int unref(struct lookup *l)
{
    return --l->refs == 0;
}

static void *lookup_run(void *arg)
{
    struct lookup *l = arg;
    struct resolve_addrs answer;
    answer.count = 0;
    int rc = lookup_now(l->host, 0, &answer);
    int sys_errno = errno;
    pthread_mutex_lock(&mu);
    l->answer = answer;
    l->rc = rc;
    l->sys_errno = sys_errno;
    l->done = 1;
    for (struct lookup **p = &in_flight; *p; p = &(*p)->next)
        if (*p == l) {
            *p = l->next;
            break;
        }
    busy--;
    static const uint64_t one = 1;
    for (struct resolve_query *q = l->waiters; q; q = q->next)
        (void)!write(q->efd, &one, sizeof one); /* never full: each is written once */
    int last = unref(l);
    pthread_mutex_unlock(&mu);
    if (last)
        free(l);
    return NULL;
}

/* Start a thread on l, every signal blocked in it. 0, or an errno. */
static int start_thread(struct lookup *l)
{
    pthread_attr_t attr;
    sigset_t all, old;
    int e = pthread_attr_init(&attr);
    if (e)
        return e;
    pthread_t tid;
    sigfillset(&all);
    (void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    (void)pthread_sigmask(SIG_SETMASK, &all, &old);
    e = pthread_create(&tid, &attr, lookup_run, l);
    (void)pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    return e;
}

/* The lookup of host in flight, or a new one started (mu held). NULL with
 * err and errno when none can start. */
static struct lookup *join_or_start(const char *host, char *err)
{
    for (struct lookup *l = in_flight; l; l = l->next)
        if (!strcmp(l->host, host))
            return l;
    if (busy == RESOLVE_LOOKUPS_MAX) {
        sock_set_err(err, "cannot look up %s: %d lookups are under way already, the most at once", host,
                RESOLVE_LOOKUPS_MAX);
        errno = SOCK_ELOOKUP;
        return NULL;
    }
    struct lookup *l = calloc(1, sizeof *l);
    if (!l) {
        sock_set_err(err, "cannot look up %s: out of memory", host);
        errno = ENOMEM;
        return NULL;
    }
    snprintf(l->host, sizeof l->host, "%s", host);
    l->refs = 1; /* the thread's */
    int e = start_thread(l);
    if (e) {
        free(l);
        sock_set_err(err, "cannot look up %s: cannot start a thread: %s", host, strerror(e));
        errno = SOCK_ELOOKUP;
        return NULL;
    }
    l->next = in_flight;
    in_flight = l;
    busy++;
    return l;
}

int resolve_start(const char *host, uint16_t port, struct resolve_addrs *out, struct resolve_query **q,
                  char *err)
{
    *q = NULL;
    if (strlen(host) >= RESOLVE_HOST_MAX) {
        sock_set_err(err, "cannot look up %.64s...: the name is too long", host);
        errno = SOCK_ENOHOST;
        return -1;
    }
    struct resolve_addrs numeric;
    int rc = lookup_now(host, AI_NUMERICHOST, &numeric);
    if (rc != EAI_NONAME)
        return give_answer(host, rc, errno, &numeric, port, out, err);
    struct resolve_query *nq = malloc(sizeof *nq);
    if (!nq) {
        sock_set_err(err, "cannot look up %s: out of memory", host);
        errno = ENOMEM;
        return -1;
    }
    nq->port = port;
    nq->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (nq->efd < 0) {
        int e = errno;
        sock_set_err(err, "cannot look up %s: eventfd: %s", host, strerror(e));
        free(nq);
        errno = e;
        return -1;
    }
    pthread_mutex_lock(&mu);
    nq->l = join_or_start(host, err);
    if (nq->l) {
        nq->l->refs++;
        nq->next = nq->l->waiters;
        nq->l->waiters = nq;
    }
    pthread_mutex_unlock(&mu);
    if (!nq->l) {
        int e = errno;
        close(nq->efd);
        free(nq);
        errno = e;
        return -1;
    }
    *q = nq;
    return 0;
}

int resolve_fd(const struct resolve_query *q)
{
    return q->efd;
}

int resolve_result(struct resolve_query *q, struct resolve_addrs *out, char *err)
{
    struct lookup *l = q->l;
    pthread_mutex_lock(&mu);
    int done = l->done, rc = l->rc, sys_errno = l->sys_errno;
    struct resolve_addrs answer;
    if (done)
        answer = l->answer;
    pthread_mutex_unlock(&mu);
    if (!done)
        return 0;
    return give_answer(l->host, rc, sys_errno, &answer, q->port, out, err);
}

void resolve_free(struct resolve_query *q)
{
    if (!q)
        return;
    struct lookup *l = q->l;
    pthread_mutex_lock(&mu);
    for (struct resolve_query **p = &l->waiters; *p; p = &(*p)->next)
        if (*p == q) {
            *p = q->next;
            break;
        }
    int last = unref(l);
    pthread_mutex_unlock(&mu);
    if (last)
        free(l);
    close(q->efd);
    free(q);
}

unsigned resolve_busy(void)
{
    pthread_mutex_lock(&mu);
    unsigned n = busy;
    pthread_mutex_unlock(&mu);
    return n;
}
