//! Degenerate data: a clear report with exit 0, nulls where a number
//! cannot be computed, and never NaN or infinity anywhere in the output.

use crate::support::*;
use flcli::report::{CompareReport, StatsReport};
use std::path::{Path, PathBuf};

const VARIANTS: [&str; 10] = [
    "--variant",
    "flsd53",
    "--variant",
    "asl:1,4",
    "--variant",
    "cb:0.999",
    "--variant",
    "cb:0.9,2",
    "--variant",
    "poly1:1",
];

/// Runs stats and compare (with every named variant) in JSON and table form;
/// checks exit 0, finite numbers only, and that the JSON fits the report types.
fn check_all(file: &Path, extra: &[&str]) -> (StatsReport, CompareReport) {
    let mut args: Vec<&std::ffi::OsStr> = vec![file.as_os_str()];
    args.extend(extra.iter().map(|s| std::ffi::OsStr::new(*s)));
    let s = json_value("stats", &args);
    assert_all_finite(&s, "stats");
    let stats: StatsReport = serde_json::from_value(s).expect("a stats report");
    let mut cargs = args.clone();
    cargs.extend(VARIANTS.iter().map(|s| std::ffi::OsStr::new(*s)));
    let c = json_value("compare", &cargs);
    assert_all_finite(&c, "compare");
    let compare: CompareReport = serde_json::from_value(c).expect("a compare report");
    for cmd in ["stats", "compare"] {
        let a = if cmd == "stats" { &args } else { &cargs };
        let t = table(cmd, a);
        let bad = t
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "nan" || w == "inf" || w == "infinity");
        assert!(!bad, "NaN or inf in the table:\n{t}");
    }
    (stats, compare)
}

fn file(d: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    write(d.path(), name, text)
}

#[test]
fn a_class_with_no_rows() {
    let d = tempfile::tempdir().unwrap();
    let f = file(
        &d,
        "empty_class.csv",
        "label,p_cat,p_dog,p_fish\ncat,0.7,0.2,0.1\ndog,0.2,0.7,0.1\ncat,0.5,0.4,0.1\n",
    );
    let (s, c) = check_all(&f, &[]);
    let im = &s.imbalance;
    assert_eq!(im.imbalance_ratio, None);
    let note = im.imbalance_ratio_note.as_deref().expect("a reason");
    assert!(note.contains("fish") && note.contains("no rows"), "{note}");
    let fish = &s.classes[2];
    assert_eq!((fish.count, fish.elements), (0, 0));
    assert_eq!(fish.frequency, Some(0.0));
    assert_eq!(fish.ce_sum, 0.0);
    assert_eq!(
        (
            fish.ce_mean,
            fish.focal_mean,
            fish.mean_p_true,
            fish.accuracy
        ),
        (None, None, None, None)
    );
    assert_eq!(im.weights.inverse_frequency[2], None);
    assert_eq!(im.weights.effective_number[2], None);
    assert_eq!(im.effective_number[2], 0.0);
    assert_eq!(im.minority, "fish");
    assert_eq!(s.totals.elements, 3);
    assert!(s.totals.ce_mean.is_some());
    // class-balanced weights give the empty class weight 0, not NaN
    let cb = c
        .variants
        .iter()
        .find(|v| v.name.starts_with("cb b=0.999"))
        .unwrap();
    assert_eq!(cb.alpha[2], serde_json::json!(0.0));
    let t = table("stats", &[&f]);
    assert!(t.contains("fish have no rows"), "{t}");

    // sigmoid: a class without positive rows
    let f = file(
        &d,
        "empty_sigmoid.csv",
        "label,logit_0,logit_1\n0,2,-3\n-1,-2,-1\n0,1,-4\n",
    );
    let (s, _) = check_all(&f, &["--mode", "sigmoid"]);
    assert_eq!(s.imbalance.imbalance_ratio, None);
    let note = s.imbalance.imbalance_ratio_note.unwrap();
    assert!(note.contains("1 have no positive rows"), "{note}");
    assert_eq!(s.classes[1].count, 0);
    assert_eq!(s.classes[1].elements, 3, "its negatives still count");
    assert!(s.classes[1].ce_mean.is_some());
}

