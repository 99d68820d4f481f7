//! Fuzz the jsonl reader: no panic, no hang, and nothing unsafe comes out.
#![no_main]

use byline::core::sanitize::is_safe;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let r = byline::core::formats::parse("a.jsonl", data);
    for a in &r.articles {
        let m = &a.meta;
        assert!(is_safe(&m.title) && is_safe(&a.doc.text));
        for f in [&m.source, &m.date, &m.url, &m.author].into_iter().flatten() {
            assert!(is_safe(f));
        }
    }
    for p in &r.problems {
        assert!(is_safe(p));
    }
});
