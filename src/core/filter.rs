//! Fuzzy filtering over titles with fuzzy-matcher's skim algorithm.
//!
//! fuzzy-matcher folds case for ASCII only, so both sides are folded here
//! first, one character for one character (so match positions still index
//! the original), which makes "ökonomie" find "Ökonomie".
//!
//! Two ways in:
//! - [`filter`] and [`Query`]: one query over a slice of titles.
//! - [`Filterer`]: the incremental engine for typing. It folds the titles
//!   once into one contiguous buffer, re-scores only the previous matches
//!   when the query grows, keeps a stack of earlier match sets so backspace
//!   costs nothing, picks the top K with a bounded heap instead of sorting
//!   everything, splits large scans over the machine's cores, and can be
//!   cancelled when a newer query arrives. [`FilterWorker`] runs one on a
//!   thread of its own so the interface never waits for it.
//!
//! skim matches exactly when the query's characters appear in the title in
//! order, so the engine finds and counts matches without the matcher, and
//! runs the matcher only on titles that may enter the top K: every match
//! carries a cheap upper bound of its score, and [`Filterer::top`] takes
//! titles best bound first, tightens the bound from skim's recurrences over
//! the query characters' occurrences, and scores with the matcher until the
//! K-th best score beats every bound left. Results are exactly the
//! matcher's (the tests compare them with the bare matcher).

use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

/// One item that matched: its index in the input, and its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub index: usize,
    pub score: i64,
}

impl Match {
    /// Ranking order: higher score first, then input order.
    fn rank(&self) -> (std::cmp::Reverse<i64>, usize) {
        (std::cmp::Reverse(self.score), self.index)
    }
}

/// Folds case per character, keeping one char per char.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// Appends the folded form of `s` to `out`.
pub fn fold_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_lowercase();
    } else {
        out.extend(s.chars().map(fold_char));
    }
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

/// True when the bytes of `needle` occur in `hay` in order. Necessary for a
/// fuzzy match (the query's characters, hence its bytes, in order), and
/// much cheaper than the matcher.
#[inline]
fn has_subsequence(hay: &[u8], needle: &[u8]) -> bool {
    let mut rest = hay;
    for &b in needle {
        match memchr::memchr(b, rest) {
            Some(i) => rest = &rest[i + 1..],
            None => return false,
        }
    }
    true
}

/// The part of `item` that decides the skim score of `query`: from the
/// character before the first occurrence of the query's first character to
/// the last occurrence of its last character. The matcher's scores do not
/// depend on where a match starts (no leading-gap penalty), the bonus of a
/// character depends only on it and the one before it, and nothing after the
/// last possible end of a match is read, so the score over the window is the
/// score over the whole item, for less work. (Positions would be shifted:
/// [`Query::positions`] uses the whole item.)
#[inline]
fn scoring_window<'a>(item: &'a str, query: &str) -> &'a str {
    let (Some(first), Some(last)) = (query.chars().next(), query.chars().next_back()) else {
        return item;
    };
    let (Some(start), Some(end)) = (item.find(first), item.rfind(last)) else {
        return item;
    };
    let start = item[..start].char_indices().next_back().map_or(0, |(i, _)| i);
    let end = end + last.len_utf8();
    if start < end {
        &item[start..end]
    } else {
        item
    }
}

/// A compiled query, reusable over many items (and across threads).
///
/// Scores are those of fuzzy-matcher's `SkimMatcherV2` (respecting case, on
/// folded text) as a fresh matcher gives them. A matcher reuses its score
/// matrix between calls on a thread and, for some queries, reads a bonus
/// left there by an earlier title (see [`Query::reads_stale_bonus`]), so the
/// same title could score differently after different titles; for those
/// queries each title gets a fresh matcher.
pub struct Query {
    folded: String,
    matcher: SkimMatcherV2,
    /// Score each item with a fresh matcher (see above).
    fresh: bool,
}

impl Query {
    pub fn new(query: &str) -> Self {
        let folded = fold(query.trim());
        let fresh = Self::reads_stale_bonus(&folded);
        Query { folded, matcher: SkimMatcherV2::default().respect_case(), fresh }
    }

    /// True when fuzzy-matcher 0.3 (`fuzzy_match`, two-row matrix) may read
    /// the consecutive-match bonus of a cell no call for this item wrote.
    /// Row `i` of the pattern reads, in its first column (and in any column
    /// the pattern's character `i` matches), a bonus written by row `i - 2`
    /// only if row `i - 2`'s character did not match there; it is left from
    /// an earlier call only when that goes back to row 0 of the same
    /// physical row (even `i`) and the read counts: characters
    /// `0, 2, .., i - 2` and `i - 1` all the same.
    fn reads_stale_bonus(folded: &str) -> bool {
        let q: Vec<char> = folded.chars().collect();
        let mut evens_same = true;
        for i in (2..q.len()).step_by(2) {
            evens_same &= q[i - 2] == q[0];
            if evens_same && q[i - 1] == q[0] {
                return true;
            }
        }
        false
    }

    pub fn is_empty(&self) -> bool {
        self.folded.is_empty()
    }

    /// The query as matched: trimmed and case-folded.
    pub fn folded(&self) -> &str {
        &self.folded
    }

    /// The score of one item, or `None` when it does not match.
    pub fn score(&self, item: &str) -> Option<i64> {
        if self.folded.is_empty() {
            return Some(0);
        }
        self.score_folded(&fold(item))
    }

    /// The score of an item already folded with [`fold`].
    #[inline]
    pub fn score_folded(&self, folded_item: &str) -> Option<i64> {
        if self.folded.is_empty() {
            return Some(0);
        }
        if !has_subsequence(folded_item.as_bytes(), self.folded.as_bytes()) {
            return None;
        }
        self.matcher_score(scoring_window(folded_item, &self.folded))
    }

    /// The matcher's score of a folded item (or of its scoring window).
    #[inline]
    fn matcher_score(&self, folded_item: &str) -> Option<i64> {
        if self.fresh {
            SkimMatcherV2::default().respect_case().fuzzy_match(folded_item, &self.folded)
        } else {
            self.matcher.fuzzy_match(folded_item, &self.folded)
        }
    }

    /// Character positions in `item` that the query matched, for highlighting.
    pub fn positions(&self, item: &str) -> Vec<usize> {
        self.positions_folded(&fold(item))
    }

    /// [`Query::positions`] for an item already folded with [`fold`].
    pub fn positions_folded(&self, folded_item: &str) -> Vec<usize> {
        if self.folded.is_empty() || !has_subsequence(folded_item.as_bytes(), self.folded.as_bytes()) {
            return vec![];
        }
        // A fresh matcher: the full matrix can read stale bonuses too, and
        // this runs for a screenful of rows only.
        SkimMatcherV2::default().respect_case().fuzzy_indices(folded_item, &self.folded).map(|(_, p)| p).unwrap_or_default()
    }
}

/// Filters `items` by `query`: the matches, best first; ties keep input
/// order. An empty query matches everything in input order.
pub fn filter<S: AsRef<str>>(query: &str, items: &[S]) -> Vec<Match> {
    Filterer::new(items).filter_all(query)
}

/// Many strings in one buffer: one allocation instead of one per title.
/// Each item is followed by a newline, so a file of clean lines can be
/// taken as it is, and an item can be written out with its line end.
#[derive(Debug, Clone, Default)]
pub struct TitleBuf {
    text: String,
    /// `starts[i]..starts[i + 1] - 1` is item `i` (then its newline); one
    /// more entry than items.
    starts: Vec<usize>,
}

