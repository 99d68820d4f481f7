//! The features of each token, shared by the tagger and its trainer
//! (`examples/train_ner.rs`): word, shape, affixes, a window of two words
//! each side, name-list matches, and two document-level cues. Each feature is
//! a 32-bit hash of (template, value).

use std::borrow::Cow;
use std::collections::HashSet;

use xxhash_rust::xxh3::xxh3_64_with_seed;

use super::clusters::{clusters, WordClass};
use super::gazetteer::{gazetteer, Tag, CATEGORIES};
use super::tokens::{tokenize, Token};

/// A text prepared for feature extraction.
pub struct Doc<'a> {
    pub text: &'a str,
    pub toks: Vec<Token>,
    pub words: Vec<&'a str>,
    lower: Vec<Cow<'a, str>>,
    shape: Vec<String>,
    pub gaz: Vec<Tag>,
    /// Lower-cased words that the text also writes in lower case.
    lowercase_seen: HashSet<&'a str>,
    /// Capitalised words that the text also uses inside a sentence.
    capital_mid: HashSet<&'a str>,
    /// The run of capitalised words (joined by "of", "the", "'s", "&"...)
    /// each token is in: (first token, end token); (i, i) when none.
    runs: Vec<(u32, u32)>,
    /// The word class of each token (`clusters.rs`), if known.
    class: Vec<Option<WordClass>>,
}

/// Lengths of the class-path prefixes used as features.
const CLASS_PREFIXES: [usize; 4] = [4, 6, 10, 16];

/// Words that may join capitalised words into one name.
const CONNECTORS: &[&str] =
    &["of", "the", "and", "&", "de", "du", "des", "la", "le", "van", "von", "der", "da", "di", "del", "'s", "’s", "for", "on", "-"];

fn runs(words: &[&str], toks: &[Token]) -> Vec<(u32, u32)> {
    let n = words.len();
    let cap =
        |i: usize| is_capitalised(words[i]) || words[i].starts_with(|c: char| c.is_ascii_digit()) && i > 0 && is_capitalised(words[i - 1]);
    let mut out: Vec<(u32, u32)> = (0..n).map(|i| (i as u32, i as u32)).collect();
    let mut i = 0;
    while i < n {
        if !cap(i) || toks[i].caps_line {
            i += 1;
            continue;
        }
        let mut e = i + 1;
        loop {
            if e < n && cap(e) {
                e += 1;
                continue;
            }
            // Up to two connectors followed by a capitalised word.
            let mut k = e;
            while k < n && k < e + 2 && CONNECTORS.contains(&words[k]) {
                k += 1;
            }
            if k > e && k < n && cap(k) {
                e = k + 1;
                continue;
            }
            break;
        }
        for r in &mut out[i..e] {
            *r = (i as u32, e as u32);
        }
        i = e;
    }
    out
}

/// "Obama" -> "Xx", "U.S." -> "X.X.", "2014" -> "d", "iPhone" -> "xXx".
pub fn shape(w: &str) -> String {
    let mut s = String::with_capacity(6);
    let mut last = '\0';
    for c in w.chars() {
        let k = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else if c.is_alphabetic() {
            'a'
        } else {
            c
        };
        if k != last {
            s.push(k);
            last = k;
        }
        if s.len() >= 6 {
            break;
        }
    }
    s
}

fn is_capitalised(w: &str) -> bool {
    w.starts_with(|c: char| c.is_uppercase())
}

