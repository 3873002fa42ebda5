//! Loss variants of a comparison grid, and their evaluation from one pass.
//!
//! A pass accumulates, per (class, polarity) group, the modulated loss and
//! gradient of a few [`Term`]s. A variant picks a term for positive and for
//! negative targets and a weight per group (α), so any number of α values
//! costs nothing extra.

use super::summary::{self, alpha_per_group, class_groups, group_sum};
use crate::engine::spec::{EngineSpec, TAIL_BINS};
use crate::engine::Partial;
use crate::model::{Alpha, Mode, Term, VariantKind};
use crate::report::compare::{BucketShare, ClassShare, CurvePoint, Curves, PosNeg, Variant};
use crate::report::num;
use crate::text::quoted;
use anyhow::{bail, Result};

/// A loss to evaluate.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantDef {
    /// Display name.
    pub(crate) name: String,
    /// The family: focal (including ce), flsd53, asl, cb or poly1.
    pub(crate) kind: VariantKind,
    /// γ for the report (None where it varies).
    pub(crate) gamma: Option<f64>,
    /// Term for positive targets (softmax: every element).
    pub(crate) pos: Term,
    /// Term for negative targets.
    pub(crate) neg: Term,
    /// The α setting.
    pub(crate) alpha: Alpha,
    /// Class-balanced weights (replace α when set): one per class.
    pub(crate) class_weights: Option<Vec<f64>>,
}

/// A named variant as given to `--variant`, before the data's counts are known.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Named {
    /// `flsd53`.
    Flsd53,
    /// `asl:GP,GN`.
    Asl(f64, f64),
    /// `cb:BETA[,GAMMA[,MIN]]`: class-balanced weights with β, γ, and classes with fewer than
    /// MIN rows (but some) weighted as if they had MIN.
    Cb(f64, f64, u64),
    /// `poly1:EPS`.
    Poly1(f64),
}

impl std::fmt::Display for Named {
    /// The `--variant` value that parses back to this variant.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Named::Flsd53 => write!(f, "flsd53"),
            Named::Asl(gp, gn) => write!(f, "asl:{gp},{gn}"),
            Named::Cb(b, g, 1) => write!(f, "cb:{b},{g}"),
            Named::Cb(b, g, m) => write!(f, "cb:{b},{g},{m}"),
            Named::Poly1(e) => write!(f, "poly1:{e}"),
        }
    }
}

/// Parses a `--variant` value.
pub(crate) fn parse_named(s: &str) -> Result<Named> {
    let (name, args) = s.split_once(':').unwrap_or((s, ""));
    let nums: Vec<f64> = if args.is_empty() {
        Vec::new()
    } else {
        args.split(',')
            .map(|x| {
                x.trim().parse::<f64>().map_err(|_| {
                    anyhow::anyhow!("--variant {}: {} is not a number", quoted(s), quoted(x))
                })
            })
            .collect::<Result<_>>()?
    };
    let v = match (name.to_ascii_lowercase().as_str(), nums.as_slice()) {
        ("flsd53", []) => Named::Flsd53,
        ("asl", [gp, gn]) if *gp >= 0.0 && *gn >= 0.0 => Named::Asl(*gp, *gn),
        ("cb", [b]) if (0.0..1.0).contains(b) => Named::Cb(*b, 0.0, 1),
        ("cb", [b, g]) if (0.0..1.0).contains(b) && *g >= 0.0 => Named::Cb(*b, *g, 1),
        ("cb", [b, g, m])
            if (0.0..1.0).contains(b) && *g >= 0.0 && m.fract() == 0.0 && (1.0..=1e9).contains(m) =>
        {
            Named::Cb(*b, *g, *m as u64)
        }
        ("poly1", [e]) if *e >= -1.0 => Named::Poly1(*e),
        _ => bail!("--variant {} is not one of: flsd53, asl:GP,GN (γ ≥ 0), cb:BETA[,GAMMA[,MIN]] (0 ≤ β < 1, MIN a count ≥ 1), poly1:EPS (ε ≥ -1)", quoted(s)),
    };
    Ok(v)
}

fn fmt_g(g: f64) -> String {
    format!("{g}")
}

/// The variant for focal loss with `gamma` and `alpha` ("ce" when γ = 0 without α).
pub fn focal(gamma: f64, alpha: &Alpha) -> VariantDef {
    let name = match (gamma == 0.0, alpha) {
        (true, Alpha::None) => "ce".to_string(),
        (true, a) => format!("ce a={}", a.label()),
        (false, Alpha::None) => format!("fl g={}", fmt_g(gamma)),
        (false, a) => format!("fl g={} a={}", fmt_g(gamma), a.label()),
    };
    VariantDef {
        name,
        kind: VariantKind::Focal,
        gamma: Some(gamma),
        pos: Term::Pow(gamma),
        neg: Term::Pow(gamma),
        alpha: alpha.clone(),
        class_weights: None,
    }
}

