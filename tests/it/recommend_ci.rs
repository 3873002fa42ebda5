//! recommend's share intervals: the delta-method interval of the easy-gradient and
//! easy-loss shares against the same formula applied to per-row values computed here, the
//! gradient rule flipping between a small and a large data set with the same shares, and
//! partials and sums without second moments saying so.

use crate::support::{f64_lists, f64s, i64s, ok, Lcg, Workdir};
use serde_json::Value;

/// `flcli recommend --json -q ARGS` in `w`.
fn recommend(w: &Workdir, args: &[&str]) -> Value {
    let (so, _) = ok(w.cmd().arg("recommend").args(["--json", "-q"]).args(args));
    serde_json::from_str(&so).expect("JSON")
}

/// The share of easy elements in Σ t and its 95% delta-method interval, from per-element values.
fn brute(t: &[f64], easy: &[bool]) -> (f64, [f64; 2]) {
    let total: f64 = t.iter().sum();
    let a: f64 = t.iter().zip(easy).filter(|p| *p.1).map(|p| p.0).sum();
    let r = a / total;
    // Σ (a_i − R t_i)² / T², element by element.
    let var: f64 = t
        .iter()
        .zip(easy)
        .map(|(&x, &e)| {
            let d = if e { x - r * x } else { -r * x };
            d * d
        })
        .sum::<f64>()
        / (total * total);
    let half = 1.959_963_984_540_054 * var.sqrt();
    (r, [(r - half).max(0.0), (r + half).min(1.0)])
}

#[track_caller]
fn assert_interval(d: &Value, key: &str, want: [f64; 2]) {
    let got = &d[key];
    for (k, w) in want.iter().enumerate() {
        let g = got[k].as_f64().unwrap_or_else(|| panic!("{key}: {got}"));
        assert!(
            (g - w).abs() <= 1e-9 * w.abs().max(1e-3),
            "{key}[{k}]: {g} vs {w}"
        );
    }
}

#[test]
fn binary_share_intervals_match_the_formula_on_per_row_values() {
    let w = Workdir::new();
    let mut rng = Lcg::new(7);
    let n = 3000;
    let (mut labels, mut logits) = (Vec::new(), Vec::new());
    for i in 0..n {
        labels.push((i % 2) as i64);
        logits.push(rng.range(-6.0, 6.0));
    }
    let f = w.write_parquet(
        "b.parquet",
        vec![
            ("label", i64s(labels.clone())),
            ("logit", f64s(logits.clone())),
        ],
        1000,
    );
    let r = recommend(&w, &[f.to_str().unwrap()]);
    let d = &r["evidence"]["decision"];
    assert_eq!(d["ce_variant"], "ce", "balanced: plain CE is the baseline");
    assert!(d["share_intervals_unavailable"].is_null());
    // Per row: p_t, |∂CE/∂x| = 1 − p_t, CE = −ln p_t.
    let pt: Vec<f64> = labels
        .iter()
        .zip(&logits)
        .map(|(&y, &x)| {
            let p = 1.0 / (1.0 + (-x).exp());
            if y == 1 {
                p
            } else {
                1.0 - p
            }
        })
        .collect();
    let easy: Vec<bool> = pt.iter().map(|&p| p >= 0.9).collect();
    let grad: Vec<f64> = pt.iter().map(|p| 1.0 - p).collect();
    let loss: Vec<f64> = pt.iter().map(|p| -p.ln()).collect();
    let (rg, ig) = brute(&grad, &easy);
    let (rl, il) = brute(&loss, &easy);
    assert!((d["ce_easy_grad_share"].as_f64().unwrap() - rg).abs() < 1e-9);
    assert!((d["ce_easy_loss_share"].as_f64().unwrap() - rl).abs() < 1e-9);
    assert_interval(d, "ce_easy_grad_share_interval", ig);
    assert_interval(d, "ce_easy_loss_share_interval", il);
    // Class frequencies with Wilson's interval: 1500 of 3000 rows.
    let c = &d["class_frequencies"][1];
    assert_eq!(c["rows"], 1500);
    let (p, z) = (0.5, 1.959_963_984_540_054f64);
    let centre = (p + z * z / 6000.0) / (1.0 + z * z / 3000.0);
    let half = z * (p * (1.0 - p) / 3000.0 + z * z / (4.0 * 9e6)).sqrt() / (1.0 + z * z / 3000.0);
    assert!((c["interval"][0].as_f64().unwrap() - (centre - half)).abs() < 1e-12);
    assert!((c["interval"][1].as_f64().unwrap() - (centre + half)).abs() < 1e-12);
}

#[test]
fn softmax_share_intervals_match_the_formula_on_per_row_values() {
    let w = Workdir::new();
    let mut rng = Lcg::new(11);
    let (n, k) = (1500, 3);
    let mut labels = Vec::new();
    let mut rows: Vec<Vec<f64>> = Vec::new();
    for i in 0..n {
        let y = i % k;
        let mut row: Vec<f64> = (0..k).map(|_| rng.range(-2.0, 2.0)).collect();
        row[y] += rng.range(0.0, 6.0);
        labels.push(y as i64);
        rows.push(row);
    }
    let f = w.write_parquet(
        "s.parquet",
        vec![
            ("label", i64s(labels.clone())),
            ("logits", f64_lists(&rows)),
        ],
        500,
    );
    let r = recommend(&w, &[f.to_str().unwrap(), "--mode", "softmax"]);
    let d = &r["evidence"]["decision"];
    assert_eq!(d["alpha_rule"], "none");
    let pt: Vec<f64> = rows
        .iter()
        .zip(&labels)
        .map(|(row, &y)| {
            let m = row.iter().cloned().fold(f64::MIN, f64::max);
            let s: f64 = row.iter().map(|z| (z - m).exp()).sum();
            (row[y as usize] - m).exp() / s
        })
        .collect();
    let easy: Vec<bool> = pt.iter().map(|&p| p >= 0.9).collect();
    let grad: Vec<f64> = pt.iter().map(|p| 1.0 - p).collect();
    let loss: Vec<f64> = pt.iter().map(|p| -p.ln()).collect();
    assert_interval(d, "ce_easy_grad_share_interval", brute(&grad, &easy).1);
    assert_interval(d, "ce_easy_loss_share_interval", brute(&loss, &easy).1);
}

