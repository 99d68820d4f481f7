//! The cleaner in a loop, for a wall-clock profile: cleans the dev `.txt`
//! dumps (or the `.txt` files of DIR) N times with the allocator the binary
//! ships, and prints dumps per second. Hardware counters are not available
//! on every machine, but the kernel's clock sampler is:
//!
//!   cargo build --release --example clean_loop
//!   perf record -e cpu-clock -F 5000 -g target/release/examples/clean_loop 60 [DIR]
//!   perf report --no-children --stdio
//!
//! (callgrind counts instructions exactly but cannot run the AVX-512 walk:
//! valgrind hides AVX-512, so it measures the scalar walk; see
//! `examples/clean_instr.rs`.) Pages from
//! `${BYLINE_SHARED:-../shared}/corpus/extraction-dev`.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use byline::core::clean::clean;
use byline::core::formats::parse;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds: usize = args.first().and_then(|n| n.parse().ok()).unwrap_or(20);
    let shared = std::env::var("BYLINE_SHARED").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from("../shared"));
    let dir = args.get(1).map(PathBuf::from).unwrap_or_else(|| shared.join("corpus/extraction-dev"));
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "txt")).collect())
        .unwrap_or_default();
    paths.sort();
    let docs: Vec<_> = paths
        .iter()
        .filter_map(|p| {
            let a = parse(&p.to_string_lossy(), &std::fs::read(p).ok()?).articles.into_iter().next()?;
            Some((a.doc, a.meta))
        })
        .collect();
    if docs.is_empty() {
        eprintln!("no .txt dumps in {}", dir.display());
        std::process::exit(1);
    }
    let start = Instant::now();
    for _ in 0..rounds {
        for (d, m) in &docs {
            black_box(clean(black_box(d), m));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!("{} dumps x {rounds}: {:.0} dumps/s", docs.len(), (docs.len() * rounds) as f64 / secs);
}
