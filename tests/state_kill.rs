//! The reading-state file under SIGKILL and under two writers.
//!
//! The tests re-run this test binary as a child process that saves state
//! in a loop (`saver_child_or_roundtrip` with `BYLINE_STATE_CHILD` set),
//! kill it at pseudo-random moments, and check that the file on disk is
//! always a whole state: the old one or a newer one, never torn or lost.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use byline::core::state::State;

const CHILD_ENV: &str = "BYLINE_STATE_CHILD";
const PREFIX_ENV: &str = "BYLINE_STATE_PREFIX";
const COUNT_ENV: &str = "BYLINE_STATE_COUNT";

fn id(prefix: &str, n: usize) -> String {
    format!("{prefix}{n:06}")
}

/// The ids with `prefix` in the state at `path`, checked to be 0..k with
/// no gap: each save adds the next id, so a gap would be a torn or lost
/// write. Returns k.
fn contiguous(path: &Path, prefix: &str) -> usize {
    let s = State::load(path.to_owned());
    assert!(s.problems.is_empty(), "state was not whole after a kill: {:?}", s.problems);
    let mut k = 0;
    while s.is_read(&id(prefix, k)) {
        k += 1;
    }
    assert!(!s.is_read(&id(prefix, k + 1)), "a gap after {k} ids: a save was lost");
    k
}

#[test]
fn saver_child_or_roundtrip() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        // Run as an ordinary test: a save is read back whole.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut s = State::load(path.clone());
        s.set_read(&id("r", 0), true);
        s.save().unwrap();
        assert_eq!(contiguous(&path, "r"), 1);
        return;
    };
    let prefix = std::env::var(PREFIX_ENV).unwrap_or_else(|_| "a".into());
    let count: usize = std::env::var(COUNT_ENV).ok().and_then(|c| c.parse().ok()).unwrap_or(usize::MAX);
    let mut s = State::load(PathBuf::from(path));
    let mut n = 0;
    while s.is_read(&id(&prefix, n)) {
        n += 1;
    }
    for _ in 0..count {
        s.set_read(&id(&prefix, n), true);
        s.save().expect("save");
        n += 1;
    }
}

fn spawn_saver(path: &Path, prefix: &str, count: Option<usize>) -> Child {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args(["--exact", "saver_child_or_roundtrip", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, path)
        .env(PREFIX_ENV, prefix)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(n) = count {
        c.env(COUNT_ENV, n.to_string());
    }
    c.spawn().expect("spawn the saver")
}

#[test]
fn sigkill_during_saves_never_tears_or_loses_the_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let trials = 150;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut before = 0;
    let mut grew = 0;
    for _ in 0..trials {
        let mut child = spawn_saver(&path, "a", None);
        // Wait for the child's first save (a process starts slowly on a
        // loaded machine), then kill it at a random point of later saves.
        let started = std::time::Instant::now();
        while contiguous(&path, "a") == before && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_micros(500));
        }
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        std::thread::sleep(Duration::from_micros((seed >> 33) % 5_000));
        child.kill().unwrap(); // SIGKILL on unix
        child.wait().unwrap();
        let now = contiguous(&path, "a");
        assert!(now >= before, "state went back from {before} to {now} ids");
        grew += usize::from(now > before);
        before = now;
    }
    // The kills landed while saves were happening, not only before the first.
    assert!(grew > trials / 4, "only {grew} of {trials} trials saved anything");
    // Each load removed what a killed save left behind.
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_start_removes_temporary_files_of_dead_savers_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    // A process that has exited, and one that is running.
    let mut dead = Command::new("true").spawn().unwrap();
    dead.wait().unwrap();
    let mut live = Command::new("sleep").arg("30").spawn().unwrap();
    let stale = dir.path().join(format!(".state.json.{}.tmp", dead.id()));
    let busy = dir.path().join(format!(".state.json.{}.tmp", live.id()));
    let other = dir.path().join(format!(".other.json.{}.tmp", dead.id()));
    for f in [&stale, &busy, &other] {
        std::fs::write(f, "{\"version\": 1, \"arti").unwrap();
    }
    let s = State::load(path.clone());
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert!(!stale.exists(), "a dead saver's temporary file is removed");
    assert!(busy.exists(), "a running saver's file is left alone");
    assert!(other.exists(), "another file's temporaries are not ours");
    live.kill().unwrap();
    live.wait().unwrap();
}

#[test]
fn two_processes_saving_the_same_file_keep_each_others_updates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let n = 150;
    let a = spawn_saver(&path, "a", Some(n));
    let b = spawn_saver(&path, "b", Some(n));
    for mut c in [a, b] {
        assert!(c.wait().unwrap().success());
    }
    assert_eq!(contiguous(&path, "a"), n);
    assert_eq!(contiguous(&path, "b"), n);
}
