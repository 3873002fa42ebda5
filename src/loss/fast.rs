//! The binary fast path: per sub-batch, the math runs over contiguous arrays
//! (branch-free `ln`/`exp`/`ln1p` that the compiler vectorises, compiled once
//! more for AVX2 and picked at run time), then one scalar loop scatters the
//! results into the cells. Both builds do the same IEEE operations in the same
//! order (no FMA contraction), so the output does not depend on the CPU.

// The constants are fdlibm's, digit for digit as published.
#![allow(clippy::excessive_precision)]

use super::accum::Partial;
use super::kernel::{add_calib, add_element, argmax, Ctx, Elem, BACKGROUND, IGNORED, SKIPPED};
use super::spec::ScoreKind;

/// Elements per sub-batch: the arrays of one sub-batch stay in L1/L2.
const SUB: usize = 1024;

const LN2_HI: f64 = 6.931_471_803_691_238_164_9e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
const LG1: f64 = 6.666_666_666_666_735_13e-1;
const LG2: f64 = 3.999_999_999_940_941_908e-1;
const LG3: f64 = 2.857_142_874_366_239_149e-1;
const LG4: f64 = 2.222_219_843_214_978_396e-1;
const LG5: f64 = 1.818_357_216_161_805_012e-1;
const LG6: f64 = 1.531_383_769_920_937_332e-1;
const LG7: f64 = 1.479_819_860_511_658_591e-1;

/// Natural log of a positive normal `x` (fdlibm's algorithm, < 1 ulp), branch-free.
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    // Reduce x to [√2/2, √2): k is the exponent after moving the mantissa there.
    let hx = (bits >> 32).wrapping_add(0x3ff0_0000 - 0x3fe6_a09e);
    // k = biased exponent - 1023, converted to f64 with the 2^52 trick: AVX2 has
    // no 64-bit integer → double conversion, so `as f64` would stop vectorising.
    let k = (f64::from_bits(0x4330_0000_0000_0000 | (hx >> 20)) - 4_503_599_627_370_496.0) - 1023.0;
    let hx = (hx & 0x000f_ffff) + 0x3fe6_a09e;
    let m = f64::from_bits((hx << 32) | (bits & 0xffff_ffff));
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    s * (hfsq + r) + k * LN2_LO - hfsq + f + k * LN2_HI
}

/// ln(1 + e) for e in [0, 1], with the rounding of 1 + e corrected.
#[inline(always)]
pub fn ln1p(e: f64) -> f64 {
    let u = 1.0 + e;
    ln(u) + (e - (u - 1.0)) / u
}

const INV_LN2: f64 = std::f64::consts::LOG2_E;
const P1: f64 = 1.666_666_666_666_660_190_37e-1;
const P2: f64 = -2.777_777_777_701_559_338_42e-3;
const P3: f64 = 6.613_756_321_437_934_361_17e-5;
const P4: f64 = -1.653_390_220_546_525_153_9e-6;
const P5: f64 = 4.138_136_797_057_238_460_39e-8;

/// e^x for x ≤ 0 (fdlibm's algorithm, < 1 ulp); x below -700 is treated as -700.
#[inline(always)]
pub fn exp_neg(x: f64) -> f64 {
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

/// Scratch arrays of one sub-batch.
struct Soa {
    pt: [f64; SUB],
    q: [f64; SUB],
    ce: [f64; SUB],
    lnq: [f64; SUB],
    p: [f64; SUB],
}

#[inline(always)]
fn math_probs(labels: &[i32], x: &[f64], eps: f64, s: &mut Soa) {
    for i in 0..labels.len() {
        let p = x[i].clamp(eps, 1.0 - eps);
        let pos = labels[i] == 1;
        let (pt, q) = if pos { (p, 1.0 - p) } else { (1.0 - p, p) };
        s.pt[i] = pt;
        s.q[i] = q;
        s.ce[i] = -ln(pt);
        s.p[i] = p;
    }
}

#[inline(always)]
fn lnq_probs(n: usize, s: &mut Soa) {
    for i in 0..n {
        s.lnq[i] = ln(s.q[i]);
    }
}

#[inline(always)]
fn math_logits(labels: &[i32], x: &[f64], s: &mut Soa) {
    for i in 0..labels.len() {
        let pos = labels[i] == 1;
        let z = if pos { x[i] } else { -x[i] };
        let e = exp_neg(-z.abs());
        let l = ln1p(e);
        let inv = 1.0 / (1.0 + e);
        let up = z >= 0.0;
        let pt = if up { inv } else { e * inv };
        let q = if up { e * inv } else { inv };
        s.pt[i] = pt;
        s.q[i] = q;
        s.ce[i] = if up { l } else { l - z };
        s.lnq[i] = if up { -z - l } else { -l };
        s.p[i] = if pos { pt } else { q };
    }
}

#[target_feature(enable = "avx2")]
#[cfg(target_arch = "x86_64")]
unsafe fn math_avx2(
    kind: ScoreKind,
    labels: &[i32],
    x: &[f64],
    eps: f64,
    need_lnq: bool,
    s: &mut Soa,
) {
    math_generic(kind, labels, x, eps, need_lnq, s)
}

#[inline(always)]
fn math_generic(kind: ScoreKind, labels: &[i32], x: &[f64], eps: f64, need_lnq: bool, s: &mut Soa) {
    match kind {
        ScoreKind::Probabilities => {
            math_probs(labels, x, eps, s);
            if need_lnq {
                lnq_probs(labels.len(), s);
            }
        }
        ScoreKind::Logits => math_logits(labels, x, s),
    }
}

fn math(kind: ScoreKind, labels: &[i32], x: &[f64], eps: f64, need_lnq: bool, s: &mut Soa) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above).
            unsafe { math_avx2(kind, labels, x, eps, need_lnq, s) };
            return;
        }
    }
    math_generic(kind, labels, x, eps, need_lnq, s)
}

