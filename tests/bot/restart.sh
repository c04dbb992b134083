# SPDX-License-Identifier: MIT
# The server is killed mid-game and restarted on the same port: each bot
# reconnects within the grace period, its RESUME is refused (the new server
# knows no such game), and it exits 1 with a message saying so -- quickly,
# without waiting out the grace period, and never killed by SIGPIPE.
. "$(dirname "$0")/lib.sh"
start_tttd --bind 127.0.0.1 || fail "tttd did not start"
port=$TTTD_PORT
# One game of at least 5 moves, the later ones 1 s apart: kill the server
# once it has begun.
start_bot "$T/a" --name a --games 1 --think 1000
a=$BOT_PID
start_bot "$T/b" --name b --games 1 --think 1000
b=$BOT_PID
wait_game_started
sleep 0.3
kill -KILL "$TTTD_PID"
wait "$TTTD_PID" 2>/dev/null
TTTD_PID=
TTTD_LOG=$T/tttd2 start_tttd --bind 127.0.0.1 --quiet --port "$port" || fail "tttd did not restart on port $port"
start=$(date +%s)
for p in $a $b; do
  rc=0
  wait $p || rc=$?
  [ "$rc" -eq 1 ] || fail "bot exited $rc, expected 1 (141 would be SIGPIPE)"
done
[ $(( $(date +%s) - start )) -lt 15 ] || fail "the bots took more than 15 s to give up"
for f in a b; do
  grep -q "could not be resumed" "$T/$f.err" || fail "bot $f: unclear message: $(cat "$T/$f.err")"
  grep -q "reconnecting" "$T/$f.err" || fail "bot $f did not say it was reconnecting: $(cat "$T/$f.err")"
done
echo "ok: $(tail -n 1 "$T/a.err")"
