//! The reader without a terminal: keys → actions → state, and the views
//! drawn into ratatui's TestBackend (insta snapshots at 120x40 and 80x24).

use byline::core::filter::{FilterResult, Filterer};
use byline::core::library::{Input, Library, Options as LoadOptions};
use byline::core::state::State;
use byline::tui::app::{background_work, summarise, Effect, ListFilter, Mode, FILTER_TOP};
use byline::tui::keys::{self, get_action};
use byline::tui::layout::Focus;
use byline::tui::wrap::LineKind;
use byline::tui::{update, view, Action, App, Options};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::style::Modifier;
use ratatui::Terminal;

fn app_with(lib: Library, w: u16, h: u16, color: bool, mouse: bool) -> App {
    let mut app = waiting(lib, w, h, color, mouse);
    analyse_all(&mut app);
    app
}

/// A reader whose background analysis has not reported yet.
fn waiting(lib: Library, w: u16, h: u16, color: bool, mouse: bool) -> App {
    let mut app = App::new(lib, State::in_memory(), Options { mouse, color });
    update(&mut app, Action::Resize(w, h));
    app
}

/// Does the background analysis the run loop would start: every article,
/// reported in one batch.
fn analyse_all(app: &mut App) {
    let asked = app.effects.iter().position(|e| *e == Effect::AnalyseLibrary).expect("the analysis is asked for at start");
    app.effects.remove(asked);
    let batch = (0..app.lib.len()).map(|i| (i, summarise(&app.lib, i))).collect();
    update(app, Action::Analysed(batch));
}

fn app(w: u16, h: u16) -> App {
    app_with(Library::builtin(), w, h, true, false)
}

/// Three small hand-made articles (tests/fixtures/tui): the snapshots are
/// drawn from these, so they change when the reader's look changes, and
/// little when the cleaner or tagger is tuned on real pages.
fn fixtures(w: u16, h: u16) -> App {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui");
    app_with(Library::load(&[Input::Path(dir)], &LoadOptions::default()), w, h, true, false)
}

/// Feeds a key string (`keys::parse` syntax) through get_action and update,
/// with the background work answering after each key (see [`settle`]).
fn press(app: &mut App, keys: &str) {
    for ev in keys::parse(keys) {
        if let Some(a) = get_action(app, &ev) {
            update(app, a);
        }
        settle(app);
    }
}

/// Feeds keys with no background work answering.
fn type_only(app: &mut App, keys: &str) {
    for ev in keys::parse(keys) {
        if let Some(a) = get_action(app, &ev) {
            update(app, a);
        }
    }
}

/// The filter worker's answer to `query`, as the run loop would send it.
fn answer(app: &App, generation: u64, query: &str) -> FilterResult {
    let titles: Vec<&str> = app.lib.articles.iter().map(|a| a.meta.title.as_str()).collect();
    let mut f = Filterer::new(&titles);
    f.set_query(query);
    FilterResult { generation, query: query.to_owned(), total: f.count(), top: f.top(FILTER_TOP) }
}

/// Does what the run loop does with the filter effects: the answers come
/// back as actions. Other effects stay for the test to look at.
fn settle(app: &mut App) {
    let effects = std::mem::take(&mut app.effects);
    for e in effects {
        match e {
            Effect::Filter { generation, query } => {
                let r = answer(app, generation, &query);
                update(app, Action::Filtered(r));
            }
            other => app.effects.push(other),
        }
    }
}

fn terminal(app: &App) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    t.draw(|f| view::draw(app, f)).unwrap();
    t
}

fn screen(app: &App) -> String {
    terminal(app).backend().to_string()
}

fn title(app: &App, i: usize) -> String {
    app.lib.articles[i].meta.title.clone()
}

#[test]
fn three_panes_at_120x40() {
    let app = fixtures(120, 40);
    let p = app.panes();
    assert!(p.list.is_some() && p.reader.is_some() && p.entities.is_some());
    let s = screen(&app);
    assert!(s.contains("Entities"), "{s}");
    assert!(s.contains("Maria Okafor"));
    insta::assert_snapshot!("three_panes_120x40", s);
    // The seeds fill all three panes too.
    let s = screen(&self::app(120, 40));
    assert!(s.contains("Mark Zuckerberg") && s.contains("Entities") && s.contains("Articles 3"), "{s}");
}

#[test]
fn entity_panel_folds_at_80x24_and_e_brings_it_back_as_an_overlay() {
    let mut app = fixtures(80, 24);
    assert!(app.panes().entities.is_none());
    insta::assert_snapshot!("two_panes_80x24", screen(&app));
    press(&mut app, "e");
    let p = app.panes();
    assert!(p.entities.is_some() && p.overlay);
    assert_eq!(app.focus, Focus::Entities);
    insta::assert_snapshot!("entity_overlay_80x24", screen(&app));
    press(&mut app, "<esc>");
    assert!(app.panes().entities.is_none());
    assert_ne!(app.focus, Focus::Entities);
}

#[test]
fn no_panic_at_any_size_in_any_mode() {
    let setups: &[&str] = &["", "<enter>", "<enter>x", "z", "e", "?", "/zu", "<tab><tab>", "<enter>/the", "<tab><tab>j<enter>"];
    for keys in setups {
        let mut app = app(120, 40);
        press(&mut app, keys);
        for w in [1, 2, 3, 5, 8, 13, 20, 30, 39, 40, 41, 47, 59, 60, 61, 79, 80, 81, 99, 120, 150] {
            for h in [1, 2, 3, 5, 9, 10, 11, 24, 40] {
                update(&mut app, Action::Resize(w, h));
                let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
                t.draw(|f| view::draw(&app, f)).unwrap();
                // Scrolling and paging at that size stays in bounds too.
                press(&mut app, "jG<pgdn>kg");
            }
        }
    }
}

