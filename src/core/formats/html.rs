//! Saved HTML pages: metadata from `<title>`, Open Graph and article meta
//! tags, `<time>` and canonical links, parsed with an HTML5 parser.

use std::borrow::Cow;

use dom_query::Document as Dom;

use super::url_host;
use crate::core::article::Meta;
use crate::core::date::parse_date;
use crate::core::sanitize::sanitize_line;

fn first_attr(dom: &Dom, selectors: &[(&str, &str)]) -> Option<String> {
    for (sel, attr) in selectors {
        for node in dom.select(sel).nodes() {
            if let Some(v) = node.attr(attr) {
                let v = sanitize_line(&v);
                if !v.is_empty() {
                    return Some(v);
                }
            }
        }
    }
    None
}

fn first_text(dom: &Dom, selector: &str) -> Option<String> {
    dom.select(selector).nodes().iter().map(|n| sanitize_line(&n.text())).find(|t| !t.is_empty())
}

/// Removes a trailing " | Site" or " - Site" from a page title when the
/// suffix is the site's name.
fn strip_site_suffix(title: &str, site: Option<&str>) -> String {
    if let Some(site) = site {
        for sep in [" | ", " - ", " – ", " — ", " :: "] {
            if let Some((head, tail)) = title.rsplit_once(sep) {
                if tail.trim().eq_ignore_ascii_case(site.trim()) && !head.trim().is_empty() {
                    return head.trim().to_owned();
                }
            }
        }
    }
    title.to_owned()
}

/// How deep elements may nest before the parser sees the page. HTML5 tree
/// building costs time proportional to the depth for every element, so a
/// page of 100,000 nested `<div>`s would take hours; real pages stay far
/// below this.
pub const MAX_DEPTH: usize = 256;

/// Elements that never nest (void) or close themselves implicitly; they do
/// not count towards the depth.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li", "dt", "dd", "option",
    "tr", "td", "th", "thead", "tbody", "tfoot", "html", "head", "body",
];

/// Drops the opening and closing tags of elements nested deeper than
/// `max`, keeping their text, in one linear pass over the markup. Comments,
/// doctype and the raw text of `<script>`/`<style>` are passed over.
pub fn cap_depth(html: &str, max: usize) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut over = 0usize;
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `html` already handled into `out`
    let mut i = 0;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        let start = i + off;
        let rest = &html[start..];
        // Comments, doctype and processing instructions.
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(bytes.len(), |e| start + e + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i = rest.find('>').map_or(bytes.len(), |e| start + e + 1);
            continue;
        }
        let closing = rest.as_bytes().get(1) == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = bytes[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if name_len == 0 {
            i = start + 1;
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let end = html[start..].find('>').map_or(bytes.len(), |e| start + e + 1);
        if !closing && (name == "script" || name == "style") {
            // Raw text until the closing tag.
            i = find_closing(&bytes[end..], name.as_bytes()).map_or(bytes.len(), |e| end + e);
            continue;
        }
        let self_closing = html[start..end].ends_with("/>");
        let counts = !FLAT.contains(&name.as_str()) && !self_closing;
        let mut drop = false;
        if counts {
            if closing {
                if over > 0 {
                    over -= 1;
                    drop = true;
                } else {
                    depth = depth.saturating_sub(1);
                }
            } else if depth >= max {
                over += 1;
                drop = true;
            } else {
                depth += 1;
            }
        }
        if drop {
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(&html[copied..start]);
            copied = end;
        }
        i = end;
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut o) => {
            o.push_str(&html[copied..]);
            Cow::Owned(o)
        }
    }
}

/// Position of `</name` (any case) in `hay`, without allocating.
fn find_closing(hay: &[u8], name: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(off) = memchr_lt(&hay[from..]) {
        let at = from + off;
        let tag = &hay[at + 1..];
        if tag.first() == Some(&b'/') && tag.len() > name.len() && tag[1..=name.len()].eq_ignore_ascii_case(name) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'<')
}

