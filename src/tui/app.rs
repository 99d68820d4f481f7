//! The reader's state and the one function that changes it: `update(app,
//! action)`. No terminal here: tests drive it with actions and read the
//! state back. Every call into the core sits in one place ([`analyse`]
//! cleans and tags an article, [`App::refilter`] ranks titles,
//! [`summarise`] is the background worker's analysis of one article).
//! Background work is asked for with an [`Effect`] and its results come
//! back as actions ([`Action::Analysed`], [`Action::Filtered`]) on the same
//! channel as the keys.

use std::collections::HashMap;
use std::sync::Arc;

use ratatui::layout::{Position, Rect};

use crate::core::clean::{clean, Cleaned};
use crate::core::entities::{entities, Entity, Kind};
use crate::core::filter::{fold, FilterResult, FilterWorker, Filterer, Query, TitleBuf};
use crate::core::index::CachedAnalysis;
use crate::core::library::{Library, Part};
use crate::core::state::State;

use super::layout::{self, Focus, Panes, Shape};
use super::wrap::{self, WLine};

/// What the user asked for. Keys and mouse events map to these in
/// `keys::get_action`; nothing else changes the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Quit,
    /// Esc: back out of the innermost mode.
    Back,
    Resize(u16, u16),
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    FocusNext,
    FocusPrev,
    /// Enter: open the selected article, or list the articles that
    /// mention the selected entity.
    Open,
    NextArticle,
    PrevArticle,
    /// `/` in the list, Ctrl-P anywhere: the fuzzy title filter.
    StartFilter,
    /// `/` in the reader: search the body.
    StartSearch,
    Input(char),
    Backspace,
    /// Enter while typing a query.
    Submit,
    NextMatch,
    PrevMatch,
    ToggleEntities,
    ToggleZen,
    ToggleRemoved,
    ToggleHelp,
    CopyUrl,
    CopyText,
    ToggleRead,
    Undo,
    /// Mouse wheel at a cell.
    Wheel {
        x: u16,
        y: u16,
        down: bool,
    },
    /// Left click at a cell.
    Click {
        x: u16,
        y: u16,
    },
    /// Articles analysed in the background (see [`summarise`]): they feed
    /// the library's entity index and, within a memory budget, are kept so
    /// that opening them does no work.
    Analysed(Vec<(usize, Arc<Analysis>)>),
    /// Articles whose analysis the on-disk index holds: their folded entity
    /// names (see [`background_work`]), for the entity index.
    Known(Vec<(usize, Vec<String>)>),
    /// The filter worker's answer to [`Effect::Filter`]; dropped unless its
    /// generation is the newest query's.
    Filtered(FilterResult),
    /// More articles of the library being loaded (see [`App::loading`]),
    /// in final order: the list grows, the selection stays.
    Loading(Part),
    /// The last part: loading is over. The filter worker is built and the
    /// background analysis starts; a query asked meanwhile runs again.
    Loaded(Part),
}

/// Folded entity name → the articles (indices) whose entities include it.
pub type EntityIndex = HashMap<String, Vec<usize>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a fuzzy title query.
    Filter,
    /// Typing a search in the body.
    Search,
    Help,
}

/// Something the run loop does for `update` (terminal output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
    /// Run [`background_work`] on one low-priority worker thread for the
    /// articles not analysed yet ([`App::analysed_flags`]), sending its
    /// batches back. Asked for once, at start.
    AnalyseLibrary,
    /// Rank the titles for `query` on the filter worker (see
    /// [`filter_worker`]) and send back [`Action::Filtered`] carrying
    /// `generation`.
    Filter { generation: u64, query: String },
    /// Build the filter worker over the library's titles (when loading
    /// ends; queries asked before it is ready wait for it).
    IndexTitles,
}

/// How many of the best matches the filter worker reports per query (the
/// list holds these; the title counts them all).
pub const FILTER_TOP: usize = 5000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub mouse: bool,
    pub color: bool,
}

/// The core's view of one article, computed once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    pub cleaned: Cleaned,
    pub body: String,
    pub entities: Vec<Entity>,
    /// Entity indices in panel order: grouped by kind, most salient first.
    pub order: Vec<usize>,
    pub words: usize,
    /// The body could not be read.
    pub error: Option<String>,
}

impl Analysis {
    pub fn minutes(&self) -> usize {
        self.words.div_ceil(230).max(1)
    }

    /// About how many bytes it holds (for the memory budget).
    pub fn weight(&self) -> usize {
        512 + self.body.len()
            + self.cleaned.blocks.iter().map(|b| b.text.len() + 64).sum::<usize>()
            + self.entities.iter().map(|e| 64 + e.name.len() + e.spans.len() * 16).sum::<usize>()
            + self.order.len() * 8
    }
}

/// The list's restriction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListFilter {
    None,
    /// A fuzzy query over titles; matched character positions per article.
    Query {
        query: String,
        positions: HashMap<usize, Vec<usize>>,
    },
    /// Articles that mention an entity.
    Entity {
        name: String,
    },
}

/// A search in the body: matches as code-point ranges in the body text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Search {
    pub query: String,
    pub matches: Vec<(usize, usize)>,
    pub current: Option<usize>,
}

/// One row of the entity panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntRow {
    Heading(Kind),
    /// Position in `Analysis::order`.
    Entity(usize),
}

/// The reading pane's wrapped lines and what they were made for.
#[derive(Debug, Clone, Default)]
pub struct Wrapped {
    pub key: Option<(usize, u16, bool)>,
    pub lines: Arc<Vec<WLine>>,
}

/// Wrapped articles kept for going back and forth (J/K, resizes).
const WRAP_CACHE: usize = 32;
/// About how many bytes of analysed articles are kept in memory (see
/// [`Analysis::weight`]): past it, those farthest from the open article in
/// the library go first. An article analysed before and let go, or stored
/// in the on-disk index, is cleaned again when opened, not tagged again.
pub const ANALYSIS_BUDGET: usize = 96 << 20;

