#!/usr/bin/env bash
# Builds the libsrtp release mediasoup pins (2.5.0) with libsrtp's OpenSSL crypto backend, as a static
# library for the mediasoup worker, and prints the directory it is installed in (include/, lib/,
# PROVENANCE) on stdout; progress goes to stderr. Called by mediasoup-worker.sh before it configures.
#
# Why not Debian's libsrtp2-1: Debian builds it with --enable-nss, and NSS's per-call overhead makes SRTP
# about half as fast per packet as the OpenSSL backend (~83 vs ~157 kpps per core, measured on the SFU).
# Where the source comes from: Debian's source package libsrtp2, fetched and verified by apt through a
# private configuration (signed InRelease -> Sources -> file hashes), never the system's apt set-up.
# Debian's orig tarball is byte for byte the upstream v2.5.0 tag archive that mediasoup's wrap names
# (same sha256), and it is built unpatched: Debian's patches (2.5.0-3: runtest verbosity, the test
# driver's alignment, the test script's `set -e`, README badges) touch only tests and docs, and the
# build stops if a later Debian revision patches library code, so that someone decides about it.
# Cached: once built, a run only checks the installed library against the hash in its PROVENANCE.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[setup] $*" >&2; }
die() { echo "[setup] libsrtp: $*" >&2; exit 1; }

package=libsrtp2
wrap=node_modules/mediasoup/worker/subprojects/libsrtp2.wrap
[ -f "$wrap" ] || die "$wrap is missing: run npm ci first"
# The wrap says which upstream release mediasoup is tested with, and that archive's sha256.
version=$(sed -n 's/^directory *= *libsrtp-//p' "$wrap")
pinned_sha256=$(sed -n 's/^source_hash *= *//p' "$wrap")
[ -n "$version" ] && [ -n "$pinned_sha256" ] || die "cannot read the version and source_hash from $wrap"

# --enable-openssl is the point. libsrtp's configure adds -fPIC by itself (checked below), which the worker's
# PIE link needs, and, with CFLAGS unset, upstream's -O3 -funroll-loops set; pcap is for test programs.
configure_flags=(--enable-openssl --disable-pcap)
# Bump when the recipe below changes in a way that changes the library.
recipe=1
key=$(printf '%s\n' "$package" "$version" "$pinned_sha256" "${configure_flags[*]}" "$recipe" \
  | sha256sum | cut -c1-12)
cache_dir=${KANYAN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kanyan}
out=$cache_dir/libsrtp2-$version-openssl-$key

# Good when the library is the one its PROVENANCE describes (a half-copied or edited cache is rebuilt).
installed() {
  [ -f "$out/PROVENANCE" ] && [ -f "$out/lib/libsrtp2.a" ] && [ -f "$out/include/srtp2/srtp.h" ] \
    && [ "$(sed -n 's/^library_sha256: //p' "$out/PROVENANCE")" \
         = "$(sha256sum "$out/lib/libsrtp2.a" | cut -d' ' -f1)" ]
}

if ! installed; then
  mkdir -p "$cache_dir"
  exec 8>"$cache_dir/.libsrtp-openssl.lock"
  flock 8 # another setup run may be building it; wait rather than race
fi
if installed; then
  echo "$out"
  exit 0
fi

log "building $package $version with OpenSSL from Debian's source package (seconds to a minute, once)"
start=$SECONDS
# Under /tmp, not the cache dir: apt fetches as the unprivileged _apt user, which cannot enter /root.
work=$(mktemp -d "${TMPDIR:-/tmp}/kanyan-libsrtp.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
buildlog=$cache_dir/libsrtp-openssl-build.log
: >"$buildlog"
fail() {
  echo "[setup] libsrtp build failed: $*; last lines of $buildlog:" >&2
  tail -n 30 "$buildlog" >&2
  exit 1
}

# A private apt: the machine's own archives (same URIs, suites, components and Signed-By keys) as
# deb-src entries, with their own index directory, so the system's apt configuration and lists stay
# untouched and apt still checks the signed Release file and every hash below it.
mkdir -p "$work/apt/parts" "$work/apt/lists/partial" "$work/download"
: >"$work/apt/sources.list"
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] && sed 's/^Types:.*/Types: deb-src/' "$f" >"$work/apt/parts/$(basename "$f")"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$f" ] && sed -n 's/^deb[[:space:]]/deb-src /p' "$f" >>"$work/apt/sources.list"
done
if id _apt >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then chown _apt "$work/download"; fi
apt_opts=(
  -o "Dir::Etc::SourceList=$work/apt/sources.list" -o "Dir::Etc::SourceParts=$work/apt/parts"
  -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
  -o "Acquire::Languages=none"
)
apt-get "${apt_opts[@]}" update >>"$buildlog" 2>&1 \
  || fail "apt-get update of the deb-src indexes (is the Debian archive reachable?)"
(cd "$work/download" && apt-get "${apt_opts[@]}" source --download-only "$package") \
  >"$work/apt-source.out" 2>&1 || { cat "$work/apt-source.out" >>"$buildlog"; fail "apt-get source $package"; }
