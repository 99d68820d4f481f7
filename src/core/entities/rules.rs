//! Dates and money amounts, found by rules over tokens: "13 March 2014",
//! "last year", "Wednesday", "$50billion", "£3.5m", "1.7 million naira".
//! A span keeps its currency and its magnitude.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::tokens::Token;
use super::Kind;

/// The word lists of these rules, from `assets/ner/date-money.txt`.
struct Lists {
    months: Vec<&'static str>,
    days: Vec<&'static str>,
    units: Vec<&'static str>,
    spans: Vec<&'static str>,
    relative: Vec<&'static str>,
    the_start: Vec<&'static str>,
    approx: Vec<Vec<&'static str>>,
    decade_words: Vec<&'static str>,
    holidays: Vec<Vec<&'static str>>,
    single_dates: Vec<&'static str>,
    seasons: Vec<&'static str>,
    month_cues: Vec<&'static str>,
    magnitudes: Vec<&'static str>,
    currency_words: Vec<&'static str>,
    currency_codes: Vec<&'static str>,
    number_words: Vec<&'static str>,
}

/// The sections of a word-list asset: `[name]` lines start a section,
/// each other line is a list of words separated by single spaces; blank
/// lines and `#` comments are skipped. Name -> lines -> words.
pub(super) fn sections(text: &'static str) -> std::collections::HashMap<&'static str, Vec<Vec<&'static str>>> {
    let mut sections: std::collections::HashMap<&str, Vec<Vec<&'static str>>> = std::collections::HashMap::new();
    let mut current = "";
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name;
            continue;
        }
        sections.entry(current).or_default().push(line.split(' ').collect());
    }
    sections
}

/// The lists, read once from the asset.
fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| {
        let mut sections = sections(include_str!("../../../assets/ner/date-money.txt"));
        let mut take = |name: &str| sections.remove(name).unwrap_or_else(|| panic!("assets/ner/date-money.txt has no [{name}]"));
        Lists {
            months: take("months").into_iter().flatten().collect(),
            days: take("days").into_iter().flatten().collect(),
            units: take("units").into_iter().flatten().collect(),
            spans: take("spans").into_iter().flatten().collect(),
            relative: take("relative").into_iter().flatten().collect(),
            the_start: take("the_start").into_iter().flatten().collect(),
            approx: take("approx"),
            decade_words: take("decade_words").into_iter().flatten().collect(),
            holidays: take("holidays"),
            single_dates: take("single_dates").into_iter().flatten().collect(),
            seasons: take("seasons").into_iter().flatten().collect(),
            month_cues: take("month_cues").into_iter().flatten().collect(),
            magnitudes: take("magnitudes").into_iter().flatten().collect(),
            currency_words: take("currency_words").into_iter().flatten().collect(),
            currency_codes: take("currency_codes").into_iter().flatten().collect(),
            number_words: take("number_words").into_iter().flatten().collect(),
        }
    })
}

fn is_currency_char(c: char) -> bool {
    matches!(c, '$' | '£' | '€' | '¥' | '₹' | '₦' | '₩' | '₽' | '₺' | '₱' | '฿' | '₪' | '₿' | '₴' | '₫' | '₵')
}

fn is_currency_symbol(w: &str) -> bool {
    let mut c = w.chars();
    c.next().is_some_and(is_currency_char) && c.next().is_none()
}

/// A currency glued to a country prefix or to its amount, one token:
/// "US$", "CDN$11,000", "NZ$5", "₿7300", "US$3.6bn". `Some(true)` when the
/// amount is in the token, `Some(false)` for a bare prefixed symbol.
fn glued_amount(w: &str) -> Option<bool> {
    let (at, sym) = w.char_indices().find(|&(_, c)| is_currency_char(c))?;
    let (left, right) = (&w[..at], &w[at + sym.len_utf8()..]);
    if left.len() > 3 || !left.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    if right.is_empty() {
        return (!left.is_empty()).then_some(false);
    }
    let digits = right.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = right[digits.len()..].to_lowercase();
    (is_number(digits) && (suffix.is_empty() || lists().magnitudes.contains(&suffix.as_str()))).then_some(true)
}

/// Digits with optional , and . ("1,000", "3.5"), or a signless number.
fn is_number(w: &str) -> bool {
    let b = w.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_digit()
        && b[b.len() - 1].is_ascii_digit()
        && b.iter().all(|&c| c.is_ascii_digit() || c == b',' || c == b'.')
}