/// Balanced binary logits: `m` copies of 12 easy elements (p_t = 0.92) and one hard one
/// (p_t = 0.5) per polarity; easy elements hold 66% of CE's gradient and 59% of its loss.
fn copies(w: &Workdir, name: &str, m: usize) -> String {
    let logit = |p: f64| (p / (1.0 - p)).ln();
    let (mut labels, mut logits) = (Vec::new(), Vec::new());
    for _ in 0..m {
        for y in [0i64, 1] {
            for pt in std::iter::repeat_n(0.92, 12).chain([0.5]) {
                labels.push(y);
                logits.push(if y == 1 { logit(pt) } else { -logit(pt) });
            }
        }
    }
    let f = w.write_parquet(
        name,
        vec![("label", i64s(labels)), ("logit", f64s(logits))],
        100_000,
    );
    f.to_str().unwrap().to_string()
}

/// The logit column of a Parquet file written by [`copies`].
fn logits_of(path: &str) -> Vec<f64> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Float64Type;
    let f = std::fs::File::open(path).unwrap();
    let r = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap();
    let mut out = Vec::new();
    for b in r {
        let b = b.unwrap();
        let col = b.column_by_name("logit").unwrap();
        out.extend(col.as_primitive::<Float64Type>().values().iter());
    }
    out
}

#[test]
fn the_gradient_rule_waits_for_the_interval_on_small_data() {
    let w = Workdir::new();
    let small = recommend(&w, &[&copies(&w, "small.parquet", 1)]);
    let large = recommend(&w, &[&copies(&w, "large.parquet", 200)]);
    let share = |r: &Value| {
        r["evidence"]["decision"]["ce_easy_grad_share"]
            .as_f64()
            .unwrap()
    };
    assert!((share(&small) - share(&large)).abs() < 1e-12);
    assert!(share(&small) > 0.5, "{}", share(&small));
    let lo = |r: &Value| {
        r["evidence"]["decision"]["ce_easy_grad_share_interval"][0]
            .as_f64()
            .unwrap()
    };
    assert!(
        lo(&small) <= 0.5 && lo(&large) > 0.5,
        "{} {}",
        lo(&small),
        lo(&large)
    );
    // 26 elements: the point value is over the target, its interval is not: no γ.
    assert_eq!(small["recommendation"]["gamma"], 0.0);
    assert_eq!(small["evidence"]["decision"]["gradient_argument"], false);
    let why = small["recommendation"]["rationale"].to_string();
    assert!(
        why.contains("95% interval at this size reaches down to"),
        "{why}"
    );
    // 5200 elements, the same shares: the gradient argument holds.
    assert_eq!(large["evidence"]["decision"]["gradient_argument"], true);
    assert!(large["recommendation"]["gamma"].as_f64().unwrap() > 0.0);
    let why = large["recommendation"]["rationale"].to_string();
    assert!(why.contains("(95% CI "), "{why}");
}

#[test]
fn partials_keep_the_moments() {
    let w = Workdir::new();
    let f = copies(&w, "d.parquet", 50);
    let direct = recommend(&w, &[&f]);
    let flp = w.path("d.flp");
    ok(w.cmd().args(["partial", &f, "-q", "-o"]).arg(&flp));
    let on = recommend(&w, &[flp.to_str().unwrap()]);
    let d = |r: &Value| r["evidence"]["decision"].clone();
    assert_eq!(d(&on), d(&direct));
    // Under --by each group's sums are added element by element (no copies): the whole
    // agrees with the direct run to rounding.
    let by = w.path("by.flp");
    let site: Vec<i64> = (0..5200).map(|i| (i * 7 % 5) as i64).collect();
    let (so, _) = ok(w.cmd().args(["stats", "--json", "-q", &f]));
    let rows = serde_json::from_str::<Value>(&so).unwrap()["input"]["rows_used"].as_u64();
    assert_eq!(rows, Some(1300));
    let labels: Vec<i64> = (0..1300).map(|i| (i / 13 % 2) as i64).collect();
    let g = w.write_parquet(
        "g.parquet",
        vec![
            ("label", i64s(labels)),
            ("logit", f64s(logits_of(&f))),
            ("site", i64s(site[..1300].to_vec())),
        ],
        100_000,
    );
    ok(w.cmd()
        .args(["partial", "--by", "site", "-q", g.to_str().unwrap(), "-o"])
        .arg(&by));
    let whole = d(&recommend(&w, &[by.to_str().unwrap()]));
    for key in ["ce_easy_grad_share_interval", "ce_easy_loss_share_interval"] {
        for k in 0..2 {
            let (a, b) = (
                whole[key][k].as_f64().unwrap(),
                d(&direct)[key][k].as_f64().unwrap(),
            );
            assert!((a - b).abs() <= 1e-12, "{key}: {a} vs {b}");
        }
    }
    // Partials of version 1, without second moments: src/partial/version_tests.rs.
}