impl TitleBuf {
    pub fn new() -> Self {
        TitleBuf { text: String::new(), starts: vec![0] }
    }

    pub fn with_capacity(items: usize, bytes: usize) -> Self {
        let mut starts = Vec::with_capacity(items + 1);
        starts.push(0);
        TitleBuf { text: String::with_capacity(bytes), starts }
    }

    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push('\n');
        self.starts.push(self.text.len());
    }

    /// Appends `s` case-folded.
    pub fn push_folded(&mut self, s: &str) {
        fold_into(s, &mut self.text);
        self.text.push('\n');
        self.starts.push(self.text.len());
    }

    /// One item per line of `text` (a final newline ends the last line, it
    /// does not start an empty one; a carriage return before a newline is
    /// dropped), each passed through `clean`. Large texts are split on two
    /// threads; the order is kept.
    pub fn from_lines<F>(text: String, clean: F) -> TitleBuf
    where
        F: for<'a> Fn(&'a str) -> std::borrow::Cow<'a, str> + Sync,
    {
        if text.is_empty() {
            return TitleBuf::new();
        }
        let body = text.strip_suffix('\n').unwrap_or(&text);
        let mid = body.len() / 2;
        let split = if body.len() >= 1 << 20 { memchr::memchr(b'\n', &body.as_bytes()[mid..]).map(|i| mid + i) } else { None };
        let parts: Vec<(usize, &str)> = match split {
            None => vec![(0, body)],
            Some(at) => vec![(0, &body[..at]), (at + 1, &body[at + 1..])],
        };
        let clean = &clean;
        // First try to keep the text as it is: every line clean, no CR.
        let starts_of = |(base, part): (usize, &str)| -> Option<Vec<usize>> {
            let mut starts = Vec::with_capacity(part.len() / 48);
            let mut at = base;
            for line in part.split('\n') {
                if line.ends_with('\r') || !matches!(clean(line), std::borrow::Cow::Borrowed(c) if c.len() == line.len()) {
                    return None;
                }
                at += line.len() + 1;
                starts.push(at);
            }
            Some(starts)
        };
        let kept: Option<Vec<Vec<usize>>> = std::thread::scope(|s| {
            let handles: Vec<_> = parts.iter().skip(1).map(|&p| s.spawn(move || starts_of(p))).collect();
            let first = starts_of(parts[0]);
            std::iter::once(first).chain(handles.into_iter().map(|h| h.join().expect("line thread panicked"))).collect()
        });
        if let Some(kept) = kept {
            let mut starts = Vec::with_capacity(kept.iter().map(Vec::len).sum::<usize>() + 1);
            starts.push(0);
            for k in kept {
                starts.extend(k);
            }
            let mut text = text;
            if !text.ends_with('\n') {
                text.push('\n');
            }
            return TitleBuf { text, starts };
        }
        let part = |(_, part): (usize, &str)| {
            let mut b = TitleBuf::with_capacity(part.len() / 48, part.len() + part.len() / 32);
            for line in part.split('\n') {
                b.push(&clean(line.strip_suffix('\r').unwrap_or(line)));
            }
            b
        };
        let mut bufs: Vec<TitleBuf> = std::thread::scope(|s| {
            let handles: Vec<_> = parts.iter().skip(1).map(|&p| s.spawn(move || part(p))).collect();
            let first = part(parts[0]);
            std::iter::once(first).chain(handles.into_iter().map(|h| h.join().expect("line thread panicked"))).collect()
        });
        let mut all = bufs.remove(0);
        for b in &bufs {
            all.append(b);
        }
        all
    }

    /// Appends every item of `other`.
    pub fn append(&mut self, other: &TitleBuf) {
        let base = self.text.len();
        self.text.push_str(&other.text);
        self.starts.extend(other.starts[1..].iter().map(|s| s + base));
    }

    pub fn get(&self, i: usize) -> &str {
        &self.text[self.starts[i]..self.starts[i + 1] - 1]
    }

    /// [`TitleBuf::get`] as bytes (no check of character boundaries).
    #[inline]
    fn bytes(&self, i: usize) -> &[u8] {
        &self.text.as_bytes()[self.starts[i]..self.starts[i + 1] - 1]
    }

    /// Item `i` followed by its newline.
    pub fn line(&self, i: usize) -> &str {
        &self.text[self.starts[i]..self.starts[i + 1]]
    }

    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

impl<S: AsRef<str>> FromIterator<S> for TitleBuf {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut b = TitleBuf::new();
        for s in iter {
            b.push(s.as_ref());
        }
        b
    }
}

/// The query was overtaken by a newer one before it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

/// Tells a running query that it is stale: it runs while `counter` still
/// holds `generation`.
#[derive(Clone, Copy)]
pub struct Cancel<'a> {
    pub counter: &'a AtomicU64,
    pub generation: u64,
}

impl Cancel<'_> {
    fn stale(&self) -> bool {
        self.counter.load(Ordering::Relaxed) != self.generation
    }
}

/// How many candidates to check between looks at the cancellation counter.
const CANCEL_EVERY: usize = 2048;
/// Below this many candidates a scan stays on one thread.
const PARALLEL_MIN: usize = 20_000;

/// One character of a folded query, as the bytes it has in a folded title.
#[derive(Debug, Clone, Copy)]
struct QChar {
    bytes: [u8; 4],
    len: u8,
}

impl QChar {
    fn of(c: char) -> Self {
        let mut bytes = [0; 4];
        let len = c.encode_utf8(&mut bytes).len() as u8;
        QChar { bytes, len }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }

    /// True when this character ends right before byte `p` of `hay`.
    #[inline]
    fn ends_at(&self, hay: &[u8], p: usize) -> bool {
        if self.len == 1 {
            p > 0 && hay[p - 1] == self.bytes[0]
        } else {
            hay[..p].ends_with(self.as_bytes())
        }
    }

    /// The first occurrence of this character in `hay` at byte `from` or
    /// later. A character's whole encoding found as bytes always starts on
    /// a character boundary (UTF-8 synchronises itself), so this is exact.
    #[inline]
    fn find(&self, hay: &[u8], from: usize) -> Option<usize> {
        let first = self.bytes[0];
        let mut at = from;
        loop {
            let i = at + memchr::memchr(first, hay.get(at..)?)?;
            if self.len == 1 || hay[i..].starts_with(self.as_bytes()) {
                return Some(i);
            }
            at = i + 1;
        }
    }
}

/// skim's in-place bonus (fuzzy-matcher 0.3 `SkimMatcherV2`, default score
/// configuration) of the character that starts at byte `p` of `hay`, when
/// `hay` is the whole string given to the matcher: 16 for the first
/// character (a head, doubled), 8 after the start of a word (after a hard
/// separator or NUL), 7 after other punctuation, 6 for an ASCII capital
/// after a lower-case letter or digit, else 0. A non-ASCII character counts
/// as lower case, so any byte of one (all >= 0x80) does too.
#[inline]
fn place_bonus(hay: &[u8], p: usize) -> i32 {
    if p == 0 {
        return 16;
    }
    match hay[p - 1] {
        0 | b' ' | b'/' | b'\\' | b'|' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => 8,
        b'!'..=b'\'' | b'*'..=b'.' | b':'..=b'@' | b'^'..=b'`' | b'~' => 7,
        b'A'..=b'Z' => 0,
        _ if hay[p].is_ascii_uppercase() => 6,
        _ => 0,
    }
}

