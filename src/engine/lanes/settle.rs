//! Settling: the rows of a [`Lanes`] added into the `--by` groups'
//! [`Partial`]s, each row into its group's cell.

use super::{Lanes, Src};
use crate::engine::accum::Partial;

impl Lanes {
    /// Adds the groups' rows into `acc`'s groups (trash rows dropped).
    pub(crate) fn add_into(&self, acc: &mut Partial) {
        self.add_into_groups(acc);
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
