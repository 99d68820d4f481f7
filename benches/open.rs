//! Time to open an article in the reader (selecting it in the list shows
//! it), on the built-in library (three real pages), after the background
//! analysis has gone over the library:
//!
//! - `kept`: its analysis is in memory (within the budget): no work;
//! - `index`: its entities are known (from the on-disk index, or analysed
//!   earlier and let go): the body is cleaned, not tagged again;
//! - `reanalysed` (the reference, what every first open cost before the
//!   background analysis kept its results): cleaned and tagged.
//!
//! Each sample is a fresh reader at 200x60 with article 0 shown; the
//! measured step is `j`, which shows article 1.
//!
//! Run: `cargo bench --bench open`.

use std::sync::Arc;

use byline::core::library::Library;
use byline::core::state::State;
use byline::tui::app::{analyse, summarise};
use byline::tui::{update, Action, App, Options};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

#[derive(Clone, Copy)]
enum Case {
    Kept,
    Index,
    Reanalysed,
}

fn reader(case: Case) -> App {
    let mut app = App::new(Library::builtin(), State::in_memory(), Options { mouse: false, color: true });
    update(&mut app, Action::Resize(200, 60));
    app.effects.clear();
    match case {
        Case::Kept => {
            let batch = (0..app.lib.len()).map(|i| (i, summarise(&app.lib, i))).collect();
            update(&mut app, Action::Analysed(batch));
        }
        Case::Index => {
            // Nothing kept but the open article: the others' entities stay.
            app.analysis_budget = 0;
            let batch = (0..app.lib.len()).map(|i| (i, summarise(&app.lib, i))).collect();
            update(&mut app, Action::Analysed(batch));
        }
        Case::Reanalysed => {}
    }
    app
}

fn open(c: &mut Criterion) {
    let mut g = c.benchmark_group("open");
    g.sample_size(30);
    for (case, label) in [(Case::Kept, "kept"), (Case::Index, "index"), (Case::Reanalysed, "reanalysed")] {
        let probe = reader(case);
        eprintln!("{label}: article 1 in memory before j: {}", probe.is_cached(1));
        g.bench_function(label, |b| {
            b.iter_batched(
                || reader(case),
                |mut app| {
                    update(&mut app, Action::Down);
                    assert_eq!(app.open, Some(1));
                    app
                },
                BatchSize::PerIteration,
            )
        });
    }
    // The core's share of `reanalysed`: clean + tag of article 1 alone.
    let lib = Arc::new(Library::builtin());
    g.bench_function("analyse_only", |b| b.iter(|| analyse(&lib, 1)));
    g.finish();
}

criterion_group!(benches, open);
criterion_main!(benches);
