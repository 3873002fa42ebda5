//! The `--by` groups' fine p_t histograms while a unit is read: every
//! group's bins in one dense table, so an element's row is found by
//! arithmetic and fetched ahead, not through a per-group lookup. The table
//! is taken from a pool and given back all zero, so a unit neither allocates
//! nor clears it: when the unit ends, the rows its elements reached (about a
//! tenth of them) move into the groups' sparse histograms ([`SparseTails`])
//! and are zeroed.
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
const AHEAD: usize = 8;

/// Zeroed tables given back by units that ended, for the next ones.
static POOL: Mutex<Vec<Vec<f64>>> = Mutex::new(Vec::new());

/// The groups' histogram rows of one unit (see the module doc).
#[derive(Clone, Debug, PartialEq)]
pub struct TailTable {
    /// Values per bin: count, then Σ w·CE per term.
    width: usize,
    /// Bins per group (the trash bin excluded).
    bins: usize,
    /// Groups × bins × width values, zero where no element went.
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
        let mut t = TailTable {
            width,
            bins,
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

    /// Makes room for `groups` groups (at least), keeping the rows held.
    pub fn grow(&mut self, groups: usize) {
        if groups > self.touched.len() {
            self.touched.resize_with(groups, Vec::new);
        }
        let len = Self::values_for(self.touched.len(), self.bins, self.width);
        // A pooled table may be longer: its extra rows are zero too.
        if self.table.len() < len {
            self.table = zero_table(len, &self.table);
        }
    }

    /// Adds the first `n` elements of a prepared sub-batch, element `i` into
    /// its tail bin of group `by[i]`; elements whose cell is `trash` do not count.
    pub fn add(&mut self, n: usize, by: &[u32], s: &Soa, trash: u32) {
        let n = n.min(SUB).min(by.len());
        let nt = s.terms.len() / (2 * SUB);
        let w = self.width;
        assert_eq!(w, 1 + nt, "table rows must fit the terms");
        let by = &by[..n];
        let at = |i: usize| (by[i] as usize * self.bins + s.tail[i] as usize) * w;
        for (i, &g) in by.iter().enumerate() {
            if i + AHEAD < n {
                // A row may straddle two cache lines.
                let a = at(i + AHEAD);
                prefetch(&self.table, a);
                prefetch(&self.table, a + w - 1);
            }
            if s.cell[i] == trash {
                continue;
            }
            let (g, bin) = (g as usize, s.tail[i] as usize);
            let row = &mut self.table[at(i)..][..w];
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
        for (g, (part, bins)) in parts.iter_mut().zip(&mut self.touched).enumerate() {
            if bins.is_empty() {
                continue;
            }
            // In bin order, so that merging them walks the exact sums forward.
            bins.sort_unstable();
            let mut sums = Vec::with_capacity(bins.len() * w);
            for &b in bins.iter() {
                let row = &mut self.table[(g * self.bins + b as usize) * w..][..w];
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

/// A zero table of `len` values holding `old` at its start, in huge pages
/// where the system gives them on request: the rows are reached at random,
/// and with small pages most reaches would also miss the address cache.
fn zero_table(len: usize, old: &[f64]) -> Vec<f64> {
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
    t[..old.len()].copy_from_slice(old);
    t
}

/// Whether every table in the pool is all zero, as the next unit needs it.
#[cfg(test)]
pub(crate) fn pooled_tables_are_zero() -> bool {
    let pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
    pool.iter().all(|t| t.iter().all(|&x| x == 0.0))
}
