//! byline's core: everything but the terminal. No module here names a
//! terminal crate; the CLI and the TUI are thin layers over these.
//!
//! Data flows one way: file → [`formats`] → [`Article`](article::Article)
//! and [`Document`](article::Document) → [`clean`] → [`Cleaned`](clean::Cleaned)
//! → entities → view.

pub mod article;
pub mod clean;
pub mod date;
pub mod decode;
pub mod entities;
pub mod error;
pub mod filter;
pub mod formats;
pub mod index;
pub mod library;
pub mod sanitize;
pub mod state;
