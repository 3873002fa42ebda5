//! `--skip-invalid`: every skipped row is counted by reason with its
//! first locations, rows_read = rows_used + rows_ignored + rows_skipped always,
//! skipping never changes the result on the valid rows, and the strict default
//! stops at the first invalid value, naming it.

use crate::support::*;
use arrow_array::types::Float64Type;
use arrow_array::{Float64Array, Int64Array, ListArray};
use flcli::report::StatsReport;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

const SKIP: &str = "--skip-invalid";

/// reason → (count, first locations, unit)
fn by_reason(r: &StatsReport) -> BTreeMap<String, (u64, Vec<u64>, String)> {
    r.input
        .skipped
        .iter()
        .map(|s| (s.reason.clone(), (s.count, s.first.clone(), s.unit.clone())))
        .collect()
}

#[track_caller]
fn assert_identity(r: &StatsReport) {
    let i = &r.input;
    assert_eq!(
        i.rows_read,
        i.rows_used + i.rows_ignored + i.rows_skipped,
        "rows_read = used + ignored + skipped"
    );
    let total: u64 = i.skipped.iter().map(|s| s.count).sum();
    assert_eq!(total, i.rows_skipped);
    for s in &i.skipped {
        assert!(s.first.len() <= 5 && s.first.len() as u64 <= s.count);
        assert!(s.first.windows(2).all(|w| w[0] < w[1]), "in input order");
    }
}

fn skip_stats(f: &Path, extra: &[&str]) -> StatsReport {
    let mut a: Vec<&std::ffi::OsStr> = vec![f.as_os_str(), SKIP.as_ref()];
    a.extend(extra.iter().map(|s| std::ffi::OsStr::new(*s)));
    let r = stats(&a);
    assert_identity(&r);
    r
}

#[test]
fn every_reason_is_counted_with_its_first_lines() {
    let d = tempfile::tempdir().unwrap();
    let text = "label,prob\n\
        0,0.2\n\
        1,nan\n\
        0,1.5\n\
        7,0.5\n\
        1,abc\n\
        0,\n\
        0,0.5,extra\n\
        ,0.5\n\
        dog,0.5\n\
        1,-0.25\n\
        -100,0.5\n\
        1,NaN\n\
        1,0.8\n";
    let f = write(d.path(), "all_reasons.csv", text);
    let r = skip_stats(&f, &[]);
    let want: BTreeMap<String, (u64, Vec<u64>, String)> = [
        ("nan", 2, vec![3, 13]),
        ("out_of_range", 2, vec![4, 11]),
        ("unknown_label", 1, vec![5]),
        ("unparsable", 2, vec![6, 10]),
        ("null", 2, vec![7, 9]),
        ("bad_shape", 1, vec![8]),
    ]
    .into_iter()
    .map(|(k, n, v)| (k.to_string(), (n, v, "line".to_string())))
    .collect();
    assert_eq!(by_reason(&r), want);
    assert_eq!(
        (
            r.input.rows_read,
            r.input.rows_used,
            r.input.rows_ignored,
            r.input.rows_skipped
        ),
        (13, 2, 1, 10)
    );
    // the reasons come out in the documented order
    let order: Vec<&str> = r.input.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(
        order,
        [
            "null",
            "nan",
            "out_of_range",
            "unknown_label",
            "unparsable",
            "bad_shape"
        ]
    );
    // ...and the table says the same
    let t = table("stats", &[f.as_os_str(), SKIP.as_ref()]);
    assert!(t.contains("13 read, 2 used, 1 ignored, 10 skipped"), "{t}");
    assert!(t.contains("skipped 2 × nan (first lines: 3, 13)"), "{t}");
    assert!(t.contains("skipped 1 × bad_shape (first lines: 8)"), "{t}");

    // bad_row_sum needs softmax probabilities
    let f = write(
        d.path(),
        "row_sum.csv",
        "label,prob_0,prob_1\n0,0.5,0.5\n1,0.5,0.6\n1,0.2,0.8\n0,0.1,0.1\n",
    );
    let r = skip_stats(&f, &[]);
    assert_eq!(
        by_reason(&r)["bad_row_sum"],
        (2, vec![3, 5], "line".to_string())
    );
    // infinite logits are out of range
    let f = write(d.path(), "inf.csv", "label,logit\n0,inf\n1,2\n1,-inf\n");
    let r = skip_stats(&f, &[]);
    assert_eq!(
        by_reason(&r)["out_of_range"],
        (2, vec![2, 4], "line".to_string())
    );
}

