//! `flcli recommend`: the method on generated data sets whose right answer is
//! known (CLI, JSON into flcli::report types), and the pure method on hand-made grids.

mod synth;

use assert_cmd::Command;
use flcli::loss::recommend::{recommend, retinanet_alpha, Inputs, RETINANET_ALPHA};
use flcli::loss::recommend_text::pc;
use flcli::loss::Mode;
use flcli::report::compare::{Curves, PosNeg, Targets, Variant};
use flcli::report::{Calibration, Imbalance, RecommendReport, Weights};
use serde_json::{json, Value};
use std::path::Path;

fn run(file: &Path, extra: &[&str]) -> std::process::Output {
    Command::cargo_bin("flcli")
        .unwrap()
        .arg("recommend")
        .arg(file)
        .args(extra)
        .output()
        .unwrap()
}

fn report(file: &Path, extra: &[&str]) -> RecommendReport {
    let mut args = vec!["--json", "-q"];
    args.extend_from_slice(extra);
    let out = run(file, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn variant<'a>(r: &'a RecommendReport, name: &str) -> &'a Variant {
    r.evidence
        .variants
        .iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("no variant {name}"))
}

#[test]
fn balanced_easy_data_gets_cross_entropy() {
    let dir = tempfile::tempdir().unwrap();
    let r = report(&synth::balanced_easy(dir.path()), &[]);
    let rec = &r.recommendation;
    assert_eq!(rec.loss, "cross_entropy", "{:#?}", rec.rationale);
    assert_eq!(rec.gamma, 0.0);
    assert_eq!(rec.alpha, Value::Null);
    assert_eq!(rec.variant, "ce");
    let d = &r.evidence.decision;
    assert!(!d.gradient_argument && !d.overconfident);
    assert!(d.ce_easy_loss_share.unwrap() < 0.5 && d.ce_easy_grad_share.unwrap() < 0.5);
    assert_eq!(r.evidence.calibration.direction, "calibrated");
}

#[test]
fn dense_detection_gets_focal_with_moderate_gamma_and_small_alpha() {
    let dir = tempfile::tempdir().unwrap();
    let r = report(&synth::dense_detection(dir.path()), &[]);
    let rec = &r.recommendation;
    assert_eq!(rec.loss, "focal", "{:#?}", rec.rationale);
    assert!((1.0..=3.0).contains(&rec.gamma), "γ = {}", rec.gamma);
    let alpha = rec.alpha.as_f64().expect("a number for positives");
    assert!(alpha <= 0.5, "α = {alpha}");
    let d = &r.evidence.decision;
    assert_eq!(d.alpha_rule, "retinanet_table1");
    assert_eq!(d.positives_are_minority, Some(true));
    assert!(d.gradient_argument && d.gradient_target_met);
    // The smallest γ that meets the target: the chosen one does, the one below does not.
    let chosen = variant(&r, &rec.variant);
    assert!(chosen.easy_grad_share.unwrap() <= 0.5);
    let below = r
        .params
        .gammas
        .iter()
        .rev()
        .find(|&&g| g < rec.gamma)
        .unwrap();
    let name = match retinanet_alpha(*below) {
        a if *below == 0.0 => format!("ce a={a}"),
        a => format!("fl g={below} a={a}"),
    };
    assert!(variant(&r, &name).easy_grad_share.unwrap() > 0.5);
    // The rationale carries the numbers that drove it.
    let grad = pc(d.ce_easy_grad_share);
    assert!(
        rec.rationale
            .iter()
            .any(|s| s.contains(&grad) && s.contains("50.0% target")),
        "{:#?}",
        rec.rationale
    );
    assert!(rec
        .alternatives
        .iter()
        .any(|a| a.variant.starts_with("flsd53")));
}

#[test]
fn dense_detection_with_a_looser_gradient_target_gets_alpha_balanced_ce() {
    let dir = tempfile::tempdir().unwrap();
    let r = report(
        &synth::dense_detection(dir.path()),
        &["--max-easy-grad-share", "0.99"],
    );
    assert_eq!(r.recommendation.loss, "cross_entropy");
    assert_eq!(r.recommendation.alpha, json!(0.75));
    assert_eq!(r.evidence.targets.max_easy_grad_share, 0.99);
}

#[test]
fn long_tail_softmax_gets_class_balanced_per_class_alpha() {
    let dir = tempfile::tempdir().unwrap();
    let r = report(&synth::long_tail(dir.path()), &[]);
    let rec = &r.recommendation;
    assert_eq!(r.evidence.decision.alpha_rule, "class_balanced");
    let alpha: Vec<f64> = rec
        .alpha
        .as_array()
        .expect("a per-class list")
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    // Cui et al. 2019: α_c ∝ (1 − β)/(1 − β^n_c), normalised to sum to K.
    let beta: f64 = 0.999;
    let raw: Vec<f64> = synth::long_tail_counts()
        .iter()
        .map(|&n| (1.0 - beta) / (1.0 - beta.powi(n as i32)))
        .collect();
    let s: f64 = raw.iter().sum();
    for (got, w) in alpha.iter().zip(&raw) {
        let want = w * 10.0 / s;
        assert!((got - want).abs() < 1e-9 * want, "{got} vs {want}");
    }
    assert!(
        alpha.windows(2).all(|w| w[0] < w[1]),
        "tail classes weigh more"
    );
    assert!(rec.rationale.iter().any(|s| s.contains("Cui et al. 2019")));
}

