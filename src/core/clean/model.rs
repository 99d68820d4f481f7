//! The line model: a small gradient-boosted tree ensemble, trained by
//! `scripts/train-clean.py` and shipped as data in `assets/clean-model.json`.
//!
//! Hand-rolled inference (a few dozen lines) rather than a crate: the
//! ensemble is a few hundred shallow trees evaluated on ~50 features, so a
//! walk down flat arrays costs microseconds per page and adds no dependency.

use std::sync::OnceLock;

use serde::Deserialize;

mod simd;

/// One regression tree in flat arrays, as stored. Internal node `i` sends
/// `x` to `l[i]` when `x[f[i]] <= t[i]`, else to `r[i]`; a negative child
/// `c` is the leaf `v[-c - 1]`. A tree with no internal node is the leaf
/// `v[0]`.
#[derive(Debug, Deserialize)]
struct Tree {
    f: Vec<u16>,
    t: Vec<f64>,
    l: Vec<i32>,
    r: Vec<i32>,
    v: Vec<f64>,
}

/// As stored on disk.
#[derive(Debug, Deserialize)]
struct ModelFile {
    features: Vec<String>,
    threshold: f64,
    html_threshold: f64,
    trees: Vec<Tree>,
}

/// One node of the flattened ensemble: an internal node sends `x` to
/// `left` when `x[feature] <= threshold`, else to `right` (global node
/// indices); a leaf sends every `x` to itself, so a walk of fixed length
/// ends on the leaf whatever the tree's shape.
#[derive(Debug, Clone, Copy)]
struct Node {
    threshold: f32,
    feature: u32,
    left: u32,
    right: u32,
}

/// The largest f32 not above `t`: for any f32 `x`, `x <= t` exactly when
/// `x <= down(t)`, so the f32 walk decides as the f64 training did.
fn down(t: f64) -> f32 {
    let f = t as f32;
    if f64::from(f) > t {
        f.next_down()
    } else {
        f
    }
}

/// One split of a tree laid out as a perfect binary tree (see [`Perfect`]).
#[derive(Debug, Clone, Copy)]
struct Split {
    threshold: f32,
    /// A byte, so that `feature * LANES + lane` is within the lanes'
    /// features whatever it is (no bounds check).
    feature: u8,
}

/// Slots of a tree in [`Perfect`]: room for a perfect tree of depth
/// [`PERFECT_MAX_DEPTH`].
const SLOTS: usize = 1 << PERFECT_MAX_DEPTH;

/// The ensemble with every tree padded to a perfect binary tree of its
/// depth `d`: split `i` (0-based, heap order) sends `x` to `2i + 1` when
/// `x[feature] <= threshold`, else to `2i + 2`, so the walk needs no child
/// pointers; after `d` steps it stands on leaf `i - (2^d - 1)`. A leaf
/// shallower than `d` becomes splits with both sides leading to copies of
/// it. Each tree has [`SLOTS`] of each, so that an index masked to a slot
/// needs no bounds check.
#[derive(Debug)]
struct Perfect {
    splits: Vec<[Split; SLOTS]>,
    leaves: Vec<[f32; SLOTS]>,
    depths: Vec<u32>,
}

/// Trees up to this depth are laid out as perfect trees; a model with a
/// deeper tree keeps the pointer walk. (The line model is trained with
/// depth <= 8.)
const PERFECT_MAX_DEPTH: u32 = 8;

impl Perfect {
    fn new(trees: &[Tree], depths: &[u32]) -> Option<Perfect> {
        if depths.iter().any(|&d| d > PERFECT_MAX_DEPTH) || trees.iter().flat_map(|t| &t.f).any(|&f| usize::from(f) >= MAX_FEATURES) {
            return None;
        }
        let mut p = Perfect { splits: Vec::new(), leaves: Vec::new(), depths: depths.to_vec() };
        for (t, &d) in trees.iter().zip(depths) {
            let mut splits = [Split { threshold: f32::INFINITY, feature: 0 }; SLOTS];
            let mut leaves = [0.0; SLOTS];
            lay_out(
                t,
                d,
                &mut |pos, split| {
                    // A shallow leaf's padding: both sides lead to it whatever `x` is.
                    let (feature, threshold) = split.unwrap_or((0, f32::INFINITY));
                    splits[pos] = Split { threshold, feature: feature as u8 };
                },
                &mut |leaf, v| leaves[leaf] = v,
            );
            p.splits.push(splits);
            p.leaves.push(leaves);
        }
        Some(p)
    }
}

