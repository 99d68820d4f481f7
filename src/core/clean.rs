//! The cleaner: the article body with publisher boilerplate removed.
//!
//! Works line by line on text and markdown dumps; HTML pages are first
//! reduced to block text. Every removed line keeps its reason, so nothing is
//! lost silently (`byline clean --explain`, the reading pane's toggle).

use std::sync::OnceLock;

use serde::Serialize;

use super::article::{Document, Format, Meta};
use super::date::dateline;
use super::formats::strip_inline_markup;
use super::sanitize::sanitize_line;

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
    pub kind: String,
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

struct Phrase {
    reason: String,
    phrase: String,
}

fn phrases() -> &'static [Phrase] {
    static P: OnceLock<Vec<Phrase>> = OnceLock::new();
    P.get_or_init(|| {
        include_str!("../../assets/boilerplate.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split_once('\t'))
            .map(|(r, p)| Phrase { reason: r.trim().to_owned(), phrase: p.trim().to_lowercase() })
            .collect()
    })
}

/// Lines longer than this are prose, whatever phrase they contain.
const PROMPT_MAX_CHARS: usize = 400;

fn removed(kind: &str, detail: impl Into<String>) -> Option<Reason> {
    Some(Reason { kind: kind.to_owned(), detail: detail.into() })
}

/// A raw line of a dump, classified by its shape.
fn classify(raw: &str, text: &str, meta: &Meta) -> (BlockKind, Option<Reason>) {
    let t = raw.trim();
    let kind = if t.starts_with('#') {
        BlockKind::Heading
    } else if t.starts_with('>') {
        BlockKind::Quote
    } else if t.starts_with("* ") || t.starts_with("- ") || t.starts_with("+ ") {
        BlockKind::ListItem
    } else if t.starts_with('*') && t.ends_with('*') && !t.starts_with("**") {
        BlockKind::Caption
    } else {
        BlockKind::Paragraph
    };
    if text.is_empty() {
        if t.contains("![") {
            return (kind, removed("image", ""));
        }
        return (kind, removed("link-only", "a line of links with no text"));
    }
    if !meta.title.is_empty() && text == meta.title {
        return (kind, removed("title", "repeats the title"));
    }
    if !meta.title.is_empty() && super::formats::text_breadcrumb(text, &meta.title) {
        return (kind, removed("breadcrumb", "navigation path before the title"));
    }
    if meta.source.as_deref() == Some(text) {
        return (kind, removed("source", "the publisher's name"));
    }
    if text.len() < 100 && dateline(text).is_some() {
        return (kind, removed("dateline", ""));
    }
    let bare = t.trim_start_matches('<').trim_end_matches('>');
    if (bare.starts_with("http://") || bare.starts_with("https://")) && !bare.contains(' ') {
        return (kind, removed("url", ""));
    }
    if text.chars().count() <= PROMPT_MAX_CHARS {
        let lower = text.to_lowercase();
        for p in phrases() {
            if lower.contains(&p.phrase) {
                return (kind, removed(&p.reason, format!("\u{201c}{}\u{201d}", p.phrase)));
            }
        }
        if matches!(lower.as_str(), "comments" | "comment" | "share" | "advertisement" | "related" | "read more") {
            return (kind, removed("prompt", "a lone prompt word"));
        }
    }
    (kind, None)
}

fn clean_lines(text: &str, meta: &Meta) -> Cleaned {
    let mut blocks = Vec::new();
    for raw in text.lines() {
        if raw.trim().is_empty() {
            continue;
        }
        let t = raw.trim().trim_start_matches('#').trim_start_matches('>').trim();
        let t = t.strip_prefix("* ").or_else(|| t.strip_prefix("- ")).or_else(|| t.strip_prefix("+ ")).unwrap_or(t);
        let plain = sanitize_line(&strip_inline_markup(t));
        let (kind, reason) = classify(raw, &plain, meta);
        blocks.push(Block { kind, text: if plain.is_empty() { sanitize_line(raw) } else { plain }, removed: reason });
    }
    Cleaned { blocks }
}

/// Reduces an HTML page to its block texts, one per line, markdown-marked.
fn html_to_lines(html: &str) -> String {
    let dom = dom_query::Document::from(html);
    let mut out = String::new();
    dom.select("script, style, noscript, template, svg").remove();
    for node in dom.select("body h1, body h2, body h3, body h4, body p, body li, body blockquote, body figcaption, body pre").nodes() {
        let name = node.node_name().map(|n| n.to_string()).unwrap_or_default();
        let text = node.text();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            continue;
        }
        let prefix = match name.as_str() {
            "h1" => "# ",
            "h2" => "## ",
            "h3" | "h4" => "### ",
            "li" => "* ",
            "blockquote" => "> ",
            "figcaption" => "*",
            _ => "",
        };
        out.push_str(prefix);
        out.push_str(&text);
        if name == "figcaption" {
            out.push('*');
        }
        out.push('\n');
    }
    out
}

/// Cleans one article's document.
pub fn clean(doc: &Document, meta: &Meta) -> Cleaned {
    match doc.format {
        Format::Html => clean_lines(&html_to_lines(&doc.text), meta),
        _ => clean_lines(&doc.text, meta),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document { format: Format::Text, text: text.into() }
    }

    #[test]
    fn donation_and_comment_prompts_are_removed_with_reasons() {
        let meta = Meta { title: "A title for it".into(), ..Meta::default() };
        let c = clean(
            &doc("A title for it\nYour support helps us to tell the story\nThe minister spoke today.\nJoin our commenting forum\nComments"),
            &meta,
        );
        assert_eq!(c.body_text(), "The minister spoke today.");
        let reasons: Vec<&str> = c.removed().map(|b| b.removed.as_ref().unwrap().kind.as_str()).collect();
        assert_eq!(reasons, vec!["title", "donation", "comments", "prompt"]);
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
    fn html_blocks_are_extracted() {
        let d = Document { format: Format::Html, text: "<html><body><nav><li><a href='/'>Home</a></li></nav><h1>T</h1><p>First para.</p><script>x()</script><p>Second.</p></body></html>".into() };
        let c = clean(&d, &Meta { title: "T".into(), ..Meta::default() });
        assert_eq!(c.body_text(), "Home\n\nFirst para.\n\nSecond.");
    }
}
