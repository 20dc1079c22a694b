#!/usr/bin/env bash
# Runs every test: installs what the tests need first (scripts/setup.sh), builds the service
# (some tests start the built service as a real process), then runs Jest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run -s build
npm test -- "$@"
