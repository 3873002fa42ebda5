//! The `--by` groups' pending sums of binary elements: every group's cell,
//! calibration and fine-histogram rows side by side ([`grouped`]), so that a
//! unit's elements go through one scatter whatever their group; the rows
//! settle into the groups' [`Partial`]s when the unit ends. Each sum is added
//! in element order, as if straight into the group's Partial.
//!
//! With second moments, a cell row also holds every term's squared loss and
//! gradient, each its own column, so the other sums are added as without them.
//! A row holds only what differs: the loss of a γ = 0 term is CE itself (its
//! sum is copied from ΣCE when settling, bit for bit).
//!
//! Rows are padded to multiples of 4 values. With AVX2, four consecutive
//! elements are turned from per-field vectors into per-element rows by 4×4
//! transposes and added with one vector add per 4 values; the scalar loop
//! does the same additions one value at a time.

#[cfg(target_arch = "x86_64")]
mod avx2;
mod direct;
mod grouped;
mod settle;
mod src;

pub(crate) use direct::{add_direct, Trash};
pub(crate) use grouped::MAX_VALUES;
pub(crate) use src::Src;

use super::accum::Partial;
use super::plan::{Ctx, Plan};
use super::soa::{Soa, SUB};
use super::spec::CALIB_BINS;

/// Values per calibration row: count, Σconfidence, Σcorrect, ΣBrier.
const CW: usize = 4;

/// Calibration bins per cell in joint rows (the last one is the trash bin).
const CB: usize = CALIB_BINS + 1;

/// A unit's pending sums: padded rows, a trash row per copy for elements
/// that do not count, times the copies. Or, for the `--by` groups, one copy
/// of every group's rows side by side (see [`grouped`]).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Lanes {
    /// Copies of the cell sums (1: groups are spread, so one copy has no chains to break).
    cell_copies: usize,
    /// Copies of the calibration sums (1, as for the cells).
    lane_copies: usize,
    /// The copy of the next counted element.
    next: usize,
    /// Cells in the Partial, or in each group's (the trash cell is this index).
    ncells: usize,
    /// Whether calibration sums are kept at all.
    calib_on: bool,
    /// Whether cell rows hold the calibration sums too (rows keyed by cell × bin).
    joint: bool,
    /// Values per cell in the Partial: count, Σp_t, ΣCE, loss and gradient per term
    /// (then their squares per term, with second moments).
    cw: usize,
    /// Loss terms.
    nt: usize,
    /// What each value of a cell row is, padded with zeros to a multiple of 4.
    cell_src: Vec<Src>,
    /// Terms whose loss is CE itself (γ = 0): not in the rows, copied from ΣCE.
    ce_terms: Vec<usize>,
    /// Values per copy of `cells` (trash rows included).
    cells_len: usize,
    /// `cell_copies` × (cells + trash) × `cell_src.len()`.
    cells: Vec<f64>,
    /// Values per tail bin in the Partial: count, then loss per term.
    tw: usize,
    /// What each value of a tail row is, padded with zeros to a multiple of 4.
    tail_src: Vec<Src>,
    /// Tail rows per group (trash row included; 0 when tails are off).
    tail_rows: usize,
    /// Values in `tails`.
    tails_len: usize,
    /// (bins + trash) × `tail_src.len()`: one copy.
    tails: Vec<f64>,
    /// What each value of a calibration row is.
    cal_src: [Src; CW],
    /// Calibration rows per copy: [`CB`], or [`CB`] per group.
    cal_rows: usize,
    /// `lane_copies` × `cal_rows` × [`CW`] (empty when joint or off).
    calib: Vec<f64>,
    /// Whether the rows are the `--by` groups' ([`grouped`]), not one Partial's.
    by: bool,
    /// Groups whose rows are held (1 unless `by`).
    groups: usize,
    /// Per group, the Brier sum (added in element order).
    brier: Vec<f64>,
    /// Scratch of the AVX2 scatter.
    #[cfg(target_arch = "x86_64")]
    off: Box<avx2::Offsets>,
}

