//! The column-wise read of one buffer of quote-free CSV lines: the splitter
//! keeps only the label and score fields' byte ranges, then tight loops parse
//! the labels, parse the scores and check them. Any line that is not plainly
//! valid (a ragged line, an empty or unknown label, a score that is not a
//! number or out of range) makes the whole buffer go back to the row-at-a-time
//! path of [`super::record::Rows::push`], which reports it with today's
//! message, skip count and line; a buffer taken here has no such line, so
//! both paths give the same rows in the same batches.

use super::decode::Decoder;
use super::fast_float::{decimal, parse_f64, Decimal};
use super::record::{small_uint, CsvIndex, Rows};
use super::short_float::short_decimal;
use super::split::{self, LineSink};
use crate::engine::UnitAcc;
use crate::model::{Mode, ScoreKind, IGNORED};

/// No slot: a field the read does not need.
const UNUSED: u32 = u32::MAX;

/// The largest buffer read column-wise: the scratch grows with the lines of
/// a buffer, so a buffer grown for a long line (up to `--max-line-bytes`)
/// is read row by row, which keeps the scratch small. Offsets fit in `u32`.
const MAX_BUFFER: usize = 1 << 20;

/// The scratch of the column-wise read, reused from buffer to buffer.
pub(crate) struct Columns {
    /// Fields per line (the header's).
    width: usize,
    /// Slot of each field (0 the label, 1.. the scores), or [`UNUSED`].
    slot: Vec<u32>,
    /// Slots per line.
    need: usize,
    /// Fields of the current line so far.
    count: usize,
    /// The ranges of the buffer's lines, `need` per line: complete lines
    /// before `base`, the current line's from it, spare room after.
    ranges: Vec<(u32, u32)>,
    base: usize,
    /// Parsed labels and scores (row-major) of the buffer.
    labels: Vec<i32>,
    scores: Vec<f64>,
    /// The scores taken apart, before their conversion.
    parts: Vec<Decimal>,
}

/// A score parsed by [`parse_f64`] already (its exponent is out of a [`Decimal`]'s range).
const PARSED: Decimal = Decimal {
    m: 0,
    e: i32::MAX,
    neg: false,
};

/// The splitter stops at a line whose field count is not the header's.
pub(crate) struct Ragged;

impl LineSink for Columns {
    type Error = Ragged;
    #[inline(always)]
    fn reset(&mut self) {
        self.count = 0;
    }
    #[inline(always)]
    fn field(&mut self, start: usize, end: usize) {
        if let Some(&s) = self.slot.get(self.count) {
            if s != UNUSED {
                // In range: `read` takes buffers of at most MAX_BUFFER bytes.
                self.ranges[self.base + s as usize] = (start as u32, end as u32);
            }
        }
        self.count += 1;
    }
    #[inline(always)]
    fn line(&mut self, _line: u64, _start: usize, _end: usize) -> Result<(), Ragged> {
        if self.count != self.width {
            return Err(Ragged);
        }
        self.count = 0;
        // The line's ranges were written in place: room for the next line's.
        self.base += self.need;
        if self.ranges.len() < self.base + self.need {
            self.ranges.resize(2 * (self.base + self.need), (0, 0));
        }
        Ok(())
    }
}

impl Columns {
    /// The scratch for the columns at `idx`, or `None` when rows need more
    /// than a label and scores checked one by one: multi-label targets,
    /// `--by` groups, softmax probabilities (their row sums), `--positive`
    /// (which notes the label values it does not match).
    pub(crate) fn new(idx: &CsvIndex, dec: &Decoder) -> Option<Columns> {
        let softmax_probs =
            dec.spec.kind == ScoreKind::Probabilities && dec.spec.mode == Mode::Softmax;
        if !idx.targets.is_empty() || idx.by.is_some() || softmax_probs || dec.labels.has_positive()
        {
            return None;
        }
        if idx.scores.len() != dec.spec.width() {
            return None;
        }
        let mut slot = vec![UNUSED; idx.width];
        // One field per slot: a column read twice (a label that is also a score
        // column) is left to the row-at-a-time path.
        let mut fields = vec![idx.label];
        fields.extend(&idx.scores);
        for (s, &f) in fields.iter().enumerate() {
            match slot.get(f) {
                Some(&UNUSED) => slot[f] = s as u32,
                _ => return None,
            }
        }
        Some(Columns {
            width: idx.width,
            slot,
            need: fields.len(),
            count: 0,
            ranges: vec![(0, 0); fields.len()],
            base: 0,
            labels: Vec::new(),
            scores: Vec::new(),
            parts: Vec::new(),
        })
    }

