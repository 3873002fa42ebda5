//! One CSV record to validated batch rows, shared by the `csv`-crate path
//! (quotes, stdin, gzip) and the quote-free splitter of byte ranges, so both
//! accept, reject and report exactly the same values.

use super::decode::Decoder;
use super::fast_float::parse_f64;
use super::Source;
use crate::engine::kernel::Batch;
use crate::engine::UnitAcc;
use crate::model::{Loc, SkipReason};
use crate::model::{MULTI, SKIPPED};
use anyhow::Result;

/// Positions of the needed columns in one CSV file's header.
#[derive(Clone, Debug, Default)]
pub(crate) struct CsvIndex {
    /// Number of fields in the header.
    pub(crate) width: usize,
    /// Label field.
    pub(crate) label: usize,
    /// Score fields, in class order.
    pub(crate) scores: Vec<usize>,
    /// Multi-label 0/1 target fields, in class order (empty: one label per row).
    pub(crate) targets: Vec<usize>,
    /// The `--by` field, if any.
    pub(crate) by: Option<usize>,
}

/// Rows per batch handed to the kernels.
pub(crate) const BATCH_ROWS: usize = 32 * 1024;

/// The fields of one record, however it was split.
pub(crate) trait Fields {
    /// Number of fields.
    fn count(&self) -> usize;
    /// Field `i`'s bytes (`i < count()`).
    fn field(&self, i: usize) -> &[u8];
    /// The whole line as text, for a message about its shape.
    fn line_text(&self, delimiter: u8) -> String;
}

impl Fields for csv::ByteRecord {
    fn count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> &[u8] {
        &self[i]
    }
    fn line_text(&self, delimiter: u8) -> String {
        self.iter()
            .map(String::from_utf8_lossy)
            .collect::<Vec<_>>()
            .join(&char::from(delimiter).to_string())
    }
}

/// A line split by [`super::split::split`]: offsets into a buffer.
pub(crate) struct SplitLine<'a> {
    /// The buffer.
    pub(crate) buf: &'a [u8],
    /// The line's bytes, without terminator.
    pub(crate) line: (usize, usize),
    /// The fields.
    pub(crate) fields: &'a [(usize, usize)],
}

impl Fields for SplitLine<'_> {
    #[inline]
    fn count(&self) -> usize {
        self.fields.len()
    }
    #[inline]
    fn field(&self, i: usize) -> &[u8] {
        let (a, b) = self.fields[i];
        &self.buf[a..b]
    }
    fn line_text(&self, _delimiter: u8) -> String {
        // Quote-free: the fields joined by the delimiter are the line itself.
        String::from_utf8_lossy(&self.buf[self.line.0..self.line.1]).into_owned()
    }
}

/// Collects validated rows into batches and hands full ones to the kernels.
pub(crate) struct Rows<'d, 'a> {
    dec: &'d Decoder<'a>,
    idx: CsvIndex,
    batch: Batch,
    row: Vec<f64>,
    target: Vec<u8>,
    groups: Vec<usize>,
}

impl<'d, 'a> Rows<'d, 'a> {
    /// Empty batches for the columns at `idx`.
    pub(crate) fn new(idx: &CsvIndex, dec: &'d Decoder<'a>) -> Rows<'d, 'a> {
        Rows {
            dec,
            idx: idx.clone(),
            batch: Batch::default(),
            row: vec![0f64; dec.spec.width()],
            target: vec![0u8; idx.targets.len()],
            groups: Vec::new(),
        }
    }

    /// Adds the record that starts on `line`.
    #[inline]
    pub(crate) fn push(
        &mut self,
        rec: &impl Fields,
        line: u64,
        src: &Source,
        acc: &mut UnitAcc,
    ) -> Result<()> {
        acc.sums.rows_read += 1;
        let at = Loc::Line(line);
        let code = if self.idx.targets.is_empty() {
            parse_record(rec, &self.idx, at, src, self.dec, acc, &mut self.row)?
        } else {
            self.target.fill(0);
            match super::csv_targets::csv_targets(
                rec,
                &self.idx,
                at,
                src,
                self.dec,
                acc,
                &mut self.target,
            )? {
                SKIPPED => SKIPPED,
                _ => parse_scores(rec, &self.idx, MULTI, at, src, self.dec, acc, &mut self.row)?,
            }
        };
        self.batch.labels.push(code);
        self.batch.scores.extend_from_slice(&self.row);
        self.batch.targets.extend_from_slice(&self.target);
        if let Some(b) = self.idx.by {
            // CSV has no null but an empty field (what pandas writes for None
            // and NaN), read as null as for every other column; a ragged line
            // may lack the field: it is counted as skipped in the null group.
            let key = (b < rec.count())
                .then(|| String::from_utf8_lossy(rec.field(b)))
                .filter(|k| !k.trim().is_empty());
            let g = self.dec.group_of(src, key.as_deref(), acc)?;
            self.groups.push(g);
        }
        if self.batch.labels.len() >= BATCH_ROWS {
            self.flush(acc);
        }
        Ok(())
    }

