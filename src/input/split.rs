//! A line and field splitter for quote-free CSV text (the parallel byte-range
//! path; files with a quote go through the `csv` crate instead).
//!
//! It reads exactly what `csv::Reader` reads through [`super::line_ends::LineEnds`]:
//! lines end at `\n`, `\r\n` or a lone `\r`; empty lines are skipped but counted;
//! the last line needs no terminator; fields are split at the delimiter only
//! (no trimming). Line numbers are exact. It finds delimiters and line ends 64
//! bytes at a time as bit masks, so a row costs a few bit operations per field
//! instead of a state machine step per byte.

/// Bit masks of one window of up to 64 bytes: (delimiters, line ends `\n`/`\r`);
/// bit `i` is byte `i`, bits past the window's end are 0.
#[inline(always)]
fn masks(window: &[u8], delim: u8) -> (u64, u64) {
    if window.len() >= 64 {
        masks64(window[..64].try_into().expect("64 bytes"), delim)
    } else {
        let mut pad = [0u8; 64];
        pad[..window.len()].copy_from_slice(window);
        let (d, t) = masks64(&pad, delim);
        let keep = (1u64 << window.len()) - 1;
        (d & keep, t & keep)
    }
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn masks64(w: &[u8; 64], delim: u8) -> (u64, u64) {
    use std::arch::x86_64::*;
    let (mut md, mut mt) = (0u64, 0u64);
    // SAFETY: SSE2 is part of x86_64 (no runtime check needed); `w` is 64 bytes,
    // so every 16-byte load at 16k (k < 4) is in bounds, and loadu needs no alignment.
    unsafe {
        let (d, nl, cr) = (
            _mm_set1_epi8(delim as i8),
            _mm_set1_epi8(b'\n' as i8),
            _mm_set1_epi8(b'\r' as i8),
        );
        for k in 0..4 {
            let v = _mm_loadu_si128(w.as_ptr().add(16 * k) as *const __m128i);
            let dm = _mm_movemask_epi8(_mm_cmpeq_epi8(v, d)) as u16 as u64;
            let ends = _mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, cr));
            let tm = _mm_movemask_epi8(ends) as u16 as u64;
            md |= dm << (16 * k);
            mt |= tm << (16 * k);
        }
    }
    (md, mt)
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn masks64(w: &[u8; 64], delim: u8) -> (u64, u64) {
    let (mut md, mut mt) = (0u64, 0u64);
    for (i, &c) in w.iter().enumerate() {
        md |= ((c == delim) as u64) << i;
        mt |= ((c == b'\n' || c == b'\r') as u64) << i;
    }
    (md, mt)
}

/// What [`split_into`] reports: the fields and the end of each non-empty line.
pub(crate) trait LineSink {
    /// Why the sink stops the split.
    type Error;
    /// Forgets the fields of an unfinished line (a split starts afresh).
    fn reset(&mut self);
    /// The next field of the current line is `buf[start..end]`.
    fn field(&mut self, start: usize, end: usize);
    /// The current line, `buf[start..end]` on 1-based line `line`, is complete
    /// (its last field was just given); the next field starts a new line.
    fn line(&mut self, line: u64, start: usize, end: usize) -> Result<(), Self::Error>;
}

/// The sink of [`split`]: every field of a line collected, then handed over.
struct Collect<'v, F> {
    fields: &'v mut Vec<(usize, usize)>,
    on_line: F,
}

impl<E, F> LineSink for Collect<'_, F>
where
    F: FnMut(u64, usize, usize, &[(usize, usize)]) -> Result<(), E>,
{
    type Error = E;
    #[inline(always)]
    fn reset(&mut self) {
        self.fields.clear();
    }
    #[inline(always)]
    fn field(&mut self, start: usize, end: usize) {
        self.fields.push((start, end));
    }
    #[inline(always)]
    fn line(&mut self, line: u64, start: usize, end: usize) -> Result<(), E> {
        let r = (self.on_line)(line, start, end, self.fields);
        self.fields.clear();
        r
    }
}

/// Splits the complete lines of `buf` and calls `on_line(line, start, end, fields)`
/// for each non-empty one: its 1-based line number, its bytes `buf[start..end]`
/// (without the terminator) and its fields as `(start, end)` offsets into `buf`.
/// `line` is the number of the first line of `buf` and is advanced past every
/// line consumed. Returns how many bytes were consumed: up to the start of an
/// unterminated last line unless `eof`, when everything is. `delim` must not be
/// `\n` or `\r`.
pub(crate) fn split<E>(
    buf: &[u8],
    eof: bool,
    delim: u8,
    line: &mut u64,
    fields: &mut Vec<(usize, usize)>,
    on_line: impl FnMut(u64, usize, usize, &[(usize, usize)]) -> Result<(), E>,
) -> Result<usize, E> {
    split_into(buf, eof, delim, line, &mut Collect { fields, on_line })
}

