//! Settling: each fixed-point row turned into exact expansions and added
//! into the cells, fine histogram, calibration bins and Brier sum of a
//! [`Partial`].

use super::bounds::{scaled, ulp_exp};
use super::digits::DigitTable;
use super::src::Src;
use super::{FixedRows, NONE, SIDE};
use crate::engine::accum::Partial;
use crate::engine::exact::Expansion;
use crate::engine::plan::{TAIL_OCTAVES, TAIL_SUB};
use crate::engine::spec::TAIL_BINS;

/// The room settling adds a partial's sums up in, kept between settlings.
#[derive(Clone, Debug, Default)]
pub(super) struct Scratch {
    /// The cells' sums as wide integers.
    cells: DigitTable,
    /// The fine histogram's sums as wide integers.
    hist: DigitTable,
}

impl FixedRows {
    /// Adds the rows into `acc`'s exact sums (the fine histogram only if
    /// `acc` keeps one), and drops them.
    pub(crate) fn settle_into(&mut self, acc: &mut Partial) {
        if self.keys.is_empty() {
            return;
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        self.settle_rows(0..self.keys.len(), acc, &mut scratch);
        self.scratch = scratch;
        self.clear();
    }

    /// Adds each row into its `--by` group's partial (`parts[group]`), and
    /// drops them. With `parallel`, groups are settled on the pool's
    /// threads (each group's sums are exact, so which thread does not
    /// matter); only from outside the pool's running jobs.
    pub(crate) fn settle_into_groups(&mut self, parts: &mut [Partial], parallel: bool) {
        let mut order: Vec<(u32, u32)> = (self.keys.iter().enumerate())
            .map(|(r, k)| (k[3], r as u32))
            .collect();
        order.sort_unstable();
        // Per group, its run of `order`.
        let mut start = vec![0usize; parts.len() + 1];
        for &(g, _) in &order {
            start[g as usize + 1] += 1;
        }
        for g in 0..parts.len() {
            start[g + 1] += start[g];
        }
        let mut own = std::mem::take(&mut self.scratch);
        let me = &*self;
        let settle = |scratch: &mut Scratch, (g, part): (usize, &mut Partial)| {
            let run = &order[start[g]..start[g + 1]];
            if !run.is_empty() {
                me.settle_rows(run.iter().map(|&(_, r)| r as usize), part, scratch);
            }
        };
        if parallel {
            use rayon::prelude::*;
            parts
                .par_iter_mut()
                .enumerate()
                .for_each_init(Scratch::default, settle);
        } else {
            parts
                .iter_mut()
                .enumerate()
                .for_each(|x| settle(&mut own, x));
        }
        self.scratch = own;
        self.clear();
    }

    /// Adds the rows `rows` into `acc`'s exact sums.
    fn settle_rows(
        &self,
        rows: impl Iterator<Item = usize>,
        acc: &mut Partial,
        scratch: &mut Scratch,
    ) {
        let nb = self.nb;
        let (w, nt, stride) = (self.w, self.nt, acc.stride);
        let tails = acc.has_tails();
        // Straight into the partial's exact sums: a scratch shaped like them
        // would be allocated, and all of it added, for every group.
        if acc.exact.is_none() {
            acc.make_exact();
        }
        let Some(ex) = acc.exact.as_deref_mut() else {
            return;
        };
        // The cells' and the histogram's sums take each row as integers,
        // and become expansions once, at the end.
        let mut cells = std::mem::take(&mut scratch.cells);
        cells.shape(ex.cells.sums.len() / stride, stride);
        let mut hist = std::mem::take(&mut scratch.hist);
        hist.shape(if tails { 2 * TAIL_BINS } else { 0 }, 1 + nt);
        // Expansions of the values the calibration bins and Brier sum take.
        let mut vals = vec![Expansion::ZERO; w];
        const NO: usize = usize::MAX;
        let mut targets = Vec::with_capacity(1 + self.ce_terms.len());
        for r in rows {
            let [cell, cal, fine, _] = self.keys[r].map(|k| k as usize);
            let consts = &self.consts[self.grid_of[fine] as usize..][..w];
            let wide = match self.wide_of[r] {
                NONE => None,
                at => Some(&self.wide[at as usize * w..][..w]),
            };
            let bin = self.polarity[cell / (2 * nb)] * TAIL_BINS + tail_bin(fine);
            let off = &self.off[r];
            for (f, &src) in self.srcs.iter().enumerate() {
                let c = f64::from_bits(consts[f]);
                let k = self.data[w * r + f] as i64 as i128 + wide.map_or(0, |x| x[f]);
                let e = ulp_exp(c);
                let off = off.get(f);
                // Value f's (cell value, histogram value) pairs (`NO`: none).
                targets.clear();
                match src {
                    Src::One => targets.push((0, 0)),
                    Src::Pt => targets.push((1, NO)),
                    Src::Ce => {
                        targets.push((2, NO));
                        targets.extend(self.ce_terms.iter().map(|&j| (3 + 2 * j, 1 + j)));
                    }
                    Src::Loss(j) => targets.push((3 + 2 * j, 1 + j)),
                    Src::Grad(j) => targets.push((4 + 2 * j, NO)),
                    Src::LossSq(j) => targets.push((3 + 2 * nt + 2 * j, NO)),
                    Src::GradSq(j) => targets.push((4 + 2 * nt + 2 * j, NO)),
                    Src::Conf | Src::Ok | Src::Brier => {
                        let v = &mut vals[f];
                        *v = Expansion::ZERO;
                        for x in scaled(k, c) {
                            v.add(x);
                        }
                        if let Some(o) = off {
                            v.add_all(o);
                        }
                    }
                    Src::Zero => {}
                }
                for &(to_cell, to_hist) in &targets {
                    cells.add(cell, to_cell, k, e);
                    if let Some(o) = off {
                        ex.cells.sums[cell * stride + to_cell].add_all(o);
                    }
                    if tails && to_hist != NO {
                        hist.add(bin, to_hist, k, e);
                        if let Some(o) = off {
                            ex.tails.add_expansions_at(bin, to_hist, o);
                        }
                    }
                }
            }
            for (f, &src) in self.srcs.iter().enumerate() {
                match src {
                    Src::Conf => ex.calib.sums[3 * cal + 1].add_all(&vals[f]),
                    Src::Ok => ex.calib.sums[3 * cal + 2].add_all(&vals[f]),
                    Src::Brier => {
                        ex.brier.add_all(&vals[f]);
                        // The bin's count: value 0, on a grid of 1.
                        let n = self.data[w * r] as i64 as i128 + wide.map_or(0, |x| x[0]);
                        ex.calib.sums[3 * cal].add(n as f64);
                        if let Some(o) = off.first() {
                            ex.calib.sums[3 * cal].add_all(o);
                        }
                    }
                    _ => {}
                }
            }
        }
        cells.drain(|cell, sums| {
            for (s, x) in ex.cells.sums[cell * stride..][..stride]
                .iter_mut()
                .zip(sums)
            {
                s.add_all(x);
            }
        });
        hist.drain(|bin, sums| ex.tails.add_expansions(bin, sums));
        scratch.cells = cells;
        scratch.hist = hist;
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
