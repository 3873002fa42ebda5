//! Parquet input: footer, projection to the needed columns, and decoding of
//! Arrow arrays (any integer, float, boolean, string, dictionary or list type)
//! into validated batches.

use super::decode::Decoder;
use super::detect::{ColType, Column};
use super::labels::LabelError;
use super::{Scores, Source, Unit};
use crate::engine::kernel::Batch;
use crate::engine::Partial;
use crate::model::SKIPPED;
use crate::model::{Loc, SkipReason};
use anyhow::{anyhow, bail, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;

/// Rows per decoded batch.
pub const BATCH_ROWS: usize = 64 * 1024;
/// Scores per batch at most (wide sigmoid / softmax rows get fewer rows per batch).
pub const BATCH_SCORES: usize = 1 << 20;

/// Rows per batch for rows of `width` scores: [`BATCH_ROWS`], fewer for wide rows.
fn batch_rows(width: usize) -> usize {
    (BATCH_SCORES / width.max(1)).clamp(1024, BATCH_ROWS)
}

/// Consecutive row groups are joined into one unit until it holds this many rows.
pub const UNIT_ROWS: u64 = 512 * 1024;

/// Reads and checks a Parquet footer (fails fast on truncated files: only the footer is read).
pub fn load_footer(shown: &str, file: std::fs::File) -> Result<ArrowReaderMetadata> {
    ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).map_err(|e| {
        anyhow!("{shown}: not a readable Parquet file ({e}); it may be truncated or still being written. Wait for the writer to finish, or re-export the file")
    })
}

fn meta(src: &Source) -> &ArrowReaderMetadata {
    src.parquet
        .as_ref()
        .expect("Parquet sources carry their footer")
}

/// The file's top-level columns.
pub fn columns(src: &Source) -> Result<Vec<Column>> {
    Ok(meta(src)
        .schema()
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
        .collect())
}

/// The number of entries in the first non-null row of a list column.
pub fn list_width(src: &Source, col: &str) -> Result<usize> {
    let m = meta(src).clone();
    let file = std::fs::File::open(&src.path)?;
    let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, m);
    let idx = builder.schema().index_of(col)?;
    let mask = ProjectionMask::roots(builder.parquet_schema(), [idx]);
    for rb in builder
        .with_projection(mask)
        .with_batch_size(1024)
        .build()?
    {
        let rb = rb?;
        let (offsets, _) = list_parts(rb.column(0))?;
        for i in 0..rb.num_rows() {
            if !rb.column(0).is_null(i) {
                return Ok(offsets(i).1 - offsets(i).0);
            }
        }
    }
    bail!(
        "{}: the list column {col:?} has no non-null rows, so the number of classes is unknown",
        src.display()
    )
}

/// Units for one file: runs of row groups of about [`UNIT_ROWS`] rows.
pub fn units(src_index: usize, src: &Source) -> Result<Vec<Unit>> {
    let md = meta(src).metadata();
    let mut out = Vec::new();
    let (mut start, mut rows, mut first_row) = (0, 0u64, 0u64);
    for rg in 0..md.num_row_groups() {
        rows += md.row_group(rg).num_rows() as u64;
        if rows >= UNIT_ROWS || rg + 1 == md.num_row_groups() {
            out.push(Unit::RowGroups {
                src: src_index,
                rgs: (start, rg + 1),
                first_row,
            });
            first_row += rows;
            start = rg + 1;
            rows = 0;
        }
    }
    Ok(out)
}

/// Reads row groups `rgs` and accumulates them into `acc`.
pub fn read_row_groups(
    src: &Source,
    rgs: (usize, usize),
    first_row: u64,
    dec: &Decoder,
    acc: &mut Partial,
) -> Result<()> {
    let file = std::fs::File::open(&src.path)
        .map_err(|e| anyhow!("{}: cannot open: {e}", src.display()))?;
    let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, meta(src).clone());
    let schema = builder.schema().clone();
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
    let mut idx = Vec::with_capacity(names.len());
    for n in &names {
        idx.push(
            schema
                .index_of(n)
                .map_err(|_| anyhow!("{}: has no column {n:?}", src.display()))?,
        );
    }
    if let Some(by) = dec.by {
        idx.push(
            schema
                .index_of(by)
                .map_err(|_| anyhow!("{}: has no column {by:?}", src.display()))?,
        );
    }
    let mask = ProjectionMask::roots(builder.parquet_schema(), idx.iter().copied());
    let reader = builder
        .with_projection(mask)
        .with_row_groups((rgs.0..rgs.1).collect())
        .with_batch_size(batch_rows(dec.spec.width()))
        .build()?;
    let mut row = first_row;
    let mut batch = Batch::default();
    for rb in reader {
        let rb = rb.map_err(|e| {
            anyhow!("{}: cannot decode the rows from row {row} (0-based) on ({e}); the file may be truncated or corrupt", src.display())
        })?;
        decode(&rb, &names, list, row, src, dec, acc, &mut batch)?;
        match dec.by {
            None => dec.sink(&batch, None, acc),
            Some(by) => {
                let keys = group_keys(rb.column_by_name(by).expect("projected"), src, dec, acc)?;
                dec.sink(&batch, Some(&keys), acc);
            }
        }
        row += rb.num_rows() as u64;
    }
    Ok(())
}

