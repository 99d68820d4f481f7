//! The real binary on the seeds, on a fixture library with every kind of bad
//! input, and on articles that carry terminal escape sequences.

mod common;
use common::command;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

fn byline(args: &[&str]) -> Output {
    command().args(args).stdin(Stdio::null()).output().expect("run byline")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 output")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Is any byte that could drive a terminal present (C0 but \n \t, DEL, C1,
/// bidi overrides)?
fn control_bytes(s: &str) -> Vec<char> {
    s.chars().filter(|&c| byline::core::sanitize::is_unsafe_char(c)).collect()
}

#[test]
fn list_shows_the_three_seeds_with_titles_sources_and_dates() {
    let o = byline(&["list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert!(rows.iter().all(|r| r.len() == 4 && r[0].len() == 12));
    assert_eq!(rows[0][1], "Mark Zuckerberg 'confused and frustrated' by US spying");
    assert_eq!(rows[0][2], "BBC News");
    assert_eq!(rows[0][3], "2014-03-13");
    assert_eq!(rows[1][1], "Facebook's Mark Zuckerberg tells Obama that US spying 'confuses and frustrates' him");
    assert_eq!((rows[1][2], rows[1][3]), ("", ""), "the text states no source or date");
    // The breadcrumb "Home Business <title>" is seen through.
    assert_eq!(rows[2][1], "Mark Zuckerberg apologises, admits mistakes over massive breach of Facebook user data");
}

#[test]
fn list_json_is_an_array_with_null_for_absent_fields() {
    let o = byline(&["list", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let a = v.as_array().unwrap();
    assert_eq!(a.len(), 3);
    assert_eq!(a[0]["url"], "http://www.bbc.com/news/technology-26571018");
    assert!(a[1]["date"].is_null());
}

#[test]
fn show_by_id_and_by_path() {
    let list = stdout(&byline(&["list"]));
    let id = list.lines().next().unwrap().split('\t').next().unwrap().to_owned();
    let o = byline(&["show", &id[..6]]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("Mark Zuckerberg 'confused and frustrated' by US spying\nBBC News · 2014-03-13\n"), "{out}");
    assert!(out.contains("The NSA said the report was \"inaccurate\"."));
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/002_bf47328ebf7a828c.txt");
    let o = byline(&["show", seed.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&o).contains("Home Business"));
    let o = byline(&["show", "doesnotexist"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no such article"));
}

#[test]
fn clean_prints_the_body_without_title_or_metadata() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/000_656e23cae80612c7.txt");
    let out = stdout(&byline(&["clean", seed.to_str().unwrap()]));
    assert!(!out.contains("13 March 2014"));
    assert!(!out.contains("BBC News\n"));
    assert!(!out.contains("http://www.bbc.com"));
    assert!(!out.contains("# Mark Zuckerberg"));
    assert!(out.contains("His comments come a day after a report the US National Security Agency"));
    assert!(out.contains("\n\n"), "paragraphs are separated by a blank line");
}

#[test]
fn filter_ranks_titles_and_reads_title_files() {
    let out = stdout(&byline(&["filter", "apologises"]));
    assert_eq!(out.lines().count(), 1);
    assert!(out.starts_with("Mark Zuckerberg apologises"));
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("titles.txt");
    std::fs::write(&f, "ökonomie heute\nweather report\nÖkonomie morgen\n").unwrap();
    let out = stdout(&byline(&["filter", "ÖKONOMIE", "--titles", f.to_str().unwrap()]));
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(!out.contains("weather"));
}

#[test]
fn formats_and_metadata_of_the_fixture_library() {
    let lib = fixtures().join("library");
    let o = byline(&["list", "--json", lib.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let by_title =
        |t: &str| v.as_array().unwrap().iter().find(|a| a["title"] == t).cloned().unwrap_or_else(|| panic!("{t} missing in {v:#}"));
    let md = by_title("Council approves new bridge over the river");
    assert_eq!(md["format"], "markdown");
    assert_eq!(md["date"], "2018-05-02");
    assert_eq!(md["author"], "Sam Lee");
    let html = by_title("Rain returns to the valley");
    assert_eq!(
        (html["source"].as_str(), html["date"].as_str(), html["author"].as_str()),
        (Some("Valley Times"), Some("2021-06-03T08:00:00Z"), Some("Ana Ruiz"))
    );
    let latin = by_title("Café owners in Montréal protest new rules");
    assert_eq!(latin["author"], "Anne Tremblay");
    let j = by_title("Markets rally on rate hopes");
    assert_eq!((j["source"].as_str(), j["date"].as_str(), j["format"].as_str()), (Some("Example News"), Some("2022-01-14"), Some("jsonl")));
    assert_eq!(by_title("Snow closes schools")["date"], "2022-01-10");
    // The broken JSON line is reported with its number; the rest loaded.
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("dump.jsonl: line 2: broken JSON"), "{}", stderr(&o));
}

#[test]
fn bad_input_is_reported_one_line_each_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixtures().join("library/latin1.txt"), d.join("latin1.txt")).unwrap();
    std::fs::write(d.join("good.txt"), "A perfectly good article\n\nWith a body.\n").unwrap();
    std::fs::write(d.join("empty.txt"), "").unwrap();
    std::fs::write(d.join("program"), b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("gone.txt"), d.join("dangling.txt")).unwrap();
    let o = byline(&["list", d.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("Café owners in Montréal"));
    let err = stderr(&o);
    assert!(err.contains("empty.txt: empty file"), "{err}");
    assert!(err.contains("program: binary file"), "{err}");
    #[cfg(unix)]
    assert!(err.contains("dangling.txt: cannot read"), "{err}");
    // check lists the same problems on stdout and exits 1.
    let o = byline(&["check", d.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).lines().count(), if cfg!(unix) { 3 } else { 2 });
    let o = byline(&["check"]);
    assert_eq!(o.status.code(), Some(0), "the built-in library has no problems");
}

#[test]
fn unreadable_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("secret.txt");
    std::fs::write(&f, "Title\nBody\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read(&f).is_ok() {
            // Running as root: permissions do not stop reading. A directory
            // given where a file's bytes are needed is unreadable for all.
            let o = byline(&["clean", dir.path().join("nope").to_str().unwrap()]);
            assert_eq!(o.status.code(), Some(2));
            assert!(stderr(&o).contains("nope: cannot read"));
            return;
        }
    }
    let o = byline(&["list", f.to_str().unwrap()]);
    assert!(stderr(&o).contains("secret.txt: cannot read"), "{}", stderr(&o));
}

#[test]
fn stdin_is_read_with_a_dash() {
    let mut child = command().args(["list", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"Piped title\n\nPiped body.\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(stdout(&o).contains("\tPiped title\t"));
}

#[test]
fn no_control_byte_from_an_article_reaches_the_output() {
    let inj = fixtures().join("injection");
    let files: Vec<PathBuf> = std::fs::read_dir(&inj).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(files.len() >= 4);
    let mut runs =
        vec![vec!["list".to_owned(), inj.display().to_string()], vec!["list".into(), "--json".into(), inj.display().to_string()]];
    for f in &files {
        let f = f.display().to_string();
        runs.push(vec!["show".into(), f.clone()]);
        runs.push(vec!["show".into(), "--json".into(), f.clone()]);
        runs.push(vec!["clean".into(), f.clone()]);
        runs.push(vec!["clean".into(), "--explain".into(), f.clone()]);
        runs.push(vec!["check".into(), f.clone()]);
    }
    runs.push(vec!["filter".into(), "t".into(), inj.display().to_string()]);
    for args in runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = byline(&args);
        let out = stdout(&o);
        let err = stderr(&o);
        assert!(!out.trim().is_empty() || args[0] == "check" || args[1] == "--explain", "{args:?} printed nothing: {err}");
        assert_eq!(control_bytes(&out), Vec::<char>::new(), "{args:?} leaked into stdout: {out:?}");
        assert_eq!(control_bytes(&err), Vec::<char>::new(), "{args:?} leaked into stderr: {err:?}");
    }
}

#[test]
fn broken_pipe_is_not_an_error() {
    let mut child = command()
        .args(["filter", "a", "--titles", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let line = "a title with an a in it\n".repeat(200_000);
        let _ = stdin.write_all(line.as_bytes());
    });
    drop(child.stdout.take()); // the reader of the pipe goes away
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn usage_errors_exit_2_and_help_and_version_exit_0() {
    assert_eq!(byline(&["list", "--nope"]).status.code(), Some(2));
    let h = byline(&["--help"]);
    assert_eq!(h.status.code(), Some(0));
    assert!(stdout(&h).contains("filter"));
    let v = byline(&["--version"]);
    assert!(stdout(&v).starts_with("byline "));
}
