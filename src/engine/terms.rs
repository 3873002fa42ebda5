//! Step 3 of the element path ([`super::fast`]): every term's loss and
//! gradient, one array per term, computed by [`Plan::loss_grad`] (the same
//! definition the scalar path uses) in loops that the compiler vectorises. The plan is
//! matched once per array, so each loop is the term's own code: small integer
//! and half-integer powers unrolled in registers.

use super::plan::{Ctx, Plan};
use super::soa::{Soa, SUB};

/// Every term's loss and |∂loss/∂logit| for the first `n` elements.
#[inline(always)]
pub(super) fn terms(cx: &Ctx, n: usize, s: &mut Soa) {
    let n = n.min(SUB);
    let (pt, q, ce, lnq) = (&s.pt[..n], &s.q[..n], &s.ce[..n], &s.lnq[..n]);
    for (j, plan) in cx.plans.iter().enumerate() {
        let (loss, grad) = s.terms[2 * j * SUB..2 * (j + 1) * SUB].split_at_mut(SUB);
        let out = (&mut loss[..n], &mut grad[..n]);
        let ins = (pt, q, ce, lnq);
        // A constant plan per arm, so that each loop is compiled for its term.
        match *plan {
            Plan::One => fill(Plan::One, ins, out),
            Plan::Int(1) => fill(Plan::Int(1), ins, out),
            Plan::Int(2) => fill(Plan::Int(2), ins, out),
            Plan::Int(3) => fill(Plan::Int(3), ins, out),
            Plan::Int(4) => fill(Plan::Int(4), ins, out),
            Plan::Int(5) => fill(Plan::Int(5), ins, out),
            Plan::Int(6) => fill(Plan::Int(6), ins, out),
            Plan::Half(0) => fill(Plan::Half(0), ins, out),
            Plan::Half(1) => fill(Plan::Half(1), ins, out),
            Plan::Half(2) => fill(Plan::Half(2), ins, out),
            Plan::Half(3) => fill(Plan::Half(3), ins, out),
            Plan::Flsd53 => fill(Plan::Flsd53, ins, out),
            p => fill(p, ins, out),
        }
    }
}

/// The arrays a term reads: p_t, 1 - p_t, CE and ln(1 - p_t).
type Ins<'a> = (&'a [f64], &'a [f64], &'a [f64], &'a [f64]);

/// Loss and gradient of `plan` for every element of the inputs.
#[inline(always)]
fn fill(plan: Plan, (pt, q, ce, lnq): Ins, (loss, grad): (&mut [f64], &mut [f64])) {
    let n = loss.len();
    let (pt, q, ce, lnq, grad) = (&pt[..n], &q[..n], &ce[..n], &lnq[..n], &mut grad[..n]);
    for i in 0..n {
        (loss[i], grad[i]) = plan.loss_grad(pt[i], q[i], ce[i], lnq[i]);
    }
}