    /// Reads the complete lines of `buf` (as [`split::split`] cuts them, with
    /// `line` advanced the same way) into `rows`, and returns the bytes
    /// consumed; or `None`, with nothing added and `line` unchanged, when a
    /// line needs the row-at-a-time path.
    pub(crate) fn read(
        &mut self,
        buf: &[u8],
        eof: bool,
        dec: &Decoder,
        line: &mut u64,
        rows: &mut Rows,
        acc: &mut UnitAcc,
    ) -> Option<usize> {
        if buf.len() > MAX_BUFFER {
            return None;
        }
        self.base = 0;
        let mut at = *line;
        let used = split::split_into(buf, eof, dec.delimiter, &mut at, self).ok()?;
        let n = self.base / self.need;
        let ranges = &self.ranges[..self.base];
        self.labels.clear();
        self.scores.clear();
        let mut ok = true;
        // Integer labels below this are their own class (0 when none is).
        let k = dec.labels.fast_classes().unwrap_or(0);
        for r in ranges.chunks_exact(self.need) {
            let (a, b) = (r[0].0 as usize, r[0].1 as usize);
            // A one-digit class first: `label` gives it the same code, slower.
            let d = buf.get(a).map_or(10, |&c| c.wrapping_sub(b'0')) as i64;
            let code = if b == a + 1 && d < k {
                Some(d as i32)
            } else {
                label(&buf[a..b], dec)
            };
            ok &= code.is_some();
            self.labels.push(code.unwrap_or(IGNORED));
        }
        if !ok {
            return None;
        }
        // The digits first, then the conversions: a loop of independent
        // multiplies and divides, not each waiting on its own row's digits.
        self.parts.clear();
        for r in ranges.chunks_exact(self.need) {
            for &(a, b) in &r[1..] {
                let (a, b) = (a as usize, b as usize);
                match short_decimal(buf, a, b).or_else(|| decimal(buf, a, b)) {
                    Some(d) => {
                        self.parts.push(d);
                        self.scores.push(0.0);
                    }
                    None => {
                        let v = parse_f64(&buf[a..b]);
                        ok &= v.is_some();
                        self.parts.push(PARSED);
                        self.scores.push(v.unwrap_or(0.0));
                    }
                }
            }
        }
        for (v, d) in self.scores.iter_mut().zip(&self.parts) {
            if d.e != PARSED.e {
                *v = d.value();
            }
        }
        if !ok || !valid(dec, &self.labels, &self.scores) {
            return None;
        }
        debug_assert_eq!(self.labels.len(), n);
        rows.push_checked(&self.labels, &self.scores, acc);
        *line = at;
        Some(used)
    }
}

/// A label's class code when [`Rows::push`] would take it without a message
/// or a skip; `None` otherwise.
#[inline(always)]
fn label(raw: &[u8], dec: &Decoder) -> Option<i32> {
    if let Some(c) = small_uint(raw).and_then(|v| dec.labels.fast_int(v)) {
        return Some(c);
    }
    let s = std::str::from_utf8(raw).ok()?;
    if s.trim().is_empty() {
        return None;
    }
    dec.labels.map_str(s).ok()
}

/// Whether every row's scores pass [`Decoder::check_row`] without a message:
/// [`Decoder::batch_is_valid`] over the whole buffer, or, when that fails,
/// row by row with the rows labelled [`IGNORED`] exempt, as there.
fn valid(dec: &Decoder, labels: &[i32], scores: &[f64]) -> bool {
    dec.batch_is_valid(scores)
        || labels
            .iter()
            .zip(scores.chunks_exact(dec.spec.width()))
            .all(|(&l, row)| l == IGNORED || dec.batch_is_valid(row))
}
