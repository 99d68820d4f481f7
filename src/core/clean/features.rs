//! Cheap per-unit features for the line model: the unit's own shape and,
//! mostly, its context (the run of prose it sits in, the link and list
//! share around it, its neighbours). Training (`scripts/train-clean.py`)
//! reads these through `byline clean --features`, so training and inference
//! compute them with the same code.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use super::quads::Quads;
use super::segment::{trim_end, Unit};
use super::BlockKind;

/// The feature names, in vector order. The model file lists the names it
/// was trained with; a test checks they agree.
pub(crate) const NAMES: &[&str] = &[
    "html",
    "log_chars",
    "log_words",
    "ends_sentence",
    "sentences",
    "comma_rate",
    "stop_share",
    "cap_share",
    "upper_share",
    "digit_share",
    "link_share",
    "link_rate",
    "list",
    "heading",
    "quote",
    "image",
    "avg_word_len",
    "separators",
    "copyright",
    "title_overlap",
    "phrase",
    "dateline",
    "starts_by",
    "indent",
    "ends_colon",
    "prose",
    "pos",
    "char_pos",
    "run_log_words",
    "run_share",
    "in_main_run",
    "before_main",
    "after_main",
    "main_distance",
    "win_link_share",
    "win_list_share",
    "win_log_words",
    "win_prose_share",
    "win_image_share",
    "near_prose_share",
    "prev1_log_words",
    "prev1_ends",
    "prev1_link",
    "prev2_log_words",
    "next1_log_words",
    "next1_ends",
    "next1_link",
    "next2_log_words",
    "doc_log_words",
    "doc_units",
    "doc_link_share",
    "after_title",
    "stamp",
    "has_title",
    "win_stamp_share",
    "win_short_share",
    "dup_in_page",
    "dup_prefix",
    "stamps_before",
    "stamps_after",
    "cue",
    "win_cue_share",
    "cues_before",
    "win_heading_share",
    "card",
    "win_card_share",
];

/// A word of at most 8 bytes as a number (its bytes, little-endian).
fn word_key(w: &str) -> Option<u64> {
    (1..=8).contains(&w.len()).then(|| w.bytes().rev().fold(0u64, |k, b| (k << 8) | u64::from(b)))
}

/// The stop words, in an open-addressed table of their [`word_key`]s (all
/// are short; a longer word is never one).
struct StopWords {
    slots: Vec<u64>,
}

impl StopWords {
    fn slot(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & (self.slots.len() - 1)
    }

    /// Is the word of this [`word_key`] a stop word?
    fn contains_key(&self, key: u64) -> bool {
        let mut i = self.slot(key);
        loop {
            match self.slots[i] {
                0 => return false,
                k if k == key => return true,
                _ => i = (i + 1) & (self.slots.len() - 1),
            }
        }
    }
}

fn stopwords() -> &'static StopWords {
    static S: OnceLock<StopWords> = OnceLock::new();
    S.get_or_init(|| {
        let words: Vec<&str> = super::asset_entries(include_str!("../../../assets/clean-stopwords.txt")).collect();
        let mut s = StopWords { slots: vec![0; (words.len() * 4).next_power_of_two()] };
        for key in words.iter().filter_map(|w| word_key(w)) {
            let mut i = s.slot(key);
            while s.slots[i] != 0 && s.slots[i] != key {
                i = (i + 1) & (s.slots.len() - 1);
            }
            s.slots[i] = key;
        }
        s
    })
}

/// The thread cues of `assets/clean-thread.txt`, in one matcher, with a
/// quick "none of them" before it.
fn thread_cues() -> &'static (AhoCorasick, Option<Quads>) {
    static C: OnceLock<(AhoCorasick, Option<Quads>)> = OnceLock::new();
    C.get_or_init(|| {
        let cues: Vec<&str> = super::asset_entries(include_str!("../../../assets/clean-thread.txt")).collect();
        (AhoCorasick::new(&cues).expect("thread cues build a matcher"), Quads::new(cues.iter().copied()))
    })
}

/// The title's words, lower-cased, to count a unit's words found in it.
struct TitleWords {
    /// Words of at most 8 bytes as their [`word_key`]s, with their lengths
    /// (compared as numbers, not through a string comparison each).
    short: Vec<(u64, usize)>,
    /// The longer words, sorted.
    long: Vec<String>,
    /// The byte lengths of all the words, and a bit per short word's key
    /// ([`key_bit`]), to skip most lookups.
    lens: u64,
    keys: u64,
}

/// One of 64 bits for a [`word_key`].
fn key_bit(key: u64) -> u32 {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) as u32
}

impl TitleWords {
    fn new(title: &str) -> Self {
        let mut words: Vec<String> = title.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
        words.sort_unstable();
        words.dedup();
        let lens = words.iter().fold(0u64, |m, w| m | 1 << w.len().min(63));
        let (short, long): (Vec<String>, Vec<String>) = words.into_iter().partition(|w| word_key(w).is_some());
        let short: Vec<(u64, usize)> = short.iter().filter_map(|w| Some((word_key(w)?, w.len()))).collect();
        let keys = short.iter().fold(0u64, |m, &(key, _)| m | 1 << key_bit(key));
        TitleWords { short, long, lens, keys }
    }