fn is_year(w: &str) -> bool {
    w.len() == 4 && w.bytes().all(|c| c.is_ascii_digit()) && (w.starts_with("19") || w.starts_with("20") || w.starts_with("18"))
}

/// "1990s", "'90s".
fn is_decade(w: &str) -> bool {
    let d = w.strip_suffix('s').unwrap_or("");
    (d.len() == 4 && d.ends_with('0') && is_year(d)) || (d.len() == 3 && d.starts_with(['\'', '’']) && d.ends_with('0'))
}

/// "60s" (ages and decades after "the", "their", "early"...).
fn is_short_decade(w: &str) -> bool {
    let d = w.strip_suffix('s').unwrap_or("");
    d.len() == 2 && d.ends_with('0') && d.bytes().all(|b| b.is_ascii_digit()) && d != "00"
}

/// "2019/20", "2014-15": a season or a fiscal year.
fn is_season(w: &str) -> bool {
    let Some((a, b)) = w.split_once(['/', '-']) else { return false };
    is_year(a) && (b.len() == 2 || is_year(b)) && b.bytes().all(|c| c.is_ascii_digit())
}

/// A count of a duration: "3", "30+", "three", "twenty three" (first word).
fn is_count(w: &str, lower: &str) -> bool {
    is_number(w) || is_number(w.trim_end_matches('+')) || (lists().number_words.contains(&lower) && lower != "a")
}

/// "three-week", "36-year-old", "10-day", "two-year-long".
fn is_hyphen_span(lower: &str) -> bool {
    let mut parts = lower.split('-');
    let (Some(num), Some(unit)) = (parts.next(), parts.next()) else { return false };
    let tail = parts.next();
    parts.next().is_none()
        && (is_number(num) || (lists().number_words.contains(&num) && !matches!(num, "a" | "half" | "several" | "few")))
        && lists().spans.contains(&unit)
        && matches!(tail, None | Some("old") | Some("long"))
}

fn is_day_number(w: &str) -> bool {
    let d = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &w[d.len()..];
    matches!(suffix, "" | "st" | "nd" | "rd" | "th")
        && !d.is_empty()
        && d.len() <= 2
        && d.parse::<u32>().is_ok_and(|n| (1..=31).contains(&n))
}

/// ISO and slashed dates: 2014-03-13, 13/03/2014, 3/13/14.
fn is_numeric_date(w: &str) -> bool {
    if !w.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let parts: Vec<&str> = w.split(['-', '/']).collect();
    if parts.len() != 3 || !parts.iter().all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit())) {
        return false;
    }
    let sep_ok = w.contains('/') != w.contains('-');
    sep_ok && (parts[0].len() == 4 || parts[2].len() == 4 || (w.contains('/') && parts[2].len() == 2)) && parts[1].len() <= 2
}

fn is_month(w: &str, lower: &str) -> bool {
    w.starts_with(|c: char| c.is_uppercase()) && lists().months.contains(&lower.trim_end_matches('.'))
}

/// The words of a text, lower-cased beside, with their tokens.
struct Words<'a> {
    toks: &'a [Token],
    words: Vec<&'a str>,
    lower: Vec<String>,
}

impl Words<'_> {
    fn w(&self, k: usize) -> &str {
        self.words.get(k).copied().unwrap_or("")
    }

    fn l(&self, k: usize) -> &str {
        self.lower.get(k).map(String::as_str).unwrap_or("")
    }

    fn n(&self) -> usize {
        self.words.len()
    }

    /// Does the sequence `seq` (lower case) end just before `k`, no earlier than `floor`?
    fn ends_before(&self, floor: usize, k: usize, seq: &[&str]) -> bool {
        k >= floor + seq.len() && seq.iter().enumerate().all(|(j, s)| self.l(k - seq.len() + j) == *s)
    }

    /// The approximator ending just before `k` ("about", "more than"), as its first token.
    fn approx_before(&self, floor: usize, k: usize) -> Option<usize> {
        lists().approx.iter().filter(|a| self.ends_before(floor, k, a)).map(|a| k - a.len()).min()
    }

    fn capitalised(&self, k: usize) -> bool {
        self.w(k).starts_with(|c: char| c.is_uppercase())
    }
}

