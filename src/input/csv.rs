//! CSV input: the header, and the reader of one CSV file. Plain files are
//! cut into byte ranges at line boundaries and parsed in parallel
//! ([`super::csv_ranges`]); stdin, pipes, gzip and files with quoted fields
//! (a quoted newline would break a cut) are read sequentially here.

use super::decode::Decoder;
use super::detect::{ColType, Column, Layout, Scores};
use super::handle::Handle;
use super::line_cap;
use super::line_ends::{self, LineEnds};
use super::reader::{Kind, Reader, Span};
use super::record::{CsvIndex, Rows};
use super::{csv_ranges, InputOptions, Source};
use crate::engine::UnitAcc;
use anyhow::{anyhow, bail, Result};
use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Nominal bytes per parallel CSV unit (independent of the thread count).
pub const CHUNK_BYTES: u64 = 8 << 20;

/// A CSV reader of a whole file or stream, capped at `--max-line-bytes` per record.
pub(super) struct Stream {
    r: csv::Reader<Box<dyn Read + Send>>,
    /// Bytes read since the last record ended: reset after each record.
    since: Arc<AtomicU64>,
}

/// The CSV format: text with a header row, optionally gzip-compressed; the
/// fallback for files no other format claims, and the format of stdin.
pub(crate) struct Csv;

impl Kind for Csv {
    fn name(&self) -> &'static str {
        "csv"
    }
    fn about(&self) -> &'static str {
        "CSV with a header row (optionally gzip-compressed)"
    }
    fn title(&self) -> &'static str {
        "CSV"
    }
    fn extensions(&self) -> &'static [&'static str] {
        &[".csv", ".csv.gz", ".tsv", ".txt"]
    }
    fn needs_file(&self) -> bool {
        false
    }
    fn open(&self, _shown: &str, _file: &Handle, head: &[u8]) -> Result<Box<dyn Reader>> {
        Ok(Box::new(CsvFile {
            gzip: head.starts_with(&[0x1f, 0x8b]),
            ..CsvFile::default()
        }))
    }
    fn open_stream(&self) -> Box<dyn Reader> {
        Box::new(CsvFile::default())
    }
}

/// One CSV file, stdin or pipe.
#[derive(Default)]
pub(crate) struct CsvFile {
    /// Gzip-compressed (known from the first bytes of a regular file).
    gzip: bool,
    /// Where the needed columns sit in this file's header.
    index: CsvIndex,
    /// stdin and pipes can be read once: the reader that read the header keeps the rest.
    stream: Mutex<Option<Stream>>,
}

impl std::fmt::Debug for CsvFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvFile")
            .field("gzip", &self.gzip)
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl Reader for CsvFile {
    fn columns(&self, src: &Source, opts: &InputOptions) -> Result<Vec<Column>> {
        let mut s = open_stream(src, self.gzip, opts.delimiter, opts.max_line)?;
        let names = header_of(src, &mut s.r)?;
        s.since.store(0, Ordering::Relaxed);
        let mut cols: Vec<Column> = names
            .into_iter()
            .map(|name| Column {
                name,
                ty: ColType::Unknown,
            })
            .collect();
        if src.is_stream() {
            *self.stream.lock().unwrap_or_else(|p| p.into_inner()) = Some(s);
        } else {
            mark_text_lists(&mut s.r, &mut cols);
        }
        Ok(cols)
    }

    fn bind(
        &mut self,
        shown: &str,
        layout: &Layout,
        cols: &[Column],
        opts: &InputOptions,
    ) -> Result<()> {
        let Scores::Columns(sc) = &layout.scores else {
            bail!("{shown}: list-typed score columns exist only in Parquet; name the CSV score columns with --probs/--logits");
        };
        // By name through a map: a dump may have tens of thousands of score columns.
        let at: std::collections::HashMap<&str, usize> = cols
            .iter()
            .enumerate()
            .rev()
            .map(|(i, c)| (c.name.as_str(), i))
            .collect();
        let pos = |n: &str| at.get(n).copied().unwrap_or(0);
        self.index = CsvIndex {
            width: cols.len(),
            label: pos(&layout.label),
            scores: sc.iter().map(|n| pos(n)).collect(),
            targets: match &layout.targets {
                None => Vec::new(),
                Some(super::Targets::Columns(t)) => t.iter().map(|n| pos(n)).collect(),
                Some(super::Targets::List(c) | super::Targets::MultiHot(c)) => bail!("{shown}: the label column {} holds lists, which CSV cannot: give one 0/1 column per class with --targets, or save the dump as Parquet", crate::text::quoted(c)),
            },
            by: opts.by.as_deref().map(pos),
        };
        Ok(())
    }

    fn units(&self, src: &Source, opts: &InputOptions, whole: bool) -> Result<Vec<Span>> {
        let d = opts.delimiter;
        // A line-end delimiter would make the splitter's lines wrong: leave it to the csv crate.
        if src.is_stream() || self.gzip || whole || matches!(d, b'\n' | b'\r') {
            return Ok(vec![Span::Whole]);
        }
        csv_ranges::units(src, d, opts.max_line)
    }

    fn read(
        &self,
        src: &Source,
        span: &Span,
        dec: &Decoder,
        acc: &mut UnitAcc,
    ) -> Result<Option<u64>> {
        match *span {
            Span::Whole => {
                self.read_stream(src, dec, acc)?;
                Ok(None)
            }
            Span::Part { start, end, first } => {
                let lines = csv_ranges::read_range(src, &self.index, start, end, first, dec, acc)?;
                Ok(Some(lines))
            }
        }
    }
}

