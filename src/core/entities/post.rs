//! Document-level clean-up of the tagger's name spans: titles and possessives
//! out of names, one kind per identical name (the majority), repeats of a
//! found name tagged, and a surname alone is the person once the full name
//! has appeared. All-caps lines keep only names the rest of the text confirms.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

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
    let spans: Vec<Span> = spans.into_iter().filter_map(|s| trim(doc, s)).collect();
    let spans = join_and(doc, spans);
    let spans = join_country(doc, spans);
    // A name of the organisation lists, tagged as something else, is that
    // organisation ("Twitter" tagged as a person).
    let spans = legal_forms(doc, spans).into_iter().map(|s| org_by_list(doc, s)).collect();
    // Acronyms defined in brackets, then prizes and cups out of ORG/LOC/PER.
    let mut spans: Vec<Span> = acronyms(doc, spans).into_iter().map(|s| event(doc, s)).collect();
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

/// The word lists of the document pass, from `assets/ner/name-ends.txt`.
struct Lists {
    event_end: HashSet<&'static str>,
    event_start: HashSet<&'static str>,
    legal_after_comma: HashSet<&'static str>,
}

fn lists() -> &'static Lists {
    static L: OnceLock<Lists> = OnceLock::new();
    L.get_or_init(|| {
        let mut sections = super::rules::sections(include_str!("../../../assets/ner/name-ends.txt"));
        let mut take = |name: &str| -> HashSet<&'static str> {
            sections.remove(name).unwrap_or_else(|| panic!("assets/ner/name-ends.txt has no [{name}]")).into_iter().flatten().collect()
        };
        Lists { event_end: take("event-end"), event_start: take("event-start"), legal_after_comma: take("legal-after-comma") }
    })
}

/// A prize, cup, tournament or battle is an other name (MISC), not an
/// organisation, place or person: "Stanley Cup", "Berwick Prize", "TNT
/// Championship", "Siege of Petersburg".
fn event(doc: &Doc, (a, b, k): Span) -> Span {
    let ends = b - a >= 2 && lists().event_end.contains(doc.words[b - 1]);
    let battle = b - a >= 3 && lists().event_start.contains(doc.words[a]) && doc.words[a + 1] == "of";
    if matches!(k, Kind::Organisation | Kind::Place | Kind::Person) && (ends || battle) {
        return (a, b, Kind::Misc);
    }
    (a, b, k)
}

/// "US National Security Agency" is one organisation, not a place and an
/// organisation (the convention of wikigold, UNER and our news set): a
/// country's short form (all capitals: US, U.S., UK, D.C.) tagged as a place
/// and followed at once by an organisation joins it.
fn join_country(doc: &Doc, spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        if let Some(last) = out.last_mut() {
            let (a, b, k) = *last;
            let w = doc.words[a];
            let short_form = b == a + 1 && (2..=5).contains(&w.len()) && w.chars().all(|c| c.is_ascii_uppercase() || c == '.');
            if k == Kind::Place && s.2 == Kind::Organisation && s.0 == b && short_form && !doc.toks[b].sent_start {
                *last = (a, s.1, Kind::Organisation);
                continue;
            }
        }
        out.push(s);
    }
    out
}

/// "Department of Physics and Astronomy": an organisation named "X of Y"
/// (or "X for Y") followed by "and" and capitalised words runs on over them,
/// whether the tagger left them out or tagged them apart (an organisation or
/// an other name; not a person or a place).
fn join_and(doc: &Doc, spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    let mut i = 0;
    while i < spans.len() {
        let (a, b, k) = spans[i];
        let of = (a + 1..b.saturating_sub(1)).any(|j| matches!(doc.words[j], "of" | "for"));
        if k == Kind::Organisation && of && b + 1 < doc.len() && matches!(doc.words[b], "and" | "&") && capitalised(doc.words[b + 1]) {
            let mut r = b + 1;
            while r < doc.len() && capitalised(doc.words[r]) && !doc.toks[r].sent_start {
                r += 1;
            }
            // The words after "and": the next span if it starts there, else
            // the run, if no span starts inside it.
            let joined = match spans.get(i + 1) {
                Some(&(c, d, n)) if c < r => {
                    let part = c == b + 1 && matches!(n, Kind::Organisation | Kind::Misc);
                    (part && !named_alone(doc, &spans, c, d)).then_some((d, 2))
                }
                _ => (r > b + 1).then_some((r, 1)),
            };
            if let Some((end, used)) = joined {
                out.push((a, end, Kind::Organisation));
                i += used;
                continue;
            }
        }
        out.push((a, b, k));
        i += 1;
    }
    out
}

/// Whether the words `c..d` are a name of their own: a listed organisation,
/// or a name the text also uses elsewhere ("the Bank of Spain and Iberia
/// ... Iberia").
fn named_alone(doc: &Doc, spans: &[Span], c: usize, d: usize) -> bool {
    let words = &doc.words[c..d];
    gazetteer().is_org(words) || spans.iter().any(|&(x, y, _)| x != c && doc.words[x..y] == *words)
}

/// An organisation followed by a comma and a legal form takes them in
/// ("CCNG , Inc."; without the comma the tagger already does).
fn legal_forms(doc: &Doc, mut spans: Vec<Span>) -> Vec<Span> {
    for i in 0..spans.len() {
        let (_, b, k) = spans[i];
        let free = spans.get(i + 1).is_none_or(|n| n.0 > b + 1);
        if k == Kind::Organisation
            && free
            && b + 1 < doc.len()
            && doc.words[b] == ","
            && lists().legal_after_comma.contains(doc.words[b + 1])
        {
            spans[i].1 = b + 2;
        }
    }
    spans
}

