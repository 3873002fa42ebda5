//! The AVX2 add of [`FixedRows`]: four elements at a time, their per-value
//! vectors turned into per-element rows by 4×4 transposes, then per element
//! and 4 values one `f64` add of the constants, one integer subtract and one
//! integer add into the row. The same operations as the scalar path, so the
//! same integers.

use super::{FixedRows, NONE};
use crate::engine::simd::transpose;
use crate::engine::soa::{Soa, SUB};
use std::arch::x86_64::*;

/// Value pointers held on the stack; rows with more values list theirs on the heap.
const PTRS: usize = 48;

impl FixedRows {
    /// [`FixedRows::add`]'s elements (`n` at most [`SUB`]; those in the
    /// trash cell left out), four at a time where all four count, the others
    /// one at a time.
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn add_avx2(&mut self, n: usize, s: &Soa, trash: u32) {
        let n = n.min(SUB);
        // Compiled here for AVX2 too.
        self.fine_bins(n, s);
        self.find_rows(n, s, trash);
        let w = self.w;
        let mut buf = [std::ptr::null::<f64>(); PTRS];
        let mut heap = Vec::new();
        let fields: &[*const f64] = if w <= PTRS {
            for (p, src) in buf.iter_mut().zip(&self.srcs) {
                *p = src.array(s).as_ptr();
            }
            &buf[..w]
        } else {
            heap.extend(self.srcs.iter().map(|src| src.array(s).as_ptr()));
            &heap
        };
        let mut i = 0;
        while i + 4 <= n {
            if self.rows[i..i + 4].contains(&NONE) {
                for j in i..i + 4 {
                    if self.rows[j] != NONE {
                        self.add_one(j, s);
                    }
                }
                i += 4;
                continue;
            }
            let rows = [0, 1, 2, 3].map(|l| self.rows[i + l] as usize);
            let grids = [0, 1, 2, 3].map(|l| self.grid[i + l] as usize);
            // Taken anew after every call that borrows `self` mutably.
            let (data, consts) = (self.data.as_mut_ptr(), self.consts.as_ptr());
            let mut bad = [_mm256_setzero_si256(); 4];
            for (m, f) in fields.chunks_exact(4).enumerate() {
                // SAFETY: i + 4 ≤ n ≤ SUB, and every value array holds SUB values.
                let v = transpose([
                    _mm256_loadu_pd(f[0].add(i)),
                    _mm256_loadu_pd(f[1].add(i)),
                    _mm256_loadu_pd(f[2].add(i)),
                    _mm256_loadu_pd(f[3].add(i)),
                ]);
                // In element order: two of the four may share a row.
                for l in 0..4 {
                    // SAFETY: find_rows gave rows[l] a row of `data` (not
                    // NONE, checked above), which holds w values per row, and
                    // the element's w constants in `consts` from grids[l];
                    // 4m + 4 ≤ w.
                    let c = _mm256_loadu_si256(consts.add(grids[l] + 4 * m) as *const __m256i);
                    let q = data.add(w * rows[l] + 4 * m) as *mut __m256i;
                    let y = _mm256_add_pd(v[l], _mm256_castsi256_pd(c));
                    let k = _mm256_sub_epi64(_mm256_castpd_si256(y), c);
                    bad[l] = _mm256_or_si256(bad[l], k);
                    _mm256_storeu_si256(q, _mm256_add_epi64(_mm256_loadu_si256(q), k));
                }
            }
            // A value off the grid has an integer of 2^52 or more.
            let any = _mm256_or_si256(
                _mm256_or_si256(bad[0], bad[1]),
                _mm256_or_si256(bad[2], bad[3]),
            );
            let high = _mm256_srli_epi64(any, 52);
            if _mm256_testz_si256(high, high) == 0 {
                for (l, &r) in rows.iter().enumerate() {
                    self.off_grid(r, i + l, s);
                }
            }
            i += 4;
        }
        for j in i..n {
            if self.rows[j] != NONE {
                self.add_one(j, s);
            }
        }
    }
}
