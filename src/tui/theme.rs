//! Styles, in two palettes: the 16 ANSI colours, and monochrome (for
//! `NO_COLOR`, `--no-color` and terminals without colour), where selection
//! and highlights use reverse, bold and underline so they stay visible.

use ratatui::style::{Color, Modifier, Style};

use crate::core::entities::Kind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

const fn m(add: Modifier) -> Style {
    Style::new().add_modifier(add)
}

impl Theme {
    pub fn new(color: bool) -> Self {
        Theme { color }
    }

    fn pick(&self, colored: Style, mono: Style) -> Style {
        if self.color {
            colored
        } else {
            mono
        }
    }

    /// The selected row of the focused pane.
    pub fn selected(&self) -> Style {
        self.pick(Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD), m(Modifier::REVERSED.union(Modifier::BOLD)))
    }

    /// The selected row of a pane without focus.
    pub fn selected_idle(&self) -> Style {
        self.pick(Style::new().bg(Color::DarkGray).fg(Color::White), m(Modifier::UNDERLINED))
    }

    /// Characters a fuzzy query matched.
    pub fn matched(&self) -> Style {
        self.pick(Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD), m(Modifier::BOLD.union(Modifier::UNDERLINED)))
    }

    /// A search match in the body.
    pub fn search(&self) -> Style {
        self.pick(Style::new().fg(Color::Black).bg(Color::Yellow), m(Modifier::REVERSED))
    }

    /// The search match or mention that n/N moved to.
    pub fn current(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Black).bg(Color::LightRed).add_modifier(Modifier::BOLD),
            m(Modifier::REVERSED.union(Modifier::BOLD).union(Modifier::UNDERLINED)),
        )
    }

    /// Mentions of the selected entity.
    pub fn mention(&self) -> Style {
        self.pick(Style::new().fg(Color::Black).bg(Color::Cyan), m(Modifier::UNDERLINED.union(Modifier::BOLD)))
    }

    pub fn title(&self) -> Style {
        self.pick(Style::new().fg(Color::LightCyan).add_modifier(Modifier::BOLD), m(Modifier::BOLD))
    }

    pub fn heading(&self) -> Style {
        self.pick(Style::new().fg(Color::LightYellow).add_modifier(Modifier::BOLD), m(Modifier::BOLD.union(Modifier::UNDERLINED)))
    }

    pub fn quote(&self) -> Style {
        self.pick(Style::new().fg(Color::Green).add_modifier(Modifier::ITALIC), m(Modifier::ITALIC))
    }

    pub fn caption(&self) -> Style {
        self.pick(Style::new().fg(Color::Gray).add_modifier(Modifier::ITALIC), m(Modifier::ITALIC.union(Modifier::DIM)))
    }

    pub fn meta(&self) -> Style {
        self.pick(Style::new().fg(Color::Gray), Style::new())
    }

    pub fn url(&self) -> Style {
        self.pick(Style::new().fg(Color::Blue).add_modifier(Modifier::UNDERLINED), m(Modifier::UNDERLINED))
    }

    /// Boilerplate the cleaner removed, when shown.
    pub fn removed(&self) -> Style {
        self.pick(Style::new().fg(Color::DarkGray).add_modifier(Modifier::DIM), m(Modifier::DIM.union(Modifier::ITALIC)))
    }

    pub fn reason(&self) -> Style {
        self.pick(Style::new().fg(Color::Magenta), m(Modifier::DIM.union(Modifier::BOLD)))
    }

    pub fn dim(&self) -> Style {
        self.pick(Style::new().fg(Color::DarkGray), m(Modifier::DIM))
    }

    pub fn unread(&self) -> Style {
        self.pick(Style::new().fg(Color::LightYellow).add_modifier(Modifier::BOLD), m(Modifier::BOLD))
    }

    pub fn border(&self, focused: bool) -> Style {
        match (focused, self.color) {
            (true, true) => Style::new().fg(Color::Cyan),
            (true, false) => m(Modifier::BOLD),
            (false, true) => Style::new().fg(Color::DarkGray),
            (false, false) => Style::new(),
        }
    }

    pub fn kind(&self, k: Kind) -> Style {
        let c = match k {
            Kind::Person => Color::LightGreen,
            Kind::Organisation => Color::LightBlue,
            Kind::Place => Color::LightMagenta,
            Kind::Date => Color::Yellow,
            Kind::Money => Color::Green,
            Kind::Misc => Color::Gray,
        };
        self.pick(Style::new().fg(c).add_modifier(Modifier::BOLD), m(Modifier::BOLD))
    }

    pub fn bar(&self, k: Kind) -> Style {
        let c = match k {
            Kind::Person => Color::Green,
            Kind::Organisation => Color::Blue,
            Kind::Place => Color::Magenta,
            Kind::Date => Color::Yellow,
            Kind::Money => Color::Green,
            Kind::Misc => Color::Gray,
        };
        self.pick(Style::new().fg(c), Style::new())
    }

    pub fn status(&self) -> Style {
        self.pick(Style::new().fg(Color::White).bg(Color::Blue), m(Modifier::REVERSED))
    }

    pub fn message(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Black).bg(Color::LightYellow).add_modifier(Modifier::BOLD),
            m(Modifier::REVERSED.union(Modifier::BOLD)),
        )
    }
}
