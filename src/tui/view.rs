//! Drawing, and nothing else: reads the app, writes cells. Every string
//! here comes from the core (sanitised) or from this program; all of it
//! goes through ratatui's buffer, which measures wide characters.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::app::{App, EntRow, ListFilter, Mode};
use super::layout::{self, Focus};
use super::theme::Theme;
use super::wrap::{self, LineKind};
use crate::core::clean::BlockKind;
use crate::core::sanitize::sanitize_line;

pub fn draw(app: &App, f: &mut Frame) {
    let t = Theme::new(app.opts.color);
    let area = f.area();
    let p = layout::panes(area, app.shape());
    let buf = f.buffer_mut();
    if let Some(r) = p.list {
        list(app, buf, r, &t);
    }
    if let Some(r) = p.reader {
        reader(app, buf, r, &t);
    }
    if let Some(r) = p.entities {
        if p.overlay {
            ratatui::widgets::Widget::render(Clear, r, buf);
        }
        entities(app, buf, r, &t);
    }
    if let Some(cursor) = status(app, buf, p.status, &t) {
        f.set_cursor_position(cursor);
    }
    if app.mode == Mode::Help {
        help(app, f.buffer_mut(), area, &t);
    }
}

fn pane(title: String, focused: bool, t: &Theme) -> Block<'static> {
    let title = if focused { format!("[ {title} ]") } else { format!(" {title} ") };
    Block::bordered().border_style(t.border(focused)).title(Span::styled(title, t.border(focused)))
}

fn render(w: impl ratatui::widgets::Widget, r: Rect, buf: &mut Buffer) {
    w.render(r, buf);
}

/// Cuts `s` to at most `w` display columns (wide characters whole), with
/// an ellipsis when something was cut.
fn truncate(s: &str, w: usize) -> String {
    if Span::raw(s).width() <= w {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = Span::raw(c.to_string()).width();
        if used + cw + 1 > w {
            break;
        }
        used += cw;
        out.push(c);
    }
    if w > 0 {
        out.push('…');
    }
    out
}

fn list(app: &App, buf: &mut Buffer, r: Rect, t: &Theme) {
    let focused = app.focus == Focus::List;
    let n = app.visible.len();
    let unread = app.unread;
    let title = match &app.list_filter {
        ListFilter::None if unread > 0 => format!("Articles {} · {unread} unread", app.lib.len()),
        ListFilter::None => format!("Articles {}", app.lib.len()),
        ListFilter::Query { query, .. } => format!("Articles /{query} {}/{}", app.matched(), app.lib.len()),
        ListFilter::Entity { name } => format!("Articles mentioning {name} {n}/{}", app.lib.len()),
    };
    let block = pane(title, focused, t);
    let inner = block.inner(r);
    render(block, r, buf);
    if n == 0 {
        let empty = if app.loading.is_some() { "loading…" } else { "no title matches" };
        render(Paragraph::new(Line::styled(empty, t.dim())), inner, buf);
        return;
    }
    let positions = match &app.list_filter {
        ListFilter::Query { positions, .. } => Some(positions),
        _ => None,
    };
    let rows = (inner.height / 2) as usize;
    for (k, &i) in app.visible.iter().enumerate().skip(app.list_offset).take(rows) {
        let a = &app.lib.articles[i];
        let y = inner.y + ((k - app.list_offset) * 2) as u16;
        let row = Rect { y, height: 2.min(inner.bottom() - y), ..inner };
        let base = if k == app.list_sel {
            if focused || app.mode == Mode::Filter {
                t.selected()
            } else {
                t.selected_idle()
            }
        } else {
            Style::new()
        };
        buf.set_style(row, base);
        let unread = !app.state.is_read(&a.id);
        let mark = if unread { Span::styled("* ", t.unread()) } else { Span::raw("  ") };
        let hits = positions.and_then(|p| p.get(&i)).map(Vec::as_slice).unwrap_or(&[]);
        let title_style = if unread { Style::new().add_modifier(ratatui::style::Modifier::BOLD) } else { Style::new() };
        let title = a.meta.title.as_str();
        let avail = inner.width.saturating_sub(2) as usize;
        // A narrow pane gives a title that does not fit its second line
        // (instead of the source and date).
        let wrapped = row.height > 1 && inner.width < NARROW_LIST && Span::raw(title).width() > avail;
        let second = if wrapped { wrap::wrap_offsets(title, avail).get(1).map(|&(at, _)| at) } else { None };
        let first_end = second.unwrap_or(title.len());
        let mut spans = vec![mark];
        spans.extend(title_spans(&title[..first_end], 0, hits, title_style, t));
        buf.set_line(inner.x, y, &Line::from(spans), inner.width);
        if let Some(at) = second {
            let rest = truncate(title[at..].trim_end(), avail);
            let mut spans = vec![Span::raw("  ")];
            spans.extend(title_spans(&rest, title[..at].chars().count(), hits, title_style, t));
            buf.set_line(inner.x, y + 1, &Line::from(spans), inner.width);
        } else if row.height > 1 {
            let sub: Vec<&str> = [&a.meta.source, &a.meta.date].into_iter().filter_map(|f| f.as_deref()).collect();
            let sub = if sub.is_empty() { a.origin.clone() } else { sub.join(" · ") };
            let style = if k == app.list_sel { Style::new() } else { t.dim() };
            buf.set_line(inner.x, y + 1, &Line::from(vec![Span::raw("  "), Span::styled(sub, style)]), inner.width);
        }
    }
}

