//! The `--by` groups' pending sums: every group's binary and sigmoid
//! elements and softmax rows in one set of fixed-point rows keyed by group
//! too ([`FixedRows::for_groups`]), so that a group's sums do not depend on
//! how its rows were split, as the whole run's do not.
//!
//! A worker of [`super::schedule::run_in_order`] keeps one across the units
//! it reads: a unit holds only a few of a group's elements per fine bin, so
//! settling the rows at the end rather than once per unit saves most of the
//! settling. At the end the workers' rows settle together
//! ([`ByRows::finish_all`]), each group's into one set of wide sums. Groups
//! get ids in the order the rows first reach them; each unit maps its own
//! group positions to those ids.

use super::accum::{GroupKey, Groups, Partial};
use super::fast_by::Held;
use super::fixed::FixedRows;
use super::groups::Fnv;
use super::plan::Ctx;
use super::spec::EngineSpec;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// Rows past which they are settled into the groups' partials, so that their
/// memory stays bounded (settling is exact, so when it happens does not
/// change the sums).
const MAX_ROWS: usize = 1 << 18;

/// The `--by` groups' fixed-point rows (see the module doc).
#[derive(Clone, Debug)]
pub(crate) struct ByRows {
    /// What the groups' partials are shaped for.
    spec: EngineSpec,
    /// The rows of every group.
    rows: Box<FixedRows>,
    /// Group key → id.
    ids: HashMap<GroupKey, u32, BuildHasherDefault<Fnv>>,
    /// Per id, its key.
    keys: Vec<GroupKey>,
    /// Per id, the sums of its rows settled so far (empty before the first
    /// settling).
    done: Vec<Partial>,
    /// The room a unit holds its `--by` rows back in, empty, kept for the
    /// next unit (growing it again for every unit costs page faults).
    pub(super) held: Option<Box<Held>>,
}

impl ByRows {
    /// No group yet; each group's cells are `cells` (the trash cell excluded).
    pub(crate) fn new(cx: &Ctx, cells: usize) -> ByRows {
        ByRows {
            spec: cx.spec.clone(),
            rows: Box::new(FixedRows::for_groups(cx, cells)),
            ids: HashMap::default(),
            keys: Vec::new(),
            done: Vec::new(),
            held: None,
        }
    }

    /// The id of the group `key` (given one if new).
    pub(crate) fn id(&mut self, key: &GroupKey) -> u32 {
        if let Some(&i) = self.ids.get(key) {
            return i;
        }
        let i = self.keys.len() as u32;
        self.ids.insert(key.clone(), i);
        self.keys.push(key.clone());
        i
    }

    /// The rows, to add the elements of group `id` to.
    pub(crate) fn rows_of(&mut self, id: u32) -> &mut FixedRows {
        self.rows.set_group(id);
        &mut self.rows
    }

    /// Settles the rows if they are many (called between batches).
    pub(crate) fn check(&mut self) {
        if self.rows.len() >= MAX_ROWS {
            self.settle();
        }
    }

    /// Adds the rows into their groups' partials, and drops them.
    fn settle(&mut self) {
        let spec = &self.spec;
        self.done
            .resize_with(self.keys.len(), || Partial::for_group(spec));
        self.rows.settle_into_groups(&mut self.done);
    }

    /// The groups' sums: a partial with nothing but its `--by` groups, each
    /// holding only the sums of its rows (its counts are in the units').
    pub(crate) fn finish(self) -> Partial {
        ByRows::finish_all(self, Vec::new(), false)
    }

    /// [`ByRows::finish`] of the rows of several workers together: each
    /// group's rows of all of them become expansions once (cheaper than
    /// settling each and merging their exact sums). With `parallel`, groups
    /// settle on the pool's threads: only from outside the pool's running
    /// jobs.
    pub(crate) fn finish_all(mut first: ByRows, mut all: Vec<ByRows>, parallel: bool) -> Partial {
        // Per worker, its group ids → the first's (which gives ids to the
        // groups it has not seen).
        let mut maps = vec![(0..first.keys.len() as u32).collect::<Vec<_>>()];
        for other in &all {
            maps.push(other.keys.iter().map(|k| first.id(k)).collect());
        }
        let spec = &first.spec;
        first
            .done
            .resize_with(first.keys.len(), || Partial::for_group(spec));
        for (other, map) in all.iter_mut().zip(&maps[1..]) {
            for (g, p) in std::mem::take(&mut other.done).into_iter().enumerate() {
                first.done[map[g] as usize].merge_from(p);
            }
        }
        let mut sets: Vec<&mut FixedRows> = vec![&mut first.rows];
        sets.extend(all.iter_mut().map(|o| &mut *o.rows));
        FixedRows::settle_sets(&mut sets, &maps, &mut first.done, parallel);
        let mut p = Partial::new(&first.spec);
        let pairs = first.keys.into_iter().zip(first.done);
        p.groups = Some(Box::new(Groups::from_pairs(pairs)));
        p
    }
}

#[cfg(test)]
#[path = "by_rows_tests.rs"]
mod tests;
