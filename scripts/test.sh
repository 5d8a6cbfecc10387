#!/usr/bin/env bash
# `npm test`: set up what is missing, type-check, then every test (unit, integration, end-to-end in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "[test] type-checking"
npx tsc --noEmit -p tsconfig.json
echo "[test] running jest"
# One test file at a time: the end-to-end tests run two Chromium pages and mediasoup on 2 cores.
exec npx jest --runInBand "$@"
