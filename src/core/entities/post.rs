//! Document-level clean-up of the tagger's name spans: titles and possessives
//! out of names, one kind per identical name (the majority), repeats of a
//! found name tagged, and a surname alone is the person once the full name
//! has appeared. All-caps lines keep only names the rest of the text confirms.

use std::collections::HashMap;

use super::features::Doc;
use super::gazetteer::{gazetteer, CITY, COUNTRY, DEMONYM, FIRST_NAME, ORG_HEAD, TITLE};
use super::Kind;

/// A name span: (first token, end token exclusive, kind).
pub type Span = (usize, usize, Kind);

/// Longest name, in tokens, that is looked for again.
const MAX_REPEAT: usize = 6;

fn key(doc: &Doc, a: usize, b: usize) -> String {
    doc.words[a..b].join(" ")
}

fn capitalised(w: &str) -> bool {
    w.starts_with(|c: char| c.is_uppercase())
}

/// Applies the document rules to the tagger's spans (sorted, disjoint).
pub fn document(doc: &Doc, spans: Vec<Span>) -> Vec<Span> {
    let mut spans: Vec<Span> = spans.into_iter().filter_map(|s| trim(doc, s)).flat_map(|s| split_place(doc, s)).collect();
    // A name of the organisation lists, tagged as something else, is that
    // organisation ("Twitter" tagged as a person).
    spans = spans.into_iter().map(|s| org_by_list(doc, s)).collect();
    // The kind each name gets most often (ties: the first seen).
    let mut votes: HashMap<String, [usize; 6]> = HashMap::new();
    let mut first: HashMap<String, Kind> = HashMap::new();
    for &(a, b, k) in &spans {
        if doc.toks[a].caps_line {
            continue;
        }
        let key = key(doc, a, b);
        votes.entry(key.clone()).or_default()[k as usize] += 1;
        first.entry(key).or_insert(k);
    }
    let majority = |key: &str| -> Option<Kind> {
        let v = votes.get(key)?;
        let best = *v.iter().max()?;
        let f = first[key];
        if v[f as usize] == best {
            return Some(f);
        }
        Kind::ALL.into_iter().find(|&k| v[k as usize] == best)
    };
    // Names known in this text: each full name, and the surname of a person
    // named in full ("Kowalewski" after "Adam Kowalewski").
    let mut known: HashMap<String, Kind> = HashMap::new();
    for &(a, b, k) in &spans {
        if doc.toks[a].caps_line {
            continue;
        }
        let name = key(doc, a, b);
        let kind = majority(&name).unwrap_or(k);
        if kind == Kind::Person && b - a >= 2 && capitalised(doc.words[b - 1]) && doc.words[b - 1].chars().count() > 1 {
            known.insert(doc.words[b - 1].to_string(), Kind::Person);
        }
        known.entry(name).or_insert(kind);
    }
    for s in &mut spans {
        let name = key(doc, s.0, s.1);
        if let Some(k) = known.get(&name) {
            s.2 = *k;
        }
    }
    // Repeats: untagged occurrences of a known name.
    let mut covered = vec![false; doc.len()];
    for &(a, b, _) in &spans {
        covered[a..b].iter_mut().for_each(|c| *c = true);
    }
    let mut added = Vec::new();
    let mut i = 0;
    while i < doc.len() {
        if covered[i] || !capitalised(doc.words[i]) {
            i += 1;
            continue;
        }
        let mut best = None;
        let mut name = String::new();
        for e in i + 1..=(i + MAX_REPEAT).min(doc.len()) {
            if covered[e - 1] {
                break;
            }
            if e > i + 1 {
                name.push(' ');
            }
            name.push_str(doc.words[e - 1]);
            if let Some(&k) = known.get(&name) {
                best = Some((e, k));
            }
        }
        match best {
            Some((e, k)) => {
                // A name must not run on into, or on from, a capitalised word
                // ("Paris Hilton"); a sentence's first word does not count.
                let runs_on = e < doc.len() && capitalised(doc.words[e]) && !covered[e];
                let runs_from = i > 0 && capitalised(doc.words[i - 1]) && !doc.toks[i - 1].sent_start && !covered[i - 1];
                if runs_on || runs_from {
                    i += 1;
                } else {
                    added.push((i, e, k));
                    i = e;
                }
            }
            None => i += 1,
        }
    }
    spans.extend(added);
    // All-caps lines: only names confirmed by the rest of the text.
    spans.retain(|&(a, b, _)| !doc.toks[a].caps_line || known.contains_key(&key(doc, a, b)));
    spans.sort_by_key(|s| s.0);
    spans
}

