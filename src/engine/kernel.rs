//! Per-element math: stable p_t from logits or clamped probabilities, CE, the
//! modulating factors, gradients, and the scatter into a [`Partial`].

use super::accum::Partial;
use super::fixed::FixedRows;
use super::unit::UnitAcc;

use super::plan::Ctx;
#[cfg(test)]
use super::plan::Elem;
use super::spec::EngineSpec;
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
    let (sums, rows) = acc.with_fixed(&cx);
    accumulate_rows(&cx, batch, sums, rows);
}

/// Accumulates a decoded batch: its counts into `sums`, its values into `rows`.
pub(crate) fn accumulate_rows(cx: &Ctx, batch: &Batch, sums: &mut Partial, rows: &mut FixedRows) {
    let (labels, scores, targets) = (&batch.labels, &batch.scores, &batch.targets);
    accumulate_parts(cx, labels, scores, targets, sums, rows);
}

/// [`accumulate_rows`] of rows given as slices: labels, row-major scores and
/// targets (empty unless multi-label) as in a [`Batch`].
pub(crate) fn accumulate_parts(
    cx: &Ctx,
    labels: &[i32],
    scores: &[f64],
    targets: &[u8],
    sums: &mut Partial,
    rows: &mut FixedRows,
) {
    match cx.spec.mode {
        Mode::Softmax => super::softmax::rows(cx, labels, scores, sums, rows),
        Mode::Binary => super::fast::binary(cx, labels, scores, sums, rows),
        Mode::Sigmoid => super::fast::sigmoid(cx, labels, targets, scores, sums, rows),
    }
}

/// Accumulates a decoded batch into the `--by` groups of `acc`, row `i` into
/// group `groups[i]` (every group already in `acc`): each group's sums are
/// those its rows give on their own.
pub fn accumulate_by(spec: &EngineSpec, batch: &Batch, groups: &[usize], acc: &mut UnitAcc) {
    super::fast_by::by_groups(spec, batch, groups, acc);
}

#[cfg(test)]
#[path = "kernel_tests.rs"]
mod tests;
