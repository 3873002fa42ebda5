//! The direct path for a fixed-size list column of float32 scores in a
//! Parquet file (how pyarrow writes a softmax model's logits): the list's
//! one leaf column is decoded by the Parquet column reader straight into a
//! vector of floats, which is widened into the engine's batch with the
//! validity check in the same pass, while the Arrow reader decodes the other
//! columns (label, `--by`). No list array is built and nothing is copied
//! between arrays.
//!
//! The path only reads what a dense list is: every level of a row says
//! "value present" and every row holds exactly K values. A batch whose levels
//! say anything else (a null row, a null score, a short list) hands the rest
//! of the unit, from that batch's first row, to the general path, so such
//! files get the checks and messages of every other layout, and the rows are
//! added in the same order either way.

use super::super::arrow::{batch_rows, projection, BatchDecoder};
use super::super::arrow_lists::widen_checked;
use super::super::decode::Decoder;
use super::super::{Scores, Source};
use super::pages::Prefetch;
use super::{accumulate_all, pipelined, ParquetFile};
use crate::engine::UnitAcc;
use crate::input::handle::Handle;
use anyhow::Result;
use arrow_array::RecordBatch;
use arrow_schema::{DataType, Schema};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, RowSelection, RowSelector};
use parquet::arrow::ProjectionMask;
use parquet::basic::Type as PhysicalType;
use parquet::column::reader::ColumnReaderImpl;
use parquet::data_type::FloatType;
use parquet::file::metadata::ParquetMetaData;
use parquet::file::serialized_reader::SerializedPageReader;
use parquet::schema::types::SchemaDescriptor;
use std::collections::VecDeque;
use std::sync::Arc;

/// Where the list column of scores is: its top-level index and its one leaf.
#[derive(Clone, Copy, Debug)]
pub(super) struct Dense {
    root: usize,
    leaf: usize,
    k: usize,
}

/// The direct path's plan for `dec`'s scores in a file of `schema`, or `None`
/// when they are not a fixed-size list of K float32 values (the general path
/// reads those).
pub(super) fn plan(schema: &Schema, pq: &SchemaDescriptor, dec: &Decoder) -> Option<Dense> {
    let Scores::List(col) = dec.scores else {
        return None;
    };
    if dec.targets.is_some() || dec.label_col == col || dec.by == Some(col.as_str()) {
        return None;
    }
    let root = schema.index_of(col).ok()?;
    let DataType::FixedSizeList(f, n) = schema.field(root).data_type() else {
        return None;
    };
    let k = dec.spec.width();
    if k == 0 || *n as usize != k || f.data_type() != &DataType::Float32 {
        return None;
    }
    let mut leaves = (0..pq.num_columns()).filter(|&l| pq.get_column_root_idx(l) == root);
    let leaf = leaves.next()?;
    if leaves.next().is_some() {
        return None;
    }
    let d = pq.column(leaf);
    let float = d.physical_type() == PhysicalType::FLOAT;
    (float && d.max_rep_level() == 1 && d.max_def_level() >= 1).then_some(Dense { root, leaf, k })
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
    idx.retain(|&i| i != d.root);
    let mask = ProjectionMask::roots(builder.parquet_schema(), idx);
    let others = builder
        .with_projection(mask)
        .with_row_groups(rgs.clone())
        .with_batch_size(batch_rows(d.k))
        .build()?;
    let pieces = Pieces {
        others,
        meta: f.meta.metadata().clone(),
        handle: Arc::new(src.handle()?.clone()),
        leaf: d.leaf,
        rgs: rgs.iter().copied().collect(),
        chunk: None,
        ahead: big,
        k: d.k,
        defs: Vec::new(),
        reps: Vec::new(),
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

/// A batch of the direct path: the other columns' rows and the list's
/// values, or the sign that the general path reads from this batch on.
enum Piece {
    Rows(RecordBatch, Vec<f32>),
    General,
}

/// The batches of a unit: the other columns from the Arrow reader, the list's
/// values from a column reader per row group (opened in turn), `k` values per row.
struct Pieces {
    others: ParquetRecordBatchReader,
    meta: Arc<ParquetMetaData>,
    handle: Arc<Handle>,
    leaf: usize,
    /// The row groups whose column chunk is not opened yet.
    rgs: VecDeque<usize>,
    chunk: Option<ColumnReaderImpl<FloatType>>,
    /// Whether pages are read ahead on a thread of their own.
    ahead: bool,
    k: usize,
    defs: Vec<i16>,
    reps: Vec<i16>,
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
            Ok(rb) => self.values(rb.num_rows()).map(|v| match v {
                Some(v) => Piece::Rows(rb, v),
                None => Piece::General,
            }),
        };
        self.done = !matches!(piece, Ok(Piece::Rows(..)));
        Some(piece)
    }
}

impl Pieces {
    /// The values of the next `n` rows, or `None` unless they are `n` lists
    /// of `k` present values.
    fn values(&mut self, n: usize) -> Result<Option<Vec<f32>>> {
        let want = n * self.k;
        let mut values = Vec::with_capacity(want);
        self.defs.clear();
        self.reps.clear();
        let mut need = n;
        while need > 0 {
            if self.chunk.is_none() {
                let Some(rg) = self.rgs.pop_front() else {
                    return Ok(None);
                };
                self.chunk = Some(self.open(rg)?);
            }
            let Some(c) = self.chunk.as_mut() else {
                return Ok(None);
            };
            let (rows, _, _) = c.read_records(
                need,
                Some(&mut self.defs),
                Some(&mut self.reps),
                &mut values,
            )?;
            if rows == 0 {
                self.chunk = None;
            }
            need -= rows;
        }
        // `n` whole records of `want` levels in all, each level with its value
        // (a level without one is a null): dense exactly when every record
        // starts `k` levels after the one before, i.e. at each multiple of `k`.
        let dense = values.len() == want
            && self.defs.len() == want
            && self.reps.len() == want
            && self.reps.iter().step_by(self.k).all(|&r| r == 0);
        Ok(dense.then_some(values))
    }

    /// A column reader of the list's leaf in row group `rg`.
    fn open(&self, rg: usize) -> Result<ColumnReaderImpl<FloatType>> {
        let rgm = self.meta.row_group(rg);
        let col = rgm.column(self.leaf);
        let rows = rgm.num_rows() as usize;
        let pages = SerializedPageReader::new(self.handle.clone(), col, rows, None)?;
        let descr = self.meta.file_metadata().schema_descr().column(self.leaf);
        Ok(if self.ahead {
            ColumnReaderImpl::new(descr, Box::new(Prefetch::new(pages)))
        } else {
            ColumnReaderImpl::new(descr, Box::new(pages))
        })
    }
}
