//! HTML pages: our own DOM scorer, on html5ever's HTML5 tokenizer with a
//! light tree of our own (no DOM, no CSS selectors): one pass over the page
//! gives the block units of the whole body (paragraphs, headings, list
//! items, captions) and, per block, the DOM evidence a reader would use:
//! the class/id words of its ancestors (comment, related, share,
//! newsletter, footer, byline, caption...), the sectioning elements it sits
//! in, its depth, the link density of its container, and a
//! Readability-style content score of its ancestors against the page's best
//! container. The line model for HTML ([`super::html_model`]) reads these
//! beside the shared line features and decides. Blocks outside the best
//! container that are never article text (link lists, comment threads,
//! share, ad and author boxes, navigation, footers) are removed before it.
//! (This replaced dom_smoothie's Readability: better held-out F1 and about
//! twice as fast, measured in NOTES.md.)
//!
//! Cost: before tokenizing, a byte scanner drops what never holds article
//! text (`<head>`, `<script>`, `<style>`, `<svg>`, `<noscript>`,
//! `<template>`, comments), which is most of a news page's bytes.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use super::rules::{is_italic, is_url};
use super::segment::Unit;
use super::BlockKind;
use crate::core::formats::{closes_p, decode_char_refs, is_void, is_ws, read_attrs};
use crate::core::sanitize::sanitize_line;

/// Elements dropped with their content, unread.
const JUNK: [&str; 6] = ["script", "style", "svg", "noscript", "template", "math"];

/// A tag name, lower-cased, inline: bytes outside ASCII become `?`; a name
/// longer than 31 bytes keeps its first 23 and eight letters of a hash of
/// the whole (custom elements share long prefixes).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
struct Name {
    len: u8,
    b: [u8; 31],
}

impl Name {
    fn new(raw: &[u8]) -> Name {
        let mut n = Name::default();
        for (d, s) in n.b.iter_mut().zip(raw) {
            *d = if s.is_ascii() { s.to_ascii_lowercase() } else { b'?' };
        }
        if raw.len() > n.b.len() {
            let mut h = 0xcbf2_9ce4_8422_2325u64;
            for c in raw {
                h = (h ^ c.to_ascii_lowercase() as u64).wrapping_mul(0x100_0000_01b3);
            }
            for d in &mut n.b[23..] {
                *d = b'a' + (h % 26) as u8;
                h /= 26;
            }
        }
        n.len = raw.len().min(n.b.len()) as u8;
        n
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.b[..self.len as usize]).unwrap_or("?")
    }

    /// Is it `name`? (Without the UTF-8 check of [`Name::as_str`].)
    fn is(&self, name: &str) -> bool {
        &self.b[..self.len as usize] == name.as_bytes()
    }
}

/// Where the first `</name` (ASCII case-insensitive) at or after `from`
/// starts, or the end of `b`.
fn find_close(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut j = from;
    while let Some(o) = memchr::memmem::find(&b[j..], b"</") {
        let c = j + o + 2;
        if b.len() >= c + name.len()
            && b[c..c + name.len()].eq_ignore_ascii_case(name)
            && b.get(c + name.len()).is_none_or(|&x| is_ws(x) || x == b'/' || x == b'>')
        {
            return c - 2;
        }
        j = c;
    }
    b.len()
}

/// Reads a start tag's attributes from `from` (just after its name) to its
/// `>`: the class/id group bits it names and whether it hides itself.
/// Returns the bits, the hidden flag, whether it ends with `/>` and where
/// the tag ends; `None` when the page ends inside the tag (the HTML5
/// tokenizer drops such a tag).
fn tag_evidence(html: &str, from: usize, scratch: &mut String) -> Option<(u32, bool, bool, usize)> {
    let mut own = 0;
    let mut hidden = false;
    let (end, self_closing) = read_attrs(html, from, |name, value| {
        let kind = match name.len() {
            2 if name.eq_ignore_ascii_case(b"id") => 1,
            4 if name.eq_ignore_ascii_case(b"role") => 1,
            5 if name.eq_ignore_ascii_case(b"class") => 1,
            5 if name.eq_ignore_ascii_case(b"style") => 2,
            6 if name.eq_ignore_ascii_case(b"hidden") => 3,
            8 if name.eq_ignore_ascii_case(b"itemprop") => 1,
            11 if name.eq_ignore_ascii_case(b"aria-hidden") => 4,
            _ => 0,
        };
        if kind == 0 {
            return;
        }
        let value = if value.contains('&') {
            scratch.clear();
            decode_char_refs(value, scratch, true);
            scratch.as_str()
        } else {
            value
        };
        match kind {
            1 => own |= class_bits(value),
            2 => hidden |= value.replace(' ', "").contains("display:none"),
            3 => hidden = true,
            _ => hidden |= value == "true",
        }
    })?;
    Some((own, hidden, self_closing, end))
}

/// Elements whose content is raw text (no tags inside) to their end tag.
fn is_raw(name: &str) -> bool {
    matches!(name, "style" | "noscript" | "iframe" | "xmp" | "noembed" | "noframes" | "textarea" | "title" | "script")
}

