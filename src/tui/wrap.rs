//! The reading pane's lines: the article's header and cleaned blocks,
//! wrapped with textwrap to a width (display columns, so CJK and emoji take
//! two), computed once per article, width and boilerplate toggle.
//!
//! Each body line knows where its text starts in `Cleaned::body_text()`
//! (in code points), which is the coordinate system of entity spans and
//! search matches: highlighting maps those ranges onto lines.

use std::borrow::Cow;

use crate::core::article::Meta;
use crate::core::clean::{BlockKind, Cleaned};

/// What a line is, for styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Title,
    Meta,
    Url,
    Blank,
    Body(BlockKind),
    /// A line the cleaner removed, shown with `x`; the reason is its prefix.
    Removed,
}

/// One display line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WLine {
    pub kind: LineKind,
    /// Drawn before the text: a quote bar, a bullet, an indent, a reason.
    pub prefix: String,
    pub text: String,
    /// Offset of `text`'s first character in the body text, in code
    /// points, for lines that are part of it.
    pub body: Option<usize>,
    /// The block (index in `Cleaned::blocks`) the line belongs to.
    pub block: Option<usize>,
}

impl WLine {
    fn plain(kind: LineKind, text: impl Into<String>) -> Self {
        WLine { kind, prefix: String::new(), text: text.into(), body: None, block: None }
    }
}

/// Wraps `text` to `width` columns; returns each line with the byte offset
/// where it starts in `text`.
pub fn wrap_offsets(text: &str, width: usize) -> Vec<(usize, String)> {
    let opts = textwrap::Options::new(width.max(1)).break_words(true);
    let mut out = Vec::new();
    let mut cursor = 0;
    for line in textwrap::wrap(text, opts) {
        let start = match &line {
            Cow::Borrowed(s) if !s.is_empty() => {
                let off = s.as_ptr() as usize - text.as_ptr() as usize;
                if off <= text.len() {
                    off
                } else {
                    cursor
                }
            }
            other => text[cursor..].find(other.trim_end_matches('-')).map_or(cursor, |i| cursor + i),
        };
        cursor = start + line.len().min(text.len() - start);
        out.push((start, line.into_owned()));
    }
    out
}

