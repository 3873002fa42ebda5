//! The row index of [`super::FixedRows`]: from a key's position in the
//! (cell, calibration bin, fine bin) space to its row.
//!
//! A pass with few cells uses a dense array over that space: one load per
//! element, and only the pages touched are ever mapped. A pass with many
//! cells (softmax with many classes, many buckets) would need gigabytes of
//! address space for it, so it uses an open-addressing hash table of the
//! positions reached instead.

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
const FIRST_SLOTS: usize = 1 << 10;

/// Key position → row (see the module doc).
#[derive(Clone, Debug)]
pub(super) enum Index {
    /// Row + 1 at each position, or 0.
    Dense(Vec<u32>),
    /// Positions and their rows, probed linearly; at most half full.
    Hashed {
        /// Per slot: the position, or [`EMPTY`].
        keys: Vec<u64>,
        /// Per slot: the row.
        rows: Vec<u32>,
        /// Slots in use.
        len: usize,
    },
}

impl Index {
    /// An empty hashed index.
    pub(super) fn hashed() -> Index {
        Index::Hashed {
            keys: vec![EMPTY; FIRST_SLOTS],
            rows: vec![0; FIRST_SLOTS],
            len: 0,
        }
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
    /// (a hint: nothing is read).
    #[inline(always)]
    pub(super) fn prefetch(&self, at: usize) {
        if let Index::Hashed { keys, rows, .. } = self {
            let slot = hash(at) & (keys.len() - 1);
            prefetch(keys, slot);
            prefetch(rows, slot);
        }
    }

    /// The row at position `at`, if it has one.
    #[inline(always)]
    pub(super) fn get(&self, at: usize) -> Option<u32> {
        match self {
            Index::Dense(d) => d[at].checked_sub(1),
            Index::Hashed { keys, rows, .. } => {
                let mask = keys.len() - 1;
                let mut slot = hash(at) & mask;
                loop {
                    match keys[slot] {
                        k if k == at as u64 => return Some(rows[slot]),
                        EMPTY => return None,
                        _ => slot = (slot + 1) & mask,
                    }
                }
            }
        }
    }

    /// Sets the row of position `at`, which has none.
    pub(super) fn insert(&mut self, at: usize, row: u32) {
        match self {
            Index::Dense(d) => d[at] = row + 1,
            Index::Hashed { keys, rows, len } => {
                if 2 * (*len + 1) > keys.len() {
                    let old: Vec<(u64, u32)> = keys
                        .iter()
                        .zip(rows.iter())
                        .filter(|(&k, _)| k != EMPTY)
                        .map(|(&k, &r)| (k, r))
                        .collect();
                    *keys = vec![EMPTY; 2 * keys.len()];
                    *rows = vec![0; keys.len()];
                    for (k, r) in old {
                        put(keys, rows, k, r);
                    }
                }
                put(keys, rows, at as u64, row);
                *len += 1;
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
            Index::Hashed { keys, len, .. } => {
                keys.fill(EMPTY);
                *len = 0;
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

/// Puts `key` → `row` into the first empty slot from its hash.
fn put(keys: &mut [u64], rows: &mut [u32], key: u64, row: u32) {
    let mask = keys.len() - 1;
    let mut slot = hash(key as usize) & mask;
    while keys[slot] != EMPTY {
        slot = (slot + 1) & mask;
    }
    keys[slot] = key;
    rows[slot] = row;
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
                if ix.get(at(i)).is_none() {
                    ix.insert(at(i), i as u32);
                }
            }
            for i in 0..5000 {
                let first = (0..=i).find(|&j| at(j) == at(i)).expect("i itself");
                assert_eq!(ix.get(at(i)), Some(first as u32), "len {len}, i {i}");
            }
            assert_eq!(
                ix.get(len - 1).is_some(),
                (0..5000).any(|i| at(i) == len - 1)
            );
            ix.recycle((0..5000).map(at));
        }
    }
}
