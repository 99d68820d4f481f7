//! Word clusters and capitalisation evidence learnt from unlabeled text
//! (`assets/ner/clusters.txt`, made by `examples/train_ner.rs
//! --make-clusters`): for each lower-cased word seen often enough, its path
//! in a binary tree of word classes ("0110...", words used in similar
//! contexts share long prefixes: "ravens" and "patriots"), and how that word
//! is written inside sentences (mostly lower case, mostly capitalised...).
//! The tagger uses prefixes of the path as features, so a name it never saw
//! in training still looks like the names it did see.

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../assets/ner/clusters.txt");

/// What the table says of one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordClass {
    /// The path of its class in the tree, '0'/'1' from the root.
    pub path: &'static str,
    /// How the word is written after the first word of a sentence in the
    /// unlabeled text: 'L' almost always lower case, 'l' mostly lower,
    /// 'c' mostly capitalised, 'C' almost always capitalised, '-' too rare
    /// (or only seen in lower-case headlines).
    pub case: u8,
}

pub struct Clusters {
    words: HashMap<&'static str, WordClass>,
}

impl Clusters {
    fn load(table: &'static str) -> Clusters {
        let mut words = HashMap::with_capacity(40_000);
        for line in table.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            let mut it = line.split('\t');
            let (Some(w), Some(path)) = (it.next(), it.next()) else { continue };
            let case = it.next().and_then(|c| c.bytes().next()).unwrap_or(b'-');
            words.insert(w, WordClass { path, case });
        }
        Clusters { words }
    }

    /// The class of a lower-cased word, if the table has it.
    pub fn get(&self, lower: &str) -> Option<WordClass> {
        self.words.get(lower).copied()
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

static CLUSTERS: OnceLock<Clusters> = OnceLock::new();

/// The table, loaded on first use.
pub fn clusters() -> &'static Clusters {
    CLUSTERS.get_or_init(|| Clusters::load(TABLE))
}

/// Uses another table than the shipped one (the trainer, to measure a new
/// table before it ships); false if a table is already in use.
pub fn use_table(table: &'static str) -> bool {
    CLUSTERS.set(Clusters::load(table)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_loads_and_places_share_a_class() {
        let c = clusters();
        assert!(c.len() > 10_000);
        let (london, paris) = (c.get("london").unwrap(), c.get("paris").unwrap());
        assert!(london.path.bytes().all(|b| b == b'0' || b == b'1'));
        assert_eq!(london.path[..6], paris.path[..6]);
        assert_ne!(c.get("said").unwrap().path[..6], london.path[..6]);
        assert_eq!(c.get("the").unwrap().case, b'L');
        assert!(c.get("London").is_none(), "keys are lower case");
    }
}
