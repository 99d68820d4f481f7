//! The tokenizer the tagger and the rules share: words with their spans in
//! code points, for real prose ("Obama's", "$50billion", "U.S.,") and for
//! text that is already tokenised and joined by spaces ("U.S. 's").

/// A token: `text[start..end]` in code points, and its byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Code-point offsets, end exclusive.
    pub start: usize,
    pub end: usize,
    /// Byte offsets into the source text.
    pub bstart: usize,
    pub bend: usize,
    /// The first token of a sentence (or of a line).
    pub sent_start: bool,
    /// On a line whose letters are (almost) all capitals.
    pub caps_line: bool,
}

impl Token {
    pub fn str<'a>(&self, text: &'a str) -> &'a str {
        &text[self.bstart..self.bend]
    }
}

/// Abbreviations that keep their final period ("Mr.", "Inc.").
const ABBREV: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Sr", "Jr", "Inc", "Ltd", "Co", "Corp", "Gov", "Sen", "Rep", "Gen", "Col", "Lt", "Capt", "Sgt",
    "Rev", "Mt", "Ft", "No", "vs", "etc", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Bros",
    "Ave", "Blvd", "Dept", "Univ", "Assn", "Est", "approx", "Pres", "Supt", "Hon", "Mass", "Calif", "Fla", "Wash",
];

/// Magnitudes and units glued to numbers ("50billion", "£3.5m", "6pm").
const GLUED: &[&str] = &["m", "bn", "b", "k", "mn", "tn", "million", "billion", "trillion", "am", "pm", "p", "cm", "km", "kg"];

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '‘' | '’' | '“' | '”' | '«' | '»' | '`')
}

/// Characters always split off as tokens of their own, wherever they are.
fn is_split(c: char) -> bool {
    matches!(
        c,
        '(' | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '"'
            | '“'
            | '”'
            | '«'
            | '»'
            | '|'
            | '—'
            | '–'
            | '…'
            | '*'
            | '#'
            | '_'
            | '<'
            | '>'
            | ';'
            | '!'
            | '?'
    ) || (c.is_ascii_punctuation() && matches!(c, '\\' | '^' | '~' | '='))
}

fn is_currency(c: char) -> bool {
    matches!(c, '$' | '£' | '€' | '¥' | '₹' | '₦' | '₩' | '₽' | '₺' | '₱' | '฿' | '₪')
}

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5);
    // (byte, code point) of each char, plus the end.
    let mut cps: Vec<(usize, char)> = Vec::with_capacity(text.len());
    cps.extend(text.char_indices());
    let n = cps.len();
    let byte_at = |i: usize| if i < n { cps[i].0 } else { text.len() };
    let mut i = 0;
    let mut pending_sent = true;
    let mut line_start = true;
    let mut line_caps = false;
    while i < n {
        let c = cps[i].1;
        if c.is_whitespace() {
            if c == '\n' || c == '\u{2029}' {
                pending_sent = true;
                line_start = true;
            }
            i += 1;
            continue;
        }
        let s = i;
        while i < n && !cps[i].1.is_whitespace() {
            i += 1;
        }
        if line_start {
            line_start = false;
            line_caps = caps_line(&cps, s);
        }
        let first_in_line = out.len();
        chunk(&cps, s, i, &byte_at, &mut out);
        // Sentence starts: after a line break, or after . ! ? (and quotes).
        for t in &mut out[first_in_line..] {
            let w = t.str(text);
            // Opening quotes and brackets do not take the flag.
            if pending_sent && !(w.chars().all(|c| is_quote(c) || matches!(c, '(' | '[' | '-' | '*' | '#' | '>' | '•'))) {
                t.sent_start = true;
                pending_sent = false;
            }
            t.caps_line = line_caps;
            if matches!(w, "." | "!" | "?" | "…") || (w.len() > 1 && w.ends_with('.') && !is_abbrev_word(&w[..w.len() - 1])) {
                pending_sent = true;
            }
        }
    }
    out
}

fn is_abbrev_word(w: &str) -> bool {
    ABBREV.contains(&w)
        || (w.contains('.') && w.chars().all(|c| c.is_alphabetic() || c == '.'))
        || (w.chars().count() == 1 && w.chars().all(|c| c.is_uppercase()))
}

/// Is the line starting at char `s` in capitals (most of its letters)?
fn caps_line(cps: &[(usize, char)], s: usize) -> bool {
    let (mut up, mut low, mut words) = (0usize, 0usize, 0usize);
    let mut prev_space = true;
    for &(_, c) in cps[s..].iter().take_while(|&&(_, c)| c != '\n') {
        if c.is_uppercase() {
            up += 1;
        } else if c.is_lowercase() {
            low += 1;
        }
        if prev_space && !c.is_whitespace() {
            words += 1;
        }
        prev_space = c.is_whitespace();
    }
    words >= 2 && up >= 4 && low * 8 <= up
}

