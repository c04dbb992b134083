/* SPDX-License-Identifier: MIT */
/* test_heap.c: the min-heap of net/heap.c against a plain array that knows
 * every node's key: after each of many random pushes, removals from
 * anywhere and rekeys (up and down, equal keys included), the top holds the
 * smallest key, every index points back at its node, and no parent's key
 * is above its children's. Also: a full heap refuses, and the empty heap
 * has no top. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "heap.h"

#define NODES 200

static uint64_t rng = 88172645463325252u;

static uint32_t next_random(uint32_t below)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % below);
}

/* The heap's shape and links, and its top against the smallest key in use. */
static void check(const struct heap *h, const struct heap_node *nodes, const int *in)
{
    uint32_t count = 0;
    uint64_t least = UINT64_MAX;
    for (int i = 0; i < NODES; i++) {
        assert_int_equal(nodes[i].index != 0, in[i]);
        if (!in[i])
            continue;
        count++;
        least = nodes[i].key < least ? nodes[i].key : least;
        assert_ptr_equal(h->at[nodes[i].index - 1], &nodes[i]);
    }
    assert_int_equal(h->len, count);
    for (uint32_t i = 1; i < h->len; i++)
        assert_true(h->at[(i - 1) / 2]->key <= h->at[i]->key);
    if (count == 0)
        assert_null(heap_top(h));
    else
        assert_int_equal(heap_top(h)->key, least);
}

static void random_operations_keep_the_order(void **state)
{
    (void)state;
    struct heap h;
    struct heap_node nodes[NODES] = {{0}};
    int in[NODES] = {0};
    assert_int_equal(heap_init(&h, NODES), 0);
    for (int step = 0; step < 20000; step++) {
        int i = (int)next_random(NODES);
        uint64_t key = next_random(50); /* few keys: many ties */
        if (!in[i]) {
            assert_int_equal(heap_push(&h, &nodes[i], key), 0);
            in[i] = 1;
        } else if (next_random(3) == 0) {
            heap_remove(&h, &nodes[i]);
            in[i] = 0;
        } else {
            heap_rekey(&h, &nodes[i], key);
        }
        check(&h, nodes, in);
    }
    heap_free(&h);
}

/* Popping the top again and again gives the keys in order. */
static void taking_the_top_sorts(void **state)
{
    (void)state;
    struct heap h;
    struct heap_node nodes[NODES];
    assert_int_equal(heap_init(&h, NODES), 0);
    for (int i = 0; i < NODES; i++) {
        nodes[i].index = 0;
        assert_int_equal(heap_push(&h, &nodes[i], next_random(1000)), 0);
    }
    uint64_t last = 0;
    for (int i = 0; i < NODES; i++) {
        struct heap_node *top = heap_top(&h);
        assert_non_null(top);
        assert_true(top->key >= last);
        last = top->key;
        heap_remove(&h, top);
        assert_int_equal(top->index, 0);
    }
    assert_null(heap_top(&h));
    heap_free(&h);
}

static void a_full_heap_refuses(void **state)
{
    (void)state;
    struct heap h;
    struct heap_node a = {0}, b = {0}, c = {0};
    assert_int_equal(heap_init(&h, 2), 0);
    assert_int_equal(heap_push(&h, &a, 5), 0);
    assert_int_equal(heap_push(&h, &b, 3), 0);
    assert_int_equal(heap_push(&h, &c, 1), -1);
    assert_int_equal(c.index, 0);
    assert_ptr_equal(heap_top(&h), &b);
    heap_rekey(&h, &a, 1);
    assert_ptr_equal(heap_top(&h), &a);
    heap_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_operations_keep_the_order),
        cmocka_unit_test(taking_the_top_sorts),
        cmocka_unit_test(a_full_heap_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