/// An upper bound of what query character `c` adds to a title's skim score,
/// `c` being matched first at byte `at` (its greedy, leftmost place after
/// the query's earlier characters) and `prev` the query character before it
/// (`None` for the first).
///
/// From fuzzy-matcher 0.3's `build_score_matrix`: a match of `c` in column
/// `j` scores 16 plus either (consecutive) the previous character's score
/// plus `max(carried, bonus[j], 4)`, or (after a gap) the gap row plus
/// `bonus[j]`, the gap row being at most the previous character's best
/// score minus 4. The carried bonus is read from a cell that, whenever the
/// consecutive move can win, holds 0 or a value written for the same column
/// (`max(.., bonus[j], 4)`), so the consecutive move adds at most
/// `max(bonus[j], 4)`; it needs `prev` right before `j`. The first
/// character adds 16 - 1 + `bonus[j]` (its gap row is -1). The matcher only
/// fills columns after a character's leftmost possible place, so only
/// occurrences at `at` or later count; stale cells of the two-row matrix
/// carry scores of earlier characters, which are lower (each character adds
/// at least 12). So the score is at most the sum of these bounds; the tests
/// check it against the matcher.
#[inline]
fn char_bound(hay: &[u8], c: &QChar, prev: Option<&QChar>, at: usize) -> i32 {
    let best_possible = if prev.is_none() { 15 } else { 8 };
    let mut best = i32::MIN;
    let mut p = at;
    loop {
        let b = place_bonus(hay, p);
        let v = match prev {
            None => b - 1,
            Some(q) if q.ends_at(hay, p) => b.max(4),
            Some(_) => b - 4,
        };
        best = best.max(v);
        if best >= best_possible {
            break;
        }
        match c.find(hay, p + 1) {
            Some(n) => p = n,
            None => break,
        }
    }
    16 + best
}

/// Reusable buffers for [`chain_bound`]: per query character, (character
/// index, skim's best score for the query up to it ending there) for each
/// of its occurrences, for the last three characters; and the character
/// index of each byte of a non-ASCII title.
#[derive(Default)]
struct Chain {
    rows: [Vec<(usize, i32)>; 3],
    char_at: Vec<usize>,
}

/// Stands for minus infinity in [`chain_bound`] (far from overflowing).
const NEG: i32 = -1 << 24;

/// A tight upper bound of the skim score of a title matching `q`, checked
/// before the matcher runs on a title that may enter the top K: skim's own
/// recurrences (see [`char_bound`]) over the occurrences of the query's
/// characters only. A gap of `g` characters after a match costs `3 + g`;
/// row `i` of skim's two-row matrix starts from a cell last written by row
/// `i - 2` (its score and gap values at that column), which can be worth
/// more than the real way when gaps are long. So far as the tests see, this
/// is the matcher's score; the top K only relies on it being no lower.
/// `None` when the title does not match.
fn chain_bound(hay: &[u8], q: &[QChar], ch: &mut Chain) -> Option<i32> {
    let ascii = hay.is_ascii();
    if !ascii {
        ch.char_at.clear();
        let mut n = 0;
        for &b in hay {
            ch.char_at.push(n);
            n += usize::from(b & 0xC0 != 0x80);
        }
        ch.char_at.push(n);
    }
    let Chain { rows: [r2, r1, cur], char_at } = ch;
    let at = |p: usize| if ascii { p } else { char_at[p] };
    // Of the previous two characters: the leftmost match (character
    // index), the gap value their row starts from.
    let (mut g1, mut g2) = (0usize, 0usize);
    let (mut s1, mut s2) = (NEG, NEG);
    let mut row_max = NEG;
    let mut stale_m = NEG;
    let mut start = 0;
    r1.clear();
    r2.clear();
    for (i, c) in q.iter().enumerate() {
        let first = c.find(hay, start)?;
        start = first + c.len as usize;
        let g = at(first);
        // The cell this row starts from: row 0's is reset, row 1's is the
        // reset row before the pattern (gap value -1), row i's holds row
        // i - 2's score and gap value in the column of character g - 1.
        let s = match i {
            0 => NEG,
            1 => -2,
            _ => {
                let mut m = NEG;
                let mut p = s2 - (g - g2 - 1) as i32;
                for &(x, v) in r2.iter() {
                    if x + 1 == g {
                        m = v;
                    } else if x + 2 <= g {
                        p = p.max(v + x as i32 - g as i32 - 2);
                    } else {
                        break;
                    }
                }
                stale_m = m;
                (m - 4).max(p - 1)
            }
        };
        cur.clear();
        let (mut j, mut run) = (0, NEG);
        row_max = NEG;
        let mut p = first;
        loop {
            let b = place_bonus(hay, p);
            let x = at(p);
            let m = if i == 0 {
                15 + b
            } else {
                // The gap row of the previous character: from its matches
                // at least one character back (a gap of g costs 3 + g), or
                // from its starting cell, one less per column.
                while j < r1.len() && r1[j].0 + 1 < x {
                    run = run.max(r1[j].1 + r1[j].0 as i32);
                    j += 1;
                }
                let mut best = (run - x as i32 - 2).max(s1 - (x - g1 - 1) as i32) + b;
                if j < r1.len() && r1[j].0 + 1 == x {
                    best = best.max(r1[j].1 + b.max(4));
                }
                16 + best
            };
            row_max = row_max.max(m);
            cur.push((x, m));
            match c.find(hay, p + 1) {
                Some(n) => p = n,
                None => break,
            }
        }
        std::mem::swap(r2, r1);
        std::mem::swap(r1, cur);
        (g2, g1) = (g1, g);
        (s2, s1) = (s1, s);
    }
    // The last row's maximum also reads its starting cell's score.
    Some(row_max.max(if q.len() >= 3 { stale_m } else { NEG }))
}

/// A title that matches a query (the query's characters appear in it in
/// order, which is exactly when skim matches), kept per level of the stack.
#[derive(Debug, Clone, Copy)]
struct Cand {
    index: u32,
    /// Byte just past the leftmost match of the query's last character: a
    /// longer query only searches on from here.
    end: u32,
    /// An upper bound of the title's skim score (the sum of [`char_bound`]s).
    bound: i32,
}

/// Extends a title's match from query character `from` on (the first `from`
/// characters ending at byte `end`, with score bound `bound`); `None` when
/// the title does not have the rest of the query in order.
#[inline]
fn extend(hay: &[u8], q: &[QChar], from: usize, mut end: usize, mut bound: i32) -> Option<(u32, i32)> {
    for i in from..q.len() {
        let p = q[i].find(hay, end)?;
        bound += char_bound(hay, &q[i], i.checked_sub(1).map(|j| &q[j]), p);
        end = p + q[i].len as usize;
    }
    Some((end as u32, bound))
}

struct Level {
    /// The folded query this level answers.
    query: String,
    /// The titles it matches, in input order.
    cands: Vec<Cand>,
}

/// The best matches found so far by the parts of a top-K scan, shared: a
/// max-heap by rank (its top is the worst kept), and that worst as a
/// [`rank_key`] for the parts to read without the lock (0 until full).
struct Best {
    k: usize,
    heap: Mutex<BinaryHeap<(std::cmp::Reverse<i64>, usize)>>,
    worst: AtomicU64,
}

