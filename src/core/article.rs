//! The article: what a file says about itself, and its body as text.

use serde::Serialize;

/// The input forms byline reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A plain-text scrape dump (bare paragraphs, w3m/lynx style).
    Text,
    /// A markdown-ish dump (html2text style: headings, links, images).
    Markdown,
    /// A saved HTML page.
    Html,
    /// One article of a JSON Lines news dump.
    #[serde(rename = "jsonl")]
    JsonLines,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::JsonLines => "jsonl",
        }
    }
}

/// Metadata taken from what the file says. A field the file does not state
/// is `None`; nothing is invented. Every string is sanitised, single-line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Meta {
    pub title: String,
    pub source: Option<String>,
    /// ISO 8601 when it parsed; otherwise the text as written.
    pub date: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
}

/// An article's body as the format reader produced it, before cleaning.
///
/// For text and markdown dumps and JSON Lines this is the text itself; for
/// HTML it is the page, which the cleaner extracts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub format: Format,
    pub text: String,
}

/// One article of the library.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    /// Stable id: a hash of the article's own bytes, so a moved or renamed
    /// file keeps it. Duplicate content gets a `-2`, `-3`... suffix.
    pub id: String,
    /// Where it came from, for messages: a path, `<stdin>`, `seeds/NAME`,
    /// with `:LINE` for a JSON Lines record.
    pub origin: String,
    pub format: Format,
    #[serde(flatten)]
    pub meta: Meta,
    /// Size of the body in bytes (what the list can show without loading it).
    pub size: usize,
}

/// The content hash behind ids and read state: 64-bit xxh3, hex.
pub fn content_hash(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}
