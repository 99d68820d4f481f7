//! Styles, in two palettes: the 16 ANSI colours, and monochrome (for
//! `NO_COLOR`, `--no-color` and terminals without colour), where selection
//! and highlights use reverse, bold and underline so they stay visible.
//! The styles are data: `assets/theme.toml`, parsed once at start.

use std::collections::HashMap;
use std::sync::LazyLock;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use crate::core::entities::Kind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    mods: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ThemeFile {
    color: HashMap<String, StyleSpec>,
    mono: HashMap<String, StyleSpec>,
}

/// Both palettes, resolved.
struct Palettes {
    color: HashMap<String, Style>,
    mono: HashMap<String, Style>,
}

fn color(name: &str) -> Result<Color, String> {
    Ok(match name {
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" => Color::Gray,
        "dark_gray" => Color::DarkGray,
        "light_red" => Color::LightRed,
        "light_green" => Color::LightGreen,
        "light_yellow" => Color::LightYellow,
        "light_blue" => Color::LightBlue,
        "light_magenta" => Color::LightMagenta,
        "light_cyan" => Color::LightCyan,
        "white" => Color::White,
        other => return Err(format!("unknown colour {other:?}")),
    })
}

fn modifier(name: &str) -> Result<Modifier, String> {
    Ok(match name {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underlined" => Modifier::UNDERLINED,
        "reversed" => Modifier::REVERSED,
        other => return Err(format!("unknown modifier {other:?}")),
    })
}

fn resolve(specs: &HashMap<String, StyleSpec>) -> Result<HashMap<String, Style>, String> {
    let mut out = HashMap::new();
    for (role, spec) in specs {
        let mut st = Style::new();
        if let Some(fg) = &spec.fg {
            st = st.fg(color(fg)?);
        }
        if let Some(bg) = &spec.bg {
            st = st.bg(color(bg)?);
        }
        for m in &spec.mods {
            st = st.add_modifier(modifier(m)?);
        }
        out.insert(role.clone(), st);
    }
    Ok(out)
}

fn parse_theme(text: &str) -> Result<Palettes, String> {
    let file: ThemeFile = toml::from_str(text).map_err(|e| e.to_string())?;
    Ok(Palettes { color: resolve(&file.color)?, mono: resolve(&file.mono)? })
}

static PALETTES: LazyLock<Palettes> =
    LazyLock::new(|| parse_theme(include_str!("../../assets/theme.toml")).expect("assets/theme.toml is a valid theme"));

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Person => "person",
        Kind::Organisation => "organisation",
        Kind::Place => "place",
        Kind::Date => "date",
        Kind::Money => "money",
        Kind::Misc => "misc",
    }
}

impl Theme {
    pub fn new(color: bool) -> Self {
        Theme { color }
    }

    /// The style of `role` in this palette (plain when the theme lacks it).
    fn get(&self, role: &str) -> Style {
        let p = if self.color { &PALETTES.color } else { &PALETTES.mono };
        p.get(role).copied().unwrap_or_default()
    }

    /// The selected row of the focused pane.
    pub fn selected(&self) -> Style {
        self.get("selected")
    }

    /// The selected row of a pane without focus.
    pub fn selected_idle(&self) -> Style {
        self.get("selected_idle")
    }

    /// Characters a fuzzy query matched.
    pub fn matched(&self) -> Style {
        self.get("matched")
    }

    /// A search match in the body.
    pub fn search(&self) -> Style {
        self.get("search")
    }

    /// The search match or mention that n/N moved to.
    pub fn current(&self) -> Style {
        self.get("current")
    }

    /// Mentions of the selected entity.
    pub fn mention(&self) -> Style {
        self.get("mention")
    }

    pub fn title(&self) -> Style {
        self.get("title")
    }

    pub fn heading(&self) -> Style {
        self.get("heading")
    }

    pub fn quote(&self) -> Style {
        self.get("quote")
    }

    pub fn caption(&self) -> Style {
        self.get("caption")
    }

    pub fn meta(&self) -> Style {
        self.get("meta")
    }

    pub fn url(&self) -> Style {
        self.get("url")
    }

    /// Boilerplate the cleaner removed, when shown.
    pub fn removed(&self) -> Style {
        self.get("removed")
    }

    pub fn reason(&self) -> Style {
        self.get("reason")
    }

    pub fn dim(&self) -> Style {
        self.get("dim")
    }

    pub fn unread(&self) -> Style {
        self.get("unread")
    }

    pub fn border(&self, focused: bool) -> Style {
        self.get(if focused { "border_focused" } else { "border" })
    }

    pub fn kind(&self, k: Kind) -> Style {
        self.get(&format!("kind_{}", kind_name(k)))
    }

    pub fn bar(&self, k: Kind) -> Style {
        self.get(&format!("bar_{}", kind_name(k)))
    }

    pub fn status(&self) -> Style {
        self.get("status")
    }

    pub fn message(&self) -> Style {
        self.get("message")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The theme as it was written in Rust before it became data: the
    /// asset must give exactly these styles.
    struct Old {
        color: bool,
    }

    const fn m(add: Modifier) -> Style {
        Style::new().add_modifier(add)
    }

    impl Old {
        fn pick(&self, colored: Style, mono: Style) -> Style {
            if self.color {
                colored
            } else {
                mono
            }
        }

        /// The selected row of the focused pane.
        fn selected(&self) -> Style {
            self.pick(
                Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD),
                m(Modifier::REVERSED.union(Modifier::BOLD)),
            )
        }

        /// The selected row of a pane without focus.
        fn selected_idle(&self) -> Style {
            self.pick(Style::new().bg(Color::DarkGray).fg(Color::White), m(Modifier::UNDERLINED))
        }

        /// Characters a fuzzy query matched.
        fn matched(&self) -> Style {
            self.pick(Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD), m(Modifier::BOLD.union(Modifier::UNDERLINED)))
        }

