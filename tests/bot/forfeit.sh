# SPDX-License-Identifier: MIT
# An opponent that vanishes mid-game: the bot that stays is told, waits out
# the grace period (tttd --grace 1) and wins by forfeit, exit 0, the win
# counted under "forfeit". Then SIGINT: a bot stops, prints its summary with
# the reason, exit 1.
. "$(dirname "$0")/lib.sh"
start_tttd --bind 127.0.0.1 --grace 1 || fail "tttd did not start"
start_bot "$T/stay" --name stay --games 1 --think 500 --json
stay=$BOT_PID
start_bot "$T/gone" --name gone --games 1 --think 500
gone=$BOT_PID
wait_game_started
kill -KILL $gone
wait $gone 2>/dev/null
wait $stay || fail "the bot that stayed exited $?: $(cat "$T/stay.err")"
expect_num games 1 "$T/stay"
expect_num wins 1 "$T/stay"
grep -q '"wins_by_reason":{[^}]*"forfeit":1' "$T/stay" || fail "not a win by forfeit: $(tail -n 1 "$T/stay")"
grep -q '^game 1: .*: won (forfeit)$' "$T/stay" || fail "no game line saying won (forfeit): $(cat "$T/stay")"

start_bot "$T/int" --clients 10 --games 1000000 --think 20 --json
bot=$BOT_PID
sleep 1
kill -INT $bot
rc=0
wait $bot || rc=$?
[ "$rc" -eq 1 ] || fail "SIGINT: exit $rc, expected 1"
grep -qx "ttt-bot: interrupted by SIGINT" "$T/int.err" || fail "SIGINT: $(cat "$T/int.err")"
grep -q '"error":"interrupted by SIGINT"}$' "$T/int" || fail "SIGINT: no JSON summary: $(tail -n 1 "$T/int")"
echo "ok"