/// Tokenizes one whitespace-free chunk `cps[s..e]`.
fn chunk(cps: &[(usize, char)], mut s: usize, mut e: usize, byte_at: &dyn Fn(usize) -> usize, out: &mut Vec<Token>) {
    let push = |out: &mut Vec<Token>, a: usize, b: usize| {
        if a < b {
            out.push(Token { start: a, end: b, bstart: byte_at(a), bend: byte_at(b), sent_start: false, caps_line: false })
        }
    };
    // Clitics of tokenised text stay whole: "'s", "'re", "n't".
    if matches!(cps[s].1, '\'' | '’') && e - s <= 3 && e - s >= 2 && cps[s + 1..e].iter().all(|p| p.1.is_alphabetic()) {
        push(out, s, e);
        return;
    }
    // Leading punctuation, one token each (a currency symbol too).
    while s < e {
        let c = cps[s].1;
        if is_split(c) || is_quote(c) || is_currency(c) || matches!(c, ',' | ':' | '.' | '/' | '-' | '•' | '@' | '&') && s + 1 < e {
            // "@user" and "#tag" stay whole; "-" before a digit is a sign.
            if (c == '@' || c == '#') && s + 1 < e && cps[s + 1].1.is_alphanumeric() {
                break;
            }
            if c == '-' && s + 1 < e && cps[s + 1].1.is_ascii_digit() {
                break;
            }
            if c == '.' && s + 1 < e && !cps[s + 1].1.is_alphanumeric() {
                // "..." stays one token.
                let mut k = s;
                while k < e && cps[k].1 == '.' {
                    k += 1;
                }
                push(out, s, k);
                s = k;
                continue;
            }
            push(out, s, s + 1);
            s += 1;
        } else {
            break;
        }
    }
    // Trailing punctuation, collected then pushed after the word.
    let mut tail: Vec<(usize, usize)> = Vec::new();
    loop {
        if e <= s {
            break;
        }
        let c = cps[e - 1].1;
        let word_len = e - s;
        if is_split(c) || matches!(c, ',' | ':' | '"' | '”' | '“' | '»' | '«') {
            tail.push((e - 1, e));
            e -= 1;
        } else if is_quote(c) && word_len > 1 {
            // "Jones'" (plural possessive) or a closing quote.
            tail.push((e - 1, e));
            e -= 1;
        } else if c == '.' && word_len > 1 {
            let w: String = cps[s..e - 1].iter().map(|p| p.1).collect();
            if w.ends_with('.') {
                // "..." at the end of a word.
                let mut k = e;
                while k > s && cps[k - 1].1 == '.' {
                    k -= 1;
                }
                tail.push((k, e));
                e = k;
            } else if is_abbrev_word(&w) {
                break;
            } else {
                tail.push((e - 1, e));
                e -= 1;
            }
        } else {
            break;
        }
    }
    // Possessive 's / ’s.
    if e >= s + 3 && matches!(cps[e - 2].1, '\'' | '’') && matches!(cps[e - 1].1, 's' | 'S') && cps[e - 3].1.is_alphanumeric() {
        tail.push((e - 2, e));
        e -= 2;
    } else if e >= s + 4 && cps[e - 3].1 == 'n' && matches!(cps[e - 2].1, '\'' | '’') && cps[e - 1].1 == 't' {
        // "didn't" -> "did" "n't", as the tokenised sets do.
        tail.push((e - 3, e));
        e -= 3;
    }
    // Inside the word: split at slashes and at em dashes; a number glued to
    // a magnitude ("50billion") becomes two tokens.
    let mut a = s;
    let mut k = s;
    while k < e {
        let c = cps[k].1;
        if is_split(c) || (c == '/' && k > a && k + 1 < e && !cps[a].1.is_ascii_digit()) {
            push(out, a, k);
            push(out, k, k + 1);
            a = k + 1;
            k += 1;
            continue;
        }
        if c.is_ascii_digit()
            && k + 1 < e
            && cps[k + 1].1.is_alphabetic()
            && cps[a..=k].iter().all(|p| p.1.is_ascii_digit() || matches!(p.1, '.' | ','))
        {
            let rest: String = cps[k + 1..e].iter().map(|p| p.1).collect();
            if GLUED.contains(&rest.to_lowercase().as_str()) {
                push(out, a, k + 1);
                a = k + 1;
            }
        }
        k += 1;
    }
    push(out, a, e);
    for &(x, y) in tail.iter().rev() {
        push(out, x, y);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.str(text)).collect()
    }

    #[test]
    fn prose_splits_punctuation_possessives_and_glued_magnitudes() {
        assert_eq!(
            words("Obama's plan, (costing $50billion), failed."),
            vec!["Obama", "'s", "plan", ",", "(", "costing", "$", "50", "billion", ")", ",", "failed", "."]
        );
        assert_eq!(words("Mr. Smith of the U.S. said \"no\"."), vec!["Mr.", "Smith", "of", "the", "U.S.", "said", "\"", "no", "\"", "."]);
        assert_eq!(words("Kowalewski’s firm"), vec!["Kowalewski", "’s", "firm"]);
    }

    #[test]
    fn pretokenised_text_is_kept_as_is() {
        assert_eq!(words("the U.S. 's army did n't go ."), vec!["the", "U.S.", "'s", "army", "did", "n't", "go", "."]);
    }

    #[test]
    fn spans_are_code_points_and_sentences_are_marked() {
        let text = "Ça va. Élodie Durand est là.\nNEW HEADLINE HERE NOW";
        let t = tokenize(text);
        let e = t.iter().find(|t| t.str(text) == "Élodie").unwrap();
        assert_eq!((e.start, e.end), (7, 13));
        assert!(e.sent_start);
        let d = t.iter().find(|t| t.str(text) == "Durand").unwrap();
        assert!(!d.sent_start);
        let h = t.iter().find(|t| t.str(text) == "NEW").unwrap();
        assert!(h.sent_start && h.caps_line);
    }
}
