#!/usr/bin/env bash
# Scores `byline ner` DATE and MONEY spans on the hand-annotated news sets in
# tests/fixtures/ner/ (Wikinews and Wikipedia "Current events" paragraphs,
# OntoNotes-style spans; see the README there) with the shared scorer (exact
# spans): news-date-money.gold.jsonl (83 paragraphs, the rules were tuned on
# it) and news-date-money.heldout.gold.jsonl (25 paragraphs annotated before
# the tuned rules ever ran on them; keep it unseen: do not tune on it).
# The scorer is ${BYLINE_SHARED:-../shared}/tools/eval_ner.py.
#   scripts/eval-date-money.sh              # per-label P/R/F1, last line DATE+MONEY
#   scripts/eval-date-money.sh --errors 30  # extra scorer flags
# BYLINE_BIN=path uses a given binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${BYLINE_SHARED:-../shared}"
scorer="$shared/tools/eval_ner.py"
[ -f "$scorer" ] || { echo "eval-date-money: no $scorer (set BYLINE_SHARED)" >&2; exit 2; }
if [ -z "${BYLINE_BIN:-}" ]; then
  cargo build --release --quiet
  BYLINE_BIN=target/release/byline
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for set in gold heldout.gold; do
  gold=tests/fixtures/ner/news-date-money.$set.jsonl
  echo "== $gold"
  "$BYLINE_BIN" ner "$gold" > "$tmp/pred.jsonl"
  python3 "$scorer" score "$gold" "$tmp/pred.jsonl" --labels DATE,MONEY --core DATE,MONEY "$@"
done