/// Tokenizes a page into `st`, in one pass over its bytes: comments, the
/// document head and the elements of [`JUNK`] are skipped unread; start
/// tags give only the evidence the reader uses (their class/id groups and
/// hidden flags), text comes with its character references decoded. It
/// follows the HTML5 tokenizer where that changes the text (raw-text
/// elements, bogus comments, a tag cut by the end of the page), not in
/// what only a validator sees.
fn tokenize(html: &str, st: &mut State) {
    let b = html.as_bytes();
    let mut i = 0;
    let mut seen_body = false;
    let mut scratch = String::new();
    let text = |st: &mut State, t: &str, scratch: &mut String| {
        if t.contains('&') {
            scratch.clear();
            decode_char_refs(t, scratch, false);
            st.text(scratch);
        } else {
            st.text(t);
        }
    };
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let at = i + off;
        if at > i {
            text(st, &html[i..at], &mut scratch);
        }
        let rest = &b[at + 1..];
        match rest.first() {
            Some(b'!') if rest.starts_with(b"!--") => {
                i = memchr::memmem::find(&rest[3..], b"-->").map_or(b.len(), |e| at + 4 + e + 3);
            }
            Some(b'!' | b'?') => {
                // A doctype, CDATA or processing instruction: to the next '>'.
                i = memchr::memchr(b'>', rest).map_or(b.len(), |e| at + 1 + e + 1);
            }
            Some(b'/') => match rest.get(1) {
                Some(c) if c.is_ascii_alphabetic() => {
                    let len = rest[1..].iter().take_while(|&&c| !is_ws(c) && c != b'/' && c != b'>').count();
                    let name = Name::new(&rest[1..1 + len]);
                    let Some((.., end)) = tag_evidence(html, at + 2 + len, &mut scratch) else {
                        i = b.len();
                        break;
                    };
                    st.end(name);
                    i = end;
                }
                Some(b'>') => i = at + 3,
                Some(_) => i = memchr::memchr(b'>', rest).map_or(b.len(), |e| at + 1 + e + 1),
                None => {
                    text(st, "</", &mut scratch);
                    i = b.len();
                }
            },
            Some(c) if c.is_ascii_alphabetic() => {
                let len = rest.iter().take_while(|&&c| !is_ws(c) && c != b'/' && c != b'>').count();
                let raw_name = &rest[..len];
                if let Some(tag) = JUNK.iter().find(|t| raw_name.eq_ignore_ascii_case(t.as_bytes())) {
                    // Dropped with its content, to the close tag's '>'.
                    let c = find_close(b, at + 1 + len, tag.as_bytes());
                    i = memchr::memchr(b'>', &b[c..]).map_or(b.len(), |e| c + e + 1);
                    continue;
                }
                let name = Name::new(raw_name);
                let Some((own, hidden, self_closing, end)) = tag_evidence(html, at + 1 + len, &mut scratch) else {
                    i = b.len();
                    break;
                };
                let ns = name.as_str();
                if !seen_body && ns == "body" {
                    // Everything before the body (the head) goes.
                    seen_body = true;
                    *st = State::new();
                }
                st.start(name, own, hidden, self_closing);
                i = end;
                if is_raw(ns) {
                    let close = find_close(b, end, raw_name);
                    if close > end && !is_skipped(ns) {
                        let t = &html[end..close];
                        if matches!(ns, "textarea" | "title") {
                            text(st, t, &mut scratch);
                        } else {
                            st.text(t);
                        }
                    }
                    i = close;
                }
            }
            _ => {
                text(st, "<", &mut scratch);
                i = at + 1;
            }
        }
    }
    if i < b.len() {
        text(st, &html[i..], &mut scratch);
    }
    st.flush();
}

/// Groups of class/id words: a block inherits every group named on one of
/// its ancestors (or itself).
const GROUPS: &[&str] = &[
    "comment",
    "related",
    "share",
    "newsletter",
    "footer",
    "header",
    "byline",
    "caption",
    "sidebar",
    "ad",
    "content",
    "hidden",
    "tags",
    "bio",
    "hover",
];

