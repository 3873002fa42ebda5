//! The reading side of the partial-file format ([`super::format`]): a
//! cursor that checks every length against the bytes left before it
//! allocates, so a damaged file is an error and never a huge allocation.

use super::format::{MAX_PARTS, NULL_KEY, OLD_NULL_KEY, VERSION_NULL_KEYS};
use crate::engine::accum::tail_width;
use crate::engine::accum::Skipped;
use crate::engine::exact::{ExactVec, Expansion};
use crate::engine::exact_rows::ExactRows;
use crate::engine::Partial;
use crate::model::Loc;
use anyhow::{bail, Context, Result};

/// A cursor over a partial file's checksummed bytes.
pub(super) struct Reader<'a> {
    pub(super) b: &'a [u8],
    pub(super) at: usize,
}

impl Reader<'_> {
    pub(super) fn take(&mut self, n: usize) -> Result<&[u8]> {
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

    pub(super) fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    pub(super) fn u32(&mut self) -> Result<u32> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }

    pub(super) fn u64(&mut self) -> Result<u64> {
        let mut a = [0; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }

    pub(super) fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_bits(self.u64()?))
    }

    /// A u32 length of items of at least `item` bytes each, checked against what is left.
    pub(super) fn len(&mut self, item: usize) -> Result<usize> {
        let n = u64::from(self.u32()?);
        self.check_len(n, item)
    }

    pub(super) fn check_len(&mut self, n: u64, item: usize) -> Result<usize> {
        let left = (self.b.len() - self.at) as u64;
        if n.saturating_mul(item as u64) > left {
            bail!(
                "a length field says {n} items at offset {} but only {left} bytes are left",
                self.at
            );
        }
        Ok(n as usize)
    }

    /// A `--by` key: null is [`NULL_KEY`] in version 4, the text
    /// [`OLD_NULL_KEY`] in versions 1 to 3.
    pub(super) fn group_key(&mut self, version: u32) -> Result<Option<String>> {
        let null = NULL_KEY.to_le_bytes();
        if version == VERSION_NULL_KEYS && self.b.get(self.at..self.at + 4) == Some(&null) {
            self.at += 4;
            return Ok(None);
        }
        let n = self.len(1)?;
        let key = std::str::from_utf8(self.take(n)?).context("a group key is not UTF-8")?;
        if version != VERSION_NULL_KEYS && key == OLD_NULL_KEY {
            return Ok(None);
        }
        Ok(Some(key.to_string()))
    }

    pub(super) fn expansions(&mut self, n: usize) -> Result<ExactVec> {
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

    pub(super) fn expansion(&mut self) -> Result<Expansion> {
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

    pub(super) fn sums(&mut self, spec: &crate::engine::EngineSpec) -> Result<Partial> {
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
        let n = p.tails.len();
        let tails = ExactRows::from_dense(self.expansions(n)?, tail_width(n));
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