impl<'a> Doc<'a> {
    pub fn new(text: &'a str) -> Doc<'a> {
        let toks = tokenize(text);
        Doc::with_tokens(text, toks)
    }

    pub fn with_tokens(text: &'a str, toks: Vec<Token>) -> Doc<'a> {
        let words: Vec<&str> = toks.iter().map(|t| t.str(text)).collect();
        let lower: Vec<Cow<str>> = words
            .iter()
            .map(|&w| if w.chars().any(char::is_uppercase) { Cow::Owned(w.to_lowercase()) } else { Cow::Borrowed(w) })
            .collect();
        let shape: Vec<String> = words.iter().map(|w| shape(w)).collect();
        let gaz = gazetteer().tag(text, &toks);
        let mut lowercase_seen = HashSet::new();
        let mut capital_mid = HashSet::new();
        for (i, w) in words.iter().enumerate() {
            if toks[i].caps_line {
                continue;
            }
            if w.starts_with(|c: char| c.is_lowercase()) {
                lowercase_seen.insert(*w);
            } else if is_capitalised(w) && !toks[i].sent_start {
                capital_mid.insert(*w);
            }
        }
        let runs = runs(&words, &toks);
        let table = clusters();
        let class = lower.iter().map(|l| table.get(l)).collect();
        Doc { text, toks, words, lower, shape, gaz, lowercase_seen, capital_mid, runs, class }
    }

    pub fn len(&self) -> usize {
        self.toks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    /// Appends the features of token `i` to `out`.
    pub fn features(&self, i: usize, out: &mut Vec<u32>) {
        let n = self.len();
        let f = |t: u64, s: &str| xxh3_64_with_seed(s.as_bytes(), t) as u32;
        let f2 = |t: u64, a: &str, b: &str| {
            let h = xxh3_64_with_seed(a.as_bytes(), t);
            (xxh3_64_with_seed(b.as_bytes(), h) >> 32) as u32
        };
        let f3 = |t: u64, a: &str, b: &str, c: &str| {
            let h = xxh3_64_with_seed(a.as_bytes(), t);
            let h = xxh3_64_with_seed(b.as_bytes(), h);
            (xxh3_64_with_seed(c.as_bytes(), h) >> 32) as u32
        };
        let lw = |k: isize| -> &str {
            let j = i as isize + k;
            if j < 0 {
                "<s>"
            } else if j as usize >= n {
                "</s>"
            } else {
                &self.lower[j as usize]
            }
        };
        let sh = |k: isize| -> &str {
            let j = i as isize + k;
            if j < 0 || j as usize >= n {
                "#"
            } else {
                &self.shape[j as usize]
            }
        };
        let w = self.words[i];
        let l = &self.lower[i];
        let t = &self.toks[i];
        out.push(f(0, ""));
        out.push(f(1, l));
        out.push(f(2, w));
        out.push(f(3, sh(0)));
        // Prefixes of 1-3 and suffixes of 1-4 characters.
        let mut m = 0;
        for (k, (b, _)) in l.char_indices().skip(1).take(3).enumerate() {
            out.push(f(11 + k as u64, &l[..b]));
            m = k + 1;
        }
        if m < 3 {
            out.push(f(11 + m as u64, l));
        }
        for (k, (b, _)) in l.char_indices().rev().take(4).enumerate() {
            out.push(f(21 + k as u64, &l[b..]));
            m = m.max(k + 1);
        }
        out.push(f(30, lw(-1)));
        out.push(f(31, lw(1)));
        out.push(f(32, lw(-2)));
        out.push(f(33, lw(2)));
        out.push(f(34, sh(-1)));
        out.push(f(35, sh(1)));
        out.push(f2(36, lw(-1), l));
        out.push(f2(37, l, lw(1)));
        out.push(f3(38, sh(-1), sh(0), sh(1)));
        out.push(f2(39, sh(-2), sh(-1)));
        out.push(f2(40, sh(1), sh(2)));
        // Position and casing of the sentence and line.
        let pos = match (t.sent_start, t.caps_line) {
            (true, true) => "SC",
            (true, false) => "S",
            (false, true) => "C",
            (false, false) => "-",
        };
        out.push(f2(41, pos, sh(0)));
        if t.sent_start {
            out.push(f(42, l));
        }
        // Name lists: this token and its neighbours.
        let g = |k: isize| -> Tag {
            let j = i as isize + k;
            if j < 0 || j as usize >= n {
                Tag::default()
            } else {
                self.gaz[j as usize]
            }
        };
        for (k, off) in [(0u64, 0isize), (1, -1), (2, 1)] {
            let tag = g(off);
            let t = if tag.lower { 200 } else { 50 } + k * 20;
            for c in 0..CATEGORIES {
                if tag.begin & (1 << c) != 0 {
                    out.push(f(t + c as u64, "B"));
                }
                if tag.inside & (1 << c) != 0 {
                    out.push(f(t + c as u64, "I"));
                }
            }
        }
        // The document: is this capitalised word also written in lower case,
        // or capitalised mid-sentence elsewhere?
        if is_capitalised(w) {
            let lc = self.lowercase_seen.contains(l.as_ref());
            let mid = self.capital_mid.contains(w);
            out.push(f(
                90,
                match (lc, mid) {
                    (true, true) => "lm",
                    (true, false) => "l",
                    (false, true) => "m",
                    (false, false) => "-",
                },
            ));
            if t.sent_start || t.caps_line {
                out.push(f2(91, if lc { "l" } else { "-" }, if mid { "m" } else { "-" }));
            }
        }
        // The capitalised run: its head (last) and first words, its length,
        // and where this token is in it.
        let (ra, rb) = (self.runs[i].0 as usize, self.runs[i].1 as usize);
        if rb > ra {
            out.push(f(93, &self.lower[rb - 1]));
            out.push(f(94, &self.lower[ra]));
            let len = match rb - ra {
                1 => "1",
                2 => "2",
                3 => "3",
                _ => "4+",
            };
            let at = if i == ra {
                "B"
            } else if i + 1 == rb {
                "E"
            } else {
                "M"
            };
            out.push(f2(95, len, at));
            out.push(f2(96, at, &self.lower[rb - 1]));
            // The words around the run ("the" before it, "said" after it).
            out.push(f(97, if ra > 0 { &self.lower[ra - 1] } else { "<s>" }));
            out.push(f(98, if rb < n { &self.lower[rb] } else { "</s>" }));
        }
        // Word classes from unlabeled text: prefixes of this word's path,
        // and of its neighbours'; how the word is cased elsewhere.
        let cl = |k: isize| -> Option<WordClass> {
            let j = i as isize + k;
            if j < 0 || j as usize >= n {
                None
            } else {
                self.class[j as usize]
            }
        };
        match cl(0) {
            Some(c) => {
                for (k, p) in CLASS_PREFIXES.iter().enumerate() {
                    out.push(f(100 + k as u64, &c.path[..c.path.len().min(*p)]));
                }
                if is_capitalised(w) {
                    let case = [c.case];
                    out.push(f2(110, std::str::from_utf8(&case).unwrap_or("-"), pos));
                }
            }
            None => out.push(f2(110, "?", pos)),
        }
        for (t, k) in [(105u64, -1isize), (107, 1)] {
            match cl(k) {
                Some(c) => {
                    out.push(f(t, &c.path[..c.path.len().min(6)]));
                    out.push(f(t + 1, c.path));
                }
                None => out.push(f(t, "?")),
            }
        }
        let len = match l.chars().count() {
            0..=2 => "s",
            3..=5 => "m",
            _ => "l",
        };
        out.push(f2(92, len, sh(0)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_collapse_repeats() {
        assert_eq!(shape("Obama"), "Xx");
        assert_eq!(shape("U.S."), "X.X.");
        assert_eq!(shape("2014"), "d");
        assert_eq!(shape("iPhone"), "xXx");
    }

    #[test]
    fn features_are_deterministic_and_depend_on_context() {
        let d = Doc::new("Adam Kowalewski met Obama in Paris.");
        let mut a = Vec::new();
        let mut b = Vec::new();
        d.features(3, &mut a);
        d.features(3, &mut b);
        assert_eq!(a, b);
        let mut c = Vec::new();
        d.features(5, &mut c);
        assert_ne!(a, c);
    }
}
