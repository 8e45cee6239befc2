#!/usr/bin/env bash
# Benchmarks of `ahnb build`, in one run on one machine: what docs/BENCHMARKS.md reports.
#
#   bench/run.sh [SECTION...]      sections: ratio steps runs incremental tti scale memory
#                                  (default: all but scale and memory)
#
# Environment:
#   BENCH_DIR   workloads, sites and results (default /tmp/ahnb-bench; never inside the repo)
#   REPEAT      timed repetitions per figure, the median is reported (default 5; 3 for big ones)
#   AHNB_BEFORE another ahnb binary, timed beside this one (before/after, the same rounds) in the
#               ratio and incremental sections
#   RATIO_RAW=0 leaves out the --raw-logs build of the ratio section
#   QUIET_LOAD  wait (up to QUIET_WAIT s, default 300) for the 1-minute load average to fall
#               below this before each section (default 0.5 per core); figures taken on a busy
#               machine are still printed, with the load they were taken at
#   AHNB_NO_BUILD=1  use the binaries already in target/release
#   SITES_DIR   where the timed builds write their sites (default $BENCH_DIR/out): a tmpfs such as
#               /dev/shm/ahnb-sites takes the disk's inode allocation out of the build's sys time
#               (on ext4 without a journal it varies 0.3-1 s with what was deleted minutes before)
#
# What it measures (see docs/BENCHMARKS.md for why):
#   ratio        parse-only ceiling (examples/parse_ceiling.rs) vs `ahnb build` on
#                1,000 runs x 6 metrics x 5,000 steps; peak RSS, output bytes, largest page
#   steps        peak RSS as steps grow (S = 1,000, 10,000, 100,000 at 100 runs)
#   memory       peak RSS of 10,000 runs in one project (1,000 steps), with and without the cache,
#                against AHNB_BEFORE when given (interleaved)
#   runs         build time as runs grow (R = 100, 1,000, 10,000 in one project, 1,000 steps)
#   incremental  first build vs a second build over unchanged logs, after one run grew by 100
#                lines, and after it grew by 100 more (a rebuild after a rebuild): 1 project x
#                1,000 runs x 1,000 steps, then 10 x 100 runs x 5,000 steps
#   tti          project page bytes and time to interactive in headless Chromium
#   scale        100,000 runs: 1,000, 10,000 and 100,000 runs in projects of 1,000 runs, 6 metrics x
#                100 steps; time per run must stay flat (not in the default list: 2 GB of logs and
#                about 5 GB of site at its largest); against AHNB_BEFORE when given (interleaved)
#
# Every timed build writes a site folder that did not exist (a first build, with --no-cache unless
# the cache is what is measured); sites are deleted and `sync` run between builds, so one build's
# writeback is not charged to the next. Results go to $BENCH_DIR/results.md and standard output.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/ahnb-bench}
REPEAT=${REPEAT:-5}
CORES=$(nproc)
QUIET_LOAD=${QUIET_LOAD:-$(awk -v c="$CORES" 'BEGIN { print c * 0.5 }')}
QUIET_WAIT=${QUIET_WAIT:-300}
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
AHNB=$TARGET/release/ahnb
CEILING=$TARGET/release/examples/parse_ceiling
GEN=$TARGET/release/examples/gen_workload
LOGS=$BENCH_DIR/logs
OUT=$BENCH_DIR/out
SITES=${SITES_DIR:-$OUT}
RESULTS=$BENCH_DIR/results.md
TIME=/usr/bin/time