/// Lays out tree `t` as a perfect binary tree of depth `d` in heap order:
/// `split(pos, Some((feature, threshold)))` for each split at heap
/// position `pos` (`None` for the padding below a shallow leaf, whose two
/// sides lead to copies of it), `leaf(i, value)` for each of the `2^d`
/// leaves.
fn lay_out(t: &Tree, d: u32, split: &mut dyn FnMut(usize, Option<(u16, f32)>), leaf: &mut dyn FnMut(usize, f32)) {
    let root = if t.f.is_empty() { -1 } else { 0 };
    fill(t, root, 0, 0, d, split, leaf);
}

/// [`lay_out`] from `node` (a child code of [`Tree`]: internal when
/// non-negative) at heap position `pos`, on `level`.
fn fill(
    t: &Tree,
    node: i32,
    pos: usize,
    level: u32,
    d: u32,
    split: &mut dyn FnMut(usize, Option<(u16, f32)>),
    leaf: &mut dyn FnMut(usize, f32),
) {
    let size = 1usize << d;
    if level == d {
        assert!(node < 0, "a tree is deeper than its depth");
        leaf(pos + 1 - size, t.v[(-node - 1) as usize] as f32);
        return;
    }
    let (l, r) = if node < 0 {
        split(pos, None);
        (node, node)
    } else {
        let i = node as usize;
        split(pos, Some((t.f[i], down(t.t[i]))));
        (t.l[i], t.r[i])
    };
    fill(t, l, 2 * pos + 1, level + 1, d, split, leaf);
    fill(t, r, 2 * pos + 2, level + 1, d, split, leaf);
}

/// How many units walk a tree together: independent walks overlap in the
/// processor, where one walk waits on each node it loads.
const LANES: usize = 8;
/// At most this many features (a power of two).
const MAX_FEATURES: usize = 256;

/// The ensemble, flattened for a cache-friendly walk, and the decision
/// thresholds chosen in cross-validation.
#[derive(Debug)]
pub(crate) struct Model {
    /// Probability at or above which a unit of a dump is article.
    pub threshold: f64,
    /// The same for a unit of extracted HTML: the extractor has already
    /// removed most boilerplate, so the model needs more certainty.
    pub html_threshold: f64,
    nodes: Vec<Node>,
    /// Per node: its value when it is a leaf.
    values: Vec<f32>,
    /// Per tree: its root node and its depth (edges on its longest path).
    roots: Vec<(u32, u32)>,
    /// Features a row must have.
    width: usize,
    /// The same trees as perfect trees, when none is too deep.
    perfect: Option<Perfect>,
    /// The perfect trees laid out for the vector walk, when this processor
    /// has it and the model fits it.
    vectored: Option<simd::Vectored>,
}

