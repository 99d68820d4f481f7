//! Trains byline's name tagger (`assets/ner/model.bin`): an averaged
//! structured perceptron over the features of `byline::core::entities::features`
//! (the very code the tagger runs), decoded with the tagger's Viterbi.
//!
//!   cargo run --release --example train_ner -- [--epochs 20] [--seeds 3] [--min-count 2]
//!       [--no-silver] [--out assets/ner/model.bin] [--prune 0.05]
//!       [--skip NAME]... [--exclude-texts F.jsonl]... [--predict IN.jsonl OUT.jsonl]...
//!
//!   cargo run --release --example train_ner -- --make-clusters assets/ner/clusters.txt
//!       [--cluster-depth 12] [--cluster-min-count 3]
//!
//! `--predict` tags a file with the new model, as `byline ner` would, to
//! measure it before it replaces the shipped one (score OUT with eval_ner.py).
//! `--clusters T.txt` trains (and predicts) with another word-class table
//! than the shipped `assets/ner/clusters.txt`; `--make-clusters` writes one
//! from the unlabeled text (see `make_clusters`) and trains nothing.
//!
//! `--exclude-texts F.jsonl` leaves out every training document that
//! contains one of F's texts (the news paragraphs of `tests/fixtures/ner`
//! come from the ner-silver articles).
//!
//! Reads every `*.jsonl` of `${BYLINE_SHARED:-../shared}/corpus/ner-train`
//! (gold) and `ner-silver` (model-labelled news). Never reads `ner-dev`.
//! Twitter @handles and #hashtags of the BTC set are not taught as names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use byline::core::entities::features::Doc;
use byline::core::entities::model::{allowed, viterbi, Model, LABELS};

struct Example {
    /// Feature ids of each token, flattened; `offsets[i]..offsets[i+1]`.
    feats: Vec<u32>,
    offsets: Vec<u32>,
    gold: Vec<u8>,
    /// From a set that never labels MISC: predicting MISC where it says O
    /// is not an error.
    no_misc: bool,
}

struct Args {
    shared: PathBuf,
    epochs: usize,
    min_count: u32,
    silver: bool,
    out: PathBuf,
    prune: f32,
    skip: Vec<String>,
    /// Texts (a JSONL file's "text"s) whose training documents are left out.
    exclude: Vec<String>,
    predict: Vec<(PathBuf, PathBuf)>,
    drop_misc: bool,
    silver_times: usize,
    seeds: usize,
    make_clusters: Option<PathBuf>,
    clusters: Option<PathBuf>,
    cluster_depth: usize,
    cluster_min_count: u32,
}

fn args() -> Args {
    let mut a = Args {
        shared: PathBuf::from(std::env::var("BYLINE_SHARED").unwrap_or_else(|_| "../shared".into())),
        epochs: 20,
        min_count: 2,
        silver: true,
        out: PathBuf::from("assets/ner/model.bin"),
        prune: 0.05,
        skip: Vec::new(),
        exclude: Vec::new(),
        predict: Vec::new(),
        drop_misc: false,
        silver_times: 1,
        seeds: 3,
        make_clusters: None,
        clusters: None,
        cluster_depth: 12,
        cluster_min_count: 3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        let mut val = || it.next().expect("a value after the flag");
        match x.as_str() {
            "--epochs" => a.epochs = val().parse().expect("a number"),
            "--min-count" => a.min_count = val().parse().expect("a number"),
            "--prune" => a.prune = val().parse().expect("a number"),
            "--out" => a.out = PathBuf::from(val()),
            "--no-silver" => a.silver = false,
            "--drop-misc" => a.drop_misc = true,
            "--seeds" => a.seeds = val().parse().expect("a number"),
            "--silver-times" => a.silver_times = val().parse().expect("a number"),
            "--skip" => a.skip.push(val()),
            "--exclude-texts" => {
                let f = val();
                let body = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{f}: {e}"));
                for line in body.lines().filter(|l| !l.trim().is_empty()) {
                    let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
                    a.exclude.push(v["text"].as_str().expect("a text").to_string());
                }
            }
            "--clusters" => a.clusters = Some(PathBuf::from(val())),
            "--make-clusters" => a.make_clusters = Some(PathBuf::from(val())),
            "--cluster-min-count" => a.cluster_min_count = val().parse().expect("a number"),
            "--cluster-depth" => a.cluster_depth = val().parse().expect("a number"),
            "--predict" => {
                let input = PathBuf::from(val());
                a.predict.push((input, PathBuf::from(val())));
            }
            _ => panic!("unknown argument {x}"),
        }
    }
    a
}

