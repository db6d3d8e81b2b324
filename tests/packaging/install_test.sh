#!/usr/bin/env bash
# The Debian packages, installed and used (docs/packaging.md):
#   1. dpkg installs the four .debs into a throwaway root (dpkg --root, the
#      maintainer scripts run with DPKG_ROOT), so the machine's own /usr,
#      /etc and dpkg database are never touched and no init is needed;
#   2. the files, conffiles, the tesserad user and the stripped binaries;
#   3. in a private mount namespace the root's /usr is laid over the
#      system's (overlayfs), so `p11-kit list-modules`, `pkcs11-tool --module
#      /usr/lib/<multiarch>/pkcs11/tessera-pkcs11.so -L` (with a token of the
#      installed tessera-sim) and `systemd-analyze verify` on both units use
#      the installed files at their real paths; other processes on the
#      machine see nothing of it;
#   4. the shipped example configurations are valid: the module reads
#      tessera.conf, and tesserad serves /healthz with tesserad.conf;
#   5. the system unit's `systemd-analyze security` exposure stays at most 1.5;
#   6. remove: only the conffiles (one of them changed) and tesserad's data
#      stay; purge: nothing of the packages stays.
# TESSERA_PACKAGES is the directory of the .debs (scripts/package). Exit 77
# (skipped) without them, without root, or without the tools.
# dpkg-query's formats (${Conffiles}) are meant for dpkg, not the shell.
# shellcheck disable=SC2016
set -euo pipefail

