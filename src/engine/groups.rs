//! The `--by` breakdown of a [`Partial`]: one partial per distinct value of
//! the grouping column, found by key. A null is a key of its own (`None`),
//! apart from every string, the string `"(null)"` included.

use super::accum::Partial;
use super::spec::EngineSpec;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a, for the `--by` keys: looked up once per row, short, and read from
/// the user's own file, so a fast hash matters more than resistance to
/// crafted collisions.
#[derive(Clone, Copy, Debug)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The key of a `--by` group: the value as text, or `None` for a null.
/// `None` sorts before every string.
pub type GroupKey = Option<String>;

/// The partials of `--by`: one per distinct value of the grouping column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Groups {
    /// Group keys, in first-seen order.
    keys: Vec<GroupKey>,
    /// Text key → position (a string is looked up without allocating).
    index: std::collections::HashMap<String, usize, BuildHasherDefault<Fnv>>,
    /// The position of the null group, if any.
    null: Option<usize>,
    /// One partial per key.
    pub parts: Vec<Partial>,
    /// Per key, later partials not yet merged into it, in input order (see
    /// [`Groups::merge_later`]).
    pending: Vec<Vec<Partial>>,
    /// How many merges [`Groups::pending`] holds.
    pending_merges: usize,
}

/// Merges held back by [`Groups::merge_later`] before they are done.
const HELD_MERGES: usize = 4;

impl Groups {
    /// The keys, in the order of [`Groups::parts`].
    pub fn keys(&self) -> &[GroupKey] {
        &self.keys
    }

    /// The number of groups.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there is no group.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keys and their partials, in their order, moved out.
    pub fn into_pairs(mut self) -> Vec<(GroupKey, Partial)> {
        self.settle_with(true);
        self.keys.into_iter().zip(self.parts).collect()
    }

    /// The position of `key`, if it is there.
    pub fn find(&self, key: Option<&str>) -> Option<usize> {
        match key {
            None => self.null,
            Some(k) => self.index.get(k).copied(),
        }
    }

    /// Appends a group that is not there yet; an error if it is.
    pub fn push(&mut self, key: GroupKey, part: Partial) -> Result<(), GroupKey> {
        if self.find(key.as_deref()).is_some() {
            return Err(key);
        }
        let at = self.parts.len();
        match &key {
            None => self.null = Some(at),
            Some(k) => {
                self.index.insert(k.clone(), at);
            }
        }
        self.keys.push(key);
        self.parts.push(part);
        self.pending.resize_with(self.parts.len(), Vec::new);
        Ok(())
    }

    /// The position of `key`, added (with an empty partial) if new.
    pub fn slot(&mut self, key: Option<&str>, spec: &EngineSpec) -> usize {
        if let Some(i) = self.find(key) {
            return i;
        }
        let _ = self.push(key.map(str::to_string), Partial::for_group(spec));
        self.parts.len() - 1
    }

    /// The groups in key order (nulls first), keys and partials moved out.
    pub fn into_sorted(self) -> Vec<(GroupKey, Partial)> {
        let mut pairs = self.into_pairs();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs
    }

    /// Groups from pairs whose keys are distinct, in the order given.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (GroupKey, Partial)>) -> Groups {
        let mut g = Groups::default();
        for (k, p) in pairs {
            let _ = g.push(k, p);
        }
        g
    }

    /// Adds `other`, whose input came after this one's, as [`Groups::merge`]
    /// does, but holds the merges of keys already here back, for
    /// [`Groups::settle`] to do group by group: one group's exact sums then
    /// take several partials while in cache, where merging each call as it
    /// comes reaches every group's sums (tens of MB for a thousand groups)
    /// anew. Each group still adds its partials in input order, so its sums
    /// are the same. The caller settles when [`Groups::should_settle`] says so.
    pub(crate) fn merge_later(&mut self, mut other: Groups) {
        other.settle();
        self.pending.resize_with(self.parts.len(), Vec::new);
        for (k, p) in other.keys.into_iter().zip(other.parts) {
            match self.find(k.as_deref()) {
                Some(i) => self.pending[i].push(p),
                None => {
                    let _ = self.push(k, p);
                }
            }
        }
        self.pending_merges += 1;
    }

    /// Whether [`Groups::merge_later`] holds enough merges back that they
    /// should be done now (a group's held partials then take little memory,
    /// and are merged while its sums are in cache).
    pub(crate) fn should_settle(&self) -> bool {
        self.pending_merges >= HELD_MERGES
    }

    /// Does the merges held back by [`Groups::merge_later`], each group's in
    /// input order, groups in parallel when `parallel`.
    pub(crate) fn settle_with(&mut self, parallel: bool) {
        let merge = |(part, held): (&mut Partial, &mut Vec<Partial>)| {
            for p in held.drain(..) {
                part.merge_from(p);
            }
        };
        if parallel {
            use rayon::prelude::*;
            self.parts
                .par_iter_mut()
                .zip(self.pending.par_iter_mut())
                .for_each(merge);
        } else {
            self.parts.iter_mut().zip(&mut self.pending).for_each(merge);
        }
        self.pending_merges = 0;
    }

    /// [`Groups::settle_with`] on this thread.
    pub(crate) fn settle(&mut self) {
        self.settle_with(false);
    }

    /// Adds `other`, whose input came after this one's: same keys merged, new keys appended.
    pub(super) fn merge(&mut self, other: &Groups) {
        assert_eq!(
            other.pending_merges, 0,
            "merges held back in a merged partial"
        );
        self.settle();
        for (k, p) in other.keys.iter().zip(&other.parts) {
            match self.find(k.as_deref()) {
                Some(i) => self.parts[i].merge(p),
                None => {
                    let _ = self.push(k.clone(), p.clone());
                }
            }
        }
    }
}