pub struct App {
    /// Shared with background work.
    pub lib: Arc<Library>,
    pub state: State,
    pub opts: Options,
    pub size: Rect,
    pub mode: Mode,
    pub focus: Focus,
    pub zen: bool,
    /// The side panel (wide terminals); `e` hides it.
    pub panel: bool,
    /// The entity overlay (narrow terminals, zen); `e` shows it.
    pub overlay: bool,
    pub show_removed: bool,
    // The list.
    pub visible: Vec<usize>,
    pub list_sel: usize,
    pub list_offset: usize,
    pub list_filter: ListFilter,
    pub filter_input: String,
    /// The generation of the newest query asked of the filter worker, and
    /// of the newest answer applied: they differ while a query runs.
    pub filter_gen: u64,
    pub filter_done: u64,
    /// How many titles the applied query matches (the list holds at most
    /// [`FILTER_TOP`]).
    pub filter_total: usize,
    /// Enter was pressed before the answer came: open its best match then.
    pending_submit: bool,
    /// The article selected before the filter started, for Esc.
    before_filter: Option<usize>,
    // The reader.
    pub open: Option<usize>,
    cache: HashMap<usize, Arc<Analysis>>,
    /// What [`App::cache`] holds, by [`Analysis::weight`], and its budget.
    cache_bytes: usize,
    pub analysis_budget: usize,
    /// Analyses computed in this run and not yet written to the index, by
    /// content hash.
    unsaved: HashMap<String, CachedAnalysis>,
    pub wrapped: Wrapped,
    wrap_cache: HashMap<(usize, u16, bool), Arc<Vec<WLine>>>,
    pub scroll: usize,
    pub search: Option<Search>,
    // The entity panel.
    pub ent_sel: usize,
    pub ent_offset: usize,
    /// Mentions of the selected entity are highlighted.
    pub ent_active: bool,
    pub ent_mention: Option<usize>,
    /// Folded entity name → articles, over the articles analysed so far.
    index: EntityIndex,
    /// Which articles the index covers, and how many.
    analysed: Vec<bool>,
    pub analysed_count: usize,
    // The rest.
    pub help_scroll: usize,
    /// Articles of the library not marked read (recounted on changes).
    pub unread: usize,
    pub message: Option<String>,
    undo: Vec<(String, bool)>,
    pub effects: Vec<Effect>,
    pub quit: bool,
    /// While the library loads: (files done, files found so far).
    pub loading: Option<(usize, usize)>,
}

fn clamp_sel(sel: usize, len: usize) -> usize {
    sel.min(len.saturating_sub(1))
}

/// The panel's order: kinds in their fixed order, each kind's entities most
/// salient first (the core ranks them).
fn panel_order(ents: &[Entity]) -> Vec<usize> {
    let mut order = Vec::with_capacity(ents.len());
    for k in Kind::ALL {
        order.extend(ents.iter().enumerate().filter(|(_, e)| e.kind == k).map(|(i, _)| i));
    }
    order
}

impl App {
    pub fn new(lib: Library, state: State, opts: Options) -> Self {
        let visible = (0..lib.len()).collect();
        let analysed = vec![false; lib.len()];
        let mut app = App {
            lib: Arc::new(lib),
            state,
            opts,
            size: Rect::new(0, 0, 80, 24),
            mode: Mode::Normal,
            focus: Focus::List,
            zen: false,
            panel: true,
            overlay: false,
            show_removed: false,
            visible,
            list_sel: 0,
            list_offset: 0,
            list_filter: ListFilter::None,
            filter_input: String::new(),
            filter_gen: 0,
            filter_done: 0,
            filter_total: 0,
            pending_submit: false,
            before_filter: None,
            open: None,
            cache: HashMap::new(),
            cache_bytes: 0,
            analysis_budget: ANALYSIS_BUDGET,
            unsaved: HashMap::new(),
            wrapped: Wrapped::default(),
            wrap_cache: HashMap::new(),
            scroll: 0,
            search: None,
            ent_sel: 0,
            ent_offset: 0,
            ent_active: false,
            ent_mention: None,
            index: EntityIndex::new(),
            analysed: Vec::new(),
            analysed_count: 0,
            help_scroll: 0,
            unread: 0,
            message: None,
            undo: Vec::new(),
            effects: vec![Effect::AnalyseLibrary],
            quit: false,
            loading: None,
        };
        app.analysed = analysed;
        if let Some(p) = app.state.problems.first() {
            app.message = Some(p.clone());
        } else if !app.lib.problems.is_empty() {
            app.message = Some(format!("{} inputs had problems (listed on exit; `byline check` lists them)", app.lib.problems.len()));
        }
        app.recount_unread();
        app.preview_selected();
        app
    }

    /// A reader whose library is still loading: the list starts empty and
    /// grows with each [`Action::Loading`]; [`Action::Loaded`] ends it.
    pub fn loading(state: State, opts: Options) -> Self {
        let mut app = App::new(Library::default(), state, opts);
        app.effects.clear();
        app.loading = Some((0, 0));
        app
    }

    /// Takes in more articles of the library being loaded.
    fn grow(&mut self, part: Part) {
        let before = self.lib.len();
        Arc::make_mut(&mut self.lib).append(part);
        let n = self.lib.len();
        self.loading = Some((self.lib.files_done, self.lib.files_found));
        self.analysed.resize(n, false);
        self.unread += self.lib.articles[before..].iter().filter(|a| !self.state.is_read(&a.id)).count();
        // The whole list grows; a query's or an entity's list waits for
        // the end of loading.
        if self.list_filter == ListFilter::None {
            self.visible.extend(before..n);
            self.fix_list_offset();
            if self.open.is_none() {
                self.preview_selected();
            }
        }
    }

    /// The last part: the filter worker is built, the background analysis
    /// starts, and a query asked or applied while loading runs again on
    /// the whole library.
    fn loaded(&mut self, part: Part) {
        self.grow(part);
        self.loading = None;
        if self.message.is_none() && !self.lib.problems.is_empty() {
            self.message = Some(format!("{} inputs had problems (listed on exit; `byline check` lists them)", self.lib.problems.len()));
        }
        if self.lib.is_empty() {
            self.quit = true;
            return;
        }
        self.effects.push(Effect::IndexTitles);
        self.effects.push(Effect::AnalyseLibrary);
        let query_list = matches!(self.list_filter, ListFilter::Query { .. });
        if !self.filter_input.trim().is_empty() && (self.filtering() || query_list) {
            self.refilter();
        }
        self.refresh_entity_filter();
    }

    fn recount_unread(&mut self) {
        self.unread = self.lib.articles.iter().filter(|a| !self.state.is_read(&a.id)).count();
    }

    // ----- core calls, one place each -----

