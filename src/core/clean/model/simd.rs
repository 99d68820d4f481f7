//! The perfect trees walked with AVX-512, sixteen units at a time, on
//! x86-64 processors that have it (AVX-512 F, BW and VBMI); the scalar
//! walk ([`super::predict_perfect`]) elsewhere. Both give the same bits:
//! every unit goes down the same branches and adds its trees' leaves in
//! tree order.
//!
//! How: for sixteen units at once, each real split of a tree is asked of
//! all of them with one vector compare, whose sixteen answers (a bit per
//! unit) are stored at the split's heap position. The walk then needs no
//! load that depends on where a unit stands: a unit's answer at heap
//! position `i` is picked out of those masks, held in vector registers,
//! with word permutes, and its leaf's value with a byte and a float
//! permute. (A gather per level was tried first: on the processors here it
//! was slower than the scalar walk.)

use super::{lay_out, Tree, SLOTS};

/// Units walked together: the 32-bit lanes of a 512-bit vector.
const LANES: usize = 16;
/// Features a row may have in this walk.
const MAX_FEATURES: usize = 128;
/// Distinct leaf values a tree may have: two registers of floats.
const MAX_VALUES: usize = 32;
/// Trees whose masks are worked out before they are walked.
const BLOCK: usize = 16;
/// Words of masks per tree: the [`SLOTS`] heap positions and room for the
/// 64-byte reads of the deepest level.
const MASK_WORDS: usize = SLOTS + 32;

/// One tree of depth <= 8 for the vector walk.
#[derive(Debug)]
struct VTree {
    depth: u32,
    /// Its real splits: heap position, feature times [`LANES`] (where its
    /// values start in the walk's `xs`), threshold (`x <= t` goes left). Padding below a shallow leaf is not asked: both its sides
    /// lead to the same leaf.
    splits: Vec<(u16, u16, f32)>,
    /// Per leaf position of the perfect tree, the number of its value.
    leaf: [u8; SLOTS],
    /// Its distinct leaf values (padded with 0).
    values: [f32; MAX_VALUES],
}

/// The ensemble laid out for the vector walk.
#[derive(Debug)]
pub(super) struct Vectored {
    trees: Vec<VTree>,
    /// Features a row must have.
    width: usize,
}

impl Vectored {
    /// The layout of `trees` (each no deeper than its `depths`, at most 8),
    /// or `None` when the model does not fit the walk (too many features
    /// or leaf values).
    pub(super) fn new(trees: &[Tree], depths: &[u32]) -> Option<Vectored> {
        let mut out = Vec::new();
        let mut width = 0;
        for (t, &d) in trees.iter().zip(depths) {
            if d > 8 || t.f.iter().any(|&f| usize::from(f) >= MAX_FEATURES) {
                return None;
            }
            width = t.f.iter().map(|&f| usize::from(f) + 1).fold(width, usize::max);
            let mut v = VTree { depth: d, splits: Vec::new(), leaf: [0; SLOTS], values: [0.0; MAX_VALUES] };
            let mut distinct: Vec<u32> = Vec::new();
            let mut full = false;
            lay_out(
                t,
                d,
                &mut |pos, split| {
                    if let Some((f, th)) = split {
                        v.splits.push((pos as u16, f * LANES as u16, th));
                    }
                },
                &mut |leaf, value| {
                    let n = distinct.iter().position(|&b| b == value.to_bits()).unwrap_or_else(|| {
                        distinct.push(value.to_bits());
                        distinct.len() - 1
                    });
                    if n < MAX_VALUES {
                        v.leaf[leaf] = n as u8;
                        v.values[n] = value;
                    } else {
                        full = true;
                    }
                },
            );
            if full {
                return None;
            }
            out.push(v);
        }
        Some(Vectored { trees: out, width })
    }

    /// Whether this processor can run [`Vectored::predict`].
    pub(super) fn supported() -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512bw") && is_x86_feature_detected!("avx512vbmi")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    }

    /// The raw scores (sums of leaves in tree order) of the rows `which` of
    /// `rows` (rows of `width` features), into `out`. Only when
    /// [`Vectored::supported`]; panics if not.
    pub(super) fn predict(&self, rows: &[f32], width: usize, which: &[usize], out: &mut [f32]) {
        assert!(Vectored::supported(), "AVX-512 F, BW and VBMI are needed");
        assert!(out.len() == which.len() && self.width <= width && width <= MAX_FEATURES);
        assert!(which.iter().all(|&i| (i + 1) * width <= rows.len()));
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the processor has the features (asserted above); the
        // rows are in bounds (asserted above) and every other index is
        // bounded by the layout (see `walk`).
        unsafe {
            walk(self, rows, width, which, out)
        }
    }
}

