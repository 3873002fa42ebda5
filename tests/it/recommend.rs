//! `flcli recommend` on generated data sets whose right answer is known (CLI,
//! JSON read into flcli::report types). The pure method: src/analysis/recommend_method_tests.rs.

use crate::support::{flcli, synth};

/// A share as the recommend text prints it: one decimal (`25.0%`), or two
/// significant digits below 0.1%.
fn pc(x: Option<f64>) -> String {
    let Some(v) = x else {
        return "– (undefined)".into();
    };
    let p = v * 100.0;
    if p == 0.0 || p.abs() >= 0.1 {
        format!("{p:.1}%")
    } else {
        let d = (1.0 - p.abs().log10().floor()) as usize;
        format!("{p:.d$}%")
    }
}
use flcli::report::compare::Variant;
use flcli::report::RecommendReport;
use serde_json::{json, Value};
use std::path::Path;

fn run(file: &Path, extra: &[&str]) -> std::process::Output {
    flcli()
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
    // RetinaNet's regime: γ = 2 with α = .25 unless the evidence moves it. The chosen γ meets
    // the target, and no γ nearer 2 does while keeping the easy share above the floor.
    let chosen = variant(&r, &rec.variant);
    assert!(chosen.easy_grad_share.unwrap() <= 0.5);
    // RetinaNet's Table 1 pairs γ = 2 with α = 0.25.
    let two = variant(&r, "fl g=2 a=0.25").easy_grad_share.unwrap();
    assert!(
        rec.gamma == 2.0 || !(0.01..=0.5).contains(&two),
        "γ = {} though γ = 2 leaves {two}",
        rec.gamma
    );
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

#[test]
fn sigmoid_weighs_negative_against_positive_elements() {
    let r = report(
        Path::new("fixtures/sigmoid.parquet"),
        &["--mode", "sigmoid"],
    );
    let pn = r.evidence.imbalance.positive_negative_ratio.unwrap();
    let ratio = r.evidence.decision.imbalance_ratio.unwrap();
    assert!((ratio - 1.0 / pn).abs() < 1e-9 * ratio);
    assert_eq!(r.evidence.calibration.items, "element");
    assert!(
        r.recommendation.alpha.is_number(),
        "a number for the positives"
    );
    assert_eq!(r.evidence.decision.alpha_rule, "retinanet_table1");
}

#[test]
fn an_empty_softmax_class_gets_a_note_not_silent_zero() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("empty_class.csv");
    let (mut y, mut p) = (Vec::new(), Vec::new());
    for i in 0..300 {
        y.push(if i % 10 == 0 { 1 } else { 0 });
        p.push(vec![0.7, 0.2, 0.1]);
    }
    synth::softmax_csv(&file, &y, &p);
    let r = report(&file, &[]);
    let alpha = r.recommendation.alpha.as_array().unwrap();
    assert_eq!(alpha[2].as_f64(), Some(0.0));
    assert!(
        r.recommendation
            .rationale
            .iter()
            .any(|s| s.contains("\"2\" have no rows here")),
        "{:#?}",
        r.recommendation.rationale
    );
}

