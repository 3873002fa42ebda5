//! `--fail-if`: exit 1 with the full report and the failed conditions on
//! stderr; exit 2 (and nothing written) when a condition cannot be
//! evaluated; syntax and unknown fields caught before the data is read.

use crate::support::{fails, fixture, flcli, Workdir};
use flcli::report::{CompareReport, StatsReport};
use std::process::Output;

fn run(args: &[&str]) -> Output {
    flcli().args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn detection() -> String {
    fixture("detection.parquet").display().to_string()
}

fn animals() -> String {
    fixture("animals.parquet").display().to_string()
}

#[test]
fn a_holding_condition_exits_1_after_the_full_report() {
    let d = detection();
    let out = run(&[
        "stats",
        &d,
        "--json",
        "--fail-if",
        "totals.focal_mean > 0.01",
        "--fail-if",
        "imbalance.imbalance_ratio >= 100",
        "--fail-if",
        "classes[1].accuracy < 0.8",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    // The report is complete and valid.
    let r: StatsReport = serde_json::from_slice(&out.stdout).unwrap();
    let err = text(&out.stderr);
    // Each failed condition, with the value it had (exactly the report's).
    assert!(
        err.contains(&format!(
            "flcli: check failed: totals.focal_mean > 0.01 (actual totals.focal_mean = {})",
            r.totals.focal_mean.unwrap()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "check failed: classes[1].accuracy < 0.8 (actual classes[1].accuracy = {})",
            r.classes[1].accuracy.unwrap()
        )),
        "{err}"
    );
    // The ratio is 49: that condition passed and is only a note.
    assert!(r.imbalance.imbalance_ratio.unwrap() < 100.0);
    assert!(!err.contains("check failed: imbalance"), "{err}");
    assert!(err.contains("check passed: not (imbalance.imbalance_ratio >= 100)"));
    assert!(!err.contains("error"), "{err}");
}

#[test]
fn no_condition_holding_exits_0() {
    let d = detection();
    let out = run(&[
        "stats",
        &d,
        "-q",
        "--fail-if",
        "totals.focal_mean > 0.05",
        "--fail-if",
        "imbalance.imbalance_ratio >= 100",
        "--fail-if",
        "classes[1].accuracy < 0.5",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Class imbalance"),
        "table report"
    );
    assert!(out.stderr.is_empty(), "quiet: {}", text(&out.stderr));
}

#[test]
fn failures_print_even_with_quiet_and_in_every_format() {
    let d = detection();
    for format in ["table", "json", "markdown", "csv"] {
        let out = run(&[
            "stats",
            &d,
            "-q",
            "--output",
            format,
            "--fail-if",
            "totals.elements == 6000",
        ]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(!out.stdout.is_empty(), "{format}: report printed");
        assert_eq!(
            text(&out.stderr),
            "flcli: check failed: totals.elements == 6000 (actual totals.elements = 6000)\n"
        );
    }
}

#[test]
fn classes_by_name_and_index() {
    let a = animals();
    let report: StatsReport =
        serde_json::from_slice(&run(&["stats", &a, "--json"]).stdout).unwrap();
    let cat = report.classes.iter().find(|c| c.name == "cat").unwrap();
    for expr in [
        "classes[cat].accuracy < 0.9",
        "classes[0].accuracy < 0.9",
        "classes[#0].accuracy < 0.9",
    ] {
        let out = run(&["stats", &a, "-q", "--json", "--fail-if", expr]);
        assert_eq!(out.status.code(), Some(1), "{expr}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains(&format!("= {})", cat.accuracy.unwrap())),
            "{expr}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn compare_variants_by_their_names() {
    let d = detection();
    let out = run(&[
        "compare",
        &d,
        "--gamma",
        "0,2",
        "--alpha",
        "0.25,none",
        "--json",
        "-q",
        "--fail-if",
        "variants[fl g=2 a=0.25].easy_grad_share > 0.001",
        "--fail-if",
        "variants[ce].ratio_to_ce != 1",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let r: CompareReport = serde_json::from_slice(&out.stdout).unwrap();
    let v = r
        .variants
        .iter()
        .find(|v| v.name == "fl g=2 a=0.25")
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(
        err,
        format!(
            "flcli: check failed: variants[fl g=2 a=0.25].easy_grad_share > 0.001 (actual variants[fl g=2 a=0.25].easy_grad_share = {})\n",
            v.easy_grad_share.unwrap()
        )
    );
}

#[test]
fn syntax_errors_and_unknown_fields_stop_before_the_data_is_read() {
    // The input does not exist: were it read first, the error would name it.
    for (expr, want) in [
        ("totals.focal_mean >> 1", "is not a finite number"),
        ("totals.focal_mean = 1", "use =="),
        ("classes[cat.accuracy < 1", "unclosed ["),
        (
            "totals.focal_mea > 0.05",
            "totals.focal_mea does not exist in the stats report",
        ),
        (
            "variants[ce].loss_mean > 1",
            "variants does not exist in the stats report",
        ),
        ("classes.accuracy < 1", "select an element first"),
    ] {
        let e = fails(flcli().args(["stats", "no-such-file.parquet", "--fail-if", expr]));
        assert!(e.contains(want), "{expr}: {e}");
        assert!(
            !e.contains("no-such-file"),
            "{expr}: read the data first: {e}"
        );
    }
    let e = fails(flcli().args([
        "compare",
        "no-such-file.parquet",
        "--fail-if",
        "totals.focal_mean > 1",
    ]));
    assert!(
        e.contains("totals does not exist in the compare report"),
        "{e}"
    );
}

#[test]
fn names_that_do_not_exist_and_nulls_are_errors_after_the_pass() {
    let a = animals();
    let e = fails(flcli().args(["stats", &a, "--fail-if", "classes[kat].accuracy < 0.8"]));
    assert!(
        e.contains("classes[kat] does not exist")
            && e.contains("\"cat\", \"dog\", \"bird\", \"fish\""),
        "{e}"
    );
    let e = fails(flcli().args(["stats", &a, "--fail-if", "classes[7].accuracy < 0.8"]));
    assert!(e.contains("out of range"), "{e}");
    // Softmax has no positives/negatives split: loss_per_positive is null.
    let e = fails(flcli().args(["stats", &a, "--fail-if", "totals.loss_per_positive > 1"]));
    assert!(e.contains("is null, not a number"), "{e}");
    let e = fails(flcli().args(["stats", &a, "--fail-if", "imbalance.severity > 1"]));
    assert!(e.contains("is a string, not a number"), "{e}");
    // One unevaluable gate is an error even when another one holds.
    let e = fails(flcli().args([
        "stats",
        &a,
        "--fail-if",
        "totals.elements > 0",
        "--fail-if",
        "classes[kat].accuracy < 0.8",
    ]));
    assert!(!e.contains("check failed"), "{e}");
}

#[test]
fn with_out_the_file_is_written_and_the_gate_still_fails() {
    let w = Workdir::new();
    let out = w
        .cmd()
        .arg("stats")
        .arg(fixture("detection.parquet"))
        .args(["-o", "r.md", "--fail-if", "totals.focal_mean > 0.01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let md = std::fs::read_to_string(w.path("r.md")).unwrap();
    assert!(md.starts_with("## flcli stats") && md.contains("### Calibration"));
}

#[test]
fn recommend_and_by_slices_can_be_gated() {
    let a = animals();
    let out = run(&[
        "recommend",
        &a,
        "--json",
        "-q",
        "--fail-if",
        "recommendation.gamma > 2",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let r: flcli::report::RecommendReport = serde_json::from_slice(&out.stdout).unwrap();
    assert!(text(&out.stderr).contains(&format!("= {})", r.recommendation.gamma)));
    // --by slices are selected by their key.
    let d = detection();
    let out = run(&[
        "stats",
        &d,
        "--by",
        "size",
        "--json",
        "-q",
        "--fail-if",
        "groups[small].totals.focal_mean > 0.01",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let r: StatsReport = serde_json::from_slice(&out.stdout).unwrap();
    let small = r
        .groups
        .as_ref()
        .unwrap()
        .iter()
        .find(|g| g.key.as_deref() == Some("small"))
        .unwrap();
    assert_eq!(
        text(&out.stderr),
        format!(
            "flcli: check failed: groups[small].totals.focal_mean > 0.01 (actual groups[small].totals.focal_mean = {})\n",
            small.report.totals.focal_mean.unwrap()
        )
    );
    let e = fails(flcli().args([
        "stats",
        &d,
        "--by",
        "size",
        "--fail-if",
        "groups[tiny].totals.focal_mean > 0",
    ]));
    assert!(e.contains("\"large\", \"medium\", \"small\""), "{e}");
}
