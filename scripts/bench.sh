#!/usr/bin/env bash
# Whole-process benchmarks for byline, each figure beside a peer or a
# reference measured in the same run, as medians of several runs.
#
#   scripts/bench.sh              # everything (generates data on first use)
#   RUNS=3 scripts/bench.sh filter
#   scripts/bench.sh library
#   scripts/bench.sh keystrokes   # criterion per-keystroke bench, summarised
#   scripts/bench.sh keystroke-table  # the summary of the last such run
#
# Data goes to target/bench-data (never committed): 1,000,000 titles
# recombined from ${BYLINE_SHARED:-../shared}/corpus/titles/, and synthetic
# libraries of 10,000 and 100,000 article files (examples/gen_library.rs).
# Needs fzf and GNU time (/usr/bin/time); installs them with apt-get when
# missing and allowed.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
WHAT=${1:-all}
DATA=target/bench-data
BYLINE=target/release/byline
GEN=target/release/examples/gen_library
export BYLINE_SHARED=${BYLINE_SHARED:-../shared}
# Queries without spaces: fzf reads a space as "and", byline as a character.
QUERIES=${QUERIES:-"obama police council climat sydney ökonomie govt farmers wa"}

need() {
    if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
        echo "== installing $2" >&2
        if [ "$(id -u)" = 0 ]; then apt-get install -y "$2" >/dev/null || { apt-get update >/dev/null && apt-get install -y "$2" >/dev/null; }
        else sudo apt-get install -y "$2" >/dev/null; fi
    fi
}
need /usr/bin/time time

echo "== building (release)" >&2
cargo build --release --quiet --bin byline --example gen_library
mkdir -p "$DATA"

# Milliseconds of wall time of one run of "$@" (output discarded).
ms() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000))
}

# Peak resident memory (MB) of one run of "$@".
peak_mb() {
    local kb
    kb=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1)
    echo $((kb / 1024))
}

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }

