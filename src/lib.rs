//! byline: a terminal reader for news articles.
//!
//! [`core`] holds everything that does not need a terminal (formats,
//! cleaning, entities, filtering, state); [`cli`] is the headless command
//! line over it.

pub mod cli;
pub mod core;
pub mod tui;
