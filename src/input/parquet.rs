//! Parquet input: the footer, units made of runs of row groups, and reading
//! them projected to the needed columns into the shared Arrow decoder.

use super::arrow::{self as arrow_in, BatchDecoder};
use super::decode::Decoder;
use super::detect::Column;
use super::handle::Handle;
use super::reader::{Kind, Reader, Span};
use super::{InputOptions, Source};
use crate::engine::UnitAcc;
use adders::{add_all, with_rows};
use anyhow::{anyhow, Result};
use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, DataType, Field, Schema};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use std::sync::{Arc, OnceLock};

pub use super::arrow::UNIT_ROWS;

#[path = "parquet_adders.rs"]
mod adders;
#[path = "parquet_dense.rs"]
mod dense;
#[path = "parquet_ids.rs"]
mod ids;
#[path = "parquet_labels.rs"]
mod labels;
#[path = "parquet_leaf.rs"]
mod leaf;
#[path = "parquet_pages.rs"]
mod pages;

/// The Apache Parquet format.
pub(crate) struct Parquet;

impl Kind for Parquet {
    fn name(&self) -> &'static str {
        "parquet"
    }
    fn about(&self) -> &'static str {
        "Apache Parquet"
    }
    fn title(&self) -> &'static str {
        "Parquet"
    }
    fn extensions(&self) -> &'static [&'static str] {
        &[".parquet", ".pq", ".parq"]
    }
    fn magic(&self) -> Option<&'static str> {
        Some("the Parquet magic bytes PAR1")
    }
    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(b"PAR1")
    }
    fn needs_file(&self) -> bool {
        true
    }
    fn open(&self, shown: &str, file: &Handle, _head: &[u8]) -> Result<Box<dyn Reader>> {
        super::parquet_check::footer(shown, file)?;
        let meta = crate::guard::catch(shown, || load_footer(shown, file))?;
        Ok(Box::new(ParquetFile {
            meta,
            by_meta: OnceLock::new(),
        }))
    }
}

/// The top-level column names of the Parquet file at `path`, read from its
/// footer once the sizes the footer states are checked.
pub(crate) fn column_names(path: &std::path::Path) -> Result<Vec<String>> {
    let shown = crate::text::escape(&path.display().to_string());
    let file = std::fs::File::open(path).map_err(|e| anyhow!("{shown}: cannot open: {e}"))?;
    let h = Handle::new(file).map_err(|e| anyhow!("{shown}: cannot read: {e}"))?;
    super::parquet_check::footer(&shown, &h)?;
    let meta = crate::guard::catch(&shown, || load_footer(&shown, &h))?;
    Ok(meta
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect())
}

/// A reader of every row of the small Parquet file at `path` (a sums table),
/// once its footer and page headers are checked and its row count is at most
/// `max_rows`: a damaged or huge file fails before anything is allocated.
pub(crate) fn small_file(
    path: &std::path::Path,
    max_rows: i64,
) -> Result<ParquetRecordBatchReaderBuilder<Handle>> {
    let shown = crate::text::escape(&path.display().to_string());
    let file = std::fs::File::open(path).map_err(|e| anyhow!("{shown}: cannot open: {e}"))?;
    let h = Handle::new(file).map_err(|e| anyhow!("{shown}: cannot read: {e}"))?;
    super::parquet_check::footer(&shown, &h)?;
    let meta = crate::guard::catch(&shown, || load_footer(&shown, &h))?;
    let md = meta.metadata();
    let rows = md.file_metadata().num_rows();
    if rows > max_rows {
        return Err(anyhow!(
            "{shown}: holds {rows} rows, more than the {max_rows} a sums table can have; pass the data file itself instead"
        ));
    }
    let rgs: Vec<usize> = (0..md.num_row_groups()).collect();
    let leaves: Vec<usize> = (0..md.file_metadata().schema_descr().num_columns()).collect();
    super::parquet_check::pages(&shown, &h, md, &rgs, &leaves)?;
    Ok(ParquetRecordBatchReaderBuilder::new_with_metadata(h, meta))
}