#[test]
fn only_the_first_five_locations_are_kept() {
    let d = tempfile::tempdir().unwrap();
    let mut s = String::from("label,prob\n");
    for i in 0..40 {
        s.push_str(if i % 3 == 1 { "1,nan\n" } else { "0,0.5\n" });
    }
    let f = write(d.path(), "many_nan.csv", s);
    let r = skip_stats(&f, &[]);
    // data line k (0-based) sits on line k + 2
    assert_eq!(
        by_reason(&r)["nan"],
        (13, vec![3, 6, 9, 12, 15], "line".to_string())
    );
}

#[test]
fn first_locations_follow_input_order_across_parallel_ranges() {
    // Two byte ranges parsed in parallel, merged in order: the first five are the earliest.
    let d = tempfile::tempdir().unwrap();
    let n = 700_000usize;
    let bad: Vec<usize> = vec![10, 20, 650_000, 650_010, 650_020, 650_030, 699_999];
    let mut s = String::with_capacity(n * 13);
    s.push_str("label,prob\n");
    for i in 0..n {
        if bad.contains(&i) {
            s.push_str("1,nan\n");
        } else {
            s.push_str(&format!("{},0.{:08}\n", i % 2, 1 + i));
        }
    }
    assert!(s.len() as u64 > crate::support::sizes::CHUNK_BYTES);
    let f = write(d.path(), "big.csv", s);
    let r = skip_stats(&f, &[]);
    let lines: Vec<u64> = bad.iter().take(5).map(|&i| i as u64 + 2).collect();
    assert_eq!(by_reason(&r)["nan"], (7, lines, "line".to_string()));
    assert_eq!(r.input.rows_read, n as u64);
}

#[test]
fn every_row_skipped_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "all_bad.csv", "label,prob\n1,nan\n0,2\n5,0.5\n");
    let e = stats_err(&[f.as_os_str(), SKIP.as_ref()]);
    assert!(e.contains("every row was invalid (3 skipped)"), "{e}");
    let o = run(&["compare".as_ref(), f.as_os_str(), SKIP.as_ref()]);
    assert_eq!(o.code, Some(2));
    assert!(o.stdout.is_empty());
}

#[test]
fn strict_default_stops_at_the_first_invalid_value() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "strict.csv", "label,prob\n0,0.5\n1,1.5\n1,nan\n");
    let e = stats_err(&[&f]);
    for part in [
        "strict.csv",
        "line 3",
        "\"prob\"",
        "1.5",
        "--skip-invalid",
        "probability outside [0, 1]",
    ] {
        assert!(e.contains(part), "{part:?} in {e}");
    }
    assert!(!e.contains("line 4"), "only the first error: {e}");
    // a huge ragged line is shortened in the message
    let long = format!("label,prob\n0,0.5,{}\n", "x".repeat(100_000));
    let f = write(d.path(), "ragged.csv", long);
    let e = stats_err(&[&f]);
    assert!(
        e.contains("line 2") && e.contains("3 fields, the header has 2"),
        "{e}"
    );
    assert!(e.len() < 2_000, "message of {} bytes", e.len());
}

#[test]
fn parquet_nulls_stop_the_run_by_default_with_the_0_based_row() {
    let d = tempfile::tempdir().unwrap();
    let labels = Int64Array::from(vec![Some(0), Some(1), None, Some(1), Some(0), None]);
    let probs = Float64Array::from(vec![Some(0.5), None, Some(0.5), Some(0.7), None, Some(0.1)]);
    let f = write_parquet(
        d.path(),
        "nulls.parquet",
        vec![("label", arr(labels)), ("prob", arr(probs))],
        None,
    );
    let e = stats_err(&[&f]);
    assert!(
        e.contains("row 1 (0-based)") && e.contains("\"prob\"") && e.contains("null"),
        "{e}"
    );
    let r = skip_stats(&f, &[]);
    assert_eq!(
        by_reason(&r)["null"],
        (4, vec![1, 2, 4, 5], "row".to_string())
    );
    assert_eq!(r.input.rows_used, 2);

    // list columns: a null list and a null element; a list of the wrong length
    let lists: Vec<Option<Vec<Option<f64>>>> = vec![
        Some(vec![Some(0.5), Some(0.5)]),
        None,
        Some(vec![Some(0.5), None]),
        Some(vec![Some(0.2), Some(0.3), Some(0.5)]),
        Some(vec![Some(0.1), Some(0.9)]),
    ];
    let f = write_parquet(
        d.path(),
        "list_nulls.parquet",
        vec![
            ("label", arr(Int64Array::from(vec![0, 1, 0, 1, 1]))),
            (
                "probs",
                arr(ListArray::from_iter_primitive::<Float64Type, _, _>(lists)),
            ),
        ],
        None,
    );
    let e = stats_err(&[&f]);
    assert!(e.contains("row 1 (0-based)") && e.contains("null"), "{e}");
    let r = skip_stats(&f, &[]);
    let m = by_reason(&r);
    assert_eq!(m["null"], (2, vec![1, 2], "row".to_string()));
    assert_eq!(m["bad_shape"], (1, vec![3], "row".to_string()));
    assert_eq!(r.input.rows_used, 2);
}

