//! Exact sums of a histogram (bins of a fixed number of values each), held
//! only for the bins that received a value.
//!
//! A `--by` group's fine p_t histogram has 1280 bins of six values under
//! `compare`, and a thousand groups reach about a fifth of their bins: held
//! densely, the merged groups' exact sums take ~430 MB that every merge
//! reaches at random. Each value's sum here receives the same values in the
//! same order as a dense one would, so it holds the same components (and
//! partial files written from it have the same bytes).

use super::exact::{ExactVec, Expansion};
use super::simd::prefetch;

/// Marks a bin that has no row.
const NONE: u32 = u32::MAX;

/// The exact sums of a histogram's reached bins (see the module doc).
#[derive(Clone, Debug)]
pub(crate) struct ExactRows {
    /// Values per bin.
    width: usize,
    /// Per bin, the index of its row, or [`NONE`].
    slot: Vec<u32>,
    /// `width` sums per row, rows in the order their bins were first reached.
    sums: Vec<Expansion>,
}

impl ExactRows {
    /// Zero sums of `len` values, in bins of `width` (which divides `len`;
    /// any width gives the same sums, a bin's width is what is held at once).
    pub(crate) fn zeros(len: usize, width: usize) -> ExactRows {
        let width = width.max(1);
        assert_eq!(len % width, 0, "whole bins");
        ExactRows {
            width,
            slot: vec![NONE; len / width],
            sums: Vec::new(),
        }
    }

    /// The dense sums `v`, bins of `width` values, keeping only the bins
    /// that hold a non-zero sum.
    pub(crate) fn from_dense(v: ExactVec, width: usize) -> ExactRows {
        let mut out = ExactRows::zeros(v.sums.len(), width);
        let w = out.width;
        for (b, row) in v.sums.chunks_exact(w).enumerate() {
            if row.iter().any(|s| !s.parts().is_empty()) {
                out.row(b).clone_from_slice(row);
            }
        }
        out
    }

    /// The number of values (bins × width).
    pub(crate) fn len(&self) -> usize {
        self.slot.len() * self.width
    }

    /// The sums of `bin`, made (zero) if it had none.
    #[inline]
    fn row(&mut self, bin: usize) -> &mut [Expansion] {
        let w = self.width;
        let mut r = self.slot[bin];
        if r == NONE {
            r = (self.sums.len() / w) as u32;
            self.slot[bin] = r;
            self.sums.resize(self.sums.len() + w, Expansion::ZERO);
        }
        &mut self.sums[r as usize * w..][..w]
    }

    /// Adds `xs[j]` to value `bin × width + j`; `xs` holds at most a bin.
    #[inline]
    pub(crate) fn add_row(&mut self, bin: usize, xs: &[f64]) {
        if xs.iter().all(|&x| x == 0.0) {
            return;
        }
        for (s, &x) in self.row(bin).iter_mut().zip(xs) {
            if x != 0.0 {
                s.add(x);
            }
        }
    }

    /// Adds `xs[j]` to value `bin × width + j`; `xs` holds at most a bin.
    pub(crate) fn add_expansions(&mut self, bin: usize, xs: &[Expansion]) {
        for (s, x) in self.row(bin).iter_mut().zip(xs) {
            s.add_all(x);
        }
    }

    /// Adds `x` to value `bin × width + j`.
    pub(crate) fn add_expansions_at(&mut self, bin: usize, j: usize, x: &Expansion) {
        self.row(bin)[j].add_all(x);
    }

    /// Asks for the sums of `bin` ahead of their use (nothing if it has none).
    #[inline]
    pub(crate) fn prefetch_row(&self, bin: usize) {
        if let Some(&r) = self.slot.get(bin) {
            if r != NONE {
                let at = r as usize * self.width;
                prefetch(&self.sums, at);
                prefetch(&self.sums, at + self.width - 1);
            }
        }
    }

    /// Adds `xs[i]` to value `i` (a dense histogram; `xs` may be shorter).
    pub(crate) fn add_f64(&mut self, xs: &[f64]) {
        for (b, row) in xs.chunks(self.width).enumerate().take(self.slot.len()) {
            self.add_row(b, row);
        }
    }

    /// Adds `other`'s sums (same shape), value by value.
    pub(crate) fn add_exact(&mut self, other: &ExactRows) {
        let w = other.width;
        assert_eq!((self.width, self.len()), (w, other.len()), "same shape");
        for (b, &r) in other.slot.iter().enumerate() {
            if r == NONE {
                continue;
            }
            let src = &other.sums[r as usize * w..][..w];
            for (s, o) in self.row(b).iter_mut().zip(src) {
                s.add_all(o);
            }
        }
    }

