/* SPDX-License-Identifier: MIT */
/* player.c: a player's outbox, over its connection (conn.h). */
#include "player.h"

#include "conn.h"

void player_send(struct player *p, const struct proto_msg *m) { conn_send(p->conn, m); }

void player_error(struct player *p, uint8_t code, const char *text) { conn_error(p->conn, code, text); }

int player_reachable(const struct player *p) { return conn_alive(p->conn); }

unsigned long long player_id(const struct player *p) { return (unsigned long long)p->conn->serial; }
