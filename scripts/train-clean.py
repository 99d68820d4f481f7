#!/usr/bin/env python3
"""Train the cleaner's line model (assets/clean-model.json).

Features come from the Rust code itself (`byline clean --features FILE`), so
training and inference agree. Labels come free from the ground truth: a
unit is article text when at least half of the 4-word shingles that touch
its words occur in the article body.

Input forms: the dev pages' markdown dumps (<id>.txt), their HTML (<id>.html,
through the same extraction as `byline clean`), and any folders of other
dumps of the same pages given with --dumps (w3m/lynx `-dump` output, named
<id>.txt; make them with scripts/make-dumps.sh, never commit them).

Cross-validation folds are grouped by site, and the model is scored the way
the benchmark scores (macro shingle F1 per input form) to choose the
threshold. Needs numpy and lightgbm (pip install numpy lightgbm).

  scripts/train-clean.py --shared ../shared --bin target/release/byline \
      --dumps /tmp/dumps/w3m /tmp/dumps/lynx --out assets/clean-model.json
"""

import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import time

T0 = time.time()
from urllib.parse import urlparse

import lightgbm as lgb
import numpy as np


def tokens(text):
    return TOKEN_RE.findall(text or "")


def load_eval(shared):
    sys.path.insert(0, os.path.join(shared, "tools"))
    import eval_extract  # noqa: E402

    return eval_extract


def feature_rows(binary, path):
    out = subprocess.run([binary, "clean", "--features", path], capture_output=True, text=True, timeout=60)
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def label_units(rows, body_shingles):
    """Label each unit by the shingles that touch its tokens."""
    toks, owner = [], []
    for i, r in enumerate(rows):
        t = tokens(r["text"])
        toks.extend(t)
        owner.extend([i] * len(t))
    hit = [[0, 0] for _ in rows]
    for j in range(max(0, len(toks) - 3)):
        sh = tuple(toks[j:j + 4])
        ok = sh in body_shingles
        for i in set(owner[j:j + 4]):
            hit[i][0] += ok
            hit[i][1] += 1
    labels = []
    for i, r in enumerate(rows):
        h, n = hit[i]
        labels.append(1 if n and h * 2 >= n else 0)
    return labels


def tree_arrays(t):
    """One LightGBM tree (of `dump_model()["tree_info"]`) as the flat arrays model.rs reads."""
    f, th, left, right, vals = [], [], [], [], []

    def walk(node):
        if "split_index" not in node:
            vals.append(node.get("leaf_value", 0.0))
            return -len(vals)
        i = len(f)
        f.append(node["split_feature"])
        th.append(node["threshold"])
        left.append(0)
        right.append(0)
        assert node["decision_type"] == "<="
        left[i] = walk(node["left_child"])
        right[i] = walk(node["right_child"])
        return i

    root = t["tree_structure"]
    if "split_index" not in root:
        vals.append(root.get("leaf_value", 0.0))
    else:
        walk(root)
    return {"f": f, "t": [float(x) for x in th], "l": left, "r": right, "v": [float(f"{x:.6g}") for x in vals]}


