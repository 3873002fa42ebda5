//! The sentences of a recommendation: the rationale and the runner-ups, each
//! carrying the numbers that drove it (see [`super::recommend`]).

use super::recommend::{Ctx, Rule};
use super::share_ci::{count_share, with_ci};
use crate::model::Mode;
use crate::report::compare::{Decision, Variant};
use crate::report::Num;
use crate::text::quoted;
use crate::text::{percent, Percent};
use anyhow::Result;

/// A ratio with three significant digits.
pub(crate) fn r3(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let d = (2.0 - x.abs().log10().floor()).max(0.0) as usize;
    format!("{x:.d$}")
}

/// "α = 0.25", "no α" or "class-balanced α".
fn alpha_words(cx: &Ctx, rule: Rule, gamma: f64) -> String {
    match rule {
        Rule::ClassBalanced => "class-balanced α".into(),
        r => match cx.scalar_alpha(r, gamma) {
            Some(a) => format!("α = {a}"),
            None => "no α".into(),
        },
    }
}

/// A setting in words: "CE", "α-balanced CE (α = 0.75)", "γ = 2 with α = 0.25", …
pub(crate) fn setting(cx: &Ctx, rule: Rule, gamma: f64) -> String {
    match (gamma == 0.0, rule) {
        (true, Rule::None) => "plain CE".into(),
        (true, Rule::ClassBalanced) => "class-balanced CE".into(),
        (true, r) => format!("α-balanced CE ({})", alpha_words(cx, r, 0.0)),
        (false, r) => format!("γ = {gamma} with {}", alpha_words(cx, r, gamma)),
    }
}

/// The smallest class's share of a variant's loss.
pub(crate) fn minority_share(cx: &Ctx, v: &Variant) -> Num {
    let name = &cx.inp.imbalance.minority;
    v.classes.iter().find(|c| &c.name == name)?.share
}

/// The ratio's 95% interval as a clause ("; 95% interval 8.1–12.4:1"), empty when unbounded.
fn interval(cx: &Ctx) -> String {
    cx.interval.map_or(String::new(), |(lo, hi)| {
        format!("; 95% interval {}–{}:1", r3(lo), r3(hi))
    })
}

/// The sentence's end when no α is used: under the threshold, or over it by a margin that
/// chance could give at this size.
fn no_alpha(cx: &Ctx, head: &str) -> String {
    let min = cx.inp.targets.min_imbalance;
    match (cx.ratio, cx.interval) {
        (Some(r), Some((lo, _))) if r >= min && lo < min => format!(
            "{head}, at least the {min}:1 from which α is used, but its 95% interval at this size reaches down to {}:1, so the data does not show that much imbalance beyond chance: no α (α_t = 1).",
            r3(lo)
        ),
        _ => format!("{head}, under the {min}:1 from which α is used, so no α (α_t = 1)."),
    }
}

