//! Score columns of Arrow record batches as f64, for the shared Arrow decoder.

use super::Source;
use anyhow::{anyhow, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type};
use arrow_array::ArrayRef;
use arrow_schema::DataType;

/// A score column's values as f64: float columns read in place (float32
/// widened while copied, exactly as a cast would), others cast first.
pub(super) enum Floats {
    F64(ArrayRef),
    F32(ArrayRef),
    Cast(ArrayRef),
}

impl Floats {
    pub(super) fn of(a: &ArrayRef, src: &Source, col: &str) -> Result<Floats> {
        Ok(match a.data_type() {
            DataType::Float64 => Floats::F64(a.clone()),
            DataType::Float32 => Floats::F32(a.clone()),
            _ => Floats::Cast(to_f64(a, src, col)?),
        })
    }

    /// The array whose nulls are the column's missing or unparsable values.
    pub(super) fn array(&self) -> &ArrayRef {
        match self {
            Floats::F64(a) | Floats::F32(a) | Floats::Cast(a) => a,
        }
    }

    /// Appends every value (a null's slot holds an arbitrary number: that row
    /// is reported and skipped by the caller).
    pub(super) fn extend_into(&self, out: &mut Vec<f64>) {
        match self {
            Floats::F32(a) => out.extend(
                a.as_primitive::<Float32Type>()
                    .values()
                    .iter()
                    .map(|&x| f64::from(x)),
            ),
            Floats::F64(a) | Floats::Cast(a) => {
                out.extend_from_slice(a.as_primitive::<Float64Type>().values())
            }
        }
    }

    /// Writes rows `rows` of this column into column `j` of the row-major `out` of width `w`.
    pub(super) fn scatter(
        &self,
        rows: std::ops::Range<usize>,
        j: usize,
        w: usize,
        out: &mut [f64],
    ) {
        match self {
            Floats::F32(a) => {
                let v = a.as_primitive::<Float32Type>().values();
                for i in rows {
                    out[i * w + j] = f64::from(v[i]);
                }
            }
            Floats::F64(a) | Floats::Cast(a) => {
                let v = a.as_primitive::<Float64Type>().values();
                for i in rows {
                    out[i * w + j] = v[i];
                }
            }
        }
    }
}

/// `a` cast to f64 (unparsable text becomes null), or the error for a column that is not numeric.
pub(super) fn to_f64(a: &ArrayRef, src: &Source, col: &str) -> Result<ArrayRef> {
    arrow_cast::cast(a, &DataType::Float64)
        .map_err(|_| anyhow!("{}: column {} has type {}, which is not numeric; name the score columns with --prob/--probs/--logit/--logits", src.display(), crate::text::quoted(col), a.data_type()))
}