/// Below this many columns inside the list, long titles take both lines of
/// their row.
const NARROW_LIST: u16 = 40;

/// A piece of a title starting at character `from`, with the query's
/// matched characters (`hits`, character positions in the whole title)
/// highlighted.
fn title_spans(text: &str, from: usize, hits: &[usize], style: Style, t: &Theme) -> Vec<Span<'static>> {
    if !text.chars().enumerate().any(|(ci, _)| hits.contains(&(from + ci))) {
        return vec![Span::styled(text.to_owned(), style)];
    }
    text.chars()
        .enumerate()
        .map(|(ci, c)| Span::styled(c.to_string(), if hits.contains(&(from + ci)) { style.patch(t.matched()) } else { style }))
        .collect()
}

/// Highlight ranges over the body, in code points: (start, end, style),
/// later entries drawn over earlier ones.
fn highlights(app: &App, t: &Theme) -> Vec<(usize, usize, Style)> {
    let mut out = Vec::new();
    if app.ent_active {
        if let Some(e) = app.selected_entity() {
            for (k, &(s, e2)) in e.spans.iter().enumerate() {
                let style = if app.ent_mention == Some(k) { t.current() } else { t.mention() };
                out.push((s, e2, style));
            }
        }
    }
    if let Some(s) = &app.search {
        for (k, &(a, b)) in s.matches.iter().enumerate() {
            out.push((a, b, if s.current == Some(k) { t.current() } else { t.search() }));
        }
    }
    out
}

