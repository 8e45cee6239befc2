#!/usr/bin/env bash
# ahnb reading TensorBoard event files, against TensorBoard's own Rust loader and tbparse (not CI).
#
#   bench/tensorboard.sh [STEPS...]        default: 1000 10000
#   RUNS=1000 PROJECTS=10 bench/tensorboard.sh 5000    bench/run.sh's ratio workload, as event files
#
# For each STEPS, the generator's RUNS runs (default 100, in PROJECTS projects, default 1) x 6
# metrics x STEPS steps (bench/run.sh's workload) are
# written as event files with tensorboardX (peers.py convert-tb: one folder per run, params as
# the hparams plugin; not timed), then each task runs REPEAT times and the median is reported:
#   ahnb        `ahnb build TB -o SITE --no-cache` (all cores), the whole site written, each
#               build into a new SITE (the sites are deleted when the script ends)
#   ahnb -j 1   the same on one thread
#   rustboard   tensorboard-data-server's `server --logdir TB --reload once -v`, from its start to
#               its "Finished load cycle" line (it loads, keeps nothing on disk, writes no page)
#   tbparse     `SummaryReader(TB).scalars`: every scalar into one pandas DataFrame
#   before      (with AHNB_BEFORE) the other binary's build, on all cores and with -j 1
# The tasks run interleaved (each round runs every task once). The CPU column is user + sys of
# the process (for rustboard, of its Python wrapper and the server).
# Environment: BENCH_DIR (default /tmp/ahnb-bench), REPEAT (default 5), RUNS (default 100) and
# PROJECTS (default 1): the workload's runs in all and the projects they are spread over, AHNB_NO_BUILD=1,
# AHNB_BEFORE=path of another ahnb binary to time beside this one (before/after a change),
# SKIP_TBPARSE=1 (tbparse takes minutes per run at 10,000 steps).
# The virtual environment is bench/peers/run.sh's ($BENCH_DIR/peers-venv), created here if missing.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/ahnb-bench}
REPEAT=${REPEAT:-5}
RUNS=${RUNS:-100}
PROJECTS=${PROJECTS:-1}
[ $((RUNS % PROJECTS)) = 0 ] || { echo "error: RUNS ($RUNS) must be a multiple of PROJECTS ($PROJECTS)" >&2; exit 2; }
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
AHNB=$TARGET/release/ahnb
GEN=$TARGET/release/examples/gen_workload
VENV=$BENCH_DIR/peers-venv
PY=$VENV/bin/python
PEERS="$REPO/bench/peers/peers.py"
WORK=$BENCH_DIR/tensorboard
RESULTS=$BENCH_DIR/results.md

