//! State that survives a run: which articles were read, and where reading
//! stopped in each. Keyed by the article id (a hash of the article's own
//! bytes), so a moved or renamed file keeps its state.
//!
//! The file lives in the XDG state directory
//! (`$XDG_STATE_HOME/byline/state.json`, else `~/.local/state/byline/`).
//! Saving takes an advisory lock (`state.json.lock`), re-reads the file and
//! merges it with this run's changes (the newer entry wins, per article),
//! so two byline processes do not undo each other; then it writes a temporary file and renames it over the old one,
//! so a crash never leaves half a file. A file that does not parse is moved
//! aside to `state.json.corrupt-<unix time>` and reported, never overwritten
//! silently. When the directory cannot be written, saving fails with a
//! message and reading goes on with the state in memory.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// What is remembered about one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub read: bool,
    /// The block (paragraph) at the top of the reading pane when it was
    /// left: independent of the terminal's width.
    #[serde(default)]
    pub position: usize,
    /// When this entry last changed, in milliseconds since the epoch; the
    /// newer entry wins when two processes saved.
    #[serde(default)]
    pub updated: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    version: u32,
    articles: BTreeMap<String, Entry>,
}

/// Why the state could not be saved (the message names the path).
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{}: cannot save reading state: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not saving over a state file that could not be read", path.display())]
    Unreadable { path: PathBuf },
}

/// Read state and positions, in memory, with the file they came from.
#[derive(Debug, Default)]
pub struct State {
    entries: BTreeMap<String, Entry>,
    /// Ids changed in this run (only these override the file on save).
    changed: BTreeMap<String, Entry>,
    path: Option<PathBuf>,
    /// The file existed but could not be read: never write over it.
    unreadable: bool,
    /// What went wrong while loading, for the user (one line each).
    pub problems: Vec<String>,
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Where the state file lives by default, from the environment.
pub fn default_path() -> Option<PathBuf> {
    path_from(std::env::var_os("XDG_STATE_HOME"), std::env::var_os("HOME"))
}

fn path_from(xdg: Option<std::ffi::OsString>, home: Option<std::ffi::OsString>) -> Option<PathBuf> {
    let base = match xdg.map(PathBuf::from) {
        Some(p) if p.is_absolute() => p,
        _ => PathBuf::from(home?).join(".local").join("state"),
    };
    Some(base.join("byline").join("state.json"))
}

enum Loaded {
    Missing,
    Parsed(File),
    Corrupt(String),
    Unreadable(std::io::Error),
}

fn read_file(path: &Path) -> Loaded {
    match std::fs::read(path) {
        Ok(bytes) => match serde_json::from_slice::<File>(&bytes) {
            Ok(f) => Loaded::Parsed(f),
            Err(e) => Loaded::Corrupt(e.to_string()),
        },
        // Nothing there (or a parent is not a directory): no state yet.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound || !path.exists() => Loaded::Missing,
        Err(e) => Loaded::Unreadable(e),
    }
}

impl State {
    /// State kept in memory only (tests, or no home directory).
    pub fn in_memory() -> Self {
        State::default()
    }

