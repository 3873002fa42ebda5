//! The grid of each value of a fine bin's rows: a power of two C above every
//! value the bin's elements can add, so that `v + C` keeps C's exponent and
//! its low bits are v in units of ulp(C) = C · 2^-52.
//!
//! The values of a bin are found at its two edges (each value is monotone
//! in p_t, or nearly so, over an eighth of an octave), with a margin. A value
//! the margin misses is caught when it is added (its integer passes 2^52) and
//! added exactly instead, so a bound only has to be right for speed, not for
//! the sums. A bin whose values span more than [`SPAN`] between its edges
//! would lose precision on a common grid; it gets C = 0, whose grid is the
//! subnormal step: its values (other than zero and subnormals) all go to the
//! exact sums.

use super::super::plan::Plan;
use super::src::Src;
use super::SIDE;

/// The most a value may vary across one bin and keep a grid of its own.
const SPAN: f64 = 64.0;
/// Margin over the largest value found at the edges.
const MARGIN: f64 = 1.25;

/// The constant of every value of a row in fine bin `fine`, for rows of
/// `srcs` whose Brier terms are at most `brier` · (1 - p_t)².
pub(super) fn consts(srcs: &[Src], plans: &[Plan], fine: usize, brier: f64) -> Vec<f64> {
    let high = fine >= SIDE;
    let key = (fine % SIDE) as u64;
    let exp = key >> 3;
    // Zero or subnormal: no bound (see the module doc).
    let wild = exp == 0 || exp >= 2046;
    let edges = [key << 49, (key + 1) << 49].map(f64::from_bits);
    // Per edge: p_t, 1 - p_t, CE, ln(1 - p_t).
    let at = edges.map(|x| {
        if high {
            (1.0 - x, x, -(-x).ln_1p(), x.ln())
        } else {
            (x, 1.0 - x, -x.ln(), (-x).ln_1p())
        }
    });
    let value = |src: Src, (pt, q, ce, lnq): (f64, f64, f64, f64)| -> f64 {
        let lg = |j: usize| plans[j].loss_grad(pt, q, ce, lnq);
        match src {
            Src::Pt => pt,
            Src::Ce => ce,
            Src::Loss(j) => lg(j).0,
            Src::Grad(j) => lg(j).1,
            Src::LossSq(j) => lg(j).0 * lg(j).0,
            Src::GradSq(j) => lg(j).1 * lg(j).1,
            Src::Conf => 1.0,
            Src::Brier => brier * q * q,
            Src::One | Src::Ok | Src::Zero => 1.0,
        }
    };
    srcs.iter()
        .map(|&src| {
            if matches!(src, Src::One | Src::Ok | Src::Zero) {
                // Counts: a grid of 1.
                return pow2(52);
            }
            if wild {
                return 0.0;
            }
            let [a, b] = at.map(|e| value(src, e).abs());
            let (lo, hi) = (a.min(b), a.max(b));
            if !(hi.is_finite() && lo > 0.0 && hi <= SPAN * lo) {
                return 0.0;
            }
            let top = hi * MARGIN;
            // The power of two above `top`, if it is a normal double.
            let e = ((top.to_bits() >> 52) as i32 - 1023) + 1;
            if !(-1022..=1023).contains(&e) {
                return 0.0;
            }
            pow2(e)
        })
        .collect()
}

/// 2^e for a normal exponent.
fn pow2(e: i32) -> f64 {
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// The value of `k` units of ulp(`c`): `k` · 2^(E-52) for c = 2^E, or `k`
/// subnormal steps for c = 0. Exact, as up to three doubles (k < 2^126):
/// what the wide sums of settling are checked against.
#[cfg(test)]
pub(super) fn scaled(k: i128, c: f64) -> [f64; 3] {
    let e = ulp_exp(c);
    let mag = k.unsigned_abs();
    let sign = if k < 0 { -1.0 } else { 1.0 };
    let part = |shift: u32| -> f64 {
        let bits = ((mag >> shift) & ((1u128 << 42) - 1)) as f64;
        if bits == 0.0 {
            0.0
        } else {
            sign * bits * two_to(e + shift as i32)
        }
    };
    [part(0), part(42), part(84)]
}

/// The exponent of the unit a row's integers count in: E - 52 for c = 2^E,
/// -1074 (the subnormal step) for c = 0.
pub(super) fn ulp_exp(c: f64) -> i32 {
    if c == 0.0 {
        -1074
    } else {
        ((c.to_bits() >> 52) as i32 - 1023) - 52
    }
}

/// 2^e for an exponent from -1074 up (a product of two normal powers
/// below -1022; infinity above 1023).
pub(super) fn two_to(e: i32) -> f64 {
    if e > 1023 {
        f64::INFINITY
    } else if e >= -1022 {
        pow2(e)
    } else {
        pow2(e + 52) * pow2(-52)
    }
}
