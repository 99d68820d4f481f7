#!/bin/sh
# Renders the dev HTML pages as plain-text dumps of other scrapers' styles
# (w3m and lynx `-dump`, wrapped at 80 columns and unwrapped; html2text
# markdown wrapped at 78), for training
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
# html2text with its defaults: markdown like the dev .txt, but wrapped at 78
# columns (the dev dumps were made unwrapped). Needs `pip install html2text`.
if python3 -c 'import html2text' 2>/dev/null; then
    mkdir -p "$out/h2tw"
    ln -sf "$gt" "$out/h2tw/ground-truth.json"
    python3 - "$dev" "$out/h2tw" <<'PY'
import glob, os, sys
import html2text
dev, out = sys.argv[1], sys.argv[2]
for f in sorted(glob.glob(os.path.join(dev, "*.html"))):
    raw = open(f, "rb").read()
    for enc in ("utf-8", "cp1252", "latin-1"):
        try:
            page = raw.decode(enc)
            break
        except UnicodeDecodeError:
            pass
    try:
        text = html2text.HTML2Text().handle(page)
    except Exception:
        text = ""
    with open(os.path.join(out, os.path.basename(f)[:-5] + ".txt"), "w") as fh:
        fh.write(text)
PY
fi
echo "dumps in $out: w3m lynx (80 columns), w3mw lynxw (unwrapped, lynx without the link list), h2tw (html2text markdown wrapped at 78, if installed)"
