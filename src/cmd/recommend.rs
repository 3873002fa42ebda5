//! `flcli recommend`: whether to use focal loss, with which γ and α, and why.
//!
//! One pass evaluates the grid the method weighs (see [`crate::analysis::recommend`]);
//! imbalance and calibration come from the same pass.

use super::compare::{self, Alphas, Grid};
use super::{alpha_convention, check_gamma, emit, note_detection, parse_list, Global};
use crate::analysis::recommend::{self, Inputs, RETINANET_ALPHA, TABLE_ALPHAS};
use crate::analysis::share_ci::{self, ShareCis};
use crate::analysis::summary;
use crate::analysis::variants::{self, Named};
use crate::cli::RecommendArgs;
use crate::model::{Alpha, Mode};
use crate::report::compare::{Evidence, Targets};
use crate::report::{RecommendReport, Report, SCHEMA_VERSION};
use anyhow::{bail, Result};

/// Checks the method's knobs and collects them.
fn targets(a: &RecommendArgs) -> Result<Targets> {
    for (flag, v) in [
        ("--max-easy-grad-share", a.max_easy_grad_share),
        ("--max-easy-loss-share", a.max_easy_loss_share),
    ] {
        if !(v > 0.0 && v <= 1.0) {
            bail!("{flag} is a share in (0, 1], got {v}");
        }
    }
    let floor = a
        .min_easy_grad_share
        .unwrap_or(a.max_easy_grad_share / 50.0);
    if !(floor >= 0.0 && floor < a.max_easy_grad_share) {
        bail!(
            "--min-easy-grad-share is a share in [0, --max-easy-grad-share), got {floor} (with --max-easy-grad-share {})",
            a.max_easy_grad_share
        );
    }
    if !(a.min_imbalance >= 1.0 && a.min_imbalance.is_finite()) {
        bail!(
            "--min-imbalance is a majority:minority ratio ≥ 1, got {}",
            a.min_imbalance
        );
    }
    if !(0.0..=1.0).contains(&a.max_ece) {
        bail!("--max-ece must lie in [0, 1], got {}", a.max_ece);
    }
    Ok(Targets {
        max_easy_grad_share: a.max_easy_grad_share,
        min_easy_grad_share: floor,
        prior_gamma: recommend::PRIOR_GAMMA,
        max_easy_loss_share: a.max_easy_loss_share,
        min_imbalance: a.min_imbalance,
        max_ece: a.max_ece,
        calibration_gamma: check_gamma("--calibration-gamma", a.calibration_gamma)?,
        cb_min_count: a.cb_min_count,
        beta: a.loss.beta,
        easy: a.loss.sums.easy,
        alpha_by_gamma: RETINANET_ALPHA.to_vec(),
    })
}

/// The γ values weighed: the user's, plus 0 and the calibration γ, ascending.
fn gammas(a: &RecommendArgs, t: &Targets) -> Result<Vec<f64>> {
    let mut g = parse_list(&a.gamma, "--gamma")?
        .into_iter()
        .map(|g| check_gamma("--gamma", g))
        .collect::<Result<Vec<_>>>()?;
    g.push(0.0);
    g.push(t.prior_gamma);
    g.push(t.calibration_gamma);
    g.sort_by(f64::total_cmp);
    g.dedup();
    Ok(g)
}

/// Runs `flcli recommend`; returns the exit code.
pub(crate) fn run(a: &RecommendArgs, g: &Global) -> Result<i32> {
    emit(&Report::Recommend(evaluate(a, g)?), &a.output, g)?;
    Ok(0)
}

