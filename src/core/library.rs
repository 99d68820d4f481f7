//! The library: discovering files, reading them into articles, and the
//! problems met on the way. Bad input never stops a library from loading:
//! each bad file becomes one [`Problem`] and the rest loads.
//!
//! Loading keeps per article only what the list shows (its metadata, id,
//! origin, size) and where to read it again: bodies stay on disk until
//! [`Library::document`] asks for one. Files are read and parsed on every
//! core, in discovery order. [`Library::load_indexed`] also consults the
//! on-disk [`index`](super::index) and reads only the files that changed.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

use serde::Serialize;

use super::article::{content_hash, Article, Document, Format, Meta};
use super::error::Error;
use super::formats;
use super::index::{self, CachedAnalysis, CachedArticle, FileEntry, Index, Stamp, StoredAnalysis};
use super::sanitize::sanitize_line;

/// Files over this size are not read (they are reported instead).
pub const DEFAULT_MAX_SIZE: u64 = 64 << 20;

/// Extensions that sit beside saved pages and are never articles; a walk
/// skips them quietly. A file named on the command line is always read.
const ASSET_EXTENSIONS: &[&str] =
    &["css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "woff", "woff2", "ttf", "otf", "eot"];

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/seeds.rs"));
}

/// One thing that went wrong while loading: which input, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub origin: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl From<Error> for Problem {
    fn from(e: Error) -> Self {
        let (origin, message) = match &e {
            Error::Io { path, source } => (path.display().to_string(), format!("cannot read: {source}")),
            Error::TooLarge { path, .. } | Error::SymlinkLoop { path } => {
                let full = e.to_string();
                let origin = path.display().to_string();
                let message = full.strip_prefix(&format!("{origin}: ")).unwrap_or(&full).to_owned();
                (origin, message)
            }
            Error::NoSuchArticle { id } => (id.clone(), "no such article".into()),
        };
        Problem { origin: sanitize_line(&origin), message: sanitize_line(&message) }
    }
}

/// Where a library is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Path(PathBuf),
    Stdin,
}

impl Input {
    pub fn from_arg(arg: &str) -> Self {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::Path(PathBuf::from(arg))
        }
    }
}

/// Loading options.
#[derive(Debug, Clone)]
pub struct Options {
    pub max_size: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { max_size: DEFAULT_MAX_SIZE }
    }
}

/// Where an article's body comes from when it is first asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Body {
    /// Loaded with the library (standard input, the built-in library).
    Memory,
    /// Read again from its file, and checked against its content hash.
    File { path: PathBuf, hash: String, line: Option<usize> },
}

/// A loaded library: its articles in input order, and the problems.
#[derive(Debug, Default, Clone)]
pub struct Library {
    pub articles: Vec<Article>,
    bodies: Vec<Body>,
    docs: Vec<OnceLock<Document>>,
    /// Analyses the index held for the articles (this build's only), encoded.
    analyses: Vec<Option<StoredAnalysis>>,
    pub problems: Vec<Problem>,
    max_size: u64,
    /// The index file this library was loaded with, if any.
    index_path: Option<PathBuf>,
    /// Files found by the walk, and files read or taken from the index so
    /// far (for progress while loading).
    pub files_found: usize,
    pub files_done: usize,
}

/// Articles of a library still loading, in final order (see
/// [`Library::part`]).
#[derive(Debug, Clone)]
pub struct Part {
    articles: Vec<Article>,
    bodies: Vec<Body>,
    docs: Vec<OnceLock<Document>>,
    analyses: Vec<Option<StoredAnalysis>>,
    max_size: u64,
    files_found: usize,
    files_done: usize,
    index_path: Option<PathBuf>,
    /// Only in the last part ([`Library::finish`]).
    problems: Vec<Problem>,
}

/// Parts are equal when they hold the same articles (by id and origin,
/// with the same bodies) at the same point of the load.
impl PartialEq for Part {
    fn eq(&self, other: &Self) -> bool {
        let same = |a: &Article, b: &Article| a.id == b.id && a.origin == b.origin;
        self.articles.len() == other.articles.len()
            && self.articles.iter().zip(&other.articles).all(|(a, b)| same(a, b))
            && self.bodies == other.bodies
            && (self.files_found, self.files_done) == (other.files_found, other.files_done)
            && self.problems == other.problems
    }
}

impl Eq for Part {}

impl Part {
    pub fn len(&self) -> usize {
        self.articles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }
}

/// A file found on the walk, with what the index keys it by.
#[derive(Debug, Clone)]
struct Found {
    path: PathBuf,
    size: u64,
    mtime: Stamp,
    /// What the index keys it by: its absolute path's bytes (filled in
    /// after the walk), so that `byline news` and `byline ~/news` (the same folder, typed another way)
    /// share one index.
    key: Vec<u8>,
}

/// What reading one file gave, bodies left out.
type Outcome = Result<FileEntry, Error>;

impl Library {
    /// The built-in sample library, compiled into the binary.
    pub fn builtin() -> Self {
        let mut lib = Library { max_size: DEFAULT_MAX_SIZE, ..Library::default() };
        for (name, bytes) in builtin::SEEDS {
            lib.add_in_memory(&format!("seeds/{name}"), name, bytes);
        }
        lib.dedupe_ids();
        lib
    }

    /// Loads files, directories (recursively) and standard input, reading
    /// every file (no index).
    pub fn load(inputs: &[Input], opts: &Options) -> Self {
        Self::load_streaming(inputs, opts, None, &mut |_, _| ControlFlow::Continue(()))
    }

    /// Like [`Library::load`], with the on-disk index in `cache_dir` (see
    /// [`index::default_dir`]): unchanged files are not read, and the index
    /// is rewritten when anything changed. A cache that cannot be written
    /// only costs speed.
    pub fn load_indexed(inputs: &[Input], opts: &Options, cache_dir: &Path) -> Self {
        Self::load_streaming(inputs, opts, Some(cache_dir), &mut |_, _| ControlFlow::Continue(()))
    }

