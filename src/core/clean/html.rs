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

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};

use super::segment::Unit;
use super::BlockKind;
use crate::core::sanitize::sanitize_line;

/// Elements whose content is dropped before tokenizing.
const JUNK: [&str; 6] = ["script", "style", "svg", "noscript", "template", "math"];

/// Drops comments, the document head and the elements of [`JUNK`] with
/// their content, in one pass over the bytes (case-insensitive; an element
/// left open runs to the end of the page).
pub(crate) fn strip_junk(html: &str) -> Cow<'_, str> {
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    let cut = |out: &mut Option<String>, copied: &mut usize, from: usize, to: usize| {
        let o = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
        o.push_str(&html[*copied..from]);
        *copied = to;
    };
    let mut seen_body = false;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let at = i + off;
        let rest = &b[at + 1..];
        if rest.starts_with(b"!--") {
            let end = memchr::memmem::find(&rest[3..], b"-->").map_or(b.len(), |e| at + 4 + e + 3);
            cut(&mut out, &mut copied, at, end);
            i = end;
            continue;
        }
        let name_len = rest.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        let name = &rest[..name_len];
        if !seen_body && name.eq_ignore_ascii_case(b"body") {
            // Everything before the body (the head) goes.
            seen_body = true;
            out.get_or_insert_with(|| String::with_capacity(html.len() / 2)).clear();
            copied = at;
            i = at + 1;
            continue;
        }
        let Some(tag) = JUNK.iter().find(|t| name.eq_ignore_ascii_case(t.as_bytes())) else {
            // A start tag: keep only the attributes the reader uses.
            if name_len > 0 && rest.get(name_len) != Some(&b'>') {
                let o = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
                o.push_str(&html[copied..at]);
                let before = o.len();
                match slim_tag(html, at, at + 1 + name_len, o) {
                    Some(end) => {
                        copied = end;
                        i = end;
                    }
                    None => {
                        // Malformed: left to the tokenizer as it is.
                        o.truncate(before);
                        copied = at;
                        i = at + 1;
                    }
                }
                continue;
            }
            i = at + 1;
            continue;
        };
        // The matching close tag, case-insensitively (nesting of svg in svg
        // is rare and harmless: the rest is tokenized).
        let mut j = at + 1 + name_len;
        let end = loop {
            match memchr::memmem::find(&b[j..], b"</") {
                Some(o) => {
                    let c = j + o + 2;
                    if b.len() >= c + tag.len() && b[c..c + tag.len()].eq_ignore_ascii_case(tag.as_bytes()) {
                        break memchr::memchr(b'>', &b[c..]).map_or(b.len(), |e| c + e + 1);
                    }
                    j = c;
                }
                None => break b.len(),
            }
        };
        cut(&mut out, &mut copied, at, end);
        i = end;
    }
    match out {
        Some(mut o) => {
            if copied < html.len() {
                o.push_str(&html[copied..]);
            }
            Cow::Owned(o)
        }
        None => Cow::Borrowed(html),
    }
}

/// Attributes the reader looks at; the others (links, sources, data) are
/// most of a modern page's markup, dropped before tokenizing.
const KEPT_ATTRS: [&str; 7] = ["class", "id", "role", "itemprop", "hidden", "aria-hidden", "style"];

/// Writes the start tag at `at`, whose name ends at `from`, to `out` with only the
/// attributes of [`KEPT_ATTRS`], and returns where the tag ends; `None`
/// for a tag left open (an unclosed quote), of which `out` then holds part.
fn slim_tag(html: &str, at: usize, from: usize, out: &mut String) -> Option<usize> {
    let b = html.as_bytes();
    let n = b.len();
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    out.push_str(&html[at..from]);
    let mut j = from;
    loop {
        while j < n && ws(b[j]) {
            j += 1;
        }
        match b.get(j)? {
            b'>' => {
                out.push('>');
                return Some(j + 1);
            }
            b'/' => {
                if b.get(j + 1) == Some(&b'>') {
                    out.push_str("/>");
                    return Some(j + 2);
                }
                j += 1;
                continue;
            }
            _ => {}
        }
        let a0 = j;
        while j < n && !ws(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
            j += 1;
        }
        if j == a0 {
            j += 1; // a stray '='
            continue;
        }
        let name_end = j;
        let mut k = j;
        while k < n && ws(b[k]) {
            k += 1;
        }
        if b.get(k) == Some(&b'=') {
            k += 1;
            while k < n && ws(b[k]) {
                k += 1;
            }
            match *b.get(k)? {
                q @ (b'"' | b'\'') => k += 2 + memchr::memchr(q, &b[k + 1..])?,
                _ => {
                    while k < n && !ws(b[k]) && b[k] != b'>' {
                        k += 1;
                    }
                }
            }
            j = k;
        }
        let name = &b[a0..name_end];
        if KEPT_ATTRS.iter().any(|a| name.eq_ignore_ascii_case(a.as_bytes())) {
            out.push(' ');
            out.push_str(&html[a0..j]);
        }
    }
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
];

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
            | "td"
            | "th"
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

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "param"
            | "keygen"
    )
}

/// Start tags that close an open `<p>` (HTML5 "close a p element").
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "header"
            | "hgroup"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "section"
            | "summary"
            | "ul"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "pre"
            | "listing"
            | "form"
            | "plaintext"
            | "table"
            | "hr"
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
}