/// Reads and checks a Parquet footer (fails fast on truncated files: only the footer is read).
pub(crate) fn load_footer(shown: &str, file: &Handle) -> Result<ArrowReaderMetadata> {
    ArrowReaderMetadata::load(file, ArrowReaderOptions::new()).map_err(|e| {
        anyhow!("{shown}: not a readable Parquet file ({e}); it may be truncated or still being written. Wait for the writer to finish, or re-export the file")
    })
}

/// One Parquet file, with its footer read once when it was opened.
#[derive(Debug)]
pub(crate) struct ParquetFile {
    meta: ArrowReaderMetadata,
    /// The footer read with a text `--by` column as a dictionary (made on
    /// first use; the `--by` column is the same for every unit).
    by_meta: OnceLock<Option<ArrowReaderMetadata>>,
}

impl ParquetFile {
    /// A reader of the file through its one handle (positioned reads: units
    /// on other threads share it safely).
    fn builder(&self, src: &Source) -> Result<ParquetRecordBatchReaderBuilder<Handle>> {
        Ok(ParquetRecordBatchReaderBuilder::new_with_metadata(
            src.handle()?.clone(),
            self.meta.clone(),
        ))
    }

    /// [`ParquetFile::builder`] for a pass whose `--by` column is `by`. A
    /// text column is read as a dictionary: its pages are (pyarrow, polars,
    /// DuckDB and Spark write them so), and the groups are then looked up
    /// once per distinct value of a batch instead of once per row.
    fn builder_by(
        &self,
        src: &Source,
        by: Option<&str>,
    ) -> Result<ParquetRecordBatchReaderBuilder<Handle>> {
        let meta = by.and_then(|by| self.by_meta.get_or_init(|| self.dictionary(by)).as_ref());
        Ok(ParquetRecordBatchReaderBuilder::new_with_metadata(
            src.handle()?.clone(),
            meta.unwrap_or(&self.meta).clone(),
        ))
    }

    /// The footer with text column `by` read as a dictionary of its text
    /// (`None` when `by` is not a text column, or the reader cannot).
    fn dictionary(&self, by: &str) -> Option<ArrowReaderMetadata> {
        let schema = self.meta.schema();
        let i = schema.index_of(by).ok()?;
        let text = schema.field(i).data_type();
        if !matches!(text, DataType::Utf8 | DataType::LargeUtf8) {
            return None;
        }
        let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
        let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(text.clone()));
        fields[i] = fields[i].clone().with_data_type(dict);
        let hinted = Schema::new_with_metadata(fields, schema.metadata().clone());
        let options = ArrowReaderOptions::new().with_schema(Arc::new(hinted));
        ArrowReaderMetadata::try_new(self.meta.metadata().clone(), options).ok()
    }
}

impl ParquetFile {
    /// Checks the page headers of the top-level columns `roots` in row
    /// groups `rgs` before the Parquet reader allocates by them.
    fn check_pages(&self, src: &Source, rgs: &[usize], roots: &[usize]) -> Result<()> {
        let md = self.meta.metadata();
        let descr = md.file_metadata().schema_descr();
        let leaves: Vec<usize> = (0..descr.num_columns())
            .filter(|&l| roots.contains(&descr.get_column_root_idx(l)))
            .collect();
        super::parquet_check::pages(&src.display(), src.handle()?, md, rgs, &leaves)
    }
}

impl Reader for ParquetFile {
    fn rows(&self) -> Option<u64> {
        u64::try_from(self.meta.metadata().file_metadata().num_rows()).ok()
    }

    fn columns(&self, _src: &Source, _opts: &InputOptions) -> Result<Vec<Column>> {
        Ok(arrow_in::columns(self.meta.schema()))
    }

    fn list_width(&self, src: &Source, col: &str) -> Result<usize> {
        let builder = self.builder(src)?;
        let idx = builder.schema().index_of(col)?;
        let all: Vec<usize> = (0..self.meta.metadata().num_row_groups()).collect();
        self.check_pages(src, &all, &[idx])?;
        let mask = ProjectionMask::roots(builder.parquet_schema(), [idx]);
        let reader = builder
            .with_projection(mask)
            .with_batch_size(1024)
            .build()?;
        arrow_in::list_width(reader.map(|r| r.map_err(Into::into)), col)?
            .ok_or_else(|| arrow_in::no_list_width(src, col))
    }

