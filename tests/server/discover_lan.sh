#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/server/discover_lan.sh: finding servers across a real link. Two
# network namespaces joined by a veth pair, as two machines; in the
# "server" one three tttds on the default discovery port 7778: alpha (every
# address), beta (--bind to the link's IPv4 address only) and mute
# (--no-announce). From the "client" namespace, ttt-bot --discover --json:
#  1. over IPv4 broadcast alone (IPv6 off on the link): alpha and beta are
#     found at the server's address on the link, mute is not; two bots then
#     play a game at the address alpha was found at;
#  2. over IPv6 multicast alone (the IPv4 addresses gone, IPv6 on): alpha
#     is found at the server's link-local address with the client's zone,
#     beta (listening on IPv4 only) is not; two bots play a game there;
#  3. a server that stopped is no longer found.
# Needs root; otherwise it exits 77 (skipped). Usage: discover_lan.sh TTTD TTT_BOT
set -euo pipefail
TTTD=$1 BOT=$2

. "$(dirname "$0")/../lib/netns.sh"
netns_pair discover-lan
v4=10.79.$n.1
net ip -n "$srv" addr add "$v4/24" brd + dev "$srv_if"
net ip -n "$cli" addr add "10.79.$n.2/24" brd + dev "$cli_if"
ipv6_on() { # $1 = 0 or 1
  net ip netns exec "$srv" sysctl -qw "net.ipv6.conf.$srv_if.disable_ipv6=$((1 - $1))"
  net ip netns exec "$cli" sysctl -qw "net.ipv6.conf.$cli_if.disable_ipv6=$((1 - $1))"
}
ipv6_on 0
net ip -n "$srv" link set "$srv_if" up
net ip -n "$cli" link set "$cli_if" up

pids=()
stop_servers() { local p; for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap 'stop_servers; netns_cleanup' EXIT
# start NAME ARGS...: a tttd in the server namespace; its TCP port in $port_NAME.
start() {
  local name=$1; shift
  ip netns exec "$srv" "$TTTD" --port 0 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pid=$!
  pids+=("$pid")
  wait_line '^listening on port ' "$tmp/$name.out" "$tmp/$name.err" "tttd $name"
  printf -v "port_$name" '%s' "$(sed -n 's/^listening on port \([0-9]*\)$/\1/p' "$tmp/$name.out")"
}
start alpha --name alpha
start beta --name beta --bind "$v4"
start mute --name mute --no-announce
pid=
grep -q "answering discovery on UDP port 7778 as \"alpha\"" "$tmp/alpha.err" || fail "alpha did not say it answers discovery"
grep -q "answering discovery" "$tmp/mute.err" && fail "mute said it answers discovery"

# discover FILE: ttt-bot --discover --json from the client namespace.
discover() {
  local rc=0
  ip netns exec "$cli" "$BOT" --discover --json --wait 2 >"$1" 2>"$1.err" || rc=$?
  echo "--discover found:"; cat "$1"
  return $rc
}
# found FILE NAME ADDR PORT: NAME is listed once, at ADDR:PORT.
found() {
  local line
  line=$(grep -F "\"name\":\"$2\"" "$1") || fail "$2 was not found: $(cat "$1" "$1.err")"
  [ "$(printf '%s\n' "$line" | wc -l)" -eq 1 ] || fail "$2 was listed more than once"
  printf '%s\n' "$line" | grep -qF "{\"addr\":\"$3\",\"port\":$4," || fail "$2 was found as $line, not at $3 port $4"
}
# play ADDR: two bots from the client namespace play a game at ADDR.
play() {
  ip netns exec "$cli" "$BOT" "$1" --name ann --games 1 --quiet --json >"$tmp/b1" 2>&1 &
  local b1=$!
  ip netns exec "$cli" "$BOT" "$1" --name bea --games 1 --quiet --json >"$tmp/b2" 2>&1 &
  local b2=$! rc1=0 rc2=0
  wait $b1 || rc1=$?
  wait $b2 || rc2=$?
  [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] || fail "the bots at $1 exited $rc1 and $rc2: $(cat "$tmp/b1" "$tmp/b2")"
  grep -q '"games":1,' "$tmp/b1" || fail "no game played at $1: $(cat "$tmp/b1")"
  echo "a game played at $1"
}

# 1. IPv4 broadcast.
discover "$tmp/d4" || fail "--discover over IPv4 found nothing: $(cat "$tmp/d4.err")"
found "$tmp/d4" alpha "$v4" "$port_alpha"
found "$tmp/d4" beta "$v4" "$port_beta"
grep -q '"name":"mute"' "$tmp/d4" && fail "mute (--no-announce) was found"
[ "$(wc -l <"$tmp/d4")" -eq 2 ] || fail "more than alpha and beta were found"
play "$v4:$port_alpha"

# 2. IPv6 multicast: no IPv4 address left, IPv6 back on.
net ip -n "$srv" -4 addr flush dev "$srv_if"
net ip -n "$cli" -4 addr flush dev "$cli_if"
ipv6_on 1
ll=
for _ in $(seq 1 100); do
  ll=$(ip -n "$srv" -6 -o addr show dev "$srv_if" scope link | awk '{print $4}' | cut -d/ -f1)
  [ -n "$ll" ] && ip -n "$cli" -6 -o addr show dev "$cli_if" scope link | grep -q . && break
  sleep 0.05
done
[ -n "$ll" ] || skip "the veth got no IPv6 link-local address"
discover "$tmp/d6" || fail "--discover over IPv6 found nothing: $(cat "$tmp/d6.err")"
found "$tmp/d6" alpha "$ll%$cli_if" "$port_alpha"
grep -q '"name":"beta"' "$tmp/d6" && fail "beta, listening on IPv4 alone, was found over IPv6"
grep -q '"name":"mute"' "$tmp/d6" && fail "mute (--no-announce) was found"
play "[$ll%$cli_if]:$port_alpha"

# 3. alpha stops: it is found no more.
kill -TERM "${pids[0]}"
wait "${pids[0]}" || fail "alpha exited with status $?"
rc=0; discover "$tmp/gone" || rc=$?
[ $rc -eq 1 ] || fail "--discover found a server after alpha stopped (exit $rc)"
grep -q "connect from 10\.79\.$n\.2:" "$tmp/alpha.err" || fail "alpha's log shows no IPv4 player from the client namespace"
grep -q "connect from \[fe80::" "$tmp/alpha.err" || fail "alpha's log shows no IPv6 player from the client namespace"
echo "PASS: found over IPv4 broadcast and IPv6 multicast, played at the address found; --no-announce, an IPv4-only server over IPv6 and a stopped server not found"
