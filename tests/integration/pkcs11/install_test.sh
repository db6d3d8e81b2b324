#!/usr/bin/env bash
# pkcs11_install: `cmake --install --component pkcs11` into a temporary prefix
# and a DESTDIR, then checks what a distribution and p11-kit rely on:
#   - tessera-pkcs11.so lands in <prefix>/<p11-kit's module dir, relative>,
#     which on Debian is lib/<multiarch>/pkcs11;
#   - <prefix>/share/p11-kit/modules/tessera.module names that .so by absolute
#     path (without DESTDIR), with `critical: no`;
#   - the installed .so exports nothing but C_* functions;
#   - p11-kit, reading the installed tessera.module as a user module config,
#     loads the module and lists it (no simulator runs: no slots, which is fine).
# Registered by pkcs11/install.cmake, which sets TESSERA_BUILD_DIR,
# TESSERA_CMAKE, TESSERA_BUILT_MODULE, TESSERA_SANITIZE and
# TESSERA_SANITIZER_PRELOAD. Exit 77 (skipped) when p11-kit cannot be run.
set -euo pipefail

build="${TESSERA_BUILD_DIR:?run through ctest (TESSERA_BUILD_DIR unset)}"
cmake="${TESSERA_CMAKE:-cmake}"
built_module="${TESSERA_BUILT_MODULE:?run through ctest (TESSERA_BUILT_MODULE unset)}"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

[[ -f "$built_module" ]] || fail "$built_module is not built: build target tessera-pkcs11 first"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"  # p11-kit may run as nobody below

# Where p11-kit itself looks, relative to its prefix: the layout to mirror.
module_rel="lib/$(gcc -print-multiarch 2>/dev/null || true)/pkcs11"
configs_rel="share/p11-kit/modules"
if pkg-config --exists p11-kit-1 2>/dev/null; then
  p11_prefix="$(pkg-config --variable=prefix p11-kit-1)"
  module_rel="$(pkg-config --variable=p11_module_path p11-kit-1)"
  module_rel="${module_rel#"$p11_prefix"/}"
  configs_rel="$(pkg-config --variable=p11_module_configs p11-kit-1)"
  configs_rel="${configs_rel#"$p11_prefix"/}"
fi
echo "expecting <prefix>/$module_rel and <prefix>/$configs_rel"

# Checks one installed tree: $1 = where files are, $2 = the prefix they name.
check_tree() {
  local root="$1" prefix="$2"
  local so="$root/$module_rel/tessera-pkcs11.so"
  local conf="$root/$configs_rel/tessera.module"
  [[ -f "$so" ]] || fail "no $so; installed: $(cd "$root" && find . -type f | tr '\n' ' ')"
  [[ -f "$conf" ]] || fail "no $conf"
  grep -qx "module: $prefix/$module_rel/tessera-pkcs11.so" "$conf" ||
    fail "$conf does not name $prefix/$module_rel/tessera-pkcs11.so:"$'\n'"$(cat "$conf")"
  grep -qx "critical: no" "$conf" || fail "$conf is not 'critical: no'"
  [[ "$(stat -c %a "$conf")" == 644 ]] || fail "$conf mode is $(stat -c %a "$conf")"

  local exported others
  exported="$(nm -D --defined-only "$so" | awk '{print $NF}')"
  others="$(grep -v '^C_' <<<"$exported" || true)"
  [[ -z "$others" ]] || fail "the installed module exports more than C_*: $others"
  grep -qx C_GetFunctionList <<<"$exported" || fail "C_GetFunctionList is not exported"
  grep -qx C_GetInterface <<<"$exported" || fail "C_GetInterface is not exported"
}

# 1. --prefix: what a user install does.
prefix="$work/usr"
"$cmake" --install "$build" --component pkcs11 --prefix "$prefix" >"$work/install.log" ||
  fail "cmake --install: $(cat "$work/install.log")"
check_tree "$prefix" "$prefix"
echo "ok: --prefix install"

# 2. DESTDIR: what a package build does; the module file names the final path.
DESTDIR="$work/stage" "$cmake" --install "$build" --component pkcs11 --prefix /usr \
  >"$work/install-destdir.log" || fail "cmake --install (DESTDIR): $(cat "$work/install-destdir.log")"
