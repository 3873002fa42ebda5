//! What each value of a [`super::FixedRows`] row is: one of the sub-batch arrays.

use crate::engine::soa::{Soa, SUB};

/// Where a row value comes from: one of the sub-batch arrays.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Src {
    One,
    Pt,
    Ce,
    Loss(usize),
    Grad(usize),
    LossSq(usize),
    GradSq(usize),
    Conf,
    Ok,
    Brier,
    Zero,
}

impl Src {
    /// The array this value comes from.
    #[inline(always)]
    pub(crate) fn array(self, s: &Soa) -> &[f64; SUB] {
        let term = |k: usize| -> &[f64; SUB] {
            s.terms[k * SUB..(k + 1) * SUB]
                .try_into()
                .expect("SUB values")
        };
        let sq = |k: usize| -> &[f64; SUB] {
            s.sq[k * SUB..(k + 1) * SUB].try_into().expect("SUB values")
        };
        match self {
            Src::One => &s.ones,
            Src::Pt => &s.pt,
            Src::Ce => &s.ce,
            Src::Loss(j) => term(2 * j),
            Src::Grad(j) => term(2 * j + 1),
            Src::LossSq(j) => sq(2 * j),
            Src::GradSq(j) => sq(2 * j + 1),
            Src::Conf => &s.conf,
            Src::Ok => &s.ok,
            Src::Brier => &s.brier,
            Src::Zero => &s.zeros,
        }
    }
}
