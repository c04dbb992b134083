#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/client/options.sh: ttt's command line without a window: --help and
# --version; every kind of bad input gives one line on stderr, nothing on
# stdout and status 2; good options with a missing --font give the "no font"
# error (status 1) before any window would open.
# usage: options.sh TTT
set -u
TTT=$1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ttt-opts.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export HOME=$WORK XDG_CONFIG_HOME=$WORK/config
unset DISPLAY WAYLAND_DISPLAY
failures=0

# expect STATUS STDERR_LINES STDOUT_PATTERN args...
expect() {
  local want=$1 lines=$2 pat=$3
  shift 3
  "$TTT" "$@" >"$WORK/out" 2>"$WORK/err"
  local rc=$? n
  n=$(wc -l <"$WORK/err")
  if [ "$rc" -ne "$want" ] || [ "$n" -ne "$lines" ] || ! grep -q -- "$pat" "$WORK/out" "$WORK/err"; then
    echo "FAIL: ttt $* -> status $rc (want $want), $n stderr lines (want $lines)"
    sed 's/^/  stderr: /' "$WORK/err"
    failures=$((failures + 1))
  fi
}

expect 0 0 '^usage: ttt ' --help
expect 0 0 'name used, else your login name' --help # the default --name, as the config does
expect 0 0 '^ttt [0-9]' --version
expect 2 1 'unknown option' --bogus
expect 2 1 'needs a value' --name
expect 2 1 'not a valid name' --name ''
expect 2 1 'not a valid name' --name 12345678901234567
expect 2 1 'not a valid name' --name "$(printf 'a\tb')"
expect 2 1 'not a valid name' --name "$(printf 'caf\xe9')"
expect 2 1 'not a room code' --room abc
expect 2 1 'not a room code' --room ABCDE1
expect 2 1 'cannot be used together' --room ABCDEF --create-room
expect 2 1 'cannot be used together' --create-room --spectate 3
expect 2 1 'not a game id' --spectate 0
expect 2 1 'not a game id' --spectate x
expect 2 1 'not a game id' --spectate 4294967296
expect 2 1 'one server address only' host1 host2
expect 2 1 'not a server address' 'example.org:99999'
expect 2 1 'not a server address' '[::1'
expect 2 1 'needs the path' --font ''
expect 2 1 'unexpected\|one server' host1 -- host2
expect 0 0 'computer \[easy|medium|perfect\]' --help
expect 2 1 'not a level' --computer=hard
expect 2 1 'not a level' --computer hard
expect 2 1 'not a port' --announce-port 0
expect 2 1 'not a port' --announce-port 65536
expect 2 1 'takes no server address' --computer perfect example.org
expect 2 1 'takes no server address' example.org --computer
expect 2 1 'takes no server address' --computer --room ABCDEF
expect 2 1 'one server address only' --computer easy host1 host2
# Valid options (UTF-8 name, lower-case code, IPv6 address): they get as far as the font.
expect 1 1 'font' '[::1]:7777' --name 'héloïse' --room abcdef --font "$WORK/missing.ttf"
expect 1 1 'font' --spectate 4294967295 --fullscreen --font "$WORK/missing.ttf" 127.0.0.1
expect 1 1 'font' --computer perfect --name bob --font "$WORK/missing.ttf"
expect 1 1 'font' --computer --font "$WORK/missing.ttf"
expect 1 1 'font' --computer=easy --font "$WORK/missing.ttf"
expect 1 1 'font' --announce-port 17778 --font "$WORK/missing.ttf"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "PASS"
