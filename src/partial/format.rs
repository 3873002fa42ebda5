//! The partial-result file format (`.flp`), version 1 (2 for multi-label sums, 3 for sums
//! with second moments); `docs/partial.md` describes it for other readers.
//!
//! ```text
//! magic        8 bytes  89 46 4C 50 0D 0A 1A 0A   ("\x89FLP\r\n\x1a\n")
//! version      u32      1 (2: multi-label sums; 3: cells with second moments)
//! header_len   u64      length of the header
//! header       JSON     [`Header`]: spec, class names, provenance
//! body         sums     see [`write_sums`]
//! crc32        u32      CRC-32 (IEEE) of every byte before it
//! ```
//!
//! Every integer and float is little-endian. Every length is checked against
//! the bytes that remain before anything is allocated, so a damaged or
//! truncated file is an error, never a panic or a huge allocation.

use super::{Header, PartialResult};
use crate::engine::accum::{Groups, Skipped};
use crate::engine::exact::{ExactVec, Expansion};
use crate::engine::Partial;
use crate::model::Loc;
use anyhow::{bail, Context, Result};

/// The first bytes of every partial file.
pub const MAGIC: [u8; 8] = *b"\x89FLP\r\n\x1a\n";
/// The format version written: 1, or 2 for multi-label sums (which add the
/// co-occurrence counts, see [`write_sums`]).
pub const VERSION: u32 = 1;
/// The version of partial files with multi-label sums.
pub const VERSION_MULTILABEL: u32 = 2;
/// The version of partial files whose cells hold second moments (`Spec::moments`;
/// multi-label or not, as the header says). Readers of versions 1 and 2 refuse it
/// rather than misread the longer cells.
pub const VERSION_MOMENTS: u32 = 3;

/// The version a partial with these settings is written as.
fn version_of(spec: &super::Spec) -> u32 {
    if spec.moments {
        VERSION_MOMENTS
    } else if spec.multilabel {
        VERSION_MULTILABEL
    } else {
        VERSION
    }
}
/// The most components an exact sum of doubles can need (2098 bits / 53).
const MAX_PARTS: usize = 48;

/// Whether `head` (a file's first bytes) starts like a partial file.
pub fn is_partial(head: &[u8]) -> bool {
    head.starts_with(&MAGIC)
}

