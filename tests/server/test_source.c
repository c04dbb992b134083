/* SPDX-License-Identifier: MIT */
/* test_source.c: the accounting per source address (server/source.c) and
 * the admission policy on it (server/admit.c), without a socket: which
 * addresses are one source (an IPv4 address, an IPv6 /64, IPv4-mapped
 * IPv6 as IPv4), the fullest source as counts go up and down, the guess
 * budget (a burst of 10, then 10 a minute) and its outliving the last
 * connection, and who is evicted or refused when the pool is full. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "addr_text.h"
#include "admit.h"
#include "source.h"

/* The source of the numeric address `text`, made or found at `now`. */
static struct source *get(struct sources *s, const char *text, uint64_t now)
{
    struct sockaddr_storage ss = th_addr(text, 0);
    assert_int_not_equal(ss.ss_family, 0);
    struct source *src = source_get(s, (const struct sockaddr *)&ss, now);
    assert_non_null(src);
    return src;
}

static void addresses_and_prefixes(void **state)
{
    (void)state;
    struct sources s;
    assert_int_equal(sources_init(&s, 100), 0);
    struct source *a = get(&s, "192.0.2.7", 1);
    assert_string_equal(a->text, "192.0.2.7");
    assert_ptr_equal(get(&s, "::ffff:192.0.2.7", 1), a);
    assert_ptr_not_equal(get(&s, "192.0.2.8", 1), a);
    struct source *b = get(&s, "2001:db8:1:2::1", 1);
    assert_string_equal(b->text, "2001:db8:1:2::/64");
    assert_ptr_equal(get(&s, "2001:db8:1:2:ffff:ffff:ffff:ffff", 1), b);
    assert_ptr_not_equal(get(&s, "2001:db8:1:3::1", 1), b);
    struct sockaddr_storage unix_family;
    memset(&unix_family, 0, sizeof unix_family);
    unix_family.ss_family = AF_UNIX;
    assert_null(source_get(&s, (const struct sockaddr *)&unix_family, 1));
    sources_free(&s);
}

static void fullest_follows_the_counts(void **state)
{
    (void)state;
    struct sources s;
    assert_int_equal(sources_init(&s, 100), 0);
    assert_null(source_fullest(&s));
    struct source *src[5];
    uint32_t count[5]; /* what each holds (a source with none is freed) */
    for (int i = 0; i < 5; i++) {
        char text[16];
        snprintf(text, sizeof text, "10.0.0.%d", i + 1);
        src[i] = get(&s, text, 1);
        for (int k = 0; k <= i; k++)
            source_add(&s, src[i]);
        count[i] = (uint32_t)i + 1;
    }
    assert_ptr_equal(source_fullest(&s), src[4]);
    for (int k = 0; k < 3; k++)
        source_sub(&s, src[4], 2); /* 5 -> 2 */
    count[4] = 2;
    assert_ptr_equal(source_fullest(&s), src[3]);
    for (int k = 0; k < 3; k++)
        source_add(&s, src[0]); /* 1 -> 4, as src[3] */
    count[0] = 4;
    assert_int_equal(source_fullest(&s)->conns, 4);
    for (int k = 0; k < 4; k++)
        source_sub(&s, src[3], 2);
    count[3] = 0;
    assert_ptr_equal(source_fullest(&s), src[0]);
    /* Every count down to none: the fullest is always one with the most. */
    for (int round = 0; round < 20 && source_fullest(&s); round++) {
        struct source *top = source_fullest(&s);
        int at = -1;
        uint32_t most = 0;
        for (int i = 0; i < 5; i++) {
            if (src[i] == top && count[i])
                at = i;
            most = count[i] > most ? count[i] : most;
        }
        assert_true(at >= 0);
        assert_int_equal(top->conns, most);
        count[at]--;
        source_sub(&s, top, 2);
    }
    assert_null(source_fullest(&s));
    for (int i = 0; i < 5; i++)
        assert_int_equal(count[i], 0);
    sources_free(&s);
}

static void guess_budget(void **state)
{
    (void)state;
    struct sources s;
    assert_int_equal(sources_init(&s, 100), 0);
    struct source *a = get(&s, "198.51.100.1", 1000);
    source_add(&s, a);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(source_may_guess(a, 1000), 1);
        source_guess_failed(a, 1000);
    }
    assert_int_equal(source_may_guess(a, 1000), 0);
    assert_int_equal(source_may_guess(a, 6999), 0);  /* one more takes 6 s */
    assert_int_equal(source_may_guess(a, 7000), 1);
    source_guess_failed(a, 7000);
    assert_int_equal(source_may_guess(a, 7000), 0);
    /* Hanging up does not reset it: the source outlives its connections
     * until its budget is whole again, a minute later. */
    source_sub(&s, a, 7000);
    assert_ptr_equal(get(&s, "198.51.100.1", 8000), a);
    assert_int_equal(source_may_guess(a, 8000), 0);
    source_release(&s, a, 8000);
    struct source *later = get(&s, "198.51.100.1", 7000 + 60000);
    assert_int_equal(source_may_guess(later, 7000 + 60000), 1);
    source_release(&s, later, 7000 + 60000);
    sources_free(&s);
}

/* A source got by source_get stays the caller's until it is counted or
 * released, even when it was idle and others going idle push the idle
 * list past SOURCE_IDLE_MAX (conn.c evicts, which may make the fullest
 * source idle, between getting the newcomer's source and counting it). */
