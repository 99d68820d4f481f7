#!/usr/bin/env bash
# The reader's whole-process figures, driven in a pseudo-terminal
# (examples/tui_latency.rs), each beside a reference from the same run.
#
#   scripts/bench-tui.sh keys       # keystroke-to-screen, 100k titles vs 1k (reference)
#   scripts/bench-tui.sh analysis   # background analysis: cold vs second start (index)
#   scripts/bench-tui.sh start      # first frame with the list, cold and indexed, vs `byline list`'s first row
#   scripts/bench-tui.sh            # both
#
# Data goes to target/bench-data/tui (never committed): titles from
# examples/gen_library.rs (recombined from ${BYLINE_SHARED:-../shared}/corpus/titles/)
# and a synthetic library of ANALYSE_N (2000) article files.
# SIZES (default 100000,1000), QUERY (default "police cou"), ROUNDS (5).
# start: START_N (100000) files from the titles, RUNS (3), and BEFORE (a
# byline binary from before a change, measured beside the current one).
set -euo pipefail
cd "$(dirname "$0")/.."

WHAT=${1:-all}
DATA=target/bench-data/tui
BYLINE=target/release/byline
GEN=target/release/examples/gen_library
LAT=target/release/examples/tui_latency
export BYLINE_SHARED=${BYLINE_SHARED:-../shared}
SIZES=${SIZES:-100000,1000}
QUERY=${QUERY:-"police cou"}
ROUNDS=${ROUNDS:-5}
ANALYSE_N=${ANALYSE_N:-2000}

echo "== building (release)" >&2
cargo build --release --quiet --bin byline --example gen_library --example tui_latency
mkdir -p "$DATA"

machine() { echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M) UTC"; }

if [ "$WHAT" = all ] || [ "$WHAT" = keys ]; then
    max=$(echo "$SIZES" | tr ',' '\n' | sort -n | tail -1)
    titles="$DATA/titles-$max.txt"
    [ -s "$titles" ] || "$GEN" titles "$titles" "$max"
    echo "### Keystroke to screen in the reader, typing \"$QUERY\" (median ms over $ROUNDS rounds)"
    machine
    nice "$LAT" "$BYLINE" "$titles" "$DATA" "$SIZES" "$QUERY" "$ROUNDS"
fi

if [ "$WHAT" = all ] || [ "$WHAT" = analysis ]; then
    lib="$DATA/library-$ANALYSE_N"
    [ -d "$lib" ] || "$GEN" library "$lib" "$ANALYSE_N"
    echo "### Background analysis of $ANALYSE_N generated articles: cold vs with the index"
    machine
    nice "$LAT" analysis "$BYLINE" "$lib" "$DATA"
fi

if [ "$WHAT" = all ] || [ "$WHAT" = start ]; then
    n=${START_N:-100000}
    titles="$DATA/titles-$n.txt"
    [ -s "$titles" ] || "$GEN" titles "$titles" "$n"
    lib="$DATA/lib-$n"
    if [ ! -e "$DATA/lib-$n.done" ]; then
        # The keys mode makes the same library (one small file per title).
        nice "$LAT" "$BYLINE" "$titles" "$DATA" "$n" "x" 1 >/dev/null
    fi
    echo "### The reader's start on $n files: first frame with the list vs \`byline list\`'s first row"
    machine
    nice "$LAT" start "${BEFORE:+$BEFORE,}$BYLINE" "$lib" "$DATA" "${RUNS:-3}"
fi
