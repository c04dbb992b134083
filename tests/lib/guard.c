/* SPDX-License-Identifier: MIT */
/* guard.c: the guard page of guard.h: one mapping, its last page made
 * unreadable. */
#include "guard.h"

#include <sys/mman.h>
#include <unistd.h>

static uint8_t *mem;
static size_t mem_len, page;

uint8_t *guard_end(size_t room)
{
    if (!page)
        page = (size_t)sysconf(_SC_PAGESIZE);
    size_t want = (room + page - 1) / page * page + page;
    if (mem && mem_len < want)
        guard_release();
    if (!mem) {
        void *p = mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return NULL;
        if (mprotect((uint8_t *)p + want - page, page, PROT_NONE) < 0) {
            munmap(p, want);
            return NULL;
        }
        mem = p;
        mem_len = want;
    }
    return mem + mem_len - page;
}

void guard_release(void)
{
    if (mem)
        munmap(mem, mem_len);
    mem = NULL;
    mem_len = 0;
}

int guard_teardown(void **state)
{
    (void)state;
    guard_release();
    return 0;
}
