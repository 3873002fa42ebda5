//! Checks the sizes an Arrow IPC file states (footer, message metadata,
//! bodies, compressed buffers) against the file's length before the
//! `arrow-ipc` reader allocates by them, and counts the rows of each record
//! batch so that units know where they start.

use super::handle::At;
use arrow_ipc::{root_as_footer, root_as_message};
use std::io::{Read, Seek, SeekFrom};

/// Largest metadata or footer flcli reads (real ones are a few kilobytes).
const MAX_META: u64 = 64 << 20;

/// A damaged file: what is wrong, in words.
pub(crate) type Damage = String;

fn read_at(f: &mut At, pos: u64, buf: &mut [u8]) -> Result<(), Damage> {
    f.seek(SeekFrom::Start(pos))
        .and_then(|_| f.read_exact(buf))
        .map_err(|e| format!("cannot read {} bytes at byte {pos}: {e}", buf.len()))
}

/// The largest uncompressed buffer accepted: generous (data compresses
/// well), but finite, so that a damaged length cannot ask for exabytes.
fn max_uncompressed(size: u64) -> u64 {
    size.saturating_mul(64).max(1 << 30)
}

/// Reads the message whose length prefix starts at `pos` and ends by `end`:
/// `None` at the end-of-stream marker or at `end`, else the offset after the
/// message and, for a record batch, its row count.
fn message_at(
    f: &mut At,
    pos: u64,
    end: u64,
    size: u64,
) -> Result<Option<(u64, Option<u64>)>, Damage> {
    if pos == end {
        return Ok(None);
    }
    let cut = || format!("the message at byte {pos} is cut off");
    if pos + 4 > end {
        return Err(cut());
    }
    let mut word = [0u8; 4];
    read_at(f, pos, &mut word)?;
    let mut prefix = 4;
    if word == [0xff; 4] {
        if pos + 8 > end {
            return Err(cut());
        }
        read_at(f, pos + 4, &mut word)?;
        prefix = 8;
    }
    let len = i32::from_le_bytes(word);
    if len == 0 {
        return Ok(None);
    }
    let meta_end = pos + prefix + len.max(0) as u64;
    if len < 0 || meta_end > end || len as u64 > MAX_META {
        return Err(format!(
            "the message at byte {pos} states {len} bytes of metadata, which the file does not hold"
        ));
    }
    let mut meta = vec![0u8; len as usize];
    read_at(f, pos + prefix, &mut meta)?;
    let msg = root_as_message(&meta)
        .map_err(|e| format!("the message at byte {pos} is not an IPC message ({e})"))?;
    let body = msg.bodyLength();
    if body < 0 || meta_end.checked_add(body as u64).is_none_or(|e| e > end) {
        return Err(format!(
            "the message at byte {pos} states a body of {body} bytes, which the file does not hold"
        ));
    }
    let next = meta_end + body as u64;
    let Some(rb) = msg.header_as_record_batch() else {
        return Ok(Some((next, None)));
    };
    if rb.length() < 0 {
        return Err(format!(
            "the record batch at byte {pos} states {} rows",
            rb.length()
        ));
    }
    if let (Some(_), Some(buffers)) = (rb.compression(), rb.buffers()) {
        // A compressed buffer starts with its uncompressed length, which the
        // reader allocates at once.
        for b in buffers.iter().filter(|b| b.length() >= 8) {
            let end = b.offset().checked_add(b.length());
            if b.offset() < 0 || end.is_none_or(|e| e > body) {
                return Err(format!(
                    "a buffer of the record batch at byte {pos} lies outside its body"
                ));
            }
            let mut n = [0u8; 8];
            read_at(f, meta_end + b.offset() as u64, &mut n)?;
            let n = i64::from_le_bytes(n);
            if n > 0 && n as u64 > max_uncompressed(size) {
                return Err(format!(
                    "a compressed buffer of the record batch at byte {pos} states {n} bytes uncompressed"
                ));
            }
        }
    }
    Ok(Some((next, Some(rb.length() as u64))))
}

/// The row count of every record batch of an IPC stream of `size` bytes.
pub(crate) fn scan_stream(f: &mut At, size: u64) -> Result<Vec<u64>, Damage> {
    let mut rows = Vec::new();
    let mut pos = 0;
    while let Some((next, r)) = message_at(f, pos, size, size)? {
        rows.extend(r);
        pos = next;
    }
    Ok(rows)
}

/// The row count of every record batch of an IPC file of `size` bytes,
/// from its footer (whose blocks are checked against the file).
pub(crate) fn scan_file(f: &mut At, size: u64) -> Result<Vec<u64>, Damage> {
    let mut tail = [0u8; 10];
    if size < 18 {
        return Err("the file is too short to hold a footer".into());
    }
    read_at(f, size - 10, &mut tail)?;
    if &tail[4..] != b"ARROW1" {
        return Err("the file does not end with the magic bytes ARROW1".into());
    }
    let len = i32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
    if len < 0 || len as u64 > MAX_META || len as u64 + 18 > size {
        return Err(format!(
            "the footer states {len} bytes, which the file does not hold"
        ));
    }
    let footer_start = size - 10 - len as u64;
    let mut buf = vec![0u8; len as usize];
    read_at(f, footer_start, &mut buf)?;
    let footer = root_as_footer(&buf).map_err(|e| format!("the footer is damaged ({e})"))?;
    let blocks = footer.recordBatches().into_iter().flatten();
    let dicts = footer.dictionaries().into_iter().flatten();
    let mut rows = Vec::new();
    let all = dicts.map(|b| (false, b)).chain(blocks.map(|b| (true, b)));
    for (i, (is_batch, b)) in all.enumerate() {
        let (off, meta, body) = (b.offset(), b.metaDataLength(), b.bodyLength());
        let end = (off.max(0) as u64)
            .checked_add(meta.max(0) as u64)
            .and_then(|e| e.checked_add(body.max(0) as u64));
        if off < 8 || meta < 0 || body < 0 || end.is_none_or(|e| e > footer_start) {
            return Err(format!(
                "block {i} of the footer (offset {off}, {meta} + {body} bytes) lies outside the file"
            ));
        }
        let end = end.unwrap_or(footer_start);
        match message_at(f, off as u64, end, size)? {
            Some((_, Some(r))) if is_batch => rows.push(r),
            _ if !is_batch => {}
            _ => return Err(format!("block {i} of the footer is not a record batch")),
        }
    }
    Ok(rows)
}