/// An acronym defined in brackets after a name ("Fiji Labour Party ( FLP )")
/// is that name's kind, wherever the text uses it: its letters are capitals
/// of the name, in order, the first the same.
fn acronyms(doc: &Doc, mut spans: Vec<Span>) -> Vec<Span> {
    let mut defined: HashMap<&str, Kind> = HashMap::new();
    for &(a, b, k) in &spans {
        if b + 2 < doc.len() && doc.words[b] == "(" && doc.words[b + 2] == ")" && defines(&key(doc, a, b), doc.words[b + 1]) {
            defined.insert(doc.words[b + 1], k);
        }
    }
    if defined.is_empty() {
        return spans;
    }
    let mut covered = vec![false; doc.len()];
    for s in &mut spans {
        covered[s.0..s.1].iter_mut().for_each(|c| *c = true);
        if s.1 == s.0 + 1 {
            if let Some(&k) = defined.get(doc.words[s.0]) {
                s.2 = k;
            }
        }
    }
    for (i, w) in doc.words.iter().enumerate() {
        if let Some(&k) = defined.get(w) {
            if !covered[i] {
                spans.push((i, i + 1, k));
            }
        }
    }
    spans.sort_by_key(|s| s.0);
    spans
}

/// Whether `acronym` (2-10 characters, two capitals or more, a plural "s"
/// allowed) abbreviates `name`.
fn defines(name: &str, acronym: &str) -> bool {
    let n = acronym.chars().count();
    if !(2..=10).contains(&n)
        || !acronym.starts_with(|c: char| c.is_uppercase())
        || acronym.chars().any(|c| !c.is_alphanumeric() && !matches!(c, '&' | '.' | '-'))
    {
        return false;
    }
    let letters: Vec<char> = acronym.chars().filter(|c| c.is_uppercase()).collect();
    if letters.len() < 2 {
        return false;
    }
    let mut capitals = name.chars().filter(|c| c.is_uppercase());
    capitals.clone().next() == Some(letters[0]) && letters.iter().all(|l| capitals.any(|c| c == *l))
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
    fn a_country_short_form_before_an_organisation_is_part_of_it() {
        let t = "the US National Security Agency said";
        let got = names(t, vec![(1, 2, Kind::Place), (2, 5, Kind::Organisation)]);
        assert_eq!(got, vec![("US National Security Agency".into(), Kind::Organisation)]);
        let got = names(t, vec![(1, 5, Kind::Organisation)]);
        assert_eq!(got, vec![("US National Security Agency".into(), Kind::Organisation)]);
    }

    #[test]
    fn an_organisation_of_x_and_y_runs_on_over_and() {
        let t = "He joined the Department of Physics and Astronomy in 2006 , not the Bank of Spain and Iberia , nor the Bank of Italy and Google .";
        let d = at(t, "Department");
        let b = at(t, "Bank");
        let g = at(t, "Google");
        let got = names(
            t,
            vec![
                (d, d + 3, Kind::Organisation),
                (b, b + 3, Kind::Organisation),
                (b + 4, b + 5, Kind::Place),
                (g - 4, g - 1, Kind::Organisation),
                (g, g + 1, Kind::Organisation),
            ],
        );
        assert_eq!(
            got,
            vec![
                ("Department of Physics and Astronomy".into(), Kind::Organisation),
                ("Bank of Spain".into(), Kind::Organisation),
                ("Iberia".into(), Kind::Place),
                ("Bank of Italy".into(), Kind::Organisation),
                ("Google".into(), Kind::Organisation)
            ]
        );
    }

    #[test]
    fn prizes_cups_and_battles_are_other_names() {
        let t = "He won the Stanley Cup after the Battle of Salta , then joined Cup Holdings .";
        let s = at(t, "Stanley");
        let b = at(t, "Battle");
        let c = at(t, "joined") + 1;
        let got = names(t, vec![(s, s + 2, Kind::Organisation), (b, b + 3, Kind::Place), (c, c + 2, Kind::Organisation)]);
        assert_eq!(
            got,
            vec![("Stanley Cup".into(), Kind::Misc), ("Battle of Salta".into(), Kind::Misc), ("Cup Holdings".into(), Kind::Organisation)]
        );
    }

    #[test]
    fn a_legal_form_after_a_comma_is_part_of_the_name() {
        let t = "It was sold to CCNG , Inc. in 1999 .";
        let c = at(t, "CCNG");
        assert_eq!(names(t, vec![(c, c + 1, Kind::Organisation)]), vec![("CCNG , Inc.".into(), Kind::Organisation)]);
    }

    #[test]
    fn an_acronym_in_brackets_takes_the_kind_of_the_name_before_it() {
        let t = "The Fiji Labour Party ( FLP ) won . Later the FLP lost , and FLP members left .";
        let f = at(t, "Fiji");
        let later = at(t, "Later");
        let got = names(t, vec![(f, f + 3, Kind::Organisation), (later + 2, later + 3, Kind::Place)]);
        let kinds: Vec<(String, Kind)> = got.into_iter().filter(|g| g.0 == "FLP").collect();
        assert_eq!(kinds.len(), 3, "{kinds:?}");
        assert!(kinds.iter().all(|k| k.1 == Kind::Organisation), "{kinds:?}");
        assert!(!defines("Bank of Spain", "FLP"));
        assert!(defines("Air Defense Direction Centers", "ADDCs"));
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
