//! The dominant cell row of [`Lanes`], held field-major.
//!
//! Most elements of a detection dump land in one cell row (86% of the
//! benchmark's rows are easy negatives in the top bucket and the top
//! confidence bin). The copies of that row are held apart, value `f` of copy
//! `c` at `f * COPIES + c`, so that with AVX2 the per-field vectors of four
//! consecutive elements (one per copy) are added into it as they are, without
//! the transposes that the other rows need. An element of the four that lands
//! elsewhere is masked to +0.0 there and scattered as usual: adding +0.0
//! leaves a sum's bits as they are, because a sum that starts at +0.0 is never
//! -0.0 (x + y is -0.0 only when both are), and x + 0.0 = x for every other x,
//! infinities and NaN (the sum is the first operand) included, whatever the
//! value kind (counts, losses, gradients, squares, calibration values).
//!
//! Each copy of the row receives the values that a row-major copy would, in
//! the same order, so every sum keeps its bits. The row is picked from the
//! elements of a sub-batch and given up when fewer than half of a sub-batch
//! land in it; moving its copies between the two layouts moves values and
//! adds nothing.

use super::{Lanes, CB, COPIES};
use crate::engine::soa::Soa;

/// [`Lanes::dom_row`] when no row is held field-major.
pub(super) const NO_ROW: usize = usize::MAX;

/// Elements of a sub-batch looked at to pick a new dominant row.
const SAMPLES: usize = 16;

/// Consecutive samples that found no dominant row after which the wait
/// before the next stops growing: where none exists (multi-label rows, whose
/// consecutive elements belong to different classes), sampling every
/// sub-batch cost about 5% of the pass.
const MAX_MISSES: u8 = 3;

impl Lanes {
    /// Before the first `n` elements of `s` are added: keeps the dominant row
    /// while at least half of them land in it; otherwise gives it back to the
    /// row-major copies and holds the row that half of a sample lands in, if any.
    /// After k samples in a row that find none, the next 2^k - 1 sub-batches
    /// take no sample (k at most [`MAX_MISSES`]).
    #[inline(always)]
    pub(super) fn retune(&mut self, n: usize, s: &Soa) {
        if self.dom.is_empty() || n == 0 {
            return;
        }
        let n = n.min(s.cell.len());
        if self.dom_row != NO_ROW {
            let d = self.dom_row;
            let hits: usize = if self.joint {
                s.cell[..n]
                    .iter()
                    .zip(&s.cal[..n])
                    .map(|(&c, &b)| (c as usize * CB + b as usize == d) as usize)
                    .sum()
            } else {
                s.cell[..n]
                    .iter()
                    .map(|&c| (c as usize == d) as usize)
                    .sum()
            };
            if 2 * hits >= n {
                return;
            }
            self.release();
        } else if self.dom_wait > 0 {
            self.dom_wait -= 1;
            return;
        }
        // Only the rows of real cells and bins (never a trash row).
        let real = |i: usize| {
            (s.cell[i] as usize) < self.ncells && (!self.joint || (s.cal[i] as usize) < CB)
        };
        // On the stack: this runs for every sub-batch while no row is held.
        let mut rows = [NO_ROW; SAMPLES];
        for (k, r) in rows.iter_mut().enumerate() {
            let i = k * n / SAMPLES;
            if real(i) {
                *r = self.row(s, i);
            }
        }
        let count = |r: usize| rows.iter().filter(|&&x| x == r).count();
        let sampled = rows.iter().filter(|&&r| r != NO_ROW);
        match sampled.max_by_key(|&&r| count(r)) {
            Some(&best) if 2 * count(best) >= SAMPLES => {
                self.hold(best);
                self.dom_misses = 0;
            }
            _ => {
                self.dom_misses = (self.dom_misses + 1).min(MAX_MISSES);
                self.dom_wait = (1 << self.dom_misses) - 1;
            }
        }
    }

    /// Holds cell row `r` field-major: its copies are moved out of `cells`.
    fn hold(&mut self, r: usize) {
        let w = self.cell_src.len();
        for c in 0..COPIES {
            let row = &mut self.cells[c * self.cells_len + r * w..][..w];
            for (f, v) in row.iter_mut().enumerate() {
                self.dom[f * COPIES + c] = std::mem::take(v);
            }
        }
        self.dom_row = r;
    }

    /// Moves the dominant row's copies back into `cells` (where that row is
    /// all +0.0 while it is held).
    fn release(&mut self) {
        let (w, r) = (self.cell_src.len(), self.dom_row);
        for c in 0..COPIES {
            let row = &mut self.cells[c * self.cells_len + r * w..][..w];
            for (f, v) in row.iter_mut().enumerate() {
                *v = std::mem::take(&mut self.dom[f * COPIES + c]);
            }
        }
        self.dom_row = NO_ROW;
    }

    /// Adds element `i` of `s` into copy `c` of the dominant row.
    pub(super) fn add_dom(&mut self, i: usize, c: usize, s: &Soa) {
        for (f, src) in self.cell_src.iter().enumerate() {
            self.dom[f * COPIES + c] += src.array(s)[i];
        }
    }

    /// Copy `c` of the dominant row, laid out as a row of `cells`.
    pub(super) fn dom_copy(&self, c: usize) -> Vec<f64> {
        (0..self.cell_src.len())
            .map(|f| self.dom[f * COPIES + c])
            .collect()
    }

    /// The same sums with every row row-major: to check the field-major row against.
    #[cfg(test)]
    pub(crate) fn without_dominant(mut self) -> Lanes {
        if self.dom_row != NO_ROW {
            self.release();
        }
        self.dom = Vec::new();
        self
    }
}

#[cfg(test)]
#[path = "dominant_tests.rs"]
mod tests;
