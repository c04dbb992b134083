# SPDX-License-Identifier: MIT
# --rematch: two bots keep each other for 10 games; the record shows the
# same two players with the marks swapped every game.
. "$(dirname "$0")/lib.sh"
start_tttd --bind 127.0.0.1 --quiet --record "$T/games.jsonl" || fail "tttd did not start"
start_bot "$T/a" --name alice --rematch --games 10 --strategy mixed:0.5 --seed 1 --json
p1=$BOT_PID
start_bot "$T/b" --name bob --rematch --games 10 --strategy random --seed 2 --json
p2=$BOT_PID
wait $p1 || fail "alice exited $?: $(cat "$T/a.err")"
wait $p2 || fail "bob exited $?: $(cat "$T/b.err")"
expect_num games 10 "$T/a"
expect_num games 10 "$T/b"
grep -c '^game [0-9]*: ' "$T/a" | grep -qx 10 || fail "alice did not print 10 game lines"
stop_tttd || fail "tttd exited with an error"
[ "$(wc -l <"$T/games.jsonl")" -eq 10 ] || fail "record has $(wc -l <"$T/games.jsonl") lines, expected 10"
first_x=$(head -n 1 "$T/games.jsonl" | grep -o '"x":"[a-z]*"')
i=0
while read -r line; do
  x=$(printf '%s\n' "$line" | grep -o '"x":"[a-z]*"')
  o=$(printf '%s\n' "$line" | grep -o '"o":"[a-z]*"')
  if [ $((i % 2)) -eq 0 ]; then want=$first_x; else
    if [ "$first_x" = '"x":"alice"' ]; then want='"x":"bob"'; else want='"x":"alice"'; fi
  fi
  [ "$x" = "$want" ] || fail "game $((i + 1)): $x, expected $want (marks swap on a rematch)"
  case "$x$o" in
    '"x":"alice""o":"bob"' | '"x":"bob""o":"alice"') ;;
    *) fail "game $((i + 1)) is not alice against bob: $line" ;;
  esac
  i=$((i + 1))
done <"$T/games.jsonl"
echo "ok: 10 games alice against bob, marks alternating"
