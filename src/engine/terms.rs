//! Step 3 of the element path ([`super::fast`]): every term's loss and
//! gradient, one array per term. Integer and half-integer γ multiply out
//! (small powers unrolled in registers), as [`Plan::weight`] does per element.

use super::plan::{Ctx, Plan};
use super::soa::{Soa, SUB};

/// Every term's loss and |∂loss/∂logit| (see [`Plan::loss_grad`], which this
/// computes array-wise with the same operations).
#[inline(always)]
pub(super) fn terms(cx: &Ctx, n: usize, s: &mut Soa) {
    let (pt, q, ce, lnq) = (&s.pt[..n], &s.q[..n], &s.ce[..n], &s.lnq[..n]);
    for (j, plan) in cx.plans.iter().enumerate() {
        let (loss, grad) = s.terms[2 * j * SUB..2 * (j + 1) * SUB].split_at_mut(SUB);
        let (loss, grad) = (&mut loss[..n], &mut grad[..n]);
        match *plan {
            Plan::Poly1(eps) => {
                for i in 0..n {
                    loss[i] = ce[i] + eps * q[i];
                    grad[i] = q[i] * (1.0 + eps * pt[i]);
                }
            }
            Plan::Flsd53 => {
                for i in 0..n {
                    let q2 = q[i] * q[i];
                    let (w, g) = if pt[i] < 0.2 {
                        (q2 * q2 * q[i], 5.0)
                    } else {
                        (q2 * q[i], 3.0)
                    };
                    loss[i] = w * ce[i];
                    grad[i] = w * (q[i] + g * pt[i] * ce[i]);
                }
            }
            Plan::One => fill_term(pt, q, ce, 0.0, loss, grad, |_| 1.0),
            Plan::Int(k) | Plan::Half(k) => {
                let half = matches!(plan, Plan::Half(_));
                // Small powers unrolled in registers; larger ones one pass per factor.
                match (k, half) {
                    (0, true) => pow_term::<0, true>(pt, q, ce, loss, grad),
                    (1, false) => pow_term::<1, false>(pt, q, ce, loss, grad),
                    (1, true) => pow_term::<1, true>(pt, q, ce, loss, grad),
                    (2, false) => pow_term::<2, false>(pt, q, ce, loss, grad),
                    (2, true) => pow_term::<2, true>(pt, q, ce, loss, grad),
                    (3, false) => pow_term::<3, false>(pt, q, ce, loss, grad),
                    (3, true) => pow_term::<3, true>(pt, q, ce, loss, grad),
                    (4, false) => pow_term::<4, false>(pt, q, ce, loss, grad),
                    (5, false) => pow_term::<5, false>(pt, q, ce, loss, grad),
                    (6, false) => pow_term::<6, false>(pt, q, ce, loss, grad),
                    _ => {
                        // w into `grad` first, one pass per factor.
                        grad.fill(1.0);
                        for _ in 0..k {
                            for i in 0..n {
                                grad[i] *= q[i];
                            }
                        }
                        if half {
                            for i in 0..n {
                                grad[i] *= q[i].sqrt();
                            }
                        }
                        let gamma = k as f64 + if half { 0.5 } else { 0.0 };
                        for i in 0..n {
                            let w = grad[i];
                            loss[i] = w * ce[i];
                            grad[i] = w * (q[i] + gamma * pt[i] * ce[i]);
                        }
                    }
                }
            }
            Plan::General(g) => fill_term(pt, q, ce, g, loss, grad, |i| {
                if q[i] <= 0.0 {
                    0.0
                } else {
                    (g * lnq[i]).exp()
                }
            }),
        }
    }
}

/// Loss w·CE and gradient w·(q + γ p_t CE) from the modulating factor `w(i)`.
#[inline(always)]
fn fill_term(
    pt: &[f64],
    q: &[f64],
    ce: &[f64],
    gamma: f64,
    loss: &mut [f64],
    grad: &mut [f64],
    w: impl Fn(usize) -> f64,
) {
    for i in 0..loss.len() {
        let w = w(i);
        loss[i] = w * ce[i];
        grad[i] = w * (q[i] + gamma * pt[i] * ce[i]);
    }
}

/// A term with w = q^K (times √q if `HALF`), multiplied out as
/// `plan::Plan::weight` does.
#[inline(always)]
fn pow_term<const K: u32, const HALF: bool>(
    pt: &[f64],
    q: &[f64],
    ce: &[f64],
    loss: &mut [f64],
    grad: &mut [f64],
) {
    let gamma = K as f64 + if HALF { 0.5 } else { 0.0 };
    fill_term(pt, q, ce, gamma, loss, grad, |i| {
        let mut x = 1.0;
        for _ in 0..K {
            x *= q[i];
        }
        if HALF {
            x * q[i].sqrt()
        } else {
            x
        }
    });
}
