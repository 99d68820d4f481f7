//! Keys and mouse to intent: one pure function per mode, no state changed.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind};

use super::app::{Action, App, Mode};
use super::layout::Focus;
use crate::core::sanitize::is_unsafe_char;

/// Every key, for the help overlay and the README: (keys, what they do).
pub const HELP: &[(&str, &str)] = &[
    ("j k  ↓ ↑", "move / scroll one line"),
    ("g G  Home End", "first / last"),
    ("PgUp PgDn", "page up / down"),
    ("space b", "page down / up (reader)"),
    ("Tab S-Tab  h l", "next / previous pane"),
    ("Enter", "open article (list); articles mentioning the entity (entities)"),
    ("J K  n p", "next / previous article (n: next match when highlighting)"),
    ("/", "filter titles (list); search the body (reader)"),
    ("Ctrl-P", "filter titles, from anywhere"),
    ("n N", "next / previous search match or entity mention"),
    ("e", "entity panel (an overlay below 100 columns)"),
    ("z", "zen: the reading pane alone"),
    ("x", "show / hide removed boilerplate, with reasons"),
    ("y Y", "copy URL / cleaned text (OSC 52)"),
    ("m", "mark read / unread"),
    ("u", "undo the last read / unread change"),
    ("?", "this help"),
    ("Esc", "back out: overlay, highlight, search, filter, zen"),
    ("q  Ctrl-C", "quit (reading state is saved)"),
];

/// The help overlay's rows for a terminal `width`: (key or "", part of the
/// description), descriptions wrapped under their column; and the key
/// column's width.
pub fn help_rows(width: u16) -> (Vec<(&'static str, String)>, usize) {
    let w = help_width(width);
    let kw = 16.min(w.saturating_sub(2) / 2) as usize;
    let dw = (w.saturating_sub(2) as usize).saturating_sub(kw + 1).max(1);
    let mut rows = Vec::new();
    for (k, d) in HELP {
        for (n, (_, part)) in super::wrap::wrap_offsets(d, dw).into_iter().enumerate() {
            rows.push((if n == 0 { *k } else { "" }, part));
        }
    }
    (rows, kw)
}

/// The help overlay's outer width.
pub fn help_width(width: u16) -> u16 {
    width.saturating_sub(4).min(80)
}

/// The help overlay's outer height.
pub fn help_height(width: u16, height: u16) -> u16 {
    height.saturating_sub(2).min(help_rows(width).0.len() as u16 + 2)
}

/// The action for an event, in the app's current mode. Key releases are
/// dropped (some platforms report them).
pub fn get_action(app: &App, ev: &Event) -> Option<Action> {
    match ev {
        Event::Key(k) if k.kind == KeyEventKind::Release => None,
        Event::Key(k) => {
            if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
                return Some(Action::Quit);
            }
            match app.mode {
                Mode::Help => help_key(k),
                Mode::Filter | Mode::Search => input_key(k),
                Mode::Normal => normal_key(app, k),
            }
        }
        Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
        Event::Mouse(m) if app.opts.mouse => match m.kind {
            MouseEventKind::ScrollDown => Some(Action::Wheel { x: m.column, y: m.row, down: true }),
            MouseEventKind::ScrollUp => Some(Action::Wheel { x: m.column, y: m.row, down: false }),
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click { x: m.column, y: m.row }),
            _ => None,
        },
        _ => None,
    }
}

fn help_key(k: &KeyEvent) -> Option<Action> {
    Some(match k.code {
        KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter => Action::Back,
        KeyCode::Char('j') | KeyCode::Down => Action::Down,
        KeyCode::Char('k') | KeyCode::Up => Action::Up,
        KeyCode::PageDown | KeyCode::Char(' ') => Action::PageDown,
        KeyCode::PageUp | KeyCode::Char('b') => Action::PageUp,
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        _ => return None,
    })
}

fn input_key(k: &KeyEvent) -> Option<Action> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    Some(match k.code {
        KeyCode::Esc => Action::Back,
        KeyCode::Enter => Action::Submit,
        KeyCode::Backspace => Action::Backspace,
        KeyCode::Up => Action::Up,
        KeyCode::Down => Action::Down,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::Char('p') | KeyCode::Char('k') if ctrl => Action::Up,
        KeyCode::Char('n') | KeyCode::Char('j') if ctrl => Action::Down,
        KeyCode::Char(c) if !ctrl && !is_unsafe_char(c) && c != '\t' && c != '\n' => Action::Input(c),
        _ => return None,
    })
}

