//! End-to-end criterion benches: `flcli stats` and `flcli compare` through the
//! library (open → detect → parallel pass → report → JSON), on a generated
//! binary Parquet file and a CSV of the same rows.
//!
//! Each group runs `stats`, `compare` over 5 γ × 1 α and over 5 γ × 3 α on one
//! file, so the compare/stats ratio (issue 3's target: ≤ 1.5×) can be read off
//! directly; it is printed after the run.
//!
//! The data (`FLCLI_BENCH_ROWS`, default 4M rows) is written once into
//! `target/flcli-bench/` (`FLCLI_BENCH_DIR` overrides) and reused.
//!
//! Run: `cargo bench --bench pipeline` (filter: `cargo bench --bench pipeline -- parquet`).

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use std::path::{Path, PathBuf};
use std::time::Duration;

mod common;
mod e2e_data;

/// The commands of each group: (bench name, flcli arguments after the file).
const CASES: [(&str, &[&str]); 3] = [
    (
        "stats_g2",
        &[
            "stats", "--prob", "prob", "--label", "label", "--gamma", "2", "--alpha", "0.25",
        ],
    ),
    (
        "compare_5g_1a",
        &[
            "compare",
            "--prob",
            "prob",
            "--label",
            "label",
            "--gamma",
            "0,0.5,1,2,5",
            "--alpha",
            "0.25",
        ],
    ),
    (
        "compare_5g_3a",
        &[
            "compare",
            "--prob",
            "prob",
            "--label",
            "label",
            "--gamma",
            "0,0.5,1,2,5",
            "--alpha",
            "0.25,0.5,none",
        ],
    ),
];

/// A command line, run many times through the library entry.
struct Job(Vec<String>);

impl Job {
    fn parse(file: &Path, args: &[&str]) -> Job {
        let mut argv: Vec<String> = vec![args[0].into(), file.display().to_string()];
        argv.extend(args[1..].iter().map(|s| s.to_string()));
        Job(argv)
    }

    /// What `flcli ... --json` does for this command line, up to the JSON text
    /// (returned, not printed; notes off, no colour).
    fn run(&self) -> Result<String, String> {
        flcli::api::report(&self.0, None)
    }
}

fn group(c: &mut Criterion, name: &str, file: &Path, rows: u64) {
    let mut g = c.benchmark_group(name);
    // A pass over millions of rows takes 0.1-1 s: 10 flat samples (the same
    // iteration count each, not criterion's 1..10 ramp) keep a group under a minute.
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6))
        .throughput(Throughput::Elements(rows));
    for (bench, args) in CASES {
        let job = Job::parse(file, args);
        job.run().expect("the bench command runs"); // fail loudly, before timing
        g.bench_function(BenchmarkId::from_parameter(bench), |b| {
            b.iter(|| job.run().expect("the bench command runs"))
        });
    }
    g.finish();
}

/// Where criterion writes its estimates (its own rule: CRITERION_HOME, else
/// `$CARGO_TARGET_DIR/criterion`, else `target/criterion`).
fn criterion_dir() -> PathBuf {
    if let Some(h) = std::env::var_os("CRITERION_HOME") {
        return h.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("criterion")
}

/// The median (s) of a finished bench, from criterion's `new/estimates.json`.
fn median_s(group: &str, bench: &str) -> Option<f64> {
    let p = criterion_dir()
        .join(group)
        .join(bench)
        .join("new/estimates.json");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).ok()?).ok()?;
    Some(v["median"]["point_estimate"].as_f64()? / 1e9)
}

/// Prints compare/stats per group, from this run's medians (skipped when filtered out).
fn print_ratios(groups: &[&str]) {
    for gname in groups {
        let Some(s) = median_s(gname, CASES[0].0) else {
            continue;
        };
        for (bench, _) in &CASES[1..] {
            if let Some(t) = median_s(gname, bench) {
                println!(
                    "{gname}: {bench} / {} = {t:.3} s / {s:.3} s = {:.2}x",
                    CASES[0].0,
                    t / s
                );
            }
        }
    }
}

fn main() {
    let rows: u64 = std::env::var("FLCLI_BENCH_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4_000_000);
    let mut c = Criterion::default().configure_from_args();
    let files = e2e_data::ensure(rows).expect("bench data can be written");
    group(&mut c, "e2e_parquet", &files.parquet, rows);
    group(&mut c, "e2e_csv", &files.csv, rows);
    c.final_summary();
    print_ratios(&["e2e_parquet", "e2e_csv"]);
}