/// Reads the input and builds the recommendation with its evidence.
pub(crate) fn evaluate(a: &RecommendArgs, g: &Global) -> Result<RecommendReport> {
    let targets = targets(a)?;
    let gammas = gammas(a, &targets)?;
    let opts = super::input_options(&a.input)?;
    let done = compare::evaluate_with(&opts, &a.loss, true, true, g, |input| {
        note_detection(input, g);
        Ok(grid(a, input.mode, &gammas))
    })?;
    let (l, mode) = (&done.loaded, done.loaded.input.mode);
    if l.partial.rows_used == 0 {
        bail!(
            "{}: no rows to weigh (every row was ignored or skipped); recommend needs labelled predictions",
            done.report.input.paths.join(", ")
        );
    }
    let imbalance =
        crate::analysis::imbalance::imbalance(&l.spec, &l.partial, &l.classes, a.loss.beta);
    let calibration = summary::calibration(&l.spec, &l.partial);
    // FLSD-53 with the α each rule could pick, evaluated from the same pass (α only reweights).
    let counts = summary::class_counts(&l.partial);
    let extra: Vec<variants::VariantDef> = match mode {
        Mode::Softmax => {
            let cb = variants::resolve(
                &Named::Cb(a.loss.beta, 0.0, a.cb_min_count),
                &counts,
                &Alpha::None,
            );
            let mut d = variants::resolve(&Named::Flsd53, &counts, &Alpha::None);
            d.name = "flsd53 cb".into();
            d.class_weights = cb.class_weights;
            vec![d]
        }
        _ => [0.25, 0.75]
            .iter()
            .map(|&x| {
                let mut d = variants::resolve(&Named::Flsd53, &counts, &Alpha::Scalar(x));
                d.name = format!("flsd53 a={x}");
                d
            })
            .collect(),
    };
    let mut evidence_variants = done.report.variants;
    evidence_variants.extend(variants::evaluate(&l.spec, &l.partial, &l.classes, &extra));
    let shares = if l.spec.moments {
        let defs: Vec<_> = done.defs.iter().chain(&extra).cloned().collect();
        ShareCis::Known(share_ci::share_intervals(&l.spec, &l.partial, &defs))
    } else {
        ShareCis::Unavailable(share_ci::unavailable(&l.input.format))
    };
    let (recommendation, decision) = recommend::recommend(Inputs {
        shares: &shares,
        mode,
        variants: &evidence_variants,
        imbalance: &imbalance,
        calibration: &calibration,
        targets: &targets,
    })?;
    let mut input = done.report.input;
    input.alpha_convention = alpha_convention(mode, &alpha_of(&recommendation.alpha));
    let chosen = evidence_variants
        .iter()
        .find(|v| v.name == recommendation.variant)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "the recommended variant {} is not in the evidence",
                crate::text::quoted(&recommendation.variant)
            )
        })?;
    let reproduce = super::reproduce::reproduce(&a.input, &a.loss, a.cb_min_count, &input, chosen);
    let report = RecommendReport {
        schema_version: SCHEMA_VERSION,
        command: "recommend".into(),
        input,
        params: done.report.params,
        recommendation,
        evidence: Evidence {
            imbalance,
            calibration,
            targets,
            decision,
            variants: evidence_variants,
        },
        reproduce,
    };
    Ok(report)
}

/// The recommended α as an engine setting, for the α convention line.
fn alpha_of(v: &serde_json::Value) -> Alpha {
    match v {
        serde_json::Value::Number(n) => Alpha::Scalar(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::Array(xs) => {
            Alpha::PerClass(xs.iter().map(|x| x.as_f64().unwrap_or(0.0)).collect())
        }
        _ => Alpha::None,
    }
}

/// The grid recommend weighs in `mode`.
fn grid(a: &RecommendArgs, mode: Mode, gammas: &[f64]) -> Grid {
    let (alphas, named): (Alphas, Vec<Named>) = match mode {
        // One class-balanced variant per γ; α only reweights, so they cost no extra work.
        Mode::Softmax => (
            Alphas::Default,
            gammas
                .iter()
                .map(|&x| Named::Cb(a.loss.beta, x, a.cb_min_count))
                .chain([Named::Flsd53])
                .collect(),
        ),
        _ => (
            Alphas::Values(
                std::iter::once(Alpha::None)
                    .chain(TABLE_ALPHAS.iter().map(|&x| Alpha::Scalar(x)))
                    .collect(),
            ),
            vec![Named::Flsd53],
        ),
    };
    Grid {
        gammas: gammas.to_vec(),
        alphas,
        named_text: named.iter().map(Named::to_string).collect(),
        named,
    }
}