#[test]
fn every_width_from_40_to_130_at_10_rows_draws_every_pane_in_bounds() {
    let mut app = app(120, 40);
    press(&mut app, "<enter>");
    for w in 40..=130 {
        update(&mut app, Action::Resize(w, 10));
        let t = terminal(&app);
        let p = app.panes();
        assert!(p.reader.is_some(), "w={w}");
        assert!(t.backend().to_string().contains("Zuckerberg"), "w={w}");
    }
}

#[test]
fn j_k_move_the_selection_and_preview_without_marking_read() {
    let mut app = app(120, 40);
    assert_eq!(app.selected(), Some(0));
    press(&mut app, "j");
    assert_eq!(app.selected(), Some(1));
    assert_eq!(app.open, Some(1));
    assert!(!app.state.is_read(&app.lib.articles[1].id));
    press(&mut app, "G");
    assert_eq!(app.selected(), Some(2));
    press(&mut app, "<down>");
    assert_eq!(app.selected(), Some(2), "stays on the last");
    press(&mut app, "g<up>");
    assert_eq!(app.selected(), Some(0));
}

#[test]
fn enter_opens_marks_read_and_focuses_the_reader() {
    let mut app = app(120, 40);
    press(&mut app, "j<enter>");
    assert_eq!(app.open, Some(1));
    assert_eq!(app.focus, Focus::Reader);
    assert!(app.state.is_read(&app.lib.articles[1].id));
    assert!(screen(&app).contains("Articles 3 · 2 unread"));
    // The list no longer marks it unread.
    let s = screen(&app);
    let line = s.lines().find(|l| l.contains(&title(&app, 1)[..20])).unwrap();
    assert!(!line.contains("* Facebook"), "{line}");
    // J / K move between articles from the reader, marking them read.
    press(&mut app, "J");
    assert_eq!(app.open, Some(2));
    assert!(app.state.is_read(&app.lib.articles[2].id));
    press(&mut app, "KK");
    assert_eq!(app.open, Some(0));
}

#[test]
fn reader_scrolls_and_pages_with_percent_and_reading_time() {
    let mut app = app(80, 24);
    press(&mut app, "<enter>");
    assert_eq!(app.scroll, 0);
    press(&mut app, "jjj");
    assert_eq!(app.scroll, 3);
    press(&mut app, "<space>");
    assert!(app.scroll > 3 + 10);
    press(&mut app, "b");
    assert_eq!(app.scroll, 3);
    press(&mut app, "G");
    assert_eq!(app.scroll, app.max_scroll());
    assert_eq!(app.percent(), 100);
    let s = screen(&app);
    assert!(s.contains("100% · 2 min read"), "{s}");
    press(&mut app, "g");
    assert!(screen(&app).contains("0% · 2 min read"));
}

#[test]
fn the_fuzzy_filter_narrows_per_keystroke_and_esc_restores() {
    let mut app = app(120, 40);
    press(&mut app, "j/");
    assert_eq!(app.mode, Mode::Filter);
    press(&mut app, "apol");
    assert_eq!(app.visible.len(), 1);
    assert!(title(&app, app.visible[0]).contains("apologises"));
    match &app.list_filter {
        ListFilter::Query { query, positions } => {
            assert_eq!(query, "apol");
            assert_eq!(positions[&app.visible[0]].len(), 4);
        }
        other => panic!("{other:?}"),
    }
    // The four matched characters are drawn highlighted (bold yellow) in the list.
    let t = terminal(&app);
    let list = app.panes().list.unwrap();
    let buf = t.backend().buffer();
    let lit = (list.x..list.right())
        .flat_map(|x| (list.y..list.bottom()).map(move |y| (x, y)))
        .filter(|&(x, y)| buf[(x, y)].fg == ratatui::style::Color::Yellow)
        .count();
    assert_eq!(lit, 4);
    press(&mut app, "<bs><bs><bs><bs>zuckerberg");
    assert!(app.visible.len() >= 2, "narrower query first, then wider: {:?}", app.visible);
    // q is text while typing, not quit.
    press(&mut app, "q");
    assert!(!app.quit);
    press(&mut app, "<esc>");
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.visible.len(), app.lib.len());
    assert_eq!(app.selected(), Some(1), "selection restored");
}

#[test]
fn filter_snapshot() {
    let mut app = fixtures(120, 40);
    press(&mut app, "/coast");
    insta::assert_snapshot!("filter_typed_120x40", screen(&app));
}

#[test]
fn enter_in_the_filter_opens_the_best_match_and_ctrl_p_works_from_the_reader() {
    let mut app = app(120, 40);
    press(&mut app, "<enter>z");
    assert!(app.zen);
    press(&mut app, "<c-p>");
    assert_eq!(app.mode, Mode::Filter);
    assert!(app.panes().list.is_some(), "the list shows while filtering");
    press(&mut app, "apologises<enter>");
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.focus, Focus::Reader);
    assert!(title(&app, app.open.unwrap()).contains("apologises"));
    assert!(app.state.is_read(&app.lib.articles[app.open.unwrap()].id));
    press(&mut app, "<esc>");
    assert_eq!(app.visible.len(), app.lib.len());
}

#[test]
fn search_in_the_body_highlights_and_n_moves_between_matches() {
    let mut app = app(120, 40);
    press(&mut app, "<enter>/nsa");
    assert_eq!(app.mode, Mode::Search);
    let n = app.search.as_ref().unwrap().matches.len();
    let body = app.current().unwrap().body.to_lowercase();
    assert_eq!(n, body.matches("nsa").count());
    assert!(n >= 3);
    press(&mut app, "<enter>");
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.search.as_ref().unwrap().current, Some(0));
    press(&mut app, "nn");
    assert_eq!(app.search.as_ref().unwrap().current, Some(2));
    press(&mut app, "N");
    assert_eq!(app.search.as_ref().unwrap().current, Some(1));
    // The current match is on screen, and drawn highlighted.
    let t = terminal(&app);
    let buf = t.backend().buffer();
    let highlighted = buf.content().iter().filter(|c| c.bg == ratatui::style::Color::LightRed).count();
    assert_eq!(highlighted, 3, "the three letters of the current match");
    press(&mut app, "G");
    press(&mut app, "n");
    let at = app.search.as_ref().unwrap().matches[2].0;
    let line = app.wrapped.lines.iter().rposition(|l| l.body.is_some_and(|s| s <= at)).unwrap();
    assert!(line >= app.scroll && line < app.scroll + 30, "n scrolls the match into view");
    press(&mut app, "<esc>");
    assert!(app.search.is_none());
}

