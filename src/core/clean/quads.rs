//! A quick "no" before a search for many phrases at once: most lines hold
//! none of them, and telling so from their windows of a few bytes takes a
//! few independent instructions a byte, where the Aho-Corasick automaton
//! takes a chain of dependent steps.

/// One window of each pattern, as long as the shortest pattern (4 to 8
/// bytes), hashed to two bits of a set of 2^16: a text holds a pattern
/// only if it holds that window, so a text none of whose windows has both
/// its bits set holds none. Of the windows of a pattern, the one across
/// two words and of rare letters is taken, so that prose seldom has it.
pub(crate) struct Quads {
    bits: Box<[u64; 1024]>,
    /// Bytes in a window.
    len: usize,
}

/// Bytes from the most common in English text to the least; any other
/// byte (punctuation, digits) is rarer still.
const BY_FREQUENCY: &[u8] = b" etaoinshrdlcumwfgypbvkjxqz";

/// How rare a window is likely to be in prose: one across two words more
/// than one inside a word, then by its letters.
fn rarity(w: &[u8]) -> usize {
    let letters: usize = w.iter().map(|&b| BY_FREQUENCY.iter().position(|&c| c == b).unwrap_or(BY_FREQUENCY.len() + 4)).sum();
    let across = w.len() > 2 && w[1..w.len() - 1].contains(&b' ');
    letters + 1000 * across as usize
}

/// A window's bytes as a number, little-endian.
fn value(w: &[u8]) -> u64 {
    w.iter().rev().fold(0, |v, &b| v << 8 | u64::from(b))
}

/// The two bits of a window's value in the set (each below 2^16).
fn slots(v: u64) -> (usize, usize) {
    let h = v.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    ((h >> 48) as usize, (h >> 32) as usize & 0xffff)
}

impl Quads {
    /// The set for `patterns`; `None` when one is shorter than four bytes
    /// (or there are none), as nothing could then be ruled out.
    pub(crate) fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Option<Quads> {
        let patterns: Vec<&[u8]> = patterns.into_iter().map(str::as_bytes).collect();
        let len = patterns.iter().map(|p| p.len()).min()?.min(8);
        if len < 4 {
            return None;
        }
        let mut bits = Box::new([0u64; 1024]);
        for p in patterns {
            let w = p.windows(len).max_by_key(|w| rarity(w))?;
            let (a, b) = slots(value(w));
            bits[a >> 6] |= 1 << (a & 63);
            bits[b >> 6] |= 1 << (b & 63);
        }
        Some(Quads { bits, len })
    }

    fn has(&self, v: u64) -> bool {
        let (a, b) = slots(v);
        self.bits[a >> 6] >> (a & 63) & 1 == 1 && self.bits[b >> 6] >> (b & 63) & 1 == 1
    }

    /// Can `hay` hold one of the patterns? `false` means it holds none.
    pub(crate) fn may_hold(&self, hay: &[u8]) -> bool {
        let Some(last) = hay.len().checked_sub(self.len) else { return false };
        // Windows with eight bytes from their start read them at once.
        let mask = u64::MAX >> (64 - 8 * self.len);
        if hay.windows(8).any(|w| self.has(u64::from_le_bytes(w.try_into().expect("eight bytes")) & mask)) {
            return true;
        }
        (hay.len().saturating_sub(7)..=last).any(|p| self.has(value(&hay[p..p + self.len])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_with_a_pattern_may_hold_one() {
        for patterns in [&["subscribe to", "(photo", "newsletter", "caf\u{e9} au lait"][..], &["flag", " ago", "reply", "posts:"]] {
            let q = Quads::new(patterns.iter().copied()).unwrap();
            for p in patterns {
                for text in
                    [p.to_string(), format!("x{p}"), format!("the {p} here"), format!("{p}."), format!("a much longer line, then {p}")]
                {
                    assert!(q.may_hold(text.as_bytes()), "{text:?}");
                }
            }
            assert!(!q.may_hold(b"") && !q.may_hold(b"ago") && !q.may_hold(b"the council met on tuesday"));
        }
        assert!(Quads::new(["abc"]).is_none() && Quads::new(["abc", "a longer one"]).is_none() && Quads::new([]).is_none());
    }
}
