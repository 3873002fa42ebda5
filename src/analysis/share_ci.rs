//! 95% intervals for the easy-gradient and easy-loss shares of a variant, by the delta
//! method, from the second moments the engine keeps per cell ([`EngineSpec::moments`]).
//!
//! A share is a ratio of sums R = A / T over elements i with values t_i (α_g·gradient or
//! α_g·loss), A = Σ_easy t_i, T = Σ_all t_i. With elements drawn independently from the
//! same distribution, R − R₀ ≈ (1/T) Σ (a_i − R₀ t_i) (a_i = t_i on easy elements, else 0),
//! whose variance is estimated by
//! Var(R) ≈ ((1 − R)² Σ_easy t² + R² Σ_hard t²) / T².
//! The interval is R ± 1.96·√Var, clipped to [0, 1].

use super::summary::{group_sum, term_grad, term_grad_sq, term_loss, term_loss_sq};
use super::variants::{weights, VariantDef};
use crate::engine::spec::EngineSpec;
use crate::engine::Partial;
use crate::report::Num;
use crate::text::{percent, Percent};

/// The 95% intervals of one variant's easy shares (`None` where the share is undefined:
/// no gradient or no loss at all).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ShareInterval {
    /// Of the share of Σ|∂loss/∂logit| from easy elements.
    pub(crate) grad: Option<[f64; 2]>,
    /// Of the share of the loss from easy elements.
    pub(crate) loss: Option<[f64; 2]>,
}

/// The intervals of a grid's variants, or why there are none.
#[derive(Clone, Debug, PartialEq)]
pub enum ShareCis {
    /// One per variant, in the grid's order.
    Known(Vec<ShareInterval>),
    /// The sums hold no second moments; the sentence says why.
    Unavailable(String),
}

/// The delta-method interval of A / T (see the module doc); `None` when T is not positive.
pub(crate) fn delta_interval(a: f64, t: f64, easy_sq: f64, hard_sq: f64) -> Option<[f64; 2]> {
    if t.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return None;
    }
    let r = a / t;
    let var = ((1.0 - r) * (1.0 - r) * easy_sq + r * r * hard_sq) / (t * t);
    let half = super::interval::Z95 * var.max(0.0).sqrt();
    Some([(r - half).max(0.0), (r + half).min(1.0)])
}

/// The intervals of every variant of `defs` on sums with second moments.
pub(crate) fn share_intervals(
    spec: &EngineSpec,
    p: &Partial,
    defs: &[VariantDef],
) -> Vec<ShareInterval> {
    let nt = spec.terms.len();
    defs.iter()
        .map(|d| {
            let w = weights(spec, d);
            // (A, T, Σ_easy t², Σ_hard t²) of the gradient (true) or the loss (false).
            let sums = |grad: bool| {
                let mut s = [0.0; 4];
                for (g, &a) in w.iter().enumerate() {
                    let t = if spec.group_class(g).1 { d.pos } else { d.neg };
                    let Some(j) = spec.term_index(t) else {
                        continue;
                    };
                    let (f, f2) = if grad {
                        (term_grad(j), term_grad_sq(j, nt))
                    } else {
                        (term_loss(j), term_loss_sq(j, nt))
                    };
                    s[0] += a * group_sum(spec, p, g, None, Some(true), f);
                    s[1] += a * group_sum(spec, p, g, None, None, f);
                    s[2] += a * a * group_sum(spec, p, g, None, Some(true), f2);
                    s[3] += a * a * group_sum(spec, p, g, None, Some(false), f2);
                }
                delta_interval(s[0], s[1], s[2], s[3])
            };
            ShareInterval {
                grad: sums(true),
                loss: sums(false),
            }
        })
        .collect()
}

/// A share with its interval: "62.0% (95% CI 55.0–69.0%)", or the share alone without one.
pub(crate) fn with_ci(share: Num, ci: Option<[f64; 2]>) -> String {
    let p = percent(share, Percent::Prose);
    match ci {
        Some([lo, hi]) => format!(
            "{p} (95% CI {}–{})",
            percent(Some(lo), Percent::Prose).trim_end_matches('%'),
            percent(Some(hi), Percent::Prose)
        ),
        None => p,
    }
}

/// A count's share of `n` with its Wilson interval: "1.2% (95% CI 0.4–3.5%)".
pub(crate) fn count_share(k: f64, n: f64) -> String {
    let ci = super::interval::wilson(k, n, super::interval::Z95);
    with_ci((n > 0.0).then(|| k / n), ci.map(|(a, b)| [a, b]))
}

/// Why a report read from `format` ("partial", "sql_sums") has no share intervals.
pub(crate) fn unavailable(format: &str) -> String {
    match format {
        "sql_sums" => "the sums table comes from an older flcli sql query, without squared sums; run the query this flcli sql prints again".into(),
        _ => "the partial results were written without squared sums (by an older flcli partial, or merged with such a file); write them again with this flcli partial".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delta_interval_matches_the_formula_and_narrows_with_size() {
        // Four elements, gradients 1, 2 easy and 3, 4 hard: R = 0.3,
        // Var = (0.49·5 + 0.09·25) / 100 = 0.047.
        let [lo, hi] = delta_interval(3.0, 10.0, 5.0, 25.0).unwrap();
        let half = 1.959_963_984_540_054 * 0.047f64.sqrt();
        assert!((lo - (0.3 - half).max(0.0)).abs() < 1e-15, "{lo}");
        assert!((hi - (0.3 + half)).abs() < 1e-15, "{hi}");
        // The same values repeated 100 times: a tenth of the width.
        let [lo2, hi2] = delta_interval(300.0, 1000.0, 500.0, 2500.0).unwrap();
        assert!(((hi2 - lo2) - 2.0 * half / 10.0).abs() < 1e-12);
        assert_eq!(delta_interval(0.0, 0.0, 0.0, 0.0), None);
    }

    #[test]
    fn a_share_prints_with_its_interval() {
        assert_eq!(
            with_ci(Some(0.62), Some([0.55, 0.69])),
            "62.0% (95% CI 55.0–69.0%)"
        );
        assert_eq!(with_ci(Some(0.62), None), "62.0%");
    }
}