    /// Loads the state at `path`. A missing file is an empty state; a
    /// corrupt one is moved aside and reported; an unreadable one is
    /// reported and left alone (this run will not save over it).
    pub fn load(path: PathBuf) -> Self {
        remove_stale_temporaries(&path);
        let mut s = State { path: Some(path.clone()), ..State::default() };
        match read_file(&path) {
            Loaded::Missing => {}
            Loaded::Parsed(f) => s.entries = f.articles,
            Loaded::Corrupt(why) => {
                let aside = corrupt_name(&path);
                match std::fs::rename(&path, &aside) {
                    Ok(()) => s.problems.push(format!(
                        "{}: reading state was corrupt ({why}); kept aside as {}, starting afresh",
                        path.display(),
                        aside.display()
                    )),
                    Err(e) => {
                        s.unreadable = true;
                        s.problems.push(format!(
                            "{}: reading state is corrupt ({why}) and could not be moved aside ({e}); it will not be saved",
                            path.display()
                        ));
                    }
                }
            }
            Loaded::Unreadable(e) => {
                s.unreadable = true;
                s.problems.push(format!("{}: cannot read reading state ({e}); it will not be saved over", path.display()));
            }
        }
        s
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn entry(&self, id: &str) -> Option<Entry> {
        self.entries.get(id).copied()
    }

    pub fn is_read(&self, id: &str) -> bool {
        self.entries.get(id).is_some_and(|e| e.read)
    }

    pub fn position(&self, id: &str) -> usize {
        self.entries.get(id).map_or(0, |e| e.position)
    }

    fn change(&mut self, id: &str, f: impl FnOnce(&mut Entry)) {
        let e = self.entries.entry(id.to_owned()).or_insert(Entry { read: false, position: 0, updated: 0 });
        let before = *e;
        f(e);
        if e.read != before.read || e.position != before.position {
            e.updated = now_ms().max(before.updated + 1);
            self.changed.insert(id.to_owned(), *e);
        }
    }

    pub fn set_read(&mut self, id: &str, read: bool) {
        self.change(id, |e| e.read = read);
    }

    pub fn set_position(&mut self, id: &str, position: usize) {
        self.change(id, |e| e.position = position);
    }

    /// True when there are changes the file does not have yet.
    pub fn is_dirty(&self) -> bool {
        !self.changed.is_empty()
    }

    /// Saves this run's changes, merged with what is on disk now. Does
    /// nothing when nothing changed or there is no file.
    pub fn save(&mut self) -> Result<(), StateError> {
        let Some(path) = self.path.clone() else {
            self.changed.clear();
            return Ok(());
        };
        if self.changed.is_empty() {
            return Ok(());
        }
        if self.unreadable {
            return Err(StateError::Unreadable { path });
        }
        // Another byline may be saving the same file: hold an advisory lock
        // on a companion file across read-merge-write, so neither loses the
        // other's changes. Where locking is not possible (a read-only
        // directory fails below anyway) the merge still runs.
        let _lock = lock_beside(&path);
        // Merge: what another process saved since we loaded stays, unless
        // this run changed the same article later.
        let mut merged = match read_file(&path) {
            Loaded::Parsed(f) => f.articles,
            Loaded::Missing => BTreeMap::new(),
            Loaded::Corrupt(_) => {
                let aside = corrupt_name(&path);
                let _ = std::fs::rename(&path, &aside);
                self.problems.push(format!("{}: reading state was corrupt; kept aside as {}", path.display(), aside.display()));
                BTreeMap::new()
            }
            Loaded::Unreadable(e) => return Err(StateError::Write { path, source: e }),
        };
        for (id, mine) in &self.changed {
            match merged.get(id) {
                Some(theirs) if theirs.updated > mine.updated => {}
                _ => {
                    merged.insert(id.clone(), *mine);
                }
            }
        }
        write_atomic(&path, &File { version: 1, articles: merged.clone() }).map_err(|source| StateError::Write { path, source })?;
        self.entries = merged;
        self.changed.clear();
        Ok(())
    }
}

/// An exclusive lock on `<state>.lock`, released when dropped.
fn lock_beside(path: &Path) -> Option<std::fs::File> {
    let dir = path.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let name = path.file_name()?.to_string_lossy().into_owned();
    let f = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(format!("{name}.lock"))).ok()?;
    f.lock().ok()?;
    Some(f)
}

fn corrupt_name(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "state.json".into());
    path.with_file_name(format!("{name}.corrupt-{}", now_ms() / 1000))
}