    /// The analysis of article `i`: kept from before (no work), or made
    /// now: cleaned with its entities from the on-disk index when it has
    /// them, else cleaned and tagged (its entities join the index).
    pub fn analysis(&mut self, i: usize) -> &Analysis {
        if !self.cache.contains_key(&i) {
            let a = match self.lib.stored_analysis(i) {
                Some(c) => analyse_with_entities(&self.lib, i, c.entities()),
                None => analyse(&self.lib, i),
            };
            self.keep(i, Arc::new(a));
        }
        &self.cache[&i]
    }

    /// Takes in a new analysis of article `i`: the entity index, the
    /// entities to store, and the in-memory cache within its budget.
    fn keep(&mut self, i: usize, a: Arc<Analysis>) {
        if self.cache.contains_key(&i) {
            return;
        }
        if self.analysed.get(i) == Some(&false) && a.error.is_none() && !self.lib.has_stored_analysis(i) {
            if let Some(h) = self.lib.content_hash(i) {
                self.unsaved.insert(h.to_owned(), CachedAnalysis::of(&a.entities));
            }
        }
        self.add_to_index(i, entity_names(&a));
        self.cache_bytes += a.weight();
        self.cache.insert(i, a);
        if self.cache_bytes > self.analysis_budget {
            self.trim_cache(Some(i));
        }
    }

    /// Lets go of the analyses farthest from the open (else the selected)
    /// article until the cache is down to three quarters of its budget;
    /// never the open article's, nor `also` (one being opened).
    fn trim_cache(&mut self, also: Option<usize>) {
        let anchor = self.open.or(self.selected()).unwrap_or(0);
        let mut keys: Vec<usize> = self.cache.keys().copied().filter(|&k| Some(k) != self.open && Some(k) != also).collect();
        keys.sort_unstable_by_key(|&k| std::cmp::Reverse(k.abs_diff(anchor)));
        for k in keys {
            if self.cache_bytes <= self.analysis_budget / 4 * 3 {
                break;
            }
            if let Some(a) = self.cache.remove(&k) {
                self.cache_bytes -= a.weight();
            }
        }
    }

    /// Which articles are analysed (the background worker skips them).
    pub fn analysed_flags(&self) -> &[bool] {
        &self.analysed
    }

    /// Analyses made in this run that the on-disk index does not have yet
    /// (by content hash), taken out: the run loop writes them back.
    pub fn take_unsaved(&mut self) -> HashMap<String, CachedAnalysis> {
        std::mem::take(&mut self.unsaved)
    }

    /// How many analyses made in this run wait to be written to the index.
    pub fn unsaved(&self) -> usize {
        self.unsaved.len()
    }

    /// Adds one analysed article's entities to the library index.
    fn add_to_index(&mut self, i: usize, names: Vec<String>) {
        if self.analysed.get(i).is_none_or(|&done| done) {
            return;
        }
        self.analysed[i] = true;
        self.analysed_count += 1;
        for n in names {
            self.index.entry(n).or_default().push(i);
        }
    }

    /// Background analysis still running: (articles done, articles); it
    /// starts when loading ends.
    pub fn progress(&self) -> Option<(usize, usize)> {
        (self.loading.is_none() && self.analysed_count < self.lib.len()).then_some((self.analysed_count, self.lib.len()))
    }

    fn known_batch(&mut self, batch: Vec<(usize, Vec<String>)>) {
        for (i, names) in batch {
            self.add_to_index(i, names);
        }
        self.refresh_entity_filter();
    }

    fn analysed_batch(&mut self, batch: Vec<(usize, Arc<Analysis>)>) {
        for (i, a) in batch {
            self.keep(i, a);
        }
        // What the batch added far from the reader goes first.
        if self.cache_bytes > self.analysis_budget / 4 * 3 {
            self.trim_cache(None);
        }
        self.refresh_entity_filter();
    }

    /// How many analysed articles are held in memory.
    pub fn cached_analyses(&self) -> usize {
        self.cache.len()
    }

    /// About how many bytes they take (see [`Analysis::weight`]).
    pub fn cached_bytes(&self) -> usize {
        self.cache_bytes
    }

    /// True when article `i`'s analysis is in memory (opening it does no work).
    pub fn is_cached(&self, i: usize) -> bool {
        self.cache.contains_key(&i)
    }

    /// The analysis of the open article, when there is one.
    pub fn current(&self) -> Option<&Analysis> {
        self.open.and_then(|i| self.cache.get(&i)).map(|a| &**a)
    }

    /// Asks the filter worker to rank the titles for the typed query; the
    /// answer comes back as [`Action::Filtered`]. The keystroke is on screen
    /// before then (the input line), and the list keeps the previous answer.
    fn refilter(&mut self) {
        let q = self.filter_input.trim().to_owned();
        self.filter_gen += 1;
        if q.is_empty() {
            self.filter_done = self.filter_gen;
            self.visible = (0..self.lib.len()).collect();
            self.filter_total = self.visible.len();
            self.list_filter = ListFilter::None;
            self.list_sel = 0;
            self.list_offset = 0;
            self.fix_list_offset();
            self.preview_selected();
        } else {
            self.effects.push(Effect::Filter { generation: self.filter_gen, query: q });
        }
    }

    /// How many articles the list's restriction matches (the list itself
    /// holds at most [`FILTER_TOP`] of a query's matches).
    pub fn matched(&self) -> usize {
        match self.list_filter {
            ListFilter::Query { .. } => self.filter_total,
            _ => self.visible.len(),
        }
    }

    /// True while a query typed in the filter waits for its answer.
    pub fn filtering(&self) -> bool {
        self.filter_gen != self.filter_done
    }

    /// Any answer still on its way is for a query no longer wanted.
    fn cancel_filter(&mut self) {
        self.filter_gen += 1;
        self.filter_done = self.filter_gen;
        self.pending_submit = false;
    }

    /// Applies the worker's answer, unless a newer query was asked since.
    fn filtered(&mut self, r: FilterResult) {
        if r.generation != self.filter_gen {
            return;
        }
        self.filter_done = r.generation;
        // The same query again (loading ended): the selection stays.
        let keep = match &self.list_filter {
            ListFilter::Query { query, .. } if *query == r.query => self.selected(),
            _ => None,
        };
        self.visible = r.top.iter().map(|m| m.index).collect();
        self.filter_total = r.total;
        self.list_filter = ListFilter::Query { query: r.query, positions: HashMap::new() };
        self.list_sel = keep.and_then(|i| self.visible.iter().position(|&v| v == i)).unwrap_or(0);
        self.list_offset = 0;
        self.fix_list_offset();
        self.preview_selected();
        if std::mem::take(&mut self.pending_submit) {
            update(self, Action::Open);
        }
    }