fn label_id(l: &str) -> Option<u8> {
    match l {
        "PER" => Some(1),
        "ORG" => Some(3),
        "LOC" => Some(5),
        "MISC" => Some(7),
        _ => None,
    }
}

/// Each record as (text, gold BIO labels of its tokens).
/// A record's text, its entities (start, end, B label id), and whether its
/// set leaves MISC unlabelled.
type Record = (String, Vec<(usize, usize, u8)>, bool);

/// Sets that annotate no MISC (UNER PUD, BTC) or almost none (SEC).
const NO_MISC: &[&str] = &["uner-en-pud", "btc", "sec-filings"];

fn read(path: &Path, out: &mut Vec<Record>) {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let is_btc = name.starts_with("btc");
    let no_misc = NO_MISC.iter().any(|s| name.starts_with(s));
    let data = std::fs::read_to_string(path).expect("read training file");
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON record");
        let text = v["text"].as_str().unwrap_or_default().to_string();
        let chars: Vec<char> = text.chars().collect();
        let mut ents = Vec::new();
        for e in v["entities"].as_array().into_iter().flatten() {
            let (s, t) = (e["start"].as_u64().unwrap_or(0) as usize, e["end"].as_u64().unwrap_or(0) as usize);
            let Some(l) = e["label"].as_str().and_then(label_id) else { continue };
            if is_btc && chars.get(s).is_some_and(|c| *c == '@' || *c == '#') {
                continue;
            }
            ents.push((s, t, l));
        }
        out.push((text, ents, no_misc));
    }
}

/// Averaged weights (features, transitions, start) after `epochs` passes.
type Weights = (Vec<[f32; LABELS]>, [[f32; LABELS]; LABELS], [f32; LABELS]);

/// One averaged-perceptron run; `seed` sets the order of the examples.
fn train(examples: &[Example], nf: usize, epochs: usize, seed: u64, t0: Instant) -> Weights {
    // Averaged perceptron: w, and u = sum of c * update, averaged = w - u / c.
    let mut w = vec![[0f32; LABELS]; nf];
    let mut u = vec![[0f32; LABELS]; nf];
    let mut tw = [[0f32; LABELS]; LABELS];
    let mut tu = [[0f32; LABELS]; LABELS];
    let mut sw = [0f32; LABELS];
    let mut su = [0f32; LABELS];
    let mut c = 1f32;
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = 0x2545F4914F6CDD1Du64 ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for epoch in 0..epochs {
        // Fisher-Yates with xorshift: the same order on every run.
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        let mut errors = 0usize;
        for &k in &order {
            let ex = &examples[k];
            let n = ex.gold.len();
            if n == 0 {
                continue;
            }
            let mut scores = vec![[0f32; LABELS]; n];
            for (i, s) in scores.iter_mut().enumerate() {
                for &f in &ex.feats[ex.offsets[i] as usize..ex.offsets[i + 1] as usize] {
                    let row = &w[f as usize];
                    for y in 0..LABELS {
                        s[y] += row[y];
                    }
                }
            }
            let pred = viterbi(&scores, &tw, &sw);
            for i in 0..n {
                let (g, p) = (ex.gold[i] as usize, pred[i]);
                if ex.no_misc && g == 0 && p >= 7 {
                    continue;
                }
                if g != p {
                    errors += 1;
                    for &f in &ex.feats[ex.offsets[i] as usize..ex.offsets[i + 1] as usize] {
                        w[f as usize][g] += 1.0;
                        w[f as usize][p] -= 1.0;
                        u[f as usize][g] += c;
                        u[f as usize][p] -= c;
                    }
                }
                let (gp, pp) = if i == 0 { (None, None) } else { (Some(ex.gold[i - 1] as usize), Some(pred[i - 1])) };
                if (gp, g) != (pp, p) {
                    match gp {
                        Some(x) if allowed(Some(x), g) => {
                            tw[x][g] += 1.0;
                            tu[x][g] += c;
                        }
                        None => {
                            sw[g] += 1.0;
                            su[g] += c;
                        }
                        _ => {}
                    }
                    match pp {
                        Some(x) => {
                            tw[x][p] -= 1.0;
                            tu[x][p] -= c;
                        }
                        None => {
                            sw[p] -= 1.0;
                            su[p] -= c;
                        }
                    }
                }
            }
            c += 1.0;
        }
        eprintln!("seed {seed} epoch {}: {} token errors ({:.1?})", epoch + 1, errors, t0.elapsed());
    }
    let rows: Vec<[f32; LABELS]> = (0..nf).map(|f| std::array::from_fn(|y| w[f][y] - u[f][y] / c)).collect();
    let trans = std::array::from_fn(|x| std::array::from_fn(|y| tw[x][y] - tu[x][y] / c));
    let start = std::array::from_fn(|x| sw[x] - su[x] / c);
    (rows, trans, start)
}

