//! Cleaner speed, one core: pages per second on the seeds and the
//! hand-made fixtures, and, when the shared corpus is there
//! (`${BYLINE_SHARED:-../shared}/corpus/extraction-dev`), on the dev pages
//! in both forms. Only `clean` is timed: files are read and parsed first.
//!
//!   cargo bench --bench clean

use std::hint::black_box;
use std::path::{Path, PathBuf};

use byline::core::article::{Document, Meta};
use byline::core::clean::clean;
use byline::core::formats::parse;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// The allocator the `byline` binary ships with (src/main.rs): the
/// cleaner allocates a few strings per line, so the system allocator
/// would time something users never run.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn load(paths: &[PathBuf]) -> Vec<(Document, Meta)> {
    paths
        .iter()
        .filter_map(|p| {
            let bytes = std::fs::read(p).ok()?;
            let a = parse(&p.to_string_lossy(), &bytes).articles.into_iter().next()?;
            Some((a.doc, a.meta))
        })
        .collect()
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == ext)).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn bench_set(c: &mut Criterion, name: &str, docs: &[(Document, Meta)]) {
    if docs.is_empty() {
        return;
    }
    let mut g = c.benchmark_group("clean");
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.bench_function(name, |b| {
        b.iter(|| {
            for (d, m) in docs {
                black_box(clean(black_box(d), m));
            }
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("tests/fixtures/clean");
    let mut text = files(&root.join("seeds"), "txt");
    text.push(fixtures.join("article.txt"));
    text.push(fixtures.join("article.md"));
    bench_set(c, "seeds_and_fixtures_text", &load(&text));
    bench_set(c, "fixture_html", &load(&[fixtures.join("article.html")]));
    let shared = std::env::var("BYLINE_SHARED").map(PathBuf::from).unwrap_or_else(|_| root.join("../shared"));
    let dev = shared.join("corpus/extraction-dev");
    let txt = load(&files(&dev, "txt"));
    bench_set(c, "dev_txt", &txt);
    // The text peer in the same run: one plain pass over each dump
    // (lower-case it and count its words), a floor any line cleaner pays.
    if !txt.is_empty() {
        let mut g = c.benchmark_group("reference");
        g.throughput(Throughput::Elements(txt.len() as u64));
        g.bench_function("dev_txt_lowercase_words", |b| {
            b.iter(|| {
                for (d, _) in &txt {
                    black_box(black_box(d.text.as_str()).to_lowercase().split_whitespace().count());
                }
            })
        });
        g.finish();
    }
    let html = load(&files(&dev, "html"));
    bench_set(c, "dev_html", &html);
    // The reference peer in the same run: parsing each page into a DOM
    // once, which any HTML cleaner must do (the machine is shared, so
    // read dev_html as a ratio to this).
    if !html.is_empty() {
        let mut g = c.benchmark_group("reference");
        g.throughput(Throughput::Elements(html.len() as u64));
        g.bench_function("dev_html_parse_only", |b| {
            b.iter(|| {
                for (d, _) in &html {
                    black_box(dom_query::Document::from(black_box(d.text.as_str())));
                }
            })
        });
        g.finish();
    }
}

criterion_group! {
    name = clean_benches;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(clean_benches);
