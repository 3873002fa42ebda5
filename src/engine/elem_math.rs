//! Step 1 of the element path ([`super::fast`]): p_t, 1 - p_t, CE, ln(1 - p_t)
//! and p over a sub-batch, from probabilities or logits, with the branch-free
//! functions of [`super::fdlibm`], in loops that the compiler vectorises.

use super::fdlibm::{exp_neg, ln, ln1p_recip};
use super::soa::{Soa, SUB};

/// p_t, 1 - p_t, CE and p from probabilities clamped to [ε, 1 - ε].
#[inline(always)]
pub(super) fn math_probs(codes: &[i32], x: &[f64], eps: f64, s: &mut Soa) {
    let n = codes.len().min(SUB);
    // Slices of one length, so the loop has no bounds checks and vectorises.
    let (x, pt_, q_) = (&x[..n], &mut s.pt[..n], &mut s.q[..n]);
    let (ce_, p_) = (&mut s.ce[..n], &mut s.p[..n]);
    for i in 0..n {
        let p = x[i].clamp(eps, 1.0 - eps);
        let pos = codes[i] == 1;
        let (pt, q) = if pos { (p, 1.0 - p) } else { (1.0 - p, p) };
        pt_[i] = pt;
        q_[i] = q;
        ce_[i] = -ln(pt);
        p_[i] = p;
    }
}

/// ln(1 - p_t) of the first `n` elements, for the terms that need it.
#[inline(always)]
pub(super) fn lnq_probs(n: usize, s: &mut Soa) {
    let (q, lnq) = (&s.q[..n], &mut s.lnq[..n]);
    for i in 0..n {
        lnq[i] = ln(q[i]);
    }
}

/// Stable log-sigmoid: -(max(-z, 0) + ln1p(e^{-|z|})), no clamp.
///
/// Two loops, e^{-|z|} first (kept in `q`), then the rest: each element's
/// operations form one long chain of dependent steps, and the processor
/// overlaps only as many elements as its scheduler holds waiting operations
/// for, so shorter chains let it overlap more.
#[inline(always)]
pub(super) fn math_logits(codes: &[i32], x: &[f64], s: &mut Soa) {
    let n = codes.len().min(SUB);
    // Slices of one length, so the loops have no bounds checks and vectorise.
    let (codes, x) = (&codes[..n], &x[..n]);
    let (pt_, q_) = (&mut s.pt[..n], &mut s.q[..n]);
    let (ce_, lnq_, p_) = (&mut s.ce[..n], &mut s.lnq[..n], &mut s.p[..n]);
    for i in 0..n {
        // -|z| is -|x| whatever the sign of z.
        q_[i] = exp_neg(-x[i].abs());
    }
    for i in 0..n {
        let pos = codes[i] == 1;
        let z = if pos { x[i] } else { -x[i] };
        let e = q_[i];
        let (l, inv) = ln1p_recip(e);
        let up = z >= 0.0;
        let pt = if up { inv } else { e * inv };
        let q = if up { e * inv } else { inv };
        pt_[i] = pt;
        q_[i] = q;
        ce_[i] = if up { l } else { l - z };
        lnq_[i] = if up { -z - l } else { -l };
        p_[i] = if pos { pt } else { q };
    }
}
