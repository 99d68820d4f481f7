#!/usr/bin/env python3
"""Train the cleaner's HTML line model (assets/clean-model-html.json).

The blocks of the dev HTML pages come from byline's own DOM scorer
(`byline clean --features PAGE.html`: each row has the shared line
features and the DOM evidence). Labels, folds and scoring as in
scripts/train-clean.py (whose helpers this imports): a block is article when
half of the 4-word shingles that touch it are in the truth; folds grouped
by site, so the cross-validated F1 is the honest held-out estimate.

  scripts/train-clean-html.py --shared ../shared --bin target/release/byline \
      --out assets/clean-model-html.json
"""

import argparse
import concurrent.futures
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from urllib.parse import urlparse

import lightgbm as lgb
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("train_clean", os.path.join(HERE, "train-clean.py"))
tc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tc)


def names_in(path, const):
    src = open(os.path.join(HERE, "..", path)).read()
    block = src.split(f"pub(crate) const {const}")[1].split("];")[0]
    return re.findall(r'"(\w+)"', block)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.environ.get("BYLINE_SHARED", "../shared"))
    ap.add_argument("--bin", default="target/release/byline")
    ap.add_argument("--out", default="assets/clean-model-html.json")
    ap.add_argument("--trees", type=int, default=120)
    ap.add_argument("--leaves", type=int, default=15)
    ap.add_argument("--lr", type=float, default=0.08)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-dom", action="store_true", help="line features only (the baseline the DOM evidence is measured against)")
    ap.add_argument("--cache", help="keep the feature rows in this JSON file (delete it when features change)")
    ap.add_argument("--dump-errors", help="write the CV errors to this file")
    ap.add_argument("--cv-only", action="store_true", help="cross-validate and stop (no model written)")
    ap.add_argument("--pipeline-cv", metavar="DIR", help="also score the real cleaner on each fold's pages with that fold's model "
                    "(written to DIR, given to the binary through BYLINE_CLEAN_HTML_MODEL)")
    args = ap.parse_args()
    t0 = time.time()

    ev = tc.load_eval(args.shared)
    tc.TOKEN_RE = ev.TOKEN_RE
    dev = os.path.join(args.shared, "corpus", "extraction-dev")
    truth = ev.load_truth(os.path.join(dev, "ground-truth.json"))
    ids = sorted(i for i in truth if os.path.exists(os.path.join(dev, i + ".html")))
    site = {i: urlparse(truth[i][1]).netloc.lower().removeprefix("www.") or i for i in ids}
    cache = {}
    if args.cache and os.path.exists(args.cache):
        cache = json.load(open(args.cache))
    todo = [i for i in ids if i not in cache]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for i, rows in zip(todo, pool.map(lambda i: tc.feature_rows(args.bin, os.path.join(dev, i + ".html")), todo)):
            cache[i] = rows
    if args.cache and todo:
        json.dump(cache, open(args.cache, "w"))
    line_names = names_in("src/core/clean/features.rs", "NAMES")
    dom_names = names_in("src/core/clean/html.rs", "NAMES")
    names = line_names + ([] if args.no_dom else dom_names)

    def vec(r):
        return r["features"] + ([] if args.no_dom else r.get("dom", [0.0] * len(dom_names)))

    docs = []
    for i in ids:
        rows = cache[i]
        docs.append((i, rows, tc.label_units(rows, set(ev.shingles(truth[i][0], 4)))))
    print(f"{time.time() - t0:.0f}s: {len(docs)} pages, {sum(len(d[1]) for d in docs)} blocks", file=sys.stderr)

    def judged(r):
        return not r.get("rule") and not r["caption"]

    def matrix(sel):
        X, y, w = [], [], []
        for _, rows, labels in sel:
            for r, lab in zip(rows, labels):
                if judged(r):
                    X.append(vec(r))
                    y.append(lab)
                    w.append(min(60, max(1, len(tc.tokens(r["text"])))) ** 0.5)
        return np.array(X, dtype=np.float32), np.array(y), np.array(w)

    params = dict(objective="binary", num_leaves=args.leaves, learning_rate=args.lr, min_child_samples=20, feature_fraction=0.8,
                  bagging_fraction=0.8, bagging_freq=1, lambda_l2=1.0, verbose=-1, num_threads=2, seed=7)

    # What clean() does after the model, so that CV scores what ships: a
    # short block whose first boilerplate phrase is a "caption" one is kept
    # apart as a caption; a short subheading between kept text and a run
    # of list items after kept text come back (`restore_structure`).
    phrases = []
    for line in open(os.path.join(HERE, "..", "assets", "boilerplate.txt")):
        if line.startswith("#") or "\t" not in line:
            continue
        reason, phrase = line.split("\t", 1)
        if phrase.strip():
            phrases.append((reason.strip(), phrase.strip().lower()))
    whole = [(r, p[1:]) for r, p in phrases if p.startswith("=")]
    inside = [(r, p) for r, p in phrases if not p.startswith("=")]
    fi = {n: k for k, n in enumerate(line_names)}

    def strong_caption(text):
        if len(text) > 250:
            return False
        low = text.lower()
        bare = low.strip("".join(c for c in set(low) if not c.isalnum()))
        for r, p in whole:
            if p == bare:
                return r == "caption"
        for r, p in inside:
            if p in low:
                return r == "caption"
        return False

    def output(rows, probs, thr):
        n = len(rows)
        kind, verdict = [], []
        for r, p in zip(rows, probs):
            f = r["features"]
            cap = r["caption"] or (judged(r) and strong_caption(r["text"]))
            kind.append("caption" if cap else "heading" if f[fi["heading"]] > 0 else "list" if f[fi["list"]] > 0 else "para")
            verdict.append("rule" if r.get("rule") else "keep" if cap or p >= thr else "model")
        kept_text = lambda j: verdict[j] == "keep" and kind[j] == "para"
        for k in range(1, n - 1):
            if kind[k] == "heading" and verdict[k] == "model" and len(rows[k]["text"].split()) <= 12:
                if verdict[k - 1] == "keep" and kind[k - 1] in ("para", "list") and kept_text(k + 1):
                    verdict[k] = "keep"
        a = 0
        while a < n:
            if kind[a] != "list":
                a += 1
                continue
            b = next((j for j in range(a, n) if kind[j] != "list"), n)
            kept = sum(verdict[j] == "keep" for j in range(a, b))
            if a > 0 and kept_text(a - 1) and kept * 2 >= b - a:
                for j in range(a, b):
                    if verdict[j] == "model":
                        verdict[j] = "keep"
            a = b
        keep = [r["text"] for r, v, kd in zip(rows, verdict, kind) if v == "keep" and kd != "caption"]
        if not keep:
            cand = [(p, r["text"]) for r, p, v in zip(rows, probs, verdict) if v == "model"]
            if cand:
                best = max(c[0] for c in cand)
                keep = [t for p, t in cand if p >= best * 0.5 and best > 0]
        return "\n\n".join(keep)

    def score(pairs):
        res = []
        for body, pred in pairs:
            tp, fp, fn = ev.match_counts(body, pred, 4)
            p, r = ev.doc_precision(tp, fp, fn), ev.doc_recall(tp, fp, fn)
            res.append({"tp": tp, "fp": fp, "fn": fn, "p": p, "r": r, "f1": ev.harmonic(p, r), "exact": fp == 0 and fn == 0})
        m = ev.aggregate(res)["macro"]
        return m["f1"], m["precision"], m["recall"]

    sites = sorted(set(site.values()))
    rng = np.random.RandomState(1)
    rng.shuffle(sites)
    fold_of = {s: k % args.folds for k, s in enumerate(sites)}
    preds = {}
    boosters = []
    for k in range(args.folds):
        train = [d for d in docs if fold_of[site[d[0]]] != k]
        test = [d for d in docs if fold_of[site[d[0]]] == k]
        X, y, w = matrix(train)
        booster = lgb.train(params, lgb.Dataset(X, y, weight=w), num_boost_round=args.trees)
        boosters.append((booster, [d[0] for d in test]))
        for i, rows, _ in test:
            preds[i] = (rows, booster.predict(np.array([vec(r) for r in rows], dtype=np.float32)) if rows else [])
    thresholds = [0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7]
    by_thr = {}
    for thr in thresholds:
        by_thr[thr] = score([(truth[i][0], output(*preds[i], thr)) for i in preds])
        print(f"thr {thr}: CV F1 {by_thr[thr][0]:.4f} P {by_thr[thr][1]:.4f} R {by_thr[thr][2]:.4f}", file=sys.stderr)
    thr = max(thresholds, key=lambda t: by_thr[t][0])
    print(f"chosen threshold {thr}: grouped-by-site CV F1 {by_thr[thr][0]:.4f}", file=sys.stderr)
    if args.dump_errors:
        per_page = []
        for i in preds:
            tp, fp, fn = ev.match_counts(truth[i][0], output(*preds[i], thr), 4)
            p, r = ev.doc_precision(tp, fp, fn), ev.doc_recall(tp, fp, fn)
            per_page.append((ev.harmonic(p, r), p, r, i))
        for f1, p, r, i in sorted(per_page)[:15]:
            print(f"  worst: {i[:8]} {site[i]} F1 {f1:.3f} P {p:.3f} R {r:.3f}", file=sys.stderr)
        labels_of = {d[0]: d[2] for d in docs}
        with open(args.dump_errors, "w") as fh:
            for i, (rows, probs) in preds.items():
                for r, p, lab in zip(rows, probs, labels_of[i]):
                    if judged(r) and not strong_caption(r["text"]) and (p >= thr) != bool(lab):
                        fh.write(f"{i[:8]}\t{'FP' if lab == 0 else 'FN'}\t{p:.2f}\t{len(tc.tokens(r['text']))}\t{r['text'][:160]}\n")

    if args.pipeline_cv:
        os.makedirs(args.pipeline_cv, exist_ok=True)
        runs = []
        for k, (booster, test_ids) in enumerate(boosters):
            path = os.path.join(args.pipeline_cv, f"html-fold-{k}.json")
            tc.write_model(booster, names, path, thr, thr)
            runs += [(path, i) for i in test_ids]

        def clean(run):
            env = dict(os.environ, BYLINE_CLEAN_HTML_MODEL=run[0])
            out = subprocess.run([args.bin, "clean", os.path.join(dev, run[1] + ".html")], capture_output=True, text=True, timeout=60, env=env)
            return out.stdout if out.returncode == 0 else ""

        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            outs = list(pool.map(clean, runs))
        f1, p, r = score([(truth[i][0], o) for (_, i), o in zip(runs, outs)])
        print(f"pipeline CV (byline clean, each fold's model, threshold {thr}): HTML F1 {f1:.4f} P {p:.4f} R {r:.4f}", file=sys.stderr)
    if args.cv_only:
        return
    X, y, w = matrix(docs)
    booster = lgb.train(params, lgb.Dataset(X, y, weight=w), num_boost_round=args.trees)
    trees = tc.write_model(booster, names, args.out, thr, thr)
    print(f"wrote {args.out}: {len(trees)} trees, {os.path.getsize(args.out)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
