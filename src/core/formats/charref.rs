//! HTML character references (`&amp;`, `&#233;`, `&notin;`), decoded as
//! the HTML5 tokenizer decodes them, with html5ever's table of names: the
//! one piece of an HTML parser that both the cleaner's reader and the
//! metadata scanner need.

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