#[test]
fn selecting_an_entity_highlights_its_mentions_and_n_jumps_between_them() {
    let mut app = app(120, 40);
    press(&mut app, "<tab><tab>");
    assert_eq!(app.focus, Focus::Entities);
    assert!(app.ent_active);
    let e = app.selected_entity().unwrap().clone();
    assert!(e.count >= 2);
    // Highlighted cells in the reader = the visible mentions' characters.
    let t = terminal(&app);
    let cyan = t
        .backend()
        .buffer()
        .content()
        .iter()
        .filter(|c| c.bg == ratatui::style::Color::Cyan && c.fg == ratatui::style::Color::Black)
        .count();
    assert!(cyan >= e.name.chars().count(), "mentions highlighted: {cyan}");
    press(&mut app, "G");
    let last = app.selected_entity().unwrap().clone();
    press(&mut app, "g");
    press(&mut app, "n");
    assert_eq!(app.ent_mention, Some(0));
    press(&mut app, "n");
    assert_eq!(app.ent_mention, Some(1 % e.count));
    press(&mut app, "N");
    assert_eq!(app.ent_mention, Some(0));
    assert_ne!(last.name, e.name);
    press(&mut app, "<esc>");
    assert!(!app.ent_active);
}

#[test]
fn selecting_an_entity_with_no_mention_in_view_scrolls_to_one() {
    let mut app = app(120, 40);
    press(&mut app, "<tab>G<tab>");
    assert_eq!(app.focus, Focus::Entities);
    assert!(app.scroll > 0);
    // Pick an entity whose first mention is above the view.
    let a = app.current().unwrap().clone();
    let top = app.wrapped.lines[app.scroll..].iter().find_map(|l| l.body).unwrap();
    let pos = a.order.iter().position(|&i| a.entities[i].spans.iter().all(|&(s, _)| s < top)).expect("an entity mentioned only early");
    press(&mut app, "g");
    for _ in 0..pos {
        press(&mut app, "j");
    }
    let e = app.selected_entity().unwrap().clone();
    let first = e.spans[0].0;
    let line = app.wrapped.lines.iter().rposition(|l| l.body.is_some_and(|s| s <= first)).unwrap();
    assert!(line >= app.scroll && line < app.scroll + 38, "{} mention in view: line {line}, scroll {}", e.name, app.scroll);
}

#[test]
fn enter_on_an_entity_lists_the_articles_that_mention_it_at_once_and_grows_with_the_analysis() {
    let mut app = waiting(Library::builtin(), 120, 40, true, false);
    press(&mut app, "<tab><tab>");
    // Find "Mark Zuckerberg" in the panel.
    let pos = app.current().unwrap().order.iter().position(|&i| app.current().unwrap().entities[i].name == "Mark Zuckerberg").unwrap();
    for _ in 0..pos {
        press(&mut app, "j");
    }
    assert_eq!(app.selected_entity().unwrap().name, "Mark Zuckerberg");
    press(&mut app, "<enter>");
    // Only the open article is analysed yet: the list shows it at once,
    // and says how much of the library is covered.
    assert!(matches!(&app.list_filter, ListFilter::Entity { name } if name == "Mark Zuckerberg"));
    assert_eq!(app.visible, vec![0]);
    let s = screen(&app);
    assert!(s.contains("1 article mention Mark Zuckerberg so far · 1 of 3 analysed"), "{s}");
    // The next batch of the background analysis joins the list, the
    // selected article staying selected.
    let batch = vec![(2, summarise(&app.lib, 2))];
    update(&mut app, Action::Analysed(batch));
    assert_eq!(app.visible, vec![0, 2]);
    assert_eq!(app.selected(), Some(0));
    assert!(screen(&app).contains("2 articles mention Mark Zuckerberg so far · 2 of 3 analysed"));
    // At 80 columns the message keeps the room: it carries the count, so
    // the progress bar on the right gives way.
    update(&mut app, Action::Resize(80, 24));
    let s = screen(&app);
    assert!(s.contains("2 articles mention Mark Zuckerberg so far · 2 of 3 analysed (Esc shows all)"), "{s}");
    assert!(!s.contains("analysing 2/3"), "{s}");
    update(&mut app, Action::Resize(120, 40));
    analyse_all(&mut app);
    // Every listed article's own entities name him; the others do not.
    let expect: Vec<usize> = (0..app.lib.len())
        .filter(|&i| {
            let a = app.analysis(i);
            a.entities.iter().any(|e| e.name.to_lowercase() == "mark zuckerberg")
        })
        .collect();
    assert_eq!(app.visible, expect);
    let s = screen(&app);
    assert!(s.contains(&format!("{} articles mention Mark Zuckerberg (Esc shows all)", expect.len())), "{s}");
    // Esc clears the mention highlight, then the list's restriction.
    press(&mut app, "<esc><esc>");
    assert_eq!(app.list_filter, ListFilter::None);
    assert_eq!(app.visible.len(), app.lib.len());
    press(&mut app, "<tab><tab>g<enter>");
    assert!(app.effects.is_empty());
    assert!(matches!(&app.list_filter, ListFilter::Entity { .. }));
}