/// [`Vectored::predict`]. Bounds: features are below `width` <=
/// [`MAX_FEATURES`]; heap positions are below 255, and the widest read of
/// masks (32 words from position 223) ends within [`MASK_WORDS`]; leaf
/// positions are below 256 and value numbers below 32.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi")]
unsafe fn walk(v: &Vectored, rows: &[f32], width: usize, which: &[usize], out: &mut [f32]) {
    use std::arch::x86_64::*;
    // The chunk's features, feature by feature: `xs[f * LANES + lane]`.
    let mut xs = [0.0f32; MAX_FEATURES * LANES];
    let mut masks = [0u16; BLOCK * MASK_WORDS];
    let lane_bit = _mm512_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768);
    let (one, two) = (_mm512_set1_epi32(1), _mm512_set1_epi32(2));
    let (c63, c127, bit6, bit7, byte) =
        (_mm512_set1_epi32(63), _mm512_set1_epi32(127), _mm512_set1_epi32(64), _mm512_set1_epi32(128), _mm512_set1_epi32(0xff));
    for (chunk, out) in which.chunks(LANES).zip(out.chunks_mut(LANES)) {
        for lane in 0..LANES {
            // Spare lanes repeat the first row; their sums are dropped.
            let r = chunk[if lane < chunk.len() { lane } else { 0 }];
            for (f, &x) in rows[r * width..(r + 1) * width].iter().enumerate() {
                xs[f * LANES + lane] = x;
            }
        }
        let mut raw = _mm512_setzero_ps();
        for block in v.trees.chunks(BLOCK) {
            // Every real split's answer for the sixteen units, at its heap position.
            for (t, tree) in block.iter().enumerate() {
                let m = masks.as_mut_ptr().add(t * MASK_WORDS);
                for &(pos, f, th) in &tree.splits {
                    let x = _mm512_loadu_ps(xs.as_ptr().add(usize::from(f)));
                    *m.add(usize::from(pos)) = _mm512_cmp_ps_mask::<_CMP_LE_OQ>(x, _mm512_set1_ps(th));
                }
            }
            for (t, tree) in block.iter().enumerate() {
                let m = masks.as_ptr().add(t * MASK_WORDS);
                let words = |at: usize| _mm512_loadu_si512(m.add(at).cast());
                let (t0, t1) = (words(0), words(32));
                let mut i = _mm512_setzero_si512();
                for level in 0..tree.depth {
                    // The answers at each unit's position `i` (low word of
                    // each lane; a word permute reads 64 words).
                    let answers = match level {
                        0..=5 => _mm512_permutex2var_epi16(t0, i, t1),
                        6 => _mm512_permutex2var_epi16(words(63), _mm512_sub_epi32(i, c63), words(95)),
                        _ => {
                            let j = _mm512_sub_epi32(i, c127);
                            let low = _mm512_permutex2var_epi16(words(127), j, words(159));
                            let high = _mm512_permutex2var_epi16(words(191), j, words(223));
                            _mm512_mask_blend_epi32(_mm512_test_epi32_mask(j, bit6), low, high)
                        }
                    };
                    let left = _mm512_test_epi32_mask(answers, lane_bit);
                    // Left is 2i + 1, right 2i + 2.
                    let next = _mm512_add_epi32(_mm512_add_epi32(i, i), two);
                    i = _mm512_mask_sub_epi32(next, left, next, one);
                }
                // The leaf position, its value's number, the value.
                let p = _mm512_sub_epi32(i, _mm512_set1_epi32((1 << tree.depth) - 1));
                let ids = tree.leaf.as_ptr();
                let id_low = _mm512_permutex2var_epi8(_mm512_loadu_si512(ids.cast()), p, _mm512_loadu_si512(ids.add(64).cast()));
                let id_high = _mm512_permutex2var_epi8(_mm512_loadu_si512(ids.add(128).cast()), p, _mm512_loadu_si512(ids.add(192).cast()));
                let id = _mm512_and_si512(_mm512_mask_blend_epi32(_mm512_test_epi32_mask(p, bit7), id_low, id_high), byte);
                let vals = tree.values.as_ptr();
                let value = _mm512_permutex2var_ps(_mm512_loadu_ps(vals), id, _mm512_loadu_ps(vals.add(16)));
                raw = _mm512_add_ps(raw, value);
            }
        }
        let mut sums = [0.0f32; LANES];
        _mm512_storeu_ps(sums.as_mut_ptr(), raw);
        out.copy_from_slice(&sums[..chunk.len()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    /// A random tree of depth <= 8 over `features`, leaves at any depth.
    fn random_tree(seed: &mut u64, features: u16, cuts: &[f64]) -> Tree {
        /// Grows the subtree of a node `depth` below the root; its child code.
        fn grow(t: &mut Tree, seed: &mut u64, depth: u32, features: u16, cuts: &[f64]) -> i32 {
            // At most 31 leaves, as the line model's trees.
            if depth == 8 || t.f.len() >= 30 || (depth > 0 && next(seed).is_multiple_of(4)) {
                t.v.push((next(seed) % 2001) as f64 / 1000.0 - 1.0);
                return -(t.v.len() as i32);
            }
            let node = t.f.len();
            t.f.push((next(seed) % u64::from(features)) as u16);
            t.t.push(cuts[(next(seed) % cuts.len() as u64) as usize]);
            t.l.push(0);
            t.r.push(0);
            t.l[node] = grow(t, seed, depth + 1, features, cuts);
            t.r[node] = grow(t, seed, depth + 1, features, cuts);
            node as i32
        }
        let mut t = Tree { f: vec![], t: vec![], l: vec![], r: vec![], v: vec![] };
        grow(&mut t, seed, 0, features, cuts);
        t
    }

    fn depth(t: &Tree) -> u32 {
        fn d(t: &Tree, n: i32) -> u32 {
            if n < 0 {
                0
            } else {
                1 + d(t, t.l[n as usize]).max(d(t, t.r[n as usize]))
            }
        }
        if t.f.is_empty() {
            0
        } else {
            d(t, 0)
        }
    }

    /// The scalar perfect walk's raw score of one row.
    fn scalar_raw(trees: &[Tree], row: &[f32]) -> f32 {
        let depths: Vec<u32> = trees.iter().map(depth).collect();
        let p = super::super::Perfect::new(trees, &depths).unwrap();
        let mut raw = 0.0f32;
        for ((splits, leaves), &d) in p.splits.iter().zip(&p.leaves).zip(&p.depths) {
            let mut i = 0usize;
            for _ in 0..d {
                let s = splits[i];
                i = 2 * i + 2 - usize::from(row[usize::from(s.feature)] <= s.threshold);
            }
            raw += leaves[i + 1 - (1 << d)];
        }
        raw
    }

    #[test]
    fn the_vector_walk_scores_as_the_scalar_walk_to_the_bit() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let cuts: Vec<f64> = (0..40).map(|i| f64::from(i) * 0.37 - 3.0).chain([0.1, 1e-9, -0.0, 1e30]).collect();
        let width = 70;
        // 37 trees: two groups of sixteen and a short one; a lone leaf.
        let mut trees: Vec<Tree> = (0..36).map(|_| random_tree(&mut seed, width as u16, &cuts)).collect();
        trees.insert(5, Tree { f: vec![], t: vec![], l: vec![], r: vec![], v: vec![0.25] });
        let depths: Vec<u32> = trees.iter().map(depth).collect();
        assert!(depths.contains(&8) && depths.contains(&0));
        let v = Vectored::new(&trees, &depths).unwrap();
        // Rows at, beside and between the thresholds, NaN among them.
        let mut values: Vec<f32> = cuts.iter().map(|&c| super::super::down(c)).collect();
        values.extend([f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 0.0]);
        let rows: Vec<f32> = (0..53 * width)
            .map(|_| {
                let seed = next(&mut seed);
                let v = values[(seed % values.len() as u64) as usize];
                match (seed >> 40) % 3 {
                    0 => v,
                    1 => v.next_up(),
                    _ => v.next_down(),
                }
            })
            .collect();
        // 53 rows: three chunks of sixteen and a short one, out of order.
        let which: Vec<usize> = (0..53).rev().collect();
        let want: Vec<u32> = which.iter().map(|&r| scalar_raw(&trees, &rows[r * width..(r + 1) * width]).to_bits()).collect();
        if Vectored::supported() {
            let mut out = vec![0.0f32; which.len()];
            v.predict(&rows, width, &which, &mut out);
            assert_eq!(out.iter().map(|r| r.to_bits()).collect::<Vec<_>>(), want);
        } else {
            eprintln!("no AVX-512 here: the vector walk was not run");
        }
    }

    #[test]
    fn models_that_do_not_fit_keep_the_scalar_walk() {
        let stump = |f: u16| Tree { f: vec![f], t: vec![0.5], l: vec![-1], r: vec![-2], v: vec![0.0, 1.0] };
        assert!(Vectored::new(&[stump(127)], &[1]).is_some());
        assert!(Vectored::new(&[stump(128)], &[1]).is_none());
        // A perfect tree of depth 6 with 64 distinct leaf values.
        let mut t = Tree { f: vec![0; 63], t: (0..63).map(f64::from).collect(), l: vec![], r: vec![], v: (0..64).map(f64::from).collect() };
        for i in 0..63i32 {
            let child = |c: i32| if c < 63 { c } else { -(c - 63) - 1 };
            t.l.push(child(2 * i + 1));
            t.r.push(child(2 * i + 2));
        }
        assert!(Vectored::new(&[t], &[6]).is_none());
    }
}
