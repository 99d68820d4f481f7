//! The cleaner: the article body with publisher boilerplate removed.
//!
//! Works unit by unit (a line, or a paragraph a scraper wrapped over several
//! lines) on text and markdown dumps; HTML pages are read by our own DOM
//! scorer into block units with their DOM evidence ([`html`]), judged by a
//! model of their own ([`html_model`]). Each unit goes
//! through the phrase and shape rules ([`rules`], phrases in
//! `assets/boilerplate.txt`), a repetition check across the library
//! ([`Repeats`]), then a small tree ensemble over context features
//! ([`features`], [`model`]). Every removed unit keeps its reason, so
//! nothing is lost silently (`byline clean --explain`, the reading pane's
//! toggle).

mod features;
mod html;
mod html_model;
mod model;
mod quads;
mod rules;
mod segment;

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::article::{Document, Format, Meta};
use segment::Unit;

/// What a kept block is, for styling in the reading pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    Paragraph,
    Heading,
    Quote,
    ListItem,
    Caption,
}

/// Why a line was removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Short machine name: `donation`, `title`, `dateline`, `image`...
    pub kind: &'static str,
    /// What matched, for a person reading the explanation.
    pub detail: String,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.detail.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{}: {}", self.kind, self.detail)
        }
    }
}

/// One block of the page in order: kept (with its kind) or removed (with
/// its reason). `text` is the plain text, markup reduced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    pub kind: BlockKind,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<Reason>,
}

/// The cleaned article: every block of the page, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Cleaned {
    pub blocks: Vec<Block>,
}

impl Cleaned {
    /// The blocks the reader shows.
    pub fn kept(&self) -> impl Iterator<Item = &Block> {
        self.blocks.iter().filter(|b| b.removed.is_none())
    }

    /// The blocks removed, with their reasons.
    pub fn removed(&self) -> impl Iterator<Item = &Block> {
        self.blocks.iter().filter(|b| b.removed.is_some())
    }

    /// The body as plain text: kept blocks but captions, paragraphs separated
    /// by one blank line.
    pub fn body_text(&self) -> String {
        let parts: Vec<&str> = self.kept().filter(|b| b.kind != BlockKind::Caption).map(|b| b.text.as_str()).collect();
        parts.join("\n\n")
    }
}

fn removed(kind: &'static str, detail: impl Into<String>) -> Option<Reason> {
    Some(Reason { kind, detail: detail.into() })
}

/// Lines that recur in many articles of the same source: navigation,
/// footers, pitches. Built once per library; cheap (a hash per line).
#[derive(Debug, Clone, Default)]
pub struct Repeats {
    /// Per source: how many articles, and in how many each line occurs.
    sources: HashMap<String, (u32, HashMap<u64, u32>)>,
}

/// A line must occur in at least this many articles of one source...
const REPEAT_MIN_DOCS: u32 = 3;

fn source_key(meta: &Meta) -> Option<String> {
    meta.source
        .clone()
        .or_else(|| meta.url.as_deref().and_then(super::formats::url_host))
        .map(|s| s.to_lowercase())
        .filter(|s| !s.is_empty())
}

/// `s.to_lowercase()`, with ASCII runs lower-cased byte by byte: the
/// standard one goes character by character after the first non-ASCII
/// chunk (one curly quote) and for every tail shorter than a chunk.
fn lowercase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    lowercase_into(s, &mut out);
    out
}

/// [`lowercase`], appended to `out`.
fn lowercase_into(s: &str, out: &mut String) {
    let start = out.len();
    if s.is_ascii() {
        out.push_str(s);
        out[start..].make_ascii_lowercase();
        return;
    }
    // `str::to_lowercase` lower-cases a capital sigma by its context.
    if s.contains('\u{3a3}') {
        out.push_str(&s.to_lowercase());
        return;
    }
    let mut rest = s;
    while !rest.is_empty() {
        let ascii = rest.bytes().position(|b| !b.is_ascii()).unwrap_or(rest.len());
        let start = out.len();
        out.push_str(&rest[..ascii]);
        out[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        if let Some(c) = rest.chars().next() {
            out.extend(c.to_lowercase());
            rest = &rest[c.len_utf8()..];
        }
    }
}

/// A line's hash, from its lower-cased text.
fn line_hash(lower: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(lower.as_bytes())
}

impl Repeats {
    /// Counts, per source, the articles each line occurs in.
    pub fn from_library<'a>(docs: impl IntoIterator<Item = (&'a Document, &'a Meta)>) -> Self {
        let mut r = Repeats::default();
        for (doc, meta) in docs {
            let Some(key) = source_key(meta) else { continue };
            let Units { units, .. } = units_of(doc);
            let seen: HashSet<u64> = units.iter().filter(|u| !u.text.is_empty()).map(|u| line_hash(&lowercase(&u.text))).collect();
            let entry = r.sources.entry(key).or_default();
            entry.0 += 1;
            for h in seen {
                *entry.1.entry(h).or_default() += 1;
            }
        }
        r
    }

    /// The counts of `meta`'s source, if the library has any.
    fn source(&self, meta: &Meta) -> Option<&(u32, HashMap<u64, u32>)> {
        if self.sources.is_empty() {
            return None;
        }
        self.sources.get(&source_key(meta)?)
    }
}

