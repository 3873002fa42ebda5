//! Reports that do not depend on how the rows were split: the same rows as
//! one file, with other row-group sizes, split into files at arbitrary rows
//! (in any order), as CSV, or as partial results merged in any order, give
//! the same JSON bit for bit (the `input` object aside): binary, softmax
//! (logits and probabilities), sigmoid and multi-label rows, and each
//! `--by` group's.

use crate::partial::{assert_same, partial, report, strip_input};
use crate::support::{f64s, flcli, i64s, ok, write_parquet, Rng};
use std::path::{Path, PathBuf};

/// A table of named columns, labels and targets as integers, scores as floats.
struct Table {
    ints: Vec<(String, Vec<i64>)>,
    floats: Vec<(String, Vec<f64>)>,
}

impl Table {
    fn rows(&self) -> usize {
        self.ints[0].1.len()
    }
}

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

/// One score of a multi-class row: mostly moderate, some far out.
fn score(r: &mut Rng, i: usize, k: usize) -> f64 {
    let u = r.uniform();
    match (i + 7 * k) % 40 {
        0 => 300.0 + 900.0 * u,
        1 => -(300.0 + 900.0 * u),
        2 => (u - 0.5) * 1e-7,
        _ => (u - 0.5) * 24.0,
    }
}

/// `n` rows of `k` logits (or their softmax probabilities) with a label
/// column: classes 0..k, a few rows at the ignore index (-100), and (for
/// sigmoid) background rows (-1); the true class's logit is raised.
fn multiclass(n: usize, k: usize, probs: bool, background: bool) -> Table {
    let mut r = Rng(0xfeed_0042 + k as u64);
    let mut labels = Vec::with_capacity(n);
    let mut cols = vec![Vec::with_capacity(n); k];
    for i in 0..n {
        let y = match r.next() % 40 {
            0 => -100,
            1..=6 if background => -1,
            v => (v % k as u64) as i64,
        };
        let mut row: Vec<f64> = (0..k).map(|c| score(&mut r, i, c)).collect();
        if y >= 0 && i % 3 > 0 {
            row[y as usize] += 6.0;
        }
        if probs {
            let m = row.iter().cloned().fold(f64::MIN, f64::max);
            let e: Vec<f64> = row.iter().map(|x| (x - m).exp()).collect();
            let z: f64 = e.iter().sum();
            row = e.iter().map(|x| x / z).collect();
        }
        labels.push(y);
        for (c, x) in cols.iter_mut().zip(row) {
            c.push(x);
        }
    }
    let prefix = if probs { "prob" } else { "logit" };
    Table {
        ints: vec![("label".into(), labels)],
        floats: cols
            .into_iter()
            .enumerate()
            .map(|(c, v)| (format!("{prefix}_{c}"), v))
            .collect(),
    }
}

