#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/client/e2e_discovery.sh: ttt's connect screen lists the servers on
# the network, live (issue 14), through its window under Xvfb.
#
# ttt opens with no address (--announce-port: a discovery port of the
# test's own, so no other tttd on the machine answers) on its connect screen,
# looking for servers. A tttd started after the window opened appears in the
# list; a second one appears, and leaves the list within a few seconds of
# stopping; a click on the first one's row reaches that server's lobby (the
# title says "Lobby — ttt").
#
# usage: e2e_discovery.sh TTTD TTT ARTIFACT_DIR
# Exit status: 0 pass, 1 fail, 77 skipped (no Xvfb or xdotool, or a tttd
# that does not answer discovery).
set -u

TTTD=$1 TTT=$2 ART=$3
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=window.sh
. "$HERE/window.sh"
need_tools Xvfb xdotool
if ! "$TTTD" --help | grep -q -- '--announce-port'; then
  echo "SKIP: this tttd does not answer discovery (no --announce-port)"
  exit 77
fi
# shellcheck source=../lib/server.sh
. "$HERE/../lib/server.sh"
TTTD_LOG=$WORK/tttd
mkdir -p "$ART"
SECOND_PID=
on_exit() {
  [ -n "$SECOND_PID" ] && kill "$SECOND_PID" 2>/dev/null
  stop_tttd >/dev/null 2>&1
  [ "$STATUS" -eq 0 ] && return
  for f in "$WORK"/*.err; do cp "$f" "$ART/e2e-discovery-$(basename "$f")"; done
  echo "logs kept in $ART (e2e-discovery-*)"
}

# The discovery port tttd says it answers on (its stderr in $1).
udp_port_of() { sed -n 's/.*answering discovery on UDP port \([0-9]*\) .*/\1/p' "$1" | head -n 1; }

# A free UDP port for the test: the one a tttd picks with --announce-port 0.
start_tttd --bind 127.0.0.1 --announce-port 0 || fail "tttd did not start"
said_port() { [ -n "$(udp_port_of "$TTTD_LOG.err")" ]; }
wait_for 50 said_port || fail "tttd did not say its discovery port"
UDP=$(udp_port_of "$TTTD_LOG.err")
stop_tttd

start_x
run_ttt --announce-port "$UDP" --name ann
window
servers() { grep '^ttt-servers: ' "$WORK/ttt.err" | tail -n 1 | cut -d' ' -f2; }
looking() { [ "$(servers)" = 0 ]; }
wait_for 50 looking || fail "ttt does not look for servers on its connect screen"
sleep 1.5 # rounds of queries with nobody answering
[ "$(servers)" = 0 ] || fail "servers listed before any started"

# ---- a server started after the window opened appears ----
start_tttd --bind 127.0.0.1 --announce-port "$UDP" --name "e2e box" || fail "tttd did not start"
FIRST=$TTTD_PORT
one() { [ "$(servers)" = 1 ]; }
wait_for 50 one || fail "the server started after the window opened was not listed"
grep -q "^ttt-servers: 1 first .*:$FIRST\$" "$WORK/ttt.err" || fail "the server is listed at another port"
echo "listed: $(grep '^ttt-servers: ' "$WORK/ttt.err" | tail -n 1)"

# ---- a second one appears, and leaves when it stops ----
"$TTTD" --port 0 --bind 127.0.0.1 --announce-port "$UDP" --name "second" >"$WORK/second.out" 2>"$WORK/second.err" &
SECOND_PID=$!
two() { [ "$(servers)" = 2 ]; }
wait_for 50 two || fail "a second server was not listed"
kill -TERM "$SECOND_PID"
wait "$SECOND_PID"
SECOND_PID=
stopped_at=$SECONDS
wait_for 80 one || fail "a stopped server stayed in the list"
echo "a stopped server left the list in $((SECONDS - stopped_at)) s or less"

# ---- a click on the row reaches the lobby ----
row=$(grep '^ttt-rows: ' "$WORK/ttt.err" | tail -n 1 | grep -o ' 96:[0-9]*,[0-9]*' | cut -d: -f2)
[ -n "$row" ] || fail "no row for the server on screen"
xdotool mousemove --window "$WID" "${row%,*}" "${row#*,}" click 1
in_lobby() { grep -q '^ttt-state: .*phase LOBBY' "$WORK/ttt.err"; }
wait_for 50 in_lobby || fail "a click on the server's row did not reach its lobby"
lobby_title() { [ "$(title)" = "Lobby $(printf '\u2014') ttt" ]; }
wait_for 20 lobby_title || fail "the title is '$(title)' in the lobby"
grep -q "^address=127.0.0.1:$FIRST\$" "$WORK/config/ttt/config" || fail "the server's address was not remembered"
stop_ttt "in the lobby"

STATUS=0
echo "PASS: a server started after the window opened was listed, a stopped one left, a click reached the lobby"
