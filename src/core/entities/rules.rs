//! Dates and money amounts, found by rules over tokens: "13 March 2014",
//! "last year", "Wednesday", "$50billion", "£3.5m", "1.7 million naira".
//! A span keeps its currency and its magnitude.

use super::tokens::Token;
use super::Kind;

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];
const DAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const UNITS: &[&str] =
    &["year", "years", "month", "months", "week", "weeks", "decade", "decades", "century", "weekend", "quarter", "day", "days"];
const RELATIVE: &[&str] = &["last", "next", "this", "past", "previous", "coming", "following", "same", "that"];
const SINGLE_DATES: &[&str] = &["yesterday", "today", "tomorrow"];
const SEASONS: &[&str] = &["spring", "summer", "autumn", "fall", "winter"];
/// Words before a lone month that make it a date ("in March", "since May").
const MONTH_CUES: &[&str] = &[
    "in", "since", "until", "till", "by", "from", "during", "through", "early", "late", "mid", "last", "next", "this", "of", "before",
    "after", "on",
];

const MAGNITUDES: &[&str] =
    &["m", "bn", "b", "k", "mn", "tn", "mln", "million", "billion", "trillion", "thousand", "hundred", "crore", "lakh"];
const CURRENCY_WORDS: &[&str] = &[
    "dollar",
    "dollars",
    "pound",
    "pounds",
    "euro",
    "euros",
    "yen",
    "yuan",
    "renminbi",
    "naira",
    "rupee",
    "rupees",
    "cent",
    "cents",
    "pence",
    "penny",
    "franc",
    "francs",
    "rand",
    "peso",
    "pesos",
    "rouble",
    "roubles",
    "ruble",
    "rubles",
    "won",
    "shilling",
    "shillings",
    "dirham",
    "dirhams",
    "riyal",
    "riyals",
    "ringgit",
    "baht",
    "lira",
    "liras",
    "krona",
    "kronor",
    "krone",
    "kroner",
    "zloty",
    "real",
    "reais",
    "dinar",
    "dinars",
    "cedi",
    "cedis",
    "kwacha",
    "birr",
    "sterling",
    "bitcoin",
    "bitcoins",
    "hryvnia",
    "hryvnias",
    "rupiah",
    "taka",
    "pesetas",
];
/// Currency codes and prefixed symbols written as words: "USD 5m", "US$ 3".
const CURRENCY_CODES: &[&str] = &[
    "USD", "EUR", "GBP", "JPY", "CNY", "RMB", "INR", "NGN", "CHF", "CAD", "AUD", "HKD", "ZAR", "KES", "GHS", "BRL", "RUB", "MXN", "SEK",
    "NOK", "DKK", "SGD", "NZD", "KRW", "TRY", "AED", "SAR", "PKR", "EGP", "US$", "A$", "C$", "HK$", "NZ$", "S$", "R$", "Rs", "Rs.", "Sh",
    "Ksh", "N",
];
const NUMBER_WORDS: &[&str] = &[
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "a",
    "half",
    "several",
    "few",
    "dozen",
    "hundreds",
    "thousands",
    "millions",
    "billions",
    "tens",
];

fn is_currency_symbol(w: &str) -> bool {
    matches!(w, "$" | "£" | "€" | "¥" | "₹" | "₦" | "₩" | "₽" | "₺" | "₱" | "฿" | "₪")
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
    let parts: Vec<&str> = w.split(['-', '/']).collect();
    if parts.len() != 3 || !parts.iter().all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit())) {
        return false;
    }
    let sep_ok = w.contains('/') != w.contains('-');
    sep_ok && (parts[0].len() == 4 || parts[2].len() == 4 || (w.contains('/') && parts[2].len() == 2)) && parts[1].len() <= 2
}

fn is_month(w: &str, lower: &str) -> bool {
    w.starts_with(|c: char| c.is_uppercase()) && MONTHS.contains(&lower.trim_end_matches('.'))
}

