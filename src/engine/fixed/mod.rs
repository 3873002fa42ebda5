//! Fixed-point rows: the sums of binary and sigmoid elements and of softmax
//! rows held as integers, so that a unit's sums do not depend on how its rows
//! were split.
//!
//! Every counted element (a softmax row is one: its true class's) is keyed by
//! its cell, its calibration bin and its
//! fine bin: which of p_t and 1 - p_t is the smaller, that one's exponent and
//! its top three mantissa bits. Within a fine bin every value an element adds
//! (p_t, CE, each term's loss and gradient, …) lies below a bound known from
//! the bin's edges ([`bounds`]), so it is put on a grid of 2^-52 of a power
//! of two C above that bound by one `f64` addition: `v + C` has C's
//! exponent, and its bits minus C's are `round(v / ulp(C))`. Those integers
//! are added into the row's `i64` sums, which move into `i128` before they can
//! overflow. Integer addition is associative, so a unit's rows hold the same
//! sums whatever batches, units, files or partial results its elements came
//! in; when the unit ends each row becomes exact expansions ([`settle`]),
//! which merge exactly.
//!
//! A value off its row's grid (a bound missed by rounding, a bin whose values
//! span too much, p_t or 1 - p_t zero or subnormal) is added exactly, into an
//! expansion of its row, instead.

#[cfg(target_arch = "x86_64")]
mod avx2;
mod bounds;
mod digits;
mod index;
mod overflow;
mod settle;
mod src;

use super::exact::Expansion;
use super::plan::{Ctx, Plan};
use super::simd::prefetch;
use super::soa::Trash;
use super::soa::{Soa, SUB};
use super::spec::CALIB_BINS;
use crate::model::Mode;
use index::Index;
use src::Src;

/// Fine bins per side (p_t the smaller, or 1 - p_t): 8 per binary exponent.
const SIDE: usize = 1 << 13;
/// Fine bins of both sides.
const FINE: usize = 2 * SIDE;
/// The most elements a row's `i64` sums may hold: each adds less than 2^52,
/// so 2047 of them stay below 2^63.
const FULL: i64 = 2047;
/// Elements added between two sweeps that widen the rows near [`FULL`] (at
/// most this plus a sub-batch).
const SWEEP: usize = 1024;
/// Rows past which the caller settles them early ([`FixedRows::full`]), so
/// that their memory stays bounded whatever the input (settling is exact,
/// so when it happens does not change the sums).
const MAX_ROWS: usize = 1 << 15;
/// Marks an element with no row (one that does not count).
const NONE: u32 = u32::MAX;

/// The fixed-point rows of one unit (see the module doc).
#[derive(Clone, Debug)]
pub(crate) struct FixedRows {
    /// Values per row (a multiple of 4).
    w: usize,
    /// What each value of a row is.
    srcs: Vec<Src>,
    /// Terms whose loss is CE itself (γ = 0): their sums are ΣCE's.
    ce_terms: Vec<usize>,
    /// Loss terms.
    nt: usize,
    /// Difficulty buckets per polarity.
    nb: usize,
    /// Calibration bins per cell in the keys (1 without calibration).
    cb: usize,
    /// The row of each (group, cell, calibration bin, fine bin) reached.
    index: Index,
    /// Index positions per group: cells × calibration bins × fine bins.
    space: usize,
    /// Whether the rows are keyed by `--by` group too ([`FixedRows::for_groups`]).
    grouped: bool,
    /// The group the elements being added belong to ([`FixedRows::set_group`]).
    group: u32,
    /// Per row, its key: cell, calibration bin, fine bin, group.
    keys: Vec<[u32; 4]>,
    /// Per row, `w` sums of integers.
    data: Vec<u64>,
    /// Per fine bin, where its `w` constants C start in `consts` ([`NONE`]
    /// until an element reaches the bin): rows of one fine bin share them.
    grid_of: Vec<u32>,
    /// The constants C (as `f64` bits) of the fine bins reached.
    consts: Vec<u64>,
    /// Elements added since the last sweep ([`FixedRows::sweep`]).
    since: usize,
    /// The rows of those elements ([`NONE`] for those that do not count):
    /// only their sums grew, so only they need a look.
    touched: Vec<u32>,
    /// Per row, where its `w` sums moved out of `data` are in `wide`
    /// ([`NONE`] until it is widened: most rows never are).
    wide_of: Vec<u32>,
    /// The sums moved out of `data`, `w` per widened row.
    wide: Vec<i128>,
    /// Per row, the values that were off its grid, added exactly (empty
    /// until the first such value).
    off: Vec<Vec<Expansion>>,
    /// The loss plans, for the bounds.
    plans: Vec<Plan>,
    /// Brier terms are at most this times (1 - p_t)²: 1 for binary
    /// elements, 2 for softmax rows (whose other classes add theirs).
    brier_factor: f64,
    /// Per group of cells (class, or class and polarity), its polarity in
    /// the fine histogram.
    polarity: Vec<usize>,
    /// Scratch: each element's fine bin.
    fine: Box<[u32; SUB]>,
    /// Scratch: each element's row ([`NONE`] for elements that do not count).
    rows: Box<[u32; SUB]>,
    /// Scratch: where each counted element's constants start in `consts`.
    grid: Box<[u32; SUB]>,
    /// Scratch of settling.
    scratch: settle::Scratch,
}

