/* SPDX-License-Identifier: MIT */
/* open_fds.h: how many file descriptors this process has open, for tests
 * that show a failing call leaves nothing open. Header only, like ipv6.h. */
#ifndef TTT_TEST_OPEN_FDS_H
#define TTT_TEST_OPEN_FDS_H

#include <fcntl.h>

/* The open descriptors among 0..1023. */
static inline int th_open_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            n++;
    return n;
}

#endif