/// The lines of an article at `width` columns.
pub fn lines(meta: &Meta, cleaned: &Cleaned, width: u16, show_removed: bool) -> Vec<WLine> {
    let width = width.max(1) as usize;
    let mut out = Vec::new();
    for (_, l) in wrap_offsets(&meta.title, width) {
        out.push(WLine::plain(LineKind::Title, l));
    }
    let byline: Vec<&str> = [&meta.source, &meta.date, &meta.author].into_iter().filter_map(|f| f.as_deref()).collect();
    if !byline.is_empty() {
        for (_, l) in wrap_offsets(&byline.join(" · "), width) {
            out.push(WLine::plain(LineKind::Meta, l));
        }
    }
    if let Some(u) = &meta.url {
        for (_, l) in wrap_offsets(u, width) {
            out.push(WLine::plain(LineKind::Url, l));
        }
    }
    let mut body = 0usize;
    for (bi, b) in cleaned.blocks.iter().enumerate() {
        let in_body = b.removed.is_none() && b.kind != BlockKind::Caption;
        let start = body;
        if in_body {
            body += b.text.chars().count() + 2;
        }
        if b.removed.is_some() && !show_removed {
            continue;
        }
        let (kind, first, rest): (LineKind, String, String) = match (&b.removed, b.kind) {
            (Some(r), _) => (LineKind::Removed, format!("[{}] ", r.kind), String::new()),
            (None, BlockKind::Quote) => (LineKind::Body(b.kind), "│ ".into(), "│ ".into()),
            (None, BlockKind::ListItem) => (LineKind::Body(b.kind), "• ".into(), "  ".into()),
            (None, BlockKind::Caption) => (LineKind::Body(b.kind), "  ".into(), "  ".into()),
            (None, k) => (LineKind::Body(k), String::new(), String::new()),
        };
        // A removed line's reason stands before its first line; the rest
        // align under the text.
        let rest = if kind == LineKind::Removed { " ".repeat(textwrap::core::display_width(&first).min(width / 2)) } else { rest };
        let pw = textwrap::core::display_width(&first).max(textwrap::core::display_width(&rest));
        let tw = if width > pw + 4 { width - pw - if b.kind == BlockKind::Caption { 2 } else { 0 } } else { width };
        let prefix_fits = width > pw + 4;
        // Paragraphs are spaced; the items of one list are not.
        let tight = kind == LineKind::Body(BlockKind::ListItem) && out.last().is_some_and(|l: &WLine| l.kind == kind);
        if !tight {
            out.push(WLine::plain(LineKind::Blank, ""));
        }
        let mut chars_before = 0usize;
        let mut last_byte = 0usize;
        for (i, (byte, text)) in wrap_offsets(&b.text, tw).into_iter().enumerate() {
            chars_before += b.text[last_byte..byte].chars().count();
            last_byte = byte;
            let prefix = match (prefix_fits, i) {
                (false, _) => String::new(),
                (true, 0) => first.clone(),
                (true, _) => rest.clone(),
            };
            out.push(WLine { kind, prefix, text, body: in_body.then_some(start + chars_before), block: Some(bi) });
        }
    }
    if cleaned.kept().next().is_none() {
        out.push(WLine::plain(LineKind::Blank, ""));
        out.push(WLine::plain(LineKind::Meta, "(nothing left after cleaning; x shows what was removed)"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clean::Block;

    fn block(kind: BlockKind, text: &str) -> Block {
        Block { kind, text: text.into(), removed: None }
    }

    #[test]
    fn offsets_point_at_the_line_text() {
        let text = "The quick brown fox jumps over the well-known, long-winded dog at https://example.com/a/very/long/path?x=1 again";
        for w in 1..40 {
            for (off, line) in wrap_offsets(text, w) {
                assert!(text[off..].starts_with(&line), "w={w} {line:?}");
            }
        }
    }

    #[test]
    fn wide_characters_never_overflow_the_width() {
        let text = "日本語のテキストは空白なしで折り返す必要があります。😀😀😀 emoji too";
        for w in 2..20 {
            for (off, line) in wrap_offsets(text, w) {
                assert!(textwrap::core::display_width(&line) <= w, "w={w} {line:?}");
                assert!(text[off..].starts_with(&line));
            }
        }
    }

    #[test]
    fn body_offsets_match_body_text() {
        let cleaned = Cleaned {
            blocks: vec![
                block(BlockKind::Paragraph, "First paragraph with Adam Kowalewski in it."),
                Block {
                    kind: BlockKind::Paragraph,
                    text: "Subscribe now".into(),
                    removed: Some(crate::core::clean::Reason { kind: "subscription", detail: String::new() }),
                },
                block(BlockKind::Caption, "A caption"),
                block(BlockKind::Quote, "A quote that goes on for a while, long enough to wrap."),
            ],
        };
        let body: Vec<char> = cleaned.body_text().chars().collect();
        for show in [false, true] {
            let ls = lines(&Meta { title: "T".into(), ..Meta::default() }, &cleaned, 20, show);
            for l in &ls {
                if let Some(s) = l.body {
                    let n = l.text.chars().count();
                    assert_eq!(body[s..s + n].iter().collect::<String>(), l.text);
                }
            }
            assert_eq!(ls.iter().any(|l| l.kind == LineKind::Removed), show);
        }
    }

    proptest::proptest! {
        /// Whatever the text and width: every line starts where its offset
        /// says, no line is wider than the width (wide characters count
        /// two; a width of 1 cannot hold them), and no character is lost.
        #[test]
        fn offsets_and_widths_hold_for_any_text(
            text in "([a-zé́\\- ]|日本|😀|\\u{301}|https://x\\.y/[a-z]{0,30}){0,60}",
            width in 1usize..50,
        ) {
            let lines = wrap_offsets(&text, width);
            let mut last = 0;
            for (off, line) in &lines {
                proptest::prop_assert!(text[*off..].starts_with(line.as_str()), "{:?} at {}", line, off);
                proptest::prop_assert!(*off >= last);
                last = *off;
                if width >= 2 {
                    proptest::prop_assert!(textwrap::core::display_width(line) <= width, "{:?} wider than {}", line, width);
                }
            }
            let kept: String = lines.iter().map(|(_, l)| l.as_str()).collect::<String>().split_whitespace().collect();
            let all: String = text.split_whitespace().collect();
            proptest::prop_assert_eq!(kept, all);
        }
    }

    #[test]
    fn paragraphs_are_spaced_and_list_items_are_not() {
        let cleaned = Cleaned {
            blocks: vec![
                block(BlockKind::Paragraph, "One."),
                block(BlockKind::Paragraph, "Two."),
                block(BlockKind::ListItem, "first item"),
                block(BlockKind::ListItem, "second item"),
            ],
        };
        let ls = lines(&Meta { title: "T".into(), ..Meta::default() }, &cleaned, 40, false);
        let shown: Vec<String> = ls.iter().map(|l| format!("{}{}", l.prefix, l.text)).collect();
        assert_eq!(shown, vec!["T", "", "One.", "", "Two.", "", "• first item", "• second item"]);
    }
}
