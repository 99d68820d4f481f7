//! Mentions grouped into entities: "Adam Kowalewski", "Mr Kowalewski" and
//! "Kowalewski" are one person; "National Security Agency" and "NSA" one
//! organisation (an acronym of a name in the text); "US" and "United
//! States" one place (the alias table in `assets/ner/aliases.txt`).

use super::gazetteer::gazetteer;
use super::{Entity, Kind, Mention};

/// Words left out of acronyms ("Bank of England" -> "BoE", "BE").
const MINOR: &[&str] = &["of", "the", "and", "for", "in", "on", "de", "la", "&", "to"];

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// "The Guardian" and "Guardian" are one name.
fn bare(s: &str) -> &str {
    s.strip_prefix("the ").or_else(|| s.strip_prefix("The ")).unwrap_or(s)
}

/// The capitals of a name's major words: "National Security Agency" -> "NSA".
fn initials(name: &str) -> String {
    words(name).iter().filter(|w| !MINOR.contains(w)).filter_map(|w| w.chars().next()).filter(|c| c.is_uppercase()).collect()
}

/// Is `short` an acronym ("NSA", "N.S.A.") of `long`?
fn acronym_of(short: &str, long: &str) -> bool {
    let s: String = short.chars().filter(|&c| c != '.').collect();
    let n = s.chars().count();
    if !(2..=8).contains(&n) || !s.chars().all(|c| c.is_uppercase()) || words(long).len() < 2 {
        return false;
    }
    let full = initials(long);
    // "US National Security Agency" also answers to "NSA".
    full == s || (full.len() > s.len() && full.ends_with(&s) && words(long).len() > n)
}

/// Does a person mention `short` name the same person as `long`?
fn same_person(short: &str, long: &str) -> bool {
    let (s, l) = (words(short), words(long));
    if s.len() >= l.len() || s.is_empty() {
        return false;
    }
    // "Kowalewski" (surname), or "Adam Kowalewski" in "Adam Julian Kowalewski".
    match s.len() {
        1 => l.last() == s.last(),
        _ => l.first() == s.first() && l.last() == s.last(),
    }
}

/// The canonical form of a short name, if the alias table knows it.
fn alias(name: &str) -> Option<&'static str> {
    gazetteer().aliases.get(bare(name)).map(String::as_str)
}

/// Does mention text `m` (kind `k`) belong with an entity known by `forms`?
fn belongs(m: &str, k: Kind, e: &Entity, forms: &[String]) -> bool {
    if k != e.kind {
        // An alias may be typed LOC in one place and ORG in another ("UN").
        let names = matches!(k, Kind::Place | Kind::Organisation) && matches!(e.kind, Kind::Place | Kind::Organisation);
        return names && forms.iter().any(|f| alias(m).is_some_and(|a| alias(f) == Some(a) || f == a));
    }
    forms.iter().any(|f| {
        bare(f) == bare(m)
            || match k {
                Kind::Person => same_person(m, f),
                Kind::Organisation | Kind::Place | Kind::Misc => {
                    acronym_of(m, f) || alias(m).is_some_and(|a| a == bare(f) || alias(f) == Some(a))
                }
                Kind::Date | Kind::Money => false,
            }
    })
}

/// Groups mentions into entities, ranked by mention count, then by first
/// position. Fuller names are placed first, so that "Kowalewski" before
/// "Adam Kowalewski" still joins the full name, which names the entity.
pub fn group(found: &[Mention]) -> Vec<Entity> {
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(words(&found[i].text).len()), found[i].start));
    let mut ents: Vec<(Entity, Vec<String>)> = Vec::new();
    for i in order {
        let m = &found[i];
        match ents.iter().position(|(e, forms)| belongs(&m.text, m.kind, e, forms)) {
            Some(j) => {
                let (e, forms) = &mut ents[j];
                e.count += 1;
                e.spans.push((m.start, m.end));
                if !forms.contains(&m.text) {
                    forms.push(m.text.clone());
                }
            }
            None => {
                ents.push((Entity { kind: m.kind, name: m.text.clone(), count: 1, spans: vec![(m.start, m.end)] }, vec![m.text.clone()]))
            }
        }
    }
    let mut out: Vec<Entity> = ents
        .into_iter()
        .map(|(mut e, forms)| {
            e.spans.sort_unstable();
            // The fullest name; an alias's canonical form when the text has it.
            e.name = forms.iter().max_by_key(|f| (words(bare(f)).len(), bare(f).chars().count())).cloned().unwrap_or(e.name);
            e.name = bare(&e.name).to_string();
            e
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.spans[0].0.cmp(&b.spans[0].0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str, kind: Kind, start: usize) -> Mention {
        Mention { start, end: start + text.chars().count(), kind, text: text.to_string() }
    }

    #[test]
    fn surnames_and_full_names_are_one_person() {
        let e = group(&[
            m("Kowalewski", Kind::Person, 0),
            m("Adam Kowalewski", Kind::Person, 20),
            m("Kowalewski", Kind::Person, 50),
            m("Obama", Kind::Person, 70),
        ]);
        assert_eq!(e[0].name, "Adam Kowalewski");
        assert_eq!(e[0].count, 3);
        assert_eq!(e[0].spans, vec![(0, 10), (20, 35), (50, 60)]);
        assert_eq!(e[1].name, "Obama");
    }

    #[test]
    fn an_acronym_of_a_name_in_the_text_joins_it() {
        let e = group(&[
            m("National Security Agency", Kind::Organisation, 0),
            m("NSA", Kind::Organisation, 30),
            m("NSA", Kind::Organisation, 40),
        ]);
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].name.as_str(), e[0].count), ("National Security Agency", 3));
        let e = group(&[m("NBA", Kind::Organisation, 0), m("National Security Agency", Kind::Organisation, 10)]);
        assert_eq!(e.len(), 2, "an acronym that does not fit stays apart");
    }

    #[test]
    fn aliases_join_their_canonical_name() {
        let e =
            group(&[m("US", Kind::Place, 0), m("United States", Kind::Place, 10), m("U.S.", Kind::Place, 30), m("UK", Kind::Place, 40)]);
        assert_eq!(e[0].name, "United States");
        assert_eq!(e[0].count, 3);
        assert_eq!(e[1].name, "UK");
        let e = group(&[m("US", Kind::Place, 0), m("USA", Kind::Organisation, 10)]);
        assert_eq!(e.len(), 1, "aliases of one place join across LOC/ORG");
    }

    #[test]
    fn ranking_is_by_count_then_first_position() {
        let e = group(&[
            m("Paris", Kind::Place, 0),
            m("Reuters", Kind::Organisation, 10),
            m("Reuters", Kind::Organisation, 30),
            m("Wednesday", Kind::Date, 40),
        ]);
        let names: Vec<&str> = e.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, vec!["Reuters", "Paris", "Wednesday"]);
    }
}
