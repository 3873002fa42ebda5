//! Co-occurrence counts of multi-label targets: how many rows hold each pair
//! of positive classes. Integer counts, so merging is exact in any order.

use super::groups::Fnv;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// Rows per unordered pair of positive classes `(a, b)`, `a < b`; pairs that
/// never occur are absent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pairs {
    /// `(a << 32 | b)` → rows holding both classes.
    counts: HashMap<u64, u64, BuildHasherDefault<Fnv>>,
    /// Rows with more than one positive class.
    pub several: u64,
}

impl Pairs {
    /// Counts every pair of positive classes of one row's multi-hot target.
    pub(crate) fn add_row(&mut self, t: &[u8]) {
        // The positives go to a buffer on the stack: rows hold few of them,
        // and this runs once per row.
        let mut buf = [0u32; 32];
        let mut n = 0;
        let mut heap = Vec::new();
        for (j, _) in t.iter().enumerate().filter(|(_, &v)| v == 1) {
            if n < buf.len() {
                buf[n] = j as u32;
            } else {
                if heap.is_empty() {
                    heap.extend_from_slice(&buf);
                }
                heap.push(j as u32);
            }
            n += 1;
        }
        let pos = if heap.is_empty() {
            &buf[..n]
        } else {
            &heap[..]
        };
        self.several += (pos.len() > 1) as u64;
        for (i, &a) in pos.iter().enumerate() {
            for &b in &pos[i + 1..] {
                self.add(a, b, 1);
            }
        }
    }

    /// [`Pairs::add_row`] for a row of at most 64 classes given as a bit mask
    /// of its positive classes (bit `j`: class `j`).
    pub(crate) fn add_mask(&mut self, mask: u64) {
        if mask.count_ones() < 2 {
            return;
        }
        self.several += 1;
        let mut rest = mask;
        while rest != 0 {
            let a = rest.trailing_zeros();
            rest &= rest - 1;
            let mut others = rest;
            while others != 0 {
                let b = others.trailing_zeros();
                others &= others - 1;
                self.add(a, b, 1);
            }
        }
    }

    /// Adds `n` rows to the pair `(a, b)`, `a < b`.
    pub(crate) fn add(&mut self, a: u32, b: u32, n: u64) {
        *self.counts.entry((a as u64) << 32 | b as u64).or_insert(0) += n;
    }

    /// Adds every count of `other`.
    pub(crate) fn merge(&mut self, other: &Pairs) {
        self.several += other.several;
        for (&k, &n) in &other.counts {
            *self.counts.entry(k).or_insert(0) += n;
        }
    }

    /// Every pair with its count, by class indices.
    pub fn sorted(&self) -> Vec<(u32, u32, u64)> {
        let mut v: Vec<(u32, u32, u64)> = self
            .counts
            .iter()
            .map(|(&k, &n)| ((k >> 32) as u32, k as u32, n))
            .collect();
        v.sort_unstable();
        v
    }

    /// The `top` most frequent pairs, most frequent first, ties by class indices.
    pub(crate) fn top(&self, top: usize) -> Vec<(u32, u32, u64)> {
        let mut v = self.sorted();
        v.sort_by(|x, y| y.2.cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1))));
        v.truncate(top);
        v
    }

    /// The counts with class `i` renamed `map[i]` (pairs stay ordered `a < b`).
    pub(crate) fn remap(&self, map: &[usize]) -> Pairs {
        let mut out = Pairs {
            several: self.several,
            ..Pairs::default()
        };
        for (a, b, n) in self.sorted() {
            let (x, y) = (map[a as usize] as u32, map[b as usize] as u32);
            out.add(x.min(y), x.max(y), n);
        }
        out
    }

    /// Number of distinct pairs seen.
    pub(crate) fn len(&self) -> usize {
        self.counts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_unordered_pair_once_per_row() {
        let mut p = Pairs::default();
        p.add_row(&[1, 0, 1, 1]);
        p.add_row(&[0, 0, 1, 1]);
        p.add_row(&[0, 1, 0, 0]);
        p.add_row(&[0, 0, 0, 0]);
        assert_eq!(p.sorted(), vec![(0, 2, 1), (0, 3, 1), (2, 3, 2)]);
        assert_eq!(p.top(1), vec![(2, 3, 2)]);
        let mut m = Pairs::default();
        for row in [0b1101u64, 0b1100, 0b0010, 0] {
            m.add_mask(row);
        }
        assert_eq!(m, p);
        let mut q = Pairs::default();
        q.add_row(&[1, 0, 1, 0]);
        q.merge(&p);
        assert_eq!(q.top(2), vec![(0, 2, 2), (2, 3, 2)]);
    }
}