impl FixedRows {
    /// No rows yet, keyed for `cells` cells (the trash cell excluded).
    pub(crate) fn new(cx: &Ctx, cells: usize) -> FixedRows {
        FixedRows::shaped(cx, cells, false)
    }

    /// No rows yet, keyed for `cells` cells (the trash cell excluded) in
    /// each of any number of `--by` groups: each group's rows have a hashed
    /// index of their own.
    pub(crate) fn for_groups(cx: &Ctx, cells: usize) -> FixedRows {
        FixedRows::shaped(cx, cells, true)
    }

    fn shaped(cx: &Ctx, cells: usize, grouped: bool) -> FixedRows {
        let mut srcs = vec![Src::One, Src::Pt, Src::Ce];
        let mut ce_terms = Vec::new();
        for (j, plan) in cx.plans.iter().enumerate() {
            if *plan == Plan::One {
                ce_terms.push(j);
            } else {
                srcs.push(Src::Loss(j));
            }
            srcs.push(Src::Grad(j));
        }
        if cx.spec.moments {
            for j in 0..cx.plans.len() {
                srcs.extend([Src::LossSq(j), Src::GradSq(j)]);
            }
        }
        if cx.spec.calib {
            srcs.extend([Src::Conf, Src::Ok, Src::Brier]);
        }
        srcs.resize(srcs.len().next_multiple_of(4), Src::Zero);
        debug_assert_eq!(srcs[0], Src::One, "the sweep reads the count first");
        let cb = if cx.spec.calib { CALIB_BINS } else { 1 };
        let groups = cells / (2 * cx.nb);
        let space = cells.saturating_mul(cb).saturating_mul(FINE);
        FixedRows {
            w: srcs.len(),
            srcs,
            ce_terms,
            nt: cx.plans.len(),
            nb: cx.nb,
            cb,
            index: if grouped {
                Index::hashed()
            } else {
                Index::new(space)
            },
            space,
            grouped,
            group: 0,
            keys: Vec::new(),
            data: Vec::new(),
            grid_of: vec![NONE; FINE],
            consts: Vec::new(),
            since: 0,
            touched: Vec::with_capacity(SWEEP + SUB),
            wide_of: Vec::new(),
            wide: Vec::new(),
            off: Vec::new(),
            plans: cx.plans.clone(),
            brier_factor: if cx.spec.mode == Mode::Softmax {
                2.0
            } else {
                1.0
            },
            polarity: (0..groups)
                .map(|g| cx.spec.group_class(g).1 as usize)
                .collect(),
            fine: Box::new([0; SUB]),
            rows: Box::new([NONE; SUB]),
            grid: Box::new([0; SUB]),
            scratch: Default::default(),
        }
    }

    /// The `--by` group of the elements added from here on (rows made
    /// by [`FixedRows::for_groups`] only).
    pub(crate) fn set_group(&mut self, group: u32) {
        debug_assert!(self.grouped, "a group of ungrouped rows");
        self.group = group;
    }

    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// Each element's row in `rows` (made if it has none; [`NONE`] for
    /// elements in the trash cell), from its fine bin in `fine`.
    #[inline(always)]
    fn find_rows(&mut self, n: usize, s: &Soa, trash: u32) {
        let calib = (self.cb > 1) as u32;
        let base = self.group as usize * self.space;
        if self.grouped {
            // Many groups' rows do not stay in cache: ask for every element's
            // index slot first, so that the misses overlap.
            for i in 0..n {
                let (cell, cal, fine) = (s.cell[i], s.cal[i] * calib, self.fine[i]);
                let at = base + (cell as usize * self.cb + cal as usize) * FINE + fine as usize;
                self.index.prefetch(self.group, at);
            }
        }
        for i in 0..n {
            let (cell, cal, fine) = (s.cell[i], s.cal[i] * calib, self.fine[i]);
            self.rows[i] = if cell == trash {
                NONE
            } else {
                let at = base + (cell as usize * self.cb + cal as usize) * FINE + fine as usize;
                self.grid[i] = match self.grid_of[fine as usize] {
                    NONE => self.make_grid(fine as usize),
                    c => c,
                };
                match self.index.get(self.group, at) {
                    Some(r) => r,
                    None => self.make_row(at, [cell, cal, fine, self.group]) as u32,
                }
            };
        }
        if self.grouped {
            // And for their rows, before the adds.
            for &r in &self.rows[..n] {
                let at = self.w * r as usize;
                prefetch(&self.data, at);
                prefetch(&self.data, at + self.w - 1);
            }
        }
    }