    /// Loads like [`Library::load_indexed`] (or [`Library::load`] without a
    /// `cache_dir`), calling `on_batch` with the library so far and the
    /// range of articles just added, in their final order, as soon as they
    /// are known: a list can show its first rows long before the last file
    /// is read. Ids are final when reported (a duplicate's suffix depends on
    /// earlier articles only). When `on_batch` breaks, loading stops there
    /// (the library holds what came so far, and the index is left as it was).
    pub fn load_streaming(
        inputs: &[Input],
        opts: &Options,
        cache_dir: Option<&Path>,
        on_batch: &mut dyn FnMut(&Library, std::ops::Range<usize>) -> ControlFlow<()>,
    ) -> Self {
        let mut lib = Library { max_size: opts.max_size, ..Library::default() };
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut files: Vec<Found> = Vec::new();
        // The index is read on another thread while this one walks.
        let paths: Vec<PathBuf> = inputs.iter().filter_map(|i| if let Input::Path(p) = i { Some(p.clone()) } else { None }).collect();
        let mut index = std::thread::scope(|s| {
            let index = cache_dir.map(|dir| s.spawn(|| Index::open(&index::index_path(dir, &paths))));
            for input in inputs {
                match input {
                    Input::Stdin => {
                        let mut bytes = Vec::new();
                        let limit = opts.max_size;
                        match std::io::stdin().lock().take(limit + 1).read_to_end(&mut bytes) {
                            Ok(_) if bytes.len() as u64 > limit => lib.problems.push(Problem::from(Error::TooLarge {
                                path: "<stdin>".into(),
                                size: bytes.len() as u64,
                                limit,
                            })),
                            Ok(_) => lib.add_in_memory("<stdin>", "stdin", &bytes),
                            Err(e) => lib.problems.push(Error::io("<stdin>", e).into()),
                        }
                    }
                    Input::Path(p) => {
                        let before = files.len();
                        discover(p, &mut files, &mut lib.problems);
                        set_keys(p, &mut files[before..]);
                    }
                }
            }
            index.map(|h| h.join().expect("index thread panicked"))
        });
        // A small library loads in moments: it gets no index (and leaves no
        // file in the cache), and an index it outgrew is removed.
        if files.len() < INDEX_MIN_FILES {
            if let Some(ix) = index.take().filter(|ix| ix.opened != index::Opened::Missing) {
                let _ = std::fs::remove_file(ix.path());
            }
        }
        lib.index_path = index.as_ref().map(|ix| ix.path().to_owned());
        lib.files_found = files.len();
        lib.dedupe_from(0, &mut seen);
        if !lib.articles.is_empty() && on_batch(&lib, 0..lib.articles.len()).is_break() {
            return lib;
        }
        // Index hits need no reading: they are listed while the walk order
        // is checked against the index. The rest is read and parsed on every
        // core while this thread puts the results in discovery order.
        let mut slots: Vec<Option<Outcome>> = Vec::with_capacity(files.len());
        // For each file, where its entry is in the index (a hit) or not.
        let mut hit_at: Vec<Option<usize>> = Vec::with_capacity(files.len());
        // Entries of the files read now, for the index.
        let mut fresh: Vec<(usize, FileEntry)> = Vec::new();
        let mut misses: Vec<usize> = Vec::new();
        let mut next = 0;
        let stop = AtomicBool::new(false);
        let keep_fresh = index.is_some();
        let mut drain = |lib: &mut Library,
                         slots: &mut Vec<Option<Outcome>>,
                         hit_at: &[Option<usize>],
                         fresh: &mut Vec<(usize, FileEntry)>,
                         seen: &mut HashMap<String, usize>| {
            let mut start = lib.articles.len();
            while next < slots.len() {
                // Report in runs of a few thousand, so that the first rows
                // show at once even when the whole index is ready.
                if lib.articles.len() - start >= REPORT_EVERY {
                    lib.dedupe_from(start, seen);
                    if on_batch(lib, start..lib.articles.len()).is_break() {
                        stop.store(true, Ordering::Relaxed);
                        return;
                    }
                    start = lib.articles.len();
                }
                let Some(outcome) = slots[next].take() else { break };
                match outcome {
                    Ok(entry) if hit_at[next].is_none() && keep_fresh => {
                        lib.add_entry(&files[next].path, &entry);
                        fresh.push((next, entry));
                    }
                    Ok(entry) => lib.add_entry_owned(&files[next].path, entry),
                    Err(e) => lib.problems.push(e.into()),
                }
                next += 1;
                lib.files_done = next;
            }
            lib.dedupe_from(start, seen);
            if lib.articles.len() > start && on_batch(lib, start..lib.articles.len()).is_break() {
                stop.store(true, Ordering::Relaxed);
            }
        };
        for (i, f) in files.iter().enumerate() {
            let hit = if f.size <= opts.max_size { index.as_mut().and_then(|ix| ix.take(&f.key, f.size, f.mtime)) } else { None };
            match hit {
                Some((at, entry)) => {
                    hit_at.push(Some(at));
                    slots.push(Some(Ok(entry)));
                }
                None => {
                    hit_at.push(None);
                    slots.push(None);
                    misses.push(i);
                }
            }
            if (i + 1) % REPORT_EVERY == 0 {
                drain(&mut lib, &mut slots, &hit_at, &mut fresh, &mut seen);
                if stop.load(Ordering::Relaxed) {
                    break;
                }
            }
        }
        if stop.load(Ordering::Relaxed) {
            return lib;
        }
        drain(&mut lib, &mut slots, &hit_at, &mut fresh, &mut seen);
        if !misses.is_empty() && !stop.load(Ordering::Relaxed) {
            let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(misses.len().div_ceil(BATCH)).max(1);
            let next_batch = AtomicUsize::new(0);
            let (tx, rx) = std::sync::mpsc::channel::<Vec<(usize, Outcome)>>();
            std::thread::scope(|s| {
                for _ in 0..threads {
                    let tx = tx.clone();
                    let (files, misses, next_batch, stop) = (&files, &misses, &next_batch, &stop);
                    s.spawn(move || loop {
                        let lo = next_batch.fetch_add(1, Ordering::Relaxed) * BATCH;
                        if lo >= misses.len() || stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let done =
                            misses[lo..(lo + BATCH).min(misses.len())].iter().map(|&i| (i, load_file(&files[i], opts.max_size))).collect();
                        if tx.send(done).is_err() {
                            return;
                        }
                    });
                }
                drop(tx);
                for batch in rx {
                    for (i, outcome) in batch {
                        slots[i] = Some(outcome);
                    }
                    drain(&mut lib, &mut slots, &hit_at, &mut fresh, &mut seen);
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                }
            });
        }
        let stopped = stop.load(Ordering::Relaxed);
        if let Some(index) = index.filter(|_| !stopped) {
            // Rewrite when a file was read or one the index knew is gone.
            let hits = hit_at.iter().flatten().count();
            if !misses.is_empty() || hits != index.len() {
                let mut original: Vec<Option<FileEntry>> =
                    if hits > 0 { index.original_entries().into_iter().map(Some).collect() } else { vec![] };
                let mut fresh = fresh.into_iter().peekable();
                let mut entries = Vec::with_capacity(files.len());
                for (i, at) in hit_at.iter().enumerate() {
                    if let Some(e) = at.and_then(|at| original.get_mut(at)).and_then(Option::take) {
                        entries.push(e);
                    } else if fresh.peek().is_some_and(|(j, _)| *j == i) {
                        entries.extend(fresh.next().map(|(_, e)| e));
                    }
                }
                let _ = index.save(&entries);
            }
        }
        lib
    }