/// Turns a named variant into a definition, given the class counts and the grid's first α.
pub(crate) fn resolve(n: &Named, counts: &[u64], alpha: &Alpha) -> VariantDef {
    match *n {
        Named::Flsd53 => VariantDef {
            name: "flsd53".into(),
            kind: VariantKind::Flsd53,
            gamma: None,
            pos: Term::Flsd53,
            neg: Term::Flsd53,
            alpha: alpha.clone(),
            class_weights: None,
        },
        Named::Asl(gp, gn) => VariantDef {
            name: format!("asl {gp},{gn}"),
            kind: VariantKind::Asl,
            gamma: None,
            pos: Term::Pow(gp),
            neg: Term::Pow(gn),
            alpha: alpha.clone(),
            class_weights: None,
        },
        Named::Cb(beta, gamma, min) => {
            // A class seen a few times has a frequency known only roughly; 1/n would let those
            // rows dominate the loss. Empty classes keep weight 0 (nothing to weigh here).
            let shrunk = counts.iter().any(|&c| c > 0 && c < min);
            let eff: Vec<f64> = counts
                .iter()
                .map(|&c| {
                    super::imbalance::effective_number(if c > 0 { c.max(min) } else { 0 }, beta)
                })
                .collect();
            let inv: Vec<f64> = eff
                .iter()
                .map(|&e| if e > 0.0 { 1.0 / e } else { 0.0 })
                .collect();
            let s: f64 = inv.iter().sum();
            let k = counts.len() as f64;
            let w = inv
                .iter()
                .map(|x| if s > 0.0 { x * k / s } else { 1.0 })
                .collect();
            VariantDef {
                // The floor is named only where it changed a weight, so data without rare
                // classes keeps the plain name.
                name: if shrunk {
                    format!("cb b={beta} g={gamma} min={min}")
                } else {
                    format!("cb b={beta} g={gamma}")
                },
                kind: VariantKind::Cb,
                gamma: Some(gamma),
                pos: Term::Pow(gamma),
                neg: Term::Pow(gamma),
                alpha: Alpha::None,
                class_weights: Some(w),
            }
        }
        Named::Poly1(eps) => VariantDef {
            name: format!("poly1 e={eps}"),
            kind: VariantKind::Poly1,
            gamma: Some(0.0),
            pos: Term::Poly1(eps),
            neg: Term::Poly1(eps),
            alpha: Alpha::None,
            class_weights: None,
        },
    }
}

/// The distinct terms a set of variants needs, in first-use order.
pub fn terms_for(defs: &[VariantDef]) -> Vec<Term> {
    let mut t: Vec<Term> = Vec::new();
    for d in defs {
        for x in [d.pos, d.neg] {
            if !t.contains(&x) {
                t.push(x);
            }
        }
    }
    t
}

/// α (or the class weight) per group of a variant.
pub(crate) fn weights(spec: &EngineSpec, d: &VariantDef) -> Vec<f64> {
    match &d.class_weights {
        // Binary and softmax: the row's class; sigmoid: positives of class k get w_k, negatives 1.
        Some(w) => (0..spec.groups())
            .map(|g| {
                let (c, pos) = spec.group_class(g);
                match spec.mode {
                    Mode::Sigmoid if !pos => 1.0,
                    _ => w[c],
                }
            })
            .collect(),
        None => alpha_per_group(spec, &d.alpha),
    }
}

/// Fractions at which the cumulative curves are sampled.
fn curve_fractions() -> Vec<f64> {
    let mut f = vec![0.0, 0.001, 0.005];
    f.extend((1..=100).map(|i| i as f64 / 100.0));
    f
}

/// Cumulative loss share of the hardest elements, from the fine p_t histogram of one polarity.
fn curve(spec: &EngineSpec, p: &Partial, pol: usize, term: usize) -> Option<Vec<CurvePoint>> {
    let stride = 1 + spec.terms.len();
    let bins: Vec<(f64, f64)> = (0..TAIL_BINS)
        .map(|b| {
            let at = (pol * TAIL_BINS + b) * stride;
            (p.tails[at], p.tails[at + 1 + term])
        })
        .collect();
    let n: f64 = bins.iter().map(|b| b.0).sum();
    let l: f64 = bins.iter().map(|b| b.1).sum();
    if n == 0.0 || l <= 0.0 {
        return None;
    }
    let mut out = Vec::new();
    let (mut cn, mut cl, mut b) = (0.0, 0.0, 0);
    for f in curve_fractions() {
        let target = f * n;
        while b < TAIL_BINS && cn + bins[b].0 <= target {
            cn += bins[b].0;
            cl += bins[b].1;
            b += 1;
        }
        // Linear interpolation inside the bin that crosses the target.
        let part = if b < TAIL_BINS && bins[b].0 > 0.0 {
            (target - cn) / bins[b].0 * bins[b].1
        } else {
            0.0
        };
        out.push(CurvePoint {
            fraction: f,
            loss_share: ((cl + part) / l).min(1.0),
        });
    }
    Some(out)
}