fn reader(app: &App, buf: &mut Buffer, r: Rect, t: &Theme) {
    let focused = app.focus == Focus::Reader;
    let (title, footer) = match app.open.and_then(|i| app.current().map(|a| (i, a))) {
        Some((i, a)) => (
            app.lib.articles[i].meta.source.clone().unwrap_or_else(|| "Reader".into()),
            format!(" {}% · {} min read ", app.percent(), a.minutes()),
        ),
        None => ("Reader".into(), String::new()),
    };
    let block = pane(title, focused, t).title_bottom(Line::from(footer).right_aligned());
    render(block, r, buf);
    let text = layout::reader_text(r);
    if app.open.is_none() {
        render(Paragraph::new(Line::styled("no article", t.dim())), text, buf);
        return;
    }
    let marks = highlights(app, t);
    for (row, l) in app.wrapped.lines.iter().skip(app.scroll).take(text.height as usize).enumerate() {
        let y = text.y + row as u16;
        let base = match l.kind {
            LineKind::Title => t.title(),
            LineKind::Meta => t.meta(),
            LineKind::Url => t.url(),
            LineKind::Blank => Style::new(),
            LineKind::Removed => t.removed(),
            LineKind::Body(BlockKind::Heading) => t.heading(),
            LineKind::Body(BlockKind::Quote) => t.quote(),
            LineKind::Body(BlockKind::Caption) => t.caption(),
            LineKind::Body(_) => Style::new(),
        };
        let prefix_style = match l.kind {
            LineKind::Removed => t.reason(),
            LineKind::Body(BlockKind::Quote) => t.quote(),
            _ => t.dim(),
        };
        let mut spans = vec![Span::styled(l.prefix.clone(), prefix_style)];
        match l.body {
            Some(s) if !marks.is_empty() => {
                let chars: Vec<char> = l.text.chars().collect();
                let mut styles = vec![base; chars.len()];
                for &(a, b, st) in &marks {
                    for (j, slot) in styles.iter_mut().enumerate() {
                        let at = s + j;
                        if at >= a && at < b {
                            *slot = base.patch(st);
                        }
                    }
                }
                let mut run = String::new();
                let mut run_style = styles.first().copied().unwrap_or(base);
                for (c, st) in chars.into_iter().zip(styles) {
                    if st != run_style && !run.is_empty() {
                        spans.push(Span::styled(std::mem::take(&mut run), run_style));
                    }
                    run_style = st;
                    run.push(c);
                }
                spans.push(Span::styled(run, run_style));
            }
            _ => spans.push(Span::styled(l.text.clone(), base)),
        }
        buf.set_line(text.x, y, &Line::from(spans), text.width);
    }
}

fn entities(app: &App, buf: &mut Buffer, r: Rect, t: &Theme) {
    let focused = app.focus == Focus::Entities;
    let n = app.current().map_or(0, |a| a.entities.len());
    let block = pane(format!("Entities {n}"), focused, t);
    let inner = block.inner(r);
    render(block, r, buf);
    let Some(a) = app.current() else { return };
    if a.entities.is_empty() {
        render(Paragraph::new(Line::styled("none found", t.dim())), inner, buf);
        return;
    }
    let max = a.entities.iter().map(|e| e.count).max().unwrap_or(1).max(1);
    let digits = max.to_string().len();
    let w = inner.width as usize;
    for (row, er) in app.ent_rows().iter().skip(app.ent_offset).take(inner.height as usize).enumerate() {
        let y = inner.y + row as u16;
        match *er {
            EntRow::Heading(k) => {
                buf.set_line(inner.x, y, &Line::styled(k.heading(), t.kind(k)), inner.width);
            }
            EntRow::Entity(pos) => {
                let e = &a.entities[a.order[pos]];
                let count = format!("{:>digits$}", e.count);
                let bar_w = if w >= 24 { 6 } else { 3 };
                let filled = (e.count * bar_w).div_ceil(max).clamp(1, bar_w);
                let name_w = w.saturating_sub(2 + bar_w + 1 + count.len() + 1);
                let name = truncate(&e.name, name_w);
                let pad = name_w.saturating_sub(Span::raw(name.as_str()).width());
                let selected = pos == app.ent_sel && (focused || app.ent_active);
                let base = if selected {
                    if focused {
                        t.selected()
                    } else {
                        t.selected_idle()
                    }
                } else {
                    Style::new()
                };
                buf.set_style(Rect { y, height: 1, ..inner }, base);
                let line = Line::from(vec![
                    Span::raw("  "),
                    Span::raw(name),
                    Span::raw(" ".repeat(pad + 1)),
                    Span::styled("█".repeat(filled), t.bar(e.kind)),
                    Span::raw(" ".repeat(bar_w - filled + 1)),
                    Span::raw(count),
                ]);
                buf.set_line(inner.x, y, &line, inner.width);
            }
        }
    }
}

