//! The accumulator of one unit of input while it is being read: the unit's
//! [`Partial`] plus its pending sums (fixed-point rows, or the `--by`
//! groups' rows), which [`UnitAcc::settle`] adds in when the unit ends.
//!
//! The pending sums are kept apart from the [`Partial`] so that the partial is
//! plain data: merging two of them is adding their fields, with nothing to
//! settle first.

use super::accum::Partial;
use super::fixed::FixedRows;
use super::lanes::Lanes;
use super::plan::Ctx;
use super::spec::EngineSpec;
use super::tail_table::TailTable;

/// A unit's sums while its batches are added (see the module doc).
#[derive(Clone, Debug)]
pub struct UnitAcc {
    /// The unit's sums, apart from what `lanes` still holds; readers count
    /// rows read, skips and `--by` groups straight into it.
    pub sums: Partial,
    /// Sums of the `--by` groups' binary elements not yet added into their partials.
    lanes: Option<Box<Lanes>>,
    /// The `--by` groups' fine histograms not yet added into their partials.
    pub(super) table: Option<Box<TailTable>>,
    /// Sums of binary and sigmoid elements and softmax rows not yet added into `sums`.
    fixed: Option<Box<FixedRows>>,
}

impl UnitAcc {
    /// An empty accumulator shaped for `spec`.
    pub fn new(spec: &EngineSpec) -> UnitAcc {
        UnitAcc {
            sums: Partial::new(spec),
            lanes: None,
            table: None,
            fixed: None,
        }
    }

    /// An empty accumulator with a `--by` breakdown (no group yet).
    pub fn grouped(spec: &EngineSpec) -> UnitAcc {
        let mut u = UnitAcc::new(spec);
        u.sums.groups = Some(Default::default());
        u
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

    /// The sums and the pending `--by` rows, taken out (the caller puts them
    /// back with [`UnitAcc::put_lanes`], or settles them with [`UnitAcc::flush`]).
    pub(crate) fn take_lanes(&mut self) -> (&mut Partial, Option<Box<Lanes>>) {
        (&mut self.sums, self.lanes.take())
    }

    /// Puts pending sums back (see [`UnitAcc::take_lanes`]).
    pub(crate) fn put_lanes(&mut self, lanes: Box<Lanes>) {
        self.lanes = Some(lanes);
    }

    /// Adds the pending sums into [`UnitAcc::sums`] (or its `--by` groups).
    pub(crate) fn flush(&mut self) {
        if let Some(l) = self.lanes.take() {
            l.add_into(&mut self.sums);
        }
        if let Some(mut f) = self.fixed.take() {
            f.settle_into(&mut self.sums);
        }
        self.flush_table();
    }

    /// Adds the `--by` groups' pending histogram rows into their partials.
    pub(crate) fn flush_table(&mut self) {
        if let (Some(t), Some(g)) = (self.table.take(), self.sums.groups.as_deref_mut()) {
            t.settle_into(&mut g.parts);
        }
    }

    /// The unit's sums with the pending ones added in: called when the unit ends.
    pub fn settle(mut self) -> Partial {
        self.flush();
        self.sums
    }
}