/// Marks the columns whose first data cell is a list written as text, so
/// that detection can say how to save the dump before any row is read. A
/// first row that cannot be read is left to the reading pass, which reports
/// it with its line. (A pipe is not peeked: its rows are read only once.)
fn mark_text_lists<R: Read>(r: &mut csv::Reader<R>, cols: &mut [Column]) {
    let mut rec = csv::ByteRecord::new();
    if !matches!(r.read_byte_record(&mut rec), Ok(true)) {
        return;
    }
    let line = rec.position().map_or(2, |p| p.line());
    for (c, cell) in cols.iter_mut().zip(rec.iter()) {
        let text = String::from_utf8_lossy(cell);
        if list_as_text(&text) {
            c.ty = ColType::TextList {
                line,
                cell: text.into_owned(),
            };
        }
    }
}

/// Whether a cell reads as a list written as text: numbers (or quoted names)
/// in brackets, separated by commas or spaces, as pandas writes a numpy array
/// (`[0.1 0.9]`, elided as `...` when long) or a Python list (`[0.1, 0.9]`,
/// `['cat', 'dog']`). A bracketed name such as `[PAD]` is not one.
fn list_as_text(cell: &str) -> bool {
    let Some(inner) = cell
        .trim()
        .strip_prefix('[')
        .and_then(|c| c.strip_suffix(']'))
    else {
        return false;
    };
    let quoted = |t: &str| {
        t.len() >= 2
            && ((t.starts_with('\'') && t.ends_with('\''))
                || (t.starts_with('"') && t.ends_with('"')))
    };
    inner
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .all(|t| t == "..." || t.parse::<f64>().is_ok() || quoted(t))
}

pub(super) fn builder(delimiter: u8, headers: bool) -> csv::ReaderBuilder {
    let mut b = csv::ReaderBuilder::new();
    b.delimiter(delimiter).has_headers(headers).flexible(true);
    b
}

fn open_stream(src: &Source, gzip: bool, delimiter: u8, cap: u64) -> Result<Stream> {
    let raw: Box<dyn Read + Send> = if src.is_stdin() {
        Box::new(std::io::stdin())
    } else if let Some(h) = &src.handle {
        Box::new(h.at(0, h.size()))
    } else {
        // A pipe, opened only now that it is read (see source::classify).
        Box::new(
            std::fs::File::open(&src.path)
                .map_err(|e| anyhow!("{}: cannot open: {e}", src.display()))?,
        )
    };
    let mut buf = BufReader::with_capacity(1 << 20, raw);
    let mut gzip = gzip;
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
    let capped = line_cap::Capped::new(LineEnds::new(raw), cap);
    let since = capped.counter();
    let raw: Box<dyn Read + Send> = Box::new(capped);
    Ok(Stream {
        r: builder(delimiter, true)
            .buffer_capacity(1 << 20)
            .from_reader(raw),
        since,
    })
}

pub(super) fn header_of<R: Read>(src: &Source, r: &mut csv::Reader<R>) -> Result<Vec<String>> {
    let h = r.byte_headers().map_err(|e| match line_cap::cap_of(&e) {
        Some(cap) => line_cap::error(&src.display(), 1, cap),
        None => anyhow!("{}: cannot read the CSV header: {e}", src.display()),
    })?;
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

impl CsvFile {
    /// Parses the whole file sequentially (its header is consumed first).
    fn read_stream(&self, src: &Source, dec: &Decoder, acc: &mut UnitAcc) -> Result<()> {
        let r = if src.is_stream() {
            self.stream
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take()
                .ok_or_else(|| anyhow!("{}: already read", src.display()))?
        } else {
            let mut s = open_stream(src, self.gzip, dec.delimiter, dec.max_line)?;
            header_of(src, &mut s.r)?;
            s.since.store(0, Ordering::Relaxed);
            s
        };
        read_records(src, &self.index, r, 0, dec, acc)
    }
}

fn read_records(
    src: &Source,
    idx: &CsvIndex,
    s: Stream,
    line_base: u64,
    dec: &Decoder,
    acc: &mut UnitAcc,
) -> Result<()> {
    let Stream { mut r, since } = s;
    let mut rec = csv::ByteRecord::new();
    let mut rows = Rows::new(idx, dec);
    loop {
        // Where the next record starts (what a line over the cap is reported at).
        let next = r.position().line() + line_base;
        let more = r.read_byte_record(&mut rec).map_err(|e| {
            if let Some(cap) = line_cap::cap_of(&e) {
                return line_cap::error(&src.display(), next, cap);
            }
            // With byte records and flexible widths the only errors are I/O ones
            // (a truncated or corrupt gzip stream, a read failure).
            let after = r.position().line().saturating_sub(1) + line_base;
            anyhow!("{}: cannot read past line {after} ({e}); the file may be truncated, still being written, or not valid gzip", src.display())
        })?;
        if !more {
            rows.flush(acc);
            return Ok(());
        }
        since.store(0, Ordering::Relaxed);
        let start = rec.position().map(|p| p.line()).unwrap_or(1);
        let line = line_ends::record_line(start, r.position().line(), rec.as_slice()) + line_base;
        if rec.as_slice().len() as u64 > dec.max_line {
            return Err(line_cap::error(&src.display(), next, dec.max_line));
        }
        rows.push(&rec, line, src, acc)?;
    }
}
