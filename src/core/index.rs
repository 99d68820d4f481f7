//! The on-disk index: what loading each file gave (its articles' metadata,
//! content hashes, body sizes, and its problems), so that a second start
//! reads one file instead of every article.
//!
//! - **Where**: `$XDG_CACHE_HOME/byline/index-<hash of the inputs>.bin`
//!   (`~/.cache/byline/...` when `XDG_CACHE_HOME` is unset or relative).
//!   One index per set of inputs; deleting any of them at any time is safe.
//! - **Keys**: per file, its path, size and modification time. A file whose
//!   size or time changed is read again; a file that is gone is dropped when
//!   the index is next written. Each article keeps its content hash, and
//!   opening an article checks the bytes it reads against it, so even an
//!   edit that kept size and time cannot show another article's body.
//! - **Format**: an 8-byte magic, a little-endian `u32` format version, the
//!   xxh3-64 of the payload, then the payload in [postcard] (serde's compact
//!   varint encoding: no field names, small integers in one byte, so 100,000
//!   entries take a few MB and decode in milliseconds; its wire format is
//!   specified and stable across postcard 1.x). postcard has no schema
//!   evolution, hence the version in the header: a different version, a bad
//!   magic, a checksum mismatch or a payload that does not decode all mean
//!   the index is ignored and rebuilt, never trusted.
//! - Written to a temporary file beside it, then renamed: a crash or a
//!   concurrent byline never leaves half an index.
//! - **Pruned**: saving an index removes the other indexes of the folder
//!   not written for [`STALE_INDEX`] (libraries no longer opened) and
//!   temporary files left by killed processes, so the cache does not grow
//!   without end.
//! - **Analyses**: each article can also carry what cleaning and tagging
//!   gave ([`CachedAnalysis`]: its entities with their spans in the cleaned
//!   body), stamped with [`ANALYSIS_KEY`], a hash of the cleaner's and
//!   tagger's assets and code computed at build time. A stored analysis
//!   with another key is ignored (the article is analysed again), so a new
//!   model never shows old entities. The reader's background analysis
//!   writes its results back with [`store_analyses`], matched by content
//!   hash.
//!
//! [postcard]: https://docs.rs/postcard

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::article::{Format, Meta};
use super::entities::{Entity, Kind};

include!(concat!(env!("OUT_DIR"), "/analysis_key.rs"));

const MAGIC: &[u8; 8] = b"BYLINDX\0";
/// Bump when any serialised type below changes.
pub const VERSION: u32 = 3;
const HEADER: usize = 8 + 4 + 8;

/// One article as the list shows it, and where its body is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedArticle {
    pub format: u8,
    pub title: String,
    pub source: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
    /// Content hash of the article's own bytes (hex xxh3-64).
    pub hash: String,
    /// 1-based line of a JSON Lines record.
    pub line: Option<u64>,
    /// Size of the body in bytes.
    pub size: u64,
    /// What analysing the article gave, once it was analysed (kept encoded:
    /// a start copies these bytes and decodes them only when needed).
    pub analysis: Option<StoredAnalysis>,
}

/// A [`CachedAnalysis`] as the index keeps it: the key, and the entities
/// encoded (postcard) in one byte string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAnalysis {
    pub key: u64,
    pub entities: Blob,
}

impl StoredAnalysis {
    /// True when the code that computed it is this build's.
    pub fn is_current(&self) -> bool {
        self.key == ANALYSIS_KEY
    }

    /// The analysis, if it is this build's and decodes.
    pub fn load(&self) -> Option<CachedAnalysis> {
        if !self.is_current() {
            return None;
        }
        let entities = postcard::from_bytes(&self.entities.0).ok()?;
        Some(CachedAnalysis { key: self.key, entities })
    }
}

/// Bytes serialised as one byte string (a length and the bytes), not as a
/// sequence of numbers: decoding one is a copy.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Blob(pub Vec<u8>);

