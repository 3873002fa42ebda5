//! The `--by` groups' fine p_t histograms while a unit is read: every
//! group's bins in one dense table, so an element's row is found by
//! arithmetic and fetched ahead, not through a per-group lookup. The table
//! is taken from a pool and given back all zero, so a unit neither allocates
//! nor clears it: when the unit ends, the rows its elements reached (about a
//! tenth of them) move into the groups' sparse histograms ([`SparseTails`])
//! and are zeroed.
//!
//! The table is laid out bin by bin (each bin's rows of every group side by
//! side), not group by group: elements crowd into a few bins (on a typical
//! file, half of them into 26 of the 2560), so the rows most of them reach
//! sit together (about 1.2 MB for 1000 groups) rather than spread over the
//! whole table, and long runs of bins that no element reaches are pages
//! never touched, which the system neither maps nor clears.
//!
//! A row's count is never zero once an element reached it, which is how a
//! row is known to be new. Its sums are added in element order from zero,
//! as in a group's own histogram, so they hold the same values.

use crate::engine::accum::Partial;
use crate::engine::soa::{Soa, SUB};
use crate::engine::sparse::SparseTails;
use std::sync::Mutex;

/// The most values a table may take (128 MiB); with more groups than fit,
/// the groups add into their sparse histograms straight away.
pub const MAX_TABLE: usize = 1 << 24;

/// How many elements ahead rows are fetched.
const AHEAD: usize = 16;

/// Zeroed tables given back by units that ended, for the next ones.
static POOL: Mutex<Vec<Vec<f64>>> = Mutex::new(Vec::new());

/// The groups' histogram rows of one unit (see the module doc).
#[derive(Clone, Debug, PartialEq)]
pub struct TailTable {
    /// Values per bin: count, then Σ w·CE per term.
    width: usize,
    /// Bins per group (the trash bin excluded).
    bins: usize,
    /// Groups each bin has rows for (at least the groups held).
    cap: usize,
    /// Bins × `cap` × width values, zero where no element went: group `g`'s
    /// row of bin `b` is at `(b · cap + g) · width`.
    table: Vec<f64>,
    /// Per group, the bins its elements reached, in the order reached.
    touched: Vec<Vec<u16>>,
}

impl TailTable {
    /// A zero table for `groups` groups of `bins` bins of `width` values.
    pub fn new(groups: usize, bins: usize, width: usize) -> TailTable {
        let table = POOL
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_default();
        // A pooled table is all zero, whatever shape it had: it holds rows
        // for as many groups as its length allows in this shape.
        let cap = table.len() / (bins * width).max(1);
        let mut t = TailTable {
            width,
            bins,
            cap,
            table,
            touched: Vec::new(),
        };
        t.grow(groups);
        t
    }

    /// The values the table of `groups` groups takes.
    pub fn values_for(groups: usize, bins: usize, width: usize) -> usize {
        groups * bins * width
    }

    /// Offset of group `g`'s row of bin `bin`.
    #[inline(always)]
    fn at(&self, g: usize, bin: usize) -> usize {
        (bin * self.cap + g) * self.width
    }

    /// Makes room for `groups` groups (at least), keeping the rows held.
    /// Room grows by doubling (up to [`MAX_TABLE`] values), so groups that
    /// appear a few at a time move the rows held only a few times.
    pub fn grow(&mut self, groups: usize) {
        if groups > self.touched.len() {
            self.touched.resize_with(groups, Vec::new);
        }
        if groups <= self.cap {
            return;
        }
        let most = MAX_TABLE / (self.bins * self.width).max(1);
        let cap = groups.max(most.min(2 * self.cap));
        let mut table = zero_table(Self::values_for(cap, self.bins, self.width));
        let w = self.width;
        for (g, bins) in self.touched.iter().enumerate() {
            for &b in bins {
                let (from, to) = (self.at(g, b as usize), (b as usize * cap + g) * w);
                table[to..to + w].copy_from_slice(&self.table[from..from + w]);
            }
        }
        // The old table is dropped, not pooled: it holds rows, and the pool
        // would keep a table of every size the groups passed through.
        self.table = table;
        self.cap = cap;
    }

    /// Adds the first `n` elements of a prepared sub-batch, element `i` into
    /// its tail bin of group `by[i]`; elements whose cell is `trash` do not count.
    pub fn add(&mut self, n: usize, by: &[u32], s: &Soa, trash: u32) {
        let n = n.min(SUB).min(by.len());
        let nt = s.terms.len() / (2 * SUB);
        let w = self.width;
        assert_eq!(w, 1 + nt, "table rows must fit the terms");
        let by = &by[..n];
        let tail = &s.tail[..n];
        for (i, &g) in by.iter().enumerate() {
            if i + AHEAD < n {
                // A row may straddle two cache lines.
                let a = self.at(by[i + AHEAD] as usize, tail[i + AHEAD] as usize);
                prefetch(&self.table, a);
                prefetch(&self.table, a + w - 1);
            }
            if s.cell[i] == trash {
                continue;
            }
            let (g, bin) = (g as usize, tail[i] as usize);
            let at = self.at(g, bin);
            let row = &mut self.table[at..][..w];
            if row[0] == 0.0 {
                self.touched[g].push(bin as u16);
            }
            row[0] += 1.0;
            for j in 0..nt {
                row[1 + j] += s.terms[2 * j * SUB + i];
            }
        }
    }

