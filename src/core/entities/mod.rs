//! Entities of an article: people, organisations, places, other names,
//! dates and money, with their exact spans, grouped and ranked.
//!
//! The public API is [`mentions`] (spans in a text, what `byline ner` prints)
//! and [`entities`] (mentions grouped into ranked entities, what the side
//! panel and `byline entities` show). Offsets are in Unicode code points.
//!
//! This first version finds names as runs of capitalised words (typed
//! `Misc`: no model decides the kind yet) and leaves dates and money to
//! the rules that follow; the statistical tagger replaces `tag_names`.

use serde::Serialize;

pub mod rules;
pub mod tokens;

/// The kinds the panel groups by, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Kind {
    #[serde(rename = "PER")]
    Person,
    #[serde(rename = "ORG")]
    Organisation,
    #[serde(rename = "LOC")]
    Place,
    #[serde(rename = "DATE")]
    Date,
    #[serde(rename = "MONEY")]
    Money,
    #[serde(rename = "MISC")]
    Misc,
}

impl Kind {
    /// The scorer's label: PER ORG LOC MISC DATE MONEY.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Person => "PER",
            Kind::Organisation => "ORG",
            Kind::Place => "LOC",
            Kind::Date => "DATE",
            Kind::Money => "MONEY",
            Kind::Misc => "MISC",
        }
    }

    /// The panel's heading for the kind.
    pub fn heading(self) -> &'static str {
        match self {
            Kind::Person => "People",
            Kind::Organisation => "Organisations",
            Kind::Place => "Places",
            Kind::Date => "Dates",
            Kind::Money => "Money",
            Kind::Misc => "Other",
        }
    }

    pub const ALL: [Kind; 6] = [Kind::Person, Kind::Organisation, Kind::Place, Kind::Date, Kind::Money, Kind::Misc];
}

/// One mention: `text[start..end]` in code points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    #[serde(rename = "label")]
    pub kind: Kind,
    pub text: String,
}

/// Mentions of one thing, grouped: "Mr Zuckerberg" and "Mark Zuckerberg".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entity {
    pub kind: Kind,
    /// The fullest name the text uses for it.
    pub name: String,
    pub count: usize,
    /// (start, end) of each mention, in code points, in text order.
    pub spans: Vec<(usize, usize)>,
}

/// Words that start sentences or headings in capitals but are no names.
const STOP: &[&str] = &[
    "A", "An", "The", "This", "That", "These", "Those", "It", "Its", "He", "She", "They", "We", "I", "You", "His", "Her", "Their", "Our",
    "But", "And", "Or", "If", "In", "On", "At", "Of", "For", "To", "As", "By", "With", "From", "After", "Before", "When", "While", "Since",
    "Mr", "Mrs", "Ms", "Dr", "Sir", "So", "Yet", "Some", "All", "No", "Not", "There", "Here", "What", "Who", "Why", "How", "Where",
];

/// Finds the mentions in `text`, in text order.
pub fn mentions(text: &str) -> Vec<Mention> {
    let toks = tokens::tokenize(text);
    let mut out: Vec<Mention> = rules::find(text, &toks)
        .into_iter()
        .map(|(a, b, kind)| Mention {
            start: toks[a].start,
            end: toks[b - 1].end,
            kind,
            text: text[toks[a].bstart..toks[b - 1].bend].to_string(),
        })
        .collect();
    let names = tag_names(text);
    let names: Vec<Mention> = names.into_iter().filter(|m| !out.iter().any(|o| o.start < m.end && m.start < o.end)).collect();
    out.extend(names);
    out.sort_by_key(|m| m.start);
    out
}

/// Runs of capitalised words that are not sentence-initial stop words.
fn tag_names(text: &str) -> Vec<Mention> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut run: Option<(usize, usize)> = None;
    let flush = |run: &mut Option<(usize, usize)>, out: &mut Vec<Mention>| {
        if let Some((s, e)) = run.take() {
            let t: String = chars[s..e].iter().collect();
            out.push(Mention { start: s, end: e, kind: Kind::Misc, text: t });
        }
    };
    while i < chars.len() {
        if chars[i].is_alphabetic() {
            let s = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || (chars[i] == '-' && i + 1 < chars.len() && chars[i + 1].is_alphanumeric()))
            {
                i += 1;
            }
            let word: String = chars[s..i].iter().collect();
            let capital = word.chars().next().is_some_and(char::is_uppercase);
            if capital && !STOP.contains(&word.as_str()) {
                run = Some(match run {
                    Some((rs, re)) if chars[re..s].iter().all(|&c| c == ' ') => (rs, i),
                    other => {
                        let mut r = other;
                        flush(&mut r, &mut out);
                        (s, i)
                    }
                });
            } else {
                flush(&mut run, &mut out);
            }
        } else {
            if chars[i] != ' ' {
                flush(&mut run, &mut out);
            }
            i += 1;
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Groups mentions into entities and ranks them: most mentioned first, then
/// first seen. A mention whose words end another mention's name of the same
/// kind ("Zuckerberg" after "Mark Zuckerberg") joins that entity.
pub fn group(found: &[Mention]) -> Vec<Entity> {
    let mut ents: Vec<Entity> = Vec::new();
    for m in found {
        let target = ents.iter().position(|e| e.kind == m.kind && (e.name == m.text || e.name.ends_with(&format!(" {}", m.text))));
        match target {
            Some(i) => {
                ents[i].count += 1;
                ents[i].spans.push((m.start, m.end));
            }
            None => ents.push(Entity { kind: m.kind, name: m.text.clone(), count: 1, spans: vec![(m.start, m.end)] }),
        }
    }
    ents.sort_by(|a, b| b.count.cmp(&a.count).then(a.spans[0].0.cmp(&b.spans[0].0)));
    ents
}

/// The ranked entities of a text.
pub fn entities(text: &str) -> Vec<Entity> {
    group(&mentions(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalised_runs_are_mentions_with_code_point_spans() {
        let text = "Über alles, Mark Zuckerberg met Barack Obama.";
        let m = mentions(text);
        let names: Vec<&str> = m.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(names, vec!["Über", "Mark Zuckerberg", "Barack Obama"]);
        let chars: Vec<char> = text.chars().collect();
        let z = &m[1];
        assert_eq!(chars[z.start..z.end].iter().collect::<String>(), "Mark Zuckerberg");
    }

    #[test]
    fn a_surname_joins_the_full_name_and_ranks_it_first() {
        let e = entities("Mark Zuckerberg spoke and Zuckerberg left. Obama stayed.");
        assert_eq!(e[0].name, "Mark Zuckerberg");
        assert_eq!(e[0].count, 2);
    }
}