/// In how many articles of a source (its counts from [`Repeats::source`])
/// a line occurs (`lower`, its text lower-cased), when that makes it
/// boilerplate (a quarter of them, and at least three).
fn repeated(source: Option<&(u32, HashMap<u64, u32>)>, lower: &str) -> Option<u32> {
    let (docs, lines) = source?;
    let n = *lines.get(&line_hash(lower))?;
    (n >= REPEAT_MIN_DOCS && n * 4 >= *docs).then_some(n)
}

/// The units of a document to judge.
#[derive(Default)]
struct Units {
    units: Vec<Unit>,
    /// They came from an HTML page.
    html: bool,
    /// Per unit, its DOM evidence (HTML pages only; empty for dumps).
    dom: Vec<Vec<f32>>,
    /// Blocks of an HTML page its reader removed before judging.
    set_aside: Vec<html::SetAside>,
}

fn units_of(doc: &Document) -> Units {
    match doc.format {
        Format::Html => {
            // The markup passed `formats::cap_depth`; the reader caps
            // the depth of its own tree too.
            let page = html::read(&doc.text);
            Units { units: page.units, html: true, dom: page.features, set_aside: page.set_aside }
        }
        _ => Units { units: segment::units(&doc.text), ..Units::default() },
    }
}

/// Units, rule verdicts and feature rows of a document.
struct Analysis {
    units: Vec<Unit>,
    verdicts: Vec<Option<Reason>>,
    /// What the rules saw in each unit.
    hints: Vec<features::Hints>,
    /// One row of `features::WIDTH` per unit, row after row.
    rows: Vec<f32>,
    /// Units of extracted HTML (not of a dump, nor of a whole page).
    html: bool,
    /// Per unit, the DOM evidence of an HTML page (empty for dumps).
    dom: Vec<Vec<f32>>,
    set_aside: Vec<html::SetAside>,
}

fn analyse(doc: &Document, meta: &Meta, repeats: &Repeats) -> Analysis {
    let Units { units, html, dom, set_aside } = units_of(doc);
    let page = rules::Page::new(meta);
    let source = repeats.source(meta);
    // Every unit lower-cased, into one buffer for the page.
    let mut buf = String::with_capacity(units.iter().map(|u| u.text.len()).sum());
    let ends: Vec<usize> = units
        .iter()
        .map(|u| {
            lowercase_into(&u.text, &mut buf);
            buf.len()
        })
        .collect();
    let lower: Vec<&str> = ends.iter().scan(0, |start, &end| Some(&buf[std::mem::replace(start, end)..end])).collect();
    let mut verdicts = Vec::with_capacity(units.len());
    let mut hints = Vec::with_capacity(units.len());
    for (u, lower) in units.iter().zip(&lower) {
        let (reason, hint) = rules::classify(u, lower, &page);
        let reason =
            reason.or_else(|| repeated(source, lower).and_then(|n| removed("repeated", format!("in {n} articles of this source"))));
        verdicts.push(reason);
        hints.push(hint);
    }
    let rows = features::features(&units, &lower, &hints, &meta.title, html);
    Analysis { units, verdicts, hints, rows, html, dom, set_aside }
}

/// Why the model judged a unit not to be article text, in words.
fn model_detail(row: &[f32], p: f64) -> String {
    /// Where the features it reads are in a row (looked up once).
    static AT: std::sync::OnceLock<[Option<usize>; 7]> = std::sync::OnceLock::new();
    let at = AT.get_or_init(|| {
        ["link_share", "link_rate", "log_words", "list", "in_main_run", "before_main", "win_link_share"]
            .map(|name| features::NAMES.iter().position(|n| *n == name))
    });
    let get = |i: usize| at[i].map(|i| row[i]).unwrap_or(0.0);
    let (link_share, link_rate, log_words, list, in_main_run, before_main, win_link_share) =
        (get(0), get(1), get(2), get(3), get(4), get(5), get(6));
    // The longest explanation has 87 bytes.
    let mut detail = String::with_capacity(88);
    detail.push_str("article score ");
    push_two_decimals(&mut detail, p);
    let mut why = |reason: &str| {
        detail.push_str(if detail.ends_with(|c: char| c.is_ascii_digit()) { ": " } else { ", " });
        detail.push_str(reason);
    };
    if link_share > 0.5 || link_rate > 0.3 {
        why("mostly links");
    }
    if log_words < 2.0 {
        why("short");
    }
    if list > 0.0 {
        why("a list item");
    }
    if in_main_run == 0.0 {
        why(if before_main > 0.0 { "before the main text" } else { "after the main text" });
    }
    if win_link_share > 0.4 {
        why("among links");
    }
    detail
}

