# Perfect against perfect, many games in one process: every game a draw.
. "$(dirname "$0")/lib.sh"
start_tttd --bind 127.0.0.1 --quiet || fail "tttd did not start"
run_bot "$T/out" --clients 2 --games 25 --strategy perfect --json --quiet ||
  fail "ttt-bot exited $?: $(cat "$T/out.err")"
expect_num games 50 "$T/out"
expect_num draws 50 "$T/out"
expect_num wins 0 "$T/out"
expect_num losses 0 "$T/out"
expect_num illegal_moves 0 "$T/out"
echo "ok: 50 games, 50 draws"
