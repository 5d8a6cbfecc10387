#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# libvips decodes photos on its own threads; with glibc's default of one malloc arena per thread
# the freed pixel buffers stay mapped and a 12 MP photo in flight costs ~100 MB of RSS instead of ~65.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec node --require tsx/cjs server/main.ts
