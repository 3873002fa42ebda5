//! `flcli sql`: the generated query, run in DuckDB and DataFusion on every
//! fixture layout, gives the sums of a direct pass (counts exact, every float
//! within 1e-12 relative), and so does the Spark SQL query in a local Spark
//! session and the PostgreSQL query in a throwaway PostgreSQL server; the
//! Trino, BigQuery and PostgreSQL queries parse with sqlglot; the query of
//! each dialect is a reviewed snapshot.
//!
//! The engines run in Python (tests/sql/run_sql.py) from the venv whose
//! python `FLCLI_SQL_PYTHON` names (.ci/run creates it). Without it the
//! engine tests say so loudly and pass, except under CI=true, where they fail.

use crate::sql_layouts::{with_bad_targets, with_groups, with_lists};
use crate::support::{assert_mentions, fails, fixture, flcli, ok, rel, Workdir};
use flcli::engine::{EngineSpec, Partial};
use flcli::input::{ColumnFlags, Dataset, InputOptions, Selector};
use flcli::model::{Mode, ScoreKind};
use flcli::sql::sums;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The venv python with duckdb, datafusion, sqlglot and pyarrow, if set up.
fn python() -> Option<PathBuf> {
    match std::env::var_os("FLCLI_SQL_PYTHON") {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("FLCLI_SQL_PYTHON is not set under CI=true: .ci/run sets it to the SQL venv's python")
        }
        None => {
            eprintln!("\n*** SKIPPED: FLCLI_SQL_PYTHON is not set, so the SQL engine tests did not run. Run them with: python3 -m venv ~/.cache/flcli-sql-venv && ~/.cache/flcli-sql-venv/bin/pip install duckdb datafusion sqlglot pyarrow && FLCLI_SQL_PYTHON=~/.cache/flcli-sql-venv/bin/python cargo test --test it sql:: ***\n");
            None
        }
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sql/run_sql.py")
}

/// One fixture layout: the file, the flags that name its columns, and how flcli reads it.
struct Case {
    file: &'static str,
    flags: &'static [&'static str],
    /// `--by` this column of the file with group columns added (see [`with_groups`]).
    by: Option<&'static str>,
    /// The scores of the file in one list column (see [`with_lists`]).
    lists: Lists,
}

/// Whether a case reads the fixture's scores as one list column.
#[derive(Clone, Copy, PartialEq)]
enum Lists {
    /// One column per class, as in the fixture.
    No,
    /// A fixed-size list column.
    Fixed,
    /// A variable-size list column with invalid rows, read with --skip-invalid.
    Invalid,
    /// Multi-label targets with invalid ids (see [`with_bad_targets`]), read
    /// with --skip-invalid; the scores in their columns.
    BadTargets,
    /// [`Lists::BadTargets`] with the scores in a fixed-size list column.
    BadTargetsFixed,
}

impl Case {
    fn skip(&self) -> bool {
        matches!(
            self.lists,
            Lists::Invalid | Lists::BadTargets | Lists::BadTargetsFixed
        )
    }
}

const CASES: &[Case] = &[
    Case {
        file: "detection.parquet",
        flags: &["--logit", "logit", "--label", "label"],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "detection.parquet",
        flags: &["--prob", "prob", "--label", "label"],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "longtail.parquet",
        flags: &[],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "longtail_logits.parquet",
        flags: &[],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "animals.parquet",
        flags: &[],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "sigmoid.parquet",
        flags: &["--mode", "sigmoid"],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "detection.parquet",
        flags: &["--logit", "logit", "--label", "label"],
        by: Some("split"),
        lists: Lists::No,
    },
    Case {
        file: "sigmoid.parquet",
        flags: &["--mode", "sigmoid"],
        by: Some("shard"),
        lists: Lists::No,
    },
    Case {
        file: "animals.parquet",
        flags: &[],
        by: Some("split"),
        lists: Lists::No,
    },
    Case {
        file: "longtail_logits.parquet",
        flags: &[],
        by: None,
        lists: Lists::Fixed,
    },
    Case {
        file: "sigmoid.parquet",
        flags: &["--mode", "sigmoid"],
        by: None,
        lists: Lists::Fixed,
    },
    Case {
        file: "animals.parquet",
        flags: &["--class-names", "cat,dog,bird,fish"],
        by: None,
        lists: Lists::Fixed,
    },
    Case {
        file: "longtail.parquet",
        flags: &[],
        by: None,
        lists: Lists::Invalid,
    },
    Case {
        file: "multilabel.parquet",
        flags: &[],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "multilabel_probs.parquet",
        flags: &[],
        by: None,
        lists: Lists::No,
    },
    Case {
        file: "multilabel.parquet",
        flags: &[],
        by: Some("split"),
        lists: Lists::No,
    },
    Case {
        file: "multilabel.parquet",
        flags: &[],
        by: None,
        lists: Lists::BadTargets,
    },
    Case {
        file: "multilabel.parquet",
        flags: &[],
        by: None,
        lists: Lists::BadTargetsFixed,
    },
];

