//! What the tests that run the real binary share.

use std::process::Command;

/// The binary, with its cache and state in a folder of this test run, so
/// that tests never write into the user's own cache (the on-disk index).
pub fn command() -> Command {
    static HOME: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let home = HOME.get_or_init(|| tempfile::tempdir().expect("a temporary folder"));
    let mut c = Command::new(env!("CARGO_BIN_EXE_byline"));
    c.env("XDG_CACHE_HOME", home.path().join("cache")).env("XDG_STATE_HOME", home.path().join("state"));
    c
}
