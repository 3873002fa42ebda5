//! Per-element math: stable p_t from logits or clamped probabilities, CE, the
//! modulating factors, gradients, and the scatter into a [`Partial`].

use super::accum::Partial;
use super::fast::Sink;
use super::unit::UnitAcc;

use super::plan::{tail_bin, Ctx, Elem};
use super::spec::{EngineSpec, CALIB_BINS, TAIL_BINS};
use crate::model::Mode;

/// Decoded, validated rows: class codes and row-major scores.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    /// Class index per row, or [`crate::model::BACKGROUND`], [`crate::model::IGNORED`], [`crate::model::SKIPPED`],
    /// [`crate::model::MULTI`].
    pub labels: Vec<i32>,
    /// `labels.len() * width` scores, row-major.
    pub scores: Vec<f64>,
    /// Multi-label input: `labels.len() * width` 0/1 targets, row-major (the
    /// rows labelled [`crate::model::MULTI`] read theirs here); empty otherwise.
    pub(crate) targets: Vec<u8>,
}

/// A binary element from a logit `x` for a target that is positive or not.
///
/// log-sigmoid is computed as `-(max(-z,0) + ln1p(e^{-|z|}))`: no overflow, no clamp.
/// The scalar, std-math statement of what the vectorised path in [`super::fast`] computes.
#[cfg(test)]
pub(crate) fn from_logit(x: f64, positive: bool) -> Elem {
    let z = if positive { x } else { -x };
    let e = (-z.abs()).exp();
    let l = e.ln_1p();
    let inv = 1.0 / (1.0 + e);
    if z >= 0.0 {
        Elem {
            pt: inv,
            q: e * inv,
            ln_pt: -l,
            ln_q: -z - l,
        }
    } else {
        Elem {
            pt: e * inv,
            q: inv,
            ln_pt: z - l,
            ln_q: -l,
        }
    }
}

/// A binary element from a probability `p` of the positive class, clamped to `[eps, 1-eps]`.
/// The scalar statement of what the vectorised path in [`super::fast`] computes.
#[cfg(test)]
pub(crate) fn from_prob(p: f64, positive: bool, eps: f64) -> Elem {
    let p = p.clamp(eps, 1.0 - eps);
    let (pt, q) = if positive { (p, 1.0 - p) } else { (1.0 - p, p) };
    Elem {
        pt,
        q,
        ln_pt: pt.ln(),
        ln_q: f64::NAN,
    }
}

/// `q^γ`, without `powf` for integer and half-integer γ.
#[cfg(test)]
pub(crate) fn modulate(q: f64, ln_q: f64, gamma: f64) -> f64 {
    use super::plan::Plan;
    use crate::model::Term;
    let lq = if ln_q.is_nan() { q.ln() } else { ln_q };
    Plan::of(Term::Pow(gamma)).weight(q, lq, 0.0).0
}

/// The cell of an element of group `g` whose true-class probability is `pt`:
/// its bucket, and whether it is easy.
#[inline(always)]
pub(crate) fn cell_of(cx: &Ctx, g: usize, pt: f64) -> usize {
    // Edges are few: counting the ones at or below p_t is branch-free.
    let b = cx.spec.edges[1..cx.nb].iter().filter(|&&x| pt >= x).count();
    (g * cx.nb + b) * 2 + (pt >= cx.spec.easy) as usize
}

/// Adds one element of group `g` to `acc`.
#[inline(always)]
pub(crate) fn add_element(cx: &Ctx, acc: &mut Partial, g: usize, mut e: Elem) {
    let spec = cx.spec;
    // Only a general γ needs ln(1-p_t); computing it here (not inside the term
    // loop) keeps the compiler from hoisting a `ln` call for every element.
    if cx.need_lnq && e.ln_q.is_nan() {
        e.ln_q = e.q.ln();
    }
    let ce = -e.ln_pt;
    let stride = acc.stride;
    let at = cell_of(cx, g, e.pt) * stride;
    let nt = cx.plans.len();
    if spec.tails {
        let pol = spec.group_class(g).1 as usize;
        let t = pol * TAIL_BINS + tail_bin(e.pt, e.q);
        let (cell, tails) = acc.cell_and_tail(at, stride, t, cx.tail_stride);
        cell[0] += 1.0;
        cell[1] += e.pt;
        cell[2] += ce;
        tails[0] += 1.0;
        for (j, plan) in cx.plans.iter().enumerate() {
            let (loss, grad) = plan.loss_grad(e.pt, e.q, ce, e.ln_q);
            cell[3 + 2 * j] += loss;
            cell[4 + 2 * j] += grad;
            if spec.moments {
                cell[3 + 2 * nt + 2 * j] += loss * loss;
                cell[4 + 2 * nt + 2 * j] += grad * grad;
            }
            tails[1 + j] += loss;
        }
    } else {
        let cell = &mut acc.cells[at..at + stride];
        cell[0] += 1.0;
        cell[1] += e.pt;
        cell[2] += ce;
        for (j, plan) in cx.plans.iter().enumerate() {
            let (loss, grad) = plan.loss_grad(e.pt, e.q, ce, e.ln_q);
            cell[3 + 2 * j] += loss;
            cell[4 + 2 * j] += grad;
            if spec.moments {
                cell[3 + 2 * nt + 2 * j] += loss * loss;
                cell[4 + 2 * nt + 2 * j] += grad * grad;
            }
        }
    }
}

