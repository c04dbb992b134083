#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/tree/layers.sh ROOT: the layers hold. Every quoted #include in the
# source folders names a header of its own folder or of a folder below it:
#   protocol, rules, net  (the ground: each includes only itself)
#   session               (protocol, rules, net)
#   server, bot, client   (the layers below; never each other)
#   bench                 (the ground only)
# A header is found in the including file's folder first, then in the others;
# an include that breaks the order, or names no header of the tree, fails.
set -u
root=${1:?usage: layers.sh ROOT}
cd "$root" || exit 1

declare -A allowed=(
  [protocol]="protocol" [rules]="rules" [net]="net"
  [session]="session protocol rules net"
  [server]="server protocol rules net"
  [bot]="bot session protocol rules net"
  [client]="client session protocol rules net"
  [bench]="bench protocol rules net"
)
folders="protocol rules net session server bot client bench"
bad=0
for dir in $folders; do
  for f in "$dir"/*.c "$dir"/*.h; do
    [ -e "$f" ] || continue
    while IFS= read -r hdr; do
      if [ -e "$dir/$hdr" ]; then continue; fi
      owner=
      for d in $folders; do
        if [ -e "$d/$hdr" ]; then owner=$d; break; fi
      done
      if [ -z "$owner" ]; then
        echo "$f: #include \"$hdr\" names no header of the tree"
        bad=1
      elif [[ " ${allowed[$dir]} " != *" $owner "* ]]; then
        echo "$f: #include \"$hdr\" reaches $owner/, which $dir/ may not use"
        bad=1
      fi
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
  done
done
[ $bad -eq 0 ] && echo "ok: every include follows the layers"
exit $bad
