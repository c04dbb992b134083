#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/client/e2e_computer.sh: ttt against the computer through its window
# under Xvfb, played with the keyboard only (keypad digits), no server.
#
# - `ttt --computer perfect`: played to the end, the window's title read at
#   each turn ("Your turn — ttt", "Waiting for Perfect computer — ttt") and at
#   the end; the result is a draw or a loss, never a win. With
#   SDL_AUDIODRIVER=disk the audio written during the game is not silent.
# - `ttt --computer easy`: games until the test wins one (R between them,
#   the marks swapping; six at most), the title saying "You won — ttt"; the
#   series score is on the screen by then.
# - `ttt --computer perfect` with M pressed before the first move: the audio
#   written during the game is silent, and the config file says muted=1.
# - Your turn while the focus is on another window (the root window here: no
#   window manager) flashes ttt's window: the urgency hint is set
#   (SDL_FlashWindow), and the focus coming back clears it.
#
# usage: e2e_computer.sh TTT ARTIFACT_DIR [SHOT_DIR]
#   ARTIFACT_DIR  gets the logs on failure
#   SHOT_DIR      optional: also save computer.png (a game against the
#                 computer) and series.png (a rematch with the score) there
# Exit status: 0 pass, 1 fail, 77 skipped (no Xvfb, xdotool or ImageMagick).
set -u

TTT=$1 ART=$2 SHOTS=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=window.sh
. "$HERE/window.sh"
need_tools Xvfb xdotool import xprop xwininfo
mkdir -p "$ART"
on_exit() {
  [ "$STATUS" -eq 0 ] && return
  cp "$WORK/ttt.err" "$ART/e2e-computer-ttt.err" 2>/dev/null
  echo "logs kept in $ART (e2e-computer-*)"
}
start_x

DIGITS=(7 8 9 4 5 6 1 2 3)
DASH=$'\u2014'

# The result on a finished board: X, O (three in a row) or draw.
result_of() {
  local b=$1 l w
  for l in $LINES_OF_THREE; do
    w=${b:${l:0:1}:1}
    [ "$w" != . ] && [ "$w" = "${b:${l:1:1}:1}" ] && [ "$w" = "${b:${l:2:1}:1}" ] && { echo "$w"; return; }
  done
  echo draw
}

# The title the window should have for the state line $1.
title_for() {
  if [ "$(field over "$1")" = 1 ]; then
    case "$(result_of "$(field board "$1")")" in
      draw) echo "Draw $DASH ttt" ;;
      "$(field you "$1")") echo "You won $DASH ttt" ;;
      *) echo "You lost $DASH ttt" ;;
    esac
  elif [ "$(field my_turn "$1")" = 1 ]; then
    echo "Your turn $DASH ttt"
  else
    echo "Waiting for $COMPUTER $DASH ttt"
  fi
}

# The title matches the state (read again around it: the title follows the
# frame drawn after the event).
TITLE_SEEN=
title_matches() {
  local s1 t s2
  s1=$(state)
  t=$(title)
  s2=$(state)
  [ -n "$s1" ] && [ "$s1" = "$s2" ] && [ "$t" = "$(title_for "$s1")" ] && TITLE_SEEN=$t
}

# Play the game on now with the keyboard to its end, checking the title at
# each turn; RESULT: won, lost or draw. TURNS counts the titles checked.
play_game() {
  local deadline=$((SECONDS + 60)) now board me cell ply=-1
  while :; do
    [ $SECONDS -lt $deadline ] || fail "the game did not end within 60 s"
    kill -0 "$TTT_PID" 2>/dev/null || fail "ttt exited during the game"
    now=$(state)
    board=$(field board "$now")
    if [ "${board//./}" != "$ply" ]; then # a new position: its title
      ply=${board//./}
      wait_for 30 title_matches || fail "title '$(title)' for '$now' (wanted '$(title_for "$now")')"
      echo "  $board: $TITLE_SEEN"
      TURNS=$((TURNS + 1))
    fi
    [ "$(field over "$now")" = 1 ] && break
    if [ "$(field my_turn "$now")" != 1 ]; then
      sleep 0.1
      continue
    fi
    me=$(field you "$now")
    cell=$(choose "$board" "$me" "$([ "$me" = X ] && echo O || echo X)")
    xdotool key --window "$WID" "${DIGITS[$cell]}"
    played() { b=$(field board); [ "${b:$cell:1}" = "$me" ]; }
    wait_for 50 played || fail "the move in cell $cell was not played"
  done
  case "$(result_of "$board")" in
    draw) RESULT=draw ;;
    "$me") RESULT=won ;;
    *) RESULT=lost ;;
  esac
  [ -n "$me" ] || RESULT=lost # the computer won before we played (never: X opens)
}

# The disk audio driver's file holds some sound (1) or none (0).
audible() { [ "$(tr -d '\000' <"$1" | wc -c)" -gt 0 ]; }

# ---- perfect: never won; the title at each turn; the game is heard ----
COMPUTER="Perfect computer"
TURNS=0
run_ttt SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE="$WORK/perfect.raw" --computer perfect --name ann
window
wait_for 100 grep -q '^ttt-state: .*phase PLAYING' "$WORK/ttt.err" || fail "no game against the computer"
echo "perfect:"
play_game
[ "$RESULT" != won ] || fail "the perfect computer lost"
PERFECT=$RESULT
[ "$TURNS" -ge 6 ] || fail "only $TURNS titles checked"
sleep 1 # the last cue plays out
stop_ttt "after a game against the perfect computer"
[ -s "$WORK/perfect.raw" ] || fail "SDL's disk audio wrote nothing"
audible "$WORK/perfect.raw" || fail "the game against the perfect computer was silent"
echo "perfect: $PERFECT, $TURNS titles, audio heard ($(stat -c %s "$WORK/perfect.raw") bytes)"