    /// The matched characters of the titles in view (only those: a large
    /// library matches thousands of titles per keystroke).
    fn highlight_rows(&mut self) {
        let rows = self.list_rows();
        let ListFilter::Query { query, positions } = &mut self.list_filter else { return };
        let q = Query::new(query);
        for &i in self.visible.iter().skip(self.list_offset).take(rows) {
            positions.entry(i).or_insert_with(|| q.positions(&self.lib.articles[i].meta.title));
        }
    }

    // ----- layout -----

    pub fn shape(&self) -> Shape {
        Shape { zen: self.zen, focus: self.focus, panel: self.panel, overlay: self.overlay, need_list: self.mode == Mode::Filter }
    }

    pub fn panes(&self) -> Panes {
        layout::panes(self.size, self.shape())
    }

    fn reader_height(&self) -> usize {
        self.panes().reader.map_or(1, |r| layout::reader_text(r).height.max(1) as usize)
    }

    fn list_rows(&self) -> usize {
        self.panes().list.map_or(1, |r| (layout::inner(r).height / 2).max(1) as usize)
    }

    fn ent_height(&self) -> usize {
        self.panes().entities.map_or(1, |r| layout::inner(r).height.max(1) as usize)
    }

    fn pane_visible(&self, f: Focus) -> bool {
        let p = self.panes();
        match f {
            Focus::List => p.list.is_some(),
            Focus::Reader => p.reader.is_some(),
            Focus::Entities => p.entities.is_some(),
        }
    }

    /// After a change of size or flags: a hidden pane cannot keep focus.
    fn fix_focus(&mut self) {
        if !self.pane_visible(self.focus) {
            self.focus = if self.pane_visible(Focus::Reader) { Focus::Reader } else { Focus::List };
        }
    }

    // ----- the list -----

    pub fn selected(&self) -> Option<usize> {
        self.visible.get(self.list_sel).copied()
    }

    fn fix_list_offset(&mut self) {
        let rows = self.list_rows();
        self.list_sel = clamp_sel(self.list_sel, self.visible.len());
        if self.list_sel < self.list_offset {
            self.list_offset = self.list_sel;
        } else if self.list_sel >= self.list_offset + rows {
            self.list_offset = self.list_sel + 1 - rows;
        }
        self.list_offset = self.list_offset.min(self.visible.len().saturating_sub(rows));
        self.highlight_rows();
    }

    fn select(&mut self, pos: usize) {
        self.list_sel = clamp_sel(pos, self.visible.len());
        self.fix_list_offset();
        self.preview_selected();
    }

    fn move_list(&mut self, delta: isize) {
        let pos = self.list_sel.saturating_add_signed(delta);
        self.select(pos);
    }

    /// Shows the selected article in the reader without marking it read.
    fn preview_selected(&mut self) {
        if let Some(i) = self.selected() {
            self.open_article(i);
        }
    }

    // ----- the reader -----

    /// The block at the top of the reading pane.
    fn top_block(&self) -> usize {
        self.wrapped.lines.iter().skip(self.scroll).find_map(|l| l.block).unwrap_or(0)
    }

    fn first_line_of_block(&self, block: usize) -> usize {
        self.wrapped.lines.iter().position(|l| l.block.is_some_and(|b| b >= block)).unwrap_or(0)
    }

    /// Remembers where reading stopped in the open article.
    pub fn leave_article(&mut self) {
        if let Some(i) = self.open {
            let id = self.lib.articles[i].id.clone();
            let pos = if self.scroll == 0 { 0 } else { self.top_block() };
            if pos != self.state.position(&id) {
                self.state.set_position(&id, pos);
            }
        }
    }

    /// Opens article `i` in the reader (analysis, wrap, position).
    pub fn open_article(&mut self, i: usize) {
        if self.open == Some(i) {
            return;
        }
        self.leave_article();
        self.analysis(i);
        self.open = Some(i);
        self.search = None;
        self.ent_sel = 0;
        self.ent_offset = 0;
        self.ent_active = false;
        self.ent_mention = None;
        self.wrapped = Wrapped::default();
        self.rewrap();
        let pos = self.state.position(&self.lib.articles[i].id);
        self.scroll = if pos > 0 { self.first_line_of_block(pos) } else { 0 };
        self.clamp_scroll();
    }

    fn mark_read(&mut self, i: usize, read: bool) {
        let id = self.lib.articles[i].id.clone();
        let before = self.state.is_read(&id);
        if before != read {
            self.undo.push((id.clone(), before));
            self.state.set_read(&id, read);
            self.recount_unread();
        }
    }

    /// Re-wraps the open article for the reader's current width, keeping
    /// the block at the top in view.
    fn rewrap(&mut self) {
        let Some(i) = self.open else { return };
        let width = self.panes().reader.map_or(layout::MEASURE, |r| layout::reader_text(r).width).max(1);
        let key = Some((i, width, self.show_removed));
        if self.wrapped.key == key {
            return;
        }
        let keep = if self.wrapped.key.is_some() && self.scroll > 0 { Some(self.top_block()) } else { None };
        let cache_key = (i, width, self.show_removed);
        let lines = match self.wrap_cache.get(&cache_key) {
            Some(l) => l.clone(),
            None => {
                let lib = self.lib.clone();
                let show = self.show_removed;
                let a = self.analysis(i);
                let mut lines = wrap::lines(&lib.articles[i].meta, &a.cleaned, width, show);
                if let Some(e) = &a.error {
                    lines.push(WLine { kind: wrap::LineKind::Meta, prefix: String::new(), text: e.clone(), body: None, block: None });
                }
                if self.wrap_cache.len() >= WRAP_CACHE {
                    self.wrap_cache.clear();
                }
                let lines = Arc::new(lines);
                self.wrap_cache.insert(cache_key, lines.clone());
                lines
            }
        };
        self.wrapped = Wrapped { key, lines };
        if let Some(b) = keep {
            self.scroll = self.first_line_of_block(b);
        }
        self.clamp_scroll();
    }

    pub fn max_scroll(&self) -> usize {
        self.wrapped.lines.len().saturating_sub(self.reader_height())
    }

    fn clamp_scroll(&mut self) {
        self.scroll = self.scroll.min(self.max_scroll());
    }

    fn scroll_by(&mut self, delta: isize) {
        self.scroll = self.scroll.saturating_add_signed(delta);
        self.clamp_scroll();
    }

    /// Scroll position in percent.
    pub fn percent(&self) -> usize {
        (self.scroll * 100).checked_div(self.max_scroll()).unwrap_or(100)
    }

