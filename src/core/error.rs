//! Errors of the core. Every one names the path it is about.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: file is {} MiB, over the {} MiB limit; skipped", path.display(), size / (1 << 20), limit / (1 << 20))]
    TooLarge { path: PathBuf, size: u64, limit: u64 },
    #[error("{}: symlink loop; not followed", path.display())]
    SymlinkLoop { path: PathBuf },
    #[error("{}: no such article", id)]
    NoSuchArticle { id: String },
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
