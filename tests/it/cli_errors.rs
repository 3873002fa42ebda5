//! Every input error of the list: exit code 2, nothing on stdout, and
//! one message on stderr naming the file, the column, the line (CSV, 1-based)
//! or row (Parquet, 0-based), the value, and what to do.

use crate::support::{assert_mentions, f64s, fails, fixture, flcli, i64s, ok, Workdir};
use std::sync::Arc;

/// Runs `flcli stats ARGS` in `w` and returns the error message.
fn stats_err(w: &Workdir, args: &[&str]) -> String {
    fails(w.cmd().arg("stats").args(args))
}

/// `csv` written as `name`, then `flcli stats name ARGS`.
fn csv_err(csv: &str, args: &[&str]) -> String {
    let w = Workdir::new();
    w.write("preds.csv", csv);
    let mut a = vec!["preds.csv"];
    a.extend_from_slice(args);
    stats_err(&w, &a)
}

#[test]
fn missing_file() {
    let e = stats_err(&Workdir::new(), &["nope.parquet"]);
    assert_mentions(&e, &["nope.parquet", "check the path"]);
}

#[test]
fn empty_file() {
    let e = csv_err("", &[]);
    assert_mentions(&e, &["preds.csv", "empty", "header and prediction rows"]);
}

#[test]
fn header_with_no_rows() {
    let e = csv_err("label,prob\n", &[]);
    assert_mentions(&e, &["preds.csv", "no data rows", "point flcli at a file"]);
    let w = Workdir::new();
    w.write_parquet(
        "empty.parquet",
        vec![("label", i64s(vec![])), ("prob", f64s(vec![]))],
        8,
    );
    let e = stats_err(&w, &["empty.parquet"]);
    assert_mentions(&e, &["empty.parquet", "no data rows"]);
}

#[test]
fn missing_columns_list_what_was_found_and_the_flag() {
    let e = csv_err("label,foo\n1,0.5\n", &[]);
    assert_mentions(&e, &["preds.csv", "\"foo\"", "--prob COL"]);
    let e = csv_err("lbl,prob\n1,0.5\n", &[]);
    assert_mentions(&e, &["preds.csv", "no label column", "\"lbl\"", "--label"]);
    let e = csv_err("label,prob\n1,0.5\n", &["--label", "truth"]);
    assert_mentions(&e, &["\"truth\"", "\"label\", \"prob\"", "--label"]);
    let e = csv_err("label,prob\n1,0.5\n", &["--prob", "p"]);
    assert_mentions(&e, &["preds.csv", "\"p\"", "\"prob\"", "--prob"]);
    let e = csv_err("label,prob_0,prob_1\n1,0.5,0.5\n", &["--probs", "logit_*"]);
    assert_mentions(&e, &["logit_*", "matches no column", "\"prob_0\""]);
}

#[test]
fn ambiguous_columns_name_the_candidates_and_the_flag() {
    let e = csv_err("label,score,prob\n1,0.5,0.5\n", &[]);
    assert_mentions(&e, &["preds.csv", "\"prob\"", "\"score\"", "--prob COL"]);
    let e = csv_err(
        "label,prob_0,prob_1,score_0,score_1\n1,0.5,0.5,0.5,0.5\n",
        &[],
    );
    assert_mentions(&e, &["prob_*", "score_*", "--probs"]);
    let e = csv_err("label,prob,logit_0,logit_1\n1,0.5,0,0\n", &[]);
    assert_mentions(
        &e,
        &["\"prob\"", "logit_*", "--mode binary", "--mode softmax"],
    );
}

#[test]
fn probability_outside_0_1_csv_line_and_parquet_row() {
    let e = csv_err("label,prob\n1,0.5\n0,0.25\n0,1.5\n", &[]);
    assert_mentions(
        &e,
        &[
            "preds.csv",
            "line 4",
            "\"prob\"",
            "outside [0, 1]",
            "\"1.5\"",
            "--logit",
        ],
    );
    let w = Workdir::new();
    let mut p = vec![0.5; 300];
    p[150] = -0.25;
    w.write_parquet(
        "p.parquet",
        vec![("label", i64s(vec![0; 300])), ("prob", f64s(p))],
        64,
    );
    let e = stats_err(&w, &["p.parquet"]);
    assert_mentions(
        &e,
        &["p.parquet", "row 150 (0-based)", "\"prob\"", "\"-0.25\""],
    );
}

#[test]
fn nan_scores() {
    let e = csv_err("label,prob\n1,0.5\n0,NaN\n", &[]);
    assert_mentions(
        &e,
        &["preds.csv", "line 3", "\"prob\"", "NaN", "--skip-invalid"],
    );
    let w = Workdir::new();
    w.write_parquet(
        "n.parquet",
        vec![
            ("label", i64s(vec![0, 1, 0])),
            ("logit", f64s(vec![0.5, 1.0, f64::NAN])),
        ],
        8,
    );
    let e = stats_err(&w, &["n.parquet"]);
    assert_mentions(&e, &["n.parquet", "row 2 (0-based)", "\"logit\"", "NaN"]);
}

