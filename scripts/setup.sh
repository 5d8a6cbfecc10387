#!/usr/bin/env bash
# Brings a fresh clone to a runnable state, doing only what is missing:
# Debian packages, npm packages, the mediasoup worker (built against Debian's libraries), the client bundle.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-deps.sh

lock_hash=$(sha256sum package-lock.json | cut -c1-16)
stamp=node_modules/.kanyan-installed
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  echo "[setup] installing npm packages (npm ci)"
  # mediasoup would otherwise try to download a prebuilt worker, which this network cannot reach:
  # we build the worker ourselves below.
  MEDIASOUP_WORKER_BIN=/nonexistent npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi

bash scripts/mediasoup-worker.sh
node scripts/build-client.mjs
