//! The binary and sigmoid element path. Per sub-batch of [`SUB`] elements:
//! 1. the math over contiguous arrays: p_t, 1 - p_t, CE (and ln(1 - p_t) where
//!    a term needs it), in [`super::elem_math`];
//! 2. each element's cell, calibration bin and Brier term;
//! 3. every term's loss and gradient, one array per term;
//! 4. the adds, into fixed-point rows ([`super::fixed`]).
//!
//! Steps 1–3 are loops over arrays that the compiler vectorises; they are
//! compiled once more for AVX2 and picked at run time. Both builds do the same
//! IEEE operations in the same order (no FMA contraction), so the output does
//! not depend on the CPU.

use super::accum::Partial;
use super::elem_math::{lnq_probs, math_logits, math_probs};
use super::fixed::FixedRows;
use super::keys::keys;
use super::plan::Ctx;
use super::row_counts::{is_top, multi_row};
use super::simd::{self, Level};
use super::soa::Trash;
use super::soa::{Soa, SUB};
use super::terms::terms;
use crate::model::{ScoreKind, BACKGROUND, IGNORED, MULTI, SKIPPED};
use std::cell::RefCell;

#[inline(always)]
fn prepare_generic(
    cx: &Ctx,
    codes: &[i32],
    x: &[f64],
    groups: Option<&[u32]>,
    trash: &Trash,
    s: &mut Soa,
) {
    match cx.spec.kind {
        ScoreKind::Probabilities => {
            math_probs(codes, x, cx.spec.eps, s);
            if cx.need_lnq {
                lnq_probs(codes.len(), s);
            }
        }
        ScoreKind::Logits => math_logits(codes, x, s),
    }
    keys(cx, codes, groups, trash, s);
    terms(cx, codes.len(), s);
    if cx.spec.moments {
        squares(codes.len(), s);
    }
    s.counted = codes.iter().map(|&c| (c as u32 <= 1) as usize).sum();
    if groups.is_none() {
        // Binary rows: used and correct per class, ignored.
        let mut c = [0u32; 5];
        let n = codes.len().min(SUB);
        for (&code, &ok) in codes[..n].iter().zip(&s.ok[..n]) {
            let ok = (ok != 0.0) as u32;
            let (neg, pos) = ((code == 0) as u32, (code == 1) as u32);
            c[0] += neg;
            c[1] += pos;
            c[2] += neg & ok;
            c[3] += pos & ok;
            c[4] += (code == IGNORED) as u32;
        }
        s.rows = c;
    }
}

/// The squares of every term's loss and gradient (the second moments).
#[inline(always)]
pub(super) fn squares(n: usize, s: &mut Soa) {
    let n = n.min(SUB);
    for (t, q) in s.terms.chunks_exact(SUB).zip(s.sq.chunks_exact_mut(SUB)) {
        for (x, y) in t[..n].iter().zip(&mut q[..n]) {
            *y = x * x;
        }
    }
}

#[target_feature(enable = "avx2")]
#[cfg(target_arch = "x86_64")]
unsafe fn prepare_avx2(
    cx: &Ctx,
    codes: &[i32],
    x: &[f64],
    groups: Option<&[u32]>,
    trash: &Trash,
    s: &mut Soa,
) {
    prepare_generic(cx, codes, x, groups, trash, s)
}

#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2")]
#[cfg(target_arch = "x86_64")]
unsafe fn prepare_avx512(
    cx: &Ctx,
    codes: &[i32],
    x: &[f64],
    groups: Option<&[u32]>,
    trash: &Trash,
    s: &mut Soa,
) {
    prepare_generic(cx, codes, x, groups, trash, s)
}

/// Steps 1–3 for at most [`SUB`] elements.
pub(super) fn prepare(
    cx: &Ctx,
    codes: &[i32],
    x: &[f64],
    groups: Option<&[u32]>,
    trash: &Trash,
    s: &mut Soa,
) {
    #[cfg(target_arch = "x86_64")]
    {
        match simd::level() {
            Level::Avx512 => {
                // SAFETY: the CPU supports these features (simd::level checked).
                unsafe { prepare_avx512(cx, codes, x, groups, trash, s) };
                return;
            }
            Level::Avx2 => {
                // SAFETY: the CPU supports AVX2 (simd::level checked).
                unsafe { prepare_avx2(cx, codes, x, groups, trash, s) };
                return;
            }
            Level::None => {}
        }
    }
    prepare_generic(cx, codes, x, groups, trash, s)
}

thread_local! {
    /// Each thread's scratch arrays, reused from batch to batch.
    static SCRATCH: RefCell<Option<Box<Soa>>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's scratch arrays, shaped for `cx`.
pub(super) fn scratch<R>(cx: &Ctx, f: impl FnOnce(&mut Soa) -> R) -> R {
    let terms = cx.plans.len();
    let sq = if cx.spec.moments { 2 * terms * SUB } else { 0 };
    SCRATCH.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot
            .as_ref()
            .is_none_or(|s| s.terms.len() != 2 * terms * SUB || s.sq.len() != sq)
        {
            *slot = Some(Soa::new(terms, cx.spec.moments));
        }
        f(slot.as_mut().expect("just made"))
    })
}

/// Adds a prepared sub-batch of `n` elements into `rows`, settling them into
/// `acc` when they are many.
#[inline(always)]
fn add(acc: &mut Partial, n: usize, s: &mut Soa, trash: &Trash, rows: &mut FixedRows) {
    rows.add(n, s, trash);
    if rows.full() {
        rows.settle_into(acc);
    }
}

