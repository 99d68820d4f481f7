//! Keys and mouse to intent: one pure function per mode, no state changed.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind};

use serde::Deserialize;

use super::app::{Action, App, Mode};
use super::layout::Focus;
use crate::core::sanitize::is_unsafe_char;

/// One row of the help overlay and of the README's Keys table.
#[derive(Debug, Clone, Deserialize)]
pub struct HelpRow {
    pub keys: String,
    pub text: String,
}

/// When a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum When {
    /// The reading pane has focus.
    Reader,
    /// Search matches or entity mentions are highlighted.
    Highlights,
}

/// The actions a key can be bound to (those without data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Intent {
    Quit,
    Back,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    FocusNext,
    FocusPrev,
    Open,
    NextArticle,
    PrevArticle,
    StartFilter,
    StartSearch,
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
}

impl Intent {
    fn action(self) -> Action {
        match self {
            Intent::Quit => Action::Quit,
            Intent::Back => Action::Back,
            Intent::Up => Action::Up,
            Intent::Down => Action::Down,
            Intent::Top => Action::Top,
            Intent::Bottom => Action::Bottom,
            Intent::PageUp => Action::PageUp,
            Intent::PageDown => Action::PageDown,
            Intent::FocusNext => Action::FocusNext,
            Intent::FocusPrev => Action::FocusPrev,
            Intent::Open => Action::Open,
            Intent::NextArticle => Action::NextArticle,
            Intent::PrevArticle => Action::PrevArticle,
            Intent::StartFilter => Action::StartFilter,
            Intent::StartSearch => Action::StartSearch,
            Intent::NextMatch => Action::NextMatch,
            Intent::PrevMatch => Action::PrevMatch,
            Intent::ToggleEntities => Action::ToggleEntities,
            Intent::ToggleZen => Action::ToggleZen,
            Intent::ToggleRemoved => Action::ToggleRemoved,
            Intent::ToggleHelp => Action::ToggleHelp,
            Intent::CopyUrl => Action::CopyUrl,
            Intent::CopyText => Action::CopyText,
            Intent::ToggleRead => Action::ToggleRead,
            Intent::Undo => Action::Undo,
        }
    }
}

#[derive(Debug, Deserialize)]
struct Binding {
    keys: Vec<String>,
    action: Intent,
    when: Option<When>,
}

#[derive(Debug, Deserialize)]
struct KeyFile {
    normal: Vec<Binding>,
    help: Vec<HelpRow>,
}

/// One normal-mode binding, resolved: key code, Ctrl held, condition.
#[derive(Debug)]
struct Bound {
    code: KeyCode,
    ctrl: bool,
    when: Option<When>,
    action: Action,
}

/// The key table of `assets/keys.toml`, parsed once.
struct Table {
    normal: Vec<Bound>,
    help: Vec<HelpRow>,
}

fn parse_table(text: &str) -> Result<Table, String> {
    let file: KeyFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut normal = Vec::new();
    for b in &file.normal {
        for k in &b.keys {
            match parse(k).as_slice() {
                [Event::Key(ev)] => normal.push(Bound {
                    code: ev.code,
                    ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
                    when: b.when,
                    action: b.action.action(),
                }),
                _ => return Err(format!("not one key: {k:?}")),
            }
        }
    }
    Ok(Table { normal, help: file.help })
}

static TABLE: std::sync::LazyLock<Table> =
    std::sync::LazyLock::new(|| parse_table(include_str!("../../assets/keys.toml")).expect("assets/keys.toml is a valid key table"));

/// Every key, for the help overlay and the README (`assets/keys.toml`).
pub fn help() -> &'static [HelpRow] {
    &TABLE.help
}

/// The help overlay's rows for a terminal `width`: (key or "", part of the
/// description), descriptions wrapped under their column; and the key
/// column's width.
pub fn help_rows(width: u16) -> (Vec<(&'static str, String)>, usize) {
    let w = help_width(width);
    let kw = 16.min(w.saturating_sub(2) / 2) as usize;
    let dw = (w.saturating_sub(2) as usize).saturating_sub(kw + 1).max(1);
    let mut rows = Vec::new();
    for row in help() {
        for (n, (_, part)) in super::wrap::wrap_offsets(&row.text, dw).into_iter().enumerate() {
            rows.push((if n == 0 { row.keys.as_str() } else { "" }, part));
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
    let holds = |w: When| match w {
        When::Reader => app.focus == Focus::Reader,
        When::Highlights => app.has_highlights(),
    };
    TABLE.normal.iter().find(|b| b.code == k.code && b.ctrl == ctrl && b.when.is_none_or(holds)).map(|b| b.action.clone())
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
    fn the_key_table_parses_and_a_broken_one_is_refused() {
        let t = parse_table(include_str!("../../assets/keys.toml")).unwrap();
        assert!(t.normal.len() > 30 && t.help.len() > 15);
        let one = |key: &str, action: &str| parse_table(&format!("help = []\n[[normal]]\nkeys = [\"{key}\"]\naction = \"{action}\"\n"));
        assert_eq!(one("<c-q>", "quit").unwrap().normal.len(), 1);
        assert!(one("ab", "quit").is_err(), "two keys in one");
        assert!(one("a", "fly").is_err(), "no such action");
    }

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
