#!/usr/bin/env bash
# The whole test suite: Rust unit, CLI, snapshot, determinism and browser tests, then the Python
# client's tests against the freshly built binary. Browser tests skip (saying so) when Chromium is
# absent, unless AHNB_REQUIRE_BROWSER=1.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --locked
cargo build --locked

# Browser tests: real headless Chromium from file://, driven by playwright-core (no browser download).
if command -v node >/dev/null 2>&1; then
  (cd tests/browser && npm ci --no-audit --no-fund --silent && AHNB_BIN="$PWD/../../target/debug/ahnb" node --test)
elif [ "${AHNB_REQUIRE_BROWSER:-0}" = 1 ]; then
  echo "node is required for the browser tests" >&2
  exit 1
else
  echo "skipping browser tests: node is not installed"
fi
if [ -x .ci/python-client.sh ]; then
  AHNB_BIN="$PWD/target/debug/ahnb" bash .ci/python-client.sh
fi