# ---- easy: won within six games (R between them); the series on screen ----
COMPUTER="Easy computer"
run_ttt --computer easy --name ann
window
wait_for 100 grep -q '^ttt-state: .*phase PLAYING' "$WORK/ttt.err" || fail "no game against the computer"
for game in 1 2 3 4 5 6; do
  echo "easy, game $game:"
  TURNS=0
  play_game
  [ "$RESULT" = won ] && break
  xdotool key --window "$WID" r
  started() { [ "$(grep -c '^ttt-state: event 4 ' "$WORK/ttt.err")" -ge $((game + 1)) ]; }
  wait_for 50 started || fail "R did not start another game"
  if [ -n "$SHOTS" ] && [ "$game" = 1 ]; then
    sleep 0.6
    import -window "$WID" "$WORK/series.png" || fail "screenshot failed"
  fi
done
[ "$RESULT" = won ] || fail "six games against the easy computer and no win"
[ "$(title)" = "You won $DASH ttt" ] || fail "title '$(title)' after a win"
echo "easy: won game $game"
if [ -n "$SHOTS" ]; then
  [ -f "$WORK/series.png" ] || { sleep 0.5; import -window "$WID" "$WORK/series.png"; }
fi
stop_ttt "after winning against the easy computer"

# ---- muted before the first move: silent, and remembered ----
COMPUTER="Perfect computer"
mkdir -p "$WORK/config/ttt"
printf 'address=gamebox.lan:7777\nname=ann\n' >"$WORK/config/ttt/config" # saving keeps what is there
run_ttt SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE="$WORK/muted.raw" --computer perfect --name ann
window
wait_for 100 grep -q '^ttt-state: .*phase PLAYING' "$WORK/ttt.err" || fail "no game against the computer"
xdotool key --window "$WID" m
muted() { grep -qx 'muted=1' "$WORK/config/ttt/config" 2>/dev/null; }
wait_for 50 muted || fail "M did not save muted=1 in the config file"
TURNS=0
echo "perfect, muted:"
if [ -n "$SHOTS" ]; then
  xdotool key --window "$WID" 5
  sleep 3 # the computer's answer, and M's toast gone
  import -window "$WID" "$WORK/computer.png" || fail "screenshot failed"
fi
play_game
sleep 1
stop_ttt "after a muted game"
[ -s "$WORK/muted.raw" ] || fail "SDL's disk audio wrote nothing while muted"
audible "$WORK/muted.raw" && fail "the muted game made a sound"
grep -qx 'address=gamebox.lan:7777' "$WORK/config/ttt/config" || fail "saving muted lost the address"

# ---- behind another window, your turn flashes it (the urgency hint) ----
run_ttt SDL_AUDIODRIVER=dummy --computer easy --name ann
window
wait_for 100 grep -q '^ttt-state: .*phase PLAYING' "$WORK/ttt.err" || fail "no game against the computer"
urgent() { xprop -id "$WID" WM_HINTS | grep -q 'urgency hint bit is set'; }
urgent && fail "the window flashes before anything happened"
ROOT=$(xwininfo -root | sed -n 's/.*Window id: \(0x[0-9a-f]*\).*/\1/p')
# Play a move with the focus on the window (a key sent once it has lost the
# focus may be dropped), then look elsewhere while the computer thinks
# (450 ms); a computer quicker than the focus change is tried again.
flashed=0
for _ in 1 2 3; do
  now=$(state)
  [ "$(field over "$now")" = 1 ] && break
  board=$(field board "$now")
  cell=$(choose "$board" X O)
  xdotool windowfocus --sync "$WID"
  xdotool key --window "$WID" "${DIGITS[$cell]}"
  mine() { b=$(field board); [ "${b:$cell:1}" = X ]; }
  wait_for 50 mine || fail "the move in cell $cell was not played"
  played=$(field board)
  xdotool windowfocus "$ROOT" # the player looks elsewhere
  answered() { [ "$(field my_turn)" = 1 ] || [ "$(field over)" = 1 ]; }
  wait_for 50 answered || fail "the computer did not answer"
  if wait_for 20 urgent; then
    flashed=1
    break
  fi
  echo "  (the computer answered $played before the focus left: again)"
done
[ "$flashed" = 1 ] || fail "your turn did not flash the window behind others"
xdotool windowfocus "$WID"
not_urgent() { ! urgent; }
wait_for 20 not_urgent || fail "the window still flashes with the focus back"
stop_ttt "after the flash"
echo "flash: your turn behind another window set the urgency hint, the focus cleared it"

if [ -n "$SHOTS" ]; then
  mkdir -p "$SHOTS"
  cp "$WORK/computer.png" "$WORK/series.png" "$SHOTS/"
  echo "README screenshots saved in $SHOTS"
fi
STATUS=0
echo "PASS: the perfect computer ($PERFECT) never lost, the easy one lost game $game; titles at each turn; heard, then muted; flashed behind another window"
