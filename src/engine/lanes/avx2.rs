//! The AVX2 scatter of [`Lanes`]: four elements at a time, per-field vectors
//! turned into per-element rows by 4×4 transposes, one vector add per 4 values.

use super::{Lanes, Src, CW};
use crate::engine::soa::Soa;

impl Lanes {
    /// The AVX2 scatter of whole groups of 4 elements; returns how many it added.
    ///
    /// # Safety
    /// The CPU must support AVX2, `n` must be at most [`super::SUB`], and every
    /// lane, row, tail and calibration index of the first `n` elements of `s`
    /// must lie inside this accumulator's arrays: [`Lanes::add`] checks both
    /// (`Lanes::in_range`) before it calls this, once per sub-batch.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn add_avx2(&mut self, n: usize, s: &Soa) -> usize {
        use std::arch::x86_64::*;
        let ptrs = |srcs: &[Src]| -> Vec<*const f64> {
            srcs.iter().map(|f| f.array(s).as_ptr()).collect()
        };
        let cell_fields = ptrs(&self.cell_src);
        let tail_fields = ptrs(&self.tail_src);
        let cal_fields = ptrs(&self.cal_src);

        #[inline(always)]
        unsafe fn transpose(v: [__m256d; 4]) -> [__m256d; 4] {
            let t0 = _mm256_unpacklo_pd(v[0], v[1]);
            let t1 = _mm256_unpackhi_pd(v[0], v[1]);
            let t2 = _mm256_unpacklo_pd(v[2], v[3]);
            let t3 = _mm256_unpackhi_pd(v[2], v[3]);
            [
                _mm256_permute2f128_pd(t0, t2, 0x20),
                _mm256_permute2f128_pd(t1, t3, 0x20),
                _mm256_permute2f128_pd(t0, t2, 0x31),
                _mm256_permute2f128_pd(t1, t3, 0x31),
            ]
        }
        /// Adds fields `fields[4m..4m+4]` of elements i..i+4 into the rows at `rows[l]`.
        #[inline(always)]
        unsafe fn scatter(fields: &[*const f64], i: usize, rows: [*mut f64; 4]) {
            for (m, f) in fields.chunks_exact(4).enumerate() {
                let v = [
                    _mm256_loadu_pd(f[0].add(i)),
                    _mm256_loadu_pd(f[1].add(i)),
                    _mm256_loadu_pd(f[2].add(i)),
                    _mm256_loadu_pd(f[3].add(i)),
                ];
                let r = transpose(v);
                // In element order: two elements may share a row (one copy, or
                // an element that does not count next to one that does).
                for l in 0..4 {
                    let p = rows[l].add(4 * m);
                    _mm256_storeu_pd(p, _mm256_add_pd(_mm256_loadu_pd(p), r[l]));
                }
            }
        }

        let cells = self.cells.as_mut_ptr();
        let tails = self.tails.as_mut_ptr();
        let calib = self.calib.as_mut_ptr();
        let (cwp, twp) = (self.cell_src.len(), self.tail_src.len());
        let copy_stride = if self.cell_copies == 1 {
            0
        } else {
            self.cells_len
        };
        let separate_calib = self.calib_on && !self.joint;
        let n4 = n / 4 * 4;
        for i in (0..n4).step_by(4) {
            let lane: [usize; 4] = std::array::from_fn(|l| s.lane[i + l] as usize);
            let rows = std::array::from_fn(|l| {
                cells.add(lane[l] * copy_stride + self.row(s, i + l) * cwp)
            });
            scatter(&cell_fields, i, rows);
            if self.tails_len > 0 {
                let rows = std::array::from_fn(|l| {
                    tails.add(lane[l] * self.tails_len + s.tail[i + l] as usize * twp)
                });
                scatter(&tail_fields, i, rows);
            }
            if separate_calib {
                let rows = std::array::from_fn(|l| {
                    calib.add((lane[l] * self.cal_rows + s.cal[i + l] as usize) * CW)
                });
                scatter(&cal_fields, i, rows);
            }
        }
        n4
    }
}
