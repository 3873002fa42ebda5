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
