//! `flcli stats` end to end (assert_cmd): every mode and layout, column
//! auto-detection and its stderr note, stdin, gzip, several files and
//! directories as one data set, delimiters and forced formats. JSON output is
//! decoded into `flcli::report::StatsReport`.

use crate::support::{
    f64_lists, f64s, fails, fixture, flcli, i64s, ok, rel, stats_json, strs, Workdir,
};
use flcli::report::StatsReport;
use flcli::report::{Mode, ScoreKind};
use std::sync::Arc;

fn stats(args: &[&str]) -> StatsReport {
    stats_json(flcli().arg("stats").args(args).arg("--json"))
}

fn fx(name: &str) -> String {
    fixture(name).display().to_string()
}

/// The loss numbers of two reports agree (summation order may differ).
fn same_numbers(a: &StatsReport, b: &StatsReport) {
    assert_eq!(a.totals.elements, b.totals.elements);
    assert_eq!(a.input.rows_read, b.input.rows_read);
    assert_eq!(a.input.rows_used, b.input.rows_used);
    assert!(rel(a.totals.ce_sum, b.totals.ce_sum) < 1e-12);
    assert!(rel(a.totals.focal_sum, b.totals.focal_sum) < 1e-12);
    for (x, y) in a.classes.iter().zip(&b.classes) {
        assert_eq!((x.count, &x.name), (y.count, &y.name));
        assert!(rel(x.focal_sum, y.focal_sum) < 1e-12);
    }
    for (x, y) in a.buckets.iter().zip(&b.buckets) {
        assert_eq!(x.count, y.count);
    }
}

#[test]
fn binary_detection_prefers_logits_and_says_so_on_stderr() {
    let (out, err) = ok(flcli().args(["stats", &fx("detection.parquet"), "--color", "never"]));
    assert!(out.contains("Class imbalance") && out.contains("Loss per difficulty bucket"));
    let notes: Vec<&str> = err.lines().filter(|l| l.contains("detected")).collect();
    assert_eq!(notes.len(), 1, "one detection line on stderr:\n{err}");
    assert!(notes[0].contains("label column \"label\""), "{err}");
    assert!(notes[0].contains("logits in column \"logit\""), "{err}");
    assert!(notes[0].contains("mode binary"), "{err}");
    let r = stats(&[&fx("detection.parquet")]);
    assert_eq!(r.command, "stats");
    assert_eq!(r.schema_version, 1);
    assert_eq!(r.input.mode, Mode::Binary);
    assert_eq!(r.input.score_kind, ScoreKind::Logits);
    assert_eq!(r.input.score_columns, ["logit"]);
    assert_eq!(r.input.format, "parquet");
    assert_eq!(r.input.paths, [fx("detection.parquet")]);
    assert_eq!((r.input.rows_read, r.input.rows_used), (6000, 6000));
    assert!(r.input.detected.iter().any(|d| d.contains("mode binary")));
    let names: Vec<&str> = r.classes.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["0", "1"]);
    assert_eq!(r.params.gamma, 2.0);
    assert_eq!(r.params.alpha, serde_json::json!(0.25));
    assert_eq!(r.params.eps, 1e-7);
    assert_eq!(
        r.params.bucket_edges,
        [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0]
    );
    let lpp = r.totals.loss_per_positive.unwrap();
    assert!(rel(lpp, r.totals.focal_sum / 120.0) < 1e-15);
}

#[test]
fn json_mode_keeps_stderr_free_of_the_detection_note() {
    let (_, err) = ok(flcli().args(["stats", &fx("detection.csv"), "--json"]));
    assert!(!err.contains("detected"), "{err}");
}

#[test]
fn binary_probabilities_with_explicit_prob() {
    let r = stats(&[&fx("detection.csv"), "--prob", "prob"]);
    assert_eq!(r.input.score_kind, ScoreKind::Probabilities);
    assert_eq!(r.input.format, "csv");
    assert!(r.input.detected.iter().all(|d| !d.contains("prob")));
}