/// Appends `format!("{p:.2}")` for a probability `p`: the same digits (the
/// exact binary value rounded, ties to even, as the standard formatting
/// does), in integer arithmetic instead of the general float formatter,
/// which cost more than the rest of a removed unit's explanation.
fn push_two_decimals(out: &mut String, p: f64) {
    use std::fmt::Write;
    if !(0.0..=1.0).contains(&p) || p.is_sign_negative() {
        let _ = write!(out, "{p:.2}");
        return;
    }
    // p = m * 2^-k exactly, with k >= 52 for any p <= 1.
    let bits = p.to_bits();
    let (exponent, fraction) = ((bits >> 52) as i64, bits & ((1 << 52) - 1));
    let (m, k) = if exponent == 0 { (fraction, 1074) } else { (fraction | 1 << 52, 1075 - exponent) };
    // Hundredths: m * 100 / 2^k, rounded (a value this small is 0).
    let hundredths = if k >= 127 {
        0
    } else {
        let scaled = u128::from(m) * 100;
        let (q, r, half) = (scaled >> k, scaled & ((1 << k) - 1), 1u128 << (k - 1));
        q + u128::from(r > half || (r == half && q % 2 == 1))
    };
    // At most 100, as p <= 1.
    let digit = |d: u128| char::from(b'0' + d as u8);
    out.extend([digit(hundredths / 100), '.', digit(hundredths / 10 % 10), digit(hundredths % 10)]);
}

/// Cleans one article's document.
pub fn clean(doc: &Document, meta: &Meta) -> Cleaned {
    clean_with(doc, meta, &Repeats::default())
}

/// Cleans one article's document, also removing lines that recur across
/// the library's articles of the same source.
pub fn clean_with(doc: &Document, meta: &Meta, repeats: &Repeats) -> Cleaned {
    let Analysis { units, mut verdicts, hints, rows, html, dom, set_aside } = analyse(doc, meta, repeats);
    let m = model::model();
    let row = |k: usize| &rows[k * features::WIDTH..(k + 1) * features::WIDTH];
    // The model only judges what the rules left; HTML pages have their own
    // model over the line features and the DOM evidence.
    let judged: Vec<usize> = (0..units.len()).filter(|&k| verdicts[k].is_none()).collect();
    let mut probs = vec![0.0; units.len()];
    let threshold = if html && !dom.is_empty() {
        let hm = html_model::model();
        let mut judged_probs = vec![0.0; judged.len()];
        hm.predict_units(&rows, features::WIDTH, &dom, &judged, &mut judged_probs);
        for (&k, p) in judged.iter().zip(judged_probs) {
            probs[k] = p;
        }
        hm.threshold
    } else {
        let mut judged_probs = vec![0.0; judged.len()];
        m.predict_rows(&rows, features::WIDTH, &judged, &mut judged_probs);
        for (&k, p) in judged.iter().zip(judged_probs) {
            probs[k] = p;
        }
        if html {
            m.html_threshold
        } else {
            m.threshold
        }
    };
    let mut kinds: Vec<BlockKind> = units.iter().map(|u| u.kind).collect();
    for (k, u) in units.iter().enumerate() {
        if verdicts[k].is_some() || u.kind == BlockKind::Caption {
            continue;
        }
        let after_image = k > 0 && units[k - 1].image;
        let caption = rules::caption(u, &hints[k]).is_some_and(|strong| strong || after_image || probs[k] < threshold);
        if caption {
            // Kept apart from the body, shown as a caption.
            kinds[k] = BlockKind::Caption;
        } else if probs[k] < threshold {
            verdicts[k] = removed("model", model_detail(row(k), probs[k]));
        }
    }
    restore_structure(&units, &mut verdicts, &kinds);
    if !html {
        mend_outline(&units, &mut verdicts, &kinds, &probs);
        cut_comment_thread(&units, &mut verdicts, &kinds);
        drop_detached(&units, &mut verdicts, &kinds, &probs);
    }
    // Never an empty body: bring back the units the model liked best.
    let body = |v: &[Option<Reason>], kinds: &[BlockKind]| v.iter().zip(kinds).any(|(r, k)| r.is_none() && *k != BlockKind::Caption);
    if !body(&verdicts, &kinds) {
        let best =
            (0..units.len()).filter(|&k| verdicts[k].as_ref().is_some_and(|r| r.kind == "model")).map(|k| probs[k]).fold(0.0, f64::max);
        for k in 0..units.len() {
            if verdicts[k].as_ref().is_some_and(|r| r.kind == "model") && probs[k] >= best * 0.5 && best > 0.0 {
                verdicts[k] = None;
            }
        }
    }
    if !body(&verdicts, &kinds) {
        // Everything fell to the rules: keep the longest line of prose.
        if let Some(k) = (0..units.len())
            .filter(|&k| !units[k].image && !units[k].text.is_empty() && kinds[k] != BlockKind::Caption)
            .max_by_key(|&k| units[k].text.len())
        {
            verdicts[k] = None;
        }
    }
    let mut aside = set_aside.into_iter().peekable();
    let mut blocks = Vec::with_capacity(units.len() + aside.len());
    let push_aside = |blocks: &mut Vec<Block>, s: html::SetAside| {
        blocks.push(Block { kind: s.unit.kind, text: s.unit.text, removed: self::removed(s.kind, s.detail) });
    };
    for (k, ((u, removed), kind)) in units.into_iter().zip(verdicts).zip(kinds).enumerate() {
        while let Some(s) = aside.next_if(|s| s.before <= k) {
            push_aside(&mut blocks, s);
        }
        let text = if u.text.is_empty() { crate::core::sanitize::sanitize_line(&u.raw) } else { u.text };
        blocks.push(Block { kind, text, removed });
    }
    for s in aside {
        push_aside(&mut blocks, s);
    }
    Cleaned { blocks }
}

