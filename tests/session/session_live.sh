# SPDX-License-Identifier: MIT
# The session library against a real tttd (--turn-time 2 --grace 5; --public-rooms,
# so that a third session may list and watch a room's game):
# tests/session/test_session_live.c does the checking.
set -u
. "$(dirname "$0")/../lib/server.sh"
: "${TEST_SESSION_LIVE:?TEST_SESSION_LIVE must name the test_session_live binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/ttt-session-live.XXXXXX")
TTTD_LOG=$T/tttd
trap 'stop_tttd >/dev/null 2>&1; rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; tail -n 20 "$TTTD_LOG.err" >&2 2>/dev/null; exit 1; }
start_tttd --bind 127.0.0.1 --quiet --turn-time 2 --grace 5 --public-rooms || fail "tttd did not start"
"$TEST_SESSION_LIVE" "127.0.0.1:$TTTD_PORT" || fail "test_session_live exited $?"
stop_tttd || fail "tttd exited with an error"
