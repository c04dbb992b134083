# SPDX-License-Identifier: MIT
# The server issue's concurrency test: 1000 clients in one ttt-bot, at least
# 500 games live at once (each move waits --think so that the games
# overlap), every game played to the end; then the record file has 500 lines
# and every line's moves, replayed with the rules, give its winner and reason.
. "$(dirname "$0")/lib.sh"
: "${CHECK_RECORD:?CHECK_RECORD must name the check_record binary}"
start_tttd --bind 127.0.0.1 --quiet --record "$T/games.jsonl" || fail "tttd did not start"
run_bot "$T/out" --clients 1000 --games 1 --strategy random --think 1000 --json ||
  fail "ttt-bot exited $?: $(cat "$T/out.err")"
expect_num games 1000 "$T/out"
expect_num illegal_moves 0 "$T/out"
peak=$(json_num peak_playing "$T/out")
[ "$peak" -ge 1000 ] || fail "only $peak clients were in a live game at once (need 1000: 500 games)"
w=$(json_num wins "$T/out"); l=$(json_num losses "$T/out"); d=$(json_num draws "$T/out")
[ "$w" -eq "$l" ] && [ $((w + l + d)) -eq 1000 ] || fail "results do not add up: $(tail -n 1 "$T/out")"
stop_tttd || fail "tttd exited with an error"
"$CHECK_RECORD" "$T/games.jsonl" 500 --played-out || fail "record check failed"
# The bot's own view agrees with the record: X wins + O wins + draws.
draws=$(grep -c '"winner":"draw"' "$T/games.jsonl")
[ $((d / 2)) -eq "$draws" ] || fail "bot counted $((d / 2)) drawn games, record has $draws"
echo "ok: 500 games at once ($peak clients playing), record consistent"
