//! Deterministic synthetic data for byline's benchmarks.
//!
//! ```sh
//! # N article files (text, markdown, HTML, JSON Lines) into DIR
//! cargo run --release --example gen_library -- library DIR N [SEED]
//! # N titles, one per line, recombined from the ABC headlines plus longer
//! # mixed-case titles
//! cargo run --release --example gen_library -- titles FILE N [SEED]
//! ```
//!
//! The same arguments always give the same bytes. Output goes where it is
//! told (a `target/` or `/tmp` folder); nothing generated is committed. The
//! headlines are read from `${BYLINE_SHARED:-../shared}/corpus/titles/`.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// splitmix64: small, fast, and the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.range(0, xs.len() - 1)]
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.range(0, 99) < percent
    }
}

/// Words for bodies and long titles (common English news vocabulary plus a
/// few names with accents, so case folding beyond ASCII is exercised).
const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "was",
    "with",
    "he",
    "she",
    "it",
    "as",
    "at",
    "by",
    "from",
    "they",
    "government",
    "minister",
    "police",
    "council",
    "court",
    "report",
    "market",
    "shares",
    "economy",
    "inflation",
    "election",
    "vote",
    "campaign",
    "health",
    "hospital",
    "school",
    "students",
    "workers",
    "union",
    "strike",
    "weather",
    "storm",
    "flood",
    "fire",
    "drought",
    "farmers",
    "water",
    "energy",
    "climate",
    "emissions",
    "policy",
    "budget",
    "tax",
    "prices",
    "interest",
    "rates",
    "bank",
    "central",
    "investigation",
    "charges",
    "trial",
    "judge",
    "evidence",
    "witness",
    "city",
    "state",
    "federal",
    "national",
    "international",
    "agreement",
    "talks",
    "leaders",
    "summit",
    "security",
    "defence",
    "military",
    "troops",
    "border",
    "refugees",
    "housing",
    "rents",
    "company",
    "profits",
    "losses",
    "jobs",
    "unemployment",
    "growth",
    "recession",
    "exports",
    "imports",
    "trade",
    "tariffs",
    "China",
    "Australia",
    "Sydney",
    "Melbourne",
    "Brisbane",
    "Canberra",
    "Washington",
    "London",
    "Berlin",
    "Paris",
    "Tokyo",
    "Zürich",
    "München",
    "São",
    "Paulo",
    "Kraków",
    "Ökonomie",
    "Société",
    "Générale",
    "Ångström",
    "Dvořák",
    "Łódź",
    "İstanbul",
    "Obama",
    "Merkel",
    "Zuckerberg",
    "Macron",
    "Albanese",
    "Johnson",
    "Smith",
    "Nguyen",
    "García",
    "Müller",
    "announced",
    "said",
    "warned",
    "claimed",
    "denied",
    "confirmed",
    "rejected",
    "approved",
    "launched",
    "opened",
    "closed",
    "raised",
    "cut",
    "increase",
    "decrease",
    "record",
    "highest",
    "lowest",
    "new",
    "old",
    "first",
    "last",
    "major",
    "minor",
    "local",
    "regional",
    "rural",
    "urban",
    "community",
    "public",
    "private",
    "officials",
    "residents",
    "experts",
    "scientists",
    "researchers",
    "doctors",
    "nurses",
    "teachers",
    "parents",
    "children",
    "after",
    "before",
    "during",
    "despite",
    "amid",
    "over",
    "under",
    "between",
    "against",
    "about",
    "more",
    "less",
    "than",
    "would",
    "could",
    "should",
    "will",
    "may",
    "might",
    "has",
    "have",
    "had",
    "been",
    "being",
    "were",
    "not",
    "but",
    "or",
    "if",
    "when",
    "while",
];

const SOURCES: &[&str] = &["The Daily Planet", "ABC News", "Reuters", "Der Spiegel", "Le Monde", "The Guardian", "Süddeutsche Zeitung"];

const BOILERPLATE: &[&str] = &[
    "Subscribe to our newsletter for the latest news.",
    "Share this article on Facebook Twitter Email",
    "Advertisement",
    "Read more: the stories you may have missed",
    "Support independent journalism: donate today.",
    "Comments are closed for this article.",
    "Sign up for our daily briefing",
    "Related stories",
];

/// The ABC headlines, one per line.
pub fn headlines() -> Result<Vec<String>, String> {
    let shared = std::env::var("BYLINE_SHARED").unwrap_or_else(|_| "../shared".into());
    let path = Path::new(&shared).join("corpus/titles/abc-headlines-74k.txt");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e} (set BYLINE_SHARED)", path.display()))?;
    Ok(text.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect())
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A long mixed-case feed title (60-110 characters).
pub fn long_title(rng: &mut Rng) -> String {
    let mut t = String::new();
    if rng.chance(15) {
        t.push_str(rng.pick(&["LIVE: ", "Breaking: ", "Analysis: ", "Opinion: ", "UPDATE - "]));
    }
    let target = rng.range(60, 100);
    while t.len() < target {
        if !t.is_empty() && !t.ends_with(' ') {
            t.push(' ');
        }
        let w = rng.pick(WORDS);
        if rng.chance(55) {
            t.push_str(&capitalise(w));
        } else {
            t.push_str(w);
        }
    }
    if rng.chance(30) {
        t.push_str(" | ");
        t.push_str(rng.pick(SOURCES));
    }
    t
}

