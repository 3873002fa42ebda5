//! CSV input: header, a planning pass that cuts plain files into byte ranges
//! at line boundaries (parsed in parallel), and a sequential path for stdin,
//! gzip and files with quoted fields (a quoted newline would break the cut).

use super::decode::Decoder;
use super::detect::{ColType, Column};
use super::line_ends::{self, LineEnds};
use super::record::{Rows, SplitLine};
use super::{split, Source, Unit};
use crate::engine::Partial;
use crate::model::Loc;
use anyhow::{anyhow, bail, Result};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::sync::Mutex;

/// Nominal bytes per parallel CSV unit (independent of the thread count).
pub const CHUNK_BYTES: u64 = 8 << 20;
pub use super::record::{parse_f64, BATCH_ROWS};
/// Bytes per read of a byte range: small enough that what was just copied is
/// still in the core's L2 cache when it is scanned.
const READ_BYTES: usize = 256 << 10;

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

/// Units for one CSV source: byte ranges for plain files, else one stream
/// (`streamed`: a range of it found a quote, see [`Quoted`]). A range's
/// `first_line` is the data's first line; its own is known once the ranges
/// before it have counted theirs (see [`read_range`]).
pub fn units(src_index: usize, src: &Source, delimiter: u8, streamed: bool) -> Result<Vec<Unit>> {
    // A line-end delimiter would make the splitter's lines wrong: leave it to the csv crate.
    if src.is_stream() || src.gzip || streamed || matches!(delimiter, b'\n' | b'\r') {
        return Ok(vec![Unit::CsvStream { src: src_index }]);
    }
    let (data_start, first_line) = data_start(src, delimiter)?;
    Ok(plan(src, data_start)?
        .into_iter()
        .map(|(start, end)| Unit::CsvRange {
            src: src_index,
            start,
            end,
            first_line,
        })
        .collect())
}

/// Where the data after the header starts: its byte offset and 1-based line.
fn data_start(src: &Source, delimiter: u8) -> Result<(u64, u64)> {
    // Raw bytes here (no LineEnds): the byte offset must be the file's.
    let f = std::fs::File::open(&src.path)
        .map_err(|e| anyhow!("{}: cannot open: {e}", src.display()))?;
    let raw: Box<dyn Read + Send> = Box::new(f);
    let mut r = builder(delimiter, true).from_reader(raw);
    header_of(src, &mut r)?;
    Ok(line_ends::after_header(
        &src.path,
        r.position().byte(),
        r.position().line(),
    )?)
}

/// A byte range held a quote: a quoted field may hold a newline, so the cuts
/// may be wrong and the whole file must be read as one stream. [`super::Dataset::pass`]
/// catches this and reads the file again that way; it is never shown.
#[derive(Debug)]
pub struct Quoted {
    /// The file.
    pub path: std::path::PathBuf,
}

impl std::fmt::Display for Quoted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: quoted fields; reading it again as one stream",
            self.path.display()
        )
    }
}

impl std::error::Error for Quoted {}

/// Cuts `[data_start, EOF)` at the first newline after every [`CHUNK_BYTES`],
/// with a few reads near each cut (each range checks itself for quotes as it is read).
fn plan(src: &Source, data_start: u64) -> Result<Vec<(u64, u64)>> {
    let mut f = std::fs::File::open(&src.path)?;
    let size = f.metadata()?.len();
    let mut cuts = Vec::new();
    let mut start = data_start;
    // A cut ends a range after the first `\n` whose end is CHUNK_BYTES or more past its start.
    while start + CHUNK_BYTES - 1 < size {
        match next_newline(&mut f, start + CHUNK_BYTES - 1)? {
            Some(nl) => {
                cuts.push((start, nl + 1));
                start = nl + 1;
            }
            None => break,
        }
    }
    if size > start {
        cuts.push((start, size));
    }
    Ok(cuts)
}

/// The offset of the first `\n` at or after `from`, if any.
fn next_newline(f: &mut std::fs::File, from: u64) -> Result<Option<u64>> {
    f.seek(SeekFrom::Start(from))?;
    let mut buf = vec![0u8; 64 << 10];
    let mut pos = from;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            return Ok(Some(pos + i as u64));
        }
        pos += n as u64;
    }
}

