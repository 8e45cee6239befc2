#!/usr/bin/env bash
# ahnb side by side with what users would pick instead, on one workload (not part of CI).
#
#   bench/peers/run.sh
#
# Installs the peers from PyPI into a virtual environment ($BENCH_DIR/peers-venv), converts the
# workload (1 project x 100 runs x 6 metrics x 1,000 steps: the peers are slow) into their
# formats, untimed, then times each task REPEAT times (median) and prints ahnb's ratio to each:
#   ahnb build (all cores, and -j 1)
#   TensorBoard's EventAccumulator and tbparse on event files written with tensorboardX
#   DVCLive's HTML report of every run, and `dvc plots show` of one plot per metric over all runs
#   a pandas + matplotlib report (summary table, a chart per metric, a page per run)
# Environment: BENCH_DIR (default /tmp/ahnb-bench), REPEAT (default 3), AHNB_NO_BUILD=1.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/ahnb-bench}
REPEAT=${REPEAT:-3}
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
AHNB=$TARGET/release/ahnb
GEN=$TARGET/release/examples/gen_workload
VENV=$BENCH_DIR/peers-venv
LOGS=$BENCH_DIR/logs/r100-s1000
WORK=$BENCH_DIR/peers
RESULTS=$BENCH_DIR/results.md
PEERS="$REPO/bench/peers/peers.py"

case "$BENCH_DIR" in "$REPO"|"$REPO"/*)
    echo "error: BENCH_DIR must be outside the repository" >&2; exit 2 ;;
esac

if [ "${AHNB_NO_BUILD:-0}" != 1 ]; then
    (cd "$REPO" && cargo build --release --bins --examples --quiet)
fi
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    # Pinned so that a rerun measures the same code; bump deliberately.
    "$VENV/bin/pip" install --quiet dvc==3.67.1 dvclive==3.49.1 tensorboard==2.21.0 \
        tensorboardX==2.6.5 tbparse==0.0.9 pandas==3.1.1 matplotlib==3.11.2
fi
PY=$VENV/bin/python
if [ ! -f "$LOGS.done" ]; then
    rm -rf "$LOGS"
    "$GEN" --projects 1 --runs 100 --metrics 6 --steps 1000 --seed 1 --out "$LOGS"
    touch "$LOGS.done"
fi
if [ ! -f "$WORK/converted" ]; then
    rm -rf "$WORK"
    mkdir -p "$WORK"
    # tensorboardX warns once per NaN it writes: keep that out of the terminal.
    "$PY" "$PEERS" convert "$LOGS" "$WORK" > "$WORK/convert.log" 2>&1 || { tail -20 "$WORK/convert.log" >&2; exit 1; }
    tail -1 "$WORK/convert.log"
    (cd "$WORK/dvc" && "$VENV/bin/dvc" init --no-scm --quiet)
    touch "$WORK/converted"
fi
cat "$LOGS"/*/*.jsonl > /dev/null

# task NAME CMD...: runs CMD REPEAT times (setup by `prepare` before each), records wall and RSS.
declare -A wall rss said
prepare() { :; }
task() {
    local name=$1
    shift
    local file=$WORK/t-$name
    rm -f "$file"
    for _ in $(seq "$REPEAT"); do
        prepare
        /usr/bin/time -f "%e %M" -o "$file.one" "$@" > "$WORK/out-$name" 2>&1 || {
            echo "error: $name failed:" >&2
            tail -20 "$WORK/out-$name" >&2
            exit 1
        }
        cat "$file.one" >> "$file"
    done
    wall[$name]=$(sort -g "$file" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    rss[$name]=$(sort -g -k2,2 "$file" | tail -1 | awk '{ printf "%.0f", $2 / 1024 }')
    said[$name]=$(grep -v '^\s*$' "$WORK/out-$name" | tail -1 | cut -c1-140 || true)
}

prepare() { rm -rf "$WORK/site"; }
task ahnb "$AHNB" build "$LOGS" -o "$WORK/site" --no-raw-logs --no-cache
task ahnb-j1 "$AHNB" build "$LOGS" -o "$WORK/site" --no-raw-logs --no-cache -j 1
prepare() { :; }
task tb-accumulator "$PY" "$PEERS" tb-accumulator "$WORK/tb"
task tbparse "$PY" "$PEERS" tbparse "$WORK/tb"
prepare() { rm -f "$WORK"/dvc/runs/*/report.html; }
task dvclive-report "$PY" "$PEERS" dvclive-report "$WORK/dvc"
prepare() { rm -rf "$WORK/dvc/dvc_plots"; }
task dvc-plots bash -c "cd '$WORK/dvc' && '$VENV/bin/dvc' plots show -o dvc_plots && du -sb --apparent-size dvc_plots"
prepare() { rm -rf "$WORK/pandas"; }
task pandas "$PY" "$PEERS" pandas "$LOGS" "$WORK/pandas"

{
    echo ""
    echo "### Peers: 1 project x 100 runs x 6 metrics x 1,000 steps ($(du -sb --apparent-size "$LOGS" | awk '{ printf "%.1f MB", $1 / 1e6 }')), median of $REPEAT, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo ""
    echo "| task | wall | peak RSS | peer / ahnb | peer / ahnb -j 1 | what it printed |"
    echo "|---|---:|---:|---:|---:|---|"
    for name in ahnb ahnb-j1 tb-accumulator tbparse dvclive-report dvc-plots pandas; do
        echo "| $name | ${wall[$name]} s | ${rss[$name]} MiB | $(awk -v a="${wall[$name]}" -v b="${wall[ahnb]}" 'BEGIN { printf "%.1f", a / b }') | $(awk -v a="${wall[$name]}" -v b="${wall[ahnb-j1]}" 'BEGIN { printf "%.1f", a / b }') | ${said[$name]//|/\\|} |"
    done
    echo ""
    echo "versions: $("$PY" -c 'import importlib.metadata as m; print(", ".join(f"{p} {m.version(p)}" for p in ["dvc", "dvclive", "tensorboard", "tensorboardX", "tbparse", "pandas", "matplotlib"]))')"
} | tee -a "$RESULTS"