#[test]
fn overconfident_model_gets_focal_for_calibration() {
    let dir = tempfile::tempdir().unwrap();
    let file = synth::overconfident(dir.path());
    let r = report(&file, &[]);
    let rec = &r.recommendation;
    let d = &r.evidence.decision;
    assert_eq!(r.evidence.calibration.direction, "overconfident");
    assert!(d.overconfident && !d.gradient_argument);
    assert_eq!(rec.loss, "focal");
    assert_eq!(rec.gamma, 3.0);
    let ece = pc(r.evidence.calibration.ece);
    assert!(
        rec.rationale
            .iter()
            .any(|s| s.contains("overconfident") && s.contains(&ece)),
        "{:#?}",
        rec.rationale
    );
    // The threshold is a knob: above this ECE the same model gets cross-entropy.
    let r = report(&file, &["--max-ece", "0.5"]);
    assert_eq!(r.recommendation.loss, "cross_entropy");
}

#[test]
fn table_output_says_it_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &synth::dense_detection(dir.path()),
        &["-q", "--color", "never"],
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Use focal loss with γ = "), "{text}");
    assert!(text.contains("Why") && text.contains("Alternatives") && text.contains("◀"));
}

#[test]
fn bad_knobs_exit_2_with_nothing_on_stdout() {
    let file = Path::new("fixtures/detection.parquet");
    for bad in [
        ["--max-easy-grad-share", "1.5"],
        ["--min-imbalance", "0.5"],
        ["--max-ece", "1.5"],
        ["--gamma", "0,x"],
    ] {
        let out = run(file, &bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(out.stdout.is_empty());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(bad[0]),
            "{bad:?}"
        );
    }
}

// ---- the pure method on hand-made grids ----

const GAMMAS: [f64; 6] = [0.0, 0.5, 1.0, 2.0, 3.0, 5.0];

fn v(kind: &str, name: &str, gamma: Option<f64>, alpha: Value, grad: f64, loss: f64) -> Variant {
    Variant {
        name: name.into(),
        kind: kind.into(),
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
        severity: flcli::loss::summary::severity(Some(r)).into(),
        positive_negative_ratio: Some(pos_per_neg),
        positives_per_class: None,
        background_rows: None,
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
        max_easy_loss_share: 0.5,
        min_imbalance: 10.0,
        max_ece: 0.03,
        calibration_gamma: 3.0,
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
    flcli::report::Recommendation,
    flcli::report::compare::Decision,
) {
    recommend(Inputs {
        mode: Mode::Binary,
        variants: vs,
        imbalance: im,
        calibration: cal,
        targets: &targets(),
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

#[test]
fn method_balanced_and_dominated_takes_the_smallest_gamma_meeting_the_target() {
    let vs = grid(|g, _| {
        (
            [0.8, 0.6, 0.45, 0.2, 0.1, 0.05][GAMMAS.iter().position(|&x| x == g).unwrap()],
            0.6,
        )
    });
    let (rec, d) = decide(&vs, &imbalance(1.0), &calibration(0.01, 0.0));
    assert_eq!((rec.loss.as_str(), rec.gamma), ("focal", 1.0));
    assert_eq!(rec.alpha, Value::Null);
    assert_eq!(d.gamma_for_gradient, 1.0);
    assert!(rec
        .rationale
        .iter()
        .any(|s| s.contains("45.0%") && s.contains("γ = 0.5 still leaves 60.0%")));
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
    assert_eq!((rec.loss.as_str(), rec.gamma), ("focal", 1.0));
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
fn method_overconfidence_raises_gamma_and_says_why() {
    let vs = grid(|g, _| (if g >= 1.0 { 0.3 } else { 0.8 }, 0.3));
    let (rec, d) = decide(&vs, &imbalance(0.001), &calibration(0.1, 0.08));
    assert_eq!(
        (rec.gamma, d.gamma_for_gradient, d.gamma_for_calibration),
        (3.0, 1.0, 3.0)
    );
    assert_eq!(rec.alpha, json!(0.25));
    assert!(rec
        .rationale
        .iter()
        .any(|s| s.contains("overconfident") && s.contains("asked for γ = 1")));
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
    let (rec, _) = decide(&vs, &imbalance(50.0), &calibration(0.1, 0.08));
    assert_eq!((rec.gamma, rec.alpha.clone()), (3.0, json!(0.75)));
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
    })
    .unwrap_err();
    assert!(err.to_string().contains("γ = 0"));
}