case "$BENCH_DIR" in "$REPO"|"$REPO"/*)
    echo "error: BENCH_DIR must be outside the repository (it holds gigabytes)" >&2; exit 2 ;;
esac
[ -x "$TIME" ] || { echo "error: $TIME is missing; apt-get install -y time" >&2; exit 2; }
mkdir -p "$LOGS" "$OUT" "$SITES"

sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=(ratio steps runs incremental tti)

log() { printf '%s\n' "$*" | tee -a "$RESULTS"; }

if [ "${AHNB_NO_BUILD:-0}" != 1 ]; then
    (cd "$REPO" && cargo build --release --bins --examples --quiet)
fi
commit=${BENCH_COMMIT:-$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)}
dirty=$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null | grep -c . || true)
log ""
log "## bench/run.sh ${sections[*]} — $(date -u +%Y-%m-%dT%H:%MZ), commit $commit$([ "$dirty" = 0 ] || echo " (+$dirty modified files)")"
log ""
log "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr), $(rustc --version 2>/dev/null || echo rustc ?), repeat $REPEAT"
log "sites of timed builds in $SITES ($(df --output=fstype "$SITES" | tail -1))"

# gen NAME PROJECTS RUNS METRICS STEPS: generates a workload once; later runs reuse it.
gen() {
    local name=$1 dir=$LOGS/$1
    if [ ! -f "$dir.done" ]; then
        rm -rf "$dir"
        "$GEN" --projects "$2" --runs "$3" --metrics "$4" --steps "$5" --seed 1 --out "$dir"
        touch "$dir.done"
    fi
    # Read once so every timed run finds the logs in the page cache (24 GiB holds them all).
    find "$dir" -name "*.jsonl" -exec cat {} + > /dev/null
}

logs_bytes() { du -sb --apparent-size "$LOGS/$1" | cut -f1; }

# Waits for the machine to calm down (other sessions may be compiling); prints the load.
quiet() {
    local waited=0
    while awk -v limit="$QUIET_LOAD" '{ exit !($1 > limit) }' /proc/loadavg && [ "$waited" -lt "$QUIET_WAIT" ]; do
        sleep 10
        waited=$((waited + 10))
    done
    cut -d' ' -f1 /proc/loadavg
}

# fresh: a name for a site folder that does not exist.
fresh() { mktemp -u "$SITES/site-XXXXXXXX"; }

# Sites of the current section; deleted when it ends, not between builds (see drop_sites).
sites=()
# new_site: sets $site to a fresh site folder for a timed build, remembered for drop_sites. `sync` first,
# so that the writeback of one build is not charged to the next.
new_site() {
    sync
    site=$(fresh)
    sites+=("$site")
}

# drop_sites: deletes the section's sites and their caches. Not between timed builds: on an ext4
# without a journal (this machine's disk) creating files shortly after deleting many makes the
# kernel skip every inode freed in the last minute or more (ialloc.c, recently_deleted()), a
# cost that would be charged to the next build.
drop_sites() {
    local s
    for s in "${sites[@]}"; do
        rm -rf "$s" "$(dirname "$s")/.$(basename "$s").ahnb-"{cache,cache-0,cache-1,stamp,manifest,figures,spare}
    done
    sites=()
}

# timed FILE CMD...: runs CMD, appends "wall user sys maxrss_kib" to FILE.
# Wall, user and sys to the millisecond from bash's `time` (GNU time prints hundredths, too coarse
# for a 0.05 s rebuild), peak RSS from GNU time. The command's own stderr goes where it went.
timed() {
    local file=$1
    shift
    local TIMEFORMAT="%3R %3U %3S"
    { time "$TIME" -f "%M" -o "$file.rss" "$@" > /dev/null 2>&3; } 3>&2 2> "$file.one"
    echo "$(cat "$file.one") $(tail -n 1 "$file.rss")" >> "$file"
    rm -f "$file.one" "$file.rss"
}

# median FILE COLUMN
median() {
    sort -g -k"$2","$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# cpu_median FILE: median of user + sys
cpu_median() {
    awk '{ print $2 + $3 }' "$1" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
max_col() { sort -g -k"$2","$2" "$1" | tail -1 | awk -v c="$2" '{ print $c }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
# per_run SECONDS RUNS: milliseconds a run.
per_run() { awk -v c="$1" -v r="$2" 'BEGIN { printf "%.2f ms", c * 1000 / r }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

site_bytes() { du -sb --apparent-size "$1" | cut -f1; }
largest_page() { find "$1" -name '*.html' -printf '%s %P\n' | sort -n | tail -1; }
largest_file() { find "$1" -type f -printf '%s %P\n' | sort -n | tail -1; }

# ------------------------------------------------------------------------------------------------

section_ratio() {
    local name=r1000-s5000 w
    gen "$name" 10 100 6 5000
    w=$LOGS/$name
    log ""
    log "### Parse-only ceiling vs ahnb build: 10 projects x 100 runs x 6 metrics x 5,000 steps ($(mb "$(logs_bytes $name)") MB)"
    log ""
    log "load before: $(quiet)"
    local t=$BENCH_DIR/t-ratio
    rm -f "$t".*
    # Interleaved, so that a burst of load elsewhere hits every command alike.
    local site
    for _ in $(seq "$REPEAT"); do
        timed "$t.cat" cat "$w"/*/*.jsonl
        timed "$t.ceiling" "$CEILING" "$w"
        new_site
        timed "$t.build" "$AHNB" build "$w" -o "$site" --no-cache -q
        if [ -n "${AHNB_BEFORE:-}" ]; then
            new_site
            timed "$t.before" "$AHNB_BEFORE" build "$w" -o "$site" --no-cache -q
        fi
        if [ "${RATIO_RAW:-1}" = 1 ]; then
            new_site
            timed "$t.raw" "$AHNB" build "$w" -o "$site" --raw-logs --no-cache -q
        fi
    done
    log "load after: $(cut -d' ' -f1 /proc/loadavg)"
    local raw_site=$site
    new_site
    "$AHNB" build "$w" -o "$site" --no-cache -q --timings 2> "$t.timings"
    local c b r
    c=$(median "$t.ceiling" 1)
    b=$(median "$t.build" 1)
    r=$([ -f "$t.raw" ] && median "$t.raw" 1 || echo 0)
    log ""
    log "| command | wall (median of $REPEAT) | CPU user+sys | peak RSS | output | largest page |"
    log "|---|---:|---:|---:|---:|---:|"
    log "| parse_ceiling (serde_json, all cores) | $c s | $(cpu_median "$t.ceiling") s | $(mib "$(max_col "$t.ceiling" 4)") MiB | | |"
    log "| ahnb build (defaults) | $b s | $(cpu_median "$t.build") s | $(mib "$(max_col "$t.build" 4)") MiB | $(mb "$(site_bytes "$site")") MB | $(largest_page "$site" | awk '{ printf "%.0f KB (%s)", $1 / 1e3, $2 }') |"
    if [ -f "$t.raw" ]; then
        log "| ahnb build --raw-logs | $r s | $(cpu_median "$t.raw") s | $(mib "$(max_col "$t.raw" 4)") MiB | $(mb "$(site_bytes "$raw_site")") MB | |"
    fi
    if [ -f "$t.before" ]; then
        log "| ahnb build, \$AHNB_BEFORE | $(median "$t.before" 1) s | $(cpu_median "$t.before") s | $(mib "$(max_col "$t.before" 4)") MiB | | |"
    fi
    log "| cat (the logs from the page cache) | $(median "$t.cat" 1) s | $(cpu_median "$t.cat") s | | | |"
    log ""
    log "throughput ratio build/ceiling: $(ratio "$c" "$b") (target >= 1.0)$([ -f "$t.raw" ] && echo "; $(ratio "$c" "$r") with --raw-logs")"
    log "CPU ratio (ceiling CPU / build CPU): $(ratio "$(cpu_median "$t.ceiling")" "$(cpu_median "$t.build")")"
    log "ratio to cat (cat wall / build wall): $(ratio "$(median "$t.cat" 1)" "$b")"
    if [ -f "$t.before" ]; then
        log "before (\$AHNB_BEFORE) vs ceiling: $(ratio "$c" "$(median "$t.before" 1)") wall, $(ratio "$(cpu_median "$t.ceiling")" "$(cpu_median "$t.before")") CPU"
    fi
    log "largest file: $(largest_file "$site" | awk '{ printf "%.0f KB (%s)", $1 / 1e3, $2 }'); files: $(find "$site" -type f | wc -l)"
    log ""
    log '`--timings` of one more build:'
    log '```'
    log "$(cat "$t.timings")"
    log '```'
    drop_sites
}

