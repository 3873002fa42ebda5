//! The softmax row kernel. Per row of K logits, four passes over contiguous
//! arrays that the compiler vectorises:
//! 1. the maximum `m` (exact in any order);
//! 2. `e_k = exp(z_k - m)` into a row buffer, with the branch-free `exp` of
//!    [`super::fdlibm`];
//! 3. `s = Σ e_k`;
//! 4. `rest = Σ_{k≠y} e_k` and, when calibration is kept, the Brier term
//!    `Σ_{k≠y} (e_k · (1/s))^2`, to which `(e_y · (1/s) - 1)^2` is added last.
//!
//! Every sum runs in [`L`] interleaved lanes (lane `l` takes the elements `k ≡ l
//! mod L` in order), the lanes are folded in one fixed tree, then the last
//! `K mod L` elements are added in order. That order is written out in the
//! source, not left to the vectoriser, and there is no FMA contraction, so the
//! baseline, AVX2 and AVX-512 builds of these loops give the same bits.
//!
//! The rows of a batch are computed in parallel, then added to the sums in
//! row order by [`super::softmax_sums`]. Probabilities take the row loop of
//! [`outs_of_probabilities`].

use super::accum::Partial;
use super::fdlibm::exp_neg;
use super::fixed::FixedRows;
use super::kernel::argmax;
use super::plan::{Ctx, Elem};
use super::simd::{self, Level};
use crate::model::ScoreKind;

/// Lanes of every row sum: one AVX-512 vector, two AVX2 vectors. `flcli sql`
/// writes its sums in the same lanes, so that its queries add as this does.
pub(crate) const L: usize = 8;

/// e^x for x ≤ 0, 0 below -708 (where e^x leaves the normal range).
#[inline(always)]
fn exp_le0(x: f64) -> f64 {
    let e = exp_neg(x);
    if x < -708.0 {
        0.0
    } else {
        e
    }
}

/// The lanes folded in a fixed order (`flcli sql` writes the same tree).
#[inline(always)]
fn fold(a: [f64; L]) -> f64 {
    ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]))
}

/// The largest value of a row without NaN.
#[inline(always)]
fn row_max(row: &[f64]) -> f64 {
    let mut lanes = [f64::NEG_INFINITY; L];
    let chunks = row.chunks_exact(L);
    let rest = chunks.remainder();
    for c in chunks {
        for l in 0..L {
            lanes[l] = if c[l] > lanes[l] { c[l] } else { lanes[l] };
        }
    }
    lanes
        .iter()
        .chain(rest)
        .fold(f64::NEG_INFINITY, |m, &v| if v > m { v } else { m })
}

/// `Σ x_k` in lanes, then the remainder in order.
#[inline(always)]
fn lane_sum(x: &[f64]) -> f64 {
    let mut lanes = [0.0; L];
    let chunks = x.chunks_exact(L);
    let rest = chunks.remainder();
    for c in chunks {
        for l in 0..L {
            lanes[l] += c[l];
        }
    }
    rest.iter().fold(fold(lanes), |s, &v| s + v)
}

/// `(Σ x_k, Σ (x_k · inv)^2)` in lanes, then the remainder in order.
#[inline(always)]
fn lane_sum_sq(x: &[f64], inv: f64) -> (f64, f64) {
    let (mut a, mut b) = ([0.0; L], [0.0; L]);
    let chunks = x.chunks_exact(L);
    let rest = chunks.remainder();
    for c in chunks {
        for l in 0..L {
            let p = c[l] * inv;
            a[l] += c[l];
            b[l] += p * p;
        }
    }
    rest.iter().fold((fold(a), fold(b)), |(s, t), &v| {
        let p = v * inv;
        (s + v, t + p * p)
    })
}

/// One row of logits with target `y`: its element, confidence (the top
/// probability, 1/s) and Brier term (0 unless `calib`). `buf` holds K values.
#[inline(always)]
fn logit_row(row: &[f64], y: usize, buf: &mut [f64], calib: bool) -> (Elem, f64, f64) {
    let m = row_max(row);
    let buf = &mut buf[..row.len()];
    for (e, &z) in buf.iter_mut().zip(row) {
        *e = exp_le0(z - m);
    }
    let s = lane_sum(buf);
    let inv = 1.0 / s;
    let ey = buf[y];
    buf[y] = 0.0;
    let (rest, brier) = if calib {
        let (rest, sq) = lane_sum_sq(buf, inv);
        let d = ey * inv - 1.0;
        (rest, sq + d * d)
    } else {
        (lane_sum(buf), 0.0)
    };
    let ln_s = s.ln();
    let e = Elem {
        pt: ey / s,
        q: rest / s,
        ln_pt: (row[y] - m) - ln_s,
        ln_q: if rest > 0.0 {
            rest.ln() - ln_s
        } else {
            f64::NEG_INFINITY
        },
    };
    (e, inv, brier)
}

/// Whether `row[y]` is the first maximum of the row (argmax, first on ties).
#[inline(always)]
fn is_first_max(row: &[f64], y: usize) -> bool {
    let m = row_max(row);
    row[y] == m && !row[..y].contains(&m)
}

