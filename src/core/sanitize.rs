//! Terminal safety: nothing that comes from an article may drive the terminal.
//!
//! Every string that can reach a screen or standard output passes through
//! [`sanitize`]. It removes whole escape sequences (CSI, OSC, DCS, SOS, PM,
//! APC, in their 7-bit `ESC x` and 8-bit C1 forms), every other C0 and C1
//! control except newline and tab, and the bidirectional embedding, override
//! and isolate characters that can reorder what the user sees.

use std::borrow::Cow;

/// True for characters that must never be printed as they are.
pub fn is_unsafe_char(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        // Bidirectional embeddings, overrides and isolates; marks too.
        '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// Does `s` hold a character of [`is_unsafe_char`]? Looks at bytes first:
/// an unsafe character is an ASCII control or starts with the byte 0xC2
/// (C1 controls) or 0xE2 (the bidirectional marks), so most text is
/// cleared without decoding a character.
fn has_unsafe(s: &str) -> bool {
    // A fold without early exit, so that the compiler runs it on vectors.
    let suspect = s
        .as_bytes()
        .iter()
        .fold(false, |any, &b| any | ((b < 0x20) & (b != b'\n') & (b != b'\t')) | (b == 0x7f) | (b == 0xc2) | (b == 0xe2));
    suspect && s.chars().any(is_unsafe_char)
}

/// Removes escape sequences and unsafe characters; keeps `\n` and `\t`.
/// A lone `\r` is dropped (CRLF is normalised before this by the decoder).
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !has_unsafe(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.peek().copied() {
                Some('[') => {
                    chars.next();
                    skip_csi(&mut chars);
                }
                Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => {
                    chars.next();
                    skip_string(&mut chars);
                }
                // Two-character sequences (ESC c, ESC 7, ESC ( B ...): drop
                // the next character too; a charset designator takes one more.
                Some(n) if ('\u{20}'..='\u{7e}').contains(&n) => {
                    chars.next();
                    if ('\u{20}'..='\u{2f}').contains(&n) {
                        chars.next();
                    }
                }
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if is_unsafe_char(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Sanitises a single-line field (title, source, author...): also folds
/// newlines and tabs into spaces and trims.
pub fn sanitize_line(s: &str) -> String {
    if is_clean_line(s) {
        return s.to_owned();
    }
    let clean = sanitize(s);
    let mut out = String::with_capacity(clean.len());
    for word in clean.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Is `s` already what [`sanitize_line`] makes of it: no control character
/// (tab and newline fold to spaces), no other whitespace than single
/// spaces between words, no unsafe character? Most lines are, and then the
/// line is kept as it is instead of being decoded, split and joined.
pub(crate) fn is_clean_line(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    // A fold without early exit, so that the compiler runs it on vectors.
    let controls = b.iter().fold(0u8, |bad, &c| bad | (c < 0x20) as u8 | (c == 0x7f) as u8);
    controls == 0 && double_space().find(b).is_none() && !has_unicode_space_or_unsafe(s)
}

/// A searcher for two spaces, set up once (`memmem::find` sets one up for
/// every line).
fn double_space() -> &'static memchr::memmem::Finder<'static> {
    static F: std::sync::OnceLock<memchr::memmem::Finder<'static>> = std::sync::OnceLock::new();
    F.get_or_init(|| memchr::memmem::Finder::new(b"  "))
}

/// Does `s` hold a Unicode space (no-break, thin, ideographic...) or an
/// unsafe character beyond ASCII? Each starts with the byte 0xC2, 0xE1,
/// 0xE2 or 0xE3 (never a continuation byte), so only the characters
/// starting with one of those are decoded.
fn has_unicode_space_or_unsafe(s: &str) -> bool {
    let b = s.as_bytes();
    let odd = |i: usize| s[i..].chars().next().is_some_and(|c| c.is_whitespace() || is_unsafe_char(c));
    memchr::memchr3_iter(0xc2, 0xe2, 0xe3, b).any(odd) || memchr::memchr_iter(0xe1, b).any(odd)
}

fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    // Parameters and intermediates, then one final byte in 0x40..=0x7e.
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            // Malformed: stop here, the character is dropped with the sequence.
            return;
        }
    }
}

fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    // Until BEL, ST (ESC \) or the 8-bit ST (0x9c). Bounded by the input.
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

/// True when the string holds nothing that could drive a terminal.
pub fn is_safe(s: &str) -> bool {
    !has_unsafe(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        let s = "Plain text, with a tab\tand\nnewline. Ünïcödé 漢字 🎉";
        assert!(matches!(sanitize(s), Cow::Borrowed(_)));
    }

    #[test]
    fn removes_osc_title_and_clipboard_sequences_whole() {
        let s = "a\u{1b}]0;pwned\u{7}b\u{1b}]52;c;ZXZpbA==\u{1b}\\c";
        assert_eq!(sanitize(s), "abc");
    }

    #[test]
    fn removes_csi_colour_and_cursor_moves() {
        assert_eq!(sanitize("\u{1b}[31mred\u{1b}[0m \u{1b}[2J\u{1b}[10;20H!"), "red !");
    }

    #[test]
    fn removes_c1_controls_and_8bit_csi() {
        assert_eq!(sanitize("x\u{9b}31my\u{85}z\u{9d}0;t\u{9c}w"), "xyzw");
    }

    #[test]
    fn removes_dcs_and_osc8_links_but_keeps_link_text() {
        let s = "\u{1b}P1;2|secret\u{1b}\\see \u{1b}]8;;http://x\u{1b}\\here\u{1b}]8;;\u{1b}\\.";
        assert_eq!(sanitize(s), "see here.");
    }

    #[test]
    fn removes_bidi_overrides_and_keeps_newlines_tabs() {
        assert_eq!(sanitize("a\u{202e}b\u{2066}c\n\td\r"), "abc\n\td");
    }

    #[test]
    fn unterminated_sequences_do_not_hang_or_leak() {
        assert_eq!(sanitize("ok\u{1b}]0;never ends"), "ok");
        assert_eq!(sanitize("ok\u{1b}[12;"), "ok");
        assert_eq!(sanitize("ok\u{1b}"), "ok");
    }

    #[test]
    fn the_byte_test_finds_what_the_character_test_finds() {
        for c in ('\u{0}'..='\u{3000}').chain(['\u{1f600}', '\u{fffd}']) {
            let s = format!("ab{c}cd");
            assert_eq!(has_unsafe(&s), s.chars().any(is_unsafe_char), "{c:?}");
        }
    }

    #[test]
    fn clean_lines_are_what_sanitize_line_makes_of_them() {
        for c in ('\u{0}'..='\u{3000}').chain(['\u{1f600}', '\u{fffd}']) {
            for s in [format!("ab{c}cd"), format!("{c}x"), format!("x{c}"), format!("a {c} b")] {
                if is_clean_line(&s) {
                    assert_eq!(sanitize_line(&s), s, "{c:?}");
                }
            }
        }
        assert!(is_clean_line("plain words, \u{201c}quoted\u{201d}") && !is_clean_line("two  spaces") && !is_clean_line(" lead"));
    }

    #[test]
    fn sanitize_line_folds_whitespace() {
        assert_eq!(sanitize_line("  A\n title\u{1b}[1m\tx "), "A title x");
    }
}