/// The fixture `c.file`, with group columns added when `c.by` is set, with
/// its scores in a list column when `c.lists` says so.
fn case_file(w: &Workdir, c: &Case) -> PathBuf {
    let file = fixture(c.file);
    match (c.by, c.lists) {
        (Some(_), _) => with_groups(w, &file),
        (None, Lists::Fixed) => with_lists(w, &file, false),
        (None, Lists::Invalid) => with_lists(w, &file, true),
        (None, Lists::BadTargets) => with_bad_targets(w, &file),
        (None, Lists::BadTargetsFixed) => with_lists(w, &with_bad_targets(w, &file), false),
        (None, Lists::No) => file,
    }
}

/// Extra terms, so every way of computing a term runs: integer, half-integer
/// and general γ, FLSD-53 and Poly-1.
const GRID: &[&str] = &[
    "--gamma",
    "0,0.5,1,1.7,2,2.5,5,7",
    "--variant",
    "poly1:1",
    "--variant",
    "asl:4,1.5",
];

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

fn run_py(py: &Path, args: &[&std::ffi::OsStr]) {
    let out = Command::new(py)
        .arg(script())
        .args(args)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{:?} failed:\n{}",
        args,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The direct pass over `file` with the settings of the sums table.
fn direct(file: &Path, flags: &[&str], by: Option<&str>, spec: &EngineSpec, skip: bool) -> Partial {
    let mut cols = ColumnFlags::default();
    let mut class_names = None;
    let mut it = flags.iter();
    while let Some(f) = it.next() {
        let v = it.next().expect("a value").to_string();
        match *f {
            "--logit" => cols.scores = Some((ScoreKind::Logits, Selector::One(v))),
            "--prob" => cols.scores = Some((ScoreKind::Probabilities, Selector::One(v))),
            "--label" => cols.label = Some(v),
            "--class-names" => class_names = Some(v.split(',').map(String::from).collect()),
            "--mode" => {
                cols.mode = Some(if v == "sigmoid" {
                    Mode::Sigmoid
                } else {
                    Mode::Softmax
                })
            }
            _ => panic!("flag {f}"),
        }
    }
    let ds = Dataset::open(&InputOptions {
        paths: vec![file.to_path_buf()],
        format: None,
        delimiter: b',',
        columns: cols,
        positive: None,
        background: -1,
        ignore_index: -100,
        skip_invalid: skip,
        by: by.map(String::from),
        max_groups: 1000,
        memory: None,
        labels_npy: None,
        channels_last: false,
        max_line: flcli::input::line_cap::DEFAULT_MAX_LINE,
        class_names,
    })
    .expect("open");
    let mut p = ds.pass(spec, &|_| {}).expect("pass");
    p.round();
    p
}

/// Counts exact, every float within 1e-12 relative.
fn assert_same(got: &Partial, want: &Partial, what: &str) {
    let floats = |name: &str, a: &[f64], b: &[f64]| {
        assert_eq!(a.len(), b.len(), "{what}: {name} lengths");
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            assert!(
                rel(*x, *y) <= 1e-12,
                "{what}: {name}[{i}] = {x}, direct {y} (rel {:e})",
                rel(*x, *y)
            );
        }
    };
    floats("cells", &got.cells, &want.cells);
    floats("tails", &got.tails, &want.tails);
    let cal = |p: &Partial| p.calib.iter().flatten().copied().collect::<Vec<f64>>();
    floats("calib", &cal(got), &cal(want));
    floats("brier", &[got.brier.0], &[want.brier.0]);
    // The counts among the cells: exact.
    for (i, (x, y)) in got
        .cells
        .iter()
        .zip(&want.cells)
        .enumerate()
        .step_by(got.stride)
    {
        assert_eq!(x, y, "{what}: count of cell {i}");
    }
    assert_eq!(got.brier.1, want.brier.1, "{what}: scored items");
    assert_eq!(got.class_rows, want.class_rows, "{what}: class rows");
    assert_eq!(
        got.pairs.sorted(),
        want.pairs.sorted(),
        "{what}: class pairs"
    );
    assert_eq!(
        got.pairs.several, want.pairs.several,
        "{what}: rows with several positives"
    );
    assert_eq!(got.correct, want.correct, "{what}: correct");
    assert_eq!(
        (
            got.rows_read,
            got.rows_used,
            got.rows_ignored,
            got.background_rows
        ),
        (
            want.rows_read,
            want.rows_used,
            want.rows_ignored,
            want.background_rows
        ),
        "{what}: rows read, used, ignored, background"
    );
    let counts = |p: &Partial| {
        p.skipped
            .by_reason
            .iter()
            .map(|s| s.0)
            .collect::<Vec<u64>>()
    };
    assert_eq!(counts(got), counts(want), "{what}: skipped rows by reason");
    assert_eq!(
        got.rows_skipped(),
        want.rows_skipped(),
        "{what}: rows skipped"
    );
}

