#!/usr/bin/env bash
# The whole test suite: Rust unit, CLI, snapshot, determinism and browser tests, then the Python
# client's tests against the freshly built binary. Browser tests skip (saying so) when Chromium is
# absent, unless AHNB_REQUIRE_BROWSER=1.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --locked
cargo build --locked
if [ -x .ci/python-client.sh ]; then
  AHNB_BIN="$PWD/target/debug/ahnb" bash .ci/python-client.sh
fi