/// Finds date and money spans: (first token, end token exclusive, kind).
pub fn find(text: &str, toks: &[Token]) -> Vec<(usize, usize, Kind)> {
    let words: Vec<&str> = toks.iter().map(|t| t.str(text)).collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let n = toks.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        if let Some(e) = money_at(&words, &lower, i) {
            out.push((i, e, Kind::Money));
            i = e;
        } else if let Some(e) = date_at(&words, &lower, toks, i) {
            out.push((i, e, Kind::Date));
            i = e;
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

fn money_at(words: &[&str], lower: &[String], i: usize) -> Option<usize> {
    let n = words.len();
    // Amount after a currency: "$ 50 billion", "US$ 3m", "USD 5".
    let cur = is_currency_symbol(words[i]) || CURRENCY_CODES.contains(&words[i]);
    if cur {
        let mut k = i + 1;
        if k < n && is_currency_symbol(words[k]) {
            k += 1;
        }
        if k < n && is_number(words[k]) {
            k += 1;
            if k < n && MAGNITUDES.contains(&lower[k].as_str()) {
                k += 1;
            }
            // "$50 million dollars" rarely; "£3.5m" done.
            return Some(k);
        }
        return None;
    }
    // Amount before a currency word: "1.7 million naira", "50 cents", "5m USD".
    if is_number(words[i]) || (NUMBER_WORDS.contains(&lower[i].as_str()) && lower[i] != "a") {
        let mut k = i + 1;
        while k < n && (NUMBER_WORDS.contains(&lower[k].as_str()) || is_number(words[k])) && k - i < 4 {
            k += 1;
        }
        while k < n && MAGNITUDES.contains(&lower[k].as_str()) {
            k += 1;
        }
        if k < n && (CURRENCY_WORDS.contains(&lower[k].as_str()) || (CURRENCY_CODES.contains(&words[k]) && words[k].len() == 3)) {
            // "won" is a verb too: only after a number with a magnitude or a plain number.
            return Some(k + 1);
        }
    }
    None
}

fn date_at(words: &[&str], lower: &[String], toks: &[Token], i: usize) -> Option<usize> {
    let n = words.len();
    let w = words[i];
    let l = lower[i].as_str();
    let next = |k: usize| if k < n { lower[k].as_str() } else { "" };
    let word_at = |k: usize| if k < n { words[k] } else { "" };
    // "13 March 2014", "13th of March".
    if is_day_number(w) {
        let mut k = i + 1;
        if next(k) == "of" {
            k += 1;
        }
        if k < n && is_month(word_at(k), next(k)) {
            k += 1;
            if k < n && is_year(word_at(k)) {
                k += 1;
            }
            return Some(k);
        }
        return None;
    }
    // "Wednesday", "Wednesday 13 March", "March 13, 2014", "March 2014".
    if DAYS.contains(&l) && w.starts_with(|c: char| c.is_uppercase()) {
        let mut k = i + 1;
        if word_at(k) == "," && is_day_number(word_at(k + 1)) {
            k += 1;
        }
        if let Some(e) = date_at(words, lower, toks, k).filter(|_| k < n && (is_day_number(word_at(k)) || is_month(word_at(k), next(k)))) {
            return Some(e);
        }
        return Some(i + 1);
    }
    if is_month(w, l) {
        let mut k = i + 1;
        let mut specific = false;
        if k < n && is_day_number(word_at(k)) {
            k += 1;
            specific = true;
            if word_at(k) == "," && is_year(word_at(k + 1)) {
                k += 2;
            } else if is_year(word_at(k)) {
                k += 1;
            }
        } else if k < n && is_year(word_at(k)) {
            k += 1;
            specific = true;
        }
        let prev = if i > 0 { lower[i - 1].as_str() } else { "" };
        // A lone month: only after a cue, and never "May" (the verb, the name).
        if specific
            || (l != "may" && l != "march" && MONTH_CUES.contains(&prev))
            || (l == "march" && MONTH_CUES.contains(&prev) && prev != "on")
        {
            return Some(k);
        }
        return None;
    }
    if SINGLE_DATES.contains(&l) {
        return Some(i + 1);
    }
    // "early 2020", "mid-March", "late May 2019": the qualifier is in the span.
    if matches!(l, "early" | "late" | "mid") || l.starts_with("mid-") {
        let k = if l.starts_with("mid-") && w.len() > 4 { i } else { i + 1 };
        if k == i {
            // "mid-2019" and "mid-March" are one token.
            let rest = &w[4..];
            if is_year(rest) || is_month(rest, &rest.to_lowercase()) {
                let mut e = i + 1;
                if is_year(word_at(e)) {
                    e += 1;
                }
                return Some(e);
            }
        } else if k < n && (is_year(word_at(k)) || (is_month(word_at(k), next(k)) && (next(k) != "may" || is_year(word_at(k + 1))))) {
            return Some(if is_month(word_at(k), next(k)) && is_year(word_at(k + 1)) { k + 2 } else { k + 1 });
        }
    }
    // "the past two years", "the last three months", "the next 10 days".
    if matches!(l, "past" | "last" | "next" | "previous" | "coming" | "first") && i > 0 && lower[i - 1] == "the" {
        let k = i + 1;
        if (is_number(word_at(k)) || NUMBER_WORDS.contains(&next(k))) && next(k) != "a" && UNITS.contains(&next(k + 1)) {
            return Some(k + 2);
        }
    }
    // "last year", "this week", "next month", "the past decade", "last Wednesday".
    if RELATIVE.contains(&l) && l != "that" && l != "same" {
        let k = i + 1;
        if k < n && UNITS.contains(&next(k)) && !matches!(next(k), "day" | "days") {
            return Some(k + 1);
        }
        if k < n && (DAYS.contains(&next(k)) || SEASONS.contains(&next(k))) {
            return Some(k + 1);
        }
        if l == "this" && matches!(next(k), "morning" | "afternoon" | "evening") {
            return None;
        }
    }
    // "earlier this year", "later this month".
    if matches!(l, "earlier" | "later") && matches!(next(i + 1), "this" | "last" | "next") && UNITS.contains(&next(i + 2)) {
        return Some(i + 3);
    }
    // "two years ago", "10 days ago".
    if (is_number(w) || NUMBER_WORDS.contains(&l)) && UNITS.contains(&next(i + 1)) && next(i + 2) == "ago" {
        return Some(i + 3);
    }
    if is_numeric_date(w) {
        return Some(i + 1);
    }
    // "1990s", "the 1990s" (the article stays out), "2014", "in 2014-15".
    if is_decade(w) {
        return Some(i + 1);
    }
    if is_year(w) {
        let prev = if i > 0 { words[i - 1] } else { "" };
        // Not part of an amount or a count ("2000 people" stays, "$2000" is money).
        if is_currency_symbol(prev) || (i > 0 && glued(toks, i - 1, i) && prev != "(") {
            return None;
        }
        let nl = next(i + 1);
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
        assert_eq!(dates("over the past two years and the next 10 days"), vec!["past two years", "next 10 days"]);
    }

    #[test]
    fn modal_may_and_the_name_may_are_not_dates() {
        assert!(dates("Theresa May said it may rain.").is_empty());
        assert!(dates("They march on.").is_empty());
        assert!(dates("It cost $2014.").is_empty());
    }
}
