//! The query of `flcli sql` gives the sums of a direct pass (counts exact,
//! every float within 1e-12 relative) in DuckDB and DataFusion on every
//! fixture layout, in a local Spark session and in a throwaway PostgreSQL
//! server. The engines run in Python (tests/sql/run_sql.py) from the venv
//! whose python `FLCLI_SQL_PYTHON` names (.ci/run creates it); without it
//! these tests say so loudly and pass, except under CI=true, where they fail.

#[path = "../../tests/it/sql_layouts.rs"]
mod layouts;

use super::engines_check::{assert_same_groups, direct};
use super::sums;
use crate::cli::{Cli, Command};
use clap::Parser;
use layouts::{bad_rows, case_file, python, run_py, with_bad_targets, CASES, GRID};
use std::path::Path;

/// The query `flcli sql` prints for `flags` and [`GRID`] (and `--by`).
fn sql(dialect: &str, table: &str, like: &Path, flags: &[&str], by: Option<&str>) -> String {
    let mut args: Vec<String> = vec!["flcli".into(), "sql".into(), "--dialect".into()];
    args.extend([
        dialect.into(),
        "--table".into(),
        table.into(),
        "--like".into(),
    ]);
    args.push(like.display().to_string());
    args.extend(flags.iter().chain(GRID).map(|s| s.to_string()));
    if let Some(col) = by {
        args.extend(["--by".into(), col.into()]);
    }
    let Command::Sql(a) = Cli::try_parse_from(&args).expect("sql flags").command else {
        unreachable!("parsed a sql command")
    };
    crate::cmd::sql::query(&a).expect("a query")
}

/// Runs `engine` on `file` and checks the sums against a direct pass; returns the largest relative difference.
#[allow(clippy::too_many_arguments)]
fn check_engine(
    py: &Path,
    dir: &Path,
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
    let q = dir.join(format!("{out}.sql"));
    std::fs::write(&q, sql(engine, &table, file, flags, by)).unwrap();
    let res = dir.join(out);
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
    let w = tempfile::tempdir().unwrap();
    let w = w.path();
    for engine in ["duckdb", "datafusion"] {
        for (i, c) in CASES.iter().enumerate() {
            // CSV for one layout without --by and one with (NULL and '' keys apart).
            let out = if i == 2 || i == 6 {
                format!("{engine}{i}.csv")
            } else {
                format!("{engine}{i}.parquet")
            };
            let file = case_file(w, c);
            check_engine(&py, w, engine, &file, c.flags, c.by, c.skip(), &out);
            if engine == "duckdb" && (i == 3 || i == 8) {
                // Two more layouts written as CSV, as the report tests read them.
                let out = format!("{engine}{i}.csv");
                check_engine(&py, w, engine, &file, c.flags, c.by, c.skip(), &out);
            }
        }
    }
}

/// Runs every case's query for `engine` in one session of run_sql.py (a JVM or a
/// database server starts once) and checks each sums table against a direct pass.
fn run_jobs(engine: &str) {
    let Some(py) = python() else { return };
    let w = tempfile::tempdir().unwrap();
    let w = w.path();
    let mut jobs = String::new();
    let mut results = Vec::new();
    for (i, c) in CASES.iter().enumerate() {
        let file = case_file(w, c);
        let q = w.join(format!("{engine}{i}.sql"));
        std::fs::write(&q, sql(engine, "preds", &file, c.flags, c.by)).unwrap();
        let res = w.join(format!("{engine}{i}.parquet"));
        jobs.push_str(&format!(
            "{}\t{}\tpreds={}\n",
            q.display(),
            res.display(),
            file.display()
        ));
        results.push((file, c.flags, c.by, c.skip(), res));
    }
    let list = w.join(format!("{engine}-jobs.tsv"));
    std::fs::write(&list, jobs).unwrap();
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
fn invalid_rows_are_counted_by_reason_in_the_sums_of_a_direct_pass() {
    let Some(py) = python() else { return };
    let w = tempfile::tempdir().unwrap();
    let w = w.path();
    let file = bad_rows(w);
    let flags = ["--prob", "prob", "--label", "label"];
    for engine in ["duckdb", "datafusion"] {
        let out = format!("bad_{engine}.parquet");
        check_engine(&py, w, engine, &file, &flags, None, true, &out);
        // Under --by, each group counts its own skipped rows.
        let out = format!("bad_by_{engine}.parquet");
        check_engine(&py, w, engine, &file, &flags, Some("g"), true, &out);
    }
}

#[test]
fn multi_label_rows_with_invalid_ids_give_the_sums_of_a_direct_pass() {
    let Some(py) = python() else { return };
    let w = tempfile::tempdir().unwrap();
    let w = w.path();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/multilabel.parquet");
    let file = with_bad_targets(w, &fixture);
    for engine in ["duckdb", "datafusion"] {
        let out = format!("ml_{engine}.parquet");
        check_engine(&py, w, engine, &file, &[], None, true, &out);
    }
}