/// Brings back the structure of the article that a line model, judging
/// units one by one, takes for debris: a subheading or a list item that
/// stands between kept body text on both sides. Only the model's verdicts
/// are undone; what a rule removed stays removed.
fn restore_structure(units: &[Unit], verdicts: &mut [Option<Reason>], kinds: &[BlockKind]) {
    let n = units.len();
    let by_model = |v: &Option<Reason>| v.as_ref().is_some_and(|r| r.kind == "model");
    let kept_text = |j: usize, v: &[Option<Reason>]| v[j].is_none() && matches!(kinds[j], BlockKind::Paragraph | BlockKind::Quote);
    // Subheadings: kept text right before and right after.
    for k in 1..n.saturating_sub(1) {
        if kinds[k] == BlockKind::Heading && by_model(&verdicts[k]) && units[k].text.split_whitespace().count() <= 12 {
            let before = verdicts[k - 1].is_none() && matches!(kinds[k - 1], BlockKind::Paragraph | BlockKind::Quote | BlockKind::ListItem);
            if before && kept_text(k + 1, verdicts) {
                verdicts[k] = None;
            }
        }
    }
    // Lists: a run of items after kept text, most of them kept or all of
    // them sentences (bullet points of the story, not menus or links), is
    // kept whole.
    let sentence = |j: usize| {
        let t = units[j].text.trim_end_matches(['"', '\u{201d}', ')']);
        t.ends_with(['.', '!', '?']) && t.split_whitespace().count() >= 4 && units[j].link_chars == 0
    };
    // Lone sentences: a sentence the model removed with kept text right
    // after it and kept text (or the page's start, past lines the rules
    // removed) before it.
    for k in 0..n.saturating_sub(1) {
        if !by_model(&verdicts[k]) || kinds[k] != BlockKind::Paragraph || !sentence(k) || !kept_text(k + 1, verdicts) {
            continue;
        }
        let before = (0..k).rev().find(|&j| verdicts[j].as_ref().is_none_or(|r| r.kind == "model"));
        if before.is_none_or(|j| kept_text(j, verdicts)) {
            verdicts[k] = None;
        }
    }
    let mut a = 0;
    while a < n {
        if kinds[a] != BlockKind::ListItem {
            a += 1;
            continue;
        }
        let b = (a..n).find(|&j| kinds[j] != BlockKind::ListItem).unwrap_or(n);
        let kept = (a..b).filter(|&j| verdicts[j].is_none()).count();
        if a > 0 && kept_text(a - 1, verdicts) && (kept * 2 >= b - a || (a..b).all(sentence)) {
            for v in &mut verdicts[a..b] {
                if by_model(v) {
                    *v = None;
                }
            }
        }
        a = b;
    }
}

/// The least article score of a paragraph brought back at the body's
/// edges, and its least words (`mend_outline`).
const EDGE_MIN_SCORE: f64 = 0.1;
const EDGE_MIN_WORDS: usize = 12;
/// The least article score of a paragraph brought back between two kept
/// paragraphs.
const GAP_MIN_SCORE: f64 = 0.2;