impl Serialize for Blob {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Blob, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Blob;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Blob, E> {
                Ok(Blob(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Blob, E> {
                Ok(Blob(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Blob, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = seq.next_element()? {
                    out.push(b);
                }
                Ok(Blob(out))
            }
        }
        d.deserialize_bytes(V)
    }
}

/// One article's entities, as [`entities`](super::entities::entities) gave
/// them for its cleaned body, under the [`ANALYSIS_KEY`] of the code that
/// computed them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedAnalysis {
    pub key: u64,
    pub entities: Vec<CachedEntity>,
}

/// An entity: its kind (position in [`Kind::ALL`]), name, mention count and
/// spans, each stored as (gap since the previous span's end, length) so
/// that most take two bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedEntity {
    pub kind: u8,
    pub name: String,
    pub count: u32,
    pub spans: Vec<(u32, u32)>,
}

impl CachedAnalysis {
    /// The stored form of entities computed now.
    pub fn of(entities: &[Entity]) -> CachedAnalysis {
        let entities = entities
            .iter()
            .map(|e| {
                let mut end = 0usize;
                let spans = e
                    .spans
                    .iter()
                    .map(|&(a, b)| {
                        // Spans are in text order; a gap that would be
                        // negative is stored from 0 (never seen, but safe).
                        let gap = a.saturating_sub(end);
                        let start = end + gap;
                        end = b.max(start);
                        (gap as u32, (end - start) as u32)
                    })
                    .collect();
                CachedEntity {
                    kind: Kind::ALL.iter().position(|k| *k == e.kind).unwrap_or(Kind::ALL.len() - 1) as u8,
                    name: e.name.clone(),
                    count: e.count as u32,
                    spans,
                }
            })
            .collect();
        CachedAnalysis { key: ANALYSIS_KEY, entities }
    }

    /// True when the code that computed it is this build's.
    pub fn is_current(&self) -> bool {
        self.key == ANALYSIS_KEY
    }

    /// The form the index keeps.
    pub fn store(&self) -> StoredAnalysis {
        StoredAnalysis { key: self.key, entities: Blob(postcard::to_stdvec(&self.entities).expect("entities serialise")) }
    }

    /// The entities back, in the order they were stored.
    pub fn entities(&self) -> Vec<Entity> {
        self.entities
            .iter()
            .map(|e| {
                let mut end = 0usize;
                let spans = e
                    .spans
                    .iter()
                    .map(|&(gap, len)| {
                        let start = end + gap as usize;
                        end = start + len as usize;
                        (start, end)
                    })
                    .collect();
                Entity {
                    kind: Kind::ALL.get(e.kind as usize).copied().unwrap_or(Kind::Misc),
                    name: e.name.clone(),
                    count: e.count as usize,
                    spans,
                }
            })
            .collect()
    }
}

impl CachedArticle {
    pub fn format(&self) -> Format {
        match self.format {
            1 => Format::Markdown,
            2 => Format::Html,
            3 => Format::JsonLines,
            _ => Format::Text,
        }
    }

    pub fn format_code(f: Format) -> u8 {
        match f {
            Format::Text => 0,
            Format::Markdown => 1,
            Format::Html => 2,
            Format::JsonLines => 3,
        }
    }

    pub fn meta(self) -> Meta {
        Meta { title: self.title, source: self.source, date: self.date, url: self.url, author: self.author }
    }
}

/// What one file gave when it was last read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// The path's bytes (paths need not be UTF-8).
    pub path: Vec<u8>,
    pub size: u64,
    pub mtime: Stamp,
    pub articles: Vec<CachedArticle>,
    pub problems: Vec<String>,
}

/// A modification time: seconds and nanoseconds since the Unix epoch
/// (negative seconds for times before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Stamp {
    pub secs: i64,
    pub nanos: u32,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        match meta.modified() {
            Ok(t) => match t.duration_since(SystemTime::UNIX_EPOCH) {
                Ok(d) => Stamp { secs: d.as_secs() as i64, nanos: d.subsec_nanos() },
                Err(e) => Stamp { secs: -(e.duration().as_secs() as i64), nanos: e.duration().subsec_nanos() },
            },
            Err(_) => Stamp::default(),
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Payload {
    entries: Vec<FileEntry>,
}

/// How opening an index went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// No index yet (first start, or it was deleted).
    Missing,
    /// The index was read.
    Read,
    /// It was there but unusable (another version, corrupt): it is rebuilt.
    Rebuilt,
}

