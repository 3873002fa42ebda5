//! What keeps a row's integer sums exact: rows widened into `i128` sums
//! before their `i64` ones can overflow, and values off their row's grid
//! taken back out and added exactly.

use super::{FixedRows, FULL, NONE, SUB, SWEEP};
use crate::engine::exact::Expansion;
use crate::engine::soa::Soa;

impl FixedRows {
    /// Widens every row whose sums hold enough elements that the next
    /// [`SWEEP`] elements and a sub-batch could take them past [`FULL`]:
    /// of the rows added to since the last sweep (the others held less
    /// than that then, and still do).
    #[cold]
    pub(super) fn sweep(&mut self) {
        self.since = 0;
        let w = self.w;
        let touched = std::mem::take(&mut self.touched);
        for &r in &touched {
            let r = r as usize;
            // Value 0 is the count, on a grid of 1: its sum is the elements held.
            if r != NONE as usize && self.data[w * r] as i64 > FULL - (SWEEP + SUB) as i64 {
                self.widen(r);
            }
        }
        self.touched = touched;
        self.touched.clear();
    }

    /// Takes element `i`'s off-grid values back out of row `r`'s sums and
    /// adds them into its exact sums.
    #[cold]
    pub(super) fn off_grid(&mut self, r: usize, i: usize, s: &Soa) {
        let w = self.w;
        if self.off[r].is_empty() {
            self.off[r] = vec![Expansion::ZERO; w];
        }
        let consts = &self.consts[self.grid[i] as usize..][..w];
        let sums = &mut self.data[w * r..][..w];
        for (f, src) in self.srcs.iter().enumerate() {
            let v = src.array(s)[i];
            let k = (v + f64::from_bits(consts[f]))
                .to_bits()
                .wrapping_sub(consts[f]);
            if k >> 52 != 0 {
                sums[f] = sums[f].wrapping_sub(k);
                self.off[r][f].add(v);
            }
        }
    }

    /// Moves row `r`'s `i64` sums into its `i128` ones.
    #[cold]
    pub(super) fn widen(&mut self, r: usize) {
        let w = self.w;
        if self.wide_of[r] == NONE {
            self.wide_of[r] = (self.wide.len() / w) as u32;
            self.wide.extend(std::iter::repeat_n(0, w));
        }
        let at = self.wide_of[r] as usize * w;
        let sums = &mut self.data[w * r..][..w];
        for (wide, sum) in self.wide[at..][..w].iter_mut().zip(sums) {
            *wide += *sum as i64 as i128;
            *sum = 0;
        }
    }
}
