# SPDX-License-Identifier: MIT
# tests/client/window.sh: what the scripts that drive ttt's window under Xvfb
# share (e2e.sh, e2e_computer.sh, e2e_discovery.sh). Source it with TTT set;
# it makes WORK (a scratch directory, removed at exit), the config home in it,
# and these:
#   need_tools TOOL...       exit 77 (skip) when one is not installed
#   start_x                  Xvfb on a free display; DISPLAY exported
#   run_ttt ARGS...          ttt with TTT_DEBUG=1 (ENV... may come first as
#                            VAR=value words), its stderr in $WORK/ttt.err
#   window                   ttt's window id into WID (15 s at most)
#   wait_for TENTHS CMD...   CMD until it succeeds, TENTHS tenths of a second at most
#   state; field NAME [LINE] the last "ttt-state:" line; a field of it
#   choose BOARD ME THEM     a move for ME: win, block, centre, corners, edges
#   title                    the window's title (xdotool getwindowname)
#   stop_ttt WHERE           SIGTERM: ttt must exit 0
#   fail MESSAGE             says why with ttt's last lines, and exits 1
# A script sets on_exit (a function run first at exit) and STATUS=0 when it passed.
#
# How a script knows where things are and whose turn it is: ttt run with
# TTT_DEBUG=1 prints to stderr
#   ttt-layout: window WxH board X Y W H cells CX,CY ... (9 cell centres)
#   ttt-rows: ID:CX,CY ...      the list rows shown (games, servers), whenever they change
#   ttt-state: event N phase PHASE you X|O|- my_turn 0|1 board XO.X..... over 0|1
#   ttt-servers: N [first ADDR] the servers on the network, when the list changes
# (window coordinates).

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ttt-window.XXXXXX")
XVFB_PID= TTT_PID=
STATUS=1
on_exit() { :; }

window_cleanup() {
  on_exit
  [ -n "$TTT_PID" ] && kill "$TTT_PID" 2>/dev/null
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap window_cleanup EXIT

fail() {
  echo "FAIL: $*"
  echo "--- ttt stderr (last lines)"; tail -n 15 "$WORK/ttt.err" 2>/dev/null
  exit 1
}

need_tools() {
  local tool
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "SKIP: $tool is not installed (Debian: xvfb, xdotool, x11-utils, imagemagick)"
      exit 77
    fi
  done
}

wait_for() {
  local n=$1 i
  shift
  for ((i = 0; i < n; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}

start_x() {
  Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$WORK/display" 2>"$WORK/xvfb.err" &
  XVFB_PID=$!
  display_ready() { [ -s "$WORK/display" ]; }
  wait_for 100 display_ready || fail "Xvfb did not start"
  export DISPLAY=":$(head -n 1 "$WORK/display")"
}

# The player's settings in the work directory, not the user's home. SDL's
# software renderer on X11 shared memory: Mesa's llvmpipe adds nothing to
# the tests, and its shared objects are unloaded at exit with allocations
# that LeakSanitizer (in sanitizer builds) cannot name, so cannot suppress.
export HOME=$WORK XDG_CONFIG_HOME=$WORK/config
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$HERE/lsan.supp:print_suppressions=0"
run_ttt() {
  local env=()
  while [ $# -gt 0 ] && [[ $1 == [A-Z]*=* ]]; do
    env+=("$1")
    shift
  done
  : >"$WORK/ttt.err"
  env TTT_DEBUG=1 SDL_VIDEODRIVER=x11 SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0 \
    "${env[@]}" "$TTT" "$@" 2>"$WORK/ttt.err" &
  TTT_PID=$!
}

window() {
  WID=$(timeout 15 xdotool search --sync --onlyvisible --pid "$TTT_PID" | head -n 1)
  [ -n "$WID" ] || fail "the ttt window did not appear"
}

title() { xdotool getwindowname "$WID"; }

stop_ttt() {
  kill -TERM "$TTT_PID"
  wait "$TTT_PID"
  local rc=$?
  TTT_PID=
  [ "$rc" -eq 0 ] || fail "ttt exited with status $rc after SIGTERM $1"
}

state() { grep '^ttt-state: ' "$WORK/ttt.err" | tail -n 1; }
field() { sed -n "s/.* $1 \([^ ]*\).*/\1/p" <<<"${2:-$(state)}"; }

LINES_OF_THREE="012 345 678 036 147 258 048 246"
choose() {
  local b=$1 me=$2 them=$3 who l a c d
  for who in "$me" "$them"; do
    for l in $LINES_OF_THREE; do
      a=${b:${l:0:1}:1} c=${b:${l:1:1}:1} d=${b:${l:2:1}:1}
      if [ "$a$c$d" = "$who$who." ]; then echo "${l:2:1}"; return; fi
      if [ "$a$c$d" = "$who.$who" ]; then echo "${l:1:1}"; return; fi
      if [ "$a$c$d" = ".$who$who" ]; then echo "${l:0:1}"; return; fi
    done
  done
  for c in 4 0 2 6 8 1 3 5 7; do
    [ "${b:$c:1}" = . ] && { echo "$c"; return; }
  done
}
