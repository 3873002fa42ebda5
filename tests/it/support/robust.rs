//! Helpers shared by the robustness tests (robust_*, csv_split):
//! running the binary, writing CSV, gzip and Parquet files, a small seeded
//! generator, and independent f64 reference formulas for CE and focal loss.
#![allow(dead_code)]

use arrow_array::{ArrayRef, RecordBatch};
use flcli::report::{CompareReport, StatsReport};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Out {
    /// Exit code (None if killed by a signal).
    pub code: Option<i32>,
    /// stdout.
    pub stdout: String,
    /// stderr.
    pub stderr: String,
}

/// Runs the flcli binary with `args` (a 60 s limit guards against hangs).
pub fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Out {
    let out = assert_cmd::Command::cargo_bin("flcli")
        .expect("binary")
        .args(args)
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("run flcli");
    Out {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn with_json<S: AsRef<std::ffi::OsStr>>(cmd: &str, args: &[S]) -> Out {
    let mut v: Vec<std::ffi::OsString> = vec![cmd.into(), "--json".into(), "-q".into()];
    v.extend(args.iter().map(|a| a.as_ref().to_os_string()));
    run(&v)
}

/// `flcli stats --json -q ARGS`, which must succeed.
pub fn stats<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> StatsReport {
    let o = with_json("stats", args);
    assert_eq!(o.code, Some(0), "stats failed: {}", o.stderr);
    assert!(o.stderr.is_empty(), "unexpected stderr: {}", o.stderr);
    serde_json::from_str(&o.stdout).expect("a stats report")
}

/// `flcli compare --json -q ARGS`, which must succeed.
pub fn compare<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> CompareReport {
    let o = with_json("compare", args);
    assert_eq!(o.code, Some(0), "compare failed: {}", o.stderr);
    serde_json::from_str(&o.stdout).expect("a compare report")
}

/// `flcli stats --json -q ARGS`, which must fail with exit 2 and print nothing on stdout.
pub fn stats_err<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    let o = with_json("stats", args);
    assert_eq!(o.code, Some(2), "expected exit 2, stderr: {}", o.stderr);
    assert!(o.stdout.is_empty(), "stdout must be empty on error");
    assert!(
        !o.stderr.contains("panicked"),
        "panic instead of an error: {}",
        o.stderr
    );
    o.stderr
}

/// Writes `text` to `dir/name`.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

/// Writes `cols` as one Parquet file with `props` (default properties if None).
pub fn write_parquet(
    dir: &Path,
    name: &str,
    cols: Vec<(&str, ArrayRef)>,
    props: Option<WriterProperties>,
) -> PathBuf {
    let batch = RecordBatch::try_from_iter(cols).expect("batch");
    write_batches(dir, name, &[batch], props)
}

/// Writes several batches (same schema) to one Parquet file.
pub fn write_batches(
    dir: &Path,
    name: &str,
    batches: &[RecordBatch],
    props: Option<WriterProperties>,
) -> PathBuf {
    let p = dir.join(name);
    let f = std::fs::File::create(&p).expect("create");
    let mut w = ArrowWriter::try_new(f, batches[0].schema(), props).expect("writer");
    for b in batches {
        w.write(b).expect("write batch");
    }
    w.close().expect("close");
    p
}

/// An `ArrayRef` from any array.
pub fn arr<A: arrow_array::Array + 'static>(a: A) -> ArrayRef {
    Arc::new(a)
}

/// Relative closeness.
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs())
}

/// Asserts relative closeness with a message.
#[track_caller]
pub fn assert_close(got: f64, want: f64, rel: f64, what: &str) {
    assert!(
        close(got, want, rel),
        "{what}: got {got}, want {want} (rel {rel})"
    );
}

/// Reference sums: (CE sum, FL sum) over elements given as (p_t, α_t).
pub fn sums(elems: &[(f64, f64)], gamma: f64) -> (f64, f64) {
    let mut ce = 0.0;
    let mut fl = 0.0;
    for &(pt, a) in elems {
        let c = -pt.ln();
        ce += c;
        fl += a * (1.0 - pt).powf(gamma) * c;
    }
    (ce, fl)
}

