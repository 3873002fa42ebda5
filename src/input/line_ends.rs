//! Line endings for the CSV parser, so that error and skip locations name the
//! right line whatever the file uses (LF, CRLF, or CR alone).
//!
//! The `csv` crate ends a CRLF record at the `\r` and consumes the `\n` at the
//! start of the *next* record, after it has stamped that record's position; it
//! also stamps a record before skipping blank lines. Both made line numbers
//! wrong (one low per CRLF, one low per blank line). [`LineEnds`] hands the
//! parser LF-only text that always ends in a newline, and [`record_line`]
//! derives a record's first line from the line count after the record, which
//! is then exact: every record ends in exactly one `\n`.

use std::io::{self, Read};

/// A reader that turns `\r\n` and lone `\r` into `\n`, and adds a final `\n`
/// if the stream does not end in one. A `\r` inside a quoted field is data,
/// kept as it is (quotes are `"`, and `""` inside a quoted field is a quote:
/// toggling twice leaves the state as it was).
pub(crate) struct LineEnds<R> {
    inner: R,
    /// The last byte handed out was a `\r` turned into `\n`: drop a leading `\n`.
    after_cr: bool,
    /// The last byte handed out was not a `\n` (and something was handed out).
    open_line: bool,
    /// The inner reader reached its end.
    done: bool,
    /// Inside a quoted field.
    quoted: bool,
}

impl<R: Read> LineEnds<R> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: R) -> LineEnds<R> {
        LineEnds {
            inner,
            after_cr: false,
            open_line: false,
            done: false,
            quoted: false,
        }
    }
}

impl<R: Read> Read for LineEnds<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.done {
                return Ok(0);
            }
            let n = self.inner.read(buf)?;
            if n == 0 {
                self.done = true;
                if self.open_line {
                    self.open_line = false;
                    buf[0] = b'\n';
                    return Ok(1);
                }
                return Ok(0);
            }
            let skip = (self.after_cr && buf[0] == b'\n') as usize;
            self.after_cr = false;
            let w = if memchr::memchr(b'\r', &buf[skip..n]).is_none() {
                // The common case (LF files): nothing to rewrite.
                self.quoted ^= memchr::memchr_iter(b'"', &buf[skip..n]).count() % 2 == 1;
                if skip == 1 {
                    buf.copy_within(1..n, 0);
                }
                n - skip
            } else {
                let mut w = 0;
                let mut i = skip;
                while i < n {
                    let b = buf[i];
                    self.quoted ^= b == b'"';
                    if b == b'\r' && !self.quoted {
                        buf[w] = b'\n';
                        if i + 1 < n {
                            i += (buf[i + 1] == b'\n') as usize;
                        } else {
                            self.after_cr = true;
                        }
                    } else {
                        buf[w] = b;
                    }
                    w += 1;
                    i += 1;
                }
                w
            };
            if w > 0 {
                self.open_line = buf[w - 1] != b'\n';
                return Ok(w);
            }
            // The chunk was only the `\n` of a `\r\n` split across reads.
        }
    }
}

/// The 1-based line a record starts on, from the parser's line count after
/// reading it (`end_line`, counting from 1 at the start of the reader), the
/// count before it (`start_line`, the record's own position stamp) and the
/// record's bytes. Valid for input read through [`LineEnds`].
#[inline]
pub(crate) fn record_line(start_line: u64, end_line: u64, record: &[u8]) -> u64 {
    // Fast path: a one-line record right after the previous one.
    if end_line == start_line + 1 {
        return start_line;
    }
    let inner = memchr::memchr_iter(b'\n', record).count() as u64;
    end_line.saturating_sub(1 + inner).max(start_line)
}

/// Where the data after a CSV header really starts, from the parser's raw
/// position after the header (`byte`, `line`): a header ended by `\r` leaves the
/// parser before the `\n` of `\r\n` and with the line not yet counted.
pub(crate) fn after_header(
    file: &super::handle::Handle,
    byte: u64,
    line: u64,
) -> io::Result<(u64, u64)> {
    if byte == 0 {
        return Ok((byte, line));
    }
    let mut f = file.at(byte - 1, byte + 1);
    let mut two = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        let k = f.read(&mut two[got..])?;
        if k == 0 {
            break;
        }
        got += k;
    }
    Ok(match &two[..got] {
        [b'\r', b'\n'] => (byte + 1, line + 1),
        [b'\r', ..] => (byte, line + 1),
        _ => (byte, line),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `input` through [`LineEnds`] in chunks of `chunk` bytes.
    fn through(input: &[u8], chunk: usize) -> Vec<u8> {
        struct Chunks<'a>(&'a [u8], usize);
        impl Read for Chunks<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = Vec::new();
        LineEnds::new(Chunks(input, chunk))
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn a_carriage_return_inside_quotes_is_kept() {
        for chunk in [1, 2, 3, 7, 1 << 20] {
            assert_eq!(
                through(b"a,\"x\ry\"\r\nb,\"p\"\"\rq\"\r", chunk),
                b"a,\"x\ry\"\nb,\"p\"\"\rq\"\n",
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn crlf_cr_and_missing_final_newline_become_lf() {
        for chunk in [1, 2, 3, 7, 1 << 20] {
            assert_eq!(through(b"a\r\nb\r\n", chunk), b"a\nb\n", "chunk {chunk}");
            assert_eq!(through(b"a\rb\rc", chunk), b"a\nb\nc\n", "chunk {chunk}");
            assert_eq!(through(b"a\r\n\r\nb", chunk), b"a\n\nb\n", "chunk {chunk}");
            assert_eq!(through(b"a\nb\n", chunk), b"a\nb\n", "chunk {chunk}");
            assert_eq!(through(b"", chunk), b"", "chunk {chunk}");
            assert_eq!(through(b"\r", chunk), b"\n", "chunk {chunk}");
        }
    }

    #[test]
    fn record_lines_count_quoted_newlines_and_blank_lines() {
        // one-line record right after the previous one
        assert_eq!(record_line(5, 6, b"0,0.1"), 5);
        // two blank lines before the record
        assert_eq!(record_line(5, 8, b"0,0.1"), 7);
        // a quoted newline inside the record
        assert_eq!(record_line(5, 7, b"0,0.1a\nb"), 5);
    }
}
