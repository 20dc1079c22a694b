#!/usr/bin/env bash
# Compiles the RNG bench (and only what it imports) with tsc into dist/bench-rng, then runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=dist/bench-rng
rm -rf "$out"
node node_modules/typescript/bin/tsc --outDir "$out" --rootDir . --target es2023 --module nodenext \
  --moduleResolution nodenext --strict --esModuleInterop --skipLibCheck --types node --ignoreConfig bench/rng/run.ts
node --no-warnings "$out/bench/rng/run.js" "$@"
