//! The `--by` breakdown of a [`Partial`]: one partial per distinct value of
//! the grouping column, found by key.

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

/// The partials of `--by`: one per distinct value of the grouping column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Groups {
    /// Group keys, in first-seen order.
    pub keys: Vec<String>,
    /// Key → position.
    pub index: std::collections::HashMap<String, usize, BuildHasherDefault<Fnv>>,
    /// One partial per key.
    pub parts: Vec<Partial>,
}

impl Groups {
    /// The position of `key`, added (with an empty partial) if new.
    pub fn slot(&mut self, key: &str, spec: &EngineSpec) -> usize {
        if let Some(&i) = self.index.get(key) {
            return i;
        }
        self.keys.push(key.to_string());
        self.index.insert(key.to_string(), self.parts.len());
        let mut part = Partial::new(spec);
        part.copies = 1;
        self.parts.push(part);
        self.parts.len() - 1
    }

    /// Adds `other`, whose input came after this one's: same keys merged, new keys appended.
    pub(super) fn merge(&mut self, other: &Groups) {
        for (k, p) in other.keys.iter().zip(&other.parts) {
            match self.index.get(k) {
                Some(&i) => self.parts[i].merge(p),
                None => {
                    self.index.insert(k.clone(), self.parts.len());
                    self.keys.push(k.clone());
                    let mut p = p.clone();
                    p.settle();
                    self.parts.push(p);
                }
            }
        }
    }
}