    fn is_empty(&self) -> bool {
        self.short.is_empty() && self.long.is_empty()
    }

    /// Is `w` (lower-cased, `key` its [`word_key`]) one of the words?
    fn contains(&self, w: &str, key: Option<u64>) -> bool {
        if self.lens >> w.len().min(63) & 1 == 0 {
            return false;
        }
        match key {
            Some(key) => self.keys >> key_bit(key) & 1 == 1 && self.short.contains(&(key, w.len())),
            None => self.long.binary_search_by(|x| x.as_str().cmp(w)).is_ok(),
        }
    }
}

/// A short line of a comment thread or teaser list: a cue word ("reply",
/// "votes", "2 days ago") in a line of at most 8 words.
fn is_cue(lower: &str, words: f32) -> bool {
    if words > 8.0 {
        return false;
    }
    let (matcher, quads) = thread_cues();
    quads.as_ref().is_none_or(|q| q.may_hold(lower.as_bytes())) && matcher.is_match(lower)
}

/// Bytes of a long unit's start that stand for it when looking for a
/// teaser repeated with another ending.
const PREFIX_BYTES: usize = 48;

fn prefix_of(lower: &str) -> Option<&str> {
    if lower.len() < PREFIX_BYTES + 16 {
        return None;
    }
    let mut end = PREFIX_BYTES;
    while !lower.is_char_boundary(end) {
        end += 1;
    }
    Some(&lower[..end])
}

/// For each unit's hash (`None`: not counted), does another unit have the
/// same? Found in a sorted copy, without a hash map.
fn repeated(hashes: impl Iterator<Item = Option<u64>>) -> Vec<bool> {
    let hashes: Vec<Option<u64>> = hashes.collect();
    let mut sorted: Vec<u64> = hashes.iter().flatten().copied().collect();
    sorted.sort_unstable();
    let count = |h: u64| sorted[sorted.partition_point(|&x| x < h)..].iter().take(2).filter(|&&x| x == h).count();
    hashes.iter().map(|h| h.is_some_and(|h| count(h) > 1)).collect()
}

/// What the rules found about a unit that the model may also use.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Hints {
    pub phrase: bool,
    /// The phrase is a photo credit ("caption" in `assets/boilerplate.txt`).
    pub caption: bool,
    pub dateline: bool,
    pub title: bool,
}

/// Per-unit measures the context features are built from.
#[derive(Debug, Clone, Copy, Default)]
struct Base {
    words: f32,
    /// `lw(words)`.
    log_words: f32,
    alnum: f32,
    link_chars: f32,
    ends: bool,
    prose: bool,
    list: bool,
    image: bool,
    /// A time stamp or meta line: a dateline, "2 days ago", "07:52 am".
    stamp: bool,
    /// A thread cue ([`is_cue`]).
    cue: bool,
    heading: bool,
    /// A headline-like line: 3 to 16 words, no sentence end, not a list item.
    headline: bool,
    /// One sentence of under 45 words.
    blurb: bool,
}

/// Does a short line look like a time stamp ("2 days ago at 07:52 am",
/// "Nov 19, 10:31")? Comment threads and teaser lists are full of them.
fn is_stamp(t: &str, dateline: bool) -> bool {
    if dateline {
        return true;
    }
    if t.len() > 60 {
        return false;
    }
    let b = t.as_bytes();
    // "07:52": a digit, ':' and two digits, found from the colons.
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let clock = memchr::memchr_iter(b':', b).any(|i| i > 0 && digit(i - 1) && digit(i + 1) && digit(i + 2));
    clock || {
        // Set up once (`memmem::find` sets a searcher up for every line).
        static AGO: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
        AGO.get_or_init(|| memchr::memmem::Finder::new(b" ago")).find(b).is_some()
    }
}

fn lw(x: f32) -> f32 {
    (1.0 + x).ln()
}

fn ends_sentence(t: &str) -> bool {
    let t = t.trim_end_matches(['"', '\u{201d}', '\u{2019}', '\'', ')', ' ', '*', '_', '\u{300d}', '\u{300f}']);
    t.ends_with(['.', '!', '?', '\u{2026}', '\u{3002}', '\u{ff01}', '\u{ff1f}'])
}

/// Chinese and Japanese script, written without spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// General punctuation (dashes, quotation marks, bullets): not a letter,
/// digit or space, and common enough in prose to skip the Unicode tables.
fn is_punctuation(c: char) -> bool {
    matches!(c, '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205e}')
}

/// Is `c` trimmed from the ends of a word ([`word_core`])?
fn edge_char(c: char, props: &mut CharProps) -> bool {
    if c.is_ascii() {
        !c.is_ascii_alphanumeric()
    } else {
        is_punctuation(c) || !props.alphanumeric(c)
    }
}

