//! The pieces of an HTML5 tokenizer that both the cleaner's HTML reader
//! and the metadata scanner need: start-tag attributes, and character
//! references (`&amp;`, `&#233;`, `&notin;`) decoded as HTML5 decodes them,
//! with html5ever's table of names.

/// HTML's whitespace between attributes.
pub(crate) fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Void elements: no content, no end tag.
pub(crate) fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "param"
            | "keygen"
    )
}

/// Start tags that end an open `<p>` (HTML5's "in body" rules; `li`, `dd`
/// and `dt` end it too, which the readers here do not need).
pub(crate) fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "header"
            | "hgroup"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "section"
            | "summary"
            | "ul"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "pre"
            | "listing"
            | "form"
            | "plaintext"
            | "table"
            | "hr"
    )
}

/// Reads a start tag's attributes from `from` (just after its name) to its
/// `>`, giving `each` every name and raw value (character references left
/// in). Returns where the tag ends and whether it ends with `/>`; `None`
/// when the page ends inside the tag (the HTML5 tokenizer drops such a tag).
pub(crate) fn read_attrs<'a>(html: &'a str, from: usize, mut each: impl FnMut(&'a [u8], &'a str)) -> Option<(usize, bool)> {
    let b = html.as_bytes();
    let n = b.len();
    let mut j = from;
    loop {
        while j < n && is_ws(b[j]) {
            j += 1;
        }
        match *b.get(j)? {
            b'>' => return Some((j + 1, false)),
            b'/' => {
                if b.get(j + 1) == Some(&b'>') {
                    return Some((j + 2, true));
                }
                j += 1;
                continue;
            }
            _ => {}
        }
        let a0 = j;
        j += 1; // a first '=' belongs to the name
        while j < n && !is_ws(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
            j += 1;
        }
        let name = &b[a0..j];
        let mut k = j;
        while k < n && is_ws(b[k]) {
            k += 1;
        }
        let mut value = "";
        if b.get(k) == Some(&b'=') {
            k += 1;
            while k < n && is_ws(b[k]) {
                k += 1;
            }
            match *b.get(k)? {
                q @ (b'"' | b'\'') => {
                    let e = k + 1 + memchr::memchr(q, &b[k + 1..])?;
                    value = &html[k + 1..e];
                    k = e + 1;
                }
                b'>' => {}
                _ => {
                    let v0 = k;
                    while k < n && !is_ws(b[k]) && b[k] != b'>' {
                        k += 1;
                    }
                    value = &html[v0..k];
                }
            }
            j = k;
        }
        each(name, value);
    }
}

/// Appends `s` to `out` with its character references decoded as the
/// HTML5 tokenizer does (named ones by longest match, legacy names
/// without `;`, numeric ones with the Windows-1252 fix-ups). In an
/// attribute value a legacy name followed by `=` or a letter stays as it is.
pub(crate) fn decode_char_refs(s: &str, out: &mut String, attr: bool) {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(o) = memchr::memchr(b'&', &b[i..]) {
        let amp = i + o;
        out.push_str(&s[i..amp]);
        i = amp + 1;
        if b.get(i) == Some(&b'#') {
            let hex = matches!(b.get(i + 1), Some(b'x' | b'X'));
            let start = i + 1 + hex as usize;
            let end = start + b[start..].iter().take_while(|c| if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() }).count();
            if end == start {
                out.push('&');
                continue;
            }
            let v = u32::from_str_radix(&s[start..end.min(start + 8)], if hex { 16 } else { 10 }).unwrap_or(u32::MAX);
            let v = if end - start > 8 { u32::MAX } else { v };
            let c = match v {
                0 => '\u{fffd}',
                0x80..=0x9f => {
                    html5ever::data::C1_REPLACEMENTS[(v - 0x80) as usize].unwrap_or_else(|| char::from_u32(v).unwrap_or('\u{fffd}'))
                }
                _ => char::from_u32(v).unwrap_or('\u{fffd}'),
            };
            out.push(c);
            i = end + (b.get(end) == Some(&b';')) as usize;
            continue;
        }
        // Named: the longest prefix that names a character.
        let mut best = None;
        let mut end = i;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b';') {
            end += 1;
            match html5ever::data::NAMED_ENTITIES.get(&s[i..end]) {
                None => break,
                Some(&(0, _)) => {}
                Some(&v) => best = Some((end, v)),
            }
            if b[end - 1] == b';' {
                break;
            }
        }
        match best {
            Some((e, (c1, c2))) if !(attr && b[e - 1] != b';' && b.get(e).is_some_and(|&x| x == b'=' || x.is_ascii_alphanumeric())) => {
                out.extend(char::from_u32(c1));
                if c2 != 0 {
                    out.extend(char::from_u32(c2));
                }
                i = e;
            }
            _ => out.push('&'),
        }
    }
    out.push_str(&s[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_with_their_quotes_to_the_end_of_the_tag() {
        let read = |tag: &str| {
            let mut seen = Vec::new();
            let end = read_attrs(tag, 0, |n, v| seen.push(format!("{}={v}", String::from_utf8_lossy(n))));
            (seen, end)
        };
        let tag = " class=\"a > b\" data-x='y>z' ID=main =odd hidden/>rest";
        let (seen, end) = read(tag);
        assert_eq!(seen, ["class=a > b", "data-x=y>z", "ID=main", "=odd=", "hidden="]);
        assert_eq!(end, Some((tag.len() - "rest".len(), true)));
        assert_eq!(read(" a = 1 / b>").1, Some((11, false)));
        assert_eq!(read(" class=\"never closed").1, None);
    }

    #[test]
    fn character_references_are_decoded_as_html5_does() {
        let d = |s: &str, attr: bool| {
            let mut o = String::new();
            decode_char_refs(s, &mut o, attr);
            o
        };
        assert_eq!(
            d("a &amp; b &lt;&gt &#233;&#xE9;&#X41; &#150; &#0; &#; &bogus; &notit; &amp", false),
            "a & b <> \u{e9}\u{e9}A \u{2013} \u{fffd} &#; &bogus; \u{ac}it; &"
        );
        assert_eq!(d("x?a=1&copy=2&copy;", true), "x?a=1&copy=2\u{a9}");
        assert_eq!(d("&NotEqualTilde; &#x110000;", false), "\u{2242}\u{338} \u{fffd}");
    }
}