/// Lower-case words that may begin a date or an amount; any other word that
/// starts with a lower-case letter (most words) is skipped at once.
fn starters() -> &'static HashSet<String> {
    static S: OnceLock<HashSet<String>> = OnceLock::new();
    S.get_or_init(|| {
        let extra = [
            "early",
            "late",
            "mid",
            "end",
            "beginning",
            "start",
            "middle",
            "rest",
            "remainder",
            "turn",
            "earlier",
            "later",
            "each",
            "every",
            "age",
            "their",
            "his",
            "her",
            "fiscal",
            "several",
            "some",
            "couple",
            "first",
            "a",
        ];
        let words = {
            let l = lists();
            l.number_words
                .iter()
                .chain(&l.relative)
                .chain(&l.single_dates)
                .chain(&l.decade_words)
                .chain(&l.spans)
                .chain(&l.months)
                .chain(&l.days)
        };
        let holidays = lists().holidays.iter().map(|h| h[0].to_lowercase());
        words.chain(extra.iter()).map(|w| w.to_string()).chain(holidays).collect()
    })
}

/// Can a date or an amount start at this word? Most words are ruled out by
/// one look-up; the others go through the rules.
fn may_start(w: &str, lower: &str) -> bool {
    let Some(c) = w.chars().next() else { return false };
    if c.is_ascii_digit() {
        return true;
    }
    if c.is_alphabetic() {
        return starters().contains(lower.trim_end_matches('.'))
            || lower.contains('-')
            || (c.is_uppercase() && (lists().currency_codes.contains(&w) || w.contains(is_currency_char)));
    }
    is_currency_char(c) || w.contains(is_currency_char)
}

/// Finds date and money spans: (first token, end token exclusive, kind).
pub fn find(text: &str, toks: &[Token]) -> Vec<(usize, usize, Kind)> {
    let words: Vec<&str> = toks.iter().map(|t| t.str(text)).collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let ws = Words { toks, words, lower };
    let n = ws.n();
    let mut out = Vec::new();
    let mut i = 0;
    let mut floor = 0;
    while i < n {
        if !may_start(ws.w(i), ws.l(i)) {
            i += 1;
        } else if let Some(e) = money_at(&ws, i) {
            let s = money_left(&ws, floor, i, e);
            out.push((s, e, Kind::Money));
            i = e;
            floor = e;
        } else if let Some(e) = date_at(&ws, i) {
            let (e, joined_by_and) = date_tail(&ws, i, e);
            let s = date_left(&ws, floor, i, e, joined_by_and);
            out.push((s, e, Kind::Date));
            i = e;
            floor = e;
        } else {
            i += 1;
        }
    }
    out
}

/// Are tokens `a` and `b` adjacent in the text (no space between)?
fn glued(toks: &[Token], a: usize, b: usize) -> bool {
    toks[a].end == toks[b].start
}

fn magnitudes(ws: &Words, mut k: usize) -> usize {
    while k < ws.n() && lists().magnitudes.contains(&ws.l(k)) {
        k += 1;
    }
    k
}

/// The end of an amount starting at `k` ("400 billion", "$10", "US$17.50"), if any.
fn bare_amount(ws: &Words, k: usize) -> Option<usize> {
    let mut k = k;
    if is_currency_symbol(ws.w(k)) || glued_amount(ws.w(k)) == Some(false) {
        k += 1;
    }
    if is_number(ws.w(k)) || glued_amount(ws.w(k)) == Some(true) {
        return Some(magnitudes(ws, k + 1));
    }
    None
}

/// A range after an amount: "¥60–120", "$5 to $10 million", "between $3 and 4 billion".
fn money_range(ws: &Words, start: usize, k: usize) -> usize {
    let between = start > 0 && ws.l(start - 1) == "between";
    if matches!(ws.w(k), "–" | "-" | "to") || (between && ws.w(k) == "and") {
        if let Some(e) = bare_amount(ws, k + 1) {
            return e;
        }
    }
    k
}

/// Is "N pounds" a weight ("weighed 82 pounds (37 kg)", "500 pounds of cocaine")?
fn is_weight(ws: &Words, i: usize, cur: usize) -> bool {
    ws.l(cur).starts_with("pound")
        && (ws.l(cur + 1) == "of"
            || (i > 0 && ws.l(i - 1).starts_with("weigh"))
            || (ws.w(cur + 1) == "(" && is_number(ws.w(cur + 2)) && matches!(ws.l(cur + 3), "kg" | "kilograms" | "kilos" | "kilogrammes")))
}

