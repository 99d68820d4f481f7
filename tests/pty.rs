//! End to end: the real binary in a pseudo-terminal, its output parsed by a
//! terminal-screen emulator (vt100). A reader thread feeds the parser; the
//! test waits for what it expects on screen, with deadlines, never fixed
//! sleeps. Esc and the key after it go in separate writes (together they
//! would read as Alt-key).

#![cfg(unix)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

const DEADLINE: Duration = Duration::from_secs(20);

struct Session {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
}

impl Session {
    fn start(state_home: &std::path::Path, cols: u16, rows: u16) -> Session {
        Session::start_with(state_home, cols, rows, &[])
    }

    fn start_with(state_home: &std::path::Path, cols: u16, rows: u16, args: &[&str]) -> Session {
        Session::start_env(state_home, cols, rows, args, &[])
    }

    fn start_env(state_home: &std::path::Path, cols: u16, rows: u16, args: &[&str], env: &[(&str, &str)]) -> Session {
        let pair = native_pty_system().openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("openpty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_byline"));
        cmd.args(args);
        cmd.env("XDG_STATE_HOME", state_home);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        cmd.env("BYLINE_TEST_PANIC", "1");
        cmd.env("RUST_BACKTRACE", "0");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn byline");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let screen =
            Arc::new(Mutex::new(vt100::Parser::new(std::num::NonZeroU16::new(rows).unwrap(), std::num::NonZeroU16::new(cols).unwrap(), 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (s, r) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        s.lock().unwrap().process(&buf[..n]);
                        r.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        Session { screen, raw, writer, child, master: pair.master }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen satisfies `pred`; panics with the screen at
    /// the deadline.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            let s = self.contents();
            if pred(&s) {
                return;
            }
            if start.elapsed() > DEADLINE {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn wait_text(&self, text: &str) {
        self.wait_for(&format!("{text:?}"), |s| s.contains(text));
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Sends keys one write each, so each is read as one key.
    fn keys(&mut self, keys: &str) {
        for c in keys.chars() {
            self.send(&c.to_string());
        }
    }

    fn raw_text(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned()
    }

    fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader thread take the last bytes.
                let end = Instant::now();
                while !self.restored() && end.elapsed() < Duration::from_secs(2) {
                    std::thread::sleep(Duration::from_millis(10));
                }
                return status.exit_code();
            }
            if start.elapsed() > DEADLINE {
                let _ = self.child.kill();
                panic!("byline did not exit; screen:\n{}", self.contents());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Alternate screen left and cursor shown, by the emulator's account
    /// and in the byte stream (the last switch is the leave).
    fn restored(&self) -> bool {
        let p = self.screen.lock().unwrap();
        let raw = self.raw.lock().unwrap();
        let s = String::from_utf8_lossy(&raw);
        !p.screen().alternate_screen() && !p.screen().hide_cursor() && s.rfind("\x1b[?1049l") > s.rfind("\x1b[?1049h")
    }
}

fn state(dir: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("byline").join("state.json")).expect("state saved");
    serde_json::from_str(&text).unwrap()
}

fn read_count(dir: &std::path::Path) -> usize {
    let v = state(dir);
    v["articles"].as_object().unwrap().values().filter(|e| e["read"] == true).count()
}

#[test]
fn filter_open_scroll_toggle_and_quit_restore_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(home.path(), 120, 40);
    // Three panes, filled from the built-in library.
    s.wait_text("Entities");
    s.wait_text("Articles 3");
    s.wait_for("the alternate screen", |_| s.screen.lock().unwrap().screen().alternate_screen());

    // Filter with a typed query: the list narrows.
    s.keys("/apol");
    s.wait_text("Articles /apol 1/3");
    s.wait_text("1/3 · Enter open");

    // Open it: the reader has focus, the title is shown.
    s.send("\r");
    s.wait_text("space/b page");
    s.wait_text("Mark Zuckerberg apologises, admits mistakes");
    s.wait_text(" 0% · ");

    // Scroll: a line, then a page; the percentage moves.
    s.keys("jj ");
    s.wait_for("the scroll percentage to move", |scr| {
        scr.lines().any(|l| l.contains("% · ") && !l.contains(" 0% · ") && !l.contains(" 100% · "))
    });

    // The entity panel: e hides it at this width, e brings it back.
    s.keys("e");
    s.wait_for("the entity panel to fold", |scr| !scr.contains("Entities"));
    s.keys("e");
    s.wait_text("Entities");
    s.wait_text("space/b page");

    // The boilerplate view: removed lines appear with their reason.
    s.keys("x");
    s.wait_text("removed lines with reasons");
    s.keys("g");
    s.wait_for("a removed line with its reason", |scr| scr.lines().any(|l| l.contains("│ [") && l.contains("] ")));
    s.keys("x");
    s.wait_text("removed lines hidden");

    // Y copies the cleaned text through OSC 52 (base64, so nothing in it
    // reaches the terminal raw).
    s.keys("Y");
    s.wait_text("cleaned text copied");
    let raw = s.raw_text();
    let start = raw.find("\x1b]52;c;").expect("an OSC 52 sequence") + 7;
    let end = start + raw[start..].find('\x07').unwrap();
    let text = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(&raw[start..end]).unwrap()).unwrap();
    assert!(text.starts_with("Mark Zuckerberg apologises, admits mistakes"), "{text}");
    assert!(!text.contains("Home Business"), "the breadcrumb was cleaned away");
    // No mouse capture unless asked for.
    assert!(!raw.contains("\x1b[?1000h"));

    // Enter on an entity lists the articles that mention it (the library
    // index comes from a worker thread).
    s.keys("l");
    s.wait_text("Enter articles with it");
    s.send("\r");
    s.wait_text("Articles mentioning");
    s.wait_for("the entity filter message", |scr| scr.contains(" mention ") && scr.contains("(Esc shows all)"));

    // Esc, then q in a separate write: quit.
    s.send("\x1b");
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
    assert!(s.restored(), "terminal not restored:\n{}", s.contents());
    // The opened article was saved as read.
    assert_eq!(read_count(home.path()), 1);
}

/// A signal ends the reader: state is saved first, the terminal restored,
/// and the exit code says which signal (128 + n).
fn signal_ends_the_reader(signal: &str, number: u32) {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(home.path(), 80, 24);
    s.wait_text("Articles 3");
    s.send("\r");
    s.wait_text("space/b page");
    s.keys("m");
    s.wait_text("marked unread");
    s.keys("m");
    s.wait_text("marked read");
    let pid = s.child.process_id().expect("pid");
    // The shell's kill builtin: no procps needed.
    let status = std::process::Command::new("sh").arg("-c").arg(format!("kill -{signal} {pid}")).status().unwrap();
    assert!(status.success());
    assert_eq!(s.wait_exit(), 128 + number);
    assert!(s.restored(), "terminal not restored:\n{}", s.contents());
    assert_eq!(read_count(home.path()), 1);
}

#[test]
fn sigterm_saves_state_and_restores_the_terminal() {
    signal_ends_the_reader("TERM", 15);
}

#[test]
fn sighup_saves_state_and_restores_the_terminal() {
    signal_ends_the_reader("HUP", 1);
}

#[test]
fn resizing_to_40x10_redraws_and_ctrl_c_quits() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(home.path(), 120, 40);
    s.wait_text("Entities");
    {
        // The emulator first, under its lock, so the redraw that follows
        // the SIGWINCH is read at the new size.
        let mut p = s.screen.lock().unwrap();
        p.screen_mut().set_size(std::num::NonZeroU16::new(10).unwrap(), std::num::NonZeroU16::new(40).unwrap());
        s.master.resize(PtySize { rows: 10, cols: 40, pixel_width: 0, pixel_height: 0 }).unwrap();
    }
    s.wait_for("the one-pane layout", |scr| !scr.contains("Entities") && scr.contains("Articles 3"));
    s.send("\x03");
    assert_eq!(s.wait_exit(), 0);
    assert!(s.restored(), "terminal not restored:\n{}", s.contents());
}

#[test]
fn with_mouse_the_wheel_scrolls_and_capture_is_released_on_exit() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start_with(home.path(), 120, 40, &["--mouse"]);
    s.wait_text("Articles 3");
    s.wait_text(" 0% · ");
    assert!(s.raw_text().contains("\x1b[?1000h"), "mouse capture enabled");
    // SGR wheel-down events over the reading pane.
    for _ in 0..3 {
        s.send("\x1b[<65;60;10M");
    }
    s.wait_for("the wheel to scroll the reader", |scr| scr.lines().any(|l| l.contains("% · ") && !l.contains(" 0% · ")));
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
    assert!(s.restored());
    let raw = s.raw_text();
    assert!(raw.rfind("\x1b[?1000l") > raw.rfind("\x1b[?1000h"), "mouse capture released");
}