/// A name that is exactly an organisation of the lists (`assets/ner/orgs.txt`,
/// `orgnames.txt`), and no listed place, demonym or first name, is that
/// organisation, whatever the tagger said.
fn org_by_list(doc: &Doc, (a, b, k): Span) -> Span {
    let g = gazetteer();
    if k != Kind::Organisation && g.is_org(&doc.words[a..b]) && g.lookup(&key(doc, a, b)) & (CITY | COUNTRY | FIRST_NAME | DEMONYM) == 0 {
        return (a, b, Kind::Organisation);
    }
    (a, b, k)
}

/// "US National Security Agency" is a place and an organisation: an
/// organisation name that starts with a country's short form (an all-caps
/// alias: US, UK, EU) followed by two or more words is split.
fn split_place(doc: &Doc, (a, b, k): Span) -> Vec<Span> {
    let w = doc.words[a];
    let short_form = w.chars().all(|c| c.is_uppercase() || c == '.') && gazetteer().aliases.contains_key(w);
    if k == Kind::Organisation && b - a >= 3 && short_form && capitalised(doc.words[a + 1]) {
        return vec![(a, a + 1, Kind::Place), (a + 1, b, k)];
    }
    vec![(a, b, k)]
}

/// Drops a leading title ("President", "Mr") from a person's name, and a
/// name that is nothing but a title.
fn trim(doc: &Doc, (mut a, b, k): Span) -> Option<Span> {
    if k == Kind::Person {
        while a < b && doc.gaz[a].begin & TITLE != 0 && doc.gaz[a].begin & ORG_HEAD == 0 {
            a += 1;
        }
    }
    // A possessive or a closing quote never ends a name.
    let mut b = b;
    while b > a && matches!(doc.words[b - 1], "'s" | "’s" | "'" | "’") {
        b -= 1;
    }
    (a < b).then_some((a, b, k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str, spans: Vec<Span>) -> Vec<(String, Kind)> {
        let doc = Doc::new(text);
        document(&doc, spans).into_iter().map(|(a, b, k)| (key(&doc, a, b), k)).collect()
    }

    fn at(text: &str, word: &str) -> usize {
        let doc = Doc::new(text);
        doc.words.iter().position(|w| *w == word).unwrap()
    }

    #[test]
    fn a_surname_alone_is_the_person_named_in_full() {
        let t = "Adam Kowalewski spoke. Later Kowalewski left Facebook.";
        let z = at(t, "Adam");
        let later = at(t, "Facebook");
        let got =
            names(t, vec![(z, z + 2, Kind::Person), (later - 2, later - 1, Kind::Organisation), (later, later + 1, Kind::Organisation)]);
        assert_eq!(
            got,
            vec![("Adam Kowalewski".into(), Kind::Person), ("Kowalewski".into(), Kind::Person), ("Facebook".into(), Kind::Organisation)]
        );
    }

    #[test]
    fn repeats_of_a_name_are_tagged_with_the_majority_kind() {
        let t = "Acme Widgets grew. Acme Widgets hired. Then Acme Widgets sold.";
        let a = at(t, "Acme");
        let got = names(t, vec![(a, a + 2, Kind::Organisation), (a + 4, a + 6, Kind::Organisation), (a + 9, a + 11, Kind::Place)]);
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|g| g.1 == Kind::Organisation), "{got:?}");
        let got = names(t, vec![(a, a + 2, Kind::Organisation)]);
        assert_eq!(got.len(), 3, "untagged repeats are found: {got:?}");
    }

    #[test]
    fn a_country_short_form_before_an_organisation_is_a_place() {
        let t = "the US National Security Agency said";
        let got = names(t, vec![(1, 5, Kind::Organisation)]);
        assert_eq!(got, vec![("US".into(), Kind::Place), ("National Security Agency".into(), Kind::Organisation)]);
    }

    #[test]
    fn a_listed_organisation_keeps_its_kind_but_a_place_does_not_become_one() {
        let t = "Twitter said that Goldman Sachs left Paris .";
        let got = names(t, vec![(0, 1, Kind::Person), (3, 5, Kind::Place), (6, 7, Kind::Place)]);
        assert_eq!(
            got,
            vec![("Twitter".into(), Kind::Organisation), ("Goldman Sachs".into(), Kind::Organisation), ("Paris".into(), Kind::Place)]
        );
    }

    #[test]
    fn titles_and_possessives_are_not_part_of_a_name() {
        let t = "President Barack Obama 's plan";
        let got = names(t, vec![(0, 4, Kind::Person)]);
        assert_eq!(got, vec![("Barack Obama".into(), Kind::Person)]);
    }
}
