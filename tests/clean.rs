//! The cleaner on the seeds and on small hand-made pages in three forms
//! (plain text, markdown, HTML): boilerplate gone by kind, every article
//! paragraph kept, every removed line explained.

use std::path::{Path, PathBuf};
use std::process::Command;

use byline::core::article::Meta;
use byline::core::clean::{clean, BlockKind, Cleaned};
use byline::core::formats::{parse, strip_inline_markup};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean").join(name)
}

fn seed(prefix: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap()
}

fn clean_file(path: &Path) -> (Cleaned, Meta, String) {
    let bytes = std::fs::read(path).unwrap();
    let parsed = parse(&path.to_string_lossy(), &bytes).articles.remove(0);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    (clean(&parsed.doc, &parsed.meta), parsed.meta, text)
}

fn removed_kinds(c: &Cleaned) -> Vec<String> {
    c.removed().map(|b| b.removed.as_ref().unwrap().kind.to_string()).collect()
}

fn removed_with(c: &Cleaned, kind: &str) -> Vec<String> {
    c.removed().filter(|b| b.removed.as_ref().unwrap().kind == kind).map(|b| b.text.clone()).collect()
}

fn byline(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_byline")).args(args).output().expect("run byline");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Every line of the seed that reads as a paragraph of prose (at least
/// `min` characters, ends a sentence), with its markup reduced.
fn paragraphs(text: &str, min: usize) -> Vec<String> {
    text.lines()
        .map(|l| strip_inline_markup(l.trim()).split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| l.chars().count() >= min && l.trim_end_matches(['"', '\u{201d}', '\'']).ends_with(['.', '?', '!']))
        .collect()
}

#[test]
fn seed_001_loses_its_pitches_and_comment_prompts_and_keeps_every_paragraph() {
    let (c, _, text) = clean_file(&seed("001"));
    let body = c.body_text();
    let kinds = removed_kinds(&c);
    assert!(kinds.iter().filter(|k| *k == "donation").count() >= 4, "{kinds:?}");
    assert!(kinds.iter().any(|k| k == "subscription"));
    assert!(kinds.iter().filter(|k| *k == "comments").count() >= 3);
    for pitch in
        ["Your support", "The Independent is trusted", "dead heat", "Independent Premium", "commenting forum", "Join thought-provoking"]
    {
        assert!(!body.contains(pitch), "{pitch} left in the body");
    }
    assert!(!body.lines().any(|l| l == "Comments"));
    let article: Vec<String> = paragraphs(&text, 40)
        .into_iter()
        .filter(|p| {
            !removed_with(&c, "donation").contains(p)
                && !removed_with(&c, "subscription").contains(p)
                && !removed_with(&c, "comments").contains(p)
        })
        .collect();
    assert!(article.len() >= 12);
    for p in &article {
        assert!(body.contains(p.as_str()), "article paragraph lost: {p}");
    }
    assert!(body.starts_with("The Facebook founder Mark Zuckerberg has telephoned"));
}

#[test]
fn seed_002_loses_its_breadcrumb_and_keeps_every_paragraph() {
    let (c, meta, text) = clean_file(&seed("002"));
    let crumbs = removed_with(&c, "breadcrumb");
    assert_eq!(crumbs.len(), 1);
    assert!(crumbs[0].starts_with("Home Business"));
    let body = c.body_text();
    assert!(!body.contains("Home Business"));
    assert!(!body.lines().any(|l| l == meta.title));
    for p in paragraphs(&text, 80) {
        assert!(body.contains(p.as_str()), "article paragraph lost: {p}");
    }
}

#[test]
fn seed_000_loses_markup_caption_dateline_source_and_url() {
    let (c, _, text) = clean_file(&seed("000"));
    let body = c.body_text();
    for markup in ["[", "](", "**", "<http", "#"] {
        assert!(!body.contains(markup), "markup {markup} left in the body");
    }
    let kinds = removed_kinds(&c);
    for k in ["title", "dateline", "source", "url"] {
        assert!(kinds.iter().any(|x| x == k), "no {k} removed: {kinds:?}");
    }
    assert!(!body.contains("13 March 2014") && !body.contains("BBC News\n") && !body.contains("bbc.com"));
    // The photo caption is kept apart, not in the body.
    let captions: Vec<&str> = c.kept().filter(|b| b.kind == BlockKind::Caption).map(|b| b.text.as_str()).collect();
    assert_eq!(captions, ["Mr Zuckerberg said that the internet needed to be made more secure for users"]);
    assert!(!body.contains("needed to be made more secure"));
    // Link text stays, reduced; the bold lead paragraph stays, unbolded.
    assert!(body.contains("His comments come a day after a report the US National Security Agency"));
    assert!(body.starts_with("Facebook founder Mark Zuckerberg has said he has called President Barack Obama"));
    for p in paragraphs(&text, 60) {
        assert!(body.contains(p.as_str()), "article paragraph lost: {p}");
    }
}

const ARTICLE: [&str; 4] = [
    "The town of Millford opened its first permanent flood barrier on Tuesday",
    "can be raised in under an hour when the river rises, the council's engineer told reporters at the site.",
    "\"We have waited a long time for this,\" said one of them, a retired teacher.",
    "The project cost 14 million pounds, most of it from a national fund, and took three years to build.",
];

const BOILERPLATE: [&str; 9] = [
    "Share this article",
    "Sign up for our newsletter",
    "Your support helps us",
    "Advertisement",
    "Related stories",
    "Council approves river plan",
    "All rights reserved",
    "Published: March 13",
    "Business",
];

fn check_body(form: &str, body: &str) {
    for a in ARTICLE {
        assert!(body.contains(a), "{form}: article text lost: {a}\n{body}");
    }
    for b in BOILERPLATE {
        assert!(!body.contains(b), "{form}: boilerplate kept: {b}\n{body}");
    }
    assert!(!body.contains("Photo: Example Press"), "{form}: the caption is not body text");
}

#[test]
fn the_same_article_cleans_alike_in_all_three_forms() {
    for name in ["article.txt", "article.md", "article.html"] {
        let body = byline(&["clean", fixture(name).to_str().unwrap()]);
        check_body(name, &body);
    }
}

#[test]
fn explain_lists_every_removed_line_with_its_reason_in_all_three_forms() {
    for name in ["article.txt", "article.md", "article.html"] {
        let path = fixture(name);
        let explain = byline(&["clean", "--explain", path.to_str().unwrap()]);
        let lines: Vec<&str> = explain.lines().collect();
        assert!(!lines.is_empty(), "{name}: nothing explained");
        for l in &lines {
            let (reason, text) = l.split_once('\t').unwrap_or_else(|| panic!("{name}: no tab in {l}"));
            assert!(reason.starts_with('[') && reason.ends_with(']') && reason.len() > 2, "{name}: bad reason {reason}");
            assert!(!text.trim().is_empty(), "{name}: empty removed line");
        }
        let find = |needle: &str| {
            lines.iter().find(|l| l.contains(needle)).copied().unwrap_or_else(|| panic!("{name}: {needle} not explained\n{explain}"))
        };
        assert!(find("Sign up for our newsletter").starts_with("[subscription"));
        assert!(find("Published: March 13").starts_with("[dateline"));
        if name != "article.html" {
            // The HTML page has no donation pitch.
            assert!(find("Your support helps us").starts_with("[donation"));
        }
        // The HTML reader sets the page's footer aside before the phrase rules.
        let legal = if name == "article.html" { "[footer" } else { "[legal" };
        assert!(find("All rights reserved").starts_with(legal));
        assert!(find("Council approves river plan").starts_with('['));
        for a in ARTICLE {
            assert!(!explain.contains(a), "{name}: article text explained as removed: {a}");
        }
    }
}

#[test]
fn nothing_is_lost_silently_every_dump_line_is_kept_or_explained() {
    for path in [fixture("article.txt"), fixture("article.md"), seed("000"), seed("001"), seed("002")] {
        let (c, _, text) = clean_file(&path);
        let all: String = c.blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join(" ");
        let words = |s: &str| {
            s.split(|ch: char| !ch.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect::<std::collections::HashSet<_>>()
        };
        let have = words(&all);
        // Every word of the input but URLs is in some block, kept or removed.
        let plain: String = text.split_whitespace().filter(|w| !w.contains("://") && !w.contains("](")).collect::<Vec<_>>().join(" ");
        for w in words(&plain) {
            assert!(have.contains(&w), "{}: the word {w} vanished", path.display());
        }
        assert!(c.removed().all(|b| !b.removed.as_ref().unwrap().to_string().is_empty()));
    }
}

#[test]
fn a_short_article_never_comes_back_empty() {
    for text in ["Rain is expected tomorrow.", "Home\nNews\nThe bridge reopens on Monday.\nShare this article"] {
        let doc = byline::core::article::Document { format: byline::core::article::Format::Text, text: text.into() };
        let c = clean(&doc, &Meta::default());
        assert!(!c.body_text().is_empty(), "empty body for {text:?}");
    }
}

#[test]
fn repeated_lines_across_a_source_are_removed() {
    use byline::core::article::{Document, Format};
    use byline::core::clean::{clean_with, Repeats};
    let meta = Meta { source: Some("Example Press".into()), ..Meta::default() };
    let docs: Vec<Document> = (0..4)
        .map(|i| Document {
            format: Format::Text,
            text: format!("Example Press: reporting from the valley since 1921\nStory {i}: the council met on Tuesday and agreed the budget for next year after a long debate.\nIt will take effect in month {i}, officials said, and will be reviewed in the autumn."),
        })
        .collect();
    let repeats = Repeats::from_library(docs.iter().map(|d| (d, &meta)));
    let c = clean_with(&docs[0], &meta, &repeats);
    assert_eq!(removed_with(&c, "repeated"), ["Example Press: reporting from the valley since 1921"]);
    assert!(c.body_text().contains("Story 0: the council met"));
}

#[test]
fn a_lynx_dump_wrapped_at_80_columns_keeps_whole_paragraphs() {
    // lynx -dump: 80 columns, paragraphs not always parted by a blank
    // line, link references [5] and a reference list of long URLs (which
    // must not hide the wrap width).
    let body = byline(&["clean", fixture("article-lynx.txt").to_str().unwrap()]);
    for a in ARTICLE {
        assert!(body.contains(a), "article text lost or cut at a wrapped line: {a}\n{body}");
    }
    assert!(!body.contains("https://") && !body.contains("[5]"), "{body}");
}

/// `byline clean FILE`, with `var` naming `model` when given.
fn clean_with_model(file: &Path, var: &str, model: Option<&Path>) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_byline"));
    c.arg("clean").arg(file);
    if let Some(m) = model {
        c.env(var, m);
    }
    c.output().unwrap()
}

/// The model override the training script's pipeline cross-validation
/// uses: another model file changes the output, a bad one is refused with
/// the variable's name, and without it the shipped model runs.
#[test]
fn another_line_model_can_be_given_for_cross_validation() {
    let run = |model: Option<&Path>| clean_with_model(&fixture("article.md"), "BYLINE_CLEAN_MODEL", model);
    let shipped = run(None);
    assert!(shipped.status.success());
    let dir = tempfile::tempdir().unwrap();
    // The shipped model with every leaf pushed to "article": lines only
    // the model removed come back.
    let json = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/clean-model.json")).unwrap();
    let mut m: serde_json::Value = serde_json::from_str(&json).unwrap();
    let same = dir.path().join("same.json");
    std::fs::write(&same, m.to_string()).unwrap();
    assert_eq!(run(Some(&same)).stdout, shipped.stdout);
    for t in m["trees"].as_array_mut().unwrap() {
        for v in t["v"].as_array_mut().unwrap() {
            *v = serde_json::json!(1.0);
        }
    }
    let high = dir.path().join("high.json");
    std::fs::write(&high, m.to_string()).unwrap();
    let o = run(Some(&high));
    assert!(o.status.success());
    assert!(o.stdout.len() > shipped.stdout.len(), "a model that scores every line high kept no more");
    let o = run(Some(&dir.path().join("missing.json")));
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("BYLINE_CLEAN_MODEL"));
}

/// The same for the HTML model (`train-clean-html.py --pipeline-cv`).
#[test]
fn another_html_model_can_be_given_for_cross_validation() {
    let run = |model: Option<&Path>| clean_with_model(&fixture("article.html"), "BYLINE_CLEAN_HTML_MODEL", model);
    let shipped = run(None);
    assert!(shipped.status.success());
    let dir = tempfile::tempdir().unwrap();
    let json = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/clean-model-html.json")).unwrap();
    let same = dir.path().join("same.json");
    std::fs::write(&same, &json).unwrap();
    assert_eq!(run(Some(&same)).stdout, shipped.stdout);
    let o = run(Some(&dir.path().join("missing.json")));
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("BYLINE_CLEAN_HTML_MODEL"));
}
