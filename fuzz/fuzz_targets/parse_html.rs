//! Fuzz the html reader: no panic, no hang, and nothing unsafe comes out.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::check_reader("a.html", data));
