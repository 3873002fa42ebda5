//! The multi-label sections of a sums table: per class its positives (`pos`),
//! the rows by their number of positives (`row`), and the rows per pair of
//! classes (`pair`), added into the engine's [`Partial`].

use super::multi::{ROW_ONE, ROW_SEVERAL};
use super::sums::SumsRow;
use crate::engine::Partial;
use anyhow::{bail, Result};

/// Whether `key` is the `row` key of a counted multi-label row with positives.
pub(super) fn is_row_key(key: i64) -> bool {
    key == ROW_ONE || key == ROW_SEVERAL
}

/// Adds `n` counted rows of the multi-label row key `key` (their read count is the caller's).
pub(super) fn add_rows(p: &mut Partial, key: i64, n: u64) {
    p.rows_used += n;
    if key == ROW_SEVERAL {
        p.pairs.several += n;
    }
}

/// Adds a `pos` row (class `idx`: its positives, and in `top_sum` those
/// scored on the right side) or a `pair` row (`idx = a × k + b`, a < b) of a
/// table over `k` classes.
pub(super) fn add(p: &mut Partial, r: &SumsRow, k: usize) -> Result<()> {
    let k = k as i64;
    match r.section.as_str() {
        "pos" if (0..k).contains(&r.idx) => {
            p.class_rows[r.idx as usize] += r.n;
            p.correct[r.idx as usize] += r.top as u64;
        }
        "pair" if (0..k * k).contains(&r.idx) && r.idx / k < r.idx % k => {
            p.pairs.add((r.idx / k) as u32, (r.idx % k) as u32, r.n);
        }
        s => bail!("section \"{s}\" has no key {} for {k} classes", r.idx),
    }
    Ok(())
}
