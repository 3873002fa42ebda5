//! Settling: each fixed-point row turned into exact expansions and added
//! into the cells, fine histogram, calibration bins and Brier sum of a
//! [`Partial`].

use super::bounds::ulp_exp;
use super::digits::DigitTable;
use super::src::Src;
use super::{FixedRows, NONE, SIDE};
use crate::engine::accum::Partial;
use crate::engine::plan::{TAIL_OCTAVES, TAIL_SUB};
use crate::engine::spec::{CALIB_BINS, TAIL_BINS};

/// The room settling adds a partial's sums up in, kept between settlings:
/// the rows' integers go into wide sums, which become expansions once.
#[derive(Clone, Debug, Default)]
pub(super) struct Scratch {
    /// The cells' sums.
    cells: DigitTable,
    /// The fine histogram's sums.
    hist: DigitTable,
    /// Per calibration bin: its count, confidence, correct and Brier sums.
    calib: DigitTable,
}

impl FixedRows {
    /// Adds the rows into `acc`'s exact sums (the fine histogram only if
    /// `acc` keeps one), and drops them.
    pub(crate) fn settle_into(&mut self, acc: &mut Partial) {
        if self.keys.is_empty() {
            return;
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        begin(acc, self.nt, &mut scratch);
        self.add_rows(0..self.keys.len(), acc, &mut scratch);
        end(acc, &mut scratch);
        self.scratch = scratch;
        self.clear();
    }

    /// Adds each row into its `--by` group's partial (`parts[group]`), and
    /// drops them.
    pub(crate) fn settle_into_groups(&mut self, parts: &mut [Partial]) {
        let ids: Vec<u32> = (0..parts.len() as u32).collect();
        FixedRows::settle_sets(&mut [self], &[ids], parts, false);
    }

    /// Adds the rows of every set in `sets` (made for the same pass) into
    /// `parts`, set i's group g into `parts[maps[i][g]]`, and drops them:
    /// each group's rows of all sets become expansions once. With
    /// `parallel`, groups are settled on the pool's threads (each group's
    /// sums are exact, so which thread does not matter); only from outside
    /// the pool's running jobs.
    pub(crate) fn settle_sets(
        sets: &mut [&mut FixedRows],
        maps: &[Vec<u32>],
        parts: &mut [Partial],
        parallel: bool,
    ) {
        let Some(nt) = sets.first().map(|s| s.nt) else {
            return;
        };
        // Per set, its rows in group order, and where each group's start.
        let runs: Vec<(Vec<u32>, Vec<usize>)> = (sets.iter().zip(maps))
            .map(|(set, map)| set.runs(map, parts.len()))
            .collect();
        let shared: Vec<&FixedRows> = sets.iter().map(|s| &**s).collect();
        let settle = |scratch: &mut Scratch, (g, part): (usize, &mut Partial)| {
            if runs.iter().all(|(_, at)| at[g] == at[g + 1]) {
                return;
            }
            begin(part, nt, scratch);
            for (set, (rows, at)) in shared.iter().zip(&runs) {
                let rows = rows[at[g]..at[g + 1]].iter().map(|&r| r as usize);
                set.add_rows(rows, part, scratch);
            }
            end(part, scratch);
        };
        if parallel {
            use rayon::prelude::*;
            parts
                .par_iter_mut()
                .enumerate()
                .for_each_init(Scratch::default, settle);
        } else {
            let mut scratch = Scratch::default();
            parts
                .iter_mut()
                .enumerate()
                .for_each(|x| settle(&mut scratch, x));
        }
        for set in sets {
            set.clear();
        }
    }

    /// The rows in the order of their groups (group g being `map[g]` of
    /// `groups`), and where each group's rows start in it (and, last, end).
    fn runs(&self, map: &[u32], groups: usize) -> (Vec<u32>, Vec<usize>) {
        let mut at = vec![0usize; groups + 1];
        for k in &self.keys {
            at[map[k[3] as usize] as usize + 1] += 1;
        }
        for g in 0..groups {
            at[g + 1] += at[g];
        }
        let mut fill = at.clone();
        let mut rows = vec![0u32; self.keys.len()];
        for (r, k) in self.keys.iter().enumerate() {
            let g = map[k[3] as usize] as usize;
            rows[fill[g]] = r as u32;
            fill[g] += 1;
        }
        (rows, at)
    }

    /// Adds the rows `rows` into the wide sums of `scratch` ([`begin`]
    /// shaped them for `acc`), and their values off the grid into `acc`'s
    /// exact sums.
    fn add_rows(
        &self,
        rows: impl Iterator<Item = usize>,
        acc: &mut Partial,
        scratch: &mut Scratch,
    ) {
        let nb = self.nb;
        let (w, nt, stride) = (self.w, self.nt, acc.stride);
        let tails = acc.has_tails();
        let Some(ex) = acc.exact.as_deref_mut() else {
            return;
        };
        let Scratch { cells, hist, calib } = scratch;
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
                        let j = match src {
                            Src::Conf => 1,
                            Src::Ok => 2,
                            _ => 3,
                        };
                        calib.add(cal, j, k, e);
                        if let Some(o) = off {
                            match j {
                                3 => ex.brier.add_all(o),
                                _ => ex.calib.sums[3 * cal + j].add_all(o),
                            }
                        }
                        if j == 3 {
                            // The bin's count: value 0, on a grid of 1.
                            let n = self.data[w * r] as i64 as i128 + wide.map_or(0, |x| x[0]);
                            calib.add(cal, 0, n, 0);
                            if let Some(o) = self.off.get(r).and_then(|o| o.first()) {
                                ex.calib.sums[3 * cal].add_all(o);
                            }
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
        }
    }
}

/// Makes `acc`'s exact sums if it has none (settling adds straight into
/// them: a scratch shaped like them would be allocated, and all of it
/// added, for every group), and shapes `scratch`'s wide sums for them.
fn begin(acc: &mut Partial, nt: usize, scratch: &mut Scratch) {
    let stride = acc.stride;
    let tails = acc.has_tails();
    if acc.exact.is_none() {
        acc.make_exact();
    }
    let Some(ex) = acc.exact.as_deref_mut() else {
        return;
    };
    scratch.cells.shape(ex.cells.sums.len() / stride, stride);
    scratch
        .hist
        .shape(if tails { 2 * TAIL_BINS } else { 0 }, 1 + nt);
    scratch.calib.shape(CALIB_BINS, 4);
}

/// Adds the wide sums of `scratch` into `acc`'s exact sums, as expansions,
/// and empties them.
fn end(acc: &mut Partial, scratch: &mut Scratch) {
    let stride = acc.stride;
    let Some(ex) = acc.exact.as_deref_mut() else {
        return;
    };
    scratch.cells.drain(|cell, sums| {
        for (s, x) in ex.cells.sums[cell * stride..][..stride]
            .iter_mut()
            .zip(sums)
        {
            s.add_all(x);
        }
    });
    scratch
        .hist
        .drain(|bin, sums| ex.tails.add_expansions(bin, sums));
    scratch.calib.drain(|cal, sums| {
        for (j, x) in sums[..3].iter().enumerate() {
            ex.calib.sums[3 * cal + j].add_all(x);
        }
        ex.brier.add_all(&sums[3]);
    });
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
