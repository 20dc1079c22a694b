#!/usr/bin/env bash
# Runs one reliability drill: builds the service if needed (the drills run `node dist/src/main.js`
# as production does), compiles the drills with tsc into dist-drills/, then runs the drill.
#   bash test/drills/run.sh <crash|payment|load|tamper|draw> [drill options]
set -euo pipefail
cd "$(dirname "$0")/../.."
drill="${1:?usage: run.sh <drill> [options]}"
shift
node scripts/ensure-built.mjs
rm -rf dist-drills
node node_modules/typescript/bin/tsc -p test/drills/tsconfig.json
exec node --no-warnings "dist-drills/test/drills/${drill}.js" "$@"