        /// A search match in the body.
        fn search(&self) -> Style {
            self.pick(Style::new().fg(Color::Black).bg(Color::Yellow), m(Modifier::REVERSED))
        }

        /// The search match or mention that n/N moved to.
        fn current(&self) -> Style {
            self.pick(
                Style::new().fg(Color::Black).bg(Color::LightRed).add_modifier(Modifier::BOLD),
                m(Modifier::REVERSED.union(Modifier::BOLD).union(Modifier::UNDERLINED)),
            )
        }

        /// Mentions of the selected entity.
        fn mention(&self) -> Style {
            self.pick(Style::new().fg(Color::Black).bg(Color::Cyan), m(Modifier::UNDERLINED.union(Modifier::BOLD)))
        }

        fn title(&self) -> Style {
            self.pick(Style::new().fg(Color::LightCyan).add_modifier(Modifier::BOLD), m(Modifier::BOLD))
        }

        fn heading(&self) -> Style {
            self.pick(Style::new().fg(Color::LightYellow).add_modifier(Modifier::BOLD), m(Modifier::BOLD.union(Modifier::UNDERLINED)))
        }

        fn quote(&self) -> Style {
            self.pick(Style::new().fg(Color::Green).add_modifier(Modifier::ITALIC), m(Modifier::ITALIC))
        }

        fn caption(&self) -> Style {
            self.pick(Style::new().fg(Color::Gray).add_modifier(Modifier::ITALIC), m(Modifier::ITALIC.union(Modifier::DIM)))
        }

        fn meta(&self) -> Style {
            self.pick(Style::new().fg(Color::Gray), Style::new())
        }

        fn url(&self) -> Style {
            self.pick(Style::new().fg(Color::Blue).add_modifier(Modifier::UNDERLINED), m(Modifier::UNDERLINED))
        }

        /// Boilerplate the cleaner removed, when shown.
        fn removed(&self) -> Style {
            self.pick(Style::new().fg(Color::DarkGray).add_modifier(Modifier::DIM), m(Modifier::DIM.union(Modifier::ITALIC)))
        }

        fn reason(&self) -> Style {
            self.pick(Style::new().fg(Color::Magenta), m(Modifier::DIM.union(Modifier::BOLD)))
        }

        fn dim(&self) -> Style {
            self.pick(Style::new().fg(Color::DarkGray), m(Modifier::DIM))
        }

        fn unread(&self) -> Style {
            self.pick(Style::new().fg(Color::LightYellow).add_modifier(Modifier::BOLD), m(Modifier::BOLD))
        }

        fn border(&self, focused: bool) -> Style {
            match (focused, self.color) {
                (true, true) => Style::new().fg(Color::Cyan),
                (true, false) => m(Modifier::BOLD),
                (false, true) => Style::new().fg(Color::DarkGray),
                (false, false) => Style::new(),
            }
        }

        fn kind(&self, k: Kind) -> Style {
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

        fn bar(&self, k: Kind) -> Style {
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

        fn status(&self) -> Style {
            self.pick(Style::new().fg(Color::White).bg(Color::Blue), m(Modifier::REVERSED))
        }

        fn message(&self) -> Style {
            self.pick(
                Style::new().fg(Color::Black).bg(Color::LightYellow).add_modifier(Modifier::BOLD),
                m(Modifier::REVERSED.union(Modifier::BOLD)),
            )
        }
    }

    #[test]
    fn the_theme_asset_gives_the_styles_of_before() {
        assert!(parse_theme(include_str!("../../assets/theme.toml")).is_ok());
        for color in [true, false] {
            let (t, o) = (Theme::new(color), Old { color });
            let pairs = [
                (t.selected(), o.selected()),
                (t.selected_idle(), o.selected_idle()),
                (t.matched(), o.matched()),
                (t.search(), o.search()),
                (t.current(), o.current()),
                (t.mention(), o.mention()),
                (t.title(), o.title()),
                (t.heading(), o.heading()),
                (t.quote(), o.quote()),
                (t.caption(), o.caption()),
                (t.meta(), o.meta()),
                (t.url(), o.url()),
                (t.removed(), o.removed()),
                (t.reason(), o.reason()),
                (t.dim(), o.dim()),
                (t.unread(), o.unread()),
                (t.border(true), o.border(true)),
                (t.border(false), o.border(false)),
                (t.status(), o.status()),
                (t.message(), o.message()),
            ];
            for (i, (new, old)) in pairs.into_iter().enumerate() {
                assert_eq!(new, old, "role {i}, colour {color}");
            }
            for k in Kind::ALL {
                assert_eq!(t.kind(k), o.kind(k), "{k:?}");
                assert_eq!(t.bar(k), o.bar(k), "{k:?}");
            }
        }
    }

    #[test]
    fn a_theme_with_an_unknown_colour_or_modifier_is_refused() {
        assert!(parse_theme("[color]\nx = { fg = \"cyan\" }\n[mono]\n").is_ok());
        assert!(parse_theme("[color]\nx = { fg = \"teal\" }\n[mono]\n").is_err());
        assert!(parse_theme("[color]\n[mono]\nx = { mods = [\"blink\"] }\n").is_err());
    }
}
