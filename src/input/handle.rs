//! One opened input file, read through the one handle opened at the start:
//! every unit reads its bytes at its own offsets through that handle (never
//! by opening the path again, which another program may have renamed a
//! different file onto), and [`Handle::check`] fails when the file changed
//! size or modification time while it was read.

use anyhow::{bail, Result};
use bytes::Bytes;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::time::SystemTime;

/// Bytes read at a time where page headers are read: a few headers' worth.
pub(crate) const HEADER_READ: usize = 1 << 10;

/// A regular file opened once, with its size and modification time at opening.
#[derive(Clone, Debug)]
pub(crate) struct Handle {
    file: Arc<File>,
    size: u64,
    mtime: Option<SystemTime>,
}

impl Handle {
    /// Takes over an opened file, noting its size and modification time.
    pub(crate) fn new(file: File) -> io::Result<Handle> {
        let meta = file.metadata()?;
        Ok(Handle {
            size: meta.len(),
            mtime: meta.modified().ok(),
            file: Arc::new(file),
        })
    }

    /// The file's size when it was opened; reads stop there.
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// A reader of bytes `start..end` (cut at the size at opening), with
    /// its own position: readers on other threads do not disturb it.
    pub(crate) fn at(&self, start: u64, end: u64) -> At {
        At {
            file: self.file.clone(),
            pos: start,
            end: end.min(self.size),
        }
    }

    /// Fails, naming the file (`shown`), when its size or modification time
    /// differ from those at opening: a report would mix two versions of it.
    pub(crate) fn check(&self, shown: &str) -> Result<()> {
        let meta = self.file.metadata();
        let (size, mtime) = match &meta {
            Ok(m) => (m.len(), m.modified().ok()),
            Err(e) => bail!("{shown}: cannot check the file after reading it ({e})"),
        };
        if size != self.size {
            bail!(
                "{shown}: the file changed while it was read (its size went from {} to {size} bytes); run flcli again once the writer has finished",
                self.size
            );
        }
        if mtime != self.mtime {
            bail!("{shown}: the file changed while it was read (its modification time moved); run flcli again once the writer has finished");
        }
        Ok(())
    }
}

/// Reads `buf.len()` bytes or fewer at `pos`, without moving any shared offset.
fn read_at(file: &File, buf: &mut [u8], pos: u64) -> io::Result<usize> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_at(file, buf, pos)
    }
    #[cfg(windows)]
    {
        std::os::windows::fs::FileExt::seek_read(file, buf, pos)
    }
}

/// A positioned reader over part of a [`Handle`]'s file.
#[derive(Debug)]
pub(crate) struct At {
    file: Arc<File>,
    pos: u64,
    end: u64,
}

impl Read for At {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.end.saturating_sub(self.pos);
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        if want == 0 {
            return Ok(0);
        }
        let n = read_at(&self.file, &mut buf[..want], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for At {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.end.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        match pos {
            Some(p) => {
                self.pos = p;
                Ok(p)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )),
        }
    }
}

impl parquet::file::reader::Length for Handle {
    fn len(&self) -> u64 {
        self.size
    }
}

impl parquet::file::reader::ChunkReader for Handle {
    type T = io::BufReader<At>;

    /// The Parquet reader reads each page header through one of these, then
    /// the page with [`Self::get_bytes`]: a buffer the size of a few headers
    /// keeps it from copying kilobytes of page data it does not use.
    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        Ok(io::BufReader::with_capacity(
            HEADER_READ,
            self.at(start, self.size),
        ))
    }

    /// Refuses a range past the end before allocating for it: a damaged
    /// footer's sizes never decide how much memory is taken.
    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        let end = start.checked_add(length as u64).filter(|&e| e <= self.size);
        if end.is_none() {
            return Err(parquet::errors::ParquetError::EOF(format!(
                "{length} bytes at byte {start} would end past the end of the file ({} bytes)",
                self.size
            )));
        }
        let mut buf = Vec::with_capacity(length);
        while buf.len() < length {
            let at = start + buf.len() as u64;
            if read_spare(&self.file, &mut buf, length, at)? == 0 {
                return Err(parquet::errors::ParquetError::EOF(format!(
                    "the file ended at byte {at} while reading {length} bytes at byte {start}"
                )));
            }
        }
        Ok(buf.into())
    }
}

/// Reads at `pos` into `buf`'s room after its length, up to `want` bytes in
/// all, and extends `buf` by the bytes read. On Linux the room is not zeroed
/// first: the pages of a column chunk add up to megabytes, and clearing them
/// before the kernel overwrites them cost about a quarter of the copy itself.
fn read_spare(file: &File, buf: &mut Vec<u8>, want: usize, pos: u64) -> io::Result<usize> {
    let room = want
        .saturating_sub(buf.len())
        .min(buf.capacity() - buf.len());
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let off = libc::off_t::try_from(pos)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "offset too large"))?;
        let spare = buf.spare_capacity_mut();
        // SAFETY: `spare` is `buf`'s allocated but unused room, at least `room`
        // bytes long; pread writes at most `room` bytes into it and returns how
        // many it wrote, and only those become part of `buf` (set_len below).
        let n = unsafe { libc::pread(file.as_raw_fd(), spare.as_mut_ptr().cast(), room, off) };
        if n < 0 {
            let e = io::Error::last_os_error();
            return if e.kind() == io::ErrorKind::Interrupted {
                read_spare(file, buf, want, pos)
            } else {
                Err(e)
            };
        }
        let n = n as usize;
        // SAFETY: pread initialised the first n ≤ room bytes of the spare room.
        unsafe { buf.set_len(buf.len() + n) };
        Ok(n)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let old = buf.len();
        buf.resize(old + room, 0);
        let n = read_at(file, &mut buf[old..], pos)?;
        buf.truncate(old + n);
        Ok(n)
    }
}

/// Debug builds only: once the inputs are opened and their headers read,
/// says so on stderr and waits `FLCLI_TEST_STALL_AFTER_OPEN_MS`, so a test
/// can change or replace a file at a known point before its rows are read.
pub(crate) fn stall_for_tests() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("FLCLI_TEST_STALL_AFTER_OPEN_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "flcli test stall: inputs opened");
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}
