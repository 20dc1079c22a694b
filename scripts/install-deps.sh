#!/usr/bin/env bash
# Installs the npm dependencies exactly as package-lock.json pins them.
# npm ci first. This machine's registry mirror does not serve every platform's optional native
# binaries (@swc/core-darwin-*, ...), so npm ci may call the lockfile out of sync although it is
# not; then npm install installs the locked versions, and must leave the lockfile unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log" "$log.lock"' EXIT
if npm ci --no-audit --no-fund >"$log" 2>&1; then
  tail -n 1 "$log"
elif grep -q 'from lock file' "$log"; then
  echo "install-deps: npm ci refused the lockfile over optional platform packages this registry lacks; npm install from the lockfile instead"
  cp package-lock.json "$log.lock"
  npm install --no-audit --no-fund
  cmp -s package-lock.json "$log.lock" || { echo "install-deps: npm install changed package-lock.json" >&2; exit 1; }
else
  cat "$log" >&2
  exit 1
fi