/// Mends the body's outline where the model, judging units one by one,
/// cut it short: a paragraph it removed between two kept paragraphs, and
/// long link-free paragraphs right after the last kept paragraph and right
/// before the first (images and captions between are passed over). Only
/// paragraphs the model gave some chance come back, and only the model's
/// verdicts are undone. Measured by cross-validating the whole cleaner
/// (`scripts/train-clean.py --pipeline-cv`): dump forms' mean F1 0.912 ->
/// 0.917. Text dumps only: on HTML it measured 0.9775 against 0.9792.
fn mend_outline(units: &[Unit], verdicts: &mut [Option<Reason>], kinds: &[BlockKind], probs: &[f64]) {
    let n = units.len();
    let by_model = |v: &Option<Reason>| v.as_ref().is_some_and(|r| r.kind == "model");
    let text_unit = |k: usize| !units[k].image && kinds[k] != BlockKind::Caption;
    let kept_paragraph = |k: usize, v: &[Option<Reason>]| v[k].is_none() && matches!(kinds[k], BlockKind::Paragraph | BlockKind::Quote);
    let paragraph = |k: usize, min_score: f64, min_words: usize| {
        kinds[k] == BlockKind::Paragraph
            && units[k].link_chars == 0
            && probs[k] >= min_score
            && units[k].text.split_whitespace().nth(min_words.saturating_sub(1)).is_some()
    };
    // After the last kept paragraph.
    if let Some(last) = (0..n).rev().find(|&k| verdicts[k].is_none() && kinds[k] == BlockKind::Paragraph) {
        for k in (last + 1..n).filter(|&k| text_unit(k)) {
            if !(by_model(&verdicts[k]) && paragraph(k, EDGE_MIN_SCORE, EDGE_MIN_WORDS)) {
                break;
            }
            verdicts[k] = None;
        }
    }
    // Between two kept paragraphs.
    let text: Vec<usize> = (0..n).filter(|&k| text_unit(k)).collect();
    for w in text.windows(3) {
        let (a, k, b) = (w[0], w[1], w[2]);
        if by_model(&verdicts[k]) && kept_paragraph(a, verdicts) && kept_paragraph(b, verdicts) && paragraph(k, GAP_MIN_SCORE, 1) {
            verdicts[k] = None;
        }
    }
    // Before the first kept paragraph.
    if let Some(first) = (0..n).find(|&k| verdicts[k].is_none() && kinds[k] == BlockKind::Paragraph) {
        for k in (0..first).rev().filter(|&k| text_unit(k)) {
            if !(by_model(&verdicts[k]) && paragraph(k, EDGE_MIN_SCORE, EDGE_MIN_WORDS)) {
                break;
            }
            verdicts[k] = None;
        }
    }
}

/// The words of a unit's text, which has them one space apart.
fn word_count(text: &str) -> usize {
    if text.is_empty() {
        0
    } else {
        memchr::memchr_iter(b' ', text.as_bytes()).count() + 1
    }
}

/// How much of the kept text must come before a comment thread's header
/// for it to end the article: a share of the kept words, or a number of
/// them (`cut_comment_thread`).
const THREAD_AFTER_SHARE: f64 = 0.5;
const THREAD_AFTER_WORDS: usize = 200;

/// The entries of a word-list asset: its lines without trailing spaces,
/// less empty lines and `#` comments (a leading space is kept: " ago").
pub(crate) fn asset_entries(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines().map(str::trim_end).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The words of a comment thread's header, from
/// `assets/clean-thread-start.txt`.
fn thread_start_words() -> &'static [&'static str] {
    static W: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    W.get_or_init(|| {
        let words: Vec<&str> = asset_entries(include_str!("../../../assets/clean-thread-start.txt")).collect();
        // Matched ignoring ASCII case, without lower-casing the line.
        assert!(words.iter().all(|w| w.is_ascii()), "assets/clean-thread-start.txt: ASCII words only");
        words
    })
}

/// Ends the body at a comment thread: a short line that is not a sentence
/// and names comments or a discussion ("Leave a Comment", "167 comments",
/// a comment prompt the rules removed), once half of the kept words or
/// [`THREAD_AFTER_WORDS`] of them came before it. Readers' comments are
/// prose, and the model keeps long ones; what it kept after the header is
/// removed. Pipeline CV of the dump forms' mean F1: 0.919 -> 0.925, with
/// no article text lost on any dev page.
fn cut_comment_thread(units: &[Unit], verdicts: &mut [Option<Reason>], kinds: &[BlockKind]) {
    let words = |k: usize| word_count(&units[k].text);
    let kept = |k: usize, v: &[Option<Reason>]| v[k].is_none() && kinds[k] != BlockKind::Caption;
    let total: usize = (0..units.len()).filter(|&k| kept(k, verdicts)).map(words).sum();
    let header = |k: usize| {
        let t = units[k].text.trim_end();
        verdicts[k].as_ref().is_some_and(|r| r.kind == "comments")
            || (t.len() <= 80
                && words(k) <= 5
                && !t.ends_with(['.', '!', '?', '"', '\u{201d}'])
                && thread_start_words().iter().any(|w| t.as_bytes().windows(w.len()).any(|x| x.eq_ignore_ascii_case(w.as_bytes()))))
    };
    let mut before = 0;
    for k in 0..units.len() {
        if (before >= THREAD_AFTER_WORDS || before as f64 >= THREAD_AFTER_SHARE * total as f64) && before > 0 && header(k) {
            for j in k + 1..units.len() {
                if kept(j, verdicts) {
                    verdicts[j] = removed("comments", "after the comment thread's header");
                }
            }
            return;
        }
        if kept(k, verdicts) {
            before += words(k);
        }
    }
}

/// How many removed lines in a row part one block of kept text from the
/// next (`drop_detached`).
const DETACHED_GAP: usize = 15;