static void held_source_outlives_the_sweep(void **state)
{
    (void)state;
    struct sources s;
    assert_int_equal(sources_init(&s, 100), 0);
    char text[32];
    for (unsigned i = 0; i < SOURCE_IDLE_MAX; i++) {
        snprintf(text, sizeof text, "10.%u.%u.1", i / 256, i % 256);
        struct source *src = get(&s, text, 1000);
        source_add(&s, src);
        source_guess_failed(src, 1000); /* its budget not whole: kept idle */
        source_sub(&s, src, 1000);
    }
    struct source *oldest = get(&s, "10.0.0.1", 1000);
    struct source *top = get(&s, "192.0.2.1", 1000);
    source_add(&s, top);
    source_guess_failed(top, 1000);
    source_sub(&s, top, 1000); /* one idle too many: the oldest not held goes */
    source_add(&s, oldest);
    /* Still the one source of its address, counted (not forgotten and made
     * anew, which would zero the count, nor a stranger to the table). */
    assert_ptr_equal(get(&s, "10.0.0.1", 1000), oldest);
    assert_int_equal(oldest->conns, 1);
    assert_ptr_equal(source_fullest(&s), oldest);
    source_sub(&s, oldest, 1000);
    sources_free(&s);
}

/* Connections as admit_decide sees them: a link on their source's list. */
struct fake {
    struct admit_counts counts;
    struct sources sources;
    struct list links[16];
    int n;
};

static void fake_init(struct fake *f, uint32_t max_clients, uint32_t max_per_ip)
{
    memset(f, 0, sizeof *f);
    f->counts.max_clients = max_clients;
    f->counts.max_per_ip = max_per_ip;
    assert_int_equal(sources_init(&f->sources, max_clients), 0);
}

/* One connection from `src`, welcomed or still before HELLO: its link. */
static struct list *fake_conn(struct fake *f, struct source *src, int welcomed)
{
    struct list *l = &f->links[f->n++];
    source_add(&f->sources, src);
    list_push_front(welcomed ? &src->welcomed : &src->before_hello, l);
    f->counts.open++;
    f->counts.before_hello += !welcomed;
    return l;
}

static void fair_share(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f, 6, 0);
    struct sources *s = &f.sources;
    struct source *hog = get(s, "10.1.1.1", 1), *other = get(s, "10.2.2.2", 1),
                  *fresh = get(s, "10.3.3.3", 1);
    struct list *victim;
    fake_conn(&f, hog, 1);
    struct list *hog_pending = fake_conn(&f, hog, 0);
    fake_conn(&f, hog, 1);
    assert_int_equal(admit_decide(&f.counts, s, fresh, &victim), ADMIT);
    assert_null(victim);
    struct list *hog_newest = fake_conn(&f, hog, 1);
    fake_conn(&f, other, 1);
    fake_conn(&f, other, 1); /* full: hog 4, other 2 */
    /* The fullest address gives up its connection before HELLO first. */
    assert_int_equal(admit_decide(&f.counts, s, fresh, &victim), ADMIT_EVICTING);
    assert_ptr_equal(victim, hog_pending);
    list_remove(hog_pending);
    f.counts.before_hello--;
    assert_int_equal(admit_decide(&f.counts, s, fresh, &victim), ADMIT_EVICTING);
    assert_ptr_equal(victim, hog_newest); /* then its newest */
    /* An address as full as the fullest, or the fullest itself, is refused. */
    assert_int_equal(admit_decide(&f.counts, s, hog, &victim), REFUSE_FULL);
    assert_null(victim);
    sources_free(s);
}

static void handshakes_and_per_ip(void **state)
{
    (void)state;
    assert_int_equal(admit_hello_max(1), 1);
    assert_int_equal(admit_hello_max(10), 5);
    struct fake f;
    fake_init(&f, 10, 3);
    struct sources *s = &f.sources;
    struct source *a = get(s, "10.0.0.1", 1), *b = get(s, "10.0.0.2", 1), *c = get(s, "10.0.0.3", 1);
    struct list *victim;
    fake_conn(&f, a, 0);
    fake_conn(&f, a, 0);
    struct list *a_newest = fake_conn(&f, a, 0);
    assert_int_equal(admit_decide(&f.counts, s, a, &victim), REFUSE_PER_IP);
    fake_conn(&f, b, 1);
    fake_conn(&f, b, 0);
    fake_conn(&f, c, 0); /* 5 before HELLO: the budget is spent, the server is not full */
    assert_int_equal(admit_decide(&f.counts, s, c, &victim), ADMIT_EVICTING);
    assert_ptr_equal(victim, a_newest);
    sources_free(s);
    /* The fullest address, with only welcomed connections, cannot make
     * room for a handshake. */
    fake_init(&f, 10, 0);
    struct source *w = get(&f.sources, "10.9.9.9", 1), *x = get(&f.sources, "10.8.8.8", 1);
    for (int i = 0; i < 3; i++)
        fake_conn(&f, w, 1);
    f.counts.before_hello = 5; /* the handshakes of others, uncounted here */
    assert_int_equal(admit_decide(&f.counts, &f.sources, x, &victim), REFUSE_HANDSHAKES);
    sources_free(&f.sources);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(addresses_and_prefixes),
        cmocka_unit_test(fullest_follows_the_counts),
        cmocka_unit_test(guess_budget),
        cmocka_unit_test(held_source_outlives_the_sweep),
        cmocka_unit_test(fair_share),
        cmocka_unit_test(handshakes_and_per_ip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