/// The `--by` group of every row (values as text; nulls are the group "(null)").
fn group_keys(a: &ArrayRef, src: &Source, dec: &Decoder, acc: &mut Partial) -> Result<Vec<usize>> {
    let text = arrow_cast::cast(a, &DataType::Utf8).map_err(|_| {
        anyhow!(
            "{}: the --by column has type {}, which has no text form; pick another column",
            src.display(),
            a.data_type()
        )
    })?;
    let v = text.as_string::<i32>();
    let mut out = Vec::with_capacity(v.len());
    let mut last: Option<(&str, usize)> = None;
    for i in 0..v.len() {
        let key = if v.is_null(i) { "(null)" } else { v.value(i) };
        // Runs of one value are common (files sorted or written per split): skip the lookup.
        let g = match last {
            Some((k, g)) if k == key => g,
            _ => dec.group_of(src, key, acc)?,
        };
        last = Some((key, g));
        out.push(g);
    }
    Ok(out)
}

/// Value `i` of `a` as text, for messages.
fn shown(a: &ArrayRef, i: usize) -> String {
    arrow_cast::display::ArrayFormatter::try_new(a.as_ref(), &Default::default())
        .map(|f| f.value(i).to_string())
        .unwrap_or_default()
}

type Offsets<'a> = Box<dyn Fn(usize) -> (usize, usize) + 'a>;

/// Offsets and values (as f64) of a list-like array.
fn list_parts(a: &ArrayRef) -> Result<(Offsets<'_>, ArrayRef)> {
    Ok(match a.data_type() {
        DataType::List(_) => {
            let l = a.as_list::<i32>();
            let o = l.value_offsets();
            (
                Box::new(move |i| (o[i] as usize, o[i + 1] as usize)),
                l.values().clone(),
            )
        }
        DataType::LargeList(_) => {
            let l = a.as_list::<i64>();
            let o = l.value_offsets();
            (
                Box::new(move |i| (o[i] as usize, o[i + 1] as usize)),
                l.values().clone(),
            )
        }
        DataType::FixedSizeList(_, n) => {
            let l = a.as_fixed_size_list();
            let n = *n as usize;
            let off = l.offset();
            (
                Box::new(move |i| ((off + i) * n, (off + i + 1) * n)),
                l.values().clone(),
            )
        }
        t => bail!("a list of scores was expected, the column has type {t}"),
    })
}

fn to_f64(a: &ArrayRef, src: &Source, col: &str) -> Result<ArrayRef> {
    arrow_cast::cast(a, &DataType::Float64)
        .map_err(|_| anyhow!("{}: column {col:?} has type {}, which is not numeric; name the score columns with --prob/--probs/--logit/--logits", src.display(), a.data_type()))
}

