//! One leaf column of a Parquet file read by the Parquet column reader across
//! a run of row groups, the column chunk of each opened in turn: the values
//! land straight in a vector of the caller's, with no Arrow array between.
//! A leaf of scores ([`ScoreLeaf`]) is read a batch of rows at a time and
//! checked to be dense as it goes.

use super::pages::Prefetch;
use crate::input::handle::Handle;
use arrow_schema::ArrowError;
use parquet::column::reader::ColumnReaderImpl;
use parquet::data_type::{DataType, FloatType};
use parquet::file::metadata::ParquetMetaData;
use parquet::file::serialized_reader::SerializedPageReader;
use std::collections::VecDeque;
use std::sync::Arc;

/// Where the column chunks are: the file's footer and its handle.
#[derive(Clone)]
pub(super) struct Chunks {
    pub(super) meta: Arc<ParquetMetaData>,
    pub(super) handle: Arc<Handle>,
}

/// Leaf `leaf` of row groups `rgs`, read in turn by a column reader of
/// physical type `T`.
pub(super) struct Leaf<T: DataType> {
    leaf: usize,
    /// The row groups whose column chunk is not opened yet.
    rgs: VecDeque<usize>,
    chunk: Option<ColumnReaderImpl<T>>,
    /// Whether pages are read ahead on a thread of their own.
    ahead: bool,
}

impl<T: DataType> Leaf<T> {
    /// A reader of leaf `leaf` in row groups `rgs`, its pages read ahead
    /// when `ahead`.
    pub(super) fn new(leaf: usize, rgs: &[usize], ahead: bool) -> Leaf<T> {
        Leaf {
            leaf,
            rgs: rgs.iter().copied().collect(),
            chunk: None,
            ahead,
        }
    }

    /// Reads up to `rows` more records, appending their levels and values to
    /// the buffers (as [`ColumnReaderImpl::read_records`]): the number read,
    /// at least one unless every row group has ended (`None`). A damaged
    /// page is the error the Arrow reader gives for it, so that the message
    /// is the general path's.
    pub(super) fn read(
        &mut self,
        rows: usize,
        at: &Chunks,
        defs: &mut Vec<i16>,
        reps: &mut Vec<i16>,
        values: &mut Vec<T::T>,
    ) -> Result<Option<usize>, ArrowError> {
        loop {
            if self.chunk.is_none() {
                let Some(rg) = self.rgs.pop_front() else {
                    return Ok(None);
                };
                self.chunk = Some(self.open(rg, at)?);
            }
            let Some(c) = self.chunk.as_mut() else {
                return Ok(None);
            };
            let (read, _, _) = c.read_records(rows, Some(defs), Some(reps), values)?;
            if read > 0 || rows == 0 {
                return Ok(Some(read));
            }
            self.chunk = None;
        }
    }

    /// A column reader of the leaf in row group `rg`.
    fn open(&self, rg: usize, at: &Chunks) -> Result<ColumnReaderImpl<T>, ArrowError> {
        let rgm = at.meta.row_group(rg);
        let col = rgm.column(self.leaf);
        let rows = rgm.num_rows() as usize;
        let pages = SerializedPageReader::new(at.handle.clone(), col, rows, None)?;
        let descr = at.meta.file_metadata().schema_descr().column(self.leaf);
        Ok(if self.ahead {
            ColumnReaderImpl::new(descr, Box::new(Prefetch::new(pages)))
        } else {
            ColumnReaderImpl::new(descr, Box::new(pages))
        })
    }
}

/// Levels read at a time (whole rows, at least one) by the direct path's
/// leaf readers: the levels stay in cache while they are zeroed, decoded and
/// checked, and so do the values while they are zeroed and decoded.
pub(super) const STEP_LEVELS: usize = 4096;

/// One leaf column of scores, `k` values a row.
pub(super) struct ScoreLeaf {
    leaf: Leaf<FloatType>,
    k: usize,
    /// Whether the leaf is a list's (its rows delimited by repetition levels).
    list: bool,
    defs: Vec<i16>,
    reps: Vec<i16>,
}

impl ScoreLeaf {
    /// A reader of leaf `leaf` in row groups `rgs` (its pages read ahead
    /// when `ahead`), `k` values a row, a list's when `list`.
    pub(super) fn new(leaf: usize, rgs: &[usize], ahead: bool, k: usize, list: bool) -> ScoreLeaf {
        ScoreLeaf {
            leaf: Leaf::new(leaf, rgs, ahead),
            k,
            list,
            defs: Vec::new(),
            reps: Vec::new(),
        }
    }

    /// Reads the values of the next `n` rows into `values` (replacing its
    /// contents); whether they are `n` rows of `k` present values (it stops
    /// at the first step that shows they are not).
    pub(super) fn values(
        &mut self,
        n: usize,
        at: &Chunks,
        values: &mut Vec<f32>,
    ) -> Result<bool, ArrowError> {
        values.clear();
        let mut need = n;
        while need > 0 {
            self.defs.clear();
            self.reps.clear();
            let before = values.len();
            let step = need.min((STEP_LEVELS / self.k).max(1));
            let read = self
                .leaf
                .read(step, at, &mut self.defs, &mut self.reps, values)?;
            let Some(rows) = read else {
                return Ok(false);
            };
            // `rows` whole records, each level with its value (a level
            // without one is a null). A flat column's record is one level; a
            // list's are dense exactly when they hold `k` levels each and
            // each starts `k` levels after the one before.
            let levels = rows * self.k;
            let records = !self.list
                || (self.defs.len() == levels
                    && self.reps.len() == levels
                    && self.reps.iter().step_by(self.k).all(|&r| r == 0));
            if values.len() - before != levels || !records {
                return Ok(false);
            }
            need -= rows;
        }
        Ok(true)
    }
}
