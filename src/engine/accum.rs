//! The per-unit accumulator and its exact merge.

use super::exact::{ExactVec, Expansion};
use super::exact_rows::ExactRows;
pub use super::groups::{GroupKey, Groups};
use super::pairs::Pairs;
pub use super::skipped::{Skipped, SKIP_EXAMPLES};
use super::sparse::SparseTails;
use super::spec::{EngineSpec, CALIB_BINS, TAIL_BINS};

/// Groups merged together before [`Partial::fold_groups`] merges them into the whole.
const FOLD_CHUNK: usize = 32;

/// Sums over one unit of input; [`Partial::merge`] adds another unit that came after it.
///
/// The cell array is indexed by (group, bucket, easy flag); see [`Partial::cell`].
/// Each cell holds `count, Σp_t, ΣCE` then, per term, `Σ w·CE` and `Σ|∂/∂x|`
/// where `w` is the term's modulating factor (α is applied later, per group);
/// with [`EngineSpec::moments`], then per term `Σ (w·CE)²` and `Σ|∂/∂x|²`.
#[derive(Clone, Debug, PartialEq)]
pub struct Partial {
    /// Cell sums, see the type's doc.
    pub cells: Vec<f64>,
    /// Values per cell.
    pub stride: usize,
    /// Rows whose label is each class (sigmoid: positive rows).
    pub class_rows: Vec<u64>,
    /// Of those, the rows where the true class has the top score.
    pub correct: Vec<u64>,
    /// Calibration bins: count, Σconfidence, Σcorrect.
    pub calib: Vec<[f64; 3]>,
    /// Σ Brier score and the number of scored items.
    pub brier: (f64, u64),
    /// Fine histogram of p_t per polarity: per bin `count` then `Σ w·CE` per term.
    /// Empty while the histogram is held in [`Partial::sparse_tails`].
    pub tails: Vec<f64>,
    /// The histogram's bins that received elements, held apart from `tails`
    /// (the histogram is the sum of both): a unit's `--by` groups keep
    /// theirs here, as each receives few elements.
    pub(crate) sparse_tails: Option<Box<SparseTails>>,
    /// Rows seen in the input.
    pub rows_read: u64,
    /// Rows that took part.
    pub rows_used: u64,
    /// Rows whose label is the ignore index.
    pub rows_ignored: u64,
    /// Sigmoid rows whose label is the background value (multi-label: no positive).
    pub background_rows: u64,
    /// Multi-label: rows per pair of positive classes.
    pub pairs: Pairs,
    /// Rows skipped under `--skip-invalid`.
    pub skipped: Skipped,
    /// Skipped rows routed to this group under `--by` (their reasons stay in the total).
    pub group_skipped: u64,
    /// Per-group partials under `--by`, in first-seen order.
    pub groups: Option<Box<Groups>>,
    /// Exact sums of the `f64` fields of the partials merged into this one
    /// (see [`Partial::merge`]); each field's value is its exact sum plus
    /// what its `f64` field holds. `None`: the `f64` fields are the value.
    pub(crate) exact: Option<Box<ExactSums>>,
}

/// The values per bin of a fine histogram of `len` values (its bins are
/// [`TAIL_BINS`] per polarity).
pub(crate) fn tail_width(len: usize) -> usize {
    let bins = 2 * TAIL_BINS;
    if len > 0 && len.is_multiple_of(bins) {
        len / bins
    } else {
        1
    }
}

/// The exact counterparts of a [`Partial`]'s `f64` sums.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ExactSums {
    /// Of [`Partial::cells`].
    pub(crate) cells: ExactVec,
    /// Of [`Partial::tails`], held for the bins reached.
    pub(crate) tails: ExactRows,
    /// Of [`Partial::calib`], three values per bin.
    pub(crate) calib: ExactVec,
    /// Of the Brier score sum.
    pub(crate) brier: Expansion,
}

impl ExactSums {
    /// Adds the `f64` fields of `p`.
    fn add_f64(&mut self, p: &Partial) {
        self.cells.add_f64(&p.cells);
        self.tails.add_f64(&p.tails);
        if let Some(s) = &p.sparse_tails {
            s.add_exact_into(&mut self.tails);
        }
        self.calib.add_f64(p.calib.as_flattened());
        self.brier.add(p.brier.0);
    }

    fn add_exact(&mut self, o: &ExactSums) {
        self.cells.add_exact(&o.cells);
        self.tails.add_exact(&o.tails);
        self.calib.add_exact(&o.calib);
        self.brier.add_all(&o.brier);
    }
}

impl Partial {
    /// An empty accumulator shaped for `spec`.
    pub fn new(spec: &EngineSpec) -> Partial {
        Partial::shaped(spec, false)
    }

    /// An empty accumulator for a `--by` group of a unit, whose fine
    /// histogram is held sparsely.
    pub(crate) fn for_group(spec: &EngineSpec) -> Partial {
        Partial::shaped(spec, true)
    }

