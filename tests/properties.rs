//! Property tests over arbitrary bytes and arbitrary Unicode for every
//! format reader, the cleaner, the entity extractor, the filter and the
//! sanitiser: no panic, and nothing that could drive a terminal comes out.
//!
//! CI runs the default number of cases per property (PROPTEST_CASES
//! raises it for a longer run).

use byline::core::article::{Document, Format, Meta};
use byline::core::clean::clean;
use byline::core::entities::mentions;
use byline::core::filter::{filter, Query};
use byline::core::formats::parse;
use byline::core::sanitize::{is_safe, sanitize, sanitize_line};
use proptest::prelude::*;

fn meta_is_safe(m: &Meta) -> bool {
    [Some(&m.title), m.source.as_ref(), m.date.as_ref(), m.url.as_ref(), m.author.as_ref()]
        .into_iter()
        .flatten()
        .all(|s| is_safe(s) && !s.contains('\n'))
}

/// Text that looks like what the readers meet: markup, escapes, controls,
/// wide and combining characters, mixed with arbitrary Unicode.
fn articleish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<String>(),
        Just("\u{1b}]52;c;ZXZpbA==\u{7}".to_owned()),
        Just("\u{1b}[2J\u{1b}[H".to_owned()),
        Just("\u{9b}31m\u{202e}".to_owned()),
        Just("# Heading\n".to_owned()),
        Just("[link](http://x)".to_owned()),
        Just("![img](a.png)".to_owned()),
        Just("<p>para</p><div><span>".to_owned()),
        Just("{\"title\":\"t\",\"text\":\"b\"}\n".to_owned()),
        Just("Mr Zuckerberg said $46 billion on 13 March 2014. ".to_owned()),
        Just("漢字テスト 🎉 e\u{301} ".to_owned()),
        Just("\n\n".to_owned()),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

/// Markup that looks like a news page's head and byline: tags, attributes
/// with and without quotes, character references, comments, raw-text
/// elements, cut anywhere, with escapes and wide characters between.
fn htmlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<String>(),
        prop::sample::select(vec![
            "<",
            ">",
            "</",
            "/>",
            "=",
            "\"",
            "'",
            " ",
            "&amp;",
            "&",
            "&#x1b;",
            "&notit;",
            "<!--",
            "-->",
            "<!doctype html>",
            "<title>",
            "</title>",
            "<h1>",
            "</h1>",
            "<h2 ",
            "<p>",
            "<p rel=author>",
            "<a rel='Author'>",
            "</a>",
            "<span itemprop=author>",
            "<b itemprop=\"name\">",
            "</span>",
            "<meta ",
            "name=author ",
            "property=og:title ",
            "content=\"",
            "content=",
            "<link rel=canonical href=",
            "<time datetime=",
            "<time>",
            "</time>",
            "<script>",
            "</script>",
            "<noscript>",
            "<textarea>",
            "<svg><title>",
            "é",
            "漢字",
            "\u{1b}]0;x\u{7}",
        ])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..48).prop_map(|v| v.concat())
}

const NAMES: [&str; 5] = ["a.txt", "a.md", "a.html", "a.jsonl", "noext"];

proptest! {
    #[test]
    fn sanitized_text_is_safe_and_stable(s in articleish()) {
        let once = sanitize(&s).into_owned();
        prop_assert!(is_safe(&once));
        prop_assert_eq!(sanitize(&once).into_owned(), once.clone());
        prop_assert!(is_safe(&sanitize_line(&s)));
    }

    #[test]
    fn readers_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096), which in 0..NAMES.len()) {
        let r = parse(NAMES[which], &bytes);
        for a in &r.articles {
            prop_assert!(meta_is_safe(&a.meta));
            prop_assert!(is_safe(&a.doc.text));
        }
        for p in &r.problems {
            prop_assert!(is_safe(p));
        }
    }

    #[test]
    fn readers_keep_unicode_text_safe(text in articleish(), which in 0..NAMES.len()) {
        let r = parse(NAMES[which], text.as_bytes());
        for a in &r.articles {
            prop_assert!(meta_is_safe(&a.meta));
            prop_assert!(is_safe(&a.doc.text));
        }
    }

    #[test]
    fn html_metadata_is_safe_on_any_markup(page in htmlish()) {
        let r = parse("a.html", page.as_bytes());
        for a in &r.articles {
            prop_assert!(meta_is_safe(&a.meta));
        }
    }

    #[test]
    fn cleaner_output_is_safe_for_every_format(text in articleish(), f in 0..4usize) {
        let format = [Format::Text, Format::Markdown, Format::Html, Format::JsonLines][f];
        // The cleaner receives sanitised documents; it must keep them so.
        let doc = Document { format, text: sanitize(&text).into_owned() };
        let c = clean(&doc, &Meta::default());
        for b in &c.blocks {
            prop_assert!(is_safe(&b.text));
        }
        prop_assert!(is_safe(&c.body_text()));
    }

    #[test]
    fn mentions_have_valid_code_point_spans(text in articleish()) {
        let chars: Vec<char> = text.chars().collect();
        for m in mentions(&text) {
            prop_assert!(m.start < m.end && m.end <= chars.len(), "{:?}", m);
            let slice: String = chars[m.start..m.end].iter().collect();
            prop_assert_eq!(slice, m.text.clone());
        }
    }

    #[test]
    fn filter_returns_each_match_once_best_first(query in "\\PC{0,12}", items in prop::collection::vec(any::<String>(), 0..64)) {
        let m = filter(&query, &items);
        let mut seen = std::collections::HashSet::new();
        for w in m.windows(2) {
            prop_assert!(w[0].score >= w[1].score);
        }
        let q = Query::new(&query);
        for x in &m {
            prop_assert!(x.index < items.len());
            prop_assert!(seen.insert(x.index));
            let n = items[x.index].chars().count();
            prop_assert!(q.positions(&items[x.index]).iter().all(|&p| p < n));
        }
    }
}
