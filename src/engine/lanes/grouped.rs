//! The `--by` groups' pending sums: every group's cell and calibration
//! rows side by side in one [`Lanes`], so a unit's elements go through one
//! scatter whatever their group, and settle into each group's [`Partial`]
//! when the unit ends.
//!
//! There is one copy: each sum of a group is added in element order, as if
//! the group's elements were added straight into its Partial, so the sums do
//! not depend on how the groups are held. Groups are spread over the file, so
//! consecutive elements rarely share a row and copies would add nothing but
//! memory. The Brier sum of a group is one value added in element order (the
//! calibration rows leave it out). The fine p_t histograms are not held here:
//! with many groups they are large and each unit touches few of their bins,
//! so the caller adds them straight into the groups' Partials.

use super::{Lanes, Src, CB, CW};
use crate::engine::accum::Partial;
use crate::engine::plan::Ctx;
use crate::engine::soa::{Soa, SUB};
use crate::engine::spec::CALIB_BINS;

/// The most values the groups' rows may take (16 MiB per unit being read;
/// 1000 groups of `compare` take 4.5 MiB); past it the groups take their
/// elements straight in.
pub(crate) const MAX_VALUES: usize = 1 << 21;

impl Lanes {
    /// Rows for no group yet, each group's shaped like `part` (an empty group Partial).
    pub(crate) fn for_groups(cx: &Ctx, part: &Partial) -> Lanes {
        let mut l = Lanes::shaped(cx, part, false, 1, 1);
        l.tail_rows = 0;
        l.cal_src[3] = Src::Zero;
        l.by = true;
        l
    }

    /// The values the rows of `groups` groups take.
    pub(crate) fn values_for(&self, groups: usize) -> usize {
        let per =
            (self.ncells + 1) * self.cell_src.len() + if self.calib_on { CB * CW + 1 } else { 0 };
        groups * per
    }

    /// Makes room for `groups` groups, keeping the rows of those held.
    pub(crate) fn grow(&mut self, groups: usize) {
        if groups > self.groups {
            self.resize(groups);
        }
    }

    /// Points the first `n` elements of a prepared sub-batch (indices within
    /// a group, as [`super::Trash`] of a group Partial gives them) at the rows
    /// of their group `by[i]`, and adds their Brier terms. Their tail bins are
    /// left as they are (see the module doc).
    pub(crate) fn fold(&mut self, n: usize, by: &[u32], s: &mut Soa) {
        let n = n.min(SUB).min(by.len());
        let by = &by[..n];
        let trash = self.ncells as u32;
        if self.calib_on {
            for (i, &g) in by.iter().enumerate() {
                if s.cell[i] != trash {
                    self.brier[g as usize] += s.brier[i];
                }
            }
            for (c, &g) in s.cal[..n].iter_mut().zip(by) {
                *c += g * CB as u32;
            }
        }
        let rows = (self.ncells + 1) as u32;
        for (c, &g) in s.cell[..n].iter_mut().zip(by) {
            *c += g * rows;
        }
    }

    /// Adds each group's rows into its Partial in `acc`'s groups (trash rows dropped).
    pub(super) fn add_into_groups(&self, acc: &mut Partial) {
        let Some(groups) = acc.groups.as_deref_mut() else {
            return;
        };
        let (w, cr) = (self.cell_src.len(), self.ncells + 1);
        for (k, part) in groups.parts.iter_mut().enumerate().take(self.groups) {
            let rows = &self.cells[k * cr * w..][..self.ncells * w];
            for (c, row) in part
                .cells
                .chunks_exact_mut(self.cw)
                .zip(rows.chunks_exact(w))
            {
                self.add_row(c, row, None);
            }
            if self.calib_on {
                let rows = &self.calib[k * CB * CW..][..CALIB_BINS * CW];
                for (bin, src) in part.calib.iter_mut().zip(rows.chunks_exact(CW)) {
                    for j in 0..3 {
                        bin[j] += src[j];
                    }
                }
                part.brier.0 += self.brier[k];
            }
        }
    }
}
