//! Name lists from `assets/ner/`: places (GeoNames), demonyms, organisation
//! words and names, titles, and the alias table. Matched over tokens, case-insensitively,
//! for capitalised words only; loaded once.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::tokens::{tokenize, Token};

/// Categories of a gazetteer match (bit flags).
pub const CITY: u8 = 1;
pub const COUNTRY: u8 = 2;
pub const DEMONYM: u8 = 4;
pub const ORG_HEAD: u8 = 8;
pub const ORG_LEGAL: u8 = 16;
pub const TITLE: u8 = 32;
/// Cities of 300,000 people or more (also CITY).
pub const BIGCITY: u8 = 64;
/// First names (US Census).
pub const FIRST_NAME: u8 = 128;
/// Number of categories above.
pub const CATEGORIES: usize = 8;
/// What a lower-case word may match ("canada", "french"): cities are too
/// often words ("reading", "nice").
const LOWER_OK: u8 = COUNTRY | DEMONYM;

const PLACES: &str = include_str!("../../../assets/ner/places.txt");
const DEMONYMS: &str = include_str!("../../../assets/ner/demonyms.txt");
const ORGWORDS: &str = include_str!("../../../assets/ner/orgwords.txt");
const TITLES: &str = include_str!("../../../assets/ner/titles.txt");
const FIRST_NAMES: &str = include_str!("../../../assets/ner/firstnames.txt");
const ALIASES: &str = include_str!("../../../assets/ner/aliases.txt");
const ORGS: &str = include_str!("../../../assets/ner/orgs.txt");
const ORG_NAMES: &str = include_str!("../../../assets/ner/orgnames.txt");

/// Longest name, in tokens, that is looked up.
const MAX_LEN: usize = 4;

pub struct Gazetteer {
    /// Hash of the lower-cased tokens of a name -> categories.
    names: HashMap<u64, u8>,
    /// Short form -> canonical name ("US" -> "United States").
    pub aliases: HashMap<String, String>,
    /// Hashes of organisation names (companies, news outlets, institutions,
    /// teams). Kept apart from `names`: the tagger's features do not see
    /// them (as features they did not help), the document pass does.
    orgs: HashSet<u64>,
}

/// What a token is part of: categories where it begins a match, and where it
/// continues one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tag {
    pub begin: u8,
    pub inside: u8,
    /// The match is of lower-case words (countries and demonyms only).
    pub lower: bool,
}

const FNV: u64 = 0xcbf29ce484222325;

