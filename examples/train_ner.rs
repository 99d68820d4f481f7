//! Trains byline's name tagger (`assets/ner/model.bin`): an averaged
//! structured perceptron over the features of `byline::core::entities::features`
//! (the very code the tagger runs), decoded with the tagger's Viterbi.
//!
//!   cargo run --release --example train_ner -- [--epochs 20] [--seeds 3] [--min-count 2]
//!       [--no-silver] [--out assets/ner/model.bin] [--prune 0.05]
//!       [--skip NAME]... [--predict IN.jsonl OUT.jsonl]...
//!
//! `--predict` tags a file with the new model, as `byline ner` would, to
//! measure it before it replaces the shipped one (score OUT with eval_ner.py).
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
    predict: Vec<(PathBuf, PathBuf)>,
    drop_misc: bool,
    silver_times: usize,
    seeds: usize,
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
        predict: Vec::new(),
        drop_misc: false,
        silver_times: 1,
        seeds: 3,
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
