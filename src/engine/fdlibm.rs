//! Branch-free `ln`, `ln1p` and `exp` (fdlibm's algorithms, < 1 ulp) written so
//! that the compiler vectorises them: the element path calls them on whole
//! arrays, where libm's scalar calls would be the bottleneck.
//!
//! Division is the slowest vector operation (one divider, shared with the
//! square root), so the log-sigmoid's ln(u) and 1/u share one division.

// The constants are fdlibm's, digit for digit as published.
#![allow(clippy::excessive_precision)]

const LN2_HI: f64 = 6.931_471_803_691_238_164_9e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
const LG1: f64 = 6.666_666_666_666_735_13e-1;
const LG2: f64 = 3.999_999_999_940_941_908e-1;
const LG3: f64 = 2.857_142_874_366_239_149e-1;
const LG4: f64 = 2.222_219_843_214_978_396e-1;
const LG5: f64 = 1.818_357_216_161_805_012e-1;
const LG6: f64 = 1.531_383_769_920_937_332e-1;
const LG7: f64 = 1.479_819_860_511_658_591e-1;

/// The least u in [1, 2] that [`reduce`] halves (k = 1, f = u/2 - 1); below it
/// k = 0 and f = u - 1. The SQL query mirrors the reduction with it.
pub(crate) const REDUCE_HALVES_FROM: f64 = f64::from_bits(0x3ff6_a09e_0000_0000);

/// Reduces a positive normal `x` to 2^k · (1 + f) with 1 + f in [√2/2, √2):
/// returns (k, f), both exact.
#[inline(always)]
fn reduce(x: f64) -> (f64, f64) {
    let bits = x.to_bits();
    let hx = (bits >> 32).wrapping_add(0x3ff0_0000 - 0x3fe6_a09e);
    // k = biased exponent - 1023, converted to f64 with the 2^52 trick: AVX2 has
    // no 64-bit integer → double conversion, so `as f64` would stop vectorising.
    let k = (f64::from_bits(0x4330_0000_0000_0000 | (hx >> 20)) - 4_503_599_627_370_496.0) - 1023.0;
    let hx = (hx & 0x000f_ffff) + 0x3fe6_a09e;
    let m = f64::from_bits((hx << 32) | (bits & 0xffff_ffff));
    (k, m - 1.0)
}

/// fdlibm's log from the reduction (k, f) and s = f / (2 + f).
#[inline(always)]
fn ln_reduced(k: f64, f: f64, s: f64) -> f64 {
    let hfsq = 0.5 * f * f;
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    s * (hfsq + r) + k * LN2_LO - hfsq + f + k * LN2_HI
}

/// Natural log of a positive normal `x` (fdlibm's algorithm, < 1 ulp), branch-free.
#[inline(always)]
pub(crate) fn ln(x: f64) -> f64 {
    let (k, f) = reduce(x);
    ln_reduced(k, f, f / (2.0 + f))
}

/// ln(u) and 1 / u for u in [1, 2], from one division: with d = 2 + f of the
/// reduction, r = 1 / (u·d) gives 1 / u = r·d and f / d = (f·u)·r. 1 / u is
/// within 1.5 ulp (three roundings); the log within 1 ulp, as s enters it
/// only through a correction of at most a few per cent of the result.
#[inline(always)]
pub(crate) fn ln_recip(u: f64) -> (f64, f64) {
    let (k, f) = reduce(u);
    let d = 2.0 + f;
    let r = 1.0 / (u * d);
    (ln_reduced(k, f, (f * u) * r), r * d)
}

/// ln(1 + e) and 1 / (1 + e) for e in [0, 1], the log with the rounding of
/// u = 1 + e corrected: ln(u) + (e - (u - 1)) / u, where the division is a
/// multiply by the reciprocal [`ln_recip`] gives (which the log-sigmoid needs
/// anyway). The correction e - (u - 1) is exact and below half an ulp of u,
/// so multiplying it by the reciprocal instead of dividing by u changes the
/// result by far less than an ulp.
#[inline(always)]
pub(crate) fn ln1p_recip(e: f64) -> (f64, f64) {
    let u = 1.0 + e;
    let (ln_u, inv) = ln_recip(u);
    (ln_u + (e - (u - 1.0)) * inv, inv)
}

