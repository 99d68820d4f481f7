//! Dates as publishers write them, normalised to ISO 8601.
//!
//! Recognises `2014-03-13` (with an optional time), `13 March 2014`,
//! `March 13, 2014`, `Mar. 13 2014`, `Thursday 13 March 2014`, RFC 2822
//! (`Thu, 13 Mar 2014 10:00:00 GMT`) and `2014/03/13`. Numeric day/month
//! orders that are ambiguous (`03/04/2014`) are not guessed.

const MONTHS: [&str; 12] =
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// Month number (1-12) for a full or abbreviated English month name.
pub fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    if w.len() < 3 {
        return None;
    }
    if w.eq_ignore_ascii_case("sept") {
        return Some(9);
    }
    MONTHS.iter().position(|m| m.eq_ignore_ascii_case(w) || (w.len() == 3 && starts_with_ignoring_case(m, w))).map(|i| i as u32 + 1)
}

/// True for a full or abbreviated English weekday name.
pub fn is_weekday(word: &str) -> bool {
    let w = word.trim_end_matches(['.', ',']);
    w.len() >= 3 && WEEKDAYS.iter().any(|d| d.eq_ignore_ascii_case(w) || (w.len() <= 4 && starts_with_ignoring_case(d, w)))
}

/// Does `name` (lower-case ASCII) start with `prefix`, ASCII case ignored?
fn starts_with_ignoring_case(name: &str, prefix: &str) -> bool {
    name.len() >= prefix.len() && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn valid(y: i32, m: u32, d: u32) -> bool {
    if !(1800..=2200).contains(&y) || !(1..=12).contains(&m) || d == 0 {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    d <= days[m as usize - 1]
}

fn iso(y: i32, m: u32, d: u32) -> Option<String> {
    valid(y, m, d).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Parses a whole string that is a date (and perhaps a time) into ISO 8601:
/// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS][offset]` when an ISO time is given.
pub fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    parse_iso(s).or_else(|| parse_words(s))
}

fn parse_iso(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 10 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sep = b[4];
    if !(sep == b'-' || sep == b'/') || b[7] != sep {
        return None;
    }
    let y: i32 = s[..4].parse().ok()?;
    let m: u32 = s.get(5..7)?.parse().ok()?;
    let d: u32 = s.get(8..10)?.parse().ok()?;
    let date = iso(y, m, d)?;
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(date);
    }
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    // HH:MM[:SS[.fff]][Z|+hh:mm|-hh:mm]
    let rb = rest.as_bytes();
    if rb.len() < 5 || rb[2] != b':' || !rb[..2].iter().all(u8::is_ascii_digit) || !rb[3..5].iter().all(u8::is_ascii_digit) {
        return Some(date);
    }
    let mut end = 5;
    if rb.len() >= 8 && rb[5] == b':' && rb[6..8].iter().all(u8::is_ascii_digit) {
        end = 8;
    }
    let time = &rest[..end];
    let mut tail = &rest[end..];
    if let Some(t) = tail.strip_prefix('.') {
        let n = t.bytes().take_while(u8::is_ascii_digit).count();
        tail = &t[n..];
    }
    let zone = if tail == "Z" || tail == "z" {
        "Z".to_owned()
    } else if tail.len() == 6 && (tail.starts_with('+') || tail.starts_with('-')) && tail.as_bytes()[3] == b':' {
        tail.to_owned()
    } else if tail.len() == 5 && (tail.starts_with('+') || tail.starts_with('-')) && tail[1..].bytes().all(|c| c.is_ascii_digit()) {
        format!("{}:{}", &tail[..3], &tail[3..])
    } else {
        String::new()
    };
    Some(format!("{date}T{time}{zone}"))
}

fn parse_words(s: &str) -> Option<String> {
    let words: Vec<&str> = s.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    let mut words: &[&str] = &words;
    if words.first().is_some_and(|w| is_weekday(w)) {
        words = &words[1..];
    }
    if words.len() < 3 {
        return None;
    }
    let num = |w: &str| -> Option<u32> {
        let w = w.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '.');
        // 1st, 2nd, 13th
        w.parse().ok()
    };
    let year = |w: &str| -> Option<i32> {
        let w = w.trim_end_matches('.');
        (w.len() == 4).then(|| w.parse().ok()).flatten()
    };
    // 13 March 2014 / 13 Mar 2014 10:00 GMT
    if let (Some(d), Some(m), Some(y)) = (num(words[0]), month_number(words[1]), year(words[2])) {
        return iso(y, m, d);
    }
    // March 13, 2014
    if let (Some(m), Some(d), Some(y)) = (month_number(words[0]), num(words[1]), year(words[2])) {
        return iso(y, m, d);
    }
    None
}

