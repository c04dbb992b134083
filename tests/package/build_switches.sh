#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/package/build_switches.sh SOURCE WORK: the build switches let one
# build a part with only that part's dependencies, as scripts/serve and
# scripts/play do. With SDL2, SDL2_ttf and pkg-config (cmocka) hidden from
# CMake (CMAKE_DISABLE_FIND_PACKAGE_*):
#   - TTT_SERVER alone (TTT_CLIENT, TTT_BOT, BUILD_TESTING off) configures,
#     builds, runs tttd --version, and installs (cmake --install into a
#     staging directory) tttd, its man page, unit, /etc/default/tttd and
#     licence, and nothing of the client or the bot;
#   - TTT_BOT alone configures; TTT_CLIENT alone configures without the
#     tests and never looks for cmocka (it needs pkg-config for fontconfig).
# WORK: a directory for the builds. Exit status: 0 pass, 1 fail.
set -u
src=$1 work=$2
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
hide_sdl=(-DCMAKE_DISABLE_FIND_PACKAGE_SDL2=ON -DCMAKE_DISABLE_FIND_PACKAGE_SDL2_ttf=ON)
hide_pc=(-DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON)
rm -rf "$work"
mkdir -p "$work"

# configure NAME ARGS...: a fresh build directory NAME configured with ARGS.
configure() {
  local name=$1; shift
  cmake -S "$src" -B "$work/$name" -DBUILD_TESTING=OFF -DTTT_WERROR=ON "$@" >"$work/$name.log" 2>&1 ||
    { fail "configuring $name ($*):"; tail -n 15 "$work/$name.log" | sed 's/^/  /'; return 1; }
}

if configure server -DTTT_CLIENT=OFF -DTTT_BOT=OFF -DCMAKE_INSTALL_PREFIX=/usr "${hide_sdl[@]}" "${hide_pc[@]}"; then
  if cmake --build "$work/server" -j"$(nproc)" >"$work/server-build.log" 2>&1; then
    "$work/server/server/tttd" --version | grep -q '^tttd ' || fail "the server-only tttd --version"
    DESTDIR=$work/stage cmake --install "$work/server" >/dev/null || fail "cmake --install of the server-only build"
    (cd "$work/stage" && find . -type f | sort) >"$work/installed"
    for f in ./usr/bin/tttd ./usr/share/man/man6/tttd.6.gz ./usr/lib/systemd/system/tttd.service \
             ./etc/default/tttd ./usr/share/doc/tttd/copyright ./usr/share/doc/tttd/changelog.gz; do
      grep -qx "$f" "$work/installed" || fail "the server-only install lacks $f"
    done
    grep -E 'ttt-bot|/ttt$|ttt\.6|applications|icons|metainfo' "$work/installed" &&
      fail "the server-only install has files of the client or the bot"
  else
    fail "building the server alone:"
    grep -m 5 -E 'error|Error' "$work/server-build.log" | sed 's/^/  /'
  fi
fi
configure bot -DTTT_CLIENT=OFF -DTTT_SERVER=OFF "${hide_sdl[@]}" "${hide_pc[@]}"
if configure client -DTTT_SERVER=OFF -DTTT_BOT=OFF; then
  ! grep -qi cmocka "$work/client.log" || fail "the client alone looked for cmocka"
fi

[ $failures -eq 0 ] && echo "ok: the server alone builds and installs without SDL, cmocka or pkg-config; the bot alone and the client alone (without cmocka) configure"
[ $failures -eq 0 ]
