//! Splits a dump into units: one line, or the lines of one paragraph when
//! the scraper wrapped it (w3m/lynx `-dump` at a fixed width), or a link
//! split across lines. Each unit keeps its raw lines (nothing is lost) and
//! a plain text with markup reduced.

use super::BlockKind;
use crate::core::formats::strip_inline_markup;
use crate::core::sanitize::sanitize_line;

/// One unit of a dump, before classification.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// The raw lines, joined with '\n'.
    pub raw: String,
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

/// Estimates the wrap width of a dump: `Some(w)` when many lines end near
/// the same column (a `-dump` at a fixed width), `None` for one line per
/// paragraph.
fn wrap_width(lines: &[&str]) -> Option<usize> {
    let mut lens: Vec<usize> = lines.iter().map(|l| l.trim_end().chars().count()).filter(|&n| n >= 20).collect();
    if lens.len() < 8 {
        return None;
    }
    lens.sort_unstable();
    let w = lens[(lens.len() * 98 / 100).min(lens.len() - 1)];
    if w > 200 {
        return None;
    }
    let near = lens.iter().filter(|&&n| n + 16 >= w && n <= w).count();
    (near * 10 >= lens.len() * 3 && near >= 4).then_some(w)
}

fn first_word_len(t: &str) -> usize {
    t.split_whitespace().next().map(|w| w.chars().count()).unwrap_or(0)
}

/// Counts '[' minus ']' to see a link left open at the end of a line.
fn open_brackets(s: &str) -> i32 {
    s.chars().fold(0, |n, c| match c {
        '[' => n + 1,
        ']' => n - 1,
        _ => n,
    })
}

/// Removes lynx references `[12]` and w3m form boxes from a line, and
/// returns how many references it held.
fn strip_refs(s: &str) -> (String, usize) {
    let mut out = String::with_capacity(s.len());
    let mut refs = 0;
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'[' {
            let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 && b.get(i + 1 + digits) == Some(&b']') {
                refs += 1;
                i += digits + 2;
                continue;
            }
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    (out, refs)
}

/// Characters of text inside markdown links `[text](url)` on a line, and
/// the number of such links.
fn markdown_links(s: &str) -> (usize, usize) {
    let mut chars = 0;
    let mut links = 0;
    let mut rest = s;
    while let Some(close) = rest.find("](") {
        let head = &rest[..close];
        if let Some(open) = head.rfind('[') {
            let inner = &head[open + 1..];
            let inner = inner.rsplit_once('[').map(|(_, t)| t).unwrap_or(inner);
            chars += inner.trim_start_matches(['!', ' ']).chars().filter(|c| c.is_alphanumeric() || *c == ' ').count();
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

fn is_image_only(raw: &str) -> bool {
    let t = raw.trim();
    // markdown image or linked image
    if t.contains("![") {
        return strip_inline_markup(t).trim().trim_matches(['*', '_', ' ', '[', ']']).is_empty();
    }
    // w3m alt text "[photo-name]" / lynx "[IMG]"
    if t.starts_with('[') && t.ends_with(']') && !t[1..t.len() - 1].contains(['[', ']']) {
        let inner = &t[1..t.len() - 1];
        return !inner.contains(' ') || inner.eq_ignore_ascii_case("img") || inner.eq_ignore_ascii_case("image");
    }
    false
}

/// Reduces a unit's raw lines to one plain line.
fn plain(raw: &str) -> (String, BlockKind, bool, usize, usize) {
    let mut kind = BlockKind::Paragraph;
    let mut list = false;
    let mut parts = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        let mut t = line.trim();
        if n == 0 {
            if t.starts_with('#') {
                kind = BlockKind::Heading;
                t = t.trim_start_matches('#').trim_start();
            } else if t.starts_with('>') {
                kind = BlockKind::Quote;
                t = t.trim_start_matches('>').trim_start();
            } else if let Some(b) = bullet(t) {
                kind = BlockKind::ListItem;
                list = true;
                t = t[b..].trim_start();
            }
        } else {
            t = t.trim_start_matches('>').trim_start();
        }
        parts.push(t);
    }
    // Joined first, so a link split across lines is still one link.
    let joined = parts.join(" ");
    let (link_chars, md_links) = markdown_links(&joined);
    let (t, refs) = strip_refs(&joined);
    // box-drawing table borders
    let t: String = t.chars().filter(|c| !('\u{2500}'..='\u{257f}').contains(c)).collect();
    let links = md_links + refs;
    let text = sanitize_line(&strip_inline_markup(&t));
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (text, kind, list, link_chars, links)
}

/// Splits a dump into units.
pub(crate) fn units(text: &str) -> Vec<Unit> {
    let lines: Vec<&str> = text.lines().collect();
    let width = wrap_width(&lines);
    let mut out: Vec<Unit> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        let mut open = open_brackets(lines[i]);
        while let Some(next) = lines.get(end) {
            let nt = next.trim();
            if nt.is_empty() {
                break;
            }
            let prev = lines[end - 1].trim_end();
            // A markdown link left open continues on the next line.
            let link_open = open > 0 && end - start < 6;
            let wrapped = width.is_some_and(|w| {
                prev.chars().count() + 1 + first_word_len(nt) > w && bullet(nt).is_none() && !nt.starts_with('#') && !is_image_only(nt)
            });
            if !(link_open || wrapped) {
                break;
            }
            open += open_brackets(next);
            end += 1;
        }
        let raw = lines[start..end].join("\n");
        let (text, kind, list, link_chars, links) = plain(&raw);
        let image = is_image_only(&raw) || (text.is_empty() && raw.contains("!["));
        out.push(Unit { indent: lines[start].len() - lines[start].trim_start().len(), raw, text, kind, list, image, link_chars, links });
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_link_split_across_lines_is_one_unit() {
        let u = units("[Read the\nfull story](http://x) now\nNext");
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].text, "Read the full story now");
    }
}