def write_model(booster, names, path, threshold, html_threshold):
    """Writes a trained booster as the JSON that model.rs reads; returns its trees."""
    trees = [tree_arrays(t) for t in booster.dump_model()["tree_info"]]
    with open(path, "w") as fh:
        json.dump({"features": names, "threshold": threshold, "html_threshold": html_threshold, "trees": trees}, fh, separators=(",", ":"))
    return trees

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.environ.get("BYLINE_SHARED", "../shared"))
    ap.add_argument("--bin", default="target/release/byline")
    ap.add_argument("--dumps", nargs="*", default=[])
    ap.add_argument("--out", default="assets/clean-model.json")
    ap.add_argument("--trees", type=int, default=250)
    ap.add_argument("--leaves", type=int, default=15)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--max-depth", type=int, default=-1, help="cap tree depth (inference walks every tree to its deepest leaf)")
    ap.add_argument("--min-child", type=int, default=20, help="LightGBM min_data_in_leaf")
    ap.add_argument("--feature-fraction", type=float, default=0.8)
    ap.add_argument("--bagging-fraction", type=float, default=0.8)
    ap.add_argument("--drop", nargs="*", default=[], help="feature names to leave out (set to 0), for ablations")
    ap.add_argument("--cv-only", action="store_true", help="cross-validate and stop (no model written)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--threshold", type=float, help="ship this dump threshold instead of the CV's best")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-cv", action="store_true")
    ap.add_argument("--cache", help="keep the feature rows in this JSON file (delete it when features change)")
    ap.add_argument("--save-preds", help="pickle the cross-validated predictions here, for analysis")
    ap.add_argument("--dump-errors", help="write the CV errors (per form, doc, unit) to this file")
    ap.add_argument("--pipeline-cv", metavar="DIR", help="also score the real cleaner with each fold's model (written to DIR, "
                    "given to the binary through BYLINE_CLEAN_MODEL): rules, structure repair and fallbacks included")
    args = ap.parse_args()

    ev = load_eval(args.shared)
    global TOKEN_RE
    TOKEN_RE = ev.TOKEN_RE
    dev = os.path.join(args.shared, "corpus", "extraction-dev")
    truth = ev.load_truth(os.path.join(dev, "ground-truth.json"))
    ids = sorted(truth)
    site = {i: urlparse(truth[i][1]).netloc.lower().removeprefix("www.") or i for i in ids}
    forms = [("md", dev, ".txt"), ("html", dev, ".html")] + [(os.path.basename(d.rstrip("/")), d, ".txt") for d in args.dumps]

    jobs = [(f, i, os.path.join(d, i + ext)) for f, d, ext in forms for i in ids if os.path.exists(os.path.join(d, i + ext))]
    cache = {}
    if args.cache and os.path.exists(args.cache):
        with open(args.cache) as fh:
            cache = json.load(fh)
    todo = [j for j in jobs if j[2] not in cache]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for j, rows in zip(todo, pool.map(lambda j: feature_rows(args.bin, j[2]), todo)):
            cache[j[2]] = rows
    if args.cache and todo:
        with open(args.cache, "w") as fh:
            json.dump(cache, fh)
    results = [cache[j[2]] for j in jobs]

    docs = []  # (form, id, rows, labels)
    body_sh = {i: set(ev.shingles(truth[i][0], 4)) for i in ids}
    for (form, i, _), rows in zip(jobs, results):
        docs.append((form, i, rows, label_units(rows, body_sh[i])))
    print(f"{time.time() - T0:.0f}s: {len(docs)} documents, {sum(len(d[2]) for d in docs)} units", file=sys.stderr)

    names = feature_names()
    drop = [names.index(d) for d in args.drop]
    for _, _, rows, _ in docs:
        for r in rows:
            for j in drop:
                r["features"][j] = 0.0

    def matrix(sel):
        X, y, w = [], [], []
        for form, i, rows, labels in sel:
            for r, lab in zip(rows, labels):
                if r.get("rule") or r["caption"]:
                    continue
                X.append(r["features"])
                y.append(lab)
                w.append(min(60, max(1, len(tokens(r["text"])))) ** 0.5)
        return np.array(X, dtype=np.float32), np.array(y), np.array(w)

    params = dict(objective="binary", num_leaves=args.leaves, max_depth=args.max_depth, learning_rate=args.lr, min_child_samples=args.min_child,
                  feature_fraction=args.feature_fraction, bagging_fraction=args.bagging_fraction, bagging_freq=1, lambda_l2=1.0, verbose=-1, num_threads=args.threads, seed=7)

    def output(rows, probs, thr):
        keep = [r["text"] for r, p in zip(rows, probs) if not r.get("rule") and not r["caption"] and p >= thr]
        if not keep:
            cand = [(p, r["text"]) for r, p in zip(rows, probs) if not r.get("rule") and not r["caption"]]
            if cand:
                best = max(c[0] for c in cand)
                keep = [t for p, t in cand if p >= best * 0.5 and best > 0]
        return "\n\n".join(keep)

    def score(pairs):
        rows = []
        for body, pred in pairs:
            tp, fp, fn = ev.match_counts(body, pred, 4)
            p, r = ev.doc_precision(tp, fp, fn), ev.doc_recall(tp, fp, fn)
            rows.append({"tp": tp, "fp": fp, "fn": fn, "p": p, "r": r, "f1": ev.harmonic(p, r), "exact": fp == 0 and fn == 0})
        m = ev.aggregate(rows)["macro"]
        return m["f1"], m["precision"], m["recall"]

    thresholds = [0.02, 0.05, 0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]
    best_thr, html_thr = 0.5, 0.1
    if not args.no_cv:
        sites = sorted(set(site.values()))
        rng = np.random.RandomState(1)
        rng.shuffle(sites)
        fold_of = {s: k % args.folds for k, s in enumerate(sites)}
        preds = {}
        fold_models = []
        for k in range(args.folds):
            train = [d for d in docs if fold_of[site[d[1]]] != k]
            test = [d for d in docs if fold_of[site[d[1]]] == k]
            X, y, w = matrix(train)
            booster = lgb.train(params, lgb.Dataset(X, y, weight=w), num_boost_round=args.trees)
            if args.pipeline_cv:
                os.makedirs(args.pipeline_cv, exist_ok=True)
                fold_model = os.path.join(args.pipeline_cv, f"fold-{k}.json")
                write_model(booster, names, fold_model, args.threshold if args.threshold is not None else 0.4, 0.1)
                fold_models.append((fold_model, test))
                with open(os.path.join(args.pipeline_cv, "fold-of.json"), "w") as fh:
                    json.dump({i: os.path.join(args.pipeline_cv, f"fold-{fold_of[site[i]]}.json") for i in ids}, fh, indent=0)
            allx = np.array([r["features"] for d in test for r in d[2]], dtype=np.float32)
            allp = booster.predict(allx) if len(allx) else []
            at = 0
            for form, i, rows, _ in test:
                preds[(form, i)] = (rows, allp[at:at + len(rows)])
                at += len(rows)
            print(f"fold {k} done {time.time() - T0:.0f}s", file=sys.stderr)
        if args.save_preds:
            import pickle
            with open(args.save_preds, "wb") as fh:
                pickle.dump({"preds": preds, "labels": {(d[0], d[1]): d[3] for d in docs}}, fh)
        by_thr = {}
        for thr in thresholds:
            res = {}
            for form, _, _ in forms:
                pairs = [(truth[i][0], output(*preds[(f, i)], thr)) for (f, i) in preds if f == form]
                res[form] = score(pairs)
            by_thr[thr] = res
            print(f"thr {thr}: " + "  ".join(f"{f} F1 {v[0]:.3f} P {v[1]:.3f} R {v[2]:.3f}" for f, v in res.items()), file=sys.stderr)
        # Choose on the dumps (text forms), the held-out measure that needs it most.
        best_thr = max(thresholds, key=lambda t: np.mean([v[0] for f, v in by_thr[t].items() if f != "html"]))
        html_thr = max(thresholds, key=lambda t: by_thr[t]["html"][0])
        if args.threshold is not None:
            best_thr = args.threshold
        print(f"chosen thresholds: dumps {best_thr}, html {html_thr}", file=sys.stderr)
        if args.pipeline_cv:
            path_of = {(f, i): p for f, i, p in jobs}
            runs = [(m, f, i) for m, test in fold_models for f, i, _, _ in test if f != "html"]

            def clean(run):
                m, f, i = run
                env = dict(os.environ, BYLINE_CLEAN_MODEL=m)
                out = subprocess.run([args.bin, "clean", path_of[(f, i)]], capture_output=True, text=True, timeout=60, env=env)
                return out.stdout if out.returncode == 0 else ""

            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                outs = list(pool.map(clean, runs))
            res = {}
            for form, _, _ in forms:
                pairs = [(truth[i][0], o) for (_, f, i), o in zip(runs, outs) if f == form]
                if pairs:
                    res[form] = score(pairs)
            print("pipeline CV (byline clean, each fold's model): " + "  ".join(f"{f} F1 {v[0]:.3f} P {v[1]:.3f} R {v[2]:.3f}" for f, v in res.items()),
                  file=sys.stderr)
            print(f"pipeline CV mean of the dump forms: {np.mean([v[0] for v in res.values()]):.4f}", file=sys.stderr)
        if args.dump_errors:
            labels_of = {(d[0], d[1]): d[3] for d in docs}
            with open(args.dump_errors, "w") as fh:
                for (form, i), (rows, probs) in preds.items():
                    for r, p, lab in zip(rows, probs, labels_of[(form, i)]):
                        if r.get("rule") or r["caption"]:
                            if lab:
                                fh.write(f"{form}\t{i[:8]}\tRULE-{r.get('rule') or 'caption'}\t1\t{len(tokens(r['text']))}\t{r['text'][:160]}\n")
                            continue
                        if (p >= best_thr) != bool(lab):
                            kind = "FP" if lab == 0 else "FN"
                            fh.write(f"{form}\t{i[:8]}\t{kind}\t{p:.2f}\t{len(tokens(r['text']))}\t{r['text'][:160]}\n")

    if args.cv_only:
        return
    X, y, w = matrix(docs)
    booster = lgb.train(params, lgb.Dataset(X, y, weight=w), num_boost_round=args.trees)
    assert len(names) == X.shape[1], "features.rs NAMES and the --features rows disagree"
    trees = write_model(booster, names, args.out, best_thr, html_thr)
    def depth(t, i=0):
        return 0 if i < 0 or not t["f"] else 1 + max(depth(t, t["l"][i]), depth(t, t["r"][i]))

    walk = sum(depth(t) for t in trees)
    print(f"wrote {args.out}: {len(trees)} trees, {os.path.getsize(args.out)} bytes, sum of tree depths {walk}", file=sys.stderr)


def feature_names():
    """The names in src/core/clean/features.rs, in order."""
    src = open(os.path.join(os.path.dirname(__file__), "..", "src", "core", "clean", "features.rs")).read()
    block = src.split("pub(crate) const NAMES")[1].split("];")[0]
    return re.findall(r'"(\w+)"', block)


if __name__ == "__main__":
    main()
