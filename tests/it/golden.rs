//! Golden values: every case of `fixtures/golden.json` (computed in float64
//! with torchvision, kornia and numpy by `fixtures/make_fixtures.py`), run
//! through the CLI with explicit flags on both the CSV and the Parquet copy of
//! its fixture, compared to 1e-9 relative. A failing case prints its name.

use crate::support::{fixture, flcli, rel};
use flcli::report::{CompareReport, StatsReport};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Relative tolerance against the correctly rounded (fsum) golden sums.
const TOL: f64 = 1e-9;

#[derive(Deserialize)]
struct Golden {
    cases: Vec<Case>,
    imbalance: BTreeMap<String, GoldenImbalance>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    fixture: String,
    mode: String,
    score_kind: String,
    label_column: String,
    score_columns: Vec<String>,
    gamma: f64,
    alpha: serde_json::Value,
    eps: f64,
    bucket_edges: Vec<f64>,
    rows_read: u64,
    rows_used: u64,
    rows_ignored: u64,
    totals: GoldenTotals,
    classes: Vec<GoldenClass>,
    buckets: Vec<GoldenBucket>,
    grad: GoldenGrad,
}

#[derive(Deserialize)]
struct GoldenTotals {
    elements: u64,
    positives: u64,
    ce_sum: f64,
    focal_sum: f64,
    focal_mean: f64,
    loss_per_positive: Option<f64>,
}

#[derive(Deserialize)]
struct GoldenClass {
    index: usize,
    name: String,
    count: u64,
    elements: u64,
    ce_sum: f64,
    focal_sum: f64,
    mean_p_true: f64,
    accuracy: f64,
}

#[derive(Deserialize)]
struct GoldenBucket {
    lower: f64,
    upper: f64,
    count: u64,
    ce_sum: f64,
    focal_sum: f64,
}

#[derive(Deserialize)]
struct GoldenGrad {
    abs_sum: f64,
    easy_abs_sum: f64,
    easy_loss_sum: f64,
}

#[derive(Deserialize)]
struct GoldenImbalance {
    counts: Vec<u64>,
    frequencies: Vec<f64>,
    imbalance_ratio: f64,
    normalized_entropy: f64,
    effective_number: Vec<f64>,
    weights: GoldenWeights,
}

#[derive(Deserialize)]
struct GoldenWeights {
    inverse_frequency: Vec<f64>,
    effective_number: Vec<f64>,
}

fn golden() -> Golden {
    let text = std::fs::read_to_string(fixture("golden.json")).expect("fixtures/golden.json");
    serde_json::from_str(&text).expect("golden.json parses")
}

/// Collects mismatches of one run, each prefixed with the case and file.
struct Check<'a> {
    what: &'a str,
    errors: Vec<String>,
}

impl Check<'_> {
    fn num(&mut self, field: &str, got: Option<f64>, want: Option<f64>) {
        match (got, want) {
            (Some(g), Some(w)) if rel(g, w) <= TOL => {}
            (None, None) => {}
            _ => self.errors.push(format!(
                "{}: {field}: got {got:?}, golden {want:?} (rel {:.3e})",
                self.what,
                rel(got.unwrap_or(f64::NAN), want.unwrap_or(f64::NAN))
            )),
        }
    }

    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, field: &str, got: T, want: T) {
        if got != want {
            self.errors.push(format!(
                "{}: {field}: got {got:?}, golden {want:?}",
                self.what
            ));
        }
    }
}

/// The explicit flags that select a case's columns, mode, γ and α.
fn case_flags(c: &Case, file: &str) -> Vec<String> {
    let scores = c.score_columns.join(",");
    let score_flag = match (c.mode.as_str(), c.score_kind.as_str()) {
        ("binary", "logits") => "--logit",
        ("binary", _) => "--prob",
        (_, "logits") => "--logits",
        _ => "--probs",
    };
    let alpha = match &c.alpha {
        serde_json::Value::Null => "none".to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Array(v) => v
            .iter()
            .map(|x| x.as_f64().expect("α list of numbers").to_string())
            .collect::<Vec<_>>()
            .join(","),
        other => panic!("{}: unexpected α {other}", c.name),
    };
    let edges: Vec<String> = c.bucket_edges.iter().map(f64::to_string).collect();
    vec![
        file.into(),
        "--mode".into(),
        c.mode.clone(),
        "--label".into(),
        c.label_column.clone(),
        score_flag.into(),
        scores,
        "--gamma".into(),
        c.gamma.to_string(),
        "--alpha".into(),
        alpha,
        "--eps".into(),
        c.eps.to_string(),
        "--buckets".into(),
        edges.join(","),
        "--json".into(),
        "--quiet".into(),
    ]
}