    /// One file's articles and problems, into the library, moved.
    fn add_entry_owned(&mut self, path: &Path, entry: FileEntry) {
        let origin = sanitize_line(&path.display().to_string());
        for message in entry.problems {
            self.problems.push(Problem { origin: origin.clone(), message });
        }
        for a in entry.articles {
            let line = a.line.map(|l| l as usize);
            self.articles.push(Article {
                id: a.hash[..12.min(a.hash.len())].to_owned(),
                origin: match line {
                    Some(n) => format!("{origin}:{n}"),
                    None => origin.clone(),
                },
                format: a.format(),
                meta: Meta { title: a.title, source: a.source, date: a.date, url: a.url, author: a.author },
                size: a.size as usize,
            });
            self.bodies.push(Body::File { path: path.to_owned(), hash: a.hash, line });
            self.docs.push(OnceLock::new());
            self.analyses.push(a.analysis.filter(StoredAnalysis::is_current));
        }
    }

    /// One file's articles and problems, into the library (copied: the
    /// index keeps its entry).
    fn add_entry(&mut self, path: &Path, entry: &FileEntry) {
        self.add_entry_owned(path, entry.clone());
    }

    /// Articles whose bytes are not in a file: their bodies stay loaded.
    fn add_in_memory(&mut self, origin: &str, name: &str, bytes: &[u8]) {
        let result = formats::parse(name, bytes);
        for msg in result.problems {
            self.problems.push(Problem { origin: sanitize_line(origin), message: msg });
        }
        for p in result.articles {
            let origin = match p.line {
                Some(n) => format!("{}:{n}", sanitize_line(origin)),
                None => sanitize_line(origin),
            };
            self.articles.push(Article { id: p.hash[..12].to_owned(), origin, format: p.format, meta: p.meta, size: p.doc.text.len() });
            self.bodies.push(Body::Memory);
            self.docs.push(OnceLock::from(p.doc));
            self.analyses.push(None);
        }
    }

    /// Makes ids unique: duplicate content gets `-2`, `-3`, ... in order.
    fn dedupe_ids(&mut self) {
        self.dedupe_from(0, &mut HashMap::new());
    }

    /// [`Library::dedupe_ids`] for the articles from `start` on, given the
    /// ids seen before them.
    fn dedupe_from(&mut self, start: usize, seen: &mut HashMap<String, usize>) {
        for a in &mut self.articles[start..] {
            let n = seen.entry(a.id.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                a.id = format!("{}-{}", a.id, n);
            }
        }
    }

    /// The document (body before cleaning) of article `i`. It is read from
    /// disk when first asked for (then kept), so it can fail: the file went
    /// away, or its content is no longer what the library listed.
    pub fn document(&self, i: usize) -> Result<&Document, Error> {
        let cell = self.docs.get(i).ok_or_else(|| Error::NoSuchArticle { id: i.to_string() })?;
        if let Some(d) = cell.get() {
            return Ok(d);
        }
        let doc = match &self.bodies[i] {
            Body::Memory => return Err(Error::NoSuchArticle { id: self.articles[i].id.clone() }),
            Body::File { path, line: Some(_), .. } => return self.reread_records(i, path),
            Body::File { path, hash, line: None } => reread(path, hash, self.max_size)?,
        };
        Ok(cell.get_or_init(|| doc))
    }

    /// [`Library::document`] for a record of a JSON Lines file: one read
    /// and parse of the file gives the documents of all its records in the
    /// library (a file's articles sit together, in file order), so going
    /// through a file of n records costs one parse, not n.
    fn reread_records(&self, i: usize, path: &Path) -> Result<&Document, Error> {
        let same_file = |j: &usize| matches!(&self.bodies[*j], Body::File { path: p, line: Some(_), .. } if p == path);
        let first = (0..i).rev().take_while(same_file).last().unwrap_or(i);
        let end = (i + 1..self.bodies.len()).take_while(same_file).last().map_or(i + 1, |j| j + 1);
        let bytes = read_one(path, self.max_size)?;
        let mut records: HashMap<usize, formats::Parsed> =
            formats::parse(&path.display().to_string(), &bytes).articles.into_iter().filter_map(|p| Some((p.line?, p))).collect();
        for j in first..end {
            let Body::File { hash, line: Some(n), .. } = &self.bodies[j] else { continue };
            // A record whose line changed is left out: asking for it says so.
            if let Some(p) = records.remove(n).filter(|p| &p.hash == hash) {
                let _ = self.docs[j].set(p.doc);
            }
        }
        self.docs[i].get().ok_or_else(|| Error::io(path, std::io::Error::other(CHANGED)))
    }

    /// True when the index held an analysis of article `i` made by this
    /// build (see [`index::ANALYSIS_KEY`]).
    pub fn has_stored_analysis(&self, i: usize) -> bool {
        self.analyses.get(i).is_some_and(Option::is_some)
    }

    /// The analysis the index held for article `i`, decoded.
    pub fn stored_analysis(&self, i: usize) -> Option<CachedAnalysis> {
        self.analyses.get(i)?.as_ref()?.load()
    }

    /// The content hash of article `i`, when its body is in a file (what the
    /// index keys its analysis by).
    pub fn content_hash(&self, i: usize) -> Option<&str> {
        match self.bodies.get(i)? {
            Body::File { hash, .. } => Some(hash),
            Body::Memory => None,
        }
    }

    /// The on-disk index this library was loaded with (none for small
    /// libraries, standard input, or without a cache folder).
    pub fn index_path(&self) -> Option<&Path> {
        self.index_path.as_deref()
    }

    /// True when article `i`'s body is in memory (opened, or never on disk).
    pub fn is_loaded(&self, i: usize) -> bool {
        self.docs.get(i).is_some_and(|c| c.get().is_some())
    }

