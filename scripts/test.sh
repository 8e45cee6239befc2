#!/usr/bin/env bash
# The whole test suite: Rust unit, CLI, snapshot, determinism and browser tests, then the Python
# client's tests against the freshly built binary.
#
# A test that needs a missing component (Chromium, node, pdflatex, python3, the real-log corpus,
# Keras) skips, saying so, and every skip is listed in the summary at the end; with CI set (as
# .ci/run sets it), or AHNB_REQUIRE_BROWSER=1 for the browser, a missing component fails instead.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-$PWD/target}"
skips="$target/tmp/ahnb-skipped-tests.txt"
mkdir -p "$target/tmp"
: >"$skips"

rust_log="$target/tmp/ahnb-rust-tests.log"
cargo test --locked 2>&1 | tee "$rust_log"
cargo build --locked

# Browser tests: real headless Chromium from file://, driven by playwright-core (no browser download).
if command -v node >/dev/null 2>&1; then
  browser_log="$target/tmp/ahnb-browser-tests.log"
  (cd tests/browser && npm ci --no-audit --no-fund --silent && AHNB_BIN="$target/debug/ahnb" node --test) 2>&1 | tee "$browser_log"
  browser_skipped=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$browser_log" | tail -1)
  if [ "${browser_skipped:-0}" != 0 ]; then
    echo "browser tests: $browser_skipped skipped (Chromium not found)" >>"$skips"
  fi
elif [ "${AHNB_REQUIRE_BROWSER:-0}" = 1 ] || [ -n "${CI:-}" ]; then
  echo "node is required for the browser tests" >&2
  exit 1
else
  echo "browser tests: all skipped (node is not installed)" >>"$skips"
fi
python_log="$target/tmp/ahnb-python-tests.log"
: >"$python_log"
if [ -x .ci/python-client.sh ]; then
  AHNB_BIN="$target/debug/ahnb" bash .ci/python-client.sh 2>&1 | tee "$python_log"
fi

# Counts of every runner, added up for the closing line ("N passed, N failed, N skipped").
rust_passed=$(awk '/^test result:/ {s += $4} END {print s + 0}' "$rust_log")
rust_ignored=$(awk '/^test result:/ {for (i = 1; i < NF; i++) if ($(i + 1) ~ /^ignored/) s += $i} END {print s + 0}' "$rust_log")
browser_passed=$(awk '/^# pass [0-9]+$/ {s += $3} END {print s + 0}' "${browser_log:-/dev/null}")
python_passed=$(awk '/^[0-9]+ passed/ {s += $1} END {print s + 0}' "$python_log")
python_skipped=$(awk '/^[0-9]+ passed.* skipped/ {for (i = 1; i < NF; i++) if ($(i + 1) ~ /^skipped/) s += $i} END {print s + 0}' "$python_log")

# The summary: every skip, never a silent pass.
if [ -s "$skips" ]; then
  echo "test summary: passed, with $(wc -l <"$skips") skip(s) (set CI=1 to make them failures):"
  sort "$skips" | uniq -c | sed 's/^ *\([0-9]*\) /  skipped \1x: /'
else
  echo "test summary: passed, nothing skipped"
fi
# `#[ignore]` marks tests too long for every run (they run by hand), never a missing component:
# those skip, and fail under CI. They are named so that none hides.
if [ "$rust_ignored" != 0 ]; then
  echo "ignored by design, run by hand with \`cargo test --release -- --ignored\`:"
  sed -n 's/^test \(.*\) \.\.\. ignored.*/  \1/p' "$rust_log"
fi
# Reached only when every runner passed (set -e): the failures are 0.
echo "summary: $((rust_passed + browser_passed + python_passed)) passed, 0 failed, $((${browser_skipped:-0} + python_skipped)) skipped, $rust_ignored ignored by design"