skip() { echo "skipped: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

packages="${TESSERA_PACKAGES:-}"
if [ -z "$packages" ] || ! compgen -G "$packages/*.deb" >/dev/null; then
  skip "no packages in '${packages}' (run scripts/package first)"
fi
[ "$(id -u)" = 0 ] || skip "needs root (dpkg --root, unshare -m)"
for tool in dpkg dpkg-query unshare p11-kit pkcs11-tool systemd-analyze curl; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done
probe="$(mktemp -d /tmp/tessera-overlay-probe.XXXXXX)"
if ! unshare -m mount -t overlay probe -o "lowerdir=$probe:/usr" /usr 2>/dev/null; then
  rmdir "$probe"
  skip "cannot mount an overlay in a mount namespace"
fi
rmdir "$probe"

multiarch="$(gcc -print-multiarch 2>/dev/null || dpkg-architecture -qDEB_HOST_MULTIARCH)"
work="$(mktemp -d /tmp/tessera-packaging.XXXXXX)"
sim_pid=""
daemon_pid=""
cleanup() {
  [ -z "$sim_pid" ] || kill "$sim_pid" 2>/dev/null || true
  [ -z "$daemon_pid" ] || kill "$daemon_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

root="$work/root"
mkdir -p "$root/etc" "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
# Dependencies (libc6, libssl3, ...) are the machine's, not in the root's
# database; the maintainer scripts run outside it, with DPKG_ROOT set.
# Its output (every dependency "not installed") goes to a log, shown on failure.
in_root() {
  dpkg --root="$root" --log=/dev/null --force-depends --force-script-chrootless "$@" \
    >>"$work/dpkg.log" 2>&1 || fail "dpkg $*: $(tail -20 "$work/dpkg.log")"
}
query() { dpkg-query --admindir="$root/var/lib/dpkg" "$@"; }
names=(tessera-pkcs11 tessera-tools tessera-sim tesserad)

echo "::: install"
in_root -i "$packages"/*.deb
for name in "${names[@]}"; do
  [ "$(query -W -f='${db:Status-Status}' "$name")" = installed ] || fail "$name is not installed"
done

echo "::: files"
module="/usr/lib/$multiarch/pkcs11/tessera-pkcs11.so"
for path in "$module" /usr/share/p11-kit/modules/tessera.module \
  /usr/lib/udev/rules.d/70-tessera.rules /etc/tessera/tessera.conf \
  /usr/share/man/man8/tessera-pkcs11.8.gz /usr/share/man/man5/tessera.conf.5.gz \
  /usr/bin/tessera /usr/bin/tessera-sim-demo /usr/share/man/man1/tessera.1.gz \
  /usr/share/man/man1/tessera-sim-demo.1.gz /usr/share/bash-completion/completions/tessera \
  /usr/bin/tessera-sim /usr/share/man/man1/tessera-sim.1.gz \
  /usr/share/bash-completion/completions/tessera-sim /usr/lib/systemd/user/tessera-sim.service \
  /usr/sbin/tesserad /usr/share/man/man8/tesserad.8.gz /usr/lib/systemd/system/tesserad.service \
  /usr/lib/sysusers.d/tesserad.conf /usr/lib/tmpfiles.d/tesserad.conf /etc/tessera/tesserad.conf; do
  [ -e "$root$path" ] || fail "$path is missing"
done
grep -qx "module: $module" "$root/usr/share/p11-kit/modules/tessera.module" ||
  fail "tessera.module does not name $module"
[ "$(query -W -f='${Conffiles}' tessera-pkcs11 | awk '{print $1}' | xargs)" = /etc/tessera/tessera.conf ] ||
  fail "tessera-pkcs11's conffiles: $(query -W -f='${Conffiles}' tessera-pkcs11)"
[ "$(query -W -f='${Conffiles}' tesserad | awk '{print $1}' | xargs)" = /etc/tessera/tesserad.conf ] ||
  fail "tesserad's conffiles: $(query -W -f='${Conffiles}' tesserad)"
grep -q '^tesserad:x:[0-9]*:[0-9]*:Tessera issuance daemon:/var/lib/tesserad:' "$root/etc/passwd" ||
  fail "postinst made no tesserad user"
for binary in "$module" /usr/bin/tessera /usr/bin/tessera-sim /usr/bin/tessera-sim-demo /usr/sbin/tesserad; do
  if readelf -S "$root$binary" | grep -q '\.debug_info'; then
    fail "$binary is not stripped"
  fi
done
for exe in /usr/bin/tessera /usr/bin/tessera-sim /usr/bin/tessera-sim-demo /usr/sbin/tesserad; do
  "$root$exe" --help >/dev/null || fail "$exe --help"
done

echo "::: p11-kit, pkcs11-tool and systemd-analyze verify on the installed files"
# A token of the installed simulator, in the work directory.
"$root/usr/bin/tessera-sim" --state "$work/sim-state" --run-dir "$work/sim-run" \
  --tokens 1 --seed 7 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 100); do
  [ -S "$work/sim-run/tessera-sim.ctl" ] && break
  sleep 0.1
done
[ -S "$work/sim-run/tessera-sim.ctl" ] || fail "tessera-sim did not start: $(cat "$work/sim.log")"

# The root's /usr laid over the system's (overlayfs) in a mount namespace
# of this test only: there the installed files are at their real paths.
mkdir -m 0700 "$work/xdg-runtime"
cat >"$work/in-namespace.sh" <<EOF
set -euo pipefail
mount -t overlay tessera-packages -o "lowerdir=$root/usr:/usr" /usr
export TESSERA_SIM_DIR="$work/sim-run" TESSERA_TRANSPORTS=sim
export TESSERA_CONF="$root/etc/tessera/tessera.conf"
p11-kit list-modules >"$work/list-modules.txt"
pkcs11-tool --module "$module" -L >"$work/slots.txt"
# verify looks for ExecStart's binary and the Documentation= man page.
systemd-analyze verify /usr/lib/systemd/system/tesserad.service
XDG_RUNTIME_DIR="$work/xdg-runtime" systemd-analyze --user verify /usr/lib/systemd/user/tessera-sim.service
EOF
unshare -m bash "$work/in-namespace.sh" ||
  fail "p11-kit, pkcs11-tool or systemd-analyze verify on the installed files"
grep -q "^tessera: $module" "$work/list-modules.txt" ||
  fail "p11-kit list-modules: $(cat "$work/list-modules.txt")"
grep -q "library-manufacturer: Tessera" "$work/list-modules.txt" ||
  fail "p11-kit did not load the module: $(cat "$work/list-modules.txt")"
grep -q "token: Tessera PIV" "$work/list-modules.txt" ||
  fail "p11-kit shows no Tessera token: $(cat "$work/list-modules.txt")"
grep -q "token label" "$work/slots.txt" || fail "pkcs11-tool -L shows no token: $(cat "$work/slots.txt")"
echo "p11-kit: tessera loaded; pkcs11-tool: $(grep -c '^Slot' "$work/slots.txt") slot(s)"

echo "::: tesserad with the example configuration"
home="$work/tesserad-home"
TESSERA_HOME="$home" "$root/usr/bin/tessera" directory migrate >/dev/null
"$root/usr/sbin/tesserad" --config "$root/etc/tessera/tesserad.conf" --home "$home" \
  --listen "unix:$work/tesserad.sock" 2>"$work/tesserad.log" &
daemon_pid=$!
for _ in $(seq 100); do
  [ -S "$work/tesserad.sock" ] && break
  sleep 0.1
done
curl -sf --unix-socket "$work/tesserad.sock" http://localhost/healthz >"$work/healthz.json" ||
  fail "tesserad /healthz: $(cat "$work/tesserad.log")"
grep -q '"status":"ok"' "$work/healthz.json" || fail "tesserad /healthz: $(cat "$work/healthz.json")"
kill -TERM "$daemon_pid"
wait "$daemon_pid" || fail "tesserad did not stop cleanly on SIGTERM"
daemon_pid=""

echo "::: systemd-analyze security"
exposure="$(systemd-analyze security --offline=true \
  "$root/usr/lib/systemd/system/tesserad.service" 2>&1 |
  sed -n 's/.*Overall exposure level for tesserad.service: \([0-9.]*\).*/\1/p')"
echo "tesserad.service exposure: $exposure"
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 1.5) }' ||
  fail "tesserad.service exposure ${exposure:-unknown} is above 1.5"

