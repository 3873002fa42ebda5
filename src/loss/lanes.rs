//! The scatter of the binary / sigmoid element path into interleaved copies
//! of the sums.
//!
//! In a detection dump most elements land in one cell (86% of the benchmark's
//! 20M rows are easy negatives in the top bucket) and in a few tail bins.
//! Adding each element straight into its cell makes every add wait for the
//! store of the one before. The k-th counted element of a unit is added into
//! copy `k mod 4` instead, so four chains run side by side; when the unit ends
//! ([`Partial::settle`]) the copies are added into the [`Partial`] in copy
//! order. So every sum is a fixed function of the unit's counted elements:
//! not of the thread count, the CPU, batch boundaries or skipped rows.
//!
//! When the cells are few (binary), a cell row also holds the calibration sums
//! of one confidence bin (rows keyed by cell × bin), so an element is added
//! into two rows, not three: count, Σp_t, ΣCE, loss and gradient per term,
//! Σconfidence, Σcorrect, ΣBrier; the count serves both.
//!
//! Rows are padded to multiples of 4 values. With AVX2, four consecutive
//! elements (one per copy) are turned from per-field vectors into per-element
//! rows by 4×4 transposes and added with one vector add per 4 values; the
//! scalar loop does the same additions one value at a time.

use super::accum::Partial;
use super::fast::{Soa, SUB};
use super::spec::CALIB_BINS;

/// Interleaved copies of the sums.
pub const COPIES: usize = 4;

/// Cell arrays up to this many values get [`COPIES`] copies. Sigmoid with
/// many classes has big arrays, and its consecutive elements belong to
/// different classes, so one copy has no chains to break.
const SMALL_CELLS: usize = 4096;

/// Values per calibration row: count, Σconfidence, Σcorrect, ΣBrier.
const CW: usize = 4;

/// Calibration bins per cell in joint rows (the last one is the trash bin).
const CB: usize = CALIB_BINS + 1;

/// A unit's pending sums: padded rows, a trash row per copy for elements
/// that do not count, times the copies.
#[derive(Clone, Debug, PartialEq)]
pub struct Lanes {
    /// Copies of the tail and calibration sums: [`COPIES`], or 1 for the many
    /// small partials of `--by`.
    copies: usize,
    /// Copies of the cell sums: `copies`, or 1 when the cell array is big.
    cell_copies: usize,
    /// The copy of the next counted element.
    next: usize,
    /// Cells in the Partial (the trash cell is this index).
    ncells: usize,
    /// Whether cell rows hold the calibration sums too (rows keyed by cell × bin).
    joint: bool,
    /// Values per cell in the Partial: count, Σp_t, ΣCE, loss and gradient per term.
    cw: usize,
    /// Values per cell row: `cw` (+ 3 calibration values when joint), rounded
    /// up to a multiple of 4.
    cwp: usize,
    /// Values per copy of `cells` (trash row included).
    cells_len: usize,
    /// `cell_copies` × (cells + trash) × `cwp`.
    cells: Vec<f64>,
    /// Values per tail bin in the Partial: count, then loss per term.
    tw: usize,
    /// `tw` rounded up to a multiple of 4.
    twp: usize,
    /// Values per copy of `tails` (0 when tails are off).
    tails_len: usize,
    /// [`COPIES`] × (bins + trash) × `twp`.
    tails: Vec<f64>,
    /// [`COPIES`] × ([`CALIB_BINS`] + trash) × [`CW`].
    calib: Vec<f64>,
}

/// The trash row indices, which [`super::fast`] gives to elements that do not count.
pub struct Trash {
    /// Cell index of the trash row.
    pub cell: u32,
    /// Tail index of the trash row.
    pub tail: u32,
    /// Calibration index of the trash row.
    pub cal: u32,
}

impl Lanes {
    /// Zeroed sums shaped like `acc`, in `copies` (1 or [`COPIES`]) copies.
    pub fn new(acc: &Partial, terms: usize, copies: usize) -> Lanes {
        let l = Lanes::layout(acc, terms, copies);
        Lanes {
            cells: vec![0.0; l.cell_copies * l.cells_len],
            tails: vec![0.0; l.copies * l.tails_len],
            calib: vec![0.0; l.copies * CB * CW],
            ..l
        }
    }