#[test]
fn esc_clears_a_partial_entity_filter_and_later_batches_leave_the_list_alone() {
    let mut app = waiting(Library::builtin(), 120, 40, true, false);
    press(&mut app, "<tab><tab><enter>");
    assert!(matches!(&app.list_filter, ListFilter::Entity { .. }));
    press(&mut app, "<esc><esc>");
    assert_eq!(app.list_filter, ListFilter::None);
    press(&mut app, "y");
    analyse_all(&mut app);
    assert_eq!(app.list_filter, ListFilter::None, "a late batch does not filter the list");
    assert_eq!(app.visible.len(), app.lib.len());
    assert!(app.message.as_deref().unwrap_or("").contains("URL copied"), "nor clears the message");
}

#[test]
fn background_analysis_shows_progress_and_reuses_what_the_reader_analysed() {
    let (_dir, lib) = many(40);
    let mut app = waiting(lib, 120, 30, true, false);
    // The previewed article was analysed at once and counts.
    assert_eq!(app.progress(), Some((1, 40)));
    let s = screen(&app);
    assert!(s.contains("analysing 1/40 ▕"), "{s}");
    // Keys work while it runs; a batch moves the count and the bar.
    press(&mut app, "jj");
    assert_eq!(app.selected(), Some(2));
    assert_eq!(app.progress(), Some((3, 40)));
    let batch = (0..21).map(|i| (i, summarise(&app.lib, i))).collect();
    update(&mut app, Action::Analysed(batch));
    assert_eq!(app.progress(), Some((21, 40)), "articles analysed twice count once");
    let s = screen(&app);
    assert!(s.contains("analysing 21/40 ▕████▏   ▏"), "{s}");
    // In the help overlay too, results are taken in.
    press(&mut app, "?");
    let batch = (21..40).map(|i| (i, summarise(&app.lib, i))).collect();
    update(&mut app, Action::Analysed(batch));
    assert_eq!(app.progress(), None);
    press(&mut app, "<esc>");
    assert!(!screen(&app).contains("analysing"));
}

#[test]
fn x_shows_removed_lines_dimmed_with_reasons_in_place() {
    let mut app = fixtures(120, 40);
    press(&mut app, "<enter>");
    assert!(!app.wrapped.lines.iter().any(|l| l.kind == LineKind::Removed));
    assert!(!screen(&app).contains("[donation]"));
    press(&mut app, "x");
    assert!(app.show_removed);
    assert!(app.wrapped.lines.iter().any(|l| l.kind == LineKind::Removed));
    press(&mut app, "G");
    let s = screen(&app);
    assert!(s.contains("[donation] Your support helps us"), "{s}");
    insta::assert_snapshot!("removed_shown_120x40", s);
    // Dimmed: the removed text's cells carry DIM.
    let t = terminal(&app);
    let buf = t.backend().buffer();
    let row = (0..40).find(|&y| (0..120).map(|x| buf[(x, y)].symbol()).collect::<String>().contains("Your support")).unwrap();
    let x = (0..120).find(|&x| buf[(x, row)].symbol() == "Y").unwrap();
    assert!(buf[(x, row)].modifier.contains(Modifier::DIM));
    press(&mut app, "x");
    assert!(!screen(&app).contains("[donation]"));
}

