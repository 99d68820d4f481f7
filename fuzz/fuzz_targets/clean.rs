//! Fuzz the cleaner and the entity extractor on whatever a reader produced.
#![no_main]

use byline::core::sanitize::is_safe;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let name = match data.first().map(|b| b % 3) {
        Some(0) => "a.html",
        Some(1) => "a.md",
        _ => "a.txt",
    };
    let r = byline::core::formats::parse(name, data.get(1..).unwrap_or_default());
    for a in &r.articles {
        let c = byline::core::clean::clean(&a.doc, &a.meta);
        let body = c.body_text();
        assert!(is_safe(&body));
        let n = body.chars().count();
        for m in byline::core::entities::mentions(&body) {
            assert!(m.start < m.end && m.end <= n);
        }
    }
});