    /// The sizes of [`Lanes::new`], with empty arrays.
    fn layout(acc: &Partial, terms: usize, copies: usize) -> Lanes {
        let copies = if copies == 1 { 1 } else { COPIES };
        let cw = acc.stride;
        let ncells = acc.cells.len() / cw;
        let small = acc.cells.len() <= SMALL_CELLS;
        // Joint rows only in the per-unit partials: --by groups may be many.
        let joint = small && copies == COPIES;
        let cwp = (cw + if joint { 3 } else { 0 }).next_multiple_of(4);
        let tw = 1 + terms;
        let twp = tw.next_multiple_of(4);
        Lanes {
            copies,
            cell_copies: if small { copies } else { 1 },
            next: 0,
            ncells,
            joint,
            cw,
            cwp,
            cells_len: (ncells + 1) * if joint { CB } else { 1 } * cwp,
            cells: Vec::new(),
            tw,
            twp,
            tails_len: if acc.tails.is_empty() {
                0
            } else {
                (acc.tails.len() / tw + 1) * twp
            },
            tails: Vec::new(),
            calib: Vec::new(),
        }
    }

    /// The trash row indices.
    pub fn trash(&self) -> Trash {
        Trash {
            cell: self.ncells as u32,
            tail: (self.tails_len / self.twp).max(1) as u32 - 1,
            cal: CALIB_BINS as u32,
        }
    }