    fn shaped(spec: &EngineSpec, sparse: bool) -> Partial {
        let stride = 3 + 2 * spec.terms.len() * if spec.moments { 2 } else { 1 };
        let tw = 1 + spec.terms.len();
        let (tails, sparse_tails) = match (spec.tails, sparse) {
            (false, _) => (Vec::new(), None),
            (true, false) => (vec![0.0; 2 * TAIL_BINS * tw], None),
            (true, true) => (
                Vec::new(),
                Some(Box::new(SparseTails::new(2 * TAIL_BINS, tw))),
            ),
        };
        Partial {
            cells: vec![0.0; spec.groups() * spec.buckets() * 2 * stride],
            stride,
            class_rows: vec![0; spec.classes],
            correct: vec![0; spec.classes],
            calib: vec![[0.0; 3]; CALIB_BINS],
            brier: (0.0, 0),
            tails,
            sparse_tails,
            rows_read: 0,
            rows_used: 0,
            rows_ignored: 0,
            background_rows: 0,
            pairs: Pairs::default(),
            skipped: Skipped::default(),
            group_skipped: 0,
            groups: None,
            exact: None,
        }
    }

    /// Moves the `f64` sums into the exact ones (zeroing them), so that the
    /// value is in [`Partial::exact`] alone. The `--by` groups are left as they are.
    pub fn make_exact(&mut self) {
        let ex = self.exact.take().unwrap_or_else(|| self.zero_exact());
        self.make_exact_in(ex);
    }

    /// [`Partial::make_exact`] into `ex`, exact sums shaped like this
    /// partial's (whatever they already hold stays added in).
    fn make_exact_in(&mut self, mut ex: Box<ExactSums>) {
        ex.add_f64(self);
        self.exact = Some(ex);
        self.cells.fill(0.0);
        if let Some(s) = self.sparse_tails.take() {
            self.tails.resize(s.dense_len(), 0.0);
        }
        self.tails.fill(0.0);
        self.calib.fill([0.0; 3]);
        self.brier.0 = 0.0;
    }

    /// Whether every `f64` sum is zero (a `--by` group's partial of a unit
    /// holds only counts: its values are in fixed-point rows): merging it
    /// then adds nothing to the exact sums, and need not make them.
    fn f64_sums_zero(&self) -> bool {
        let zero = |v: &[f64]| v.iter().all(|&x| x == 0.0);
        zero(&self.cells)
            && zero(&self.tails)
            && self
                .sparse_tails
                .as_ref()
                .is_none_or(|s| s.rows().all(|(_, r)| zero(r)))
            && zero(self.calib.as_flattened())
            && self.brier.0 == 0.0
    }

    /// Zero exact sums shaped like this partial's `f64` fields.
    pub(crate) fn zero_exact(&self) -> Box<ExactSums> {
        let tails = match &self.sparse_tails {
            Some(s) => s.dense_len().max(self.tails.len()),
            None => self.tails.len(),
        };
        Box::new(ExactSums {
            cells: ExactVec::zeros(self.cells.len()),
            tails: ExactRows::zeros(tails, tail_width(tails)),
            calib: ExactVec::zeros(3 * self.calib.len()),
            brier: Expansion::default(),
        })
    }

    /// Sets the exact sums (the `f64` fields are zeroed).
    pub(crate) fn set_exact(
        &mut self,
        cells: ExactVec,
        tails: ExactRows,
        calib: ExactVec,
        brier: Expansion,
    ) {
        self.cells.fill(0.0);
        if let Some(s) = self.sparse_tails.take() {
            self.tails.resize(s.dense_len(), 0.0);
        }
        self.tails.fill(0.0);
        self.calib.fill([0.0; 3]);
        self.brier.0 = 0.0;
        self.exact = Some(Box::new(ExactSums {
            cells,
            tails,
            calib,
            brier,
        }));
    }

    /// Rounds every exact sum once into its `f64` field (here and in every
    /// `--by` group): what the reports read.
    pub fn round(&mut self) {
        self.spread_tails();
        if self.exact.is_some() {
            self.make_exact();
            if let Some(ex) = self.exact.take() {
                ex.cells.round_into(&mut self.cells);
                ex.tails.round_into(&mut self.tails);
                ex.calib.round_into(self.calib.as_flattened_mut());
                self.brier.0 = ex.brier.round();
            }
        }
        if let Some(g) = &mut self.groups {
            // Each group is rounded on its own: on the thread pool.
            use rayon::prelude::*;
            g.parts.par_iter_mut().for_each(Partial::round);
        }
    }

    /// Adds `off` to the file index of every skip location (for merging
    /// partials whose file lists are concatenated).
    pub fn offset_files(&mut self, off: u32) {
        for (_, locs) in &mut self.skipped.by_reason {
            for l in locs {
                l.0 += off;
            }
        }
    }

    /// Puts the `--by` groups in key order.
    pub fn sort_groups(&mut self) {
        let Some(g) = self.groups.take() else { return };
        self.groups = Some(Box::new(Groups::from_pairs(g.into_sorted())));
    }

