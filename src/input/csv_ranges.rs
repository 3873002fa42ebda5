//! CSV byte ranges: a planning pass that cuts a plain file into ranges that
//! start and end at line boundaries, and the quote-free parse of one range
//! (a range that finds a quote asks for the file to be read as one stream).

use super::csv::{builder, header_of, CHUNK_BYTES};
use super::csv_columns::Columns;
use super::decode::Decoder;
use super::handle::Handle;
use super::line_ends;
use super::reader::{Restart, Span};
use super::record::{CsvIndex, Rows, SplitLine};
use super::{split, Source};
use crate::engine::UnitAcc;
use anyhow::{anyhow, Result};
use std::io::Read;

/// Bytes per read of a byte range: small enough that what was just copied is
/// still in the core's L2 cache when it is scanned.
const READ_BYTES: usize = 256 << 10;

/// The byte ranges of a plain CSV file. A range's `first` is the data's
/// first line; its own is known once the ranges before it have counted
/// theirs (see [`read_range`]).
pub(crate) fn units(src: &Source, delimiter: u8, max_line: u64) -> Result<Vec<Span>> {
    let (data_start, first) = data_start(src, delimiter)?;
    Ok(plan(src, data_start, max_line)?
        .into_iter()
        .map(|(start, end)| Span::Part { start, end, first })
        .collect())
}

/// Where the data after the header starts: its byte offset and 1-based line.
fn data_start(src: &Source, delimiter: u8) -> Result<(u64, u64)> {
    // Raw bytes here (no LineEnds): the byte offset must be the file's.
    let h = src.handle()?;
    let raw: Box<dyn Read + Send> = Box::new(h.at(0, h.size()));
    let mut r = builder(delimiter, true).from_reader(raw);
    header_of(src, &mut r)?;
    Ok(line_ends::after_header(
        h,
        r.position().byte(),
        r.position().line(),
    )?)
}

/// Cuts `[data_start, EOF)` at the first newline after every [`CHUNK_BYTES`],
/// with a few reads near each cut (each range checks itself for quotes as it is read).
/// A line longer than `max_line` ends the planning: the rest is one range,
/// whose reader stops at that line.
fn plan(src: &Source, data_start: u64, max_line: u64) -> Result<Vec<(u64, u64)>> {
    let h = src.handle()?;
    let size = h.size();
    let mut cuts = Vec::new();
    let mut start = data_start;
    // A cut ends a range after the first `\n` whose end is CHUNK_BYTES or more past its start.
    while start + CHUNK_BYTES - 1 < size {
        match next_newline(h, start + CHUNK_BYTES - 1, max_line)? {
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

/// The offset of the first `\n` at or after `from` and within `limit` bytes of it, if any.
fn next_newline(h: &Handle, from: u64, limit: u64) -> Result<Option<u64>> {
    let mut f = h.at(from, h.size().min(from.saturating_add(limit)));
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
    let mut r = src.handle()?.at(start, end);
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
/// anywhere before the error, or in the range, is a [`Restart`].
pub(crate) fn read_range(
    src: &Source,
    idx: &CsvIndex,
    start: u64,
    end: u64,
    first_line: u64,
    dec: &Decoder,
    acc: &mut UnitAcc,
) -> Result<u64> {
    let quoted = || {
        anyhow::Error::new(Restart {
            path: src.path.clone(),
        })
    };
    // The 1-based line where the range starts, from the lines before it.
    let range_line = || -> Result<u64> {
        let (data_start, _) = data_start(src, dec.delimiter)?;
        let before = scan_range(src, data_start, start)?.ok_or_else(quoted)?;
        Ok(first_line + before)
    };
    let mut r = src.handle()?.at(start, end);
    let mut rows = Rows::new(idx, dec);
    // A full buffer holding no line end is a line of the cap or longer.
    let mut buf = vec![0u8; READ_BYTES.min(dec.max_line as usize)];
    let (mut len, mut eof, mut line) = (0, false, 1);
    let mut fields = Vec::new();
    // Buffers of plainly valid lines are read column by column; the rest row by row.
    let mut columns = Columns::new(idx, dec);
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
        let fast = columns
            .as_mut()
            .and_then(|c| c.read(data, eof, dec, &mut line, &mut rows, acc));
        let used = match fast {
            Some(used) => Ok(used),
            None => split::split(
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
            ),
        };
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
            // One line longer than the buffer: grow it, up to the cap.
            if len as u64 >= dec.max_line {
                let at = range_line()? + line - 1;
                return Err(super::line_cap::error(&src.display(), at, dec.max_line));
            }
            buf.resize((2 * len).min(dec.max_line as usize), 0);
        }
    }
    rows.flush(acc);
    Ok(line - 1)
}