/// Orders (score, index) as the ranking does: a larger key ranks first.
fn rank_key(score: i64, index: usize) -> u64 {
    let score = score.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
    (u64::from((score as u32) ^ 0x8000_0000) << 32) | u64::from(!(index as u32))
}

impl Best {
    /// True when a title of this index scoring at most `bound` cannot be
    /// among the best `k`: `k` titles already rank before it.
    fn rules_out(&self, bound: i64, index: usize) -> bool {
        rank_key(bound, index) < self.worst.load(Ordering::Relaxed)
    }

    fn offer(&self, score: i64, index: usize) {
        let mut heap = self.heap.lock().expect("top-K lock");
        let r = (std::cmp::Reverse(score), index);
        if heap.len() < self.k {
            heap.push(r);
        } else if heap.peek().is_some_and(|top| r < *top) {
            heap.pop();
            heap.push(r);
        }
        if heap.len() == self.k {
            let &(std::cmp::Reverse(s), i) = heap.peek().expect("k > 0");
            self.worst.store(rank_key(s, i), Ordering::Relaxed);
        }
    }
}

/// The incremental filter over a fixed list of titles.
///
/// Matching (and so the count) needs no scoring: skim matches exactly when
/// the query's characters appear in the title in order, so each level keeps
/// the matching titles with where the match ends, and a character typed
/// searches on from there. Scores are computed by the matcher only for the
/// titles that can enter the top K: each level also keeps an upper bound of
/// every title's score, and [`Filterer::top`] scores titles by falling
/// bound until the K-th best score beats the next bound.
pub struct Filterer {
    folded: TitleBuf,
    /// Match sets of the current query and of its prefixes (shortest first).
    /// The empty query (everything) is implicit below the first level.
    stack: Vec<Level>,
    query: Query,
    threads: usize,
    /// Below this many candidates a scan stays on one thread.
    parallel_min: usize,
    /// The last answer of [`Filterer::top`]: (query, k, matches), dropped
    /// when the query changes. Typing a space leaves the trimmed query as
    /// it was; its answer is reused.
    last_top: Mutex<Option<(String, usize, Vec<Match>)>>,
}

impl Filterer {
    /// Folds the titles once. Scans use every core the machine offers.
    pub fn new<S: AsRef<str>>(items: &[S]) -> Self {
        let bytes = items.iter().map(|s| s.as_ref().len()).sum();
        let mut folded = TitleBuf::with_capacity(items.len(), bytes);
        for s in items {
            folded.push_folded(s.as_ref());
        }
        Self::from_folded(folded)
    }

    /// Builds from a [`TitleBuf`] of titles as they are (folds them, on two
    /// threads when there are many).
    pub fn from_titles(titles: &TitleBuf) -> Self {
        // Folding the whole text at once keeps every item where it was when
        // no character changes its length in bytes (nearly always); else
        // item by item.
        let text = &titles.text;
        let fold_part = |part: &str| -> Option<String> {
            if part.is_ascii() {
                return Some(part.to_ascii_lowercase());
            }
            let mut out = String::with_capacity(part.len());
            for c in part.chars() {
                let f = fold_char(c);
                if f.len_utf8() != c.len_utf8() {
                    return None;
                }
                out.push(f);
            }
            Some(out)
        };
        let mid = text.len() / 2;
        let split = if text.len() >= 1 << 20 { memchr::memchr(b'\n', &text.as_bytes()[mid..]).map(|i| mid + i + 1) } else { None };
        let folded = match split {
            None => fold_part(text),
            Some(at) => {
                let (a, b) = std::thread::scope(|s| {
                    let second = s.spawn(|| fold_part(&text[at..]));
                    (fold_part(&text[..at]), second.join().expect("fold thread panicked"))
                });
                a.zip(b).map(|(mut a, b)| {
                    a.push_str(&b);
                    a
                })
            }
        };
        if let Some(folded) = folded {
            return Self::from_folded(TitleBuf { text: folded, starts: titles.starts.clone() });
        }
        let mut folded = TitleBuf::with_capacity(titles.len(), text.len());
        for t in titles.iter() {
            folded.push_folded(t);
        }
        Self::from_folded(folded)
    }

    fn from_folded(folded: TitleBuf) -> Self {
        assert!(folded.len() <= u32::MAX as usize, "too many titles");
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        Filterer { folded, stack: Vec::new(), query: Query::new(""), threads, parallel_min: PARALLEL_MIN, last_top: Mutex::new(None) }
    }

    /// Sets how many threads a large scan may use (at least one).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Number of titles.
    pub fn len(&self) -> usize {
        self.folded.len()
    }

    pub fn is_empty(&self) -> bool {
        self.folded.is_empty()
    }

    /// The current query, folded.
    pub fn query(&self) -> &str {
        self.query.folded()
    }

    /// Makes `query` the current query.
    pub fn set_query(&mut self, query: &str) {
        let never = AtomicU64::new(0);
        let _ = self.run(query, Cancel { counter: &never, generation: 0 });
    }

    /// Like [`Filterer::set_query`], but gives up as soon as `cancel` says
    /// the query is stale. After a cancel the engine is still consistent
    /// (its current query is some prefix of the abandoned one).
    pub fn set_query_cancellable(&mut self, query: &str, cancel: Cancel<'_>) -> Result<(), Cancelled> {
        self.run(query, cancel)
    }

    fn run(&mut self, query: &str, cancel: Cancel<'_>) -> Result<(), Cancelled> {
        let q = Query::new(query);
        // Backspace (or an edit): drop the levels the new query does not extend.
        while self.stack.last().is_some_and(|l| !q.folded.starts_with(&l.query)) {
            self.stack.pop();
        }
        let same = match self.stack.last() {
            Some(l) => l.query == q.folded,
            None => q.folded.is_empty(),
        };
        if q.folded != self.query.folded {
            // A new query: the last top K is for another one.
            *self.last_top.get_mut().expect("last top lock") = None;
        }
        if !same {
            let cands = self.scan(&q, cancel)?;
            self.stack.push(Level { query: q.folded.clone(), cands });
        }
        self.query = q;
        Ok(())
    }

    /// How many threads a pass over `n` candidates uses.
    fn threads_for(&self, n: usize) -> usize {
        if n >= self.parallel_min {
            self.threads.min(n / (self.parallel_min / 2).max(1)).max(1)
        } else {
            1
        }
    }

    /// Runs `work(part, lo, hi)` over `0..n` split in contiguous parts on up
    /// to [`Filterer::threads_for`] threads; the parts' results in order.
    fn split<T: Send>(&self, n: usize, work: impl Fn(usize, usize, usize) -> T + Sync) -> Vec<T> {
        let threads = self.threads_for(n);
        if threads == 1 {
            return vec![work(0, 0, n)];
        }
        let chunk = n.div_ceil(threads);
        std::thread::scope(|s| {
            let work = &work;
            let handles: Vec<_> = (0..threads).map(|t| s.spawn(move || work(t, (t * chunk).min(n), ((t + 1) * chunk).min(n)))).collect();
            handles.into_iter().map(|h| h.join().expect("filter thread panicked")).collect()
        })
    }

