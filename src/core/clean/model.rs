//! The line model: a small gradient-boosted tree ensemble, trained by
//! `scripts/train-clean.py` and shipped as data in `assets/clean-model.json`.
//!
//! Hand-rolled inference (a few dozen lines) rather than a crate: the
//! ensemble is a few hundred shallow trees evaluated on ~50 features, so a
//! walk down flat arrays costs microseconds per page and adds no dependency.

use std::sync::OnceLock;

use serde::Deserialize;

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

/// One internal node of the flattened ensemble. A child `>= 0` is a node
/// index (global); a negative child `c` is the leaf value `leaves[-c - 1]`.
#[derive(Debug, Clone, Copy)]
struct Node {
    feature: u16,
    threshold: f32,
    left: i32,
    right: i32,
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
    leaves: Vec<f32>,
    /// Per tree: its root (a node index, or a leaf as a negative child).
    roots: Vec<i32>,
}

impl Model {
    fn from_file(m: ModelFile) -> Model {
        let mut nodes = Vec::new();
        let mut leaves = Vec::new();
        let mut roots = Vec::new();
        for t in &m.trees {
            let (n0, l0) = (nodes.len() as i32, leaves.len() as i32);
            let child = |c: i32| if c < 0 { c - l0 } else { c + n0 };
            leaves.extend(t.v.iter().map(|&v| v as f32));
            if t.f.is_empty() {
                roots.push(-l0 - 1);
                continue;
            }
            roots.push(n0);
            for i in 0..t.f.len() {
                nodes.push(Node { feature: t.f[i], threshold: down(t.t[i]), left: child(t.l[i]), right: child(t.r[i]) });
            }
        }
        Model { threshold: m.threshold, html_threshold: m.html_threshold, nodes, leaves, roots }
    }

    /// The probability that a unit with features `x` is article text.
    pub fn predict(&self, x: &[f32]) -> f64 {
        let mut raw = 0.0f32;
        for &root in &self.roots {
            let mut c = root;
            while c >= 0 {
                let n = &self.nodes[c as usize];
                c = if x[n.feature as usize] <= n.threshold { n.left } else { n.right };
            }
            raw += self.leaves[(-c - 1) as usize];
        }
        1.0 / (1.0 + (-f64::from(raw)).exp())
    }
}

/// The shipped model.
pub(crate) fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| {
        let m: ModelFile =
            serde_json::from_str(include_str!("../../../assets/clean-model.json")).expect("assets/clean-model.json is a valid model");
        assert_eq!(m.features, super::features::NAMES, "assets/clean-model.json was trained on other features: retrain");
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
        assert!(m.nodes.iter().all(|n| (n.feature as usize) < NAMES.len()));
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
}