#[test]
fn y_and_shift_y_copy_through_osc52_and_say_so() {
    let mut app = app(120, 40);
    press(&mut app, "y");
    assert_eq!(app.effects, vec![Effect::Copy(app.lib.articles[0].meta.url.clone().unwrap())]);
    assert!(app.message.as_ref().unwrap().contains("OSC 52"));
    assert!(screen(&app).contains("URL copied"));
    app.effects.clear();
    press(&mut app, "Y");
    match &app.effects[..] {
        [Effect::Copy(t)] => {
            assert!(t.starts_with(&title(&app, 0)));
            assert!(t.contains("The NSA said the report was"));
            assert!(!t.contains("13 March 2014\n"), "cleaned text, no dateline");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn m_toggles_read_and_u_undoes() {
    let mut app = app(120, 40);
    let id = app.lib.articles[0].id.clone();
    press(&mut app, "m");
    assert!(app.state.is_read(&id));
    assert_eq!(app.unread, 2);
    press(&mut app, "m");
    assert!(!app.state.is_read(&id));
    press(&mut app, "u");
    assert!(app.state.is_read(&id));
    assert_eq!(app.unread, 2);
    press(&mut app, "u");
    assert!(!app.state.is_read(&id));
    assert_eq!(app.unread, 3);
    press(&mut app, "u");
    assert_eq!(app.message.as_deref(), Some("nothing to undo"));
}

#[test]
fn zen_shows_the_reader_alone_and_esc_backs_out() {
    let mut app = app(120, 40);
    press(&mut app, "z");
    let p = app.panes();
    assert!(p.list.is_none() && p.entities.is_none());
    assert_eq!(p.reader.unwrap().width, 120);
    // The text keeps its measure, centred.
    let s = screen(&app);
    let title_line = s.lines().nth(1).unwrap();
    let indent = title_line.trim_start_matches('"').chars().skip(1).take_while(|c| *c == ' ').count();
    assert!(indent >= 15, "centred: {title_line}");
    press(&mut app, "<esc>");
    assert!(!app.zen);
    press(&mut app, "q");
    assert!(app.quit);
}

#[test]
fn help_lists_every_key() {
    let mut app = app(120, 40);
    press(&mut app, "?");
    assert_eq!(app.mode, Mode::Help);
    let s = screen(&app);
    for row in keys::help() {
        let (k, d) = (&row.keys, &row.text);
        assert!(s.contains(k.as_str()), "{k}");
        assert!(s.contains(&d[..d.len().min(30)]), "{d}");
    }
    // Narrow: descriptions wrap instead of being cut; j scrolls to the end.
    update(&mut app, Action::Resize(44, 12));
    press(&mut app, "G");
    let s = screen(&app);
    assert!(s.contains("quit (reading state"), "{s}");
    assert!(s.contains("saved)"), "{s}");
    // Scrolling past the end stays at the end; k comes back one row.
    let end = app.help_scroll;
    press(&mut app, "jjj");
    assert_eq!(app.help_scroll, end);
    press(&mut app, "k");
    assert_eq!(app.help_scroll, end - 1);
    press(&mut app, "q");
    assert_eq!(app.mode, Mode::Normal);
    assert!(!app.quit, "q closes help first");
}

#[test]
fn tab_and_h_l_cycle_focus_over_visible_panes() {
    let mut app = app(120, 40);
    press(&mut app, "<tab>");
    assert_eq!(app.focus, Focus::Reader);
    press(&mut app, "l");
    assert_eq!(app.focus, Focus::Entities);
    press(&mut app, "<tab>");
    assert_eq!(app.focus, Focus::List);
    press(&mut app, "<s-tab>");
    assert_eq!(app.focus, Focus::Entities);
    press(&mut app, "h");
    assert_eq!(app.focus, Focus::Reader);
    // At 80 columns the folded panel is skipped.
    update(&mut app, Action::Resize(80, 24));
    press(&mut app, "<tab>");
    assert_eq!(app.focus, Focus::List);
}

#[test]
fn key_releases_are_dropped_and_mouse_is_off_unless_asked() {
    let app0 = app(120, 40);
    let release = Event::Key(KeyEvent {
        code: KeyCode::Char('q'),
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Release,
        state: KeyEventState::NONE,
    });
    assert_eq!(get_action(&app0, &release), None);
    let wheel = Event::Mouse(MouseEvent { kind: MouseEventKind::ScrollDown, column: 60, row: 10, modifiers: KeyModifiers::NONE });
    assert_eq!(get_action(&app0, &wheel), None);
    let mut m = app_with(Library::builtin(), 120, 40, true, true);
    let a = get_action(&m, &wheel).unwrap();
    update(&mut m, a);
    assert_eq!(m.scroll, 3, "the wheel scrolls the pane under it");
    // A click on the third list item selects it.
    update(&mut m, Action::Click { x: 5, y: 5 });
    assert_eq!(m.selected(), Some(2));
}

#[test]
fn monochrome_selection_and_highlights_use_attributes() {
    let mut app = app_with(Library::builtin(), 120, 40, false, false);
    press(&mut app, "<enter>/nsa<enter>");
    let t = terminal(&app);
    let buf = t.backend().buffer();
    assert!(buf.content().iter().all(|c| c.fg == ratatui::style::Color::Reset && c.bg == ratatui::style::Color::Reset), "no colour at all");
    let reversed = buf.content().iter().filter(|c| c.modifier.contains(Modifier::REVERSED)).count();
    // The status line, the current match and the other matches are reversed.
    assert!(reversed > 120, "{reversed}");
    // The selected list row is reversed in the list pane while the list has focus.
    press(&mut app, "<esc><esc>");
    assert_eq!(app.focus, Focus::List);
    let t = terminal(&app);
    let cell = &t.backend().buffer()[(3, 1)];
    assert!(cell.modifier.contains(Modifier::REVERSED), "{cell:?}");
}

#[test]
fn wide_characters_stay_aligned() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cjk.txt"),
        "東京で会議が開かれた 😀 emoji title\n\n日本の首相は東京で記者会見を開き、経済政策について説明した。これは長い段落で、折り返しが必要です。\n\nCafé résumé naïve — combining: e\u{301}e\u{301}e\u{301}.\n",
    )
    .unwrap();
    for w in [40u16, 61, 81, 120] {
        let lib = Library::load(&[Input::Path(dir.path().into())], &LoadOptions::default());
        let mut app = app_with(lib, w, 20, true, false);
        press(&mut app, "<enter>");
        let t = terminal(&app);
        let buf = t.backend().buffer();
        // Every row of the frame is exactly w columns, and each pane's right
        // border sits where the layout put it.
        let p = app.panes();
        let r = p.reader.unwrap();
        for y in 1..r.bottom() - 1 {
            let cell = &buf[(r.right() - 1, y)];
            assert_eq!(cell.symbol(), "│", "w={w} y={y}\n{}", t.backend());
        }
        let s = t.backend().to_string();
        assert!(s.contains("日本の首相"), "{s}");
    }
}

#[test]
fn resizing_keeps_the_paragraph_at_the_top_in_view() {
    let mut app = app(120, 40);
    press(&mut app, "<enter>");
    press(&mut app, "jjjjjjjjjjjj");
    let top = app.wrapped.lines[app.scroll..].iter().find_map(|l| l.block).unwrap();
    update(&mut app, Action::Resize(60, 20));
    let top2 = app.wrapped.lines[app.scroll..].iter().find_map(|l| l.block).unwrap();
    assert_eq!(top, top2);
}

#[test]
fn reading_position_and_read_state_persist_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let mut a = App::new(Library::builtin(), State::load(path.clone()), Options { mouse: false, color: true });
    update(&mut a, Action::Resize(100, 30));
    press(&mut a, "<enter>jjjjjjjjjj");
    let top = a.wrapped.lines[a.scroll..].iter().find_map(|l| l.block).unwrap();
    press(&mut a, "q");
    a.state.save().unwrap();
    let mut b = App::new(Library::builtin(), State::load(path), Options { mouse: false, color: true });
    update(&mut b, Action::Resize(100, 30));
    assert!(b.state.is_read(&b.lib.articles[0].id));
    let top_b = b.wrapped.lines[b.scroll..].iter().find_map(|l| l.block).unwrap();
    assert_eq!(top_b, top, "reopened where reading stopped");
}

#[test]
fn the_readme_lists_every_key() {
    let readme = include_str!("../README.md");
    for row in keys::help() {
        let k = &row.keys;
        assert!(readme.contains(&format!("| `{k}` |")), "README lacks {k}");
    }
}