fn imbalance_sentence(cx: &Ctx) -> String {
    let (t, im) = (cx.inp.targets, cx.inp.imbalance);
    let min = t.min_imbalance;
    if cx.inp.mode == Mode::Softmax {
        let head = match cx.ratio {
            Some(_) if im.majority == im.minority => {
                "All classes have the same number of rows (1:1)".to_string()
            }
            Some(r) => format!(
                "The classes are imbalanced {}:1 ({}; largest {}, smallest {} with {} of the rows{})",
                r3(r),
                im.severity,
                quoted(&im.majority),
                quoted(&im.minority),
                count_share(im.counts.iter().min().map_or(0.0, |&k| k as f64), im.counts.iter().sum::<u64>() as f64),
                interval(cx)
            ),
            None => format!(
                "Class {} has no rows, so the imbalance is unbounded",
                quoted(&im.minority)
            ),
        };
        return match cx.rule {
            Rule::ClassBalanced => {
                let w = cx.under(Rule::ClassBalanced, 0.0).ok().map(|v| {
                    let at = |n: &str| {
                        v.classes
                            .iter()
                            .position(|c| c.name == n)
                            .and_then(|i| v.alpha.get(i))
                            .and_then(|x| x.as_f64())
                            .map_or("–".into(), r3)
                    };
                    format!(
                        " ({} gets {}, {} gets {})",
                        quoted(&im.majority),
                        at(&im.majority),
                        quoted(&im.minority),
                        at(&im.minority)
                    )
                });
                // An empty class gets weight 0 from this file alone: say what to do instead.
                let empty: Vec<String> = cx
                    .under(Rule::ClassBalanced, 0.0)
                    .map(|v| {
                        v.classes
                            .iter()
                            .zip(&im.effective_number)
                            .filter(|(_, &e)| e == 0.0)
                            .map(|(c, _)| quoted(&c.name))
                            .collect()
                    })
                    .unwrap_or_default();
                let m = t.cb_min_count;
                let rare: Vec<String> = cx
                    .under(Rule::ClassBalanced, 0.0)
                    .map(|v| {
                        v.classes
                            .iter()
                            .zip(&im.counts)
                            .filter(|(_, &n)| n > 0 && n < m)
                            .map(|(c, n)| format!("{} ({n})", quoted(&c.name)))
                            .collect()
                    })
                    .unwrap_or_default();
                let shrink = if rare.is_empty() {
                    String::new()
                } else {
                    format!(
                        " Class(es) {} have fewer than {m} rows, so their weight is that of a class with {m} (--cb-min-count): a count that small says little about a class's frequency, and 1/n would let those few rows dominate the loss.",
                        rare.join(", ")
                    )
                };
                let note = if empty.is_empty() {
                    shrink
                } else {
                    format!(
                        "{shrink} Class(es) {} have no rows here, so their weight is 0; when training, give them at least the rarest seen class's weight.",
                        empty.join(", ")
                    )
                };
                format!(
                    "{head}, at least the {min}:1 from which α is used, so α is the class-balanced weight of Cui et al. 2019 with β = {}: α_c ∝ (1 − β)/(1 − β^n_c), normalised to sum to K = {}{}.{note}",
                    t.beta,
                    im.effective_number.len(),
                    w.unwrap_or_default()
                )
            }
            _ => no_alpha(cx, &head),
        };
    }
    let pn = im.positive_negative_ratio;
    let head = match (pn, cx.ratio) {
        (None, _) => "There are no negative elements".to_string(),
        (Some(r), _) if r <= 0.0 => "There are no positive elements".to_string(),
        (Some(r), Some(q)) => format!(
            "Positives are {} of the elements ({}:1 between the larger and the smaller polarity{})",
            super::interval::ratio_counts(cx.inp.mode, im)
                .map_or(percent(Some(r / (1.0 + r)), Percent::Prose), |(l, s)| {
                    count_share(if r <= 1.0 { s } else { l }, l + s)
                }),
            r3(q),
            interval(cx)
        ),
        (Some(_), None) => "One polarity has no elements".to_string(),
    };
    match cx.rule {
        Rule::Table(true) => format!(
            "{head}, at least the {min}:1 from which α is used, so α follows RetinaNet's Table 1b, where the best α falls as γ rises (.75, .75, .5, .25, .25, .25 for γ = 0, 0.2, 0.5, 1, 2, 5): once easy negatives are down-weighted, less emphasis needs to go to the positives."
        ),
        Rule::Table(false) => format!(
            "{head}; the negatives are the rarer polarity, at least the {min}:1 from which α is used, so Table 1b's pairing of α with γ (.75, .75, .5, .25, .25, .25 for γ = 0, 0.2, 0.5, 1, 2, 5) is applied with the roles swapped: the negatives get Table 1b's α, so α for positives = 1 − it (an extrapolation beyond RetinaNet, whose positives were rare)."
        ),
        _ => no_alpha(cx, &head),
    }
}

/// Why the gradient argument took `g` among the γ that meet the target.
fn gradient_choice(cx: &Ctx, g: f64) -> Result<String> {
    let t = cx.inp.targets;
    let pc = |x: Option<f64>| percent(x, Percent::Prose);
    let grad = |x: f64| -> Result<Option<f64>> { Ok(cx.candidate(x)?.easy_grad_share) };
    let band = format!(
        "the {}–{} band",
        pc(Some(t.min_easy_grad_share)),
        pc(Some(t.max_easy_grad_share))
    );
    let ci = cx.ci(cx.candidate(g)?).grad;
    let chosen = format!(
        "{}, with {}",
        setting(cx, cx.rule, g),
        with_ci(grad(g)?, ci)
    );
    let prior = t.prior_gamma;
    let mut why = if grad(g)?.unwrap_or(0.0) < t.min_easy_grad_share {
        format!("every γ of the grid that brings it under the target pushes it below {band}, where easy elements are all but silenced, so the smallest of them is taken: {chosen}")
    } else if (g - prior).abs() < 1e-9 {
        format!("RetinaNet's γ = {prior} (its best on COCO) keeps it inside {band}, so the paper's setting stands: {chosen}")
    } else {
        let reason = match cx.gammas.iter().find(|&&x| (x - prior).abs() < 1e-9) {
            None => format!("γ = {prior}, RetinaNet's best, is not in the grid"),
            Some(&p) => match grad(p)?.unwrap_or(0.0) {
                s if s > t.max_easy_grad_share => {
                    format!("RetinaNet's γ = {prior} still leaves {}", pc(Some(s)))
                }
                s => format!(
                    "RetinaNet's γ = {prior} leaves only {}, below {band}",
                    pc(Some(s))
                ),
            },
        };
        format!("{reason}, so the γ nearest it inside {band} is taken: {chosen}")
    };
    // Say what the plain threshold rule would have given, so the choice can be checked.
    let first = super::recommend::passing(cx)?.first().map(|&(f, _)| f);
    if let Some(f) = first.filter(|&f| f < g) {
        why.push_str(&format!(
            " (the smallest γ that meets the target, {f}, leaves {})",
            pc(grad(f)?)
        ));
    }
    Ok(why)
}