/// `n` multi-label rows: `k` 0/1 target columns and `k` logits.
fn multilabel(n: usize, k: usize) -> Table {
    let mut r = Rng(0xabba_7777);
    let mut ys = vec![Vec::with_capacity(n); k];
    let mut xs = vec![Vec::with_capacity(n); k];
    for i in 0..n {
        for c in 0..k {
            let on = r.next().is_multiple_of(5);
            ys[c].push(on as i64);
            xs[c].push(score(&mut r, i, c) + if on { 5.0 } else { -3.0 });
        }
    }
    let name = |p: &str, c: usize| format!("{p}_{c}");
    Table {
        ints: ys
            .into_iter()
            .enumerate()
            .map(|(c, v)| (name("y", c), v))
            .collect(),
        floats: xs
            .into_iter()
            .enumerate()
            .map(|(c, v)| (name("logit", c), v))
            .collect(),
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Rows `a..b` as a Parquet file with row groups of `group` rows.
fn parquet(dir: &Path, name: &str, t: &Table, a: usize, b: usize, group: usize) -> PathBuf {
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(group))
        .build();
    let mut cols = Vec::new();
    for (n, v) in &t.ints {
        cols.push((n.as_str(), i64s(v[a..b].to_vec())));
    }
    for (n, v) in &t.floats {
        cols.push((n.as_str(), f64s(v[a..b].to_vec())));
    }
    write_parquet(dir, name, cols, Some(props))
}

/// Rows `a..b` as CSV, each float in its shortest round-trip form.
fn csv(dir: &Path, name: &str, t: &Table, a: usize, b: usize) -> PathBuf {
    let names: Vec<&str> = t
        .ints
        .iter()
        .map(|c| c.0.as_str())
        .chain(t.floats.iter().map(|c| c.0.as_str()))
        .collect();
    let mut text = names.join(",") + "\n";
    for i in a..b {
        let ints = t.ints.iter().map(|c| c.1[i].to_string());
        let floats = t.floats.iter().map(|c| format!("{:?}", c.1[i]));
        text.push_str(&ints.chain(floats).collect::<Vec<_>>().join(","));
        text.push('\n');
    }
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Checks that `stats`, `compare` (with calibration, for `--plot`) and
/// `recommend` give the same JSON on every layout of `t`'s rows, with and
/// without vector instructions, and that `compare` on partials of three parts
/// merged in another order gives it too. Returns the `stats` report on the
/// whole file.
fn same_on_every_split(t: &Table, flags: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let n = t.rows();
    let (c1, c2) = (n / 5 + 345, n / 2 + 1_007);
    let whole = parquet(d, "whole.parquet", t, 0, n, n);
    let small = parquet(d, "small.parquet", t, 0, n, n / 8 + 27);
    let parts = [(0, c1), (c1, c2), (c2, n)]
        .iter()
        .enumerate()
        .map(|(k, &(a, b))| parquet(d, &format!("p{k}.parquet"), t, a, b, n / 12))
        .collect::<Vec<_>>();
    let csv_whole = csv(d, "whole.csv", t, 0, n);
    let csv_parts = [
        csv(d, "a.csv", t, 0, n / 3 + 1),
        csv(d, "b.csv", t, n / 3 + 1, n),
    ];
    let svg = d.join("plot.svg");
    let grid = ["--gamma", "0,0.5,1,2,5"];
    let layouts: Vec<Vec<&Path>> = vec![
        vec![&small],
        vec![&parts[0], &parts[1], &parts[2]],
        vec![&parts[2], &parts[0], &parts[1]],
        vec![&csv_whole],
        vec![&csv_parts[1], &csv_parts[0]],
    ];
    let mut stats = None;
    // `recommend` has no `--by`.
    let by = flags.contains(&"--by");
    let cmds = if by {
        &["stats", "compare"][..]
    } else {
        &["stats", "compare", "recommend"]
    };
    for &cmd in cmds {
        let mut extra: Vec<&str> = flags.to_vec();
        if cmd == "compare" {
            extra.extend(grid);
            extra.extend(["--plot", s(&svg)]);
        }
        let on = |files: &[&Path]| {
            let mut args: Vec<&str> = files.iter().map(|p| s(p)).collect();
            args.extend(&extra);
            report(cmd, &args)
        };
        let want = on(&[&whole]);
        for files in &layouts {
            assert_same(&on(files), &want, &format!("{cmd} {flags:?} on {files:?}"));
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
        let what = format!("{cmd} {flags:?} without vector instructions");
        assert_same(&scalar, &want, &what);
        if cmd == "stats" {
            stats = Some(want);
        }
    }
    // Partial results of the parts, merged in another order.
    let flp: Vec<PathBuf> = parts
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let mut args = vec![s(p)];
            args.extend(flags);
            args.extend(grid);
            partial(&args, &d.join(format!("p{k}.flp")))
        })
        .collect();
    let mut args = vec![s(&whole)];
    args.extend(flags);
    args.extend(grid);
    let want = report("compare", &args);
    let mut args = vec![s(&flp[1]), s(&flp[2]), s(&flp[0])];
    args.extend(grid);
    // A report on partials shows their groups when asked to.
    if let Some(i) = flags.iter().position(|&f| f == "--by") {
        args.extend(&flags[i..i + 2]);
    }
    assert_same(
        &report("compare", &args),
        &want,
        &format!("compare {flags:?} on partials"),
    );
    stats.expect("stats ran")
}

#[test]
fn binary_reports_do_not_depend_on_how_the_rows_were_split() {
    let data = rows(60_000);
    let t = Table {
        ints: vec![("label".into(), data.0.clone())],
        floats: vec![("logit".into(), data.1.clone())],
    };
    let stats = same_on_every_split(&t, &[]);
    sums_are_right(&stats, &data);
}

#[test]
fn softmax_reports_do_not_depend_on_how_the_rows_were_split() {
    same_on_every_split(
        &multiclass(20_000, 5, false, false),
        &["--logits", "logit_*"],
    );
    same_on_every_split(&multiclass(20_000, 5, true, false), &["--probs", "prob_*"]);
}

#[test]
fn sigmoid_reports_do_not_depend_on_how_the_rows_were_split() {
    let flags = ["--mode", "sigmoid", "--logits", "logit_*"];
    same_on_every_split(&multiclass(12_000, 4, false, true), &flags);
    let flags = ["--targets", "y_*", "--logits", "logit_*"];
    same_on_every_split(&multilabel(8_000, 4), &flags);
}

/// A group column of `n` rows: 37 groups, each row's chosen apart from its
/// neighbours', so that every layout splits every group.
fn groups(n: usize) -> (String, Vec<i64>) {
    (
        "grp".into(),
        (0..n).map(|i| ((i * 7919) % 37) as i64).collect(),
    )
}

#[test]
fn grouped_reports_do_not_depend_on_how_the_rows_were_split() {
    let (labels, logits) = rows(30_000);
    let t = Table {
        ints: vec![("label".into(), labels), groups(30_000)],
        floats: vec![("logit".into(), logits)],
    };
    same_on_every_split(&t, &["--by", "grp"]);
    let mut t = multiclass(6_000, 4, false, false);
    t.ints.push(groups(6_000));
    same_on_every_split(&t, &["--logits", "logit_*", "--by", "grp"]);
    let mut t = multiclass(6_000, 3, false, true);
    t.ints.push(groups(6_000));
    let flags = ["--mode", "sigmoid", "--logits", "logit_*", "--by", "grp"];
    same_on_every_split(&t, &flags);
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