# Median of RUNS timings of "$@".
med() {
    local xs=""
    for _ in $(seq "$RUNS"); do xs="$xs $(ms "$@")"; done
    echo "$xs" | median
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

load_note() { echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M) UTC"; }

filter_bench() {
    need fzf fzf
    local titles=$DATA/titles-1m.txt
    [ -s "$titles" ] || { echo "== generating 1,000,000 titles" >&2; "$GEN" titles "$titles" 1000000 42; }
    echo
    echo "### byline filter vs fzf --filter, 1,000,000 titles ($RUNS runs each, median ms)"
    load_note
    echo
    echo "| query | matches (byline / fzf) | byline ms | fzf ms | byline/fzf |"
    echo "|---|---|---|---|---|"
    local tb=0 tf=0
    for q in $QUERIES; do
        local nb nf b f
        nb=$("$BYLINE" filter "$q" --titles "$titles" | wc -l)
        nf=$(fzf --filter "$q" <"$titles" | wc -l)
        # Interleaved, so both see the same machine load.
        local xb="" xf=""
        for _ in $(seq "$RUNS"); do
            xb="$xb $(ms "$BYLINE" filter "$q" --titles "$titles")"
            xf="$xf $(ms sh -c "fzf --filter '$q' < '$titles'")"
        done
        b=$(echo "$xb" | median)
        f=$(echo "$xf" | median)
        tb=$((tb + b))
        tf=$((tf + f))
        echo "| $q | $nb / $nf | $b | $f | $(ratio "$b" "$f") |"
    done
    echo "| **all queries** | | **$tb** | **$tf** | **$(ratio "$tb" "$tf")** |"
    echo
    echo "peak memory (MB), query obama: byline $(peak_mb "$BYLINE" filter obama --titles "$titles"), fzf $(peak_mb sh -c "fzf --filter obama < '$titles'")"
}

library_bench() {
    echo
    echo "### byline list: time to the first listed article and peak memory ($RUNS runs each, median ms)"
    load_note
    echo
    echo "Reference: reading every file of the library (find + cat) and walking it (find | wc -l)."
    echo
    echo "| library | articles | cold first row | indexed first row | cold full list | indexed full list | read all files (ref) | walk only (ref) | cold/ref | indexed/walk | peak MB cold | peak MB indexed |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
    for n in 10000 100000; do
        local label=$((n / 1000))k dir=$DATA/lib-$((n / 1000))k
        [ -d "$dir" ] || { echo "== generating $n article files" >&2; "$GEN" library "$dir" "$n" 42; }
        local cache
        cache=$(mktemp -d)
        export XDG_CACHE_HOME=$cache
        local first_cold="" full_cold="" first_idx="" full_idx="" ref="" walk=""
        for _ in $(seq "$RUNS"); do
            rm -rf "$cache"/byline
            first_cold="$first_cold $(ms sh -c "$BYLINE list '$dir' | head -1")"
            rm -rf "$cache"/byline
            full_cold="$full_cold $(ms "$BYLINE" list "$dir")"
            first_idx="$first_idx $(ms sh -c "$BYLINE list '$dir' | head -1")"
            full_idx="$full_idx $(ms "$BYLINE" list "$dir")"
            ref="$ref $(ms sh -c "find '$dir' -type f -print0 | xargs -0 cat")"
            walk="$walk $(ms sh -c "find '$dir' -type f | wc -l")"
        done
        local articles fc ff fidx fx r w mc mi
        articles=$("$BYLINE" list "$dir" | wc -l)
        fc=$(echo "$first_cold" | median)
        ff=$(echo "$full_cold" | median)
        fidx=$(echo "$first_idx" | median)
        fx=$(echo "$full_idx" | median)
        r=$(echo "$ref" | median)
        w=$(echo "$walk" | median)
        rm -rf "$cache"/byline
        mc=$(peak_mb "$BYLINE" list "$dir")
        mi=$(peak_mb "$BYLINE" list "$dir")
        rm -rf "$cache"
        unset XDG_CACHE_HOME
        echo "| $label files | $articles | $fc | $fidx | $ff | $fx | $r | $w | $(ratio "$ff" "$r") | $(ratio "$fx" "$w") | $mc | $mi |"
    done
}

keystroke_bench() {
    echo "== cargo bench --bench filter (several minutes)" >&2
    cargo bench --quiet --bench filter >/dev/null
    keystroke_table
}

# The table of the last `cargo bench --bench filter` run.
keystroke_table() {
    echo
    echo "### Per keystroke, typing \"police cou\" (criterion medians, ms)"
    echo "Rows 100k and 1M: the keystroke with the best 5000 matches picked (what the TUI asks);"
    echo "cpu_ rows: the same in CPU time of all threads; top50_ rows: picking a screenful (50)."
    load_note
    echo
    for size in 100k 1M cpu_100k cpu_1M top50_100k top50_1M; do
        local line="| $size |" xs=""
        for k in 1 2 3 4 5 6 7 8 9 10; do
            local f=target/criterion/keystroke_$size/$k/new/estimates.json v
            v=$(sed -n 's/.*"median":{"confidence_interval":{[^}]*},"point_estimate":\([0-9.e+-]*\).*/\1/p' "$f" | awk '{printf "%.1f", $1 / 1e6}')
            line="$line $v |"
            xs="$xs $v"
        done
        local med scratch
        med=$(echo "$xs" | tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {printf "%.1f", (a[5]+a[6])/2}')
        scratch=$(sed -n 's/.*"median":{"confidence_interval":{[^}]*},"point_estimate":\([0-9.e+-]*\).*/\1/p' "target/criterion/scratch_${size#*_}/full/new/estimates.json" 2>/dev/null | awk '{printf "%.1f", $1 / 1e6}')
        case $size in cpu_*) scratch="(wall) $scratch" ;; esac
        echo "$line **$med** | $scratch |"
    done | { echo "| titles | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | median | from scratch (ref) |"; echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"; cat; }
}

case "$WHAT" in
    filter) filter_bench ;;
    library) library_bench ;;
    keystrokes) keystroke_bench ;;
    keystroke-table) keystroke_table ;;
    all) filter_bench; library_bench; keystroke_bench ;;
    *) echo "usage: scripts/bench.sh [all|filter|library|keystrokes]" >&2; exit 2 ;;
esac
