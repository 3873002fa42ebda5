//! The `recommend` method: from an evaluated γ × α grid, the class imbalance
//! and the calibration to "cross-entropy or focal loss, with which γ and α, and
//! why". The README's "How `flcli recommend` decides" documents it.
//!
//! Pure: it reads only the numbers the report prints (the grid's variants,
//! imbalance, calibration, targets), so it is tested without files. The
//! sentences it writes live in [`super::recommend_text`] and [`super::recommend_alt`].

use super::recommend_text as text;
use super::share_ci::{ShareCis, ShareInterval};
use crate::model::{Mode, VariantKind};
use crate::report::compare::{Alternative, Decision, Recommendation, Targets, Variant};
use crate::report::{Calibration, Imbalance, Num};
use anyhow::{bail, Result};

/// RetinaNet (Lin et al. 2017) Table 1b: γ and the best α for it on COCO.
pub const RETINANET_ALPHA: [[f64; 2]; 7] = [
    [0.0, 0.75],
    [0.1, 0.75],
    [0.2, 0.75],
    [0.5, 0.5],
    [1.0, 0.25],
    [2.0, 0.25],
    [5.0, 0.25],
];

/// The α values a binary/sigmoid grid holds besides `none`: every α of Table 1b.
pub(crate) const TABLE_ALPHAS: [f64; 3] = [0.25, 0.5, 0.75];

/// Table 1b's α for `gamma`: the α of the largest tabulated γ not above it.
pub fn retinanet_alpha(gamma: f64) -> f64 {
    RETINANET_ALPHA
        .iter()
        .rev()
        .find(|p| p[0] <= gamma)
        .map_or(0.75, |p| p[1])
}

/// What the method weighs; every field is also in the report.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    /// binary, softmax or sigmoid.
    pub mode: Mode,
    /// The evaluated grid (fixed-γ focal variants, softmax `cb` variants per γ, `flsd53`).
    pub variants: &'a [Variant],
    /// Class imbalance of the data.
    pub imbalance: &'a Imbalance,
    /// Calibration of the model's scores.
    pub calibration: &'a Calibration,
    /// The method's knobs.
    pub targets: &'a Targets,
    /// The 95% intervals of the variants' easy shares (in `variants` order), or why there are none.
    pub shares: &'a ShareCis,
}

/// How α is chosen for a γ.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Rule {
    /// No weighting.
    None,
    /// Binary/sigmoid: Table 1b's α for the rarer polarity (`true`: positives are rarer).
    Table(bool),
    /// Softmax: Cui et al.'s class-balanced weights.
    ClassBalanced,
}

/// The grid as the method reads it.
pub(crate) struct Ctx<'a> {
    pub(crate) inp: Inputs<'a>,
    pub(crate) rule: Rule,
    pub(crate) ratio: Num,
    /// 95% interval of `ratio` at this size; `None` when unbounded.
    pub(crate) interval: Option<(f64, f64)>,
    pub(crate) gammas: Vec<f64>,
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

impl<'a> Ctx<'a> {
    /// The share intervals of `v`, one of the grid's variants (none when unavailable).
    pub(crate) fn ci(&self, v: &Variant) -> ShareInterval {
        let ShareCis::Known(all) = self.inp.shares else {
            return ShareInterval::default();
        };
        let at = self.inp.variants.iter().position(|x| std::ptr::eq(x, v));
        at.and_then(|i| all.get(i)).copied().unwrap_or_default()
    }

    /// Binary/sigmoid α for positives under `rule` at `gamma`.
    pub(crate) fn scalar_alpha(&self, rule: Rule, gamma: f64) -> Option<f64> {
        match rule {
            Rule::Table(true) => Some(retinanet_alpha(gamma)),
            Rule::Table(false) => Some(1.0 - retinanet_alpha(gamma)),
            _ => None,
        }
    }

