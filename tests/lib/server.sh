# SPDX-License-Identifier: MIT
# tests/lib/server.sh: start and stop a real tttd for shell-driven tests.
# Source it, then:
#   start_tttd [tttd options...]   starts "$TTTD" --port 0 with the options; sets
#                                  TTTD_PID and TTTD_PORT once it printed
#                                  "listening on port N"; its stdout goes to
#                                  $TTTD_LOG.out and stderr to $TTTD_LOG.err.
#   stop_tttd                      SIGTERM, wait; returns tttd's exit status.
# Needs: TTTD (path to the binary). TTTD_LOG defaults to a file in $TMPDIR.
# A server that does not announce its port within 10 s is a test failure.

start_tttd() {
  : "${TTTD:?TTTD must name the tttd binary}"
  TTTD_LOG=${TTTD_LOG:-$(mktemp -u "${TMPDIR:-/tmp}/tttd.XXXXXX")}
  "$TTTD" --port 0 "$@" >"$TTTD_LOG.out" 2>"$TTTD_LOG.err" &
  TTTD_PID=$!
  local i
  for i in $(seq 1 200); do
    TTTD_PORT=$(sed -n 's/^listening on port \([0-9][0-9]*\)$/\1/p' "$TTTD_LOG.out" 2>/dev/null | head -n 1)
    [ -n "$TTTD_PORT" ] && return 0
    kill -0 "$TTTD_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "tttd did not start; its stderr:" >&2
  cat "$TTTD_LOG.err" >&2
  return 1
}

stop_tttd() {
  [ -n "${TTTD_PID:-}" ] || return 0
  kill -TERM "$TTTD_PID" 2>/dev/null
  local rc=0
  wait "$TTTD_PID" || rc=$?
  TTTD_PID=
  return $rc
}
