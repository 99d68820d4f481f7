//! Saved HTML pages: metadata from `<title>`, Open Graph and article meta
//! tags, `<time>` and canonical links, read in one pass over the page's
//! tags (no DOM: building one cost ten times what cleaning the page does),
//! and the depth cap every HTML5 tree builder here runs behind.

use std::borrow::Cow;

use super::markup::{closes_p, decode_char_refs, is_void, is_ws, read_attrs};
use super::url_host;
use crate::core::article::Meta;
use crate::core::date::parse_date;
use crate::core::sanitize::sanitize_line;

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

/// A tag, the attribute and value that pick it, the attribute to take.
type Slot = (&'static str, Option<(Key, &'static str)>, Key);

/// Tag attributes that hold metadata, best first within each field: the
/// tag, an attribute and the value it must have (none: any such tag), and
/// the attribute that holds the field. As the CSS selectors
/// `meta[property='og:title']` match: values exactly, but `rel` in any case.
const SLOTS: [Slot; 17] = [
    ("meta", Some((Key::Property, "og:site_name")), Key::Content),
    ("meta", Some((Key::Name, "application-name")), Key::Content),
    ("meta", Some((Key::Property, "og:title")), Key::Content),
    ("meta", Some((Key::Name, "twitter:title")), Key::Content),
    ("link", Some((Key::Rel, "canonical")), Key::Href),
    ("meta", Some((Key::Property, "og:url")), Key::Content),
    ("meta", Some((Key::Property, "article:published_time")), Key::Content),
    ("meta", Some((Key::Itemprop, "datePublished")), Key::Content),
    ("meta", Some((Key::Name, "date")), Key::Content),
    ("meta", Some((Key::Name, "pubdate")), Key::Content),
    ("meta", Some((Key::Name, "publish-date")), Key::Content),
    ("meta", Some((Key::Name, "dc.date")), Key::Content),
    ("meta", Some((Key::Name, "DC.date.issued")), Key::Content),
    ("time", Some((Key::Itemprop, "datePublished")), Key::Datetime),
    ("time", None, Key::Datetime),
    ("meta", Some((Key::Name, "author")), Key::Content),
    ("meta", Some((Key::Property, "article:author")), Key::Content),
];
const SITE: std::ops::Range<usize> = 0..2;
const TITLE: std::ops::Range<usize> = 2..4;
const URL: std::ops::Range<usize> = 4..6;
const DATE: std::ops::Range<usize> = 6..15;
const AUTHOR: std::ops::Range<usize> = 15..17;

/// The attributes the metadata is read from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Property,
    Name,
    Itemprop,
    Rel,
    Content,
    Href,
    Datetime,
}

impl Key {
    const ALL: [Key; 7] = [Key::Property, Key::Name, Key::Itemprop, Key::Rel, Key::Content, Key::Href, Key::Datetime];

    fn of(name: &[u8]) -> Option<Key> {
        Key::ALL.into_iter().find(|k| name.eq_ignore_ascii_case(k.name().as_bytes()))
    }

    fn name(self) -> &'static str {
        match self {
            Key::Property => "property",
            Key::Name => "name",
            Key::Itemprop => "itemprop",
            Key::Rel => "rel",
            Key::Content => "content",
            Key::Href => "href",
            Key::Datetime => "datetime",
        }
    }
}

/// Elements whose text is metadata: the first one with text wins.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Text {
    Title,
    H1,
    Time,
    /// `[rel='author']`.
    RelAuthor,
    /// `[itemprop='author'] [itemprop='name']`.
    AuthorName,
}

/// An element being read: its text (when it is a [`Text`] one; else it is
/// an `itemprop="author"` scope), and how many elements of its name are
/// open inside it and itself.
struct Open {
    text: Option<(Text, String)>,
    tag: String,
    depth: u32,
}