const INV_LN2: f64 = std::f64::consts::LOG2_E;
const P1: f64 = 1.666_666_666_666_660_190_37e-1;
const P2: f64 = -2.777_777_777_701_559_338_42e-3;
const P3: f64 = 6.613_756_321_437_934_361_17e-5;
const P4: f64 = -1.653_390_220_546_525_153_9e-6;
const P5: f64 = 4.138_136_797_057_238_460_39e-8;

/// e^x for x ≤ 0 (fdlibm's algorithm, < 1 ulp); x below -700 is treated as -700.
#[inline(always)]
pub(crate) fn exp_neg(x: f64) -> f64 {
    let x = x.max(-700.0);
    // Round to nearest with the 1.5·2^52 trick: vectorises, unlike f64::round.
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    let shifted = x * INV_LN2 + SHIFT;
    let kf = shifted - SHIFT;
    let hi = x - kf * LN2_HI;
    let lo = kf * LN2_LO;
    let r = hi - lo;
    let rr = r * r;
    let c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
    let y = 1.0 + (r * c / (2.0 - c) - lo + hi);
    // 2^k from the bits of `shifted` (1.5·2^52 + k): integer ops only, which vectorise.
    let k = shifted.to_bits().wrapping_sub(SHIFT.to_bits());
    let scale = f64::from_bits(k.wrapping_add(1023) << 52);
    y * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_matches_std_within_an_ulp() {
        let mut x = 1e-300;
        while x < 1e300 {
            let (a, b) = (ln(x), x.ln());
            assert!(
                (a - b).abs() <= 2.0 * f64::EPSILON * b.abs().max(1e-300),
                "ln({x}) = {a} vs {b}"
            );
            x *= 1.37;
        }
        assert_eq!(ln(1.0), 0.0);
    }

    #[test]
    fn exp_and_ln1p_match_std() {
        let mut x = -700.0;
        while x <= 0.0 {
            let (a, b) = (exp_neg(x), x.exp());
            assert!(
                (a - b).abs() <= 2.0 * f64::EPSILON * b,
                "exp({x}) = {a} vs {b}"
            );
            let (c, d) = (ln1p_recip(b).0, b.ln_1p());
            assert!(
                (c - d).abs() <= 2.0 * f64::EPSILON * d.max(1e-300),
                "ln1p({b}) = {c} vs {d}"
            );
            x += 0.173;
        }
    }

    /// Distance in ulps between two positive finite values.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn exp_is_within_an_ulp_of_std_everywhere_on_its_range() {
        // A dense sweep, the ends of the reduction interval and 2^-k steps near 0.
        let mut xs: Vec<f64> = (0..=700_000).map(|i| -(i as f64) * 1e-3).collect();
        for k in 0..60 {
            xs.push(-(2f64.powi(-k)));
        }
        let half_ln2 = std::f64::consts::LN_2 / 2.0;
        for j in 0..1000 {
            let m = j as f64 * std::f64::consts::LN_2;
            xs.extend([-(m + half_ln2), -(m + half_ln2).next_up(), -(m - half_ln2)]);
        }
        let worst = xs
            .iter()
            .filter(|&&x| (-700.0..=0.0).contains(&x))
            .map(|&x| ulps(exp_neg(x), x.exp()))
            .max();
        assert!(worst <= Some(1), "worst {worst:?} ulps");
    }

    #[test]
    fn ln_and_reciprocal_from_one_division_are_within_their_bounds() {
        let (mut worst_ln, mut worst_inv) = (0, 0);
        for i in 0..=1_000_000u64 {
            let u = 1.0 + i as f64 / 1e6;
            for u in [u, u.next_up(), u.next_down().max(1.0)] {
                let (l, inv) = ln_recip(u);
                worst_ln = worst_ln.max(ulps(l, u.ln()));
                worst_inv = worst_inv.max(ulps(inv, 1.0 / u));
                // The plain log takes its own division: the same within an ulp.
                assert!(ulps(l, ln(u)) <= 1, "ln({u})");
            }
        }
        assert!(worst_ln <= 1, "ln: {worst_ln} ulps");
        assert!(worst_inv <= 2, "1/u: {worst_inv} ulps");
    }
}
