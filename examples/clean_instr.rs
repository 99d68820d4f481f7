//! Instruction counts of the cleaner against a reference on the same pages,
//! immune to the load of a shared machine. HTML pages (the default) against
//! parsing them into a DOM:
//!
//!   cargo build --release --example clean_instr
//!   valgrind --tool=callgrind --toggle-collect='*run_clean*' target/release/examples/clean_instr
//!   valgrind --tool=callgrind --toggle-collect='*run_parse*' target/release/examples/clean_instr
//!
//! Text dumps (`txt`: the dev `.txt` files, or the `.txt` files of DIR, such
//! as a folder of `scripts/make-dumps.sh`) against lower-casing each dump and
//! counting its words:
//!
//!   valgrind --tool=callgrind --toggle-collect='*run_clean*' target/release/examples/clean_instr txt [DIR]
//!   valgrind --tool=callgrind --toggle-collect='*run_lowercase_words*' target/release/examples/clean_instr txt [DIR]
//!
//! (pages from `${BYLINE_SHARED:-../shared}/corpus/extraction-dev`). Divide
//! the `Ir` total by the page count it prints.

use std::hint::black_box;
use std::path::{Path, PathBuf};

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

/// The text reference of `benches/clean.rs`: one plain pass over each dump.
#[inline(never)]
fn run_lowercase_words(docs: &[(Document, Meta)]) {
    for (d, _) in docs {
        black_box(black_box(d.text.as_str()).to_lowercase().split_whitespace().count());
    }
}

fn load(dir: &Path, ext: &str) -> Vec<(Document, Meta)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == ext)).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| {
            let a = parse(&p.to_string_lossy(), &std::fs::read(p).ok()?).articles.into_iter().next()?;
            Some((a.doc, a.meta))
        })
        .collect()
}

fn main() {
    let shared = std::env::var("BYLINE_SHARED").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from("../shared"));
    let dev = shared.join("corpus/extraction-dev");
    let args: Vec<String> = std::env::args().skip(1).collect();
    let txt = args.first().is_some_and(|a| a == "txt");
    let docs = if txt { load(&args.get(1).map(PathBuf::from).unwrap_or(dev), "txt") } else { load(&dev, "html") };
    // Once untimed, so one-time set-up (models, matchers) is not counted.
    if let Some((d, m)) = docs.first() {
        black_box(clean(d, m));
    }
    run_clean(&docs);
    if txt {
        run_lowercase_words(&docs);
    } else {
        run_parse(&docs);
    }
    println!("{} pages", docs.len());
}