fn money_at(ws: &Words, i: usize) -> Option<usize> {
    let n = ws.n();
    let w = ws.w(i);
    // Amount after a currency: "$ 50 billion", "US$ 3m", "USD 5", "US$3.6 billion".
    if lists().currency_codes.contains(&w) && glued_amount(w).is_none() {
        let mut k = i + 1;
        if is_currency_symbol(ws.w(k)) {
            k += 1;
        }
        return is_number(ws.w(k)).then(|| money_range(ws, i, magnitudes(ws, k + 1)));
    }
    if is_currency_symbol(w) || glued_amount(w).is_some() {
        let e = bare_amount(ws, i)?;
        return Some(money_range(ws, i, e));
    }
    // Amount before a currency word: "1.7 million naira", "50 cents", "5m USD",
    // "half a million US dollars", "15 million Hong Kong dollars".
    if is_number(w) || (lists().number_words.contains(&ws.l(i)) && ws.l(i) != "a") {
        let mut k = i + 1;
        while k < n && (lists().number_words.contains(&ws.l(k)) || is_number(ws.w(k))) && k - i < 4 {
            k += 1;
        }
        k = magnitudes(ws, k);
        if k < n && lists().currency_codes.contains(&ws.w(k)) && ws.w(k).len() == 3 {
            return Some(k + 1);
        }
        // Up to two capitalised words of origin before the currency word.
        let mut c = k;
        while c < k + 2 && c < n && (ws.capitalised(c) || ws.w(c) == "U.S.") && !lists().currency_words.contains(&ws.l(c)) {
            c += 1;
        }
        if c < n && lists().currency_words.contains(&ws.l(c)) && !is_weight(ws, i, c) {
            // "won" is a verb too: only after a number.
            return Some(c + 1);
        }
    }
    None
}

/// The first token of a money span found at `s`: a range's first amount and
/// an approximator in front ("about 15–25 million dollars", "more than $5").
fn money_left(ws: &Words, floor: usize, s: usize, e: usize) -> usize {
    let mut s = s;
    if s >= floor + 2 && matches!(ws.w(s - 1), "–" | "-" | "to") && is_number(ws.w(s - 2)) {
        s -= 2;
    }
    if s > floor && ws.l(s - 1) == "between" && (s..e).any(|k| ws.l(k) == "and") {
        return s - 1;
    }
    ws.approx_before(floor, s).unwrap_or(s)
}

/// Extends a date ending at `e`: "March, 2018", "March of 2016", "2008 to
/// 2016", "1980–1987", "March 4 and 5", "between 2014 and 2024", "the 2019/20
/// fiscal year". Returns the end and whether "and" joined two dates.
fn date_tail(ws: &Words, s: usize, e: usize) -> (usize, bool) {
    let mut e = e;
    let last = ws.w(e - 1);
    let month_last = is_month(last, ws.l(e - 1));
    if month_last && ws.w(e) == "," && is_year(ws.w(e + 1)) {
        e += 2;
    } else if month_last && ws.l(e) == "of" {
        if is_year(ws.w(e + 1)) {
            e += 2;
        } else if matches!(ws.l(e + 1), "this" | "last" | "next" | "that") && ws.l(e + 2) == "year" {
            e += 3;
        }
    }
    if (is_year(ws.w(e - 1)) || is_season(ws.w(e - 1))) && ws.l(e) == "fiscal" && ws.l(e + 1) == "year" {
        e += 2;
    }
    let last = ws.w(e - 1);
    let between = s > 0 && ws.l(s - 1) == "between";
    let sep = ws.l(e);
    if matches!(sep, "to" | "through" | "until" | "till" | "–" | "-" | "and") {
        if sep == "and" && !between && !(is_day_number(last) && is_day_number(ws.w(e + 1)) && !is_year(last)) {
            return (e, false);
        }
        // The second date of a range may be glued to the dash ("1980–1987").
        let second = if is_year(ws.w(e + 1)) { Some(e + 2) } else { date_at(ws, e + 1) };
        if let Some(f) = second {
            let (f, _) = date_tail(ws, e + 1, f);
            // "moved from May 2029 to December 2021" is two dates, not a range.
            let year = |a: usize, b: usize| (a..b).rev().find_map(|k| is_year(ws.w(k)).then(|| ws.w(k)));
            if let (Some(y1), Some(y2)) = (year(s, e), year(e + 1, f)) {
                if y2 < y1 {
                    return (e, false);
                }
            }
            return (f, sep == "and");
        }
        let next = ws.w(e + 1);
        // "2019–20", "March 4–5", "4 and 5".
        let short = (is_year(last) && next.len() == 2 && next.bytes().all(|b| b.is_ascii_digit()) && matches!(sep, "–" | "-"))
            || (is_day_number(last) && !is_year(last) && is_day_number(next));
        if short {
            return (e + 2, sep == "and");
        }
    }
    (e, false)
}