/// What a counted row adds to the sums, computed apart from the sums so
/// that rows can be computed in parallel and added in row order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RowOut {
    /// The true class's element.
    pub(crate) e: Elem,
    /// The top probability.
    pub(crate) confidence: f64,
    /// The Brier term, Σ_k (p_k - y_k)² (0 for logits without calibration).
    pub(crate) brier: f64,
    /// Whether the true class has the top score.
    pub(crate) right: bool,
}

const NO_ROW: RowOut = RowOut {
    e: Elem {
        pt: 0.0,
        q: 0.0,
        ln_pt: 0.0,
        ln_q: 0.0,
    },
    confidence: 0.0,
    brier: 0.0,
    right: false,
};

/// Fills `out[i]` for every counted row `i` (label ≥ 0) of `scores`.
#[inline(always)]
fn row_outs_generic(labels: &[i32], scores: &[f64], w: usize, calib: bool, out: &mut [RowOut]) {
    let mut buf = vec![0.0; w];
    for ((&label, row), o) in labels.iter().zip(scores.chunks_exact(w)).zip(out) {
        if label < 0 {
            continue;
        }
        let y = label as usize;
        let (e, confidence, brier) = logit_row(row, y, &mut buf, calib);
        *o = RowOut {
            e,
            confidence,
            brier,
            right: is_first_max(row, y),
        };
    }
}

#[target_feature(enable = "avx2")]
#[cfg(target_arch = "x86_64")]
unsafe fn row_outs_avx2(labels: &[i32], scores: &[f64], w: usize, calib: bool, out: &mut [RowOut]) {
    row_outs_generic(labels, scores, w, calib, out)
}

#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2")]
#[cfg(target_arch = "x86_64")]
unsafe fn row_outs_avx512(
    labels: &[i32],
    scores: &[f64],
    w: usize,
    calib: bool,
    out: &mut [RowOut],
) {
    row_outs_generic(labels, scores, w, calib, out)
}

/// [`row_outs_generic`] at the vector level in force.
fn row_outs(labels: &[i32], scores: &[f64], w: usize, calib: bool, out: &mut [RowOut]) {
    #[cfg(target_arch = "x86_64")]
    {
        match simd::level() {
            Level::Avx512 => {
                // SAFETY: the CPU supports these features (simd::level checked);
                // the function differs from the generic one only in the
                // instructions the compiler may pick.
                unsafe { row_outs_avx512(labels, scores, w, calib, out) };
                return;
            }
            Level::Avx2 => {
                // SAFETY: the CPU supports AVX2 (simd::level checked).
                unsafe { row_outs_avx2(labels, scores, w, calib, out) };
                return;
            }
            Level::None => {}
        }
    }
    row_outs_generic(labels, scores, w, calib, out)
}

/// Scores per parallel task: enough work to outweigh handing it to another thread.
const TASK_SCORES: usize = 1 << 15;

/// What each row of softmax logits adds to the sums. Each row's quantities
/// are a function of that row alone, so they are computed in parallel (on
/// idle threads of the pool, e.g. when a file is one unit); the caller adds
/// them to the sums in row order, so the sums are the same for any thread count.
pub(crate) fn outs_of_logits(cx: &Ctx, labels: &[i32], scores: &[f64]) -> Vec<RowOut> {
    use rayon::prelude::*;
    let w = cx.spec.width();
    let calib = cx.spec.calib;
    let mut out = vec![NO_ROW; labels.len()];
    let task = (TASK_SCORES / w).max(1);
    out.par_chunks_mut(task)
        .zip(labels.par_chunks(task))
        .zip(scores.par_chunks(task * w))
        .for_each(|((o, l), s)| row_outs(l, s, w, calib, o));
    out
}

/// What each row of probabilities adds: p_t clamped to `[eps, 1-eps]`; one
/// row at a time.
pub(crate) fn outs_of_probabilities(cx: &Ctx, labels: &[i32], scores: &[f64]) -> Vec<RowOut> {
    let spec = cx.spec;
    let w = spec.width();
    let mut out = vec![NO_ROW; labels.len()];
    for ((&label, row), o) in labels.iter().zip(scores.chunks_exact(w)).zip(&mut out) {
        if label < 0 {
            continue;
        }
        let y = label as usize;
        let top = argmax(row);
        let pt = row[y].clamp(spec.eps, 1.0 - spec.eps);
        let mut brier = 0.0;
        for (k, &p) in row.iter().enumerate() {
            let d = if k == y { p - 1.0 } else { p };
            brier += d * d;
        }
        *o = RowOut {
            e: Elem {
                pt,
                q: 1.0 - pt,
                ln_pt: pt.ln(),
                ln_q: f64::NAN,
            },
            confidence: row[top],
            brier,
            right: top == y,
        };
    }
    out
}

/// Accumulates rows of softmax scores (logits or probabilities): their counts
/// into `acc`, their sums into the fixed-point rows `fixed`.
pub(crate) fn rows(
    cx: &Ctx,
    labels: &[i32],
    scores: &[f64],
    acc: &mut Partial,
    fixed: &mut FixedRows,
) {
    let outs = match cx.spec.kind {
        ScoreKind::Logits => outs_of_logits(cx, labels, scores),
        ScoreKind::Probabilities => outs_of_probabilities(cx, labels, scores),
    };
    super::softmax_sums::add_fixed(cx, labels, &outs, acc, fixed);
}

#[cfg(test)]
#[path = "softmax_tests.rs"]
mod tests;
