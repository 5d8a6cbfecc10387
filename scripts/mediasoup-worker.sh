#!/usr/bin/env bash
# Builds mediasoup's C++ worker against Debian's libraries and installs it where mediasoup looks for it.
#
# mediasoup's own postinstall downloads a prebuilt worker or builds one from meson wraps fetched from
# GitHub; this network reaches neither (setup.sh runs npm with MEDIASOUP_WORKER_BIN=/nonexistent to skip
# it). Instead, each wrap gets a "shim" subproject (scripts/mediasoup-shims/) that hands mediasoup the
# Debian -dev package, and the binary is cached outside node_modules so `npm ci` doesn't cost a rebuild.
# libsrtp is the exception: Debian's is built with NSS, about half as fast per packet as libsrtp's OpenSSL
# backend, so libsrtp-openssl.sh builds the pinned release from Debian's source package with OpenSSL and
# the libsrtp shim links that static library (its PROVENANCE is installed next to the worker).
# Quick (well under a second plus the check) when the cached binary is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[setup] $*"; }
die() { echo "[setup] $*" >&2; exit 1; }

pkg=node_modules/mediasoup
worker=$pkg/worker
[ -f "$worker/meson.build" ] || die "$worker is missing: run npm ci first"
version=$(node -p "require('./$pkg/package.json').version")
# Where node/lib/Worker.js spawns the worker from when MEDIASOUP_WORKER_BIN and MEDIASOUP_BUILDTYPE are unset.
target=$worker/out/Release/mediasoup-worker
target_provenance=$worker/out/Release/libsrtp-PROVENANCE
shims=scripts/mediasoup-shims
# Builds the OpenSSL libsrtp once (cached; otherwise only checked) and says where it is installed.
srtp=$(bash scripts/libsrtp-openssl.sh) || die "libsrtp (OpenSSL) is not available"
srtp_shim=$(sed -n 's/^directory *= *//p' "$worker/subprojects/libsrtp2.wrap")
[ -f "$shims/$srtp_shim/meson.build" ] || die "no libsrtp shim $shims/$srtp_shim for mediasoup $version"

# Everything that shapes the binary besides mediasoup's sources (pinned by $version) goes into the cache
# key: the shims, the libsrtp build (library and headers), the meson pin patch and the setup options.
# Other edits to this script don't rebuild.
# Debian 12 ships meson 1.0.1; the worker's meson.build asks for 1.1 but needs nothing newer than 1.0.
pin_from="meson_version: '>= 1.1.0'"
pin_to="meson_version: '>= 1.0.0'"
# What the worker's Makefile passes for a Release build, its own options at their defaults, and no
# downloads (so a missing shim fails at once instead of timing out on GitHub).
setup_opts=(--buildtype=release -Db_ndebug=true -Db_pie=true -Db_staticpic=true
  -Dms_log_trace=false -Dms_log_file_line=false -Dms_rtc_logger_rtp=false --wrap-mode=nodownload)
key=$( { echo "$version"; echo "$pin_from -> $pin_to"; echo "${setup_opts[*]}"
         (cd "$shims" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
         (cd "$srtp" && find include lib -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); } \
       | sha256sum | cut -c1-12)
cache_dir=${KANYAN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kanyan}
cached=$cache_dir/mediasoup-worker-$version-$key

# A cached binary is only good while the Debian libraries it links against are still installed.
usable() { [ -x "$cached" ] && ! ldd "$cached" 2>/dev/null | grep -q 'not found'; }
# Debian's libsrtp2.a (NSS) sits in /usr/lib too; the worker must carry the OpenSSL one statically.
links_system_srtp() { ldd "$1" 2>/dev/null | grep -q 'libsrtp2\.so'; }

if ! usable; then
  mkdir -p "$cache_dir"
  exec 9>"$cache_dir/.mediasoup-worker.lock"
  flock 9 # another setup run may be building the same binary; wait for it rather than race it
fi
if ! usable; then
  [ -e "$cached" ] && log "cached worker $cached no longer finds its libraries; rebuilding"
  log "building the mediasoup $version worker against Debian's libraries (about 2-3 minutes, once)"
  start=$SECONDS
  build_root=$(mktemp -d "$cache_dir/build.XXXXXX")
  trap 'rm -rf "$build_root"' EXIT
  buildlog=$cache_dir/mediasoup-worker-build.log
  : >"$buildlog"
  fail() {
    echo "[setup] mediasoup worker build failed: $*; last lines of $buildlog:" >&2
    tail -n 40 "$buildlog" >&2
    exit 1
  }

  # Build from a copy, so node_modules stays pristine.
  src=$build_root/worker
  cp -r "$worker" "$src"
  rm -rf "$src/out"
  # The .wrap files stay: a wrap whose `directory` already exists is used as is, never downloaded.
  cp -r "$shims"/. "$src/subprojects/"
  cp -r "$srtp/include" "$srtp/lib" "$src/subprojects/$srtp_shim/"
  for wrap in "$src"/subprojects/*.wrap; do
    dir=$(sed -n 's/^directory *= *//p' "$wrap")
    case $(basename "$wrap" .wrap) in
      wingetopt) continue ;; # getopt for Windows; only read when host_machine is windows
    esac
    [ -f "$src/subprojects/$dir/meson.build" ] \
      || die "no shim for $(basename "$wrap") (mediasoup $version wants subprojects/$dir): add $shims/$dir"
  done
  grep -qF "$pin_from" "$src/meson.build" \
    || die "the worker's meson.build no longer says \"$pin_from\"; revisit the pin patch in $0"
  sed -i "s/$pin_from/$pin_to/" "$src/meson.build"

  log "configuring (meson $(meson --version)), log in $buildlog"
  meson setup "$build_root/build" "$src" "${setup_opts[@]}" >>"$buildlog" 2>&1 || fail "meson setup"
  log "compiling (ninja -j2)"
  ninja -C "$build_root/build" -j2 mediasoup-worker >>"$buildlog" 2>&1 || fail "ninja"

  links_system_srtp "$build_root/build/mediasoup-worker" \
    && fail "the worker links the system's libsrtp2.so instead of $srtp/lib/libsrtp2.a"
  cp "$build_root/build/mediasoup-worker" "$cached.tmp"
  mv "$cached.tmp" "$cached"
  log "built in $((SECONDS - start)) s, cached at $cached"
fi

if ! cmp -s "$cached" "$target"; then
  mkdir -p "$(dirname "$target")"
  # Copy then rename: overwriting a worker binary that a running server executes fails (text file busy).
  cp "$cached" "$target.tmp"
  mv "$target.tmp" "$target"
  log "installed the mediasoup worker at $target"
fi
# Which libsrtp the installed worker carries; installed after the binary, by copy then rename as well.
if ! cmp -s "$srtp/PROVENANCE" "$target_provenance"; then
  cp "$srtp/PROVENANCE" "$target_provenance.tmp"
  mv "$target_provenance.tmp" "$target_provenance"
fi

# Start a worker the way the server does (default path, so without the npm-time override).
env -u MEDIASOUP_WORKER_BIN -u MEDIASOUP_BUILDTYPE timeout 30 node -e "
  require('mediasoup').createWorker()
    .then((w) => { console.log('[setup] mediasoup worker ok (pid ' + w.pid + ')'); w.close(); })
    .catch((e) => { console.error('[setup] mediasoup worker does not start:', e.message); process.exit(1); });
" || die "verification failed (binary: $target, cached: $cached)"
