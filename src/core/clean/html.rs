//! HTML pages: the main content is extracted with dom_smoothie (a port of
//! Mozilla's Readability), then reduced to block units for the same line
//! cleaner as the dumps. When extraction fails (empty or truncated pages),
//! the whole page is reduced to blocks instead.

use dom_query::{Document as Dom, NodeRef};

use super::segment::Unit;
use super::BlockKind;
use crate::core::sanitize::sanitize_line;

/// Nesting deeper than this is flattened to text before extraction:
/// Readability's scoring slows down badly on very deep trees. (The markup
/// already passed `formats::cap_depth` at 256 levels, which keeps the HTML5
/// parser itself linear; this tighter cap is for the extractor.)
const EXTRACT_MAX_DEPTH: usize = 64;

/// Flattens every element deeper than [`EXTRACT_MAX_DEPTH`] into its text.
fn flatten_deep(dom: &Dom) {
    let mut stack: Vec<(NodeRef, usize)> = vec![(dom.root(), 0)];
    let mut too_deep = Vec::new();
    while let Some((node, depth)) = stack.pop() {
        if depth >= EXTRACT_MAX_DEPTH {
            if node.is_element() && node.first_element_child().is_some() {
                too_deep.push(node);
            }
            continue;
        }
        for c in node.children_it(false) {
            if c.is_element() || c.is_document() {
                stack.push((c, depth + 1));
            }
        }
    }
    for node in too_deep {
        let text = node.text();
        node.set_text(text);
    }
}

const SKIP: &[&str] =
    &["script", "style", "noscript", "template", "svg", "head", "iframe", "select", "button", "form", "input", "textarea"];
const BLOCK: &[&str] = &[
    "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th",
    "pre", "hr", "br", "figure", "center", "address", "details", "summary", "body",
];

#[derive(Default)]
struct Builder {
    units: Vec<Unit>,
    text: String,
    kind: Option<BlockKind>,
    list: bool,
    link_chars: usize,
    links: usize,
    link_depth: usize,
    caption_depth: usize,
    images: usize,
}

impl Builder {
    fn flush(&mut self) {
        let text = sanitize_line(self.text.trim());
        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            let kind = if self.caption_depth > 0 { BlockKind::Caption } else { self.kind.unwrap_or(BlockKind::Paragraph) };
            self.units.push(Unit {
                raw: text.clone(),
                text,
                kind,
                list: self.list,
                image: false,
                link_chars: self.link_chars,
                links: self.links,
                indent: 0,
            });
        }
        self.text.clear();
        self.link_chars = 0;
        self.links = 0;
        self.images = 0;
    }

    fn walk(&mut self, node: &NodeRef) {
        if node.is_text() {
            let t = node.text();
            if self.link_depth > 0 {
                self.link_chars += t.chars().filter(|c| c.is_alphanumeric() || *c == ' ').count();
            }
            self.text.push_str(&t);
            return;
        }
        if !node.is_element() {
            for c in node.children_it(false) {
                self.walk(&c);
            }
            return;
        }
        let name = node.node_name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        let name = name.as_str();
        if SKIP.contains(&name) {
            return;
        }
        if name == "img" {
            self.images += 1;
            return;
        }
        let (kind, list) = match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => (Some(BlockKind::Heading), false),
            "li" => (Some(BlockKind::ListItem), true),
            "blockquote" => (Some(BlockKind::Quote), false),
            "figcaption" => (Some(BlockKind::Caption), false),
            _ => (None, false),
        };
        let block = kind.is_some() || BLOCK.contains(&name);
        if block {
            self.flush();
        }
        let saved = (self.kind, self.list);
        if let Some(k) = kind {
            self.kind = Some(k);
            self.list = list;
        }
        if name == "a" {
            self.link_depth += 1;
            self.links += 1;
        }
        if name == "figcaption" {
            self.caption_depth += 1;
        }
        if block {
            self.text.push(' ');
        }
        for c in node.children_it(false) {
            self.walk(&c);
        }
        if block {
            self.text.push(' ');
        }
        if name == "a" {
            self.link_depth -= 1;
        }
        if block {
            self.flush();
        }
        if name == "figcaption" {
            self.caption_depth -= 1;
        }
        (self.kind, self.list) = saved;
    }
}

