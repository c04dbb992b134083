# SPDX-License-Identifier: MIT
# --json: one object on the last line of stdout with the documented keys;
# games counts once per client: 200 clients x 5 games = 1000.
. "$(dirname "$0")/lib.sh"
start_tttd --bind 127.0.0.1 --quiet || fail "tttd did not start"
run_bot "$T/out" --clients 200 --games 5 --strategy mixed:0.7 --json ||
  fail "ttt-bot exited $?: $(cat "$T/out.err")"
last=$(tail -n 1 "$T/out")
case "$last" in '{'*'}') ;; *) fail "last line is not a JSON object: $last" ;; esac
for key in games wins losses draws illegal_moves moves seconds moves_per_s latency_us latency_steady_us p50 p90 p99 max count; do
  printf '%s' "$last" | grep -q "\"$key\":" || fail "key $key missing: $last"
done
expect_num games 1000 "$T/out"
expect_num illegal_moves 0 "$T/out"
w=$(json_num wins "$T/out"); l=$(json_num losses "$T/out"); d=$(json_num draws "$T/out")
[ $((w + l + d)) -eq 1000 ] || fail "wins $w + losses $l + draws $d is not 1000"
[ "$w" -eq "$l" ] || fail "in one process every win is another client's loss: wins $w, losses $l"
m=$(json_num moves "$T/out")
[ "$m" -ge $((1000 / 2 * 5)) ] && [ "$m" -le $((1000 / 2 * 9)) ] || fail "moves $m out of range for 500 games"
# hist KEY FIELD: a field of the latency object KEY.
hist() { printf '%s' "$last" | grep -o "\"$1\":{[^}]*}" | grep -o "\"$2\":[0-9]*" | cut -d: -f2; }
p50=$(hist latency_us p50); p99=$(hist latency_us p99); mx=$(hist latency_us max)
[ "$p50" -gt 0 ] && [ "$p50" -le "$p99" ] && [ "$p99" -le "$mx" ] || fail "percentiles out of order: $last"
all=$(hist latency_us count); steady=$(hist latency_steady_us count)
[ "$all" -eq "$m" ] || fail "latency_us counts $all moves, moves says $m"
[ "$steady" -le "$all" ] || fail "latency_steady_us counts $steady of $all moves"
# The steady moves: those made with all clients in and none done. Paced
# (--think 50) and in pairs, 20 bots all connect before any can finish, and
# the pairs finish at different times: some moves are steady, not all.
run_bot "$T/steady" --clients 20 --games 2 --rematch --think 50 --quiet --json ||
  fail "steady run exited $?: $(cat "$T/steady.err")"
last=$(tail -n 1 "$T/steady")
all=$(hist latency_us count); steady=$(hist latency_steady_us count)
[ "$steady" -gt 0 ] && [ "$steady" -lt "$all" ] || fail "latency_steady_us counts $steady of $all moves: $last"
p50=$(hist latency_steady_us p50); p99=$(hist latency_steady_us p99); mx=$(hist latency_steady_us max)
[ "$p50" -gt 0 ] && [ "$p50" -le "$p99" ] && [ "$p99" -le "$mx" ] || fail "steady percentiles out of order: $last"
# An odd number of games in all: one bot plays one more, so that none waits
# alone in the queue (3 x 1 is 4 games, 5 x 3 is 16), and the run ends.
for cg in "3 1 4" "5 3 16"; do
  set -- $cg
  rc=0
  timeout 60 "$TTT_BOT" "127.0.0.1:$TTTD_PORT" --clients "$1" --games "$2" --json \
    >"$T/odd" 2>"$T/odd.err" || rc=$?
  [ "$rc" -eq 0 ] || fail "--clients $1 --games $2 exited $rc (124: it hung): $(cat "$T/odd.err")"
  expect_num games "$3" "$T/odd" "--clients $1 --games $2"
  grep -q "one bot plays one game more" "$T/odd.err" || fail "--clients $1 --games $2: no note: $(cat "$T/odd.err")"
done
# --quiet --json prints the JSON line alone.
run_bot "$T/q" --clients 2 --games 1 --quiet --json || fail "quiet run exited $?"
[ "$(wc -l <"$T/q")" -eq 1 ] || fail "--quiet --json printed more than one line: $(cat "$T/q")"
# --think 100: each move waits 100 ms (a bot's first pause a random part of
# it), so a game of 5 to 9 moves takes at least 0.3 s.
run_bot "$T/think" --clients 2 --games 1 --think 100 --quiet --json || fail "--think run exited $?"
secs=$(json_num seconds "$T/think")
awk -v s="$secs" 'BEGIN { exit !(s >= 0.3) }' || fail "--think 100: a game took only $secs s"
expect_num think_ms 100 "$T/think"
echo "ok: $(tail -n 1 "$T/out")"