fn run_json<T: serde::de::DeserializeOwned>(cmd: &str, args: &[String]) -> Result<T, String> {
    let out = flcli()
        .arg(cmd)
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.code() != Some(0) {
        return Err(format!(
            "exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("bad JSON: {e}"))
}

fn check_stats(ck: &mut Check, c: &Case, r: &StatsReport) {
    ck.eq("input.mode", r.input.mode.as_str(), c.mode.as_str());
    ck.eq(
        "input.score_kind",
        r.input.score_kind.as_str(),
        c.score_kind.as_str(),
    );
    ck.eq("input.label_column", &r.input.label_column, &c.label_column);
    ck.eq(
        "input.score_columns",
        &r.input.score_columns,
        &c.score_columns,
    );
    ck.eq("input.rows_read", r.input.rows_read, c.rows_read);
    ck.eq("input.rows_used", r.input.rows_used, c.rows_used);
    ck.eq("input.rows_ignored", r.input.rows_ignored, c.rows_ignored);
    ck.eq("params.gamma", r.params.gamma, c.gamma);
    ck.eq("params.alpha", &r.params.alpha, &c.alpha);
    let t = &r.totals;
    ck.eq("totals.elements", t.elements, c.totals.elements);
    ck.eq("totals.positives", t.positives, c.totals.positives);
    ck.num("totals.ce_sum", Some(t.ce_sum), Some(c.totals.ce_sum));
    ck.num(
        "totals.focal_sum",
        Some(t.focal_sum),
        Some(c.totals.focal_sum),
    );
    ck.num("totals.focal_mean", t.focal_mean, Some(c.totals.focal_mean));
    ck.num(
        "totals.ce_mean",
        t.ce_mean,
        Some(c.totals.ce_sum / c.totals.elements as f64),
    );
    ck.num(
        "totals.loss_per_positive",
        t.loss_per_positive,
        c.totals.loss_per_positive,
    );
    ck.eq("classes.len", r.classes.len(), c.classes.len());
    for (got, want) in r.classes.iter().zip(&c.classes) {
        let f = |k: &str| format!("classes[{}].{k}", want.index);
        ck.eq(&f("index"), got.index, want.index);
        ck.eq(&f("name"), &got.name, &want.name);
        ck.eq(&f("count"), got.count, want.count);
        ck.eq(&f("elements"), got.elements, want.elements);
        ck.num(&f("ce_sum"), Some(got.ce_sum), Some(want.ce_sum));
        ck.num(&f("focal_sum"), Some(got.focal_sum), Some(want.focal_sum));
        ck.num(&f("mean_p_true"), got.mean_p_true, Some(want.mean_p_true));
        ck.num(&f("accuracy"), got.accuracy, Some(want.accuracy));
        let per = want.elements as f64;
        ck.num(&f("ce_mean"), got.ce_mean, Some(want.ce_sum / per));
        ck.num(&f("focal_mean"), got.focal_mean, Some(want.focal_sum / per));
    }
    ck.eq("buckets.len", r.buckets.len(), c.buckets.len());
    for (i, (got, want)) in r.buckets.iter().zip(&c.buckets).enumerate() {
        let f = |k: &str| format!("buckets[{i}].{k}");
        ck.eq(&f("lower"), got.lower, want.lower);
        ck.eq(&f("upper"), got.upper, want.upper);
        ck.eq(&f("count"), got.count, want.count);
        ck.num(&f("ce_sum"), Some(got.ce_sum), Some(want.ce_sum));
        ck.num(&f("focal_sum"), Some(got.focal_sum), Some(want.focal_sum));
    }
}

fn check_imbalance(ck: &mut Check, g: &GoldenImbalance, r: &StatsReport) {
    let im = &r.imbalance;
    let counts: Vec<u64> = r.classes.iter().map(|c| c.count).collect();
    ck.eq("imbalance counts", counts, g.counts.clone());
    for (i, (c, w)) in r.classes.iter().zip(&g.frequencies).enumerate() {
        ck.num(&format!("classes[{i}].frequency"), c.frequency, Some(*w));
    }
    ck.num(
        "imbalance.imbalance_ratio",
        im.imbalance_ratio,
        Some(g.imbalance_ratio),
    );
    ck.num(
        "imbalance.normalized_entropy",
        im.normalized_entropy,
        Some(g.normalized_entropy),
    );
    let vec = |ck: &mut Check, k: &str, got: Vec<Option<f64>>, want: &[f64]| {
        ck.eq(&format!("{k}.len"), got.len(), want.len());
        for (i, (a, b)) in got.iter().zip(want).enumerate() {
            ck.num(&format!("{k}[{i}]"), *a, Some(*b));
        }
    };
    let en = im.effective_number.iter().map(|&x| Some(x)).collect();
    vec(ck, "imbalance.effective_number", en, &g.effective_number);
    vec(
        ck,
        "imbalance.weights.inverse_frequency",
        im.weights.inverse_frequency.clone(),
        &g.weights.inverse_frequency,
    );
    vec(
        ck,
        "imbalance.weights.effective_number",
        im.weights.effective_number.clone(),
        &g.weights.effective_number,
    );
}

/// compare's first variant is the case's (γ, α): its easy shares follow from the golden gradient sums.
fn check_compare(ck: &mut Check, c: &Case, r: &CompareReport) {
    let Some(v) = r.variants.first() else {
        ck.errors
            .push(format!("{}: compare has no variants", ck.what));
        return;
    };
    ck.num(
        "compare loss_sum",
        Some(v.loss_sum),
        Some(c.totals.focal_sum),
    );
    ck.num(
        "compare easy_grad_share",
        v.easy_grad_share,
        Some(c.grad.easy_abs_sum / c.grad.abs_sum),
    );
    ck.num(
        "compare easy_loss_share",
        v.easy_loss_share,
        Some(c.grad.easy_loss_sum / c.totals.focal_sum),
    );
}

fn run_case(g: &Golden, c: &Case, ext: &str) -> Vec<String> {
    let file = fixture(&format!("{}.{ext}", c.fixture));
    let what = format!("{} [{ext}]", c.name);
    let mut ck = Check {
        what: &what,
        errors: Vec::new(),
    };
    let args = case_flags(c, &file.display().to_string());
    match run_json::<StatsReport>("stats", &args) {
        Ok(r) => {
            check_stats(&mut ck, c, &r);
            match g.imbalance.get(&c.fixture) {
                Some(im) => check_imbalance(&mut ck, im, &r),
                None => ck.errors.push(format!("{what}: no golden imbalance block")),
            }
        }
        Err(e) => ck.errors.push(format!("{what}: stats failed: {e}")),
    }
    match run_json::<CompareReport>("compare", &args) {
        Ok(r) => check_compare(&mut ck, c, &r),
        Err(e) => ck.errors.push(format!("{what}: compare failed: {e}")),
    }
    ck.errors
}

#[test]
fn every_golden_case_matches_on_csv_and_parquet() {
    let g = golden();
    assert!(g.cases.len() >= 62, "golden.json lost cases");
    let runs: Vec<(&Case, &str)> = g
        .cases
        .iter()
        .flat_map(|c| [(c, "csv"), (c, "parquet")])
        .collect();
    let errors: Vec<String> = runs
        .par_iter()
        .flat_map(|(c, ext)| run_case(&g, c, ext))
        .collect();
    let failed: std::collections::BTreeSet<&str> = errors
        .iter()
        .map(|e| e.split(':').next().unwrap_or(""))
        .collect();
    assert!(
        errors.is_empty(),
        "{} golden run(s) differ: {:?}\n{}",
        failed.len(),
        failed,
        errors.join("\n")
    );
}

#[test]
fn every_fixture_has_its_golden_cases() {
    // Guards against a golden.json regenerated without some fixture or mode.
    let g = golden();
    for (fixture, mode, kind) in [
        ("detection", "binary", "logits"),
        ("detection", "binary", "probabilities"),
        ("sigmoid", "sigmoid", "logits"),
        ("longtail", "softmax", "probabilities"),
        ("longtail_logits", "softmax", "logits"),
        ("animals", "softmax", "probabilities"),
    ] {
        let n = g
            .cases
            .iter()
            .filter(|c| c.fixture == fixture && c.mode == mode && c.score_kind == kind)
            .count();
        assert!(n >= 4, "{fixture} {mode} {kind}: only {n} golden cases");
        assert!(fixture_exists(fixture), "{fixture}: csv or parquet missing");
    }
}

fn fixture_exists(name: &str) -> bool {
    fixture(&format!("{name}.csv")).is_file() && fixture(&format!("{name}.parquet")).is_file()
}