/// An index read from disk, ready for lookups.
#[derive(Debug)]
pub struct Index {
    path: PathBuf,
    /// The checked payload; entries are decoded from it as lookups need them.
    payload: Vec<u8>,
    /// Where the next undecoded entry starts in `payload`.
    offset: usize,
    /// How many entries the payload holds.
    total: usize,
    /// The entries decoded so far, in order.
    entries: Vec<FileEntry>,
    /// xxh3 of each path to its entries (built on the first lookup that the
    /// walk order does not answer).
    by_hash: Option<HashMap<u64, Vec<usize>>>,
    /// Where the next lookup in walk order is expected.
    cursor: usize,
    pub opened: Opened,
}

/// The bytes of a path, as the index keys it.
pub fn path_key(p: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        p.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        p.to_string_lossy().into_owned().into_bytes()
    }
}

/// byline's cache folder: `$XDG_CACHE_HOME/byline`, else `~/.cache/byline`.
pub fn default_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).filter(|p| p.is_absolute());
    let base = xdg.or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("byline"))
}

/// The index file for a set of inputs (made absolute, in the order given).
pub fn index_path(dir: &Path, inputs: &[PathBuf]) -> PathBuf {
    let mut key = Vec::new();
    for p in inputs {
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
        key.extend_from_slice(&path_key(&abs));
        key.push(0);
    }
    dir.join(format!("index-{:016x}.bin", xxhash_rust::xxh3::xxh3_64(&key)))
}

impl Index {
    /// Reads the index at `path`; anything wrong with it gives an empty one.
    pub fn open(path: &Path) -> Index {
        let mut ix = Index {
            path: path.to_owned(),
            payload: Vec::new(),
            offset: 0,
            total: 0,
            entries: Vec::new(),
            by_hash: None,
            cursor: 0,
            opened: Opened::Missing,
        };
        let Ok(mut bytes) = std::fs::read(path) else { return ix };
        match checked_payload(&bytes).and_then(|p| postcard::take_from_bytes::<usize>(p).ok()) {
            Some((total, rest)) => {
                ix.offset = bytes.len() - rest.len() - HEADER;
                ix.total = total;
                ix.payload = bytes.split_off(HEADER);
                ix.opened = Opened::Read;
            }
            None => ix.opened = Opened::Rebuilt,
        }
        ix
    }

    /// Decodes one more entry; false when there is none (or it is unreadable,
    /// which ends the index there: the files after it are read again).
    fn decode_next(&mut self) -> bool {
        if self.entries.len() >= self.total {
            return false;
        }
        match postcard::take_from_bytes::<FileEntry>(&self.payload[self.offset..]) {
            Ok((e, rest)) => {
                self.offset = self.payload.len() - rest.len();
                self.entries.push(e);
                true
            }
            Err(_) => {
                self.total = self.entries.len();
                false
            }
        }
    }