    /// Brings the body offset `at` into view, a third from the top.
    fn reveal(&mut self, at: usize) {
        let line = self.wrapped.lines.iter().rposition(|l| l.body.is_some_and(|s| s <= at));
        if let Some(line) = line {
            let h = self.reader_height();
            if line < self.scroll || line >= self.scroll + h {
                self.scroll = line.saturating_sub(h / 3);
                self.clamp_scroll();
            }
        }
    }

    fn run_search(&mut self, query: &str) {
        let matches = match self.current() {
            Some(a) if !query.is_empty() => find_all(&a.body, query),
            _ => vec![],
        };
        // The first match at or below the top of the pane.
        let top = self.wrapped.lines.iter().skip(self.scroll).find_map(|l| l.body).unwrap_or(0);
        let current = if matches.is_empty() { None } else { Some(matches.iter().position(|m| m.0 >= top).unwrap_or(0)) };
        self.search = Some(Search { query: query.to_owned(), matches, current });
        if let Some(c) = current {
            let at = self.search.as_ref().expect("set above").matches[c].0;
            self.reveal(at);
        }
    }

    // ----- entities -----

    pub fn ent_rows(&self) -> Vec<EntRow> {
        let mut rows = Vec::new();
        if let Some(a) = self.current() {
            let mut last = None;
            for (pos, &i) in a.order.iter().enumerate() {
                let k = a.entities[i].kind;
                if last != Some(k) {
                    rows.push(EntRow::Heading(k));
                    last = Some(k);
                }
                rows.push(EntRow::Entity(pos));
            }
        }
        rows
    }

    /// The selected entity of the open article.
    pub fn selected_entity(&self) -> Option<&Entity> {
        let a = self.current()?;
        a.order.get(self.ent_sel).map(|&i| &a.entities[i])
    }

    fn select_entity(&mut self, pos: usize) {
        let n = self.current().map_or(0, |a| a.order.len());
        self.ent_sel = clamp_sel(pos, n);
        self.ent_active = n > 0;
        self.ent_mention = None;
        let rows = self.ent_rows();
        let row = rows.iter().position(|r| *r == EntRow::Entity(self.ent_sel)).unwrap_or(0);
        let h = self.ent_height();
        let want_top = if self.ent_sel == 0 { 0 } else { row };
        if want_top < self.ent_offset {
            self.ent_offset = want_top;
        } else if row >= self.ent_offset + h {
            self.ent_offset = row + 1 - h;
        }
        // Show a mention when none is in view, so the highlight is seen.
        let spans = self.selected_entity().map(|e| e.spans.clone()).unwrap_or_default();
        if !spans.is_empty() && !spans.iter().any(|&(a, _)| self.in_view(a)) {
            self.reveal(spans[0].0);
        }
    }

    /// True when the body offset `at` is on a line in the reading pane.
    fn in_view(&self, at: usize) -> bool {
        let h = self.reader_height();
        self.wrapped.lines.iter().skip(self.scroll).take(h).any(|l| l.body.is_some_and(|s| s <= at && at <= s + l.text.chars().count()))
    }

    fn jump_mention(&mut self, forward: bool) {
        let Some(spans) = self.selected_entity().map(|e| e.spans.clone()) else { return };
        if spans.is_empty() {
            return;
        }
        let next = match self.ent_mention {
            None => 0,
            Some(m) if forward => (m + 1) % spans.len(),
            Some(m) => (m + spans.len() - 1) % spans.len(),
        };
        self.ent_mention = Some(next);
        self.reveal(spans[next].0);
        self.message = Some(format!("mention {} of {}", next + 1, spans.len()));
    }

    fn jump_match(&mut self, forward: bool) {
        let Some(s) = &mut self.search else { return };
        if s.matches.is_empty() {
            self.message = Some(format!("no match for \u{201c}{}\u{201d}", s.query));
            return;
        }
        let n = s.matches.len();
        let c = match s.current {
            None => 0,
            Some(c) if forward => (c + 1) % n,
            Some(c) => (c + n - 1) % n,
        };
        s.current = Some(c);
        let at = s.matches[c].0;
        self.message = Some(format!("match {} of {n}", c + 1));
        self.reveal(at);
    }

    /// True when n/N move between highlights rather than articles.
    pub fn has_highlights(&self) -> bool {
        self.search.as_ref().is_some_and(|s| !s.matches.is_empty()) || (self.ent_active && self.selected_entity().is_some())
    }

    /// Lists the articles that mention the selected entity: at once, over
    /// the articles analysed so far; the list grows as the background
    /// analysis goes on (see [`App::refresh_entity_filter`]).
    fn filter_by_entity(&mut self) {
        let Some(e) = self.selected_entity() else { return };
        let name = e.name.clone();
        self.apply_entity_filter(&name);
    }

    /// The articles analysed so far that mention `name`, in library order.
    fn entity_hits(&self, name: &str) -> Vec<usize> {
        let mut hits = self.index.get(&fold(name)).cloned().unwrap_or_default();
        hits.sort_unstable();
        hits
    }

    fn entity_message(&self, name: &str) -> String {
        let n = self.visible.len();
        let s = if n == 1 { "" } else { "s" };
        match self.progress() {
            Some((done, all)) => format!("{n} article{s} mention {name} so far · {done} of {all} analysed (Esc shows all)"),
            None => format!("{n} article{s} mention {name} (Esc shows all)"),
        }
    }

    /// True while the status message is the entity filter's, counting the
    /// analysis itself (the progress on the right would repeat it).
    pub fn message_shows_progress(&self) -> bool {
        let ListFilter::Entity { name } = &self.list_filter else { return false };
        self.progress().is_some() && self.message.as_deref().is_some_and(|m| *m == self.entity_message(name))
    }

    fn apply_entity_filter(&mut self, name: &str) {
        let keep = self.open;
        self.cancel_filter();
        self.visible = self.entity_hits(name);
        self.list_filter = ListFilter::Entity { name: name.to_owned() };
        self.list_sel = keep.and_then(|o| self.visible.iter().position(|&v| v == o)).unwrap_or(0);
        self.fix_list_offset();
        self.focus = if self.pane_visible(Focus::List) { Focus::List } else { self.focus };
        self.overlay = false;
        self.fix_focus();
        self.message = Some(self.entity_message(name));
    }