/// `s.trim_matches(edge_char)`, character by character.
fn trim_edges<'a>(s: &'a str, props: &mut CharProps) -> &'a str {
    let start = s.char_indices().find(|&(_, c)| !edge_char(c, props)).map_or(s.len(), |(i, _)| i);
    let s = &s[start..];
    let end = s.char_indices().rev().find(|&(_, c)| !edge_char(c, props)).map_or(0, |(i, c)| i + c.len_utf8());
    &s[..end]
}

/// A word without the punctuation at its ends: `w.trim_matches(edge_char)`,
/// trimming ASCII bytes first (most words end in ASCII) and decoding
/// characters only when an end is not ASCII.
fn word_core<'a>(w: &'a str, props: &mut CharProps) -> &'a str {
    let b = w.as_bytes();
    // The first and last bytes that are no ASCII punctuation or space.
    let kept = |c: &u8| !c.is_ascii() || c.is_ascii_alphanumeric();
    let start = b.iter().position(kept).unwrap_or(b.len());
    let end = b.iter().rposition(kept).map_or(start, |e| e + 1);
    // Both cuts are next to ASCII bytes, so on character boundaries.
    let rest = &w[start..end.max(start)];
    match (rest.as_bytes().first(), rest.as_bytes().last()) {
        (Some(f), Some(l)) if !f.is_ascii() || !l.is_ascii() => trim_edges(rest, props),
        _ => rest,
    }
}

/// Counts of one unit's characters.
#[derive(Default)]
struct Chars {
    chars: usize,
    /// Whitespace characters (the rest belong to words).
    spaces: usize,
    cjk: usize,
    alnum: usize,
    digits: usize,
    letters: usize,
    upper: usize,
    seps: usize,
    commas: usize,
    copyright: bool,
    /// Sentence ends: '.', '!' or '?' before a space or at the end, and
    /// the ideographic full stop, exclamation and question marks.
    sentences: usize,
}

/// The Unicode properties [`count_chars`] asks of a character beyond
/// Latin-1, remembered for the characters seen lately: a page in a script
/// of its own (Chinese, Cyrillic) asks about the same few hundred
/// characters again and again, and each question searches a table.
struct CharProps {
    /// Direct-mapped: a character, and its `ALPHABETIC | ...` bits.
    slots: Box<[(char, u8); 1024]>,
}

const ALPHABETIC: u8 = 1;
const NUMERIC: u8 = 2;
const UPPERCASE: u8 = 4;
const WHITESPACE: u8 = 8;

impl CharProps {
    fn new() -> Self {
        // '\0' is ASCII, which is never looked up.
        CharProps { slots: Box::new([('\0', 0); 1024]) }
    }

    /// The bits of `c`, which is not ASCII.
    fn of(&mut self, c: char) -> u8 {
        let k = c as usize;
        let slot = &mut self.slots[(k ^ (k >> 10)) & 1023];
        if slot.0 != c {
            let bits = (c.is_alphabetic() as u8 * ALPHABETIC)
                | (c.is_numeric() as u8 * NUMERIC)
                | (c.is_uppercase() as u8 * UPPERCASE)
                | (c.is_whitespace() as u8 * WHITESPACE);
            *slot = (c, bits);
        }
        slot.1
    }

    /// `c.is_alphanumeric()`.
    fn alphanumeric(&mut self, c: char) -> bool {
        if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            self.of(c) & (ALPHABETIC | NUMERIC) != 0
        }
    }

    /// `c.is_uppercase()`.
    fn uppercase(&mut self, c: char) -> bool {
        if c.is_ascii() {
            c.is_ascii_uppercase()
        } else {
            self.of(c) & UPPERCASE != 0
        }
    }
}

/// ASCII whitespace as `char::is_whitespace` sees it (`u8::is_ascii_whitespace`
/// leaves out the vertical tab).
const fn ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// `t.split_whitespace()` of ASCII text, on bytes.
fn ascii_words(t: &str) -> impl Iterator<Item = &str> {
    t.as_bytes().split(|&b| ascii_space(b)).filter(|w| !w.is_empty()).map(move |w| {
        // Cut at ASCII bytes, so on character boundaries.
        let at = w.as_ptr() as usize - t.as_ptr() as usize;
        &t[at..at + w.len()]
    })
}

/// Where [`count_chars`] counts each class of ASCII byte: one 8-bit lane
/// of a `u64` per class, so that a byte adds to all its classes at once.
const DIGIT_LANE: u32 = 0;
const LETTER_LANE: u32 = 8;
const UPPER_LANE: u32 = 16;
const SPACE_LANE: u32 = 24;
const SEP_LANE: u32 = 32;
const COMMA_LANE: u32 = 40;

