//! The terminal reader: `App` + `update(action)` + `view`, over the core.
//!
//! The loop blocks on one channel that carries terminal events (from an
//! input thread blocked in `event::read`) and signals (SIGTERM, SIGHUP,
//! SIGINT from a signal thread); it redraws only after something arrived,
//! so an idle reader uses no CPU. The terminal is restored on every way
//! out: `q`, Ctrl-C, a signal (state is saved first), and a panic
//! (ratatui's hook restores, then the message prints; state is saved after).

pub mod app;
pub mod clipboard;
pub mod keys;
pub mod layout;
pub mod theme;
pub mod view;
pub mod wrap;

use std::io::Write;
use std::ops::{ControlFlow, Range};
use std::sync::mpsc;

use anyhow::Result;
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::crossterm::{cursor, execute};

use crate::core::filter::{FilterResult, FilterWorker};
use crate::core::library::Library;
use crate::core::state::{self, State};

pub use app::{update, Action, App, Options};

/// What the loop waits for.
enum Msg {
    Term(Event),
    /// A result of background work, as the action that applies it.
    Background(Action),
    Signal(i32),
    InputClosed,
    /// The filter worker, started off the interface thread.
    FilterReady(FilterWorker),
    /// An answer of the filter worker (its own generation numbers).
    Filtered(FilterResult),
}

/// The run loop's side of the filter worker: queries asked before it
/// started wait here (only the newest), and the worker's generation of the
/// newest query is mapped back to the app's.
#[derive(Default)]
struct FilterLink {
    worker: Option<FilterWorker>,
    waiting: Option<(u64, String)>,
    /// (worker generation, app generation) of the newest query sent.
    newest: Option<(u64, u64)>,
}

impl FilterLink {
    fn ask(&mut self, generation: u64, query: String) {
        match &self.worker {
            Some(w) => self.newest = Some((w.query(&query), generation)),
            None => self.waiting = Some((generation, query)),
        }
    }

    fn ready(&mut self, w: FilterWorker) {
        self.worker = Some(w);
        if let Some((g, q)) = self.waiting.take() {
            self.ask(g, q);
        }
    }

    /// The action for a worker answer, or None when it is stale.
    fn answer(&self, mut r: FilterResult) -> Option<Action> {
        let (w, a) = self.newest?;
        (r.generation == w).then(|| {
            r.generation = a;
            Action::Filtered(r)
        })
    }
}

/// Whether colour is wanted: not with `--no-color`, nor when `NO_COLOR` is
/// set to anything non-empty (no-color.org).
pub fn want_color(no_color_flag: bool) -> bool {
    color_from(no_color_flag, std::env::var_os("NO_COLOR").as_deref())
}

fn color_from(no_color_flag: bool, no_color_env: Option<&std::ffi::OsStr>) -> bool {
    !no_color_flag && no_color_env.is_none_or(|v| v.is_empty())
}

fn restore(mouse: bool) {
    if mouse {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
    }
    let _ = execute!(std::io::stdout(), cursor::Show);
    ratatui::restore();
}

/// Saves the reading state, returning a line to print when it failed.
fn save(app: &mut App) -> Option<String> {
    app.leave_article();
    app.state.save().err().map(|e| format!("byline: {e}"))
}

/// What loads the library for the reader: a streaming load (see
/// `Library::load_streaming`) that calls its argument with each batch of
/// articles, in final order, and returns the whole library.
pub trait Loader: FnOnce(&mut dyn FnMut(&Library, Range<usize>) -> ControlFlow<()>) -> Library + Send + 'static {}
impl<F: FnOnce(&mut dyn FnMut(&Library, Range<usize>) -> ControlFlow<()>) -> Library + Send + 'static> Loader for F {}

/// Loads the library on its own thread, each batch sent to the loop as
/// [`Action::Loading`], the end as [`Action::Loaded`]. It stops when the
/// reader has quit.
fn load_in_background(load: impl Loader, tx: mpsc::Sender<Msg>) {
    let spawned = std::thread::Builder::new().name("byline-load".into()).spawn(move || {
        let mut sent = 0;
        let mut lib = load(&mut |lib, range| {
            sent = range.end;
            match tx.send(Msg::Background(Action::Loading(lib.part(range)))) {
                Ok(()) => ControlFlow::Continue(()),
                Err(_) => ControlFlow::Break(()),
            }
        });
        let last = lib.finish(sent);
        let _ = tx.send(Msg::Background(Action::Loaded(last)));
        // Freeing this copy of the articles waits until the reader has the end.
        drop(lib);
    });
    spawned.expect("cannot start a thread to load the library");
}

