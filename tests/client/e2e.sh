#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/client/e2e.sh: end-to-end test of the SDL client ttt under Xvfb.
#
# A real tttd (with --record), the real ttt window (as "alice") and a ttt-bot
# (random moves) paired by quick match. xdotool clicks alice's cells at their
# centres (her second move is typed as a keypad digit instead, and before her
# first the hover highlight is checked by pixel); the game is played to its end; a screenshot of the window is kept;
# and the server's record line must hold exactly the moves clicked, in order,
# interleaved with the bot's; SIGTERM then ends ttt with status 0. Then a
# second game: closing the window right after it starts (a WM_DELETE_WINDOW
# message sent by $TTT_WM_CLOSE, tests/client/wm_close.c, as a window
# manager's close button would; SIGTERM when that helper is not built) must
# resign it with a LEAVE (record reason "resign", not a "forfeit" after the
# grace period) and ttt must exit 0 within 5 s. The board must not move during
# a game (one layout line). Then `ttt --create-room` without an address opens
# the connect screen (the address remembered from before) and Enter there
# creates the room, whose invite names this machine's address, not
# 127.0.0.1 (screenshot kept); and `ttt HOST --spectate` of a game that does not exist
# lands on the watch list, which asks the server again every 2 s by itself.
# How the script knows where the cells are and whose turn it is: the
# TTT_DEBUG lines (window.sh says which).
#
# usage: e2e.sh TTTD TTT TTT_BOT ARTIFACT_DIR [SHOT_DIR]
#   ARTIFACT_DIR  gets e2e-final.png (the finished game) and the logs on failure
#   SHOT_DIR      optional: also save playing.png (mid-game) and game-over.png
#                 there (used to refresh docs/img; only a game alice won is kept)
# Exit status: 0 pass, 1 fail, 77 skipped (no Xvfb, xdotool or ImageMagick).
set -u

TTTD=$1 TTT=$2 BOT=$3 ART=$4 SHOTS=${5:-}
HERE=$(cd "$(dirname "$0")" && pwd)

# shellcheck source=window.sh
. "$HERE/window.sh"
need_tools Xvfb xdotool import
# shellcheck source=../lib/server.sh
. "$HERE/../lib/server.sh"

TTTD_LOG=$WORK/tttd
mkdir -p "$ART"
BOT_PID=

