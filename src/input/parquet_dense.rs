//! The direct path for float32 scores in a Parquet file: a fixed-size list
//! column (how pyarrow writes a softmax model's logits) or flat float32
//! columns (a binary model's one score, or one a class). Each score leaf
//! column is decoded by the Parquet column reader straight into a vector of
//! floats, which is widened into the engine's batch with the validity check
//! in the same pass, while the Arrow reader decodes the other columns
//! (label, `--by`). No score array is built and nothing is copied between
//! arrays.
//!
//! The path only reads what is dense: every level of a row says "value
//! present" and every list row holds exactly K values. A batch whose levels
//! say anything else (a null row, a null score, a short list) hands the rest
//! of the unit, from that batch's first row, to the general path, so such
//! files get the checks and messages of every other layout, and the rows are
//! added in the same order either way.

use super::super::arrow::{self, batch_rows, projection, BatchDecoder};
use super::super::arrow_lists::widen_checked;
use super::super::decode::Decoder;
use super::super::{Scores, Source};
use super::pages::Prefetch;
use super::{accumulate_all, pipelined, ParquetFile};
use crate::engine::UnitAcc;
use crate::input::handle::Handle;
use anyhow::Result;
use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, DataType, Schema};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, RowSelection, RowSelector};
use parquet::arrow::ProjectionMask;
use parquet::basic::Type as PhysicalType;
use parquet::column::reader::ColumnReaderImpl;
use parquet::data_type::FloatType;
use parquet::file::metadata::ParquetMetaData;
use parquet::file::serialized_reader::SerializedPageReader;
use parquet::schema::types::SchemaDescriptor;
use std::collections::VecDeque;
use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;

/// Where the scores are: their top-level columns and, in the same order,
/// each one's only leaf, holding `k` values a row.
#[derive(Clone, Debug)]
pub(super) struct Dense {
    roots: Vec<usize>,
    leaves: Vec<usize>,
    /// Values a row in each leaf: K for a list, 1 for a flat column.
    k: usize,
    /// Whether the leaf is a list's (its rows delimited by repetition levels).
    list: bool,
}

/// The direct path's plan for `dec`'s scores in a file of `schema`, or `None`
/// when they are neither a fixed-size list of K float32 values nor float32
/// columns (the general path reads those).
pub(super) fn plan(schema: &Schema, pq: &SchemaDescriptor, dec: &Decoder) -> Option<Dense> {
    let w = dec.spec.width();
    let (cols, list) = match dec.scores {
        Scores::List(c) => (std::slice::from_ref(c), true),
        Scores::Columns(c) => (&c[..], false),
    };
    if dec.targets.is_some() || w == 0 || !(list || cols.len() == w) {
        return None;
    }
    // Each root's leaves, found in one pass: a dump may have thousands of
    // score columns.
    let mut leaf_of = vec![(0usize, 0usize); schema.fields().len()];
    for l in 0..pq.num_columns() {
        let (n, leaf) = leaf_of.get_mut(pq.get_column_root_idx(l))?;
        *n += 1;
        *leaf = l;
    }
    let at = arrow::by_name(schema);
    let mut d = Dense {
        roots: Vec::with_capacity(cols.len()),
        leaves: Vec::with_capacity(cols.len()),
        k: if list { w } else { 1 },
        list,
    };
    for col in cols {
        if dec.label_col == col || dec.by == Some(col.as_str()) {
            return None;
        }
        let root = *at.get(col.as_str())?;
        let typed = match schema.field(root).data_type() {
            DataType::FixedSizeList(f, n) => {
                list && *n as usize == w && f.data_type() == &DataType::Float32
            }
            DataType::Float32 => !list,
            _ => false,
        };
        let (1, leaf) = leaf_of[root] else {
            return None;
        };
        let c = pq.column(leaf);
        let levels = match list {
            true => c.max_rep_level() == 1 && c.max_def_level() >= 1,
            false => c.max_rep_level() == 0,
        };
        if !typed || !levels || c.physical_type() != PhysicalType::FLOAT {
            return None;
        }
        d.roots.push(root);
        d.leaves.push(leaf);
    }
    Some(d)
}

