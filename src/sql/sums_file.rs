//! The file side of a sums table: its column names, and its cells as text
//! from Parquet (checked like any Parquet input, and refused when it holds
//! more rows than a sums table can) or CSV.

use anyhow::{anyhow, bail, Result};
use std::path::Path;

/// Whether `path` starts with the Parquet magic bytes.
pub(super) fn is_parquet(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok()
        && &magic == b"PAR1"
}

/// The bytes of a CSV file looked at for a sums table's header: its header is
/// a few short names, and a file without line ends must not be read whole here.
const HEAD_BYTES: u64 = 64 << 10;

/// The column names of the sums table (or other file) at `path`.
pub(super) fn columns(path: &Path) -> Result<Vec<String>> {
    if is_parquet(path) {
        return crate::input::parquet::column_names(path);
    }
    let mut head = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::fs::File::open(path)?, HEAD_BYTES),
        &mut head,
    )?;
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line);
    let mut rec = csv::StringRecord::new();
    r.read_record(&mut rec)?;
    Ok(rec
        .iter()
        .map(|s| s.trim_end_matches('\r').to_string())
        .collect())
}

/// More rows than any sums table holds (one per cell, tail bin, calibration
/// bin and row status: a few per class and bucket): a data file that happens
/// to have the spec column is refused before it is read into memory.
const MAX_ROWS: usize = 1 << 22;

/// A table of text cells: column names and rows.
pub(super) type Table = (Vec<String>, Vec<Vec<Option<String>>>);

/// Reads the CSV sums table at `path`.
pub(super) fn read_csv(path: &Path) -> Result<Table> {
    let mut r = csv::ReaderBuilder::new().from_path(path)?;
    let names = r.headers()?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec?;
        if rows.len() == MAX_ROWS {
            bail!("holds more than the {MAX_ROWS} rows a sums table can have; pass the data file itself instead");
        }
        rows.push(
            rec.iter()
                .map(|s| (!s.is_empty()).then(|| s.to_string()))
                .collect(),
        );
    }
    Ok((names, rows))
}

/// Reads the Parquet sums table at `path`; errors name the file as `shown`.
pub(super) fn read_parquet(path: &Path, shown: &str) -> Result<Table> {
    use arrow_array::cast::AsArray;
    use arrow_schema::DataType;
    let builder = crate::input::parquet::small_file(path, MAX_ROWS as i64)?;
    let names: Vec<String> = builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let fail = |e: &dyn std::fmt::Display| anyhow!("{shown}: cannot read the sums table: {e}");
    let reader = builder.build().map_err(|e| fail(&e))?;
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| fail(&e))?;
        let mut cols = Vec::new();
        for c in batch.columns() {
            // Floats as Rust's shortest round-trip text, which parses back to the same bits.
            let (a, float) = match c.data_type() {
                DataType::Float16
                | DataType::Float32
                | DataType::Float64
                | DataType::Decimal128(..)
                | DataType::Decimal256(..) => (
                    arrow_cast::cast(c, &DataType::Float64).map_err(|e| fail(&e))?,
                    true,
                ),
                _ => (
                    arrow_cast::cast(c, &DataType::Utf8).map_err(|e| fail(&e))?,
                    false,
                ),
            };
            cols.push((a, float));
        }
        for i in 0..batch.num_rows() {
            rows.push(
                cols.iter()
                    .map(|(a, float)| {
                        if a.is_null(i) {
                            None
                        } else if *float {
                            // Text that parses back to the same f64 (Debug keeps `.0`).
                            Some(format!(
                                "{:?}",
                                a.as_primitive::<arrow_array::types::Float64Type>().value(i)
                            ))
                        } else {
                            Some(a.as_string::<i32>().value(i).to_string())
                        }
                    })
                    .collect(),
            );
        }
    }
    Ok((names, rows))
}
