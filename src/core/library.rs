//! The library: discovering files, reading them into articles, and the
//! problems met on the way. Bad input never stops a library from loading:
//! each bad file becomes one [`Problem`] and the rest loads.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::article::{Article, Document};
use super::error::Error;
use super::formats::{self, Parsed};
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

/// A loaded library: its articles in input order, and the problems.
#[derive(Debug, Default)]
pub struct Library {
    pub articles: Vec<Article>,
    docs: Vec<Document>,
    pub problems: Vec<Problem>,
}

impl Library {
    /// The built-in sample library, compiled into the binary.
    pub fn builtin() -> Self {
        let mut lib = Library::default();
        for (name, bytes) in builtin::SEEDS {
            lib.add_file(&format!("seeds/{name}"), name, bytes);
        }
        lib.dedupe_ids();
        lib
    }

    /// Loads files, directories (recursively) and standard input.
    pub fn load(inputs: &[Input], opts: &Options) -> Self {
        let mut lib = Library::default();
        let mut files: Vec<PathBuf> = Vec::new();
        for input in inputs {
            match input {
                Input::Stdin => {
                    let mut bytes = Vec::new();
                    let limit = opts.max_size;
                    match std::io::stdin().lock().take(limit + 1).read_to_end(&mut bytes) {
                        Ok(_) if bytes.len() as u64 > limit => {
                            lib.problems.push(Problem::from(Error::TooLarge { path: "<stdin>".into(), size: bytes.len() as u64, limit }))
                        }
                        Ok(_) => lib.add_file("<stdin>", "stdin", &bytes),
                        Err(e) => lib.problems.push(Error::io("<stdin>", e).into()),
                    }
                }
                Input::Path(p) => discover(p, &mut files, &mut lib.problems),
            }
        }
        // Read and parse in parallel; keep the discovery order.
        let results = read_all(&files, opts.max_size);
        for (path, result) in files.iter().zip(results) {
            let origin = path.display().to_string();
            match result {
                Ok(bytes) => lib.add_file(&origin, &origin, &bytes),
                Err(e) => lib.problems.push(e.into()),
            }
        }
        lib.dedupe_ids();
        lib
    }

    fn add_file(&mut self, origin: &str, name: &str, bytes: &[u8]) {
        let result = formats::parse(name, bytes);
        for msg in result.problems {
            self.problems.push(Problem { origin: sanitize_line(origin), message: msg });
        }
        for parsed in result.articles {
            self.push(origin, parsed);
        }
    }

    fn push(&mut self, origin: &str, p: Parsed) {
        let origin = match p.line {
            Some(n) => format!("{}:{n}", sanitize_line(origin)),
            None => sanitize_line(origin),
        };
        self.articles.push(Article { id: p.hash[..12].to_owned(), origin, format: p.format, meta: p.meta, size: p.doc.text.len() });
        self.docs.push(p.doc);
    }

    /// Makes ids unique: duplicate content gets `-2`, `-3`, ... in order.
    fn dedupe_ids(&mut self) {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for a in &mut self.articles {
            let n = seen.entry(a.id.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                a.id = format!("{}-{}", a.id, n);
            }
        }
    }

    /// The document (body before cleaning) of article `i`. It may be read
    /// from disk when first asked for, so it can fail (the file changed or
    /// went away since the library was listed).
    pub fn document(&self, i: usize) -> Result<&Document, Error> {
        self.docs.get(i).ok_or_else(|| Error::NoSuchArticle { id: i.to_string() })
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

    pub fn len(&self) -> usize {
        self.articles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }
}

/// Walks `path` and appends the files to read. Directories are walked in
/// name order; symlinks are followed unless they lead back into a directory
/// already on the walk; hidden entries are skipped.
fn discover(path: &Path, files: &mut Vec<PathBuf>, problems: &mut Vec<Problem>) {
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
        files.push(path.to_owned());
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

fn walk(dir: &Path, visiting: &mut HashSet<(u64, u64)>, files: &mut Vec<PathBuf>, problems: &mut Vec<Problem>) {
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
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => walk(&p, visiting, files, problems),
            Ok(_) => {
                let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
                if !ASSET_EXTENSIONS.contains(&ext.as_str()) {
                    files.push(p);
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

fn read_all(files: &[PathBuf], max: u64) -> Vec<Result<Vec<u8>, Error>> {
    files.iter().map(|p| read_one(p, max)).collect()
}

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
}