#[test]
fn infinite_logits() {
    let e = csv_err("label,logit\n1,0.5\n0,-inf\n", &[]);
    assert_mentions(&e, &["line 3", "\"logit\"", "infinite", "\"-inf\""]);
}

#[test]
fn label_that_is_not_a_class() {
    let e = csv_err("label,prob\n1,0.5\n2,0.5\n", &[]);
    assert_mentions(
        &e,
        &[
            "preds.csv",
            "line 3",
            "\"label\"",
            "\"2\"",
            "[0, 1]",
            "--ignore-index",
        ],
    );
    let e = csv_err("label,p_cat,p_dog\ncat,0.5,0.5\ncow,0.5,0.5\n", &[]);
    assert_mentions(&e, &["line 3", "\"cow\"", "cat, dog"]);
}

#[test]
fn background_labels_outside_sigmoid_mode_suggest_it() {
    let e = fails(
        flcli()
            .arg("stats")
            .arg(fixture("sigmoid.parquet"))
            .arg("-q"),
    );
    assert_mentions(
        &e,
        &[
            "sigmoid.parquet",
            "row 0 (0-based)",
            "\"-1\"",
            "--mode sigmoid",
        ],
    );
}

#[test]
fn ragged_csv_line() {
    let e = csv_err("label,prob\n1,0.5\n0,0.5,7\n", &[]);
    assert_mentions(
        &e,
        &[
            "preds.csv",
            "line 3",
            "3 fields",
            "header has 2",
            "--delimiter",
        ],
    );
}

#[test]
fn value_that_is_not_a_number() {
    let e = csv_err("label,prob\n1,0.5\n0,abc\n", &[]);
    assert_mentions(
        &e,
        &["preds.csv", "line 3", "\"prob\"", "\"abc\"", "not a number"],
    );
    assert!(!e.contains("--positive"), "a score is not a label: {e}");
}

#[test]
fn softmax_rows_that_do_not_sum_to_one_suggest_sigmoid() {
    let e = csv_err("label,p_0,p_1\n1,0.5,0.5\n0,0.5,0.7\n", &[]);
    assert_mentions(
        &e,
        &["preds.csv", "line 3", "p_0..p_1", "1.2", "--mode sigmoid"],
    );
}

#[test]
fn csv_named_parquet() {
    let w = Workdir::new();
    w.write("preds.parquet", "label,prob\n1,0.5\n");
    let e = stats_err(&w, &["preds.parquet"]);
    assert_mentions(
        &e,
        &["preds.parquet", "not a Parquet file", "--input-format csv"],
    );
    let w = Workdir::new();
    w.write("preds.csv", "label,prob\n1,0.5\n");
    let e = stats_err(&w, &["preds.csv", "--input-format", "parquet"]);
    assert_mentions(&e, &["preds.csv", "PAR1", "--input-format"]);
}

#[test]
fn truncated_parquet() {
    let bytes = std::fs::read(fixture("detection.parquet")).unwrap();
    let w = Workdir::new();
    w.write("cut.parquet", &bytes[..bytes.len() / 2]);
    let e = stats_err(&w, &["cut.parquet"]);
    assert_mentions(&e, &["cut.parquet", "truncated", "re-export"]);
}

#[test]
fn string_labels_in_binary_mode_need_positive() {
    let e = csv_err("label,prob\nyes,0.5\nno,0.2\n", &[]);
    assert_mentions(
        &e,
        &["preds.csv", "line 2", "\"label\"", "\"yes\"", "--positive"],
    );
    let w = Workdir::new();
    w.write_parquet(
        "s.parquet",
        vec![
            (
                "label",
                Arc::new(arrow_array::StringArray::from(vec!["no", "yes"])) as _,
            ),
            ("prob", f64s(vec![0.1, 0.8])),
        ],
        8,
    );
    let e = stats_err(&w, &["s.parquet"]);
    assert_mentions(
        &e,
        &["s.parquet", "row 0 (0-based)", "\"no\"", "--positive"],
    );
}

#[test]
fn directory_without_data_files() {
    let w = Workdir::new();
    w.write("dir/README.md", "nothing here");
    let e = stats_err(&w, &["dir"]);
    assert_mentions(&e, &["dir", "no data files", ".parquet"]);
}

#[test]
fn shards_with_different_columns_name_the_odd_file() {
    let w = Workdir::new();
    w.write("d/a.csv", "label,prob\n1,0.5\n");
    w.write("d/b.csv", "label,score\n1,0.5\n");
    let e = stats_err(&w, &["d"]);
    assert_mentions(&e, &["b.csv", "\"prob\"", "a.csv", "same columns"]);
}

#[test]
fn null_values_in_parquet_name_the_row() {
    let w = Workdir::new();
    w.write_parquet(
        "n.parquet",
        vec![
            (
                "label",
                Arc::new(arrow_array::Int64Array::from(vec![Some(1), None])) as _,
            ),
            ("prob", f64s(vec![0.5, 0.5])),
        ],
        8,
    );
    let e = stats_err(&w, &["n.parquet"]);
    assert_mentions(&e, &["n.parquet", "row 1 (0-based)", "\"label\"", "null"]);
}