    /// The fixed-γ focal variant with γ and a binary/sigmoid α (None = no α).
    pub(crate) fn focal(&self, gamma: f64, alpha: Option<f64>) -> Result<&'a Variant> {
        let found = self.inp.variants.iter().find(|v| {
            v.kind == VariantKind::Focal
                && v.gamma.is_some_and(|g| close(g, gamma))
                && match alpha {
                    None => v.alpha.is_null(),
                    Some(a) => v.alpha.as_f64().is_some_and(|x| close(x, a)),
                }
        });
        match found {
            Some(v) => Ok(v),
            None => bail!(
                "the evaluated grid has no focal variant with γ = {gamma} and α = {}",
                alpha.map_or("none".into(), |a| a.to_string())
            ),
        }
    }

    /// The variant for `gamma` under `rule`.
    pub(crate) fn under(&self, rule: Rule, gamma: f64) -> Result<&'a Variant> {
        match rule {
            Rule::ClassBalanced => self
                .inp
                .variants
                .iter()
                .find(|v| v.kind == VariantKind::Cb && v.gamma.is_some_and(|g| close(g, gamma)))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "the evaluated grid has no class-balanced variant with γ = {gamma}"
                    )
                }),
            r => self.focal(gamma, self.scalar_alpha(r, gamma)),
        }
    }

    /// The variant for `gamma` under the chosen α rule.
    pub(crate) fn candidate(&self, gamma: f64) -> Result<&'a Variant> {
        self.under(self.rule, gamma)
    }

    /// The FLSD-53 variant with the chosen rule's α (its γ is 3 or 5), if evaluated.
    pub(crate) fn flsd53(&self) -> Option<&'a Variant> {
        let want = match self.rule {
            Rule::ClassBalanced => self.under(Rule::ClassBalanced, 0.0).ok()?.alpha.clone(),
            r => self
                .scalar_alpha(r, 3.0)
                .map_or(serde_json::Value::Null, |a| serde_json::json!(a)),
        };
        self.inp.variants.iter().find(|v| {
            v.kind == VariantKind::Flsd53
                && match (v.alpha.as_f64(), want.as_f64()) {
                    (Some(x), Some(y)) => close(x, y),
                    _ => v.alpha == want,
                }
        })
    }

    /// The α to report for `gamma` under `rule`.
    pub(crate) fn alpha_json(&self, rule: Rule, gamma: f64) -> Result<serde_json::Value> {
        Ok(match rule {
            Rule::ClassBalanced => self.under(rule, gamma)?.alpha.clone(),
            r => self
                .scalar_alpha(r, gamma)
                .map_or(serde_json::Value::Null, |a| serde_json::json!(a)),
        })
    }
}

/// Majority:minority ratio that decides α, and (binary/sigmoid) whether positives are rarer.
fn imbalance_ratio(mode: Mode, im: &Imbalance) -> (Num, Option<bool>) {
    match mode {
        Mode::Softmax => (im.imbalance_ratio, None),
        _ => match im.positive_negative_ratio {
            // No negatives at all: negatives are the (empty) minority.
            None => (None, Some(false)),
            Some(r) if r <= 0.0 => (None, Some(true)),
            Some(r) if r <= 1.0 => (Some(1.0 / r), Some(true)),
            Some(r) => (Some(r), Some(false)),
        },
    }
}

/// Share, with an absent share (no gradient or loss at all) read as 0.
fn share(x: Num) -> f64 {
    x.unwrap_or(0.0)
}

/// The γ preferred while the evidence allows: RetinaNet's best on COCO (Table 1b, γ = 2 with
/// α = .25), and the value most focal-loss users train with.
pub(crate) const PRIOR_GAMMA: f64 = 2.0;

/// The γ the gradient argument asks for, by a score rather than the first γ that passes:
/// among the γ > 0 whose easy-gradient share meets the target, the one whose share lies in
/// the band [min, max] (a share under the floor means easy elements are all but silenced)
/// and that is nearest [`PRIOR_GAMMA`] on a log(1 + γ) scale. When every passing γ
/// overshoots, the one nearest the band: the smallest. `None` when no γ meets the target.
pub(crate) fn gradient_gamma(cx: &Ctx) -> Result<Option<f64>> {
    let t = cx.inp.targets;
    let mut best: Option<(f64, f64, f64)> = None;
    for (g, s) in passing(cx)? {
        let below = (t.min_easy_grad_share - s).max(0.0);
        let from_prior = ((1.0 + g) / (1.0 + t.prior_gamma)).ln().abs();
        let better =
            best.is_none_or(|(_, b, p)| below.total_cmp(&b).then(from_prior.total_cmp(&p)).is_lt());
        if better {
            best = Some((g, below, from_prior));
        }
    }
    Ok(best.map(|(g, _, _)| g))
}

