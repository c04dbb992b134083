#!/usr/bin/env bash
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

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
command -v ip >/dev/null || skip "ip (iproute2) is not installed"

tag=$$
n=$(( tag % 250 + 1 ))
srv=ttt-usrv-$tag cli=ttt-ucli-$tag
tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  ip netns del "$srv" 2>/dev/null || true
  ip netns del "$cli" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

ip netns add "$srv" 2>/dev/null || skip "cannot create a network namespace here"
net() { "$@" 2>"$tmp/ip.err" || skip "this machine cannot: $* ($(cat "$tmp/ip.err"))"; }
net ip netns add "$cli"
net ip link add "uv$tag" type veth peer name "uw$tag"
net ip link set "uv$tag" netns "$srv"
net ip link set "uw$tag" netns "$cli"
# No duplicate address detection: the link-local addresses are usable at once.
net ip netns exec "$srv" sysctl -qw "net.ipv6.conf.uv$tag.accept_dad=0"
net ip netns exec "$cli" sysctl -qw "net.ipv6.conf.uw$tag.accept_dad=0"
net ip -n "$srv" addr add "10.78.$n.1/24" brd + dev "uv$tag"
net ip -n "$cli" addr add "10.78.$n.2/24" brd + dev "uw$tag"
for ns in "$srv" "$cli"; do net ip -n "$ns" link set lo up; done
net ip -n "$srv" link set "uv$tag" up
net ip -n "$cli" link set "uw$tag" up
ll=$(ip -n "$srv" -6 -o addr show dev "uv$tag" scope link | awk '{print $4}' | cut -d/ -f1)
[ -n "$ll" ] || skip "the veth got no IPv6 link-local address"

ip netns exec "$srv" "$PEER" serve $PORT 3 20 >"$tmp/serve" 2>"$tmp/serve.err" &
pid=$!
for _ in $(seq 1 100); do
  grep -q '^ready$' "$tmp/serve" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.err" >&2; fail "udp_peer serve exited"; }
  sleep 0.05
done

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
expect_three "$cli" "[$ll%uw$tag]:$PORT"
[ "$(wc -l <"$tmp/query-$cli")" -eq 6 ] || fail "answers from elsewhere than the link"

ip netns exec "$srv" "$PEER" query $PORT 1000 >"$tmp/query-$srv" 2>"$tmp/query.err" || { cat "$tmp/query.err" >&2; fail "query from the server namespace"; }
echo "from the server namespace:"; cat "$tmp/query-$srv"
expect_three "$srv" "127.0.0.1:$PORT"
expect_three "$srv" "10.78.$n.1:$PORT"
expect_three "$srv" "[$ll%uv$tag]:$PORT"
echo "ok: three responders on one port each answered every broadcast and multicast query"