/// Words of each group, as `group word` pairs; a word that starts with '='
/// must be a whole token of the class or id (`ad`, not `header`).
const WORDS: &[(&str, &str)] = &[
    ("comment", "comment"),
    ("comment", "disqus"),
    ("comment", "reply"),
    ("comment", "discussion"),
    ("related", "related"),
    ("related", "recommend"),
    ("related", "more-"),
    ("related", "teaser"),
    ("related", "promo"),
    ("related", "outbrain"),
    ("related", "taboola"),
    ("related", "trending"),
    ("related", "popular"),
    ("related", "most-read"),
    ("related", "mostread"),
    ("related", "read-more"),
    ("related", "readmore"),
    ("related", "card"),
    ("related", "carousel"),
    ("related", "also"),
    ("related", "next"),
    ("share", "share"),
    ("share", "social"),
    ("share", "follow"),
    ("share", "sharing"),
    ("share", "facebook"),
    ("share", "twitter"),
    ("newsletter", "newsletter"),
    ("newsletter", "subscri"),
    ("newsletter", "signup"),
    ("newsletter", "sign-up"),
    ("newsletter", "donat"),
    ("newsletter", "paywall"),
    ("newsletter", "membership"),
    ("newsletter", "cta"),
    ("footer", "footer"),
    ("footer", "foot"),
    ("footer", "copyright"),
    ("footer", "legal"),
    ("footer", "disclaimer"),
    ("header", "header"),
    ("header", "masthead"),
    ("header", "nav"),
    ("header", "menu"),
    ("header", "breadcrumb"),
    ("header", "topbar"),
    ("header", "toolbar"),
    ("header", "skip"),
    ("byline", "byline"),
    ("byline", "author"),
    ("byline", "dateline"),
    ("byline", "date"),
    ("byline", "time"),
    ("byline", "meta"),
    ("byline", "timestamp"),
    ("byline", "published"),
    ("byline", "updated"),
    ("caption", "caption"),
    ("caption", "credit"),
    ("caption", "figure"),
    ("caption", "photo"),
    ("caption", "image"),
    ("caption", "img"),
    ("caption", "media"),
    ("caption", "gallery"),
    ("caption", "video"),
    ("sidebar", "sidebar"),
    ("sidebar", "aside"),
    ("sidebar", "widget"),
    ("sidebar", "rail"),
    ("sidebar", "module"),
    ("ad", "=ad"),
    ("ad", "=ads"),
    ("ad", "advert"),
    ("ad", "sponsor"),
    ("ad", "dfp"),
    ("ad", "banner"),
    ("ad", "partner"),
    ("ad", "commercial"),
    ("content", "article"),
    ("content", "content"),
    ("content", "story"),
    ("content", "body"),
    ("content", "entry"),
    ("content", "post"),
    ("content", "text"),
    ("content", "main"),
    ("content", "prose"),
    ("content", "blog"),
    ("hidden", "hidden"),
    ("hidden", "sr-only"),
    ("hidden", "screen-reader"),
    ("hidden", "visually"),
    ("hidden", "offscreen"),
    ("hidden", "modal"),
    ("hidden", "popup"),
    ("tags", "tags"),
    ("tags", "=tag"),
    ("tags", "topic"),
    ("tags", "keyword"),
    ("tags", "categor"),
    ("bio", "bio"),
    ("bio", "about"),
    ("bio", "profile"),
    ("bio", "contributor"),
    ("hover", "rollover"),
    ("hover", "tooltip"),
    ("hover", "popover"),
    ("hover", "hovercard"),
];

fn group_index(name: &str) -> usize {
    GROUPS.iter().position(|g| *g == name).unwrap_or(0)
}

struct Matcher {
    ac: AhoCorasick,
    /// Per pattern: its group bit, and whether it must be a whole token.
    pats: Vec<(u32, bool)>,
}

fn matcher() -> &'static Matcher {
    static M: OnceLock<Matcher> = OnceLock::new();
    M.get_or_init(|| {
        let pats = WORDS
            .iter()
            .map(|(g, w)| (1u32 << GROUPS.iter().position(|x| x == g).expect("group of a word is listed"), w.starts_with('=')))
            .collect();
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(WORDS.iter().map(|(_, w)| w.trim_start_matches('=')))
            .expect("class words build a matcher");
        Matcher { ac, pats }
    })
}

/// The group bits named by a class or id value.
fn class_bits(value: &str) -> u32 {
    let m = matcher();
    let b = value.as_bytes();
    let mut bits = 0;
    for hit in m.ac.find_overlapping_iter(value) {
        let (bit, whole) = m.pats[hit.pattern().as_usize()];
        if whole {
            let before = hit.start() == 0 || !b[hit.start() - 1].is_ascii_alphanumeric();
            let after = hit.end() == b.len() || !b[hit.end()].is_ascii_alphanumeric();
            if !(before && after) {
                continue;
            }
        }
        bits |= bit;
    }
    bits
}

/// Sectioning and structural elements a block may sit in.
const TAGS: &[&str] = &["article", "main", "aside", "nav", "footer", "header", "figure", "form", "table", "li", "a", "blockquote"];

fn tag_bit(name: &str) -> u32 {
    TAGS.iter().position(|t| *t == name).map_or(0, |p| 1 << p)
}

/// Elements that end one block and start another.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "aside"
            | "nav"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "table"
            | "tr"
            | "caption"
            | "pre"
            | "hr"
            | "br"
            | "figure"
            | "figcaption"
            | "center"
            | "address"
            | "details"
            | "summary"
            | "body"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "form"
            | "fieldset"
            | "legend"
            | "tbody"
            | "thead"
            | "tfoot"
            | "iframe"
            | "video"
            | "audio"
    )
}

/// Elements whose text is not article text (controls, embedded content).
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "select"
            | "button"
            | "textarea"
            | "iframe"
            | "object"
            | "title"
            | "option"
            | "datalist"
            | "canvas"
            | "video"
            | "audio"
    )
}

/// One element of the light tree.
#[derive(Debug, Clone)]
struct Node {
    parent: u32,
    depth: u16,
    /// Class/id group bits of this element and its ancestors.
    groups: u32,
    /// Own class/id group bits.
    own: u32,
    /// Structural element bits of this element and its ancestors.
    tags: u32,
    /// Readability's initial weight by tag.
    tag_weight: f32,
    block: bool,
    /// A `<p>` element.
    p: bool,
    /// Its text is not article text (controls, embedded content).
    skipped: bool,
    /// Characters of text in the subtree, and of link text.
    chars: u32,
    link_chars: u32,
    /// Content score from the paragraphs below it.
    score: f32,
    scored: bool,
}

/// A block of text while it is being read.
#[derive(Default)]
struct Pending {
    text: String,
    link_chars: usize,
    links: usize,
    /// The innermost element when its text began.
    owner: u32,
    started: bool,
}