    /// The titles matching `q`, from the deepest level's (all titles if none).
    fn scan(&self, q: &Query, cancel: Cancel<'_>) -> Result<Vec<Cand>, Cancelled> {
        let chars: Vec<QChar> = q.folded.chars().map(QChar::of).collect();
        let prev = self.stack.last().map(|l| (l.query.chars().count(), l.cands.as_slice()));
        let n = prev.map_or(self.folded.len(), |(_, c)| c.len());
        let chars = &chars;
        let parts = self.split(n, |_, lo, hi| -> Result<Vec<Cand>, Cancelled> {
            let Some((from, prev)) = prev else {
                return self.scan_titles(chars, lo, hi, cancel);
            };
            let mut out = Vec::new();
            for start in (lo..hi).step_by(CANCEL_EVERY) {
                if cancel.stale() {
                    return Err(Cancelled);
                }
                for c in &prev[start..(start + CANCEL_EVERY).min(hi)] {
                    let hay = self.folded.bytes(c.index as usize);
                    if let Some((end, bound)) = extend(hay, chars, from, c.end as usize, c.bound) {
                        out.push(Cand { index: c.index, end, bound });
                    }
                }
            }
            Ok(out)
        });
        let mut out = Vec::with_capacity(parts.iter().map(|p| p.as_ref().map_or(0, Vec::len)).sum());
        for p in parts {
            out.extend(p?);
        }
        Ok(out)
    }

    /// The titles `lo..hi` that match `q` (not empty): one search of their
    /// whole text for the query's first character finds the titles that
    /// have it, skipping the others at memchr's speed.
    fn scan_titles(&self, q: &[QChar], lo: usize, hi: usize, cancel: Cancel<'_>) -> Result<Vec<Cand>, Cancelled> {
        let text = self.folded.text.as_bytes();
        let starts = &self.folded.starts;
        let stop = starts[hi];
        let mut out = Vec::new();
        let (mut t, mut at) = (lo, starts[lo]);
        for round in 0usize.. {
            if round % CANCEL_EVERY == 0 && cancel.stale() {
                return Err(Cancelled);
            }
            let Some(i) = memchr::memchr(q[0].bytes[0], &text[at..stop]) else { break };
            let pos = at + i;
            while starts[t + 1] <= pos {
                t += 1;
            }
            let hay = &text[starts[t]..starts[t + 1] - 1];
            let first = pos - starts[t];
            if first >= hay.len() || !hay[first..].starts_with(q[0].as_bytes()) {
                at = pos + 1;
                continue;
            }
            // The title's first occurrence: match the rest from here.
            if let Some((end, bound)) = extend(hay, q, 0, first, 0) {
                out.push(Cand { index: t as u32, end, bound });
            }
            t += 1;
            at = starts[t];
        }
        Ok(out)
    }

    /// The skim score of a title known to match the current query.
    #[inline]
    fn score_of(&self, index: u32) -> i64 {
        let title = self.folded.get(index as usize);
        self.query.matcher_score(scoring_window(title, &self.query.folded)).unwrap_or(i64::MIN)
    }

    /// How many titles the current query matches.
    pub fn count(&self) -> usize {
        match self.stack.last() {
            Some(l) => l.cands.len(),
            None => self.folded.len(),
        }
    }

    /// The current matches in input order.
    pub fn matches_unordered(&self) -> Vec<Match> {
        let Some(level) = self.stack.last() else {
            return (0..self.folded.len()).map(|index| Match { index, score: 0 }).collect();
        };
        let cands = &level.cands;
        let parts = self.split(cands.len(), |_, lo, hi| {
            cands[lo..hi].iter().map(|c| Match { index: c.index as usize, score: self.score_of(c.index) }).collect::<Vec<_>>()
        });
        parts.concat()
    }

    /// The best `k` matches, best first (ties in input order): the head of
    /// [`Filterer::sorted`], found without scoring most matches.
    pub fn top(&self, k: usize) -> Vec<Match> {
        let never = AtomicU64::new(0);
        self.top_cancellable(k, Cancel { counter: &never, generation: 0 }).unwrap_or_default()
    }

    /// [`Filterer::top`] that gives up when `cancel` says it is stale.
    pub fn top_cancellable(&self, k: usize, cancel: Cancel<'_>) -> Result<Vec<Match>, Cancelled> {
        let Some(level) = self.stack.last() else {
            return Ok((0..self.folded.len().min(k)).map(|index| Match { index, score: 0 }).collect());
        };
        if k == 0 {
            return Ok(vec![]);
        }
        let mut last = self.last_top.lock().expect("last top lock");
        if let Some((q, lk, top)) = last.as_ref() {
            if *q == self.query.folded && *lk == k {
                return Ok(top.clone());
            }
        }
        let cands = &level.cands;
        let chars: Vec<QChar> = self.query.folded.chars().map(QChar::of).collect();
        let best = Best { k, heap: Mutex::new(BinaryHeap::with_capacity(k + 1)), worst: AtomicU64::new(0) };
        for part in self.split(cands.len(), |_, lo, hi| self.top_of(&cands[lo..hi], &chars, &best, cancel)) {
            part?;
        }
        let heap = best.heap.into_inner().expect("top-K lock");
        let top: Vec<Match> = heap.into_sorted_vec().into_iter().map(|(s, index)| Match { index, score: s.0 }).collect();
        *last = Some((self.query.folded.clone(), k, top.clone()));
        Ok(top)
    }

