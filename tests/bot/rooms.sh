# SPDX-License-Identifier: MIT
# --create-room prints a code; a second bot joins it with --room; they play
# 3 games in the room (rooms imply --rematch).
. "$(dirname "$0")/lib.sh"
start_tttd --bind 127.0.0.1 --quiet || fail "tttd did not start"
start_bot "$T/host" --name host --create-room --games 3 --json
p1=$BOT_PID
code=
for _ in $(seq 1 200); do
  code=$(sed -n 's/^room \([A-Z2-9]\{6\}\)$/\1/p' "$T/host" 2>/dev/null | head -n 1)
  [ -n "$code" ] && break
  kill -0 $p1 2>/dev/null || break
  sleep 0.05
done
[ -n "$code" ] || fail "--create-room printed no 'room CODE' line: $(cat "$T/host" "$T/host.err")"
run_bot "$T/guest" --name guest --room "$(printf '%s' "$code" | tr 'A-Z' 'a-z')" --games 3 --json ||
  fail "the guest exited $?: $(cat "$T/guest.err")"
wait $p1 || fail "the host exited $?: $(cat "$T/host.err")"
expect_num games 3 "$T/host"
expect_num games 3 "$T/guest"
grep -q "vs host (O)\|host (X) vs guest" "$T/guest" || fail "the guest did not play the host: $(cat "$T/guest")"
# A code no room has: a clear error, non-zero.
if run_bot "$T/none" --room "$code" --games 1; then fail "joining a closed room succeeded"; fi
grep -q "no open room has the code $code" "$T/none.err" || fail "unclear message: $(cat "$T/none.err")"
# A room nobody joins closes after the server's room time: the host says so, exit 1.
stop_tttd || fail "tttd exited with an error"
start_tttd --bind 127.0.0.1 --quiet --room-time 1 || fail "tttd (--room-time 1) did not start"
t0=$(date +%s)
if run_bot "$T/alone" --name alone --create-room; then fail "a room nobody joined did not fail"; fi
grep -q "the room closed: nobody joined it within the server's room time" "$T/alone.err" ||
  fail "unclear message for a room that closed: $(cat "$T/alone.err")"
[ $(($(date +%s) - t0)) -le 5 ] || fail "the closed room took over 5 s to report"
echo "ok: room $code, 3 games; a room nobody joined closes with a clear message"
