//! Splits a dump into units: one line, or the lines of one paragraph when
//! the scraper wrapped it (w3m/lynx `-dump` at a fixed width), or a link
//! split across lines. Each unit keeps its raw lines (nothing is lost) and
//! a plain text with markup reduced.

use std::borrow::Cow;

use super::rules::{is_italic, is_url};
use super::BlockKind;
use crate::core::sanitize::{is_clean_line, sanitize_line};

/// One unit of a dump, before classification.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// The raw lines, joined with '\n', kept only when `text` is empty
    /// (what the block then shows); empty otherwise.
    pub raw: String,
    /// The raw unit is a bare URL (or a lynx reference-list entry).
    pub url: bool,
    /// The raw unit is wholly in italics (`*...*` or `_..._`).
    pub italic: bool,
    /// Plain text, markup reduced, single line.
    pub text: String,
    pub kind: BlockKind,
    /// Starts with a list bullet.
    pub list: bool,
    /// The raw unit had an image and no text besides it.
    pub image: bool,
    /// Characters of link text (markdown links), and links counted
    /// (markdown links and lynx `[12]` references).
    pub link_chars: usize,
    pub links: usize,
    /// Leading spaces of the first line.
    pub indent: usize,
}

const BULLETS: [&str; 9] = ["* ", "- ", "+ ", "• ", "· ", "o ", "◦ ", "▪ ", "■ "];

/// ASCII whitespace as `char::is_whitespace` sees it.
fn ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// `s.trim_start()`: ASCII spaces on bytes, the standard (character by
/// character, a call each) only from a non-ASCII character on.
pub(crate) fn trim_start(s: &str) -> &str {
    let rest = &s[s.bytes().take_while(|&b| ascii_space(b)).count()..];
    if rest.as_bytes().first().is_some_and(|b| !b.is_ascii()) {
        rest.trim_start()
    } else {
        rest
    }
}

/// `s.trim_end()`, as [`trim_start`].
pub(crate) fn trim_end(s: &str) -> &str {
    let rest = &s[..s.len() - s.bytes().rev().take_while(|&b| ascii_space(b)).count()];
    if rest.as_bytes().last().is_some_and(|b| !b.is_ascii()) {
        rest.trim_end()
    } else {
        rest
    }
}

/// `s.trim()`, as [`trim_start`].
pub(crate) fn trim(s: &str) -> &str {
    trim_end(trim_start(s))
}

/// The list bullet at the start of a trimmed line, if any, with its length.
fn bullet(t: &str) -> Option<usize> {
    for b in BULLETS {
        if t.starts_with(b) {
            return Some(b.len());
        }
    }
    // "1. ", "12) "
    let digits = t.bytes().take_while(|b| b.is_ascii_digit()).count();
    if (1..=3).contains(&digits)
        && matches!(t.as_bytes().get(digits), Some(b'.') | Some(b')'))
        && t.as_bytes().get(digits + 1) == Some(&b' ')
    {
        // A lynx reference list line "12. http://..." is a list item too.
        return Some(digits + 2);
    }
    None
}

/// How a scraper counted a line's width when it wrapped it: w3m counts a
/// CJK character as two columns, lynx as one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Measure {
    Chars,
    Columns,
}

impl Measure {
    fn of(self, s: &str) -> usize {
        if s.is_ascii() {
            s.len()
        } else if self == Measure::Chars {
            s.chars().count()
        } else {
            unicode_width::UnicodeWidthStr::width(s)
        }
    }
}

/// The width a dump was wrapped at, and how it was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Wrap {
    width: usize,
    measure: Measure,
}

