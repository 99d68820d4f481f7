//! Rules that remove a unit whatever the model says: images and bare
//! links, the repeated title, breadcrumbs, the publisher's name, datelines,
//! URLs, and short lines with a boilerplate phrase (`assets/boilerplate.txt`).

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use super::features::Hints;
use super::quads::Quads;
use super::segment::{trim, Unit};
use super::{removed, Reason};
use crate::core::article::Meta;
use crate::core::date::dateline;

struct Phrase {
    reason: String,
    phrase: String,
}

/// The phrases of `assets/boilerplate.txt`: those found inside a line (one
/// Aho-Corasick pass for all of them), and those that must be the line.
struct Phrases {
    inside: Vec<Phrase>,
    matcher: AhoCorasick,
    /// A quick "none of them" before the matcher.
    quads: Option<Quads>,
    whole: Vec<Phrase>,
}

fn phrases() -> &'static Phrases {
    static P: OnceLock<Phrases> = OnceLock::new();
    P.get_or_init(|| {
        let all: Vec<Phrase> = include_str!("../../../assets/boilerplate.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split_once('\t'))
            .map(|(r, p)| Phrase { reason: r.trim().to_owned(), phrase: p.trim().to_lowercase() })
            .filter(|p| !p.phrase.is_empty())
            .collect();
        let (whole, inside): (Vec<Phrase>, Vec<Phrase>) = all.into_iter().partition(|p| p.phrase.starts_with('='));
        let whole = whole.into_iter().map(|p| Phrase { reason: p.reason, phrase: p.phrase[1..].to_owned() }).collect();
        let matcher = AhoCorasick::new(inside.iter().map(|p| p.phrase.as_str())).expect("boilerplate phrases build a matcher");
        let quads = Quads::new(inside.iter().map(|p| p.phrase.as_str()));
        Phrases { inside, matcher, quads, whole }
    })
}

/// Lines longer than this are prose, whatever phrase they contain: the
/// phrase is then only a hint for the model.
const PROMPT_MAX_CHARS: usize = 160;
/// The same for legal, cookie and comment-policy notices and donation
/// pitches.
const LEGAL_MAX_CHARS: usize = 700;

fn normalise(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A bare URL, or a lynx reference-list entry "12. http://...".
pub(crate) fn is_url(raw: &str) -> bool {
    let t = trim(raw).trim_start_matches(|c: char| c.is_ascii_digit()).trim_start_matches(['.', ' ']);
    let t = t.trim_start_matches('<').trim_end_matches('>');
    (t.starts_with("http://") || t.starts_with("https://") || t.starts_with("file://") || t.starts_with("mailto:")) && !t.contains(' ')
}

/// The first phrase of `assets/boilerplate.txt` in `lower`.
fn phrase_in(lower: &str) -> Option<&'static Phrase> {
    let p = phrases();
    let line = lower.trim_matches(|c: char| !c.is_alphanumeric());
    if let Some(w) = p.whole.iter().find(|w| w.phrase == line) {
        return Some(w);
    }
    // Most lines hold no phrase: their windows of a few bytes tell most of
    // them so, and a plain search the rest, before all matches are listed.
    if p.quads.as_ref().is_some_and(|q| !q.may_hold(lower.as_bytes())) || !p.matcher.is_match(lower) {
        return None;
    }
    // The first phrase of the file that occurs, as a reader of the file expects.
    p.matcher.find_overlapping_iter(lower).map(|m| m.pattern().as_usize()).min().map(|i| &p.inside[i])
}

/// Does `text` hold four ASCII digits in a row? Every date that
/// [`dateline`] accepts has its year so (`parse_date`: an ISO date starts
/// with one, and a date in words needs a four-character year in
/// 1800-2200), so a line without them is not looked at further.
fn has_year_digits(text: &str) -> bool {
    let mut run = 0;
    text.bytes().any(|b| {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        run == 4
    })
}