/// The largest relative difference among the cell and tail sums.
fn largest(got: &Partial, want: &Partial) -> f64 {
    let mut worst: f64 = 0.0;
    for (a, b) in got
        .cells
        .iter()
        .zip(&want.cells)
        .chain(got.tails.iter().zip(&want.tails))
    {
        worst = worst.max(rel(*a, *b));
    }
    worst
}

/// [`assert_same`] for the whole and for each `--by` group, which must be the
/// same groups in the same order; returns the largest relative difference.
fn assert_same_groups(got: Partial, want: Partial, what: &str) -> f64 {
    assert_same(&got, &want, what);
    let mut worst = largest(&got, &want);
    let (_, got) = got.split_groups();
    let (_, want) = want.split_groups();
    let keys = |g: &[(Option<String>, Partial)]| g.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&got), keys(&want), "{what}: the groups, in order");
    if !got.is_empty() {
        // The derived layouts hold NULL keys: a group of their own, first.
        assert_eq!(got[0].0, None, "{what}: the NULL group");
    }
    if what.contains("\"split\"") {
        // NULL, the text "(null)" and the empty text are three groups.
        for k in ["(null)", ""] {
            assert!(
                got.iter().any(|g| g.0.as_deref() == Some(k)),
                "{what}: {k:?}"
            );
        }
    }
    for ((k, g), (_, w)) in got.iter().zip(&want) {
        let what = format!("{what}, group {k:?}");
        assert_same(g, w, &what);
        worst = worst.max(largest(g, w));
    }
    worst
}

/// Runs `engine` on `file` and checks the sums against a direct pass; returns the largest relative difference.
#[allow(clippy::too_many_arguments)]
fn check_engine(
    py: &Path,
    w: &Workdir,
    engine: &str,
    file: &Path,
    flags: &[&str],
    by: Option<&str>,
    skip: bool,
    out: &str,
) -> f64 {
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
    verify(engine, file, flags, by, skip, &res)
}

/// Checks the sums table `res` that `engine` wrote against a direct pass over `file`;
/// returns the largest relative difference.
fn verify(
    engine: &str,
    file: &Path,
    flags: &[&str],
    by: Option<&str>,
    skip: bool,
    res: &Path,
) -> f64 {
    let s = sums::read(res).expect("read sums");
    assert_eq!(s.spec.by.as_deref(), by, "the sums table's --by column");
    let spec = s.spec.engine();
    let got = s.to_partial(&spec).expect("to partial");
    let want = direct(file, flags, by, &spec, skip);
    let what = format!("{engine} {} {flags:?} --by {by:?}", file.display());
    let worst = assert_same_groups(got, want, &what);
    eprintln!("{what}: largest relative difference {worst:e}");
    worst
}