/// Accumulates a batch of binary rows (labels 0, 1, or the ignored / skipped
/// codes) into `sink`.
pub(crate) fn binary(cx: &Ctx, labels: &[i32], x: &[f64], acc: &mut Partial, rows: &mut FixedRows) {
    let trash = Trash::of(acc);
    scratch(cx, |s| {
        let (mut used, mut right, mut ignored) = ([0u64; 2], [0u64; 2], 0u64);
        for (codes, xs) in labels.chunks(SUB).zip(x.chunks(SUB)) {
            prepare(cx, codes, xs, None, &trash, s);
            add(acc, codes.len(), s, &trash, rows);
            let c = s.rows.map(u64::from);
            used[0] += c[0];
            used[1] += c[1];
            right[0] += c[2];
            right[1] += c[3];
            ignored += c[4];
        }
        acc.rows_ignored += ignored;
        acc.rows_used += used[0] + used[1];
        acc.brier.1 += used[0] + used[1];
        for k in 0..2 {
            acc.class_rows[k] += used[k];
            acc.correct[k] += right[k];
        }
    });
}

/// Accumulates a batch of sigmoid rows: every (row, class) pair is a binary
/// element, positive where the label is that class (background rows: none),
/// or, for [`MULTI`] rows, where the row's multi-hot target is 1. The
/// elements' sums go into `fixed`.
pub(crate) fn sigmoid(
    cx: &Ctx,
    labels: &[i32],
    targets: &[u8],
    x: &[f64],
    acc: &mut Partial,
    fixed: &mut FixedRows,
) {
    #[cfg(target_arch = "x86_64")]
    if simd::level() >= Level::Avx2 {
        // SAFETY: the CPU supports AVX2 (simd::level checked).
        unsafe { sigmoid_avx2(cx, labels, targets, x, acc, fixed) };
        return;
    }
    sigmoid_in(cx, labels, targets, x, acc, fixed)
}

/// [`sigmoid`] compiled for AVX2: its per-row loops (row counts, pairs,
/// class codes) are integer work and comparisons, the same in any build.
///
/// # Safety
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
#[cfg(target_arch = "x86_64")]
unsafe fn sigmoid_avx2(
    cx: &Ctx,
    labels: &[i32],
    targets: &[u8],
    x: &[f64],
    acc: &mut Partial,
    fixed: &mut FixedRows,
) {
    sigmoid_in(cx, labels, targets, x, acc, fixed)
}

/// The body of [`sigmoid`].
#[inline(always)]
fn sigmoid_in(
    cx: &Ctx,
    labels: &[i32],
    targets: &[u8],
    x: &[f64],
    acc: &mut Partial,
    fixed: &mut FixedRows,
) {
    let k = cx.spec.classes;
    for (i, &l) in labels.iter().enumerate() {
        match l {
            IGNORED => acc.rows_ignored += 1,
            SKIPPED => {}
            BACKGROUND => {
                acc.rows_used += 1;
                acc.background_rows += 1;
            }
            MULTI => multi_row(
                cx,
                &targets[i * k..(i + 1) * k],
                &x[i * k..(i + 1) * k],
                acc,
            ),
            l if l >= 0 => {
                let y = l as usize;
                acc.rows_used += 1;
                acc.class_rows[y] += 1;
                acc.correct[y] += is_top(&x[i * k..(i + 1) * k], y) as u64;
            }
            _ => {}
        }
    }
    // Whole rows per chunk, so a chunk's elements are contiguous in `x`.
    let rows = (SUB / k).max(1);
    let mut codes = vec![0i32; rows * k];
    let mut groups = vec![0u32; rows * k];
    let trash = Trash::of(acc);
    scratch(cx, |s| {
        for (c, lab) in labels.chunks(rows).enumerate() {
            let n = lab.len() * k;
            let mut scored = 0;
            for (r, &l) in lab.iter().enumerate() {
                let at = (c * rows + r) * k;
                let (cs, gs) = (&mut codes[r * k..][..k], &mut groups[r * k..][..k]);
                // One branch-free loop per kind of row, so each vectorises.
                if l == MULTI {
                    for (j, ((c, g), &t)) in cs
                        .iter_mut()
                        .zip(gs.iter_mut())
                        .zip(&targets[at..at + k])
                        .enumerate()
                    {
                        let pos = (t == 1) as u32;
                        *c = pos as i32;
                        *g = 2 * j as u32 + pos;
                    }
                } else if l >= 0 || l == BACKGROUND {
                    for (j, (c, g)) in cs.iter_mut().zip(gs.iter_mut()).enumerate() {
                        let pos = (l == j as i32) as u32;
                        *c = pos as i32;
                        *g = 2 * j as u32 + pos;
                    }
                } else {
                    cs.fill(-1);
                    for (j, g) in gs.iter_mut().enumerate() {
                        *g = 2 * j as u32;
                    }
                    continue;
                }
                scored += k as u64;
            }
            acc.brier.1 += scored;
            let xs = &x[c * rows * k..c * rows * k + n];
            // More than SUB elements only when one row has more than SUB classes.
            for ((cs, gs), xs) in codes[..n]
                .chunks(SUB)
                .zip(groups[..n].chunks(SUB))
                .zip(xs.chunks(SUB))
            {
                prepare(cx, cs, xs, Some(gs), &trash, s);
                add(acc, cs.len(), s, &trash, fixed);
            }
        }
    });
}

#[cfg(test)]
#[path = "fast_tests.rs"]
mod tests;