/// How a unit looks like a photo caption: `Some(true)` for a short line
/// with a credit phrase ("caption" in `assets/boilerplate.txt`, as the
/// rules saw in `hints`), `Some(false)` for a short wholly italic line (a
/// caption when it follows an image or the model does not take it for
/// prose).
pub(crate) fn caption(u: &Unit, hints: &Hints) -> Option<bool> {
    // A news agency's caption runs long and ends with its credit:
    // "... in Washington. (AP Photo/Patrick Semansky, File)".
    if u.text.len() <= LEGAL_MAX_CHARS && credit_at_end(&u.text) {
        return Some(true);
    }
    // No more bytes than 250 is no more characters.
    if u.text.len() > 250 && u.text.chars().count() > 250 {
        return None;
    }
    if hints.caption {
        return Some(true);
    }
    u.italic.then_some(false)
}

/// Does `text` end with a credit in brackets, "(AP Photo/...)", "(Getty
/// Images)": a caption phrase of `assets/boilerplate.txt` inside the last
/// bracket, which closes the text?
fn credit_at_end(text: &str) -> bool {
    let t = text.trim_end().trim_end_matches('.');
    if !t.ends_with(')') {
        return false;
    }
    let Some(open) = t.rfind('(') else { return false };
    let tail = &t[open..];
    tail.len() <= 100 && phrase_in(&tail.to_lowercase()).is_some_and(|p| p.reason == "caption")
}

/// Is a raw unit wholly in italics, `*...*` or `_..._`?
pub(crate) fn is_italic(raw: &str) -> bool {
    let raw = trim(raw);
    (raw.starts_with('*') && !raw.starts_with("**") && raw.ends_with('*') && !raw.ends_with("**"))
        || (raw.starts_with('_') && raw.ends_with('_') && raw.len() > 2)
}

/// What the rules need of a page's metadata, worked out once per page.
pub(crate) struct Page<'a> {
    meta: &'a Meta,
    /// The title as [`normalise`] leaves it.
    title: String,
}

impl<'a> Page<'a> {
    pub(crate) fn new(meta: &'a Meta) -> Self {
        Page { meta, title: normalise(&meta.title) }
    }

    /// Does `text` normalise to the title? Compares as it goes, so most
    /// lines are told apart at their first word.
    fn is_title(&self, text: &str) -> bool {
        if self.title.is_empty() {
            return false;
        }
        // `str::to_lowercase` treats a final capital sigma apart.
        if text.contains('\u{3a3}') {
            return normalise(text) == self.title;
        }
        let mut want = self.title.chars();
        let mut gap = false;
        let mut started = false;
        for c in text.chars() {
            if !c.is_alphanumeric() {
                gap = started;
                continue;
            }
            if gap {
                gap = false;
                if want.next() != Some(' ') {
                    return false;
                }
            }
            started = true;
            for l in c.to_lowercase() {
                if want.next() != Some(l) {
                    return false;
                }
            }
        }
        want.next().is_none()
    }
}