    /// Finds an article by id, by unique id prefix, or by its origin path.
    pub fn find(&self, key: &str) -> Option<usize> {
        if let Some(i) = self.articles.iter().position(|a| a.id == key) {
            return Some(i);
        }
        let prefixed: Vec<usize> =
            self.articles.iter().enumerate().filter(|(_, a)| key.len() >= 4 && a.id.starts_with(key)).map(|(i, _)| i).collect();
        if prefixed.len() == 1 {
            return Some(prefixed[0]);
        }
        let key_path = Path::new(key);
        self.articles.iter().position(|a| a.origin == key || Path::new(&a.origin) == key_path)
    }

    /// A copy of articles `range` with what opening them needs (bodies,
    /// stored analyses), for a reader that shows a library while
    /// [`Library::load_streaming`] is still loading it (see [`Library::append`]).
    pub fn part(&self, range: std::ops::Range<usize>) -> Part {
        Part {
            articles: self.articles[range.clone()].to_vec(),
            bodies: self.bodies[range.clone()].to_vec(),
            docs: self.docs[range.clone()].to_vec(),
            analyses: self.analyses[range].to_vec(),
            max_size: self.max_size,
            files_found: self.files_found,
            files_done: self.files_done,
            index_path: self.index_path.clone(),
            problems: Vec::new(),
        }
    }

    /// The last [`Part`] of a loaded library, taken out of it: the articles
    /// from `from` on (those not reported yet) and all the problems.
    pub fn finish(&mut self, from: usize) -> Part {
        let from = from.min(self.articles.len());
        Part {
            articles: self.articles.split_off(from),
            bodies: self.bodies.split_off(from),
            docs: self.docs.split_off(from),
            analyses: self.analyses.split_off(from),
            max_size: self.max_size,
            files_found: self.files_found,
            files_done: self.files_done,
            index_path: self.index_path.clone(),
            problems: std::mem::take(&mut self.problems),
        }
    }

    /// Adds a [`Part`] of a library being loaded at the end of this one
    /// (which holds the parts before it), and its loading progress.
    pub fn append(&mut self, part: Part) {
        self.articles.extend(part.articles);
        self.bodies.extend(part.bodies);
        self.docs.extend(part.docs);
        self.analyses.extend(part.analyses);
        self.max_size = part.max_size;
        self.files_found = part.files_found;
        self.files_done = part.files_done;
        self.index_path = part.index_path;
        self.problems.extend(part.problems);
    }

    pub fn len(&self) -> usize {
        self.articles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }
}

/// Sets the index keys of the files found under the input `root`: the
/// absolute root (made absolute once, as [`index::index_path`] does) joined
/// with each file's path below it.
fn set_keys(root: &Path, files: &mut [Found]) {
    let abs = std::path::absolute(root).unwrap_or_else(|_| root.to_owned());
    for f in files {
        f.key = match f.path.strip_prefix(root) {
            Ok(rest) if rest.as_os_str().is_empty() => index::path_key(&abs),
            Ok(rest) => index::path_key(&abs.join(rest)),
            Err(_) => index::path_key(&f.path),
        };
    }
}

/// Walks `path` and appends the files to read. Directories are walked in
/// name order; symlinks are followed unless they lead back into a directory
/// already on the walk; hidden entries are skipped.
fn discover(path: &Path, files: &mut Vec<Found>, problems: &mut Vec<Problem>) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            let e = if e.raw_os_error() == Some(40) { Error::SymlinkLoop { path: path.into() } } else { Error::io(path, e) };
            problems.push(e.into());
            return;
        }
    };
    if meta.is_dir() {
        let before = files.len();
        let before_problems = problems.len();
        let mut visiting = HashSet::new();
        walk(path, &mut visiting, files, problems);
        if files.len() == before && problems.len() == before_problems {
            problems.push(Problem { origin: sanitize_line(&path.display().to_string()), message: "no articles in this directory".into() });
        }
    } else {
        files.push(Found { path: path.to_owned(), size: meta.len(), mtime: Stamp::of(&meta), key: Vec::new() });
    }
}

