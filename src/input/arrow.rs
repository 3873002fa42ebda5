//! The shared path from Arrow to the engine: any reader that yields Arrow
//! record batches (Parquet, Arrow IPC, JSON Lines) hands them to a
//! [`BatchDecoder`], which turns the label, score and `--by` columns (any
//! integer, float, boolean, string, dictionary or list type) into validated
//! engine batches, with the same checks and messages for every format.

use super::arrow_check::{check, label_fails, named, BadScores};
use super::arrow_floats::{to_f64, Floats};
use super::arrow_groups::group_keys;
use super::arrow_labels::LabelFail;
use super::arrow_lists::dense_list;
pub(super) use super::arrow_lists::list_parts;
pub(crate) use super::arrow_lists::{list_width, no_list_width};
use super::decode::Decoder;
use super::detect::{ColType, Column};
use super::targets::TargetFail;
use super::{Scores, Source};
use crate::engine::kernel::Batch;
use crate::engine::UnitAcc;
use crate::model::{Loc, SkipReason};
use crate::text::quoted;
use anyhow::{anyhow, bail, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Schema};

/// Rows per decoded batch.
pub(crate) const BATCH_ROWS: usize = 64 * 1024;
/// Scores per batch at most (wide sigmoid / softmax rows get fewer rows per batch).
pub(crate) const BATCH_SCORES: usize = 1 << 20;

/// Consecutive row groups or record batches are joined into one unit until it holds this many rows.
pub const UNIT_ROWS: u64 = 512 * 1024;

/// Rows per batch for rows of `width` scores: [`BATCH_ROWS`], fewer for wide rows.
pub(crate) fn batch_rows(width: usize) -> usize {
    (BATCH_SCORES / width.max(1)).clamp(1024, BATCH_ROWS)
}

/// A schema's top-level columns.
pub(crate) fn columns(schema: &Schema) -> Vec<Column> {
    schema
        .fields()
        .iter()
        .map(|f| Column {
            name: f.name().clone(),
            ty: match f.data_type() {
                DataType::List(_)
                | DataType::LargeList(_)
                | DataType::ListView(_)
                | DataType::LargeListView(_) => ColType::List(None),
                DataType::FixedSizeList(_, n) => ColType::List(Some(*n as usize)),
                _ => ColType::Scalar,
            },
        })
        .collect()
}

/// Positions in `schema` of the columns a pass reads (label, scores, `--by`),
/// for a reader that projects.
pub(crate) fn projection(schema: &Schema, src: &Source, dec: &Decoder) -> Result<Vec<usize>> {
    let mut names = dec
        .targets
        .map_or(vec![dec.label_col.to_string()], |t| t.columns());
    match dec.scores {
        Scores::Columns(c) => names.extend(c.iter().cloned()),
        Scores::List(c) => names.push(c.clone()),
    }
    names.extend(dec.by.map(String::from));
    let at = by_name(schema);
    names
        .into_iter()
        .map(|n| {
            at.get(n.as_str())
                .copied()
                .ok_or_else(|| anyhow!("{}: has no column {}", src.display(), quoted(&n)))
        })
        .collect()
}

/// Column name → index (the first column of a name, as `Schema::index_of`),
/// found in one pass: a dump may have tens of thousands of score columns,
/// and looking each up by a scan would be quadratic.
pub(super) fn by_name(schema: &Schema) -> std::collections::HashMap<&str, usize> {
    let fields = schema.fields().iter().enumerate().rev();
    fields.map(|(i, f)| (f.name().as_str(), i)).collect()
}

/// Turns record batches into engine batches and accumulates them, reusing
/// its buffers from one record batch to the next.
pub(crate) struct BatchDecoder<'d, 'a> {
    dec: &'d Decoder<'a>,
    /// The label column, then the score columns (one list column, or one per class).
    names: Vec<String>,
    list: bool,
    batch: Batch,
}

impl<'d, 'a> BatchDecoder<'d, 'a> {
    /// A decoder of the columns `dec` names.
    pub(crate) fn new(dec: &'d Decoder<'a>) -> BatchDecoder<'d, 'a> {
        let mut names = vec![dec.label_col.to_string()];
        let list = match dec.scores {
            Scores::Columns(c) => {
                names.extend(c.iter().cloned());
                false
            }
            Scores::List(c) => {
                names.push(c.clone());
                true
            }
        };
        BatchDecoder {
            dec,
            names,
            list,
            batch: Batch::default(),
        }
    }

