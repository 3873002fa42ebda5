//! The accumulator of one unit of input while it is being read: the unit's
//! [`Partial`] plus its pending sums (fixed-point rows, and the `--by`
//! groups' rows), which [`UnitAcc::settle`] adds in when the unit ends.
//!
//! The pending sums are kept apart from the [`Partial`] so that the partial is
//! plain data: merging two of them is adding their fields, with nothing to
//! settle first.

use super::accum::Partial;
use super::by_rows::ByRows;
use super::fast_by::Held;
use super::fixed::FixedRows;
use super::plan::Ctx;
use super::spec::EngineSpec;

/// A unit's sums while its batches are added (see the module doc).
#[derive(Clone, Debug)]
pub struct UnitAcc {
    /// The unit's sums, apart from the pending ones; readers count rows
    /// read, skips and `--by` groups straight into it.
    pub sums: Partial,
    /// Sums of binary and sigmoid elements and softmax rows not yet added into `sums`.
    fixed: Option<Box<FixedRows>>,
    /// Sums of the `--by` groups' elements not yet added into their partials
    /// (perhaps carried over from earlier units, see [`UnitAcc::carry`]).
    by: Option<Box<ByRows>>,
    /// Per group of `sums`, its id in `by`.
    by_ids: Vec<u32>,
    /// The `--by` rows held back, not yet in `by`.
    pub(super) held: Option<Box<Held>>,
    /// Whether a reader may add up a unit far bigger than the others on two
    /// threads: when there are no more units than the pool has threads, so
    /// a worker has no other unit to go on to (false by default: a second
    /// accumulator costs a second settling, which many classes make dear).
    pub(crate) two_adders: bool,
}

impl UnitAcc {
    /// An empty accumulator shaped for `spec`.
    pub fn new(spec: &EngineSpec) -> UnitAcc {
        UnitAcc {
            sums: Partial::new(spec),
            fixed: None,
            by: None,
            by_ids: Vec::new(),
            held: None,
            two_adders: false,
        }
    }

    /// An empty accumulator with a `--by` breakdown (no group yet).
    pub fn grouped(spec: &EngineSpec) -> UnitAcc {
        let mut u = UnitAcc::new(spec);
        u.sums.groups = Some(Default::default());
        u
    }

    /// Takes over the `--by` groups' pending rows of an earlier unit (from
    /// [`UnitAcc::take_carry`]): this unit's groups' elements are added to
    /// them, and settle with them.
    pub(crate) fn carry(&mut self, mut by: Option<Box<ByRows>>) {
        if let Some(b) = by.as_mut() {
            self.held = b.held.take();
        }
        self.by = by;
        self.by_ids.clear();
    }

    /// The `--by` groups' pending rows, taken out: the unit's partial then
    /// settles without them.
    pub(crate) fn take_carry(&mut self) -> Option<Box<ByRows>> {
        super::fast_by::flush(self);
        let mut by = self.by.take();
        if let Some(b) = by.as_mut() {
            // Its room, empty now, goes along for the next unit.
            b.held = self.held.take();
        }
        by
    }

    /// The sums and the pending fixed-point rows of the binary and softmax
    /// paths (made on first use).
    pub(crate) fn with_fixed(&mut self, cx: &Ctx) -> (&mut Partial, &mut FixedRows) {
        let cells = self.sums.cells.len() / self.sums.stride;
        let rows = self
            .fixed
            .get_or_insert_with(|| Box::new(FixedRows::new(cx, cells)));
        (&mut self.sums, rows)
    }

    /// The `--by` groups' partials, their pending rows (made on first use)
    /// and each one's id in them.
    pub(crate) fn with_groups(&mut self, cx: &Ctx) -> (&mut [Partial], &mut ByRows, &[u32]) {
        let cells = self.sums.cells.len() / self.sums.stride;
        let by = self
            .by
            .get_or_insert_with(|| Box::new(ByRows::new(cx, cells)));
        let groups = self.sums.groups.get_or_insert_with(Default::default);
        for key in &groups.keys()[self.by_ids.len()..] {
            self.by_ids.push(by.id(key));
        }
        (&mut groups.parts, by, &self.by_ids)
    }

    /// Adds `other`, the sums of rows of this unit that another thread read
    /// beside this one (not after: the skipped rows' first locations are
    /// kept in row order). Every sum is exact, so which rows each held does
    /// not change the total.
    pub(crate) fn merge_beside(&mut self, mut other: Partial) {
        debug_assert!(self.sums.groups.is_none() && other.groups.is_none());
        let skipped = std::mem::take(&mut other.skipped);
        self.sums.merge_from(other);
        self.sums.skipped.merge_interleaved(&skipped);
    }

    /// The unit's sums with the pending ones added in: called when the unit ends.
    pub fn settle(mut self) -> Partial {
        super::fast_by::flush(&mut self);
        if let Some(mut f) = self.fixed.take() {
            f.settle_into(&mut self.sums);
        }
        if let Some(by) = self.by.take() {
            self.sums.merge(&by.finish());
        }
        self.sums
    }
}
