# Perfect against perfect, many games in one process: every game a draw.
# Then two single bots: each prints a line per game, with the opponent's
# name made safe for a terminal (a right-to-left override shows as '?').
. "$(dirname "$0")/lib.sh"
start_tttd --bind 127.0.0.1 --quiet || fail "tttd did not start"
run_bot "$T/out" --clients 2 --games 25 --strategy perfect --json --quiet ||
  fail "ttt-bot exited $?: $(cat "$T/out.err")"
expect_num games 50 "$T/out"
expect_num draws 50 "$T/out"
expect_num wins 0 "$T/out"
expect_num losses 0 "$T/out"
expect_num illegal_moves 0 "$T/out"
rlo=$(printf '\342\200\256')
start_bot "$T/evil" --name "${rlo}evil" --games 1
evil=$BOT_PID
run_bot "$T/plain" --name plain --games 1 || fail "plain bot exited $?: $(cat "$T/plain.err")"
wait "$evil" || fail "the bot named RLO+evil exited $?: $(cat "$T/evil.err")"
grep -q '^game 1: .*?evil .*: draw (full)$' "$T/plain" || fail "no safe game line: $(cat "$T/plain")"
! grep -q "$rlo" "$T/plain" "$T/evil" || fail "a raw U+202E reached the terminal"
echo "ok: 50 games, 50 draws; names printed safely"
