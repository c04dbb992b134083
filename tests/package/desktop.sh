#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/package/desktop.sh DESKTOP_FILE METAINFO SVG PNG_ROOT: ttt's desktop
# entry passes desktop-file-validate and names the icon SVG is (NAME.svg);
# the AppStream metainfo passes appstreamcli validate (pedantic, no warning,
# no network) and launches that desktop entry; PNG_ROOT (icons/hicolor, or
# the build's icons directory) holds NAME.png in each hicolor size, really of
# that size. Exit status: 0 pass, 1 fail, 77 skip (a validator missing).
set -u
desktop=$1 metainfo=$2 svg=$3 icons=$4
for tool in desktop-file-validate appstreamcli file; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (scripts/setup package)"; exit 77; }
done
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

out=$(desktop-file-validate "$desktop" 2>&1) || fail "desktop-file-validate $desktop: $out"
[ -z "$out" ] || fail "desktop-file-validate $desktop says: $out"
out=$(appstreamcli validate --no-net --pedantic "$metainfo" 2>&1) || fail "appstreamcli validate $metainfo: $out"

id=$(basename "$desktop" .desktop)
grep -q "<id>$id</id>" "$metainfo" || fail "$metainfo's id is not $id (the desktop entry's name)"
grep -q "<launchable type=\"desktop-id\">$id.desktop</launchable>" "$metainfo" ||
  fail "$metainfo does not launch $id.desktop"
icon=$(basename "$svg" .svg)
grep -qx "Icon=$icon" "$desktop" || fail "$desktop's Icon is not $icon"

# The icons: the SVG, and PNGs of each hicolor size, really that size.
file -b "$svg" | grep -q "SVG" || fail "$svg is not an SVG image: $(file -b "$svg")"
n=0
for size in 16 22 24 32 48 64 128 256 512; do
  png=$(find "$icons" -path "*/${size}x${size}/*" -name "$icon.png" | head -n 1)
  if [ -z "$png" ]; then
    fail "no ${size}x${size} $icon.png under $icons"
    continue
  fi
  file -b "$png" | grep -q "^PNG image data, $size x $size, .*RGBA" ||
    fail "$png is not a ${size}x${size} RGBA PNG: $(file -b "$png")"
  n=$((n + 1))
done

[ $failures -eq 0 ] && echo "ok: $id.desktop and its metainfo validate; icon $icon: SVG and $n PNG sizes"
[ $failures -eq 0 ]
