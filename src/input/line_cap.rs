//! The CSV line-length cap: a line (or a quoted record running over many
//! lines) longer than `--max-line-bytes` stops the read with an error naming
//! the file and the line, so that a damaged file, a file with no line ends
//! or `/dev/zero` cannot grow memory without bound.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The default cap: far above any real prediction dump's line (a row of
/// 100 000 scores is a few megabytes), small enough to keep memory flat.
pub const DEFAULT_MAX_LINE: u64 = 64 << 20;

/// Bytes the CSV parser may hold beyond the record it is reading (its
/// read-ahead buffer, and the line-end converter's).
const SLACK: u64 = 2 << 20;

/// A line longer than the cap.
#[derive(Debug)]
pub(crate) struct TooLong {
    /// The cap in bytes.
    pub(crate) cap: u64,
}

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a line longer than {} bytes", self.cap)
    }
}

impl std::error::Error for TooLong {}

/// Counts the bytes handed to the parser since the last record ended
/// ([`Capped::counter`], reset by the reader after each record) and fails
/// once they pass the cap.
pub(crate) struct Capped<R> {
    inner: R,
    since: Arc<AtomicU64>,
    cap: u64,
}

impl<R: Read> Capped<R> {
    /// Caps `inner` at `cap` bytes per record.
    pub(crate) fn new(inner: R, cap: u64) -> Capped<R> {
        Capped {
            inner,
            since: Arc::new(AtomicU64::new(0)),
            cap,
        }
    }

    /// The count to reset (store 0) each time a record is complete.
    pub(crate) fn counter(&self) -> Arc<AtomicU64> {
        self.since.clone()
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let since = self.since.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if since > self.cap.saturating_add(SLACK) {
            return Err(io::Error::other(TooLong { cap: self.cap }));
        }
        Ok(n)
    }
}

/// The cap, if `e` is a [`TooLong`] error.
pub(crate) fn cap_of(e: &csv::Error) -> Option<u64> {
    match e.kind() {
        csv::ErrorKind::Io(io) => io
            .get_ref()
            .and_then(|i| i.downcast_ref::<TooLong>())
            .map(|t| t.cap),
        _ => None,
    }
}

/// The error for a line from `line` on longer than `cap` bytes in `shown`.
pub(crate) fn error(shown: &str, line: u64, cap: u64) -> anyhow::Error {
    anyhow::anyhow!(
        "{shown}: line {line}: the line (or the quoted record starting there) is longer than {cap} bytes, the --max-line-bytes cap; the file may be damaged or not CSV. If its lines really are that long, raise --max-line-bytes"
    )
}