impl Lanes {
    /// Empty sums (no group yet) whose rows are shaped like `acc`'s.
    fn shaped(
        cx: &Ctx,
        acc: &Partial,
        joint: bool,
        cell_copies: usize,
        lane_copies: usize,
    ) -> Lanes {
        let mut cell_src = vec![Src::One, Src::Pt, Src::Ce];
        let mut tail_src = vec![Src::One];
        let mut ce_terms = Vec::new();
        for (j, plan) in cx.plans.iter().enumerate() {
            if *plan == Plan::One {
                ce_terms.push(j);
                tail_src.push(Src::Ce);
            } else {
                cell_src.push(Src::Loss(j));
                tail_src.push(Src::Loss(j));
            }
            cell_src.push(Src::Grad(j));
        }
        if cx.spec.moments {
            for j in 0..cx.plans.len() {
                cell_src.extend([Src::LossSq(j), Src::GradSq(j)]);
            }
        }
        if joint {
            cell_src.extend([Src::Conf, Src::Ok, Src::Brier]);
        }
        cell_src.resize(cell_src.len().next_multiple_of(4), Src::Zero);
        tail_src.resize(tail_src.len().next_multiple_of(4), Src::Zero);
        let tw = 1 + cx.plans.len();
        Lanes {
            cell_copies,
            lane_copies,
            next: 0,
            ncells: acc.cells.len() / acc.stride,
            calib_on: cx.spec.calib,
            joint,
            cw: acc.stride,
            nt: cx.plans.len(),
            cell_src,
            ce_terms,
            cells_len: 0,
            cells: Vec::new(),
            tw,
            tail_src,
            tail_rows: if acc.tails.is_empty() {
                0
            } else {
                acc.tails.len() / tw + 1
            },
            tails_len: 0,
            tails: Vec::new(),
            cal_src: [Src::One, Src::Conf, Src::Ok, Src::Brier],
            cal_rows: 0,
            calib: Vec::new(),
            by: false,
            groups: 0,
            brier: Vec::new(),
            #[cfg(target_arch = "x86_64")]
            off: avx2::Offsets::new(),
        }
    }

    /// Makes room for `groups` groups' rows (zeroed), keeping the rows held.
    fn resize(&mut self, groups: usize) {
        let cell_rows = (self.ncells + 1) * self.per_cell();
        self.cells_len = groups * cell_rows * self.cell_src.len();
        self.cells.resize(self.cell_copies * self.cells_len, 0.0);
        self.tails_len = groups * self.tail_rows * self.tail_src.len();
        self.tails.resize(self.tails_len, 0.0);
        self.cal_rows = groups * CB;
        let cal = self.calib_on && !self.joint;
        self.calib.resize(
            if cal {
                self.lane_copies * self.cal_rows * CW
            } else {
                0
            },
            0.0,
        );
        self.brier.resize(groups, 0.0);
        self.groups = groups;
    }

    /// Adds the first `n` elements of a sub-batch prepared by [`super::fast`],
    /// `counted` of which count (the others point at the trash rows).
    pub(crate) fn add(&mut self, n: usize, counted: usize, s: &mut Soa) {
        #[cfg(target_arch = "x86_64")]
        if super::simd::level() >= super::simd::Level::Avx2 {
            // SAFETY: the CPU supports AVX2 (simd::level checked).
            unsafe { self.add_with_avx2(n, counted, s) };
            return;
        }
        self.add_in(n, counted, s, false);
    }

    /// [`Lanes::add`] compiled for AVX2, so that its loops over the sub-batch
    /// (copies, index checks) use it too: integer work, and the scalar adds of
    /// the last elements are the same IEEE additions in any build.
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn add_with_avx2(&mut self, n: usize, counted: usize, s: &mut Soa) {
        self.add_in(n, counted, s, true);
    }