struct Block {
    unit: Unit,
    owner: u32,
    /// Characters of its text (letters, digits, spaces).
    chars: u32,
    /// An image, picture, video or figure started since the block before.
    after_media: bool,
    /// [`text_hash`] of its text.
    hash: u64,
}

/// A hash of a text's words, lower-cased (punctuation and spacing aside).
fn text_hash(t: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut gap = false;
    for c in t.chars() {
        let ascii = c.is_ascii();
        if ascii && c.is_ascii_alphanumeric() || !ascii && c.is_alphanumeric() {
            if gap {
                h = (h ^ b' ' as u64).wrapping_mul(0x100_0000_01b3);
                gap = false;
            }
            if ascii {
                h = (h ^ c.to_ascii_lowercase() as u64).wrapping_mul(0x100_0000_01b3);
            } else {
                for l in c.to_lowercase() {
                    h = (h ^ l as u64).wrapping_mul(0x100_0000_01b3);
                }
            }
        } else {
            gap = h != 0xcbf2_9ce4_8422_2325;
        }
    }
    h
}

#[derive(Default)]
struct State {
    nodes: Vec<Node>,
    /// Open elements: name and node index.
    stack: Vec<(Name, u32)>,
    /// Skipped elements open.
    skip: usize,
    /// Open `<a>` elements.
    links: usize,
    /// Start tags beyond the depth cap not yet closed (their tags are
    /// ignored, their text kept, as `formats::cap_depth` does).
    over: usize,
    pending: Pending,
    blocks: Vec<Block>,
    /// An image, picture, video or figure started since the last block.
    media: bool,
    /// The text of the open link, and the [`text_hash`] of every link's text.
    link_text: String,
    link_hashes: Vec<u64>,
}

impl State {
    fn new() -> State {
        let root = Node {
            parent: u32::MAX,
            depth: 0,
            groups: 0,
            own: 0,
            tags: 0,
            tag_weight: 0.0,
            block: true,
            p: false,
            skipped: false,
            chars: 0,
            link_chars: 0,
            score: 0.0,
            scored: false,
        };
        State { nodes: vec![root], ..State::default() }
    }

    fn top(&self) -> u32 {
        self.stack.last().map_or(0, |s| s.1)
    }

    fn flush(&mut self) {
        let p = std::mem::take(&mut self.pending);
        if !p.started {
            self.pending.text = p.text;
            self.pending.text.clear();
            return;
        }
        let text = sanitize_line(&p.text);
        let mut buf = p.text;
        buf.clear();
        self.pending.text = buf;
        if text.is_empty() {
            return;
        }
        // The block's kind from its nearest heading, item, quote or caption.
        let mut kind = BlockKind::Paragraph;
        let mut list = false;
        let mut n = p.owner;
        let chars = text.chars().filter(|c| c.is_alphanumeric() || *c == ' ').count() as u32;
        let link_chars = (p.link_chars as u32).min(chars);
        while n != u32::MAX {
            let node = &mut self.nodes[n as usize];
            node.chars += chars;
            node.link_chars += link_chars;
            n = node.parent;
        }
        for (name, _) in self.stack.iter().rev() {
            let k = match &name.b[..name.len as usize] {
                b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" => Some(BlockKind::Heading),
                b"li" | b"dd" | b"dt" => {
                    list = true;
                    Some(BlockKind::ListItem)
                }
                b"blockquote" => Some(BlockKind::Quote),
                b"figcaption" => Some(BlockKind::Caption),
                b"body" => break,
                _ => None,
            };
            if let Some(k) = k {
                kind = k;
                break;
            }
        }
        if self.stack.iter().any(|(n, _)| n.is("figcaption")) {
            kind = BlockKind::Caption;
        }
        let owner = self.block_owner(p.owner);
        let after_media = std::mem::take(&mut self.media);
        let hash = text_hash(&text);
        self.blocks.push(Block {
            unit: Unit {
                // The raw unit is its text: read only when that is empty.
                raw: String::new(),
                url: is_url(&text),
                italic: is_italic(&text),
                text,
                kind,
                list,
                image: false,
                link_chars: p.link_chars,
                links: p.links,
                indent: 0,
            },
            owner,
            chars,
            after_media,
            hash,
        });
    }

    /// The nearest block element at or above `n`.
    fn block_owner(&self, mut n: u32) -> u32 {
        while n != 0 && !self.nodes[n as usize].block {
            n = self.nodes[n as usize].parent;
        }
        n
    }

    /// Pops open elements down to and including the one at `at`.
    fn pop_to(&mut self, at: usize) {
        for (name, id) in self.stack.drain(at..) {
            if name.is("a") {
                self.links = self.links.saturating_sub(1);
                if self.links == 0 && !self.link_text.is_empty() {
                    self.link_hashes.push(text_hash(&self.link_text));
                    self.link_text.clear();
                }
            }
            if self.nodes[id as usize].skipped {
                self.skip -= 1;
            }
        }
    }

    /// The index in the stack of the nearest open `name`, not looking past
    /// any of `stop`.
    fn open(&self, name: &str, stop: &[&str]) -> Option<usize> {
        for (i, (n, _)) in self.stack.iter().enumerate().rev() {
            if n.is(name) {
                return Some(i);
            }
            if stop.iter().any(|s| n.is(s)) {
                return None;
            }
        }
        None
    }