fn normal_key(app: &App, k: &KeyEvent) -> Option<Action> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let reader = app.focus == Focus::Reader;
    Some(match k.code {
        KeyCode::Char('p') if ctrl => Action::StartFilter,
        KeyCode::Char('d') if ctrl => Action::PageDown,
        KeyCode::Char('u') if ctrl => Action::PageUp,
        _ if ctrl => return None,
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Esc => Action::Back,
        KeyCode::Char('j') | KeyCode::Down => Action::Down,
        KeyCode::Char('k') | KeyCode::Up => Action::Up,
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Char(' ') => Action::PageDown,
        KeyCode::Char('b') => Action::PageUp,
        KeyCode::Tab | KeyCode::Char('l') | KeyCode::Right => Action::FocusNext,
        KeyCode::BackTab | KeyCode::Char('h') | KeyCode::Left => Action::FocusPrev,
        KeyCode::Enter => Action::Open,
        KeyCode::Char('J') => Action::NextArticle,
        KeyCode::Char('K') => Action::PrevArticle,
        KeyCode::Char('n') if app.has_highlights() => Action::NextMatch,
        KeyCode::Char('N') => Action::PrevMatch,
        KeyCode::Char('n') => Action::NextArticle,
        KeyCode::Char('p') => Action::PrevArticle,
        KeyCode::Char('/') if reader => Action::StartSearch,
        KeyCode::Char('/') => Action::StartFilter,
        KeyCode::Char('e') => Action::ToggleEntities,
        KeyCode::Char('z') => Action::ToggleZen,
        KeyCode::Char('x') => Action::ToggleRemoved,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Char('y') => Action::CopyUrl,
        KeyCode::Char('Y') => Action::CopyText,
        KeyCode::Char('m') => Action::ToggleRead,
        KeyCode::Char('u') => Action::Undo,
        _ => return None,
    })
}

/// Parses a key string, helix style: plain characters, and `<enter>`,
/// `<esc>`, `<tab>`, `<s-tab>`, `<bs>`, `<up>`, `<down>`, `<left>`,
/// `<right>`, `<home>`, `<end>`, `<pgup>`, `<pgdn>`, `<space>`, `<c-x>`.
/// For tests and the key driver: `parse("/obama<enter>jj")`.
pub fn parse(keys: &str) -> Vec<Event> {
    let mut out = Vec::new();
    let mut rest = keys;
    while let Some(c) = rest.chars().next() {
        let (code, mods, len) = match (c, rest.find('>')) {
            ('<', Some(end)) if end > 1 => {
                let name = &rest[1..end];
                let (mods, name) = match name.strip_prefix("c-") {
                    Some(n) => (KeyModifiers::CONTROL, n),
                    None => (KeyModifiers::NONE, name),
                };
                let code = match name {
                    "enter" | "ret" => KeyCode::Enter,
                    "esc" => KeyCode::Esc,
                    "tab" => KeyCode::Tab,
                    "s-tab" => KeyCode::BackTab,
                    "bs" => KeyCode::Backspace,
                    "up" => KeyCode::Up,
                    "down" => KeyCode::Down,
                    "left" => KeyCode::Left,
                    "right" => KeyCode::Right,
                    "home" => KeyCode::Home,
                    "end" => KeyCode::End,
                    "pgup" => KeyCode::PageUp,
                    "pgdn" => KeyCode::PageDown,
                    "space" => KeyCode::Char(' '),
                    n if n.chars().count() == 1 => KeyCode::Char(n.chars().next().expect("one char")),
                    _ => KeyCode::Char('<'),
                };
                let len = if code == KeyCode::Char('<') && name != "<" { 1 } else { end + 1 };
                (code, mods, len)
            }
            _ => (KeyCode::Char(c), KeyModifiers::NONE, c.len_utf8()),
        };
        let mods = if matches!(code, KeyCode::Char(ch) if ch.is_uppercase()) { mods | KeyModifiers::SHIFT } else { mods };
        out.push(Event::Key(KeyEvent::new(code, mods)));
        rest = &rest[len..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reads_names_and_plain_characters() {
        let ev = parse("/ob<enter><c-p>J");
        let codes: Vec<KeyCode> = ev
            .iter()
            .map(|e| match e {
                Event::Key(k) => k.code,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(
            codes,
            vec![KeyCode::Char('/'), KeyCode::Char('o'), KeyCode::Char('b'), KeyCode::Enter, KeyCode::Char('p'), KeyCode::Char('J')]
        );
    }
}
