# SPDX-License-Identifier: MIT
# Perfect against perfect, many games in one process: every game a draw.
# Then two single bots: each prints a line per game with the opponent's name
# (a non-ASCII one whole); a name with a right-to-left override is refused.
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
rc=0; "$TTT_BOT" --name "${rlo}evil" >"$T/evil" 2>"$T/evil.err" </dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "--name with U+202E: exit $rc, expected 2"
[ "$(wc -l <"$T/evil.err")" -eq 1 ] || fail "--name with U+202E: not one line: $(cat "$T/evil.err")"
! grep -q "$rlo" "$T/evil.err" || fail "the refusal printed a raw U+202E"
cyr=$(printf '\320\220\320\275\320\275\320\260') # Anna in Cyrillic
start_bot "$T/anna" --name "$cyr" --games 1
anna=$BOT_PID
run_bot "$T/plain" --name plain --games 1 || fail "plain bot exited $?: $(cat "$T/plain.err")"
wait "$anna" || fail "the bot named $cyr exited $?: $(cat "$T/anna.err")"
grep -q "^game 1: .*$cyr .*: draw (full)$" "$T/plain" || fail "no game line with the name: $(cat "$T/plain")"
echo "ok: 50 games, 50 draws; a Cyrillic name printed whole, U+202E refused"
