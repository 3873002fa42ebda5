//! insta snapshots of the `flcli stats` tables (`--color never`) for the
//! binary, softmax and sigmoid fixtures: the layout people read is pinned, so
//! a change to it shows up in review as a snapshot diff.

use crate::support::{flcli, ok};

/// The table report of `flcli stats ARGS`, run from the repository root.
fn table(args: &[&str]) -> String {
    let (out, _) = ok(flcli()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("stats")
        .args(args)
        .args(["--color", "never"]));
    assert!(
        !out.contains('\u{1b}'),
        "--color never printed escape codes"
    );
    out
}

#[test]
fn binary_detection_table() {
    insta::assert_snapshot!(table(&["fixtures/detection.parquet"]));
}

#[test]
fn softmax_longtail_table() {
    insta::assert_snapshot!(table(&["fixtures/longtail.csv"]));
}

#[test]
fn softmax_named_classes_with_alpha_table() {
    insta::assert_snapshot!(table(&[
        "fixtures/animals.parquet",
        "--alpha",
        "0.25,0.35,0.6,0.9",
        "--gamma",
        "1"
    ]));
}

#[test]
fn sigmoid_table() {
    insta::assert_snapshot!(table(&["fixtures/sigmoid.parquet", "--mode", "sigmoid"]));
}

#[test]
fn tables_fit_in_80_columns() {
    for args in [
        &["fixtures/detection.parquet"][..],
        &["fixtures/longtail.parquet"],
        &["fixtures/sigmoid.csv", "--mode", "sigmoid"],
    ] {
        let out = table(args);
        for line in out.lines() {
            // The header block holds free text (paths, the α convention); the tables must fit.
            if line.starts_with(['┌', '│', '╞', '└', '├']) {
                assert!(
                    line.chars().count() <= 80,
                    "{args:?}: table line wider than 80 columns:\n{line}"
                );
            }
        }
    }
}