impl Model {
    fn from_file(m: ModelFile) -> Model {
        let mut nodes = Vec::new();
        let mut values = Vec::new();
        let mut roots: Vec<(u32, u32)> = Vec::new();
        for t in &m.trees {
            // Internal nodes first, then the leaves.
            let n0 = nodes.len();
            let leaf0 = n0 + t.f.len();
            let child = |c: i32| if c < 0 { (leaf0 + (-c - 1) as usize) as u32 } else { (n0 + c as usize) as u32 };
            for i in 0..t.f.len() {
                let feature = u32::from(t.f[i]) * LANES as u32;
                let node = Node { threshold: down(t.t[i]), feature, left: child(t.l[i]), right: child(t.r[i]) };
                nodes.push(node);
                values.push(0.0);
            }
            for (i, &v) in t.v.iter().enumerate() {
                let me = (leaf0 + i) as u32;
                nodes.push(Node { threshold: f32::INFINITY, feature: 0, left: me, right: me });
                values.push(v as f32);
            }
            let depth = |root: usize| {
                let mut deepest = 0;
                let mut stack = vec![(root, 0u32)];
                while let Some((i, d)) = stack.pop() {
                    if i < n0 || i >= leaf0 {
                        deepest = deepest.max(d);
                        continue;
                    }
                    stack.push((nodes[i].left as usize, d + 1));
                    stack.push((nodes[i].right as usize, d + 1));
                }
                deepest
            };
            let root = if t.f.is_empty() { leaf0 } else { n0 };
            roots.push((root as u32, depth(root)));
        }
        // A power of two of nodes, so that a masked index needs no bounds check.
        let size = nodes.len().next_power_of_two();
        nodes.resize(size, Node { threshold: f32::INFINITY, feature: 0, left: 0, right: 0 });
        values.resize(size, 0.0);
        let width = m.trees.iter().flat_map(|t| t.f.iter()).map(|&f| f as usize + 1).max().unwrap_or(0);
        assert!(width <= MAX_FEATURES, "the model uses more features than inference allows");
        let depths: Vec<u32> = roots.iter().map(|r| r.1).collect();
        let perfect = Perfect::new(&m.trees, &depths);
        let vectored = if perfect.is_some() && simd::Vectored::supported() { simd::Vectored::new(&m.trees, &depths) } else { None };
        Model { threshold: m.threshold, html_threshold: m.html_threshold, nodes, values, roots, width, perfect, vectored }
    }

    /// The probability that a unit with features `x` is article text (one
    /// row; [`Model::predict_rows`] is faster for many).
    #[cfg(test)]
    pub fn predict(&self, x: &[f32]) -> f64 {
        let mut out = [0.0];
        self.predict_rows(x, x.len(), &[0], &mut out);
        out[0]
    }

    /// The probabilities of the rows `which` of `rows` (rows of `width`
    /// features, one after the other), into `out`.
    pub fn predict_rows(&self, rows: &[f32], width: usize, which: &[usize], out: &mut [f64]) {
        assert!(width >= self.width && width <= MAX_FEATURES && out.len() == which.len());
        match (&self.vectored, &self.perfect) {
            (Some(b), _) => {
                let mut raw = vec![0.0f32; which.len()];
                b.predict(rows, width, which, &mut raw);
                for (o, r) in out.iter_mut().zip(raw) {
                    *o = probability(r);
                }
            }
            (None, Some(p)) => predict_perfect(p, rows, width, which, out),
            (None, None) => self.predict_pointers(rows, width, which, out),
        }
    }

    /// [`Model::predict_rows`] down the node pointers, [`LANES`] rows at a
    /// time through every tree (any depth).
    fn predict_pointers(&self, rows: &[f32], width: usize, which: &[usize], out: &mut [f64]) {
        // The lanes' features, feature by feature: `xs[f * LANES + l]`.
        let mut xs = [0.0f32; MAX_FEATURES * LANES];
        for (chunk, out) in which.chunks(LANES).zip(out.chunks_mut(LANES)) {
            load_lanes(rows, width, chunk, &mut xs);
            let mut raw = [0.0f32; LANES];
            let mask = self.nodes.len() - 1;
            let nodes = &self.nodes[..=mask];
            for &(root, depth) in &self.roots {
                let mut c = [root; LANES];
                for _ in 0..depth {
                    for (l, c) in c.iter_mut().enumerate() {
                        let n = &nodes[*c as usize & mask];
                        // `feature` counts in steps of LANES; the mask only keeps the index in bounds.
                        *c = if xs[(n.feature as usize + l) & (MAX_FEATURES * LANES - 1)] <= n.threshold { n.left } else { n.right };
                    }
                }
                for l in 0..LANES {
                    raw[l] += self.values[c[l] as usize];
                }
            }
            for (o, r) in out.iter_mut().zip(raw) {
                *o = probability(r);
            }
        }
    }
}