/// The bytes of `r` (its sums stay exact: nothing is rounded).
pub fn encode(r: &PartialResult) -> Result<Vec<u8>> {
    let header = serde_json::to_vec(&r.header)?;
    let mut p = r.sums.clone();
    p.make_exact();
    let mut out = Vec::with_capacity(64 + header.len() + 16 * p.cells.len());
    out.extend_from_slice(&MAGIC);
    let version = version_of(&r.header.spec);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(&header);
    let ml = r.header.spec.multilabel;
    write_sums(&mut out, &p, ml);
    match &p.groups {
        None => out.extend_from_slice(&u32::MAX.to_le_bytes()),
        Some(g) => {
            out.extend_from_slice(&(g.keys.len() as u32).to_le_bytes());
            for (k, part) in g.keys.iter().zip(&g.parts) {
                let mut part = part.clone();
                part.make_exact();
                out.extend_from_slice(&(k.len() as u32).to_le_bytes());
                out.extend_from_slice(k.as_bytes());
                write_sums(&mut out, &part, ml);
            }
        }
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    Ok(out)
}

/// Writes one partial's sums (exact, see [`Partial::make_exact`]):
/// six u64 counts (rows read, used, ignored, background, skipped into a
/// group, Brier items); per class the rows and the correct rows (u64 each);
/// per skip reason the count (u64), the number of example locations (u8)
/// and each as file index (u32), unit (u8: 0 row, 1 line) and position
/// (u64); then the exact sums of the cells, the tail bins, the calibration
/// bins and the Brier score, each as a component count (u8) and that many f64;
/// multi-label sums (version 2) end with the rows with several positives
/// (u64), the number of class pairs (u32) and each pair as its two class
/// indices (u32, the smaller first) and its rows (u64), in class order.
fn write_sums(out: &mut Vec<u8>, p: &Partial, multilabel: bool) {
    for v in [
        p.rows_read,
        p.rows_used,
        p.rows_ignored,
        p.background_rows,
        p.group_skipped,
        p.brier.1,
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for v in p.class_rows.iter().chain(&p.correct) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for (count, locs) in &p.skipped.by_reason {
        out.extend_from_slice(&count.to_le_bytes());
        out.push(locs.len() as u8);
        for (file, at) in locs {
            out.extend_from_slice(&file.to_le_bytes());
            let (unit, x) = match at {
                Loc::Row(x) => (0u8, x),
                Loc::Line(x) => (1u8, x),
            };
            out.push(unit);
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
    let ex = p.exact.as_deref().expect("make_exact was called");
    for v in [&ex.cells, &ex.tails, &ex.calib] {
        for s in &v.sums {
            write_expansion(out, s);
        }
    }
    write_expansion(out, &ex.brier);
    if multilabel {
        out.extend_from_slice(&p.pairs.several.to_le_bytes());
        let pairs = p.pairs.sorted();
        out.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
        for (a, b, n) in pairs {
            out.extend_from_slice(&a.to_le_bytes());
            out.extend_from_slice(&b.to_le_bytes());
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
}

fn write_expansion(out: &mut Vec<u8>, s: &Expansion) {
    out.push(s.parts().len() as u8);
    for x in s.parts() {
        out.extend_from_slice(&x.to_le_bytes());
    }
}

/// Reads a partial result from `bytes`; `name` (the file) is in every error.
pub fn decode(bytes: &[u8], name: &str) -> Result<PartialResult> {
    decode_inner(bytes).with_context(|| {
        format!("{name}: not a readable flcli partial result; write it again with flcli partial or flcli merge")
    })
}

/// Only the header of a partial result's bytes (checked as [`decode`] checks
/// it), for a merge that reads its parts' sums one at a time.
pub fn decode_header(bytes: &[u8], name: &str) -> Result<Header> {
    header_inner(bytes).map(|(h, _)| h).with_context(|| {
        format!("{name}: not a readable flcli partial result; write it again with flcli partial or flcli merge")
    })
}

/// The checked header and a reader positioned after it, over the checksummed body.
fn header_inner(bytes: &[u8]) -> Result<(Header, Reader<'_>)> {
    if !is_partial(bytes) {
        bail!("it does not start with the partial-file magic bytes");
    }
    let mut r = Reader { b: bytes, at: 8 };
    let version = r.u32()?;
    if ![VERSION, VERSION_MULTILABEL, VERSION_MOMENTS].contains(&version) {
        bail!("format version {version}; this flcli reads versions {VERSION} to {VERSION_MOMENTS}");
    }
    if bytes.len() < 8 + 4 + 8 + 4 {
        bail!("truncated: {} bytes", bytes.len());
    }
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    let want = u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]);
    if crc32fast::hash(body) != want {
        bail!("damaged or truncated: its checksum does not match its contents");
    }
    r.b = body;
    let len = r.u64()?;
    let len = r.check_len(len, 1)?;
    let header: Header =
        serde_json::from_slice(r.take(len)?).context("its header is not valid JSON")?;
    if version != version_of(&header.spec) {
        bail!(
            "format version {version} with a header that says multilabel = {}, moments = {}",
            header.spec.multilabel,
            header.spec.moments
        );
    }
    Ok((header, r))
}

fn decode_inner(bytes: &[u8]) -> Result<PartialResult> {
    let (header, mut r) = header_inner(bytes)?;
    let classes = header.about.classes.len();
    if header.spec.mode == crate::model::Mode::Binary && classes != 2 {
        bail!("binary mode with {classes} classes");
    }
    if classes == 0 {
        bail!("no classes");
    }
    let spec = header.spec.engine(classes)?;
    if spec.edges.len() < 2 {
        bail!("fewer than two bucket edges");
    }
    let mut sums = r.sums(&spec)?;
    let p = &sums;
    let accounted = (p.rows_used)
        .checked_add(p.rows_ignored)
        .and_then(|x| x.checked_add(p.skipped.total()));
    if accounted != Some(p.rows_read) {
        bail!(
            "damaged: its counts do not add up ({} rows read, {} used + {} ignored + {} skipped)",
            p.rows_read,
            p.rows_used,
            p.rows_ignored,
            p.skipped.total()
        );
    }
    let groups = r.u32()?;
    if groups != u32::MAX {
        if header.spec.by.is_none() {
            bail!("groups without a --by column");
        }
        let mut g = Groups::default();
        for _ in 0..groups {
            let n = r.len(1)?;
            let key = std::str::from_utf8(r.take(n)?)
                .context("a group key is not UTF-8")?
                .to_string();
            if g.index.contains_key(&key) {
                bail!("group {key:?} appears twice");
            }
            g.index.insert(key.clone(), g.parts.len());
            g.keys.push(key);
            let mut part = r.sums(&spec)?;
            part.copies = 1;
            g.parts.push(part);
        }
        sums.groups = Some(Box::new(g));
    }
    if r.at != r.b.len() {
        bail!("{} unexpected bytes after the sums", r.b.len() - r.at);
    }
    Ok(PartialResult { header, sums })
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8]> {
        if self.b.len() - self.at < n {
            bail!(
                "truncated: needs {n} more bytes at offset {}, {} left",
                self.at,
                self.b.len() - self.at
            );
        }
        let s = &self.b[self.at..self.at + n];
        self.at += n;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }

    fn u64(&mut self) -> Result<u64> {
        let mut a = [0; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }

    fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_bits(self.u64()?))
    }

    /// A u32 length of items of at least `item` bytes each, checked against what is left.
    fn len(&mut self, item: usize) -> Result<usize> {
        let n = u64::from(self.u32()?);
        self.check_len(n, item)
    }

    fn check_len(&mut self, n: u64, item: usize) -> Result<usize> {
        let left = (self.b.len() - self.at) as u64;
        if n.saturating_mul(item as u64) > left {
            bail!(
                "a length field says {n} items at offset {} but only {left} bytes are left",
                self.at
            );
        }
        Ok(n as usize)
    }

    fn expansions(&mut self, n: usize) -> Result<ExactVec> {
        if n > self.b.len() - self.at {
            bail!(
                "truncated: {n} sums expected, {} bytes left",
                self.b.len() - self.at
            );
        }
        let mut v = ExactVec::zeros(n);
        for s in &mut v.sums {
            *s = self.expansion()?;
        }
        Ok(v)
    }

    fn expansion(&mut self) -> Result<Expansion> {
        let n = self.u8()? as usize;
        if n > MAX_PARTS {
            bail!("an exact sum with {n} components (at most {MAX_PARTS})");
        }
        let mut e = Expansion::default();
        for _ in 0..n {
            e.add(self.f64()?);
        }
        Ok(e)
    }

    fn sums(&mut self, spec: &crate::engine::EngineSpec) -> Result<Partial> {
        let mut p = Partial::new(spec);
        p.rows_read = self.u64()?;
        p.rows_used = self.u64()?;
        p.rows_ignored = self.u64()?;
        p.background_rows = self.u64()?;
        p.group_skipped = self.u64()?;
        p.brier.1 = self.u64()?;
        for v in p.class_rows.iter_mut().chain(p.correct.iter_mut()) {
            *v = self.u64()?;
        }
        let mut skipped = Skipped::default();
        for (count, locs) in &mut skipped.by_reason {
            *count = self.u64()?;
            let n = self.u8()? as usize;
            if n > crate::engine::accum::SKIP_EXAMPLES {
                bail!("{n} example locations for one skip reason");
            }
            for _ in 0..n {
                let file = self.u32()?;
                let at = match (self.u8()?, self.u64()?) {
                    (0, x) => Loc::Row(x),
                    (1, x) => Loc::Line(x),
                    (u, _) => bail!("unknown location unit {u}"),
                };
                locs.push((file, at));
            }
        }
        p.skipped = skipped;
        let cells = self.expansions(p.cells.len())?;
        let tails = self.expansions(p.tails.len())?;
        let calib = self.expansions(3 * p.calib.len())?;
        let brier = self.expansion()?;
        p.set_exact(cells, tails, calib, brier);
        if spec.multilabel {
            p.pairs.several = self.u64()?;
            for _ in 0..self.len(16)? {
                let (a, b, n) = (self.u32()?, self.u32()?, self.u64()?);
                if a >= b || b as usize >= spec.classes {
                    bail!(
                        "a class pair ({a}, {b}) outside the {} classes",
                        spec.classes
                    );
                }
                p.pairs.add(a, b, n);
            }
        }
        Ok(p)
    }
}
