#!/usr/bin/env bash
# Scores `byline ner` DATE and MONEY spans on the hand-annotated news set
# tests/fixtures/ner/news-date-money.gold.jsonl (83 paragraphs of Wikinews and
# Wikipedia "Current events", OntoNotes-style spans; see the README beside it)
# with the shared scorer (exact spans). The set is in the repository; the
# scorer is ${BYLINE_SHARED:-../shared}/tools/eval_ner.py.
#   scripts/eval-date-money.sh              # per-label P/R/F1, last line DATE+MONEY
#   scripts/eval-date-money.sh --errors 30  # extra scorer flags
# BYLINE_BIN=path uses a given binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${BYLINE_SHARED:-../shared}"
scorer="$shared/tools/eval_ner.py"
gold=tests/fixtures/ner/news-date-money.gold.jsonl
[ -f "$scorer" ] || { echo "eval-date-money: no $scorer (set BYLINE_SHARED)" >&2; exit 2; }
if [ -z "${BYLINE_BIN:-}" ]; then
  cargo build --release --quiet
  BYLINE_BIN=target/release/byline
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$BYLINE_BIN" ner "$gold" > "$tmp/pred.jsonl"
python3 "$scorer" score "$gold" "$tmp/pred.jsonl" --labels DATE,MONEY --core DATE,MONEY "$@"
