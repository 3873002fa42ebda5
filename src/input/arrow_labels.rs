//! Label columns of Arrow record batches (integer, float, boolean, string or
//! dictionary) to label codes, for the shared Arrow decoder.

use super::arrow::shown;
use super::decode::Decoder;
use super::labels::LabelError;
use super::Source;
use crate::model::SkipReason;
use crate::model::SKIPPED;
use anyhow::{bail, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;

/// An invalid label: its row in the batch, the skip reason, the problem and the value.
pub(crate) type LabelFail = (usize, (SkipReason, &'static str, String));

/// Appends the label codes of a label array of any supported type to `out`
/// (the engine batch's own buffer, so they are written once), and returns the
/// invalid labels ([`SKIPPED`] in the codes) in row order, for the caller to report.
pub(crate) fn label_codes(
    a: &ArrayRef,
    src: &Source,
    dec: &Decoder,
    out: &mut Vec<i32>,
) -> Result<Vec<LabelFail>> {
    let n = a.len();
    out.reserve(n);
    let mut fails: Vec<LabelFail> = Vec::new();
    let map = dec.labels;
    let mut code = |i: usize, r: Option<Result<i32, LabelError>>| code(&mut fails, i, r);
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
                    return Ok(fails);
                }
                for (i, &x) in v.values().iter().enumerate() {
                    out.push(match map.fast_int(x) {
                        Some(c) => c,
                        None => code(i, Some(map.map_int(x))),
                    });
                }
                return Ok(fails);
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
            "{}: label column {} has type {t}; flcli reads integer, float, boolean or string labels. Pick another column with --label",
            src.display(),
            crate::text::quoted(dec.label_col)
        ),
    }
    Ok(fails)
}

/// The code of row `i`'s label mapped to `r` (`None`: a null label), the
/// invalid ones added to `fails` and coded [`SKIPPED`].
pub(crate) fn code(
    fails: &mut Vec<LabelFail>,
    i: usize,
    r: Option<Result<i32, LabelError>>,
) -> i32 {
    match r {
        Some(Ok(c)) => c,
        Some(Err(e)) => {
            fails.push((i, super::decode::label_problem(e)));
            SKIPPED
        }
        None => {
            fails.push((i, (SkipReason::Null, "label is null", "null".into())));
            SKIPPED
        }
    }
}