section_steps() {
    log ""
    log "### Peak memory as steps grow: 1 project x 100 runs x 6 metrics"
    log ""
    log "load before: $(quiet)"
    log ""
    log "| steps | logs | wall, --no-cache (median) | peak RSS, --no-cache (max of $REPEAT) | vs S=1,000 | peak RSS, with the cache | vs S=1,000 |"
    log "|---:|---:|---:|---:|---:|---:|---:|"
    local base="" base_cached="" s name t site rss cached
    for s in 1000 10000 100000; do
        name=r100-s$s
        gen "$name" 1 100 6 "$s"
        t=$BENCH_DIR/t-steps-$s
        rm -f "$t" "$t.cached"
        for _ in $(seq "$REPEAT"); do
            new_site
            timed "$t" "$AHNB" build "$LOGS/$name" -o "$site" --no-cache -q
            # The default build also saves the incremental cache, which keeps parser state.
            new_site
            timed "$t.cached" "$AHNB" build "$LOGS/$name" -o "$site" -q
        done
        drop_sites
        rss=$(max_col "$t" 4)
        cached=$(max_col "$t.cached" 4)
        [ -n "$base" ] || base=$rss
        [ -n "$base_cached" ] || base_cached=$cached
        log "| $s | $(mb "$(logs_bytes $name)") MB | $(median "$t" 1) s | $(mib "$rss") MiB | $(ratio "$rss" "$base")x | $(mib "$cached") MiB | $(ratio "$cached" "$base_cached")x |"
    done
    log ""
    log "target: S=100,000 within 1.5x of S=1,000"
}

