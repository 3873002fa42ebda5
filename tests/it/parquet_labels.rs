//! Parquet label columns that the reader decodes straight into class codes
//! beside float32 scores (int64 or int32, required or nullable, and
//! booleans): the same rows with float64 scores, which the general path
//! reads label and all, give the same bytes for every report, partial file
//! and error, across dictionary and plain pages, data pages v1 and v2,
//! row-group and batch boundaries; null labels, the ignore index, the
//! background value and labels that are no class are skipped or reported
//! exactly as the general path does.

use crate::parquet_flat::{both_with, data, props_builder, same, same_failures, same_reports};
use crate::support::*;
use arrow_array::{ArrayRef, BooleanArray, Int32Array, Int64Array};
use parquet::file::properties::WriterVersion;

/// `labels` as an int64, int32 or boolean column (`None` a null).
fn column(labels: &[Option<i64>], ty: &str) -> ArrayRef {
    match ty {
        "int64" => arr(labels.iter().copied().collect::<Int64Array>()),
        "int32" => arr(labels
            .iter()
            .map(|v| v.map(|x| x as i32))
            .collect::<Int32Array>()),
        _ => arr(labels
            .iter()
            .map(|v| v.map(|x| x != 0))
            .collect::<BooleanArray>()),
    }
}

#[test]
fn int64_int32_and_boolean_labels_give_the_general_paths_bytes() {
    // Row groups smaller than a batch (65536 rows): batches cross them.
    let (labels, cols) = data(150_000, 2, &["logit", "prob"], 11);
    let mut labels: Vec<Option<i64>> = labels.into_iter().map(Some).collect();
    // Ignored rows in the first row group only: the rest are coded by the
    // loop for labels that are all their own class.
    for i in (0..40_000).step_by(97) {
        labels[i] = Some(-100);
    }
    let cases = [
        ("int64", true, WriterVersion::PARQUET_1_0),
        ("int64", false, WriterVersion::PARQUET_2_0),
        ("int32", false, WriterVersion::PARQUET_1_0),
        ("int32", true, WriterVersion::PARQUET_2_0),
    ];
    for (ty, nullable, version) in cases {
        let w = Workdir::new();
        let props = props_builder(40_000).set_writer_version(version).build();
        let label = (column(&labels, ty), nullable);
        let dirs = both_with(&w, label, &cols, true, props);
        same_reports(&dirs, &[], true, true);
        same_reports(&dirs, &["--prob", "prob"], false, false);
    }
    let w = Workdir::new();
    let labels: Vec<Option<i64>> = labels.iter().map(|v| v.map(|x| x.max(0))).collect();
    let dirs = both_with(&w, (column(&labels, "bool"), true), &cols, true, {
        props_builder(40_000).build()
    });
    same_reports(&dirs, &[], true, false);
}

#[test]
fn null_and_bad_labels_are_skipped_or_reported_as_in_the_general_path() {
    let n = 150_000;
    let (labels, cols) = data(n, 2, &["logit", "prob"], 12);
    let mut labels: Vec<Option<i64>> = labels.into_iter().map(Some).collect();
    for i in (0..n).step_by(89) {
        labels[i] = Some(-100);
    }
    // Labels that are no class in the second and third batches (the last
    // row too), nulls in the first and second, one at a row-group boundary.
    labels[70_001] = Some(7);
    labels[130_000] = Some(-1);
    labels[n - 1] = Some(2);
    let mut nulls = labels.clone();
    for i in [5, 60_000, 65_536, n - 2] {
        nulls[i] = None;
    }
    for ty in ["int64", "int32", "bool"] {
        let w = Workdir::new();
        let props = props_builder(60_000).build();
        let dirs = both_with(&w, (column(&nulls, ty), true), &cols, true, props);
        let e = same_failures(&dirs, &[]);
        assert_mentions(&e, &["row 5 ", "label is null"]);
        if ty == "bool" {
            continue;
        }
        // No nulls: the first label that is no class is the error.
        let w = Workdir::new();
        let props = props_builder(60_000).build();
        let dirs = both_with(&w, (column(&labels, ty), false), &cols, true, props);
        let e = same_failures(&dirs, &["--prob", "prob"]);
        assert_mentions(&e, &["row 70001", "\"7\""]);
    }
}

#[test]
fn background_ignored_and_positive_labels_are_read_as_in_the_general_path() {
    let n = 80_000;
    let (labels, cols) = data(n, 3, &["a", "b", "c"], 13);
    let mut labels: Vec<Option<i64>> = labels.into_iter().map(Some).collect();
    for i in (0..n).step_by(41) {
        labels[i] = Some(if i % 2 == 0 { -1 } else { -100 });
    }
    labels[100] = None;
    let w = Workdir::new();
    let props = props_builder(30_000).build();
    let dirs = both_with(&w, (column(&labels, "int32"), true), &cols, true, props);
    let logits = ["--label", "label", "--logits", "a,b,c", "--skip-invalid"];
    let sigmoid = [&logits[..], &["--mode", "sigmoid"]].concat();
    same_reports(&dirs, &sigmoid, true, false);
    same_reports(&dirs, &logits, false, false);
    // Softmax has no background class: -1 is a label that is no class.
    let e = same_failures(&dirs, &logits[..4]);
    assert_mentions(&e, &["row 0 ", "background"]);
    // A binary model's labels with `--positive`: the value that is
    // positive, and one that no row has (its error lists the values seen).
    let w = Workdir::new();
    let props = props_builder(30_000).build();
    let dirs = both_with(
        &w,
        (column(&labels, "int64"), true),
        &cols[..1],
        true,
        props,
    );
    let args = [
        "stats",
        "data.parquet",
        "--json",
        "--logit",
        "a",
        "--skip-invalid",
        "--positive",
    ];
    let (out, _) = same(&dirs, &[&args[..], &["2"]].concat(), &[]);
    assert!(out.contains("\"rows_used\""), "{out}");
    let e = same(&dirs, &[&args[..], &["5"]].concat(), &[]).1;
    assert_mentions(&e, &["--positive \"5\"", "\"-1\""]);
}