/// Reads row groups `rgs` (rows `first..`) of `f` through the direct path,
/// the decoding on a thread of its own when `big`.
#[allow(clippy::too_many_arguments)]
pub(super) fn read(
    f: &ParquetFile,
    src: &Source,
    rgs: Vec<usize>,
    first: u64,
    big: bool,
    d: Dense,
    dec: &Decoder,
    acc: &mut UnitAcc,
) -> Result<Option<u64>> {
    let builder = f.builder(src)?;
    let mut idx = projection(builder.schema(), src, dec)?;
    let mut score = vec![false; builder.schema().fields().len()];
    d.roots.iter().for_each(|&r| score[r] = true);
    idx.retain(|&i| !score[i]);
    let mask = ProjectionMask::roots(builder.parquet_schema(), idx);
    let others = builder
        .with_projection(mask)
        .with_row_groups(rgs.clone())
        .with_batch_size(batch_rows(dec.spec.width()))
        .build()?;
    // Pages are read ahead for one huge column chunk, not a thread per column.
    let ahead = big && d.leaves.len() == 1;
    let leaves = d.leaves.iter().map(|&leaf| Leaf {
        leaf,
        k: d.k,
        list: d.list,
        rgs: rgs.iter().copied().collect(),
        chunk: None,
        ahead,
        defs: Vec::new(),
        reps: Vec::new(),
    });
    let (back, spare) = channel();
    let pieces = Pieces {
        others,
        meta: f.meta.metadata().clone(),
        handle: Arc::new(src.handle()?.clone()),
        leaves: leaves.collect(),
        spare,
        done: false,
    };
    pipelined(big, pieces, |it| {
        let mut row = first;
        let mut decoder = BatchDecoder::new(dec);
        for p in it {
            let p = p.map_err(|e| src.cannot_decode(row, &e))?;
            let Piece::Rows(rb, values) = p else {
                return general(f, src, rgs, first, row, dec, acc);
            };
            decoder
                .accumulate_filled(&rb, row, src, acc, |out| widen_checked(&values, out, dec))?;
            row += rb.num_rows() as u64;
            // Once the reader is done, no buffer is wanted back.
            let _ = back.send(values);
        }
        Ok(None)
    })
}

/// The general path for the rows of row groups `rgs` (whose first row is
/// `first`) from row `from` on.
fn general(
    f: &ParquetFile,
    src: &Source,
    rgs: Vec<usize>,
    first: u64,
    from: u64,
    dec: &Decoder,
    acc: &mut UnitAcc,
) -> Result<Option<u64>> {
    let md = f.meta.metadata();
    let rows: usize = rgs
        .iter()
        .map(|&rg| md.row_group(rg).num_rows() as usize)
        .sum();
    let done = (from - first) as usize;
    let selection = RowSelection::from(vec![
        RowSelector::skip(done),
        RowSelector::select(rows - done),
    ]);
    let builder = f.builder(src)?;
    let idx = projection(builder.schema(), src, dec)?;
    let mask = ProjectionMask::roots(builder.parquet_schema(), idx);
    let reader = builder
        .with_projection(mask)
        .with_row_groups(rgs)
        .with_row_selection(selection)
        .with_batch_size(batch_rows(dec.spec.width()))
        .build()?;
    accumulate_all(reader, from, src, dec, acc)
}

/// A batch of the direct path: the other columns' rows and each score
/// leaf's values, or the sign that the general path reads from this batch on.
enum Piece {
    Rows(RecordBatch, Vec<Vec<f32>>),
    General,
}

/// The batches of a unit: the other columns from the Arrow reader, the
/// scores from their leaves.
struct Pieces {
    others: ParquetRecordBatchReader,
    meta: Arc<ParquetMetaData>,
    handle: Arc<Handle>,
    leaves: Vec<Leaf>,
    /// Buffers of values handed back once widened, to be filled again:
    /// fresh ones every batch would be zeroed and faulted in anew.
    spare: Receiver<Vec<Vec<f32>>>,
    done: bool,
}

impl Iterator for Pieces {
    type Item = Result<Piece>;

