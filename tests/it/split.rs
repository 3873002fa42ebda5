//! Reports that do not depend on how the rows were split: the same rows as
//! one file, with other row-group sizes, split into files at arbitrary rows
//! (in any order), as CSV, or as partial results merged in any order, give
//! the same JSON bit for bit (the `input` object aside).

use crate::partial::{assert_same, partial, report, strip_input};
use crate::support::{f64s, flcli, i64s, ok, write_parquet, Rng};
use std::path::{Path, PathBuf};

/// Binary rows whose logits cover the whole range: many near zero, the
/// bulk of a detector's easy negatives, and some so far out (|x| up to
/// 5000) that the element's CE passes the grid of its p_t bin and is added
/// exactly instead.
fn rows(n: usize) -> (Vec<i64>, Vec<f64>) {
    let mut r = Rng(0x5eed_1234_abcd);
    let mut labels = Vec::with_capacity(n);
    let mut logits = Vec::with_capacity(n);
    for i in 0..n {
        let pos = r.next().is_multiple_of(8);
        let u = r.uniform();
        let x = match i % 50 {
            0 => 600.0 + 4400.0 * u,
            1 => -(600.0 + 4400.0 * u),
            2 => (u - 0.5) * 1e-6,
            3..=9 => (u - 0.5) * 80.0,
            _ => -4.0 - 8.0 * u + if pos { 6.0 } else { 0.0 },
        };
        labels.push(pos as i64);
        logits.push(x);
    }
    (labels, logits)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Rows `a..b` as a Parquet file with row groups of `group` rows.
fn parquet(
    dir: &Path,
    name: &str,
    d: &(Vec<i64>, Vec<f64>),
    a: usize,
    b: usize,
    group: usize,
) -> PathBuf {
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(group))
        .build();
    let cols = vec![
        ("label", i64s(d.0[a..b].to_vec())),
        ("logit", f64s(d.1[a..b].to_vec())),
    ];
    write_parquet(dir, name, cols, Some(props))
}

/// Rows `a..b` as CSV, each logit in its shortest round-trip form.
fn csv(dir: &Path, name: &str, d: &(Vec<i64>, Vec<f64>), a: usize, b: usize) -> PathBuf {
    let mut text = String::from("label,logit\n");
    for i in a..b {
        text.push_str(&format!("{},{:?}\n", d.0[i], d.1[i]));
    }
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn binary_reports_do_not_depend_on_how_the_rows_were_split() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let n = 60_000;
    let data = rows(n);
    let (c1, c2) = (12_345, 31_007);
    let whole = parquet(d, "whole.parquet", &data, 0, n, n);
    let small = parquet(d, "small.parquet", &data, 0, n, 7_777);
    let parts = [(0, c1), (c1, c2), (c2, n)]
        .iter()
        .enumerate()
        .map(|(k, &(a, b))| parquet(d, &format!("p{k}.parquet"), &data, a, b, 5_000))
        .collect::<Vec<_>>();
    let csv_whole = csv(d, "whole.csv", &data, 0, n);
    let csv_parts = [
        csv(d, "a.csv", &data, 0, 20_001),
        csv(d, "b.csv", &data, 20_001, n),
    ];
    let svg = d.join("plot.svg");
    let grid = ["--gamma", "0,0.5,1,2,5", "--alpha", "0.25"];
    let layouts: Vec<Vec<&Path>> = vec![
        vec![&small],
        vec![&parts[0], &parts[1], &parts[2]],
        vec![&parts[2], &parts[0], &parts[1]],
        vec![&csv_whole],
        vec![&csv_parts[1], &csv_parts[0]],
    ];
    for cmd in ["stats", "compare", "recommend"] {
        let extra: Vec<&str> = match cmd {
            "compare" => [&grid[..], &["--plot", s(&svg)]].concat(),
            _ => Vec::new(),
        };
        let on = |files: &[&Path]| {
            let mut args: Vec<&str> = files.iter().map(|p| s(p)).collect();
            args.extend(&extra);
            report(cmd, &args)
        };
        let want = on(&[&whole]);
        if cmd == "stats" {
            sums_are_right(&want, &data);
        }
        for files in &layouts {
            assert_same(&on(files), &want, &format!("{cmd} on {files:?}"));
        }
        // The scalar path (no vector instructions) adds the same integers.
        let mut args = vec![s(&parts[1]), s(&parts[0]), s(&parts[2])];
        args.extend(&extra);
        let (so, _) = ok(flcli()
            .env("FLCLI_SIMD", "none")
            .arg(cmd)
            .args(["--json", "-q"])
            .args(&args));
        let mut scalar: serde_json::Value = serde_json::from_str(&so).unwrap();
        strip_input(&mut scalar);
        if let Some(r) = scalar.get_mut("reproduce").and_then(|r| r.as_object_mut()) {
            r.remove("flcli");
        }
        assert_same(
            &scalar,
            &want,
            &format!("{cmd} without vector instructions"),
        );
    }
    // Partial results of the parts, merged in another order.
    let flp: Vec<PathBuf> = parts
        .iter()
        .enumerate()
        .map(|(k, p)| {
            partial(
                &[s(p), "--gamma", "0,0.5,1,2,5"],
                &d.join(format!("p{k}.flp")),
            )
        })
        .collect();
    let want = report("compare", &[&[s(&whole)], &grid[..]].concat());
    let got = report(
        "compare",
        &[&[s(&flp[1]), s(&flp[2]), s(&flp[0])], &grid[..]].concat(),
    );
    assert_same(&got, &want, "compare on partials");
}

/// The report's CE and focal (γ = 2, α = 0.25) totals against sums computed
/// here, value by value, in `f64`: the sums are exact up to each element's
/// own rounding, so they agree far inside 1e-12.
fn sums_are_right(report: &serde_json::Value, (labels, logits): &(Vec<i64>, Vec<f64>)) {
    let softplus = |z: f64| z.max(0.0) + (-z.abs()).exp().ln_1p();
    let (mut ce, mut focal) = (0.0f64, 0.0f64);
    let (mut ce_c, mut focal_c) = (0.0f64, 0.0f64);
    for (&y, &x) in labels.iter().zip(logits) {
        // The margin of the true class: p_t = σ(m), 1 - p_t = σ(-m).
        let m = if y == 1 { x } else { -x };
        let l = softplus(-m);
        let q = (-softplus(m)).exp();
        let alpha = if y == 1 { 0.25 } else { 0.75 };
        let f = alpha * q * q * l;
        // Kahan sums: plain f64 sums of 60,000 values drift by about 1e-13.
        for (sum, c, v) in [(&mut ce, &mut ce_c, l), (&mut focal, &mut focal_c, f)] {
            let t = *sum + (v - *c);
            *c = (t - *sum) - (v - *c);
            *sum = t;
        }
    }
    let totals = &report["totals"];
    for (key, want) in [("ce_sum", ce), ("focal_sum", focal)] {
        let got = totals[key].as_f64().unwrap();
        assert!((got - want).abs() <= 1e-12 * want, "{key}: {got} vs {want}");
    }
}
