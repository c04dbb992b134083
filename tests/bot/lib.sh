# SPDX-License-Identifier: MIT
# tests/bot/lib.sh: shared helpers of the ttt-bot integration tests.
# Needs TTTD and TTT_BOT (binaries); sources tests/lib/server.sh.
# Every test gets its own temporary directory $T, removed on exit, and the
# server it started is stopped on exit.

set -u
. "$(dirname "$0")/../lib/server.sh"
: "${TTT_BOT:?TTT_BOT must name the ttt-bot binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/ttt-bot-test.XXXXXX")
TTTD_LOG=$T/tttd
cleanup() {
  stop_tttd >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  if [ -f "$TTTD_LOG.err" ]; then
    echo "--- tttd stderr (last lines):" >&2
    tail -n 20 "$TTTD_LOG.err" >&2
  fi
  exit 1
}

# json_num KEY FILE: the number after "KEY": on the last line of FILE.
json_num() {
  tail -n 1 "$2" | grep -o "\"$1\":[0-9.]*" | head -n 1 | cut -d: -f2
}

# expect_num KEY WANT FILE [what]: the JSON number must equal WANT.
expect_num() {
  local got
  got=$(json_num "$1" "$3")
  [ "$got" = "$2" ] || fail "${4:-$3}: $1 is '${got}', expected $2; last line: $(tail -n 1 "$3")"
}

# run_bot OUT ARGS...: run ttt-bot against the test's server, stdout to OUT,
# stderr to OUT.err; returns its exit status.
run_bot() {
  local out=$1
  shift
  "$TTT_BOT" "127.0.0.1:$TTTD_PORT" "$@" >"$out" 2>"$out.err"
}

# start_bot OUT ARGS...: the same in the background; BOT_PID is ttt-bot's
# own pid (a signal sent to it reaches ttt-bot, not a subshell).
start_bot() {
  local out=$1
  shift
  "$TTT_BOT" "127.0.0.1:$TTTD_PORT" "$@" >"$out" 2>"$out.err" &
  BOT_PID=$!
}

# wait_game_started: until tttd's log shows game 1 paired (10 s), else fail.
wait_game_started() {
  local _
  for _ in $(seq 1 200); do
    grep -q 'game 1: ' "$TTTD_LOG.err" && return 0
    sleep 0.05
  done
  fail "the bots did not start a game within 10 s"
}
