//! CSV input: header, a planning pass that cuts plain files into byte ranges
//! at line boundaries (parsed in parallel), and a sequential path for stdin,
//! gzip and files with quoted fields (a quoted newline would break the cut).

use super::decode::Decoder;
use super::detect::{ColType, Column};
use super::line_ends::{self, LineEnds};
use super::{CsvIndex, Source, Unit};
use crate::loss::accum::{Loc, SkipReason};
use crate::loss::kernel::{Batch, SKIPPED};
use crate::loss::Partial;
use anyhow::{anyhow, bail, Result};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::sync::Mutex;

/// Nominal bytes per parallel CSV unit (independent of the thread count).
pub const CHUNK_BYTES: u64 = 8 << 20;
/// Rows per batch handed to the kernels.
pub const BATCH_ROWS: usize = 32 * 1024;

type Stream = csv::Reader<Box<dyn Read + Send>>;

/// stdin and pipes can be read once: the reader that read the header keeps the rest.
static STREAMS: Mutex<Vec<(std::path::PathBuf, Stream)>> = Mutex::new(Vec::new());

fn builder(delimiter: u8, headers: bool) -> csv::ReaderBuilder {
    let mut b = csv::ReaderBuilder::new();
    b.delimiter(delimiter).has_headers(headers).flexible(true);
    b
}

fn open_stream(src: &Source, delimiter: u8) -> Result<Stream> {
    let raw: Box<dyn Read + Send> = if src.is_stdin() {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(&src.path)
                .map_err(|e| anyhow!("{}: cannot open: {e}", src.display()))?,
        )
    };
    let mut buf = BufReader::with_capacity(1 << 20, raw);
    let mut gzip = src.gzip;
    if src.is_stream() {
        // stdin and pipes were not sniffed (that would eat their first bytes): peek now.
        let head = buf
            .fill_buf()
            .map_err(|e| anyhow!("{}: cannot read: {e}", src.display()))?;
        if head.starts_with(b"PAR1") {
            bail!("{}: this is Parquet, which needs a file flcli can seek in, not a pipe: save it to a file first", src.display());
        }
        gzip = head.starts_with(&[0x1f, 0x8b]);
    }
    let raw: Box<dyn Read + Send> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(buf))
    } else {
        Box::new(buf)
    };
    // LF-only text, so that record line numbers are exact (see line_ends).
    let raw: Box<dyn Read + Send> = Box::new(LineEnds::new(raw));
    Ok(builder(delimiter, true)
        .buffer_capacity(1 << 20)
        .from_reader(raw))
}

fn header_of(src: &Source, r: &mut Stream) -> Result<Vec<String>> {
    let h = r
        .byte_headers()
        .map_err(|e| anyhow!("{}: cannot read the CSV header: {e}", src.display()))?;
    if h.is_empty() || (h.len() == 1 && h[0].is_empty()) {
        bail!(
            "{}: the file has no header row; flcli needs a CSV header naming the columns",
            src.display()
        );
    }
    let mut names = Vec::with_capacity(h.len());
    for (i, f) in h.iter().enumerate() {
        let f = if i == 0 {
            f.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(f)
        } else {
            f
        };
        names.push(
            std::str::from_utf8(f)
                .map_err(|_| {
                    anyhow!(
                        "{}: line 1: column {} of the header is not UTF-8 text",
                        src.display(),
                        i + 1
                    )
                })?
                .trim()
                .to_string(),
        );
    }
    Ok(names)
}

/// The header's columns.
pub fn columns(src: &Source, delimiter: u8) -> Result<Vec<Column>> {
    let mut r = open_stream(src, delimiter)?;
    let names = header_of(src, &mut r)?;
    if src.is_stream() {
        STREAMS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((src.path.clone(), r));
    }
    Ok(names
        .into_iter()
        .map(|name| Column {
            name,
            ty: ColType::Unknown,
        })
        .collect())
}

/// Units for one CSV source: byte ranges for plain files without quotes, else one stream.
pub fn units(src_index: usize, src: &Source, delimiter: u8) -> Result<Vec<Unit>> {
    if src.is_stream() || src.gzip {
        return Ok(vec![Unit::CsvStream { src: src_index }]);
    }
    // Raw bytes here (no LineEnds): the byte offset must be the file's.
    let f = std::fs::File::open(&src.path)
        .map_err(|e| anyhow!("{}: cannot open: {e}", src.display()))?;
    let raw: Box<dyn Read + Send> = Box::new(f);
    let mut r = builder(delimiter, true).from_reader(raw);
    header_of(src, &mut r)?;
    let (data_start, first_line) =
        line_ends::after_header(&src.path, r.position().byte(), r.position().line())?;
    match plan(src, data_start, first_line)? {
        Some(ranges) => Ok(ranges
            .into_iter()
            .map(|(start, end, first_line)| Unit::CsvRange {
                src: src_index,
                start,
                end,
                first_line,
            })
            .collect()),
        None => Ok(vec![Unit::CsvStream { src: src_index }]),
    }
}

