//! The pure `recommend` method on hand-made grids: each rule of the README's
//! "How `flcli recommend` decides" on numbers chosen so a wrong rule fails.

use crate::analysis::recommend::{recommend, retinanet_alpha, Inputs, RETINANET_ALPHA};
use crate::analysis::share_ci::ShareCis;
use crate::model::Mode;
use crate::report::compare::{Curves, PosNeg, Targets, Variant};
use crate::report::{Calibration, Imbalance, Weights};
use serde_json::{json, Value};

const GAMMAS: [f64; 6] = [0.0, 0.5, 1.0, 2.0, 3.0, 5.0];

fn v(kind: &str, name: &str, gamma: Option<f64>, alpha: Value, grad: f64, loss: f64) -> Variant {
    Variant {
        name: name.into(),
        kind: serde_json::from_value(Value::from(kind)).unwrap(),
        gamma,
        alpha,
        loss_sum: 1.0,
        loss_mean: Some(0.1),
        ratio_to_ce: Some(1.0),
        classes: vec![],
        buckets: vec![],
        easy_loss_share: Some(loss),
        easy_grad_share: Some(grad),
        hardest_1pct_loss_share: PosNeg {
            positives: None,
            negatives: None,
        },
        hardest_10pct_loss_share: PosNeg {
            positives: None,
            negatives: None,
        },
        curves: Curves {
            positives: vec![],
            negatives: vec![],
        },
    }
}

/// A binary grid whose easy shares come from `f(γ, α)`.
fn grid(f: impl Fn(f64, Option<f64>) -> (f64, f64)) -> Vec<Variant> {
    let mut out = Vec::new();
    for g in GAMMAS {
        for a in [None, Some(0.25), Some(0.5), Some(0.75)] {
            let (grad, loss) = f(g, a);
            let aj = a.map_or(Value::Null, |x| json!(x));
            out.push(v("focal", &format!("g{g} a{a:?}"), Some(g), aj, grad, loss));
        }
    }
    for a in [Value::Null, json!(0.25), json!(0.75)] {
        out.push(v("flsd53", &format!("flsd53 {a}"), None, a, 0.01, 0.01));
    }
    out
}

fn imbalance(pos_per_neg: f64) -> Imbalance {
    let r = if pos_per_neg > 1.0 {
        pos_per_neg
    } else {
        1.0 / pos_per_neg
    };
    Imbalance {
        // Counts large enough that the ratio's 95% interval is narrow.
        counts: vec![1_000_000, (1_000_000.0 * pos_per_neg).round() as u64],
        imbalance_ratio: Some(r),
        imbalance_ratio_note: None,
        majority: "0".into(),
        minority: "1".into(),
        normalized_entropy: Some(0.5),
        effective_number: vec![1.0, 1.0],
        weights: Weights {
            inverse_frequency: vec![Some(1.0), Some(1.0)],
            effective_number: vec![Some(1.0), Some(1.0)],
        },
        severity: crate::analysis::imbalance::severity(Some(r)).into(),
        positive_negative_ratio: Some(pos_per_neg),
        positives_per_class: None,
        background_rows: None,
        multilabel: None,
    }
}

fn calibration(ece: f64, gap: f64) -> Calibration {
    Calibration {
        items: "row".into(),
        ece: Some(ece),
        mce: Some(ece),
        brier: Some(0.1),
        confidence_gap: Some(gap),
        direction: if gap > 0.01 {
            "overconfident"
        } else if gap < -0.01 {
            "underconfident"
        } else {
            "calibrated"
        }
        .into(),
        reliability: vec![],
    }
}

fn targets() -> Targets {
    Targets {
        max_easy_grad_share: 0.5,
        min_easy_grad_share: 0.01,
        prior_gamma: 2.0,
        max_easy_loss_share: 0.5,
        min_imbalance: 10.0,
        max_ece: 0.03,
        calibration_gamma: 3.0,
        cb_min_count: 10,
        beta: 0.999,
        easy: 0.9,
        alpha_by_gamma: RETINANET_ALPHA.to_vec(),
    }
}