#[test]
fn a_data_set_with_one_class_only() {
    let d = tempfile::tempdir().unwrap();
    let f = file(&d, "ones.csv", "label,prob\n1,0.9\n1,0.6\n1,0.2\n");
    let (s, c) = check_all(&f, &[]);
    assert_eq!(s.imbalance.imbalance_ratio, None);
    assert!(s
        .imbalance
        .imbalance_ratio_note
        .as_deref()
        .unwrap()
        .contains("0 have no rows"));
    assert_eq!(s.classes[1].count, 3);
    assert_eq!(s.classes[1].frequency, Some(1.0));
    assert_eq!(s.imbalance.positive_negative_ratio, None, "no negatives");
    assert_eq!(s.totals.positives, 3);
    let want: f64 = [0.9f64, 0.6, 0.2].iter().map(|p| -p.ln()).sum();
    assert_close(s.totals.ce_sum, want, 1e-14, "CE");
    assert_eq!(c.variants[0].hardest_1pct_loss_share.negatives, None);
    assert!(c.variants[0].hardest_1pct_loss_share.positives.is_some());

    let f = file(
        &d,
        "softmax_one.csv",
        "label,prob_0,prob_1,prob_2\n0,0.8,0.1,0.1\n0,0.6,0.3,0.1\n",
    );
    let (s, _) = check_all(&f, &[]);
    assert_eq!(s.imbalance.imbalance_ratio, None);
    let note = s.imbalance.imbalance_ratio_note.unwrap();
    assert!(note.contains("1, 2 have no rows"), "{note}");
    assert_eq!(s.imbalance.normalized_entropy, Some(0.0));
    assert_eq!(s.imbalance.majority, "0");
}

#[test]
fn no_positives_in_sigmoid_mode() {
    let d = tempfile::tempdir().unwrap();
    let f = file(
        &d,
        "background.csv",
        "label,logit_0,logit_1,logit_2\n-1,-3,-2,-5\n-1,-4,1,-6\n-1,0.5,-2,-1\n",
    );
    let (s, c) = check_all(&f, &["--mode", "sigmoid"]);
    assert_eq!(s.input.background_rows, Some(3));
    assert_eq!(s.input.rows_used, 3);
    assert_eq!(s.totals.positives, 0);
    assert_eq!(s.totals.elements, 9);
    assert_eq!(s.totals.loss_per_positive, None);
    assert!(s.totals.focal_mean.is_some());
    let im = &s.imbalance;
    assert_eq!(im.imbalance_ratio, None);
    assert!(im
        .imbalance_ratio_note
        .as_deref()
        .unwrap()
        .contains("no positives"));
    assert_eq!(im.positives_per_class, Some(vec![0, 0, 0]));
    assert_eq!(im.normalized_entropy, None);
    assert_eq!(im.positive_negative_ratio, Some(0.0));
    assert!(s
        .classes
        .iter()
        .all(|c| c.accuracy.is_none() && c.frequency.is_none()));
    for v in &c.variants {
        assert_eq!(v.hardest_10pct_loss_share.positives, None, "{}", v.name);
        assert!(v.curves.positives.is_empty());
        assert!(v.hardest_10pct_loss_share.negatives.is_some());
    }
    // CE by hand: every element is a negative, CE = ln(1 + e^x).
    let xs = [-3.0f64, -2.0, -5.0, -4.0, 1.0, -6.0, 0.5, -2.0, -1.0];
    let want: f64 = xs.iter().map(|&x| binary_logit(x, 0, 0.0, 0.0).0).sum();
    assert_close(s.totals.ce_sum, want, 1e-14, "CE");
}

#[test]
fn every_pt_in_one_bucket() {
    let d = tempfile::tempdir().unwrap();
    // p_t = 0.95 / 0.96 / 0.93: all in [0.9, 0.99)
    let f = file(
        &d,
        "easy.csv",
        "label,prob\n1,0.95\n0,0.04\n1,0.93\n0,0.07\n",
    );
    let (s, c) = check_all(&f, &[]);
    let full: Vec<usize> = s
        .buckets
        .iter()
        .enumerate()
        .filter(|(_, b)| b.count > 0)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(full, vec![5]);
    let b = &s.buckets[5];
    assert_eq!((b.lower, b.upper), (0.9, 0.99));
    assert_eq!(b.share, Some(1.0));
    assert_eq!(b.ce_share, Some(1.0));
    assert_eq!(b.focal_share, Some(1.0));
    for (i, b) in s.buckets.iter().enumerate().filter(|(i, _)| *i != 5) {
        assert_eq!(
            (b.count, b.share, b.ce_share),
            (0, Some(0.0), Some(0.0)),
            "bucket {i}"
        );
    }
    for v in &c.variants {
        assert_eq!(v.easy_loss_share, Some(1.0), "{}", v.name);
    }
    // one bucket over [0, 1]
    let (s, _) = check_all(&f, &["--buckets", "0,1"]);
    assert_eq!(s.buckets.len(), 1);
    assert_eq!(s.buckets[0].count, 4);
}

