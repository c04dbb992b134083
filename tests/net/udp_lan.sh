#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/net/udp_lan.sh: the discovery sockets of net/udp.c across a real
# link. Two network namespaces joined by a veth pair, with IPv4
# (10.78.N.1/24 and .2) and only the link-local IPv6 addresses the kernel
# gives each end. In the "server" namespace three responders share one
# port (udp_peer serve); from the "client" namespace one query goes to each
# target (the veth's IPv4 broadcast address and ff02::1 on the veth), and
# each of the three must answer over IPv4 broadcast and over IPv6
# multicast; queried from the server's own namespace, they answer over
# loopback too. Needs root; otherwise it exits 77 (skipped).
# Usage: udp_lan.sh UDP_PEER
set -euo pipefail
PEER=$1
PORT=7778

. "$(dirname "$0")/../lib/netns.sh"
netns_pair udp-lan
net ip -n "$srv" addr add "10.78.$n.1/24" brd + dev "$srv_if"
net ip -n "$cli" addr add "10.78.$n.2/24" brd + dev "$cli_if"
net ip -n "$srv" link set "$srv_if" up
net ip -n "$cli" link set "$cli_if" up
ll=$(ip -n "$srv" -6 -o addr show dev "$srv_if" scope link | awk '{print $4}' | cut -d/ -f1)
[ -n "$ll" ] || skip "the veth got no IPv6 link-local address"

ip netns exec "$srv" "$PEER" serve $PORT 3 20 >"$tmp/serve" 2>"$tmp/serve.err" &
pid=$!
wait_line '^ready$' "$tmp/serve" "$tmp/serve.err" "udp_peer serve"

# $1 = namespace, $2 = address the answers must come from: each of the
# three responders answers exactly once from it.
expect_three() {
  local out=$tmp/query-$1 k got
  for k in 0 1 2; do
    got=$(grep -cxF "$2 answer $k" "$out" || true)
    [ "$got" -eq 1 ] || { cat "$out" >&2; fail "from $1: responder $k answered $got times from $2, not once"; }
  done
}

ip netns exec "$cli" "$PEER" query $PORT 1000 >"$tmp/query-$cli" 2>"$tmp/query.err" || { cat "$tmp/query.err" >&2; fail "query from the client namespace"; }
echo "from the client namespace:"; cat "$tmp/query-$cli"
expect_three "$cli" "10.78.$n.1:$PORT"
expect_three "$cli" "[$ll%$cli_if]:$PORT"
[ "$(wc -l <"$tmp/query-$cli")" -eq 6 ] || fail "answers from elsewhere than the link"

ip netns exec "$srv" "$PEER" query $PORT 1000 >"$tmp/query-$srv" 2>"$tmp/query.err" || { cat "$tmp/query.err" >&2; fail "query from the server namespace"; }
echo "from the server namespace:"; cat "$tmp/query-$srv"
expect_three "$srv" "127.0.0.1:$PORT"
expect_three "$srv" "10.78.$n.1:$PORT"
expect_three "$srv" "[$ll%$srv_if]:$PORT"
echo "ok: three responders on one port each answered every broadcast and multicast query"
