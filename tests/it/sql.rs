//! `flcli sql`: reports from the sums tables DuckDB computes with the
//! generated query equal a direct run's, invalid rows are counted by reason,
//! the Trino, BigQuery and PostgreSQL queries parse with sqlglot, and the
//! query of each dialect is a reviewed snapshot. That the sums themselves are
//! a direct pass's, in every engine: src/sql/engines_tests.rs.
//!
//! The engines run in Python (tests/sql/run_sql.py) from the venv whose
//! python `FLCLI_SQL_PYTHON` names (.ci/run creates it). Without it the
//! engine tests say so loudly and pass, except under CI=true, where they fail.

use crate::sql_layouts::{bad_rows, case_file, python, run_py, with_bad_targets, CASES, GRID};
use crate::support::{assert_mentions, fails, fixture, flcli, ok, Workdir};
use std::path::{Path, PathBuf};

fn sql(dialect: &str, table: &str, like: &Path, flags: &[&str], by: Option<&str>) -> String {
    let mut c = flcli();
    c.args(["sql", "--dialect", dialect, "--table", table, "--like"])
        .arg(like)
        .args(flags)
        .args(GRID);
    if let Some(col) = by {
        c.args(["--by", col]);
    }
    ok(&mut c).0
}

/// Runs the query for `flags` (and `--by`) in `engine` on `file`; returns the sums table `out`.
fn run_engine(
    py: &Path,
    w: &Workdir,
    engine: &str,
    file: &Path,
    flags: &[&str],
    by: Option<&str>,
    out: &str,
) -> PathBuf {
    let table = match engine {
        "duckdb" => format!("read_parquet('{}')", file.display()),
        _ => "preds".to_string(),
    };
    let q = w.write(&format!("{out}.sql"), sql(engine, &table, file, flags, by));
    let res = w.path(out);
    let reg = format!("preds={}", file.display());
    let mut args: Vec<&std::ffi::OsStr> = vec![engine.as_ref(), q.as_os_str(), res.as_os_str()];
    if engine == "datafusion" {
        args.push(reg.as_ref());
    }
    run_py(py, &args);
    res
}

#[test]
fn other_dialects_parse_with_sqlglot() {
    let Some(py) = python() else { return };
    let w = Workdir::new();
    for (dialect, glot) in [
        ("trino", "trino"),
        ("bigquery", "bigquery"),
        ("postgres", "postgres"),
    ] {
        for (i, c) in CASES.iter().enumerate() {
            let q = w.write(
                &format!("{dialect}{i}.sql"),
                sql(dialect, "db.preds", &case_file(w.root(), c), c.flags, c.by),
            );
            run_py(&py, &["parse".as_ref(), glot.as_ref(), q.as_os_str()]);
        }
    }
}

/// The JSON report without what names the input file (its path, format, what was detected,
/// and recommend's command line that reproduces it).
fn comparable(mut v: serde_json::Value) -> serde_json::Value {
    let input = &mut v["input"];
    for k in ["paths", "format", "detected"] {
        input[k] = serde_json::Value::Null;
    }
    if let Some(o) = v.as_object_mut() {
        o.remove("reproduce");
    }
    // Where the skipped rows are: a table of sums has no row order to tell.
    if let Some(skipped) = v["input"]["skipped"].as_array_mut() {
        for s in skipped {
            for k in ["first", "files"] {
                s[k] = serde_json::Value::Null;
            }
        }
    }
    // Each --by group is a report of its own.
    if let Some(groups) = v["groups"].as_array_mut() {
        for g in groups {
            *g = comparable(g.take());
        }
    }
    v
}

fn report(cmd: &str, args: &[&std::ffi::OsStr]) -> serde_json::Value {
    let mut c = flcli();
    c.args([cmd, "--json", "-q"]).args(args);
    serde_json::from_str(&ok(&mut c).0).expect("JSON report")
}

