#!/usr/bin/env bash
# Builds mediasoup's C++ worker against Debian's libraries (no downloads: the network only reaches
# the npm registry and Debian), caches the binary outside node_modules, and installs it where
# mediasoup looks for it. Quick when the cached binary is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

pkg=node_modules/mediasoup
[ -d "$pkg/worker" ] || { echo "[setup] $pkg/worker is missing: run npm ci first" >&2; exit 1; }
version=$(node -p "require('./$pkg/package.json').version")
shims=scripts/mediasoup-shims
key=$( (echo "$version"; find "$shims" "$0" -type f | sort | xargs cat) | sha256sum | cut -c1-12)
cache_dir=${KANYAN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kanyan}
cached="$cache_dir/mediasoup-worker-$version-$key"
target="$pkg/worker/out/Release/mediasoup-worker"

if [ ! -x "$cached" ]; then
  echo "[setup] building the mediasoup $version worker against Debian's libraries (about 2-4 minutes, once)"
  build_root=$(mktemp -d "${TMPDIR:-/tmp}/kanyan-worker.XXXXXX")
  trap 'rm -rf "$build_root"' EXIT
  src="$build_root/worker"
  cp -r "$pkg/worker" "$src"
  # The wraps stay: with their source folder already present (our shims), meson uses it as is.
  rm -rf "$src/out"
  cp -r "$shims"/. "$src/subprojects/"
  # Debian 12 ships meson 1.0.1; the worker builds fine with it.
  sed -i "s/meson_version: '>= 1.1.0'/meson_version: '>= 1.0.0'/" "$src/meson.build"
  log="$build_root/build.log"
  if ! (meson setup "$build_root/build" "$src" --buildtype=release -Db_ndebug=true -Db_pie=true \
          --wrap-mode=nodownload >"$log" 2>&1 \
        && ninja -C "$build_root/build" -j "$(nproc)" mediasoup-worker >>"$log" 2>&1); then
    echo "[setup] mediasoup worker build failed; last lines of $log:" >&2
    tail -40 "$log" >&2
    trap - EXIT
    exit 1
  fi
  mkdir -p "$cache_dir"
  cp "$build_root/build/mediasoup-worker" "$cached.tmp"
  mv "$cached.tmp" "$cached"
  echo "[setup] mediasoup worker built and cached at $cached"
fi

if ! cmp -s "$cached" "$target" 2>/dev/null; then
  mkdir -p "$(dirname "$target")"
  cp "$cached" "$target"
fi
