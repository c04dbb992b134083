#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/server/two_machines.sh: "two machines" on one host. tttd runs in one
# network namespace, two ttt-bots in another; a veth pair joins them, with an
# IPv4 (10.77.N.1/24 and .2) and an IPv6 ULA (fd77:N::1/64 and ::2) address on
# each end. The bots connect to the addresses tttd PRINTED (not to addresses
# the test made up), once over IPv4 and once over IPv6, and play full games;
# the server's --record file must then hold every game with a result.
# Needs root (network namespaces); otherwise it exits 77, which CTest reports
# as skipped. Usage: two_machines.sh TTTD TTT_BOT
set -euo pipefail
TTTD=$1 BOT=$2
GAMES=10

. "$(dirname "$0")/../lib/netns.sh"
netns_pair two-machines
net ip -n "$srv" addr add "10.77.$n.1/24" dev "$srv_if"
net ip -n "$cli" addr add "10.77.$n.2/24" dev "$cli_if"
net ip -n "$srv" addr add "fd77:$n::1/64" dev "$srv_if" nodad
net ip -n "$cli" addr add "fd77:$n::2/64" dev "$cli_if" nodad
net ip -n "$srv" link set "$srv_if" up
net ip -n "$cli" link set "$cli_if" up

# The server, in its own namespace, on every address (no --bind).
ip netns exec "$srv" "$TTTD" --port 0 --record "$tmp/record.jsonl" >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_line '^listening on port ' "$tmp/out" "$tmp/err" tttd
sleep 0.2 # the address lines follow the port line
echo "tttd printed:"; cat "$tmp/out"
port=$(sed -n 's/^listening on port \([0-9]*\)$/\1/p' "$tmp/out")
[ -n "$port" ] || fail "tttd printed no port"
v4=$(grep -x "10\.77\.$n\.1:$port" "$tmp/out") || fail "tttd did not print the veth IPv4 address 10.77.$n.1:$port"
v6=$(grep -x "\[fd77:$n::1\]:$port" "$tmp/out") || fail "tttd did not print the veth IPv6 address [fd77:$n::1]:$port"
# Loopback is printed last; the namespace has no public address, so a hint follows.
last=$(grep -E '^(\[.*\]|[0-9.]+):[0-9]+$' "$tmp/out" | tail -n 1)
case $last in 127.0.0.1:*|\[::1\]:*) ;; *) fail "loopback is not the last address printed (last: $last)";; esac
grep -qi 'forward' "$tmp/out" || fail "no port-forwarding hint although no printed address is public"

play() { # $1 = address printed by the server
  local addr=$1 out1=$tmp/bot1.json out2=$tmp/bot2.json
  ip netns exec "$cli" "$BOT" "$addr" --name alice --games $GAMES --strategy perfect --seed 1 --quiet --json >"$out1" &
  local b1=$!
  ip netns exec "$cli" "$BOT" "$addr" --name bob --games $GAMES --strategy random --seed 2 --quiet --json >"$out2" &
  local b2=$!
  local rc1=0 rc2=0
  wait $b1 || rc1=$?
  wait $b2 || rc2=$?
  [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] || fail "bots over $addr exited $rc1 and $rc2"
  for f in "$out1" "$out2"; do
    tail -n 1 "$f" | grep -q "\"games\":$GAMES[,}]" || fail "bot over $addr did not finish $GAMES games: $(tail -n 1 "$f")"
    tail -n 1 "$f" | grep -q '"illegal_moves":0[,}]' || fail "bot over $addr sent illegal moves: $(tail -n 1 "$f")"
  done
  tail -n 1 "$out1" | grep -q '"losses":0[,}]' || fail "the perfect bot lost over $addr: $(tail -n 1 "$out1")"
  echo "over $addr: alice $(tail -n 1 "$out1")"
}
play "$v4"
play "$v6"

# Every game reached a real result, and the client side came from the other namespace.
kill -TERM "$pid"; wait "$pid" || fail "tttd exited with status $?"
pid=
lines=$(grep -c . "$tmp/record.jsonl")
[ "$lines" -eq $((2 * GAMES)) ] || fail "record holds $lines games, expected $((2 * GAMES))"
if grep -q '"reason":"aborted"' "$tmp/record.jsonl"; then fail "a game was aborted"; fi
grep -q "connect from 10\.77\.$n\.2:" "$tmp/err" || fail "tttd's log shows no IPv4 client from the other namespace"
grep -q "connect from \[\?fd77:$n::2\]\?:" "$tmp/err" || fail "tttd's log shows no IPv6 client from the other namespace"
echo "PASS: $((2 * GAMES)) games across the veth pair, over IPv4 and IPv6"