    /// Offers the best of `cands` (in input order) to `best`.
    ///
    /// Best first by bound: the titles wait in order of their cheap bound
    /// (kept per level); the next one gets its tight bound ([`chain_bound`])
    /// and joins a queue ordered by that; the matcher scores the head of the
    /// queue whenever no waiting title's cheap bound is higher. A title is
    /// dropped when its bound cannot beat the K-th best score (a tie loses
    /// to a lower index); when the best one waiting is dropped so are all.
    fn top_of(&self, cands: &[Cand], chars: &[QChar], best: &Best, cancel: Cancel<'_>) -> Result<(), Cancelled> {
        if cands.is_empty() {
            return Ok(());
        }
        // Counting sort by cheap bound, highest first; stable, so input
        // order within a bound.
        let (lo, hi) = cands.iter().fold((i32::MAX, i32::MIN), |(lo, hi), c| (lo.min(c.bound), hi.max(c.bound)));
        let mut starts = vec![0usize; (hi - lo) as usize + 2];
        for c in cands {
            starts[(hi - c.bound) as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut order = vec![0u32; cands.len()];
        for (i, c) in cands.iter().enumerate() {
            let slot = &mut starts[(hi - c.bound) as usize];
            order[*slot] = i as u32;
            *slot += 1;
        }
        // Titles with their tight bound: highest bound, then lowest index.
        let mut queue: BinaryHeap<(i32, std::cmp::Reverse<u32>)> = BinaryHeap::new();
        let mut chain = Chain::default();
        let mut next = 0;
        let out = |bound: i32, index: u32| best.rules_out(i64::from(bound), index as usize);
        for round in 0usize.. {
            if round % 1024 == 0 && cancel.stale() {
                return Err(Cancelled);
            }
            if queue.peek().is_some_and(|&(b, std::cmp::Reverse(i))| out(b, i)) {
                queue.clear();
            }
            if order.get(next).is_some_and(|&i| out(cands[i as usize].bound, cands[i as usize].index)) {
                next = order.len();
            }
            let waiting = order.get(next).map(|&i| cands[i as usize]);
            match (queue.peek(), waiting) {
                (None, None) => break,
                (top, Some(c)) if top.is_none_or(|&(b, _)| b < c.bound) => {
                    next += 1;
                    let tight = chain_bound(self.folded.bytes(c.index as usize), chars, &mut chain).unwrap_or(i32::MIN);
                    debug_assert!(tight <= c.bound);
                    if !out(tight, c.index) {
                        queue.push((tight, std::cmp::Reverse(c.index)));
                    }
                }
                _ => {
                    let (tight, std::cmp::Reverse(index)) = queue.pop().expect("a title waits");
                    let score = self.score_of(index);
                    debug_assert!(score <= i64::from(tight), "bound {tight} below score {score} of {:?}", self.folded.get(index as usize));
                    best.offer(score, index as usize);
                }
            }
        }
        Ok(())
    }

    /// Every title matching `query`, best first (ties in input order), in
    /// one pass that scores each match as it is found: for a single query
    /// (`byline filter`), where every match is scored anyway. Leaves the
    /// current query as it was.
    pub fn filter_all(&self, query: &str) -> Vec<Match> {
        let q = Query::new(query);
        if q.is_empty() {
            return (0..self.folded.len()).map(|index| Match { index, score: 0 }).collect();
        }
        let chars: Vec<QChar> = q.folded.chars().map(QChar::of).collect();
        let text = self.folded.text.as_bytes();
        let starts = &self.folded.starts;
        let parts = self.split(self.folded.len(), |_, lo, hi| {
            let mut out = Vec::new();
            let (mut t, mut at, stop) = (lo, starts[lo], starts[hi]);
            while let Some(i) = memchr::memchr(chars[0].bytes[0], &text[at..stop]) {
                let pos = at + i;
                while starts[t + 1] <= pos {
                    t += 1;
                }
                let hay = &text[starts[t]..starts[t + 1] - 1];
                let first = pos - starts[t];
                if first >= hay.len() || !hay[first..].starts_with(chars[0].as_bytes()) {
                    at = pos + 1;
                    continue;
                }
                let mut end = first + chars[0].len as usize;
                let matched = chars[1..].iter().all(|c| c.find(hay, end).map(|p| end = p + c.len as usize).is_some());
                if matched {
                    let title = self.folded.get(t);
                    if let Some(score) = q.matcher_score(scoring_window(title, &q.folded)) {
                        out.push(Match { index: t, score });
                    }
                }
                t += 1;
                at = starts[t];
            }
            out
        });
        let mut v = parts.concat();
        v.sort_unstable_by_key(Match::rank);
        v
    }

    /// Every match, best first (ties in input order).
    pub fn sorted(&self) -> Vec<Match> {
        let mut v = self.matches_unordered();
        if self.stack.last().is_some() {
            v.sort_unstable_by_key(Match::rank);
        }
        v
    }

    /// Highlight positions (character indices) of title `index` under the
    /// current query: call it for the rows on screen only.
    pub fn positions(&self, index: usize) -> Vec<usize> {
        self.query.positions_folded(self.folded.get(index))
    }
}

/// What the worker reports for one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterResult {
    /// The number [`FilterWorker::query`] returned for this query.
    pub generation: u64,
    pub query: String,
    /// How many titles match in all.
    pub total: usize,
    /// The best matches, best first, at most the worker's `k`.
    pub top: Vec<Match>,
}

/// A [`Filterer`] on its own thread. [`FilterWorker::query`] returns at once;
/// a query still running when a newer one arrives is abandoned, and only
/// the newest query's result is reported (through the callback, which can
/// forward it to the interface's event channel).
pub struct FilterWorker {
    tx: Option<mpsc::Sender<(u64, String)>>,
    generation: Arc<AtomicU64>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl FilterWorker {
    /// Starts the worker; it reports the best `k` matches of each query.
    pub fn spawn(mut filterer: Filterer, k: usize, mut on_result: impl FnMut(FilterResult) + Send + 'static) -> Self {
        let (tx, rx) = mpsc::channel::<(u64, String)>();
        let generation = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&generation);
        let handle = std::thread::Builder::new()
            .name("byline-filter".into())
            .spawn(move || {
                while let Ok(mut job) = rx.recv() {
                    // Only the newest waiting query matters.
                    while let Ok(newer) = rx.try_recv() {
                        job = newer;
                    }
                    let (gen, query) = job;
                    let cancel = Cancel { counter: &counter, generation: gen };
                    if filterer.set_query_cancellable(&query, cancel).is_err() {
                        continue;
                    }
                    let Ok(top) = filterer.top_cancellable(k, cancel) else { continue };
                    if cancel.stale() {
                        continue;
                    }
                    on_result(FilterResult { generation: gen, query, total: filterer.count(), top });
                }
            })
            .expect("cannot start the filter thread");
        FilterWorker { tx: Some(tx), generation, handle: Some(handle) }
    }