#[test]
fn softmax_numbered_columns_probabilities_and_logits() {
    let r = stats(&[&fx("longtail.parquet")]);
    assert_eq!(r.input.mode, Mode::Softmax);
    assert_eq!(r.input.score_kind, ScoreKind::Probabilities);
    assert_eq!(r.classes.len(), 10);
    assert_eq!(r.input.score_columns[9], "prob_9");
    assert_eq!(
        r.params.alpha,
        serde_json::Value::Null,
        "softmax α defaults to none"
    );
    assert_eq!(r.totals.loss_per_positive, None, "null in softmax");
    assert_eq!(r.imbalance.severity, "extreme", "ratio 100 is ≥ 100");
    let r = stats(&[&fx("longtail_logits.csv")]);
    assert_eq!(r.input.score_kind, ScoreKind::Logits);
    assert_eq!(r.input.score_columns[0], "logit_0");
}

#[test]
fn softmax_named_columns_match_string_labels() {
    let r = stats(&[&fx("animals.csv"), "--alpha", "0.25,0.35,0.6,0.9"]);
    assert_eq!(r.input.mode, Mode::Softmax);
    assert_eq!(r.input.class_names, ["cat", "dog", "bird", "fish"]);
    let counts: Vec<u64> = r.classes.iter().map(|c| c.count).collect();
    assert_eq!(counts, [540, 396, 180, 84]);
    assert_eq!(r.imbalance.majority, "cat");
    assert_eq!(r.imbalance.minority, "fish");
    assert_eq!(r.params.alpha, serde_json::json!([0.25, 0.35, 0.6, 0.9]));
}

#[test]
fn softmax_list_column_equals_the_same_scores_as_columns() {
    let w = Workdir::new();
    let rows = [
        vec![0.7, 0.2, 0.1],
        vec![0.1, 0.8, 0.1],
        vec![0.3, 0.3, 0.4],
        vec![0.05, 0.05, 0.9],
    ];
    let labels = vec![0, 1, 0, 2];
    w.write_parquet(
        "list.parquet",
        vec![("label", i64s(labels.clone())), ("probs", f64_lists(&rows))],
        2,
    );
    let col = |k: usize| f64s(rows.iter().map(|r| r[k]).collect());
    w.write_parquet(
        "cols.parquet",
        vec![
            ("label", i64s(labels)),
            ("prob_0", col(0)),
            ("prob_1", col(1)),
            ("prob_2", col(2)),
        ],
        2,
    );
    let (_, err) = ok(w.cmd().args(["stats", "list.parquet"]));
    assert!(err.contains("list column \"probs\""), "{err}");
    let l = stats_json(w.cmd().args(["stats", "list.parquet", "--json"]));
    let c = stats_json(w.cmd().args(["stats", "cols.parquet", "--json"]));
    assert_eq!(l.input.mode, Mode::Softmax);
    assert_eq!(l.input.score_columns, ["probs"]);
    assert_eq!(l.input.class_names, ["0", "1", "2"]);
    same_numbers(&l, &c);
    // --probs naming the list column works too.
    let e = stats_json(
        w.cmd()
            .args(["stats", "list.parquet", "--probs", "probs", "--json"]),
    );
    same_numbers(&e, &c);
}

#[test]
fn sigmoid_counts_background_and_ignored_rows() {
    let r = stats(&[&fx("sigmoid.parquet"), "--mode", "sigmoid"]);
    assert_eq!(r.input.mode, Mode::Sigmoid);
    assert_eq!(r.input.rows_ignored, 60);
    assert_eq!(r.input.rows_used, 2940);
    assert_eq!(r.input.background_rows, Some(2100));
    assert_eq!(r.imbalance.background_rows, Some(2100));
    assert_eq!(
        r.imbalance.positives_per_class.as_deref(),
        Some(&[378, 210, 126, 84, 42][..])
    );
    assert_eq!(r.totals.elements, 2940 * 5);
    assert_eq!(r.totals.positives, 840);
    for c in &r.classes {
        assert_eq!(c.elements, 2940, "every row is an element of every class");
    }
    let ratio = r.imbalance.positive_negative_ratio.unwrap();
    assert!(rel(ratio, 840.0 / (14700.0 - 840.0)) < 1e-12);
    assert!(
        rel(
            r.totals.loss_per_positive.unwrap(),
            r.totals.focal_sum / 840.0
        ) < 1e-15
    );
    // Without --mode the same file is read as softmax and the -1 labels are rejected.
    let err = fails(flcli().args(["stats", &fx("sigmoid.csv")]));
    assert!(err.contains("--mode sigmoid"), "{err}");
}