/// Drops the raw text of `<script>` and `<style>` elements (their tags
/// stay): most of a news page's bytes, and none of its metadata.
fn drop_raw_text(html: &str) -> Cow<'_, str> {
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while let Some(off) = memchr_lt(&b[i..]) {
        let at = i + off;
        let name = ["script", "style"].into_iter().find(|t| {
            b.len() > at + 1 + t.len()
                && b[at + 1..at + 1 + t.len()].eq_ignore_ascii_case(t.as_bytes())
                && !b[at + 1 + t.len()].is_ascii_alphanumeric()
        });
        let Some(name) = name else {
            i = at + 1;
            continue;
        };
        let Some(open_end) = html[at..].find('>').map(|e| at + e + 1) else { break };
        let Some(close) = find_closing(&b[open_end..], name.as_bytes()).map(|e| open_end + e) else { break };
        let o = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
        o.push_str(&html[copied..open_end]);
        copied = close;
        i = close + 2;
    }
    match out {
        Some(mut o) => {
            o.push_str(&html[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(html),
    }
}

/// Metadata of an HTML page.
pub fn html_meta(html: &str) -> Meta {
    // Every caller gets the depth cap: parsing an uncapped page can take hours.
    let capped = cap_depth(html, MAX_DEPTH);
    let dom = Dom::from(&*drop_raw_text(&capped));
    let site = first_attr(&dom, &[("meta[property='og:site_name']", "content"), ("meta[name='application-name']", "content")]);
    let title = first_attr(&dom, &[("meta[property='og:title']", "content"), ("meta[name='twitter:title']", "content")])
        .or_else(|| first_text(&dom, "title"))
        .or_else(|| first_text(&dom, "h1"))
        .map(|t| strip_site_suffix(&t, site.as_deref()))
        .unwrap_or_default();
    let url = first_attr(&dom, &[("link[rel='canonical']", "href"), ("meta[property='og:url']", "content")])
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let raw_date = first_attr(
        &dom,
        &[
            ("meta[property='article:published_time']", "content"),
            ("meta[itemprop='datePublished']", "content"),
            ("meta[name='date']", "content"),
            ("meta[name='pubdate']", "content"),
            ("meta[name='publish-date']", "content"),
            ("meta[name='dc.date']", "content"),
            ("meta[name='DC.date.issued']", "content"),
            ("time[itemprop='datePublished']", "datetime"),
            ("time[datetime]", "datetime"),
        ],
    )
    .or_else(|| first_text(&dom, "time"));
    let date = raw_date.map(|d| parse_date(&d).unwrap_or(d));
    let author = first_attr(&dom, &[("meta[name='author']", "content"), ("meta[property='article:author']", "content")])
        .filter(|a| !a.starts_with("http"))
        .or_else(|| first_text(&dom, "[rel='author']"))
        .or_else(|| first_text(&dom, "[itemprop='author'] [itemprop='name']"));
    let source = site.or_else(|| url.as_deref().and_then(url_host));
    Meta { title, source, date, url, author }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_graph_and_article_meta() {
        let page = r#"<html><head><title>Rates rise again | Daily Planet</title>
            <meta property="og:site_name" content="Daily Planet">
            <meta property="article:published_time" content="2019-11-19T12:05:00Z">
            <meta name="author" content="Lois Lane">
            <link rel="canonical" href="https://www.dailyplanet.com/a/1"></head>
            <body><h1>Rates rise</h1></body></html>"#;
        let m = html_meta(page);
        assert_eq!(m.title, "Rates rise again");
        assert_eq!(m.source.as_deref(), Some("Daily Planet"));
        assert_eq!(m.date.as_deref(), Some("2019-11-19T12:05:00Z"));
        assert_eq!(m.author.as_deref(), Some("Lois Lane"));
        assert_eq!(m.url.as_deref(), Some("https://www.dailyplanet.com/a/1"));
    }

    #[test]
    fn time_element_and_missing_fields() {
        let m = html_meta("<html><body><h1>Only a heading</h1><time datetime='2020-01-02'>Jan 2</time></body></html>");
        assert_eq!(m.title, "Only a heading");
        assert_eq!(m.date.as_deref(), Some("2020-01-02"));
        assert_eq!((m.source, m.url, m.author), (None, None, None));
    }

    #[test]
    fn depth_is_capped_and_text_kept() {
        let deep = format!("<body>{}<p>Deep text</p>{}</body>", "<div>".repeat(1000), "</div>".repeat(1000));
        let capped = cap_depth(&deep, 10);
        assert_eq!(capped.matches("<div>").count(), 10);
        assert_eq!(capped.matches("</div>").count(), 10);
        assert!(capped.contains("<p>Deep text</p>"));
        let shallow = "<div><p>a<p>b<br><img src=x/></div><!-- <div> --><script>if (a<b) {}</script>";
        assert!(matches!(cap_depth(shallow, 1), Cow::Borrowed(_)));
    }

    #[test]
    fn script_and_style_text_is_dropped_before_parsing_metadata() {
        let page = "<head><SCRIPT>var t = '<title>No</title>';</script><style>a{}</style><title>Yes</title></head><script>never closed";
        assert_eq!(drop_raw_text(page), "<head><SCRIPT></script><style></style><title>Yes</title></head><script>never closed");
        assert_eq!(html_meta(page).title, "Yes");
    }

    #[test]
    fn title_with_escape_sequences_is_sanitised() {
        let m = html_meta("<title>Hi\u{1b}]0;owned\u{7} there</title>");
        assert_eq!(m.title, "Hi there");
    }
}