/// One title: half recombined headlines (two halves of two real ones), half
/// long mixed-case titles.
pub fn title(rng: &mut Rng, heads: &[String]) -> String {
    if heads.is_empty() || rng.chance(50) {
        return long_title(rng);
    }
    let a: Vec<&str> = heads[rng.range(0, heads.len() - 1)].split_whitespace().collect();
    let b: Vec<&str> = heads[rng.range(0, heads.len() - 1)].split_whitespace().collect();
    let mut words: Vec<&str> = a[..a.len().div_ceil(2)].to_vec();
    words.extend_from_slice(&b[b.len() / 2..]);
    words.join(" ")
}

pub fn write_titles(path: &Path, n: usize, seed: u64) -> std::io::Result<()> {
    let heads = headlines().map_err(std::io::Error::other)?;
    let mut rng = Rng::new(seed);
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    for _ in 0..n {
        writeln!(out, "{}", title(&mut rng, &heads))?;
    }
    out.flush()
}

fn paragraph(rng: &mut Rng, words: usize) -> String {
    let mut p = String::with_capacity(words * 7);
    let mut sentence = 0;
    for i in 0..words {
        let w = rng.pick(WORDS);
        if sentence == 0 {
            p.push_str(&capitalise(w));
        } else {
            p.push_str(w);
        }
        sentence += 1;
        if i + 1 == words || (sentence > 6 && rng.chance(12)) {
            p.push('.');
            sentence = 0;
        }
        if i + 1 < words {
            p.push(' ');
        }
    }
    p
}

fn body(rng: &mut Rng) -> Vec<String> {
    let mut left = rng.range(300, 3000);
    let mut paras = Vec::new();
    while left > 0 {
        let n = rng.range(40, 120).min(left);
        left -= n;
        paras.push(paragraph(rng, n));
        if rng.chance(8) {
            paras.push((rng.pick(BOILERPLATE)).to_owned());
        }
    }
    paras
}

fn date(rng: &mut Rng) -> String {
    format!("{:04}-{:02}-{:02}", rng.range(2003, 2024), rng.range(1, 12), rng.range(1, 28))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('"', "&quot;")
}

/// One file: its extension and bytes.
pub fn article_file(rng: &mut Rng, heads: &[String]) -> (&'static str, String) {
    let title = title(rng, heads);
    let source = rng.pick(SOURCES);
    let date = date(rng);
    let url = format!("https://news.example.com/{}/{}", &date[..4], rng.next_u64() % 1_000_000_007);
    let kind = rng.range(0, 99);
    if kind < 40 {
        let mut s = format!("{title}\n{source} · {date}\n{url}\n\nAdvertisement\n\n");
        for p in body(rng) {
            s.push_str(&p);
            s.push_str("\n\n");
        }
        s.push_str(rng.pick(BOILERPLATE));
        s.push('\n');
        ("txt", s)
    } else if kind < 65 {
        let mut s =
            format!("# {title}\n\n*{source}*, {date}\n\n[Home](https://news.example.com/) | [World](https://news.example.com/world)\n\n");
        for p in body(rng) {
            s.push_str(&p);
            s.push_str("\n\n");
        }
        s.push_str("![photo](https://img.example.com/a.jpg)\n\n");
        s.push_str(rng.pick(BOILERPLATE));
        s.push('\n');
        ("md", s)
    } else if kind < 90 {
        let t = esc(&title);
        let mut s = format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{t} | {source}</title>\n\
             <meta property=\"og:title\" content=\"{t}\">\n<meta property=\"og:site_name\" content=\"{source}\">\n\
             <meta property=\"article:published_time\" content=\"{date}T08:00:00Z\">\n<link rel=\"canonical\" href=\"{url}\">\n\
             <link rel=\"stylesheet\" href=\"/s.css\"><script>window.dataLayer=[];</script></head>\n<body>\n\
             <nav><a href=\"/\">Home</a> <a href=\"/world\">World</a> <a href=\"/sport\">Sport</a></nav>\n<article><h1>{t}</h1>\n"
        );
        for p in body(rng) {
            s.push_str("<p>");
            s.push_str(&esc(&p));
            s.push_str("</p>\n");
        }
        s.push_str("</article>\n<footer><p>");
        s.push_str(rng.pick(BOILERPLATE));
        s.push_str("</p></footer>\n</body></html>\n");
        ("html", s)
    } else {
        let mut s = String::new();
        for r in 0..rng.range(1, 3) {
            let t = if r == 0 { title.clone() } else { self::title(rng, heads) };
            let text = body(rng).join("\n\n");
            let v = serde_json::json!({ "title": t, "source": source, "date": date, "url": url, "text": text });
            s.push_str(&v.to_string());
            s.push('\n');
        }
        ("jsonl", s)
    }
}

/// Writes `n` article files into `dir` (in subfolders of 1,000 files).
pub fn write_library(dir: &Path, n: usize, seed: u64) -> std::io::Result<()> {
    let heads = headlines().unwrap_or_default();
    let mut rng = Rng::new(seed);
    for i in 0..n {
        let sub = dir.join(format!("{:04}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&sub)?;
        }
        let (ext, text) = article_file(&mut rng, &heads);
        std::fs::write(sub.join(format!("{i:07}.{ext}")), text)?;
    }
    Ok(())
}

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_library (library DIR | titles FILE) N [SEED]";
    if args.len() < 3 {
        eprintln!("{usage}");
        std::process::exit(2);
    }
    let n: usize = args[2].replace('_', "").parse().unwrap_or_else(|_| {
        eprintln!("{usage}");
        std::process::exit(2)
    });
    let seed: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(42);
    let target = PathBuf::from(&args[1]);
    let result = match args[0].as_str() {
        "library" => write_library(&target, n, seed),
        "titles" => write_titles(&target, n, seed),
        _ => {
            eprintln!("{usage}");
            std::process::exit(2)
        }
    };
    if let Err(e) = result {
        eprintln!("gen_library: {e}");
        std::process::exit(1);
    }
}
