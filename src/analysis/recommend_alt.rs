//! The runner-up settings of a recommendation, each with the numbers that make
//! it one (see [`super::recommend`]).

use super::recommend::{Ctx, Rule};
use super::recommend_text::{minority_share, r3, setting};
use crate::model::{Mode, VariantKind};
use crate::report::compare::{Alternative, Decision, Variant};
use crate::text::quoted;
use crate::text::{percent, Percent};
use anyhow::Result;

fn alt(cx: &Ctx, v: &Variant, rule: Rule, reason: String) -> Result<Alternative> {
    let gamma = v.gamma;
    Ok(Alternative {
        loss: if v.kind == VariantKind::Focal && gamma == Some(0.0)
            || v.kind == VariantKind::Cb && gamma == Some(0.0)
        {
            "cross_entropy"
        } else {
            "focal"
        }
        .into(),
        gamma,
        alpha: match (v.kind, gamma) {
            (VariantKind::Flsd53, _) | (_, None) => v.alpha.clone(),
            (_, Some(g)) => cx.alpha_json(rule, g)?,
        },
        variant: v.name.clone(),
        reason,
    })
}

fn grad_words(v: &Variant) -> String {
    format!(
        "easy elements would hold {} of the gradient and {} of the loss, the loss {}× plain CE's",
        percent(v.easy_grad_share, Percent::Prose),
        percent(v.easy_loss_share, Percent::Prose),
        v.ratio_to_ce.map_or("–".into(), r3)
    )
}

/// The other α rule worth showing next to the chosen one, if any.
fn other_rule(cx: &Ctx) -> Option<Rule> {
    let some_imbalance = cx.ratio.is_none_or(|r| r >= 1.5);
    match (cx.rule, cx.inp.mode) {
        (Rule::None, Mode::Softmax) if some_imbalance => Some(Rule::ClassBalanced),
        (Rule::None, _) if some_imbalance => {
            let pos_minority = cx
                .inp
                .imbalance
                .positive_negative_ratio
                .is_some_and(|r| r <= 1.0);
            Some(Rule::Table(pos_minority))
        }
        (Rule::ClassBalanced, _) => Some(Rule::None),
        _ => None,
    }
}

/// Runner-up settings, each with its numbers, at most four.
pub(crate) fn alternatives(cx: &Ctx, d: &Decision, gamma: f64) -> Result<Vec<Alternative>> {
    let mut out = Vec::new();
    let flsd = cx.flsd53().map(|v| {
        let reason = format!(
            "FLSD-53 (Mukhoti et al. 2020): γ = 5 where p_t < 0.2, else 3, their choice for calibration; {}.",
            grad_words(v)
        );
        (v, reason)
    });
    if gamma > 0.0 {
        if let Some((v, reason)) = &flsd {
            out.push(alt(cx, v, cx.rule, reason.clone())?);
        }
        let table = matches!(cx.rule, Rule::Table(_));
        let next = cx.gammas.iter().copied().find(|&g| g > gamma);
        if let Some(next) = next {
            let v = cx.candidate(next)?;
            let coco = if table && next == 2.0 {
                " (RetinaNet's best setting on COCO, 34.0 AP)"
            } else {
                ""
            };
            out.push(alt(
                cx,
                v,
                cx.rule,
                format!("Stronger focusing{coco}: {}.", grad_words(v)),
            )?);
        }
        if table {
            if gamma != 2.0 && next != Some(2.0) && cx.gammas.contains(&2.0) {
                let v = cx.candidate(2.0)?;
                out.push(alt(
                    cx,
                    v,
                    cx.rule,
                    format!(
                        "RetinaNet's best setting on COCO (34.0 AP): {}.",
                        grad_words(v)
                    ),
                )?);
            }
            if cx.scalar_alpha(cx.rule, gamma) != Some(0.5) {
                let v = cx.focal(gamma, Some(0.5))?;
                let mut a = alt(
                    cx,
                    v,
                    Rule::None,
                    format!(
                        "α = .5 was within 0.4 AP of the best α in RetinaNet's Table 1; {}.",
                        grad_words(v)
                    ),
                )?;
                a.alpha = serde_json::json!(0.5);
                out.push(a);
            }
        }
    } else {
        if let Some(&g) = cx.gammas.iter().find(|&&g| g >= 0.5) {
            let v = cx.candidate(g)?;
            out.push(alt(cx, v, cx.rule, format!(
                "The low end of RetinaNet's robust range γ ∈ [0.5, 5], should easy elements come to dominate (on a larger or denser set): {} (with CE: {}).",
                grad_words(v),
                percent(d.ce_easy_grad_share, Percent::Prose)
            ))?);
        }
        if let Some((v, reason)) = &flsd {
            out.push(alt(
                cx,
                v,
                cx.rule,
                format!("If calibration matters most. {reason}"),
            )?);
        }
    }
    if let Some(rule) = other_rule(cx) {
        let (v, base) = (cx.under(rule, gamma)?, cx.candidate(gamma)?);
        let what = match rule {
            Rule::ClassBalanced => "Class-balanced weights (Cui et al. 2019)",
            Rule::None => "No class weights",
            Rule::Table(_) => "RetinaNet's α-γ pairing",
        };
        out.push(alt(cx, v, rule, format!(
            "{what} at the same γ: the smallest class ({}) would hold {} of the loss instead of {}.",
            quoted(&cx.inp.imbalance.minority),
            percent(minority_share(cx, v), Percent::Prose),
            percent(minority_share(cx, base), Percent::Prose)
        ))?);
    }
    if gamma > 0.0 {
        let v = cx.candidate(0.0)?;
        out.push(alt(
            cx,
            v,
            cx.rule,
            format!(
                "The baseline, {}: easy elements hold {} of its gradient.",
                setting(cx, cx.rule, 0.0),
                percent(v.easy_grad_share, Percent::Prose)
            ),
        )?);
    }
    // One entry per setting: a setting reached for two reasons keeps both.
    let mut merged: Vec<Alternative> = Vec::new();
    for a in out {
        match merged.iter_mut().find(|m| m.variant == a.variant) {
            Some(m) => m.reason = format!("{} {}", m.reason, a.reason),
            None => merged.push(a),
        }
    }
    merged.truncate(4);
    Ok(merged)
}