    /// Moves each group's rows into its Partial's sparse histogram (adding
    /// to rows it holds), zeroing them, and gives the table back to the pool.
    pub fn settle_into(mut self, parts: &mut [Partial]) {
        let w = self.width;
        let mut touched = std::mem::take(&mut self.touched);
        for (g, (part, bins)) in parts.iter_mut().zip(&mut touched).enumerate() {
            if bins.is_empty() {
                continue;
            }
            // In bin order, so that merging them walks the exact sums forward.
            bins.sort_unstable();
            let mut sums = Vec::with_capacity(bins.len() * w);
            for &b in bins.iter() {
                let at = self.at(g, b as usize);
                let row = &mut self.table[at..][..w];
                sums.extend_from_slice(row);
                row.fill(0.0);
            }
            let rows = SparseTails::from_rows(self.bins, w, std::mem::take(bins), sums);
            match &mut part.sparse_tails {
                Some(s) if !s.is_empty() => s.add_sparse(&rows),
                slot => *slot = Some(Box::new(rows)),
            }
        }
        let table = std::mem::take(&mut self.table);
        POOL.lock().unwrap_or_else(|e| e.into_inner()).push(table);
    }
}

/// Asks for the cache line of `items[at]` ahead of its use (a hint: nothing
/// is read, and an index past the end is harmless).
#[inline(always)]
pub(crate) fn prefetch<T>(items: &[T], at: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let p = items.as_ptr().wrapping_add(at) as *const i8;
        // SAFETY: a prefetch reads nothing and cannot fault, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (items, at);
}

/// A zero table of `len` values, in huge pages where the system gives them
/// on request: the rows are reached at random, and with small pages most
/// reaches would also miss the address cache.
fn zero_table(len: usize) -> Vec<f64> {
    let mut t: Vec<f64> = vec![0.0; len];
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = t.as_mut_ptr() as usize;
        let (from, to) = (
            start.next_multiple_of(HUGE),
            (start + len * 8) / HUGE * HUGE,
        );
        if to > from {
            // SAFETY: the range lies inside `t`'s allocation, which this function
            // owns; the advice changes how its pages are mapped, not what they hold.
            unsafe { libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE) };
        }
    }
    t
}

/// Whether every table in the pool is all zero, as the next unit needs it.
#[cfg(test)]
pub(crate) fn pooled_tables_are_zero() -> bool {
    let pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
    pool.iter().all(|t| t.iter().all(|&x| x == 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table with no room yet, not taken from the pool.
    fn empty(bins: usize, width: usize) -> TailTable {
        TailTable {
            width,
            bins,
            cap: 0,
            table: Vec::new(),
            touched: Vec::new(),
        }
    }

    /// A sub-batch of [`SUB`] elements of `nt` terms spread over `groups`
    /// groups and `bins` bins, every fifth one in group 1 and bin 7.
    fn sub_batch(seed: u64, groups: u32, bins: u32, nt: usize) -> (Box<Soa>, Vec<u32>) {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut s = Soa::new(nt, false);
        let mut by = vec![0; SUB];
        for (i, g) in by.iter_mut().enumerate() {
            let common = i % 5 == 0;
            *g = if common {
                1
            } else {
                (next() % groups as u64) as u32
            };
            s.tail[i] = if common {
                7
            } else {
                (next() % bins as u64) as u32
            };
            s.cell[i] = 0;
            for j in 0..nt {
                s.terms[2 * j * SUB + i] = (next() % 1000) as f64 / 7.0;
            }
        }
        (s, by)
    }

    #[test]
    fn rows_held_move_with_their_groups_when_the_table_grows() {
        let (bins, nt) = (40, 2);
        let w = 1 + nt;
        // One table made for 2 groups that grows to 9 while holding rows,
        // one made for 9: the same elements give the same rows.
        let (mut grown, mut whole) = (empty(bins, w), empty(bins, w));
        grown.grow(2);
        whole.grow(9);
        for round in 0..6 {
            let groups = if round < 3 { 2 } else { 9 };
            grown.grow(groups);
            let (s, by) = sub_batch(round, groups as u32, bins as u32, nt);
            grown.add(SUB, &by, &s, u32::MAX);
            whole.add(SUB, &by, &s, u32::MAX);
        }
        assert_eq!((grown.cap, whole.cap), (9, 9));
        assert_eq!(grown.touched, whole.touched);
        assert_eq!(grown.table, whole.table);
        // Group 1's bin 7 was reached before and after the move.
        let at = grown.at(1, 7);
        assert!(grown.table[at] >= 6.0 * SUB.div_ceil(5) as f64);
    }
}
