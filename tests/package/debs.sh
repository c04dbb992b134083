#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/package/debs.sh DIST SOURCE: checks the Debian packages that
# scripts/package built into DIST (SOURCE: the source tree they came from).
#   - exactly tttd, ttt and ttt-bot, at the version of packaging/changelog;
#     their control fields (games section, Depends from the shared libraries,
#     the font package for ttt); lintian reports no error on them;
#   - unpacked (dpkg-deb -x) into one temporary root: no path of the source
#     or build tree in any file; the man pages, desktop entry, metainfo,
#     icons and unit pass the same checks as the build tree's (man_pages.sh,
#     desktop.sh, unit_security.sh), run on the unpacked files and binaries;
#   - the unpacked tttd and ttt-bot play games on loopback; the unpacked
#     ttt --version runs, and ttt (SDL's offscreen driver) finds its font
#     where Debian puts it, connects and is paired with a ttt-bot;
#   - service.sh: the unit under systemd in a container (root only).
# Prints a line per check; exit status 0 when all pass, else 1.
set -u
dist=$1 src=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ttt-debs.XXXXXX")
TTTD_PID= TTT_PID=
cleanup() {
  [ -n "$TTT_PID" ] && kill "$TTT_PID" 2>/dev/null
  [ -n "$TTTD_PID" ] && kill "$TTTD_PID" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
# run NAME COMMAND...: one of the check scripts; 77 (skipped) is not a failure.
run() {
  local name=$1 rc=0; shift
  "$@" || rc=$?
  [ $rc -eq 0 ] || [ $rc -eq 77 ] || fail "$name"
}

version=$(sed -n '1s/^ttt (\([^)]*\)).*/\1/p' "$src/packaging/changelog")
arch=$(dpkg --print-architecture)
for pkg in tttd ttt ttt-bot; do
  deb=$dist/${pkg}_${version}_$arch.deb
  [ -f "$deb" ] || { fail "no $deb (packages: $(ls "$dist"))"; continue; }
  field() { dpkg-deb -f "$deb" "$1"; }
  [ "$(field Package)" = "$pkg" ] && [ "$(field Version)" = "$version" ] ||
    fail "$deb says $(field Package) $(field Version)"
  [ "$(field Section)" = games ] || fail "$pkg: section $(field Section)"
  field Depends | grep -q 'libc6 (>= ' || fail "$pkg: Depends '$(field Depends)' not computed from its libraries"
  [ "$(field Description | head -n 1 | wc -c)" -gt 20 ] && [ "$(field Description | wc -l)" -gt 3 ] ||
    fail "$pkg: description '$(field Description)'"
  dpkg-deb -x "$deb" "$work/root" || fail "dpkg-deb -x $deb"
done
[ $failures -eq 0 ] && ok "tttd, ttt and ttt-bot $version: control fields"
for lib in fonts-dejavu-core libsdl2-2.0-0 libsdl2-ttf-2.0-0; do
  dpkg-deb -f "$dist/ttt_${version}_$arch.deb" Depends | grep -q "$lib" || fail "ttt does not depend on $lib"
done
dpkg-deb -f "$dist/tttd_${version}_$arch.deb" Depends | grep -q sdl && fail "tttd depends on SDL"

if command -v lintian >/dev/null; then
  if lintian --fail-on error \
      "$dist/tttd_${version}_$arch.deb" "$dist/ttt_${version}_$arch.deb" \
      "$dist/ttt-bot_${version}_$arch.deb" >"$work/lintian" 2>&1; then
    ok "lintian: no error ($(grep -c '^[WIP]:' "$work/lintian") warnings and notes)"
  else
    fail "lintian reports errors:"
  fi
  grep -v '^running with root privileges' "$work/lintian" | sed 's/^/  lintian: /'
else
  fail "lintian is not installed (scripts/setup package)"
fi

r=$work/root
# No path of this tree compiled or written into the packages.
hits=$(grep -rlF "$src" "$r" 2>/dev/null)
[ -z "$hits" ] && ok "no path of $src in the packages" || fail "$src appears in: $hits"

bin=$r/usr/games
run "man pages" "$here/man_pages.sh" "$bin/tttd" "$r/usr/share/man/man6/tttd.6.gz"
run "man pages" "$here/man_pages.sh" "$bin/ttt-bot" "$r/usr/share/man/man6/ttt-bot.6.gz"
run "man pages" "$here/man_pages.sh" "$bin/ttt" "$r/usr/share/man/man6/ttt.6.gz"
desktop=$(find "$r/usr/share/applications" -name '*.desktop')
run "desktop" "$here/desktop.sh" "$desktop" "$r/usr/share/metainfo/$(basename "$desktop" .desktop).metainfo.xml" \
  "$r/usr/share/icons/hicolor/scalable/apps/ttt.svg" "$r/usr/share/icons/hicolor"
grep -qx "Exec=/usr/games/ttt" "$desktop" || fail "$desktop does not run /usr/games/ttt"
run "unit" "$here/unit_security.sh" "$r/usr/lib/systemd/system/tttd.service" "$bin/tttd"
grep -qx "ExecStart=/usr/games/tttd .*" "$r/usr/lib/systemd/system/tttd.service" || fail "the unit does not run /usr/games/tttd"

# The unpacked programs, playing.
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config
mkdir -p "$HOME"
TTTD=$bin/tttd TTTD_LOG=$work/tttd
# shellcheck source=../lib/server.sh
. "$src/tests/lib/server.sh"
if start_tttd --bind 127.0.0.1 --record "$work/games.jsonl"; then
  if "$bin/ttt-bot" "127.0.0.1:$TTTD_PORT" --clients 2 --games 3 --json --quiet >"$work/bot.json" 2>&1 &&
     grep -q '"ok":true' "$work/bot.json"; then
    ok "the unpacked ttt-bot played 3 games on the unpacked tttd"
  else
    fail "ttt-bot against tttd: $(cat "$work/bot.json")"
  fi
  if "$bin/ttt" --version | grep -q "^ttt $version "; then
    ok "the unpacked ttt --version: $("$bin/ttt" --version)"
  else
    fail "ttt --version: $("$bin/ttt" --version 2>&1)"
  fi
  # ttt, offscreen, quick-matches; a bot takes the other seat.
  SDL_VIDEODRIVER=offscreen TTT_DEBUG=1 "$bin/ttt" "127.0.0.1:$TTTD_PORT" --name pkg 2>"$work/ttt.err" &
  TTT_PID=$!
  "$bin/ttt-bot" "127.0.0.1:$TTTD_PORT" --name rival --quiet >"$work/rival.out" 2>&1 &
  rival=$!
  for _ in $(seq 100); do grep -q '^ttt-state: .*phase PLAYING' "$work/ttt.err" && break; sleep 0.1; done
  if grep -q '^ttt-state: .*phase PLAYING' "$work/ttt.err"; then
    ok "the unpacked ttt found its font, connected and was paired"
  else
    fail "the unpacked ttt did not reach a game: $(grep -v '^ttt-' "$work/ttt.err" | tail -n 3)"
  fi
  kill "$TTT_PID" 2>/dev/null
  wait "$TTT_PID" 2>/dev/null
  TTT_PID=
  wait "$rival" || fail "the bot playing ttt: $(cat "$work/rival.out")"
  stop_tttd || fail "tttd exited with status $? on SIGTERM"
  # 3 bot games, and ttt's, resigned when it was closed.
  [ "$(wc -l <"$work/games.jsonl")" -eq 4 ] || fail "the record has $(wc -l <"$work/games.jsonl") games, not 4"
else
  fail "the unpacked tttd did not start"
fi

run "service" "$here/service.sh" "$r"

if [ $failures -eq 0 ]; then echo "packages: all checks passed"; else echo "packages: $failures checks FAILED"; fi
[ $failures -eq 0 ]
