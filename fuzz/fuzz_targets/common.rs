//! What every reader target checks: no panic, and nothing that could drive
//! a terminal in any field, body or problem message.

use byline::core::sanitize::is_safe;

pub fn check_reader(name: &str, data: &[u8]) {
    let r = byline::core::formats::parse(name, data);
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
}
