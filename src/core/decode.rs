//! Bytes to text: BOMs, UTF-8, declared charsets and a Windows-1252
//! fallback, through `encoding_rs`. CRLF and lone CR become LF, and the
//! result is sanitised so nothing downstream ever sees a control sequence.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use super::sanitize::sanitize;

/// How the bytes were decoded; reported by `byline check` when not UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decoded {
    pub encoding: &'static Encoding,
    /// True when the bytes were not valid in the chosen encoding and some
    /// characters were replaced with U+FFFD.
    pub had_errors: bool,
}

/// Why bytes are not text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotText {
    Empty,
    Binary,
}

/// Heuristic binary check on the first 8 KiB: NUL bytes or many controls.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.is_empty() {
        return false;
    }
    // UTF-16 with a BOM is text, handled by the decoder.
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let nul = head.iter().filter(|&&b| b == 0).count();
    if nul > 0 {
        return true;
    }
    let controls = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b)).count();
    controls * 10 > head.len()
}

/// Finds a charset declared in the first 1,024 bytes of an HTML page
/// (`<meta charset=...>` or `content="text/html; charset=..."`).
pub fn html_declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let needle = b"charset=";
    let pos = lower.windows(needle.len()).position(|w| w == needle)?;
    let rest = &head[pos + needle.len()..];
    let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
    let end = rest.iter().position(|&b| matches!(b, b'"' | b'\'' | b';' | b'>' | b' ' | b'/')).unwrap_or(rest.len());
    let enc = Encoding::for_label(&rest[..end])?;
    // A page that claims UTF-16 in ASCII is lying; WHATWG maps it to UTF-8.
    Some(enc.output_encoding())
}

/// Decodes bytes to sanitised text with `\n` line ends.
///
/// Order: a BOM wins; then valid UTF-8; then a charset the HTML declares;
/// then Windows-1252 (the WHATWG meaning of Latin-1), which never fails.
pub fn decode(bytes: &[u8], is_html: bool) -> Result<(String, Decoded), NotText> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(NotText::Empty);
    }
    if looks_binary(bytes) {
        return Err(NotText::Binary);
    }
    let (text, decoded) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (cow, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        (cow.into_owned(), Decoded { encoding: enc, had_errors })
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        (s.to_owned(), Decoded { encoding: UTF_8, had_errors: false })
    } else {
        match if is_html { html_declared_charset(bytes) } else { None } {
            Some(enc) if enc != UTF_8 => {
                let (cow, had_errors) = enc.decode_without_bom_handling(bytes);
                (cow.into_owned(), Decoded { encoding: enc, had_errors })
            }
            _ => (decode_mixed(bytes), Decoded { encoding: WINDOWS_1252, had_errors: false }),
        }
    };
    let text = normalize_newlines(&text);
    let text = sanitize(&text).into_owned();
    if text.trim().is_empty() {
        return Err(NotText::Empty);
    }
    Ok((text, decoded))
}

/// Text that is not valid UTF-8 as a whole, decoded line by line: lines
/// that are valid UTF-8 stay so, the others are read as Windows-1252. Files
/// pieced together from several sources (or a Latin-1 file with a UTF-8
/// paragraph pasted in) come out readable, not as mojibake.
fn decode_mixed(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        match std::str::from_utf8(line) {
            Ok(s) => out.push_str(s),
            Err(_) => out.push_str(&WINDOWS_1252.decode_without_bom_handling(line).0),
        }
    }
    out
}

fn normalize_newlines(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_owned();
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_and_crlf() {
        let (t, d) = decode(b"\xEF\xBB\xBFTitle\r\nBody\r\n", false).unwrap();
        assert_eq!(t, "Title\nBody\n");
        assert_eq!(d.encoding, UTF_8);
    }

    #[test]
    fn latin1_falls_back_to_windows_1252() {
        let (t, d) = decode(b"Caf\xE9 \x93quoted\x94", false).unwrap();
        assert_eq!(t, "Café “quoted”");
        assert_eq!(d.encoding, WINDOWS_1252);
    }

    #[test]
    fn mixed_encodings_are_decoded_line_by_line() {
        let (t, _) =
            decode("Zürich in UTF-8\n".as_bytes().iter().chain(b"M\xFCnchen in Latin-1\n").copied().collect::<Vec<u8>>().as_slice(), false)
                .unwrap();
        assert_eq!(t, "Zürich in UTF-8\nMünchen in Latin-1\n");
    }

    #[test]
    fn html_declared_charset_is_honoured() {
        let page = b"<html><head><meta charset=\"iso-8859-2\"></head><body>\xB1</body></html>";
        let (t, _) = decode(page, true).unwrap();
        assert!(t.contains('ą'), "{t}");
    }

    #[test]
    fn utf16_with_bom() {
        let bytes = b"\xFF\xFEH\x00i\x00";
        assert_eq!(decode(bytes, false).unwrap().0, "Hi");
    }

    #[test]
    fn empty_and_binary_are_refused() {
        assert_eq!(decode(b"  \n\t ", false), Err(NotText::Empty));
        assert_eq!(decode(b"\x7fELF\x02\x01\x01\x00\x00\x00", false), Err(NotText::Binary));
    }

    #[test]
    fn escape_sequences_never_survive_decoding() {
        let (t, _) = decode(b"Hello \x1b]0;title\x07world \x9b2J", false).unwrap();
        assert!(super::super::sanitize::is_safe(&t));
        assert!(t.starts_with("Hello world"));
    }
}
