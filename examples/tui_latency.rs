//! Keystroke-to-screen latency of the real reader, driven in a
//! pseudo-terminal (portable-pty) and read back with a terminal-screen
//! parser (vt100): for each key of a query typed into the title filter, the
//! time from writing the key to the screen showing the answer for it (the
//! input line echoes it, the list's title shows the query and its exact
//! match count, and "filtering…" is gone).
//!
//! ```sh
//! cargo run --release --example tui_latency -- BYLINE TITLES WORKDIR N[,N...] [QUERY] [ROUNDS]
//! ```
//! For each N, a library of N small text files is made in WORKDIR (once)
//! from the first N lines of TITLES (`gen_library titles`); a first session
//! waits for the background analysis to finish and quits, so that the
//! measured sessions start from the on-disk index (in WORKDIR/cache) with
//! nothing left to analyse. Then ROUNDS times: `/`, the query one key at a
//! time, Esc. Prints one markdown row per N: the median per key position
//! and over all keys; and a row for the filter engine alone, in this
//! process, doing per key what the reader's filter worker does (a
//! reference from the same run). `scripts/bench-tui.sh` runs it.
//!
//! ```sh
//! cargo run --release --example tui_latency -- analysis BYLINE LIBRARY WORKDIR
//! ```
//! Starts the reader on LIBRARY twice, with an empty cache and then with
//! the index the first run left: the time to the first frame with the list,
//! and to the end of the background analysis ("analysing" gone from the
//! status line), and how long quitting took (it writes the analyses back).
//!
//! ```sh
//! cargo run --release --example tui_latency -- start BYLINE[,BYLINE...] LIBRARY WORKDIR [RUNS]
//! ```
//! The reader's start on LIBRARY, cold (empty cache) and then with the
//! index that run left, RUNS times, each binary in turn (e.g. a build from
//! before a change beside the current one): the time to the first frame
//! showing listed articles, and to the whole list (the title counts every
//! article and "loading" is gone). Reference in the same run: the time to
//! the first row of `byline list LIBRARY` (the last binary), cold and
//! with the index. Medians in ms.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use byline::core::filter::{Filterer, TitleBuf};
use byline::core::library::{Input, Library, Options};
use byline::tui::app::FILTER_TOP;
use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

const COLS: u16 = 200;
const ROWS: u16 = 50;
const DEADLINE: Duration = Duration::from_secs(120);

struct Session {
    screen: Arc<Mutex<vt100::Parser>>,
    /// Everything the reader wrote.
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
}

impl Session {
    fn start(bin: &Path, lib: &Path, work: &Path) -> Session {
        Session::start_cache(bin, lib, work, &work.join("cache"))
    }

