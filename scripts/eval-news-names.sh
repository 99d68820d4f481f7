#!/usr/bin/env bash
# Scores `byline ner` PER/ORG/LOC (and MISC) on the hand-annotated news
# paragraphs of tests/fixtures/ner/news-names.gold.jsonl (108 Wikinews and
# Wikipedia "Current events" paragraphs, CoNLL-style names; see the README
# there; never trained or tuned on: keep it so) with the shared scorer.
# The scorer is ${BYLINE_SHARED:-../shared}/tools/eval_ner.py.
#   scripts/eval-news-names.sh              # per-label P/R/F1, last line PER/ORG/LOC
#   scripts/eval-news-names.sh --errors 30  # extra scorer flags
# BYLINE_BIN=path uses a given binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${BYLINE_SHARED:-../shared}"
scorer="$shared/tools/eval_ner.py"
[ -f "$scorer" ] || { echo "eval-news-names: no $scorer (set BYLINE_SHARED)" >&2; exit 2; }
if [ -z "${BYLINE_BIN:-}" ]; then
  cargo build --release --quiet
  BYLINE_BIN=target/release/byline
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
gold=tests/fixtures/ner/news-names.gold.jsonl
"$BYLINE_BIN" ner "$gold" > "$tmp/pred.jsonl"
python3 "$scorer" score "$gold" "$tmp/pred.jsonl" --labels PER,ORG,LOC,MISC --core PER,ORG,LOC "$@"