/// What one pass over a page found.
#[derive(Default)]
struct Found {
    slots: [Option<String>; SLOTS.len()],
    texts: [Option<String>; 5],
    open: Vec<Open>,
}

impl Found {
    fn slot(&self, range: std::ops::Range<usize>) -> Option<String> {
        self.slots[range].iter().flatten().next().cloned()
    }

    fn text(&self, t: Text) -> Option<String> {
        self.texts[t as usize].clone()
    }

    fn wants(&self, t: Text) -> bool {
        self.texts[t as usize].is_none() && !self.open.iter().any(|o| o.text.as_ref().is_some_and(|(x, _)| *x == t))
    }

    fn keep(&mut self, t: Text, text: &str) {
        let text = sanitize_line(text);
        if !text.is_empty() && self.texts[t as usize].is_none() {
            self.texts[t as usize] = Some(text);
        }
    }

    /// Text of the page: into every element being read.
    fn push_text(&mut self, raw: &str) {
        for o in &mut self.open {
            if let Some((_, text)) = &mut o.text {
                decode_char_refs(raw, text, false);
            }
        }
    }

    fn start(&mut self, tag: &str, attrs: &[Option<Cow<'_, str>>; 7]) {
        let attr = |k: Key| attrs[k as usize].as_deref();
        for (slot, (t, key, take)) in SLOTS.iter().enumerate() {
            if *t != tag || self.slots[slot].is_some() {
                continue;
            }
            let matches = match key {
                None => true,
                Some((Key::Rel, v)) => attr(Key::Rel).is_some_and(|a| a.eq_ignore_ascii_case(v)),
                Some((k, v)) => attr(*k) == Some(*v),
            };
            if let Some(value) = attr(*take).filter(|_| matches).map(sanitize_line).filter(|v| !v.is_empty()) {
                self.slots[slot] = Some(value);
            }
        }
        if is_void(tag) {
            return;
        }
        if is_heading(tag) {
            // A heading inside a heading closes it (HTML5).
            self.close_where(|o| o.text.as_ref().is_some_and(|(t, _)| *t == Text::H1));
        }
        if closes_p(tag) {
            self.close_where(|o| o.tag == "p");
        }
        for o in self.open.iter_mut().filter(|o| o.tag == tag) {
            o.depth += 1;
        }
        let open = |text: Option<Text>| Open { text: text.map(|t| (t, String::new())), tag: tag.to_owned(), depth: 1 };
        let mut new = Vec::new();
        if tag == "h1" && self.wants(Text::H1) {
            new.push(open(Some(Text::H1)));
        }
        if tag == "time" && self.wants(Text::Time) {
            new.push(open(Some(Text::Time)));
        }
        if attr(Key::Rel).is_some_and(|r| r.eq_ignore_ascii_case("author")) && self.wants(Text::RelAuthor) {
            new.push(open(Some(Text::RelAuthor)));
        }
        let in_author = self.open.iter().any(|o| o.text.is_none());
        if attr(Key::Itemprop) == Some("name") && in_author && self.wants(Text::AuthorName) {
            new.push(open(Some(Text::AuthorName)));
        }
        if attr(Key::Itemprop) == Some("author") {
            new.push(open(None));
        }
        self.open.extend(new);
    }

    fn end(&mut self, tag: &str) {
        if is_heading(tag) {
            self.close_where(|o| o.text.as_ref().is_some_and(|(t, _)| *t == Text::H1));
        }
        for o in self.open.iter_mut().filter(|o| o.tag == tag) {
            o.depth -= 1;
        }
        self.close_where(|o| o.depth == 0);
    }

    /// Ends the elements being read that `done` picks, keeping their text.
    fn close_where(&mut self, done: impl Fn(&Open) -> bool) {
        let mut k = 0;
        while k < self.open.len() {
            if done(&self.open[k]) {
                let o = self.open.remove(k);
                if let Some((t, text)) = o.text {
                    self.keep(t, &text);
                }
            } else {
                k += 1;
            }
        }
    }
}

fn is_heading(tag: &str) -> bool {
    matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// The [`Key`] attributes of a start tag (the first of a name wins, as in
/// HTML5), decoded; `read_attrs`' answer.
fn key_attrs<'a>(html: &'a str, from: usize, attrs: &mut [Option<Cow<'a, str>>; 7]) -> Option<usize> {
    let (end, _) = read_attrs(html, from, |name, value| {
        if let Some(k) = Key::of(name) {
            attrs[k as usize].get_or_insert_with(|| {
                if value.contains('&') {
                    let mut out = String::new();
                    decode_char_refs(value, &mut out, true);
                    Cow::Owned(out)
                } else {
                    Cow::Borrowed(value)
                }
            });
        }
    })?;
    Some(end)
}

/// Elements whose content is text to their end tag, never markup.
fn is_raw(tag: &str) -> bool {
    // `<noscript>` is markup: pages are parsed as with scripting off.
    matches!(tag, "script" | "style" | "iframe" | "xmp" | "noembed" | "noframes" | "textarea" | "title")
}

/// One pass over the page's tags: comments and the raw text of scripts
/// and styles are passed over, text goes to the elements being read.
fn scan(html: &str) -> Found {
    let b = html.as_bytes();
    let mut found = Found::default();
    let mut tag = String::new();
    let mut i = 0;
    while let Some(o) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + o;
        if !found.open.is_empty() {
            found.push_text(&html[i..lt]);
        }
        let rest = &b[lt + 1..];
        let name_at = lt + 1 + (rest.first() == Some(&b'/')) as usize;
        if rest.starts_with(b"!--") {
            i = memchr::memmem::find(&b[lt + 4..], b"-->").map_or(b.len(), |e| lt + 4 + e + 3);
            continue;
        }
        if !b.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            if matches!(rest.first(), Some(b'!' | b'?' | b'/')) {
                // A bogus comment, a doctype.
                i = memchr::memchr(b'>', &b[lt..]).map_or(b.len(), |e| lt + e + 1);
            } else {
                // A lone '<' is text.
                found.push_text("<");
                i = lt + 1;
            }
            continue;
        }
        let name_end = name_at + b[name_at..].iter().take_while(|&&c| !is_ws(c) && c != b'/' && c != b'>').count();
        tag.clear();
        tag.extend(b[name_at..name_end].iter().map(|c| c.to_ascii_lowercase() as char));
        if name_at > lt + 1 {
            i = memchr::memchr(b'>', &b[name_end..]).map_or(b.len(), |e| name_end + e + 1);
            found.end(&tag);
            continue;
        }
        let mut attrs: [Option<Cow<'_, str>>; 7] = Default::default();
        let Some(end) = key_attrs(html, name_end, &mut attrs) else { break };
        found.start(&tag, &attrs);
        i = end;
        if is_raw(&tag) {
            let close = find_closing(&b[end..], tag.as_bytes()).map_or(b.len(), |c| end + c);
            if tag == "title" {
                let mut text = String::new();
                decode_char_refs(&html[end..close], &mut text, false);
                found.keep(Text::Title, &text);
            }
            i = close;
        }
    }
    if !found.open.is_empty() {
        found.push_text(&html[i..]);
    }
    // Elements open at the end of the page hold the text up to it.
    found.close_where(|_| true);
    found
}

/// Metadata of an HTML page.
pub fn html_meta(html: &str) -> Meta {
    let found = scan(html);
    let site = found.slot(SITE);
    let title = found
        .slot(TITLE)
        .or_else(|| found.text(Text::Title))
        .or_else(|| found.text(Text::H1))
        .map(|t| strip_site_suffix(&t, site.as_deref()))
        .unwrap_or_default();
    let url = found.slot(URL).filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let date = found.slot(DATE).or_else(|| found.text(Text::Time)).map(|d| parse_date(&d).unwrap_or(d));
    let author = found
        .slot(AUTHOR)
        .filter(|a| !a.starts_with("http"))
        .or_else(|| found.text(Text::RelAuthor))
        .or_else(|| found.text(Text::AuthorName));
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
    fn script_and_style_text_is_not_read_for_metadata() {
        let page = "<head><SCRIPT>var t = '<title>No</title>';</script><style>a{}</style><title>Yes</title></head><script>never closed";
        assert_eq!(html_meta(page).title, "Yes");
    }

    /// Each answer is what the HTML5 DOM of the page gives (checked against
    /// dom_query on these pages, on the 100 dev pages and on 400 other
    /// HTML files when the DOM parse was replaced).
    #[test]
    fn metadata_is_read_as_an_html5_parser_reads_the_page() {
        let m = |page: &str| html_meta(page);
        assert_eq!(m("<h1>A<h2>B</h2>C</h1>").title, "A");
        assert_eq!(m("<h1>   </h1><h1><a href=/>Link</a><br>Part &amp; two</h1>").title, "LinkPart & two");
        assert_eq!(m("<title>Fish &amp; Chips <!-- x --> &lt;b&gt;</title>").title, "Fish & Chips <!-- x --> <b>");
        assert_eq!(m("<!-- <title>No</title> --><TITLE>Yes</TITLE>").title, "Yes");
        assert_eq!(m("<noscript><title>No</title></noscript><title>Yes</title>").title, "No", "scripting is off");
        assert_eq!(m("<textarea><h1>No</h1></textarea><h1>Y</h1>").title, "Y");
        assert_eq!(m("<meta property='og:title' content=''><meta name='twitter:title' content='Tw'>").title, "Tw");
        assert_eq!(m("<h1 class=\"x>y\">Quote &gt; inside</h1>").title, "Quote > inside");
        assert_eq!(m("<h1>Open heading <span>never closed").title, "Open heading never closed");
        let author = |page: &str| html_meta(page).author;
        assert_eq!(author("<meta name=author name=x content='Ann Bee'>").as_deref(), Some("Ann Bee"), "the first attribute wins");
        assert_eq!(author("<META NAME=author CONTENT=Zed/>").as_deref(), Some("Zed/"));
        assert_eq!(author("<a rel=Author href=/x>Xavier Roe</a>").as_deref(), Some("Xavier Roe"));
        assert_eq!(author("<a rel='author nofollow'>Xavier Roe</a>"), None);
        assert_eq!(author("<p rel=author>Name<p>Other"), Some("Name".into()), "a <p> ends the one before");
        assert_eq!(
            author("<div itemprop=author><div><span itemprop=name>Jane &amp; Joe</span></div></div>").as_deref(),
            Some("Jane & Joe")
        );
        assert_eq!(author("<span itemprop=author><meta itemprop=name content=X><b itemprop=name>Bold</b></span>").as_deref(), Some("Bold"));
        assert_eq!(author("<span itemprop=author>a</span><span itemprop=name>Out of scope</span>"), None);
        assert_eq!(author("<meta name=author content='https://fb.com/x'><a rel=author>Real Name</a>").as_deref(), Some("Real Name"));
        let m = html_meta("<link rel=canonical href=/rel/1><meta property=og:url content='https://ex.com/a'>");
        assert_eq!(m.url, None, "the canonical link comes first, and is not absolute");
        let m = html_meta("<time></time><time datetime=2021-01-02>Jan 2</time><time itemprop=datePublished datetime=2020-05-05>x</time>");
        assert_eq!(m.date.as_deref(), Some("2020-05-05"));
        assert_eq!(html_meta("<time></time><time>March 3, 2020</time>").date.as_deref(), Some("2020-03-03"));
    }

    #[test]
    fn title_with_escape_sequences_is_sanitised() {
        let m = html_meta("<title>Hi\u{1b}]0;owned\u{7} there</title>");
        assert_eq!(m.title, "Hi there");
    }
}
