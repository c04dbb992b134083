# SPDX-License-Identifier: MIT
# ttt-bot --probe, for scripts and monitoring: against a real tttd it prints
# the protocol version and the turn and grace times from the WELCOME and
# exits 0 (a line, a JSON object with --json, nothing with --quiet); against
# a TCP listener that never answers (tttd stopped with SIGSTOP: the kernel
# still accepts) it exits 1 after about 3 s, saying so; against a closed
# port it exits 1 at once, saying the connection was refused.
. "$(dirname "$0")/lib.sh"
start_tttd --bind 127.0.0.1 --turn-time 45 --grace 7 --no-announce || fail "tttd did not start"

run_bot "$T/line" --probe || fail "--probe against tttd exited $?: $(cat "$T/line.err")"
grep -qxE "127\.0\.0\.1:$TTTD_PORT: ttt server, protocol 1, turn 45 s, grace 7 s \(WELCOME in [0-9]+\.[0-9] ms\)" "$T/line" ||
  fail "--probe printed: $(cat "$T/line")"
[ ! -s "$T/line.err" ] || fail "--probe wrote on stderr: $(cat "$T/line.err")"
run_bot "$T/json" --probe --json || fail "--probe --json exited $?"
grep -qxE "\{\"ok\":true,\"server\":\"127\.0\.0\.1:$TTTD_PORT\",\"version\":1,\"turn_s\":45,\"grace_s\":7,\"ms\":[0-9]+\.[0-9]{3},\"error\":null\}" "$T/json" ||
  fail "--probe --json printed: $(cat "$T/json")"
run_bot "$T/quiet" --probe --quiet || fail "--probe --quiet exited $?"
[ ! -s "$T/quiet" ] || fail "--probe --quiet printed: $(cat "$T/quiet")"
grep -q 'hello "probe"' "$TTTD_LOG.err" || fail "tttd saw no HELLO from the probe"

# A silent listener: connected, HELLO sent, no WELCOME.
kill -STOP "$TTTD_PID"
trap 'kill -CONT "$TTTD_PID" 2>/dev/null; cleanup' EXIT
t0=$(date +%s%N)
rc=0; run_bot "$T/silent" --probe --json || rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
kill -CONT "$TTTD_PID"
[ "$rc" -eq 1 ] || fail "--probe of a silent server exited $rc, expected 1"
[ "$ms" -ge 2500 ] && [ "$ms" -le 6000 ] || fail "--probe of a silent server took $ms ms, not about 3 s"
grep -qx "ttt-bot: no WELCOME from 127.0.0.1:$TTTD_PORT within 3 s: not a ttt server, or not answering" "$T/silent.err" ||
  fail "--probe of a silent server said: $(cat "$T/silent.err")"
grep -q '^{"ok":false,"server":"127.0.0.1:'"$TTTD_PORT"'",.*"error":"no WELCOME from' "$T/silent" ||
  fail "--probe --json of a silent server printed: $(cat "$T/silent")"
echo "a silent server: exit 1 after $ms ms"

# A closed port.
stop_tttd || fail "tttd exited with status $?"
t0=$(date +%s%N)
rc=0; run_bot "$T/closed" --probe || rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$rc" -eq 1 ] || fail "--probe of a closed port exited $rc, expected 1"
[ "$ms" -le 2000 ] || fail "--probe of a closed port took $ms ms"
grep -q "connection refused" "$T/closed.err" || fail "--probe of a closed port said: $(cat "$T/closed.err")"
[ ! -s "$T/closed" ] || fail "--probe of a closed port printed on stdout: $(cat "$T/closed")"
echo "PASS: --probe of a server, a silent one and a closed port"
