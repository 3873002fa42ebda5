//! Validation shared by the CSV and Parquet readers, and the one place where
//! invalid values become either an error or a counted skip.

use super::labels::{LabelError, LabelMap};
use super::{Dataset, Scores, Source};
use crate::engine::kernel::{self, Batch};
use crate::engine::{EngineSpec, UnitAcc};
use crate::model::{Loc, SkipReason};
use crate::model::{Mode, ScoreKind, IGNORED, SKIPPED};
use crate::text::quoted;
use anyhow::{anyhow, Result};

/// Tolerance on softmax probability rows summing to 1.
pub(crate) const ROW_SUM_TOLERANCE: f64 = 1e-3;

/// Why a label is invalid: the skip reason, the problem in words, and the value.
pub(crate) fn label_problem(e: LabelError) -> (SkipReason, &'static str, String) {
    match e {
        LabelError::Unknown(v) => (
            SkipReason::UnknownLabel,
            "label is not one of the classes",
            v,
        ),
        LabelError::Unparsable(v) => (
            SkipReason::Unparsable,
            "label is not a number, boolean or class name",
            v,
        ),
    }
}

/// Turns raw values into validated labels and scores, or errors / skips.
pub(crate) struct Decoder<'a> {
    /// The engine settings.
    pub(crate) spec: &'a EngineSpec,
    /// The label mapping.
    pub(crate) labels: &'a LabelMap,
    /// `--skip-invalid`.
    pub(crate) skip: bool,
    /// Label column name.
    pub(crate) label_col: &'a str,
    /// Where the scores are.
    pub(crate) scores: &'a Scores,
    /// Multi-label targets, if any.
    pub(crate) targets: Option<&'a super::Targets>,
    /// Score column names, one per score (a list column is shown as `col[i]`).
    pub(crate) score_cols: Vec<String>,
    /// CSV delimiter.
    pub(crate) delimiter: u8,
    /// The `--by` column.
    pub(crate) by: Option<&'a str>,
    /// The most distinct `--by` values allowed.
    pub(crate) max_groups: usize,
    /// `--max-line-bytes`: the longest CSV line read.
    pub(crate) max_line: u64,
}

