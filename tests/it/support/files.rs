//! Test input files: the committed fixtures, a temporary working directory,
//! and writers for plain, gzipped and Parquet files and their Arrow columns.

use arrow_array::{ArrayRef, RecordBatch};
use assert_cmd::Command;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A committed fixture under `fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
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
        write(self.root(), name, contents)
    }

    /// Writes `contents` gzip-compressed.
    pub fn write_gz(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        self.write(name, gzip(contents.as_ref()))
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
        write_parquet(self.root(), name, columns, Some(props))
    }

    /// `flcli` run inside this directory.
    pub fn cmd(&self) -> Command {
        let mut c = super::flcli();
        c.current_dir(self.root());
        c
    }
}

/// Writes `contents` to `dir/name` (creating parent directories) and returns its path.
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&p, contents).expect("write");
    p
}

/// `data` gzipped.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).expect("gzip");
    gz.finish().expect("gzip")
}

/// Writes `cols` as one Parquet file `dir/name` with `props` (default properties if None).
pub fn write_parquet(
    dir: &Path,
    name: &str,
    cols: Vec<(&str, ArrayRef)>,
    props: Option<WriterProperties>,
) -> PathBuf {
    let batch = RecordBatch::try_from_iter(cols).expect("record batch");
    write_batches(dir, name, &[batch], props)
}

/// Writes several batches (same schema) to one Parquet file `dir/name`
/// (creating parent directories).
pub fn write_batches(
    dir: &Path,
    name: &str,
    batches: &[RecordBatch],
    props: Option<WriterProperties>,
) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
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

/// A Float64 column.
pub fn f64s(v: Vec<f64>) -> ArrayRef {
    arr(arrow_array::Float64Array::from(v))
}

/// An Int64 column.
pub fn i64s(v: Vec<i64>) -> ArrayRef {
    arr(arrow_array::Int64Array::from(v))
}

/// A Utf8 column.
pub fn strs(v: Vec<&str>) -> ArrayRef {
    arr(arrow_array::StringArray::from(v))
}

/// A `list<float64>` column, one list per row.
pub fn f64_lists(rows: &[Vec<f64>]) -> ArrayRef {
    arr(arrow_array::ListArray::from_iter_primitive::<
        arrow_array::types::Float64Type,
        _,
        _,
    >(rows.iter().map(|r| {
        Some(r.iter().copied().map(Some).collect::<Vec<_>>())
    })))
}