#[cfg(unix)]
fn dir_key(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn dir_key(_meta: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

fn walk(dir: &Path, visiting: &mut HashSet<(u64, u64)>, files: &mut Vec<Found>, problems: &mut Vec<Problem>) {
    let key = match std::fs::metadata(dir) {
        Ok(m) => dir_key(&m),
        Err(e) => return problems.push(Error::io(dir, e).into()),
    };
    if !visiting.insert(key) {
        return problems.push(Error::SymlinkLoop { path: dir.into() }.into());
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            visiting.remove(&key);
            return problems.push(Error::io(dir, e).into());
        }
    };
    // Sorting by name is sorting by path within one folder, and cheaper.
    let mut entries: Vec<(std::ffi::OsString, std::fs::DirEntry)> = entries.filter_map(|e| e.ok().map(|e| (e.file_name(), e))).collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let entries: Vec<(std::ffi::OsString, std::fs::DirEntry)> =
        entries.into_iter().filter(|(n, _)| !n.to_string_lossy().starts_with('.')).collect();
    // The entry's own metadata (no path lookup) unless it is a symlink,
    // which is followed; a large folder is stat'ed on two threads.
    let stat = |entry: &std::fs::DirEntry| match entry.file_type() {
        Ok(t) if !t.is_symlink() => entry.metadata(),
        _ => std::fs::metadata(entry.path()),
    };
    let metas: Vec<std::io::Result<std::fs::Metadata>> = if entries.len() >= 512 {
        let mid = entries.len() / 2;
        std::thread::scope(|s| {
            let second = s.spawn(|| entries[mid..].iter().map(|(_, e)| stat(e)).collect::<Vec<_>>());
            let mut first: Vec<_> = entries[..mid].iter().map(|(_, e)| stat(e)).collect();
            first.extend(second.join().expect("stat thread panicked"));
            first
        })
    } else {
        entries.iter().map(|(_, e)| stat(e)).collect()
    };
    for ((name, entry), meta) in entries.into_iter().zip(metas) {
        let name = name.to_string_lossy();
        let p = entry.path();
        match meta {
            Ok(m) if m.is_dir() => walk(&p, visiting, files, problems),
            Ok(m) => {
                let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
                if !ASSET_EXTENSIONS.contains(&ext.as_str()) {
                    files.push(Found { path: p, size: m.len(), mtime: Stamp::of(&m), key: Vec::new() });
                }
            }
            Err(e) if e.raw_os_error() == Some(40) => problems.push(Error::SymlinkLoop { path: p }.into()),
            Err(e) => problems.push(Error::io(&p, e).into()),
        }
    }
    visiting.remove(&key);
}

fn read_one(path: &Path, max: u64) -> Result<Vec<u8>, Error> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let size = f.metadata().map_err(|e| Error::io(path, e))?.len();
    if size > max {
        return Err(Error::TooLarge { path: path.into(), size, limit: max });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    f.take(max + 1).read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > max {
        return Err(Error::TooLarge { path: path.into(), size: bytes.len() as u64, limit: max });
    }
    Ok(bytes)
}

/// Reads and parses one file, keeping what the list shows.
fn load_file(found: &Found, max: u64) -> Outcome {
    let bytes = read_one(&found.path, max)?;
    let name = found.path.display().to_string();
    let (articles, problems) = match quick_parse(&name, &bytes) {
        Some(a) => (vec![a], vec![]),
        None => {
            let result = formats::parse(&name, &bytes);
            (result.articles.into_iter().map(listed).collect(), result.problems)
        }
    };
    Ok(FileEntry { path: found.key.clone(), size: found.size, mtime: found.mtime, articles, problems })
}

fn listed(p: formats::Parsed) -> CachedArticle {
    CachedArticle {
        format: CachedArticle::format_code(p.format),
        size: p.doc.text.len() as u64,
        title: p.meta.title,
        source: p.meta.source,
        date: p.meta.date,
        url: p.meta.url,
        author: p.meta.author,
        hash: p.hash,
        line: p.line.map(|l| l as u64),
        analysis: None,
    }
}

/// What [`formats::parse`] gives for a text, markdown or HTML file, without
/// copying or scanning the body more than once, when the file is clean
/// UTF-8: no BOM, no carriage return, nothing [`sanitize`] would remove. The
/// decoded text is then the bytes themselves, so the body size is the file
/// size, and a text dump's metadata comes from its head lines alone (all
/// that `text_meta` reads). Anything else (other encodings, JSON Lines,
/// unsafe characters) returns `None`, and the file goes the full way.
///
/// [`sanitize`]: super::sanitize::sanitize
fn quick_parse(name: &str, bytes: &[u8]) -> Option<CachedArticle> {
    let format = formats::detect(name, bytes);
    if format == Format::JsonLines || bytes.starts_with(b"\xef\xbb\xbf") || bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff")
    {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    if text.trim().is_empty() || !is_clean(bytes) {
        return None;
    }
    let meta = match format {
        Format::Html => formats::html_meta(text),
        _ => formats::text_meta(head_lines(text, TEXT_META_LINES)),
    };
    Some(CachedArticle {
        format: CachedArticle::format_code(format),
        size: text.len() as u64,
        title: meta.title,
        source: meta.source,
        date: meta.date,
        url: meta.url,
        author: meta.author,
        hash: content_hash(bytes),
        line: None,
        analysis: None,
    })
}

/// `text_meta` reads at most this many lines (its HEAD_LINES * 4); more
/// are passed to stay clear of the limit.
const TEXT_META_LINES: usize = 400;

/// The first `n` lines of `text` (each with its newline).
fn head_lines(text: &str, n: usize) -> &str {
    match memchr::memchr_iter(b'\n', text.as_bytes()).nth(n.saturating_sub(1)) {
        Some(i) => &text[..=i],
        None => text,
    }
}

/// True when valid UTF-8 `bytes` hold no character that decoding would
/// change or sanitising would drop: C0 controls but newline and tab (so no
/// carriage return or escape), DEL, C1 controls (U+0080-U+009F), and the
/// bidirectional marks, embeddings, overrides and isolates (U+200E, U+200F,
/// U+202A-U+202E, U+2066-U+2069). Eight bytes at a time while they are all
/// printable ASCII.
fn is_clean(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let byte_ok = |i: usize| -> bool {
        let b = bytes[i];
        let next = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
        match b {
            b'\n' | b'\t' => true,
            0..=0x1f | 0x7f => false,
            // Valid UTF-8: 0xC2 and 0xE2 here are lead bytes.
            0xc2 => !(0x80..=0x9f).contains(&next(1)),
            0xe2 => !matches!((next(1), next(2)), (0x80, 0x8e | 0x8f | 0xaa..=0xae) | (0x81, 0xa6..=0xa9)),
            _ => true,
        }
    };
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let w = u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap_or([0; 8]));
        // Some byte below 0x20, or above 0x7e: look at each.
        let low = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let high = (w.wrapping_add(ONES) | w) & HIGH;
        if (low | high) != 0 && !(i..i + 8).all(byte_ok) {
            return false;
        }
        i += 8;
    }
    (i..bytes.len()).all(byte_ok)
}

/// Libraries of fewer files than this get no on-disk index.
pub const INDEX_MIN_FILES: usize = 64;

/// Articles reported at most at a time by [`Library::load_streaming`].
const REPORT_EVERY: usize = 2048;

/// Files handed to a thread at a time.
const BATCH: usize = 64;

/// Reads an article's body again, and checks it is the article listed.
fn reread(path: &Path, hash: &str, max: u64) -> Result<Document, Error> {
    let bytes = read_one(path, max)?;
    let result = formats::parse(&path.display().to_string(), &bytes);
    result.articles.into_iter().find(|p| p.hash == hash).map(|p| p.doc).ok_or_else(|| Error::io(path, std::io::Error::other(CHANGED)))
}

