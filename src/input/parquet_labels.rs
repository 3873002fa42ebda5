//! The direct path for the label column of a Parquet file whose scores take
//! the direct path: a flat int64, int32 or boolean column, required or
//! nullable, is decoded by the Parquet column reader a few thousand rows at a
//! time into a small buffer that stays in cache, and turned into class codes
//! in the same pass, each value mapped as the Arrow decoder maps a value of
//! its type, so that the codes, the invalid labels and their messages are
//! the same. Any other label column (strings, a dictionary type, a type
//! with a logical annotation), and every file read with `--by`, keep the
//! Arrow reader.

use super::super::arrow_labels::{code, LabelFail};
use super::super::decode::Decoder;
use super::super::labels::{in_classes, LabelError, LabelMap};
use super::leaf::{Chunks, Leaf};
use arrow_schema::{ArrowError, DataType, Schema};
use parquet::basic::Type as PhysicalType;
use parquet::data_type::{BoolType, DataType as ParquetType, Int32Type, Int64Type};
use parquet::schema::types::SchemaDescriptor;

/// Rows decoded at a time: their values stay in cache from being decoded
/// to being coded.
const STEP: usize = 4096;

/// The label column's one leaf and the type its values are read as.
#[derive(Clone, Copy, Debug)]
pub(super) struct Plan {
    leaf: usize,
    kind: Kind,
}

/// The physical types read directly, each as the Arrow type it is read as
/// by the Arrow reader when it has no annotation.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Int64,
    Int32,
    Boolean,
}

/// The direct path's plan for the label column of `dec`, the top-level
/// column `root` of `schema` with `leaves` leaves, the last `leaf`; `None`
/// when the Arrow reader reads it (see the module's note).
pub(super) fn plan(
    schema: &Schema,
    pq: &SchemaDescriptor,
    dec: &Decoder,
    root: usize,
    (leaves, leaf): (usize, usize),
) -> Option<Plan> {
    if dec.by.is_some() || dec.targets.is_some() || leaves != 1 {
        return None;
    }
    let c = pq.column(leaf);
    if c.max_rep_level() != 0 || c.max_def_level() > 1 {
        return None;
    }
    let kind = match (schema.field(root).data_type(), c.physical_type()) {
        (DataType::Int64, PhysicalType::INT64) => Kind::Int64,
        (DataType::Int32, PhysicalType::INT32) => Kind::Int32,
        (DataType::Boolean, PhysicalType::BOOLEAN) => Kind::Boolean,
        _ => return None,
    };
    Some(Plan { leaf, kind })
}

/// The label leaf of a run of row groups, read a batch at a time.
pub(super) struct Labels {
    values: Values,
    defs: Vec<i16>,
    /// Unused: a flat column has no repetition levels.
    reps: Vec<i16>,
}

/// The leaf's reader and the buffer of its values, by type.
enum Values {
    Int64(Leaf<Int64Type>, Vec<i64>),
    Int32(Leaf<Int32Type>, Vec<i32>),
    Boolean(Leaf<BoolType>, Vec<bool>),
}

impl Labels {
    /// A reader of the labels of `p` in row groups `rgs`.
    pub(super) fn new(p: Plan, rgs: &[usize]) -> Labels {
        let values = match p.kind {
            Kind::Int64 => Values::Int64(Leaf::new(p.leaf, rgs, false), Vec::new()),
            Kind::Int32 => Values::Int32(Leaf::new(p.leaf, rgs, false), Vec::new()),
            Kind::Boolean => Values::Boolean(Leaf::new(p.leaf, rgs, false), Vec::new()),
        };
        Labels {
            values,
            defs: Vec::new(),
            reps: Vec::new(),
        }
    }

