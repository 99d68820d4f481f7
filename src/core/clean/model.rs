//! The line model: a small gradient-boosted tree ensemble, trained by
//! `scripts/train-clean.py` and shipped as data in `assets/clean-model.json`.
//!
//! Hand-rolled inference (a few dozen lines) rather than a crate: the
//! ensemble is a few hundred shallow trees evaluated on ~50 features, so a
//! walk down flat arrays costs microseconds per page and adds no dependency.

use std::sync::OnceLock;

use serde::Deserialize;

/// One regression tree in flat arrays. Internal node `i` sends `x` to
/// `l[i]` when `x[f[i]] <= t[i]`, else to `r[i]`; a negative child `c` is
/// the leaf `v[-c - 1]`. A tree with no internal node is the leaf `v[0]`.
#[derive(Debug, Deserialize)]
struct Tree {
    f: Vec<u16>,
    t: Vec<f64>,
    l: Vec<i32>,
    r: Vec<i32>,
    v: Vec<f64>,
}

impl Tree {
    fn eval(&self, x: &[f32]) -> f64 {
        if self.f.is_empty() {
            return self.v[0];
        }
        let mut i = 0usize;
        loop {
            let c = if f64::from(x[self.f[i] as usize]) <= self.t[i] { self.l[i] } else { self.r[i] };
            if c < 0 {
                return self.v[(-c - 1) as usize];
            }
            i = c as usize;
        }
    }
}

/// The ensemble and the decision threshold chosen in cross-validation.
#[derive(Debug, Deserialize)]
pub(crate) struct Model {
    pub features: Vec<String>,
    /// Probability at or above which a unit of a dump is article.
    pub threshold: f64,
    /// The same for a unit of extracted HTML: the extractor has already
    /// removed most boilerplate, so the model needs more certainty.
    pub html_threshold: f64,
    trees: Vec<Tree>,
}

impl Model {
    /// The probability that a unit with features `x` is article text.
    pub fn predict(&self, x: &[f32]) -> f64 {
        let raw: f64 = self.trees.iter().map(|t| t.eval(x)).sum();
        1.0 / (1.0 + (-raw).exp())
    }
}

/// The shipped model.
pub(crate) fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| {
        let m: Model =
            serde_json::from_str(include_str!("../../../assets/clean-model.json")).expect("assets/clean-model.json is a valid model");
        assert_eq!(m.features, super::features::NAMES, "assets/clean-model.json was trained on other features: retrain");
        m
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clean::features::NAMES;

    #[test]
    fn the_shipped_model_matches_the_features() {
        let m = model();
        assert_eq!(m.features, NAMES, "retrain: the model's features differ from the code's");
        assert!(!m.trees.is_empty());
        for t in &m.trees {
            assert!(t.f.iter().all(|&f| (f as usize) < NAMES.len()));
        }
        assert!((0.0..1.0).contains(&m.threshold));
    }

    #[test]
    fn a_tree_walks_to_its_leaves() {
        let t = Tree { f: vec![0], t: vec![0.5], l: vec![-1], r: vec![-2], v: vec![-1.0, 2.0] };
        assert_eq!(t.eval(&[0.2]), -1.0);
        assert_eq!(t.eval(&[0.9]), 2.0);
    }
}