/// Removes the temporary files (`.<name>.<pid>.tmp`) that a save killed
/// between writing and renaming left beside `path`, when the process that
/// wrote them is gone. A live writer's file (or one whose writer cannot be
/// checked on this system) is left alone.
fn remove_stale_temporaries(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else { return };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let file = e.file_name();
        let file = file.to_string_lossy();
        let pid = file.strip_prefix(&prefix).and_then(|r| r.strip_suffix(".tmp")).and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid {
            if pid != std::process::id() && !process_alive(pid) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Whether process `pid` exists (true when it cannot be told).
fn process_alive(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        Path::new("/proc").join(pid.to_string()).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        true
    }
}

fn write_atomic(path: &Path, file: &File) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        serde_json::to_writer_pretty(&mut f, file)?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_in(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("byline").join("state.json")
    }

    #[test]
    fn read_state_and_positions_survive_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = State::load(path_in(&dir));
        assert!(s.problems.is_empty());
        s.set_read("abc", true);
        s.set_position("abc", 7);
        s.set_read("def", false);
        s.save().unwrap();
        let s = State::load(path_in(&dir));
        assert!(s.is_read("abc"));
        assert_eq!(s.position("abc"), 7);
        assert!(!s.is_read("def"));
        assert!(!s.is_read("never-seen"));
        // No temporary file is left behind (the lock file stays, empty).
        let mut names: Vec<String> =
            std::fs::read_dir(dir.path().join("byline")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        assert_eq!(names, vec!["state.json", "state.json.lock"]);
    }

    #[test]
    fn a_corrupt_file_is_kept_aside_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = path_in(&dir);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, b"{ not json").unwrap();
        let mut s = State::load(p.clone());
        assert_eq!(s.problems.len(), 1);
        assert!(s.problems[0].contains("corrupt"), "{:?}", s.problems);
        let aside: Vec<PathBuf> = std::fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|x| x.file_name().unwrap().to_string_lossy().starts_with("state.json.corrupt-"))
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(std::fs::read(&aside[0]).unwrap(), b"{ not json");
        s.set_read("abc", true);
        s.save().unwrap();
        assert!(State::load(p).is_read("abc"));
    }

    #[test]
    fn two_processes_merge_instead_of_overwriting() {
        let dir = tempfile::tempdir().unwrap();
        let p = path_in(&dir);
        let mut a = State::load(p.clone());
        let mut b = State::load(p.clone());
        a.set_read("one", true);
        a.save().unwrap();
        b.set_read("two", true);
        b.save().unwrap();
        let s = State::load(p);
        assert!(s.is_read("one"), "the first process's change was lost");
        assert!(s.is_read("two"));
    }

    #[test]
    fn the_later_change_wins_for_the_same_article() {
        let dir = tempfile::tempdir().unwrap();
        let p = path_in(&dir);
        let mut a = State::load(p.clone());
        let mut b = State::load(p.clone());
        a.set_read("one", true);
        std::thread::sleep(std::time::Duration::from_millis(5));
        b.set_read("one", true);
        b.set_read("one", false);
        a.save().unwrap();
        b.save().unwrap();
        assert!(!State::load(p.clone()).is_read("one"));
        // A change made after the other process saved wins over it. Times
        // are wall-clock milliseconds and b's second change was stamped one
        // past its first, so let the clock pass it before changing again.
        std::thread::sleep(std::time::Duration::from_millis(5));
        a.set_position("one", 3);
        a.save().unwrap();
        let s = State::load(p);
        assert_eq!(s.position("one"), 3);
    }

    #[test]
    fn an_unwritable_state_directory_fails_to_save_but_keeps_state_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the directory should be: no one can write there, root included.
        std::fs::write(dir.path().join("byline"), b"").unwrap();
        let mut s = State::load(path_in(&dir));
        s.set_read("abc", true);
        let e = s.save().unwrap_err().to_string();
        assert!(e.contains("cannot save"), "{e}");
        assert!(s.is_read("abc"));
        assert!(s.is_dirty());
    }

    #[test]
    fn a_directory_in_place_of_the_file_is_not_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let p = path_in(&dir);
        std::fs::create_dir_all(&p).unwrap();
        let mut s = State::load(p.clone());
        assert_eq!(s.problems.len(), 1, "{:?}", s.problems);
        s.set_read("abc", true);
        assert!(s.save().is_err());
        assert!(p.is_dir());
    }

    #[test]
    fn default_path_follows_xdg() {
        let p = path_from(Some("/x/state".into()), Some("/users/u".into())).unwrap();
        assert_eq!(p, PathBuf::from("/x/state/byline/state.json"));
        // A relative XDG_STATE_HOME is ignored, as the spec says.
        let p = path_from(Some("rel".into()), Some("/users/u".into())).unwrap();
        assert_eq!(p, PathBuf::from("/users/u/.local/state/byline/state.json"));
        assert_eq!(path_from(None, None), None);
    }
}