#[test]
fn a_panic_restores_the_terminal_then_prints_and_saves_state() {
    let home = tempfile::tempdir().unwrap();
    let mut s = Session::start(home.path(), 80, 24);
    s.wait_text("Articles 3");
    s.send("\r");
    s.wait_text("space/b page");
    // Debug builds panic on ! when BYLINE_TEST_PANIC is set (see tui::debug_panic).
    s.keys("!");
    assert_eq!(s.wait_exit(), 101);
    assert!(s.restored(), "terminal not restored:\n{}", s.contents());
    let raw = s.raw_text();
    let left = raw.rfind("\x1b[?1049l").unwrap();
    let msg = raw.find("test panic requested").expect("the panic message is printed");
    assert!(msg > left, "the message comes after the terminal is restored");
    s.wait_text("test panic requested");
    assert_eq!(read_count(home.path()), 1, "state saved after the panic");
}

/// Colour escapes crossterm writes for foreground / background colours.
fn has_colour(raw: &str) -> bool {
    raw.contains("\x1b[38;5;") || raw.contains("\x1b[48;5;")
}

#[test]
fn no_color_and_the_flag_draw_without_colour_but_with_attributes() {
    for (args, env) in [(&[][..], &[("NO_COLOR", "1")][..]), (&["--no-color"][..], &[][..]), (&[][..], &[][..])] {
        let home = tempfile::tempdir().unwrap();
        let mut s = Session::start_env(home.path(), 100, 30, args, env);
        s.wait_text("Articles 3");
        s.send("\r");
        s.wait_text("space/b page");
        s.keys("q");
        assert_eq!(s.wait_exit(), 0);
        let raw = s.raw_text();
        let plain = !args.is_empty() || !env.is_empty();
        assert_eq!(!has_colour(&raw), plain, "args {args:?} env {env:?}");
        // Selection stays visible: reverse video.
        if plain {
            assert!(raw.contains("\x1b[7m"), "reverse video for the selection");
        }
    }
}

