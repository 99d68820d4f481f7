//! Filtering per keystroke while typing a 10-character query, at 100,000
//! and 1,000,000 titles, with the incremental engine ([`Filterer`]).
//!
//! `keystroke_<n>/<k>` is the cost of the k-th keystroke: from the query's
//! first k-1 characters (already on screen) to its first k, including
//! picking the best [`FILTER_TOP`] matches (what the TUI's filter worker
//! answers per keystroke: the list holds them, the total counts all).
//! `keystroke_top50_<n>/<k>` is the same picking only 50 (a screenful).
//! `scratch_<n>/full` is the reference: the whole query filtered from
//! scratch and fully sorted.
//!
//! `keystroke_cpu_<n>/<k>` times the `keystroke_` work in CPU time of the
//! whole process (all threads summed): on a shared machine whose other work
//! stretches wall-clock times, it shows the work itself; with the work split
//! over two cores, the wall time on an idle 2-core machine is about half.
//!
//! Titles come from `examples/gen_library.rs` (seed 42), recombined from
//! `${BYLINE_SHARED:-../shared}/corpus/titles/abc-headlines-74k.txt` when it
//! is there, and long mixed-case titles.

use std::time::{Duration, Instant};

use byline::core::filter::{filter, Filterer};
use byline::tui::app::FILTER_TOP;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

#[path = "../examples/gen_library.rs"]
#[allow(dead_code)]
mod gen_library;

/// The query typed, one character per keystroke.
const QUERY: &str = "police cou";
/// A screenful of rows.
const SCREEN: usize = 50;

fn titles(n: usize) -> Vec<String> {
    let heads = gen_library::headlines().unwrap_or_else(|e| {
        eprintln!("{e}; using generated titles only");
        Vec::new()
    });
    let mut rng = gen_library::Rng::new(42);
    (0..n).map(|_| gen_library::title(&mut rng, &heads)).collect()
}

/// CPU time of the whole process so far (all threads).
#[cfg(unix)]
fn process_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime only writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

#[cfg(not(unix))]
fn process_cpu() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

fn keystrokes(c: &mut Criterion) {
    let prefixes: Vec<&str> = QUERY.char_indices().map(|(i, ch)| &QUERY[..i + ch.len_utf8()]).collect();
    for (n, label) in [(100_000, "100k"), (1_000_000, "1M")] {
        let items = titles(n);
        let mut f = Filterer::new(&items);
        let groups = [("keystroke", false, FILTER_TOP), ("keystroke_cpu", true, FILTER_TOP), ("keystroke_top50", false, SCREEN)];
        for (group, cpu, top) in groups {
            let mut g = c.benchmark_group(format!("{group}_{label}"));
            let time = Duration::from_secs(if n > 100_000 { 4 } else { 2 });
            g.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(time);
            for (k, p) in prefixes.iter().enumerate() {
                let before = if k == 0 { "" } else { prefixes[k - 1] };
                g.bench_with_input(BenchmarkId::from_parameter(k + 1), p, |b, p| {
                    b.iter_custom(|iters| {
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            // Back to the previous query: the engine keeps
                            // its match set, so this costs nothing.
                            f.set_query(before);
                            let (t, c0) = (Instant::now(), process_cpu());
                            f.set_query(p);
                            std::hint::black_box(f.top(top));
                            total += if cpu { process_cpu() - c0 } else { t.elapsed() };
                        }
                        total
                    })
                });
            }
            g.finish();
        }
        let mut g = c.benchmark_group(format!("scratch_{label}"));
        g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
        g.bench_function("full", |b| b.iter(|| std::hint::black_box(filter(QUERY, &items).len())));
        g.finish();
    }
}

criterion_group!(benches, keystrokes);
criterion_main!(benches);