#[test]
fn every_row_ignored_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let f = file(&d, "ignored.csv", "label,prob\n-100,0.3\n-100,0.7\n");
    let e = stats_err(&[&f]);
    assert!(
        e.contains("ignore index -100") && e.contains("2 rows"),
        "{e}"
    );
    // ignored and invalid rows together
    let f = file(&d, "ignored_bad.csv", "label,prob\n-100,0.3\n1,nan\n");
    let e = stats_err(&[f.as_os_str(), "--skip-invalid".as_ref()]);
    assert!(
        e.contains("1 skipped") && e.contains("1 have the ignore index"),
        "{e}"
    );
}

#[test]
fn list_column_with_fewer_than_two_scores_is_an_error_not_a_panic() {
    // Regression: an empty list column gave 0 classes and a panic in the imbalance summary.
    use arrow_array::types::Float64Type;
    use arrow_array::{Int64Array, ListArray};
    let d = tempfile::tempdir().unwrap();
    for (name, width, label) in [("empty", 0usize, -100i64), ("one", 1, 0)] {
        let lists: Vec<Option<Vec<Option<f64>>>> =
            (0..3).map(|_| Some(vec![Some(1.0); width])).collect();
        let f = write_parquet(
            d.path(),
            &format!("{name}.parquet"),
            vec![
                ("label", arr(Int64Array::from(vec![label; 3]))),
                (
                    "probs",
                    arr(ListArray::from_iter_primitive::<Float64Type, _, _>(lists)),
                ),
            ],
            None,
        );
        let e = stats_err(&[&f]);
        assert!(e.contains("at least 2 classes"), "{e}");
        let e = stats_err(&[f.as_os_str(), "--mode".as_ref(), "sigmoid".as_ref()]);
        assert!(e.contains("at least 2 classes"), "{e}");
    }
}

#[test]
fn a_single_row() {
    let d = tempfile::tempdir().unwrap();
    let f = file(&d, "one_row.csv", "label,logit\n1,0.3\n");
    let (s, _) = check_all(&f, &[]);
    assert_eq!(s.input.rows_used, 1);
    let (ce, fl) = binary_logit(0.3, 1, 2.0, 0.25);
    assert_close(s.totals.ce_sum, ce, 1e-14, "CE");
    assert_close(s.totals.focal_sum, fl, 1e-14, "FL");
}

/// Sixty thousand copies of one row. Each of a row's fixed-point sums passes
/// 2^63 after about 3,000 copies unless it is widened in time, so every sum
/// must be exactly that many times the one row's, on every instruction level.
#[test]
fn many_copies_of_one_row_sum_to_exactly_that_many_times_its_values() {
    const N: usize = 60_000;
    let d = tempfile::tempdir().unwrap();
    let one = file(&d, "one.csv", "label,prob\n1,0.99\n");
    let many = file(
        &d,
        "many.csv",
        &format!("label,prob\n{}", "1,0.99\n".repeat(N)),
    );
    // Every number under a key ending in `_sum`, with its path.
    let run = |f: &Path, level: Option<&str>| {
        let mut c = flcli();
        c.args(["compare", "--json", "-q", "--gamma", "0,0.5,1,2,5"])
            .arg(f);
        match level {
            Some(l) => c.env("FLCLI_SIMD", l),
            None => c.env_remove("FLCLI_SIMD"),
        };
        let mut out = Vec::new();
        let report = serde_json::from_str(&ok(&mut c).0).unwrap();
        each_number(&report, "", &mut |p, x| {
            if p.ends_with("_sum") {
                out.push((p.to_string(), x));
            }
        });
        out
    };
    for level in [Some("none"), Some("avx2"), None] {
        let (one, many) = (run(&one, level), run(&many, level));
        assert!(one.len() >= 10, "{one:?}");
        assert_eq!(one.len(), many.len());
        for ((path, a), (other, b)) in one.iter().zip(&many) {
            assert_eq!(path, other);
            assert_eq!(*b, N as f64 * a, "{path} at FLCLI_SIMD={level:?}");
        }
    }
}
