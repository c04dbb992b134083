/* SPDX-License-Identifier: MIT */
/* config.c: the remembered address, name and mute (XDG config file) and
 * the default player name. See config.h. */
#include "config.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int config_path_from(const char *xdg_config_home, const char *home, char *buf, size_t cap)
{
    int n;
    if (xdg_config_home && xdg_config_home[0] == '/')
        n = snprintf(buf, cap, "%s/ttt/config", xdg_config_home);
    else if (home && home[0] != '\0')
        n = snprintf(buf, cap, "%s/.config/ttt/config", home);
    else
        return -1;
    return (n < 0 || (size_t)n >= cap) ? -1 : 0;
}

int config_path(char *buf, size_t cap)
{
    const char *home = getenv("HOME");
    if (!home || home[0] == '\0') {
        struct passwd *pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : NULL;
    }
    return config_path_from(getenv("XDG_CONFIG_HOME"), home, buf, cap);
}

int config_addr_valid(const char *addr)
{
    size_t n = strlen(addr);
    if (n == 0 || n > CONFIG_ADDR_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)addr[i] <= 0x20 || (unsigned char)addr[i] >= 0x7F)
            return 0;
    return 1;
}

void config_name_from(const char *text, char out[PROTO_NAME_MAX + 1])
{
    const char *s = text ? text : "";

    if (text_name_fit(s, strlen(s), PROTO_NAME_MAX, out) == 0)
        strcpy(out, "player");
}

void config_default_name(char out[PROTO_NAME_MAX + 1])
{
    char login[256];
    const char *src = NULL;
    if (getlogin_r(login, sizeof login) == 0 && login[0] != '\0') {
        src = login;
    } else {
        struct passwd *pw = getpwuid(getuid());
        if (pw && pw->pw_name && pw->pw_name[0] != '\0')
            src = pw->pw_name;
        else
            src = getenv("USER");
    }
    config_name_from(src, out);
}

/* Apply one "key=value" line (without its newline). */
static void parse_line(struct config *c, const char *line, size_t n)
{
    const char *eq = memchr(line, '=', n);
    if (!eq)
        return;
    size_t klen = (size_t)(eq - line), vlen = n - klen - 1;
    const char *v = eq + 1;
    while (klen > 0 && (line[klen - 1] == ' ' || line[klen - 1] == '\t'))
        klen--;
    while (vlen > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        vlen--;
    }
    while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t' || v[vlen - 1] == '\r'))
        vlen--;
    char val[CONFIG_ADDR_MAX + 1];
    if (vlen > CONFIG_ADDR_MAX || memchr(v, '\0', vlen))
        return;
    memcpy(val, v, vlen);
    val[vlen] = '\0';
    if (klen == 7 && memcmp(line, "address", 7) == 0) {
        if (config_addr_valid(val))
            memcpy(c->addr, val, vlen + 1);
    } else if (klen == 4 && memcmp(line, "name", 4) == 0) {
        if (vlen <= PROTO_NAME_MAX && text_name_valid(val, vlen))
            memcpy(c->name, val, vlen + 1);
    } else if (klen == 5 && memcmp(line, "muted", 5) == 0) {
        if (vlen == 1 && (val[0] == '0' || val[0] == '1'))
            c->muted = (uint8_t)(val[0] == '1');
    }
}

void config_parse(struct config *c, const char *text, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(text + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (text + i)) : n - i;
        if (len > 0 && text[i] != '#')
            parse_line(c, text + i, len);
        i += len + 1;
    }
}

int config_load(struct config *c, const char *path)
{
    int fd;
    do
        fd = open(path, O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return errno == ENOENT ? 1 : -1;
    char buf[CONFIG_FILE_MAX];
    size_t have = 0;
    while (have < sizeof buf) {
        ssize_t r = read(fd, buf + have, sizeof buf - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        have += (size_t)r;
    }
    close(fd);
    config_parse(c, buf, have);
    return 0;
}

/* mkdir -p for the directories above `path`'s last component. */
static int make_parents(const char *path)
{
    char dir[CONFIG_PATH_MAX];
    size_t n = strlen(path);
    if (n >= sizeof dir) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(dir, path, n + 1);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char save = *p;
            *p = '\0';
            if (mkdir(dir, 0700) != 0 && errno != EEXIST)
                return -1;
            *p = save;
            if (save == '\0')
                break;
        }
    }
    return 0;
}

static int write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

int config_save(const struct config *c, const char *path)
{
    char tmp[CONFIG_PATH_MAX + 32], text[CONFIG_ADDR_MAX + PROTO_NAME_MAX + 64];
    if (make_parents(path) != 0)
        return -1;
    int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    size_t nlen = strnlen(c->name, sizeof c->name);
    int addr_ok = config_addr_valid(c->addr);
    int name_ok = nlen <= PROTO_NAME_MAX && text_name_valid(c->name, nlen);
    int len = snprintf(text, sizeof text, "# ttt client settings\n%s%s%s%s%s%smuted=%d\n",
                       addr_ok ? "address=" : "", addr_ok ? c->addr : "", addr_ok ? "\n" : "",
                       name_ok ? "name=" : "", name_ok ? c->name : "", name_ok ? "\n" : "",
                       c->muted ? 1 : 0);
    if (len < 0 || (size_t)len >= sizeof text) {
        errno = EINVAL;
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    if (write_all(fd, text, (size_t)len) != 0 || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        errno = e;
        return -1;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        return -1;
    }
    return 0;
}