    /// The codes of the next `n` rows into `codes` and their invalid labels
    /// ([`SKIPPED`](crate::model::SKIPPED) in the codes) into `fails` in row
    /// order, both replacing what they held; whether the row groups had `n`
    /// more rows.
    pub(super) fn codes(
        &mut self,
        n: usize,
        at: &Chunks,
        map: &LabelMap,
        codes: &mut Vec<i32>,
        fails: &mut Vec<LabelFail>,
    ) -> Result<bool, ArrowError> {
        codes.clear();
        fails.clear();
        codes.reserve(n);
        let mut out = Out { map, codes, fails };
        let levels = (&mut self.defs, &mut self.reps);
        match &mut self.values {
            Values::Int64(leaf, v) => read(leaf, v, levels, n, at, &mut out),
            Values::Int32(leaf, v) => read(leaf, v, levels, n, at, &mut out),
            Values::Boolean(leaf, v) => read(leaf, v, levels, n, at, &mut out),
        }
    }
}

/// Where codes go: the label mapping, the codes, the invalid labels.
struct Out<'o> {
    map: &'o LabelMap,
    codes: &'o mut Vec<i32>,
    fails: &'o mut Vec<LabelFail>,
}

/// Reads `n` rows of `leaf` (`STEP` at a time into `vals`) and codes them
/// into `out`; whether there were `n`.
fn read<T: ParquetType>(
    leaf: &mut Leaf<T>,
    vals: &mut Vec<T::T>,
    (defs, reps): (&mut Vec<i16>, &mut Vec<i16>),
    n: usize,
    at: &Chunks,
    out: &mut Out,
) -> Result<bool, ArrowError>
where
    T::T: Label,
{
    while out.codes.len() < n {
        vals.clear();
        defs.clear();
        reps.clear();
        let step = (n - out.codes.len()).min(STEP);
        let Some(rows) = leaf.read(step, at, defs, reps, vals)? else {
            return Ok(false);
        };
        let first = out.codes.len();
        if vals.len() == rows {
            present(vals, first, out);
            continue;
        }
        // Some are null: a flat column's level is 1 for a value, 0 for a null.
        if defs.len() != rows {
            return Ok(false);
        }
        let mut v = vals.iter();
        for (i, &d) in defs.iter().enumerate() {
            let r = match d {
                0 => None,
                _ => match v.next() {
                    Some(&x) => Some(x.map(out.map)),
                    None => return Ok(false),
                },
            };
            out.codes.push(code(out.fails, first + i, r));
        }
    }
    Ok(out.codes.len() == n)
}

/// Codes the labels `vals` of rows `first..` with no null among them.
fn present<V: Label>(vals: &[V], first: usize, out: &mut Out) {
    if let Some(k) = V::INT.then(|| out.map.fast_classes()).flatten() {
        // Every label its own class, the common case: converted and checked
        // in one loop that vectorises, undone if one is not.
        let start = out.codes.len();
        let mut all = u64::MAX;
        out.codes.extend(vals.iter().map(|&x| {
            all &= in_classes(x.int(), k);
            x.int() as i32
        }));
        if all >> 63 == 1 {
            return;
        }
        out.codes.truncate(start);
    }
    for (i, &x) in vals.iter().enumerate() {
        let c = match V::INT.then(|| out.map.fast_int(x.int())).flatten() {
            Some(c) => c,
            None => code(out.fails, first + i, Some(x.map(out.map))),
        };
        out.codes.push(c);
    }
}

/// A label value as the column reader gives it, mapped as the Arrow decoder
/// maps a value of the Arrow type it is read as.
trait Label: Copy {
    /// Whether the value is an integer (the Arrow decoder casts it to int64).
    const INT: bool;
    /// The value as an integer label, when [`Label::INT`].
    fn int(self) -> i64;
    /// The class of the label, or why it has none.
    fn map(self, map: &LabelMap) -> Result<i32, LabelError>;
}

impl Label for i64 {
    const INT: bool = true;
    fn int(self) -> i64 {
        self
    }
    fn map(self, map: &LabelMap) -> Result<i32, LabelError> {
        map.map_int(self)
    }
}

impl Label for i32 {
    const INT: bool = true;
    fn int(self) -> i64 {
        self.into()
    }
    fn map(self, map: &LabelMap) -> Result<i32, LabelError> {
        map.map_int(self.into())
    }
}

/// A boolean label is mapped one at a time, as by the Arrow decoder.
impl Label for bool {
    const INT: bool = false;
    fn int(self) -> i64 {
        self.into()
    }
    fn map(self, map: &LabelMap) -> Result<i32, LabelError> {
        map.map_bool(self)
    }
}