/// Removes kept text far from the article: the kept units fall into blocks
/// parted by [`DETACHED_GAP`] or more removed text units; a block with
/// less than half the weight of the heaviest (words times article score)
/// is teaser cards, a related story or a stray line, not the article.
/// Pipeline CV of the dump forms' mean F1: 0.926 -> 0.930 (a gap of 10-35
/// units gives 0.928-0.930; precision up on every form; recall down only
/// on listicles the model had already cut into fragments).
fn drop_detached(units: &[Unit], verdicts: &mut [Option<Reason>], kinds: &[BlockKind], probs: &[f64]) {
    let text_unit = |k: usize| !units[k].image && kinds[k] != BlockKind::Caption && !units[k].text.is_empty();
    let kept = |k: usize, v: &[Option<Reason>]| v[k].is_none() && kinds[k] != BlockKind::Caption;
    let words = |k: usize| word_count(&units[k].text);
    // (first unit, last unit, words) of each block.
    let mut blocks: Vec<(usize, usize, f64)> = Vec::new();
    // A block weighs its words times their article scores: teaser
    // headlines are many words the model barely kept.
    let weight = |k: usize| words(k) as f64 * probs[k];
    let mut removed_since = 0;
    for k in (0..units.len()).filter(|&k| text_unit(k)) {
        if !kept(k, verdicts) {
            removed_since += 1;
            continue;
        }
        match blocks.last_mut() {
            Some(b) if removed_since < DETACHED_GAP => {
                b.1 = k;
                b.2 += weight(k);
            }
            _ => blocks.push((k, k, weight(k))),
        }
        removed_since = 0;
    }
    let Some(main) = blocks.iter().map(|b| b.2).max_by(f64::total_cmp) else { return };
    for &(first, last, n) in &blocks {
        if n * 2.0 < main {
            for k in first..=last {
                if kept(k, verdicts) {
                    verdicts[k] = removed("detached", format!("kept text {DETACHED_GAP} or more removed lines away from the article"));
                }
            }
        }
    }
}

/// One unit as the model sees it, for training (`byline clean --features`).
#[derive(Debug, Serialize)]
pub struct FeatureRow {
    pub text: String,
    /// The rule that removes the unit whatever the model says, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
    pub caption: bool,
    pub features: Vec<f32>,
    /// The DOM evidence of a block of an HTML page ([`dom_feature_names`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dom: Vec<f32>,
}

/// The names of the DOM features, in the order of [`FeatureRow::dom`].
pub fn dom_feature_names() -> &'static [&'static str] {
    html::NAMES
}

/// The feature names, in the order of [`FeatureRow::features`].
pub fn feature_names() -> &'static [&'static str] {
    features::NAMES
}