#[test]
fn sigmoid_background_and_ignore_values_are_configurable() {
    let w = Workdir::new();
    w.write(
        "s.csv",
        "target,logit_a,logit_b\n9,-3,-2\n0,2,-1\n1,-1,3\n7,0,0\n9,-4,-5\n",
    );
    let r = stats_json(w.cmd().args([
        "stats",
        "s.csv",
        "--mode",
        "sigmoid",
        "--background",
        "9",
        "--ignore-index",
        "7",
        "--json",
    ]));
    assert_eq!(r.input.label_column, "target");
    assert_eq!(r.input.class_names, ["a", "b"]);
    assert_eq!((r.input.rows_used, r.input.rows_ignored), (4, 1));
    assert_eq!(r.input.background_rows, Some(2));
    assert_eq!(r.totals.positives, 2);
}

#[test]
fn stdin_gzip_and_files_give_the_same_report() {
    let text = std::fs::read(fixture("detection.csv")).unwrap();
    let w = Workdir::new();
    w.write_gz("d.csv.gz", &text);
    let file = stats(&[&fx("detection.csv")]);
    let piped = stats_json(
        flcli()
            .args(["stats", "-", "--json"])
            .write_stdin(text.clone()),
    );
    assert_eq!(piped.input.paths, ["-"]);
    same_numbers(&file, &piped);
    let gz = stats_json(w.cmd().args(["stats", "d.csv.gz", "--json"]));
    same_numbers(&file, &gz);
}

