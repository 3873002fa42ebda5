//! Merging two sets of `--by` rows: each row of one added into the row with
//! the same key in the other, as integers. Rows of one fine bin share its
//! grid whatever set they are in, so their integers add as they are; the
//! sum goes into the row's `i128` sums, which cannot overflow.

use super::{FixedRows, FINE, NONE};
use crate::engine::exact::Expansion;

impl FixedRows {
    /// Adds the rows of `other` (made for the same pass) into these: its
    /// group `g` is group `map[g]` here.
    pub(crate) fn absorb(&mut self, other: &FixedRows, map: &[u32]) {
        debug_assert!(self.grouped && other.grouped, "absorbing ungrouped rows");
        let w = self.w;
        for (r, &[cell, cal, fine, g]) in other.keys.iter().enumerate() {
            let g = map[g as usize];
            let at = g as usize * self.space
                + (cell as usize * self.cb + cal as usize) * FINE
                + fine as usize;
            if self.grid_of[fine as usize] == NONE {
                self.make_grid(fine as usize);
            }
            let mine = match self.index.get(g, at) {
                Some(x) => x as usize,
                None => self.make_row(at, [cell, cal, fine, g]),
            };
            self.widen(mine);
            let to = self.wide_of[mine] as usize * w;
            let from = other.wide_of[r];
            for f in 0..w {
                let wide = if from == NONE {
                    0
                } else {
                    other.wide[from as usize * w + f]
                };
                self.wide[to + f] += other.data[w * r + f] as i64 as i128 + wide;
            }
            if !other.off[r].is_empty() {
                if self.off[mine].is_empty() {
                    self.off[mine] = vec![Expansion::ZERO; w];
                }
                for (a, b) in self.off[mine].iter_mut().zip(&other.off[r]) {
                    a.add_all(b);
                }
            }
        }
    }
}