check_tree "$work/stage/usr" /usr
echo "ok: DESTDIR install"

# 2b. The udev rules for USB tokens, component udev.
"$cmake" --install "$build" --component udev --prefix "$prefix" >"$work/install-udev.log" ||
  fail "cmake --install --component udev: $(cat "$work/install-udev.log")"
rules="$prefix/lib/udev/rules.d/70-tessera.rules"
[[ -f "$rules" ]] || fail "70-tessera.rules is not in $prefix/lib/udev/rules.d"
grep -q 'ATTR{idVendor}=="1209", ATTR{idProduct}=="7e55"' "$rules" ||
  fail "70-tessera.rules does not name the Tessera VID:PID"
grep -q 'TAG+="uaccess"' "$rules" || fail "70-tessera.rules sets no uaccess tag"
if command -v udevadm >/dev/null && udevadm verify --help >/dev/null 2>&1; then
  udevadm verify "$rules" >"$work/udev-verify.log" 2>&1 ||
    fail "udevadm verify: $(cat "$work/udev-verify.log")"
fi
echo "ok: udev rules install"

# 3. p11-kit loads it. p11-kit reads user module configs from
# ~/.config/pkcs11/modules, but Debian's p11-kit skips them for root; run it
# as nobody then.
if ! command -v p11-kit >/dev/null; then
  echo "SKIP: p11-kit is not installed"
  exit 77
fi
home="$work/home"
mkdir -p "$home/.config/pkcs11" "$work/sim"
ln -s "$prefix/$configs_rel" "$home/.config/pkcs11/modules"
# Only the user's modules: the system's (OpenSC, SoftHSM, trust) stay out of the test.
echo "user-config: only" >"$home/.config/pkcs11/pkcs11.conf"
chmod -R a+rX "$work"

run_as=()
if [[ "$(id -u)" == 0 ]]; then
  if ! command -v setpriv >/dev/null; then
    echo "SKIP: running as root, and no setpriv to drop to nobody (p11-kit ignores user configs for root)"
    exit 77
  fi
  nobody="$(id -u nobody 2>/dev/null || echo 65534)"
  run_as=(setpriv --reuid="$nobody" --regid="$nobody" --clear-groups)
fi

env_vars=(HOME="$home" TESSERA_SIM_DIR="$work/sim")
env_vars+=(XDG_CONFIG_HOME="$home/.config" XDG_RUNTIME_DIR="$work/sim")
if [[ -n "${TESSERA_SANITIZER_PRELOAD:-}" ]]; then
  # The module is built with sanitizers (TESSERA_SANITIZE=${TESSERA_SANITIZE:-}); p11-kit is not.
  env_vars+=(LD_PRELOAD="$TESSERA_SANITIZER_PRELOAD" ASAN_OPTIONS=detect_leaks=0)
  # libp11-kit's constructor runs before the preloaded runtime's and calls
  # newlocale(); the runtime then initializes inside it, on newlocale's first
  # malloc, and its dlerror() releases glibc's locale lock, which hangs the
  # next newlocale() for good. With P11_KIT_DEBUG set (to no debug area),
  # the constructor first calls strcmp(), which the runtime intercepts, so it
  # initializes before newlocale() instead.
  env_vars+=(P11_KIT_DEBUG=none)
fi

listing="$("${run_as[@]}" env "${env_vars[@]}" p11-kit list-modules 2>"$work/p11-kit.err")" ||
  fail "p11-kit list-modules: $(cat "$work/p11-kit.err")"
module_block="$(awk '/^[^ ]/ {show = ($1 == "tessera:")} show' <<<"$listing")"
[[ -n "$module_block" ]] ||
  fail "p11-kit did not list tessera:"$'\n'"$listing"$'\n'"$(cat "$work/p11-kit.err")"
grep -qx "tessera: $prefix/$module_rel/tessera-pkcs11.so" <<<"$module_block" ||
  fail "p11-kit lists tessera with another path:"$'\n'"$module_block"
grep -q "library-manufacturer: Tessera" <<<"$module_block" ||
  fail "tessera's C_GetInfo did not come through:"$'\n'"$module_block"
echo "ok: p11-kit list-modules"
echo "$module_block"
