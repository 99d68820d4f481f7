#!/usr/bin/env bash
# One line per ner-dev set (F1 P R over PER/ORG/LOC, and F1 per label) for
# predictions written by `train_ner --predict`, named PREFIX.SET.pred.jsonl:
#   P() { for s in wikigold uner-en-ewt-test uner-en-ewt-dev wnut17-test; do
#     echo --predict "$dev/$s.gold.jsonl" "out/x.$s.pred.jsonl"; done; }
#   cargo run --release --example train_ner -- --out m.bin $(P)
#   scripts/score-ner.sh out/x
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: scripts/score-ner.sh PREFIX" >&2; exit 2; }
cd "$(dirname "$0")/.."
shared="${BYLINE_SHARED:-../shared}"
dev="$shared/corpus/ner-dev"
for s in wikigold uner-en-ewt-test uner-en-ewt-dev wnut17-test; do
  [ -f "$1.$s.pred.jsonl" ] || continue
  python3 "$shared/tools/eval_ner.py" score "$dev/$s.gold.jsonl" "$1.$s.pred.jsonl" |
    awk -v s="$s" '$1=="PER"||$1=="ORG"||$1=="LOC"{l=l" "$1" "$7} $1=="F1"{f=$0} END{print s": "f" |"l}'
done
