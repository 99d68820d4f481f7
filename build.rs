//! Compiles the sample articles in `seeds/` into the binary, so that
//! `byline` with no argument shows a real library from any folder.

use std::{env, fs, path::PathBuf};

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("seeds");
    println!("cargo:rerun-if-changed=seeds");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| !n.starts_with('.')).collect())
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("/// (file name, bytes) of each built-in sample article.\npub static SEEDS: &[(&str, &[u8])] = &[\n");
    for n in &names {
        let path = dir.join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        out.push_str(&format!("    ({n:?}, include_bytes!({:?})),\n", path.display().to_string()));
    }
    out.push_str("];\n");
    fs::write(PathBuf::from(env::var("OUT_DIR").unwrap()).join("seeds.rs"), out).unwrap();
    analysis_key();
}

/// The analysis key: an FNV-1a hash of what decides a cleaned body and its
/// entities (the model assets and the code that reads and uses them), so
/// that the on-disk index drops its stored entities when any of it changes.
/// Written to `$OUT_DIR/analysis_key.rs` as `ANALYSIS_KEY`.
fn analysis_key() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let mut files = Vec::new();
    for p in [
        "assets/clean-model.json",
        "assets/clean-stopwords.txt",
        "assets/boilerplate.txt",
        "src/core/decode.rs",
        "src/core/sanitize.rs",
        "src/core/article.rs",
    ] {
        files.push(root.join(p));
    }
    for d in ["assets/ner", "src/core/clean", "src/core/clean/model", "src/core/entities", "src/core/formats"] {
        println!("cargo:rerun-if-changed={}", root.join(d).display());
        let mut names: Vec<PathBuf> =
            fs::read_dir(root.join(d)).map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect()).unwrap_or_default();
        names.sort();
        files.extend(names.into_iter().filter(|p| p.is_file()));
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&root).unwrap_or(f).to_string_lossy().into_owned();
        for b in rel.bytes().chain([0]).chain(fs::read(f).unwrap_or_default()).chain([0]) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    let out = format!("/// Hash of the cleaner's and tagger's assets and code (see build.rs).\npub const ANALYSIS_KEY: u64 = {h:#018x};\n");
    fs::write(PathBuf::from(env::var("OUT_DIR").unwrap()).join("analysis_key.rs"), out).unwrap();
}