    /// Asks for `query`; any older query still running is cancelled.
    /// Returns the generation its result will carry.
    pub fn query(&self, query: &str) -> u64 {
        let gen = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(tx) = &self.tx {
            let _ = tx.send((gen, query.to_owned()));
        }
        gen
    }
}

impl Drop for FilterWorker {
    fn drop(&mut self) {
        // Cancel whatever runs, close the channel, wait for the thread.
        self.generation.fetch_add(1, Ordering::Relaxed);
        self.tx.take();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TITLES: &[&str] = &[
        "Kowalewski apologises for data breach",
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

    /// A small deterministic generator for the property tests.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const WORDS: &[&str] = &[
        "Obama",
        "meets",
        "tech",
        "leaders",
        "Ökonomie",
        "STORM",
        "weather",
        "Zürich",
        "police",
        "court",
        "rates",
        "rise",
        "ÉLAN",
        "data",
        "breach",
        "a",
        "of",
        "the",
        "İstanbul",
        "ß",
        "Łódź",
        "climate",
    ];

    fn titles(rng: &mut Rng, n: usize) -> Vec<String> {
        (0..n).map(|_| (0..1 + rng.below(7)).map(|_| WORDS[rng.below(WORDS.len())]).collect::<Vec<_>>().join(" ")).collect()
    }

    /// The bare matcher, fresh (as for its first call on a thread).
    fn bare(folded_item: &str, folded_query: &str) -> Option<i64> {
        SkimMatcherV2::default().respect_case().fuzzy_match(folded_item, folded_query)
    }

    /// The reference: the bare matcher over every whole folded title (no
    /// prefilter, no window), fully sorted. The empty query keeps all.
    fn reference(query: &str, items: &[String]) -> Vec<Match> {
        let q = fold(query.trim());
        let mut v: Vec<Match> = items
            .iter()
            .enumerate()
            .filter_map(|(index, s)| if q.is_empty() { Some(0) } else { bare(&fold(s), &q) }.map(|score| Match { index, score }))
            .collect();
        v.sort_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
        v
    }

    /// Titles of random characters that exercise every bonus of the matcher:
    /// word starts, punctuation, doubled letters, digits, capitals, NUL,
    /// non-ASCII letters (some fold to other lengths).
    fn noisy_titles(rng: &mut Rng, n: usize) -> Vec<String> {
        let alphabet: Vec<char> = "aaboocclpe  e-/:(_.,'1éößKÖÉΩ\u{212a}i\0|".chars().collect();
        (0..n).map(|_| (0..rng.below(40)).map(|_| alphabet[rng.below(alphabet.len())]).collect()).collect()
    }

    #[test]
    fn matching_is_exactly_the_matchers_and_the_bound_never_below_its_score() {
        let mut rng = Rng(0xb0b);
        let mut items = noisy_titles(&mut rng, 3000);
        items.extend(titles(&mut rng, 1000));
        let alphabet: Vec<char> = "abcelop -/:é\u{f6}ßω'k".chars().collect();
        let (mut matched, mut tight) = (0, 0);
        for round in 0..300 {
            let q: String = (0..1 + rng.below(7)).map(|_| alphabet[rng.below(alphabet.len())]).collect();
            let q = fold(q.trim());
            if q.is_empty() {
                continue;
            }
            let chars: Vec<QChar> = q.chars().map(QChar::of).collect();
            let split = rng.below(chars.len());
            for item in items.iter().skip(round % 3).step_by(3) {
                let t = fold(item);
                let want = bare(&t, &q);
                let got = extend(t.as_bytes(), &chars, 0, 0, 0);
                assert_eq!(got.is_some(), want.is_some(), "{q:?} in {t:?}");
                // Extending a prefix's match gives the same as from scratch.
                let stepwise = extend(t.as_bytes(), &chars[..split], 0, 0, 0)
                    .and_then(|(end, b)| extend(t.as_bytes(), &chars, split, end as usize, b));
                assert_eq!(stepwise, got, "{q:?} in {t:?}");
                if let (Some(score), Some((_, bound))) = (want, got) {
                    assert!(score <= i64::from(bound), "score {score} above bound {bound}: {q:?} in {t:?}");
                    matched += 1;
                    tight += usize::from(score == i64::from(bound));
                }
            }
        }
        // The test saw many matches, and the bound is often exact.
        assert!(matched > 10_000 && tight * 10 > matched, "{matched} matches, {tight} tight");
    }

    #[test]
    fn the_chain_bound_is_never_below_the_score_and_is_it_on_ascii_titles() {
        let mut rng = Rng(0xc4a1);
        let mut items = noisy_titles(&mut rng, 3000);
        items.extend(titles(&mut rng, 1000));
        // Long titles with long gaps: where skim's stale cells can count.
        let sparse: Vec<char> = "a   b  c.-   x  yz    ".chars().collect();
        items.extend((0..1000).map(|_| (0..rng.below(200)).map(|_| sparse[rng.below(sparse.len())]).collect::<String>()));
        let alphabet: Vec<char> = "abcelop -/:é\u{f6}ßω'kxyz".chars().collect();
        let mut chain = Chain::default();
        let (mut matched, mut exact, mut ascii) = (0, 0, 0);
        for round in 0..300 {
            let q: String = (0..1 + rng.below(8)).map(|_| alphabet[rng.below(alphabet.len())]).collect();
            let q = fold(q.trim());
            if q.is_empty() {
                continue;
            }
            let chars: Vec<QChar> = q.chars().map(QChar::of).collect();
            for item in items.iter().skip(round % 3).step_by(3) {
                let t = fold(item);
                let want = bare(&t, &q);
                let got = chain_bound(t.as_bytes(), &chars, &mut chain);
                assert_eq!(got.is_some(), want.is_some(), "{q:?} in {t:?}");
                if let (Some(score), Some(bound)) = (want, got) {
                    assert!(score <= i64::from(bound), "score {score} above bound {bound}: {q:?} in {t:?}");
                    let loose = extend(t.as_bytes(), &chars, 0, 0, 0).expect("matches").1;
                    assert!(bound <= loose, "{q:?} in {t:?}");
                    matched += 1;
                    exact += usize::from(score == i64::from(bound));
                    assert_eq!(score, i64::from(bound), "{q:?} in {t:?}");
                    ascii += usize::from(t.is_ascii());
                }
            }
        }
        // On ASCII titles it is the score (checked above); the test saw
        // many of both kinds.
        assert!(matched > 10_000 && ascii > 3000 && matched - ascii > 3000, "{matched} matches ({ascii} ASCII), {exact} exact");
    }

    #[test]
    fn incremental_typing_and_backspace_equal_filtering_from_scratch() {
        let mut rng = Rng(0x5eed);
        let mut items = titles(&mut rng, 1200);
        items.extend(noisy_titles(&mut rng, 600));
        let alphabet: Vec<char> = "abcdeilmnorstuzöéł -k".chars().collect();
        // One engine on one thread, one splitting every scan over two.
        let mut serial = Filterer::new(&items).with_threads(1);
        let mut parallel = Filterer::new(&items).with_threads(2);
        parallel.parallel_min = 64;
        let mut typed = String::new();
        for _ in 0..200 {
            if !typed.is_empty() && rng.below(3) == 0 {
                typed.pop();
            } else if typed.chars().count() < 8 {
                typed.push(alphabet[rng.below(alphabet.len())]);
            } else {
                typed.clear();
            }
            let want = reference(&typed, &items);
            for f in [&mut serial, &mut parallel] {
                f.set_query(&typed);
                assert_eq!(f.count(), want.len(), "query {typed:?}");
                for k in [1, 10, 100] {
                    assert_eq!(f.top(k), want[..k.min(want.len())], "query {typed:?} k {k}");
                }
                assert_eq!(f.sorted(), want, "query {typed:?}");
            }
        }
    }

    #[test]
    fn filtering_all_at_once_equals_the_reference() {
        let mut rng = Rng(8);
        let mut items = titles(&mut rng, 3000);
        items.extend(noisy_titles(&mut rng, 3000));
        let mut f = Filterer::new(&items).with_threads(2);
        f.parallel_min = 100;
        for q in ["", "o", "ob", "st", "zü", "ökon", "kke", "a-c", "Ω", "é l"] {
            assert_eq!(f.filter_all(q), reference(q, &items), "query {q:?}");
        }
    }

    #[test]
    fn parallel_scan_equals_serial_scan() {
        let mut rng = Rng(77);
        let items = titles(&mut rng, 4123);
        for q in ["o", "ob", "st", "zü", "ökon"] {
            let mut one = Filterer::new(&items).with_threads(1);
            let mut two = Filterer::new(&items).with_threads(2);
            two.parallel_min = 100;
            one.set_query(q);
            two.set_query(q);
            assert_eq!(one.sorted(), two.sorted(), "query {q:?}");
        }
    }

    #[test]
    fn top_k_is_the_head_of_the_full_sort() {
        let mut rng = Rng(99);
        let items = titles(&mut rng, 5000);
        let mut f = Filterer::new(&items);
        for q in ["", "o", "ob", "te", "rise", "zz"] {
            f.set_query(q);
            let all = f.sorted();
            for k in [0, 1, 7, 50, 1000, 10_000] {
                assert_eq!(f.top(k), all[..k.min(all.len())].to_vec(), "query {q:?} k {k}");
            }
        }
    }

    #[test]
    fn a_stale_query_is_cancelled_and_leaves_the_engine_usable() {
        let items: Vec<String> = (0..10_000).map(|i| format!("title number {i}")).collect();
        let mut f = Filterer::new(&items);
        f.set_query("ti");
        let before = f.sorted();
        let counter = AtomicU64::new(5);
        // The counter moved on past generation 4: the query is stale.
        let r = f.set_query_cancellable("tit", Cancel { counter: &counter, generation: 4 });
        assert_eq!(r, Err(Cancelled));
        assert_eq!(f.query(), "ti");
        assert_eq!(f.sorted(), before);
        // The current generation runs to the end.
        assert_eq!(f.set_query_cancellable("tit 9", Cancel { counter: &counter, generation: 5 }), Ok(()));
        assert_eq!(f.sorted(), reference("tit 9", &items));
    }

    #[test]
    fn the_worker_reports_the_newest_query() {
        let mut rng = Rng(3);
        let items = titles(&mut rng, 8_000);
        let (tx, rx) = mpsc::channel();
        let worker = FilterWorker::spawn(Filterer::new(&items), 20, move |r| {
            let _ = tx.send(r);
        });
        let mut last = 0;
        for q in ["o", "ob", "oba", "obam", "obama", "obam", "obama m"] {
            last = worker.query(q);
        }
        let mut got = Vec::new();
        loop {
            let r = rx.recv_timeout(std::time::Duration::from_secs(30)).expect("the worker answers");
            let done = r.generation == last;
            got.push(r);
            if done {
                break;
            }
        }
        assert!(got.windows(2).all(|w| w[0].generation < w[1].generation));
        let r = got.last().unwrap();
        assert_eq!(r.query, "obama m");
        let want = reference("obama m", &items);
        assert_eq!(r.total, want.len());
        assert_eq!(r.top, want[..20.min(want.len())].to_vec());
        drop(worker);
    }

    #[test]
    fn the_scoring_window_keeps_the_score() {
        let mut rng = Rng(11);
        let mut items = titles(&mut rng, 500);
        items.extend(noisy_titles(&mut rng, 500));
        let alphabet: Vec<char> = "abcdeilmnorstuzöéł -:".chars().collect();
        for _ in 0..120 {
            let q: String = (0..1 + rng.below(5)).map(|_| alphabet[rng.below(alphabet.len())]).collect();
            let q = fold(q.trim());
            for item in &items {
                let item = fold(item);
                assert_eq!(bare(scoring_window(&item, &q), &q), bare(&item, &q), "{q:?} in {item:?}");
            }
        }
    }

    #[test]
    fn scores_and_bounds_hold_on_titles_of_few_characters() {
        // Few characters: many repeats, runs and near misses, in both the
        // titles and the queries, scored in two orders.
        let mut rng = Rng(77);
        let small: Vec<char> = "aack-  ".chars().collect();
        let items: Vec<String> = (0..1000).map(|_| (0..rng.below(30)).map(|_| small[rng.below(small.len())]).collect()).collect();
        let alphabet: Vec<char> = "ac-k".chars().collect();
        for _ in 0..150 {
            let q: String = (0..2 + rng.below(6)).map(|_| alphabet[rng.below(alphabet.len())]).collect();
            let query = Query::new(&q);
            let chars: Vec<QChar> = query.folded.chars().map(QChar::of).collect();
            let mut chain = Chain::default();
            for item in items.iter().chain(items.iter().rev()) {
                let want = bare(&fold(item), &query.folded);
                assert_eq!(query.score(item), want, "{q:?} in {item:?}");
                if let Some(w) = want {
                    let t = fold(item);
                    assert_eq!(w, i64::from(chain_bound(t.as_bytes(), &chars, &mut chain).unwrap()), "{q:?} in {item:?}");
                    assert!(w <= i64::from(extend(t.as_bytes(), &chars, 0, 0, 0).unwrap().1), "{q:?} in {item:?}");
                }
            }
        }
    }

    #[test]
    fn a_score_does_not_depend_on_the_titles_scored_before() {
        // Queries whose first characters repeat make fuzzy-matcher read a
        // bonus an earlier call left in its matrix; others never do.
        for (q, stale) in
            [("kke", true), ("llama", true), ("a-aab", true), ("a-aa", false), ("aba", false), ("police cou", false), ("coffee", false)]
        {
            assert_eq!(Query::reads_stale_bonus(q), stale, "{q}");
        }
        let mut rng = Rng(5);
        let items = noisy_titles(&mut rng, 3000);
        for q in ["kke", "ccoo", "eee", "c-cc", "kk", "k e"] {
            let query = Query::new(q);
            // The same engine query over titles in two orders.
            for item in items.iter().chain(items.iter().rev()) {
                assert_eq!(query.score(item), bare(&fold(item), q), "{q:?} in {item:?}");
            }
        }
    }

    #[test]
    fn positions_are_computed_per_visible_row() {
        let items = ["Die Ökonomie wächst", "nothing here"];
        let mut f = Filterer::new(&items);
        f.set_query("ÖKO");
        assert_eq!(f.top(10).len(), 1);
        assert_eq!(f.positions(0), vec![4, 5, 6]);
        assert!(f.positions(1).is_empty());
    }

    #[test]
    fn title_buf_keeps_items_apart() {
        let mut b: TitleBuf = ["a", "", "ßé"].into_iter().collect();
        assert_eq!(b.len(), 3);
        assert_eq!(b.iter().collect::<Vec<_>>(), vec!["a", "", "ßé"]);
        b.append(&["x", "Ω"].into_iter().collect());
        assert_eq!(b.iter().collect::<Vec<_>>(), vec!["a", "", "ßé", "x", "Ω"]);
    }

    #[test]
    fn lines_split_on_two_threads_keep_their_order() {
        use std::borrow::Cow;
        fn keep(l: &str) -> Cow<'_, str> {
            Cow::Borrowed(l)
        }
        for end in ["\r\n", "\n"] {
            let text: String = (0..200_000).map(|i| format!("Line {i}{end}")).collect();
            let b = TitleBuf::from_lines(text, keep);
            assert_eq!(b.len(), 200_000);
            assert!(b.iter().enumerate().all(|(i, l)| l == format!("Line {i}")));
            assert_eq!(b.line(7), "Line 7\n");
        }
        // Lines that need cleaning are cleaned, the rest kept, in order.
        let text: String = (0..100_000).map(|i| if i % 1000 == 7 { format!("bad {i}\n") } else { format!("ok {i}\n") }).collect();
        let b = TitleBuf::from_lines(text, |l| if l.starts_with("bad") { Cow::Owned(l.to_uppercase()) } else { Cow::Borrowed(l) });
        assert_eq!(b.get(7), "BAD 7");
        assert_eq!(b.get(8), "ok 8");
        assert_eq!(b.get(99_007), "BAD 99007");
        let b = TitleBuf::from_lines("a\n\nb".into(), |l| Cow::Owned(l.to_uppercase()));
        assert_eq!(b.iter().collect::<Vec<_>>(), vec!["A", "", "B"]);
        assert!(TitleBuf::from_lines(String::new(), keep).is_empty());
        assert_eq!(TitleBuf::from_lines("\n".into(), keep).len(), 1);
        assert_eq!(TitleBuf::from_lines("x".into(), keep).iter().collect::<Vec<_>>(), vec!["x"]);
    }

    #[test]
    fn many_titles_fold_on_two_threads_in_order() {
        // "Ω" (3 bytes) folds to "ω" (2 bytes), the Kelvin sign "K" (3) to "k" (1):
        // items whose length changes must still line up.
        for odd in ["ÖKONOMIE", "Ω ÖKONOMIE", "\u{212a}elvin"] {
            let items: Vec<String> =
                (0..60_000).map(|i| if i % 999 == 5 { format!("Title {i} {odd}") } else { format!("Title {i} ÉTÉ") }).collect();
            let buf: TitleBuf = items.iter().collect();
            let f = Filterer::from_titles(&buf);
            assert_eq!(f.len(), items.len());
            for i in (0..items.len()).step_by(97).chain([5, 1004, items.len() - 1]) {
                assert_eq!(f.folded.get(i), fold(&items[i]), "{odd}");
            }
        }
    }
}
