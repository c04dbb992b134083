# SPDX-License-Identifier: MIT
# ttt-bot --discover against real tttds on this machine, on a discovery
# port of the test's own (the first server's, picked by the kernel, so that
# no other server of the machine answers): two servers on one port are both
# found, each printed once, with their names (a space and an accent kept in
# the line, escaped in the JSON) and live counts (a game in progress on a
# full server: players=2 games=1 full); a server with --no-announce is not
# found; with none left, --discover exits 1 and says so.
. "$(dirname "$0")/lib.sh"
start_tttd --bind 127.0.0.1 --announce-port 0 --name alpha --max-clients 2 || fail "tttd did not start"
for _ in $(seq 1 100); do
  udp=$(sed -n 's/.*answering discovery on UDP port \([0-9]*\) .*/\1/p' "$TTTD_LOG.err")
  [ -n "$udp" ] && break
  sleep 0.05
done
[ -n "$udp" ] || fail "tttd did not say which UDP port it answers on"
alpha=$TTTD_PORT

# A second server on the same discovery port, and one that does not answer.
"$TTTD" --port 0 --bind 127.0.0.1 --announce-port "$udp" --name "salle fête" >"$T/beta.out" 2>"$T/beta.err" &
beta_pid=$!
"$TTTD" --port 0 --bind 127.0.0.1 --announce-port "$udp" --no-announce >"$T/mute.out" 2>"$T/mute.err" &
mute_pid=$!
trap 'kill $beta_pid $mute_pid 2>/dev/null; wait $beta_pid $mute_pid 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 100); do
  beta=$(sed -n 's/^listening on port \([0-9]*\)$/\1/p' "$T/beta.out")
  mute=$(sed -n 's/^listening on port \([0-9]*\)$/\1/p' "$T/mute.out")
  [ -n "$beta" ] && [ -n "$mute" ] && break
  sleep 0.05
done
[ -n "$beta" ] && [ -n "$mute" ] || fail "the second or third tttd did not start: $(cat "$T/beta.err" "$T/mute.err")"
grep -q "answering discovery" "$T/mute.err" && fail "tttd --no-announce said it answers discovery"

# A game in progress on alpha, which it fills: two bots, the second once the
# first is welcomed (with --max-clients 2 only one may wait for HELLO at once).
start_bot "$T/x" --name x --games 1 --think 60000
for _ in $(seq 1 200); do grep -q 'hello "x"' "$TTTD_LOG.err" && break; sleep 0.05; done
start_bot "$T/o" --name o --games 1 --think 60000
wait_game_started

"$TTT_BOT" --discover --announce-port "$udp" --wait 1 >"$T/lines" 2>"$T/lines.err" ||
  fail "--discover exited $?: $(cat "$T/lines.err")"
echo "--discover printed:"; cat "$T/lines"
grep -qx "127\.0\.0\.1:$alpha alpha players=2 games=1 full" "$T/lines" || fail "alpha is not listed as busy and full"
grep -qx "127\.0\.0\.1:$beta salle fête players=0 games=0" "$T/lines" || fail "the second server is not listed"
[ "$(wc -l <"$T/lines")" -eq 2 ] || fail "not exactly two lines (each server once, the silent one not)"
grep -q ":$mute " "$T/lines" && fail "the server with --no-announce was found"

"$TTT_BOT" --discover --announce-port "$udp" --wait 1 --json >"$T/json" 2>"$T/json.err" ||
  fail "--discover --json exited $?: $(cat "$T/json.err")"
grep -qxF "{\"addr\":\"127.0.0.1\",\"port\":$alpha,\"name\":\"alpha\",\"version\":1,\"players\":2,\"games\":1,\"full\":true}" "$T/json" ||
  fail "--discover --json: alpha is not as expected: $(cat "$T/json")"
grep -qxF "{\"addr\":\"127.0.0.1\",\"port\":$beta,\"name\":\"salle f\\u00eate\",\"version\":1,\"players\":0,\"games\":0,\"full\":false}" "$T/json" ||
  fail "--discover --json: the second server is not as expected: $(cat "$T/json")"
[ "$(wc -l <"$T/json")" -eq 2 ] || fail "--discover --json: not exactly two lines"

# Nobody left to answer.
kill "$BOT_PID" 2>/dev/null
kill $beta_pid $mute_pid
wait $beta_pid $mute_pid 2>/dev/null
stop_tttd
rc=0; "$TTT_BOT" --discover --announce-port "$udp" --wait 1 >"$T/none" 2>"$T/none.err" || rc=$?
[ "$rc" -eq 1 ] || fail "--discover with no server exited $rc, expected 1"
[ ! -s "$T/none" ] || fail "--discover with no server printed: $(cat "$T/none")"
grep -q "no server answered on UDP port $udp within 1 s" "$T/none.err" || fail "--discover with no server said: $(cat "$T/none.err")"
echo "PASS: two servers found once each with live counts, the silent one not, none: exit 1"
