//! The name tagger: a linear-chain model (averaged structured perceptron,
//! trained by `examples/train_ner.rs`) over BIO labels, decoded by Viterbi.
//!
//! Weights file (`assets/ner/model.bin`, little-endian):
//! magic `BYNER1\0\0`, u32 labels L, u32 features N, f32 scale,
//! L*L f32 transitions (from, to), L f32 start scores,
//! N u32 feature hashes (sorted), N*L i16 weights (times scale).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::features::Doc;
use super::Kind;

/// BIO labels: O, then B and I for PER, ORG, LOC, MISC.
pub const LABELS: usize = 9;
pub const NAMES: [&str; LABELS] = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"];
const MAGIC: &[u8; 8] = b"BYNER1\0\0";

/// The kind of a label (None for O).
pub fn kind_of(label: usize) -> Option<Kind> {
    match label {
        1 | 2 => Some(Kind::Person),
        3 | 4 => Some(Kind::Organisation),
        5 | 6 => Some(Kind::Place),
        7 | 8 => Some(Kind::Misc),
        _ => None,
    }
}

/// The B label of a kind.
pub fn begin_of(kind: Kind) -> usize {
    match kind {
        Kind::Person => 1,
        Kind::Organisation => 3,
        Kind::Place => 5,
        _ => 7,
    }
}

pub fn is_inside(label: usize) -> bool {
    label != 0 && label.is_multiple_of(2)
}

/// May `to` follow `from` (`None`: the start)? I-X only after B-X or I-X.
pub fn allowed(from: Option<usize>, to: usize) -> bool {
    !is_inside(to) || from.is_some_and(|f| f != 0 && (f == to || f + 1 == to))
}