/// Estimates the wrap width of a dump: `Some` when many lines end near
/// the same column (a `-dump` at a fixed width), `None` for one line per
/// paragraph.
fn wrap_width(lines: &[&str]) -> Option<Wrap> {
    // Lines a scraper cannot wrap (one long word; lynx's reference
    // list "12. https://...") say nothing about the width. CJK text has
    // no spaces and still wraps. Fewer than 20 bytes are fewer than 20
    // characters: told first.
    let long: Vec<&str> = lines
        .iter()
        .map(|&l| trim_end(l))
        .filter(|l| l.len() >= 20 && (trim_start(l).contains(' ') || !l.is_ascii()) && !is_reference(l))
        // A markdown link or a URL runs past the width (html2text wraps at
        // 78 but never inside a URL): such lines tell nothing of it.
        .filter(|l| memchr::memmem::find(l.as_bytes(), b"](").is_none() && memchr::memmem::find(l.as_bytes(), b"://").is_none())
        .collect();
    let chars: Vec<usize> = long.iter().map(|l| Measure::Chars.of(l)).collect();
    let estimate = |m: Measure| {
        let mut lens: Vec<usize> = match m {
            Measure::Chars => chars.iter().copied().filter(|&n| n >= 20).collect(),
            Measure::Columns => long.iter().map(|l| m.of(l)).filter(|&n| n >= 20).collect(),
        };
        if lens.len() < 8 {
            return None;
        }
        lens.sort_unstable();
        let w = lens[(lens.len() * 97 / 100).min(lens.len() - 1)];
        let near = lens.iter().filter(|&&n| n + 16 >= w && n <= w).count();
        let full = lens.iter().filter(|&&n| n + 2 >= w && n <= w).count();
        // A fifth of the lines end near the width; or, on a page of many
        // short lines (menus), at least 12 do and twice as many as in the
        // 16 columns below (unwrapped paragraphs thin out, wrapped ones
        // pile up under the width).
        let below = lens.iter().filter(|&&n| n + 32 >= w && n + 16 < w).count();
        let wrapped = (near * 10 >= lens.len() * 2 && near >= 4) || (near >= 12 && near >= 2 * below);
        (w <= 200 && wrapped).then_some((Wrap { width: w, measure: m }, full as f64 / lens.len() as f64))
    };
    let by_chars = estimate(Measure::Chars);
    // The counts part only where most characters of a line take more
    // than one byte (CJK takes three): most pages have no such line.
    if !long.iter().zip(&chars).any(|(l, &n)| (l.len() - n) * 2 >= n) {
        return by_chars.map(|c| c.0);
    }
    // A scraper breaks CJK text anywhere, so it fills lines to the width
    // as it counts it: the count that puts more lines within two of the
    // width is the one it wrapped by.
    match (by_chars, estimate(Measure::Columns)) {
        (Some(c), Some(w)) => Some(if w.1 >= c.1 { w.0 } else { c.0 }),
        (c, w) => c.or(w).map(|x| x.0),
    }
}

fn wide(c: Option<char>) -> bool {
    c.is_some_and(|c| !c.is_ascii() && unicode_width::UnicodeWidthChar::width(c) == Some(2))
}

/// A line of lynx's reference list: "  12. https://...".
fn is_reference(l: &str) -> bool {
    let t = trim_start(l);
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let Some(rest) = t[digits..].strip_prefix(". ").filter(|_| digits > 0) else { return false };
    let scheme = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    scheme > 0 && rest.as_bytes().get(scheme) == Some(&b':')
}

fn first_word_len(t: &str, m: Measure) -> usize {
    t.split_whitespace().next().map(|w| m.of(w)).unwrap_or(0)
}

/// Counts '[' minus ']' to see a link left open at the end of a line.
fn open_brackets(s: &str) -> i32 {
    // Most lines have none: found with memchr rather than byte by byte.
    memchr::memchr2_iter(b'[', b']', s.as_bytes()).map(|i| if s.as_bytes()[i] == b'[' { 1 } else { -1 }).sum()
}

