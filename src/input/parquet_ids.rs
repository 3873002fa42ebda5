//! The direct path for multi-label targets held as lists of class ids (what
//! pyarrow writes for lists of Python ints) in a Parquet file whose scores
//! take the direct path: the list's int64 leaf is decoded by the Parquet
//! column reader a few thousand levels at a time, into a buffer that stays
//! in cache, and straight into the batch's 0/1 targets. A batch that holds
//! anything else (a null list, a null id, an id that is not a class) is read
//! by the general path from its first row, so it gets the checks and
//! messages of every other layout.

use super::super::decode::Decoder;
use super::super::targets::Targets;
use super::leaf::{Chunks, Leaf, STEP_LEVELS};
use arrow_schema::{ArrowError, DataType, Schema};
use parquet::basic::Type as PhysicalType;
use parquet::data_type::Int64Type;
use parquet::schema::types::SchemaDescriptor;

/// The id list's one leaf and the definition levels of its two dense cases.
#[derive(Clone, Copy, Debug)]
pub(super) struct Plan {
    leaf: usize,
    /// The level of an id that is present.
    value: i16,
    /// The level of an empty list (a row with no positive class).
    empty: i16,
}

/// The direct path's plan for the targets of `dec`, a list of class ids in
/// the top-level column `root` of `schema` with `leaves` leaves, the last
/// `leaf`; `None` when the Arrow reader reads them (strings, other integer
/// types, a `--by` column beside them).
pub(super) fn plan(
    schema: &Schema,
    pq: &SchemaDescriptor,
    dec: &Decoder,
    root: usize,
    (leaves, leaf): (usize, usize),
) -> Option<Plan> {
    if dec.by.is_some() || !matches!(dec.targets, Some(Targets::List(_))) || leaves != 1 {
        return None;
    }
    let int64 = match schema.field(root).data_type() {
        DataType::List(f) | DataType::LargeList(f) => f.data_type() == &DataType::Int64,
        _ => false,
    };
    let c = pq.column(leaf);
    if !int64 || c.max_rep_level() != 1 || c.physical_type() != PhysicalType::INT64 {
        return None;
    }
    // Below the present id's level: a null id when the id is optional, then
    // the empty list (the repeated level not reached), then a null list.
    let value = c.max_def_level();
    let empty = value - 1 - i16::from(c.self_type().is_optional());
    (empty >= 0).then_some(Plan { leaf, value, empty })
}

/// The id list's leaf in a run of row groups, read a batch at a time.
pub(super) struct Ids {
    plan: Plan,
    leaf: Leaf<Int64Type>,
    defs: Vec<i16>,
    reps: Vec<i16>,
    ids: Vec<i64>,
}

impl Ids {
    /// A reader of the ids of `p` in row groups `rgs`.
    pub(super) fn new(p: Plan, rgs: &[usize]) -> Ids {
        Ids {
            plan: p,
            leaf: Leaf::new(p.leaf, rgs, false),
            defs: Vec::new(),
            reps: Vec::new(),
            ids: Vec::new(),
        }
    }

    /// The 0/1 targets of the next `n` rows, `k` a row, into `out`
    /// (replacing what it held); whether the row groups had `n` more rows,
    /// each a list (maybe empty) of ids of classes `0..k` (it stops at the
    /// first step that shows otherwise).
    pub(super) fn targets(
        &mut self,
        n: usize,
        k: usize,
        at: &Chunks,
        out: &mut Vec<u8>,
    ) -> Result<bool, ArrowError> {
        out.clear();
        out.resize(n * k, 0);
        let Plan { value, empty, .. } = self.plan;
        let mut done = 0;
        while done < n {
            self.defs.clear();
            self.reps.clear();
            self.ids.clear();
            let step = (n - done).min((STEP_LEVELS / k.max(1)).max(1));
            let read = self
                .leaf
                .read(step, at, &mut self.defs, &mut self.reps, &mut self.ids)?;
            let Some(rows) = read else {
                return Ok(false);
            };
            if self.defs.len() != self.reps.len() || done + rows > n {
                return Ok(false);
            }
            // Each record starts at a repetition level of 0: one level of an
            // empty list, or one level an id.
            let (mut row, mut next) = (done, 0);
            let mut ids = self.ids.iter();
            for (&d, &r) in self.defs.iter().zip(&self.reps) {
                if r == 0 {
                    row = done + next;
                    next += 1;
                }
                let hot = match (d, r) {
                    (d, _) if d == value => match ids.next() {
                        Some(&id) if (0..k as i64).contains(&id) => row * k + id as usize,
                        _ => return Ok(false),
                    },
                    (d, 0) if d == empty => continue,
                    _ => return Ok(false),
                };
                match out.get_mut(hot) {
                    Some(t) if next > 0 => *t = 1,
                    _ => return Ok(false),
                }
            }
            if next != rows || ids.next().is_some() {
                return Ok(false);
            }
            done += rows;
        }
        Ok(true)
    }
}