    /// Under `--by`, makes this partial's own sums the groups merged in key
    /// order (the readers only counted rows and skips into it) and sorts the groups.
    pub fn fold_groups(&mut self, spec: &EngineSpec) {
        let Some(g) = self.groups.take() else { return };
        // Moved, not copied: with many groups their exact sums are large.
        let pairs = g.into_sorted();
        // Merged a chunk at a time on the thread pool, then the chunks in
        // order: the sums are exact, so any grouping gives the same value,
        // and chunks of a fixed size (not one per thread) give the same
        // components too, whatever the thread count.
        use rayon::prelude::*;
        let chunks: Vec<Partial> = pairs
            .par_chunks(FOLD_CHUNK)
            .map(|c| {
                let mut part = Partial::new(spec);
                for (_, p) in c {
                    part.merge(p);
                }
                part
            })
            .collect();
        let mut whole = Partial::new(spec);
        for part in &chunks {
            whole.merge(part);
        }
        let sorted = Groups::from_pairs(pairs);
        whole.rows_read = self.rows_read;
        whole.skipped = std::mem::take(&mut self.skipped);
        whole.group_skipped = 0;
        whole.groups = Some(Box::new(sorted));
        *self = whole;
    }

    /// Detaches the `--by` groups (sorted by key after [`Partial::fold_groups`]).
    pub fn split_groups(mut self) -> (Partial, Vec<(GroupKey, Partial)>) {
        let groups = match self.groups.take() {
            Some(g) => g.into_pairs(),
            None => Vec::new(),
        };
        (self, groups)
    }

    /// Offset of the cell for (group, bucket, easy).
    #[inline(always)]
    pub fn cell(&self, buckets: usize, g: usize, b: usize, easy: bool) -> usize {
        ((g * buckets + b) * 2 + easy as usize) * self.stride
    }

    /// Adds `other`, which covers input that comes after `self`'s.
    ///
    /// The `f64` sums are added exactly (into [`Partial::exact`]), so the
    /// rounded result does not depend on the order or grouping of merges:
    /// not on the thread count, nor on how the rows were split into units,
    /// files or partial results. Only the order of skip examples and of
    /// first-seen `--by` keys follows the merge order.
    pub fn merge(&mut self, other: &Partial) {
        // Once the sums are exact, the `f64` ones are zero (merging adds
        // only into the exact sums), so they are moved in on the first merge
        // alone: scanning them on every merge would cost more than adding the
        // other's. Any left there stay part of the value (see the field).
        if self.exact.is_none() && (other.exact.is_some() || !other.f64_sums_zero()) {
            self.make_exact();
        }
        if let Some(ex) = self.exact.as_deref_mut() {
            ex.add_f64(other);
            if let Some(o) = &other.exact {
                ex.add_exact(o);
            }
        }
        for (a, b) in self.class_rows.iter_mut().zip(&other.class_rows) {
            *a += b;
        }
        for (a, b) in self.correct.iter_mut().zip(&other.correct) {
            *a += b;
        }
        self.brier.1 += other.brier.1;
        self.rows_read += other.rows_read;
        self.rows_used += other.rows_used;
        self.rows_ignored += other.rows_ignored;
        self.background_rows += other.background_rows;
        self.pairs.merge(&other.pairs);
        self.skipped.merge(&other.skipped);
        self.group_skipped += other.group_skipped;
        if let Some(og) = &other.groups {
            self.groups.get_or_insert_with(Default::default).merge(og);
        }
    }

    /// [`Partial::merge`] of a partial given away: when this one has no
    /// exact sums yet, it takes the other's and adds its own `f64` ones in,
    /// rather than making zero ones and adding all of the other's (the sums
    /// are exact, so which is added into which does not change them).
    pub(crate) fn merge_from(&mut self, mut other: Partial) {
        if self.exact.is_none() {
            if let Some(ex) = other.exact.take() {
                self.make_exact_in(ex);
            }
        }
        self.merge(&other);
    }

    /// [`Partial::merge`] of a partial given away: its `--by` groups are
    /// merged through [`Groups::merge_later`] (so the total's groups may hold
    /// merges back until [`Partial::settle_groups`]).
    pub(crate) fn merge_owned(&mut self, mut other: Partial) {
        let og = other.groups.take();
        self.merge(&other);
        if let Some(og) = og {
            self.groups
                .get_or_insert_with(Default::default)
                .merge_later(*og);
        }
    }

    /// The `--by` groups, taken out, when they hold back enough merges that
    /// [`Groups::settle`] should do them now; the caller puts them back in
    /// [`Partial::groups`].
    pub(crate) fn groups_to_settle(&mut self) -> Option<Box<Groups>> {
        if self.groups.as_deref().is_some_and(Groups::should_settle) {
            self.groups.take()
        } else {
            None
        }
    }

    /// Does the `--by` merges held back by [`Partial::merge_owned`] (the
    /// groups in parallel).
    pub(crate) fn settle_groups(&mut self) {
        if let Some(g) = &mut self.groups {
            g.settle_with(true);
        }
    }

    /// Rows skipped under `--skip-invalid`.
    pub fn rows_skipped(&self) -> u64 {
        self.skipped.total() + self.group_skipped
    }
}