    /// Adds rows already parsed and checked (`labels.len()` of them, their
    /// scores row-major), cut into batches exactly where [`Rows::push`] would cut.
    pub(crate) fn push_checked(&mut self, labels: &[i32], scores: &[f64], acc: &mut UnitAcc) {
        let w = self.row.len();
        acc.sums.rows_read += labels.len() as u64;
        let mut at = 0;
        while at < labels.len() {
            let take = (BATCH_ROWS - self.batch.labels.len()).min(labels.len() - at);
            let end = at + take;
            self.batch.labels.extend_from_slice(&labels[at..end]);
            self.batch
                .scores
                .extend_from_slice(&scores[at * w..end * w]);
            if self.batch.labels.len() >= BATCH_ROWS {
                self.flush(acc);
            }
            at = end;
        }
    }

    /// Hands the rows collected so far to the kernels.
    pub(crate) fn flush(&mut self, acc: &mut UnitAcc) {
        if self.batch.labels.is_empty() {
            return;
        }
        let groups = self.idx.by.map(|_| self.groups.as_slice());
        self.dec.sink(&self.batch, groups, acc);
        self.batch.labels.clear();
        self.batch.scores.clear();
        self.batch.targets.clear();
        self.groups.clear();
    }
}

#[allow(clippy::too_many_arguments)]
fn parse_record(
    rec: &impl Fields,
    idx: &CsvIndex,
    at: Loc,
    src: &Source,
    dec: &Decoder,
    acc: &mut UnitAcc,
    row: &mut [f64],
) -> Result<i32> {
    if rec.count() != idx.width {
        let problem = format!(
            "the line has {} fields, the header has {}",
            rec.count(),
            idx.width
        );
        dec.invalid(
            src,
            at,
            "(whole line)",
            &rec.line_text(dec.delimiter),
            SkipReason::BadShape,
            &problem,
            acc,
        )?;
        return Ok(SKIPPED);
    }
    let label_raw = rec.field(idx.label);
    let code = match small_uint(label_raw).and_then(|v| dec.labels.fast_int(v)) {
        // Classes 0..K-1 and a plain integer label: what map_str would give, sooner.
        Some(c) => c,
        None => match std::str::from_utf8(label_raw) {
            Ok(s) if s.trim().is_empty() => {
                dec.invalid(
                    src,
                    at,
                    dec.label_col,
                    "",
                    SkipReason::Null,
                    "label is empty",
                    acc,
                )?;
                return Ok(SKIPPED);
            }
            Ok(s) => dec.label(dec.labels.map_str(s), src, at, acc)?,
            Err(_) => {
                let v = String::from_utf8_lossy(label_raw);
                dec.invalid(
                    src,
                    at,
                    dec.label_col,
                    &v,
                    SkipReason::Unparsable,
                    "label is not UTF-8 text",
                    acc,
                )?;
                return Ok(SKIPPED);
            }
        },
    };
    if code == SKIPPED {
        return Ok(code);
    }
    parse_scores(rec, idx, code, at, src, dec, acc, row)
}

/// The record's score fields into `row`, checked: `code`, or [`SKIPPED`].
#[allow(clippy::too_many_arguments)]
fn parse_scores(
    rec: &impl Fields,
    idx: &CsvIndex,
    code: i32,
    at: Loc,
    src: &Source,
    dec: &Decoder,
    acc: &mut UnitAcc,
    row: &mut [f64],
) -> Result<i32> {
    for (j, &c) in idx.scores.iter().enumerate() {
        let raw = rec.field(c);
        match parse_f64(raw) {
            Some(v) => row[j] = v,
            None => {
                let v = String::from_utf8_lossy(raw);
                let (reason, problem) = if v.trim().is_empty() {
                    (SkipReason::Null, "value is empty")
                } else if v.trim_start().starts_with('[') {
                    // pandas writes an array or list cell to CSV as its text.
                    (
                        SkipReason::Unparsable,
                        "value is a list written as text, as pandas writes an array cell to CSV; save the dump as Parquet (df.to_parquet keeps the list column) or with one column per class (prob_0, prob_1, ...)",
                    )
                } else {
                    (SkipReason::Unparsable, "value is not a number")
                };
                dec.invalid(src, at, &dec.score_cols[j], &v, reason, problem, acc)?;
                return Ok(SKIPPED);
            }
        }
    }
    let raw = |j: usize| String::from_utf8_lossy(rec.field(idx.scores[j])).into_owned();
    Ok(if dec.check_row(code, row, src, at, acc, Some(&raw))? {
        code
    } else {
        SKIPPED
    })
}

/// A label of 1 to 9 ASCII digits and nothing else, as an integer.
#[inline]
pub(crate) fn small_uint(raw: &[u8]) -> Option<i64> {
    if raw.is_empty() || raw.len() > 9 {
        return None;
    }
    let mut v = 0i64;
    for &b in raw {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + d as i64;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_uint_is_digits_only() {
        assert_eq!(small_uint(b"0"), Some(0));
        assert_eq!(small_uint(b"007"), Some(7));
        assert_eq!(small_uint(b"123456789"), Some(123456789));
        for s in ["", " 1", "1 ", "+1", "-1", "1.0", "1234567890", "x"] {
            assert_eq!(small_uint(s.as_bytes()), None, "{s:?}");
        }
    }
}
