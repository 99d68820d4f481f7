//! Time to open an article in the reader (selecting it in the list shows
//! it), on a library of the three seed pages (22 copies each, so that it
//! gets an on-disk index), after the background analysis went over it:
//!
//! - `kept`: its analysis is in memory (within the budget): no work;
//! - `index`: a second start, its entities stored in the on-disk index:
//!   the body is cleaned, not tagged again;
//! - `reanalysed` (the reference, what every first open cost before the
//!   background analysis kept its results): cleaned and tagged.
//!
//! Each sample is a fresh reader at 200x60 with article 0 shown; the
//! measured step is `j`, which shows article 1 (the second seed page).
//!
//! Run: `cargo bench --bench open`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use byline::core::index;
use byline::core::library::{Input, Library, Options as LoadOptions};
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

/// A folder of 66 files (the three seed pages, 22 times each, so that the
/// library gets an on-disk index), its cache with every analysis stored.
fn library() -> (tempfile::TempDir, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = tempfile::tempdir().expect("temp dir");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut names: Vec<_> = std::fs::read_dir(&seeds).expect("seeds").map(|e| e.expect("entry").path()).collect();
    names.sort();
    for copy in 0..22 {
        for (k, p) in names.iter().enumerate() {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            std::fs::copy(p, dir.path().join(format!("{copy:02}-{k}-{name}"))).expect("copy");
        }
    }
    let lib = Library::load_indexed(&[Input::Path(dir.path().into())], &LoadOptions::default(), cache.path());
    let path = lib.index_path().expect("an index").to_owned();
    let mut app = App::new(lib, State::in_memory(), Options { mouse: false, color: true });
    let batch = (0..app.lib.len()).map(|i| (i, summarise(&app.lib, i))).collect();
    update(&mut app, Action::Analysed(batch));
    let unsaved: HashMap<String, index::CachedAnalysis> = app.take_unsaved();
    index::store_analyses(&path, &unsaved).expect("store");
    (dir, cache)
}

fn reader(case: Case, dir: &Path, cache: &Path) -> App {
    let inputs = [Input::Path(dir.into())];
    let lib = match case {
        Case::Index => Library::load_indexed(&inputs, &LoadOptions::default(), cache),
        _ => Library::load(&inputs, &LoadOptions::default()),
    };
    let mut app = App::new(lib, State::in_memory(), Options { mouse: false, color: true });
    update(&mut app, Action::Resize(200, 60));
    app.effects.clear();
    if let Case::Kept = case {
        let batch = (0..app.lib.len()).map(|i| (i, summarise(&app.lib, i))).collect();
        update(&mut app, Action::Analysed(batch));
    }
    app
}

fn open(c: &mut Criterion) {
    let (dir, cache) = library();
    let mut g = c.benchmark_group("open");
    g.sample_size(30);
    for (case, label) in [(Case::Kept, "kept"), (Case::Index, "index"), (Case::Reanalysed, "reanalysed")] {
        let probe = reader(case, dir.path(), cache.path());
        eprintln!("{label}: article 1 in memory: {}, stored in the index: {}", probe.is_cached(1), probe.lib.has_stored_analysis(1));
        g.bench_function(label, |b| {
            b.iter_batched(
                || reader(case, dir.path(), cache.path()),
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
    let lib = Arc::new(Library::load(&[Input::Path(dir.path().into())], &LoadOptions::default()));
    g.bench_function("analyse_only", |b| b.iter(|| analyse(&lib, 1)));
    g.finish();
}

criterion_group!(benches, open);
criterion_main!(benches);