/// Per ASCII byte, 1 in the lane of each class it belongs to.
static ASCII_LANES: [u64; 128] = {
    let mut t = [0u64; 128];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        let mut lanes = 0u64;
        if b.is_ascii_digit() {
            lanes |= 1 << DIGIT_LANE;
        }
        if b.is_ascii_alphabetic() {
            lanes |= 1 << LETTER_LANE;
        }
        if b.is_ascii_uppercase() {
            lanes |= 1 << UPPER_LANE;
        }
        if ascii_space(b) {
            lanes |= 1 << SPACE_LANE;
        }
        if matches!(b, b'|' | b'/' | b'>') {
            lanes |= 1 << SEP_LANE;
        }
        if b == b',' {
            lanes |= 1 << COMMA_LANE;
        }
        t[c] = lanes;
        c += 1;
    }
    t
};

/// Counts the characters of a unit. ASCII bytes (most of them) go through
/// [`ASCII_LANES`] without decoding; other characters through
/// [`count_other`].
fn count_chars(t: &str, props: &mut CharProps) -> Chars {
    let mut n = Chars::default();
    let b = t.as_bytes();
    let mut ascii = 0;
    let mut i = 0;
    while i < b.len() {
        // At most 255 bytes between read-outs, so that no lane overflows.
        let end = (i + 255).min(b.len());
        let mut lanes = 0u64;
        while i < end {
            let c = b[i];
            if c < 0x80 {
                lanes += ASCII_LANES[c as usize];
                ascii += 1;
                i += 1;
            } else {
                let ch = t[i..].chars().next().expect("a character starts here");
                count_other(ch, &mut n, props);
                i += ch.len_utf8();
            }
        }
        let lane = |at: u32| (lanes >> at & 0xff) as usize;
        n.digits += lane(DIGIT_LANE);
        n.letters += lane(LETTER_LANE);
        n.alnum += lane(DIGIT_LANE) + lane(LETTER_LANE);
        n.upper += lane(UPPER_LANE);
        n.spaces += lane(SPACE_LANE);
        n.seps += lane(SEP_LANE);
        n.commas += lane(COMMA_LANE);
    }
    n.chars += ascii;
    // '.', '!' or '?' before a space or at the end.
    n.sentences += memchr::memchr3_iter(b'.', b'!', b'?', b).filter(|&i| i + 1 == b.len() || b[i + 1] == b' ').count();
    n
}

/// [`count_chars`] of one character beyond ASCII.
fn count_other(c: char, n: &mut Chars, props: &mut CharProps) {
    n.chars += 1;
    if ('\u{c0}'..='\u{ff}').contains(&c) && c != '\u{d7}' && c != '\u{f7}' {
        // Latin-1 letters: capitals up to U+00DE.
        n.alnum += 1;
        n.letters += 1;
        n.upper += (c <= '\u{de}') as usize;
        return;
    }
    if is_punctuation(c) {
        if c == '\u{2022}' || c == '\u{203a}' {
            n.seps += 1;
        }
        return;
    }
    if is_cjk(c) {
        n.cjk += 1;
    }
    let bits = props.of(c);
    // `char::is_alphanumeric` is alphabetic or numeric.
    if bits & (ALPHABETIC | NUMERIC) != 0 {
        n.alnum += 1;
    }
    if bits & ALPHABETIC != 0 {
        n.letters += 1;
        if bits & UPPERCASE != 0 {
            n.upper += 1;
        }
    }
    if bits & WHITESPACE != 0 {
        n.spaces += 1;
    }
    match c {
        '\u{2022}' | '\u{00b7}' | '\u{00bb}' | '\u{203a}' => n.seps += 1,
        '\u{00a9}' => n.copyright = true,
        '\u{3002}' | '\u{ff01}' | '\u{ff1f}' => n.sentences += 1,
        _ => {}
    }
}

/// The former character-by-character count of ASCII, kept as the tests'
/// oracle for the byte-table path (other characters go through
/// [`count_other`] in both).
#[cfg(test)]
fn count_by_char(t: &str, props: &mut CharProps) -> Chars {
    let mut n = Chars::default();
    let b = t.as_bytes();
    for (i, c) in t.char_indices() {
        if !c.is_ascii() {
            count_other(c, &mut n, props);
            continue;
        }
        n.chars += 1;
        let a = c as u8;
        if a.is_ascii_alphanumeric() {
            n.alnum += 1;
            if a.is_ascii_digit() {
                n.digits += 1;
            } else {
                n.letters += 1;
                n.upper += a.is_ascii_uppercase() as usize;
            }
            continue;
        }
        match a {
            b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' => n.spaces += 1,
            b'|' | b'/' | b'>' => n.seps += 1,
            b',' => n.commas += 1,
            b'.' | b'!' | b'?' => n.sentences += (i + 1 == b.len() || b[i + 1] == b' ') as usize,
            _ => {}
        }
    }
    n
}

/// Number of features per unit.
pub(crate) const WIDTH: usize = NAMES.len();
/// The unit's own features, before the context ones.
const OWN: usize = 26;
/// The features added last (repeats in the page, comment threads, teaser
/// cards), after the first context ones.
const NEW: usize = 10;

