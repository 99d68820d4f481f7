//! Cheap per-unit features for the line model: the unit's own shape and,
//! mostly, its context (the run of prose it sits in, the link and list
//! share around it, its neighbours). Training (`scripts/train-clean.py`)
//! reads these through `byline clean --features`, so training and inference
//! compute them with the same code.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::segment::Unit;
use super::BlockKind;

/// The feature names, in vector order. The model file lists the names it
/// was trained with; a test checks they agree.
pub(crate) const NAMES: &[&str] = &[
    "html",
    "log_chars",
    "log_words",
    "ends_sentence",
    "sentences",
    "comma_rate",
    "stop_share",
    "cap_share",
    "upper_share",
    "digit_share",
    "link_share",
    "link_rate",
    "list",
    "heading",
    "quote",
    "image",
    "avg_word_len",
    "separators",
    "copyright",
    "title_overlap",
    "phrase",
    "dateline",
    "starts_by",
    "indent",
    "ends_colon",
    "prose",
    "pos",
    "char_pos",
    "run_log_words",
    "run_share",
    "in_main_run",
    "before_main",
    "after_main",
    "main_distance",
    "win_link_share",
    "win_list_share",
    "win_log_words",
    "win_prose_share",
    "win_image_share",
    "near_prose_share",
    "prev1_log_words",
    "prev1_ends",
    "prev1_link",
    "prev2_log_words",
    "next1_log_words",
    "next1_ends",
    "next1_link",
    "next2_log_words",
    "doc_log_words",
    "doc_units",
    "doc_link_share",
    "after_title",
    "stamp",
    "has_title",
    "win_stamp_share",
    "win_short_share",
];