    fn start(&mut self, tag: Name, own: u32, hidden: bool, self_closing: bool) {
        let name = tag.as_str();
        let block = is_block(name);
        // Inline text that is hidden, or shown only on hover (the card
        // inside an inline tooltip or rollover, beside its link: more links
        // in a paragraph), is not read.
        let hover = 1 << group_index("hover");
        let trigger = &self.nodes[self.top() as usize];
        let skipped =
            is_skipped(name) || !block && (hidden || name != "a" && own & hover != 0 && trigger.own & hover != 0 && !trigger.block);
        if block {
            self.flush();
        }
        // Implied ends.
        if closes_p(name) {
            if let Some(i) = self.open("p", &["table", "td", "th", "caption", "button", "object", "template"]) {
                self.pop_to(i);
            }
        }
        match name {
            "li" => {
                if let Some(i) = self.open("li", &["ul", "ol", "div", "section", "article", "table"]) {
                    self.pop_to(i);
                }
            }
            "dt" | "dd" => {
                if let Some(i) = self.open("dd", &["dl", "div"]).or_else(|| self.open("dt", &["dl", "div"])) {
                    self.pop_to(i);
                }
            }
            "td" | "th" => {
                // A table row is one block, its cells apart by a space.
                if self.pending.started {
                    self.pending.text.push(' ');
                }
                if let Some(i) = self.open("td", &["tr", "table"]).or_else(|| self.open("th", &["tr", "table"])) {
                    self.pop_to(i);
                }
            }
            "tr" => {
                if let Some(i) = self.open("tr", &["table"]) {
                    self.pop_to(i);
                }
            }
            "a" => {
                if let Some(i) = self.open("a", &[]) {
                    self.pop_to(i);
                }
            }
            _ => {}
        }
        if matches!(name, "img" | "picture" | "video" | "figure") {
            self.media = true;
        }
        if name == "br" || name == "hr" || name == "img" {
            return;
        }
        if is_void(name) || self_closing && !matches!(name, "div" | "p" | "span" | "a" | "li") {
            return;
        }
        if self.stack.len() >= crate::core::formats::MAX_DEPTH {
            self.over += 1;
            return;
        }
        let parent = self.top();
        let pn = &self.nodes[parent as usize];
        let mut own = own;
        if name == "blockquote" {
            // An embedded post ("twitter-tweet", "instagram-media") is
            // quoted text, not a share button.
            own &= !(1 << group_index("share"));
        }
        if hidden {
            own |= 1 << GROUPS.iter().position(|g| *g == "hidden").unwrap_or(0);
        }
        let tag_weight = match name {
            "div" => 5.0,
            "pre" | "td" | "blockquote" => 3.0,
            "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
            _ => 0.0,
        };
        let node = Node {
            parent,
            depth: pn.depth.saturating_add(1),
            groups: pn.groups | own,
            own,
            tags: pn.tags | tag_bit(name),
            tag_weight,
            block,
            p: name == "p",
            skipped,
            chars: 0,
            link_chars: 0,
            score: 0.0,
            scored: false,
        };
        self.skip += skipped as usize;
        let id = self.nodes.len() as u32;
        self.nodes.push(node);
        if name == "a" {
            self.links += 1;
            self.pending.links += 1;
        }
        self.stack.push((tag, id));
    }

    fn end(&mut self, tag: Name) {
        let name = tag.as_str();
        if is_block(name) {
            self.flush();
        }
        if self.over > 0 && !is_void(name) {
            self.over -= 1;
            return;
        }
        if name == "br" || name == "p" && self.open("p", &[]).is_none() {
            return;
        }
        if let Some(i) = self.open(name, &[]) {
            self.pop_to(i);
        }
    }

    fn text(&mut self, t: &str) {
        if self.skip > 0 {
            return;
        }
        if !self.pending.started {
            if t.trim().is_empty() {
                return;
            }
            self.pending.started = true;
            self.pending.owner = self.top();
        }
        if self.links > 0 {
            self.pending.link_chars += t.chars().filter(|c| c.is_alphanumeric() || *c == ' ').count();
            self.link_text.push_str(t);
        }
        self.pending.text.push_str(t);
    }
}

/// The names of the DOM features, in the order of [`Page::features`].
pub(crate) const NAMES: &[&str] = &[
    "dom_in_top",
    "dom_top_share",
    "dom_anc_score",
    "dom_parent_link",
    "dom_owner_link",
    "dom_depth",
    "dom_depth_rel",
    "dom_own_score",
    "dom_in_top_sibling",
    "dom_g_comment",
    "dom_g_related",
    "dom_g_share",
    "dom_g_newsletter",
    "dom_g_footer",
    "dom_g_header",
    "dom_g_byline",
    "dom_g_caption",
    "dom_g_sidebar",
    "dom_g_ad",
    "dom_g_content",
    "dom_g_hidden",
    "dom_g_tags",
    "dom_g_bio",
    "dom_g_hover",
    "dom_t_article",
    "dom_t_main",
    "dom_t_aside",
    "dom_t_nav",
    "dom_t_footer",
    "dom_t_header",
    "dom_t_figure",
    "dom_t_form",
    "dom_t_table",
    "dom_t_li",
    "dom_t_a",
    "dom_t_blockquote",
    "dom_own_p",
    "dom_own_groups",
    "dom_l_comment",
    "dom_l_related",
    "dom_l_share",
    "dom_l_newsletter",
    "dom_l_footer",
    "dom_l_header",
    "dom_l_byline",
    "dom_l_caption",
    "dom_l_sidebar",
    "dom_l_ad",
    "dom_l_content",
    "dom_l_hidden",
    "dom_l_tags",
    "dom_l_bio",
    "dom_l_hover",
    "dom_after_media",
    "dom_same_text",
    "dom_link_text",
    "dom_lca_up",
    "dom_top_up",
    "dom_second_score",
    "dom_in_second",
];

