//! The AVX2 scatter of [`Lanes`]: four elements at a time, per-field vectors
//! turned into per-element rows by 4×4 transposes, one vector add per 4 values.

use super::{Lanes, Src, CB, CW};
use crate::engine::simd::transpose;
use crate::engine::soa::{Soa, SUB};

/// Scratch of the AVX2 scatter, kept from one sub-batch to the next rather
/// than zeroed for each: every element's offsets into the cells, tails and
/// calibration rows.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Offsets {
    /// Offset of the element's cell row in `Lanes::cells`.
    cell: [u32; SUB],
    /// Offset of its tail row in `Lanes::tails`.
    tail: [u32; SUB],
    /// Offset of its calibration row in `Lanes::calib`.
    cal: [u32; SUB],
}

impl Offsets {
    /// Zeroed scratch.
    pub(super) fn new() -> Box<Offsets> {
        Box::new(Offsets {
            cell: [0; SUB],
            tail: [0; SUB],
            cal: [0; SUB],
        })
    }
}

/// Field pointers held on the stack; rows with more values list theirs on the heap.
const PTRS: usize = 48;

/// Pointers to the sub-batch arrays of `srcs`: in `buf` when they fit, else in `heap`.
#[inline(always)]
fn ptrs<'b>(
    srcs: &[Src],
    s: &Soa,
    buf: &'b mut [*const f64; PTRS],
    heap: &'b mut Vec<*const f64>,
) -> &'b [*const f64] {
    if srcs.len() <= PTRS {
        for (p, f) in buf.iter_mut().zip(srcs) {
            *p = f.array(s).as_ptr();
        }
        &buf[..srcs.len()]
    } else {
        heap.extend(srcs.iter().map(|f| f.array(s).as_ptr()));
        heap
    }
}

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
        // The field pointers of this sub-batch, on the stack: a heap list per
        // sub-batch cost a few per cent of the whole pass.
        let mut bufs = [[std::ptr::null::<f64>(); PTRS]; 3];
        let mut heap: [Vec<*const f64>; 3] = Default::default();
        let [b0, b1, b2] = &mut bufs;
        let [h0, h1, h2] = &mut heap;
        let cell_fields = ptrs(&self.cell_src, s, b0, h0);
        let tail_fields = ptrs(&self.tail_src, s, b1, h1);
        let cal_fields = ptrs(&self.cal_src, s, b2, h2);

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
        // Each element's offset into `cells`, `tails` and `calib`, in a loop
        // that vectorises: Lanes::in_range checked every index and that the
        // arrays' lengths fit in u32 (wrapping, for the arrays that a pass
        // does not use and leaves unset).
        let Offsets {
            cell: coff,
            tail: toff,
            cal: aoff,
        } = &mut *self.off;
        {
            let (per, cal_on) = if self.joint { (CB as u32, 1) } else { (1, 0) };
            let (cs, cw, tw) = (copy_stride as u32, cwp as u32, twp as u32);
            let cal_rows = self.cal_rows as u32;
            let (cell, cal, tail, lane) =
                (&s.cell[..n4], &s.cal[..n4], &s.tail[..n4], &s.lane[..n4]);
            for i in 0..n4 {
                let row = cell[i].wrapping_mul(per).wrapping_add(cal[i] * cal_on);
                coff[i] = lane[i].wrapping_mul(cs).wrapping_add(row.wrapping_mul(cw));
                toff[i] = tail[i].wrapping_mul(tw);
                aoff[i] =
                    (lane[i].wrapping_mul(cal_rows).wrapping_add(cal[i])).wrapping_mul(CW as u32);
            }
        }
        for i in (0..n4).step_by(4) {
            let rows = std::array::from_fn(|l| cells.add(coff[i + l] as usize));
            scatter(cell_fields, i, rows);
            if self.tails_len > 0 {
                let rows = std::array::from_fn(|l| tails.add(toff[i + l] as usize));
                scatter(tail_fields, i, rows);
            }
            if separate_calib {
                let rows = std::array::from_fn(|l| calib.add(aoff[i + l] as usize));
                scatter(cal_fields, i, rows);
            }
        }
        n4
    }
}
