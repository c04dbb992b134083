#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/package/service.sh ROOT: tttd's unit really runs tttd under every
# directive it sets. ROOT is the three packages unpacked (dpkg-deb -x). A
# container (systemd-nspawn; /usr is this machine's with ROOT/usr laid over
# it, read-only; /etc and /var empty; no network but loopback) boots
# systemd as PID 1; there, as a host would after installing the packages:
#   - /etc/default/tttd is the package's; systemctl enable --now tttd;
#   - tttd prints its addresses into the journal (journalctl -u tttd), runs
#     as a dynamic user with the descriptor limit of the unit, and two
#     ttt-bots play games on port 7777, which land in
#     /var/lib/tttd/games.jsonl, owned by that user;
#   - the Avahi service is linked into /etc/avahi/services while tttd runs;
#   - systemd-analyze security on the loaded unit rates it 2.0 or better;
#   - its log lines reach the journal at their priorities (events at info,
#     no warning or error at start);
#   - TTTD_OPTS="--port 7001 --turn-time 9 --announce-port 1" in
#     /etc/default/tttd and a restart move it to port 7001, where the bots
#     play again, and the record keeps the earlier games; discovery on a
#     port it may not have is a warning in the journal, not an error;
#   - systemctl stop tttd: tttd exits 0 and the Avahi link goes.
# Exit status: 0 pass, 1 fail, 77 skip (not root, or no systemd-nspawn).
set -u
root=$(cd "$1" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "SKIP: booting a container needs root"; exit 77; }
command -v systemd-nspawn >/dev/null || { echo "SKIP: systemd-nspawn is not installed (Debian: systemd-container)"; exit 77; }
[ -x /usr/lib/systemd/systemd ] || { echo "SKIP: systemd is not installed"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ttt-service.XXXXXX")
cleanup() {
  mountpoint -q "$work/root/usr" && umount "$work/root/usr"
  mountpoint -q "$work/root/usr" || rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap "exit 1" INT TERM
mkdir -p "$work/units/multi-user.target.wants" "$work/out" "$work/root/usr"
# A machine id: not a first boot, so systemd enables no preset units (such as
# a wait for the network, which a container without one never gets).
tr -d - </proc/sys/kernel/random/uuid >"$work/machine-id"

# The container's root: /usr, and the usual links into it.
for l in bin sbin lib lib32 lib64; do
  [ -e "/$l" ] && ln -s "usr/$l" "$work/root/$l"
done
if ! mount -t overlay ttt-check -o "ro,lowerdir=$root/usr:/usr" "$work/root/usr"; then
  echo "FAIL: cannot lay the packages' /usr over this machine's (overlayfs)"
  exit 1
fi

# The check, run by a unit of its own once the container is up; the
# container powers off when it ends.
cat >"$work/units/ttt-check.service" <<'UNIT'
[Unit]
Description=check tttd.service
After=multi-user.target
SuccessAction=poweroff-force
FailureAction=poweroff-force
[Service]
Type=oneshot
ExecStart=/bin/bash /out/check.sh
StandardOutput=append:/out/log
StandardError=append:/out/log
TimeoutStartSec=60
UNIT
ln -s ../ttt-check.service "$work/units/multi-user.target.wants/ttt-check.service"

cat >"$work/out/check.sh" <<'CHECK'
set -u
fail() { echo "FAIL: $*"; echo "FAIL: $*" >>/out/result; }
# wait_for SECONDS COMMAND...: poll until the command succeeds.
wait_for() {
  local n=$(($1 * 10)); shift
  while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
  return 1
}
listening() { journalctl -u tttd -o cat | grep -q "^listening on port $1$"; }
games() { [ -f /var/lib/tttd/games.jsonl ] && [ "$(wc -l </var/lib/tttd/games.jsonl)" -ge "$1" ]; }
# play PORT: two bots play two games against each other.
play() {
  /usr/games/ttt-bot "127.0.0.1:$1" --clients 2 --games 2 --json --quiet >/out/bot.json 2>&1 ||
    fail "ttt-bot on port $1: $(cat /out/bot.json)"
  grep -q '"ok":true' /out/bot.json || fail "ttt-bot on port $1 did not succeed: $(cat /out/bot.json)"
}

# The package's conffile and an Avahi daemon's directory, as on a host.
mkdir -p /etc/default /etc/avahi/services
cp /pkg/etc/default/tttd /etc/default/tttd
systemctl enable --now tttd.service || fail "systemctl enable --now tttd failed"
wait_for 10 listening 7777 || fail "tttd did not say it listens on 7777: $(journalctl -u tttd -o cat | tail -n 5)"
journalctl -u tttd -o cat | grep -qx '127.0.0.1:7777' || fail "the journal has no address line 127.0.0.1:7777"
# The log in the journal's format: each line at its priority, no time stamp of its own.
wait_for 5 sh -c 'journalctl -u tttd -p info -o cat | grep -q "^answering discovery on UDP port 7778 as "' ||
  fail "no line at priority info says tttd answers discovery: $(journalctl -u tttd -o cat | tail -n 5)"
journalctl -u tttd -p info -o cat | grep -q '^tttd ready: port 7777' || fail "no line 'tttd ready' at priority info"
[ -z "$(journalctl -u tttd -p warning -o cat)" ] || fail "warnings or errors at start: $(journalctl -u tttd -p warning -o cat)"
pid=$(systemctl show -p MainPID --value tttd)
uid=$(sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status")
[ "$uid" -ge 61184 ] && [ "$uid" -le 65519 ] || fail "tttd runs as uid $uid, not a dynamic user's"
grep -q '^Max open files *16384 *16384' "/proc/$pid/limits" || fail "tttd's open-file limit: $(grep 'open files' /proc/$pid/limits)"
grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$pid/status" || fail "tttd may gain privileges"
grep -q '^Seccomp:[[:space:]]*2' "/proc/$pid/status" || fail "tttd has no system call filter"
grep -q '^CapBnd:[[:space:]]*0000000000000000' "/proc/$pid/status" || fail "tttd has capabilities: $(grep CapBnd /proc/$pid/status)"
[ -L /etc/avahi/services/ttt.service ] && grep -q '_ttt._tcp' /etc/avahi/services/ttt.service ||
  fail "the Avahi service is not linked into /etc/avahi/services while tttd runs"
level=$(systemd-analyze security --no-pager tttd.service | sed -n 's/^→ Overall exposure level for tttd.service: \([0-9.]*\) .*/\1/p')
case $level in 0.* | 1.* | 2.0) ;; *) fail "the loaded unit's exposure level is '$level'" ;; esac

play 7777
wait_for 5 games 2 || fail "the record has not the 2 games played: $(cat /var/lib/tttd/games.jsonl 2>&1)"
owner=$(stat -c %u /var/lib/tttd/games.jsonl)
[ "$owner" = "$uid" ] || fail "games.jsonl belongs to uid $owner, not tttd's $uid"
[ "$(readlink /var/lib/tttd)" = private/tttd ] || fail "/var/lib/tttd is not the dynamic user's private state directory"

# Options from /etc/default/tttd.
echo 'TTTD_OPTS="--port 7001 --turn-time 9 --announce-port 1"' >/etc/default/tttd
systemctl restart tttd.service || fail "systemctl restart tttd failed"
wait_for 10 listening 7001 || fail "tttd did not move to port 7001: $(journalctl -u tttd -o cat | tail -n 5)"
pid=$(systemctl show -p MainPID --value tttd)
tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- '--turn-time 9' || fail "tttd's command line: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
play 7001
# No privilege for port 1: discovery off, said as a warning, not an error.
journalctl -u tttd -p warning -o cat | grep -q '^warning: not answering discovery: UDP port 1 needs more privileges' ||
  fail "no warning that discovery is off: $(journalctl -u tttd -o cat | tail -n 5)"
[ -z "$(journalctl -u tttd -p err -o cat)" ] || fail "errors in the journal: $(journalctl -u tttd -p err -o cat)"
wait_for 5 games 4 || fail "the record has not the 4 games played in all: $(wc -l </var/lib/tttd/games.jsonl)"

systemctl stop tttd.service
[ "$(systemctl show -p ExecMainStatus --value tttd)" = 0 ] || fail "tttd exited with $(systemctl show -p ExecMainStatus --value tttd) on stop"
[ "$(systemctl show -p Result --value tttd)" = success ] || fail "tttd's result: $(systemctl show -p Result --value tttd)"
[ ! -e /etc/avahi/services/ttt.service ] || fail "the Avahi service is still linked after stop"
journalctl -u tttd -o cat >/out/journal
[ -f /out/result ] || echo PASS >/out/result
CHECK

# Boot: /etc and /var empty (tmpfs); our units as /etc/systemd/system.
status=0
timeout 120 systemd-nspawn --directory="$work/root" --quiet --register=no --keep-unit --volatile=yes --private-network \
  --console=pipe --machine="ttt-check-$$" \
  --bind-ro="$root:/pkg" --bind-ro="$work/machine-id:/etc/machine-id" \
  --bind="$work/units:/etc/systemd/system" --bind="$work/out:/out" \
  --boot systemd.firstboot=off </dev/null >"$work/boot.log" 2>&1 || status=$?
if [ ! -f "$work/out/result" ]; then
  echo "FAIL: the container did not run the check (systemd-nspawn status $status); its console:"
  tail -n 30 "$work/boot.log" | sed 's/^/  /'
  [ -f "$work/out/log" ] && sed 's/^/  check: /' "$work/out/log"
  exit 1
fi
if ! grep -qx PASS "$work/out/result"; then
  sed 's/^/  /' "$work/out/result"
  echo "  tttd's journal:"
  sed 's/^/    /' "$work/out/journal" 2>/dev/null | tail -n 20
  echo "FAIL: tttd.service under systemd"
  exit 1
fi
echo "ok: tttd.service under systemd (in a container): enable --now, a dynamic user, 16384 descriptors, seccomp, no capabilities, games recorded in /var/lib/tttd, /etc/default/tttd honoured, log lines at their priorities in the journal, Avahi linked while running, a clean stop"