fn stopwords() -> &'static HashSet<&'static str> {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| {
        include_str!("../../../assets/clean-stopwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// What the rules found about a unit that the model may also use.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Hints {
    pub phrase: bool,
    pub dateline: bool,
    pub title: bool,
}

/// Per-unit measures the context features are built from.
#[derive(Debug, Clone, Copy, Default)]
struct Base {
    words: f32,
    alnum: f32,
    link_chars: f32,
    ends: bool,
    prose: bool,
    list: bool,
    image: bool,
    /// A time stamp or meta line: a dateline, "2 days ago", "07:52 am".
    stamp: bool,
}

/// Does a short line look like a time stamp ("2 days ago at 07:52 am",
/// "Nov 19, 10:31")? Comment threads and teaser lists are full of them.
fn is_stamp(t: &str, dateline: bool) -> bool {
    if dateline {
        return true;
    }
    if t.len() > 60 {
        return false;
    }
    let b = t.as_bytes();
    let clock = b.windows(4).any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit());
    clock || t.contains(" ago")
}

fn lw(x: f32) -> f32 {
    (1.0 + x).ln()
}

fn ends_sentence(t: &str) -> bool {
    let t = t.trim_end_matches(['"', '\u{201d}', '\u{2019}', '\'', ')', ' ', '*', '_', '\u{300d}', '\u{300f}']);
    t.ends_with(['.', '!', '?', '\u{2026}', '\u{3002}', '\u{ff01}', '\u{ff1f}'])
}

/// Chinese and Japanese script, written without spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// Computes the feature matrix, one row per unit.
pub(crate) fn features(units: &[Unit], hints: &[Hints], title: &str, html: bool) -> Vec<Vec<f32>> {
    let n = units.len();
    let stop = stopwords();
    let title_lower = title.to_lowercase();
    let title_words: HashSet<String> =
        title.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let mut rows: Vec<Vec<f32>> = Vec::with_capacity(n);
    let mut base: Vec<Base> = Vec::with_capacity(n);
    // Own features that go after the context ones (added later in NAMES).
    let mut extra: Vec<[f32; 2]> = Vec::with_capacity(n);
    for (u, h) in units.iter().zip(hints) {
        let t = u.text.as_str();
        let words: Vec<&str> = t.split_whitespace().collect();
        // Text without spaces between words counts about two characters a word.
        let cjk = t.chars().filter(|&c| is_cjk(c)).count();
        let nw = (words.len() + cjk / 2) as f32;
        let mut alnum = 0usize;
        let mut digits = 0usize;
        let mut letters = 0usize;
        let mut upper = 0usize;
        let mut seps = 0usize;
        let mut commas = 0usize;
        let mut copyright = false;
        for c in t.chars() {
            if c.is_alphanumeric() {
                alnum += 1;
            }
            if c.is_ascii_digit() {
                digits += 1;
            }
            if c.is_alphabetic() {
                letters += 1;
                if c.is_uppercase() {
                    upper += 1;
                }
            }
            match c {
                '|' | '\u{2022}' | '\u{00b7}' | '\u{00bb}' | '\u{203a}' | '/' | '>' => seps += 1,
                ',' => commas += 1,
                '\u{00a9}' => copyright = true,
                _ => {}
            }
        }
        let sentences = t.match_indices(['.', '!', '?']).filter(|(i, _)| t[i + 1..].starts_with(' ') || i + 1 == t.len()).count()
            + t.matches(['\u{3002}', '\u{ff01}', '\u{ff1f}']).count();
        let mut stops = 0usize;
        let mut caps = 0usize;
        let mut wlen = 0usize;
        let mut overlap = 0usize;
        let mut buf = String::new();
        for w in &words {
            let core = w.trim_matches(|c: char| !c.is_alphanumeric());
            // Lower-case only what a lookup needs: stop words are short.
            let lower: &str = if core.chars().any(char::is_uppercase) && (core.len() <= 8 || !title_words.is_empty()) {
                buf.clear();
                buf.extend(core.chars().flat_map(char::to_lowercase));
                &buf
            } else {
                core
            };
            if lower.len() <= 8 && stop.contains(lower) {
                stops += 1;
            }
            if w.chars().next().is_some_and(char::is_uppercase) {
                caps += 1;
            }
            if !title_words.is_empty() && title_words.contains(lower) {
                overlap += 1;
            }
            wlen += w.chars().count();
        }
        let ends = ends_sentence(t);
        let link_share = if alnum > 0 { (u.link_chars as f32 / alnum as f32).min(1.0) } else { 0.0 };
        let prose = nw >= 10.0 && sentences >= 1 && link_share < 0.5;
        let stamp = is_stamp(t, h.dateline);
        let has_title = title_lower.len() >= 12 && t.len() > title_lower.len() + 10 && t.to_lowercase().contains(&title_lower);
        base.push(Base {
            stamp,
            words: nw,
            alnum: alnum as f32,
            link_chars: u.link_chars.min(alnum) as f32,
            ends,
            prose,
            list: u.list,
            image: u.image,
        });
        let per_word = |x: usize| if nw > 0.0 { x as f32 / nw } else { 0.0 };
        rows.push(vec![
            html as u8 as f32,
            lw(t.chars().count() as f32),
            lw(nw),
            ends as u8 as f32,
            sentences as f32,
            per_word(commas),
            per_word(stops),
            per_word(caps),
            if letters > 0 { upper as f32 / letters as f32 } else { 0.0 },
            if alnum > 0 { digits as f32 / alnum as f32 } else { 0.0 },
            link_share,
            per_word(u.links),
            u.list as u8 as f32,
            (u.kind == BlockKind::Heading) as u8 as f32,
            (u.kind == BlockKind::Quote) as u8 as f32,
            u.image as u8 as f32,
            if nw > 0.0 { wlen as f32 / nw } else { 0.0 },
            seps as f32,
            copyright as u8 as f32,
            per_word(overlap),
            h.phrase as u8 as f32,
            h.dateline as u8 as f32,
            (t.starts_with("By ") || t.starts_with("BY ")) as u8 as f32,
            (u.indent.min(20)) as f32,
            t.trim_end().ends_with(':') as u8 as f32,
            prose as u8 as f32,
        ]);
        extra.push([stamp as u8 as f32, has_title as u8 as f32]);
    }

    // Runs of prose: prose units with gaps of at most 2 other units.
    let mut run_of = vec![usize::MAX; n];
    let mut runs: Vec<(usize, usize, f32)> = Vec::new(); // start, end (inclusive), words
    let mut i = 0;
    while i < n {
        if !base[i].prose {
            i += 1;
            continue;
        }
        let start = i;
        let mut last = i;
        let mut j = i + 1;
        while j < n && j <= last + 3 {
            if base[j].prose {
                last = j;
            }
            j += 1;
        }
        let words: f32 = base[start..=last].iter().map(|b| b.words).sum();
        for r in run_of.iter_mut().take(last + 1).skip(start) {
            *r = runs.len();
        }
        runs.push((start, last, words));
        i = last + 1;
    }
    let prose_words: f32 = runs.iter().map(|r| r.2).sum::<f32>().max(1.0);
    let main = runs.iter().enumerate().max_by(|a, b| a.1 .2.total_cmp(&b.1 .2)).map(|(k, _)| k);
    let total_words: f32 = base.iter().map(|b| b.words).sum();
    let total_alnum: f32 = base.iter().map(|b| b.alnum).sum::<f32>().max(1.0);
    let total_links: f32 = base.iter().map(|b| b.link_chars).sum();
    let title_at = if title.is_empty() { None } else { hints.iter().position(|h| h.title) };
    // Prefix sums over the window quantities.
    let mut cum_chars = 0.0f32;
    for k in 0..n {
        let b = &base[k];
        let (lo, hi) = (k.saturating_sub(8), (k + 8).min(n - 1));
        let mut al = 0.0;
        let mut lc = 0.0;
        let mut lists = 0.0;
        let mut lws = 0.0;
        let mut pros = 0.0;
        let mut imgs = 0.0;
        let mut stamps = 0.0;
        let mut shorts = 0.0;
        for o in &base[lo..=hi] {
            stamps += o.stamp as u8 as f32;
            shorts += (o.words < 6.0) as u8 as f32;
            al += o.alnum;
            lc += o.link_chars;
            lists += o.list as u8 as f32;
            lws += lw(o.words);
            pros += o.prose as u8 as f32;
            imgs += o.image as u8 as f32;
        }
        let cnt = (hi - lo + 1) as f32;
        let (nlo, nhi) = (k.saturating_sub(2), (k + 2).min(n - 1));
        let near_prose = base[nlo..=nhi].iter().filter(|o| o.prose).count() as f32 / (nhi - nlo + 1) as f32;
        let nb = |o: isize| -> Option<&Base> {
            let j = k as isize + o;
            (j >= 0 && (j as usize) < n).then(|| &base[j as usize])
        };
        let nb_words = |o| nb(o).map(|x| lw(x.words)).unwrap_or(-1.0);
        let nb_ends = |o| nb(o).map(|x| x.ends as u8 as f32).unwrap_or(-1.0);
        let nb_link = |o| nb(o).map(|x| if x.alnum > 0.0 { x.link_chars / x.alnum } else { 0.0 }).unwrap_or(-1.0);
        let (run_words, run_share) = match run_of[k] {
            usize::MAX => (0.0, 0.0),
            r => (runs[r].2, runs[r].2 / prose_words),
        };
        let (in_main, before, after, dist) = match main {
            Some(m) => {
                let (s, e, _) = runs[m];
                let d = if k < s { s - k } else { k.saturating_sub(e) };
                ((k >= s && k <= e) as u8 as f32, (k < s) as u8 as f32, (k > e) as u8 as f32, d as f32)
            }
            None => (0.0, 0.0, 0.0, n as f32),
        };
        let row = &mut rows[k];
        row.extend_from_slice(&[
            if n > 1 { k as f32 / (n - 1) as f32 } else { 0.0 },
            cum_chars / total_alnum,
            lw(run_words),
            run_share,
            in_main,
            before,
            after,
            lw(dist),
            if al > 0.0 { lc / al } else { 0.0 },
            lists / cnt,
            lws / cnt,
            pros / cnt,
            imgs / cnt,
            near_prose,
            nb_words(-1),
            nb_ends(-1),
            nb_link(-1),
            nb_words(-2),
            nb_words(1),
            nb_ends(1),
            nb_link(1),
            nb_words(2),
            lw(total_words),
            lw(n as f32),
            total_links / total_alnum,
            match title_at {
                None => -1.0,
                Some(t) => (k > t) as u8 as f32,
            },
            extra[k][0],
            extra[k][1],
            stamps / cnt,
            shorts / cnt,
        ]);
        cum_chars += b.alnum;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clean::segment::units;

    #[test]
    fn time_stamps_are_seen() {
        assert!(is_stamp("2 days ago at 07:52 am", false));
        assert!(is_stamp("Posted 10:31", false));
        assert!(!is_stamp("The council met on Tuesday.", false));
    }

    #[test]
    fn text_without_spaces_counts_as_prose() {
        let u = units("\u{5148}\u{65e5}\u{3001}\u{4e0d}\u{6b63}\u{306b}\u{6539}\u{9020}\u{3057}\u{305f}iPhone\u{3092}\u{8ca9}\u{58f2}\u{3057}\u{305f}\u{3068}\u{3057}\u{3066}\u{3001}\u{7537}\u{6027}\u{304c}\u{902e}\u{6355}\u{3055}\u{308c}\u{307e}\u{3057}\u{305f}\u{3002}");
        let rows = features(&u, &[Hints::default()], "", false);
        let at = |n: &str| rows[0][NAMES.iter().position(|x| *x == n).unwrap()];
        assert!(at("log_words") > lw(10.0));
        assert_eq!(at("ends_sentence"), 1.0);
        assert_eq!(at("prose"), 1.0);
    }

    #[test]
    fn every_row_has_every_feature() {
        let u = units("Home\n\nThe minister said on Tuesday that the plan would go ahead, despite objections.\n\n* [Share](x)");
        let rows = features(&u, &vec![Hints::default(); u.len()], "A title", false);
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| r.len() == NAMES.len()));
        let prose = NAMES.iter().position(|n| *n == "prose").unwrap();
        assert_eq!(rows[1][prose], 1.0);
        assert_eq!(rows[0][prose], 0.0);
    }
}
