//! The end-to-end bench's input: a binary Parquet file and a CSV of the same
//! rows (columns `label`, `prob`, `logit`), written once and reused.
//!
//! Files are named by row count and a format version, written as `NAME.tmp`
//! and renamed, so an interrupted run never leaves a file that looks finished.

use super::common::{binary_row, sigmoid, Rng};
use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows per chunk of generation, and per Parquet row group (as `gen_data.py`).
const CHUNK: u64 = 1 << 20;
/// Bumped when the data model changes, so stale files are not reused.
const VERSION: u32 = 1;

/// The two files of one data set.
pub struct Files {
    /// Snappy Parquet, one row group per 2^20 rows, no dictionary on floats.
    pub parquet: PathBuf,
    /// The same rows as CSV with a header; floats in shortest round-trip form.
    pub csv: PathBuf,
}

fn dir() -> PathBuf {
    std::env::var_os("FLCLI_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/flcli-bench"))
}

/// The files for `rows` rows, generated (seed 7) if not there yet.
pub fn ensure(rows: u64) -> std::io::Result<Files> {
    if rows == 0 {
        return Err(std::io::Error::other("FLCLI_BENCH_ROWS must be at least 1"));
    }
    let d = dir();
    std::fs::create_dir_all(&d)?;
    let stem = format!("binary_{rows}_v{VERSION}");
    let files = Files {
        parquet: d.join(format!("{stem}.parquet")),
        csv: d.join(format!("{stem}.csv")),
    };
    if files.parquet.exists() && files.csv.exists() {
        return Ok(files);
    }
    eprintln!(
        "writing {rows} rows to {} and .csv (once)",
        files.parquet.display()
    );
    write(rows, &files).map_err(std::io::Error::other)?;
    Ok(files)
}

fn tmp(p: &Path) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(".tmp");
    s.into()
}

fn write(rows: u64, files: &Files) -> anyhow::Result<()> {
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(CHUNK as usize))
        .set_compression(Compression::SNAPPY)
        .set_dictionary_enabled(false)
        .build();
    let (pq_tmp, csv_tmp) = (tmp(&files.parquet), tmp(&files.csv));
    let mut pq: Option<ArrowWriter<std::fs::File>> = None;
    let mut csv = BufWriter::with_capacity(1 << 20, std::fs::File::create(&csv_tmp)?);
    writeln!(csv, "label,prob,logit")?;
    let mut rng = Rng::new(7);
    let mut done = 0;
    while done < rows {
        let n = CHUNK.min(rows - done) as usize;
        let (mut label, mut prob, mut logit) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for _ in 0..n {
            let (y, x) = binary_row(&mut rng);
            let p = sigmoid(x);
            // Display prints the shortest string that parses back to the same f64.
            writeln!(csv, "{y},{p},{x}")?;
            label.push(y);
            prob.push(p);
            logit.push(x);
        }
        let batch = RecordBatch::try_from_iter([
            ("label", Arc::new(Int64Array::from(label)) as ArrayRef),
            ("prob", Arc::new(Float64Array::from(prob)) as ArrayRef),
            ("logit", Arc::new(Float64Array::from(logit)) as ArrayRef),
        ])?;
        if pq.is_none() {
            let f = std::fs::File::create(&pq_tmp)?;
            pq = Some(ArrowWriter::try_new(
                f,
                batch.schema(),
                Some(props.clone()),
            )?);
        }
        if let Some(w) = pq.as_mut() {
            w.write(&batch)?;
        }
        done += n as u64;
    }
    if let Some(w) = pq {
        w.close()?;
    }
    csv.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&pq_tmp, &files.parquet)?;
    std::fs::rename(&csv_tmp, &files.csv)?;
    Ok(())
}
