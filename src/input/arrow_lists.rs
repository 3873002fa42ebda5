//! List columns of scores: the width of a list column, the offsets and values
//! of any list type, and the direct path for dense fixed-size lists of floats
//! (its widening also serves float32 columns decoded straight from Parquet).

use super::decode::Decoder;
use super::Source;
use crate::model::{Mode, ScoreKind};
use anyhow::{anyhow, bail, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;

/// The number of entries in the first non-null row of the list column `col`
/// of `batches`, or `None` if it has no non-null row.
pub(crate) fn list_width(
    batches: impl Iterator<Item = Result<RecordBatch>>,
    col: &str,
) -> Result<Option<usize>> {
    for rb in batches {
        let rb = rb?;
        let a = rb
            .column_by_name(col)
            .ok_or_else(|| anyhow!("no column {}", crate::text::quoted(col)))?;
        let (offsets, _) = list_parts(a)?;
        for i in 0..rb.num_rows() {
            if !a.is_null(i) {
                return Ok(Some(offsets(i).1 - offsets(i).0));
            }
        }
    }
    Ok(None)
}

/// The error for a list column with no non-null row.
pub(crate) fn no_list_width(src: &Source, col: &str) -> anyhow::Error {
    anyhow!(
        "{}: the list column {} has no non-null rows, so the number of classes is unknown",
        src.display(),
        crate::text::quoted(col)
    )
}

/// Row `i` → its start and end in the values of a list array.
pub(super) type Offsets<'a> = Box<dyn Fn(usize) -> (usize, usize) + 'a>;

/// Offsets and values (as f64) of a list-like array.
pub(super) fn list_parts(a: &ArrayRef) -> Result<(Offsets<'_>, ArrayRef)> {
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

/// A fixed-size list column of `w` float32 or float64 scores with no null
/// row and no null score, widened straight into `out` (row-major, as the
/// list stores them): no intermediate array. `Some(valid)`, `valid` saying
/// whether every score passes [`Decoder::batch_is_valid`]; `None` (and `out`
/// untouched) for anything else, which takes the general path.
pub(super) fn dense_list(
    a: &ArrayRef,
    w: usize,
    out: &mut Vec<f64>,
    dec: &Decoder,
) -> Option<bool> {
    let DataType::FixedSizeList(_, n) = a.data_type() else {
        return None;
    };
    if *n as usize != w || a.logical_null_count() > 0 {
        return None;
    }
    // The values of a (sliced) fixed-size list start at its first row.
    let values = a.as_fixed_size_list().values();
    let len = a.len() * w;
    if values.len() < len || values.null_count() > 0 {
        return None;
    }
    match values.data_type() {
        DataType::Float32 => Some(widen_checked(
            &[&values.as_primitive::<Float32Type>().values()[..len]],
            out,
            dec,
        )),
        DataType::Float64 => {
            out.clear();
            out.extend_from_slice(&values.as_primitive::<Float64Type>().values()[..len]);
            Some(dec.batch_is_valid(out))
        }
        _ => None,
    }
}

/// The columns `cols` (of one length) widened into `out` (replacing its
/// contents, row-major: row `i` holds value `i` of each column in turn), and
/// whether every value passes [`Decoder::batch_is_valid`], found in the same
/// pass (widening is exact, so a float32 is finite or in [0, 1] exactly when
/// its f64 is). One column is copied straight through: a list's values are
/// already row-major.
pub(super) fn widen_checked<C: AsRef<[f32]>>(
    cols: &[C],
    out: &mut Vec<f64>,
    dec: &Decoder,
) -> bool {
    let len = cols.iter().map(|c| c.as_ref().len()).sum();
    // Reused from batch to batch at the same length: no zero-fill then.
    out.truncate(len);
    out.resize(len, 0.0);
    match (dec.spec.kind, dec.spec.mode) {
        (ScoreKind::Logits, _) => widen_with(cols, out, f32::is_finite),
        (ScoreKind::Probabilities, Mode::Softmax) => {
            widen_with(cols, out, |_| true);
            false
        }
        (ScoreKind::Probabilities, _) => widen_with(cols, out, |x| (0.0..=1.0).contains(&x)),
    }
}

/// Widens `cols` into the row-major `out` (of their total length); whether
/// `ok` holds for every value.
#[inline(always)]
fn widen_with<C: AsRef<[f32]>>(cols: &[C], out: &mut [f64], ok: impl Fn(f32) -> bool) -> bool {
    let mut all = true;
    if let [v] = cols {
        // In blocks, each a branch-free loop the compiler vectorises.
        const BLOCK: usize = 64;
        for (o, c) in out.chunks_mut(BLOCK).zip(v.as_ref().chunks(BLOCK)) {
            let mut good = true;
            for (o, &x) in o.iter_mut().zip(c) {
                good &= ok(x);
                *o = f64::from(x);
            }
            all &= good;
        }
        return all;
    }
    if cols.is_empty() {
        return all;
    }
    // Several columns: in blocks of rows, so that the rows being written
    // stay in cache while every column is read.
    const ROWS: usize = 256;
    let w = cols.len();
    for (r, o) in out.chunks_mut(ROWS * w).enumerate() {
        for (j, v) in cols.iter().enumerate() {
            let v = &v.as_ref()[r * ROWS..][..o.len() / w];
            let mut good = true;
            for (o, &x) in o[j..].iter_mut().step_by(w).zip(v) {
                good &= ok(x);
                *o = f64::from(x);
            }
            all &= good;
        }
    }
    all
}