# scale_row LABEL PROJECTS TIMES [BYTES FILES]: one row of the scale table (runs from LABEL);
# the output columns are left empty without BYTES (the before binary's site is not measured).
scale_row() {
    local runs=${1%%,*} output=""
    [ -z "${4:-}" ] || output="$(mb "$4") MB"
    log "| $1 | $2 | $(mb "$(logs_bytes "p$2-r1000-s100")") MB | $(median "$3" 1) s | $(cpu_median "$3") s | $(per_run "$(cpu_median "$3")" "$runs") | $(per_run "$(median "$3" 2)" "$runs") | $(per_run "$(median "$3" 3)" "$runs") | $(mib "$(max_col "$3" 4)") MiB | $output | ${5:-} |"
}

section_scale() {
    log ""
    log "### Build time and memory as runs grow to 100,000: P projects x 1,000 runs x 6 metrics x 100 steps"
    log ""
    log "load before: $(quiet)"
    log ""
    log "user CPU is ahnb's own code; sys is mostly the kernel creating the files and copying them"
    log "into the page cache (tmpfs with SITES_DIR)."
    log ""
    log "| runs | projects | logs | wall | CPU | CPU per run | user per run | sys per run | peak RSS | output | files |"
    log "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    local p runs name t site n bytes files
    for p in 1 10 100; do
        runs=$((p * 1000))
        name=p$p-r1000-s100
        gen "$name" "$p" 1000 6 100
        t=$BENCH_DIR/t-scale-$p
        rm -f "$t" "$t.before"
        n=$REPEAT
        [ "$p" -lt 100 ] || n=1
        [ "$p" -lt 10 ] || n=$(( n < 3 ? n : 3 ))
        for _ in $(seq "$n"); do
            # The site of 100,000 runs is 4 GB: each is deleted before the next build.
            if [ -n "${AHNB_BEFORE:-}" ]; then
                new_site
                timed "$t.before" "$AHNB_BEFORE" build "$LOGS/$name" -o "$site" --no-cache -q
                drop_sites
            fi
            new_site
            timed "$t" "$AHNB" build "$LOGS/$name" -o "$site" --no-cache -q
            bytes=$(site_bytes "$site")
            files=$(find "$site" -type f | wc -l)
            drop_sites
        done
        scale_row "$runs" "$p" "$t" "$bytes" "$files"
        [ -z "${AHNB_BEFORE:-}" ] || scale_row "$runs, before" "$p" "$t.before"
    done
}

section_runs() {
    log ""
    log "### Build time as runs grow: 1 project x R runs x 6 metrics x 1,000 steps"
    log ""
    log "load before: $(quiet)"
    log ""
    log "| runs | logs | wall (median) | CPU | peak RSS | output | project page | ceiling wall | ratio |"
    log "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    local r name t site n
    for r in 100 1000 10000; do
        name=r$r-s1000
        gen "$name" 1 "$r" 6 1000
        t=$BENCH_DIR/t-runs-$r
        rm -f "$t" "$t.ceiling"
        n=$REPEAT
        [ "$r" -lt 10000 ] || n=$(( REPEAT < 3 ? REPEAT : 3 ))
        for _ in $(seq "$n"); do
            timed "$t.ceiling" "$CEILING" "$LOGS/$name"
            new_site
            timed "$t" "$AHNB" build "$LOGS/$name" -o "$site" --no-cache -q
        done
        drop_sites
        site=$OUT/runs-$r
        rm -rf "$site"
        "$AHNB" build "$LOGS/$name" -o "$site" --no-cache -q
        log "| $r | $(mb "$(logs_bytes $name)") MB | $(median "$t" 1) s | $(cpu_median "$t") s | $(mib "$(max_col "$t" 4)") MiB | $(mb "$(site_bytes "$site")") MB | $(mb "$(stat -c %s "$site/proj-000/index.html")") MB | $(median "$t.ceiling" 1) s | $(ratio "$(median "$t.ceiling" 1)" "$(median "$t" 1)") |"
    done
    log ""
    log "The sites are kept in $OUT/runs-R for the tti section."
}

