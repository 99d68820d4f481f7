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

pub mod clusters;
pub mod features;
pub mod gazetteer;
pub mod group;
pub mod model;
pub mod post;
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

/// Mentions of one thing, grouped: "Mr Kowalewski" and "Adam Kowalewski".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entity {
    pub kind: Kind,
    /// The fullest name the text uses for it.
    pub name: String,
    pub count: usize,
    /// (start, end) of each mention, in code points, in text order.
    pub spans: Vec<(usize, usize)>,
}

/// Finds the mentions in `text`, in text order.
pub fn mentions(text: &str) -> Vec<Mention> {
    mentions_with(model::model(), text)
}

/// [`mentions`] with a given name tagger (the trainer measures its models
/// with this); `None` finds dates and money only.
pub fn mentions_with(tagger: Option<&model::Model>, text: &str) -> Vec<Mention> {
    let doc = features::Doc::new(text);
    let toks = &doc.toks;
    let mention = |a: usize, b: usize, kind: Kind| Mention {
        start: toks[a].start,
        end: toks[b - 1].end,
        kind,
        text: text[toks[a].bstart..toks[b - 1].bend].to_string(),
    };
    let mut out: Vec<Mention> = rules::find(text, toks).into_iter().map(|(a, b, k)| mention(a, b, k)).collect();
    let taken: Vec<(usize, usize)> = out.iter().map(|m| (m.start, m.end)).collect();
    for (a, b, k) in names(tagger, &doc) {
        let m = mention(a, b, k);
        if !taken.iter().any(|&(s, e)| s < m.end && m.start < e) {
            out.push(m);
        }
    }
    out.sort_by_key(|m| m.start);
    out
}

/// Name spans (first token, end token, kind) from the tagger.
fn names(tagger: Option<&model::Model>, doc: &features::Doc) -> Vec<(usize, usize, Kind)> {
    let Some(m) = tagger else { return Vec::new() };
    let labels = m.tag(doc);
    let mut out = Vec::new();
    let mut i = 0;
    while i < labels.len() {
        match model::kind_of(labels[i]) {
            Some(k) if !model::is_inside(labels[i]) => {
                let mut e = i + 1;
                while e < labels.len() && labels[e] == labels[i] + 1 {
                    e += 1;
                }
                out.push((i, e, k));
                i = e;
            }
            _ => i += 1,
        }
    }
    post::document(doc, out)
}

/// Groups mentions into entities and ranks them: most mentioned first, then
/// first seen (see [`group::group`]: surnames, acronyms and aliases join).
pub fn group(found: &[Mention]) -> Vec<Entity> {
    group::group(found)
}

/// The ranked entities of a text.
pub fn entities(text: &str) -> Vec<Entity> {
    group(&mentions(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_typed_with_code_point_spans_after_non_ascii_text() {
        let text = "Über alles: «Ça suffit», said Adam Kowalewski, who met Barack Obama in Paris.";
        let m = mentions(text);
        let chars: Vec<char> = text.chars().collect();
        for x in &m {
            assert_eq!(chars[x.start..x.end].iter().collect::<String>(), x.text);
        }
        let found: Vec<(&str, Kind)> = m.iter().map(|m| (m.text.as_str(), m.kind)).collect();
        assert!(found.contains(&("Adam Kowalewski", Kind::Person)), "{found:?}");
        assert!(found.contains(&("Barack Obama", Kind::Person)), "{found:?}");
        assert!(found.contains(&("Paris", Kind::Place)), "{found:?}");
    }

    fn found(text: &str) -> Vec<(String, Kind)> {
        mentions(text).into_iter().map(|m| (m.text, m.kind)).collect()
    }

    #[test]
    fn honorifics_and_possessives_stay_out_of_names() {
        let f = found("Mr Kowalewski's company met President Barack Obama on Friday. Mrs Jane Hudson declined.");
        let people: Vec<&str> = f.iter().filter(|m| m.1 == Kind::Person).map(|m| m.0.as_str()).collect();
        assert!(people.contains(&"Kowalewski"), "{f:?}");
        assert!(people.contains(&"Barack Obama"), "{f:?}");
        assert!(people.iter().all(|p| !p.starts_with("Mr") && !p.starts_with("President") && !p.ends_with("'s")), "{f:?}");
    }

    #[test]
    fn sentence_initial_capitals_are_not_names_by_themselves() {
        let f = found("However, the plan failed. Yesterday officials said nothing. Meanwhile prices rose. Analysts were surprised.");
        let names: Vec<&str> = f.iter().filter(|m| !matches!(m.1, Kind::Date | Kind::Money)).map(|m| m.0.as_str()).collect();
        assert!(names.is_empty(), "{f:?}");
    }

    #[test]
    fn all_caps_lines_are_not_names_unless_the_text_confirms_them() {
        let f = found("BREAKING NEWS: MARKETS FALL AGAIN AS TRADERS PANIC\nShares fell sharply in London on Monday.");
        let names: Vec<&str> = f.iter().filter(|m| !matches!(m.1, Kind::Date | Kind::Money)).map(|m| m.0.as_str()).collect();
        assert_eq!(names, vec!["London"], "{f:?}");
    }

    #[test]
    fn a_surname_joins_the_full_name_and_ranks_it_first() {
        let e = entities("Adam Kowalewski spoke and Kowalewski left. Obama stayed.");
        assert_eq!(e[0].name, "Adam Kowalewski");
        assert_eq!(e[0].count, 2);
    }
}
