//! Instruction counts of cleaning the dev HTML pages against parsing them
//! into a DOM, immune to the load of a shared machine:
//!
//!   cargo build --release --example clean_instr
//!   valgrind --tool=callgrind --toggle-collect='*run_clean*' target/release/examples/clean_instr
//!   valgrind --tool=callgrind --toggle-collect='*run_parse*' target/release/examples/clean_instr
//!
//! (pages from `${BYLINE_SHARED:-../shared}/corpus/extraction-dev`).

use std::hint::black_box;
use std::path::PathBuf;

use byline::core::article::{Document, Meta};
use byline::core::clean::clean;
use byline::core::formats::parse;

#[inline(never)]
fn run_clean(docs: &[(Document, Meta)]) {
    for (d, m) in docs {
        black_box(clean(black_box(d), m));
    }
}

#[inline(never)]
fn run_parse(docs: &[(Document, Meta)]) {
    for (d, _) in docs {
        black_box(dom_query::Document::from(black_box(d.text.as_str())));
    }
}

fn main() {
    let shared = std::env::var("BYLINE_SHARED").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from("../shared"));
    let dev = shared.join("corpus/extraction-dev");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dev)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "html")).collect())
        .unwrap_or_default();
    paths.sort();
    let docs: Vec<(Document, Meta)> = paths
        .iter()
        .filter_map(|p| {
            let a = parse(&p.to_string_lossy(), &std::fs::read(p).ok()?).articles.into_iter().next()?;
            Some((a.doc, a.meta))
        })
        .collect();
    // Once untimed, so one-time set-up (models, matchers) is not counted.
    if let Some((d, m)) = docs.first() {
        black_box(clean(d, m));
    }
    run_clean(&docs);
    run_parse(&docs);
    println!("{} pages", docs.len());
}
