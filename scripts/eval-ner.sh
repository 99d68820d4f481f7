#!/usr/bin/env bash
# Scores `byline ner` on each gold dev set in ${BYLINE_SHARED:-../shared}/corpus/ner-dev
# with the shared scorer (exact spans; the last line of each block is F1 over
# PER/ORG/LOC). Dev sets are for measuring only: never train on them.
#   scripts/eval-ner.sh            # all sets, per-label P/R/F1
#   scripts/eval-ner.sh --errors 20 wikigold   # extra scorer flags, one set
# BYLINE_BIN=path uses a given binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${BYLINE_SHARED:-../shared}"
dev="$shared/corpus/ner-dev"
scorer="$shared/tools/eval_ner.py"
[ -d "$dev" ] || { echo "eval-ner: no $dev (set BYLINE_SHARED)" >&2; exit 2; }

flags=()
sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --*) flags+=("$1" "$2"); shift 2 ;;
    *) sets+=("$1"); shift ;;
  esac
done
[ ${#sets[@]} -gt 0 ] || sets=(wikigold uner-en-ewt-test uner-en-ewt-dev wnut17-test)

if [ -z "${BYLINE_BIN:-}" ]; then
  cargo build --release --quiet
  BYLINE_BIN=target/release/byline
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for s in "${sets[@]}"; do
  gold="$dev/$s.gold.jsonl"
  echo "== $s"
  start=$(date +%s.%N)
  "$BYLINE_BIN" ner "$gold" > "$tmp/$s.pred.jsonl"
  end=$(date +%s.%N)
  tokens=$(python3 -c 'import json,sys; print(sum(len(json.loads(l)["text"].split()) for l in open(sys.argv[1])))' "$gold")
  python3 "$scorer" score "$gold" "$tmp/$s.pred.jsonl" ${flags[@]+"${flags[@]}"}
  python3 -c 'import sys; t,a,b=map(float,sys.argv[1:]); print(f"tagged {int(t)} tokens in {b-a:.2f}s (process, incl. model load)")' "$tokens" "$start" "$end"
done
