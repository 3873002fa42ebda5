//! The zip container of `.npz` files: the central directory (ZIP64 too, which
//! `np.savez` always asks for) and where each member's bytes start, read
//! with a few seeks; members are stored (`np.savez`) or deflated
//! (`np.savez_compressed`).

use crate::text::quoted;
use anyhow::{anyhow, bail, Result};
use std::io::{Read, Seek, SeekFrom};

/// How a member's bytes are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    /// As they are (`np.savez`): elements can be sought to.
    Stored,
    /// Deflated (`np.savez_compressed`): read front to back.
    Deflated,
}

/// One member of the archive.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    /// Its name in the archive (`logits.npy`).
    pub(crate) name: String,
    /// Stored or deflated.
    pub(crate) method: Method,
    /// Where its (possibly compressed) bytes start in the file.
    pub(crate) offset: u64,
    /// Its size in the file.
    pub(crate) packed: u64,
    /// Its size once inflated.
    pub(crate) size: u64,
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"))
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"))
}

fn read_at(f: &mut (impl Read + Seek), at: u64, n: usize) -> Result<Vec<u8>> {
    let mut b = vec![0; n];
    f.seek(SeekFrom::Start(at))?;
    f.read_exact(&mut b)
        .map_err(|_| anyhow!("it ends before its zip directory says (truncated?)"))?;
    Ok(b)
}

/// The members of the zip archive `f` of `size` bytes. Errors say in words
/// what is wrong, for the caller to prefix with the file name.
pub(crate) fn members(f: &mut (impl Read + Seek), size: u64) -> Result<Vec<Member>> {
    // The end record is in the last 22 + 65535 (its comment) bytes.
    let tail_len = size.min(22 + 65535);
    let tail = read_at(f, size - tail_len, tail_len as usize)?;
    let Some(end) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
    else {
        bail!("it has no zip directory at its end (truncated, or still being written?)")
    };
    let e = &tail[end..];
    let mut count = u16_at(e, 10) as u64;
    let mut dir_size = u32_at(e, 12) as u64;
    let mut dir_at = u32_at(e, 16) as u64;
    if (count == 0xffff || dir_size == 0xffff_ffff || dir_at == 0xffff_ffff) && end >= 20 {
        let loc = &tail[end - 20..end];
        if u32_at(loc, 0) == 0x0706_4b50 {
            let z = read_at(f, u64_at(loc, 8), 56)?;
            if u32_at(&z, 0) != 0x0606_4b50 {
                bail!("its ZIP64 directory record is damaged");
            }
            count = u64_at(&z, 32);
            dir_size = u64_at(&z, 40);
            dir_at = u64_at(&z, 48);
        }
    }
    if dir_at.saturating_add(dir_size) > size || dir_size > 64 << 20 {
        bail!("its zip directory points outside the file (truncated?)");
    }
    let dir = read_at(f, dir_at, dir_size as usize)?;
    let mut out = Vec::new();
    let mut i = 0;
    for _ in 0..count {
        if i + 46 > dir.len() || u32_at(&dir, i) != 0x0201_4b50 {
            bail!("its zip directory is damaged");
        }
        let d = &dir[i..];
        let flags = u16_at(d, 8);
        let method = u16_at(d, 10);
        let mut packed = u32_at(d, 20) as u64;
        let mut unpacked = u32_at(d, 24) as u64;
        let (nl, xl, cl) = (
            u16_at(d, 28) as usize,
            u16_at(d, 30) as usize,
            u16_at(d, 32) as usize,
        );
        let mut local = u32_at(d, 42) as u64;
        if 46 + nl + xl > d.len() {
            bail!("its zip directory is damaged");
        }
        let name = String::from_utf8_lossy(&d[46..46 + nl]).into_owned();
        // ZIP64 sizes and offset, in this order, for the fields that overflowed.
        let mut x = &d[46 + nl..46 + nl + xl];
        while x.len() >= 4 {
            let (id, len) = (u16_at(x, 0), u16_at(x, 2) as usize);
            let body = &x[4..(4 + len).min(x.len())];
            if id == 1 {
                let mut k = 0;
                for v in [&mut unpacked, &mut packed, &mut local] {
                    if *v == 0xffff_ffff && k + 8 <= body.len() {
                        *v = u64_at(body, k);
                        k += 8;
                    }
                }
            }
            x = &x[(4 + len).min(x.len())..];
        }
        i += 46 + nl + xl + cl;
        if flags & 1 != 0 {
            bail!("member {} is encrypted", quoted(&name));
        }
        let method = match method {
            0 => Method::Stored,
            8 => Method::Deflated,
            m => bail!("member {} is compressed with zip method {m}; flcli reads stored and deflated members (np.savez, np.savez_compressed)", quoted(&name)),
        };
        let h = read_at(f, local, 30)?;
        if u32_at(&h, 0) != 0x0403_4b50 {
            bail!("member {}'s local header is damaged", quoted(&name));
        }
        let offset = local + 30 + u16_at(&h, 26) as u64 + u16_at(&h, 28) as u64;
        if offset.saturating_add(packed) > size {
            bail!(
                "member {} ends past the end of the file (truncated?)",
                quoted(&name)
            );
        }
        out.push(Member {
            name,
            method,
            offset,
            packed,
            size: unpacked,
        });
    }
    Ok(out)
}