/// Accumulates a batch of binary rows (labels 0, 1, or the ignored / skipped codes).
pub fn binary(cx: &Ctx, labels: &[i32], x: &[f64], acc: &mut Partial) {
    let mut s = Soa::new();
    for (lab, xs) in labels.chunks(SUB).zip(x.chunks(SUB)) {
        elements(cx, lab, xs, None, &mut s, acc);
    }
}

/// Accumulates a batch of sigmoid rows: every (row, class) pair is a binary
/// element, positive where the label is that class (background rows: none).
pub fn sigmoid(cx: &Ctx, labels: &[i32], x: &[f64], acc: &mut Partial) {
    let k = cx.spec.classes;
    for (i, &l) in labels.iter().enumerate() {
        match l {
            IGNORED => acc.rows_ignored += 1,
            SKIPPED => {}
            BACKGROUND => {
                acc.rows_used += 1;
                acc.background_rows += 1;
            }
            l if l >= 0 => {
                let y = l as usize;
                acc.rows_used += 1;
                acc.class_rows[y] += 1;
                acc.correct[y] += (argmax(&x[i * k..(i + 1) * k]) == y) as u64;
            }
            _ => {}
        }
    }
    // Whole rows per chunk, so a chunk's elements are contiguous in `x`.
    let rows = (SUB / k).max(1);
    let mut s = Soa::new();
    let mut codes = vec![0i32; rows * k];
    let mut groups = vec![0u32; rows * k];
    for (c, lab) in labels.chunks(rows).enumerate() {
        let n = lab.len() * k;
        for (r, &l) in lab.iter().enumerate() {
            let used = l >= 0 || l == BACKGROUND;
            for j in 0..k {
                let pos = l == j as i32;
                codes[r * k + j] = if used { pos as i32 } else { -1 };
                groups[r * k + j] = (2 * j + pos as usize) as u32;
            }
        }
        let xs = &x[c * rows * k..c * rows * k + n];
        elements(cx, &codes[..n], xs, Some(&groups[..n]), &mut s, acc);
    }
}

impl Soa {
    fn new() -> Box<Soa> {
        Box::new(Soa {
            pt: [0.0; SUB],
            q: [0.0; SUB],
            ce: [0.0; SUB],
            lnq: [0.0; SUB],
            p: [0.0; SUB],
        })
    }
}

/// At most [`SUB`] binary elements: `codes` 1 = positive, 0 = negative, other
/// = not used. `groups` gives each element's group (binary: the code itself,
/// and the rows are counted here too).
fn elements(
    cx: &Ctx,
    codes: &[i32],
    x: &[f64],
    groups: Option<&[u32]>,
    s: &mut Soa,
    acc: &mut Partial,
) {
    let spec = cx.spec;
    let binary_rows = groups.is_none();
    math(spec.kind, codes, x, spec.eps, cx.need_lnq, s);
    for (i, &code) in codes.iter().enumerate() {
        if code != 0 && code != 1 {
            // Ignored or skipped rows: their scores were never validated, so
            // whatever the math above made of them is dropped here.
            if binary_rows {
                acc.rows_ignored += (code == IGNORED) as u64;
            }
            continue;
        }
        let pos = code as usize;
        let g = groups.map_or(pos, |gs| gs[i] as usize);
        let e = Elem {
            pt: s.pt[i],
            q: s.q[i],
            ln_pt: -s.ce[i],
            ln_q: s.lnq[i],
        };
        add_element(cx, acc, g, e);
        let p = s.p[i];
        let ok = (p >= 0.5) == (pos == 1);
        if binary_rows {
            acc.rows_used += 1;
            acc.class_rows[pos] += 1;
            acc.correct[pos] += ok as u64;
        }
        let t = pos as f64;
        add_calib(acc, p.max(1.0 - p), ok, (p - t) * (p - t));
    }
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
            let (c, d) = (ln1p(b), b.ln_1p());
            assert!(
                (c - d).abs() <= 2.0 * f64::EPSILON * d.max(1e-300),
                "ln1p({b}) = {c} vs {d}"
            );
            x += 0.173;
        }
    }
}