/// The first token of a date found at `s`: "the" before a relative or a
/// decade ("the next month", "the 1990s"), "between" before a range, an
/// approximator before a duration ("around fifteen years ago").
fn date_left(ws: &Words, floor: usize, s: usize, e: usize, joined_by_and: bool) -> usize {
    let first = ws.l(s);
    if joined_by_and && s > floor && ws.l(s - 1) == "between" {
        return s - 1;
    }
    let the = lists().the_start.contains(&first)
        || is_decade(ws.w(s))
        || is_short_decade(ws.w(s))
        || lists().decade_words.contains(&first)
        || (e >= s + 2 && ws.l(e - 2) == "fiscal" && ws.l(e - 1) == "year");
    if the && s > floor && ws.l(s - 1) == "the" {
        return s - 1;
    }
    let duration = lists().spans.contains(&ws.l(e - 1)) || matches!(ws.l(e - 1), "ago" | "old");
    if duration && (is_count(ws.w(s), first) || first == "a" || lists().spans.contains(&first)) {
        return ws.approx_before(floor, s).unwrap_or(s);
    }
    s
}

/// A duration starting at `i`: "eight years", "a few days", "twenty three
/// years", "15 years, 8 months", "seven days a week", "13 years old", "four
/// days ago".
fn duration_at(ws: &Words, i: usize) -> Option<usize> {
    let l = ws.l(i);
    let mut k = i;
    if l == "a" && matches!(ws.l(i + 1), "few" | "couple") {
        k = i + 2;
        if ws.l(k) == "of" {
            k += 1;
        }
    } else if l == "a" {
        // "a month ago", "over a year": only with "ago" or an approximator.
        let approx = i > 0 && ws.approx_before(0, i).is_some();
        if !(lists().spans.contains(&ws.l(i + 1)) && (ws.l(i + 2) == "ago" || approx)) {
            return None;
        }
        k = i + 1;
    } else if matches!(l, "several" | "some" | "couple") || is_count(ws.w(i), l) {
        k = i + 1;
        while k < i + 3 && lists().number_words.contains(&ws.l(k)) && ws.l(k) != "a" {
            k += 1;
        }
        if ws.l(k) == "of" && l == "couple" {
            k += 1;
        }
    } else if lists().spans.contains(&l) && l.ends_with('s') && ws.l(i + 1) == "ago" {
        // "years ago".
        return Some(i + 2);
    }
    if k == i || !lists().spans.contains(&ws.l(k)) {
        return None;
    }
    let mut e = k + 1;
    match ws.l(e) {
        "ago" | "old" => e += 1,
        "a" if lists().spans.contains(&ws.l(e + 1)) => e += 2,
        // "15 years, 8 months": a smaller unit after a comma.
        "," if is_count(ws.w(e + 1), ws.l(e + 1)) && (1..unit_rank(ws.l(k))).contains(&unit_rank(ws.l(e + 2))) => e += 3,
        _ => {}
    }
    Some(e)
}

/// Orders duration units: days < weeks < months < quarters < years; 0 for other words.
fn unit_rank(unit: &str) -> u8 {
    match unit.trim_end_matches('s') {
        "day" => 1,
        "week" => 2,
        "month" => 3,
        "quarter" => 4,
        "year" | "decade" | "century" | "centurie" => 5,
        _ => 0,
    }
}

/// "last year", "next Wednesday", "that same year", "this past April",
/// "the following day", "last three months".
fn relative_at(ws: &Words, i: usize) -> Option<usize> {
    let l = ws.l(i);
    if !lists().relative.contains(&l) && l != "first" {
        return None;
    }
    // "Kamloops This Week": capitals inside a sentence, beside another
    // capitalised word, are a name.
    if ws.capitalised(i) && !ws.toks[i].sent_start && ((i > 0 && ws.capitalised(i - 1)) || ws.capitalised(i + 1)) {
        return None;
    }
    let k = i + 1;
    let next = ws.l(k);
    if (l == "this" && matches!(next, "past" | "coming")) || (l == "that" && next == "same") {
        return relative_at(ws, k);
    }
    if matches!(l, "past" | "last" | "next" | "previous" | "coming" | "first" | "following") {
        if let Some(e) = duration_at(ws, k).filter(|_| next != "a") {
            return Some(e);
        }
    }
    if l == "first" {
        return None;
    }
    if next == "fiscal" && ws.l(k + 1) == "year" {
        return Some(k + 2);
    }
    if lists().units.contains(&next) {
        let day = matches!(next, "day" | "days");
        let day_ok = matches!(l, "next" | "following" | "same" | "previous" | "preceding" | "that");
        return (!day || day_ok).then_some(k + 1);
    }
    if lists().days.contains(&next) && ws.capitalised(k) {
        return date_at(ws, k);
    }
    if lists().seasons.contains(&next) {
        return Some(k + 1);
    }
    if is_month(ws.w(k), next) && !matches!(l, "same" | "following" | "previous") {
        return Some(k + 1);
    }
    None
}