/// Computes the feature matrix, one row of [`WIDTH`] per unit, row after
/// row. `lower` holds each unit's text lower-cased.
pub(crate) fn features(units: &[Unit], lower: &[&str], hints: &[Hints], title: &str, html: bool) -> Vec<f32> {
    let n = units.len();
    let stop = stopwords();
    let title_lower = title.to_lowercase();
    // `str::contains` of the title, with the searcher built once.
    let title_finder = memchr::memmem::Finder::new(title_lower.as_bytes());
    let title_words = TitleWords::new(title);
    let mut rows = vec![0.0f32; n * WIDTH];
    let mut base: Vec<Base> = Vec::with_capacity(n);
    // Own features that go after the context ones (added later in NAMES).
    let mut extra: Vec<[f32; 2]> = Vec::with_capacity(n);
    let mut buf = String::new();
    let mut props = CharProps::new();
    for (k, (u, h)) in units.iter().zip(hints).enumerate() {
        let t = u.text.as_str();
        let lower_t = lower[k];
        // Lower-cased words can be cut out of the lower-cased line when
        // lower-casing kept every byte in place.
        let aligned = t.is_ascii();
        let c = count_chars(t, &mut props);
        let mut nwords = 0usize;
        let mut stops = 0usize;
        let mut caps = 0usize;
        let mut overlap = 0usize;
        let mut on_word = |w: &str| {
            nwords += 1;
            let core = word_core(w, &mut props);
            // Lower-case only what a lookup needs: stop words are short.
            let lower: &str = if aligned {
                let at = core.as_ptr() as usize - t.as_ptr() as usize;
                &lower_t[at..at + core.len()]
            } else if core.chars().any(|c| props.uppercase(c)) && (core.len() <= 8 || !title_words.is_empty()) {
                buf.clear();
                if core.is_ascii() {
                    buf.push_str(core);
                    buf.make_ascii_lowercase();
                } else {
                    buf.extend(core.chars().flat_map(char::to_lowercase));
                }
                &buf
            } else {
                core
            };
            let key = word_key(lower);
            if key.is_some_and(|key| stop.contains_key(key)) {
                stops += 1;
            }
            if w.chars().next().is_some_and(|c| props.uppercase(c)) {
                caps += 1;
            }
            if title_words.contains(lower, key) {
                overlap += 1;
            }
        };
        if aligned {
            ascii_words(t).for_each(&mut on_word);
        } else {
            t.split_whitespace().for_each(&mut on_word);
        }
        // Text without spaces between words counts about two characters a word.
        let nw = (nwords + c.cjk / 2) as f32;
        let wlen = c.chars - c.spaces;
        let ends = ends_sentence(t);
        let alnum = c.alnum;
        let link_share = if alnum > 0 { (u.link_chars as f32 / alnum as f32).min(1.0) } else { 0.0 };
        let prose = nw >= 10.0 && c.sentences >= 1 && link_share < 0.5;
        let stamp = is_stamp(t, h.dateline);
        let has_title = title_lower.len() >= 12 && t.len() > title_lower.len() + 10 && title_finder.find(lower_t.as_bytes()).is_some();
        base.push(Base {
            stamp,
            cue: is_cue(lower_t, nw),
            heading: u.kind == BlockKind::Heading,
            headline: (3.0..=16.0).contains(&nw) && !ends && !u.list,
            blurb: c.sentences == 1 && (5.0..45.0).contains(&nw),
            words: nw,
            log_words: lw(nw),
            alnum: alnum as f32,
            link_chars: u.link_chars.min(alnum) as f32,
            ends,
            prose,
            list: u.list,
            image: u.image,
        });
        let per_word = |x: usize| if nw > 0.0 { x as f32 / nw } else { 0.0 };
        rows[k * WIDTH..k * WIDTH + OWN].copy_from_slice(&[
            html as u8 as f32,
            lw(c.chars as f32),
            lw(nw),
            ends as u8 as f32,
            c.sentences as f32,
            per_word(c.commas),
            per_word(stops),
            per_word(caps),
            if c.letters > 0 { c.upper as f32 / c.letters as f32 } else { 0.0 },
            if alnum > 0 { c.digits as f32 / alnum as f32 } else { 0.0 },
            link_share,
            per_word(u.links),
            u.list as u8 as f32,
            (u.kind == BlockKind::Heading) as u8 as f32,
            (u.kind == BlockKind::Quote) as u8 as f32,
            u.image as u8 as f32,
            if nw > 0.0 { wlen as f32 / nw } else { 0.0 },
            c.seps as f32,
            c.copyright as u8 as f32,
            per_word(overlap),
            h.phrase as u8 as f32,
            h.dateline as u8 as f32,
            (t.starts_with("By ") || t.starts_with("BY ")) as u8 as f32,
            (u.indent.min(20)) as f32,
            trim_end(t).ends_with(':') as u8 as f32,
            prose as u8 as f32,
        ]);
        extra.push([stamp as u8 as f32, has_title as u8 as f32]);
    }

    // Runs of prose: prose units with gaps of at most 2 other units.
    let mut run_of = vec![usize::MAX; n];
    let mut runs: Vec<(usize, usize, f32)> = Vec::new(); // start, end (inclusive), words
    let mut i = 0;
    while i < n {
        if !base[i].prose {
            i += 1;
            continue;
        }
        let start = i;
        let mut last = i;
        let mut j = i + 1;
        while j < n && j <= last + 3 {
            if base[j].prose {
                last = j;
            }
            j += 1;
        }
        let words: f32 = base[start..=last].iter().map(|b| b.words).sum();
        for r in run_of.iter_mut().take(last + 1).skip(start) {
            *r = runs.len();
        }
        runs.push((start, last, words));
        i = last + 1;
    }
    let prose_words: f32 = runs.iter().map(|r| r.2).sum::<f32>().max(1.0);
    let main = runs.iter().enumerate().max_by(|a, b| a.1 .2.total_cmp(&b.1 .2)).map(|(k, _)| k);
    let total_words: f32 = base.iter().map(|b| b.words).sum();
    let total_alnum: f32 = base.iter().map(|b| b.alnum).sum::<f32>().max(1.0);
    let total_links: f32 = base.iter().map(|b| b.link_chars).sum();
    let title_at = if title.is_empty() { None } else { hints.iter().position(|h| h.title) };
    // Prefix sums of the window counts (whole numbers, so any order of
    // addition gives the same f32).
    #[derive(Clone, Copy, Default)]
    struct Sums {
        alnum: u64,
        links: u64,
        lists: u32,
        prose: u32,
        images: u32,
        stamps: u32,
        shorts: u32,
    }
    let mut sums = Vec::with_capacity(n + 1);
    let mut acc = Sums::default();
    sums.push(acc);
    for b in &base {
        acc.alnum += b.alnum as u64;
        acc.links += b.link_chars as u64;
        acc.lists += b.list as u32;
        acc.prose += b.prose as u32;
        acc.images += b.image as u32;
        acc.stamps += b.stamp as u32;
        acc.shorts += (b.words < 6.0) as u32;
        sums.push(acc);
    }
    // Repeats within the page: the same text, or the same start.
    let hash = |t: &str| xxhash_rust::xxh3::xxh3_64(t.as_bytes());
    let dup = repeated((0..n).map(|k| (base[k].words >= 3.0).then(|| hash(lower[k]))));
    let dup_start = repeated(lower.iter().map(|l| prefix_of(l).map(hash)));
    // Teaser cards: a one-sentence blurb right after a headline-like line.
    let card: Vec<bool> = (0..n).map(|k| k > 0 && base[k - 1].headline && base[k].blurb).collect();
    let mut card_sum = vec![0u32; n + 1];
    let mut heading_sum = vec![0u32; n + 1];
    let mut cue_sum = vec![0u32; n + 1];
    for k in 0..n {
        card_sum[k + 1] = card_sum[k] + card[k] as u32;
        heading_sum[k + 1] = heading_sum[k] + base[k].heading as u32;
        cue_sum[k + 1] = cue_sum[k] + base[k].cue as u32;
    }
    let total_stamps = sums[n].stamps;
    // The same for every unit of the page.
    let (doc_log_words, doc_log_units) = (lw(total_words), lw(n as f32));
    let mut cum_chars = 0.0f32;
    for k in 0..n {
        let b = &base[k];
        let (lo, hi) = (k.saturating_sub(8), (k + 8).min(n - 1));
        let (s0, s1) = (&sums[lo], &sums[hi + 1]);
        let al = (s1.alnum - s0.alnum) as f32;
        let lc = (s1.links - s0.links) as f32;
        let lists = (s1.lists - s0.lists) as f32;
        let pros = (s1.prose - s0.prose) as f32;
        let imgs = (s1.images - s0.images) as f32;
        let stamps = (s1.stamps - s0.stamps) as f32;
        let shorts = (s1.shorts - s0.shorts) as f32;
        // A sum of logarithms: added in window order, as trained.
        let mut lws = 0.0;
        for o in &base[lo..=hi] {
            lws += o.log_words;
        }
        let cnt = (hi - lo + 1) as f32;
        let (nlo, nhi) = (k.saturating_sub(2), (k + 2).min(n - 1));
        let near_prose = (sums[nhi + 1].prose - sums[nlo].prose) as f32 / (nhi - nlo + 1) as f32;
        let nb = |o: isize| -> Option<&Base> {
            let j = k as isize + o;
            (j >= 0 && (j as usize) < n).then(|| &base[j as usize])
        };
        let nb_words = |o| nb(o).map(|x| x.log_words).unwrap_or(-1.0);
        let nb_ends = |o| nb(o).map(|x| x.ends as u8 as f32).unwrap_or(-1.0);
        let nb_link = |o| nb(o).map(|x| if x.alnum > 0.0 { x.link_chars / x.alnum } else { 0.0 }).unwrap_or(-1.0);
        let (run_words, run_share) = match run_of[k] {
            usize::MAX => (0.0, 0.0),
            r => (runs[r].2, runs[r].2 / prose_words),
        };
        let (in_main, before, after, dist) = match main {
            Some(m) => {
                let (s, e, _) = runs[m];
                let d = if k < s { s - k } else { k.saturating_sub(e) };
                ((k >= s && k <= e) as u8 as f32, (k < s) as u8 as f32, (k > e) as u8 as f32, d as f32)
            }
            None => (0.0, 0.0, 0.0, n as f32),
        };
        rows[k * WIDTH + OWN..(k + 1) * WIDTH - NEW].copy_from_slice(&[
            if n > 1 { k as f32 / (n - 1) as f32 } else { 0.0 },
            cum_chars / total_alnum,
            lw(run_words),
            run_share,
            in_main,
            before,
            after,
            lw(dist),
            if al > 0.0 { lc / al } else { 0.0 },
            lists / cnt,
            lws / cnt,
            pros / cnt,
            imgs / cnt,
            near_prose,
            nb_words(-1),
            nb_ends(-1),
            nb_link(-1),
            nb_words(-2),
            nb_words(1),
            nb_ends(1),
            nb_link(1),
            nb_words(2),
            doc_log_words,
            doc_log_units,
            total_links / total_alnum,
            match title_at {
                None => -1.0,
                Some(t) => (k > t) as u8 as f32,
            },
            extra[k][0],
            extra[k][1],
            stamps / cnt,
            shorts / cnt,
        ]);
        let win = |v: &[u32]| (v[hi + 1] - v[lo]) as f32 / cnt;
        rows[(k + 1) * WIDTH - NEW..(k + 1) * WIDTH].copy_from_slice(&[
            dup[k] as u8 as f32,
            dup_start[k] as u8 as f32,
            lw(sums[k].stamps as f32),
            lw((total_stamps - sums[k + 1].stamps) as f32),
            b.cue as u8 as f32,
            win(&cue_sum),
            lw(cue_sum[k] as f32),
            win(&heading_sum),
            card[k] as u8 as f32,
            win(&card_sum),
        ]);
        cum_chars += b.alnum;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clean::segment::units;

    #[test]
    fn time_stamps_are_seen() {
        assert!(is_stamp("2 days ago at 07:52 am", false));
        assert!(is_stamp("Posted 10:31", false));
        assert!(!is_stamp("The council met on Tuesday.", false));
    }

    #[test]
    fn text_without_spaces_counts_as_prose() {
        let u = units("\u{5148}\u{65e5}\u{3001}\u{4e0d}\u{6b63}\u{306b}\u{6539}\u{9020}\u{3057}\u{305f}iPhone\u{3092}\u{8ca9}\u{58f2}\u{3057}\u{305f}\u{3068}\u{3057}\u{3066}\u{3001}\u{7537}\u{6027}\u{304c}\u{902e}\u{6355}\u{3055}\u{308c}\u{307e}\u{3057}\u{305f}\u{3002}");
        let lower: Vec<String> = u.iter().map(|u| u.text.to_lowercase()).collect();
        let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
        let rows = features(&u, &lower, &[Hints::default()], "", false);
        let at = |n: &str| rows[NAMES.iter().position(|x| *x == n).unwrap()];
        assert!(at("log_words") > lw(10.0));
        assert_eq!(at("ends_sentence"), 1.0);
        assert_eq!(at("prose"), 1.0);
    }

    #[test]
    fn latin1_letters_are_counted_as_the_unicode_tables_count_them() {
        for c in '\u{80}'..='\u{ff}' {
            let t = format!("a{c}b");
            let n = count_chars(&t, &mut CharProps::new());
            assert_eq!(n.alnum, 2 + c.is_alphanumeric() as usize, "{c:?}");
            assert_eq!(n.letters, 2 + c.is_alphabetic() as usize, "{c:?}");
            assert_eq!(n.upper, c.is_uppercase() as usize, "{c:?}");
            assert_eq!(n.spaces, c.is_whitespace() as usize, "{c:?}");
        }
    }

    #[test]
    fn characters_are_counted_as_one_by_one() {
        let long = format!("{}. x", "Ab1 ,|/>".repeat(70));
        for t in [
            "",
            " ",
            "A. b! C? d.",
            "x.y a,b | c/d > e\t\u{b}f\r\n g  h",
            "End.",
            "1,000 US$ . ! ?",
            "a.\tb",
            "\u{201c}Caf\u{e9}\u{201d} \u{2014} na\u{ef}ve \u{a9} 2024 \u{2022} \u{bb} \u{b7}.",
            "\u{5148}\u{65e5}\u{3002}iPhone\u{ff01}\u{3000}\u{4e0d}\u{ff1f}",
            "\u{41f}\u{440}\u{438}\u{432}\u{435}\u{442}, \u{43c}\u{438}\u{440}! \u{a0}x",
            long.as_str(),
        ] {
            let (a, c) = (count_chars(t, &mut CharProps::new()), count_by_char(t, &mut CharProps::new()));
            assert_eq!(
                (a.chars, a.spaces, a.cjk, a.alnum, a.digits, a.letters, a.upper, a.seps, a.commas, a.copyright, a.sentences),
                (c.chars, c.spaces, c.cjk, c.alnum, c.digits, c.letters, c.upper, c.seps, c.commas, c.copyright, c.sentences),
                "{t:?}"
            );
            if t.is_ascii() {
                assert_eq!(ascii_words(t).collect::<Vec<_>>(), t.split_whitespace().collect::<Vec<_>>(), "{t:?}");
            }
        }
    }

    #[test]
    fn title_words_are_found_as_in_a_sorted_list() {
        let title = "Caf\u{e9} owners Say: the EXTRAORDINARY rent rise is a-ok, 2024";
        let mut sorted: Vec<String> =
            title.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
        sorted.sort_unstable();
        let words = TitleWords::new(title);
        for w in
            ["caf\u{e9}", "caf", "owners", "say", "the", "extraordinary", "extraordinar", "rent", "a", "ok", "2024", "is", "rise", "x", ""]
        {
            assert_eq!(words.contains(w, word_key(w)), sorted.binary_search_by(|x| x.as_str().cmp(w)).is_ok(), "{w:?}");
        }
        assert!(TitleWords::new("").is_empty() && !words.is_empty());
    }

    #[test]
    fn remembered_char_properties_are_the_unicode_ones() {
        let mut props = CharProps::new();
        // Twice over, so that every slot is both filled and found again.
        for _ in 0..2 {
            for c in ('\u{80}'..='\u{3ffff}').step_by(7) {
                let b = props.of(c);
                assert_eq!(b & (ALPHABETIC | NUMERIC) != 0, c.is_alphanumeric(), "{c:?}");
                assert_eq!(b & ALPHABETIC != 0, c.is_alphabetic(), "{c:?}");
                assert_eq!(b & UPPERCASE != 0, c.is_uppercase(), "{c:?}");
                assert_eq!(b & WHITESPACE != 0, c.is_whitespace(), "{c:?}");
            }
        }
    }

    #[test]
    fn word_cores_are_trimmed_as_trim_matches_trims() {
        for w in [
            "word",
            "\"word,\"",
            "(a)",
            "...",
            "",
            "\u{201c}Caf\u{e9}\u{201d}",
            "\u{e9}t\u{e9}!",
            "x\u{2014}",
            "\u{2014}",
            "--\u{a9}2024.",
            "\u{5148}\u{65e5}\u{3002}",
            "a\u{300}",
            "\u{300}a",
            "1,000.",
            "\u{ff01}\u{ff01}",
            "!\u{e9}!",
        ] {
            let by_tables = |c: char| if c.is_ascii() { !c.is_ascii_alphanumeric() } else { is_punctuation(c) || !c.is_alphanumeric() };
            assert_eq!(word_core(w, &mut CharProps::new()), w.trim_matches(by_tables), "{w:?}");
        }
    }

    #[test]
    fn general_punctuation_is_no_letter_digit_or_space() {
        for c in ('\u{2010}'..='\u{2027}').chain('\u{2030}'..='\u{205e}') {
            assert!(!c.is_alphanumeric() && !c.is_alphabetic() && !c.is_whitespace() && !c.is_uppercase() && !is_cjk(c), "{c:?}");
        }
    }

    #[test]
    fn comment_threads_and_repeated_teasers_are_seen() {
        let teaser =
            "Council approves the ferry terminal WASHINGTON: The harbour council approved the plans on Tuesday after a long debate.";
        let text = format!("{teaser}\n\nThe minister spoke at length today about the plans for the harbour and the coast road.\n\nJaneDoe\n\n2 days ago at 07:52 am\n\nRating: 9 Votes\n\n{teaser}");
        let u = units(&text);
        let lower: Vec<String> = u.iter().map(|u| u.text.to_lowercase()).collect();
        let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
        let rows = features(&u, &lower, &vec![Hints::default(); u.len()], "", false);
        let at = |k: usize, n: &str| rows[k * WIDTH + NAMES.iter().position(|x| *x == n).unwrap()];
        assert_eq!((at(0, "dup_in_page"), at(5, "dup_in_page"), at(1, "dup_in_page")), (1.0, 1.0, 0.0));
        assert_eq!((at(3, "cue"), at(4, "cue"), at(1, "cue"), at(2, "cue")), (1.0, 1.0, 0.0, 0.0));
        // Stamps seen before the last unit: the time stamp.
        assert_eq!(at(5, "stamps_before"), lw(1.0));
    }

    #[test]
    fn every_row_has_every_feature() {
        let u = units("Home\n\nThe minister said on Tuesday that the plan would go ahead, despite objections.\n\n* [Share](x)");
        let lower: Vec<String> = u.iter().map(|u| u.text.to_lowercase()).collect();
        let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
        let rows = features(&u, &lower, &vec![Hints::default(); u.len()], "A title", false);
        assert_eq!(rows.len(), 3 * NAMES.len());
        let rows: Vec<&[f32]> = rows.chunks(WIDTH).collect();
        let prose = NAMES.iter().position(|n| *n == "prose").unwrap();
        assert_eq!(rows[1][prose], 1.0);
        assert_eq!(rows[0][prose], 0.0);
    }
}
