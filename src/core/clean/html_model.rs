//! The line model for HTML pages: the same kind of tree ensemble as
//! [`super::model`], trained by `scripts/train-clean-html.py` on the blocks
//! of our DOM scorer, over the shared line features ([`super::features`])
//! and the DOM evidence ([`super::dom`]). Shipped in
//! `assets/clean-model-html.json`.
//!
//! The file names the features it was trained on; each is looked up by
//! name among the line features and the DOM features, so the line features
//! may grow without retraining this model (a renamed or removed one fails
//! the load, and the test, until it is retrained).

use std::sync::OnceLock;

use super::model::{self, Model};
use super::{features, html as dom};

/// Where a model input comes from.
#[derive(Debug, Clone, Copy)]
enum Source {
    Line(usize),
    Dom(usize),
}

#[derive(Debug)]
pub(crate) struct HtmlModel {
    /// Probability at or above which a block is article.
    pub threshold: f64,
    model: Model,
    inputs: Vec<Source>,
}

impl HtmlModel {
    fn from_json(json: &str) -> Result<HtmlModel, String> {
        let (names, model) = model::parse(json).map_err(|e| e.to_string())?;
        let inputs = names
            .iter()
            .map(|n| {
                let find = |list: &[&str]| list.iter().position(|x| x == n);
                find(features::NAMES).map(Source::Line).or_else(|| find(dom::NAMES).map(Source::Dom)).ok_or_else(|| n.clone())
            })
            .collect::<Result<Vec<_>, String>>()
            .map_err(|n| format!("unknown feature {n}: retrain"))?;
        Ok(HtmlModel { threshold: model.html_threshold, model, inputs })
    }

    /// The probabilities of the units `which` (indices into both), from
    /// their line features (`line`, rows of `width` one after the other)
    /// and DOM features (`dom`), into `out` (one per index). All at once:
    /// the trees walk eight units side by side.
    pub fn predict_units(&self, line: &[f32], width: usize, dom: &[Vec<f32>], which: &[usize], out: &mut [f64]) {
        let w = self.inputs.len();
        let mut rows = Vec::with_capacity(which.len() * w);
        for &k in which {
            let (l, d) = (&line[k * width..(k + 1) * width], &dom[k]);
            rows.extend(self.inputs.iter().map(|s| match *s {
                Source::Line(i) => l[i],
                Source::Dom(i) => d[i],
            }));
        }
        let all: Vec<usize> = (0..which.len()).collect();
        self.model.predict_rows(&rows, w, &all, out);
    }
}

/// The environment variable naming an HTML model to use instead of the
/// shipped one, as [`model::MODEL_ENV`] does for the line model
/// (`scripts/train-clean-html.py --pipeline-cv`). Not for users.
pub const MODEL_ENV: &str = "BYLINE_CLEAN_HTML_MODEL";

/// The shipped HTML model, or the one [`MODEL_ENV`] names.
pub(crate) fn model() -> &'static HtmlModel {
    static M: OnceLock<HtmlModel> = OnceLock::new();
    M.get_or_init(|| match std::env::var_os(MODEL_ENV) {
        Some(path) => {
            let name = format!("{MODEL_ENV}={}", path.to_string_lossy());
            let json = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
            HtmlModel::from_json(&json).unwrap_or_else(|e| panic!("{name}: {e}"))
        }
        None => HtmlModel::from_json(include_str!("../../../assets/clean-model-html.json"))
            .unwrap_or_else(|e| panic!("assets/clean-model-html.json: {e}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_html_model_loads_and_reads_dom_evidence() {
        let m = model();
        assert!((0.0..1.0).contains(&m.threshold));
        assert!(m.inputs.iter().any(|s| matches!(s, Source::Dom(_))), "the HTML model uses no DOM feature");
    }
}