    /// Adds the first `n` elements of a sub-batch prepared by [`super::fast`],
    /// `counted` of which count (the others point at the trash rows).
    pub fn add(&mut self, n: usize, counted: usize, s: &mut Soa) {
        let n = n.min(SUB);
        // Each element's copy: the next ones in turn, skipping elements that do not count.
        let mask = self.copies - 1;
        if counted == n {
            for (i, l) in s.lane[..n].iter_mut().enumerate() {
                *l = ((self.next + i) & mask) as u32;
            }
        } else {
            let (mut k, trash) = (self.next, self.trash().cell);
            for (l, &c) in s.lane[..n].iter_mut().zip(&s.cell[..n]) {
                *l = (k & mask) as u32;
                k += (c != trash) as usize;
            }
        }
        self.next = (self.next + counted) & mask;
        let s = &*s;
        let mut done = 0;
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2 (checked just above).
                done = unsafe { self.add_avx2(n, s) };
            }
        }
        for i in done..n {
            self.add_one(i, s);
        }
    }

    /// Adds element `i` into its copy, one value at a time.
    #[inline(always)]
    fn add_one(&mut self, i: usize, s: &Soa) {
        let c = s.lane[i] as usize;
        let nt = (self.cw - 3) / 2;
        let at = (c % self.cell_copies) * self.cells_len + self.row(s, i) * self.cwp;
        let row = &mut self.cells[at..at + self.cwp];
        row[0] += 1.0;
        row[1] += s.pt[i];
        row[2] += s.ce[i];
        for j in 0..nt {
            row[3 + 2 * j] += s.terms[2 * j * SUB + i];
            row[4 + 2 * j] += s.terms[(2 * j + 1) * SUB + i];
        }
        if self.tails_len > 0 {
            let at = c * self.tails_len + s.tail[i] as usize * self.twp;
            let bin = &mut self.tails[at..at + self.tw];
            bin[0] += 1.0;
            for j in 0..nt {
                bin[1 + j] += s.terms[2 * j * SUB + i];
            }
        }
        if self.joint {
            let row = &mut self.cells[at + self.cw..at + self.cw + 3];
            row[0] += s.conf[i];
            row[1] += s.ok[i];
            row[2] += s.brier[i];
            return;
        }
        let at = (c * CB + s.cal[i] as usize) * CW;
        let cal = &mut self.calib[at..at + CW];
        cal[0] += 1.0;
        cal[1] += s.conf[i];
        cal[2] += s.ok[i];
        cal[3] += s.brier[i];
    }

    /// The cell row of element `i`: its cell, or (joint) its cell × calibration bin.
    #[inline(always)]
    fn row(&self, s: &Soa, i: usize) -> usize {
        if self.joint {
            s.cell[i] as usize * CB + s.cal[i] as usize
        } else {
            s.cell[i] as usize
        }
    }

    /// The AVX2 scatter of whole groups of 4 elements; returns how many it added.
    ///
    /// # Safety
    /// The CPU must support AVX2. Indices in `s` must be in range, which
    /// [`super::fast`] guarantees by clamping them to the trash rows.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn add_avx2(&mut self, n: usize, s: &Soa) -> usize {
        use std::arch::x86_64::*;
        let nt = (self.cw - 3) / 2;
        // Every field as an array of SUB values: ones, p_t, CE, loss/grad per term, zeros.
        let mut cell_fields: Vec<*const f64> = vec![s.ones.as_ptr(), s.pt.as_ptr(), s.ce.as_ptr()];
        let mut tail_fields: Vec<*const f64> = vec![s.ones.as_ptr()];
        for j in 0..nt {
            cell_fields.push(s.terms[2 * j * SUB..].as_ptr());
            cell_fields.push(s.terms[(2 * j + 1) * SUB..].as_ptr());
            tail_fields.push(s.terms[2 * j * SUB..].as_ptr());
        }
        if self.joint {
            cell_fields.extend([s.conf.as_ptr(), s.ok.as_ptr(), s.brier.as_ptr()]);
        }
        cell_fields.resize(self.cwp, s.zeros.as_ptr());
        tail_fields.resize(self.twp, s.zeros.as_ptr());
        let cal_fields = [
            s.ones.as_ptr(),
            s.conf.as_ptr(),
            s.ok.as_ptr(),
            s.brier.as_ptr(),
        ];

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
        let copy_stride = if self.cell_copies == 1 {
            0
        } else {
            self.cells_len
        };
        let n4 = n / 4 * 4;
        for i in (0..n4).step_by(4) {
            let lane: [usize; 4] = std::array::from_fn(|l| s.lane[i + l] as usize);
            let rows = std::array::from_fn(|l| {
                cells.add(lane[l] * copy_stride + self.row(s, i + l) * self.cwp)
            });
            scatter(&cell_fields, i, rows);
            if self.tails_len > 0 {
                let rows = std::array::from_fn(|l| {
                    tails.add(lane[l] * self.tails_len + s.tail[i + l] as usize * self.twp)
                });
                scatter(&tail_fields, i, rows);
            }
            if !self.joint {
                let rows =
                    std::array::from_fn(|l| calib.add((lane[l] * CB + s.cal[i + l] as usize) * CW));
                scatter(&cal_fields, i, rows);
            }
        }
        n4
    }

    /// Adds the copies into `acc` in copy order (trash rows dropped).
    pub fn add_into(&self, acc: &mut Partial) {
        for copy in self.cells.chunks_exact(self.cells_len) {
            if !self.joint {
                add_rows(&mut acc.cells, self.cw, copy, self.cwp);
                continue;
            }
            let cw = self.cw;
            // Cell × bin rows: each cell's bins into the cell, each bin's cells into the bin.
            for (cell, rows) in acc
                .cells
                .chunks_exact_mut(cw)
                .zip(copy.chunks_exact(CB * self.cwp))
            {
                for (bin, row) in acc.calib.iter_mut().zip(rows.chunks_exact(self.cwp)) {
                    for k in 0..cw {
                        cell[k] += row[k];
                    }
                    bin[0] += row[0];
                    bin[1] += row[cw];
                    bin[2] += row[cw + 1];
                    acc.brier.0 += row[cw + 2];
                }
            }
        }
        if self.tails_len > 0 {
            for copy in self.tails.chunks_exact(self.tails_len) {
                add_rows(&mut acc.tails, self.tw, copy, self.twp);
            }
        }
        for copy in self.calib.chunks_exact(CB * CW) {
            for (bin, src) in acc.calib.iter_mut().zip(copy.chunks_exact(CW)) {
                for k in 0..3 {
                    bin[k] += src[k];
                }
                acc.brier.0 += src[3];
            }
        }
    }
}

/// `dst` rows of `w` values += `src` rows of `wp` values (its last row, the
/// trash, is dropped).
fn add_rows(dst: &mut [f64], w: usize, src: &[f64], wp: usize) {
    for (d, s) in dst.chunks_exact_mut(w).zip(src.chunks_exact(wp)) {
        for k in 0..w {
            d[k] += s[k];
        }
    }
}