/// Runs the reader until the user quits, showing the library as `load`
/// reads it. Returns the process exit code.
pub fn run(load: impl Loader, opts: Options) -> Result<u8> {
    // Loading starts first; its batches wait in the channel.
    let (tx, rx) = mpsc::channel::<Msg>();
    let work_tx = tx.clone();
    load_in_background(load, tx.clone());
    let st = match state::default_path() {
        Some(p) => State::load(p),
        None => State::in_memory(),
    };
    // The key table and the theme (assets/keys.toml, assets/theme.toml) are
    // parsed now, before the terminal is taken over.
    let _ = keys::help();
    let _ = theme::Theme::new(opts.color).dim();
    let mut app = App::loading(st, opts);

    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
        let tx = tx.clone();
        std::thread::spawn(move || {
            for s in signals.forever() {
                if tx.send(Msg::Signal(s)).is_err() {
                    break;
                }
            }
        });
    }

    let mut terminal = ratatui::try_init()?;
    // After ratatui's hook (which restores and then prints the panic):
    // also release the mouse and show the cursor first.
    let prev = std::panic::take_hook();
    let mouse = opts.mouse;
    std::panic::set_hook(Box::new(move |info| {
        if mouse {
            let _ = execute!(std::io::stdout(), DisableMouseCapture);
        }
        let _ = execute!(std::io::stdout(), cursor::Show);
        prev(info);
    }));
    if mouse {
        execute!(std::io::stdout(), EnableMouseCapture)?;
    }
    // Start crossterm's event source now (it registers for SIGWINCH when
    // first used): a resize between the first frame and the input thread's
    // first read would otherwise be lost.
    event::poll(std::time::Duration::ZERO)?;
    let size = terminal.size()?;
    update(&mut app, Action::Resize(size.width, size.height));

    std::thread::spawn(move || loop {
        match event::read() {
            Ok(ev) => {
                if tx.send(Msg::Term(ev)).is_err() {
                    break;
                }
            }
            Err(_) => {
                let _ = tx.send(Msg::InputClosed);
                break;
            }
        }
    });

    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| event_loop(&mut terminal, &mut app, &rx, &work_tx)));
    let save_error = save(&mut app);
    if outcome.is_ok() {
        // After a panic the hook has restored the terminal already.
        restore(mouse);
        store_analyses(&mut app, true);
    }
    let outcome = match outcome {
        Ok(o) => o,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    if let Some(e) = save_error {
        eprintln!("{e}");
    }
    for p in &app.state.problems {
        eprintln!("byline: {}", crate::core::sanitize::sanitize_line(p));
    }
    for p in &app.lib.problems {
        eprintln!("byline: {p}");
    }
    let outcome = outcome?;
    if app.lib.is_empty() && app.loading.is_none() {
        anyhow::bail!("no articles to read");
    }
    match outcome {
        Some(sig) => Ok((128 + sig).clamp(0, 255) as u8),
        None => Ok(0),
    }
}

/// Debug builds only, for the end-to-end test of the panic path: with
/// `BYLINE_TEST_PANIC` set, the key `!` panics inside the loop.
fn debug_panic(ev: &Event) {
    #[cfg(debug_assertions)]
    if std::env::var_os("BYLINE_TEST_PANIC").is_some() {
        if let Event::Key(k) = ev {
            if k.code == event::KeyCode::Char('!') {
                panic!("test panic requested with BYLINE_TEST_PANIC");
            }
        }
    }
    let _ = ev;
}

/// How often analyses made in this run are written to the on-disk index
/// while the reader runs (they are also written at exit). Each write
/// re-reads and rewrites the whole index, at low priority.
const STORE_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs [`app::background_work`] for the articles not `done` on one
/// low-priority thread, sending its batches to the loop. Articles the
/// reader opens first are analysed at once by the app.
fn analyse_in_background(lib: std::sync::Arc<Library>, done: Vec<bool>, tx: mpsc::Sender<Msg>) {
    let spawned = std::thread::Builder::new().name("byline-analyse".into()).spawn(move || {
        lower_priority();
        app::background_work(&lib, &done, |action| tx.send(Msg::Background(action)).is_ok());
    });
    // Without the thread the index stays partial; reading goes on.
    drop(spawned);
}

/// Builds the filter worker over the titles on another thread (folding
/// every title takes a while on a large library) and sends it to the loop.
fn index_titles(lib: std::sync::Arc<Library>, tx: mpsc::Sender<Msg>) {
    std::thread::spawn(move || {
        let answers = tx.clone();
        let w = app::filter_worker(&lib, move |r| {
            let _ = answers.send(Msg::Filtered(r));
        });
        let _ = tx.send(Msg::FilterReady(w));
    });
}