#[test]
fn several_files_and_a_directory_of_shards_are_one_data_set() {
    let text = std::fs::read_to_string(fixture("detection.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let w = Workdir::new();
    let part = |range: std::ops::Range<usize>| {
        let mut s = format!("{}\n", lines[0]);
        for l in &lines[range] {
            s.push_str(l);
            s.push('\n');
        }
        s
    };
    w.write("shards/a.csv", part(1..2500));
    w.write("shards/b.csv", part(2500..lines.len()));
    w.write("shards/notes.md", "not data");
    let whole = stats(&[&fx("detection.csv")]);
    let files = stats_json(
        w.cmd()
            .args(["stats", "shards/a.csv", "shards/b.csv", "--json"]),
    );
    same_numbers(&whole, &files);
    let dir = stats_json(w.cmd().args(["stats", "shards", "--json"]));
    assert_eq!(dir.input.paths.len(), 2, "the .md file is not data");
    same_numbers(&whole, &dir);
    // Parquet and CSV mixed in one call.
    let mixed = stats(&[&fx("detection.parquet"), &fx("detection.csv")]);
    assert_eq!(mixed.input.format, "mixed");
    assert_eq!(mixed.input.rows_read, 12000);
}

#[test]
fn delimiters_semicolon_and_tab() {
    let w = Workdir::new();
    w.write("semi.csv", "label;prob\n1;0.9\n0;0.2\n0;0.6\n");
    w.write("tab.tsv", "label\tprob\n1\t0.9\n0\t0.2\n0\t0.6\n");
    let a = stats_json(w.cmd().args(["stats", "semi.csv", "-d", ";", "--json"]));
    let b = stats_json(
        w.cmd()
            .args(["stats", "tab.tsv", "--delimiter", "\\t", "--json"]),
    );
    assert_eq!(a.input.rows_used, 3);
    same_numbers(&a, &b);
    assert_eq!(a.classes[0].accuracy, Some(0.5));
}

#[test]
fn input_format_forces_csv_for_any_name() {
    let w = Workdir::new();
    w.write("preds.parquet", "label,prob\n1,0.9\n0,0.2\n");
    w.write("preds.dat", "label,prob\n1,0.9\n0,0.2\n");
    let r = stats_json(
        w.cmd()
            .args(["stats", "preds.parquet", "--input-format", "csv", "--json"]),
    );
    assert_eq!((r.input.format.as_str(), r.input.rows_used), ("csv", 2));
    let r = stats_json(w.cmd().args(["stats", "preds.dat", "--json"]));
    assert_eq!(r.input.rows_used, 2);
}

#[test]
fn string_labels_with_positive_and_boolean_labels() {
    let w = Workdir::new();
    w.write("s.csv", "y_true,score\nyes,0.9\nno,0.2\nno,0.7\n");
    let r = stats_json(
        w.cmd()
            .args(["stats", "s.csv", "--positive", "yes", "--json"]),
    );
    assert_eq!(r.input.label_column, "y_true");
    assert_eq!((r.classes[0].count, r.classes[1].count), (2, 1));
    w.write("b.csv", "label,prob\ntrue,0.9\nfalse,0.2\nFalse,0.7\n");
    let b = stats_json(w.cmd().args(["stats", "b.csv", "--json"]));
    same_numbers(&r, &b);
    let pq = Arc::new(arrow_array::BooleanArray::from(vec![true, false, false]));
    w.write_parquet(
        "b.parquet",
        vec![("label", pq), ("prob", f64s(vec![0.9, 0.2, 0.7]))],
        10,
    );
    let p = stats_json(w.cmd().args(["stats", "b.parquet", "--json"]));
    same_numbers(&r, &p);
    let pq = w.write_parquet(
        "s.parquet",
        vec![
            ("gt", strs(vec!["yes", "no", "no"])),
            ("pred", f64s(vec![0.9, 0.2, 0.7])),
        ],
        10,
    );
    let p = stats_json(
        flcli()
            .arg("stats")
            .arg(&pq)
            .args(["--positive", "yes", "--json"]),
    );
    same_numbers(&r, &p);
}

#[test]
fn label_column_names_are_detected_in_any_case() {
    let w = Workdir::new();
    for name in ["LABEL", "Target", "y", "class_id", "Category"] {
        w.write("d.csv", format!("idx,{name},pred_prob\n1,1,0.9\n2,0,0.2\n"));
        let r = stats_json(w.cmd().args(["stats", "d.csv", "--json"]));
        assert_eq!(r.input.label_column, name);
        assert_eq!(r.input.score_columns, ["pred_prob"]);
    }
}

#[test]
fn gamma_zero_alpha_none_is_ce_and_empty_classes_are_null() {
    let w = Workdir::new();
    // Class 2 never occurs: its means and accuracy cannot be computed.
    w.write("d.csv", "label,p_0,p_1,p_2\n0,0.8,0.1,0.1\n1,0.3,0.6,0.1\n");
    let (out, _) = ok(w
        .cmd()
        .args(["stats", "d.csv", "--json", "-g", "0", "-a", "none"]));
    assert!(!out.contains("NaN") && !out.contains("Infinity"), "{out}");
    let r: StatsReport = serde_json::from_str(&out).unwrap();
    assert_eq!(r.totals.focal_sum, r.totals.ce_sum);
    let c2 = &r.classes[2];
    assert_eq!((c2.count, c2.accuracy, c2.ce_mean), (0, None, None));
    assert_eq!(r.imbalance.imbalance_ratio, None);
    assert!(r.imbalance.imbalance_ratio_note.is_some());
    assert_eq!(r.imbalance.weights.inverse_frequency[2], None);
}

#[test]
fn hard_zero_one_predictions_get_a_warning_on_stderr_and_in_the_json() {
    let w = crate::support::Workdir::new();
    w.write("hard.csv", "y_true,y_pred\n0,0\n1,1\n0,1\n1,1\n0,0\n");
    let out = w
        .cmd()
        .args(["stats", "hard.csv", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: every score in y_pred is 0 or 1") && err.contains("predict_proba"),
        "{err}"
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings = r["input"]["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].as_str().unwrap().contains("hard predictions"));
    // The same from a partial result: the check reads the sums.
    let made = w
        .cmd()
        .args(["partial", "hard.csv", "-q", "-o", "hard.flp"])
        .output()
        .unwrap();
    assert!(made.status.success());
    let out = w
        .cmd()
        .args(["stats", "hard.flp", "--json", "-q"])
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["input"]["warnings"].as_array().unwrap().len(), 1);
    // One probability strictly between 0 and 1 and there is nothing to warn about.
    w.write("soft.csv", "y_true,y_pred\n0,0\n1,1\n0,0.3\n");
    let out = w
        .cmd()
        .args(["stats", "soft.csv", "--json"])
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["input"]["warnings"], serde_json::json!([]));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
}
