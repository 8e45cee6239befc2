#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ for a bounded time each, then prints executions and crashes.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 300 s; parse_line load_folder
#                                                         event_file)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain (`rustup toolchain
# install nightly`). Corpora grow in fuzz/corpus/<target> (git-ignored) and are seeded from the
# example logs and the hostile logs of scripts/gen_hostile_logs.py; a crash is saved in
# fuzz/artifacts/<target>/ and replayed with `cargo +nightly fuzz run <target> <file>`.
# Every crash found becomes a regression test (see docs/robustness.md).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-300}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(parse_line load_folder event_file)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is missing; install it with: cargo install cargo-fuzz" >&2
  exit 1
fi
if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: a nightly toolchain is needed; install it with: rustup toolchain install nightly" >&2
  exit 1
fi

# Seeds: every line of the example logs and of the small hostile logs for the line parser; a few
# folders in load_folder's format (a path byte, the content, 0xFF 0x00 between files); the small
# TensorBoard fixtures (tests/fixtures/formats/tensorboard) for event_file.
seed_dir="$(mktemp -d)"
trap 'rm -rf "$seed_dir"' EXIT
python3 scripts/gen_hostile_logs.py "$seed_dir/hostile" --set all 2>/dev/null
python3 - "$seed_dir" <<'PY'
import hashlib, os, sys
seed_dir = sys.argv[1]
lines_dir = os.path.join("fuzz", "corpus", "parse_line")
folders_dir = os.path.join("fuzz", "corpus", "load_folder")
events_dir = os.path.join("fuzz", "corpus", "event_file")
os.makedirs(events_dir, exist_ok=True)
os.makedirs(lines_dir, exist_ok=True)
os.makedirs(folders_dir, exist_ok=True)

def save(folder, data):
    with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

for base, dirs, files in os.walk(os.path.join("tests", "fixtures", "formats", "tensorboard")):
    for name in sorted(files):
        path = os.path.join(base, name)
        if name.startswith("events.out.tfevents") and os.path.getsize(path) <= 64 * 1024:
            save(events_dir, open(path, "rb").read())

logs = []
for root in ["example-logs", "tests/fixtures", os.path.join(seed_dir, "hostile", "logs")]:
    for base, dirs, files in os.walk(root):
        for name in sorted(files):
            path = os.path.join(base, name)
            if not name.endswith((".jsonl", ".ndjson")) or not os.path.isfile(path) or os.path.islink(path):
                continue
            try:
                if os.path.getsize(path) > 64 * 1024:
                    continue
                data = open(path, "rb").read()
            except OSError:
                continue
            logs.append(data)
            for line in data.split(b"\n")[:40]:
                if line:
                    save(lines_dir, line + b"\n")
# load_folder: selector bytes index PATHS in fuzz_targets/load_folder.rs (0 = p/a.jsonl, ...).
logs.sort(key=len)
for i in range(0, min(len(logs), 60), 3):
    chunks = [bytes([0]) + logs[i], bytes([12]) + logs[i + 1] if i + 1 < len(logs) else b"",
              bytes([0x83]) + (logs[i + 2] if i + 2 < len(logs) else b""),
              bytes([6]) + b'primary_metric = "loss"\n', bytes([8]) + b"# R <script>x</script>\n"]
    save(folders_dir, b"\xff\x00".join(c for c in chunks if c))
PY

summary=()
status=0
for target in "${targets[@]}"; do
  log="$(mktemp)"
  # Built first, so that the time reported is fuzzing time only.
  cargo +nightly fuzz build -O "$target" >/dev/null 2>&1
  echo "fuzz: $target for ${seconds}s"
  started=$(date +%s)
  set +e
  cargo +nightly fuzz run -O "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 >"$log" 2>&1
  code=$?
  set -e
  elapsed=$(( $(date +%s) - started ))
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
  corpus=$(find "fuzz/corpus/$target" -type f | wc -l)
  crashes=$(find "fuzz/artifacts/$target" -type f 2>/dev/null | wc -l)
  if [ "$code" -ne 0 ]; then
    status=1
    tail -40 "$log"
  fi
  summary+=("$target: ${runs:-?} executions in ${elapsed}s, corpus $corpus inputs, exit $code, $crashes crash files in fuzz/artifacts/$target")
  rm -f "$log"
done
printf 'fuzz: %s\n' "${summary[@]}"
exit "$status"
