//! Where each pane goes for a terminal size: one pure function, used both
//! by `update` (to know page heights and the wrap width) and by `view`.

use ratatui::layout::{Margin, Rect};

/// The pane that has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Reader,
    Entities,
}

/// At this width and below the entity panel folds away (`e` shows it as
/// an overlay).
pub const FOLD_WIDTH: u16 = 99;
/// Below this width only one of list and reader is shown: the focused one.
pub const SINGLE_WIDTH: u16 = 60;
/// The widest a line of body text gets: a comfortable measure.
pub const MEASURE: u16 = 80;

/// What the panes look like, from the app's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub zen: bool,
    pub focus: Focus,
    /// The side panel when the terminal is wide enough for it.
    pub panel: bool,
    /// The entity overlay when it is not.
    pub overlay: bool,
    /// The list must show (a filter query is being typed).
    pub need_list: bool,
}

/// The areas of one frame. A pane that is not shown is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    pub list: Option<Rect>,
    pub reader: Option<Rect>,
    pub entities: Option<Rect>,
    /// The entity pane is drawn over the reader.
    pub overlay: bool,
    pub status: Rect,
}

fn clamp(v: u16, lo: u16, hi: u16) -> u16 {
    v.max(lo).min(hi)
}

/// True when the terminal is wide enough for the entity side panel.
pub fn wide(width: u16) -> bool {
    width > FOLD_WIDTH
}

pub fn panes(area: Rect, s: Shape) -> Panes {
    let status = Rect { y: area.bottom().saturating_sub(1), height: area.height.min(1), ..area };
    let main = Rect { height: area.height.saturating_sub(1), ..area };
    let w = main.width;
    let overlay_rect = |r: Rect| {
        let ow = clamp(r.width * 2 / 5, 26.min(r.width), 36).min(r.width);
        Rect { x: r.right() - ow, width: ow, ..r }
    };
    let mut p = Panes { list: None, reader: None, entities: None, overlay: false, status };
    if (s.zen && !s.need_list) || (w < SINGLE_WIDTH && s.focus != Focus::List && !s.need_list) {
        p.reader = Some(main);
        if s.overlay {
            p.entities = Some(overlay_rect(main));
            p.overlay = true;
        }
        return p;
    }
    if w < SINGLE_WIDTH {
        p.list = Some(main);
        return p;
    }
    let three = wide(w) && s.panel;
    let (lw, ew) = if three { (clamp(w * 28 / 100, 24, 44), clamp(w * 22 / 100, 24, 36)) } else { (clamp(w * 35 / 100, 20, 34), 0) };
    let list = Rect { width: lw, ..main };
    let ents = Rect { x: main.right() - ew, width: ew, ..main };
    let reader = Rect { x: list.right(), width: w - lw - ew, ..main };
    p.list = Some(list);
    p.reader = Some(reader);
    if three {
        p.entities = Some(ents);
    } else if s.overlay {
        p.entities = Some(overlay_rect(reader));
        p.overlay = true;
    }
    p
}

/// The inside of a bordered pane.
pub fn inner(r: Rect) -> Rect {
    r.inner(Margin { horizontal: 1, vertical: 1 })
}

/// The column of body text inside the reading pane: one cell of padding
/// each side, at most [`MEASURE`] wide, centred.
pub fn reader_text(reader: Rect) -> Rect {
    let i = inner(reader);
    let i = if i.width > 4 { Rect { x: i.x + 1, width: i.width - 2, ..i } } else { i };
    let w = i.width.min(MEASURE);
    Rect { x: i.x + (i.width - w) / 2, width: w, ..i }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> Shape {
        Shape { zen: false, focus: Focus::List, panel: true, overlay: false, need_list: false }
    }

    #[test]
    fn three_panes_when_wide_two_at_80_one_when_narrow() {
        let p = panes(Rect::new(0, 0, 120, 40), shape());
        assert!(p.list.is_some() && p.reader.is_some() && p.entities.is_some() && !p.overlay);
        let p = panes(Rect::new(0, 0, 80, 24), shape());
        assert!(p.list.is_some() && p.reader.is_some() && p.entities.is_none());
        // The panel only comes back when the reader keeps a readable width.
        assert!(panes(Rect::new(0, 0, 99, 24), shape()).entities.is_none());
        let p = panes(Rect::new(0, 0, 100, 24), shape());
        assert!(p.entities.is_some());
        assert!(reader_text(p.reader.unwrap()).width >= 44);
        let p = panes(Rect::new(0, 0, 50, 20), Shape { focus: Focus::Reader, ..shape() });
        assert!(p.list.is_none() && p.reader.is_some());
    }

    #[test]
    fn panes_tile_the_width_without_overlap() {
        for w in 1..200 {
            let p = panes(Rect::new(0, 0, w, 30), shape());
            let total: u16 = [p.list, p.reader, p.entities].iter().flatten().map(|r| r.width).sum();
            assert_eq!(total, w, "width {w}");
        }
    }

    #[test]
    fn body_text_is_at_most_the_measure_and_centred() {
        let t = reader_text(Rect::new(0, 0, 150, 30));
        assert_eq!(t.width, MEASURE);
        assert_eq!(t.x - 2, 150 - 2 - t.right());
    }
}