/// The hostile sequences in `tests/fixtures/injection`: every ESC, C1
/// control (raw byte, UTF-8, or a JSON `\u` escape) and bidi control, as
/// written in the files.
fn injection_sequences(dir: &std::path::Path) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        n +=
            text.chars().filter(|&c| c == '\u{1b}' || c == '\u{FFFD}' || (!c.is_ascii() && (c.is_control() || is_bidi_control(c)))).count();
        for esc in ["\\u001b", "\\u009b", "\\u009c", "\\u009d", "\\u0085", "\\u202e", "\\u2066"] {
            n += text.matches(esc).count();
        }
    }
    n
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What in the terminal's byte stream could only have come from an
/// article: OSC (titles, clipboard, links), DCS/APC/PM/SOS strings, BEL and
/// the other C0 controls ratatui never sends, C1 controls (raw bytes
/// outside UTF-8 sequences, or encoded), bidi controls. Ratatui's own CSI
/// sequences are fine.
fn leaks(raw: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for (seq, what) in
        [(&b"\x1b]"[..], "OSC (title, clipboard or link)"), (b"\x1bP", "DCS"), (b"\x1b_", "APC"), (b"\x1b^", "PM"), (b"\x1bX", "SOS")]
    {
        if let Some(at) = raw.windows(seq.len()).position(|w| w == seq) {
            out.push(format!("{what} at byte {at}"));
        }
    }
    for (b, what) in [(0x07u8, "BEL"), (0x08, "BS"), (0x0b, "VT"), (0x0c, "FF"), (0x7f, "DEL")] {
        if let Some(at) = raw.iter().position(|&x| x == b) {
            out.push(format!("{what} at byte {at}"));
        }
    }
    let mut at = 0;
    for chunk in raw.utf8_chunks() {
        for c in chunk.valid().chars() {
            if ('\u{80}'..='\u{9f}').contains(&c) || is_bidi_control(c) {
                out.push(format!("{c:?} near byte {at}"));
            }
        }
        at += chunk.valid().len();
        for &b in chunk.invalid() {
            if (0x80..=0x9f).contains(&b) {
                out.push(format!("raw C1 byte {b:#04x} at byte {at}"));
            }
        }
        at += chunk.invalid().len();
    }
    out
}

