#!/usr/bin/env python3
"""Scores `byline clean` on every dump form with each page's fold model.

After `scripts/train-clean.py ... --cv-only --pipeline-cv DIR` has written
the fold models (DIR/fold-K.json) and DIR/fold-of.json (page id -> its
fold's model), this re-runs the whole cleaner on the dev pages with the
models fixed, so a change after the model (rules, structure repair) is
measured on pages the model never saw, in ~10 s, without retraining.

  scripts/score-folds.py --folds /tmp/folds /tmp/dumps/w3m /tmp/dumps/lynx \
      [--bin target/release/byline] [--worst md] [--save-outputs DIR]
"""

import argparse
import concurrent.futures
import json
import os
import statistics
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dumps", nargs="*", help="folders of other dumps of the dev pages (<id>.txt)")
    ap.add_argument("--folds", required=True)
    ap.add_argument("--shared", default=os.environ.get("BYLINE_SHARED", "../shared"))
    ap.add_argument("--bin", default="target/release/byline")
    ap.add_argument("--worst", metavar="FORM", help="list this form's pages of lowest precision and recall")
    ap.add_argument("--save-outputs", metavar="DIR")
    args = ap.parse_args()
    sys.path.insert(0, os.path.join(args.shared, "tools"))
    import eval_extract as ev  # noqa: E402

    dev = os.path.join(args.shared, "corpus", "extraction-dev")
    truth = ev.load_truth(os.path.join(dev, "ground-truth.json"))
    with open(os.path.join(args.folds, "fold-of.json")) as fh:
        model_of = json.load(fh)
    forms = {"md": dev, **{os.path.basename(d.rstrip("/")): d for d in args.dumps}}
    runs = [(f, i) for f in forms for i in sorted(truth) if os.path.exists(os.path.join(forms[f], i + ".txt"))]

    def clean(run):
        f, i = run
        env = dict(os.environ, BYLINE_CLEAN_MODEL=model_of[i])
        out = subprocess.run([args.bin, "clean", os.path.join(forms[f], i + ".txt")], capture_output=True, text=True, env=env, timeout=60)
        return out.stdout if out.returncode == 0 else ""

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        outs = list(pool.map(clean, runs))
    per = {}
    for (f, i), out in zip(runs, outs):
        if args.save_outputs:
            os.makedirs(os.path.join(args.save_outputs, f), exist_ok=True)
            with open(os.path.join(args.save_outputs, f, i + ".txt"), "w") as fh:
                fh.write(out)
        tp, fp, fn = ev.match_counts(truth[i][0], out, 4)
        per.setdefault(f, []).append((ev.doc_precision(tp, fp, fn), ev.doc_recall(tp, fp, fn), i))
    f1s = []
    for f, rows in per.items():
        p, r = statistics.mean(x[0] for x in rows), statistics.mean(x[1] for x in rows)
        f1s.append(ev.harmonic(p, r))
        print(f"{f:8} F1 {f1s[-1]:.4f} P {p:.4f} R {r:.4f}")
    print(f"mean of the forms: {statistics.mean(f1s):.4f}")
    if args.worst:
        rows = per[args.worst]
        print("lowest recall:", " ".join(f"{i[:8]} {r:.2f}" for _, r, i in sorted(rows, key=lambda x: x[1])[:12]))
        print("lowest precision:", " ".join(f"{i[:8]} {p:.2f}" for p, _, i in sorted(rows)[:12]))


if __name__ == "__main__":
    main()