/// Removes lynx references `[12]` and w3m form boxes from a line, and
/// returns how many references it held.
fn strip_refs(s: &str) -> (Cow<'_, str>, usize) {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut refs = 0;
    // Bytes of `s` before `from` are already in `out`.
    let mut from = 0;
    for i in memchr::memchr_iter(b'[', b) {
        if i < from {
            continue;
        }
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 && b.get(i + 1 + digits) == Some(&b']') {
            refs += 1;
            out.push_str(&s[from..i]);
            from = i + digits + 2;
        }
    }
    if refs == 0 {
        return (Cow::Borrowed(s), 0);
    }
    out.push_str(&s[from..]);
    (Cow::Owned(out), refs)
}

/// Characters of text inside markdown links `[text](url)` on a line, and
/// the number of such links.
fn markdown_links(s: &str) -> (usize, usize) {
    let mut chars = 0;
    let mut links = 0;
    let mut rest = s;
    // `rest.find("](")`, without setting up a substring searcher per line.
    let close_paren = |r: &str| memchr::memchr_iter(b']', r.as_bytes()).find(|&i| r.as_bytes().get(i + 1) == Some(&b'('));
    while let Some(close) = close_paren(rest) {
        let head = &rest[..close];
        if let Some(open) = head.rfind('[') {
            let inner = &head[open + 1..];
            let inner = inner.rsplit_once('[').map(|(_, t)| t).unwrap_or(inner);
            chars += link_text_chars(inner.trim_start_matches(['!', ' ']));
            links += 1;
        }
        rest = &rest[close + 2..];
        // skip the url
        match rest.find(')') {
            Some(end) => rest = &rest[end + 1..],
            None => break,
        }
    }
    (chars, links)
}

/// Letters, digits and spaces of a link's text.
fn link_text_chars(t: &str) -> usize {
    if t.is_ascii() {
        t.bytes().filter(|c| c.is_ascii_alphanumeric() || *c == b' ').count()
    } else {
        t.chars().filter(|c| c.is_alphanumeric() || *c == ' ').count()
    }
}

/// Does `s` hold a markdown image `![`?
fn has_image(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(b'!', b).any(|i| b.get(i + 1) == Some(&b'['))
}

fn is_image_only(raw: &str) -> bool {
    let t = trim(raw);
    // markdown image or linked image
    if has_image(t) {
        let mut plain = String::with_capacity(t.len());
        strip_markup(t, &mut plain);
        return trim(&plain).trim_matches(['*', '_', ' ', '[', ']']).is_empty();
    }
    // w3m alt text "[photo-name]" / lynx "[IMG]"
    if t.starts_with('[') && t.ends_with(']') && !t[1..t.len() - 1].contains(['[', ']']) {
        let inner = &t[1..t.len() - 1];
        return !inner.contains(' ') || inner.eq_ignore_ascii_case("img") || inner.eq_ignore_ascii_case("image");
    }
    false
}

fn is_box_drawing(c: char) -> bool {
    ('\u{2500}'..='\u{257f}').contains(&c)
}

/// `s.contains(is_box_drawing)` on bytes: the box-drawing characters are
/// those whose UTF-8 starts E2 94 or E2 95.
fn has_box_drawing(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(0xe2, b).any(|i| matches!(b.get(i + 1), Some(0x94 | 0x95)))
}