cat "$work/apt-source.out" >>"$buildlog"

shopt -s nullglob
dscs=("$work"/download/"$package"_*.dsc)
shopt -u nullglob
[ ${#dscs[@]} -eq 1 ] || die "expected one .dsc from apt-get source, found ${#dscs[@]}"
dsc=${dscs[0]}
debian_version=$(sed -n 's/^Version: //p' "$dsc")
# "Get:1 http://deb.debian.org/debian bookworm/main libsrtp2 2.5.0-3 (dsc) [2215 B]"
archive=$(awk '/\(dsc\)/ { print $2, $3; exit }' "$work/apt-source.out")
upstream=${debian_version#*:}
upstream=${upstream%-*}
[ "$upstream" = "$version" ] \
  || die "Debian's $package is $debian_version, but mediasoup pins upstream $version: no matching source"

orig_name=${package}_$version.orig.tar.gz
orig=$work/download/$orig_name
[ -f "$orig" ] || die "$orig_name is not in Debian's $debian_version source package"
dsc_orig_sha256=$(awk -v f="$orig_name" '/^Checksums-Sha256:/ { s = 1; next } /^[^ ]/ { s = 0 }
  s && $3 == f { print $1 }' "$dsc")
orig_sha256=$(sha256sum "$orig" | cut -d' ' -f1)
[ -n "$dsc_orig_sha256" ] && [ "$orig_sha256" = "$dsc_orig_sha256" ] \
  || die "$orig_name has sha256 $orig_sha256, the .dsc says '$dsc_orig_sha256'"
[ "$orig_sha256" = "$pinned_sha256" ] \
  || die "$orig_name (sha256 $orig_sha256) is not the archive mediasoup's wrap pins ($pinned_sha256)"
dsc_sha256=$(sha256sum "$dsc" | cut -d' ' -f1)

# Which files Debian's patches change; library code (anything outside tests, docs and the build's test
# targets) would need a decision, so stop instead of building without it.
debian_tar=$(ls "$work"/download/"$package"_*.debian.tar.*)
mkdir -p "$work/debian" && tar -xf "$debian_tar" -C "$work/debian" debian/patches
patches=$(grep -v '^#' "$work/debian/debian/patches/series" 2>/dev/null | xargs echo || true)
library_patched=$(cat "$work"/debian/debian/patches/*.patch 2>/dev/null \
  | sed -n 's|^+++ [^/]*/\([^[:space:]]*\).*|\1|p' \
  | grep -Ev '^(test/|crypto/test/|fuzzer/|doc/|README|Makefile\.in$|crypto/Makefile\.in$)' || true)
[ -z "$library_patched" ] \
  || die "Debian's $debian_version patches library code ($(echo $library_patched)); review them and this script"

log "configuring and compiling $orig_name (${configure_flags[*]}), log in $buildlog"
mkdir -p "$work/src"
tar -xzf "$orig" -C "$work/src" --strip-components=1
(cd "$work/src" && env -u CFLAGS ./configure "${configure_flags[@]}") >>"$buildlog" 2>&1 || fail "configure"
cflags=$(sed -n 's/^CFLAGS[[:space:]]*=[[:space:]]*//p' "$work/src/Makefile" | sed 's/[[:space:]]*$//')
case " $cflags " in *" -fPIC "*) ;; *) die "configure did not add -fPIC (CFLAGS: $cflags)" ;; esac
grep -q '^#define OPENSSL 1' "$work/src/crypto/include/config.h" \
  || fail "configure did not select the OpenSSL backend"
make -C "$work/src" -j"$(nproc)" libsrtp2.a >>"$buildlog" 2>&1 || fail "make libsrtp2.a"
# Upstream's install target copies exactly the public headers and whatever libraries were built.
make -C "$work/src" install prefix="$work/stage" >>"$buildlog" 2>&1 || fail "make install"

rm -rf "$out.tmp"
mkdir -p "$out.tmp/lib"
cp -r "$work/stage/include" "$out.tmp/"
cp "$work/stage/lib/libsrtp2.a" "$out.tmp/lib/"
cat >"$out.tmp/PROVENANCE" <<EOF
libsrtp for the mediasoup worker, built by scripts/libsrtp-openssl.sh
source_package: $package
debian_version: $debian_version
archive: $archive
dsc: $(basename "$dsc")
dsc_sha256: $dsc_sha256
orig_tarball: $orig_name
orig_sha256: $orig_sha256
debian_patches_not_applied: ${patches:-none} (tests and docs only)
configure_flags: ${configure_flags[*]}
cflags: $cflags
crypto_backend: openssl $(pkg-config --modversion libcrypto 2>/dev/null || echo unknown)
library_sha256: $(sha256sum "$out.tmp/lib/libsrtp2.a" | cut -d' ' -f1)
built: $(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF
rm -rf "$out"
mv "$out.tmp" "$out"
installed || die "the installed library at $out does not match its PROVENANCE"
log "libsrtp $version (OpenSSL) built in $((SECONDS - start)) s, cached at $out"
echo "$out"