#[derive(Default)]
struct State {
    nodes: Vec<Node>,
    /// Open elements: name and node index.
    stack: Vec<(html5ever::LocalName, u32)>,
    /// Skipped elements open.
    skip: usize,
    /// Open `<a>` elements.
    links: usize,
    /// Start tags beyond the depth cap not yet closed (their tags are
    /// ignored, their text kept, as `formats::cap_depth` does).
    over: usize,
    pending: Pending,
    blocks: Vec<Block>,
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
            let k = match &**name {
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Some(BlockKind::Heading),
                "li" | "dd" | "dt" => {
                    list = true;
                    Some(BlockKind::ListItem)
                }
                "blockquote" => Some(BlockKind::Quote),
                "figcaption" => Some(BlockKind::Caption),
                "body" => break,
                _ => None,
            };
            if let Some(k) = k {
                kind = k;
                break;
            }
        }
        if self.stack.iter().any(|(n, _)| &**n == "figcaption") {
            kind = BlockKind::Caption;
        }
        let owner = self.block_owner(p.owner);
        self.blocks.push(Block {
            unit: Unit { raw: text.clone(), text, kind, list, image: false, link_chars: p.link_chars, links: p.links, indent: 0 },
            owner,
            chars,
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
            if &*name == "a" {
                self.links = self.links.saturating_sub(1);
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
            if &**n == name {
                return Some(i);
            }
            if stop.contains(&&**n) {
                return None;
            }
        }
        None
    }

    fn start(&mut self, tag: html5ever::tokenizer::Tag) -> TokenSinkResult<()> {
        let name = &*tag.name;
        let skipped = is_skipped(name);
        let block = is_block(name);
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
        if name == "br" || name == "hr" || name == "img" {
            return TokenSinkResult::Continue;
        }
        if is_void(name) || tag.self_closing && !matches!(name, "div" | "p" | "span" | "a" | "li") {
            return raw_kind(name);
        }
        if self.stack.len() >= crate::core::formats::MAX_DEPTH {
            self.over += 1;
            return raw_kind(name);
        }
        let parent = self.top();
        let pn = &self.nodes[parent as usize];
        let mut own = 0;
        let mut hidden = false;
        for a in &tag.attrs {
            match &*a.name.local {
                "class" | "id" | "role" | "itemprop" => own |= class_bits(&a.value),
                "hidden" => hidden = true,
                "aria-hidden" => hidden |= &*a.value == "true",
                "style" => hidden |= a.value.replace(' ', "").contains("display:none"),
                _ => {}
            }
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
        let raw = raw_kind(name);
        self.stack.push((tag.name, id));
        raw
    }

    fn end(&mut self, tag: html5ever::tokenizer::Tag) {
        let name = &*tag.name;
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
        }
        self.pending.text.push_str(t);
    }
}

fn raw_kind(name: &str) -> TokenSinkResult<()> {
    match name {
        "script" => TokenSinkResult::RawData(RawKind::ScriptData),
        "style" | "noscript" | "iframe" | "xmp" | "noembed" | "noframes" => TokenSinkResult::RawData(RawKind::Rawtext),
        "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
        _ => TokenSinkResult::Continue,
    }
}

struct Sink(RefCell<State>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut s = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => return s.start(tag),
                TagKind::EndTag => s.end(tag),
            },
            Token::CharacterTokens(t) => s.text(&t),
            Token::EOFToken => s.flush(),
            _ => {}
        }
        TokenSinkResult::Continue
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
    let html = strip_junk(html);
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(&html));
    let tok = Tokenizer::new(Sink(RefCell::new(State::new())), TokenizerOpts::default());
    let _ = tok.feed(&input);
    tok.end();
    let mut st = tok.sink.0.into_inner();
    st.flush();
    let State { mut nodes, blocks, .. } = st;

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
    fn head_scripts_styles_svg_and_comments_are_dropped_before_tokenizing() {
        let page = "<html><head><title>T</title></head><BODY><p>a</p><SCRIPT type=x>if (a<b) { x('</p>') }</script><!-- <p>c</p> --><svg><text>d</text></svg><p>b</p><style>p{}</STYLE><scripts>e</scripts>";
        assert_eq!(strip_junk(page), "<BODY><p>a</p><p>b</p><scripts>e</scripts>");
        assert_eq!(strip_junk("<p>x</p><script>never closed"), "<p>x</p>");
        assert!(matches!(strip_junk("<p>plain</p>"), Cow::Borrowed(_)));
        // Only the attributes the reader uses reach the tokenizer.
        assert_eq!(
            strip_junk("<div class=\"a b\" data-x='y>z' ID=k href=/x hidden><img src=x alt=\"\"/><a href=y>t</a></div>"),
            "<div class=\"a b\" ID=k hidden><img/><a>t</a></div>"
        );
        assert_eq!(strip_junk("<p>a</p><div class=\"never closed"), "<p>a</p><div class=\"never closed");
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
    fn class_words_match_whole_tokens_where_asked() {
        let bit = |g: &str| 1u32 << GROUPS.iter().position(|x| *x == g).unwrap();
        assert_ne!(class_bits("top-ad slot") & bit("ad"), 0);
        assert_eq!(class_bits("header-main") & bit("ad"), 0);
        assert_ne!(class_bits("Related-Stories") & bit("related"), 0);
    }
}