/// [`split`] with the fields and line ends given to `sink` as they are found.
#[inline(always)]
pub(crate) fn split_into<S: LineSink>(
    buf: &[u8],
    eof: bool,
    delim: u8,
    line: &mut u64,
    sink: &mut S,
) -> Result<usize, S::Error> {
    debug_assert!(delim != b'\n' && delim != b'\r');
    let n = buf.len();
    // Start of the current line and of its current field.
    let (mut pos, mut fstart) = (0usize, 0usize);
    sink.reset();
    let mut base = 0;
    while base < n {
        let (md, mt) = masks(&buf[base..], delim);
        let mut ev = md | mt;
        while ev != 0 {
            let b = ev.trailing_zeros() as usize;
            ev &= ev - 1;
            let p = base + b;
            if p < pos {
                // The `\n` of a `\r\n` already consumed.
                continue;
            }
            if (md >> b) & 1 == 1 {
                sink.field(fstart, p);
                fstart = p + 1;
                continue;
            }
            let mut next = p + 1;
            if buf[p] == b'\r' {
                if p + 1 == n {
                    if !eof {
                        // Its `\n` may be in the next read.
                        return Ok(pos);
                    }
                } else if buf[p + 1] == b'\n' {
                    next = p + 2;
                }
            }
            if p > pos {
                sink.field(fstart, p);
                sink.line(*line, pos, p)?;
            }
            *line += 1;
            pos = next;
            fstart = next;
        }
        base += 64;
    }
    if !eof {
        return Ok(pos.min(n));
    }
    if pos < n {
        sink.field(fstart, n);
        sink.line(*line, pos, n)?;
        *line += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line, text, fields) of every record of `input`, fed in reads of `chunk` bytes.
    fn records(input: &[u8], chunk: usize) -> Vec<(u64, String, Vec<String>)> {
        let mut out = Vec::new();
        let mut buf: Vec<u8> = Vec::new();
        let mut fields = Vec::new();
        let mut line = 1;
        let mut fed = 0;
        loop {
            let take = chunk.min(input.len() - fed);
            buf.extend_from_slice(&input[fed..fed + take]);
            fed += take;
            let eof = fed == input.len();
            let used = split::<()>(&buf, eof, b',', &mut line, &mut fields, |l, s, e, f| {
                let t = |a: usize, b: usize| String::from_utf8_lossy(&buf[a..b]).into_owned();
                out.push((l, t(s, e), f.iter().map(|&(a, b)| t(a, b)).collect()));
                Ok(())
            })
            .unwrap();
            buf.drain(..used);
            if eof {
                assert!(buf.is_empty());
                return out;
            }
        }
    }

    fn rec(l: u64, t: &str) -> (u64, String, Vec<String>) {
        (l, t.into(), t.split(',').map(String::from).collect())
    }

    #[test]
    fn line_ends_blank_lines_and_last_line_like_the_csv_reader() {
        let long = format!("1,{},x", "9".repeat(150));
        let input = format!("0,0.5,a\r\n\r\n1,,b\rx\n\n{long}\n,,\r\n2,1e-05,  0.5");
        let want = vec![
            rec(1, "0,0.5,a"),
            rec(3, "1,,b"),
            rec(4, "x"),
            rec(6, &long),
            rec(7, ",,"),
            rec(8, "2,1e-05,  0.5"),
        ];
        for chunk in [1, 2, 3, 7, 63, 64, 65, 1 << 20] {
            assert_eq!(records(input.as_bytes(), chunk), want, "chunk {chunk}");
        }
        // A final terminator adds no record; a trailing lone `\r` is one.
        for end in ["\n", "\r\n", "\r"] {
            let t = format!("0,1\n{end}");
            assert_eq!(records(t.as_bytes(), 1), vec![rec(1, "0,1")], "{end:?}");
        }
        assert_eq!(records(b"", 4), vec![]);
        assert_eq!(records(b"\r\n\n\r", 4), vec![]);
    }

    #[test]
    fn masks_mark_every_delimiter_and_line_end() {
        let w: Vec<u8> = (0..100u8)
            .map(|i| [b'a', b',', b'\n', b'\r'][i as usize % 4])
            .collect();
        for len in [0, 1, 5, 63, 64, 100] {
            let (d, t) = masks(&w[..len], b',');
            for (i, &c) in w.iter().enumerate().take(64.min(len)) {
                assert_eq!((d >> i) & 1 == 1, c == b',', "len {len} byte {i}");
                assert_eq!((t >> i) & 1 == 1, c == b'\n' || c == b'\r');
            }
            assert_eq!(
                d >> len.min(63) >> (len >= 64) as u32,
                0,
                "no bits past {len}"
            );
        }
    }
}
