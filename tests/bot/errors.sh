# SPDX-License-Identifier: MIT
# Failures: bad options exit 2 with one line on stderr; a refused connection,
# a server that shuts down and a server that dies exit 1 with a message
# (never killed by SIGPIPE).
. "$(dirname "$0")/lib.sh"
bad() {
  local rc=0
  "$TTT_BOT" "$@" >"$T/bad.out" 2>"$T/bad.err" || rc=$?
  [ "$rc" -eq 2 ] || fail "ttt-bot $* exited $rc, expected 2"
  [ "$(wc -l <"$T/bad.err")" -eq 1 ] || fail "ttt-bot $*: stderr is not one line: $(cat "$T/bad.err")"
  [ ! -s "$T/bad.out" ] || fail "ttt-bot $* printed on stdout"
}
bad --games 0
bad --games x
bad --clients 0
bad --strategy clever
bad --strategy mixed:1.5
bad --think -1
bad --name ""
bad --name 12345678901234567
bad --room ABC
bad --room ABCDE0
bad --room ABCDEF --create-room
bad --create-room --clients 2
bad --frobnicate
bad --games
bad host1 host2
bad --discover --probe
bad --discover --games 2
bad --discover 127.0.0.1:7777
bad --probe --clients 2
bad --wait 3
bad --discover --wait 0
# Addresses that do not parse are a bad command line too.
bad "[::1"
bad 127.0.0.1:99999
bad 127.0.0.1:
bad 127.0.0.1:1x
"$TTT_BOT" --help | grep -q '^usage: ttt-bot' || fail "--help"
"$TTT_BOT" --version | grep -q '^ttt-bot ' || fail "--version"

# Connection refused: a port where nothing listens (tttd's, once stopped).
start_tttd --bind 127.0.0.1 --quiet || fail "tttd did not start"
port=$TTTD_PORT
stop_tttd
rc=0
"$TTT_BOT" "127.0.0.1:$port" >"$T/refused" 2>"$T/refused.err" || rc=$?
[ "$rc" -eq 1 ] || fail "refused connection: exit $rc, expected 1"
grep -qi "refused" "$T/refused.err" || fail "refused connection: unclear message: $(cat "$T/refused.err")"

# shutdown_run WHAT OUT WAIT BOT-ARGS...: start tttd and ttt-bot, stop tttd
# after WAIT (a command) returns; ttt-bot must exit 1 saying the server is
# shutting down, with "ok":false in its JSON.
shutdown_run() {
  local what=$1 out=$2 wait_cmd=$3 rc=0
  shift 3
  start_tttd --bind 127.0.0.1 || fail "tttd did not start"
  start_bot "$out" "$@" --json
  $wait_cmd
  stop_tttd
  wait "$BOT_PID" || rc=$?
  [ "$rc" -eq 1 ] || fail "$what: exit $rc, expected 1: $(cat "$out.err")"
  grep -q "shutting down" "$out.err" || fail "$what: unclear message: $(cat "$out.err")"
  grep -q '"ok":false' "$out" || fail "$what: the JSON does not say ok false"
}
sleep1() { sleep 1; }
# The server shuts down mid-run: games aborted, SHUTTING_DOWN, exit 1.
shutdown_run "server shutdown" "$T/down" sleep1 --clients 20 --games 1000000 --think 20
# ... also when the aborted game is each bot's last one (--games 1).
shutdown_run "shutdown in the last game" "$T/last" wait_game_started --clients 2 --games 1 --think 1000
# (the run stops at the first failure, so the other bot's may not be counted)
grep -q '"aborted":[12],' "$T/last" || fail "shutdown in the last game: no game aborted: $(tail -n 1 "$T/last")"

# The server dies (SIGKILL) mid-game: the clients retry within the grace
# period, then give up with a message, exit 1.
start_tttd --bind 127.0.0.1 --quiet --grace 2 || fail "tttd did not start"
start_bot "$T/dead" --clients 20 --games 1000000 --think 20
bot=$BOT_PID
sleep 1
kill -KILL "$TTTD_PID"
wait "$TTTD_PID" 2>/dev/null
TTTD_PID=
rc=0
wait $bot || rc=$?
[ "$rc" -eq 1 ] || fail "server killed: exit $rc, expected 1 (141 would be SIGPIPE): $(cat "$T/dead.err")"
grep -qi "lost\|refused\|closed" "$T/dead.err" || fail "server killed: unclear message: $(cat "$T/dead.err")"
echo "ok"
