#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/tree/function_length.sh ROOT [MAX]: no function of the programs and
# libraries (tests and benchmarks aside) is longer than MAX lines (80), from
# the line of its name to its closing brace, as Universal Ctags reads them.
# Skips (77) without ctags.
set -u
root=${1:?usage: function_length.sh ROOT [MAX]}
max=${2:-80}
cd "$root" || exit 1
command -v ctags >/dev/null || { echo "skip: ctags is not installed"; exit 77; }
long=$(ctags -x --c-kinds=f --fields=+ne --_xformat='%{end} %{line} %{input}:%{name}' \
         protocol/*.c rules/*.c net/*.c session/*.c server/*.c bot/*.c client/*.c |
       awk -v max="$max" '{ n = $1 - $2 + 1; if (n > max) printf "%s: %d lines\n", $3, n }')
if [ -n "$long" ]; then
  echo "functions over $max lines:"
  echo "$long"
  exit 1
fi
echo "ok: no function over $max lines"