    /// A new zero row for `key`, at `index[at]`.
    #[cold]
    fn make_row(&mut self, at: usize, key: [u32; 4]) -> usize {
        let r = self.keys.len();
        self.index.insert(key[3], at, r as u32);
        self.keys.push(key);
        self.data.extend(std::iter::repeat_n(0, self.w));
        self.wide_of.push(NONE);
        self.off.push(Vec::new());
        r
    }

    /// The constants of fine bin `fine`, computed: where they start in `consts`.
    #[cold]
    fn make_grid(&mut self, fine: usize) -> u32 {
        let at = self.consts.len() as u32;
        let consts = bounds::consts(&self.srcs, &self.plans, fine, self.brier_factor);
        self.consts.extend(consts.iter().map(|c| c.to_bits()));
        self.grid_of[fine] = at;
        at
    }

    /// Each element's fine bin, from the exponent and top mantissa bits of
    /// the smaller of p_t and 1 - p_t (integer work that vectorises).
    #[inline(always)]
    fn fine_bins(&mut self, n: usize, s: &Soa) {
        for i in 0..n {
            let (pt, q) = (s.pt[i], s.q[i]);
            let low = pt <= q;
            let x = if low { pt } else { q };
            let key = ((x.to_bits() >> 49) as u32).min(SIDE as u32 - 1);
            self.fine[i] = key + (!low as u32) * SIDE as u32;
        }
    }

    /// Adds the first `n` elements of a prepared sub-batch (elements in the
    /// trash cell do not count and are left out).
    pub(crate) fn add(&mut self, n: usize, s: &Soa, trash: &Trash) {
        let n = n.min(SUB);
        #[cfg(target_arch = "x86_64")]
        if super::simd::level() >= super::simd::Level::Avx2 {
            // SAFETY: the CPU supports AVX2 (simd::level checked) and n ≤ SUB.
            unsafe { self.add_avx2(n, s, trash.cell) };
        } else {
            self.add_scalar(n, s, trash.cell);
        }
        #[cfg(not(target_arch = "x86_64"))]
        self.add_scalar(n, s, trash.cell);
        self.touched.extend_from_slice(&self.rows[..n]);
        self.since += n;
        if self.since >= SWEEP {
            self.sweep();
        }
    }

    /// [`FixedRows::add`] one value at a time.
    #[inline(always)]
    fn add_scalar(&mut self, n: usize, s: &Soa, trash: u32) {
        self.fine_bins(n, s);
        self.find_rows(n, s, trash);
        for i in 0..n {
            if self.rows[i] != NONE {
                self.add_one(i, s);
            }
        }
    }

    /// Adds element `i`, one value at a time.
    #[inline(always)]
    fn add_one(&mut self, i: usize, s: &Soa) {
        let (r, c0) = (self.rows[i] as usize, self.grid[i] as usize);
        let w = self.w;
        let mut bad = 0u64;
        let consts = &self.consts[c0..][..w];
        let sums = &mut self.data[w * r..][..w];
        for ((src, &c), sum) in self.srcs.iter().zip(consts.iter()).zip(sums) {
            let k = (src.array(s)[i] + f64::from_bits(c))
                .to_bits()
                .wrapping_sub(c);
            bad |= k;
            *sum = sum.wrapping_add(k);
        }
        // A value off the grid has an integer of 2^52 or more.
        if bad >> 52 != 0 {
            self.off_grid(r, i, s);
        }
    }
}

impl FixedRows {
    /// Whether the rows are many enough that the caller should settle them
    /// now ([`FixedRows::settle_into`] empties them). Never for `--by`
    /// groups' rows, whose owner settles them into every group at once.
    pub(crate) fn full(&self) -> bool {
        !self.grouped && self.keys.len() >= MAX_ROWS
    }

    /// The index positions of the rows.
    fn positions(&self) -> impl Iterator<Item = usize> + '_ {
        let (cb, space) = (self.cb, self.space);
        self.keys.iter().map(move |&[cell, cal, fine, group]| {
            group as usize * space + (cell as usize * cb + cal as usize) * FINE + fine as usize
        })
    }

    /// Drops every row (after they were settled).
    fn clear(&mut self) {
        let used: Vec<usize> = self.positions().collect();
        self.index.clear(used.into_iter());
        self.keys.clear();
        self.touched.clear();
        self.data.clear();
        self.wide_of.clear();
        self.wide.clear();
        self.off.clear();
    }
}

impl Drop for FixedRows {
    /// Gives a dense row index back to the pool, all zero again.
    fn drop(&mut self) {
        let used: Vec<usize> = self.positions().collect();
        let index = std::mem::replace(&mut self.index, Index::Dense(Vec::new()));
        index.recycle(used.into_iter());
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