/// Writes the analyses made in this run to the library's on-disk index
/// (none without one); `wait` does it on this thread, else on another.
fn store_analyses(app: &mut App, wait: bool) {
    let Some(path) = app.lib.index_path().map(|p| p.to_owned()) else { return };
    if app.unsaved() == 0 {
        return;
    }
    let unsaved = app.take_unsaved();
    let work = move || {
        let _ = crate::core::index::store_analyses(&path, &unsaved);
    };
    if wait {
        work();
    } else {
        let _ = std::thread::Builder::new().name("byline-store".into()).spawn(move || {
            lower_priority();
            work();
        });
    }
}

/// Makes the calling thread yield to the interface (Linux keeps a nice
/// value per thread).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its integer arguments; `who` 0 is the
    // calling thread on Linux.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// The longest the loop takes queued messages before drawing.
const FRAME: std::time::Duration = std::time::Duration::from_millis(16);

/// Handles messages until quit; returns the signal that ended it, if any.
fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    rx: &mpsc::Receiver<Msg>,
    work_tx: &mpsc::Sender<Msg>,
) -> Result<Option<i32>> {
    let mut save_failed = false;
    let mut dirty = true;
    let mut stored_at = std::time::Instant::now();
    let mut filter = FilterLink::default();
    loop {
        if dirty {
            terminal.draw(|f| view::draw(app, f))?;
            dirty = false;
        }
        // Block for one message, then take whatever else is queued (a burst
        // of resizes or keys) before drawing again, for at most a frame's
        // time (batches of a loading library keep coming).
        let first = rx.recv()?;
        let burst = std::time::Instant::now();
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match msg {
                Msg::Signal(sig) => return Ok(Some(sig)),
                Msg::InputClosed => return Ok(None),
                Msg::Background(action) => {
                    update(app, action);
                    dirty = true;
                }
                Msg::FilterReady(w) => filter.ready(w),
                Msg::Filtered(r) => {
                    if let Some(action) = filter.answer(r) {
                        update(app, action);
                        dirty = true;
                    }
                }
                Msg::Term(ev) => {
                    debug_panic(&ev);
                    // Events that mean nothing here (key releases, focus,
                    // paste) change nothing and draw nothing.
                    if let Some(action) = keys::get_action(app, &ev) {
                        update(app, action);
                        dirty = true;
                    }
                }
            }
            if app.quit {
                return Ok(None);
            }
            next = if burst.elapsed() < FRAME { rx.try_recv().ok() } else { None };
        }
        for effect in std::mem::take(&mut app.effects) {
            match effect {
                app::Effect::Copy(text) => {
                    let mut out = std::io::stdout();
                    out.write_all(clipboard::osc52(&text).as_bytes())?;
                    out.flush()?;
                }
                app::Effect::Filter { generation, query } => filter.ask(generation, query),
                app::Effect::IndexTitles => index_titles(app.lib.clone(), work_tx.clone()),
                app::Effect::AnalyseLibrary => analyse_in_background(app.lib.clone(), app.analysed_flags().to_vec(), work_tx.clone()),
            }
        }
        if stored_at.elapsed() >= STORE_EVERY && app.unsaved() > 0 {
            store_analyses(app, false);
            stored_at = std::time::Instant::now();
        }
        if app.state.is_dirty() && !save_failed {
            if let Err(e) = app.state.save() {
                save_failed = true;
                app.message = Some(format!("{e}; reading goes on, state kept in memory"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run loop's link to the filter worker: a query asked before the
    /// worker is ready waits for it; answers come back under the app's
    /// generation; an answer to an older query is dropped.
    #[test]
    fn the_filter_link_queues_maps_generations_and_drops_stale_answers() {
        let lib = crate::core::library::Library::builtin();
        let (tx, rx) = mpsc::channel();
        let worker = app::filter_worker(&lib, move |r| {
            let _ = tx.send(r);
        });
        let mut link = FilterLink::default();
        link.ask(7, "apologises".into());
        assert!(link.newest.is_none(), "nothing sent before the worker is ready");
        link.ready(worker);
        let r = rx.recv_timeout(std::time::Duration::from_secs(10)).expect("an answer");
        let Some(Action::Filtered(got)) = link.answer(r.clone()) else { panic!("the newest answer applies") };
        assert_eq!(got.generation, 7);
        assert_eq!(got.query, "apologises");
        assert_eq!(got.total, 1);
        // A newer query: the older answer no longer applies.
        link.ask(8, "zuck".into());
        assert!(link.answer(r).is_none());
        let r = rx.recv_timeout(std::time::Duration::from_secs(10)).expect("an answer");
        assert!(matches!(link.answer(r), Some(Action::Filtered(a)) if a.generation == 8));
    }

    #[test]
    fn no_color_flag_and_env_turn_colour_off() {
        assert!(color_from(false, None));
        assert!(!color_from(true, None));
        assert!(!color_from(false, Some("1".as_ref())));
        // NO_COLOR set but empty does not count (no-color.org).
        assert!(color_from(false, Some("".as_ref())));
    }
}