    /// After more articles were analysed: the entity filter's list takes in
    /// the new ones, the selected article staying selected, and its count
    /// in the status line moves on (unless the user has seen another
    /// message since).
    fn refresh_entity_filter(&mut self) {
        let ListFilter::Entity { name } = &self.list_filter else { return };
        let name = name.clone();
        let hits = self.entity_hits(&name);
        if hits.len() != self.visible.len() {
            let keep = self.selected();
            self.visible = hits;
            self.list_sel = keep.and_then(|o| self.visible.iter().position(|&v| v == o)).unwrap_or(0);
            self.fix_list_offset();
            if self.selected() != keep {
                self.preview_selected();
            }
        }
        if self.message.as_deref().is_some_and(|m| m.contains(&format!(" mention {name}"))) {
            self.message = Some(self.entity_message(&name));
        }
    }

    fn clear_list_filter(&mut self) {
        let keep = self.selected().or(self.open);
        self.cancel_filter();
        self.visible = (0..self.lib.len()).collect();
        self.list_filter = ListFilter::None;
        self.filter_input.clear();
        self.list_sel = keep.unwrap_or(0);
        self.fix_list_offset();
    }

    // ----- focus -----

    fn cycle_focus(&mut self, forward: bool) {
        let order = [Focus::List, Focus::Reader, Focus::Entities];
        let mut i = order.iter().position(|f| *f == self.focus).unwrap_or(0);
        for _ in 0..3 {
            i = if forward { (i + 1) % 3 } else { (i + 2) % 3 };
            // In one-pane layouts the next pane is shown by focusing it.
            let single = self.size.width < layout::SINGLE_WIDTH && !self.zen && order[i] != Focus::Entities;
            if single || self.pane_visible(order[i]) {
                self.focus = order[i];
                break;
            }
        }
        if self.focus == Focus::Entities {
            let s = self.ent_sel;
            self.select_entity(s);
        }
        self.rewrap();
    }

    /// The article the keys m, y, Y act on.
    fn target(&self) -> Option<usize> {
        if self.focus == Focus::List {
            self.selected()
        } else {
            self.open.or(self.selected())
        }
    }
}

/// The core's work on one article: clean, then tag the cleaned body.
pub fn analyse(lib: &Library, i: usize) -> Analysis {
    analysed(lib, i, None)
}

/// [`analyse`] for an article whose entities are known (the same cleaner
/// and tagger found them before, see [`CachedAnalysis`]): cleaned only.
pub fn analyse_with_entities(lib: &Library, i: usize, ents: Vec<Entity>) -> Analysis {
    analysed(lib, i, Some(ents))
}

fn analysed(lib: &Library, i: usize, known: Option<Vec<Entity>>) -> Analysis {
    match lib.document(i) {
        Ok(doc) => {
            let cleaned = clean(doc, &lib.articles[i].meta);
            let body = cleaned.body_text();
            let ents = known.unwrap_or_else(|| entities(&body));
            let words = body.split_whitespace().count();
            Analysis { order: panel_order(&ents), cleaned, words, entities: ents, body, error: None }
        }
        Err(e) => Analysis { error: Some(crate::core::sanitize::sanitize_line(&e.to_string())), ..Analysis::default() },
    }
}

/// Starts the title filter for the library on a thread of its own (the
/// core's incremental engine); its answers go to `on_result`, to be fed
/// back as [`Action::Filtered`]. Folding a large library's titles takes a
/// while: call this off the interface thread.
pub fn filter_worker(lib: &Library, on_result: impl FnMut(FilterResult) + Send + 'static) -> FilterWorker {
    let titles: TitleBuf = lib.articles.iter().map(|a| a.meta.title.as_str()).collect();
    FilterWorker::spawn(Filterer::from_titles(&titles), FILTER_TOP, on_result)
}

/// An article's entity names, case-folded, each once: what the library's
/// entity index keeps of an analysis.
fn entity_names(a: &Analysis) -> Vec<String> {
    folded_names(a.entities.iter().map(|e| e.name.as_str()))
}

fn folded_names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut names: Vec<String> = names.map(fold).collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The background worker's work on article `i`: [`analyse`], shared (the
/// app keeps it within [`ANALYSIS_BUDGET`]).
pub fn summarise(lib: &Library, i: usize) -> Arc<Analysis> {
    Arc::new(analyse(lib, i))
}

/// How often the background work reports (and so how often its progress
/// redraws the screen).
pub const BACKGROUND_BATCH: std::time::Duration = std::time::Duration::from_millis(100);

/// The background work over the articles not `done`: first those whose
/// analysis the on-disk index holds (their entity names, decoded off the
/// interface thread: [`Action::Known`]), then the rest, cleaned and tagged
/// ([`Action::Analysed`]). Batches go to `send` every [`BACKGROUND_BATCH`]
/// (and at the end of each part); it stops when `send` returns false.
pub fn background_work(lib: &Library, done: &[bool], mut send: impl FnMut(Action) -> bool) {
    let todo = |i: &usize| !done.get(*i).copied().unwrap_or(false);
    let (known, rest): (Vec<usize>, Vec<usize>) = (0..lib.len()).filter(todo).partition(|&i| lib.has_stored_analysis(i));
    let mut last = std::time::Instant::now();
    let mut batch = Vec::new();
    for (n, &i) in known.iter().enumerate() {
        let names = lib.stored_analysis(i).map(|c| folded_names(c.entities.iter().map(|e| e.name.as_str()))).unwrap_or_default();
        batch.push((i, names));
        if last.elapsed() >= BACKGROUND_BATCH || n + 1 == known.len() {
            if !send(Action::Known(std::mem::take(&mut batch))) {
                return;
            }
            last = std::time::Instant::now();
        }
    }
    let mut batch = Vec::new();
    for (n, &i) in rest.iter().enumerate() {
        batch.push((i, summarise(lib, i)));
        if last.elapsed() >= BACKGROUND_BATCH || n + 1 == rest.len() {
            if !send(Action::Analysed(std::mem::take(&mut batch))) {
                return;
            }
            last = std::time::Instant::now();
        }
    }
}