fn gradient_sentence(cx: &Ctx, d: &Decision) -> Result<String> {
    let t = cx.inp.targets;
    let ce_label = setting(cx, cx.rule, 0.0);
    let easy = format!("Easy elements (p_t ≥ {})", t.easy);
    let target = percent(Some(t.max_easy_grad_share), Percent::Prose);
    let (cg, cl) = (
        with_ci(d.ce_easy_grad_share, d.ce_easy_grad_share_interval),
        with_ci(d.ce_easy_loss_share, d.ce_easy_loss_share_interval),
    );
    if d.gradient_argument {
        let g = d.gamma_for_gradient;
        let v = cx.candidate(g)?;
        let head = format!(
            "{easy} hold {cg} of the gradient (Σ|∂loss/∂logit|) of {ce_label}, over the {target} target"
        );
        if d.gradient_target_met {
            return Ok(format!("{head}; {}.", gradient_choice(cx, g)?));
        }
        return Ok(format!(
            "{head}, and no γ of the grid brings it under the target: the largest, {}, still leaves {}.",
            setting(cx, cx.rule, g),
            percent(v.easy_grad_share, Percent::Prose)
        ));
    }
    if d.ce_easy_grad_share.unwrap_or(0.0) > t.max_easy_grad_share {
        let lo = d.ce_easy_grad_share_interval.map_or(1.0, |c| c[0]);
        if lo <= t.max_easy_grad_share {
            return Ok(format!(
                "{easy} hold {cg} of the gradient (Σ|∂loss/∂logit|) of {ce_label}, over the {target} target, but its 95% interval at this size reaches down to {}, so the data does not show easy elements swamping the gradient beyond chance: the conservative answer, no γ for the gradient.",
                percent(Some(lo), Percent::Prose)
            ));
        }
        return Ok(format!(
            "{easy} hold {cg} of the gradient of {ce_label}, over the {target} target, but only {cl} of its loss (it must be over {}, with its whole 95% interval where known), and the data is not imbalanced enough for α: on balanced data whose loss is not dominated by easy elements plain cross-entropy suffices, so the gradient gives no reason for γ > 0.",
            percent(Some(t.max_easy_loss_share), Percent::Prose)
        ));
    }
    Ok(format!(
        "{easy} hold {cg} of the gradient (Σ|∂loss/∂logit|) of {ce_label}, within the {target} target, and {cl} of its loss: easy elements do not dominate, so the gradient gives no reason for γ > 0."
    ))
}