fn main() {
    let a = args();
    if let Some(out) = &a.make_clusters {
        make_clusters(&a.shared, out, a.cluster_min_count, a.cluster_depth);
        return;
    }
    if let Some(path) = &a.clusters {
        let table = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(byline::core::entities::clusters::use_table(Box::leak(table.into_boxed_str())));
    }
    let t0 = Instant::now();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut dirs = vec![a.shared.join("corpus/ner-train")];
    if a.silver {
        dirs.push(a.shared.join("corpus/ner-silver"));
    }
    for d in &dirs {
        let mut fs: Vec<PathBuf> = std::fs::read_dir(d)
            .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .filter(|p| !a.skip.iter().any(|s| p.to_string_lossy().contains(s.as_str())))
            .collect();
        fs.sort();
        files.extend(fs);
    }
    let mut records = Vec::new();
    for f in &files {
        let before = records.len();
        read(f, &mut records);
        if !a.exclude.is_empty() {
            let n = records.len();
            let mut kept = records.split_off(before);
            kept.retain(|r| !a.exclude.iter().any(|x| r.0.contains(x.as_str())));
            records.extend(kept);
            eprintln!("{}: {} records left out (--exclude-texts)", f.display(), n - records.len());
        }
        if f.to_string_lossy().contains("silver") {
            for _ in 1..a.silver_times {
                records.extend_from_within(before..);
            }
        }
        if a.drop_misc {
            for r in &mut records[before..] {
                r.1.retain(|e| e.2 != 7);
                r.2 = true;
            }
        }
        eprintln!("{}: {} records", f.display(), records.len() - before);
    }
    // Features of every token, and gold labels aligned to tokens.
    let mut raw: Vec<(Vec<Vec<u32>>, Vec<u8>, bool)> = Vec::with_capacity(records.len());
    let mut counts: HashMap<u32, u32> = HashMap::new();
    let (mut misaligned, mut tokens) = (0usize, 0usize);
    for (text, ents, no_misc) in &records {
        let doc = Doc::new(text);
        let mut gold = vec![0u8; doc.len()];
        for &(s, t, l) in ents {
            let inside: Vec<usize> = (0..doc.len()).filter(|&i| doc.toks[i].start >= s && doc.toks[i].end <= t).collect();
            let clean = !inside.is_empty()
                && doc.toks[inside[0]].start == s
                && doc.toks[*inside.last().unwrap()].end == t
                && inside.iter().all(|&i| gold[i] == 0);
            if !clean {
                misaligned += 1;
                continue;
            }
            gold[inside[0]] = l;
            for &i in &inside[1..] {
                gold[i] = l + 1;
            }
        }
        let mut feats = Vec::with_capacity(doc.len());
        for i in 0..doc.len() {
            let mut f = Vec::with_capacity(48);
            doc.features(i, &mut f);
            for &h in &f {
                *counts.entry(h).or_default() += 1;
            }
            feats.push(f);
        }
        tokens += doc.len();
        raw.push((feats, gold, *no_misc));
    }
    eprintln!("{tokens} tokens, {misaligned} entities not on token boundaries, {} distinct features ({:.1?})", counts.len(), t0.elapsed());
    // Dense ids for features seen often enough.
    let mut ids: HashMap<u32, u32> = HashMap::new();
    let mut hashes: Vec<u32> = Vec::new();
    for (&h, &c) in &counts {
        if c >= a.min_count {
            ids.insert(h, hashes.len() as u32);
            hashes.push(h);
        }
    }
    drop(counts);
    let examples: Vec<Example> = raw
        .into_iter()
        .map(|(feats, gold, no_misc)| {
            let mut flat = Vec::new();
            let mut offsets = vec![0u32];
            for f in feats {
                flat.extend(f.iter().filter_map(|h| ids.get(h).copied()));
                offsets.push(flat.len() as u32);
            }
            Example { feats: flat, offsets, gold, no_misc }
        })
        .collect();
    let nf = hashes.len();
    eprintln!("{nf} features kept (count >= {})", a.min_count);

    // Several runs in different orders, averaged: less variance.
    let mut sum = vec![[0f32; LABELS]; nf];
    let mut trans = [[0f32; LABELS]; LABELS];
    let mut start = [0f32; LABELS];
    for seed in 0..a.seeds as u64 {
        let (rows, t, s) = train(&examples, nf, a.epochs, seed, t0);
        for (acc, r) in sum.iter_mut().zip(&rows) {
            for y in 0..LABELS {
                acc[y] += r[y] / a.seeds as f32;
            }
        }
        for x in 0..LABELS {
            for y in 0..LABELS {
                trans[x][y] += t[x][y] / a.seeds as f32;
            }
            start[x] += s[x] / a.seeds as f32;
        }
    }
    // Prune the near-zero rows, write.
    let feats: Vec<(u32, [f32; LABELS])> =
        sum.into_iter().enumerate().filter(|(_, row)| row.iter().any(|v| v.abs() >= a.prune)).map(|(f, row)| (hashes[f], row)).collect();
    let bytes = Model::write(&feats, &trans, &start);
    std::fs::write(&a.out, &bytes).expect("write the model");
    eprintln!("{}: {} features, {} bytes ({:.1?})", a.out.display(), feats.len(), bytes.len(), t0.elapsed());
    let model = Model::from_bytes(&bytes).expect("the model just written");
    for (input, output) in &a.predict {
        let mut out = String::new();
        for line in std::fs::read_to_string(input).expect("read --predict input").lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON record");
            let ents = byline::core::entities::mentions_with(Some(&model), v["text"].as_str().unwrap_or_default());
            out.push_str(&serde_json::json!({"id": v["id"], "entities": ents}).to_string());
            out.push('\n');
        }
        std::fs::write(output, out).expect("write --predict output");
    }
}

