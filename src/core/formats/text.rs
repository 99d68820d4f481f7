//! Plain-text and markdown-ish dumps: metadata from the head of the page.

use super::url_host;
use crate::core::article::Meta;
use crate::core::date::dateline;
use crate::core::sanitize::sanitize_line;

/// How many leading lines may hold the title, dateline, source and URL.
const HEAD_LINES: usize = 60;

/// True when the text uses markdown markup: headings, links or emphasis.
pub fn looks_like_markdown(text: &str) -> bool {
    let mut hits = 0;
    for line in text.lines().take(400) {
        let t = line.trim_start();
        if t.starts_with("# ") || t.starts_with("## ") || t.starts_with("### ") {
            hits += 2;
        }
        if t.contains("](") {
            hits += 1;
        }
        if t.starts_with("**") || t.starts_with("* [") {
            hits += 1;
        }
        if hits >= 2 {
            return true;
        }
    }
    false
}

/// Reduces inline markdown to its text: `[text](url)` to `text`,
/// `![alt](src)` and `<http://...>` autolinks removed, `**bold**`, `*em*`,
/// `__x__` and backticks unwrapped.
pub fn strip_inline_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // Images: ![alt](src) -> dropped
        if c == '!' && chars.get(i + 1) == Some(&'[') {
            if let Some((_, end)) = link_at(&chars, i + 1) {
                i = end;
                continue;
            }
        }
        if c == '[' {
            if let Some((text, end)) = link_at(&chars, i) {
                out.push_str(&strip_inline_markup(&text));
                i = end;
                continue;
            }
        }
        if c == '<' {
            if let Some(close) = chars[i..].iter().position(|&c| c == '>') {
                let inner: String = chars[i + 1..i + close].iter().collect();
                if inner.starts_with("http://") || inner.starts_with("https://") || inner.starts_with("mailto:") {
                    i += close + 1;
                    continue;
                }
            }
        }
        if c == '*' || c == '`' || (c == '_' && is_emphasis_underscore(&chars, i)) {
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn is_emphasis_underscore(chars: &[char], i: usize) -> bool {
    // An underscore inside a word (snake_case) is text, at a word edge markup.
    let before = i.checked_sub(1).and_then(|j| chars.get(j)).is_some_and(|c| c.is_alphanumeric());
    let after = chars.get(i + 1).is_some_and(|c| c.is_alphanumeric());
    !(before && after)
}

/// Parses `[text](target)` starting at `chars[i] == '['`; returns the text
/// and the index after the closing parenthesis.
fn link_at(chars: &[char], i: usize) -> Option<(String, usize)> {
    let mut depth = 0;
    let mut j = i;
    while j < chars.len() {
        match chars[j] {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        j += 1;
    }
    if j >= chars.len() || chars.get(j + 1) != Some(&'(') {
        return None;
    }
    let close = chars[j + 2..].iter().position(|&c| c == ')')? + j + 2;
    let text: String = chars[i + 1..j].iter().collect();
    Some((text, close + 1))
}

/// Is this line only a URL (bare or in angle brackets)?
fn line_url(line: &str) -> Option<String> {
    let t = line.trim().trim_start_matches('<').trim_end_matches('>');
    ((t.starts_with("http://") || t.starts_with("https://")) && !t.contains(char::is_whitespace)).then(|| t.to_owned())
}

/// A markdown heading's level and text.
fn heading(line: &str) -> Option<(usize, &str)> {
    let t = line.trim_start();
    let level = t.chars().take_while(|&c| c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &t[level..];
    rest.starts_with(' ').then(|| (level, rest.trim()))
}

fn plain(line: &str) -> String {
    let s = heading(line).map(|(_, t)| t).unwrap_or(line);
    sanitize_line(&strip_inline_markup(s))
}

/// Is `line` a breadcrumb that ends with `title`: "Home Business <title>"?
pub fn breadcrumb_of(line: &str, title: &str) -> bool {
    let line = line.trim();
    if title.len() < 12 || line.len() <= title.len() || !line.ends_with(title) {
        return false;
    }
    let prefix = line[..line.len() - title.len()].trim();
    let words = prefix.split(|c: char| c.is_whitespace() || matches!(c, '>' | '/' | '|' | '»' | '›')).filter(|w| !w.is_empty()).count();
    (1..=5).contains(&words) && prefix.chars().count() <= 48
}

fn is_byline(line: &str) -> Option<String> {
    let p = plain(line);
    let rest = p.strip_prefix("By ").or_else(|| p.strip_prefix("BY "))?;
    let words = rest.split_whitespace().count();
    if !(1..=8).contains(&words) || rest.ends_with('.') && words > 3 {
        return None;
    }
    let first = rest.chars().next()?;
    if !first.is_uppercase() {
        return None;
    }
    // "By Jane Smith, Reporter | Updated..." -> "Jane Smith"
    let name = rest.split(['|', ',', '•', '·']).next()?.trim();
    let name = name.split(" and ").collect::<Vec<_>>().join(" and ");
    (!name.is_empty()).then(|| name.to_owned())
}

/// A short line that names a publisher: "BBC News", "The Guardian".
fn is_source_line(line: &str) -> bool {
    let p = plain(line);
    let words: Vec<&str> = p.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 || p.chars().count() > 40 {
        return false;
    }
    if p.ends_with(['.', '?', '!', ':', ',']) || dateline(&p).is_some() || line_url(line).is_some() {
        return false;
    }
    words
        .iter()
        .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()) || matches!(*w, "of" | "the" | "and" | "&"))
}

/// Metadata of a text or markdown dump: the title from the first heading or
/// first line (seeing through a breadcrumb that repeats it), the dateline,
/// the URL line, a byline, and a publisher line beside the date or URL.
pub fn text_meta(text: &str) -> Meta {
    let head: Vec<&str> = text.lines().take(HEAD_LINES * 4).collect();
    let nonempty: Vec<(usize, &str)> = head.iter().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(|(i, l)| (i, *l)).collect();

    let mut meta = Meta::default();
    let mut title_line = None;

    // 1. A level-1 heading, else a level-2 heading in the head.
    for wanted in [1, 2] {
        if let Some(&(i, l)) = nonempty.iter().find(|(_, l)| heading(l).is_some_and(|(lvl, t)| lvl == wanted && !plain(t).is_empty())) {
            meta.title = plain(l);
            title_line = Some(i);
            break;
        }
    }
    // 2. Else the first line with words in it that is no URL, date, or image.
    if title_line.is_none() {
        for &(i, l) in nonempty.iter().take(HEAD_LINES) {
            let p = plain(l);
            if p.chars().filter(|c| c.is_alphabetic()).count() < 3 || line_url(l).is_some() || dateline(l).is_some() {
                continue;
            }
            // A breadcrumb that ends with a later line: that line is the title.
            if let Some(&(j, next)) = nonempty.iter().find(|(j, n)| *j > i && *j <= i + 6 && breadcrumb_of(&p, &plain(n))) {
                meta.title = plain(next);
                title_line = Some(j);
            } else {
                meta.title = p;
                title_line = Some(i);
            }
            break;
        }
    }
    let title_idx = title_line.unwrap_or(0);

    // The header block: lines near the title before the body starts.
    let near: Vec<(usize, &str)> = nonempty.iter().copied().filter(|(i, _)| *i + 3 >= title_idx && *i <= title_idx + 25).collect();
    let mut date_at = None;
    let mut url_at = None;
    for &(i, l) in &near {
        if Some(i) == title_line {
            continue;
        }
        if meta.date.is_none() {
            if let Some(d) = dateline(l) {
                meta.date = Some(d);
                date_at = Some(i);
                continue;
            }
        }
        if meta.url.is_none() {
            if let Some(u) = line_url(l) {
                meta.url = Some(sanitize_line(&u));
                url_at = Some(i);
                continue;
            }
        }
        if meta.author.is_none() {
            if let Some(a) = is_byline(l) {
                meta.author = Some(sanitize_line(&a));
            }
        }
    }
    // A publisher line right beside the dateline or the URL line.
    let anchors: Vec<usize> = [date_at, url_at].into_iter().flatten().collect();
    if !anchors.is_empty() {
        for &(i, l) in &near {
            if Some(i) == title_line || Some(i) == date_at || Some(i) == url_at {
                continue;
            }
            let close = anchors.iter().any(|&a| {
                let (lo, hi) = if a < i { (a, i) } else { (i, a) };
                // adjacent when only blank lines lie between
                (lo + 1..hi).all(|k| head.get(k).is_none_or(|l| l.trim().is_empty()))
            });
            if close && is_source_line(l) {
                meta.source = Some(plain(l));
                break;
            }
        }
    }
    if meta.source.is_none() {
        meta.source = meta.url.as_deref().and_then(url_host);
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markup_is_reduced_to_text() {
        assert_eq!(strip_inline_markup("His [blog post](#) said **this** and *that*."), "His blog post said this and that.");
        assert_eq!(strip_inline_markup("![photo](a.jpg)Caption <http://x.com>"), "Caption ");
        assert_eq!(strip_inline_markup("snake_case stays"), "snake_case stays");
    }

    #[test]
    fn heading_dateline_source_and_url() {
        let t = "\n\n# A *Big* Title\n\n13 March 2014\n\nBBC News\n\n<http://www.bbc.com/news/x>\n\nBody paragraph that goes on.\n";
        let m = text_meta(t);
        assert_eq!(m.title, "A Big Title");
        assert_eq!(m.date.as_deref(), Some("2014-03-13"));
        assert_eq!(m.source.as_deref(), Some("BBC News"));
        assert_eq!(m.url.as_deref(), Some("http://www.bbc.com/news/x"));
    }

    #[test]
    fn breadcrumb_line_yields_the_title_it_repeats() {
        let t = "Home World Leaders agree on a climate deal in Paris\n\nLeaders agree on a climate deal in Paris\n\nThe text.\n";
        let m = text_meta(t);
        assert_eq!(m.title, "Leaders agree on a climate deal in Paris");
        assert_eq!(m.date, None);
        assert_eq!(m.source, None);
    }

    #[test]
    fn first_line_title_and_absent_fields_are_none() {
        let m = text_meta("Plain title here\nA first paragraph of the story.\n");
        assert_eq!(m.title, "Plain title here");
        assert_eq!((m.date, m.source, m.url, m.author), (None, None, None, None));
    }

    #[test]
    fn byline_gives_the_author() {
        let m = text_meta("# Title of it\n\nBy Jane Smith, Science Reporter\n\nText.");
        assert_eq!(m.author.as_deref(), Some("Jane Smith"));
    }
}