fn decide(
    vs: &[Variant],
    im: &Imbalance,
    cal: &Calibration,
) -> (
    crate::report::Recommendation,
    crate::report::compare::Decision,
) {
    recommend(Inputs {
        mode: Mode::Binary,
        variants: vs,
        imbalance: im,
        calibration: cal,
        targets: &targets(),
        shares: &ShareCis::Known(Vec::new()),
    })
    .unwrap()
}

#[test]
fn retinanet_table_1b_pairs_alpha_with_gamma() {
    for (g, a) in [
        (0.0, 0.75),
        (0.2, 0.75),
        (0.3, 0.75),
        (0.5, 0.5),
        (1.0, 0.25),
        (2.0, 0.25),
        (3.0, 0.25),
        (5.0, 0.25),
        (8.0, 0.25),
    ] {
        assert_eq!(retinanet_alpha(g), a, "γ = {g}");
    }
}

#[test]
fn method_balanced_and_not_dominated_is_cross_entropy() {
    let vs = grid(|g, _| (0.3 / (1.0 + g), 0.1));
    let (rec, d) = decide(&vs, &imbalance(1.0), &calibration(0.01, 0.0));
    assert_eq!((rec.loss.as_str(), rec.gamma), ("cross_entropy", 0.0));
    assert_eq!(rec.alpha, Value::Null);
    assert_eq!(d.alpha_rule, "none");
    assert!(rec.rationale.iter().any(|s| s.contains("30.0%")));
}

#[test]
fn method_balanced_with_gradient_but_not_loss_dominated_is_cross_entropy() {
    // The rule: balanced data whose loss is not dominated by easy examples → CE.
    let vs = grid(|g, _| (0.7 / (1.0 + g), 0.3));
    let (rec, d) = decide(&vs, &imbalance(1.0), &calibration(0.01, 0.0));
    assert_eq!(rec.loss, "cross_entropy");
    assert!(!d.gradient_argument);
    assert!(rec
        .rationale
        .iter()
        .any(|s| s.contains("70.0%") && s.contains("30.0%")));
}

/// Easy-gradient shares for the α-free variants at γ = 0, 0.5, 1, 2, 3, 5; CE's loss 60% easy.
fn shares(s: [f64; 6]) -> Vec<Variant> {
    grid(move |g, _| (s[GAMMAS.iter().position(|&x| x == g).unwrap()], 0.6))
}

#[test]
fn method_balanced_and_dominated_takes_the_prior_gamma_inside_the_band() {
    // γ = 1, 2 and 3 all land in the 1–50% band: RetinaNet's γ = 2 wins, not the smallest.
    let vs = shares([0.8, 0.6, 0.45, 0.2, 0.1, 0.05]);
    let (rec, d) = decide(&vs, &imbalance(1.0), &calibration(0.01, 0.0));
    assert_eq!((rec.loss.as_str(), rec.gamma), ("focal", 2.0));
    assert_eq!(rec.alpha, Value::Null);
    assert_eq!(d.gamma_for_gradient, 2.0);
    assert!(
        rec.rationale.iter().any(|s| s.contains("RetinaNet's γ = 2")
            && s.contains("20.0%")
            && s.contains("the smallest γ that meets the target, 1, leaves 45.0%")),
        "{:#?}",
        rec.rationale
    );
}

#[test]
fn method_moves_off_the_prior_when_it_silences_easy_elements() {
    // γ = 2 pushes the easy share to 0.5%, under the 1% floor; γ = 1 keeps 30%.
    let vs = shares([0.8, 0.6, 0.3, 0.005, 0.002, 0.001]);
    let (rec, d) = decide(&vs, &imbalance(1.0), &calibration(0.01, 0.0));
    assert_eq!(d.gamma_for_gradient, 1.0);
    assert!(
        rec.rationale
            .iter()
            .any(|s| s.contains("leaves only 0.5%, below the 1.0%–50.0% band")),
        "{:#?}",
        rec.rationale
    );
    // Every passing γ overshooting: the smallest of them, said so.
    let vs = shares([0.8, 0.6, 0.008, 0.005, 0.002, 0.001]);
    let (rec, d) = decide(&vs, &imbalance(1.0), &calibration(0.01, 0.0));
    assert_eq!(d.gamma_for_gradient, 1.0);
    assert!(rec.rationale.iter().any(|s| s.contains("all but silenced")));
    // The prior failing the target: the nearest γ above it that meets it.
    let vs = shares([0.9, 0.8, 0.7, 0.6, 0.4, 0.2]);
    let (rec, d) = decide(&vs, &imbalance(1.0), &calibration(0.01, 0.0));
    assert_eq!(d.gamma_for_gradient, 3.0);
    assert!(rec
        .rationale
        .iter()
        .any(|s| s.contains("RetinaNet's γ = 2 still leaves 60.0%")));
    // A lower floor moves the answer: with --min-easy-grad-share 0.001 γ = 2 stands.
    let vs = shares([0.8, 0.6, 0.3, 0.005, 0.002, 0.001]);
    let mut t = targets();
    t.min_easy_grad_share = 0.001;
    let (rec, _) = recommend(Inputs {
        mode: Mode::Binary,
        variants: &vs,
        imbalance: &imbalance(1.0),
        calibration: &calibration(0.01, 0.0),
        targets: &t,
        shares: &ShareCis::Known(Vec::new()),
    })
    .unwrap();
    assert_eq!(rec.gamma, 2.0);
}

