# SPDX-License-Identifier: MIT
# tests/lib/netns.sh: "two machines" on one host for the tests that need a
# real link: two network namespaces joined by a veth pair. Source it, then:
#   netns_pair NAME      root, iproute2 and namespaces, or exit 77 (skipped);
#                        sets tag (this shell's pid), n (1..250, for
#                        addresses), tmp (a directory), srv and cli (the
#                        namespaces ttt-NAME-srv-TAG, ttt-NAME-cli-TAG) and
#                        srv_if, cli_if (the two ends, each in its own
#                        namespace, with loopback; neither up yet, and no
#                        duplicate address detection on them, so that
#                        their IPv6 addresses work at once).
#   net CMD...           run a set-up command; what the machine cannot do
#                        (veth, IPv6 in a container) is a skip, not a failure.
#   pid=PID              a process the cleanup stops (SIGTERM, then waits).
#   wait_line RE OUT ERR WHAT
#                        wait (10 s at most) until the process $pid wrote a
#                        line matching RE to the file OUT; when it exits
#                        first, print its stderr (the file ERR) and fail
#                        with "WHAT exited at start".
# On exit the process is stopped, the namespaces deleted and tmp removed.
# skip and fail print one line and exit 77 and 1.

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

netns_cleanup() {
  if [ -n "${pid:-}" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  ip netns del "$srv" 2>/dev/null || true
  ip netns del "$cli" 2>/dev/null || true
  rm -rf "$tmp"
}

wait_line() {
  local _
  for _ in $(seq 1 200); do
    grep -q "$1" "$2" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$3" >&2; fail "$4 exited at start"; }
    sleep 0.05
  done
  fail "$4 did not start within 10 s"
}

net() { "$@" 2>"$tmp/ip.err" || skip "this machine cannot: $* ($(cat "$tmp/ip.err"))"; }

netns_pair() {
  [ "$(id -u)" -eq 0 ] || skip "$1 needs root (network namespaces); run the suite as root to include it"
  command -v ip >/dev/null || skip "ip (iproute2) is not installed"
  tag=$$
  n=$(( tag % 250 + 1 ))
  srv=ttt-$1-srv-$tag cli=ttt-$1-cli-$tag
  srv_if=v$tag cli_if=w$tag
  tmp=$(mktemp -d)
  pid=
  trap netns_cleanup EXIT
  ip netns add "$srv" 2>/dev/null || skip "cannot create a network namespace here (no CAP_SYS_ADMIN?)"
  net ip netns add "$cli"
  net ip link add "$srv_if" type veth peer name "$cli_if"
  net ip link set "$srv_if" netns "$srv"
  net ip link set "$cli_if" netns "$cli"
  net ip netns exec "$srv" sysctl -qw "net.ipv6.conf.$srv_if.accept_dad=0"
  net ip netns exec "$cli" sysctl -qw "net.ipv6.conf.$cli_if.accept_dad=0"
  net ip -n "$srv" link set lo up
  net ip -n "$cli" link set lo up
}