/// Every occurrence of `query` in `body`, case folded, as code-point ranges.
pub fn find_all(body: &str, query: &str) -> Vec<(usize, usize)> {
    let hay: Vec<char> = fold(body).chars().collect();
    let needle: Vec<char> = fold(query).chars().collect();
    if needle.is_empty() || needle.len() > hay.len() {
        return vec![];
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()] == needle[..] {
            out.push((i, i + needle.len()));
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

/// Applies one action.
pub fn update(app: &mut App, action: Action) {
    // A message stays until the user does something (a resize or a
    // background result is not the user).
    if !matches!(
        action,
        Action::Resize(..) | Action::Analysed(_) | Action::Known(_) | Action::Filtered(_) | Action::Loading(_) | Action::Loaded(_)
    ) {
        app.message = None;
    }
    // Background results apply in every mode.
    let action = match action {
        Action::Filtered(r) => return app.filtered(r),
        Action::Analysed(batch) => return app.analysed_batch(batch),
        Action::Known(batch) => return app.known_batch(batch),
        Action::Loading(part) => return app.grow(part),
        Action::Loaded(part) => return app.loaded(part),
        a => a,
    };
    match app.mode {
        Mode::Help => return update_help(app, action),
        Mode::Filter | Mode::Search => {
            if update_input(app, &action) {
                return;
            }
        }
        Mode::Normal => {}
    }
    match action {
        Action::Quit => {
            app.leave_article();
            app.quit = true;
        }
        Action::Back => back(app),
        Action::Resize(w, h) => {
            app.size = Rect::new(0, 0, w, h);
            app.fix_focus();
            app.fix_list_offset();
            app.rewrap();
        }
        Action::Up => step(app, -1),
        Action::Down => step(app, 1),
        Action::PageUp => page(app, -1),
        Action::PageDown => page(app, 1),
        Action::Top => match app.focus {
            Focus::List => app.select(0),
            Focus::Reader => app.scroll = 0,
            Focus::Entities => app.select_entity(0),
        },
        Action::Bottom => match app.focus {
            Focus::List => app.select(usize::MAX),
            Focus::Reader => app.scroll = app.max_scroll(),
            Focus::Entities => app.select_entity(usize::MAX),
        },
        Action::FocusNext => app.cycle_focus(true),
        Action::FocusPrev => app.cycle_focus(false),
        Action::Open => match app.focus {
            Focus::List | Focus::Reader => {
                if let Some(i) = app.selected() {
                    app.open_article(i);
                    app.mark_read(i, true);
                    app.focus = Focus::Reader;
                    app.rewrap();
                }
            }
            Focus::Entities => app.filter_by_entity(),
        },
        Action::NextArticle | Action::PrevArticle => {
            let d = if action == Action::NextArticle { 1 } else { -1 };
            let before = app.list_sel;
            app.move_list(d);
            if app.list_sel == before {
                app.message = Some(if d > 0 { "last article".into() } else { "first article".into() });
            }
            if let Some(i) = app.selected() {
                app.mark_read(i, true);
            }
        }
        Action::StartFilter => {
            app.mode = Mode::Filter;
            app.zen = false;
            app.before_filter = app.selected();
            app.filter_input = match &app.list_filter {
                ListFilter::Query { query, .. } => query.clone(),
                _ => String::new(),
            };
            app.focus = Focus::List;
            app.refilter();
        }
        Action::StartSearch => {
            if app.open.is_some() {
                app.mode = Mode::Search;
                app.ent_active = false;
                let q = app.search.as_ref().map(|s| s.query.clone()).unwrap_or_default();
                app.run_search(&q);
            }
        }
        Action::NextMatch | Action::PrevMatch => {
            let fwd = action == Action::NextMatch;
            if app.search.as_ref().is_some_and(|s| !s.matches.is_empty()) {
                app.jump_match(fwd);
            } else if app.ent_active {
                app.jump_mention(fwd);
            }
        }
        Action::ToggleEntities => {
            let w = app.size.width;
            if layout::wide(w) && !app.zen {
                app.panel = !app.panel;
                app.overlay = false;
            } else {
                app.overlay = !app.overlay;
            }
            if app.pane_visible(Focus::Entities) && (app.overlay || app.focus == Focus::Entities) {
                app.focus = Focus::Entities;
                let s = app.ent_sel;
                app.select_entity(s);
            }
            app.fix_focus();
            app.rewrap();
        }
        Action::ToggleZen => {
            app.zen = !app.zen;
            app.overlay = false;
            if app.zen {
                app.focus = Focus::Reader;
            }
            app.fix_focus();
            app.rewrap();
        }
        Action::ToggleRemoved => {
            app.show_removed = !app.show_removed;
            app.rewrap();
            let n = app.current().map_or(0, |a| a.cleaned.removed().count());
            app.message = Some(if app.show_removed {
                format!("showing {n} removed line{} with reasons (x hides)", if n == 1 { "" } else { "s" })
            } else {
                "removed lines hidden".into()
            });
        }
        Action::ToggleHelp => {
            app.mode = Mode::Help;
            app.help_scroll = 0;
        }
        Action::CopyUrl => match app.target().and_then(|i| app.lib.articles[i].meta.url.clone()) {
            Some(u) => {
                app.message = Some("URL copied to the clipboard (OSC 52; the terminal must allow it)".into());
                app.effects.push(Effect::Copy(u));
            }
            None => app.message = Some("this article has no URL".into()),
        },
        Action::CopyText => {
            if let Some(i) = app.target() {
                let title = app.lib.articles[i].meta.title.clone();
                let body = app.analysis(i).body.clone();
                app.effects.push(Effect::Copy(format!("{title}\n\n{body}\n")));
                app.message = Some("cleaned text copied to the clipboard (OSC 52; the terminal must allow it)".into());
            }
        }
        Action::ToggleRead => {
            if let Some(i) = app.target() {
                let id = app.lib.articles[i].id.clone();
                let read = !app.state.is_read(&id);
                app.mark_read(i, read);
                app.message = Some(format!("marked {} (u undoes)", if read { "read" } else { "unread" }));
            }
        }
        Action::Undo => match app.undo.pop() {
            Some((id, read)) => {
                app.state.set_read(&id, read);
                app.recount_unread();
                let title = app.lib.articles.iter().find(|a| a.id == id).map(|a| a.meta.title.clone()).unwrap_or_default();
                app.message = Some(format!("undone: {title} is {} again", if read { "read" } else { "unread" }));
            }
            None => app.message = Some("nothing to undo".into()),
        },
        Action::Wheel { x, y, down } => {
            let d: isize = if down { 3 } else { -3 };
            match pane_at(app, x, y) {
                Some(Focus::List) => app.move_list(d.signum()),
                Some(Focus::Entities) => {
                    let s = app.ent_sel.saturating_add_signed(d.signum());
                    app.select_entity(s)
                }
                _ => app.scroll_by(d),
            }
        }
        Action::Click { x, y } => click(app, x, y),
        Action::Filtered(r) => app.filtered(r),
        Action::Analysed(batch) => app.analysed_batch(batch),
        Action::Known(batch) => app.known_batch(batch),
        Action::Loading(part) => app.grow(part),
        Action::Loaded(part) => app.loaded(part),
        // Typing outside an input line does nothing.
        Action::Input(_) | Action::Backspace | Action::Submit => {}
    }
}

fn update_help(app: &mut App, action: Action) {
    let rows = super::keys::help_rows(app.size.width).0.len();
    let inner = super::keys::help_height(app.size.width, app.size.height).saturating_sub(2) as usize;
    let max = rows.saturating_sub(inner);
    let page = inner.max(1);
    match action {
        Action::Back | Action::ToggleHelp | Action::Quit => app.mode = Mode::Normal,
        Action::Down => app.help_scroll += 1,
        Action::Up => app.help_scroll = app.help_scroll.saturating_sub(1),
        Action::PageDown => app.help_scroll += page,
        Action::PageUp => app.help_scroll = app.help_scroll.saturating_sub(page),
        Action::Top => app.help_scroll = 0,
        Action::Bottom => app.help_scroll = max,
        Action::Resize(w, h) => {
            app.mode = Mode::Normal;
            update(app, Action::Resize(w, h));
            app.mode = Mode::Help;
        }
        _ => {}
    }
    let max = super::keys::help_rows(app.size.width)
        .0
        .len()
        .saturating_sub(super::keys::help_height(app.size.width, app.size.height).saturating_sub(2) as usize);
    app.help_scroll = app.help_scroll.min(max);
}

/// Handles an action while a query is typed; false passes it on.
fn update_input(app: &mut App, action: &Action) -> bool {
    let filtering = app.mode == Mode::Filter;
    let edited = match action {
        Action::Input(_) | Action::Backspace => {
            let mut q = if filtering { std::mem::take(&mut app.filter_input) } else { search_query(app) };
            match action {
                Action::Input(c) => q.push(*c),
                _ => {
                    q.pop();
                }
            }
            if filtering {
                app.filter_input = q.clone();
            }
            Some(q)
        }
        _ => None,
    };
    if let Some(q) = edited {
        if filtering {
            app.refilter();
        } else {
            app.run_search(&q);
        }
        return true;
    }
    match action {
        Action::Submit => {
            app.mode = Mode::Normal;
            if filtering && app.filtering() {
                // Open the best match of what was typed, not of an older answer.
                app.pending_submit = true;
                app.message = Some("filtering…".into());
            } else if filtering {
                update(app, Action::Open);
            } else if let Some(s) = &app.search {
                app.message = Some(match s.matches.len() {
                    0 => format!("no match for \u{201c}{}\u{201d}", s.query),
                    n => format!("{n} match{} (n/N next/previous, Esc clears)", if n == 1 { "" } else { "es" }),
                });
                if s.query.is_empty() {
                    app.search = None;
                }
            }
            true
        }
        Action::Back => {
            app.mode = Mode::Normal;
            if filtering {
                app.clear_list_filter();
                if let Some(i) = app.before_filter.take() {
                    app.list_sel = app.visible.iter().position(|&v| v == i).unwrap_or(0);
                    app.fix_list_offset();
                    app.preview_selected();
                }
            } else {
                app.search = None;
            }
            true
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Resize(..)
        | Action::Quit
        | Action::NextMatch
        | Action::PrevMatch => {
            // Moving through matches while typing.
            false
        }
        _ => true,
    }
}

fn search_query(app: &App) -> String {
    app.search.as_ref().map(|s| s.query.clone()).unwrap_or_default()
}

fn back(app: &mut App) {
    if app.overlay {
        app.overlay = false;
        app.fix_focus();
    } else if app.ent_active {
        app.ent_active = false;
        app.ent_mention = None;
    } else if app.search.is_some() {
        app.search = None;
    } else if app.list_filter != ListFilter::None {
        app.clear_list_filter();
        app.message = Some("showing every article".into());
    } else if app.zen {
        app.zen = false;
        app.rewrap();
    } else if app.focus != Focus::List && (app.pane_visible(Focus::List) || app.size.width < layout::SINGLE_WIDTH) {
        app.focus = Focus::List;
        app.rewrap();
    } else {
        app.message = Some("q quits".into());
    }
}

fn step(app: &mut App, d: isize) {
    match app.focus {
        Focus::List => app.move_list(d),
        Focus::Reader => app.scroll_by(d),
        Focus::Entities => {
            let s = app.ent_sel.saturating_add_signed(d);
            app.select_entity(s)
        }
    }
}

fn page(app: &mut App, d: isize) {
    match app.focus {
        Focus::List => app.move_list(d * app.list_rows() as isize),
        Focus::Reader => {
            let h = app.reader_height().saturating_sub(2).max(1) as isize;
            app.scroll_by(d * h)
        }
        Focus::Entities => {
            let s = app.ent_sel.saturating_add_signed(d * app.ent_height() as isize);
            app.select_entity(s)
        }
    }
}

fn pane_at(app: &App, x: u16, y: u16) -> Option<Focus> {
    let p = app.panes();
    let at = Position { x, y };
    if p.entities.is_some_and(|r| r.contains(at)) {
        Some(Focus::Entities)
    } else if p.list.is_some_and(|r| r.contains(at)) {
        Some(Focus::List)
    } else if p.reader.is_some_and(|r| r.contains(at)) {
        Some(Focus::Reader)
    } else {
        None
    }
}

fn click(app: &mut App, x: u16, y: u16) {
    let p = app.panes();
    match pane_at(app, x, y) {
        Some(Focus::List) => {
            app.focus = Focus::List;
            let inner = layout::inner(p.list.expect("clicked in it"));
            if y >= inner.y && y < inner.bottom() {
                let pos = app.list_offset + ((y - inner.y) / 2) as usize;
                if pos < app.visible.len() {
                    app.select(pos);
                }
            }
        }
        Some(Focus::Entities) => {
            app.focus = Focus::Entities;
            let inner = layout::inner(p.entities.expect("clicked in it"));
            if y >= inner.y {
                let row = app.ent_offset + (y - inner.y) as usize;
                match app.ent_rows().get(row) {
                    Some(EntRow::Entity(pos)) => app.select_entity(*pos),
                    _ => {
                        let s = app.ent_sel;
                        app.select_entity(s)
                    }
                }
            }
        }
        Some(Focus::Reader) => app.focus = Focus::Reader,
        None => {}
    }
}