/// A library of `n` small files. The folder is returned with it: bodies are
/// read from disk when an article is opened, so it must outlive the test.
fn many(n: usize) -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n {
        std::fs::write(dir.path().join(format!("{i:03}.txt")), format!("Report {i} on the city budget\n\nThe council met on day {i}.\n"))
            .unwrap();
    }
    let lib = Library::load(&[Input::Path(dir.path().into())], &LoadOptions::default());
    (dir, lib)
}

#[test]
fn a_long_list_scrolls_with_the_selection_and_highlights_the_titles_in_view() {
    let (_dir, lib) = many(60);
    let mut app = app_with(lib, 100, 24, true, false);
    press(&mut app, "G");
    assert_eq!(app.selected(), Some(59));
    let s = screen(&app);
    assert!(s.contains("Report 59 on"), "{s}");
    assert!(!s.contains("Report 0 on"));
    press(&mut app, "<pgup>");
    assert!(app.selected().unwrap() < 59 - 5);
    press(&mut app, "g/budget");
    assert_eq!(app.visible.len(), 60);
    press(&mut app, "<pgdn><pgdn>");
    let ListFilter::Query { positions, .. } = &app.list_filter else { panic!() };
    let sel = app.selected().unwrap();
    assert_eq!(positions[&sel].len(), "budget".len(), "the selected title in view has its matches");
    assert!(positions.len() < 60, "only titles in view are highlighted: {}", positions.len());
}