fn blocks_of(node: &NodeRef) -> Vec<Unit> {
    let mut b = Builder::default();
    b.walk(node);
    b.flush();
    b.units
}

/// Drops the content of `<script>` and `<style>` elements before parsing:
/// news pages carry hundreds of kilobytes of them, and the HTML tokenizer
/// would otherwise spend most of its time there.
fn strip_scripts(html: &str) -> std::borrow::Cow<'_, str> {
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let at = i + off;
        let tag = ["script", "style"].into_iter().find(|t| {
            b.len() > at + 1 + t.len()
                && b[at + 1..at + 1 + t.len()].eq_ignore_ascii_case(t.as_bytes())
                && matches!(b[at + 1 + t.len()], b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')
        });
        let Some(tag) = tag else {
            i = at + 1;
            continue;
        };
        let Some(open_end) = html[at..].find('>').map(|e| at + e + 1) else { break };
        // The matching close tag, case-insensitively.
        let close = format!("</{tag}");
        let mut j = open_end;
        let end = loop {
            match html[j..].find("</") {
                Some(o) if b.len() >= j + o + close.len() && b[j + o..j + o + close.len()].eq_ignore_ascii_case(close.as_bytes()) => {
                    break Some(j + o)
                }
                Some(o) => j += o + 2,
                None => break None,
            }
        };
        let Some(end) = end else { break };
        let o = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
        o.push_str(&html[copied..open_end]);
        copied = end;
        i = end + close.len();
    }
    match out {
        Some(mut o) => {
            o.push_str(&html[copied..]);
            std::borrow::Cow::Owned(o)
        }
        None => std::borrow::Cow::Borrowed(html),
    }
}

/// The page's main content as units, and whether extraction succeeded
/// (`false`: the units are the whole page).
pub(crate) fn extract(html: &str) -> (Vec<Unit>, bool) {
    let html = strip_scripts(html);
    let parse = || {
        let dom = Dom::from(html.as_ref());
        flatten_deep(&dom);
        dom
    };
    let cfg = dom_smoothie::Config { disable_json_ld: true, ..Default::default() };
    let extracted = dom_smoothie::Readability::with_document(parse(), None, Some(cfg)).and_then(|mut r| r.parse());
    if let Ok(article) = extracted {
        let content = Dom::from(article.content.as_ref());
        let units = blocks_of(&content.root());
        if units.iter().any(|u| u.text.split_whitespace().count() >= 3) {
            return (units, true);
        }
    }
    // Readability changed its copy: parse again (rare).
    let dom = parse();
    let body = dom.select("body");
    let units = match body.nodes().first() {
        Some(b) => blocks_of(b),
        None => blocks_of(&dom.root()),
    };
    (units, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_styles_are_dropped_before_parsing() {
        let page = "<p>a</p><SCRIPT type=x>if (a<b) { x('</p>') }</script><p>b</p><style>p{}</STYLE><scripts>c</scripts>";
        assert_eq!(strip_scripts(page), "<p>a</p><SCRIPT type=x></script><p>b</p><style></STYLE><scripts>c</scripts>");
        assert_eq!(strip_scripts("<script>never closed"), "<script>never closed");
    }

    #[test]
    fn deep_nesting_is_flattened_and_text_kept() {
        let html = format!("<html><body>{}<p>Deep text here.</p>{}</body></html>", "<div>".repeat(500), "</div>".repeat(500));
        let (units, _) = extract(&html);
        assert!(units.iter().any(|u| u.text.contains("Deep text here.")));
    }

    #[test]
    fn empty_or_truncated_pages_fall_back_to_the_page_text() {
        let (units, _) = extract("<html><body><div><a href=/>Home</a></div><p>Only a short");
        assert!(units.iter().any(|u| u.text == "Only a short"));
        let (units, ok) = extract("<html><body><p>Hi</p></body></html>");
        assert!(!ok);
        assert_eq!(units[0].text, "Hi");
        assert!(extract("").0.is_empty());
    }

    #[test]
    fn captions_and_lists_keep_their_kind() {
        let (units, _) =
            extract("<body><figure><img src=x><figcaption>A <a href=y>photo</a></figcaption></figure><ul><li>One</li></ul></body>");
        assert_eq!(units[0].kind, BlockKind::Caption);
        assert_eq!(units[0].links, 1);
        assert!(units[1].list);
    }
}