#[test]
fn hostile_articles_send_none_of_their_sequences_to_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/injection");
    let mut s = Session::start_with(home.path(), 120, 40, &[dir.to_str().unwrap()]);
    s.wait_text("Articles 4 · 4 unread");
    s.wait_text("Entities");
    // Every article: open (Enter, then J for the next), the removed lines
    // on and off, the entity panel off and on. Not y/Y: those write OSC 52
    // on purpose (base64, tested above).
    s.send("\r");
    for left in (0..4).rev() {
        if left > 0 {
            s.wait_text(&format!("Articles 4 · {left} unread"));
        } else {
            s.wait_for("every article read", |scr| scr.contains("Articles 4") && !scr.contains(" unread"));
        }
        s.keys("x");
        s.wait_text("with reasons (x hides)");
        s.keys("G");
        s.keys("x");
        s.wait_text("removed lines hidden");
        s.keys("e");
        s.wait_for("the entity panel to fold", |scr| !scr.contains("Entities"));
        s.keys("e");
        s.wait_text("Entities");
        if left > 0 {
            s.keys("J");
        }
    }
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
    assert!(s.restored(), "terminal not restored:\n{}", s.contents());
    // The check itself: box drawing and accents (continuation bytes 0x80-0xbf)
    // and ratatui's CSI pass; an OSC title with its BEL, a raw CSI byte and
    // an encoded RLO do not.
    assert!(leaks("│ö█\x1b[31m\x1b[?1049h".as_bytes()).is_empty());
    assert_eq!(leaks(b"\x1b]0;x\x07 \x9b \xe2\x80\xae").len(), 4);
    let raw = s.raw.lock().unwrap().clone();
    let found = leaks(&raw);
    assert!(found.is_empty(), "article sequences reached the terminal: {found:?}");
    println!(
        "injection (pty): {} hostile sequences in 4 articles, {} bytes from the terminal checked, 0 leaked",
        injection_sequences(&dir),
        raw.len()
    );
}

/// A folder of `n` small text articles.
fn folder(n: usize) -> tempfile::TempDir {
    folder_of(n, 0)
}

/// A folder of `n` text articles of `extra` paragraphs after the first.
fn folder_of(n: usize, extra: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let more: String =
        (0..extra).map(|k| format!("\nThe council of Springfield met for the {k}th time on Monday and agreed the budget.\n")).collect();
    for i in 0..n {
        std::fs::write(
            dir.path().join(format!("{i:04}.txt")),
            format!("Headline number {i}\n\nBarack Obama visited Sydney on day {i}.\n{more}"),
        )
        .unwrap();
    }
    dir
}

#[test]
fn cli_commands_over_a_folder_show_a_bar_on_a_terminal_and_erase_it() {
    let home = tempfile::tempdir().unwrap();
    let dir = folder(300);
    let path = dir.path().to_str().unwrap();
    let cache = home.path().join("cache");
    let env = [("XDG_CACHE_HOME", cache.to_str().unwrap())];
    for args in [vec!["list", path], vec!["clean", path]] {
        let mut s = Session::start_env(home.path(), 100, 30, &args, &env);
        let start = Instant::now();
        while s.child.try_wait().unwrap().is_none() {
            assert!(start.elapsed() < DEADLINE, "{args:?} did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(200));
        let raw = s.raw_text();
        assert!(raw.contains("byline: loading files ") && raw.contains("/300 ▕"), "{args:?}: no bar in {raw:?}");
        let screen = s.contents();
        assert!(!screen.contains("loading files") && !screen.contains("▕"), "{args:?}: the bar was not erased:\n{screen}");
        assert!(
            screen.contains(if args[0] == "list" { "Headline number 299" } else { "Barack Obama visited Sydney on day 299." }),
            "{screen}"
        );
    }
    // Standard error a pipe: no bar, nothing at all.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_byline"))
        .args(["list", path])
        .env("XDG_CACHE_HOME", &cache)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "no progress in a pipe");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 300);
}