/// The probability of a raw score (sum of leaves).
fn probability(raw: f32) -> f64 {
    1.0 / (1.0 + (-f64::from(raw)).exp())
}

/// Puts the rows `chunk` (at most [`LANES`]) of `rows` into `xs` feature
/// by feature, `xs[f * LANES + l]`; a short chunk repeats its first row in
/// the spare lanes.
fn load_lanes(rows: &[f32], width: usize, chunk: &[usize], xs: &mut [f32; MAX_FEATURES * LANES]) {
    for l in 0..LANES {
        let i = chunk[if l < chunk.len() { l } else { 0 }];
        for (f, &v) in rows[i * width..(i + 1) * width].iter().enumerate() {
            xs[f * LANES + l] = v;
        }
    }
}

/// [`Model::predict_rows`] on perfect trees, [`LANES`] rows at a time
/// through every tree. Every row adds its trees' leaves in tree order, as
/// the pointer walk does, so its f32 sum has the same bits.
fn predict_perfect(p: &Perfect, rows: &[f32], width: usize, which: &[usize], out: &mut [f64]) {
    // The lanes' features, feature by feature: `xs[f * LANES + l]`.
    let mut xs = [0.0f32; MAX_FEATURES * LANES];
    for (chunk, out) in which.chunks(LANES).zip(out.chunks_mut(LANES)) {
        load_lanes(rows, width, chunk, &mut xs);
        let mut raw = [0.0f32; LANES];
        for ((splits, leaves), &d) in p.splits.iter().zip(&p.leaves).zip(&p.depths) {
            let mut i = [0usize; LANES];
            for _ in 0..d {
                for (l, i) in i.iter_mut().enumerate() {
                    let s = splits[*i & (SLOTS - 1)];
                    let x = xs[usize::from(s.feature) * LANES + l];
                    // Left (`2i + 1`) when `x <= threshold`, else (NaN too) right.
                    *i = 2 * *i + 2 - usize::from(x <= s.threshold);
                }
            }
            // After `d` steps, `i` is `2^d - 1 + leaf`.
            let first = (1 << d) - 1;
            for (r, i) in raw.iter_mut().zip(i) {
                *r += leaves[(i - first) & (SLOTS - 1)];
            }
        }
        for (o, r) in out.iter_mut().zip(raw) {
            *o = probability(r);
        }
    }
}

/// The environment variable naming a line model to use instead of the
/// shipped one: `scripts/train-clean.py --pipeline-cv` runs the real
/// cleaner with each fold's model through it. Not for users.
pub const MODEL_ENV: &str = "BYLINE_CLEAN_MODEL";

/// The shipped model, or the one [`MODEL_ENV`] names.
pub(crate) fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| {
        let (name, m) = match std::env::var_os(MODEL_ENV) {
            Some(path) => {
                let name = format!("{MODEL_ENV}={}", path.to_string_lossy());
                let json = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
                (name.clone(), serde_json::from_str::<ModelFile>(&json).unwrap_or_else(|e| panic!("{name}: {e}")))
            }
            None => (
                "assets/clean-model.json".to_owned(),
                serde_json::from_str(include_str!("../../../assets/clean-model.json")).expect("assets/clean-model.json is a valid model"),
            ),
        };
        assert_eq!(m.features, super::features::NAMES, "{name} was trained on other features: retrain");
        Model::from_file(m)
    })
}

