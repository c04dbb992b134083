#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/server/tttd_memcheck.sh: tttd under valgrind's memcheck through a
# busy life: a swarm of bots playing (quick match and rematches), a private
# room, discovery queries (ttt-bot --discover) and UDP junk, timers running
# out (turn time, hello timeout), a vanished player's forfeit, garbage, a
# half frame, a flood, a spectator-less LIST_GAMES, then SIGTERM with games
# still live. It passes when tttd exits 0 and valgrind
# reports no errors and no leaked block (definite, indirect or possible).
# Usage: tttd_memcheck.sh TTTD TTT_BOT
set -euo pipefail
TTTD=$1 BOT=$2
command -v valgrind >/dev/null || { echo "SKIPPED: valgrind is not installed"; exit 77; }
fail() { echo "FAIL: $*" >&2; [ -f "$tmp/record.jsonl" ] && cat "$tmp/record.jsonl" >&2; [ -f "$tmp/vg" ] && tail -n 40 "$tmp/vg" >&2; exit 1; }
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
  --errors-for-leak-kinds=definite,indirect,possible --log-file="$tmp/vg" \
  "$TTTD" --port 0 --bind 127.0.0.1 --turn-time 2 --grace 1 --hello-timeout 1 --idle-timeout 6 \
  --record "$tmp/record.jsonl" --announce-port 0 >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 1 400); do
  port=$(sed -n 's/^listening on port \([0-9]*\)$/\1/p' "$tmp/out")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || fail "tttd exited at start: $(cat "$tmp/err")"
  sleep 0.05
done
[ -n "$port" ] || fail "tttd under valgrind did not announce its port"
addr=127.0.0.1:$port

# A swarm, with rematches.
"$BOT" "$addr" --clients 20 --games 3 --rematch --strategy random --seed 7 --quiet --json >"$tmp/swarm" ||
  fail "swarm of bots failed: $(tail -n 1 "$tmp/swarm")"
# A private room between two bots.
"$BOT" "$addr" --create-room --games 2 --name host --quiet >"$tmp/host" &
host=$!
for _ in $(seq 1 100); do grep -q '^room ' "$tmp/host" && break; sleep 0.05; done
code=$(sed -n 's/^room \([A-Z0-9]*\)$/\1/p' "$tmp/host")
[ -n "$code" ] || fail "no room code printed"
"$BOT" "$addr" --room "$code" --games 2 --name guest --quiet >/dev/null || fail "room guest failed"
wait $host || fail "room host failed"
# Discovery: the queries of a search, and junk on the port.
udp=$(sed -n 's/.*answering discovery on UDP port \([0-9]*\) .*/\1/p' "$tmp/err")
[ -n "$udp" ] || fail "tttd did not say which UDP port it answers discovery on: $(cat "$tmp/err")"
"$BOT" --discover --announce-port "$udp" --wait 1 >"$tmp/found" || fail "--discover did not find tttd"
grep -q "^127\.0\.0\.1:$port " "$tmp/found" || fail "--discover found: $(cat "$tmp/found")"
printf 'TTTD\x01\x01junk' >"/dev/udp/127.0.0.1/$udp"

hello() { # $1 = name: a HELLO frame
  local n=$1
  printf "\\x01\\x00\\x$(printf %02x $((6 + ${#n})))TTTP\\x01\\x$(printf %02x ${#n})%s" "$n"
}
# Raw clients: garbage, a half frame, a flood, a silent one (hello timeout),
# a game whose X never moves (turn time), one whose O vanishes (forfeit).
exec 3<>"/dev/tcp/127.0.0.1/$port"; printf 'GET / HTTP/1.0\r\n\r\n' >&3
exec 4<>"/dev/tcp/127.0.0.1/$port"; hello half >&4; printf '\x10\x00' >&4
exec 5<>"/dev/tcp/127.0.0.1/$port"; { hello flood; for _ in $(seq 1 300); do printf '\x07\x00\x00'; done; } >&5 || true
exec 6<>"/dev/tcp/127.0.0.1/$port"
exec 7<>"/dev/tcp/127.0.0.1/$port"; { hello x; printf '\x02\x00\x00'; } >&7
exec 8<>"/dev/tcp/127.0.0.1/$port"; { hello o; printf '\x02\x00\x00'; } >&8
sleep 3 # the turn time runs out for x; the silent socket times out
{ printf '\x12\x00\x00'; } >&7 || true  # x offers a rematch
{ printf '\x12\x00\x00'; } >&8 || true  # o accepts: game 2 starts
sleep 0.3
exec 8>&-                               # o vanishes mid-game: forfeit after grace
sleep 2
exec 9<>"/dev/tcp/127.0.0.1/$port"; { hello late; printf '\x02\x00\x00'; } >&9
# Live games at shutdown: a bot pair mid-game (slow thinkers) is aborted.
"$BOT" "$addr" --clients 2 --games 1 --think 3000 --quiet >/dev/null 2>&1 &
bots=$!
sleep 1.5
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
pid=
wait $bots 2>/dev/null || true
for fd in 3 4 5 6 7 9; do eval "exec $fd>&-"; done
[ $rc -eq 0 ] || fail "tttd under valgrind exited $rc (99: valgrind found errors or leaks)"
if grep -q 'ERROR SUMMARY: [1-9]' "$tmp/vg"; then fail "valgrind reported errors"; fi
grep -q '"reason":"timeout"' "$tmp/record.jsonl" || fail "no game ended on the turn clock"
grep -q '"reason":"forfeit"' "$tmp/record.jsonl" || fail "no game ended in a forfeit"
grep -q '"reason":"aborted"' "$tmp/record.jsonl" || fail "no game was aborted at shutdown"
grep -q 'SLOW_DOWN\|too many frames' "$tmp/err" || fail "the flood was not stopped"
echo "PASS: tttd ran $(grep -c . "$tmp/record.jsonl") games, timers, garbage and a flood under valgrind with no error or leak"