/// The rule verdict on one unit (`lower` is its text lower-cased), and what
/// the rules saw for the model.
pub(crate) fn classify(u: &Unit, lower: &str, page: &Page) -> (Option<Reason>, Hints) {
    let meta = page.meta;
    let mut hints = Hints::default();
    let text = u.text.as_str();
    // Characters are counted only when the bytes leave it open.
    let chars_below = |n: usize| text.len() < n || text.chars().count() < n;
    let phrase = phrase_in(lower);
    hints.phrase = phrase.is_some();
    hints.caption = phrase.is_some_and(|p| p.reason == "caption");
    hints.dateline = chars_below(100) && has_year_digits(text) && dateline(text).is_some();
    hints.title = page.is_title(text);
    if u.image {
        return (removed("image", ""), hints);
    }
    if u.url {
        return (removed("url", ""), hints);
    }
    if text.is_empty() {
        return (removed("link-only", "markup with no text"), hints);
    }
    if hints.title {
        return (removed("title", "repeats the title"), hints);
    }
    if !meta.title.is_empty() && crate::core::formats::text_breadcrumb(text, &meta.title) {
        return (removed("breadcrumb", "navigation path before the title"), hints);
    }
    if meta.source.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(text)) {
        return (removed("source", "the publisher's name"), hints);
    }
    if hints.dateline {
        return (removed("dateline", ""), hints);
    }
    // Legal, cookie and policy notices and donation pitches run long.
    let max = if phrase.is_some_and(|p| matches!(p.reason.as_str(), "legal" | "donation" | "policy")) {
        LEGAL_MAX_CHARS
    } else {
        PROMPT_MAX_CHARS
    };
    if let Some(p) = phrase.filter(|p| p.reason != "caption") {
        if chars_below(max + 1) {
            return (removed(&p.reason, format!("\u{201c}{}\u{201d}", p.phrase)), hints);
        }
    }
    (None, hints)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clean::segment::units;

    fn verdict(line: &str, title: &str) -> Option<&'static str> {
        let meta = Meta { title: title.into(), ..Meta::default() };
        let u = &units(line)[0];
        classify(u, &u.text.to_lowercase(), &Page::new(&meta)).0.map(|r| r.kind)
    }

    #[test]
    fn a_long_caption_ending_with_an_agency_credit_is_a_caption() {
        let caption = |line: &str| {
            let u = &units(line)[0];
            let (_, hints) = classify(u, &u.text.to_lowercase(), &Page::new(&Meta::default()));
            caption(u, &hints)
        };
        let ap = "FILE - In this Monday, Oct. 28, 2019, file photo, the ambassador walks to a secure area of the Capitol to testify as part of the House inquiry, in Washington. He is scheduled to be the first witness when the hearings resume on Wednesday. (AP Photo/Patrick Semansky, File)";
        assert!(ap.len() > 250);
        assert_eq!(caption(ap), Some(true));
        assert_eq!(caption("Crowds gathered outside the stadium before the final on Sunday evening. (Getty Images)."), Some(true));
        // A bracket that is not a credit, or a credit inside the text.
        assert_eq!(caption("The council approved the plan on Tuesday after two years of debate (the vote was close)."), None);
        assert_eq!(caption(&format!("{} (AP Photo/Jane Doe) and then the article went on for a while.", "word ".repeat(60))), None);
    }

    #[test]
    fn shapes_and_phrases() {
        assert_eq!(verdict("Your support helps us to tell the story", ""), Some("donation"));
        assert_eq!(verdict("https://example.com/a/b", ""), Some("url"));
        assert_eq!(verdict("  12. https://example.com/a/b", ""), Some("url"));
        assert_eq!(verdict("# The Title, Again", "The title again"), Some("title"));
        assert_eq!(verdict("Updated: March 13, 2014 10:31 a.m.", ""), Some("dateline"));
        assert_eq!(verdict("The minister spoke today.", ""), None);
    }

    #[test]
    fn lines_without_a_year_have_no_dateline() {
        assert!(has_year_digits("March 13, 2014") && has_year_digits("2014-03-13") && !has_year_digits("12:30, 3 May 201"));
        for line in ["13 March 2014", "Updated: March 13, 2014 10:31 a.m.", "2019/11/19", "Sept. 3rd 2019", "Thu, 13 Mar 2014"] {
            assert!(dateline(line).is_some() && has_year_digits(line), "{line}");
        }
    }

    #[test]
    fn the_title_is_told_as_normalising_tells_it() {
        for (title, line) in [
            ("Ferry terminal approved", "FERRY -- terminal, approved!"),
            ("Ferry terminal approved", "Ferry terminal approved today"),
            ("Ferry terminal", "Ferry terminals"),
            ("\u{130}stanbul \u{3a3}\u{3a3}", "\u{130}STANBUL \u{3a3}\u{3a3}"),
            ("Caf\u{e9} news", "CAF\u{c9}: News"),
            ("A", ""),
        ] {
            let meta = Meta { title: title.into(), ..Meta::default() };
            let page = Page::new(&meta);
            assert_eq!(page.is_title(line), normalise(line) == page.title, "{title} / {line}");
        }
    }

    #[test]
    fn long_notices_are_removed_by_their_phrase() {
        let notice = "When submitting content, please abide by our submission guidelines, and avoid posting profanity, personal attacks or harassment. Should you violate them, we may remove your comment.";
        assert!(notice.len() > PROMPT_MAX_CHARS);
        assert_eq!(verdict(notice, ""), Some("policy"));
        let cookies = format!("This website uses cookies to improve your experience. {}", "Some are necessary for it to work. ".repeat(8));
        assert_eq!(verdict(&cookies, ""), Some("legal"));
    }

    #[test]
    fn long_prose_with_a_phrase_is_left_to_the_model() {
        let long = format!("He said readers who subscribe to newspapers {}", "keep reading. ".repeat(20));
        assert_eq!(verdict(&long, ""), None);
    }
}
