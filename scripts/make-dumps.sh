#!/bin/sh
# Renders the dev HTML pages as plain-text dumps of other scrapers' styles
# (w3m and lynx `-dump`, wrapped at 80 columns and unwrapped), for training
# and scoring the cleaner on more than one dump style. The output is
# corpus-derived: keep it out of the repository (default /tmp/dumps).
#   apt-get install -y w3m lynx
#   scripts/make-dumps.sh [OUT]
set -eu
shared=${BYLINE_SHARED:-../shared}
dev="$shared/corpus/extraction-dev"
out=${1:-/tmp/dumps}
mkdir -p "$out/w3m" "$out/lynx" "$out/w3mw" "$out/lynxw"
gt=$(cd "$dev" && pwd)/ground-truth.json
for d in w3m lynx w3mw lynxw; do ln -sf "$gt" "$out/$d/ground-truth.json"; done
for f in "$dev"/*.html; do
    id=$(basename "$f" .html)
    timeout 20 w3m -dump -T text/html -O UTF-8 -cols 80 "$f" >"$out/w3m/$id.txt" 2>/dev/null || true
    timeout 20 w3m -dump -T text/html -O UTF-8 -cols 300 "$f" >"$out/w3mw/$id.txt" 2>/dev/null || true
    timeout 20 lynx -dump -force_html -display_charset=utf-8 -width 80 "$f" >"$out/lynx/$id.txt" 2>/dev/null || true
    timeout 20 lynx -dump -force_html -nolist -display_charset=utf-8 -width 250 "$f" >"$out/lynxw/$id.txt" 2>/dev/null || true
done
echo "dumps in $out: w3m lynx (80 columns), w3mw lynxw (unwrapped, lynx without the link list)"