#[test]
fn method_imbalanced_reads_the_alpha_paired_variants() {
    // Only the Table 1b pairs (0, .75), (0.5, .5), (1, .25) … meet the target from γ = 1;
    // every other α would say otherwise, so a wrong lookup fails.
    let vs = grid(|g, a| match (g, a) {
        (0.0, Some(0.75)) => (0.8, 0.3),
        (0.5, Some(0.5)) => (0.6, 0.2),
        (_, Some(0.25)) if g >= 1.0 => (0.4, 0.1),
        _ => (0.95, 0.9),
    });
    let (rec, d) = decide(&vs, &imbalance(0.001), &calibration(0.01, 0.0));
    assert_eq!((rec.loss.as_str(), rec.gamma), ("focal", 2.0));
    assert_eq!(rec.alpha, json!(0.25));
    assert_eq!(d.ce_variant, "g0 aSome(0.75)");
    assert_eq!(d.imbalance_ratio, Some(1000.0));
}

#[test]
fn method_reports_an_unmet_target() {
    let vs = grid(|_, _| (0.9, 0.9));
    let (rec, d) = decide(&vs, &imbalance(0.001), &calibration(0.01, 0.0));
    assert_eq!(rec.gamma, 5.0);
    assert!(!d.gradient_target_met);
    assert!(rec.rationale.iter().any(|s| s.contains("no γ of the grid")));
}

#[test]
fn method_overconfidence_raises_gamma_on_balanced_data_and_says_why() {
    let vs = grid(|g, _| (if g >= 1.0 { 0.3 } else { 0.8 }, 0.3));
    let (rec, d) = decide(&vs, &imbalance(1.0), &calibration(0.1, 0.08));
    assert_eq!(
        (rec.gamma, d.gamma_for_gradient, d.gamma_for_calibration),
        (3.0, 0.0, 3.0)
    );
    assert_eq!(rec.alpha, serde_json::Value::Null);
    assert!(rec
        .rationale
        .iter()
        .any(|s| s.contains("overconfident") && s.contains("gradient alone gives no reason")));
}

#[test]
fn method_overconfidence_defers_to_alpha_on_imbalanced_data() {
    let vs = grid(|g, _| (if g >= 1.0 { 0.3 } else { 0.8 }, 0.3));
    let (rec, d) = decide(&vs, &imbalance(0.001), &calibration(0.1, 0.08));
    assert!(d.overconfident);
    assert_eq!(
        (rec.gamma, d.gamma_for_gradient, d.gamma_for_calibration),
        (2.0, 2.0, 0.0)
    );
    assert_eq!(rec.alpha, json!(0.25));
    assert!(rec
        .rationale
        .iter()
        .any(|s| s.contains("overconfident") && s.contains("α weighting comes first")));
}

#[test]
fn method_underconfidence_does_not_raise_gamma() {
    let vs = grid(|_, _| (0.2, 0.1));
    let (rec, d) = decide(&vs, &imbalance(1.0), &calibration(0.1, -0.08));
    assert_eq!(rec.loss, "cross_entropy");
    assert!(!d.overconfident);
    assert!(rec.rationale.iter().any(|s| s.contains("underconfident")));
}