/// The hints that matter now.
/// The key hints of the current mode, in the order shown, each with its
/// rank: when the line is too narrow, the highest ranks are dropped first
/// (rank 0, the way to the help, stays).
fn hints(app: &App) -> &'static [(&'static str, u8)] {
    match (app.mode, app.focus) {
        (Mode::Filter, _) => &[("type to filter", 1), ("↑↓ select", 2), ("Enter open", 0), ("Esc all", 0)],
        (Mode::Search, _) => &[("type to search", 1), ("Enter keep", 0), ("Esc cancel", 0)],
        (Mode::Help, _) => &[("j/k scroll", 1), ("Esc close", 0)],
        (_, Focus::List) => &[
            ("j/k move", 1),
            ("Enter open", 1),
            ("/ filter", 2),
            ("m read", 4),
            ("e entities", 3),
            ("z zen", 5),
            ("? help", 0),
            ("q quit", 2),
        ],
        (_, Focus::Reader) if app.has_highlights() => &[("n/N next/prev match", 1), ("Esc clear", 1), ("J/K article", 2), ("? help", 0)],
        (_, Focus::Reader) => {
            &[("j/k scroll", 1), ("space/b page", 3), ("J/K article", 2), ("/ search", 2), ("x removed", 4), ("y/Y copy", 5), ("? help", 0)]
        }
        (_, Focus::Entities) => &[("j/k select", 1), ("n/N mentions", 2), ("Enter articles with it", 1), ("Esc clear", 3), ("? help", 0)],
    }
}

/// The hints joined with " · ", dropping the highest-ranked (least
/// needed) ones until the line fits in `width` cells; never a cut hint.
fn fit_hints(hints: &[(&str, u8)], width: usize) -> String {
    let mut keep: Vec<bool> = vec![true; hints.len()];
    loop {
        let line = hints.iter().zip(&keep).filter(|(_, k)| **k).map(|(h, _)| h.0).collect::<Vec<_>>().join(" · ");
        if Span::raw(line.as_str()).width() <= width {
            return line;
        }
        // The least needed hint still shown; among equals, the rightmost.
        let drop = hints.iter().enumerate().filter(|(i, _)| keep[*i]).max_by_key(|(i, h)| (h.1, *i)).map(|(i, _)| i);
        match drop {
            Some(i) if keep.iter().filter(|k| **k).count() > 1 => keep[i] = false,
            _ => return line,
        }
    }
}

/// Draws the status line; returns where the cursor goes when typing.
fn status(app: &App, buf: &mut Buffer, r: Rect, t: &Theme) -> Option<Position> {
    if r.height == 0 {
        return None;
    }
    buf.set_style(r, t.status());
    let (line, cursor) = match app.mode {
        Mode::Filter => (Line::from(format!("/{}", app.filter_input)), true),
        Mode::Search => {
            let q = app.search.as_ref().map_or("", |s| s.query.as_str());
            (Line::from(format!("search: {q}")), true)
        }
        _ => match &app.message {
            Some(m) => (Line::styled(sanitize_line(m), t.message()), false),
            None => (Line::default(), false),
        },
    };
    // The right end: a count while typing, else the background analysis.
    let right = match app.mode {
        Mode::Filter if app.filtering() => format!(" filtering… · {}/{} · Enter open · Esc all ", app.matched(), app.lib.len()),
        Mode::Filter => format!(" {}/{} · Enter open · Esc all ", app.matched(), app.lib.len()),
        Mode::Search => match &app.search {
            Some(s) => format!(" {} matches · Enter keep · Esc cancel ", s.matches.len()),
            None => String::new(),
        },
        _ if app.message_shows_progress() => String::new(),
        _ if app.loading.is_some() => loading_status(app),
        _ => app.progress().map(|(done, all)| format!(" analysing {done}/{all} {} ", progress_bar(done, all, 8))).unwrap_or_default(),
    };
    let rw = Span::raw(right.as_str()).width() as u16;
    let line = if !matches!(app.mode, Mode::Filter | Mode::Search) && app.message.is_none() {
        // Room for the hints: beside the progress when it shows.
        let room = if rw > 0 && rw < r.width { r.width - rw } else { r.width };
        Line::from(fit_hints(hints(app), room as usize))
    } else {
        line
    };
    let width = line.width() as u16;
    if rw > 0 && app.mode == Mode::Normal && rw < r.width {
        // Progress is kept in view; the hints give way.
        buf.set_line(r.x, r.y, &line, r.width - rw);
        buf.set_line(r.right() - rw, r.y, &Line::from(right), rw);
    } else {
        buf.set_line(r.x, r.y, &line, r.width);
        if rw > 0 && width + rw < r.width {
            buf.set_line(r.right() - rw, r.y, &Line::from(right), rw);
        }
    }
    cursor.then(|| Position { x: (r.x + width).min(r.right().saturating_sub(1)), y: r.y })
}