/// `formats::strip_inline_markup` on byte offsets, appending to `out`:
/// the same output (every character it looks at is ASCII, which no byte
/// of a longer UTF-8 character can be mistaken for), without decoding the
/// line into characters first.
fn strip_markup(s: &str, out: &mut String) {
    let b = s.as_bytes();
    let mut i = 0;
    // Bytes of `s` from `from` to `i` are still to be copied to `out`.
    let mut from = 0;
    while i < b.len() {
        // Straight to the next byte that can start markup.
        match b[i..].iter().position(|&c| MARKUP_START[c as usize]) {
            Some(at) => i += at,
            None => break,
        }
        let skip = match b[i] {
            // Images: ![alt](src) -> dropped
            b'!' if b.get(i + 1) == Some(&b'[') => link_at(s, i + 1).map(|(_, end)| end),
            b'[' => link_at(s, i).map(|(text, end)| {
                out.push_str(&s[from..i]);
                from = i;
                strip_markup(text, out);
                end
            }),
            b'<' => memchr::memchr(b'>', &b[i..]).and_then(|close| {
                let inner = &s[i + 1..i + close];
                (inner.starts_with("http://") || inner.starts_with("https://") || inner.starts_with("mailto:")).then_some(i + close + 1)
            }),
            b'*' | b'`' => Some(i + 1),
            b'_' => {
                // An underscore inside a word (snake_case) is text, at a word edge markup.
                let before = s[..i].chars().next_back().is_some_and(char::is_alphanumeric);
                let after = s[i + 1..].chars().next().is_some_and(char::is_alphanumeric);
                (!(before && after)).then_some(i + 1)
            }
            _ => None,
        };
        match skip {
            Some(end) => {
                out.push_str(&s[from..i]);
                i = end;
                from = end;
            }
            None => i += 1,
        }
    }
    out.push_str(&s[from..]);
}

/// The bytes that can start inline markup for [`strip_markup`].
static MARKUP_START: [bool; 256] = {
    let mut t = [false; 256];
    t[b'!' as usize] = true;
    t[b'[' as usize] = true;
    t[b'<' as usize] = true;
    t[b'*' as usize] = true;
    t[b'`' as usize] = true;
    t[b'_' as usize] = true;
    t
};

/// Parses `[text](target)` starting at `s[i] == '['`; returns the text and
/// the offset after the closing parenthesis.
fn link_at(s: &str, i: usize) -> Option<(&str, usize)> {
    let b = s.as_bytes();
    let mut depth = 0;
    let mut j = i;
    while j < b.len() {
        match b[j] {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        j += 1;
    }
    if j >= b.len() || b.get(j + 1) != Some(&b'(') {
        return None;
    }
    let close = memchr::memchr(b')', &b[j + 2..])? + j + 2;
    Some((&s[i + 1..j], close + 1))
}

/// `sanitize_line` of a line: unsafe characters removed, whitespace runs
/// folded to one space, ends trimmed. Takes the line as it may already be
/// owned, to return it as it is when it is clean already.
fn clean_line(s: Cow<'_, str>) -> String {
    if is_clean_line(&s) {
        return s.into_owned();
    }
    let unsafe_byte = |b: u8| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f;
    if s.bytes().any(unsafe_byte) || (!s.is_ascii() && s.chars().any(crate::core::sanitize::is_unsafe_char)) {
        return sanitize_line(&s);
    }
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        // The same on bytes: ASCII whitespace is what `split_whitespace` splits ASCII on.
        let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
        for word in s.as_bytes().split(space).filter(|w| !w.is_empty()) {
            if !out.is_empty() {
                out.push(' ');
            }
            let at = word.as_ptr() as usize - s.as_ptr() as usize;
            out.push_str(&s[at..at + word.len()]);
        }
        return out;
    }
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Reduces a unit's raw lines to one plain line.
fn plain(lines: &[&str], glue_wide: bool) -> (String, BlockKind, bool, usize, usize) {
    let mut kind = BlockKind::Paragraph;
    let mut list = false;
    let mut first = trim(lines[0]);
    if first.starts_with('#') {
        kind = BlockKind::Heading;
        first = trim_start(first.trim_start_matches('#'));
    } else if first.starts_with('>') {
        kind = BlockKind::Quote;
        first = trim_start(first.trim_start_matches('>'));
    } else if let Some(b) = bullet(first) {
        kind = BlockKind::ListItem;
        list = true;
        first = trim_start(&first[b..]);
    }
    // Joined first, so a link split across lines is still one link.
    let joined: Cow<'_, str> = if lines.len() == 1 {
        Cow::Borrowed(first)
    } else {
        let mut j = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
        j.push_str(first);
        for line in &lines[1..] {
            let next = trim_start(trim(line).trim_start_matches('>'));
            // A scraper that counts columns (w3m) breaks CJK text between
            // any two characters, not at a space.
            if !(glue_wide && wide(j.chars().next_back()) && wide(next.chars().next())) {
                j.push(' ');
            }
            j.push_str(next);
        }
        Cow::Owned(j)
    };
    let (link_chars, md_links) = markdown_links(&joined);
    let (t, refs) = strip_refs(&joined);
    // box-drawing table borders
    let t: Cow<'_, str> = if has_box_drawing(&t) { Cow::Owned(t.chars().filter(|&c| !is_box_drawing(c)).collect()) } else { t };
    let links = md_links + refs;
    // Only these bytes start inline markup (`![` starts with '!' but needs '[').
    let markup = t.bytes().any(|b| MARKUP_START[b as usize] && b != b'!');
    let text = if markup {
        let mut m = String::with_capacity(t.len());
        strip_markup(&t, &mut m);
        clean_line(Cow::Owned(m))
    } else {
        clean_line(t)
    };
    (text, kind, list, link_chars, links)
}