/// A model from another asset and the feature names it was trained on,
/// which the caller maps to its inputs (the HTML model, `html_model.rs`).
pub(crate) fn parse(json: &str) -> Result<(Vec<String>, Model), serde_json::Error> {
    let m: ModelFile = serde_json::from_str(json)?;
    Ok((m.features.clone(), Model::from_file(m)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clean::features::NAMES;

    #[test]
    fn the_shipped_model_matches_the_features() {
        let m = model();
        // model() checks the file's feature names against NAMES.
        assert!(!m.roots.is_empty());
        assert!(m.nodes.iter().all(|n| (n.feature as usize) < NAMES.len() * LANES));
        assert!(m.width <= NAMES.len());
        assert!((0.0..1.0).contains(&m.threshold) && (0.0..1.0).contains(&m.html_threshold));
    }

    #[test]
    fn trees_walk_to_their_leaves_and_add_up() {
        let tree = |t: f64, lo: f64, hi: f64| Tree { f: vec![0], t: vec![t], l: vec![-1], r: vec![-2], v: vec![lo, hi] };
        let file = ModelFile {
            features: vec!["x".into()],
            threshold: 0.5,
            html_threshold: 0.5,
            trees: vec![tree(0.5, -1.0, 2.0), tree(0.1, 0.0, 1.0)],
        };
        let m = Model::from_file(file);
        let p = |x: f32| m.predict(&[x]);
        assert!((p(0.05) - 1.0 / (1.0 + 1f64.exp())).abs() < 1e-6); // -1 + 0
        assert!((p(0.2) - 0.5).abs() < 1e-6); // -1 + 1
        assert!((p(0.9) - 1.0 / (1.0 + (-3f64).exp())).abs() < 1e-6); // 2 + 1
                                                                      // A threshold between two f32 values decides as f64 would.
        let t = 0.1f64;
        assert_eq!(0.1f32 <= down(t), f64::from(0.1f32) <= t);
    }

    #[test]
    fn perfect_trees_score_as_the_pointer_walk_to_the_bit() {
        let m = model();
        assert!(m.perfect.is_some());
        // Rows of values at, around and between the model's thresholds.
        let mut cuts: Vec<f32> = m.nodes.iter().map(|n| n.threshold).filter(|t| t.is_finite()).collect();
        cuts.extend([0.0, -1.0, 1.0, f32::NAN]);
        let w = NAMES.len();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rows = vec![0.0f32; 37 * w];
        for x in &mut rows {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let c = cuts[(seed % cuts.len() as u64) as usize];
            *x = match (seed >> 40) % 3 {
                0 => c,
                1 => c.next_up(),
                _ => c.next_down(),
            };
        }
        let which: Vec<usize> = (0..37).rev().collect();
        let (mut a, mut b, mut c) = (vec![0.0; 37], vec![0.0; 37], vec![0.0; 37]);
        // The vector walk where this processor has it, else the scalar one.
        m.predict_rows(&rows, w, &which, &mut a);
        m.predict_pointers(&rows, w, &which, &mut b);
        predict_perfect(m.perfect.as_ref().unwrap(), &rows, w, &which, &mut c);
        let bits = |v: &[f64]| v.iter().map(|p| p.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a), bits(&b));
        assert_eq!(bits(&c), bits(&b));
        assert_eq!(m.vectored.is_some(), simd::Vectored::supported(), "the shipped model fits the vector walk");
        // Trees of any shape, a lone leaf among them.
        let tree = |t: f64, lo: f64, hi: f64| Tree { f: vec![0], t: vec![t], l: vec![-1], r: vec![-2], v: vec![lo, hi] };
        let deep = Tree { f: vec![0, 1, 0], t: vec![0.5, 0.2, 0.9], l: vec![-1, -2, 1], r: vec![2, -3, -4], v: vec![0.1, 0.2, 0.3, 0.4] };
        let leaf = Tree { f: vec![], t: vec![], l: vec![], r: vec![], v: vec![0.7] };
        let file = ModelFile {
            features: vec!["x".into(), "y".into()],
            threshold: 0.5,
            html_threshold: 0.5,
            trees: vec![tree(0.5, -1.0, 2.0), deep, leaf],
        };
        let m = Model::from_file(file);
        let rows: Vec<f32> = [0.0, 0.2, 0.21, 0.5, 0.51, 0.9, 0.91, 2.0, f32::NAN].iter().flat_map(|&x| [x, 0.3 - x]).collect();
        let which: Vec<usize> = (0..9).collect();
        let (mut a, mut b) = (vec![0.0; 9], vec![0.0; 9]);
        m.predict_rows(&rows, 2, &which, &mut a);
        m.predict_pointers(&rows, 2, &which, &mut b);
        assert_eq!(a, b);
    }
}
