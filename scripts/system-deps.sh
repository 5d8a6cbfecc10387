#!/usr/bin/env bash
# Installs the Debian packages Kanyan needs, only when one is missing, so a second run is instant.
set -euo pipefail

# libsrtp is not among them: libsrtp-openssl.sh builds it from Debian's source package (apt-get source,
# no dpkg-dev needed) with build-essential and libssl-dev; xz-utils unpacks the .debian.tar.xz it reads.
PACKAGES=(
  meson ninja-build pkg-config build-essential python3 xz-utils
  libuv1-dev libssl-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev
  redis-server ffmpeg chromium fonts-noto-cjk openssl jq
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Kanyan needs these Debian packages. Run as root, then retry:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "[setup] installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