#[allow(clippy::too_many_arguments)]
fn decode(
    rb: &RecordBatch,
    names: &[String],
    list: bool,
    first_row: u64,
    src: &Source,
    dec: &Decoder,
    acc: &mut Partial,
    batch: &mut Batch,
) -> Result<()> {
    let n = rb.num_rows();
    let w = dec.spec.width();
    acc.rows_read += n as u64;
    batch.labels.clear();
    batch.scores.clear();
    // Row → the first score column holding a null (or a list of the wrong length) in it.
    // Sparse: most batches have none, and a dense vector would be zeroed for every batch.
    let mut bad: std::collections::BTreeMap<usize, (usize, SkipReason, String)> =
        Default::default();
    if list {
        batch.scores.resize(n * w, 0.0);
        let a = rb.column_by_name(&names[1]).expect("projected");
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
        let mut cols = Vec::with_capacity(w);
        for name in &names[1..] {
            cols.push(to_f64(
                rb.column_by_name(name).expect("projected"),
                src,
                name,
            )?);
        }
        let vals: Vec<&[f64]> = cols
            .iter()
            .map(|a| a.as_primitive::<Float64Type>().values().as_ref())
            .collect();
        if let [one] = vals[..] {
            batch.scores.extend_from_slice(one);
        } else {
            batch.scores.resize(n * w, 0.0);
            // Row-major from columns in blocks of rows, so that the rows being
            // written stay in cache while every column is read.
            const BLOCK: usize = 256;
            for r0 in (0..n).step_by(BLOCK) {
                let r1 = n.min(r0 + BLOCK);
                for (j, v) in vals.iter().enumerate() {
                    for i in r0..r1 {
                        batch.scores[i * w + j] = v[i];
                    }
                }
            }
        }
        for (j, name) in names[1..].iter().enumerate() {
            let orig = rb.column_by_name(name).expect("projected");
            let v = cols[j].as_primitive::<Float64Type>();
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
    let labels = rb.column_by_name(&names[0]).expect("projected");
    let (codes, label_fails) = label_codes(labels, src, dec)?;
    if label_fails.is_empty() && bad.is_empty() && dec.batch_is_valid(&batch.scores) {
        // The common case: nothing to report, so no row-by-row checks.
        batch.labels.extend_from_slice(&codes);
        return Ok(());
    }
    let mut fails = label_fails.into_iter().peekable();
    // Row by row, label first: the first invalid value in row order is the one reported.
    for (i, mut code) in codes.into_iter().enumerate() {
        let at = Loc::Row(first_row + i as u64);
        if let Some((_, (reason, problem, value))) = fails.next_if(|f| f.0 == i) {
            dec.invalid(src, at, dec.label_col, &value, reason, problem, acc)?;
        } else if code != SKIPPED {
            if let Some((j, reason, value)) = bad.get(&i) {
                let problem = match reason {
                    SkipReason::Null => "value is null",
                    SkipReason::Unparsable => "value is not a number",
                    _ => "list has the wrong length",
                };
                dec.invalid(src, at, &dec.score_cols[*j], value, *reason, problem, acc)?;
                code = SKIPPED;
            } else if !dec.check_row(code, &batch.scores[i * w..(i + 1) * w], src, at, acc)? {
                code = SKIPPED;
            }
        }
        batch.labels.push(code);
    }
    Ok(())
}

/// An invalid label: its row in the batch, the skip reason, the problem and the value.
type LabelFail = (usize, (SkipReason, &'static str, String));

/// Label codes for a label array of any supported type, and the invalid
/// labels ([`SKIPPED`] in the codes) in row order, for the caller to report.
fn label_codes(a: &ArrayRef, src: &Source, dec: &Decoder) -> Result<(Vec<i32>, Vec<LabelFail>)> {
    let n = a.len();
    let mut out = Vec::with_capacity(n);
    let mut fails: Vec<LabelFail> = Vec::new();
    let map = dec.labels;
    // None: a null label.
    let mut code = |i: usize, r: Option<Result<i32, LabelError>>| match r {
        Some(Ok(c)) => c,
        Some(Err(e)) => {
            fails.push((i, super::decode::label_problem(e)));
            SKIPPED
        }
        None => {
            fails.push((i, (SkipReason::Null, "label is null", "null".into())));
            SKIPPED
        }
    };
    let dt = match a.data_type() {
        DataType::Dictionary(_, v) => v.as_ref().clone(),
        t => t.clone(),
    };
    match dt {
        DataType::Boolean => {
            let a = arrow_cast::cast(a, &DataType::Boolean)?;
            let b = a.as_boolean();
            for i in 0..n {
                let r = (!b.is_null(i)).then(|| map.map_bool(b.value(i)));
                out.push(code(i, r));
            }
        }
        t if t.is_integer() => {
            let orig = a;
            let a = arrow_cast::cast(a, &DataType::Int64)?;
            let v = a.as_primitive::<Int64Type>();
            // uint64 values above i64::MAX cast to null: they are unknown labels, not nulls.
            let orig_nulls = orig.logical_nulls();
            if orig_nulls.is_none() && v.null_count() == 0 {
                if map.all_fast_int(v.values()) {
                    // Every label is its own class: one conversion loop that vectorises.
                    out.extend(v.values().iter().map(|&x| x as i32));
                    return Ok((out, fails));
                }
                for (i, &x) in v.values().iter().enumerate() {
                    out.push(match map.fast_int(x) {
                        Some(c) => c,
                        None => code(i, Some(map.map_int(x))),
                    });
                }
                return Ok((out, fails));
            }
            for i in 0..n {
                let r = if orig_nulls.as_ref().is_some_and(|m| m.is_null(i)) {
                    None
                } else if v.is_null(i) {
                    Some(Err(LabelError::Unknown(shown(orig, i))))
                } else {
                    Some(map.map_int(v.value(i)))
                };
                out.push(code(i, r));
            }
        }
        t if t.is_floating() => {
            let a = arrow_cast::cast(a, &DataType::Float64)?;
            let v = a.as_primitive::<Float64Type>();
            for i in 0..n {
                let r = (!v.is_null(i)).then(|| map.map_float(v.value(i)));
                out.push(code(i, r));
            }
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            let a = arrow_cast::cast(a, &DataType::Utf8)?;
            let v = a.as_string::<i32>();
            for i in 0..n {
                let r = (!v.is_null(i)).then(|| map.map_str(v.value(i)));
                out.push(code(i, r));
            }
        }
        t => bail!(
            "{}: label column {:?} has type {t}; flcli reads integer, float, boolean or string labels. Pick another column with --label",
            src.display(),
            dec.label_col
        ),
    }
    Ok((out, fails))
}