#[test]
fn reports_from_a_sums_table_are_those_of_a_direct_run() {
    let Some(py) = python() else { return };
    let w = Workdir::new();
    for (i, c) in CASES.iter().enumerate() {
        let file = case_file(w.root(), c);
        let out = if i == 3 || i == 8 {
            format!("s{i}.csv")
        } else {
            format!("s{i}.parquet")
        };
        // The sums themselves: src/sql/engines_tests.rs.
        let sums = run_engine(&py, &w, "duckdb", &file, c.flags, c.by, &out);
        let mut by: Vec<&str> = c.by.map(|b| vec!["--by", b]).unwrap_or_default();
        let skip: &[&str] = if c.skip() { &["--skip-invalid"] } else { &[] };
        by.extend(skip);
        // recommend has no --by: a table summed by a column gives its whole report.
        let runs = [
            ("stats", &by[..]),
            ("compare", &by[..]),
            ("recommend", skip),
            ("stats", skip),
        ];
        for (cmd, by) in runs {
            let mut direct: Vec<&std::ffi::OsStr> = vec![file.as_os_str()];
            direct.extend(c.flags.iter().chain(by).map(std::ffi::OsStr::new));
            let want = report(cmd, &direct);
            let mut on_sums = vec![sums.as_os_str()];
            on_sums.extend(by.iter().map(std::ffi::OsStr::new));
            let got = report(cmd, &on_sums);
            assert_eq!(got["input"]["format"], "sql_sums", "{cmd} {}", c.file);
            assert_eq!(
                got["groups"].is_array(),
                by.contains(&"--by"),
                "{cmd} {by:?}"
            );
            crate::support::assert_json_close(
                &comparable(got),
                &comparable(want),
                1e-9,
                &format!("{cmd} {} {by:?}", c.file),
            );
        }
        if let Some(col) = c.by {
            // --by names the column the query summed by.
            let mut bad = flcli();
            bad.args(["compare", "--by", "label"]).arg(&sums);
            assert_mentions(
                &fails(&mut bad),
                &["broken down by", col, "flcli sql --by \"label\""],
            );
        } else if i == 0 {
            let mut bad = flcli();
            bad.args(["stats", "--by", "size"]).arg(&sums);
            assert_mentions(
                &fails(&mut bad),
                &["not broken down by any column", "flcli sql --by"],
            );
        }
        if i == 3 {
            // A table from a query without squared sums (its spec without "moments") still
            // reads; recommend says the share intervals are unavailable, and why.
            let text = std::fs::read_to_string(&sums).unwrap();
            assert!(
                text.contains(r#",""moments"":true"#),
                "the CSV spec says moments"
            );
            let old = w.write("old.csv", text.replace(r#",""moments"":true"#, ""));
            let rec = report("recommend", &[old.as_os_str()]);
            let d = &rec["evidence"]["decision"];
            assert!(d["ce_easy_grad_share_interval"].is_null());
            let why = d["share_intervals_unavailable"]
                .as_str()
                .unwrap_or_default();
            assert!(why.contains("older flcli sql query"), "{why}");
            let fresh = report("recommend", &[sums.as_os_str()]);
            assert!(fresh["evidence"]["decision"]["ce_easy_grad_share_interval"].is_array());
        }
        if i == 0 {
            // A flag for reading data files is refused, not silently ignored.
            let mut bad = flcli();
            bad.args(["stats", "--label", "label"]).arg(&sums);
            assert_mentions(
                &fails(&mut bad),
                &["--label applies to reading data files", "sums table"],
            );
            // recommend's command line runs as printed on the sums table itself.
            let rec = report("recommend", &[sums.as_os_str()]);
            let line = rec["reproduce"]["flcli"].as_str().expect("a command line");
            let mut again = flcli();
            again.args(line.split_whitespace().skip(1));
            ok(&mut again);
        }
    }
}

#[test]
fn invalid_rows_are_counted_by_reason_and_stop_the_report_without_skip_invalid() {
    let Some(py) = python() else { return };
    let w = Workdir::new();
    let file = bad_rows(w.root());
    let flags = ["--prob", "prob", "--label", "label"];
    // The sums of every engine, with and without --by: src/sql/engines_tests.rs.
    let sums = run_engine(&py, &w, "duckdb", &file, &flags, None, "bad_duckdb.parquet");
    let mut c = flcli();
    c.args(["stats", "-q"]).arg(&sums);
    let err = crate::support::fails(&mut c);
    crate::support::assert_mentions(
        &err,
        &[
            "5 invalid row",
            "2 null",
            "1 nan",
            "1 out_of_range",
            "1 unknown_label",
            "--skip-invalid",
        ],
    );
    let got = report("stats", &[sums.as_os_str(), "--skip-invalid".as_ref()]);
    let want = report("stats", &[file.as_os_str(), "--skip-invalid".as_ref()]);
    assert_eq!(got["input"]["rows_skipped"], want["input"]["rows_skipped"]);
    assert_eq!(got["input"]["rows_ignored"], want["input"]["rows_ignored"]);
}

#[test]
fn multi_label_rows_are_skipped_for_their_first_invalid_id() {
    let Some(py) = python() else { return };
    let w = Workdir::new();
    let file = with_bad_targets(w.root(), &fixture("multilabel.parquet"));
    for engine in ["duckdb", "datafusion"] {
        let out = format!("ml_{engine}.parquet");
        run_engine(&py, &w, engine, &file, &[], None, &out);
        // Row 10 holds a NULL id before an unknown one, row 12 after one: one
        // null and one unknown_label, whatever else either list holds.
        let mut c = flcli();
        c.args(["stats", "-q"]).arg(w.path(&out));
        assert_mentions(
            &fails(&mut c),
            &[
                "7 invalid row",
                "2 null",
                "1 nan",
                "4 unknown_label",
                "--skip-invalid",
            ],
        );
    }
}

#[test]
fn without_like_the_columns_and_mode_are_required() {
    let mut c = flcli();
    c.args(["sql", "--dialect", "duckdb", "--table", "t", "--label", "y"]);
    let err = crate::support::fails(&mut c);
    crate::support::assert_mentions(&err, &["--mode", "--like"]);
    let mut c = flcli();
    c.args([
        "sql",
        "--dialect",
        "trino",
        "--table",
        "t",
        "--label",
        "y",
        "--logits",
        "a,b,c",
        "--mode",
        "sigmoid",
    ]);
    let (q, _) = ok(&mut c);
    assert!(q.contains("\"a\"") && q.contains("flcli_spec"), "{q}");
    // One name is a list column: its classes come from --class-names (or --like).
    let list = ["--label", "y", "--probs", "p", "--mode", "softmax"];
    let mut c = flcli();
    c.args(["sql", "--dialect", "duckdb", "--table", "t"])
        .args(list);
    assert_mentions(&fails(&mut c), &["list column", "--class-names", "--like"]);
    let mut c = flcli();
    c.args(["sql", "--dialect", "duckdb", "--table", "t"])
        .args(list)
        .args(["--class-names", "cat,dog"]);
    let (q, _) = ok(&mut c);
    assert!(q.contains("\"p\"[2]") && !q.contains("\"p\"[3]"), "{q}");
    assert!(q.contains("'cat'") && q.contains("len(\"p\")"), "{q}");
    // --multi-label: the query a sample with a list label column gives.
    let ml = fixture("multilabel.parquet");
    let cols = "logit_0,logit_1,logit_2,logit_3,logit_4,logit_5";
    let mut c = flcli();
    c.args(["sql", "--dialect", "duckdb", "--table", "t", "--like"])
        .arg(&ml);
    let (like, _) = ok(&mut c);
    let mut c = flcli();
    c.args([
        "sql",
        "--dialect",
        "duckdb",
        "--table",
        "t",
        "--multi-label",
    ])
    .args(["--label", "labels", "--logits", cols, "--mode", "sigmoid"]);
    let (flags, _) = ok(&mut c);
    assert!(like.contains("list_contains(lab, j)"), "{like}");
    assert_eq!(flags, like);
    // Lists are sigmoid; a sample whose label holds none is not multi-label.
    let mut c = flcli();
    c.args([
        "sql",
        "--dialect",
        "duckdb",
        "--table",
        "t",
        "--multi-label",
    ])
    .args(["--label", "labels", "--logits", cols, "--mode", "softmax"]);
    let msg = fails(&mut c);
    assert_mentions(
        &msg,
        &["--multi-label", "--mode softmax", "pass --mode sigmoid"],
    );
    assert!(!msg.contains("drop --mode"), "{msg}");
    let mut c = flcli();
    c.args([
        "sql",
        "--dialect",
        "duckdb",
        "--table",
        "t",
        "--multi-label",
        "--like",
    ])
    .arg(fixture("sigmoid.parquet"));
    assert_mentions(&fails(&mut c), &["--multi-label", "holds no lists"]);
}

/// The query of every dialect for one layout per mode, so a change to the SQL is a reviewed change.
#[test]
fn snapshots_of_the_query_per_dialect() {
    let layouts: [(&str, &[&str]); 5] = [
        (
            "softmax_list",
            &[
                "--label",
                "label",
                "--logits",
                "logits",
                "--mode",
                "softmax",
                "--class-names",
                "0,1,2",
            ],
        ),
        (
            "binary",
            &["--label", "label", "--logit", "logit", "--mode", "binary"],
        ),
        (
            "binary_by",
            &[
                "--label", "label", "--prob", "prob", "--mode", "binary", "--by", "split",
            ],
        ),
        (
            "softmax",
            &[
                "--label",
                "label",
                "--probs",
                "p_cat,p_dog,p_bird",
                "--mode",
                "softmax",
            ],
        ),
        (
            "sigmoid",
            &[
                "--label",
                "label",
                "--logits",
                "logit_0,logit_1,logit_2",
                "--mode",
                "sigmoid",
                "--gamma",
                "0,1.7,2",
            ],
        ),
    ];
    for d in [
        "duckdb",
        "spark",
        "trino",
        "bigquery",
        "postgres",
        "datafusion",
    ] {
        for (name, flags) in layouts {
            let mut c = flcli();
            c.args(["sql", "--dialect", d, "--table", "preds"])
                .args(flags);
            let (q, _) = ok(&mut c);
            insta::assert_snapshot!(format!("sql_{d}_{name}"), q);
        }
        // Multi-label targets (a list of class ids, three score columns), detected from a sample.
        let w = Workdir::new();
        let like = w.write_parquet(
            "ml.parquet",
            vec![
                (
                    "labels",
                    std::sync::Arc::new(arrow_array::ListArray::from_iter_primitive::<
                        arrow_array::types::Int64Type,
                        _,
                        _,
                    >(vec![Some(vec![Some(0), Some(2)])]))
                        as arrow_array::ArrayRef,
                ),
                (
                    "logit_0",
                    std::sync::Arc::new(arrow_array::Float64Array::from(vec![0.5])),
                ),
                (
                    "logit_1",
                    std::sync::Arc::new(arrow_array::Float64Array::from(vec![-1.0])),
                ),
                (
                    "logit_2",
                    std::sync::Arc::new(arrow_array::Float64Array::from(vec![2.0])),
                ),
            ],
            1,
        );
        let mut c = flcli();
        c.args([
            "sql",
            "--dialect",
            d,
            "--table",
            "preds",
            "--gamma",
            "0,2",
            "--like",
        ])
        .arg(&like);
        let (q, _) = ok(&mut c);
        insta::assert_snapshot!(format!("sql_{d}_multilabel"), q);
    }
}