#[test]
fn invalid_loss_settings() {
    let d = fixture("detection.csv").display().to_string();
    let a = fixture("animals.csv").display().to_string();
    let run = |args: &[&str]| fails(flcli().arg("stats").args(args));
    assert_mentions(&run(&[&d, "--gamma=-1"]), &["--gamma", "≥ 0", "-1"]);
    // A negative number reaches flcli's own check, which names the flag.
    assert_mentions(&run(&[&d, "--gamma", "-1"]), &["--gamma", "≥ 0", "-1"]);
    assert_mentions(&run(&[&d, "--alpha", "1.5"]), &["--alpha", "[0, 1]", "1.5"]);
    assert_mentions(
        &run(&[&d, "--alpha", "-0.5"]),
        &["--alpha", "[0, 1]", "-0.5"],
    );
    assert_mentions(&run(&[&d, "--alpha", "0.2,0.3"]), &["binary", "one number"]);
    assert_mentions(
        &run(&[&a, "--alpha", "0.25"]),
        &["per-class list of 4", "got 1"],
    );
    // Softmax α is a per-class weight vector: values above 1 (class-balanced
    // weights summing to K, as recommend prints them) are accepted.
    ok(flcli().args(["stats", &a, "--alpha", "0.1,0.2,0.3,1.2"]));
    assert_mentions(
        &run(&[&a, "--alpha", "0.1,0.2,0.3,-1.2"]),
        &["--alpha", "≥ 0", "-1.2"],
    );
    let lists = fails(flcli().args(["compare", &d, "--gamma", "0", "1", "2"]));
    assert_mentions(&lists, &["comma-separated", "--gamma 0,1,2,5"]);
    assert_mentions(&run(&[&a, "--positive", "cat"]), &["--positive", "binary"]);
    assert_mentions(
        &run(&[&d, "--buckets", "0,0.5"]),
        &["--buckets", "end at 1"],
    );
    assert_mentions(&run(&[&d, "--eps", "0"]), &["--eps"]);
    assert_mentions(&run(&[&d, "-d", "ab"]), &["--delimiter", "one byte"]);
}

#[test]
fn line_numbers_stay_exact_across_parallel_csv_ranges() {
    // > 8 MiB so the file is cut into byte ranges; the bad value is on the last line.
    let mut s = String::from("label,prob\n");
    let rows = 1_100_000;
    for i in 0..rows - 1 {
        s.push_str(if i % 7 == 0 {
            "1,0.8125\n"
        } else {
            "0,0.0625\n"
        });
    }
    s.push_str("0,7\n");
    let w = Workdir::new();
    w.write("big.csv", &s);
    assert!(s.len() > 8 << 20);
    let e = stats_err(&w, &["big.csv", "-j", "2"]);
    assert_mentions(&e, &["big.csv", &format!("line {}", rows + 1), "\"7\""]);
}

#[test]
fn threads_has_a_sane_maximum() {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let d = fixture("detection.csv").display().to_string();
    let too_many = (4 * cores + 1).to_string();
    let e = fails(flcli().args(["stats", &d, "-j", &too_many]));
    assert_mentions(&e, &["--threads", &too_many, "4 per core"]);
    let e = fails(flcli().args(["stats", &d, "-j", "0"]));
    assert_mentions(&e, &["--threads", "got 0"]);
    ok(flcli().args(["stats", &d, "-j", &(4 * cores).to_string()]));
}

#[test]
fn list_cells_written_as_text_say_how_to_save_the_dump() {
    // pandas writes an array cell to CSV as its text: "[0.1 0.9]" or "[0.1, 0.9]".
    // Detection sees the first cell and says so before any row is read,
    // whichever flag (or none) points at the column.
    let csv = "label,probs\n0,\"[0.1 0.9]\"\n1,\"[0.8, 0.2]\"\n";
    for args in [
        &[][..],
        &["--prob", "probs"],
        &["--probs", "probs"],
        &["--logits", "probs"],
    ] {
        let e = csv_err(csv, args);
        assert_mentions(
            &e,
            &[
                "preds.csv",
                "line 2",
                "\"probs\"",
                "[0.1 0.9]",
                "lists written as text",
                "df.to_parquet",
            ],
        );
        assert!(
            !e.contains("softmax mode") && !e.contains("Columns("),
            "{e}"
        );
    }
    // A Python list of names in the label column: multi-label targets.
    let e = csv_err("labels,prob\n\"['cat', 'dog']\",0.5\n", &[]);
    assert_mentions(&e, &["\"labels\"", "lists written as text", "--targets"]);
    // A bracketed class name is a name, not a list.
    let w = Workdir::new();
    w.write("names.csv", "label,prob\n[PAD],0.5\nword,0.4\n");
    ok(w.cmd().args(["stats", "names.csv", "--positive", "word"]));
    // Read from a pipe, the first cell is not peeked: the row's own error says it.
    let e = fails(
        flcli()
            .args(["stats", "-", "--prob", "probs"])
            .write_stdin(csv),
    );
    assert_mentions(&e, &["line 2", "list written as text", "df.to_parquet"]);
}
