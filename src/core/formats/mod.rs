//! Format readers: bytes of one file to one or more articles.
//!
//! The format is chosen by extension first, then by content. Each reader
//! takes the metadata from what the file states and leaves the body as text
//! for the cleaner.

mod html;
mod jsonl;
mod markup;
mod text;

use super::article::{content_hash, Document, Format, Meta};
use super::decode::{decode, NotText};

pub use html::{cap_depth, html_meta, MAX_DEPTH};
pub(crate) use markup::{closes_p, decode_char_refs, is_void, is_ws, read_attrs};
pub use text::{breadcrumb_of as text_breadcrumb, strip_inline_markup, text_meta};

/// One article read from a file, before it joins a library.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The file's format (a JSON Lines record's body may itself be HTML).
    pub format: Format,
    pub meta: Meta,
    pub doc: Document,
    /// Hash of the article's own bytes (the file, or the JSON line).
    pub hash: String,
    /// 1-based line for a JSON Lines record.
    pub line: Option<usize>,
}

/// What reading one file gave: its articles and the problems met on the way
/// (a JSON Lines file can give both).
#[derive(Debug, Default)]
pub struct FileResult {
    pub articles: Vec<Parsed>,
    pub problems: Vec<String>,
}

/// Chooses the format from the file name, then from the content.
pub fn detect(name: &str, bytes: &[u8]) -> Format {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "html" | "htm" | "xhtml" => return Format::Html,
        "jsonl" | "ndjson" => return Format::JsonLines,
        "md" | "markdown" => return Format::Markdown,
        _ => {}
    }
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head);
    let start = head.trim_start_matches('\u{feff}').trim_start();
    let start_lower: String = start.chars().take(200).collect::<String>().to_ascii_lowercase();
    if start_lower.starts_with("<!doctype html")
        || start_lower.starts_with("<html")
        || start_lower.starts_with("<?xml") && start_lower.contains("<html")
    {
        return Format::Html;
    }
    if start.starts_with('{') {
        let first = start.lines().next().unwrap_or("");
        if serde_json::from_str::<serde_json::Value>(first).map(|v| v.is_object()).unwrap_or(false) || ext == "json" {
            return Format::JsonLines;
        }
    }
    if text::looks_like_markdown(&head) {
        Format::Markdown
    } else {
        Format::Text
    }
}

/// Reads one file's bytes. `name` is used for format detection only.
pub fn parse(name: &str, bytes: &[u8]) -> FileResult {
    let format = detect(name, bytes);
    if format == Format::JsonLines {
        return jsonl::parse(bytes);
    }
    let text = match decode(bytes, format == Format::Html) {
        Ok((t, _)) => t,
        Err(NotText::Empty) => return problem("empty file: no text in it"),
        Err(NotText::Binary) => return problem("binary file: not an article (NUL or control bytes)"),
    };
    let (text, meta) = match format {
        Format::Html => {
            let text = cap_depth(&text, MAX_DEPTH).into_owned();
            let meta = html_meta(&text);
            (text, meta)
        }
        _ => {
            let meta = text_meta(&text);
            (text, meta)
        }
    };
    FileResult {
        articles: vec![Parsed { format, meta, doc: Document { format, text }, hash: content_hash(bytes), line: None }],
        problems: vec![],
    }
}

fn problem(msg: &str) -> FileResult {
    FileResult { articles: vec![], problems: vec![msg.to_owned()] }
}

/// The host of a URL without `www.`, as a last-resort source name.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#', ':']).next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (host.contains('.') && !host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_extension_then_content() {
        assert_eq!(detect("a.HTM", b"hello"), Format::Html);
        assert_eq!(detect("a.txt", b"<!DOCTYPE html><html></html>"), Format::Html);
        assert_eq!(detect("dump", b"{\"title\": \"x\"}\n{\"title\": \"y\"}"), Format::JsonLines);
        assert_eq!(detect("a.txt", b"# Title\n\nSome [link](http://x)"), Format::Markdown);
        assert_eq!(detect("a.txt", b"Title\nA plain paragraph."), Format::Text);
    }

    #[test]
    fn url_host_strips_www() {
        assert_eq!(url_host("http://www.bbc.com/news/x").as_deref(), Some("bbc.com"));
        assert_eq!(url_host("not a url"), None);
    }

    #[test]
    fn bad_input_gives_a_problem_not_an_article() {
        let r = parse("x.txt", b"");
        assert!(r.articles.is_empty());
        assert!(r.problems[0].contains("empty"));
        let r = parse("x.bin", b"\x00\x01\x02binary\x00");
        assert!(r.problems[0].contains("binary"));
    }
}