/// The number of lines ended in `[start, end)` (by `\n`, `\r\n` or a lone `\r`,
/// as the parser counts them), or `None` if it holds a quote.
fn scan_range(src: &Source, start: u64, end: u64) -> Result<Option<u64>> {
    let mut f = std::fs::File::open(&src.path)?;
    f.seek(SeekFrom::Start(start))?;
    let mut r = f.take(end - start);
    let mut buf = vec![0u8; READ_BYTES];
    let mut lines = 0;
    // The previous block ended in `\r` (counted as a line end): a `\n` next is its `\r\n`.
    let mut after_cr = false;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            return Ok(Some(lines));
        }
        let block = &buf[..n];
        if memchr::memchr(b'"', block).is_some() {
            return Ok(None);
        }
        lines += memchr::memchr_iter(b'\n', block).count() as u64;
        if after_cr && block[0] == b'\n' {
            lines -= 1;
        }
        after_cr = false;
        if memchr::memchr(b'\r', block).is_some() {
            // Lone `\r` ends a line too (rare: only old Mac files have them).
            for i in memchr::memchr_iter(b'\r', block) {
                match block.get(i + 1) {
                    Some(b'\n') => {}
                    Some(_) => lines += 1,
                    None => {
                        lines += 1;
                        after_cr = true;
                    }
                }
            }
        }
    }
}

/// Parses the byte range `[start, end)` of a file whose data starts on line
/// `first_line`, and returns how many lines it ended. Line numbers of skipped
/// rows are counted from the range's start (1 is its first line): the pass adds
/// the lines of the ranges before it. An error, which ends the pass, gets its
/// real line number here, by counting the lines before the range. A quote
/// anywhere before the error, or in the range, is [`Quoted`].
pub fn read_range(
    src: &Source,
    start: u64,
    end: u64,
    first_line: u64,
    dec: &Decoder,
    acc: &mut Partial,
) -> Result<u64> {
    let mut f = std::fs::File::open(&src.path)
        .map_err(|e| anyhow!("{}: cannot open: {e}", src.display()))?;
    f.seek(SeekFrom::Start(start))?;
    let quoted = || {
        anyhow::Error::new(Quoted {
            path: src.path.clone(),
        })
    };
    // The 1-based line where the range starts, from the lines before it.
    let range_line = || -> Result<u64> {
        let (data_start, _) = data_start(src, dec.delimiter)?;
        let before = scan_range(src, data_start, start)?.ok_or_else(quoted)?;
        Ok(first_line + before)
    };
    let mut r = f.take(end - start);
    let mut rows = Rows::new(src, dec);
    let mut buf = vec![0u8; READ_BYTES];
    let (mut len, mut eof, mut line) = (0, false, 1);
    let mut fields = Vec::new();
    loop {
        let was = len;
        while len < buf.len() && !eof {
            let n = r.read(&mut buf[len..]).map_err(|e| {
                let after = range_line().map(|l| l + line - 2).unwrap_or(0);
                anyhow!("{}: cannot read past line {after} ({e}); the file may be truncated or still being written", src.display())
            })?;
            eof = n == 0;
            len += n;
        }
        if memchr::memchr(b'"', &buf[was..len]).is_some() {
            return Err(quoted());
        }
        let data = &buf[..len];
        let mut failed = None;
        let used = split::split(
            data,
            eof,
            dec.delimiter,
            &mut line,
            &mut fields,
            |l, a, b, fs| {
                let rec = SplitLine {
                    buf: data,
                    line: (a, b),
                    fields: fs,
                };
                rows.push(&rec, l, src, acc)
                    .inspect_err(|_| failed = Some((l, a, b, fs.to_vec())))
            },
        );
        if let Err(e) = used {
            // Say it again with the real line number (the same row fails the same way).
            let Some((l, a, b, fs)) = failed else {
                return Err(e);
            };
            let rec = SplitLine {
                buf: data,
                line: (a, b),
                fields: &fs,
            };
            let at = range_line()? + l - 1;
            return Err(rows.push(&rec, at, src, acc).err().unwrap_or(e));
        }
        if eof {
            break;
        }
        let used = used?;
        buf.copy_within(used..len, 0);
        len -= used;
        if len == buf.len() {
            // One line longer than the buffer.
            buf.resize(2 * len, 0);
        }
    }
    rows.flush(acc);
    Ok(line - 1)
}

/// Moves the line numbers of a range's skipped rows by the `lines` before it.
pub fn shift_lines(acc: &mut Partial, lines: u64) {
    for (_, locs) in acc.skipped.by_reason.iter_mut() {
        for (_, loc) in locs {
            if let Loc::Line(l) = loc {
                *l += lines;
            }
        }
    }
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
    let mut rec = csv::ByteRecord::new();
    let mut rows = Rows::new(src, dec);
    loop {
        let more = r.read_byte_record(&mut rec).map_err(|e| {
            // With byte records and flexible widths the only errors are I/O ones
            // (a truncated or corrupt gzip stream, a read failure).
            let after = r.position().line().saturating_sub(1) + line_base;
            anyhow!("{}: cannot read past line {after} ({e}); the file may be truncated, still being written, or not valid gzip", src.display())
        })?;
        if !more {
            rows.flush(acc);
            return Ok(());
        }
        let start = rec.position().map(|p| p.line()).unwrap_or(1);
        let line = line_ends::record_line(start, r.position().line(), rec.as_slice()) + line_base;
        rows.push(&rec, line, src, acc)?;
    }
}