/// "loading 2048/100000 ▕██      ▏" while the library loads (files read
/// of files found; "loading…" while the folders are walked).
fn loading_status(app: &App) -> String {
    match app.loading {
        Some((done, found)) if found > 0 => format!(" loading {done}/{found} {} ", progress_bar(done, found, 8)),
        _ => " loading… ".into(),
    }
}

/// A bar of `cells` cells between ▕ and ▏, filled in eighths.
fn progress_bar(done: usize, all: usize, cells: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (done.min(all) * cells * 8).checked_div(all).unwrap_or(0);
    let mut bar = String::from("▕");
    for c in 0..cells {
        let e = eighths.saturating_sub(c * 8).min(8);
        bar.push(if e == 8 { '█' } else { PARTS[e] });
    }
    bar.push('▏');
    bar
}

fn help(app: &App, buf: &mut Buffer, area: Rect, t: &Theme) {
    let (rows, kw) = super::keys::help_rows(area.width);
    let w = super::keys::help_width(area.width);
    let h = super::keys::help_height(area.width, area.height);
    let r = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height.saturating_sub(h)) / 2, width: w, height: h };
    render(Clear, r, buf);
    let block = Block::bordered().border_style(t.border(true)).title(" Keys · Esc closes ");
    let inner = block.inner(r);
    render(block, r, buf);
    for (row, (k, d)) in rows.iter().skip(app.help_scroll).take(inner.height as usize).enumerate() {
        let key = truncate(k, kw);
        let pad = kw.saturating_sub(Span::raw(key.as_str()).width());
        let line = Line::from(vec![Span::styled(key, t.heading()), Span::raw(" ".repeat(pad + 1)), Span::raw(d.as_str())]);
        buf.set_line(inner.x, inner.y + row as u16, &line, inner.width);
    }
}

#[cfg(test)]
mod tests {
    use super::{fit_hints, progress_bar};

    #[test]
    fn hints_that_do_not_fit_are_dropped_whole_least_needed_first() {
        let h = [("j/k scroll", 1), ("space/b page", 3), ("y/Y copy", 5), ("? help", 0)];
        assert_eq!(fit_hints(&h, 80), "j/k scroll · space/b page · y/Y copy · ? help");
        assert_eq!(fit_hints(&h, 40), "j/k scroll · space/b page · ? help");
        assert_eq!(fit_hints(&h, 25), "j/k scroll · ? help");
        assert_eq!(fit_hints(&h, 8), "? help", "the way to the help stays");
    }

    #[test]
    fn the_progress_bar_fills_in_eighths() {
        assert_eq!(progress_bar(0, 10, 4), "▕    ▏");
        assert_eq!(progress_bar(5, 10, 4), "▕██  ▏");
        assert_eq!(progress_bar(10, 10, 4), "▕████▏");
        assert_eq!(progress_bar(1, 32, 4), "▕▏   ▏");
        assert_eq!(progress_bar(3, 0, 4), "▕    ▏");
    }
}
