# The session library against a real tttd (--turn-time 2 --grace 5):
# tests/bot/test_session_live.c does the checking.
. "$(dirname "$0")/lib.sh"
: "${TEST_SESSION_LIVE:?TEST_SESSION_LIVE must name the test_session_live binary}"
start_tttd --bind 127.0.0.1 --quiet --turn-time 2 --grace 5 || fail "tttd did not start"
"$TEST_SESSION_LIVE" "127.0.0.1:$TTTD_PORT" || fail "test_session_live exited $?"
stop_tttd || fail "tttd exited with an error"
