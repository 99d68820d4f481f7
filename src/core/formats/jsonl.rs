//! JSON Lines news dumps: one article object per line. Unknown fields are
//! ignored; a broken line is reported with its number and the rest loads.

use serde_json::{Map, Value};

use super::{url_host, FileResult, Parsed};
use crate::core::article::{content_hash, Document, Format, Meta};
use crate::core::date::parse_date;
use crate::core::decode::{decode, NotText};
use crate::core::sanitize::sanitize_line;

const TITLE: &[&str] = &["title", "headline", "name"];
const BODY: &[&str] = &["text", "content", "body", "article", "articleBody", "maintext", "description"];
const URL: &[&str] = &["url", "link", "href", "canonical_url"];
const DATE: &[&str] = &["date", "published", "published_at", "publishedAt", "pubDate", "date_publish", "datePublished", "time"];
const SOURCE: &[&str] = &["source", "site", "source_name", "publisher", "domain", "outlet"];
const AUTHOR: &[&str] = &["author", "authors", "byline", "creator"];

/// A field's text: strings as they are, arrays joined, objects by `name`.
fn field(obj: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    for k in keys {
        let v = match obj.get(*k) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Array(items)) => {
                let parts: Vec<String> = items
                    .iter()
                    .filter_map(|i| match i {
                        Value::String(s) => Some(s.clone()),
                        Value::Object(o) => o.get("name").and_then(Value::as_str).map(str::to_owned),
                        _ => None,
                    })
                    .collect();
                (!parts.is_empty()).then(|| parts.join(", "))
            }
            Some(Value::Object(o)) => o.get("name").or_else(|| o.get("title")).and_then(Value::as_str).map(str::to_owned),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            return Some(v);
        }
    }
    None
}

pub fn parse(bytes: &[u8]) -> FileResult {
    let mut out = FileResult::default();
    let text = match decode(bytes, false) {
        Ok((t, _)) => t,
        Err(NotText::Empty) => {
            out.problems.push("empty file: no text in it".into());
            return out;
        }
        Err(NotText::Binary) => {
            out.problems.push("binary file: not an article (NUL or control bytes)".into());
            return out;
        }
    };
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let obj = match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(o)) => o,
            Ok(_) => {
                out.problems.push(format!("line {n}: not a JSON object"));
                continue;
            }
            Err(e) => {
                // serde_json counts lines within the record; say the column.
                let full = e.to_string();
                let what = full.split(" at line ").next().unwrap_or(&full);
                out.problems.push(format!("line {n}: broken JSON at column {}: {what}", e.column()));
                continue;
            }
        };
        let body = field(&obj, BODY).unwrap_or_default();
        let title = field(&obj, TITLE).map(|t| sanitize_line(&t)).unwrap_or_default();
        if body.trim().is_empty() && title.is_empty() {
            out.problems.push(format!("line {n}: no title and no text"));
            continue;
        }
        let url = field(&obj, URL).map(|u| sanitize_line(&u));
        let date = field(&obj, DATE).map(|d| {
            let d = sanitize_line(&d);
            parse_date(&d).unwrap_or(d)
        });
        let source = field(&obj, SOURCE).map(|s| sanitize_line(&s)).or_else(|| url.as_deref().and_then(url_host));
        let author = field(&obj, AUTHOR).map(|a| sanitize_line(&a));
        let lower = body.trim_start().to_ascii_lowercase();
        let format = if lower.starts_with('<') && (lower.contains("<p") || lower.contains("<div")) { Format::Html } else { Format::Text };
        // JSON strings may carry escapes (\u001b) that the decoder never saw.
        let body = crate::core::sanitize::sanitize(&body.replace("\r\n", "\n")).into_owned();
        let body = if format == Format::Html { super::cap_depth(&body, super::MAX_DEPTH).into_owned() } else { body };
        out.articles.push(Parsed {
            format: Format::JsonLines,
            meta: Meta { title, source, date, url, author },
            doc: Document { format, text: body },
            hash: content_hash(line.as_bytes()),
            line: Some(n),
        });
    }
    if out.articles.is_empty() && out.problems.is_empty() {
        out.problems.push("no articles in this JSON Lines file".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_by_their_common_names() {
        let data = br#"{"headline":"A","content":"Body A","published":"13 March 2014","site":"Example","authors":["X Y","Z W"],"extra":1}
{"title":"B","text":"Body B","url":"https://www.example.org/b"}"#;
        let r = parse(data);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let a = &r.articles[0];
        assert_eq!(a.meta.title, "A");
        assert_eq!(a.meta.date.as_deref(), Some("2014-03-13"));
        assert_eq!(a.meta.source.as_deref(), Some("Example"));
        assert_eq!(a.meta.author.as_deref(), Some("X Y, Z W"));
        assert_eq!(a.doc.text, "Body A");
        let b = &r.articles[1];
        assert_eq!(b.meta.source.as_deref(), Some("example.org"));
        assert_eq!(b.meta.date, None);
        assert_eq!(b.line, Some(2));
    }

    #[test]
    fn broken_lines_are_reported_with_numbers_and_the_rest_loads() {
        let r = parse(b"{\"title\":\"ok\",\"text\":\"fine\"}\n{broken\n[1,2]\n{\"title\":\"ok2\",\"text\":\"x\"}\n");
        assert_eq!(r.articles.len(), 2);
        assert_eq!(r.problems[0], "line 2: broken JSON at column 2: key must be a string");
        assert!(r.problems[1].starts_with("line 3: not a JSON object"));
    }

    #[test]
    fn escaped_controls_inside_json_strings_are_removed() {
        let r = parse(br#"{"title":"Hi\u001b]0;pwn\u0007 you","text":"a\u009b2Jb","author":"\u202eevil"}"#);
        let a = &r.articles[0];
        assert_eq!(a.meta.title, "Hi you");
        assert_eq!(a.doc.text, "ab");
        assert_eq!(a.meta.author.as_deref(), Some("evil"));
    }
}