    /// Validates and accumulates `rb`, whose first row is row `first_row`
    /// (0-based) of `src`.
    pub(crate) fn accumulate(
        &mut self,
        rb: &RecordBatch,
        first_row: u64,
        src: &Source,
        acc: &mut UnitAcc,
    ) -> Result<()> {
        self.accumulate_at(rb, src, acc, &|i| Loc::Row(first_row + i as u64))
    }

    /// As [`Self::accumulate`], with row `i` of `rb` located at `at(i)`
    /// (a reader of text lines gives line numbers).
    pub(crate) fn accumulate_at(
        &mut self,
        rb: &RecordBatch,
        src: &Source,
        acc: &mut UnitAcc,
        at: &dyn Fn(usize) -> Loc,
    ) -> Result<()> {
        let dec = self.dec;
        // A record batch as written may be large: the engine takes it in slices.
        let step = batch_rows(dec.spec.width());
        if rb.num_rows() > step {
            for off in (0..rb.num_rows()).step_by(step) {
                let part = rb.slice(off, step.min(rb.num_rows() - off));
                self.accumulate_at(&part, src, acc, &|i| at(off + i))?;
            }
            return Ok(());
        }
        let at_name = by_name(rb.schema_ref());
        let mut cols = Vec::with_capacity(self.names.len());
        for n in &self.names {
            match at_name.get(n.as_str()) {
                Some(&i) => cols.push(rb.column(i).clone()),
                None => bail!("{}: has no column {}", src.display(), quoted(n)),
            }
        }
        decode(
            rb,
            &cols,
            &self.names,
            self.list,
            at,
            src,
            dec,
            acc,
            &mut self.batch,
        )?;
        self.sink(rb, src, acc)
    }

    /// As [`Self::accumulate`] for a record batch of the label (or target)
    /// and `--by` columns, the rows' scores written by `fill` (row-major),
    /// which says whether they all pass [`Decoder::batch_is_valid`].
    pub(crate) fn accumulate_filled(
        &mut self,
        rb: &RecordBatch,
        first_row: u64,
        src: &Source,
        acc: &mut UnitAcc,
        fill: impl FnOnce(&mut Vec<f64>) -> bool,
    ) -> Result<()> {
        let dec = self.dec;
        let label = || {
            let col = rb.column_by_name(dec.label_col);
            col.cloned().ok_or_else(|| {
                anyhow!("{}: has no column {}", src.display(), quoted(dec.label_col))
            })
        };
        self.batch.labels.clear();
        let fails = label_fails(rb, label, src, dec, &mut self.batch)?;
        let valid = fill(&mut self.batch.scores);
        self.checked(fails, valid, first_row, src, acc)?;
        self.sink(rb, src, acc)
    }

    /// As [`Self::accumulate_filled`] for rows whose labels are coded
    /// already: `codes` and, with multi-label targets, `targets` (each
    /// swapped for the decoder's previous buffer, which the caller may fill
    /// again), the invalid labels listed in `fails` in row order. Without a
    /// `--by` column: there is no record batch to split by.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn accumulate_coded(
        &mut self,
        codes: &mut Vec<i32>,
        targets: Option<&mut Vec<u8>>,
        fails: Vec<LabelFail>,
        first_row: u64,
        src: &Source,
        acc: &mut UnitAcc,
        fill: impl FnOnce(&mut Vec<f64>) -> bool,
    ) -> Result<()> {
        debug_assert!(self.dec.by.is_none());
        debug_assert_eq!(targets.is_some(), self.dec.targets.is_some());
        std::mem::swap(&mut self.batch.labels, codes);
        if let Some(t) = targets {
            std::mem::swap(&mut self.batch.targets, t);
        }
        let valid = fill(&mut self.batch.scores);
        self.checked(named(self.dec, fails), valid, first_row, src, acc)?;
        self.dec.sink(&self.batch, None, acc);
        Ok(())
    }

    /// The checks of a batch whose labels are coded and whose scores are
    /// written (`valid` if they all pass [`Decoder::batch_is_valid`]), its
    /// first row row `first_row` of `src`.
    fn checked(
        &mut self,
        fails: Vec<TargetFail>,
        valid: bool,
        first_row: u64,
        src: &Source,
        acc: &mut UnitAcc,
    ) -> Result<()> {
        let dec = self.dec;
        acc.sums.rows_read += self.batch.labels.len() as u64;
        let at = |i| Loc::Row(first_row + i as u64);
        let bad = BadScores::new();
        check(fails, &at, src, dec, acc, &mut self.batch, bad, Some(valid))
    }

    /// Adds the decoded batch to `acc`, split by the `--by` column of `rb` if any.
    fn sink(&self, rb: &RecordBatch, src: &Source, acc: &mut UnitAcc) -> Result<()> {
        let dec = self.dec;
        match dec.by {
            None => dec.sink(&self.batch, None, acc),
            Some(by) => {
                let col = rb
                    .column_by_name(by)
                    .ok_or_else(|| anyhow!("{}: has no column {}", src.display(), quoted(by)))?;
                let keys = group_keys(col, src, dec, acc)?;
                dec.sink(&self.batch, Some(&keys), acc);
            }
        }
        Ok(())
    }
}

