//! Drawing one frame at 200x60 into ratatui's TestBackend, for a short
//! article (1,000 words: enough to fill the pane, so both frames draw the
//! same number of rows) and for a ~100,000-word one, with the reader open in the middle
//! of it and its wrapped lines already cached (wrapping is `update`'s work,
//! done once per article and width). A frame builds only the visible
//! lines, so both should cost the same; the target is under 2 ms.
//!
//! Run: `cargo bench --bench draw`.

use byline::core::library::{Input, Library, Options as LoadOptions};
use byline::core::state::State;
use byline::tui::{update, view, Action, App, Options};
use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const WORDS: &[&str] = &[
    "the",
    "council",
    "said",
    "on",
    "Tuesday",
    "that",
    "Maria",
    "Okafor",
    "would",
    "lead",
    "a",
    "review",
    "of",
    "ferry",
    "services",
    "in",
    "Bristol",
    "after",
    "storms",
    "closed",
    "harbour",
    "for",
    "three",
    "days",
    "and",
    "residents",
    "complained",
    "about",
    "costs",
    "while",
    "ministers",
    "in",
    "London",
    "promised",
    "funding",
    "next",
    "year",
];

/// A plain-text article of `words` words in paragraphs of 40 to 120 words,
/// deterministic (xorshift from a fixed seed).
fn article(title: &str, words: usize) -> String {
    let mut rng: u64 = 0x5eed_cafe;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut out = format!("{title}\n\n");
    let mut left = words;
    while left > 0 {
        let n = (40 + (next() % 81) as usize).min(left);
        let mut para: Vec<&str> = (0..n).map(|_| WORDS[(next() % WORDS.len() as u64) as usize]).collect();
        para[0] = "The";
        out.push_str(&para.join(" "));
        out.push_str(".\n\n");
        left -= n;
    }
    out
}

/// A reader at 200x60 with the one article open, scrolled to its middle.
fn reader(words: usize) -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("article.txt"), article(&format!("An article of {words} words"), words)).expect("write article");
    let lib = Library::load(&[Input::Path(dir.path().into())], &LoadOptions::default());
    let mut app = App::new(lib, State::in_memory(), Options { mouse: false, color: true });
    update(&mut app, Action::Resize(200, 60));
    update(&mut app, Action::Open);
    app.effects.clear();
    app.scroll = app.max_scroll() / 2;
    (app, dir)
}

fn frames(c: &mut Criterion) {
    // With the entity panel the frames differ in content (a short article
    // has fewer entities than the panel has rows); without it they draw
    // the same cells, so any difference there would come from the length.
    for panel in [true, false] {
        let mut g = c.benchmark_group(if panel { "draw_200x60" } else { "draw_200x60_no_panel" });
        for (words, label) in [(1_000, "short_1k_words"), (100_000, "long_100k_words")] {
            let (mut app, _dir) = reader(words);
            if !panel {
                update(&mut app, Action::ToggleEntities);
            }
            let lines = app.wrapped.lines.len();
            let ents = app.current().map_or(0, |a| a.entities.len());
            eprintln!("{label}: {lines} wrapped lines, scroll {}, {ents} entities, panel {panel}", app.scroll);
            let mut term = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
            g.bench_function(label, |b| {
                b.iter(|| {
                    term.draw(|f| view::draw(&app, f)).expect("draw");
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, frames);
criterion_main!(benches);
