/* SPDX-License-Identifier: MIT */
/* config.h: the client's remembered settings -- last server address and
 * player name, sound muted or not -- in the XDG config directory ($XDG_CONFIG_HOME, else
 * ~/.config)/ttt/config, as "key=value" lines. Loading tolerates any garbage
 * (bad lines are skipped); saving is atomic (temp file + rename). Also the
 * default player name, from the login name. No SDL, never prints.
 */
#ifndef TTT_CONFIG_H
#define TTT_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define CONFIG_ADDR_MAX 255          /* bytes of a remembered address */
#define CONFIG_PATH_MAX 4096
#define CONFIG_FILE_MAX 8192         /* a longer file is read only this far */

struct config {
    char addr[CONFIG_ADDR_MAX + 1];  /* "" when none */
    char name[PROTO_NAME_MAX + 1];   /* a valid name, or "" when none */
    uint8_t muted;                   /* the sound is off (M); "muted=1" in the file */
};

/* The config file's path from the given environment values (either may be
 * NULL or empty; a relative XDG_CONFIG_HOME is ignored, as XDG says).
 * 0, or -1 when neither gives a directory or the path does not fit. */
int config_path_from(const char *xdg_config_home, const char *home, char *buf, size_t cap);

/* config_path_from() with $XDG_CONFIG_HOME and $HOME (or the passwd entry). */
int config_path(char *buf, size_t cap);

/* Parse a config file's text (n bytes, need not be NUL-terminated) into *c.
 * Unknown keys, malformed lines, invalid names and addresses are skipped;
 * fields not found are left as they were. */
void config_parse(struct config *c, const char *text, size_t n);

/* Read `path` into *c (config_parse). 0 when read, 1 when the file does not
 * exist (c untouched), -1 on another error (errno set). */
int config_load(struct config *c, const char *path);

/* Write *c to `path` atomically, creating missing directories (mode 0700).
 * 0, or -1 with errno set. */
int config_save(const struct config *c, const char *path);

/* 1 if `addr` may be remembered: 1..CONFIG_ADDR_MAX printable ASCII bytes,
 * no spaces. */
int config_addr_valid(const char *addr);

/* Make a valid player name from any text: control characters and invalid
 * UTF-8 dropped, surrounding spaces trimmed, cut to at most PROTO_NAME_MAX
 * bytes on a character boundary. Writes "player" when nothing is left. */
void config_name_from(const char *text, char out[PROTO_NAME_MAX + 1]);

/* The default name: the login name (getlogin_r, else the passwd entry, else
 * $USER) through config_name_from(). */
void config_default_name(char out[PROTO_NAME_MAX + 1]);

#endif
