//! The direct path for float32 scores in a Parquet file: a fixed-size list
//! column (how pyarrow writes a softmax model's logits) or flat float32
//! columns (a binary model's one score, or one a class). Each score leaf
//! column is decoded by the Parquet column reader straight into a vector of
//! floats, which is widened into the engine's batch with the validity check
//! in the same pass. A flat integer or boolean label column is decoded
//! straight into class codes beside them (see `parquet_labels.rs`), and
//! multi-label targets held as lists of int64 class ids straight into 0/1
//! targets (see `parquet_ids.rs`); otherwise, and for a `--by` column, the
//! Arrow reader decodes the other columns. No score array is built and
//! nothing is copied between arrays.
//!
//! The path only reads what is dense: every level of a row says "value
//! present" and every list row holds exactly K values. A batch whose levels
//! say anything else (a null row, a null score, a short list) hands the rest
//! of the unit, from that batch's first row, to the general path, so such
//! files get the checks and messages of every other layout, and the rows are
//! added in the same order either way.

use super::super::arrow::{self, batch_rows, projection, BatchDecoder};
use super::super::arrow_labels::LabelFail;
use super::super::arrow_lists::widen_checked;
use super::super::decode::Decoder;
use super::super::labels::LabelMap;
use super::super::{Scores, Source};
use super::adders::{add_all, with_rows};
use super::ids::{self, Ids};
use super::labels::{self, Labels};
use super::leaf::{Chunks, ScoreLeaf};
use super::{accumulate_all, rgs_rows, ParquetFile};
use crate::engine::UnitAcc;
use crate::model::MULTI;
use anyhow::Result;
use arrow_array::RecordBatch;
use arrow_schema::{DataType, Schema};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, RowSelection, RowSelector};
use parquet::arrow::ProjectionMask;
use parquet::basic::Type as PhysicalType;
use parquet::schema::types::SchemaDescriptor;
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
    /// The label column's, when it is read directly too.
    label: Option<labels::Plan>,
    /// The multi-label targets' list of ids, when it is read directly too.
    ids: Option<ids::Plan>,
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
    if w == 0 || !(list || cols.len() == w) {
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
        label: None,
        ids: None,
    };
    for col in cols {
        let target = dec
            .targets
            .as_ref()
            .is_some_and(|t| t.columns().contains(col));
        if dec.label_col == col || dec.by == Some(col.as_str()) || target {
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
    if let Some(&root) = at.get(dec.label_col) {
        d.label = labels::plan(schema, pq, dec, root, leaf_of[root]);
    }
    if let Some(super::super::targets::Targets::List(col)) = dec.targets {
        if let Some(&root) = at.get(col.as_str()) {
            d.ids = ids::plan(schema, pq, dec, root, leaf_of[root]);
        }
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
    let rows = rgs_rows(f, &rgs);
    let step = batch_rows(dec.spec.width());
    let others = match (d.label, d.ids) {
        (Some(p), _) => Others::Direct {
            labels: Box::new(Labels::new(p, &rgs)),
            map: dec.labels,
            left: rows,
            step,
        },
        (None, Some(p)) => Others::Ids {
            ids: Box::new(Ids::new(p, &rgs)),
            k: dec.spec.classes,
            left: rows,
            step,
        },
        (None, None) => Others::Arrow(others(f, src, &rgs, &d, dec)?),
    };
    // Pages are read ahead for one huge column chunk, not a thread per column.
    let ahead = big && d.leaves.len() == 1;
    let leaves = (d.leaves.iter()).map(|&leaf| ScoreLeaf::new(leaf, &rgs, ahead, d.k, d.list));
    let (back, spare) = channel();
    let pieces = Pieces {
        others,
        at: Chunks {
            meta: f.meta.metadata().clone(),
            handle: Arc::new(src.handle()?.clone()),
        },
        leaves: leaves.collect(),
        spare,
        done: false,
    };
    let pieces = with_rows(pieces, first, |p| match p {
        Ok(Piece::Rows(Some(rb), _)) => rb.num_rows(),
        Ok(Piece::Rows(None, b)) => b.codes.len(),
        _ => 0,
    });
    let new = || BatchDecoder::new(dec);
    add_all(big, pieces, dec.spec, acc, new, |decoder, row, p, acc| {
        let p = p.map_err(|e| src.cannot_decode(row, &e))?;
        let Piece::Rows(rb, mut b) = p else {
            general(f, src, rgs.clone(), first, row, dec, acc)?;
            return Ok(false);
        };
        let fill = |out: &mut Vec<f64>| widen_checked(&b.values, out, dec);
        match rb {
            Some(rb) => decoder.accumulate_filled(&rb, row, src, acc, fill)?,
            None => {
                let fails = std::mem::take(&mut b.fails);
                let targets = dec.targets.is_some().then_some(&mut b.targets);
                decoder.accumulate_coded(&mut b.codes, targets, fails, row, src, acc, fill)?;
            }
        }
        // Once the reader is done, no buffer is wanted back.
        let _ = back.send(b);
        Ok(true)
    })?;
    Ok(None)
}

/// The Arrow reader of the columns of row groups `rgs` that are not scores
/// read directly (label, `--by`).
fn others(
    f: &ParquetFile,
    src: &Source,
    rgs: &[usize],
    d: &Dense,
    dec: &Decoder,
) -> Result<ParquetRecordBatchReader> {
    let builder = f.builder_by(src, dec.by)?;
    let mut idx = projection(builder.schema(), src, dec)?;
    let mut score = vec![false; builder.schema().fields().len()];
    d.roots.iter().for_each(|&r| score[r] = true);
    idx.retain(|&i| !score[i]);
    let mask = ProjectionMask::roots(builder.parquet_schema(), idx);
    Ok(builder
        .with_projection(mask)
        .with_row_groups(rgs.to_vec())
        .with_batch_size(batch_rows(dec.spec.width()))
        .build()?)
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
    let rows = rgs_rows(f, &rgs);
    let done = (from - first) as usize;
    let selection = RowSelection::from(vec![
        RowSelector::skip(done),
        RowSelector::select(rows - done),
    ]);
    let builder = f.builder_by(src, dec.by)?;
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

/// A batch of the direct path: its rows of the other columns (label,
/// `--by`) when the Arrow reader reads them, else its labels' codes, and
/// each score leaf's values; or the sign that the general path reads from
/// this batch on.
enum Piece {
    Rows(Option<RecordBatch>, Buffers),
    General,
}

/// The buffers of a batch, handed back once added to be filled again: fresh
/// ones every batch would be zeroed and faulted in anew.
#[derive(Default)]
struct Buffers {
    /// Each score leaf's values.
    values: Vec<Vec<f32>>,
    /// The label codes, when the labels (or the targets) are read directly.
    codes: Vec<i32>,
    /// The 0/1 targets, when the targets are read directly.
    targets: Vec<u8>,
    /// Their invalid labels, in row order.
    fails: Vec<LabelFail>,
}

/// What reads the columns besides the scores.
enum Others<'m> {
    /// The Arrow reader, for the label and `--by` columns.
    Arrow(ParquetRecordBatchReader),
    /// The label leaf, coded with `map`, in batches of `step` rows of the
    /// `left` rows still to read: the Arrow reader's batches.
    Direct {
        labels: Box<Labels>,
        map: &'m LabelMap,
        left: usize,
        step: usize,
    },
    /// The targets' list of ids, `k` classes, batched as `Direct`.
    Ids {
        ids: Box<Ids>,
        k: usize,
        left: usize,
        step: usize,
    },
}

/// The batches of a unit: the other columns from the Arrow reader or the
/// label leaf, the scores from their leaves.
struct Pieces<'m> {
    others: Others<'m>,
    at: Chunks,
    leaves: Vec<ScoreLeaf>,
    spare: Receiver<Buffers>,
    done: bool,
}

impl Iterator for Pieces<'_> {
    type Item = Result<Piece>;

    fn next(&mut self) -> Option<Result<Piece>> {
        if self.done {
            return None;
        }
        let piece = self.piece().transpose()?;
        self.done = !matches!(piece, Ok(Piece::Rows(..)));
        Some(piece)
    }
}