/// The γ > 0 of the grid whose candidate meets the easy-gradient target, ascending, with
/// their easy-gradient shares.
pub(crate) fn passing(cx: &Ctx) -> Result<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    for &g in cx.gammas.iter().filter(|&&g| g > 0.0) {
        let s = share(cx.candidate(g)?.easy_grad_share);
        if s <= cx.inp.targets.max_easy_grad_share {
            out.push((g, s));
        }
    }
    Ok(out)
}

/// Relative change of a threshold within which a changed answer is a close call.
pub(crate) const SENSITIVITY: f64 = 0.1;

/// Decides the loss, γ and α, with the rationale, the runner-ups, and the
/// thresholds whose small change (±[`SENSITIVITY`]) would change the answer.
pub fn recommend(inp: Inputs) -> Result<(Recommendation, Decision)> {
    let (mut rec, decision) = decide(inp)?;
    type Knob = (&'static str, fn(&mut Targets) -> &mut f64);
    let knobs: [Knob; 5] = [
        ("--min-imbalance", |t| &mut t.min_imbalance),
        ("--max-easy-grad-share", |t| &mut t.max_easy_grad_share),
        ("--min-easy-grad-share", |t| &mut t.min_easy_grad_share),
        ("--max-easy-loss-share", |t| &mut t.max_easy_loss_share),
        ("--max-ece", |t| &mut t.max_ece),
    ];
    for (flag, field) in knobs {
        for factor in [1.0 - SENSITIVITY, 1.0 + SENSITIVITY] {
            let mut t = inp.targets.clone();
            let from = *field(&mut t);
            *field(&mut t) = from * factor;
            let (other, _) = decide(Inputs { targets: &t, ..inp })?;
            if other.variant != rec.variant {
                rec.close_calls
                    .push(text::close_call(flag, from, from * factor, &other.variant));
            }
        }
    }
    Ok((rec, decision))
}

/// [`recommend`] without the close calls.
fn decide(inp: Inputs) -> Result<(Recommendation, Decision)> {
    let t = inp.targets;
    let (ratio, pos_minority) = imbalance_ratio(inp.mode, inp.imbalance);
    let interval = ratio
        .and(super::interval::ratio_counts(inp.mode, inp.imbalance))
        .and_then(|(large, small)| super::interval::ratio_interval(large, small));
    // An unbounded ratio (an empty class or polarity) counts as imbalanced; a bounded one
    // must clear the threshold with its whole 95% interval, so that a few rows' chance
    // imbalance does not bring in α.
    let weighted = ratio.is_none_or(|r| r >= t.min_imbalance)
        && interval.is_none_or(|(lo, _)| lo >= t.min_imbalance);
    let rule = match (weighted, inp.mode) {
        (false, _) => Rule::None,
        (true, Mode::Softmax) => Rule::ClassBalanced,
        (true, _) => Rule::Table(pos_minority.unwrap_or(true)),
    };
    let mut gammas: Vec<f64> = inp
        .variants
        .iter()
        .filter(|v| v.kind == VariantKind::Focal)
        .filter_map(|v| v.gamma)
        .collect();
    gammas.sort_by(f64::total_cmp);
    gammas.dedup_by(|a, b| close(*a, *b));
    if gammas.first() != Some(&0.0) {
        bail!("the evaluated grid must hold γ = 0 (cross-entropy) to weigh focal loss against");
    }
    let cx = Ctx {
        inp,
        rule,
        ratio,
        interval,
        gammas,
    };
    let ce = cx.candidate(0.0)?;
    let ci = cx.ci(ce);
    // A share is over its target only when its whole 95% interval is (the point value
    // where the sums hold no second moments), so that chance at a small size raises no γ.
    let low = |x: Num, c: Option<[f64; 2]>| c.map_or(share(x), |c| c[0]);
    let ce_grad = low(ce.easy_grad_share, ci.grad);
    let ce_loss = low(ce.easy_loss_share, ci.loss);
    // The gradient argument (RetinaNet): easy elements swamp the gradient. On data that is
    // not imbalanced enough for α, they must also dominate the loss.
    let gradient_argument =
        ce_grad > t.max_easy_grad_share && (weighted || ce_loss > t.max_easy_loss_share);
    let (mut gamma_grad, mut met) = (0.0, true);
    if gradient_argument {
        let hit = gradient_gamma(&cx)?;
        met = hit.is_some();
        gamma_grad = hit.unwrap_or(*cx.gammas.last().unwrap_or(&0.0));
    }
    // The calibration argument (Mukhoti et al. 2020).
    let c = inp.calibration;
    // ECE must clear both the threshold and what chance gives a calibrated model at this size.
    let chance = super::calibration_null::calibrated_ece_quantile(&c.reliability, 0.95);
    let overconfident = c.direction == "overconfident"
        && c.ece
            .is_some_and(|e| e > t.max_ece && chance.is_none_or(|q| e > q));
    // On imbalanced data the α weighting comes first: raising γ for calibration on top
    // of it cost accuracy in every seed of the experiment in docs/recommend.md, while on
    // balanced data it was harmless and lowered ECE.
    let gamma_cal = if overconfident && matches!(rule, Rule::None) {
        cx.gammas
            .iter()
            .copied()
            .find(|&g| g >= t.calibration_gamma - 1e-12)
            .unwrap_or(*cx.gammas.last().unwrap_or(&0.0))
    } else {
        0.0
    };
    let gamma = gamma_grad.max(gamma_cal);
    let chosen = cx.candidate(gamma)?;
    // Sigmoid frequencies are per row: every row is scored once per class.
    let items: u64 = inp.calibration.reliability.iter().map(|b| b.count).sum();
    let names: Vec<String> = inp.variants[0]
        .classes
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let rows = items / (names.len().max(1) as u64);
    let decision = Decision {
        class_frequencies: super::interval::class_frequencies(
            inp.mode,
            inp.imbalance,
            &names,
            rows,
        ),
        imbalance_ratio: ratio,
        imbalance_ratio_interval: interval.map(|(lo, hi)| [lo, hi]),
        alpha_rule: match rule {
            Rule::None => "none",
            Rule::Table(_) => "retinanet_table1",
            Rule::ClassBalanced => "class_balanced",
        }
        .into(),
        positives_are_minority: pos_minority,
        ce_variant: ce.name.clone(),
        ce_easy_grad_share: ce.easy_grad_share,
        ce_easy_loss_share: ce.easy_loss_share,
        ce_easy_grad_share_interval: ci.grad,
        ce_easy_loss_share_interval: ci.loss,
        share_intervals_unavailable: match inp.shares {
            ShareCis::Unavailable(why) => Some(why.clone()),
            ShareCis::Known(_) => None,
        },
        gradient_argument,
        gamma_for_gradient: gamma_grad,
        gradient_target_met: met,
        calibrated_ece_p95: chance,
        overconfident,
        gamma_for_calibration: gamma_cal,
    };
    let rationale = text::rationale(&cx, &decision, gamma)?;
    let alternatives: Vec<Alternative> = super::recommend_alt::alternatives(&cx, &decision, gamma)?;
    let rec = Recommendation {
        loss: if gamma > 0.0 {
            "focal"
        } else {
            "cross_entropy"
        }
        .into(),
        gamma,
        alpha: cx.alpha_json(rule, gamma)?,
        variant: chosen.name.clone(),
        rationale,
        alternatives,
        close_calls: Vec::new(),
    };
    Ok((rec, decision))
}

#[cfg(test)]
#[path = "recommend_method_tests.rs"]
mod method_tests;
