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

/// The `flcli recommend` report for people, as piped (80 columns).
fn recommend_table(args: &[&str]) -> String {
    let (out, _) = ok(flcli()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("recommend")
        .args(args)
        .args(["--color", "never"]));
    out
}

#[test]
fn recommend_binary_detection_table() {
    insta::assert_snapshot!(recommend_table(&["fixtures/detection.parquet"]));
}

#[test]
fn recommend_prose_wraps_at_80_columns_without_breaking_words() {
    for args in [
        &["fixtures/detection.parquet"][..],
        &["fixtures/longtail.parquet"],
        &["fixtures/sigmoid.csv", "--mode", "sigmoid"],
    ] {
        let out = recommend_table(args);
        // The header block holds free text (paths, the α convention); everything after it wraps.
        let body = &out[out
            .find("Recommendation")
            .expect("a Recommendation section")..];
        // The reproducing command and code stay on one line each, to paste whole.
        let prose = body
            .lines()
            .filter(|l| !l.starts_with("flcli compare ") && !l.starts_with("PyTorch: "));
        for line in prose {
            assert!(
                line.chars().count() <= 80,
                "{args:?}: line wider than 80 columns:\n{line}"
            );
            assert!(
                !line.ends_with(" =") && !line.starts_with("= ") && !line.starts_with("  = "),
                "{args:?}: a relation split across lines:\n{line}"
            );
        }
    }
}