/// `text.lines()`, the line ends found by `memchr` (on vectors, where the
/// standard splitter's search goes a word at a time).
fn lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        // A line ending is "\n" or "\r\n".
        let line = &text[start..end];
        out.push(line.strip_suffix('\r').unwrap_or(line));
        start = end + 1;
    }
    // The last line ending is optional; a '\r' without '\n' is no line ending.
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Splits a dump into units.
pub(crate) fn units(text: &str) -> Vec<Unit> {
    let lines = lines(text);
    let width = wrap_width(&lines);
    let mut out: Vec<Unit> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if trim(lines[i]).is_empty() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        let mut open = open_brackets(lines[i]);
        while let Some(next) = lines.get(end) {
            let nt = trim(next);
            if nt.is_empty() {
                break;
            }
            let prev = trim_end(lines[end - 1]);
            // A markdown link left open continues on the next line.
            let link_open = open > 0 && end - start < 6;
            let wrapped = width.is_some_and(|w| {
                w.measure.of(prev) + 1 + first_word_len(nt, w.measure) > w.width
                    && bullet(nt).is_none()
                    && !nt.starts_with('#')
                    && !is_image_only(nt)
            });
            if !(link_open || wrapped) {
                break;
            }
            open += open_brackets(next);
            end += 1;
        }
        let raw: Cow<'_, str> = if end == start + 1 { Cow::Borrowed(lines[start]) } else { Cow::Owned(lines[start..end].join("\n")) };
        let (text, kind, list, link_chars, links) = plain(&lines[start..end], width.is_some_and(|w| w.measure == Measure::Columns));
        let image = is_image_only(&raw) || (text.is_empty() && has_image(&raw));
        let (url, italic) = (is_url(&raw), is_italic(&raw));
        let raw = if text.is_empty() { raw.into_owned() } else { String::new() };
        let indent = lines[start].len() - trim_start(lines[start]).len();
        out.push(Unit { indent, raw, text, kind, list, image, link_chars, links, url, italic });
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::formats::strip_inline_markup;

    #[test]
    fn lines_are_split_as_the_standard_library_splits_them() {
        for s in
            ["", "\n", "a", "a\n", "a\r\n", "a\r", "\r", "\r\n\r\n", "a\nb", "a\r\nb\r", "a\n\nb\n", "\u{e9}\r\n\u{e9}\r\r\n", "x\ry\n"]
        {
            assert_eq!(lines(s), s.lines().collect::<Vec<_>>(), "{s:?}");
        }
    }

    #[test]
    fn cjk_wrapped_by_columns_is_joined_without_a_space_and_by_characters_with_one() {
        // w3m counts a CJK character as two columns and breaks between any
        // two: 39 characters fill 78 columns.
        let ja = "\u{5148}\u{65e5}\u{3001}\u{4e0d}\u{6b63}\u{306b}\u{6539}\u{9020}\u{3057}\u{305f}".repeat(4);
        let (a, b) = ja.split_at(ja.char_indices().nth(39).unwrap().0);
        let para = format!("{a}\n{b}");
        let text = [para.as_str(); 10].join("\n\n");
        let u = units(&text);
        assert_eq!(u.len(), 10, "{u:?}");
        assert_eq!(u[0].text, ja);
        // lynx counts characters and wraps Korean at its spaces, at 74
        // characters (far more columns); the space stays.
        let syllables: Vec<char> = "\u{c5d8}\u{c81c}\u{c774}\u{c758}\u{b9ac}\u{bca4}\u{c9c0}\u{c778}\u{ac00}".chars().collect();
        // Words of one to five syllables, in no regular order.
        let mut x = 1u64;
        let words: Vec<String> = (0..300)
            .map(|i| {
                x = (x * 1_103_515_245 + 12_345) % (1 << 31);
                syllables.iter().cycle().skip(i).take(1 + (x >> 16) as usize % 5).collect()
            })
            .collect();
        let mut lines = vec![String::new()];
        for w in &words {
            let last = lines.last_mut().unwrap();
            if last.chars().count() + 1 + w.chars().count() > 74 {
                lines.push(w.clone());
            } else {
                if !last.is_empty() {
                    last.push(' ');
                }
                last.push_str(w);
            }
        }
        let u = units(&lines.join("\n"));
        assert_eq!(u.len(), 1, "{u:?}");
        assert_eq!(u[0].text, words.join(" "));
    }

    #[test]
    fn a_wrapped_dump_among_many_menu_lines_is_still_joined() {
        // Five of 86 long-enough lines are paragraph lines: too few for a
        // fifth of the page, but they pile up under the width.
        let para = "The minister said on Tuesday that the plan would go ahead despite the\nobjections of several members of the committee, who had asked for more\ntime to study the figures before the vote, and that the first stage of\nthe work would begin in the spring.";
        let menu: Vec<String> = (0..70).map(|i| format!("   * Section number {i} of the site")).collect();
        let text = format!("{}\n\n{para}\n\n{para}\n\n{para}\n\n{para}\n\n{para}\n", menu.join("\n"));
        let u = units(&text);
        assert_eq!(u.len(), 75, "{:?}", u.iter().map(|u| &u.text).collect::<Vec<_>>());
        assert!(u[70].text.starts_with("The minister") && u[70].text.ends_with("in the spring."));
    }

    #[test]
    fn markdown_wrapped_at_78_with_long_links_is_joined() {
        // html2text wraps at 78 columns but never inside a URL, so lines
        // holding a link run far past the width.
        let para = "The minister said on Tuesday that the plan would go ahead despite the\nobjections of [several members of the committee](https://example.com/news/2019/11/committee-members-object-to-the-plan-and-ask-for-more-time),\nwho had asked for more time to study the figures before the vote, and that\nthe first stage of the work would begin in the spring.";
        let links: Vec<String> = (0..12)
            .map(|i| format!("  * [Section {i}](https://example.com/sections/{i}/a-long-path-to-the-section-page-of-the-site)"))
            .collect();
        let text = format!("{}\n\n{para}\n\n{para}\n\n{para}\n", links.join("\n"));
        let u = units(&text);
        assert_eq!(u.len(), 15, "{:?}", u.iter().map(|u| &u.text).collect::<Vec<_>>());
        assert!(u[12].text.starts_with("The minister") && u[12].text.ends_with("in the spring."), "{}", u[12].text);
    }

    #[test]
    fn wrapped_paragraphs_are_joined() {
        let para = "The minister said on Tuesday that the plan would go ahead despite the\nobjections of several members of the committee, who had asked for more\ntime to study the figures before the vote.";
        let text = format!("{para}\n\n{para}\n\n{para}\n\n  * Home\n  * News\n");
        let u = units(&text);
        assert_eq!(u.len(), 5);
        assert!(u[0].text.starts_with("The minister") && u[0].text.ends_with("the vote."));
        assert!(u[3].list && u[3].text == "Home");
    }

    #[test]
    fn unwrapped_lines_stay_apart_and_markup_is_reduced() {
        let u = units("One [linked](http://x) line.\nAnother line [12]here.\n![](a.jpg)\n[photo-credit]");
        assert_eq!(u.len(), 4);
        assert_eq!(u[0].text, "One linked line.");
        assert_eq!(u[0].links, 1);
        assert_eq!(u[1].text, "Another line here.");
        assert!(u[2].image && u[3].image);
    }

    #[test]
    fn markup_is_stripped_as_the_markdown_reader_strips_it() {
        for s in [
            "A [link](http://x) and ![img](y.png) and [nested [inner](a) text](b) end",
            "**bold** _em_ snake_case `code` <https://x.org/a> <b>tag</b> [open only",
            "[a](b [c](d) ![e]( f) ]( x) ) _x_ __y__ caf\u{e9}_cr\u{e8}me \u{e9}_",
            "[unclosed](paren and [x]y(z) * ` _ <mailto:a@b> <",
        ] {
            let mut out = String::new();
            strip_markup(s, &mut out);
            assert_eq!(out, strip_inline_markup(s), "{s}");
        }
    }

    #[test]
    fn lines_are_cleaned_as_sanitize_line_cleans_them() {
        for s in [
            "",
            " ",
            "plain line",
            "two  spaces",
            " lead",
            "trail ",
            "tab\there",
            "nl\nthere",
            "esc\u{1b}[1mx",
            "del\u{7f}x",
            "caf\u{e9} cr\u{e8}me",
            "no\u{a0}break",
            "thin\u{2009}space",
            "bidi\u{202e}x",
            "c1\u{85}x",
            "ideographic\u{3000}space",
            "\u{2019}quoted\u{201d} \u{2014} dash",
            "ogham\u{1680}space",
            "narrow\u{202f}no-break",
            "line\u{2028}separator",
            "\u{e9}\u{2060}joiner",
        ] {
            assert_eq!(clean_line(Cow::Borrowed(s)), sanitize_line(s), "{s:?}");
            if is_clean_line(s) {
                assert_eq!(sanitize_line(s), s, "{s:?}");
            }
        }
    }

    #[test]
    fn lines_are_trimmed_as_the_standard_library_trims_them() {
        for s in [
            "",
            " ",
            "a",
            " a ",
            "\t\x0b\x0c\r\n a b \r\n",
            "\u{a0}a\u{a0}",
            " \u{a0} a \u{3000} ",
            "\u{e9}",
            " \u{e9} ",
            "\u{2003}",
            "\u{85}x\u{85}",
            "\u{201c}q\u{201d}",
            " \u{200b} ",
        ] {
            assert_eq!((trim(s), trim_start(s), trim_end(s)), (s.trim(), s.trim_start(), s.trim_end()), "{s:?}");
        }
    }

    #[test]
    fn box_drawing_is_found_on_bytes() {
        for c in ('\u{2400}'..='\u{2600}').chain(['a', '\u{e9}', '\u{201c}', '\u{2014}', '\u{3000}']) {
            let s = format!("x{c}y");
            assert_eq!(has_box_drawing(&s), s.contains(is_box_drawing), "{c:?}");
        }
    }

    #[test]
    fn markdown_links_are_counted() {
        assert_eq!(markdown_links("a [b c](x) d ]] ( [e](y) [f]]( z"), (5, 3));
        assert_eq!(markdown_links("no links ] ( here"), (0, 0));
        assert_eq!(markdown_links("[caf\u{e9}](u)](v)"), (4, 1));
    }

    #[test]
    fn a_link_split_across_lines_is_one_unit() {
        let u = units("[Read the\nfull story](http://x) now\nNext");
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].text, "Read the full story now");
    }
}