/// Binary element from a probability: (p_t, α_t) with the ε clamp.
pub fn binary_prob(p: f64, y: u8, alpha: f64, eps: f64) -> (f64, f64) {
    let p = p.clamp(eps, 1.0 - eps);
    if y == 1 {
        (p, alpha)
    } else {
        (1.0 - p, 1.0 - alpha)
    }
}

/// Binary CE and FL from a logit, by the textbook formulas in f64:
/// CE = ln(1 + e^{-z}) with z = ±x, FL = α_t (1 - p_t)^γ CE.
pub fn binary_logit(x: f64, y: u8, gamma: f64, alpha: f64) -> (f64, f64) {
    let z = if y == 1 { x } else { -x };
    let ce = if z > 0.0 {
        (-z).exp().ln_1p()
    } else {
        -z + z.exp().ln_1p()
    };
    let q = 1.0 / (1.0 + z.exp());
    let a = if y == 1 { alpha } else { 1.0 - alpha };
    (ce, a * q.powf(gamma) * ce)
}

/// Asserts that every number in a JSON document is finite (serde_json prints
/// NaN and inf as null, which the report types only allow where documented).
pub fn assert_all_finite(v: &serde_json::Value, path: &str) {
    match v {
        serde_json::Value::Number(n) => {
            let f = n.as_f64().expect("a number");
            assert!(f.is_finite(), "{path} = {f}");
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                assert_all_finite(x, &format!("{path}[{i}]"));
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                assert_all_finite(x, &format!("{path}.{k}"));
            }
        }
        _ => {}
    }
}

/// The report without the paths, for comparing the same data in two files.
pub fn without_paths(mut r: StatsReport) -> StatsReport {
    r.input.paths.clear();
    r.input.format.clear();
    r
}

/// Asserts two JSON documents are equal, numbers within `rel` relative (or `rel` absolute,
/// for differences such as a confidence gap near 0).
#[track_caller]
pub fn assert_json_close(a: &serde_json::Value, b: &serde_json::Value, rel: f64, path: &str) {
    use serde_json::Value as V;
    match (a, b) {
        (V::Number(x), V::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                close(x, y, rel) || (x - y).abs() <= rel,
                "{path}: {x} vs {y}"
            );
        }
        (V::Array(x), V::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}: lengths differ");
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                assert_json_close(p, q, rel, &format!("{path}[{i}]"));
            }
        }
        (V::Object(x), V::Object(y)) => {
            let kx: Vec<&String> = x.keys().collect();
            let ky: Vec<&String> = y.keys().collect();
            assert_eq!(kx, ky, "{path}: keys differ");
            for (k, p) in x {
                assert_json_close(p, &y[k], rel, &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

/// Asserts two stats reports (paths aside) agree to `rel`.
#[track_caller]
pub fn assert_reports_close(a: StatsReport, b: StatsReport, rel: f64) {
    let a = serde_json::to_value(without_paths(a)).unwrap();
    let b = serde_json::to_value(without_paths(b)).unwrap();
    assert_json_close(&a, &b, rel, "report");
}

/// Runs `flcli CMD --json -q ARGS`, asserts success, and returns the raw JSON.
pub fn json_value<S: AsRef<std::ffi::OsStr>>(cmd: &str, args: &[S]) -> serde_json::Value {
    let o = with_json(cmd, args);
    assert_eq!(o.code, Some(0), "{cmd} failed: {}", o.stderr);
    serde_json::from_str(&o.stdout).expect("JSON on stdout")
}

/// Runs `flcli CMD ARGS` with the table output, asserts success, and returns the text.
pub fn table<S: AsRef<std::ffi::OsStr>>(cmd: &str, args: &[S]) -> String {
    let mut v: Vec<std::ffi::OsString> = vec![cmd.into(), "-q".into()];
    v.extend(args.iter().map(|a| a.as_ref().to_os_string()));
    let o = run(&v);
    assert_eq!(o.code, Some(0), "{cmd} failed: {}", o.stderr);
    o.stdout
}

/// A small deterministic generator (xorshift; no dependency on a random crate).
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A multiple of 1/64 in (0, 1): exact in f16, f32 and f64.
    pub fn p64(&mut self) -> f64 {
        (1 + self.next() % 63) as f64 / 64.0
    }
}

/// A temporary directory, removed on drop.
pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// `data` gzipped.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}