fn mix(h: u64, w: &str) -> u64 {
    let mut h = h ^ 0x20;
    h = h.wrapping_mul(0x100000001b3);
    for c in w.chars().flat_map(char::to_lowercase) {
        let mut b = [0u8; 4];
        for &x in c.encode_utf8(&mut b).as_bytes() {
            h ^= x as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    h
}

fn key(name: &str) -> Option<u64> {
    let toks = tokenize(name);
    if toks.is_empty() || toks.len() > MAX_LEN {
        return None;
    }
    Some(toks.iter().fold(FNV, |h, t| mix(h, t.str(name))))
}

impl Gazetteer {
    fn load() -> Gazetteer {
        let mut names: HashMap<u64, u8> = HashMap::with_capacity(60_000);
        let mut add = |name: &str, cat: u8| {
            if let Some(k) = key(name) {
                *names.entry(k).or_default() |= cat;
            }
        };
        for line in PLACES.lines().filter(|l| !l.starts_with('#')) {
            let (name, kind) = line.split_once('\t').unwrap_or((line, "city"));
            add(
                name,
                match kind {
                    "country" => COUNTRY,
                    "bigcity" => CITY | BIGCITY,
                    _ => CITY,
                },
            );
        }
        for line in DEMONYMS.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            add(line, DEMONYM);
        }
        for line in FIRST_NAMES.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            add(line, FIRST_NAME);
        }
        for line in TITLES.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            add(line, TITLE);
        }
        let mut cat = ORG_HEAD;
        for line in ORGWORDS.lines().filter(|l| !l.starts_with('#')) {
            match line.trim() {
                "[head]" => cat = ORG_HEAD,
                "[legal]" => cat = ORG_LEGAL,
                l => l.split_whitespace().for_each(|w| add(w, cat)),
            }
        }
        let mut aliases = HashMap::new();
        for line in ALIASES.lines().filter(|l| !l.starts_with('#')) {
            if let Some((short, full)) = line.split_once('\t') {
                aliases.insert(short.to_string(), full.to_string());
            }
        }
        let orgs = ORGS
            .lines()
            .chain(ORG_NAMES.lines())
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| key(l.split('\t').next().unwrap_or(l)))
            .collect();
        Gazetteer { names, aliases, orgs }
    }

    /// Categories of a single word or name, if listed.
    pub fn lookup(&self, name: &str) -> u8 {
        key(name).and_then(|k| self.names.get(&k).copied()).unwrap_or(0)
    }

    /// Is this name (its tokens) a listed organisation? Case-insensitive.
    pub fn is_org(&self, words: &[&str]) -> bool {
        !words.is_empty() && words.len() <= MAX_LEN && self.orgs.contains(&words.iter().fold(FNV, |h, w| mix(h, w)))
    }

    /// Tags each token with the longest listed names starting at capitalised
    /// words (titles and organisation words match however they are cased).
    pub fn tag(&self, text: &str, toks: &[Token]) -> Vec<Tag> {
        let mut out = vec![Tag::default(); toks.len()];
        let mut i = 0;
        while i < toks.len() {
            let w = toks[i].str(text);
            let lower = w.starts_with(|c: char| c.is_lowercase());
            if !lower && !w.starts_with(|c: char| c.is_uppercase()) {
                i += 1;
                continue;
            }
            let mut h = FNV;
            let mut best: Option<(usize, u8)> = None;
            for (k, t) in toks.iter().enumerate().skip(i).take(MAX_LEN) {
                h = mix(h, t.str(text));
                if let Some(&c) = self.names.get(&h) {
                    let c = match lower {
                        true => c & LOWER_OK,
                        false => c,
                    };
                    if c != 0 {
                        best = Some((k + 1, c));
                    }
                }
            }
            match best {
                Some((end, c)) => {
                    out[i].begin |= c;
                    out[i].lower = lower;
                    for t in &mut out[i + 1..end] {
                        t.inside |= c;
                        t.lower = lower;
                    }
                    i = end;
                }
                None => i += 1,
            }
        }
        out
    }
}

/// The gazetteer, loaded on first use.
pub fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(Gazetteer::load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_demonyms_and_titles_are_listed() {
        let g = gazetteer();
        assert_ne!(g.lookup("France") & COUNTRY, 0);
        assert_ne!(g.lookup("new york city") & CITY, 0);
        assert_ne!(g.lookup("New York") & COUNTRY, 0, "US states are listed with countries");
        assert_ne!(g.lookup("French") & DEMONYM, 0);
        assert_ne!(g.lookup("President") & TITLE, 0);
        assert!(g.is_org(&["Goldman", "Sachs"]), "companies are listed");
        assert!(g.is_org(&["Coca-Cola"]), "without their legal form");
        assert!(g.is_org(&["Associated", "Press"]), "news outlets are listed");
        assert!(!g.is_org(&["Target"]), "a company named by a common word is not");
        assert!(!g.is_org(&["U.S."]), "nor a place left when the legal form is stripped");
        assert_eq!(g.lookup("table"), 0);
        assert_eq!(g.aliases.get("US").map(String::as_str), Some("United States"));
    }

    #[test]
    fn the_longest_capitalised_match_wins() {
        let text = "He flew to New York City from canada.";
        let toks = tokenize(text);
        let tags = gazetteer().tag(text, &toks);
        let new = toks.iter().position(|t| t.str(text) == "New").unwrap();
        assert_ne!(tags[new].begin & CITY, 0);
        assert_ne!(tags[new + 2].inside & CITY, 0, "City is inside the match");
        let canada = toks.iter().position(|t| t.str(text) == "canada").unwrap();
        assert!(tags[canada].lower && tags[canada].begin & COUNTRY != 0, "countries match in lower case, marked so");
        let text = "the reading of nice bath";
        let tags = gazetteer().tag(text, &tokenize(text));
        assert!(tags.iter().all(|t| t.begin == 0), "small towns that are words never match in lower case");
    }
}