section_memory() {
    log ""
    log "### Peak memory, 10,000 runs in one project: 1 project x 10,000 runs x 6 metrics x 1,000 steps"
    log ""
    log "load before: $(quiet)"
    log ""
    log "| binary | build | wall (median) | peak RSS (max of n) | n | load after |"
    log "|---|---|---:|---:|---:|---:|"
    local name=r10000-s1000 n bin label mode t site
    gen "$name" 1 10000 6 1000
    n=$(( REPEAT < 3 ? REPEAT : 3 ))
    local bins=("$AHNB")
    [ -z "${AHNB_BEFORE:-}" ] || bins=("$AHNB_BEFORE" "$AHNB")
    for mode in cache no-cache; do
        for bin in "${bins[@]}"; do rm -f "$BENCH_DIR/t-memory-$mode-$(basename "$bin")"; done
        # Interleaved: before, after, before, after, ... so that both see the same machine.
        for _ in $(seq "$n"); do
            for bin in "${bins[@]}"; do
                t=$BENCH_DIR/t-memory-$mode-$(basename "$bin")
                new_site
                if [ "$mode" = cache ]; then
                    timed "$t" "$bin" build "$LOGS/$name" -o "$site" -q
                else
                    timed "$t" "$bin" build "$LOGS/$name" -o "$site" --no-cache -q
                fi
                # Deleted at once, unlike other sections: twelve 1.6 GB sites do not fit the disk.
                drop_sites
            done
        done
        for bin in "${bins[@]}"; do
            t=$BENCH_DIR/t-memory-$mode-$(basename "$bin")
            label=$([ "$bin" = "$AHNB" ] && echo this || echo "before ($(basename "$bin"))")
            log "| $label | $([ "$mode" = cache ] && echo "default (cache beside the site)" || echo --no-cache) | $(median "$t" 1) s | $(mib "$(max_col "$t" 4)") MiB | $n | $(cut -d' ' -f1 /proc/loadavg) |"
        done
    done
    log ""
    log "target (issue 17): peak RSS <= 500 MiB, with the cache and without"
}

# incremental_one NAME PROJECTS RUNS METRICS STEPS: a first build, a second over unchanged logs, and
# a third after one run grew by 100 lines (then the run is cut back), REPEAT times on one site.
incremental_one() {
    local name=$1 w t site
    gen "$name" "$2" "$3" "$4" "$5"
    w=$LOGS/$name
    log ""
    log "### Incremental rebuild: $2 project(s) x $3 runs x $4 metrics x $5 steps ($(mb "$(logs_bytes "$name")") MB)"
    log ""
    log "load before: $(quiet)"
    t=$BENCH_DIR/t-incr-$name
    rm -f "$t".*
    # One run grows by 100 steps (later than any it logged): its lines are read from where the
    # cache left off, and only the pages that show it are rendered again.
    local victim=$w/proj-000/run-00000.jsonl size
    size=$(stat -c %s "$victim")
    head -c "$size" "$victim" | tail -n 101 | head -n 100 | sed 's/"step":\([0-9]*\)/"step":9\1/' > "$t.append"
    for _ in $(seq "$REPEAT"); do
        incremental_round "$AHNB" "$t.this" "$w" "$victim" "$size" "$t.append"
        if [ -n "${AHNB_BEFORE:-}" ]; then
            incremental_round "$AHNB_BEFORE" "$t.before" "$w" "$victim" "$size" "$t.append"
        fi
    done
    # One more grown build, for its --timings.
    new_site
    "$AHNB" build "$w" -o "$site" -q
    cat "$t.append" >> "$victim"
    "$AHNB" build "$w" -o "$site" -q --timings 2> "$t.timings"
    truncate -s "$size" "$victim"
    drop_sites
    log "load after: $(cut -d' ' -f1 /proc/loadavg)"
    incremental_table "$t.this" "this build"
    if [ -n "${AHNB_BEFORE:-}" ]; then
        incremental_table "$t.before" "before (\$AHNB_BEFORE, the same rounds)"
    fi
    log ""
    log '`--timings` of a grown build:'
    log '```'
    log "$(cat "$t.timings")"
    log '```'
}