    /// The body of [`Lanes::add`]; `avx2` says that the CPU supports AVX2
    /// (true only from [`Lanes::add_with_avx2`]).
    #[inline(always)]
    #[cfg_attr(not(target_arch = "x86_64"), allow(unused_variables))]
    fn add_in(&mut self, n: usize, counted: usize, s: &mut Soa, avx2: bool) {
        let n = n.min(SUB);
        // Each element's copy: the next ones in turn, skipping elements that do not count.
        let mask = self.lane_copies - 1;
        if counted == n {
            for (i, l) in s.lane[..n].iter_mut().enumerate() {
                *l = ((self.next + i) & mask) as u32;
            }
        } else {
            let (mut k, trash) = (self.next, self.ncells as u32);
            for (l, &c) in s.lane[..n].iter_mut().zip(&s.cell[..n]) {
                *l = (k & mask) as u32;
                k += (c != trash) as usize;
            }
        }
        self.next = (self.next + counted) & mask;
        let s = &*s;
        let mut done = 0;
        #[cfg(target_arch = "x86_64")]
        {
            // The vector scatter writes through raw pointers: it runs only when
            // every index of this sub-batch is in range. Otherwise the checked
            // scalar path below adds the elements (and panics on a bad index).
            let in_range = self.in_range(n, s);
            debug_assert!(in_range, "sub-batch index out of range");
            if in_range && avx2 {
                // SAFETY: the CPU supports AVX2 (avx2 is true only when
                // Lanes::add checked simd::level), and
                // in_range checked every lane, row, tail and calibration index
                // of the first n elements, n ≤ SUB, against the arrays' sizes.
                done = unsafe { self.add_avx2(n, s) };
            }
        }
        for i in done..n {
            self.add_one(i, s);
        }
    }

    /// Whether every index of the first `n` elements (n ≤ [`SUB`]) lies inside
    /// the arrays that [`Lanes::add_avx2`] writes without bounds checks.
    #[inline(always)]
    fn in_range(&self, n: usize, s: &Soa) -> bool {
        if n > SUB {
            return false;
        }
        // The largest index of each array, by folds that vectorise: an element's
        // row is in range when its cell and calibration bin are.
        let max = |a: &[u32]| a[..n].iter().fold(0, |m, &x| m.max(x)) as usize;
        let cell_rows = self.cells_len / self.cell_src.len();
        let tail_rows = self.tails_len / self.tail_src.len();
        let calib = self.calib_on && !self.joint;
        let cells = cell_rows / self.per_cell();
        let cal_rows = if self.joint { CB } else { self.cal_rows };
        // The vector scatter computes offsets in u32.
        let fit = [self.cells.len(), self.tails.len(), self.calib.len()]
            .iter()
            .all(|&len| len <= u32::MAX as usize);
        fit && max(&s.lane) < self.lane_copies
            && max(&s.cell) < cells
            && (!(self.joint || calib) || max(&s.cal) < cal_rows)
            && (self.tails_len == 0 || max(&s.tail) < tail_rows)
    }

    /// Cell rows per cell: [`CB`] calibration bins when joint, else 1.
    fn per_cell(&self) -> usize {
        if self.joint {
            CB
        } else {
            1
        }
    }

    /// The cell row of element `i`: its cell, or (joint) its cell × calibration bin.
    #[inline(always)]
    fn row(&self, s: &Soa, i: usize) -> usize {
        if self.joint {
            s.cell[i] as usize * CB + s.cal[i] as usize
        } else {
            s.cell[i] as usize
        }
    }

    /// Adds element `i` into its copy, one value at a time.
    fn add_one(&mut self, i: usize, s: &Soa) {
        let c = s.lane[i] as usize;
        let w = self.cell_src.len();
        let row = self.row(s, i);
        let at = (c % self.cell_copies) * self.cells_len + row * w;
        for (v, src) in self.cells[at..at + w].iter_mut().zip(&self.cell_src) {
            *v += src.array(s)[i];
        }
        if self.tails_len > 0 {
            let w = self.tail_src.len();
            let at = s.tail[i] as usize * w;
            for (v, src) in self.tails[at..at + w].iter_mut().zip(&self.tail_src) {
                *v += src.array(s)[i];
            }
        }
        if self.calib_on && !self.joint {
            let at = (c * self.cal_rows + s.cal[i] as usize) * CW;
            let cal = &mut self.calib[at..at + CW];
            for (v, src) in cal.iter_mut().zip(self.cal_src) {
                *v += src.array(s)[i];
            }
        }
    }
}