impl<'a> Decoder<'a> {
    /// A decoder for `ds` and `spec`.
    pub(crate) fn new(ds: &'a Dataset, spec: &'a EngineSpec) -> Decoder<'a> {
        let score_cols = match &ds.layout.scores {
            Scores::Columns(c) => c.clone(),
            Scores::List(c) => (0..spec.width()).map(|i| format!("{c}[{i}]")).collect(),
        };
        Decoder {
            spec,
            labels: &ds.labels,
            skip: ds.opts.skip_invalid,
            label_col: &ds.layout.label,
            scores: &ds.layout.scores,
            targets: ds.layout.targets.as_ref(),
            score_cols,
            delimiter: ds.opts.delimiter,
            by: ds.opts.by.as_deref(),
            max_groups: ds.opts.max_groups,
            max_line: ds.opts.max_line,
        }
    }

    /// The `--by` group of a key in `acc` (added if new), or an error past `--max-groups`.
    pub(crate) fn group_of(
        &self,
        src: &Source,
        key: Option<&str>,
        acc: &mut UnitAcc,
    ) -> Result<usize> {
        let g = acc.sums.groups.get_or_insert_with(Default::default);
        let i = g.slot(key, self.spec);
        if g.len() > self.max_groups {
            return Err(too_many_groups(
                &src.display(),
                self.by.unwrap_or(""),
                self.max_groups,
            ));
        }
        Ok(i)
    }

    /// Accumulates a decoded batch: into `acc`, or split by `groups` (one entry per row) under `--by`.
    pub(crate) fn sink(&self, batch: &Batch, groups: Option<&[usize]>, acc: &mut UnitAcc) {
        let Some(groups) = groups else {
            kernel::accumulate(self.spec, batch, acc);
            return;
        };
        let Some(g) = acc.sums.groups.as_mut() else {
            return;
        };
        let mut read = vec![[0u64; 2]; g.parts.len()];
        for (&k, &l) in groups.iter().zip(&batch.labels) {
            read[k][0] += 1;
            read[k][1] += (l == SKIPPED) as u64;
        }
        for (part, r) in g.parts.iter_mut().zip(&read) {
            part.rows_read += r[0];
            part.group_skipped += r[1];
        }
        kernel::accumulate_by(self.spec, batch, groups, acc);
    }

    /// Reports an invalid value: a counted skip under `--skip-invalid`, else an error.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn invalid(
        &self,
        src: &Source,
        at: Loc,
        column: &str,
        value: &str,
        reason: SkipReason,
        problem: &str,
        acc: &mut UnitAcc,
    ) -> Result<()> {
        if self.skip {
            acc.sums.skipped.add(reason, at);
            return Ok(());
        }
        Err(anyhow!(
            "{}: {at}, column {}: {problem} (value {}); {}",
            src.display(),
            quoted(column),
            quoted(value),
            self.hint(reason, column, value)
        ))
    }

    /// What to do about an invalid `value` in `column`.
    fn hint(&self, reason: SkipReason, column: &str, value: &str) -> String {
        let skip = "or pass --skip-invalid to skip and count such rows";
        let is_label = column == self.label_col;
        match reason {
            // `cat a.csv b.csv` repeats the header line inside the data.
            _ if is_label && value.trim() == self.label_col => format!(
                "this is the header line again (files concatenated with their headers?): keep only the first header, e.g. with `tail -n +2` on every file after the first, {skip}"
            ),
            SkipReason::OutOfRange if self.spec.kind == ScoreKind::Probabilities => {
                format!("if the column holds logits pass --logit/--logits instead, {skip}")
            }
            SkipReason::BadRowSum => {
                format!("if the classes are independent (one-vs-rest) pass --mode sigmoid, {skip}")
            }
            SkipReason::UnknownLabel if self.targets.is_some() => format!(
                "multi-label targets are 0 or 1 per class, or lists of class ids 0..{} (or class names), {skip}",
                self.spec.classes.saturating_sub(1)
            ),
            // A RetinaNet-style background label outside sigmoid mode: say which mode reads it.
            SkipReason::UnknownLabel
                if self.spec.mode != Mode::Sigmoid
                    && value.trim().parse::<f64>() == Ok(self.labels.background() as f64) =>
            {
                format!(
                    "expected {}; a label of {value} looks like a background row (negative for every class): pass --mode sigmoid for one-vs-rest scores, {skip}",
                    self.labels.expected()
                )
            }
            SkipReason::UnknownLabel => format!(
                "expected {}; check --label, --ignore-index and --background, {skip}",
                self.labels.expected()
            ),
            SkipReason::Unparsable if column == "(whole line)" => format!(
                "fix the line (a JSON Lines file holds one JSON object per line), {skip}"
            ),
            SkipReason::Unparsable if is_label && self.spec.mode == Mode::Binary => format!(
                "string labels in binary mode need --positive VALUE to say which value is positive, {skip}"
            ),
            SkipReason::Unparsable if !is_label => format!(
                "scores must be numbers: check that the column holds scores (--prob/--probs/--logit/--logits) and the field delimiter (--delimiter), {skip}"
            ),
            SkipReason::BadShape if column == "(whole line)" => format!(
                "fix the line, or check the field delimiter (--delimiter) and quoting, {skip}"
            ),
            _ => format!("fix the value {skip}"),
        }
    }

    /// Maps a label result, recording a skip or returning an error when invalid.
    pub(crate) fn label(
        &self,
        r: Result<i32, LabelError>,
        src: &Source,
        at: Loc,
        acc: &mut UnitAcc,
    ) -> Result<i32> {
        match r {
            Ok(c) => Ok(c),
            Err(e) => {
                let (reason, problem, v) = label_problem(e);
                self.invalid(src, at, self.label_col, &v, reason, problem, acc)?;
                Ok(SKIPPED)
            }
        }
    }

    /// Whether every score of a batch is valid, checked in one branch-free sweep
    /// (probabilities in [0, 1], logits finite; NaN fails both). Softmax
    /// probabilities also need their row sums checked: those go row by row.
    #[inline]
    pub(crate) fn batch_is_valid(&self, scores: &[f64]) -> bool {
        match self.spec.kind {
            ScoreKind::Probabilities if self.spec.mode == Mode::Softmax => false,
            ScoreKind::Probabilities => scores
                .iter()
                .fold(true, |ok, &v| ok & (0.0..=1.0).contains(&v)),
            ScoreKind::Logits => scores.iter().fold(true, |ok, &v| ok & v.is_finite()),
        }
    }

    /// Checks one row's scores; `Ok(false)` means it was skipped.
    #[inline]
    /// Checks a row's scores; `raw` gives score `i` as written in the file
    /// (`1e400`, not the `inf` it parses to), for text formats.
    pub(crate) fn check_row(
        &self,
        label: i32,
        row: &[f64],
        src: &Source,
        at: Loc,
        acc: &mut UnitAcc,
        raw: Option<&dyn Fn(usize) -> String>,
    ) -> Result<bool> {
        // The common valid row in one sweep; what fails it gets the full check and message.
        if label != IGNORED && label != SKIPPED && self.batch_is_valid(row) {
            return Ok(true);
        }
        self.check_row_slow(label, row, src, at, acc, raw)
    }

    fn check_row_slow(
        &self,
        label: i32,
        row: &[f64],
        src: &Source,
        at: Loc,
        acc: &mut UnitAcc,
        raw: Option<&dyn Fn(usize) -> String>,
    ) -> Result<bool> {
        if label == IGNORED || label == SKIPPED {
            return Ok(label != SKIPPED);
        }
        let probs = self.spec.kind == ScoreKind::Probabilities;
        for (i, &v) in row.iter().enumerate() {
            let bad = if v.is_nan() {
                Some((SkipReason::Nan, "score is NaN"))
            } else if probs && !(0.0..=1.0).contains(&v) {
                Some((SkipReason::OutOfRange, "probability outside [0, 1]"))
            } else if !probs && v.is_infinite() {
                Some((
                    SkipReason::OutOfRange,
                    "logit is infinite (flcli needs finite logits)",
                ))
            } else {
                None
            };
            if let Some((reason, problem)) = bad {
                self.invalid(
                    src,
                    at,
                    &self.score_cols[i],
                    &raw.map_or_else(|| v.to_string(), |f| f(i)),
                    reason,
                    problem,
                    acc,
                )?;
                return Ok(false);
            }
        }
        if probs && self.spec.mode == Mode::Softmax {
            let s: f64 = row.iter().sum();
            if (s - 1.0).abs() > ROW_SUM_TOLERANCE {
                let col = format!("{}..{}", self.score_cols[0], self.score_cols[row.len() - 1]);
                let problem = "softmax probabilities of the row do not sum to 1 (±1e-3)";
                self.invalid(
                    src,
                    at,
                    &col,
                    &format!("sum = {s}"),
                    SkipReason::BadRowSum,
                    problem,
                    acc,
                )?;
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// The error for a `--by` column with more distinct values than `--max-groups`.
pub(crate) fn too_many_groups(file: &str, col: &str, max: usize) -> anyhow::Error {
    anyhow!(
        "{file}: column {} has more than {max} distinct values, too many to break the report down by; pick a coarser column for --by (e.g. a split or a size bucket) or raise --max-groups",
        quoted(col)
    )
}
