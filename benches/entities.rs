//! Entity extraction speed, in tokens per second on one core:
//! `cargo bench --bench entities`. Runs on the seed articles (in the
//! repository) and, when `${BYLINE_SHARED:-../shared}` is there, on the
//! wikigold dev text. The model is loaded before timing starts.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use byline::core::entities::{entities, mentions, tokens::tokenize};

fn seeds() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok().map(|e| e.path())).collect();
    names.sort();
    names.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect::<Vec<_>>().join("\n\n")
}

fn wikigold() -> Option<Vec<String>> {
    let shared = std::env::var("BYLINE_SHARED").unwrap_or_else(|_| "../shared".into());
    let data = std::fs::read_to_string(format!("{shared}/corpus/ner-dev/wikigold.gold.jsonl")).ok()?;
    Some(
        data.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| v["text"].as_str().unwrap_or_default().to_string())
            .collect(),
    )
}

fn bench(c: &mut Criterion) {
    let text = seeds();
    black_box(mentions("warm up: load the model and the name lists once"));
    let mut g = c.benchmark_group("entities");
    g.throughput(Throughput::Elements(tokenize(&text).len() as u64));
    g.bench_function("seeds/mentions", |b| b.iter(|| mentions(black_box(&text))));
    g.bench_function("seeds/entities", |b| b.iter(|| entities(black_box(&text))));
    g.bench_function("seeds/tokenize", |b| b.iter(|| tokenize(black_box(&text))));
    if let Some(docs) = wikigold() {
        let n: usize = docs.iter().map(|d| tokenize(d).len()).sum();
        g.throughput(Throughput::Elements(n as u64));
        g.sample_size(10);
        g.bench_function("wikigold/mentions", |b| b.iter(|| docs.iter().map(|d| mentions(black_box(d)).len()).sum::<usize>()));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