    fn next(&mut self) -> Option<Result<Piece>> {
        if self.done {
            return None;
        }
        let piece = match self.others.next()? {
            Err(e) => Err(e.into()),
            Ok(rb) => match self.values(rb.num_rows()) {
                Ok(Some(v)) => Ok(Piece::Rows(rb, v)),
                Ok(None) => Ok(Piece::General),
                Err(e) => Err(e.into()),
            },
        };
        self.done = !matches!(piece, Ok(Piece::Rows(..)));
        Some(piece)
    }
}

impl Pieces {
    /// Each leaf's values of the next `n` rows, or `None` unless every leaf
    /// holds `n` dense rows there. A damaged page is the error the Arrow
    /// reader gives for it, so that the message is the general path's.
    fn values(&mut self, n: usize) -> Result<Option<Vec<Vec<f32>>>, ArrowError> {
        let mut out = self.spare.try_recv().unwrap_or_default();
        out.resize_with(self.leaves.len(), Vec::new);
        for (leaf, v) in self.leaves.iter_mut().zip(&mut out) {
            if !leaf.values(n, &self.meta, &self.handle, v)? {
                return Ok(None);
            }
        }
        Ok(Some(out))
    }
}

/// Rows of a flat column read at a time.
const FLAT_ROWS: usize = 4096;

/// One leaf column of scores, read by a column reader per row group (opened
/// in turn), `k` values a row.
struct Leaf {
    leaf: usize,
    k: usize,
    /// Whether the leaf is a list's (its rows delimited by repetition levels).
    list: bool,
    /// The row groups whose column chunk is not opened yet.
    rgs: VecDeque<usize>,
    chunk: Option<ColumnReaderImpl<FloatType>>,
    /// Whether pages are read ahead on a thread of their own.
    ahead: bool,
    defs: Vec<i16>,
    reps: Vec<i16>,
}

impl Leaf {
    /// Reads the values of the next `n` rows into `values` (replacing its
    /// contents); whether they are `n` rows of `k` present values.
    fn values(
        &mut self,
        n: usize,
        meta: &Arc<ParquetMetaData>,
        handle: &Arc<Handle>,
        values: &mut Vec<f32>,
    ) -> Result<bool, ArrowError> {
        let want = n * self.k;
        values.clear();
        self.defs.clear();
        self.reps.clear();
        let mut need = n;
        while need > 0 {
            if self.chunk.is_none() {
                let Some(rg) = self.rgs.pop_front() else {
                    return Ok(false);
                };
                self.chunk = Some(self.open(rg, meta, handle)?);
            }
            let Some(c) = self.chunk.as_mut() else {
                return Ok(false);
            };
            // A flat column's levels are only counted (by the reader): a few
            // rows at a time keep them few, in cache while they are zeroed,
            // decoded and counted.
            let step = match self.list {
                true => need,
                false => {
                    self.defs.clear();
                    need.min(FLAT_ROWS)
                }
            };
            let (rows, _, _) =
                c.read_records(step, Some(&mut self.defs), Some(&mut self.reps), values)?;
            if rows == 0 {
                self.chunk = None;
            }
            need -= rows;
        }
        // `n` whole records, each level with its value (a level without one
        // is a null). A flat column's record is one level; a list's are
        // dense exactly when they hold `want` levels in all and each starts
        // `k` levels after the one before, i.e. at each multiple of `k`.
        let records = !self.list
            || (self.defs.len() == want
                && self.reps.len() == want
                && self.reps.iter().step_by(self.k).all(|&r| r == 0));
        Ok(values.len() == want && records)
    }

    /// A column reader of the leaf in row group `rg`.
    fn open(
        &self,
        rg: usize,
        meta: &Arc<ParquetMetaData>,
        handle: &Arc<Handle>,
    ) -> Result<ColumnReaderImpl<FloatType>, ArrowError> {
        let rgm = meta.row_group(rg);
        let col = rgm.column(self.leaf);
        let rows = rgm.num_rows() as usize;
        let pages = SerializedPageReader::new(handle.clone(), col, rows, None)?;
        let descr = meta.file_metadata().schema_descr().column(self.leaf);
        Ok(if self.ahead {
            ColumnReaderImpl::new(descr, Box::new(Prefetch::new(pages)))
        } else {
            ColumnReaderImpl::new(descr, Box::new(pages))
        })
    }
}
