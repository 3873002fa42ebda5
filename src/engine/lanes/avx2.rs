//! The AVX2 scatter of [`Lanes`]: four elements at a time, per-field vectors
//! turned into per-element rows by 4×4 transposes, one vector add per 4 values;
//! the per-field vectors added as they are into the dominant row (see `dominant`).

use super::dominant::NO_ROW;
use super::{Lanes, Src, CB, COPIES, CW};
use crate::engine::simd::transpose;
use crate::engine::soa::{Soa, SUB};

/// Per 4-bit set of lanes, the mask that keeps those lanes of a vector (+0.0 elsewhere).
const KEEP: [[u64; 4]; 16] = {
    let mut t = [[0u64; 4]; 16];
    let mut bits = 0;
    while bits < 16 {
        let mut l = 0;
        while l < 4 {
            if bits >> l & 1 == 1 {
                t[bits][l] = u64::MAX;
            }
            l += 1;
        }
        bits += 1;
    }
    t
};

/// Scratch of the AVX2 scatter, kept from one sub-batch to the next rather
/// than zeroed for each: every element's offsets into the cells, tails and
/// calibration rows, and its bit of the dominant row.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Offsets {
    /// Offset of the element's cell row in `Lanes::cells`.
    cell: [u32; SUB],
    /// Offset of its tail row in `Lanes::tails`.
    tail: [u32; SUB],
    /// Offset of its calibration row in `Lanes::calib`.
    cal: [u32; SUB],
    /// 1 << (i % 4) when element i lands in the dominant row, else 0.
    hit: [u8; SUB],
}