/// Best label sequence for per-token scores.
pub fn viterbi(scores: &[[f32; LABELS]], trans: &[[f32; LABELS]; LABELS], start: &[f32; LABELS]) -> Vec<usize> {
    let n = scores.len();
    if n == 0 {
        return Vec::new();
    }
    let mut back = vec![[0u8; LABELS]; n];
    let mut cur = [f32::NEG_INFINITY; LABELS];
    for y in 0..LABELS {
        if allowed(None, y) {
            cur[y] = start[y] + scores[0][y];
        }
    }
    for i in 1..n {
        let mut next = [f32::NEG_INFINITY; LABELS];
        for y in 0..LABELS {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0;
            for p in 0..LABELS {
                if cur[p] == f32::NEG_INFINITY || !allowed(Some(p), y) {
                    continue;
                }
                let s = cur[p] + trans[p][y];
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            next[y] = best + scores[i][y];
            back[i][y] = arg as u8;
        }
        cur = next;
    }
    let mut y = (0..LABELS).max_by(|&a, &b| cur[a].total_cmp(&cur[b])).unwrap_or(0);
    let mut out = vec![0; n];
    for i in (0..n).rev() {
        out[i] = y;
        y = back[i][y] as usize;
    }
    out
}

#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u32(&mut self, n: u32) {
        // Spread the (already hashed) key over the table's bits.
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Feature hash -> row, with no re-hashing of the (already hashed) keys.
type FeatureMap = HashMap<u32, u32, BuildHasherDefault<IdHasher>>;

pub struct Model {
    index: FeatureMap,
    weights: Vec<[i16; LABELS]>,
    scale: f32,
    pub trans: [[f32; LABELS]; LABELS],
    pub start: [f32; LABELS],
}

impl Model {
    /// Reads a weights file; `None` when it is not one.
    pub fn from_bytes(b: &[u8]) -> Option<Model> {
        let mut r = Reader { b, at: 0 };
        if r.take(8)? != MAGIC || r.u32()? as usize != LABELS {
            return None;
        }
        let n = r.u32()? as usize;
        let scale = r.f32()?;
        let mut trans = [[0f32; LABELS]; LABELS];
        for row in &mut trans {
            for v in row.iter_mut() {
                *v = r.f32()?;
            }
        }
        let mut start = [0f32; LABELS];
        for v in &mut start {
            *v = r.f32()?;
        }
        let mut index = FeatureMap::with_capacity_and_hasher(n, Default::default());
        for k in 0..n {
            index.insert(r.u32()?, k as u32);
        }
        let mut weights = Vec::with_capacity(n);
        for _ in 0..n {
            let mut row = [0i16; LABELS];
            for v in &mut row {
                *v = i16::from_le_bytes(r.take(2)?.try_into().ok()?);
            }
            weights.push(row);
        }
        Some(Model { index, weights, scale, trans, start })
    }

    /// Writes a weights file from float weights (the trainer's output).
    pub fn write(features: &[(u32, [f32; LABELS])], trans: &[[f32; LABELS]; LABELS], start: &[f32; LABELS]) -> Vec<u8> {
        let max = features.iter().flat_map(|(_, w)| w.iter()).fold(0f32, |m, &v| m.max(v.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let mut sorted: Vec<&(u32, [f32; LABELS])> = features.iter().collect();
        sorted.sort_by_key(|(h, _)| *h);
        let mut out = Vec::with_capacity(24 + features.len() * (4 + 2 * LABELS));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(LABELS as u32).to_le_bytes());
        out.extend_from_slice(&(sorted.len() as u32).to_le_bytes());
        out.extend_from_slice(&scale.to_le_bytes());
        for v in trans.iter().flatten().chain(start.iter()) {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for (h, _) in &sorted {
            out.extend_from_slice(&h.to_le_bytes());
        }
        for (_, w) in &sorted {
            for &v in w {
                out.extend_from_slice(&((v / scale).round().clamp(-32767.0, 32767.0) as i16).to_le_bytes());
            }
        }
        out
    }

    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// Per-token label scores.
    pub fn scores(&self, doc: &Doc) -> Vec<[f32; LABELS]> {
        let mut feats = Vec::with_capacity(64);
        let mut out = Vec::with_capacity(doc.len());
        for i in 0..doc.len() {
            feats.clear();
            doc.features(i, &mut feats);
            let mut acc = [0i32; LABELS];
            for f in &feats {
                if let Some(&row) = self.index.get(f) {
                    let w = &self.weights[row as usize];
                    for y in 0..LABELS {
                        acc[y] += w[y] as i32;
                    }
                }
            }
            out.push(acc.map(|a| a as f32 * self.scale));
        }
        out
    }

    /// The best label of each token.
    pub fn tag(&self, doc: &Doc) -> Vec<usize> {
        viterbi(&self.scores(doc), &self.trans, &self.start)
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at + n)?;
        self.at += n;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn f32(&mut self) -> Option<f32> {
        Some(f32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}

const WEIGHTS: &[u8] = include_bytes!("../../../assets/ner/model.bin");

/// The shipped model, loaded on first use (`None` if the file is not a model).
pub fn model() -> Option<&'static Model> {
    static M: OnceLock<Option<Model>> = OnceLock::new();
    M.get_or_init(|| Model::from_bytes(WEIGHTS)).as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viterbi_never_starts_a_name_with_an_inside_label() {
        let mut s = [[0f32; LABELS]; 3];
        s[0][2] = 10.0; // I-PER first: not allowed
        s[0][1] = 1.0;
        s[1][2] = 5.0;
        let path = viterbi(&s, &[[0.0; LABELS]; LABELS], &[0.0; LABELS]);
        assert_eq!(path[..2], [1, 2]);
    }

    #[test]
    fn weights_round_trip_through_the_file_format() {
        let mut w = [0f32; LABELS];
        w[1] = 2.5;
        w[3] = -1.0;
        let bytes = Model::write(&[(42, w)], &[[0.5; LABELS]; LABELS], &[0.25; LABELS]);
        let m = Model::from_bytes(&bytes).unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m.trans[0][0], 0.5);
        let row = m.weights[m.index[&42] as usize];
        assert!((row[1] as f32 * m.scale - 2.5).abs() < 1e-3);
        assert!(Model::from_bytes(b"not a model").is_none());
    }
}