on_exit() {
  [ -n "$BOT_PID" ] && kill "$BOT_PID" 2>/dev/null
  stop_tttd >/dev/null 2>&1
  if [ "$STATUS" -ne 0 ]; then
    for f in "$WORK"/*.err "$WORK"/*.out "$WORK"/games.jsonl; do
      [ -f "$f" ] && cp "$f" "$ART/e2e-$(basename "$f")"
    done
    echo "logs kept in $ART (e2e-*)"
    echo "--- ttt-bot output (last lines)"; tail -n 5 "$WORK/bot.out" 2>/dev/null; tail -n 5 "$WORK/bot.err" 2>/dev/null
  fi
}

start_x

# ---- the server ----
start_tttd --bind 127.0.0.1 --record "$WORK/games.jsonl" || fail "tttd did not start"

# ---- alice's window ----
run_ttt "127.0.0.1:$TTTD_PORT" --name alice
window

queued() { grep -q '^ttt-state: .*phase QUEUED' "$WORK/ttt.err"; }
wait_for 100 queued || fail "ttt did not enter quick match"

# ---- the opponent ----
"$BOT" "127.0.0.1:$TTTD_PORT" --games 1 --strategy random --name bot --think 300 \
  >"$WORK/bot.out" 2>"$WORK/bot.err" &
BOT_PID=$!

playing() { grep -q '^ttt-state: .*phase PLAYING' "$WORK/ttt.err"; }
wait_for 150 playing || fail "no game started"
has_layout() { grep -q '^ttt-layout: .* cells ' "$WORK/ttt.err"; }
wait_for 50 has_layout || fail "ttt printed no board layout"

ME=$(field you)
case "$ME" in X) THEM=O ;; O) THEM=X ;; *) fail "ttt does not know its mark (you=$ME)" ;; esac
echo "alice plays $ME"

# Cell centres from the last layout line (the window does not move during the game).
read -r -a CENTRES <<<"$(grep '^ttt-layout: ' "$WORK/ttt.err" | tail -n 1 | sed 's/.* cells //')"
[ "${#CENTRES[@]}" -eq 9 ] || fail "bad layout line"
BOARD_W=$(grep '^ttt-layout: ' "$WORK/ttt.err" | tail -n 1 | sed -n 's/.* board [0-9-]* [0-9-]* \([0-9]*\) .*/\1/p')
[ -n "$BOARD_W" ] || fail "no board width in the layout line"

# The colour of one window pixel, as RRGGBB.
pixel() {
  import -window "$WID" -crop "1x1+$1+$2" -depth 8 txt:- 2>/dev/null |
    sed -n 's/.*#\([0-9A-Fa-f]\{6\}\).*/\1/p' | tail -n 1 | tr a-f A-F
}
# The keypad digit that plays a cell (7 8 9 is the top row).
DIGITS=(7 8 9 4 5 6 1 2 3)

CLICKED=()

deadline=$((SECONDS + 120))
while :; do
  [ $SECONDS -lt $deadline ] || fail "the game did not end within 120 s"
  kill -0 "$TTT_PID" 2>/dev/null || fail "ttt exited during the game"
  # One state line for all three: the next may come between two reads.
  now=$(state)
  board=$(field board "$now")
  [ "$(field over "$now")" = 1 ] && break
  if [ "$(field my_turn "$now")" != 1 ]; then
    sleep 0.1
    continue
  fi
  cell=$(choose "$board" "$ME" "$THEM")
  [ -n "$cell" ] || fail "my turn on a full board ($board)"
  xy=${CENTRES[$cell]}
  x=${xy%,*} y=${xy#*,}
  if [ "${#CLICKED[@]}" -eq 0 ]; then
    # Hover: on our turn the free cell under the mouse is highlighted
    # (RENDER_HOVER), and plain again once the mouse leaves the board. Sampled near the cell's
    # lower edge, clear of the faint mark previewed in it.
    sy=$((y + BOARD_W * 13 / 100))
    xdotool mousemove --window "$WID" 2 2
    sleep 0.4
    plain=$(pixel "$x" "$sy")
    xdotool mousemove --window "$WID" "$x" "$y"
    sleep 0.4
    [ "$(pixel "$x" "$sy")" = E9E2D0 ] || fail "no hover highlight in cell $cell (pixel $(pixel "$x" "$sy"))"
    xdotool mousemove --window "$WID" 2 2
    sleep 0.4
    [ "$(pixel "$x" "$sy")" = "$plain" ] || fail "hover highlight left in cell $cell (pixel $(pixel "$x" "$sy"))"
  fi
  if [ "${#CLICKED[@]}" -eq 1 ]; then
    # One move with the keyboard: keypad digits map like a numeric keypad.
    xdotool key --window "$WID" "${DIGITS[$cell]}"
  else
    xdotool mousemove --window "$WID" "$x" "$y" click 1
  fi
  CLICKED+=("$cell")
  confirmed() { b=$(field board); [ "${b:$cell:1}" = "$ME" ]; }
  wait_for 100 confirmed || fail "the click on cell $cell ($xy) was not confirmed by the server"
  if [ -n "$SHOTS" ] && [ "${#CLICKED[@]}" -eq 2 ]; then
    sleep 0.3
    import -window "$WID" "$WORK/playing.png" || fail "screenshot failed"
  fi
done
sleep 0.5 # the game-over screen is drawn
import -window "$WID" "$ART/e2e-final.png" || fail "screenshot failed"
# The same place and size from the first move to game over: one layout line.
[ "$(grep -c '^ttt-layout: ' "$WORK/ttt.err")" -eq 1 ] ||
  fail "the board moved during the game: $(grep '^ttt-layout: ' "$WORK/ttt.err" | cut -d' ' -f2-8 | tr '\n' ';')"
echo "screenshot: $ART/e2e-final.png"
final=$(field board)
marks=${final//./}
echo "alice clicked: ${CLICKED[*]}; final board: $final"

# ---- the bot finishes; the record must show exactly these moves ----
wait "$BOT_PID"
bot_rc=$?
BOT_PID=
[ "$bot_rc" -eq 0 ] || fail "ttt-bot exited with status $bot_rc"
has_record() { [ -s "$WORK/games.jsonl" ]; }
wait_for 50 has_record || fail "tttd wrote no record line"
line=$(head -n 1 "$WORK/games.jsonl")
echo "record: $line"
rec=$(sed -n 's/.*"moves":\[\([0-9,]*\)\].*/\1/p' <<<"$line" | tr ',' ' ')
read -r -a REC <<<"$rec"
[ "$(sed -n 's/.*"\(x\)":"\([^"]*\)".*/\2/p' <<<"$line")" = "$([ "$ME" = X ] && echo alice || echo bot)" ] ||
  fail "record's X player is not the one ttt said"
[ "${#REC[@]}" -eq "${#marks}" ] || fail "record has ${#REC[@]} moves, the window shows ${#marks} marks"
# Alice's moves are the even plies when she is X, the odd ones when O.
start=0; [ "$ME" = O ] && start=1
mine=()
for ((i = start; i < ${#REC[@]}; i += 2)); do mine+=("${REC[$i]}"); done
[ "${mine[*]}" = "${CLICKED[*]}" ] || fail "record has alice's moves '${mine[*]}', clicked '${CLICKED[*]}'"
# The bot's moves are the others, and every cell of the final board is in the record.
for ((i = 0; i < ${#REC[@]}; i++)); do
  c=${REC[$i]} want=$ME
  [ $(((i + start) % 2)) -eq 1 ] && want=$THEM
  [ "${final:$c:1}" = "$want" ] || fail "record move $i (cell $c) is not $want on the final board $final"
done

# ---- a clean exit: the window closes, ttt says goodbye and exits 0 ----
stop_ttt "after the game"

# ---- closing the window mid-game resigns politely (LEAVE), at once ----
run_ttt "127.0.0.1:$TTTD_PORT" --name alice
wait_for 100 queued || fail "second ttt did not enter quick match"
"$BOT" "127.0.0.1:$TTTD_PORT" --games 1 --strategy random --name bot --think 300 \
  >"$WORK/bot.out" 2>"$WORK/bot.err" &
BOT_PID=$!
wait_for 150 playing || fail "no second game started"
FIRST_ME=$ME ME=$(field you)
closed_at=$SECONDS
if [ -n "${TTT_WM_CLOSE:-}" ] && [ -x "$TTT_WM_CLOSE" ]; then
  # The close button, as a window manager reports it (WM_DELETE_WINDOW).
  window
  "$TTT_WM_CLOSE" "$WID" || fail "could not send WM_DELETE_WINDOW"
  how="the close button"
else
  kill -TERM "$TTT_PID"
  how="SIGTERM (no ttt_wm_close helper)"
fi
echo "closing the window mid-game with $how"
wait "$TTT_PID"
ttt_rc=$?
TTT_PID=
[ "$ttt_rc" -eq 0 ] || fail "ttt exited with status $ttt_rc when closed mid-game"
two_records() { [ "$(wc -l <"$WORK/games.jsonl")" -ge 2 ]; }
wait_for 50 two_records || fail "no record of the game closed mid-game"
line2=$(sed -n 2p "$WORK/games.jsonl")
echo "record: $line2"
want_winner=X; [ "$ME" = X ] && want_winner=O
grep -q "\"winner\":\"$want_winner\",\"reason\":\"resign\"" <<<"$line2" ||
  fail "closing the window mid-game did not resign (alice was $ME)"
[ $((SECONDS - closed_at)) -le 5 ] || fail "closing the window took $((SECONDS - closed_at)) s"
wait "$BOT_PID"
BOT_PID=

# ---- --create-room without an address: connect from the connect screen ----
# (the address field holds the address remembered from the games above)
run_ttt --create-room --name alice
window
sleep 0.3
grep -q '^ttt-state: ' "$WORK/ttt.err" && fail "ttt connected without being asked to"
xdotool key --window "$WID" Return
room_wait() { grep -q '^ttt-state: .*phase ROOM_WAIT' "$WORK/ttt.err"; }
wait_for 100 room_wait || fail "--create-room without an address: no room after connecting from the connect screen"
# The server is on loopback: the invite names an address of this machine
# (hostname -I: those not loopback nor link-local), or the typed one when
# there is none.
invite=$(sed -n 's/^ttt-invite: //p' "$WORK/ttt.err" | tail -n 1)
mine=$(hostname -I 2>/dev/null || true)
if [ -n "${mine// /}" ]; then
  host=${invite%:*}; host=${host#[}; host=${host%]}
  [ "${invite##*:}" = "$TTTD_PORT" ] || fail "the invite '$invite' does not name the server's port $TTTD_PORT"
  grep -qw -- "$host" <<<"$mine" || fail "the invite '$invite' is not an address of this machine ($mine)"
else
  [ "$invite" = "as typed" ] || fail "no address but loopback, yet the invite says '$invite'"
fi
echo "invite for a server on loopback: $invite"
sleep 0.3
import -window "$WID" "$ART/e2e-room.png" || fail "screenshot failed"
stop_ttt "in a room"

# ---- a game that does not exist: the watch list, refreshed every 2 s ----
run_ttt "127.0.0.1:$TTTD_PORT" --spectate 99999 --name alice
lists() { grep -c '^ttt-state: event 9 ' "$WORK/ttt.err"; } # SESSION_EV_GAME_LIST
first_list() { [ "$(lists)" -ge 1 ]; }
wait_for 100 first_list || fail "--spectate 99999: no watch list"
t0=$(date +%s%N)
three_lists() { [ "$(lists)" -ge 3 ]; }
wait_for 100 three_lists || fail "the watch list was not refreshed (GAME_LIST answers: $(lists))"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -ge 3000 ] || fail "the watch list was refreshed twice in $ms ms (every 2 s expected)"
echo "watch list: refreshed twice in $ms ms"
stop_ttt "on the watch list"

if [ -n "$SHOTS" ]; then
  winner=$(sed -n 's/.*"winner":"\([^"]*\)".*/\1/p' <<<"$line")
  if [ "$winner" = "$FIRST_ME" ] && [ -f "$WORK/playing.png" ]; then
    mkdir -p "$SHOTS"
    cp "$WORK/playing.png" "$SHOTS/playing.png"
    cp "$ART/e2e-final.png" "$SHOTS/game-over.png"
    echo "README screenshots saved in $SHOTS"
  else
    echo "alice did not win this time: README screenshots not replaced"
  fi
fi

STATUS=0
echo "PASS: ${#REC[@]} moves, alice ($FIRST_ME) played ${CLICKED[*]}; closing mid-game resigned;" \
  "--create-room from the connect screen; the watch list refreshes"