    /// Every entry as it was read, including those taken since.
    pub fn original_entries(&self) -> Vec<FileEntry> {
        postcard::from_bytes::<Payload>(&self.payload).map(|p| p.entries).unwrap_or_default()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many files the index held when it was read.
    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Where the entry for `path` is. Files come in the order of the last
    /// walk, so the entry after the previous one is tried first.
    fn position(&mut self, path: &[u8]) -> Option<usize> {
        if self.cursor == self.entries.len() {
            self.decode_next();
        }
        if self.entries.get(self.cursor).is_some_and(|e| e.path == path) {
            self.cursor += 1;
            return Some(self.cursor - 1);
        }
        while self.decode_next() {}
        let entries = &self.entries;
        let map = self.by_hash.get_or_insert_with(|| {
            let mut m: HashMap<u64, Vec<usize>> = HashMap::with_capacity(entries.len());
            for (i, e) in entries.iter().enumerate() {
                m.entry(xxhash_rust::xxh3::xxh3_64(&e.path)).or_default().push(i);
            }
            m
        });
        let i = *map.get(&xxhash_rust::xxh3::xxh3_64(path))?.iter().find(|&&i| entries[i].path == path)?;
        self.cursor = i + 1;
        Some(i)
    }

    /// The entry for a file, if its size and time are what the index saw.
    pub fn lookup(&mut self, path: &[u8], size: u64, mtime: Stamp) -> Option<&FileEntry> {
        let i = self.position(path)?;
        let e = &self.entries[i];
        (e.size == size && e.mtime == mtime).then_some(e)
    }

    /// Moves the entry for a file out of the index, if its size and time
    /// are what the index saw (each entry can be taken once), with its
    /// position (see [`Index::original_entries`]).
    pub fn take(&mut self, key: &[u8], size: u64, mtime: Stamp) -> Option<(usize, FileEntry)> {
        let i = self.position(key)?;
        let e = &mut self.entries[i];
        if e.size != size || e.mtime != mtime || e.path.is_empty() {
            return None;
        }
        Some((
            i,
            std::mem::replace(e, FileEntry { path: Vec::new(), size: 0, mtime: Stamp::default(), articles: vec![], problems: vec![] }),
        ))
    }

    /// Replaces the index on disk with `entries` (the files loaded now),
    /// then removes stale indexes beside it ([`prune`]).
    pub fn save(&self, entries: &[FileEntry]) -> std::io::Result<()> {
        write_atomic(&self.path, &encode(entries))?;
        if let Some(dir) = self.path.parent() {
            prune(dir, &self.path, SystemTime::now());
        }
        Ok(())
    }
}

/// An index of another library not written for this long is removed when
/// an index is saved beside it (it is rebuilt if that library is opened).
pub const STALE_INDEX: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);
/// A temporary file of [`write_atomic`] this old belongs to a process that
/// was killed while writing.
const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes, from the cache folder `dir`, indexes other than `keep` last
/// written more than [`STALE_INDEX`] before `now`, and temporary index
/// files older than an hour. Files byline did not name are left alone.
fn prune(dir: &Path, keep: &Path, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let limit = if name.starts_with("index-") && name.ends_with(".bin") {
            STALE_INDEX
        } else if name.starts_with(".index-") && name.ends_with(".tmp") {
            STALE_TEMP
        } else {
            continue;
        };
        let path = e.path();
        let age = e.metadata().and_then(|m| m.modified()).ok().and_then(|t| now.duration_since(t).ok());
        if path != keep && age.is_some_and(|a| a > limit) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Adds analyses to the index at `path`: each article whose content hash is
/// a key of `analyses` gets that analysis. Read, changed and written back
/// atomically; an index that is missing or unusable is left alone (the
/// next load rebuilds it). Returns how many articles were given one.
pub fn store_analyses(path: &Path, analyses: &HashMap<String, CachedAnalysis>) -> std::io::Result<usize> {
    if analyses.is_empty() {
        return Ok(0);
    }
    // Two stores from one process (a periodic one, the one at exit) take
    // turns, so neither writes over what the other added.
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let Ok(bytes) = std::fs::read(path) else { return Ok(0) };
    let Some(mut payload) = checked_payload(&bytes).and_then(|p| postcard::from_bytes::<Payload>(p).ok()) else { return Ok(0) };
    let mut stored = 0;
    let encoded: HashMap<&str, StoredAnalysis> = analyses.iter().map(|(h, a)| (h.as_str(), a.store())).collect();
    for a in payload.entries.iter_mut().flat_map(|e| e.articles.iter_mut()) {
        if let Some(x) = encoded.get(a.hash.as_str()) {
            if a.analysis.as_ref() != Some(x) {
                a.analysis = Some(x.clone());
                stored += 1;
            }
        }
    }
    if stored > 0 {
        write_atomic(path, &encode(&payload.entries))?;
    }
    Ok(stored)
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.{}.tmp",
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        std::process::id(),
        SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_data()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn encode(entries: &[FileEntry]) -> Vec<u8> {
    #[derive(Serialize)]
    struct PayloadRef<'a> {
        entries: &'a [FileEntry],
    }
    let payload = postcard::to_stdvec(&PayloadRef { entries }).expect("index entries serialise");
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

/// The payload, if the header is ours, of this version, and the checksum
/// matches.
fn checked_payload(bytes: &[u8]) -> Option<&[u8]> {
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return None;
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().ok()?);
    let sum = u64::from_le_bytes(bytes[12..20].try_into().ok()?);
    let payload = &bytes[HEADER..];
    (version == VERSION && xxhash_rust::xxh3::xxh3_64(payload) == sum).then_some(payload)
}

#[cfg(test)]
mod tests {
    #[test]
    fn saving_an_index_removes_stale_indexes_and_temporary_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let age = |name: &str, days: u64| {
            let p = dir.path().join(name);
            let f = std::fs::File::create(&p).unwrap();
            f.set_modified(SystemTime::now() - std::time::Duration::from_secs(days * 24 * 3600 + 60)).unwrap();
            p
        };
        let old = age("index-00000000000000aa.bin", 31);
        let recent = age("index-00000000000000bb.bin", 29);
        let killed = age(".index-00000000000000cc.bin.123.0.tmp", 1);
        let other = age("notes.txt", 400);
        let index = super::Index::open(&dir.path().join("index-00000000000000dd.bin"));
        index.save(&[]).unwrap();
        assert!(!old.exists(), "an index not written for 31 days is removed");
        assert!(!killed.exists(), "a day-old temporary file is removed");
        assert!(recent.exists(), "an index written 29 days ago stays");
        assert!(other.exists(), "files byline did not name stay");
        assert!(dir.path().join("index-00000000000000dd.bin").exists());
    }

    use super::*;

    fn entry(name: &str) -> FileEntry {
        FileEntry {
            path: name.as_bytes().to_vec(),
            size: 123,
            mtime: Stamp { secs: 1_700_000_000, nanos: 5 },
            articles: vec![CachedArticle {
                format: 2,
                title: "Ökonomie: Die Inflation steigt".into(),
                source: Some("Der Spiegel".into()),
                date: None,
                url: Some("https://example.com/a".into()),
                author: None,
                hash: "0123456789abcdef".into(),
                line: Some(3),
                size: 4567,
                analysis: None,
            }],
            problems: vec!["line 9: not JSON".into()],
        }
    }

    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/index-x.bin");
        assert_eq!(Index::open(&path).opened, Opened::Missing);
        let entries = vec![entry("/a/one.html"), entry("/a/two.txt")];
        Index::open(&path).save(&entries).unwrap();
        let mut idx = Index::open(&path);
        assert_eq!(idx.opened, Opened::Read);
        assert_eq!(idx.len(), 2);
        let e = idx.lookup(b"/a/two.txt", 123, Stamp { secs: 1_700_000_000, nanos: 5 }).unwrap();
        assert_eq!(e, &entries[1]);
        assert_eq!(e.articles[0].format(), Format::Html);
        // A different size or time is a miss: the file is read again.
        assert!(idx.lookup(b"/a/two.txt", 124, Stamp { secs: 1_700_000_000, nanos: 5 }).is_none());
        assert!(idx.lookup(b"/a/two.txt", 123, Stamp { secs: 1_700_000_000, nanos: 6 }).is_none());
        assert!(idx.lookup(b"/a/three.txt", 123, Stamp { secs: 1_700_000_000, nanos: 5 }).is_none());
        let stamp = Stamp { secs: 1_700_000_000, nanos: 5 };
        assert!(idx.take(b"/a/one.html", 999, stamp).is_none());
        assert_eq!(idx.take(b"/a/one.html", 123, stamp), Some((0, entries[0].clone())));
        assert_eq!(idx.original_entries(), entries, "taking does not lose entries for a rewrite");
        assert_eq!(idx.take(b"/a/one.html", 123, stamp), None, "taken once");
    }

    #[test]
    fn corrupt_or_foreign_indexes_are_rebuilt_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.bin");
        let good = encode(&[entry("/a/one.html")]);
        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        let mut other_version = good.clone();
        other_version[8] = other_version[8].wrapping_add(1);
        let truncated = good[..good.len() / 2].to_vec();
        for bad in [flipped, other_version, truncated, b"garbage".to_vec(), Vec::new()] {
            std::fs::write(&path, &bad).unwrap();
            let idx = Index::open(&path);
            assert_eq!(idx.opened, Opened::Rebuilt);
            assert!(idx.is_empty());
        }
        std::fs::write(&path, &good).unwrap();
        assert_eq!(Index::open(&path).opened, Opened::Read);
    }

    #[test]
    fn one_index_per_set_of_inputs() {
        let d = Path::new("/cache");
        let a = index_path(d, &[PathBuf::from("/news")]);
        assert_eq!(a, index_path(d, &[PathBuf::from("/news")]));
        assert_ne!(a, index_path(d, &[PathBuf::from("/news2")]));
        assert_ne!(a, index_path(d, &[PathBuf::from("/news"), PathBuf::from("/more")]));
        assert!(a.starts_with(d));
    }

    #[test]
    fn analyses_round_trip_are_stored_by_content_hash_and_carry_the_build_key() {
        let ents = vec![
            Entity { kind: Kind::Person, name: "Ada Lovelace".into(), count: 2, spans: vec![(3, 15), (400, 403)] },
            Entity { kind: Kind::Money, name: "$5".into(), count: 1, spans: vec![(0, 2)] },
            Entity { kind: Kind::Misc, name: "Ökonomie".into(), count: 1, spans: vec![(70_000, 70_008)] },
        ];
        let c = CachedAnalysis::of(&ents);
        assert!(c.is_current());
        assert_eq!(c.entities(), ents);
        assert!(!CachedAnalysis { key: ANALYSIS_KEY ^ 1, ..c.clone() }.is_current(), "another build's analysis is not used");
        assert_eq!(c.store().load(), Some(c.clone()));
        assert_eq!(CachedAnalysis { key: ANALYSIS_KEY ^ 1, ..c.clone() }.store().load(), None);
        // The encoded entities are one byte string in the index.
        let blob = Blob(vec![1, 200, 3]);
        assert_eq!(postcard::to_stdvec(&blob).unwrap(), vec![3, 1, 200, 3]);
        assert_eq!(postcard::from_bytes::<Blob>(&[3, 1, 200, 3]).unwrap(), blob);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.bin");
        Index::open(&path).save(&[entry("/a/one.html"), entry("/a/two.txt")]).unwrap();
        let mut m = HashMap::new();
        m.insert("0123456789abcdef".to_string(), c.clone());
        m.insert("not in the index".to_string(), c.clone());
        assert_eq!(store_analyses(&path, &m).unwrap(), 2, "both files hold the article");
        assert_eq!(store_analyses(&path, &m).unwrap(), 0, "already stored");
        let entries = Index::open(&path).original_entries();
        assert!(entries.iter().all(|e| e.articles[0].analysis.as_ref().and_then(StoredAnalysis::load) == Some(c.clone())));
        assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().ends_with(".tmp")));
        // A corrupt or missing index is left for the next load to rebuild.
        std::fs::write(&path, b"garbage").unwrap();
        assert_eq!(store_analyses(&path, &m).unwrap(), 0);
        assert_eq!(std::fs::read(&path).unwrap(), b"garbage");
        assert_eq!(store_analyses(&dir.path().join("none.bin"), &m).unwrap(), 0);
        assert!(!dir.path().join("none.bin").exists());
    }
}
