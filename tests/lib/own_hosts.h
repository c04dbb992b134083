/* SPDX-License-Identifier: MIT */
/* own_hosts.h: give this process an /etc/hosts of its own, for tests of
 * names with several addresses (a mount namespace of its own, with the
 * test's file bound over /etc/hosts: root, or CAP_SYS_ADMIN). Header only,
 * so that the unit tests (test_sock) and the integration tests
 * (tests/server) share it without sharing a library. */
#ifndef TTT_TEST_OWN_HOSTS_H
#define TTT_TEST_OWN_HOSTS_H

#include <sched.h>
#include <sys/mount.h>

/* Make `path` this process's /etc/hosts (for it and the children it makes
 * from now on). 0, or -1 with errno (EPERM without the privilege). */
static inline int th_own_etc_hosts(const char *path)
{
    /* The type is ignored for these mounts; "none", not NULL, for valgrind. */
    if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount(path, "/etc/hosts", "none", MS_BIND, NULL) < 0)
        return -1;
    return 0;
}

#endif