    /// Every value's sum, in value order (zero for the bins without a row).
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Expansion> {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The sum of value `i`.
    pub(crate) fn get(&self, i: usize) -> &Expansion {
        let w = self.width;
        match self.slot[i / w] {
            NONE => &ZERO,
            r => &self.sums[r as usize * w + i % w],
        }
    }

    /// Each sum, rounded once, into `out` (zero where no value was added).
    pub(crate) fn round_into(&self, out: &mut [f64]) {
        let w = self.width;
        for (o, &r) in out.chunks_mut(w).zip(&self.slot) {
            if r == NONE {
                o.fill(0.0);
            } else {
                for (o, s) in o.iter_mut().zip(&self.sums[r as usize * w..]) {
                    *o = s.round();
                }
            }
        }
    }
}

/// The sum of a value no row holds.
static ZERO: Expansion = Expansion::ZERO;

impl PartialEq for ExactRows {
    /// Equal when every value's sum has the same components, whatever the
    /// order of the rows.
    fn eq(&self, other: &ExactRows) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A histogram of `bins` bins × `w` values with a few bins reached,
    /// some values zero, reached in a scattered order.
    fn sparse_adds(seed: u64, bins: usize, w: usize) -> Vec<(usize, Vec<f64>)> {
        let mut x = seed;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x >> 11
        };
        (0..40)
            .map(|_| {
                let b = (next() % bins as u64) as usize;
                let row = (0..w)
                    .map(|j| match next() % 4 {
                        0 => 0.0,
                        k => {
                            (next() % 1000) as f64 * 1e-3 * 10f64.powi(k as i32 * 5 - 10 + j as i32)
                        }
                    })
                    .collect();
                (b, row)
            })
            .collect()
    }

    /// The same adds into a dense [`ExactVec`] and into [`ExactRows`].
    fn both(adds: &[(usize, Vec<f64>)], bins: usize, w: usize) -> (ExactVec, ExactRows) {
        let (mut dense, mut rows) = (ExactVec::zeros(bins * w), ExactRows::zeros(bins * w, w));
        for (b, row) in adds {
            let mut xs = vec![0.0; bins * w];
            xs[b * w..][..w].copy_from_slice(row);
            dense.add_f64(&xs);
            if b % 2 == 0 {
                rows.add_row(*b, row);
            } else {
                rows.add_f64(&xs);
            }
        }
        (dense, rows)
    }

    fn same(dense: &ExactVec, rows: &ExactRows) {
        assert_eq!(rows.len(), dense.sums.len());
        let got: Vec<&Expansion> = rows.iter().collect();
        let want: Vec<&Expansion> = dense.sums.iter().collect();
        assert_eq!(got, want, "every value's components");
        let (mut a, mut b) = (vec![f64::NAN; rows.len()], vec![0.0; rows.len()]);
        rows.round_into(&mut a);
        dense.round_into(&mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn rows_hold_the_components_a_dense_histogram_would() {
        let (bins, w) = (50, 3);
        let adds = sparse_adds(7, bins, w);
        let (dense, rows) = both(&adds, bins, w);
        same(&dense, &rows);
        let reached: std::collections::BTreeSet<usize> = adds
            .iter()
            .filter(|(_, r)| r.iter().any(|&x| x != 0.0))
            .map(|(b, _)| *b)
            .collect();
        assert_eq!(
            rows.sums.len(),
            reached.len() * w,
            "a row per bin reached, no more"
        );
    }

    #[test]
    fn exact_merges_add_each_row_once() {
        let (bins, w) = (50, 3);
        let (a, b) = (sparse_adds(1, bins, w), sparse_adds(2, bins, w));
        let (mut dense, mut rows) = both(&a, bins, w);
        let (dense_b, rows_b) = both(&b, bins, w);
        dense.add_exact(&dense_b);
        rows.add_exact(&rows_b);
        same(&dense, &rows);
        // And into an empty one, then again: the doubled values, bin by bin.
        let mut twice = ExactRows::zeros(bins * w, w);
        twice.add_exact(&rows);
        twice.add_exact(&rows);
        let mut got = vec![0.0; bins * w];
        twice.round_into(&mut got);
        let mut want = vec![0.0; bins * w];
        rows.round_into(&mut want);
        assert_eq!(got, want.iter().map(|x| 2.0 * x).collect::<Vec<_>>());
    }

    #[test]
    fn from_dense_keeps_the_bins_with_sums() {
        let (bins, w) = (50, 2);
        let (dense, rows) = both(&sparse_adds(3, bins, w), bins, w);
        let back = ExactRows::from_dense(dense.clone(), w);
        same(&dense, &back);
        assert_eq!(back, rows);
        assert!(back.sums.len() <= rows.sums.len());
        assert_ne!(back, ExactRows::zeros(bins * w, w));
        // Another width holds the same sums.
        same(&dense, &ExactRows::from_dense(dense.clone(), 1));
    }
}
