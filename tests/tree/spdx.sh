#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/tree/spdx.sh ROOT: every file git tracks under ROOT names its licence
# in an SPDX line among its first three lines; only the files whose format
# has no comments (images, the vectors in tests/data, Markdown, the licence itself and the
# Debian changelog and copyright, which are the licence's text) are exempt.
# Skips (77) outside a git checkout.
set -u
root=${1:?usage: spdx.sh ROOT}
cd "$root" || exit 1
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "skip: not a git checkout"; exit 77; }
missing=$(git ls-files | grep -vE '\.(png|md)$|^tests/data/.*\.txt$|^LICENSE$|^packaging/(changelog|copyright)$' |
  while IFS= read -r f; do
    [ -f "$f" ] || continue
    head -n 3 "$f" | grep -q 'SPDX-License-Identifier: MIT' || echo "$f"
  done)
if [ -n "$missing" ]; then
  echo "files without an SPDX line:"
  echo "$missing"
  exit 1
fi
echo "ok: every source file names its licence"
