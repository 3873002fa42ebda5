//! Multi-label targets in CSV records: one 0/1 field per class (`--targets`).

use super::decode::Decoder;
use super::fast_float::parse_f64;
use super::record::{CsvIndex, Fields};
use super::Source;
use crate::engine::UnitAcc;
use crate::model::{Loc, SkipReason, MULTI, SKIPPED};
use anyhow::Result;

/// The line's field count, for multi-label records (checked before the targets).
fn bad_shape(
    rec: &impl Fields,
    idx: &CsvIndex,
    at: Loc,
    src: &Source,
    dec: &Decoder,
    acc: &mut UnitAcc,
) -> Result<bool> {
    if rec.count() == idx.width {
        return Ok(false);
    }
    let problem = format!(
        "the line has {} fields, the header has {}",
        rec.count(),
        idx.width
    );
    let line = rec.line_text(dec.delimiter);
    dec.invalid(
        src,
        at,
        "(whole line)",
        &line,
        SkipReason::BadShape,
        &problem,
        acc,
    )?;
    Ok(true)
}

/// A multi-label CSV record's 0/1 target fields into `t`: [`MULTI`], or [`SKIPPED`].
#[allow(clippy::too_many_arguments)]
pub(super) fn csv_targets(
    rec: &impl Fields,
    idx: &CsvIndex,
    at: Loc,
    src: &Source,
    dec: &Decoder,
    acc: &mut UnitAcc,
    t: &mut [u8],
) -> Result<i32> {
    if bad_shape(rec, idx, at, src, dec, acc)? {
        return Ok(SKIPPED);
    }
    let cols = dec.targets.map(|t| t.columns()).unwrap_or_default();
    for (j, &c) in idx.targets.iter().enumerate() {
        let raw = rec.field(c);
        let (reason, problem) = match parse_f64(raw) {
            Some(0.0) => continue,
            Some(1.0) => {
                t[j] = 1;
                continue;
            }
            Some(_) => (SkipReason::UnknownLabel, "target is not 0 or 1"),
            None if String::from_utf8_lossy(raw).trim().is_empty() => {
                (SkipReason::Null, "target is empty")
            }
            None => (SkipReason::Unparsable, "target is not a number"),
        };
        let v = String::from_utf8_lossy(raw);
        let col = cols.get(j).map_or("", String::as_str);
        dec.invalid(src, at, col, &v, reason, problem, acc)?;
        return Ok(SKIPPED);
    }
    Ok(MULTI)
}
