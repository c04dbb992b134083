#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/package/unit_security.sh UNIT TTTD: tttd's systemd unit as the issue
# asks: systemd-analyze security --offline=yes rates it 2.0 or better ("OK");
# it runs TTTD (the binary the unit names; its --help gives the default
# --max-clients) as a DynamicUser with StateDirectory=tttd holding the record
# file, reads TTTD_OPTS from /etc/default/tttd, has a LimitNOFILE that fits
# the default --max-clients (plus tttd's 320 descriptors of reserve), and
# every sandboxing directive listed in issue 13. That tttd really runs under
# them is tests/package/service.sh's job.
# Exit status: 0 pass, 1 fail, 77 skip (systemd-analyze missing).
set -u
unit=$1 tttd=$2
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze is not installed (Debian: systemd)"; exit 77; }
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
work=$(mktemp -d "${TMPDIR:-/tmp}/ttt-unit.XXXXXX")
trap 'rm -rf "$work"' EXIT

# systemd-analyze wants the unit's own name.
cp "$unit" "$work/tttd.service"
if ! systemd-analyze security --offline=yes --no-pager "$work/tttd.service" >"$work/report" 2>&1; then
  fail "systemd-analyze security --offline=yes failed:"
  sed 's/^/  /' "$work/report"
fi
level=$(sed -n 's/^→ Overall exposure level for tttd.service: \([0-9.]*\) .*/\1/p' "$work/report")
if [ -z "$level" ]; then
  fail "no exposure level in systemd-analyze's report"
elif ! awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }'; then
  fail "exposure level $level, over 2.0; what counts:"
  grep '✗' "$work/report" | sed 's/^/  /'
fi

# key=value lines of [Service] (the last one wins, as in systemd, except
# SystemCallFilter, which adds up).
value() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }
want() { [ "$(value "$1")" = "$2" ] || fail "$1 is '$(value "$1")', not '$2'"; }
want DynamicUser yes
want StateDirectory tttd
want ProtectSystem strict
want ProtectHome yes
want PrivateTmp yes
want NoNewPrivileges yes
want MemoryDenyWriteExecute yes
want CapabilityBoundingSet ""
want RestrictAddressFamilies "AF_INET AF_INET6 AF_NETLINK AF_UNIX"
grep -qx 'SystemCallFilter=@system-service' "$unit" || fail "no SystemCallFilter=@system-service"
case $(value EnvironmentFile) in
  -*/default/tttd) ;;
  *) fail "EnvironmentFile is '$(value EnvironmentFile)', not an optional .../default/tttd" ;;
esac
exec_start=$(value ExecStart)
case $exec_start in
  "$tttd "*|*"/$(basename "$tttd") "*) ;;
  *) fail "ExecStart '$exec_start' does not run tttd" ;;
esac
case $exec_start in
  *'--record ${STATE_DIRECTORY}/games.jsonl $TTTD_OPTS') ;;
  *) fail "ExecStart '$exec_start' does not record into the state directory and then take \$TTTD_OPTS" ;;
esac
max=$("$tttd" --help | sed -n 's/.*--max-clients N.*(default \([0-9]*\)).*/\1/p')
nofile=$(value LimitNOFILE)
if [ -z "$max" ] || [ -z "$nofile" ]; then
  fail "no default --max-clients in tttd --help ('$max') or no LimitNOFILE ('$nofile')"
elif [ "$nofile" -lt $((max + 320)) ]; then
  fail "LimitNOFILE=$nofile does not fit --max-clients $max (needs $((max + 320)))"
fi

[ $failures -eq 0 ] && echo "ok: exposure level $level; DynamicUser, StateDirectory, LimitNOFILE=$nofile for $max clients, every directive"
[ $failures -eq 0 ]
