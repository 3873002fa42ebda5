//! Settling: each fixed-point row turned into exact expansions and added
//! into the cells, fine histogram, calibration bins and Brier sum of a
//! [`Partial`].

use super::bounds::scaled;
use super::src::Src;
use super::{FixedRows, NONE, SIDE};
use crate::engine::accum::Partial;
use crate::engine::exact::Expansion;
use crate::engine::plan::{TAIL_OCTAVES, TAIL_SUB};
use crate::engine::spec::TAIL_BINS;

impl FixedRows {
    /// Adds the rows into `acc`'s exact sums (the fine histogram only if
    /// `acc` keeps one), and drops them.
    pub(crate) fn settle_into(&mut self, acc: &mut Partial) {
        if self.keys.is_empty() {
            return;
        }
        self.settle_rows(0..self.keys.len(), acc);
        self.clear();
    }

    /// Adds each row into its `--by` group's partial (`parts[group]`), and
    /// drops them.
    pub(crate) fn settle_into_groups(&mut self, parts: &mut [Partial]) {
        let mut order: Vec<(u32, u32)> = (self.keys.iter().enumerate())
            .map(|(r, k)| (k[3], r as u32))
            .collect();
        order.sort_unstable();
        for run in order.chunk_by(|a, b| a.0 == b.0) {
            let rows = run.iter().map(|&(_, r)| r as usize);
            self.settle_rows(rows, &mut parts[run[0].0 as usize]);
        }
        self.clear();
    }

    /// Adds the rows `rows` into `acc`'s exact sums.
    fn settle_rows(&mut self, rows: impl Iterator<Item = usize>, acc: &mut Partial) {
        let nb = self.nb;
        let (w, nt, stride) = (self.w, self.nt, acc.stride);
        let tails = acc.has_tails();
        let mut ex = acc.zero_exact();
        let mut vals = vec![Expansion::ZERO; w];
        let mut tail = vec![Expansion::ZERO; 1 + nt];
        for r in rows {
            let [cell, cal, fine, _] = self.keys[r].map(|k| k as usize);
            let consts = &self.consts[self.grid_of[fine] as usize..][..w];
            let wide = match self.wide_of[r] {
                NONE => None,
                at => Some(&self.wide[at as usize * w..][..w]),
            };
            for (f, v) in vals.iter_mut().enumerate() {
                *v = Expansion::ZERO;
                let c = f64::from_bits(consts[f]);
                let k = self.data[w * r + f] as i64 as i128 + wide.map_or(0, |x| x[f]);
                for x in scaled(k, c) {
                    if x != 0.0 {
                        v.add(x);
                    }
                }
                if let Some(o) = self.off[r].get(f) {
                    v.add_all(o);
                }
            }
            let cells = &mut ex.cells.sums[cell * stride..][..stride];
            for (&src, v) in self.srcs.iter().zip(&vals) {
                match src {
                    Src::One => cells[0].add_all(v),
                    Src::Pt => cells[1].add_all(v),
                    Src::Ce => {
                        cells[2].add_all(v);
                        for &j in &self.ce_terms {
                            cells[3 + 2 * j].add_all(v);
                            tail[1 + j] = v.clone();
                        }
                    }
                    Src::Loss(j) => {
                        cells[3 + 2 * j].add_all(v);
                        tail[1 + j] = v.clone();
                    }
                    Src::Grad(j) => cells[4 + 2 * j].add_all(v),
                    Src::LossSq(j) => cells[3 + 2 * nt + 2 * j].add_all(v),
                    Src::GradSq(j) => cells[4 + 2 * nt + 2 * j].add_all(v),
                    Src::Conf => ex.calib.sums[3 * cal + 1].add_all(v),
                    Src::Ok => ex.calib.sums[3 * cal + 2].add_all(v),
                    Src::Brier => {
                        ex.brier.add_all(v);
                        ex.calib.sums[3 * cal].add_all(&vals[0]);
                    }
                    Src::Zero => {}
                }
            }
            if tails {
                tail[0] = vals[0].clone();
                let polarity = self.polarity[cell / (2 * nb)];
                ex.tails
                    .add_expansions(polarity * TAIL_BINS + tail_bin(fine), &tail);
            }
        }
        acc.add_exact_sums(&ex);
    }
}

/// The fine histogram's bin (one polarity) of the elements of fine bin
/// `fine`: the bin [`crate::engine::plan::tail_bin`] gives them, which is
/// the same key kept only down to 2^-40.
pub(super) fn tail_bin(fine: usize) -> usize {
    let key = fine % SIDE;
    let r = (key >> 3).wrapping_sub(1023 - TAIL_OCTAVES);
    let k = if r < TAIL_OCTAVES {
        (r << TAIL_SUB.trailing_zeros()) | (key & 7)
    } else {
        0
    };
    if fine >= SIDE {
        TAIL_BINS - 1 - k
    } else {
        k
    }
}