fn calibration_sentence(cx: &Ctx, d: &Decision, gamma: f64) -> String {
    let (t, c) = (cx.inp.targets, cx.inp.calibration);
    let Some(ece) = c.ece else {
        return "Calibration could not be measured (no scored items), so it plays no part.".into();
    };
    let (e, max) = (
        percent(Some(ece), Percent::Prose),
        percent(Some(t.max_ece), Percent::Prose),
    );
    let gap = c.confidence_gap.unwrap_or(0.0);
    if d.overconfident && d.gamma_for_calibration == 0.0 {
        return format!(
            "Calibration: the model is overconfident, ECE {e} over 15 equal-width bins (above the {max} threshold), mean confidence {} above accuracy; but on imbalanced data the α weighting comes first, and raising γ on top of it cost accuracy in flcli's experiment (docs/recommend.md), so calibration does not raise γ here (train with γ = {} if calibration matters more than accuracy).",
            percent(Some(gap), Percent::Prose),
            t.calibration_gamma
        );
    }
    if d.overconfident {
        let why = if d.gamma_for_gradient == 0.0 {
            " although the gradient alone gives no reason for focal loss".to_string()
        } else if d.gamma_for_gradient < d.gamma_for_calibration {
            format!(
                " (the gradient target alone asked for γ = {})",
                d.gamma_for_gradient
            )
        } else {
            String::new()
        };
        return format!(
            "Calibration: the model is overconfident, ECE {e} over 15 equal-width bins (above the {max} threshold), mean confidence {} above accuracy; Mukhoti et al. 2020 found focal loss calibrates better (CIFAR-10 ECE 4.35% with CE, 1.48% with γ = 3), so γ is at least {}{why}.",
            percent(Some(gap), Percent::Prose),
            d.gamma_for_calibration
        );
    }
    if c.direction == "overconfident" && ece > t.max_ece {
        let items = c.reliability.iter().map(|b| b.count).sum::<u64>();
        return format!(
            "Calibration gives no reason for focal loss: ECE {e} is above the {max} threshold, but within what a perfectly calibrated model shows on {items} {}s (95th percentile {}), so it may be chance.",
            c.items,
            percent(d.calibrated_ece_p95, Percent::Prose)
        );
    }
    if c.direction == "underconfident" && ece > t.max_ece {
        return format!(
            "Calibration: the model is underconfident, ECE {e} over 15 equal-width bins (above the {max} threshold), mean confidence {} below accuracy; focal loss tends to lower confidence further (Mukhoti et al. 2020), so calibration gives no reason to raise γ{}.",
            percent(Some(-gap), Percent::Prose),
            if gamma > 0.0 {
                ", and calibration is worth checking again after switching"
            } else {
                ""
            }
        );
    }
    format!(
        "Calibration gives no reason for focal loss: ECE {e} over 15 equal-width bins, within the {max} threshold ({}, mean confidence − accuracy {}).",
        c.direction,
        percent(Some(gap), Percent::Prose)
    )
}

/// Why the recommended setting, sentence by sentence.
pub(crate) fn rationale(cx: &Ctx, d: &Decision, gamma: f64) -> Result<Vec<String>> {
    let mut out = vec![imbalance_sentence(cx), gradient_sentence(cx, d)?];
    if let Some(why) = &d.share_intervals_unavailable {
        out.push(format!("The easy shares have no 95% intervals here: {why}; the gradient rule weighs their point values."));
    }
    if gamma > 0.0 {
        let (ce, v) = (cx.candidate(0.0)?, cx.candidate(gamma)?);
        out.push(format!(
            "With γ = {gamma} the easy elements' share of the loss falls from {} to {}, and the loss is {}× that of plain CE.",
            percent(ce.easy_loss_share, Percent::Prose),
            percent(v.easy_loss_share, Percent::Prose),
            v.ratio_to_ce.map_or("–".into(), r3)
        ));
        let (h, hc) = (&v.hardest_10pct_loss_share, &ce.hardest_10pct_loss_share);
        if let (Some(n), Some(nc)) = (h.negatives, hc.negatives) {
            out.push(format!(
                "The hardest 10% of negatives hold {} of the negatives' loss with γ = {gamma}, against {} with CE: as in RetinaNet's Figure 4, the loss concentrates on the few hard negatives (for positives: {} against {}).",
                percent(Some(n), Percent::Prose),
                percent(Some(nc), Percent::Prose),
                percent(h.positives, Percent::Prose),
                percent(hc.positives, Percent::Prose)
            ));
        }
    }
    out.push(calibration_sentence(cx, d, gamma));
    if gamma > 0.0 {
        let inside = if (0.5..=5.0).contains(&gamma) {
            "lies in"
        } else {
            "lies outside"
        };
        out.push(match cx.rule {
            Rule::Table(_) => format!(
                "γ = {gamma} {inside} RetinaNet's robust range γ ∈ [0.5, 5]; there γ = 2 with α = .25 was best on COCO (34.0 AP, against 31.1 for CE with α = .75)."
            ),
            Rule::ClassBalanced => format!(
                "Cui et al. 2019 pair these weights with focal loss (β = 0.999 with γ = 0.5 on their large data sets); γ = {gamma} {inside} RetinaNet's robust range γ ∈ [0.5, 5]."
            ),
            Rule::None => format!("γ = {gamma} {inside} RetinaNet's robust range γ ∈ [0.5, 5]."),
        });
    }
    Ok(out)
}

/// One close call: the answer a threshold `to` instead of `from` would give.
pub(crate) fn close_call(flag: &str, from: f64, to: f64, variant: &str) -> String {
    // Three significant digits say the change without noise from the ±10% product.
    let digits = (2 - to.abs().log10().floor() as i32).max(0) as usize;
    let to = format!("{to:.digits$}");
    let to = if to.contains('.') {
        to.trim_end_matches('0').trim_end_matches('.')
    } else {
        &to
    };
    format!(
        "A close call: with {flag} {to} instead of {from} the answer would be {}.",
        quoted(variant)
    )
}