impl Offsets {
    /// Zeroed scratch.
    pub(super) fn new() -> Box<Offsets> {
        Box::new(Offsets {
            cell: [0; SUB],
            tail: [0; SUB],
            cal: [0; SUB],
            hit: [0; SUB],
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
    /// `turn` is the copy of the first element of every aligned group of four
    /// when the elements take the copies in turn (every element counts), else None.
    ///
    /// # Safety
    /// The CPU must support AVX2, `n` must be at most [`super::SUB`], and every
    /// lane, row, tail and calibration index of the first `n` elements of `s`
    /// must lie inside this accumulator's arrays: [`Lanes::add`] checks both
    /// (`Lanes::in_range`) before it calls this, once per sub-batch.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn add_avx2(&mut self, n: usize, s: &Soa, turn: Option<usize>) -> usize {
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
        // Elements of the dominant row go to a trash row in the transposed scatter.
        let dom_row = if self.dom.is_empty() {
            NO_ROW
        } else {
            self.dom_row
        };
        let (spare, spares) = (self.ncells * self.per_cell(), self.per_cell());
        let n4 = n / 4 * 4;
        // Each element's offset into `cells`, `tails` and `calib`, and whether
        // it lands in the dominant row (bit i % 4), in loops that vectorise:
        // Lanes::in_range checked every index and that the arrays' lengths fit
        // in u32 (wrapping, for the arrays that a pass does not use and leaves
        // unset). Elements held apart go to a trash row in the transposed
        // scatter, one of the trash rows in turn so that consecutive groups do
        // not wait on each other's stores.
        let Offsets {
            cell: coff,
            tail: toff,
            cal: aoff,
            hit,
        } = &mut *self.off;
        {
            let (per, cal_on) = if self.joint { (CB as u32, 1) } else { (1, 0) };
            let d = if dom_row == NO_ROW {
                u32::MAX
            } else {
                dom_row as u32
            };
            let (cs, cw, tw) = (copy_stride as u32, cwp as u32, twp as u32);
            let (spare, turn_mask, cal_rows) =
                (spare as u32, spares as u32 - 1, self.cal_rows as u32);
            let (cell, cal, tail, lane) =
                (&s.cell[..n4], &s.cal[..n4], &s.tail[..n4], &s.lane[..n4]);
            for i in 0..n4 {
                let row = cell[i].wrapping_mul(per).wrapping_add(cal[i] * cal_on);
                let h = u32::from(row == d);
                let r = if h == 1 {
                    spare + ((i as u32 >> 2) & turn_mask)
                } else {
                    row
                };
                coff[i] = lane[i].wrapping_mul(cs).wrapping_add(r.wrapping_mul(cw));
                hit[i] = (h << (i & 3)) as u8;
                toff[i] = tail[i].wrapping_mul(tw);
                aoff[i] =
                    (lane[i].wrapping_mul(cal_rows).wrapping_add(cal[i])).wrapping_mul(CW as u32);
            }
        }
        // Per group of four, the elements in the dominant row; and the groups
        // with an element elsewhere, listed without branches.
        let (mut held, mut mixed, mut k) = ([0u8; SUB / 4], [0u8; SUB / 4], 0);
        for i in (0..n4).step_by(4) {
            // The four bits are distinct, so the byte sum is their union.
            let four = u32::from_le_bytes([hit[i], hit[i + 1], hit[i + 2], hit[i + 3]]);
            let bits = (four.wrapping_mul(0x0101_0101) >> 24) as u8;
            held[i / 4] = bits;
            mixed[k] = (i / 4) as u8;
            k += usize::from(bits != 0b1111);
            if self.tails_len > 0 {
                let rows = std::array::from_fn(|l| tails.add(toff[i + l] as usize));
                scatter(tail_fields, i, rows);
            }
            if separate_calib {
                let rows = std::array::from_fn(|l| calib.add(aoff[i + l] as usize));
                scatter(cal_fields, i, rows);
            }
        }
        for &g in &mixed[..k] {
            let i = 4 * g as usize;
            let rows = std::array::from_fn(|l| cells.add(coff[i + l] as usize));
            scatter(cell_fields, i, rows);
        }
        if dom_row != NO_ROW {
            let held = &held[..n4 / 4];
            match turn {
                // Every field array holds SUB ≥ n4 values, and Lanes::in_range
                // checked that `dom` holds COPIES values per field.
                Some(first) => add_held(cell_fields, held, first, self.dom.as_mut_ptr()),
                None => {
                    // Copies not in turn: one element at a time, in element order.
                    for i in 0..n4 {
                        if held[i / 4] >> (i % 4) & 1 == 1 {
                            self.add_dom(i, s.lane[i] as usize, s);
                        }
                    }
                }
            }
        }
        n4
    }
}

/// Adds the per-field vectors of the groups of four into the field-major
/// dominant row `dom` (value f of copy c at `f * COPIES + c`), element l of a
/// group into copy `(first + l) % 4`, the elements outside `held` masked to +0.0.
///
/// # Safety
/// The CPU must support AVX2, every pointer of `fields` must be valid for
/// `4 * held.len()` reads and `dom` for `COPIES * fields.len()` values
/// (`add_avx2` passes its checked arrays).
#[target_feature(enable = "avx2")]
unsafe fn add_held(fields: &[*const f64], held: &[u8], first: usize, dom: *mut f64) {
    // Eight fields at a time: eight independent sums keep the adds busy while
    // each waits for the one before it in its own field.
    let mut chunks = fields.chunks_exact(8);
    for (m, f) in chunks.by_ref().enumerate() {
        add_fields::<8>(f, 8 * m, held, first, dom);
    }
    let rest = chunks.remainder();
    for (m, f) in rest.chunks_exact(4).enumerate() {
        add_fields::<4>(f, fields.len() - rest.len() + 4 * m, held, first, dom);
    }
}

/// [`add_held`] for the `K` fields `from..from + K`, each sum in a register
/// across the whole sub-batch.
///
/// # Safety
/// As for [`add_held`], with `fields.len() == K`.
#[inline(always)]
unsafe fn add_fields<const K: usize>(
    fields: &[*const f64],
    from: usize,
    held: &[u8],
    first: usize,
    dom: *mut f64,
) {
    use std::arch::x86_64::*;
    let f: [*const f64; K] = std::array::from_fn(|j| fields[j]);
    let at = |j: usize, l: usize| dom.add((from + j) * COPIES + (first + l) % COPIES);
    let mut acc: [__m256d; K] =
        std::array::from_fn(|j| _mm256_setr_pd(*at(j, 0), *at(j, 1), *at(j, 2), *at(j, 3)));
    for (g, &bits) in held.iter().enumerate() {
        let keep = _mm256_loadu_pd(KEEP[bits as usize].as_ptr().cast());
        for j in 0..K {
            let v = _mm256_and_pd(_mm256_loadu_pd(f[j].add(4 * g)), keep);
            acc[j] = _mm256_add_pd(acc[j], v);
        }
    }
    for (j, a) in acc.iter().enumerate() {
        let mut out = [0.0; 4];
        _mm256_storeu_pd(out.as_mut_ptr(), *a);
        for (l, &x) in out.iter().enumerate() {
            *at(j, l) = x;
        }
    }
}