/// Finds a date at the start of a line such as "Updated 13 March 2014" or
/// "Published: March 13, 2014 10:31 a.m." and returns it normalised, when
/// the line is short enough to be a dateline rather than a sentence.
pub fn dateline(line: &str) -> Option<String> {
    let line = line.trim().trim_start_matches(['*', '_', '#', ' ', '|']);
    let line = line.trim_end_matches(['*', '_', ' ']);
    if line.is_empty() || line.chars().count() > 80 {
        return None;
    }
    if let Some(d) = parse_date(line) {
        return Some(d);
    }
    let lower = line.to_ascii_lowercase();
    let mut rest = line;
    for prefix in ["published on", "published", "updated on", "updated", "posted on", "posted", "last updated", "date"] {
        if lower.starts_with(prefix) {
            rest = line[prefix.len()..].trim_start_matches([':', ' ']);
            break;
        }
    }
    // Try the longest leading run of words that parses.
    let words: Vec<&str> = rest.split_whitespace().collect();
    for n in (3..=words.len().min(5)).rev() {
        if let Some(d) = parse_date(&words[..n].join(" ")) {
            return Some(d);
        }
    }
    parse_date(words.first()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_as_the_lower_cased_comparison_did() {
        // The former implementations, which lower-cased a copy.
        let month = |word: &str| {
            let w = word.trim_end_matches('.').to_ascii_lowercase();
            if w.len() < 3 {
                return None;
            }
            if w == "sept" {
                return Some(9);
            }
            MONTHS.iter().position(|m| *m == w || (w.len() == 3 && m.starts_with(&w))).map(|i| i as u32 + 1)
        };
        let weekday = |word: &str| {
            let w = word.trim_end_matches(['.', ',']).to_ascii_lowercase();
            w.len() >= 3 && WEEKDAYS.iter().any(|d| *d == w || (w.len() <= 4 && d.starts_with(&w)))
        };
        let words = [
            "March",
            "MARCH",
            "mar",
            "Mar.",
            "Ma",
            "Marc",
            "Sept",
            "SEPT.",
            "Sep",
            "sep.",
            "September",
            "Septembe",
            "Mär",
            "mäy",
            "May",
            "may.",
            "",
            ".",
            "Thu",
            "THURS",
            "Thurs.",
            "Thursday,",
            "thursdays",
            "Tue",
            "Tues",
            "Tuesd",
            "Sun.",
            "Su",
            "Sunday.,",
            "Ｍarch",
            "ju",
            "Jun",
            "JUNE",
            "Dec.",
            "Decem",
            "Wed,",
            "wednesday",
        ];
        for w in words {
            assert_eq!(month_number(w), month(w), "{w}");
            assert_eq!(is_weekday(w), weekday(w), "{w}");
        }
    }

    #[test]
    fn day_month_year_forms() {
        assert_eq!(parse_date("13 March 2014").as_deref(), Some("2014-03-13"));
        assert_eq!(parse_date("March 13, 2014").as_deref(), Some("2014-03-13"));
        assert_eq!(parse_date("Thursday 13 March 2014").as_deref(), Some("2014-03-13"));
        assert_eq!(parse_date("Sept. 3rd 2019").as_deref(), Some("2019-09-03"));
        assert_eq!(parse_date("Thu, 13 Mar 2014 10:00:00 GMT").as_deref(), Some("2014-03-13"));
    }

    #[test]
    fn iso_forms_keep_time_and_zone() {
        assert_eq!(parse_date("2014-03-13").as_deref(), Some("2014-03-13"));
        assert_eq!(parse_date("2019-11-19T12:05:00.000Z").as_deref(), Some("2019-11-19T12:05:00Z"));
        assert_eq!(parse_date("2019-11-19T12:05:00+0100").as_deref(), Some("2019-11-19T12:05:00+01:00"));
        assert_eq!(parse_date("2019/11/19").as_deref(), Some("2019-11-19"));
    }

    #[test]
    fn invalid_or_ambiguous_dates_are_none() {
        assert_eq!(parse_date("31 February 2014"), None);
        assert_eq!(parse_date("03/04/2014"), None);
        assert_eq!(parse_date("The March of 2014"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn datelines_with_prefixes() {
        assert_eq!(dateline("Updated: March 13, 2014 10:31 a.m.").as_deref(), Some("2014-03-13"));
        assert_eq!(dateline("*Published 2 May 2018*").as_deref(), Some("2018-05-02"));
        assert_eq!(dateline("The minister said on 2 May 2018 that the plan would go ahead despite"), None);
    }
}
