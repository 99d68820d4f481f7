//! The headless command line over the core: `list`, `show`, `clean`,
//! `filter`, `check`. Output goes through one writer so a closed pipe
//! (`byline list | head`) ends the command quietly.

use std::borrow::Cow;
use std::io::{self, BufRead, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use serde::Serialize;

use crate::core::article::Article;
use crate::core::clean::{clean, clean_with, feature_rows, Block, Cleaned, Repeats};
use crate::core::filter::{Filterer, TitleBuf};
use crate::core::library::{Input, Library, Options, Problem};
use crate::core::sanitize::{is_unsafe_char, sanitize_line};

/// A terminal reader for news articles.
///
/// With no command, opens the reader on PATHs (files, directories, or - for
/// standard input), or on the built-in sample library when none is given.
#[derive(Debug, Parser)]
#[command(name = "byline", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Files and directories to read; - reads standard input.
    pub paths: Vec<String>,
    /// Skip files larger than this many MiB.
    #[arg(long, global = true, default_value_t = 64, value_name = "MIB")]
    pub max_size: u64,
    /// Reader: enable the mouse (wheel scrolls, click selects); off by
    /// default so the terminal's text selection keeps working.
    #[arg(long)]
    pub mouse: bool,
    /// Reader: no colours (also when NO_COLOR is set); highlights use
    /// reverse, bold and underline.
    #[arg(long)]
    pub no_color: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// One line per article: id, title, source, date (tab-separated).
    List {
        paths: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// An article as the reading pane shows it: title, metadata, body.
    Show {
        /// The id that `list` prints (or a unique prefix of it), or a file path.
        id: String,
        paths: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// The cleaned body of an article file, paragraphs separated by a blank line.
    Clean {
        file: String,
        /// Print the removed lines with the reason each was removed.
        #[arg(long)]
        explain: bool,
        #[arg(long)]
        json: bool,
        /// Print each unit's model features as JSON lines (for training).
        #[arg(long, hide = true)]
        features: bool,
    },
    /// Fuzzy-filter titles, best first, one per line (like `fzf --filter`).
    Filter {
        query: String,
        /// Filter the lines of FILE (- for standard input) instead of a library.
        #[arg(long, value_name = "FILE")]
        titles: Option<String>,
        paths: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// List every problem in the inputs; exits 1 when there is one.
    Check { paths: Vec<String> },
    /// The entities of an article (kind, name, mentions, spans in the cleaned body).
    Entities {
        /// The id that `list` prints (or a unique prefix of it), or a file path.
        id: String,
        paths: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Tag JSON Lines records {"id","text"} (FILE or - for standard input):
    /// one line {"id","entities":[{"start","end","label","text"}]} per record,
    /// offsets in code points of the text as given.
    Ner {
        #[arg(default_value = "-")]
        file: String,
    },
}

/// Exit codes: 0 ok, 1 problems found, 2 usage or fatal error.
pub const EXIT_PROBLEMS: u8 = 1;
pub const EXIT_FATAL: u8 = 2;

/// Loads the library named by `paths`, or the built-in one. The on-disk
/// index in the user's cache folder is used unless `BYLINE_NO_INDEX` is set.
pub fn load_library(paths: &[String], max_size_mib: u64) -> Library {
    load_library_streaming(paths, max_size_mib, &mut |_, _| ControlFlow::Continue(()))
}

/// [`load_library`], reporting articles in order as they are known.
pub fn load_library_streaming(
    paths: &[String],
    max_size_mib: u64,
    on_batch: &mut dyn FnMut(&Library, std::ops::Range<usize>) -> ControlFlow<()>,
) -> Library {
    if paths.is_empty() {
        return Library::builtin();
    }
    let inputs: Vec<Input> = paths.iter().map(|p| Input::from_arg(p)).collect();
    let opts = Options { max_size: max_size_mib.saturating_mul(1 << 20) };
    let dir = crate::core::index::default_dir().filter(|_| std::env::var_os("BYLINE_NO_INDEX").is_none());
    Library::load_streaming(&inputs, &opts, dir.as_deref(), on_batch)
}

/// A count and a bar on standard error while a command loads or analyses a
/// library, only when standard error is a terminal (never in pipes, files
/// or tests), redrawn at most every 100 ms and erased at the end. When
/// standard output is a terminal too, [`Progress::before_output`] erases
/// the bar before output is written, and a later tick draws it again below.
pub struct Progress {
    on: bool,
    drawn: bool,
    last: Option<std::time::Instant>,
    /// Standard output shares the screen.
    tty_out: bool,
}

impl Progress {
    /// A bar, when standard error is a terminal.
    pub fn new() -> Progress {
        use std::io::IsTerminal;
        Progress { on: io::stderr().is_terminal(), drawn: false, last: None, tty_out: io::stdout().is_terminal() }
    }

    /// Erases the bar if standard output is about to write on the same screen.
    pub fn before_output(&mut self) {
        if self.tty_out {
            self.pause();
        }
    }

    /// `what done/total ▕████    ▏`, drawn if 100 ms went by since the last.
    pub fn tick(&mut self, what: &str, done: usize, total: usize) {
        if !self.on || self.last.is_some_and(|t| t.elapsed() < std::time::Duration::from_millis(100)) {
            return;
        }
        self.last = Some(std::time::Instant::now());
        let line = progress_line(what, done, total);
        let mut err = io::stderr().lock();
        let _ = write!(err, "\r\x1b[K{line}");
        let _ = err.flush();
        self.drawn = true;
    }

    /// Erases the bar (before output, and at the end).
    pub fn pause(&mut self) {
        if self.drawn {
            let mut err = io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
            self.drawn = false;
        }
    }
}

impl Default for Progress {
    fn default() -> Self {
        Progress::new()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.pause();
    }
}

/// `what done/total ▕████    ▏` (20 cells, filled in eighths).
pub fn progress_line(what: &str, done: usize, total: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    const CELLS: usize = 20;
    let eighths = (done.min(total) * CELLS * 8).checked_div(total).unwrap_or(0);
    let bar: String = (0..CELLS)
        .map(|c| {
            let e = eighths.saturating_sub(c * 8).min(8);
            if e == 8 {
                '█'
            } else {
                PARTS[e]
            }
        })
        .collect();
    format!("byline: {what} {done}/{total} ▕{bar}▏")
}

/// [`load_library_streaming`] with a loading bar on standard error (see
/// [`Progress`]); `on_batch` runs with the bar erased.
pub fn load_library_progress(
    paths: &[String],
    max_size_mib: u64,
    progress: &mut Progress,
    on_batch: &mut dyn FnMut(&Library, std::ops::Range<usize>) -> ControlFlow<()>,
) -> Library {
    let lib = load_library_streaming(paths, max_size_mib, &mut |lib, range| {
        progress.before_output();
        let flow = on_batch(lib, range);
        progress.tick("loading files", lib.files_done, lib.files_found);
        flow
    });
    progress.pause();
    lib
}

/// How many problems a command other than `check` prints before it sums
/// up the rest (a folder of 100,000 empty files must not bury the output).
const MAX_REPORTED: usize = 20;

fn report(problems: &[Problem]) {
    let stderr = io::stderr();
    let mut err = stderr.lock();
    for p in problems.iter().take(MAX_REPORTED) {
        let _ = writeln!(err, "byline: {p}");
    }
    if problems.len() > MAX_REPORTED {
        let _ = writeln!(err, "byline: … and {} more problems (`byline check` lists them all)", problems.len() - MAX_REPORTED);
    }
}

fn outcome(problems: &[Problem]) -> u8 {
    report(problems);
    if problems.is_empty() {
        0
    } else {
        EXIT_PROBLEMS
    }
}

#[derive(Serialize)]
struct ShowJson<'a> {
    #[serde(flatten)]
    article: &'a Article,
    blocks: Vec<&'a Block>,
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

/// Runs a parsed command line, writing to `out`. Returns the exit code.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<u8> {
    let max = cli.max_size;
    match cli.command {
        None => {
            use std::io::IsTerminal;
            if io::stdin().is_terminal() && io::stdout().is_terminal() {
                // The reader shows the list as it loads.
                out.flush()?;
                let opts = crate::tui::Options { mouse: cli.mouse, color: crate::tui::want_color(cli.no_color) };
                let paths = cli.paths.clone();
                return crate::tui::run(
                    move |on_batch: &mut dyn FnMut(&Library, std::ops::Range<usize>) -> ControlFlow<()>| {
                        load_library_streaming(&paths, max, on_batch)
                    },
                    opts,
                );
            }
            let lib = load_library_progress(&cli.paths, max, &mut Progress::new(), &mut |_, _| ControlFlow::Continue(()));
            if lib.is_empty() {
                report(&lib.problems);
                bail!("no articles to read");
            }
            crate::cli::print_list(&lib, out, false)?;
            Ok(outcome(&lib.problems))
        }
        Some(Command::List { paths, json }) if !json && !paths.is_empty() => {
            // Each row is printed as soon as it is known, in order.
            let mut failed = None;
            let mut progress = Progress::new();
            let lib = load_library_progress(&paths, max, &mut progress, &mut |lib, range| {
                let result = lib.articles[range].iter().try_for_each(|a| print_row(a, out)).and_then(|_| out.flush());
                match result {
                    Ok(()) => ControlFlow::Continue(()),
                    Err(e) => {
                        failed = Some(e);
                        ControlFlow::Break(())
                    }
                }
            });
            if let Some(e) = failed {
                return Err(e.into());
            }
            Ok(outcome(&lib.problems))
        }
        Some(Command::List { paths, json }) => {
            let lib = load_library_progress(&paths, max, &mut Progress::new(), &mut |_, _| ControlFlow::Continue(()));
            print_list(&lib, out, json)?;
            Ok(outcome(&lib.problems))
        }
        Some(Command::Show { id, paths, json }) => {
            let lib = load_library(&paths, max);
            let (lib, i) = match lib.find(&id) {
                Some(i) => (lib, i),
                None if std::path::Path::new(&id).exists() => {
                    let single = load_library(std::slice::from_ref(&id), max);
                    if single.is_empty() {
                        report(&single.problems);
                        bail!("{}: no article in this file", sanitize_line(&id));
                    }
                    (single, 0)
                }
                None => {
                    report(&lib.problems);
                    bail!("{}: no such article (ids are what `byline list` prints)", sanitize_line(&id));
                }
            };
            let a = &lib.articles[i];
            let cleaned = clean(lib.document(i)?, &a.meta);
            if json {
                serde_json::to_writer_pretty(&mut *out, &ShowJson { article: a, blocks: cleaned.kept().collect() })?;
                writeln!(out)?;
            } else {
                print_article(a, &cleaned, out)?;
            }
            Ok(outcome(&lib.problems))
        }
        Some(Command::Clean { file, explain, json, features }) => {
            let mut progress = Progress::new();
            let lib = load_library_progress(std::slice::from_ref(&file), max, &mut progress, &mut |_, _| ControlFlow::Continue(()));
            let tty_out = {
                use std::io::IsTerminal;
                io::stdout().is_terminal()
            };
            if lib.is_empty() {
                report(&lib.problems);
                bail!("{}: no article to clean", sanitize_line(&file));
            }
            if features {
                for i in 0..lib.len() {
                    for row in feature_rows(lib.document(i)?, &lib.articles[i].meta) {
                        serde_json::to_writer(&mut *out, &row)?;
                        writeln!(out)?;
                    }
                }
                return Ok(outcome(&lib.problems));
            }
            // Lines that recur across the articles of one source.
            let repeats = if lib.len() > 2 {
                let docs = (0..lib.len())
                    .map(|i| {
                        progress.tick("reading articles", i, lib.len());
                        lib.document(i).map(|d| (d, &lib.articles[i].meta))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Repeats::from_library(docs)
            } else {
                Repeats::default()
            };
            for i in 0..lib.len() {
                if lib.len() > 1 {
                    progress.tick("cleaning articles", i, lib.len());
                }
                let cleaned = clean_with(lib.document(i)?, &lib.articles[i].meta, &repeats);
                progress.before_output();
                if i > 0 {
                    writeln!(out)?;
                }
                if json {
                    serde_json::to_writer(&mut *out, &cleaned)?;
                    writeln!(out)?;
                } else if explain {
                    for b in cleaned.removed() {
                        let reason = b.removed.as_ref().map(|r| r.to_string()).unwrap_or_default();
                        writeln!(out, "[{reason}]\t{}", b.text)?;
                    }
                } else {
                    writeln!(out, "{}", cleaned.body_text())?;
                }
                if tty_out {
                    out.flush()?;
                }
            }
            progress.pause();
            Ok(outcome(&lib.problems))
        }
        Some(Command::Filter { query, titles, paths, json }) => {
            let (items, ids, problems): (TitleBuf, Vec<Option<String>>, Vec<Problem>) = match titles {
                Some(file) => {
                    let lines = read_lines(&file)?;
                    let n = lines.len();
                    (lines, vec![None; n], vec![])
                }
                None => {
                    let lib = load_library(&paths, max);
                    let t = lib.articles.iter().map(|a| a.meta.title.as_str()).collect();
                    let ids = lib.articles.iter().map(|a| Some(a.id.clone())).collect();
                    (t, ids, lib.problems)
                }
            };
            let matches = Filterer::from_titles(&items).filter_all(&query);
            if json {
                #[derive(Serialize)]
                struct M<'a> {
                    id: Option<&'a str>,
                    title: &'a str,
                    score: i64,
                }
                let v: Vec<M> =
                    matches.iter().map(|m| M { id: ids[m.index].as_deref(), title: items.get(m.index), score: m.score }).collect();
                serde_json::to_writer_pretty(&mut *out, &v)?;
                writeln!(out)?;
            } else {
                for m in &matches {
                    out.write_all(items.line(m.index).as_bytes())?;
                }
            }
            Ok(outcome(&problems))
        }
        Some(Command::Entities { id, paths, json }) => {
            let (lib, i) = find_article(&id, &paths, max)?;
            let body = clean(lib.document(i)?, &lib.articles[i].meta).body_text();
            let ents = crate::core::entities::entities(&body);
            if json {
                serde_json::to_writer_pretty(&mut *out, &ents)?;
                writeln!(out)?;
            } else {
                for e in &ents {
                    let spans: Vec<String> = e.spans.iter().map(|(a, b)| format!("{a}-{b}")).collect();
                    writeln!(out, "{}\t{}\t{}\t{}", e.kind.label(), e.name, e.count, spans.join(","))?;
                }
            }
            Ok(outcome(&lib.problems))
        }
        Some(Command::Ner { file }) => {
            run_ner(&file, out)?;
            Ok(0)
        }
        Some(Command::Check { paths }) => {
            let lib = load_library_progress(&paths, max, &mut Progress::new(), &mut |_, _| ControlFlow::Continue(()));
            for p in &lib.problems {
                writeln!(out, "{p}")?;
            }
            eprintln!("byline: {} articles, {} problems", lib.len(), lib.problems.len());
            Ok(if lib.problems.is_empty() { 0 } else { EXIT_PROBLEMS })
        }
    }
}

/// The article `id` names in the library of `paths`, or the file `id`.
fn find_article(id: &str, paths: &[String], max: u64) -> Result<(Library, usize)> {
    let lib = load_library_progress(paths, max, &mut Progress::new(), &mut |_, _| ControlFlow::Continue(()));
    if let Some(i) = lib.find(id) {
        return Ok((lib, i));
    }
    if std::path::Path::new(id).exists() {
        let single = load_library(&[id.to_string()], max);
        if single.is_empty() {
            report(&single.problems);
            bail!("{}: no article in this file", sanitize_line(id));
        }
        return Ok((single, 0));
    }
    report(&lib.problems);
    bail!("{}: no such article (ids are what `byline list` prints)", sanitize_line(id))
}

/// `byline ner`: tags each JSON Lines record, no cleaning.
fn run_ner(file: &str, out: &mut dyn Write) -> Result<()> {
    #[derive(serde::Deserialize)]
    struct Rec {
        id: serde_json::Value,
        text: String,
    }
    #[derive(Serialize)]
    struct Pred<'a> {
        id: &'a serde_json::Value,
        entities: Vec<crate::core::entities::Mention>,
    }
    let input: Box<dyn BufRead> = if file == "-" {
        Box::new(io::BufReader::new(io::stdin()))
    } else {
        Box::new(io::BufReader::new(std::fs::File::open(file).with_context(|| format!("{}: cannot read", sanitize_line(file)))?))
    };
    for (n, line) in input.lines().enumerate() {
        let line = line.context("reading the records")?;
        if line.trim().is_empty() {
            continue;
        }
        let rec: Rec = serde_json::from_str(&line).with_context(|| format!("line {}: not a {{\"id\", \"text\"}} record", n + 1))?;
        let entities = crate::core::entities::mentions(&rec.text);
        serde_json::to_writer(&mut *out, &Pred { id: &rec.id, entities })?;
        writeln!(out)?;
    }
    Ok(())
}

/// True when [`sanitize_line`] would return `s` unchanged: no unsafe
/// character, no whitespace but single spaces, none at either end.
fn is_plain_line(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut prev_space = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            if !(0x20..0x7f).contains(&c) || (c == b' ' && prev_space) {
                return false;
            }
            prev_space = c == b' ';
            i += 1;
        } else {
            let ch = s[i..].chars().next().unwrap_or(' ');
            if is_unsafe_char(ch) || ch.is_whitespace() {
                return false;
            }
            prev_space = false;
            i += ch.len_utf8();
        }
    }
    true
}

/// Reads the lines of a file or of standard input, sanitised, into one
/// buffer. Lines that are already clean (nearly all, in a title list) are
/// copied as they are; the rest go through [`sanitize_line`].
fn read_lines(file: &str) -> Result<TitleBuf> {
    let bytes = if file == "-" {
        let mut b = Vec::new();
        io::Read::read_to_end(&mut io::stdin().lock(), &mut b).context("reading standard input")?;
        b
    } else {
        std::fs::read(PathBuf::from(file)).with_context(|| format!("{}: cannot read", sanitize_line(file)))?
    };
    Ok(match String::from_utf8(bytes) {
        Ok(text) => TitleBuf::from_lines(text, |l| if is_plain_line(l) { Cow::Borrowed(l) } else { Cow::Owned(sanitize_line(l)) }),
        Err(e) => {
            let bytes = e.into_bytes();
            let mut lines = TitleBuf::new();
            let body = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
            if !bytes.is_empty() {
                for line in body.split(|&b| b == b'\n') {
                    let line = line.strip_suffix(b"\r").unwrap_or(line);
                    lines.push(&sanitize_line(&String::from_utf8_lossy(line)));
                }
            }
            lines
        }
    })
}

pub fn print_list(lib: &Library, out: &mut dyn Write, json: bool) -> io::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, &lib.articles)?;
        writeln!(out)?;
        return Ok(());
    }
    for a in &lib.articles {
        print_row(a, out)?;
    }
    Ok(())
}

fn print_row(a: &Article, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}\t{}\t{}\t{}", a.id, a.meta.title, opt(&a.meta.source), opt(&a.meta.date))
}

fn print_article(a: &Article, cleaned: &Cleaned, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", a.meta.title)?;
    let line: Vec<&str> = [&a.meta.source, &a.meta.date, &a.meta.author].into_iter().filter_map(|f| f.as_deref()).collect();
    if !line.is_empty() {
        writeln!(out, "{}", line.join(" · "))?;
    }
    if let Some(u) = &a.meta.url {
        writeln!(out, "{u}")?;
    }
    for b in cleaned.kept() {
        writeln!(out)?;
        writeln!(out, "{}", b.text)?;
    }
    Ok(())
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>().and_then(|e| e.io_error_kind()) == Some(io::ErrorKind::BrokenPipe)
    })
}

/// The binary's entry point.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_FATAL } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let result = run(cli, &mut out).and_then(|code| out.flush().map(|_| code).map_err(Into::into));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("byline: {e:#}");
            ExitCode::from(EXIT_FATAL)
        }
    }
}