const CHANGED: &str = "the file changed since the library was loaded";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_library_has_the_seeds() {
        let lib = Library::builtin();
        assert!(lib.len() >= 3);
        assert!(lib.articles.iter().all(|a| !a.meta.title.is_empty()));
        assert!(lib.problems.is_empty(), "{:?}", lib.problems);
    }

    #[test]
    fn bad_files_are_reported_and_good_ones_load() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("good.txt"), "A good title\nA body paragraph.\n").unwrap();
        std::fs::write(dir.path().join("empty.txt"), "").unwrap();
        std::fs::write(dir.path().join("blob.dat"), b"\x00\x01\x02\x03").unwrap();
        std::fs::write(dir.path().join("big.txt"), vec![b'a'; 2048]).unwrap();
        let lib = Library::load(&[Input::Path(dir.path().into())], &Options { max_size: 1024 });
        assert_eq!(lib.len(), 1);
        assert_eq!(lib.articles[0].meta.title, "A good title");
        let msgs: Vec<String> = lib.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("blob.dat") && m.contains("binary")));
        assert!(msgs.iter().any(|m| m.contains("empty.txt") && m.contains("empty")));
        assert!(msgs.iter().any(|m| m.contains("big.txt") && m.contains("limit")));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("a.txt"), "Title A\nBody.\n").unwrap();
        std::os::unix::fs::symlink(dir.path(), sub.join("loop")).unwrap();
        let lib = Library::load(&[Input::Path(dir.path().into())], &Options::default());
        assert_eq!(lib.len(), 1);
        assert!(lib.problems.iter().any(|p| p.message.contains("symlink loop")), "{:?}", lib.problems);
    }

    #[test]
    fn missing_path_and_empty_directory() {
        let dir = tempfile::tempdir().unwrap();
        let lib = Library::load(&[Input::Path(dir.path().join("nope")), Input::Path(dir.path().into())], &Options::default());
        assert_eq!(lib.problems.len(), 2, "{:?}", lib.problems);
        assert!(lib.problems[0].message.contains("cannot read"));
        assert!(lib.problems[1].message.contains("no articles"));
    }

    #[test]
    fn duplicate_content_gets_distinct_ids_and_find_works() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "Same title\nSame body.\n").unwrap();
        std::fs::write(dir.path().join("b.txt"), "Same title\nSame body.\n").unwrap();
        let lib = Library::load(&[Input::Path(dir.path().into())], &Options::default());
        assert_eq!(lib.len(), 2);
        assert_ne!(lib.articles[0].id, lib.articles[1].id);
        assert_eq!(lib.find(&lib.articles[1].id), Some(1));
        assert_eq!(lib.find(&lib.articles[1].origin), Some(1));
    }

    /// A folder of `n` small articles (mixed formats) and some bad files,
    /// spread over subfolders so the walk order is not the creation order.
    fn many(dir: &Path, n: usize) {
        for i in 0..n {
            let sub = dir.join(format!("d{}", i % 7));
            std::fs::create_dir_all(&sub).unwrap();
            let name = format!("{i:05}");
            match i % 4 {
                0 => std::fs::write(sub.join(format!("{name}.txt")), format!("Plain title {i}\nBody of article {i}.\n")),
                1 => std::fs::write(sub.join(format!("{name}.md")), format!("# Markdown title {i}\n\nBody of article {i}.\n")),
                2 => std::fs::write(
                    sub.join(format!("{name}.html")),
                    format!("<html><head><title>Page title {i}</title></head><body><p>Body of article {i}.</p></body></html>"),
                ),
                _ => std::fs::write(
                    sub.join(format!("{name}.jsonl")),
                    format!("{{\"title\": \"Record title {i}a\", \"text\": \"Body {i}a.\"}}\n{{\"title\": \"Record title {i}b\", \"text\": \"Body {i}b.\"}}\n"),
                ),
            }
            .unwrap();
            if i % 50 == 0 {
                std::fs::write(sub.join(format!("{name}-empty.txt")), "").unwrap();
            }
        }
    }

    /// The reference: every file read one after another in walk order.
    fn serial_titles(dir: &Path) -> (Vec<String>, Vec<String>) {
        let mut files = Vec::new();
        let mut problems = Vec::new();
        discover(dir, &mut files, &mut problems);
        let mut titles = Vec::new();
        for f in &files {
            let bytes = std::fs::read(&f.path).unwrap();
            let r = formats::parse(&f.path.display().to_string(), &bytes);
            titles.extend(r.articles.into_iter().map(|p| p.meta.title));
            problems.extend(r.problems.into_iter().map(|m| Problem { origin: f.path.display().to_string(), message: m }));
        }
        (titles, problems.into_iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn parallel_load_keeps_discovery_order_and_reports_problems() {
        let dir = tempfile::tempdir().unwrap();
        many(dir.path(), 600);
        let lib = Library::load(&[Input::Path(dir.path().into())], &Options::default());
        let (titles, problems) = serial_titles(dir.path());
        assert_eq!(lib.articles.iter().map(|a| a.meta.title.clone()).collect::<Vec<_>>(), titles);
        assert_eq!(lib.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>(), problems);
        assert_eq!(lib.problems.len(), 12);
        assert!(lib.problems.iter().all(|p| p.message.contains("empty")));
        // JSON Lines records carry their line in the origin.
        assert!(lib.articles.iter().any(|a| a.origin.ends_with(".jsonl:2") && a.meta.title.ends_with('b')));
    }

    #[test]
    fn bodies_are_read_when_first_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        many(dir.path(), 8);
        let lib = Library::load(&[Input::Path(dir.path().into())], &Options::default());
        assert!((0..lib.len()).all(|i| !lib.is_loaded(i)), "no body is loaded with the list");
        let i = lib.articles.iter().position(|a| a.meta.title == "Record title 3b").unwrap();
        let doc = lib.document(i).unwrap();
        assert!(doc.text.contains("Body 3b."), "{:?}", doc.text);
        assert!(lib.is_loaded(i));
        assert_eq!(lib.articles[i].size, doc.text.len());
        // Only that file: its other record came with the same read.
        let loaded: Vec<&str> = (0..lib.len()).filter(|&j| lib.is_loaded(j)).map(|j| lib.articles[j].meta.title.as_str()).collect();
        assert_eq!(loaded, ["Record title 3a", "Record title 3b"]);
        assert_eq!(lib.document(i - 1).unwrap().text, "Body 3a.");
        let h = lib.articles.iter().position(|a| a.meta.title == "Page title 2").unwrap();
        assert!(lib.document(h).unwrap().text.contains("Body of article 2."));
        assert!(matches!(lib.document(lib.len()), Err(Error::NoSuchArticle { .. })));
    }

    #[test]
    fn a_body_that_changed_on_disk_is_an_error_not_another_article() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.txt");
        std::fs::write(&f, "Title one\nBody one.\n").unwrap();
        let lib = Library::load(&[Input::Path(f.clone())], &Options::default());
        std::fs::write(&f, "Title two\nBody two.\n").unwrap();
        let e = lib.document(0).unwrap_err();
        assert!(e.to_string().contains("changed"), "{e}");
        std::fs::remove_file(&f).unwrap();
        assert!(lib.document(0).unwrap_err().to_string().contains("cannot read"));
    }

    #[test]
    fn a_changed_record_is_an_error_and_the_others_of_its_file_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("news.jsonl");
        let record = |t: &str, b: &str| format!("{{\"title\": \"{t}\", \"text\": \"{b}\"}}\n");
        std::fs::write(&f, [record("One", "Body one."), record("Two", "Body two."), record("Three", "Body three.")].concat()).unwrap();
        let lib = Library::load(&[Input::Path(f.clone())], &Options::default());
        assert_eq!(lib.len(), 3);
        std::fs::write(&f, [record("One", "Body one."), record("Two", "Body two, edited."), record("Three", "Body three.")].concat())
            .unwrap();
        let e = lib.document(1).unwrap_err();
        assert!(e.to_string().contains("changed"), "{e}");
        assert_eq!(lib.document(0).unwrap().text, "Body one.");
        assert_eq!(lib.document(2).unwrap().text, "Body three.");
    }

    #[test]
    fn the_builtin_library_keeps_its_bodies_in_memory() {
        let lib = Library::builtin();
        assert!(lib.is_loaded(0));
        assert!(!lib.document(0).unwrap().text.is_empty());
    }

    fn snapshot(lib: &Library) -> Vec<(String, String, String, usize)> {
        lib.articles.iter().map(|a| (a.id.clone(), a.origin.clone(), a.meta.title.clone(), a.size)).collect()
    }

    #[test]
    fn the_index_gives_the_same_library_and_follows_changes() {
        let dir = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let lib_dir = dir.path().join("news");
        many(&lib_dir, 80);
        let inputs = [Input::Path(lib_dir.clone())];
        let opts = Options::default();
        let plain = Library::load(&inputs, &opts);
        let cold = Library::load_indexed(&inputs, &opts, cache.path());
        assert_eq!(snapshot(&cold), snapshot(&plain));
        let index_file = index::index_path(cache.path(), std::slice::from_ref(&lib_dir));
        assert_eq!(Index::open(&index_file).opened, index::Opened::Read);

        // Warm: the same library, with bodies still readable.
        let warm = Library::load_indexed(&inputs, &opts, cache.path());
        assert_eq!(snapshot(&warm), snapshot(&plain));
        assert_eq!(warm.problems, plain.problems);
        assert!(warm.document(5).unwrap().text.contains("Body"));

        // A changed file is read again (its size changes), a deleted one is
        // dropped, a new one appears.
        let changed = lib_dir.join("d1/00001.md");
        std::fs::write(&changed, "# A new markdown title, much longer\n\nA new body.\n").unwrap();
        std::fs::remove_file(lib_dir.join("d2/00002.html")).unwrap();
        std::fs::write(lib_dir.join("d0/99999.txt"), "Brand new article\nIts body.\n").unwrap();
        let after = Library::load_indexed(&inputs, &opts, cache.path());
        assert_eq!(snapshot(&after), snapshot(&Library::load(&inputs, &opts)));
        let titles: Vec<&str> = after.articles.iter().map(|a| a.meta.title.as_str()).collect();
        assert!(titles.contains(&"A new markdown title, much longer"));
        assert!(!titles.contains(&"Markdown title 1"));
        assert!(!titles.contains(&"Page title 2"));
        assert!(titles.contains(&"Brand new article"));
        let mut ix = Index::open(&index_file);
        // 80 article files and two empty ones; one deleted, one added.
        assert_eq!(ix.len(), 82);
        // The rewritten index (unchanged entries carried over, new ones
        // added) gives the same library again, without reading a file.
        let again = Library::load_indexed(&inputs, &opts, cache.path());
        assert_eq!(snapshot(&again), snapshot(&after));
        assert_eq!(again.problems, after.problems);
        assert!(ix.lookup(&index::path_key(&lib_dir.join("d2/00002.html")), 0, Stamp::default()).is_none());
    }

    #[test]
    fn a_corrupt_index_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        many(dir.path(), 80);
        let inputs = [Input::Path(dir.path().into())];
        let opts = Options::default();
        let want = snapshot(&Library::load(&inputs, &opts));
        let index_file = index::index_path(cache.path(), &[dir.path().into()]);
        Library::load_indexed(&inputs, &opts, cache.path());
        // Flip one byte of the payload: the checksum no longer matches.
        let mut bytes = std::fs::read(&index_file).unwrap();
        let n = bytes.len();
        bytes[n - 3] ^= 0x55;
        std::fs::write(&index_file, &bytes).unwrap();
        assert_eq!(Index::open(&index_file).opened, index::Opened::Rebuilt);
        assert_eq!(snapshot(&Library::load_indexed(&inputs, &opts, cache.path())), want);
        assert_eq!(Index::open(&index_file).opened, index::Opened::Read);
        // Deleting the cache is safe.
        std::fs::remove_dir_all(cache.path()).unwrap();
        assert_eq!(snapshot(&Library::load_indexed(&inputs, &opts, cache.path())), want);
    }

    /// What the full parse gives, in the list's terms.
    fn full(name: &str, bytes: &[u8]) -> Vec<CachedArticle> {
        formats::parse(name, bytes).articles.into_iter().map(listed).collect()
    }

    #[test]
    fn the_quick_path_gives_what_the_full_parse_gives() {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for (name, bytes) in builtin::SEEDS {
            files.push((name.to_string(), bytes.to_vec()));
        }
        for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/library")).unwrap() {
            let p = e.unwrap().path();
            files.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
        let long: String = (0..500).map(|i| format!("Line {i} of a long dump.\n")).collect();
        files.push(("long.txt".into(), format!("Breadcrumb > World\nThe title after it\n{long}").into_bytes()));
        files.push(("page.html".into(), b"<html><head><title>T \xc3\xa9</title></head><body><h1>x</h1></body></html>".to_vec()));
        let mut quick = 0;
        for (name, bytes) in &files {
            if let Some(a) = quick_parse(name, bytes) {
                quick += 1;
                assert_eq!(vec![a], full(name, bytes), "{name}");
            }
        }
        assert!(quick >= 4, "the quick path is taken for clean files");
        // Files the quick path must leave to the full parse.
        for bad in [
            &b"Title\r\nBody\r\n"[..],
            b"\xef\xbb\xbfTitle\nBody\n",
            b"Title \x1b[31mred\nBody\n",
            b"Title\nBody with a C1 \xc2\x9b control\n",
            b"Title \xe2\x80\xae reversed\nBody\n",
            b"Title \xe2\x81\xa6 isolate\nBody\n",
            b"Caf\xe9 latin-1\nBody\n",
            b"  \n \n",
            b"{\"title\": \"json\"}\n",
        ] {
            assert!(quick_parse("x.txt", bad).is_none(), "{:?}", String::from_utf8_lossy(bad));
        }
        // Clean non-ASCII text is fine.
        let ok = "Ökonomie — „Zitat“ ‹x› 200\u{2011}km\nBody\n".as_bytes();
        assert_eq!(vec![quick_parse("x.txt", ok).unwrap()], full("x.txt", ok));
    }

    #[test]
    fn streaming_reports_every_article_once_in_order_and_can_stop() {
        let dir = tempfile::tempdir().unwrap();
        many(dir.path(), 300);
        let inputs = [Input::Path(dir.path().into())];
        let plain = Library::load(&inputs, &Options::default());
        // A batch is reported when the files before it are all read; on a
        // loaded machine the thread with the first files can finish last
        // and everything comes at once, so the batch counts get a few tries.
        let mut batches = Vec::new();
        for _ in 0..5 {
            let mut seen: Vec<(String, String)> = Vec::new();
            let mut calls = 0;
            let lib = Library::load_streaming(&inputs, &Options::default(), None, &mut |lib, range| {
                calls += 1;
                assert_eq!(range.start, seen.len(), "batches are contiguous");
                seen.extend(lib.articles[range].iter().map(|a| (a.id.clone(), a.meta.title.clone())));
                ControlFlow::Continue(())
            });
            assert_eq!(seen, lib.articles.iter().map(|a| (a.id.clone(), a.meta.title.clone())).collect::<Vec<_>>());
            assert_eq!(snapshot(&lib), snapshot(&plain));
            batches.push(calls);
            if calls > 1 {
                break;
            }
        }
        assert!(batches.iter().any(|&n| n > 1), "the list arrives in more than one batch: {batches:?}");

        // Stopping after the first batch: a prefix of the same list.
        let mut parts = Vec::new();
        for _ in 0..5 {
            let cache = tempfile::tempdir().unwrap();
            let part = Library::load_streaming(&inputs, &Options::default(), Some(cache.path()), &mut |_, _| ControlFlow::Break(()));
            assert!(!part.is_empty());
            assert_eq!(snapshot(&part), snapshot(&plain)[..part.len()].to_vec());
            assert_eq!(std::fs::read_dir(cache.path()).map(|d| d.count()).unwrap_or(0), 0, "no index from a stopped load");
            parts.push(part.len());
            if part.len() < plain.len() {
                break;
            }
        }
        assert!(parts.iter().any(|&n| n < plain.len()), "a stopped load holds a prefix: {parts:?} of {}", plain.len());
    }

    #[test]
    fn a_large_folder_is_listed_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        // Created out of order; more than one thread's share of stat calls.
        for i in (0..700).rev() {
            std::fs::write(dir.path().join(format!("{i:04}.txt")), format!("Title number {i}\nBody {i}.\n")).unwrap();
        }
        std::fs::create_dir(dir.path().join("0350.d")).unwrap();
        std::fs::write(dir.path().join("0350.d/inner.txt"), "Inner title\nBody.\n").unwrap();
        let lib = Library::load(&[Input::Path(dir.path().into())], &Options::default());
        let mut want: Vec<String> = (0..700).map(|i| format!("Title number {i}")).collect();
        want.insert(350, "Inner title".into()); // "0350.d" sorts before "0350.txt"
        assert_eq!(lib.articles.iter().map(|a| a.meta.title.clone()).collect::<Vec<_>>(), want);
    }

    #[test]
    fn a_small_library_leaves_no_index() {
        let dir = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        many(dir.path(), INDEX_MIN_FILES - 10);
        let inputs = [Input::Path(dir.path().into())];
        let lib = Library::load_indexed(&inputs, &Options::default(), cache.path());
        assert_eq!(snapshot(&lib), snapshot(&Library::load(&inputs, &Options::default())));
        assert!(!index::index_path(cache.path(), &[dir.path().into()]).exists());
    }

    #[test]
    fn stored_analyses_come_back_with_the_library_only_from_this_build() {
        let dir = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        many(dir.path(), 80);
        let inputs = [Input::Path(dir.path().into())];
        let opts = Options::default();
        let lib = Library::load_indexed(&inputs, &opts, cache.path());
        assert!((0..lib.len()).all(|i| !lib.has_stored_analysis(i)), "none stored yet");
        let path = lib.index_path().unwrap().to_owned();
        let current = index::CachedAnalysis::of(&[]);
        let store = |a: &index::CachedAnalysis| {
            let m: HashMap<String, index::CachedAnalysis> =
                (0..lib.len()).map(|i| (lib.content_hash(i).unwrap().to_owned(), a.clone())).collect();
            index::store_analyses(&path, &m).unwrap()
        };
        assert_eq!(store(&current), lib.len());
        let again = Library::load_indexed(&inputs, &opts, cache.path());
        assert_eq!(snapshot(&again), snapshot(&lib));
        assert!((0..lib.len()).all(|i| again.has_stored_analysis(i) && again.stored_analysis(i) == Some(current.clone())));
        // Stored by another build of the cleaner or tagger: not used.
        let foreign = index::CachedAnalysis { key: current.key ^ 1, entities: vec![] };
        assert_eq!(store(&foreign), lib.len());
        let other = Library::load_indexed(&inputs, &opts, cache.path());
        assert!((0..lib.len()).all(|i| !other.has_stored_analysis(i) && other.stored_analysis(i).is_none()));
    }

    #[test]
    fn a_relative_and_an_absolute_path_share_the_index_and_its_analyses() {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
        std::fs::create_dir_all(&base).unwrap();
        let dir = tempfile::Builder::new().prefix(".test-index-").tempdir_in(&base).unwrap();
        let cache = tempfile::tempdir().unwrap();
        many(dir.path(), 80);
        let opts = Options::default();
        let absolute = Library::load_indexed(&[Input::Path(dir.path().into())], &opts, cache.path());
        let m: HashMap<String, CachedAnalysis> =
            (0..absolute.len()).map(|i| (absolute.content_hash(i).unwrap().to_owned(), CachedAnalysis::of(&[]))).collect();
        index::store_analyses(absolute.index_path().unwrap(), &m).unwrap();
        // The same folder, named relative to the working directory.
        let cwd = std::env::current_dir().unwrap();
        let relative = dir.path().strip_prefix(&cwd).expect("the test runs in the package folder").to_owned();
        assert!(relative.is_relative());
        let again = Library::load_indexed(&[Input::Path(relative.clone())], &opts, cache.path());
        assert_eq!(again.index_path(), absolute.index_path());
        assert_eq!(again.len(), absolute.len());
        assert!((0..again.len()).all(|i| again.has_stored_analysis(i)), "every file was found in the index, analyses and all");
        assert!(again.articles[0].origin.starts_with(relative.to_str().unwrap()), "origins stay as the user named them");
    }
}