/// A block removed by the reader, and why.
pub(crate) struct SetAside {
    /// The index in [`Page::units`] of the unit it comes before.
    pub before: usize,
    pub unit: Unit,
    /// The reason: a short kind and its detail.
    pub kind: &'static str,
    pub detail: &'static str,
}

/// Why a block outside the best container is never article text: its
/// class/id groups or its sectioning elements. (None of these held article
/// text outside the best container on the dev pages.)
fn set_aside_reason(node: &Node) -> Option<(&'static str, &'static str)> {
    let group = |g: &str| node.groups >> GROUPS.iter().position(|x| *x == g).unwrap_or(0) & 1 == 1;
    let tag = |t: &str| node.tags >> TAGS.iter().position(|x| *x == t).unwrap_or(0) & 1 == 1;
    if group("comment") {
        Some(("comments", "in the comment section"))
    } else if group("share") {
        Some(("share", "in a share or follow box"))
    } else if group("ad") {
        Some(("advert", "in an advertisement box"))
    } else if group("bio") || group("byline") {
        Some(("byline", "in an author or date box outside the article"))
    } else if tag("nav") {
        Some(("navigation", "in the page's navigation"))
    } else if tag("footer") {
        Some(("footer", "in a footer outside the article"))
    } else {
        None
    }
}

/// A page read into blocks, with the DOM evidence of each.
pub(crate) struct Page {
    pub units: Vec<Unit>,
    /// Blocks outside the page's best container that are never article
    /// text (link lists, comment threads, share, ad and author boxes,
    /// navigation and footers), removed before the line model sees the page.
    pub set_aside: Vec<SetAside>,
    /// One row per unit, in the order of [`NAMES`].
    pub features: Vec<Vec<f32>>,
}

