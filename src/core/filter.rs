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
//! Before the matcher sees a title, a byte-level check rejects titles that
//! lack the query's characters in order (the matcher would reject them
//! too, only later and at a higher cost).

use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};

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
        self.matcher.fuzzy_match(scoring_window(folded_item, &self.folded), &self.folded)
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
        self.matcher.fuzzy_indices(folded_item, &self.folded).map(|(_, p)| p).unwrap_or_default()
    }
}

/// Filters `items` by `query`: the matches, best first; ties keep input
/// order. An empty query matches everything in input order.
pub fn filter<S: AsRef<str>>(query: &str, items: &[S]) -> Vec<Match> {
    let mut f = Filterer::new(items);
    f.set_query(query);
    f.sorted()
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

struct Level {
    /// The folded query this level answers.
    query: String,
    /// Its matches, in input order.
    matches: Vec<Match>,
}

/// The incremental filter over a fixed list of titles.
pub struct Filterer {
    folded: TitleBuf,
    /// Match sets of the current query and of its prefixes (shortest first).
    /// The empty query (everything) is implicit below the first level.
    stack: Vec<Level>,
    query: Query,
    threads: usize,
    /// Below this many candidates a scan stays on one thread.
    parallel_min: usize,
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
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        Filterer { folded, stack: Vec::new(), query: Query::new(""), threads, parallel_min: PARALLEL_MIN }
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
        if !same {
            let matches = self.scan(&q, cancel)?;
            self.stack.push(Level { query: q.folded.clone(), matches });
        }
        self.query = q;
        Ok(())
    }

    /// Scores the candidates of the deepest level (all titles if none).
    fn scan(&self, q: &Query, cancel: Cancel<'_>) -> Result<Vec<Match>, Cancelled> {
        let prev: Option<&[Match]> = self.stack.last().map(|l| l.matches.as_slice());
        let n = prev.map_or(self.folded.len(), <[Match]>::len);
        let threads = if n >= self.parallel_min { self.threads.min(n / (self.parallel_min / 2).max(1)).max(1) } else { 1 };
        let work = |lo: usize, hi: usize| -> Result<Vec<Match>, Cancelled> {
            let mut out = Vec::new();
            for start in (lo..hi).step_by(CANCEL_EVERY) {
                if cancel.stale() {
                    return Err(Cancelled);
                }
                let end = (start + CANCEL_EVERY).min(hi);
                match prev {
                    None => {
                        for index in start..end {
                            if let Some(score) = q.score_folded(self.folded.get(index)) {
                                out.push(Match { index, score });
                            }
                        }
                    }
                    Some(prev) => {
                        for m in &prev[start..end] {
                            if let Some(score) = q.score_folded(self.folded.get(m.index)) {
                                out.push(Match { index: m.index, score });
                            }
                        }
                    }
                }
            }
            Ok(out)
        };
        if threads == 1 {
            return work(0, n);
        }
        let chunk = n.div_ceil(threads);
        let parts: Vec<Result<Vec<Match>, Cancelled>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (lo, hi) = (t * chunk, ((t + 1) * chunk).min(n));
                    let work = &work;
                    s.spawn(move || work(lo, hi))
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("filter thread panicked")).collect()
        });
        let mut out = Vec::with_capacity(parts.iter().map(|p| p.as_ref().map_or(0, Vec::len)).sum());
        for p in parts {
            out.extend(p?);
        }
        Ok(out)
    }

    /// How many titles the current query matches.
    pub fn count(&self) -> usize {
        match self.stack.last() {
            Some(l) => l.matches.len(),
            None => self.folded.len(),
        }
    }

    /// The current matches in input order.
    pub fn matches_unordered(&self) -> Vec<Match> {
        match self.stack.last() {
            Some(l) => l.matches.clone(),
            None => (0..self.folded.len()).map(|index| Match { index, score: 0 }).collect(),
        }
    }

    /// The best `k` matches, best first (ties in input order): the head of
    /// [`Filterer::sorted`], found without sorting everything.
    pub fn top(&self, k: usize) -> Vec<Match> {
        let Some(level) = self.stack.last() else {
            return (0..self.folded.len().min(k)).map(|index| Match { index, score: 0 }).collect();
        };
        if k == 0 {
            return vec![];
        }
        let ms = &level.matches;
        if k * 4 >= ms.len() {
            let mut v = ms.clone();
            v.sort_unstable_by_key(Match::rank);
            v.truncate(k);
            return v;
        }
        // A bounded max-heap of the k best seen so far; its top is the worst.
        let mut heap: BinaryHeap<(std::cmp::Reverse<i64>, usize)> = BinaryHeap::with_capacity(k + 1);
        for m in ms {
            let r = m.rank();
            if heap.len() < k {
                heap.push(r);
            } else if heap.peek().is_some_and(|top| r < *top) {
                heap.pop();
                heap.push(r);
            }
        }
        heap.into_sorted_vec().into_iter().map(|(s, index)| Match { index, score: s.0 }).collect()
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
                    if filterer.set_query_cancellable(&query, Cancel { counter: &counter, generation: gen }).is_err() {
                        continue;
                    }
                    if counter.load(Ordering::Relaxed) != gen {
                        continue;
                    }
                    on_result(FilterResult { generation: gen, query, total: filterer.count(), top: filterer.top(k) });
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

    /// The reference: every title scored from scratch, fully sorted.
    fn reference(query: &str, items: &[String]) -> Vec<Match> {
        let q = Query::new(query);
        let mut v: Vec<Match> = items.iter().enumerate().filter_map(|(index, s)| q.score(s).map(|score| Match { index, score })).collect();
        v.sort_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
        v
    }

    #[test]
    fn incremental_typing_and_backspace_equal_filtering_from_scratch() {
        let mut rng = Rng(0x5eed);
        let items = titles(&mut rng, 1200);
        let alphabet: Vec<char> = "abcdeilmnorstuzöéł ".chars().collect();
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
                assert_eq!(f.sorted(), want, "query {typed:?}");
                assert_eq!(f.count(), want.len());
            }
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
        let matcher = SkimMatcherV2::default().respect_case();
        let mut rng = Rng(11);
        let items = titles(&mut rng, 800);
        let alphabet: Vec<char> = "abcdeilmnorstuzöéł ".chars().collect();
        for _ in 0..120 {
            let q: String = (0..1 + rng.below(5)).map(|_| alphabet[rng.below(alphabet.len())]).collect();
            let q = fold(q.trim());
            for item in &items {
                let item = fold(item);
                assert_eq!(matcher.fuzzy_match(scoring_window(&item, &q), &q), matcher.fuzzy_match(&item, &q), "{q:?} in {item:?}");
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
