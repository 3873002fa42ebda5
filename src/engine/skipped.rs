//! Rows skipped under `--skip-invalid`: counts by reason and the first few
//! locations of each, mergeable like the rest of a [`super::Partial`].

use crate::model::{Loc, SkipReason};

/// How many first locations of each skip reason are kept.
pub const SKIP_EXAMPLES: usize = 5;

/// Skipped-row counts by reason, with the first few locations of each.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Skipped {
    /// Per reason (index into [`SkipReason::ALL`]): count and first locations,
    /// each with the index of its file in the input's file list.
    pub by_reason: [(u64, Vec<(u32, Loc)>); 7],
}

impl Skipped {
    /// Records one skipped row.
    pub fn add(&mut self, reason: SkipReason, at: Loc) {
        let i = SkipReason::ALL
            .iter()
            .position(|&r| r == reason)
            .unwrap_or(0);
        let slot = &mut self.by_reason[i];
        slot.0 += 1;
        if slot.1.len() < SKIP_EXAMPLES {
            slot.1.push((0, at));
        }
    }

    /// Says that every location recorded so far lies in file `file`.
    pub fn set_file(&mut self, file: u32) {
        for (_, locs) in &mut self.by_reason {
            for l in locs {
                l.0 = file;
            }
        }
    }

    /// Total skipped rows.
    pub fn total(&self) -> u64 {
        self.by_reason.iter().map(|s| s.0).sum()
    }

    /// Adds the counts of `other`, whose rows are interleaved with these
    /// (from the same file), and keeps the first locations of both in row
    /// order: each holds the first of its own rows, so the first of all are
    /// among them.
    pub(crate) fn merge_interleaved(&mut self, other: &Skipped) {
        for (a, b) in self.by_reason.iter_mut().zip(&other.by_reason) {
            a.0 += b.0;
            a.1.extend_from_slice(&b.1);
            a.1.sort_by_key(|&(file, at)| (file, at.index()));
            a.1.truncate(SKIP_EXAMPLES);
        }
    }

    /// Adds `other`'s counts, and its locations while there is room.
    pub(crate) fn merge(&mut self, other: &Skipped) {
        for (a, b) in self.by_reason.iter_mut().zip(&other.by_reason) {
            a.0 += b.0;
            for loc in &b.1 {
                if a.1.len() < SKIP_EXAMPLES {
                    a.1.push(*loc);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skipped(rows: &[u64]) -> Skipped {
        let mut s = Skipped::default();
        for &r in rows {
            s.add(SkipReason::ALL[0], Loc::Row(r));
        }
        s
    }

    #[test]
    fn interleaved_rows_keep_the_first_locations_of_both_in_row_order() {
        let mut a = skipped(&[2, 9, 10, 11, 40, 41]);
        a.merge_interleaved(&skipped(&[1, 5, 12, 13]));
        let (count, first) = &a.by_reason[0];
        assert_eq!(*count, 10);
        let rows: Vec<u64> = first.iter().map(|l| l.1.index()).collect();
        assert_eq!(rows, [1, 2, 5, 9, 10]);
    }
}
