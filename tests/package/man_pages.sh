#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/package/man_pages.sh PROGRAM MAN_PAGE: the man page renders with no
# groff warning (groff -ww, as man -l shows it), names the program and its
# version, and documents exactly the options of PROGRAM --help: an option in
# --help missing from the page fails, and so does an option the page's
# OPTIONS section lists that --help no longer has. MAN_PAGE may be gzipped.
# Exit status: 0 pass, 1 fail, 77 skip (groff missing).
set -u
prog=$1 page=$2
command -v groff >/dev/null || { echo "SKIP: groff is not installed (Debian: groff-base)"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ttt-man.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

case $page in *.gz) gzip -dc "$page" >"$work/page" ;; *) cp "$page" "$work/page" ;; esac
name=$(basename "$prog")

# Rendering: every warning groff has (-ww), into a terminal's text.
if ! groff -ww -man -Tutf8 -P-cbou "$work/page" >"$work/text" 2>"$work/warnings"; then
  fail "groff cannot render $page"
fi
if [ -s "$work/warnings" ]; then
  fail "groff warns on $page:"
  sed 's/^/  /' "$work/warnings"
fi
grep -q "^NAME" "$work/text" && grep -q "$name" "$work/text" || fail "$page has no NAME naming $name"

# The version: the page's footer says the version --version prints.
version=$("$prog" --version | sed -n 's/^[^ ]* \([0-9][0-9.]*\).*/\1/p')
[ -n "$version" ] || fail "$name --version printed no version"
grep -q "^\.TH .*\"ttt $version\"" "$work/page" || fail "$page's .TH does not say ttt $version"

# The options: --help's, and those the page's OPTIONS section defines (each
# .TP item's first line).
"$prog" --help >"$work/help" || fail "$name --help exited non-zero"
grep -o -- '--[a-z][a-z0-9-]*' "$work/help" | sort -u >"$work/help-opts"
[ -s "$work/help-opts" ] || fail "$name --help lists no option"
sed 's/\\-/-/g' "$work/page" >"$work/plain"
awk '/^\.SH OPTIONS/ { on = 1; next } /^\.SH / { on = 0 } on && prev == ".TP" { print } { prev = $0 }' \
  "$work/plain" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$work/man-opts"
[ -s "$work/man-opts" ] || fail "$page's OPTIONS section lists no option"
while read -r opt; do
  grep -qx -- "$opt" "$work/man-opts" || fail "$name --help has $opt, which $page's OPTIONS section does not describe"
done <"$work/help-opts"
while read -r opt; do
  grep -qx -- "$opt" "$work/help-opts" || fail "$page describes $opt, which $name --help does not have"
done <"$work/man-opts"

[ $failures -eq 0 ] && echo "ok: $page: no groff warning; the $(wc -l <"$work/help-opts") options of $name --help, and no other"
[ $failures -eq 0 ]
