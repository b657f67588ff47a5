#!/usr/bin/env bash
# Refreshes the committed screenshots of the lead board (docs/screenshots/board.png and
# lead-detail.png, shown by README.md and docs/api.md) on purpose: runs the board's browser test
# over the local runtime with its screenshots pointed at docs/screenshots/. The test run by
# `npm test` writes them to a temporary folder instead. Needs /usr/bin/chromium and the stack's
# environment (eval "$(npx leadwire stack env)"), like every integration test file.
set -euo pipefail
cd "$(dirname "$0")/.."
LEADWIRE_SCREENSHOTS_DIR="$PWD/docs/screenshots" npx vitest run --project integration test/integration/board.test.ts \
  -t 'shows the samples by tier'
git status --short docs/screenshots/
