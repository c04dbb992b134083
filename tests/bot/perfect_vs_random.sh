# SPDX-License-Identifier: MIT
# A perfect bot against a random bot (two processes, quick match, 100
# games): the perfect one never loses, and it wins some.
. "$(dirname "$0")/lib.sh"
start_tttd --bind 127.0.0.1 --quiet || fail "tttd did not start"
start_bot "$T/perfect" --name perfect --strategy perfect --games 100 --json --quiet
p1=$BOT_PID
start_bot "$T/random" --name random --strategy random --games 100 --json --quiet
p2=$BOT_PID
wait $p1 || fail "perfect bot exited $?: $(cat "$T/perfect.err")"
wait $p2 || fail "random bot exited $?: $(cat "$T/random.err")"
expect_num games 100 "$T/perfect"
expect_num games 100 "$T/random"
expect_num losses 0 "$T/perfect" "perfect bot"
expect_num wins 0 "$T/random" "random bot"
expect_num illegal_moves 0 "$T/perfect"
expect_num illegal_moves 0 "$T/random"
wins=$(json_num wins "$T/perfect")
[ "$wins" -gt 0 ] || fail "the perfect bot never beat the random one in 100 games"
echo "ok: perfect won $wins of 100 against random and lost none"