/// Runs the report's `reproduce.flcli` command line through `sh` (with this
/// build's binary for `flcli`) and checks that it prints the recommended
/// variant with the same numbers.
fn assert_reproduced(r: &RecommendReport, what: &str) {
    let cmd = &r.reproduce.flcli;
    let rest = cmd
        .strip_prefix("flcli compare ")
        .unwrap_or_else(|| panic!("{what}: {cmd}"));
    let bin = assert_cmd::cargo::cargo_bin("flcli");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("'{}' compare {rest} --json -q", bin.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{what}: `{cmd}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cmp: Value = serde_json::from_slice(&out.stdout).unwrap();
    let want = variant(r, &r.recommendation.variant);
    let got = cmp["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| {
            v["kind"] == json!(want.kind)
                && v["alpha"] == want.alpha
                && v["gamma"] == json!(want.gamma)
        })
        .unwrap_or_else(|| {
            panic!(
                "{what}: `{cmd}` has no variant like {}: {}",
                want.name, cmp["params"]
            )
        });
    assert_eq!(got["name"], json!(want.name), "{what}: {cmd}");
    // The same sums, though from a different grid: the last bit may differ.
    for (key, w) in [
        ("loss_mean", want.loss_mean),
        ("easy_grad_share", want.easy_grad_share),
        ("easy_loss_share", want.easy_loss_share),
    ] {
        let g = got[key].as_f64();
        assert!(
            crate::support::close(g.unwrap(), w.unwrap(), 1e-12),
            "{what}: {key} {g:?} from `{cmd}`, {w:?} in recommend"
        );
    }
}

#[test]
fn the_printed_compare_command_reproduces_the_recommendation() {
    let fx = crate::support::fixture;
    for (file, extra) in [
        ("detection.parquet", &[][..]),
        ("detection.csv", &["--prob", "prob"][..]),
        ("animals.parquet", &[][..]),
        ("longtail_logits.parquet", &[][..]),
        ("sigmoid.parquet", &["--mode", "sigmoid"][..]),
        ("detection.parquet", &["--max-easy-grad-share", "0.05"][..]),
        (
            "sigmoid.parquet",
            &["--mode", "sigmoid", "--max-easy-grad-share", "0.05"][..],
        ),
        (
            "detection.parquet",
            &["--eps", "1e-6", "--easy", "0.8", "--buckets", "0,0.5,1"][..],
        ),
    ] {
        let r = report(&fx(file), extra);
        assert_reproduced(&r, &format!("{file} {extra:?}"));
    }
    // A file name that needs quoting survives the shell.
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("it's a file.parquet");
    std::fs::copy(fx("detection.parquet"), &odd).unwrap();
    let r = report(&odd, &[]);
    assert!(r.reproduce.flcli.contains(r"'\''"), "{}", r.reproduce.flcli);
    assert_reproduced(&r, "quoted path");
    for (name, file) in [
        ("dense detection", synth::dense_detection(dir.path())),
        ("long tail", synth::long_tail(dir.path())),
        ("overconfident", synth::overconfident(dir.path())),
        ("balanced", synth::balanced_easy(dir.path())),
    ] {
        let r = report(&file, &[]);
        assert_reproduced(&r, name);
    }
}

/// Balanced 3-class softmax: top probability 0.9, accuracy 86.7% (2 rows in
/// every 15 wrong), so ECE = 3.3%, above the 3% threshold at any size.
fn slightly_overconfident(dir: &Path, rows: usize) -> std::path::PathBuf {
    let (mut y, mut probs) = (Vec::new(), Vec::new());
    for i in 0..rows {
        let c = i % 3;
        let pred = if i % 15 < 2 { (c + 1) % 3 } else { c };
        let row: Vec<f64> = (0..3).map(|k| if k == pred { 0.9 } else { 0.05 }).collect();
        y.push(c as i64);
        probs.push(row);
    }
    let path = dir.join(format!("overconfident_{rows}.csv"));
    synth::softmax_csv(&path, &y, &probs);
    path
}

#[test]
fn an_ece_within_chance_on_few_rows_gives_no_reason_for_focal() {
    let dir = tempfile::tempdir().unwrap();
    let small = report(&slightly_overconfident(dir.path(), 75), &[]);
    let ece = small.evidence.calibration.ece.unwrap();
    let d = &small.evidence.decision;
    let chance = d.calibrated_ece_p95.unwrap();
    assert!(ece > 0.03 && ece <= chance, "ECE {ece}, chance {chance}");
    assert!(!d.overconfident);
    assert_eq!(small.recommendation.loss, "cross_entropy");
    assert!(
        small
            .recommendation
            .rationale
            .iter()
            .any(|s| s.contains("75 rows")
                && s.contains(&pc(Some(chance)))
                && s.contains("perfectly calibrated")),
        "{:#?}",
        small.recommendation.rationale
    );
    // The same calibration on 7500 rows is no longer chance.
    let large = report(&slightly_overconfident(dir.path(), 7500), &[]);
    let d = &large.evidence.decision;
    assert!(d.calibrated_ece_p95.unwrap() < 0.01, "{d:?}");
    assert!(d.overconfident);
    assert_eq!(large.recommendation.loss, "focal");
}

#[test]
fn one_positive_in_500_with_easy_negatives_gets_retinanets_gamma_2_alpha_quarter() {
    // RetinaNet's regime: 1 positive in 500, a sea of easy negatives, 2% hard ones. The plain
    // threshold rule would take γ = 1 (the smallest γ under the 50% target); Table 1b's best
    // on COCO is γ = 2 with α = .25, and γ = 2 keeps the easy share inside the band.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("det.csv");
    let mut state: u64 = 7;
    let mut uniform = |lo: f64, hi: f64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        lo + (hi - lo) * ((state >> 11) as f64 / (1u64 << 53) as f64)
    };
    let mut csv = String::from("label,prob\n");
    for i in 0..100_000 {
        let row = if i % 500 == 0 {
            format!("1,{:.6}\n", uniform(0.05, 0.9))
        } else if uniform(0.0, 1.0) < 0.02 {
            format!("0,{:.6}\n", uniform(0.2, 0.8))
        } else {
            format!("0,{:.6}\n", uniform(0.0, 0.08))
        };
        csv.push_str(&row);
    }
    std::fs::write(&path, csv).unwrap();
    let r = report(&path, &[]);
    let rec = &r.recommendation;
    assert_eq!(
        (rec.loss.as_str(), rec.gamma, &rec.alpha),
        ("focal", 2.0, &json!(0.25)),
        "{:#?}",
        rec.rationale
    );
    let one = variant(&r, "fl g=1 a=0.25").easy_grad_share.unwrap();
    assert!(one <= 0.5, "γ = 1 already meets the target: {one}");
    assert!(rec
        .rationale
        .iter()
        .any(|s| s.contains("the paper's setting stands")
            && s.contains("the smallest γ that meets the target, 1")));
}

#[test]
fn classes_seen_a_few_times_get_the_weight_of_cb_min_count_rows_and_it_reproduces() {
    // 3-class softmax, 500 : 40 : 2 rows. Class-balanced weights from the raw counts would give
    // class 2 (two rows) 20× class 1's weight; with the floor it is weighed as if it had 10.
    let dir = tempfile::tempdir().unwrap();
    let (mut y, mut probs) = (Vec::new(), Vec::new());
    for (c, n) in [(0usize, 500), (1, 40), (2, 2)] {
        for i in 0..n {
            let pred = if i % 7 == 0 { (c + 1) % 3 } else { c };
            probs.push((0..3).map(|k| if k == pred { 0.8 } else { 0.1 }).collect());
            y.push(c as i64);
        }
    }
    let path = dir.path().join("rare.csv");
    synth::softmax_csv(&path, &y, &probs);
    let weights = |r: &RecommendReport| -> Vec<f64> {
        let a = r.recommendation.alpha.as_array().expect("a per-class list");
        a.iter().map(|x| x.as_f64().unwrap()).collect()
    };
    let cb = |counts: [f64; 3]| -> Vec<f64> {
        let raw: Vec<f64> = counts
            .iter()
            .map(|&n| (1.0 - 0.999) / (1.0 - 0.999f64.powf(n)))
            .collect();
        let s: f64 = raw.iter().sum();
        raw.iter().map(|w| w * 3.0 / s).collect()
    };
    let r = report(&path, &[]);
    assert_eq!(r.evidence.decision.alpha_rule, "class_balanced");
    for (got, want) in weights(&r).iter().zip(cb([500.0, 40.0, 10.0])) {
        assert!((got - want).abs() < 1e-9 * want, "{got} vs {want}");
    }
    assert!(
        r.recommendation.variant.contains("min=10"),
        "{}",
        r.recommendation.variant
    );
    assert!(
        r.recommendation
            .rationale
            .iter()
            .any(|s| s.contains("\"2\" (2) have fewer than 10 rows")),
        "{:#?}",
        r.recommendation.rationale
    );
    assert!(
        r.reproduce.flcli.contains("cb:0.999,0,10"),
        "{}",
        r.reproduce.flcli
    );
    assert_reproduced(&r, "rare classes");
    // --cb-min-count 1 turns the floor off: the raw counts' weights, the plain name.
    let r = report(&path, &["--cb-min-count", "1"]);
    for (got, want) in weights(&r).iter().zip(cb([500.0, 40.0, 2.0])) {
        assert!((got - want).abs() < 1e-9 * want, "{got} vs {want}");
    }
    assert!(!r.recommendation.variant.contains("min="));
    assert_reproduced(&r, "rare classes, no floor");
}