/// Cues that make a lone month a date but could precede a person named May.
fn plain_cue(prev: &str) -> bool {
    matches!(prev, "for" | "between" | "and" | "or" | "to")
}

fn holiday_at(ws: &Words, i: usize) -> Option<usize> {
    lists().holidays.iter().find(|h| h.iter().enumerate().all(|(j, w)| ws.w(i + j) == *w)).map(|h| i + h.len())
}

fn date_at(ws: &Words, i: usize) -> Option<usize> {
    let n = ws.n();
    let w = ws.w(i);
    let l = ws.l(i);
    if let Some(e) = holiday_at(ws, i) {
        return Some(e);
    }
    // "13 March 2014", "13th of March".
    if is_day_number(w) {
        let mut k = i + 1;
        if ws.l(k) == "of" {
            k += 1;
        }
        if k < n && is_month(ws.w(k), ws.l(k)) {
            k += 1;
            if is_year(ws.w(k)) {
                k += 1;
            }
            return Some(k);
        }
        if let Some(e) = duration_at(ws, i) {
            return Some(e);
        }
        return None;
    }
    // "Wednesday", "Wednesday 13 March", "Saturday, April 4", "March 13, 2014", "March 2014".
    if lists().days.contains(&l) && ws.capitalised(i) {
        let mut k = i + 1;
        if ws.w(k) == "," && (is_day_number(ws.w(k + 1)) || is_month(ws.w(k + 1), ws.l(k + 1))) {
            k += 1;
        }
        if k < n && (is_day_number(ws.w(k)) || is_month(ws.w(k), ws.l(k))) {
            if let Some(e) = date_at(ws, k) {
                return Some(e);
            }
        }
        return Some(i + 1);
    }
    if is_month(w, l) {
        let mut k = i + 1;
        let mut specific = false;
        if is_day_number(ws.w(k)) && !is_year(ws.w(k)) {
            k += 1;
            specific = true;
            if ws.w(k) == "," && is_year(ws.w(k + 1)) {
                k += 2;
            } else if is_year(ws.w(k)) {
                k += 1;
            }
        } else if is_year(ws.w(k)) {
            k += 1;
            specific = true;
        }
        let prev = if i > 0 { ws.l(i - 1) } else { "" };
        // A lone month needs a cue before it. "May" (the verb, the name) and
        // "March" (the verb) need one that is no verb's subject, and no name after.
        let cued = lists().month_cues.contains(&prev) || (plain_cue(prev) && l != "may");
        let plain = l != "may" && l != "march";
        let name_after = ws.capitalised(k) || matches!(ws.w(k), "'s" | "’s");
        if specific || (cued && plain) || (cued && prev != "on" && !name_after) {
            return Some(k);
        }
        return None;
    }
    if lists().single_dates.contains(&l) {
        return Some(i + 1);
    }
    // "early 2020", "mid-March", "late May 2019", "late last July": the qualifier is in the span.
    if matches!(l, "early" | "late" | "mid") {
        let k = i + 1;
        let inner = ws.l(k);
        if is_year(ws.w(k))
            || is_decade(ws.w(k))
            || is_short_decade(ws.w(k))
            || is_month(ws.w(k), inner)
            || lists().relative.contains(&inner)
        {
            return date_at(ws, k);
        }
    }
    if let Some(rest) = l.strip_prefix("mid-") {
        // "mid-2019" and "mid-March" are one token.
        let rest_w = &w[4..];
        if is_year(rest_w) || is_month(rest_w, rest) {
            return Some(if is_year(ws.w(i + 1)) { i + 2 } else { i + 1 });
        }
    }
    // "the end of 2019", "the beginning of this year", "end of the year".
    if matches!(l, "end" | "beginning" | "start" | "middle" | "rest" | "remainder" | "turn") && ws.l(i + 1) == "of" {
        if ws.l(i + 2) == "the" && lists().units.contains(&ws.l(i + 3)) && !matches!(ws.l(i + 3), "day" | "days") {
            return Some(i + 4);
        }
        if let Some(e) = date_at(ws, i + 2) {
            return Some(e);
        }
        return None;
    }
    if let Some(e) = relative_at(ws, i) {
        return Some(e);
    }
    if lists().relative.contains(&l) {
        return None;
    }
    // "earlier this year", "later that month", "Earlier that day".
    if matches!(l, "earlier" | "later") && matches!(ws.l(i + 1), "this" | "that" | "last" | "next") && lists().units.contains(&ws.l(i + 2))
    {
        return Some(i + 3);
    }
    // "each year", "every week", "every two years".
    if matches!(l, "each" | "every") {
        if lists().units.contains(&ws.l(i + 1)) {
            return Some(i + 2);
        }
        return duration_at(ws, i + 1).filter(|_| is_count(ws.w(i + 1), ws.l(i + 1)));
    }
    // "age 29", "the age of fifteen".
    if l == "age" {
        if is_number(ws.w(i + 1)) {
            return Some(i + 2);
        }
        if ws.l(i + 1) == "of" && is_count(ws.w(i + 2), ws.l(i + 2)) {
            return Some(i + 3);
        }
        return None;
    }
    // "their 60s", "the seventies".
    if matches!(l, "their" | "his" | "her") && is_short_decade(ws.w(i + 1)) {
        return Some(i + 2);
    }
    if (lists().decade_words.contains(&l) || is_short_decade(w)) && i > 0 && ws.l(i - 1) == "the" {
        return Some(i + 1);
    }
    // "fiscal 2019", "fiscal year 2019".
    if l == "fiscal" {
        let k = if ws.l(i + 1) == "year" { i + 2 } else { i + 1 };
        return (is_year(ws.w(k)) || is_season(ws.w(k))).then_some(k + 1);
    }
    if is_hyphen_span(l) {
        return Some(i + 1);
    }
    if let Some(e) = duration_at(ws, i) {
        return Some(e);
    }
    if is_numeric_date(w) || is_season(w) {
        return Some(i + 1);
    }
    // "1990s", "the 1990s", "2014".
    if is_decade(w) {
        return Some(i + 1);
    }
    if is_year(w) {
        let prev = if i > 0 { ws.w(i - 1) } else { "" };
        // Not part of an amount or a count ("2000 people" stays, "$2000" is money).
        if is_currency_symbol(prev) || (i > 0 && glued(ws.toks, i - 1, i) && prev != "(") {
            return None;
        }
        let nl = ws.l(i + 1);
        if matches!(nl, "%" | "percent" | "per" | "people" | "km" | "kg" | "metres" | "meters" | "miles" | "tonnes") {
            return None;
        }
        return Some(i + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn spans(text: &str) -> Vec<(String, Kind)> {
        let toks = tokenize(text);
        find(text, &toks).into_iter().map(|(a, b, k)| (text[toks[a].bstart..toks[b - 1].bend].to_string(), k)).collect()
    }

    fn dates(text: &str) -> Vec<String> {
        spans(text).into_iter().filter(|s| s.1 == Kind::Date).map(|s| s.0).collect()
    }

    fn money(text: &str) -> Vec<String> {
        spans(text).into_iter().filter(|s| s.1 == Kind::Money).map(|s| s.0).collect()
    }

    #[test]
    fn money_keeps_currency_and_magnitude() {
        assert_eq!(money("It raised $50billion and £3.5m."), vec!["$50billion", "£3.5m"]);
        assert_eq!(money("a deal worth $46 billion, or 1.7 million naira"), vec!["$46 billion", "1.7 million naira"]);
        assert_eq!(money("He paid US$ 300 and 50 cents; USD 5m later"), vec!["US$ 300", "50 cents", "USD 5m"]);
        assert_eq!(money("€1,200.50 a month"), vec!["€1,200.50"]);
    }

    #[test]
    fn numbers_without_currency_are_not_money() {
        assert!(money("About 1.7 million people and 50 cars").is_empty());
        assert!(money("Germany won 2 matches").is_empty());
    }

    #[test]
    fn calendar_and_relative_dates() {
        assert_eq!(dates("On 13 March 2014 he spoke."), vec!["13 March 2014"]);
        assert_eq!(dates("He wrote on Thursday, and last year too."), vec!["Thursday", "last year"]);
        assert_eq!(dates("Since March 13, 2014 and in 1990s style, in 2015."), vec!["March 13, 2014", "1990s", "2015"]);
        assert_eq!(dates("It was due 2014-03-13 or earlier this year"), vec!["2014-03-13", "earlier this year"]);
        assert_eq!(dates("in May 2019 and in September"), vec!["May 2019", "September"]);
        assert_eq!(dates("by early 2020, or mid-2019, or late March"), vec!["early 2020", "mid-2019", "late March"]);
        assert_eq!(dates("over the past two years and the next 10 days"), vec!["the past two years", "the next 10 days"]);
    }

    #[test]
    fn money_takes_approximators_ranges_and_glued_prefixes() {
        assert_eq!(money("He owed over $850,000 and at least $11 million."), vec!["over $850,000", "at least $11 million"]);
        assert_eq!(money("It raised nearly CDN$11,000, about US$1.5 billion apiece."), vec!["nearly CDN$11,000", "about US$1.5 billion"]);
        assert_eq!(money("for about 15–25 million dollars"), vec!["about 15–25 million dollars"]);
        assert_eq!(
            money("surcharges of ¥60–120 and it will cost between US$300 and 400 billion"),
            vec!["¥60–120", "between US$300 and 400 billion"]
        );
        assert_eq!(
            money("Jong processed ₿7300; fines of nearly half a million US dollars"),
            vec!["₿7300", "nearly half a million US dollars"]
        );
        assert_eq!(
            money("The sale price is 900 million złotys, or 5 million Hong Kong dollars"),
            vec!["900 million złotys", "5 million Hong Kong dollars"]
        );
    }

    #[test]
    fn weights_in_pounds_are_not_money() {
        assert!(money("She weighed 82 pounds (37 kg) and carried 500 pounds of rice.").is_empty());
        assert_eq!(money("a fine of 500 pounds"), vec!["500 pounds"]);
    }

    #[test]
    fn durations_and_ages_are_dates() {
        assert_eq!(dates("He served eight years, then 15 years, 8 months in prison"), vec!["eight years", "15 years, 8 months"]);
        assert_eq!(dates("A 36-year-old man, age 29, at the age of fifteen"), vec!["36-year-old", "age 29", "the age of fifteen"]);
        assert_eq!(dates("a three-week trial, for a few days, 13 years old"), vec!["three-week", "a few days", "13 years old"]);
        assert_eq!(
            dates("It closed around fifteen years ago, working seven days a week"),
            vec!["around fifteen years ago", "seven days a week"]
        );
        assert_eq!(dates("protests every week and each year; all in their 60s"), vec!["every week", "each year", "their 60s"]);
        // A bound before a year is not part of it.
        assert_eq!(dates("for several years up to 2015"), vec!["several years", "2015"]);
    }

    #[test]
    fn relative_dates_keep_their_article_and_modifiers() {
        assert_eq!(dates("The next month, in the 1990s and the seventies"), vec!["The next month", "the 1990s", "the seventies"]);
        assert_eq!(
            dates("late last July, and this past April, that same year"),
            vec!["late last July", "this past April", "that same year"]
        );
        assert_eq!(dates("later that month, until this coming Saturday"), vec!["later that month", "this coming Saturday"]);
        assert_eq!(
            dates("around the beginning of August 2019, by the end of the year"),
            vec!["the beginning of August 2019", "the end of the year"]
        );
        assert_eq!(dates("Kamloops This Week said. \"This year we lost.\""), vec!["This year"]);
    }

    #[test]
    fn calendar_forms_and_ranges_are_one_span() {
        assert_eq!(dates("arrested in March, 2018 and in March of 2016"), vec!["March, 2018", "March of 2016"]);
        assert_eq!(dates("in January of this year, on Saturday, April 4"), vec!["January of this year", "Saturday, April 4"]);
        assert_eq!(
            dates("from 2008 to 2016, 1980–1987, between 2014 and 2024"),
            vec!["2008 to 2016", "1980–1987", "between 2014 and 2024"]
        );
        assert_eq!(dates("on March 4 and 5; in 2003 and 2004"), vec!["March 4 and 5", "2003", "2004"]);
        assert_eq!(dates("moved up from May 2029 to December 31, 2021"), vec!["May 2029", "December 31, 2021"]);
        assert_eq!(dates("in the 2019/20 fiscal year, and on Christmas Eve"), vec!["the 2019/20 fiscal year", "Christmas Eve"]);
    }

    #[test]
    fn a_lone_month_needs_a_cue_that_is_no_name() {
        assert_eq!(dates("scheduled for July, deaths in May alone"), vec!["July", "May"]);
        assert!(dates("They voted for May. In May's view it failed.").is_empty());
    }

    #[test]
    fn modal_may_and_the_name_may_are_not_dates() {
        assert!(dates("Theresa May said it may rain.").is_empty());
        assert!(dates("They march on.").is_empty());
        assert!(dates("It cost $2014.").is_empty());
    }
}
