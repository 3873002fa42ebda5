//! Shared test helpers (xsv-style): a temporary working directory that test
//! data is written into, a way to run the `flcli` binary there, and decoding
//! of `--json` output into the report types.
#![allow(dead_code)] // each test binary uses a different subset

use arrow_array::{ArrayRef, RecordBatch};
use assert_cmd::Command;
use flcli::report::{CompareReport, StatsReport};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;

/// A committed fixture under `fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A `flcli` command with colour off and no inherited `NO_COLOR`/`TERM` surprises.
pub fn flcli() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_flcli"));
    c.env_remove("NO_COLOR").env("TERM", "dumb");
    c
}

/// A temporary directory holding one test's input files.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Default for Workdir {
    fn default() -> Self {
        Self::new()
    }
}

impl Workdir {
    /// A fresh, empty directory (removed on drop).
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::Builder::new()
                .prefix("flcli-test")
                .tempdir()
                .expect("temp dir"),
        }
    }

    /// The directory itself.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `contents` to `name` (creating parent directories) and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, contents).expect("write");
        p
    }

    /// Writes a CSV file from rows of fields (the first row is the header).
    pub fn write_csv(&self, name: &str, rows: &[Vec<String>]) -> PathBuf {
        self.write(name, csv_text(rows, ','))
    }

    /// Writes `contents` gzip-compressed.
    pub fn write_gz(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(contents.as_ref()).expect("gzip");
        self.write(name, e.finish().expect("gzip"))
    }

    /// Writes a Parquet file from named columns, `row_group` rows per row group.
    pub fn write_parquet(
        &self,
        name: &str,
        columns: Vec<(&str, ArrayRef)>,
        row_group: usize,
    ) -> PathBuf {
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(row_group))
            .build();
        self.write_parquet_with(name, columns, props)
    }

    /// Writes a Parquet file from named columns with the given writer settings (codec etc.).
    pub fn write_parquet_with(
        &self,
        name: &str,
        columns: Vec<(&str, ArrayRef)>,
        props: WriterProperties,
    ) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        let batch =
            RecordBatch::try_from_iter(columns.into_iter().map(|(n, a)| (n.to_string(), a)))
                .expect("record batch");
        let f = std::fs::File::create(&p).expect("create");
        let mut w = ArrowWriter::try_new(f, batch.schema(), Some(props)).expect("writer");
        w.write(&batch).expect("write batch");
        w.close().expect("close");
        p
    }

    /// `flcli` run inside this directory.
    pub fn cmd(&self) -> Command {
        let mut c = flcli();
        c.current_dir(self.root());
        c
    }
}

/// CSV text from rows of fields.
pub fn csv_text(rows: &[Vec<String>], delimiter: char) -> String {
    let mut s = String::new();
    for r in rows {
        s.push_str(&r.join(&delimiter.to_string()));
        s.push('\n');
    }
    s
}

/// Shorthand for a row of fields.
#[macro_export]
macro_rules! row {
    ($($x:expr),* $(,)?) => { vec![$($x.to_string()),*] };
}

/// A Float64 column.
pub fn f64s(v: Vec<f64>) -> ArrayRef {
    Arc::new(arrow_array::Float64Array::from(v))
}

/// An Int64 column.
pub fn i64s(v: Vec<i64>) -> ArrayRef {
    Arc::new(arrow_array::Int64Array::from(v))
}

/// A Utf8 column.
pub fn strs(v: Vec<&str>) -> ArrayRef {
    Arc::new(arrow_array::StringArray::from(v))
}

/// A `list<float64>` column, one list per row.
pub fn f64_lists(rows: &[Vec<f64>]) -> ArrayRef {
    Arc::new(arrow_array::ListArray::from_iter_primitive::<
        arrow_array::types::Float64Type,
        _,
        _,
    >(
        rows.iter()
            .map(|r| Some(r.iter().copied().map(Some).collect::<Vec<_>>())),
    ))
}

/// Runs `cmd`, requires exit 0, and returns (stdout, stderr).
pub fn ok(cmd: &mut Command) -> (String, String) {
    let out = cmd.output().expect("run flcli");
    let (so, se) = texts(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "flcli failed\nstdout:\n{so}\nstderr:\n{se}"
    );
    (so, se)
}

/// Runs `cmd`, requires exit 2, an empty stdout and one `error:` message; returns stderr.
pub fn fails(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run flcli");
    let (so, se) = texts(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit 2\nstdout:\n{so}\nstderr:\n{se}"
    );
    assert!(so.is_empty(), "stdout must be empty on error, got:\n{so}");
    assert!(se.contains("error:"), "no error message on stderr:\n{se}");
    assert!(!se.contains("panicked"), "panic:\n{se}");
    se
}

fn texts(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `cmd` (which should carry `--json`) and decodes the stats report.
pub fn stats_json(cmd: &mut Command) -> StatsReport {
    let (so, _) = ok(cmd);
    serde_json::from_str(&so).unwrap_or_else(|e| panic!("not a stats report ({e}):\n{so}"))
}

/// Runs `cmd` (which should carry `--json`) and decodes the compare report.
pub fn compare_json(cmd: &mut Command) -> CompareReport {
    let (so, _) = ok(cmd);
    serde_json::from_str(&so).unwrap_or_else(|e| panic!("not a compare report ({e}):\n{so}"))
}

/// Relative difference, with an absolute floor for values near 0.
pub fn rel(a: f64, b: f64) -> f64 {
    if a == b {
        return 0.0;
    }
    (a - b).abs() / a.abs().max(b.abs()).max(1e-300)
}

/// Asserts every `needle` occurs in `haystack`.
pub fn assert_mentions(haystack: &str, needles: &[&str]) {
    for n in needles {
        assert!(
            haystack.contains(n),
            "expected {n:?} in the message:\n{haystack}"
        );
    }
}