#[test]
fn method_mirrors_the_pairing_when_negatives_are_rare() {
    let vs = grid(|_, _| (0.2, 0.1));
    let (rec, d) = decide(&vs, &imbalance(50.0), &calibration(0.01, 0.0));
    assert_eq!(d.positives_are_minority, Some(false));
    assert_eq!(
        rec.alpha,
        json!(0.25),
        "α for positives = 1 − 0.75 at γ = 0"
    );
    // Overconfidence does not raise γ over the α weighting of imbalanced data.
    let (rec, d) = decide(&vs, &imbalance(50.0), &calibration(0.1, 0.08));
    assert!(d.overconfident);
    assert_eq!((rec.gamma, rec.alpha.clone()), (0.0, json!(0.25)));
}

#[test]
fn method_needs_cross_entropy_in_the_grid() {
    let vs: Vec<Variant> = grid(|_, _| (0.2, 0.1))
        .into_iter()
        .filter(|v| v.gamma != Some(0.0))
        .collect();
    let err = recommend(Inputs {
        mode: Mode::Binary,
        variants: &vs,
        imbalance: &imbalance(1.0),
        calibration: &calibration(0.01, 0.0),
        targets: &targets(),
        shares: &ShareCis::Known(Vec::new()),
    })
    .unwrap_err();
    assert!(err.to_string().contains("γ = 0"));
}

#[test]
fn method_names_the_threshold_a_small_change_of_which_flips_the_answer() {
    // Easy elements swamp the gradient of every α-free variant below γ = 2; with α the
    // pairs meet the target from γ = 1. At 9.5:1 (just under the 10:1 for α) the answer
    // is γ = 2 without α; at 9:1 (10% lower) it would be γ = 2 with α = .25.
    let vs = grid(|g, a| match (g, a) {
        (_, None) if g >= 2.0 => (0.3, 0.1),
        (_, None) => (0.8, 0.6),
        (0.0, Some(0.75)) => (0.8, 0.3),
        (0.5, Some(0.5)) => (0.6, 0.2),
        (_, Some(0.25)) if g >= 1.0 => (0.4, 0.1),
        _ => (0.95, 0.9),
    });
    let (rec, _) = decide(&vs, &imbalance(1.0 / 9.5), &calibration(0.01, 0.0));
    assert_eq!((rec.gamma, &rec.alpha), (2.0, &Value::Null));
    assert_eq!(
        rec.close_calls,
        ["A close call: with --min-imbalance 9 instead of 10 the answer would be \"g2 aSome(0.25)\"."]
    );
    // Far from every threshold: no close call.
    let (rec, _) = decide(&vs, &imbalance(1.0 / 50.0), &calibration(0.01, 0.0));
    assert_eq!((rec.gamma, &rec.alpha), (2.0, &json!(0.25)));
    assert!(rec.close_calls.is_empty(), "{:?}", rec.close_calls);
}

#[test]
fn method_uses_alpha_only_when_the_ratios_interval_clears_the_threshold() {
    // 11.5:1 on 75 rows (6 positives): chance alone gives such a ratio, so no α; the same
    // ratio on 750,000 rows brings in Table 1b's α.
    let vs = grid(|_, _| (0.3, 0.1));
    let small = |pos: u64, neg: u64| {
        let mut im = imbalance(pos as f64 / neg as f64);
        im.counts = vec![neg, pos];
        im
    };
    let (rec, d) = decide(&vs, &small(6, 69), &calibration(0.01, 0.0));
    assert_eq!(d.alpha_rule, "none");
    let [lo, hi] = d.imbalance_ratio_interval.unwrap();
    assert!(lo < 10.0 && hi > 11.5, "{lo} {hi}");
    assert!(
        rec.rationale.iter().any(|s| s.contains("11.5:1")
            && s.contains("95% interval")
            && s.contains("does not show that much imbalance beyond chance")),
        "{:#?}",
        rec.rationale
    );
    let (_, d) = decide(&vs, &small(60_000, 690_000), &calibration(0.01, 0.0));
    assert_eq!(d.alpha_rule, "retinanet_table1");
    let [lo, hi] = d.imbalance_ratio_interval.unwrap();
    assert!(lo > 11.4 && hi < 11.6, "{lo} {hi}");
}