    /// Runs of row groups of about [`UNIT_ROWS`] rows.
    fn units(&self, _src: &Source, _opts: &InputOptions, _whole: bool) -> Result<Vec<Span>> {
        let md = self.meta.metadata();
        let mut out = Vec::new();
        let (mut start, mut rows, mut first) = (0, 0u64, 0u64);
        for rg in 0..md.num_row_groups() {
            rows += md.row_group(rg).num_rows() as u64;
            if rows >= UNIT_ROWS || rg + 1 == md.num_row_groups() {
                out.push(Span::Part {
                    start,
                    end: rg as u64 + 1,
                    first,
                });
                first += rows;
                start = rg as u64 + 1;
                rows = 0;
            }
        }
        Ok(out)
    }

    fn read(
        &self,
        src: &Source,
        span: &Span,
        dec: &Decoder,
        acc: &mut UnitAcc,
    ) -> Result<Option<u64>> {
        let first = match *span {
            Span::Part { first, .. } => first,
            Span::Whole => 0,
        };
        let rgs: Vec<usize> = rgs_of(span, self).collect();
        let rows = rgs_rows(self, &rgs) as u64;
        let builder = self.builder_by(src, dec.by)?;
        let idx = arrow_in::projection(builder.schema(), src, dec)?;
        self.check_pages(src, &rgs, &idx)?;
        // A row group far bigger than a unit is one unit, which one thread
        // would both decode and add up while the others idle. Wide rows
        // (softmax logits) count by their scores: 100K rows of 1000 scores
        // are as much work as 100M rows of one.
        let big = rows.saturating_mul(dec.spec.width() as u64) > 2 * UNIT_ROWS;
        if let Some(d) = dense::plan(builder.schema(), builder.parquet_schema(), dec) {
            return dense::read(self, src, rgs, first, big, d, dec, acc);
        }
        let mask = ProjectionMask::roots(builder.parquet_schema(), idx);
        let reader = builder
            .with_projection(mask)
            .with_row_groups(rgs)
            .with_batch_size(arrow_in::batch_rows(dec.spec.width()))
            .build()?;
        let batches = with_rows(reader, first, |rb| {
            rb.as_ref().map_or(0, |rb| rb.num_rows())
        });
        let new = || BatchDecoder::new(dec);
        add_all(big, batches, dec.spec, acc, new, |decoder, row, rb, acc| {
            let rb = rb.map_err(|e| src.cannot_decode(row, &e))?;
            decoder.accumulate(&rb, row, src, acc)?;
            Ok(true)
        })?;
        Ok(None)
    }
}

/// The row groups of `span`.
fn rgs_of(span: &Span, f: &ParquetFile) -> std::ops::Range<usize> {
    match *span {
        Span::Part { start, end, .. } => start as usize..end as usize,
        Span::Whole => 0..f.meta.metadata().num_row_groups(),
    }
}

/// The rows in row groups `rgs`.
fn rgs_rows(f: &ParquetFile, rgs: &[usize]) -> usize {
    let md = f.meta.metadata();
    rgs.iter()
        .map(|&rg| md.row_group(rg).num_rows() as usize)
        .sum()
}

/// Validates and adds every record batch of `batches`, whose first row is row `first` of `src`.
fn accumulate_all(
    batches: impl Iterator<Item = Result<RecordBatch, ArrowError>>,
    first: u64,
    src: &Source,
    dec: &Decoder,
    acc: &mut UnitAcc,
) -> Result<Option<u64>> {
    let mut row = first;
    let mut decoder = BatchDecoder::new(dec);
    for rb in batches {
        let rb = rb.map_err(|e| src.cannot_decode(row, &e))?;
        decoder.accumulate(&rb, row, src, acc)?;
        row += rb.num_rows() as u64;
    }
    Ok(None)
}
