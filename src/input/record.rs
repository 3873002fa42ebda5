//! One CSV record to validated batch rows, shared by the `csv`-crate path
//! (quotes, stdin, gzip) and the quote-free splitter of byte ranges, so both
//! accept, reject and report exactly the same values.

use super::decode::Decoder;
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
fn small_uint(raw: &[u8]) -> Option<i64> {
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

/// Parses a number, allowing surrounding spaces: Rust's `f64` grammar and value.
#[inline]
pub(crate) fn parse_f64(raw: &[u8]) -> Option<f64> {
    // Fast path for plain decimals (`0.25`, `-1.5e-05`): lexical parses the
    // bytes as they are (no UTF-8 check, no trim) and, like Rust's parser, rounds
    // correctly, so the value is the same. Its grammar is only trusted where it
    // starts with a digit, sign or point and ends with a digit or point (no
    // spaces, `inf`, `nan`); anything else, or anything it rejects, goes the slow way.
    if let (Some(&a), Some(&z)) = (raw.first(), raw.last()) {
        if (a.is_ascii_digit() || matches!(a, b'.' | b'-' | b'+'))
            && (z.is_ascii_digit() || z == b'.')
        {
            if let Ok(v) = lexical_core::parse::<f64>(raw) {
                return Some(v);
            }
        }
    }
    std_f64(raw)
}

/// The reference: Rust's own parser on the trimmed text.
fn std_f64(raw: &[u8]) -> Option<f64> {
    std::str::from_utf8(raw).ok()?.trim().parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(s: &str) {
        let (fast, slow) = (parse_f64(s.as_bytes()), std_f64(s.as_bytes()));
        assert_eq!(fast.map(f64::to_bits), slow.map(f64::to_bits), "{s:?}");
    }

    #[test]
    fn fast_float_path_agrees_with_rusts_parser_bit_for_bit() {
        for s in [
            "0", "-0", "+0", "1", "0.5", "1e-05", "1E+05", "-1.5e-05", ".5", "5.", "-.5", "+.5e1",
            "1.e5", ".", "-", "+", "e5", "1e", "1e+", "1.5e-", "--1", "+-1", "1-", "1..2", "1e5.",
            "0.0021745529441614584", "-6.128755257764998", "  0.5", "0.5 ", "\t1", "inf", "-inf",
            "NaN", "nan", "infinity", "1_000", "0x10", "1,5", "٣", "1e400", "-1e400", "1e-400",
            "2.2250738585072011e-308", "4.9e-324", "2.4703282292062328e-324", "1e-999999",
            "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999999",
        ] {
            same(s);
        }
        // Random decimals: many digits (past 19, where the fast algorithms need a fallback),
        // halfway cases, exponents, and junk from the same alphabet.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let alphabet = b"0123456789012345678901234567890123456789.e-+E ";
        for _ in 0..200_000 {
            let len = 1 + (next() % 40) as usize;
            let s: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize] as char)
                .collect();
            same(&s);
            let digits: String = (0..1 + next() % 30)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            let (i, e) = ((next() % digits.len() as u64) as usize, next() % 700);
            same(&format!("{}.{}e-{e}", &digits[..i], &digits[i..]));
            same(&format!("{}5e{}", &digits, e % 300));
            same(&format!("0.{digits}"));
        }
    }

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