/// One invalid CSV row and the reason it must be counted under.
fn invalid_row() -> impl Strategy<Value = (String, &'static str)> {
    prop_oneof![
        Just(("1,nan".to_string(), "nan")),
        Just(("0,NaN".to_string(), "nan")),
        Just(("0,1.5".to_string(), "out_of_range")),
        Just(("1,-0.5".to_string(), "out_of_range")),
        Just(("1,inf".to_string(), "out_of_range")),
        (2i64..1000).prop_map(|v| (format!("{v},0.5"), "unknown_label")),
        Just(("1,abc".to_string(), "unparsable")),
        Just(("dog,0.5".to_string(), "unparsable")),
        Just(("0,".to_string(), "null")),
        Just((",0.3".to_string(), "null")),
        Just(("0,0.5,x".to_string(), "bad_shape")),
        Just(("1".to_string(), "bad_shape")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Adding invalid rows never changes the result on the valid rows, and
    /// every skipped row is accounted for, by reason and line.
    #[test]
    fn invalid_rows_never_change_the_result_on_valid_rows(
        valid in prop::collection::vec((0u8..2, 1u32..1000), 1..60),
        ignored in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
        invalid in prop::collection::vec((any::<prop::sample::Index>(), invalid_row()), 0..25),
    ) {
        let d = tempfile::tempdir().unwrap();
        let valid_lines: Vec<String> =
            valid.iter().map(|(y, p)| format!("{y},{}", *p as f64 / 1000.0)).collect();
        let clean = write(d.path(), "clean.csv", format!("label,prob\n{}\n", valid_lines.join("\n")));
        // Insert ignored and invalid rows at random places (before index i of the valid rows).
        let mut extra: Vec<(usize, String, &str)> = ignored
            .iter()
            .map(|i| (i.index(valid.len() + 1), "-100,0.5".to_string(), "ignored"))
            .collect();
        extra.extend(invalid.iter().map(|(i, (row, why))| (i.index(valid.len() + 1), row.clone(), *why)));
        extra.sort_by_key(|e| e.0);
        let mut lines = Vec::new();
        let mut want: BTreeMap<String, (u64, Vec<u64>)> = BTreeMap::new();
        let mut k = 0;
        for (i, v) in valid_lines.iter().enumerate().chain([(valid.len(), &String::new())]) {
            while k < extra.len() && extra[k].0 == i {
                lines.push(extra[k].1.clone());
                if extra[k].2 != "ignored" {
                    let e = want.entry(extra[k].2.to_string()).or_default();
                    e.0 += 1;
                    if e.1.len() < 5 {
                        e.1.push(lines.len() as u64 + 1); // + header
                    }
                }
                k += 1;
            }
            if i < valid.len() {
                lines.push(v.clone());
            }
        }
        let dirty = write(d.path(), "dirty.csv", format!("label,prob\n{}\n", lines.join("\n")));
        let a = stats(&[&clean]);
        let b = skip_stats(&dirty, &[]);
        assert_eq!(b.input.rows_used, valid.len() as u64);
        assert_eq!(b.input.rows_ignored, ignored.len() as u64);
        assert_eq!(b.input.rows_skipped, invalid.len() as u64);
        let got: BTreeMap<String, (u64, Vec<u64>)> =
            by_reason(&b).into_iter().map(|(k, v)| (k, (v.0, v.1))).collect();
        prop_assert_eq!(got, want);
        // Skipped rows never reach the engine: the numbers are bit-identical.
        prop_assert_eq!(&a.classes, &b.classes);
        prop_assert_eq!(&a.buckets, &b.buckets);
        prop_assert_eq!(&a.totals, &b.totals);
        prop_assert_eq!(&a.imbalance, &b.imbalance);
        prop_assert_eq!(&a.calibration, &b.calibration);
    }
}