# incremental_round BIN PREFIX LOGS VICTIM SIZE APPEND: one round on a fresh site: a first build,
# a second over unchanged logs, one after VICTIM grew by APPEND's lines, one after it grew again.
incremental_round() {
    local bin=$1 t=$2 w=$3 victim=$4 size=$5 append=$6
    new_site
    # The cache and the manifest live beside the site (.NAME.ahnb-cache); a fresh site has none.
    timed "$t.first" "$bin" build "$w" -o "$site" -q
    timed "$t.second" "$bin" build "$w" -o "$site" -q
    cat "$append" >> "$victim"
    sync
    timed "$t.grown" "$bin" build "$w" -o "$site" -q
    # And again, as a training job goes on: a rebuild after a rebuild, which starts from the
    # previous site kept beside SITE (.SITE.ahnb-spare).
    sed 's/"step":9/"step":99/' "$append" >> "$victim"
    sync
    timed "$t.again" "$bin" build "$w" -o "$site" -q
    truncate -s "$size" "$victim"
}

# incremental_table PREFIX LABEL: the medians of incremental_round's builds.
incremental_table() {
    local t=$1 first second grown again
    first=$(median "$t.first" 1)
    second=$(median "$t.second" 1)
    grown=$(median "$t.grown" 1)
    again=$(median "$t.again" 1)
    log ""
    log "$2:"
    log ""
    log "| build | wall (median of $REPEAT) | CPU | peak RSS | vs first, wall | vs first, CPU |"
    log "|---|---:|---:|---:|---:|---:|"
    log "| first (empty cache) | $first s | $(cpu_median "$t.first") s | $(mib "$(max_col "$t.first" 4)") MiB | 1.00 | 1.00 |"
    local build
    for build in "second, logs unchanged:second" "third, one run grew by 100 lines:grown" "fourth, the same run grew by 100 more:again"; do
        local label=${build%%:*} file=$t.${build##*:}
        log "| $label | $(median "$file" 1) s | $(cpu_median "$file") s | $(mib "$(max_col "$file" 4)") MiB | **$(ratio "$(median "$file" 1)" "$first")** | **$(ratio "$(cpu_median "$file")" "$(cpu_median "$t.first")")** |"
    done
    log ""
    log "target: second and grown <= 0.10 x first"
}

section_incremental() {
    # The issue's figure: one run of a 1,000-run project grows. Then the older, spread workload.
    incremental_one r1000-s1000 1 1000 6 1000
    incremental_one r1000-s5000 10 100 6 5000
}

section_tti() {
    log ""
    log "### Project pages in headless Chromium (median of 3 loads from file://)"
    log ""
    if [ ! -x /usr/bin/chromium ] || [ ! -d "$REPO/tests/browser/node_modules/playwright-core" ]; then
        log "skipped: needs /usr/bin/chromium and tests/browser/node_modules (npm ci in tests/browser)"
        return
    fi
    local r site
    for r in 100 1000 10000; do
        site=$OUT/runs-$r
        if [ ! -f "$site/proj-000/index.html" ]; then
            gen "r$r-s1000" 1 "$r" 6 1000
            rm -rf "$site"
            "$AHNB" build "$LOGS/r$r-s1000" -o "$site" --no-cache -q
        fi
    done
    log "load before: $(quiet)"
    log ""
    node "$REPO/bench/tti.mjs" --label "runs=100" "$OUT/runs-100/proj-000/index.html" \
        --label "runs=1000" "$OUT/runs-1000/proj-000/index.html" \
        --label "runs=10000" "$OUT/runs-10000/proj-000/index.html" \
        --label "run page (runs=10000)" "$(find "$OUT/runs-10000/proj-000/runs" -name '*.html' | sort | head -1)" \
        | tee -a "$RESULTS"
}

for section in "${sections[@]}"; do
    case "$section" in
        ratio | steps | runs | incremental | tti | scale | memory) "section_$section" ;;
        *) echo "error: unknown section '$section' (ratio steps runs incremental tti scale memory)" >&2; exit 2 ;;
    esac
done
echo
echo "results appended to $RESULTS"
