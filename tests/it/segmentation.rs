//! Segmentation maps against MONAI's and segmentation_models_pytorch's
//! `FocalLoss`: every case of `fixtures/golden_segmentation.json` (made by
//! `fixtures/make_fixtures.py --segmentation`, which states each library's
//! reduction and α convention) run through the CLI on its `.npz` map. The
//! library's loss times its divisor, and the float64 numpy reference, must
//! both match flcli's sums to 1e-9 relative.

use crate::support::{fixture, flcli, ok, rel};
use serde::Deserialize;
use serde_json::Value;

const TOL: f64 = 1e-9;

#[derive(Deserialize)]
struct Golden {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    fixture: String,
    mode: String,
    gamma: f64,
    alpha: Value,
    ignore_index: i64,
    library: String,
    library_focal_sum: f64,
    pixels_kept: u64,
    totals: Totals,
    classes: Vec<Class>,
}

#[derive(Deserialize)]
struct Totals {
    elements: u64,
    ce_sum: f64,
    focal_sum: f64,
}

#[derive(Deserialize)]
struct Class {
    #[serde(default)]
    count: Option<u64>,
    ce_sum: f64,
    focal_sum: f64,
}

fn golden() -> Golden {
    let text = std::fs::read_to_string(fixture("golden_segmentation.json")).expect("golden file");
    serde_json::from_str(&text).expect("golden JSON")
}

#[test]
fn maps_match_monai_and_smp_and_the_float64_reference() {
    let g = golden();
    assert!(g.cases.len() >= 16, "too few cases: {}", g.cases.len());
    for lib in ["monai", "smp"] {
        assert!(g.cases.iter().any(|c| c.library == lib), "no {lib} case");
    }
    let mut failures = Vec::new();
    for c in &g.cases {
        let alpha = match &c.alpha {
            Value::Null => "none".to_string(),
            Value::Array(v) => v
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(","),
            v => v.to_string(),
        };
        let file = fixture(&format!("{}.npz", c.fixture));
        let (out, _) = ok(flcli()
            .args(["stats", "--json", "-q", "--mode", &c.mode])
            .args(["--ignore-index", &c.ignore_index.to_string()])
            .args(["--gamma", &c.gamma.to_string(), "--alpha", &alpha])
            .arg(&file));
        let r: Value = serde_json::from_str(&out).expect("json");
        let mut check = |what: &str, got: f64, want: f64| {
            if rel(got, want) > TOL {
                failures.push(format!("{}: {what}: flcli {got} vs {want}", c.name));
            }
        };
        let t = &r["totals"];
        check(
            &format!("focal_sum vs {}", c.library),
            t["focal_sum"].as_f64().unwrap(),
            c.library_focal_sum,
        );
        check(
            "focal_sum vs float64",
            t["focal_sum"].as_f64().unwrap(),
            c.totals.focal_sum,
        );
        check(
            "ce_sum vs float64",
            t["ce_sum"].as_f64().unwrap(),
            c.totals.ce_sum,
        );
        for (k, want) in c.classes.iter().enumerate() {
            let got = &r["classes"][k];
            check(
                &format!("classes[{k}].focal_sum"),
                got["focal_sum"].as_f64().unwrap(),
                want.focal_sum,
            );
            check(
                &format!("classes[{k}].ce_sum"),
                got["ce_sum"].as_f64().unwrap(),
                want.ce_sum,
            );
            if let Some(n) = want.count {
                assert_eq!(got["count"], n, "{}: classes[{k}].count", c.name);
            }
        }
        assert_eq!(t["elements"], c.totals.elements, "{}: elements", c.name);
        assert_eq!(r["input"]["rows_used"], c.pixels_kept, "{}: pixels", c.name);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
