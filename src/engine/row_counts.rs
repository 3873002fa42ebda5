//! The row counts of the sigmoid path, per row rather than per element:
//! whether the true class has the top score, and a multi-label row's
//! positives, right predictions and pairs of positive classes.

use super::accum::Partial;
use super::plan::Ctx;
use crate::model::ScoreKind;

/// Whether `row[y]` is the top score, the first on ties: `argmax(row) == y`
/// for rows without NaN (validated), with a maximum that vectorises.
#[inline(always)]
pub(super) fn is_top(row: &[f64], y: usize) -> bool {
    let mut lanes = [f64::NEG_INFINITY; 8];
    let chunks = row.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for l in 0..8 {
            lanes[l] = if c[l] > lanes[l] { c[l] } else { lanes[l] };
        }
    }
    let m = lanes
        .iter()
        .chain(rest)
        .fold(f64::NEG_INFINITY, |m, &v| if v > m { v } else { m });
    // argmax is the first index holding the maximum.
    row[y] == m && !row[..y].contains(&m)
}

/// The row counts of a multi-label row: its positives per class (a row with
/// none counts as background), the positives whose score says so (p ≥ 0.5,
/// a logit ≥ 0), and its pairs of positive classes.
#[inline(always)]
pub(super) fn multi_row(cx: &Ctx, t: &[u8], x: &[f64], acc: &mut Partial) {
    let cut = match cx.spec.kind {
        ScoreKind::Probabilities => 0.5,
        ScoreKind::Logits => 0.0,
    };
    acc.rows_used += 1;
    // Branch-free (targets are 0/1, checked when read): positives are not
    // predictable, and this runs for every class of every row.
    let k = t.len();
    let (rows, right) = (&mut acc.class_rows[..k], &mut acc.correct[..k]);
    let (mut any, mut mask) = (0u8, 0u64);
    for (j, (((&tj, &xj), r), c)) in t.iter().zip(x).zip(rows).zip(right).enumerate() {
        let pos = u64::from(tj == 1);
        any |= tj;
        mask |= pos << (j & 63);
        *r += pos;
        *c += pos & u64::from(xj >= cut);
    }
    if any != 0 {
        if k <= 64 {
            acc.pairs.add_mask(mask);
        } else {
            acc.pairs.add_row(t);
        }
    } else {
        acc.background_rows += 1;
    }
}
