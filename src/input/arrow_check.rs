//! The checks of a decoded batch for the shared Arrow decoder: its label
//! codes (or targets), then, only when something in the batch is invalid,
//! row by row, so that the first invalid value in row order is the one
//! reported (or every one counted, under `--skip-invalid`).

use super::arrow_labels::{label_codes, LabelFail};
use super::decode::Decoder;
use super::targets::TargetFail;
use super::Source;
use crate::engine::kernel::Batch;
use crate::engine::UnitAcc;
use crate::model::SkipReason;
use crate::model::{Loc, SKIPPED};
use anyhow::Result;
use arrow_array::{ArrayRef, RecordBatch};
use std::collections::BTreeMap;

/// Row → the first score column holding a null (or a list of the wrong
/// length) in it, the skip reason and the value.
pub(super) type BadScores = BTreeMap<usize, (usize, SkipReason, String)>;

/// Appends the label codes (or targets) of `rb` to `batch`; returns the
/// invalid ones in row order. Its label column, `label()`, is only looked
/// for without targets (the targets' columns are found by name).
pub(super) fn label_fails(
    rb: &RecordBatch,
    label: impl FnOnce() -> Result<ArrayRef>,
    src: &Source,
    dec: &Decoder,
    batch: &mut Batch,
) -> Result<Vec<TargetFail>> {
    Ok(match dec.targets {
        Some(t) => {
            let (codes, fails) =
                super::targets::arrow_targets(rb, t, src, dec, &mut batch.targets)?;
            batch.labels.extend_from_slice(&codes);
            fails
        }
        None => named(dec, label_codes(&label()?, src, dec, &mut batch.labels)?),
    })
}

/// The invalid labels `fails`, each with the label column's name.
pub(super) fn named(dec: &Decoder, fails: Vec<LabelFail>) -> Vec<TargetFail> {
    let col = dec.label_col;
    let fails = fails.into_iter().map(|(i, f)| (i, col.to_string(), f));
    fails.collect()
}

/// The row-by-row checks of `batch`, whose labels are coded already (the
/// invalid ones, [`SKIPPED`], listed in `label_fails` in row order), when
/// anything in it is invalid; `valid` is [`Decoder::batch_is_valid`] of the
/// scores when known.
#[allow(clippy::too_many_arguments)]
pub(super) fn check(
    label_fails: Vec<TargetFail>,
    at: &dyn Fn(usize) -> Loc,
    src: &Source,
    dec: &Decoder,
    acc: &mut UnitAcc,
    batch: &mut Batch,
    bad: BadScores,
    valid: Option<bool>,
) -> Result<()> {
    let w = dec.spec.width();
    if label_fails.is_empty()
        && bad.is_empty()
        && valid.unwrap_or_else(|| dec.batch_is_valid(&batch.scores))
    {
        // The common case: nothing to report, so no row-by-row checks.
        return Ok(());
    }
    let codes = std::mem::take(&mut batch.labels);
    let mut fails = label_fails.into_iter().peekable();
    // Row by row, label first: the first invalid value in row order is the one reported.
    for (i, mut code) in codes.into_iter().enumerate() {
        let at = at(i);
        if let Some((_, col, (reason, problem, value))) = fails.next_if(|f| f.0 == i) {
            dec.invalid(src, at, &col, &value, reason, problem, acc)?;
        } else if code != SKIPPED {
            if let Some((j, reason, value)) = bad.get(&i) {
                let problem = match reason {
                    SkipReason::Null => "value is null",
                    SkipReason::Unparsable => "value is not a number",
                    _ => "list has the wrong length",
                };
                dec.invalid(src, at, &dec.score_cols[*j], value, *reason, problem, acc)?;
                code = SKIPPED;
            } else if !dec.check_row(code, &batch.scores[i * w..(i + 1) * w], src, at, acc, None)? {
                code = SKIPPED;
            }
        }
        batch.labels.push(code);
    }
    Ok(())
}
