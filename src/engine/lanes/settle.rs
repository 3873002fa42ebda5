//! Settling: the copies of a [`Lanes`] added into a [`Partial`] in copy order,
//! each row into its cell (and, joint, its calibration bin).

use super::{Lanes, Src, CB, CW};
use crate::engine::accum::Partial;

impl Lanes {
    /// Adds the copies into `acc` in copy order (trash rows dropped); the
    /// `--by` groups' rows go into `acc`'s groups instead.
    pub(crate) fn add_into(&self, acc: &mut Partial) {
        if self.by {
            return self.add_into_groups(acc);
        }
        let (cw, w) = (self.cw, self.cell_src.len());
        let per_cell = self.per_cell();
        for (k, copy) in self.cells.chunks_exact(self.cells_len).enumerate() {
            for (ci, (c, rows)) in acc
                .cells
                .chunks_exact_mut(cw)
                .zip(copy.chunks_exact(per_cell * w))
                .enumerate()
            {
                for (b, row) in rows.chunks_exact(w).enumerate() {
                    let bin = if self.joint {
                        acc_calib(&mut acc.calib, &mut acc.brier.0, b)
                    } else {
                        None
                    };
                    if ci * per_cell + b == self.dom_row {
                        self.add_row(c, &self.dom_copy(k), bin);
                    } else {
                        self.add_row(c, row, bin);
                    }
                }
            }
        }
        if self.tails_len > 0 {
            let w = self.tail_src.len();
            for (d, row) in acc
                .tails
                .chunks_exact_mut(self.tw)
                .zip(self.tails.chunks_exact(w))
            {
                for (v, x) in d.iter_mut().zip(row) {
                    *v += x;
                }
            }
        }
        for copy in self.calib.chunks_exact(CB * CW) {
            for (bin, src) in acc.calib.iter_mut().zip(copy.chunks_exact(CW)) {
                for k in 0..3 {
                    bin[k] += src[k];
                }
                acc.brier.0 += src[3];
            }
        }
    }

    /// Adds one row into a Partial's cell (and, joint, its calibration bin).
    pub(super) fn add_row(
        &self,
        cell: &mut [f64],
        row: &[f64],
        mut bin: Option<(&mut [f64; 3], &mut f64)>,
    ) {
        let mut ce = 0.0;
        for (&src, &x) in self.cell_src.iter().zip(row) {
            match src {
                Src::One => {
                    cell[0] += x;
                    if let Some((b, _)) = bin.as_mut() {
                        b[0] += x;
                    }
                }
                Src::Pt => cell[1] += x,
                Src::Ce => {
                    cell[2] += x;
                    ce = x;
                }
                Src::Loss(j) => cell[3 + 2 * j] += x,
                Src::Grad(j) => cell[4 + 2 * j] += x,
                Src::LossSq(j) => cell[3 + 2 * self.nt + 2 * j] += x,
                Src::GradSq(j) => cell[4 + 2 * self.nt + 2 * j] += x,
                Src::Conf | Src::Ok => {
                    if let Some((b, _)) = bin.as_mut() {
                        b[if src == Src::Conf { 1 } else { 2 }] += x;
                    }
                }
                Src::Brier => {
                    if let Some((_, brier)) = bin.as_mut() {
                        **brier += x;
                    }
                }
                Src::Zero => {}
            }
        }
        // A γ = 0 term's loss is CE: the same additions, so the same bits.
        for &j in &self.ce_terms {
            cell[3 + 2 * j] += ce;
        }
    }
}

/// The calibration bin `b` of a Partial with its Brier sum (None for the trash bin).
fn acc_calib<'a>(
    calib: &'a mut [[f64; 3]],
    brier: &'a mut f64,
    b: usize,
) -> Option<(&'a mut [f64; 3], &'a mut f64)> {
    calib.get_mut(b).map(|c| (c, brier))
}
