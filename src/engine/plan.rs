//! What a pass decides once, not per element: how each term's modulating factor is
//! computed ([`Plan`]), the per-pass constants ([`Ctx`]) and the fine p_t histogram's
//! bin of an element ([`tail_bin`]). Shared by the scalar and the vector path.

use super::spec::{EngineSpec, TAIL_BINS};
use crate::model::Term;

/// The quantities of one element that every statistic is built from.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Elem {
    /// Probability of the true target.
    pub(crate) pt: f64,
    /// `1 - pt`, computed without cancellation.
    pub(crate) q: f64,
    /// `ln pt` (so CE = `-ln_pt`).
    pub(crate) ln_pt: f64,
    /// `ln q`, exact where the input allows it, else `NaN` meaning "derive it".
    pub(crate) ln_q: f64,
}

/// How a term's modulating factor is computed, decided once per pass, not per element.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Plan {
    /// γ = 0: the factor is 1.
    One,
    /// Integer γ: repeated multiplication.
    Int(u32),
    /// Half-integer γ: repeated multiplication times √q.
    Half(u32),
    /// Any other γ: exp(γ ln q).
    General(f64),
    /// FLSD-53: γ = 5 below p_t = 0.2, else 3.
    Flsd53,
    /// Poly-1 with ε.
    Poly1(f64),
}

/// `q^n` by repeated multiplication, in order.
#[inline(always)]
fn powu(q: f64, n: u32) -> f64 {
    let mut w = 1.0;
    for _ in 0..n {
        w *= q;
    }
    w
}

impl Plan {
    /// The plan for a term.
    pub(crate) fn of(t: Term) -> Plan {
        match t {
            Term::Flsd53 => Plan::Flsd53,
            Term::Poly1(e) => Plan::Poly1(e),
            Term::Pow(0.0) => Plan::One,
            Term::Pow(g) if g == g.trunc() && g <= 16.0 => Plan::Int(g as u32),
            Term::Pow(g) if 2.0 * g == (2.0 * g).trunc() && g <= 16.0 => {
                Plan::Half(g.trunc() as u32)
            }
            Term::Pow(g) => Plan::General(g),
        }
    }

    /// The modulating factor and the γ in force for an element; `ln_q` must
    /// be exact for [`Plan::General`] and is ignored otherwise. Selects, not
    /// branches, so that the loops of the vector path vectorise.
    #[inline(always)]
    pub(crate) fn weight(self, q: f64, ln_q: f64, pt: f64) -> (f64, f64) {
        match self {
            Plan::One | Plan::Poly1(_) => (1.0, 0.0),
            Plan::Int(n) => (powu(q, n), n as f64),
            Plan::Half(n) => (powu(q, n) * q.sqrt(), n as f64 + 0.5),
            Plan::General(g) => (if q <= 0.0 { 0.0 } else { (g * ln_q).exp() }, g),
            Plan::Flsd53 => {
                let q2 = q * q;
                if pt < 0.2 {
                    (q2 * q2 * q, 5.0)
                } else {
                    (q2 * q, 3.0)
                }
            }
        }
    }

    /// The loss and |∂loss/∂logit| of an element for this term, from p_t,
    /// `q` = 1 - p_t, CE = -ln p_t and ln q: the one definition that the
    /// scalar path ([`super::kernel`]) and the vector path ([`super::terms`]) both use.
    #[inline(always)]
    pub(crate) fn loss_grad(self, pt: f64, q: f64, ce: f64, ln_q: f64) -> (f64, f64) {
        match self {
            // |∂/∂x| of CE + ε(1-p_t) = (1-p_t)(1 + ε p_t)
            Plan::Poly1(eps) => (ce + eps * q, q * (1.0 + eps * pt)),
            _ => {
                let (w, gamma) = self.weight(q, ln_q, pt);
                // |∂FL/∂x| = (1-p_t)^γ (1 - p_t - γ p_t ln p_t)   (RetinaNet, appendix)
                (w * ce, w * (q + gamma * pt * ce))
            }
        }
    }
}

/// Sub-bins per octave of the fine p_t histogram.
pub(crate) const TAIL_SUB: usize = 8;
/// Octaves covered on each side (down to 2^-40 ≈ 1e-12).
pub(crate) const TAIL_OCTAVES: usize = TAIL_BINS / (2 * TAIL_SUB);

/// Ascending key of x ∈ [0, 0.5] from its exponent and top 3 mantissa bits:
/// 8 bins per octave, everything below 2^-40 in bin 0. Integer operations and
/// selects only, so that the element path vectorises.
#[cfg(test)]
fn side_key(x: f64) -> u64 {
    let bits = x.to_bits();
    // Unbiased exponent + TAIL_OCTAVES: in range when in [0, TAIL_OCTAVES)
    // (wrapping makes exponents below the range huge).
    let r = ((bits >> 52) & 0x7ff).wrapping_sub(1023 - TAIL_OCTAVES as u64);
    // A shift, not a multiply: r may be huge (out of range), and must not overflow.
    let key = (r << TAIL_SUB.trailing_zeros()) | ((bits >> 49) & 7);
    if r < TAIL_OCTAVES as u64 {
        key
    } else {
        0
    }
}

/// Bin of the fine p_t histogram, ascending in p_t: the hard half by p_t,
/// the easy half by 1 - p_t, so both tails keep their resolution. The
/// definition the fixed-point rows' fine bins are checked against (their
/// settling maps each to its bin).
#[cfg(test)]
pub(crate) fn tail_bin(pt: f64, q: f64) -> usize {
    let low = pt <= q;
    let k = side_key(if low { pt } else { q });
    (if low { k } else { TAIL_BINS as u64 - 1 - k }) as usize
}

/// Per-pass constants of the element math.
pub(crate) struct Ctx<'a> {
    pub(crate) spec: &'a EngineSpec,
    pub(crate) plans: Vec<Plan>,
    pub(crate) nb: usize,
    /// Whether any term needs ln(1 - p_t) (a non-integer, non-half γ).
    pub(crate) need_lnq: bool,
}

impl<'a> Ctx<'a> {
    /// Precomputes the term plans for `spec`.
    pub(crate) fn new(spec: &'a EngineSpec) -> Ctx<'a> {
        Ctx {
            spec,
            plans: spec.terms.iter().map(|&t| Plan::of(t)).collect(),
            need_lnq: spec
                .terms
                .iter()
                .any(|&t| matches!(Plan::of(t), Plan::General(_))),
            nb: spec.buckets(),
        }
    }
}