/// Cuts `[data_start, EOF)` at the first newline after every [`CHUNK_BYTES`];
/// `None` if the data holds a quote (a quoted newline would make a cut wrong).
fn plan(src: &Source, data_start: u64, first_line: u64) -> Result<Option<Vec<(u64, u64, u64)>>> {
    let mut f = std::fs::File::open(&src.path)?;
    f.seek(SeekFrom::Start(data_start))?;
    let mut buf = vec![0u8; 1 << 20];
    let (mut pos, mut line) = (data_start, first_line);
    let mut out = Vec::new();
    let (mut start, mut start_line) = (data_start, first_line);
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        let block = &buf[..n];
        if memchr::memchr(b'"', block).is_some() {
            return Ok(None);
        }
        for nl in memchr::memchr_iter(b'\n', block) {
            line += 1;
            let after = pos + nl as u64 + 1;
            if after - start >= CHUNK_BYTES {
                out.push((start, after, start_line));
                start = after;
                start_line = line;
            }
        }
        pos += n as u64;
    }
    if pos > start {
        out.push((start, pos, start_line));
    }
    Ok(Some(out))
}

/// Parses the byte range `[start, end)` whose first line is `first_line`.
pub fn read_range(
    src: &Source,
    start: u64,
    end: u64,
    first_line: u64,
    dec: &Decoder,
    acc: &mut Partial,
) -> Result<()> {
    let mut f = std::fs::File::open(&src.path)
        .map_err(|e| anyhow!("{}: cannot open: {e}", src.display()))?;
    f.seek(SeekFrom::Start(start))?;
    let raw: Box<dyn Read + Send> = Box::new(LineEnds::new(f.take(end - start)));
    let r = builder(dec.delimiter, false)
        .buffer_capacity(1 << 20)
        .from_reader(raw);
    read_records(src, r, first_line - 1, dec, acc)
}

/// Parses a whole stream sequentially (its header is consumed first).
pub fn read_stream(src: &Source, dec: &Decoder, acc: &mut Partial) -> Result<()> {
    let r = if src.is_stream() {
        let mut streams = STREAMS.lock().unwrap_or_else(|p| p.into_inner());
        let i = streams
            .iter()
            .position(|(p, _)| *p == src.path)
            .ok_or_else(|| anyhow!("{}: already read", src.display()))?;
        streams.swap_remove(i).1
    } else {
        let mut r = open_stream(src, dec.delimiter)?;
        header_of(src, &mut r)?;
        r
    };
    read_records(src, r, 0, dec, acc)
}

fn read_records(
    src: &Source,
    mut r: Stream,
    line_base: u64,
    dec: &Decoder,
    acc: &mut Partial,
) -> Result<()> {
    let w = dec.spec.width();
    let idx = src.csv_index.clone().unwrap_or_default();
    let mut rec = csv::ByteRecord::new();
    let mut batch = Batch::default();
    let mut row = vec![0f64; w];
    let mut groups: Vec<usize> = Vec::new();
    loop {
        let more = r.read_byte_record(&mut rec).map_err(|e| {
            // With byte records and flexible widths the only errors are I/O ones
            // (a truncated or corrupt gzip stream, a read failure).
            let after = r.position().line().saturating_sub(1) + line_base;
            anyhow!("{}: cannot read past line {after} ({e}); the file may be truncated, still being written, or not valid gzip", src.display())
        })?;
        if more {
            let start = rec.position().map(|p| p.line()).unwrap_or(1);
            let line =
                line_ends::record_line(start, r.position().line(), rec.as_slice()) + line_base;
            acc.rows_read += 1;
            let code = parse_record(&rec, &idx, Loc::Line(line), src, dec, acc, &mut row)?;
            batch.labels.push(code);
            batch.scores.extend_from_slice(&row);
            if let Some(b) = idx.by {
                // A ragged line may lack the field: it is counted as skipped in the group "(null)".
                let key = rec.get(b).map(String::from_utf8_lossy);
                groups.push(dec.group_of(src, key.as_deref().unwrap_or("(null)"), acc)?);
            }
        }
        if batch.labels.len() >= BATCH_ROWS || (!more && !batch.labels.is_empty()) {
            dec.sink(&batch, idx.by.map(|_| groups.as_slice()), acc);
            batch.labels.clear();
            batch.scores.clear();
            groups.clear();
        }
        if !more {
            return Ok(());
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn parse_record(
    rec: &csv::ByteRecord,
    idx: &CsvIndex,
    at: Loc,
    src: &Source,
    dec: &Decoder,
    acc: &mut Partial,
    row: &mut [f64],
) -> Result<i32> {
    if rec.len() != idx.width {
        let problem = format!(
            "the line has {} fields, the header has {}",
            rec.len(),
            idx.width
        );
        dec.invalid(
            src,
            at,
            "(whole line)",
            &rec.iter()
                .map(String::from_utf8_lossy)
                .collect::<Vec<_>>()
                .join(&char::from(dec.delimiter).to_string()),
            SkipReason::BadShape,
            &problem,
            acc,
        )?;
        return Ok(SKIPPED);
    }
    let label_raw = &rec[idx.label];
    let code = match std::str::from_utf8(label_raw) {
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
    };
    if code == SKIPPED {
        return Ok(code);
    }
    for (j, &c) in idx.scores.iter().enumerate() {
        let raw = &rec[c];
        match parse_f64(raw) {
            Some(v) => row[j] = v,
            None => {
                let v = String::from_utf8_lossy(raw);
                let (reason, problem) = if v.trim().is_empty() {
                    (SkipReason::Null, "value is empty")
                } else {
                    (SkipReason::Unparsable, "value is not a number")
                };
                dec.invalid(src, at, &dec.score_cols[j], &v, reason, problem, acc)?;
                return Ok(SKIPPED);
            }
        }
    }
    Ok(if dec.check_row(code, row, src, at, acc)? {
        code
    } else {
        SKIPPED
    })
}

/// Parses a number, allowing surrounding spaces.
#[inline]
pub fn parse_f64(raw: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(raw).ok()?.trim();
    s.parse::<f64>().ok()
}