fn share_at(c: &Option<Vec<CurvePoint>>, f: f64) -> Option<f64> {
    c.as_ref()?
        .iter()
        .find(|p| (p.fraction - f).abs() < 1e-12)
        .map(|p| p.loss_share)
}

/// Evaluates every variant on a finished pass whose terms are `terms_for(defs)`.
pub(crate) fn evaluate(
    spec: &EngineSpec,
    p: &Partial,
    names: &[String],
    defs: &[VariantDef],
) -> Vec<Variant> {
    let ce_total: f64 = (0..spec.groups())
        .map(|g| group_sum(spec, p, g, None, None, summary::SUM_CE))
        .sum();
    let elements: f64 = (0..spec.groups())
        .map(|g| group_sum(spec, p, g, None, None, summary::COUNT))
        .sum();
    defs.iter()
        .map(|d| {
            let a = weights(spec, d);
            let term_of = |g: usize| {
                let t = if spec.group_class(g).1 { d.pos } else { d.neg };
                spec.term_index(t)
                    .expect("the pass accumulated every term of the grid")
            };
            let sum = |g: usize, b: Option<usize>, e: Option<bool>, grad: bool| {
                let j = term_of(g);
                let f = if grad {
                    summary::term_grad(j)
                } else {
                    summary::term_loss(j)
                };
                a[g] * group_sum(spec, p, g, b, e, f)
            };
            let all = |b: Option<usize>, e: Option<bool>, grad: bool| {
                (0..spec.groups()).map(|g| sum(g, b, e, grad)).sum::<f64>()
            };
            let loss = all(None, None, false);
            let grad = all(None, None, true);
            let share = |x: f64, of: f64| if of > 0.0 { num(x / of) } else { None };
            let classes = (0..spec.classes)
                .map(|c| {
                    let s: f64 = class_groups(spec, c)
                        .iter()
                        .map(|&g| sum(g, None, None, false))
                        .sum();
                    ClassShare {
                        name: names[c].clone(),
                        loss_sum: s,
                        share: share(s, loss),
                    }
                })
                .collect();
            let buckets = (0..spec.buckets())
                .map(|b| {
                    let s = all(Some(b), None, false);
                    BucketShare {
                        lower: spec.edges[b],
                        upper: spec.edges[b + 1],
                        loss_sum: s,
                        share: share(s, loss),
                    }
                })
                .collect();
            let (pos_curve, neg_curve) = if spec.tails {
                (
                    curve(spec, p, 1, spec.term_index(d.pos).unwrap_or(0)),
                    if spec.mode == Mode::Softmax {
                        None
                    } else {
                        curve(spec, p, 0, spec.term_index(d.neg).unwrap_or(0))
                    },
                )
            } else {
                (None, None)
            };
            Variant {
                name: d.name.clone(),
                kind: d.kind,
                gamma: d.gamma,
                alpha: match &d.class_weights {
                    Some(w) => serde_json::json!(w),
                    None => d.alpha.to_json(),
                },
                loss_sum: loss,
                loss_mean: if elements > 0.0 {
                    num(loss / elements)
                } else {
                    None
                },
                ratio_to_ce: share(loss, ce_total),
                classes,
                buckets,
                easy_loss_share: share(all(None, Some(true), false), loss),
                easy_grad_share: share(all(None, Some(true), true), grad),
                hardest_1pct_loss_share: PosNeg {
                    positives: share_at(&pos_curve, 0.01),
                    negatives: share_at(&neg_curve, 0.01),
                },
                hardest_10pct_loss_share: PosNeg {
                    positives: share_at(&pos_curve, 0.1),
                    negatives: share_at(&neg_curve, 0.1),
                },
                curves: Curves {
                    positives: pos_curve.unwrap_or_default(),
                    negatives: neg_curve.unwrap_or_default(),
                },
            }
        })
        .collect()
}

/// How the hardest-fraction shares are computed, for the report.
pub(crate) const TAIL_METHOD: &str = "per polarity, a 640-bin histogram of p_t (8 bins per octave of min(p_t, 1-p_t), down to 2^-40), hardest (lowest p_t) first, linear within a bin; shares are of the unweighted loss within a polarity (α is constant there in binary and sigmoid)";