/// Every text the clusters learn from: the text (not the labels) of the
/// training sets and of the silver news, and the news headlines of
/// `corpus/titles` (lower case: they count for the classes, not for the
/// case evidence). Never `ner-dev`.
fn unlabeled(shared: &Path) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for d in ["corpus/ner-train", "corpus/ner-silver"] {
        let dir = shared.join(d);
        let mut fs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        fs.sort();
        for f in fs {
            for line in std::fs::read_to_string(&f).expect("read").lines().filter(|l| !l.trim().is_empty()) {
                let v: serde_json::Value = serde_json::from_str(line).expect("JSON record");
                out.push((v["text"].as_str().unwrap_or_default().to_string(), true));
            }
        }
    }
    let titles = shared.join("corpus/titles");
    let mut fs: Vec<PathBuf> = std::fs::read_dir(&titles)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "txt")).collect())
        .unwrap_or_default();
    fs.sort();
    for f in fs {
        for line in std::fs::read_to_string(&f).expect("read").lines().filter(|l| !l.trim().is_empty()) {
            out.push((line.to_string(), false));
        }
    }
    out
}

fn xlogx(x: f64) -> f64 {
    if x > 0.0 {
        x * x.ln()
    } else {
        0.0
    }
}

/// Word classes by divisive exchange clustering: each class of depth d is
/// split in two (words moved one at a time between the two halves while
/// the class-bigram likelihood of the text grows), down to `depth`; a
/// word's path is the sequence of halves it fell in. Writes
/// `word \t path \t case` for lower-cased words seen `min_count` times.
fn make_clusters(shared: &Path, out: &Path, min_count: u32, depth: usize) {
    use byline::core::entities::tokens::tokenize;
    let t0 = Instant::now();
    let texts = unlabeled(shared);
    let mut counts: HashMap<String, u32> = HashMap::new();
    // (lower-case, capitalised) uses after a sentence's first word.
    let mut case: HashMap<String, (u32, u32)> = HashMap::new();
    let mut seqs: Vec<Vec<String>> = Vec::with_capacity(texts.len());
    for (text, cased) in &texts {
        let toks = tokenize(text);
        let mut seq = Vec::with_capacity(toks.len());
        for t in &toks {
            let w = t.str(text);
            let l = w.to_lowercase();
            if *cased && !t.sent_start && !t.caps_line {
                let c = case.entry(l.clone()).or_default();
                if w.starts_with(|c: char| c.is_lowercase()) {
                    c.0 += 1;
                } else if w.starts_with(|c: char| c.is_uppercase()) {
                    c.1 += 1;
                }
            }
            *counts.entry(l.clone()).or_default() += 1;
            seq.push(l);
        }
        seqs.push(seq);
    }
    // Ids: 0 = text boundary, 1 = rare word, then the words by frequency.
    let mut vocab: Vec<(String, u32)> = counts.into_iter().filter(|&(_, c)| c >= min_count).collect();
    vocab.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let id: HashMap<&str, u32> = vocab.iter().enumerate().map(|(i, (w, _))| (w.as_str(), i as u32 + 2)).collect();
    let nw = vocab.len() + 2;
    let mut freq = vec![0u64; nw];
    let mut big: HashMap<(u32, u32), u32> = HashMap::new();
    for seq in &seqs {
        let mut prev = 0u32;
        for w in seq.iter().map(|w| id.get(w.as_str()).copied().unwrap_or(1)).chain(std::iter::once(0)) {
            *big.entry((prev, w)).or_default() += 1;
            freq[w as usize] += 1;
            prev = w;
        }
    }
    let mut succ: Vec<Vec<(u32, u32)>> = vec![Vec::new(); nw];
    let mut pred: Vec<Vec<(u32, u32)>> = vec![Vec::new(); nw];
    for (&(a, b), &c) in &big {
        succ[a as usize].push((b, c));
        pred[b as usize].push((a, c));
    }
    for v in succ.iter_mut().chain(pred.iter_mut()) {
        v.sort_unstable();
    }
    eprintln!("{} texts, {} words kept, {} bigram types ({:.1?})", texts.len(), vocab.len(), big.len(), t0.elapsed());
    drop(big);
    let order: Vec<usize> = (0..nw).collect(); // by frequency already (0, 1 first)
    let mut class = vec![0usize; nw];
    let mut path: Vec<String> = vec![String::new(); nw];
    for d in 1..=depth {
        let k = 1usize << d;
        let mut rank = vec![0usize; k / 2];
        for &w in &order {
            let p = class[w];
            class[w] = 2 * p + rank[p] % 2;
            rank[p] += 1;
        }
        let mut m = vec![0f64; k * k];
        let mut n = vec![0f64; k];
        for w in 0..nw {
            n[class[w]] += freq[w] as f64;
            for &(v, c) in &succ[w] {
                m[class[w] * k + class[v as usize]] += c as f64;
            }
        }
        let mut s = vec![0f64; k];
        let mut p = vec![0f64; k];
        let mut touched: Vec<usize> = Vec::new();
        for iter in 0..20 {
            let mut moves = 0;
            for &w in &order {
                let a = class[w];
                let fw = freq[w] as f64;
                let mut own = 0f64;
                touched.clear();
                for &(v, c) in &succ[w] {
                    if v as usize == w {
                        own += c as f64;
                        continue;
                    }
                    let cv = class[v as usize];
                    if s[cv] == 0.0 && p[cv] == 0.0 {
                        touched.push(cv);
                    }
                    s[cv] += c as f64;
                }
                for &(v, c) in &pred[w] {
                    if v as usize == w {
                        continue;
                    }
                    let cv = class[v as usize];
                    if s[cv] == 0.0 && p[cv] == 0.0 {
                        touched.push(cv);
                    }
                    p[cv] += c as f64;
                }
                // Take w out of its class.
                for &c in &touched {
                    if c != a {
                        m[a * k + c] -= s[c];
                        m[c * k + a] -= p[c];
                    }
                }
                m[a * k + a] -= s[a] + p[a] + own;
                n[a] -= fw;
                let gain = |m: &[f64], n: &[f64], t: usize| -> f64 {
                    let mut g = 0.0;
                    for &c in &touched {
                        if c != t {
                            if s[c] > 0.0 {
                                g += xlogx(m[t * k + c] + s[c]) - xlogx(m[t * k + c]);
                            }
                            if p[c] > 0.0 {
                                g += xlogx(m[c * k + t] + p[c]) - xlogx(m[c * k + t]);
                            }
                        }
                    }
                    let tt = m[t * k + t];
                    g += xlogx(tt + s[t] + p[t] + own) - xlogx(tt);
                    g - 2.0 * (xlogx(n[t] + fw) - xlogx(n[t]))
                };
                let b = a ^ 1;
                let to = if gain(&m, &n, b) > gain(&m, &n, a) + 1e-9 { b } else { a };
                if to != a {
                    moves += 1;
                }
                for &c in &touched {
                    if c != to {
                        m[to * k + c] += s[c];
                        m[c * k + to] += p[c];
                    }
                }
                m[to * k + to] += s[to] + p[to] + own;
                n[to] += fw;
                class[w] = to;
                for &c in &touched {
                    s[c] = 0.0;
                    p[c] = 0.0;
                }
            }
            if moves * 1000 < nw {
                eprintln!("depth {d}: {} iterations ({:.1?})", iter + 1, t0.elapsed());
                break;
            }
        }
        for w in 0..nw {
            path[w].push(if class[w] & 1 == 1 { '1' } else { '0' });
        }
    }
    let mut text = String::from(
        "# Word classes of byline's name tagger: lower-cased word, path in the class tree, case\n\
         # evidence (L/l/c/C: lower case in >90% / >50% / >10% / <=10% of its uses after a\n\
         # sentence's first word; - too rare). Made by `cargo run --release --example train_ner --\n\
         # --make-clusters assets/ner/clusters.txt` from unlabeled text: see assets/ner/NOTICE.\n",
    );
    for (i, (w, _)) in vocab.iter().enumerate() {
        let (lo, up) = case.get(w).copied().unwrap_or_default();
        let tot = lo + up;
        let c = if tot < 3 {
            '-'
        } else {
            let r = lo as f64 / tot as f64;
            if r > 0.9 {
                'L'
            } else if r > 0.5 {
                'l'
            } else if r > 0.1 {
                'c'
            } else {
                'C'
            }
        };
        if w.contains(['\t', '\n']) || w.starts_with('#') {
            continue;
        }
        text.push_str(&format!("{w}\t{}\t{c}\n", path[i + 2]));
    }
    std::fs::write(out, text).expect("write the clusters");
    eprintln!("{}: {} words ({:.1?})", out.display(), vocab.len(), t0.elapsed());
}