impl Pieces<'_> {
    /// The next batch, or `None` after the last. It is read by the general
    /// path unless every score leaf holds its rows dense and, when read
    /// directly, the label leaf holds them all.
    fn piece(&mut self) -> Result<Option<Piece>> {
        let mut b = self.spare.try_recv().unwrap_or_default();
        let (rb, n) = match &mut self.others {
            Others::Arrow(r) => match r.next() {
                None => return Ok(None),
                Some(rb) => {
                    let rb = rb?;
                    let n = rb.num_rows();
                    (Some(rb), n)
                }
            },
            Others::Direct {
                labels,
                map,
                left,
                step,
            } => {
                let n = (*step).min(*left);
                if n == 0 {
                    return Ok(None);
                }
                *left -= n;
                if !labels.codes(n, &self.at, map, &mut b.codes, &mut b.fails)? {
                    return Ok(Some(Piece::General));
                }
                (None, n)
            }
            Others::Ids { ids, k, left, step } => {
                let n = (*step).min(*left);
                if n == 0 {
                    return Ok(None);
                }
                *left -= n;
                if !ids.targets(n, *k, &self.at, &mut b.targets)? {
                    return Ok(Some(Piece::General));
                }
                b.codes.clear();
                b.codes.resize(n, MULTI);
                b.fails.clear();
                (None, n)
            }
        };
        b.values.resize_with(self.leaves.len(), Vec::new);
        for (leaf, v) in self.leaves.iter_mut().zip(&mut b.values) {
            if !leaf.values(n, &self.at, v)? {
                return Ok(Some(Piece::General));
            }
        }
        Ok(Some(Piece::Rows(rb, b)))
    }
}