#[test]
fn a_keystroke_shows_at_once_and_the_list_follows_when_the_answer_arrives() {
    let mut app = fixtures(120, 40);
    let all = app.visible.clone();
    type_only(&mut app, "/coast");
    // The query is on the input line before any answer; the list is as it was.
    assert_eq!(app.filter_input, "coast");
    assert!(app.filtering());
    assert_eq!(app.visible, all);
    let s = screen(&app);
    assert!(s.contains("/coast") && s.contains("filtering…"), "{s}");
    // One request per keystroke, each newer than the last.
    let asked: Vec<(u64, String)> = app
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Filter { generation, query } => Some((*generation, query.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(asked.iter().map(|(_, q)| q.as_str()).collect::<Vec<_>>(), ["c", "co", "coa", "coas", "coast"]);
    assert!(asked.windows(2).all(|w| w[0].0 < w[1].0));
    app.effects.clear();
    // An answer for an older query is dropped.
    let (old_gen, old_q) = asked[0].clone();
    let stale = answer(&app, old_gen, &old_q);
    update(&mut app, Action::Filtered(stale));
    assert_eq!(app.visible, all);
    assert!(app.filtering());
    // The newest answer applies, with highlights for the rows in view only.
    let (gen, q) = asked.last().unwrap().clone();
    let fresh = answer(&app, gen, &q);
    assert!(!fresh.top.is_empty() && fresh.top.len() < all.len());
    update(&mut app, Action::Filtered(fresh.clone()));
    assert!(!app.filtering());
    assert_eq!(app.visible, fresh.top.iter().map(|m| m.index).collect::<Vec<_>>());
    let ListFilter::Query { positions, .. } = &app.list_filter else { panic!("{:?}", app.list_filter) };
    assert_eq!(positions[&app.visible[0]].len(), 5);
    assert!(!screen(&app).contains("filtering…"));
}

#[test]
fn enter_before_the_answer_opens_the_best_match_of_what_was_typed() {
    let mut app = app(120, 40);
    let before = app.open;
    type_only(&mut app, "/apologises<enter>");
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.open, before, "nothing opens before the answer");
    settle(&mut app);
    assert_eq!(app.focus, Focus::Reader);
    assert!(title(&app, app.open.unwrap()).contains("apologises"));
    // Esc while a query runs: its answer no longer filters the list.
    type_only(&mut app, "<c-p><bs><bs><bs>zuck<esc>");
    assert!(app.effects.len() >= 4);
    settle(&mut app);
    assert_eq!(app.list_filter, ListFilter::None);
    assert_eq!(app.visible.len(), app.lib.len());
}

#[test]
fn the_list_holds_the_best_matches_and_counts_them_all() {
    let (_dir, lib) = many(60);
    let mut app = app_with(lib, 100, 24, true, false);
    type_only(&mut app, "/budget");
    let Some(Effect::Filter { generation, query }) = app.effects.pop() else { panic!("{:?}", app.effects) };
    let mut r = answer(&app, generation, &query);
    assert_eq!(r.total, 60);
    r.top.truncate(10);
    update(&mut app, Action::Filtered(r));
    assert_eq!(app.visible.len(), 10);
    assert!(screen(&app).contains("60/60"), "{}", screen(&app));
}

#[test]
fn a_narrow_list_wraps_long_titles_onto_two_lines_with_their_highlights() {
    let mut app = fixtures(80, 24);
    let s = screen(&app);
    assert!(s.contains("│* Storm warning for the") && s.contains("│  west coast"), "{s}");
    // The second line holds the title, not the source and date.
    assert!(!s.contains("Coastal Herald · 2024-01-20"), "{s}");
    press(&mut app, "/coast");
    let t = terminal(&app);
    let list = app.panes().list.unwrap();
    let buf = t.backend().buffer();
    let lit: String = (list.y..list.bottom())
        .flat_map(|y| (list.x..list.right()).map(move |x| (x, y)))
        .filter(|&(x, y)| buf[(x, y)].fg == ratatui::style::Color::Yellow)
        .map(|(x, y)| buf[(x, y)].symbol().to_owned())
        .collect();
    assert!(lit.contains("coast"), "the matched characters on a title's second line are lit: {lit:?}");
    // A wide list keeps one title line and the source and date.
    let s = screen(&fixtures(200, 40));
    assert!(s.contains("Coastal Herald · 2024-01-20"), "{s}");
}

#[test]
fn moving_through_a_long_list_keeps_analyses_within_the_memory_budget() {
    let (_dir, lib) = many(150);
    let mut app = waiting(lib, 120, 30, true, false);
    // A budget of about 20 of these small analyses.
    let one = app.analysis(0).weight();
    app.analysis_budget = one * 20;
    analyse_all(&mut app);
    assert!(app.cached_bytes() <= app.analysis_budget, "{} bytes held", app.cached_bytes());
    assert!(app.cached_analyses() <= 20 && app.cached_analyses() >= 10, "{} analyses held", app.cached_analyses());
    // Those kept are the ones nearest the open article.
    assert!(app.is_cached(1) && !app.is_cached(149), "{:?}", (0..150).filter(|&i| app.is_cached(i)).collect::<Vec<_>>());
    for _ in 0..149 {
        press(&mut app, "j");
    }
    assert_eq!(app.selected(), Some(149));
    assert!(app.cached_bytes() <= app.analysis_budget, "{} bytes held", app.cached_bytes());
    assert!(app.is_cached(148) && !app.is_cached(1), "the cache follows the reader");
    // The open article is still drawn after the cache was trimmed.
    let s = screen(&app);
    assert!(s.contains("Report 149 on the city budget"), "{s}");
    press(&mut app, "<enter>");
    assert!(screen(&app).contains("The council met on day 149."));
}

/// A folder of `n` articles large enough to get an on-disk index, with
/// entities the tagger finds.
fn indexed_folder(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n {
        let who = ["Angela Merkel", "Barack Obama", "Mark Zuckerberg"][i % 3];
        std::fs::write(
            dir.path().join(format!("{i:03}.txt")),
            format!("Report {i} on the city budget\n\n{who} visited Sydney on Monday. The council met on day {i}.\n"),
        )
        .unwrap();
    }
    dir
}

#[test]
fn opening_an_article_analysed_in_the_background_does_no_work() {
    let (_dir, lib) = many(20);
    let mut app = waiting(lib, 120, 30, true, false);
    analyse_all(&mut app);
    assert!(app.is_cached(7), "the background analysis is kept");
    let kept = app.analysis(7) as *const _;
    press(&mut app, "jjjjjjj<enter>");
    assert_eq!(app.open, Some(7));
    assert!(std::ptr::eq(app.current().unwrap(), kept), "the reader shows the analysis the background made");
    assert!(screen(&app).contains("The council met on day 7."));
}

#[test]
fn a_second_start_takes_entities_from_the_index_and_analyses_only_changed_files() {
    use byline::core::index;
    let dir = indexed_folder(70);
    let cache = tempfile::tempdir().unwrap();
    let inputs = [Input::Path(dir.path().into())];
    let opts = LoadOptions::default();
    let lib = Library::load_indexed(&inputs, &opts, cache.path());
    let index_file = lib.index_path().expect("70 files get an index").to_owned();
    let mut app = waiting(lib, 120, 30, true, false);
    assert_eq!(app.progress(), Some((1, 70)), "first start: nothing stored yet");
    analyse_all(&mut app);
    // What the run loop writes back at exit.
    let unsaved = app.take_unsaved();
    assert_eq!(unsaved.len(), 70);
    assert_eq!(index::store_analyses(&index_file, &unsaved).unwrap(), 70);
    let first: Vec<_> = (0..70).map(|i| app.analysis(i).clone()).collect();

    // One file changes before the second start.
    std::fs::write(dir.path().join("005.txt"), "Report 5 on the city budget, revised\n\nBarack Obama visited Paris on Friday.\n").unwrap();
    let lib = Library::load_indexed(&inputs, &opts, cache.path());
    let mut app = waiting(lib, 120, 30, true, false);
    assert_eq!(app.progress(), Some((1, 70)), "the shown article");
    assert_eq!(app.take_unsaved().len(), 0, "it came from the index: cleaned, not tagged, nothing to store");
    // The background work the run loop starts: the entity names of the 68
    // other stored articles, and only the changed file cleaned and tagged.
    assert!(app.effects.contains(&Effect::AnalyseLibrary));
    let mut actions = Vec::new();
    background_work(&app.lib, app.analysed_flags(), |a| {
        actions.push(a);
        true
    });
    let known: usize = actions.iter().map(|a| if let Action::Known(b) = a { b.len() } else { 0 }).sum();
    let analysed: Vec<usize> =
        actions.iter().flat_map(|a| if let Action::Analysed(b) = a { b.iter().map(|(i, _)| *i).collect() } else { vec![] }).collect();
    assert_eq!((known, analysed), (68, vec![5]));
    for a in actions {
        update(&mut app, a);
    }
    assert_eq!(app.progress(), None);
    assert_eq!(app.take_unsaved().len(), 1, "the changed file's analysis is to be stored");
    // The entity filter covers the stored articles at once.
    let pos = app.current().unwrap().order.iter().position(|&i| app.current().unwrap().entities[i].name == "Angela Merkel").unwrap();
    press(&mut app, "<tab><tab>");
    for _ in 0..pos {
        press(&mut app, "j");
    }
    press(&mut app, "<enter>");
    let merkel: Vec<usize> = (0..70).filter(|i| i % 3 == 0).collect();
    assert_eq!(app.visible, merkel);
    // An article opened from the index (cleaned, its entities stored) is
    // what a full analysis gives.
    for i in [0, 1, 2, 69] {
        assert_eq!(app.analysis(i), &first[i], "article {i}");
    }
    assert_eq!(app.take_unsaved().len(), 0, "nothing new to store");
    let a5 = app.analysis(5).clone();
    assert!(a5.entities.iter().any(|e| e.name == "Paris"), "the changed file is analysed anew");
}

#[test]
fn at_80x24_the_status_hints_fit_whole_in_every_pane() {
    let mut app = fixtures(80, 24);
    for keys in ["", "<enter>", "<esc><tab><tab>", "?"] {
        press(&mut app, keys);
        let s = screen(&app);
        let status = s.lines().last().unwrap().trim_matches('"').to_owned();
        assert!(!status.contains('…'), "{keys:?}: {status:?}");
        assert!(status.contains("? help") || status.contains("Esc close"), "{keys:?}: {status:?}");
        // Only whole hints: each piece is one the mode lists.
        for piece in status.trim_end().split(" · ") {
            assert!(piece.len() > 2 && !piece.ends_with(' '), "{keys:?}: {piece:?} in {status:?}");
        }
    }
    // The reader's hints no longer end in a cut "? he…".
    press(&mut app, "<esc><esc><enter>");
    let status = screen(&app).lines().last().unwrap().trim_matches('"').trim_end().to_owned();
    assert!(status.starts_with("j/k scroll") && status.ends_with("? help"), "{status:?}");
}

#[test]
fn with_no_memory_budget_the_reader_keeps_only_the_open_article_and_still_reads() {
    let (_dir, lib) = many(12);
    let mut app = waiting(lib, 120, 30, true, false);
    app.analysis_budget = 0;
    analyse_all(&mut app);
    assert_eq!(app.cached_analyses(), 1, "only the open article");
    for i in 1..12 {
        press(&mut app, "j");
        assert_eq!(app.open, Some(i));
        assert!(screen(&app).contains(&format!("The council met on day {i}.")));
        assert!(app.cached_analyses() <= 2, "{} held", app.cached_analyses());
    }
    // Their entities were kept: nothing was tagged twice, nothing to store twice.
    assert_eq!(app.progress(), None);
}

/// A reader whose library is still loading, at 120x40.
fn loading_app(state: State) -> App {
    let mut app = App::loading(state, Options { mouse: false, color: true });
    update(&mut app, Action::Resize(120, 40));
    app
}

/// The reader starts before its library is loaded: the list grows with
/// each batch while the selection stays on its article, read marks apply
/// as articles arrive, and a query typed while loading (the filter worker
/// is not built yet) runs on the whole library when loading ends, when the
/// background analysis starts too.
#[test]
fn the_list_grows_while_loading_and_a_waiting_query_runs_when_it_ends() {
    let mut lib = Library::builtin();
    let mut state = State::in_memory();
    state.set_read(&lib.articles[1].id, true);
    let mut app = loading_app(state);
    assert!(app.visible.is_empty());
    assert!(screen(&app).contains("loading…"), "{}", screen(&app));
    update(&mut app, Action::Loading(lib.part(0..2)));
    assert_eq!(app.visible, [0, 1]);
    assert_eq!(app.open, Some(0), "the first article is previewed once it arrives");
    assert_eq!(app.unread, 1, "article 1 was marked read before");
    assert!(screen(&app).contains(&title(&app, 1)[..20]), "{}", screen(&app));
    press(&mut app, "j");
    assert_eq!(app.selected(), Some(1));
    update(&mut app, Action::Loading(lib.part(2..3)));
    assert_eq!(app.visible, [0, 1, 2]);
    assert_eq!(app.selected(), Some(1), "the selection stays on its article");
    assert_eq!(app.open, Some(1));
    assert_eq!(app.unread, 2);
    assert!(app.effects.is_empty(), "no analysis while loading: {:?}", app.effects);
    // A query typed now waits: the filter worker is built when loading ends.
    type_only(&mut app, "/apolog");
    let asked = app.effects.iter().filter(|e| matches!(e, Effect::Filter { .. })).count();
    assert_eq!(asked, 6, "one query per key: {:?}", app.effects);
    app.effects.clear();
    update(&mut app, Action::Loaded(lib.finish(3)));
    assert!(app.loading.is_none());
    assert!(app.effects.contains(&Effect::IndexTitles));
    assert!(app.effects.contains(&Effect::AnalyseLibrary));
    settle(&mut app);
    assert_eq!(app.visible, [2], "the query ran on the whole library");
    assert_eq!(app.matched(), 1);
    assert!(screen(&app).contains("1/3"), "{}", screen(&app));
}

/// A query answered on part of the library runs again when the rest has
/// come, and the status line counts the files while they load.
#[test]
fn a_query_answered_while_loading_runs_again_on_the_whole_library() {
    let mut lib = Library::builtin();
    let mut app = loading_app(State::in_memory());
    update(&mut app, Action::Loading(lib.part(0..2)));
    press(&mut app, "/apolog<enter>");
    assert_eq!(app.matched(), 0, "the matching article has not arrived");
    assert_eq!(app.mode, Mode::Normal);
    update(&mut app, Action::Loaded(lib.finish(2)));
    settle(&mut app);
    assert_eq!(app.visible, [2]);
    assert_eq!(app.selected(), Some(2));
    assert!(screen(&app).contains(&title(&app, 2)[..20]), "{}", screen(&app));
}

/// The status line shows the loading count and bar, not the analysis.
#[test]
fn the_status_line_counts_files_while_loading() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui");
    let mut parts = Vec::new();
    let mut lib = Library::load_streaming(&[Input::Path(dir)], &LoadOptions::default(), None, &mut |lib, range| {
        parts.push(lib.part(range));
        std::ops::ControlFlow::Continue(())
    });
    let mut app = loading_app(State::in_memory());
    for p in parts {
        update(&mut app, Action::Loading(p));
    }
    let s = screen(&app);
    let found = lib.files_found;
    assert!(s.contains(&format!("loading {found}/{found} ▕")), "{s}");
    assert!(!s.contains("analysing"), "{s}");
    let sent = app.lib.len();
    update(&mut app, Action::Loaded(lib.finish(sent)));
    // The previewed article counts as analysed.
    assert!(screen(&app).contains("analysing 1/3 ▕"), "{}", screen(&app));
}