#[test]
fn duckdb_and_datafusion_give_the_sums_of_a_direct_pass() {
    let Some(py) = python() else { return };
    let w = Workdir::new();
    for engine in ["duckdb", "datafusion"] {
        for (i, c) in CASES.iter().enumerate() {
            // CSV for one layout without --by and one with (NULL and '' keys apart).
            let out = if i == 2 || i == 6 {
                format!("{engine}{i}.csv")
            } else {
                format!("{engine}{i}.parquet")
            };
            let file = case_file(&w, c);
            check_engine(&py, &w, engine, &file, c.flags, c.by, c.skip(), &out);
        }
    }
}

/// Runs every case's query for `engine` in one session of run_sql.py (a JVM or a
/// database server starts once) and checks each sums table against a direct pass.
fn run_jobs(engine: &str) {
    let Some(py) = python() else { return };
    let w = Workdir::new();
    let mut jobs = String::new();
    let mut results = Vec::new();
    for (i, c) in CASES.iter().enumerate() {
        let file = case_file(&w, c);
        let q = w.write(
            &format!("{engine}{i}.sql"),
            sql(engine, "preds", &file, c.flags, c.by),
        );
        let res = w.path(&format!("{engine}{i}.parquet"));
        jobs.push_str(&format!(
            "{}\t{}\tpreds={}\n",
            q.display(),
            res.display(),
            file.display()
        ));
        results.push((file, c.flags, c.by, c.skip(), res));
    }
    let list = w.write(&format!("{engine}-jobs.tsv"), jobs);
    run_py(&py, &[engine.as_ref(), list.as_os_str()]);
    let mut worst: f64 = 0.0;
    for (file, flags, by, skip, res) in &results {
        worst = worst.max(verify(engine, file, flags, *by, *skip, res));
    }
    eprintln!("{engine}: largest relative difference over every layout {worst:e}");
}

#[test]
fn spark_runs_the_spark_dialect_with_the_sums_of_a_direct_pass() {
    run_jobs("spark");
}

#[test]
fn postgres_runs_the_postgres_dialect_with_the_sums_of_a_direct_pass() {
    run_jobs("postgres");
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
                sql(dialect, "db.preds", &case_file(&w, c), c.flags, c.by),
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
        let file = case_file(&w, c);
        let out = if i == 3 || i == 8 {
            format!("s{i}.csv")
        } else {
            format!("s{i}.parquet")
        };
        check_engine(&py, &w, "duckdb", &file, c.flags, c.by, c.skip(), &out);
        let sums = w.path(&out);
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
    use arrow_array::{ArrayRef, Float64Array, Int64Array};
    use std::sync::Arc;
    let Some(py) = python() else { return };
    let w = Workdir::new();
    let labels: Vec<Option<i64>> = vec![
        Some(1),
        None,
        Some(0),
        Some(7),
        Some(-100),
        Some(0),
        Some(1),
        Some(0),
        Some(1),
    ];
    let probs: Vec<Option<f64>> = vec![
        Some(0.9),
        Some(0.5),
        None,
        Some(0.3),
        Some(f64::NAN),
        Some(f64::NAN),
        Some(1.5),
        Some(0.2),
        Some(0.6),
    ];
    let file = w.write_parquet(
        "bad.parquet",
        vec![
            ("label", Arc::new(Int64Array::from(labels)) as ArrayRef),
            ("prob", Arc::new(Float64Array::from(probs)) as ArrayRef),
            (
                "g",
                Arc::new(arrow_array::StringArray::from(vec![
                    Some("a"),
                    Some("a"),
                    None,
                    Some("b"),
                    None,
                    Some("b"),
                    Some("a"),
                    None,
                    Some("b"),
                ])) as ArrayRef,
            ),
        ],
        4,
    );
    let flags = ["--prob", "prob", "--label", "label"];
    for engine in ["duckdb", "datafusion"] {
        check_engine(
            &py,
            &w,
            engine,
            &file,
            &flags,
            None,
            true,
            &format!("bad_{engine}.parquet"),
        );
        // Under --by, each group counts its own skipped rows.
        check_engine(
            &py,
            &w,
            engine,
            &file,
            &flags,
            Some("g"),
            true,
            &format!("bad_by_{engine}.parquet"),
        );
    }
    let sums = w.path("bad_duckdb.parquet");
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
    let file = with_bad_targets(&w, &fixture("multilabel.parquet"));
    for engine in ["duckdb", "datafusion"] {
        let out = format!("ml_{engine}.parquet");
        check_engine(&py, &w, engine, &file, &[], None, true, &out);
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
