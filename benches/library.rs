//! Library load: a synthetic library of 2,000 article files (from
//! `examples/gen_library.rs`, seed 7), read from scratch (`cold`, no
//! index), with an up-to-date on-disk index (`indexed`), and opening one
//! article's body on first use (`first_document`). Whole-process figures at
//! 10,000 and 100,000 articles are in `scripts/bench.sh`.

use std::ops::ControlFlow;
use std::time::Duration;

use byline::core::library::{Input, Library, Options};
use criterion::{criterion_group, criterion_main, Criterion};

#[path = "../examples/gen_library.rs"]
#[allow(dead_code)]
mod gen_library;

const FILES: usize = 2_000;

fn load(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let lib_dir = dir.path().join("lib");
    gen_library::write_library(&lib_dir, FILES, 7).expect("generate the library");
    let cache = dir.path().join("cache");
    let inputs = [Input::Path(lib_dir)];
    let opts = Options::default();

    let mut g = c.benchmark_group("library_2k");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    g.bench_function("cold", |b| b.iter(|| Library::load(&inputs, &opts).len()));
    Library::load_indexed(&inputs, &opts, &cache);
    g.bench_function("indexed", |b| b.iter(|| Library::load_indexed(&inputs, &opts, &cache).len()));
    g.bench_function("indexed_first_batch", |b| {
        b.iter(|| Library::load_streaming(&inputs, &opts, Some(&cache), &mut |_, _| ControlFlow::Break(())).len())
    });
    let lib = Library::load_indexed(&inputs, &opts, &cache);
    let mut i = 0;
    g.bench_function("first_document", |b| {
        b.iter_batched(
            || {
                i = (i + 1) % lib.len();
                (Library::load_indexed(&inputs, &opts, &cache), i)
            },
            |(fresh, i)| fresh.document(i).map(|d| d.text.len()).unwrap_or(0),
            criterion::BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
