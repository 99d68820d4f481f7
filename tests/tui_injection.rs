//! Terminal injection through the reader: every article of
//! `tests/fixtures/injection/` (plain text, HTML, JSON Lines, raw C1 bytes;
//! escape sequences in titles, bodies, URLs, authors, dates) drawn into
//! TestBackend in every view (list, reader with the removed lines shown,
//! entity panel and overlay, help, the filter), at wide and narrow sizes.
//! Not one cell may hold a control character.

use byline::core::library::{Input, Library, Options as LoadOptions};
use byline::core::state::State;
use byline::tui::app::{summarise, Effect};
use byline::tui::keys::{self, get_action};
use byline::tui::layout::Focus;
use byline::tui::{update, view, Action, App, Options};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn injection_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/injection")
}

/// What must never reach a cell: C0 controls (all of them), DEL, C1
/// controls, and the bidirectional overrides and isolates.
fn is_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The hostile sequences the fixtures carry: every ESC, C1 control (raw
/// byte, UTF-8, or a JSON `\u` escape) and bidi control, counted in the
/// files as written.
fn hostile_sequences() -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(injection_dir()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        // Raw bytes that are not UTF-8 (C1 as single bytes) decode to U+FFFD.
        n += text.chars().filter(|&c| c == '\u{1b}' || c == '\u{FFFD}' || (is_control(c) && !c.is_ascii())).count();
        for esc in ["\\u001b", "\\u009b", "\\u009c", "\\u009d", "\\u0085", "\\u202e", "\\u2066"] {
            n += text.matches(esc).count();
        }
    }
    n
}

fn press(app: &mut App, keys: &str) {
    for ev in keys::parse(keys) {
        if let Some(a) = get_action(app, &ev) {
            update(app, a);
        }
        // The filter worker answers at once (see tests/tui.rs).
        for e in std::mem::take(&mut app.effects) {
            if let Effect::Filter { generation, query } = e {
                let titles: Vec<&str> = app.lib.articles.iter().map(|a| a.meta.title.as_str()).collect();
                let mut f = byline::core::filter::Filterer::new(&titles);
                f.set_query(&query);
                let r = byline::core::filter::FilterResult { generation, query, total: f.count(), top: f.top(100) };
                update(app, Action::Filtered(r));
            }
        }
    }
}

/// Draws the app and fails on any cell holding a control character.
/// Returns the cells checked, and whether a hostile body was on screen
/// (the text around the sequences, which are dropped whole).
fn assert_clean(app: &App, what: &str) -> (usize, bool) {
    let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    t.draw(|f| view::draw(app, f)).unwrap();
    let buf = t.backend().buffer();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let sym = buf[(x, y)].symbol();
            assert!(!sym.chars().any(is_control), "{what}: control character {sym:?} at ({x}, {y}):\n{}", t.backend());
        }
    }
    ((buf.area.width * buf.area.height) as usize, {
        let screen = t.backend().to_string();
        screen.contains("Body") || screen.contains("graph text")
    })
}

#[derive(Default)]
struct Tally {
    views: usize,
    cells: usize,
    /// Views where a hostile body was on screen.
    shown: usize,
}

impl Tally {
    fn check(&mut self, app: &App, what: &str) {
        let (cells, pwned) = assert_clean(app, what);
        self.views += 1;
        self.cells += cells;
        self.shown += usize::from(pwned);
    }
}

#[test]
fn no_control_character_from_an_article_reaches_a_cell() {
    let load = || Library::load(&[Input::Path(injection_dir())], &LoadOptions::default());
    let n = load().len();
    assert!(n >= 4, "every fixture loads: {n} articles, problems {:?}", load().problems);
    let mut t = Tally::default();
    for (w, h) in [(160, 45), (80, 24), (50, 20)] {
        let mut app = App::new(load(), State::in_memory(), Options { mouse: false, color: true });
        update(&mut app, Action::Resize(w, h));
        let batch = (0..n).map(|i| (i, summarise(&app.lib, i))).collect();
        update(&mut app, Action::Analysed(batch));
        for i in 0..n {
            // To the list, its top, then down to article i.
            press(&mut app, "<esc><esc><esc>");
            for _ in 0..3 {
                if app.focus != Focus::List {
                    press(&mut app, "<tab>");
                }
            }
            press(&mut app, &format!("g{}", "j".repeat(i)));
            assert_eq!(app.selected(), Some(i), "every article is visited");
            let at = format!("{w}x{h} article {i}");
            t.check(&app, &format!("{at} list"));
            press(&mut app, "<enter>");
            t.check(&app, &format!("{at} reader"));
            press(&mut app, "x");
            t.check(&app, &format!("{at} reader with removed lines"));
            press(&mut app, "G");
            t.check(&app, &format!("{at} reader end"));
            press(&mut app, "e");
            t.check(&app, &format!("{at} entities toggled"));
            press(&mut app, "e<tab>j");
            t.check(&app, &format!("{at} entity selected"));
            press(&mut app, "?");
            t.check(&app, &format!("{at} help"));
            press(&mut app, "<esc>x<esc><esc><esc>");
            t.check(&app, &format!("{at} back"));
        }
        // The filter, with a query that matches the hostile titles.
        press(&mut app, "<c-p>t");
        t.check(&app, &format!("{w}x{h} filter"));
    }
    assert!(t.shown > t.views / 4, "the hostile bodies are drawn (defused) in many views: {} of {}", t.shown, t.views);
    println!(
        "injection (TestBackend): {} hostile sequences in {n} articles, {} views ({} showing a hostile body), {} cells checked, 0 control characters",
        hostile_sequences(),
        t.views,
        t.shown,
        t.cells
    );
}