echo "::: remove"
# Everything of the packages, outside dpkg's and the user databases.
leftovers() {
  (cd "$root" && find . \( -path ./var/lib/dpkg -o -path './etc/passwd*' -o -path './etc/group*' \
    -o -path './etc/shadow*' -o -path './etc/gshadow*' -o -path ./etc/.pwd.lock \) -prune -o \( -type f -o -type l \) -print | sort)
}
echo "# a line the administrator added" >>"$root/etc/tessera/tessera.conf"
in_root --remove "${names[@]}"
left="$(leftovers)"
# Besides the conffiles: the mask that keeps a stale enable link from
# starting a removed binary, and deb-systemd-helper's record of it, as
# debhelper's scripts leave them until purge.
expected="$(printf '%s\n' ./etc/systemd/system/tesserad.service ./etc/tessera/tessera.conf \
  ./etc/tessera/tesserad.conf ./var/lib/systemd/deb-systemd-helper-enabled/tesserad.service.dsh-also \
  ./var/lib/systemd/deb-systemd-helper-masked/tesserad.service)"
[ "$left" = "$expected" ] || fail "after remove, expected only the conffiles; left: $left"
# The packages with conffiles stay known to dpkg until purge; the others go.
for name in tessera-pkcs11 tesserad; do
  [ "$(query -W -f='${db:Status-Status}' "$name")" = config-files ] || fail "$name is not in config-files"
done
[ -d "$root/var/lib/tesserad" ] || fail "remove deleted tesserad's data"

echo "::: purge"
in_root --purge "${names[@]}"
left="$(leftovers)"
[ -z "$left" ] || fail "after purge, left: $left"
for path in /var/lib/tesserad /var/log/tesserad /etc/tessera; do
  [ ! -e "$root$path" ] || fail "after purge, $path is left"
done
[ -z "$(query -W -f='${Package}\n' 2>/dev/null)" ] || fail "the root's dpkg still knows: $(query -W)"
echo "packaging install test: ok"
