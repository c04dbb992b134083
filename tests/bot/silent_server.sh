# SPDX-License-Identifier: MIT
# A server that goes silent (tttd stopped with SIGSTOP: the kernel keeps its
# connections and even accepts new ones, but nothing answers): a bot waiting
# in a room, and two bots in a game, each give up within about 20 s of
# silence (a PING after 10 s, then 10 s more) and exit 1 saying why; the two
# in a game try to reconnect first, for the server's grace period.
. "$(dirname "$0")/lib.sh"
start_tttd --bind 127.0.0.1 --grace 2 --turn-time 300 || fail "tttd did not start"
start_bot "$T/host" --name host --create-room --games 1
host=$BOT_PID
start_bot "$T/pair" --clients 2 --games 1 --think 100000
pair=$BOT_PID
for _ in $(seq 1 200); do
  grep -q '^room ' "$T/host" 2>/dev/null && break
  sleep 0.05
done
grep -q '^room ' "$T/host" || fail "--create-room printed no room: $(cat "$T/host.err")"
wait_game_started

kill -STOP "$TTTD_PID"
t0=$(date +%s)
# (tttd is killed below, so stop_tttd at exit has nothing to wait for)
trap 'kill -KILL "$TTTD_PID" 2>/dev/null; cleanup' EXIT

# Both are still there 15 s into the silence, and gone by 40 s.
sleep 15
kill -0 $host 2>/dev/null || fail "the host bot gave up before 15 s of silence: $(cat "$T/host.err")"
kill -0 $pair 2>/dev/null || fail "the pair gave up before 15 s of silence: $(cat "$T/pair.err")"
for _ in $(seq 1 250); do
  kill -0 $host 2>/dev/null || kill -0 $pair 2>/dev/null || break
  sleep 0.1
done
kill -0 $host 2>/dev/null && fail "the host bot still waits after $(( $(date +%s) - t0 )) s of silence"
kill -0 $pair 2>/dev/null && fail "the pair still waits after $(( $(date +%s) - t0 )) s of silence"
rc=0; wait $host || rc=$?
[ "$rc" -eq 1 ] || fail "the host bot exited $rc, expected 1: $(cat "$T/host.err")"
grep -q "connection lost: the server sent nothing for 20 s, not even an answer to a PING" "$T/host.err" ||
  fail "the host bot's message is unclear: $(cat "$T/host.err")"
rc=0; wait $pair || rc=$?
[ "$rc" -eq 1 ] || fail "the pair exited $rc, expected 1: $(cat "$T/pair.err")"
grep -q "connection lost and not resumed within the 2 s grace period" "$T/pair.err" ||
  fail "the pair's message is unclear: $(cat "$T/pair.err")"
grep -q 'reconnects: [1-9]' "$T/pair" || fail "the pair did not try to reconnect: $(cat "$T/pair")"
kill -KILL "$TTTD_PID"
wait "$TTTD_PID" 2>/dev/null
TTTD_PID=
echo "ok: silent server left after $(( $(date +%s) - t0 )) s: $(cat "$T/host.err")"