case "$BENCH_DIR" in "$REPO"|"$REPO"/*)
    echo "error: BENCH_DIR must be outside the repository" >&2; exit 2 ;;
esac
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is missing; apt-get install -y time" >&2; exit 2; }
steps_list=("$@")
[ ${#steps_list[@]} -gt 0 ] || steps_list=(1000 10000)

if [ "${AHNB_NO_BUILD:-0}" != 1 ]; then
    (cd "$REPO" && cargo build --release --bins --examples --quiet)
fi
if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    # The same pins as bench/peers/run.sh; tensorboard-data-server is tensorboard's dependency.
    "$VENV/bin/pip" install --quiet dvc==3.67.1 dvclive==3.49.1 tensorboard==2.21.0 \
        tensorboardX==2.6.5 tbparse==0.0.9 pandas==3.1.1 matplotlib==3.11.2
fi
mkdir -p "$WORK"

# Each timed build writes a fresh site folder, and the sites are deleted only when the script
# ends (bench/run.sh's new_site and drop_sites do the same): on an ext4 without a journal, this
# machine's disk, creating files shortly after deleting many makes the kernel skip every inode
# freed in the last minute or more (ialloc.c, recently_deleted()), about 0.1 s charged to the next
# build of 100 run pages if the previous site were deleted right before it.
sites=()
drop_sites() {
    local s
    for s in "${sites[@]}"; do
        rm -rf "$s" "$(dirname "$s")/.$(basename "$s").ahnb-"{cache,cache-0,cache-1,stamp,manifest}
    done
    sites=()
}
trap drop_sites EXIT
# A site left by an interrupted run (or by this script before it kept one site per build).
rm -rf "$WORK/site" "$WORK"/site-*

declare -A wall rss said cmd cpu
# run_once NAME: one timed run of task NAME (its command in cmd[NAME]; a build is given a fresh
# `-o SITE`), appended to its file. `sync` first, so that the writeback of one build is not
# charged to the next.
run_once() {
    local name=$1 file=$WORK/t-$1 output=()
    case $name in ahnb* | before*)
        output=(-o "$(mktemp -u "$WORK/site-XXXXXXXX")")
        sites+=("${output[1]}")
        ;;
    esac
    sync
    # shellcheck disable=SC2086
    local started ended
    started=$(date +%s.%N)
    /usr/bin/time -f "%M %U %S" -o "$file.one" ${cmd[$name]} "${output[@]}" > "$WORK/out-$name" 2>&1 || {
        echo "error: $name failed:" >&2
        tail -20 "$WORK/out-$name" >&2
        exit 1
    }
    ended=$(date +%s.%N)
    # Wall to the millisecond (time's %e has two decimals, too coarse at 1,000 steps).
    echo "$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.3f", b - a }') $(cat "$file.one")" >> "$file"
    if [ "$name" = rustboard ]; then
        # rustboard's wall is what its wrapper measures (server start to loaded), without
        # Python's own start; its peak RSS is the wrapper's (the server is its child).
        grep -o 'loaded in [0-9.]*' "$WORK/out-$name" | awk '{ print $3 }' >> "$file.rb"
    fi
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for steps in "${steps_list[@]}"; do
    # One project: bench/run.sh's names (r100-s1000); more: the count in front (p10-r1000-s5000).
    name=r$RUNS-s$steps
    [ "$PROJECTS" = 1 ] || name=p$PROJECTS-$name
    logs=$BENCH_DIR/logs/$name
    tb=$WORK/tb-$name
    if [ ! -f "$logs.done" ]; then
        rm -rf "$logs"
        "$GEN" --projects "$PROJECTS" --runs $((RUNS / PROJECTS)) --metrics 6 --steps "$steps" --seed 1 --out "$logs"
        touch "$logs.done"
    fi
    if [ ! -f "$tb.done" ]; then
        rm -rf "$tb"
        # tensorboardX warns once per NaN it writes: keep that out of the terminal.
        "$PY" "$PEERS" convert-tb "$logs" "$tb" > "$WORK/convert.log" 2>&1 || { tail -20 "$WORK/convert.log" >&2; exit 1; }
        tail -1 "$WORK/convert.log"
        touch "$tb.done"
    fi
    # Every timed task finds the event files in the page cache.
    cat "$tb"/*/*/* > /dev/null

    tasks=(ahnb ahnb-j1)
    cmd[ahnb]="$AHNB build $tb --no-cache"
    cmd[ahnb-j1]="$AHNB build $tb --no-cache -j 1"
    if [ -n "${AHNB_BEFORE:-}" ]; then
        tasks+=(before before-j1)
        cmd[before]="$AHNB_BEFORE build $tb --no-cache"
        cmd[before-j1]="$AHNB_BEFORE build $tb --no-cache -j 1"
    fi
    tasks+=(rustboard)
    cmd[rustboard]="$PY $PEERS rustboard $tb"
    [ "${SKIP_TBPARSE:-0}" = 1 ] || tasks+=(tbparse)
    cmd[tbparse]="$PY $PEERS tbparse $tb"
    for name in "${tasks[@]}"; do rm -f "$WORK/t-$name" "$WORK/t-$name.rb"; done
    # Interleaved: each round runs every task once, so a burst of load hits them alike.
    load_before=$(cut -d' ' -f1 /proc/loadavg)
    for _ in $(seq "$REPEAT"); do
        for name in "${tasks[@]}"; do run_once "$name"; done
    done
    load_after=$(cut -d' ' -f1 /proc/loadavg)
    for name in "${tasks[@]}"; do
        file=$WORK/t-$name
        wall[$name]=$(awk '{ print $1 }' "$file" | median)
        if [ "$name" = rustboard ]; then wall[$name]=$(median < "$file.rb"); fi
        rss[$name]=$(sort -g -k2,2 "$file" | tail -1 | awk '{ printf "%.0f", $2 / 1024 }')
        cpu[$name]=$(awk '{ print $3 + $4 }' "$file" | median)
        said[$name]=$(grep -v '^\s*$' "$WORK/out-$name" | tail -1 | cut -c1-140 || true)
    done

    {
        echo ""
        echo "### TensorBoard: $RUNS runs ($PROJECTS project(s)) x 6 metrics x $steps steps as tensorboardX event files ($(du -sb --apparent-size "$tb" | awk '{ printf "%.1f MB", $1 / 1e6 }')), median of $REPEAT interleaved, $(date -u +%Y-%m-%dT%H:%MZ), load $load_before before, $load_after after"
        echo ""
        echo "| task | wall | CPU (user + sys) | peak RSS | task / ahnb (wall) | what it printed |"
        echo "|---|---:|---:|---:|---:|---|"
        for name in "${tasks[@]}"; do
            echo "| $name | ${wall[$name]} s | ${cpu[$name]} s | ${rss[$name]} MiB | $(awk -v a="${wall[$name]}" -v b="${wall[ahnb]}" 'BEGIN { printf "%.2f", a / b }') | ${said[$name]//|/\\|} |"
        done
        echo ""
        echo "walls (s), in run order: $(for name in "${tasks[@]}"; do printf '%s: %s; ' "$name" "$(awk '{ printf "%s ", $1 }' "$WORK/t-$name")"; done)"
        echo "rustboard loads (s): $(tr '\n' ' ' < "$WORK/t-rustboard.rb")"
        echo "versions: $("$PY" -c 'import importlib.metadata as m; print(", ".join(f"{p} {m.version(p)}" for p in ["tensorboard", "tensorboard-data-server", "tensorboardX", "tbparse", "pandas"]))')"
    } | tee -a "$RESULTS"
done
