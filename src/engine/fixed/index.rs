//! The row index of [`super::FixedRows`]: from a key's position in the
//! (cell, calibration bin, fine bin) space to its row.
//!
//! A pass with few cells uses a dense array over that space: one load per
//! element, and only the pages touched are ever mapped. A pass with many
//! cells (softmax with many classes, many buckets) would need gigabytes of
//! address space for it, and `--by` groups multiply the space, so those use
//! open-addressing hash tables of the positions reached instead: one per
//! `--by` group, so that the slots of the group being added stay in cache
//! together (one table for all would spread every group's over all of it).

use crate::engine::simd::prefetch;
use std::sync::Mutex;

/// The most entries a dense index may have (1 GiB of address space, of which
/// only the pages touched are mapped).
pub(super) const MAX_DENSE: usize = 1 << 28;

/// Dense indexes given back by units that ended, all zero again, for the next ones.
static POOL: Mutex<Vec<Vec<u32>>> = Mutex::new(Vec::new());

/// An empty slot of the hash table.
const EMPTY: u64 = u64::MAX;

/// Slots of a new hash table.
const FIRST_SLOTS: usize = 1 << 6;

/// A slot of a hash table: a position and its row, on one cache line.
#[derive(Clone, Copy, Debug)]
struct Slot {
    /// The position, or [`EMPTY`].
    key: u64,
    /// Its row.
    row: u32,
}

/// The free slot.
const FREE: Slot = Slot { key: EMPTY, row: 0 };

/// One group's positions and their rows, probed linearly; at most half full.
#[derive(Clone, Debug)]
pub(super) struct Table {
    /// The slots (a power of two of them).
    slots: Vec<Slot>,
    /// Slots in use.
    len: usize,
}

impl Table {
    fn new() -> Table {
        Table {
            slots: vec![FREE; FIRST_SLOTS],
            len: 0,
        }
    }

    /// The slot where the probe for `at` starts.
    #[inline(always)]
    fn first(&self, at: usize) -> usize {
        hash(at) & (self.slots.len() - 1)
    }

    #[inline(always)]
    fn get(&self, at: usize) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut slot = self.first(at);
        loop {
            match self.slots[slot] {
                s if s.key == at as u64 => return Some(s.row),
                s if s.key == EMPTY => return None,
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    fn insert(&mut self, at: usize, row: u32) {
        if 2 * (self.len + 1) > self.slots.len() {
            let grown = vec![FREE; 2 * self.slots.len()];
            let old = std::mem::replace(&mut self.slots, grown);
            for s in old.into_iter().filter(|s| s.key != EMPTY) {
                self.put(s);
            }
        }
        self.put(Slot {
            key: at as u64,
            row,
        });
        self.len += 1;
    }

    /// Puts `s` into the first free slot from its hash.
    fn put(&mut self, s: Slot) {
        let mask = self.slots.len() - 1;
        let mut slot = self.first(s.key as usize);
        while self.slots[slot].key != EMPTY {
            slot = (slot + 1) & mask;
        }
        self.slots[slot] = s;
    }
}

/// Key position → row (see the module doc).
#[derive(Clone, Debug)]
pub(super) enum Index {
    /// Row + 1 at each position, or 0.
    Dense(Vec<u32>),
    /// Per group, its positions and their rows.
    Hashed(Vec<Table>),
}

impl Index {
    /// An empty hashed index.
    pub(super) fn hashed() -> Index {
        Index::Hashed(Vec::new())
    }

    /// An empty index over `len` positions.
    pub(super) fn new(len: usize) -> Index {
        if len > MAX_DENSE {
            return Index::hashed();
        }
        // A pooled index is all zero, whatever shape it had.
        let dense = POOL
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .filter(|i| i.len() >= len)
            .unwrap_or_else(|| vec![0; len]);
        Index::Dense(dense)
    }

    /// Asks for the cache line where [`Index::get`] looks first for `at`
    /// of `group` (a hint: nothing is read).
    #[inline(always)]
    pub(super) fn prefetch(&self, group: u32, at: usize) {
        if let Index::Hashed(tables) = self {
            if let Some(t) = tables.get(group as usize) {
                prefetch(&t.slots, t.first(at));
            }
        }
    }

    /// The row at position `at` of `group` (a dense index holds every group's
    /// positions in one space, and ignores `group`), if it has one.
    #[inline(always)]
    pub(super) fn get(&self, group: u32, at: usize) -> Option<u32> {
        match self {
            Index::Dense(d) => d[at].checked_sub(1),
            Index::Hashed(tables) => tables.get(group as usize)?.get(at),
        }
    }

    /// Sets the row of position `at` of `group`, which has none.
    pub(super) fn insert(&mut self, group: u32, at: usize, row: u32) {
        match self {
            Index::Dense(d) => d[at] = row + 1,
            Index::Hashed(tables) => {
                let g = group as usize;
                if tables.len() <= g {
                    tables.resize_with(g + 1, Table::new);
                }
                tables[g].insert(at, row);
            }
        }
    }

    /// Empties the index, whose positions with a row are those in `used`.
    pub(super) fn clear(&mut self, used: impl Iterator<Item = usize>) {
        match self {
            Index::Dense(d) => {
                for at in used {
                    d[at] = 0;
                }
            }
            Index::Hashed(tables) => {
                for t in tables {
                    t.slots.fill(FREE);
                    t.len = 0;
                }
            }
        }
    }

    /// Gives a dense index back to the pool, all zero again (see [`Index::clear`]).
    pub(super) fn recycle(mut self, used: impl Iterator<Item = usize>) {
        self.clear(used);
        let Index::Dense(d) = self else { return };
        if d.is_empty() {
            return;
        }
        let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
        if pool.len() < 4 {
            pool.push(d);
        }
    }
}

/// Fibonacci hashing: positions that differ in their low bits (neighbouring
/// fine bins) land far apart.
#[inline(always)]
fn hash(at: usize) -> usize {
    ((at as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_indexes_find_what_was_put() {
        for len in [1 << 20, MAX_DENSE + 1] {
            let mut ix = Index::new(len);
            let at = |i: usize| (i * 7919 + i / 3) % len;
            for i in 0..5000 {
                if ix.get(0, at(i)).is_none() {
                    ix.insert(0, at(i), i as u32);
                }
            }
            for i in 0..5000 {
                let first = (0..=i).find(|&j| at(j) == at(i)).expect("i itself");
                assert_eq!(ix.get(0, at(i)), Some(first as u32), "len {len}, i {i}");
            }
            assert_eq!(
                ix.get(0, len - 1).is_some(),
                (0..5000).any(|i| at(i) == len - 1)
            );
            ix.recycle((0..5000).map(at));
        }
    }
}
