#!/bin/sh
# Scores `byline clean` on the dev pages with the benchmark's scorer, for
# both input forms (the markdown dumps and the HTML pages), plus any other
# dump folders given (e.g. w3m/lynx dumps from scripts/make-dumps.sh), and
# times the CLI over the dev pages on one core (process start and file
# loading included: `cargo bench --bench clean` times the cleaner alone).
#   scripts/eval-clean.sh [DUMP_DIR...]
set -eu
shared=${BYLINE_SHARED:-../shared}
dev="$shared/corpus/extraction-dev"
score="python3 $shared/tools/eval_extract.py"
cargo build --release --quiet
bin=target/release/byline
for form in txt html; do
    printf '%-8s ' "$form"
    $score "$dev" --input "$form" --cmd "$bin clean {input}" --jobs 2 | tail -n 1
done
for dir in "$@"; do
    printf '%-8s ' "$(basename "$dir")"
    $score "$dir" --input txt --cmd "$bin clean {input}" --jobs 2 | tail -n 1
done
for form in txt html; do
    n=$(ls "$dev"/*."$form" | wc -l)
    start=$(date +%s.%N)
    for f in "$dev"/*."$form"; do "$bin" clean "$f" >/dev/null; done
    end=$(date +%s.%N)
    echo "$form: $n pages, CLI $(echo "$n / ($end - $start)" | bc -l | cut -c1-6) pages/s (one process per page)"
done