/// Value `i` of `a` as text, for messages.
pub(super) fn shown(a: &ArrayRef, i: usize) -> String {
    arrow_cast::display::ArrayFormatter::try_new(a.as_ref(), &Default::default())
        .map(|f| f.value(i).to_string())
        .unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
fn decode(
    rb: &RecordBatch,
    cols: &[ArrayRef],
    names: &[String],
    list: bool,
    at: &dyn Fn(usize) -> Loc,
    src: &Source,
    dec: &Decoder,
    acc: &mut UnitAcc,
    batch: &mut Batch,
) -> Result<()> {
    let n = rb.num_rows();
    let w = dec.spec.width();
    acc.sums.rows_read += n as u64;
    batch.labels.clear();
    batch.scores.clear();
    // Sparse: most batches have no bad score, and a dense vector would be
    // zeroed for every batch.
    let mut bad = BadScores::new();
    if list {
        let a = &cols[1];
        if let Some(valid) = dense_list(a, w, &mut batch.scores, dec) {
            let fails = label_fails(rb, || Ok(cols[0].clone()), src, dec, batch)?;
            return check(fails, at, src, dec, acc, batch, bad, Some(valid));
        }
        batch.scores.resize(n * w, 0.0);
        let (offsets, values) = list_parts(a)?;
        let values = to_f64(&values, src, &names[1])?;
        let v = values.as_primitive::<Float64Type>();
        for i in 0..n {
            let (s, e) = offsets(i);
            if a.is_null(i) {
                bad.insert(i, (0, SkipReason::Null, "null".into()));
            } else if e - s != w {
                let shape = format!("a list of {} scores, {w} expected", e - s);
                bad.insert(i, (0, SkipReason::BadShape, shape));
            } else {
                for j in 0..w {
                    if v.is_null(s + j) {
                        bad.insert(i, (j, SkipReason::Null, "null".into()));
                        break;
                    }
                    batch.scores[i * w + j] = v.value(s + j);
                }
            }
        }
    } else {
        let mut floats = Vec::with_capacity(w);
        for (a, name) in cols[1..].iter().zip(&names[1..]) {
            floats.push(Floats::of(a, src, name)?);
        }
        if let [one] = &floats[..] {
            one.extend_into(&mut batch.scores);
        } else {
            batch.scores.resize(n * w, 0.0);
            // Row-major from columns in blocks of rows, so that the rows being
            // written stay in cache while every column is read.
            const BLOCK: usize = 256;
            for r0 in (0..n).step_by(BLOCK) {
                let r1 = n.min(r0 + BLOCK);
                for (j, v) in floats.iter().enumerate() {
                    v.scatter(r0..r1, j, w, &mut batch.scores);
                }
            }
        }
        for (j, orig) in cols[1..].iter().enumerate() {
            let v = floats[j].array();
            if v.null_count() > 0 {
                // The cast also turns unparsable text into null: tell the two apart.
                let orig_nulls = orig.logical_nulls();
                for i in (0..n).filter(|&i| v.is_null(i)) {
                    bad.entry(i).or_insert_with(|| {
                        if orig_nulls.as_ref().is_some_and(|m| m.is_null(i)) {
                            (j, SkipReason::Null, "null".into())
                        } else {
                            (j, SkipReason::Unparsable, shown(orig, i))
                        }
                    });
                }
            }
        }
    }
    let fails = label_fails(rb, || Ok(cols[0].clone()), src, dec, batch)?;
    check(fails, at, src, dec, acc, batch, bad, None)
}

#[cfg(test)]
#[path = "../../tests/it/support/sizes.rs"]
mod it_sizes;

#[cfg(test)]
#[test]
fn the_integration_tests_know_the_unit_sizes() {
    assert_eq!(it_sizes::CHUNK_BYTES, super::csv::CHUNK_BYTES);
    assert_eq!(it_sizes::UNIT_ROWS, UNIT_ROWS);
}
