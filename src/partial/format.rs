//! The partial-result file format (`.flp`), version 1 (2 for multi-label sums, 3 for sums
//! with second moments, 4 for `--by` keys that include the text `(null)`);
//! `docs/partial.md` describes it for other readers.
//!
//! ```text
//! magic        8 bytes  89 46 4C 50 0D 0A 1A 0A   ("\x89FLP\r\n\x1a\n")
//! version      u32      1 (2: multi-label sums; 3: cells with second moments; 4: see above)
//! header_len   u64      length of the header
//! header       JSON     [`Header`]: spec, class names, provenance
//! body         sums     see [`write_sums`]
//! crc32        u32      CRC-32 (IEEE) of every byte before it
//! ```
//!
//! Every integer and float is little-endian. Every length is checked against
//! the bytes that remain before anything is allocated, so a damaged or
//! truncated file is an error, never a panic or a huge allocation.

use super::read::Reader;
use super::{Header, PartialResult};
use crate::engine::accum::Groups;
use crate::engine::exact::Expansion;
use crate::engine::Partial;
use crate::model::Loc;
use anyhow::{bail, Context, Result};

/// The first bytes of every partial file.
pub(crate) const MAGIC: [u8; 8] = *b"\x89FLP\r\n\x1a\n";
/// The format version written: 1, or 2 for multi-label sums (which add the
/// co-occurrence counts, see [`write_sums`]).
pub(crate) const VERSION: u32 = 1;
/// The version of partial files with multi-label sums.
pub(crate) const VERSION_MULTILABEL: u32 = 2;
/// The version of partial files whose cells hold second moments (`Spec::moments`;
/// multi-label or not, as the header says). Readers of versions 1 and 2 refuse it
/// rather than misread the longer cells.
pub(crate) const VERSION_MOMENTS: u32 = 3;

/// The version of partial files whose `--by` keys include the text `(null)`
/// (the settings, multi-label or moments, are as the header says). Versions 1
/// to 3 write a null key as that text, so they cannot hold both; version 4
/// writes a null key as the length [`NULL_KEY`] and the text as itself.
pub(crate) const VERSION_NULL_KEYS: u32 = 4;
/// The key length that stands for a null `--by` key in version 4.
pub(super) const NULL_KEY: u32 = u32::MAX;
/// How versions 1 to 3 write a null `--by` key (and read it back as null).
pub(super) const OLD_NULL_KEY: &str = "(null)";

/// The version a partial with these settings and `--by` groups is written as:
/// the oldest that holds it, so that older readers read what they can.
fn version_of(spec: &super::Spec, groups: Option<&Groups>) -> u32 {
    if groups.is_some_and(|g| g.find(Some(OLD_NULL_KEY)).is_some()) {
        VERSION_NULL_KEYS
    } else {
        settings_version(spec)
    }
}

/// The version of a partial with these settings and no text key `(null)`.
fn settings_version(spec: &super::Spec) -> u32 {
    if spec.moments {
        VERSION_MOMENTS
    } else if spec.multilabel {
        VERSION_MULTILABEL
    } else {
        VERSION
    }
}
/// The most components an exact sum of doubles can need (2098 bits / 53).
pub(super) const MAX_PARTS: usize = 48;

/// Whether `head` (a file's first bytes) starts like a partial file.
pub(crate) fn is_partial(head: &[u8]) -> bool {
    head.starts_with(&MAGIC)
}

/// The bytes of `r` (its sums stay exact: nothing is rounded).
pub fn encode(r: &PartialResult) -> Result<Vec<u8>> {
    let header = serde_json::to_vec(&r.header)?;
    let mut p = r.sums.clone();
    p.make_exact();
    let mut out = Vec::with_capacity(64 + header.len() + 16 * p.cells.len());
    out.extend_from_slice(&MAGIC);
    let version = version_of(&r.header.spec, p.groups.as_deref());
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(&header);
    let ml = r.header.spec.multilabel;
    write_sums(&mut out, &p, ml);
    match &p.groups {
        None => out.extend_from_slice(&u32::MAX.to_le_bytes()),
        Some(g) => {
            out.extend_from_slice(&(g.len() as u32).to_le_bytes());
            for (k, part) in g.keys().iter().zip(&g.parts) {
                let mut part = part.clone();
                part.make_exact();
                match k.as_deref() {
                    None if version == VERSION_NULL_KEYS => {
                        out.extend_from_slice(&NULL_KEY.to_le_bytes())
                    }
                    k => {
                        let k = k.unwrap_or(OLD_NULL_KEY);
                        out.extend_from_slice(&(k.len() as u32).to_le_bytes());
                        out.extend_from_slice(k.as_bytes());
                    }
                }
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
    let sums = ex.cells.sums.iter().chain(ex.tails.iter());
    for s in sums.chain(&ex.calib.sums) {
        write_expansion(out, s);
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
    let parts = s.canonical();
    out.push(parts.len() as u8);
    for x in &parts {
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
pub(crate) fn decode_header(bytes: &[u8], name: &str) -> Result<Header> {
    header_inner(bytes).map(|(h, _)| h).with_context(|| {
        format!("{name}: not a readable flcli partial result; write it again with flcli partial or flcli merge")
    })
}

/// The checked header and a reader positioned after it, over the checksummed body.
fn header_inner(bytes: &[u8]) -> Result<(Header, Reader<'_>)> {
    header_version(bytes).map(|(h, r, _)| (h, r))
}

/// [`header_inner`] and the file's format version.
fn header_version(bytes: &[u8]) -> Result<(Header, Reader<'_>, u32)> {
    if !is_partial(bytes) {
        bail!("it does not start with the partial-file magic bytes");
    }
    let mut r = Reader { b: bytes, at: 8 };
    let version = r.u32()?;
    if !(VERSION..=VERSION_NULL_KEYS).contains(&version) {
        bail!(
            "format version {version}; this flcli reads versions {VERSION} to {VERSION_NULL_KEYS}"
        );
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
    if version != VERSION_NULL_KEYS && version != settings_version(&header.spec) {
        bail!(
            "format version {version} with a header that says multilabel = {}, moments = {}",
            header.spec.multilabel,
            header.spec.moments
        );
    }
    Ok((header, r, version))
}

fn decode_inner(bytes: &[u8]) -> Result<PartialResult> {
    let (header, mut r, version) = header_version(bytes)?;
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
            let key = r.group_key(version)?;
            let part = r.sums(&spec)?;
            if let Err(key) = g.push(key, part) {
                let key = key.as_deref().map_or("null".into(), crate::text::quoted);
                bail!("group {key} appears twice");
            }
        }
        sums.groups = Some(Box::new(g));
    }
    if r.at != r.b.len() {
        bail!("{} unexpected bytes after the sums", r.b.len() - r.at);
    }
    Ok(PartialResult { header, sums })
}