    fn start_cache(bin: &Path, lib: &Path, work: &Path, cache: &Path) -> Session {
        let pair = native_pty_system().openpty(PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 }).expect("openpty");
        let mut cmd = CommandBuilder::new(bin);
        cmd.arg(lib);
        cmd.env("XDG_STATE_HOME", work.join("state"));
        cmd.env("XDG_CACHE_HOME", cache);
        cmd.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(cmd).expect("spawn byline");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(ROWS).expect("rows"),
            std::num::NonZeroU16::new(COLS).expect("cols"),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (s, r) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().expect("screen").process(&buf[..n]);
                r.lock().expect("raw").extend_from_slice(&buf[..n]);
            }
        });
        Session { screen, raw, writer, child, _master: pair.master }
    }

    fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).expect("write key");
        self.writer.flush().expect("flush key");
    }

    /// Polls the screen until `pred(contents, cursor)` holds; the time it
    /// took, or a panic with the screen at the deadline.
    fn wait(&self, what: &str, deadline: Duration, pred: impl Fn(&str, (u16, u16)) -> bool) -> Duration {
        let start = Instant::now();
        loop {
            {
                let p = self.screen.lock().expect("screen");
                let scr = p.screen();
                if pred(&scr.contents(), scr.cursor_position()) {
                    return start.elapsed();
                }
                if start.elapsed() > deadline {
                    panic!("timed out waiting for {what}; screen:\n{}", scr.contents());
                }
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    }

    /// Sends `q` and waits for the process to end; how long that took.
    fn quit(mut self) -> Duration {
        self.send("q");
        let start = Instant::now();
        while self.child.try_wait().ok().flatten().is_none() {
            if start.elapsed() > DEADLINE {
                let _ = self.child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        start.elapsed()
    }
}

/// A folder of `n` text articles from the first `n` titles (kept between runs).
fn library(titles: &[String], work: &Path, n: usize) -> PathBuf {
    let dir = work.join(format!("lib-{n}"));
    let done = work.join(format!("lib-{n}.done"));
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        for (i, t) in titles.iter().take(n).enumerate() {
            let sub = dir.join(format!("{:03}", i / 1000));
            if i % 1000 == 0 {
                std::fs::create_dir_all(&sub).expect("library folder");
            }
            std::fs::write(sub.join(format!("{i:06}.txt")), format!("{t}\n\nA short report, number {i}, for the benchmark.\n"))
                .expect("article");
        }
        std::fs::write(&done, "").expect("marker");
    }
    dir
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return f64::NAN;
    }
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// The `analysis` mode (see the top of the file).
fn analysis(args: &[String]) {
    let bin = std::path::absolute(&args[0]).expect("path");
    let lib = std::path::absolute(&args[1]).expect("path");
    let work = std::path::absolute(&args[2]).expect("path");
    let cache = work.join("cache-analysis");
    let _ = std::fs::remove_dir_all(&cache);
    println!("| start | first frame with the list (ms) | background analysis done (ms) | quit, analyses written (ms) |");
    println!("|---|---|---|---|");
    for label in ["cold (no index)", "with the index"] {
        let t0 = Instant::now();
        let s = Session::start_cache(&bin, &lib, &work, &cache);
        // The whole first frame: the status line is drawn last.
        s.wait("the list", DEADLINE, |c, _| c.contains("Articles ") && c.contains("q quit"));
        let list = t0.elapsed();
        // Progress shows from the first frame when there is work; let the
        // frame's last bytes arrive before looking.
        std::thread::sleep(Duration::from_millis(300));
        let work_to_do = String::from_utf8_lossy(&s.raw.lock().expect("raw")).contains("analysing ");
        s.wait("the end of the analysis", Duration::from_secs(1800), |c, _| c.contains("q quit") && !c.contains("analysing "));
        let done = if work_to_do { t0.elapsed().as_millis().to_string() } else { "nothing to analyse".into() };
        let quit = s.quit();
        println!("| {label} | {} | {done} | {} |", list.as_millis(), quit.as_millis());
    }
}

/// The number in "Articles N" on the screen (the list's title), if any.
fn listed(screen: &str) -> Option<usize> {
    let at = screen.find("Articles ")? + "Articles ".len();
    let digits: String = screen[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Time to the first line `byline list LIBRARY` prints.
fn list_first_row(bin: &Path, lib: &Path, work: &Path, cache: &Path) -> Duration {
    use std::io::BufRead;
    let t0 = Instant::now();
    let mut child = std::process::Command::new(bin)
        .arg("list")
        .arg(lib)
        .env("XDG_STATE_HOME", work.join("state"))
        .env("XDG_CACHE_HOME", cache)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn byline list");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("first row");
    let took = t0.elapsed();
    assert!(!line.is_empty(), "byline list printed nothing");
    // The rest is not measured; the index is written by the reader runs.
    let _ = child.kill();
    let _ = child.wait();
    took
}

/// The `start` mode (see the top of the file).
fn start(args: &[String]) {
    let bins: Vec<PathBuf> = args[0].split(',').map(|b| std::path::absolute(b).expect("path")).collect();
    let lib = std::path::absolute(&args[1]).expect("path");
    let work = std::path::absolute(&args[2]).expect("path");
    let runs: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(3);
    let total = Library::load(&[Input::Path(lib.clone())], &Options::default()).len();
    // (binary, cold?) → (first frame with the list, whole list)
    let mut figures: Vec<Vec<(Vec<f64>, Vec<f64>)>> = vec![vec![(Vec::new(), Vec::new()); 2]; bins.len()];
    let mut reference: Vec<Vec<f64>> = vec![Vec::new(); 2];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for _ in 0..runs {
        for (b, bin) in bins.iter().enumerate() {
            let cache = work.join(format!("cache-start-{b}"));
            let _ = std::fs::remove_dir_all(&cache);
            for (c, _) in ["cold", "indexed"].iter().enumerate() {
                let t0 = Instant::now();
                let s = Session::start_cache(bin, &lib, &work, &cache);
                s.wait("the first listed articles", DEADLINE, |scr, _| scr.contains("? help") && listed(scr).is_some_and(|n| n > 0));
                let first = t0.elapsed();
                let want = format!("Articles {total}");
                s.wait("the whole list", Duration::from_secs(600), |scr, _| scr.contains(&want) && !scr.contains("loading"));
                let whole = t0.elapsed();
                s.quit();
                figures[b][c].0.push(ms(first));
                figures[b][c].1.push(ms(whole));
            }
        }
        // The reference: the CLI's first row, cold and with the index.
        let bin = bins.last().expect("a binary");
        let cache = work.join("cache-start-list");
        let _ = std::fs::remove_dir_all(&cache);
        reference[0].push(ms(list_first_row(bin, &lib, &work, &cache)));
        // Let the cold `list` run be the one that writes the index: run it
        // whole once, then measure the indexed first row.
        let status = std::process::Command::new(bin)
            .arg("list")
            .arg(&lib)
            .env("XDG_STATE_HOME", work.join("state"))
            .env("XDG_CACHE_HOME", &cache)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("byline list");
        assert!(status.success() || status.code() == Some(1), "byline list failed: {status}");
        reference[1].push(ms(list_first_row(bin, &lib, &work, &cache)));
    }
    println!("{total} articles, {runs} runs, median ms");
    println!("| program | cold: first rows | cold: whole list | indexed: first rows | indexed: whole list |");
    println!("|---|---|---|---|---|");
    for (b, bin) in bins.iter().enumerate() {
        let f = &mut figures[b];
        let (cold, idx) = f.split_at_mut(1);
        println!(
            "| reader {} | {:.0} | {:.0} | {:.0} | {:.0} |",
            bin.display(),
            median(&mut cold[0].0),
            median(&mut cold[0].1),
            median(&mut idx[0].0),
            median(&mut idx[0].1)
        );
    }
    println!("| `byline list` first row (ref) | {:.0} | | {:.0} | |", median(&mut reference[0]), median(&mut reference[1]));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("start") && (4..=5).contains(&args.len()) {
        return start(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("analysis") && args.len() == 4 {
        return analysis(&args[1..]);
    }
    if args.len() < 4 {
        eprintln!("usage: tui_latency BYLINE TITLES WORKDIR N[,N...] [QUERY] [ROUNDS]");
        std::process::exit(2);
    }
    let bin = std::path::absolute(&args[0]).expect("path");
    let titles: Vec<String> =
        std::fs::read_to_string(&args[1]).expect("titles file").lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect();
    let work = std::path::absolute(&args[2]).expect("path");
    std::fs::create_dir_all(&work).expect("work folder");
    let sizes: Vec<usize> = args[3].split(',').map(|n| n.replace('_', "").parse().expect("N")).collect();
    let query = args.get(4).cloned().unwrap_or_else(|| "police cou".into());
    let rounds: usize = args.get(5).and_then(|r| r.parse().ok()).unwrap_or(5);
    let keys: Vec<char> = query.chars().collect();

    println!(
        "| titles | {} | median of all keys | keys measured |",
        (1..=keys.len()).map(|k| k.to_string()).collect::<Vec<_>>().join(" | ")
    );
    println!("|---|{}---|---|", "---|".repeat(keys.len()));
    for &n in &sizes {
        let dir = library(&titles, &work, n);
        // The counts the list's title must show, from the library as byline reads it.
        let lib = Library::load(&[Input::Path(dir.clone())], &Options::default());
        let total = lib.len();
        let listed: Vec<&str> = lib.articles.iter().map(|a| a.meta.title.as_str()).collect();
        let mut engine = Filterer::new(&listed);
        let expected: Vec<String> = (1..=keys.len())
            .map(|k| {
                let prefix: String = keys[..k].iter().collect();
                let q = prefix.trim().to_owned();
                engine.set_query(&q);
                format!("Articles /{q} {}/{total}", engine.count())
            })
            .collect();
        drop(engine);
        // The engine alone, in this process: what the reader's filter
        // worker does per key (set_query, count, top FILTER_TOP).
        let buf: TitleBuf = listed.iter().copied().collect();
        let mut engine = Filterer::from_titles(&buf);
        let mut engine_ms: Vec<Vec<f64>> = vec![Vec::new(); keys.len()];
        for _ in 0..rounds {
            engine.set_query("");
            for k in 1..=keys.len() {
                let prefix: String = keys[..k].iter().collect();
                let t0 = Instant::now();
                engine.set_query(prefix.trim());
                let n = engine.count();
                let top = engine.top(FILTER_TOP);
                std::hint::black_box((n, top));
                engine_ms[k - 1].push(t0.elapsed().as_secs_f64() * 1000.0);
            }
        }
        drop(engine);
        drop(buf);
        drop(listed);
        drop(lib);

        // Warm-up: load, analyse everything, store it in the index, quit.
        let s = Session::start(&bin, &dir, &work);
        s.wait("the list", DEADLINE, |c, _| c.contains(&format!("Articles {total}")) && c.contains("q quit"));
        std::thread::sleep(Duration::from_millis(300));
        s.wait("the background analysis", Duration::from_secs(1800), |c, _| c.contains("q quit") && !c.contains("analysing "));
        s.quit();

        let t0 = Instant::now();
        let mut s = Session::start(&bin, &dir, &work);
        s.wait("the list", DEADLINE, |c, _| c.contains(&format!("Articles {total}")) && c.contains("q quit"));
        let list = t0.elapsed();
        // The stored entity names are read in the background: wait for it.
        std::thread::sleep(Duration::from_millis(300));
        s.wait("the stored analyses", DEADLINE, |c, _| c.contains("q quit") && !c.contains("analysing "));
        eprintln!(
            "{n} titles, with the index: whole list {} ms, stored analyses read {} ms after start",
            list.as_millis(),
            t0.elapsed().as_millis()
        );
        // Let the filter worker fold the titles.
        std::thread::sleep(Duration::from_millis(1500));
        let mut per_key: Vec<Vec<f64>> = vec![Vec::new(); keys.len()];
        for _ in 0..rounds {
            s.send("/");
            let _ = s.wait("the query line", DEADLINE, |_, cur| cur == (ROWS - 1, 1));
            for (k, c) in keys.iter().enumerate() {
                let want = &expected[k];
                let col = 1 + k as u16 + 1;
                let t0 = Instant::now();
                s.send(&c.to_string());
                s.wait(want, DEADLINE, |scr, cur| cur == (ROWS - 1, col) && scr.contains(want.as_str()) && !scr.contains("filtering…"));
                per_key[k].push(t0.elapsed().as_secs_f64() * 1000.0);
            }
            s.send("\x1b");
            let _ = s.wait("the whole list", DEADLINE, |c, _| !c.contains("Articles /"));
            std::thread::sleep(Duration::from_millis(100));
        }
        s.quit();
        let mut all: Vec<f64> = per_key.iter().flatten().copied().collect();
        let cells: Vec<String> = per_key.iter_mut().map(|v| format!("{:.1}", median(v))).collect();
        println!("| {n} | {} | **{:.1}** | {} |", cells.join(" | "), median(&mut all), all.len());
        let mut all: Vec<f64> = engine_ms.iter().flatten().copied().collect();
        let cells: Vec<String> = engine_ms.iter_mut().map(|v| format!("{:.1}", median(v))).collect();
        println!("| {n}, engine alone | {} | **{:.1}** | {} |", cells.join(" | "), median(&mut all), all.len());
    }
}
