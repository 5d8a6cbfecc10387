#!/usr/bin/env bash
# `npm test`: set up what is missing, type-check, then every test (unit, integration, end-to-end in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "[test] type-checking"
npx tsc --noEmit -p tsconfig.json
echo "[test] running jest"
# One test file at a time: the end-to-end tests run two Chromium pages and mediasoup on 2 cores.
mkdir -p .cache
result=.cache/jest-result.json
rm -f "$result"
status=0
npx jest --runInBand --json --outputFile="$result" "$@" || status=$?
# The plain closing line CI reads: "N passed, N failed".
if [ -f "$result" ]; then
  node -e "const r=require('./$result'); console.log(r.numPassedTests + ' passed, ' + r.numFailedTests + ' failed, ' + r.numPendingTests + ' skipped')"
fi
exit $status