/// Reads a page (its markup already depth-capped) into blocks and their
/// DOM features.
pub(crate) fn read(html: &str) -> Page {
    let mut st = State::new();
    tokenize(html, &mut st);
    let State { mut nodes, blocks, link_hashes, .. } = st;

    // Readability's scoring: each paragraph of 25+ characters gives its
    // container 1 + commas + length/100 (at most 3), half of that to the
    // grandparent, a third of a level to the levels above.
    for b in &blocks {
        let t = &b.unit.text;
        if t.len() < 25 || b.unit.kind == BlockKind::Heading {
            continue;
        }
        let commas = t.matches([',', '\u{ff0c}', '\u{3001}']).count() as f32;
        let score = 1.0 + commas + (t.len() as f32 / 100.0).min(3.0);
        let mut n = nodes[b.owner as usize].parent;
        let mut level = 0;
        while n != u32::MAX && n != 0 && level < 5 {
            let node = &mut nodes[n as usize];
            if !node.scored {
                node.scored = true;
                let g = node.own;
                let bit = |name: &str| 1u32 << GROUPS.iter().position(|x| *x == name).unwrap_or(0);
                let neg = bit("comment") | bit("related") | bit("share") | bit("footer") | bit("sidebar") | bit("ad") | bit("hidden");
                let weight = if g & neg != 0 { -25.0 } else { 0.0 } + if g & bit("content") != 0 { 25.0 } else { 0.0 };
                node.score += node.tag_weight + weight;
            }
            let div = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 3.0,
            };
            node.score += score / div;
            n = node.parent;
            level += 1;
        }
    }
    let final_score = |n: &Node| {
        if !n.scored {
            return 0.0;
        }
        let ld = if n.chars > 0 { n.link_chars as f32 / n.chars as f32 } else { 0.0 };
        n.score * (1.0 - ld)
    };
    let scores: Vec<f32> = nodes.iter().map(final_score).collect();
    let top = (1..nodes.len()).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap_or(0);
    let top_score = scores.get(top).copied().unwrap_or(0.0).max(1e-3);
    let total_chars = nodes[0].chars.max(1) as f32;
    let top_share = nodes.get(top).map_or(0.0, |n| n.chars as f32 / total_chars);
    let top_parent = nodes.get(top).map_or(u32::MAX, |n| n.parent);
    let top_depth = nodes.get(top).map_or(0.0, |n| n.depth as f32);
    // Groups named on the page's wrappers (body, layout) say little about
    // a block: the local groups are those named below the best container
    // (inside it) or below its parent (outside it).
    let top_groups = nodes.get(top).map_or(0, |n| n.groups);
    let wrapper_groups = nodes.get(top_parent as usize).map_or(0, |n| n.groups);
    // The best container's ancestors and subtree (nodes come in document
    // order, parents first), and the best container outside both: an
    // article split in two, or the strongest rival (comments, a sidebar).
    let mut top_anc = vec![false; nodes.len()];
    let mut n = top as u32;
    while n != u32::MAX {
        top_anc[n as usize] = true;
        n = nodes[n as usize].parent;
    }
    let subtree = |root: usize| {
        let mut inside = vec![false; nodes.len()];
        for k in root..nodes.len() {
            let p = nodes[k].parent;
            inside[k] = k == root || p != u32::MAX && inside[p as usize];
        }
        inside
    };
    let in_top_tree = subtree(top);
    let second = (1..nodes.len()).filter(|&k| !top_anc[k] && !in_top_tree[k]).max_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let second_score = second.map_or(0.0, |k| scores[k] / top_score);
    let in_second_tree = second.map(subtree).unwrap_or_default();
    // How often a block's text recurs on the page, as a block and as the
    // text of a link (teasers repeat headlines and links).
    let mut same: std::collections::HashMap<u64, (u16, u16)> = std::collections::HashMap::with_capacity(blocks.len() + link_hashes.len());
    for b in &blocks {
        let e = same.entry(b.hash).or_default();
        e.0 = e.0.saturating_add(1);
    }
    for h in &link_hashes {
        let e = same.entry(*h).or_default();
        e.1 = e.1.saturating_add(1);
    }

    let mut units = Vec::with_capacity(blocks.len());
    let mut features = Vec::with_capacity(blocks.len());
    let mut set_aside = Vec::new();
    for b in blocks {
        let owner = &nodes[b.owner as usize];
        let mut in_top = false;
        let mut sibling = false;
        let mut anc = 0.0f32;
        let mut n = b.owner;
        let mut level = 0;
        while n != u32::MAX {
            if n as usize == top {
                in_top = true;
            }
            let node = &nodes[n as usize];
            if node.parent == top_parent && n as usize != top && scores[n as usize] >= (top_score * 0.2).max(10.0) {
                sibling = true;
            }
            if level < 6 {
                anc = anc.max(scores[n as usize] / top_score);
            }
            level += 1;
            n = node.parent;
        }
        if !in_top && b.unit.kind != BlockKind::Caption {
            let links = b.unit.link_chars * 5 >= b.chars as usize * 4;
            let why = if links { Some(("links", "a link list outside the article")) } else { set_aside_reason(owner) };
            if let Some((kind, detail)) = why {
                set_aside.push(SetAside { before: units.len(), unit: b.unit, kind, detail });
                continue;
            }
        }
        let parent = if owner.parent == u32::MAX { owner } else { &nodes[owner.parent as usize] };
        let ld = |n: &Node| if n.chars > 0 { n.link_chars as f32 / n.chars as f32 } else { 0.0 };
        let mut row = Vec::with_capacity(NAMES.len());
        row.extend_from_slice(&[
            in_top as u8 as f32,
            top_share,
            anc,
            ld(parent),
            ld(owner),
            owner.depth as f32,
            if in_top { owner.depth as f32 - top_depth } else { -1.0 },
            scores[b.owner as usize] / top_score,
            sibling as u8 as f32,
        ]);
        for g in 0..GROUPS.len() {
            row.push((owner.groups >> g & 1) as f32);
        }
        for t in 0..TAGS.len() {
            row.push((owner.tags >> t & 1) as f32);
        }
        row.push(owner.p as u8 as f32);
        row.push(owner.own.count_ones() as f32);
        let local = owner.groups & !if in_top { top_groups } else { wrapper_groups };
        for g in 0..GROUPS.len() {
            row.push((local >> g & 1) as f32);
        }
        let mut lca = b.owner;
        while !top_anc[lca as usize] {
            lca = nodes[lca as usize].parent;
        }
        let lca_depth = nodes[lca as usize].depth as f32;
        let (blocks_same, links_same) = same.get(&b.hash).copied().unwrap_or_default();
        row.extend_from_slice(&[
            b.after_media as u8 as f32,
            (blocks_same.saturating_sub(1)).min(3) as f32,
            links_same.min(3) as f32,
            owner.depth as f32 - lca_depth,
            top_depth - lca_depth,
            second_score,
            in_second_tree.get(b.owner as usize).copied().unwrap_or(false) as u8 as f32,
        ]);
        debug_assert_eq!(row.len(), NAMES.len());
        features.push(row);
        units.push(b.unit);
    }
    Page { units, features, set_aside }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(p: &Page) -> Vec<&str> {
        p.units.iter().map(|u| u.text.as_str()).collect()
    }

    fn dom(p: &Page, unit: usize, name: &str) -> f32 {
        p.features[unit][NAMES.iter().position(|n| *n == name).unwrap()]
    }

    #[test]
    fn head_scripts_styles_svg_and_comments_are_skipped() {
        let page = "<html><head><title>T</title><p>head text</p></head><BODY><p>a</p><SCRIPT type=x>if (a<b) { x('</p>') }</script><!-- <p>c</p> --><svg><text>d</text></svg><p>b</p><style>p{}</STYLE><scripts>e</scripts><!DOCTYPE x><p>f<textarea>g</textarea> h</p>";
        assert_eq!(texts(&read(page)), ["a", "b", "e", "f h"]);
        assert_eq!(texts(&read("<p>x</p><script>never closed <p>y</p>")), ["x"]);
        // Attributes are read with their quotes; a tag cut by the end of
        // the page is dropped.
        let p = read("<div class=\"a > b\" data-x='y>z' ID=main-story hidden><p>t</p></div><p>u</p><div class=\"never closed");
        assert_eq!(texts(&p), ["t", "u"]);
        assert_eq!(dom(&p, 0, "dom_g_content"), 1.0);
        assert_eq!(dom(&p, 0, "dom_g_hidden"), 1.0);
        assert_eq!(texts(&read("<p>1 < 2 and 3 <= 4</p><p>a</ p>b</p>")), ["1 < 2 and 3 <= 4", "ab"]);
    }

    #[test]
    fn paragraphs_close_themselves_and_entities_are_decoded() {
        let p = read("<body><p>One &amp; two<p>Three<div>Four</div>Five</body>");
        assert_eq!(texts(&p), ["One & two", "Three", "Four", "Five"]);
    }

    #[test]
    fn deep_nesting_keeps_its_text() {
        let html = format!("<body>{}<p>Deep text here.</p>{}<p>After it.</p></body>", "<div>".repeat(5000), "</div>".repeat(5000));
        let p = read(&html);
        assert_eq!(texts(&p), ["Deep text here.", "After it."]);
    }

    #[test]
    fn empty_truncated_and_unclosed_pages_give_their_text() {
        assert!(read("").units.is_empty());
        let p = read("<html><body><div><a href=/>Home</a></div><p>Only a short");
        assert_eq!(texts(&p), ["Only a short"]);
        assert_eq!(p.set_aside[0].unit.text, "Home");
        // A control left open ends with its container.
        let p = read("<body><div><select><option>A choice</div><p>After it");
        assert_eq!(texts(&p), ["After it"]);
        let p = read("<html><body><p>Hi</p></body></html>");
        assert_eq!(texts(&p), ["Hi"]);
    }

    #[test]
    fn captions_lists_and_headings_keep_their_kind() {
        let p = read("<body><figure><img src=x><figcaption>A <a href=y>photo</a> of it</figcaption></figure><h2>Sub</h2><ul><li>One item of the list</li></ul></body>");
        let kinds: Vec<BlockKind> = p.units.iter().map(|u| u.kind).collect();
        assert_eq!(kinds, [BlockKind::Caption, BlockKind::Heading, BlockKind::ListItem]);
        assert_eq!(p.units[0].links, 1);
        assert!(p.units[2].list);
    }

    #[test]
    fn blocks_carry_the_dom_evidence_of_their_ancestors() {
        let para = "The council voted on Tuesday to approve the budget, which raises spending on schools, roads and parks.";
        let html = format!(
            "<body><nav class=menu><a href=/>Home</a> <a href=/n>News</a></nav><article class='story-body'><p>{para}</p><p>{para}</p><p>{para}</p></article><div id=comments-list><p>I disagree with this, strongly and at length.</p></div></body>"
        );
        let p = read(&html);
        // The menu of links and the comments outside the article are
        // removed before judging.
        let aside: Vec<(&str, &str)> = p.set_aside.iter().map(|s| (s.kind, s.unit.text.as_str())).collect();
        assert_eq!(aside, [("links", "Home News"), ("comments", "I disagree with this, strongly and at length.")]);
        assert_eq!(p.units.len(), 3);
        assert_eq!(dom(&p, 0, "dom_in_top"), 1.0);
        assert_eq!(dom(&p, 0, "dom_t_article"), 1.0);
        assert_eq!(dom(&p, 0, "dom_g_content"), 1.0);
        assert!(p.features.iter().all(|r| r.len() == NAMES.len()));
    }

    #[test]
    fn table_rows_hover_cards_embeds_and_repeats() {
        let p = read("<body><table><tr><th>Pos</th><th>Driver</th></tr><tr><td>1</td><td>Kyle Busch</td></tr></table></body>");
        assert_eq!(texts(&p), ["Pos Driver", "1 Kyle Busch"]);
        // Text shown only on hover, or hidden, is not read; an embedded
        // post is not a share box.
        let p = read("<body><p>Rep. <span class=rollover-people><a href=/p>Ann Lee</a><span class=rollover-people-block><a href=/x>Another story</a></span></span> said no.<span hidden>Ad</span></p><blockquote class=twitter-tweet><p>A post</p></blockquote></body>");
        assert_eq!(texts(&p), ["Rep. Ann Lee said no.", "A post"]);
        assert_eq!(dom(&p, 1, "dom_g_share"), 0.0);
        // A block after an image; a block that repeats a link elsewhere.
        let p = read("<body><a href=/s>Story of the day</a><div><img src=x><p>A man walks by.</p><p>Story of the day</p><p>Other text here.</p></div></body>");
        // (The link alone outside the article is set aside.)
        assert_eq!(texts(&p), ["A man walks by.", "Story of the day", "Other text here."]);
        assert_eq!(dom(&p, 0, "dom_after_media"), 1.0);
        assert_eq!(dom(&p, 1, "dom_after_media"), 0.0);
        assert_eq!(dom(&p, 1, "dom_link_text"), 1.0);
        assert_eq!(dom(&p, 1, "dom_same_text"), 1.0);
        assert_eq!(dom(&p, 2, "dom_same_text"), 0.0);
    }

    #[test]
    fn class_words_match_whole_tokens_where_asked() {
        let bit = |g: &str| 1u32 << GROUPS.iter().position(|x| *x == g).unwrap();
        assert_ne!(class_bits("top-ad slot") & bit("ad"), 0);
        assert_eq!(class_bits("header-main") & bit("ad"), 0);
        assert_ne!(class_bits("Related-Stories") & bit("related"), 0);
    }
}