#[inline(always)]
pub(crate) fn add_calib(acc: &mut Partial, confidence: f64, correct: bool, brier: f64) {
    let bin = ((confidence * CALIB_BINS as f64) as usize).min(CALIB_BINS - 1);
    let c = &mut acc.calib[bin];
    c[0] += 1.0;
    c[1] += confidence;
    c[2] += correct as u8 as f64;
    acc.brier.0 += brier;
    acc.brier.1 += 1;
}

/// The index of the largest score, the first on ties (as numpy / torch argmax).
#[inline(always)]
pub(crate) fn argmax(row: &[f64]) -> usize {
    let mut best = 0;
    for (k, &v) in row.iter().enumerate().skip(1) {
        if v > row[best] {
            best = k;
        }
    }
    best
}

/// Accumulates a decoded batch into the unit being read (rows_read and skips
/// are counted by the decoder): binary and sigmoid elements and softmax rows
/// go into the unit's fixed-point rows, added in when the unit settles.
pub fn accumulate(spec: &EngineSpec, batch: &Batch, acc: &mut UnitAcc) {
    let cx = Ctx::new(spec);
    let (labels, scores) = (&batch.labels, &batch.scores);
    match spec.mode {
        Mode::Softmax => {
            let (sums, rows) = acc.with_fixed(&cx);
            super::softmax::rows(&cx, labels, scores, sums, Some(rows));
        }
        Mode::Binary => {
            let (sums, rows) = acc.with_fixed(&cx);
            super::fast::binary(&cx, labels, scores, sums, Sink::Fixed(rows));
        }
        Mode::Sigmoid => {
            let (sums, rows) = acc.with_fixed(&cx);
            let (targets, sink) = (&batch.targets, Sink::Fixed(rows));
            super::fast::sigmoid(&cx, labels, targets, scores, sums, sink);
        }
    }
}

/// Accumulates a decoded batch straight into `part`, each sum in element
/// order: for the `--by` groups' partials, which are many and small (copies
/// of their sums would multiply their memory).
pub(crate) fn accumulate_direct(spec: &EngineSpec, batch: &Batch, part: &mut Partial) {
    let cx = Ctx::new(spec);
    match spec.mode {
        Mode::Softmax => super::softmax::rows(&cx, &batch.labels, &batch.scores, part, None),
        _ => elements(&cx, batch, part),
    }
}

/// The binary / sigmoid rows of a batch, straight into `acc`.
fn elements(cx: &Ctx, batch: &Batch, acc: &mut Partial) {
    let (labels, scores) = (&batch.labels, &batch.scores);
    match cx.spec.mode {
        Mode::Sigmoid => {
            super::fast::sigmoid(cx, labels, &batch.targets, scores, acc, Sink::Direct)
        }
        _ => super::fast::binary(cx, labels, scores, acc, Sink::Direct),
    }
}

/// Accumulates a decoded batch into the `--by` groups of `acc`, row `i`
/// into group `by[i]`, through one pass for every group. Returns false, having
/// added nothing, when the groups must take their rows one group at a time
/// (see [`super::fast_by::binary_by`]).
pub fn accumulate_by(spec: &EngineSpec, batch: &Batch, by: &[u32], acc: &mut UnitAcc) -> bool {
    let cx = Ctx::new(spec);
    super::fast_by::binary_by(&cx, &batch.labels, &batch.scores, by, acc)
}

#[cfg(test)]
#[path = "kernel_tests.rs"]
mod tests;
