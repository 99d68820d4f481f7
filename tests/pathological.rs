//! Pathological files through the real binary: each gives a clear message
//! or a bounded, working load, and the rest of the library still loads.

mod common;
use common::command;
use std::path::Path;
use std::process::{Output, Stdio};

fn byline(args: &[&str]) -> Output {
    command().args(args).stdin(Stdio::null()).output().expect("run byline")
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn good(dir: &Path) {
    std::fs::write(dir.join("good.txt"), "A good article title\n\nA paragraph of the good article.\n").unwrap();
}

#[test]
fn a_200_mb_file_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    good(dir.path());
    let big = std::fs::File::create(dir.path().join("huge.txt")).unwrap();
    big.set_len(200 << 20).unwrap(); // sparse: no 200 MB written to disk
    let o = byline(&["list", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("A good article title"));
    assert!(err(&o).contains("huge.txt: file is 200 MiB, over the 64 MiB limit"), "{}", err(&o));
}

#[test]
fn a_single_10_mb_line_loads_and_cleans() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("line.txt");
    let line = "word ".repeat(2 << 20); // 10 MiB, no newline
    std::fs::write(&f, format!("Title of the long one\n{line}")).unwrap();
    let o = byline(&["clean", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(o.stdout.len() > 10_000_000);
}

#[test]
fn deeply_nested_html_neither_overflows_nor_hangs() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("deep.html");
    let depth = 100_000;
    let page = format!(
        "<html><head><title>Deep page</title></head><body>{}<p>Deep text here.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    std::fs::write(&f, page).unwrap();
    let o = byline(&["list", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("Deep page"));
    let o = byline(&["clean", f.to_str().unwrap()]);
    assert!(o.status.code().is_some(), "killed by a signal: {}", err(&o));
    assert!(!err(&o).contains("overflow"), "{}", err(&o));
}

#[test]
fn whitespace_nul_and_empty_files_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    good(dir.path());
    std::fs::write(dir.path().join("blank.txt"), " \n\t\n   \r\n").unwrap();
    std::fs::write(dir.path().join("nul.txt"), b"Title\x00with\x00NULs\x00\n").unwrap();
    std::fs::write(dir.path().join("zero.txt"), b"").unwrap();
    let o = byline(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let report = out(&o);
    assert!(report.contains("blank.txt: empty file"), "{report}");
    assert!(report.contains("nul.txt: binary file"), "{report}");
    assert!(report.contains("zero.txt: empty file"), "{report}");
}

#[test]
fn mixed_encodings_in_one_file_read_correctly() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("mixed.txt");
    let mut bytes = "Zürich und München\n\nEin Absatz in UTF-8: Grüße.\n".as_bytes().to_vec();
    bytes.extend_from_slice(b"Ein Absatz in Latin-1: Gr\xfc\xdfe.\n");
    std::fs::write(&f, bytes).unwrap();
    // Every block, kept or removed: this is about decoding, not cleaning.
    let o = byline(&["clean", "--json", f.to_str().unwrap()]);
    let body = out(&o);
    assert!(body.contains("Ein Absatz in UTF-8: Grüße."), "{body}");
    assert!(body.contains("Ein Absatz in Latin-1: Grüße."), "{body}");
}

#[test]
fn jsonl_with_broken_lines_loads_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("feed.jsonl");
    std::fs::write(&f, "{\"title\":\"One\",\"text\":\"a\"}\n{\"title\":\nnot json at all\n{\"title\":\"Two\",\"text\":\"b\"}\n").unwrap();
    let o = byline(&["list", f.to_str().unwrap()]);
    assert_eq!(out(&o).lines().count(), 2);
    let e = err(&o);
    assert!(e.contains("feed.jsonl: line 2: broken JSON"), "{e}");
    assert!(e.contains("feed.jsonl: line 3: broken JSON"), "{e}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_once_and_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    good(dir.path());
    std::os::unix::fs::symlink(dir.path(), dir.path().join("again")).unwrap();
    std::os::unix::fs::symlink("self.txt", dir.path().join("self.txt")).unwrap();
    let o = byline(&["list", dir.path().to_str().unwrap()]);
    assert_eq!(out(&o).lines().count(), 1);
    let e = err(&o);
    assert!(e.contains("again: symlink loop"), "{e}");
    assert!(e.contains("self.txt: symlink loop"), "{e}");
}

#[test]
fn a_folder_of_100000_empty_files_is_summed_up() {
    let dir = tempfile::tempdir().unwrap();
    good(dir.path());
    let sub = dir.path().join("empties");
    std::fs::create_dir(&sub).unwrap();
    for i in 0..100_000 {
        std::fs::File::create(sub.join(format!("{i:06}.txt"))).unwrap();
    }
    let o = byline(&["list", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(out(&o).lines().count(), 1);
    let e = err(&o);
    assert!(e.lines().count() <= 21, "a wall of messages: {} lines", e.lines().count());
    assert!(e.contains("and 99980 more problems"), "{e}");
    let o = byline(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out(&o).lines().count(), 100_000);
}
