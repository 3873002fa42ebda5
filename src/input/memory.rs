//! In-memory input, for programs that call flcli as a library (the Python
//! package): Arrow record batches already in memory, read through the same
//! [`Reader`] trait and the shared Arrow decoder as the files, or partial
//! results already decoded. The record batches are shared, never copied:
//! units of about [`UNIT_ROWS`] rows run in parallel like an IPC file's.

use super::arrow::{self as arrow_in, BatchDecoder, UNIT_ROWS};
use super::decode::Decoder;
use super::detect::Column;
use super::handle::Handle;
use super::reader::{Format, Kind, Reader, Span};
use super::{InputOptions, Source};
use crate::engine::UnitAcc;
use crate::partial::PartialResult;
use anyhow::{bail, Result};
use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, SchemaRef};
use std::sync::Arc;

/// The name in messages (and the report's `input.paths`) of in-memory data.
pub const MEMORY_PATH: &str = "<memory>";

/// Input handed over in memory instead of named by paths.
#[derive(Clone, Debug)]
pub enum Memory {
    /// Arrow record batches: a prediction dump.
    Arrow(Arc<ArrowData>),
    /// Decoded partial results, each with its name for messages.
    Partials(Arc<Vec<(String, PartialResult)>>),
}

/// Record batches of one schema, held in memory.
#[derive(Debug)]
pub struct ArrowData {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

impl ArrowData {
    /// Collects the batches of a stream (an Arrow C stream, say) with its schema.
    pub fn collect(
        schema: SchemaRef,
        batches: impl IntoIterator<Item = Result<RecordBatch, ArrowError>>,
    ) -> Result<ArrowData> {
        let mut out = Vec::new();
        for (i, b) in batches.into_iter().enumerate() {
            let b = b.map_err(|e| {
                anyhow::anyhow!(
                    "{MEMORY_PATH}: cannot read record batch {i} of the Arrow stream ({e})"
                )
            })?;
            if b.schema().fields() != schema.fields() {
                bail!("{MEMORY_PATH}: record batch {i} does not have the stream's schema; give batches of one schema");
            }
            if b.num_rows() > 0 {
                out.push(b);
            }
        }
        Ok(ArrowData {
            schema,
            batches: out,
        })
    }

    /// The rows held.
    pub(crate) fn rows(&self) -> u64 {
        self.batches.iter().map(|b| b.num_rows() as u64).sum()
    }
}

/// The format of in-memory Arrow data; not in [`super::reader::FORMATS`]:
/// no file is ever opened as this format.
pub(crate) struct InMemory;

impl Kind for InMemory {
    fn name(&self) -> &'static str {
        "memory"
    }
    fn about(&self) -> &'static str {
        "Arrow record batches handed over in memory (the Python package)"
    }
    fn title(&self) -> &'static str {
        "in-memory Arrow data"
    }
    fn extensions(&self) -> &'static [&'static str] {
        &[]
    }
    fn needs_file(&self) -> bool {
        true
    }
    fn open(&self, shown: &str, _file: &Handle, _head: &[u8]) -> Result<Box<dyn Reader>> {
        bail!("{shown}: in-memory data is handed over by a program, never read from a file")
    }
}

/// The one source of in-memory Arrow data.
pub(crate) fn source(data: &Arc<ArrowData>) -> Source {
    Source {
        path: MEMORY_PATH.into(),
        format: Format(&InMemory),
        pipe: false,
        reader: Box::new(MemoryReader(data.clone())),
        // Nothing to reopen or to check for changes while it is read.
        handle: None,
    }
}

/// The reader of in-memory record batches.
#[derive(Debug)]
struct MemoryReader(Arc<ArrowData>);

impl Reader for MemoryReader {
    fn columns(&self, _src: &Source, _opts: &InputOptions) -> Result<Vec<Column>> {
        Ok(arrow_in::columns(&self.0.schema))
    }

    fn list_width(&self, src: &Source, col: &str) -> Result<usize> {
        let batches = self.0.batches.iter().map(|b| Ok(b.clone()));
        arrow_in::list_width(batches, col)?.ok_or_else(|| arrow_in::no_list_width(src, col))
    }

    /// Consecutive batches joined into units of about [`UNIT_ROWS`] rows; a
    /// larger batch is cut into slices of that size (slicing shares the buffers).
    fn units(&self, _src: &Source, _opts: &InputOptions, _whole: bool) -> Result<Vec<Span>> {
        // Pieces are rows here: a unit is the rows start..end of the concatenated batches.
        let total = self.0.rows();
        Ok((0..total)
            .step_by(UNIT_ROWS as usize)
            .map(|start| Span::Part {
                start,
                end: (start + UNIT_ROWS).min(total),
                first: start,
            })
            .collect())
    }

    fn read(
        &self,
        src: &Source,
        span: &Span,
        dec: &Decoder,
        acc: &mut UnitAcc,
    ) -> Result<Option<u64>> {
        let (start, end) = match *span {
            Span::Part { start, end, .. } => (start, end),
            Span::Whole => (0, self.0.rows()),
        };
        let idx = arrow_in::projection(&self.0.schema, src, dec)?;
        let mut decoder = BatchDecoder::new(dec);
        let mut at = 0u64;
        for b in &self.0.batches {
            let n = b.num_rows() as u64;
            let (lo, hi) = (start.max(at), end.min(at + n));
            if lo < hi {
                let part = b
                    .slice((lo - at) as usize, (hi - lo) as usize)
                    .project(&idx)?;
                decoder.accumulate(&part, lo, src, acc)?;
            }
            at += n;
            if at >= end {
                break;
            }
        }
        Ok(None)
    }
}
