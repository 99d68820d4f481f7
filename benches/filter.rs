//! Filtering per keystroke while typing a 10-character query, at 100,000
//! and 1,000,000 titles, with the incremental engine ([`Filterer`]).
//!
//! `keystroke_<n>/<k>` is the cost of the k-th keystroke: from the query's
//! first k-1 characters (already on screen) to its first k, including
//! picking the 50 rows to show. `scratch_<n>/full` is the reference: the
//! whole query filtered from scratch and fully sorted.
//!
//! Titles come from `examples/gen_library.rs` (seed 42), recombined from
//! `${BYLINE_SHARED:-../shared}/corpus/titles/abc-headlines-74k.txt` when it
//! is there, and long mixed-case titles.

use std::time::{Duration, Instant};

use byline::core::filter::{filter, Filterer};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

#[path = "../examples/gen_library.rs"]
#[allow(dead_code)]
mod gen_library;

/// The query typed, one character per keystroke.
const QUERY: &str = "police cou";
const VISIBLE: usize = 50;

fn titles(n: usize) -> Vec<String> {
    let heads = gen_library::headlines().unwrap_or_else(|e| {
        eprintln!("{e}; using generated titles only");
        Vec::new()
    });
    let mut rng = gen_library::Rng::new(42);
    (0..n).map(|_| gen_library::title(&mut rng, &heads)).collect()
}

fn keystrokes(c: &mut Criterion) {
    let prefixes: Vec<&str> = QUERY.char_indices().map(|(i, ch)| &QUERY[..i + ch.len_utf8()]).collect();
    for (n, label) in [(100_000, "100k"), (1_000_000, "1M")] {
        let items = titles(n);
        let mut f = Filterer::new(&items);
        let mut g = c.benchmark_group(format!("keystroke_{label}"));
        g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(if n > 100_000 { 6 } else { 3 }));
        for (k, p) in prefixes.iter().enumerate() {
            let before = if k == 0 { "" } else { prefixes[k - 1] };
            g.bench_with_input(BenchmarkId::from_parameter(k + 1), p, |b, p| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        // Back to the previous query: the engine keeps its
                        // match set, so this costs nothing.
                        f.set_query(before);
                        let t = Instant::now();
                        f.set_query(p);
                        std::hint::black_box(f.top(VISIBLE));
                        total += t.elapsed();
                    }
                    total
                })
            });
        }
        g.finish();
        let mut g = c.benchmark_group(format!("scratch_{label}"));
        g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
        g.bench_function("full", |b| b.iter(|| std::hint::black_box(filter(QUERY, &items).len())));
        g.finish();
    }
}

criterion_group!(benches, keystrokes);
criterion_main!(benches);