/// The model's input for every unit of a document.
pub fn feature_rows(doc: &Document, meta: &Meta) -> Vec<FeatureRow> {
    let a = analyse(doc, meta, &Repeats::default());
    let mut dom = a.dom.into_iter();
    a.units
        .into_iter()
        .zip(a.verdicts)
        .zip(a.rows.chunks(features::WIDTH).map(<[f32]>::to_vec))
        .map(|((u, v), features)| FeatureRow {
            caption: u.kind == BlockKind::Caption,
            text: u.text,
            rule: v.map(|r| r.kind),
            features,
            dom: dom.next().unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document { format: Format::Text, text: text.into() }
    }

    #[test]
    fn units_are_lower_cased_as_the_standard_library_does() {
        for s in [
            "",
            "ASCII Only",
            "\u{201c}Quoted\u{201d} CAF\u{c9} Stra\u{df}e",
            "\u{130}stanbul \u{130}I",
            "\u{3a3}\u{39f}\u{3a3} \u{39f}\u{3a3}",
            "\u{41f}\u{420}\u{418}\u{412}\u{415}\u{422} World",
            "\u{5148}\u{65e5}ABC\u{3002}",
            "\u{1e9e}\u{2126}\u{212a}\u{212b} K",
        ] {
            assert_eq!(lowercase(s), s.to_lowercase(), "{s:?}");
            let mut out = String::from("Before ");
            lowercase_into(s, &mut out);
            assert_eq!(out, format!("Before {}", s.to_lowercase()), "{s:?}");
        }
    }

    #[test]
    fn scores_are_written_as_the_standard_formatting_writes_them() {
        let mut values = vec![0.0, -0.0, 1.0, 0.125, 0.375, 0.625, 0.875, 0.005, 0.015, 0.995, 0.9999, 1e-300, 5e-324, 1.5, -0.2, f64::NAN];
        // Around every rounding edge, and spread over [0, 1].
        for i in 0..=200 {
            let edge = i as f64 / 200.0;
            values.extend([edge, f64::from_bits(edge.to_bits() + 1), f64::from_bits(edge.to_bits().saturating_sub(1))]);
        }
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push((x >> 11) as f64 / (1u64 << 53) as f64);
        }
        for p in values {
            let mut s = String::new();
            push_two_decimals(&mut s, p);
            assert_eq!(s, format!("{p:.2}"), "{p:e}");
        }
    }

    #[test]
    fn donation_and_comment_prompts_are_removed_with_reasons() {
        let meta = Meta { title: "A title for it".into(), ..Meta::default() };
        let c = clean(
            &doc("A title for it\nYour support helps us to tell the story\nThe minister spoke today.\nJoin our commenting forum\nComments"),
            &meta,
        );
        assert_eq!(c.body_text(), "The minister spoke today.");
        let reasons: Vec<&str> = c.removed().map(|b| b.removed.as_ref().unwrap().kind).collect();
        assert_eq!(reasons, vec!["title", "donation", "comments", "comments"]);
    }

    #[test]
    fn subheadings_and_lists_inside_the_article_stay() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tui/ferry.md")).unwrap();
        let doc = Document { format: Format::Markdown, text };
        let meta = crate::core::formats::text_meta(&doc.text);
        let c = clean(&doc, &meta);
        let kept: Vec<(BlockKind, &str)> = c.kept().map(|b| (b.kind, b.text.as_str())).collect();
        assert!(kept.contains(&(BlockKind::Heading, "Objections")), "{kept:?}");
        assert!(kept.contains(&(BlockKind::ListItem, "Construction starts in September.")), "{kept:?}");
        assert!(kept.contains(&(BlockKind::ListItem, "The old pier will close for a year.")), "{kept:?}");
        // The pitches after the list are still removed.
        assert!(!c.body_text().contains("Your support"));
    }

    #[test]
    fn a_menu_list_before_the_article_is_not_brought_back() {
        let body = "The harbour council approved plans for a new ferry terminal on Tuesday, after two years of debate about its size, its cost and the traffic it would bring to the coast road.";
        let text = format!("* [Home](/)\n* [News](/news)\n* [Sport](/sport)\n* [Weather](/weather)\n\n# Ferry terminal approved\n\n{body}\n\n{body}\n\n{body}\n");
        let c = clean(&Document { format: Format::Markdown, text }, &Meta { title: "Ferry terminal approved".into(), ..Meta::default() });
        assert!(!c.body_text().contains("Sport"), "{}", c.body_text());
    }

    /// `mend_outline` over a dump whose units the model scored `probs`
    /// (removed under 0.4); the units kept after it.
    fn mended(text: &str, probs: &[f64]) -> Vec<usize> {
        let units = segment::units(text);
        assert_eq!(units.len(), probs.len(), "{units:?}");
        let kinds: Vec<BlockKind> = units.iter().map(|u| u.kind).collect();
        let mut verdicts: Vec<Option<Reason>> =
            probs.iter().map(|&p| (p < 0.4).then(|| Reason { kind: "model", detail: String::new() })).collect();
        mend_outline(&units, &mut verdicts, &kinds, probs);
        (0..units.len()).filter(|&k| verdicts[k].is_none()).collect()
    }

    #[test]
    fn the_outline_gets_back_paragraphs_at_its_edges_and_in_its_gaps() {
        let long = "The council voted on Tuesday to build the new terminal beside the old pier, after two years of debate.";
        let short = "It passed.";
        // A long paragraph before the first kept one and after the last one,
        // past an image; a paragraph between two kept ones.
        let text = format!("{long}\n\n![](photo.jpg)\n\n{long}\n\n{short}\n\n{long}\n\n{long}\n");
        assert_eq!(mended(&text, &[0.15, 0.0, 0.9, 0.25, 0.9, 0.15]), [0, 2, 3, 4, 5]);
        // Not when the model gave them no chance, nor short ones at the edges,
        // nor links, nor two in a row between kept ones.
        assert_eq!(mended(&text, &[0.05, 0.0, 0.9, 0.1, 0.9, 0.05]), [2, 4]);
        let text = format!("{short}\n\n{long}\n\n{long}\n\n[{long}](/next)\n");
        assert_eq!(mended(&text, &[0.3, 0.9, 0.9, 0.3]), [1, 2]);
        let text = format!("{long}\n\n{long}\n\n{long}\n\n{long}\n\n{long}\n");
        assert_eq!(mended(&text, &[0.9, 0.3, 0.3, 0.9, 0.05]), [0, 3]);
    }

    /// `cut_comment_thread` over a dump whose units are all kept; the
    /// units still kept after it.
    fn after_thread_cut(text: &str) -> Vec<String> {
        let units = segment::units(text);
        let kinds: Vec<BlockKind> = units.iter().map(|u| u.kind).collect();
        let mut verdicts = vec![None; units.len()];
        cut_comment_thread(&units, &mut verdicts, &kinds);
        (0..units.len()).filter(|&k| verdicts[k].is_none()).map(|k| units[k].text.clone()).collect()
    }

    #[test]
    fn a_comment_thread_after_the_article_is_cut_but_a_sentence_about_comment_is_not() {
        let para = "The council voted on Tuesday to build the new terminal beside the old pier, after two years of debate.";
        let reader = "I have taken this ferry for thirty years and nobody on the council has ever asked us what we think of it.";
        let text = format!("{para}\n\n{para}\n\n{para}\n\n## 12 Comments\n\n{reader}\n\n{reader}\n");
        let kept = after_thread_cut(&text);
        assert_eq!(kept.len(), 4, "{kept:?}");
        assert!(!kept.iter().any(|t| t == reader));
        // A sentence is not a header, and a header before most of the
        // article (a "12 comments" link under the headline) ends nothing.
        for text in [
            format!("{para}\n\n{para}\n\nThe mayor declined to comment.\n\n{para}\n\n{para}\n"),
            format!("{para}\n\n[12 comments](#comments)\n\n{para}\n\n{para}\n\n{para}\n"),
        ] {
            assert_eq!(after_thread_cut(&text).len(), 5, "{text}");
        }
    }

    /// `drop_detached` over a dump whose units are kept except those in
    /// `removed`; the units still kept after it.
    /// Kept units score 0.9, or `low` for those in `weak`.
    fn after_detached(text: &str, removed: &[usize]) -> Vec<usize> {
        after_detached_scored(text, removed, &[], 0.9)
    }

    fn after_detached_scored(text: &str, removed: &[usize], weak: &[usize], low: f64) -> Vec<usize> {
        let units = segment::units(text);
        let kinds: Vec<BlockKind> = units.iter().map(|u| u.kind).collect();
        let mut verdicts: Vec<Option<Reason>> =
            (0..units.len()).map(|k| removed.contains(&k).then(|| Reason { kind: "model", detail: String::new() })).collect();
        let probs: Vec<f64> = (0..units.len())
            .map(|k| {
                if removed.contains(&k) {
                    0.1
                } else if weak.contains(&k) {
                    low
                } else {
                    0.9
                }
            })
            .collect();
        drop_detached(&units, &mut verdicts, &kinds, &probs);
        (0..units.len()).filter(|&k| verdicts[k].is_none()).collect()
    }

    #[test]
    fn kept_text_far_from_the_article_is_dropped_unless_it_is_large() {
        let para = "The council voted on Tuesday to build the new terminal beside the old pier, after two years of debate.";
        let teaser = "Ten things to do in the harbour this weekend.";
        let menu = |n: usize| (0..n).map(|i| format!("Menu entry {i}")).collect::<Vec<_>>().join("\n\n");
        // Three paragraphs, 15 removed lines, a teaser: the teaser goes.
        let text = format!("{para}\n\n{para}\n\n{para}\n\n{}\n\n{teaser}\n", menu(15));
        let removed: Vec<usize> = (3..18).collect();
        assert_eq!(after_detached(&text, &removed), [0, 1, 2]);
        // 14 removed lines do not part it from the article.
        let text = format!("{para}\n\n{para}\n\n{para}\n\n{}\n\n{teaser}\n", menu(14));
        let removed: Vec<usize> = (3..17).collect();
        assert_eq!(after_detached(&text, &removed), [0, 1, 2, 17]);
        // A far block with half the article's words is kept: the article
        // went on after a long embed.
        let text = format!("{para}\n\n{para}\n\n{}\n\n{para}\n", menu(20));
        let removed: Vec<usize> = (2..22).collect();
        assert_eq!(after_detached(&text, &removed), [0, 1, 22]);
        // Teasers with more words than the article but barely kept weigh
        // less than it.
        let text = format!("{para}\n\n{}\n\n{teaser}\n\n{teaser}\n\n{teaser}\n\n{teaser}\n", menu(15));
        let removed: Vec<usize> = (1..16).collect();
        assert_eq!(after_detached_scored(&text, &removed, &[16, 17, 18, 19], 0.2), [0]);
        // Scored as high as the article, they weigh more: both stay.
        assert_eq!(after_detached_scored(&text, &removed, &[16, 17, 18, 19], 0.9), [0, 16, 17, 18, 19]);
    }

    #[test]
    fn link_markup_is_reduced_and_images_dropped() {
        let c = clean(&doc("His comments come [a day after a report](#) on spying.\n![](x.jpg)"), &Meta::default());
        assert_eq!(c.body_text(), "His comments come a day after a report on spying.");
        assert_eq!(c.removed().count(), 1);
    }

    #[test]
    fn long_prose_that_mentions_a_phrase_is_kept() {
        let long = format!("He said readers who subscribe to newspapers {}", "read more. ".repeat(50));
        let c = clean(&doc(&long), &Meta::default());
        assert_eq!(c.kept().count(), 1);
    }

    #[test]
    fn html_main_content_is_extracted() {
        let para =
            "The council voted on Tuesday to approve the new budget, which raises spending on schools and roads by a tenth over last year.";
        let html = format!(
            "<html><body><nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav><article><h1>Budget passes</h1><p>{para}</p><p>{para} It takes effect in May.</p><p>{para} Opponents said it was too much.</p></article><footer><a href='/privacy'>Privacy policy</a></footer><script>x()</script></body></html>"
        );
        let d = Document { format: Format::Html, text: html };
        let c = clean(&d, &Meta { title: "Budget passes".into(), ..Meta::default() });
        let body = c.body_text();
        assert!(
            body.starts_with(para) && body.contains("It takes effect in May.") && body.ends_with("Opponents said it was too much."),
            "{body}"
        );
        assert!(!body.contains("Home") && !body.contains("Privacy"));
    }
}
