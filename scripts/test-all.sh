#!/usr/bin/env bash
# `npm test`: the type check, then every test (unit and integration) against the real local stack —
# PostgreSQL with logical WAL, Kafka, Kafka Connect with Debezium — started from jars, without Docker.
# Brings what the tests need: node_modules (`npm ci` when missing) and Debian's `chromium` package for
# the lead board's browser test (installed with apt-get as root, or with `sudo -n` when that needs no
# password; otherwise one line names the package and nothing starts).
# Exit status is tsc's or vitest's. A stack this script started is stopped at the end
# (LEADWIRE_STACK_KEEP=1 keeps it); a stack that was already running is left alone.
set -uo pipefail
cd "$(dirname "$0")/.."

# The board test drives /usr/bin/chromium through playwright-core (no downloaded browsers).
if [ ! -x /usr/bin/chromium ]; then
  as_root=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(missing); fi
  fi
  if [ "${as_root[0]:-}" = missing ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "test-all: the lead board test needs /usr/bin/chromium: install Debian's 'chromium' package (sudo apt-get install -y chromium), then run npm test again" >&2
    exit 1
  fi
  echo "test-all: installing Debian's chromium package for the lead board test" >&2
  { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || {
    echo "test-all: apt-get install chromium failed; install Debian's 'chromium' package, then run npm test again" >&2
    exit 1
  }
fi

[ -d node_modules ] || npm ci || exit 1

echo "test-all: tsc --noEmit" >&2
npx tsc --noEmit || { echo "test-all: the type check failed" >&2; exit 1; }

if [ -f src/cli/main.ts ] && node bin/leadwire.js stack --help >/dev/null 2>&1; then
  stack() { node bin/leadwire.js stack "$@"; }
else
  # Works before (or without) the full CLI.
  stack() { node bin/run-ts.js src/cli/stack-entry.ts "$@"; }
fi

# The dependency rule (docs/architecture.md) first: it needs no stack and fails in seconds.
if ! npm run --silent depcheck; then
  echo "test-all: the dependency rule failed (npm run depcheck)" >&2
  exit 1
fi

started_here=0
stack status >/dev/null 2>&1 || started_here=1

stop_stack() {
  if [ "$started_here" = 1 ] && [ "${LEADWIRE_STACK_KEEP:-0}" != 1 ]; then
    stack down || true
  fi
}

if ! stack up; then
  echo "test-all: the stack did not come up; logs:" >&2
  stack logs -n 60 >&2 || true
  stop_stack
  exit 1
fi
eval "$(stack env)"

mkdir -p .leadwire
npx vitest run --reporter=default --reporter=json --outputFile.json=.leadwire/vitest-results.json
rc=$?
# One plain closing line that any CI log reader understands.
node -e 'const r=require("./.leadwire/vitest-results.json");console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests+r.numTodoTests} skipped`)' 2>/dev/null || true

if [ "$rc" != 0 ]; then
  echo "test-all: tests failed (exit $rc); stack status and log tails:" >&2
  stack status >&2 || true
  stack logs -n 40 >&2 || true
fi
stop_stack
exit "$rc"
