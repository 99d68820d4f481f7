//! Fuzzy filtering over titles with fuzzy-matcher's skim algorithm.
//!
//! fuzzy-matcher folds case for ASCII only, so both sides are folded here
//! first, one character for one character (so match positions still index
//! the original), which makes "ökonomie" find "Ökonomie".

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

/// One item that matched: its index in the input, and its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub index: usize,
    pub score: i64,
}

/// Folds case per character, keeping one char per char.
pub fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        let mut l = c.to_lowercase();
        match (l.next(), l.next()) {
            (Some(x), None) => x,
            _ => c,
        }
    }
}

/// A compiled query, reusable over many items.
pub struct Query {
    folded: String,
    matcher: SkimMatcherV2,
}

impl Query {
    pub fn new(query: &str) -> Self {
        Query { folded: fold(query.trim()), matcher: SkimMatcherV2::default().respect_case() }
    }

    pub fn is_empty(&self) -> bool {
        self.folded.is_empty()
    }

    /// The score of one item, or `None` when it does not match.
    pub fn score(&self, item: &str) -> Option<i64> {
        if self.folded.is_empty() {
            return Some(0);
        }
        self.matcher.fuzzy_match(&fold(item), &self.folded)
    }

    /// Character positions in `item` that the query matched, for highlighting.
    pub fn positions(&self, item: &str) -> Vec<usize> {
        if self.folded.is_empty() {
            return vec![];
        }
        self.matcher.fuzzy_indices(&fold(item), &self.folded).map(|(_, p)| p).unwrap_or_default()
    }
}

/// Filters `items` by `query`: the matches, best first; ties keep input
/// order. An empty query matches everything in input order.
pub fn filter<S: AsRef<str>>(query: &str, items: &[S]) -> Vec<Match> {
    let q = Query::new(query);
    let mut out: Vec<Match> =
        items.iter().enumerate().filter_map(|(index, s)| q.score(s.as_ref()).map(|score| Match { index, score })).collect();
    out.sort_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TITLES: &[&str] = &[
        "Zuckerberg apologises for data breach",
        "Weather: storms expected over the weekend",
        "Ökonomie: Die Inflation steigt",
        "Obama meets tech leaders",
    ];

    #[test]
    fn best_match_comes_first() {
        let m = filter("obama", TITLES);
        assert_eq!(m[0].index, 3);
    }

    #[test]
    fn non_matching_titles_are_dropped() {
        let m = filter("storm", TITLES);
        assert_eq!(m.iter().map(|m| m.index).collect::<Vec<_>>(), vec![1]);
    }

    #[test]
    fn case_folds_for_all_of_unicode() {
        let m = filter("ökonomie", TITLES);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].index, 2);
        assert_eq!(filter("ÖKONOMIE", TITLES)[0].index, 2);
    }

    #[test]
    fn empty_query_keeps_everything_in_order() {
        let m = filter("", TITLES);
        assert_eq!(m.iter().map(|m| m.index).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
    }

    #[test]
    fn positions_index_original_characters() {
        let q = Query::new("ök");
        assert_eq!(q.positions("Ökonomie"), vec![0, 1]);
    }
}
