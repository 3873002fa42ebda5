//! `flcli compare`: one invocation gives every variant, the grid is consistent
//! with `stats` and with α reweighting, and `--plot` writes a safe SVG.

use crate::support::{self, close, compare, synth};
use flcli::report::StatsReport;
use std::path::Path;

const DETECTION: &str = "fixtures/detection.parquet";

fn flcli(args: &[&str]) -> std::process::Output {
    support::flcli().args(args).output().unwrap()
}

#[test]
fn one_invocation_gives_every_variant_in_grid_order() {
    let r = compare(&[
        DETECTION,
        "--gamma",
        "0,1,2",
        "--alpha",
        "0.25,none",
        "--variant",
        "flsd53",
        "--variant",
        "asl:1,4",
        "--variant",
        "cb:0.999",
        "--variant",
        "poly1:1",
    ]);
    let names: Vec<&str> = r.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "ce a=0.25",
            "ce",
            "fl g=1 a=0.25",
            "fl g=1",
            "fl g=2 a=0.25",
            "fl g=2",
            "flsd53",
            "asl 1,4",
            "cb b=0.999 g=0",
            "poly1 e=1"
        ]
    );
    let kinds: Vec<&str> = r.variants.iter().map(|v| v.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["focal", "focal", "focal", "focal", "focal", "focal", "flsd53", "asl", "cb", "poly1"]
    );
    // Every variant from the same rows, read once.
    assert_eq!(r.input.rows_read, 6000);
    assert_eq!(r.params.gammas, [0.0, 1.0, 2.0]);
    // Named variants use the grid's first α; cb's weights sum to K; poly1 has no α.
    assert_eq!(r.variants[6].alpha, serde_json::json!(0.25));
    let w: f64 = r.variants[8]
        .alpha
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .sum();
    assert!((w - 2.0).abs() < 1e-12);
    assert!(r.variants[9].alpha.is_null());
}

#[test]
fn ce_variant_equals_stats_ce_sum() {
    let r = compare(&[DETECTION, "--gamma", "0,2", "--alpha", "none"]);
    let out = flcli(&["stats", DETECTION, "--json", "-q"]);
    assert!(out.status.success());
    let s: StatsReport = serde_json::from_slice(&out.stdout).unwrap();
    let ce = r.variants.iter().find(|v| v.name == "ce").unwrap();
    assert!(
        close(ce.loss_sum, s.totals.ce_sum, 1e-12),
        "{} vs {}",
        ce.loss_sum,
        s.totals.ce_sum
    );
    assert_eq!(ce.ratio_to_ce, Some(1.0));
}

#[test]
fn alpha_reweights_the_unweighted_class_sums() {
    // Binary: loss(α = a) = a · Σ positives + (1 − a) · Σ negatives of the α = none variant.
    let r = compare(&[DETECTION, "--gamma", "0,2", "--alpha", "none,0.25,0.5,0.75"]);
    for g in [0.0, 2.0] {
        let of = |alpha: serde_json::Value| {
            r.variants
                .iter()
                .find(|v| v.gamma == Some(g) && v.alpha == alpha && v.kind.as_str() == "focal")
                .unwrap()
        };
        let base = of(serde_json::Value::Null);
        let neg = base
            .classes
            .iter()
            .find(|c| c.name == "0")
            .unwrap()
            .loss_sum;
        let pos = base
            .classes
            .iter()
            .find(|c| c.name == "1")
            .unwrap()
            .loss_sum;
        for a in [0.25, 0.5, 0.75] {
            let v = of(serde_json::json!(a));
            assert!(
                close(v.loss_sum, a * pos + (1.0 - a) * neg, 1e-12),
                "γ={g} α={a}"
            );
        }
    }
}

#[test]
fn easy_gradient_share_falls_as_gamma_rises_on_detection() {
    let dir = tempfile::tempdir().unwrap();
    let file = synth::dense_detection(dir.path());
    for f in [Path::new(DETECTION), file.as_path()] {
        let r = compare(&[
            f.to_str().unwrap(),
            "--gamma",
            "0,0.5,1,2,5",
            "--alpha",
            "none",
        ]);
        let shares: Vec<f64> = r
            .variants
            .iter()
            .map(|v| v.easy_grad_share.unwrap())
            .collect();
        assert!(shares.windows(2).all(|w| w[1] < w[0]), "{f:?}: {shares:?}");
        let loss: Vec<f64> = r
            .variants
            .iter()
            .map(|v| v.easy_loss_share.unwrap())
            .collect();
        assert!(loss.windows(2).all(|w| w[1] < w[0]), "{f:?}: {loss:?}");
    }
}

#[test]
fn bad_variants_exit_2_with_nothing_on_stdout() {
    for bad in [
        "asl:1", "cb:1.5", "poly1:x", "poly1:-2", "bogus", "flsd53:1",
    ] {
        let out = flcli(&["compare", DETECTION, "--variant", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(out.stdout.is_empty(), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--variant"),
            "{bad}"
        );
    }
}

fn polylines(svg: &str) -> usize {
    svg.matches("<polyline").count()
}

#[test]
fn plot_writes_an_svg_with_one_curve_per_gamma() {
    let dir = tempfile::tempdir().unwrap();
    let (three, five) = (dir.path().join("g3.svg"), dir.path().join("g5.svg"));
    let mut sizes = Vec::new();
    for (path, gammas) in [(&three, "0,1,2"), (&five, "0,0.5,1,2,5")] {
        let r = compare(&[
            DETECTION,
            "--gamma",
            gammas,
            "--alpha",
            "none,0.25",
            "--plot",
            path.to_str().unwrap(),
        ]);
        assert_eq!(r.command, "compare");
        let svg = std::fs::read_to_string(path).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<svg").count(), svg.matches("</svg>").count());
        for g in gammas.split(',') {
            assert!(
                svg.contains(&format!(">\nγ = {g}\n</text>"))
                    || svg.contains(&format!(">γ = {g}</text>")),
                "γ = {g}"
            );
        }
        assert!(svg.contains("Reliability"));
        sizes.push(polylines(&svg));
    }
    // Two more γ: two more curves in each of the positive and negative panels, and two more
    // legend lines; α does not add curves (the curves do not depend on it).
    assert_eq!(sizes[1] - sizes[0], 2 * 3);
    // No temporary file is left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 2);
}

#[test]
fn plot_never_overwrites_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.parquet");
    std::fs::copy(DETECTION, &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let out = flcli(&[
        "compare",
        input.to_str().unwrap(),
        "--plot",
        input.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("input file"));
    assert_eq!(std::fs::read(&input).unwrap(), before);
    // A missing directory is an error before any work, too.
    let out = flcli(&["compare", DETECTION, "--plot", "/nonexistent-dir/x.svg"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

/// Regression: `compare --json` printed the detection note on stderr while
/// `stats --json` did not; JSON carries it in `input.detected` instead.
#[test]
fn json_mode_keeps_the_detection_note_in_the_report() {
    let out = support::flcli()
        .args([
            "compare",
            "fixtures/detection.parquet",
            "--gamma",
            "0,2",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("detected"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: flcli::report::CompareReport = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!r.input.detected.is_empty());
    let table = support::flcli()
        .args(["compare", "fixtures/detection.parquet", "--gamma", "0,2"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&table.stderr).contains("detected"));
}