/// The analysis counts the status line shows until the analysis of the
/// `total` articles is over (the screen sampled every 10 ms).
fn analysis_counts(s: &Session, total: usize) -> Vec<usize> {
    let start = Instant::now();
    let mut seen = Vec::new();
    loop {
        let scr = s.contents();
        if let Some(rest) = scr.split("analysing ").nth(1) {
            if let Some(k) = rest.split('/').next().and_then(|k| k.trim().parse::<usize>().ok()) {
                if seen.last() != Some(&k) {
                    seen.push(k);
                }
            }
        } else if scr.contains(&format!("Articles {total}")) && scr.contains("q quit") {
            return seen;
        }
        assert!(start.elapsed() < DEADLINE, "the analysis did not end; screen:\n{scr}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_second_start_reads_the_analyses_the_first_one_wrote_to_the_index() {
    let home = tempfile::tempdir().unwrap();
    // Long enough that analysing them one by one takes a few batches.
    let dir = folder_of(70, 30);
    let path = dir.path().to_str().unwrap();
    let cache = home.path().join("cache");
    let env = [("XDG_CACHE_HOME", cache.to_str().unwrap())];
    let mut s = Session::start_env(home.path(), 120, 40, &[path], &env);
    s.wait_text("analysing ");
    let first = analysis_counts(&s, 70);
    assert!(first.len() > 2, "the first start analyses the articles one after another: {first:?}");
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);

    // Second start: the analyses come from the index. The count goes from
    // the shown article straight to the end, and the entity filter covers
    // the library at once.
    let mut s = Session::start_env(home.path(), 120, 40, &[path], &env);
    s.wait_text("Articles 70");
    let second = analysis_counts(&s, 70);
    assert!(second.iter().all(|&k| k <= 1), "analysed again on the second start: {second:?}");
    s.wait_text("Barack Obama");
    // The entity panel: Obama is the first person; Enter lists his articles.
    s.keys("\t\t");
    s.wait_text("j/k select");
    s.send("\r");
    s.wait_text("70 articles mention Barack Obama (Esc shows all)");
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
}

/// The reader shows the list before the library has loaded: the last file
/// is a named pipe, so loading cannot end until the test writes to it.
/// The first 64 articles (one reading batch) show with the loading count;
/// a query typed meanwhile runs on the whole library when loading ends.
#[cfg(unix)]
#[test]
fn the_list_shows_before_loading_ends_and_a_query_typed_meanwhile_runs_after() {
    let home = tempfile::tempdir().unwrap();
    let dir = folder(70);
    let fifo = dir.path().join("zzzz.txt");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only reads it.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    let cache = home.path().join("cache");
    let env = [("XDG_CACHE_HOME", cache.to_str().unwrap())];
    let mut s = Session::start_env(home.path(), 120, 40, &[dir.path().to_str().unwrap()], &env);
    s.wait_text("Articles 64");
    s.wait_text("loading 64/71 ▕");
    s.wait_text("Headline number 0");
    s.keys("/number 69");
    s.wait_text("filtering…");
    assert!(s.contents().contains("Articles 64"), "{}", s.contents());
    // Opening the pipe for writing waits for the loader, which has it open.
    let writer = std::thread::spawn(move || std::fs::write(fifo, "Late arrival through a pipe\n\nIt came last.\n").unwrap());
    s.wait_text("Articles /number 69 1/71");
    writer.join().unwrap();
    assert!(!s.contents().contains("loading"), "{}", s.contents());
    s.wait_text("on day 69");
    s.keys("\x1b");
    s.wait_text("Articles 71");
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
}
